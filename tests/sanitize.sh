#!/bin/sh
# sanitize.sh: `make check-sanitizers`: the test suite again, built with AddressSanitizer
# and UndefinedBehaviorSanitizer (configure --enable-sanitizers) in build-san/, a side
# build that leaves the ordinary one alone (tests/sidebuild.sh --sanitizers; `make fuzz`
# builds in build-fuzz/). Any sanitizer report fails the test that caused it.
# SAN_BUILD=DIR moves the build; SAN_JOBS=N sets make -j.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SAN_BUILD:-$PWD/build-san}
"$top/tests/sidebuild.sh" --sanitizers "$build"
# The options, and every suppression, are explained in tests/lsan.supp and
# docs/reliability.md.
# Under ASan every run of the program starts about three times slower: the fault and
# bad-input tests try fewer kill moments and skip the generated option values (argument
# parsing, which the ordinary pass covers; the table's data cases all run); the real-data
# run cuts train's tuning search to 30 evaluations.
export MRS_FAULTS_QUICK=1 MRS_BADINPUT_QUICK=1 MRS_REALDATA_QUICK=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
jobs=${SAN_JOBS:-2}
make -s -C "$build/src" -j"$jobs"
if ! make -s -C "$build/src" -j"$jobs" check; then
	grep -l -E '^:test-result: (FAIL|ERROR)' "$build"/src/tests/*.trs \
		"$build"/src/tests/*/*.trs 2>/dev/null | while read -r trs; do
		echo "==> ${trs%.trs}.log"
		tail -60 "${trs%.trs}.log"
	done
	exit 1
fi
