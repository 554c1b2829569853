// SPDX-License-Identifier: GPL-2.0
/* test_mhd.c - the reply helper's shapes and the request deadline, on a real libmicrohttpd daemon on loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "tests/unit/tmpstore.h"
#include "lib/mhd.h"
#include "lib/mhd_deadline.h"

static struct MHD_Daemon *d;
static struct mhd_deadline *g;
static unsigned port;

static enum MHD_Result route(void *cls, struct MHD_Connection *c,
			     const char *url, const char *method,
			     const char *version, const char *up,
			     size_t *up_size, void **req)
{
	if (!*req) {
		*req = (void *)1;
		return MHD_YES;
	}
	if (*up_size) {
		*up_size = 0;
		return MHD_YES;
	}
	mhd_deadline_stop(c);
	if (!strcmp(url, "/err"))
		return mhd_error(c, MHD_HTTP_CONFLICT, "amount mismatch", NULL);
	if (!strcmp(url, "/json"))
		return mhd_json(c, MHD_HTTP_OK, json_pack("{s:i}", "n", 7));
	if (!strcmp(url, "/null"))
		return mhd_json(c, MHD_HTTP_OK, NULL);
	return mhd_text(c, MHD_HTTP_OK, "hi\n",
			(const struct mhd_hdr[]){ { "X-T", "1" }, { NULL } });
}

static void done(void *cls, struct MHD_Connection *c, void **req,
		 enum MHD_RequestTerminationCode toe)
{
	mhd_deadline_rearm(cls, c);
}

static void setup(void)
{
	const union MHD_DaemonInfo *di;

	ck_assert_int_eq(mhd_deadline_new(2, &g), 0);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
			     0, NULL, NULL, route, NULL,
			     MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&(struct sockaddr_in){
				     .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) },
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_NOTIFY_CONNECTION, mhd_deadline_notify,
			     g, MHD_OPTION_NOTIFY_COMPLETED, done, g,
			     MHD_OPTION_END);
	ck_assert_ptr_nonnull(d);
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = di->port;
}

static void teardown(void)
{
	MHD_stop_daemon(d);
	mhd_deadline_free(g);
}

static int conn(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void sends(int fd, const char *s)
{
	ck_assert_int_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Read until the answer's body (Connection: close) or the end; into buf. */
static size_t reads(int fd, char *buf, size_t n, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t r;

	while (len < n - 1 && poll(&p, 1, ms) == 1) {
		r = recv(fd, buf + len, n - 1 - len, 0);
		if (r <= 0)
			break;
		len += r;
	}
	buf[len] = '\0';
	return len;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void get(const char *path, char *buf, size_t n)
{
	char req[128];
	int fd = conn();

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n"
		 "Connection: close\r\n\r\n", path);
	sends(fd, req);
	reads(fd, buf, n, 2000);
	close(fd);
}

START_TEST(replies)
{
	char buf[4096];

	get("/err", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.1 409"));
	ck_assert_ptr_nonnull(strstr(buf, "application/json"));
	ck_assert_ptr_nonnull(strstr(buf, "no-store"));
	ck_assert_ptr_nonnull(
		strstr(buf, "{\"error\":\"amount mismatch\",\"detail\":\"\"}"));
	get("/json", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.1 200"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"n\":7}"));
	get("/null", buf, sizeof(buf));	/* a failed json_pack */
	ck_assert_ptr_nonnull(strstr(buf, "HTTP/1.1 500"));
	ck_assert_ptr_nonnull(strstr(buf, "\"error\":\"internal\""));
	get("/", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "X-T: 1"));
	ck_assert_ptr_nonnull(strstr(buf, "text/plain"));
}
END_TEST

START_TEST(trickle_cut)
{
	char buf[256];
	double t0 = now_s(), t;
	int fd = conn(), i;

	/* a byte every 0.3 s: never idle, never a whole request */
	sends(fd, "GET / HTTP/1.1\r\nX-Slow: ");
	for (i = 0; i < 30; i++) {
		if (send(fd, "a", 1, MSG_NOSIGNAL) != 1)
			break;
		if (reads(fd, buf, sizeof(buf), 300) == 0 &&
		    recv(fd, buf, 1, MSG_DONTWAIT) == 0)
			break;	/* the end of the stream */
	}
	t = now_s() - t0;
	close(fd);
	ck_assert_msg(t >= 1.9 && t < 3.5, "cut after %.2f s, want ~2", t);
	ck_assert_uint_ge(mhd_deadline_cut(g), 1);
}
END_TEST

START_TEST(keepalive_rearmed)
{
	char buf[4096];
	int fd = conn();

	/* whole requests on one connection, 1.4 s apart: each has its own
	 * 2 s, so the connection outlives the first deadline */
	sends(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	ck_assert_uint_gt(reads(fd, buf, sizeof(buf), 200), 0);
	usleep(1200000);
	sends(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	ck_assert_uint_gt(reads(fd, buf, sizeof(buf), 200), 0);
	usleep(1200000);
	sends(fd, "GET /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	reads(fd, buf, sizeof(buf), 1000);
	ck_assert_ptr_nonnull(strstr(buf, "{\"n\":7}"));
	close(fd);
	ck_assert_uint_eq(mhd_deadline_cut(g), 0);
}
END_TEST

START_TEST(bad_args)
{
	struct mhd_deadline *x = (void *)1;

	ck_assert_int_eq(mhd_deadline_new(0, &x), -EINVAL);
	ck_assert_ptr_null(x);
	mhd_deadline_free(NULL);
}
END_TEST

static Suite *mhd_suite(void)
{
	Suite *s = suite_create("mhd");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, replies);
	tcase_add_test(tc, trickle_cut);
	tcase_add_test(tc, keepalive_rearmed);
	tcase_add_test(tc, bad_args);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(mhd_suite)
