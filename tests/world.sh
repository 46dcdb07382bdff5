#!/bin/sh
# world.sh: the test world that the batch transcripts, the man page's examples and the
# walkthrough share: a small synthetic world with a fixed seed (generated here, the same
# file on every machine) and the models trained on it, in the build tree
# (tests/world/world.db and tests/world/models/).
#
# The models are not trained while the tests run: they are kept in the source tree
# (tests/fixtures/world-models/) and copied. Training runs through libtorch, whose BLAS
# kernel (chosen by the CPU, OPENBLAS_CORETYPE, ATEN_CPU_CAPABILITY) sums in its own order,
# so weights trained on two machines differ and so would every score in a transcript.
# Inference does not depend on the kernel (shim/forward.h), so kept models give the same
# output everywhere. tests/README says when to train them again.
#
#   tests/world.sh            make it unless it is newer than the program (prints its folder)
#   tests/world.sh --force    make it again
#   tests/world.sh --retrain  train the models again into tests/fixtures/world-models/
#                             (after a change to the generator, the features or a model;
#                             commit the result), then make the world with them
#
# `make check` makes it once before the tests start (check_DATA); tests that run it
# themselves wait on a lock, so tests started at once under `make -j2 check` make it once.
set -eu
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
world=$builddir/tests/world
fixtures=$srcdir/tests/fixtures/world-models
force=0
retrain=0
case "${1:-}" in
--force) force=1 ;;
--retrain) force=1 retrain=1 ;;
esac

# Fresh: the stamp is newer than the program and this script.
fresh() {
	[ -f "$world/stamp" ] && [ ! "$bin" -nt "$world/stamp" ] &&
		[ ! "$srcdir/tests/world.sh" -nt "$world/stamp" ] &&
		[ -z "$(find "$fixtures" -newer "$world/stamp" 2>/dev/null)" ]
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
log=$world.new/log
if ! "$bin" -q generate --scale small --seed 7 -o "$world.new/world.db" >"$log" 2>&1; then
	echo "world.sh: could not make the test world:" >&2
	cat "$log" >&2
	exit 1
fi
if [ "$retrain" = 1 ]; then
	# small safety models: 4096 buckets keep each file at half a megabyte
	if ! (cd "$world.new" && "$bin" -q --data world.db --models models train \
		--safety-buckets 4096 &&
		"$bin" -q --data world.db --models models tune --evals 1 &&
		"$bin" -q --data world.db --models models eval --users 1 --split random) \
		>>"$log" 2>&1; then
		# tune trains the models it scores with into the set's folder validation, and
		# eval --split random (seed 1) those of its train rows into split-random-0.75-1
		echo "world.sh: could not train the test world's models:" >&2
		cat "$log" >&2
		exit 1
	fi
	rm -rf "$fixtures"
	mkdir -p "$fixtures"
	(cd "$world.new/models" && cp -R . "$fixtures/")
	find "$fixtures" -name .lock -exec rm -f {} +
	echo "world.sh: trained the test world's models into $fixtures; commit them" >&2
else
	mkdir -p "$world.new/models"
	(cd "$fixtures" && cp -R . "$world.new/models/")
fi
# every kept model must load on this world, tune's (the set's folder validation) and the
# random split's (split-random-0.75-1) too: a change to the generator, the features or a
# model format needs the models trained again
set=$(cat "$world.new/models/CURRENT")
for m in "$world.new/models" "$world.new/models/$set/validation" \
	"$world.new/models/$set/split-random-0.75-1"; do
	status=$(printf 'models\n' | "$bin" --data "$world.new/world.db" --models "$m" \
		--batch - 2>&1) || true
	if printf '%s\n' "$status" | grep -qv ' loaded '; then
		echo "world.sh: the test world's kept models ($m) do not serve it:" >&2
		printf '%s\n' "$status" >&2
		echo "train them again with tests/world.sh --retrain and commit tests/fixtures/world-models" >&2
		exit 1
	fi
done
touch "$world.new/stamp"
rm -rf "$world"
mv "$world.new" "$world"
echo "$world"
