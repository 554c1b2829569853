#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_prepaid_page.sh - issue 12: buying again from the customer page
# through the gateway. tagihd on loopback and a mock Midtrans (records the
# request, answers as the Snap API does); the webhook is signed as
# Midtrans documents it. The order is one receipt, pressed twice it is
# the same one; the paid webhook extends masa aktif from the current
# expiry once (a retry of the same notification changes nothing).
set -u -o pipefail
. "$(dirname "$0")/gwmock.sh"	# the gateways' status APIs (confirmation)
BUILD=${BUILD:-build}
TAGIH=$BUILD/tagih
TAGIHD=$BUILD/tagihd
tmp=$(mktemp -d /tmp/tagih-pp.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	gwmock_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

[ -x "$TAGIHD" ] && [ -x "$TAGIH" ] || { echo "SKIP: not built"; exit 77; }
for t in curl jq python3 sha512sum; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
PORT=$((10000 + $$ % 20000))
MPORT=$((PORT + 1))
WPORT=$((PORT + 2))
SPORT=$((PORT + 3))
URL=http://127.0.0.1:$PORT
MOCK=http://127.0.0.1:$MPORT
MID_KEY=SB-Mid-server-pp-$$
export TAGIH_NOW=2026-11-20T10:00+07:00
DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init"; exit 1; }
CONF=$tmp/tagih.conf
umask 077
cat >"$CONF" <<EOC
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
public_url = $URL
paylink_gateway = midtrans
midtrans_server_key = $MID_KEY
midtrans_api_url = $MOCK/midtrans
midtrans_status_url = http://127.0.0.1:$SPORT
EOC
tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

cat >"$tmp/mock.py" <<'EOP'
import json, re, sys, http.server, urllib.parse
log = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        log.write(body + "\n")
        oid = json.loads(body)["transaction_details"]["order_id"]
        code = 201 if re.fullmatch(r"[A-Za-z0-9_~.-]{1,50}", oid) else 400
        out = {"token": "t", "redirect_url": "http://127.0.0.1:%d/pay/%s" %
               (self.server.server_port, urllib.parse.quote(oid, safe=""))}
        b = json.dumps(out).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOP
python3 "$tmp/mock.py" $MPORT "$tmp/mock.log" &
pids+=($!)
# a WhatsApp HTTP gateway that keeps every message
mkdir -p "$tmp/wa"
cat >"$tmp/wa.py" <<'EOP'
import sys, itertools, http.server
out, port = sys.argv[1], int(sys.argv[2])
n = itertools.count()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(f"{out}/{next(n)}.req", "wb") as f:
            f.write(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status":true}')
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
EOP
python3 "$tmp/wa.py" "$tmp/wa" $WPORT &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "$MOCK/" && break; sleep 0.1; done

GWM_DIR=$tmp
gwmock_start $SPORT || die "the status API mock did not start"
mkdir -p "$DB"
tg plan add pra30 --type prepaid --price 100000 --days 30 >/dev/null || die "plan add"
tg sub add andi --name Andi --plan pra30 --phone 081234567890 >/dev/null || die "sub add"
tg pay andi --amount 111000 --method cash --ref k1 >/dev/null || die "first purchase"
EXP1=$(tg prepaid show andi --json | jq -r .expires)
TOK=$(tg sub link andi --json | jq -r .url | sed 's|.*/c/||')

"$TAGIHD" --db "$DB" --config "$CONF" --listen 127.0.0.1:$PORT 2>"$tmp/tagihd.log" &
pids+=($!)
for _ in $(seq 50); do curl -sf -o /dev/null "$URL/healthz" && break; sleep 0.1; done
curl -sf "$URL/healthz" >/dev/null || die "tagihd did not start"

curl -sf "$URL/c/$TOK" -o "$tmp/page.html" || die "customer page"
grep -q 'id="expires"' "$tmp/page.html" && grep -q '20 Desember 2026' "$tmp/page.html" ||
	die "the page does not show masa aktif until 20 Desember 2026"
grep -q 'id="buy"' "$tmp/page.html" && grep -q 'Rp 111.000' "$tmp/page.html" ||
	die "no buy-again button with the price"
ok "the page shows masa aktif until 20 Desember 2026 and 'Beli lagi' at Rp 111.000"

buy() { curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -X POST "$URL/c/$TOK/buy"; }
r1=$(buy); r2=$(buy)
[ "${r1%% *}" = 303 ] || die "buy: $r1"
[ "$r1" = "$r2" ] || die "pressed twice: '$r1' then '$r2' (want the same link)"
ORDER=$(tg invoice list --json | jq -r '.[] | select(.status == "issued") | .number')
[ "$ORDER" = KW/2026/11/000002 ] || die "the order is '$ORDER', want KW/2026/11/000002"
OID=$(head -1 "$tmp/mock.log" | jq -r .transaction_details.order_id)
GROSS=$(head -1 "$tmp/mock.log" | jq -r .transaction_details.gross_amount)
[ "$OID" = "KW~2026~11~000002" ] && [ "$GROSS" = 111000 ] ||
	die "gateway got order $OID for $GROSS"
[ "$(wc -l <"$tmp/mock.log")" = 1 ] || die "two transactions opened for one order"
tg balance andi --json | jq -e '.open == 0' >/dev/null || die "an unpaid order counts as owed"
ok "buy -> 303 to the gateway; order $ORDER (Rp $GROSS), the same link when pressed again"

truth_midtrans "$OID" "$GROSS" pp-txn-1	# what the status API confirms
SIG=$(printf '%s' "${OID}200${GROSS}.00${MID_KEY}" | sha512sum | cut -d' ' -f1)
BODY=$(jq -cn --arg o "$OID" --arg g "$GROSS.00" --arg s "$SIG" \
	'{transaction_status:"settlement",transaction_id:"pp-txn-1",status_code:"200",
	  signature_key:$s,order_id:$o,gross_amount:$g,fraud_status:"accept",currency:"IDR"}')
for i in 1 2; do	# gateways retry: the second changes nothing
	st=$(curl -s -o "$tmp/wh" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "$BODY" "$URL/webhooks/midtrans")
	[ "$st" = 200 ] || die "webhook $i: HTTP $st $(cat "$tmp/wh")"
done
EXP2=$(tg prepaid show andi --json | jq -r .expires)
[ $((EXP2 - EXP1)) = $((30 * 86400)) ] || die "webhook extended by $((EXP2 - EXP1)) s, want 30 days from the expiry"
tg invoice list --json | jq -e '[.[] | select(.number == "'"$ORDER"'")][0].status == "paid"' >/dev/null ||
	die "the order is not paid"
[ "$(tg prepaid show andi --json | jq -r .purchases)" = 2 ] || die "granted twice"
tg fsck >/dev/null || die "fsck"
ok "paid webhook (twice): extended once by 30 days from the current expiry, receipt paid, fsck clean"

# ------------------------------- a quota pack bought through the page ---
tg plan add kuota5 --type prepaid --price 50000 --days 30 --quota-gb 5 >/dev/null || die "plan kuota5"
tg pack add extra2 --gb 2 --price 10000 --days 7 >/dev/null || die "pack add"
tg sub add bela --name Bela --plan kuota5 >/dev/null || die "sub add bela"
tg pay bela --amount 55500 --method cash --ref b1 >/dev/null || die "bela buys"
BTOK=$(tg sub link bela --json | jq -r .url | sed 's|.*/c/||')
curl -sf "$URL/c/$BTOK" -o "$tmp/bpage.html" || die "bela's page"
grep -q 'action="/c/'"$BTOK"'/pack/extra2' "$tmp/bpage.html" && grep -q 'Rp 11.100' "$tmp/bpage.html" ||
	die "no pack button (extra2, Rp 11.100) on a quota subscriber's page"
r=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/c/$BTOK/pack/extra2")
[ "$r" = 303 ] || die "pack buy: HTTP $r"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/c/$BTOK/pack/nope")" = 404 ] ||
	die "an unknown pack is not a 404"
OID=$(tail -1 "$tmp/mock.log" | jq -r .transaction_details.order_id)
GROSS=$(tail -1 "$tmp/mock.log" | jq -r .transaction_details.gross_amount)
[ "$GROSS" = 11100 ] || die "pack order for $GROSS"
truth_midtrans "$OID" "$GROSS" pp-txn-2
SIG=$(printf '%s' "${OID}200${GROSS}.00${MID_KEY}" | sha512sum | cut -d' ' -f1)
BODY=$(jq -cn --arg o "$OID" --arg g "$GROSS.00" --arg s "$SIG" \
	'{transaction_status:"settlement",transaction_id:"pp-txn-2",status_code:"200",
	  signature_key:$s,order_id:$o,gross_amount:$g,fraud_status:"accept",currency:"IDR"}')
st=$(curl -s -o "$tmp/wh" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "$BODY" "$URL/webhooks/midtrans")
[ "$st" = 200 ] || die "pack webhook: HTTP $st $(cat "$tmp/wh")"
tg prepaid show bela --json | jq -e '.quota.left_bytes == 7000000000' >/dev/null ||
	die "quota after the pack: $(tg prepaid show bela --json | jq -c .quota)"
ok "pack bought on the page through the gateway: quota 5 GB + 2 GB"

# ---------------------------------- the reminder, sent once by tagihd ---
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null; unset 'pids[-1]'	# tagihd
cat >>"$CONF" <<EOC
wa_gateway_url = http://127.0.0.1:$WPORT/send
prepaid_reminder_days = 3
EOC
# masa aktif now ends 2027-01-19T10:00+07:00
r1=$(tg dunning run --now 2027-01-16T09:00+07:00 --json | jq .reminders)
r2=$(tg dunning run --now 2027-01-16T09:30+07:00 --json | jq .reminders)
[ "$r1 $r2" = "1 0" ] || die "reminders per run: $r1 $r2, want 1 0"
TAGIH_NOW=2027-01-16T09:31+07:00 "$TAGIHD" --db "$DB" --config "$CONF" \
	--listen 127.0.0.1:$PORT 2>"$tmp/tagihd2.log" &
pids+=($!)
nrem() { grep -l "masa aktif internet Anda habis 3 hari lagi" "$tmp"/wa/*.req 2>/dev/null | wc -l; }
for _ in $(seq 100); do [ "$(nrem)" -ge 1 ] && break; sleep 0.1; done
[ "$(nrem)" = 1 ] || die "no WhatsApp 'masa aktif habis 3 hari lagi' ($(cat "$tmp"/wa/*.req 2>/dev/null))"
tg dunning run --now 2027-01-16T10:00+07:00 >/dev/null || die "dunning again"
sleep 3	# every chance for a duplicate
[ "$(nrem)" = 1 ] || die "the reminder went out $(nrem) times"
tg notify list --json | jq -e '[.[] | select(.event == "prepaid_expiring")] | length == 1 and .[0].status == "sent"' >/dev/null ||
	die "outbox: $(tg notify list --json | jq -c '[.[] | select(.event == "prepaid_expiring")]')"
ok "reminder 'masa aktif habis 3 hari lagi' sent once over three dunning runs"
echo "5 passed, 0 failed"
