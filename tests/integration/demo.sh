#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh - `make demo`: the whole loop in network namespaces, with a report:
# meter -> drain -> invoices -> overdue -> isolir (walled garden) -> pay ->
# traffic back, with the measured restore delay. Cleans up on any exit.
#
#   s1  10.77.1.2   paket-flat   (flat Rp 150.000)         goes overdue
#   s3  10.77.3.2   paket-volume (Rp 2.000 per GB)         pays on time
#   s4  10.77.4.2   paket-hybrid (Rp 100.000, 1 GB, then Rp 3.000/GB)
#   up  10.77.0.2 iperf3; 10.77.0.53 dnsmasq (DNS); 10.77.0.80 portal (HTTP)
#   gw  tagih-agent (XDP, skb mode), isolir notice page on :8081
# `make demo` runs it with sh: lib.sh needs bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u -o pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

RESOLVER=10.77.0.53
PORTAL=10.77.0.80
GW1=10.77.1.1
NOTICE_PORT=8081
# Every date comes from the clock (never a fixed month): the agent meters
# the real traffic at the real time, so the demo bills the month(s) it
# metered in, with invoices issued on the 1st of the month after, and then
# simulates the days that follow with --now / TAGIH_NOW.
export TZ=Asia/Jakarta		# the operator's zone (the config's timezone)
month_now() { date +%Y-%m; }
# day_plus YYYY-MM-DD N -> the date N days later
day_plus() { date -d "$1 + $2 days" +%F; }
# month_next YYYY-MM -> the month after
month_next() { date -d "$1-15 + 1 month" +%Y-%m; }
at() { echo "$1T$2+07:00"; }	# DAY HH:MM -> an instant in WIB
M0=$(month_now)			# subscribers are activated on its 1st

tg_init
tg_need_bins
for t in dig dnsmasq python3; do
	command -v "$t" >/dev/null 2>&1 || tg_die "$t not installed (make deps)"
done
REPORT=$TG_TMP/report.txt
say() { tg_log "$*"; }
rep() { echo "$*" >>"$REPORT"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# One TCP probe bounded to 0.2 s (a dropped SYN would otherwise wait for
# the 1 s retransmit and hide the real restore delay).
fast_reach() {
	local out
	out=$(tg_in "$1" timeout 0.2 bash -c ": >/dev/tcp/$2/9" 2>&1)
	case $out in *refused*) return 0 ;; esac
	return 1
}

say "1/8 namespaces: gateway, 4 subscribers, upstream with DNS and a portal"
topo_up 3 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"
tg_in up ip addr add $RESOLVER/32 dev eth0
tg_in up ip addr add $PORTAL/32 dev eth0
tg_bg nsenter --net="$(tg_nspath up)" dnsmasq --no-daemon --no-resolv \
	--no-hosts --bind-interfaces --listen-address=$RESOLVER \
	--address=/portal.tagih.test/$PORTAL --user=root \
	--pid-file="$TG_TMP/dnsmasq.pid" >"$TG_TMP/dnsmasq.log" 2>&1
mkdir -p "$TG_TMP/portal"
echo "<h1>Portal pembayaran</h1>" >"$TG_TMP/portal/index.html"
tg_bg nsenter --net="$(tg_nspath up)" python3 -m http.server 80 \
	--bind $PORTAL --directory "$TG_TMP/portal" >"$TG_TMP/portal.log" 2>&1
tg_wait_until 10 "portal" tg_port_listening up 80 || tg_die "portal did not start"

CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
operator_npwp = 01.234.567.8-901.000
timezone = Asia/Jakarta
policy_poll_ms = 100
dunning_interval = 86400
notice_listen = 0.0.0.0:$NOTICE_PORT
operator_name = "RT/RW Net Demo"
bank_transfer = "BCA 1234567890 a.n. RT/RW Net Demo"
tax_mode = exclusive
ppn_bp = 1100
due_days = 10
grace_days = 3
late_fee = 5000
EOC
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }
q() { cli "$@" >>"$TG_TMP/cli.log" 2>&1 || { tail -n 5 "$TG_TMP/cli.log" >&2; tg_die "tagih $*"; }; }

say "2/8 the store (tagih init), plans, subscribers, walled garden"
TG_DB=$TG_TMP/store	# made here, as an operator does: nothing else creates one
cli sub list >/dev/null 2>"$TG_TMP/nostore.err" && tg_die "a command ran without a store"
grep -q 'tagih init' "$TG_TMP/nostore.err" || tg_die "no 'tagih init' hint: $(cat "$TG_TMP/nostore.err")"
q init
say "  $(grep '^created store' "$TG_TMP/cli.log")"
q plan add paket-flat --type flat --price 150000
q plan add paket-volume --type volume --per-gb 2000
q plan add paket-hybrid --type hybrid --price 100000 --quota-gb 1 --per-gb 3000
q sub add s1 --name "Budi" --plan paket-flat --activated $M0-01 --ip 10.77.1.2/32
q sub add s3 --name "Siti" --plan paket-volume --activated $M0-01 --ip 10.77.3.2/32 --ip 10.77.33.0/24
q sub add s4 --name "Ani" --plan paket-hybrid --activated $M0-01 --ip 10.77.4.2/32 --ip fd77:4::/64
q garden add $RESOLVER --port 53
q garden add $PORTAL/32
q garden add $GW1 --port $NOTICE_PORT

say "3/8 tagih-agent on the gateway (XDP, ${TG_XDP_MODE:-skb} mode)"
TG_INTERVAL=1
tg_agent_start --config "$CONF" || tg_die "agent did not start"

say "4/8 real traffic with iperf3"
tg_iperf s1 "$TG_TMP/i1.json" -c $TG_UP4 -p 5201 -n 200M || tg_die "iperf3 s1"
tg_iperf s3 "$TG_TMP/i3.json" -c $TG_UP4 -p 5202 -n 600M -R || tg_die "iperf3 s3"
tg_iperf s4 "$TG_TMP/i4.json" -c $TG_UP4 -p 5203 -n 1500M || tg_die "iperf3 s4"
tg_wait_drained 30 s1 s3 s4 || tg_die "usage did not settle"
# The months the traffic was metered in: one, or two when the demo ran
# across a month's end.  Each is billed; invoices are issued on the 1st
# of the month after the last, due 10 days later, grace 3 days.
M1=$(month_now)
PERIODS=$M0; [ "$M1" = "$M0" ] || PERIODS="$M0 $M1"
ISSUE_DAY=$(month_next "$M1")-01
ISSUE=$(at "$ISSUE_DAY" 09:00)
IN_GRACE=$(at "$(day_plus "$ISSUE_DAY" 13)" 20:00)	# last day of grace
PAST_GRACE=$(at "$(day_plus "$ISSUE_DAY" 14)" 09:00)

rep "tagih demo report ($(date -u +%FT%TZ))"
rep ""
rep "Usage metered by XDP and drained into LMDB:"
for s in s1 s3 s4; do
	read -r up down upk downk < <(tg_usage $s)
	rep "$(printf '  %-3s up %13s B  down %13s B  (%s + %s packets)' $s "$up" "$down" "$upk" "$downk")"
done

say "5/8 the invoices (period ${PERIODS// /, }, issued $ISSUE) and exports"
rep ""
for PERIOD in $PERIODS; do
	q invoice run --period $PERIOD --now $ISSUE
	for f in csv json pdf; do
		q invoice export --period $PERIOD --format $f --out "$TG_TMP/invoices-$PERIOD.$f"
	done
	rep "Invoices for $PERIOD (exported: invoices-$PERIOD.csv, .json, .pdf):"
	cli invoice list --period $PERIOD --json | jq -r '.[] | "  \(.number)  \(.subscriber)  subtotal \(.subtotal)  PPN \(.tax)  total \(.total)  due \(.due_date)"' \
		>>"$REPORT" || tg_die "invoice list $PERIOD"
done
cli invoice list --json >"$TG_TMP/inv.json" || tg_die "invoice list"
# what each subscriber owes over every period billed
total_of() { jq -r --arg s "$1" '[.[] | select(.subscriber == $s) | .total] | add // empty' "$TG_TMP/inv.json"; }
T1=$(total_of s1); T3=$(total_of s3); T4=$(total_of s4)
[ -n "$T1" ] && [ -n "$T3" ] && [ -n "$T4" ] || tg_die "missing invoices"
[ "$T1" -gt 0 ] && [ "$T3" -gt 0 ] && [ "$T4" -gt 0 ] ||
	tg_die "an invoice total is Rp 0 (s1 $T1, s3 $T3, s4 $T4): metered traffic was not billed"

say "6/8 s3 and s4 pay on time; s1 does not"
TAGIH_NOW=$(at "$(day_plus "$ISSUE_DAY" 4)" 10:00) q pay s3 --amount "$T3" --method transfer --ref DEMO-S3
TAGIH_NOW=$(at "$(day_plus "$ISSUE_DAY" 5)" 16:30) q pay s4 --amount "$T4" --method cash --ref DEMO-S4
q dunning run --now $IN_GRACE
tg_reach s1 $TG_UP4 || tg_die "s1 blocked inside the grace period"
cli dunning run --now $PAST_GRACE | tee -a "$TG_TMP/cli.log"
tg_wait_until 3 "s1 isolated" bash -c "! nsenter --net=$(tg_nspath s1) timeout 2 bash -c ': >/dev/tcp/$TG_UP4/9' 2>&1 | grep -q refused" ||
	tg_die "s1 not isolated"
ISO_TCP=blocked; tg_reach s1 $TG_UP4 && ISO_TCP=OPEN
ISO_IPERF=blocked
tg_in s1 timeout 4 iperf3 -c $TG_UP4 -p 5201 -t 1 >/dev/null 2>&1 && ISO_IPERF=OPEN
ISO_DNS=FAIL
tg_dig s1 +time=1 +tries=2 +short @$RESOLVER portal.tagih.test | grep -qx $PORTAL && ISO_DNS=ok
ISO_NOTICE=FAIL
tg_in s1 curl -sS --max-time 3 "http://$GW1:$NOTICE_PORT/" >"$TG_TMP/notice.html" 2>/dev/null &&
	grep -q diisolir "$TG_TMP/notice.html" && ISO_NOTICE=ok
ISO_PORTAL=FAIL
tg_in s1 curl -sS --max-time 3 "http://$PORTAL/" 2>/dev/null | grep -q Portal && ISO_PORTAL=ok
OTHERS=ok
tg_reach s3 $TG_UP4 && tg_reach s4 $TG_UP4 && tg_reach s4 $TG_UP6 || OTHERS=AFFECTED
rep ""
rep "Isolir of s1 (invoice unpaid past due + 3 days grace, dunning run at $PAST_GRACE):"
rep "  TCP to upstream: $ISO_TCP   iperf3: $ISO_IPERF   DNS @$RESOLVER: $ISO_DNS"
rep "  notice page http://$GW1:$NOTICE_PORT/: $ISO_NOTICE   portal http://$PORTAL/: $ISO_PORTAL"
rep "  other subscribers: $OTHERS"
[ "$ISO_TCP$ISO_IPERF$ISO_DNS$ISO_NOTICE$ISO_PORTAL$OTHERS" = blockedblockedokokokok ] ||
	tg_die "isolir check failed: $(tail -n 3 "$REPORT")"

say "7/8 s1 pays: traffic must flow again within a second"
t0=$(ms)
TAGIH_NOW=$(at "$(day_plus "$ISSUE_DAY" 14)" 10:00) q pay s1 --amount "$T1" --method transfer --ref DEMO-S1
until fast_reach s1 $TG_UP4; do
	[ $(( $(ms) - t0 )) -gt 5000 ] && tg_die "s1 not restored within 5 s"
done
DELAY=$(( $(ms) - t0 ))
tg_iperf s1 "$TG_TMP/i1b.json" -c $TG_UP4 -p 5201 -n 20M || tg_die "iperf3 after restore"
rep "  s1 paid Rp $T1 -> traffic flowing again after ${DELAY} ms (goal < 1000 ms)"
rep ""
rep "Audit log (s1):"
cli audit --sub s1 | sed 's/^/  /' >>"$REPORT"

say "8/8 report"
echo
cat "$REPORT"
echo
[ $DELAY -lt 1000 ] || tg_die "restore took ${DELAY} ms"
say "demo OK; cleaning up"
exit 0
