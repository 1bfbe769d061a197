#!/bin/sh
# bench/rq.sh - tq next to RQ 1.13 (Debian's python3-rq), in the same
# run, on the same private Redis and PostgreSQL: putting 10,000 jobs on
# the queue, process start included: tq-submit of 10,000 new URLs
# against RQ's enqueue_many.  Prints the pair and the ratio.  The
# worker comparisons (jobs without work, slow pages with 3 workers, and
# Celery) are in bench/engine.sh.  `make` first.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
need /usr/bin/python3 python3
/usr/bin/python3 -c 'import rq' 2>/dev/null || bail "install python3-rq"
start_redis
start_pg
start_httpd

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.1f'; }
mkdir -p "$tmp/py"
cat >"$tmp/py/benchjobs.py" <<'PY'
def noop():
    return None
PY
export PYTHONPATH=$tmp/py
py() { /usr/bin/python3 - "$@"; }

# enqueue 10,000, into a database whose schema is there, as every
# submit but the first after an install finds it (tq-model list applies
# the migrations; they take some 50 ms on a fresh database).  Five
# rounds (TQ_BENCH_ROUNDS), each with new URLs and RQ first in every
# other, and the median of the ratios: a shared machine's load comes
# and goes within seconds.
rounds=${TQ_BENCH_ROUNDS:-5}
tq-model list >/dev/null || bail "tq-model list failed"
run_tq() {
	awk -v h="$HTTP" -v r="$1" 'BEGIN { for (i = 0; i < 10000; i++)
	    printf "%s/t/page?title=r%de%d\n", h, r, i }' >"$tmp/u"
	t0=$(now)
	tq-submit parse - <"$tmp/u" >/dev/null || bail "tq-submit failed"
	t1=$(now)
	tq=$(secs "$t0" "$t1")
}
run_rq() {
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
}
ratios=
for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) = 1 ]; then run_tq "$r"; run_rq; else run_rq; run_tq "$r"; fi
	x=$(ratio "$rqs" "$tq")
	ratios="$ratios $x"
	echo "enqueue 10,000, round $r: tq-submit $(printf '%.3f' "$tq") s, RQ enqueue_many $(printf '%.3f' "$rqs") s: tq ${x}x faster"
done
med=$(echo $ratios | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }')
echo "enqueue 10,000: median of $rounds rounds: tq ${med}x faster than RQ"
