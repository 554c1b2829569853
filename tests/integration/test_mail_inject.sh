#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_mail_inject.sh - an e-mail address that would add an SMTP recipient
# ("victim@example.net>\r\nRCPT TO:<spy@evil.example") is refused by
# `tagih sub add/set --email` with nothing written (md5 of data.mdb), and
# one already in the store (written before the check, or edited by hand;
# here put there with mdb_load) never reaches the SMTP server (an
# aiosmtpd that records every RCPT): tagihd checks again before sending
# and marks the message failed. A valid address on the same server gets
# its mail, so the server was listening.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
TAGIHD=$PWD/$BUILD/tagihd
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/tagih-mi-XXXXXX)
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
die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }

[ -x "$TAGIHD" ] || die "$TAGIHD not built"
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP: python3-aiosmtpd missing"; exit 77; }
for t in jq md5sum mdb_dump mdb_load; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

SMTP_PORT=$((13000 + $$ % 20000))
mkdir -p "$tmp/mail"
# every RCPT the server is given, whether or not a message follows
cat >"$tmp/smtp.py" <<'EOF'
import sys, time, itertools
from aiosmtpd.controller import Controller
out, port = sys.argv[1], int(sys.argv[2])
n = itertools.count()
class H:
    async def handle_RCPT(self, server, session, envelope, address, opts):
        with open(out + "/rcpt.log", "a") as f:
            f.write(address + "\n")
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        with open(f"{out}/{next(n)}.eml", "wb") as f:
            f.write(b"X-Rcpt: " + ",".join(envelope.rcpt_tos).encode() + b"\n")
            f.write(envelope.content)
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=port)
c.start()
while True:
    time.sleep(3600)
EOF
$PY "$tmp/smtp.py" "$tmp/mail" $SMTP_PORT & pids+=($!)

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
cat >"$CONF" <<EOF
db = $DB
operator_name = "RT RW Net Aman"
operator_npwp = 01.234.567.8-901.000
public_url = http://127.0.0.1:1
smtp_url = smtp://127.0.0.1:$SMTP_PORT
smtp_from = tagihan@rtrw.example
notify_retry_base = 1
notify_max_attempts = 1
EOF
chmod 600 "$CONF"
tg() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }
md5() { md5sum "$DB/data.mdb" | cut -d' ' -f1; }

period=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)
tg plan add home --type flat --price 150000 >/dev/null || die "plan add"
tg sub add ana --name "Ana Wijaya" --email ana.w@example.net --plan home \
	--activated "$period-01" >/dev/null || die "sub add ana"

# --- refused at the CLI, nothing written ----------------------------------
INJ=$'victim@example.net>\r\nRCPT TO:<spy@evil.example'
n=0
for e in "$INJ" $'victim@example.net\nBcc: spy@evil.example' \
	 $'victim@example.net\r' 'victim@example.net>' '<victim@example.net>' \
	 'victim@example.net> RCPT TO:<spy@evil.example' 'two@@example.net'; do
	before=$(md5)
	tg sub add "bad$n" --name "Bad $n" --email "$e" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = 2 ] && [ "$(md5)" = "$before" ] && grep -q "not a usable address" "$tmp/out" &&
	   ! grep -q "spy" "$tmp/out"; then
		:
	else
		bad "sub add --email $(printf '%q' "$e"): exit $rc, store $( [ "$(md5)" = "$before" ] && echo unchanged || echo CHANGED): $(cat "$tmp/out")"
	fi
	before=$(md5)
	tg sub set ana --email "$e" >"$tmp/out" 2>&1
	rc=$?
	[ $rc = 2 ] && [ "$(md5)" = "$before" ] ||
		bad "sub set --email $(printf '%q' "$e"): exit $rc, store $( [ "$(md5)" = "$before" ] && echo unchanged || echo CHANGED)"
	n=$((n + 1))
done
[ $fails = 0 ] && ok "sub add/set --email with CR, LF, '<', '>' or two '@': exit 2, data.mdb unchanged, the address not echoed"
[ "$(tg --json sub show ana --show-personal | jq -r .email)" = ana.w@example.net ] ||
	bad "ana's address changed"
tg sub set ana --email "Ana.Wijaya+tagihan@mail.example.net" >/dev/null &&
	tg sub set ana --email ana.w@example.net >/dev/null &&
	ok "sub set --email with a valid address (plus tag, subdomain) still works" ||
	bad "a valid address refused"

# --- one already in the store: never sent -------------------------------------
# a placeholder of the same length, valid, swapped for the injection in
# the record's bytes (sub_rec.email is a fixed field)
ph=$(printf 'v%.0s' $(seq $(( ${#INJ} - 12 ))))@example.net
tg sub add legacy --name "Lama Sekali" --email "$ph" --plan home \
	--activated "$period-01" >/dev/null || die "sub add legacy"
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
mdb_dump -s subs "$DB" >"$tmp/subs.dump" || die "mdb_dump"
grep -qF "$(hex "$ph")" "$tmp/subs.dump" || die "placeholder not in the dump"
sed "s/$(hex "$ph")/$(hex "$INJ")/" "$tmp/subs.dump" >"$tmp/subs.bad"
# the record keeps a valid checksum: only the planted bytes differ
python3 "$(dirname "$0")/store_dump.py" reframe "$tmp/subs.bad" || die "reframe"
mdb_load -s subs -f "$tmp/subs.bad" "$DB" 2>"$tmp/load.err" || die "mdb_load: $(cat "$tmp/load.err")"
tg --json sub show legacy --show-personal | jq -e '.email | test("\r\n")' >/dev/null ||
	die "the record does not hold the injection"

tg invoice run --period "$period" >/dev/null || die "invoice run"
"$TAGIHD" --db "$DB" --config "$CONF" --listen 127.0.0.1:$((SMTP_PORT + 1)) \
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
got_ana() { grep -qs "ana.w@example.net" "$tmp/mail/rcpt.log"; }
legacy_done() {
	tg --json notify list | jq -e '[.[] | select(.sub == "legacy" and .channel == "email" and .status == "failed")] | length >= 1' >/dev/null
}
wait_for 15 got_ana || bad "the valid address got no mail (is the SMTP server up?)"
wait_for 15 legacy_done || bad "legacy's e-mail not marked failed: $(tg --json notify list)"
if grep -qsi -e spy -e evil -e victim "$tmp/mail/rcpt.log" ||
   grep -lsi -e spy -e victim "$tmp"/mail/*.eml >/dev/null; then
	bad "the SMTP server saw: $(cat "$tmp/mail/rcpt.log")"
else
	ok "no RCPT for spy@evil.example or victim@ reached the server (it saw: $(tr '\n' ' ' <"$tmp/mail/rcpt.log"))"
fi
err=$(tg --json notify list | jq -r '[.[] | select(.sub == "legacy" and .channel == "email")][0].last_error')
case $err in
*"not a usable address"*) ok "legacy's message failed: $err" ;;
*) bad "legacy's last error: $err" ;;
esac
grep -qE "victim|spy|evil|ana\.w|Ana|Lama|vvvv" "$tmp/tagihd.log" && bad "personal data in tagihd's log"
[ $fails = 0 ] || die "$fails check(s) failed"
echo "all mail injection checks passed"
