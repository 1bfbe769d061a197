#!/bin/sh
# A worker whose Redis is full (maxmemory, noeviction) while a job is
# in flight: its takes are refused; the first refusal is logged at
# once, the next ones later each time (0.5 s, 1 s, 2 s...), not at
# every turn of its loop; the job in flight ends, and once Redis has
# room the worker takes jobs again.  A Redis that is gone while a job
# is in flight: the worker tries to connect again every second, and
# says so at the 1st, 2nd, 4th, 8th... attempt, not at each.
. "$(dirname "$0")/lib.sh"
plan 11
start_redis
start_pg
start_httpd
tq-model list >/dev/null || bail "tq-model list failed"

start_worker -n 1
check "a job that takes 7 s" tq-submit parse "$HTTP/t/sleep?s=7"
t=$(jq -r .task_id "$out")
running() { [ "$(psqlc "SELECT status FROM task_items_all WHERE task_id = $t")" = running ]; }
wait_for 30 running || diag "the job did not start"
rcli config set maxmemory-policy noeviction >/dev/null
rcli config set maxmemory 1 >/dev/null
sleep 5
rcli config set maxmemory 0 >/dev/null
takes=$(grep -c ' take worker=.*OOM' "$tmp/worker.log")
diag "$takes take errors logged in 5 s of a full Redis"
check_match "the refused take is logged" "$(grep ' take worker=' "$tmp/worker.log" | head -1)" \
    "^[^ ]+ error tq-worker take worker=.* error=\"redis: OOM command not allowed.* retry_in=0.5"
check_match "a few times, not at every turn of the loop" "$takes" '^[1-5]$'
check_same "... each later than the one before" \
    "$(grep ' take worker=' "$tmp/worker.log" | sed 's/.*retry_in=//' | tr '\n' ' ')" \
    "$(echo 0.5 1.0 2.0 4.0 8.0 | cut -d' ' -f1-"$takes") "
check "the job in flight ends" tq-wait -t 30 "$t"
check_same "completed" "$(jq -r .status "$out")" completed
check "Redis has room: the worker takes jobs again" \
    sh -c 'tq-submit parse "$1/t/page?title=after" | tq-wait -t 30 >/dev/null' sh "$HTTP"

# Redis gone for 10 s under a job of 14 s
check "a job that takes 14 s" tq-submit parse "$HTTP/t/sleep?s=14"
t=$(jq -r .task_id "$out")
wait_for 30 running || diag "the job did not start"
: >"$tmp/worker.log"
kill -KILL "$TQ_REDIS_PID"
wait "$TQ_REDIS_PID" 2>/dev/null
sleep 10
rm -f "$tmp/redis.sock"
start_redis
fails=$(grep -c ' backend worker=.*jobs_in_flight=1' "$tmp/worker.log")
diag "$fails failed reconnections logged in 10 s without Redis"
check_match "the attempts logged: the 1st, 2nd, 4th (and 8th)" \
    "$(grep ' backend worker=.*jobs_in_flight=1' "$tmp/worker.log" | sed 's/.*attempts=//' | tr '\n' ' ')" \
    '^1 2 4 (8 )?$'
check "the job ends" tq-wait -t 30 "$t"
check_same "completed" "$(jq -r .status "$out")" completed
stop_worker
done_testing
