#!/bin/sh
# tq-worker's maintenance at scale.  Retention: old tasks go a batch of
# some 10,000 items at a time, one batch a maintenance pass, so that a
# worker that finds a month of them does not stop working (no
# heartbeat, no job going on) while one statement deletes them all;
# tq-worker -R deletes them all, batch after batch.  The reconciler's
# check of queued jobs looks each up, not every closed item.
. "$(dirname "$0")/lib.sh"
plan 10
start_redis
start_pg
export TQ_MAINT_INTERVAL=1

# n tasks of k items each, completed d days ago, as the workers leave
# them: items, attempts and delivered notifications
old_tasks() {
	psqlc "WITH t AS (INSERT INTO processing_tasks (type, status,
		queue_name, job_id, total_items, completed_items, progress,
		created_at, started_at, completed_at, notify_url)
	    SELECT 'parsing', 'completed', 'parsing-queue',
		gen_random_uuid()::text, $2, $2, 100,
		now() - interval '$3 days', now() - interval '$3 days',
		now() - interval '$3 days', 'http://127.0.0.1:9/'
	      FROM generate_series(1, $1) RETURNING id, completed_at),
	i AS (INSERT INTO task_items (task_id, seq, item_id, item_type,
		status, job_id, started_at, completed_at, updated_at)
	    SELECT t.id, s, s, 'link', 'completed', gen_random_uuid()::text,
		t.completed_at, t.completed_at, t.completed_at
	      FROM t, generate_series(1, $2) s RETURNING id, completed_at),
	a AS (INSERT INTO task_item_attempts (task_item_id, attempt,
		started_at, ended_at, outcome)
	    SELECT id, 1, completed_at, completed_at, 'completed' FROM i)
	INSERT INTO task_notifications (task_id, url, task_status, body,
		attempts, last_status, next_at, delivered_at)
	    SELECT id, 'http://127.0.0.1:9/', 'completed', '{}', 1, 200,
		completed_at, completed_at FROM t" >/dev/null
}
tq-status >/dev/null || bail "no schema"
psqlc "INSERT INTO links (url) SELECT 'https://a.example/' || n
	FROM generate_series(1, 10) n" >/dev/null
tq-submit parse 1 >"$out"
young=$(jq -r .task_id "$out")

# --- a worker: 3,000 tasks of 10 items (30,000 items), a third a pass
old_tasks 3000 10 8
start_worker -n 1 -Q ai-queue
expired() { grep -o 'expired_tasks=[0-9]*' "$tmp/worker.log" | cut -d= -f2; }
wait_for 30 sh -c "[ \"\$(psql -X -q -A -t '$TQ_DATABASE_URL' -c \
    'SELECT count(*) FROM processing_tasks')\" -eq 1 ]"
stop_worker
check_same "the worker expired all the old tasks" \
    "$(psqlc "SELECT count(*) FROM processing_tasks")" 1
check_same "in passes of 1,000 tasks (10,000 items)" \
    "$(expired | tr '\n' ' ')" "1000 1000 1000 "
check_same "their items, attempts and notifications with them" \
    "$(psqlc "SELECT (SELECT count(*) FROM task_items_all) || ' ' ||
	(SELECT count(*) FROM task_item_attempts) || ' ' ||
	(SELECT count(*) FROM task_notifications)")" "1 0 0"
check_same "the young task stays" \
    "$(psqlc "SELECT id FROM processing_tasks")" "$young"

# --- one big task is a batch of its own; smaller ones fill a batch
old_tasks 1 25000 8
old_tasks 2500 4 40
old_tasks 100 10 6
check "tq-worker -R" tq-worker -R
check_same "expires them all at once" "$(jq -r .expired_tasks "$out")" 2501
check_same "and leaves the young ones" \
    "$(psqlc "SELECT count(*) FROM processing_tasks")" 101

# --- 12,000 queued jobs checked against 300,000 closed items
seq 1 12000 | sed 's|^|https://q.example/|' | tq-submit parse >/dev/null
psqlc "WITH t AS (INSERT INTO processing_tasks (type, status, queue_name,
	job_id, total_items, completed_items, progress, completed_at)
    VALUES ('parsing', 'completed', 'parsing-queue', gen_random_uuid()::text,
	300000, 300000, 100, now() - interval '1 day') RETURNING id)
    INSERT INTO task_items (task_id, seq, item_id, item_type, status, job_id,
	completed_at)
    SELECT t.id, s, s, 'link', 'completed', gen_random_uuid()::text,
	now() - interval '1 day'
      FROM t, generate_series(1, 300000) s;
    ANALYZE task_items" >/dev/null
closed=$(psqlc "SELECT job_id FROM task_items WHERE seq = 7 AND
    status = 'completed' LIMIT 1")
rcli rpush rq:queue:parsing-queue "$closed" "$closed" >/dev/null
# rows of task_items read, by sequential scans and through its indexes
idxread() {
	psqlc "SELECT t.seq_tup_read + sum(i.idx_tup_read)
	  FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i USING (relid)
	 WHERE t.relname = 'task_items' GROUP BY t.seq_tup_read"
}
r0=$(idxread)
check "tq-worker -R" tq-worker -R
# its backend's counts reach the statistics as it exits
alone() {
	[ "$(psqlc "SELECT count(*) FROM pg_stat_activity WHERE
	    backend_type = 'client backend' AND pid <> pg_backend_pid()")" = 0 ]
}
wait_for 10 alone
r1=$(idxread)
check_same "drops the job of a closed item, queued twice, once" \
    "$(jq -r .dropped "$out") $(rcli lrange rq:queue:parsing-queue 0 -1 |
    grep -c "$closed") $(rcli llen rq:queue:parsing-queue)" "1 0 12001"
check_same "looking up the queued jobs, not every closed item" \
    "$([ $((r1 - r0)) -lt 100000 ] && echo yes ||
    echo "no: $((r1 - r0)) rows read")" yes
done_testing
