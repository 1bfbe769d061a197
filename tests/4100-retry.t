#!/bin/sh
# tq-retry: only failed items run again, with a fresh retry count; the
# task leaves its end state and completes; concurrent retries queue each
# item once; cancelled items stay cancelled; no-ops and unknown ids
. "$(dirname "$0")/lib.sh"
plan 55
start_redis
start_pg
start_httpd
# pages that fail on purpose would lower the one local site's limit
# (AutoThrottle, 3700-sites.t), which is not under test here
export TQ_SITE_CONCURRENCY=0

hits() { curl -s "$HTTP/t/count?key=$1"; }
item_status() { psqlc "SELECT status FROM task_items WHERE task_id = $1 ORDER BY seq" | tr '\n' ' '; }
qlen() { rcli llen rq:queue:parsing-queue; }
field() { jq -r "$1" "$out"; }

# --- A: two good pages and two that fail twice (503), one retry allowed,
# B: four pages that fail once, no retry allowed
start_worker -n 2 -Q parsing-queue
check "submit A" tq-submit -j -R 1 parse "$HTTP/t/page?key=r-g1" \
	"$HTTP/t/flaky?key=r-f1&fail=2&retry_after=0" "$HTTP/t/page?key=r-g2" \
	"$HTTP/t/flaky?key=r-f2&fail=2&retry_after=0"
a=$(field .task_id)
check "submit B" tq-submit -j -R 0 parse "$HTTP/t/flaky?key=r-b1&fail=1" \
	"$HTTP/t/flaky?key=r-b2&fail=1" "$HTTP/t/flaky?key=r-b3&fail=1" \
	"$HTTP/t/flaky?key=r-b4&fail=1"
b=$(field .task_id)
check_status 1 "both fail" tq-wait -t 30 "$a" "$b"
check_same "A: failed, two failed items" "$(jq -r 'select(.task_id == '"$a"') | [.status,.completed_items,.failed_items]|join(" ")' "$out")" "failed 2 2"
check_same "A's items" "$(item_status "$a")" "completed failed completed failed "
check_same "A's failed items used their retry" "$(psqlc "SELECT retry_count FROM task_items WHERE task_id = $a AND status = 'failed'" | tr '\n' ' ')" "1 1 "
check_same "B: failed, four failed items" "$(jq -r 'select(.task_id == '"$b"') | [.status,.failed_items]|join(" ")' "$out")" "failed 4"
check_same "the failed registry holds the six jobs" "$(rcli zcard rq:failed:parsing-queue)" 6
stop_worker
ok $? "worker stopped"

# --- retry A with no worker running, so that its state can be seen
f1_job=$(psqlc "SELECT job_id FROM task_items WHERE task_id = $a AND seq = 2")
check "tq-retry" tq-retry -j "$a"
check_same "one record" "$(wc -l <"$out" | tr -d ' ')" 1
check_same "retried_count" "$(field .retried_count)" 2
check_same "task running again" "$(field '[.status,.completed_items,.failed_items,.progress,.completed_at]|join(" ")')" "running 2 0 50 "
check_match "the previous errors are in the record" "$(field '.retried_items[0].previous_error')" '503'
check_same "items" "$(item_status "$a")" "completed pending completed pending "
check_same "fresh start: retry count 0, no error" "$(psqlc "SELECT retry_count, coalesce(error_message, '-'), run_after IS NULL FROM task_items WHERE task_id = $a AND seq IN (2, 4)" | tr '\n' ' ')" "0|-|t 0|-|t "
check_same "two jobs queued" "$(qlen)" 2
check_same "job hash queued again, without expiry" "$(rcli hget "rq:job:$f1_job" status) $(rcli ttl "rq:job:$f1_job")" "queued -1"
check_same "out of the failed registry" "$(rcli zscore rq:failed:parsing-queue "$f1_job")" ""

check "retry again at once" tq-retry -j "$a"
check_match "nothing to retry" "$(cat "$errf")" "^tq-retry: task $a: nothing to retry: no failed items \(task is running\)$"
check_same "retried_count 0" "$(field .retried_count)" 0
check_same "still two jobs queued" "$(qlen)" 2

# --- concurrent retries of B queue each item once
rp=""
for i in 1 2 3; do
	tq-retry -q -j "$b" >"$tmp/retry.$i" 2>&1 &
	rp="$rp $!"
done
for p in $rp; do wait "$p"; done
check_same "the concurrent retries got four items in all" "$(cat "$tmp"/retry.[123] | jq -s 'map(.retried_count) | add')" 4
check_same "six jobs queued" "$(qlen)" 6
check_same "no job queued twice" "$(rcli lrange rq:queue:parsing-queue 0 -1 | sort | uniq -d)" ""

# --- run them
start_worker -n 2 -Q parsing-queue
check "both complete" tq-wait -t 30 "$a" "$b"
check_same "statuses" "$(jq -r .status "$out" | tr '\n' ' ')" "completed completed "
check_same "A's counters" "$(jq -r 'select(.task_id == '"$a"') | [.completed_items,.failed_items,.progress]|join(" ")' "$out")" "4 0 100"
check_match "A's completed_at set" "$(jq -r 'select(.task_id == '"$a"') | .completed_at' "$out")" '^20..-..-..T..:..:..Z$'
check_same "good pages did not run again" "$(hits r-g1) $(hits r-g2)" "1 1"
check_same "failed pages ran once more" "$(hits r-f1) $(hits r-f2)" "3 3"
check_same "B's pages ran once more each" "$(hits r-b1) $(hits r-b2) $(hits r-b3) $(hits r-b4)" "2 2 2 2"
check_same "results stored" "$(jq -r 'select(.task_id == '"$a"') | [.items[].result.parsed_content_id | type] | unique | join(" ")' "$out")" "number"

check "retry a completed task" tq-retry -j "$a"
check_match "nothing to retry" "$(cat "$errf")" "nothing to retry: no failed items \(task is completed\)"
check_same "unchanged" "$(field '[.status,.retried_count,.completed_items]|join(" ")')" "completed 0 4"
check "-q is quiet" tq-retry -q -j "$a"
check_same "nothing on stderr" "$(cat "$errf")" ""

# --- a cancelled task: its failed item runs again, its cancelled one not
check "submit C" tq-submit -j -R 0 parse "$HTTP/t/flaky?key=r-c1&fail=1" \
	"$HTTP/t/sleep?s=30&key=r-cs"
c=$(field .task_id)
c_ready() { [ "$(item_status "$c")" = "failed running " ] && [ "$(hits r-cs)" = 1 ]; }
wait_for 15 c_ready
ok $? "one item failed, one running"
check "cancel C" tq-cancel -j "$c"
check "retry C" tq-retry -j "$c"
check_same "the failed item only" "$(field '[.retried_count,.cancelled_items]|join(" ")')" "1 1"
check_match "the task is running (or done already)" "$(field .status)" '^(running|cancelled)$'
check_status 1 "C ends cancelled (not completed)" tq-wait -t 30 "$c"
check_same "items" "$(jq -r '[.items[].status]|join(" ")' "$out") $(hits r-c1) $(hits r-cs)" "completed cancelled 2 1"

# --- input and errors
check_status 3 "unknown task" tq-retry 999
check_same "message" "$(cat "$errf")" "tq-retry: task 999: no such task"
check_status 3 "unknown and known: exit 3" tq-retry -q -j 999 "$a"
check_same "the known one is still handled" "$(field .task_id)" "$a"
check_status 3 "not a task id" tq-retry abc
check_status 2 "bad option" tq-retry -x 1
check_status 4 "redis unavailable" tq-retry -r "unix://$tmp/nope.sock" "$a"
check_match "says why" "$(cat "$errf")" "^tq-retry: redis: "
done_testing
