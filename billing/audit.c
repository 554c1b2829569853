// SPDX-License-Identifier: GPL-2.0
/* audit.c - the append-only audit log in DB_AUDIT (JSON values). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/audit.h"
#include "lib/log.h"

int audit_write(MDB_txn *txn, struct store *st, int64_t t, const char *actor,
		const char *action, const char *sub, const char *reason,
		json_t *detail)
{
	uint8_t key[AUDIT_KEY_LEN];
	uint64_t seq;
	json_t *o;
	char *s;
	int err;

	if (!actor || !*actor || !action || !*action)
		return -EINVAL;
	err = store_meta_bump(txn, st, "audit_seq", &seq);
	if (err)
		return err;
	o = json_pack("{sI ss ss}", "time", (json_int_t)t, "actor", actor,
		      "action", action);
	if (!o)
		return -ENOMEM;
	if ((sub && json_object_set_new(o, "sub", json_string(sub))) ||
	    (reason && json_object_set_new(o, "reason", json_string(reason))) ||
	    (detail && json_object_set(o, "detail", detail))) {
		err = -ENOMEM;
		goto out;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s) {
		err = -ENOMEM;
		goto out;
	}
	bei64_put(key, t);
	be32_put(key + 8, (uint32_t)seq);
	err = store_put(txn, st, DB_AUDIT, key, sizeof(key), s, strlen(s),
			MDB_NOOVERWRITE);
	free(s);
out:
	json_decref(o);
	return err;
}

int audit_foreach(MDB_txn *txn, struct store *st, const char *sub,
		  int (*cb)(int64_t t, uint32_t seq, json_t *e, void *ctx),
		  void *ctx)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	rc = store_cursor_open(txn, st, DB_AUDIT, &cur);
	if (rc)
		return store_err(rc, "mdb_cursor_open");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		json_error_t jerr;
		const char *es;
		json_t *e;

		if (k.mv_size != AUDIT_KEY_LEN)
			continue;
		e = json_loadb(v.mv_data, v.mv_size, 0, &jerr);
		if (!e) {
			pr_warn("audit: undecodable entry skipped: %s",
				jerr.text);
			continue;
		}
		es = json_string_value(json_object_get(e, "sub"));
		if (!sub || (es && !strcmp(es, sub)))
			ret = cb(bei64_get(k.mv_data),
				 be32_get((uint8_t *)k.mv_data + 8), e, ctx);
		json_decref(e);
		if (ret)
			break;
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	if (rc != -ENOENT)
		return store_err(rc, "audit cursor");
	return 0;
}

char *audit_cli_actor(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *sudo = getenv("SUDO_USER");

	if (sudo && *sudo)
		snprintf(buf, n, "cli:%s", sudo);
	else if (pw && pw->pw_name)
		snprintf(buf, n, "cli:%s", pw->pw_name);
	else
		snprintf(buf, n, "cli:uid%u", (unsigned)geteuid());
	return buf;
}
