// SPDX-License-Identifier: GPL-2.0
/* cmd_usage.c - `tagih usage`: a subscriber's metered usage; CSV import. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/billcli.h"
#include "tools/cli.h"
#include "billing/sub.h"
#include "lib/ttime.h"
#include "billing/usage.h"

#define CSV_HEADER "subscriber,start,up_bytes,down_bytes"

struct show_ctx {
	json_t *arr;
	enum usage_step step;
};

static void print_val(const char *label, const struct usage_val *v)
{
	char a[32], b[32];

	printf("%-26s up %15llu B (%10s)   down %15llu B (%10s)\n", label,
	       (unsigned long long)v->up_bytes,
	       cli_fmt_bytes(v->up_bytes, a, sizeof(a)),
	       (unsigned long long)v->down_bytes,
	       cli_fmt_bytes(v->down_bytes, b, sizeof(b)));
}

static json_t *val_json(const struct usage_val *v)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "up_bytes",
			 (json_int_t)v->up_bytes, "down_bytes",
			 (json_int_t)v->down_bytes, "up_pkts",
			 (json_int_t)v->up_pkts, "down_pkts",
			 (json_int_t)v->down_pkts, "drop_bytes",
			 (json_int_t)v->drop_bytes, "drop_pkts",
			 (json_int_t)v->drop_pkts);
}

static int show_bucket(int64_t start, const struct usage_val *v, void *ctx)
{
	struct show_ctx *s = ctx;
	char t[40];

	if (s->step == USAGE_STEP_DAY)
		tt_fmt_date(tt_local_day(start), t, sizeof(t));
	else
		tt_fmt_time_local(start, t, sizeof(t));
	if (s->arr) {
		json_t *o = val_json(v);

		json_object_set_new(o, "start", json_string(t));
		json_object_set_new(o, "start_unix", json_integer(start));
		json_array_append_new(s->arr, o);
		return 0;
	}
	print_val(t, v);
	return 0;
}

enum { U_FROM, U_TO, U_STEP };
static const struct cli_opt show_opts[] = {
	[U_FROM] = { "from", CLI_TIME, NULL, "start of the range (default all)" },
	[U_TO] = { "to", CLI_TIME, NULL, "end of the range, not included" },
	[U_STEP] = { "step", CLI_CHOICE, NULL, "one line per hour or day",
		     .choices = "hour|day" },
	{}
};

static int usage_show(struct cli *c, struct cli_args *args)
{
	int64_t from = args->o[U_FROM].n ? args->o[U_FROM].t : INT64_MIN;
	int64_t to = args->o[U_TO].n ? args->o[U_TO].t : INT64_MAX;
	struct show_ctx s = { 0 };
	bool step = args->o[U_STEP].n;
	struct usage_val tot;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	json_t *j = NULL;
	char a[40], b[40];
	int err;

	s.step = args->o[U_STEP].u ? USAGE_STEP_DAY : USAGE_STEP_HOUR;
	if (from >= to) {
		cli_err("--from must be before --to");
		return CLI_USAGE;
	}
	if (cli_sub_begin(c, false, args->argv[0], &st, &txn, &r))
		return CLI_FAIL;
	err = usage_sum(txn, st, r.uid, from, to, &tot);
	if (err)
		goto out;
	if (c->json) {
		j = json_pack("{s:s, s:o}", "id", r.id, "total",
			      val_json(&tot));
		if (from != INT64_MIN)
			json_object_set_new(j, "from",
					    json_string(tt_fmt_time_local(
						    from, a, sizeof(a))));
		if (to != INT64_MAX)
			json_object_set_new(j, "to",
					    json_string(tt_fmt_time_local(
						    to, b, sizeof(b))));
		if (step) {
			s.arr = json_array();
			json_object_set_new(j, "buckets", s.arr);
		}
	} else {
		printf("subscriber %s (uid %u), %s .. %s\n", r.id, r.uid,
		       from == INT64_MIN ? "start" :
					   tt_fmt_time_local(from, a, sizeof(a)),
		       to == INT64_MAX ? "now" :
					 tt_fmt_time_local(to, b, sizeof(b)));
	}
	if (step) {
		err = usage_foreach_bucket(txn, st, r.uid, from, to, s.step,
					   show_bucket, &s);
		if (err)
			goto out;
	}
	if (j) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		print_val("total", &tot);
	}
out:
	store_abort(txn);
	json_decref(j);
	if (err) {
		cli_err("cannot read usage: %s", strerror(-err));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* One CSV row; rows for the same subscriber and hour are summed. */
struct imp_row {
	char id[SUB_ID_MAX + 1];
	int64_t hour;
	uint64_t up, down;
	int line;
};

static int row_cmp(const void *a, const void *b)
{
	const struct imp_row *x = a, *y = b;
	int d = strcmp(x->id, y->id);

	if (d)
		return d;
	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	return x->line - y->line;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno ? -EINVAL : 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Parse the whole file into rows. Returns 0 or an exit code. */
static int imp_read(FILE *f, const char *name, struct imp_row **rowsp,
		    size_t *np)
{
	struct imp_row *rows = NULL, *r;
	size_t n = 0, cap = 0, cap_line = 0;
	char *line = NULL, *fld[5], *p;
	int lineno = 0, nf, ret = CLI_FAIL;

	while (getline(&line, &cap_line, f) >= 0) {
		lineno++;
		p = trim(line);
		if (lineno == 1) {
			if (strcmp(p, CSV_HEADER)) {
				cli_err("%s:1: the first line must be \"%s\"",
					name, CSV_HEADER);
				goto out;
			}
			continue;
		}
		if (!*p)
			continue;
		for (nf = 0; nf < 5 && p; nf++) {
			fld[nf] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = '\0';
		}
		if (nf != 4 || p) {
			cli_err("%s:%d: expected 4 fields (%s)", name, lineno,
				CSV_HEADER);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			r = realloc(rows, cap * sizeof(*rows));
			if (!r) {
				cli_err("out of memory");
				goto out;
			}
			rows = r;
		}
		r = &rows[n];
		r->line = lineno;
		fld[0] = trim(fld[0]);
		if (sub_id_check(fld[0])) {
			cli_err("%s:%d: bad subscriber id '%s'", name, lineno,
				fld[0]);
			goto out;
		}
		snprintf(r->id, sizeof(r->id), "%s", fld[0]);
		if (tt_parse_time(trim(fld[1]), &r->hour)) {
			cli_err("%s:%d: start '%s' is not an ISO 8601 time",
				name, lineno, fld[1]);
			goto out;
		}
		if (r->hour < 0 || r->hour % 3600) {
			cli_err("%s:%d: start '%s' is not the start of an hour",
				name, lineno, fld[1]);
			goto out;
		}
		if (parse_u64(trim(fld[2]), &r->up) ||
		    parse_u64(trim(fld[3]), &r->down)) {
			cli_err("%s:%d: byte counts must be whole numbers "
				"(0 to %llu)", name, lineno,
				(unsigned long long)USAGE_IMPORT_HOUR_MAX);
			goto out;
		}
		if (r->up > USAGE_IMPORT_HOUR_MAX ||
		    r->down > USAGE_IMPORT_HOUR_MAX) {
			cli_err("%s:%d: %s %llu is more than an hour carries "
				"(at most %llu bytes)", name, lineno,
				r->up > USAGE_IMPORT_HOUR_MAX ? "up_bytes" :
								"down_bytes",
				(unsigned long long)(r->up >
							     USAGE_IMPORT_HOUR_MAX ?
						     r->up : r->down),
				(unsigned long long)USAGE_IMPORT_HOUR_MAX);
			goto out;
		}
		n++;
	}
	if (ferror(f)) {
		cli_err("%s: read error", name);
		goto out;
	}
	if (lineno == 0) {
		cli_err("%s: empty file (the first line must be \"%s\")", name,
			CSV_HEADER);
		goto out;
	}
	*rowsp = rows;
	*np = n;
	rows = NULL;
	ret = CLI_OK;
out:
	free(rows);
	free(line);
	return ret;
}

static int usage_import(struct cli *c, struct cli_args *a)
{
	struct imp_row *rows = NULL;
	size_t n = 0, i, nsubs = 0;
	const char *name;
	struct sub_rec r = { 0 };
	struct store *st;
	MDB_txn *txn = NULL;
	int ret, err = 0;
	FILE *f;

	name = a->argv[0];
	f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	if (!f) {
		cli_err("%s: %s", name, strerror(errno));
		return CLI_FAIL;
	}
	ret = imp_read(f, strcmp(name, "-") ? name : "<stdin>", &rows, &n);
	if (f != stdin)
		fclose(f);
	if (ret)
		return ret;
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);

	ret = CLI_FAIL;
	if (cli_begin(c, true, &txn))
		goto out;
	st = c->st;
	for (i = 0; i < n; i++) {
		struct usage_val v = { 0 };
		size_t j;

		if (i == 0 || strcmp(rows[i].id, rows[i - 1].id)) {
			err = sub_get(txn, st, rows[i].id, &r);
			if (err) {
				cli_err("%s:%d: %s '%s'", name, rows[i].line,
					err == -ENOENT ? "no subscriber" :
							 "cannot read",
					rows[i].id);
				goto out;
			}
			nsubs++;
		}
		for (j = i; j < n && rows[j].hour == rows[i].hour &&
			    !strcmp(rows[j].id, rows[i].id);
		     j++) {
			if (usage_count_add(&v.up_bytes, rows[j].up) ||
			    usage_count_add(&v.down_bytes, rows[j].down) ||
			    v.up_bytes > USAGE_IMPORT_HOUR_MAX ||
			    v.down_bytes > USAGE_IMPORT_HOUR_MAX) {
				cli_err("%s:%d: the rows of '%s' for this hour "
					"add up to more than an hour carries "
					"(at most %llu bytes each way)", name,
					rows[j].line, rows[j].id,
					(unsigned long long)
						USAGE_IMPORT_HOUR_MAX);
				goto out;
			}
		}
		err = usage_set_hour(txn, st, r.uid, USAGE_GW_IMPORT,
				     rows[i].hour, &v);
		if (err) {
			cli_err("%s:%d: cannot store: %s", name, rows[i].line,
				err == -EOVERFLOW ? "the day's total would pass "
						    "2^63 bytes" :
						    strerror(-err));
			goto out;
		}
		i = j - 1;
	}
	if (store_commit(txn)) {
		txn = NULL;
		goto out;
	}
	txn = NULL;
	if (c->json)
		bill_json_out(json_pack("{s:I, s:I}", "rows", (json_int_t)n,
					"subscribers", (json_int_t)nsubs));
	else
		printf("imported %zu rows for %zu subscribers\n", n, nsubs);
	ret = CLI_OK;
out:
	store_abort(txn);
	free(rows);
	return ret;
}

static const struct cli_cmd usage_cmds[] = {
	{ "", "ID", 1, show_opts, usage_show, "a subscriber's metered usage",
	  "TIME is ISO 8601: 2026-11-01 (local midnight), 2026-11-01T10:00 "
	  "(local), 2026-11-01T03:00Z or +07:00 offsets. The range is [from, "
	  "to); default all.", CLI_CMD_JSON },
	{ "import", "FILE.csv|-", 1, NULL, usage_import,
	  "import usage from CSV (another meter, a migration)",
	  "CSV header: " CSV_HEADER " (start aligned to an hour). Rows for the "
	  "same subscriber and hour are summed; an hour carries at most 10^15 "
	  "bytes each way (1 PB): more is refused, and nothing is imported. "
	  "Importing the same file again changes nothing.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_usage = {
	"usage", "metered usage per subscriber; import CSV", NULL, usage_cmds
};
