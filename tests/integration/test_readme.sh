#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_readme.sh - README's "A first gateway", word for word, after `make install` on a simulated fresh machine.
#
# The fresh machine is a network namespace (gw: eth1 to the subscriber
# budi at 10.10.0.7, eth0 upstream) and a private mount namespace in which
# /etc is a copy of this host's without /etc/tagih or a tagih user, and
# /usr/local, /var/lib, /lib/systemd/system, /run and /sys/fs/bpf are
# empty. `make install` runs there, then the README's block with bash -e:
# every line must succeed. Nothing leaks to the host.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

tg_init
tg_need_bins
for t in make unshare python3 jq curl; do
	command -v $t >/dev/null || tg_skip "$t not installed"
done
BLOCK=$TG_TMP/block.sh
python3 - README.md "$BLOCK" <<'EOP' || tg_die "no sh block under '## A first gateway' in README.md"
import re, sys
t = open(sys.argv[1]).read()
sec = t[t.index("## A first gateway"):]
m = re.search(r"```sh\n(.*?)```", sec, re.S)
open(sys.argv[2], "w").write(m.group(1))
EOP
grep -q '^tagih init' "$BLOCK" || tg_die "README's block does not create the store with tagih init"
tg_log "README block: $(wc -l <"$BLOCK") lines"

# the fresh machine's network
tg_ns_add gw || tg_skip "ip netns add failed"
tg_ns_add budi || tg_die "ns budi"
tg_ns_add up || tg_die "ns up"
ip link add eth1 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}budi" || tg_die "veth lan"
ip link add eth0 netns "${TG_ID}gw" type veth peer name eth0 netns "${TG_ID}up" || tg_die "veth wan"
tg_in gw ip addr add 10.10.0.1/24 dev eth1
tg_in gw ip addr add 192.0.2.1/24 dev eth0
tg_in budi ip addr add 10.10.0.7/24 dev eth0
tg_in up ip addr add 192.0.2.2/24 dev eth0
for ns in gw budi up; do tg_in $ns ip link set eth0 up; done
tg_in gw ip link set eth1 up
tg_in budi ip route add default via 10.10.0.1
tg_in up ip route add 10.10.0.0/24 via 192.0.2.1
tg_in gw sysctl -qw net.ipv4.ip_forward=1

# a copy of /etc without any trace of tagih
ROOT=$TG_TMP/fresh
mkdir -p "$ROOT"/{usrlocal,varlib,units,run,work}
cp -a /etc "$ROOT/etc" 2>/dev/null
rm -rf "$ROOT/etc/tagih"
for f in passwd group shadow gshadow; do
	[ -f "$ROOT/etc/$f" ] && sed -i '/^tagih:/d' "$ROOT/etc/$f"
done
cp "$BLOCK" "$ROOT/work/block.sh"
cat >"$ROOT/run.sh" <<EOS
set -u
mount --bind "$ROOT/etc" /etc &&
mount --bind "$ROOT/usrlocal" /usr/local &&
mount --bind "$ROOT/varlib" /var/lib &&
mount --bind "$ROOT/units" /lib/systemd/system &&
mount --bind "$ROOT/run" /run &&
mount -t bpf bpf /sys/fs/bpf || { echo "fresh-machine mounts failed"; exit 97; }
make --no-print-directory BUILD="$BUILD" install >"$ROOT/install.log" 2>&1 ||
	{ tail -20 "$ROOT/install.log"; echo "make install failed"; exit 98; }
export PATH=/usr/local/bin:\$PATH TAGIH_NOW=2026-12-05T09:00
cd "$ROOT/work"
# the block's own background jobs (agent, tagihd) end with it
trap 'kill \$(jobs -p) 2>/dev/null; wait' EXIT
set -e -o pipefail
. ./block.sh
set +e
# after the block: tagihd answers, the store is shared as installed
for i in \$(seq 50); do curl -sf 127.0.0.1:8080/healthz >/dev/null && break; sleep 0.2; done
curl -sf 127.0.0.1:8080/healthz >"$ROOT/healthz" || { echo "tagihd not answering"; exit 96; }
stat -c '%a %U:%G' /var/lib/tagih >"$ROOT/storemode"
getent passwd tagih >"$ROOT/user" || true
ls -l /var/lib/tagih >"$ROOT/store.ls"
EOS
tg_log "running make install and the README block in the fresh machine"
timeout -k 5 240 nsenter --net="$(tg_nspath gw)" unshare --mount --propagation private \
	bash "$ROOT/run.sh" >"$TG_TMP/readme.out" 2>&1
rc=$?
sed 's/^/    | /' "$TG_TMP/readme.out" | tail -60
[ $rc -eq 0 ] || tg_die "the README block failed (rc $rc)"
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
check "every line of the block succeeded" true
check "usage JSON from the agent" "grep -q '\"up_bytes\"' '$TG_TMP/readme.out'"
check "nov.pdf written, mode 0600" "[ \"\$(stat -c %a '$ROOT/work/nov.pdf')\" = 600 ]"
check "the store made by tagih init" "grep -q '^created store /var/lib/tagih' '$TG_TMP/readme.out'"
check "the payment recorded" "grep -q 'recorded Rp 150.000' '$TG_TMP/readme.out'"
check "tagihd answers /healthz" "[ -s '$ROOT/healthz' ]"
check "user tagih created" "grep -q '^tagih:' '$ROOT/user'"
check "/var/lib/tagih root:tagih 2770 ($(cat "$ROOT/storemode"))" "[ \"\$(cat '$ROOT/storemode')\" = '2770 root:tagih' ]"
check "store files group tagih, nothing for others" \
	"awk 'NR > 1 && (\$4 != \"tagih\" || substr(\$1, 8, 3) != \"---\") { bad = 1 } END { exit bad }' '$ROOT/store.ls'"
[ -e /etc/tagih ] && { echo "FAIL the host got an /etc/tagih"; fails=$((fails + 1)); }
cat "$ROOT/store.ls"
[ $fails -eq 0 ] && echo "README's first gateway runs as written"
exit $((fails > 0))
