#!/bin/sh
# bench_smoke.sh: runs every benchmark program on a tiny world (200 users) to show that
# they work; no time is judged. Part of `make check`; `make bench-smoke` runs it with the
# callgrind phase too (BENCH_SMOKE_CALLGRIND=1 and VALGRIND set).
set -eu
b=${MRS_BUILDDIR:-.}
for p in bench/bench bench/bench_ranker bench/bench_retrieval minirecsys; do
	if [ ! -x "$b/$p" ]; then
		echo "bench_smoke: $b/$p is not built"
		exit 77
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mrs-bench-smoke-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export OPENBLAS_NUM_THREADS=1

phases=generate,load,train,serve,start,eval
set -- --smoke --work "$work" --json "$work/smoke.json" --minirecsys "$b/minirecsys"
if [ -n "${BENCH_SMOKE_CALLGRIND:-}" ] && [ -n "${VALGRIND:-}" ]; then
	phases=$phases,callgrind
	set -- "$@" --valgrind "$VALGRIND"
fi
"$b/bench/bench" "$@" --phases "$phases" > "$work/table.txt"
cat "$work/table.txt"
for row in "generate (build + write)" "load dataset" "train every model" \
	"request, all stages" "re-rank after a weight change" "heavy ranker forward" "eval" \
	"engine open from the snapshot" '`minirecsys timeline 1` (process)' \
	"explorer's first screen (pty)"; do
	if ! grep -q "$row" "$work/table.txt"; then
		echo "bench_smoke: the table has no row '$row'"
		exit 1
	fi
done
if [ "$phases" != "${phases%callgrind}" ] && ! grep -q "instructions: one request" "$work/table.txt"; then
	echo "bench_smoke: no instruction counts"
	exit 1
fi
grep -q '"measures"' "$work/smoke.json"

"$b/bench/bench_ranker" "$work/small/world.db" "$work/small/models" 3
mkdir "$work/retrieval"
"$b/bench/bench_retrieval" "$work/small/world.db" "$work/retrieval"
