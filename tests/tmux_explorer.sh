#!/bin/sh
# tmux_explorer.sh: the real program in a real terminal. Each case types into a shell in
# a tmux pane on a private server (send-keys), reads the screen (capture-pane) and checks
# it with grep: open, pick an account, step through every stage, change a weight and see
# the order change, quit; TERM=dumb and TERM unset; a 20x5 and a 300x100 window; a burst
# of resizes; SIGINT, SIGTERM and SIGHUP. After every run the shell's prompt must answer,
# the alternate screen must be left, and `stty -a` must show the terminal cooked again.
# Exits 77 (skipped) without tmux.
set -u
if ! command -v tmux > /dev/null 2>&1; then
	echo "SKIP: tmux is not installed (apt-get install --no-install-recommends tmux)"
	exit 77
fi
srcdir=${MRS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${MRS_BUILDDIR:-$srcdir}
bin=$builddir/minirecsys
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mrs-tmux.XXXXXX")
sock=mrs-explorer-test-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	T kill-server > /dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

"$bin" -q generate --scale small --seed 7 -o "$tmp/world.db" || exit 1
# a session that lives through the test, so the server does not exit between cases
T new-session -d -s keep "exec sleep 3600" || exit 1
mkdir "$tmp/models"
run="$bin --data world.db --models models"
failures=0
case_name=""

fail() {
	echo "FAIL [$case_name] $*"
	echo "---- the screen:"
	T capture-pane -p -J -t "$case_name" 2> /dev/null | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	echo "----"
	failures=$((failures + 1))
}

# start NAME [COLS ROWS]: a pane with a plain shell in the test's folder.
start() {
	case_name=$1
	T new-session -d -s "$1" -x "${2:-80}" -y "${3:-24}" \
		"cd '$tmp' && exec env TERM=xterm-256color LC_ALL=C.UTF-8 PS1='mrs\$ ' sh"
	wait_for 'mrs\$' || fail "no shell prompt"
}

# wait_for REGEX [SECONDS]: until the screen matches (grep -E), or fail.
wait_for() {
	tries=$(( ${2:-10} * 10 ))
	while [ "$tries" -gt 0 ]; do
		if T capture-pane -p -J -t "$case_name" 2> /dev/null | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

keys() { T send-keys -t "$case_name" "$@"; }
type_line() { T send-keys -t "$case_name" -l "$1"; T send-keys -t "$case_name" Enter; }
screen() { T capture-pane -p -J -t "$case_name"; }

# Until the pane's shell runs no child (the explorer has exited), so that what is typed
# next goes to the shell.
wait_exited() {
	tries=100
	while [ "$tries" -gt 0 ]; do
		[ -z "$(explorer_pid)" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	fail "the explorer did not exit"
	return 1
}

# The program has exited with status $1: the shell answers, the alternate screen is
# left, and the terminal is back in cooked mode with echo. (Quotes split the markers, so
# that the typed command lines do not match what their output is checked for.)
check_restored() {
	wait_exited || return
	type_line 'echo "sta""tus=$?"'
	wait_for "^status=$1\$" || fail "exit status is not $1"
	[ "$(T display -p -t "$case_name" '#{alternate_on}')" = 0 ] ||
		fail "the alternate screen is still on"
	type_line 'stty -a | tr " ;" "\n\n" | grep -E "^-?(icanon|echo|isig|icrnl|opost)$" | sort | tr "\n" " "; echo "mo""des"'
	wait_for ' modes$' || fail "stty did not answer"
	modes=$(screen | grep ' modes$' | tail -n 1)
	case "$modes" in
	*-icanon* | *-echo\ * | *-isig* | *-icrnl* | *-opost*) fail "terminal not restored: $modes" ;;
	"echo icanon icrnl isig opost modes") ;;
	*) fail "unexpected terminal modes: $modes" ;;
	esac
	type_line 'echo "ans""wer=$((40 + 2))"'
	wait_for '^answer=42$' || fail "the shell does not answer"
}

# The explorer's pid, the child of the pane's shell.
explorer_pid() {
	shell=$(T display -p -t "$case_name" '#{pane_pid}' 2> /dev/null)
	[ -n "$shell" ] && pgrep -P "$shell" | head -n 1
}

finish() {
	T kill-session -t "$case_name" 2> /dev/null
	echo "ok [$case_name]"
}

# ---------------------------------------------------------------- the walkthrough
start walkthrough
type_line "$run"
wait_for 'find: \(all\)' || fail "the account picker did not open"
wait_for 'fallbacks 6/6' || fail "no model fallbacks on the status line"
screen | grep -q '^>' || fail "no cursor on the account list"

keys Enter
wait_for 'stage 1/14 hydrate: Query hydration' || fail "picking an account did not open the stepper"
picked=$(screen | grep -Eo '^ @[a-z0-9_]+ \([0-9]+\)' | head -n 1)
[ -n "$picked" ] || fail "the status line does not name the account"

stage=1
for name in in_network out_of_network graph follow_recs dedup prefilter features ranker \
	fusion safety heuristics postfilter select; do
	stage=$((stage + 1))
	keys n
	wait_for "stage $stage/14 $name" || fail "n did not reach stage $stage ($name)"
done
keys n
wait_for 'already at the last stage' || fail "n past the last stage gave no message"

keys 6
wait_for 'credited' || fail "the timeline screen did not open"
before=$(screen | sed -n '3,12p' | awk '{print $5}' | tr '\n' ' ')
keys 7
wait_for 'NDCG@10 \(100 users\): [0-9]' 30 || fail "no NDCG@10 on the weights screen"
keys :
type_line 'cursor 11'
wait_for '^> fusion.engagement' || fail "the cursor did not reach fusion.engagement"
keys - - - -
wait_for 'fusion.engagement +0\.43 ' || fail "four steps down did not reach 0.43"
wait_for 'custom:seed' || fail "the preset is not marked custom"
wait_for ', was [0-9.]+ \([-+][0-9.]+\)' 30 || fail "no NDCG change after the weight change"
keys :
type_line 'set fusion.embedding 3'
wait_for 'fusion.embedding: 0.3 -> 3' || fail "set fusion.embedding did not say what changed"
keys 6
wait_for 'credited' || fail "back to the timeline failed"
after=$(screen | sed -n '3,12p' | awk '{print $5}' | tr '\n' ' ')
screen | sed -n '3,16p' | grep -Eq '^[> ] +[0-9]+ (\^[0-9]+|v[0-9]+|new) ' ||
	fail "no movement arrow in the timeline"
[ "$before" != "$after" ] || fail "the order did not change ($before)"

keys q
check_restored 0
finish

# ---------------------------------------------------------------- no usable terminal
start dumb
type_line "TERM=dumb $run"
wait_for 'cannot draw here: TERM=dumb' || fail "no message for TERM=dumb"
wait_for 'minirecsys>' || fail "no plain shell for TERM=dumb"
type_line 'user 3'
wait_for 'timeline of [0-9]+' || fail "the plain shell did not run a command"
type_line 'quit'
check_restored 0
finish

start noterm
type_line "env -u TERM $run"
wait_for 'cannot draw here: TERM is not set' || fail "no message for an unset TERM"
wait_for 'minirecsys>' || fail "no plain shell without TERM"
type_line 'quit'
check_restored 0
finish

# ---------------------------------------------------------------- window sizes
start tiny 20 5
type_line "$run"
wait_for 'Too small: 20x5' || fail "a 20x5 window did not say it is too small"
keys j Enter n
sleep 0.3
wait_for 'Too small: 20x5' || fail "keys while too small broke the message"
keys q
check_restored 0
finish

start huge 300 100
type_line "$run"
wait_for '^ minirecsys 1 Users' || fail "a 300x100 window has no wide tab bar"
keys Enter 6
wait_for 'credited' || fail "the timeline did not open at 300x100"
[ "$(screen | grep -Ec '^[> ] +[0-9]+ ')" -ge 40 ] || fail "fewer than 40 rows of timeline at 300x100"
keys q
check_restored 0
finish

start resizes
type_line "$run"
wait_for 'find: \(all\)' || fail "did not open"
keys Enter 4
wait_for 'rank move' || fail "the scores screen did not open"
# (tmux 3.3 itself dies on a 1x1 window: the virtual screen tests go that small)
for size in 90x30 61x17 200x60 10x3 150x45 40x12 300x100 80x24 59x15 120x40 \
	33x9 250x80 81x25 70x20 12x4 160x50 100x30 20x5 80x24; do
	T resize-window -t "$case_name" -x "${size%x*}" -y "${size#*x}"
done
T resize-window -t "$case_name" -x 100 -y 30
wait_for 'rank move' || fail "no scores screen after a burst of resizes"
wait_for 'why #1' || fail "the scores screen is not whole after the resizes"
[ -n "$(explorer_pid)" ] || fail "the explorer died in the resizes"
keys q
check_restored 0
finish

# ---------------------------------------------------------------- signals
start sigint
type_line "$run"
wait_for 'find: \(all\)' || fail "did not open"
keys C-c
check_restored 130
finish

for sig in TERM HUP; do
	start "sig$sig"
	type_line "$run"
	wait_for 'find: \(all\)' || fail "did not open"
	keys Enter
	wait_for 'stage 1/14' || fail "did not pick"
	pid=$(explorer_pid)
	if [ -n "$pid" ]; then
		kill -"$sig" "$pid"
		if [ "$sig" = TERM ]; then code=143; else code=129; fi
		check_restored "$code"
	else
		fail "no explorer process to signal"
	fi
	finish
done

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
exit 0
