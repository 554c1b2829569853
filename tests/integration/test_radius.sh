#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_radius.sh - issue 11: RADIUS accounting (the real radclient) binds
# addresses to subscribers in tagih-agent, within 1 s, exactly once.
#
#   s1 ns  10.77.1.2 (+ 10.77.1.3 later): the CPE; whoever RADIUS says
#   alice (--pppoe-user alice), bob (--pppoe-user bob): the subscribers
#   gw     tagih-agent with radius_listen = 127.0.0.1:PORT (radclient runs
#          in gw too)
#
# Proves: Start alice Framed-IP 10.77.1.2 -> on the wire (tagih_pfx4) and
# metered to alice within 1 s; Stop, Start bob on the same address -> later
# traffic is bob's and alice's usage does not move; a forged authenticator
# (wrong secret) is not answered and binds nothing; ten copies of one
# Start (radclient -c 10, and ten identical datagrams) make one binding;
# suspended alice's new address 10.77.1.3 is dropped within 1 s of its
# Start; an unknown user is counted (/metrics, tagih address unknown).
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

SECRET=testing123
tg_init
tg_need_bins
for t in radclient bpftool python3 ping; do
	command -v "$t" >/dev/null 2>&1 || tg_skip "$t not installed"
done
topo_up 1 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"

RPORT=$(( 18130 + $$ % 50 ))
CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
policy_poll_ms = 100
notice_listen =
radius_listen = 127.0.0.1:$RPORT
radius_clients = 127.0.0.1=$SECRET
EOC
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }

cli sub add alice --name Alice --pppoe-user alice || tg_die "sub add alice"
cli sub add bob --name Bob --pppoe-user bob || tg_die "sub add bob"
cli sub add bob2 --name Bob2 --pppoe-user bob 2>/dev/null &&
	tg_die "a taken --pppoe-user was accepted"
UA=$(cli --json sub show alice | jq -er .uid) || tg_die "uid alice"
UB=$(cli --json sub show bob | jq -er .uid) || tg_die "uid bob"

TG_INTERVAL=1
tg_agent_start --config "$CONF" || tg_die "agent did not start"
PIN=$(tg_pin_dir)

# radclient in gw: acct USER STATUS IP SESSION [SECRET] [extra radclient args]
acct() {
	local user=$1 st=$2 ip=$3 sess=$4 sec=${5:-$SECRET}; shift 5 2>/dev/null || shift $#
	printf 'User-Name = "%s"\nAcct-Status-Type = %s\nFramed-IP-Address = %s\nAcct-Session-Id = "%s"\nNAS-IP-Address = 127.0.0.1\n' \
		"$user" "$st" "$ip" "$sess" |
		timeout 10 nsenter --net="$(tg_nspath gw)" radclient -q -r 1 -t 1 \
			"$@" "127.0.0.1:$RPORT" acct "$sec"
}
# uid in tagih_pfx4 for IP/32, or empty
pfx_uid() {
	local a=(${1//./ })
	bpftool -j map lookup pinned "$PIN/tagih_pfx4" \
		key 32 0 0 0 "${a[0]}" "${a[1]}" "${a[2]}" "${a[3]}" 2>/dev/null |
		jq -r '.formatted.value.uid // .value.uid // empty' 2>/dev/null
}
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
up_bytes() { tg_usage "$1" | cut -d' ' -f1; }
traffic() {	# SRC: 1 MB upstream from s1 bound to SRC
	tg_iperf s1 "$TG_TMP/iperf.json" -c $TG_UP4 -p 5201 -n 1M -B "$1" ||
		tg_die "iperf3 from $1"
}
ms_until() {	# LIMIT_MS CMD...: run CMD until it succeeds; echo elapsed ms
	local lim=$1 t0; shift
	t0=$(tg_ms)
	until "$@"; do
		[ $(( $(tg_ms) - t0 )) -gt "$lim" ] && return 1
		sleep 0.02
	done
	echo $(( $(tg_ms) - t0 ))
}
is_uid() { [ "$(pfx_uid "$1")" = "$2" ]; }

# ------------------------------------------------ Start alice, < 1 s ---
t0=$(tg_ms)
acct alice Start 10.77.1.2 A-1 || tg_die "Start alice not answered"
ms=$(ms_until 1000 is_uid 10.77.1.2 "$UA") ||
	tg_die "10.77.1.2 not on the wire for alice 1 s after Start (map: $(pfx_uid 10.77.1.2))"
tg_log "Start alice -> tagih_pfx4 in $(( $(tg_ms) - t0 )) ms"
[ "$(holder 10.77.1.2)" = alice ] || tg_die "address show does not say alice"
a0=$(up_bytes alice) || a0=0
traffic 10.77.1.2
tg_wait_drained 10 alice || tg_die "no drain"
a1=$(up_bytes alice)
metered_ok alice $(( a1 - a0 )) "$TG_TMP/iperf.json"
tg_log "alice metered $(( a1 - a0 )) bytes from 10.77.1.2"

# ------------------------------------- Stop alice, Start bob, same IP ---
acct alice Stop 10.77.1.2 A-1 || tg_die "Stop alice not answered"
acct bob Start 10.77.1.2 B-1 || tg_die "Start bob not answered"
ms_until 1000 is_uid 10.77.1.2 "$UB" >/dev/null ||
	tg_die "10.77.1.2 not bob's within 1 s"
b0=$(up_bytes bob 2>/dev/null) || b0=0
traffic 10.77.1.2
tg_wait_drained 10 alice bob || tg_die "no drain"
a2=$(up_bytes alice); b1=$(up_bytes bob)
metered_ok bob $(( b1 - b0 )) "$TG_TMP/iperf.json"
[ "$a2" = "$a1" ] || tg_die "alice's usage moved after the address went to bob ($a1 -> $a2)"
tg_log "bob metered $(( b1 - b0 )) bytes; alice unchanged at $a2"
# a late duplicate Stop of alice's session ends nothing of bob's
acct alice Stop 10.77.1.2 A-1 || tg_die "late Stop not answered"
sleep 0.3
[ "$(holder 10.77.1.2)" = bob ] || tg_die "alice's late Stop ended bob's binding"

# ----------------------------------------------- forged authenticator ---
if acct alice Start 10.77.1.2 F-1 wrong-secret 2>/dev/null; then
	tg_die "a request with a forged authenticator was answered"
fi
sleep 0.3
[ "$(holder 10.77.1.2)" = bob ] || tg_die "a forged Start moved the address"
tg_curl /metrics | grep -E '^tagih_radius_requests_total\{result="bad_auth"\} [1-9]' >/dev/null ||
	tg_die "bad_auth not counted"
tg_log "forged authenticator ignored and counted"

# ------------------------------------------- ten copies, one binding ---
acct alice Start 10.77.9.9 D-1 "$SECRET" -c 10 || tg_die "radclient -c 10"
tg_in gw python3 - "$RPORT" "$SECRET" >"$TG_TMP/dup.log" 2>&1 <<'EOP' || tg_die "raw duplicates: $(cat "$TG_TMP/dup.log")"
import hashlib, os, socket, struct, sys
port, secret = int(sys.argv[1]), sys.argv[2].encode()
def attr(t, v): return struct.pack("!BB", t, len(v) + 2) + v
attrs = (attr(1, b"alice") + attr(40, struct.pack("!I", 1)) +
         attr(8, socket.inet_aton("10.77.9.10")) + attr(44, b"D-2"))
hdr = struct.pack("!BBH", 4, 77, 20 + len(attrs))
auth = hashlib.md5(hdr + b"\0" * 16 + attrs + secret).digest()
pkt = hdr + auth + attrs
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for _ in range(10): s.sendto(pkt, ("127.0.0.1", port))
got = 0
try:
    for _ in range(10):
        r = s.recv(100)
        want = hashlib.md5(r[:4] + auth + secret).digest()
        assert r[0] == 5 and r[1] == 77 and r[4:20] == want, "bad response"
        got += 1
except socket.timeout:
    pass
print("answers", got)
sys.exit(0 if got == 10 else 1)
EOP
spans() { cli --json address show "$1" | jq '.history | length'; }
binds() { cli --json audit | jq --arg a "$1/32" '[.[] | select(.action == "addr_bind" and .detail.address == $a)] | length'; }
for ip in 10.77.9.9 10.77.9.10; do
	[ "$(holder $ip)" = alice ] || tg_die "$ip not alice's"
	[ "$(spans $ip)" = 1 ] || tg_die "$ip: $(spans $ip) spans after ten copies, want 1"
	[ "$(binds $ip)" = 1 ] || tg_die "$ip: $(binds $ip) addr_bind audit entries, want 1"
done
dups=$(tg_curl /metrics | sed -n 's/^tagih_radius_requests_total{result="duplicate"} //p')
[ "${dups:-0}" -ge 9 ] || tg_die "retransmissions not seen as duplicates ($dups)"
tg_log "ten copies of a Start (radclient -c 10; ten identical datagrams): one binding each, $dups duplicates answered"

# --------------------------------------------------- IPv6 prefixes ---
printf 'User-Name = "bob"\nAcct-Status-Type = Interim-Update\nAcct-Session-Id = "B-1"\nFramed-IPv6-Prefix = fd77:2::/64\nDelegated-IPv6-Prefix = fd77:100::/56\n' |
	timeout 10 nsenter --net="$(tg_nspath gw)" radclient -q -r 1 -t 1 \
		"127.0.0.1:$RPORT" acct "$SECRET" || tg_die "Interim with IPv6 prefixes"
[ "$(holder fd77:2::2)" = bob ] || tg_die "Framed-IPv6-Prefix not bob's ($(holder fd77:2::2))"
[ "$(holder fd77:100:0:42::1)" = bob ] || tg_die "Delegated-IPv6-Prefix not bob's"
cli --json address show fd77:100:0:42::1 | jq -e '.prefix == "fd77:100::/56"' >/dev/null ||
	tg_die "the delegated /56 is not the holding prefix"
tg_log "Interim-Update: Framed-IPv6-Prefix /64 and Delegated-IPv6-Prefix /56 bound to bob"

# ------------------------------ the NAS's octets beside tagih's own ---
interim_oct() {	# IN OUT: bob's session B-1 counters
	printf 'User-Name = "bob"\nAcct-Status-Type = Interim-Update\nAcct-Session-Id = "B-1"\nFramed-IP-Address = 10.77.1.2\nAcct-Input-Octets = %s\nAcct-Output-Octets = %s\n' "$1" "$2" |
		timeout 10 nsenter --net="$(tg_nspath gw)" radclient -q -r 1 -t 1 \
			"127.0.0.1:$RPORT" acct "$SECRET"
}
interim_oct 1000000 5000 || tg_die "Interim with octets"
interim_oct 1100000 6000 || tg_die "second Interim"
interim_oct 1100000 6000 || tg_die "repeated Interim"
D0=$(date -u -d yesterday +%F); D1=$(date -u -d tomorrow +%F)	# any zone's today
cli --json address compare --from "$D0" --to "$D1" >"$TG_TMP/cmp.json" || tg_die "address compare"
jq -e '.[] | select(.sub == "bob") | .radius_in == 1100000 and .radius_out == 6000 and .tagih_up >= 100000' \
	"$TG_TMP/cmp.json" >/dev/null || tg_die "compare: $(cat "$TG_TMP/cmp.json")"
cli address compare --from "$D0" --to "$D1"
tg_log "address compare: bob's RADIUS octets counted once per Interim delta, next to tagih's"

# ----------------------------------------------------- unknown users ---
acct mallory Start 10.77.9.20 M-1 || tg_die "unknown user's Start not answered"
cli address unknown | grep -q '^mallory ' || tg_die "address unknown does not list mallory"
tg_curl /metrics | grep -E '^tagih_radius_unknown_users_total [1-9]' >/dev/null ||
	tg_die "unknown users not counted in /metrics"
[ "$(holder 10.77.9.20)" = unknown ] || tg_die "an unknown user's address got a holder"

# ------------------------------- isolir follows alice to a new address ---
tg_in s1 ip addr add 10.77.1.3/24 dev eth0 || tg_die "second address"
can3() { tg_in s1 ping -c1 -W1 -q -I 10.77.1.3 $TG_UP4 >/dev/null 2>&1; }
cant3() { ! tg_in s1 ping -c1 -W0.2 -q -I 10.77.1.3 $TG_UP4 >/dev/null 2>&1; }
tg_wait_until 5 "10.77.1.3 reaches upstream (unknown, passed)" can3 ||
	tg_die "10.77.1.3 cannot reach upstream before its Start"
cli sub suspend alice --reason "test: isolir follows" || tg_die "suspend alice"
t0=$(tg_ms)
acct alice Start 10.77.1.3 A-2 || tg_die "Start alice 10.77.1.3"
ms=$(ms_until 1000 cant3) || tg_die "suspended alice's new address 10.77.1.3 not dropped within 1 s"
DROP_MS=$(( $(tg_ms) - t0 ))
tg_log "suspended alice's new address dropped ${DROP_MS} ms after the Start was sent"
can3 && tg_die "10.77.1.3 passes again"
tg_in s1 ping -c1 -W1 -q -I 10.77.1.2 $TG_UP4 >/dev/null 2>&1 ||
	tg_die "bob (10.77.1.2) caught by alice's isolir"

cli sub show alice | grep -q '10.77.1.2/32 .*\.\.' || tg_die "sub show alice lists no address history"

# ------------------------------- radius_stale: no Stop ever comes ---
tg_agent_stop || true
echo "radius_stale = 2" >>"$CONF"
tg_agent_start --config "$CONF" || tg_die "agent restart with radius_stale"
acct bob Start 10.77.9.30 B-9 || tg_die "Start bob 10.77.9.30"
[ "$(holder 10.77.9.30)" = bob ] || tg_die "10.77.9.30 not bob's"
tg_wait_until 5 "a stale session expires" sh -c "[ \"\$('$BUILD/tagih' --db '$TG_DB' --json address show 10.77.9.30 | jq -r '.holder // \"unknown\"')\" = unknown ]" ||
	tg_die "a session without Stop did not expire after radius_stale"
tg_log "radius_stale: a session with no Stop ended by the agent"
cli address show 10.77.1.2 | tail -n 3
tg_log "PASS (isolir follows in ${DROP_MS} ms)"
