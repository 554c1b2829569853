// SPDX-License-Identifier: GPL-2.0
/* money.c - the console's money pages: invoices (list, show, void, run), recording a payment, the kuitansi, the cash book. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "billing/export.h"
#include "billing/receipt.h"
#include "billing/rate.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "tagihd/console/data.h"
#include "tagihd/console/run.h"

/* --- invoices ------------------------------------------------------------ */

struct inv_list {
	struct con_ctx *c;
	struct html *b;
	const char *period;
	int status;
	int late;		/* at least this many days past due, -1 any */
	int32_t today;
	int n;
	rp_t open;
};

static int inv_list_cb(const struct inv_rec *inv, void *ctx)
{
	struct inv_list *l = ctx;
	int s = invoice_status(inv, l->today);
	char x[40], y[40], d[48];
	rp_t open = inv->total;

	if (l->period && strcmp(inv->period, l->period))
		return 0;
	if (l->status >= 0 && s != l->status)
		return 0;
	if (l->late >= 0 && (s != INV_OVERDUE || l->today - inv->due < l->late))
		return 0;
	if (++l->n > 1000)
		return 1;
	if (s != INV_VOID && s != INV_PAID && !money_sub(&open, inv->paid))
		money_add(&l->open, open);
	html_puts(l->b, "<tr><td><a href=\"/invoices/");
	html_urlpath(l->b, inv->number);
	html_puts(l->b, "\">");
	html_text(l->b, inv->number);
	html_puts(l->b, "</a></td><td><a href=\"/subscribers/");
	html_urlpath(l->b, inv->sub);
	html_puts(l->b, "\">");
	html_text(l->b, inv->sub);
	html_printf(l->b, "</a></td><td>%s</td><td>%s", inv->period,
		    fmt_day(con_words(l->c), inv->due, d, sizeof(d)));
	if (s == INV_OVERDUE)
		html_printf(l->b, " <small>(%d %s)</small>",
			    (int)(l->today - inv->due),
			    L(l->c, "hari", "days"));
	html_printf(l->b, "</td><td><span class=\"badge b-%s\">%s</span></td>"
		    "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>",
		    invoice_status_str(s), con_words(l->c)->status[s],
		    ui_rp(inv->total, x, sizeof(x)),
		    ui_rp(inv->paid, y, sizeof(y)));
	return 0;
}

static enum MHD_Result inv_list(struct con_ctx *c, const char *flash)
{
	struct html b = { 0 };
	struct inv_list l = { c, &b, con_arg(c, "period"), -1, -1,
			      tt_local_day(tt_now()), 0, 0 };
	const char *st = con_arg(c, "status"), *late = con_arg(c, "late");
	char *end;
	MDB_txn *txn;
	char x[40];
	int y, m, i;

	if (l.period && (strlen(l.period) != 7 ||
			 tt_parse_period(l.period, &y, &m)))
		l.period = NULL;
	if (st && invoice_status_parse(st, &l.status))
		l.status = -1;
	if (late) {
		long v = strtol(late, &end, 10);

		if (!*end && v >= 0 && v <= 3650)
			l.late = (int)v;
	}
	ui_head(c, &b, L(c, "Tagihan", "Invoices"), "inv");
	html_printf(&b, "<h1>%s</h1>", L(c, "Tagihan", "Invoices"));
	if (flash) {
		html_puts(&b, "<p class=\"okmsg\" id=\"flash\">");
		html_text(&b, flash);
		html_puts(&b, "</p>");
	}
	html_printf(&b, "<section class=\"card\"><form method=\"get\" "
		    "action=\"/invoices\" class=\"row\"><div><label for=\"period\">"
		    "%s</label><input id=\"period\" name=\"period\" "
		    "placeholder=\"YYYY-MM\" value=\"%s\"></div><div><label "
		    "for=\"status\">Status</label><select id=\"status\" "
		    "name=\"status\"><option value=\"\">%s</option>",
		    L(c, "Periode", "Period"), l.period ? l.period : "",
		    L(c, "semua", "all"));
	for (i = 0; i <= INV_OVERDUE; i++)
		html_printf(&b, "<option value=\"%s\"%s>%s</option>",
			    invoice_status_str(i),
			    l.status == i ? " selected" : "",
			    con_words(c)->status[i]);
	html_printf(&b, "</select></div><div><label for=\"late\">%s</label>"
		    "<input id=\"late\" name=\"late\" inputmode=\"numeric\" "
		    "value=\"", L(c, "Lewat jatuh tempo, minimal hari",
				  "Days overdue, at least"));
	if (l.late >= 0)
		html_printf(&b, "%d", l.late);
	html_printf(&b, "\"></div><button type=\"submit\" id=\"filter\">"
		    "%s</button></form></section>", L(c, "Saring", "Filter"));
	html_printf(&b, "<section class=\"card\"><table id=\"invoices\"><tr>"
		    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>Status</th>"
		    "<th class=\"n\">Total</th><th class=\"n\">%s</th></tr>",
		    L(c, "Nomor", "Number"), L(c, "Pelanggan", "Subscriber"),
		    L(c, "Periode", "Period"), L(c, "Jatuh tempo", "Due"),
		    L(c, "Dibayar", "Paid"));
	if (!store_begin(c->d->st, false, &txn)) {
		invoice_foreach(txn, c->d->st, inv_list_cb, &l);
		store_abort(txn);
	}
	html_printf(&b, "</table><p class=\"muted\">%d %s · %s %s</p>"
		    "</section>", l.n > 1000 ? 1000 : l.n,
		    L(c, "tagihan", "invoices"), L(c, "terbuka", "open"),
		    ui_rp(l.open, x, sizeof(x)));
	if (con_can(c, PERM_INVOICE_ADMIN)) {
		html_printf(&b, "<section class=\"card\"><h2>%s</h2><form "
			    "method=\"post\" action=\"/invoices/run\" "
			    "class=\"row\">", L(c, "Buat tagihan satu periode",
						"Invoice run for a period"));
		ui_csrf(c, &b);
		html_printf(&b, "<div><label for=\"run-period\">%s</label><input "
			    "id=\"run-period\" name=\"period\" "
			    "placeholder=\"YYYY-MM\" required pattern="
			    "\"[0-9]{4}-[0-9]{2}\"></div><button type=\"submit\" "
			    "id=\"run\">%s</button></form></section>",
			    L(c, "Periode", "Period"), L(c, "Jalankan", "Run"));
	}
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result inv_show(struct con_ctx *c, const char *number,
				const char *flash)
{
	static __thread struct inv_rec inv;
	struct html b = { 0 };
	MDB_txn *txn;
	char x[40], y[40], d[48], e[48];
	int s, i;

	if (store_begin(c->d->st, false, &txn))
		return ui_msg(c, 503, "tagih", "store");
	if (invoice_get(txn, c->d->st, number, &inv)) {
		store_abort(txn);
		return ui_msg(c, MHD_HTTP_NOT_FOUND, L(c, "Tidak ada",
						       "Not found"),
			      L(c, "Tagihan ini tidak ada.",
				"There is no such invoice."));
	}
	store_abort(txn);
	s = invoice_status(&inv, tt_local_day(tt_now()));
	ui_head(c, &b, inv.number, "inv");
	html_puts(&b, "<h1>");
	html_text(&b, inv.number);
	html_printf(&b, " <span class=\"badge b-%s\" id=\"inv-status\">%s"
		    "</span></h1>", invoice_status_str(s),
		    con_words(c)->status[s]);
	if (flash) {
		html_puts(&b, "<p class=\"okmsg\" id=\"flash\">");
		html_text(&b, flash);
		html_puts(&b, "</p>");
	}
	html_printf(&b, "<section class=\"card\"><table><tr><th>%s</th><td>"
		    "<a href=\"/subscribers/", L(c, "Pelanggan", "Subscriber"));
	html_urlpath(&b, inv.sub);
	html_puts(&b, "\">");
	html_text(&b, inv.sub);
	html_printf(&b, "</a></td></tr><tr><th>%s</th><td>%s</td></tr><tr><th>"
		    "%s</th><td>%s</td></tr><tr><th>%s</th><td>%s</td></tr>"
		    "</table></section>", L(c, "Periode", "Period"), inv.period,
		    L(c, "Tanggal", "Issued"),
		    fmt_day(con_words(c), inv.issued, d, sizeof(d)),
		    L(c, "Jatuh tempo", "Due"),
		    fmt_day(con_words(c), inv.due, e, sizeof(e)));
	html_printf(&b, "<section class=\"card\"><table id=\"lines\"><tr><th>%s"
		    "</th><th class=\"n\">%s</th></tr>",
		    L(c, "Uraian", "Description"), L(c, "Jumlah", "Amount"));
	for (i = 0; i < inv.nlines && i < INV_LINES_MAX; i++) {
		html_puts(&b, "<tr><td>");
		html_text(&b, inv.lines[i].desc);
		html_printf(&b, "</td><td class=\"n\">%s</td></tr>",
			    ui_rp(inv.lines[i].amount, x, sizeof(x)));
	}
	html_printf(&b, "<tr><th>Subtotal</th><td class=\"n\">%s</td></tr>"
		    "<tr><th>PPN</th><td class=\"n\">%s</td></tr><tr><th>Total"
		    "</th><td class=\"n\" id=\"inv-total\">%s</td></tr><tr><th>"
		    "%s</th><td class=\"n\">%s</td></tr></table></section>",
		    ui_rp(inv.subtotal, x, sizeof(x)),
		    ui_rp(inv.tax, y, sizeof(y)), ui_rp(inv.total, d, sizeof(d)),
		    L(c, "Dibayar", "Paid"), ui_rp(inv.paid, e, sizeof(e)));
	html_puts(&b, "<p><a id=\"pdf\" href=\"/invoices/");
	html_urlpath(&b, inv.number);
	html_printf(&b, ".pdf\">%s</a></p>", L(c, "Unduh PDF", "Download PDF"));
	if (inv.status == INV_VOID) {
		html_printf(&b, "<p class=\"warn\">%s: ", L(c, "Dibatalkan",
							   "Voided"));
		html_text(&b, inv.void_reason);
		html_puts(&b, "</p>");
	} else if (con_can(c, PERM_INVOICE_ADMIN)) {
		html_printf(&b, "<section class=\"card\"><h2>%s</h2><form "
			    "method=\"post\" action=\"/invoices/void\">",
			    L(c, "Batalkan tagihan", "Void the invoice"));
		ui_csrf(c, &b);
		html_puts(&b, "<input type=\"hidden\" name=\"number\" value=\"");
		html_text(&b, inv.number);
		html_printf(&b, "\"><label for=\"reason\">%s</label><input "
			    "id=\"reason\" name=\"reason\" required maxlength="
			    "\"200\"><button type=\"submit\" class=\"danger\" "
			    "id=\"void\">%s</button></form></section>",
			    L(c, "Alasan", "Reason"), L(c, "Batalkan", "Void"));
	}
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result inv_void(struct con_ctx *c)
{
	char num[INV_NUM_MAX], reason[256];
	const char *why;
	MDB_txn *txn;
	int err;

	if (!con_can(c, PERM_INVOICE_ADMIN))
		return ui_403(c);
	if (con_form(c, "number", num, sizeof(num)) ||
	    con_form(c, "reason", reason, sizeof(reason)) || !*reason ||
	    text_check(reason, strlen(reason), &why))
		return ui_msg(c, MHD_HTTP_BAD_REQUEST,
			      L(c, "Tidak dibatalkan", "Not voided"),
			      L(c, "Tulis alasannya (teks biasa).",
				"Give a reason (plain text)."));
	if (store_begin(c->d->st, true, &txn))
		return ui_msg(c, 503, "tagih", "store");
	err = invoice_void(txn, c->d->st, num, reason, tt_now(), c->actor);
	if (err || store_commit(txn)) {
		if (err)
			store_abort(txn);
		return ui_msg(c, err == -ENOENT ? 404 : err == -EALREADY ? 409 :
			      400, L(c, "Tidak dibatalkan", "Not voided"),
			      err == -EALREADY ? L(c, "Sudah dibatalkan.",
						   "Already void.") :
			      L(c, "Tagihan tidak ada atau alasan tidak sah.",
				"No such invoice, or the reason is not valid."));
	}
	return inv_show(c, num, L(c, "Tagihan dibatalkan.", "Invoice voided."));
}

static enum MHD_Result inv_run(struct con_ctx *c)
{
	struct inv_run_opts o = { .now = tt_now() };
	char period[16];
	int err;

	if (!con_can(c, PERM_INVOICE_ADMIN))
		return ui_403(c);
	if (con_form(c, "period", period, sizeof(period)) ||
	    strlen(period) != 7 || tt_parse_period(period, &o.year, &o.month))
		return ui_msg(c, 400, L(c, "Tidak dijalankan", "Not run"),
			      L(c, "Periode: YYYY-MM.", "Period: YYYY-MM."));
	if (rate_tax_mode_parse(c->d->conf.tax_mode, &o.tax_mode))
		return ui_msg(c, 500, "tax_mode", "config");
	o.ppn_bp = c->d->conf.ppn_bp;
	if (o.ppn_bp > 0 && o.tax_mode != TAX_NONE &&
	    (!c->d->conf.operator_npwp || !*c->d->conf.operator_npwp))
		return ui_msg(c, 409, L(c, "Tidak dijalankan", "Not run"),
			      L(c, "PPN tanpa operator_npwp: atur tax_mode = "
				   "none atau operator_npwp.",
				"PPN without operator_npwp: set tax_mode = "
				"none or operator_npwp."));
	o.prefix = c->d->conf.invoice_prefix;
	o.due_days = c->d->conf.due_days;
	err = run_start(c->k->run, &o, period, c->actor);
	if (err == -EBUSY)
		return ui_msg(c, 409, L(c, "Sedang berjalan", "Running"),
			      L(c, "Satu pembuatan tagihan sedang berjalan.",
				"An invoice run is in progress."));
	if (err)
		return ui_msg(c, 500, L(c, "Gagal", "Failed"), strerror(-err));
	return con_redirect(c, "/invoices/run", NULL);
}

/* GET /invoices/run: the run's progress, refreshed every second while it
 * runs (a <meta> refresh: no script). */
static enum MHD_Result inv_run_page(struct con_ctx *c)
{
	struct run_view v;
	struct html b = { 0 };
	char tot[40];

	if (!con_can(c, PERM_INVOICE_ADMIN))
		return ui_403(c);
	run_get(c->k->run, &v);
	ui_head(c, &b, L(c, "Pembuatan tagihan", "Invoice run"), "inv");
	html_printf(&b, "<h1>%s %s</h1><section class=\"card\" id=\"run-state\">",
		    L(c, "Pembuatan tagihan", "Invoice run"), v.period);
	if (!v.running && !v.finished) {
		html_printf(&b, "<p>%s</p>", L(c, "Belum ada yang dijalankan.",
					       "Nothing has run yet."));
	} else if (v.running) {
		html_printf(&b, "<p id=\"run-progress\">%s: %llu / %llu %s</p>"
			    "<progress max=\"%llu\" value=\"%llu\"></progress>",
			    L(c, "Berjalan", "Running"),
			    (unsigned long long)v.done,
			    (unsigned long long)v.total,
			    L(c, "pelanggan", "subscribers"),
			    (unsigned long long)(v.total ? v.total : 1),
			    (unsigned long long)v.done);
	} else if (v.err == -EAGAIN) {
		html_printf(&b, "<p class=\"warn\" id=\"run-done\">%s</p>",
			    L(c, "Periode itu belum selesai: tidak ada yang "
				 "dibuat.",
			      "That period has not ended: nothing was made."));
	} else if (v.err) {
		html_printf(&b, "<p class=\"warn\" id=\"run-done\">%s: %s</p>",
			    L(c, "Gagal", "Failed"), strerror(-v.err));
	} else {
		html_printf(&b, "<p class=\"okmsg\" id=\"run-done\">%s: %llu %s, "
			    "%llu %s, %llu %s, %s %s</p>", L(c, "Selesai", "Done"),
			    (unsigned long long)v.stats.created,
			    L(c, "baru", "new"),
			    (unsigned long long)v.stats.existing,
			    L(c, "sudah ada", "already there"),
			    (unsigned long long)v.stats.skipped,
			    L(c, "dilewati", "skipped"), L(c, "total", "total"),
			    ui_rp(v.stats.total, tot, sizeof(tot)));
	}
	html_printf(&b, "<p><a href=\"/invoices\">%s</a></p></section>",
		    L(c, "Ke daftar tagihan", "To the invoices"));
	ui_foot(c, &b);
	if (v.running && !b.oom) {
		const struct mhd_hdr h[] = { { "Refresh", "1" },
					     { NULL, NULL } };
		enum MHD_Result ret = con_reply(c, MHD_HTTP_OK,
						"text/html; charset=utf-8",
						b.p, b.len, h);

		html_free(&b);
		return ret;
	}
	return ui_page(c, MHD_HTTP_OK, &b);
}

/* The invoice's PDF (billing/export.c, as the customer page serves it). */
static enum MHD_Result inv_pdf(struct con_ctx *c, const char *num, size_t l)
{
	static __thread struct inv_rec inv;
	char number[INV_NUM_MAX], disp[INV_NUM_MAX + 40], *q;
	const struct mhd_hdr h[] = { { "Content-Disposition", disp },
				     { NULL, NULL } };
	unsigned char *pdf = NULL;
	enum MHD_Result ret;
	MDB_txn *txn;
	size_t len = 0;
	int err;

	if (l >= INV_NUM_MAX)
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	memcpy(number, num, l);
	number[l] = '\0';
	if (store_begin(c->d->st, false, &txn))
		return ui_msg(c, 503, "tagih", "store");
	err = invoice_get(txn, c->d->st, number, &inv);
	if (!err)
		err = export_inv_pdf(txn, c->d->st, &inv, &c->d->conf,
				     tt_local_day(tt_now()), &pdf, &len);
	store_abort(txn);
	if (err)
		return ui_msg(c, err == -ENOENT ? 404 : 500,
			      L(c, "Tidak ada", "Not found"), "");
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.pdf\"", number);
	for (q = disp + 22; *q && q[1]; q++)
		if (*q == '/' || *q == '"' || *q == '\\')
			*q = '-';
	ret = con_reply(c, MHD_HTTP_OK, "application/pdf", pdf, len, h);
	free(pdf);
	return ret;
}

enum MHD_Result ui_invoices(struct con_ctx *c, const char *path)
{
	size_t pl = strlen(path);

	if (!con_can(c, PERM_MONEY_VIEW))
		return ui_403(c);
	if (c->is_post && !strcmp(path, "/void"))
		return inv_void(c);
	if (c->is_post && !strcmp(path, "/run"))
		return inv_run(c);
	if (c->is_post)
		return ui_msg(c, 405, "405", "");
	if (!strcmp(path, "/run"))
		return inv_run_page(c);
	if (!*path)
		return inv_list(c, NULL);
	if (*path == '/' && pl > 5 && !strcmp(path + pl - 4, ".pdf"))
		return inv_pdf(c, path + 1, pl - 5);
	if (*path == '/' && strlen(path + 1) < INV_NUM_MAX)
		return inv_show(c, path + 1, NULL);
	return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
}

/* --- payments: record, kuitansi ---------------------------------------- */

static enum MHD_Result pay_form(struct con_ctx *c, unsigned status,
				const char *err, const char *sub)
{
	struct html b = { 0 };
	struct pay_filter f = PAY_FILTER_ANY;
	int32_t today = tt_local_day(tt_now());
	struct pay_rec *v = NULL;
	char ref[64], t[40], x[40];
	MDB_txn *txn;
	size_t n = 0, i;

	ui_head(c, &b, L(c, "Pembayaran", "Payments"), "pay");
	html_printf(&b, "<h1>%s</h1>", L(c, "Pembayaran", "Payments"));
	if (err) {
		html_puts(&b, "<p class=\"warn\" id=\"error\">");
		html_text(&b, err);
		html_puts(&b, "</p>");
	}
	if (con_can(c, PERM_PAY_RECORD)) {
		/* a fresh receipt number; the kasir may type the bank's */
		if (sess_random_hex(x, 4))
			snprintf(x, sizeof(x), "0");
		{
			int yy, mm, dd;

			tt_civil_from_days(today, &yy, &mm, &dd);
			snprintf(ref, sizeof(ref), "KW-%04d%02d%02d-%s", yy, mm,
				 dd, x);
		}
		html_printf(&b, "<section class=\"card\"><h2>%s</h2><form "
			    "method=\"post\" action=\"/payments\">",
			    L(c, "Catat pembayaran", "Record a payment"));
		ui_csrf(c, &b);
		html_printf(&b, "<label for=\"sub\">%s</label><input id=\"sub\" "
			    "name=\"sub\" required maxlength=\"32\" value=\"",
			    L(c, "Id pelanggan", "Subscriber id"));
		html_text(&b, sub ? sub : "");
		html_printf(&b, "\"><label for=\"amount\">%s</label><input "
			    "id=\"amount\" name=\"amount\" inputmode=\"numeric\" "
			    "required placeholder=\"150.000\"><label "
			    "for=\"method\">%s</label><select id=\"method\" "
			    "name=\"method\"><option value=\"cash\">%s</option>"
			    "<option value=\"transfer\">Transfer</option>"
			    "</select><label for=\"ref\">%s</label><input "
			    "id=\"ref\" name=\"ref\" required maxlength=\"64\" "
			    "value=\"%s\"><button type=\"submit\" id=\"record\">"
			    "%s</button></form></section>",
			    L(c, "Jumlah (Rp)", "Amount (Rp)"),
			    L(c, "Cara bayar", "Method"), L(c, "Tunai", "Cash"),
			    L(c, "No. kuitansi / referensi transfer",
			      "Receipt no. / transfer reference"), ref,
			    L(c, "Simpan dan cetak kuitansi",
			      "Save and print the receipt"));
	}
	f.from = tt_day_start(today);
	f.to = tt_day_start(today + 1);
	if (!con_can(c, PERM_REPORTS))
		f.by = c->user.name;
	if (!store_begin(c->d->st, false, &txn)) {
		books_pay_list(txn, c->d->st, &f, &v, &n);
		store_abort(txn);
	}
	html_printf(&b, "<section class=\"card\"><h2>%s</h2><table "
		    "id=\"today-payments\"><tr><th>%s</th><th>%s</th><th>Ref</th>"
		    "<th>%s</th><th class=\"n\">%s</th></tr>",
		    L(c, "Hari ini", "Today"), L(c, "Waktu", "Time"),
		    L(c, "Pelanggan", "Subscriber"), L(c, "Cara", "Method"),
		    L(c, "Jumlah", "Amount"));
	for (i = 0; i < n; i++) {
		html_printf(&b, "<tr><td>%.5s</td><td>",
			    tt_fmt_time_local(v[i].time, t, sizeof(t)) + 11);
		html_text(&b, v[i].sub);
		html_puts(&b, "</td><td><a href=\"/payments/receipt?ref=");
		html_urlpath(&b, v[i].ref);
		html_puts(&b, "\">");
		html_text(&b, v[i].ref);
		html_printf(&b, "</a></td><td>%s</td><td class=\"n\">%s</td>"
			    "</tr>", pay_method_str(v[i].method),
			    ui_rp(v[i].amount, x, sizeof(x)));
	}
	free(v);
	html_puts(&b, "</table></section>");
	ui_foot(c, &b);
	return ui_page(c, status, &b);
}

static enum MHD_Result receipt(struct con_ctx *c, const char *ref)
{
	struct html b = { 0 };
	struct pay_rec p;
	struct sub_rec r;
	MDB_txn *txn;
	char t[40], x[40], u[72];
	int i, err;

	if (!ref || store_begin(c->d->st, false, &txn))
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	err = pay_get(txn, c->d->st, ref, &p);
	if (!err)
		err = sub_get(txn, c->d->st, p.sub, &r);
	store_abort(txn);
	if (err)
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"),
			      L(c, "Pembayaran ini tidak ada.",
				"There is no such payment."));
	ui_head(c, &b, L(c, "Kuitansi", "Receipt"), "pay");
	html_puts(&b, "<div class=\"receipt\" id=\"receipt\"><h2>");
	html_text(&b, c->d->conf.operator_name && *c->d->conf.operator_name ?
		  c->d->conf.operator_name : "tagih");
	html_puts(&b, "</h2>");
	if (c->d->conf.operator_address && *c->d->conf.operator_address) {
		html_puts(&b, "<p>");
		html_text(&b, c->d->conf.operator_address);
		html_puts(&b, "</p>");
	}
	html_printf(&b, "<hr><p><b>%s</b></p><p>No: ", L(c, "KUITANSI",
							 "RECEIPT"));
	html_text(&b, p.ref);
	tt_fmt_time_local(p.time, t, sizeof(t));
	html_printf(&b, "</p><p>%s: %s %.5s</p><p>%s: ", L(c, "Tanggal", "Date"),
		    fmt_day(con_words(c), tt_local_day(p.time), u, sizeof(u)),
		    t + 11, L(c, "Terima dari", "Received from"));
	html_text(&b, r.name);
	html_printf(&b, " (%s)</p><hr><p class=\"amt\" id=\"receipt-amount\">"
		    "%s</p><p>%s: %s</p>", p.sub, ui_rp(p.amount, x, sizeof(x)),
		    L(c, "Cara", "Method"), p.method == PAY_CASH ?
		    L(c, "tunai", "cash") : pay_method_str(p.method));
	for (i = 0; i < p.nalloc && i < PAY_ALLOC_MAX; i++) {
		html_puts(&b, "<p>");
		html_text(&b, p.alloc[i].number);
		html_printf(&b, " %s</p>", ui_rp(p.alloc[i].amount, x,
						 sizeof(x)));
	}
	if (p.to_balance)
		html_printf(&b, "<p>%s %s</p>", L(c, "Saldo", "Balance"),
			    ui_rp(p.to_balance, x, sizeof(x)));
	html_printf(&b, "<hr><p>%s: ", L(c, "Kasir", "Cashier"));
	html_text(&b, books_pay_user(&p, u, sizeof(u)));
	html_printf(&b, "</p><p>%s</p></div><p class=\"noprint\">%s</p>",
		    L(c, "Terima kasih.", "Thank you."),
		    L(c, "Cetak halaman ini (Ctrl+P) ke printer struk 58 mm.",
		      "Print this page (Ctrl+P) on a 58 mm receipt printer."));
	html_puts(&b, "<p class=\"noprint\"><a id=\"receipt-pdf\" "
		  "href=\"/payments/receipt.pdf?ref=");
	html_urlpath(&b, p.ref);
	html_printf(&b, "\">%s</a> · <a id=\"receipt-txt\" "
		    "href=\"/payments/receipt.txt?ref=", L(c, "Kuitansi PDF",
						       "Receipt PDF"));
	html_urlpath(&b, p.ref);
	html_printf(&b, "\">%s</a></p>", L(c, "Teks printer thermal (32 kolom)",
					  "Thermal printer text (32 columns)"));
	explicit_bzero(&r, sizeof(r));
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}

/* The kuitansi as the A5 PDF or the 32-column thermal text
 * (billing/receipt.c, the same receipt tagih and the e-mails carry). */
static enum MHD_Result receipt_doc(struct con_ctx *c, const char *ref,
				   bool pdf)
{
	char disp[160], fn[128];
	const struct mhd_hdr h[] = { { "Content-Disposition", disp },
				     { NULL, NULL } };
	unsigned char *buf = NULL;
	char *txt = NULL;
	size_t len = 0;
	struct pay_rec p;
	MDB_txn *txn;
	FILE *f;
	enum MHD_Result ret;
	int err;

	if (!ref || store_begin(c->d->st, false, &txn))
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	err = pay_get(txn, c->d->st, ref, &p);
	if (!err && pdf) {
		err = receipt_pdf_mem(txn, c->d->st, &p, &c->d->conf,
				      c->lang == LANG_EN, &buf, &len);
	} else if (!err) {
		f = open_memstream(&txt, &len);
		err = f ? receipt_thermal(txn, c->d->st, &p, &c->d->conf,
					  c->lang == LANG_EN, f) : -ENOMEM;
		if (f && fclose(f) && !err)
			err = -EIO;
	}
	store_abort(txn);
	if (err) {
		free(buf);
		free(txt);
		return ui_msg(c, err == -ENOENT ? 404 : 500,
			      L(c, "Tidak ada", "Not found"), "");
	}
	receipt_filename(p.ref, fn, sizeof(fn));
	if (!pdf && strlen(fn) > 4)
		strcpy(fn + strlen(fn) - 4, ".txt");
	snprintf(disp, sizeof(disp), "%s; filename=\"%s\"",
		 pdf ? "attachment" : "inline", fn);
	ret = con_reply(c, MHD_HTTP_OK, pdf ? "application/pdf" :
			"text/plain; charset=utf-8", pdf ? (void *)buf :
			(void *)txt, len, h);
	free(buf);
	free(txt);
	return ret;
}

static enum MHD_Result pay_post(struct con_ctx *c)
{
	char sub[SUB_ID_MAX + 2], amt[32], method[16], ref[PAY_REF_MAX + 2];
	char loc[PAY_REF_MAX * 3 + 40];
	struct pay_rec p;
	const char *why;
	rp_t amount;
	int m = -1, rc;

	if (!con_can(c, PERM_PAY_RECORD))
		return ui_403(c);
	if (con_form(c, "sub", sub, sizeof(sub)) ||
	    con_form(c, "amount", amt, sizeof(amt)) ||
	    con_form(c, "method", method, sizeof(method)) ||
	    con_form(c, "ref", ref, sizeof(ref)))
		return pay_form(c, MHD_HTTP_BAD_REQUEST,
				L(c, "Isi semua kolom.", "Fill in every field."),
				NULL);
	if (money_parse(amt, &amount) || amount <= 0)
		return pay_form(c, MHD_HTTP_BAD_REQUEST,
				L(c, "Jumlah: rupiah bulat, misalnya 150.000.",
				  "Amount: whole Rupiah, e.g. 150.000."), sub);
	if (pay_method_parse(method, &m) || m == PAY_GATEWAY)
		return pay_form(c, MHD_HTTP_BAD_REQUEST,
				L(c, "Cara bayar: tunai atau transfer.",
				  "Method: cash or transfer."), sub);
	rc = data_pay(c, sub, amount, m, ref, &p, &why);
	if (rc != 0 && rc != 1)
		return pay_form(c, rc, why, sub);
	{
		struct html q = { 0 };
		enum MHD_Result ret;

		/* the receipt's address, the ref %-encoded (refs may hold
		 * '&', '#', '+' ...) */
		html_puts(&q, "/payments/receipt?ref=");
		html_urlpath(&q, p.ref);
		if (q.oom) {
			html_free(&q);
			return receipt(c, p.ref);
		}
		snprintf(loc, sizeof(loc), "%s", q.p);
		html_free(&q);
		ret = con_redirect(c, loc, NULL);
		return ret;
	}
}

enum MHD_Result ui_payments(struct con_ctx *c, const char *path)
{
	if (!con_can(c, PERM_MONEY_VIEW))
		return ui_403(c);
	if (!strcmp(path, "/receipt") && !c->is_post)
		return receipt(c, con_arg(c, "ref"));
	if (!strcmp(path, "/receipt.pdf") && !c->is_post)
		return receipt_doc(c, con_arg(c, "ref"), true);
	if (!strcmp(path, "/receipt.txt") && !c->is_post)
		return receipt_doc(c, con_arg(c, "ref"), false);
	if (*path)
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	if (c->is_post)
		return pay_post(c);
	return pay_form(c, MHD_HTTP_OK, NULL, con_arg(c, "sub"));
}

/* --- the cash book ---------------------------------------------------------- */

enum MHD_Result ui_cashbook(struct con_ctx *c)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct books_sum *s = calloc(1, sizeof(*s));
	struct pay_rec *v = NULL;
	struct html b = { 0 };
	int32_t day;
	MDB_txn *txn;
	size_t n = 0, i;
	char d[16], dd[48], x[40], y[40], t[40], u[72];
	int k;

	if (!s)
		return MHD_NO;
	if (!con_can(c, PERM_MONEY_VIEW)) {
		free(s);
		return ui_403(c);
	}
	if (data_day_arg(c, con_arg(c, "date"), &day))
		day = tt_local_day(tt_now());
	f.from = tt_day_start(day);
	f.to = tt_day_start(day + 1);
	f.by = con_can(c, PERM_REPORTS) ? con_arg(c, "by") : c->user.name;
	if (!store_begin(c->d->st, false, &txn)) {
		books_collections(txn, c->d->st, &f, s);
		books_pay_list(txn, c->d->st, &f, &v, &n);
		store_abort(txn);
	}
	tt_fmt_date(day, d, sizeof(d));
	ui_head(c, &b, L(c, "Buku kas", "Cash book"), "cash");
	html_printf(&b, "<h1>%s · %s</h1><section class=\"card\"><form "
		    "method=\"get\" action=\"/cashbook\" class=\"row\"><div>"
		    "<label for=\"date\">%s</label><input id=\"date\" "
		    "name=\"date\" type=\"date\" value=\"%s\"></div>",
		    L(c, "Buku kas", "Cash book"),
		    fmt_day(con_words(c), day, dd, sizeof(dd)),
		    L(c, "Tanggal", "Date"), d);
	if (con_can(c, PERM_REPORTS)) {
		html_printf(&b, "<div><label for=\"by\">%s</label><input "
			    "id=\"by\" name=\"by\" value=\"", L(c, "Kasir",
							      "Cashier"));
		html_text(&b, f.by ? f.by : "");
		html_puts(&b, "\"></div>");
	}
	html_printf(&b, "<button type=\"submit\" id=\"show\">%s</button></form>"
		    "</section>", L(c, "Tampilkan", "Show"));
	html_printf(&b, "<section class=\"card\"><h2>%s</h2><table "
		    "id=\"setoran\"><tr><th>%s</th><th class=\"n\">%s</th><th "
		    "class=\"n\">%s</th><th class=\"n\">%s</th></tr>",
		    L(c, "Setoran per kasir", "Hand-over per cashier"),
		    L(c, "Kasir", "Cashier"), L(c, "Transaksi", "Payments"),
		    L(c, "Jumlah", "Amount"), L(c, "Setoran tunai",
						"Cash to hand over"));
	for (k = 0; k < s->nusers; k++) {
		html_puts(&b, "<tr><td>");
		html_text(&b, s->users[k].user);
		html_printf(&b, "</td><td class=\"n\">%llu</td><td class=\"n\">"
			    "%s</td><td class=\"n\">%s</td></tr>",
			    (unsigned long long)s->users[k].count,
			    ui_rp(s->users[k].amount, x, sizeof(x)),
			    ui_rp(s->users[k].cash, y, sizeof(y)));
	}
	html_printf(&b, "<tr><th>Total</th><th class=\"n\">%llu</th><th "
		    "class=\"n\" id=\"cash-total\">%s</th><th class=\"n\" "
		    "id=\"cash-setoran\">%s</th></tr></table></section>",
		    (unsigned long long)s->count, ui_rp(s->total, x, sizeof(x)),
		    ui_rp(s->by_method[PAY_CASH], y, sizeof(y)));
	html_printf(&b, "<section class=\"card\"><h2>%s</h2><table "
		    "id=\"cashbook\"><tr><th>%s</th><th>Ref</th><th>%s</th>"
		    "<th>%s</th><th>%s</th><th class=\"n\">%s</th></tr>",
		    L(c, "Rincian", "Entries"), L(c, "Waktu", "Time"),
		    L(c, "Pelanggan", "Subscriber"), L(c, "Cara", "Method"),
		    L(c, "Kasir", "Cashier"), L(c, "Jumlah", "Amount"));
	for (i = 0; i < n; i++) {
		html_printf(&b, "<tr><td>%.5s</td><td>",
			    tt_fmt_time_local(v[i].time, t, sizeof(t)) + 11);
		html_text(&b, v[i].ref);
		html_puts(&b, "</td><td>");
		html_text(&b, v[i].sub);
		html_printf(&b, "</td><td>%s</td><td>",
			    pay_method_str(v[i].method));
		html_text(&b, books_pay_user(&v[i], u, sizeof(u)));
		html_printf(&b, "</td><td class=\"n\">%s</td></tr>",
			    ui_rp(v[i].amount, x, sizeof(x)));
	}
	html_puts(&b, "</table></section>");
	free(v);
	free(s);
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}
