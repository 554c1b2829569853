#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_learn.sh - issue 11, passive learning: PPPoE sessions and DHCP leases
# that cross the gateway (scapy frames, both directions, as a bump in the
# wire sees them) become address bindings, and session data is metered to
# the subscriber.
#
#   s1 ns  the CPE side: PADI, PADR, LCP, PAP / CHAP, session data,
#          DHCPRELEASE, sent into lan0 (tagih_lan)
#   up ns  the AC / DHCP server side: PADO, PADS, IPCP Configure-Ack,
#          PADT, DHCPACK, sent into wan0 (tagih_wan)
#
# Proves: PAP user p1 + IPCP Ack 100.64.0.10 -> bound to p1 within 1 s;
# 200 PPPoE session frames from that address are metered to p1 (their
# inner IP length, exactly); the Ack the client sends for the AC's own
# address binds nothing; PADT ends it; a CHAP session binds p2 and LCP
# Terminate-Request ends it; a DHCPACK binds by MAC and by option 82
# circuit-id, for its lease time; DHCPRELEASE ends it; only control
# frames reach the ring (data frames are never copied: frames counter).
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
tg_init
tg_need_bins
$PY -c 'import scapy' 2>/dev/null || tg_skip "python3-scapy not installed"
command -v bpftool >/dev/null 2>&1 || tg_skip "bpftool not installed"
topo_up 1 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"

CONF=$TG_TMP/tagih.conf
printf 'policy_poll_ms = 100\nnotice_listen =\n' >"$CONF"
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }
CL=$(tg_in s1 cat /sys/class/net/eth0/address)
AC=02:ac:00:00:00:01
DMAC=02:00:00:00:60:01
cli sub add p1 --name P1 --pppoe-user "budi@rtrw" || tg_die "sub add p1"
cli sub add p2 --name P2 --pppoe-user siti || tg_die "sub add p2"
cli sub add d1 --name D1 --mac $DMAC || tg_die "sub add d1"
cli sub add d2 --name D2 --circuit-id "olt1/1/1:7" || tg_die "sub add d2"

TG_INTERVAL=1
tg_agent_start --config "$CONF" || tg_die "agent did not start"

lan() { tg_in s1 $PY "$PWD/tests/integration/learn_frames.py" eth0 "$@" || tg_die "send $1"; }
wan() { tg_in up $PY "$PWD/tests/integration/learn_frames.py" eth0 "$@" || tg_die "send $1"; }
pfx_uid() {	# uid in tagih_pfx4 for IP/32, "" if none
	local a=(${1//./ })
	bpftool -j map lookup pinned "$(tg_pin_dir)/tagih_pfx4" \
		key 32 0 0 0 "${a[0]}" "${a[1]}" "${a[2]}" "${a[3]}" 2>/dev/null |
		jq -r '.formatted.value.uid // .value.uid // empty' 2>/dev/null
}
on_wire() { [ "$(pfx_uid "$1")" = "$(cli --json sub show "$2" | jq -r .uid)" ]; }
holder() { cli --json address show "$1" | jq -r '.holder // "unknown"'; }
is_holder() { [ "$(holder "$1")" = "$2" ]; }
ms_until() {
	local lim=$1 t0; shift
	t0=$(tg_ms)
	until "$@"; do
		[ $(( $(tg_ms) - t0 )) -gt "$lim" ] && return 1
		sleep 0.02
	done
	echo $(( $(tg_ms) - t0 ))
}

# ---------------------------------------------------- PPPoE with PAP ---
SID=0x1234
lan padi $CL; wan pado $CL; lan padr $CL; wan pads $CL $SID
lan lcp-req $CL $SID
lan pap $CL $SID "budi@rtrw"
lan ipcp-ack $CL $AC $SID 100.64.0.1		# the client acks the AC's address
wan ipcp-ack $AC $CL $SID 100.64.0.10		# the AC acks the client's
t0=$(tg_ms)	# the frame is on the wire once the script returns
ms=$(ms_until 1000 is_holder 100.64.0.10 p1) ||
	tg_die "100.64.0.10 not p1's within 1 s of the IPCP Ack ($(holder 100.64.0.10))"
tg_log "PAP + IPCP Ack -> 100.64.0.10 bound to p1 ${ms} ms after the Ack was sent"
is_holder 100.64.0.1 unknown || tg_die "the AC's own address was bound"
cli --json address show 100.64.0.10 | jq -e '.source == "pppoe"' >/dev/null ||
	tg_die "source is not pppoe"

ms=$(ms_until 1000 on_wire 100.64.0.10 p1) ||
	tg_die "100.64.0.10 not in tagih_pfx4 for p1 within 1 s of the Ack"
tg_log "... and in tagih_pfx4 (on the wire) ${ms} ms after that"
f0=$(tg_curl /metrics | sed -n 's/^tagih_learn_frames_total //p')
u0=$(tg_usage p1 | cut -d' ' -f1) || u0=0
lan data $CL $SID 100.64.0.10 $TG_UP4 200 172	# 200 x (20 + 8 + 172) = 40000
tg_wait_drained 10 p1 || tg_die "no drain"
u1=$(tg_usage p1 | cut -d' ' -f1)
[ $(( u1 - u0 )) -eq 40000 ] || tg_die "p1 metered $(( u1 - u0 )) bytes of session data, want 40000"
f1=$(tg_curl /metrics | sed -n 's/^tagih_learn_frames_total //p')
[ "$f1" = "$f0" ] || tg_die "session data reached the ring ($f0 -> $f1 copies)"
tg_log "200 session frames metered to p1 (40000 bytes); none copied to the ring"

# DHCPv6-PD inside the session: the delegated /56 is p1's, ends with it
wan dhcp6-reply $CL - 2001:db8:200:: 56 3600 $SID
tg_wait_until 2 "DHCPv6-PD in the session" is_holder 2001:db8:200:42::1 p1 ||
	tg_die "the delegated prefix was not bound to p1 ($(holder 2001:db8:200:42::1))"
cli --json address show 2001:db8:200:42::1 | jq -e '.prefix == "2001:db8:200::/56" and .source == "pppoe"' >/dev/null ||
	tg_die "delegated prefix: $(cli --json address show 2001:db8:200:42::1)"
tg_log "DHCPv6-PD inside the PPPoE session: 2001:db8:200::/56 bound to p1"

# the session table is rebuilt from the store: a PADT after a restart
tg_agent_stop || true
tg_agent_start --config "$CONF" || tg_die "agent restart"
grep -q "1 PPPoE session bound before the restart" "$TG_TMP/agent.log" ||
	tg_die "the bound session was not restored"
wan padt $AC $CL $SID
tg_wait_until 2 "PADT ends 100.64.0.10" is_holder 100.64.0.10 unknown ||
	tg_die "PADT did not end the binding"
tg_wait_until 2 "PADT ends the delegated prefix" is_holder 2001:db8:200:42::1 unknown ||
	tg_die "PADT did not end the session's delegated prefix"
tg_log "PADT (after an agent restart) ended it, and its delegated prefix"

# --------------------------------------------------- PPPoE with CHAP ---
SID2=0x2222
wan pads $CL $SID2
lan chap $CL $SID2 siti
wan ipcp-ack $AC $CL $SID2 100.64.0.11
tg_wait_until 2 "CHAP session bound" is_holder 100.64.0.11 p2 ||
	tg_die "CHAP session not bound to p2 ($(holder 100.64.0.11))"
lan lcp-term $CL $SID2
tg_wait_until 2 "LCP Terminate ends it" is_holder 100.64.0.11 unknown ||
	tg_die "LCP Terminate-Request did not end the binding"
tg_log "CHAP session bound to p2, ended by LCP Terminate-Request"

# -------------------------------------------------------------- DHCP ---
wan dhcp-ack $DMAC 100.64.1.5 600
tg_wait_until 2 "DHCPACK binds by MAC" is_holder 100.64.1.5 d1 ||
	tg_die "DHCPACK not bound to d1 ($(holder 100.64.1.5))"
cli --json address show 100.64.1.5 | jq -e '.source == "dhcp-snoop" and .expires != null' >/dev/null ||
	tg_die "snooped lease has no source/expiry"
wan dhcp-ack 02:00:00:00:60:99 100.64.1.6 600 "olt1/1/1:7"
tg_wait_until 2 "DHCPACK binds by circuit-id" is_holder 100.64.1.6 d2 ||
	tg_die "DHCPACK with option 82 not bound to d2 ($(holder 100.64.1.6))"
lan dhcp-release $DMAC 100.64.1.5
tg_wait_until 2 "RELEASE ends it" is_holder 100.64.1.5 unknown ||
	tg_die "DHCPRELEASE did not end the binding"
tg_log "DHCPACK bound by MAC and by circuit-id; RELEASE ended it"

# DHCPv6 on plain Ethernet: IA_NA + IA_PD to the subscriber of the MAC
wan dhcp6-reply $DMAC 2001:db8:1::10 2001:db8:300:: 56 600
tg_wait_until 2 "DHCPv6 Reply binds by MAC" is_holder 2001:db8:300:1::1 d1 ||
	tg_die "IA_PD not bound to d1 ($(holder 2001:db8:300:1::1))"
is_holder 2001:db8:1::10 d1 || tg_die "IA_NA address not bound to d1"
lan dhcp6-release $DMAC 2001:db8:300:: 56
tg_wait_until 2 "DHCPv6 Release" is_holder 2001:db8:300:1::1 unknown ||
	tg_die "DHCPv6 Release did not end the prefix"
tg_log "DHCPv6 Reply bound IA_NA and IA_PD by MAC; Release ended the prefix"

tg_curl /metrics | grep '^tagih_learn'
cli audit | grep -c addr_ | xargs -I{} echo "audit: {} addr_ entries"
tg_log "PASS"
