#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_tagihd_tls.sh - tagihd over HTTPS (tls_cert/tls_key, libmicrohttpd
# with GnuTLS): a signed Midtrans webhook pays an invoice over TLS with an
# RSA and with an EC pair, plain HTTP on the same port gets no answer, and a
# mismatched pair, a missing or unreadable file, or only one of the two keys
# makes tagihd refuse to start with a message naming the problem.
#
# Needs only loopback. Exits 77 when a tool is missing.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
TAGIHD=$PWD/$BUILD/tagihd
tmp=$(mktemp -d /tmp/tagih-tls-XXXXXX)
pid=
fails=0
. "$(dirname "$0")/gwmock.sh"

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	gwmock_stop
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }

[ -x "$TAGIHD" ] || die "$TAGIHD not built"
[ -x "$TAGIH" ] || die "$TAGIH not built"
for t in curl jq openssl timeout; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
MID_KEY=SB-Mid-server-tls-$$

# pick_port: a loopback port nobody answers on, below the ephemeral range
# (a port in use as the local end of someone's outgoing connection does
# not answer, but cannot be bound either); start() retries on EADDRINUSE
pick_port() {
	local lo p
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ -n "$lo" ] && [ "$lo" -gt 12000 ] || lo=32768
	PORT=
	for _ in $(seq 50); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			PORT=$p
			break
		fi
	done
	[ -n "$PORT" ] || die "no free port"
	HTTPS=https://localhost:$PORT
	HTTP=http://localhost:$PORT
}
pick_port
# Midtrans' status API, which tagihd asks before booking (gwmock.py)
GWM_DIR=$tmp
for p in $(seq $((PORT + 100)) $((PORT + 120))); do
	gwmock_start "$p" 2>/dev/null && break
	gwmock_stop
done
[ -n "$GWM_PID" ] || die "the Midtrans mock did not start"

# --- throwaway pairs: RSA and EC P-256, both CN=localhost ------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$tmp/rsa.key" -out "$tmp/rsa.crt" 2>"$tmp/openssl.log" ||
	die "openssl rsa: $(cat "$tmp/openssl.log")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-days 1 -subj /CN=localhost \
	-keyout "$tmp/ec.key" -out "$tmp/ec.crt" 2>"$tmp/openssl.log" ||
	die "openssl ec: $(cat "$tmp/openssl.log")"
chmod 0600 "$tmp/rsa.key" "$tmp/ec.key"

# conf NAME [key = value lines...]: a 0600 config at $tmp/NAME.conf
conf() {
	local f=$tmp/$1.conf
	shift
	{
		echo "db = $DB"
		echo "timezone = Asia/Jakarta"
		echo "midtrans_server_key = $MID_KEY"
		echo "midtrans_status_url = $GWM_URL"
		echo "gateway_timeout = 3"
		echo "operator_npwp = 01.234.567.8-901.000"
		printf '%s\n' "$@"
	} >"$f"
	chmod 0600 "$f"
}
conf plain
tg() { TAGIH_NOW=2026-11-01T08:00+07:00 "$TAGIH" --db "$DB" --config "$tmp/plain.conf" "$@"; }

# --- billing data: two subscribers with an October invoice each ------------
tg plan add home --type flat --price 150000 >/dev/null || die "plan add"
for s in s-rsa s-ec; do
	tg sub add "$s" --name "Pelanggan $s" --plan home \
		--activated 2026-10-01 >/dev/null || die "sub add $s"
done
tg invoice run --period 2026-10 >/dev/null || die "invoice run"
tg --json invoice list >"$tmp/inv.json" || die "invoice list"
inv_num() { jq -r --arg s "$1" '[.[] | select(.subscriber == $s)][0].number' "$tmp/inv.json"; }
inv_total() { jq -r --arg s "$1" '[.[] | select(.subscriber == $s)][0].total' "$tmp/inv.json"; }
inv_status() { tg --json invoice show "$1" | jq -r .status; }

sha512() { printf '%s' "$1" | openssl dgst -sha512 -r | cut -d' ' -f1; }
# midtrans_body ORDER AMOUNT TXN [KEY]: a settlement notification
midtrans_body() {
	local gross="$2.00"
	printf '{"transaction_time":"2026-11-05 10:00:00","transaction_status":"settlement","transaction_id":"%s","status_message":"midtrans payment notification","status_code":"200","signature_key":"%s","payment_type":"bank_transfer","order_id":"%s","merchant_id":"G000000001","gross_amount":"%s","fraud_status":"accept","currency":"IDR"}' \
		"$3" "$(sha512 "${1}200${gross}${4:-$MID_KEY}")" "$1" "$gross"
}

# start CONF LOG: tagihd in the background; 0 once it answers over HTTPS
start() {
	local try
	for try in 1 2 3 4 5; do
		"$TAGIHD" --config "$tmp/$1.conf" --listen 127.0.0.1:$PORT \
			>"$tmp/$2" 2>&1 &
		pid=$!
		for _ in $(seq 50); do
			curl -sf --cacert "$tmp/$3" "$HTTPS/healthz" >/dev/null &&
				return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		grep -q "Address already in use" "$tmp/$2" || return 1
		wait "$pid" 2>/dev/null
		pick_port	# taken meanwhile: another port
	done
	return 1
}
stop() {
	kill "$pid"
	wait "$pid" 2>/dev/null
	pid=
}

# serve KIND SUB: the checks against a running daemon with KIND's pair
serve() {
	local kind=$1 sub=$2 other num total got st
	[ "$kind" = rsa ] && other=ec || other=rsa
	conf "$kind" "tls_cert = $tmp/$kind.crt" "tls_key = $tmp/$kind.key"
	start "$kind" "tagihd-$kind.log" "$kind.crt" ||
		die "$kind: tagihd did not answer over HTTPS: $(cat "$tmp/tagihd-$kind.log")"
	ok "$kind: GET /healthz over TLS, verified against our certificate"

	grep -q "(https)" "$tmp/tagihd-$kind.log" ||
		bad "$kind: the start-up line does not say https"

	# the certificate served is the one configured: another CA fails
	if curl -s -o /dev/null --cacert "$tmp/$other.crt" "$HTTPS/healthz"; then
		bad "$kind: verified against the $other certificate"
	else
		ok "$kind: the $other certificate does not verify it"
	fi

	# the HTTP layer answers over TLS: a JSON 404 for an unknown path
	got=$(curl -s -o "$tmp/resp" -w '%{http_code}' --cacert "$tmp/$kind.crt" \
		"$HTTPS/no/such/page")
	if [ "$got" = 404 ] && jq -e .error "$tmp/resp" >/dev/null 2>&1; then
		ok "$kind: unknown path -> JSON 404 over TLS"
	else
		bad "$kind: unknown path: HTTP $got ($(cat "$tmp/resp"))"
	fi

	# webhooks over TLS: forged -> 401, signed -> 200 and the invoice paid
	num=$(inv_num "$sub")
	total=$(inv_total "$sub")
	[ -n "$num" ] && [ "$num" != null ] || die "no invoice for $sub"
	got=$(curl -s -o "$tmp/resp" -w '%{http_code}' --cacert "$tmp/$kind.crt" \
		-H "Content-Type: application/json" -X POST \
		--data-binary "$(midtrans_body "$num" "$total" "tls-$kind-$$" wrong-$$)" \
		"$HTTPS/webhooks/midtrans")
	[ "$got" = 401 ] && ok "$kind: forged Midtrans webhook over TLS -> 401" ||
		bad "$kind: forged webhook: HTTP $got ($(cat "$tmp/resp"))"
	truth_midtrans "$num" "$total" "tls-$kind-$$"
	got=$(curl -s -o "$tmp/resp" -w '%{http_code}' --cacert "$tmp/$kind.crt" \
		-H "Content-Type: application/json" -X POST \
		--data-binary "$(midtrans_body "$num" "$total" "tls-$kind-$$")" \
		"$HTTPS/webhooks/midtrans")
	st=$(inv_status "$num")
	if [ "$got" = 200 ] && [ "$st" = paid ]; then
		ok "$kind: signed Midtrans webhook over TLS -> 200, invoice $num paid"
	else
		bad "$kind: signed webhook: HTTP $got ($(cat "$tmp/resp")), invoice $st"
	fi

	# plain HTTP to the HTTPS port gets no HTTP answer
	got=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$HTTP/healthz")
	rc=$?
	if [ "$rc" != 0 ] && [ "$got" = 000 ]; then
		ok "$kind: plain http:// to the port fails (curl exit $rc)"
	else
		bad "$kind: plain http:// answered: exit $rc, HTTP $got"
	fi
	# ... and does not disturb the TLS side
	curl -sf --cacert "$tmp/$kind.crt" "$HTTPS/healthz" >/dev/null &&
		ok "$kind: still serving HTTPS after the plain-HTTP attempt" ||
		bad "$kind: HTTPS broken after a plain-HTTP attempt"

	stop
	# the private key never reaches the log
	if grep -qF "$(sed -n 2p "$tmp/$kind.key")" "$tmp/tagihd-$kind.log" ||
	   grep -qF "$MID_KEY" "$tmp/tagihd-$kind.log"; then
		bad "$kind: key material in the log"
	fi
}

serve rsa s-rsa
serve ec s-ec

# --- refusals: non-zero exit, quickly, a message that names the problem ---
# refuse WHAT PATTERN [key = value lines...]
refuse() {
	local what=$1 pat=$2 rc
	shift 2
	conf refuse "$@"
	timeout 10 "$TAGIHD" --config "$tmp/refuse.conf" \
		--listen 127.0.0.1:$PORT >"$tmp/refuse.log" 2>&1
	rc=$?
	if [ $rc = 124 ]; then
		bad "$what: tagihd started (still running after 10 s)"
	elif [ $rc = 0 ]; then
		bad "$what: tagihd exited 0"
	elif ! grep -qE "$pat" "$tmp/refuse.log"; then
		bad "$what: exit $rc, unclear message: $(cat "$tmp/refuse.log")"
	elif curl -s -m 2 -k "$HTTPS/healthz" >/dev/null 2>&1; then
		bad "$what: something answers on the port"
	else
		ok "$what -> exit $rc: $(grep -E "$pat" "$tmp/refuse.log" | head -1)"
	fi
}

refuse "RSA cert with the EC key" \
	"tls_cert .*rsa\.crt.*tls_key .*ec\.key.*refusing" \
	"tls_cert = $tmp/rsa.crt" "tls_key = $tmp/ec.key"
grep -qi "do not match" "$tmp/refuse.log" ||
	bad "mismatch: GnuTLS's reason is not in the log: $(cat "$tmp/refuse.log")"
refuse "EC cert with the RSA key" "tls_cert .*ec\.crt.*refusing" \
	"tls_cert = $tmp/ec.crt" "tls_key = $tmp/rsa.key"
refuse "cert and key swapped" "tls_cert .*rsa\.key.*refusing" \
	"tls_cert = $tmp/rsa.key" "tls_key = $tmp/rsa.crt"
refuse "missing cert file" "tls_cert .*missing\.crt: No such file" \
	"tls_cert = $tmp/missing.crt" "tls_key = $tmp/rsa.key"
refuse "missing key file" "tls_key .*missing\.key: No such file" \
	"tls_cert = $tmp/rsa.crt" "tls_key = $tmp/missing.key"
: >"$tmp/empty.crt"
refuse "empty cert file" "tls_cert .*empty\.crt.*refusing" \
	"tls_cert = $tmp/empty.crt" "tls_key = $tmp/rsa.key"
refuse "a directory as the cert" "tls_cert .*: Is a directory" \
	"tls_cert = $tmp" "tls_key = $tmp/rsa.key"
refuse "only tls_cert set" "tls_cert is set but tls_key is not" \
	"tls_cert = $tmp/rsa.crt"
refuse "only tls_key set" "tls_key is set but tls_cert is not" \
	"tls_key = $tmp/rsa.key"

[ $fails = 0 ] || die "$fails check(s) failed"
echo "all tagihd TLS checks passed"
