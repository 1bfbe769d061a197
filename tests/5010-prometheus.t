#!/bin/sh
# tq-stats -p: Prometheus's text format, read back by a strict parser
# (tests/promcheck.py) and by promtool (Debian's prometheus, which
# contrib/install-deps installs; skipped only where it is missing).
. "$(dirname "$0")/lib.sh"
plan 24
start_redis
start_pg
start_httpd

prom() {	# prom: tq-stats -p through the checker, samples in $tmp/prom
	tq-stats -p >"$tmp/raw" 2>"$errf"
	_st=$?
	/usr/bin/python3 "$TQ_TOP/tests/promcheck.py" <"$tmp/raw" >"$tmp/prom" || return 99
	if command -v promtool >/dev/null 2>&1; then
		promtool check metrics <"$tmp/raw" >"$tmp/promtool" 2>&1 || return 98
	fi
	return $_st
}
sample() { grep -F "$1" "$tmp/prom" | awk '{print $NF}'; }

tq-submit parse "$HTTP/t/page?title=A" "$HTTP/t/page?title=B" "$HTTP/t/status/404" >/dev/null
start_worker -n 1 -Q parsing-queue
wait_for 20 sh -c "[ \$(psql -XAtq '$TQ_DATABASE_URL' -c \"SELECT count(*) FROM processing_tasks WHERE status = 'failed'\") = 1 ]"
prom
ok $? "valid exposition format, exit 0"
check_same "both backends up" "$(sample 'tq_up{backend="redis"}') $(sample 'tq_up{backend="postgresql"}')" "1 1"
check_same "one failed parse task" "$(sample 'tq_tasks{stage="parse",status="failed"}')" 1
check_same "items by status" "$(sample 'tq_items{stage="parse",status="completed"}') $(sample 'tq_items{stage="parse",status="failed"}')" "2 1"
check_same "jobs finished and failed" "$(sample 'tq_jobs_total{outcome="finished",queue="parsing-queue"}') $(sample 'tq_jobs_total{outcome="failed",queue="parsing-queue"}')" "2 1"
check_same "the duration histogram counts them" "$(sample 'tq_job_duration_seconds_count{queue="parsing-queue"}')" 3
check_match "and their time" "$(sample 'tq_job_duration_seconds_sum{queue="parsing-queue"}')" '^0\.[0-9]*[1-9]|^[1-9]'
check_same "one idle worker" "$(sample 'tq_workers{state="idle"}')" 1
check_same "the queue is empty" "$(sample 'tq_queue_jobs{queue="parsing-queue"}') $(sample 'tq_queue_oldest_job_age_seconds{queue="parsing-queue"}')" "0 0.000"

# a backlog: its oldest job ages
stop_worker
tq-submit parse "$HTTP/t/page?title=C" >/dev/null
sleep 1.1
prom
check_same "one job waiting" "$(sample 'tq_queue_jobs{queue="parsing-queue"}')" 1
check_match "its age in seconds" "$(sample 'tq_queue_oldest_job_age_seconds{queue="parsing-queue"}')" '^(1\.[1-9]|[2-9]\.)'
check_same "no worker now" "$(sample 'tq_workers{state="idle"}')$(sample 'tq_workers{state="busy"}')" "00"

# a database an older tq made (schema 18: no batches of items, nor
# task_items_all), which tq-stats reads and does not migrate
psqlc "CREATE DATABASE old" >/dev/null
odb=$(echo "$TQ_DATABASE_URL" | sed 's|///postgres|///old|')
old_schema "$odb" 18
psql -X -q "$odb" -c "INSERT INTO processing_tasks (id, type, queue_name, job_id, status) VALUES (1, 'parsing', 'parsing-queue', 'j1', 'failed'); INSERT INTO task_items (task_id, seq, item_id, item_type, job_id, status) VALUES (1, 1, 1, 'link', 'a1', 'failed'), (1, 2, 2, 'link', 'a2', 'completed')" >/dev/null
(TQ_DATABASE_URL=$odb; prom)
ok $? "a database of schema 18: exit 0"
check_same "PostgreSQL up, its items counted" "$(sample 'tq_up{backend="postgresql"}') $(sample 'tq_items{stage="parse",status="failed"}') $(sample 'tq_items{stage="parse",status="completed"}')" "1 1 1"
check_same "and not migrated" "$(psql -XAtq "$odb" -c "SELECT max(version) FROM tq_schema")" 18

# another program's RQ queue in the same Redis, named with a quote, a
# backslash and a newline: label values escaped as the format has them
q='rq:queue:we"ird\q
x'
rcli sadd rq:queues "$q" >/dev/null
rcli rpush "$q" job-1 >/dev/null
prom
ok $? "a queue named with '\"', '\\' and a newline: valid exposition format"
check_same "its label value escaped" \
	"$(grep '^tq_queue_jobs{queue="we' "$tmp/raw")" \
	'tq_queue_jobs{queue="we\"ird\\q\nx"} 1'
rcli del "$q" >/dev/null
rcli srem rq:queues "$q" >/dev/null

# Redis down: PostgreSQL's part still printed, tq_up says which
kill "$TQ_REDIS_PID"
wait_for 5 sh -c "! redis-cli -s '$tmp/redis.sock' ping"
prom
check_same "exit 4 with Redis down" "$?" 4
check_same "tq_up says so" "$(sample 'tq_up{backend="redis"}') $(sample 'tq_up{backend="postgresql"}')" "0 1"
check_same "tasks still counted" "$(sample 'tq_tasks{stage="parse",status="failed"}')" 1
check_status 2 "-p takes no section flags" tq-stats -p -w
check_match "the message names the one given" "$(head -1 "$errf")" \
	'^tq-stats: -p goes with none of .*-w'
check_status 2 "nor -Q" tq-stats -p -Q
check_match "named too" "$(head -1 "$errf")" '^tq-stats: -p goes with none of .*-Q'
done_testing
