#!/bin/sh
# A worker stopped (SIGSTOP, as a suspended machine or a paused VM is)
# for longer than TQ_DEAD_AFTER is counted dead by another supervisor's
# maintenance, which gives its job back to the queue; that job then
# runs on the other worker.  When the stopped worker runs again it
# drops the job without writing anything (outcome "taken") instead of
# running on and writing over the outcome of the worker that has it.
. "$(dirname "$0")/lib.sh"
plan 9
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=1 TQ_DEAD_AFTER=15 TQ_RETRY_DELAYS=0

item() { psqlc "SELECT status, split_part(worker_id, '.', 1), crash_count FROM task_items WHERE task_id = $t"; }
on() { item | grep -q "^$1|$2|"; }
hits() { curl -s "$HTTP/t/count?key=$1"; }

start_worker -n 1 -Q parsing-queue -N fa
sa=$TQ_WORKER_PID
tq-submit parse "$HTTP/t/sleep?s=4&key=f1" >"$tmp/task"
t=$(jq -r .task_id "$tmp/task")
check "the page runs on worker fa" wait_for 20 on running fa
wa=$(pgrep -P "$sa")
# the worker and its job processes, as SIGSTOP to a process group does
stopped="$wa $(pgrep -P "$wa" | tr '\n' ' ')"
# shellcheck disable=SC2086
kill -STOP $stopped
start_worker -n 1 -Q parsing-queue -N fb
check "fb counts fa dead and runs the page after 15 s" \
	wait_for 60 on completed fb
check_same "a crash counted, once" "$(item)" "completed|fb|1"
# shellcheck disable=SC2086
kill -CONT $stopped
check "fa, running again, drops the job" \
	wait_for 20 grep -q "worker=fa\..* outcome=taken" "$tmp/worker.log"
check_match "as it says" "$(grep "fence worker=fa\\." "$tmp/worker.log")" \
	'jobs=1 taken=1'
check_same "the page fetched by each, parsed and stored once" \
	"$(hits f1) $(psqlc "SELECT parse_count FROM parsed_contents")" "2 1"
id=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
check_same "its job finished in Redis, nothing scheduled or failed" \
	"$(rcli hget "rq:job:$id" status) $(rcli zcard rq:scheduled:parsing-queue) $(rcli zcard rq:failed:parsing-queue)" \
	"finished 0 0"
check_same "the item as fb left it" "$(item)" "completed|fb|1"
# fa goes on working
stop_worker "$TQ_WORKER_PID"
check "fa takes new jobs" sh -c \
	"tq-submit parse '$HTTP/t/page?title=after' | tq-wait -t 30 >/dev/null"
done_testing
