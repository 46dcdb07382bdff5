#!/bin/sh
# kernels.sh: how far the trained models, and so the evaluation, move with the machine's
# BLAS kernel and ATen's CPU capability. Training runs through libtorch, whose kernels sum
# in their own order; inference does not (shim/forward.h), so a fixed set of models
# scores the same everywhere, but models trained under two settings differ. This trains
# the models of one dataset once per setting, evaluates each set, and prints a table
# with the spread (max - min) of every figure. `make bench-kernels`; about half a minute
# per setting on the default world. A benchmark, not a test: nothing here sets a kernel
# for anything else.
#
#   bench/kernels.sh [--data DB] [--minirecsys PROGRAM] [--keep DIR]
#
# Settings: OPENBLAS_CORETYPE unset, Haswell, Zen, Sandybridge (SkylakeX where the CPU has
# AVX-512), each with ATEN_CPU_CAPABILITY unset (the default pick), default and avx2.
set -eu
bin=./minirecsys
data=data/default.db
keep=
while [ $# -gt 0 ]; do
	case $1 in
	--data) data=$2 && shift ;;
	--minirecsys) bin=$2 && shift ;;
	--keep) keep=$2 && shift ;;
	*) echo "kernels.sh: unknown option '$1'" >&2 && exit 2 ;;
	esac
	shift
done
[ -f "$data" ] || { echo "kernels.sh: $data: no such dataset (minirecsys generate)" >&2; exit 1; }
command -v jq >/dev/null || { echo "kernels.sh: needs jq" >&2; exit 1; }
work=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/mrs-kernels.XXXXXX")}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT INT TERM
export OPENBLAS_NUM_THREADS=1

cores="unset Haswell Zen Sandybridge"
atens="unset default avx2"
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
	cores="$cores SkylakeX"
	atens="$atens avx512"
fi

: >"$work/table"
for c in $cores; do
	for a in $atens; do
		name="core=$c aten=$a"
		dir=$work/$c-$a
		(
			unset OPENBLAS_CORETYPE ATEN_CPU_CAPABILITY
			[ "$c" = unset ] || export OPENBLAS_CORETYPE="$c"
			[ "$a" = unset ] || export ATEN_CPU_CAPABILITY="$a"
			"$bin" -q --data "$data" --models "$dir" train >/dev/null 2>"$dir.log" &&
				"$bin" -q --data "$data" --models "$dir" eval --json >"$dir.json" 2>>"$dir.log"
		) || { echo "$name: failed, see $dir.log" >&2; cat "$dir.log" >&2; exit 1; }
		jq -r --arg n "$name" '[$n, .models.heads.like.auc,
			.models.heads.like.auc / .models.heads.like.oracle_auc,
			.models.heads.any.auc, .systems.pipeline.ndcg, .oracle_share] |
			"\(.[0])\t\(.[1])\t\(.[2])\t\(.[3])\t\(.[4])\t\(.[5])"' "$dir.json" \
			>>"$work/table"
		echo "kernels.sh: $name done" >&2
	done
done
printf '%-30s %8s %8s %8s %8s %8s\n' setting like_auc like/or any_auc ndcg10 ndcg/or
awk -F'\t' '
	{ printf "%-30s %8.4f %7.2f%% %8.4f %8.4f %7.2f%%\n", $1, $2, 100 * $3, $4, $5, 100 * $6
	  for (i = 2; i <= 6; i++) {
		if (NR == 1 || $i < lo[i]) lo[i] = $i
		if (NR == 1 || $i > hi[i]) hi[i] = $i
	  } }
	END { printf "%-30s %8.4f %7.2f%% %8.4f %8.4f %7.2f%%\n", "spread (max - min)",
		hi[2] - lo[2], 100 * (hi[3] - lo[3]), hi[4] - lo[4], hi[5] - lo[5],
		100 * (hi[6] - lo[6]) }' "$work/table"
