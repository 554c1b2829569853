#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_store_damage.sh - damaged copies of a real store: no command dies of a signal, each works or says why, fsck --deep flags every copy whose records differ.
#
# A store is built with the CLI (plans, subscribers, usage, invoices,
# payments, a suspension, the garden, audit) at fixed --now dates. Then
# copies of its data.mdb are damaged: cut at many sizes (0, 1 byte, inside
# and at the end of the meta pages, half, a page short, ...), one byte
# flipped in either meta page (every field), bytes flipped in data pages
# (page headers, node headers, keys and values), and foreign files. On each
# copy, under a timeout: fsck, fsck --deep, sub list --json, invoice list,
# report aging and usage. A command that exits above 128 died of a signal:
# a failure. A command that fails must say why on stderr. The copy's
# records, as mdb_dump decodes them, are compared with the original's: a
# copy whose records differ (or that mdb_dump cannot read) must be
# flagged by fsck --deep (non-zero exit).
set -u
BUILD=${BUILD:-build}
TAGIH=$(realpath "$BUILD/tagih")
for t in python3 mdb_dump mdb_load timeout md5sum; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
[ -x "$TAGIH" ] || { echo "SKIP: $TAGIH not built"; exit 77; }
tmp=$(mktemp -d /tmp/tagih-damage.XXXXXX)
trap 'umount "$tmp/small" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
export TAGIH_MAPSIZE_GB=1 TAGIH_NOW=2026-12-10T10:00+07:00
CONF=$tmp/conf
printf 'tax_mode = none\ndue_days = 10\n' >"$CONF"; chmod 600 "$CONF"
die() { echo "FAIL: $*" >&2; exit 1; }

# --- the store ------------------------------------------------------------
DB=$tmp/orig
t() { "$TAGIH" --db "$DB" --config "$CONF" "$@"; }
q() { t "$@" >>"$tmp/build.log" 2>&1 || { tail -n 5 "$tmp/build.log"; die "tagih $*"; }; }
q init
q plan add paket-10 --type flat --price 150000
q plan add volume --type volume --per-gb 2000
q plan add hybrid --type hybrid --price 100000 --quota-gb 5 --per-gb 3000
subs="budi siti ani joko rina wati"
i=0
for s in $subs; do
	i=$((i + 1))
	case $((i % 3)) in 0) p=paket-10 ;; 1) p=volume ;; 2) p=hybrid ;; esac
	q sub add "$s" --name "Pelanggan $s" --plan $p --activated 2026-10-01 \
		--ip "10.20.$i.2" --ip "2001:db8:$i::/56" --phone "08123456780$i"
done
# usage: every hour of October and November for every subscriber
python3 - "$tmp/usage.csv" $subs <<'EOP'
import sys, datetime
out = open(sys.argv[1], 'w')
out.write('subscriber,start,up_bytes,down_bytes\n')
t0 = datetime.datetime(2026, 9, 30, 17, tzinfo=datetime.timezone.utc)
for n, s in enumerate(sys.argv[2:]):
    for h in range(61 * 24):
        t = t0 + datetime.timedelta(hours=h)
        out.write('%s,%s,%d,%d\n' % (s, t.strftime('%Y-%m-%dT%H:%M:%SZ'),
                  1000 * (h % 97 + n + 1), 7000 * (h % 89 + n + 1)))
EOP
q usage import "$tmp/usage.csv"
q invoice run --period 2026-10 --now 2026-11-01T09:00+07:00
q invoice run --period 2026-11 --now 2026-12-01T09:00+07:00
TAGIH_NOW=2026-11-05T10:00+07:00 q pay budi --amount 150000 --method transfer --ref BCA-0001
TAGIH_NOW=2026-11-06T10:00+07:00 q pay siti --amount 5000 --method cash --ref KW-0002
TAGIH_NOW=2026-12-03T10:00+07:00 q pay ani --amount 300000 --method transfer --ref BCA-0003
TAGIH_NOW=2026-11-20T10:00+07:00 q sub suspend joko --reason "belum bayar"
q garden add 192.0.2.53 --port 53
t fsck --deep >"$tmp/orig.fsck" 2>&1 || { cat "$tmp/orig.fsck"; die "the original store is not clean"; }
# the records only: the map size and readers in the header are the
# environment's, not data
records() { grep -v '^mapsize=\|^maxreaders=\|^db_pagesize='; }
mdb_dump -a "$DB" | records >"$tmp/orig.dump" || die "mdb_dump of the original"
SIZE=$(stat -c %s "$DB/data.mdb")
PAGE=4096
PAGES=$((SIZE / PAGE))
echo "store: $SIZE bytes, $PAGES pages, $(grep -c '^ ' "$tmp/orig.dump") dump lines; $(head -n 1 "$tmp/orig.fsck")"

# --- the damaged copies ---------------------------------------------------
# Each copy is a directory copies/NNN holding data.mdb; kinds.txt says
# what was done to it.
mkdir -p "$tmp/copies"
n=0
copy_dir() { n=$((n + 1)); c=$tmp/copies/$(printf %03d $n); mkdir "$c"; }
cut_at() {	# SIZE
	copy_dir; head -c "$1" "$DB/data.mdb" >"$c/data.mdb"
	echo "$n cut at $1 bytes" >>"$tmp/kinds.txt"
}
flip_at() {	# OFFSET [XOR]: one byte flipped
	copy_dir; cp "$DB/data.mdb" "$c/data.mdb"
	python3 - "$c/data.mdb" "$1" "${2:-255}" <<'EOP'
import sys
p, off, x = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(p, 'r+b') as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ x]))
EOP
	echo "$n byte $1 ^ $((${2:-255})) (page $(($1 / PAGE)), offset $(($1 % PAGE)))" >>"$tmp/kinds.txt"
}
# cuts: nothing, one byte, inside and at the end of the meta pages, inside
# the data, half, a page short, a byte short
for s in 0 1 100 2048 4095 4096 4097 8191 8192 8193 12288 $((SIZE / 4)) \
	 $((SIZE / 3)) $((SIZE / 2)) $((SIZE / 2 + 100)) $((SIZE * 2 / 3)) \
	 $((SIZE * 3 / 4)) $((SIZE - 2 * PAGE)) $((SIZE - PAGE)) \
	 $((SIZE - PAGE + 1)) $((SIZE - 100)) $((SIZE - 1)); do
	cut_at "$s"
done
RANDOM=${SEED:-4711}	# the same copies every run (SEED= for others)
for k in $(seq 10); do cut_at $(( (RANDOM * 32768 + RANDOM) % SIZE )); done
# meta pages: every field of both (magic, version, address, map size, the
# free and main trees' records, last page, txn id), high and low bits
for m in 0 1; do
	for off in 16 20 32 40 44 46 48 56 64 72 80 88 92 94 96 104 112 120 128 136 144 145; do
		flip_at $((m * PAGE + off))
	done
	flip_at $((m * PAGE + 144)) 1	# txn id, lowest bit
	flip_at $((m * PAGE + 136)) 1	# last page, lowest bit
done
# data pages: page headers, the first node headers, random bytes
for k in $(seq 40); do
	pg=$(( 2 + RANDOM % (PAGES - 2) ))
	case $((k % 4)) in
	0) off=$(( RANDOM % 16 )) ;;			# page header
	1) off=$(( 16 + RANDOM % 48 )) ;;		# node pointers / first node
	*) off=$(( RANDOM % PAGE )) ;;			# anywhere
	esac
	flip_at $((pg * PAGE + off)) $(( 1 << (RANDOM % 8) ))
done
# bytes that hold records: find values of the original in the file
python3 - "$DB/data.mdb" >"$tmp/hits" <<'EOP'
import sys
d = open(sys.argv[1], 'rb').read()
for w in (b'Pelanggan budi', b'Pelanggan wati', b'INV/2026/11/000001',
          b'BCA-0001', b'belum bayar', b'paket-10', b'hybrid', b'"payment"'):
    i = d.find(w)
    if i >= 0:
        print(i + 2)
EOP
while read -r off; do flip_at "$off" 1; done <"$tmp/hits"
# branch pages: a child page number far outside the file (LMDB 0.9.24
# refuses it with MDB_PAGE_NOTFOUND; fsck --deep must name the pages)
python3 - "$DB/data.mdb" "$PAGE" >"$tmp/branches" <<'EOP'
import sys, struct
d, ps = open(sys.argv[1], 'rb').read(), int(sys.argv[2])
for pg in range(2, len(d) // ps):
    flags, lower = struct.unpack_from('<HH', d, pg * ps + 10)
    if flags & 1 and lower > 16:		# P_BRANCH with nodes
        for i in (0, (lower - 16) // 2 - 1):
            off = struct.unpack_from('<H', d, pg * ps + 16 + 2 * i)[0]
            print(pg * ps + off + 4)		# mn_flags: page number << 32
EOP
while read -r off; do
	flip_at "$off" 127
	sed -i "\$s/\$/ (a branch page's child page number)/" "$tmp/kinds.txt"
	BRANCH_COPIES="${BRANCH_COPIES:-} $n"
done <"$tmp/branches"
[ -n "${BRANCH_COPIES:-}" ] || die "no branch page found in the store"
# foreign files
copy_dir; echo "not a store" >"$c/data.mdb"; echo "$n a text file" >>"$tmp/kinds.txt"
copy_dir; head -c $((16 * PAGE)) /dev/urandom >"$c/data.mdb"; echo "$n random bytes" >>"$tmp/kinds.txt"
copy_dir; printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 6b6579\n 76616c7565\nDATA=END\n' |
	mdb_load "$c" 2>/dev/null; echo "$n an LMDB file of another program" >>"$tmp/kinds.txt"
copy_dir; printf 'VERSION=3\nformat=bytevalue\ndatabase=meta\ntype=btree\nHEADER=END\n 6b6579\n 76616c7565\nDATA=END\n' |
	mdb_load "$c" 2>/dev/null; echo "$n an LMDB file with a 'meta' table, not ours" >>"$tmp/kinds.txt"
TOTAL=$n
echo "copies: $TOTAL"

# --- every command on every copy ------------------------------------------
CMDS=("fsck" "fsck --deep" "sub list --json" "invoice list" "report aging" "usage budi --from 2026-10-01 --to 2026-12-01 --step hour")
refused=0 worked=0 flagged=0 missed=0 signals=0 silent=0 hangs=0 differ=0 guarded=0 nog=0
for (( i = 1; i <= TOTAL; i++ )); do
	c=$tmp/copies/$(printf %03d $i)
	what=$(sed -n "${i}p" "$tmp/kinds.txt" | cut -d' ' -f2-)
	# the records as LMDB's own tool decodes them (on a copy of the copy:
	# our commands may write a lock file, never data)
	mkdir "$c.ref"; cp "$c/data.mdb" "$c.ref/" 2>/dev/null
	if (timeout 20 mdb_dump -a "$c.ref" 2>/dev/null | records) >"$c.dump" 2>/dev/null &&
	   [ "${PIPESTATUS[0]}" = 0 ] && cmp -s "$c.dump" "$tmp/orig.dump"; then
		same=1
	else
		same=0; differ=$((differ + 1))
	fi
	any_ok=0 deep_rc= g=0
	for cmd in "${CMDS[@]}"; do
		# shellcheck disable=SC2086
		timeout -k 5 20 "$TAGIH" --db "$c" --config "$CONF" $cmd >"$c.out" 2>"$c.err"
		rc=$?
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			hangs=$((hangs + 1)); echo "HANG copy $i ($what): $cmd"
		elif [ $rc -gt 128 ]; then
			signals=$((signals + 1))
			echo "SIGNAL $((rc - 128)) copy $i ($what): tagih $cmd"
		elif [ $rc -ne 0 ] && [ ! -s "$c.err" ] && ! grep -q 'fsck' "$c.out"; then
			silent=$((silent + 1)); echo "SILENT copy $i ($what): tagih $cmd exit $rc"
		fi
		[ $rc -eq 0 ] && any_ok=1
		grep -q 'reading it went outside the file' "$c.err" && g=1
		[ "$cmd" = "fsck --deep" ] && deep_rc=$rc
		[ "$cmd" = "fsck --deep" ] && cp "$c.out" "$c.deep" && cat "$c.err" >>"$c.deep"
	done
	guarded=$((guarded + g))
	case " $BRANCH_COPIES " in *" $i "*)
		[ $same -eq 1 ] ||	# a page no longer in the tree: nothing to see
		grep -q "its pages are damaged" "$c.deep" || { echo "BRANCH copy $i: fsck --deep did not name the damaged pages"; nog=$((nog + 1)); }
	esac
	if [ $any_ok -eq 1 ]; then worked=$((worked + 1)); else refused=$((refused + 1)); fi
	[ "$deep_rc" != 0 ] && flagged=$((flagged + 1))
	if [ $same -eq 0 ] && [ "$deep_rc" = 0 ]; then
		missed=$((missed + 1))
		echo "MISSED copy $i ($what): records differ, fsck --deep says clean"
		diff "$tmp/orig.dump" "$c.dump" | head -n 6
	fi
	printf '%3d %-50s same=%d deep=%-3s %s\n' "$i" "$what" $same "$deep_rc" \
		"$(grep -m1 -h -o 'tagih: .*\|fsck --deep: .*' "$c.deep" | head -c 110)" >>"$tmp/table.txt"
done
sed 's/^/    /' "$tmp/table.txt"
echo "damaged copies tried: $TOTAL, refused: $refused, worked: $worked, flagged by fsck --deep: $flagged, records differ: $differ, missed: $missed, signals: $signals, hangs: $hangs, failures without a message: $silent; copies where LMDB's walk left the file and the fault guard ended a command with a message: $guarded"
[ "$TOTAL" -ge 100 ] || die "only $TOTAL copies"
[ $signals -eq 0 ] && [ $missed -eq 0 ] && [ $hangs -eq 0 ] && [ $silent -eq 0 ] && [ $nog -eq 0 ] ||
	die "$signals signals, $missed missed, $hangs hangs, $silent silent failures, $nog branch copies not caught as such"
echo "no damaged store crashed a command; fsck --deep flagged every copy whose records differ"

# --- a full disk: said as such, nothing written, the store still sound ------
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/small" && mount -t tmpfs -o size=1m tmpfs "$tmp/small"; then
	F=$tmp/small/db
	"$TAGIH" --db "$F" init >/dev/null && "$TAGIH" --db "$F" sub add budi --name Budi >/dev/null ||
		{ umount "$tmp/small"; die "store on the small file system"; }
	python3 - >"$tmp/big.csv" <<'EOP'
import datetime
print('subscriber,start,up_bytes,down_bytes')
t0 = datetime.datetime(2026, 1, 1)
for h in range(20000):
    print('budi,%s,1,1' % (t0 + datetime.timedelta(hours=h)).strftime('%Y-%m-%dT%H:%M:%SZ'))
EOP
	"$TAGIH" --db "$F" usage import "$tmp/big.csv" >"$tmp/full.out" 2>"$tmp/full.err"; rc=$?
	"$TAGIH" --db "$F" fsck --deep >"$tmp/full.fsck" 2>&1; frc=$?
	rows=$("$TAGIH" --db "$F" usage budi --from 2026-01-01 --to 2029-01-01 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["up_bytes"])')
	umount "$tmp/small"
	[ $rc -eq 1 ] && grep -q 'disk full: the file system of .* has [0-9]* bytes free; nothing was written' "$tmp/full.err" ||
		die "full disk: rc $rc, $(cat "$tmp/full.err")"
	[ $frc -eq 0 ] && [ "$rows" = 0 ] || die "after the full disk: fsck --deep rc $frc, $rows bytes imported: $(cat "$tmp/full.fsck")"
	echo "full disk: '$(cat "$tmp/full.err")', nothing imported, fsck --deep clean"
else
	echo "full disk: not tried (needs root and a tmpfs mount)"
fi
