#!/bin/sh
# model_sets.sh: a model set is never mixed, and models of another world never serve
# (issue 13, points 4 and 5).
#  4. `train` is killed (SIGKILL) just before each of its renames, through the library's
#     test hook (MRS_TEST_KILL_AT_RENAME=N) and, where strace is installed, through
#     `strace -e inject`: after each kill the models folder serves the old set or the
#     complete new one (every model file of one run, all six loaded), never a mix; the
#     next run succeeds and removes what the kills left.
#  5. Models trained on one world, served on another of the same size, fall back; `models`,
#     `info` (text and --json) and the explorer's status line say so.
set -u
bin="$(cd "${MRS_BUILDDIR:-.}" && pwd)/minirecsys"
tmp=$(mktemp -d /tmp/mrs-model-sets-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1 LC_ALL=C.UTF-8 TZ=UTC
unset MINIRECSYS_DATA MINIRECSYS_MODELS MRS_TEST_KILL_AT_RENAME
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# the checksums of the current set's model files (not the cards: they hold timings)
weights() {
	set=$(cat "$1/CURRENT" 2>/dev/null) || return
	(cd "$1/$set" && cksum ./*.pt 2>/dev/null | awk '{print $1, $2, $3}')
}

# how many models `models` reports loaded from folder $1
loaded() {
	printf 'models\n' | "$bin" --data "$tmp/w.db" --models "$1" --batch - 2>/dev/null |
		grep -c ' loaded '
}

"$bin" -q generate --users 60 --tweets 400 --impressions 4000 --seed 1 -o "$tmp/w.db" || exit 1
"$bin" -q --data "$tmp/w.db" --models "$tmp/old" train --seed 1 >/dev/null || exit 1
# what an uninterrupted run makes (the same seed gives the same model files)
"$bin" -q --data "$tmp/w.db" --models "$tmp/ref" train --seed 2 >/dev/null || exit 1
cp -r "$tmp/old" "$tmp/ref-only"
"$bin" -q --data "$tmp/w.db" --models "$tmp/ref-only" train --seed 2 --only heavy_ranker \
	>/dev/null || exit 1
old=$(weights "$tmp/old")
[ -n "$old" ] && [ "$old" != "$(weights "$tmp/ref")" ] || fail "the two runs' models are equal"

# kill_each HOW ARGS: runs train ARGS into a copy of the old folder, killed before its
# first rename, its second, ... until a run completes; checks the folder after each.
kill_each() {
	how=$1
	shift
	kept=0 n=0 new=""
	while :; do
		n=$((n + 1))
		rm -rf "$tmp/m"
		cp -r "$tmp/old" "$tmp/m"
		case $how in
		hook)
			MRS_TEST_KILL_AT_RENAME=$n "$bin" -q --data "$tmp/w.db" --models "$tmp/m" \
				train "$@" >/dev/null 2>&1
			;;
		strace)
			# LeakSanitizer cannot run under ptrace: leaks are checked by the hook runs
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
				-e inject=rename,renameat,renameat2:signal=SIGKILL:when=$n \
				"$bin" -q --data "$tmp/w.db" --models "$tmp/m" train "$@" \
				>/dev/null 2>&1
			;;
		esac
		rc=$?
		got=$(weights "$tmp/m")
		if [ "$rc" = 0 ]; then
			new=$got
			break
		fi
		[ "$rc" = 137 ] || fail "$how, train $*: rename $n: exit $rc, not killed"
		# the old set whole, byte for byte (its cards too: the set that loaded before)
		set=$(cat "$tmp/m/CURRENT")
		if [ "$got" = "$old" ] && diff -r "$tmp/old/$set" "$tmp/m/$set" >/dev/null; then
			kept=$((kept + 1))
		else
			fail "$how, train $*: killed at rename $n: the set served is not the old" \
				"one, whole"
		fi
		[ "$n" -lt 40 ] || {
			fail "$how, train $*: no run completed"
			break
		}
	done
	# the run that was not killed made the new set, which the next run replaces cleanly
	[ "$(loaded "$tmp/m")" = 6 ] || fail "$how, train $*: the new set does not load"
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "$how, train $*: no new set"
	echo "train $* killed before each of its $((n - 1)) renames ($how): the old set" \
		"served $kept times, a mix never; the completed run switched"
}

# MRS_FAULTS_QUICK=1 (the sanitizer pass, where every start is about three times slower):
# the kills of train --only only, the same commit window
if [ -z "${MRS_FAULTS_QUICK:-}" ]; then
	kill_each hook --seed 2
	[ "$new" = "$(weights "$tmp/ref")" ] || fail "hook: the completed run's models differ"
fi
kill_each hook --seed 2 --only heavy_ranker
[ "$new" = "$(weights "$tmp/ref-only")" ] || fail "hook, --only: the models differ"
# what the kills left (unfinished sets) goes with the next run; the replaced set stays
# until then for readers that resolved CURRENT before the switch
"$bin" -q --data "$tmp/w.db" --models "$tmp/m" train --seed 2 >/dev/null ||
	fail "a run after the kills failed"
sets=$(cd "$tmp/m" && ls -d set-* | tr '\n' ' ')
[ "$(echo "$sets" | wc -w)" = 2 ] || fail "after the kills: sets left: $sets"
find "$tmp/m" -name '*.tmp-*' | grep -q . && fail "temporary files left: $(find "$tmp/m" -name '*.tmp-*')"

if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
	kill_each strace --seed 2 --only heavy_ranker
else
	echo "SKIP: the strace variant (strace is not installed or cannot trace here);" \
		"the library's hook above killed at every rename"
fi

# ---------------------------------------------------------------- 5. another world
"$bin" -q generate --users 60 --tweets 400 --impressions 4000 --seed 2 -o "$tmp/w2.db" || exit 1
printf 'models\n' | "$bin" --data "$tmp/w2.db" --models "$tmp/old" --batch - >"$tmp/out" 2>&1
[ "$(grep -c 'fallback.*trained on another dataset' "$tmp/out")" = 6 ] ||
	fail "models on another world: $(cat "$tmp/out")"
printf 'models\n' | "$bin" --data "$tmp/w2.db" --models "$tmp/old" --json --batch - >"$tmp/out"
[ "$(jq '[.result[] | select(.other_dataset and (.loaded | not))] | length' "$tmp/out")" = 6 ] ||
	fail "models --json on another world: $(cat "$tmp/out")"
"$bin" --data "$tmp/w2.db" --models "$tmp/old" info >"$tmp/out"
grep -q '^model set .*0 of 6 trained on this dataset.*trained on another dataset' "$tmp/out" ||
	fail "info on another world: $(grep model "$tmp/out")"
"$bin" --data "$tmp/w2.db" --models "$tmp/old" info --json >"$tmp/out"
[ "$(jq '.models.other_dataset | length' "$tmp/out")" = 6 ] ||
	fail "info --json on another world: $(jq -c .models "$tmp/out")"
printf 'info\n' | "$bin" --data "$tmp/w2.db" --models "$tmp/old" --batch - >"$tmp/out"
grep -q 'trained on another dataset' "$tmp/out" || fail "the info command: $(cat "$tmp/out")"
printf 'keys <Enter>\ndump\n' >"$tmp/keys"
"$bin" --data "$tmp/w2.db" --models "$tmp/old" explore --keys "$tmp/keys" >"$tmp/out" 2>&1 ||
	fail "the explorer failed: $(tail -3 "$tmp/out")"
grep -q '| other dataset: fallbacks 6/6' "$tmp/out" ||
	fail "the explorer's status line: $(grep 'stage' "$tmp/out" | head -2)"
# on their own world they serve (on its train split and what-if copies too: test_train)
[ "$(loaded "$tmp/old")" = 6 ] || fail "the models do not load on their own world"
"$bin" --data "$tmp/w.db" --models "$tmp/old" info >"$tmp/out"
grep -q '^model set .*6 of 6 trained on this dataset$' "$tmp/out" || fail "info: $(grep model "$tmp/out")"

[ "$fails" -eq 0 ] || {
	echo "$fails failures"
	exit 1
}
exit 0
