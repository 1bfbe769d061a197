#!/bin/sh
# bench/sites.sh - polite fetching at the engine's speed (issue 14), on
# private servers (Redis and PostgreSQL on unix sockets, 50 loopback
# sites from tests/sites.py on 127.0.0.2 .. 127.0.0.51):
#   1. 1,000 pages across 50 sites (20 each) that answer after 1 s, the
#      seed's 3 parsing workers, per-site limits on (TQ_SITE_CONCURRENCY
#      4, robots.txt read): pages/s, with the URLs site by site and
#      interleaved; then the same with the limits off
#      (TQ_SITE_CONCURRENCY=0, TQ_ROBOTS=0), as bench/engine.sh runs;
#   2. 200 pages of one site (50 ms each), 3 workers: the TCP
#      connections the site accepted, and the most requests it had at
#      once.
# It reports and never asserts.  `make` first.
# no time limit on a run (the tests have one: TQ_TEST_TIMEOUT)
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
need bc bc
CAP=${CAP:-60}	# s: one run, at most

start_redis
start_pg
TQ_ALLOW_PRIVATE=1
export TQ_ALLOW_PRIVATE
addrs=$(seq 2 51 | sed 's/^/127.0.0./')
# shellcheck disable=SC2086
python3 "$TQ_TOP/tests/sites.py" --port-file "$tmp/sites" $addrs \
	127.0.0.52 >"$tmp/sites.log" 2>&1 &
_pids="$_pids $!"
wait_for 20 test -s "$tmp/sites" ||
	bail "tests/sites.py did not start: $(tail -3 "$tmp/sites.log")"
ST=http://$(head -1 "$tmp/sites" | awk '{ print $1 ":" $2 }')

now() { date +%s.%N; }
num() { printf "%.${2:-1}f" "$(echo "$1" | bc -l)"; }
done_items() { psqlc "SELECT count(*) FROM task_items WHERE task_id = $1 AND status = '$2'"; }
workers_up() { wait_for 30 sh -c "[ \$(redis-cli -s '$tmp/redis.sock' SCARD rq:workers:parsing-queue) -ge $1 ]"; }
# run NAME URL-FILE: 3 workers drain one task of the URLs; a line
run() {
	start_worker -n 3 -Q parsing-queue -l error
	_sup=$TQ_WORKER_PID
	workers_up 3 || echo "    (workers did not register)"
	_n=$(wc -l <"$2" | tr -d ' ')
	_t0=$(now)
	tq-submit parse - <"$2" >"$out"
	_t=$(jq -r .task_id "$out")
	tq-wait -t "$CAP" -I "$_t" >/dev/null 2>&1
	_rc=$?
	_t1=$(now)
	_ok=$(done_items "$_t" completed)
	_bad=$(done_items "$_t" failed)
	stop_worker "$_sup"
	_s=$(echo "$_t1 - $_t0" | bc -l)
	printf '%-44s %7s pages/s  %6s s  %4s/%s done, %s failed%s\n' "$1" \
	    "$(num "$_ok / $_s")" "$(num "$_s")" "$_ok" "$_n" "$_bad" \
	    "$([ "$_rc" = 124 ] && echo ", capped at $CAP s")"
}

echo "tq polite fetching (bench/sites.sh), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$TQ_TOP" rev-parse --short HEAD 2>/dev/null)"

# 1. 1,000 pages over 50 sites, 1 s each
head -50 "$tmp/sites" | awk '{ for (i = 0; i < 20; i++) printf "http://%s:%s/page?ms=1000&n=%d&r=a\n", $1, $2, i }' >"$tmp/bysite"
head -50 "$tmp/sites" | awk '{ h[NR] = $1 ":" $2 } END { for (i = 0; i < 20; i++) for (k = 1; k <= 50; k++) printf "http://%s/page?ms=1000&n=%d&r=b\n", h[k], i }' >"$tmp/mixed"
sed 's/&r=a$/\&r=c/' "$tmp/bysite" >"$tmp/off"
run "1000 pages, 50 sites, site by site, limit 4" "$tmp/bysite"
curl -s "$ST/stats" | jq -r '"    most requests at once on one site: \([.[] | .max] | max); TCP connections per site: \([.[] | select(.total > 0) | .conns] | min)..\([.[] | .conns] | max)"'
curl -s "$ST/stats?reset=1" >/dev/null
run "1000 pages, 50 sites, interleaved, limit 4" "$tmp/mixed"
curl -s "$ST/stats" | jq -r '"    most requests at once on one site: \([.[] | .max] | max)"'
curl -s "$ST/stats?reset=1" >/dev/null
TQ_SITE_CONCURRENCY=0 TQ_ROBOTS=0 run "1000 pages, 50 sites, site by site, no limit" "$tmp/off"
curl -s "$ST/stats" | jq -r '"    most requests at once on one site: \([.[] | .max] | max)"'

# 2. 200 pages of one site
one=$(tail -1 "$tmp/sites" | awk '{ print $1 ":" $2 }')
awk -v h="$one" 'BEGIN { for (i = 0; i < 200; i++) printf "http://%s/page?ms=50&n=%d\n", h, i }' >"$tmp/one"
run "200 pages of one site, 50 ms each, limit 4" "$tmp/one"
curl -s "$ST/stats" | jq -r --arg k "$one" '"    TCP connections the site accepted: \(.[$k].conns) for \(.[$k].total) requests; most at once: \(.[$k].max)"'
