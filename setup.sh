#!/bin/sh
# setup.sh: one-step set-up of minirecsys on Debian 12: installs the packages it needs,
# builds, creates the default dataset and models, then opens the explorer (or, with
# --test, runs the whole test suite instead).
#
#   ./setup.sh          set up and open the explorer (prints a timeline without a terminal)
#   ./setup.sh --test   set up and run `make check`, then the suite again under ASan and
#                       UBSan (make check-sanitizers) and every fuzz target for
#                       FUZZ_SECONDS (default 5) each (make fuzz); docs/reliability.md
set -eu

mode=explore
case "${1:-}" in
--test) mode=test ;;
"") ;;
-h | --help)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "setup.sh: unknown option '$1' (use --test or nothing)" >&2
	exit 2
	;;
esac

cd "$(dirname "$0")"

# Debian packages: build tools, the libraries minirecsys links, and what the tests drive.
packages="build-essential autoconf automake pkg-config libsqlite3-dev libcjson-dev
libncurses-dev libreadline-dev libcmocka-dev libtorch-dev libopenblas0-pthread"
if [ "$mode" = test ]; then
	# what the tests drive: tmux (and procps's pgrep) for the explorer in a terminal,
	# valgrind, clang and its runtime for the sanitizer and fuzz builds (llvm-14 for
	# llvm-symbolizer: stack traces with names), sqlite3, jq, groff for the man page
	packages="$packages tmux procps valgrind clang libclang-rt-14-dev llvm-14 sqlite3 jq
groff-base"
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	cmd="apt-get update && apt-get install -y --no-install-recommends$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: these Debian packages are missing:$missing" >&2
		echo "Run this as root, then run ./setup.sh again:" >&2
		echo "  sudo sh -c '$cmd'" >&2
		exit 1
	fi
	echo "==> installing:$missing"
	DEBIAN_FRONTEND=noninteractive sh -c "$cmd"
fi

echo "==> building"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	./configure
fi
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"

export OPENBLAS_NUM_THREADS=1
mkdir -p data models
if [ ! -f data/default.db ]; then
	echo "==> generating the default dataset (data/default.db)"
	./minirecsys generate
fi
if [ ! -f models/CURRENT ] || [ data/default.db -nt models/CURRENT ]; then
	echo "==> training the models (models/)"
	./minirecsys train
fi

if [ "$mode" = test ]; then
	echo "==> running the test suite"
	if ! make -j"$jobs" check; then
		# show what failed: the per-test logs of every test that did not pass
		grep -l -E '^:test-result: (FAIL|ERROR)' tests/*.trs tests/*/*.trs 2>/dev/null |
			while read -r trs; do cat "${trs%.trs}.log"; done
		exit 1
	fi
	echo "==> the test suite again under ASan and UBSan (build-san/)"
	make check-sanitizers
	echo "==> fuzzing every parser for ${FUZZ_SECONDS:-5} s each (build-fuzz/)"
	FUZZ_SECONDS=${FUZZ_SECONDS:-5} make fuzz
	exit 0
fi

if [ -t 0 ] && [ -t 1 ]; then
	exec ./minirecsys explore
fi
echo "==> no terminal: the default timeline of one account"
exec ./minirecsys timeline 1
