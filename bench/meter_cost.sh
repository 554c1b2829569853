#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# meter_cost.sh - ns/packet of the XDP meter vs an empty XDP program and the cheapest possible meter (floor); last line "ratio <meter/empty>" (IPv4).
#
# Usage: bench/meter_cost.sh [meter_cost options, e.g. -n 10000000 -r 3 -c 0]
# Needs root (BPF_PROG_TEST_RUN); exits 77 when BPF cannot be loaded.
# Nothing is pinned or attached: safe on a running gateway.
#
# Reading the numbers: the kernel LPM trie is a binary trie, one node per
# branching bit, so a hit among 100k contiguous /32 walks about 17 nodes at
# roughly 5 ns each; that walk, not the parser or the counters, is most of
# the "trie" column (trie only, for reference).  The "meter" column is what
# the agent runs: IPv4 addresses in a /16 that has a direct-table block
# (agent/maps/dir16.c) cost two array loads instead of the walk, and an IPv6
# address in a painted /64 (agent/maps/v6hash.c) one hash lookup instead of
# its walk.  "ipv4-unknown" (no block: the walk stops at the root) uses the
# trie in both.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$BUILD/bench/meter_cost

if ! make --no-print-directory -s "$bin" >/dev/null 2>&1; then
	# The helper needs only libbpf, the skeletons and the two
	# painters, not the whole ledger: if the rest of the tree does not
	# build right now, build it alone.
	make --no-print-directory -s "$BUILD/bpf/tagih_meter.skel.h" \
		"$BUILD/bpf/tagih_empty.skel.h" "$BUILD/bpf/tagih_floor.skel.h"
	mkdir -p "$BUILD/bench"
	${CC:-gcc} -std=gnu11 -O2 -g -Wall -Wextra -Werror \
		-Wno-unused-parameter -D_GNU_SOURCE -I. \
		-I"$BUILD" bench/meter_cost.c agent/maps/dir16.c \
		agent/maps/v6hash.c lib/log.c -o "$bin" $(pkg-config --libs libbpf libxdp)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: meter_cost needs root for BPF_PROG_TEST_RUN" >&2
	exit 77
fi
"$bin" "$@"
