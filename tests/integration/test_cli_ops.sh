#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_cli_ops.sh - the operator's surface: --help everywhere without a store, the tax guard, a strict config, safe terminal output, CSV that cannot grow a column, private exports that follow no symlink.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
TAGIH=$(realpath "$BUILD/tagih")
for t in md5sum python3 script mdb_dump mdb_load; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
[ -x "$TAGIH" ] || { echo "FAIL: $TAGIH not built"; exit 1; }
tmp=$(mktemp -d /tmp/tagih-ops.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
export TAGIH_NOW=2026-12-05T09:00 TAGIH_MAPSIZE_GB=1
DUMPED=$(dirname "$0")/store_dump.py

# --- --help on every command: exit 0, help on stdout, no store touched ------
export TAGIH_DB=$tmp/missing
nohelp=0
check_help() {	# ARGS...
	local rc
	"$TAGIH" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -ne 0 ] || ! grep -q '^usage: ' "$tmp/out" || [ -s "$tmp/err" ]; then
		bad "tagih $*: rc $rc, stdout '$(head -c 80 "$tmp/out")', stderr '$(cat "$tmp/err")'"
		nohelp=1
	fi
}
n=0
while IFS= read -r c; do
	# shellcheck disable=SC2086 # a command path is words
	check_help $c --help
	check_help $c -h
	check_help help $c
	n=$((n + 1))
done < <("$TAGIH" help --list)
for g in $("$TAGIH" help --list | cut -d' ' -f1 | sort -u); do
	check_help "$g" --help
done
check_help --help
check_help help
check_help sub ip --help
# the ones that opened a store or failed on 3d5c68c
check_help sub set --help
check_help plan show --help
check_help invoice show --help
check_help usage import --help
check_help notify retry --help
check_help report --help
check_help sub set budi --name X --help
[ $nohelp -eq 0 ] && [ $n -gt 30 ] && ok "--help on all $n commands and every command word: exit 0"
[ -e "$tmp/missing" ] && bad "--help created $tmp/missing" ||
	ok "TAGIH_DB=$TAGIH_DB still missing after every --help"
for b in tagih-agent tagihd; do
	"$BUILD/$b" --db "$tmp/missing" --help >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -qi 'usage' "$tmp/out" && [ ! -e "$tmp/missing" ] &&
		ok "$b --help: exit 0, nothing created" || bad "$b --help: rc $rc"
done
# `tagih --help` names every command word
"$TAGIH" --help >"$tmp/help"
for g in $("$TAGIH" help --list | cut -d' ' -f1 | sort -u); do
	grep -qE "^  $g +" "$tmp/help" || bad "tagih --help lacks '$g'"
done
grep -qE '^  config +' "$tmp/help" && ok "tagih --help lists every command word (config too)"
"$TAGIH" sub bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown subcommand: exit 2" || bad "unknown subcommand exit"
"$TAGIH" sub add x --bogus >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option '--bogus'" "$tmp/err" && ok "unknown option: exit 2, named" ||
	bad "unknown option: rc $rc $(cat "$tmp/err")"

# --- a store to work on --------------------------------------------------------
export TAGIH_DB=$tmp/db
"$TAGIH" init >/dev/null || bad "tagih init --db $TAGIH_DB"
CONF=$tmp/ppn.conf
printf 'ppn_bp = 1100\ntax_mode = exclusive\n' >"$CONF"; chmod 600 "$CONF"
t() { "$TAGIH" --config "$CONF" "$@"; }
t plan add paket --type flat --price 150000 >/dev/null &&
	t sub add budi --name "Budi" --plan paket --activated 2026-11-01 --ip 10.9.0.1 >/dev/null ||
	{ bad "setup"; exit 1; }
sum() { md5sum <"$TAGIH_DB/data.mdb"; }
# refused WHAT RC TEXT CMD...: exit RC, TEXT on stderr, store byte-identical
refused() {
	local what=$1 want=$2 text=$3 before rc; shift 3
	before=$(sum)
	"$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -ne "$want" ]; then bad "$what: exit $rc, want $want ($(cat "$tmp/err"))"
	elif ! grep -qF -- "$text" "$tmp/err"; then bad "$what: stderr lacks '$text': $(cat "$tmp/err")"
	elif [ "$before" != "$(sum)" ]; then bad "$what: store changed"
	else ok "$what: exit $rc, '$(head -n1 "$tmp/err" | cut -c1-90)', store unchanged"; fi
}

# --- the tax guard ---------------------------------------------------------------
refused "PPN without operator_npwp" 1 "tax_mode = none" t invoice run --period 2026-11
grep -qF "operator_npwp" "$tmp/err" && ok "the refusal names operator_npwp too" ||
	bad "refusal lacks operator_npwp: $(cat "$tmp/err")"
printf 'ppn_bp = 1100\ntax_mode = none\n' >"$CONF"
t invoice run --period 2026-11 --json >"$tmp/run" 2>"$tmp/err" || bad "run with tax_mode = none: $(cat "$tmp/err")"
num=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["first"])' "$tmp/run" 2>/dev/null)
t invoice show "$num" --json >"$tmp/inv" 2>/dev/null
read -r tax total sub < <(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["tax"], j["total"], j["subtotal"])' "$tmp/inv")
[ "$tax" = 0 ] && [ "$total" = 150000 ] && [ "$sub" = 150000 ] &&
	ok "tax_mode = none: $num billed without PPN (total $total)" || bad "tax_mode = none: tax '$tax' total '$total'"
printf 'ppn_bp = 1100\ntax_mode = exclusive\noperator_npwp = 01.234.567.8-901.000\n' >"$CONF"
t invoice run --period 2026-11 >/dev/null 2>&1 && ok "PKP with operator_npwp: the run goes" || bad "run with npwp"

# --- config: refused with the line number -----------------------------------------
cfg() { printf "$1" >"$tmp/c.conf"; chmod 600 "$tmp/c.conf"; }
cfg 'timezone = Asia/Jakarta\nppn_bp = 1100\nppn_bp = 0\n'
refused "duplicate key" 1 "c.conf:3: ppn_bp given twice (first on line 2)" \
	"$TAGIH" --config "$tmp/c.conf" config check
cfg 'due_days = 10\nmidtrans_server_key = SB-Mid-server-ab#cd\n'
refused "unquoted '#' in a secret" 1 "c.conf:2: midtrans_server_key: '#' inside a value" \
	"$TAGIH" --config "$tmp/c.conf" config check
printf 'ppn_bp = 11\0''00\n' >"$tmp/c.conf"
refused "a NUL byte" 1 "c.conf:1: a NUL byte" "$TAGIH" --config "$tmp/c.conf" config check
cfg '# ok\n\nnosuchkey = 1\n'
refused "unknown key" 1 "c.conf:3: nosuchkey: unknown key" "$TAGIH" --config "$tmp/c.conf" config check
mkdir -p "$tmp/confdir"
refused "a directory as --config" 1 "confdir: not a regular file" "$TAGIH" --config "$tmp/confdir" config check
refused "a directory as --config (any command)" 1 "not a regular file" "$TAGIH" --config "$tmp/confdir" sub list
cfg 'midtrans_server_key = "SB-Mid-server-ab#cd"   # quoted\n  # indented comment\nlan = eth1\nlan = eth2\n'
"$TAGIH" --config "$tmp/c.conf" config check >"$tmp/out" 2>&1 && grep -q "config ok" "$tmp/out" &&
	ok "quoted '#', comments after a blank, repeated lan: accepted" || bad "good config refused: $(cat "$tmp/out")"

# --- garden --port: digits only ------------------------------------------------------
for p in -0 " 5" +5 0x10 70000 ""; do
	refused "garden --port '$p'" 2 "--port" "$TAGIH" garden add 192.0.2.53 --port "$p"
done
"$TAGIH" garden add 192.0.2.53 --port 53 >/dev/null && ok "garden --port 53" || bad "garden --port 53"

# --- terminal output escapes control characters ----------------------------------------
# Input checks refuse such names now; a store written before them (or a
# damaged one) can still hold them: write the bytes into the record itself.
"$TAGIH" sub add evil --name "QQnameQQQQQQQQQQQQQQQQ" --notes "QQnotesQQQQQQ" >/dev/null
# (through mdb_dump/mdb_load: the records keep valid checksums)
mdb_dump -s subs "$TAGIH_DB" >"$tmp/subs.dump" &&
python3 "$DUMPED" replace "$tmp/subs.dump" QQnameQQQQQQQQQQQQQQQQ $'E\x1b]0;pwned\x07\x1b[2Jvil\x9bXZZ' &&
python3 "$DUMPED" replace "$tmp/subs.dump" QQnotesQQQQQQ $'n\x1b[31mred\xe2\x80\xaeZ' &&
mdb_load -s subs -f "$tmp/subs.dump" "$TAGIH_DB" || bad "plant control bytes in evil's record"
for c in "sub list" "sub show evil"; do
	# shellcheck disable=SC2086
	TAGIH_DB=$TAGIH_DB script -qec "$TAGIH $c" /dev/null >"$tmp/tty" 2>&1
	if python3 - "$tmp/tty" <<'EOP'
import sys
d = open(sys.argv[1], 'rb').read()
bad = [b for b in (b"\x1b", b"\x07", b"\x9b", "\u202e".encode()) if b in d]
sys.exit(1 if bad or b"\\x1b]0;pwned\\x07" not in d else 0)
EOP
	then ok "tagih $c on a terminal: ESC, BEL, CSI and bidi shown as \\xNN/\\uNNNN"
	else bad "tagih $c on a terminal printed raw control bytes: $(cat -v "$tmp/tty" | head -5)"; fi
done

# --- CSV: a formula-like prefix is neutralised, the columns stay ten ---------------------
# invoice_prefix is 1..20 of A-Z a-z 0-9 . _ - now (lib/conf.c), so the
# config refuses "=1+2,x"; a store billed before that rule can still hold
# such numbers: bill with a stand-in of the same length, then write the
# old prefix into the store itself (keys and values alike, so their order
# is kept).
printf 'invoice_prefix = "=1+2,x"\ntax_mode = none\n' >"$tmp/csv.conf"; chmod 600 "$tmp/csv.conf"
refused "invoice_prefix =1+2,x" 1 "invoice_prefix: 1..20 of A-Z a-z 0-9 . _ -" \
	"$TAGIH" --config "$tmp/csv.conf" invoice run --period 2026-11
printf 'invoice_prefix = QQ1Q2Q\ntax_mode = none\n' >"$tmp/csv.conf"
export TAGIH_DB=$tmp/db2
"$TAGIH" init >/dev/null || bad "tagih init --db $TAGIH_DB"
"$TAGIH" plan add p --type flat --price 100000 >/dev/null
# a subscriber id may start with '-' (after --, as for any command)
for s in a -b; do "$TAGIH" sub add --name "$s" --plan p --activated 2026-11-01 -- "$s" >/dev/null; done
"$TAGIH" --config "$tmp/csv.conf" invoice run --period 2026-11 >/dev/null 2>&1 || bad "run with invoice_prefix QQ1Q2Q"
# the whole store through mdb_dump/mdb_load, so keys change too
mdb_dump -a "$TAGIH_DB" >"$tmp/all.dump" &&
python3 "$DUMPED" replace "$tmp/all.dump" QQ1Q2Q/ =1+2,x/ &&
mkdir "$tmp/db2new" && mdb_load -f "$tmp/all.dump" "$tmp/db2new" &&
mv "$tmp/db2new/data.mdb" "$TAGIH_DB/data.mdb" || bad "plant invoice_prefix =1+2,x"
mkdir -p "$tmp/exp"
"$TAGIH" --config "$tmp/csv.conf" invoice export --period 2026-11 --format csv --out "$tmp/exp/inv.csv" \
	>/dev/null 2>&1 || bad "csv export"
if python3 - "$tmp/exp/inv.csv" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert len(rows) == 3, rows
assert all(len(r) == 10 for r in rows), [len(r) for r in rows]
for r in rows[1:]:
    for cell in r:
        assert cell[:1] not in ('=', '+', '-', '@', '\t', '\r'), r
assert rows[1][0].startswith("'=1+2,x/"), rows[1]
assert sorted(r[1] for r in rows[1:]) == ["'-b", "a"], rows
EOP
then ok "CSV: 3 rows of 10 columns, formula-like cells prefixed with '"
else bad "CSV export: $(cat "$tmp/exp/inv.csv")"; fi

# --- exports: 0600, never through a symlink, nothing at a guessable name -------------------
umask 022
for f in csv json pdf; do
	"$TAGIH" --config "$tmp/csv.conf" invoice export --period 2026-11 --format $f \
		--out "$tmp/exp/x.$f" >/dev/null 2>&1 || bad "export $f"
	[ "$(stat -c %a "$tmp/exp/x.$f")" = 600 ] && ok "export $f: mode 0600 under umask 022" ||
		bad "export $f: mode $(stat -c %a "$tmp/exp/x.$f")"
done
echo keep >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/exp/link.csv"
# the old temp name was OUT.tmpPID: plant it for the next pids
last=$(cat /proc/sys/kernel/ns_last_pid)
echo keep >"$tmp/victim2"
for (( p = last + 1; p < last + 400; p++ )); do ln -s "$tmp/victim2" "$tmp/exp/link.csv.tmp$p"; done
rm_planted() { rm -f "$tmp"/exp/link.csv.tmp*; }
"$TAGIH" --config "$tmp/csv.conf" invoice export --period 2026-11 --format csv --out "$tmp/exp/link.csv" \
	>/dev/null 2>&1 || bad "export over a symlink"
[ "$(cat "$tmp/victim")" = keep ] && [ "$(cat "$tmp/victim2")" = keep ] && [ ! -L "$tmp/exp/link.csv" ] &&
	[ "$(stat -c %a "$tmp/exp/link.csv")" = 600 ] &&
	ok "export to a symlink: replaced by a 0600 file, its target and planted temp names untouched" ||
	bad "export followed a symlink (victim '$(cat "$tmp/victim")', victim2 '$(cat "$tmp/victim2")')"
ln -s "$tmp/victim" "$tmp/exp/pdp.json"
"$TAGIH" sub export a --out "$tmp/exp/pdp.json" >/dev/null 2>&1 || bad "sub export"
[ "$(cat "$tmp/victim")" = keep ] && [ "$(stat -c %a "$tmp/exp/pdp.json")" = 600 ] &&
	ok "sub export to a symlink: a new 0600 file, the target untouched" || bad "sub export followed a symlink"
rm_planted
ls -A "$tmp/exp" | grep -q '^\.' && bad "a temporary file was left: $(ls -A "$tmp/exp")" ||
	ok "no temporary file left behind"
"$TAGIH" --config "$tmp/csv.conf" invoice export --period 2026-11 --format csv \
	--out "$tmp/nodir/x.csv" >/dev/null 2>&1 && bad "export into a missing directory succeeded" ||
	ok "export into a missing directory: refused"

[ $fails -eq 0 ] && echo "all operator-surface checks passed" || echo "$fails failed"
[ $fails -eq 0 ]
