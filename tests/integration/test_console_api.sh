#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_console_api.sh - the console's JSON API with curl, for each role and
# for bad input: JSON errors {"error","detail"} with the right status and
# data.mdb byte-identical after every refused request; payments idempotent
# by ref as `tagih pay`; the CLI's pay list / report collections agree with
# the API; login limits (429); a cookie after logout is 401; by default the
# console listens on loopback only, never on the public address (checked
# in a network namespace of its own); no personal data in the log.
#
# Needs root for the namespace part only (skipped otherwise).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
TAGIHD=$PWD/$BUILD/tagihd
tmp=$(mktemp -d /tmp/tagih-capi-XXXXXX)
NS=tgcapi$$
pids=()
fails=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }

[ -x "$TAGIHD" ] || die "$TAGIHD not built"
for t in curl jq cmp; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init"; exit 1; }
CONF=$tmp/tagih.conf
PORT=$((10000 + $$ % 20000))	# below the ephemeral port range
APORT=$((PORT + 1))
PUB=http://127.0.0.1:$PORT
U=http://127.0.0.1:$APORT
export TAGIH_NOW=2026-11-20T10:00+07:00
DAY=2026-11-20

umask 077
cat >"$CONF" <<EOF
db = $DB
timezone = Asia/Jakarta
tax_mode = none
EOF
tg() { "$TAGIH" --config "$CONF" "$@"; }

tg plan add home --type flat --price 150000 >/dev/null || die "plan add"
tg sub add budi --name "Budi Santoso" --plan home --phone 081234567890 \
	--address "Jl. Melati 7" --ip 10.0.0.5 --activated 2026-10-01 \
	>/dev/null || die "sub add budi"
tg sub add sari --name "Sari Wulandari" --plan home --phone 085711112222 \
	--ip 10.0.0.6 --activated 2026-10-01 >/dev/null || die "sub add sari"
TAGIH_NOW=2026-11-01T08:00+07:00 tg invoice run --period 2026-10 >/dev/null ||
	die "invoice run"
for u in own:owner adm:admin kas:kasir kas2:kasir tek:teknisi; do
	n=${u%%:*}
	echo "sandi-$n-$$" >"$tmp/pw.$n"
	tg user add "$n" --role "${u##*:}" --password-file "$tmp/pw.$n" \
		>/dev/null || die "user add $n"
done
# on a terminal the password is asked twice, not echoed
cat >"$tmp/term.py" <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def read(t):
    global out
    end = time.time() + t
    while time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 1024)
            except OSError:
                return
read(1); os.write(fd, b"sandi-tty-12345\n"); read(1)
os.write(fd, b"sandi-tty-12345\n"); read(2)
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.WEXITSTATUS(st))
EOF
if /usr/bin/python3 "$tmp/term.py" "$TAGIH" --config "$CONF" user add tty --role kasir >"$tmp/pty.out" 2>&1; then
	grep -q "Password again" "$tmp/pty.out" && ! grep -q "sandi-tty" "$tmp/pty.out" &&
		ok "user add on a terminal: asked twice, never echoed" ||
		bad "terminal prompt: $(cat -v "$tmp/pty.out")"
else
	bad "user add on a terminal failed: $(cat -v "$tmp/pty.out")"
fi
TOKEN=$(tg user token adm) || die "user token"
TEKTOK=$(tg user token tek) || die "user token tek"
[ ${#TOKEN} = 68 ] && ok "user token prints a 68-character token" ||
	bad "token '$TOKEN'"
grep -qaF "${TOKEN#tgh_}" "$DB/data.mdb" && bad "the token is in data.mdb" ||
	ok "the token is not stored (only its hash)"
grep -qaF "sandi-kas-$$" "$DB/data.mdb" && bad "a password is in data.mdb" ||
	ok "no password in data.mdb (Argon2id hashes)"

"$TAGIHD" --config "$CONF" --listen 127.0.0.1:$PORT \
	--admin-listen 127.0.0.1:$APORT >"$tmp/tagihd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	curl -sf "$PUB/healthz" >/dev/null && break
	sleep 0.1
done
curl -sf "$PUB/healthz" >/dev/null || die "tagihd did not start: $(cat "$tmp/tagihd.log")"

# req OUT ARGS... -> the HTTP status; the body in OUT
req() { local o=$1; shift; curl -s -o "$o" -w '%{http_code}' "$@"; }
# is_err FILE: {"error": string, "detail": string}
is_err() { jq -e 'type == "object" and (.error|type) == "string" and (.detail|type) == "string"' "$1" >/dev/null 2>&1; }
expect() {	# what status file -- curl args
	local what=$1 want=$2 st
	shift 2
	st=$(req "$tmp/out" "$@")
	if [ "$st" != "$want" ]; then
		bad "$what: HTTP $st, want $want: $(head -c 300 "$tmp/out")"
		return 1
	fi
	if [ "${want:0:1}" != 2 ] && ! is_err "$tmp/out"; then
		bad "$what: $want without a JSON error: $(head -c 300 "$tmp/out")"
		return 1
	fi
	ok "$what -> $want"
}
login() {	# user -> cookie jar $tmp/ck.user
	local st
	st=$(req "$tmp/login.$1" -c "$tmp/ck.$1" -X POST "$U/api/v1/session" \
		-H 'Content-Type: application/json' \
		-d "{\"user\":\"$1\",\"password\":\"$(cat "$tmp/pw.$1")\"}")
	[ "$st" = 200 ] || { bad "login $1: HTTP $st $(cat "$tmp/login.$1")"; return 1; }
	grep -q "tagih_sid" "$tmp/ck.$1" || { bad "login $1: no session cookie"; return 1; }
}

# --- sessions ------------------------------------------------------------------
st=$(curl -s -D "$tmp/h" -o "$tmp/out" -w '%{http_code}' -X POST \
	"$U/api/v1/session" -d "{\"user\":\"kas\",\"password\":\"$(cat "$tmp/pw.kas")\"}")
[ "$st" = 200 ] && jq -e '.user == "kas" and .role == "kasir"' "$tmp/out" >/dev/null &&
	ok "POST /api/v1/session -> 200 {user, role}" || bad "session: $st $(cat "$tmp/out")"
grep -i '^set-cookie: tagih_sid=' "$tmp/h" | grep -qi 'HttpOnly' &&
	grep -i '^set-cookie: tagih_sid=' "$tmp/h" | grep -qi 'SameSite=Strict' &&
	ok "the session cookie is HttpOnly and SameSite=Strict" ||
	bad "cookie flags: $(grep -i set-cookie "$tmp/h")"
grep -qi "^content-security-policy: default-src 'none'" "$tmp/h" &&
	ok "strict CSP on API answers" || bad "no CSP"
for u in own adm kas kas2 tek; do login $u || die "cannot log in as $u"; done
ok "every role logs in"
expect "wrong password" 401 -X POST "$U/api/v1/session" -d '{"user":"own","password":"nope-nope-nope"}'
expect "unknown user" 401 -X POST "$U/api/v1/session" -d '{"user":"ghost","password":"nope-nope-nope"}'
expect "malformed session body" 400 -X POST "$U/api/v1/session" -d '{"user":1}'

# from here on nothing may write until a test means to
snap() { cp "$DB/data.mdb" "$tmp/snap.mdb"; }
same() {	# what
	if cmp -s "$DB/data.mdb" "$tmp/snap.mdb"; then ok "$1: data.mdb byte-identical"
	else bad "$1: data.mdb changed"; fi
}
snap

# --- no credentials, bad credentials -> 401 -------------------------------------
for p in subscribers subscribers/budi invoices payments \
	"reports/collections?date=$DAY"; do
	expect "GET /api/v1/$p without credentials" 401 "$U/api/v1/$p"
done
expect "POST payments without credentials" 401 -X POST "$U/api/v1/payments" \
	-H 'Content-Type: application/json' \
	-d '{"subscriber":"budi","amount":1000,"method":"cash","ref":"X-1"}'
expect "a wrong Bearer token" 401 -H "Authorization: Bearer tgh_$(printf '%064d' 0)" "$U/api/v1/subscribers"
expect "a malformed Authorization" 401 -H "Authorization: Basic Zm9vOmJhcg==" "$U/api/v1/subscribers"
same "requests without credentials"

# --- reads per role -------------------------------------------------------------
expect "Bearer token: subscribers" 200 -H "Authorization: Bearer $TOKEN" "$U/api/v1/subscribers"
jq -e 'length == 2 and (.[0] | has("balance") and has("owes"))' "$tmp/out" >/dev/null &&
	ok "admin sees both subscribers with money fields" || bad "subs: $(cat "$tmp/out")"
expect "search by phone" 200 -b "$tmp/ck.kas" "$U/api/v1/subscribers?q=0857111"
jq -e 'length == 1 and .[0].id == "sari"' "$tmp/out" >/dev/null && ok "q=phone finds sari" || bad "q phone: $(cat "$tmp/out")"
expect "search by IP" 200 -b "$tmp/ck.kas" "$U/api/v1/subscribers?q=10.0.0.5"
jq -e 'length == 1 and .[0].id == "budi"' "$tmp/out" >/dev/null && ok "q=IP finds budi" || bad "q ip: $(cat "$tmp/out")"
expect "search by name" 200 -b "$tmp/ck.kas" "$U/api/v1/subscribers?q=santoso"
jq -e 'length == 1 and .[0].id == "budi"' "$tmp/out" >/dev/null && ok "q=name (any case) finds budi" || bad "q name: $(cat "$tmp/out")"
expect "teknisi: subscribers" 200 -b "$tmp/ck.tek" "$U/api/v1/subscribers"
jq -e 'length == 2 and (.[0] | has("balance") or has("owes") | not) and (.[0].ips | length == 1)' "$tmp/out" >/dev/null &&
	ok "teknisi sees addresses but no money" || bad "tek subs: $(cat "$tmp/out")"
expect "teknisi: one subscriber" 200 -H "Authorization: Bearer $TEKTOK" "$U/api/v1/subscribers/budi"
jq -e 'has("invoices") or has("payments") | not' "$tmp/out" >/dev/null &&
	ok "teknisi's subscriber detail has no invoices or payments" || bad "tek detail: $(cat "$tmp/out")"
expect "admin: one subscriber" 200 -b "$tmp/ck.adm" "$U/api/v1/subscribers/budi"
jq -e '.invoices | length == 1' "$tmp/out" >/dev/null && ok "admin's detail lists the invoice" || bad "detail: $(cat "$tmp/out")"
expect "unknown subscriber" 404 -b "$tmp/ck.adm" "$U/api/v1/subscribers/nobody"
expect "teknisi: invoices" 403 -b "$tmp/ck.tek" "$U/api/v1/invoices"
expect "teknisi: payments" 403 -b "$tmp/ck.tek" "$U/api/v1/payments"
expect "teknisi: collections" 403 -b "$tmp/ck.tek" "$U/api/v1/reports/collections?date=$DAY"
expect "kasir: invoices of a period" 200 -b "$tmp/ck.kas" "$U/api/v1/invoices?period=2026-10"
jq -e 'length == 2 and all(.status == "overdue")' "$tmp/out" >/dev/null && ok "two overdue invoices for 2026-10" || bad "inv: $(cat "$tmp/out")"
expect "invoices ?sub=" 200 -b "$tmp/ck.adm" "$U/api/v1/invoices?sub=sari&status=overdue"
jq -e 'length == 1 and .[0].subscriber == "sari"' "$tmp/out" >/dev/null && ok "invoices filtered by sub and status" || bad "inv sub: $(cat "$tmp/out")"
expect "bad period" 400 -b "$tmp/ck.adm" "$U/api/v1/invoices?period=2026-13"
expect "bad status" 400 -b "$tmp/ck.adm" "$U/api/v1/invoices?status=lunas"
expect "bad date" 400 -b "$tmp/ck.adm" "$U/api/v1/payments?date=20-11-2026"
expect "unknown endpoint" 404 -b "$tmp/ck.adm" "$U/api/v1/nothing"
same "reads and refused reads"

# --- bad payments: 400/403/404/409, nothing written ------------------------------
P="$U/api/v1/payments"
J=(-H 'Content-Type: application/json')
bad_pay() {	# what status body
	expect "$1" "$2" -b "$tmp/ck.kas" "${J[@]}" -X POST "$P" -d "$3"
}
bad_pay "malformed JSON" 400 '{"subscriber":'
bad_pay "not an object" 400 '[1,2]'
bad_pay "missing ref" 400 '{"subscriber":"budi","amount":1000,"method":"cash"}'
bad_pay "amount as a string" 400 '{"subscriber":"budi","amount":"1000","method":"cash","ref":"B-1"}'
bad_pay "amount 0" 400 '{"subscriber":"budi","amount":0,"method":"cash","ref":"B-1"}'
bad_pay "negative amount" 400 '{"subscriber":"budi","amount":-5,"method":"cash","ref":"B-1"}'
bad_pay "amount too large" 400 '{"subscriber":"budi","amount":9223372036854775807,"method":"cash","ref":"B-1"}'
bad_pay "method gateway" 400 '{"subscriber":"budi","amount":1000,"method":"gateway","ref":"B-1"}'
bad_pay "method unknown" 400 '{"subscriber":"budi","amount":1000,"method":"qris","ref":"B-1"}'
bad_pay "ref with a space" 400 '{"subscriber":"budi","amount":1000,"method":"cash","ref":"B 1"}'
bad_pay "bad subscriber id" 400 '{"subscriber":"../etc","amount":1000,"method":"cash","ref":"B-1"}'
bad_pay "unknown subscriber" 404 '{"subscriber":"nobody","amount":1000,"method":"cash","ref":"B-1"}'
expect "teknisi posts a payment" 403 -b "$tmp/ck.tek" "${J[@]}" -X POST "$P" \
	-d '{"subscriber":"budi","amount":1000,"method":"cash","ref":"T-1"}'
expect "teknisi token posts a payment" 403 -H "Authorization: Bearer $TEKTOK" -X POST "$P" \
	-d '{"subscriber":"budi","amount":1000,"method":"cash","ref":"T-1"}'
expect "cookie POST without JSON content type" 403 -b "$tmp/ck.kas" -X POST "$P" \
	-H 'Content-Type: text/plain' -d '{"subscriber":"budi","amount":1000,"method":"cash","ref":"T-2"}'
expect "body too large" 413 -b "$tmp/ck.kas" "${J[@]}" -X POST "$P" --data-binary @<(head -c 20000 /dev/zero | tr '\0' ' ')
same "refused payments"

# --- payments by each role that may ------------------------------------------
pay() {	# who how ref amount sub method -> 201/200
	expect "$1 records $3" "$2" -b "$tmp/ck.$1" "${J[@]}" -X POST "$P" \
		-d "{\"subscriber\":\"$5\",\"amount\":$4,\"method\":\"$6\",\"ref\":\"$3\"}"
}
pay kas 201 KAS-1 50000 budi cash
jq -e '.amount == 50000 and .by == "kas" and .method == "cash" and .duplicate == false and (.allocations[0].invoice | startswith("INV/"))' "$tmp/out" >/dev/null &&
	ok "201 with the payment (allocated to the open invoice, by kas)" || bad "pay body: $(cat "$tmp/out")"
snap
pay kas 200 KAS-1 50000 budi cash
jq -e '.duplicate == true' "$tmp/out" >/dev/null && ok "the same ref again: 200, duplicate" || bad "dup: $(cat "$tmp/out")"
same "a repeated ref"
expect "the same ref, another amount" 409 -b "$tmp/ck.kas" "${J[@]}" -X POST "$P" \
	-d '{"subscriber":"budi","amount":1,"method":"cash","ref":"KAS-1"}'
same "a conflicting ref"
pay kas2 201 KAS2-1 20000 sari cash
pay kas 201 KAS-2 30000 sari transfer
pay adm 201 ADM-1 10000 sari transfer
expect "owner by token-less cookie" 201 -b "$tmp/ck.own" "${J[@]}" -X POST "$P" \
	-d '{"subscriber":"budi","amount":5000,"method":"cash","ref":"OWN-1"}'
expect "admin by Bearer token" 201 -H "Authorization: Bearer $TOKEN" -X POST "$P" \
	-d '{"subscriber":"budi","amount":1000,"method":"transfer","ref":"TOK-1"}'
tg audit | grep -q "console:kas .*payment" && ok "audited with actor console:kas" ||
	bad "audit: $(tg audit | grep payment)"

# --- lists and the collections report -----------------------------------------
expect "kasir: payments today" 200 -b "$tmp/ck.kas" "$U/api/v1/payments?date=$DAY"
jq -e 'length == 2 and all(.by == "kas")' "$tmp/out" >/dev/null &&
	ok "a kasir sees their own payments only" || bad "kas list: $(cat "$tmp/out")"
expect "admin: payments today" 200 -b "$tmp/ck.adm" "$U/api/v1/payments?date=$DAY"
jq -e 'length == 6' "$tmp/out" >/dev/null && ok "admin sees all 6" || bad "adm list: $(jq length "$tmp/out")"
expect "payments another day" 200 -b "$tmp/ck.adm" "$U/api/v1/payments?date=2026-11-19"
jq -e 'length == 0' "$tmp/out" >/dev/null && ok "none on 2026-11-19" || bad "other day: $(cat "$tmp/out")"
expect "collections" 200 -b "$tmp/ck.own" "$U/api/v1/reports/collections?date=$DAY"
jq -e '.date == "2026-11-20" and .total == 116000 and .by_method.cash == 75000 and .by_method.transfer == 41000 and .by_user.kas == 80000 and .by_user.kas2 == 20000 and .by_user.adm == 11000 and .by_user.own == 5000' \
	"$tmp/out" >/dev/null && ok "collections: total, by_method, by_user" || bad "collections: $(cat "$tmp/out")"
cp "$tmp/out" "$tmp/coll.api"
tg report collections --date $DAY --json >"$tmp/coll.cli" || bad "report collections"
[ "$(jq -S . "$tmp/coll.api")" = "$(jq -S . "$tmp/coll.cli")" ] &&
	ok "tagih report collections --json = the API's" || bad "CLI/API differ: $(diff <(jq -S . "$tmp/coll.api") <(jq -S . "$tmp/coll.cli"))"
[ "$(tg pay list --date $DAY --json | jq length)" = 6 ] &&
	[ "$(tg pay list --date $DAY --by kas --json | jq length)" = 2 ] &&
	[ "$(tg pay list --date $DAY --method transfer --json | jq length)" = 3 ] &&
	ok "tagih pay list --date / --by / --method" || bad "pay list: $(tg pay list --date $DAY)"
tg report collections --date $DAY --by-kasir | grep -qE '^kas +2 +Rp 80.000 +Rp 50.000' &&
	ok "report collections --by-kasir: kas took Rp 80.000, hands over Rp 50.000 cash" ||
	bad "by-kasir: $(tg report collections --date $DAY --by-kasir)"
expect "kasir: collections" 200 -b "$tmp/ck.kas" "$U/api/v1/reports/collections?date=$DAY"
jq -e '.total == 80000 and (.by_user | keys == ["kas"])' "$tmp/out" >/dev/null &&
	ok "a kasir's collections are their own" || bad "kas coll: $(cat "$tmp/out")"

# --- logout, disabled users, login limits --------------------------------------
expect "logout" 200 -b "$tmp/ck.kas2" -X DELETE "$U/api/v1/session"
expect "the cookie after logout" 401 -b "$tmp/ck.kas2" "$U/api/v1/payments"
tg user disable adm >/dev/null
expect "a disabled user's session" 401 -b "$tmp/ck.adm" "$U/api/v1/subscribers"
expect "a disabled user's token" 401 -H "Authorization: Bearer $TOKEN" "$U/api/v1/subscribers"
snap
for i in 1 2 3 4 5; do
	st=$(req "$tmp/out" -X POST "$U/api/v1/session" -d '{"user":"kas","password":"wrong-wrong-1"}')
	[ "$st" = 401 ] || bad "wrong password $i: $st"
done
st=$(curl -s -D "$tmp/h" -o "$tmp/out" -w '%{http_code}' -X POST "$U/api/v1/session" \
	-d "{\"user\":\"kas\",\"password\":\"$(cat "$tmp/pw.kas")\"}")
[ "$st" = 429 ] && grep -qi '^retry-after:' "$tmp/h" && is_err "$tmp/out" &&
	ok "5 wrong passwords: the 6th try (even right) -> 429 with Retry-After" ||
	bad "lockout: $st $(cat "$tmp/out")"
same "failed and locked logins"

# --- the language switch redirects to a local path only ---------------------------
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$U//evil.example/x?lang=en")
[ "$loc" = "$U/" ] && ok "?lang= never redirects off the console ('//host' -> /)" ||
	bad "lang redirect to '$loc'"

# --- the log ---------------------------------------------------------------------
leak=
for s in "Budi" "Santoso" "Sari" "Wulandari" "081234567890" "085711112222" \
	"Melati" "sandi-" "$TOKEN" "$TEKTOK" "tgh_"; do
	grep -qF -- "$s" "$tmp/tagihd.log" && leak="$leak $s"
done
[ -z "$leak" ] && ok "no names, phones, addresses, passwords or tokens in the log" ||
	bad "the log holds:$leak"

# --- under TLS the console is HTTPS and its cookie Secure ------------------------
if command -v openssl >/dev/null && openssl req -x509 -newkey rsa:2048 -nodes \
	-days 1 -subj /CN=localhost -keyout "$tmp/tls.key" -out "$tmp/tls.crt" \
	2>/dev/null; then
	TPORT=$((PORT + 2)) TAPORT=$((PORT + 3))
	cat "$CONF" >"$tmp/tls.conf"
	printf 'tls_cert = %s\ntls_key = %s\n' "$tmp/tls.crt" "$tmp/tls.key" >>"$tmp/tls.conf"
	"$TAGIHD" --config "$tmp/tls.conf" --listen 127.0.0.1:$TPORT \
		--admin-listen 127.0.0.1:$TAPORT >"$tmp/tls.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do
		curl -sk -o /dev/null "https://127.0.0.1:$TAPORT/console.css" && break
		sleep 0.1
	done
	st=$(curl -sk -D "$tmp/h" -o "$tmp/out" -w '%{http_code}' -X POST \
		"https://127.0.0.1:$TAPORT/api/v1/session" \
		-d "{\"user\":\"own\",\"password\":\"$(cat "$tmp/pw.own")\"}")
	[ "$st" = 200 ] && grep -i '^set-cookie: tagih_sid=' "$tmp/h" | grep -qi '; Secure' &&
		ok "under TLS: the console answers HTTPS and the cookie is Secure" ||
		bad "TLS console: $st $(grep -i set-cookie "$tmp/h") $(cat "$tmp/tls.log")"
	st=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TAPORT/login")
	[ "$st" != 200 ] && ok "under TLS: no plain HTTP console" || bad "plain HTTP answered $st"
else
	echo "SKIP part: openssl cannot make a certificate"
fi

# --- defaults: the console is on loopback only ---------------------------------
if [ "$(id -u)" != 0 ] || ! ip netns add "$NS" 2>/dev/null; then
	echo "SKIP part: no network namespace (not root)"
else
	ip -n "$NS" link set lo up
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" addr add 192.0.2.1/24 dev v0
	ip -n "$NS" link set v1 up
	ip -n "$NS" link set v0 up
	cat >"$tmp/def.conf" <<EOF
db = $DB
timezone = Asia/Jakarta
tax_mode = none
public_listen = 0.0.0.0:8080
EOF
	ip netns exec "$NS" "$TAGIHD" --config "$tmp/def.conf" >"$tmp/def.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do
		ip netns exec "$NS" curl -sf http://192.0.2.1:8080/healthz >/dev/null && break
		sleep 0.1
	done
	ip netns exec "$NS" ss -ltn >"$tmp/ss"
	grep -qE '127\.0\.0\.1:8082\b' "$tmp/ss" && ! grep -qE '(0\.0\.0\.0|\*|\[::\]|192\.0\.2\.1):8082\b' "$tmp/ss" &&
		ok "by default the console listens on 127.0.0.1:8082 only" ||
		bad "listeners: $(cat "$tmp/ss")"
	st=$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://192.0.2.1:8082/api/v1/session)
	[ "$st" = 000 ] && ok "the console is not reachable on the public address" ||
		bad "console on 192.0.2.1:8082: HTTP $st"
	for p in /api/v1/session /api/v1/subscribers /subscribers /cashbook /; do
		st=$(ip netns exec "$NS" curl -s -o "$tmp/out" -w '%{http_code}' http://192.0.2.1:8080$p)
		[ "$st" = 404 ] || bad "public listener answers $p with $st"
	done
	[ "$st" = 404 ] && ok "the public listener has no console or API routes (404)"
	st=$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' -X POST \
		-d "{\"user\":\"own\",\"password\":\"x\"}" http://127.0.0.1:8082/api/v1/session)
	[ "$st" = 401 ] && ok "the console answers on loopback" || bad "loopback console: $st"
fi

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all console API checks passed"
