#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_two_agents.sh - issue 8 item 2: only tagih-agent writes BPF maps, and
# two agents on two stores and two pin folders run side by side.
#
#   gw  lanA (sA 10.78.1.2) + wanA   agent A: store A, pin folder tagihA
#       lanB (sB 10.79.1.2) + wanB   agent B: store B, pin folder tagihB
#
# Proves: `tagih --db B garden add`, `sub suspend` and `dunning run` leave
# A's pinned maps byte-identical (bpftool map dump before and after) and
# reach B's maps within 1 s (measured); an agent refuses the pin folder
# of another store (running: locked; stopped: owned) and an interface that
# another agent meters; tagihd and tagih link no BPF map writer.
# TG_XDP_MODE=tc runs the same with the tc programs (tcx links): the refusal
# and the keep-on-restart then go through agent/tc.c.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

tg_init
tg_need_bins
command -v bpftool >/dev/null 2>&1 || tg_skip "bpftool not installed"
[ -x "$BUILD/tagihd" ] || tg_skip "$BUILD/tagihd not built"

pass=0
ok() { pass=$((pass + 1)); tg_log "ok: $*"; }

# -------------------------------------------------- what links what ---
for b in tagihd tagih; do
	if nm -D "$BUILD/$b" | grep -q 'bpf_map_update_elem\|bpf_obj_get'; then
		tg_die "$b links BPF map writers: $(nm -D "$BUILD/$b" | grep bpf_ | head -3)"
	fi
	nm "$BUILD/$b" | grep -q ' [Tt] bpf_' && tg_die "$b carries bpf_ code"
done
ok "tagihd and tagih link no bpf_ symbol (nm -D, nm)"

# ------------------------------------------------------------ topology ---
tg_ns_add gw || tg_skip "ip netns add failed"
for x in A B; do
	tg_ns_add "s$x" || tg_die "ns s$x"
	ip link add "lan$x" netns "${TG_ID}gw" type veth peer name eth0 \
		netns "${TG_ID}s$x" || tg_die "veth lan$x"
	ip link add "wan$x" netns "${TG_ID}gw" type veth peer name "peer$x" \
		netns "${TG_ID}gw" || tg_die "veth wan$x"
	tg_in gw ip link set "lan$x" up
	tg_in gw ip link set "wan$x" up
	tg_in gw ip link set "peer$x" up
	tg_in "s$x" ip link set eth0 up
done
tg_in gw ip addr add 10.78.1.1/24 dev lanA
tg_in sA ip addr add 10.78.1.2/24 dev eth0
tg_in gw ip addr add 10.79.1.1/24 dev lanB
tg_in sB ip addr add 10.79.1.2/24 dev eth0

# ------------------------------------------------------------- stores ---
CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
timezone = Asia/Jakarta
tax_mode = none
policy_poll_ms = 100
dunning_interval = 86400
notice_listen =
due_days = 10
grace_days = 3
EOC
chmod 600 "$CONF"
DBA=$TG_TMP/storeA DBB=$TG_TMP/storeB
cliA() { "$BUILD/tagih" --db "$DBA" --config "$CONF" "$@"; }
cliB() { "$BUILD/tagih" --db "$DBB" --config "$CONF" "$@"; }
for x in A B; do
	db=$TG_TMP/store$x
	tg_mkstore "$db"
done
# an agent on a directory without a store refuses, naming tagih init, and
# makes nothing there
out=$(timeout 20 "$BUILD/tagih-agent" --db "$TG_TMP/nostore" --config "$CONF" \
	--lan lanA --wan wanA 2>&1); rc=$?
[ $rc -ne 0 ] && [ $rc -lt 124 ] && echo "$out" | grep -q "tagih init" && [ ! -e "$TG_TMP/nostore" ] ||
	{ echo "$out" >&2; tg_die "agent on a missing store: rc $rc"; }
ok "an agent on a missing store refused: $(echo "$out" | head -n 1)"
# In each store: a debtor with an invoice for a month long past, and a
# subscriber who owes nothing.  Dates are given, never today's.
cliA plan add flat --type flat --price 100000 >/dev/null || tg_die "plan A"
cliB plan add flat --type flat --price 100000 >/dev/null || tg_die "plan B"
cliA sub add a1 --name A1 --plan flat --activated 2026-10-01 --ip 10.78.1.2/32 >/dev/null || tg_die "sub a1"
cliA sub add a2 --name A2 --ip 10.78.2.0/24 >/dev/null || tg_die "sub a2"
cliB sub add b1 --name B1 --plan flat --activated 2026-10-01 --ip 10.79.1.2/32 >/dev/null || tg_die "sub b1"
cliB sub add b2 --name B2 --ip 10.79.2.0/24 >/dev/null || tg_die "sub b2"
cliA invoice run --period 2026-10 --now 2026-11-01T09:00 >/dev/null || tg_die "invoice A"
cliB invoice run --period 2026-10 --now 2026-11-01T09:00 >/dev/null || tg_die "invoice B"
cliA garden add 192.0.2.53 --port 53 >/dev/null || tg_die "garden A"

# ------------------------------------------------------------- agents ---
tg_bpffs_setup
[ -n "$TG_BPFFS_DIR" ] || tg_skip "needs a private bpffs"
PINA=$TG_BPFFS_DIR/tagihA PINB=$TG_BPFFS_DIR/tagihB
declare -A APID APORT
agent_start() {	# X PINDIR [extra args]: start agent X in the gw namespace
	local x=$1 pin=$2 i; shift 2
	NAGENT=$(( ${NAGENT:-0} + 1 )); local port=$((9246 + NAGENT))
	tg_agent_argv
	tg_bg "${TG_CMD[@]}" --db "$TG_TMP/store$x" --config "$CONF" \
		--listen "127.0.0.1:$port" --interval 1 --xdp-mode "${TG_XDP_MODE:-skb}" \
		--lan "lan$x" --wan "wan$x" --bpf-pin-dir "/sys/fs/bpf/$pin" "$@" \
		>>"$TG_TMP/agent$x.log" 2>&1
	APID[$x]=$TG_LAST_PID APORT[$x]=$port
	for (( i = 0; i < 75; i++ )); do
		kill -0 "${APID[$x]}" 2>/dev/null || return 1
		tg_in gw curl -sf --max-time 1 "http://127.0.0.1:$port/healthz" >/dev/null && return 0
		sleep 0.2
	done
	return 1
}
agent_stop() {	# X
	kill -TERM "${APID[$1]}" 2>/dev/null
	wait "${APID[$1]}" 2>/dev/null
	tg_forget "${APID[$1]}"
}
agent_start A tagihA || { cat "$TG_TMP/agentA.log"; tg_die "agent A did not start"; }
agent_start B tagihB || { cat "$TG_TMP/agentB.log"; tg_die "agent B did not start"; }
ok "agent A (store A, $PINA) and agent B (store B, $PINB) run side by side"

# dump MAPS...: every map of a pin folder that the store decides, in a
# stable text form (the counters move with any packet and are left out)
MAPS="tagih_pfx4 tagih_pfx6 tagih_policy tagih_garden4 tagih_garden6 tagih_v4dir tagih_owner"
dump() {	# PINDIR
	local m
	for m in $MAPS; do
		echo "== $m"
		bpftool -j map dump pinned "$1/$m" >"$TG_TMP/dump.json" 2>&1 &&
			jq -Se 'if type == "array" then map(.formatted // .) else error end' \
				"$TG_TMP/dump.json" || { echo "dump failed"; cat "$TG_TMP/dump.json"; }
	done
}
# the isolir state of UID in PINDIR's tagih_policy (0 = active)
policy_of() {	# PINDIR UID
	bpftool -j map lookup pinned "$1/tagih_policy" key $(u32_bytes $2) |
		jq -er '.formatted.value.state'
}
u32_bytes() { printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }
isolated_in() { local v; v=$(policy_of "$1" "$2") && [ "$v" != 0 ]; }
# the garden map of PINDIR holds 192.0.2.99/32
garden_has() {
	bpftool -j map dump pinned "$1/tagih_garden4" |
		jq -e 'map(.formatted.key.addr == [192,0,2,99]) | any' >/dev/null
}
wait_ms() {	# LIMIT_S CMD...: poll CMD, print the milliseconds it took
	local t0 n
	t0=$(tg_ms)
	for (( n = 0; n < $1 * 50; n++ )); do
		"${@:2}" >/dev/null 2>&1 && { echo $(( $(tg_ms) - t0 )); return 0; }
		sleep 0.02
	done
	return 1
}
sleep 0.5
dump "$PINA" >"$TG_TMP/A.before"
grep -q "dump failed" "$TG_TMP/A.before" && tg_die "cannot dump A's maps"

# --- B's changes: garden, suspension by hand, dunning -----------------
UIDB1=$(cliB sub show b1 --json | jq -r .uid)
UIDB2=$(cliB sub show b2 --json | jq -r .uid)
[ -n "$UIDB1" ] && [ "$UIDB1" != null ] || tg_die "no uid for b1"

cliB garden add 192.0.2.99 --port 53 >/dev/null || tg_die "B garden add"
ms=$(wait_ms 1 garden_has "$PINB") || tg_die "B's garden map not updated within 1 s"
garden_has "$PINA" && tg_die "B's garden entry reached A's map"
ok "garden add on B reached B's map in $ms ms, not A's"

cliB sub suspend b2 --reason "uji" >/dev/null || tg_die "B suspend"
ms=$(wait_ms 1 isolated_in "$PINB" "$UIDB2") ||
	tg_die "B's suspension of b2 not in B's policy map within 1 s"
ok "sub suspend on B reached B's policy map in $ms ms"

cliB dunning run --now 2026-11-15T09:00 | grep -q "1 suspended" || tg_die "B dunning did not suspend b1"
ms=$(wait_ms 1 isolated_in "$PINB" "$UIDB1") ||
	tg_die "B's dunning suspension of b1 not in B's policy map within 1 s"
ok "dunning run on B reached B's policy map in $ms ms"

sleep 1.5	# more than a drain and a reconcile of A
dump "$PINA" >"$TG_TMP/A.after"
if ! cmp -s "$TG_TMP/A.before" "$TG_TMP/A.after"; then
	diff "$TG_TMP/A.before" "$TG_TMP/A.after" | head -20 >&2
	tg_die "A's maps changed after commands on store B"
fi
ok "A's maps ($MAPS) byte-identical before and after (bpftool map dump)"

# --- the folders belong to their stores --------------------------------
tg_mkstore "$TG_TMP/storeA2"
agent_start A2 tagihB 2>/dev/null && tg_die "a third agent took B's locked pin folder"
grep -q "already running" "$TG_TMP/agentA2.log" || { cat "$TG_TMP/agentA2.log" >&2; tg_die "no lock message"; }
ok "a second agent on B's pin folder refused while B runs (locked)"

agent_stop B
agent_stop A	# programs and pins stay: they go on counting
# store A on B's (stopped, still pinned) folder, on interfaces of its own
tg_in gw ip link add lanC type veth peer name peerC
tg_in gw ip link set lanC up; tg_in gw ip link set peerC up
out=$(nsenter --net="$(tg_nspath gw)" unshare --mount --propagation private \
	timeout 20 sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$TG_BPFFS_DIR" \
	"$BUILD/tagih-agent" --db "$DBA" --config "$CONF" --listen 127.0.0.1:9299 \
	--lan lanC --wan peerC --xdp-mode "${TG_XDP_MODE:-skb}" --bpf-pin-dir /sys/fs/bpf/tagihB 2>&1)
rc=$?
[ $rc -ne 0 ] || tg_die "store A's agent adopted store B's pin folder"
echo "$out" | grep -q "belongs to another store" || { echo "$out" >&2; tg_die "no ownership message"; }
ok "an agent of store A refused store B's pin folder: $(echo "$out" | grep -o 'pin directory [^ ]* belongs to another store')"

# --- an interface another agent meters is not taken over -----------------
out=$(nsenter --net="$(tg_nspath gw)" unshare --mount --propagation private \
	timeout 20 sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$TG_BPFFS_DIR" \
	"$BUILD/tagih-agent" --db "$DBB" --config "$CONF" --listen 127.0.0.1:9298 \
	--lan lanA --wan wanB --xdp-mode "${TG_XDP_MODE:-skb}" --bpf-pin-dir /sys/fs/bpf/tagihB 2>&1)
rc=$?; [ $rc -ne 0 ] && [ $rc -ne 124 ] || { echo "$out" >&2; tg_die "agent B took over lanA, metered by agent A's maps (rc $rc)"; }
echo "$out" | grep -q "another tagih-agent meters this interface" || { echo "$out" >&2; tg_die "no takeover message"; }
ok "agent B refused lanA, which runs agent A's meter"
# ... nor beside it with the other kind of hook (tc beside XDP, or XDP beside tc)
other=tc; [ "${TG_XDP_MODE:-skb}" = tc ] && other=skb
out=$(nsenter --net="$(tg_nspath gw)" unshare --mount --propagation private \
	timeout 20 sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$TG_BPFFS_DIR" \
	"$BUILD/tagih-agent" --db "$DBB" --config "$CONF" --listen 127.0.0.1:9298 \
	--lan lanA --wan wanB --xdp-mode $other --bpf-pin-dir /sys/fs/bpf/tagihB 2>&1)
rc=$?; [ $rc -ne 0 ] && [ $rc -ne 124 ] || { echo "$out" >&2; tg_die "agent B metered lanA with $other beside agent A's meter (rc $rc)"; }
echo "$out" | grep -q "another tagih-agent" || { echo "$out" >&2; tg_die "no refusal message ($other)"; }
ok "agent B refused lanA with --xdp-mode $other too (no meter beside another agent's)"

# B restarts on its own folder and keeps its programs (restart, no gap)
agent_start B tagihB || { tail "$TG_TMP/agentB.log"; tg_die "agent B restart"; }
grep -Eq "keeping (attached|tagih_)" "$TG_TMP/agentB.log" || tg_die "B did not keep its programs"
ok "agent B restarted on its own folder and kept its programs"
agent_stop B

tg_log "PASS ($pass checks)"
exit 0
