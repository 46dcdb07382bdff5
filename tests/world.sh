#!/bin/sh
# world.sh: the test world that the batch transcripts, the man page's examples and the
# walkthrough share: a small synthetic world with a fixed seed and the models trained on
# it, in the build tree (tests/world/world.db and tests/world/models/). The same seed
# gives the same world and the same models, so their outputs can be compared with
# expected files.
#
#   tests/world.sh          make it unless it is newer than the program (prints its folder)
#   tests/world.sh --force  make it again
#
# `make check` makes it once before the tests start (check_DATA); tests that run it
# themselves wait on a lock, so tests started at once under `make -j2 check` make it once.
set -eu
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
world=$builddir/tests/world
force=0
[ "${1:-}" = "--force" ] && force=1

# Fresh: the stamp is newer than the program and this script.
fresh() {
	[ -f "$world/stamp" ] && [ ! "$bin" -nt "$world/stamp" ] &&
		[ ! "$srcdir/tests/world.sh" -nt "$world/stamp" ]
}

if [ "$force" = 0 ] && fresh; then
	echo "$world"
	exit 0
fi

# one maker at a time: mkdir is atomic; a lock older than ten minutes is a dead maker's
mkdir -p "$builddir/tests"
lock=$world.lock
waited=0
until mkdir "$lock" 2>/dev/null; do
	if [ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then
		rmdir "$lock" 2>/dev/null || true
		continue
	fi
	sleep 1
	waited=1
done
trap 'rmdir "$lock" 2>/dev/null || true' EXIT INT TERM
# whoever held the lock may have made it meanwhile
if [ "$waited" = 1 ] && fresh; then
	echo "$world"
	exit 0
fi

OPENBLAS_NUM_THREADS=1
LC_ALL=C.UTF-8
TZ=UTC
export OPENBLAS_NUM_THREADS LC_ALL TZ
unset MINIRECSYS_DATA MINIRECSYS_MODELS
rm -rf "$world.new"
mkdir -p "$world.new"
if ! "$bin" -q generate --scale small --seed 7 -o "$world.new/world.db" >"$world.new/log" 2>&1 ||
	! "$bin" -q --data "$world.new/world.db" --models "$world.new/models" train \
		>>"$world.new/log" 2>&1; then
	echo "world.sh: could not make the test world:" >&2
	cat "$world.new/log" >&2
	exit 1
fi
touch "$world.new/stamp"
rm -rf "$world"
mv "$world.new" "$world"
echo "$world"
