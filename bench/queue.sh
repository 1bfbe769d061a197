#!/bin/sh
# bench/queue.sh - tq-submit wall time for 1,000 and 10,000 URLs
# (process start included), end-to-end items/s for tiny local pages
# with 1 and 2 worker processes, the per-job cost of the fork, and the
# memory of an idle worker and of the supervisor.  Private Redis,
# PostgreSQL and web server, as in the tests.  `make` first.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
start_redis
start_pg
start_httpd

ms() { echo "($2 - $1) * 1000" | bc -l | xargs printf '%.0f'; }
now() { date +%s.%N; }
urls() {	# urls N TAG: N distinct tiny pages
	awk -v n="$1" -v h="$HTTP" -v t="$2" \
	    'BEGIN { for (i = 0; i < n; i++) printf "%s/t/page?title=%s%d&words=30\n", h, t, i }'
}

# into a database whose schema is there, as every submit but the first
# after an install finds it (tq-model list applies the migrations, some
# 50 ms on a fresh database, which the 1,000 URLs used to pay)
tq-model list >/dev/null || bail "tq-model list failed"
for n in 1000 10000; do
	urls "$n" "s$n" >"$tmp/u$n"
	t0=$(now)
	tq-submit parse - <"$tmp/u$n" >/dev/null || bail "tq-submit failed"
	t1=$(now)
	echo "tq-submit: $n URLs in $(ms "$t0" "$t1") ms (one process, new links)"
done
t0=$(now)
tq-submit parse - <"$tmp/u10000" >/dev/null
t1=$(now)
echo "tq-submit: 10000 known URLs in $(ms "$t0" "$t1") ms"
# tq-cancel of a task of 100,000 queued jobs, the table's statistics
# taken first (as autovacuum would): one pass over the Redis queue, and
# no self-join in PostgreSQL (both were quadratic: minutes, and hours
# for a million)
urls 100000 c >"$tmp/u100k"
psqlc "ANALYZE task_items" >/dev/null
big=$(tq-submit parse - <"$tmp/u100k" | jq -r .task_id)
t0=$(now)
tq-cancel -q "$big" >/dev/null || bail "tq-cancel failed"
t1=$(now)
echo "tq-cancel: a task of 100000 queued jobs in $(ms "$t0" "$t1") ms"
t0=$(now)
tq-show "$big" >/dev/null || bail "tq-show failed"
t1=$(now)
echo "tq-show: the 100000 links of that task in $(ms "$t0" "$t1") ms"
# the tasks above are not for the workers
rcli del rq:queue:parsing-queue >/dev/null
# (their items as rows first: a submit of 5,000 or more writes batches)
psqlc "SELECT tq_items_fill(id, NULL) FROM processing_tasks; UPDATE task_items SET status = 'cancelled'; UPDATE processing_tasks SET status = 'cancelled'" >/dev/null

for w in 1 2; do
	n=2000
	urls "$n" "w$w" >"$tmp/w$w"
	tq-submit parse - <"$tmp/w$w" >"$out"
	t=$(jq -r .task_id "$out")
	t0=$(now)
	start_worker -n "$w" -Q parsing-queue -l warn
	tq-wait -t 300 -I "$t" >/dev/null || bail "task $t did not complete"
	t1=$(now)
	echo "end to end: $n tiny pages (fetch + extract + store), $w worker process(es): $(echo "$n / ($t1 - $t0)" | bc -l | xargs printf '%.0f') items/s"
	if [ "$w" = 1 ]; then
		sleep 1
		sup=$TQ_WORKER_PID
		wpid=$(pgrep -P "$sup" | head -1)
		echo "memory: supervisor RSS $(ps -o rss= -p "$sup" | tr -d ' ') KiB, idle worker RSS $(ps -o rss= -p "$wpid" | tr -d ' ') KiB"
	fi
	stop_worker
done

# jobs without work (their link is gone: the child fails at once) cost
# claim + fork + report + record + ack; the worker's debug log says
# where the time goes
for w in 1 2; do
	n=3000
	urls "$n" "f$w" >"$tmp/f$w"
	tq-submit parse - <"$tmp/f$w" >"$out"
	t=$(jq -r .task_id "$out")
	psqlc "SELECT tq_items_fill($t, NULL); UPDATE task_items SET item_id = -item_id WHERE task_id = $t" >/dev/null
	: >"$tmp/worker.log"
	t0=$(now)
	start_worker -n "$w" -Q parsing-queue -l debug -L
	tq-wait -t 300 -I "$t" >/dev/null
	t1=$(now)
	stop_worker
	echo "jobs without work, $w worker process(es): $(echo "$n / ($t1 - $t0)" | bc -l | xargs printf '%.0f') jobs/s"
	# the engine logs, at debug, each job's claim in PostgreSQL and
	# the rest (run, record, ack) until its outcome
	grep '"event":"job"' "$tmp/worker.log" | jq -rs 'def avg(f): (map(f) | add / length * 1000 | round / 1000);
		map(select(.claim_ms != null)) |
		"  per job, ms: claim \(avg(.claim_ms)), then run + record + ack \(avg(.claimed_ms)) (\(length) jobs)"'
done
