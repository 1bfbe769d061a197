#!/bin/sh
# PostgreSQL that turns read-only for a while (default_transaction_
# read_only, as a full disk or an operator may set it; a standby met
# after a failover): writes fail with SQLSTATE 25006.  That is no
# fault of the items: the jobs in flight wait and end once PostgreSQL
# takes writes again, and none fails for it.
. "$(dirname "$0")/lib.sh"
plan 8
start_redis
start_pg
start_httpd

readonly_pg() {	# readonly_pg on|off
	psqlc "ALTER SYSTEM SET default_transaction_read_only = $1" >/dev/null &&
		psqlc "SELECT pg_reload_conf()" >/dev/null
}
start_worker -n 1 -Q parsing-queue
check "a page parsed" sh -c "tq-submit parse '$HTTP/t/page?title=Zero' | tq-wait -t 30"
check "six slow pages submitted" sh -c \
	"seq 1 6 | sed 's|^|$HTTP/t/sleep?s=1\\&n=|' | tq-submit parse -"
task=$(jq -r .task_id "$out")
readonly_pg on
check_status 4 "tq-submit while PostgreSQL is read-only: a backend error" \
	tq-submit parse "$HTTP/t/page?title=Refused"
check_match "that says so" "$(cat "$errf")" 'read-only transaction'
sleep 4
readonly_pg off
check "the slow pages all end" tq-wait -t 90 "$task"
check_same "all completed, none failed" \
	"$(psqlc "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FROM task_items WHERE task_id = $task")" "6|6"
check_match "the worker saw it, and took it for passing" \
	"$(grep -c 'read-only' "$tmp/worker.log")" '^[1-9]'
check_same "no job failed for it (none waits for the reconciler)" \
	"$(grep -c 'outcome=failed' "$tmp/worker.log")" 0
stop_worker
done_testing
