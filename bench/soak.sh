#!/bin/sh
# bench/soak.sh - a long-lived worker: rounds of 1,500 pages parsed and
# then summarised by the builtin AI (a chain), the worker process's
# resident memory and open descriptors after each round.  A worker that
# runs for weeks must not grow with the jobs it has done: what a job
# takes (its page, its tree, its connections' buffers) goes back.
# Private Redis, PostgreSQL and web server, as in the tests.  `make`
# first.  SOAK_ROUNDS (6) rounds.
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"
rounds=${SOAK_ROUNDS:-6}
per=1500

start_worker -n 1 parsing-queue ai-queue
wait_for 10 sh -c "pgrep -P $TQ_WORKER_PID >/dev/null" ||
	bail "tq-worker started no worker process"
wpid=$(pgrep -P "$TQ_WORKER_PID" | head -1)
rss() { ps -o rss= -p "$1" | tr -d ' '; }
# the worker is not dumpable: root alone may list its descriptors
fds() { [ -r "/proc/$1/fd" ] && ls "/proc/$1/fd" | wc -l || echo -; }

echo "soak: $rounds rounds of $per pages parsed, then summarised" \
    "(builtin AI), tq-worker -n 1, $(nproc) CPUs," \
    "$(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null)"
printf '%-6s %8s %16s %9s %6s\n' round items "worker RSS KiB" "open fds" secs
printf '%-6s %8s %16s %9s %6s\n' start 0 "$(rss "$wpid")" "$(fds "$wpid")" -
r=1
while [ "$r" -le "$rounds" ]; do
	awk -v r="$r" -v n="$per" -v h="$HTTP/harbor-batteries.html" '
	    BEGIN { for (i = 0; i < n; i++) print h "?r=" r "&i=" i }' \
	    >"$tmp/urls"
	t0=$(date +%s.%N)
	tq-submit -j parse --then ai - <"$tmp/urls" >"$tmp/task.json" ||
		bail "tq-submit failed"
	tq-wait -t 600 --chain "$(jq -r .task_id "$tmp/task.json")" \
	    >/dev/null || bail "round $r did not complete"
	t1=$(date +%s.%N)
	kill -0 "$wpid" 2>/dev/null || bail "the worker process is gone"
	done=$(psqlc "SELECT count(*) FROM task_items
	    WHERE status = 'completed'")
	m=$(rss "$wpid")
	[ "$r" -eq 2 ] && m2=$m lo=$m hi=$m
	[ "$r" -gt 2 ] && [ "$m" -lt "$lo" ] && lo=$m
	[ "$r" -gt 2 ] && [ "$m" -gt "$hi" ] && hi=$m
	printf '%-6s %8s %16s %9s %6.1f\n' "$r" "$done" "$m" "$(fds "$wpid")" \
	    "$(echo "$t1 - $t0" | bc -l)"
	r=$((r + 1))
done
if [ "$rounds" -ge 3 ]; then
	grow=$((m - m2))
	items=$(((rounds - 2) * per * 2))
	echo "worker RSS in rounds 2 to $rounds: $lo to $hi KiB; round" \
	    "$rounds against round 2: $grow KiB for $items more items"
fi
