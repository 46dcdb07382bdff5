#!/bin/sh
# batch.sh: the batch transcripts. Each tests/batch/NAME.cmd is a script of the command
# language; this runs it as
#     minirecsys --data world.db --models models --echo [OPTIONS] --batch NAME.cmd
# in a folder of its own holding a copy of the test world's dataset (tests/world.sh) and
# its models, and compares what it printed with NAME.out (stdout) and NAME.err (stderr;
# no file: nothing), and its exit status with the script's "# exit: N" line. The
# dataset must be unchanged afterwards, byte for byte, unless the script says
# "# writes: world.db". Header lines (comments before the first command):
#     # exit: N           the exit status expected (0, 1 or 2)
#     # options: ...      more global options, e.g. --json, or --models DIR
#     # writes: world.db  the script may replace the dataset (generate --force)
#
#   tests/batch.sh                  every script
#   tests/batch.sh user timeline    some (names without .cmd)
#   tests/batch.sh --regen [NAME]   rewrite the expected output and "# exit:" lines
# (see tests/batch/README; read the diff of a --regen before committing it)
set -eu
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
dir=${MRS_BATCH_DIR:-$srcdir/tests/batch}
regen=${MRS_REGEN:-0}
if [ "${1:-}" = "--regen" ]; then
	regen=1
	shift
fi
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
MINIRECSYS_TOUR=$srcdir/data/tour/en.txt
export LC_ALL TZ OPENBLAS_NUM_THREADS MINIRECSYS_TOUR
unset MINIRECSYS_DATA MINIRECSYS_MODELS NO_COLOR

world=$(MRS_SRCDIR=$srcdir MRS_BUILDDIR=$builddir sh "$srcdir/tests/world.sh")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-batch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The value of a header line "# KEY: VALUE" of a script (before its first command).
header() {
	sed -n "/^[^#]/q; s/^# $1: *//p" "$2" | head -1
}

names=${*:-$(cd "$dir" && ls *.cmd | sed 's/\.cmd$//')}
fail=0 ran=0
for name in $names; do
	cmd=$dir/$name.cmd
	if [ ! -f "$cmd" ]; then
		echo "FAIL $name: no $cmd"
		fail=1
		continue
	fi
	want_status=$(header exit "$cmd")
	options=$(header options "$cmd")
	writes=$(header writes "$cmd")
	# a folder of its own: files the script writes land there, named relatively
	run=$tmp/$name
	mkdir "$run"
	cp "$world/world.db" "$run/world.db"
	ln -s "$world/models" "$run/models"
	cp "$cmd" "$run/$name.cmd"
	status=0
	# shellcheck disable=SC2086 # the options are words
	(cd "$run" && "$bin" --data world.db --models models --echo $options \
		--batch "$name.cmd" >"$tmp/$name.out" 2>"$tmp/$name.err") || status=$?
	ran=$((ran + 1))
	if [ "$regen" = 1 ]; then
		cp "$tmp/$name.out" "$dir/$name.out"
		if [ -s "$tmp/$name.err" ]; then
			cp "$tmp/$name.err" "$dir/$name.err"
		else
			rm -f "$dir/$name.err"
		fi
		if [ "$want_status" != "$status" ]; then
			if [ -n "$want_status" ]; then
				sed "s/^# exit: .*/# exit: $status/" "$cmd" >"$tmp/cmd" && cat "$tmp/cmd" >"$cmd"
			else
				{ echo "# exit: $status"; cat "$cmd"; } >"$tmp/cmd" && cat "$tmp/cmd" >"$cmd"
			fi
		fi
		echo "regenerated $name (exit $status)"
		continue
	fi
	bad=""
	[ -n "$want_status" ] || bad="$bad; no '# exit: N' line"
	[ "$status" = "$want_status" ] || bad="$bad; exit status $status, expected $want_status"
	cmp -s "$dir/$name.out" "$tmp/$name.out" 2>/dev/null || bad="$bad; stdout differs"
	if [ -f "$dir/$name.err" ]; then
		cmp -s "$dir/$name.err" "$tmp/$name.err" || bad="$bad; stderr differs"
	elif [ -s "$tmp/$name.err" ]; then
		bad="$bad; stderr differs"
	fi
	if [ "$writes" != world.db ] && ! cmp -s "$world/world.db" "$run/world.db"; then
		bad="$bad; the dataset changed"
	fi
	if [ -z "$bad" ]; then
		echo "ok $name"
		continue
	fi
	echo "FAIL $name${bad#;}"
	diff -u "$dir/$name.out" "$tmp/$name.out" 2>&1 | head -60 || true
	if [ -f "$dir/$name.err" ]; then
		diff -u "$dir/$name.err" "$tmp/$name.err" | head -20 || true
	else
		head -20 "$tmp/$name.err"
	fi
	fail=1
done
[ "$ran" -gt 0 ] || { echo "FAIL: no scripts in $dir"; fail=1; }

# Every command of the language runs in some transcript: the names come from the program
# (`help` in JSON), so a new command without a transcript fails here.
if [ -z "${*:-}" ] && [ "$regen" = 0 ] && [ -z "${MRS_BATCH_DIR:-}" ]; then
	commands=$(echo help | "$bin" --json --batch - |
		sed -n 's/.*"commands":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' ' ')
	[ -n "$commands" ] || { echo "FAIL: no command list from help --json"; fail=1; }
	for c in $commands; do
		if cat "$dir"/*.cmd | grep -v '^#' | grep -Eq "^(.*; *)?$c( |$)"; then
			continue
		fi
		echo "FAIL: no transcript runs the command '$c'"
		fail=1
	done
fi
exit $fail
