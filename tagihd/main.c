// SPDX-License-Identifier: GPL-2.0
/* main.c - tagihd: the public daemon (payment webhooks, customer page), no privileges. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/net.h"
#include "lib/version.h"	/* generated into $(BUILD) */
#include "lib/ttime.h"
#include "billing/prepaid.h"
#include "tagihd/caps.h"
#include "tagihd/console/console.h"
#include "tagihd/tagihd.h"
#include "tagihd/notify.h"
#include "tagihd/ratelimit.h"
#include <curl/curl.h>

static void usage(FILE *f)
{
	fprintf(f,
"usage: tagihd --db DIR --config FILE [--listen ADDR:PORT]\n"
"              [--admin-listen ADDR:PORT|off] [--verbose]\n"
"\n"
"The public daemon: payment gateway webhooks (POST /webhooks/midtrans,\n"
"/webhooks/xendit, /webhooks/tripay, /webhooks/duitku) and the customer\n"
"page, and on a listener of its own the operator's console and its JSON\n"
"API (/api/v1). It drops every capability at start and shares the store\n"
"with tagih-agent, which applies suspension changes to the XDP maps.\n"
"\n"
"  --db DIR          the store (default: config 'db')\n"
"  --config FILE     config with the gateway secrets; must be mode 0600\n"
"  --listen A:P      listen address (default: config 'public_listen',\n"
"                    else 0.0.0.0:8080)\n"
"  --admin-listen A:P the console (default: config 'admin_listen', else\n"
"                    127.0.0.1:8082; off = none)\n"
"  --verbose         debug logging\n"
"  --version         print the version and exit\n");
}

/*
 * Secrets live in the config: refuse one that others can read, and say
 * how to fix it. Returns 0 or -errno.
 */
static int conf_file_check(const char *path)
{
	struct stat sb;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = -errno;
		pr_warn("cannot open config %s: %s", path, strerror(errno));
		return err;
	}
	if (fstat(fd, &sb)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	if (!S_ISREG(sb.st_mode)) {
		pr_warn("config %s is not a regular file", path);
		return -EINVAL;
	}
	if (sb.st_mode & 077) {
		pr_warn("config %s is mode %04o but holds gateway secrets: "
			"it must be 0600 (chmod 600 %s); refusing to start",
			path, (unsigned)(sb.st_mode & 07777), path);
		return -EPERM;
	}
	if (sb.st_uid != geteuid()) {
		pr_warn("config %s is owned by uid %u, not by us (uid %u); "
			"refusing to start", path, (unsigned)sb.st_uid,
			(unsigned)geteuid());
		return -EPERM;
	}
	return 0;
}

/* Whole small file (at most 1 MiB) into a NUL-terminated buffer (PEM);
 * what names the config key in messages. NULL on error, said why. */
static char *slurp(const char *what, const char *path)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f) {
		pr_warn("cannot read %s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb;

			if (cap > (1 << 20)) {
				err = EFBIG;
				goto fail;
			}
			cap += 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err = errno;
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
fail:
	pr_warn("cannot read %s %s: %s", what, path, strerror(err));
	free(buf);
	fclose(f);
	return NULL;
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* What the command line chose. */
struct args {
	const char *db, *config, *listen, *admin;
};

/* Returns -1 to go on, else the exit status (0 after --help). */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "admin-listen", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "d:c:l:a:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			a->db = optarg;
			break;
		case 'c':
			a->config = optarg;
			break;
		case 'l':
			a->listen = optarg;
			break;
		case 'a':
			a->admin = optarg;
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tagihd %s\n", TAGIH_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !a->config) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/*
 * The config (refused when others can read it), the store's path, the
 * listen address, the webhook secrets and the login limiters. Returns 0
 * or -errno (said why).
 */

/*
 * A gateway whose notifications are checked (its signing secret is set)
 * but cannot be confirmed with its status API (a key or URL missing):
 * every notification from it will be answered 503 and never booked, so
 * say so at start, naming the keys (never their values).
 */
static void tagihd_warn_unconfirmable(struct tagihd *d)
{
	struct wh_status_req rq;
	struct wh_event ev = { 0 };
	char why[128];
	int gw;

	snprintf(ev.order_id, sizeof(ev.order_id), "probe");
	snprintf(ev.txn_id, sizeof(ev.txn_id), "probe");
	for (gw = 0; gw < WH__MAX; gw++) {
		struct wh_input in = { "", 0, NULL, 0 };
		struct wh_event tmp;

		/* -ENOKEY: the gateway's webhook is not configured at all */
		if (wh_parser(gw)(&in, &d->sec, &tmp) == -ENOKEY)
			continue;
		ev.gw = gw;
		if (wh_status_req_make(&d->conf, &ev, &rq, why, sizeof(why))) {
			pr_warn("%s notifications cannot be confirmed with its "
				"status API (%s): they will be answered 503 and "
				"never booked", wh_gateway_name(gw), why);
			continue;
		}
		wh_status_req_free(&rq);
	}
}
static int setup(struct tagihd *d, struct args *a)
{
	int err;

	err = conf_defaults(&d->conf);
	if (err) {
		pr_warn("out of memory");
		return err;
	}
	err = conf_file_check(a->config);
	if (!err)
		err = conf_load(&d->conf, a->config);
	if (err)
		return err;
	if (d->conf.timezone && tt_set_zone(d->conf.timezone)) {
		pr_warn("unknown timezone '%s'", d->conf.timezone);
		return -EINVAL;
	}
	{
		const char *why;

		/* receipts of prepaid purchases paid through webhooks */
		if (prepaid_configure(&d->conf, &why)) {
			pr_warn("config: %s", why);
			return -EINVAL;
		}
	}
	if (!a->db)
		a->db = nz(d->conf.db);
	if (!a->db) {
		pr_warn("no store: give --db DIR or set 'db' in %s", a->config);
		return -EINVAL;
	}
	if (!a->listen)
		a->listen = nz(d->conf.public_listen) ?: "0.0.0.0:8080";
	if (!a->admin)
		a->admin = nz(d->conf.admin_listen) ?: "off";
	if (!strcmp(a->admin, a->listen)) {
		pr_warn("admin_listen is the public listener (%s): the "
			"console is never served there; give it its own "
			"address (default 127.0.0.1:8082)", a->listen);
		return -EINVAL;
	}
	d->sec.midtrans_server_key = nz(d->conf.midtrans_server_key);
	d->sec.xendit_callback_token = nz(d->conf.xendit_callback_token);
	d->sec.tripay_private_key = nz(d->conf.tripay_private_key);
	d->sec.duitku_merchant_code = nz(d->conf.duitku_merchant_code);
	d->sec.duitku_api_key = nz(d->conf.duitku_api_key);
	tagihd_warn_unconfirmable(d);
	d->body_max = TAGIHD_BODY_MAX;
	d->login_phone = rl_new(TAGIHD_LOGIN_SLOTS, TAGIHD_LOGIN_FAIL_PHONE,
				TAGIHD_LOGIN_WINDOW, TAGIHD_LOGIN_LOCK);
	d->login_ip = rl_new(TAGIHD_LOGIN_SLOTS, TAGIHD_LOGIN_FAIL_IP,
			     TAGIHD_LOGIN_WINDOW, TAGIHD_LOGIN_LOCK);
	d->voucher_ip = rl_new(TAGIHD_LOGIN_SLOTS, TAGIHD_VOUCHER_FAIL,
			       TAGIHD_LOGIN_WINDOW, TAGIHD_LOGIN_LOCK);
	d->voucher_sub = rl_new(TAGIHD_LOGIN_SLOTS, TAGIHD_VOUCHER_FAIL,
				TAGIHD_LOGIN_WINDOW, TAGIHD_LOGIN_LOCK);
	if (!d->login_phone || !d->login_ip || !d->voucher_ip ||
	    !d->voucher_sub) {
		pr_warn("cannot set up the login limits");
		return -ENOMEM;
	}
	return 0;
}

/* The TLS pair into cert/key (both or neither set). Returns 0 or -errno. */
static int tls_read(struct tagihd *d, char **cert, char **key)
{
	const char *c = nz(d->conf.tls_cert), *k = nz(d->conf.tls_key);

	if (!c && !k)
		return 0;
	if (!c || !k) {
		pr_warn("%s is set but %s is not: set both for HTTPS or "
			"neither for plain HTTP; refusing to start",
			c ? "tls_cert" : "tls_key", c ? "tls_key" : "tls_cert");
		return -EINVAL;
	}
	*cert = slurp("tls_cert", c);
	*key = slurp("tls_key", k);
	return *cert && *key ? 0 : -EIO;
}

/*
 * Everything that may need privilege, then the drop: reading the TLS key,
 * binding a low port. The store is opened after. Returns the listening
 * socket or -errno (said why).
 */
static int privileged(struct tagihd *d, const struct args *a, char **cert,
		      char **key, int *cfd)
{
	char why[NET_ERR_LEN];
	int fd, err;

	err = tls_read(d, cert, key);
	if (err)
		return err;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		pr_warn("cannot initialise libcurl");
		return -EIO;
	}
	fd = net_listen(a->listen, 128, why, sizeof(why));
	if (fd < 0) {
		pr_warn("%s", why);
		return fd;
	}
	/*
	 * The console's socket, bound here like the public one. An address
	 * that does not parse is a config error; one that cannot be bound
	 * (taken, not on this host) leaves the public side serving, which
	 * takes the payments, without a console: said in the log.
	 */
	*cfd = console_bind(a->admin);
	if (*cfd == -EINVAL) {
		close(fd);
		return -EINVAL;
	}
	if (*cfd < 0)
		pr_warn("console not started: admin_listen %s cannot be "
			"bound", a->admin);
	err = caps_drop_all();
	if (err) {
		pr_warn("cannot drop capabilities; refusing to run");
		close(fd);
		if (*cfd > 0)
			close(*cfd);
		return err;
	}
	return fd;
}

/* Until SIGINT or SIGTERM (SIGHUP: nothing to reload yet). */
static void wait_stop(const sigset_t *sigs)
{
	int sig;

	for (;;) {
		if (sigwait(sigs, &sig) || sig != SIGHUP)
			return;
	}
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct tagihd d;
	struct notify *nt = NULL;
	struct console *con = NULL;
	char *cert = NULL, *key = NULL;
	sigset_t sigs;
	int fd = -1, cfd = -1, rc = 1;

	log_set_ident("tagihd");
	memset(&d, 0, sizeof(d));
	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = 1;
	if (setup(&d, &a))
		goto out;
	fd = privileged(&d, &a, &cert, &key, &cfd);
	store_set_mapsize_gb((uint64_t)d.conf.store_mapsize_gb);
	if (fd < 0 || store_open(&d.st, a.db, 0))
		goto out;

	/* threads inherit the mask: only this thread takes the signals */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (http_start(&d, fd, cert, key))
		goto out;
	fd = -1;	/* libmicrohttpd closes it when it stops */
	if (notify_start(&d, &nt))
		goto out;
	if (cfd > 0) {
		if (console_start(&d, cfd, cert, key, &con))
			goto out;
		cfd = -1;	/* the console's server closes it */
		pr_info("console on %s%s", a.admin, cert ? " (https)" : "");
	}
	pr_info("listening on %s%s (webhooks: %s%s%s%s)", a.listen,
		cert ? " (https)" : "",
		d.sec.midtrans_server_key ? "midtrans " : "",
		d.sec.xendit_callback_token ? "xendit " : "",
		d.sec.tripay_private_key ? "tripay " : "",
		d.sec.duitku_api_key ? "duitku" : "");
	wait_stop(&sigs);
	pr_info("stopping");
	rc = 0;
out:
	console_stop(con);
	notify_stop(nt);
	http_stop(&d);
	if (fd >= 0)
		close(fd);
	if (cfd > 0)
		close(cfd);
	if (d.st)
		store_close(d.st);
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	free(cert);
	rl_free(d.login_phone);
	rl_free(d.login_ip);
	rl_free(d.voucher_ip);
	rl_free(d.voucher_sub);
	conf_free(&d.conf);
	return rc;
}
