#!/bin/sh
# A worker that runs short of a resource degrades, and loses, fails
# and retries nothing for it.
#
# Descriptors: under ulimit -n 64, 150 parse jobs in flight (no site
# limit) run fewer transfers at once, as many as the limit leaves room
# for; none fails as "couldn't connect", none counts a retry, and the
# job processes the pages need can still start.
#
# Memory: under ulimit -v, a page whose extraction needs more than the
# limit fails that item, saying so; the worker goes on.
#
# The log: a worker whose standard error no one reads (a pipe full)
# goes on, dropping the lines it cannot write within a second, and
# says how many once its log is read again.  So does tq-api, whose
# requests are answered all the same.
#
# Redis at maxclients answers a new connection's first command with
# "ERR max number of clients reached" and closes it: the tools say so
# (not "Broken pipe"), exit 4, and tq-api answers 503, not 500.
#
# Processes: a worker that cannot fork its job processes (ulimit -u,
# for a user other than root) sets its jobs aside, saying why, logs it
# once a minute, not at every turn of its loop, and runs them once it
# can fork again.  A supervisor that cannot fork a worker says so and
# tries again later each time (1 s, 2 s, 4 s...), as it restarts a
# worker that keeps dying young; it does not exit for want of workers.
. "$(dirname "$0")/lib.sh"
plan 33
start_redis
start_pg
start_httpd
tq-model list >/dev/null || bail "tq-model list failed"

awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 150; i++)
    printf "%s/t/sleep?s=1&title=fd%d\n", h, i }' >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >/dev/null || bail "tq-submit failed"
task=$(psqlc "SELECT max(id) FROM processing_tasks")
(
	ulimit -n 64
	TQ_SITE_CONCURRENCY=0 exec tq-worker -n 1 -J 2 -c parsing-queue=150
) >>"$tmp/worker.log" 2>&1 &
TQ_WORKER_PID=$!
_pids="$TQ_WORKER_PID $_pids"
check "ulimit -n 64: the task of 150 pages completes" tq-wait -t 90 "$task"
check_same "every page completed" \
    "$(psqlc "SELECT status, completed_items, failed_items FROM processing_tasks WHERE id = $task")" \
    "completed|150|0"
check_same "no retry counted" \
    "$(psqlc "SELECT count(*) FROM task_items_all WHERE task_id = $task AND retry_count > 0")" 0
check_same "no transfer failed to connect" \
    "$(grep -c "connect" "$tmp/worker.log")" 0
check_same "no job process failed to start" \
    "$(grep -c "job process" "$tmp/worker.log")" 0
check "the worker stops" stop_worker

# AddressSanitizer reserves terabytes of address space: no ulimit -v
# leaves it room to start, nor valgrind
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-worker" | grep -q libasan; then
	skip 5 "ulimit -v under a sanitizer or valgrind"
else
	: >"$tmp/worker.log"
	(
		ulimit -v 85000
		exec tq-worker -n 1 -J 1 parsing-queue
	) >>"$tmp/worker.log" 2>&1 &
	TQ_WORKER_PID=$!
	_pids="$TQ_WORKER_PID $_pids"
	tq-submit parse "$HTTP/t/big?mb=9" >"$tmp/big" || bail "tq-submit failed"
	check_status 1 "ulimit -v 85000: a page of 9 MiB fails" tq-wait -t 60 <"$tmp/big"
	check_same "out of memory, it says, once, with no retry and no crash" \
	    "$(psqlc "SELECT status, retry_count, crash_count, error_message FROM task_items_all WHERE task_id = $(jq -r .task_id "$tmp/big")")" \
	    "failed|0|0|out of memory in the job's process (ulimit -v 85000)"
	tq-submit parse "$HTTP/t/page?title=small" >"$tmp/small" ||
	    bail "tq-submit failed"
	check "the worker goes on: a small page completes" tq-wait -t 60 <"$tmp/small"
	check_same "the worker did not die, and logged no line of its own" \
	    "$(grep -v -c " tq-worker \(start\|job\|stop\) " "$tmp/worker.log")" 0
	check "the worker stops" stop_worker
fi

mkfifo "$tmp/log.fifo"
sleep 300 <"$tmp/log.fifo" &	# holds the pipe open, reads nothing
_pids="$! $_pids"
TQ_SITE_CONCURRENCY=0 tq-worker -n 1 -c parsing-queue=20 \
    2>"$tmp/log.fifo" &
TQ_WORKER_PID=$!
_pids="$TQ_WORKER_PID $_pids"
awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 400; i++)
    printf "%s/t/page?title=log%d\n", h, i }' >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >"$tmp/logtask" || bail "tq-submit failed"
check "stderr not read: 400 jobs complete all the same" \
    tq-wait -t 60 <"$tmp/logtask"
check_same "none crashed, none retried" \
    "$(psqlc "SELECT count(*) FROM task_items_all WHERE task_id = $(jq -r .task_id "$tmp/logtask") AND (crash_count > 0 OR retry_count > 0)")" 0
cat "$tmp/log.fifo" >"$tmp/log.out" &
_pids="$! $_pids"
tq-submit parse "$HTTP/t/page?title=after" >"$tmp/after" ||
    bail "tq-submit failed"
check "once read again, a page completes" tq-wait -t 30 <"$tmp/after"
wait_for 10 grep -q "task=$(jq -r .task_id "$tmp/after") " "$tmp/log.out"
check_match "the lines dropped are counted, in a line of the log" \
    "$(grep -v ' job \| start ' "$tmp/log.out")" \
    '^[-0-9T:.]+Z warn  tq-worker log dropped=[1-9][0-9]* error="standard error took no more lines"$'
check "the worker stops" stop_worker

mkfifo "$tmp/api.fifo"
sleep 300 <"$tmp/api.fifo" &
_pids="$! $_pids"
tq-api -l 127.0.0.1:0 2>"$tmp/api.fifo" &
_pids="$! $_pids"
head -n 1 <"$tmp/api.fifo" >"$tmp/api.line"
A=http://127.0.0.1:$(sed -n 's/.* port=\([0-9]*\).*/\1/p' "$tmp/api.line")
# 1,000 requests log some 100 KB, more than a pipe holds
awk -v a="$A" 'BEGIN { for (i = 0; i < 1000; i++)
    printf "url = \"%s/api/monitoring/queues\"\noutput = /dev/null\n", a }' \
    >"$tmp/curl.cfg"
check_same "tq-api, stderr not read: 1,000 requests answered" \
    "$(timeout 60 curl -s -m 10 -K "$tmp/curl.cfg" -w '%{http_code}\n' | sort | uniq -c | tr -s ' ')" \
    " 1000 200"

rcli config set maxclients 3 >/dev/null
/usr/bin/python3 -c '
import socket, sys, time
held = []
for i in range(3):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    held.append(s)
open(sys.argv[2], "w").close()
time.sleep(8)
' "$tmp/redis.sock" "$tmp/held" &
holder=$!
_pids="$holder $_pids"
wait_for 10 test -e "$tmp/held"
# ten times each: the server's answer and its close race the first
# command, and either must be told as what it is
for i in 1 2 3 4 5 6 7 8 9 10; do
	tq-stats >/dev/null 2>>"$tmp/maxcl.err"
	echo "$?" >>"$tmp/maxcl.rc"
	curl -s -m 10 -o "$out" -w '%{http_code} ' "$A/api/monitoring/queues" \
	    >>"$tmp/maxcl.api"
	jq -r .error "$out" >>"$tmp/maxcl.api"
done
check_same "Redis at maxclients: tq-stats exits 4" \
    "$(sort "$tmp/maxcl.rc" | uniq -c | tr -s ' ')" " 10 4"
check_same "and says why" "$(sort "$tmp/maxcl.err" | uniq -c | tr -s ' ')" \
    " 10 tq-stats: redis: $tmp/redis.sock: ERR max number of clients reached"
# a thread of tq-api's whose connection is open answers
check_match "tq-api: 503, Redis unavailable, never 500" \
    "$(sort -u "$tmp/maxcl.api" | tr '\n' ';')" \
    '^(200 null;)?503 redis unavailable;$'
wait "$holder"
rcli config set maxclients 10000 >/dev/null

# tq-api under `ulimit -n 64`, asked for 1,024 connections (the
# default), and 100 clients that connect and say nothing: past the
# file limit accept(2) failed with EMFILE again and again, a core spun
# at 100% until the clients went; now the connections are kept within
# the limit, which is said once (valgrind keeps a few descriptors of
# the 64 for itself)
(ulimit -n 64 && exec tq-api -l 127.0.0.1:0) 2>"$tmp/fd.err" &
fdapi=$!
_pids="$fdapi $_pids"
wait_for 10 grep -q ' listening ' "$tmp/fd.err" || bail "tq-api did not start"
P=$(sed -n 's/.* listening .* port=\([0-9]*\).*/\1/p' "$tmp/fd.err")
check_match "the connections kept within the file limit, said once" \
    "$(grep -v ' request ' "$tmp/fd.err" | head -1)" \
    '^[-0-9T:.]+Z warn  tq-api connections asked=1024 limit=[1-9][0-9]* nofile=[1-6][0-9]$'
/usr/bin/python3 -c '
import socket, sys, time
held = []
for i in range(100):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2))
    except OSError:
        break
open(sys.argv[2], "w").close()
time.sleep(6)
' "$P" "$tmp/fdheld" &
holder=$!
_pids="$holder $_pids"
wait_for 10 test -e "$tmp/fdheld"
cpu() { awk '{ print $14 + $15 }' "/proc/$fdapi/stat"; }
c0=$(cpu)
# and more knocking: a connection in the backlog that accept(2) cannot
# take keeps the listening socket readable
for i in 1 2 3; do
	curl -s -m 1 -o /dev/null "http://127.0.0.1:$P/api/monitoring/queues"
done
c1=$(cpu)
check "clients held past the limit: tq-api does not spin ($((c1 - c0)) CPU ticks in 3 s of clients waiting)" \
    test "$((c1 - c0))" -lt 100
wait "$holder"
check_same "and serves once they go" \
    "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/api/monitoring/queues")" \
    200

# a worker that dies young is started again later each time
: >"$tmp/young.log"
tq-worker -n 1 -Q parsing-queue >>"$tmp/young.log" 2>&1 &
sup=$!
_pids="$sup $_pids"
wait_for 10 pgrep -P "$sup" >/dev/null
w1=$(pgrep -P "$sup")
kill -KILL "$w1"
wait_for 5 sh -c "pgrep -P $sup | grep -qv '^$w1\$'"
kill -KILL "$(pgrep -P "$sup")"
sleep 0.5
check_same "a worker that dies young is restarted later each time" \
    "$(grep -o 'worker died pid=[0-9]* how=KILL restart_in=[0-9]*' "$tmp/young.log" | sed 's/.*=//' | tr '\n' ' ')" \
    "1 2 "
check "its supervisor stops" stop_worker "$sup"

# root has no limit on processes: the worker runs as nobody
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
    ! setpriv --reuid=nobody --regid=nogroup --clear-groups \
    tq-worker -V >/dev/null 2>&1; then
	skip 8 "needs root, setpriv, and a tree that nobody may run"
	done_testing
	exit
fi
: >"$tmp/worker.log"
chmod 777 "$tmp/redis.sock"
# the supervisor, its worker and a sleep of nobody's: no room for a
# job process until the sleep ends
setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 300 &
sleeper=$!
_pids="$sleeper $_pids"
n=$(ps -u nobody -o pid= | wc -l)
prlimit --nproc=$((n + 2)) setpriv --reuid=nobody --regid=nogroup \
    --clear-groups tq-worker -n 1 -J 1 -t parse=5 >>"$tmp/worker.log" 2>&1 &
TQ_WORKER_PID=$!
_pids="$TQ_WORKER_PID $_pids"
tq-submit parse "$HTTP/t/page?title=nproc" >"$tmp/np" || bail "tq-submit failed"
item=$(psqlc "SELECT max(id) FROM task_items_all")
wait_for 30 sh -c "[ -n \"\$(psql -X -A -t -c \"SELECT 1 FROM task_items_all WHERE id = $item AND error_message IS NOT NULL\" \"$TQ_DATABASE_URL\")\" ]"
check_same "ulimit -u: the job is set aside, saying that fork failed" \
    "$(psqlc "SELECT retry_count, error_message FROM task_items_all WHERE id = $item")" \
    "0|cannot start a job process: fork: Resource temporarily unavailable"
sleep 3
check_same "the failed starts are logged once" \
    "$(grep -c "job process error=\"cannot start one: fork: Resource temporarily unavailable\" failed=1$" "$tmp/worker.log") $(grep -c "job process" "$tmp/worker.log")" \
    "1 1"
kill "$sleeper"
check "once it can fork, the page completes" tq-wait -t 60 <"$tmp/np"
check "the worker stops" stop_worker

# the supervisor and a sleep of nobody's: no room for its worker
: >"$tmp/sup.log"
setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 300 &
sleeper=$!
_pids="$sleeper $_pids"
n=$(ps -u nobody -o pid= | wc -l)
prlimit --nproc=$((n + 1)) setpriv --reuid=nobody --regid=nogroup \
    --clear-groups tq-worker -n 1 -Q parsing-queue >>"$tmp/sup.log" 2>&1 &
sup=$!
_pids="$sup $_pids"
sleep 3.5
check "ulimit -u: a supervisor that cannot fork its worker stays" \
    kill -0 "$sup"
check_same "it says so, trying again later each time" \
    "$(grep -o 'error tq-worker fork error="Resource temporarily unavailable" restart_in=[0-9]*' "$tmp/sup.log" | sed 's/.*=//' | tr '\n' ' ')" \
    "1 2 4 "
kill "$sleeper"
wait "$sleeper"
wait_for 20 pgrep -P "$sup" >/dev/null
w1=$(pgrep -P "$sup")
check_match "once it can fork, its worker starts" "$w1" '^[0-9]+$'
check "the supervisor stops" stop_worker "$sup"
done_testing
