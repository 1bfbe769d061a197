#!/bin/sh
# a robots.txt that stays unreadable (503) holds its site's pages only
# for TQ_ROBOTS_WAIT seconds, counted from the first failure: then they
# fail like any transient error (retried by the task's policy, then
# failed), and the page itself is never fetched; a site whose file
# reads again is not held; one the worker may not reach (an internal
# address) fails at once, as its page would, and so does one whose
# robots.txt redirects to such an address
. "$(dirname "$0")/lib.sh"
plan 16
start_redis
start_pg
python3 "$TQ_TOP/tests/sites.py" --port-file "$tmp/sites" \
	--robots-mode 127.0.0.9=503 --robots-mode 127.0.0.12=elsewhere \
	127.0.0.9 127.0.0.10 127.0.0.11 127.0.0.12 \
	>"$tmp/sites.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/sites" || bail "tests/sites.py did not start"
site() { awk -v a="127.0.0.$1" '$1 == a { print "http://" $1 ":" $2 }' "$tmp/sites"; }
sj() { curl -s "$(site 9)/stats" | jq -r --arg k "${1#http://}" ".[\$k]$2"; }

TQ_ROBOTS_WAIT=3 TQ_ALLOW_PRIVATE=1
export TQ_ROBOTS_WAIT TQ_ALLOW_PRIVATE
start_worker -n 1 -Q parsing-queue

U=$(site 9)
t0=$(date +%s)
tq-submit -R 1 parse "$U/page?n=1" >"$tmp/down"
check_status 1 "503 for good: the page fails" sh -c "tq-wait -t 60 <'$tmp/down'"
check_match "... after about 3 s and one retry, not a minute" "$(( $(date +%s) - t0 ))" '^([3-9]|1[0-9]|2[0-9])$'
check "... tq-status -i" tq-status -i "$(jq -r .task_id "$tmp/down")"
check_match "... failed, saying why, its retry counted" \
    "$(jq -r '.items[0] | [.status, .error_message, .retry_count] | join("|")' "$out")" \
    '^failed\|robots\.txt unreadable for [0-9]+ s \(TQ_ROBOTS_WAIT\): site 127\.0\.0\.9:[0-9]+: robots\.txt cannot be read, retrying later: .*503.*\|1$'
check_same "... its page never asked for" "$(sj "$U" '| .total - .robots')" 0

# another site, whose robots.txt reads: its page is fetched at once
V=$(site 10)
check "a readable robots.txt: the page is fetched" sh -c "tq-submit parse '$V/page?n=1' | tq-wait -t 60"
check_same "... its robots.txt asked for once" "$(sj "$V" .robots)" 1
check_same "... no failure remembered for it" \
    "$(rcli --scan --pattern 'tq:site:robotsdown:*' | wc -l | tr -d ' ')" 1
# a redirect from it to the site whose robots.txt is down: held no
# longer either (TQ_ROBOTS_WAIT counts for a hop's robots.txt as for the
# page's own), rather than set aside again and again
check_status 1 "a redirect to that site: the page fails" sh -c "tq-submit -R 1 parse '$V/go?to=$U/page?n=hop' | tq-wait -t 40"
check_match "... saying why" "$(jq -r '.items[0] | [.status, .error_message] | join("|")' "$out")" '^failed\|robots\.txt unreadable for [0-9]+ s \(TQ_ROBOTS_WAIT\)'

stop_worker
TQ_ALLOW_PRIVATE=0 start_worker -n 1 -Q parsing-queue
P=$(site 11)
check_status 1 "an internal address: the page fails" sh -c "tq-submit -R 1 parse '$P/page?n=1' | tq-wait -t 60"
check_same "... at once, as its fetch would, no retry" \
    "$(jq -r '.items[0] | [.status, .error_message, .retry_count] | join("|")' "$out")" \
    "failed|address 127.0.0.11 is not allowed (internal)|0"
check_same "... the site never reached" "$(sj "$P" .total)" 0

# a site tq may reach, whose robots.txt redirects to one it may not
stop_worker
TQ_ALLOW_PRIVATE=0 TQ_ALLOW_ADDRS=127.0.0.12 start_worker -n 1 -Q parsing-queue
E=$(site 12)
check_status 1 "robots.txt redirected to an internal address: the page fails" \
    sh -c "tq-submit -R 1 parse '$E/page?n=1' | tq-wait -t 60"
check_match "... at once, saying why, no retry" \
    "$(jq -r '.items[0] | [.status, .error_message, .retry_count] | join("|")' "$out")" \
    '^failed\|site 127\.0\.0\.12:[0-9]+: robots\.txt cannot be read after a redirect: .*127\.0\.0\.1 is not allowed \(internal\)\|0$'
check_same "... its page never asked for" "$(sj "$E" '| .total - .robots')" 0
done_testing
