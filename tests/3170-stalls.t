#!/bin/sh
# A backend that stalls without breaking: a take whose answer from
# Redis was lost leaves its jobs in the worker's own list, and the
# worker gives them back once it is connected again, rather than
# leaving them there while it lives; a PostgreSQL that stops answering
# for longer than a job's hard timeout fails no job in flight, since a
# time in which the worker could not run is not counted against them,
# a transfer that the stall cut counts no retry and does not slow its
# site down, and the worker counts no other worker dead until those
# that stalled with it have had time to heartbeat again.
. "$(dirname "$0")/lib.sh"
plan 11
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=1 TQ_RETRY_DELAYS=0

st() { psqlc "SELECT string_agg(status || ':' || coalesce(error_message, ''), ',' ORDER BY seq) FROM task_items WHERE task_id = $1"; }
running() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = 'running'")" -ge "$2" ]; }

# --- the jobs a lost take moved: one job in flight (6 s), one queued
start_worker -n 1 -N st -Q parsing-queue -c parsing-queue=1
wait_for 10 sh -c '[ "$(redis-cli -s '"$tmp"'/redis.sock SCARD tq:workers)" -ge 1 ]'
me=$(rcli SMEMBERS tq:workers | head -1)
tq-submit parse "$HTTP/t/sleep?s=6&n=a" >"$tmp/a"
a=$(jq -r .task_id "$tmp/a")
wait_for 10 running "$a" 1
tq-submit parse "$HTTP/t/sleep?s=0&n=b" >"$tmp/b"
b=$(jq -r .task_id "$tmp/b")
# what Redis does for a take whose answer never reaches the worker
rcli LMOVE rq:queue:parsing-queue "tq:active:$me" RIGHT LEFT >/dev/null
check_same "the job is in the worker's list, not the queue" \
    "$(rcli LLEN "tq:active:$me") $(rcli LLEN rq:queue:parsing-queue)" "2 0"
# the worker's connections break, as after a timeout
rcli CLIENT KILL TYPE normal >/dev/null
check "the job a lost take held runs" tq-wait -t 30 "$b"
check_same "... and the one in flight ends too" "$(st "$a")" "completed:"
check_match "... the worker said what it gave back" "$(cat "$tmp/worker.log")" \
    'returned .*jobs=1 .*an answer from Redis was lost'
stop_worker

# --- PostgreSQL stops answering for 8 s; hard timeout 6 s
TQ_PARSE_TIMEOUT=6 start_worker -n 1 -N pg -Q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=4&n=c" >"$tmp/c"
c=$(jq -r .task_id "$tmp/c")
tq-submit parse "$HTTP/t/sleep?s=2&n=d" >"$tmp/d"
d=$(jq -r .task_id "$tmp/d")
wait_for 10 running "$c" 1
wait_for 10 running "$d" 1
pm=$(head -1 "$tmp/pg/postmaster.pid")
pgs="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
kill -STOP $pgs
# once the worker waits for PostgreSQL (its maintenance runs every
# second), a worker that has no heartbeat at all
sleep 2
rcli SADD tq:workers ghost.1 >/dev/null
sleep 6		# d's outcome waits for PostgreSQL meanwhile
kill -CONT $pgs
sleep 3
check_same "just after its own stall, the worker counts no other dead" \
    "$(rcli SISMEMBER tq:workers ghost.1)" 1
check "the job stored during the stall completes" tq-wait -t 30 "$d"
check "the job in flight meanwhile is not timed out" tq-wait -t 30 "$c"
check_same "... neither fails" "$(st "$c")/$(st "$d")" "completed:/completed:"
# c's transfer outlived curl's timeout (5 s) across the stall: that
# was the worker's doing, so no retry is counted and its site is not
# throttled
check_same "... and no retry is counted" \
    "$(psqlc "SELECT sum(retry_count) FROM task_items WHERE task_id IN ($c, $d)")" 0
check_same "... nor the site slowed down" "$(grep -c site_throttled "$tmp/worker.log")" 0
gone() { [ "$(rcli SISMEMBER tq:workers ghost.1)" = 0 ]; }
check "... but does once the others have had time to heartbeat" wait_for 30 gone
stop_worker
done_testing
