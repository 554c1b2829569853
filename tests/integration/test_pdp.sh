#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_pdp.sh - personal data (UU PDP) through the CLI: `sub export` holds
# everything, `sub erase` removes the person and keeps the ledger, fsck clean.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
tmp=$(mktemp -d /tmp/tagih-pdp-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$TAGIH" ] || die "$TAGIH not built"
for t in jq md5sum mdb_dump mdb_copy strings; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
cat >"$CONF" <<CONF
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
public_url = https://portal.example.net
tax_mode = exclusive
ppn_bp = 1100
invoice_prefix = INV
due_days = 10
CONF
chmod 600 "$CONF"
export TAGIH_NOW=2026-12-05T09:00

tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }
eq() { if [ "$2" = "$3" ]; then ok "$1 = $3"; else bad "$1: got '$2', want '$3'"; fi; }
must() { out=$(tg "$@" 2>"$tmp/err") || bad "tagih $*: $(cat "$tmp/err")"; }
absent() {	# what, file, string...: none of the strings in file
	local what=$1 f=$2 s hit=; shift 2
	for s in "$@"; do grep -qF -- "$s" "$f" && hit="$hit '$s'"; done
	if [ -z "$hit" ]; then ok "$what: none of the personal data"
	else bad "$what still holds:$hit"; fi
}

NAME="Budi Santoso" PHONE=081234567890 EMAIL=budi@example.net
ADDR="Jl. Melati 5, RT 03/RW 07" NIK=3201234567890001 NOTES="rumah pagar biru"

must plan add home --type flat --price 150000
must sub add budi --name "$NAME" --phone "$PHONE" --email "$EMAIL" \
	--address "$ADDR" --nik "$NIK" --notes "$NOTES" --plan home \
	--activated 2026-10-01 --ip 10.9.0.1
must sub add ani --name "Ani Lestari" --phone 081399990000 --plan home \
	--activated 2026-10-01 --ip 10.9.0.2
must invoice run --period 2026-10
must invoice run --period 2026-11
must pay budi --amount 166500 --method transfer --ref TRF-1
must sub pin budi --pin 2468
must sub link budi
token=${out##*/c/}
[ ${#token} -eq 43 ] || bad "link token: '$out'"
must fsck

# --- export: everything, unmasked, but never the PIN hash or the token ------
must sub export budi
echo "$out" >"$tmp/before.json"
eq "export format" "$(jq -r .format "$tmp/before.json")" tagih-subject-export/1
eq "name" "$(jq -r .subscriber.name "$tmp/before.json")" "$NAME"
eq "phone" "$(jq -r .subscriber.phone "$tmp/before.json")" "$PHONE"
eq "NIK unmasked" "$(jq -r .subscriber.nik "$tmp/before.json")" "$NIK"
eq "address" "$(jq -r .subscriber.address "$tmp/before.json")" "$ADDR"
eq "invoices" "$(jq '.invoices | length' "$tmp/before.json")" 2
eq "invoice lines" "$(jq '.invoices[0].lines | length > 0' "$tmp/before.json")" true
eq "payments" "$(jq -r '.payments[0].ref' "$tmp/before.json")" TRF-1
eq "plan history" "$(jq -r '.plan_history[0].plan' "$tmp/before.json")" home
eq "prefixes" "$(jq -r '.prefixes | join(",")' "$tmp/before.json")" 10.9.0.1/32
eq "prefix history" "$(jq -r '.prefix_history[0].prefix' "$tmp/before.json")" 10.9.0.1/32
eq "pin/link set" "$(jq -c .customer_page "$tmp/before.json")" \
	'{"pin_set":true,"link_set":true}'
eq "audit of budi only" \
	"$(jq -r '[.audit[].sub] | unique | join(",")' "$tmp/before.json")" budi
absent "export secrets" "$tmp/before.json" "$token" cpin
eq "ani not in budi's export" "$(grep -c 'Ani Lestari\|081399990000' "$tmp/before.json")" 0
umask 022
must sub export budi --out "$tmp/budi.json"
eq "export file mode" "$(stat -c %a "$tmp/budi.json")" 600
eq "file = stdout (but the time)" \
	"$(jq -c 'del(.exported)' "$tmp/budi.json" | md5sum)" \
	"$(jq -c 'del(.exported)' "$tmp/before.json" | md5sum)"
must sub show budi --json
eq "show: pin set, not erased" "$(jq -c '[.pin_set, .erased]' <<<"$out")" '[true,false]'

# --- erase without --confirm: explains, exits 1, writes nothing ----------------
before=$(md5sum <"$DB/data.mdb")
tg sub erase budi >"$tmp/out" 2>"$tmp/err"; rc=$?
eq "erase without --confirm: exit" $rc 1
grep -q "without --confirm" "$tmp/err" && grep -q "keep:" "$tmp/err" &&
	grep -q "2 invoices and 1 payment" "$tmp/err" &&
	ok "refusal says what goes and what stays" || bad "refusal: $(cat "$tmp/err")"
eq "store byte-identical" "$(md5sum <"$DB/data.mdb")" "$before"
tg sub erase nobody --confirm >/dev/null 2>&1; eq "erase unknown: exit" $? 1

# --- erase ----------------------------------------------------------------------
must sub erase budi --confirm
grep -q "kept 2 invoices, 1 payment" <<<"$out" && ok "erase: $out" || bad "erase said: $out"
must sub export budi
echo "$out" >"$tmp/after.json"
absent "export after erase" "$tmp/after.json" "$NAME" "$PHONE" "$EMAIL" \
	"$ADDR" "$NIK" "$NOTES" "$token" Budi
eq "name placeholder" "$(jq -r .subscriber.name "$tmp/after.json")" "(dihapus)"
eq "erased flag" "$(jq -r .subscriber.erased "$tmp/after.json")" true
eq "pin/link gone" "$(jq -c .customer_page "$tmp/after.json")" \
	'{"pin_set":false,"link_set":false}'
eq "invoices kept" "$(jq -c '[.invoices[] | .number, .total]' "$tmp/after.json")" \
	"$(jq -c '[.invoices[] | .number, .total]' "$tmp/before.json")"
eq "payments kept" "$(jq -c '.payments' "$tmp/after.json")" \
	"$(jq -c '.payments' "$tmp/before.json")"
eq "uid and prefix kept (metering goes on)" \
	"$(jq -c '[.subscriber.uid, .prefixes]' "$tmp/after.json")" \
	"$(jq -c '[.subscriber.uid, .prefixes]' "$tmp/before.json")"
eq "audit: erase" "$(jq -r '.audit[-1].action' "$tmp/after.json")" erase
jq '.audit[-1]' "$tmp/after.json" >"$tmp/audit.json"
absent "erase audit entry" "$tmp/audit.json" "$NAME" "$PHONE" "$NIK" Budi

mdb_dump -p -s subs "$DB" >"$tmp/subs.dump" || bad "mdb_dump subs"
absent "mdb_dump -s subs" "$tmp/subs.dump" "$PHONE" "$NAME" "$EMAIL" "$NIK" \
	"$ADDR" "$NOTES" "$token"
grep -qF 081399990000 "$tmp/subs.dump" && ok "ani's record untouched" || bad "ani lost"
mdb_dump -p -s meta "$DB" >"$tmp/meta.dump" || bad "mdb_dump meta"
absent "meta: PIN hash and link index" "$tmp/meta.dump" "cpin:budi" "clink:"
# LMDB keeps freed pages until reused; a compacting copy has live data only
mkdir "$tmp/copy" && mdb_copy -c "$DB" "$tmp/copy" || bad "mdb_copy -c"
strings -n 6 "$tmp/copy/data.mdb" >"$tmp/copy.strings"
absent "compacted store file" "$tmp/copy.strings" "$PHONE" "$NIK" "$EMAIL" "$NAME"

must fsck
eq "invoices still listed" "$(tg --json invoice list | jq '[.[] | select(.subscriber == "budi")] | length')" 2
must sub show budi
grep -q "^erased:    yes" <<<"$out" && grep -q "^pin:       not set" <<<"$out" &&
	ok "show: erased, no PIN" || bad "show: $out"
tg sub pin budi --pin 1357 >/dev/null 2>&1 && bad "PIN set on an erased subscriber (no phone)" ||
	ok "no PIN without a phone"
must sub erase budi --confirm
ok "erase again: $out"
must fsck

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]
