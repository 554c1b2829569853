#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_notify.sh - notifications against real local peers: an SMTP server
# (python3-aiosmtpd) gets the invoice e-mail with its PDF, a WhatsApp
# gateway mock (python3 http.server) gets the message; a failing gateway
# leads to retries, then `failed`; after `tagih notify retry` exactly one
# delivery per event and channel.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
TAGIHD=$PWD/$BUILD/tagihd
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/tagih-n-XXXXXX)
pids=()
fails=0

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[ -n "${KEEP:-}" ] && trap - EXIT
die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }

[ -x "$TAGIHD" ] || die "$TAGIHD not built"
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP: python3-aiosmtpd missing"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }
"$TAGIH" notify --help >/dev/null 2>&1 || { echo "SKIP: tagih notify not built"; exit 77; }

base=$((11000 + $$ % 20000))	# below the ephemeral port range
SMTP_PORT=$base WA_PORT=$((base + 1))
mkdir -p "$tmp/mail" "$tmp/wa" "$tmp/pdf"

# --- peers ------------------------------------------------------------------
cat >"$tmp/smtp.py" <<'EOF'
import sys, time, itertools
from aiosmtpd.controller import Controller
out, port = sys.argv[1], int(sys.argv[2])
n = itertools.count()
class H:
    async def handle_DATA(self, server, session, envelope):
        with open(f"{out}/{next(n)}.eml", "wb") as f:
            f.write(envelope.content)
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=port)
c.start()
while True:
    time.sleep(3600)
EOF
cat >"$tmp/wa.py" <<'EOF'
import sys, os, itertools, http.server
out, port = sys.argv[1], int(sys.argv[2])
n = itertools.count()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if os.path.exists(out + "/../wa_fail"):
            self.send_response(500); self.end_headers(); return
        with open(f"{out}/{next(n)}.req", "wb") as f:
            f.write(b"AUTH " + self.headers.get("Authorization", "").encode() + b"\n" + body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status":true}')
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
$PY "$tmp/smtp.py" "$tmp/mail" $SMTP_PORT & pids+=($!)
$PY "$tmp/wa.py" "$tmp/wa" $WA_PORT & pids+=($!)

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
cat >"$CONF" <<EOF
operator_npwp = 01.234.567.8-901.000
db = $DB
operator_name = "RT RW Net Sejahtera"
public_url = http://127.0.0.1:1
smtp_url = smtp://127.0.0.1:$SMTP_PORT
smtp_from = tagihan@rtrw.example
wa_gateway_url = http://127.0.0.1:$WA_PORT/send
wa_gateway_token = wa-secret-token-$$
notify_retry_base = 1
notify_max_attempts = 3
invoice_pdf_dir = $tmp/pdf
EOF
chmod 600 "$CONF"
tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

# last month, billed now (the outbox only announces fresh invoices)
period=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)
tg plan add home --type flat --price 150000 >/dev/null || die "plan add"
tg sub add budi --name "Budi Santoso" --phone 0812-3456-7890 \
	--email budi@example.net --plan home --activated "$period-01" \
	>/dev/null || die "sub add"
tg invoice run --period "$period" >/dev/null || die "invoice run"
num=$(tg --json invoice list | jq -er '.[0].number') || die "no invoice"
total=$(tg --json invoice list | jq -er '.[0].total') || die "no invoice total"
# (an empty $num would make every grep -F "$num" below match anything)
[ -n "$num" ] && [ "$total" -gt 0 ] || die "invoice '$num' total '$total'"
# tagihd writes the PDF into invoice_pdf_dir itself (nothing is there yet)
PDF=$tmp/pdf/$(echo "$num" | tr / -).pdf
[ -e "$PDF" ] && die "$PDF exists before tagihd ran"

"$TAGIHD" --db "$DB" --config "$CONF" --listen 127.0.0.1:$((base + 2)) \
	>"$tmp/tagihd.log" 2>&1 & pids+=($!)

wait_for() {	# seconds, command...
	local t=$1
	shift
	for _ in $(seq $((t * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
nfiles() { find "$1" -type f | wc -l; }
has_files() { [ "$(nfiles "$1")" -ge 1 ]; }
has_msg() { [ "$(grep -l "$2" "$tmp"/$1 2>/dev/null | wc -l)" -ge 1 ]; }

# --- invoice issued: WhatsApp + e-mail with the PDF ---------------------------
wait_for 10 has_files "$tmp/wa" || bad "no WhatsApp call"
wait_for 10 has_files "$tmp/mail" || bad "no e-mail"
wa=$(cat "$tmp"/wa/*.req 2>/dev/null)
if grep -q "AUTH wa-secret-token-$$" <<<"$wa" &&
   grep -q '"target":"6281234567890"' <<<"$wa" &&
   grep -qF "$num" <<<"$wa" && grep -q "Halo Budi Santoso" <<<"$wa"; then
	ok "WhatsApp gateway got the invoice message (token, 62... number, Bahasa Indonesia)"
else
	bad "WhatsApp request: $wa"
fi
mail=$(cat "$tmp"/mail/*.eml 2>/dev/null)
if grep -q "^Subject: Tagihan $num" <<<"$mail" &&
   grep -q "^To: <budi@example.net>" <<<"$mail" &&
   grep -q "Content-Type: application/pdf" <<<"$mail" &&
   grep -q "filename=\"$(echo "$num" | tr / -).pdf\"" <<<"$mail"; then
	ok "SMTP server got the e-mail: subject, recipient, PDF attached"
else
	bad "e-mail: $(head -c 2000 <<<"$mail")"
fi
if [ -f "$PDF" ] && [ "$(stat -c %a "$PDF")" = 600 ] &&
   pdftotext -layout "$PDF" - 2>/dev/null | grep -q "TAGIHAN" &&
   pdftotext -layout "$PDF" - 2>/dev/null | grep -qF "$num"; then
	ok "tagihd wrote the invoice PDF into invoice_pdf_dir (0600, TAGIHAN, the number)"
else
	bad "no PDF written by tagihd at $PDF: $(ls -l "$tmp/pdf")"
fi

# --- a failing peer: retries, then failed -------------------------------------
touch "$tmp/wa_fail"
tg pay budi --amount "$total" --method transfer --ref TRF-$$ >/dev/null ||
	die "pay"
failed() {
	tg --json notify list --status failed |
		jq -e '[.[] | select(.event == "payment_received" and .channel == "whatsapp")] | length == 1' >/dev/null
}
if wait_for 20 failed; then
	n=$(tg --json notify list --status failed | jq '.[0].attempts')
	err=$(tg --json notify list --status failed | jq -r '.[0].last_error')
	[ "$n" = 3 ] && ok "failing gateway: 3 attempts with backoff, then failed ($err)" ||
		bad "failed after $n attempts"
else
	bad "payment message never failed: $(tg notify list)"
fi
wait_for 10 has_msg 'mail/*.eml' "Pembayaran diterima" ||
	bad "payment e-mail not sent while WhatsApp failed"
pmail=$(grep -l "^Subject: Pembayaran diterima" "$tmp"/mail/*.eml 2>/dev/null | head -1)
KPDF=$tmp/pdf/kuitansi-TRF-$$.pdf
if [ -n "$pmail" ] && grep -q "filename=\"kuitansi-TRF-$$.pdf\"" "$pmail" &&
   [ "$(stat -c %a "$KPDF" 2>/dev/null)" = 600 ] &&
   pdftotext -layout "$KPDF" - 2>/dev/null | grep -q "KUITANSI" &&
   pdftotext -layout "$KPDF" - 2>/dev/null | grep -qF "TRF-$$"; then
	ok "payment e-mail carries the receipt tagihd wrote (kuitansi-TRF-$$.pdf, 0600)"
else
	bad "payment e-mail without its receipt: $(ls -l "$tmp/pdf")"
fi

# --- recovery: one retry, one delivery, never twice ---------------------------
rm -f "$tmp/wa_fail"
id=$(tg --json notify list --status failed | jq -r '.[0].id')
tg notify retry "$id" >/dev/null || bad "notify retry $id"
wait_for 10 has_msg 'wa/*.req' "pembayaran sebesar" ||
	bad "retried message not delivered"
sleep 3	# give a duplicate every chance to show up
n_inv_wa=$(grep -l "sudah terbit" "$tmp"/wa/*.req | wc -l)
n_pay_wa=$(grep -l "pembayaran sebesar" "$tmp"/wa/*.req | wc -l)
n_inv_mail=$(grep -l "^Subject: Tagihan " "$tmp"/mail/*.eml | wc -l)
n_pay_mail=$(grep -l "^Subject: Pembayaran diterima" "$tmp"/mail/*.eml | wc -l)
if [ "$n_inv_wa$n_pay_wa$n_inv_mail$n_pay_mail" = 1111 ]; then
	ok "exactly one delivery per event and channel after recovery"
else
	bad "deliveries: invoice wa $n_inv_wa, payment wa $n_pay_wa, invoice mail $n_inv_mail, payment mail $n_pay_mail"
fi
st=$(tg --json notify list | jq -r '[.[] | .status] | unique | join(",")')
[ "$st" = sent ] && ok "every outbox record sent" || bad "outbox statuses: $st"

grep -qF "wa-secret-token-$$" "$tmp/tagihd.log" && bad "token in the log"
grep -qE "Budi|0812|budi@" "$tmp/tagihd.log" && bad "personal data in the log"
[ $fails = 0 ] || die "$fails check(s) failed"
echo "all notification checks passed"
