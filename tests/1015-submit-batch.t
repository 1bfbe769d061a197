#!/bin/sh
# tq-submit's batches (sql/0019): from TQ_SUBMIT_BATCH items a submit
# writes rows of task_item_batches (10,000 items each) and no row of
# task_items; the records, the counts and task_items_all show its items
# as pending; the first claim of one writes out its batch row, once,
# whatever the number of workers; tq-cancel writes them all out first;
# the reconciler queues them again after a FLUSHALL; deleting the task
# deletes its batches
. "$(dirname "$0")/lib.sh"
plan 49
start_redis
start_pg
start_httpd
# many jobs for one local site: the per-site limit is not under test here
export TQ_SITE_CONCURRENCY=0
export TQ_SUBMIT_BATCH=50

urls() {	# urls KEY N: N pages of the local server
	awk -v h="$HTTP" -v k="$1" -v n="$2" 'BEGIN {
	    for (i = 0; i < n; i++) printf "%s/t/page?key=%s%d\n", h, k, i }'
}
qlen() { rcli llen rq:queue:parsing-queue; }
rows() { psqlc "SELECT count(*) FROM task_items WHERE task_id = $1"; }
batch() { psqlc "SELECT count(*) FROM task_item_batches WHERE task_id = $1"; }
done_task() {	# done_task TASK: it completed
	[ "$(psqlc "SELECT status FROM processing_tasks WHERE id = $1")" = completed ]
}

# --- below the threshold: rows at once
urls small 49 >"$tmp/u49"
check "a submit of 49 items" tq-submit parse - <"$tmp/u49"
s=$(jq -r .task_id "$out")
check_same "49 rows, no batch" "$(rows "$s") $(batch "$s")" "49 0"

# --- at it or above: one row of task_item_batches
urls big 120 >"$tmp/u120"
check "a submit of 120 items" tq-submit parse - <"$tmp/u120"
b=$(jq -r .task_id "$out")
check_same "the record counts them" "$(jq -r .total_items "$out")" 120
check_same "no row, one batch" "$(rows "$b") $(batch "$b")" "0 1"
check_same "task_items_all: 120 pending items without an id, seq 1 to 120" \
    "$(psqlc "SELECT count(*), count(DISTINCT job_id), min(seq), max(seq), count(*) FILTER (WHERE status = 'pending' AND id IS NULL AND retry_count = 0) FROM task_items_all WHERE task_id = $b")" \
    "120|120|1|120|120"
check_same "in input order" \
    "$(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $b AND l.url <> '$HTTP/t/page?key=big' || (i.seq - 1)")" 0
psqlc "SELECT job_id FROM task_items_all WHERE task_id = $b ORDER BY seq" >"$tmp/jobs"
check_same "the queue holds the batch's jobs, in order" \
    "$(rcli lrange rq:queue:parsing-queue 49 -1)" "$(cat "$tmp/jobs")"
job=$(head -1 "$tmp/jobs")
item=$(psqlc "SELECT item_id FROM task_items_all WHERE job_id = '$job'")
check_same "a job hash names its task and item" \
    "$(rcli hget "rq:job:$job" data)" "[\"tq.parse\", null, [$b, $item], {}]"
check "tq-status -i" tq-status -j -i "$b"
check_same "the record lists the 120 items, pending, in order" \
    "$(jq -r '[.items | length, (map(.status) | unique | join(",")), (map(.job_id) | join(" "))] | join("|")' "$out")" \
    "120|pending|$(tr '\n' ' ' <"$tmp/jobs" | sed 's/ $//')"
check_same "and their URLs" "$(jq -r '.items[119].url' "$out")" "$HTTP/t/page?key=big119"
check "tq-stats -p" tq-stats -p
check_same "the counts by status count them" \
    "$(grep '^tq_items{stage="parse",status="pending"} ' "$out" | cut -d' ' -f2)" 169
check "tq-show of the task" tq-show -j "task:$b"
check_same "tq-show finds its 120 links" "$(jq -s 'length' "$out")" 120

# --- two workers: the first claim writes the rows, each item runs once
start_worker -n 2 -Q parsing-queue
wait_for 60 done_task "$b"
ok $? "the batch's task completes"
wait_for 30 done_task "$s"
ok $? "and the small one"
check_same "120 rows, the batch gone" "$(rows "$b") $(batch "$b")" "120 0"
check_same "the rows keep the batch's job ids and order" \
    "$(psqlc "SELECT job_id FROM task_items WHERE task_id = $b ORDER BY seq")" "$(cat "$tmp/jobs")"
check_same "each item completed, once, with one attempt" \
    "$(psqlc "SELECT count(*) FILTER (WHERE i.status = 'completed'), sum(p.parse_count), count(DISTINCT a.id) FROM task_items i JOIN parsed_contents p ON p.link_id = i.item_id LEFT JOIN task_item_attempts a ON a.task_item_id = i.id WHERE i.task_id = $b")" \
    "120|120|120"
check_same "task_items_all holds each once" \
    "$(psqlc "SELECT count(*), count(id) FROM task_items_all WHERE task_id = $b")" "120|120"
stop_worker
ok $? "the workers stop"

# --- tq-cancel writes a batch's items out and cancels them
urls cancel 80 >"$tmp/u80"
check "a submit of 80" tq-submit parse - <"$tmp/u80"
c=$(jq -r .task_id "$out")
cjob=$(psqlc "SELECT job_id FROM task_items_all WHERE task_id = $c AND seq = 80")
check "tq-cancel" tq-cancel -j "$c"
check_same "80 cancelled" "$(jq -r '[.cancelled_count, .status] | join(" ")' "$out")" "80 cancelled"
check_same "as rows, the batch gone" \
    "$(psqlc "SELECT count(*) FILTER (WHERE status = 'cancelled') FROM task_items WHERE task_id = $c") $(batch "$c")" "80 0"
check_same "their jobs left the queue for rq:canceled" \
    "$(qlen) $(rcli hget "rq:job:$cjob" status)" "0 canceled"

# --- after a FLUSHALL the reconciler queues a batch's jobs again
urls flush 60 >"$tmp/u60"
check "a submit of 60" tq-submit parse - <"$tmp/u60"
f=$(jq -r .task_id "$out")
rcli flushall >/dev/null
check "tq-worker -R" env TQ_RECONCILE_GRACE=0 tq-worker -R
check_same "60 jobs queued again" "$(jq -r .requeued "$out") $(qlen)" "60 60"
check_same "the batch waits for its first claim" "$(rows "$f") $(batch "$f")" "0 1"
check_same "the same job ids, in order" \
    "$(rcli lrange rq:queue:parsing-queue 0 -1)" \
    "$(psqlc "SELECT job_id FROM task_items_all WHERE task_id = $f ORDER BY seq")"
start_worker -n 1 -Q parsing-queue
wait_for 60 done_task "$f"
ok $? "its task completes"
check_same "60 rows completed" \
    "$(psqlc "SELECT count(*) FILTER (WHERE status = 'completed') FROM task_items WHERE task_id = $f")" 60
stop_worker
ok $? "the worker stops"

# --- 10,000 items to a batch row; a claim writes out its own row alone
urls slice 10500 >"$tmp/u10500"
check "a submit of 10,500 items" tq-submit parse - <"$tmp/u10500"
g=$(jq -r .task_id "$out")
check_same "two batch rows: 10,000 items, then 500" \
    "$(psqlc "SELECT string_agg(first_seq || ':' || cardinality(item_ids), ' ' ORDER BY first_seq) FROM task_item_batches WHERE task_id = $g")" \
    "1:10000 10001:500"
check_same "task_items_all numbers their items 1 to 10,500" \
    "$(psqlc "SELECT count(DISTINCT seq), min(seq), max(seq) FROM task_items_all WHERE task_id = $g")" \
    "10500|1|10500"
gjob=$(psqlc "SELECT job_id FROM task_items_all WHERE task_id = $g AND seq = 10001")
rcli lrem rq:queue:parsing-queue 0 "$gjob" >/dev/null	# taken, as by a worker
check_same "claiming item 10,001 writes out its row alone" \
    "$(psqlc "SELECT tq_claim('$gjob', 'test.1', 60) ->> 'task_id'; SELECT count(*), min(seq) FROM task_items WHERE task_id = $g; SELECT first_seq FROM task_item_batches WHERE task_id = $g")" \
    "$g
500|10001
1"
check "tq-cancel of that task" tq-cancel -j "$g"
check_same "cancels all 10,500, as rows" \
    "$(jq -r .cancelled_count "$out") $(psqlc "SELECT count(*) FILTER (WHERE status = 'cancelled') FROM task_items WHERE task_id = $g") $(batch "$g") $(qlen)" \
    "10500 10500 0 0"

# --- deleting a task deletes its batch
urls del 50 >"$tmp/u50"
check "a submit of 50" tq-submit parse - <"$tmp/u50"
d=$(jq -r .task_id "$out")
check_same "a batch" "$(batch "$d")" 1
check_same "deleted with its task" \
    "$(psqlc "DELETE FROM processing_tasks WHERE id = $d; SELECT count(*) FROM task_item_batches WHERE task_id = $d")" 0

# --- TQ_SUBMIT_BATCH=0: never a batch; a bad value is refused
check "TQ_SUBMIT_BATCH=0" env TQ_SUBMIT_BATCH=0 tq-submit parse - <"$tmp/u120"
z=$(jq -r .task_id "$out")
check_same "rows at once" "$(rows "$z") $(batch "$z")" "120 0"
check_status 2 "TQ_SUBMIT_BATCH=many" env TQ_SUBMIT_BATCH=many tq-submit parse "$HTTP/t/page?key=x"
check_match "says so" "$(cat "$errf")" '^tq-submit: TQ_SUBMIT_BATCH: many'
