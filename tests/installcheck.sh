#!/bin/sh
# installcheck.sh: the installed program as a new user meets it (`make installcheck`,
# which `make distcheck` runs after its `make install`). From an empty working folder,
# with HOME and XDG_DATA_HOME fresh folders: generate a small world, train, print
# timeline 1 and run a --batch script, all in $XDG_DATA_HOME/minirecsys; the same again
# without XDG_DATA_HOME, in ~/.local/share/minirecsys; the guided tour from the installed
# text; the installed man page renders without warnings (man -l, else groff); and
# nothing is written into the working folder.
#
#   tests/installcheck.sh PROGRAM MANPAGE
#
# PROGRAM and MANPAGE are the installed files ($(DESTDIR)$(bindir)/minirecsys and
# $(DESTDIR)$(man1dir)/minirecsys.1). MRS_PKGDATADIR is where the program looks for the
# tour; DESTDIR, as `make install` had it: with one, the tour's text is not where the
# program looks, which it must say, and MINIRECSYS_TOUR names the staged copy instead.
set -u
bin=$1
page=$2
destdir=${DESTDIR:-}
pkgdatadir=${MRS_PKGDATADIR:?MRS_PKGDATADIR: the pkgdatadir the program was built with}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-installcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/home" "$tmp/xdg" "$tmp/work"
HOME=$tmp/home
XDG_DATA_HOME=$tmp/xdg
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
export HOME XDG_DATA_HOME LC_ALL TZ OPENBLAS_NUM_THREADS
unset MINIRECSYS_DATA MINIRECSYS_MODELS MINIRECSYS_TOUR
cd "$tmp/work" || exit 1
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# check WHAT COMMAND...: runs it; on failure, says so with its standard error
check() {
	what=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "ok $what"
	else
		fail "$what (exit $?): $(cat "$tmp/err")"
	fi
}

[ -x "$bin" ] || {
	echo "FAIL: $bin is not installed"
	exit 1
}

# generate, train and timeline 1, then a script, with the data in $1 (a data folder)
first_session() {
	share=$1
	check "generate ($share)" "$bin" -q generate --scale small
	[ -f "$share/default.db" ] || fail "generate: no $share/default.db"
	check "train ($share)" "$bin" -q train
	[ -f "$share/models/heavy_ranker.pt" ] || fail "train: no $share/models/heavy_ranker.pt"
	check "timeline 1 ($share)" "$bin" timeline 1 -n 5
	grep -q '(user 1)' "$tmp/out" || fail "timeline 1 printed: $(head -3 "$tmp/out")"
	printf 'info\nuser 1\ntimeline 3\nmodels\n' >"$tmp/script.cmd"
	check "--batch ($share)" "$bin" --batch "$tmp/script.cmd"
	grep -q "^heavy_ranker  *loaded .*$share/models/heavy_ranker.pt" "$tmp/out" ||
		fail "--batch does not serve the models of $share: $(cat "$tmp/out")"
}

first_session "$XDG_DATA_HOME/minirecsys"
[ -e "$HOME/.local" ] && fail "with XDG_DATA_HOME set, $HOME/.local was written"
unset XDG_DATA_HOME
first_session "$HOME/.local/share/minirecsys"
check "info" "$bin" info
grep -q "from HOME (~/.local/share)" "$tmp/out" || fail "info: $(head -4 "$tmp/out")"

# the tour: the installed text; staged with DESTDIR, a clear message instead
if [ -z "$destdir" ]; then
	printf 'tour\n' >"$tmp/tour.cmd"
	check "the tour from $pkgdatadir" "$bin" --batch "$tmp/tour.cmd"
	grep -q '^tour 1/' "$tmp/out" || fail "tour printed: $(head -2 "$tmp/out")"
elif [ ! -r "$pkgdatadir/tour/en.txt" ]; then
	printf 'tour\n' >"$tmp/tour.cmd"
	status=0
	"$bin" --batch "$tmp/tour.cmd" >"$tmp/out" 2>"$tmp/err" || status=$?
	if [ "$status" = 2 ] && grep -q "the tour's text is not installed" "$tmp/err"; then
		echo "ok the tour, staged: $(cat "$tmp/err")"
	else
		fail "tour, staged without its text: exit $status: $(cat "$tmp/err")"
	fi
	MINIRECSYS_TOUR=$destdir$pkgdatadir/tour/en.txt
	export MINIRECSYS_TOUR
	check "the tour from MINIRECSYS_TOUR" "$bin" --batch "$tmp/tour.cmd"
	unset MINIRECSYS_TOUR
fi

# the man page renders without warnings
if command -v man >/dev/null 2>&1; then
	MANPAGER=cat man --warnings=w -l "$page" >"$tmp/man" 2>"$tmp/man.err" ||
		fail "man -l $page failed: $(cat "$tmp/man.err")"
	renderer="man -l"
elif command -v groff >/dev/null 2>&1; then
	groff -mdoc -ww -Tutf8 "$page" >"$tmp/man" 2>"$tmp/man.err" ||
		fail "groff $page failed: $(cat "$tmp/man.err")"
	renderer=groff
else
	renderer=""
	echo "SKIP the man page: neither man nor groff is installed"
fi
if [ -n "$renderer" ]; then
	[ -s "$tmp/man.err" ] && fail "$renderer $page warns: $(cat "$tmp/man.err")"
	grep -q 'FILES' "$tmp/man" || fail "$renderer $page: no FILES section in the output"
	echo "ok $renderer $page"
fi

# nothing in the working folder
[ -z "$(ls -A "$tmp/work")" ] || fail "written into the working folder: $(ls -A "$tmp/work")"

if [ "$fails" = 0 ]; then
	echo "installcheck: the installed minirecsys works from an empty folder"
	exit 0
fi
echo "installcheck: $fails failures"
exit 1
