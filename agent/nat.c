// SPDX-License-Identifier: GPL-2.0
/* nat.c - does this box masquerade its subscribers (download_hook = auto)? */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/nat.h"

/* Does line hold word w, delimited by a space, a quote or its ends? */
static bool has_word(const char *line, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = strstr(line, w); p; p = strstr(p + 1, w)) {
		bool l = p == line || strchr(" \t\"", p[-1]);
		bool r = !p[n] || strchr(" \t\"\n;", p[n]);

		if (l && r)
			return true;
	}
	return false;
}

bool nat_rule_line(const char *line, char *const *wan, int n)
{
	int i;

	if (!has_word(line, "masquerade") && !has_word(line, "snat") &&
	    !has_word(line, "MASQUERADE") && !has_word(line, "SNAT"))
		return false;
	/* an output interface named: it must be a wan */
	if (!has_word(line, "oifname") && !has_word(line, "oif") &&
	    !has_word(line, "-o") && !has_word(line, "--out-interface"))
		return true;
	for (i = 0; i < n; i++)
		if (has_word(line, wan[i]))
			return true;
	return false;
}

static bool scan(const char *cmd, char *const *wan, int n, char *why,
		 size_t whylen)
{
	char line[1024];
	bool found = false;
	FILE *f;

	f = popen(cmd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!found && nat_rule_line(line, wan, n)) {
			const char *p = line + strspn(line, " \t");

			snprintf(why, whylen, "%.*s", (int)strcspn(p, "\n"), p);
			found = true;
		}
	pclose(f);
	return found;
}

bool nat_present(char *const *wan, int n, char *why, size_t whylen)
{
	if (whylen)
		*why = '\0';
	if (scan("nft list ruleset 2>/dev/null", wan, n, why, whylen))
		return true;
	/* legacy iptables only: its nft flavour showed in the ruleset */
	if (access("/proc/net/ip_tables_names", F_OK) == 0 &&
	    scan("iptables-save -t nat 2>/dev/null", wan, n, why, whylen))
		return true;
	return false;
}
