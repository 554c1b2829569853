#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_nat.sh - issue 10, item 3: the gateway masquerades its subscribers
# (nftables), downloads are billed on the lan egress after de-NAT, exactly
# once, and an isolated subscriber's downloads are dropped there.
#
# lib.sh's topology with one change: nftables masquerade on wan0 and no
# route back from upstream to the subscribers, so every download crosses
# the NAT.  The agent runs with xdp_mode and download_hook left at auto:
# it must find the masquerade and put tagih_lan_down on each lan's egress
# and nothing on wan0.
#   s1  10.77.1.2/32   IPv4          s3  10.77.3.2/32 + 10.77.33.0/24
#   s2  fd77:2::2/128  IPv6 (NAT66)  s4  10.77.4.2/32 + fd77:4::/64, silent
#
# Proves: iperf3 uploads and downloads of known sizes per subscriber fall
# within the bound (tests/integration/meterck.sh) and equal the lan's
# interface counters (rx = upload, tx = download) less ARP/ND/MLD;
# "unknown" stays near 0 (<= 8 KiB: MLD from link-local addresses); s4
# reads exactly 0; kill -9 of the agent mid-transfer changes nothing of
# that; a suspended subscriber's UDP download stream stops at the lan
# egress and is counted as dropped; a wan0 deleted and made anew (a new
# ifindex, as ppp0 after a redial) is billed again after the next
# reconcile without a restart; `tagih fsck` finds the running totals
# the endpoint answers from equal to the hourly history.  Runs in about 30 s.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/meterck.sh"

SIZE=$((8 * 1024 * 1024))
KSIZE=$((24 * 1024 * 1024))
KRATE=48M

tg_init
tg_need_bins
for t in nft python3; do
	command -v "$t" >/dev/null 2>&1 || tg_skip "$t not installed"
done
topo_up || tg_die "topology did not come up"
tg_in gw nft -f - <<'EON' || tg_die "nft masquerade"
table inet tgnat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
EON
tg_in up ip route del 10.77.0.0/16
tg_in up ip -6 route del fd77::/16
tg_reach_all || tg_die "subscribers cannot reach upstream through the NAT"

tg_cli sub add s1 --name "Satu" --ip 10.77.1.2/32 >/dev/null || tg_die "sub add s1"
tg_cli sub add s2 --name "Dua" --ip fd77:2::2/128 >/dev/null || tg_die "sub add s2"
tg_cli sub add s3 --name "Tiga" --ip 10.77.3.2/32 --ip 10.77.33.0/24 >/dev/null || tg_die "sub add s3"
tg_cli sub add s4 --name "Empat" --ip 10.77.4.2/32 --ip fd77:4::/64 >/dev/null || tg_die "sub add s4"
mc_family s2 6

CONF=$TG_TMP/tagih.conf
echo "policy_poll_ms = 100" >"$CONF"; chmod 600 "$CONF"
TG_INTERVAL=1 TG_XDP_MODE=auto tg_agent_start --config "$CONF" ||
	tg_die "agent did not start"
grep -q "download_hook auto: this box does NAT" "$TG_TMP/agent.log" ||
	tg_die "download_hook auto did not see the masquerade"
PINS=$(ls "$(tg_pin_dir)")
for i in lan0 lan1 lan2 lan3; do
	grep -qx "tc_${i}_egress" <<<"$PINS" || tg_die "no tagih_lan_down on $i"
	grep -qx "tc_${i}_ingress" <<<"$PINS" || tg_die "no tc upload program on $i"
done
grep -q wan0 <<<"$PINS" && tg_die "a program on wan0 would bill downloads twice"
tg_in gw ip link show wan0 | grep -q xdp && tg_die "XDP on wan0"
echo "agent: auto found the masquerade; tc on the lans (ingress + egress), nothing on wan0"

declare -A BASE NOW LB LN
snap() {	# VAR: usage and link counters of every subscriber
	local s
	for s in s1 s2 s3 s4; do
		if [ "$1" = base ]; then
			BASE[$s]=$(tg_usage $s) || tg_die "no usage for $s"
			LB[$s]=$(mc_link gw "${TG_SUB_IF[$s]}")
		else
			NOW[$s]=$(tg_usage $s) || tg_die "no usage for $s"
			LN[$s]=$(mc_link gw "${TG_SUB_IF[$s]}")
		fi
	done
}
checks() {
	local s
	for s in s1 s2 s3 s4; do
		mc_check $s "${BASE[$s]}" "${NOW[$s]}" "${LB[$s]}" "${LN[$s]}"
	done
	[ "${NOW[s4]}" = "0 0 0 0" ] ||
		{ echo "  FAIL  s4 (silent) reads ${NOW[s4]}"; FAILS=$((FAILS + 1)); }
}
unknown() { echo $(( $(mc_metric 'tagih_unknown_bytes_total{direction="up"}') + \
	$(mc_metric 'tagih_unknown_bytes_total{direction="down"}') )); }

# ------------------------------------------------ phase 1: known transfers
U0=$(unknown)
snap base
mc_reset s1 s2 s3 s4
echo "phase 1: iperf3 transfers of $SIZE bytes each way, through the masquerade"
mc_xfer s1 up   $SIZE 5201 $TG_UP4
mc_xfer s1 down $SIZE 5201 $TG_UP4
mc_xfer s2 up   $SIZE 5202 $TG_UP6
mc_xfer s2 down $SIZE 5202 $TG_UP6
mc_xfer s3 up   $SIZE 5203 $TG_UP4 -B 10.77.3.2
mc_xfer s3 down $SIZE 5203 $TG_UP4 -B 10.77.3.2
mc_xfer s3 up   $SIZE 5204 $TG_UP4 -B 10.77.33.2
mc_xfer s3 down $SIZE 5204 $TG_UP4 -B 10.77.33.2
tg_wait_drained 20 s1 s2 s3 s4 || tg_die "usage did not settle"
snap now
checks
U1=$(unknown)
if [ $((U1 - U0)) -le 8192 ]; then
	echo "  ok    unknown +$((U1 - U0)) B (<= 8192)"
else
	echo "  FAIL  unknown +$((U1 - U0)) B: downloads not attributed after de-NAT?"
	FAILS=$((FAILS + 1))
fi

# --------------------------------------- phase 2: kill -9 during transfers
echo "phase 2: kill -9 the agent during $KSIZE-byte transfers at $KRATE bit/s"
for s in s1 s2 s3 s4; do BASE[$s]=${NOW[$s]}; LB[$s]=${LN[$s]}; done
mc_reset s1 s2 s3 s4
js1=$TG_TMP/k-s1.json; js2=$TG_TMP/k-s2.json
tg_bg timeout -k 3 40 nsenter --net="$(tg_nspath s1)" iperf3 --json -c $TG_UP4 \
	-p 5201 -n $KSIZE -l $MC_BLK -w $MC_WIN -b $KRATE -R >"$js1"
p1=$TG_LAST_PID
tg_bg timeout -k 3 40 nsenter --net="$(tg_nspath s2)" iperf3 --json -c $TG_UP6 \
	-p 5202 -n $KSIZE -l $MC_BLK -w $MC_WIN -b $KRATE >"$js2"
p2=$TG_LAST_PID
sleep 1.5
kill -0 $p1 2>/dev/null && kill -0 $p2 2>/dev/null || tg_die "transfers ended before the kill"
tg_agent_kill9
tg_log "agent killed with SIGKILL mid-transfer; pins: $(ls "$(tg_pin_dir)" | tr '\n' ' ')"
sleep 1
TG_XDP_MODE=auto tg_agent_start --config "$CONF" || tg_die "agent did not restart after kill -9"
grep -c "keeping tagih_lan_down on the tc egress" "$TG_TMP/agent.log" | grep -qx 4 ||
	tg_die "the restarted agent did not keep the lan egress programs"
wait $p1 || tg_die "iperf3 s1 (kill phase) failed: $(cat "$js1")"
wait $p2 || tg_die "iperf3 s2 (kill phase) failed: $(cat "$js2")"
tg_forget $p1; tg_forget $p2
mc_account s1 down "$js1" $KSIZE
mc_account s2 up "$js2" $KSIZE
tg_wait_drained 20 s1 s2 s3 s4 || tg_die "usage did not settle after restart"
snap now
checks

# ------------------------------------- phase 3: isolir on the lan egress
# A UDP stream from upstream to s1 through the NAT mapping s1 opened: 1000
# bytes every 20 ms for 5 s.  After `tagih sub suspend` the stream must stop
# reaching s1 (dropped on the lan egress, counted as dropped).
echo "phase 3: s1 suspended while a UDP download streams to it"
cat >"$TG_TMP/udp_srv.py" <<'EOP'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7777))
_, peer = s.recvfrom(100)
end = time.time() + 5
while time.time() < end:
    s.sendto(b"x" * 1000, peer)
    time.sleep(0.02)
EOP
cat >"$TG_TMP/udp_cli.py" <<'EOP'
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40777))
s.settimeout(0.2)
s.sendto(b"hi", (sys.argv[1], 7777))
before = after = 0
end = time.time() + 6
while time.time() < end:
    try:
        s.recv(2000)
    except socket.timeout:
        continue
    if os.path.exists(sys.argv[2]):
        after += 1
    else:
        before += 1
print(before, after)
EOP
tg_bg nsenter --net="$(tg_nspath up)" python3 "$TG_TMP/udp_srv.py" $TG_UP4
tg_wait_until 5 "udp server" sh -c "nsenter --net=$(tg_nspath up) ss -Hlun | grep -q :7777" ||
	tg_die "udp server did not start"
D0=$(mc_metric 'tagih_dropped_bytes_total{subscriber="s1"}')
tg_in s1 timeout 10 python3 "$TG_TMP/udp_cli.py" $TG_UP4 "$TG_TMP/mark" >"$TG_TMP/udp.out" &
pc=$!
sleep 1.5
tg_cli sub suspend s1 --reason "uji NAT" >/dev/null || tg_die "sub suspend"
sleep 0.6	# policy_poll_ms 100: applied well within this
touch "$TG_TMP/mark"
wait $pc
read -r before after <"$TG_TMP/udp.out"
tg_wait_drained 20 s1 || tg_die "no drain"
D1=$(mc_metric 'tagih_dropped_bytes_total{subscriber="s1"}')
echo "  s1 received $before datagrams before the suspension, $after after; dropped +$((D1 - D0)) B"
if [ "$before" -ge 20 ] && [ "$after" -eq 0 ] && [ $((D1 - D0)) -ge $((50 * 1028)) ]; then
	echo "  ok    the download stream stopped at the lan egress and was counted as dropped"
else
	echo "  FAIL  isolir did not stop the download (before $before, after $after, dropped +$((D1 - D0)))"
	FAILS=$((FAILS + 1))
fi

# ------------------------- phase 4: the wan is recreated (a new ifindex)
# As ppp0 after a PPPoE redial: the agent reloads tagih_wanif at its next
# reconcile, so downloads through the new wan0 are billed again.
echo "phase 4: wan0 deleted and made anew (new ifindex), agent left running"
tg_cli sub restore s1 --reason "lunas" >/dev/null || tg_die "sub restore"
tg_in gw ip link del wan0
ip link add wan0 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}up" ||
	tg_die "veth wan0"
tg_in gw ip addr add 10.77.0.1/24 dev wan0
tg_in gw ip -6 addr add fd77:ff::1/64 dev wan0 nodad
tg_in up ip addr add $TG_UP4/24 dev eth0
tg_in up ip -6 addr add $TG_UP6/64 dev eth0 nodad
tg_in gw ip link set wan0 up
tg_in up ip link set eth0 up
tg_wait_until 10 "s1 -> $TG_UP4 over the new wan0" tg_reach s1 $TG_UP4 || tg_die "no path over the new wan0"
tg_wait_drained 20 s1 || tg_die "no drain"	# a drain, then its reconcile
snap base
mc_reset s1 s2 s3 s4
mc_xfer s1 down $SIZE 5201 $TG_UP4
tg_wait_drained 20 s1 || tg_die "usage did not settle"
snap now
mc_check s1 "${BASE[s1]}" "${NOW[s1]}" "${LB[s1]}" "${LN[s1]}"

tg_agent_stop TERM || { echo "  FAIL  agent exit status $? on SIGTERM"; FAILS=$((FAILS + 1)); }
# the running totals the endpoint answered from equal the hourly history
FJ=$(tg_cli fsck --json) && [ "$(jq -r '"\(.violations) \(.usage_totals)"' <<<"$FJ")" = "0 3" ] &&
	echo "  ok    tagih fsck: running totals of 3 subscribers = their hourly history" ||
	{ echo "  FAIL  tagih fsck: $FJ"; FAILS=$((FAILS + 1)); }
[ $FAILS -eq 0 ] || tg_die "$FAILS check(s) failed"
echo "PASS: downloads after de-NAT billed once on the lan egress, within bounds and equal to the interface counters, unknown ~0, kill -9 exact, isolir drops downloads"
