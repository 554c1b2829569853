#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_tagihd.sh - tagihd end to end: config refusal, no capabilities, and per
# gateway a valid payment, every kind of rejection with an unchanged store,
# and 100 deliveries (20 at a time) booked exactly once. Every notification
# is confirmed with the gateway's status API: a python3 mock of the four
# (tests/integration/gwmock.py) on loopback tells tagihd the truth.
#
# Needs only loopback (no namespaces). Exits 77 when the billing CLI
# (tagih plan / invoice) is not built yet.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$PWD/$BUILD/tagih
TAGIHD=$PWD/$BUILD/tagihd
tmp=$(mktemp -d /tmp/tagih-d-XXXXXX)
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
for t in curl jq openssl mdb_stat md5sum xargs python3; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
if ! "$TAGIH" plan --help >/dev/null 2>&1 ||
   ! "$TAGIH" invoice --help >/dev/null 2>&1; then
	echo "SKIP: tagih plan/invoice commands not built yet"
	exit 77
fi

DB=$tmp/db
"$TAGIH" init --db "$DB" >/dev/null || { echo "FAIL: tagih init --db $DB" >&2; exit 1; }
CONF=$tmp/tagih.conf
PORT=$((10000 + $$ % 20000))	# below the ephemeral port range
URL=http://127.0.0.1:$PORT
MID_KEY=SB-Mid-server-it-$$
XND_TOKEN=xnd-token-it-$$
TRP_KEY=tripay-priv-it-$$
DK_CODE=D0042
DK_KEY=duitku-key-it-$$
XND_SECRET=xnd-secret-it-$$
TRP_API=tripay-api-it-$$
GWM_DIR=$tmp
gwmock_start $((PORT + 1)) || die "the gateway mock did not start"

cat >"$CONF" <<EOF
operator_npwp = 01.234.567.8-901.000
db = $DB
timezone = Asia/Jakarta
midtrans_server_key = $MID_KEY
xendit_callback_token = $XND_TOKEN
tripay_private_key = $TRP_KEY
duitku_merchant_code = $DK_CODE
duitku_api_key = $DK_KEY
xendit_secret_key = $XND_SECRET
tripay_api_key = $TRP_API
midtrans_status_url = $GWM_URL
xendit_api_url = $GWM_URL
tripay_api_url = $GWM_URL
duitku_api_url = $GWM_URL
gateway_timeout = 3
EOF

tg() { TAGIH_NOW=${NOW:-2026-11-01T08:00+07:00} "$TAGIH" --db "$DB" --config "$CONF" "$@"; }

# --- refuses a readable config --------------------------------------------
chmod 0644 "$CONF"
if "$TAGIHD" --db "$DB" --config "$CONF" --listen 127.0.0.1:$PORT \
	>"$tmp/refuse.log" 2>&1; then
	bad "tagihd started with a 0644 config"
elif grep -q "0600" "$tmp/refuse.log" && ! grep -q "$MID_KEY" "$tmp/refuse.log"; then
	ok "0644 config refused with a clear message, no secret printed"
else
	bad "0644 config: unclear message: $(cat "$tmp/refuse.log")"
fi
chmod 0600 "$CONF"

# --- refuses a directory without a store, and an empty data.mdb ------------
mkdir -p "$tmp/empty"; : >"$tmp/empty/data.mdb"
for d in "$tmp/nostore" "$tmp/empty"; do
	if timeout 10 "$TAGIHD" --db "$d" --config "$CONF" --listen 127.0.0.1:$PORT \
		>"$tmp/refuse.log" 2>&1; then
		bad "tagihd served $d"
	elif grep -q "tagih init" "$tmp/refuse.log" && [ ! -e "$tmp/nostore" ] &&
	     [ ! -s "$tmp/empty/data.mdb" ]; then
		ok "tagihd refuses $d, naming tagih init: $(head -n 1 "$tmp/refuse.log")"
	else
		bad "tagihd on $d: $(cat "$tmp/refuse.log")"
	fi
done

# --- billing data: one subscriber and one October invoice per gateway -----
tg plan add home --type flat --price 150000 >/dev/null || die "plan add"
for s in s-midtrans s-xendit s-tripay s-duitku s-restore; do
	tg sub add "$s" --name "Pelanggan $s" --plan home \
		--activated 2026-10-01 >/dev/null || die "sub add $s"
done
tg invoice run --period 2026-10 >/dev/null || die "invoice run"
tg --json invoice list >"$tmp/inv.json" || die "invoice list"
# number and total of a subscriber's invoice
inv_num() { jq -r --arg s "$1" '[.[] | select(.subscriber == $s)][0].number' "$tmp/inv.json"; }
inv_total() { jq -r --arg s "$1" '[.[] | select(.subscriber == $s)][0].total' "$tmp/inv.json"; }
inv_status() { tg --json invoice show "$1" | jq -r .status; }

# --- start tagihd -----------------------------------------------------------
"$TAGIHD" --db "$DB" --config "$CONF" --listen 127.0.0.1:$PORT \
	>"$tmp/tagihd.log" 2>&1 &
pid=$!
for _ in $(seq 50); do
	curl -sf "$URL/healthz" >/dev/null && break
	sleep 0.1
done
curl -sf "$URL/healthz" >/dev/null || die "tagihd did not start: $(cat "$tmp/tagihd.log")"

# --- least privilege ---------------------------------------------------------
for f in CapEff CapPrm CapBnd; do
	v=$(awk -v f="$f:" '$1 == f { print $2 }' /proc/$pid/status)
	for cap in 12 21 39; do	# NET_ADMIN, SYS_ADMIN, BPF
		if (( (16#$v >> cap) & 1 )); then
			bad "tagihd holds capability $cap in $f ($v)"
		fi
	done
done
for t in /proc/$pid/task/*; do
	v=$(awk '$1 == "CapEff:" { print $2 }' "$t/status")
	[ "$v" = 0000000000000000 ] || bad "thread $(basename "$t") CapEff $v"
done
ok "no CAP_NET_ADMIN/CAP_SYS_ADMIN/CAP_BPF in CapEff/CapPrm/CapBnd, no thread holds any"

# --- signing, as each gateway documents it ----------------------------------
sha512() { printf '%s' "$1" | openssl dgst -sha512 -r | cut -d' ' -f1; }
md5() { printf '%s' "$1" | openssl dgst -md5 -r | cut -d' ' -f1; }
hmac256() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1; }

# body_<gw> ORDER AMOUNT TXN [KEY]: sets BODY (a notification) and HDR.
body_midtrans() {
	local key=${4:-$MID_KEY} gross="$2.00"
	HDR=(-H "Content-Type: application/json")
	BODY=$(printf '{"transaction_time":"2026-11-05 10:00:00","transaction_status":"settlement","transaction_id":"%s","status_message":"midtrans payment notification","status_code":"200","signature_key":"%s","payment_type":"bank_transfer","order_id":"%s","merchant_id":"G000000001","gross_amount":"%s","fraud_status":"accept","currency":"IDR"}' \
		"$3" "$(sha512 "${1}200${gross}${key}")" "$1" "$gross")
}
body_xendit() {
	HDR=(-H "Content-Type: application/json" -H "x-callback-token: ${4:-$XND_TOKEN}")
	BODY=$(printf '{"id":"%s","external_id":"%s","user_id":"5781d19b2e2385880609791c","is_high":false,"payment_method":"BANK_TRANSFER","status":"PAID","merchant_name":"RT RW Net","amount":%s,"paid_amount":%s,"bank_code":"BNI","paid_at":"2026-11-05T03:00:00.000Z","currency":"IDR","payment_channel":"BNI"}' \
		"$3" "$1" "$2" "$2")
}
body_tripay() {
	local b
	b=$(printf '{"reference":"%s","merchant_ref":"%s","payment_method":"BRI Virtual Account","payment_method_code":"BRIVA","total_amount":%s,"fee_merchant":4250,"fee_customer":0,"total_fee":4250,"amount_received":%s,"is_closed_payment":1,"status":"PAID","paid_at":1793854800,"note":null}' \
		"$3" "$1" "$2" "$(($2 - 4250))")
	HDR=(-H "Content-Type: application/json" -H "X-Callback-Event: payment_status"
	     -H "X-Callback-Signature: $(hmac256 "${4:-$TRP_KEY}" "$b")")
	BODY=$b
}
urlenc() { jq -rn --arg v "$1" '$v | @uri'; }
body_duitku() {
	HDR=(-H "Content-Type: application/x-www-form-urlencoded")
	BODY=$(printf 'merchantCode=%s&amount=%s&merchantOrderId=%s&productDetail=Tagihan+internet&additionalParam=&paymentCode=BT&resultCode=00&merchantUserId=&reference=%s&signature=%s&publisherOrderId=P%s&spUserHash=&settlementDate=2026-11-05&issuerCode=' \
		"$DK_CODE" "$2" "$(urlenc "$1")" "$3" \
		"$(md5 "$DK_CODE$2$1${4:-$DK_KEY}")" "$3")
}

# post GW BODY [curl args...] -> HTTP status
post() {
	local gw=$1 body=$2
	shift 2
	curl -s -o "$tmp/resp" -w '%{http_code}' -X POST "$@" \
		--data-binary "$body" "$URL/webhooks/$gw"
}
store_md5() { md5sum "$DB/data.mdb" | cut -d' ' -f1; }
payments() { mdb_stat -s payments "$DB" | awk '/Entries:/ { print $2 }'; }

# expect GW WHAT STATUS BODY [curl args]: status and an untouched store
expect_rejected() {
	local gw=$1 what=$2 want=$3 body=$4 before got
	shift 4
	before=$(store_md5)
	got=$(post "$gw" "$body" "$@")
	if [ "$got" != "$want" ]; then
		bad "$gw $what: HTTP $got, want $want ($(cat "$tmp/resp"))"
	elif [ "$(store_md5)" != "$before" ]; then
		bad "$gw $what: store changed"
	else
		ok "$gw $what -> $want, data.mdb unchanged"
	fi
}

for gw in midtrans xendit tripay duitku; do
	sub=s-$gw
	num=$(inv_num "$sub")
	total=$(inv_total "$sub")
	[ -n "$num" ] && [ "$num" != null ] || die "no invoice for $sub"
	txn="$gw-txn-$$"

	# forged: signed with the wrong key
	body_$gw "$num" "$total" "$txn" wrong-key-$$; b=$BODY
	expect_rejected $gw forged 401 "$b" "${HDR[@]}"
	# unsigned: the header (or signature field) is missing
	body_$gw "$num" "$total" "$txn"; b=$BODY
	case $gw in
	midtrans) expect_rejected $gw unsigned 401 \
		"$(printf '%s' "$b" | jq -c 'del(.signature_key)')" "${HDR[@]}" ;;
	duitku) expect_rejected $gw unsigned 401 \
		"$(printf '%s' "$b" | sed 's/&signature=[0-9a-f]*//')" "${HDR[@]}" ;;
	*) expect_rejected $gw "missing header" 401 "$b" \
		-H "Content-Type: application/json" ;;
	esac
	# unknown order, correctly signed (and known to the gateway)
	truth_$gw "INV/2099/01/999999" "$total" "$txn-u"
	body_$gw "INV/2099/01/999999" "$total" "$txn-u"; b=$BODY
	expect_rejected $gw "unknown order" 404 "$b" "${HDR[@]}"
	# malformed, correctly signed where the gateway signs the raw body
	case $gw in
	midtrans) expect_rejected $gw malformed 400 '{"order_id":' "${HDR[@]}" ;;
	xendit) expect_rejected $gw malformed 400 '{"external_id":[' "${HDR[@]}" ;;
	tripay)
		mb='{"merchant_ref":"x","total_amount":"12,5"'
		expect_rejected $gw malformed 400 "$mb" \
			-H "X-Callback-Signature: $(hmac256 "$TRP_KEY" "$mb")" ;;
	duitku) expect_rejected $gw malformed 400 'merchantCode=%zz&amount=1' ;;
	esac
	# wrong amount: 409, flagged for the operator, no payment
	p0=$(payments)
	truth_$gw "$num" "$((total + 1000))" "$txn-w"
	body_$gw "$num" "$((total + 1000))" "$txn-w"; b=$BODY
	got=$(post $gw "$b" "${HDR[@]}")
	if [ "$got" = 409 ] && [ "$(payments)" = "$p0" ] &&
	   [ "$(inv_status "$num")" != paid ]; then
		ok "$gw wrong amount -> 409, no payment"
	else
		bad "$gw wrong amount: HTTP $got, payments $p0 -> $(payments)"
	fi
	tg --json audit 2>/dev/null | grep -q payment_mismatch ||
		bad "$gw wrong amount not flagged in the audit log"

	# the valid notification, with a retry suffix on the order id,
	# 100 times, 20 at a time
	truth_$gw "$num-2" "$total" "$txn"
	body_$gw "$num-2" "$total" "$txn"; b=$BODY
	printf '%s' "$b" >"$tmp/body-$gw"
	p0=$(payments)
	hdrs=$(printf '%q ' "${HDR[@]}")
	seq 100 | xargs -P 20 -I{} sh -c "curl -s -o /dev/null -w '%{http_code}\n' -X POST $hdrs --data-binary @$tmp/body-$gw $URL/webhooks/$gw" \
		>"$tmp/codes-$gw"
	n200=$(grep -c '^200$' "$tmp/codes-$gw")
	p1=$(payments)
	st=$(inv_status "$num")
	if [ "$n200" = 100 ] && [ $((p1 - p0)) = 1 ] && [ "$st" = paid ]; then
		ok "$gw valid x100 (20 concurrent) -> 100 x 200, exactly one payment, invoice paid"
	else
		bad "$gw valid x100: $n200 x 200 ($(sort "$tmp/codes-$gw" | uniq -c | tr '\n' ' ')), payments +$((p1 - p0)), invoice $st"
	fi
done

# --- a payment that clears the overdue restores the subscriber ------------
NOW=2026-11-25T08:00+07:00 tg dunning run >/dev/null || die "dunning run"
[ "$(tg --json sub show s-restore | jq -r .status)" = suspended ] ||
	die "s-restore not suspended by dunning"
num=$(inv_num s-restore)
truth_midtrans "$num" "$(inv_total s-restore)" "restore-txn-$$"
body_midtrans "$num" "$(inv_total s-restore)" "restore-txn-$$"
got=$(post midtrans "$BODY" "${HDR[@]}")
st=$(tg --json sub show s-restore | jq -r .status)
if [ "$got" = 200 ] && [ "$st" = active ]; then
	ok "webhook payment restores a subscriber suspended by dunning"
else
	bad "restore: HTTP $got, subscriber $st"
fi

# --- a body over the limit ---------------------------------------------------
got=$(head -c 70000 /dev/zero | tr '\0' a | curl -s -o /dev/null -w '%{http_code}' \
	-X POST --data-binary @- "$URL/webhooks/midtrans")
[ "$got" = 413 ] && ok "70 kB body -> 413" || bad "70 kB body: HTTP $got"

# --- secrets never in the log -------------------------------------------------
for s in "$MID_KEY" "$XND_TOKEN" "$TRP_KEY" "$DK_KEY"; do
	grep -qF "$s" "$tmp/tagihd.log" && bad "a secret appears in the log"
done
grep -q "Pelanggan" "$tmp/tagihd.log" && bad "personal data in the log"

TAGIH_CMD=tg
n=$(gwmock_unconfirmed)
echo "payments booked that the mock did not confirm: $n"
[ "$n" = 0 ] || bad "$n payment(s) booked that the gateway did not confirm"

kill "$pid"; wait "$pid" 2>/dev/null; pid=
[ $fails = 0 ] || die "$fails check(s) failed"
echo "all tagihd checks passed"
