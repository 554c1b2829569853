#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - run one group of tests (unit|bpf|integration|demo|faketime|san|all), print a summary.
#
# Exit status: 0 when every test passed (skips allowed), 1 otherwise.
# A test script exits 77 to say "skipped" (kernel or tool missing).  A
# group that finds no test to run fails (nothing built is not a pass),
# and every test is bounded by TEST_TIMEOUT seconds (default 900).
set -u
BUILD=${BUILD:-build}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
group=${1:-all}
pass=0; fail=0; skip=0; failed=""
log_dir=$BUILD/test-logs
mkdir -p "$log_dir"

run_one() {	# name, command...
	name=$1; shift
	log="$log_dir/$(echo "$name" | tr '/ ' '__').log"
	start=$(date +%s)
	# SIGTERM first: the integration scripts clean up on it.
	timeout -k 30 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "run.sh: timed out after ${TEST_TIMEOUT}s" >>"$log"
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); printf '  PASS  %-40s %3ss\n' "$name" "$secs"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); printf '  SKIP  %-40s %s\n' "$name" "$(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed="$failed $name"
		printf '  FAIL  %-40s %3ss (rc %s)\n' "$name" "$secs" "$rc"
		sed 's/^/        | /' "$log" | tail -n 60
	fi
}

none_found() {	# group: no test at all is a failure, not a pass
	fail=$((fail + 1)); failed="$failed $1"
	echo "  FAIL  $1: no test found (not built? make BUILD=$BUILD tests)"
}

run_unit() {
	n=0
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		case $t in *test_bpf_*) continue ;; esac
		n=$((n + 1))
		CK_DEFAULT_TIMEOUT=60 run_one "unit/$(basename "$t")${SAN:+ (asan+ubsan)}" "$t"
	done
	[ $n -gt 0 ] || none_found "unit${SAN:+ (asan+ubsan)}"
}

run_bpf() {
	n=0
	for t in "$BUILD"/tests/test_bpf_*; do
		[ -x "$t" ] || continue
		n=$((n + 1))
		run_one "bpf/$(basename "$t")" "$t"
	done
	[ $n -gt 0 ] || none_found bpf
}

run_integration() {
	n=0
	for t in tests/integration/test_*.sh; do
		[ -f "$t" ] || continue
		n=$((n + 1))
		run_one "integration/$(basename "$t" .sh)" env BUILD="$BUILD" bash "$t"
	done
	[ $n -gt 0 ] || none_found integration
}

# The demo: the README's first command, the main job end to end.
run_demo() {
	run_one "demo" env BUILD="$BUILD" bash tests/integration/demo.sh
}

# The date-sensitive suites again under libfaketime, at the instants where
# a test that mixes the real clock with fixed dates breaks: the last minute
# of a 30-day month, a leap day, the last minute of a year (all WIB, given
# in UTC so the result does not depend on the machine's zone).
FAKE_DATES=${FAKE_DATES:-"2026-11-30T16:59:00 2028-02-29T05:00:00 2026-12-31T16:59:00"}
FAKE_TESTS="test_cli_sub test_billing_cli test_pdp test_tagihd test_notify test_isolir"
run_faketime() {
	if ! command -v faketime >/dev/null 2>&1; then
		fail=$((fail + 1)); failed="$failed faketime"
		echo "  FAIL  faketime not installed (make deps)"
		return
	fi
	for d in $FAKE_DATES; do
		when="${d%T*} ${d#*T}"
		run_one "demo @ $d UTC" env BUILD="$BUILD" TZ=UTC \
			faketime "$when" bash tests/integration/demo.sh
		for t in $FAKE_TESTS; do
			run_one "integration/$t @ $d UTC" env BUILD="$BUILD" \
				TZ=UTC faketime "$when" bash "tests/integration/$t.sh"
		done
	done
}

run_san() {
	echo "== sanitizer build (ASan+UBSan) =="
	if ! make --no-print-directory SANITIZE=1 tests >"$log_dir/san-build.log" 2>&1; then
		fail=$((fail + 1)); failed="$failed san-build"
		echo "  FAIL  sanitizer build"; tail -n 40 "$log_dir/san-build.log"
		return
	fi
	saved=$BUILD; BUILD=build-san; SAN=1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	# leaks inside system libraries (fontconfig's cache), not ours
	export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
	log_dir_saved=$log_dir; log_dir=$BUILD/test-logs; mkdir -p "$log_dir"
	run_unit
	# the CLI and the public daemon end to end, sanitized too
	for t in test_cli_sub test_billing_cli test_cli_ops test_tagihd test_notify \
		 test_custpage test_hostile_input test_prepaid_page; do
		[ -f "tests/integration/$t.sh" ] || continue
		run_one "integration/$t (asan+ubsan)" env BUILD="$BUILD" \
			bash "tests/integration/$t.sh"
	done
	BUILD=$saved; SAN=; log_dir=$log_dir_saved
}

case $group in
unit) echo "== unit tests =="; run_unit ;;
bpf) echo "== BPF tests (BPF_PROG_TEST_RUN) =="; run_bpf ;;
integration) echo "== integration tests (network namespaces) =="; run_integration ;;
demo) echo "== the demo (make demo) =="; run_demo ;;
faketime) echo "== date-sensitive suites under libfaketime =="; run_faketime ;;
san) run_san ;;
all)
	echo "== unit tests =="; run_unit
	echo "== BPF tests (BPF_PROG_TEST_RUN) =="; run_bpf
	echo "== integration tests (network namespaces) =="; run_integration
	echo "== the demo (make demo) =="; run_demo
	echo "== date-sensitive suites under libfaketime =="; run_faketime
	run_san
	;;
*) echo "usage: $0 unit|bpf|integration|demo|faketime|san|all" >&2; exit 2 ;;
esac

[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
