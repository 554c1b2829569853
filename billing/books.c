// SPDX-License-Identifier: GPL-2.0
/* books.c - the cash book over DB_PAYMENTS and the month-by-month revenue over DB_INVOICES. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/books.h"
#include "billing/invoice.h"

const char *books_pay_user(const struct pay_rec *p, char *buf, size_t n)
{
	char a[sizeof(p->actor) + 1];

	memcpy(a, p->actor, sizeof(p->actor));
	a[sizeof(p->actor)] = '\0';
	snprintf(buf, n, "%s", !strncmp(a, "console:", 8) ? a + 8 : a);
	return buf;
}

const char *books_pay_kind(const struct pay_rec *p)
{
	return pay_kind_str(p->kind);
}

bool books_pay_match(const struct pay_rec *p, const struct pay_filter *f)
{
	char u[72];

	if (p->time < f->from || (f->to && p->time >= f->to))
		return false;
	if (f->method >= 0 && p->method != f->method)
		return false;
	if (f->sub && strcmp(p->sub, f->sub))
		return false;
	if (f->kind && strcmp(books_pay_kind(p), f->kind))
		return false;
	if (f->by && strcmp(books_pay_user(p, u, sizeof(u)), f->by))
		return false;
	return true;
}

struct list_ctx {
	const struct pay_filter *f;
	struct pay_rec *v;
	size_t n, cap;
};

static int list_cb(const struct pay_rec *p, void *ctx)
{
	struct list_ctx *lc = ctx;

	if (!books_pay_match(p, lc->f))
		return 0;
	if (lc->n == lc->cap) {
		size_t cap = lc->cap ? lc->cap * 2 : 64;
		struct pay_rec *nv = realloc(lc->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		lc->v = nv;
		lc->cap = cap;
	}
	lc->v[lc->n++] = *p;
	return 0;
}

static int time_cmp(const void *a, const void *b)
{
	const struct pay_rec *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->ref, y->ref);
}

int books_pay_list(MDB_txn *txn, struct store *st, const struct pay_filter *f,
		   struct pay_rec **out, size_t *n)
{
	struct list_ctx lc = { f, NULL, 0, 0 };
	int err;

	/* one subscriber's payments have an index; the rest is a walk */
	err = pay_foreach(txn, st, f->sub, list_cb, &lc);
	if (err) {
		free(lc.v);
		return err;
	}
	if (lc.n)
		qsort(lc.v, lc.n, sizeof(*lc.v), time_cmp);
	*out = lc.v;
	*n = lc.n;
	return 0;
}

struct sum_ctx {
	const struct pay_filter *f;
	struct books_sum *s;
};

static int sum_cb(const struct pay_rec *p, void *ctx)
{
	struct sum_ctx *sc = ctx;
	struct books_sum *s = sc->s;
	char u[72];
	int i;

	if (!books_pay_match(p, sc->f))
		return 0;
	if (p->method > PAY_GATEWAY)
		return -EIO;
	books_pay_user(p, u, sizeof(u));
	for (i = 0; i < s->nusers; i++)
		if (!strcmp(s->users[i].user, u))
			break;
	if (i == s->nusers) {
		if (s->nusers == BOOKS_USERS_MAX) {
			i = BOOKS_USERS_MAX;
			snprintf(s->users[i].user, sizeof(s->users[i].user),
				 "other");
		} else {
			snprintf(s->users[i].user, sizeof(s->users[i].user),
				 "%s", u);
			s->nusers++;
		}
	}
	s->count++;
	s->n_method[p->method]++;
	s->users[i].count++;
	if (money_add(&s->total, p->amount) ||
	    money_add(&s->by_method[p->method], p->amount) ||
	    money_add(&s->users[i].amount, p->amount) ||
	    (p->method == PAY_CASH &&
	     money_add(&s->users[i].cash, p->amount)))
		return -ERANGE;
	return 0;
}

int books_collections(MDB_txn *txn, struct store *st,
		      const struct pay_filter *f, struct books_sum *s)
{
	struct sum_ctx sc = { f, s };
	int err;

	memset(s, 0, sizeof(*s));
	err = pay_foreach(txn, st, f->sub, sum_cb, &sc);
	/* "other" (past BOOKS_USERS_MAX takers) is shown last */
	if (!err && s->users[BOOKS_USERS_MAX].count)
		s->users[s->nusers++] = s->users[BOOKS_USERS_MAX];
	return err;
}

/* {"date"|"period", "total", "count", "by_method", "by_user"}: the API's
 * reports/collections shape. */
json_t *books_sum_json(const char *key, const char *when,
		       const struct books_sum *s)
{
	json_t *bm = json_object(), *bu = json_object();
	int i;

	for (i = 0; i <= PAY_GATEWAY; i++)
		json_object_set_new(bm, pay_method_str(i),
				    json_integer(s->by_method[i]));
	for (i = 0; i < s->nusers; i++)
		json_object_set_new(bu, s->users[i].user,
				    json_integer(s->users[i].amount));
	return json_pack("{s:s, s:I, s:I, s:o, s:o}", key, when, "total",
			 (json_int_t)s->total, "count", (json_int_t)s->count,
			 "by_method", bm, "by_user", bu);
}

struct months_ctx {
	int y0, m0, n;
	struct rev_report *out;
};

static int months_cb(const struct inv_rec *inv, void *ctx)
{
	struct months_ctx *mc = ctx;
	int y, m, i;

	if (sscanf(inv->period, "%4d-%2d", &y, &m) != 2)
		return 0;
	i = (y - mc->y0) * 12 + (m - mc->m0);
	if (i < 0 || i >= mc->n)
		return 0;
	return report_revenue_add(&mc->out[i], inv);
}

int books_revenue_months(MDB_txn *txn, struct store *st, int y0, int m0,
			 int y1, int m1, struct rev_report *out, int *n)
{
	struct months_ctx mc = { y0, m0, (y1 - y0) * 12 + (m1 - m0) + 1, out };

	if (mc.n < 1 || mc.n > BOOKS_MONTHS_MAX)
		return -EINVAL;
	memset(out, 0, mc.n * sizeof(*out));
	*n = mc.n;
	return invoice_foreach(txn, st, months_cb, &mc);
}
