#!/bin/sh
# sidebuild.sh: a second build of this source tree in a folder of its own (build-san/,
# build-fuzz/), configured differently, leaving the ordinary build alone.
#
#   tests/sidebuild.sh DIR [CONFIGURE-ARGS...]     then: make -C DIR/src ...
#   tests/sidebuild.sh --sanitizers DIR
#   tests/sidebuild.sh --fuzz DIR
#
# --sanitizers is the build `make check-sanitizers` runs the suite in: clang with ASan and
# UBSan on every object (--enable-sanitizers), -O1 -g; without clang, gcc.
# --fuzz is the build `make fuzz` uses: the same, plus libFuzzer's coverage hooks on every
# object (--enable-fuzz; clang only). The hooks are not free outside a fuzzer (the
# sanitized program runs about 1.6 times longer with them: docs/reliability.md), so the
# suite runs in a build without them.
#
# Automake refuses to configure out of tree once the source folder is configured in place
# (as setup.sh does), so DIR/src gets its own copy of the sources: the files git knows
# (tracked, or new and not ignored), copied only when they changed, so that make there
# rebuilds only what changed. DIR/src is reconfigured when the arguments change.
set -eu
[ $# -ge 1 ] || {
	echo "usage: tests/sidebuild.sh DIR [CONFIGURE-ARGS...]" >&2
	exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$1" = --sanitizers ]; then
	dir=$2
	if command -v clang >/dev/null && command -v clang++ >/dev/null; then
		set -- CC=clang CXX=clang++ "CFLAGS=-g -O1" "CXXFLAGS=-g -O1" --enable-sanitizers
	else
		set -- "CFLAGS=-g -O1" "CXXFLAGS=-g -O1" --enable-sanitizers
	fi
elif [ "$1" = --fuzz ]; then
	dir=$2
	set -- CC=clang CXX=clang++ "CFLAGS=-g -O1" "CXXFLAGS=-g -O1" --enable-sanitizers \
		--enable-fuzz
else
	dir=$1
	shift
fi
mkdir -p "$dir/src"
dst=$(cd "$dir/src" && pwd)
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files --cached --others --exclude-standard
else
	find configure.ac Makefile.am README.md setup.sh src shim tui tests docs man bench m4 \
		data/README.md models/README.md -type f 2>/dev/null
fi | while IFS= read -r f; do
	case "$f" in
	build-*/*) ;; # another side build inside the tree
	*) [ -f "$f" ] && printf '%s\n' "$f" ;;
	esac
done | xargs -d '\n' cp -p -u --parents -t "$dst"

cd "$dst"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
args="$*"
if [ ! -f Makefile ] || [ ! -f .sidebuild-args ] || [ "$(cat .sidebuild-args)" != "$args" ] ||
	[ configure -nt config.status ]; then
	echo "==> configuring $dst: $args"
	# objects built with other flags or another compiler must not be reused
	[ -f Makefile ] && make -s clean >/dev/null 2>&1
	./configure -q "$@"
	printf '%s' "$args" >.sidebuild-args
fi
