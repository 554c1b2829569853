// SPDX-License-Identifier: GPL-2.0
/* main.c - tagih-agent: attach the XDP meter, drain it into LMDB, keep the maps in sync, serve stats. */
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

#include "bpf/tagih.h"
#include "lib/conf.h"
#include "agent/bpflog.h"
#include "agent/drain.h"
#include "billing/dunning.h"
#include "agent/notice.h"
#include "agent/http.h"
#include "agent/loader.h"
#include "lib/log.h"
#include "lib/version.h"	/* generated into $(BUILD) */
#include "agent/maps/mapsync.h"
#include "billing/store.h"
#include "lib/ttime.h"

#define PIN_LOCK "/run/tagih-agent.lock"

struct agent {
	struct tagih_conf conf;
	bool detach;
	struct store *st;
	struct mapsync *ms;
	struct drain drain;
	struct http *http;
	int gstat_fd;
	int lock_fd, pin_lock_fd;
	uint64_t gen[3];		/* prefix_gen, policy_gen, garden_gen */
	pthread_mutex_t lock;		/* guards the fields below (http reads) */
	struct mapsync_stats sync;	/* of the last full reconcile */
	uint64_t sync_full, sync_errors;
	uint64_t drains, drain_errors, drain_ns;
	int64_t last_drain;
};

static const char *const gen_keys[3] = { "prefix_gen", "policy_gen",
					 "garden_gen" };

/*
 * Dunning hook (issue "isolir"): the agent runs the dunning calendar by
 * itself every dunning_interval seconds. The run writes suspensions and
 * restores into the store and bumps "policy_gen"; the poll below then
 * pushes them to the wire (tagih garden bumps "policy_gen" too).
 */
static int agent_dunning(struct agent *a, int64_t now);
static int (*agent_dunning_hook)(struct agent *a, int64_t now) = agent_dunning;

/* Isolir (agent/notice.c, billing/dunning.c): one dunning pass. */
static int agent_dunning(struct agent *a, int64_t now)
{
	struct dunning_policy p;
	struct dunning_report r;
	const char *why;
	int err;

	if (dunning_policy_from_conf(&a->conf, &p, &why)) {
		pr_warn("dunning: config: %s", why);
		return -EINVAL;
	}
	err = dunning_run(a->st, &p, now, "agent:dunning", &r);
	if (err)
		pr_warn("dunning run: %s", strerror(-err));
	else if (r.suspended || r.restored || r.reminders)
		pr_info("dunning: %d suspended, %d restored, %d reminders",
			r.suspended, r.restored, r.reminders);
	return err;
}

/* --- options ------------------------------------------------------------- */

static const struct option long_opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "lan", required_argument, NULL, 'l' },
	{ "wan", required_argument, NULL, 'w' },
	{ "listen", required_argument, NULL, 'L' },
	{ "interval", required_argument, NULL, 'i' },
	{ "xdp-mode", required_argument, NULL, 'm' },
	{ "bpf-object", required_argument, NULL, 'o' },
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
	case 'o': return "bpf_object";
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
"The gateway daemon of tagih. It attaches the XDP meter to the subscriber\n"
"side (--lan: counts each subscriber's upload by source address) and the\n"
"upstream side (--wan: download by destination address), pins the maps\n"
"under " TAGIH_PIN_ROOT " and every --interval seconds moves the counters\n"
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
"  -m, --xdp-mode MODE     auto (skb on veth and other virtual devices,\n"
"                          else native falling back to skb), native or\n"
"                          skb [xdp_mode]\n"
"  -o, --bpf-object FILE   the XDP meter; default: next to the executable\n"
"                          (bpf/tagih_meter.bpf.o, ../lib/tagih/...)\n"
"                          [bpf_object]\n"
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
"per host (lock files DB/agent.lock and " PIN_LOCK ").\n");
}

/* Default meter object: beside the executable, then the installed one. */
static char *find_bpf_object(const char *configured)
{
	static const char *const rel[] = { "bpf/tagih_meter.bpf.o",
					   "../lib/tagih/tagih_meter.bpf.o" };
	const struct conf_opt *t;
	char exe[PATH_MAX], path[PATH_MAX + 64];
	const char *def = NULL;
	size_t n, i;
	ssize_t r;

	t = conf_table(&n);
	for (i = 0; i < n; i++)
		if (!strcmp(t[i].key, "bpf_object"))
			def = t[i].def;
	if (configured && *configured && (!def || strcmp(configured, def)))
		return strdup(configured);	/* chosen by the operator */
	r = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (r > 0) {
		exe[r] = '\0';
		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "%s/%s", dirname(exe),
				 rel[i]);
			if (access(path, R_OK) == 0)
				return strdup(path);
			exe[r] = '\0';	/* dirname() wrote into exe */
		}
	}
	return strdup(configured && *configured ? configured :
			"tagih_meter.bpf.o");
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

	while ((c = getopt_long(argc, argv, "d:l:w:L:i:m:o:g:S:P:p:c:Dvh", long_opts,
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
	while ((c = getopt_long(argc, argv, "d:l:w:L:i:m:o:g:S:P:p:c:Dvh", long_opts,
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

/* --- locking --------------------------------------------------------------- */

static int take_lock(const char *path, const char *what)
{
	char buf[32], other[32] = "";
	ssize_t r;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		pr_warn("lock %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno == EWOULDBLOCK ? -EBUSY : -errno;

		r = pread(fd, other, sizeof(other) - 1, 0);
		other[r > 0 ? r : 0] = '\0';
		other[strcspn(other, "\n")] = '\0';
		pr_warn("another tagih-agent (pid %s) is already running for "
			"%s (lock %s); stop it first",
			*other ? other : "?", what, path);
		close(fd);
		return err;
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, strlen(buf), 0) < 0)
		pr_debug("lock %s: cannot write pid", path);
	return fd;
}

/* --- work --------------------------------------------------------------------- */

static void stats_cb(struct http_stats *s, void *arg)
{
	static const enum mapsync_map order[] = {
		MAPSYNC_PFX4, MAPSYNC_PFX6, MAPSYNC_CNT,
		MAPSYNC_POLICY, MAPSYNC_GARDEN4, MAPSYNC_GARDEN6,
		MAPSYNC_V4DIR, MAPSYNC_V4BLK, MAPSYNC_V6H64,
	};
	struct agent *a = arg;
	size_t i;

	pthread_mutex_lock(&a->lock);
	s->drains = a->drains;
	s->drain_errors = a->drain_errors;
	s->last_drain_ns = a->drain_ns;
	s->last_drain = a->last_drain;
	s->sync_full = a->sync_full;
	s->sync_errors = a->sync_errors;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		s->maps[i].name = mapsync_map_name(order[i]);
		s->maps[i].entries = a->sync.entries[order[i]];
		s->maps[i].max_entries = mapsync_max_entries(a->ms, order[i]);
	}
	s->nmaps = i;
	pthread_mutex_unlock(&a->lock);
	s->have_gstat = drain_gstat(a->gstat_fd, s->gstat) == 0;
}

static int read_gens(struct agent *a, uint64_t gen[3])
{
	MDB_txn *txn;
	int i, err;

	err = store_begin(a->st, false, &txn);
	if (err)
		return err;
	for (i = 0; i < 3 && !err; i++)
		err = store_meta_get_u64(txn, a->st, gen_keys[i], &gen[i]);
	store_abort(txn);
	return err;
}

static int sync_all(struct agent *a, const char *why)
{
	struct mapsync_stats s = { 0 };
	uint64_t t0 = tt_mono_ns();
	int err;

	err = mapsync_all(a->ms, a->st, &s);
	pthread_mutex_lock(&a->lock);
	a->sync = s;
	a->sync_full += s.full;
	a->sync_errors += s.errors;
	pthread_mutex_unlock(&a->lock);
	if (s.added || s.deleted)
		pr_info("sync (%s): %llu written, %llu removed in %.1f ms", why,
			(unsigned long long)s.added,
			(unsigned long long)s.deleted,
			(tt_mono_ns() - t0) / 1e6);
	if (err)
		pr_warn("sync (%s): %s", why, strerror(-err));
	return err;
}

/* Sync when the CLI or tagihd changed prefixes, policy or garden. */
static void poll_gens(struct agent *a)
{
	uint64_t gen[3];

	if (read_gens(a, gen))
		return;
	if (!memcmp(gen, a->gen, sizeof(gen)))
		return;
	/* read first: a change during the sync is seen at the next poll */
	memcpy(a->gen, gen, sizeof(gen));
	sync_all(a, "store changed");
}

static int do_drain(struct agent *a)
{
	int err;

	err = drain_run(&a->drain, tt_now());
	pthread_mutex_lock(&a->lock);
	a->drains = a->drain.drains;
	a->drain_errors = a->drain.errors;
	a->drain_ns = a->drain.last_ns;
	a->last_drain = a->drain.last_time;
	pthread_mutex_unlock(&a->lock);
	if (err)
		pr_warn("drain failed (%s): nothing written, retried next "
			"interval", strerror(-err));
	return err;
}

static int parse_mode(const char *s, enum loader_mode *m)
{
	if (!s || !*s || !strcmp(s, "auto"))
		*m = LOADER_MODE_AUTO;
	else if (!strcmp(s, "native"))
		*m = LOADER_MODE_NATIVE;
	else if (!strcmp(s, "skb"))
		*m = LOADER_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

static int setup(struct agent *a)
{
	struct http_opts ho = { .st = a->st, .stats = stats_cb, .arg = a };
	struct loader_opts lo = { 0 };
	char lockpath[PATH_MAX];
	int i, fd, err;

	if (mkdir(a->conf.db, 0700) && errno != EEXIST) {
		err = -errno;
		pr_warn("store %s: %s", a->conf.db, strerror(-err));
		return err;
	}
	snprintf(lockpath, sizeof(lockpath), "%s/agent.lock", a->conf.db);
	a->lock_fd = take_lock(lockpath, a->conf.db);
	if (a->lock_fd < 0)
		return a->lock_fd;
	a->pin_lock_fd = take_lock(PIN_LOCK, TAGIH_PIN_ROOT);
	if (a->pin_lock_fd < 0)
		return a->pin_lock_fd;

	if (a->conf.timezone && tt_set_zone(a->conf.timezone))
		pr_warn("timezone %s unknown; using %s", a->conf.timezone,
			tt_zone_name());
	err = store_open(&a->st, a->conf.db, 0);
	if (err) {
		pr_warn("cannot open the store %s: %s", a->conf.db,
			strerror(-err));
		return err;
	}
	err = loader_bpffs();
	if (err)
		return err;

	if (parse_mode(a->conf.xdp_mode, &lo.mode)) {
		pr_warn("xdp_mode %s: want auto, native or skb",
			a->conf.xdp_mode);
		return -EINVAL;
	}
	lo.obj_path = find_bpf_object(a->conf.bpf_object);
	lo.max_subscribers = a->conf.max_subscribers;
	lo.max_prefixes = a->conf.max_prefixes;
	lo.v4_blocks = a->conf.v4_blocks;
	lo.v6_hash_entries = a->conf.v6_hash_entries;
	if (!lo.obj_path)
		return -ENOMEM;
	pr_debug("meter object %s", lo.obj_path);
	err = loader_check_pins(&lo);
	for (i = 0; !err && i < a->conf.n_lan; i++)
		err = loader_attach(&lo, a->conf.lan[i], LOADER_LAN);
	for (i = 0; !err && i < a->conf.n_wan; i++)
		err = loader_attach(&lo, a->conf.wan[i], LOADER_WAN);
	free((char *)lo.obj_path);
	if (err)
		return err;

	err = mapsync_open(&a->ms);
	if (err) {
		pr_warn("open pinned maps under %s: %s", TAGIH_PIN_ROOT,
			strerror(-err));
		return err;
	}
	a->gstat_fd = loader_map_fd("tagih_gstat");
	if (a->gstat_fd < 0)
		return a->gstat_fd;
	fd = mapsync_fd(a->ms, MAPSYNC_CNT);
	err = drain_init(&a->drain, a->st, fd, (uint16_t)a->conf.gateway_id);
	if (err) {
		pr_warn("counters: %s", strerror(-err));
		return err;
	}

	/* The store may have changed while we were down: sync, then bill. */
	read_gens(a, a->gen);
	sync_all(a, "start");
	do_drain(a);

	ho.st = a->st;
	err = http_start(&a->http, a->conf.listen, &ho);
	if (!err && notice_start(&a->conf, a->st))
		pr_warn("isolir notice page not served");
	return err;
}

static void teardown(struct agent *a)
{
	int i;

	http_stop(a->http);
	notice_stop();
	if (a->drain.keys) {
		pr_info("final drain");
		do_drain(a);
	}
	if (a->detach && a->drain.keys) {
		for (i = 0; i < a->conf.n_lan; i++)
			loader_detach(a->conf.lan[i]);
		for (i = 0; i < a->conf.n_wan; i++)
			loader_detach(a->conf.wan[i]);
		if (loader_unpin() == 0)
			pr_info("detached and removed %s", TAGIH_PIN_ROOT);
	}
	drain_fini(&a->drain);
	if (a->gstat_fd >= 0)
		close(a->gstat_fd);
	mapsync_close(a->ms);
	store_close(a->st);
	if (a->pin_lock_fd >= 0)
		close(a->pin_lock_fd);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
}

static int run(struct agent *a, int sfd)
{
	uint64_t poll_ns = (uint64_t)a->conf.policy_poll_ms * 1000000ULL;
	uint64_t drain_ns = (uint64_t)a->conf.interval * 1000000000ULL;
	uint64_t dun_ns = (uint64_t)a->conf.dunning_interval * 1000000000ULL;
	uint64_t now, next_poll, next_drain, next_dun;
	struct pollfd pfd = { .fd = sfd, .events = POLLIN };

	now = tt_mono_ns();
	next_poll = now + poll_ns;
	next_drain = now + drain_ns;
	next_dun = now + dun_ns;
	pr_info("running: drain every %llds, store poll every %lldms",
		(long long)a->conf.interval, (long long)a->conf.policy_poll_ms);
	for (;;) {
		struct signalfd_siginfo si;
		uint64_t next = next_poll < next_drain ? next_poll : next_drain;
		int timeout_ms;

		now = tt_mono_ns();
		timeout_ms = next > now ? (int)((next - now) / 1000000) + 1 : 0;
		if (poll(&pfd, 1, timeout_ms) > 0 &&
		    read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				sync_all(a, "SIGHUP");
				continue;
			}
			pr_info("signal %u: stopping", si.ssi_signo);
			return 0;
		}
		now = tt_mono_ns();
		if (now >= next_drain) {
			/* a full reconcile after every drain heals wiped maps */
			if (do_drain(a) == 0)
				sync_all(a, "drain");
			next_drain = now + drain_ns;
		}
		if (now >= next_dun) {
			if (agent_dunning_hook)
				agent_dunning_hook(a, tt_now());
			next_dun = now + dun_ns;
		}
		if (now >= next_poll) {
			poll_gens(a);
			next_poll = now + poll_ns;
		}
	}
}

int main(int argc, char **argv)
{
	struct agent a = { .gstat_fd = -1, .lock_fd = -1, .pin_lock_fd = -1 };
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
	err = setup(&a);
	rc = err ? 1 : run(&a, sfd);
	teardown(&a);
	close(sfd);
out:
	conf_free(&a.conf);
	return rc;
}
