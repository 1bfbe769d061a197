#!/bin/sh
# The kill loop of issue 8: two supervisors share one Redis and one
# PostgreSQL while workers and whole supervisors die by SIGKILL every
# 0.5-2 s, for TQ_KILL_SECONDS (default 60) over 1,000 items.  Every
# item ends exactly once, and every crash is counted once: at most one
# per job a killed worker process held (each runs at most $c at once),
# and every page fetched again is explained by a crash that was counted.
. "$(dirname "$0")/lib.sh"
plan 7
start_redis
start_pg
start_httpd
export TQ_MAINT_INTERVAL=2
# many jobs for one local site: the per-site limit (3700-sites.t) is not under test here
export TQ_SITE_CONCURRENCY=0
secs=${TQ_KILL_SECONDS:-60}
n=${TQ_KILL_ITEMS:-1000}
c=8	# jobs in flight per worker

sups=""
start_sup() {	# start_sup NAME: a supervisor of 3 workers
	start_worker -n 3 -c parsing-queue=$c -Q parsing-queue -t parsing-queue=20 -N "$1"
	eval "sup_$1=$TQ_WORKER_PID"
}
alive() { kill -0 "$1" 2>/dev/null; }
start_sup a
start_sup b

seq 1 "$n" | sed "s|^|$HTTP/t/sleep?s=0.3\\&key=k\\&n=|" | tq-submit parse - >"$out"
t=$(jq -r .task_id "$out")
killed=0
rounds=0
t0=$(date +%s)
while [ $(($(date +%s) - t0)) -lt "$secs" ]; do
	sleep "$(shuf -i 500-2000 -n 1 | sed 's/...$/.&/')"
	s=$(shuf -e a b -n 1)
	eval "sp=\$sup_$s"
	ws=$(pgrep -P "$sp" | tr '\n' ' ')
	if [ "$(shuf -i 1-10 -n 1)" -le 7 ]; then
		# one worker process
		w=$(echo $ws | tr ' ' '\n' | shuf -n 1)
		[ -n "$w" ] && kill -KILL "$w" 2>/dev/null && killed=$((killed + 1))
	else
		# the whole supervisor with its workers, then a new one
		kill -KILL "$sp" $ws 2>/dev/null
		wait "$sp" 2>/dev/null
		killed=$((killed + $(echo $ws | wc -w)))
		start_sup "$s"
	fi
	rounds=$((rounds + 1))
done
for s in a b; do
	eval "sp=\$sup_$s"
	alive "$sp" || start_sup "$s"
done
tq-wait -t 300 "$t" >/dev/null
check_same "every item ended" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status IN ('pending', 'running')")" 0
check_same "none failed but for 3 crashes" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status <> 'completed' AND error_message NOT LIKE 'worker died 3 times%'")" 0
check_same "every completed item stored once" "$(psqlc "SELECT count(*) FROM task_items i JOIN parsed_contents p ON p.link_id = i.item_id WHERE i.task_id = $t AND i.status = 'completed' AND p.parse_count <> 1")" 0
crashes=$(psqlc "SELECT sum(crash_count) FROM task_items WHERE task_id = $t")
hits=$(curl -s "$HTTP/t/count?key=k")
diag "$rounds kill rounds in $secs s: $killed worker processes killed, $crashes crashes counted, $hits fetches for $n items"
ok "$([ "$crashes" -le $((killed * c)) ] && echo 0 || echo 1)" "crashes counted ($crashes) <= jobs the killed workers held (at most $killed x $c)"
ok "$([ "$hits" -le $((n + crashes)) ] && echo 0 || echo 1)" "every fetch again is a counted crash ($hits <= $n + $crashes)"
ok "$([ "$killed" -ge $((secs / 3)) ] && echo 0 || echo 1)" "the loop killed often enough ($killed)"
check_same "Redis holds nothing of it" "$(rcli LLEN rq:queue:parsing-queue) $(rcli ZCARD rq:wip:parsing-queue) $(rcli --scan --pattern 'tq:active:*' | while read -r k; do rcli LLEN "$k"; done | awk '{s += $1} END {print s + 0}')" "0 0 0"
for s in a b; do
	eval "sp=\$sup_$s"
	stop_worker "$sp"
done
done_testing
