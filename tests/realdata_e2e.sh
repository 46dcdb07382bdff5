#!/bin/sh
# realdata_e2e.sh: real public data end to end, with no extra flags, as a new user would
# run it: `import` of the published Last.fm folder, of Higgs replies with the mention
# graph, and of a ratings log in MovieLens u.data layout (made here from the Last.fm tag
# file: user, artist, a 1-5 rating from the play count, the tag's date); then `train` on
# each, which must train the heavy ranker and tune the configuration; the timelines of users picked across each
# file, which must hold at least 10 tweets; and the explorer, which must open on each and
# show a timeline. The data lives in $MRS_REALDATA (../shared/realdata or
# /work/shared/realdata, never copied into the project); without it: SKIP (exit 77).
# MRS_REALDATA_QUICK=1 (the sanitizer pass, where every run is about three times slower):
# the same steps, with train's tuning search cut to 30 evaluations (`--tune-evals 30`;
# Higgs' search runs to convergence in the ordinary pass, 220 of its 240 s there).
set -u
bin=${MRS_BUILDDIR:-.}/minirecsys
R=${MRS_REALDATA:-}
lastfm=$R/lastfm-hetrec2011-2k
higgs=$R/higgs-twitter
if [ -z "$R" ] || [ ! -f "$lastfm/user_taggedartists.dat" ] ||
	[ ! -f "$higgs/higgs-activity_time_RE.txt" ] ||
	[ ! -f "$higgs/higgs-mention_network.edgelist" ]; then
	echo "SKIP: real data not found (MRS_REALDATA='$R' lacks lastfm-hetrec2011-2k or higgs-twitter)"
	exit 77
fi
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ
unset MINIRECSYS_DATA MINIRECSYS_MODELS
tune_evals=""
if [ -n "${MRS_REALDATA_QUICK:-}" ]; then
	tune_evals="--tune-evals 30"
	echo "# MRS_REALDATA_QUICK: train $tune_evals"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-realdata.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# The ratings log: each (user, artist) first tagged in 2005..2011 (Last.fm's own years),
# rated from the user's play count of the artist (none: 3), dated at noon UTC of the tag.
awk -F'\t' '
function days(y, m, d) { # days since 1970-01-01 (H. Hinnant days_from_civil)
	y -= m <= 2; era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
FNR == 1 { next }
FILENAME ~ /user_artists/ { plays[$1 " " $2] = $3; next }
$6 >= 2005 && $6 <= 2011 {
	k = $1 " " $2; t = days($6, $5, $4) * 86400 + 43200
	if (!(k in when) || t < when[k]) when[k] = t
}
END {
	for (k in when) {
		split(k, a, " "); p = plays[k]
		r = p == "" ? 3 : p >= 1000 ? 5 : p >= 200 ? 4 : p >= 50 ? 3 : p >= 10 ? 2 : 1
		print a[1] "\t" a[2] "\t" r "\t" when[k]
	}
}' "$lastfm/user_artists.dat" "$lastfm/user_taggedartists.dat" | sort -n -k4,4 -k1,1 -k2,2 \
	>"$tmp/u.data"
[ -s "$tmp/u.data" ] || fail "no ratings log made from $lastfm"

# name, import arguments, the file whose first column names users
set -- \
	lastfm "lastfm $lastfm" "$lastfm/user_artists.dat" \
	higgs "activity $higgs/higgs-activity_time_RE.txt $higgs/higgs-mention_network.edgelist" \
	"$higgs/higgs-activity_time_RE.txt" \
	ratings "interactions $tmp/u.data" "$tmp/u.data"
while [ $# -ge 3 ]; do
	name=$1 args=$2 users=$3
	shift 3
	db=$tmp/$name.db models=$tmp/$name-models
	# shellcheck disable=SC2086 # the arguments are words
	if ! "$bin" import $args -o "$db" >"$tmp/$name.import" 2>"$tmp/$name.err"; then
		fail "import $name: $(cat "$tmp/$name.err")"
		continue
	fi
	echo "# $name: $(head -1 "$tmp/$name.import")"
	"$bin" --data "$db" info --json >"$tmp/$name.info" || fail "info $name"
	grep -q '"basis":[[:space:]]*"derived"' "$tmp/$name.info" ||
		fail "$name: no time scale derived from the data"
	# shellcheck disable=SC2086 # empty, or an option and its value
	if ! "$bin" -q --data "$db" --models "$models" train $tune_evals >"$tmp/$name.train" \
		2>"$tmp/$name.err"; then
		fail "train $name: $(cat "$tmp/$name.err")"
		continue
	fi
	sed 's/^/#   /' "$tmp/$name.train"
	grep -q '^heavy_ranker  *[0-9]' "$tmp/$name.train" ||
		fail "$name: the heavy ranker did not train: $(cat "$tmp/$name.train")"
	# an imported log's configuration is tuned by train and serves from then on
	grep -q "^tuned the configuration .*/tuned.json" "$tmp/$name.train" ||
		fail "$name: train did not tune the configuration: $(tail -2 "$tmp/$name.train")"
	# users at a quarter, a half and three quarters of the file's lines
	lines=$(awk 'END { print NR }' "$users")
	for k in $((lines / 4)) $((lines / 2)) $((lines * 3 / 4)); do
		id=$(awk -v k="$k" 'NR == k { print $1; exit }' "$users")
		"$bin" --data "$db" --models "$models" timeline "@$id" >"$tmp/$name.tl" \
			2>"$tmp/$name.err" || {
			fail "timeline of @$id on $name: $(cat "$tmp/$name.err")"
			continue
		}
		got=$(sed -n 's/^timeline of .*: [0-9]* of \([0-9]*\)$/\1/p' "$tmp/$name.tl")
		echo "# $name: timeline of @$id: ${got:-?} tweets"
		[ "${got:-0}" -ge 10 ] || fail "$name: @$id's timeline has ${got:-no} tweets"
	done
	# the explorer opens on it and shows the first account's timeline
	printf 'keys <Enter> 6\ndump the timeline\nkeys q\n' >"$tmp/open.keys"
	if "$bin" --data "$db" --models "$models" explore --keys "$tmp/open.keys" \
		--size 120x30 >"$tmp/$name.screen" 2>"$tmp/$name.err"; then
		grep -Eq '^[> ] +1 +[-+][0-9]' "$tmp/$name.screen" ||
			fail "$name: the explorer shows no timeline: $(cat "$tmp/$name.screen")"
	else
		fail "explorer on $name: $(cat "$tmp/$name.err")"
	fi
done

[ "$fails" -eq 0 ] || exit 1
echo "realdata_e2e: all checks passed"
