# SPDX-License-Identifier: GPL-2.0
# meterck.sh - iperf3 bookkeeping and the metering checks shared by
# test_nat.sh and test_bridge.sh (source after lib.sh; never run it).
#
# THE BOUND (as test_meter.sh, which says why): the meter bills the IP
# length, so for subscriber s and direction d (o = the opposite one)
#   lower_d = payload the receivers got (iperf3 JSON)
#   upper_d = S_d + seg(S_d)*HDR + seg(S_o)*HDR + R_d*(MSS+HDR) + N*SLACK
# HDR = 52 (IPv4 + TCP + timestamps) or 72 (IPv6), MSS 1448 / 1428,
# seg(x) = ceil(x/MSS) + ceil(x/BLK), S = sent, R = retransmits,
# N = transfers, SLACK = 32 KiB.  2*lower > upper, so a double count
# fails.  The tc programs bill a GRO/GSO packet its merged IP length
# (headers once), so the test_meter.sh payload check (bytes - pkts*HDR,
# pkts counted per wire segment in tc) does not apply; instead every
# direction must equal the interface counters of the port it was metered
# on (IP bytes: Ethernet taken off per skb) within MC_LINK_TOL bytes,
# which are ARP, ND and MLD (not metered) and the gateway's own packets.
#
#   mc_reset                          forget the expectation
#   mc_xfer SUB DIR BYTES PORT DEST [iperf3 args]   one transfer, accounted
#   mc_check SUB "BASE" "NOW" "LBASE" "LNOW"        bound + link, both dirs
#   (usage / link tuples are "up down up_pkts down_pkts")
# FAILS counts failed checks.

MC_SLACK=32768
MC_BLK=131072
MC_WIN=128K
MC_LINK_TOL=${MC_LINK_TOL:-4096}
FAILS=0
declare -A MC_S MC_R MC_X MC_N MC_HDR MC_MSS

mc_family() {	# SUB 4|6
	if [ "$2" = 6 ]; then MC_HDR[$1]=72; MC_MSS[$1]=1428
	else MC_HDR[$1]=52; MC_MSS[$1]=1448; fi
}

mc_reset() {
	local s d
	for s in "$@"; do
		MC_N[$s]=0
		[ -n "${MC_HDR[$s]:-}" ] || mc_family "$s" 4
		for d in up down; do MC_S[$s,$d]=0; MC_R[$s,$d]=0; MC_X[$s,$d]=0; done
	done
}

# mc_account SUB DIR JSON REQ
mc_account() {
	local sub=$1 dir=$2 js=$3 req=$4 sent recv retr
	sent=$(jq -e '.end.sum_sent.bytes' "$js") || tg_die "$sub $dir: no iperf3 result in $js"
	recv=$(jq -e '.end.sum_received.bytes' "$js") || tg_die "$sub $dir: no iperf3 result"
	retr=$(jq '.end.sum_sent.retransmits // 0' "$js")
	printf '  %-3s %-4s -n %9d: sent %9d received %9d retransmits %s\n' \
		"$sub" "$dir" "$req" "$sent" "$recv" "$retr"
	[ $((recv * 100)) -ge $((req * 90)) ] ||
		tg_die "$sub $dir: iperf3 delivered only $recv of $req bytes"
	MC_S[$sub,$dir]=$((MC_S[$sub,$dir] + sent))
	MC_R[$sub,$dir]=$((MC_R[$sub,$dir] + recv))
	MC_X[$sub,$dir]=$((MC_X[$sub,$dir] + retr))
	MC_N[$sub]=$((MC_N[$sub] + 1))
}

mc_xfer() {
	local sub=$1 dir=$2 n=$3 port=$4 dest=$5 js; shift 5
	js=$TG_TMP/$sub-$dir-$port-$RANDOM.json
	tg_iperf "$sub" "$js" -c "$dest" -p "$port" -n "$n" -l $MC_BLK -w $MC_WIN \
		$([ "$dir" = down ] && echo -R) "$@" ||
		{ cat "$js" >&2; tg_die "iperf3 $sub $dir failed"; }
	mc_account "$sub" "$dir" "$js" "$n"
}

mc_seg() { echo $(( ($1 + MC_MSS[$2] - 1) / MC_MSS[$2] + ($1 + MC_BLK - 1) / MC_BLK )); }

mc_bounds() {	# SUB DIR -> "lower upper"
	local s=$1 d=$2 o
	[ "$d" = up ] && o=down || o=up
	echo "${MC_R[$s,$d]} $(( MC_S[$s,$d] + $(mc_seg ${MC_S[$s,$d]} "$s") * MC_HDR[$s] \
		+ $(mc_seg ${MC_S[$s,$o]} "$s") * MC_HDR[$s] \
		+ MC_X[$s,$d] * (MC_MSS[$s] + MC_HDR[$s]) + MC_N[$s] * MC_SLACK ))"
}

# mc_link NS IFACE -> "rx tx rx_pkts tx_pkts", IP bytes (14 B per skb off)
mc_link() {
	tg_in "$1" ip -s -j link show "$2" | jq -r '.[0].stats64 |
		"\(.rx.bytes - 14 * .rx.packets) \(.tx.bytes - 14 * .tx.packets) \(.rx.packets) \(.tx.packets)"'
}

# mc_check SUB "BASE" "NOW" "LBASE" "LNOW": LBASE/LNOW are the counters
# of the interface whose rx is the subscriber's upload and tx its
# download ("" to skip the link check).
mc_check() {
	local s=$1 b=($2) c=($3) lb=($4) lc=($5) d i lo up got pk lk diff
	i=0
	for d in up down; do
		got=$(( c[i] - b[i] )); pk=$(( c[i + 2] - b[i + 2] ))
		read -r lo up <<<"$(mc_bounds "$s" "$d")"
		if [ "${MC_S[$s,up]}${MC_S[$s,down]}" = 00 ]; then lo=0; up=0; fi
		if [ "$got" -ge "$lo" ] && [ "$got" -le "$up" ]; then
			printf '  ok    %-3s %-4s %10d B %6d pkts  in [%d, %d]\n' \
				"$s" "$d" "$got" "$pk" "$lo" "$up"
		else
			printf '  FAIL  %-3s %-4s %10d B %6d pkts  NOT in [%d, %d]\n' \
				"$s" "$d" "$got" "$pk" "$lo" "$up"
			FAILS=$((FAILS + 1))
		fi
		if [ "$lo" -gt 0 ] && [ $((2 * lo)) -le "$up" ]; then
			echo "  FAIL  $s $d: bound too loose to catch a doubled count"
			FAILS=$((FAILS + 1))
		fi
		if [ -n "$4" ]; then
			lk=$(( lc[i] - lb[i] )); diff=$(( lk - got ))
			if [ "$diff" -ge 0 ] && [ "$diff" -le "$MC_LINK_TOL" ]; then
				printf '        link %10d B: metered = link - %d B (ARP/ND/MLD, gateway packets)\n' "$lk" "$diff"
			else
				printf '  FAIL  link %10d B: metered %d differs by %d (want 0..%d less)\n' \
					"$lk" "$got" "$diff" "$MC_LINK_TOL"
				FAILS=$((FAILS + 1))
			fi
		fi
		i=$((i + 1))
	done
}

# mc_metric NAME_AND_LABELS -> its value on the agent's /metrics (0 if absent)
mc_metric() {
	tg_curl /metrics | awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }'
}
