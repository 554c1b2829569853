// SPDX-License-Identifier: GPL-2.0
/* http.c - libmicrohttpd handlers for /v1/subscribers/ID/usage, /v1/usage, /metrics, /healthz. */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <jansson.h>
#include <microhttpd.h>

#include "agent/http.h"
#include "lib/log.h"
#include "lib/mhd.h"
#include "lib/net.h"
#include "billing/sub.h"
#include "lib/ttime.h"
#include "billing/usage.h"

#define HTTP_TIMEOUT_S	10
#define HTTP_THREADS	4	/* bounds LMDB reader slots too */
#define HTTP_MAX_CONN	256

struct http {
	struct MHD_Daemon *d;
	struct http_opts o;
};

/* --- query parameters ------------------------------------------------------ */

struct range {
	int64_t from, to;
	bool has_from, has_to;
	bool has_step;
	enum usage_step step;
};

/* Returns 0, or -EINVAL with *detail set. */
static int parse_range(struct MHD_Connection *c, struct range *r,
		       bool allow_step, const char **detail)
{
	const char *from, *to, *step;

	r->from = INT64_MIN;
	r->to = INT64_MAX;
	r->has_from = r->has_to = r->has_step = false;
	from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
	to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
	step = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "step");
	if (from) {
		if (tt_parse_time(from, &r->from)) {
			*detail = "from: not an ISO 8601 time (2026-11-01, "
				  "2026-11-01T10:00, ...Z or +07:00)";
			return -EINVAL;
		}
		r->has_from = true;
	}
	if (to) {
		if (tt_parse_time(to, &r->to)) {
			*detail = "to: not an ISO 8601 time (2026-11-01, "
				  "2026-11-01T10:00, ...Z or +07:00)";
			return -EINVAL;
		}
		r->has_to = true;
	}
	if (r->from > r->to) {
		*detail = "from is after to";
		return -EINVAL;
	}
	if (step) {
		if (!allow_step) {
			*detail = "step is only for /v1/subscribers/ID/usage";
			return -EINVAL;
		}
		if (!strcmp(step, "hour")) {
			r->step = USAGE_STEP_HOUR;
		} else if (!strcmp(step, "day")) {
			r->step = USAGE_STEP_DAY;
		} else {
			*detail = "step must be hour or day";
			return -EINVAL;
		}
		r->has_step = true;
	}
	return 0;
}

static void put_usage(json_t *o, const struct usage_val *v)
{
	json_object_set_new(o, "up_bytes", json_integer(v->up_bytes));
	json_object_set_new(o, "down_bytes", json_integer(v->down_bytes));
	json_object_set_new(o, "up_packets", json_integer(v->up_pkts));
	json_object_set_new(o, "down_packets", json_integer(v->down_pkts));
}

static json_t *json_time(bool has, int64_t t)
{
	char buf[48];

	if (!has)
		return json_null();
	return json_string(tt_fmt_time_local(t, buf, sizeof(buf)));
}

/* --- GET /v1/subscribers/{id}/usage ---------------------------------------- */

static int bucket_cb(int64_t start, const struct usage_val *v, void *ctx)
{
	json_t *arr = ctx, *b;
	char buf[48];

	b = json_pack("{s:s}", "start", tt_fmt_time_local(start, buf,
							  sizeof(buf)));
	if (!b)
		return -ENOMEM;
	put_usage(b, v);
	return json_array_append_new(arr, b) ? -ENOMEM : 0;
}

static enum MHD_Result h_sub_usage(struct http *h, struct MHD_Connection *c,
				   const char *id)
{
	const char *detail = NULL;
	struct usage_val sum;
	struct sub_rec rec;
	struct range r;
	json_t *j = NULL, *arr;
	MDB_txn *txn;
	int err;

	if (sub_id_check(id))
		return mhd_error(c, MHD_HTTP_BAD_REQUEST, "bad subscriber id",
				 "ids are 1..32 characters of A-Z a-z 0-9 . _ -");
	if (parse_range(c, &r, true, &detail))
		return mhd_error(c, MHD_HTTP_BAD_REQUEST, "bad parameter",
				 detail);
	err = store_begin(h->o.st, false, &txn);
	if (err)
		return mhd_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "store",
				 strerror(-err));
	err = sub_get(txn, h->o.st, id, &rec);
	if (err == -ENOENT) {
		store_abort(txn);
		return mhd_error(c, MHD_HTTP_NOT_FOUND, "unknown subscriber",
				 id);
	}
	if (!err && !r.has_from && !r.has_to)
		err = usage_total(txn, h->o.st, rec.uid, &sum);
	else if (!err)
		err = usage_sum(txn, h->o.st, rec.uid, r.from, r.to, &sum);
	if (err)
		goto fail;
	j = json_pack("{s:s}", "subscriber", rec.id);
	if (!j) {
		err = -ENOMEM;
		goto fail;
	}
	put_usage(j, &sum);
	if (r.has_step) {
		arr = json_array();
		json_object_set_new(j, "buckets", arr);
		err = usage_foreach_bucket(txn, h->o.st, rec.uid, r.from, r.to,
					   r.step, bucket_cb, arr);
		if (err)
			goto fail;
	}
	store_abort(txn);
	return mhd_json(c, MHD_HTTP_OK, j);
fail:
	store_abort(txn);
	json_decref(j);
	return mhd_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "store",
			 strerror(err < 0 ? -err : EIO));
}

/* --- GET /v1/usage ------------------------------------------------------------ */

struct all_ctx {
	struct http *h;
	MDB_txn *txn;
	struct range r;
	json_t *arr;
	int err;
};

static int all_cb(const struct sub_rec *rec, void *ctx)
{
	struct all_ctx *a = ctx;
	struct usage_val sum;
	json_t *o;
	int err;

	if (!a->r.has_from && !a->r.has_to)
		err = usage_total(a->txn, a->h->o.st, rec->uid, &sum);
	else
		err = usage_sum(a->txn, a->h->o.st, rec->uid, a->r.from,
				a->r.to, &sum);
	if (err) {
		a->err = err;
		return 1;
	}
	o = json_pack("{s:s}", "subscriber", rec->id);
	if (!o) {
		a->err = -ENOMEM;
		return 1;
	}
	put_usage(o, &sum);
	json_array_append_new(a->arr, o);
	return 0;
}

static enum MHD_Result h_all_usage(struct http *h, struct MHD_Connection *c)
{
	struct all_ctx a = { .h = h };
	const char *detail = NULL;
	json_t *j;
	int err;

	if (parse_range(c, &a.r, false, &detail))
		return mhd_error(c, MHD_HTTP_BAD_REQUEST, "bad parameter",
				 detail);
	err = store_begin(h->o.st, false, &a.txn);
	if (err)
		return mhd_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "store",
				 strerror(-err));
	a.arr = json_array();
	err = sub_foreach(a.txn, h->o.st, all_cb, &a);
	store_abort(a.txn);
	if (a.err)
		err = a.err;
	if (err < 0) {
		json_decref(a.arr);
		return mhd_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "store",
				 strerror(-err));
	}
	j = json_pack("{s:o, s:o, s:o}", "from",
		      json_time(a.r.has_from, a.r.from), "to",
		      json_time(a.r.has_to, a.r.to), "subscribers", a.arr);
	return mhd_json(c, MHD_HTTP_OK, j);
}

/* --- GET /metrics ------------------------------------------------------------- */

/* One subscriber's line data, collected in one walk of the store. */
struct met_row {
	char id[SUB_ID_MAX + 1];
	struct usage_val v;
};

struct met_ctx {
	struct http *h;
	MDB_txn *txn;
	struct met_row *rows;
	size_t n, cap;
	uint64_t subs;
	int err;
};

/*
 * One get of the running total per subscriber; the rows are printed
 * family by family afterwards (Prometheus wants each family's lines
 * together), so the store is read once and the text written once.
 */
static int met_cb(const struct sub_rec *rec, void *ctx)
{
	struct met_ctx *m = ctx;
	struct met_row *r;
	int err;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;

		r = realloc(m->rows, cap * sizeof(*r));
		if (!r) {
			m->err = -ENOMEM;
			return 1;
		}
		m->rows = r;
		m->cap = cap;
	}
	r = &m->rows[m->n];
	err = usage_total(m->txn, m->h->o.st, rec->uid, &r->v);
	if (err) {
		m->err = err;
		return 1;
	}
	snprintf(r->id, sizeof(r->id), "%s", rec->id);
	m->n++;
	m->subs++;
	return 0;
}

static void met_print(FILE *f, const struct met_row *rows, size_t n)
{
	size_t i;

	fputs("# HELP tagih_subscriber_bytes_total Billed IP bytes per "
	      "subscriber (drained into the store).\n"
	      "# TYPE tagih_subscriber_bytes_total counter\n", f);
	for (i = 0; i < n; i++)
		fprintf(f,
			"tagih_subscriber_bytes_total{subscriber=\"%s\","
			"direction=\"up\"} %llu\n"
			"tagih_subscriber_bytes_total{subscriber=\"%s\","
			"direction=\"down\"} %llu\n",
			rows[i].id, (unsigned long long)rows[i].v.up_bytes,
			rows[i].id, (unsigned long long)rows[i].v.down_bytes);
	fputs("# HELP tagih_subscriber_packets_total Billed packets per "
	      "subscriber.\n"
	      "# TYPE tagih_subscriber_packets_total counter\n", f);
	for (i = 0; i < n; i++)
		fprintf(f,
			"tagih_subscriber_packets_total{subscriber=\"%s\","
			"direction=\"up\"} %llu\n"
			"tagih_subscriber_packets_total{subscriber=\"%s\","
			"direction=\"down\"} %llu\n",
			rows[i].id, (unsigned long long)rows[i].v.up_pkts,
			rows[i].id, (unsigned long long)rows[i].v.down_pkts);
	fputs("# HELP tagih_dropped_bytes_total Bytes dropped by isolir, "
	      "never billed.\n"
	      "# TYPE tagih_dropped_bytes_total counter\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "tagih_dropped_bytes_total{subscriber=\"%s\"} %llu\n",
			rows[i].id, (unsigned long long)rows[i].v.drop_bytes);
}

static enum MHD_Result h_metrics(struct http *h, struct MHD_Connection *c)
{
	struct met_ctx m = { .h = h };
	struct http_stats s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err, i;

	memset(&s, 0, sizeof(s));
	if (h->o.stats)
		h->o.stats(&s, h->o.arg);
	f = open_memstream(&buf, &len);
	if (!f)
		return MHD_NO;
	err = store_begin(h->o.st, false, &m.txn);
	if (!err) {
		err = sub_foreach(m.txn, h->o.st, met_cb, &m);
		if (m.err)
			err = m.err;
		store_abort(m.txn);
	}
	if (err >= 0)
		met_print(f, m.rows, m.n);
	free(m.rows);
	if (err < 0)
		goto fail;

	if (s.have_gstat) {
		fprintf(f,
			"# HELP tagih_unknown_bytes_total IP bytes from/to no "
			"known subscriber.\n"
			"# TYPE tagih_unknown_bytes_total counter\n"
			"tagih_unknown_bytes_total{direction=\"up\"} %llu\n"
			"tagih_unknown_bytes_total{direction=\"down\"} %llu\n"
			"# HELP tagih_not_metered_packets_total Non-IP, "
			"truncated or odd frames passed unmetered.\n"
			"# TYPE tagih_not_metered_packets_total counter\n"
			"tagih_not_metered_packets_total %llu\n"
			"# HELP tagih_bad_uid_packets_total Packets whose "
			"prefix points past the counter map.\n"
			"# TYPE tagih_bad_uid_packets_total counter\n"
			"tagih_bad_uid_packets_total %llu\n"
			"# HELP tagih_ppp_control_packets_total PPPoE "
			"discovery and PPP control (LCP, PAP, CHAP, IPCP, "
			"IPV6CP) frames passed, never billed.\n"
			"# TYPE tagih_ppp_control_packets_total counter\n"
			"tagih_ppp_control_packets_total %llu\n",
			(unsigned long long)s.gstat[TAGIH_G_UNKNOWN_UP].bytes,
			(unsigned long long)s.gstat[TAGIH_G_UNKNOWN_DOWN].bytes,
			(unsigned long long)s.gstat[TAGIH_G_NOT_METERED].pkts,
			(unsigned long long)s.gstat[TAGIH_G_BAD_UID].pkts,
			(unsigned long long)s.gstat[TAGIH_G_PPP_CTRL].pkts);
	}
	if (s.have_shape) {
		static const char *const ss[TAGIH_SS_MAX] = {
			[TAGIH_SS_PASS] = "now", [TAGIH_SS_DELAY] = "paced",
			[TAGIH_SS_DROP] = "dropped", [TAGIH_SS_FREE] = "free",
			[TAGIH_SS_UNKNOWN] = "unknown",
			[TAGIH_SS_MARK] = "marked", [TAGIH_SS_ACK] = "ack",
		};

		fprintf(f,
			"# HELP tagih_shape_subscribers Subscribers with a "
			"rate (mode: edt or htb).\n"
			"# TYPE tagih_shape_subscribers gauge\n"
			"tagih_shape_subscribers{mode=\"%s\"} %llu\n"
			"# HELP tagih_shape_fup_subscribers Subscribers at "
			"their FUP rate.\n"
			"# TYPE tagih_shape_fup_subscribers gauge\n"
			"tagih_shape_fup_subscribers %llu\n"
			"# HELP tagih_shape_fup_reached_total FUP crossings "
			"recorded by this agent.\n"
			"# TYPE tagih_shape_fup_reached_total counter\n"
			"tagih_shape_fup_reached_total %llu\n"
			"# HELP tagih_shape_packets_total Packets seen by the "
			"shaper, by what it did (dropped: beyond the horizon).\n"
			"# TYPE tagih_shape_packets_total counter\n",
			s.shape_mode, (unsigned long long)s.shape_subs,
			(unsigned long long)s.shape_fup_active,
			(unsigned long long)s.shape_fup_reached);
		for (i = 0; i < TAGIH_SS_MAX; i++)
			fprintf(f, "tagih_shape_packets_total{what=\"%s\"} "
				"%llu\n", ss[i],
				(unsigned long long)s.sstat[i].pkts);
	}
	fputs("# HELP tagih_map_entries Entries in each XDP map (cnt: "
	      "subscribers; policy: in isolir).\n"
	      "# TYPE tagih_map_entries gauge\n", f);
	for (i = 0; i < s.nmaps; i++)
		if (s.maps[i].entries >= 0)
			fprintf(f, "tagih_map_entries{map=\"%s\"} %lld\n",
				s.maps[i].name,
				(long long)(!strcmp(s.maps[i].name, "tagih_cnt") ?
						    (int64_t)m.subs :
						    s.maps[i].entries));
	fputs("# HELP tagih_map_max_entries Size of each XDP map.\n"
	      "# TYPE tagih_map_max_entries gauge\n", f);
	for (i = 0; i < s.nmaps; i++)
		fprintf(f, "tagih_map_max_entries{map=\"%s\"} %u\n",
			s.maps[i].name, s.maps[i].max_entries);
	fprintf(f,
		"# HELP tagih_map_full_total Entries that did not fit a full "
		"map.\n"
		"# TYPE tagih_map_full_total counter\n"
		"tagih_map_full_total %llu\n"
		"# HELP tagih_drain_duration_seconds Duration of the last "
		"drain.\n"
		"# TYPE tagih_drain_duration_seconds gauge\n"
		"tagih_drain_duration_seconds %.6f\n"
		"# HELP tagih_last_drain_timestamp_seconds Time of the last "
		"good drain.\n"
		"# TYPE tagih_last_drain_timestamp_seconds gauge\n"
		"tagih_last_drain_timestamp_seconds %lld\n"
		"# HELP tagih_drains_total Good drains.\n"
		"# TYPE tagih_drains_total counter\n"
		"tagih_drains_total %llu\n"
		"# HELP tagih_drain_errors_total Failed drains (retried, "
		"nothing lost).\n"
		"# TYPE tagih_drain_errors_total counter\n"
		"tagih_drain_errors_total %llu\n",
		(unsigned long long)s.sync_full, s.last_drain_ns / 1e9,
		(long long)s.last_drain, (unsigned long long)s.drains,
		(unsigned long long)s.drain_errors);
	if (s.learn_on) {
		const struct learn_stats *l = &s.learn;

		fprintf(f,
			"# HELP tagih_learn_frames_total PPPoE/PPP control and "
			"DHCP frames the meter copied for address learning.\n"
			"# TYPE tagih_learn_frames_total counter\n"
			"tagih_learn_frames_total %llu\n"
			"# HELP tagih_learn_lost_total Copies lost: the ring "
			"buffer was full.\n"
			"# TYPE tagih_learn_lost_total counter\n"
			"tagih_learn_lost_total %llu\n"
			"# HELP tagih_learn_events_total What learning did: "
			"bindings made and ended, frames of nobody known, "
			"refused (static address), malformed.\n"
			"# TYPE tagih_learn_events_total counter\n"
			"tagih_learn_events_total{event=\"bound\"} %llu\n"
			"tagih_learn_events_total{event=\"ended\"} %llu\n"
			"tagih_learn_events_total{event=\"unknown\"} %llu\n"
			"tagih_learn_events_total{event=\"refused\"} %llu\n"
			"tagih_learn_events_total{event=\"malformed\"} %llu\n",
			(unsigned long long)l->frames,
			(unsigned long long)(s.have_gstat ?
				s.gstat[TAGIH_G_LEARN_LOST].pkts : 0),
			(unsigned long long)l->bound,
			(unsigned long long)l->ended,
			(unsigned long long)l->unknown,
			(unsigned long long)l->refused,
			(unsigned long long)l->malformed);
	}
	if (s.radius.on) {
		const struct radius_stats *r = &s.radius;

		fprintf(f,
			"# HELP tagih_radius_requests_total RADIUS accounting "
			"datagrams by outcome (answered, bad_auth: forged or "
			"wrong secret, ignored).\n"
			"# TYPE tagih_radius_requests_total counter\n"
			"tagih_radius_requests_total{result=\"received\"} %llu\n"
			"tagih_radius_requests_total{result=\"answered\"} %llu\n"
			"tagih_radius_requests_total{result=\"duplicate\"} %llu\n"
			"tagih_radius_requests_total{result=\"malformed\"} %llu\n"
			"tagih_radius_requests_total{result=\"bad_auth\"} %llu\n"
			"tagih_radius_requests_total{result=\"unknown_client\"} %llu\n"
			"tagih_radius_requests_total{result=\"store_error\"} %llu\n"
			"# HELP tagih_radius_unknown_users_total Requests whose "
			"User-Name is no subscriber's --pppoe-user (tagih "
			"address unknown).\n"
			"# TYPE tagih_radius_unknown_users_total counter\n"
			"tagih_radius_unknown_users_total %llu\n"
			"# HELP tagih_radius_bindings_total Address bindings made "
			"and ended by RADIUS, and refused (a static address of "
			"another subscriber).\n"
			"# TYPE tagih_radius_bindings_total counter\n"
			"tagih_radius_bindings_total{event=\"bound\"} %llu\n"
			"tagih_radius_bindings_total{event=\"ended\"} %llu\n"
			"tagih_radius_bindings_total{event=\"refused\"} %llu\n",
			(unsigned long long)r->requests,
			(unsigned long long)r->answered,
			(unsigned long long)r->duplicates,
			(unsigned long long)r->malformed,
			(unsigned long long)r->bad_auth,
			(unsigned long long)r->unknown_client,
			(unsigned long long)r->store_errors,
			(unsigned long long)r->unknown_user,
			(unsigned long long)r->bound,
			(unsigned long long)r->ended,
			(unsigned long long)r->refused);
	}
	fclose(f);
	return mhd_reply_take(c, MHD_HTTP_OK, "text/plain; version=0.0.4", buf,
			      len, NULL);
fail:
	fclose(f);
	free(buf);
	return mhd_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "store",
			 strerror(err < 0 ? -err : EIO));
}

/* --- GET /healthz ------------------------------------------------------------- */

static enum MHD_Result h_health(struct http *h, struct MHD_Connection *c)
{
	struct http_stats s;

	memset(&s, 0, sizeof(s));
	if (h->o.stats)
		h->o.stats(&s, h->o.arg);
	return mhd_json(c, MHD_HTTP_OK,
			json_pack("{s:s, s:o, s:I, s:I}", "status", "ok",
				  "last_drain",
				  json_time(s.last_drain != 0, s.last_drain),
				  "drains", (json_int_t)s.drains,
				  "drain_errors", (json_int_t)s.drain_errors));
}

/* --- routing ------------------------------------------------------------------- */

static enum MHD_Result route(void *cls, struct MHD_Connection *c,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_size, void **req_cls)
{
	static int first_call;
	struct http *h = cls;
	const char *p;
	char id[SUB_ID_MAX + 2];
	size_t n;

	if (!*req_cls) {	/* headers only: wait for the body (if any) */
		*req_cls = &first_call;
		return MHD_YES;
	}
	if (*upload_size) {	/* a body we never read: discard it */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return mhd_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				 "method not allowed",
				 "this endpoint is read-only: use GET");
	if (!strcmp(url, "/healthz"))
		return h_health(h, c);
	if (!strcmp(url, "/metrics"))
		return h_metrics(h, c);
	if (!strcmp(url, "/v1/usage"))
		return h_all_usage(h, c);
	if (!strncmp(url, "/v1/subscribers/", 16)) {
		p = url + 16;
		n = strcspn(p, "/");
		if (!strcmp(p + n, "/usage")) {
			if (n == 0 || n > SUB_ID_MAX)
				return mhd_error(c, MHD_HTTP_BAD_REQUEST,
						 "bad subscriber id",
						 "ids are 1..32 characters of "
						 "A-Z a-z 0-9 . _ -");
			memcpy(id, p, n);
			id[n] = '\0';
			return h_sub_usage(h, c, id);
		}
	}
	return mhd_error(c, MHD_HTTP_NOT_FOUND, "not found",
			 "endpoints: /v1/subscribers/ID/usage, /v1/usage, "
			 "/metrics, /healthz");
}

int http_start(struct http **hp, const char *listen,
	       const struct http_opts *o)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG;
	char why[NET_ERR_LEN];
	struct http *h;
	socklen_t len;

	*hp = NULL;
	if (!listen || !*listen)
		listen = HTTP_DEF_LISTEN;
	if (net_parse(listen, &ss, &len, why, sizeof(why))) {
		pr_warn("listen: %s", why);
		return -EINVAL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->o = *o;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, route, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)HTTP_TIMEOUT_S,
				MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned)HTTP_THREADS,
				MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)HTTP_MAX_CONN, MHD_OPTION_END);
	if (!h->d) {
		pr_warn("listen: cannot serve on %s (address in use?)",
			listen);
		free(h);
		return -EADDRINUSE;
	}
	pr_info("serving stats on http://%s/", listen);
	*hp = h;
	return 0;
}

void http_stop(struct http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
