#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_notice_load.sh - the isolir notice page (served by tagih-agent in the
# gw namespace) under slowloris: subscriber s1 opens 512 connections that
# send a request header one byte every 3 s (reconnecting when cut), while
# s3 and s4 still get their pages within 200 ms p99. s1 holds at most
# notice_conn_per_ip (16) connections, each cut by the 10 s request
# deadline that its trickle does not extend.
#
#   s1 10.77.1.2 --- gw (tagih-agent, notice page :PORT on every address)
#   s3 10.77.3.2 ---/      s4 10.77.4.2 ---/
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

NOTICE_PORT=8081

tg_init
tg_need_bins
command -v jq >/dev/null || tg_skip "jq not installed"
[ -x /usr/bin/python3 ] || tg_skip "python3 not installed"
LOAD="/usr/bin/python3 $(cd "$(dirname "$0")" && pwd)/httpload.py"
topo_up 0 || tg_die "topology did not come up"
tg_reach_all || tg_die "subscribers cannot reach upstream"

CONF=$TG_TMP/tagih.conf
cat >"$CONF" <<EOC
timezone = Asia/Jakarta
notice_listen = 0.0.0.0:$NOTICE_PORT
operator_name = "RT/RW Net Uji"
EOC
chmod 600 "$CONF"
cli() { "$BUILD/tagih" --db "$TG_DB" --config "$CONF" "$@"; }
cli sub add s1 --name "Satu Penyerang" --ip 10.77.1.2/32 >/dev/null || tg_die "sub add s1"
cli sub add s3 --name "Tiga" --ip 10.77.3.2/32 >/dev/null || tg_die "sub add s3"
cli sub add s4 --name "Empat" --ip 10.77.4.2/32 >/dev/null || tg_die "sub add s4"
tg_agent_start --config "$CONF" || tg_die "agent did not start"
tg_wait_until 10 "notice page" tg_in s4 curl -sf --max-time 2 \
	"http://10.77.4.1:$NOTICE_PORT/" || tg_die "no notice page for s4"

fails=0
ok() { tg_log "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }

# the attack from s1, the others' pages from s3 and s4
tg_bg tg_in s1 $LOAD trickle --host 10.77.1.1 --port $NOTICE_PORT \
	--src 10.77.1.2 --conns 512 --every 3 --for 24 --reconnect \
	--ready "$TG_TMP/ready" --out "$TG_TMP/trickle.json"
tpid=$TG_LAST_PID
for _ in $(seq 100); do [ -s "$TG_TMP/ready" ] && break; sleep 0.1; done
[ -s "$TG_TMP/ready" ] || tg_die "the trickle did not start"
tg_bg tg_in s3 $LOAD probe --host 10.77.3.1 --port $NOTICE_PORT --src 10.77.3.2 \
	--rate 5 --for 17 --path "/any/path?lang=en" --out "$TG_TMP/s3.json"
p3=$TG_LAST_PID
tg_in s4 $LOAD probe --host 10.77.4.1 --port $NOTICE_PORT --src 10.77.4.2 \
	--rate 5 --for 17 --path / --out "$TG_TMP/s4.json"
wait $p3; tg_forget $p3
wait $tpid; tg_forget $tpid

for s in s3 s4; do
	f=$TG_TMP/$s.json
	if jq -e '.n > 0 and .fail == 0 and .status["200"] == .n and .p99_ms <= 200' "$f" >/dev/null; then
		ok "$s's notice page during the trickle: $(jq .n "$f") answered 200, p50 $(jq .p50_ms "$f") ms, p99 $(jq .p99_ms "$f") ms, max $(jq .max_ms "$f") ms"
	else
		bad "$s's notice page: $(cat "$f") (want all 200, p99 <= 200 ms)"
	fi
done
T=$TG_TMP/trickle.json
if jq -e '.held_max >= 1 and .held_max <= 16' "$T" >/dev/null; then
	ok "s1 held at most $(jq .held_max "$T") connections (notice_conn_per_ip 16; $(jq .connects "$T") connects, $(jq .closed_at_once "$T") closed at once)"
else
	bad "connections held by s1: $(jq -c '{held_max,held_min,connects,closed_at_once}' "$T")"
fi
if jq -e '.cut >= 1 and .cut_min_s >= 9.5 and .cut_max_s <= 12.5' "$T" >/dev/null; then
	ok "$(jq .cut "$T") trickling connections cut after $(jq .cut_min_s "$T")-$(jq .cut_max_s "$T") s (deadline 10 s)"
else
	bad "request deadline: $(jq -c '{cut,cut_min_s,cut_max_s}' "$T")"
fi
grep -qE "Satu|Tiga|Empat|Penyerang" "$TG_TMP/agent.log" && bad "a name in the agent's log"
# still serving once the attack is over
tg_in s1 curl -sf --max-time 2 -o "$TG_TMP/s1.html" "http://10.77.1.1:$NOTICE_PORT/" &&
	grep -qF "s1" "$TG_TMP/s1.html" && ok "s1's own page after the attack" ||
	bad "no page for s1 after the attack"
echo "FIGURES notice page: 512 trickling connections from s1, held $(jq .held_max "$T") at most, cut after $(jq .cut_min_s "$T")-$(jq .cut_max_s "$T") s; s3 p99 $(jq .p99_ms "$TG_TMP/s3.json") ms, s4 p99 $(jq .p99_ms "$TG_TMP/s4.json") ms"
[ $fails = 0 ] || tg_die "$fails check(s) failed"
tg_log "PASS"
