// SPDX-License-Identifier: GPL-2.0
/* test_net.c - the one listen-address grammar: what it takes, what it refuses and says, a real bind. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/tmpstore.h"
#include "lib/net.h"

static void ok4(const char *s, const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char err[NET_ERR_LEN] = "", a[INET_ADDRSTRLEN];
	socklen_t len = 0;

	ck_assert_msg(net_parse(s, &ss, &len, err, sizeof(err)) == 0, "%s: %s",
		      s, err);
	ck_assert_int_eq(ss.ss_family, AF_INET);
	ck_assert_uint_eq(len, sizeof(*s4));
	ck_assert_uint_eq(ntohs(s4->sin_port), port);
	inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
	ck_assert_str_eq(a, addr);
}

static void ok6(const char *s, const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	char err[NET_ERR_LEN] = "", a[INET6_ADDRSTRLEN];
	socklen_t len = 0;

	ck_assert_msg(net_parse(s, &ss, &len, err, sizeof(err)) == 0, "%s: %s",
		      s, err);
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_uint_eq(len, sizeof(*s6));
	ck_assert_uint_eq(ntohs(s6->sin6_port), port);
	inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
	ck_assert_str_eq(a, addr);
}

/* refused, with a message that holds want */
static void bad(const char *s, const char *want)
{
	struct sockaddr_storage ss;
	char err[NET_ERR_LEN] = "";
	socklen_t len;

	ck_assert_msg(net_parse(s, &ss, &len, err, sizeof(err)) == -EINVAL,
		      "'%s' accepted", s ? s : "(null)");
	ck_assert_msg(strstr(err, want), "'%s': '%s' lacks '%s'",
		      s ? s : "(null)", err, want);
}

START_TEST(v4)
{
	ok4("0.0.0.0:8080", "0.0.0.0", 8080);
	ok4("127.0.0.1:9247", "127.0.0.1", 9247);
	ok4(":8081", "0.0.0.0", 8081);		/* every IPv4 address */
	ok4("10.77.1.1:1", "10.77.1.1", 1);
	ok4("10.77.1.1:65535", "10.77.1.1", 65535);
}
END_TEST

START_TEST(v6)
{
	ok6("[::]:8080", "::", 8080);
	ok6("[::1]:9247", "::1", 9247);
	ok6("[2001:db8::7]:443", "2001:db8::7", 443);
	ok6("[::ffff:10.0.0.1]:80", "::ffff:10.0.0.1", 80);
}
END_TEST

START_TEST(refused)
{
	bad(NULL, "empty");
	bad("", "empty");
	bad("127.0.0.1", "no port");
	bad("127.0.0.1:", "1..65535");
	bad("127.0.0.1:0", "1..65535");
	bad("127.0.0.1:65536", "1..65535");	/* getaddrinfo took it as 0 */
	bad("127.0.0.1:+80", "1..65535");
	bad("127.0.0.1: 80", "1..65535");
	bad("127.0.0.1:-1", "1..65535");
	bad("127.0.0.1:080808", "1..65535");
	bad("127.0.0.1:http", "1..65535");
	bad("localhost:8080", "not an IPv4 address");
	bad("127.1:8080", "not an IPv4 address");	/* inet_aton's forms */
	bad("300.0.0.1:8080", "not an IPv4 address");
	bad("::1:8080", "in brackets");			/* ambiguous */
	bad("[::1:8080", "no ']'");
	bad("[]:8080", "no ']'");
	bad("[::1]", "no port");
	bad("[127.0.0.1]:8080", "not an IPv6 address");
	bad("[::g]:8080", "not an IPv6 address");
	bad("[::1]8080", "no port");
	bad("[::1]:", "1..65535");
}
END_TEST

START_TEST(errors_fit)
{
	struct sockaddr_storage ss;
	char err[12];
	socklen_t len;

	/* the message is cut to the buffer, a zero-size buffer is fine */
	ck_assert_int_eq(net_parse("nope", &ss, &len, err, sizeof(err)),
			 -EINVAL);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(net_parse("nope", &ss, &len, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(listen_real)
{
	char err[NET_ERR_LEN] = "", addr[32];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, fd2, c;
	unsigned port;

	/* a port free now: bind, learn it, close */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);

	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	fd = net_listen(addr, 8, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	/* it listens: a connect succeeds */
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(c);
	/* the same port again: the kernel's reason, naming the address */
	fd2 = net_listen(addr, 8, err, sizeof(err));
	ck_assert_int_eq(fd2, -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err, addr));
	close(fd);
	ck_assert_int_eq(net_listen("nope:1", 8, err, sizeof(err)), -EINVAL);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, v4);
	tcase_add_test(tc, v6);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, errors_fit);
	tcase_add_test(tc, listen_real);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(net_suite)
