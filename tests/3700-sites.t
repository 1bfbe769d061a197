#!/bin/sh
# tq-worker: per-site limits shared by two supervisors, a task over
# many sites at full speed, Retry-After pauses a site for everyone
. "$(dirname "$0")/lib.sh"
plan 17
start_redis
start_pg
start_httpd
robots='# tq test sites
User-agent: *
Disallow: /private
Allow: /private/ok

User-agent: otherbot
Disallow: /'
python3 "$TQ_TOP/tests/sites.py" --port-file "$tmp/sites" \
	--robots "$robots" --robots-fail 127.0.0.8 \
	127.0.0.8 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 \
	>"$tmp/sites.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/sites" || bail "tests/sites.py did not start"
site() { awk -v a="127.0.0.$1" '$1 == a { print "http://" $1 ":" $2 }' "$tmp/sites"; }
stats() { curl -s "$(site 2)/stats"; }
A=$(site 2)

TQ_SITE_CONCURRENCY=3 TQ_PARSE_CONCURRENCY=20
export TQ_SITE_CONCURRENCY TQ_PARSE_CONCURRENCY
start_worker -n 2 -Q parsing-queue
w1=$TQ_WORKER_PID
start_worker -n 2 -Q parsing-queue
w2=$TQ_WORKER_PID

# 24 pages of one site, 0.3 s each, 80 jobs in flight in all
urls=$(for i in $(seq 1 24); do echo "$A/page?ms=300&n=$i"; done)
check "24 pages of one site" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_same "all completed" "$(jq -r .completed_items "$out")" 24
s=$(stats)
check_same "never more than 3 at once on the site" \
	"$(echo "$s" | jq -r --arg k "${A#http://}" '.[$k].max')" 3

# 5 sites x 3 pages of 1 s each: all at once, not one site after another
urls=$(for s in 3 4 5 6 7; do for i in 1 2 3; do echo "$(site $s)/page?ms=1000&n=$i"; done; done)
t0=$(date +%s.%N)
check "15 pages over 5 sites" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
t1=$(date +%s.%N)
check_same "all completed" "$(jq -r .completed_items "$out")" 15
check_match "took under 4 s, not 5" "$(echo "$t1 - $t0 < 4" | bc)" '^1$'

# a 429 with Retry-After: 3 holds the site for every worker
G=$(site 7)
tq-submit parse "$G/busy?after=3&n=1" >"$tmp/busy1"
wait_for 10 sh -c "curl -s '$A/stats' | jq -e '.[\"${G#http://}\"].busy | length == 1' >/dev/null"
check "two more pages of the paused site" sh -c "tq-submit parse '$G/busy?n=2' '$G/busy?n=3' | tq-wait -t 60"
check_match "nothing reached it for 3 s" \
	"$(stats | jq -r --arg k "${G#http://}" '.[$k].busy | (.[1] - .[0]) >= 2.9')" '^true$'
check "the 429'd page is retried and completes" sh -c "tq-wait -t 60 <'$tmp/busy1'"

# robots.txt
check_status 1 "a page robots.txt disallows fails" sh -c "tq-submit parse '$A/private/page' '$A/private/ok/page' | tq-wait -t 60"
check_same "at once, naming the rule" "$(jq -r '[.items[0].error_message, .items[0].retry_count, .items[1].status] | join("|")' "$out")" \
	"robots.txt of ${A#http://} disallows this page (Disallow: /private)|0|completed"
check_match "robots.txt fetched at most once per slot" "$(stats | jq -r --arg k "${A#http://}" '.[$k].robots')" '^[123]$'
R=$(site 8)
tq-submit parse "$R/page?n=1" >"$tmp/rfail"
check_status 124 "a site whose robots.txt fails waits" sh -c "tq-wait -t 3 <'$tmp/rfail'"
check_match "... as a transient error" "$(tq-status -i "$(jq -r .task_id "$tmp/rfail")" | jq -r '.items[0].error_message')" 'robots.txt cannot be read'
check_same "... and its page is not fetched" "$(stats | jq -r --arg k "${R#http://}" '.[$k] | .total - .robots')" 0

stop_worker "$w1"
stop_worker "$w2"
check_same "leases given back" "$(rcli --scan --pattern 'tq:site:slots:*' | wc -l | tr -d ' ')" 0
tq-submit parse "$A/private/page" >"$tmp/off"
TQ_ROBOTS=0 start_worker -n 1 -Q parsing-queue --burst
check "TQ_ROBOTS=0 fetches it" tq-wait -t 30 <"$tmp/off"
done_testing
