#!/bin/sh
# PostgreSQL failing over to its standby: a primary and a streaming
# replica (pg_basebackup -R), and TQ_DATABASE_URL naming both with
# target_session_attrs=read-write, libpq's own way.  With jobs in
# flight the primary stops and the standby is promoted: the workers
# connect to the new primary and every item ends, once.
. "$(dirname "$0")/lib.sh"
plan 9
start_redis
start_pg
start_httpd

# the standby, from a base backup of the primary
bb=$_pgbindir/pg_basebackup
[ -x "$bb" ] || bb=$(dirname "$(readlink -f "$_pgbindir/initdb")")/pg_basebackup
[ -x "$bb" ] || bail "pg_basebackup not found beside initdb"
mkdir -p "$tmp/pg2" "$tmp/pgsock2"
chmod 700 "$tmp/pg2"
[ "$(id -u)" -eq 0 ] && chown postgres "$tmp/pg2" "$tmp/pgsock2"
if [ "$(id -u)" -eq 0 ]; then
	runuser -u postgres -- "$bb" -D "$tmp/pg2" -R -X stream \
		-h "$tmp/pgsock" -U tq >"$tmp/bb.log" 2>&1
else
	"$bb" -D "$tmp/pg2" -R -X stream -h "$tmp/pgsock" -U tq >"$tmp/bb.log" 2>&1
fi || bail "pg_basebackup failed: $(tail -3 "$tmp/bb.log")"
_pg pg_ctl -D "$tmp/pg2" -l "$tmp/pgsock2/log" -w -t 30 -o \
	"-k $tmp/pgsock2 -c listen_addresses='' -c fsync=off" \
	start >"$tmp/pg2.out" 2>&1 ||
	bail "the standby did not start: $(tail -3 "$tmp/pgsock2/log")"
_pids="$_pids $(head -1 "$tmp/pg2/postmaster.pid")"
standby=postgresql:///postgres?host=$tmp/pgsock2\&user=tq
check_same "the standby is in recovery" \
	"$(psql -X -A -t "$standby" -c 'SELECT pg_is_in_recovery()')" t

# both, the writable one wins
TQ_DATABASE_URL="postgresql:///postgres?host=$tmp/pgsock,$tmp/pgsock2&user=tq&target_session_attrs=read-write"
export TQ_DATABASE_URL
start_worker -n 2 -Q parsing-queue
check "a page through the two-host URL" sh -c \
	"tq-submit parse '$HTTP/t/page?title=Before' | tq-wait -t 30"
check "ten slow pages submitted" sh -c \
	"seq 1 10 | sed 's|^|$HTTP/t/sleep?s=2\\&n=|' | tq-submit parse -"
task=$(jq -r .task_id "$out")
sleep 1
# a switchover: the primary stops (its standby gets all it wrote), the
# standby is promoted
stop_pg fast
_pg pg_ctl -D "$tmp/pg2" -w -t 30 promote >/dev/null 2>&1
check_same "the standby is the primary now" \
	"$(psql -X -A -t "$standby" -c 'SELECT pg_is_in_recovery()')" f
check "a page submitted after it" sh -c \
	"tq-submit parse '$HTTP/t/page?title=After' | tq-wait -t 60"
check "the slow pages all end" tq-wait -t 90 "$task"
check_same "all completed, once each" \
	"$(psql -X -A -t "$standby" -c "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FROM task_items WHERE task_id = $task")" "10|10"
check_same "a parsed content per page" \
	"$(psql -X -A -t "$standby" -c "SELECT count(DISTINCT l.url) FROM parsed_contents p JOIN links l ON l.id = p.link_id WHERE l.url LIKE '%/t/sleep%'")" 10
wait_for 20 sh -c "psql -X -A -t '$standby' -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tq-worker'\" | grep -q '^[2-9]'"
check_match "the workers are connected to the new primary" \
	"$(psql -X -A -t "$standby" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tq-worker'")" '^[2-9]'
stop_worker
_pg pg_ctl -D "$tmp/pg2" -m immediate -w stop >/dev/null 2>&1
done_testing
