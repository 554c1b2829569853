// SPDX-License-Identifier: GPL-2.0
/* test_user.c - console users: roles and permissions, Argon2id login, tokens stored hashed, audit. */
#include <errno.h>
#include <string.h>

#include "tests/unit/tmpstore.h"
#include "billing/audit.h"
#include "billing/user.h"

static void setup(void)
{
	tmp_store_setup();
}

static void teardown(void)
{
	tmp_store_teardown();
}

static void add(const char *name, int role, const char *pw)
{
	struct user_rec u = { 0 };
	MDB_txn *txn;

	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	ck_assert_int_eq(user_pw_hash(pw, u.pwhash), 0);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(user_add(txn, tmp_st, &u, 1000, "cli:test"), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

START_TEST(roles)
{
	int r;

	ck_assert_int_eq(user_role_parse("kasir", &r), 0);
	ck_assert_int_eq(r, ROLE_KASIR);
	ck_assert_int_eq(user_role_parse("boss", &r), -EINVAL);
	ck_assert(user_can(ROLE_OWNER, PERM_USERS));
	ck_assert(user_can(ROLE_OWNER, PERM_PDP));
	ck_assert(!user_can(ROLE_ADMIN, PERM_USERS));
	ck_assert(user_can(ROLE_ADMIN, PERM_INVOICE_ADMIN));
	ck_assert(user_can(ROLE_KASIR, PERM_PAY_RECORD));
	ck_assert(!user_can(ROLE_KASIR, PERM_INVOICE_ADMIN));
	ck_assert(!user_can(ROLE_KASIR, PERM_REPORTS));
	ck_assert(!user_can(ROLE_TEKNISI, PERM_PAY_RECORD));
	ck_assert(!user_can(ROLE_TEKNISI, PERM_MONEY_VIEW));
	ck_assert(user_can(ROLE_TEKNISI, PERM_SUB_TECH));
	ck_assert(!user_can(99, PERM_SUB_VIEW));
}
END_TEST

START_TEST(login)
{
	struct user_rec u;
	MDB_txn *txn;

	ck_assert_int_eq(user_pw_check("short"), -EINVAL);
	ck_assert_int_eq(user_pw_check("line\nbreak!"), -EINVAL);
	add("ani", ROLE_KASIR, "rahasia-ani");
	ck_assert_int_eq(user_login(tmp_st, "ani", "rahasia-ani", &u), 0);
	ck_assert_int_eq(u.role, ROLE_KASIR);
	ck_assert(!strncmp(u.pwhash, "$argon2id$", 10));
	ck_assert(!strstr(u.pwhash, "rahasia"));
	ck_assert_int_eq(user_login(tmp_st, "ani", "rahasia-anj", &u),
			 -EACCES);
	ck_assert_int_eq(user_login(tmp_st, "nobody", "rahasia-ani", &u),
			 -EACCES);
	ck_assert_int_eq(user_login(tmp_st, "../x", "rahasia-ani", &u),
			 -EACCES);
	/* disabled: the right password no longer works */
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(user_get(txn, tmp_st, "ani", &u), 0);
	u.disabled = 1;
	ck_assert_int_eq(user_put(txn, tmp_st, &u, 2000, "cli:test",
				  "user_disable"), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(user_login(tmp_st, "ani", "rahasia-ani", &u),
			 -EACCES);
	/* a second add of the same name is refused */
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	memset(&u, 0, sizeof(u));
	strcpy(u.name, "ani");
	ck_assert_int_eq(user_pw_hash("another-pass", u.pwhash), 0);
	ck_assert_int_eq(user_add(txn, tmp_st, &u, 3000, "cli:test"),
			 -EEXIST);
	store_abort(txn);
}
END_TEST

static int count_cb(int64_t t, uint32_t seq, json_t *e, void *ctx)
{
	const char *a = json_string_value(json_object_get(e, "action"));

	(void)t;
	(void)seq;
	if (a && !strncmp(a, "user_", 5))
		++*(int *)ctx;
	return 0;
}

START_TEST(tokens)
{
	char tok[USER_TOKEN_LEN + 1], tok2[USER_TOKEN_LEN + 1];
	struct user_rec u;
	MDB_txn *txn;
	MDB_val v;
	int n = 0;

	add("budi", ROLE_ADMIN, "rahasia-budi");
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(user_token_new(txn, tmp_st, "budi", 10, "cli:t", tok),
			 0);
	ck_assert_int_eq(strlen(tok), USER_TOKEN_LEN);
	ck_assert_int_eq(user_token_auth(txn, tmp_st, tok, &u), 0);
	ck_assert_str_eq(u.name, "budi");
	/* the record holds a hash, never the token */
	ck_assert_int_eq(store_get(txn, tmp_st, DB_USERS, "budi", 4, &v), 0);
	ck_assert_ptr_null(memmem(v.mv_data, v.mv_size, tok + 4, 16));
	ck_assert_int_eq(user_token_new(txn, tmp_st, "budi", 11, "cli:t", tok2),
			 0);
	ck_assert_int_eq(user_token_auth(txn, tmp_st, tok, &u), -EACCES);
	ck_assert_int_eq(user_token_auth(txn, tmp_st, tok2, &u), 0);
	ck_assert_int_eq(user_token_auth(txn, tmp_st, "tgh_x", &u), -EACCES);
	ck_assert_int_eq(user_token_revoke(txn, tmp_st, "budi", 12, "cli:t"),
			 0);
	ck_assert_int_eq(user_token_auth(txn, tmp_st, tok2, &u), -EACCES);
	ck_assert_int_eq(user_token_revoke(txn, tmp_st, "budi", 12, "cli:t"),
			 -EALREADY);
	ck_assert_int_eq(user_token_new(txn, tmp_st, "nobody", 1, "cli:t",
					tok), -ENOENT);
	ck_assert_int_eq(audit_foreach(txn, tmp_st, NULL, count_cb, &n), 0);
	ck_assert_int_eq(n, 4);	/* add, token, token, revoke */
	store_abort(txn);
}
END_TEST

static Suite *user_suite(void)
{
	Suite *s = suite_create("user");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, roles);
	tcase_add_test(tc, login);
	tcase_add_test(tc, tokens);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(user_suite)
