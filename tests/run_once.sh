#!/bin/sh
# run_once.sh: a command run once from the command line is the command language run once
# (issue 20): `minirecsys --data X eval`, `minirecsys eval --data X` and
# `printf 'eval\n' | minirecsys --data X --batch -` print the same result, as text and
# with --json (the run-once JSON document is the batch object's "result"); the same for
# info and a timeline. Run once, the text may end with the time a command took, which a
# batch transcript leaves out; so may the JSON ("seconds").
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
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-once.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# same NAME WORDS...: the command three ways, text and JSON, compared
same() {
	name=$1
	shift
	g="--data $world/world.db --models $world/models"
	# shellcheck disable=SC2086 # the options are words
	"$bin" -q $g "$@" >"$tmp/$name.before" 2>"$tmp/err" || fail "$name: $(cat "$tmp/err")"
	# shellcheck disable=SC2086
	"$bin" "$@" -q $g >"$tmp/$name.after" 2>"$tmp/err" || fail "$name after: $(cat "$tmp/err")"
	# shellcheck disable=SC2086
	printf '%s\n' "$*" | "$bin" $g --batch - >"$tmp/$name.batch" 2>"$tmp/err" ||
		fail "$name in a batch: $(cat "$tmp/err")"
	# the time a command took closes its text when it runs once
	for w in before after; do
		sed '$ { /^(.*[0-9] s)$/d; }' "$tmp/$name.$w" >"$tmp/$name.$w.text"
	done
	cmp -s "$tmp/$name.before.text" "$tmp/$name.after.text" || {
		fail "$name: the global options before and after the command differ"
		diff "$tmp/$name.before.text" "$tmp/$name.after.text" | head -5
	}
	cmp -s "$tmp/$name.before.text" "$tmp/$name.batch" || {
		fail "$name: run once and in a batch differ"
		diff "$tmp/$name.before.text" "$tmp/$name.batch" | head -5
	}
	# shellcheck disable=SC2086
	"$bin" -q $g --json "$@" | jq -S 'del(.seconds)' >"$tmp/$name.json1"
	# shellcheck disable=SC2086
	"$bin" "$@" --json $g | jq -S 'del(.seconds)' >"$tmp/$name.json2"
	# shellcheck disable=SC2086
	printf '%s\n' "$*" | "$bin" $g --json --batch - | jq -S '.result' >"$tmp/$name.json3"
	[ -s "$tmp/$name.json1" ] || fail "$name --json: nothing"
	cmp -s "$tmp/$name.json1" "$tmp/$name.json2" && cmp -s "$tmp/$name.json1" "$tmp/$name.json3" ||
		fail "$name --json: run once and in a batch differ"
}

same eval eval --users 40 --k 5
same info info
same timeline timeline @hedy5 -n 5
grep -q '^evaluation at k=5 over 40 of' "$tmp/eval.batch" || fail "eval: $(head -1 "$tmp/eval.batch")"
grep -q '^heavy ranker on ' "$tmp/eval.batch" || fail "eval: no model metrics by default"
grep -q '^timeline of @hedy5 ' "$tmp/timeline.batch" || fail "timeline: $(head -1 "$tmp/timeline.batch")"

# a global option in a session is refused; run once, a command of a session alone too
printf 'eval --data x.db\n' | "$bin" --data "$world/world.db" --batch - >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'is an option of minirecsys itself' "$tmp/err" ||
	fail "--data in a session: $(cat "$tmp/err")"
"$bin" --data "$world/world.db" user 5 >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'only in a session' "$tmp/err" || fail "user run once: $(cat "$tmp/err")"

[ "$fails" = 0 ] || exit 1
echo "run_once: eval, info and timeline: the same before, after and in a batch"
