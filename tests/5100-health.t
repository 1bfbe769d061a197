#!/bin/sh
# tq-health: plugin line, perfdata and exit codes (0 OK, 1 WARNING,
# 2 CRITICAL, 3 UNKNOWN) for workers, backlogs, dead and silent backends,
# the -j health object.  VALGRIND=1 runs tq-health under valgrind.
. "$(dirname "$0")/lib.sh"
plan 92
start_redis
start_pg
need python3 python3

vg=
if [ "${VALGRIND:-0}" = 1 ]; then
	vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite"
	vg="$vg --error-exitcode=99"
fi
health() { $vg tq-health "$@"; }
nworkers() { [ "$(rcli scard rq:workers)" = "$1" ]; }

start_worker -n 1 -Q parsing-queue
wait_for 10 nworkers 1 || diag "the worker did not register"
schema=$(psqlc "SELECT max(version) FROM tq_schema")
rv=$(rcli info server | sed -n 's/^redis_version:\([^\r]*\).*/\1/p')

check "all up, one worker: OK" health
check_match "plugin line" "$(cat "$out")" \
	"^TQ OK - redis $rv, postgresql [0-9.]+ \(schema $schema\), 1 worker \(0 busy, 1 idle, 0 suspended\), backlog parsing-queue=0 ai-queue=0 notion-queue=0 \| workers=1;1: busy=0 idle=1 suspended=0 parsing=0;100;1000;0 ai=0;100;1000;0 notion=0;100;1000;0 stuck=0 failed_1h=0 ended_1h=0$"
check_same "one line" "$(wc -l <"$out" | tr -d ' ')" 1
check "-W 1 with one worker: OK" health -W 1
check_match "worker thresholds in perfdata" "$(cat "$out")" '\| workers=1;1: busy=0'
check_status 1 "-W 2 with one worker: WARNING" health -W 2
check_match "says why" "$(cat "$out")" '^TQ WARNING - 1 live worker < 2; redis '

check "-j" health -j
cp "$out" "$tmp/h.json"
j() { jq -c "$1" "$tmp/h.json"; }
check_same "healthy" "$(j .healthy)" true
check_same "status" "$(j .status)" '"OK"'
check_same "redis connected" "$(j '.health.redis')" '"connected"'
check_same "redis_version from INFO" "$(j '.health.redis_version')" "\"$rv\""
check_same "workers" "$(j '.health.workers')" '{"total":1,"active":1,"busy":0,"idle":1,"suspended":0}'
check_same "queues" "$(j '.health.queues')" \
	'{"parsing-queue":{"healthy":true,"pending":0,"paused":false},"ai-queue":{"healthy":true,"pending":0,"paused":false},"notion-queue":{"healthy":true,"pending":0,"paused":false}}'
check_same "queues_healthy" "$(j '.health.queues_healthy')" true
check_same "postgresql" "$(j '[.health.postgresql, .health.schema_version, .health.schema_latest]')" \
	"[\"connected\",$schema,$schema]"
check_same "no problems" "$(j .problems)" '[]'

# a suspended worker is reported as such, not as idle
rcli set rq:suspended 1 >/dev/null
wstate() { [ "$(rcli hget "$(rcli smembers rq:workers | head -1)" state)" = "$1" ]; }
wait_for 10 wstate suspended || diag "the worker did not say suspended"
check_status 1 "-j with a suspended worker" health -j
check_same "suspended, not idle" "$(jq -c .health.workers "$out")" '{"total":1,"active":1,"busy":0,"idle":0,"suspended":1}'
rcli del rq:suspended >/dev/null
wait_for 10 wstate idle || diag "the worker did not say idle again"
# a paused queue
tq-worker -P ai-queue 2>/dev/null
check_status 1 "a paused queue: WARNING" health
check_match "names it" "$(cat "$out")" '^TQ WARNING - ai-queue paused; .* ai-queue=0 \(paused\)'
tq-worker -U ai-queue 2>/dev/null
# a Redis that evicts any key when full may evict queued jobs; one
# that evicts only keys with a lifetime (finished jobs) may not
rcli config set maxmemory 1gb >/dev/null
rcli config set maxmemory-policy allkeys-lru >/dev/null
check_status 1 "maxmemory-policy allkeys-lru: WARNING" health -W 1
check_match "says why and what keeps them" "$(cat "$out")" \
	'^TQ WARNING - redis evicts queued jobs when full \(maxmemory-policy allkeys-lru; noeviction keeps them\); '
check_status 1 "-j" health -j -W 1
check_same "names the policy" "$(jq -r .health.redis_maxmemory_policy "$out")" allkeys-lru
tq-worker -n 1 -Q ai-queue >"$tmp/evict.log" 2>&1 &
evp=$!
wait_for 10 grep -q redis_eviction "$tmp/evict.log"
stop_worker "$evp"
check_match "a worker says so as it starts" \
	"$(grep redis_eviction "$tmp/evict.log" | head -1)" \
	'warn +tq-worker redis_eviction .*policy=allkeys-lru'
rcli config set maxmemory-policy volatile-lru >/dev/null
check "volatile-lru: OK" health -W 1
rcli config set maxmemory 0 >/dev/null
rcli config set maxmemory-policy allkeys-lru >/dev/null
check "allkeys-lru without a memory limit evicts nothing: OK" health -W 1
rcli config set maxmemory-policy noeviction >/dev/null

stop_worker
check_status 1 "no workers and no -W: WARNING" health
check_match "says none are live" "$(cat "$out")" '^TQ WARNING - no live workers \(-W 0 if none are expected\); '
check "no workers with -W 0: OK" health -W 0
check_status 2 "no workers with -W 1: CRITICAL" health -W 1
check_match "says no live workers" "$(cat "$out")" '^TQ CRITICAL - no live workers; redis .*, 0 workers \(0 busy, 0 idle, 0 suspended\)'

# a registered worker whose heartbeat is old is not alive
rcli hset rq:worker:old.1 last_heartbeat 2020-01-01T00:00:00.000000Z \
	state busy queues parsing-queue >/dev/null
rcli sadd rq:workers rq:worker:old.1 >/dev/null
check_status 2 "a stale worker does not count" health -j -W 1
check_same "stale: total 1, active 0" "$(jq -c .health.workers "$out")" \
	'{"total":1,"active":0,"busy":0,"idle":0,"suspended":0}'
rcli del rq:worker:old.1 >/dev/null

# another program's RQ queue, named with a '|', a newline and an escape:
# still one plugin line, its perfdata after the one '|', nothing raw
q=$(printf 'rq:queue:a|b\nc\033[2Jd')
rcli sadd rq:queues "$q" >/dev/null
rcli rpush "$q" job-1 job-2 >/dev/null
check_status 1 "a foreign queue's backlog: WARNING" health -W 0 -w 1
check_same "one line, one '|', no control character" \
	"$(wc -l <"$out") $(tr -cd '|' <"$out" | wc -c) $(tr -cd '\000-\037' <"$out" | wc -c)" \
	"1 1 1"
check_match "the name shown, its label plain" "$(cat "$out")" \
	'^TQ WARNING - backlog a/b c\\x1b\[2Jd=2 > 1; .* a/b\\x0ac\\x1b\[2Jd=2 \| .* a_b_c_\[2Jd=2;1;1000;0 '
rcli del "$q" >/dev/null
rcli srem rq:queues "$q" >/dev/null

# backlog: tasks and no worker
tq-submit parse https://a.example/1 https://a.example/2 https://a.example/3 >/dev/null ||
	bail "tq-submit failed"
check_status 1 "backlog over -w: WARNING" health -w 2
check_match "names the queue" "$(cat "$out")" \
	'^TQ WARNING - backlog parsing-queue=3 > 2; .* backlog parsing-queue=3 ai-queue=0 .*\| .* parsing=3;2;1000;0 '
check_status 2 "backlog over -c: CRITICAL" health -w 1 -c 2
check_match "critical names the queue" "$(cat "$out")" '^TQ CRITICAL - backlog parsing-queue=3 > 2; '
check "backlog at -w is still OK" health -W 0 --warning 3
check_status 1 "a range: 1:2 warns at 3" health -W 0 -w 1:2
check_match "says outside" "$(cat "$out")" 'backlog parsing-queue=3 outside 1:2; '
check_status 1 "@2:5 warns inside" health -W 0 -w @2:5
check "@4:5 does not" health -W 0 -w @4:5
check_status 1 "-j with a backlog: same exit" health -j -w 2
check_same "-j: unhealthy queue" \
	"$(jq -c '[.healthy, .status, .health.queues_healthy, .health.queues["parsing-queue"]]' "$out")" \
	'[false,"WARNING",false,{"healthy":false,"pending":3,"paused":false}]'

rcli set rq:suspended 1 >/dev/null
check_status 1 "rq suspend: WARNING" health -W 0
check_match "says suspended" "$(cat "$out")" '^TQ WARNING - workers suspended'
rcli del rq:suspended >/dev/null

# dead and silent backends
t0=$(date +%s)
check_status 2 "Redis unreachable: CRITICAL" health -r redis://127.0.0.1:1
t1=$(date +%s)
check_match "names redis, still checks postgresql" "$(cat "$out")" \
	"^TQ CRITICAL - redis: 127.0.0.1:1: Connection refused; postgresql [0-9.]+ \(schema $schema\) \| stuck=0 "
check_match "within 10 s" "$((t1 - t0))" '^[0-9]$'
check_status 2 "-j, Redis unreachable" health -j -r redis://127.0.0.1:1
check_same "-j: disconnected" \
	"$(jq -c '[.healthy, .status, .health.redis, .health.workers, .health.postgresql]' "$out")" \
	'[false,"CRITICAL","disconnected",null,"connected"]'
check_status 2 "PostgreSQL unreachable: CRITICAL" \
	health -d "postgresql:///postgres?host=$tmp/nonexistent"
check_match "names postgresql" "$(cat "$out")" '^TQ CRITICAL - .*postgresql: .*; redis '

# a server that accepts connections and never answers
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)' "$tmp/silent.port" &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/silent.port" || bail "silent server did not start"
sp=$(cat "$tmp/silent.port")
t0=$(date +%s)
check_status 2 "silent Redis and PostgreSQL: CRITICAL" \
	health -t 2 -r "redis://127.0.0.1:$sp" -d "postgresql://tq@127.0.0.1:$sp/x"
t1=$(date +%s)
check_same "both named" "$(cat "$out")" \
	"TQ CRITICAL - redis: no answer within 2 s; postgresql: no answer within 2 s"
check_match "within -t (both at once)" "$((t1 - t0))" '^[234]$'

# the schema is read, never migrated
last=$(psqlc "SELECT name FROM tq_schema WHERE version = $schema")
psqlc "DELETE FROM tq_schema WHERE version = $schema" >/dev/null
prev=$(psqlc "SELECT max(version) FROM tq_schema")
check_status 1 "schema behind: WARNING" health -W 0
check_match "says so" "$(cat "$out")" "^TQ WARNING - postgresql: schema $prev, want $schema; "
check_same "not migrated" "$(psqlc "SELECT count(*) FROM tq_schema WHERE version = $schema")" 0
psqlc "INSERT INTO tq_schema (version, name) VALUES ($schema, '$last')" >/dev/null

# stuck items, and the failure rate of the last hour
psqlc "UPDATE task_items SET status = 'running', started_at = now() - interval '1 hour' WHERE item_id = (SELECT min(item_id) FROM task_items)" >/dev/null
check_status 1 "a stuck item: WARNING" health -W 0 -w 10
check_match "names it" "$(cat "$out")" '^TQ WARNING - 1 item of parsing-queue stuck \(running past 90 s\)'
psqlc "UPDATE task_items SET status = 'pending'" >/dev/null
seq 1 20 | sed 's|^|https://b.example/|' | tq-submit parse - >/dev/null
psqlc "UPDATE task_items SET status = CASE WHEN item_id % 2 = 0 THEN 'failed' ELSE 'completed' END, completed_at = now() WHERE status = 'pending'" >/dev/null
ended=$(psqlc "SELECT count(*) FROM task_items WHERE status IN ('completed', 'failed')")
check_status 1 "half failed: WARNING at the default 25" health -W 0 -w 100
check_match "says the rate" "$(cat "$out")" "^TQ WARNING - [0-9.]+% of $ended items failed in the last hour \(> 25\)"
check_match "and perfdata" "$(cat "$out")" 'failure_rate=[0-9.]+%;25;;0;100'
check_status 2 "-F 40: CRITICAL" health -W 0 -w 100 -F 40
check "-f 60: OK" health -W 0 -w 100 -f 60
# 300,000 items that ended days ago: the hour's are counted without
# reading them all (a sequential scan of every item at each check)
psqlc "WITH t AS (INSERT INTO processing_tasks (type, status, queue_name,
	job_id, total_items, completed_items, progress, completed_at)
    VALUES ('parsing', 'completed', 'parsing-queue', gen_random_uuid()::text,
	300000, 300000, 100, now() - interval '2 days')
    RETURNING id, completed_at)
    INSERT INTO task_items (task_id, seq, item_id, item_type, status, job_id,
	completed_at)
    SELECT t.id, s, s, 'link', 'completed', gen_random_uuid()::text,
	t.completed_at - make_interval(secs => s)
      FROM t, generate_series(1, 300000) s;
    ANALYZE task_items" >/dev/null
seqread() {
	psqlc "SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'task_items'"
}
s0=$(seqread)
check_status 1 "300,000 old items more: WARNING" health -W 0 -w 100
check_match "the rate of the same items" "$(cat "$out")" "^TQ WARNING - [0-9.]+% of $ended items failed in the last hour"
s1=$(seqread)
check_same "counted without reading every item" \
    "$([ $((s1 - s0)) -lt 100000 ] && echo yes || echo "no: $((s1 - s0)) rows read")" yes

check_status 3 "usage error: UNKNOWN (3)" health -x
check_match "UNKNOWN line" "$(cat "$out")" '^TQ UNKNOWN - '
check_status 3 "a bad range: UNKNOWN" health -w 1:x
check_match "its reason on stdout" "$(cat "$out")" '^TQ UNKNOWN - -w 1:x: not a range'
check_status 3 "-w above -c: UNKNOWN" health -w 5000
# a threshold too long to go into the perfdata whole is none, not cut
check_status 3 "a range of 50 characters: UNKNOWN" health -w 00000000000000000000000000000000000000000000000100
check_match "as not a range, named whole" "$(cat "$out")" '^TQ UNKNOWN - -w 0{47}100: not a range'
check_status 3 "bad -t: UNKNOWN" health -t 0
check_status 3 "-W abc: UNKNOWN" health -W abc
check_match "names -W as given" "$(cat "$out")" '^TQ UNKNOWN - -W abc: not a range'
check_status 3 "-w in hex: UNKNOWN" health -w 0x10
check_status 3 "-j with a bad option: UNKNOWN" health -j -w 1:x
check_same "as one JSON object" "$(jq -c '[.healthy, .status, (.problems | length)]' "$out" 2>&1)" '[false,"UNKNOWN",1]'
check_status 3 "-j, a bad option first" health -W abc -j
check_same "in JSON too" "$(jq -r .status "$out" 2>&1)" UNKNOWN
check_status 3 "-j with a bad environment value" env TQ_LOG=bogus tq-health -j
check_same "in JSON, naming it" "$(jq -r '.problems[0]' "$out" 2>&1)" 'TQ_LOG: bogus: not error, warn, info or debug'
check "-h" health -h
done_testing
