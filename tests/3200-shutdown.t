#!/bin/sh
# tq-worker: warm and cold shutdown, FLUSHALL of Redis mid-task (under
# a burst worker too), the reconciler on demand
. "$(dirname "$0")/lib.sh"
plan 32
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=1 TQ_RECONCILE_GRACE=1

running() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = 'running'")" -ge 1 ]; }

# --- warm: the running job finishes, the worker exits 0
start_worker -n 1 -Q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=2" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
kill -TERM "$TQ_WORKER_PID"
wait "$TQ_WORKER_PID"
check_same "warm shutdown exits 0" $? 0
check_same "the job finished first" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" completed
check_same "worker deregistered" "$(rcli scard rq:workers)" 0

# --- SIGHUP (a terminal closed, a stray logrotate) is a warm shutdown too
start_worker -n 1 -Q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=2" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
kill -HUP "$TQ_WORKER_PID"
wait "$TQ_WORKER_PID"
check_same "SIGHUP: a warm shutdown, exit 0" $? 0
check_same "the job finished first" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" completed

# --- cold: a second signal puts the job back
start_worker -n 1 -Q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=20" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
s0=$(date +%s)
kill -TERM "$TQ_WORKER_PID"
sleep 0.3
kill -TERM "$TQ_WORKER_PID"
wait "$TQ_WORKER_PID"
s1=$(date +%s)
check_match "cold shutdown is quick" "$((s1 - s0))" '^[0-5]$'
check_same "the item is pending again" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" pending
check_same "its job is back in the queue" "$(rcli lrange rq:queue:parsing-queue 0 -1)" "$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")"
check_same "no job held" "$(rcli keys "tq:active:*")" ""
psqlc "UPDATE task_items SET status = 'cancelled' WHERE task_id = $t" >/dev/null
psqlc "SELECT tq_task_settle($t)" >/dev/null

# --- SIGQUIT: a cold shutdown at once, though sh has a command it runs
# with & ignore SIGQUIT, and after a SIGTERM too
rcli del rq:queue:parsing-queue >/dev/null
start_worker -n 1 -Q parsing-queue
tq-submit parse "$HTTP/t/sleep?s=20" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
kill -QUIT "$TQ_WORKER_PID"
# gone, or a zombie that the shell has not waited for yet
gone() { ! ps -o stat= -p "$1" | grep -q '^[^Z]'; }
wait_for 6 gone "$TQ_WORKER_PID"
check "SIGQUIT: the supervisor has stopped within 6 s" gone "$TQ_WORKER_PID"
stop_worker
check_same "the item is pending again" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" pending
check_same "its job is back in the queue" "$(rcli lrange rq:queue:parsing-queue 0 -1)" "$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")"
start_worker -n 1 -Q parsing-queue
wait_for 10 running "$t"
kill -TERM "$TQ_WORKER_PID"
sleep 0.3
kill -QUIT "$TQ_WORKER_PID"
wait_for 6 gone "$TQ_WORKER_PID"
check "SIGTERM, then SIGQUIT: a cold shutdown" gone "$TQ_WORKER_PID"
stop_worker
check_same "the item is pending again" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" pending
psqlc "UPDATE task_items SET status = 'cancelled' WHERE task_id = $t" >/dev/null
psqlc "SELECT tq_task_settle($t)" >/dev/null

# --- FLUSHALL in the middle of a 200-item task
i=0
while [ $i -lt 200 ]; do
	echo "$HTTP/t/sleep?s=0.2&n=$i"
	i=$((i + 1))
done >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >"$out"
t=$(jq -r .task_id "$out")
# few jobs in flight, and pages of 0.2 s (40 a second), so that most of
# them still wait in the queue when it is lost, however fast the worker
start_worker -n 2 -c parsing-queue=4 -Q parsing-queue
wait_for 30 sh -c "[ \$(psql -XAtq '$TQ_DATABASE_URL' -c \"SELECT completed_items FROM processing_tasks WHERE id = $t\") -ge 20 ]"
rcli flushall >/dev/null
check "every item still completes" tq-wait -t 90 "$t"
check_same "all 200 completed" "$(jq -r '[.completed_items, .failed_items] | join(" ")' "$out")" "200 0"
check_same "none ran twice" "$(psqlc "SELECT count(*), sum(parse_count) FROM parsed_contents p JOIN task_items i ON i.item_id = p.link_id WHERE i.task_id = $t")" "200|200"
check_match "the reconciler requeued the lost ones" "$(grep -o 'requeued=[0-9]*' "$tmp/worker.log" | sort -t= -k2 -n | tail -1)" 'requeued=[1-9]'
stop_worker

# --- a burst worker under a FLUSHALL: its queues are empty at once,
# and PostgreSQL still holds pending items, whose jobs the maintenance
# pass queues again; it leaves once they have run, not before
i=0
while [ $i -lt 20 ]; do
	echo "$HTTP/t/sleep?s=0.5&b=$i"
	i=$((i + 1))
done >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >"$out"
t=$(jq -r .task_id "$out")
timeout 60 tq-worker -b -n 1 -c parsing-queue=2 -Q parsing-queue \
	>>"$tmp/worker.log" 2>&1 &
bw=$!
_pids="$bw $_pids"
wait_for 10 running "$t"
rcli flushall >/dev/null
wait "$bw"
check_same "a burst worker, Redis flushed under it, exits 0" $? 0
check_same "once every item has run" "$(psqlc "SELECT status, count(*) FROM task_items WHERE task_id = $t GROUP BY 1")" "completed|20"

# --- a worker that lost Redis gives back what its list still holds
start_worker -n 1 -Q parsing-queue -N holder
wait_for 10 sh -c "redis-cli -s $tmp/redis.sock keys 'rq:worker:holder.*' | grep -q ."
wname=$(rcli keys 'rq:worker:holder.*' | sed 's/^rq:worker://')
rcli set rq:suspended 1 >/dev/null
tq-submit parse "$HTTP/t/page?title=Held" >"$out"
t=$(jq -r .task_id "$out")
rcli lmove rq:queue:parsing-queue "tq:active:$wname" left right >/dev/null
rcli client kill type normal >/dev/null
sleep 1.5
rcli del rq:suspended >/dev/null
check "the held job completes after the reconnect" tq-wait -t 20 "$t"
stop_worker

# --- reconcile on demand: an item in PostgreSQL only
tq-submit parse "$HTTP/t/page?title=Lost" >"$out"
t=$(jq -r .task_id "$out")
job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
item=$(psqlc "SELECT item_id FROM task_items WHERE task_id = $t")
rcli del rq:queue:parsing-queue "rq:job:$job" >/dev/null
sleep 1.2
check "tq-worker --reconcile" tq-worker --reconcile
check_same "reports one requeued" "$(jq -r .requeued "$out")" 1
check_same "the job is queued again" "$(rcli lrange rq:queue:parsing-queue 0 -1)" "$job"
check_same "with RQ's hash, as a submit writes it" \
    "$(rcli hkeys "rq:job:$job" | sort | tr '\n' ' ')" \
    "created_at data description enqueued_at failure_ttl origin result_ttl retries_left retry_intervals status timeout "
check_same "naming its task and item" \
    "$(rcli hmget "rq:job:$job" status origin data | tr '\n' ' ')" \
    "queued parsing-queue [\"tq.parse\", null, [$t, $item], {}] "

# --- retention: completed tasks go after 7 days, failed ones after 30
psqlc "INSERT INTO processing_tasks (type, status, queue_name, job_id, completed_at) VALUES
	('parsing', 'completed', 'parsing-queue', 'old-ok', now() - interval '8 days'),
	('parsing', 'failed', 'parsing-queue', 'old-failed', now() - interval '31 days'),
	('parsing', 'failed', 'parsing-queue', 'young-failed', now() - interval '8 days'),
	('parsing', 'completed', 'parsing-queue', 'young-ok', now() - interval '6 days')" >/dev/null
rcli zadd rq:finished:parsing-queue "$(($(date +%s) - 10))" expired-job "$(($(date +%s) + 500))" live-job >/dev/null
check "a maintenance pass" tq-worker --reconcile
check_same "expired registry entries go, live ones stay" "$(rcli zrange rq:finished:parsing-queue 0 -1 | grep -c -- '-job')" 1
check_same "two old tasks expired" "$(jq -r .expired_tasks "$out")" 2
check_same "the young ones stay" "$(psqlc "SELECT string_agg(job_id, ',' ORDER BY job_id) FROM processing_tasks WHERE job_id LIKE '%-%' AND job_id NOT SIMILAR TO '[0-9a-f]{8}-%'")" "young-failed,young-ok"

# --- JSON log lines
start_worker -n 1 -Q parsing-queue -L
tq-wait -t 20 "$t" >/dev/null
stop_worker
check_same "JSON log lines carry the job fields" \
	"$(grep '^{' "$tmp/worker.log" | jq -r 'select(.event == "job") | "\(.level) \(.queue) \(.outcome) \(.task)"' | tail -1)" \
	"info parsing-queue finished $t"

# --- a supervisor killed between a worker's fork and the death signal
# the worker asks for (an instant, made a second long here): the
# worker leaves, and does not run on without a supervisor
TQ_TEST_SPAWN_PAUSE=1 tq-worker -n 2 -Q parsing-queue >>"$tmp/worker.log" 2>&1 &
sup=$!
kids=""
for _i in $(seq 1 40); do
	kids=$(pgrep -P "$sup" | tr '\n' ' ')
	[ "$(echo $kids | wc -w)" -ge 2 ] && break
	sleep 0.02
done
kill -KILL "$sup"
wait "$sup" 2>/dev/null
sleep 2.5
# one that left may wait as a zombie for its new parent (init, or a
# subreaper) to reap it: only a running one counts
left=0
for k in $kids; do
	st=$(sed 's/^[^)]*) \(.\).*/\1/' "/proc/$k/stat" 2>/dev/null)
	echo "# worker $k: state ${st:-gone}"
	case "$st" in
	''|Z|X) ;;
	*) left=$((left + 1)); kill -KILL "$k" ;;
	esac
done
check_same "workers forked as their supervisor died: none left (of $(echo $kids | wc -w))" "$left" 0
done_testing
