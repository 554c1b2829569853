#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_billing_cli.sh - billing end to end through the `tagih` CLI only: plans,
# mid-month subscribers, imported usage, invoice runs, exports, payments,
# fsck; and bad input that must fail cleanly with the store byte-identical.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
tmp=$(mktemp -d /tmp/tagih-bill-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
. tests/integration/cli_check.sh

[ -x "$TAGIH" ] || die "$TAGIH not built"
for t in jq pdftotext md5sum; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
cat >"$CONF" <<CONF
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
operator_name = "RT/RW Net Sejahtera"
operator_address = "Jl. Melati 5, Bandung"
ppn_bp = 1100
tax_mode = exclusive
invoice_prefix = INV
due_days = 10
CONF
chmod 600 "$CONF"
export TAGIH_NOW=2026-12-05T09:00

tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

# --- plans of all three types ---------------------------------------------
must plan add basic --type flat --price 150.000
must plan add kuota --type hybrid --price 200000 --quota-gb 100 --per-gb 2000 --cap 50000
must plan add vol --type volume --per-gb 3000 --min 20000
eq "plans" "$(tg plan list --json | jq length)" 3
eq "hybrid quota" "$(tg plan show kuota --json | jq .quota_bytes)" 100000000000

# --- subscribers, two activated mid-month ------------------------------------
must sub add andi --name "Andi" --plan basic --activated 2026-10-01 --ip 10.9.0.1
must sub add budi --name "Budi" --plan kuota --activated 2026-11-16 --ip 10.9.0.2
must sub add vera --name "Vera" --plan vol --activated 2026-11-10 --cycle calendar

# --- usage through `tagih usage import` --------------------------------------
cat >"$tmp/usage.csv" <<CSV
subscriber,start,up_bytes,down_bytes
budi,2026-11-20T10:00:00+07:00,1000000000,29000000000
budi,2026-11-28T21:00:00+07:00,0,30000000000
vera,2026-11-12T08:00:00+07:00,500000000,1000000000
budi,2026-12-01T10:00:00+07:00,0,99000000000
CSV
must usage import "$tmp/usage.csv"

# --- the invoice run, twice ---------------------------------------------------
must invoice run --period 2026-11 --json
eq "run 1 created" "$(echo "$out" | jq .created)" 3
eq "run 1 first" "$(echo "$out" | jq -r .first)" "INV/2026/12/000001"
must invoice run --period 2026-11 --json
eq "run 2 created" "$(echo "$out" | jq .created)" 0
eq "run 2 existing" "$(echo "$out" | jq .existing)" 3
# andi: full month 150000 + 11% = 166500
eq "andi total" "$(tg invoice show INV/2026/12/000001 --json | jq .total)" 166500
# budi: 15/30 days: fee 100000, quota 50 GB, 60 GB used -> 10 GB x 2000
must invoice show INV/2026/12/000002 --json
eq "budi overage" "$(echo "$out" | jq '.lines[1].amount')" 20000
eq "budi total" "$(echo "$out" | jq .total)" 133200
# vera: 21/30 days: 1.5 GB x 3000 = 4500, min 20000 x 21/30 = 14000
must invoice show INV/2026/12/000003 --json
eq "vera subtotal" "$(echo "$out" | jq .subtotal)" 14000
eq "vera total" "$(echo "$out" | jq .total)" 15540

# --- exports ----------------------------------------------------------------
must invoice export --period 2026-11 --format csv --out "$tmp/inv.csv"
eq "csv rows" "$(wc -l <"$tmp/inv.csv")" 4
eq "csv andi" "$(grep '^INV/2026/12/000001,' "$tmp/inv.csv" | cut -d, -f8)" 166500
must invoice export --period 2026-11 --format json --out "$tmp/inv.json"
eq "json invoices" "$(jq length "$tmp/inv.json")" 3
eq "json fields" "$(jq -c '.[0] | [has("number","subscriber","period","lines","subtotal","tax","total","status","due_date")] | all' "$tmp/inv.json")" true
eq "json line fields" "$(jq -c '.[1].lines[0] | [has("description","quantity","unit_price","amount")] | all' "$tmp/inv.json")" true
must invoice export --period 2026-11 --format pdf --out "$tmp/inv.pdf"
pdftotext "$tmp/inv.pdf" "$tmp/inv.txt" || bad "pdftotext"
grep -q "INV/2026/12/000002" "$tmp/inv.txt" && ok "pdf has the number" ||
	bad "pdf lacks INV/2026/12/000002"
grep -q "Rp 133.200" "$tmp/inv.txt" && ok "pdf has the total Rp 133.200" ||
	bad "pdf lacks Rp 133.200"
for w in TAGIHAN Kepada "Jatuh tempo" Jumlah PPN Total "RT/RW Net Sejahtera" Terbilang; do
	grep -q "$w" "$tmp/inv.txt" || bad "pdf lacks '$w'"
done
grep -q "FAKTUR" "$tmp/inv.txt" && bad "pdf says FAKTUR (a Faktur Pajak?)"
eq "pdf pages" "$(pdfinfo "$tmp/inv.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')" 3

# --- payments -----------------------------------------------------------------
must pay andi --amount 200000 --method cash --ref KW-001 --json
eq "andi allocated" "$(echo "$out" | jq '.allocations[0].amount')" 166500
eq "andi to balance" "$(echo "$out" | jq .to_balance)" 33500
must pay andi --amount 200000 --method cash --ref KW-001 --json
eq "duplicate ref" "$(echo "$out" | jq .duplicate)" true
eq "andi balance" "$(tg balance andi --json | jq .balance)" 33500
must pay budi --amount 50000 --method transfer --ref TRF-9
eq "budi status" "$(tg invoice show INV/2026/12/000002 --json | jq -r .status)" partial
eq "paid list" "$(tg invoice list --status paid --json | jq -r '.[].number')" "INV/2026/12/000001"
must fsck
eq "revenue total" "$(tg report revenue --period 2026-11 --json | jq .total)" 315240
eq "usage top" "$(tg report usage --period 2026-11 --top 1 --json | jq -r '.[0].subscriber')" budi

# --- next month: balance pays automatically, void is a credit ----------------
must sub set vera --phone 08120000001 --notes "lantai 2"
eq "sub set" "$(tg sub show vera --json | jq -r .notes)" "lantai 2"
must sub addon add vera tv --price 30000 --from 2026-12-01
must sub terminate budi --date 2026-12-16
export TAGIH_NOW=2027-01-02T09:00
must invoice run --period 2026-12 --json
eq "dec first" "$(echo "$out" | jq -r .first)" "INV/2027/01/000001"
# budi, 15 of 31 days: fee 96774; quota 48387096774 B; 99 GB used ->
# overage charge 101226 capped at 50000 x 15/31 = 24194; PPN 13306
eq "budi dec total" "$(tg invoice show INV/2027/01/000002 --json | jq .total)" 134274
# vera: no usage -> minimum 20000, plus the tv add-on 30000
eq "vera dec total" "$(tg invoice show INV/2027/01/000003 --json | jq .total)" 55500
eq "andi dec paid by balance" "$(tg invoice show INV/2027/01/000001 --json | jq .paid)" 33500
eq "andi balance used" "$(tg balance andi --json | jq .balance)" 0
must invoice void INV/2026/12/000002 --reason "salah paket"
eq "void credit" "$(tg balance budi --json | jq .balance)" 50000
eq "aging buckets" "$(tg report aging --json | jq length)" 5
must fsck

# --- bad input: clear message, non-zero exit, store byte-identical -------------
refuse "unknown plan" "unknown plan 'gold'" sub add cici --name Cici --plan gold --activated 2026-11-01
refuse "unknown plan (change)" "unknown plan 'gold'" sub plan andi gold --from 2026-12-01
refuse "unknown subscriber (pay)" "unknown subscriber 'zed'" pay zed --amount 1000 --method cash --ref Z1
refuse "unknown subscriber (plan)" "unknown subscriber 'zed'" sub plan zed basic --from 2026-12-01
refuse "negative amount" "cannot be negative" pay andi --amount -5000 --method cash --ref N1
refuse "fractional amount" "not a whole Rupiah" pay andi --amount 1500.50 --method cash --ref N2
refuse "junk amount" "not a whole Rupiah" pay andi --amount 15k --method cash --ref N3
refuse "negative price" "cannot be negative" plan add neg --type flat --price -1
refuse "duplicate ref, other amount" "already recorded" pay andi --amount 1 --method cash --ref KW-001
refuse "malformed period" "not a period" invoice run --period 2026-13
refuse "malformed period 2" "not a period" invoice run --period 2026/12
refuse "period in the future" "period in the future" invoice run --period 2027-01
refuse "duplicate subscriber" "already exists" sub add andi --name Andi2 --plan basic --activated 2026-11-01
refuse "duplicate plan" "already exists" plan add basic --type flat --price 1
refuse "bad method" "use cash, transfer or gateway" pay andi --amount 1000 --method cheque --ref M1
refuse "void without reason" "--reason" invoice void INV/2027/01/000001
refuse "void unknown" "unknown invoice" invoice void INV/1999/01/000001 --reason x
refuse "void twice" "already void" invoice void INV/2026/12/000002 --reason again
refuse "flat with quota" "a flat plan takes only --price" plan add odd --type flat --price 1 --quota-gb 5

must fsck
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all billing CLI checks passed"
