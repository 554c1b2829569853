#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_install.sh - make install into a temp root: the files and modes, man pages without a warning, systemd units that verify, their security scores, --version and a tarball that knows its version.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
for t in man systemd-analyze scdoc git; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
tmp=$(mktemp -d /tmp/tagih-inst.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

R=$tmp/root P=/usr/local
make --no-print-directory BUILD="$BUILD" install DESTDIR="$R" PREFIX=$P \
	>"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; bad "make install"; exit 1; }
ok "make install DESTDIR=$R"

# --- what lands where, with which mode ---------------------------------------
mode() { stat -c %a "$R$1" 2>/dev/null; }
for f in $P/bin/tagih $P/bin/tagih-agent $P/bin/tagihd $P/bin/tagih-dhcp-hook \
	$P/share/man/man8/tagih.8 \
	$P/share/man/man8/tagih-agent.8 $P/share/man/man8/tagihd.8 \
	$P/share/man/man5/tagih.conf.5 \
	$P/share/bash-completion/completions/tagih \
	$P/share/doc/tagih/README.md $P/share/doc/tagih/INSTALL.md \
	$P/share/doc/tagih/tagih.conf.example $P/lib/sysusers.d/tagih.conf \
	/lib/systemd/system/tagih-agent.service /lib/systemd/system/tagihd.service; do
	[ -f "$R$f" ] && ok "installed $f" || bad "missing $f"
done
[ "$(mode /etc/tagih)" = 700 ] && ok "/etc/tagih 0700" || bad "/etc/tagih mode $(mode /etc/tagih)"
[ "$(mode /etc/tagih/tagih.conf)" = 600 ] && ok "/etc/tagih/tagih.conf 0600" ||
	bad "tagih.conf mode $(mode /etc/tagih/tagih.conf)"
# shared with tagihd by group only (setgid: new files take the group)
[ "$(mode /var/lib/tagih)" = 2770 ] && ok "/var/lib/tagih 2770 (group-shared, nothing for others)" ||
	bad "/var/lib/tagih mode $(mode /var/lib/tagih)"
cmp -s "$R/etc/tagih/tagih.conf" <("$BUILD/tagih" config example) &&
	ok "installed config = tagih config example" || bad "installed config differs from tagih config example"
# a second install keeps the operator's config
echo "operator_name = Mine" >>"$R/etc/tagih/tagih.conf"
make --no-print-directory BUILD="$BUILD" install DESTDIR="$R" PREFIX=$P >/dev/null 2>&1
grep -q "^operator_name = Mine" "$R/etc/tagih/tagih.conf" && ok "reinstall keeps /etc/tagih/tagih.conf" ||
	bad "reinstall overwrote the config"

# --- man pages: each renders without a warning --------------------------------
for m in "$R$P"/share/man/man8/*.8 "$R$P"/share/man/man5/*.5; do
	out=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	if [ -n "$out" ]; then bad "man --warnings $(basename "$m"): $out"
	elif ! MANWIDTH=80 man -l "$m" 2>/dev/null | grep -q '^NAME'; then bad "$(basename "$m") has no NAME"
	else ok "man --warnings -l $(basename "$m"): no warning"; fi
done
# tagih.conf(5) and `tagih config example` come from one table: same keys
keys_ex=$("$BUILD/tagih" config example | sed -n 's/^#\([a-z0-9_]*\) =.*/\1/p' | sort)
keys_man=$(MANWIDTH=200 man -l "$R$P/share/man/man5/tagih.conf.5" 2>/dev/null |
	sed -n 's/^ \{7\}\([a-z0-9_]*\) = .*/\1/p' | sort)
[ -n "$keys_ex" ] && [ "$keys_ex" = "$keys_man" ] &&
	ok "tagih.conf(5) lists the same $(echo "$keys_ex" | wc -l) keys as tagih config example" ||
	bad "tagih.conf(5) and tagih config example disagree: $(diff <(echo "$keys_ex") <(echo "$keys_man") | head -5)"
# tagih(8) documents every command of the table
MANWIDTH=200 man -l "$R$P/share/man/man8/tagih.8" >"$tmp/tagih.8.txt" 2>/dev/null
n=0 miss=0
while IFS= read -r c; do
	n=$((n + 1))
	grep -qE "^ +tagih $c( |\$)" "$tmp/tagih.8.txt" || { bad "tagih(8) lacks 'tagih $c'"; miss=1; }
done < <("$BUILD/tagih" help --list | grep -v '^config man$')
[ $miss -eq 0 ] && [ $n -gt 30 ] && ok "tagih(8) has all $n commands"

# --- bash completion from the same table --------------------------------------
got=$(bash -c '. "$1"; COMP_WORDS=(tagih sub ip ""); COMP_CWORD=3; _tagih; echo "${COMPREPLY[*]}"' _ \
	"$R$P/share/bash-completion/completions/tagih")
[ "$got" = "add del" ] && ok "completion: tagih sub ip <TAB> -> add del" || bad "completion gave '$got'"
got=$(bash -c '. "$1"; COMP_WORDS=(tagih invoice run --p); COMP_CWORD=3; _tagih; echo "${COMPREPLY[*]}"' _ \
	"$R$P/share/bash-completion/completions/tagih")
[ "$got" = "--period" ] && ok "completion: tagih invoice run --p<TAB> -> --period" || bad "completion gave '$got'"

# --- the units: verify clean, security scores ---------------------------------
# verify resolves ExecStart= and the man: documentation on this host, so
# point both at the temp root
V=$tmp/units; mkdir -p "$V"
for u in "$R"/lib/systemd/system/*.service; do
	sed "s|$P/|$R$P/|g" "$u" >"$V/$(basename "$u")"
done
out=$(MANPATH="$R$P/share/man" systemd-analyze verify "$V"/*.service 2>&1)
[ $? -eq 0 ] && [ -z "$out" ] && ok "systemd-analyze verify: clean" || bad "systemd-analyze verify: $out"
for u in tagihd:4.0 tagih-agent:6.0; do
	name=${u%:*} max=${u#*:}
	score=$(systemd-analyze security --offline=yes --root="$R" "$name.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "     systemd-analyze security --offline=yes $name.service: exposure $score"
	if [ -n "$score" ] && awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
		ok "$name exposure $score <= $max"
	else
		bad "$name exposure '$score' > $max"
	fi
done
grep -q -- '--db' "$R"/lib/systemd/system/*.service && bad "a unit names --db" ||
	ok "no unit names --db (db comes from the config)"
grep -q '^User=tagih' "$R/lib/systemd/system/tagihd.service" && ok "tagihd runs as user tagih" ||
	bad "tagihd.service has no User=tagih"

# --- --version: all three, the same, from the build's version ---------------
want=$(sed -n 's/^#define TAGIH_VERSION "\(.*\)"/\1/p' "$BUILD/lib/version.h")
for b in tagih tagih-agent tagihd; do
	got=$("$BUILD/$b" --version 2>&1); rc=$?
	[ $rc -eq 0 ] && [ "$got" = "$b $want" ] && ok "$b --version: $got" ||
		bad "$b --version: rc $rc, '$got' (want '$b $want')"
done
# a tarball carries VERSION, and a build from it uses it (no git there)
make --no-print-directory BUILD="$tmp/b" dist >"$tmp/dist.log" 2>&1 || bad "make dist: $(tail -3 "$tmp/dist.log")"
tb=$(ls "$tmp"/b/tagih-*.tar.gz 2>/dev/null | head -1)
if [ -n "$tb" ]; then
	mkdir -p "$tmp/x" && tar -xzf "$tb" -C "$tmp/x"
	src=$(ls -d "$tmp"/x/tagih-*)
	dv=$(cat "$src/VERSION")
	(cd "$src" && GIT_DIR=/nonexistent BUILD=build make --no-print-directory build/lib/version.h >/dev/null 2>&1)
	grep -qF "\"$dv\"" "$src/build/lib/version.h" 2>/dev/null &&
		ok "tarball $(basename "$tb"): VERSION $dv, and its build says so" ||
		bad "tarball build version: $(cat "$src/build/lib/version.h" 2>&1)"
fi

[ $fails -eq 0 ] && echo "all install checks passed" || echo "$fails failed"
[ $fails -eq 0 ]
