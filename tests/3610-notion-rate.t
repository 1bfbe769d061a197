#!/bin/sh
# two worker processes import 30 pages at once against a fake Notion
# that answers in 300 ms and allows 3 requests/s: the shared limiter
# in Redis keeps them under it (no unhandled 429, nothing failed), no
# page is made twice, and the rate reached is reported
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 7
start_redis
start_pg
start_notion --latency-ms 300
export TQ_RETRY_DELAYS=0,1,1
ids=""
for i in $(seq 1 30); do
	ids="$ids $(mkai "https://example.org/rate/$i" "Page $i")"
done
start_worker -n 1 -Q notion-queue -N one
w1=$TQ_WORKER_PID
start_worker -n 1 -Q notion-queue -N two
w2=$TQ_WORKER_PID
t0=$(date +%s.%N)
check "30 pages, two workers" sh -c "tq-submit notion -D $DB1 $ids | tq-wait -t 120"
t1=$(date +%s.%N)
check_same "all completed, none failed" "$(jq -r '"\(.completed_items) \(.failed_items)"' "$out")" "30 0"
check_same "30 pages, 30 distinct sources" "$(fake GET /_fake/pages | jq '"\(.pages | length) \([.pages[].properties.URL.url] | unique | length)"')" '"30 30"'
check_same "no duplicate create" "$(fake GET /_fake/stats | jq '.ok_by_route["POST /v1/pages"]')" 30
stats=$(fake GET /_fake/stats)
check_match "the fake's window never over its limit (3/s, burst 3)" "$(echo "$stats" | jq .window_max)" '^[1-6]$'
check_same "no request refused by the rate limit" "$(echo "$stats" | jq .rate_limited)" 0 ||
	diag "the fake's log (when, answer, ms, route): $(fake GET /_fake/log | jq -r '.requests[] | "\(.at) \(.status) \(.ms) \(.route)"')"
diag "$(echo "$t0 $t1" | awk '{ printf "30 pages in %.1f s: %.0f pages/minute with two workers", $2 - $1, 30 * 60 / ($2 - $1) }'); $(echo "$stats" | jq -c '{requests, window_max, max_in_flight, rate_limited}')"
check_same "both workers took part" "$(grep -c 'worker=one\..*queue=notion-queue outcome=finished' "$tmp/worker.log" | awk '$1 > 0 {print "yes"}')$(grep -c 'worker=two\..*queue=notion-queue outcome=finished' "$tmp/worker.log" | awk '$1 > 0 {print "yes"}')" "yesyes"
done_testing
