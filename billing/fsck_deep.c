// SPDX-License-Identifier: GPL-2.0
/* fsck_deep.c - `tagih fsck --deep`: decode every record of every table, report each that does not. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "billing/charge.h"
#include "billing/fsck.h"
#include "billing/invoice.h"
#include "billing/outbox.h"
#include "billing/pack.h"
#include "billing/pay.h"
#include "billing/plan.h"
#include "billing/prepaid.h"
#include "billing/sub.h"
#include "billing/usage.h"
#include "billing/user.h"
#include "billing/voucher.h"
#include "bpf/tagih.h"
#include "lib/prefix.h"
#include "lib/text.h"

#define DEEP_SHOW_MAX 50	/* lines per table; the count is exact */

struct deep {
	MDB_txn *txn;
	struct store *st;
	FILE *out;
	struct fsck_deep_report *r;
	enum store_db db;
	int shown;
	char why[160];
};

static void deep_bad(struct deep *d, const MDB_val *k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void deep_bad(struct deep *d, const MDB_val *k, const char *fmt, ...)
{
	char kb[96];
	va_list ap;

	d->r->bad++;
	if (!d->out)
		return;
	if (++d->shown > DEEP_SHOW_MAX) {
		if (d->shown == DEEP_SHOW_MAX + 1)
			fprintf(d->out, "fsck --deep: table '%s': more damaged "
				"records, not listed\n",
				store_table_name(d->db));
		return;
	}
	if (k)
		store_key_fmt(k->mv_data, k->mv_size, kb, sizeof(kb));
	fprintf(d->out, "fsck --deep: table '%s'%s%s%s: ",
		store_table_name(d->db), k ? ", key '" : "", k ? kb : "",
		k ? "'" : "");
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

/* A reason in d->why, for the checkers' return value. */
static const char *why(struct deep *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *why(struct deep *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	return d->why;
}

/* A fixed-width text field: NUL-terminated inside it, valid text. */
static const char *field(struct deep *d, const char *name, const char *s,
			 size_t size)
{
	const char *w;
	size_t n = strnlen(s, size);

	if (n == size)
		return why(d, "%s is not terminated", name);
	if (text_check(s, n, &w))
		return why(d, "%s: %s", name, w);
	return NULL;
}

/* Does db hold key? A record that is there but damaged counts: it is
 * reported on its own. */
static bool has(struct deep *d, enum store_db db, const void *key,
		size_t klen, MDB_val *v)
{
	MDB_val dummy;
	int err = store_get(d->txn, d->st, db, key, klen, v ? v : &dummy);

	if (err == -EBADMSG && v)
		v->mv_size = 0;
	return !err || err == -EBADMSG;
}

static const char *sub_exists(struct deep *d, const char *id)
{
	if (store_name_check(id, SUB_ID_MAX))
		return why(d, "subscriber id '%.40s' malformed", id);
	if (!has(d, DB_SUBS, id, strlen(id), NULL))
		return why(d, "names subscriber '%s', which does not exist",
			   id);
	return NULL;
}

/* "sub\0rest": the subscriber id at the start of a key. */
static const char *key_sub(struct deep *d, const MDB_val *k, size_t rest,
			   char *id)
{
	const char *p = k->mv_data;
	size_t n = strnlen(p, k->mv_size);

	if (n == k->mv_size || n > SUB_ID_MAX || k->mv_size < n + 1 + rest)
		return why(d, "key is not subscriber id, NUL, ...");
	memcpy(id, p, n);
	id[n] = '\0';
	return sub_exists(d, id);
}

static bool is_u64_meta(const MDB_val *k)
{
	static const char *const names[] = {
		"uid_next", "prefix_gen", "policy_gen", "garden_gen", "format",
		"tables", STORE_TXN_KEY,
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (k->mv_size == strlen(names[i]) &&
		    !memcmp(k->mv_data, names[i], k->mv_size))
			return true;
	return k->mv_size > 8 && !memcmp(k->mv_data, "inv_seq:", 8);
}

static const char *chk_meta(struct deep *d, const MDB_val *k,
			    const MDB_val *v)
{
	if (!k->mv_size)
		return "empty key";
	if (is_u64_meta(k) && v->mv_size != 8)
		return why(d, "a counter of %zu bytes, not 8", v->mv_size);
	if (k->mv_size == 8 && !memcmp(k->mv_data, "store_id", 8) &&
	    v->mv_size != STORE_ID_LEN)
		return why(d, "store_id of %zu bytes", v->mv_size);
	return NULL;
}

static const char *chk_subs(struct deep *d, const MDB_val *k,
			    const MDB_val *v)
{
	struct sub_rec r;
	const char *w;
	MDB_val u;
	uint8_t uk[4];

	if (v->mv_size != sizeof(r))
		return why(d, "%zu bytes, a subscriber has %zu", v->mv_size,
			   sizeof(r));
	memcpy(&r, v->mv_data, sizeof(r));
	if (r.version != SUB_REC_VERSION)
		return why(d, "version %u", r.version);
	if ((w = field(d, "id", r.id, sizeof(r.id))))
		return w;
	if (strlen(r.id) != k->mv_size || memcmp(r.id, k->mv_data, k->mv_size))
		return why(d, "record says id '%s'", r.id);
	if ((w = field(d, "name", r.name, sizeof(r.name))) ||
	    (w = field(d, "phone", r.phone, sizeof(r.phone))) ||
	    (w = field(d, "email", r.email, sizeof(r.email))) ||
	    (w = field(d, "address", r.address, sizeof(r.address))) ||
	    (w = field(d, "nik", r.nik, sizeof(r.nik))) ||
	    (w = field(d, "plan", r.plan, sizeof(r.plan))) ||
	    (w = field(d, "notes", r.notes, sizeof(r.notes))) ||
	    (w = field(d, "hold_reason", r.hold_reason,
		       sizeof(r.hold_reason))) ||
	    (w = field(d, "link_token", r.link_token, sizeof(r.link_token))))
		return w;
	if (r.status > SUB_TERMINATED || r.cycle > CYCLE_ANNIVERSARY)
		return why(d, "status %u / cycle %u unknown", r.status,
			   r.cycle);
	if (r.plan[0] && !has(d, DB_PLANS, r.plan, strlen(r.plan), NULL))
		return why(d, "plan '%s' does not exist", r.plan);
	if (r.uid < 1)
		return "uid 0";
	be32_put(uk, r.uid);
	if (!has(d, DB_SUB_UID, uk, 4, &u))
		return why(d, "uid %u has no sub_uid entry", r.uid);
	if (u.mv_size && (u.mv_size != strlen(r.id) ||
			  memcmp(u.mv_data, r.id, u.mv_size)))
		return why(d, "uid %u belongs to '%.*s' in sub_uid", r.uid,
			   (int)u.mv_size, (const char *)u.mv_data);
	return NULL;
}

static const char *chk_sub_uid(struct deep *d, const MDB_val *k,
			       const MDB_val *v)
{
	char id[SUB_ID_MAX + 1];
	struct sub_rec r;
	MDB_val s;

	if (k->mv_size != 4)
		return "key is not a u32 uid";
	if (v->mv_size < 1 || v->mv_size > SUB_ID_MAX)
		return why(d, "subscriber id of %zu bytes", v->mv_size);
	memcpy(id, v->mv_data, v->mv_size);
	id[v->mv_size] = '\0';
	if (sub_exists(d, id))
		return d->why;
	if (has(d, DB_SUBS, id, strlen(id), &s) && s.mv_size == sizeof(r)) {
		memcpy(&r, s.mv_data, sizeof(r));
		if (r.uid != be32_get(k->mv_data))
			return why(d, "'%s' has uid %u", id, r.uid);
	}
	return NULL;
}

static const char *chk_prefix_key(struct deep *d, const MDB_val *k,
				  size_t extra)
{
	struct prefix p;

	if (k->mv_size != sizeof(p) + extra)
		return why(d, "key of %zu bytes", k->mv_size);
	memcpy(&p, k->mv_data, sizeof(p));
	if (!(p.family == 4 && p.len <= 32) && !(p.family == 6 && p.len <= 128))
		return why(d, "family %u / length %u", p.family, p.len);
	return NULL;
}

static const char *uid_exists(struct deep *d, uint32_t uid)
{
	uint8_t uk[4];

	be32_put(uk, uid);
	if (!has(d, DB_SUB_UID, uk, 4, NULL))
		return why(d, "uid %u is no subscriber's", uid);
	return NULL;
}

static const char *chk_prefix(struct deep *d, const MDB_val *k,
			      const MDB_val *v)
{
	struct prefix_owner o;

	if (chk_prefix_key(d, k, 0))
		return d->why;
	if (v->mv_size != sizeof(o))
		return why(d, "%zu bytes, an owner has %zu", v->mv_size,
			   sizeof(o));
	memcpy(&o, v->mv_data, sizeof(o));
	return uid_exists(d, o.uid);
}

static const char *chk_prefix_hist(struct deep *d, const MDB_val *k,
				   const MDB_val *v)
{
	struct prefix_span s;

	if (chk_prefix_key(d, k, 8))
		return d->why;
	if (v->mv_size != sizeof(s))
		return why(d, "%zu bytes, a span has %zu", v->mv_size,
			   sizeof(s));
	memcpy(&s, v->mv_data, sizeof(s));
	return uid_exists(d, s.uid);
}

static const char *chk_usage(struct deep *d, const MDB_val *k,
			     const MDB_val *v)
{
	if (k->mv_size != sizeof(struct usage_key))
		return why(d, "key of %zu bytes", k->mv_size);
	if (v->mv_size != sizeof(struct usage_val))
		return why(d, "%zu bytes, a bucket has %zu", v->mv_size,
			   sizeof(struct usage_val));
	return NULL;
}

static const char *chk_snap(struct deep *d, const MDB_val *k,
			    const MDB_val *v)
{
	if (k->mv_size != 4 || v->mv_size != sizeof(struct tagih_cnt))
		return why(d, "key %zu / value %zu bytes", k->mv_size,
			   v->mv_size);
	return NULL;
}

static const char *chk_usage_total(struct deep *d, const MDB_val *k,
				   const MDB_val *v)
{
	if (k->mv_size != 4 || v->mv_size != sizeof(struct usage_val))
		return why(d, "key %zu / value %zu bytes", k->mv_size,
			   v->mv_size);
	return NULL;
}

static const char *chk_plans(struct deep *d, const MDB_val *k,
			     const MDB_val *v)
{
	struct plan_rec p;
	const char *w;

	/* any layout from the first up to ours (plan_decode) */
	if (v->mv_size < PLAN_REC_V1_SIZE || v->mv_size > sizeof(p))
		return why(d, "%zu bytes, a plan has %zu to %zu", v->mv_size,
			   (size_t)PLAN_REC_V1_SIZE, sizeof(p));
	memset(&p, 0, sizeof(p));
	memcpy(&p, v->mv_data, v->mv_size);
	if (p.version < 1 || p.version > PLAN_REC_VERSION)
		return why(d, "version %u", p.version);
	if ((w = field(d, "name", p.name, sizeof(p.name))))
		return w;
	if (strlen(p.name) != k->mv_size || memcmp(p.name, k->mv_data,
						   k->mv_size))
		return why(d, "record says name '%s'", p.name);
	if (p.terms.type > PLAN_PREPAID)
		return why(d, "plan type %u", p.terms.type);
	return NULL;
}

static const char *chk_plan_hist(struct deep *d, const MDB_val *k,
				 const MDB_val *v)
{
	char id[SUB_ID_MAX + 1];
	const char *p = v->mv_data;

	if (key_sub(d, k, 4, id))
		return d->why;
	if (k->mv_size != strlen(id) + 5)
		return why(d, "key of %zu bytes", k->mv_size);
	if (!v->mv_size || p[v->mv_size - 1] ||
	    strlen(p) + 1 != v->mv_size)
		return "plan name not terminated";
	if (!has(d, DB_PLANS, p, strlen(p), NULL))
		return why(d, "plan '%s' does not exist", p);
	return NULL;
}

static const char *chk_addons(struct deep *d, const MDB_val *k,
			      const MDB_val *v)
{
	char id[SUB_ID_MAX + 1];
	struct addon_rec a;

	if (key_sub(d, k, 1, id))
		return d->why;
	if (v->mv_size != sizeof(a))
		return why(d, "%zu bytes, an add-on has %zu", v->mv_size,
			   sizeof(a));
	memcpy(&a, v->mv_data, sizeof(a));
	if (a.version != ADDON_REC_VERSION)
		return why(d, "version %u", a.version);
	return field(d, "product", a.product, sizeof(a.product));
}

static const char *chk_invoices(struct deep *d, const MDB_val *k,
				const MDB_val *v)
{
	static struct inv_rec inv;	/* 3 KiB: not on the stack */
	size_t hdr = inv_rec_size(0);
	const char *w;
	unsigned i;

	if (v->mv_size < hdr || v->mv_size > sizeof(inv) ||
	    (v->mv_size - hdr) % sizeof(struct inv_line))
		return why(d, "%zu bytes: not an invoice", v->mv_size);
	memcpy(&inv, v->mv_data, v->mv_size);
	if (inv.version != INV_REC_VERSION)
		return why(d, "version %u", inv.version);
	if (inv.nlines != (v->mv_size - hdr) / sizeof(struct inv_line))
		return why(d, "%u lines in %zu bytes", inv.nlines,
			   v->mv_size);
	if ((w = field(d, "number", inv.number, sizeof(inv.number))) ||
	    (w = field(d, "sub", inv.sub, sizeof(inv.sub))) ||
	    (w = field(d, "period", inv.period, sizeof(inv.period))) ||
	    (w = field(d, "void_reason", inv.void_reason,
		       sizeof(inv.void_reason))))
		return w;
	if (strlen(inv.number) != k->mv_size ||
	    memcmp(inv.number, k->mv_data, k->mv_size))
		return why(d, "record says number '%s'", inv.number);
	if (inv.status > INV_VOID || inv.tax_mode > TAX_NONE)
		return why(d, "status %u / tax mode %u unknown", inv.status,
			   inv.tax_mode);
	for (i = 0; i < inv.nlines; i++) {
		if (inv.lines[i].kind > LINE_DISCOUNT)
			return why(d, "line %u: kind %u", i,
				   inv.lines[i].kind);
		if ((inv.lines[i].amount < 0) !=
		    (inv.lines[i].kind == LINE_DISCOUNT &&
		     inv.lines[i].amount != 0))
			return why(d, "line %u: amount %lld for kind %u", i,
				   (long long)inv.lines[i].amount,
				   inv.lines[i].kind);
		if ((w = field(d, "line text", inv.lines[i].desc,
			       sizeof(inv.lines[i].desc))))
			return w;
	}
	return sub_exists(d, inv.sub);
}

static const char *chk_inv_sub(struct deep *d, const MDB_val *k,
			       const MDB_val *v)
{
	char id[SUB_ID_MAX + 1], num[INV_NUM_MAX];
	size_t n, m;

	if (key_sub(d, k, 5, id))
		return d->why;
	n = strlen(id) + 5;
	m = k->mv_size - n;
	if (!m || m >= sizeof(num))
		return "no invoice number in the key";
	if (v->mv_size)
		return why(d, "%zu bytes, an index entry has 0", v->mv_size);
	memcpy(num, (const char *)k->mv_data + n, m);
	num[m] = '\0';
	if (!has(d, DB_INVOICES, num, m, NULL))
		return why(d, "invoice %s does not exist", num);
	return NULL;
}

static const char *chk_inv_period(struct deep *d, const MDB_val *k,
				  const MDB_val *v)
{
	char id[SUB_ID_MAX + 1];
	const char *p = k->mv_data, *num = v->mv_data;
	MDB_val iv;

	if (k->mv_size < 9 || p[7] || p[4] != '-')
		return "key is not YYYY-MM, NUL, subscriber";
	if (k->mv_size - 8 > SUB_ID_MAX)
		return "subscriber id too long";
	memcpy(id, p + 8, k->mv_size - 8);
	id[k->mv_size - 8] = '\0';
	if (sub_exists(d, id))
		return d->why;
	if (!v->mv_size || v->mv_size > INV_NUM_MAX || num[v->mv_size - 1] ||
	    strlen(num) + 1 != v->mv_size)
		return "invoice number not terminated";
	if (!has(d, DB_INVOICES, num, strlen(num), &iv))
		return why(d, "invoice %s does not exist", num);
	/* (LMDB aligns values to 2 bytes only: no struct access in place) */
	if (iv.mv_size >= inv_rec_size(0) &&
	    strncmp((const char *)iv.mv_data + offsetof(struct inv_rec, sub),
		    id, SUB_ID_MAX + 1))
		return why(d, "invoice %s is another subscriber's", num);
	return NULL;
}

static const char *chk_payments(struct deep *d, const MDB_val *k,
				const MDB_val *v)
{
	struct pay_rec p;
	const char *w;
	unsigned i;

	if (v->mv_size < sizeof(p))
		return why(d, "%zu bytes: not a payment", v->mv_size);
	memcpy(&p, v->mv_data, sizeof(p));
	if (p.version != PAY_REC_VERSION)
		return why(d, "version %u", p.version);
	if (v->mv_size != sizeof(p) + p.raw_len)
		return why(d, "%zu bytes, the record says %zu", v->mv_size,
			   sizeof(p) + p.raw_len);
	if ((w = field(d, "ref", p.ref, sizeof(p.ref))) ||
	    (w = field(d, "sub", p.sub, sizeof(p.sub))) ||
	    (w = field(d, "actor", p.actor, sizeof(p.actor))))
		return w;
	if (strlen(p.ref) != k->mv_size || memcmp(p.ref, k->mv_data,
						  k->mv_size))
		return why(d, "record says ref '%s'", p.ref);
	if (!strcmp(pay_method_str(p.method), "?"))
		return why(d, "method %u unknown", p.method);
	if (p.nalloc > PAY_ALLOC_MAX)
		return why(d, "%u allocations", p.nalloc);
	for (i = 0; i < p.nalloc; i++)
		if ((w = field(d, "allocation", p.alloc[i].number,
			       sizeof(p.alloc[i].number))))
			return w;
	return sub_exists(d, p.sub);
}

static const char *chk_pay_sub(struct deep *d, const MDB_val *k,
			       const MDB_val *v)
{
	char id[SUB_ID_MAX + 1], ref[PAY_REF_MAX + 1];
	size_t n, m;

	if (key_sub(d, k, 9, id))
		return d->why;
	n = strlen(id) + 9;
	m = k->mv_size - n;
	if (!m || m > PAY_REF_MAX)
		return "no payment ref in the key";
	if (v->mv_size)
		return why(d, "%zu bytes, an index entry has 0", v->mv_size);
	memcpy(ref, (const char *)k->mv_data + n, m);
	ref[m] = '\0';
	if (!has(d, DB_PAYMENTS, ref, m, NULL))
		return why(d, "payment %s does not exist", ref);
	return NULL;
}

static const char *chk_audit(struct deep *d, const MDB_val *k,
			     const MDB_val *v)
{
	json_error_t jerr;
	json_t *e;

	if (k->mv_size != 12)
		return why(d, "key of %zu bytes", k->mv_size);
	e = json_loadb(v->mv_data, v->mv_size, 0, &jerr);
	if (!e)
		return why(d, "not JSON: %s", jerr.text);
	if (!json_is_object(e)) {
		json_decref(e);
		return "not a JSON object";
	}
	json_decref(e);
	return NULL;
}

static const char *chk_outbox(struct deep *d, const MDB_val *k,
			      const MDB_val *v)
{
	struct outbox_rec o;
	const char *w;

	if (k->mv_size != 8)
		return why(d, "key of %zu bytes", k->mv_size);
	if (v->mv_size != sizeof(o))
		return why(d, "%zu bytes, an event has %zu", v->mv_size,
			   sizeof(o));
	memcpy(&o, v->mv_data, sizeof(o));
	if (o.version != OUTBOX_REC_VERSION)
		return why(d, "version %u", o.version);
	if (o.id != be64_get(k->mv_data))
		return why(d, "record says id %llu",
			   (unsigned long long)o.id);
	if (!strcmp(outbox_event_str(o.event), "?") ||
	    !strcmp(outbox_channel_str(o.channel), "?") ||
	    o.status > OBX_FAILED)
		return why(d, "event %u / channel %u / status %u unknown",
			   o.event, o.channel, o.status);
	if ((w = field(d, "sub", o.sub, sizeof(o.sub))) ||
	    (w = field(d, "ref", o.ref, sizeof(o.ref))) ||
	    (w = field(d, "last_error", o.last_error, sizeof(o.last_error))))
		return w;
	return NULL;
}

static const char *chk_garden(struct deep *d, const MDB_val *k,
			      const MDB_val *v)
{
	if (chk_prefix_key(d, k, 0))
		return d->why;
	if (v->mv_size != 2)
		return why(d, "%zu bytes, a port has 2", v->mv_size);
	return NULL;
}

static const char *chk_webhooks(struct deep *d, const MDB_val *k,
				const MDB_val *v)
{
	const char *nl = memchr(v->mv_data, '\n', v->mv_size);
	json_error_t jerr;
	json_t *e;

	if (!memchr(k->mv_data, ':', k->mv_size))
		return "key is not gateway:transaction";
	if (!nl)
		return "no verdict line";
	e = json_loadb(v->mv_data, (size_t)(nl - (const char *)v->mv_data), 0,
		       &jerr);
	if (!e)
		return why(d, "verdict is not JSON: %s", jerr.text);
	json_decref(e);
	return NULL;
}

/*
 * The prepaid, pack, charge, voucher and user records: fixed layouts
 * whose readers accept a shorter, older record (missing fields read 0),
 * so a size from the version field up to ours, the version, enums, and
 * text fields NUL-terminated and valid.
 */
#define CHK_LAYOUT(d, v, rec, ver)					\
	do {								\
		if ((v)->mv_size < sizeof(uint32_t) ||			\
		    (v)->mv_size > sizeof(rec))				\
			return why(d, "%zu bytes, the record has %zu",	\
				   (v)->mv_size, sizeof(rec));		\
		memset(&(rec), 0, sizeof(rec));				\
		memcpy(&(rec), (v)->mv_data, (v)->mv_size);		\
		if ((rec).version < 1 || (rec).version > (ver))		\
			return why(d, "version %u", (rec).version);	\
	} while (0)

static const char *chk_prepaid(struct deep *d, const MDB_val *k,
			       const MDB_val *v)
{
	char id[SUB_ID_MAX + 1];
	struct prepaid_rec r;

	if (!k->mv_size || k->mv_size > SUB_ID_MAX)
		return why(d, "key of %zu bytes is no subscriber id",
			   k->mv_size);
	memcpy(id, k->mv_data, k->mv_size);
	id[k->mv_size] = '\0';
	if (store_name_check(id, SUB_ID_MAX))
		return "key is no subscriber id";
	CHK_LAYOUT(d, v, r, PREPAID_REC_VERSION);
	if (r.expires < 0)
		return why(d, "masa aktif ends at %lld", (long long)r.expires);
	return NULL;
}

static const char *chk_packs(struct deep *d, const MDB_val *k,
			     const MDB_val *v)
{
	struct pack_rec r;
	const char *w;

	CHK_LAYOUT(d, v, r, PACK_REC_VERSION);
	if ((w = field(d, "name", r.name, sizeof(r.name))))
		return w;
	if (strlen(r.name) != k->mv_size ||
	    memcmp(r.name, k->mv_data, k->mv_size))
		return why(d, "record says name '%s'", r.name);
	if (!r.bytes || r.price <= 0)
		return why(d, "%llu bytes for Rp %lld",
			   (unsigned long long)r.bytes, (long long)r.price);
	return NULL;
}

static const char *chk_quota(struct deep *d, const MDB_val *k,
			     const MDB_val *v)
{
	struct quota_rec r;

	if (k->mv_size != 4)
		return why(d, "key of %zu bytes, a uid has 4", k->mv_size);
	CHK_LAYOUT(d, v, r, QUOTA_REC_VERSION);
	if (r.state > QUOTA_EXHAUSTED)
		return why(d, "state %u", r.state);
	return NULL;
}

static const char *chk_charges(struct deep *d, const MDB_val *k,
			       const MDB_val *v)
{
	struct charge_rec r;
	const char *w;

	if (k->mv_size < 10)
		return why(d, "key of %zu bytes", k->mv_size);
	CHK_LAYOUT(d, v, r, CHARGE_REC_VERSION);
	if ((w = field(d, "desc", r.desc, sizeof(r.desc))))
		return w;
	if (r.amount < 0 || r.bp < 0 || r.bp > 10000)
		return why(d, "amount %lld, percent %lld bp",
			   (long long)r.amount, (long long)r.bp);
	return NULL;
}

static const char *chk_vouchers(struct deep *d, const MDB_val *k,
				const MDB_val *v)
{
	struct voucher_rec r;
	const char *w;

	if (k->mv_size != 32)
		return why(d, "key of %zu bytes, a SHA-256 has 32",
			   k->mv_size);
	CHK_LAYOUT(d, v, r, VOUCHER_REC_VERSION);
	if (memcmp(r.hash, k->mv_data, 32))
		return "record's hash is not its key";
	if ((w = field(d, "name", r.name, sizeof(r.name))) ||
	    (w = field(d, "reseller", r.reseller, sizeof(r.reseller))) ||
	    (w = field(d, "sub", r.sub, sizeof(r.sub))))
		return w;
	if (r.price < 0)
		return why(d, "face value %lld", (long long)r.price);
	return NULL;
}

static const char *chk_users(struct deep *d, const MDB_val *k,
			     const MDB_val *v)
{
	struct user_rec r;
	const char *w;

	CHK_LAYOUT(d, v, r, USER_REC_VERSION);
	if ((w = field(d, "name", r.name, sizeof(r.name))) ||
	    (w = field(d, "pwhash", r.pwhash, sizeof(r.pwhash))))
		return w;
	if (strlen(r.name) != k->mv_size ||
	    memcmp(r.name, k->mv_data, k->mv_size))
		return why(d, "record says name '%s'", r.name);
	if (r.role >= ROLE__MAX)
		return why(d, "role %u", r.role);
	return NULL;
}

typedef const char *(*deep_chk)(struct deep *d, const MDB_val *k,
				const MDB_val *v);

/* One decoder per table; a table added without one is only walked
 * (checksum, order, lookup, count). */
static const deep_chk deep_chks[DB__MAX] = {
	[DB_META] = chk_meta,
	[DB_SUBS] = chk_subs,
	[DB_SUB_UID] = chk_sub_uid,
	[DB_PREFIX] = chk_prefix,
	[DB_PREFIX_HIST] = chk_prefix_hist,
	[DB_USAGE_HOUR] = chk_usage,
	[DB_USAGE_DAY] = chk_usage,
	[DB_SNAP] = chk_snap,
	[DB_PLANS] = chk_plans,
	[DB_PLAN_HIST] = chk_plan_hist,
	[DB_ADDONS] = chk_addons,
	[DB_INVOICES] = chk_invoices,
	[DB_INV_SUB] = chk_inv_sub,
	[DB_INV_PERIOD] = chk_inv_period,
	[DB_PAYMENTS] = chk_payments,
	[DB_PAY_SUB] = chk_pay_sub,
	[DB_AUDIT] = chk_audit,
	[DB_OUTBOX] = chk_outbox,
	[DB_GARDEN] = chk_garden,
	[DB_WEBHOOKS] = chk_webhooks,
	[DB_PREPAID] = chk_prepaid,
	[DB_PACKS] = chk_packs,
	[DB_QUOTA] = chk_quota,
	[DB_CHARGES] = chk_charges,
	[DB_VOUCHERS] = chk_vouchers,
	[DB_USERS] = chk_users,
	[DB_USAGE_TOTAL] = chk_usage_total,
};

/* LMDB's default order: bytes, then length. */
static int key_cmp(const MDB_val *a, const uint8_t *b, size_t bn)
{
	size_t n = a->mv_size < bn ? a->mv_size : bn;
	int c = memcmp(a->mv_data, b, n);

	return c ? c : (a->mv_size > bn) - (a->mv_size < bn);
}

static int deep_table(struct deep *d)
{
	uint8_t prev[512];
	size_t plen = 0;
	bool first = true;
	uint64_t n = 0;
	MDB_cursor *cur;
	MDB_stat ms;
	MDB_val k, v, again;
	const char *w;
	int rc, err;

	/* its pages first, from the file: LMDB would follow a damaged
	 * branch page out of the file */
	if (store_tree_check(d->st, d->txn, d->db, d->why, sizeof(d->why))) {
		deep_bad(d, NULL, "its pages are damaged: %s; its records "
			 "are not read", d->why);
		return 0;
	}
	err = store_cursor_open(d->txn, d->st, d->db, &cur);
	if (err)
		return err;
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST);
	     !rc || rc == -EBADMSG;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		n++;
		d->r->records++;
		if (!first && key_cmp(&k, prev, plen) <= 0)
			deep_bad(d, &k, "out of order (a damaged page)");
		first = false;
		plen = k.mv_size < sizeof(prev) ? k.mv_size : sizeof(prev);
		memcpy(prev, k.mv_data, plen);
		if (rc == -EBADMSG) {
			deep_bad(d, &k, "fails its checksum (flipped bytes)");
			continue;
		}
		/* found by its key too: the branch pages lead to it */
		err = store_get(d->txn, d->st, d->db, k.mv_data, k.mv_size,
				&again);
		if (err || again.mv_data != v.mv_data) {
			deep_bad(d, &k, "not found by its key (a damaged "
				 "branch page)");
			continue;
		}
		w = deep_chks[d->db] ? deep_chks[d->db](d, &k, &v) : NULL;
		if (w)
			deep_bad(d, &k, "%s", w);
	}
	mdb_cursor_close(cur);
	if (rc != -ENOENT) {
		deep_bad(d, NULL, "the walk stopped after %llu records: %s",
			 (unsigned long long)n, strerror(-rc));
		return 0;
	}
	if (!mdb_stat(d->txn, store_dbi(d->st, d->db), &ms) &&
	    ms.ms_entries != n)
		deep_bad(d, NULL, "%llu records walked, the table says %zu",
			 (unsigned long long)n, ms.ms_entries);
	d->r->tables++;
	return 0;
}

int fsck_deep(MDB_txn *txn, struct store *st, FILE *out,
	      struct fsck_deep_report *r)
{
	struct deep d = { .txn = txn, .st = st, .out = out, .r = r };
	char msg[256];
	uint64_t stamp;
	int err, i;

	memset(r, 0, sizeof(*r));
	if (!store_framed(st)) {
		if (out)
			fprintf(out, "fsck --deep: %s is of format %u, without "
				"record checksums: run `tagih init --upgrade`\n",
				store_path(st), store_format(st));
		r->bad++;
	}
	store_set_quiet(st, true);
	/* the meta pages: written alternately, so their txn ids are
	 * consecutive, even in page 0 and odd in page 1 */
	if (store_meta_pages_check(st, msg, sizeof(msg))) {
		d.db = DB_META;
		r->bad++;
		if (out)
			fprintf(out, "fsck --deep: %s/data.mdb: %s\n",
				store_path(st), msg);
	}
	for (i = 0; i < DB__MAX; i++) {
		d.db = (enum store_db)i;
		d.shown = 0;
		err = deep_table(&d);
		if (err)
			goto out;
	}
	/* every commit stamps its txn id: a tree that is not the one its
	 * meta page names (a compacted copy starts again at 1) */
	err = store_meta_get_u64(txn, st, STORE_TXN_KEY, &stamp);
	if (!err && store_framed(st) && mdb_txn_id(txn) > 1 &&
	    stamp != (uint64_t)mdb_txn_id(txn)) {
		r->bad++;
		if (out)
			fprintf(out, "fsck --deep: %s/data.mdb: the tree is "
				"of transaction %llu but its meta page says "
				"%zu (a damaged meta page)\n", store_path(st),
				(unsigned long long)stamp, mdb_txn_id(txn));
	}
	err = err == -EBADMSG ? 0 : err;
out:
	store_set_quiet(st, false);
	return err;
}
