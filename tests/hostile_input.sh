#!/bin/sh
# hostile_input.sh: input made to hurt (issue 13, points 6, 7 and two messages of 9).
#  6. An endless line (a FIFO fed from /dev/zero) stops the import with an error at the
#     1 MiB limit instead of reading forever; Ctrl-C while a FIFO keeps the import waiting
#     says "cancelled".
#  7. Handles and tweets holding escape sequences, BEL, DEL and C1 controls: no text
#     output (users, profile, user, timeline, explain, candidates, stage, info, the
#     subcommands, errors quoting data) carries a control character to the terminal;
#     columns stay aligned with multi-byte handles; JSON keeps the data exact and is
#     valid UTF-8, even for a path that is not.
set -u
bin="$(cd "${MRS_BUILDDIR:-.}" && pwd)/minirecsys"
tmp=$(mktemp -d /tmp/mrs-hostile-XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export OPENBLAS_NUM_THREADS=1 LC_ALL=C.UTF-8 TZ=UTC
unset MINIRECSYS_DATA MINIRECSYS_MODELS
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# the files are valid UTF-8 without a control character but newline: no C0, DEL or C1
no_controls() {
	perl -ne 'my $s = $_; utf8::decode($s) or do { print STDERR "line $.: not UTF-8\n"; exit 1 };
		if ($s =~ /[\x00-\x09\x0b-\x1f\x7f-\x9f]/) {
			printf STDERR "line %d: U+%04X\n", $., ord(substr($s, $-[0], 1)); exit 1 }' "$@"
}

# ---------------------------------------------------------------- 6. endless input
mkfifo "$tmp/zf"
cat /dev/zero >"$tmp/zf" 2>/dev/null &
pids="$pids $!"
timeout -k 5 60 "$bin" -q import edges "$tmp/zf" -o "$tmp/z.db" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "zf:1: line is longer than 1048576 bytes" "$tmp/err" ||
	fail "a FIFO fed from /dev/zero: exit $rc (124: still reading after 60 s): $(cat "$tmp/err")"
[ -e "$tmp/z.db" ] && fail "the endless import wrote a dataset"
# Ctrl-C while the import waits on a FIFO that never ends a line
mkfifo "$tmp/wait"
sleep 300 >"$tmp/wait" &
pids="$pids $!"
"$bin" -q import edges "$tmp/wait" -o "$tmp/w.db" 2>"$tmp/err" &
imp=$!
for _ in $(seq 100); do # until it has the FIFO open (and so waits in read)
	ls -l "/proc/$imp/fd" 2>/dev/null | grep -q "$tmp/wait" && break
	sleep 0.1
done
sleep 0.5
kill -INT "$imp"
wait "$imp"
rc=$?
[ "$rc" = 1 ] && grep -q "import: cancelled while reading $tmp/wait" "$tmp/err" ||
	fail "Ctrl-C during import: exit $rc: $(cat "$tmp/err")"

# ---------------------------------------------------------------- 7. escapes in the data
esc=$(printf '\033') bel=$(printf '\007') del=$(printf '\177') csi=$(printf '\302\233')
{
	printf 'title%s]0;pwned%s clear%s[2J%s[3J 100 RT\n' "$esc" "$bel" "$esc" "$esc"
	printf 'clear%s[2J%s[3J red%s[31m%s 200 RE\n' "$esc" "$esc" "$esc" "$del"
	printf 'red%s[31m%s c1%s2J 300 MT\n' "$esc" "$del" "$csi"
	printf 'c1%s2J title%s]0;pwned%s 400 RT\n' "$csi" "$esc" "$bel"
	printf 'plain title%s]0;pwned%s 500 RT\n' "$esc" "$bel"
	printf 'plain clear%s[2J%s[3J 600 RE\n' "$esc" "$esc"
	printf 'plain red%s[31m%s 700 MT\n' "$esc" "$del"
	printf 'title%s]0;pwned%s plain 800 RT\n' "$esc" "$bel"
} >"$tmp/act.txt"
"$bin" -q import activity "$tmp/act.txt" -o "$tmp/d.db" || exit 1
cat >"$tmp/text.cmd" <<EOF
users
profile 0
user 0
timeline -n 10
candidates
explain 0
stage 9
info
user @title${esc}]0;other${bel}
profile @nobody${esc}[2J
EOF
"$bin" --data "$tmp/d.db" --models "$tmp/none" --echo --batch "$tmp/text.cmd" \
	>"$tmp/out" 2>"$tmp/err"
[ -s "$tmp/out" ] || fail "the text commands printed nothing: $(cat "$tmp/err")"
grep -q ']0;pwned' "$tmp/out" || fail "the handles are not shown at all"
no_controls "$tmp/out" || fail "control characters in the text output"
no_controls "$tmp/err" || fail "control characters in the errors: $(cat "$tmp/err")"
grep -q 'no user' "$tmp/err" || fail "an unknown handle is not reported: $(cat "$tmp/err")"
"$bin" --data "$tmp/d.db" --models "$tmp/none" timeline 0 >"$tmp/out" 2>"$tmp/err"
no_controls "$tmp/out" "$tmp/err" || fail "control characters in the timeline subcommand"
"$bin" --data "$tmp/d.db" info >"$tmp/out" 2>&1
no_controls "$tmp/out" || fail "control characters in info"
# JSON: the data exact, escaped, valid UTF-8
"$bin" --data "$tmp/d.db" --models "$tmp/none" --json --batch "$tmp/text.cmd" >"$tmp/out" 2>/dev/null
jq -e . "$tmp/out" >/dev/null 2>&1 || fail "--json output is not JSON"
iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null 2>&1 || fail "--json output is not valid UTF-8"
no_controls "$tmp/out" || fail "raw control characters in the JSON"
[ "$(head -1 "$tmp/out" | jq -r '.result.users[].handle' | grep -c "$esc")" -gt 0 ] ||
	fail "JSON lost the handles' escape characters"
# a path that is not UTF-8
bad=$tmp/$(printf 'w\377.db')
cp "$tmp/d.db" "$bad"
"$bin" --data "$bad" info --json >"$tmp/out" 2>&1
iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null 2>&1 && jq -e .path "$tmp/out" >/dev/null 2>&1 ||
	fail "info --json of a non-UTF-8 path: not valid JSON: $(head -c 120 "$tmp/out" | od -c | head -3)"
# columns: a handle of multi-byte characters takes as many columns as its characters
printf '\303\251\303\251\303\251 b\nb c\nc \303\251\303\251\303\251\n' >"$tmp/e.txt"
"$bin" -q import edges "$tmp/e.txt" -o "$tmp/e.db" || exit 1
printf 'users\n' | "$bin" --data "$tmp/e.db" --batch - >"$tmp/out"
perl -CSD -ne 'next if $. < 2; if (/^(.*?@\S+\s+)\d/) { $c{length $1} = 1 }
	END { exit(keys %c == 1 ? 0 : 1) }' "$tmp/out" ||
	fail "the users columns are not aligned: $(cat "$tmp/out")"

[ "$fails" -eq 0 ] || {
	echo "$fails failures"
	exit 1
}
echo "hostile input: every check passed"
exit 0
