#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_bridge.sh - issue 10, item 4: tagih as a bump in the wire.  The
# gateway namespace is a Linux bridge (br0 = lan0 + wan0) with no address
# at all, between an access switch and the router (lib.sh
# topo_bridge_up); the agent meters and enforces on the two bridge ports,
# --lan lan0 --wan wan0, with xdp_mode and download_hook at auto.
#   s1 10.77.1.2/32 (IPv4)   s2 fd77:1::2/128 (IPv6)   s3 10.77.1.3/32 (silent)
#
# Proves: no address anywhere on the gateway; auto picks tc on the ports
# (veth) and the wan port's ingress for downloads (lan0 is a bridge port,
# so no lan egress program); iperf3 through the bridge is metered per
# subscriber within the bound (meterck.sh) and equals the subscriber's
# access-switch port counters less ARP/ND/MLD; s3 reads 0; isolir on the
# bridge: suspended s1 cannot open TCP upstream while s2 can, its SYNs are
# counted as dropped, and it reaches upstream again after restore.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/meterck.sh"

SIZE=$((8 * 1024 * 1024))

tg_init
tg_need_bins
topo_bridge_up 2 || tg_die "bridge topology did not come up"
tg_wait_until 10 "s1 -> $TG_UP4" tg_reach s1 $TG_UP4 &&
tg_wait_until 10 "s2 -> $TG_UP6" tg_reach s2 $TG_UP6 &&
tg_wait_until 10 "s3 -> $TG_UP4" tg_reach s3 $TG_UP4 || tg_die "no path through the bridge"
tg_neigh_flush
ADDRS=$(tg_in gw ip -o addr show | awk '$2 != "lo" { print $2, $4 }')
[ -z "$ADDRS" ] || tg_die "the bridge gateway has addresses: $ADDRS"
echo "gateway: bridge br0 (lan0 + wan0), no address on any interface"

tg_cli sub add s1 --name "Satu" --ip 10.77.1.2/32 >/dev/null || tg_die "sub add s1"
tg_cli sub add s2 --name "Dua" --ip fd77:1::2/128 >/dev/null || tg_die "sub add s2"
tg_cli sub add s3 --name "Tiga" --ip 10.77.1.3/32 >/dev/null || tg_die "sub add s3"
mc_family s2 6

CONF=$TG_TMP/tagih.conf
echo "policy_poll_ms = 100" >"$CONF"; chmod 600 "$CONF"
TG_INTERVAL=1 TG_XDP_MODE=auto tg_agent_start --config "$CONF" ||
	tg_die "agent did not start"
grep -q "lan0 is a bridge port" "$TG_TMP/agent.log" ||
	tg_die "download_hook auto did not see the bridge port"
PINS=$(ls "$(tg_pin_dir)" | grep '^tc_' | tr '\n' ' ')
[ "$PINS" = "tc_lan0_ingress tc_wan0_ingress " ] ||
	tg_die "want tc on the ingress of both ports, got: $PINS"
echo "agent: tc on the ingress of lan0 (uploads) and wan0 (downloads)"

declare -A BASE NOW LB LN
for s in s1 s2 s3; do
	BASE[$s]=$(tg_usage $s) || tg_die "no usage for $s"
	LB[$s]=$(mc_link acc "${TG_SUB_IF[$s]}")
done
mc_reset s1 s2 s3
echo "iperf3 transfers of $SIZE bytes each way through the bridge"
mc_xfer s1 up   $SIZE 5201 $TG_UP4
mc_xfer s1 down $SIZE 5201 $TG_UP4
mc_xfer s2 up   $SIZE 5202 $TG_UP6
mc_xfer s2 down $SIZE 5202 $TG_UP6
tg_wait_drained 20 s1 s2 s3 || tg_die "usage did not settle"
for s in s1 s2 s3; do
	NOW[$s]=$(tg_usage $s) || tg_die "no usage for $s"
	LN[$s]=$(mc_link acc "${TG_SUB_IF[$s]}")
	mc_check $s "${BASE[$s]}" "${NOW[$s]}" "${LB[$s]}" "${LN[$s]}"
done
[ "${NOW[s3]}" = "0 0 0 0" ] ||
	{ echo "  FAIL  s3 (silent) reads ${NOW[s3]}"; FAILS=$((FAILS + 1)); }

echo "isolir on the bridge"
D0=$(mc_metric 'tagih_dropped_bytes_total{subscriber="s1"}')
tg_cli sub suspend s1 --reason "uji bridge" >/dev/null || tg_die "sub suspend"
sleep 0.6
if tg_reach s1 $TG_UP4; then
	echo "  FAIL  suspended s1 still reaches upstream through the bridge"
	FAILS=$((FAILS + 1))
else
	echo "  ok    suspended s1 cannot open TCP upstream"
fi
tg_reach s2 $TG_UP6 && echo "  ok    s2 unaffected" ||
	{ echo "  FAIL  s2 lost its path"; FAILS=$((FAILS + 1)); }
tg_wait_drained 20 s1 || tg_die "no drain"
D1=$(mc_metric 'tagih_dropped_bytes_total{subscriber="s1"}')
if [ $((D1 - D0)) -ge 60 ]; then
	echo "  ok    s1's SYNs counted as dropped (+$((D1 - D0)) B)"
else
	echo "  FAIL  nothing counted as dropped for s1 (+$((D1 - D0)) B)"
	FAILS=$((FAILS + 1))
fi
tg_cli sub restore s1 --reason "lunas" >/dev/null 2>&1 || tg_cli sub restore s1 >/dev/null || tg_die "sub restore"
if tg_wait_until 3 "s1 -> $TG_UP4 after restore" tg_reach s1 $TG_UP4; then
	echo "  ok    s1 reaches upstream again after restore"
else
	echo "  FAIL  s1 still cut off after restore"
	FAILS=$((FAILS + 1))
fi

tg_agent_stop TERM || { echo "  FAIL  agent exit status $? on SIGTERM"; FAILS=$((FAILS + 1)); }
[ $FAILS -eq 0 ] || tg_die "$FAILS check(s) failed"
echo "PASS: an address-less bridge meters per subscriber on its ports, within bounds and equal to the port counters, and enforces isolir"
