#!/bin/sh
# tq-cancel racing tq-retry: the answer matches the state it saw.  A
# retry that commits while tq-cancel waits for the task's lock reopens
# 100 items; the cancel must then cancel them, not say "no open items".
. "$(dirname "$0")/lib.sh"
plan 5
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
done_testing
