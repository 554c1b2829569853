#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shape_bench.sh - issue 12, "what it must show" 4: 10 000 shaped
# subscribers, CPU per Gbit/s and ping latency under load, no shaping vs
# HTB (one tc class per subscriber, 10 000 per device) vs EDT (fq), side by
# side in one run.
#
#   cl ns: 10.77.1.2..5 (loaded subscribers b0..b3), 10.77.1.9 (idle
#          subscriber bi) -- lan0 [gw ns, tagih-agent] wan0 -- up ns
#                                                  (iperf3 -s x4, 10.77.0.2)
#
# Every subscriber (10 000 in all: the five above and 9 995 others in
# 10.100.0.0/16) is on plan p200 (200/200 Mbit/s).  Load: four iperf3 TCP
# downloads at once, one per loaded subscriber, each app-limited to
# 180 Mbit/s (-b), so every configuration carries the same ~720 Mbit/s and
# the CPU difference is the shaping's.  During the load: ping every 20 ms
# from the idle subscriber and from a loaded one.
#
# Configurations, interleaved round by round (drift hits all alike):
#   none  tagih-agent with shape = no (meter only)
#   htb   shape_mode = htb: 10 000 HTB classes + bfifo leaves on lan0 and
#         on wan0, made by the agent (tc -batch), chosen by tagih_htb_down/up
#   edt   shape_mode = edt: fq at the root, tagih_shape_down/up; skipped
#         (n/a) on a kernel without sch_fq
# CPU: the iperf3 servers and clients run in a cpuacct cgroup of their own;
# the gateway's forwarding, NAT-free routing, meter and shaping run in
# softirq on their stacks (veth), and this kernel has no IRQ time
# accounting, so cpuacct.usage holds it: CPU-seconds per second (1.0 = one
# CPU) per Gbit/s carried.  It includes iperf3's own work, the same in
# every configuration: the difference between the rows is the shaping's.
# Other work on the shared machine is not in it.  Compare the rows of one
# run, never numbers of two runs.
#
# Environment: BUILD (build), ROUNDS (3), T (8 s), SUBS (10000).
# Run as root from the repository: bench/shape_bench.sh.
set -u -o pipefail
. "$(dirname "$0")/../tests/integration/lib.sh"

ROUNDS=${ROUNDS:-3}
T=${T:-8}
SUBS=${SUBS:-10000}
RATE=${RATE:-180M}
LOADED=(10.77.1.2 10.77.1.3 10.77.1.4 10.77.1.5)
IDLE=10.77.1.9
CONFIGS=(none htb edt)

tg_init
tg_need_bins
CG=/sys/fs/cgroup/cpuacct/tagih-bench-$TG_ID
mkdir "$CG" 2>/dev/null || tg_skip "no cpuacct cgroup at /sys/fs/cgroup/cpuacct"
trap 'tg_cleanup; rmdir "$CG" 2>/dev/null' EXIT
# cg CMD...: run CMD inside the cgroup
cg() { sh -c 'echo $$ >"$0/tasks" && exec "$@"' "$CG" "$@"; }
for t in jq awk ping tc; do command -v $t >/dev/null || tg_skip "$t not installed"; done

# ------------------------------------------------------------ subscribers
addrs() {
	local i
	for i in "${LOADED[@]}" "$IDLE"; do echo "$i"; done
	for (( i = 5; i < SUBS; i++ )); do
		echo "10.$((100 + i / 65536)).$(( (i / 256) % 256 )).$((i % 256))"
	done
}
addrs >"$TG_TMP/addrs"
export TAGIH_NOW=2026-11-10T10:00:00+07:00
"$BUILD/tagih" --db "$TG_DB" plan add p200 --type flat --price 100000 \
	--down-mbps 200 --up-mbps 200 >/dev/null || tg_die "plan add"
( n=0
  while read -r a; do
	"$BUILD/tagih" --db "$TG_DB" sub add "b$n" --name "Bench $n" --ip "$a/32" \
		--plan p200 --activated 2026-11-01 >/dev/null ||
		{ echo "sub add b$n $a failed" >&2; exit 1; }
	n=$((n + 1))
  done <"$TG_TMP/addrs" ) &
SUBADD_PID=$!
TG_PIDS+=("$SUBADD_PID")

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
topo_add_sub cl 10.77.1.2/24,10.77.1.1 || tg_die "client namespace"
for a in "${LOADED[@]:1}" "$IDLE"; do tg_in cl ip addr add "$a/24" dev eth0; done
for (( i = 0; i < ${#LOADED[@]}; i++ )); do
	port=$((5201 + i))
	tg_bg cg nsenter --net="$(tg_nspath up)" iperf3 -s -p "$port" >"$TG_TMP/iperf3-s-$port.log" 2>&1
	TG_IPERF_PORTS+=("$port")
done
tg_iperf_servers_wait || tg_die "iperf3 servers"
tg_reach cl $TG_UP4 || tg_die "client cannot reach upstream"
wait "$SUBADD_PID" || tg_die "adding subscribers failed"
tg_forget "$SUBADD_PID"
tg_log "$SUBS subscribers on p200"

conf() {	# CFG -> config file
	local f=$TG_TMP/$1.conf
	{
		echo "timezone = Asia/Jakarta"
		echo "notice_listen ="
		case $1 in
		none) echo "shape = no" ;;
		htb) echo "shape_mode = htb" ;;
		edt) echo "shape_mode = edt" ;;
		esac
	} >"$f"
	chmod 600 "$f"
	echo "$f"
}

# cfg_on CFG: agent up and shaping as CFG asks; 1 = not possible here
cfg_on() {
	local t0=$(tg_ms) t1
	# HTB: the agent makes its classes before it serves /healthz, which
	# takes longer than tg_agent_start waits: wait on here
	TG_INTERVAL=10 tg_agent_start --config "$(conf "$1")" >/dev/null 2>&1 ||
		{ tg_agent_alive && tg_wait_until 180 "agent healthy" tg_curl /healthz; } ||
		return 1
	t1=$(tg_ms)
	case $1 in
	none) ;;
	htb)	grep -q "shape: HTB on" "$TG_TMP/agent.log" || return 1
		echo "  htb: agent healthy (classes made) after $((t1 - t0)) ms; classes on lan0: $(tg_in gw tc class show dev lan0 | wc -l), wan0: $(tg_in gw tc class show dev wan0 | wc -l)" ;;
	edt)	grep -q "shape: EDT on" "$TG_TMP/agent.log" || { cfg_off; return 1; } ;;
	esac
	return 0
}
cfg_off() { tg_agent_stop TERM >/dev/null; cat "$TG_TMP/agent.log" >>"$TG_TMP/agent-all.log"; : >"$TG_TMP/agent.log"; }

usage() { cat "$CG/cpuacct.usage"; }

# pings SRC OUT: one echo every 20 ms for the load's length
pings() { tg_in cl ping -I "$1" -i 0.02 -c $(( (T - 2) * 50 )) -W 1 $TG_UP4 >"$2" 2>&1; }
# pct FILE P -> P-th percentile of the rtts in ms
pct() { grep -o 'time=[0-9.]*' "$1" | cut -d= -f2 | sort -g |
	awk -v p="$2" '{ v[NR] = $1 } END { if (!NR) { print "nan"; exit }
		i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; print v[i] }'; }

declare -A GBPS CPU P50I P99I P50L P99L NA
one() {	# CFG ROUND
	local cfg=$1 r=$2 i pids=() u0 u1 t0 t1 bits=0 js
	u0=$(usage); t0=$(tg_ms)
	for (( i = 0; i < ${#LOADED[@]}; i++ )); do
		tg_bg cg timeout 60 nsenter --net="$(tg_nspath cl)" iperf3 --json \
			-c $TG_UP4 -p $((5201 + i)) -B "${LOADED[$i]}" -t "$T" -R \
			-b "$RATE" >"$TG_TMP/$cfg-$r-$i.json"
		pids+=($TG_LAST_PID)
	done
	sleep 1
	tg_bg pings "$IDLE" "$TG_TMP/$cfg-$r-ping-idle"; pids+=($TG_LAST_PID)
	tg_bg pings "${LOADED[0]}" "$TG_TMP/$cfg-$r-ping-load"; pids+=($TG_LAST_PID)
	for i in "${pids[@]}"; do wait "$i"; tg_forget "$i"; done
	u1=$(usage); t1=$(tg_ms)
	for (( i = 0; i < ${#LOADED[@]}; i++ )); do
		js=$TG_TMP/$cfg-$r-$i.json
		bits=$(awk -v a="$bits" -v b="$(jq -r '.end.sum_received.bits_per_second' "$js")" 'BEGIN { print a + b }')
	done
	GBPS[$cfg,$r]=$(awk -v b="$bits" 'BEGIN { printf "%.3f", b / 1e9 }')
	# CPUs busy (1.0 = one) per Gbit/s, over the wall time of the load
	CPU[$cfg,$r]=$(awk -v u="$((u1 - u0))" -v ms="$((t1 - t0))" -v g="${GBPS[$cfg,$r]}" \
		'BEGIN { printf "%.3f", u / 1e6 / ms / (g > 0 ? g : 1) }')
	P50I[$cfg,$r]=$(pct "$TG_TMP/$cfg-$r-ping-idle" 50); P99I[$cfg,$r]=$(pct "$TG_TMP/$cfg-$r-ping-idle" 99)
	P50L[$cfg,$r]=$(pct "$TG_TMP/$cfg-$r-ping-load" 50); P99L[$cfg,$r]=$(pct "$TG_TMP/$cfg-$r-ping-load" 99)
	printf '  %-4s round %d: %s Gbit/s, %s CPU/Gbit/s, ping idle p50 %s p99 %s ms, loaded p50 %s p99 %s ms\n' \
		"$cfg" "$r" "${GBPS[$cfg,$r]}" "${CPU[$cfg,$r]}" "${P50I[$cfg,$r]}" "${P99I[$cfg,$r]}" \
		"${P50L[$cfg,$r]}" "${P99L[$cfg,$r]}"
}

tg_log "kernel $(uname -r), $(nproc) CPUs; $ROUNDS rounds of ${CONFIGS[*]}; 4 x iperf3 -R -b $RATE -t $T"
for (( r = 1; r <= ROUNDS; r++ )); do
	for cfg in "${CONFIGS[@]}"; do
		if [ -n "${NA[$cfg]:-}" ] || ! cfg_on "$cfg"; then
			[ -n "${NA[$cfg]:-}" ] || echo "  $cfg: not available here ($(grep -h -m1 -E 'fq' "$TG_TMP"/agent*.log 2>/dev/null | head -1))"
			NA[$cfg]=1
			continue
		fi
		one "$cfg" "$r"
		cfg_off
	done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() {	# ARRAY CFG
	local -n a=$1
	for (( r = 1; r <= ROUNDS; r++ )); do echo "${a[$2,$r]}"; done | median
}
echo
echo "$SUBS subscribers on 200/200 Mbit/s; 4 downloads of $RATE at once; median of $ROUNDS x ${T} s"
echo "kernel $(uname -r), $(nproc) CPUs (shared), veth; CPU = CPUs busy (iperf3 + the gateway's softirq on their stacks) per Gbit/s carried"
echo
printf '| %-6s | %-7s | %-10s | %-17s | %-17s |\n' config "Gbit/s" "CPU/Gbit/s" "ping idle p50/p99" "ping loaded p50/p99"
echo "| ------ | ------- | ---------- | ----------------- | ----------------- |"
for cfg in "${CONFIGS[@]}"; do
	if [ -n "${NA[$cfg]:-}" ]; then
		printf '| %-6s | %-7s | %-10s | %-17s | %-17s |\n' "$cfg" n/a n/a "n/a (no sch_fq)" n/a
		continue
	fi
	printf '| %-6s | %7s | %10s | %7s / %7s | %7s / %7s |\n' "$cfg" "$(col GBPS $cfg)" "$(col CPU $cfg)" \
		"$(col P50I $cfg)" "$(col P99I $cfg)" "$(col P50L $cfg)" "$(col P99L $cfg)"
done
