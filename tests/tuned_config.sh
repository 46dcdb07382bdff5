#!/bin/sh
# tuned_config.sh: `train` tunes the configuration of an imported log and keeps it in the
# new model set (SET/tuned.json); timeline, eval and the explorer's session then start
# from it instead of the seed preset.
#
#  1. An imported ratings log: train prints the tuning line and writes SET/tuned.json
#     (preset "tuned:seed"); eval with no flag serves it (its footer names it, and its
#     pipeline row is the one `--weights SET/tuned.json` gives); `--preset seed` serves
#     the seed preset (the pipeline row equals the table's seed row).
#  2. `train --no-tune` makes a set without it: the seed preset serves again.
#  3. The set of one log is never read for another log.
#  4. A generated world is not tuned unless `train --tune` asks; `--tune-evals N` bounds
#     the search.
#  5. A tuned.json that does not parse: a clear error naming it, a non-zero exit.
#  6. `eval --split random` with no flag searches a configuration for that split on a
#     validation split of its train rows, keeps it (SET/tuned-random-0.75-1.json) and
#     reads it the next time; the split's models (SET/split-random-0.75-1) learn from its
#     train rows alone; --preset keeps its own; another seed is another file.
set -u
bin="$(cd "${MRS_BUILDDIR:-.}" && pwd)/minirecsys"
tmp=$(mktemp -d /tmp/mrs-tuned-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8 TZ=UTC
unset MINIRECSYS_DATA MINIRECSYS_MODELS
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# a ratings log in u.data layout: 200 users who each rate 30 items, most of them from one
# of five groups of 60, over 200 days (seed $1)
ratings() {
	awk -v seed="$1" 'BEGIN {
		srand(seed); t = 1600000000
		for (u = 1; u <= 200; u++) {
			g = u % 5
			for (k = 0; k < 30; k++) {
				i = rand() < 0.8 ? g * 60 + 1 + int(rand() * 60) : 1 + int(rand() * 300)
				print u "\t" i "\t" 1 + int(rand() * 5) "\t" t + int(rand() * 200 * 86400)
			}
		}
	}' | sort -n -k4,4
}

row() { # the line of system $1 in eval's table (file $2)
	awk -v s="$1" '$1 == s' "$2"
}

footer() { # the last line of eval's output: "(PRESET, N s)"
	sed -n '$s/^(\([^,]*\),.*/\1/p' "$1"
}

ratings 7 >"$tmp/u.data"
ratings 8 >"$tmp/u2.data"
"$bin" -q import interactions "$tmp/u.data" -o "$tmp/r.db" >/dev/null || exit 1
"$bin" -q import interactions "$tmp/u2.data" -o "$tmp/r2.db" >/dev/null || exit 1
M=$tmp/m

# 1. tuned by train, served by default
"$bin" -q --data "$tmp/r.db" --models "$M" train >"$tmp/train.out" 2>&1 ||
	fail "train: $(cat "$tmp/train.out")"
grep -q "^tuned the configuration on the validation period .*$M/set-1/tuned.json" \
	"$tmp/train.out" || fail "train did not say it tuned: $(cat "$tmp/train.out")"
[ -f "$M/set-1/tuned.json" ] || fail "no $M/set-1/tuned.json"
grep -q '"preset":[[:space:]]*"tuned:seed"' "$M/set-1/tuned.json" ||
	fail "tuned.json's preset is not tuned:seed: $(head -3 "$M/set-1/tuned.json")"
ev="--users 0 --no-model-metrics"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev >"$tmp/e.default" 2>&1 ||
	fail "eval: $(cat "$tmp/e.default")"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --weights "$M/set-1/tuned.json" \
	>"$tmp/e.weights" 2>&1 || fail "eval --weights: $(cat "$tmp/e.weights")"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --preset seed >"$tmp/e.seed" 2>&1 ||
	fail "eval --preset seed: $(cat "$tmp/e.seed")"
[ "$(footer "$tmp/e.default")" = "tuned:seed" ] ||
	fail "eval with no flag serves '$(footer "$tmp/e.default")', not tuned:seed"
[ "$(footer "$tmp/e.seed")" = "seed" ] ||
	fail "eval --preset seed serves '$(footer "$tmp/e.seed")'"
p=$(row pipeline "$tmp/e.default")
[ -n "$p" ] && [ "$p" = "$(row pipeline "$tmp/e.weights")" ] ||
	fail "the default pipeline row '$p' is not --weights tuned.json's '$(row pipeline "$tmp/e.weights")'"
s=$(row seed "$tmp/e.default" | awk '{$1 = ""; print}')
[ -n "$s" ] && [ "$s" = "$(row pipeline "$tmp/e.seed" | awk '{$1 = ""; print}')" ] ||
	fail "--preset seed's pipeline row is not the table's seed row ($s)"
[ "$p" != "$(row pipeline "$tmp/e.seed")" ] ||
	fail "the tuned configuration ranks exactly as the seed preset: nothing was tuned"
# the timeline too
"$bin" -q --data "$tmp/r.db" --models "$M" timeline 3 >"$tmp/t.default" 2>&1 ||
	fail "timeline: $(cat "$tmp/t.default")"
"$bin" -q --data "$tmp/r.db" --models "$M" timeline 3 --weights "$M/set-1/tuned.json" \
	>"$tmp/t.weights" 2>&1
cmp -s "$tmp/t.default" "$tmp/t.weights" ||
	fail "the default timeline is not the tuned one: $(diff "$tmp/t.default" "$tmp/t.weights" | head -5)"

# 6. the random split's own configuration
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --split random >"$tmp/r.first" 2>&1 ||
	fail "eval --split random: $(cat "$tmp/r.first")"
rc=$M/set-1/tuned-random-0.75-1.json
grep -q "^searched the configuration for the random split .*kept in $rc" "$tmp/r.first" ||
	fail "eval --split random did not search its configuration: $(head -3 "$tmp/r.first")"
[ -f "$rc" ] || fail "no $rc"
grep -q "^(the models learnt from the train rows alone: $M/set-1/split-random-0.75-1)" \
	"$tmp/r.first" || fail "the random split's own models did not score: $(head -3 "$tmp/r.first")"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --split random >"$tmp/r.again" 2>&1 ||
	fail "eval --split random again: $(cat "$tmp/r.again")"
grep -q "^the configuration for the random split: $rc" "$tmp/r.again" ||
	fail "the second eval --split random did not read $rc: $(head -2 "$tmp/r.again")"
[ "$(row pipeline "$tmp/r.first")" = "$(row pipeline "$tmp/r.again")" ] ||
	fail "the kept configuration ranks otherwise than the searched one"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --split random --weights "$rc" \
	>"$tmp/r.weights" 2>&1 || fail "eval --split random --weights: $(cat "$tmp/r.weights")"
[ "$(row pipeline "$tmp/r.first")" = "$(row pipeline "$tmp/r.weights")" ] ||
	fail "the random split's pipeline row is not --weights $rc's"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --split random --weights \
	"$M/set-1/tuned.json" >"$tmp/r.temporal" 2>&1
! grep -q "configuration for the random split" "$tmp/r.temporal" ||
	fail "--weights did not keep its own configuration: $(head -2 "$tmp/r.temporal")"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --split random --preset seed \
	>"$tmp/r.seed" 2>&1
[ "$(footer "$tmp/r.seed")" = "seed" ] && ! grep -q "configuration for the random" \
	"$tmp/r.seed" || fail "--preset seed did not keep its own: $(head -2 "$tmp/r.seed")"
! grep -q "configuration for the random split" "$tmp/e.default" ||
	fail "the temporal split read the random split's configuration"
# a kept one that does not parse: a clear error naming it and the field
cp "$rc" "$tmp/keep-random.json"
printf '{"heuristics": {"recency_weight": []}}\n' >"$rc"
# shellcheck disable=SC2086
if "$bin" -q --data "$tmp/r.db" --models "$M" eval $ev --split random >"$tmp/r.bad" 2>&1; then
	fail "a broken $rc served: $(head -3 "$tmp/r.bad")"
else
	grep -q "heuristics.recency_weight" "$tmp/r.bad" && grep -q "tuned-random-0.75-1.json" \
		"$tmp/r.bad" || fail "the error does not name the file and the field: $(cat "$tmp/r.bad")"
fi
cp "$tmp/keep-random.json" "$rc"

# 3. another log's set is not read (and its models fall back)
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r2.db" --models "$M" eval $ev >"$tmp/e.other" 2>&1 ||
	fail "eval on another log: $(cat "$tmp/e.other")"
[ "$(footer "$tmp/e.other")" = "seed" ] ||
	fail "another log served '$(footer "$tmp/e.other")' from this log's set"

# 5. a tuned.json that does not parse
cp "$M/set-1/tuned.json" "$tmp/keep.json"
printf '{"fusion": {"engagement": "high"}}\n' >"$M/set-1/tuned.json"
if "$bin" -q --data "$tmp/r.db" --models "$M" timeline 3 >"$tmp/t.bad" 2>&1; then
	fail "a broken tuned.json served: $(head -3 "$tmp/t.bad")"
else
	grep -q "fusion.engagement" "$tmp/t.bad" && grep -q "tuned.json" "$tmp/t.bad" ||
		fail "the error does not name the file and the field: $(cat "$tmp/t.bad")"
fi
cp "$tmp/keep.json" "$M/set-1/tuned.json"

# 2. --no-tune: a new set without it, the seed preset serves
"$bin" -q --data "$tmp/r.db" --models "$M" train --no-tune >"$tmp/train2.out" 2>&1 ||
	fail "train --no-tune: $(cat "$tmp/train2.out")"
[ "$(cat "$M/CURRENT")" = set-2 ] || fail "train --no-tune made no new set"
[ ! -e "$M/set-2/tuned.json" ] || fail "train --no-tune wrote $M/set-2/tuned.json"
! grep -q "^tuned the configuration" "$tmp/train2.out" || fail "train --no-tune tuned"
# shellcheck disable=SC2086
"$bin" -q --data "$tmp/r.db" --models "$M" eval $ev >"$tmp/e.notune" 2>&1
[ "$(footer "$tmp/e.notune")" = "seed" ] ||
	fail "after train --no-tune eval serves '$(footer "$tmp/e.notune")'"

# 4. a generated world: not tuned unless asked
"$bin" -q generate --users 120 --tweets 800 --impressions 8000 --seed 3 -o "$tmp/w.db" \
	>/dev/null || exit 1
"$bin" -q --data "$tmp/w.db" --models "$tmp/wm" train >"$tmp/w.train" 2>&1 ||
	fail "train on a world: $(cat "$tmp/w.train")"
[ ! -e "$tmp/wm/set-1/tuned.json" ] || fail "a generated world was tuned without --tune"
"$bin" -q --data "$tmp/w.db" --models "$tmp/wm" train --tune --only heavy_ranker \
	>"$tmp/w.train2" 2>&1 || fail "train --tune on a world: $(cat "$tmp/w.train2")"
[ -f "$tmp/wm/set-2/tuned.json" ] || fail "train --tune wrote no $tmp/wm/set-2/tuned.json"
"$bin" -q --json --data "$tmp/w.db" --models "$tmp/wm" train --tune --only heavy_ranker \
	--tune-evals 3 >"$tmp/w.train3" 2>&1 || fail "train --tune-evals 3: $(cat "$tmp/w.train3")"
evals=$(jq -r '.tuned.evaluations' "$tmp/w.train3" 2>/dev/null)
[ "$evals" = 3 ] || fail "train --tune-evals 3 made ${evals:-no} evaluations: $(cat "$tmp/w.train3")"
"$bin" -q --data "$tmp/w.db" --models "$tmp/wm" timeline 1 >/dev/null 2>&1 ||
	fail "timeline on the tuned world"

[ "$fails" -eq 0 ] && echo "tuned_config: all checks passed"
exit $((fails > 0))
