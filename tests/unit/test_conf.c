// SPDX-License-Identifier: GPL-2.0
/* test_conf.c - the key table, defaults, parser errors, the example. */
#include <errno.h>
#include <stddef.h>
#include "tests/unit/tmpstore.h"
#include "lib/conf.h"
#include "lib/log.h"

static char cpath[128];

static void write_conf(const char *text)
{
	FILE *f;

	snprintf(cpath, sizeof(cpath), "%s/tagih.conf", tmp_dir);
	f = fopen(cpath, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void conf_teardown(void)
{
	unlink(cpath);
	tmp_store_teardown();
}

START_TEST(defaults)
{
	struct tagih_conf c;

	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_str_eq(c.timezone, "Asia/Jakarta");
	ck_assert_int_eq(c.ppn_bp, 1100);
	ck_assert_int_eq(c.max_subscribers, 65536);
	ck_assert(c.auto_suspend);
	ck_assert_int_eq(c.n_lan, 0);
	ck_assert_ptr_null(c.midtrans_server_key);
	conf_free(&c);
}
END_TEST

START_TEST(table_complete)
{
	const struct conf_opt *t;
	size_t n, i, j;

	t = conf_table(&n);
	ck_assert_int_gt(n, 30);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(t[i].help);
		ck_assert_ptr_nonnull(t[i].section);
		ck_assert(t[i].off < sizeof(struct tagih_conf));
		if (t[i].type == CONF_INT && t[i].def) {
			long long d = atoll(t[i].def);

			ck_assert(d >= t[i].min && d <= t[i].max);
		}
		for (j = 0; j < i; j++)
			ck_assert_str_ne(t[i].key, t[j].key);
	}
}
END_TEST

START_TEST(load_ok)
{
	struct tagih_conf c;

	write_conf("# comment\n\n"
		   "db = /srv/tagih\n"
		   "timezone = Asia/Makassar  # WITA\n"
		   "lan = eth1\nlan = eth2\nwan=eth0\n"
		   "ppn_bp = 0\n"
		   "auto_suspend = no\n"
		   "operator_name = \"RT 05 # Net\"\n"
		   "late_fee = 2%\n");
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, cpath), 0);
	ck_assert_str_eq(c.db, "/srv/tagih");
	ck_assert_str_eq(c.timezone, "Asia/Makassar");
	ck_assert_int_eq(c.n_lan, 2);
	ck_assert_str_eq(c.lan[1], "eth2");
	ck_assert_int_eq(c.n_wan, 1);
	ck_assert_int_eq(c.ppn_bp, 0);
	ck_assert(!c.auto_suspend);
	ck_assert_str_eq(c.operator_name, "RT 05 # Net");
	ck_assert_str_eq(c.late_fee, "2%");
	conf_free(&c);
}
END_TEST

START_TEST(load_errors)
{
	static const char *const bad[] = {
		"nosuchkey = 1\n",
		"interval = 0\n",
		"interval = 10s\n",
		"xdp_mode = turbo\n",
		"timezone = Europe/Berlin\n",
		"auto_suspend = maybe\n",
		"just text\n",
		"operator_name = \"unterminated\n",
		"late_fee = lots\n",
		"invoice_prefix = INV~X\n",	/* '~' is Midtrans' '/' */
	};
	struct tagih_conf c;
	const char *why;
	size_t i;

	log_set_level(LOG_WARN);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_conf(bad[i]);
		ck_assert_int_eq(conf_defaults(&c), 0);
		ck_assert_msg(conf_load(&c, cpath) == -EINVAL, "%s", bad[i]);
		conf_free(&c);
	}
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, "/nonexistent/tagih.conf"), -ENOENT);
	ck_assert_int_eq(conf_set(&c, "max_subscribers", "99999999999", &why),
			 -EINVAL);
	ck_assert_str_eq(why, "out of range");
	ck_assert_int_eq(conf_set(&c, "gateway_id", "7", &why), 0);
	ck_assert_int_eq(c.gateway_id, 7);
	conf_free(&c);
}
END_TEST

/* Config strictness (issue 14): nothing is silently dropped or cut. */
START_TEST(load_strict)
{
	static const char *const bad[] = {
		"ppn_bp = 1100\nppn_bp = 0\n",	/* given twice */
		"midtrans_server_key = SB-Mid-server-ab#cd\n",	/* cut at # */
		"operator_name = \"RT 05\"# Net\n",	/* no blank before # */
		"due_days =#5\n",
	};
	struct tagih_conf c;
	size_t i;
	FILE *f;

	log_set_level(LOG_WARN);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_conf(bad[i]);
		ck_assert_int_eq(conf_defaults(&c), 0);
		ck_assert_msg(conf_load(&c, cpath) == -EINVAL, "%s", bad[i]);
		conf_free(&c);
	}
	/* a NUL byte: "ppn_bp = 11<NUL>00" was read as 11 */
	f = fopen(cpath, "w");
	ck_assert_ptr_nonnull(f);
	fwrite("ppn_bp = 11\0" "00\n", 1, 13, f);
	fclose(f);
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, cpath), -EINVAL);
	conf_free(&c);
	/* a directory is not a config file */
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, tmp_dir), -EINVAL);
	conf_free(&c);
	/* what is allowed: quoted '#', comments after a blank, lists */
	write_conf("midtrans_server_key = \"SB-Mid-server-ab#cd\"\n"
		   "  # an indented comment\n"
		   "operator_name = RT 05 # a comment\n"
		   "public_url = \"https://x.example/#p\" # after a quote\n"
		   "notice_listen = # off\n"
		   "lan = eth1\nlan = eth2\n");
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, cpath), 0);
	ck_assert_str_eq(c.midtrans_server_key, "SB-Mid-server-ab#cd");
	ck_assert_str_eq(c.operator_name, "RT 05");
	ck_assert_str_eq(c.public_url, "https://x.example/#p");
	ck_assert_str_eq(c.notice_listen, "");
	ck_assert_int_eq(c.n_lan, 2);
	conf_free(&c);
}
END_TEST

/* Every string value is text (lib/text.h); the prefix is plain ASCII. */
START_TEST(text_values)
{
	static const struct {
		const char *key, *val, *why;
	} bad[] = {
		{ "operator_name", "Warung \xe9", "not valid UTF-8" },
		{ "operator_address", "\x1b]0;owned\x07", "control character" },
		{ "bank_transfer", "BCA\xc2\x85" "123", "control character" },
		{ "operator_npwp", "01.234\xe2\x80\xae", "bidirectional" },
		{ "smtp_from", "a@b\r\nRCPT TO:<x@y>", "control character" },
		{ "lan", "eth\x01", "control character" },
		{ "lan", "eth\t1", "control character" },
		{ "invoice_prefix", "=1+2,x", "1..20 of" },
		{ "invoice_prefix", "INV/X", "1..20 of" },
		{ "invoice_prefix", "FAKTUR-RT05-PANJANG-SEKALI", "1..20 of" },
		{ "invoice_prefix", "", "1..20 of" },
		{ "late_fee", "1000000000001", "not whole Rupiah" },
	};
	struct tagih_conf c;
	const char *why;
	size_t i;

	ck_assert_int_eq(conf_defaults(&c), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(conf_set(&c, bad[i].key, bad[i].val, &why) ==
				      -EINVAL, "%s accepted", bad[i].key);
		if (bad[i].why)
			ck_assert_msg(why && strstr(why, bad[i].why),
				      "%s: why '%s'", bad[i].key, why);
	}
	ck_assert_str_eq(c.invoice_prefix, "INV");
	ck_assert_ptr_null(c.operator_name);
	ck_assert_int_eq(conf_set(&c, "operator_name",
				  "RT/RW Net Sejahtera \xc3\xa9", &why), 0);
	ck_assert_int_eq(conf_set(&c, "invoice_prefix", "INV-RT.05_b", &why),
			 0);
	ck_assert_int_eq(conf_set(&c, "late_fee", "1.000.000.000.000", &why),
			 0);
	conf_free(&c);

	/* from a file: the line and the key are named */
	log_set_level(LOG_WARN);
	write_conf("operator_name = \"Warung \xe9\"\n");
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, cpath), -EINVAL);
	ck_assert_ptr_null(c.operator_name);
	conf_free(&c);
}
END_TEST

START_TEST(example_roundtrip)
{
	struct tagih_conf c;
	char line[512];
	FILE *f;
	int keys = 0;

	/* every key shows up in the example, uncommented it parses */
	snprintf(cpath, sizeof(cpath), "%s/tagih.conf", tmp_dir);
	f = fopen(cpath, "w");
	ck_assert_ptr_nonnull(f);
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		conf_write_example(m);
		fclose(m);
		m = fmemopen(buf, len, "r");
		while (fgets(line, sizeof(line), m)) {
			const char *eq = strstr(line, " =");

			if (line[0] == '#' && line[1] != ' ' && line[1] != '#' &&
			    line[1] != '\n' && eq) {
				/* "#key = value": uncomment those with values */
				if (eq[2] == '\n')
					continue;
				fputs(line + 1, f);
				keys++;
			}
		}
		fclose(m);
		free(buf);
	}
	fclose(f);
	ck_assert_int_gt(keys, 20);
	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_load(&c, cpath), 0);
	conf_free(&c);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tmp_store_setup, conf_teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, table_complete);
	tcase_add_test(tc, load_ok);
	tcase_add_test(tc, load_errors);
	tcase_add_test(tc, load_strict);
	tcase_add_test(tc, example_roundtrip);
	tcase_add_test(tc, text_values);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(conf_suite)
