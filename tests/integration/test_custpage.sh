#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_custpage.sh - the customer page and payment links end to end: tagih
# makes the data and the link, tagihd serves the page on loopback, a mock
# gateway (python3) records what the pay button and `tagih invoice paylink`
# send, and headless Chromium renders the page on a phone-sized screen.
#
# Order ids: the first link of an invoice is the invoice number, the N-th
# one after it NUMBER-N (NUMBER, NUMBER-1, NUMBER-2, ...). Midtrans gets
# '/' as '~' (its order_id allows letters, digits and "-_~." only; the
# mock refuses anything else as Midtrans does).
# The screenshot is kept in $BUILD/test-artifacts/custpage-*.png.
# Exits 77 when chromium is missing (the rest has run by then).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
TAGIH=$TOP/$BUILD/tagih
TAGIHD=$TOP/$BUILD/tagihd
ART=$TOP/$BUILD/test-artifacts
tmp=$(mktemp -d /tmp/tagih-cp-XXXXXX)
pids=()
fails=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }

[ -x "$TAGIHD" ] || die "$TAGIHD not built"
[ -x "$TAGIH" ] || die "$TAGIH not built"
for t in curl jq python3 openssl; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
PORT=$((10000 + $$ % 20000))	# below the ephemeral port range
MPORT=$((PORT + 1))
URL=http://127.0.0.1:$PORT
MOCK=http://127.0.0.1:$MPORT
MID_KEY=SB-Mid-server-cp-$$
XND_KEY=xnd_development_cp_$$
TRP_API=DEV-tripay-api-$$
TRP_PRIV=tripay-priv-cp-$$
TRP_CODE=T0042
DK_CODE=D0042
DK_KEY=duitku-key-cp-$$
export TAGIH_NOW=2026-11-20T10:00+07:00

umask 077
cat >"$CONF" <<EOF
operator_npwp = 01.234.567.8-901.000
db = $DB
timezone = Asia/Jakarta
operator_name = RT/RW Net Sukamaju
operator_address = Jl. Melati 7, Bandung
due_days = 20
public_url = $URL
paylink_gateway = midtrans
midtrans_server_key = $MID_KEY
midtrans_api_url = $MOCK/midtrans
xendit_secret_key = $XND_KEY
xendit_api_url = $MOCK/xendit
tripay_api_key = $TRP_API
tripay_private_key = $TRP_PRIV
tripay_merchant_code = $TRP_CODE
tripay_method = BRIVA
tripay_api_url = $MOCK/tripay
duitku_merchant_code = $DK_CODE
duitku_api_key = $DK_KEY
duitku_method = BC
duitku_api_url = $MOCK/duitku
midtrans_status_url = $MOCK/midstatus
gateway_timeout = 3
EOF
chmod 0600 "$CONF"

tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

# --- the mock gateway: records every request, answers like the real API --
cat >"$tmp/mock.py" <<'EOF'
import json, re, sys, http.server, urllib.parse
log = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # Midtrans' status API: what truth.json (written by the test) says
        m = re.fullmatch(r"/midstatus/v2/([^/]+)/status", self.path)
        truth = {}
        try:
            truth = json.load(open(sys.argv[3]))
        except (OSError, ValueError):
            pass
        oid = urllib.parse.unquote(m.group(1)) if m else ""
        out = truth.get(oid, {"status_code": "404", "status_message": "Transaction doesn't exist."})
        b = json.dumps(out).encode()
        self.send_response(200 if m else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode()
        log.write(json.dumps({"path": self.path, "body": body,
                              "auth": self.headers.get("Authorization", ""),
                              "ctype": self.headers.get("Content-Type", "")}) + "\n")
        base = "http://127.0.0.1:%d" % self.server.server_port
        p = self.path
        if p == "/midtrans/snap/v1/transactions":
            oid = json.loads(body)["transaction_details"]["order_id"]
            if not re.fullmatch(r"[A-Za-z0-9_~.-]{1,50}", oid):
                code, out = 400, {"error_messages": ["transaction_details.order_id contains unauthorized symbols"]}
            else:
                code, out = 201, {"token": "tok", "redirect_url": base + "/pay/midtrans/" + urllib.parse.quote(oid, safe="")}
        elif p == "/xendit/v2/invoices":
            oid = json.loads(body)["external_id"]
            code, out = 200, {"id": "x1", "status": "PENDING", "invoice_url": base + "/pay/xendit/" + urllib.parse.quote(oid, safe="")}
        elif p == "/tripay/transaction/create":
            f = urllib.parse.parse_qs(body)
            code, out = 200, {"success": True, "message": "", "data": {"reference": "T1", "checkout_url": base + "/pay/tripay/" + urllib.parse.quote(f["merchant_ref"][0], safe="")}}
        elif p == "/duitku/webapi/api/merchant/v2/inquiry":
            oid = json.loads(body)["merchantOrderId"]
            code, out = 200, {"merchantCode": "D0042", "reference": "D1", "paymentUrl": base + "/pay/duitku/" + urllib.parse.quote(oid, safe=""), "statusCode": "00", "statusMessage": "SUCCESS"}
        else:
            code, out = 404, {"error_messages": ["no such endpoint"]}
        b = json.dumps(out).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
python3 "$tmp/mock.py" $MPORT "$tmp/mock.log" "$tmp/truth.json" &
pids+=($!)
for _ in $(seq 50); do	# any HTTP answer (501 to a GET) means it listens
	curl -s -o /dev/null "$MOCK/" && break
	sleep 0.1
done
curl -s -o /dev/null "$MOCK/" || die "mock gateway did not start on :$MPORT"

# --- billing data: two subscribers, usage, October invoices ---------------
tg plan add home --type flat --price 150000 >/dev/null || die "plan add home"
tg plan add lite --type flat --price 100000 >/dev/null || die "plan add lite"
tg sub add budi --name "Budi <Santoso>" --plan home --phone 081234567890 \
	--activated 2026-10-01 >/dev/null || die "sub add budi"
tg sub add sari --name "Sari Wulandari" --plan lite \
	--activated 2026-10-01 >/dev/null || die "sub add sari"
{
	echo "subscriber,start,up_bytes,down_bytes"
	for d in 03 07 12 19; do
		echo "budi,2026-11-${d}T20:00+07:00,250000000,1500000000"
	done
	echo "budi,2026-11-12T21:00+07:00,0,1000000000"
	echo "sari,2026-11-05T20:00+07:00,77700000,777000000"
} >"$tmp/usage.csv"
tg usage import "$tmp/usage.csv" >/dev/null || die "usage import"
TAGIH_NOW=2026-11-01T08:00+07:00 tg invoice run --period 2026-10 >/dev/null ||
	die "invoice run"
tg --json invoice list >"$tmp/inv.json" || die "invoice list"
inv_of() { jq -r --arg s "$1" '[.[] | select(.subscriber == $s)][0].number' "$tmp/inv.json"; }
B_NUM=$(inv_of budi)
S_NUM=$(inv_of sari)
[ -n "$B_NUM" ] && [ "$B_NUM" != null ] || die "no invoice for budi"
# 150.000 + 11% PPN; 100.000 + 11%
B_AMT="Rp 166.500" S_AMT="Rp 111.000"
# the order id Midtrans gets: '/' -> '~'
mid() { tr / '~' <<<"$1"; }

# --- links ----------------------------------------------------------------
B_URL=$(tg sub link budi) || die "sub link budi"
S_URL=$(tg sub link sari) || die "sub link sari"
case $B_URL in
"$URL"/c/???????????????????????????????????????????) ok "sub link prints public_url/c/<43-char token>" ;;
*) bad "sub link printed '$B_URL'" ;;
esac
[ "$(tg sub link budi)" = "$B_URL" ] && ok "sub link again prints the same link" ||
	bad "sub link changed the link"
B_TOK=${B_URL##*/}
if grep -rq "$B_TOK" "$CONF" 2>/dev/null; then bad "token in config"; fi

# --- tagihd -----------------------------------------------------------------
"$TAGIHD" --db "$DB" --config "$CONF" --listen 127.0.0.1:$PORT \
	>"$tmp/tagihd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	curl -sf "$URL/healthz" >/dev/null && break
	sleep 0.1
done
curl -sf "$URL/healthz" >/dev/null || die "tagihd did not start: $(cat "$tmp/tagihd.log")"

# fetch URL OUT -> HTTP status
fetch() { curl -s -o "$2" -w '%{http_code}' "${@:3}" "$1"; }

# --- budi's page ------------------------------------------------------------
st=$(fetch "$B_URL" "$tmp/b.html")
[ "$st" = 200 ] || die "budi's page: HTTP $st"
has() {	# file what needle...
	local f=$1 what=$2 n; shift 2
	for n in "$@"; do
		grep -qF -- "$n" "$f" || { bad "$what: '$n' missing"; return 1; }
	done
	ok "$what"
}
has "$tmp/b.html" "page: amount, due date, invoice number" \
	"$B_AMT" "21 November 2026" "$B_NUM" "Belum dibayar" "Jatuh tempo"
# usage: 4 x 1.75 GB + 1 GB = 8.00 GB; down 7.00, up 1.00
has "$tmp/b.html" "page: usage up/down/total in GB (Bahasa: decimal comma)" \
	'id="down">7,00 GB' 'id="up">1,00 GB' 'id="total">8,00 GB'
has "$tmp/b.html" "page: mobile viewport, inline SVG chart, pay form, no script" \
	'name="viewport"' '<svg' '<rect' 'method="post"' "/c/$B_TOK/pay"
grep -qi '<script' "$tmp/b.html" && bad "page has a script"
grep -qiE '(src|href)="https?://' "$tmp/b.html" && bad "page loads external assets"
has "$tmp/b.html" "page: the name is HTML-escaped" "Budi &lt;Santoso&gt;"
grep -qF "Budi <Santoso>" "$tmp/b.html" && bad "unescaped name in the page"
st=$(fetch "$B_URL?lang=en" "$tmp/b-en.html")
has "$tmp/b-en.html" "page ?lang=en: English words, decimal point" \
	"Current bill" "Due" "21 November 2026" 'id="total">8.00 GB' "$B_AMT"
grep -qF 'href="?lang=en"' "$tmp/b.html" && ok "page links to the English version" ||
	bad "no English switch"
hdrs=$(curl -sI "$B_URL")
grep -qi '^referrer-policy: no-referrer' <<<"$hdrs" &&
	grep -qi '^cache-control: no-store' <<<"$hdrs" &&
	grep -qi '^content-security-policy:' <<<"$hdrs" &&
	ok "page headers: no-referrer, no-store, CSP" || bad "page headers: $hdrs"

# --- PDF of budi's invoice ---------------------------------------------------
pdf_path=$(grep -o "/c/$B_TOK/invoice/[^\"]*\.pdf" "$tmp/b.html" | head -1)
st=$(fetch "$URL$pdf_path" "$tmp/b.pdf")
if [ "$st" = 200 ] && [ "$(head -c 5 "$tmp/b.pdf")" = "%PDF-" ]; then
	if command -v pdftotext >/dev/null; then
		pdftotext "$tmp/b.pdf" - | grep -qF "$B_NUM" &&
			ok "invoice PDF ($pdf_path) holds $B_NUM" ||
			bad "PDF without the invoice number"
	else
		ok "invoice PDF served"
	fi
else
	bad "PDF: HTTP $st"
fi

if command -v pdftotext >/dev/null; then
	fetch "$URL$pdf_path" "$tmp/b-id.pdf" >/dev/null
	fetch "$URL$pdf_path?lang=en" "$tmp/b-en.pdf" >/dev/null
	pdftotext -layout "$tmp/b-id.pdf" - | grep -q TAGIHAN &&
		pdftotext -layout "$tmp/b-en.pdf" - | grep -q INVOICE &&
		ok "the page's PDF follows its language (TAGIHAN, ?lang=en INVOICE)" ||
		bad "PDF language"
fi

# --- no data across subscribers ---------------------------------------------
st=$(fetch "$S_URL" "$tmp/s.html")
[ "$st" = 200 ] || bad "sari's page: HTTP $st"
has "$tmp/s.html" "sari's page shows her bill" "$S_AMT" "$S_NUM" 'id="total">0,85 GB'
leak=0
for n in "Budi" "$B_NUM" "$B_AMT" "8,00 GB" "$B_TOK"; do
	grep -qF -- "$n" "$tmp/s.html" && { bad "sari's page shows budi's '$n'"; leak=1; }
done
[ $leak = 0 ] && ok "sari's page: nothing of budi's"
S_TOK=${S_URL##*/}
st=$(fetch "$URL/c/$S_TOK/invoice/$B_NUM.pdf" "$tmp/x.pdf")
[ "$st" = 404 ] && ok "sari's link + budi's invoice PDF -> 404" ||
	bad "cross PDF: HTTP $st"
odd=0
for u in "$URL/c/${B_TOK%?}A" "$URL/c/${B_TOK%?}" "$URL/c/${B_TOK}A" \
	 "$URL/c/" "$URL/c/$B_TOK/nope" "$URL/c/$B_TOK/invoice/nope.pdf"; do
	st=$(fetch "$u" "$tmp/n.html")
	if [ "$st" != 404 ] || grep -qF -e "Budi" -e "$B_NUM" -e "Rp 166" "$tmp/n.html"; then
		# a neighbouring token may be budi's by chance only in 2^-6
		[ "$u" = "$URL/c/${B_TOK%?}A" ] && [ "${B_TOK: -1}" = A ] && continue
		bad "$u: HTTP $st or data"
		odd=1
	fi
done
[ $odd = 0 ] && ok "wrong, truncated and odd tokens -> 404 without data"

# --- phone + PIN -------------------------------------------------------------
# tagih sub pin keeps only a salted PBKDF2 hash; /login answers 303 to the
# subscriber's own page, one identical 401 for every kind of wrong, and
# 429 after 5 failures for a phone (or 30 from one address).
B_PIN=73915846		# 8 digits: would stand out in the store or the log
D_PIN=2580
tg sub add dewi --name "Dewi Lestari" --phone "+62 857-1111-2222" \
	--activated 2026-11-01 >/dev/null || die "sub add dewi"
tg sub pin budi --pin "$B_PIN" >/dev/null && ok "sub pin budi --pin" || bad "sub pin budi"
echo "$D_PIN" | tg sub pin dewi >/dev/null && ok "sub pin dewi (PIN on stdin)" ||
	bad "sub pin from stdin"
tg sub pin sari --pin 1234 >/dev/null 2>&1 && bad "PIN for a subscriber without a phone"
for p in 123 123456789 12a4 ""; do
	tg sub pin budi --pin "$p" >/dev/null 2>&1
	[ $? = 2 ] || bad "PIN '$p' accepted"
done
st=$(fetch "$URL/login" "$tmp/l.html")
[ "$st" = 200 ] && grep -qF 'name="phone"' "$tmp/l.html" &&
	grep -qF 'name="pin" type="password"' "$tmp/l.html" &&
	grep -qF "Nomor HP" "$tmp/l.html" && grep -qF 'name="viewport"' "$tmp/l.html" &&
	ok "GET /login: mobile form (phone, PIN), Bahasa Indonesia" || bad "GET /login: $st"
fetch "$URL/login?lang=en" "$tmp/l-en.html" >/dev/null
grep -qF "Phone number" "$tmp/l-en.html" && ok "GET /login?lang=en: English" ||
	bad "login page in English"
# login PHONE PIN [OUT] -> "status redirect_url"
login() {
	curl -s -o "${3:-/dev/null}" -w '%{http_code} %{redirect_url}' \
		--data-urlencode "phone=$1" --data-urlencode "pin=$2" "$URL/login"
}
all=1
for ph in 081234567890 +6281234567890 6281234567890 "0812-3456-7890"; do
	r=$(login "$ph" "$B_PIN")
	[ "$r" = "303 $B_URL" ] || { bad "login $ph: $r"; all=0; }
done
[ $all = 1 ] && ok "login 08…, +628…, 628…, 0812-… + right PIN -> 303 to budi's /c/ link"
curl -s -L -o "$tmp/lb.html" --data-urlencode phone=+6281234567890 \
	--data-urlencode "pin=$B_PIN" "$URL/login"
has "$tmp/lb.html" "login -> budi's page with his bill and usage" \
	"$B_AMT" "$B_NUM" 'id="total">8,00 GB'
r1=$(login 081234567890 11112222 "$tmp/w1.html")
r2=$(login 089999000111 "$B_PIN" "$tmp/w2.html")
r3=$(login "not a phone" "$B_PIN" "$tmp/w3.html")
r4=$(login 081234567890 "" "$tmp/w4.html")
if [ "$r1" = "401 " ] && [ "$r2" = "401 " ] && [ "$r3" = "401 " ] && [ "$r4" = "401 " ] &&
	cmp -s "$tmp/w1.html" "$tmp/w2.html" && cmp -s "$tmp/w1.html" "$tmp/w3.html" &&
	cmp -s "$tmp/w1.html" "$tmp/w4.html"; then
	ok "wrong PIN, unknown phone, bad phone, no PIN -> 401, identical bodies"
else
	bad "login failures: '$r1' '$r2' '$r3' '$r4' (bodies equal? $(cmp -s "$tmp/w1.html" "$tmp/w2.html" && echo y || echo n))"
fi
grep -qF -e Budi -e "$B_NUM" "$tmp/w1.html" && bad "failed login shows data"
# dewi has no link yet: the login makes one, the same `sub link` prints
r=$(login 085711112222 "$D_PIN")
D_URL=$(tg sub link dewi)
[ "${r%% *}" = 303 ] && [ "${r#* }" = "$D_URL" ] &&
	[ "$(fetch "$D_URL" "$tmp/d.html")" = 200 ] && grep -qF "Dewi Lestari" "$tmp/d.html" &&
	ok "login of a subscriber without a link makes one (= sub link)" ||
	bad "dewi login: $r, link $D_URL"
codes=
for i in 1 2 3 4 5; do
	codes+="$(login 085711112222 9999 | cut -d' ' -f1) "
done
r6=$(login +6285711112222 9999 "$tmp/l6.html" | cut -d' ' -f1)
r7=$(login 085711112222 "$D_PIN" | cut -d' ' -f1)
ra=$(curl -s -D - -o /dev/null --data-urlencode phone=085711112222 \
	--data-urlencode pin=9999 "$URL/login" | tr -d '\r' | sed -n 's/^[Rr]etry-[Aa]fter: //p')
[ "$codes" = "401 401 401 401 401 " ] && [ "$r6" = 429 ] && [ "$r7" = 429 ] &&
	[ -n "$ra" ] && [ "$ra" -gt 0 ] &&
	ok "5 wrong PINs -> 401; 6th try (any form of the number, right PIN too) -> 429, Retry-After $ra" ||
	bad "lockout: $codes then $r6, $r7, Retry-After '$ra'"
r=$(login 081234567890 "$B_PIN" | cut -d' ' -f1)
[ "$r" = 303 ] && ok "another phone still signs in" || bad "budi locked by dewi's failures: $r"
if grep -aqF "$B_PIN" "$DB/data.mdb" || grep -rqF -e "$B_PIN" -e "pin=" "$tmp/tagihd.log"; then
	bad "a PIN in the store or the log"
else
	ok "the PIN is in neither data.mdb nor tagihd's log"
fi
grep -qF -e 81234567890 -e 8571111 "$tmp/tagihd.log" && bad "a phone number in tagihd's log"
tg sub pin budi --clear >/dev/null || bad "sub pin --clear"
r=$(login 081234567890 "$B_PIN" "$tmp/w5.html" | cut -d' ' -f1)
[ "$r" = 401 ] && cmp -s "$tmp/w1.html" "$tmp/w5.html" &&
	ok "sub pin --clear: the old PIN -> the same 401" || bad "cleared PIN: $r"
[ "$(tg sub pin budi --clear)" = "subscriber 'budi' has no PIN" ] ||
	bad "second --clear"
# one address: 30 failures (any phones) -> 429 for every phone
n=0
for i in $(seq 10 60); do
	r=$(login "08110000$(printf %04d $i)" 1234 | cut -d' ' -f1)
	[ "$r" = 429 ] && break
	n=$((n + 1))
done
r=$(login 085711112222 "$D_PIN" | cut -d' ' -f1)
# 10 failures before the loop (4 kinds of wrong, 5 for dewi, 1 cleared;
# the 429s are not counted)
[ "$r" = 429 ] && [ $((n + 10)) = 30 ] &&
	ok "per-address limit: 429 after $n more failures from 127.0.0.1" ||
	bad "per-address limit: $n failures, then $r"

# --- pay button -> mock gateway ---------------------------------------------
: >"$tmp/mock.log"
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -X POST "$B_URL/pay")
if [[ $loc == "303 $MOCK/pay/midtrans/"* ]]; then
	ok "pay button -> 303 to the gateway's page"
else
	bad "pay button: $loc"
fi
req=$(tail -1 "$tmp/mock.log")
oid=$(jq -r '.body | fromjson | .transaction_details.order_id' <<<"$req")
amt=$(jq -r '.body | fromjson | .transaction_details.gross_amount' <<<"$req")
auth=$(jq -r .auth <<<"$req")
want_auth="Basic $(printf '%s:' "$MID_KEY" | base64 -w0)"
[ "$oid" = "$(mid "$B_NUM")" ] && [ "$amt" = 166500 ] && [ "$auth" = "$want_auth" ] &&
	ok "midtrans got order_id $oid, gross_amount $amt, basic auth server key" ||
	bad "midtrans request: order $oid amount $amt auth ok? $([ "$auth" = "$want_auth" ] && echo y || echo n)"

# --- tagih invoice paylink: every gateway, order ids NUM-1, NUM-2, NUM-3 ----
u=$(tg invoice paylink "$B_NUM" --gateway xendit) || bad "paylink xendit"
req=$(tail -1 "$tmp/mock.log")
[ "$(jq -r '.body | fromjson | .external_id' <<<"$req")" = "$B_NUM-1" ] &&
	[ "$(jq -r '.body | fromjson | .amount' <<<"$req")" = 166500 ] &&
	[ "$(jq -r .auth <<<"$req")" = "Basic $(printf '%s:' "$XND_KEY" | base64 -w0)" ] &&
	[[ $u == "$MOCK/pay/xendit/"* ]] &&
	ok "xendit: external_id $B_NUM-1, amount, basic auth; printed $u" ||
	bad "xendit request: $req -> $u"

u=$(tg invoice paylink "$B_NUM" --gateway tripay) || bad "paylink tripay"
req=$(tail -1 "$tmp/mock.log")
form() { jq -r .body <<<"$req" | tr '&' '\n' | sed -n "s/^$1=//p" | python3 -c 'import sys,urllib.parse;print(urllib.parse.unquote_plus(sys.stdin.read().strip()))'; }
ref=$(form merchant_ref)
sig=$(form signature)
want=$(printf '%s' "$TRP_CODE$ref"166500 | openssl dgst -sha256 -hmac "$TRP_PRIV" -r | cut -d' ' -f1)
[ "$ref" = "$B_NUM-2" ] && [ "$sig" = "$want" ] && [ "$(form amount)" = 166500 ] &&
	[ "$(form method)" = BRIVA ] &&
	[ "$(jq -r .auth <<<"$req")" = "Bearer $TRP_API" ] &&
	ok "tripay: merchant_ref $ref, HMAC-SHA256 signature, Bearer API key" ||
	bad "tripay request: ref $ref sig $sig want $want"

u=$(tg invoice paylink "$B_NUM" --gateway duitku) || bad "paylink duitku"
req=$(tail -1 "$tmp/mock.log")
d_oid=$(jq -r '.body | fromjson | .merchantOrderId' <<<"$req")
d_sig=$(jq -r '.body | fromjson | .signature' <<<"$req")
want=$(printf '%s' "$DK_CODE${d_oid}166500$DK_KEY" | openssl dgst -md5 -r | cut -d' ' -f1)
[ "$d_oid" = "$B_NUM-3" ] && [ "$d_sig" = "$want" ] &&
	[ "$(jq -r '.body | fromjson | .paymentAmount' <<<"$req")" = 166500 ] &&
	ok "duitku: merchantOrderId $d_oid, MD5 signature" ||
	bad "duitku request: $d_oid $d_sig want $want"

# sari: twice through the default gateway -> NUMBER, then NUMBER-1
tg invoice paylink "$S_NUM" >/dev/null || bad "paylink sari 1"
o1=$(tail -1 "$tmp/mock.log" | jq -r '.body | fromjson | .transaction_details.order_id')
tg invoice paylink "$S_NUM" >/dev/null || bad "paylink sari 2"
o2=$(tail -1 "$tmp/mock.log" | jq -r '.body | fromjson | .transaction_details.order_id')
[ "$o1" = "$(mid "$S_NUM")" ] && [ "$o2" = "$(mid "$S_NUM")-1" ] &&
	ok "invoice paylink twice -> order ids $o1 then $o2" ||
	bad "paylink order ids: $o1, $o2"
tg invoice paylink "$S_NUM" --gateway nope >/dev/null 2>&1
[ $? = 2 ] && ok "unknown gateway -> usage error" || bad "unknown gateway accepted"

# the gateway pays sari's second link: her page shows it paid
gross=111000.00
sk=$(printf '%s' "${o2}200${gross}${MID_KEY}" | openssl dgst -sha512 -r | cut -d' ' -f1)
body=$(jq -cn --arg o "$o2" --arg g "$gross" --arg s "$sk" \
	'{transaction_status:"settlement",transaction_id:"cp-txn-1",status_code:"200",
	  signature_key:$s,order_id:$o,gross_amount:$g,fraud_status:"accept",currency:"IDR"}')
# what Midtrans' status API confirms (tagihd asks before booking)
jq -n --arg o "$o2" --arg g "$gross" '{($o): {status_code:"200",
	transaction_status:"settlement", transaction_id:"cp-txn-1", order_id:$o,
	gross_amount:$g, fraud_status:"accept", currency:"IDR"}}' >"$tmp/truth.json"
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "$body" "$URL/webhooks/midtrans")
fetch "$S_URL" "$tmp/s2.html" >/dev/null
[ "$st" = 200 ] && grep -qF 'id="amount">Rp 0' "$tmp/s2.html" && grep -qF "Lunas" "$tmp/s2.html" &&
	ok "webhook for $o2 -> sari's page: Rp 0, Lunas" || bad "after webhook: HTTP $st"
st=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$S_URL/pay")
[ "$st" = 409 ] && ok "pay with nothing open -> 409, no gateway call" || bad "pay nothing: $st"

# --- revoke -----------------------------------------------------------------
tg sub link budi --revoke >/dev/null || bad "revoke"
for u in "$B_URL" "$B_URL/invoice/$B_NUM.pdf"; do
	st=$(fetch "$u" "$tmp/r.html")
	if [ "$st" = 404 ] && ! grep -qF -e "Budi" -e "$B_NUM" -e "$B_AMT" -e "GB" "$tmp/r.html"; then
		:
	else
		bad "revoked $u: HTTP $st"
	fi
done
st=$(curl -s -o "$tmp/r.html" -w '%{http_code}' -X POST "$B_URL/pay")
n=$(wc -l <"$tmp/mock.log")
[ "$st" = 404 ] && ok "revoked link: page, PDF and pay -> 404 without data" ||
	bad "revoked pay: $st"
[ "$(wc -l <"$tmp/mock.log")" = "$n" ] || bad "revoked link reached the gateway"
B_URL2=$(tg sub link budi)
[ "$B_URL2" != "$B_URL" ] && [ "$(fetch "$B_URL2" /dev/null)" = 200 ] &&
	ok "a new link after revoke works, the old one stays dead" || bad "relink"
grep -qF "$B_TOK" "$tmp/tagihd.log" && bad "token in tagihd's log"
grep -qF -e "$MID_KEY" -e "$XND_KEY" -e "$TRP_PRIV" -e "$DK_KEY" "$tmp/tagihd.log" &&
	bad "secret in tagihd's log"

# --- the pay button: one new transaction per invoice per 60 s ----------------
# (budi's last link is the duitku one above: another gateway, so a new one)
pay() { curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -X POST "$1/pay"; }
n0=$(wc -l <"$tmp/mock.log")
p1=$(pay "$B_URL2")
p2=$(pay "$B_URL2")
p3=$(pay "$B_URL2")
n1=$(wc -l <"$tmp/mock.log")
o4=$(tail -1 "$tmp/mock.log" | jq -r '.body | fromjson | .transaction_details.order_id')
[[ $p1 == "303 $MOCK/pay/midtrans/"* ]] && [ "$p2" = "$p1" ] && [ "$p3" = "$p1" ] &&
	[ $((n1 - n0)) = 1 ] && [ "$o4" = "$(mid "$B_NUM")-4" ] &&
	ok "pay pressed 3 times within a minute -> one transaction ($o4), the same 303 each time" ||
	bad "pay repeated: '$p1' '$p2' '$p3', $((n1 - n0)) gateway calls, order $o4"
# a minute later (a second tagihd on the same store with a later clock)
PORT2=$((PORT + 2))
TAGIH_NOW=2026-11-20T10:01:00+07:00 "$TAGIHD" --db "$DB" --config "$CONF" \
	--listen 127.0.0.1:$PORT2 >"$tmp/tagihd2.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$PORT2/healthz" >/dev/null && break
	sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT2/healthz" >/dev/null ||
	bad "second tagihd did not start: $(cat "$tmp/tagihd2.log")"
p4=$(pay "http://127.0.0.1:$PORT2/c/${B_URL2##*/}")
o5=$(tail -1 "$tmp/mock.log" | jq -r '.body | fromjson | .transaction_details.order_id')
[[ $p4 == "303 $MOCK/pay/midtrans/"* ]] && [ "$p4" != "$p1" ] &&
	[ "$o5" = "$(mid "$B_NUM")-5" ] &&
	ok "60 s later the button makes a new transaction ($o5)" ||
	bad "pay after a minute: '$p4', order $o5"

# --- no gateway: the bank-transfer text; isolir headline; quota ---------------
# A store of its own, and a tagihd whose config names no gateway keys: no
# pay button, the bank_transfer text with the invoice number to quote.
# rudi started mid-October: his October invoice (prorated) is past grace
# on 10 December and he is isolated, while his November one is not due
# yet; the headline is what lifts the isolir (October), not the newest.
# kiki is on a 10 GB quota plan: quota left, and November's (billed)
# usage beside December's.
DB3=$tmp/db3
"$TAGIH" init --db "$DB3" >/dev/null || die "tagih init --db $DB3"
CONF3=$tmp/tagih3.conf
PORT3=$((PORT + 3))
URL3=http://127.0.0.1:$PORT3
BANK="BRI 0123-01-000456-30-7 a.n. Koperasi Net Sukamaju"
printf '%s\n' "db = $DB3" "timezone = Asia/Jakarta" \
	"operator_name = Koperasi Net Sukamaju" "tax_mode = none" \
	"due_days = 20" "grace_days = 3" "public_url = $URL3" \
	"bank_transfer = $BANK" >"$CONF3"
chmod 0600 "$CONF3"
tg3() { "$TAGIH" --db "$DB3" --config "$CONF3" "$@"; }
rp() { python3 -c 'import sys; print("Rp " + format(int(sys.argv[1]), ",").replace(",", "."))' "$1"; }
tg3 init >/dev/null || die "init (3)"	# stores are made on purpose now
tg3 plan add home --type flat --price 150000 >/dev/null || die "plan home (3)"
tg3 plan add kuota --type hybrid --price 100000 --quota-gb 10 --per-gb 1000 >/dev/null ||
	die "plan kuota (3)"
tg3 sub add rudi --name "Rudi" --plan home --activated 2026-10-16 >/dev/null || die "sub rudi"
tg3 sub add kiki --name "Kiki" --plan kuota --activated 2026-11-01 >/dev/null || die "sub kiki"
printf 'subscriber,start,up_bytes,down_bytes\nkiki,2026-11-15T20:00+07:00,0,12000000000\nkiki,2026-12-05T20:00+07:00,500000000,3000000000\n' >"$tmp/u3.csv"
tg3 usage import "$tmp/u3.csv" >/dev/null || die "usage import (3)"
TAGIH_NOW=2026-11-01T08:00+07:00 tg3 invoice run --period 2026-10 >/dev/null || die "run 2026-10 (3)"
TAGIH_NOW=2026-12-01T08:00+07:00 tg3 invoice run --period 2026-11 >/dev/null || die "run 2026-11 (3)"
TAGIH_NOW=2026-12-10T08:00+07:00 tg3 dunning run >/dev/null || die "dunning run (3)"
[ "$(tg3 sub show rudi --json | jq -r .status)" = suspended ] && ok "rudi is isolated on 10 December" ||
	bad "rudi not suspended: $(tg3 sub show rudi --json | jq -c .status)"
tg3 --json invoice list --sub rudi >"$tmp/r3.json"
R_OCT=$(jq -r '.[] | select(.period == "2026-10") | .number' "$tmp/r3.json")
R_OCT_T=$(jq -r '.[] | select(.period == "2026-10") | .total' "$tmp/r3.json")
R_NOV=$(jq -r '.[] | select(.period == "2026-11") | .number' "$tmp/r3.json")
R_NOV_T=$(jq -r '.[] | select(.period == "2026-11") | .total' "$tmp/r3.json")
[ -n "$R_OCT" ] && [ -n "$R_NOV" ] && [ "$R_OCT_T" != "$R_NOV_T" ] ||
	die "rudi's invoices: $(cat "$tmp/r3.json")"
R_URL=$(tg3 sub link rudi) && K_URL=$(tg3 sub link kiki) || die "sub link (3)"
TAGIH_NOW=2026-12-10T10:00:00+07:00 "$TAGIHD" --db "$DB3" --config "$CONF3" \
	--listen 127.0.0.1:$PORT3 >"$tmp/tagihd3.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	curl -sf "$URL3/healthz" >/dev/null && break
	sleep 0.1
done
curl -sf "$URL3/healthz" >/dev/null || die "third tagihd did not start: $(cat "$tmp/tagihd3.log")"
fetch "$R_URL" "$tmp/r3.html" >/dev/null
has "$tmp/r3.html" "isolated: the headline is what lifts the isolir (October), not the newest invoice" \
	"id=\"amount\">$(rp "$R_OCT_T")</p>" 'id="lift"' "1 tagihan lewat masa tenggang" 'id="suspended"'
grep -qF "id=\"amount\">$(rp "$R_NOV_T")<" "$tmp/r3.html" &&
	bad "isolated headline shows the newest invoice ($R_NOV)"
grep -qF 'id="outstanding"' "$tmp/r3.html" &&
	grep -qF "$(rp $((R_OCT_T + R_NOV_T)))" "$tmp/r3.html" &&
	ok "the total owed is still shown below it" || bad "no outstanding total"
if grep -qF 'id="pay"' "$tmp/r3.html" || grep -qF '/pay' "$tmp/r3.html"; then
	bad "no gateway configured, yet a pay button"
else
	ok "no gateway configured: no pay button"
fi
has "$tmp/r3.html" "no gateway: the bank-transfer text with the number to quote (the oldest)" \
	'id="transfer"' "$BANK" "berita / referensi transfer:" "id=\"ref\">$R_OCT</b>"
st=$(curl -s -o "$tmp/p3.html" -w '%{http_code}' -X POST "$R_URL/pay")
[ "$st" = 409 ] && grep -qF "Pembayaran online belum tersedia" "$tmp/p3.html" &&
	ok "POST /pay without a gateway -> 409, no 502" || bad "pay without gateway: HTTP $st"
# what the headline says lifts it: pay exactly that, the isolir is lifted
TAGIH_NOW=2026-12-10T10:05+07:00 tg3 pay rudi --amount "$R_OCT_T" --method transfer \
	--ref TRF-RUDI-1 >/dev/null || bad "pay rudi"
[ "$(tg3 sub show rudi --json | jq -r .status)" = active ] &&
	ok "paying the headline amount lifts the isolir" ||
	bad "rudi still suspended after paying $R_OCT_T"
fetch "$R_URL" "$tmp/r4.html" >/dev/null
has "$tmp/r4.html" "restored: the headline is the November invoice again" \
	"id=\"amount\">$(rp "$R_NOV_T")</p>" "id=\"ref\">$R_NOV</b>"
grep -qF 'id="lift"' "$tmp/r4.html" && bad "restored, still the isolir headline"
# quota left, and the billed period's usage beside the current one
fetch "$K_URL" "$tmp/k3.html" >/dev/null
has "$tmp/k3.html" "quota plan: quota left this period" \
	'id="quota"' 'Sisa kuota: <b id="quota-left">6,50 GB</b> dari 10,00 GB'
has "$tmp/k3.html" "billed period's usage beside the current one" \
	'id="now-total">3,50 GB' 'November 2026 (tertagih)' 'id="billed">12,00 GB'
fetch "$K_URL?lang=en" "$tmp/k3-en.html" >/dev/null
has "$tmp/k3-en.html" "quota and periods in English" "Quota left" "November 2026 (billed)"
grep -qF 'id="quota"' "$tmp/r3.html" && bad "a flat plan shows a quota"
# the gateway's tagihd (budi's page) still has the button and no 'Faktur'
fetch "$B_URL2" "$tmp/b5.html" >/dev/null
grep -qF 'id="pay"' "$tmp/b5.html" && ok "gateway configured: the pay button is there" ||
	bad "no pay button with midtrans configured"
grep -qi 'faktur' "$tmp/b5.html" "$tmp/r3.html" && bad "the page says Faktur"

# --- headless Chromium on a phone-sized screen --------------------------------
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	echo "SKIP (browser part): $CHROMIUM not installed (apt-get install chromium,"
	echo "      or make deps); everything above ran"
	[ $fails = 0 ] && exit 77 || exit 1
fi
mkdir -p "$ART"
shot=$ART/custpage-budi.png
rm -f "$shot"
prof=$(mktemp -d "$tmp/chrome-XXXXXX")
timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$prof" --window-size=390,844 \
	--hide-scrollbars --screenshot="$shot" --dump-dom "$B_URL2" \
	>"$tmp/dom.html" 2>"$tmp/chrome.err"
has "$tmp/dom.html" "chromium DOM: amount, due date, usage" \
	"$B_AMT" "21 November 2026" 'id="total">8,00 GB' 'id="down">7,00 GB'
grep -q '<rect' "$tmp/dom.html" && ok "chromium DOM: chart bars" || bad "no chart in DOM"
if [ -s "$shot" ] && [ "$(head -c 4 "$shot" | tail -c 3)" = PNG ]; then
	ok "screenshot 390x844 kept: $shot"
else
	bad "no screenshot ($(tail -3 "$tmp/chrome.err"))"
fi
timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$prof" --window-size=390,844 \
	--hide-scrollbars --screenshot="$ART/custpage-budi-en.png" \
	"$B_URL2?lang=en" >/dev/null 2>&1
# kiki (quota, billed period, bank transfer without a gateway)
timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$prof" --window-size=390,844 \
	--hide-scrollbars --screenshot="$ART/custpage-quota-transfer.png" \
	"$K_URL" >/dev/null 2>&1

[ $fails = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all customer page checks passed"
