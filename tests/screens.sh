#!/bin/sh
# screens.sh: the explorer's screen tests. Each tests/screens/NAME.keys is a key script
# run against the virtual screen (minirecsys explore --keys, 80x24 unless the script
# resizes) on a small synthetic world generated here with a fixed seed and no models (the
# fallbacks serve); its dumps must equal tests/screens/NAME.golden byte for byte.
# Scripts named firstrun*.keys start with no dataset at all.
#
# Regenerate the goldens after an intended change, then read the diff before committing:
#   tests/screens.sh --regen            (or: MRS_REGEN=1 make check TESTS=tests/screens.sh)
# One script: tests/screens.sh open     (names without .keys)
set -eu
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
regen=${MRS_REGEN:-0}
if [ "${1:-}" = "--regen" ]; then
	regen=1
	shift
fi
# the same text whatever the machine's locale and time zone
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ
unset MINIRECSYS_DATA MINIRECSYS_MODELS NO_COLOR
# the guided tour's text from the source tree, wherever the build is
MINIRECSYS_TOUR=$srcdir/data/tour/en.txt
export MINIRECSYS_TOUR

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-screens.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$bin" -q generate --scale small --seed 7 -o "$tmp/world.db"
mkdir "$tmp/models"

names=${*:-$(cd "$srcdir/tests/screens" && ls *.keys | sed 's/\.keys$//')}
fail=0
for name in $names; do
	keys=$srcdir/tests/screens/$name.keys
	golden=$srcdir/tests/screens/$name.golden
	# paths relative to the temporary folder, so that screens showing them are the same
	# on every run
	data=world.db
	case $name in firstrun*) mkdir -p "$tmp/$name" && data=$name/world.db ;; esac
	if ! (cd "$tmp" && "$bin" --data "$data" --models models explore --keys "$keys") \
		> "$tmp/$name.out" 2> "$tmp/$name.err"; then
		echo "FAIL $name: the explorer failed:"
		cat "$tmp/$name.err"
		fail=1
		continue
	fi
	if [ "$regen" = 1 ]; then
		cp "$tmp/$name.out" "$golden"
		echo "regenerated $name.golden"
	elif [ ! -f "$golden" ]; then
		echo "FAIL $name: no golden file (tests/screens.sh --regen $name makes one)"
		fail=1
	elif cmp -s "$golden" "$tmp/$name.out"; then
		echo "ok $name"
	else
		echo "FAIL $name: the screens differ from $name.golden:"
		diff -u "$golden" "$tmp/$name.out" | head -80
		fail=1
	fi
done
exit $fail
