#!/bin/sh
# The system clock stepped under a running worker (NTP, an operator's
# date(1)), with libfaketime: five minutes forward while a page is
# fetched, then five minutes back.  A job's hard timeout, the worker's
# heartbeat and its waits count on a clock no step moves: the page is
# not killed as timed out, the heartbeat goes on, and a job that waits
# (a retry's backoff of the site) is not held for the five minutes.
# tq-wait's -t counts on that clock too: a step forward does not end
# the wait, a step back does not lengthen it.
. "$(dirname "$0")/lib.sh"
ft=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
[ -n "$ft" ] || bail "libfaketime not found: install the Debian package libfaketime (contrib/install-deps)"
plan 9
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=1

item() { psqlc "SELECT status, coalesce(error_message, '') FROM task_items WHERE task_id = $1"; }
hb() { rcli hget "rq:worker:$(rcli smembers rq:workers | head -n 1 | sed 's/^rq:worker://')" last_heartbeat; }

# only the worker sees the stepped clock: its own offset, read anew by
# every call, the monotonic clock left alone (under AddressSanitizer,
# whose runtime would have to come first, libfaketime is let in too)
echo "+0" >"$tmp/offset"
asan=${ASAN_OPTIONS:-}
LD_PRELOAD=$ft FAKETIME_TIMESTAMP_FILE=$tmp/offset FAKETIME_NO_CACHE=1 \
	FAKETIME_DONT_FAKE_MONOTONIC=1 TQ_PARSE_TIMEOUT=20 \
	ASAN_OPTIONS=${asan:+$asan:}verify_asan_link_order=0
export LD_PRELOAD FAKETIME_TIMESTAMP_FILE FAKETIME_NO_CACHE \
	FAKETIME_DONT_FAKE_MONOTONIC TQ_PARSE_TIMEOUT ASAN_OPTIONS
start_worker -n 1 -Q parsing-queue
unset LD_PRELOAD FAKETIME_TIMESTAMP_FILE FAKETIME_NO_CACHE \
	FAKETIME_DONT_FAKE_MONOTONIC TQ_PARSE_TIMEOUT
ASAN_OPTIONS=$asan

tq-submit parse "$HTTP/t/sleep?s=4&key=c1" >"$tmp/t1"
t1=$(jq -r .task_id "$tmp/t1")
wait_for 20 sh -c "[ \"\$(curl -s '$HTTP/t/count?key=c1')\" = 1 ]"
echo "+300" >"$tmp/offset"
check "five minutes forward in the middle of a page of 4 s" \
	tq-wait -t 30 "$t1"
check_same "the page completed, not killed as past its 20 s" \
	"$(item "$t1")" "completed|"

# five minutes back: the heartbeat goes on, at once and every 5 s (its
# times are the stepped clock's, as the host's would be)
hbs() { date -u -d "$(hb)" +%s; }
back() { d=$(($(date +%s) - 300 - $(hbs))); [ "$d" -lt 20 ] && [ "$d" -gt -20 ]; }
echo "-300" >"$tmp/offset"
check "five minutes back: a heartbeat of the new time within 12 s" \
	wait_for 12 back
h1=$(hb)
moved() { [ "$(hb)" != "$h1" ]; }
check "and the next one" wait_for 12 moved
# a job that waits: a transient error, retried with no delay, and the
# site's backoff in between (TQ_RETRY_DELAYS 0 for this task)
TQ_RETRY_DELAYS=0 tq-submit parse "$HTTP/t/flaky?key=c2&fail=1" >"$tmp/t2"
t2=$(jq -r .task_id "$tmp/t2")
check "a page that fails once, then answers, after the step back" \
	tq-wait -t 30 "$t2"
check_same "completed, in seconds, not after five minutes" \
	"$(item "$t2")" "completed|"

# tq-wait with its own stepped clock
echo "+0" >"$tmp/woff"
fwait() {
	LD_PRELOAD=$ft FAKETIME_TIMESTAMP_FILE=$tmp/woff FAKETIME_NO_CACHE=1 \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    ASAN_OPTIONS=${asan:+$asan:}verify_asan_link_order=0 tq-wait "$@"
}
tq-submit parse "$HTTP/t/sleep?s=8&key=c3" >"$tmp/t3"
fwait -t 30 "$(jq -r .task_id "$tmp/t3")" >/dev/null 2>&1 &
wp=$!
sleep 1
echo "+300" >"$tmp/woff"
wait "$wp"
check_same "tq-wait -t 30: five minutes forward do not end the wait" "$?" 0
echo "+0" >"$tmp/woff"
tq-submit parse "$HTTP/t/sleep?s=6&key=c4" >"$tmp/t4"
t4=$(jq -r .task_id "$tmp/t4")
s0=$(date +%s)
fwait -t 3 "$t4" >/dev/null 2>&1 &
wp=$!
sleep 1
echo "-300" >"$tmp/woff"
wait "$wp"
st=$?
soon=$(($(date +%s) - s0 <= 6))
check_same "tq-wait -t 3: five minutes back, it times out after 3 s" \
	"$st $soon" "124 1"
tq-wait -t 30 "$t4" >/dev/null 2>&1
stop_worker
check "the worker stops" true
done_testing
