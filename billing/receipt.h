/* SPDX-License-Identifier: GPL-2.0 */
/* receipt.h - the receipt (kuitansi) of a payment: an A5 PDF, or 32 columns of text for a 58 mm thermal printer. */
#ifndef TAGIH_RECEIPT_H
#define TAGIH_RECEIPT_H

#include <stdbool.h>
#include <stdio.h>

#include "billing/pay.h"
#include "billing/store.h"
#include "lib/conf.h"

/*
 * What a kuitansi says: the operator, KUITANSI (RECEIPT in English), its
 * number (the payment's ref), when (in the operator's zone), "Telah
 * terima dari" the subscriber's name and id, the amount in figures and
 * in words (terbilang), what it paid (each invoice and what went to the
 * balance), the method, and who recorded it (the payment's actor).
 * Everything comes from the stored payment: printing it twice gives the
 * same receipt. A reversal (a refund or chargeback, stored negative)
 * prints as PENGEMBALIAN DANA / REFUND, "Dikembalikan kepada", its words
 * those of the sum given back; a credit is a receipt like a payment's.
 *
 * The thermal layout is plain UTF-8 text, 32 columns (a 58 mm printer's
 * 48 mm of paper in its standard 12x24 font), lines ending in "\n": what
 * Bluetooth and USB receipt printers print as they are sent, with no
 * driver or PDF renderer on the kasir's phone. Every line is at most 32
 * characters (code points); longer names and addresses wrap.
 */
#define RECEIPT_COLS 32
#define RECEIPT_W 595.0		/* A5 landscape, points */
#define RECEIPT_H 420.0

/* The file name of a receipt: "kuitansi-" + the ref with every byte but
 * A-Z a-z 0-9 . _ - as '-' + ".pdf" (refs hold ':' and '/'), as tagihd
 * writes it into invoice_pdf_dir. Returns buf. */
char *receipt_filename(const char *ref, char *buf, size_t n);

/* The receipt as a PDF in memory / in a private file (0600). Returns 0,
 * -ENOMEM, -EIO or -errno. */
int receipt_pdf_mem(MDB_txn *txn, struct store *st, const struct pay_rec *p,
		    const struct tagih_conf *conf, bool en,
		    unsigned char **buf, size_t *len);
int receipt_pdf_file(MDB_txn *txn, struct store *st, const struct pay_rec *p,
		     const struct tagih_conf *conf, bool en, const char *path);
/* The thermal layout into f. Returns 0 or -EIO. */
int receipt_thermal(MDB_txn *txn, struct store *st, const struct pay_rec *p,
		    const struct tagih_conf *conf, bool en, FILE *f);

#endif
