// SPDX-License-Identifier: GPL-2.0
/* reports.c - the console's reports: revenue per month and per plan, aging, collections, usage; each as a table, a chart and CSV. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/report.h"
#include "lib/ttime.h"
#include "tagihd/console/data.h"

#define PLANS_MAX 64

struct rep {
	int y0, m0, y1, m1, n;		/* revenue months */
	struct rev_report rev[BOOKS_MONTHS_MAX];
	struct aging_bucket ag[AGING_BUCKETS];
	struct books_sum coll;
	struct usage_top top[20];
	int ntop;
	struct {
		char plan[40];
		uint64_t invoices;
		rp_t total, paid;
	} plans[PLANS_MAX + 1];
	int nplans;
	char period[16];		/* collections, usage, per plan */
};

struct plan_ctx {
	MDB_txn *txn;
	struct store *st;
	struct rep *r;
};

/* Per plan: the invoice's subscriber's plan today (invoices keep lines,
 * not the plan's name). */
static int plan_cb(const struct inv_rec *inv, void *ctx)
{
	struct plan_ctx *pc = ctx;
	struct rep *r = pc->r;
	struct sub_rec s;
	const char *plan = "-";
	int i;

	if (strcmp(inv->period, r->period) || inv->status == INV_VOID)
		return 0;
	if (!sub_get(pc->txn, pc->st, inv->sub, &s) && s.plan[0])
		plan = s.plan;
	for (i = 0; i < r->nplans; i++)
		if (!strcmp(r->plans[i].plan, plan))
			break;
	if (i == r->nplans) {
		if (r->nplans == PLANS_MAX)
			return 0;
		snprintf(r->plans[i].plan, sizeof(r->plans[i].plan), "%s",
			 plan);
		r->nplans++;
	}
	r->plans[i].invoices++;
	explicit_bzero(&s, sizeof(s));
	if (money_add(&r->plans[i].total, inv->total) ||
	    money_add(&r->plans[i].paid, inv->paid))
		return -ERANGE;
	return 0;
}

/* ?from=&to= (months; default the 12 ending this one), ?period= (default
 * this month). 0 or -EINVAL. */
static int rep_args(struct con_ctx *c, struct rep *r)
{
	const char *from = con_arg(c, "from"), *to = con_arg(c, "to"),
		   *p = con_arg(c, "period");
	int32_t today = tt_local_day(tt_now());
	int d, y, m;

	tt_civil_from_days(today, &y, &m, &d);
	r->y1 = y;
	r->m1 = m;
	r->y0 = m == 12 ? y : y - 1;
	r->m0 = m == 12 ? 1 : m + 1;
	if ((from && tt_parse_period(from, &r->y0, &r->m0)) ||
	    (to && tt_parse_period(to, &r->y1, &r->m1)))
		return -EINVAL;
	snprintf(r->period, sizeof(r->period), "%04d-%02d", y, m);
	if (p) {
		if (strlen(p) != 7 || tt_parse_period(p, &y, &m))
			return -EINVAL;
		snprintf(r->period, sizeof(r->period), "%s", p);
	}
	return 0;
}

static int rep_read(struct con_ctx *c, struct rep *r)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct plan_ctx pc = { NULL, c->d->st, r };
	MDB_txn *txn;
	int y, m, err;

	if (store_begin(c->d->st, false, &txn))
		return -EIO;
	pc.txn = txn;
	err = books_revenue_months(txn, c->d->st, r->y0, r->m0, r->y1, r->m1,
				   r->rev, &r->n);
	if (!err)
		err = report_aging(txn, c->d->st, tt_local_day(tt_now()),
				   r->ag);
	sscanf(r->period, "%4d-%2d", &y, &m);
	f.from = tt_day_start(tt_days_from_civil(y, m, 1));
	f.to = tt_day_start(tt_days_from_civil(y, m, 1) +
			    tt_days_in_month(y, m));
	if (!err)
		err = books_collections(txn, c->d->st, &f, &r->coll);
	if (!err)
		err = report_usage_top(txn, c->d->st, y, m, 20, r->top,
				       &r->ntop);
	if (!err)
		err = invoice_foreach(txn, c->d->st, plan_cb, &pc);
	store_abort(txn);
	return err;
}

static void month_label(const struct rep *r, int i, char *buf, size_t n)
{
	int k = r->y0 * 12 + (r->m0 - 1) + i;

	snprintf(buf, n, "%04d-%02d", k / 12, k % 12 + 1);
}

/* CSV: a header line and rows; every field here is a number, a date, a
 * name of [A-Za-z0-9._:-] or one of our words, so nothing needs quotes,
 * but a field is quoted anyway when it holds a comma or a quote. */
static void csv_field(struct html *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n")) {
		html_puts(b, "\"");
		for (; *s; s++)
			html_add(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
		html_puts(b, "\"");
	} else {
		html_puts(b, s);
	}
	html_puts(b, last ? "\r\n" : ",");
}

static enum MHD_Result rep_csv(struct con_ctx *c, struct rep *r,
			       const char *which)
{
	struct html b = { 0 };
	char name[96], disp[128], a[32], p[32], o[32], t[32];
	const struct mhd_hdr h[] = {
		{ "Content-Disposition", disp }, { NULL, NULL } };
	enum MHD_Result ret;
	int i;

	if (!strcmp(which, "revenue")) {
		html_puts(&b, "period,invoices,billed,paid,open\r\n");
		for (i = 0; i < r->n; i++) {
			month_label(r, i, p, sizeof(p));
			csv_field(&b, p, false);
			html_printf(&b, "%llu,%lld,%lld,%lld\r\n",
				    (unsigned long long)r->rev[i].invoices,
				    (long long)r->rev[i].total,
				    (long long)r->rev[i].paid,
				    (long long)r->rev[i].open);
		}
	} else if (!strcmp(which, "plans")) {
		html_puts(&b, "period,plan,invoices,billed,paid\r\n");
		for (i = 0; i < r->nplans; i++) {
			csv_field(&b, r->period, false);
			csv_field(&b, r->plans[i].plan, false);
			html_printf(&b, "%llu,%lld,%lld\r\n",
				    (unsigned long long)r->plans[i].invoices,
				    (long long)r->plans[i].total,
				    (long long)r->plans[i].paid);
		}
	} else if (!strcmp(which, "aging")) {
		html_puts(&b, "bucket,invoices,open\r\n");
		for (i = 0; i < AGING_BUCKETS; i++)
			html_printf(&b, "%s,%llu,%lld\r\n", r->ag[i].label,
				    (unsigned long long)r->ag[i].invoices,
				    (long long)r->ag[i].amount);
	} else if (!strcmp(which, "collections")) {
		html_puts(&b, "period,by,payments,amount,cash\r\n");
		for (i = 0; i < r->coll.nusers; i++) {
			csv_field(&b, r->period, false);
			csv_field(&b, r->coll.users[i].user, false);
			html_printf(&b, "%llu,%lld,%lld\r\n",
				    (unsigned long long)r->coll.users[i].count,
				    (long long)r->coll.users[i].amount,
				    (long long)r->coll.users[i].cash);
		}
	} else if (!strcmp(which, "usage")) {
		html_puts(&b, "period,subscriber,up_bytes,down_bytes\r\n");
		for (i = 0; i < r->ntop; i++) {
			csv_field(&b, r->period, false);
			csv_field(&b, r->top[i].sub, false);
			snprintf(a, sizeof(a), "%llu",
				 (unsigned long long)r->top[i].up);
			snprintf(o, sizeof(o), "%llu",
				 (unsigned long long)r->top[i].down);
			csv_field(&b, a, false);
			csv_field(&b, o, true);
		}
	} else {
		return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
	}
	(void)t;
	snprintf(name, sizeof(name), "tagih-%s-%s.csv", which, r->period);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	if (b.oom) {
		html_free(&b);
		return MHD_NO;
	}
	ret = con_reply(c, MHD_HTTP_OK, "text/csv; charset=utf-8", b.p ? b.p : "",
			b.len, h);
	html_free(&b);
	return ret;
}

static void csv_link(struct con_ctx *c, struct html *b, const char *which,
		     const struct rep *r)
{
	html_printf(b, "<p><a id=\"csv-%s\" href=\"/reports/%s.csv?period=%s"
		    "&amp;from=%04d-%02d&amp;to=%04d-%02d\">%s</a></p>", which,
		    which, r->period, r->y0, r->m0, r->y1, r->m1,
		    L(c, "Unduh CSV", "Download CSV"));
}

enum MHD_Result ui_reports(struct con_ctx *c, const char *path)
{
	struct rep *r;
	struct html b = { 0 };
	const char *labels[BOOKS_MONTHS_MAX];
	char lab[BOOKS_MONTHS_MAX][16], x[40], y[40], z[40];
	int64_t billed[BOOKS_MONTHS_MAX], paid[BOOKS_MONTHS_MAX];
	int64_t agv[AGING_BUCKETS];
	const char *agl[AGING_BUCKETS];
	enum MHD_Result ret;
	int i;

	if (!con_can(c, PERM_REPORTS))
		return ui_403(c);
	r = calloc(1, sizeof(*r));
	if (!r)
		return MHD_NO;
	if (rep_args(c, r) || rep_read(c, r)) {
		free(r);
		return ui_msg(c, 400, L(c, "Laporan", "Reports"),
			      L(c, "Periode: YYYY-MM (paling banyak 120 bulan).",
				"Periods: YYYY-MM (at most 120 months)."));
	}
	if (*path == '/' && strlen(path) > 5 &&
	    !strcmp(path + strlen(path) - 4, ".csv")) {
		char which[32];

		snprintf(which, sizeof(which), "%.*s",
			 (int)(strlen(path) - 5), path + 1);
		ret = rep_csv(c, r, which);
		free(r);
		return ret;
	}
	ui_head(c, &b, L(c, "Laporan", "Reports"), "rep");
	html_printf(&b, "<h1>%s</h1><section class=\"card\"><form "
		    "method=\"get\" action=\"/reports\" class=\"row\"><div>"
		    "<label for=\"from\">%s</label><input id=\"from\" "
		    "name=\"from\" value=\"%04d-%02d\"></div><div><label "
		    "for=\"to\">%s</label><input id=\"to\" name=\"to\" "
		    "value=\"%04d-%02d\"></div><div><label for=\"rperiod\">%s"
		    "</label><input id=\"rperiod\" name=\"period\" value=\"%s\">"
		    "</div><button type=\"submit\">%s</button></form></section>",
		    L(c, "Laporan", "Reports"), L(c, "Dari bulan", "From month"),
		    r->y0, r->m0, L(c, "Sampai bulan", "To month"), r->y1,
		    r->m1, L(c, "Bulan (setoran, paket, pemakaian)",
			     "Month (collections, plans, usage)"),
		    r->period, L(c, "Tampilkan", "Show"));
	for (i = 0; i < r->n; i++) {
		month_label(r, i, lab[i], sizeof(lab[i]));
		labels[i] = lab[i] + 2;
		billed[i] = r->rev[i].total;
		paid[i] = r->rev[i].paid;
	}
	html_printf(&b, "<section class=\"card\"><h2>%s</h2>",
		    L(c, "Pendapatan per bulan", "Revenue per month"));
	ui_bars(&b, "revenue-chart", L(c, "Ditagih dan terbayar",
				       "Billed and collected"), r->n, labels,
		billed, paid, L(c, "Ditagih", "Billed"),
		L(c, "Terbayar", "Collected"));
	html_printf(&b, "<table id=\"revenue\"><tr><th>%s</th><th class=\"n\">"
		    "%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th><th "
		    "class=\"n\">%s</th></tr>", L(c, "Bulan", "Month"),
		    L(c, "Tagihan", "Invoices"), L(c, "Ditagih", "Billed"),
		    L(c, "Terbayar", "Collected"), L(c, "Terbuka", "Open"));
	for (i = 0; i < r->n; i++)
		html_printf(&b, "<tr><td>%s</td><td class=\"n\">%llu</td><td "
			    "class=\"n\">%s</td><td class=\"n\">%s</td><td "
			    "class=\"n\">%s</td></tr>", lab[i],
			    (unsigned long long)r->rev[i].invoices,
			    ui_rp(r->rev[i].total, x, sizeof(x)),
			    ui_rp(r->rev[i].paid, y, sizeof(y)),
			    ui_rp(r->rev[i].open, z, sizeof(z)));
	html_puts(&b, "</table>");
	csv_link(c, &b, "revenue", r);
	html_printf(&b, "</section><div class=\"grid\"><section class=\"card\">"
		    "<h2>%s %s</h2><table id=\"plans\"><tr><th>%s</th><th "
		    "class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">"
		    "%s</th></tr>", L(c, "Pendapatan per paket",
				      "Revenue per plan"), r->period,
		    L(c, "Paket", "Plan"), L(c, "Tagihan", "Invoices"),
		    L(c, "Ditagih", "Billed"), L(c, "Terbayar", "Collected"));
	for (i = 0; i < r->nplans; i++) {
		html_puts(&b, "<tr><td>");
		html_text(&b, r->plans[i].plan);
		html_printf(&b, "</td><td class=\"n\">%llu</td><td class=\"n\">"
			    "%s</td><td class=\"n\">%s</td></tr>",
			    (unsigned long long)r->plans[i].invoices,
			    ui_rp(r->plans[i].total, x, sizeof(x)),
			    ui_rp(r->plans[i].paid, y, sizeof(y)));
	}
	html_puts(&b, "</table>");
	csv_link(c, &b, "plans", r);
	html_printf(&b, "</section><section class=\"card\"><h2>%s</h2>",
		    L(c, "Umur piutang", "Aging"));
	for (i = 0; i < AGING_BUCKETS; i++) {
		agv[i] = r->ag[i].amount;
		agl[i] = r->ag[i].label;
	}
	ui_bars(&b, "aging-chart", L(c, "Piutang menurut hari lewat jatuh tempo",
				     "Open by days past due"), AGING_BUCKETS,
		agl, agv, NULL, L(c, "Terbuka", "Open"), NULL);
	html_printf(&b, "<table id=\"aging\"><tr><th>%s</th><th class=\"n\">%s"
		    "</th><th class=\"n\">%s</th></tr>", L(c, "Hari", "Days"),
		    L(c, "Tagihan", "Invoices"), L(c, "Terbuka", "Open"));
	for (i = 0; i < AGING_BUCKETS; i++)
		html_printf(&b, "<tr><td>%s</td><td class=\"n\">%llu</td><td "
			    "class=\"n\">%s</td></tr>", r->ag[i].label,
			    (unsigned long long)r->ag[i].invoices,
			    ui_rp(r->ag[i].amount, x, sizeof(x)));
	html_puts(&b, "</table>");
	csv_link(c, &b, "aging", r);
	html_printf(&b, "</section></div><div class=\"grid\"><section "
		    "class=\"card\"><h2>%s %s</h2><p class=\"big\">%s</p>",
		    L(c, "Penerimaan", "Collections"), r->period,
		    ui_rp(r->coll.total, z, sizeof(z)));
	for (i = 0; i < r->coll.nusers && i < BOOKS_MONTHS_MAX; i++) {
		labels[i] = r->coll.users[i].user;
		billed[i] = r->coll.users[i].amount;
		paid[i] = r->coll.users[i].cash;
	}
	ui_bars(&b, "collections-chart", L(c, "Penerimaan per kasir",
					   "Collections per cashier"),
		i, labels, billed, paid, L(c, "Jumlah", "Amount"),
		L(c, "Tunai", "Cash"));
	html_printf(&b, "<table id=\"collections\"><tr><th>%s</th><th "
		    "class=\"n\">%s</th><th class=\"n\">%s</th></tr>",
		    L(c, "Oleh", "By"), L(c, "Jumlah", "Amount"),
		    L(c, "Tunai", "Cash"));
	for (i = 0; i < r->coll.nusers; i++) {
		html_puts(&b, "<tr><td>");
		html_text(&b, r->coll.users[i].user);
		html_printf(&b, "</td><td class=\"n\">%s</td><td class=\"n\">%s"
			    "</td></tr>", ui_rp(r->coll.users[i].amount, x,
						sizeof(x)),
			    ui_rp(r->coll.users[i].cash, y, sizeof(y)));
	}
	html_puts(&b, "</table>");
	csv_link(c, &b, "collections", r);
	html_printf(&b, "</section><section class=\"card\"><h2>%s %s</h2><table "
		    "id=\"usage\"><tr><th>#</th><th>%s</th><th class=\"n\">%s"
		    "</th></tr>", L(c, "Pemakaian terbanyak", "Top usage"),
		    r->period, L(c, "Pelanggan", "Subscriber"),
		    L(c, "Pemakaian", "Usage"));
	for (i = 0; i < r->ntop; i++) {
		html_printf(&b, "<tr><td>%d</td><td>", i + 1);
		html_text(&b, r->top[i].sub);
		html_printf(&b, "</td><td class=\"n\">%s</td></tr>",
			    fmt_gb(con_words(c), r->top[i].up + r->top[i].down,
				   x, sizeof(x)));
	}
	html_puts(&b, "</table>");
	csv_link(c, &b, "usage", r);
	html_puts(&b, "</section></div>");
	free(r);
	ui_foot(c, &b);
	return ui_page(c, MHD_HTTP_OK, &b);
}
