#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_invoice_pdf.sh - the invoice and receipt documents through `tagih`
# only, read back with pdftotext (poppler-utils) and zbarimg (zbar-tools):
# TAGIHAN/INVOICE and never FAKTUR, dates in words, the status in
# Indonesian and the LUNAS stamp, the customer's address, terbilang, rows
# whose quantity x rate is the amount (the capped overage of the issue:
# 77,68 GB x Rp 1.500 with the cap as a row of its own), the bank-transfer
# text with the number to quote, a QR code that decodes to the
# subscriber's customer-page link, one file per invoice from export, and
# the kuitansi as a PDF and as 32 columns for a 58 mm printer.
# Every date is explicit (TAGIH_NOW, --now).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
tmp=$(mktemp -d /tmp/tagih-ipdf-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
. tests/integration/cli_check.sh

[ -x "$TAGIH" ] || die "$TAGIH not built"
for t in jq pdftotext pdftoppm pdfinfo zbarimg python3 md5sum; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
export LC_ALL=C.UTF-8

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init"; exit 1; }
CONF=$tmp/tagih.conf
URL=http://portal.example.net
BANK="BCA 123-456-7890 a.n. RT/RW Net Sukamaju"
cat >"$CONF" <<CONF
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
operator_name = "RT/RW Net Sukamaju"
operator_address = "Jl. Melati 7, Bandung"
tax_mode = exclusive
ppn_bp = 1100
due_days = 20
public_url = $URL
bank_transfer = "$BANK"
CONF
chmod 600 "$CONF"
export TAGIH_NOW=2026-11-01T08:00+07:00
tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

# text of a PDF, laid out as on the page
txt() { pdftotext -layout "$1" - 2>/dev/null; }
# has WHAT FILE NEEDLE...: every needle is in the PDF's text
has() {
	local what=$1 f=$2 n t
	shift 2
	t=$(txt "$f")
	for n in "$@"; do
		grep -qF -- "$n" <<<"$t" || { bad "$what: '$n' missing"; return; }
	done
	ok "$what"
}
hasnt() {
	local what=$1 f=$2 n t
	shift 2
	t=$(txt "$f")
	for n in "$@"; do
		grep -qF -- "$n" <<<"$t" && { bad "$what: '$n' present"; return; }
	done
	ok "$what"
}
mode() { stat -c %a "$1"; }

# --- data: a flat plan (Rp 100.000 + 11% = Rp 111.000) and the issue's
# capped overage: 127,68 GB on a 50 GB quota = 77,68 GB x Rp 1.500 =
# Rp 116.520, capped at Rp 100.000 ----------------------------------------
must plan add home --type flat --price 100000
must plan add kuota --type hybrid --price 100000 --quota-gb 50 --per-gb 1500 --cap 100000
ADDR="Jl. Kenanga No. 12, RT 03/RW 05, Kel. Sukamaju, Kec. Cibeunying, Bandung 40121"
must sub add budi --name "Budi Santoso" --address "$ADDR" --plan home --activated 2026-10-01
must sub add sari --name "Sari Wulandari" --plan kuota --activated 2026-10-01
must sub add tono --name "Tono" --plan home --activated 2026-10-01
printf 'subscriber,start,up_bytes,down_bytes\nsari,2026-10-20T20:00+07:00,680000000,127000000000\n' >"$tmp/u.csv"
must usage import "$tmp/u.csv"
must invoice run --period 2026-10
B_URL=$(tg sub link budi) || die "sub link budi"
S_URL=$(tg sub link sari) || die "sub link sari"
tg --json invoice list >"$tmp/inv.json" || die "invoice list"
num() { jq -r --arg s "$1" '.[] | select(.subscriber == $s) | .number' "$tmp/inv.json"; }
B_NUM=$(num budi) S_NUM=$(num sari) T_NUM=$(num tono)
[ -n "$B_NUM" ] && [ -n "$S_NUM" ] && [ -n "$T_NUM" ] || die "invoices: $(cat "$tmp/inv.json")"

# --- the address: sub add/set --address, checked like every text field ---
refuse "address with a line break" "address" sub set budi --address $'Jl. A\nRT 1'
refuse "address not UTF-8" "not valid UTF-8" sub set budi --address $'Jl. \xff'
eq "address stored" "$(tg sub show budi --json | jq -r .address)" "$ADDR"

# --- budi: open, in Bahasa Indonesia ----------------------------------------
must invoice pdf "$B_NUM" --out "$tmp/b.pdf" --now 2026-11-05T10:00+07:00
eq "invoice pdf mode" "$(mode "$tmp/b.pdf")" 600
eq "one page" "$(pdfinfo "$tmp/b.pdf" | awk '/^Pages:/ {print $2}')" 1
has "title TAGIHAN, operator, number" "$tmp/b.pdf" TAGIHAN "RT/RW Net Sukamaju" "$B_NUM"
hasnt "never FAKTUR (a Faktur Pajak?) nor English status" "$tmp/b.pdf" FAKTUR Faktur issued overdue
has "dates in words" "$tmp/b.pdf" "Tanggal" "1 November 2026" \
	"Jatuh tempo" "21 November 2026" "Oktober 2026" "1 s.d. 31 Oktober 2026"
has "status in Indonesian" "$tmp/b.pdf" "Belum dibayar"
has "customer name and address" "$tmp/b.pdf" "Kepada" "Budi Santoso" \
	"ID pelanggan: budi" "Jl. Kenanga No. 12, RT 03/RW 05"
has "terbilang of Rp 111.000" "$tmp/b.pdf" "Terbilang:" "seratus sebelas ribu rupiah"
has "payment block: transfer text and the number to quote" "$tmp/b.pdf" \
	"Cara pembayaran" "Transfer bank: $BANK" "berita / referensi transfer:"
# the number appears in the payment block too (title, Nomor, reference)
eq "number printed 3 times" "$(txt "$tmp/b.pdf" | grep -oF "$B_NUM" | wc -l)" 3
# the QR code: rendered to PNG, decoded, equals the customer-page link
pdftoppm -r 150 -png "$tmp/b.pdf" "$tmp/b" || bad "pdftoppm"
qr=$(zbarimg -q --raw "$tmp"/b-1.png 2>/dev/null)
eq "QR code decodes to budi's customer-page link" "$qr" "$B_URL"
# a screen's resolution too (a viewer at 100 %, a phone photographing it)
pdftoppm -r 100 -png "$tmp/b.pdf" "$tmp/b100" || bad "pdftoppm"
eq "QR code decodes at 100 dpi too" "$(zbarimg -q --raw "$tmp"/b100-1.png 2>/dev/null)" "$B_URL"
case $B_URL in "$URL"/c/*) ok "the link is public_url/c/TOKEN" ;; *) bad "link '$B_URL'" ;; esac

# overdue at a later --now; a subscriber without a link gets no QR code
must invoice pdf "$B_NUM" --out "$tmp/b2.pdf" --now 2026-11-25T10:00+07:00
has "overdue in Indonesian" "$tmp/b2.pdf" "Lewat jatuh tempo"
must invoice pdf "$T_NUM" --out "$tmp/t.pdf" --now 2026-11-05T10:00+07:00
pdftoppm -r 150 -png "$tmp/t.pdf" "$tmp/t" || bad "pdftoppm"
if zbarimg -q --raw "$tmp"/t-1.png >/dev/null 2>&1; then
	bad "tono has no link, yet his PDF has a QR code"
else
	ok "no link, no QR code (a PDF never makes a link)"
fi
has "no link: the transfer text and the number all the same" "$tmp/t.pdf" \
	"Transfer bank: $BANK" "$T_NUM"

# --- rows that add up: every row's quantity x rate is its amount (half up),
# the rows sum to the subtotal -------------------------------------------------
cat >"$tmp/rows.py" <<'EOF'
import re, sys
from decimal import Decimal, ROUND_HALF_UP
text = open(sys.argv[1]).read().splitlines()
def rp(s):
    s = s.strip()
    neg = s.startswith("-")
    v = int(s.replace("-", "").replace("Rp", "").replace(".", "").strip())
    return -v if neg else v
start = next(i for i, l in enumerate(text) if re.match(r"\s*(Keterangan|Description)\s", l))
end = next(i for i, l in enumerate(text) if i > start and re.search(r"\b(Subtotal|Tax base|Dasar pengenaan pajak)\b", l))
rows, bad = 0, 0
total = 0
for l in text[start + 1:end]:
    f = [x for x in re.split(r"\s{2,}", l.strip()) if x]
    if len(f) < 2 or not f[-1].lstrip("-").startswith("Rp"):
        continue            # a wrapped description, or blank
    amount = rp(f[-1])
    total += amount
    rows += 1
    if len(f) == 2:         # the cap: a row of its own, no quantity
        print("cap row:", f[0], amount)
        continue
    qty, rate = f[-3], f[-2]
    m = re.match(r"Rp ([\d.]+)(?: / (GB|(\d+) (?:hari|days)))?$", rate)
    if not m:
        print("bad rate", rate); bad += 1; continue
    r = Decimal(m.group(1).replace(".", ""))
    if m.group(2) == "GB":
        q = Decimal(re.match(r"([\d.,]+) GB$", qty).group(1).replace(",", "."))
        want = q * r
    elif m.group(3):
        q = Decimal(re.match(r"(\d+) (?:hari|days)$", qty).group(1))
        want = q * r / Decimal(m.group(3))
    else:
        q = Decimal(re.match(r"(\d+)", qty).group(1))
        want = q * r
    want = int(want.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    ok = want == amount
    print("row:", f[0], "|", qty, "x", rate, "=", amount, "ok" if ok else "WRONG (%d)" % want)
    bad += not ok
sub = next(rp(re.split(r"\s{2,}", l.strip())[-1]) for l in text[end:end + 2] if "Rp" in l)
print("rows", rows, "sum", total, "subtotal", sub)
sys.exit(1 if bad or total != sub or rows == 0 else 0)
EOF
must invoice pdf "$S_NUM" --out "$tmp/s.pdf" --now 2026-11-05T10:00+07:00
txt "$tmp/s.pdf" >"$tmp/s.txt"
if python3 "$tmp/rows.py" "$tmp/s.txt" >"$tmp/rows.out"; then
	ok "capped invoice: every row is quantity x rate, rows sum to the subtotal"
else
	bad "rows do not add up: $(cat "$tmp/rows.out")"
fi
grep -E "Kelebihan kuota +77,68 GB +Rp 1\.500 / GB +Rp 116\.520" "$tmp/s.txt" >/dev/null &&
	ok "the issue's overage: 77,68 GB x Rp 1.500 / GB = Rp 116.520" ||
	bad "overage row: $(grep -F 'Kelebihan' "$tmp/s.txt")"
grep -E "Batas biaya pemakaian \(maks\. Rp 100\.000\) +-Rp 16\.520" "$tmp/s.txt" >/dev/null &&
	ok "the cap as a row of its own: -Rp 16.520 (maks. Rp 100.000)" ||
	bad "cap row: $(grep -F 'Batas' "$tmp/s.txt")"
eq "capped total (Rp 200.000 + 11%)" "$(jq -r --arg n "$S_NUM" '.[] | select(.number == $n) | .total' "$tmp/inv.json")" 222000
has "terbilang of Rp 222.000" "$tmp/s.pdf" "dua ratus dua puluh dua ribu rupiah"
pdftoppm -r 150 -png "$tmp/s.pdf" "$tmp/s" || bad "pdftoppm"
eq "sari's QR code decodes to her link" "$(zbarimg -q --raw "$tmp"/s-1.png 2>/dev/null)" "$S_URL"
if python3 "$tmp/rows.py" <(txt "$tmp/b.pdf") >"$tmp/rows.out"; then
	ok "flat invoice: 1 bulan x Rp 100.000 = Rp 100.000"
else
	bad "flat rows: $(cat "$tmp/rows.out")"
fi

# a mid-month start: 16 hari x Rp 100.000 / 31 hari
must sub add wati --name "Wati" --plan kuota --activated 2026-10-16
TAGIH_NOW=2026-11-01T08:30+07:00 must invoice run --period 2026-10
W_NUM=$(tg --json invoice list --sub wati | jq -r '.[0].number')
must invoice pdf "$W_NUM" --out "$tmp/w.pdf" --now 2026-11-05T10:00+07:00
if python3 "$tmp/rows.py" <(txt "$tmp/w.pdf") >"$tmp/rows.out" &&
   grep -qF "16 hari x Rp 100.000 / 31 hari = 51613 ok" "$tmp/rows.out"; then
	ok "prorated fee: 16 hari x Rp 100.000 / 31 hari = Rp 51.613"
else
	bad "prorated rows: $(cat "$tmp/rows.out")"
fi

# --- paid: LUNAS, and the English switch --------------------------------------
TAGIH_NOW=2026-11-03T10:00+07:00 must pay budi --amount 111000 --method cash --ref KW-0001
must invoice pdf "$B_NUM" --out "$tmp/bp.pdf" --now 2026-11-05T10:00+07:00
has "paid: status Lunas and the LUNAS stamp" "$tmp/bp.pdf" "Lunas" "LUNAS" \
	"Dibayar" "Rp 111.000"
hasnt "paid: no payment block" "$tmp/bp.pdf" "Cara pembayaran"
must invoice pdf "$B_NUM" --out "$tmp/be.pdf" --lang en --now 2026-11-05T10:00+07:00
has "English: INVOICE, dates, Paid, PAID, in words" "$tmp/be.pdf" INVOICE \
	"1 November 2026" "21 November 2026" "October 2026" "Paid" "PAID" \
	"Bill to" "one hundred eleven thousand rupiah"
hasnt "English: no TAGIHAN" "$tmp/be.pdf" TAGIHAN

# --- partly paid, void -----------------------------------------------------------
TAGIH_NOW=2026-11-04T10:00+07:00 must pay sari --amount 100000 --method transfer --ref TRF-SARI-1
must invoice pdf "$S_NUM" --out "$tmp/sp.pdf" --now 2026-11-05T10:00+07:00
has "partly paid: status, paid, what is left, still how to pay" "$tmp/sp.pdf" \
	"Dibayar sebagian" "Sisa tagihan" "Rp 122.000" "Cara pembayaran" "$S_NUM"
hasnt "partly paid: no LUNAS" "$tmp/sp.pdf" LUNAS
TAGIH_NOW=2026-11-04T11:00+07:00 must invoice void "$T_NUM" --reason "salah paket"
must invoice pdf "$T_NUM" --out "$tmp/tv.pdf" --now 2026-11-05T10:00+07:00
has "void: DIBATALKAN stamp, status and the reason" "$tmp/tv.pdf" \
	DIBATALKAN Dibatalkan "Alasan pembatalan: salah paket"
hasnt "void: no payment block, no LUNAS" "$tmp/tv.pdf" "Cara pembayaran" LUNAS

# --- one file per invoice; the single-file export still works ----------------
mkdir "$tmp/pdfs"
must invoice export --period 2026-10 --format pdf --out "$tmp/pdfs/" --now 2026-11-05T10:00+07:00
n=$(jq length <(tg --json invoice list --period 2026-10))
eq "export --out DIR/: one file per invoice" "$(find "$tmp/pdfs" -name '*.pdf' | wc -l)" "$n"
f=$tmp/pdfs/$(echo "$B_NUM" | tr / -).pdf
[ -f "$f" ] && [ "$(mode "$f")" = 600 ] && ok "files named NUMBER with '-', mode 0600" ||
	bad "no $f (0600): $(ls -l "$tmp/pdfs")"
has "the per-invoice file is budi's, paid" "$f" "$B_NUM" "Budi Santoso" LUNAS
eq "each file one page" "$(for g in "$tmp"/pdfs/*.pdf; do pdfinfo "$g" | awk '/^Pages:/ {print $2}'; done | sort -u)" 1
must invoice export --period 2026-10 --format pdf --out "$tmp/all.pdf"
eq "single-file export: one page per invoice" "$(pdfinfo "$tmp/all.pdf" | awk '/^Pages:/ {print $2}')" "$n"
must --json invoice export --period 2026-10 --format pdf --out "$tmp/pdfs"
eq "an existing directory is one file each too" "$(echo "$out" | jq -c '[.invoices, .files]')" "[$n,true]"
refuse "csv into a directory" "only --format pdf" invoice export --period 2026-10 --format csv --out "$tmp/pdfs/"
refuse "pdf of an unknown invoice" "unknown invoice" invoice pdf INV/1999/01/000001 --out "$tmp/none.pdf"
[ -e "$tmp/none.pdf" ] && bad "a file was left for an unknown invoice"

# --- receipts (kuitansi) ------------------------------------------------------
must pay receipt KW-0001 --out "$tmp/k.pdf"
eq "receipt mode" "$(mode "$tmp/k.pdf")" 600
has "receipt PDF" "$tmp/k.pdf" KUITANSI "No. KW-0001" "RT/RW Net Sukamaju" \
	"Telah terima dari" "Budi Santoso (budi)" "seratus sebelas ribu rupiah" \
	"Tagihan $B_NUM" "Rp 111.000" "Tunai" "3 November 2026 10:00 WIB"
must pay receipt KW-0001 --out "$tmp/k.txt" --format thermal
eq "thermal receipt mode" "$(mode "$tmp/k.txt")" 600
eq "thermal: no line wider than 32 columns" \
	"$(awk 'length($0) > 32' "$tmp/k.txt" | wc -l)" 0
eq "thermal: rules are 32 wide" "$(grep -c '^-\{32\}$' "$tmp/k.txt")" 4
for w in KUITANSI "No. KW-0001" "Budi Santoso (budi)" "TOTAL                 Rp 111.000" \
	"Tunai" "Terbilang: seratus sebelas ribu"; do
	grep -qF -- "$w" "$tmp/k.txt" || bad "thermal receipt lacks '$w'"
done
ok "thermal receipt: title, ref, payer, total, method, terbilang"
tg pay receipt KW-0001 --format thermal --out - >"$tmp/k2.txt" || bad "thermal to stdout"
cmp -s "$tmp/k.txt" "$tmp/k2.txt" && ok "--out - prints the same receipt" || bad "stdout receipt differs"
# a long name wraps within 32 columns; an overpayment shows the balance
must sub add panjang --name "Raden Mas Bagus Adipati Wiryokusumo Hadiningrat" --plan home --activated 2026-10-01
TAGIH_NOW=2026-11-03T11:00+07:00 must pay panjang --amount 50000 --method transfer --ref TRF-77
must pay receipt TRF-77 --out "$tmp/k3.txt" --format thermal --lang en
eq "thermal, long name: no line wider than 32" "$(awk 'length($0) > 32' "$tmp/k3.txt" | wc -l)" 0
grep -q "^RECEIPT\|  RECEIPT" "$tmp/k3.txt" && grep -qF "Balance" "$tmp/k3.txt" &&
	grep -qF "fifty thousand rupiah" "$tmp/k3.txt" &&
	ok "thermal in English, balance shown" || bad "thermal en: $(cat "$tmp/k3.txt")"
refuse "receipt of an unknown ref" "no payment with ref" pay receipt NOPE --out "$tmp/none.pdf"
refuse "pdf receipt to stdout" "only --format thermal" pay receipt KW-0001 --out -
[ -e "$tmp/none.pdf" ] && bad "a file was left for an unknown payment"

# --- terbilang on the page: 0 .. Rp 3 trillion (tax none, one plan each) ---
# INT64_MAX and INT64_MIN are in the unit suite: no invoice can total that
# much (a price is at most RP_AMOUNT_MAX, Rp 1.000.000.000.000).
DB=$tmp/db2
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init"; exit 1; }
CONF2=$tmp/tagih2.conf
printf 'timezone = Asia/Jakarta\ntax_mode = none\ndue_days = 10\n' >"$CONF2"
chmod 600 "$CONF2"
tg() { "$TAGIH" --db "$DB" --config "$CONF2" "$@"; }
declare -A WORDS=(
	[0]="nol rupiah"
	[1]="satu rupiah"
	[11]="sebelas rupiah"
	[100]="seratus rupiah"
	[1000]="seribu rupiah"
	[1000000]="satu juta rupiah"
	[2147483647]="dua miliar seratus empat puluh tujuh juta empat ratus delapan puluh tiga ribu enam ratus empat puluh tujuh rupiah"
	[1000000000000]="satu triliun rupiah"
)
for v in "${!WORDS[@]}"; do
	must plan add "p$v" --type flat --price "$v"
	must sub add "s$v" --name "S $v" --plan "p$v" --activated 2026-10-01
done
# Rp 3.000.000.000.000: a trillion-rupiah plan and two such add-ons
must sub addon add s1000000000000 tv --price 1000000000000 --from 2026-10-01
must sub addon add s1000000000000 ip --price 1000000000000 --from 2026-10-01
must invoice run --period 2026-10
mkdir "$tmp/t2"
must invoice export --period 2026-10 --format pdf --out "$tmp/t2/"
eq "terbilang set: one file per invoice" "$(find "$tmp/t2" -name '*.pdf' | wc -l)" "${#WORDS[@]}"
tg --json invoice list >"$tmp/inv2.json"
for v in "${!WORDS[@]}"; do
	n=$(jq -r --arg s "s$v" '.[] | select(.subscriber == $s) | .number' "$tmp/inv2.json")
	tot=$(jq -r --arg s "s$v" '.[] | select(.subscriber == $s) | .total' "$tmp/inv2.json")
	w=${WORDS[$v]}
	[ "$v" = 1000000000000 ] && w="tiga triliun rupiah"
	t=$(txt "$tmp/t2/$(echo "$n" | tr / -).pdf" | tr -s ' \n' ' ')
	if grep -qF "Terbilang: $w" <<<"$t"; then
		ok "terbilang on the PDF, total $tot: $w"
	else
		bad "total $tot: '$w' not in $(grep -o 'Terbilang: [a-z ]*' <<<"$t")"
	fi
done

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all invoice PDF checks passed"
