#!/bin/sh
# The operators' commands give each PostgreSQL statement TQ_DB_TIMEOUT
# seconds: one that waits for a lock longer is ended by the server
# (statement_timeout), one that a stopped server never answers is given
# up a moment later; either way the command says so in one line and
# exits 4, and what it was asked to change is left as it was.  0: no
# limit, as before.
. "$(dirname "$0")/lib.sh"
plan 20
start_redis
start_pg
rm -f "$tmp/lock.out"

tq-submit parse "http://127.0.0.1:9/a" >"$out" || bail "tq-submit failed"
t=$(jq -r .task_id "$out")

# hold_lock SECONDS: task_items locked against any reader meanwhile,
# until the lock is taken (a file says so)
hold_lock() {
	psql -X -q "$TQ_DATABASE_URL" -c "BEGIN" \
	    -c "LOCK TABLE task_items IN ACCESS EXCLUSIVE MODE" \
	    -c "\\! touch $tmp/locked" -c "SELECT pg_sleep($1)" \
	    -c "COMMIT" >/dev/null 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -e "$tmp/locked" || bail "no lock taken"
	rm -f "$tmp/locked"
}
# took CMD...: runs CMD with TQ_DB_TIMEOUT=2, its stderr in $tmp/err,
# its exit status in $rc and its wall time in whole seconds in $secs
took() {
	_t0=$(date +%s.%N)
	TQ_DB_TIMEOUT=${limit:-2} timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	secs=$(echo "$(date +%s.%N) $_t0" | awk '{ printf "%d", $1 - $2 }')
}
tasks() { psqlc "SELECT count(*) FROM processing_tasks"; }
ntasks=$(tasks)
[ "$ntasks" = 1 ] || bail "tasks: '$ntasks', not 1"

hold_lock 30
took tq-status "$t"
check_same "tq-status behind a lock: exit 4" "$rc" 4
check_match "... one line that names TQ_DB_TIMEOUT" "$(cat "$tmp/err")" \
    '^tq-status: postgresql: canceling statement due to statement timeout after 2 s \(TQ_DB_TIMEOUT\)$'
check_match "... after about 2 s" "$secs" '^([2-9]|1[0-9])$'
took tq-show "$t"
check_same "tq-show: exit 4" "$rc" 4
check_match "... the same line" "$(cat "$tmp/err")" 'statement timeout after 2 s \(TQ_DB_TIMEOUT\)$'
took tq-submit parse "http://127.0.0.1:9/b"
check_same "tq-submit: exit 4" "$rc" 4
check_match "... the same line" "$(cat "$tmp/err")" '^tq-submit: postgresql: .*statement timeout after 2 s \(TQ_DB_TIMEOUT\)$'
check_same "... and no task made" "$(tasks)" "$ntasks"
took tq-cancel "$t"
check_same "tq-cancel: exit 4" "$rc" 4
check_match "... the same line" "$(cat "$tmp/err")" "^tq-cancel: task $t: postgresql: .*statement timeout after 2 s \\(TQ_DB_TIMEOUT\\)\$"
check_same "... and the item still pending" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" pending

# TQ_DB_TIMEOUT=0: the command waits for the lock, as long as it takes
psqlc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null
hold_lock 3
limit=0 took tq-status "$t"
check_same "TQ_DB_TIMEOUT=0: tq-status waits for the lock" "$rc" 0
check_match "... about 3 s" "$secs" '^[2-9]$'

# a server that stops answering in the middle of a statement
hold_lock 30
TQ_DB_TIMEOUT=2 tq-status "$t" >/dev/null 2>"$tmp/err" &
p=$!
# once its statement waits for the lock
wait_for 20 sh -c "[ \"\$(psql -X -q -A -t '$TQ_DATABASE_URL' -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tq-status' AND wait_event_type = 'Lock'\")\" = 1 ]" ||
	diag "tq-status did not wait for the lock"
pm=$(head -1 "$tmp/pg/postmaster.pid")
pgs="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
_t0=$(date +%s)
kill -STOP $pgs
wait $p
rc=$?
secs=$(($(date +%s) - _t0))
kill -CONT $pgs
check_same "a stopped server: tq-status gives up, exit 4" "$rc" 4
check_same "... in one line" "$(cat "$tmp/err")" \
    "tq-status: postgresql: no answer in 7 s (TQ_DB_TIMEOUT)"
check_match "... after the limit and its grace" "$secs" '^([5-9]|1[0-9])$'
psqlc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null

check_status 0 "once the lock is gone, tq-cancel does its work" tq-cancel -q "$t"
check_same "... the item canceled" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" cancelled
TQ_DB_TIMEOUT=x tq-status "$t" >/dev/null 2>"$tmp/err"
check_same "TQ_DB_TIMEOUT=x: exit 2" "$?" 2
check_match "... saying what is wrong" "$(cat "$tmp/err")" '^tq-status: TQ_DB_TIMEOUT'
done_testing
