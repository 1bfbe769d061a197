#!/bin/sh
# tq-cancel racing tq-retry: the answer matches the state it saw.  A
# retry that commits while tq-cancel waits for the task's lock reopens
# 100 items; the cancel must then cancel them, not say "no open items".
. "$(dirname "$0")/lib.sh"
plan 7
start_redis
start_pg

seq 1 100 | sed 's|^|http://127.0.0.1:9/r|' | tq-submit parse - >"$out"
t=$(jq -r .task_id "$out")
psqlc "UPDATE task_items SET status = 'failed', error_message = 'x', completed_at = now() WHERE task_id = $t; UPDATE processing_tasks SET status = 'failed', failed_items = 100, progress = 100, completed_at = now() WHERE id = $t" >/dev/null
rcli DEL rq:queue:parsing-queue >/dev/null
# a retry holds its locks, uncommitted, while tq-cancel starts
{ echo "BEGIN; SELECT tq_task_retry($t) IS NOT NULL;"; sleep 3; echo "COMMIT;"; } |
	psql -X -q -A -t "$TQ_DATABASE_URL" >/dev/null 2>&1 &
# once the retry holds them (on a loaded machine psql may take a while)
wait_for 10 sh -c "[ \$(psql -XAtq '$TQ_DATABASE_URL' -c \"SELECT count(*) FROM task_items WHERE task_id = $t AND xmax <> 0\") -gt 0 ]"
sleep 0.3
check "tq-cancel answers" tq-cancel -j "$t"
check_same "it cancelled the 100 reopened items" "$(jq -r .cancelled_count "$out")" 100
check_match "and says so" "$(jq -r .message "$out")" '^task cancelled: 100 items'
check_same "the task is cancelled" "$(psqlc "SELECT status, cancelled_items FROM processing_tasks WHERE id = $t")" "cancelled|100"
check_same "no item left open" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status IN ('pending', 'running')")" 0

# --- tq-cancel crossing a transaction that locks the same items in
# another order (a worker claims or settles a batch of items in the
# order their jobs came; a cancel locks a task's items in theirs): it
# holds item 5 and, once tq-cancel holds 1 to 4 and waits for 5, asks
# for item 1.  PostgreSQL fails tq-cancel's statement (its own check
# comes first: 2 s, the other's 10 s); tq-cancel runs it again
seq 1 5 | sed 's|^|http://127.0.0.1:9/d|' | tq-submit parse - >"$out"
t2=$(jq -r .task_id "$out")
rcli DEL rq:queue:parsing-queue >/dev/null
{
	echo "SET deadlock_timeout = '10s';"
	echo "BEGIN; SELECT 1 FROM task_items WHERE task_id = $t2 AND seq = 5 FOR UPDATE;"
	echo "\\! touch $tmp/s1"
	echo "\\! while [ ! -e $tmp/s2 ]; do sleep 0.05; done"
	echo "SELECT 1 FROM task_items WHERE task_id = $t2 AND seq = 1 FOR UPDATE;"
	echo "SELECT pg_sleep(0.5); COMMIT;"
} | psql -X -q -A -t "$TQ_DATABASE_URL" >/dev/null 2>&1 &
wait_for 10 test -e "$tmp/s1"
PGOPTIONS='-c deadlock_timeout=2s' tq-cancel -j "$t2" >"$tmp/c2.out" 2>"$tmp/c2.err" &
cpid=$!
waiting() { [ "$(psqlc "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%tq_chain_cancel%'")" -gt 0 ]; }
wait_for 10 waiting
touch "$tmp/s2"
wait "$cpid"
check_same "tq-cancel outlives a deadlock and cancels the 5 items" "$? $(jq -r .cancelled_count "$tmp/c2.out") $(cat "$tmp/c2.err")" "0 5 "
check_match "PostgreSQL broke a deadlock" "$(cat "$tmp/pgsock/log")" 'deadlock detected'
done_testing
