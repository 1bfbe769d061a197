#!/bin/sh
# bench/chain.sh - a chain (tq-submit parse --then ai) next to the same
# work with tq-wait between the stages (tq-submit parse | tq-wait |
# tq-submit ai | tq-wait), same run, same worker: the time from the
# first page parsed to its AI result, the mean of that over all pages,
# and the wall time from the submit to the last AI result.  50 pages
# from bench/sleepd.py, first all answering after 1 s, then answering
# after 1 to 5 s (the slowest page holds up a pipeline with tq-wait).
# Private Redis and PostgreSQL; builtin AI; one worker process.
# Reports and never asserts.  `make` first.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
need bc bc
N=${N:-50}
start_redis
start_pg
python3 "$TQ_TOP/bench/sleepd.py" --port-file "$tmp/sleepd.port" \
	>"$tmp/sleepd.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/sleepd.port" ||
	bail "bench/sleepd.py did not start: $(tail -3 "$tmp/sleepd.log")"
WEB=http://127.0.0.1:$(cat "$tmp/sleepd.port")
# one local site: per-site politeness is not measured here
TQ_ALLOW_PRIVATE=1 TQ_SITE_CONCURRENCY=0
export TQ_ALLOW_PRIVATE TQ_SITE_CONCURRENCY
start_worker -n 1
wait_for 30 psqlc "SELECT 1 FROM processing_tasks"

urls() {	# urls TAG SPREAD: N pages after 1 s, or 1..SPREAD s
	awk -v n="$N" -v w="$2" -v t="$1" -v h="$WEB" \
	    'BEGIN { for (i = 0; i < n; i++) printf "%s/sleep?s=%d&n=%d&tag=%s\n", h, 1 + i % w, i, t }'
}
num() { printf "%.${2:-3}f" "$(echo "$1" | bc -l)"; }
# lat PARSE AI JOIN: first page's latency, mean latency, submit to last
lat() {
	psqlc "WITH p AS (SELECT s.completed_at AS pt, a.completed_at AS at
	    FROM task_items s JOIN task_items a ON $3
	    WHERE s.task_id = $1 AND a.task_id = $2 AND s.status = 'completed'
	    AND a.status = 'completed')
	  SELECT round(extract(epoch FROM (SELECT at - pt FROM p ORDER BY pt LIMIT 1))::numeric, 3),
	    round(extract(epoch FROM avg(at - pt))::numeric, 3),
	    round(extract(epoch FROM max(at) - (SELECT created_at FROM processing_tasks WHERE id = $1))::numeric, 3),
	    count(*) FROM p"
}
run() {	# run LABEL SPREAD
	urls "c$2" "$2" >"$tmp/c.txt"
	urls "w$2" "$2" >"$tmp/w.txt"
	tq-submit -j parse --then ai - <"$tmp/c.txt" >"$tmp/c.json"
	a=$(jq -r .task_id "$tmp/c.json")
	b=$(jq -r .next_task_id "$tmp/c.json")
	tq-wait --chain -I -q -t 300 "$a" >/dev/null
	c=$(lat "$a" "$b" "a.source_item_id = s.id")
	tq-submit -j parse - <"$tmp/w.txt" >"$tmp/w.json"
	wa=$(jq -r .task_id "$tmp/w.json")
	tq-wait -q -t 300 "$wa" | tq-submit -j -q ai | tq-wait -I -q -t 300 >"$tmp/wb.json"
	wb=$(jq -r .task_id "$tmp/wb.json")
	w=$(lat "$wa" "$wb" "a.item_id = (s.result_data ->> 'parsed_content_id')::bigint")
	echo "$1"
	printf '  %-28s %16s %16s\n' "" "--then (chain)" "tq-wait between"
	printf '  %-28s %14s s %14s s\n' "first page parsed -> its AI" \
	    "$(echo "$c" | cut -d'|' -f1)" "$(echo "$w" | cut -d'|' -f1)"
	printf '  %-28s %14s s %14s s\n' "mean page parsed -> its AI" \
	    "$(echo "$c" | cut -d'|' -f2)" "$(echo "$w" | cut -d'|' -f2)"
	printf '  %-28s %14s s %14s s\n' "submit -> last AI result" \
	    "$(echo "$c" | cut -d'|' -f3)" "$(echo "$w" | cut -d'|' -f3)"
	printf '  %-28s %16s %16s\n' "AI results" \
	    "$(echo "$c" | cut -d'|' -f4)" "$(echo "$w" | cut -d'|' -f4)"
}
echo "chains: $N pages from bench/sleepd.py, builtin AI, tq-worker -n 1 ($(nproc) CPUs)"
run "pages answering after 1 s" 1
run "pages answering after 1 to 5 s" 5
stop_worker
