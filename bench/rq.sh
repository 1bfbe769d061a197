#!/bin/sh
# bench/rq.sh - tq next to RQ 1.13 (Debian's python3-rq), in the same
# run, on the same private Redis and the same local web server:
#   1. putting 10,000 jobs on the queue, process start included:
#      tq-submit of 10,000 new URLs against RQ's enqueue_many;
#   2. jobs without work (claim, run, record, ack): tq jobs whose link
#      is gone against RQ no-op jobs, one worker each;
#   3. 60 pages that each answer after 1 s, with 3 workers (the seed's
#      parsing count): tq against RQ's forking workers fetching them.
# Prints each pair and the ratio.  `make` first.  Arguments name the
# sections to run (`sh bench/rq.sh 1`); none runs them all.
sections=$*
. "$(dirname "$0")/../tests/lib.sh"
need /usr/bin/python3 python3
/usr/bin/python3 -c 'import rq' 2>/dev/null || bail "install python3-rq"
start_redis
start_pg
start_httpd

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.1f'; }
rate() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }
mkdir -p "$tmp/py"
cat >"$tmp/py/benchjobs.py" <<'PY'
import urllib.request


def noop():
    return None


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return len(r.read())
PY
export PYTHONPATH=$tmp/py
RQURL=unix://$tmp/redis.sock
py() { /usr/bin/python3 - "$@"; }
want() { [ -z "$sections" ] || case " $sections " in *" $1 "*) ;; *) return 1 ;; esac; }

# 1. enqueue 10,000, into a database whose schema is there, as every
# submit but the first after an install finds it (tq-model list applies
# the migrations; they take some 50 ms on a fresh database)
if want 1; then
awk -v h="$HTTP" 'BEGIN { for (i = 0; i < 10000; i++) printf "%s/t/page?title=e%d\n", h, i }' >"$tmp/u"
tq-model list >/dev/null || bail "tq-model list failed"
t0=$(now)
tq-submit parse - <"$tmp/u" >/dev/null || bail "tq-submit failed"
t1=$(now)
tq=$(secs "$t0" "$t1")
t0=$(now)
py "$tmp/redis.sock" <<'PY'
import sys
from redis import Redis
from rq import Queue
import benchjobs
q = Queue("bench-enqueue", connection=Redis(unix_socket_path=sys.argv[1]))
q.enqueue_many([Queue.prepare_data(benchjobs.noop, ()) for _ in range(10000)])
PY
t1=$(now)
rqs=$(secs "$t0" "$t1")
echo "enqueue 10,000: tq-submit $(printf '%.2f' "$tq") s, RQ enqueue_many $(printf '%.2f' "$rqs") s: tq $(ratio "$rqs" "$tq")x faster"
rcli DEL rq:queue:parsing-queue rq:queue:bench-enqueue >/dev/null
psqlc "UPDATE task_items SET status = 'cancelled'; UPDATE processing_tasks SET status = 'cancelled'" >/dev/null
fi

# 2. jobs without work, one worker each
if want 2; then
n=2000
awk -v n="$n" -v h="$HTTP" 'BEGIN { for (i = 0; i < n; i++) printf "%s/t/page?title=g%d\n", h, i }' >"$tmp/g"
tq-submit parse - <"$tmp/g" >"$out"
t=$(jq -r .task_id "$out")
psqlc "DELETE FROM links WHERE url LIKE '%title=g%'" >/dev/null
t0=$(now)
tq-worker -b -n 1 -q parsing-queue -l error >/dev/null 2>&1
t1=$(now)
tq=$(rate "$n" "$(secs "$t0" "$t1")")
m=500
py "$tmp/redis.sock" "$m" <<'PY'
import sys
from redis import Redis
from rq import Queue
import benchjobs
q = Queue("bench-noop", connection=Redis(unix_socket_path=sys.argv[1]))
q.enqueue_many([Queue.prepare_data(benchjobs.noop, ()) for _ in range(int(sys.argv[2]))])
PY
t0=$(now)
/usr/bin/python3 -m rq.cli worker --burst --url "$RQURL" -q bench-noop >/dev/null 2>&1 ||
	rq worker --burst --url "$RQURL" -q bench-noop >/dev/null 2>&1
t1=$(now)
rqr=$(rate "$m" "$(secs "$t0" "$t1")")
echo "jobs without work, 1 worker: tq $tq jobs/s ($n jobs), RQ $rqr jobs/s ($m jobs): tq $(ratio "$tq" "$rqr")x"
fi

# 3. 60 pages answering after 1 s, 3 workers
if want 3; then
n=60
awk -v n="$n" -v h="$HTTP" 'BEGIN { for (i = 0; i < n; i++) printf "%s/t/sleep?s=1&n=%d\n", h, i }' >"$tmp/s"
tq-submit parse - <"$tmp/s" >"$out"
t0=$(now)
tq-worker -b -n 3 -q parsing-queue -l error >/dev/null 2>&1
t1=$(now)
tq=$(secs "$t0" "$t1")
py "$tmp/redis.sock" "$tmp/s" <<'PY'
import sys
from redis import Redis
from rq import Queue
import benchjobs
q = Queue("bench-fetch", connection=Redis(unix_socket_path=sys.argv[1]))
urls = [u.strip().replace("sleep?", "sleep?rq=1&") for u in open(sys.argv[2])]
q.enqueue_many([Queue.prepare_data(benchjobs.fetch, (u,)) for u in urls])
PY
t0=$(now)
rqp=""
for i in 1 2 3; do
	rq worker --burst --url "$RQURL" -q bench-fetch >/dev/null 2>&1 &
	rqp="$rqp $!"
done
for p in $rqp; do
	wait "$p"
done
t1=$(now)
rqs=$(secs "$t0" "$t1")
echo "60 pages answering after 1 s, 3 workers: tq $(printf '%.1f' "$tq") s, RQ $(printf '%.1f' "$rqs") s: tq $(ratio "$rqs" "$tq")x"
fi
