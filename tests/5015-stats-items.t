#!/bin/sh
# The two reads that run all day on a database of long history: the
# items by status (tq-stats -p's tq_items, at each scrape) and the
# reconciler's open items (each maintenance pass).  tq_items counts the
# closed items from the tasks' counters and the open ones from the
# index of their state: after a real run of every path that moves an
# item (submit in rows and in batches, claim, store, failure, a chain's
# follow-ups, tq-retry, tq-cancel, the reconciler's cancel, retention)
# it says what counting every item says, and each task's counters are
# its items'.  With a history of 20,000 closed items, tq-stats -p does
# not read them, nor does the reconciler read every task.
. "$(dirname "$0")/lib.sh"
plan 16
start_redis
start_pg
start_httpd
export TQ_SITE_CONCURRENCY=0 TQ_SUBMIT_BATCH=5 TQ_MAINT_INTERVAL=3600

st() { psqlc "SELECT status FROM processing_tasks WHERE id = $1"; }
is() { [ "$(st "$1")" = "$2" ]; }
# tq_items as counting every item gives it (as tq-stats counted them before)
old_items() {
	psqlc "SELECT 'tq_items{stage=\"' || s.stage || '\",status=\"' ||
	    x.st || '\"} ' || coalesce(c.n, 0)
	  FROM (VALUES ('parsing', 'parse', 1), ('ai_processing', 'ai', 2),
		('notion_import', 'notion', 3)) s(type, stage, o)
	  CROSS JOIN (VALUES ('pending', 1), ('running', 2), ('completed', 3),
		('failed', 4), ('cancelled', 5)) x(st, p)
	  LEFT JOIN (SELECT t.type, i.status, count(*) AS n
		  FROM task_items_all i JOIN processing_tasks t
		    ON t.id = i.task_id GROUP BY 1, 2) c
	    ON c.type = s.type AND c.status = x.st
	 ORDER BY s.o, x.p"
}
new_items() { tq-stats -p 2>"$errf" | grep '^tq_items{'; }

# --- a chain, parse then ai: 4 pages, 2 of them not found
start_worker -n 1 -Q parsing-queue -Q ai-queue
tq-submit parse --then ai "$HTTP/t/page?title=A" "$HTTP/t/page?title=B" \
    "$HTTP/t/status/404?a" "$HTTP/t/page?title=C" "$HTTP/t/status/404?b" \
    "$HTTP/t/page?title=D" >"$out"
a=$(jq -r .task_id "$out")
follow_up() { psqlc "SELECT status FROM processing_tasks WHERE parent_task_id = $a"; }
followed() { [ "$(follow_up)" = completed ]; }
wait_for 30 is "$a" failed && wait_for 30 followed
ok $? "the chain ends: the parse failed (2 of 6), its follow-up completed" ||
    diag "$(psqlc "SELECT id, type, status, total_items, completed_items, failed_items FROM processing_tasks")"
# tq-retry: the 2 failed items run again, and fail again
t0=$(psqlc "SELECT now()")
check "tq-retry" tq-retry "$a"
refailed() {
	[ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $a AND status = 'failed' AND completed_at > '$t0'")" = 2 ] && is "$a" failed
}
wait_for 30 refailed
ok $? "its failed items ran again and failed"
stop_worker

# --- no worker: a batch cancelled, a batch pending, rows pending, one
# running, one cancelled in RQ, which the reconciler closes
tq-submit parse $(seq 1 6 | sed "s|^|$HTTP/t/page?x=|") >"$out"
b=$(jq -r .task_id "$out")
check "tq-cancel of a task held in a batch" tq-cancel "$b"
tq-submit parse $(seq 1 7 | sed "s|^|$HTTP/t/page?y=|") >"$out"
c=$(jq -r .task_id "$out")
tq-submit parse "$HTTP/t/page?z=1" "$HTTP/t/page?z=2" "$HTTP/t/page?z=3" \
    >"$out"
d=$(jq -r .task_id "$out")
j1=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $d AND seq = 1")
j2=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $d AND seq = 2")
psqlc "SELECT tq_claim('$j1', 'host.1', 60) IS NOT NULL" >/dev/null
rcli lrem rq:queue:parsing-queue 0 "$j2" >/dev/null
rcli zadd rq:canceled:parsing-queue "$(date +%s)" "$j2" >/dev/null
# the chain's follow-up task is long over: retention takes it
psqlc "UPDATE processing_tasks SET completed_at = now() - interval '8 days' WHERE parent_task_id = $a" >/dev/null
check "tq-worker -R" env TQ_RECONCILE_GRACE=0 tq-worker -R
check_same "it cancelled the job cancelled in RQ and expired a task" \
    "$(jq -r '[.dropped, .expired_tasks] | join(" ")' "$out")" "1 1"
check_same "every state is there: pending (in a batch too), running, completed, failed, cancelled" \
    "$(psqlc "SELECT string_agg(DISTINCT status, ' ' ORDER BY status) FROM task_items_all WHERE task_id IN ($a, $b, $c, $d)") $(psqlc "SELECT count(*) FROM task_item_batches WHERE task_id = $c")" \
    "cancelled completed failed pending running 1"
check_same "each task's counters are its items'" "$(psqlc "SELECT count(*) FROM processing_tasks t CROSS JOIN LATERAL (SELECT count(*) AS n, count(*) FILTER (WHERE i.status = 'completed') AS c, count(*) FILTER (WHERE i.status = 'failed') AS f, count(*) FILTER (WHERE i.status = 'cancelled') AS x FROM task_items_all i WHERE i.task_id = t.id) i WHERE (t.total_items, t.completed_items, t.failed_items, t.cancelled_items) IS DISTINCT FROM (i.n, i.c, i.f, i.x)") $(psqlc "SELECT count(*) FROM processing_tasks")" "0 4"
new_items >"$tmp/new"
old_items >"$tmp/old"
check_same "tq_items as counting every item gives it" "$(cat "$tmp/new")" "$(cat "$tmp/old")"
check_match "(and not all zero)" "$(cat "$tmp/new")" 'status="running"} 1$'

# --- a history: 2,000 closed tasks of 10 items each, 20 open tasks of
# 50 items each
psqlc "INSERT INTO processing_tasks (type, status, queue_name, job_id,
	    total_items, completed_items, failed_items, cancelled_items,
	    progress, started_at, completed_at)
	SELECT 'parsing', CASE WHEN g % 7 = 0 THEN 'failed' ELSE 'completed'
	    END, 'parsing-queue', gen_random_uuid()::text, 10,
	    CASE WHEN g % 7 = 0 THEN 9 ELSE 10 END, (g % 7 = 0)::int, 0,
	    100, now() - interval '1 hour', now() - interval '1 hour'
	  FROM generate_series(1, 2000) g;
	INSERT INTO processing_tasks (type, status, queue_name, job_id,
	    total_items, started_at)
	SELECT 'ai_processing', 'running', 'ai-queue',
	    gen_random_uuid()::text, 50, now() FROM generate_series(1, 20);
	INSERT INTO task_items (task_id, seq, item_id, item_type, status,
	    job_id, started_at, completed_at, updated_at)
	SELECT t.id, s, s, 'link', CASE WHEN t.status = 'failed' AND s = 10
	    THEN 'failed' ELSE 'completed' END, gen_random_uuid()::text,
	    t.started_at, t.completed_at, t.completed_at
	  FROM processing_tasks t, generate_series(1, 10) s
	 WHERE t.total_items = 10 AND t.id > $d;
	INSERT INTO task_items (task_id, seq, item_id, item_type, job_id,
	    updated_at)
	SELECT t.id, s, s, 'parsed_content', gen_random_uuid()::text,
	    now() - interval '1 hour'
	  FROM processing_tasks t, generate_series(1, 50) s
	 WHERE t.type = 'ai_processing' AND t.status = 'running';
	ANALYZE" >/dev/null
check_same "tq_items still as counting every item gives it" "$(new_items)" "$(old_items)"

# what tq-stats -p reads of task_items: the open items' entries only
reads() {
	psqlc "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0),
	    coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)
	  FROM pg_stat_user_tables WHERE relname = 'task_items'"
}
moved() { [ "$(reads | cut -d'|' -f1)" != "${r0%|*}" ]; }
r0=$(reads)
tq-stats -p >/dev/null 2>&1
# (its server process sends its counts as it exits)
if wait_for 5 moved; then
	r1=$(reads)
	n=$((${r1#*|} - ${r0#*|}))
else
	n="no count"
fi
check_match "tq-stats -p reads the 1,000 open items, not the 20,000 closed ($n rows)" \
    "$n" '^[0-9]{1,3}$|^10[0-9][0-9]$'

# the reconciler finds each open item's queue by its task's id, never
# by reading every task (auto_explain logs each statement's plan)
rcli flushall >/dev/null
psqlc "ALTER DATABASE postgres SET session_preload_libraries = 'auto_explain';
	ALTER DATABASE postgres SET auto_explain.log_min_duration = 0" >/dev/null
l0=$(wc -l <"$tmp/pgsock/log")
check "tq-worker -R" env TQ_RECONCILE_GRACE=0 tq-worker -R
psqlc "ALTER DATABASE postgres RESET ALL" >/dev/null
# (and the run's 8 pending: 7 in a batch, 1 of task $d; not the running)
check_same "it queued the 1,000 open items again" \
    "$(jq -r .requeued "$out") $(rcli llen rq:queue:ai-queue)" "1008 1000"
tail -n +$((l0 + 1)) "$tmp/pgsock/log" |
    awk '/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { p = 0 }
    /Query Text: .*task_items_all.*make_interval/ { p = 1 } p' >"$tmp/plan"
check_match "the reconciler's plan was logged" "$(cat "$tmp/plan")" 'task_items_state'
check_same "it reads no task but by its id" \
    "$(grep -c 'Scan on processing_tasks ' "$tmp/plan")" 0
done_testing
