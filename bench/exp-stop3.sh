#!/bin/sh
TQ_TEST_TIMEOUT=0
. "$(dirname "$0")/../tests/lib.sh"
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=1
start_worker -n 2 -Q parsing-queue -Q ai-queue
sleep 1
awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 100; i++) printf "%s/t/sleep?s=0.%d&k=%d\n", h, i % 9 + 1, i }' >"$tmp/u"
echo "== submit while Redis is stopped (15 s)"
kill -STOP $TQ_REDIS_PID
( sleep 15; kill -CONT $TQ_REDIS_PID ) &
t0=$(date +%s)
tq-submit parse --then ai - <"$tmp/u" >"$tmp/t1"; echo "tq-submit exit $? after $(( $(date +%s) - t0 )) s"
cat "$tmp/t1" | head -c 300; echo
wait $!
sleep 5; psqlc "SELECT count(*) FROM processing_tasks"; rcli keys "rq:job:*" | wc -l
psqlc "SELECT id, type, status, completed_items, total_items FROM processing_tasks ORDER BY id"
echo "== submit while PostgreSQL is stopped (15 s)"
awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 100; i++) printf "%s/t/sleep?s=0.%d&l=%d\n", h, i % 9 + 1, i }' >"$tmp/u2"
pm=$(head -1 "$tmp/pg/postmaster.pid"); pgs="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
kill -STOP $pgs
( sleep 15; kill -CONT $pgs ) &
t0=$(date +%s)
tq-submit parse --then ai - <"$tmp/u2" >"$tmp/t2"; echo "tq-submit exit $? after $(( $(date +%s) - t0 )) s"
wait $!
timeout 120 tq-wait -t 110 <"$tmp/t2" >/dev/null; echo "tq-wait: $?"
psqlc "SELECT id, type, status, completed_items, total_items FROM processing_tasks ORDER BY id"
echo "== Redis stopped 75 s with jobs in flight"
awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 200; i++) printf "%s/t/sleep?s=0.%d&m=%d\n", h, i % 9 + 1, i }' >"$tmp/u3"
tq-submit parse --then ai - <"$tmp/u3" >"$tmp/t3"
sleep 2
kill -STOP $TQ_REDIS_PID; sleep 75; kill -CONT $TQ_REDIS_PID
timeout 150 tq-wait -t 140 <"$tmp/t3" >/dev/null; echo "tq-wait: $?"
psqlc "SELECT id, type, status, completed_items, failed_items, total_items FROM processing_tasks ORDER BY id"
psqlc "SELECT error_message, count(*) FROM task_items WHERE status <> 'completed' GROUP BY 1"
psqlc "SELECT count(*), sum(parse_count) FROM parsed_contents"
cp "$tmp/worker.log" /tmp/ana/stop3-worker.log
