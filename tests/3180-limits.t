#!/bin/sh
# A worker that runs short of a resource degrades, and loses, fails
# and retries nothing for it.
#
# Descriptors: under ulimit -n 64, 150 parse jobs in flight (no site
# limit) run fewer transfers at once, as many as the limit leaves room
# for; none fails as "couldn't connect", none counts a retry, and the
# job processes the pages need can still start.
#
# Memory: under ulimit -v, a page whose extraction needs more than the
# limit fails that item, saying so; the worker goes on.
. "$(dirname "$0")/lib.sh"
plan 11
start_redis
start_pg
start_httpd
tq-model list >/dev/null || bail "tq-model list failed"

awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 150; i++)
    printf "%s/t/sleep?s=1&title=fd%d\n", h, i }' >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >/dev/null || bail "tq-submit failed"
task=$(psqlc "SELECT max(id) FROM processing_tasks")
(
	ulimit -n 64
	TQ_SITE_CONCURRENCY=0 exec tq-worker -n 1 -J 2 -c parsing-queue=150
) >>"$tmp/worker.log" 2>&1 &
TQ_WORKER_PID=$!
_pids="$TQ_WORKER_PID $_pids"
check "ulimit -n 64: the task of 150 pages completes" tq-wait -t 90 "$task"
check_same "every page completed" \
    "$(psqlc "SELECT status, completed_items, failed_items FROM processing_tasks WHERE id = $task")" \
    "completed|150|0"
check_same "no retry counted" \
    "$(psqlc "SELECT count(*) FROM task_items_all WHERE task_id = $task AND retry_count > 0")" 0
check_same "no transfer failed to connect" \
    "$(grep -c "connect" "$tmp/worker.log")" 0
check_same "no job process failed to start" \
    "$(grep -c "job process" "$tmp/worker.log")" 0
check "the worker stops" stop_worker

: >"$tmp/worker.log"
(
	ulimit -v 85000
	exec tq-worker -n 1 -J 1
) >>"$tmp/worker.log" 2>&1 &
TQ_WORKER_PID=$!
_pids="$TQ_WORKER_PID $_pids"
tq-submit parse "$HTTP/t/big?mb=9" >"$tmp/big" || bail "tq-submit failed"
check_status 1 "ulimit -v 85000: a page of 9 MiB fails" tq-wait -t 60 <"$tmp/big"
check_same "out of memory, it says, once, with no retry and no crash" \
    "$(psqlc "SELECT status, retry_count, crash_count, error_message FROM task_items_all WHERE task_id = $(jq -r .task_id "$tmp/big")")" \
    "failed|0|0|out of memory in the job's process (ulimit -v 85000)"
tq-submit parse "$HTTP/t/page?title=small" >"$tmp/small" ||
    bail "tq-submit failed"
check "the worker goes on: a small page completes" tq-wait -t 60 <"$tmp/small"
check_same "the worker did not die, and logged no line of its own" \
    "$(grep -v -c " tq-worker \(start\|job\|stop\) " "$tmp/worker.log")" 0
check "the worker stops" stop_worker
done_testing
