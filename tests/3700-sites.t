#!/bin/sh
# tq-worker: per-site limits shared by two supervisors (a site that
# counts its requests at once answers 500 past the limit), a task over
# many sites at full speed, Retry-After pauses a site for everyone,
# AutoThrottle after 5xx, 429 and timeouts, a job waiting for its site holds
# no slot, the sites in tq-stats and tq-status -i
. "$(dirname "$0")/lib.sh"
plan 68
start_redis
start_pg
start_httpd
robots='# tq test sites
User-agent: *
Disallow: /private
Allow: /private/ok

User-agent: otherbot
Disallow: /'
python3 "$TQ_TOP/tests/sites.py" --port-file "$tmp/sites" --limit 3 \
	--robots "$robots" --robots-fail 127.0.0.8 \
	127.0.0.8 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 \
	127.0.0.9 127.0.0.10 127.0.0.11 127.0.0.12 127.0.0.13 127.0.0.14 \
	127.0.0.15 127.0.0.16 \
	>"$tmp/sites.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/sites" || bail "tests/sites.py did not start"
site() { awk -v a="127.0.0.$1" '$1 == a { print "http://" $1 ":" $2 }' "$tmp/sites"; }
stats() { curl -s "$(site 2)/stats${1:-}"; }
sj() { stats | jq -r --arg k "${1#http://}" ".[\$k]$2"; }
A=$(site 2)

TQ_SITE_CONCURRENCY=3 TQ_PARSE_CONCURRENCY=20 TQ_SITE_BACKOFF=10
export TQ_SITE_CONCURRENCY TQ_PARSE_CONCURRENCY TQ_SITE_BACKOFF
start_worker -n 2 -Q parsing-queue
w1=$TQ_WORKER_PID
start_worker -n 2 -Q parsing-queue
w2=$TQ_WORKER_PID

# 24 pages of one site, 0.3 s each, 80 jobs in flight in all
urls=$(for i in $(seq 1 24); do echo "$A/page?ms=300&n=$i"; done)
check "24 pages of one site" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_same "all completed" "$(jq -r .completed_items "$out")" 24
check_same "never more than 3 at once on the site" "$(sj "$A" .max)" 3
check_same "... so never a 500 for too many" "$(sj "$A" .over)" 0
check_match "... over a handful of connections (4 workers)" "$(sj "$A" .conns)" '^([1-9]|1[012])$'

# 5 sites x 3 pages of 1 s each: all at once, not one site after another
urls=$(for s in 3 4 5 6 7; do for i in 1 2 3; do echo "$(site $s)/page?ms=1000&n=$i"; done; done)
check "15 pages over 5 sites" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_same "all completed" "$(jq -r .completed_items "$out")" 15
# the sites' own clocks, not the test's: one site after another would
# start the last pages 4 s after the first; at once, within a second or
# two even on a loaded machine
keys=$(for s in 3 4 5 6 7; do site $s | sed 's#^http://##'; done | jq -R . | jq -s -c .)
check_match "all started at once, not one site after another" \
	"$(stats | jq -r --argjson k "$keys" '[.[$k[]].starts[]] | "\(length) \((max - min) < 2.5)"')" '^15 true$'

# links of 3 sites that all redirect to a fourth: each fetch there
# waits for that site's own turn, so its limit holds (3 at once) as for
# its own links, not one limit per site the links are on
to() { jq -rn --arg u "$1" '$u | @uri'; }
T=$(site 15)
urls=$(for s in 3 4 5; do for i in 1 2 3; do echo "$(site $s)/go?to=$(to "$T/page?ms=600&n=$s$i")"; done; done)
check "9 links of 3 sites redirected to one" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_same "all completed" "$(jq -r .completed_items "$out")" 9
check_match "never more than 3 at once on the site they lead to" "$(sj "$T" .max)" '^[123]$'
check_same "... so never a 500 for too many" "$(sj "$T" .over)" 0

# a wall that sets a cookie on one site, sends to another, which sends
# back: the cookie goes with the request back, as a browser's would;
# another job's request for the wall does not have it
P=$(site 5) Q=$(site 6)
check "a cookie kept across sites (A, B, A)" sh -c "tq-submit parse '$P/cookie?to=$(to "$Q/go?to=$(to "$P/wall")")' | tq-wait -t 60"
check_same "... the wall let it in" "$(jq -r '.items[0].status' "$out")" completed
check_status 1 "another job's request for the wall" sh -c "tq-submit -R 0 parse '$P/wall' | tq-wait -t 60"
check_match "... has no cookie" "$(jq -r '.items[0].error_message' "$out")" '^http 403'

# a 429 with Retry-After: 3 holds the site for every worker
G=$(site 7)
tq-submit parse "$G/busy?after=3&n=1" >"$tmp/busy1"
wait_for 10 sh -c "curl -s '$A/stats' | jq -e '.[\"${G#http://}\"].busy | length == 1' >/dev/null"
check "two more pages of the paused site" sh -c "tq-submit parse '$G/busy?n=2' '$G/busy?n=3' | tq-wait -t 60"
check_match "nothing reached it for 3 s" \
	"$(sj "$G" '.busy | (.[1] - .[0]) >= 2.9')" '^true$'
check "the 429'd page is retried and completes" sh -c "tq-wait -t 60 <'$tmp/busy1'"

# a 429 met at the end of a redirect pauses the site that sent it, not
# the site of the link; and a redirect to it waits for the pause too
D=$(site 3) E=$(site 4)
tq-submit parse "$D/go?to=$(to "$E/busy?after=4&n=1")" >"$tmp/hop1"
wait_for 10 sh -c "curl -s '$A/stats' | jq -e '.[\"${E#http://}\"].busy | length == 1' >/dev/null"
check "tq-stats at once" tq-stats -Q -j
check_same "... the redirect's target paused, the link's site not" \
	"$(jq -r --arg d "${D#http://}" --arg e "${E#http://}" '[.sites[] | select(.site == $d or .site == $e) | "\(.site == $e):\(.paused_for > 0)"] | sort | join(" ")' "$out")" "false:false true:true"
check "a page of the link's site meanwhile" sh -c "tq-submit parse '$D/page?n=1' | tq-wait -t 60"
check_match "... not held back by the pause" \
	"$(stats | jq -r --arg d "${D#http://}" --arg e "${E#http://}" '(.[$d].starts | max) - .[$e].busy[0] < 3')" '^true$'
check "another link that leads there" sh -c "tq-submit parse '$D/go?to=$(to "$E/busy?n=2")' | tq-wait -t 60"
check_match "... reached it after the pause" "$(sj "$E" '.busy | (.[1] - .[0]) >= 3.9')" '^true$'
check "the first is retried and completes" sh -c "tq-wait -t 60 <'$tmp/hop1'"

# a 429 without Retry-After pauses the site for TQ_SITE_BACKOFF and, as
# a 503, halves its limit
Z=$(site 13)
check_status 1 "a page answered 429 without Retry-After" sh -c "tq-submit -R 0 parse '$Z/busy?after=none&n=1' | tq-wait -t 30"
check_match "... fails as a 429" "$(jq -r '.items[0].error_message' "$out")" '^http 429'
check "tq-stats shows the site" tq-stats -Q -j
check_same "... paused, at limit 1" "$(jq -r --arg k "${Z#http://}" \
	'.sites[] | select(.site == $k) | [.limit, (.paused_for > 0)] | join(" ")' "$out")" "1 true"

# a 429 with Retry-After: 0 (or a date past) asks for no wait: the site
# is not paused for TQ_SITE_BACKOFF (10 s) as for a 429 without it, but
# AutoThrottle's spacing (0.5 s, 1 s, 2 s) still holds each retry back
N=$(site 16)
check "a page answered 429 with Retry-After: 0 three times" sh -c "TQ_RETRY_DELAYS=0 tq-submit parse '$N/busy?after=0&times=3&n=1' | tq-wait -t 30"
check_same "... is retried at once and completes" "$(jq -r '.items[0] | "\(.status) \(.retry_count)"' "$out")" "completed 3"
check_match "... the site not paused for TQ_SITE_BACKOFF (gaps under 8 s)" \
	"$(sj "$N" '.busy | [.[1] - .[0], .[2] - .[1], .[3] - .[2]] | map(. < 8) | all')" '^true$'
check_match "... nor hammered: spaced 0.5, 1 and 2 s at least" \
	"$(sj "$N" '.busy | [.[1] - .[0] >= 0.45, .[2] - .[1] >= 0.95, .[3] - .[2] >= 1.95] | all')" '^true$'

# AutoThrottle: three 503s without Retry-After bring the limit to 1
# for TQ_SITE_BACKOFF (10 s: room for a loaded machine) for every
# worker; answers after it raise it again by one each
F=$(site 9)
check_status 1 "three pages answered 503" sh -c "for i in 1 2 3; do echo '$F/flaky?bad=3&ms=200&n='\$i; done | tq-submit -R 0 parse | tq-wait -t 30"
check_same "... failed as 503s" "$(jq -r .failed_items "$out")" 3
check "tq-stats shows the site" tq-stats -Q -j
check_same "... at limit 1, backing off" "$(jq -r --arg k "${F#http://}" \
	'.sites[] | select(.site == $k) | [.limit, (.backoff_for > 0)] | join(" ")' "$out")" "1 true"
check "tq-stats -p has per-site gauges" tq-stats -p
check_match "... tq_site_limit" "$(grep "^tq_site_limit{site=\"${F#http://}\"}" "$out")" ' 1$'
stats '?reset=1' >/dev/null
urls=$(for i in $(seq 1 6); do echo "$F/page?ms=300&n=$i"; done)
check "6 pages in the window" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_same "... one at a time" "$(sj "$F" .max)" 1
sleep 10
stats '?reset=1' >/dev/null
urls=$(for i in $(seq 1 16); do echo "$F/page?ms=300&n=x$i"; done)
check "16 pages after the window" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_match "... more than one at a time again" "$(sj "$F" .max)" '^[23]$'
check_same "... the limit back to 3" "$(tq-stats -Q -j | jq -r --arg k "${F#http://}" \
	'.sites[] | select(.site == $k) | .limit')" 3
check_same "under two supervisors no site saw more than 3 at once" \
	"$(stats | jq '[.[] | .over] | add')" 0

# robots.txt
check_status 1 "a page robots.txt disallows fails" sh -c "tq-submit parse '$A/private/page' '$A/private/ok/page' | tq-wait -t 60"
check_same "at once, naming the rule" "$(jq -r '[.items[0].error_message, .items[0].retry_count, .items[1].status] | join("|")' "$out")" \
	'robots.txt: disallowed by "Disallow: /private" for user-agent *|0|completed'
# a redirect whose Location has a space, to another site: judged as
# curl follows it, by that site's turn and robots.txt, as any hop is
check_status 1 "a redirect to a disallowed page, a space in its Location" sh -c "tq-submit -R 0 parse '$D/go?to=$(to "$A/private/a b")' | tq-wait -t 60"
check_match "... fails by robots.txt" "$(jq -r '.items[0].error_message' "$out")" '^robots.txt: disallowed by "Disallow: /private"'
check_match "robots.txt fetched at most once per slot" "$(sj "$A" .robots)" '^[123]$'
check_same "... with the User-Agent of the pages" \
	"$(sj "$A" '| [.ua_robots, .ua_page] | map(join(",")) | unique | join("|")')" \
	"tq/$(tq-worker -V | awk '{ print $2 }') (+https://github.com/tq; content pipeline)"
R=$(site 8)
tq-submit parse "$R/page?n=1" >"$tmp/rfail"
check_status 124 "a site whose robots.txt fails waits" sh -c "tq-wait -t 3 <'$tmp/rfail'"
check_match "... as a transient error" "$(tq-status -i "$(jq -r .task_id "$tmp/rfail")" | jq -r '.items[0] | [.error_message, .retry_count] | join("|")')" 'robots.txt cannot be read.*|0$'
check_same "... and its page is not fetched" "$(sj "$R" '| .total - .robots')" 0

stop_worker "$w1"
stop_worker "$w2"
check_same "leases given back" "$(rcli --scan --pattern 'tq:site:slots:*' | wc -l | tr -d ' ')" 0

# a site that fails fast is not asked again as fast as the workers go:
# each bad answer in a row holds its next start back 0.5 s, doubling
# (the first 3 go together, at the site's limit)
Y=$(site 14)
TQ_PARSE_CONCURRENCY=5 start_worker -n 1 -Q parsing-queue
check_status 1 "5 pages of a site that answers 503 at once" sh -c "for i in 1 2 3 4 5; do echo '$Y/flaky?bad=100&n='\$i; done | tq-submit -R 0 parse | tq-wait -t 60"
check_same "... all failed as 503s" "$(jq -r '[.items[].error_message | test("^http 503")] | all' "$out") $(sj "$Y" '.starts | length')" "true 5"
check_match "... the last two starts spaced 1.5 s and more" "$(sj "$Y" '.starts | sort | [.[3] - .[2], .[4] - .[3]] | map(. >= 1.4) | all')" '^true$'
stop_worker

# a page that times out halves the limit too
T=$(site 10)
TQ_PARSE_TIMEOUT=3 start_worker -n 1 -Q parsing-queue
check_status 1 "a page that stalls" sh -c "tq-submit -R 0 parse '$T/page?ms=8000' | tq-wait -t 30"
check_same "... times out and halves the site's limit" "$(tq-stats -Q -j | jq -r --arg k "${T#http://}" \
	'.sites[] | select(.site == $k) | .limit')" 1
stop_worker

# jobs waiting for their site hold no slot: 4 in flight, 1 per site;
# 8 pages of one site, then 3 of another
B=$(site 11) C=$(site 12)
TQ_SITE_CONCURRENCY=1 TQ_PARSE_CONCURRENCY=4 start_worker -n 1 -Q parsing-queue
urls=$(for i in $(seq 1 8); do echo "$B/page?ms=1000&n=$i"; done)
echo "$urls" | tq-submit parse >"$tmp/slow"
sleep 1
check "tq-status -i while the site is busy" tq-status -i "$(jq -r .task_id "$tmp/slow")"
check_match "... an item waits for its site" "$(jq -r '.items[].detail // empty' "$out" | head -1)" "^waiting for site ${B#http://}\$"
urls=$(for i in 1 2 3; do echo "$C/page?ms=1000&n=$i"; done)
t0=$(date +%s.%N)
check "3 pages of another site meanwhile" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
t1=$(date +%s.%N)
check_match "... not behind the busy site's (under 5.5 s)" "$(echo "$t1 - $t0 < 5.5" | bc)" '^1$'
check "the busy site's pages complete" sh -c "tq-wait -t 60 <'$tmp/slow'"
check_same "... all 8, no retry counted" "$(jq -r '[.completed_items, ([.items[].retry_count] | add)] | join(" ")' "$out")" "8 0"
stop_worker

tq-submit parse "$A/private/page" >"$tmp/off"
TQ_ROBOTS=0 start_worker -n 1 -Q parsing-queue --burst
check "TQ_ROBOTS=0 fetches it" tq-wait -t 30 <"$tmp/off"
done_testing
