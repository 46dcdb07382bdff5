#!/bin/sh
# cli_import.sh: `minirecsys import` end to end: exit codes, the summary, what `info`
# then shows, and that a failed import leaves an existing dataset byte-for-byte intact.
set -u
bin="${MRS_BUILDDIR:-.}/minirecsys"
fx="${MRS_SRCDIR:-.}/tests/fixtures/import"
tmp=$(mktemp -d /tmp/mrs-cli-import-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# value of a top-level numeric field of `info --json`
json_field() {
	sed -n "s/^	\"$1\":[[:space:]]*\([0-9][0-9]*\),*$/\1/p" "$2"
}

# 1. a good import: exit 0, a summary line, and the counts in `info --json`
out="$tmp/act.db"
"$bin" import activity "$fx/activity.txt" "$fx/activity_follows.txt" -o "$out" \
	>"$tmp/summary" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "good import exited $rc: $(cat "$tmp/err")"
grep -q "11 rows read, 0 skipped; 7 users, 4 tweets, 3 follows, 5 impressions, 0 texts" \
	"$tmp/summary" || fail "summary: $(cat "$tmp/summary")"
"$bin" --data "$out" info --json >"$tmp/info.json" || fail "info failed"
for kv in users=7 tweets=4 follows=3 impressions=5 labelled_texts=0; do
	k=${kv%=*} v=${kv#*=}
	got=$(json_field "$k" "$tmp/info.json")
	[ "$got" = "$v" ] || fail "info --json: $k is '$got', expected $v"
done
grep -q '"kind":[[:space:]]*"activity"' "$tmp/info.json" || fail "info --json: kind"

# labels: a dataset without users or tweets still stores and loads
"$bin" import labels "$fx/offensive/text.txt" "$fx/offensive/labels.txt" -o "$tmp/lab.db" \
	>"$tmp/summary" || fail "labels import failed"
"$bin" --data "$tmp/lab.db" info >"$tmp/info.txt" || fail "info on labels failed"
grep -q "3 labelled (offensive)" "$tmp/info.txt" || fail "labels info: $(cat "$tmp/info.txt")"
"$bin" -q import labels "$fx/offensive/text.txt" "$fx/offensive/labels.txt" --task hate --force \
	-o "$tmp/lab.db" >"$tmp/summary" 2>"$tmp/err" || fail "labels --task failed"
[ -s "$tmp/err" ] && fail "-q still wrote to stderr: $(cat "$tmp/err")"
grep -q "3 texts" "$tmp/summary" || fail "-q lost the summary: $(cat "$tmp/summary")"
"$bin" --data "$tmp/lab.db" info | grep -q "3 labelled (hate)" || fail "--task not kept"

# -o defaults to the global --data path
"$bin" --data "$tmp/default.db" import edges "$fx/follows.txt" >/dev/null ||
	fail "import with --data failed"
[ -f "$tmp/default.db" ] || fail "--data did not name the output"

# 2. a bad row: exit 2, FILE:LINE on stderr, the existing file untouched (--force: it
# may be replaced, by a good import)
cp "$out" "$tmp/before.db"
printf '10 20 1341100900 RT\n10 20 later RT\n11 20 1341100950 MT\n' >"$tmp/bad.txt"
"$bin" import activity "$tmp/bad.txt" -o "$out" --force >"$tmp/summary" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "bad row exited $rc, expected 2"
grep -q "$tmp/bad.txt:2: time 'later' is not a unix time" "$tmp/err" ||
	fail "stderr lacks FILE:LINE: $(cat "$tmp/err")"
cmp -s "$out" "$tmp/before.db" || fail "a failed import changed $out"
ls "$tmp" | grep -q 'tmp-' && fail "a temporary file was left behind"

# a missing file: exit 2, named
"$bin" import edges "$tmp/nope.txt" -o "$out" --force 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "missing file exited $rc"
grep -q "$tmp/nope.txt" "$tmp/err" || fail "missing file not named: $(cat "$tmp/err")"
cmp -s "$out" "$tmp/before.db" || fail "a failed import changed $out"

# usage errors: exit 2
"$bin" import 2>/dev/null
[ $? -eq 2 ] || fail "import without arguments should exit 2"
"$bin" import tsv "$fx/follows.txt" -o "$tmp/x.db" 2>/dev/null
[ $? -eq 2 ] || fail "unknown format should exit 2"
"$bin" import edges "$fx/follows.txt" --bogus 2>/dev/null
[ $? -eq 2 ] || fail "unknown option should exit 2"

# 3. --skip-bad: exit 0 and the skipped count reported
"$bin" import activity "$tmp/bad.txt" -o "$out" --force --skip-bad >"$tmp/summary" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "--skip-bad exited $rc: $(cat "$tmp/err")"
grep -q "3 rows read, 1 skipped; 3 users, 1 tweets" "$tmp/summary" ||
	fail "--skip-bad summary: $(cat "$tmp/summary")"
"$bin" --json import activity "$tmp/bad.txt" -o "$out" --force --skip-bad >"$tmp/summary" ||
	fail "--json import failed"
[ "$(json_field rows "$tmp/summary"),$(json_field skipped "$tmp/summary")" = 3,1 ] ||
	fail "--json summary: $(cat "$tmp/summary")"
"$bin" --data "$out" info --json >"$tmp/info.json" || fail "info after --skip-bad failed"
[ "$(json_field impressions "$tmp/info.json")" = 2 ] || fail "--skip-bad: impressions"

[ "$fails" -eq 0 ] || exit 1
echo "cli_import: all checks passed"
