# SPDX-License-Identifier: GPL-2.0
# gwmock.sh - sourced by the webhook tests: start gwmock.py, tell it what the gateways know.
#
# Needs: python3, jq, curl. Set before sourcing or calling gwmock_start:
#   GWM_DIR    a scratch directory of the test (state and log go there)
#   MID_KEY XND_SECRET TRP_API DK_CODE DK_KEY   the keys it accepts
# After gwmock_start, GWM_URL is the base URL for every *_url key.

GWM_PID=

gwmock_start() {	# PORT
	GWM_PORT=$1
	GWM_STATE=$GWM_DIR/gwmock.json
	GWM_LOG=$GWM_DIR/gwmock.log
	GWM_URL=http://127.0.0.1:$GWM_PORT
	[ -f "$GWM_STATE" ] ||
		jq -n --arg m "${MID_KEY:-}" --arg x "${XND_SECRET:-}" --arg t "${TRP_API:-}" \
			--arg dc "${DK_CODE:-}" --arg dk "${DK_KEY:-}" \
			'{mode:"ok",keys:{midtrans:$m,xendit:$x,tripay:$t,duitku:[$dc,$dk]},
			  midtrans:{},xendit:{},tripay:{},duitku:{}}' >"$GWM_STATE"
	python3 "$(dirname "${BASH_SOURCE[0]}")/gwmock.py" "$GWM_PORT" "$GWM_STATE" \
		2>>"$GWM_LOG" &
	GWM_PID=$!
	local i
	for i in $(seq 50); do
		curl -s -o /dev/null "$GWM_URL/" && return 0
		sleep 0.1
	done
	echo "gwmock did not start: $(cat "$GWM_LOG")" >&2
	return 1
}

gwmock_stop() {
	[ -n "$GWM_PID" ] || return 0
	kill "$GWM_PID" 2>/dev/null
	wait "$GWM_PID" 2>/dev/null
	GWM_PID=
}

# gwmock_jq FILTER [jq args]: edit the state atomically
gwmock_jq() {
	local f=$1
	shift
	jq "$@" "$f" "$GWM_STATE" >"$GWM_STATE.new" && mv "$GWM_STATE.new" "$GWM_STATE"
}

gwmock_mode() { gwmock_jq '.mode = $m' --arg m "$1"; }

# What each gateway's status API says about one transaction.
# truth_midtrans ORDER AMOUNT TXN [STATUS [CODE [FRAUD [CURRENCY [REFUND]]]]]
#   (FRAUD "-" leaves fraud_status out; REFUND: refund_amount)
truth_midtrans() {
	gwmock_jq '({status_code:$c, status_message:"Success",
		transaction_id:$t, order_id:$o, gross_amount:($a + ".00"),
		payment_type:"bank_transfer", transaction_time:"2026-11-05 10:00:00",
		transaction_status:$s, currency:$cur, merchant_id:"G000000001"}
		+ (if $f == "-" then {} else {fraud_status:$f} end)
		+ (if $r == "" then {} else {refund_amount:($r + ".00")} end)) as $x
		| .midtrans[$o] = $x | .history += [$x + {gw:"midtrans"}]' \
		--arg o "$1" --arg a "$2" --arg t "$3" --arg s "${4:-settlement}" \
		--arg c "${5:-200}" --arg f "${6:-accept}" --arg cur "${7:-IDR}" \
		--arg r "${8:-}"
}
# truth_xendit ORDER AMOUNT ID [STATUS [CURRENCY]]
truth_xendit() {
	gwmock_jq '{id:$i, external_id:$o, status:$s,
		amount:($a|tonumber), paid_amount:($a|tonumber), currency:$cur,
		merchant_name:"RT RW Net"} as $x
		| .xendit[$i] = $x | .history += [$x + {gw:"xendit"}]' \
		--arg o "$1" --arg a "$2" --arg i "$3" --arg s "${4:-PAID}" \
		--arg cur "${5:-IDR}"
}
# truth_tripay ORDER AMOUNT REF [STATUS]  (no customer fee)
truth_tripay() {
	gwmock_jq '{reference:$r, merchant_ref:$o, status:$s,
		amount:($a|tonumber), fee_merchant:4250, fee_customer:0,
		total_fee:4250, amount_received:(($a|tonumber) - 4250),
		payment_method:"BRIVA", payment_name:"BRI Virtual Account"} as $x
		| .tripay[$r] = $x | .history += [$x + {gw:"tripay"}]' \
		--arg o "$1" --arg a "$2" --arg r "$3" --arg s "${4:-PAID}"
}
# truth_duitku ORDER AMOUNT REF [STATUSCODE]
truth_duitku() {
	gwmock_jq '{merchantOrderId:$o, reference:$r, amount:$a,
		fee:"0.00", statusCode:$c, statusMessage:"SUCCESS"} as $x
		| .duitku[$o] = $x | .history += [$x + {gw:"duitku"}]' \
		--arg o "$1" --arg a "$2" --arg r "$3" --arg c "${4:-00}"
}
# truth_forget GW KEY
truth_forget() { gwmock_jq 'del(.[$g][$k])' --arg g "$1" --arg k "$2"; }

# The gateway payments booked that the mock did not confirm: audit
# "payment"/"payment_credit" entries whose ref (GW:TXN) the mock never
# reported as paid, in IDR, for that amount (every truth_* is kept in
# .history: a payment refunded later was still confirmed when booked).
# TAGIH_CMD: how to run tagih.
gwmock_unconfirmed() {
	$TAGIH_CMD --json audit 2>/dev/null | jq --slurpfile m "$GWM_STATE" '
	  ($m[0]) as $m |
	  def amt: if type == "string" then (rtrimstr(".00") | tonumber) else . end;
	  def ok($gw; $txn; $a):
	    if $gw == "midtrans" then [($m.history // [])[] | select(.gw == "midtrans" and .transaction_id == $txn
		and (.transaction_status == "settlement" or .transaction_status == "capture")
		and .status_code == "200" and ((.fraud_status // "accept") == "accept")
		and (.currency // "IDR") == "IDR" and (.gross_amount | amt) == $a)]
	    elif $gw == "xendit" then [($m.history // [])[] | select(.gw == "xendit" and .id == $txn
		and (.status == "PAID" or .status == "SETTLED")
		and (.currency // "IDR") == "IDR" and (.paid_amount // .amount) == $a)]
	    elif $gw == "tripay" then [($m.history // [])[] | select(.gw == "tripay" and .reference == $txn
		and .status == "PAID" and (.amount - (.fee_customer // 0)) == $a)]
	    elif $gw == "duitku" then [($m.history // [])[] | select(.gw == "duitku" and .reference == $txn
		and .statusCode == "00" and (.amount | amt) == $a)]
	    else [] end | length > 0;
	  [ .[] | select(.action == "payment" or .action == "payment_credit")
	    | .detail | select(.method == "gateway")
	    | (.ref | split(":")) as [$gw, $txn]
	    | select(ok($gw; $txn; .amount) | not) ] | length'
}
