#!/bin/sh
# man.sh: the manual, man/minirecsys.1, checked against the program:
#  - it renders without warnings (groff -mdoc -ww; mandoc -T lint too when installed);
#  - its sections come in tmux.1's order;
#  - every command of the language (from the program: `help` in JSON) has an entry in
#    COMMANDS, every subcommand of `minirecsys --help` one in SUBCOMMANDS, and every
#    environment variable the program reads one in ENVIRONMENT;
#  - every example in EXAMPLES runs, in document order, in a folder holding a copy of
#    the test world (tests/world.sh) as data/default.db and models/, which
#    MINIRECSYS_DATA and MINIRECSYS_MODELS name (the program in its build folder would
#    otherwise use the build folder's), and exits 0; where the page shows a command's
#    output, the output must be exactly that.
set -eu
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
man=$srcdir/man/minirecsys.1
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
MINIRECSYS_TOUR=$srcdir/data/tour/en.txt
export LC_ALL TZ OPENBLAS_NUM_THREADS MINIRECSYS_TOUR
unset MINIRECSYS_DATA MINIRECSYS_MODELS NO_COLOR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

bad() {
	echo "FAIL: $*"
	fail=1
}

# 1. it renders cleanly
if command -v groff >/dev/null 2>&1; then
	groff -mdoc -ww -z "$man" 2>"$tmp/groff" || bad "groff failed"
	[ -s "$tmp/groff" ] && bad "groff warns: $(cat "$tmp/groff")"
	echo "ok groff -mdoc -ww"
else
	echo "skip groff: not installed"
fi
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$man" >"$tmp/lint" 2>&1 || bad "mandoc -T lint: $(cat "$tmp/lint")"
	echo "ok mandoc -T lint"
fi

# 2. the sections, in tmux.1's order (ENVIRONMENT before FILES)
want="NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS SUBCOMMANDS KEY_BINDINGS SCREENS ENVIRONMENT
FILES EXIT_STATUS EXAMPLES SEE_ALSO"
got=$(sed -n 's/^\.Sh //p' "$man" | tr ' ' '_' | tr '\n' ' ')
[ "$(echo $want)" = "$(echo $got)" ] || bad "sections are '$got', expected '$(echo $want)'"

# the text of one section (mdoc source lines between .Sh NAME and the next .Sh)
section() {
	awk -v s="$1" '/^\.Sh /{on = ($0 == ".Sh " s); next} on' "$man"
}

# 3. every command, subcommand and environment variable has its entry
commands=$(echo help | "$bin" --json --batch - |
	sed -n 's/.*"commands":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' ' ')
[ -n "$commands" ] || bad "no command list from the program"
section COMMANDS >"$tmp/commands"
for c in $commands; do
	grep -q "^\.It Ic $c\( \|$\)" "$tmp/commands" || bad "COMMANDS has no entry for '$c'"
done
subcommands=$("$bin" --help | sed -n 's/^  minirecsys \([a-z-]*\).*/\1/p')
[ -n "$subcommands" ] || bad "no subcommands in --help"
section SUBCOMMANDS >"$tmp/subcommands"
for c in $subcommands; do
	grep -q "^\.It Cm $c\( \|$\)" "$tmp/subcommands" || bad "SUBCOMMANDS has no entry for '$c'"
done
section ENVIRONMENT >"$tmp/environment"
for v in $(cat "$srcdir"/tui/*.c | sed -n 's/.*getenv("\([A-Z_]*\)").*/\1/p' | sort -u); do
	grep -q "^\.It Ev $v$" "$tmp/environment" || bad "ENVIRONMENT has no entry for $v"
done
echo "ok $(echo $commands | wc -w) commands, $(echo $subcommands | wc -w) subcommands"

# 4. the examples: each literal display of EXAMPLES is a shell session. "$ " starts a
# command (a here-document runs to its EOF line); other lines are its expected output.
mkdir "$tmp/ex"
section EXAMPLES | awk -v dir="$tmp/ex" '
	/^\.Bd -literal/ { inblock = 1; next }
	/^\.Ed/ { inblock = 0; heredoc = 0; next }
	!inblock { next }
	{
		line = $0
		gsub(/\\e/, "\\", line); gsub(/\\-/, "-", line); gsub(/\\&/, "", line)
		if (heredoc) {
			print line > (dir "/" n ".sh")
			if (line == "EOF")
				heredoc = 0
		} else if (line ~ /^\$ /) {
			n = sprintf("%02d", ++count)
			print substr(line, 3) > (dir "/" n ".sh")
			heredoc = line ~ /<<.EOF.$/
		} else {
			print line > (dir "/" n ".out")
		}
	}'
run=$tmp/run
mkdir -p "$run/data" "$run/models"
world=$(MRS_SRCDIR=$srcdir MRS_BUILDDIR=$builddir sh "$srcdir/tests/world.sh")
cp "$world/world.db" "$run/data/default.db"
cp -r "$world"/models/. "$run/models/" # a copy: an example may train into it
examples=0
for script in "$tmp"/ex/*.sh; do
	[ -f "$script" ] || { bad "no examples in EXAMPLES"; break; }
	n=$(basename "$script" .sh)
	examples=$((examples + 1))
	status=0
	(cd "$run" && PATH=$builddir:$PATH MINIRECSYS_DATA=$run/data/default.db \
		MINIRECSYS_MODELS=$run/models sh "$script") >"$tmp/ex/$n.got" 2>"$tmp/ex/$n.err" ||
		status=$?
	if [ "$status" != 0 ]; then
		bad "example $n exits $status: $(head -1 "$script")"
		head -5 "$tmp/ex/$n.err"
	elif [ -f "$tmp/ex/$n.out" ] && ! cmp -s "$tmp/ex/$n.out" "$tmp/ex/$n.got"; then
		bad "example $n prints other than the page shows: $(head -1 "$script")"
		diff -u "$tmp/ex/$n.out" "$tmp/ex/$n.got" | head -20
	fi
done
echo "ok $examples examples ran"
exit $fail
