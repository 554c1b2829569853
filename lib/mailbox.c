// SPDX-License-Identifier: GPL-2.0
/* mailbox.c - validate one RFC 5321 mailbox (local-part@domain) before it is stored or sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lib/mailbox.h"

#define LOCAL_MAX 64
#define DOMAIN_MAX 255
#define MAILBOX_MAX 254

#define WHY(msg)                  \
	do {                      \
		if (why)          \
			*why = (msg); \
		return -EINVAL;   \
	} while (0)

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool is_atext(char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Dot-string = Atom *("." Atom) */
static bool dot_string(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!is_atext(s[i])) {
			return false;
		}
	}
	return true;
}

/* Quoted-string = DQUOTE *(qtextSMTP / "\" %d32-126) DQUOTE; '<' and
 * '>' refused here too, whatever qtextSMTP allows. */
static bool quoted_string(const char *s, size_t n)
{
	size_t i;
	char c;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	for (i = 1; i < n - 1; i++) {
		c = s[i];
		if (c == '\\') {
			if (++i >= n - 1)
				return false;	/* the closing quote, escaped */
			c = s[i];
		} else if (c == '"') {
			return false;
		}
		if (c < 32 || c > 126 || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* Domain = sub-domain *("." sub-domain); Let-dig [Ldh-str] */
static bool domain(const char *s, size_t n)
{
	size_t i, label = 0;

	if (!n || n > DOMAIN_MAX)
		return false;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!label || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_alnum(s[i]) || (s[i] == '-' && label)) {
			label++;
		} else {
			return false;
		}
	}
	return true;
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" */
static bool address_literal(const char *s, size_t n)
{
	char a[INET6_ADDRSTRLEN + 1];
	unsigned char buf[16];

	if (n < 3 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof(a))
		return false;
	memcpy(a, s + 1, n - 2);
	a[n - 2] = '\0';
	if (!strncmp(a, "IPv6:", 5))
		return inet_pton(AF_INET6, a + 5, buf) == 1;
	return inet_pton(AF_INET, a, buf) == 1;
}

int mailbox_check(const char *s, const char **why)
{
	const char *at;
	size_t n, i, ln;

	if (!s || !*s)
		WHY("empty address");
	n = strlen(s);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\r' || c == '\n')
			WHY("it holds a line break");
		if (c < 32 || c == 127)
			WHY("it holds a control character");
		if (c > 127)
			WHY("only ASCII addresses are supported");
		if (c == '<' || c == '>')
			WHY("it holds '<' or '>'");
	}
	if (n > MAILBOX_MAX)
		WHY("longer than 254 characters");
	at = strrchr(s, '@');
	if (!at)
		WHY("no '@'");
	ln = at - s;
	if (!ln)
		WHY("nothing before the '@'");
	if (ln > LOCAL_MAX)
		WHY("more than 64 characters before the '@'");
	if (!dot_string(s, ln) && !quoted_string(s, ln))
		WHY("the part before the '@' is not a valid mailbox name");
	if (!at[1])
		WHY("no domain after the '@'");
	if (at[1] == '[' ? !address_literal(at + 1, strlen(at + 1)) :
			   !domain(at + 1, strlen(at + 1)))
		WHY("the part after the '@' is not a valid domain");
	return 0;
}
