// SPDX-License-Identifier: GPL-2.0
/* fuzz_learn.c - libFuzzer target: the address-learning frame parser (agent/learn_parse.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/learn_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct learn_ev ev;
	int t = learn_parse(data, n, &ev);

	/* what the parser promises: terminated text, a known type */
	int i;

	if (t > LEARN_DHCP6_RELEASE || t < -1000)
		abort();
	if (ev.n6 < 0 || ev.n6 > LEARN_V6_MAX)
		abort();
	for (i = 0; i < ev.n6; i++)
		if (ev.v6[i].family != 6 || ev.v6[i].len > 128)
			abort();
	if (strnlen(ev.user, sizeof(ev.user)) == sizeof(ev.user) ||
	    strnlen(ev.circuit, sizeof(ev.circuit)) == sizeof(ev.circuit) ||
	    strnlen(ev.remote, sizeof(ev.remote)) == sizeof(ev.remote))
		abort();
	if (t == LEARN_AUTH && !ev.user[0])
		abort();
	if (ev.vlan[0] > 4095 || ev.vlan[1] > 4095)
		abort();
	return 0;
}
