#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# throughput.sh - issue 2, item 3(c): iperf3 TCP through a gateway namespace
# with no meter, the tagih meter (skb and native XDP) and nftables
# per-element set counters, 10 000 subscribers loaded, side by side.
#
#   client ns (eth0 10.77.1.2) -- lan0 [gw ns, forwarding] wan0 -- up ns
#                                                          (iperf3 -s 10.77.0.2)
#
# Configurations, interleaved round by round so that drift of the machine
# hits all of them alike (numbers swing ±20% between runs here):
#   none    nothing attached: the gateway forwards
#   skb     tagih-agent --xdp-mode skb    (generic XDP on lan0 and wan0)
#   native  tagih-agent --xdp-mode native (veth native XDP: turns GRO/GSO
#           pass-through off, frames cross one by one; see the frame column)
#   tc      tagih-agent --xdp-mode tc     (tc ingress programs via tcx)
#   auto    tagih-agent --xdp-mode auto   (what an operator gets: on veth,
#           tc; downloads on the wan ingress, the box does no NAT)
#   nft     inet table, forward hook: set "up" (ip saddr, from lan0) and
#           set "down" (ip daddr, to lan0), 10 000 elements each with a
#           per-element counter (the set's "counter" flag) - per-IP metering
#           as an operator would do it with nftables
#   bridge       bump in the wire, no meter: a second path through the same
#                gateway namespace, an address-less bridge br0 = bl0 + bw0
#                between a client (10.78.1.2) and a server (10.78.1.1)
#   bridge-auto  the same bridge, tagih-agent --lan bl0 --wan bw0 auto
# Each configuration: iperf3 -t $T TCP from the client, one stream and -P 4,
# upload (client sends) and download (-R).  Median of $ROUNDS rounds.
# The script ends with two lines that scripts read, medians over the
# rounds of each round's geometric mean over the four tests:
#   ratio auto/none R
#   ratio auto/nft R
#
# Environment: BUILD (default build), ROUNDS (3), T (5 s), SUBS (10000).
# Run as root from the repository: bench/throughput.sh.  Takes about
# 1 + ROUNDS * 1.7 minutes.  Cleans up everything on exit (lib.sh trap).
set -u -o pipefail
. "$(dirname "$0")/../tests/integration/lib.sh"

ROUNDS=${ROUNDS:-3}
T=${T:-5}
SUBS=${SUBS:-10000}
CLIENT=10.77.1.2
CONFIGS=(${CONFIGS_OVERRIDE:-none skb native tc auto nft bridge bridge-auto})
BR_CLIENT=10.78.1.2
BR_SERVER=10.78.1.1
TESTS=(up1 down1 up4 down4)

tg_init
tg_need_bins
for t in nft awk; do command -v $t >/dev/null || tg_skip "$t not installed"; done

# ------------------------------------------------------------ subscribers
# $SUBS /32s: the client's address and SUBS-1 others in 10.100.0.0/16 ..
addrs() {
	local i
	echo "$CLIENT"
	for (( i = 1; i < SUBS; i++ )); do
		echo "10.$((100 + i / 65536)).$(( (i / 256) % 256 )).$((i % 256))"
	done
}
addrs >"$TG_TMP/addrs"
echo "$BR_CLIENT" >>"$TG_TMP/addrs"	# the bridge client: one more
# No bulk add in the CLI: one `tagih sub add` per subscriber (~3.5 ms each
# here, one write transaction per call), in the background while the
# topology comes up.
( n=0
  while read -r a; do
	"$BUILD/tagih" --db "$TG_DB" sub add "b$n" --name "Bench $n" --ip "$a/32" \
		>/dev/null || { echo "sub add b$n $a failed" >&2; exit 1; }
	n=$((n + 1))
  done <"$TG_TMP/addrs" ) &
SUBADD_PID=$!
TG_PIDS+=("$SUBADD_PID")
SUBADD_T0=$(date +%s.%N)

# ------------------------------------------------------------- topology
tg_ns_add gw || tg_skip "ip netns add failed (network namespaces unavailable?)"
tg_in gw sysctl -qw net.ipv4.ip_forward=1
tg_ns_add up || tg_die "ns up"
ip link add wan0 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}up" ||
	tg_die "veth wan0"
tg_in gw ip addr add 10.77.0.1/24 dev wan0
tg_in up ip addr add $TG_UP4/24 dev eth0
tg_in gw ip link set wan0 up
tg_in up ip link set eth0 up
tg_in up ip route add 10.77.0.0/16 via 10.77.0.1
topo_add_sub cl $CLIENT/24,10.77.1.1 || tg_die "client namespace"
tg_bg nsenter --net="$(tg_nspath up)" iperf3 -s -p 5201 >"$TG_TMP/iperf3-s.log" 2>&1
TG_IPERF_PORTS=(5201)
tg_iperf_servers_wait || tg_die "iperf3 server"
tg_reach cl $TG_UP4 || tg_die "client cannot reach upstream"
# the bridge path, in the same gateway namespace
tg_ns_add bc || tg_die "ns bc"
tg_ns_add bu || tg_die "ns bu"
tg_in gw ip link add br0 type bridge || tg_die "bridge"
ip link add bl0 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}bc" || tg_die "veth bl0"
ip link add bw0 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}bu" || tg_die "veth bw0"
for i in br0 bl0 bw0; do tg_in gw sysctl -qw net.ipv6.conf.$i.disable_ipv6=1; done
tg_in gw ip link set bl0 master br0 up
tg_in gw ip link set bw0 master br0 up
tg_in gw ip link set br0 up
tg_in bc ip addr add $BR_CLIENT/24 dev eth0
tg_in bu ip addr add $BR_SERVER/24 dev eth0
tg_in bc ip link set eth0 up
tg_in bu ip link set eth0 up
tg_bg nsenter --net="$(tg_nspath bu)" iperf3 -s -p 5202 >"$TG_TMP/iperf3-s2.log" 2>&1
tg_wait_until 10 "iperf3 server on the bridge" sh -c \
	"nsenter --net=$(tg_nspath bu) ss -Hltn 'sport = :5202' | grep -q LISTEN" || tg_die "iperf3 server (bridge)"
tg_wait_until 10 "bridge client -> server" tg_reach bc $BR_SERVER || tg_die "no path through the bridge"

wait "$SUBADD_PID" || tg_die "adding subscribers failed"
tg_forget "$SUBADD_PID"
tg_log "$SUBS subscribers added in $(awk -v a="$SUBADD_T0" -v b="$(date +%s.%N)" \
	'BEGIN { printf "%.1f", b - a }') s ($("$BUILD/tagih" --db "$TG_DB" sub list | wc -l) lines in sub list)"

# ------------------------------------------------------------ nftables
{
	echo "table inet tagih_bench {"
	for s in up down; do
		echo "  set $s { type ipv4_addr; size $((SUBS * 2)); counter; elements = {"
		paste -sd, "$TG_TMP/addrs" | sed 's/,/,\n/g'
		echo "  } }"
	done
	echo "  chain meter_fwd { type filter hook forward priority 0; policy accept;"
	echo "    iifname \"lan0\" ip saddr @up"
	echo "    oifname \"lan0\" ip daddr @down"
	echo "  }"
	echo "}"
} >"$TG_TMP/nft.conf"
nft_on() { tg_in gw nft -f "$TG_TMP/nft.conf"; }
nft_off() { tg_in gw nft delete table inet tagih_bench; }
# nft_client_counter SET -> bytes counted for the client's element
nft_client_counter() {
	tg_in gw nft -j list set inet tagih_bench "$1" | jq -r --arg a "$CLIENT" \
		'.nftables[] | select(.set) | .set.elem[] | select(.elem.val == $a) | .elem.counter.bytes'
}

# ---------------------------------------------------------------- meter
TG_INTERVAL=10	# the agent's default: a drain of 10k subscribers every 10 s
xdp_attached() { tg_in gw ip -d link show "$1" | grep -q 'prog/xdp'; }
tc_attached() { [ -e "$(tg_pin_dir)/tc_${1}_ingress" ]; }
meter_on() {	# MODE [LAN WAN]
	local lan=${2:-lan0} wan=${3:-wan0}
	TG_LANS=($lan) TG_WANS=($wan)
	TG_XDP_MODE=$1 tg_agent_start --detach >/dev/null || return 1
	if [ "$1" = tc ] || [ "$1" = auto ]; then
		tc_attached $lan && tc_attached $wan || { echo "tc meter not attached" >&2; return 1; }
	else
		xdp_attached $lan && xdp_attached $wan || { echo "meter not attached" >&2; return 1; }
		tg_in gw ip -d link show $lan | grep -o 'prog/xdp[a-z]* id [0-9]*' | head -1 >&2
	fi
}
# --detach: SIGTERM drains, detaches and unpins, so the next round starts
# from a bare gateway.
meter_off() {
	tg_agent_stop TERM || echo "agent exit status $?" >&2
	! xdp_attached ${TG_LANS[0]} && ! xdp_attached ${TG_WANS[0]} &&
		! tc_attached ${TG_LANS[0]} || tg_die "meter still attached after stop"
	TG_LANS=(lan0) TG_WANS=(wan0)
}

# ---------------------------------------------------------------- runs
declare -A RES FRAME	# [cfg,test,round] = Gbit/s; [cfg,round] = bytes/frame on lan0
lan0_rx() { tg_in gw ip -s -j link show "$1" | jq -r '.[0].stats64.rx | "\(.bytes) \(.packets)"'; }

# one CFG TEST ROUND
one() {
	local cfg=$1 t=$2 r=$3 js args=(-c $TG_UP4 -p 5201 -t "$T") b0 b1
	local ns=cl lan=lan0
	case $cfg in
	bridge*) ns=bc lan=bl0 args=(-c $BR_SERVER -p 5202 -t "$T") ;;
	esac
	case $t in
	down*) args+=(-R) ;;
	esac
	case $t in
	*4) args+=(-P 4) ;;
	esac
	js=$TG_TMP/$cfg-$t-$r.json
	b0=($(lan0_rx $lan))
	tg_iperf $ns "$js" "${args[@]}" || { cat "$js" >&2; tg_die "iperf3 $cfg $t failed"; }
	b1=($(lan0_rx $lan))
	RES[$cfg,$t,$r]=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$js")
	[ "$t" = up1 ] && FRAME[$cfg,$r]=$(( (b1[0] - b0[0]) / (b1[1] - b0[1] + 1) ))
	printf '  %-6s %-5s round %d: %6.2f Gbit/s\n' "$cfg" "$t" "$r" "${RES[$cfg,$t,$r]}"
}

tg_log "kernel $(uname -r), $(nproc) CPUs; $ROUNDS rounds of ${CONFIGS[*]} x ${TESTS[*]}, iperf3 -t $T"
for (( r = 1; r <= ROUNDS; r++ )); do
	for cfg in "${CONFIGS[@]}"; do
		case $cfg in
		skb|native|tc|auto) meter_on $cfg || tg_die "agent ($cfg) did not start" ;;
		bridge-auto) meter_on auto bl0 bw0 || tg_die "agent (bridge) did not start" ;;
		nft) nft_on || tg_die "nft -f failed" ;;
		esac
		for t in "${TESTS[@]}"; do one $cfg $t $r; done
		case $cfg in
		skb|native|tc|auto|bridge-auto)
			# Sanity: the meter saw the client's traffic.
			who=b0; [ $cfg = bridge-auto ] && who=b$SUBS
			tg_wait_drained 25 $who || tg_die "no drain"
			echo "  meter: $who up/down bytes so far: $(tg_usage $who | cut -d' ' -f1,2)"
			meter_off ;;
		nft)
			echo "  nft: client element counters up $(nft_client_counter up) B, down $(nft_client_counter down) B"
			nft_off ;;
		esac
	done
done

# ---------------------------------------------------------------- table
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A MED
for cfg in "${CONFIGS[@]}"; do
	for t in "${TESTS[@]}"; do
		MED[$cfg,$t]=$(for (( r = 1; r <= ROUNDS; r++ )); do echo "${RES[$cfg,$t,$r]}"; done | median)
	done
	MED[$cfg,frame]=$(for (( r = 1; r <= ROUNDS; r++ )); do echo "${FRAME[$cfg,$r]}"; done | median)
done
echo
echo "iperf3 TCP through the gateway, $SUBS subscribers, median of $ROUNDS x ${T} s, Gbit/s (ratio to none)"
echo "kernel $(uname -r), $(nproc) CPUs, veth; up = client sends, down = -R; P4 = -P 4"
echo "frame = mean bytes per packet received on lan0 (bridge: bl0) in up P1 (> MTU: GSO/GRO super-packets cross the veth)"
echo "bridge rows: the bridge path, ratio to none of the routed path; bridge-auto / bridge in the ratio below"
echo
printf '| %-11s | %-12s | %-12s | %-12s | %-12s | %-5s |\n' config "up P1" "down P1" "up P4" "down P4" frame
echo "| ----------- | ------------ | ------------ | ------------ | ------------ | ----- |"
for cfg in "${CONFIGS[@]}"; do
	printf '| %-11s |' "$cfg"
	for t in "${TESTS[@]}"; do
		printf ' %5.2f (%4.2f) |' "${MED[$cfg,$t]}" \
			"$(awk -v a="${MED[$cfg,$t]}" -v b="${MED[none,$t]}" 'BEGIN { print (b > 0) ? a / b : 0 }')"
	done
	printf ' %5d |\n' "${MED[$cfg,frame]}"
done
echo
echo "per round (Gbit/s):"
for cfg in "${CONFIGS[@]}"; do
	for t in "${TESTS[@]}"; do
		printf '  %-6s %-5s' "$cfg" "$t"
		for (( r = 1; r <= ROUNDS; r++ )); do printf ' %6.2f' "${RES[$cfg,$t,$r]}"; done
		echo
	done
done

# ------------------------------------------------------ the ratio lines
# per round: geometric mean over the tests of A/B; then the median
ratio() {	# A B
	local r
	for (( r = 1; r <= ROUNDS; r++ )); do
		for t in "${TESTS[@]}"; do echo "${RES[$1,$t,$r]} ${RES[$2,$t,$r]}"; done |
			awk '$2 > 0 { s += log($1 / $2); n++ } END { printf "%.4f\n", n ? exp(s / n) : 0 }'
	done | median
}
have() { local c; for c in "${CONFIGS[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }
echo
if have bridge && have bridge-auto; then
	printf 'ratio bridge-auto/bridge %.3f\n' "$(ratio bridge-auto bridge)"
fi
if have auto && have none && have nft; then
	printf 'ratio auto/none %.3f\n' "$(ratio auto none)"
	printf 'ratio auto/nft %.3f\n' "$(ratio auto nft)"
fi
