#!/bin/sh
# paths.sh: where the program keeps the dataset and the models when no option or
# environment variable names them (the rule of tui/paths.c; tests/test_paths.c covers
# each branch). A copy of the built program outside its build folder stands for an
# installed one: run from an empty working folder with HOME an empty folder, generate,
# train, timeline, --batch and the explorer's first run all use
# ~/.local/share/minirecsys/ (or $XDG_DATA_HOME/minirecsys/), the folders made are 0700,
# `info` says which rule chose the paths, and nothing is written into the working
# folder. The program in its build folder names the build folder's data/ and models/
# (only read here: the test writes nothing into the build folder).
set -u
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-paths.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
export LC_ALL TZ OPENBLAS_NUM_THREADS
unset MINIRECSYS_DATA MINIRECSYS_MODELS MINIRECSYS_TOUR XDG_DATA_HOME
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

mkdir "$tmp/bin" "$tmp/home" "$tmp/work"
cp "$builddir/minirecsys" "$tmp/bin/minirecsys"
bin=$tmp/bin/minirecsys
share=$tmp/home/.local/share/minirecsys

# run ARGS...: the copy, in the empty working folder, with HOME the fresh folder
run() {
	(cd "$tmp/work" && HOME=$tmp/home "$bin" "$@")
}

# 1. the subcommands: generate, train, timeline write and read under ~/.local/share
run -q generate --scale small --seed 7 || fail "generate"
[ -f "$share/default.db" ] || fail "generate: no $share/default.db"
run -q train >/dev/null || fail "train"
set=$(cat "$share/models/CURRENT" 2>/dev/null)
[ -n "$set" ] && [ -f "$share/models/$set/heavy_ranker.pt" ] ||
	fail "train: no model set in $share/models (CURRENT '$set')"
for d in "$tmp/home/.local" "$tmp/home/.local/share" "$share" "$share/models"; do
	mode=$(stat -c %a "$d" 2>/dev/null)
	[ "$mode" = 700 ] || fail "$d: mode '$mode', expected 700"
done
run timeline 1 -n 3 >"$tmp/timeline" || fail "timeline 1"
grep -q '(user 1)' "$tmp/timeline" || fail "timeline 1 printed: $(head -3 "$tmp/timeline")"

# 2. --batch: the same dataset and models
printf 'user 1\nmodels\n' | run --batch - >"$tmp/batch" || fail "--batch"
grep -q "^heavy_ranker  *loaded .*$share/models/$set/heavy_ranker.pt" "$tmp/batch" ||
	fail "--batch does not serve $share/models: $(cat "$tmp/batch")"

# 3. info: both paths and the rule that chose them, in text and JSON
run info >"$tmp/info" || fail "info"
grep -qx "dataset      $share/default.db" "$tmp/info" || fail "info: $(head -4 "$tmp/info")"
grep -qx "models       $share/models" "$tmp/info" || fail "info: $(head -4 "$tmp/info")"
grep -q "^  *from HOME (~/.local/share): no --data or MINIRECSYS_DATA" "$tmp/info" ||
	fail "info does not say why: $(head -4 "$tmp/info")"
run --json info >"$tmp/info.json" || fail "info --json"
[ "$(grep -c '"rule":[[:space:]]*"home"' "$tmp/info.json")" = 2 ] ||
	fail "info --json: $(grep -A3 locations "$tmp/info.json")"

# 4. the explorer's first run offers to generate, at the same place
mkdir "$tmp/home2"
printf 'dump no dataset\nkeys g\ndump generated\n' >"$tmp/first.keys"
(cd "$tmp/work" && HOME=$tmp/home2 "$bin" explore --keys "$tmp/first.keys" --size 160x24) \
	>"$tmp/first.out" 2>"$tmp/first.err" || fail "explorer: $(cat "$tmp/first.err")"
share2=$tmp/home2/.local/share/minirecsys
grep -q "There is no dataset at $share2/default.db yet" "$tmp/first.out" ||
	fail "explorer: the first screen does not name $share2/default.db"
[ -f "$share2/default.db" ] || fail "explorer: g made no $share2/default.db"

# 5. XDG_DATA_HOME, when absolute, comes before ~/.local/share; a relative one is ignored
mkdir "$tmp/xdg"
(cd "$tmp/work" && HOME=$tmp/home XDG_DATA_HOME=$tmp/xdg "$bin" -q generate --scale small) ||
	fail "generate with XDG_DATA_HOME"
[ -f "$tmp/xdg/minirecsys/default.db" ] || fail "XDG_DATA_HOME: no $tmp/xdg/minirecsys/default.db"
[ "$(stat -c %a "$tmp/xdg/minirecsys" 2>/dev/null)" = 700 ] || fail "XDG_DATA_HOME: minirecsys/ is not 0700"
(cd "$tmp/work" && HOME=$tmp/home XDG_DATA_HOME=$tmp/xdg "$bin" --json info) >"$tmp/xdg.json" ||
	fail "info with XDG_DATA_HOME"
grep -q '"rule":[[:space:]]*"xdg"' "$tmp/xdg.json" || fail "info --json: no rule xdg"
(cd "$tmp/work" && HOME=$tmp/home XDG_DATA_HOME=relative "$bin" info) >"$tmp/rel" 2>&1
grep -qx "dataset      $share/default.db" "$tmp/rel" || fail "a relative XDG_DATA_HOME is used"

# 6. the environment and the options come first
(cd "$tmp/work" && HOME=$tmp/home MINIRECSYS_DATA=$tmp/xdg/minirecsys/default.db "$bin" info) \
	>"$tmp/env" || fail "info with MINIRECSYS_DATA"
grep -q "from MINIRECSYS_DATA" "$tmp/env" || fail "MINIRECSYS_DATA: $(head -2 "$tmp/env")"
run --data "$tmp/xdg/minirecsys/default.db" info >"$tmp/opt" || fail "info with --data"
grep -q "from the command line" "$tmp/opt" || fail "--data: $(head -2 "$tmp/opt")"

# 7. the tour: the installed text, or a message saying it is not installed
# (make check passes MRS_PKGDATADIR; by hand, either outcome may be right)
printf 'tour\n' | run --batch - >/dev/null 2>"$tmp/tour.err"
status=$?
installed=unknown
if [ -n "${MRS_PKGDATADIR:-}" ]; then
	installed=no
	[ -r "$MRS_PKGDATADIR/tour/en.txt" ] && installed=yes
fi
if [ "$status" = 0 ]; then
	[ "$installed" != no ] || fail "tour: found a text that is not installed"
elif [ "$installed" = yes ]; then
	fail "tour: the installed text is not found: $(cat "$tmp/tour.err")"
elif [ "$status" != 2 ] ||
	! grep -q "the tour's text is not installed.*MINIRECSYS_TOUR" "$tmp/tour.err"; then
	fail "tour without its text: exit $status: $(cat "$tmp/tour.err")"
fi

# 8. nothing was written into the working folder
[ -z "$(ls -A "$tmp/work")" ] || fail "written into the working folder: $(ls -A "$tmp/work")"

# 9. the program in its build folder: the build folder's data/ and models/
top=$(cd "$builddir" && pwd -P)
(cd "$tmp/work" && HOME=$tmp/home "$builddir/minirecsys" info) >"$tmp/tree" 2>/dev/null
grep -qx "dataset      $top/data/default.db" "$tmp/tree" &&
	grep -qx "models       $top/models" "$tmp/tree" &&
	grep -q "^  *from the build folder" "$tmp/tree" ||
	fail "in its build folder: $(head -4 "$tmp/tree")"

[ "$fails" = 0 ] && echo "ok: the dataset and the models where the rule says"
exit $((fails != 0))
