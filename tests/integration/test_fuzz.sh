#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_fuzz.sh - short libFuzzer runs of the webhook parsers, the status API answer reader and the wire parsers (make fuzz).
#
# FUZZ_RUNS (default 20000) inputs per gateway, starting from the seed
# payloads in tests/fuzz/corpus/<gateway>. New inputs go to a temporary
# directory, never into the repository. Skips (77) without clang's
# libFuzzer runtime.
set -u
BUILD=${BUILD:-build}
RUNS=${FUZZ_RUNS:-20000}
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d /tmp/tagih-fuzz-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' \
	>"$tmp/probe.c"
if ! clang -fsanitize=fuzzer "$tmp/probe.c" -o "$tmp/probe" 2>/dev/null; then
	echo "SKIP: clang with libFuzzer (libclang-rt-14-dev) not available"
	exit 77
fi
make --no-print-directory BUILD="$BUILD" fuzz || exit 1
# UBSan only prints a report and carries on unless told to halt: without
# this an overflow or a bad shift in a parser is a PASS.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

rc=0
for gw in midtrans xendit tripay duitku status radius learn; do
	mkdir -p "$tmp/$gw"
	echo "== fuzz_$gw: $RUNS runs"
	if ! "$BUILD/fuzz/fuzz_$gw" -runs="$RUNS" -max_len=4096 -timeout=10 \
		-artifact_prefix="$tmp/$gw-" "$tmp/$gw" "tests/fuzz/corpus/$gw" \
		>"$tmp/$gw.log" 2>&1; then
		echo "FAIL: fuzz_$gw found a crash:"
		tail -n 40 "$tmp/$gw.log"
		for a in "$tmp/$gw-"*; do
			[ -f "$a" ] && { echo "input ($a):"; od -c "$a" | head -20; }
		done
		rc=1
	else
		tail -n 1 "$tmp/$gw.log"
	fi
done
exit $rc
