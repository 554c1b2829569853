#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# endpoint.sh - issue 2, item 3(d): requests/s and latency of the agent's
# stats endpoint under wrk, with N subscribers and a month of hourly usage.
#
# The agent runs in a gateway namespace of its own (a veth pair lan0/wan0,
# no traffic, skb mode), listens on 127.0.0.1 there, and wrk runs in the
# same namespace (nsenter --net), so wrk and the agent share the 2 CPUs.
# The store holds N subscribers with 720 hourly buckets each (November
# 2026, loaded with `tagih usage import`).  Endpoints, one after another:
#   /healthz
#   /v1/subscribers/ID/usage?from=..&to=..          the month's totals
#   /v1/subscribers/ID/usage?from=..&to=..&step=day  plus 30 day buckets
#   /v1/usage?from=..&to=..                         every subscriber's month
#   /metrics                                        Prometheus, N subscribers
# ID is one fixed subscriber (the middle one); the others cost nothing
# for the per-subscriber queries.
#
# Environment: BUILD (default build), N (1000), D (10 s), THREADS (2),
# CONNS (32).  Run as root: bench/endpoint.sh.  About 1.5 minutes.
#
# MODE=history: /metrics against the length of history instead (issue 10,
# item 5).  N (100000) subscribers, first with a day of history, then with
# a year, each store made by build/bench/history_store (day buckets plus
# the hours of the first and last day: every record a whole-history sum
# reads); SCRAPES (7) sequential curl scrapes of /metrics each, median and
# max seconds.  OLD_BUILD=DIR also times that build's agent on the same
# stores (one from before the running totals: it sums each subscriber's
# whole history per scrape).
set -u -o pipefail
. "$(dirname "$0")/../tests/integration/lib.sh"

N=${N:-1000}
D=${D:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
HOURS=720
FROM=2026-11-01T00:00:00Z
TO=2026-12-01T00:00:00Z

tg_init
tg_need_bins
command -v wrk >/dev/null || tg_skip "wrk not installed"

tg_ns_add gw || tg_skip "ip netns add failed (network namespaces unavailable?)"
tg_in gw ip link add lan0 type veth peer name wan0 || tg_die "veth"
tg_in gw ip link set lan0 up
tg_in gw ip link set wan0 up
TG_LANS=(lan0)
TG_WANS=(wan0)

# ----------------------------------------------- MODE=history: /metrics
if [ "${MODE:-}" = history ]; then
	N=${N_HISTORY:-100000}
	SCRAPES=${SCRAPES:-7}
	[ -x "$BUILD/bench/history_store" ] || tg_skip "$BUILD/bench/history_store not built (make bench)"
	cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$TG_AGENT_PID/stat"; }
	scrape_times() {	# -> "median max bytes cpu_ms" of SCRAPES scrapes
		local i t b c0 c1
		c0=$(cpu_ticks)
		for (( i = 0; i < SCRAPES; i++ )); do
			timeout 120 nsenter --net="$(tg_nspath gw)" curl -sS --fail \
				-o "$TG_TMP/metrics.txt" -w '%{time_total}\n' \
				"http://127.0.0.1:$TG_PORT/metrics" || return 1
		done | sort -n | awk -v n="$SCRAPES" '{ t[NR] = $1 } END {
			printf "%.3f %.3f", t[int((n + 1) / 2)], t[n] }'
		b=$(wc -c <"$TG_TMP/metrics.txt")
		c1=$(cpu_ticks)
		# the agent's CPU (user + system) per scrape: what the load on a
		# shared machine does not inflate as it does wall time
		echo " $b $(( (c1 - c0) * 1000 / $(getconf CLK_TCK) / SCRAPES ))"
	}
	declare -A RES
	builds=("$BUILD"); [ -n "${OLD_BUILD:-}" ] && builds+=("$OLD_BUILD")
	for days in 1 365; do
		rm -rf "$TG_DB"; mkdir -p "$TG_DB"
		"$BUILD/bench/history_store" "$TG_DB" "$N" "$days" || tg_die "history_store"
		tg_log "store: $N subscribers x $days days of history, $(du -sh "$TG_DB" | cut -f1)"
		for b in "${builds[@]}"; do
			BUILD=$b TG_INTERVAL=3600 TG_XDP_MODE=skb tg_agent_start --detach >/dev/null ||
				tg_die "agent ($b) did not start"
			tg_curl "/v1/subscribers/p$((N / 2))/usage" | jq -e '.down_bytes > 0' >/dev/null ||
				tg_die "no usage for p$((N / 2))"
			RES[$b,$days]=$(scrape_times) || tg_die "scrape failed ($b)"
			tg_log "$b, $days days: median max bytes = ${RES[$b,$days]}"
			tg_agent_stop TERM	# --detach: the next store starts afresh
		done
	done
	echo
	echo "/metrics, $N subscribers, $SCRAPES sequential scrapes each (curl time_total, s)"
	echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| agent | history | median | max | agent CPU per scrape | body bytes |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for b in "${builds[@]}"; do
		for days in 1 365; do
			read -r med max bytes cpu <<<"${RES[$b,$days]}"
			echo "| $b | $days day(s) | $med s | $max s | $cpu ms | $bytes |"
		done
	done
	exit 0
fi

# ------------------------------------------------------------ the store
t0=$(date +%s.%N)
for (( i = 0; i < N; i++ )); do
	tg_cli sub add "p$i" --name "Pelanggan $i" \
		--ip "10.$((100 + i / 65536)).$(( (i / 256) % 256 )).$((i % 256))/32" \
		>/dev/null || tg_die "sub add p$i"
done
t1=$(date +%s.%N)
# Hourly rows, deterministic sizes: up 1..100 MB, down 10x.
awk -v n="$N" -v h="$HOURS" 'BEGIN {
	print "subscriber,start,up_bytes,down_bytes"
	for (i = 0; i < n; i++)
		for (j = 0; j < h; j++) {
			up = ((i * 7919 + j * 104729) % 100 + 1) * 1000000
			printf "p%d,@%d,%d,%d\n", i, 1793491200 + j * 3600, up, up * 10
		}
}' >"$TG_TMP/usage.csv"
t2=$(date +%s.%N)
tg_cli usage import "$TG_TMP/usage.csv" || tg_die "usage import"
t3=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
tg_log "store: $N subscribers in $(secs "$t0" "$t1") s (one sub add each), $((N * HOURS)) hourly rows imported in $(secs "$t2" "$t3") s, $(du -sh "$TG_DB" | cut -f1)"

TG_INTERVAL=10 TG_XDP_MODE=skb tg_agent_start --detach >/dev/null || tg_die "agent did not start"

ID=p$((N / 2))
Q="from=$FROM&to=$TO"
NAMES=(healthz sub-month sub-days all-month metrics)
declare -A URL=(
	[healthz]=/healthz
	[sub-month]="/v1/subscribers/$ID/usage?$Q"
	[sub-days]="/v1/subscribers/$ID/usage?$Q&step=day"
	[all-month]="/v1/usage?$Q"
	[metrics]=/metrics
)

# Check each answer once before loading it: right status, sane body.
want=$(awk -F, -v id="$ID" '$1 == id { u += $3; d += $4 } END { printf "%.0f %.0f", u, d }' "$TG_TMP/usage.csv")
got=$(tg_curl "${URL[sub-month]}" | jq -r '"\(.up_bytes) \(.down_bytes)"') || tg_die "sub-month failed"
[ "$got" = "$want" ] || tg_die "$ID month: endpoint says $got, imported $want"
nb=$(tg_curl "${URL[sub-days]}" | jq '.buckets | length') || tg_die "sub-days failed"
ns=$(tg_curl "${URL[all-month]}" | jq '.subscribers | length' 2>/dev/null) || ns='?'
nm=$(tg_curl /metrics | wc -l)
declare -A SIZE
for k in "${NAMES[@]}"; do
	SIZE[$k]=$(tg_curl "${URL[$k]}" | wc -c) || tg_die "$k: request failed"
done
tg_log "checked: $ID month = $got B up/down as imported; $nb day buckets; /v1/usage lists $ns; /metrics $nm lines"

# ------------------------------------------------------------- wrk
declare -A RPS LAT P50 P99 ERR
for k in "${NAMES[@]}"; do
	out=$TG_TMP/wrk-$k.txt
	tg_run $((D + 20)) nsenter --net="$(tg_nspath gw)" wrk -t"$THREADS" -c"$CONNS" \
		-d"${D}s" --latency "http://127.0.0.1:$TG_PORT${URL[$k]}" >"$out" 2>&1 ||
		{ cat "$out"; tg_die "wrk $k failed"; }
	RPS[$k]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	LAT[$k]=$(awk '$1 == "Latency" && NF >= 4 { print $2; exit }' "$out")
	P50[$k]=$(awk '$1 == "50%" { print $2 }' "$out")
	P99[$k]=$(awk '$1 == "99%" { print $2 }' "$out")
	ERR[$k]=$(awk '/Non-2xx/ { e += $NF } /Socket errors/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) e += $i } END { print e + 0 }' "$out")
	printf '  %-10s %10s req/s\n' "$k" "${RPS[$k]}"
	tg_agent_alive || tg_die "agent died under $k"
done

echo
echo "stats endpoint under wrk -t$THREADS -c$CONNS -d${D}s, $N subscribers x $HOURS hourly buckets"
echo "kernel $(uname -r), $(nproc) CPUs shared by wrk and the agent; ID = $ID, month = $FROM .. $TO"
echo
printf '| %-50s | %8s | %9s | %8s | %8s | %8s | %6s |\n' endpoint "bytes" "req/s" "avg" "p50" "p99" errors
echo "| -------------------------------------------------- | -------- | --------- | -------- | -------- | -------- | ------ |"
for k in "${NAMES[@]}"; do
	u=${URL[$k]//$FROM/FROM}; u=${u//$TO/TO}
	printf '| %-50s | %8s | %9s | %8s | %8s | %8s | %6s |\n' "$u" "${SIZE[$k]}" \
		"${RPS[$k]}" "${LAT[$k]}" "${P50[$k]}" "${P99[$k]}" "${ERR[$k]}"
done
