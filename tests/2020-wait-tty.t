#!/bin/sh
# tq-wait on a terminal: a progress line per task with done/total,
# failed, rate and ETA on stderr, failures in red unless NO_COLOR (set
# and not empty); none of it, nor tq-status's colour, on TERM=dumb;
# never on a pipe.
. "$(dirname "$0")/lib.sh"
plan 14
start_redis
start_pg
start_httpd
need script bsdutils

start_worker -n 1 -Q parsing-queue
tq-submit parse "$HTTP/t/status/404" "$HTTP/t/sleep?s=1&n=1" "$HTTP/t/sleep?s=1&n=2" "$HTTP/t/sleep?s=1&n=3" >"$out"
t=$(jq -r .task_id "$out")
TERM=xterm script -qfec "tq-wait -t 30 $t >/dev/null" "$tmp/typescript" >/dev/null 2>&1
check_status 0 "tq-wait under a terminal ends failed (the 404)" sh -c "grep -q 'tq-wait: task $t:' '$tmp/typescript'"
check_match "done/total, failed, rate, eta" "$(tr '\r' '\n' <"$tmp/typescript" | grep "tq-wait: task $t:" | tail -1)" "^.*tq-wait: task $t: [0-9]/4 done, .*1 failed.*, [0-9.]+/s, eta [-0-9.smh]+"
check_match "the failures in red" "$(cat "$tmp/typescript")" "$(printf '\033')\\[31m1 failed"
TERM=xterm script -qfec "tq-status -i $t" "$tmp/ts3" >/dev/null 2>&1
check_match "a failed task row in red on a terminal" "$(cat "$tmp/ts3")" "$(printf '\033')\\[31m$t "
check_match "and its failed item" "$(cat "$tmp/ts3")" "$(printf '\033')\\[31m  [0-9]+ +link +failed"
tq-retry "$t" >/dev/null 2>&1
NO_COLOR=1 TERM=xterm script -qfec "tq-wait -t 30 $t >/dev/null" "$tmp/ts2" >/dev/null 2>&1
check_status 1 "NO_COLOR: no colour" grep -q "$(printf '\033')\\[31m" "$tmp/ts2"
# NO_COLOR set but empty is not set (https://no-color.org); TERM=dumb
# takes no escape at all: no colour, no progress redrawn in place, no
# clear-screen
# a task still running when tq-wait first looks (one it finds ended gets
# no progress line), and a second of tq-status -w rounds: five and ten
# under valgrind, whose start alone can take a second
s=1 w=1
[ "${VALGRIND:-0}" = 1 ] && s=5 w=10
slow() {
	tq-submit parse "$HTTP/t/status/404?n=$1" "$HTTP/t/sleep?s=$s&n=$1" >"$out"
	jq -r .task_id "$out"
}
t2=$(slow 4)
NO_COLOR= TERM=xterm script -qfec "tq-wait -t 30 $t2 >/dev/null" "$tmp/ts4" >/dev/null 2>&1
check_match "NO_COLOR empty: tq-wait's failures in red" "$(cat "$tmp/ts4")" "$(printf '\033')\\[31m1 failed"
NO_COLOR= TERM=xterm script -qfec "tq-status -i $t" "$tmp/ts5" >/dev/null 2>&1
check_match "... and tq-status's failed row" "$(cat "$tmp/ts5")" "$(printf '\033')\\[31m$t "
t3=$(slow 6)
TERM=dumb script -qfec "tq-wait -t 30 $t3" "$tmp/ts6" >/dev/null 2>&1
check_same "TERM=dumb: tq-wait writes no escape" "$(grep -c "$(printf '\033')" "$tmp/ts6")" 0
check_match "... and its record, as a table" "$(cat "$tmp/ts6")" "^$t3 +parsing +failed"
TERM=dumb script -qfec "tq-status -i $t" "$tmp/ts7" >/dev/null 2>&1
check_same "TERM=dumb: tq-status -i no colour" "$(grep -c "$(printf '\033')" "$tmp/ts7") $(grep -cE "^$t +parsing +failed" "$tmp/ts7")" "0 1"
TERM=dumb script -qfec "timeout -s INT $w tq-status -w 0.2 $t" "$tmp/ts8" >/dev/null 2>&1
check_same "TERM=dumb: tq-status -w no clear-screen" "$(grep -c "$(printf '\033')" "$tmp/ts8") $(grep -c '^every 0.2s' "$tmp/ts8" | sed 's/^[3-9]$/3+/; s/^[1-9][0-9]*$/3+/')" "0 3+"
tq-wait -t 30 "$t" >"$out" 2>"$errf"
check_same "on a pipe: no progress" "$(grep -c 'tq-wait: task' "$errf")" 0
check_same "and the record" "$(jq -r .status "$out")" failed
stop_worker
done_testing
