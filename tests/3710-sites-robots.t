#!/bin/sh
# tq-worker and robots.txt from loopback sites: one that hangs, is
# huge, binary, redirects (5 and 6 hops, or a 301 without Location),
# says Crawl-delay, is missing (404), down (503) or answers 429, or is
# behind a bad certificate;
# tq-submit parse -B; 200 pages of one site over a handful of connections
. "$(dirname "$0")/lib.sh"
plan 60
start_redis
start_pg
start_httpd
python3 "$TQ_TOP/tests/sites.py" --port-file "$tmp/sites" \
	--robots-mode 127.0.0.2=hang --robots-mode 127.0.0.3=huge \
	--robots-mode 127.0.0.4=binary --robots-mode 127.0.0.5=redirect \
	--robots-mode 127.0.0.6=redirect6 --robots-mode 127.0.0.7=delay \
	--robots-mode 127.0.0.8=404 --robots-mode 127.0.0.9=503 \
	--robots-mode 127.0.0.11=429 --robots-mode 127.0.0.12=private \
	--robots-mode 127.0.0.13=delay --robots-mode 127.0.0.14=429 \
	--robots-mode 127.0.0.15=delay --robots-mode 127.0.0.16=oddcoding \
	--robots-mode 127.0.0.17=delay3 --robots-mode 127.0.0.18=noloc \
	--robots-mode 127.0.0.19=cut \
	127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 \
	127.0.0.8 127.0.0.9 127.0.0.10 127.0.0.11 127.0.0.12 127.0.0.13 \
	127.0.0.14 127.0.0.15 127.0.0.16 127.0.0.17 127.0.0.18 127.0.0.19 \
	>"$tmp/sites.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/sites" || bail "tests/sites.py did not start"
site() { awk -v a="127.0.0.$1" '$1 == a { print "http://" $1 ":" $2 }' "$tmp/sites"; }
sj() { curl -s "$(site 2)/stats" | jq -r --arg k "${1#http://}" ".[\$k]$2"; }
item() { jq -r ".items[$1] | [.status, .error_message // \"\", .retry_count] | join(\"|\")" "$out"; }

TQ_SITE_CONCURRENCY=4 TQ_PARSE_CONCURRENCY=20
export TQ_SITE_CONCURRENCY TQ_PARSE_CONCURRENCY
start_worker -n 2 -Q parsing-queue

H=$(site 2)
tq-submit parse "$H/page?n=1" >"$tmp/hang"

S=$(site 3)
check_status 1 "huge: the first 500 KiB are read" sh -c "tq-submit parse '$S/early/page' '$S/late/page' | tq-wait -t 60"
check_same "... a rule in them holds" "$(item 0)" 'failed|robots.txt: disallowed by "Disallow: /early" for user-agent *|0'
check_same "... one past them does not" "$(item 1)" 'completed||0'
# "Disallow: /cut-here/" across the 500 KiB mark: no rule, not the
# "Disallow: /c" of its first 12 bytes
S=$(site 19)
check "a rule cut at 500 KiB is none" sh -c "tq-submit parse '$S/cat/page' | tq-wait -t 60"
check_same "... the page it would take is fetched" "$(item 0)" 'completed||0'

B=$(site 4)
check_status 1 "binary: nothing breaks" sh -c "tq-submit parse '$B/page' '$B/bin/page' | tq-wait -t 60"
check_same "... the page is fetched" "$(item 0)" 'completed||0'
check_same "... a rule after the junk holds" "$(item 1)" 'failed|robots.txt: disallowed by "Disallow: /bin" for user-agent *|0'

R=$(site 5)
check_status 1 "5 redirects are followed" sh -c "tq-submit parse '$R/redir/page' | tq-wait -t 60"
check_same "... to the rules" "$(item 0)" 'failed|robots.txt: disallowed by "Disallow: /redir" for user-agent *|0'
R6=$(site 6)
check "6 redirects: unavailable, so all allowed" sh -c "tq-submit parse '$R6/redir/page' | tq-wait -t 60"

# 3 pages of a site not seen yet, with Crawl-delay: 3, the first request
# answered 429 with Retry-After: 5: the others, held back for its
# robots.txt and then for the delay, keep to the pause as well.  The
# delay is 3 s so that a loaded machine, whose worker may read the 429
# late, does not release the second page before it is read.  Two
# workers take the pages, so any of them may be asked first: each says
# after=5 (without it, the site's 429 says Retry-After: 2, shorter than
# the delay).  The request times are printed when the check fails.
K=$(site 17)
check "Crawl-delay: 3 and a 429 with Retry-After: 5 on the first request" sh -c "tq-submit parse '$K/busy?after=5&n=1' '$K/busy?after=5&n=2' '$K/busy?after=5&n=3' | tq-wait -t 60"
check_same "... all completed in the end" "$(jq -r .completed_items "$out")" 3
check_match "... nothing asked of the site in the pause" \
    "$(sj "$K" '.busy | . as $b | if ($b[1] - $b[0]) >= 4.9 then "true" else ($b | map(. - $b[0]) | tostring) end')" '^true$'

O=$(site 16)
check_status 1 "sent with Content-Encoding: utf-8, read as it comes" sh -c "tq-submit parse '$O/private/page' '$O/page' | tq-wait -t 60"
check_same "... its rule holds, the other page is fetched" "$(item 0) $(item 1)" 'failed|robots.txt: disallowed by "Disallow: /private" for user-agent *|0 completed||0'

N=$(site 8)
check "404: all allowed" sh -c "tq-submit parse '$N/private/page' | tq-wait -t 60"
N=$(site 18)
check "a 301 without Location: all allowed, as a 404" sh -c "tq-submit parse '$N/private/page' | tq-wait -t 30"

D=$(site 7)
urls=$(for i in 1 2 3 4; do echo "$D/page?n=$i"; done)
check "Crawl-delay: 1, 4 pages" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
# the worker spaces the starts of its fetches; a loaded machine may send
# one request late, which shortens the gap after it but not the span
check_match "... 3 s from the first to the last, no gap under half" \
    "$(sj "$D" '.starts | [range(1; length) as $i | .[$i] - .[$i - 1]] | (add >= 2.85 and min >= 0.5)')" '^true$'
check "tq-stats shows the delay" tq-stats -Q -j
check_same "... of 1 s" "$(jq -r --arg k "${D#http://}" '.sites[] | select(.site == $k) | .delay' "$out")" 1

# links of 4 sites that redirect to one whose robots.txt says
# Crawl-delay: 1: its delay spaces the fetches there too
E=$(site 15)
urls=$(for s in 3 4 8 10; do echo "$(site $s)/go?to=$(jq -rn --arg u "$E/page?n=$s" '$u | @uri')"; done)
check "4 links of 4 sites redirected to a site with Crawl-delay: 1" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 60"
check_same "... all completed" "$(jq -r .completed_items "$out")" 4
check_match "... 3 s from the first fetch there to the last, no gap under half" \
    "$(sj "$E" '.starts | [range(1; length) as $i | .[$i] - .[$i - 1]] | (add >= 2.85 and min >= 0.5)')" '^true$'

U=$(site 9)
tq-submit parse "$U/page?n=1" >"$tmp/down"
check_status 124 "503: the page waits" sh -c "tq-wait -t 4 <'$tmp/down'"
check "... tq-status -i" tq-status -i "$(jq -r .task_id "$tmp/down")"
check_match "... pending, no retry counted" "$(item 0)" '^(pending|running)\|site 127.0.0.9:[0-9]*: robots.txt cannot be read, retrying later: .*503.*\|0$'
check_same "... its page never asked for" "$(sj "$U" '| .total - .robots')" 0
check_same "... robots.txt asked once (remembered a minute)" "$(sj "$U" .robots)" 1
check "tq-submit parse -B: robots.txt not read" sh -c "tq-submit parse -B '$U/page?n=2' | tq-wait -t 60"
check_same "... the task says so" "$(jq -r .params.robots "$out")" false
check_status 2 "... -B is for parse" tq-submit ai -B 1

# 429 (Retry-After: 30): unreachable as a 5xx, and the site paused
T=$(site 11)
tq-submit parse "$T/page?n=1" >"$tmp/t429"
wait_for 30 sh -c "tq-status -i $(jq -r .task_id "$tmp/t429") | jq -e '.items[0] | .status == \"completed\" or (.error_message // \"\" | test(\"robots\"))' >/dev/null"
check "429: tq-status -i" tq-status -i "$(jq -r .task_id "$tmp/t429")"
check_match "... the page waits, no retry counted" "$(item 0)" '^(pending|running)\|site 127\.0\.0\.11:[0-9]*: robots\.txt cannot be read, retrying later: http 429.*\|0$'
check_same "... its page never asked for" "$(sj "$T" '| .total - .robots')" 0
check "... tq-stats" tq-stats -Q -j
check_same "... the site paused for its Retry-After (30 s), no longer" "$(jq -r --arg k "${T#http://}" '.sites[] | select(.site == $k) | .paused_for > 20 and .paused_for <= 30' "$out")" true

# a bad certificate: the page fails at once, as its own fetch would
S=https://127.0.0.1:$(curl -s "$HTTP/t/tls-port")
check_status 1 "robots.txt behind a bad certificate: the page fails" sh -c "tq-submit parse '$S/t/page' | tq-wait -t 15"
m=$(item 0)
check_match "... at once, as permanent" "$m" '^failed\|.*certificate.*\|0$'
check_status 1 "... as the page itself does" sh -c "tq-submit parse -B '$S/t/page?n=2' | tq-wait -t 15"
check_same "... with the same message" "$(item 0)" "$m"

# the robots.txt that hangs: given up after 10 s, the page waits
wait_for 30 sh -c "tq-status -i $(jq -r .task_id "$tmp/hang") | jq -e '.items[0].error_message // \"\" | test(\"robots.txt cannot be read\")' >/dev/null"
# the time its first run took, as the worker saw it: the checks above
# run meanwhile, and on a loaded machine they may take longer than that
tq-status -a -i "$(jq -r .task_id "$tmp/hang")" >"$tmp/hang-attempts"
check_match "hang: unreadable after about 10 s" "$(jq '.items[0].attempts[0].duration | floor' "$tmp/hang-attempts")" '^(9|1[0-9]|2[0-9])$' ||
	{ diag "$(jq -c '.items[0].attempts' "$tmp/hang-attempts")"
	  diag "$(grep -e "task=$(jq -r .task_id "$tmp/hang") " -e "site=${H#http://}" "$tmp/worker.log")"; }
check "... tq-status -i" tq-status -i "$(jq -r .task_id "$tmp/hang")"
check_match "... the page waits, no retry counted" "$(item 0)" '^(pending|running)\|.*(timeout|timed out|no data).*\|0$'
check_same "... and was never asked for" "$(sj "$H" '| .total - .robots')" 0

# each hop of a redirect by its own site's robots.txt: into a disallowed
# path of the same site, to another site's (read first), and allowed
P=$(site 12) Q=$(site 10)
check_status 1 "a redirect into a disallowed path of the same site" sh -c "tq-submit parse '$P/go?to=/private/a' | tq-wait -t 30"
check_same "... fails on its rule" "$(item 0)" 'failed|robots.txt: disallowed by "Disallow: /private" for user-agent *|0'
check_status 1 "a redirect to another site, into its disallowed path" sh -c "tq-submit parse '$Q/go?to=$P/private/b' | tq-wait -t 30"
check_same "... fails on that site's rule" "$(item 0)" 'failed|robots.txt: disallowed by "Disallow: /private" for user-agent *|0'
R=$(site 13)
hash16() { printf '%s' "${1#http://}" | sha256sum | cut -c1-16; }
check_status 0 "a redirect to an allowed page of a site not seen yet" sh -c "tq-submit parse '$Q/go?to=$R/page?n=go' | tq-wait -t 30"
check_same "... its robots.txt read, once; its page fetched" "$(sj "$R" .robots) $(sj "$R" '| .total - .robots')" "1 1"
check_same "... its Crawl-delay is its own, not the first site's" \
    "$(rcli get "tq:site:cdelay:$(hash16 "$R")") $(rcli get "tq:site:cdelay:$(hash16 "$Q")")" "1000 0"
check_same "... no disallowed page asked for (one /go only)" "$(sj "$P" '| .total - .robots')" 1
# a redirect to a site whose robots.txt answers 429 (Retry-After: 30):
# the page waits, the message names that site, and the pause is that
# site's, not the first one's
U=$(site 14)
tq-submit parse "$Q/go?to=$U/page?n=hop" >"$tmp/hop429"
hop429() { tq-status -i "$(jq -r .task_id "$tmp/hop429")" | jq -e '.items[0].error_message // "" | test("robots")' >/dev/null; }
wait_for 30 hop429
check "a redirect to a site whose robots.txt answers 429" tq-status -i "$(jq -r .task_id "$tmp/hop429")"
check_match "... waits, naming that site" "$(item 0)" '^(pending|running)\|site 127\.0\.0\.14:[0-9]*: robots\.txt cannot be read.*\|0$'
check_match "... the pause is that site's, the first site neither paused nor slowed" "$(rcli pttl "tq:site:pause:$(hash16 "$U")") $(rcli pttl "tq:site:pause:$(hash16 "$Q")") $(rcli hget "tq:site:thr:$(hash16 "$Q")" limit)" '^[12][0-9]{4} -2 $'
tq-cancel "$(jq -r .task_id "$tmp/hop429")" >/dev/null 2>&1

# 200 pages of one site: a handful of connections (about 4 a worker:
# the site's limit), not one a page; a loaded machine sees a few more
# (13 to 19 with other test runs beside it)
C=$(site 10)
urls=$(for i in $(seq 1 200); do echo "$C/page?n=$i"; done)
check "200 pages of one site" sh -c "echo '$urls' | tq-submit parse | tq-wait -t 120"
n=$(sj "$C" .conns)
diag "200 pages of one site: $n TCP connections (2 workers)"
check_match "... over a handful of connections (at most 24)" "$n" '^([1-9]|1[0-9]|2[0-4])$'
check_match "... never more than TQ_SITE_CONCURRENCY (4) at once" "$(sj "$C" .max)" '^[1-4]$'
done_testing
