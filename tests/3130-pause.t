#!/bin/sh
# Per-queue pause and resume (tq-worker -P/-U): workers take nothing
# from a paused queue, other queues go on, and tq-stats shows it.
. "$(dirname "$0")/lib.sh"
plan 20
start_redis
start_pg
start_httpd

check "pause the parsing queue" tq-worker -P parsing-queue
check_match "says so" "$(cat "$errf")" 'parsing-queue paused'
start_worker -n 1
tq-submit parse "$HTTP/t/page?title=Held" >"$out"
t=$(jq -r .task_id "$out")
sleep 2
check_same "nothing taken from it" "$(psqlc "SELECT status FROM task_items WHERE task_id = $t") $(rcli LLEN rq:queue:parsing-queue)" "pending 1"
check "tq-stats shows it" tq-stats -Q -j
check_same "paused in the record" "$(jq -c '[.queues["parsing-queue"].paused, .queues["ai-queue"].paused]' "$out")" "[true,false]"
check_match "and in the table" "$(tq-stats -Q -H)" 'parsing-queue .* paused'
check_status 0 "a burst worker leaves a paused queue alone" timeout 10 tq-worker -b parsing-queue
check_status 0 "-Q names its queue too" timeout 10 tq-worker -b -Q parsing-queue
check_same "and says nothing of it" "$(grep -c deprecated "$errf")" 0
check_status 0 "the old -q still does, for a release" timeout 10 tq-worker -b -q parsing-queue
check_match "with one line of warning" "$(grep deprecated "$errf")" '^tq-worker: -q queue is deprecated: name the queues as operands, or use -Q queue$'
check_status 0 "-L logs JSON lines" timeout 10 tq-worker -b -L -l info parsing-queue
check_match "JSON it is" "$(head -1 "$errf")" '^\{.*"event":'
check_status 0 "the old -j still does, with a warning" timeout 10 tq-worker -b -j -l info parsing-queue
check_match "one line of it" "$(grep -c '^tq-worker: -j is deprecated: use -L (--log-json)$' "$errf") $(grep -c '^{' "$errf")" '^1 [1-9]'
check "resume it" tq-worker -U parsing-queue
check "the task completes" tq-wait -t 20 "$t"
check_status 2 "-P and -U together: usage" tq-worker -P ai-queue -U parsing-queue
check_status 2 "an unknown queue: usage" tq-worker -P nope
check_status 2 "a queue operand does not go with -P: usage" tq-worker -P ai-queue parsing-queue
stop_worker
done_testing
