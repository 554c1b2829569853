#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_cli_sub.sh - `tagih sub` and `tagih usage` end to end; failures leave the store untouched.
set -u
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
BUILD=${BUILD:-build}
TAGIH=$(realpath "$BUILD/tagih")
dir=$(mktemp -d /tmp/tagih-cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export TAGIH_DB=$dir/db TAGIH_MAPSIZE_GB=1
fails=0

t() { "$TAGIH" "$@"; }
ok() {	# description, command...
	local d=$1; shift
	if "$@" >"$dir/out" 2>"$dir/err"; then echo "ok   $d"
	else echo "FAIL $d (rc $?)"; cat "$dir/err"; fails=$((fails + 1)); fi
}
# A command that must fail with exit 1, say so on stderr, and change nothing.
refused() {	# description, expected stderr text, command...
	local d=$1 want=$2 before after rc; shift 2
	before=$(md5sum "$TAGIH_DB/data.mdb" | cut -d' ' -f1)
	"$@" >"$dir/out" 2>"$dir/err"; rc=$?
	after=$(md5sum "$TAGIH_DB/data.mdb" | cut -d' ' -f1)
	if [ $rc -ne 1 ]; then echo "FAIL $d: exit $rc, want 1"; fails=$((fails + 1))
	elif ! grep -qF -- "$want" "$dir/err"; then
		echo "FAIL $d: stderr lacks '$want':"; cat "$dir/err"; fails=$((fails + 1))
	elif [ "$before" != "$after" ]; then
		echo "FAIL $d: store changed"; fails=$((fails + 1))
	else echo "ok   $d"; fi
}
expect() {	# description, want, got
	if [ "$2" = "$3" ]; then echo "ok   $1"
	else echo "FAIL $1: want '$2' got '$3'"; fails=$((fails + 1)); fi
}

# No store yet: every command refuses, naming tagih init, and makes none.
"$TAGIH" sub list >"$dir/out" 2>"$dir/err"; rc=$?
if [ $rc -eq 1 ] && grep -qF 'tagih init' "$dir/err" && [ ! -e "$TAGIH_DB" ]; then
	echo "ok   no store: sub list refused, names tagih init, $TAGIH_DB still missing"
else echo "FAIL no store: rc $rc, $(cat "$dir/err")"; fails=$((fails + 1)); fi
ok "init" t init
expect "init mode 0700" "700" "$(stat -c %a "$TAGIH_DB")"
ok "init again: nothing to do" t init
grep -q 'nothing to do' "$dir/out" || { echo "FAIL init again"; fails=$((fails + 1)); }

ok "add budi" t sub add budi --name "Budi Santoso" --ip 10.0.0.5 \
	--ip 2001:db8:100::/56 --phone 081234567890 --nik 3201234567890001
ok "add ani" t sub add ani --name Ani --ip 10.0.1.0/29
ok "list" t sub list
grep -q '^budi .*10.0.0.5/32 2001:db8:100::/56' "$dir/out" || { echo "FAIL list content"; fails=$((fails + 1)); }
ok "list --json" t sub list --json
expect "list json ids" "ani budi" "$(jq -r '.[].id' "$dir/out" | xargs)"
ok "show --json" t --json sub show budi
expect "nik masked" "3201********0001" "$(jq -r .nik "$dir/out")"
expect "uid" "1" "$(jq -r .uid "$dir/out")"
ok "show --show-personal" t sub show budi --show-personal
grep -q 3201234567890001 "$dir/out" || { echo "FAIL personal"; fails=$((fails + 1)); }

refused "duplicate id" "subscriber 'budi' already exists" t sub add budi --name X
refused "owned prefix" "10.0.0.5/32 already belongs to subscriber 'budi'" \
	t sub add cici --name C --ip 10.0.0.5
refused "overlapping prefix" "already belongs to subscriber 'ani'" \
	t sub add cici --name C --ip 10.0.1.4
refused "malformed prefix" "host bits set" t sub add cici --name C --ip 10.0.0.1/24
refused "bad address" "not an IPv4 or IPv6 address" t sub ip add ani 10.0.0.300
refused "unknown subscriber" "no subscriber 'nobody'" t sub ip add nobody 10.9.9.9
refused "ip add owned" "already belongs to subscriber 'budi'" t sub ip add ani 10.0.0.5
refused "ip del not owned" "does not belong to 'ani'" t sub ip del ani 10.0.0.5

# move an address: del + add, the owner changes
ok "ip del" t sub ip del budi 10.0.0.5
ok "ip add" t sub ip add ani 10.0.0.5
ok "show ani" t sub show ani --json
expect "moved" "10.0.1.0/29 10.0.0.5/32" "$(jq -r '.prefixes[]' "$dir/out" | xargs)"

cat >"$dir/u.csv" <<CSV
subscriber,start,up_bytes,down_bytes
budi,2026-11-01T10:00,100,2000000000
budi,2026-11-01T03:00Z,5,5
ani,2026-11-01T23:00+07:00,1,2
ani,2026-11-02T00:00,10,20
CSV
ok "import" t usage import "$dir/u.csv"
expect "import message" "imported 4 rows for 2 subscribers" "$(cat "$dir/out")"
ok "usage budi" t usage budi --json
first=$(jq -c .total "$dir/out")
expect "summed rows" "2000000005" "$(jq -r .total.down_bytes "$dir/out")"
ok "import again" t usage import - <"$dir/u.csv"
ok "usage budi again" t usage budi --json
expect "idempotent import" "$first" "$(jq -c .total "$dir/out")"
ok "usage ani by day" t usage ani --from 2026-11-01 --to 2026-11-03 --step day --json
expect "day buckets" "2 20" "$(jq -r '.buckets[].down_bytes' "$dir/out" | xargs)"
ok "usage human" t usage budi --step hour
grep -q "2.00 GB" "$dir/out" || { echo "FAIL GB shown"; fails=$((fails + 1)); }

printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-03T10:00,1,1\nani,2026-11-03T10:30,1,1\n' >"$dir/bad1.csv"
refused "csv not on the hour" "bad1.csv:3: start" t usage import "$dir/bad1.csv"
printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-03T10:00,1,1\nnobody,2026-11-03T10:00,1,1\n' >"$dir/bad2.csv"
refused "csv unknown subscriber" "bad2.csv:3: no subscriber 'nobody'" t usage import "$dir/bad2.csv"
printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-03T10:00,-1,1\n' >"$dir/bad3.csv"
refused "csv bad number" "bad3.csv:2:" t usage import "$dir/bad3.csv"
printf 'sub,start,up,down\n' >"$dir/bad4.csv"
refused "csv header" "bad4.csv:1:" t usage import "$dir/bad4.csv"

t sub add x --ip 10.0.0.9 >/dev/null 2>&1; expect "usage error exit 2" 2 $?
t nosuch >/dev/null 2>&1; expect "unknown command exit 2" 2 $?

# the map size: the config key and TAGIH_MAPSIZE_GB refuse what is not
# whole GiB in 1..16384 (they once became 64 GiB silently)
for v in 0 -1 junk 1.5 99999999999 ""; do
	printf 'store_mapsize_gb = %s\n' "$v" >"$dir/ms.conf"; chmod 600 "$dir/ms.conf"
	t --config "$dir/ms.conf" sub list >/dev/null 2>"$dir/err"; rc=$?
	[ $rc -ne 0 ] && grep -q 'store_mapsize_gb' "$dir/err" && echo "ok   store_mapsize_gb = '$v' refused" ||
		{ echo "FAIL store_mapsize_gb = '$v': rc $rc"; fails=$((fails + 1)); }
	TAGIH_MAPSIZE_GB=$v t sub list >/dev/null 2>"$dir/err"; rc=$?
	[ $rc -eq 1 ] && grep -q 'TAGIH_MAPSIZE_GB' "$dir/err" && echo "ok   TAGIH_MAPSIZE_GB='$v' refused" ||
		{ echo "FAIL TAGIH_MAPSIZE_GB='$v': rc $rc"; fails=$((fails + 1)); }
done
printf 'store_mapsize_gb = 2\n' >"$dir/ms.conf"
env -u TAGIH_MAPSIZE_GB "$TAGIH" --config "$dir/ms.conf" sub list >/dev/null && echo "ok   store_mapsize_gb = 2 works" ||
	{ echo "FAIL store_mapsize_gb = 2"; fails=$((fails + 1)); }

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]
