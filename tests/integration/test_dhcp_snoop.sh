#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_dhcp_snoop.sh - issue 11: DHCP learned passively. dnsmasq (no hook)
# serves DHCP from its own namespace behind a bridge on the gateway, the
# meter sees the exchange on the bridge ports (a bump in the wire), and
# the agent binds each lease to the subscriber with that MAC; traffic is
# then metered per subscriber, and a RELEASE ends the lease.
#
#   d1, d2   subscribers (known MACs, udhcpc) on lan4, lan5
#   dh       dnsmasq, 10.77.60.2, on wan1
#   gw       br0 = lan4 + lan5 + wan1, 10.77.60.1 (the router dnsmasq
#            hands out); tagih_lan on lan4/lan5, tagih_wan on wan1, wan0
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

tg_init
tg_need_bins
for t in dnsmasq udhcpc iperf3 bpftool; do
	command -v "$t" >/dev/null 2>&1 || tg_skip "$t not installed"
done
topo_up 1 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"

MAC1=02:00:00:00:70:01
MAC2=02:00:00:00:70:02
topo_add_sub d1 || tg_die "d1"
topo_add_sub d2 || tg_die "d2"
tg_in d1 ip link set eth0 address $MAC1
tg_in d2 ip link set eth0 address $MAC2
tg_ns_add dh || tg_die "dh"
ip link add wan1 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}dh" ||
	tg_die "wan1"
TG_WANS+=(wan1)
tg_in dh ip addr add 10.77.60.2/24 dev eth0
tg_in dh ip link set eth0 up
tg_in gw ip link add br0 type bridge
for i in "${TG_SUB_IF[d1]}" "${TG_SUB_IF[d2]}" wan1; do
	tg_in gw ip link set "$i" master br0 up || tg_die "bridge $i"
done
tg_in gw ip addr add 10.77.60.1/24 dev br0
tg_in gw ip link set br0 up

CONF=$TG_TMP/tagih.conf
printf 'policy_poll_ms = 100\nnotice_listen =\n' >"$CONF"
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }
cli sub add d1 --name D1 --mac $MAC1 || tg_die "sub add d1"
cli sub add d2 --name D2 --mac $MAC2 || tg_die "sub add d2"

TG_INTERVAL=1
tg_agent_start --config "$CONF" || tg_die "agent did not start"

tg_bg nsenter --net="$(tg_nspath dh)" dnsmasq --no-daemon --port=0 \
	--bind-interfaces --interface=eth0 --except-interface=lo \
	--dhcp-range=10.77.60.10,10.77.60.20,255.255.255.0,2m \
	--dhcp-option=3,10.77.60.1 --dhcp-authoritative --no-ping \
	--dhcp-leasefile="$TG_TMP/leases" --user=root \
	--pid-file="$TG_TMP/dnsmasq.pid" --log-dhcp >"$TG_TMP/dnsmasq.log" 2>&1
sleep 0.5

UDHCPC=$TG_TMP/udhcpc.sh
cat >"$UDHCPC" <<'EOS'
#!/bin/sh
case "$1" in
deconfig) ip -4 addr flush dev "$interface" ;;
bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface" 2>/dev/null
	[ -n "${router:-}" ] && ip route replace default via "${router%% *}" dev "$interface" ;;
esac
exit 0
EOS
chmod +x "$UDHCPC"
lease() {
	tg_run 20 nsenter --net="$(tg_nspath "$1")" udhcpc -i eth0 -n -q -f \
		-t 5 -T 1 -s "$UDHCPC" >"$TG_TMP/udhcpc-$1.log" 2>&1 ||
		tg_die "udhcpc in $1: $(cat "$TG_TMP/udhcpc-$1.log"; tail -5 "$TG_TMP/dnsmasq.log")"
	tg_in "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1
}
# uid in tagih_pfx4 for IP/32 ("" if none): the binding on the wire
pfx_uid() {
	local a=(${1//./ })
	bpftool -j map lookup pinned "$(tg_pin_dir)/tagih_pfx4" \
		key 32 0 0 0 "${a[0]}" "${a[1]}" "${a[2]}" "${a[3]}" 2>/dev/null |
		jq -r '.formatted.value.uid // .value.uid // empty' 2>/dev/null
}
sub_uid() { cli --json sub show "$1" | jq -r .uid; }
on_wire() { [ "$(pfx_uid "$1")" = "$(sub_uid "$2")" ]; }
# metered_ok WHAT BYTES JSON: BYTES metered for the iperf3 run in JSON: at
# least what the server received (iperf3 -n stops the test once the
# client has written its bytes, so under load less than -n may arrive),
# at most what was sent with headers and retransmissions to spare.
metered_ok() {
	local what=$1 m=$2 js=$3 recv sent
	recv=$(jq -e '.end.sum_received.bytes' "$js") || tg_die "$what: no iperf3 result"
	sent=$(jq -e '.end.sum_sent.bytes' "$js") || tg_die "$what: no iperf3 result"
	[ "$recv" -ge 100000 ] || tg_die "$what: iperf3 delivered only $recv bytes"
	[ "$m" -ge "$recv" ] && [ "$m" -le $(( sent * 12 / 10 + 100000 )) ] ||
		tg_die "$what: metered $m bytes, iperf3 sent $sent, received $recv"
}
holder() { cli --json address show "$1" | jq -r '.holder // "unknown"'; }
is_holder() { [ "$(holder "$1")" = "$2" ]; }

IP1=$(lease d1); [ -n "$IP1" ] || tg_die "d1 got no address"
IP2=$(lease d2); [ -n "$IP2" ] || tg_die "d2 got no address"
tg_log "dnsmasq leased d1 $IP1, d2 $IP2"
tg_wait_until 2 "$IP1 learned for d1" is_holder "$IP1" d1 ||
	tg_die "$IP1 not learned for d1 ($(holder "$IP1")); $(tg_curl /metrics | grep '^tagih_learn')"
tg_wait_until 2 "$IP2 learned for d2" is_holder "$IP2" d2 ||
	tg_die "$IP2 not learned for d2 ($(holder "$IP2"))"
cli --json address show "$IP1" | jq -e '.source == "dhcp-snoop" and .expires != null' >/dev/null ||
	tg_die "not a snooped lease with an end: $(cli --json address show "$IP1")"

tg_wait_until 3 "$IP1 on the wire for d1" on_wire "$IP1" d1 || tg_die "$IP1 not in tagih_pfx4 for d1"
tg_wait_until 3 "$IP2 on the wire for d2" on_wire "$IP2" d2 || tg_die "$IP2 not in tagih_pfx4 for d2"
tg_neigh_flush
tg_iperf d1 "$TG_TMP/i1.json" -c $TG_UP4 -p 5201 -n 1M || tg_die "iperf d1"
tg_iperf d2 "$TG_TMP/i2.json" -c $TG_UP4 -p 5201 -n 2M -R || tg_die "iperf d2"
tg_wait_drained 10 d1 d2 || tg_die "no drain"
read -r u1 dn1 _ <<<"$(tg_usage d1)"
read -r u2 dn2 _ <<<"$(tg_usage d2)"
tg_log "metered: d1 up $u1, d2 down $dn2 bytes"
metered_ok "d1 up" "$u1" "$TG_TMP/i1.json"
metered_ok "d2 down" "$dn2" "$TG_TMP/i2.json"

tg_bg nsenter --net="$(tg_nspath d1)" udhcpc -i eth0 -f -R -t 5 -T 1 \
	-s "$UDHCPC" >>"$TG_TMP/udhcpc-d1.log" 2>&1
REL_PID=$TG_LAST_PID
sleep 2
kill -TERM "$REL_PID"; wait "$REL_PID" 2>/dev/null; tg_forget "$REL_PID"
tg_wait_until 3 "$IP1 released" is_holder "$IP1" unknown ||
	tg_die "RELEASE seen on the wire did not end d1's lease ($(holder "$IP1"))"
tg_curl /metrics | grep '^tagih_learn_events_total'
tg_log "PASS"
