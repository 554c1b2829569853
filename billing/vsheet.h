/* SPDX-License-Identifier: GPL-2.0 */
/* vsheet.h - printable voucher sheets: CSV, or an A4 PDF of cut-out cards (cairo). */
#ifndef TAGIH_VSHEET_H
#define TAGIH_VSHEET_H

#include <stdint.h>
#include <stdio.h>
#include "billing/voucher.h"
#include "lib/conf.h"

struct vsheet_item {
	uint64_t serial;
	const char *code;	/* VOUCHER_CODE_LEN letters */
};

struct vsheet {
	const struct tagih_conf *conf;	/* operator_name on every card */
	int kind;		/* enum voucher_kind */
	const char *name;	/* plan or pack */
	const char *detail;	/* "30 hari", "5 GB, 7 hari" */
	const char *reseller;	/* may be "" */
	rp_t price;
	int64_t created;
};

/* CSV: serial,code,kind,name,price,reseller,created. 0 or -EIO. */
int vsheet_csv(FILE *f, const struct vsheet *s, const struct vsheet_item *v,
	       unsigned n);
/* A4 pages of 3 x 8 cards: operator, item, price, code, serial. 0 or
 * -EIO. */
int vsheet_pdf(FILE *f, const struct vsheet *s, const struct vsheet_item *v,
	       unsigned n);

#endif
