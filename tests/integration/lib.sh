# SPDX-License-Identifier: GPL-2.0
# lib.sh - network-namespace topology, agent control and cleanup for the
# integration tests and `make demo`.  Source it from bash; never run it.
#
#   . "$(dirname "$0")/lib.sh"
#   tg_init              # skip (exit 77) unless root + ip netns + tools
#   topo_up              # gw + upstream + s1..s4, iperf3 servers upstream
#   topo_bridge_up       # or: gw as an address-less bridge (see there)
#   tg_reach_all         # every subscriber reaches upstream (then flush
#                        # neighbours so no NUD probe lands in a count)
#   tg_cli sub add s1 --name S1 --ip 10.77.1.2/32   # $TG_DB: made by tagih init
#   tg_mkstore DIR       # another store (tagih init), for a second agent
#   TG_XDP_MODE=skb TG_INTERVAL=1 tg_agent_start   # waits for /healthz
#   tg_iperf s1 out.json -c $TG_UP4 -p 5201 -n 8M  # bounded by a timeout
#   tg_wait_drained 20 s1; tg_usage s1   # "up down up_pkts down_pkts"
#   tg_agent_kill9; tg_agent_stop [SIG]; tg_curl /metrics
#   tg_ping1 s1 $TG_UP4 1; t0=$(tg_ms)   # one echo; milliseconds
#   (tg_cleanup runs by itself on EXIT, INT and TERM: kills what we
#   started, deletes our namespaces, unmounts our bpffs, removes $TG_TMP)
#
# The agent runs with "nsenter --net" (not "ip netns exec", which gives a
# fresh /sys); the endpoint listens in the gw namespace on a free port
# from 9247, and tg_curl queries it there.
#
# Topology (all names carry the per-run prefix $TG_ID, e.g. "tg3f9k"):
#
#   ${TG_ID}s1 eth0 10.77.1.2/24 ------------- lan0 \
#   ${TG_ID}s2 eth0 fd77:2::2/64 (v6 only) --- lan1  \   ${TG_ID}gw    wan0 ---- eth0 ${TG_ID}up
#   ${TG_ID}s3 eth0 10.77.3.2/24,10.77.33.2/24 lan2  /  (forwarding,   10.77.0.1    10.77.0.2
#   ${TG_ID}s4 eth0 10.77.4.2/24,fd77:4::2/64  lan3 /    tagih-agent)  fd77:ff::1   fd77:ff::2
#                                                                      (iperf3 -s)
# The veths are created directly inside their namespaces, so the short
# names (lan0, wan0, eth0) never meet another run's in the host namespace.
#
# BPF pins: by default the agent runs in a private mount namespace whose
# /sys/fs/bpf is a bpffs instance of our own (mounted under $TG_TMP), so
# pins survive an agent restart, never clash with a real agent or another
# test run, and vanish when cleanup unmounts it; /run is private too (the
# agent's lock file).  TG_BPFFS=host uses the
# host's /sys/fs/bpf instead (pins visible under /sys/fs/bpf/tagih); cleanup
# then runs the agent with --detach and removes the pin folder if this run
# created it.

BUILD=${BUILD:-build}
TG_ID=tg$(printf '%x' $(( $$ % 65536 )))	# ≤ 6 chars: "tg" + 4 hex
TG_TMP=
TG_PIDS=()		# every background process we started
TG_NSES=()		# every namespace we created
TG_LANS=()		# gateway LAN interfaces, one per subscriber
TG_WANS=(wan0)
TG_SUBS=()
declare -A TG_SUB_IF	# subscriber -> gw interface
TG_AGENT_PID=
TG_AGENT_ARGS=()
TG_PORT=
TG_BPFFS=${TG_BPFFS:-private}
TG_BPFFS_DIR=
TG_HOST_PINS_CREATED=0
TG_CLEANED=0
TG_UP4=10.77.0.2
TG_UP6=fd77:ff::2
TG_IPERF_PORTS=()

tg_log() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
tg_skip() { echo "SKIP: $*"; exit 77; }
tg_die() { echo "FAIL: $*" >&2; exit 1; }

# ns NAME -> path of its netns file (NAME is gw, up, s1, ...).
tg_nspath() { echo "/run/netns/${TG_ID}$1"; }

# tg_in NAME CMD... : run CMD in namespace NAME, network only, so the
# host's /sys/fs/bpf stays visible (ip netns exec remounts /sys).
tg_in() {
	local ns=$1; shift
	nsenter --net="$(tg_nspath "$ns")" "$@"
}

# tg_run SECS CMD... : run CMD with a timeout, in the background so that
# a Ctrl-C reaches our trap at once instead of after the timeout.
tg_run() {
	local secs=$1 rc pid; shift
	timeout -k 3 "$secs" "$@" &
	pid=$!
	TG_PIDS+=("$pid")
	wait "$pid"; rc=$?
	tg_forget "$pid"
	return $rc
}

# tg_bg CMD... : start CMD in the background; its pid is in $TG_LAST_PID
# and cleanup kills it.
tg_bg() {
	"$@" &
	TG_LAST_PID=$!
	TG_PIDS+=("$TG_LAST_PID")
}

tg_forget() {	# pid: drop from TG_PIDS once reaped
	local i
	for i in "${!TG_PIDS[@]}"; do
		[ "${TG_PIDS[$i]}" = "$1" ] && unset 'TG_PIDS[i]'
	done
}

# tg_wait_until SECS WHAT CMD... : poll CMD every 0.2 s until it succeeds;
# returns 1 (and says WHAT) after SECS seconds.
tg_wait_until() {
	local secs=$1 what=$2 n; shift 2
	for (( n = 0; n < secs * 5; n++ )); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "timeout after ${secs}s waiting for: $what" >&2
	return 1
}

# tg_init: check prerequisites (exit 77 if missing), make the temp dir and
# install the one cleanup trap.
tg_init() {
	local t
	[ "$(id -u)" -eq 0 ] || tg_skip "integration tests need root"
	for t in ip nsenter unshare timeout iperf3 curl jq ss; do
		command -v "$t" >/dev/null 2>&1 || tg_skip "$t not installed"
	done
	ip netns list >/dev/null 2>&1 || tg_skip "ip netns unavailable"
	TG_TMP=$(mktemp -d /tmp/tagih-it.XXXXXX) || tg_die "mktemp failed"
	TG_DB=$TG_TMP/db
	tg_mkstore "$TG_DB"
	trap tg_cleanup EXIT
	trap 'tg_cleanup; exit 130' INT
	trap 'tg_cleanup; exit 143' TERM
	tg_log "run $TG_ID, temp $TG_TMP, BUILD=$BUILD"
}

# tg_mkstore DIR: a store made by `tagih init` in DIR, unless one is there
# (every command, the agent and tagihd refuse a directory without one).
# Before the CLI is built it only makes the directory: tg_need_bins then
# skips.
tg_mkstore() {
	[ -s "$1/data.mdb" ] && return 0
	if [ -x "$BUILD/tagih" ]; then
		"$BUILD/tagih" init --db "$1" >/dev/null || tg_die "tagih init --db $1 failed"
	else
		mkdir -p "$1"
	fi
}

# tg_need_bins: skip unless the agent and CLI are built.
tg_need_bins() {
	[ -x "$BUILD/tagih-agent" ] || tg_skip "$BUILD/tagih-agent not built (make BUILD=$BUILD all)"
	[ -x "$BUILD/tagih" ] || tg_skip "$BUILD/tagih not built (make BUILD=$BUILD all)"
}

tg_ns_add() {	# NAME
	ip netns add "${TG_ID}$1" || return 1
	TG_NSES+=("${TG_ID}$1")
	tg_in "$1" ip link set lo up
	# Before any interface exists, so every one inherits it.
	tg_in "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# topo_add_sub NAME SUBADDR/LEN,GWADDR... : subscriber namespace NAME with
# one veth (eth0) to the gateway's next lanN; each pair puts SUBADDR/LEN on
# eth0 and GWADDR/LEN on lanN.  The first address of each family is the one
# the default route points from.
topo_add_sub() {
	local name=$1 lan="lan${#TG_SUBS[@]}" pair sa ga len v4=0 v6=0; shift
	tg_ns_add "$name" || return 1
	ip link add "$lan" netns "${TG_ID}gw" type veth peer name eth0 \
		netns "${TG_ID}$name" || return 1
	tg_in "$name" ip link set eth0 up
	tg_in gw ip link set "$lan" up
	for pair in "$@"; do
		sa=${pair%%,*}; ga=${pair#*,}; len=${sa#*/}
		case $sa in
		*:*)	tg_in "$name" ip -6 addr add "$sa" dev eth0 nodad || return 1
			tg_in gw ip -6 addr add "$ga/$len" dev "$lan" nodad || return 1
			[ $v6 -eq 1 ] || tg_in "$name" ip -6 route add default via "$ga" dev eth0 || return 1
			v6=1 ;;
		*)	tg_in "$name" ip addr add "$sa" dev eth0 || return 1
			tg_in gw ip addr add "$ga/$len" dev "$lan" || return 1
			[ $v4 -eq 1 ] || tg_in "$name" ip route add default via "$ga" dev eth0 || return 1
			v4=1 ;;
		esac
	done
	TG_SUBS+=("$name"); TG_LANS+=("$lan"); TG_SUB_IF[$name]=$lan
}

# topo_up [NSERVERS]: the standard topology above, plus NSERVERS (default 4)
# dual-stack iperf3 servers in the upstream namespace on ports 5201...
topo_up() {
	local nsrv=${1:-4} i port
	tg_ns_add gw || tg_skip "ip netns add failed (network namespaces unavailable?)"
	tg_in gw sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	tg_ns_add up || return 1
	ip link add wan0 netns "${TG_ID}gw" type veth peer name eth0 \
		netns "${TG_ID}up" || return 1
	tg_in gw ip addr add 10.77.0.1/24 dev wan0
	tg_in gw ip -6 addr add fd77:ff::1/64 dev wan0 nodad
	tg_in up ip addr add $TG_UP4/24 dev eth0
	tg_in up ip -6 addr add $TG_UP6/64 dev eth0 nodad
	tg_in gw ip link set wan0 up
	tg_in up ip link set eth0 up
	tg_in up ip route add 10.77.0.0/16 via 10.77.0.1
	tg_in up ip -6 route add fd77::/16 via fd77:ff::1

	topo_add_sub s1 10.77.1.2/24,10.77.1.1 || return 1
	topo_add_sub s2 fd77:2::2/64,fd77:2::1 || return 1
	topo_add_sub s3 10.77.3.2/24,10.77.3.1 10.77.33.2/24,10.77.33.1 || return 1
	topo_add_sub s4 10.77.4.2/24,10.77.4.1 fd77:4::2/64,fd77:4::1 || return 1

	for (( i = 0; i < nsrv; i++ )); do
		port=$((5201 + i))
		tg_bg nsenter --net="$(tg_nspath up)" iperf3 -s -p "$port" \
			>"$TG_TMP/iperf3-s-$port.log" 2>&1
		TG_IPERF_PORTS+=("$port")
	done
	tg_iperf_servers_wait || return 1
	tg_log "topology up: gw ${TG_LANS[*]} + ${TG_WANS[*]}, subscribers ${TG_SUBS[*]}, iperf3 on ${TG_IPERF_PORTS[*]}"
}

# topo_bridge_up [NSERVERS]: bump in the wire.  The gateway is a Linux
# bridge with no addresses between an access switch and the router:
#
#   ${TG_ID}s1 eth0 10.77.1.2/24 -- p1 \                         ${TG_ID}up eth0
#   ${TG_ID}s2 eth0 fd77:1::2/64 -- p2  ${TG_ID}acc  up0 -- lan0 [br0] wan0 -- 10.77.1.1/24
#   ${TG_ID}s3 eth0 10.77.1.3/24 -- p3 / (bridge sw)        ${TG_ID}gw     fd77:1::1/64
#                                                           (no address)  lo: $TG_UP4, $TG_UP6
#                                                                         (router, iperf3 -s)
# The agent meters the two bridge ports: --lan lan0 --wan wan0 (TG_LANS,
# TG_WANS).  TG_SUB_IF[sub] is the subscriber's port on the access switch
# (namespace acc): its rx is the subscriber's upload, tx its download.
topo_bridge_up() {
	local nsrv=${1:-2} i port name addr
	tg_ns_add gw || tg_skip "ip netns add failed (network namespaces unavailable?)"
	tg_ns_add acc || return 1
	tg_ns_add up || return 1
	tg_in gw ip link add br0 type bridge || return 1
	tg_in gw sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
	ip link add lan0 netns "${TG_ID}gw" type veth peer name up0 \
		netns "${TG_ID}acc" || return 1
	ip link add wan0 netns "${TG_ID}gw" type veth peer name eth0 \
		netns "${TG_ID}up" || return 1
	for i in lan0 wan0; do
		tg_in gw sysctl -qw net.ipv6.conf.$i.disable_ipv6=1
		tg_in gw ip link set $i master br0 up || return 1
	done
	tg_in gw ip link set br0 up
	tg_in acc ip link add sw type bridge || return 1
	tg_in acc ip link set up0 master sw up
	tg_in acc ip link set sw up
	tg_in up ip addr add 10.77.1.1/24 dev eth0
	tg_in up ip -6 addr add fd77:1::1/64 dev eth0 nodad
	tg_in up ip addr add $TG_UP4/32 dev lo
	tg_in up ip -6 addr add $TG_UP6/128 dev lo
	tg_in up ip link set eth0 up
	TG_LANS=(lan0); TG_WANS=(wan0)
	i=1
	for addr in 10.77.1.2/24 fd77:1::2/64 10.77.1.3/24; do
		name=s$i
		tg_ns_add $name || return 1
		ip link add p$i netns "${TG_ID}acc" type veth peer name eth0 \
			netns "${TG_ID}$name" || return 1
		tg_in acc ip link set p$i master sw up
		tg_in $name ip link set eth0 up
		case $addr in
		*:*)	tg_in $name ip -6 addr add $addr dev eth0 nodad
			tg_in $name ip -6 route add default via fd77:1::1 ;;
		*)	tg_in $name ip addr add $addr dev eth0
			tg_in $name ip route add default via 10.77.1.1 ;;
		esac
		TG_SUBS+=($name); TG_SUB_IF[$name]=p$i
		i=$((i + 1))
	done
	for (( i = 0; i < nsrv; i++ )); do
		port=$((5201 + i))
		tg_bg nsenter --net="$(tg_nspath up)" iperf3 -s -p "$port" \
			>"$TG_TMP/iperf3-s-$port.log" 2>&1
		TG_IPERF_PORTS+=("$port")
	done
	tg_iperf_servers_wait || return 1
	tg_log "bridge topology up: gw br0 = lan0 + wan0 (no address), access switch ${TG_SUBS[*]}, router + iperf3 on ${TG_IPERF_PORTS[*]}"
}

tg_port_listening() {	# NS PORT
	tg_in "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}

tg_iperf_servers_wait() {
	local p
	for p in "${TG_IPERF_PORTS[@]}"; do
		tg_wait_until 10 "iperf3 server on :$p" tg_port_listening up "$p" || return 1
	done
}

# tg_reach SUB ADDR [SRC]: SUB reaches ADDR (from SRC) and back.  No ping
# here: a TCP connect to the closed port 9 must come back "refused".
tg_reach() {
	local sub=$1 addr=$2 src=${3:-} out
	if [ -n "$src" ]; then	# bash cannot bind: let curl do it
		case $addr in *:*) addr="[$addr]" ;; esac
		out=$(tg_in "$sub" timeout 5 curl -sS --max-time 3 \
			--interface "$src" "http://$addr:9/" 2>&1)
	else
		out=$(tg_in "$sub" timeout 5 bash -c ": >/dev/tcp/$addr/9" 2>&1)
	fi
	case $out in *"Couldn't connect"*|*refused*) return 0 ;; esac
	return 1
}

# tg_ping1 NS ADDR WAIT_S: one ICMP echo from NS to ADDR (IPv4) answered
# within WAIT_S seconds: iputils ping when installed, else a raw-socket
# one-shot in python3.
tg_ping1() {
	if command -v ping >/dev/null 2>&1; then
		tg_in "$1" ping -c1 -W"$3" -q "$2" >/dev/null 2>&1
		return
	fi
	[ -f "$TG_TMP/ping1.py" ] || cat >"$TG_TMP/ping1.py" <<'EOP'
import os, select, socket, struct, sys, time
dst, wait = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xffff
def csum(b):
    b += b"\0" * (len(b) & 1)
    v = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    v = (v >> 16) + (v & 0xffff); v += v >> 16
    return ~v & 0xffff
hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"tagih"
pkt = hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
s.sendto(pkt, (dst, 0))
end = time.time() + wait
while time.time() < end:
    r, _, _ = select.select([s], [], [], max(0, end - time.time()))
    if not r: break
    data, addr = s.recvfrom(1500)
    ihl = (data[0] & 15) * 4
    t, _, _, i, _ = struct.unpack("!BBHHH", data[ihl:ihl + 8])
    if t == 0 and i == ident and addr[0] == dst: sys.exit(0)
sys.exit(1)
EOP
	tg_in "$1" python3 "$TG_TMP/ping1.py" "$2" "$3"
}

# tg_dig NS ARGS...: dig in namespace NS, without libfaketime.  The date-sensitive suites run
# under faketime(1), whose clock_gettime() wrapper deadlocks dig (bind9's
# threads); a DNS probe's answer does not depend on the date.
tg_dig() {
	local ns=$1; shift
	tg_in "$ns" env -u LD_PRELOAD -u FAKETIME -u FAKETIME_SHARED dig "$@"
}

# tg_ms: milliseconds since the epoch, for measured delays.
tg_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# tg_reach_all: every subscriber reaches upstream over each of its
# families (retried for up to 10 s each: neighbours resolve lazily).
tg_reach_all() {
	tg_wait_until 10 "s1 -> $TG_UP4" tg_reach s1 $TG_UP4 &&
	tg_wait_until 10 "s2 -> $TG_UP6" tg_reach s2 $TG_UP6 &&
	tg_wait_until 10 "s3 -> $TG_UP4" tg_reach s3 $TG_UP4 &&
	tg_wait_until 10 "s3 (10.77.33.2) -> $TG_UP4" tg_reach s3 $TG_UP4 10.77.33.2 &&
	tg_wait_until 10 "s4 -> $TG_UP4" tg_reach s4 $TG_UP4 &&
	tg_wait_until 10 "s4 -> $TG_UP6" tg_reach s4 $TG_UP6 || return 1
	tg_neigh_flush
}

# tg_neigh_flush: forget every neighbour, so that no NUD probe (and no
# Neighbor Advertisement from a subscriber's address, which the meter
# bills) follows a reachability check into the measurement.
tg_neigh_flush() {
	local ns
	for ns in gw up "${TG_SUBS[@]}"; do
		tg_in "$ns" ip neigh flush all 2>/dev/null
		tg_in "$ns" ip -6 neigh flush all 2>/dev/null
	done
	return 0
}

# tg_iperf SUB OUTJSON [iperf3 client args...]: one TCP transfer from SUB to
# upstream (the caller gives -c ADDR -p PORT -n BYTES [-R] [-B SRC]), JSON
# result in OUTJSON.  Bounded by TG_IPERF_TIMEOUT (default 60 s).
tg_iperf() {
	local sub=$1 out=$2; shift 2
	tg_run "${TG_IPERF_TIMEOUT:-60}" nsenter --net="$(tg_nspath "$sub")" \
		iperf3 --json "$@" >"$out"
}

# ---------------------------------------------------------------- agent ---

tg_cli() { tg_mkstore "$TG_DB"; "$BUILD/tagih" --db "$TG_DB" "$@"; }

tg_free_port() {	# first free TCP port from 9247 in the gw namespace
	local p
	for (( p = 9247; p < 9347; p++ )); do
		tg_port_listening gw "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# The private bpffs: one instance per run, mounted under $TG_TMP.
tg_bpffs_setup() {
	[ -n "$TG_BPFFS_DIR" ] && return 0
	if [ "$TG_BPFFS" = private ]; then
		TG_BPFFS_DIR=$TG_TMP/bpffs
		mkdir -p "$TG_BPFFS_DIR" "$TG_TMP/run"
		if mount -t bpf bpf "$TG_BPFFS_DIR" 2>/dev/null; then
			return 0
		fi
		tg_log "cannot mount a private bpffs; using the host's /sys/fs/bpf"
		TG_BPFFS_DIR=; TG_BPFFS=host
	fi
	if [ ! -e /sys/fs/bpf/tagih ]; then
		TG_HOST_PINS_CREATED=1
	else
		tg_skip "/sys/fs/bpf/tagih exists: another agent is running (or set TG_BPFFS=private)"
	fi
}

# tg_pin_dir: where the agent's pins are, seen from the host.
tg_pin_dir() {
	if [ -n "$TG_BPFFS_DIR" ]; then echo "$TG_BPFFS_DIR/tagih"; else echo /sys/fs/bpf/tagih; fi
}

# tg_agent_argv: TG_CMD = the command line that runs the agent inside the
# gw namespace (and, with a private bpffs, inside a private mount
# namespace that sees it as /sys/fs/bpf).  nsenter, unshare and sh all
# exec, so the pid of "${TG_CMD[@]} ARGS &" is the agent's.
# TG_AGENT_WRAP=(cmd args...) goes right before the agent (setpriv, to run
# it with the unit's capabilities only; it execs too).
tg_agent_argv() {
	TG_CMD=(nsenter --net="$(tg_nspath gw)")
	# /run too: nothing of the host's is ours to touch.
	[ -n "$TG_BPFFS_DIR" ] && TG_CMD+=(unshare --mount --propagation private
		sh -c 'mount --bind "$0" /sys/fs/bpf && mount --bind "$1" /run &&
			shift && exec "$@"' "$TG_BPFFS_DIR" "$TG_TMP/run")
	TG_CMD+=(${TG_AGENT_WRAP[@]+"${TG_AGENT_WRAP[@]}"} "$BUILD/tagih-agent")
}

# tg_agent_start [EXTRA ARGS...]: start the agent on every lanN + wan0 with
# --interval ${TG_INTERVAL:-1} and --xdp-mode ${TG_XDP_MODE:-skb}; wait for
# /healthz.  Output goes to $TG_TMP/agent.log.
tg_agent_start() {
	local i
	tg_bpffs_setup
	tg_mkstore "$TG_DB"
	[ -n "$TG_PORT" ] || TG_PORT=$(tg_free_port) || tg_die "no free port in gw"
	TG_AGENT_ARGS=(--db "$TG_DB" --listen "127.0.0.1:$TG_PORT"
		--interval "${TG_INTERVAL:-1}" --xdp-mode "${TG_XDP_MODE:-skb}")
	for i in "${TG_LANS[@]}"; do TG_AGENT_ARGS+=(--lan "$i"); done
	for i in "${TG_WANS[@]}"; do TG_AGENT_ARGS+=(--wan "$i"); done
	echo "=== $(date +%T) start: tagih-agent ${TG_AGENT_ARGS[*]} $*" >>"$TG_TMP/agent.log"
	tg_agent_argv
	tg_bg "${TG_CMD[@]}" "${TG_AGENT_ARGS[@]}" "$@" >>"$TG_TMP/agent.log" 2>&1
	TG_AGENT_PID=$TG_LAST_PID
	for (( i = 0; i < 75; i++ )); do	# 15 s
		tg_agent_alive || break
		tg_curl /healthz >/dev/null 2>&1 && break
		sleep 0.2
	done
	if ! tg_agent_alive || ! tg_curl /healthz >/dev/null 2>&1; then
		echo "agent not healthy on :$TG_PORT" >&2
		tail -n 30 "$TG_TMP/agent.log" >&2
		return 1
	fi
	tg_log "agent up (pid $TG_AGENT_PID, :$TG_PORT, mode ${TG_XDP_MODE:-skb})"
}

tg_agent_alive() { [ -n "$TG_AGENT_PID" ] && kill -0 "$TG_AGENT_PID" 2>/dev/null; }

# tg_agent_stop [SIGNAL]: SIGTERM (final drain) by default, wait ≤ 10 s,
# then SIGKILL.  Returns the agent's exit status (137 if killed).
tg_agent_stop() {
	local sig=${1:-TERM} n rc=0
	[ -n "$TG_AGENT_PID" ] || return 0
	{	# (braces: bash's "Killed" job notice is noise here)
	kill -"$sig" "$TG_AGENT_PID"
	for (( n = 0; n < 50; n++ )); do
		kill -0 "$TG_AGENT_PID" || break
		sleep 0.2
	done
	kill -0 "$TG_AGENT_PID" && kill -KILL "$TG_AGENT_PID"
	wait "$TG_AGENT_PID"; rc=$?
	} 2>/dev/null
	tg_forget "$TG_AGENT_PID"
	echo "=== $(date +%T) agent $TG_AGENT_PID ended by SIG$sig, status $rc" >>"$TG_TMP/agent.log"
	TG_AGENT_PID=
	return $rc
}

tg_agent_kill9() { tg_agent_stop KILL; return 0; }

# tg_curl PATH: GET from the agent's endpoint, inside the gw namespace.
tg_curl() {
	timeout 10 nsenter --net="$(tg_nspath gw)" \
		curl -sS --fail --max-time 5 "http://127.0.0.1:$TG_PORT$1"
}

# tg_usage SUB: "up_bytes down_bytes up_packets down_packets" (or fails).
tg_usage() {
	tg_curl "/v1/subscribers/$1/usage" |
		jq -er '"\(.up_bytes) \(.down_bytes) \(.up_packets) \(.down_packets)"'
}

tg_drains() { tg_curl /healthz | jq -er '.drains'; }

# tg_wait_drained SECS SUB...: after traffic stopped, wait for two more
# drains (/healthz "drains"): the second began after the call, so it
# committed everything counted before.  Without that field: wait until
# every SUB's usage stays the same across more than two intervals.
tg_wait_drained() {
	local secs=$1 prev="" cur s n stable=0 d0 d; shift
	local nap=$(( ${TG_INTERVAL:-1} ))
	if d0=$(tg_drains 2>/dev/null); then
		for (( n = 0; n < secs * 5; n++ )); do
			d=$(tg_drains 2>/dev/null) && [ "$d" -ge $((d0 + 2)) ] && return 0
			sleep 0.2
		done
		echo "no two drains within ${secs}s (drains $d0 -> ${d:-?})" >&2
		return 1
	fi
	for (( n = 0; n < secs; n++ )); do
		cur=""
		for s in "$@"; do cur+="$(tg_usage "$s" 2>/dev/null)|"; done
		if [ -n "$prev" ] && [ "$cur" = "$prev" ]; then
			stable=$((stable + 1))
			[ $stable -ge $(( nap * 2 + 1 )) ] && return 0
		else
			stable=0
		fi
		prev=$cur
		sleep 1
	done
	echo "usage of $* did not settle within ${secs}s" >&2
	return 1
}

# ------------------------------------------------------------- cleanup ---

# tg_cleanup: the one trap.  Idempotent; leaves no process, namespace,
# attached program, pin, mount or temp file behind.
tg_cleanup() {
	local rc=$? p ns n
	[ $TG_CLEANED -eq 1 ] && return $rc
	TG_CLEANED=1
	trap - INT TERM
	# The agent first, politely: SIGTERM gives it its final drain.
	[ -n "$TG_AGENT_PID" ] && tg_agent_stop TERM >/dev/null 2>&1
	for p in "${TG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for (( n = 0; n < 25; n++ )); do
		local alive=0
		for p in "${TG_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive -eq 0 ] && break
		sleep 0.2
	done
	for p in "${TG_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	# Strays inside our namespaces (nsenter'd helpers): ours by construction.
	for ns in "${TG_NSES[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	done
	wait 2>/dev/null
	# Host bpffs: detach XDP and remove the pins (--detach does that on
	# SIGTERM).  A private bpffs goes with its umount, the programs with
	# the namespaces' veths.
	if [ -z "$TG_BPFFS_DIR" ] && [ ${#TG_AGENT_ARGS[@]} -gt 0 ] &&
	   [ -x "$BUILD/tagih-agent" ] && [ -e "/run/netns/${TG_ID}gw" ]; then
		tg_agent_start --detach >/dev/null 2>&1
		tg_agent_stop TERM >/dev/null 2>&1
	fi
	for ns in "${TG_NSES[@]}"; do ip netns del "$ns" 2>/dev/null; done
	if [ -n "$TG_BPFFS_DIR" ]; then
		umount "$TG_BPFFS_DIR" 2>/dev/null || umount -l "$TG_BPFFS_DIR" 2>/dev/null
	elif [ $TG_HOST_PINS_CREATED -eq 1 ] && [ -d /sys/fs/bpf/tagih ]; then
		rm -rf /sys/fs/bpf/tagih
	fi
	if [ -n "$TG_TMP" ] && [ -d "$TG_TMP" ]; then
		if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -s "$TG_TMP/agent.log" ]; then
			echo "--- agent log (last 40 lines) ---" >&2
			tail -n 40 "$TG_TMP/agent.log" >&2
		fi
		# Never rm a mount point that is still mounted.
		mountpoint -q "$TG_TMP/bpffs" 2>/dev/null || rm -rf "$TG_TMP"
	fi
	return $rc
}
