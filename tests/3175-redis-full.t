#!/bin/sh
# A worker whose Redis is full (maxmemory, noeviction) while a job is
# in flight: its takes are refused; the first refusal is logged at
# once, the next ones later each time (0.5 s, 1 s, 2 s...), not at
# every turn of its loop; the job in flight ends, and once Redis has
# room the worker takes jobs again.
. "$(dirname "$0")/lib.sh"
plan 7
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
stop_worker
done_testing
