#!/bin/sh
# compare.sh: `compare A B` with the same configuration on both sides gives two identical
# timelines, no movement and the same metrics; for every preset, for a weights file saved
# from a preset against that preset, and in text mode ("=" on every row). Then that a
# different configuration does move tweets, and that compare leaves the configuration in
# use as it was.
set -u
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: jq is not installed (setup.sh --test installs it)"
	exit 77
fi
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
export LC_ALL TZ OPENBLAS_NUM_THREADS
unset MINIRECSYS_DATA MINIRECSYS_MODELS
world=$(MRS_SRCDIR=$srcdir MRS_BUILDDIR=$builddir sh "$srcdir/tests/world.sh") || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# Runs the lines given (in $tmp, so files land there); JSON objects in $tmp/out.json,
# or text in $tmp/out.txt with --text first.
batch() {
	mode=--json out=out.json
	if [ "$1" = --text ]; then
		mode= out=out.txt
		shift
	fi
	printf '%s\n' "$@" >"$tmp/script.cmd"
	st=0
	# shellcheck disable=SC2086 # mode is one word or none
	(cd "$tmp" && "$bin" --data "$world/world.db" --models "$world/models" $mode \
		--batch script.cmd) >"$tmp/$out" 2>"$tmp/err" || st=$?
	[ "$st" = 0 ] || fail "script exits $st: $(cat "$tmp/err") $(jq -r 'select(.ok == false) | .error' "$tmp/out.json" 2>/dev/null)"
}

# Checks the result of one compare (a JSON line): both sides the same.
same_sides() {
	r=$(echo "$1" | jq -c .result)
	what=$2
	[ "$(echo "$r" | jq '.timeline_a == .timeline_b')" = true ] || fail "$what: the timelines differ"
	[ "$(echo "$r" | jq '.timeline_a | length')" -gt 0 ] || fail "$what: an empty timeline"
	[ "$(echo "$r" | jq '.moved')" = 0 ] || fail "$what: $(echo "$r" | jq .moved) tweets moved"
	[ "$(echo "$r" | jq '.same_places == (.timeline_a | length)')" = true ] ||
		fail "$what: $(echo "$r" | jq .same_places) of $(echo "$r" | jq '.timeline_a | length') places the same"
	[ "$(echo "$r" | jq '.metrics_a == .metrics_b')" = true ] || fail "$what: the metrics differ"
}

presets="seed twitter-2023 x-2026"
set -- 'user 5'
for p in $presets; do
	set -- "$@" "compare $p $p" "preset $p" "save weights $p.json" "compare $p $p.json" \
		"compare $p.json $p.json"
done
batch "$@"
for p in $presets; do
	same_sides "$(jq -c "select(.result.a == \"$p\" and .result.b == \"$p\")" "$tmp/out.json")" \
		"compare $p $p"
	same_sides "$(jq -c "select(.result.a == \"$p\" and .result.b == \"$p.json\")" "$tmp/out.json")" \
		"compare $p $p.json"
	same_sides "$(jq -c "select(.result.a == \"$p.json\")" "$tmp/out.json")" \
		"compare $p.json $p.json"
done

# text: every row of the comparison is "="
batch --text 'user 5' 'compare x-2026 x-2026'
grep -E '^[0-9]+ +[0-9]+ @' "$tmp/out.txt" >"$tmp/rows"
[ -s "$tmp/rows" ] || fail "compare in text shows no rows"
grep -v ' =$' "$tmp/rows" >"$tmp/moved" && fail "compare x-2026 x-2026 shows movement: $(cat "$tmp/moved")"
grep -q ' 0 of B.s tweets moved' "$tmp/out.txt" || fail "compare x-2026 x-2026: $(grep moved "$tmp/out.txt")"

# different configurations move tweets, and the one in use stays
batch 'user 5' 'timeline -n 50' 'compare seed twitter-2023' 'timeline -n 50' 'get preset'
[ "$(sed -n 3p "$tmp/out.json" | jq '.result.moved')" -gt 0 ] ||
	fail "compare seed twitter-2023 moves nothing"
[ "$(sed -n 2p "$tmp/out.json" | jq -c .result)" = "$(sed -n 4p "$tmp/out.json" | jq -c .result)" ] ||
	fail "compare changed the timeline in use"
[ "$(sed -n 5p "$tmp/out.json" | jq -r '.result.preset')" = seed ] || fail "compare changed the preset"

[ "$fails" = 0 ] || exit 1
echo "compare: the same configuration on both sides moves nothing: all checks passed"
