#!/bin/sh
# A Redis that is full (maxmemory, noeviction) refuses the jobs of a
# submit halfway: tq-submit says so and exits 4, the task and its items
# are saved in PostgreSQL, and once Redis has room again the workers'
# reconciler queues them, so that every page is fetched and nothing is
# lost.
. "$(dirname "$0")/lib.sh"
plan 9
start_redis
start_pg
start_httpd
tq-model list >/dev/null || bail "tq-model list failed"

# room for some 150 KB more than an empty Redis holds: the hashes of
# 1,000 jobs need some 500 KB
used=$(rcli info memory | tr -d '\r' | sed -n 's/^used_memory://p')
rcli config set maxmemory-policy noeviction >/dev/null
rcli config set maxmemory $((used + 150000)) >/dev/null
awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 1000; i++)
    printf "%s/t/page?title=full%d\n", h, i }' >"$tmp/urls"
check_status 4 "a full Redis: exit 4" tq-submit parse - <"$tmp/urls"
check_match "says why, and that the task is saved" "$(cat "$errf")" \
    "^tq-submit: redis: OOM command not allowed.*; task [0-9]+ is saved and the workers' reconciler will queue it$"
task=$(psqlc "SELECT max(id) FROM processing_tasks")
check_same "the task and its 1,000 items are in PostgreSQL, pending" \
    "$(psqlc "SELECT t.status, t.total_items, count(*) FILTER (WHERE i.status = 'pending') FROM processing_tasks t JOIN task_items_all i ON i.task_id = t.id WHERE t.id = $task GROUP BY 1, 2")" \
    "queued|1000|1000"
check_match "fewer than 1,000 jobs got to the queue" "$(rcli llen rq:queue:parsing-queue)" '^[0-9]{1,3}$'

# room again: a worker's reconciler queues what is missing (at once:
# it runs every second and leaves no item alone for being recent)
rcli config set maxmemory 0 >/dev/null
TQ_MAINT_INTERVAL=1 TQ_RECONCILE_GRACE=1 start_worker -n 2
check "the task completes" tq-wait -t 120 "$task"
check_same "every item completed once" \
    "$(psqlc "SELECT status, completed_items, failed_items FROM processing_tasks WHERE id = $task")" \
    "completed|1000|0"
check_same "no item ran twice" \
    "$(psqlc "SELECT count(*) FROM task_item_attempts a JOIN task_items i ON i.id = a.task_item_id WHERE i.task_id = $task GROUP BY a.task_item_id HAVING count(*) > 1" | wc -l | tr -d ' ')" 0
check_match "the reconciler queued them" "$(cat "$tmp/worker.log")" 'maintenance .*requeued=[1-9][0-9]*'
check "the worker stops" stop_worker
done_testing
