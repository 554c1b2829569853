#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_hostile_input.sh - hostile input into the ledger through `tagih`: text
# that is not UTF-8 or holds control characters, numbers that would wrap,
# NIKs kept off the command line, cuts on character boundaries, and a store
# that already holds a non-UTF-8 name (every reader still works).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
tmp=$(mktemp -d /tmp/tagih-hostile-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
. tests/integration/cli_check.sh

[ -x "$TAGIH" ] || die "$TAGIH not built"
for t in jq pdftotext md5sum mdb_dump mdb_load python3; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
cat >"$CONF" <<CONF
timezone = Asia/Jakarta
operator_name = "RT/RW Net Sejahtera"
invoice_prefix = INV
ppn_bp = 1100
operator_npwp = 01.234.567.8-901.000
CONF
chmod 600 "$CONF"
export TAGIH_NOW=2026-12-05T09:00 TAGIH_MAPSIZE_GB=1

tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

# a store (`tagih init` where the store requires it)
tg init >/dev/null 2>&1 || true
must plan add basic --type flat --price 100000
must sub add budi --name "Budi" --plan basic --activated 2026-10-01 --phone 0812
[ -f "$DB/data.mdb" ] || die "no store"

# --- text that is not text --------------------------------------------------
ESC=$'\e'
refuse_cmd "name with a terminal title escape" "--name: contains a control character" \
	tg sub add t1 --name "${ESC}]0;owned"$'\a'
refuse_cmd "name with clear-screen" "--name: contains a control character" \
	tg sub add t1 --name "${ESC}[2J${ESC}[H"
refuse_cmd "name in Latin-1" "--name: not valid UTF-8" tg sub add t1 --name $'Bud\xe9'
refuse_cmd "name with a newline" "--name: contains a control character" \
	tg sub add t1 --name $'Budi\nSantoso'
refuse_cmd "name with a C1 CSI" "--name: contains a control character" \
	tg sub add t1 --name $'a\xc2\x9b2J'
refuse_cmd "name with a bidi override" "--name: contains a bidirectional" \
	tg sub add t1 --name $'\xe2\x80\xaegnp.exe'
refuse_cmd "name overlong NUL" "--name: not valid UTF-8" tg sub add t1 --name $'a\xc0\x80b'
refuse_cmd "name as a surrogate" "--name: not valid UTF-8" tg sub add t1 --name $'\xed\xa0\x80'
refuse_cmd "address with a tab" "--address: contains a control character" \
	tg sub add t1 --name T --address $'Jl. Melati\t5'
refuse_cmd "notes with DEL" "--notes: contains a control character" \
	tg sub add t1 --name T --notes $'x\x7f'
refuse_cmd "phone with CR" "--phone: contains a control character" \
	tg sub add t1 --name T --phone $'0812\r'
refuse_cmd "e-mail with an SMTP injection" "--email: contains a control character" \
	tg sub add t1 --name T --email $'victim@example.net>\r\nRCPT TO:<spy@evil.example'
refuse_cmd "set name escape" "--name: contains a control character" \
	tg sub set budi --name "${ESC}[31mred"
refuse_cmd "set address Latin-1" "--address: not valid UTF-8" \
	tg sub set budi --address $'Jl. \xe9'
long=$(printf 'é%.0s' $(seq 48))	# 96 bytes, the field holds 95
refuse_cmd "name of 96 bytes" "--name is too long: 96 bytes, at most 95" \
	tg sub add t1 --name "$long"
refuse_cmd "hold reason with a newline" "--reason: contains a control character" \
	tg sub hold budi --reason $'a\nb'
refuse_cmd "suspend reason escape" "--reason: contains a control character" \
	tg sub suspend budi --reason "${ESC}[2J"
refuse_cmd "restore reason Latin-1" "--reason: not valid UTF-8" \
	tg sub restore budi --reason $'\xff'

# --- the NIK -----------------------------------------------------------------
printf '3201234567890001\n' >"$tmp/nik"
printf '320123456789000\n' >"$tmp/nik15"
printf '3201234567890001\n3201234567890002\n' >"$tmp/nik2"
refuse_cmd "nik of 3 digits" "the NIK must be 16 digits" tg sub add t1 --name T --nik 123
refuse_cmd "nik-file of 15 digits" "the NIK must be 16 digits" \
	tg sub add t1 --name T --nik-file "$tmp/nik15"
grep -q 320123456789000 "$tmp/err" && bad "a refused NIK is echoed"
refuse_cmd "nik-file of two lines" "expected one line with the NIK" \
	tg sub add t1 --name T --nik-file "$tmp/nik2"
refuse_cmd "nik-file missing" "--nik-file $tmp/none: No such file" \
	tg sub add t1 --name T --nik-file "$tmp/none"
refuse_cmd "nik from stdin, letters" "the NIK must be 16 digits" \
	sh -c "printf 'abcd\n' | \"\$0\" --db \"\$1\" --config \"\$2\" sub add t1 --name T --nik -" \
	"$TAGIH" "$DB" "$CONF"
must sub add nina --name "Nina" --nik-file "$tmp/nik"
eq "nik from a file" "$(tg sub show nina --show-personal --json | jq -r .nik)" 3201234567890001
printf '3201234567890002\n' | tg sub set nina --nik - >/dev/null 2>"$tmp/err" ||
	bad "sub set --nik -: $(cat "$tmp/err")"
eq "nik from stdin" "$(tg sub show nina --show-personal --json | jq -r .nik)" 3201234567890002
tg sub add --help | grep -q -- "--nik-file FILE" && ok "--help teaches --nik-file" ||
	bad "--help lacks --nik-file"
utf="Ni Luh Putu Śrī Ayu — Jl. Ćevapčići"
must sub add ayu --name "$utf" --address "Gang Mawar № 5"
eq "UTF-8 accepted" "$(tg sub show ayu --json | jq -r .name)" "$utf"

# --- config strings ------------------------------------------------------------
badconf() {	# what, message, config line (line 2: a key is given once)
	printf 'timezone = Asia/Jakarta\n%s\n' "$3" >"$tmp/bad.conf"
	refuse_cmd "$1" "$2" "$TAGIH" --db "$DB" --config "$tmp/bad.conf" sub list
}
badconf "operator_name Latin-1" "bad.conf:2: operator_name: not valid UTF-8" \
	$'operator_name = "Warung \xe9"'
badconf "operator_address escape" "bad.conf:2: operator_address: contains a control character" \
	$'operator_address = "\e[2J"'
badconf "bank_transfer C1" "bad.conf:2: bank_transfer: contains a control character" \
	$'bank_transfer = BCA\xc2\x85123'
badconf "invoice_prefix formula" "invoice_prefix: 1..20 of A-Z a-z 0-9 . _ -" \
	"invoice_prefix = '=1+2,x'"
badconf "late_fee absurd" "late_fee: not whole Rupiah" "late_fee = 99999999999999999"

# --- numbers that wrap ---------------------------------------------------------
refuse_cmd "pay INT64_MAX" "--amount '9223372036854775807' is too large" \
	tg pay budi --amount 9223372036854775807 --method cash --ref W1
refuse_cmd "pay past RP_AMOUNT_MAX" "is too large: one amount is at most Rp 1.000.000.000.000" \
	tg pay budi --amount 1000000000001 --method cash --ref W2
refuse_cmd "pay past int64" "is too large" \
	tg pay budi --amount 99999999999999999999 --method cash --ref W3
refuse_cmd "plan price absurd" "--price '9999999999999' is too large" \
	tg plan add gold --type flat --price 9999999999999
refuse_cmd "addon price absurd" "--price '1.000.000.000.001' is too large" \
	tg sub addon add budi tv --price 1.000.000.000.001 --from 2026-12-01
must pay budi --amount 1000000000000 --method cash --ref W4
eq "the largest payment" "$(tg balance budi --json | jq .balance)" 1000000000000
must pay budi --amount 1 --method cash --ref W5
eq "then 1 more" "$(tg balance budi --json | jq .balance)" 1000000000001

printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-02T10:00,18446744073709551615,0\nbudi,2026-11-02T10:00,1,0\n' >"$tmp/u1.csv"
refuse_cmd "import 2^64-1 + 1 in one hour" "u1.csv:2: up_bytes 18446744073709551615 is more than an hour carries" \
	tg usage import "$tmp/u1.csv"
printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-02T10:00,0,1000000000000000\nbudi,2026-11-02T10:00,0,1\n' >"$tmp/u2.csv"
refuse_cmd "import rows that sum past an hour" "the rows of 'budi' for this hour add up to more" \
	tg usage import "$tmp/u2.csv"
printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-02T10:00,18446744073709551616,0\n' >"$tmp/u3.csv"
refuse_cmd "import past u64" "u3.csv:2: byte counts must be whole numbers" \
	tg usage import "$tmp/u3.csv"
eq "nothing imported" "$(tg usage budi --json | jq .total.up_bytes)" 0
printf 'subscriber,start,up_bytes,down_bytes\nbudi,2026-11-02T10:00,999999999999999,0\nbudi,2026-11-02T10:00,1,0\n' >"$tmp/u4.csv"
must usage import "$tmp/u4.csv"
eq "an hour at the bound" "$(tg usage budi --json | jq .total.up_bytes)" 1000000000000000

# --- a void reason of 121 bytes, cut between characters --------------------------
must invoice run --period 2026-11 --json
num=$(echo "$out" | jq -r .first)
reason="x$(printf 'é€%.0s' $(seq 24))"	# 1 + 24 x 5 = 121 bytes
eq "reason bytes" "$(printf %s "$reason" | wc -c)" 121
must invoice void "$num" --reason "$reason"
got=$(tg invoice show "$num" --json | jq -r .void_reason)
eq "void reason kept to 118 bytes" "$(printf %s "$got" | wc -c)" 118
eq "void reason a prefix" "${reason:0:${#got}}" "$got"
must invoice export --period 2026-11 --format json --out "$tmp/inv.json"
eq "export keeps the reason" "$(jq -r '.[0].void_reason' "$tmp/inv.json")" "$got"
eq "audit keeps it whole" "$(tg audit --sub budi --json | jq -r '[.[] | select(.action == "invoice_void")][0].reason')" "$reason"
refuse_cmd "void reason of 201 bytes" "--reason is too long: 201 bytes, at most 200" \
	tg invoice void "$num" --reason "$(printf 'x%.0s' $(seq 201))"
refuse_cmd "void reason escape" "--reason: contains a control character" \
	tg invoice void "$num" --reason "${ESC}[2J"
hold="$(printf 'é%.0s' $(seq 40))"	# 80 bytes into a 64-byte field
must sub hold budi --reason "$hold"
must sub export budi --out "$tmp/budi.json"
h=$(jq -r .subscriber.hold_reason "$tmp/budi.json")
eq "hold reason cut on a boundary" "$(printf %s "$h" | wc -c)" 62

# --- a store that already holds a name that is not UTF-8 ------------------------
# Plant "Bud\xe9" (Latin-1) in budi's record, as an old tagih could have.
mdb_dump -s subs "$DB" >"$tmp/subs.dump" || die "mdb_dump"
python3 - "$tmp/subs.dump" <<'PY' || die "plant"
import sys
p = sys.argv[1]
lines = open(p).read().split('\n')
h = lines.index('HEADER=END')
for i in range(h + 1, len(lines) - 1, 2):
    if bytes.fromhex(lines[i].strip()) == b'budi':
        v = bytearray.fromhex(lines[i + 1].strip())
        off = 4 + 4 + 33		# version, uid, id[33]: then name[96]
        assert v[off:off + 5] == b'Budi\0'
        v[off + 3] = 0xe9
        lines[i + 1] = ' ' + v.hex()
        break
else:
    sys.exit('budi not found')
open(p, 'w').write('\n'.join(lines))
PY
python3 "$(dirname "$0")/store_dump.py" reframe "$tmp/subs.dump" || die "reframe"
mdb_load -s subs -f "$tmp/subs.dump" "$DB" 2>/dev/null || die "mdb_load"
FFFD=$'\xef\xbf\xbd'
must sub list --json
eq "sub list --json keeps budi" "$(echo "$out" | jq -r '.[] | select(.id == "budi") | .name')" "Bud$FFFD"
eq "sub list --json has everyone" "$(echo "$out" | jq length)" 3
must sub show budi --json
eq "sub show --json prints" "$(echo "$out" | jq -r .name)" "Bud$FFFD"
must sub export budi --out "$tmp/budi2.json"
eq "sub export keeps the name" "$(jq -r .subscriber.name "$tmp/budi2.json")" "Bud$FFFD"
rm -f "$tmp/inv.pdf"
must invoice export --period 2026-11 --format pdf --out "$tmp/inv.pdf"
pdftotext "$tmp/inv.pdf" "$tmp/inv.txt" 2>/dev/null || bad "pdftotext"
grep -q "^Bud$FFFD" "$tmp/inv.txt" && ok "PDF export with the name" ||
	bad "PDF lacks the subscriber"
must invoice export --period 2026-11 --format json --out "$tmp/inv2.json"
eq "json export" "$(jq length "$tmp/inv2.json")" 1
must fsck

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "hostile inputs refused: $refused"
echo "all hostile input checks passed"
