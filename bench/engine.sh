#!/bin/sh
# bench/engine.sh - the engine benchmarks of issue 10, tq next to its
# competitors in the same run, on private servers (Redis and
# PostgreSQL on unix sockets, web and AI stand-ins on 127.0.0.1):
#   1. 1,000 pages that each answer after 1 s, the seed's 3 parsing
#      workers: pages/s and the wall time until tq-wait returns; RQ 1.13
#      with 3 forking workers (60 pages) and Celery 5.2 with a gevent
#      pool of 100 (300 pages) fetching the same kind of pages;
#   2. 200 ai items against tests/fake-openai.py answering after 2 s,
#      the seed's 2 ai workers: wall time until all are done;
#   3. jobs without work (claim, run, record, ack), one worker: tq
#      against RQ's forking worker;
#   4. memory: an idle worker process's anonymous memory, and the
#      increase per fetch in flight against pages that stall (RQ's idle
#      worker and its work horse beside it);
#   5. two supervisors (-N a, -N b) sharing one Redis and PostgreSQL
#      drain one task of 500 pages: time, no page fetched twice, no
#      item run twice.
# It reports and never asserts.  A run that cannot finish (an engine
# with one job in flight per worker) stops at a cap and reports the
# rate so far.  `make` first; `sh bench/engine.sh [section...]` runs
# only those sections.  The pages come from bench/sleepd.py.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
need /usr/bin/python3 python3
need bc bc
/usr/bin/python3 -c 'import rq' 2>/dev/null || bail "install python3-rq"
sections=${*:-1 2 3 4 5}
CAP1=${CAP1:-30}	# s: section 1's tq run, at most
CAP2=${CAP2:-30}	# s: section 2
CAP5=${CAP5:-60}	# s: section 5
T0=$(date +%s)

start_redis
start_pg
python3 "$TQ_TOP/bench/sleepd.py" --port-file "$tmp/sleepd.port" \
	>"$tmp/sleepd.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/sleepd.port" ||
	bail "bench/sleepd.py did not start: $(tail -3 "$tmp/sleepd.log")"
WEB=http://127.0.0.1:$(cat "$tmp/sleepd.port")
TQ_ALLOW_PRIVATE=1
export TQ_ALLOW_PRIVATE
# the pages all come from one local server; per-site politeness is
# measured on its own (bench/sites.sh), not here
TQ_SITE_CONCURRENCY=0
export TQ_SITE_CONCURRENCY
RQURL=unix://$tmp/redis.sock

now() { date +%s.%N; }
num() {	# num EXPR [DECIMALS]
	printf "%.${2:-1}f" "$(echo "$1" | bc -l)"
}
row() {	# row WHAT TQ OTHER RATIO TARGET
	printf '%-34s %15s %21s %7s  %s\n' "$1" "$2" "$3" "$4" "$5"
}
note() {
	echo "    $*"
}
stat() {	# stat TAG FIELD: a counter of bench/sleepd.py
	curl -s "$WEB/stats?tag=$1" | jq -r ".$2"
}
urls() {	# urls N SECS TAG
	awk -v n="$1" -v s="$2" -v t="$3" -v h="$WEB" \
	    'BEGIN { for (i = 0; i < n; i++) printf "%s/sleep?s=%s&n=%d&tag=%s\n", h, s, i, t }'
}
workers_up() {	# workers_up QUEUE N: wait until N workers serve QUEUE
	wait_for 30 sh -c "[ \$(redis-cli -s '$tmp/redis.sock' SCARD rq:workers:$1) -ge $2 ]"
}
# (status, not smaps_rollup: the workers are not dumpable, and only root
# may read the smaps of one)
anon() {	# anon PID...: their resident anonymous memory together, KiB
	for _p in "$@"; do
		sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' \
		    "/proc/$_p/status" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}
tree() {	# tree PID: PID and all its descendants
	echo "$1"
	for _c in $(pgrep -P "$1"); do
		tree "$_c"
	done
}
done_items() {	# done_items TASK STATUS
	psqlc "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = '$2'"
}
# cancel every open task, stop the given supervisors, empty the queues:
# the next section starts from nothing
tq_reset() {
	for _t in $(psqlc "SELECT id FROM processing_tasks WHERE status IN ('pending', 'running')"); do
		tq-cancel -q "$_t" >/dev/null 2>&1
	done
	for _p in "$@"; do
		stop_worker "$_p" || note "(supervisor $_p had to be killed)"
	done
	rcli DEL rq:queue:parsing-queue rq:queue:ai-queue >/dev/null
	psqlc "UPDATE task_items SET status = 'cancelled' WHERE status IN ('pending', 'running')" >/dev/null
}
has() {
	case " $sections " in *" $1 "*) return 0 ;; esac
	return 1
}

mkdir -p "$tmp/py"
cat >"$tmp/py/benchjobs.py" <<'PY'
import urllib.request


def noop():
    return None


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return len(r.read())
PY
cat >"$tmp/py/benchcelery.py" <<'PY'
import os
import urllib.request

from celery import Celery

sock = os.environ["BENCH_REDIS_SOCK"]
app = Celery("benchcelery", broker="redis+socket://" + sock,
             backend="redis+socket://" + sock)
app.conf.task_default_queue = "bench-celery"
app.conf.worker_hijack_root_logger = False


@app.task
def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return len(r.read())
PY
export PYTHONPATH="$tmp/py" BENCH_REDIS_SOCK="$tmp/redis.sock"
py() { /usr/bin/python3 - "$@"; }
rq_enqueue() {	# rq_enqueue QUEUE FUNC [URL-FILE | COUNT]
	py "$tmp/redis.sock" "$@" <<'PY'
import sys
from redis import Redis
from rq import Queue
import benchjobs
q = Queue(sys.argv[2], connection=Redis(unix_socket_path=sys.argv[1]))
f = getattr(benchjobs, sys.argv[3])
if sys.argv[3] == "noop":
    args = [()] * int(sys.argv[4])
else:
    args = [(u.strip(),) for u in open(sys.argv[4])]
q.enqueue_many([Queue.prepare_data(f, a, result_ttl=600) for a in args])
PY
}

echo "tq engine benchmarks (bench/engine.sh), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$TQ_TOP" rev-parse --short HEAD 2>/dev/null)"
row "" "tq" "competitor" "tq:x" "target"

if has 1; then
	# tq: the seed's three parsing workers, started before the clock
	n=1000
	urls "$n" 1 s1 >"$tmp/s1"
	start_worker -n 3 -Q parsing-queue -l error
	sup=$TQ_WORKER_PID
	workers_up parsing-queue 3 || note "tq workers did not register"
	t0=$(now)
	tq-submit parse - <"$tmp/s1" >"$out"
	t=$(jq -r .task_id "$out")
	tq-wait -t "$CAP1" -I "$t" >/dev/null 2>&1
	rc=$?
	t1=$(now)
	ok=$(done_items "$t" completed)
	bad=$(done_items "$t" failed)
	tq_reset "$sup"
	tqs=$(echo "$t1 - $t0" | bc -l)
	tqr=$(num "$ok / $tqs")
	if [ "$rc" = 124 ]; then
		wall=">$CAP1 s (cap)"
	else
		wall="$(num "$tqs") s"
	fi

	# RQ: three forking workers, 60 pages (20 s of sleep each)
	m=60
	urls "$m" 1 rq1 >"$tmp/rq1"
	rq_enqueue bench-fetch fetch "$tmp/rq1"
	t0=$(now)
	rqp=""
	for _ in 1 2 3; do
		rq worker --burst --url "$RQURL" -q bench-fetch >/dev/null 2>&1 &
		rqp="$rqp $!"
	done
	for p in $rqp; do
		wait "$p"
	done
	t1=$(now)
	rqs=$(echo "$t1 - $t0" | bc -l)
	rqr=$(num "$(stat rq1 served) / $rqs")
	row "1 pages after 1 s, 3 workers" "$tqr pages/s" "RQ $rqr pages/s" \
	    "$(num "$tqr / $rqr")x" "tq >= 100 pages/s"

	# Celery 5.2: one worker, gevent pool of 100, Redis broker and
	# result backend on the same private socket
	if /usr/bin/python3 -c 'import celery, gevent' 2>/dev/null; then
		c=300
		urls "$c" 1 cel >"$tmp/cel"
		(cd "$tmp/py" && exec /usr/bin/python3 -m celery -A benchcelery \
		    worker -P gevent -c 100 -Q bench-celery -l warning \
		    --without-heartbeat --without-mingle --without-gossip \
		    >"$tmp/celery.log" 2>&1) &
		celpid=$!
		_pids="$_pids $celpid"
		cels=$(py "$tmp/cel" <<'PY'
import sys
import time
from benchcelery import app, fetch
deadline = time.time() + 60
while not app.control.ping(timeout=0.5):
    if time.time() > deadline:
        sys.exit("celery worker did not answer")
urls = [u.strip() for u in open(sys.argv[1])]
t0 = time.time()
rs = [fetch.delay(u) for u in urls]
# poll the stored results: r.get() on one result after another waits
# up to a second for each that is already stored
while rs and time.time() - t0 < 120:
    time.sleep(0.05)
    rs = [r for r in rs if not r.ready()]
print(time.time() - t0)
PY
		)
		kill -TERM "$celpid" 2>/dev/null
		wait "$celpid" 2>/dev/null
		if [ -n "$cels" ]; then
			celr=$(num "$(stat cel served) / $cels")
			row "" "" "Celery $celr pages/s" "$(num "$tqr / $celr")x" ""
		else
			row "" "" "Celery failed" "" ""
			tail -5 "$tmp/celery.log" | sed 's/^/    celery: /'
		fi
	else
		row "" "" "Celery not installed" "" ""
		note "(apt-get install python3-celery python3-gevent)"
	fi
	note "tq: $ok of $n pages in $(num "$tqs") s${bad:+, $bad failed}; wall until tq-wait returns: $wall"
	note "RQ: $(stat rq1 served) of $m in $(num "$rqs") s (worker start included)${cels:+; Celery: $(stat cel served) of $c in $(num "$cels") s (started before the clock)}"
fi

if has 2; then
	KEY=sk-bench-$$
	python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/ai.port" \
	    --key "$KEY" --hang 2 >"$tmp/fake.log" 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -s "$tmp/ai.port" || bail "fake-openai.py did not start"
	TQ_BENCH_AI_KEY=$KEY
	export TQ_BENCH_AI_KEY
	# the fake's "hang" model answers well after --hang seconds
	tq-model add bench2s -p openai -m hang -T 30 -k TQ_BENCH_AI_KEY \
	    -u "http://127.0.0.1:$(cat "$tmp/ai.port")/v1" >/dev/null ||
		bail "tq-model add failed"
	n=200
	urls "$n" 0 s2 >"$tmp/s2"
	start_worker -n 3 -Q parsing-queue -l error
	sup=$TQ_WORKER_PID
	tq-submit parse - <"$tmp/s2" | tq-wait -t 120 >"$tmp/s2.parsed" 2>/dev/null
	tq_reset "$sup"
	pc=$(jq '[.items[] | select(.status == "completed")] | length' "$tmp/s2.parsed")
	start_worker -n 2 -Q ai-queue -l error
	sup=$TQ_WORKER_PID
	workers_up ai-queue 2 || note "tq workers did not register"
	t0=$(now)
	tq-submit ai -m bench2s <"$tmp/s2.parsed" >"$out"
	t=$(jq -r .task_id "$out")
	tq-wait -t "$CAP2" -I "$t" >/dev/null 2>&1
	rc=$?
	t1=$(now)
	ok=$(done_items "$t" completed)
	bad=$(done_items "$t" failed)
	tq_reset "$sup"
	s=$(echo "$t1 - $t0" | bc -l)
	# capped: compare the time all would take at the rate so far
	all=$s
	if [ "$rc" = 124 ]; then
		all=$(echo "$pc * $s / ($ok + 0.0001)" | bc -l)
		wall=">$CAP2 s ($ok done)"
		proj="; all $pc at this rate: $(num "$all" 0) s"
	else
		wall="$(num "$s") s"
		proj=""
	fi
	row "2 $pc ai items of 2 s, 2 workers" "$wall" \
	    "1 call/worker $((pc * 2 / 2)) s" "$(num "$pc * 2 / 2 / $all")x" "<= 10 s"
	note "tq: $ok of $pc completed${bad:+, $bad failed} in $(num "$s") s, $(num "$ok / $s") items/s$proj"
fi

if has 3; then
	# tq jobs whose link is gone: the job fails at once
	n=2000
	urls "$n" 0 s3 >"$tmp/s3"
	tq-submit parse - <"$tmp/s3" >"$out"
	psqlc "DELETE FROM links WHERE url LIKE '%tag=s3'" >/dev/null
	t0=$(now)
	tq-worker -b -n 1 -Q parsing-queue -l error >/dev/null 2>&1
	t1=$(now)
	tqr=$(num "$n / ($t1 - $t0)" 0)
	m=500
	rq_enqueue bench-noop noop "$m"
	t0=$(now)
	rq worker --burst --url "$RQURL" -q bench-noop >/dev/null 2>&1
	t1=$(now)
	rqr=$(num "$m / ($t1 - $t0)" 0)
	row "3 jobs without work, 1 worker" "$tqr jobs/s" "RQ $rqr jobs/s" \
	    "$(num "$tqr / $rqr")x" "tq:RQ >= 20x"
	note "tq $n jobs, RQ $m jobs, worker start included (burst mode)"
	tq_reset
fi

if has 4; then
	# one worker; as many fetches in flight as the engine takes
	n=200
	copt=""
	tq-worker -h 2>&1 | grep -Eq -- '-c ' && copt="-c parsing-queue=$n"
	# shellcheck disable=SC2086
	start_worker -n 1 -Q parsing-queue -l error $copt
	sup=$TQ_WORKER_PID
	workers_up parsing-queue 1 || note "tq worker did not register"
	sleep 1
	wk=$(pgrep -P "$sup" | tr '\n' ' ')
	# shellcheck disable=SC2086
	idle=$(anon $wk)
	supa=$(anon "$sup")
	urls "$n" 30 s4 >"$tmp/s4"
	tq-submit parse - <"$tmp/s4" >/dev/null
	# until the number of open fetches stops growing (10 s at most)
	last=-1
	same=0
	for _ in $(seq 1 40); do
		o=$(stat s4 open)
		[ "$o" -ge "$n" ] && break
		if [ "$o" = "$last" ] && [ "$o" -gt 0 ]; then
			same=$((same + 1))
			[ "$same" -ge 4 ] && break
		else
			same=0
		fi
		last=$o
		sleep 0.25
	done
	pids=""
	for p in $wk; do
		pids="$pids $(tree "$p" | tr '\n' ' ')"
	done
	# shellcheck disable=SC2086
	busy=$(anon $pids)
	o=$(stat s4 open)
	nproc_=$(echo "$pids" | wc -w)
	tq_reset "$sup"
	per=$(num "($busy - $idle) / ($o + 0.0001)" 0)

	# RQ: an idle worker, then the work horse it forks for one fetch
	rq worker --url "$RQURL" -q bench-mem >/dev/null 2>&1 &
	rqw=$!
	_pids="$_pids $rqw"
	wait_for 20 sh -c "redis-cli -s '$tmp/redis.sock' SMEMBERS rq:workers | grep -q ."
	sleep 1
	rqidle=$(anon "$rqw")
	urls 1 30 rq4 >"$tmp/rq4"
	rq_enqueue bench-mem fetch "$tmp/rq4"
	wait_for 10 sh -c "[ \$(curl -s '$WEB/stats?tag=rq4' | jq .open) -ge 1 ]"
	# shellcheck disable=SC2046
	rqbusy=$(anon $(tree "$rqw"))
	rqo=$(stat rq4 open)
	for p in $(tree "$rqw"); do
		kill -KILL "$p" 2>/dev/null
	done
	wait "$rqw" 2>/dev/null
	rqper=$(num "($rqbusy - $rqidle) / ($rqo + 0.0001)" 0)
	row "4 idle worker, anonymous memory" "$idle KiB" "RQ $rqidle KiB" \
	    "$(num "$rqidle / $idle")x" "<= 2048 KiB"
	row "  extra per fetch in flight" "$per KiB" "RQ $rqper KiB" \
	    "$(num "$rqper / ($per + 0.0001)")x" "<= 64 KiB"
	note "tq: $o fetches open at the server (of $n stalled pages), worker + job processes ($nproc_) $busy KiB; supervisor $supa KiB${copt:+; $copt}"
	note "RQ: $rqo fetch open, worker + work horse $rqbusy KiB (Anonymous counts the pages a forked child still shares with its parent)"
fi

if has 5; then
	n=500
	urls "$n" 0 s5 >"$tmp/s5"
	start_worker -N a -n 3 -Q parsing-queue -l error
	pa=$TQ_WORKER_PID
	start_worker -N b -n 3 -Q parsing-queue -l error
	pb=$TQ_WORKER_PID
	workers_up parsing-queue 6 || note "tq workers did not register"
	t0=$(now)
	tq-submit parse - <"$tmp/s5" >"$out"
	t=$(jq -r .task_id "$out")
	tq-wait -t "$CAP5" -I "$t" >/dev/null 2>&1
	rc=$?
	t1=$(now)
	tq_reset "$pa" "$pb"
	s=$(echo "$t1 - $t0" | bc -l)
	ok=$(done_items "$t" completed)
	twice=$(psqlc "SELECT count(*) FROM (SELECT a.task_item_id FROM task_item_attempts a JOIN task_items i ON i.id = a.task_item_id WHERE i.task_id = $t GROUP BY 1 HAVING count(*) > 1) x")
	attempts=$(psqlc "SELECT count(*) FROM task_item_attempts a JOIN task_items i ON i.id = a.task_item_id WHERE i.task_id = $t")
	by=$(psqlc "SELECT split_part(worker_id, '.', 1) || ' ' || count(*) FROM task_items WHERE task_id = $t AND status = 'completed' GROUP BY split_part(worker_id, '.', 1) ORDER BY 1" | tr '\n' ' ')
	hits=$(stat s5 hits)
	dups=$(stat s5 dups)
	if [ "$rc" = 124 ]; then
		wall=">$CAP5 s (cap)"
	else
		wall="$(num "$s") s"
	fi
	row "5 two supervisors, 500 pages" "$wall" "-" "-" \
	    "each page and item once"
	note "hits $hits for $n pages ($(stat s5 distinct) distinct, $dups fetched twice); $ok completed; $attempts attempts, $twice items with more than one; completed by supervisor: $by"
fi
echo "total $(($(date +%s) - T0)) s"
