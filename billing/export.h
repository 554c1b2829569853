/* SPDX-License-Identifier: GPL-2.0 */
/* export.h - invoices out: CSV, JSON (jansson) and PDF (cairo). */
#ifndef TAGIH_EXPORT_H
#define TAGIH_EXPORT_H

#include <stdint.h>
#include <jansson.h>
#include "lib/conf.h"
#include "billing/invoice.h"
#include "billing/store.h"

enum export_fmt { EXPORT_CSV = 0, EXPORT_JSON = 1, EXPORT_PDF = 2 };

/* "csv|json|pdf" -> enum; -EINVAL otherwise. */
int export_fmt_parse(const char *s, int *fmt);

/*
 * One invoice as JSON: number, subscriber, period, issued, due_date,
 * lines[{description, quantity, unit, unit_price, amount}], subtotal,
 * tax, total, paid, status (overdue derived at today), void_reason.
 * Amounts are integers (Rupiah). NULL on ENOMEM.
 */
json_t *export_inv_json(const struct inv_rec *inv, int32_t today);

/* "15 hari", "2.00 GB", "1" for a line's quantity. Returns buf. */
char *export_qty(const struct inv_line *l, char *buf, size_t n);

/*
 * Write every invoice of period ("YYYY-MM"; NULL = all) to path in fmt,
 * through a temporary file renamed into place (no half-written export).
 * PDF: one A4 page per invoice (billing/invdoc.h), in conf's
 * invoice_lang. *count gets the number of invoices. Returns 0 or
 * -errno.
 */
int export_run(MDB_txn *txn, struct store *st, const char *period, int fmt,
	       const char *path, const struct tagih_conf *conf, int32_t today,
	       uint64_t *count);

/*
 * One PDF per invoice of period (NULL = all) into the directory dir, each
 * named by invdoc_filename (INV-2026-11-000123.pdf) and written through
 * lib/outfile (0600, complete or not at all); an existing file of the
 * same name is replaced. *count gets the files written. Returns 0 or
 * -errno (the files written before the failure stay).
 */
int export_run_dir(MDB_txn *txn, struct store *st, const char *period,
		   const char *dir, const struct tagih_conf *conf,
		   int32_t today, uint64_t *count);

/*
 * One invoice as a one-page PDF in memory (the customer page's download):
 * *buf (malloc'd, the caller frees) and *len. Safe to call from several
 * threads. Returns 0, -ENOMEM or -EIO.
 */
int export_inv_pdf(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		   const struct tagih_conf *conf, int32_t today,
		   unsigned char **buf, size_t *len);

#endif
