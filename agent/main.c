// SPDX-License-Identifier: GPL-2.0
/* main.c - tagih-agent: options, config and signals; the work is in lifecycle.c and loop.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "agent/agent.h"
#include "agent/bpflog.h"
#include "bpf/tagih.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "lib/version.h"	/* generated into $(BUILD) */

/* --- options ------------------------------------------------------------- */

static const struct option long_opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "lan", required_argument, NULL, 'l' },
	{ "wan", required_argument, NULL, 'w' },
	{ "listen", required_argument, NULL, 'L' },
	{ "interval", required_argument, NULL, 'i' },
	{ "xdp-mode", required_argument, NULL, 'm' },
	{ "download-hook", required_argument, NULL, 'H' },
	{ "bpf-pin-dir", required_argument, NULL, 'b' },
	{ "gateway-id", required_argument, NULL, 'g' },
	{ "max-subscribers", required_argument, NULL, 'S' },
	{ "max-prefixes", required_argument, NULL, 'P' },
	{ "policy-poll-ms", required_argument, NULL, 'p' },
	{ "config", required_argument, NULL, 'c' },
	{ "detach", no_argument, NULL, 'D' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *opt_key(int c)
{
	switch (c) {
	case 'd': return "db";
	case 'l': return "lan";
	case 'w': return "wan";
	case 'L': return "listen";
	case 'i': return "interval";
	case 'm': return "xdp_mode";
	case 'H': return "download_hook";
	case 'b': return "bpf_pin_dir";
	case 'g': return "gateway_id";
	case 'S': return "max_subscribers";
	case 'P': return "max_prefixes";
	case 'p': return "policy_poll_ms";
	default: return NULL;
	}
}

static void usage(FILE *f)
{
	const struct conf_opt *t;
	size_t n, i;

	fprintf(f,
"Usage: tagih-agent --db DIR --lan IFACE --wan IFACE [options]\n"
"\n"
"The gateway daemon of tagih. It attaches the meter (XDP or tc) to the\n"
"subscriber side (--lan: counts each subscriber's upload by source\n"
"address) and the upstream side (--wan: download by destination address;\n"
"with NAT on this box, the lan egress after de-NAT), pins the maps\n"
"under bpf_pin_dir and every --interval seconds moves the counters\n"
"into the store, exactly once. It keeps the XDP maps equal to the store:\n"
"prefixes, isolir (suspended subscribers) and the walled garden; a change\n"
"made with `tagih` reaches the wire within policy_poll_ms.\n"
"\n"
"Counting goes on in the kernel while the agent is stopped; a restarted\n"
"agent keeps the attached programs and bills what was counted meanwhile.\n"
"\n"
"Options (each is also a config key, shown in brackets):\n"
"  -d, --db DIR            the LMDB store [db]\n"
"  -l, --lan IFACE         subscriber-facing interface, repeatable [lan]\n"
"  -w, --wan IFACE         upstream interface, repeatable [wan]\n"
"  -L, --listen ADDR:PORT  stats endpoint, e.g. 127.0.0.1:9247 or\n"
"                          [::1]:9247 [listen]\n"
"  -i, --interval SECONDS  seconds between drains [interval]\n"
"  -m, --xdp-mode MODE     auto (tc on veth, bridges, VLANs and other\n"
"                          virtual devices, native XDP on real NICs, tc\n"
"                          where the driver has none), native, skb or tc\n"
"                          [xdp_mode]\n"
"  -H, --download-hook H   where downloads are billed: wan (wan ingress),\n"
"                          lan (lan egress, after this box's own NAT) or\n"
"                          auto (lan when masquerade/SNAT is set up)\n"
"                          [download_hook]\n"
"  -b, --bpf-pin-dir DIR   where the maps are pinned; one agent and one\n"
"                          store per folder [bpf_pin_dir]\n"
"  -g, --gateway-id N      this gateway's id in usage records [gateway_id]\n"
"  -S, --max-subscribers N  subscriber slots in the maps [max_subscribers]\n"
"  -P, --max-prefixes N    prefixes per family [max_prefixes]\n"
"  -p, --policy-poll-ms MS how often the store is checked for changes\n"
"                          [policy_poll_ms]\n"
"  -c, --config FILE       read key = value lines first; options win\n"
"  -D, --detach            on SIGTERM/SIGINT: drain, then detach the\n"
"                          programs and remove the pinned maps (uninstall;\n"
"                          without it maps and programs stay and count)\n"
"  -v, --verbose           debug logging\n"
"  -h, --help              this text\n"
"      --version           print the version and exit\n"
"\n"
"Config keys for tagih-agent (defaults in brackets):\n");
	t = conf_table(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(t[i].section, "agent") &&
		    strcmp(t[i].section, "common"))
			continue;
		fprintf(f, "  %-18s %s [%s]\n", t[i].key, t[i].help,
			t[i].def ? t[i].def : "");
	}
	fprintf(f,
"\n"
"Endpoints: GET /v1/subscribers/ID/usage[?from=&to=&step=hour|day],\n"
"/v1/usage?from=&to=, /metrics (Prometheus), /healthz.\n"
"\n"
"Example:\n"
"  tagih-agent --db /var/lib/tagih --lan eth1 --wan eth0\n"
"  curl -s 127.0.0.1:9247/v1/subscribers/budi/usage?from=2026-11-01\n"
"\n"
"Signals: SIGTERM/SIGINT drain once more and exit. One agent per store and\n"
"per pin folder (locks on DB/agent.lock and the bpf_pin_dir folder); the\n"
"pin folder records the store that owns it, and an agent refuses another's.\n");
}

static void clear_list(char **v, int *n)
{
	while (*n > 0)
		free(v[--*n]);
}

/* Returns 0, or the exit code. */
static int parse_args(struct agent *a, int argc, char **argv)
{
	bool cli_lan = false, cli_wan = false;
	const char *config = NULL, *why;
	int c, err, verbose = 0;

	while ((c = getopt_long(argc, argv, "d:l:w:L:i:m:H:b:g:S:P:p:c:DvhV", long_opts,
				NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			printf("tagih-agent %s\n", TAGIH_VERSION);
			exit(0);
		}
		if (c == 'c')
			config = optarg;
		if (c == '?') {
			fprintf(stderr, "Try `tagih-agent --help'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tagih-agent: unexpected argument %s\n",
			argv[optind]);
		return 2;
	}
	if (conf_defaults(&a->conf))
		return 1;
	if (config) {
		err = conf_load(&a->conf, config);
		if (err == -ENOENT)
			pr_warn("config %s: no such file", config);
		if (err)
			return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:l:w:L:i:m:H:b:g:S:P:p:c:DvhV", long_opts,
				NULL)) != -1) {
		const char *key = opt_key(c);

		if (c == 'D')
			a->detach = true;
		if (c == 'v')
			verbose = 1;
		if (!key)
			continue;
		/* interfaces on the command line replace the config's */
		if (c == 'l' && !cli_lan) {
			clear_list(a->conf.lan, &a->conf.n_lan);
			cli_lan = true;
		}
		if (c == 'w' && !cli_wan) {
			clear_list(a->conf.wan, &a->conf.n_wan);
			cli_wan = true;
		}
		why = "bad value";
		if (conf_set(&a->conf, key, optarg, &why)) {
			fprintf(stderr, "tagih-agent: %s = %s: %s\n", key,
				optarg, why);
			return 2;
		}
	}
	if (verbose)
		log_set_level(LOG_DEBUG);
	else if (a->conf.log_level && !strcmp(a->conf.log_level, "debug"))
		log_set_level(LOG_DEBUG);
	else if (a->conf.log_level && !strcmp(a->conf.log_level, "warn"))
		log_set_level(LOG_WARN);
	if (!a->conf.db || !*a->conf.db) {
		fprintf(stderr, "tagih-agent: --db DIR is required\n");
		return 2;
	}
	if (a->conf.n_lan + a->conf.n_wan == 0) {
		fprintf(stderr, "tagih-agent: give at least one --lan IFACE "
				"(subscriber side) and one --wan IFACE "
				"(upstream)\nTry `tagih-agent --help'.\n");
		return 2;
	}
	if (!a->conf.n_lan)
		pr_warn("no --lan interface: upload is not metered");
	if (!a->conf.n_wan)
		pr_warn("no --wan interface: download is not metered");
	return 0;
}

int main(int argc, char **argv)
{
	struct agent a = { .lock_fd = -1, .pin_lock_fd = -1 };
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	sigset_t mask;
	int rc, sfd, err;

	log_set_ident("tagih-agent");
	log_route_libbpf();
	pthread_mutex_init(&a.lock, NULL);
	rc = parse_args(&a, argc, argv);
	if (rc)
		goto out;
	setrlimit(RLIMIT_MEMLOCK, &rl);	/* old kernels charge maps here */

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		pr_warn("signalfd: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	err = agent_setup(&a);
	rc = err ? 1 : agent_run(&a, sfd);
	agent_teardown(&a);
	close(sfd);
out:
	conf_free(&a.conf);
	return rc;
}
