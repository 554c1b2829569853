#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_store_upgrade.sh - a store of format 0 (made by main before tagih init) is refused until `tagih init --upgrade`, which keeps every record.
#
# The fixture (tests/fixtures/store-v0.mdb.gz) and the outputs the old
# tagih gave for it (store-v0.expect/) come from make-store-v0.sh.
set -u
BUILD=${BUILD:-build}
TAGIH=$(realpath "$BUILD/tagih")
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
for t in jq md5sum gzip; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
[ -x "$TAGIH" ] || { echo "SKIP: $TAGIH not built"; exit 77; }
tmp=$(mktemp -d /tmp/tagih-upg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TAGIH_DB=$tmp/db TAGIH_MAPSIZE_GB=1 TAGIH_NOW=2026-12-01T10:00+07:00
printf 'tax_mode = none\n' >"$tmp/conf"; chmod 600 "$tmp/conf"
t() { "$TAGIH" --config "$tmp/conf" "$@"; }
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

mkdir -m 0700 "$TAGIH_DB"
gzip -dc "$FIX/store-v0.mdb.gz" >"$TAGIH_DB/data.mdb"
sum0=$(md5sum <"$TAGIH_DB/data.mdb")

# refused, naming the way out, and left as it was
for c in "sub list" "invoice list" "fsck" "fsck --deep"; do
	# shellcheck disable=SC2086
	t $c >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -eq 1 ] && grep -q 'format 0' "$tmp/err" && grep -qF 'tagih init --upgrade' "$tmp/err"; then
		ok "format 0: '$c' refused: $(head -n 1 "$tmp/err")"
	else
		bad "format 0: '$c' rc $rc: $(cat "$tmp/err")"
	fi
done
[ "$(md5sum <"$TAGIH_DB/data.mdb")" = "$sum0" ] && ok "data.mdb unchanged by the refusals" ||
	bad "a refused command changed data.mdb"
# init without --upgrade does not touch it either
t init >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -qF 'tagih init --upgrade' "$tmp/err" && [ "$(md5sum <"$TAGIH_DB/data.mdb")" = "$sum0" ] &&
	ok "tagih init (no --upgrade) refuses a format 0 store" || bad "tagih init on format 0: rc $rc $(cat "$tmp/err")"

# the upgrade
if t init --upgrade >"$tmp/out" 2>"$tmp/err"; then
	ok "$(cat "$tmp/out")"
else
	bad "tagih init --upgrade: $(cat "$tmp/err")"
fi
grep -q 'from format 0 to 2' "$tmp/out" || bad "upgrade message: $(cat "$tmp/out")"
t init --upgrade >"$tmp/out" 2>&1 && grep -q 'nothing to do' "$tmp/out" &&
	ok "a second --upgrade: nothing to do" || bad "second upgrade: $(cat "$tmp/out")"

# every record as the old tagih showed it
E=$FIX/store-v0.expect
cmp_json() {	# NAME COMMAND...
	local name=$1; shift
	if "$@" >"$tmp/$name.json" 2>"$tmp/err" && diff <(jq -S . "$E/$name.json") <(jq -S . "$tmp/$name.json") >"$tmp/diff"; then
		ok "after the upgrade: $* = the old tagih's output"
	else
		bad "$*: differs from the old tagih's: $(head -n 20 "$tmp/diff") $(cat "$tmp/err")"
	fi
}
cmp_json sub-list t sub list --json
cmp_json invoice-list t invoice list --json
cmp_json audit t audit --json
cmp_json usage-siti t usage siti --from 2026-10-01 --to 2026-11-01 --step day --json
# fsck's JSON gained usage_totals (running totals, built by the upgrade
# from the hours): the rest as the old tagih's, and the totals all agree
if t fsck --json >"$tmp/fsck.json" 2>"$tmp/err" &&
   diff <(jq -S . "$E/fsck.json") <(jq -S 'del(.usage_totals)' "$tmp/fsck.json") >"$tmp/diff" &&
   [ "$(jq '.usage_totals > 0 and .violations == 0' "$tmp/fsck.json")" = true ]; then
	ok "after the upgrade: fsck --json = the old tagih's, and $(jq .usage_totals "$tmp/fsck.json") running usage totals built from the hours agree with them"
else
	bad "fsck --json: differs from the old tagih's: $(head -n 20 "$tmp/diff") $(cat "$tmp/fsck.json" "$tmp/err")"
fi
t fsck --deep >"$tmp/out" 2>&1 && ok "fsck --deep clean: $(head -n 1 "$tmp/out")" ||
	bad "fsck --deep after the upgrade: $(cat "$tmp/out")"
# and it works on: a payment, fsck --deep clean again
TAGIH_NOW=2026-12-02T10:00+07:00 t pay siti --amount 9000 --method cash --ref KW-0003 >/dev/null &&
	t fsck --deep >"$tmp/out" 2>&1 && ok "a payment after the upgrade, fsck --deep clean" ||
	bad "after a payment: $(cat "$tmp/out")"
[ $fails -eq 0 ] && echo "format 0 store upgraded with every record kept"
exit $((fails > 0))
