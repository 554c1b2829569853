// SPDX-License-Identifier: GPL-2.0
/* radius_load.c - seed N subscribers with PPPoE user names, then send their RADIUS Starts as fast as they are answered. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "agent/radius_parse.h"
#include "billing/ident.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/net.h"
#include "lib/ttime.h"

/*
 * Usage:
 *   radius_load seed -d DIR -n N        subscribers r000000.. with
 *                                       --pppoe-user u000000.. (10 000 per txn)
 *   radius_load send -s ADDR:PORT -k SECRET -n N [-w WINDOW] [-f FIRST]
 *                                       Start for u(FIRST+i) with
 *                                       Framed-IP 10.128.0.0 + FIRST + i,
 *                                       at most WINDOW (default 256)
 *                                       unanswered; prints bindings/s
 */
static int seed(const char *dir, uint32_t n)
{
	struct store *st;
	MDB_txn *txn;
	uint32_t i;
	int err;

	sub_set_max_uid(16777215);
	err = store_open(&st, dir, 0);
	if (err)
		return err;
	for (i = 0; i < n && !err;) {
		uint32_t end = i + 10000 < n ? i + 10000 : n;

		err = store_begin(st, true, &txn);
		for (; !err && i < end; i++) {
			struct sub_rec r = { 0 };
			char user[16];

			snprintf(r.id, sizeof(r.id), "r%06u", i);
			snprintf(r.name, sizeof(r.name), "Bench %u", i);
			r.created = 1700000000;
			r.activated = tt_local_day(r.created);
			snprintf(user, sizeof(user), "u%06u", i);
			err = sub_add(txn, st, &r, NULL, 0, NULL);
			if (!err)
				err = ident_add(txn, st, IDENT_PPPOE_USER, user,
						r.id, NULL);
		}
		if (!err)
			err = store_commit(txn);
		else
			store_abort(txn);
	}
	store_close(st);
	if (!err)
		printf("seeded %u subscribers\n", n);
	return err;
}

static size_t attr(uint8_t *p, uint8_t t, const void *v, size_t vl)
{
	p[0] = t;
	p[1] = (uint8_t)(vl + 2);
	memcpy(p + 2, v, vl);
	return vl + 2;
}

/* Start for user i (id = i & 255), signed. Returns its length. */
static size_t mk_start(uint8_t *b, uint32_t i, const char *sec)
{
	uint8_t st[4] = { 0, 0, 0, RADIUS_START }, ip[4];
	uint32_t a = 0x0a800000u + i;	/* 10.128.0.0 + i */
	char user[16], sess[16];
	size_t n = RADIUS_HDR;

	ip[0] = a >> 24; ip[1] = a >> 16; ip[2] = a >> 8; ip[3] = a;
	snprintf(user, sizeof(user), "u%06u", i);
	snprintf(sess, sizeof(sess), "S%u", i);
	n += attr(b + n, 40, st, 4);
	n += attr(b + n, 1, user, strlen(user));
	n += attr(b + n, 8, ip, 4);
	n += attr(b + n, 44, sess, strlen(sess));
	b[0] = RADIUS_CODE_ACCT_REQ;
	b[1] = (uint8_t)i;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	radius_acct_sign(b, n, sec, strlen(sec));
	return n;
}

static int send_starts(const char *to, const char *sec, uint32_t n,
		       uint32_t window, uint32_t first)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char why[NET_ERR_LEN];
	uint8_t b[256], r[64];
	uint32_t sent = 0, got = 0, idle = 0;
	uint64_t t0, t1;
	int fd;

	if (net_parse(to, &ss, &sl, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl))
		return -errno;
	t0 = tt_mono_ns();
	while (got < n && idle < 50) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		/* the window: ids are i & 255, so at most 256 in flight */
		while (sent < n && sent - got < window) {
			size_t len = mk_start(b, first + sent, sec);

			if (send(fd, b, len, 0) < 0)
				break;
			sent++;
		}
		if (poll(&p, 1, 100) <= 0) {
			idle++;	/* 5 s without an answer: give up */
			continue;
		}
		idle = 0;
		while (recv(fd, r, sizeof(r), MSG_DONTWAIT) >= RADIUS_HDR)
			if (r[0] == RADIUS_CODE_ACCT_RESP)
				got++;
	}
	t1 = tt_mono_ns();
	printf("%u Starts sent, %u answered in %.2f s: %.0f bindings/s\n",
	       sent, got, (t1 - t0) / 1e9, got / ((t1 - t0) / 1e9));
	close(fd);
	return got == n ? 0 : -ETIMEDOUT;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *to = NULL, *sec = "testing123";
	uint32_t n = 100000, window = 256, first = 0;
	int c, err;

	if (argc < 2)
		goto usage;
	while ((c = getopt(argc - 1, argv + 1, "d:s:k:n:w:f:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': to = optarg; break;
		case 'k': sec = optarg; break;
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'w': window = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'f': first = (uint32_t)strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (window < 1 || window > 256)
		window = 256;
	if (!strcmp(argv[1], "seed") && dir)
		err = seed(dir, n);
	else if (!strcmp(argv[1], "send") && to)
		err = send_starts(to, sec, n, window, first);
	else
		goto usage;
	if (err)
		fprintf(stderr, "radius_load: %s\n", strerror(-err));
	return err ? 1 : 0;
usage:
	fprintf(stderr, "usage: radius_load seed -d DIR -n N\n"
			"       radius_load send -s ADDR:PORT -k SECRET -n N "
			"[-w WINDOW] [-f FIRST]\n");
	return 2;
}
