#!/bin/sh
# cli_help.sh: `minirecsys --help` and `--version`, and what the program does with no
# command, an unknown one or a bad global option: the exit status, which stream the
# usage goes to, and that the manual's OPTIONS names every global option --help shows.
set -u
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-help.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
unset MINIRECSYS_DATA MINIRECSYS_MODELS
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# Runs the program with stdin from /dev/null; sets $status, $tmp/out and $tmp/err.
run() {
	status=0
	"$bin" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || status=$?
}

# --help and -h: the usage on stdout, exit 0, nothing on stderr
for opt in --help -h; do
	run "$opt"
	[ "$status" = 0 ] || fail "$opt exits $status"
	[ -s "$tmp/err" ] && fail "$opt writes to stderr: $(cat "$tmp/err")"
	head -1 "$tmp/out" | grep -q '^usage: minirecsys ' || fail "$opt: no usage line first"
	cp "$tmp/out" "$tmp/help$opt"
done
cmp -s "$tmp/help--help" "$tmp/help-h" || fail "-h and --help differ"
for sub in generate import info train train-safety timeline eval shell explore; do
	grep -q "^  minirecsys $sub\( \|$\)" "$tmp/help--help" || fail "--help does not show '$sub'"
done
grep -q 'minirecsys(1)' "$tmp/help--help" || fail "--help does not point to minirecsys(1)"
# every global option --help shows is in the manual's OPTIONS
opts=$(sed -n '/^usage:/,/^$/p' "$tmp/help--help" | grep -o -- '-\{1,2\}[a-z][a-z-]*' | sort -u)
options=$(awk '/^\.Sh /{on = ($0 == ".Sh OPTIONS"); next} on' "$srcdir/man/minirecsys.1" |
	sed -n 's/^\.It //p' | sed 's/\\-/-/g; s/Fl -/--/g; s/Fl /-/g')
for o in $opts; do
	echo "$options" | grep -q -- "$o\( \|$\)" || fail "the manual's OPTIONS lacks $o"
done

# --version: "minirecsys VERSION" with the version of configure.ac
run --version
version=$(sed -n 's/^AC_INIT(\[minirecsys\], *\[\([^]]*\)\].*/\1/p' "$srcdir/configure.ac")
[ "$status" = 0 ] || fail "--version exits $status"
[ "$(cat "$tmp/out")" = "minirecsys $version" ] ||
	fail "--version prints '$(cat "$tmp/out")', expected 'minirecsys $version'"
[ -s "$tmp/err" ] && fail "--version writes to stderr"

# no command and no terminal: the usage on stderr, exit 2
run
[ "$status" = 2 ] || fail "no command exits $status, expected 2"
[ -s "$tmp/out" ] && fail "no command writes to stdout"
grep -q '^usage: minirecsys ' "$tmp/err" || fail "no command: no usage on stderr"

# an unknown option or command: exit 2, named on stderr
run --bogus
[ "$status" = 2 ] || fail "--bogus exits $status, expected 2"
grep -q "unknown option '--bogus'" "$tmp/err" || fail "--bogus is not named: $(tail -1 "$tmp/err")"
run bogus
[ "$status" = 2 ] || fail "an unknown command exits $status, expected 2"
grep -q "unknown command 'bogus'" "$tmp/err" || fail "bogus is not named: $(tail -1 "$tmp/err")"
# an option without its value, and words after --batch FILE
run --data
[ "$status" = 2 ] || fail "--data without a value exits $status"
grep -q -- '--data needs a value' "$tmp/err" || fail "--data: $(cat "$tmp/err")"
run --batch script.cmd extra
[ "$status" = 2 ] || fail "--batch FILE extra exits $status"
grep -q "'extra' is extra" "$tmp/err" || fail "--batch extra: $(cat "$tmp/err")"
run --batch "$tmp/no-such.cmd"
[ "$status" = 2 ] || fail "--batch with a missing script exits $status"
grep -q "$tmp/no-such.cmd" "$tmp/err" || fail "the missing script is not named"

[ "$fails" = 0 ] || exit 1
echo "cli_help: all checks passed"
