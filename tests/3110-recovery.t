#!/bin/sh
# Recovery races and lost backends (issue 8): one dead worker recovered
# by two supervisors at once counts each crash once and queues each job
# once; a duplicate copy of a running job is never run beside it; a
# PostgreSQL restart while a job stores its outcome costs no retry and
# runs nothing twice; tq-wait outlives a PostgreSQL restart.
. "$(dirname "$0")/lib.sh"
plan 32
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=3600 TQ_RECONCILE_GRACE=3600

hits() { curl -s "$HTTP/t/count?key=$1"; }
count() { psqlc "$1"; }
running() { [ "$(count "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = 'running'")" -ge "${2:-1}" ]; }
registered() { [ "$(rcli SCARD tq:workers)" -ge "$1" ]; }

# --- a dead worker's 200 jobs, recovered by two supervisors at once
start_worker -n 1 -Q parsing-queue -N supa
supa=$TQ_WORKER_PID
start_worker -n 1 -Q parsing-queue -N supb
supb=$TQ_WORKER_PID
wait_for 10 registered 2
sleep 0.5	# past the workers' first maintenance pass
rcli SET rq:suspended 1 >/dev/null
seq 1 200 | sed "s|^|$HTTP/t/page?key=r\&n=|" | tq-submit parse - >"$out"
t=$(jq -r .task_id "$out")
# a worker "ghost" that died holding all of them, running
rcli RENAME rq:queue:parsing-queue tq:active:ghost.1 >/dev/null
rcli SADD tq:workers ghost.1 >/dev/null
psqlc "UPDATE task_items SET status = 'running', worker_id = 'ghost.1', started_at = now() WHERE task_id = $t" >/dev/null
rcli DEL rq:suspended >/dev/null
# both supervisors see their worker die and recover the ghost at once
kill -KILL $(pgrep -P "$supa") $(pgrep -P "$supb")
check "all 200 complete" tq-wait -t 60 "$t"
check_same "each crash counted once" "$(count "SELECT count(*) FILTER (WHERE crash_count = 1), count(*) FILTER (WHERE retry_count = 1) FROM task_items WHERE task_id = $t")" "200|200"
check_same "each crash is an attempt of its item" "$(count "SELECT count(*) FILTER (WHERE a.outcome = 'crashed' AND a.worker_id = 'ghost.1'), count(*) FILTER (WHERE a.outcome = 'completed') FROM task_item_attempts a JOIN task_items i ON i.id = a.task_item_id WHERE i.task_id = $t")" "200|200"
check_same "each page parsed once" "$(count "SELECT count(*), sum(p.parse_count) FROM parsed_contents p JOIN task_items i ON i.item_id = p.link_id WHERE i.task_id = $t")" "200|200"
check_same "each page fetched once" "$(hits r)" 200
check_same "nothing left queued" "$(rcli LLEN rq:queue:parsing-queue) $(rcli EXISTS tq:active:ghost.1)" "0 0"
stop_worker "$supa"
stop_worker "$supb"

# --- a duplicate copy of a running job is dropped, not run beside it
start_worker -n 2 -Q parsing-queue -N dup
tq-submit parse "$HTTP/t/sleep?s=2&key=d1" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
ok $? "job running"
job=$(count "SELECT job_id FROM task_items WHERE task_id = $t")
rcli LPUSH rq:queue:parsing-queue "$job" >/dev/null
check "the task completes" tq-wait -t 30 "$t"
check_same "the page was fetched once" "$(hits d1)" 1
check_same "the duplicate is gone" "$(rcli LLEN rq:queue:parsing-queue)" 0
check_same "one job ended" "$(grep -c " job worker=.*job=$job.*outcome=" "$tmp/worker.log")" 1
stop_worker

# --- and so is a copy that comes to the worker that holds the job, as
# RQ's started-registry cleanup (which `rq info` runs) pushes one when
# the job's rq:wip score passed while the worker's heartbeat stalled
start_worker -n 1 -Q parsing-queue -N own
tq-submit parse "$HTTP/t/sleep?s=2&key=d2" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
job=$(count "SELECT job_id FROM task_items WHERE task_id = $t")
rcli LPUSH rq:queue:parsing-queue "$job" >/dev/null
check "a copy of its own job: the task completes" tq-wait -t 30 "$t"
check_same "the page was fetched once" "$(hits d2)" 1
check_same "the copy is gone, the job's hash kept" "$(rcli LLEN rq:queue:parsing-queue) $(rcli LLEN tq:active:own.1) $(rcli HGET "rq:job:$job" status)" "0 0 finished"
stop_worker

# --- a copy of a job whose holder Redis forgot (restarted empty): the
# claim refuses it while the item may still run elsewhere
start_worker -n 1 -Q parsing-queue -N busy
rcli SET rq:suspended 1 >/dev/null
tq-submit parse "$HTTP/t/page?key=b1" >"$out"
t=$(jq -r .task_id "$out")
job=$(count "SELECT job_id FROM task_items WHERE task_id = $t")
rcli DEL rq:queue:parsing-queue >/dev/null
psqlc "UPDATE task_items SET status = 'running', worker_id = 'elsewhere.1', started_at = now() WHERE task_id = $t" >/dev/null
rcli DEL rq:suspended >/dev/null
rcli RPUSH rq:queue:parsing-queue "$job" >/dev/null
wait_for 10 sh -c "grep -q 'skip worker=.*job=$job.*running_on=elsewhere.1' '$tmp/worker.log'"
ok $? "the copy is skipped: it runs elsewhere"
check_same "not fetched, still running there" "$(hits b1) $(count "SELECT status, worker_id FROM task_items WHERE task_id = $t")" "0 running|elsewhere.1"
check_same "and the job hash is left to its holder" "$(rcli EXISTS rq:job:$job)" 1
# once the item is older than its timeout and a grace, a copy runs
psqlc "UPDATE task_items SET started_at = now() - interval '1 hour' WHERE task_id = $t" >/dev/null
rcli RPUSH rq:queue:parsing-queue "$job" >/dev/null
check "then it runs" tq-wait -t 30 "$t"
check_same "fetched once" "$(hits b1)" 1
stop_worker

# --- PostgreSQL restarts (immediate, then fast) while jobs store: a
# page of 2 s, so that it ends while the server is down however long
# the CHECKPOINT before the stop takes on a busy machine
start_worker -n 1 -Q parsing-queue -N store
: >"$tmp/worker.log"
for mode in immediate fast; do
	MAX_RETRIES=0 tq-submit parse "$HTTP/t/sleep?s=2&key=s$mode" >"$out"
	t=$(jq -r .task_id "$out")
	wait_for 10 running "$t"
	# the test cluster runs with synchronous_commit off: flush first,
	# so an immediate stop loses no commit the test relies on
	psqlc CHECKPOINT >/dev/null
	stop_pg "$mode"
	sleep 3
	start_pg_again
	check "$mode: the task completes" tq-wait -t 30 "$t"
	check_same "$mode: completed without a retry" "$(jq -r '.items[0] | "\(.status) \(.retry_count)"' "$out")" "completed 0"
	check_same "$mode: fetched once" "$(hits "s$mode")" 1
done
check_match "the worker said it waited for PostgreSQL" "$(cat "$tmp/worker.log")" ' record worker=.* retry_in='
check_same "no outcome failed or requeued" "$(grep -c 'outcome=\(failed\|requeued\)' "$tmp/worker.log")" 0

# --- tq-wait outlives a PostgreSQL restart
tq-submit parse "$HTTP/t/sleep?s=3&key=w1" >"$out"
t=$(jq -r .task_id "$out")
tq-wait -t 60 "$t" >"$tmp/wait.out" 2>"$tmp/wait.err" &
wpid=$!
tq-status -j -w 0.3 "$t" >"$tmp/watch.out" 2>"$tmp/watch.err" &
spid=$!
# both connected (a first connection that fails is fatal by design;
# under valgrind they take a while to start), then at their waits
started() { [ -s "$tmp/watch.out" ] && [ "$(psqlc "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tq-wait'")" -ge 1 ]; }
wait_for 30 started
sleep 0.5
stop_pg fast
n0=$(wc -l <"$tmp/watch.out")
sleep 2
start_pg_again
wait "$wpid"
wst=$?
sleep 1
kill -INT "$spid"
wait "$spid"
check_match "tq-status --watch goes on after the restart" "$(($(wc -l <"$tmp/watch.out") - n0))" '^[1-9][0-9]*$'
check_match "saying what it missed" "$(cat "$tmp/watch.err")" 'postgresql'
(exit $wst)
ok $? "tq-wait exits 0 after the restart"
check_same "and prints the final record" "$(jq -r .status "$tmp/wait.out")" completed
check_match "it says it reconnected" "$(cat "$tmp/wait.err")" 'reconnected'
stop_worker
done_testing
