#!/bin/sh
# valgrind.sh: `make check-valgrind`: memcheck over a full batch transcript
# (tests/valgrind-batch.cmd: load, timeline, explain, set, presets, what-if edits, eval,
# files saved and loaded) on a 150-user world with trained models. Fails on any invalid
# read or write, use of uninitialised memory, or definitely lost block; libtorch's and
# OpenBLAS's one-time allocations stay reachable and are not errors. Suppressions:
# tests/valgrind.supp (each entry says why). Takes a few minutes.
set -u
bin="${MRS_BUILDDIR:-.}/minirecsys"
src="${MRS_SRCDIR:-.}"
tmp=$(mktemp -d /tmp/mrs-valgrind-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
command -v valgrind >/dev/null || {
	echo "valgrind is not installed: skipped"
	exit 77
}
"$bin" -q generate --users 150 --tweets 1500 --impressions 9000 --seed 4 -o "$tmp/w.db" &&
	"$bin" -q --data "$tmp/w.db" --models "$tmp/m" train >/dev/null || exit 1
sed "s|@TMP@|$tmp|g" "$src/tests/valgrind-batch.cmd" >"$tmp/walk.cmd"
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --num-callers=30 \
	--suppressions="$src/tests/valgrind.supp" \
	"$bin" --data "$tmp/w.db" --models "$tmp/m" --batch "$tmp/walk.cmd" \
	>"$tmp/out" 2>"$tmp/vg"
rc=$?
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|still reachable" "$tmp/vg"
# the script ends with two bad commands on purpose: exit 2, no memory errors
if [ "$rc" -ne 2 ]; then
	echo "FAIL: exit $rc (99: valgrind found errors)"
	grep -B2 -A30 -E "Invalid|uninitialised|definitely lost in" "$tmp/vg" | head -120
	exit 1
fi
grep -q "^timeline of" "$tmp/out" || {
	echo "FAIL: the walk printed no timeline"
	exit 1
}
echo "valgrind: no memory errors, nothing definitely lost over $(grep -c . "$tmp/walk.cmd") commands"
