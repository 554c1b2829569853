#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_pppoe_wire.sh - issue 10, "what it must show" 2: PPPoE on the wire.
# The gateway is the address-less bridge of lib.sh topo_bridge_up (tagih
# in front of a PPPoE server); subscriber namespaces send PPPoE session
# frames made with python3-scapy (tests/integration/pppoe_gen.py) and the
# router namespace sends them back, IPv4 (PPP 0x0021) and IPv6 (0x0057),
# untagged, 802.1Q and QinQ (802.1ad + 802.1Q).
#
# Proves: every session frame is billed its inner IP length to the right
# subscriber and direction, exactly (bytes and packets); discovery (PADI)
# and PPP control (LCP echo, IPCP) are never billed and show in
# tagih_ppp_control_packets_total; a suspended subscriber's PPPoE frames
# are dropped both ways, counted as dropped, billed nothing.  The agent
# runs with tc_link = clsact (the path of kernels before 6.6).
# With CONFIG_PPP (pppd can open /dev/ppp) it also runs pppoe-server +
# pppd across the bridge; without, it prints a SKIP line for that part.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

GEN=$(cd "$(dirname "$0")" && pwd)/pppoe_gen.py
tg_init
tg_need_bins
# Debian's python3-scapy lives in /usr/bin/python3's path (a python3
# earlier in PATH, as pyenv's, may not have it)
PY=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import scapy.all' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || tg_skip "python3-scapy not installed (apt-get install python3-scapy)"
topo_bridge_up 0 || tg_die "bridge topology did not come up"

tg_cli sub add s1 --name "Satu" --ip 10.77.1.2/32 >/dev/null || tg_die "sub add s1"
tg_cli sub add s2 --name "Dua" --ip fd77:1::2/128 >/dev/null || tg_die "sub add s2"
tg_cli sub add s3 --name "Tiga" --ip 10.77.1.3/32 >/dev/null || tg_die "sub add s3"
CONF=$TG_TMP/tagih.conf
# tc_link = clsact: this suite runs the meter the way Debian 12's kernel
# (no tcx) gets it, a direct-action filter on a clsact qdisc
printf 'policy_poll_ms = 100\ntc_link = clsact\n' >"$CONF"; chmod 600 "$CONF"
TG_INTERVAL=1 TG_XDP_MODE=auto tg_agent_start --config "$CONF" ||
	tg_die "agent did not start"
for p in lan0:tagih_lan_tc wan0:tagih_wan_tc; do
	tg_in gw tc filter show dev ${p%%:*} ingress | grep -q "${p#*:}.*direct-action" ||
		tg_die "no clsact filter ${p#*:} on ${p%%:*}"
done
echo "agent: clsact filters on the bridge ports (tc_link = clsact)"

MAC_UP=$(tg_in up ip -j link show eth0 | jq -r '.[0].address')
MAC_S1=$(tg_in s1 ip -j link show eth0 | jq -r '.[0].address')
MAC_S2=$(tg_in s2 ip -j link show eth0 | jq -r '.[0].address')

# gen NS DSTMAC SPEC... -> "IPBYTES FRAMES CTRL"
gen() {
	local ns=$1 dst=$2 out; shift 2
	out=$(tg_run 60 nsenter --net="$(tg_nspath "$ns")" "$PY" "$GEN" eth0 "$dst" "$@") ||
		tg_die "pppoe_gen in $ns failed: $out"
	echo "$(sed -n 1p <<<"$out") $(sed -n 2p <<<"$out" | awk '{ print $2 }')"
}
FAILS=0
expect() {	# WHAT GOT WANT
	if [ "$2" = "$3" ]; then echo "  ok    $1: $2"
	else echo "  FAIL  $1: got $2, want $3"; FAILS=$((FAILS + 1)); fi
}
ctrl() { tg_curl /metrics | awk '$1 == "tagih_ppp_control_packets_total" { print $2 }'; }
dropped() { tg_curl /metrics | awk -v k="tagih_dropped_bytes_total{subscriber=\"$1\"}" '$1 == k { print $2 }'; }

B1=$(tg_usage s1); B2=$(tg_usage s2); C0=$(ctrl)
[ "$B1 $B2" = "0 0 0 0 0 0 0 0" ] || tg_die "not zero before any traffic: $B1 / $B2"
echo "PPPoE sessions through the bridge (scapy), IPv4 and IPv6, 0/1/2 VLAN tags"
read -r U1 P1 X1 <<<"$(gen s1 "$MAC_UP" "ip||10.77.1.2|$TG_UP4|10|1000" \
	"ip|10|10.77.1.2|$TG_UP4|7|500" "ip|100.10|10.77.1.2|$TG_UP4|5|1400" \
	"padi||||2|0" "lcp|10|||3|0" "ipcp|100.10|||1|0")"
read -r U2 P2 X2 <<<"$(gen s2 "$MAC_UP" "ip||fd77:1::2|$TG_UP6|4|1200" \
	"ip|10|fd77:1::2|$TG_UP6|6|300" "ip|100.10|fd77:1::2|$TG_UP6|3|1400" \
	"lcp||||2|0")"
read -r D1 Q1 Y1 <<<"$(gen up "$MAC_S1" "ip||$TG_UP4|10.77.1.2|9|1300" \
	"ip|10|$TG_UP4|10.77.1.2|4|100" "ip|100.10|$TG_UP4|10.77.1.2|2|20" \
	"lcp||||2|0")"
read -r D2 Q2 Y2 <<<"$(gen up "$MAC_S2" "ip||$TG_UP6|fd77:1::2|5|1000" \
	"ip|10|$TG_UP6|fd77:1::2|5|10" "ip|100.10|$TG_UP6|fd77:1::2|1|1400")"
for v in "$U1$P1$X1" "$U2$P2$X2" "$D1$Q1$Y1" "$D2$Q2$Y2"; do
	[ -n "$v" ] || tg_die "a scapy generator failed"
done
tg_wait_drained 20 s1 s2 || tg_die "no drain"
expect "s1 (IPv4 in PPPoE) up down up_pkts down_pkts" "$(tg_usage s1)" "$U1 $D1 $P1 $Q1"
expect "s2 (IPv6 in PPPoE) up down up_pkts down_pkts" "$(tg_usage s2)" "$U2 $D2 $P2 $Q2"
expect "s3 (silent)" "$(tg_usage s3)" "0 0 0 0"
expect "PPP control frames (tagih_ppp_control_packets_total)" \
	"$(( $(ctrl) - C0 ))" "$((X1 + X2 + Y1 + Y2))"

echo "isolir: s1 suspended, its PPPoE frames dropped both ways"
tg_cli sub suspend s1 --reason "uji PPPoE" >/dev/null || tg_die "sub suspend"
sleep 0.6
B1=$(tg_usage s1); DR0=$(dropped s1)
RX0=$(tg_in up ip -j -s link show eth0 | jq '.[0].stats64.rx.packets')
read -r U P X <<<"$(gen s1 "$MAC_UP" "ip||10.77.1.2|$TG_UP4|10|1000" "ip|100.10|10.77.1.2|$TG_UP4|10|500")"
RX1=$(tg_in up ip -j -s link show eth0 | jq '.[0].stats64.rx.packets')
read -r D Q Y <<<"$(gen up "$MAC_S1" "ip|10|$TG_UP4|10.77.1.2|10|1300")"
[ -n "$P" ] && [ -n "$Q" ] || tg_die "a scapy generator failed"
tg_wait_drained 20 s1 || tg_die "no drain"
expect "s1 billed while suspended" "$(tg_usage s1)" "$B1"
expect "s1 dropped bytes (both ways)" "$(( $(dropped s1) - DR0 ))" "$((U + D))"
# the router's port saw none of the 20 upload frames (a stray ND/MLD may pass)
if [ $((RX1 - RX0)) -lt 5 ]; then echo "  ok    the router received $((RX1 - RX0)) frames of the 20 sent"
else echo "  FAIL  the router received $((RX1 - RX0)) frames: not dropped"; FAILS=$((FAILS + 1)); fi
tg_cli sub restore s1 --reason "lunas" >/dev/null || tg_die "sub restore"

# ---------------------------------------------------- real PPP, if any
if ! [ -c /dev/ppp ] && ! modprobe -q ppp_generic 2>/dev/null; then
	echo "SKIP (part): no PPP in this kernel (CONFIG_PPP unset, no /dev/ppp): pppoe-server + pppd not run"
elif ! command -v pppoe-server >/dev/null 2>&1 || ! command -v pppd >/dev/null 2>&1; then
	echo "SKIP (part): pppoe-server or pppd not installed (apt-get install pppoe ppp): real PPP session not run"
else
	echo "real PPP: pppoe-server in the router namespace, pppd in s3"
	tg_cli sub ip add s3 10.77.9.2/32 >/dev/null || tg_die "sub ip add s3"
	printf 'noauth\nlcp-echo-interval 1\n' >"$TG_TMP/pppoe-opts"
	tg_bg nsenter --net="$(tg_nspath up)" pppoe-server -F -I eth0 -L 10.77.9.1 \
		-R 10.77.9.2 -N 1 -O "$TG_TMP/pppoe-opts"
	tg_bg nsenter --net="$(tg_nspath s3)" pppd nodetach noauth \
		plugin rp-pppoe.so eth0 noipdefault
	if tg_wait_until 15 "ppp0 in s3" sh -c "nsenter --net=$(tg_nspath s3) ip addr show ppp0 | grep -q 10.77.9.2"; then
		B3=$(tg_usage s3)
		for n in 1 2 3 4 5; do tg_reach s3 10.77.9.1; done
		tg_wait_drained 20 s3
		read -r up down _ <<<"$(tg_usage s3)"
		read -r up0 down0 _ <<<"$B3"
		[ $((up - up0)) -ge 200 ] && [ $((down - down0)) -ge 200 ] &&
			echo "  ok    real PPPoE session billed: up +$((up - up0)) down +$((down - down0))" ||
			{ echo "  FAIL  real PPPoE session: up +$((up - up0)) down +$((down - down0))"; FAILS=$((FAILS + 1)); }
	else
		echo "  FAIL  pppd did not bring the session up"; FAILS=$((FAILS + 1))
	fi
fi

tg_agent_stop TERM || { echo "  FAIL  agent exit status $? on SIGTERM"; FAILS=$((FAILS + 1)); }
[ $FAILS -eq 0 ] || tg_die "$FAILS check(s) failed"
echo "PASS: PPPoE session frames billed exactly by inner IP length (IPv4, IPv6, 0/1/2 tags), control frames never billed, isolir drops PPPoE both ways"
