#!/bin/sh
# bench/submit-phases.sh [N] - where the time of a bulk submit goes:
# N (default 3) submits of 10,000 new URLs each, on a fresh private
# Redis and PostgreSQL set up as the tests and bench/rq.sh set them up
# (TQ_PG_SYNC=on for synchronous commits), each with its wall time,
# the CPU time Redis spent on it, and tq-submit's phases (TQ_LOG=debug:
# time since the previous phase and since main, tq-submit's CPU time
# and its PostgreSQL backend's).  "exec to main" is the wall time from
# just before the exec to main(); the first run is the one bench/rq.sh
# times.  `make` first.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
start_redis
start_pg
start_httpd
now() { date +%s.%N; }
rcpu() {
	rcli info cpu | tr -d '\r' | awk -F: '
	    /used_cpu_(user|sys):/ { s += $2 } END { printf "%.3f", s }'
}
tq-model list >/dev/null || bail "tq-model list failed"
for r in $(seq 1 "${1:-3}"); do
	awk -v h="$HTTP" -v r="$r" 'BEGIN { for (i = 0; i < 10000; i++)
	    printf "%s/t/page?title=r%de%d\n", h, r, i }' >"$tmp/u"
	c0=$(rcpu)
	t0=$(now)
	TQ_LOG=debug tq-submit parse - <"$tmp/u" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err"; bail "tq-submit failed"; }
	t1=$(now)
	c1=$(rcpu)
	echo "run $r: $(echo "($t1 - $t0) * 1000" | bc -l |
	    xargs printf '%.0f') ms wall, Redis $(echo "($c1 - $c0) * 1000" |
	    bc -l | xargs printf '%.0f') ms CPU"
	sed -n 's/.*msg="submit: //p' "$tmp/err" | sed 's/"$//' |
	    sed 's/, which began at//' | awk -v t0="$t0" '
	    /^process start/ { t = $NF; sub(/ [0-9.]+$/, "")
		printf "  exec to main %.1f ms; %s\n", (t - t0) * 1000, $0
		next } { print "  " $0 }'
done
