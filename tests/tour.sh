#!/bin/sh
# tour.sh: the guided tour covers every stage. The stage names come from the program (the
# stage table, `stage` in JSON), so a new stage without a tour step fails here:
#  - data/tour/en.txt has a section "== NAME" for each stage, in stage order after the
#    introduction, and no section that is neither;
#  - `tour NAME` succeeds for each, names the step, says what it mirrors, and shows that
#    stage of the current request;
#  - `tour` steps from the introduction through every stage to the end, where `tour next`
#    fails.
set -u
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
text=$srcdir/data/tour/en.txt
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: jq is not installed (setup.sh --test installs it)"
	exit 77
fi
LC_ALL=C.UTF-8
TZ=UTC
OPENBLAS_NUM_THREADS=1
MINIRECSYS_TOUR=$text
export LC_ALL TZ OPENBLAS_NUM_THREADS MINIRECSYS_TOUR
unset MINIRECSYS_DATA MINIRECSYS_MODELS
world=$(MRS_SRCDIR=$srcdir MRS_BUILDDIR=$builddir sh "$srcdir/tests/world.sh") || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-tour.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# Runs the lines given in --json mode; the objects go to $tmp/out.json, the status to $st.
batch() {
	printf '%s\n' "$@" >"$tmp/script.cmd"
	st=0
	"$bin" --data "$world/world.db" --models "$world/models" --json --batch "$tmp/script.cmd" \
		>"$tmp/out.json" 2>"$tmp/err" || st=$?
}

batch 'user 5' 'stage'
stages=$(sed -n 2p "$tmp/out.json" | jq -r '.result.stages[].name')
n=$(echo "$stages" | wc -w)
[ "$n" -gt 0 ] || { echo "FAIL: no stage table from the program"; exit 1; }

# the text: intro, then one section per stage in stage order, nothing else
sections=$(sed -n 's/^== *\([^ ]*\) *$/\1/p' "$text")
[ "$(echo $sections)" = "$(echo intro $stages)" ] ||
	fail "$text has the sections '$(echo $sections)', expected 'intro $(echo $stages)'"

# tour STAGE, for each stage
set --
for s in $stages; do
	set -- "$@" "tour $s"
done
batch 'user 5' "$@"
[ "$st" = 0 ] || fail "a tour step failed: $(jq -r 'select(.ok == false) | .error' "$tmp/out.json")"
line=2
for s in $stages; do
	r=$(sed -n "${line}p" "$tmp/out.json")
	line=$((line + 1))
	[ "$(echo "$r" | jq -r '.ok')" = true ] || { fail "tour $s: $(echo "$r" | jq -r .error)"; continue; }
	[ "$(echo "$r" | jq -r '.result.name')" = "$s" ] || fail "tour $s shows step '$(echo "$r" | jq -r .result.name)'"
	[ -n "$(echo "$r" | jq -r '.result.mirrors // ""')" ] || fail "tour $s: no 'mirrors'"
	[ -n "$(echo "$r" | jq -r '.result.look // ""')" ] || fail "tour $s: no 'look'"
	[ "$(echo "$r" | jq -r '.result.stage.stage // ""')" = "$s" ] ||
		fail "tour $s does not show the stage of the request"
done

# the whole tour, step by step: intro and n stages, then no next step
set -- 'tour start'
i=0
while [ "$i" -lt "$n" ]; do
	set -- "$@" 'tour next'
	i=$((i + 1))
done
batch "$@" 'tour next'
[ "$(jq -r 'select(.ok) | .result.name' "$tmp/out.json" | tr '\n' ' ')" = "$(echo intro $stages) " ] ||
	fail "tour start and next visit '$(jq -r 'select(.ok) | .result.name' "$tmp/out.json" | tr '\n' ' ')'"
[ "$(tail -1 "$tmp/out.json" | jq -r .ok)" = false ] || fail "tour next after the last step succeeds"
[ "$st" = 1 ] || fail "tour next after the last step: exit $st, expected 1"

[ "$fails" = 0 ] || exit 1
echo "tour: $n stages, each with its step: all checks passed"
