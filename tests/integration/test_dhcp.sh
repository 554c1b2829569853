#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_dhcp.sh - issue 11: dnsmasq serves DHCP, its dhcp-script
# (tools/tagih-dhcp-hook) binds each lease to the subscriber with that MAC,
# and traffic is metered per subscriber; a release and an expiry end it.
#
#   d1, d2   subscriber namespaces, eth0 with known MACs, udhcpc
#   gw       dnsmasq on lan4 (10.77.50.1/24) and lan5 (10.77.51.1/24),
#            dhcp-script = the hook; tagih-agent on every lan + wan0
#
# Proves: both clients get leases and the hook binds them (tagih address
# show) to the right subscriber (source dhcp, with its end); 1 MB from d1 and
# 2 MB from d2 are metered to d1 and d2; udhcpc's RELEASE ends d1's
# lease (holder unknown, audited); a lease whose --until passes is ended
# by the agent on its own.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

tg_init
tg_need_bins
for t in dnsmasq udhcpc iperf3 bpftool; do
	command -v "$t" >/dev/null 2>&1 || tg_skip "$t not installed"
done
topo_up 1 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"

MAC1=02:00:00:00:50:01
MAC2=02:00:00:00:51:01
topo_add_sub d1 || tg_die "d1"
topo_add_sub d2 || tg_die "d2"
L1=${TG_SUB_IF[d1]}; L2=${TG_SUB_IF[d2]}
tg_in d1 ip link set eth0 address $MAC1
tg_in d2 ip link set eth0 address $MAC2
tg_in gw ip addr add 10.77.50.1/24 dev "$L1"
tg_in gw ip addr add 10.77.51.1/24 dev "$L2"

CONF=$TG_TMP/tagih.conf
printf 'policy_poll_ms = 100\nnotice_listen =\n' >"$CONF"
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }
cli sub add d1 --name D1 --mac $MAC1 || tg_die "sub add d1"
cli sub add d2 --name D2 --mac "${MAC2^^}" || tg_die "sub add d2"
cli sub add d3 --name D3 --mac $MAC1 2>/dev/null && tg_die "a taken --mac was accepted"

# dnsmasq's script: the installed hook, pointed at this run's store
HOOK=$TG_TMP/hook.sh
cat >"$HOOK" <<EOH
#!/bin/sh
export TAGIH="$PWD/$BUILD/tagih" TAGIH_DB="$TG_DB" TAGIH_CONFIG="$CONF"
echo "\$(date +%T.%N) \$*" >>"$TG_TMP/hook.log"
exec sh "$PWD/tools/tagih-dhcp-hook" "\$@" 2>>"$TG_TMP/hook.log"
EOH
chmod +x "$HOOK"

TG_INTERVAL=1
tg_agent_start --config "$CONF" || tg_die "agent did not start"

tg_bg nsenter --net="$(tg_nspath gw)" dnsmasq --no-daemon --port=0 \
	--bind-interfaces --interface="$L1" --interface="$L2" --except-interface=lo \
	--dhcp-range=10.77.50.10,10.77.50.20,255.255.255.0,2m \
	--dhcp-range=10.77.51.10,10.77.51.20,255.255.255.0,2m \
	--dhcp-authoritative --no-ping --dhcp-leasefile="$TG_TMP/leases" \
	--dhcp-script="$HOOK" --user=root --pid-file="$TG_TMP/dnsmasq.pid" \
	--log-dhcp >"$TG_TMP/dnsmasq.log" 2>&1
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
lease() {	# NS -> the address udhcpc got
	tg_run 20 nsenter --net="$(tg_nspath "$1")" udhcpc -i eth0 -n -q -f \
		-t 5 -T 1 -s "$UDHCPC" >"$TG_TMP/udhcpc-$1.log" 2>&1 ||
		tg_die "udhcpc in $1: $(cat "$TG_TMP/udhcpc-$1.log")"
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

t0=$(tg_ms)
IP1=$(lease d1); [ -n "$IP1" ] || tg_die "d1 got no address"
IP2=$(lease d2); [ -n "$IP2" ] || tg_die "d2 got no address"
tg_log "leases: d1 $IP1, d2 $IP2 ($(( $(tg_ms) - t0 )) ms)"
tg_wait_until 3 "$IP1 bound to d1" is_holder "$IP1" d1 ||
	tg_die "$IP1 is not d1's: $(holder "$IP1"); hook log: $(cat "$TG_TMP/hook.log")"
tg_wait_until 3 "$IP2 bound to d2" is_holder "$IP2" d2 ||
	tg_die "$IP2 is not d2's: $(holder "$IP2")"
cli address show "$IP1" --json | jq -e '.source == "dhcp" and .expires != null' >/dev/null ||
	tg_die "the lease has no source/expiry: $(cli address show "$IP1" --json)"

# traffic per subscriber, once the maps say so (the agent repaints within
# policy_poll_ms of the store change)
tg_wait_until 3 "$IP1 on the wire for d1" on_wire "$IP1" d1 || tg_die "$IP1 not in tagih_pfx4 for d1"
tg_wait_until 3 "$IP2 on the wire for d2" on_wire "$IP2" d2 || tg_die "$IP2 not in tagih_pfx4 for d2"
tg_neigh_flush
tg_iperf d1 "$TG_TMP/i1.json" -c $TG_UP4 -p 5201 -n 1M || tg_die "iperf d1"
tg_iperf d2 "$TG_TMP/i2.json" -c $TG_UP4 -p 5201 -n 2M || tg_die "iperf d2"
tg_wait_drained 10 d1 d2 || tg_die "no drain"
u1=$(tg_usage d1 | cut -d' ' -f1); u2=$(tg_usage d2 | cut -d' ' -f1)
tg_log "metered up: d1 $u1, d2 $u2 bytes"
metered_ok d1 "$u1" "$TG_TMP/i1.json"
metered_ok d2 "$u2" "$TG_TMP/i2.json"

# RELEASE ends the lease: a udhcpc that holds it (-R) and is stopped
tg_bg nsenter --net="$(tg_nspath d1)" udhcpc -i eth0 -f -R -t 5 -T 1 \
	-s "$UDHCPC" >>"$TG_TMP/udhcpc-d1.log" 2>&1
REL_PID=$TG_LAST_PID
tg_wait_until 10 "d1's udhcpc renewed" grep -q "old $MAC1" "$TG_TMP/hook.log" ||
	tg_die "udhcpc did not renew: $(tail -n 5 "$TG_TMP/udhcpc-d1.log")"
kill -TERM "$REL_PID"; wait "$REL_PID" 2>/dev/null; tg_forget "$REL_PID"
tg_wait_until 5 "$IP1 released" is_holder "$IP1" unknown ||
	tg_die "$IP1 still held after RELEASE ($(holder "$IP1")); hook log: $(tail -n 5 "$TG_TMP/hook.log")"
cli --json audit --sub d1 | jq -e '[.[] | select(.action == "addr_end")] | length >= 1' >/dev/null ||
	tg_die "no addr_end audit entry for d1"
tg_log "RELEASE ended d1's lease"

# the agent ends a lease whose time is up, with no command run
now=$(date +%s)
cli lease add --ip 10.77.52.7 --sub d2 --until "@$(( now + 2 ))" || tg_die "lease add --until"
is_holder 10.77.52.7 d2 || tg_die "10.77.52.7 not d2's"
tg_wait_until 5 "10.77.52.7 expired by the agent" sh -c \
	"'$BUILD/tagih' --db '$TG_DB' --json audit --sub d2 | jq -e '[.[] | select(.action == \"addr_end\" and .actor == \"agent:expiry\")] | length == 1'" ||
	tg_die "the agent did not expire the lease"
tg_log "PASS"
