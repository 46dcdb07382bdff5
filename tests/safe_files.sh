#!/bin/sh
# safe_files.sh: no file the user did not name is touched.
#  1. Symbolic links planted under every temporary name the program could use (the old
#     predictable FILE.tmp-PID for the next PIDs) and at the lock files point to a victim
#     file: save weights, save overlay, export trace, generate, import and train must
#     write their own files and leave the victim as it was; a planted lock is refused.
#  2. A target that is a FIFO, a character device, a folder or a symbolic link is refused
#     and left as it is; "-" is the command's own output.
#  3. generate and import refuse an existing file without --force, and an output that is
#     one of the inputs (however it is named) even with it.
set -u
bin="$(cd "${MRS_BUILDDIR:-.}" && pwd)/minirecsys"
tmp=$(mktemp -d /tmp/mrs-safe-files-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
unset MINIRECSYS_DATA MINIRECSYS_MODELS
fails=0 checks=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run ARGS...: the program with stdin from $tmp/in; sets $rc, $tmp/out, $tmp/err
run() {
	checks=$((checks + 1))
	"$bin" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# script LINES: a --batch script, run in $tmp/pub (a folder anyone may write to, like the
# issue's /shared); sets $rc, $tmp/out, $tmp/err
script() {
	checks=$((checks + 1))
	printf '%s\n' "$@" >"$tmp/in"
	(cd "$tmp/pub" && exec "$bin" --data "$tmp/w.db" --models "$tmp/m" --batch -) \
		<"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	: >"$tmp/in"
}

victim_intact() {
	[ -f "$tmp/victim" ] && [ ! -L "$tmp/victim" ] &&
		[ "$(cat "$tmp/victim")" = "precious" ] || fail "$1: the victim file was written"
}

# plant NAME: links NAME.tmp-PID -> victim for the next 3000 PIDs (the names a writer
# using FILE.tmp-PID would use: the system hands PIDs out in order)
plant() {
	last=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null || echo 1)
	perl -e 'my ($name, $from, $victim) = @ARGV;
		for my $p ($from .. $from + 3000) { symlink($victim, "$name.tmp-$p") or die "$!" }' \
		"$1" "$last" "$tmp/victim" || fail "cannot plant links for $1"
}

# every planted link is still a link (or was removed as a dead writer's name), and no
# temporary file of NAME is left
links_intact() {
	left=$(find "$(dirname "$1")" -maxdepth 1 -name "$(basename "$1").tmp-*" ! -type l)
	[ -z "$left" ] || fail "$2: temporary files left or links replaced: $left"
}

: >"$tmp/in"
mkdir "$tmp/pub"
chmod 1777 "$tmp/pub"
printf 'precious' >"$tmp/victim"
# seed 2: its reviewers labelled both NSFW and toxic tweets before the split, which the
# safety models need to train (seed 3's labels have no NSFW one)
"$bin" -q generate --users 80 --tweets 600 --impressions 5000 --seed 2 -o "$tmp/w.db" ||
	exit 1
"$bin" -q --data "$tmp/w.db" --models "$tmp/m" train >/dev/null || exit 1

# ---------------------------------------------------------------- 1. planted links
for what in "save weights" "save overlay" "export trace"; do
	f=$tmp/pub/$(echo "$what" | tr ' ' -).json
	plant "$f"
	script "user 5" "block 6" "$what $f"
	[ "$rc" = 0 ] || fail "$what with planted links: exit $rc: $(cat "$tmp/err")"
	victim_intact "$what"
	[ -f "$f" ] && [ ! -L "$f" ] && jq -e . "$f" >/dev/null 2>&1 ||
		fail "$what: $f is not the JSON written"
	links_intact "$f" "$what"
done
plant "$tmp/pub/gen.db"
run -q generate --users 60 --tweets 400 --impressions 3000 -o "$tmp/pub/gen.db"
[ "$rc" = 0 ] || fail "generate with planted links: exit $rc: $(cat "$tmp/err")"
victim_intact "generate"
"$bin" --data "$tmp/pub/gen.db" info >/dev/null 2>&1 || fail "generate: the dataset does not load"
printf 'a b\nb c\n' >"$tmp/edges.txt"
plant "$tmp/pub/imp.db"
run -q import edges "$tmp/edges.txt" -o "$tmp/pub/imp.db"
[ "$rc" = 0 ] || fail "import with planted links: exit $rc: $(cat "$tmp/err")"
victim_intact "import"
# train: the pointer's old temporary names, and a link under the name of the set it will
# make (never followed: the folder it names keeps its files)
cp -r "$tmp/m" "$tmp/pub/m"
set=$(cat "$tmp/pub/m/CURRENT")
plant "$tmp/pub/m/CURRENT"
mkdir "$tmp/victimdir"
cp "$tmp/victim" "$tmp/victimdir/heavy_ranker.pt"
ln -s "$tmp/victimdir" "$tmp/pub/m/set-2"
run -q --data "$tmp/w.db" --models "$tmp/pub/m" train --only heavy_ranker
[ "$rc" = 0 ] || fail "train with planted links: exit $rc: $(cat "$tmp/err")"
victim_intact "train"
cmp -s "$tmp/victim" "$tmp/victimdir/heavy_ranker.pt" || fail "train: wrote through set-2"
[ "$(cat "$tmp/pub/m/CURRENT")" != "$set" ] || fail "train: CURRENT did not switch"
links_intact "$tmp/pub/m/CURRENT" "train"
# lock files: a link there is refused and its target untouched
ln -s "$tmp/victim" "$tmp/pub/locked.db.lock"
run -q generate --users 60 --tweets 400 --impressions 3000 -o "$tmp/pub/locked.db"
[ "$rc" = 2 ] && grep -q "locked.db.lock is a symbolic link" "$tmp/err" ||
	fail "a planted DB.lock: exit $rc: $(cat "$tmp/err")"
[ -e "$tmp/pub/locked.db" ] && fail "a planted DB.lock: the dataset was written"
mkdir "$tmp/pub/m2"
ln -s "$tmp/victim" "$tmp/pub/m2/.lock"
run -q --data "$tmp/w.db" --models "$tmp/pub/m2" train --only nsfw
[ "$rc" = 2 ] && grep -q ".lock is a symbolic link" "$tmp/err" ||
	fail "a planted models/.lock: exit $rc: $(cat "$tmp/err")"
victim_intact "the lock files"

# ---------------------------------------------------------------- 2. targets that are not files
mkfifo "$tmp/fifo"
mkdir "$tmp/folder"
ln -s "$tmp/victim" "$tmp/link.json"
devices=""
if mknod "$tmp/full" c 1 7 2>/dev/null; then
	devices="$tmp/full"
else
	echo "note: cannot make a device node here; the FIFO, folder and link cases remain"
fi
for t in "$tmp/fifo" "$tmp/folder" "$tmp/link.json" $devices; do
	before=$(ls -ld "$t" | cut -c1)
	for what in "export trace" "save weights" "save overlay"; do
		script "user 5" "$what $t"
		[ "$rc" = 2 ] && grep -q "not a regular file: not replaced" "$tmp/err" ||
			fail "$what $t: exit $rc: $(cat "$tmp/err")"
	done
	run -q generate --force --users 60 --tweets 400 --impressions 3000 -o "$t"
	[ "$rc" = 2 ] && grep -q "not a regular file: not replaced" "$tmp/err" ||
		fail "generate -o $t: exit $rc: $(cat "$tmp/err")"
	[ "$(ls -ld "$t" | cut -c1)" = "$before" ] || fail "$t is no longer what it was"
done
victim_intact "targets that are not files"
[ "$(ls "$tmp" | grep -c 'tmp-')" = 0 ] || fail "temporary files left: $(ls "$tmp")"
# "-": the command's own output
script "user 5" "export trace -"
[ "$rc" = 0 ] && [ "$(sed 1d "$tmp/out" | jq -r '.viewer' 2>/dev/null)" = 5 ] ||
	fail "export trace -: exit $rc, not the trace: $(head -c 200 "$tmp/out")"
script "user 5" "save weights -"
[ "$rc" = 0 ] && sed 1d "$tmp/out" | jq -e '.fusion' >/dev/null 2>&1 ||
	fail "save weights -: exit $rc: $(head -c 200 "$tmp/out")"
printf 'user 5\nexport trace -\n' >"$tmp/in"
run --data "$tmp/w.db" --models "$tmp/m" --json --batch -
[ "$rc" = 0 ] && [ "$(sed -n 2p "$tmp/out" | jq -r '.result.trace.viewer')" = 5 ] ||
	fail "export trace - in --json: $(sed -n 2p "$tmp/out" | head -c 200)"
: >"$tmp/in"
run -q generate -o - --users 60 --tweets 400
[ "$rc" = 2 ] && grep -q "cannot go to the standard output" "$tmp/err" ||
	fail "generate -o -: exit $rc: $(cat "$tmp/err")"

# ---------------------------------------------------------------- 3. overwriting
printf 'my notes\n' >"$tmp/notes.txt"
run -q generate --users 60 --tweets 400 --impressions 3000 -o "$tmp/notes.txt"
[ "$rc" = 1 ] && grep -q "notes.txt exists: add --force to replace it" "$tmp/err" ||
	fail "generate over a file: exit $rc: $(cat "$tmp/err")"
[ "$(cat "$tmp/notes.txt")" = "my notes" ] || fail "generate replaced notes.txt"
run -q generate --force --users 60 --tweets 400 --impressions 3000 -o "$tmp/notes.txt"
[ "$rc" = 0 ] || fail "generate --force: exit $rc: $(cat "$tmp/err")"
run -q import edges "$tmp/edges.txt" -o "$tmp/imp2.db"
[ "$rc" = 0 ] || fail "import into a new file: exit $rc: $(cat "$tmp/err")"
run -q import edges "$tmp/edges.txt" -o "$tmp/imp2.db"
[ "$rc" = 1 ] && grep -q "exists: add --force" "$tmp/err" || fail "import over a dataset: exit $rc"
cp "$tmp/edges.txt" "$tmp/edges.orig"
ln "$tmp/edges.txt" "$tmp/hardlink.txt"
ln -s "$tmp/edges.txt" "$tmp/symlink.txt"
for out in "$tmp/edges.txt" "$tmp/../$(basename "$tmp")/edges.txt" "$tmp/hardlink.txt" \
	"$tmp/symlink.txt"; do
	for force in "" --force; do
		# shellcheck disable=SC2086
		run -q import edges "$tmp/edges.txt" -o "$out" $force
		[ "$rc" = 2 ] && grep -q "is one of the inputs" "$tmp/err" ||
			fail "import edges edges.txt -o $out $force: exit $rc: $(cat "$tmp/err")"
	done
done
cmp -s "$tmp/edges.txt" "$tmp/edges.orig" || fail "an input was overwritten"
# a folder input: its files are inputs too
mkdir "$tmp/lastfm"
cp "${MRS_SRCDIR:-.}"/tests/fixtures/import/lastfm/*.tsv "$tmp/lastfm/"
run -q import lastfm "$tmp/lastfm" -o "$tmp/lastfm/artists.tsv" --force
[ "$rc" = 2 ] && grep -q "is one of the inputs" "$tmp/err" ||
	fail "import lastfm DIR -o DIR/artists.tsv: exit $rc: $(cat "$tmp/err")"

echo "safe files: $checks runs checked"
[ "$fails" -eq 0 ] || {
	echo "$fails failures"
	exit 1
}
exit 0
