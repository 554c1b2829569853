/* SPDX-License-Identifier: GPL-2.0 */
/* cmd_receipt.h - `tagih pay receipt`, a row of the pay command table (tools/cmd_pay.c). */
#ifndef TAGIH_CMD_RECEIPT_H
#define TAGIH_CMD_RECEIPT_H

#include "tools/cli.h"

extern const struct cli_opt pay_receipt_opts[];
int pay_cmd_receipt(struct cli *c, struct cli_args *a);

#define PAY_RECEIPT_DOC \
	"The receipt (kuitansi) of a recorded payment: the operator, " \
	"KUITANSI (RECEIPT in English), its number (the payment's ref), when, " \
	"who paid, the amount in figures and in words (terbilang), the " \
	"invoices it paid and what went to the balance, the method and who " \
	"recorded it. --format pdf (the default) is an A5 page; --format " \
	"thermal is plain UTF-8 text 32 columns wide for a 58 mm receipt " \
	"printer (--out - writes it to standard output, e.g. to pipe it to " \
	"the printer). Files are made mode 0600 and never through a symlink."

#endif
