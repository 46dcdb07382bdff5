#!/bin/sh
# run.sh: `make fuzz`: builds the fuzz targets with clang and libFuzzer (ASan and UBSan)
# in build-fuzz/ (a side build with libFuzzer's coverage hooks: tests/sidebuild.sh
# --fuzz) and runs each for FUZZ_SECONDS seconds (default 60), starting from its
# seed corpus. Fails when a target crashes, leaks, times out or a sanitizer reports; the
# input that did it is kept as build-fuzz/fuzz/crashes/NAME-*. Options, by environment:
#   FUZZ_SECONDS=N         seconds per target
#   FUZZ_TARGETS="a b"     only these targets (names as in tests/fuzz/fuzz.h)
#   FUZZ_BUILD=DIR         the side build (default ./build-fuzz)
#   FUZZ_JOBS=N            make -j for the build (default 2)
#   FUZZ_TIMEOUT=N         seconds one input may take before it counts as a hang (120)
# The corpus each run grows is kept in build-fuzz/fuzz/corpus/NAME (not in the source
# tree); the numbers go to build-fuzz/fuzz/summary.txt.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$PWD/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-120}
all=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\)).*/\1/p' "$top/tests/fuzz/fuzz.h")
targets=${FUZZ_TARGETS:-$all}

command -v clang >/dev/null || {
	echo "make fuzz needs clang (and libclang-rt-14-dev): apt-get install clang libclang-rt-14-dev" >&2
	exit 1
}
"$top/tests/sidebuild.sh" --fuzz "$build"
make -s -C "$build/src" -j"${FUZZ_JOBS:-2}" fuzz-targets
out="$build/fuzz"

# ASan: report leaks (libFuzzer checks each input for them); abort on the first error.
# UBSan: every report is an error with a stack (the build also sets
# -fno-sanitize-recover). tests/fuzz/README.md explains each choice.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export OPENBLAS_NUM_THREADS=1
mkdir -p "$out/crashes" "$out/logs"
# the command-language targets sandbox their writes; this is where libFuzzer may write
MRS_FUZZ_ARTIFACTS=$out/crashes
export MRS_FUZZ_ARTIFACTS
summary="$out/summary.txt"
printf '%-20s %8s %10s %8s %7s %s\n' target seconds runs runs/s corpus result >"$summary"
failed=0
for t in $targets; do
	work="$out/corpus/$t"
	mkdir -p "$work"
	dict=""
	[ -f "$top/tests/fuzz/dict/$t.dict" ] && dict="-dict=$top/tests/fuzz/dict/$t.dict"
	log="$out/logs/$t.log"
	start=$(date +%s)
	set +e
	# shellcheck disable=SC2086
	"$build/src/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout" \
		-rss_limit_mb=3072 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t-" $dict \
		"$work" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	set -e
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	corpus=$(find "$work" -type f | wc -l)
	result=ok
	if [ "$rc" -ne 0 ]; then
		result="FAILED (exit $rc; $log)"
		failed=1
	fi
	rate=$((${runs:-0} / (took > 0 ? took : 1)))
	printf '%-20s %8s %10s %8s %7s %s\n' "$t" "$took" "${runs:-?}" "$rate" "$corpus" \
		"$result" | tee -a "$summary"
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit written' "$log" | head -20 || true
	fi
done
exit $failed
