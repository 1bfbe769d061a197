#!/bin/sh
# RQ compatibility: Debian's `rq info` reads a live tq worker, `rq
# suspend`/`rq resume` pause it, a stop-job command stops a job
. "$(dirname "$0")/lib.sh"
plan 41
start_redis
start_pg
start_httpd
RQ=/usr/bin/rq
[ -x "$RQ" ] || bail "/usr/bin/rq not found: install the Debian package python3-rq"
rq() { "$RQ" "$@" --url "$TQ_REDIS_URL"; }

running() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = 'running'")" -ge 1 ]; }

# one job in flight: the others wait in the queue, for rq info to count
start_worker -n 1 -c parsing-queue=1 -Q parsing-queue -N rqtest
wait_for 10 sh -c "redis-cli -s $tmp/redis.sock scard rq:workers | grep -q 1"
tq-submit parse "$HTTP/t/sleep?s=4&key=long" >"$out"
t=$(jq -r .task_id "$out")
tq-submit parse "$HTTP/t/page?a" "$HTTP/t/page?b" >/dev/null
wait_for 10 running "$t"
check "rq info runs against a live tq worker" rq info
info=$(cat "$out")
check_match "lists the worker, busy" "$info" 'rqtest\.[0-9]+ .*busy'
check_match "queue sizes" "$info" 'parsing-queue +\|[█ ]* *2'
check_match "worker counted on its queue" "$info" '1 workers?, 1 queues?'
for i in 1 2 3; do rq info >/dev/null 2>&1; sleep 0.5; done
check "the long job still completes" tq-wait -t 30 "$t"
check_same "and was not failed by rq info" "$(jq -r .status "$out")" completed
check "rq info -W (workers view)" rq info -W
check_match "idle after the jobs" "$(sleep 1; rq info -W 2>&1)" 'rqtest\.[0-9]+ .*idle'

# suspend and resume
check "rq suspend" rq suspend
tq-submit parse "$HTTP/t/page?title=Suspended" >"$out"
t=$(jq -r .task_id "$out")
sleep 2
check_same "suspended: nothing taken" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t")" pending
check "rq resume" rq resume
check "resumed: the job runs" tq-wait -t 20 "$t"

# stop-job on the worker's channel
tq-submit parse "$HTTP/t/sleep?s=30" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
wname=$(psqlc "SELECT worker_id FROM task_items WHERE task_id = $t")
rcli publish "rq:pubsub:$wname" "{\"command\":\"stop-job\",\"job_id\":\"$job\"}" >/dev/null
wait_for 5 sh -c "[ \"\$(psql -XAtq '$TQ_DATABASE_URL' -c \"SELECT status FROM task_items WHERE task_id = $t\")\" = failed ]"
ok $? "stop-job stops the job within seconds"
check_match "with the reason" "$(psqlc "SELECT error_message FROM task_items WHERE task_id = $t")" 'stopped'
# as RQ leaves a job its stop-job command stopped: status stopped, in
# the failed registry
stopped() { [ "$(rcli HGET "rq:job:$job" status)" = stopped ]; }
wait_for 5 stopped
check_same "RQ's status stopped, in rq:failed" "$(rcli HGET "rq:job:$job" status) $(rcli ZSCORE rq:failed:parsing-queue "$job" | grep -c .) $(rcli ZSCORE rq:canceled:parsing-queue "$job" | grep -c .)" "stopped 1 0"

# a failed job: RQ's own Job.fetch reads its status and why it failed
tq-submit parse "$HTTP/t/status/404" >"$out"
t=$(jq -r .task_id "$out")
tq-wait -t 20 "$t" >/dev/null 2>&1
job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
check "RQ's Job.fetch reads a failed tq job" /usr/bin/python3 -c '
import sys
from redis import Redis
from rq.job import Job
j = Job.fetch(sys.argv[2], connection=Redis(unix_socket_path=sys.argv[1]))
print(j.get_status(), j.exc_info)' "$tmp/redis.sock" "$job"
check_match "its status and exc_info" "$(cat "$out")" '^failed .*404'

# RQ's FailedJobRegistry.requeue of that failed tq job: its item stays
# failed in PostgreSQL (tq-retry is tq's way), and the job goes back to
# rq:failed with its hash, where it was deleted before
check "RQ's FailedJobRegistry.requeue of a failed tq job" /usr/bin/python3 -c '
import sys
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry
q = Queue("parsing-queue", connection=Redis(unix_socket_path=sys.argv[1]))
FailedJobRegistry(queue=q).requeue(sys.argv[2])' "$tmp/redis.sock" "$job"
back() { [ "$(rcli ZSCORE rq:failed:parsing-queue "$1" | grep -c .)" = 1 ] && [ "$(rcli LPOS rq:queue:parsing-queue "$1")" = "" ] && [ "$(rcli HGET "rq:job:$1" status)" = failed ]; }
wait_for 10 back "$job"
ok $? "... is back in rq:failed, status failed"
check_match "... its hash kept, why it failed too" "$(rcli HGET "rq:job:$job" tq_error)" '404'
check_same "... its item still failed" "$(psqlc "SELECT status FROM task_items WHERE job_id = '$job'")" failed
# `rq requeue --all` does the same: what RQ's requeue emptied (ended_at,
# exc_info) is there again for RQ to read
check "rq requeue --all" rq requeue --all --queue parsing-queue
wait_for 10 back "$job"
ok $? "... the job is back in rq:failed"
check "RQ's Job.fetch reads it again" /usr/bin/python3 -c '
import sys
from redis import Redis
from rq.job import Job
j = Job.fetch(sys.argv[2], connection=Redis(unix_socket_path=sys.argv[1]))
print(j.get_status(), j.ended_at is not None, j.exc_info)' "$tmp/redis.sock" "$job"
check_match "... failed, ended, and why" "$(cat "$out")" '^failed True .*404'

# a job RQ itself enqueued is no job of tq's: it goes to rq:failed,
# saying so, where it was deleted before without a word
check "RQ's own Queue.enqueue into a tq queue" /usr/bin/python3 -c '
import sys
from redis import Redis
from rq import Queue
q = Queue("parsing-queue", connection=Redis(unix_socket_path=sys.argv[1]))
q.enqueue("os.getpid", job_id="rq-native-1")' "$tmp/redis.sock"
wait_for 10 back rq-native-1
ok $? "... is in rq:failed, status failed"
check_match "... saying why" "$(rcli HGET rq:job:rq-native-1 exc_info)" "not a job of tq's"
# and one whose id is longer than any of tq's: not cut short and left
# in the worker's list of jobs in hand
long=$(printf 'L%.0s' $(seq 1 150))
/usr/bin/python3 -c '
import sys
from redis import Redis
from rq import Queue
q = Queue("parsing-queue", connection=Redis(unix_socket_path=sys.argv[1]))
q.enqueue("os.getpid", job_id=sys.argv[2])' "$tmp/redis.sock" "$long"
wait_for 10 back "$long"
ok $? "a job of RQ's with a 150-byte id is in rq:failed"
# a job retried once has one retry less left, as RQ counts them
TQ_RETRY_DELAYS=0 tq-submit parse "$HTTP/t/flaky?key=rl&fail=1" >"$out"
t=$(jq -r .task_id "$out")
check "a job that fails once, then completes" tq-wait -t 30 "$t"
job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
check_same "... has retries_left 2 of 3" "$(rcli HGET "rq:job:$job" retries_left)" 2

# RQ's Job.delete() of a running tq job: its hash is not made again, in
# part (last_heartbeat alone, which RQ cannot read: "Unexpected job
# format"), by the worker's heartbeat or by the job's end
tq-submit parse "$HTTP/t/sleep?s=8&key=rqdel" >"$out"
t=$(jq -r .task_id "$out")
wait_for 10 running "$t"
job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
check "RQ's Job.delete() of a running tq job" /usr/bin/python3 -c '
import sys
from redis import Redis
from rq.job import Job
Job.fetch(sys.argv[2], connection=Redis(unix_socket_path=sys.argv[1])).delete()' "$tmp/redis.sock" "$job"
sleep 6	# a heartbeat at least (5 s)
check_same "... no hash made again by the heartbeat" "$(rcli EXISTS "rq:job:$job")" 0
check "... the job still completes" tq-wait -t 20 "$t"
check_same "... nor by its end" "$(rcli EXISTS "rq:job:$job")" 0

# RQ's Job.cancel() of a queued tq job: its item is cancelled, where the
# reconciler pushed it again and it ran
stop_worker
k=$(rcli --raw keys 'rq:worker:rqtest*' | head -1)
check_match "a worker's warm stop: death and shutdown_requested_date, as RQ's" "$(rcli hget "$k" death) $(rcli hget "$k" shutdown_requested_date) $(rcli hget "$k" state)" '^20[0-9-]*T[0-9:.]*Z 20[0-9-]*T[0-9:.]*Z [a-z]*$'
check_same "... and no state RQ lacks" "$(rcli hget "$k" state | grep -c dead)" 0
tq-submit parse "$HTTP/t/page?key=rqcancel" >"$out"
t=$(jq -r .task_id "$out")
job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $t")
check "RQ's Job.cancel() of a queued tq job" /usr/bin/python3 -c '
import sys
from redis import Redis
from rq.job import Job
Job.fetch(sys.argv[2], connection=Redis(unix_socket_path=sys.argv[1])).cancel()' "$tmp/redis.sock" "$job"
TQ_MAINT_INTERVAL=1 TQ_RECONCILE_GRACE=1 start_worker -n 1 -Q parsing-queue
check_status 1 "... the task ends cancelled" tq-wait -t 30 "$t"
check_same "... its item cancelled, the page never fetched" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t") $(curl -s "$HTTP/t/count?key=rqcancel")" "cancelled 0"
check_same "... and in no worker's hands" "$(for k in $(rcli KEYS 'tq:active:*'); do rcli LRANGE "$k" 0 -1; done | grep -c L)" 0
done_testing
