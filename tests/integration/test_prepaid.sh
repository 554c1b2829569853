#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_prepaid.sh - issue 12, "what it must show" 3: prepaid masa aktif and
# vouchers on the real agent in namespaces, every instant given (--now /
# TAGIH_NOW), never today's date.
#
#   s1  10.77.1.2/32  prepaid (pra7: Rp 20.000 for 7 days): bought,
#                     extended from its expiry, expires -> isolir by the
#                     agent's own dunning pass, pays -> back, delay printed
#   s4  10.77.4.2/32  postpaid, owes nothing: unaffected throughout
#
# Reminders ("masa aktif habis 3 hari lagi") are recorded once; vouchers:
# one redeemed once, the second redemption refused, a wrong code writes
# nothing (data.mdb byte-identical), 429 after repeated failures.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

tg_init
tg_need_bins
for t in python3 jq cmp; do
	command -v "$t" >/dev/null 2>&1 || tg_skip "$t not installed"
done
topo_up 1 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"

DPORT=$((10000 + $$ % 20000))	# tagihd on the host's loopback
DURL=http://127.0.0.1:$DPORT
CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
policy_poll_ms = 100
dunning_interval = 60
notice_listen = 0.0.0.0:8081
prepaid_reminder_days = 3,1
public_url = http://127.0.0.1:$DPORT
EOC
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }
at() { local t=$1; shift; TAGIH_NOW=$t "$@"; }	# a command at instant $1

cli plan add pra7 --type prepaid --price 20000 --days 7 >/dev/null || tg_die "plan add"
cli plan add bulanan --type flat --price 150000 >/dev/null || tg_die "plan add flat"
cli sub add s1 --name "Satu" --ip 10.77.1.2/32 --plan pra7 \
	--activated 2026-11-01 >/dev/null || tg_die "sub add s1"
cli sub add s4 --name "Empat" --ip 10.77.4.2/32 --plan bulanan \
	--activated 2026-11-01 >/dev/null || tg_die "sub add s4"
cli garden add 10.77.1.1 --port 8081 >/dev/null || tg_die "garden add (notice page)"
expires() { cli prepaid show s1 --json | jq -r .expires; }
epoch() { date -d "$1" +%s; }

# ----------------------------------------- purchase, and extension ---
# 20.000 + 11% PPN = 22.200 buys 7 days from now
at 2026-11-01T10:00+07:00 cli pay s1 --amount 22200 --method cash --ref k1 \
	>/dev/null || tg_die "first purchase"
[ "$(expires)" = "$(epoch 2026-11-08T10:00+07:00)" ] ||
	tg_die "first purchase: expiry $(expires), want 2026-11-08T10:00+07:00"
# bought again 3 days in: from the current expiry, not from now
at 2026-11-04T10:00+07:00 cli pay s1 --amount 22200 --method cash --ref k2 \
	>/dev/null || tg_die "second purchase"
[ "$(expires)" = "$(epoch 2026-11-15T10:00+07:00)" ] ||
	tg_die "extension: expiry $(expires), want 2026-11-15T10:00+07:00 (from the current expiry)"
cli invoice list --json >"$TG_TMP/rcpt.json" || tg_die "invoice list"
[ "$(jq -r '[.[] | select(.subscriber == "s1")] | map(.number) | join(" ")' "$TG_TMP/rcpt.json")" = \
	"KW/2026/11/000001 KW/2026/11/000002" ] || tg_die "receipts: $(cat "$TG_TMP/rcpt.json")"
[ "$(jq -r '[.[] | select(.subscriber == "s1") | .tax] | add' "$TG_TMP/rcpt.json")" = 4400 ] ||
	tg_die "receipts' PPN is not 2 x Rp 2.200"
# no postpaid invoice for a prepaid subscriber; s4 gets its own
cli invoice run --period 2026-11 --now 2026-12-01T09:00+07:00 >/dev/null ||
	tg_die "invoice run"
cli invoice list --json | jq -e '[.[] | select(.subscriber == "s1" and (.number | startswith("INV")))] | length == 0' >/dev/null ||
	tg_die "the invoice run billed prepaid s1"
# s4's invoice paid, so dunning never touches s4
S4INV=$(cli invoice list --json | jq -r '.[] | select(.subscriber == "s4") | .number')
S4TOT=$(cli invoice list --json | jq -r '.[] | select(.subscriber == "s4") | .total')
at 2026-12-01T10:00+07:00 cli pay s4 --amount "$S4TOT" --method cash --ref s4a >/dev/null ||
	tg_die "s4 pays $S4INV"
cli fsck >/dev/null || tg_die "fsck after purchases"
tg_log "s1: two receipts, masa aktif until 2026-11-15T10:00+07:00 (extended from its expiry)"

# ------------------------------------------------ reminders, once ---
for t in 2026-11-12T08:00 2026-11-12T09:00 2026-11-13T08:00 2026-11-14T08:00 \
	 2026-11-14T20:00; do
	cli dunning run --now "$t+07:00" --json >>"$TG_TMP/rem.json" || tg_die "dunning at $t"
done
[ "$(jq -s 'map(.reminders) | join(",")' -r "$TG_TMP/rem.json")" = "1,0,0,1,0" ] ||
	tg_die "reminders per run: $(jq -s -c 'map(.reminders)' "$TG_TMP/rem.json"), want 1,0,0,1,0"
cli audit --sub s1 >"$TG_TMP/audit.txt" || tg_die "audit"
[ "$(grep -c 'masa aktif habis 3 hari lagi' "$TG_TMP/audit.txt")" = 1 ] &&
[ "$(grep -c 'masa aktif habis 1 hari lagi' "$TG_TMP/audit.txt")" = 1 ] ||
	tg_die "reminders not recorded exactly once each: $(grep prepaid_remind "$TG_TMP/audit.txt")"
tg_log "reminders: 'masa aktif habis 3 hari lagi' and '1 hari lagi', each once over 5 runs"

# ------------------------------------- expiry -> isolir by the agent ---
cant_ping() { ! tg_ping1 "$1" "$2" 1; }
TG_INTERVAL=1
# The agent's clock stands after the expiry; its own dunning pass (every
# dunning_interval = 60 s) must isolate s1 within a minute.
T0=$(tg_ms)
TAGIH_NOW=2026-11-15T10:00:30+07:00 tg_agent_start --config "$CONF" ||
	tg_die "agent did not start"
tg_ping1 s1 $TG_UP4 1 || tg_die "s1 offline before its masa aktif ended"
tg_wait_until 75 "s1 isolated by the agent's dunning" cant_ping s1 $TG_UP4 ||
	tg_die "s1 still online 75 s after its masa aktif ended"
T1=$(tg_ms)
tg_ping1 s4 $TG_UP4 1 || tg_die "s4 affected by s1's expiry"
cli sub show s1 --json | jq -e '.status == "suspended"' >/dev/null ||
	tg_die "s1 not suspended in the store"
tg_log "expiry -> isolir: $(( (T1 - T0) / 1000 )) s after the agent started (dunning_interval 60 s); s4 unaffected"

# ------------------------------------------- payment -> back in 1 s ---
T0=$(tg_ms)
at 2026-11-15T10:01+07:00 cli pay s1 --amount 22200 --method cash --ref k3 \
	>/dev/null || tg_die "payment after expiry"
for (( i = 0; i < 40; i++ )); do
	tg_ping1 s1 $TG_UP4 0.05 && break
done
T1=$(tg_ms)
tg_ping1 s1 $TG_UP4 1 || tg_die "s1 still isolated after paying"
DT=$((T1 - T0))
echo "prepaid payment -> traffic back: ${DT} ms (tagih pay to first echo reply)"
[ "$DT" -le 1000 ] || tg_die "traffic came back after ${DT} ms (> 1 s)"
[ "$(expires)" = "$(epoch 2026-11-22T10:01+07:00)" ] ||
	tg_die "after expiry the purchase counts from now: $(expires)"
cli fsck >/dev/null || tg_die "fsck after the payment"

# ----------------------------------------------------------- vouchers ---
cli voucher create --plan pra7 --count 3 --reseller warung1 \
	--out "$TG_TMP/v.csv" --now 2026-11-16T09:00+07:00 >/dev/null || tg_die "voucher create csv"
cli voucher create --plan pra7 --count 2 --out "$TG_TMP/v.pdf" \
	--now 2026-11-16T09:00+07:00 >/dev/null || tg_die "voucher create pdf"
[ "$(head -c 5 "$TG_TMP/v.pdf")" = "%PDF-" ] || tg_die "v.pdf is not a PDF"
[ "$(stat -c %a "$TG_TMP/v.csv")" = 600 ] || tg_die "the sheet is not private (0600)"
mapfile -t CODES < <(tail -n +2 "$TG_TMP/v.csv" | cut -d, -f2)
[ "${#CODES[@]}" = 3 ] || tg_die "v.csv holds ${#CODES[@]} codes, want 3"
for c in "${CODES[@]}"; do
	[[ $c =~ ^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$ ]] ||
		tg_die "code '$c' is not 12 of the look-alike-free alphabet"
done
cli voucher list --json | jq -e 'tostring | contains("'"${CODES[0]//-/}"'") | not' >/dev/null ||
	tg_die "voucher list shows a code"

# s1's masa aktif (until 2026-11-22T10:01) ends; the agent's clock moves on
tg_agent_stop || true
TAGIH_NOW=2026-11-23T10:00:30+07:00 tg_agent_start --config "$CONF" ||
	tg_die "agent did not restart"
cli dunning run --now 2026-11-23T10:00+07:00 >/dev/null || tg_die "dunning 11-23"
tg_wait_until 3 "s1 isolated again" cant_ping s1 $TG_UP4 ||
	tg_die "s1 online after its masa aktif ended again"
# the notice page (garden) takes the voucher from the isolated line
notice() { tg_in s1 curl -s -o "$TG_TMP/notice.html" -w '%{http_code}' \
	--max-time 5 --data-urlencode "code=$1" http://10.77.1.1:8081/voucher; }
T0=$(tg_ms)
[ "$(notice "${CODES[0],,}")" = 200 ] || tg_die "notice page refused a good code: $(cat "$TG_TMP/notice.html")"
for (( i = 0; i < 40; i++ )); do
	tg_ping1 s1 $TG_UP4 0.05 && break
done
T1=$(tg_ms)
tg_ping1 s1 $TG_UP4 1 || tg_die "s1 still isolated after its voucher"
echo "voucher on the isolir notice page -> traffic back: $((T1 - T0)) ms"
[ $((T1 - T0)) -le 1000 ] || tg_die "traffic came back after $((T1 - T0)) ms (> 1 s)"
[ "$(expires)" = "$(epoch 2026-11-30T10:00:30+07:00)" ] ||
	tg_die "voucher: expiry $(expires), want 7 days from the agent's now"
[ "$(notice "${CODES[0]}")" = 400 ] || tg_die "a used code was not refused on the notice page"
WRONG=${CODES[1]:0:13}$( [ "${CODES[1]:13:1}" = A ] && echo B || echo A )
n400=0
for (( i = 0; i < 8; i++ )); do
	rc=$(notice "$WRONG")
	[ "$rc" = 429 ] && break
	[ "$rc" = 400 ] || tg_die "notice page answered $rc to a wrong code"
	n400=$((n400 + 1))
done
[ "$rc" = 429 ] && [ $n400 = 4 ] ||
	tg_die "notice page: 429 after $n400 more wrong codes (want 429 after 5 failures in all)"
tg_log "notice page: good code 200 (traffic back), used code 400, wrong codes 400 x4 then 429"

# --------------------------------------- quota drawn down by the drain ---
# s3 on a 1 GB prepaid plan downloads past it: the agent's drain takes the
# bytes off in its txn, isolates s3 at zero; a pack brings it back.
cli plan add kuota1 --type prepaid --price 10000 --days 30 --quota-gb 1 >/dev/null ||
	tg_die "plan add kuota1"
cli pack add extra1 --gb 1 --price 5000 --days 7 >/dev/null || tg_die "pack add"
cli sub add s3 --name "Tiga" --ip 10.77.3.2/32 --plan kuota1 >/dev/null || tg_die "sub add s3"
at 2026-11-23T10:00:40+07:00 cli pay s3 --amount 11100 --method cash --ref q1 >/dev/null ||
	tg_die "s3 buys kuota1"
tg_wait_until 3 "s3 online" tg_ping1 s3 $TG_UP4 1 || tg_die "s3 offline after buying"
# downloads of 4 s until the line is cut (a slow machine needs more than one)
for (( i = 0; i < 6; i++ )); do
	TG_IPERF_TIMEOUT=12 tg_iperf s3 "$TG_TMP/q.json" -c $TG_UP4 -p 5201 -t 4 -R || true
	sleep 1.5	# one drain interval and a reconcile
	cant_ping s3 $TG_UP4 && break
done
tg_wait_until 5 "s3 isolated at zero quota" cant_ping s3 $TG_UP4 ||
	tg_die "s3 still online past its quota: $(cli prepaid show s3 --json)"
cli prepaid show s3 --json >"$TG_TMP/q3.json"
jq -e '.quota.left_bytes == 0 and .quota.exhausted and .quota.used_bytes >= 1000000000 and .status == "suspended"' \
	"$TG_TMP/q3.json" >/dev/null || tg_die "s3's quota state: $(cat "$TG_TMP/q3.json")"
tg_ping1 s4 $TG_UP4 1 || tg_die "s4 affected by s3's quota"
T0=$(tg_ms)
at 2026-11-23T10:05+07:00 cli pack buy s3 extra1 --method cash --ref q2 >/dev/null ||
	tg_die "pack buy"
for (( i = 0; i < 40; i++ )); do
	tg_ping1 s3 $TG_UP4 0.05 && break
done
T1=$(tg_ms)
tg_ping1 s3 $TG_UP4 1 || tg_die "s3 still isolated after the pack"
echo "quota used up after $(jq .quota.used_bytes "$TG_TMP/q3.json") bytes -> isolir; pack bought -> traffic back: $((T1 - T0)) ms"
[ $((T1 - T0)) -le 1000 ] || tg_die "pack: traffic came back after $((T1 - T0)) ms (> 1 s)"

# the customer page (tagihd, no capabilities) takes them too
TAGIH_NOW=2026-11-23T10:01+07:00 tg_bg "$BUILD/tagihd" --db "$TG_DB" --config "$CONF" \
	--listen 127.0.0.1:$DPORT
DPID=$TG_LAST_PID
tg_wait_until 5 "tagihd /healthz" curl -sf "$DURL/healthz" || tg_die "tagihd did not start"
URL=$(cli sub link s1 --json | jq -r .url)
page() { curl -s -o "$TG_TMP/page.html" -w '%{http_code}' --max-time 5 \
	--data-urlencode "code=$1" "$URL/voucher"; }
curl -sf "$URL" -o "$TG_TMP/cp.html" || tg_die "customer page"
grep -q 'id="expires"' "$TG_TMP/cp.html" || tg_die "the customer page shows no expiry"
grep -q '30 November 2026' "$TG_TMP/cp.html" || tg_die "the customer page shows the wrong expiry"
grep -q 'id="buy-cashier"\|id="buy"' "$TG_TMP/cp.html" || tg_die "no buy-again on the customer page"
[ "$(page "${CODES[1]}")" = 200 ] || tg_die "customer page refused a good code"
[ "$(expires)" = "$(epoch 2026-12-07T10:00:30+07:00)" ] ||
	tg_die "page voucher: expiry $(expires), want from the current expiry"
[ "$(page "${CODES[1]}")" = 400 ] || tg_die "customer page took a used code"
n400=1
for (( i = 0; i < 8; i++ )); do
	rc=$(page "$WRONG")
	[ "$rc" = 429 ] && break
	[ "$rc" = 400 ] || tg_die "customer page answered $rc to a wrong code"
	n400=$((n400 + 1))
done
[ "$rc" = 429 ] && [ $n400 = 5 ] ||
	tg_die "customer page: 429 after $n400 failures (want after 5)"
tg_log "customer page: expiry shown, good code 200, used 400, 429 after 5 failures"

# a wrong or used code writes nothing: data.mdb byte-identical
tg_agent_stop || true
kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; tg_forget "$DPID"
cp "$TG_DB/data.mdb" "$TG_TMP/before.mdb"
cli voucher redeem "$WRONG" --sub s1 --now 2026-11-24T10:00+07:00 2>/dev/null &&
	tg_die "a wrong code was accepted"
cli voucher redeem "${CODES[0]}" --sub s1 --now 2026-11-24T10:00+07:00 2>/dev/null &&
	tg_die "a used code was accepted twice"
cmp -s "$TG_DB/data.mdb" "$TG_TMP/before.mdb" || tg_die "a refused code changed data.mdb"
cli voucher redeem "${CODES[2]}" --sub s1 --now 2026-11-24T10:00+07:00 >/dev/null ||
	tg_die "the third code"
cmp -s "$TG_DB/data.mdb" "$TG_TMP/before.mdb" && tg_die "cmp cannot see a change (the check is void)"
cli report vouchers --json >"$TG_TMP/rep.json" || tg_die "report vouchers"
jq -e '.[] | select(.reseller == "warung1") | .sold == 3 and .redeemed == 3' "$TG_TMP/rep.json" >/dev/null &&
jq -e '.[] | select(.reseller == "") | .sold == 2 and .redeemed == 0' "$TG_TMP/rep.json" >/dev/null ||
	tg_die "report vouchers: $(cat "$TG_TMP/rep.json")"
cli fsck >/dev/null || tg_die "fsck at the end"
tg_log "refused codes leave data.mdb byte-identical; report: warung1 sold 3, redeemed 3"

tg_log "PASS"
echo "1 passed, 0 failed"
