#!/bin/sh
# whatif.sh: the what-if edits keep their promises, on a hand-built world imported from
# tests/fixtures/whatif (its README describes it; no models: every part falls back):
#  - following an author brings every recent tweet of theirs into InNetwork;
#  - blocking an author drops their tweets from every source and from the timeline,
#    whether or not the viewer follows them;
#  - reset gives back the original timeline exactly (every field of `timeline` in JSON);
#  - the dataset file is unchanged, byte for byte.
set -u
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
fx=$srcdir/tests/fixtures/whatif
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: jq is not installed (setup.sh --test installs it)"
	exit 77
fi
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
export LC_ALL TZ OPENBLAS_NUM_THREADS
unset MINIRECSYS_DATA MINIRECSYS_MODELS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-whatif.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

"$bin" -q import activity "$fx/activity.txt" "$fx/follows.txt" -o "$tmp/tiny.db" >/dev/null ||
	{ echo "FAIL: the fixture does not import"; exit 1; }
cp "$tmp/tiny.db" "$tmp/before.db"

# Runs a script in --json mode (one object per command); the objects go to $tmp/$1.json.
script() {
	name=$1
	shift
	printf '%s\n' "$@" >"$tmp/$name.cmd"
	"$bin" --data "$tmp/tiny.db" --models "$tmp/no-models" --json --batch "$tmp/$name.cmd" \
		>"$tmp/$name.json" 2>"$tmp/$name.err"
	st=$?
	[ "$st" = 0 ] || fail "$name: exit $st: $(jq -r 'select(.ok == false) | .error' "$tmp/$name.json")"
	[ -s "$tmp/$name.err" ] && fail "$name: stderr: $(cat "$tmp/$name.err")"
}

# The result of the Nth command (from 1) of a script's output.
nth() {
	sed -n "${2}p" "$tmp/$1.json" | jq -c '.result'
}

# Tweets by author $3 among the candidates of the Nth command's result, per source.
by_author() {
	nth "$1" "$2" | jq -c --argjson a "$3" \
		'[.sources | to_entries[] | {(.key): [.value[] | select(.author == $a) | .tweet]}] | add'
}

script ids 'profile @dee' 'profile @ada'
dee=$(nth ids 1 | jq '.id')
dee_tweets=$(nth ids 1 | jq '.tweets')
[ "$dee_tweets" -gt 0 ] || fail "the fixture gives @dee no tweets"

# 1. follow: @dee's tweets enter InNetwork, all of them (all are recent)
script follow 'user @ada' 'candidates' 'timeline -n 50' 'follow @dee' 'candidates in_network' \
	'reset' 'timeline -n 50'
before=$(by_author follow 2 "$dee")
[ "$(echo "$before" | jq '.in_network | length')" = 0 ] ||
	fail "@dee is in InNetwork before @ada follows them: $before"
[ "$(echo "$before" | jq '[.[] | length] | add')" -gt 0 ] ||
	fail "@dee reaches @ada through no source before the follow (the fixture should make it)"
after=$(by_author follow 5 "$dee")
[ "$(echo "$after" | jq '.in_network | length')" = "$dee_tweets" ] ||
	fail "after the follow InNetwork holds $(echo "$after" | jq -c .in_network) of @dee's $dee_tweets tweets"
# a tweet of @dee's that entered the timeline says why
nth follow 4 | jq -r '.entered[] | .why' >"$tmp/why"
while read -r why; do
	case $why in *"now follows @dee"* | "via "*) ;; *) fail "an entered tweet says '$why'" ;; esac
done <"$tmp/why"

# 2. reset: the original timeline, field for field
nth follow 3 | jq . >"$tmp/original"
nth follow 7 | jq . >"$tmp/reset"
cmp -s "$tmp/original" "$tmp/reset" || {
	fail "reset does not give the original timeline back"
	diff -u "$tmp/original" "$tmp/reset" | head -20
}
[ "$(sed -n 6p "$tmp/follow.json" | jq '.result.dropped')" = 1 ] || fail "reset did not drop 1 edit"

# 3. block: @dee's tweets leave every source and the timeline, followed or not
script block 'user @ada' 'block @dee' 'candidates' 'timeline -n 50' 'reset' 'follow @dee' \
	'block @dee' 'candidates' 'timeline -n 50' 'reset' 'timeline -n 50'
for n in 3 8; do
	left=$(by_author block "$n" "$dee" | jq '[.[] | length] | add')
	[ "$left" = 0 ] || fail "after block (command $n) @dee still has $left candidates: $(by_author block "$n" "$dee")"
done
for n in 4 9; do
	in_tl=$(nth block "$n" | jq --argjson a "$dee" '[.timeline[] | select(.author == $a)] | length')
	[ "$in_tl" = 0 ] || fail "after block (command $n) @dee has $in_tl tweets in the timeline"
done
[ "$(nth block 11)" = "$(nth follow 3)" ] || fail "the timeline after block and reset is not the original"

# 4. the file: what-if edits never write it
cmp -s "$tmp/before.db" "$tmp/tiny.db" || fail "the dataset file changed"
for f in "$tmp"/tiny.db.tmp*; do
	[ -e "$f" ] && fail "a temporary file beside the dataset was left: $f"
done

[ "$fails" = 0 ] || exit 1
echo "whatif: follow, block, reset and the untouched file: all checks passed"
