# SPDX-License-Identifier: GPL-2.0
# cli_check.sh - checks for the scripts that drive `tagih` against one store: ok, bad, die, eq, must, refuse.
# Source it from bash after setting DB (the store folder) and defining
# tg (tagih with its --db and --config); never run it. The caller keeps
# its own traps; a check that fails counts in $fails, a refusal in $refused.
fails=0
refused=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

# eq WHAT GOT WANT
eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else bad "$1: got '$2', want '$3'"; fi
}

# must ARGS...: `tg ARGS...` succeeds; its stdout is left in $out
must() {
	if ! out=$(tg "$@" 2>"$tmp/err"); then
		bad "tagih $*: $(cat "$tmp/err")"
	fi
}

# refuse_cmd WHAT MESSAGE CMD...: CMD (standard input /dev/null) exits 1
# or 2 (not 0, not a signal), MESSAGE is on stderr, and data.mdb is
# byte-identical (md5).
refuse_cmd() {
	local what=$1 msg=$2 before after rc
	shift 2
	before=$(md5sum <"$DB/data.mdb")
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	after=$(md5sum <"$DB/data.mdb")
	if [ $rc -ne 1 ] && [ $rc -ne 2 ]; then
		bad "$what: exit $rc, want 1 or 2"
	elif ! grep -qF -- "$msg" "$tmp/err"; then
		bad "$what: stderr '$(cat "$tmp/err")' lacks '$msg'"
	elif [ "$before" != "$after" ]; then
		bad "$what: store changed"
	else
		refused=$((refused + 1))
		ok "$what: rc $rc, '$(head -n1 "$tmp/err")', store unchanged"
	fi
}

# refuse WHAT MESSAGE ARGS...: refuse_cmd on `tg ARGS...`
refuse() {
	local what=$1 msg=$2
	shift 2
	refuse_cmd "$what" "$msg" tg "$@"
}
