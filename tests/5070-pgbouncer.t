#!/bin/sh
# PostgreSQL through PgBouncer in transaction pooling mode, the pooler
# DESIGN's "Scale" names: each transaction of a client may run on
# another server connection, and what a session keeps (an advisory
# lock, a LISTEN, a SET) stays on the server connection, not with the
# client.  Through a pool of two server connections: migrations run at
# once by four programs leave no lock held; the whole pipeline, tq-api
# and the operators' tools work; tq-wait, whose notifications cannot
# come, sees a task end within a second or two (it read every five);
# and a restart of the pooler with pages in flight loses none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
need pgbouncer pgbouncer
need curl curl
plan 18
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"
direct=$TQ_DATABASE_URL

# the pooler on a socket in $tmp/pgb, as postgres when we are root
mkdir -p "$tmp/pgb"
cat >"$tmp/pgb/pgbouncer.ini" <<EOF
[databases]
postgres = host=$tmp/pgsock dbname=postgres user=tq
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $tmp/pgb
auth_type = trust
auth_file = $tmp/pgb/users.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 200
logfile = $tmp/pgb/pgbouncer.log
pidfile = $tmp/pgb/pgbouncer.pid
EOF
echo '"tq" ""' >"$tmp/pgb/users.txt"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$tmp/pgb"
pgbouncer_start() {
	rm -f "$tmp/pgb/pgbouncer.pid"
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- pgbouncer -d "$tmp/pgb/pgbouncer.ini"
	else
		pgbouncer -d "$tmp/pgb/pgbouncer.ini"
	fi >>"$tmp/pgb.out" 2>&1 || bail "pgbouncer did not start: $(tail -3 "$tmp/pgb.out" "$tmp/pgb/pgbouncer.log")"
	wait_for 10 test -S "$tmp/pgb/.s.PGSQL.6432" ||
		bail "pgbouncer did not listen: $(tail -3 "$tmp/pgb/pgbouncer.log")"
	PGB_PID=$(cat "$tmp/pgb/pgbouncer.pid")
	_pids="$PGB_PID $_pids"
}
pgbouncer_start
TQ_DATABASE_URL="postgresql:///postgres?host=$tmp/pgb&port=6432&user=tq"
export TQ_DATABASE_URL
direct_q() { psql -X -q -A -t "$direct" -c "$1"; }

# --- migrations: four programs at once on an empty database
for k in 1 2 3 4; do
	tq-submit parse "$HTTP/stadtbaeume.html?$k" >"$tmp/sub.$k" 2>&1 &
	eval "sp$k=\$!"
done
bad=0
for k in 1 2 3 4; do
	eval "wait \$sp$k" || bad=$((bad + 1))
done
ok "$([ $bad = 0 ] && echo 0 || echo 1)" "four programs migrate at once through the pooler ($(cat "$tmp"/sub.* | grep -v '^{' | head -2 | tr '\n' ' '))"
check_same "each migration applied once" \
	"$(direct_q "SELECT count(*) = count(DISTINCT version) AND count(*) > 0 FROM tq_schema")" t
# a session's advisory lock taken in one transaction and let go in
# another stays held on the server connection the pooler keeps: the
# next upgrade's migrations would wait for it for ever
check_same "and no lock is left held on the pooler's connections" \
	"$(direct_q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" 0

# --- the pipeline, with the workers and tq-wait through the pooler
start_notion
start_worker -n 2
check "parse | wait | ai | wait | notion | wait" sh -c \
	"tq-submit parse '$HTTP/harbor-batteries.html' '$HTTP/night-sky-census.html' | tq-wait -t 60 | tq-submit ai | tq-wait -t 60 | tq-submit notion -D $DB1 | tq-wait -t 60"
check_same "the notion task completed both" \
	"$(jq -r '"\(.type) \(.status) \(.completed_items)"' "$out")" \
	"notion_import completed 2"
check_same "two pages in the stand-in Notion" \
	"$(fake GET /_fake/pages | jq '.pages | length')" 2
# the notion stage's locks, an import's, its database schema's, its
# page's (leases in a table: they were a session's advisory locks, and
# two stayed held here)
check_same "no notion lock left held on the pooler's connections" \
	"$(direct_q "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory') + (SELECT count(*) FROM notion_locks)")" 0
check_same "the four first parse tasks completed too" \
	"$(direct_q "SELECT count(*) FROM processing_tasks WHERE id <= 4 AND status = 'completed'")" 4

# --- tq-wait: the LISTEN stays on a server connection, so no
# notification comes; a task that ends is seen within the second
# (it was seen at the next read, every five)
cat >"$tmp/time.sh" <<'EOF'
t0=$(date +%s.%N)
tq-submit parse "$1" | tq-wait -q -t 30 >"$2" || exit 1
t1=$(date +%s.%N)
echo "$t0 $t1" | awk '{ printf "%.1f\n", $2 - $1 }'
EOF
check "a one-second page through tq-wait" sh "$tmp/time.sh" \
	"$HTTP/t/sleep?s=1&n=w" "$tmp/w.json"
secs=$(cat "$out")
check_same "completed" "$(jq -r .status "$tmp/w.json")" completed
ok "$(echo "$secs" | awk '{ print ($1 < 4.5) ? 0 : 1 }')" \
	"tq-wait saw it end in $secs s (under 4.5; it polls every second when notifications do not come)"

# --- tq-api and the operators' tools through the pooler
tq-api -n 2 -l 127.0.0.1:0 2>"$tmp/api.log" &
_pids="$! $_pids"
wait_for 10 grep -q ' listening ' "$tmp/api.log" ||
	bail "tq-api did not start: $(tail -3 "$tmp/api.log")"
A=http://127.0.0.1:$(sed -n 's/.* port=\([0-9]*\).*/\1/p' "$tmp/api.log" | head -1)
check "tq-api queues a parse" sh -c \
	"curl -s -f -X POST -H 'Content-Type: application/json' --data '{\"link_ids\": [1]}' '$A/api/parsing/async/batch'"
t=$(jq -r .task_id "$out")
check "and tq-wait sees it end" tq-wait -t 30 "$t"
check "tq-stats" tq-stats
check "tq-health" tq-health -W 1

# --- the pooler restarts with slow pages in flight
check "ten slow pages submitted" sh -c \
	"seq 1 10 | sed 's|^|$HTTP/t/sleep?s=2\\&n=r|' | tq-submit parse -"
task=$(jq -r .task_id "$out")
sleep 1
kill -TERM "$PGB_PID"
wait_for 10 sh -c "! kill -0 $PGB_PID 2>/dev/null"
sleep 1
pgbouncer_start
check "the slow pages all end" tq-wait -t 90 "$task"
check_same "all completed, once each" \
	"$(direct_q "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FROM task_items WHERE task_id = $task")" "10|10"
done_testing
