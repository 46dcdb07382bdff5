#!/bin/sh
# badinput.sh: bad input, tried systematically, against every entry point of the program.
# Each case runs minirecsys with some arguments (and maybe a script on stdin) and checks
# the exit status it documents (0 ok, 1 a command failed, 2 usage or data error), that a
# failure says what is wrong on stderr in a "minirecsys: ..." (or usage) line naming the
# thing at fault, and that nothing crashes, hangs or dies by a signal.
#
# The cases: tests/badinput.tab (one a line, see its header), plus rows generated here for
# every numeric option of every subcommand (missing, empty, negative, fractional, hex,
# huge, out of range, not a number). Prints how many cases it tried.
set -u
bin="${MRS_BUILDDIR:-.}/minirecsys"
src="${MRS_SRCDIR:-.}"
tmp=$(mktemp -d /tmp/mrs-badinput-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
fails=0
cases=0

# What the table's arguments may name:
#   $D  a small synthetic world        $M  models trained on it
#   $E  a dataset without users or tweets (a labels-only import)
#   $G  a dataset whose users follow no one and have no history (edges among others)
#   $T  a scratch folder               $F  the importer fixtures
D="$tmp/world.db" M="$tmp/models" E="$tmp/labels.db" G="$tmp/lonely.db" T="$tmp"
F="$src/tests/fixtures/import"
"$bin" -q generate --users 60 --tweets 400 --impressions 4000 --seed 3 -o "$D" || exit 1
"$bin" -q import labels "$F/offensive/text.txt" "$F/offensive/labels.txt" -o "$E" || exit 1
printf 'a b\nb a\nc d\n' >"$tmp/pairs.txt"
"$bin" -q import edges "$tmp/pairs.txt" -o "$G" || exit 1
if "$bin" help-commands 2>/dev/null | grep -qx train || "$bin" --help | grep -q ' train '; then
	"$bin" -q --data "$D" --models "$M" train >/dev/null 2>&1 || echo "note: training failed"
fi

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# check STATUS NEEDLE DESCRIPTION: judges the last run ($rc, $tmp/out, $tmp/err)
check() {
	want=$1 needle=$2 what=$3
	cases=$((cases + 1))
	if [ "$rc" -ge 124 ]; then
		fail "$what: exit $rc (crash, signal or hang): $(head -c 600 "$tmp/err")"
		return
	fi
	[ "$rc" -eq "$want" ] ||
		fail "$what: exit $rc, expected $want: $(head -c 400 "$tmp/err")"
	if [ -n "$needle" ] && ! grep -qF -- "$needle" "$tmp/err" "$tmp/out"; then
		fail "$what: no '$needle' in: $(head -c 400 "$tmp/err")"
	fi
	if [ "$rc" -ne 0 ] && ! grep -qE '^(minirecsys: |usage: )' "$tmp/err"; then
		fail "$what: failed without a message on stderr"
	fi
}

# run ARGS...: the program with a time limit; stdin from $tmp/in
run() {
	timeout 120 "$bin" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# ---------------------------------------------------------------- the table
: >"$tmp/in"
sep=' | '
while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	status=${line%%"$sep"*} rest=${line#*"$sep"}
	needle=${rest%%"$sep"*} rest=${rest#*"$sep"}
	args=${rest%%"$sep"*} input=""
	[ "$args" = "$rest" ] || input=${rest#*"$sep"}
	if [ -n "$input" ]; then
		# the input may hold quotes: only $T and $F are put in, by hand
		input=$(printf '%s' "$input" | sed "s|\$T|$T|g; s|\$F|$F|g")
		# shellcheck disable=SC2059
		printf "$input" >"$tmp/in"
	else
		: >"$tmp/in"
	fi
	eval "set -- $args"
	eval "needle=\"$needle\""
	run "$@"
	check "$status" "$needle" "$args"
done <"$src/tests/badinput.tab"
: >"$tmp/in"

# ---------------------------------------------------------------- numeric options
# numeric FULL|SHORT "PREFIX" SUBCOMMAND OPTION LO HI: bad values for one option. FULL
# tries every kind; SHORT (options read by the same parser, cli_parse_u32 or _u64) the
# kinds that differ between options: missing, negative, just above the range. Every run
# costs the program's start (libtorch's initialisation, about 0.4 s).
# Values inside the range are the table's business (some would build a huge world).
# PREFIX (global options) is split into words: it holds no blanks of its own.
numeric() {
	kind=$1 pre=$2 sub=$3 opt=$4 lo=$5 hi=$6
	if [ "$kind" = FULL ]; then
		set -- "" "-1" " -1" "abc" "1.5" "0x10" "+1" " 7" "7 " "1e3" "-0" \
			"18446744073709551616" "99999999999999999999999"
		[ "$lo" -gt 0 ] && set -- "$@" $((lo - 1))
	else
		set -- "-1"
	fi
	[ "$hi" != max ] && set -- "$@" $((hi + 1))
	for v in "$@"; do
		# shellcheck disable=SC2086
		run $pre "$sub" "$opt" "$v"
		check 2 "$opt" "$sub $opt '$v'"
	done
	# shellcheck disable=SC2086
	run $pre "$sub" "$opt"
	check 2 "$opt" "$sub $opt (no value)"
}
if [ -n "${MRS_BADINPUT_QUICK:-}" ]; then # the sanitizer pass: the table's cases only
	echo "bad inputs tried: $cases (MRS_BADINPUT_QUICK: no generated option values)"
	[ "$fails" -eq 0 ]
	exit
fi
numeric FULL -q generate --users 2 10000000
numeric SHORT -q generate --tweets 1 100000000
numeric SHORT -q generate --impressions 0 1000000000
numeric SHORT -q generate --days 1 3650
numeric FULL -q generate --seed 0 max
numeric SHORT "-q --data $D --models $T/m2" train --seed 0 max
numeric SHORT "-q --data $D --models $T/m2" train --max-rows 0 4294967295
for o in "--epochs 1 64" "--buckets 16 67108864" "--dim 1 1024" "--hidden 0 1024" \
	"--char-ngrams 0 8" "--char-min 2 3" "--batch 1 65536" "--seed 0 max"; do
	# shellcheck disable=SC2086
	numeric SHORT -q train-safety $o
done
# the float options of train-safety: [0, 10) and, for the dropouts, [0, 1)
for opt in --lr --weight-decay --dropout --id-dropout; do
	for v in "" "nan" "10"; do
		run -q train-safety "$opt" "$v"
		check 2 "$opt" "train-safety $opt '$v'"
	done
done

echo "bad inputs tried: $cases"
[ "$fails" -eq 0 ] || {
	echo "$fails failures"
	exit 1
}
exit 0
