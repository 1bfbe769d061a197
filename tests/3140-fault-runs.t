#!/bin/sh
# Fault runs of issue 8 over 300 items served by two supervisors:
# PostgreSQL down for 20 s, Redis restarted empty, Redis out of memory.
# Every item ends, each completed once, and no page is fetched twice.
. "$(dirname "$0")/lib.sh"
plan 10
start_redis
# PostgreSQL is crashed below: a cluster with synchronous_commit off
# (the harness's default, for speed) loses its last commits then by
# design, and their items run again; commit as a real cluster does
TQ_PG_SYNC=on
start_pg
start_httpd
export TQ_MAINT_INTERVAL=2 TQ_RECONCILE_GRACE=5
n=300
done_items() { psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status NOT IN ('pending', 'running')"; }
at_least() { [ "$(done_items)" -ge "$1" ]; }

start_worker -n 2 -Q parsing-queue -N fa
sa=$TQ_WORKER_PID
start_worker -n 2 -Q parsing-queue -N fb
sb=$TQ_WORKER_PID
seq 1 "$n" | sed "s|^|$HTTP/t/sleep?s=0.1\\&key=f\\&n=|" | tq-submit parse - >"$out"
t=$(jq -r .task_id "$out")

# PostgreSQL down for 20 s in the middle of the work
wait_for 30 at_least 40
stop_pg immediate
sleep 20
start_pg_again
a=$(done_items)
diag "after PostgreSQL's 20 s away: $a of $n items ended"

# Redis restarted without its data
wait_for 60 at_least $((a + 40))
kill -KILL "$TQ_REDIS_PID"
wait "$TQ_REDIS_PID" 2>/dev/null
rm -f "$tmp/redis.sock"
start_redis
b=$(done_items)
diag "after Redis restarted empty: $b of $n items ended"

# Redis out of memory for 5 s: every write refused
wait_for 60 at_least $((b + 30))
rcli CONFIG SET maxmemory-policy noeviction >/dev/null
rcli CONFIG SET maxmemory 1 >/dev/null
sleep 5
rcli CONFIG SET maxmemory 0 >/dev/null
diag "after Redis refused writes for 5 s: $(done_items) of $n items ended"

check "every item ends" tq-wait -t 180 "$t"
check_same "all completed" "$(jq -r '"\(.completed_items) \(.failed_items)"' "$out")" "$n 0"
check_same "each stored once" "$(psqlc "SELECT count(*), sum(p.parse_count) FROM task_items i JOIN parsed_contents p ON p.link_id = i.item_id WHERE i.task_id = $t")" "$n|$n"
hits=$(curl -s "$HTTP/t/count?key=f")
diag "$hits fetches for $n items"
check_same "each page fetched once" "$hits" "$n"
check_same "no retry used" "$(psqlc "SELECT sum(retry_count) FROM task_items WHERE task_id = $t")" 0
check_match "the workers waited for PostgreSQL" "$(cat "$tmp/worker.log")" ' (record|backend|claim) worker='
check_same "none failed a job for it" "$(grep -c 'outcome=failed' "$tmp/worker.log")" 0
check_same "queues empty" "$(rcli LLEN rq:queue:parsing-queue)" 0
# a worker that lost PostgreSQL while it wrote outcomes together once
# spun for ever in libpq, deaf to signals, and its jobs ran again
check "the first supervisor stops on TERM, its workers too" stop_worker "$sa"
check "the second too" stop_worker "$sb"
done_testing
