#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_agent_caps.sh - tagih-agent with only the capabilities its unit grants meters, restarts without a gap, and enforces isolir.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

tg_init
tg_need_bins
for t in setpriv capsh; do command -v $t >/dev/null || tg_skip "$t not installed"; done
UNIT=docs/systemd/tagih-agent.service
[ -f "$UNIT" ] || tg_die "$UNIT missing"
# the bounding set exactly as the unit says, e.g. "+bpf,+perfmon,..."
CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' |
	sed 's/^CAP_//' | tr 'A-Z' 'a-z' | sed 's/^/+/' | paste -sd,)
[ -n "$CAPS" ] || tg_die "no CapabilityBoundingSet in $UNIT"
tg_log "agent bounded to: $CAPS"
TG_AGENT_WRAP=(setpriv --bounding-set=-all,$CAPS --inh-caps=-all)

topo_up 1 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"
tg_cli sub add s1 --name Satu --ip 10.77.1.2/32 >/dev/null || tg_die "sub add s1"
TG_INTERVAL=1 tg_agent_start || tg_die "agent did not start with $CAPS"

# the agent holds those and nothing more (less any this machine lacks)
have=$(capsh --decode="$(awk '/^CapBnd/ {print $2}' /proc/self/status)" | sed 's/.*=//' |
	tr ',' '\n' | sed 's/^cap_//')
want=$(printf '%s\n' ${CAPS//,/ } | sed 's/^+//' | grep -Fxf <(echo "$have") | sort | paste -sd,)
eff=$(grep '^CapEff' "/proc/$TG_AGENT_PID/status" | awk '{print $2}')
got=$(capsh --decode="$eff" 2>/dev/null | sed 's/.*=//' |
	tr ',' '\n' | sed 's/^cap_//' | sort | paste -sd,)
[ "$got" = "$want" ] || tg_die "agent capabilities '$got', want '$want'"
tg_log "agent CapEff = $got"

fails=0
metered() {	# bytes of s1's upload after one iperf3 transfer
	tg_iperf s1 "$TG_TMP/i.json" -c $TG_UP4 -p 5201 -n 1M -w 128K || return 1
	tg_wait_drained 20 s1 || return 1
	tg_usage s1 | awk '{print $1}'
}
up1=$(metered) && [ "$up1" -gt 1000000 ] && tg_log "ok: metered $up1 B up" ||
	{ echo "FAIL: nothing metered (${up1:-})"; fails=$((fails + 1)); }

# a restart finds the attached programs and keeps counting (libxdp looks
# them up by id: the reason for CAP_SYS_ADMIN)
tg_agent_stop TERM || { echo "FAIL: agent exit status $?"; fails=$((fails + 1)); }
TG_INTERVAL=1 tg_agent_start || tg_die "agent did not restart with $CAPS"
grep -qi "reus\|keep\|attached" "$TG_TMP/agent.log" && tg_log "restart log: $(grep -i 'reus\|keep\|attached' "$TG_TMP/agent.log" | tail -1)"
up2=$(metered) && [ "$up2" -gt "$up1" ] && tg_log "ok: after the restart $up2 B up" ||
	{ echo "FAIL: not counting after a restart (${up2:-} <= $up1)"; fails=$((fails + 1)); }

# isolir: the store change reaches the maps through the bounded agent
tg_cli sub suspend s1 --reason test >/dev/null || tg_die "suspend"
if tg_wait_until 5 "s1 cut off" bash -c "! nsenter --net=$(tg_nspath s1) timeout 2 bash -c ': >/dev/tcp/$TG_UP4/9' 2>&1 | grep -q refused"; then
	tg_log "ok: isolir enforced"
else
	echo "FAIL: suspended s1 still reaches upstream"; fails=$((fails + 1))
fi
[ $fails -eq 0 ] && echo "agent works with only: $CAPS"
exit $((fails > 0))
