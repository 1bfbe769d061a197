#!/bin/sh
# tq-worker: warm and cold shutdown, FLUSHALL of Redis mid-task, the
# reconciler on demand
. "$(dirname "$0")/lib.sh"
plan 14
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=1 TQ_RECONCILE_GRACE=1

running() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = 'running'")" -ge 1 ]; }

# --- warm: the running job finishes, the worker exits 0
start_worker -n 1 -q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=2" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
kill -TERM "$TQ_WORKER_PID"
wait "$TQ_WORKER_PID"
check_same "warm shutdown exits 0" $? 0
check_same "the job finished first" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" completed
check_same "worker deregistered" "$(rcli scard rq:workers)" 0

# --- cold: a second signal puts the job back
start_worker -n 1 -q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=20" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
s0=$(date +%s)
kill -TERM "$TQ_WORKER_PID"
sleep 0.3
kill -TERM "$TQ_WORKER_PID"
wait "$TQ_WORKER_PID"
s1=$(date +%s)
check_match "cold shutdown is quick" "$((s1 - s0))" '^[0-5]$'
check_same "the item is pending again" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" pending
check_same "its job is back in the queue" "$(rcli lrange rq:queue:parsing-queue 0 -1)" "$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")"
check_same "no job held" "$(rcli keys "tq:active:*")" ""
psqlc "UPDATE task_items SET status = 'cancelled' WHERE task_id = $t" >/dev/null
psqlc "SELECT tq_task_settle($t)" >/dev/null

# --- FLUSHALL in the middle of a 200-item task
i=0
while [ $i -lt 200 ]; do
	echo "$HTTP/t/page?title=P$i&words=40"
	i=$((i + 1))
done >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >"$out"
t=$(jq -r .task_id "$out")
start_worker -n 2 -q parsing-queue
wait_for 30 sh -c "[ \$(psql -XAtq '$TQ_DATABASE_URL' -c \"SELECT completed_items FROM processing_tasks WHERE id = $t\") -ge 20 ]"
rcli flushall >/dev/null
check "every item still completes" tq-wait -t 90 "$t"
check_same "all 200 completed" "$(jq -r '[.completed_items, .failed_items] | join(" ")' "$out")" "200 0"
check_same "none ran twice" "$(psqlc "SELECT count(*), sum(parse_count) FROM parsed_contents p JOIN task_items i ON i.item_id = p.link_id WHERE i.task_id = $t")" "200|200"
check_match "the reconciler requeued the lost ones" "$(grep -o 'requeued=[0-9]*' "$tmp/worker.log" | sort -t= -k2 -n | tail -1)" 'requeued=[1-9]'
stop_worker

# --- reconcile on demand: an item in PostgreSQL only
tq-submit parse "$HTTP/t/page?title=Lost" >"$out"
t=$(jq -r .task_id "$out")
rcli del rq:queue:parsing-queue >/dev/null
sleep 1.2
check "tq-worker --reconcile" tq-worker --reconcile
check_same "reports one requeued" "$(jq -r .requeued "$out")" 1
check_same "the job is queued again" "$(rcli llen rq:queue:parsing-queue)" 1
done_testing
