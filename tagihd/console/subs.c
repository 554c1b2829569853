// SPDX-License-Identifier: GPL-2.0
/* subs.c - the console's subscriber pages: search, one subscriber (plan, money, invoices, payments, usage, addresses, audit), edit, suspend/restore. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "billing/audit.h"
#include "billing/custlink.h"
#include "billing/custpin.h"
#include "billing/pdp.h"
#include "billing/plan.h"
#include "billing/dunning.h"
#include "billing/usage.h"
#include "lib/log.h"
#include "lib/mailbox.h"
#include "lib/prefix.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "tagihd/console/data.h"
#include "tagihd/page/bill.h"
#include "tagihd/page/chart.h"

#define LIST_MAX 500

struct list_ctx {
	struct con_ctx *c;
	MDB_txn *txn;
	struct html *b;
	const char *q;
	int n;
	bool money;
};

static void status_badge(struct con_ctx *c, struct html *b, int status)
{
	html_printf(b, "<span class=\"badge b-%s\">%s</span>",
		    sub_status_str(status),
		    status == SUB_SUSPENDED ? L(c, "diisolir", "isolated") :
		    status == SUB_TERMINATED ? L(c, "berhenti", "terminated") :
		    L(c, "aktif", "active"));
}

static int list_cb(const struct sub_rec *r, void *ctx)
{
	struct list_ctx *l = ctx;
	struct html *b = l->b;
	rp_t open = 0;
	int n_open = 0;
	char x[40];

	if (!data_sub_match(l->txn, l->c->d->st, r, l->q))
		return 0;
	if (++l->n > LIST_MAX)
		return 1;
	html_puts(b, "<tr><td><a href=\"/subscribers/");
	html_urlpath(b, r->id);
	html_puts(b, "\">");
	html_text(b, r->id);
	html_puts(b, "</a></td><td>");
	html_text(b, r->name);
	html_puts(b, "</td><td>");
	html_text(b, r->phone);
	html_puts(b, "</td><td>");
	html_text(b, r->plan);
	html_puts(b, "</td><td>");
	status_badge(l->c, b, r->status);
	html_puts(b, "</td>");
	if (l->money) {
		pay_outstanding(l->txn, l->c->d->st, r->id, &open, &n_open);
		html_printf(b, "<td class=\"n\">%s</td>", ui_rp(open, x,
								 sizeof(x)));
	}
	html_puts(b, "</tr>");
	return 0;
}

static enum MHD_Result subs_list(struct con_ctx *c)
{
	struct html b = { 0 };
	struct list_ctx l = { c, NULL, &b, con_arg(c, "q"), 0,
			      con_can(c, PERM_MONEY_VIEW) };

	if (l.q && strlen(l.q) > 96)
		l.q = NULL;
	ui_head(c, &b, L(c, "Pelanggan", "Subscribers"), "subs");
	html_printf(&b, "<h1>%s</h1><section class=\"card\"><form method=\"get\" "
		    "action=\"/subscribers\" class=\"row\"><div><label "
		    "for=\"q\">%s</label><input id=\"q\" name=\"q\" value=\"",
		    L(c, "Pelanggan", "Subscribers"),
		    L(c, "Cari nama, id, telepon, alamat atau IP",
		      "Search name, id, phone, address or IP"));
	html_text(&b, l.q ? l.q : "");
	html_printf(&b, "\"></div><button type=\"submit\" id=\"search\">%s"
		    "</button></form>", L(c, "Cari", "Search"));
	if (con_can(c, PERM_SUB_EDIT))
		html_printf(&b, "<p><a href=\"/subscribers/new\" id=\"new-sub\">"
			    "%s</a></p>", L(c, "Tambah pelanggan",
					    "Add a subscriber"));
	html_puts(&b, "</section>");
	html_printf(&b, "<section class=\"card\"><table id=\"subs\"><tr>"
		    "<th>Id</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>",
		    L(c, "Nama", "Name"), L(c, "Telepon", "Phone"),
		    L(c, "Paket", "Plan"), L(c, "Status", "Status"));
	if (l.money)
		html_printf(&b, "<th class=\"n\">%s</th>",
			    L(c, "Terutang", "Owes"));
	html_puts(&b, "</tr>");
	if (!store_begin(c->d->st, false, &l.txn)) {
		sub_foreach(l.txn, c->d->st, list_cb, &l);
		store_abort(l.txn);
	}
	html_puts(&b, "</table>");
	if (l.n > LIST_MAX)
		html_printf(&b, "<p class=\"muted\">%s</p>",
			    L(c, "Lebih dari 500: persempit pencarian.",
			      "More than 500: narrow the search."));
	html_puts(&b, "</section>");
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}

struct day_ctx {
	struct page_data *p;
};

static int day_cb(int64_t start, const struct usage_val *v, void *ctx)
{
	struct page_data *p = ctx;
	int32_t i = tt_local_day(start) - p->from;

	if (i >= 0 && i < p->ndays) {
		p->day_up[i] += v->up_bytes;
		p->day_down[i] += v->down_bytes;
	}
	return 0;
}

static void usage_chart(struct con_ctx *c, struct html *b, MDB_txn *txn,
			const struct sub_rec *r)
{
	struct page_data *p = calloc(1, sizeof(*p));
	int y, m, d;

	if (!p)
		return;
	p->sub = *r;
	p->today = tt_local_day(tt_now());
	tt_civil_from_days(p->today, &y, &m, &d);
	invoice_sub_period(r, y, m, &p->from, &p->to);
	if (p->today < p->from) {
		if (--m == 0) {
			m = 12;
			y--;
		}
		invoice_sub_period(r, y, m, &p->from, &p->to);
	}
	p->ndays = p->to - p->from;
	if (p->ndays > PAGE_DAYS_MAX)
		p->ndays = PAGE_DAYS_MAX;
	if (p->ndays < 1)
		p->ndays = 1;
	usage_foreach_bucket(txn, c->d->st, r->uid, tt_day_start(p->from),
			     tt_day_start(p->from + p->ndays), USAGE_STEP_DAY,
			     day_cb, p);
	page_chart(b, con_words(c), p);
	explicit_bzero(p, sizeof(*p));
	free(p);
}

struct inv_rows {
	struct con_ctx *c;
	MDB_txn *txn;
	struct html *b;
	int32_t today;
};

static int inv_row_cb(const char *number, void *ctx)
{
	static __thread struct inv_rec inv;
	struct inv_rows *ir = ctx;
	char x[40], y[40], d[48];
	int s;

	if (invoice_get(ir->txn, ir->c->d->st, number, &inv))
		return 0;
	s = invoice_status(&inv, ir->today);
	html_puts(ir->b, "<tr><td><a href=\"/invoices/");
	html_urlpath(ir->b, inv.number);
	html_puts(ir->b, "\">");
	html_text(ir->b, inv.number);
	html_printf(ir->b, "</a></td><td>%s</td><td>%s</td><td><span "
		    "class=\"badge b-%s\">%s</span></td><td class=\"n\">%s</td>"
		    "<td class=\"n\">%s</td></tr>", inv.period,
		    fmt_day(con_words(ir->c), inv.due, d, sizeof(d)),
		    invoice_status_str(s), con_words(ir->c)->status[s],
		    ui_rp(inv.total, x, sizeof(x)), ui_rp(inv.paid, y,
							  sizeof(y)));
	return 0;
}

struct pay_rows {
	struct con_ctx *c;
	struct html *b;
};

static int pay_row_cb(const struct pay_rec *p, void *ctx)
{
	struct pay_rows *pr = ctx;
	char t[40], x[40], u[72];

	html_printf(pr->b, "<tr><td>%.16s</td><td><a href=\"/payments/receipt?ref=",
		    tt_fmt_time_local(p->time, t, sizeof(t)));
	html_urlpath(pr->b, p->ref);
	html_puts(pr->b, "\">");
	html_text(pr->b, p->ref);
	html_printf(pr->b, "</a></td><td>%s</td><td>", pay_method_str(p->method));
	html_text(pr->b, books_pay_user(p, u, sizeof(u)));
	html_printf(pr->b, "</td><td class=\"n\">%s</td></tr>",
		    ui_rp(p->amount, x, sizeof(x)));
	return 0;
}

struct audit_rows {
	struct html *b;
	int n;
	json_t *keep;	/* the newest 20, oldest first */
};

static int audit_cb(int64_t t, uint32_t seq, json_t *e, void *ctx)
{
	struct audit_rows *a = ctx;

	(void)t;
	(void)seq;
	json_array_append(a->keep, e);
	if (json_array_size(a->keep) > 20)
		json_array_remove(a->keep, 0);
	return 0;
}

static void hist_row(const struct prefix *p, int64_t since, int64_t until,
		     void *ctx)
{
	struct html *b = ctx;
	char pb[64], t1[40], t2[40];

	html_printf(b, "<tr><td>%s</td><td>%.16s</td><td>%.16s</td></tr>",
		    prefix_fmt(p, pb, sizeof(pb)),
		    tt_fmt_time_local(since, t1, sizeof(t1)),
		    until ? tt_fmt_time_local(until, t2, sizeof(t2)) : "-");
}

static void kv(struct html *b, const char *k, const char *v, const char *id)
{
	html_printf(b, "<tr><th>%s</th><td id=\"%s\">", k, id);
	html_text(b, v);
	html_puts(b, "</td></tr>");
}

static void action_form(struct con_ctx *c, struct html *b, const char *id,
			const char *verb, const char *label, bool danger)
{
	html_puts(b, "<form method=\"post\" action=\"/subscribers/");
	html_urlpath(b, id);
	html_printf(b, "/%s\" class=\"row\">", verb);
	ui_csrf(c, b);
	html_printf(b, "<div><label for=\"reason-%s\">%s</label><input "
		    "id=\"reason-%s\" name=\"reason\" maxlength=\"120\" "
		    "required></div><button type=\"submit\" id=\"do-%s\"%s>%s"
		    "</button></form>", verb, L(c, "Alasan", "Reason"), verb,
		    verb, danger ? " class=\"danger\"" : "", label);
}


struct plan_opts {
	struct html *b;
	const char *cur;
};

static int plan_opt_cb(const struct plan_rec *p, void *ctx)
{
	struct plan_opts *po = ctx;

	html_puts(po->b, "<option value=\"");
	html_text(po->b, p->name);
	html_printf(po->b, "\"%s>", po->cur && !strcmp(po->cur, p->name) ?
		    " selected" : "");
	html_text(po->b, p->name);
	html_puts(po->b, "</option>");
	return 0;
}

/* <select name=plan> of every plan. */
static void plan_select(struct con_ctx *c, struct html *b, const char *id,
			const char *cur)
{
	struct plan_opts po = { b, cur };
	MDB_txn *txn;

	html_printf(b, "<select id=\"%s\" name=\"plan\">", id);
	if (!store_begin(c->d->st, false, &txn)) {
		plan_foreach(txn, c->d->st, plan_opt_cb, &po);
		store_abort(txn);
	}
	html_puts(b, "</select>");
}

static void form_open(struct con_ctx *c, struct html *b, const char *id,
		      const char *verb)
{
	html_puts(b, "<form method=\"post\" action=\"/subscribers/");
	html_urlpath(b, id);
	html_printf(b, "/%s\">", verb);
	ui_csrf(c, b);
}

/* Change plan, hold, customer link and PIN (owner, admin). */
static void admin_forms(struct con_ctx *c, struct html *b,
			const struct sub_rec *r)
{
	char today[16];

	tt_fmt_date(tt_local_day(tt_now()), today, sizeof(today));
	html_printf(b, "<div class=\"grid\"><section class=\"card\"><h2>%s</h2>",
		    L(c, "Ganti paket", "Change plan"));
	form_open(c, b, r->id, "plan");
	html_printf(b, "<label for=\"p-plan\">%s</label>", L(c, "Paket", "Plan"));
	plan_select(c, b, "p-plan", r->plan);
	html_printf(b, "<label for=\"p-from\">%s</label><input id=\"p-from\" "
		    "name=\"from\" type=\"date\" value=\"%s\" required><button "
		    "type=\"submit\" id=\"do-plan\">%s</button></form></section>",
		    L(c, "Mulai tanggal", "From"), today,
		    L(c, "Ganti paket", "Change plan"));
	html_printf(b, "<section class=\"card\"><h2>%s</h2>",
		    L(c, "Tahan isolir otomatis", "Hold (no automatic isolir)"));
	form_open(c, b, r->id, "hold");
	html_printf(b, "<input type=\"hidden\" name=\"on\" value=\"%s\">"
		    "<label for=\"h-reason\">%s</label><input id=\"h-reason\" "
		    "name=\"reason\" maxlength=\"63\"%s><button type=\"submit\" "
		    "id=\"do-hold\">%s</button></form></section></div>",
		    r->hold ? "no" : "yes", L(c, "Alasan", "Reason"),
		    r->hold ? "" : " required",
		    r->hold ? L(c, "Lepas penahanan", "Release the hold") :
		    L(c, "Tahan", "Hold"));
	html_printf(b, "<div class=\"grid\"><section class=\"card\"><h2>%s</h2>",
		    L(c, "Tautan halaman pelanggan", "Customer page link"));
	form_open(c, b, r->id, "link");
	html_printf(b, "<button type=\"submit\" id=\"do-link\">%s</button>"
		    "</form></section><section class=\"card\"><h2>%s</h2>",
		    r->link_token[0] ? L(c, "Tampilkan tautan", "Show the link") :
		    L(c, "Buat tautan", "Make a link"),
		    L(c, "PIN halaman pelanggan", "Customer page PIN"));
	form_open(c, b, r->id, "pin");
	html_printf(b, "<label for=\"pin\">%s</label><input id=\"pin\" "
		    "name=\"pin\" inputmode=\"numeric\" pattern=\"[0-9]{4,8}\" "
		    "minlength=\"4\" maxlength=\"8\" autocomplete=\"off\" "
		    "required><button type=\"submit\" id=\"do-pin\">%s</button>"
		    "</form></section></div>", L(c, "PIN baru (4-8 angka)",
						 "New PIN (4-8 digits)"),
		    L(c, "Simpan PIN", "Set the PIN"));
}

static enum MHD_Result sub_show(struct con_ctx *c, const char *id,
				const char *flash);

static enum MHD_Result sub_show(struct con_ctx *c, const char *id,
				const char *flash)
{
	struct html b = { 0 };
	struct sub_rec r;
	struct prefix px[SUB_MAX_PREFIXES];
	MDB_txn *txn;
	rp_t open = 0;
	int n_open = 0, n, i;
	char x[40], y[40], pb[64];
	size_t k;
	json_t *e;

	if (store_begin(c->d->st, false, &txn))
		return ui_msg(c, 503, "tagih", "store");
	if (sub_get(txn, c->d->st, id, &r)) {
		store_abort(txn);
		return ui_msg(c, MHD_HTTP_NOT_FOUND,
			      L(c, "Tidak ada", "Not found"),
			      L(c, "Pelanggan ini tidak ada.",
				"There is no such subscriber."));
	}
	ui_head(c, &b, r.id, "subs");
	html_puts(&b, "<h1>");
	html_text(&b, r.id);
	html_puts(&b, " · ");
	html_text(&b, r.name);
	html_puts(&b, " ");
	status_badge(c, &b, r.status);
	html_puts(&b, "</h1>");
	if (flash) {
		html_puts(&b, "<p class=\"okmsg\" id=\"flash\">");
		html_text(&b, flash);
		html_puts(&b, "</p>");
	}
	html_puts(&b, "<div class=\"grid\"><section class=\"card\"><h2>");
	html_text(&b, L(c, "Data pelanggan", "Subscriber"));
	html_puts(&b, "</h2><table>");
	kv(&b, L(c, "Paket", "Plan"), r.plan, "plan");
	kv(&b, L(c, "Telepon", "Phone"), r.phone, "phone");
	kv(&b, L(c, "Alamat", "Address"), r.address, "address");
	kv(&b, L(c, "Catatan", "Notes"), r.notes, "notes");
	if (con_can(c, PERM_MONEY_VIEW)) {
		pay_outstanding(txn, c->d->st, r.id, &open, &n_open);
		kv(&b, L(c, "Saldo", "Balance"), ui_rp(r.balance, x, sizeof(x)),
		   "balance");
		kv(&b, L(c, "Terutang", "Owes"), ui_rp(open, y, sizeof(y)),
		   "owes");
	}
	html_printf(&b, "<tr><th>%s</th><td id=\"ips\">", L(c, "Alamat IP",
							 "IP addresses"));
	n = sub_prefixes(txn, c->d->st, r.uid, px, SUB_MAX_PREFIXES);
	for (i = 0; i < n; i++)
		html_printf(&b, "%s<br>", prefix_fmt(&px[i], pb, sizeof(pb)));
	html_printf(&b, "</td></tr></table><h2>%s</h2><table id=\"addr-history\">"
		    "<tr><th>%s</th><th>%s</th><th>%s</th></tr>",
		    L(c, "Riwayat alamat", "Address history"),
		    L(c, "Alamat", "Address"), L(c, "Sejak", "Since"),
		    L(c, "Sampai", "Until"));
	data_addr_history(txn, c->d->st, r.uid, 50, hist_row, &b);
	html_puts(&b, "</table>");
	if (con_can(c, PERM_PAY_RECORD)) {
		html_puts(&b, "<p><a id=\"pay-link\" href=\"/payments?sub=");
		html_urlpath(&b, r.id);
		html_printf(&b, "\">%s</a></p>", L(c, "Catat pembayaran",
						  "Record a payment"));
	}
	html_puts(&b, "</section><section class=\"card\"><h2>");
	html_text(&b, L(c, "Pemakaian periode ini", "Usage this period"));
	html_puts(&b, "</h2>");
	usage_chart(c, &b, txn, &r);
	html_puts(&b, "</section></div>");
	if (con_can(c, PERM_MONEY_VIEW)) {
		struct inv_rows ir = { c, txn, &b, tt_local_day(tt_now()) };
		struct pay_rows pr = { c, &b };

		html_printf(&b, "<div class=\"grid\"><section class=\"card\">"
			    "<h2>%s</h2><table id=\"invoices\"><tr><th>%s</th>"
			    "<th>%s</th><th>%s</th><th>%s</th><th class=\"n\">"
			    "%s</th><th class=\"n\">%s</th></tr>",
			    L(c, "Tagihan", "Invoices"), L(c, "Nomor", "Number"),
			    L(c, "Periode", "Period"), L(c, "Jatuh tempo", "Due"),
			    "Status", "Total", L(c, "Dibayar", "Paid"));
		invoice_foreach_sub(txn, c->d->st, r.id, inv_row_cb, &ir);
		html_printf(&b, "</table></section><section class=\"card\"><h2>"
			    "%s</h2><table id=\"payments\"><tr><th>%s</th><th>Ref"
			    "</th><th>%s</th><th>%s</th><th class=\"n\">%s</th>"
			    "</tr>", L(c, "Pembayaran", "Payments"),
			    L(c, "Waktu", "Time"), L(c, "Cara", "Method"),
			    L(c, "Oleh", "By"), L(c, "Jumlah", "Amount"));
		pay_foreach(txn, c->d->st, r.id, pay_row_cb, &pr);
		html_puts(&b, "</table></section></div>");
	}
	if (con_can(c, PERM_SUB_TECH)) {
		html_printf(&b, "<div class=\"grid\"><section class=\"card\">"
			    "<h2>%s</h2>", L(c, "Isolir", "Isolir"));
		if (r.status == SUB_ACTIVE)
			action_form(c, &b, r.id, "suspend",
				    L(c, "Isolir (pemeliharaan)",
				      "Suspend (maintenance)"), true);
		else if (r.status == SUB_SUSPENDED)
			action_form(c, &b, r.id, "restore",
				    L(c, "Pulihkan", "Restore"), false);
		html_printf(&b, "</section><section class=\"card\"><h2>%s</h2>"
			    "<form method=\"post\" action=\"/subscribers/",
			    L(c, "Ubah data teknis", "Edit technical data"));
		html_urlpath(&b, r.id);
		html_puts(&b, "/edit\">");
		ui_csrf(c, &b);
		html_printf(&b, "<label for=\"e-address\">%s</label><input "
			    "id=\"e-address\" name=\"address\" maxlength=\"159\" "
			    "value=\"", L(c, "Alamat", "Address"));
		html_text(&b, r.address);
		html_printf(&b, "\"><label for=\"e-notes\">%s</label><input "
			    "id=\"e-notes\" name=\"notes\" maxlength=\"159\" "
			    "value=\"", L(c, "Catatan pemasangan (MAC, VLAN)",
					  "Install notes (MAC, VLAN)"));
		html_text(&b, r.notes);
		html_puts(&b, "\">");
		if (con_can(c, PERM_SUB_EDIT)) {
			html_printf(&b, "<label for=\"e-phone\">%s</label><input "
				    "id=\"e-phone\" name=\"phone\" maxlength=\"23\""
				    " value=\"", L(c, "Telepon", "Phone"));
			html_text(&b, r.phone);
			html_puts(&b, "\">");
		}
		html_printf(&b, "<button type=\"submit\" id=\"save\">%s</button>"
			    "</form></section></div>", L(c, "Simpan", "Save"));
	}
	if (con_can(c, PERM_SUB_EDIT))
		admin_forms(c, &b, &r);
	if (con_can(c, PERM_PDP)) {
		html_printf(&b, "<section class=\"card\"><h2>%s</h2><p><a "
			    "id=\"pdp-export\" href=\"/subscribers/",
			    L(c, "Data pribadi (UU PDP)",
			      "Personal data (UU PDP)"));
		html_urlpath(&b, r.id);
		html_printf(&b, "/export.json\">%s</a></p><form method=\"post\" "
			    "action=\"/subscribers/", L(c, "Ekspor semua data "
							 "(JSON)",
							 "Export everything "
							 "(JSON)"));
		html_urlpath(&b, r.id);
		html_puts(&b, "/erase\">");
		ui_csrf(c, &b);
		html_printf(&b, "<label><input type=\"checkbox\" name=\"confirm\" "
			    "value=\"yes\" id=\"erase-confirm\" required> %s"
			    "</label><button type=\"submit\" class=\"danger\" "
			    "id=\"erase\">%s</button></form></section>",
			    L(c, "Hapus nama, telepon, alamat, NIK; tagihan dan "
				 "pembayaran tetap",
			      "Erase name, phone, address, NIK; invoices and "
			      "payments stay"),
			    L(c, "Hapus data pribadi", "Erase personal data"));
	}
	{
		struct audit_rows ar = { &b, 0, json_array() };

		audit_foreach(txn, c->d->st, r.id, audit_cb, &ar);
		html_printf(&b, "<section class=\"card\"><h2>%s</h2><table "
			    "id=\"audit\"><tr><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th></tr>", L(c, "Jejak audit", "Audit"),
			    L(c, "Waktu", "Time"), L(c, "Oleh", "Actor"),
			    L(c, "Tindakan", "Action"), L(c, "Alasan", "Reason"));
		for (k = json_array_size(ar.keep); k > 0; k--) {
			char t[40];

			e = json_array_get(ar.keep, k - 1);
			html_printf(&b, "<tr><td>%.16s</td><td>",
				    tt_fmt_time_local(json_integer_value(
					    json_object_get(e, "time")), t,
					    sizeof(t)));
			html_text(&b, json_string_value(json_object_get(e, "actor")) ?: "");
			html_puts(&b, "</td><td>");
			html_text(&b, json_string_value(json_object_get(e, "action")) ?: "");
			html_puts(&b, "</td><td>");
			html_text(&b, json_string_value(json_object_get(e, "reason")) ?: "");
			html_puts(&b, "</td></tr>");
		}
		json_decref(ar.keep);
		html_puts(&b, "</table></section>");
	}
	store_abort(txn);
	explicit_bzero(&r, sizeof(r));
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}

/* A form text field into a record field: valid text that fits. */
static int take_text(struct con_ctx *c, const char *name, char *field,
		     size_t size, bool *changed)
{
	char v[256];
	const char *why;
	int err = con_form(c, name, v, sizeof(v));

	if (err == -ENOENT)
		return 0;
	if (err || strlen(v) >= size || text_check(v, strlen(v), &why))
		return -EINVAL;
	if (strcmp(v, field)) {
		snprintf(field, size, "%s", v);
		*changed = true;
	}
	return 0;
}

static enum MHD_Result sub_admin_post(struct con_ctx *c, const char *id,
				      const char *verb);

static enum MHD_Result sub_post(struct con_ctx *c, const char *id,
				const char *verb)
{
	struct sub_rec r;
	char reason[128];
	const char *why;
	MDB_txn *txn;
	bool changed = false;
	int err;

	if (strcmp(verb, "suspend") && strcmp(verb, "restore") &&
	    strcmp(verb, "edit"))
		return sub_admin_post(c, id, verb);
	if (!con_can(c, PERM_SUB_TECH))
		return ui_403(c);
	if (strcmp(verb, "edit") &&
	    (con_form(c, "reason", reason, sizeof(reason)) || !*reason ||
	     text_check(reason, strlen(reason), &why)))
		return ui_msg(c, MHD_HTTP_BAD_REQUEST,
			      L(c, "Tidak disimpan", "Not saved"),
			      L(c, "Tulis alasannya (teks biasa, paling "
				   "banyak 120 karakter).",
				"Give a reason (plain text, at most 120 "
				"characters)."));
	if (store_begin(c->d->st, true, &txn))
		return ui_msg(c, 503, "tagih", "store");
	err = sub_get(txn, c->d->st, id, &r);
	if (!err && !strcmp(verb, "suspend")) {
		err = dunning_suspend(txn, c->d->st, &r, tt_now(), c->actor,
				      reason, false);
	} else if (!err && !strcmp(verb, "restore")) {
		err = dunning_restore(txn, c->d->st, &r, tt_now(), c->actor,
				      reason);
	} else if (!err && !strcmp(verb, "edit")) {
		err = take_text(c, "address", r.address, sizeof(r.address),
				&changed);
		if (!err)
			err = take_text(c, "notes", r.notes, sizeof(r.notes),
					&changed);
		if (!err && con_can(c, PERM_SUB_EDIT))
			err = take_text(c, "phone", r.phone, sizeof(r.phone),
					&changed);
		if (!err && changed)
			err = sub_put(txn, c->d->st, &r);
		/* which fields, never their values (personal data) */
		if (!err && changed)
			err = audit_write(txn, c->d->st, tt_now(), c->actor,
					  "sub_set", r.id, "console edit", NULL);
	} else if (!err) {
		err = -ENOENT;
	}
	explicit_bzero(&r, sizeof(r));
	if (err || store_commit(txn)) {
		if (err)
			store_abort(txn);
		return ui_msg(c, err == -ENOENT ? MHD_HTTP_NOT_FOUND :
			      err == -EALREADY ? MHD_HTTP_CONFLICT :
			      MHD_HTTP_BAD_REQUEST,
			      L(c, "Tidak disimpan", "Not saved"),
			      err == -EALREADY ? L(c, "Sudah dalam keadaan itu.",
						   "Already in that state.") :
			      L(c, "Periksa isiannya lalu coba lagi.",
				"Check the values and try again."));
	}
	return sub_show(c, id, !strcmp(verb, "suspend") ?
			L(c, "Diisolir.", "Suspended.") :
			!strcmp(verb, "restore") ? L(c, "Dipulihkan.", "Restored.") :
			L(c, "Disimpan.", "Saved."));
}


/* Plan, hold, link, PIN (PERM_SUB_EDIT) and erase (PERM_PDP). */
static enum MHD_Result sub_admin_post(struct con_ctx *c, const char *id,
				      const char *verb)
{
	char plan[40], from[16], reason[128], on[8], pin[16], yes[8];
	char flash[256], tok[CUSTLINK_TOKEN_LEN + 1];
	struct pdp_erase_res er;
	struct sub_rec r;
	const char *why, *msg = NULL;
	int32_t day;
	MDB_txn *txn;
	int err;

	if (!strcmp(verb, "erase") ? !con_can(c, PERM_PDP) :
				     !con_can(c, PERM_SUB_EDIT))
		return ui_403(c);
	flash[0] = '\0';
	/* input first, then one write txn */
	if (!strcmp(verb, "plan") &&
	    (con_form(c, "plan", plan, sizeof(plan)) ||
	     con_form(c, "from", from, sizeof(from)) ||
	     tt_parse_date(from, &day)))
		goto bad;
	if (!strcmp(verb, "hold")) {
		if (con_form(c, "on", on, sizeof(on)))
			goto bad;
		if (con_form(c, "reason", reason, sizeof(reason)))
			reason[0] = '\0';
		if (text_check(reason, strlen(reason), &why) ||
		    (!strcmp(on, "yes") && !*reason))
			goto bad;
	}
	if (!strcmp(verb, "pin") && con_form(c, "pin", pin, sizeof(pin)))
		goto bad;
	if (!strcmp(verb, "erase") &&
	    (con_form(c, "confirm", yes, sizeof(yes)) || strcmp(yes, "yes")))
		goto bad;
	if (store_begin(c->d->st, true, &txn))
		return ui_msg(c, 503, "tagih", "store");
	err = sub_get(txn, c->d->st, id, &r);
	if (err)
		goto abort;
	if (!strcmp(verb, "plan")) {
		err = plan_change(txn, c->d->st, &r, plan, day,
				  tt_local_day(tt_now()));
		if (!err)
			err = audit_write(txn, c->d->st, tt_now(), c->actor,
					  "sub_plan", r.id, plan, NULL);
		msg = L(c, "Paket diganti.", "Plan changed.");
	} else if (!strcmp(verb, "hold")) {
		r.hold = !strcmp(on, "yes");
		text_copy(r.hold_reason, sizeof(r.hold_reason),
			  r.hold ? reason : "");
		err = sub_put(txn, c->d->st, &r);
		if (!err)
			err = audit_write(txn, c->d->st, tt_now(), c->actor,
					  r.hold ? "hold" : "hold_off", r.id,
					  r.hold ? reason : NULL, NULL);
		msg = r.hold ? L(c, "Ditahan.", "On hold.") :
			       L(c, "Penahanan dilepas.", "Hold released.");
	} else if (!strcmp(verb, "link")) {
		if (!custlink_token_check(r.link_token))
			memcpy(tok, r.link_token, sizeof(tok));
		else
			err = custlink_issue(txn, c->d->st, r.id, tt_now(),
					     c->actor, tok);
		snprintf(flash, sizeof(flash), "%s/c/%s",
			 c->d->conf.public_url && *c->d->conf.public_url ?
			 c->d->conf.public_url : "", tok);
		OPENSSL_cleanse(tok, sizeof(tok));
	} else if (!strcmp(verb, "pin")) {
		/* PBKDF2 here, on a console thread: a rare admin action */
		err = custpin_set(txn, c->d->st, r.id, pin, tt_now(), c->actor);
		OPENSSL_cleanse(pin, sizeof(pin));
		msg = L(c, "PIN disimpan.", "PIN set.");
	} else if (!strcmp(verb, "erase")) {
		err = pdp_erase(txn, c->d->st, r.id, tt_now(), c->actor, &er);
		msg = L(c, "Data pribadi dihapus.", "Personal data erased.");
	} else {
		err = -ENOENT;
	}
	explicit_bzero(&r, sizeof(r));
	if (err)
		goto abort;
	if (store_commit(txn)) {
		OPENSSL_cleanse(flash, sizeof(flash));
		return ui_msg(c, 500, L(c, "Tidak disimpan", "Not saved"), "");
	}
	{
		enum MHD_Result ret = sub_show(c, id, flash[0] ? flash : msg);

		OPENSSL_cleanse(flash, sizeof(flash));
		return ret;
	}
abort:
	store_abort(txn);
	explicit_bzero(&r, sizeof(r));
	return ui_msg(c, err == -ENOENT ? MHD_HTTP_NOT_FOUND :
		      MHD_HTTP_BAD_REQUEST, L(c, "Tidak disimpan", "Not saved"),
		      err == -ENOENT ? L(c, "Pelanggan atau paket tidak ada.",
					 "No such subscriber or plan.") :
		      L(c, "Periksa isiannya (PIN 4-8 angka dan telepon "
			   "pelanggan; tanggal tidak sebelum aktivasi).",
			"Check the values (a PIN of 4-8 digits and the "
			"subscriber's phone; a date not before activation)."));
bad:
	return ui_msg(c, MHD_HTTP_BAD_REQUEST, L(c, "Tidak disimpan",
						 "Not saved"),
		      L(c, "Periksa isiannya lalu coba lagi.",
			"Check the values and try again."));
}

static enum MHD_Result sub_export(struct con_ctx *c, const char *id)
{
	char disp[96];
	const struct mhd_hdr h[] = { { "Content-Disposition", disp },
				     { NULL, NULL } };
	MDB_txn *txn;
	json_t *o = NULL;
	char *s;
	enum MHD_Result ret;
	int err;

	if (!con_can(c, PERM_PDP))
		return ui_403(c);
	if (store_begin(c->d->st, false, &txn))
		return ui_msg(c, 503, "tagih", "store");
	err = pdp_export(txn, c->d->st, id, tt_now(), &o);
	store_abort(txn);
	if (err)
		return ui_msg(c, err == -ENOENT ? 404 : 500,
			      L(c, "Tidak ada", "Not found"), "");
	s = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	if (!s)
		return MHD_NO;
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.json\"", id);
	ret = con_reply(c, MHD_HTTP_OK, "application/json", s, strlen(s), h);
	explicit_bzero(s, strlen(s));
	free(s);
	if (ret == MHD_YES) {
		/* an access request is itself worth a line in the audit */
		if (!store_begin(c->d->st, true, &txn) &&
		    (audit_write(txn, c->d->st, tt_now(), c->actor, "export",
				 id, NULL, NULL) || store_commit(txn)))
			store_abort(txn);
	}
	return ret;
}

static enum MHD_Result sub_new_form(struct con_ctx *c, unsigned status,
				    const char *err)
{
	struct html b = { 0 };
	char today[16];

	tt_fmt_date(tt_local_day(tt_now()), today, sizeof(today));
	ui_head(c, &b, L(c, "Pelanggan baru", "New subscriber"), "subs");
	html_printf(&b, "<h1>%s</h1>", L(c, "Pelanggan baru", "New subscriber"));
	if (err) {
		html_puts(&b, "<p class=\"warn\" id=\"error\">");
		html_text(&b, err);
		html_puts(&b, "</p>");
	}
	html_puts(&b, "<section class=\"card\"><form method=\"post\" "
		  "action=\"/subscribers/new\">");
	ui_csrf(c, &b);
	html_printf(&b, "<label for=\"n-id\">Id</label><input id=\"n-id\" "
		    "name=\"id\" required maxlength=\"32\" pattern="
		    "\"[A-Za-z0-9._-]{1,32}\"><label for=\"n-name\">%s</label>"
		    "<input id=\"n-name\" name=\"name\" required maxlength="
		    "\"95\"><label for=\"n-phone\">%s</label><input id="
		    "\"n-phone\" name=\"phone\" type=\"tel\" maxlength=\"23\">"
		    "<label for=\"n-address\">%s</label><input id=\"n-address\" "
		    "name=\"address\" maxlength=\"159\"><label for=\"n-ip\">%s"
		    "</label><input id=\"n-ip\" name=\"ip\" placeholder="
		    "\"10.0.0.5 / 2001:db8:1::/56\"><label for=\"n-plan\">%s"
		    "</label>", L(c, "Nama", "Name"), L(c, "Telepon", "Phone"),
		    L(c, "Alamat", "Address"), L(c, "Alamat IP", "IP address"),
		    L(c, "Paket", "Plan"));
	plan_select(c, &b, "n-plan", NULL);
	html_printf(&b, "<label for=\"n-act\">%s</label><input id=\"n-act\" "
		    "name=\"activated\" type=\"date\" value=\"%s\"><button "
		    "type=\"submit\" id=\"add\">%s</button></form></section>",
		    L(c, "Tanggal aktif", "Activated"), today,
		    L(c, "Tambah", "Add"));
	ui_foot(c, &b);
	return ui_page(c, status, &b);
}

static enum MHD_Result sub_new_post(struct con_ctx *c)
{
	struct sub_rec r = { 0 };
	struct prefix px;
	char id[SUB_ID_MAX + 2], ip[64], act[16];
	const char *why;
	MDB_txn *txn;
	bool ch = false;
	int npx = 0, conflict = -1, err;

	if (con_form(c, "id", id, sizeof(id)) || sub_id_check(id))
		return sub_new_form(c, 400, L(c, "Id: 1-32 huruf, angka, . _ -",
					      "Id: 1-32 letters, digits, . _ -"));
	memcpy(r.id, id, strlen(id) + 1);	/* checked: at most SUB_ID_MAX */
	if (take_text(c, "name", r.name, sizeof(r.name), &ch) || !r.name[0] ||
	    take_text(c, "phone", r.phone, sizeof(r.phone), &ch) ||
	    take_text(c, "address", r.address, sizeof(r.address), &ch) ||
	    take_text(c, "plan", r.plan, sizeof(r.plan), &ch))
		return sub_new_form(c, 400, L(c, "Nama wajib; teks biasa saja.",
					      "A name is required; plain text "
					      "only."));
	if (!con_form(c, "ip", ip, sizeof(ip)) && *ip) {
		if (prefix_parse(ip, &px, &why))
			return sub_new_form(c, 400, L(c, "Alamat IP tidak sah.",
						      "Not an IP address."));
		npx = 1;
	}
	r.status = SUB_ACTIVE;
	r.created = tt_now();
	r.activated = tt_local_day(r.created);
	if (!con_form(c, "activated", act, sizeof(act)) && *act &&
	    tt_parse_date(act, &r.activated))
		return sub_new_form(c, 400, L(c, "Tanggal: YYYY-MM-DD.",
					      "Date: YYYY-MM-DD."));
	if (store_begin(c->d->st, true, &txn))
		return ui_msg(c, 503, "tagih", "store");
	err = sub_add(txn, c->d->st, &r, &px, npx, &conflict);
	if (!err && r.plan[0])
		err = plan_hist_set(txn, c->d->st, r.id, r.activated, r.plan);
	if (!err)
		err = audit_write(txn, c->d->st, tt_now(), c->actor, "sub_add",
				  r.id, NULL, NULL);
	explicit_bzero(&r, sizeof(r));
	if (err) {
		store_abort(txn);
		return sub_new_form(c, err == -EEXIST || err == -EADDRINUSE ?
				    409 : 400,
				    err == -EEXIST ? L(c, "Id itu sudah ada.",
						       "That id exists.") :
				    err == -EADDRINUSE ?
				    L(c, "Alamat IP itu milik pelanggan lain.",
				      "That address belongs to another "
				      "subscriber.") :
				    err == -ENOENT ? L(c, "Paket tidak ada.",
						       "No such plan.") :
				    L(c, "Tidak disimpan.", "Not saved."));
	}
	if (store_commit(txn))
		return ui_msg(c, 500, L(c, "Tidak disimpan", "Not saved"), "");
	return sub_show(c, id, L(c, "Pelanggan ditambahkan.",
				 "Subscriber added."));
}

enum MHD_Result ui_subs(struct con_ctx *c, const char *path)
{
	char id[SUB_ID_MAX + 1];
	const char *slash;
	size_t n;

	if (!con_can(c, PERM_SUB_VIEW))
		return ui_403(c);
	if (!*path)
		return subs_list(c);
	if (!strcmp(path, "/new")) {
		if (!con_can(c, PERM_SUB_EDIT))
			return ui_403(c);
		return c->is_post ? sub_new_post(c) :
				    sub_new_form(c, MHD_HTTP_OK, NULL);
	}
	if (*path != '/')
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	path++;
	slash = strchr(path, '/');
	n = slash ? (size_t)(slash - path) : strlen(path);
	if (n == 0 || n > SUB_ID_MAX)
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	memcpy(id, path, n);
	id[n] = '\0';
	if (!slash && !c->is_post)
		return sub_show(c, id, NULL);
	if (slash && !c->is_post && !strcmp(slash, "/export.json"))
		return sub_export(c, id);
	if (slash && c->is_post)
		return sub_post(c, id, slash + 1);
	return ui_msg(c, MHD_HTTP_METHOD_NOT_ALLOWED, "405", "");
}
