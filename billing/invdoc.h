/* SPDX-License-Identifier: GPL-2.0 */
/* invdoc.h - the invoice as a printed document (TAGIHAN / INVOICE): its page, lines that add up, file names. */
#ifndef TAGIH_INVDOC_H
#define TAGIH_INVDOC_H

#include <stdbool.h>
#include <stdint.h>
#include <cairo.h>

#include "billing/invoice.h"
#include "billing/store.h"
#include "lib/conf.h"

#define INVDOC_W 595.0		/* A4 in points */
#define INVDOC_H 842.0

/*
 * One printed row of an invoice line: what a reader multiplies. A line
 * prints as quantity x rate = amount, rounded half up to whole Rupiah
 * (the one rounding rule of docs/BILLING.md):
 *   plan fee, add-on   whole period: "1 bulan" x price; part of it:
 *                      "15 hari" x "Rp 150.000 / 30 hari" (the prorated
 *                      fee, as billed)
 *   usage, overage     GB with as many decimals as it takes (2..9) for
 *                      the product to be the amount: "77,68 GB" x
 *                      "Rp 1.500 / GB"
 *   capped usage       the usage row at its full price, then a row of
 *                      its own for the cap ("Batas biaya pemakaian",
 *                      maks. Rp 100.000, a negative amount), so the two
 *                      add up to what was billed
 *   others             "1" x amount
 * The invoice record is never changed: this is only how it is printed.
 */
struct invdoc_row {
	char desc[96];
	char qty[32];
	char rate[64];
	rp_t amount;
};

/*
 * The rows of inv->lines[i] (1 or 2) into rows[]; en: English words.
 * Returns the number of rows.
 */
int invdoc_rows(const struct inv_rec *inv, int i, bool en,
		struct invdoc_row rows[2]);

/* The status as printed: "Belum dibayar", "Lunas", ... / "Unpaid", ... */
const char *invdoc_status(int status, bool en);
/* "invoice_lang" of the config: English? */
bool invdoc_lang_en(const struct tagih_conf *conf);

/*
 * The subscriber's customer-page link (public_url + "/c/" + token) into
 * buf; "" when public_url or the subscriber's link is not set. Returns
 * buf.
 */
char *invdoc_link(const struct tagih_conf *conf, const struct sub_rec *r,
		  char *buf, size_t n);

/* The file name of an invoice's PDF: the number with '/' as '-' and
 * ".pdf" (INV-2026-11-000123.pdf), as in invoice_pdf_dir. Returns buf. */
char *invdoc_filename(const char *number, char *buf, size_t n);

/*
 * Draw inv on A4 pages of cr (and show them; one page unless it has
 * more lines than fit, then the totals go on a second): the operator, the
 * title, the customer with address, dates in words, the status (a LUNAS
 * stamp when paid, DIBATALKAN when void), the rows, the totals, the total
 * in words (terbilang), and for an open invoice the payment block:
 * bank_transfer with the invoice number as the reference and a QR code
 * of the customer page. today: the day the status is shown for.
 */
void invdoc_page(cairo_t *cr, MDB_txn *txn, struct store *st,
		 const struct inv_rec *inv, const struct tagih_conf *conf,
		 bool en, int32_t today);

/* One invoice as a one-page PDF in memory / in a private file (0600). */
int invdoc_pdf_mem(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		   const struct tagih_conf *conf, bool en, int32_t today,
		   unsigned char **buf, size_t *len);
int invdoc_pdf_file(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		    const struct tagih_conf *conf, bool en, int32_t today,
		    const char *path);

#endif
