#!/bin/sh
# world-knobs.sh: what each generator parameter does to the world's statistics. Makes the
# default world (seed 42) as it is, then with three other seeds (how much the figures
# move by chance alone), then twice per parameter, once with a value below the default
# and once above, and prints a Markdown table of `info --json`'s "world" figures for
# each: the table docs/world.md quotes (`make bench-world`). 42 worlds: 3 min 34 s on the
# default scale on a busy 2-core machine. A measurement, not a test.
#
#   bench/world-knobs.sh [--minirecsys PROGRAM] [--scale SCALE] [--seed S]
set -eu
bin=./minirecsys
scale=default
seed=42
while [ $# -gt 0 ]; do
	case $1 in
	--minirecsys) bin=$2; shift 2 ;;
	--scale) scale=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	*) echo "usage: $0 [--minirecsys PROGRAM] [--scale SCALE] [--seed S]" >&2; exit 2 ;;
	esac
done
command -v jq >/dev/null 2>&1 || { echo "world-knobs.sh: needs jq" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-knobs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# name, a value below the default, one above
knobs="homophily 0.4 0.9
follow_alpha 1.1 2
following_alpha 1.4 2.5
following_min 4 16
media_rate 0 0.6
link_rate 0 0.5
verified_rate 0 0.1
quote_rate 0 1
oon_share 0.3 0.7
trend_share 0 0.6
explore 0 0.3
virality 0 20
fresh_hours 12 168
trend_rate 0 0.5
trend_hours 4 48
trend_boost 0 6
label_rate 0.05 0.5
label_noise 0 0.3
train_share 0.6 0.9"

row() { # label, seed, then generate's options
	label=$1 s=$2
	shift 2
	"$bin" -q generate --scale "$scale" --seed "$s" -o "$tmp/w.db" "$@" >/dev/null
	"$bin" -q info --data "$tmp/w.db" --json | jq -r --arg l "$label" '
		def pct: (. * 1000 | round) as $x | "\($x / 10 | floor).\($x % 10)%";
		def two: (. * 100 | round) as $x |
			"\($x / 100 | floor).\(if $x % 100 < 10 then "0" else "" end)\($x % 100)";
		.world |
		"| \($l) | \(.oon_impression_share | pct) | \(.oon_engagement_share | pct) | " +
		"\(.in_network_engagement_rate | pct) | \(.oon_engagement_rate | pct) | " +
		"\(.engagement_gini | two) | \(.top1pct_engagement_share | pct) | " +
		"\(.largest_cascade) |"'
	rm -f "$tmp/w.db"
}

echo "| world ($scale, seed $seed) | oon impressions | oon engagements | in-network rate | oon rate | Gini | top 1% | largest cascade |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
row "defaults" "$seed"
for other in 1 2 3; do
	row "defaults, seed $other" "$other"
done
echo "$knobs" | while read -r name low high; do
	row "\`$name\` $low" "$seed" --set "$name=$low"
	row "\`$name\` $high" "$seed" --set "$name=$high"
done
