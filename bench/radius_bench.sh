#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# radius_bench.sh - bindings/s from RADIUS accounting into tagih-agent while
# it drains every second, and the agent's RSS with N bindings (default
# 100 000). Namespaces from tests/integration/lib.sh; run as root:
#
#   make tests && sudo bash bench/radius_bench.sh [N]
#
# Seeds N subscribers (r000000.., --pppoe-user u000000..) straight into a
# fresh store, starts the agent (interval 1, max_subscribers 131072), then
# bench/radius_load sends one Start per user (Framed-IP 10.128.0.0 + i),
# at most 256 unanswered, and counts the Accounting-Responses: a response
# means the binding is committed. Prints the rate, the agent's RSS before
# and after, drains during the run, and checks that every address made it
# into tagih_pfx4.
set -u -o pipefail
. "$(dirname "$0")/../tests/integration/lib.sh"
N=${1:-100000}
SECRET=bench-secret
tg_init
tg_need_bins
[ -x "$BUILD/bench/radius_load" ] || tg_skip "$BUILD/bench/radius_load not built (make tests)"
topo_up 1 || tg_die "topology"

RPORT=18120
CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
max_subscribers = 131072
notice_listen =
radius_listen = 127.0.0.1:$RPORT
radius_clients = 127.0.0.1=$SECRET
EOC
chmod 600 "$CONF"
t0=$(tg_ms)
"$BUILD/bench/radius_load" seed -d "$TG_DB" -n "$N" || tg_die "seed"
tg_log "seeded $N subscribers in $(( $(tg_ms) - t0 )) ms"
TG_INTERVAL=1
tg_agent_start --config "$CONF" || tg_die "agent"
rss() {	# "RSS anon+file kB"
	awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2}
		END {printf "%d (anon %d, file %d: LMDB pages)", r, a, f}' \
		"/proc/$TG_AGENT_PID/status"
}
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$TG_AGENT_PID/status"; }
R0=$(rss); D0=$(tg_drains)
tg_in gw "$BUILD/bench/radius_load" send -s "127.0.0.1:$RPORT" -k "$SECRET" \
	-n "$N" | tee "$TG_TMP/load.txt" || tg_die "load"
sleep 2	# the last repaint
R1=$(rss); H1=$(hwm); D1=$(tg_drains)
PFX=$(bpftool -j map show pinned "$(tg_pin_dir)/tagih_pfx4" >/dev/null 2>&1 &&
	bpftool -j map dump pinned "$(tg_pin_dir)/tagih_pfx4" | jq length)
tg_log "agent RSS: ${R0} kB before, ${R1} kB with $N bindings (peak ${H1} kB); $(( D1 - D0 )) drains during the run; tagih_pfx4 holds $PFX entries"
tg_log "repaints during the run: $(grep -c 'sync (learned)' "$TG_TMP/agent.log")"
grep -E "sync \(learned\)" "$TG_TMP/agent.log" | tail -n 3
[ "$PFX" = "$N" ] || tg_die "tagih_pfx4 has $PFX entries, want $N"
