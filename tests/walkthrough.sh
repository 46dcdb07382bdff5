#!/bin/sh
# walkthrough.sh: docs/walkthrough.md cannot drift from the program. Its scripts,
# docs/walkthrough/NN-*.cmd, run as batch transcripts (tests/batch.sh with their
# folder: NN-*.out, NN-*.err, "# exit:"), and every output the guide quotes must equal
# what its script prints. A quotation is a fenced block right after a marker line:
#
#     <!-- output: 02-funnel.cmd -->      the script's whole output
#     <!-- output: 02-funnel.cmd 2 -->    its second command: the "> command" line
#                                         and what that command printed
#
#   tests/walkthrough.sh            check (make check runs it)
#   tests/walkthrough.sh --regen    run the scripts again, rewrite their expected output
#                                   and every quoted block (also: make walkthrough, or
#                                   MRS_REGEN=1 make check TESTS=tests/walkthrough.sh)
set -eu
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
guide=$srcdir/docs/walkthrough.md
dir=$srcdir/docs/walkthrough
regen=${MRS_REGEN:-0}
[ "${1:-}" = "--regen" ] && regen=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-walk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# 1. the scripts, as batch transcripts
if [ "$regen" = 1 ]; then
	MRS_SRCDIR=$srcdir MRS_BUILDDIR=$builddir MRS_BATCH_DIR=$dir \
		sh "$srcdir/tests/batch.sh" --regen
else
	MRS_SRCDIR=$srcdir MRS_BUILDDIR=$builddir MRS_BATCH_DIR=$dir \
		sh "$srcdir/tests/batch.sh" || fail=1
fi

# 2. the guide with every quoted block as the scripts' outputs have it now
awk -v dir="$dir" -v tmp="$tmp" '
	function quote(spec,    n, name, which, k, line, file) {
		n = split(spec, w, " ")
		name = w[1]
		which = n > 1 ? w[2] + 0 : 0
		file = dir "/" name
		sub(/\.cmd$/, ".out", file)
		if ((getline line < file) < 0) {
			print "walkthrough.md:" NR ": no output file for " name > "/dev/stderr"
			bad = 1
			return
		}
		k = 0
		do {
			if (line ~ /^> /)
				k++
			if (!which || k == which)
				print line
		} while ((getline line < file) > 0)
		close(file)
		if (which && k < which) {
			print "walkthrough.md:" NR ": " name " has no command " which > "/dev/stderr"
			bad = 1
		}
	}
	state == "marker" {
		print
		if ($0 !~ /^```/) {
			print "walkthrough.md:" NR ": a marker must be followed by a fenced block" > "/dev/stderr"
			bad = 1
			state = ""
			next
		}
		quote(spec)
		state = "skip"
		next
	}
	state == "skip" {
		if ($0 ~ /^```[ \t]*$/) {
			print
			state = ""
		}
		next
	}
	/^<!-- output: .* -->[ \t]*$/ {
		spec = $0
		sub(/^<!-- output: */, "", spec)
		sub(/ *-->[ \t]*$/, "", spec)
		quotes++
		state = "marker"
	}
	{ print }
	END {
		if (state != "") {
			print "walkthrough.md: the last quoted block is not closed" > "/dev/stderr"
			bad = 1
		}
		print quotes + 0 > (tmp "/quotes")
		exit bad
	}' "$guide" >"$tmp/guide.md" || fail=1

quotes=$(cat "$tmp/quotes" 2>/dev/null || echo 0)
[ "$quotes" -gt 0 ] || { echo "FAIL: walkthrough.md quotes no output"; fail=1; }
# every script is quoted somewhere
for cmd in "$dir"/*.cmd; do
	name=$(basename "$cmd")
	grep -q "^<!-- output: $name\( [0-9]*\)\? -->" "$guide" ||
		{ echo "FAIL: walkthrough.md never quotes $name"; fail=1; }
done

if [ "$regen" = 1 ]; then
	if ! cmp -s "$guide" "$tmp/guide.md"; then
		cat "$tmp/guide.md" >"$guide"
		echo "rewrote the quoted blocks of docs/walkthrough.md"
	fi
elif cmp -s "$guide" "$tmp/guide.md"; then
	echo "ok walkthrough.md: $quotes quoted blocks equal their scripts' output"
else
	echo "FAIL: walkthrough.md quotes output the scripts no longer print" \
		"(tests/walkthrough.sh --regen, or make walkthrough, rewrites it):"
	diff -u "$guide" "$tmp/guide.md" | head -60 || true
	fail=1
fi
exit $fail
