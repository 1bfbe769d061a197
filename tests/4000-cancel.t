#!/bin/sh
# tq-cancel: queued items never run and leave Redis, a running item is
# stopped within a second, finished items keep their results; ended
# tasks are a no-op; unknown ids exit 3; the worker goes on serving
. "$(dirname "$0")/lib.sh"
plan 67
start_redis
start_pg
start_httpd
# many jobs for one local site: the per-site limit (3700-sites.t) is not under test here
export TQ_SITE_CONCURRENCY=0
# one job in flight, so that jobs wait in the queue behind the running one
start_worker -n 1 -c parsing-queue=1 -Q parsing-queue -t parsing-queue=60

hits() { curl -s "$HTTP/t/count?key=$1"; }
item_status() { psqlc "SELECT status FROM task_items WHERE task_id = $1 ORDER BY seq" | tr '\n' ' '; }
item_job() { psqlc "SELECT job_id FROM task_items WHERE task_id = $1 AND seq = $2"; }
sleeping() {	# the sleep item runs and its request reached the server
	[ "$(item_status "$1")" = "completed running pending pending " ] &&
	[ "$(hits c-sleep)" = 1 ]
}
stopped() { grep -q 'outcome=stopped' "$tmp/worker.log"; }
qlen() { rcli llen rq:queue:parsing-queue; }

# --- one item done, one running (30 s), two queued behind it
check "submit" tq-submit -j parse "$HTTP/t/page?key=c-done" \
	"$HTTP/t/sleep?s=30&key=c-sleep" "$HTTP/t/page?key=c-q1" \
	"$HTTP/t/page?key=c-q2"
a=$(jq -r .task_id "$out")
wait_for 15 sleeping "$a"
ok $? "first item done, second running, two queued"
check_same "two jobs wait in the queue" "$(qlen)" 2
run_job=$(item_job "$a" 2)
q1_job=$(item_job "$a" 3)
q2_job=$(item_job "$a" 4)
held() {	# how many workers' lists hold job $1
	for k in $(rcli --raw keys 'tq:active:*'); do rcli --raw lrange "$k" 0 -1; done | grep -c -- "$1"
}
check_match "the running job is in its worker's list" "$(held "$run_job")" '^1$'

t0=$(date +%s.%N)
check "tq-cancel" tq-cancel -j "$a"
rec=$(cat "$out")
check_same "one record" "$(wc -l <"$out" | tr -d ' ')" 1
check_same "cancelled_count" "$(echo "$rec" | jq -r .cancelled_count)" 3
check_same "task cancelled" "$(echo "$rec" | jq -r .status)" cancelled
check_same "counters and progress" "$(echo "$rec" | jq -r '[.completed_items,.failed_items,.cancelled_items,.total_items,.progress]|join(" ")')" "1 0 3 4 100"
check_match "completed_at set" "$(echo "$rec" | jq -r .completed_at)" '^20..-..-..T..:..:..Z$'
check_same "items" "$(item_status "$a")" "completed cancelled cancelled cancelled "
check_same "queued jobs left the queue" "$(qlen)" 0
check_same "their jobs are in the canceled registry, as RQ's Job.cancel() leaves them" "$(rcli hget "rq:job:$q1_job" status) $(rcli hget "rq:job:$q2_job" status) $(rcli zscore rq:canceled:parsing-queue "$q1_job" | grep -c .) $(rcli zscore rq:canceled:parsing-queue "$q2_job" | grep -c .)" "canceled canceled 1 1"
check_match "... their hashes expire" "$(rcli ttl "rq:job:$q1_job")" '^[1-9][0-9]*$'
wait_for 2 stopped
ok $? "the worker stopped the running job within 2 s"
stop_at=$(date -d "$(grep 'outcome=stopped' "$tmp/worker.log" | cut -d' ' -f1)" +%s.%N)
check_same "stopped less than 2 s after tq-cancel began" "$(awk -v a="$t0" -v b="$stop_at" 'BEGIN { print (b > a && b - a < 2) ? "yes" : b - a }')" yes
check_same "it left its worker's list" "$(held "$run_job")" 0
check_match "log line" "$(grep 'outcome=stopped' "$tmp/worker.log")" "job=$run_job task=$a .*outcome=stopped"
check_same "its job is in the canceled registry" "$(rcli hget "rq:job:$run_job" status) $(rcli zscore rq:canceled:parsing-queue "$run_job" | grep -c .)" "canceled 1"
check_same "the stopped item stays cancelled" "$(item_status "$a")" "completed cancelled cancelled cancelled "
check_same "no result stored for it" "$(psqlc "SELECT count(*) FROM parsed_contents p JOIN links l ON l.id = p.link_id WHERE l.url LIKE '%c-sleep%'")" 0
check "tq-status -i" tq-status -j -i "$a"
check_match "the finished item keeps its result" "$(jq -r '.items[0].result.parsed_content_id' "$out")" '^[0-9]+$'
check_same "the notification reached tq-wait (cancelled exits 1)" "$(tq-wait -q -t 5 "$a" >/dev/null 2>&1; echo $?)" 1

# --- the worker goes on, and never ran the cancelled jobs
check "submit another task" tq-submit -j parse "$HTTP/t/page?key=c-new"
b=$(jq -r .task_id "$out")
check "it completes" tq-wait -t 30 "$b"
check_same "queued items never ran" "$(hits c-q1) $(hits c-q2)" "0 0"
check_same "the stopped item ran once" "$(hits c-sleep)" 1
check_same "the worker never took the queued jobs" "$(grep -c -e "$q1_job" -e "$q2_job" "$tmp/worker.log")" 0

# --- no-ops
check "cancel again" tq-cancel -j "$a"
check_match "says so" "$(cat "$errf")" "^tq-cancel: task $a: nothing to cancel: task is already cancelled$"
check_same "record, nothing cancelled" "$(jq -r '[.status,.cancelled_count,.cancelled_items]|join(" ")' "$out")" "cancelled 0 3"
check "-q is quiet" tq-cancel -q -j "$a"
check_same "nothing on stderr" "$(cat "$errf")" ""
check "cancel a completed task" tq-cancel -j "$b"
check_match "says so" "$(cat "$errf")" "nothing to cancel: task is already completed"
check_same "still completed" "$(jq -r '[.status,.cancelled_count,.cancelled_items]|join(" ")' "$out")" "completed 0 0"

# --- a job waiting in the scheduled set for its retry
check "submit a flaky page" tq-submit -j parse "$HTTP/t/flaky?key=c-fl&fail=10"
c=$(jq -r .task_id "$out")
scheduled() { [ "$(rcli zcard rq:scheduled:parsing-queue)" = 1 ] && [ "$(hits c-fl)" = 2 ]; }
wait_for 15 scheduled
ok $? "its second retry waits in rq:scheduled"
check "cancel it" tq-cancel -j "$c"
check_same "cancelled, pending item" "$(jq -r '[.status,.cancelled_count]|join(" ")' "$out") $(item_status "$c")" "cancelled 1 cancelled "
check_same "out of the scheduled set" "$(rcli zcard rq:scheduled:parsing-queue)" 0

# --- twenty running at once in one worker: all stopped within 2 s
stop_worker
start_worker -n 1 -Q parsing-queue -t parsing-queue=60
i=0
while [ $i -lt 20 ]; do echo "$HTTP/t/sleep?s=30&key=c-many&n=$i"; i=$((i + 1)); done >"$tmp/many"
check "submit 20 slow pages" tq-submit -j parse - <"$tmp/many"
m=$(jq -r .task_id "$out")
all_running() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $m AND status = 'running'")" = 20 ] && [ "$(hits c-many)" = 20 ]; }
wait_for 15 all_running
ok $? "the worker runs all 20 at once"
t0=$(date +%s.%N)
check "cancel them" tq-cancel -j "$m"
many_stopped() { [ "$(grep -c "task=$m .*outcome=stopped" "$tmp/worker.log")" = 20 ]; }
wait_for 10 many_stopped
t1=$(date +%s.%N)
ok $? "all 20 stopped"
check_match "within 2 s" "$(echo "$t1 - $t0 < 2" | bc)" '^1$'

# --- a task of many queued jobs leaves the queue in one pass, and the
# jobs of another task stay, in their order
stop_worker
urls=$(for i in $(seq 1 40); do echo "$HTTP/t/page?key=bulk-$i"; done)
big=$(echo "$urls" | tq-submit parse | jq -r .task_id)
other=$(tq-submit parse "$HTTP/t/page?key=keep-1" "$HTTP/t/page?key=keep-2" "$HTTP/t/page?key=keep-3" | jq -r .task_id)
kept=$(rcli --raw lrange rq:queue:parsing-queue 0 -1 | grep -F -f "$(psqlc "SELECT job_id FROM task_items WHERE task_id = $other" >"$tmp/other"; echo "$tmp/other")" | tr '\n' ' ')
check_same "three jobs of the other task queued" "$(echo $kept | wc -w | tr -d ' ')" 3
check "cancel the task of 40 queued jobs" tq-cancel -q "$big"
check_same "the other task's 3 jobs are the queue, in order" "$(rcli --raw lrange rq:queue:parsing-queue 0 -1 | tr '\n' ' ')" "$kept"
check_same "the 40 are canceled jobs, in no queue" "$(for j in $(psqlc "SELECT job_id FROM task_items WHERE task_id = $big"); do echo "$(rcli hget "rq:job:$j" status) $(rcli zscore rq:canceled:parsing-queue "$j" | grep -c .)"; done | sort -u)" "canceled 1"
check "cancel the other" tq-cancel -q "$other"
check_same "the queue is empty" "$(qlen)" 0

# --- input and errors
check_status 3 "unknown task" tq-cancel 999
check_same "message" "$(cat "$errf")" "tq-cancel: task 999: no such task"
check_status 3 "unknown and known: exit 3" tq-cancel -j 999 "$b"
check_same "the known one is still handled" "$(jq -r .task_id "$out")" "$b"
check "records on stdin" sh -c "tq-status -j '$a' '$b' | tq-cancel -q -j"
check_same "two records" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$a $b "
check_status 3 "not a task id" tq-cancel abc
check_status 2 "bad option" tq-cancel -x 1
check_status 4 "redis unavailable" tq-cancel -r "unix://$tmp/nope.sock" "$a"
check_match "says why" "$(cat "$errf")" "^tq-cancel: redis: "
check "-H prints a table" tq-cancel -q -H "$a"
check_match "header and message" "$(tr '\n' ' ' <"$out")" "^TASK .*STATUS.*nothing to cancel"
check "-h" tq-cancel -h
check_match "usage on stdout" "$(cat "$out")" '^usage: tq-cancel '
done_testing
