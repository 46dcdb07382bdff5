#!/bin/sh
# faults.sh: fault injection against the minirecsys program. Every writer (generate,
# import, train) is killed (SIGKILL) or interrupted (SIGINT) at several moments; writes
# run out of disk, meet a read-only folder or a second writer; reads meet corrupt and
# truncated files. What must hold: the previous dataset or models stay intact and
# loadable, or the new ones are complete; no temporary file outlives the next write;
# errors name the file and exit with the documented status (0 ok, 1 failed, 2 usage or
# data error); nothing crashes. Prints how many fault points it tried
# (docs/reliability.md quotes them).
set -u
bin="${MRS_BUILDDIR:-.}/minirecsys"
tmp=$(mktemp -d /tmp/mrs-faults-XXXXXX)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export OPENBLAS_NUM_THREADS=1
fails=0
points=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# the fingerprint of a dataset, or "" when it does not load
fp() {
	"$bin" --data "$1" info --json 2>/dev/null | sed -n 's/^	"fingerprint":	"\([0-9a-f]*\)",*$/\1/p'
}

# no temporary file of $1 may remain
no_temps() {
	ls "$1".tmp-* >/dev/null 2>&1 && fail "$2: temporary files left: $(ls "$1".tmp-*)"
}

# a status must be 0, 1 or 2: anything else is a crash or a signal
sane_status() {
	[ "$1" -le 2 ] || fail "$2: exit status $1 (crash or signal)"
}

# ---------------------------------------------------------------- 1. kills
# What a written thing is: a dataset's fingerprint (empty when it does not load), or for
# a models folder the checksums of its model files (every file loads: the test of each
# model part checks that a file that loads is what was saved).
state_dataset() { # the file's checksum: byte for byte the old or the new dataset
	[ -f "$1" ] && cksum <"$1"
}
state_models() { # the model files of the set CURRENT names
	[ -f "$1/CURRENT" ] && (cd "$1/$(cat "$1/CURRENT")" && cat ./*.pt 2>/dev/null | cksum)
}
save_state() { # KIND TARGET COPY
	rm -rf "$3"
	cp -r "$2" "$3"
}

# kill_points NAME KIND TARGET KILL-DELAYS INT-DELAYS CMD...: runs CMD (which writes
# TARGET, a dataset or a models folder) to completion once to learn the new state, then
# again from the old TARGET, killed with SIGKILL after each of KILL-DELAYS and interrupted
# with SIGINT after each of INT-DELAYS. Each time TARGET must be wholly old or wholly new
# (and both load), a cancel must leave no temporary file, and the run after the kills
# must succeed and remove what they left.
kill_points() {
	name=$1 kind=$2 target=$3 kill_delays=$4 int_delays=$5
	shift 5
	[ "$kind" = models ] || [ -n "$(fp "$target")" ] || fail "$name: the old dataset does not load"
	save_state "$kind" "$target" "$tmp/old"
	old=$(state_$kind "$tmp/old")
	"$@" >/dev/null 2>&1 || fail "$name: an uninterrupted run failed"
	new=$(state_$kind "$target")
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "$name: the uninterrupted run changed nothing"
	[ "$kind" = models ] || [ -n "$(fp "$target")" ] || fail "$name: the new dataset does not load"
	kept=0 replaced=0
	for sig in KILL INT; do
		delays=$kill_delays
		[ "$sig" = INT ] && delays=$int_delays
		for delay in $delays; do
			rm -rf "$target"
			cp -r "$tmp/old" "$target"
			"$@" >/dev/null 2>"$tmp/err" &
			pid=$!
			sleep "$delay"
			kill -s "$sig" "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			rc=$?
			points=$((points + 1))
			got=$(state_$kind "$target")
			if [ "$got" = "$old" ]; then
				kept=$((kept + 1))
			elif [ "$got" = "$new" ]; then
				replaced=$((replaced + 1))
			else
				fail "$name: SIG$sig after ${delay}s left $target neither old nor new"
			fi
			if [ "$sig" = INT ]; then
				# Ctrl-C cancels (exit 1) and removes its temporary files; before the
				# handler is installed it kills (130); after the last rename it is
				# too late to matter (0)
				case $rc in 0 | 1 | 130) ;; *) fail "$name: SIGINT after ${delay}s: exit $rc: $(cat "$tmp/err")" ;; esac
				leftovers "$kind" "$target" "$name: SIGINT after ${delay}s"
			fi
		done
	done
	"$@" >/dev/null 2>"$tmp/err" || fail "$name: a run after the kills failed: $(cat "$tmp/err")"
	[ "$(state_$kind "$target")" = "$new" ] || fail "$name: the run after the kills differs"
	leftovers "$kind" "$target" "$name: the run after the kills"
	echo "kills of $name: $kept left the old state, $replaced the new one, none broken"
}

# temporary files and unfinished sets a finished run must not leave (a models folder
# keeps the set it serves and, after a completed run, the one that served before)
leftovers() {
	if [ "$1" = dataset ]; then
		no_temps "$2" "$3"
	else
		find "$2" -name '*tmp-*' -o -name '.train-*' | grep -q . &&
			fail "$3: left in $2: $(find "$2" -name '*tmp-*' -o -name '.train-*')"
		[ "$(ls -d "$2"/set-* | wc -l)" -le 2 ] || fail "$3: sets left: $(ls "$2")"
	fi
}

# MRS_FAULTS_QUICK=1 (the sanitizer pass): fewer moments, the same kinds of fault. The
# runs killed take about a second (generate, import) to four (train).
if [ -n "${MRS_FAULTS_QUICK:-}" ]; then
	kills="0.05 0.5 1.5" ints="0.3" train_kills="0.5 2" train_ints="1"
else
	kills="0.02 0.05 0.1 0.2 0.35 0.5 0.75 1 1.5" ints="0.05 0.2 0.5 1"
	train_kills="0.2 0.7 1.2 2 3" train_ints="0.5 1.5"
fi
"$bin" -q generate --scale small -o "$tmp/gen.db" || fail "generate small"
kill_points generate dataset "$tmp/gen.db" "$kills" "$ints" \
	"$bin" -q generate --force --users 5000 --tweets 50000 --impressions 400000 -o "$tmp/gen.db"

awk 'BEGIN { for (i = 0; i < 1500000; i++) print "u" (i % 300000), "u" ((i * 7919 + 13) % 300000) }' \
	>"$tmp/edges.txt"
"$bin" -q generate --scale small -o "$tmp/imp.db" || fail "generate small"
kill_points import dataset "$tmp/imp.db" "$kills" "$ints" \
	"$bin" -q import edges "$tmp/edges.txt" -o "$tmp/imp.db" --force

# train: the models of one world replaced by those of another
"$bin" -q generate --scale small --seed 1 -o "$tmp/w1.db" &&
	"$bin" -q generate --scale small --seed 2 -o "$tmp/w2.db" &&
	"$bin" -q --data "$tmp/w1.db" --models "$tmp/models" train >/dev/null ||
	fail "train: the first models"
kill_points train models "$tmp/models" "$train_kills" "$train_ints" \
	"$bin" -q --data "$tmp/w2.db" --models "$tmp/models" train

# ---------------------------------------------------------------- 2. a full disk
# disk_full NAME DIR: a write to DIR that cannot fit fails naming the file, exit 2, and
# leaves the old dataset and nothing else.
disk_full() {
	name=$1 dir=$2
	"$bin" -q generate --force --scale small -o "$dir/d.db" || fail "$name: the small dataset"
	old=$(fp "$dir/d.db")
	"$bin" -q generate --force -o "$dir/d.db" 2>"$tmp/err"
	rc=$?
	points=$((points + 1))
	[ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2: $(cat "$tmp/err")"
	grep -q "$dir/d.db: cannot write" "$tmp/err" || fail "$name: message: $(cat "$tmp/err")"
	[ "$(fp "$dir/d.db")" = "$old" ] || fail "$name: the old dataset changed"
	no_temps "$dir/d.db" "$name"
	"$bin" -q import edges "$tmp/edges.txt" -o "$dir/d.db" --force 2>"$tmp/err"
	rc=$?
	points=$((points + 1))
	[ "$rc" -eq 2 ] && grep -q "$dir/d.db: cannot write" "$tmp/err" ||
		fail "$name: import: exit $rc: $(cat "$tmp/err")"
	[ "$(fp "$dir/d.db")" = "$old" ] || fail "$name: import changed the old dataset"
	no_temps "$dir/d.db" "$name (import)"
}

# ulimit -f (file size): works for anyone. Its unit differs between shells, so the limit
# is set by bytes (about 3 MB: the small dataset fits, a default one does not).
mkdir "$tmp/ulimit"
"$bin" -q generate --scale small -o "$tmp/ulimit/d.db"
sh -c 'ulimit -f 1 && exec head -c 4096 /dev/zero' >"$tmp/ulimit/unit" 2>/dev/null
unit=$(wc -c <"$tmp/ulimit/unit")
(
	ulimit -f $((3 * 1024 * 1024 / unit)) && disk_full "ulimit -f" "$tmp/ulimit"
	exit $((fails > 0))
) || fails=$((fails + 1))
points=$((points + 2))
# train on a full disk: the models folder named, the reason, nothing changed
"$bin" -q --data "$tmp/ulimit/d.db" --models "$tmp/ulimit/m" train >/dev/null ||
	fail "train: the models to keep"
old=$(state_models "$tmp/ulimit/m")
(
	ulimit -f $((3 * 1024 * 1024 / unit))
	exec "$bin" -q --data "$tmp/ulimit/d.db" --models "$tmp/ulimit/m" train --seed 5
) >/dev/null 2>"$tmp/err"
rc=$?
points=$((points + 1))
[ "$rc" -eq 2 ] && grep -q "^minirecsys: $tmp/ulimit/m: cannot write the new model set (.*File too large); nothing was changed$" "$tmp/err" ||
	fail "train on a full disk: exit $rc: $(cat "$tmp/err")"
[ "$(state_models "$tmp/ulimit/m")" = "$old" ] || fail "train on a full disk changed the models"
leftovers models "$tmp/ulimit/m" "train on a full disk"
# a small tmpfs (a real ENOSPC) where this user may mount one
mkdir "$tmp/tmpfs"
if mount -t tmpfs -o size=4m tmpfs "$tmp/tmpfs" 2>/dev/null; then
	mnt="$tmp/tmpfs"
	disk_full "tmpfs" "$tmp/tmpfs"
	umount "$mnt" && mnt=""
else
	echo "full disk: cannot mount a tmpfs here; covered by ulimit -f only"
fi

# ---------------------------------------------------------------- 3. read-only folders
# As root, permissions do not stop writes: run the writer as nobody instead.
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}
if [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null; then
	ro="$tmp/ro"
	mkdir "$ro"
	chmod 755 "$tmp"
	"$bin" -q generate --scale small -o "$ro/d.db" || fail "read-only: the small dataset"
	chmod 666 "$ro/d.db.lock"
	chmod 644 "$ro/d.db"
	old=$(fp "$ro/d.db")
	chmod 555 "$ro"
	for target in d.db new.db; do
		as_user "$bin" -q generate --force --scale small --seed 5 -o "$ro/$target" 2>"$tmp/err"
		rc=$?
		points=$((points + 1))
		[ "$rc" -eq 2 ] || fail "read-only folder, $target: exit $rc: $(cat "$tmp/err")"
		# the dataset and the system's reason (once: "d.db.tmp-PID: cannot create:
		# unable to open database file", with the lock there and the folder read-only)
		grep -q "$ro/$target.*Permission denied" "$tmp/err" ||
			fail "read-only, $target: message: $(cat "$tmp/err")"
		[ "$target" = new.db ] || grep -q "nothing was changed" "$tmp/err" ||
			fail "read-only, $target: message: $(cat "$tmp/err")"
		as_user "$bin" -q import edges "$tmp/edges.txt" -o "$ro/$target" --force 2>"$tmp/err"
		rc=$?
		points=$((points + 1))
		[ "$rc" -eq 2 ] && grep -q "$ro/$target" "$tmp/err" ||
			fail "read-only folder, import $target: exit $rc: $(cat "$tmp/err")"
	done
	[ "$(fp "$ro/d.db")" = "$old" ] || fail "read-only: the dataset changed"
	# reading needs no write access
	as_user "$bin" --data "$ro/d.db" info >/dev/null 2>"$tmp/err" ||
		fail "read-only folder: info failed: $(cat "$tmp/err")"
	points=$((points + 1))
	ls "$ro" | grep -q tmp- && fail "read-only folder: temporary files: $(ls "$ro")"
	chmod 755 "$ro"
else
	echo "read-only folder: running as root without setpriv: skipped"
fi

# ---------------------------------------------------------------- 4. two writers
big="--users 5000 --tweets 50000 --impressions 400000"
"$bin" -q generate --scale small -o "$tmp/two.db"
old=$(fp "$tmp/two.db")
oldsum=$(cksum <"$tmp/two.db")
# shellcheck disable=SC2086
"$bin" -q generate --force $big --seed 3 -o "$tmp/two.db" 2>"$tmp/err1" &
first=$!
while ! ls "$tmp"/two.db.tmp-* >/dev/null 2>&1 && kill -0 "$first" 2>/dev/null; do
	sleep 0.01
done
# while the temporary file is there, the dataset's file must be byte for byte the old one
# (cksum reads it in milliseconds; a reader opening it then gets the old dataset)
seen=0
while ls "$tmp"/two.db.tmp-* >/dev/null 2>&1; do
	got=$(cksum <"$tmp/two.db")
	if ls "$tmp"/two.db.tmp-* >/dev/null 2>&1; then
		[ "$got" = "$oldsum" ] || fail "two writers: the dataset changed mid-write"
		seen=$((seen + 1))
	fi
done
[ "$seen" -gt 0 ] || fail "two writers: the write ended before the dataset could be read mid-write"
echo "two writers: the dataset read $seen times mid-write, unchanged each time"
wait "$first" || fail "two writers: the first failed: $(cat "$tmp/err1")"
new=$(fp "$tmp/two.db")
[ -n "$new" ] && [ "$new" != "$old" ] || fail "two writers: the first's dataset is not there"
# a writer that finds the lock held (here by flock(1), the same kind of lock) refuses
if command -v flock >/dev/null; then
	exec 9>>"$tmp/two.db.lock"
	flock -n 9 || fail "two writers: cannot take the lock for the test"
	for second in "generate --force --scale small --seed 4" "import edges $tmp/edges.txt --force"; do
		# shellcheck disable=SC2086
		"$bin" -q $second -o "$tmp/two.db" 2>"$tmp/err2"
		rc=$?
		points=$((points + 1))
		[ "$rc" -eq 1 ] || fail "two writers: the second ($second) exited $rc, expected 1"
		grep -q "$tmp/two.db: another minirecsys process is writing" "$tmp/err2" ||
			fail "two writers: message: $(cat "$tmp/err2")"
	done
	exec 9>&-
	[ "$(fp "$tmp/two.db")" = "$new" ] || fail "two writers: a refused writer changed the dataset"
fi
# started together: one wins, or they run one after the other; never a broken file
for round in 1 2; do
	# shellcheck disable=SC2086
	"$bin" -q generate --force $big --seed 6 -o "$tmp/two.db" 2>/dev/null &
	a=$!
	"$bin" -q generate --force --scale small --seed 7 -o "$tmp/two.db" 2>/dev/null &
	b=$!
	wait $a
	ra=$?
	wait $b
	rb=$?
	points=$((points + 1))
	sane_status "$ra" "race $round (a)"
	sane_status "$rb" "race $round (b)"
	[ "$ra" -eq 0 ] || [ "$rb" -eq 0 ] || fail "race $round: neither writer succeeded ($ra, $rb)"
	[ -n "$(fp "$tmp/two.db")" ] || fail "race $round: the dataset does not load"
	no_temps "$tmp/two.db" "race $round"
done

# ---------------------------------------------------------------- 5. corrupt and truncated files
# corrupt NAME FILE: `info` on FILE must exit 0 (the damage missed what is read) or 2
# naming the file; never crash.
corrupt() {
	"$bin" --data "$2" info >/dev/null 2>"$tmp/err"
	rc=$?
	points=$((points + 1))
	sane_status "$rc" "$1"
	if [ "$rc" -eq 2 ]; then
		grep -q "$2" "$tmp/err" || fail "$1: message does not name the file: $(cat "$tmp/err")"
		bad=$((bad + 1))
	elif [ "$rc" -eq 0 ]; then
		# the damage missed what is read: what loads must be the original content
		[ "$(fp "$2")" = "$good" ] || fail "$1: loaded with changed content"
		loaded=$((loaded + 1))
	else
		fail "$1: exit $rc: $(cat "$tmp/err")"
	fi
}
"$bin" -q generate -o "$tmp/good.db"
size=$(wc -c <"$tmp/good.db")
good=$(fp "$tmp/good.db")
bad=0 loaded=0
for pct in 0 1 5 10 20 30 40 50 60 70 80 90 99; do
	cp "$tmp/good.db" "$tmp/c.db"
	# 4 KiB of 0x5a at pct% of the file (a page's worth of garbage)
	head -c 4096 /dev/zero | tr '\0' 'Z' |
		dd of="$tmp/c.db" bs=1 seek=$((size * pct / 100)) conv=notrunc 2>/dev/null
	corrupt "4 KiB overwritten at $pct%" "$tmp/c.db"
done
for keep in 0 1 100 4096 $((size / 3)) $((size / 2)) $((size - 4096)) $((size - 1)); do
	head -c "$keep" "$tmp/good.db" >"$tmp/t.db"
	corrupt "truncated to $keep bytes" "$tmp/t.db"
done
printf 'not a database at all\n' >"$tmp/text.db"
corrupt "a text file" "$tmp/text.db"
corrupt "a folder" "$tmp"
corrupt "a missing file" "$tmp/missing.db"
echo "corrupt files: $bad refused with a message naming the file, $loaded loaded intact (the damage hit what info does not read)"

# ---------------------------------------------------------------- 6. broken model files
# model_fault NAME MODEL: with the models in $tmp/mf, `models` must report MODEL as a
# fallback naming its file, and a timeline must still come out (exit 0).
model_fault() {
	printf 'models\nuser 3\ntimeline 5\n' >"$tmp/mf.cmd"
	"$bin" --data "$tmp/w2.db" --models "$tmp/mf" --batch "$tmp/mf.cmd" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	points=$((points + 1))
	sane_status "$rc" "$1"
	[ "$rc" -eq 0 ] || fail "$1: the batch failed ($rc): $(head -c 300 "$tmp/err")"
	line=$(grep "^$2 " "$tmp/out")
	case "$line" in
	*fallback*"$tmp/mf/$2."*) ;;
	*) fail "$1: models says '$line'" ;;
	esac
	grep -q "^timeline of" "$tmp/out" || fail "$1: no timeline"
}
# the model files of the set the first models' folder serves (a set's folder is read as it is)
set=$tmp/models/$(cat "$tmp/models/CURRENT")
for m in simclusters twhin realgraph nsfw toxicity heavy_ranker; do
	size=$(wc -c <"$set/$m.pt")
	hows="half garbage" # every model: cut in half, 64 bytes overwritten
	case $m in twhin | heavy_ranker) hows="$hows empty last-byte missing" ;; esac
	for how in $hows; do
		rm -rf "$tmp/mf"
		cp -r "$set" "$tmp/mf"
		case $how in
		empty) : >"$tmp/mf/$m.pt" ;;
		half) head -c $((size / 2)) "$set/$m.pt" >"$tmp/mf/$m.pt" ;;
		last-byte) head -c $((size - 1)) "$set/$m.pt" >"$tmp/mf/$m.pt" ;;
		garbage)
			head -c 64 /dev/zero | tr '\0' 'Z' |
				dd of="$tmp/mf/$m.pt" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
			;;
		missing) rm "$tmp/mf/$m.pt" ;;
		esac
		model_fault "$m.pt $how" "$m"
	done
done
# the heavy ranker's card says another feature spec; its card is gone
rm -rf "$tmp/mf" && cp -r "$set" "$tmp/mf"
sed 's/"feature_spec_version":[^,]*/"feature_spec_version": 999/' "$set/heavy_ranker.json" \
	>"$tmp/mf/heavy_ranker.json"
model_fault "another feature spec" heavy_ranker
grep -q "feature spec version 999" "$tmp/out" || fail "another feature spec: $(grep heavy "$tmp/out")"
rm "$tmp/mf/heavy_ranker.json"
model_fault "no card" heavy_ranker
# models of another world (other users, other tweets): the embeddings fall back
"$bin" -q generate --scale small --users 120 --seed 9 -o "$tmp/w3.db"
for m in simclusters twhin; do
	rm -rf "$tmp/mf" && cp -r "$set" "$tmp/mf"
	printf 'models\n' | "$bin" --data "$tmp/w3.db" --models "$tmp/mf" --batch - >"$tmp/out" 2>"$tmp/err"
	rc=$?
	points=$((points + 1))
	[ "$rc" -eq 0 ] && grep "^$m " "$tmp/out" | grep -q "fallback.*$tmp/mf/$m.pt" ||
		fail "models of another world, $m: exit $rc: $(grep "^$m " "$tmp/out")"
done
echo "broken model files: every one reported as a fallback naming its file; timelines still served"

echo "fault points: $points"
[ "$fails" -eq 0 ] || {
	echo "$fails failures"
	exit 1
}
exit 0
