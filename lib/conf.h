/* SPDX-License-Identifier: GPL-2.0 */
/* conf.h - one config format and one key table for every tagih program. */
#ifndef TAGIH_CONF_H
#define TAGIH_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * File format: "key = value" lines, blank lines ignored, values may be
 * "quoted". '#' starts a comment at the start of a line or after a blank;
 * one inside a bare value is an error (a secret is never cut short).
 * Repeatable keys (lan, wan) may appear several times, any other key
 * once; an unknown key, a NUL byte or a file that is not a regular file
 * is an error too. Every key lives in the one table in conf.c with its type,
 * bounds, default and help text; --help, docs/tagih.conf.example and
 * validation are all generated from that table.
 *
 * Adding a key: add a field here and a row in conf.c's table.
 */
#define CONF_MAX_IFACES 16

struct tagih_conf {
	/* common */
	char *db;
	char *timezone;
	int64_t gateway_id;
	int64_t store_mapsize_gb;
	char *log_level;
	/* tagih-agent */
	char *lan[CONF_MAX_IFACES];
	int n_lan;
	char *wan[CONF_MAX_IFACES];
	int n_wan;
	char *listen;
	int64_t interval;
	char *xdp_mode;
	char *download_hook;
	char *tc_link;
	char *bpf_object;	/* ignored (older configs) */
	char *bpf_pin_dir;
	int64_t max_subscribers;
	int64_t max_prefixes;
	int64_t v4_blocks;
	int64_t v6_hash_entries;
	int64_t policy_poll_ms;
	int64_t dunning_interval;
	char *notice_listen;
	int64_t notice_conn_per_ip;
	char *radius_listen;
	char *radius_secret;
	char *radius_clients;
	int64_t radius_stale;
	bool learn_addresses;
	bool shape;
	char *shape_mode;
	int64_t shape_horizon_ms;
	int64_t fup_check_ms;
	/* billing */
	char *operator_name;
	char *operator_address;
	char *operator_npwp;
	int64_t ppn_bp;
	char *tax_mode;
	char *invoice_prefix;
	int64_t due_days;
	char *reminder_days;
	int64_t grace_days;
	char *late_fee;
	bool auto_suspend;
	char *bank_transfer;
	char *invoice_lang;
	char *receipt_prefix;	/* prepaid receipts (billing/prepaid.h) */
	char *prepaid_reminder_days;
	/* tagihd */
	char *public_listen;
	char *public_url;
	char *admin_listen;	/* the console (tagihd/console/) */
	int64_t admin_idle_timeout;
	int64_t public_conn_per_ip;
	int64_t public_request_timeout;
	char *tls_cert;
	char *tls_key;
	char *midtrans_server_key;
	char *xendit_callback_token;
	char *tripay_private_key;
	char *duitku_merchant_code;
	char *duitku_api_key;
	/* tagihd: notifications */
	char *notify_lang;
	char *notify_templates;
	int64_t notify_max_attempts;
	int64_t notify_retry_base;
	char *wa_gateway_url;
	char *wa_gateway_token;
	char *wa_gateway_body;
	char *wa_cloud_url;
	char *wa_cloud_phone_id;
	char *wa_cloud_token;
	char *smtp_url;
	char *smtp_user;
	char *smtp_password;
	char *smtp_from;
	char *invoice_pdf_dir;
	/* tagihd + tagih: payment links (billing/gateway/paylink.c) */
	char *paylink_gateway;
	char *midtrans_api_url;
	char *xendit_api_url;
	char *xendit_secret_key;
	char *tripay_api_url;
	char *tripay_api_key;
	char *tripay_merchant_code;
	char *tripay_method;
	char *duitku_api_url;
	char *duitku_method;
	/* tagihd: confirming notifications (billing/gateway/wh_verify.c) */
	char *midtrans_status_url;
	int64_t gateway_timeout;
};

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL, CONF_LIST };

struct conf_opt {
	const char *key;
	enum conf_type type;
	size_t off;		/* offsetof(struct tagih_conf, field) */
	size_t count_off;	/* CONF_LIST: offsetof the int counter */
	int64_t min, max;	/* CONF_INT bounds */
	const char *def;	/* default as text, NULL = unset */
	const char *section;	/* "common", "agent", "billing", "tagihd" */
	const char *help;
	bool secret;		/* never printed or logged */
	const char *choices;	/* CONF_STR: "a|b|c" allowed values, or NULL */
};

/* The table; *n gets its length. */
const struct conf_opt *conf_table(size_t *n);

/* Fill c with every default. Returns 0 or -ENOMEM. */
int conf_defaults(struct tagih_conf *c);
/*
 * Parse path into c (on top of what c holds). Errors are printed as
 * "path:line: message" via pr_warn. Returns 0, -ENOENT (no file),
 * -EINVAL (syntax, unknown key, key given twice, bad value, out of
 * bounds, NUL byte, not a regular file) or -errno.
 */
int conf_load(struct tagih_conf *c, const char *path);
/* Set one key from text (command-line options use this too).
 * Returns 0 or -EINVAL (with *why pointing at a static reason). */
int conf_set(struct tagih_conf *c, const char *key, const char *val,
	     const char **why);
void conf_free(struct tagih_conf *c);
/* Write the commented example config (docs/tagih.conf.example). */
void conf_write_example(FILE *f);
/* Write tagih.conf(5) as scdoc source, from the same table. */
void conf_write_man(FILE *f);

#endif
