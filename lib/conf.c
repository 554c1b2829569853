// SPDX-License-Identifier: GPL-2.0
/* conf.c - the one table of config keys, the key=value parser, the example. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/conf.h"
#include "lib/log.h"
#include "lib/money.h"
#include "lib/text.h"
#include "lib/ttime.h"

#define OFF(f) offsetof(struct tagih_conf, f)
#define STR(k, sec, d, h, ...) \
	{ .key = #k, .type = CONF_STR, .off = OFF(k), .def = d, \
	  .section = sec, .help = h, __VA_ARGS__ }
#define INT(k, sec, lo, hi, d, h) \
	{ .key = #k, .type = CONF_INT, .off = OFF(k), .min = lo, .max = hi, \
	  .def = d, .section = sec, .help = h }
#define BOOL(k, sec, d, h) \
	{ .key = #k, .type = CONF_BOOL, .off = OFF(k), .def = d, \
	  .section = sec, .help = h }
#define LIST(k, sec, h) \
	{ .key = #k, .type = CONF_LIST, .off = OFF(k), .count_off = OFF(n_##k), \
	  .section = sec, .help = h }
#define SECRET(k, sec, h) \
	{ .key = #k, .type = CONF_STR, .off = OFF(k), .section = sec, \
	  .help = h, .secret = true }

static const struct conf_opt conf_opts[] = {
	/* common */
	STR(db, "common", "/var/lib/tagih",
	    "Directory of the LMDB store shared by all tagih programs."),
	STR(timezone, "common", "Asia/Jakarta",
	    "Operator time zone: Asia/Jakarta, Asia/Pontianak, Asia/Makassar, "
	    "Asia/Jayapura, UTC or +HH:00. Local days (usage, due dates) "
	    "follow it."),
	INT(gateway_id, "common", 1, 65535, "1",
	    "This gateway's id; usage records are merged per gateway, so "
	    "every gateway sharing a store needs its own."),
	INT(store_mapsize_gb, "common", 1, 16384, "64",
	    "The largest the store (data.mdb) may grow, in whole GiB; the "
	    "file is sparse and grows as it fills. A store that reaches it "
	    "refuses writes (\"store full\") until this is raised. "
	    "TAGIH_MAPSIZE_GB overrides it."),
	STR(log_level, "common", "info", "Log verbosity.",
	    .choices = "warn|info|debug"),
	/* agent */
	LIST(lan, "agent",
	     "Subscriber-facing interface (repeat the key for several)."),
	LIST(wan, "agent",
	     "Upstream interface (repeat the key for several)."),
	STR(listen, "agent", "127.0.0.1:9247",
	    "Address:port of the agent's local status endpoint."),
	INT(interval, "agent", 1, 3600, "10",
	    "Seconds between drains of the BPF counters into the store."),
	STR(xdp_mode, "agent", "auto",
	    "How the meter is attached to each interface. auto: native XDP on "
	    "real NICs (tc if the driver refuses), tc on virtual devices "
	    "(veth, bridge, VLAN, macvlan, tun, bond: by the ethtool driver "
	    "or the rtnetlink link kind), where XDP would run generic and "
	    "linearise GRO packets; native: native XDP only; skb: generic XDP; "
	    "tc: tc ingress (tcx on Linux 6.6+, else a clsact qdisc).",
	    .choices = "auto|native|skb|tc"),
	STR(download_hook, "agent", "auto",
	    "Where downloads are billed. wan: on the wan ingress, by "
	    "destination address (no NAT on this box, or a bridge). lan: on "
	    "each lan interface's tc egress, after this box's own NAT has put "
	    "the subscriber's private address back; only packets that came in "
	    "on a wan interface, and the wan ingress then bills nothing, so "
	    "each download is billed once. auto: lan when nftables or "
	    "iptables masquerade/SNAT is set up at start (and no lan is a "
	    "bridge port), else wan.",
	    .choices = "auto|wan|lan"),
	STR(tc_link, "agent", "auto",
	    "How tc programs are attached. auto: tcx links (Linux 6.6+), "
	    "else a clsact qdisc; tcx: tcx only; clsact: a direct-action "
	    "filter (handle 0x7467, priority 1) on a clsact qdisc, for "
	    "kernels or tools that want the old hook.",
	    .choices = "auto|tcx|clsact"),
	STR(bpf_pin_dir, "agent", "/sys/fs/bpf/tagih",
	    "Folder on the bpffs where the agent pins the meter's maps. Each "
	    "store needs its own: the folder records the store that owns it "
	    "and an agent refuses a folder of another store."),
	STR(bpf_object, "agent", "",
	    "Ignored: the meter is built into tagih-agent (kept so that "
	    "older configs still load)."),
	INT(max_subscribers, "agent", 16, 16777216, "65536",
	    "Subscriber slots in the BPF maps (uids are 1..max-1)."),
	INT(max_prefixes, "agent", 16, 16777216, "131072",
	    "Prefix entries per address family in the BPF maps."),
	INT(v4_blocks, "agent", 0, 4096, "64",
	    "IPv4 direct-table blocks, 512 KiB each: one per /16 that holds "
	    "prefixes of /16 or longer; their addresses skip the LPM trie. "
	    "/16s beyond this stay in the trie (slower, still correct). "
	    "0 = trie only."),
	INT(v6_hash_entries, "agent", 0, 16777216, "262144",
	    "IPv6 /64 hash entries: every /64 of a prefix /56../64 (a /56 "
	    "takes 256) skips the LPM trie; /64s beyond this, and prefixes "
	    "shorter than /56, stay in the trie (slower, still correct). "
	    "Kernel memory: 16 bytes per entry for buckets, about 64 more "
	    "per /64 in use. 0 = trie only."),
	INT(policy_poll_ms, "agent", 50, 60000, "200",
	    "How often the agent looks for subscriber/policy changes."),
	INT(dunning_interval, "agent", 60, 86400, "60",
	    "Seconds between dunning runs (reminders, isolir, restore)."),
	STR(notice_listen, "agent", "0.0.0.0:8081",
	    "Address:port of the isolir notice page (suspended subscribers' "
	    "HTTP is sent here, see docs/ISOLIR.md); empty = off."),
	INT(notice_conn_per_ip, "agent", 0, 256, "16",
	    "Connections one client address may hold open to the notice "
	    "page; more are closed at once (0 = no limit)."),
	STR(radius_listen, "agent", "",
	    "Address[:port] of the RADIUS accounting listener (a MikroTik or "
	    "a FreeRADIUS proxy sends Accounting-Requests here; port 1813 "
	    "when none is given, [V6]:PORT for IPv6); empty = off. Each Start "
	    "and Interim-Update binds its Framed-IP-Address and IPv6 prefixes "
	    "to the subscriber whose --pppoe-user is the User-Name; Stop "
	    "ends them (docs/ARCHITECTURE.md)."),
	SECRET(radius_secret, "agent",
	       "RADIUS shared secret of every client not in radius_clients; "
	       "unset = only the clients listed there are answered."),
	SECRET(radius_clients, "agent",
	       "Per-client RADIUS secrets by source address: "
	       "ADDR=SECRET,ADDR=SECRET (IPv4 or IPv6 literals; a secret "
	       "holds no ',' and no blank). A request from an address that "
	       "is neither here nor covered by radius_secret is dropped and "
	       "counted."),
	INT(radius_stale, "agent", 0, 604800, "0",
	    "Seconds a RADIUS binding lives after its last Start or "
	    "Interim-Update when no Stop comes (a NAS that lost the session); "
	    "set it to a few interim intervals. 0 = until Stop or a new "
	    "claim."),
	BOOL(learn_addresses, "agent", "yes",
	     "Learn who holds an address from the PPPoE sessions (PAP/CHAP "
	     "user + IPCP address) and DHCP ACKs the meter sees, matched to "
	     "subscribers by --pppoe-user, --mac, --circuit-id, --remote-id "
	     "or --vlan; only those frames are copied, never session data."),
	BOOL(shape, "agent", "yes",
	     "Shape every subscriber to its plan's speed (--down-mbps, "
	     "--up-mbps, FUP) on the lan (downloads) and wan (uploads) "
	     "interfaces, see shape_mode. The agent replaces a default root "
	     "qdisc (noqueue, pfifo_fast, fq_codel, mq) and gives it back when "
	     "it stops; a device whose root qdisc is the operator's own (HTB, "
	     "CAKE) is left alone and not shaped."),
	STR(shape_mode, "agent", "auto",
	    "How subscribers are shaped. edt: fq at the root, each packet's "
	    "departure time set in tc (one array entry per subscriber, no "
	    "classes); htb: one HTB class per shaped subscriber, chosen in tc "
	    "by the same lookup (for kernels without sch_fq); auto: edt when "
	    "the kernel has sch_fq, else htb.",
	    .choices = "auto|edt|htb"),
	INT(shape_horizon_ms, "agent", 5, 10000, "50",
	    "Most a shaped subscriber's packets may wait: a packet that would "
	    "leave later is dropped (the queue is horizon x rate bytes, "
	    "TCP backs off on the drop)."),
	INT(fup_check_ms, "agent", 100, 10000, "1000",
	    "How often the agent compares FUP subscribers' usage (store + "
	    "live counters) with their quota."),
	/* billing */
	STR(operator_name, "billing", NULL,
	    "Operator name printed on invoices."),
	STR(operator_address, "billing", NULL,
	    "Operator address printed on invoices."),
	STR(operator_npwp, "billing", NULL,
	    "Operator tax number (NPWP) of a VAT-registered (PKP) operator, "
	    "printed on invoices. `tagih invoice run` refuses to charge PPN "
	    "without it."),
	INT(ppn_bp, "billing", 0, 10000, "1100",
	    "VAT (PPN) in basis points: 1100 = 11%."),
	STR(tax_mode, "billing", "exclusive",
	    "exclusive: PPN added on top of plan prices; inclusive: prices "
	    "already contain PPN; none: no PPN. An operator that is not "
	    "VAT-registered (non-PKP, as most RT/RW Nets are) sets none; a PKP "
	    "operator keeps exclusive or inclusive and sets operator_npwp.",
	    .choices = "exclusive|inclusive|none"),
	STR(invoice_prefix, "billing", "INV",
	    "Invoice numbers look like PREFIX/2026/11/000123; PREFIX is 1..20 "
	    "of A-Z a-z 0-9 . _ -."),
	INT(due_days, "billing", 0, 90, "10",
	    "Days from issue to due date (jatuh tempo)."),
	STR(reminder_days, "billing", "-3,0,1",
	    "Reminder days relative to the due date, comma separated."),
	INT(grace_days, "billing", 0, 90, "3",
	    "Days after the due date before isolir."),
	STR(late_fee, "billing", "0",
	    "Late fee (denda): whole Rupiah (\"10000\") or a percentage of the "
	    "invoice (\"2%\"); 0 = none."),
	BOOL(auto_suspend, "billing", "yes",
	     "Isolir unpaid subscribers automatically after the grace period."),
	STR(bank_transfer, "billing", NULL,
	    "Bank transfer instructions printed on invoices (with the "
	    "invoice number as the reference) and shown on the customer "
	    "page when no payment gateway is configured."),
	STR(invoice_lang, "billing", "id",
	    "Language of invoice and receipt PDFs: id (TAGIHAN, KUITANSI) "
	    "or en (INVOICE, RECEIPT).", .choices = "id|en"),
	/* prepaid (billing/prepaid.h) */
	STR(receipt_prefix, "billing", "KW",
	    "Prepaid receipts (kuitansi) are numbered like invoices, "
	    "PREFIX/2026/11/000123, gap-free from their own counter; 1..20 of "
	    "A-Z a-z 0-9 . _ -, not the invoice_prefix."),
	STR(prepaid_reminder_days, "billing", "3,1",
	    "Prepaid reminders: days before masa aktif ends, comma separated "
	    "(\"3,1\": \"masa aktif habis 3 hari lagi\", then 1); each is sent "
	    "once per expiry; empty = none."),
	/* tagihd */
	STR(public_listen, "tagihd", "0.0.0.0:8080",
	    "Address:port of the customer portal and payment webhooks."),
	STR(admin_listen, "tagihd", "127.0.0.1:8082",
	    "Address:port of the operator's console and its JSON API "
	    "(/api/v1), served by tagihd on a listener of its own, never on "
	    "public_listen. Loopback by default: open it to the LAN on "
	    "purpose (e.g. 192.168.88.1:8082), behind TLS (tls_cert) when "
	    "it leaves the machine. off = no console."),
	INT(admin_idle_timeout, "tagihd", 60, 86400, "1800",
	    "Seconds a console session may stay unused before it must sign "
	    "in again."),
	STR(public_url, "tagihd", NULL,
	    "Public base URL of the portal, used in messages and links; "
	    "Duitku payment links need it (their callbackUrl is "
	    "public_url/webhooks/duitku)."),
	INT(public_conn_per_ip, "tagihd", 0, 512, "32",
	    "Connections one client address (IPv4 or IPv6) may hold open; "
	    "more are closed at once, so one address cannot take every slot. "
	    "Behind a reverse proxy every client is the proxy's address: "
	    "raise it there (0 = no limit)."),
	INT(public_request_timeout, "tagihd", 2, 300, "20",
	    "Seconds a client has to send a whole request (headers and body) "
	    "from when it connects or its last request was answered; a "
	    "connection that trickles bytes is cut then."),
	STR(tls_cert, "tagihd", NULL, "TLS certificate (PEM); unset = plain HTTP behind a proxy."),
	STR(tls_key, "tagihd", NULL, "TLS private key (PEM)."),
	SECRET(midtrans_server_key, "tagihd",
	       "Midtrans server key (webhook signature)."),
	SECRET(xendit_callback_token, "tagihd",
	       "Xendit callback verification token."),
	SECRET(tripay_private_key, "tagihd",
	       "Tripay private key (callback HMAC)."),
	STR(duitku_merchant_code, "tagihd", NULL, "Duitku merchant code."),
	SECRET(duitku_api_key, "tagihd", "Duitku API key."),
	/* tagihd: notifications (sent from the outbox by tagihd) */
	STR(notify_lang, "tagihd", "id",
	    "Language of messages to subscribers.", .choices = "id|en"),
	STR(notify_templates, "tagihd", NULL,
	    "Directory of operator templates LANG/EVENT.txt (first line "
	    "'Subject: ...' for e-mail); unset = the built-in ones."),
	INT(notify_max_attempts, "tagihd", 1, 100, "5",
	    "Attempts per message before it is marked failed."),
	INT(notify_retry_base, "tagihd", 1, 86400, "60",
	    "Seconds before the first retry; doubled each time, at most 6 h."),
	STR(wa_gateway_url, "tagihd", NULL,
	    "Generic WhatsApp HTTP gateway endpoint (POST); unset = off."),
	SECRET(wa_gateway_token, "tagihd",
	       "Sent as the Authorization header to the WhatsApp gateway."),
	STR(wa_gateway_body, "tagihd",
	    "{\"target\":\"{phone}\",\"message\":\"{message}\"}",
	    "Request body template: {phone} and {message} are filled in "
	    "(JSON-escaped for a JSON body, URL-encoded for a form)."),
	STR(wa_cloud_url, "tagihd", "https://graph.facebook.com/v20.0",
	    "WhatsApp Cloud API base URL."),
	STR(wa_cloud_phone_id, "tagihd", NULL,
	    "WhatsApp Cloud API phone number id; unset = off."),
	SECRET(wa_cloud_token, "tagihd", "WhatsApp Cloud API access token."),
	STR(smtp_url, "tagihd", NULL,
	    "SMTP server for e-mail, e.g. smtps://mail.example.net:465; "
	    "unset = off."),
	STR(smtp_user, "tagihd", NULL, "SMTP login."),
	SECRET(smtp_password, "tagihd", "SMTP password."),
	STR(smtp_from, "tagihd", NULL, "Sender address of e-mails."),
	STR(invoice_pdf_dir, "tagihd", NULL,
	    "Directory where tagihd writes invoice PDFs (number with '/' as "
	    "'-', .pdf, mode 0600) and attaches them to invoice and reminder "
	    "e-mails, and receipts (kuitansi-REF.pdf) for payment e-mails; "
	    "each e-mail gets its PDF made afresh (status as of then). It "
	    "must be writable by tagihd's user; unset = no attachment."),
	/* payment links: `tagih invoice paylink` and the customer page */
	STR(paylink_gateway, "tagihd", "midtrans",
	    "Gateway of payment links unless one is asked for.",
	    .choices = "midtrans|xendit|tripay|duitku"),
	STR(midtrans_api_url, "tagihd", "https://app.midtrans.com",
	    "Midtrans Snap base URL (sandbox: https://app.sandbox.midtrans.com)."),
	STR(xendit_api_url, "tagihd", "https://api.xendit.co",
	    "Xendit API base URL."),
	SECRET(xendit_secret_key, "tagihd",
	       "Xendit secret API key (creates invoices; confirms each "
	       "callback with GET /v2/invoices/ID)."),
	STR(tripay_api_url, "tagihd", "https://tripay.co.id/api",
	    "Tripay API base URL (sandbox: https://tripay.co.id/api-sandbox)."),
	SECRET(tripay_api_key, "tagihd",
	       "Tripay API key (Bearer, creates transactions; confirms each "
	       "callback with GET /transaction/detail)."),
	STR(tripay_merchant_code, "tagihd", NULL, "Tripay merchant code."),
	STR(tripay_method, "tagihd", "QRIS",
	    "Tripay closed-payment channel (QRIS, BRIVA, BCAVA, ALFAMART, ...)."),
	STR(duitku_api_url, "tagihd", "https://passport.duitku.com",
	    "Duitku base URL (sandbox: https://sandbox.duitku.com); callbacks "
	    "are confirmed with POST /webapi/api/merchant/transactionStatus."),
	STR(duitku_method, "tagihd", "SP",
	    "Duitku payment method code (SP = QRIS ShopeePay, BC = BCA VA, ...)."),
	/* webhooks: every notification is confirmed with the gateway's
	 * status API before anything is booked (billing/gateway/wh_verify.c);
	 * Xendit, Tripay and Duitku are asked at the *_api_url above */
	STR(midtrans_status_url, "tagihd", "https://api.midtrans.com",
	    "Midtrans Core API base URL, asked GET /v2/ORDER/status to "
	    "confirm each notification (sandbox: "
	    "https://api.sandbox.midtrans.com)."),
	INT(gateway_timeout, "tagihd", 1, 60, "10",
	    "Seconds a gateway's status API has to confirm a notification; "
	    "slower or unreachable, the webhook is answered 503 and nothing "
	    "is booked (the gateway retries)."),
};

#define CONF_N (sizeof(conf_opts) / sizeof(conf_opts[0]))

const struct conf_opt *conf_table(size_t *n)
{
	*n = CONF_N;
	return conf_opts;
}

static const struct conf_opt *conf_find(const char *key)
{
	size_t i;

	for (i = 0; i < CONF_N; i++)
		if (!strcmp(conf_opts[i].key, key))
			return &conf_opts[i];
	return NULL;
}

static bool conf_choice_ok(const char *choices, const char *val)
{
	size_t n = strlen(val);
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);

		if (l == n && !strncmp(p, val, n))
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

/* Checks that need more than the table: zone names, fee syntax. */
static int conf_check(const struct conf_opt *o, const char *val,
		      const char **why)
{
	if (o->choices && !conf_choice_ok(o->choices, val)) {
		*why = "not one of the allowed values";
		return -EINVAL;
	}
	if (!strcmp(o->key, "timezone")) {
		char saved[32];

		snprintf(saved, sizeof(saved), "%s", tt_zone_name());
		if (tt_set_zone(val)) {
			*why = "unknown zone (Asia/Jakarta, Asia/Makassar, "
			       "Asia/Jayapura, UTC or +HH:00)";
			return -EINVAL;
		}
		tt_set_zone(saved);
	}
	/* Midtrans order ids carry the number's '/' as '~' (paylink.h) */
	if (!strcmp(o->key, "invoice_prefix") && strchr(val, '~')) {
		*why = "'~' is reserved (Midtrans order ids use it for '/')";
		return -EINVAL;
	}
	/* the prefix is part of every invoice number: a key, a file name,
	 * a URL path and a gateway order id, so it stays plain ASCII */
	if ((!strcmp(o->key, "invoice_prefix") ||
	     !strcmp(o->key, "receipt_prefix")) &&
	    (!*val || strlen(val) > 20 ||
	     strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") != strlen(val))) {
		*why = "1..20 of A-Z a-z 0-9 . _ -";
		return -EINVAL;
	}
	if (!strcmp(o->key, "late_fee")) {
		size_t n = strlen(val);
		rp_t v;

		if (n > 1 && val[n - 1] == '%') {
			char num[16];

			if (n - 1 >= sizeof(num) ||
			    strspn(val, "0123456789.") != n - 1) {
				*why = "percentage must look like 2% or 2.5%";
				return -EINVAL;
			}
			memcpy(num, val, n - 1);
			num[n - 1] = '\0';
			if (strtod(num, NULL) > 100) {
				*why = "percentage above 100%";
				return -EINVAL;
			}
		} else if (money_parse(val, &v) || !money_in_range(v)) {
			*why = "not whole Rupiah (at most 1.000.000.000.000) or "
			       "a percentage";
			return -EINVAL;
		}
	}
	return 0;
}

int conf_set(struct tagih_conf *c, const char *key, const char *val,
	     const char **why)
{
	const struct conf_opt *o = conf_find(key);
	const char *dummy;
	char **sp, *dup;
	long long v;
	char *end;
	int *cnt;

	if (!why)
		why = &dummy;
	if (!o) {
		*why = "unknown key";
		return -EINVAL;
	}
	if (!val) {
		*why = "missing value";
		return -EINVAL;
	}
	/* every string value is text: UTF-8, no control characters */
	if ((o->type == CONF_STR || o->type == CONF_LIST) &&
	    text_check(val, strlen(val), why))
		return -EINVAL;
	switch (o->type) {
	case CONF_INT:
		errno = 0;
		v = strtoll(val, &end, 10);
		if (!*val || *end || errno) {
			*why = "not an integer";
			return -EINVAL;
		}
		if (v < o->min || v > o->max) {
			*why = "out of range";
			return -EINVAL;
		}
		*(int64_t *)((char *)c + o->off) = v;
		return 0;
	case CONF_BOOL:
		if (!strcasecmp(val, "yes") || !strcasecmp(val, "true") ||
		    !strcasecmp(val, "on") || !strcmp(val, "1"))
			*(bool *)((char *)c + o->off) = true;
		else if (!strcasecmp(val, "no") || !strcasecmp(val, "false") ||
			 !strcasecmp(val, "off") || !strcmp(val, "0"))
			*(bool *)((char *)c + o->off) = false;
		else {
			*why = "not a boolean (yes/no)";
			return -EINVAL;
		}
		return 0;
	case CONF_STR:
		if (conf_check(o, val, why))
			return -EINVAL;
		dup = strdup(val);
		if (!dup) {
			*why = "out of memory";
			return -ENOMEM;
		}
		sp = (char **)((char *)c + o->off);
		free(*sp);
		*sp = dup;
		return 0;
	case CONF_LIST:
		cnt = (int *)((char *)c + o->count_off);
		if (!*val) {
			*why = "empty value";
			return -EINVAL;
		}
		if (*cnt >= CONF_MAX_IFACES) {
			*why = "too many values (limit 16)";
			return -EINVAL;
		}
		dup = strdup(val);
		if (!dup) {
			*why = "out of memory";
			return -ENOMEM;
		}
		sp = (char **)((char *)c + o->off);
		sp[(*cnt)++] = dup;
		return 0;
	}
	*why = "bad table entry";
	return -EINVAL;
}

int conf_defaults(struct tagih_conf *c)
{
	const char *why;
	size_t i;
	int err;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CONF_N; i++) {
		if (!conf_opts[i].def)
			continue;
		err = conf_set(c, conf_opts[i].key, conf_opts[i].def, &why);
		if (err) {
			pr_warn("default of %s: %s", conf_opts[i].key, why);
			conf_free(c);
			return err == -ENOMEM ? -ENOMEM : -EINVAL;
		}
	}
	return 0;
}

void conf_free(struct tagih_conf *c)
{
	size_t i;
	int j;

	for (i = 0; i < CONF_N; i++) {
		const struct conf_opt *o = &conf_opts[i];
		char **sp = (char **)((char *)c + o->off);

		if (o->type == CONF_STR) {
			free(*sp);
			*sp = NULL;
		} else if (o->type == CONF_LIST) {
			int *cnt = (int *)((char *)c + o->count_off);

			for (j = 0; j < *cnt; j++) {
				free(sp[j]);
				sp[j] = NULL;
			}
			*cnt = 0;
		}
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * The value part of a line, in place: "..." unquoted (\" and \\ escapes),
 * or a bare value up to a comment. A comment starts only at the beginning
 * of a line or after a blank, so '#' inside a bare value (a secret like
 * ab#cd) is refused instead of silently cutting the value. blank_before:
 * v[0] follows a blank on the line.
 */
static int conf_value(char *v, bool blank_before, const char **why)
{
	char *r, *w;

	if (*v != '"') {
		for (r = v; *r; r++) {
			if (*r != '#')
				continue;
			if (r == v ? blank_before : isspace((unsigned char)r[-1])) {
				*r = '\0';	/* a comment */
				break;
			}
			*why = "'#' inside a value: quote the value (\"...\") "
			       "if it belongs to it, or put a blank before a "
			       "comment";
			return -EINVAL;
		}
		trim(v);
		return 0;
	}
	for (r = v + 1, w = v; *r && *r != '"'; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	if (*r != '"') {
		*why = "unterminated quote";
		return -EINVAL;
	}
	*w = '\0';
	if (r[1] && !isspace((unsigned char)r[1])) {
		*why = "text after the closing quote";
		return -EINVAL;
	}
	r = trim(r + 1);
	if (*r && *r != '#') {
		*why = "text after the closing quote";
		return -EINVAL;
	}
	return 0;
}

static void conf_warn_set(const char *path, int lineno, const char *key,
			  const char *val, const char *why)
{
	const struct conf_opt *o = conf_find(key);

	if (o && o->type == CONF_INT && !strcmp(why, "out of range"))
		pr_warn("%s:%d: %s: %s out of range %lld..%lld", path, lineno,
			key, val, (long long)o->min, (long long)o->max);
	else if (o && o->choices && !o->secret)
		pr_warn("%s:%d: %s: %s (one of %s)", path, lineno, key, why,
			o->choices);
	else
		pr_warn("%s:%d: %s: %s", path, lineno, key, why);
}

int conf_load(struct tagih_conf *c, const char *path)
{
	int seen[CONF_N] = { 0 };	/* line each key was set on */
	bool secrets = false;
	const char *why;
	struct stat sb;
	char *line = NULL, *key, *val, *eq;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, err = 0, e;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		pr_warn("%s: %s", path, strerror(errno));
		return err;
	}
	/* fopen takes a directory too; getline would then just end */
	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode)) {
		pr_warn("%s: not a regular file", path);
		fclose(f);
		return -EINVAL;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		const struct conf_opt *o;

		lineno++;
		if (memchr(line, '\0', (size_t)len)) {
			pr_warn("%s:%d: a NUL byte in the line", path, lineno);
			err = -EINVAL;
			continue;
		}
		key = trim(line);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			pr_warn("%s:%d: expected \"key = value\"", path, lineno);
			err = -EINVAL;
			continue;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		if (conf_value(val, val > eq + 1, &why)) {
			pr_warn("%s:%d: %s: %s", path, lineno, key, why);
			err = -EINVAL;
			continue;
		}
		o = conf_find(key);
		if (o && o->type != CONF_LIST && seen[o - conf_opts]) {
			pr_warn("%s:%d: %s given twice (first on line %d)",
				path, lineno, key, seen[o - conf_opts]);
			err = -EINVAL;
			continue;
		}
		e = conf_set(c, key, val, &why);
		if (e) {
			conf_warn_set(path, lineno, key, val, why);
			err = e == -ENOMEM ? e : -EINVAL;
			if (e == -ENOMEM)
				break;
			continue;
		}
		seen[o - conf_opts] = lineno;
		if (o->secret && *val)
			secrets = true;
	}
	if (secrets && (sb.st_mode & 0044))
		pr_warn("%s holds secrets but is readable by others "
			"(chmod 600 it)", path);
	free(line);
	fclose(f);
	return err;
}

/* Word-wrap help text into "# " comment lines of at most 76 columns. */
static void conf_wrap(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > 74) {
			cut = 74;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)
				cut = 74;
		}
		fprintf(f, "# %.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

static const struct {
	const char *name, *title;
} conf_sections[] = {
	{ "common", "Common to tagih-agent, tagihd and tagih" },
	{ "agent", "tagih-agent: the XDP meter and enforcement" },
	{ "billing", "Billing: invoices, tax, dunning" },
	{ "tagihd", "tagihd: customer portal and payment webhooks" },
};
#define N_SECTIONS (sizeof(conf_sections) / sizeof(conf_sections[0]))

void conf_write_example(FILE *f)
{
	size_t s, i;

	fprintf(f, "# tagih.conf - configuration of tagih-agent, tagihd and "
		   "tagih.\n"
		   "#\n"
		   "# \"key = value\", one per line. '#' starts a comment at "
		   "the start of a line\n# or after a blank; a value holding "
		   "'#' must be \"quoted\". A key given twice,\n# an unknown "
		   "key or a bad value stops every program with the line "
		   "number.\n"
		   "# Keys left commented out take the default shown. "
		   "Generated by\n"
		   "# `tagih config example`: edit the table in "
		   "lib/conf.c, not this file.\n"
		   "# Keep this file mode 0600 when it holds gateway keys.\n");
	for (s = 0; s < N_SECTIONS; s++) {
		fprintf(f, "\n########################################"
			   "##################################\n"
			   "# %s\n"
			   "########################################"
			   "##################################\n",
			conf_sections[s].title);
		for (i = 0; i < CONF_N; i++) {
			const struct conf_opt *o = &conf_opts[i];

			if (strcmp(o->section, conf_sections[s].name))
				continue;
			fprintf(f, "\n");
			conf_wrap(f, o->help);
			if (o->type == CONF_INT)
				fprintf(f, "# Integer, %lld..%lld.\n",
					(long long)o->min, (long long)o->max);
			else if (o->type == CONF_BOOL)
				fprintf(f, "# yes or no.\n");
			else if (o->choices)
				fprintf(f, "# One of: %s.\n", o->choices);
			else if (o->type == CONF_LIST)
				fprintf(f, "# Repeatable, up to %d.\n",
					CONF_MAX_IFACES);
			if (o->secret)
				fprintf(f, "# Secret: never printed or "
					   "logged.\n");
			if (o->def)
				fprintf(f, "#%s = %s\n", o->key, o->def);
			else if (o->type == CONF_LIST)
				fprintf(f, "#%s = eth1\n", o->key);
			else
				fprintf(f, "#%s =\n", o->key);
		}
	}
}

/* scdoc markup characters in running text */
static void man_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '*' || *s == '_' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static const char *man_type(const struct conf_opt *o)
{
	switch (o->type) {
	case CONF_INT:
		return "integer";
	case CONF_BOOL:
		return "yes|no";
	case CONF_LIST:
		return "text (repeatable)";
	case CONF_STR:
		break;
	}
	return o->choices ? o->choices : "text";
}

void conf_write_man(FILE *f)
{
	size_t s, i;

	fprintf(f,
		"tagih.conf(5) \"tagih\" \"tagih manual\"\n\n"
		"; Generated by `tagih config man` from the table in "
		"lib/conf.c: edit that.\n\n"
		"# NAME\n\n"
		"tagih.conf - configuration of tagih-agent, tagihd and tagih\n\n"
		"# SYNOPSIS\n\n"
		"_/etc/tagih/tagih.conf_\n\n"
		"# DESCRIPTION\n\n"
		"One file configures *tagih-agent*(8), *tagihd*(8) and "
		"*tagih*(8). Each line is *key = value*. A line whose first "
		"character other than blanks is *#* is a comment, and so is "
		"the rest of a line from a *#* that follows a blank. A value "
		"may be written in double quotes (with \\\\\" and \\\\\\\\ "
		"inside); a *#* inside an unquoted value is refused, so a "
		"secret that holds one must be quoted.\n\n"
		"Every key is read from the one table this page is made from, "
		"so *tagih config example* prints the same keys with their "
		"defaults, and the same table checks the file: an unknown "
		"key, a key given twice (except the repeatable ones), a value "
		"out of its bounds, a NUL byte or a line without *=* is refused "
		"with the file name and line number, and the program does not "
		"start. *tagih config check* reads the file and says so.\n\n"
		"The file holds gateway secrets: keep it mode 0600 (the "
		"programs warn when it is readable by others).\n\n"
		"A non-PKP operator (not registered for VAT, as most RT/RW Nets "
		"are) sets *tax\\_mode = none*. A PKP operator sets "
		"*operator\\_npwp*; *tagih invoice run* refuses to charge PPN "
		"without it.\n\n");
	for (s = 0; s < N_SECTIONS; s++) {
		fprintf(f, "# %s\n\n", conf_sections[s].title);
		for (i = 0; i < CONF_N; i++) {
			const struct conf_opt *o = &conf_opts[i];

			if (strcmp(o->section, conf_sections[s].name))
				continue;
			fprintf(f, "*");
			man_str(f, o->key);
			fprintf(f, "* = _");
			man_str(f, man_type(o));
			fprintf(f, "_\n\t");
			man_str(f, o->help);
			if (o->type == CONF_INT)
				fprintf(f, " From %lld to %lld.",
					(long long)o->min, (long long)o->max);
			if (o->secret)
				fprintf(f, " Secret: never printed or logged.");
			if (o->def && *o->def) {
				fprintf(f, " Default: ");
				man_str(f, o->def);
				fprintf(f, ".");
			} else if (!o->def) {
				fprintf(f, " Unset by default.");
			}
			fprintf(f, "\n\n");
		}
	}
	fprintf(f,
		"# FILES\n\n"
		"_/etc/tagih/tagih.conf_\n\tThe config file.\n\n"
		"_/usr/local/share/doc/tagih/tagih.conf.example_\n\tThe "
		"commented example, the output of *tagih config example*.\n\n"
		"# SEE ALSO\n\n"
		"*tagih*(8), *tagih-agent*(8), *tagihd*(8)\n");
}
