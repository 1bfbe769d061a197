#!/bin/sh
# the notion stage when Notion's own answer does not say what it did: a
# create or an append answered 500 or 503 (or 200 with a proxy's HTML
# page) that Notion carries out all the same, then or a few seconds
# later (spec section 9), to a Notion whose query does not see a page
# for 2 s after it is made (--query-lag): never a second page, never a
# block twice.  Before, tq looked at once, found nothing and sent again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 12
start_redis
start_pg
start_notion --hang 8 --rps 20 --query-lag 2
export TQ_RETRY_DELAYS=0,1,1 TQ_NOTION_RPS=20 TQ_NOTION_SETTLE=8
start_worker -n 1 -t notion-queue=15

n=0
for f in '"fault":"status-after","status":500' \
	'"fault":"status-after","status":503' \
	'"fault":"status-late","status":503,"secs":4' \
	'"fault":"200-html-after"'; do
	n=$((n + 1))
	a=$(mkai "https://example.org/unsure$n" "Unsure $n")
	fake POST /_fake/fault "{\"method\":\"POST\",\"path\":\"/v1/pages\",$f}" >/dev/null
	check "a create answered {$f}" sh -c "tq-submit notion -D $DB1 $a | tq-wait -t 90"
	# a late create lands after the answer: look once it has
	sleep 5
	check_same "... makes one page" "$(pages_for "https://example.org/unsure$n")" 1
done

# 150 paragraphs: the create takes 100 blocks, an append the rest
python3 -c "print('\n\n'.join('Paragraph %d.' % i for i in range(1, 151)))" >"$tmp/sum.txt"
for st in 503 500; do
	a=$(mkai "https://example.org/append$st" "Append $st" "$tmp/sum.txt")
	fake POST /_fake/fault "{\"method\":\"PATCH\",\"path\":\"/v1/blocks/\",\"fault\":\"status-late\",\"status\":$st,\"secs\":3}" >/dev/null
	check "an append answered $st, carried out 3 s later" sh -c "tq-submit notion -D $DB1 $a | tq-wait -t 90"
	sleep 4
	check_same "... writes each paragraph once" "$(fake GET /_fake/pages | jq -r --arg t "Append $st" '.pages[] | select(.title == $t) | [.blocks[] | select(.type == "paragraph") | .paragraph.rich_text[0].plain_text | select(startswith("Paragraph"))] | "\(length) \(. == [range(1;151) | "Paragraph \(.)."])"')" "150 true"
done
