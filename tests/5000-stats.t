#!/bin/sh
# tq-stats: workers, queues and statistics against a live worker, real
# Redis and PostgreSQL; sections; tables; unreachable backends.
# VALGRIND=1 runs tq-stats under valgrind.
. "$(dirname "$0")/lib.sh"
plan 51
start_redis
start_pg
start_httpd

vg=
if [ "${VALGRIND:-0}" = 1 ]; then
	vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite"
	vg="$vg --error-exitcode=99"
fi
stats() { $vg tq-stats "$@"; }
j() { jq -r "$1" "$tmp/all"; }

tq-submit parse "$HTTP/t/page?title=A&words=50" "$HTTP/t/page?title=B&words=50" \
	"$HTTP/t/status/404" >"$tmp/t1" || bail "tq-submit failed"
t1=$(jq -r .task_id "$tmp/t1")
tq-submit parse "$HTTP/t/page?title=C&words=50" >"$tmp/t2" || bail "tq-submit failed"
t2=$(jq -r .task_id "$tmp/t2")

start_worker -n 2 -Q parsing-queue
check_status 1 "task with a 404 ends failed" tq-wait -t 30 "$t1"
check "second task completes" tq-wait -t 30 "$t2"
wait_for 10 sh -c '[ "$(redis-cli -s "$1" scard rq:workers)" = 2 ]' sh "$tmp/redis.sock" ||
	diag "workers did not register"

# an ai task that nobody serves stays queued in ai-queue
pc=$(psqlc "SELECT min(id) FROM parsed_contents")
tq-submit ai "$pc" >/dev/null || bail "tq-submit ai failed"
# a member whose hash has expired is not a worker (as in RQ)
rcli sadd rq:workers rq:worker:ghost.1 >/dev/null

check "tq-stats -j" stats -j
cp "$out" "$tmp/all"
check_same "one JSON line" "$(wc -l <"$out" | tr -d ' ')" 1
check_same "all three sections" "$(jq -c 'keys' "$out")" \
	'["queues","sites","statistics","total_workers","workers"]'

# workers
check_same "total_workers 2" "$(j .total_workers)" 2
want=$(rcli smembers rq:workers | grep -v ghost | sed 's/^rq:worker://' | sort | tr '\n' ' ')
check_same "names from rq:workers" "$(j '.workers[].name' | tr '\n' ' ')" "$want"
check_same "states idle" "$(j '[.workers[].state] | join(" ")')" "idle idle"
check_same "queues is an array" "$(j '[.workers[].queues[]] | join(" ")')" \
	"parsing-queue parsing-queue"
check_same "jobs counted across workers" \
	"$(j '[([.workers[].successful_job_count] | add), ([.workers[].failed_job_count] | add)] | join(" ")')" "3 1"
check_same "no current job" "$(j '[.workers[].current_job] | map(tostring) | join(" ")')" "null null"
check_same "hostname" "$(j '.workers[0].hostname')" "$(hostname)"
pid=$(j '.workers[0].pid')
check "pid is a live process" kill -0 "$pid"
check_match "timestamps in tq's form" "$(j '.workers[0].birth_date + " " + .workers[0].last_heartbeat')" \
	'^20..-..-..T..:..:..Z 20..-..-..T..:..:..Z$'
check_same "fields of a worker" "$(j '.workers[0] | keys_unsorted | join(",")')" \
	"name,queues,state,current_job,successful_job_count,failed_job_count,total_working_time,birth_date,last_heartbeat,pid,hostname"
check_match "working time is a number" "$(j '.workers[0].total_working_time | type')" '^number$'

# queues
check_same "the three queues in stage order" "$(j '.queues | keys_unsorted | join(" ")')" \
	"parsing-queue ai-queue notion-queue"
check_same "ai-queue count is LLEN" "$(j '.queues["ai-queue"].count')" \
	"$(rcli llen rq:queue:ai-queue)"
check_same "ai-queue holds the ai job" "$(j '.queues["ai-queue"].count')" 1
check_same "parsing-queue count is LLEN" "$(j '.queues["parsing-queue"].count')" \
	"$(rcli llen rq:queue:parsing-queue)"
check_same "finished registry is ZCARD" "$(j '.queues["parsing-queue"].finished_job_registry')" \
	"$(rcli zcard rq:finished:parsing-queue)"
check_same "failed registry is ZCARD" "$(j '.queues["parsing-queue"].failed_job_registry')" \
	"$(rcli zcard rq:failed:parsing-queue)"
check_same "registries 3 finished, 1 failed" \
	"$(j '.queues["parsing-queue"] | [.finished_job_registry, .failed_job_registry, .started_job_registry, .scheduled_job_registry] | join(" ")')" "3 1 0 0"
check_same "workers per queue" "$(j '[.queues[].workers] | join(" ")')" "2 0 0"
check_same "queue fields" "$(j '.queues["ai-queue"] | keys_unsorted | join(",")')" \
	"name,count,started_job_registry,finished_job_registry,failed_job_registry,scheduled_job_registry,workers,paused"

# statistics agree with PostgreSQL
s() { psqlc "SELECT count(*) FROM processing_tasks ${1:-}"; }
check_same "task counts" "$(j '.statistics | [.total_tasks, .completed_tasks, .failed_tasks, .running_tasks, .queued_tasks, .cancelled_tasks] | join(" ")')" \
	"$(s) $(s "WHERE status='completed'") $(s "WHERE status='failed'") $(s "WHERE status='running'") $(s "WHERE status='queued'") $(s "WHERE status='cancelled'")"
check_same "task counts are 3 1 1 0 1 0" "$(j '.statistics | [.total_tasks, .completed_tasks, .failed_tasks, .running_tasks, .queued_tasks, .cancelled_tasks] | join(" ")')" \
	"3 1 1 0 1 0"
check_same "by_type" "$(jq -c '.statistics.by_type' "$tmp/all")" \
	'{"parsing":{"total":2,"completed":1,"failed":1},"ai_processing":{"total":1,"completed":0,"failed":0},"notion_import":{"total":0,"completed":0,"failed":0}}'
check_same "items processed and failed" "$(j '.statistics | [.total_items_processed, .total_items_failed] | join(" ")')" \
	"$(psqlc "SELECT count(*) FILTER (WHERE status='completed') || ' ' || count(*) FILTER (WHERE status='failed') FROM task_items")"

# sections
check "-w alone" stats -w
check_same "-w: workers only" "$(jq -c 'keys' "$out")" '["total_workers","workers"]'
check "-Qs" stats --queues --statistics
check_same "-Qs: queues and statistics" "$(jq -c 'keys' "$out")" '["queues","sites","statistics"]'
check "-s needs no Redis" stats -s -r redis://127.0.0.1:1

# tables
check "-H prints tables" stats -H
check_match "worker table" "$(cat "$out")" "^WORKER +STATE +QUEUES"
check_match "queue table" "$(cat "$out")" "^ai-queue +1 +0 +0 +0 +0 +0 +active$"
check_match "statistics table" "$(cat "$out")" "^parsing +2 +1 +1$"

# unreachable backends
check_status 4 "unreachable Redis (-r): exit 4" stats -r redis://127.0.0.1:1
check_same "one line on stderr, nothing on stdout" \
	"$(wc -l <"$errf" | tr -d ' ') $(wc -c <"$out" | tr -d ' ')" "1 0"
check_match "names redis" "$(cat "$errf")" '^tq-stats: redis: '
check_status 4 "unreachable Redis (TQ_REDIS_URL): exit 4" \
	env TQ_REDIS_URL=redis://127.0.0.1:1 tq-stats -Q
check_status 4 "unreachable PostgreSQL: exit 4" \
	stats -s -d "postgresql:///postgres?host=$tmp/nonexistent"
check_match "names postgresql" "$(cat "$errf")" '^tq-stats: postgresql: '

check_status 2 "usage error" stats -x
check_status 2 "operands are a usage error" stats foo
stop_worker
check_same "no workers after shutdown" "$(stats -w | jq -r .total_workers)" 0
# it only reads: an empty database stays empty
psqlc "CREATE DATABASE empty" >/dev/null
edb=$(echo "$TQ_DATABASE_URL" | sed 's|///postgres|///empty|')
check "statistics of an empty database" tq-stats -s -j -d "$edb"
check_same "all zero" "$(jq -c '[.statistics.total_tasks, .statistics.total_items_processed]' "$out")" "[0,0]"
check_same "and no schema created" "$(psql -XAtq "$edb" -c "SELECT count(*) FROM pg_tables WHERE tablename = 'tq_schema'")" 0
check_match "floats are rounded" "$(tq-stats -w -j | jq -c '.workers[0].total_working_time // 0')" '^[0-9]+(\.[0-9]{1,15})?$'
done_testing
