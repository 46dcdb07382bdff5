#!/bin/sh
# layers.sh: the layers hold (src/README.md). Fails, naming the file and what it found, when
#  - an object of libminirecsys.a references printf, puts, putchar, perror, exit, abort,
#    assert's failure handler or the stdout/stderr streams (the library never prints or
#    exits: it returns an mrs_error), or a source of src/ writes to file descriptor 1 or 2;
#  - the library defines a global symbol without the mrs_ prefix;
#  - an object uses a symbol defined by a folder above its own (nm), or a file of src/
#    includes a header of a folder above its own, parts.h, or anything of tui/ (#include);
#    world/ (the ground truth) is for eval/ only, the shim's header for models/ only;
#  - shim/ includes a header of src/, or tui/ one of src/ other than minirecsys.h.
# Usage: layers.sh [LIBRARY.a] (default: $MRS_BUILDDIR/libminirecsys.a).
set -u
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
lib=${1:-$builddir/libminirecsys.a}
LC_ALL=C
export LC_ALL
fail=0

bad() {
	echo "FAIL: $*"
	fail=1
}

[ -f "$lib" ] || { echo "layers.sh: no library at $lib (build it first)"; exit 99; }
command -v nm >/dev/null || { echo "layers.sh: nm not found"; exit 77; }

# The layers, bottom up; a folder may use the ones before it (world/: see below).
order="core dataset world models retrieval request eval"

rank() {
	r=0
	for l in $order; do
		[ "$l" = "$1" ] && { echo $r; return; }
		r=$((r + 1))
	done
	echo 99
}

# may FROM use TO?
allowed() {
	[ "$1" = "$2" ] && return 0
	[ "$2" = world ] && [ "$1" != eval ] && return 1
	[ "$(rank "$2")" -lt "$(rank "$1")" ]
}

# ---------------------------------------------------------------- what the objects reference
nm -A "$lib" >"${TMPDIR:-/tmp}/layers.$$" 2>/dev/null || { echo "layers.sh: nm $lib failed"; exit 99; }
syms=${TMPDIR:-/tmp}/layers.$$
trap 'rm -f "$syms"' EXIT INT TERM

forbidden='printf|vprintf|puts|putchar|putchar_unlocked|perror|psignal|psiginfo|exit|_exit|_Exit|quick_exit|abort|__assert_fail|__printf_chk|__vprintf_chk|err|errx|verr|verrx|warn|warnx|vwarn|vwarnx|stdout|stderr'
found=$(awk -v re="^($forbidden)\$" '$(NF-1) == "U" && $NF ~ re {
	n = split($1, p, ":"); print p[n - 1] ": " $NF }' "$syms" | sort -u)
[ -n "$found" ] && bad "the library prints, exits or aborts:
$found"

prefix=$(awk '$(NF-1) ~ /^[TDBRCGS]$/ && $NF !~ /^mrs_/ { n = split($1, p, ":");
	print p[n - 1] ": " $NF }' "$syms" | sort -u)
[ -n "$prefix" ] && bad "global symbols without the mrs_ prefix:
$prefix"

# the folder of each object, by its source file's name
folder_of() {
	for f in "$srcdir"/src/*/"${1%.o}".c; do
		[ -f "$f" ] && { basename "$(dirname "$f")"; return; }
	done
}
awk '$(NF-1) ~ /^[TDBRCGS]$/ { n = split($1, p, ":"); print $NF, p[n - 1] }' "$syms" |
	sort -u >"$syms.def"
awk '$(NF-1) == "U" && $NF ~ /^mrs_/ { n = split($1, p, ":"); print $NF, p[n - 1] }' "$syms" |
	sort -u >"$syms.use"
trap 'rm -f "$syms" "$syms.def" "$syms.use"' EXIT INT TERM
join "$syms.use" "$syms.def" | while read -r sym user definer; do
	fu=$(folder_of "$user")
	fd=$(folder_of "$definer")
	[ -n "$fu" ] && [ -n "$fd" ] && ! allowed "$fu" "$fd" &&
		echo "FAIL: $fu/$user uses $sym from $fd/$definer, a layer above it"
done >"$syms.up"
if [ -s "$syms.up" ]; then
	cat "$syms.up"
	fail=1
fi
rm -f "$syms.up"

# ---------------------------------------------------------------- what the sources include
tui_headers=$(cd "$srcdir/tui" && ls -- *.h)
for f in "$srcdir"/src/*.h "$srcdir"/src/*/*.[ch]; do
	rel=${f#"$srcdir"/}
	case $rel in
	src/parts.h) continue ;; # every folder's header, for tests and benchmarks
	src/*/*) from=$(basename "$(dirname "$f")") ;;
	*) from=top ;;
	esac
	if grep -n -E '(STDOUT_FILENO|STDERR_FILENO|\bwrite\s*\(\s*[12]\s*,)' "$f" >/dev/null; then
		bad "$rel writes to standard output or error"
	fi
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r inc; do
			case $inc in
			*tui/*) echo "FAIL: $rel includes $inc, from the program" ;;
			*/*)
				to=${inc%%/*}
				case $inc in
				dataset/schema.inc) [ "$from" = dataset ] && continue ;;
				esac
				if [ "$from" = top ]; then
					echo "FAIL: $rel includes $inc"
				elif ! allowed "$from" "$to"; then
					echo "FAIL: $rel ($from/) includes $inc, from a layer it may not use"
				fi
				;;
			minirecsys.h) ;;
			parts.h) echo "FAIL: $rel includes parts.h (tests and benchmarks only)" ;;
			mrs_torch.h) [ "$from" = models ] ||
				echo "FAIL: $rel includes the shim's header outside models/" ;;
			*)
				for h in $tui_headers; do
					[ "$inc" = "$h" ] && echo "FAIL: $rel includes $inc, from the program"
				done
				[ -f "$(dirname "$f")/$inc" ] ||
					echo "FAIL: $rel includes \"$inc\": name a folder's header as FOLDER/NAME.h"
				;;
			esac
		done
done >"$syms.inc"
if [ -s "$syms.inc" ]; then
	cat "$syms.inc"
	fail=1
fi
rm -f "$syms.inc"

src_headers=$(cd "$srcdir/src" && ls -- *.h */*.h)
for f in "$srcdir"/shim/*; do
	for h in $src_headers; do
		grep -q -E "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]([^\">]*/)?$(basename "$h")[\">]" "$f" &&
			[ ! -f "$srcdir/shim/$(basename "$h")" ] &&
			bad "${f#"$srcdir"/} includes $h, a header of the library"
	done
done
for f in "$srcdir"/tui/*.[ch]; do
	for h in $src_headers; do
		[ "$h" = minirecsys.h ] && continue
		grep -q -E "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]*/)?$(basename "$h")\"" "$f" &&
			[ ! -f "$srcdir/tui/$(basename "$h")" ] &&
			bad "${f#"$srcdir"/} includes $h: the program uses minirecsys.h only"
	done
done

[ $fail = 0 ] && echo "layers: $(awk '$(NF-1) == "U"' "$syms" | wc -l) references of \
$(grep -c '^' "$syms.def") symbols checked, every include of src/, shim/ and tui/ in order"
exit $fail
