#!/bin/sh
# the notion stage for imports whose pages have one URL (links whose
# pages name one canonical URL, as utm_source variants do; a link
# imported with two models): creates that Notion carries out and then
# cuts off unanswered (reset), looked up by all the imports at once,
# through a Notion that answers after 200 ms.  Each import adopts a
# page of its own, the one its own create made, and no page is left to
# no one.  Before, all of them adopted the first page: their contents
# wrote over one page and the other pages were orphans; and a lookup
# took a page of another content for its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 9
start_redis
start_pg
start_notion --rps 50 --burst 50 --latency-ms 200
export TQ_NOTION_RPS=50 TQ_RETRY_DELAYS=0,1,1
start_worker -n 1 -Q notion-queue

# round NAME TITLE...: one ai content per title, all of one canonical
# URL, imported at once, their creates cut off after the work
round() {
	_name=$1
	shift
	ids=""
	_i=0
	for _t in "$@"; do
		_i=$((_i + 1))
		ids="$ids $(mkai "https://example.org/$_name?utm_source=$_i" "$_t")"
	done
	psqlc "UPDATE parsed_contents SET canonical_url = 'https://example.org/$_name' WHERE final_url LIKE 'https://example.org/$_name?%'" >/dev/null
	fake POST /_fake/fault "{\"method\":\"POST\",\"path\":\"/v1/pages\",\"fault\":\"reset-after\",\"count\":$#}" >/dev/null
	tq-submit notion -D $DB1 $ids | tq-wait -t 60 >"$out"
}
imports() {
	psqlc "SELECT count(*), count(DISTINCT notion_page_id) FROM notion_imports WHERE ai_content_id IN ($(echo $ids | tr ' ' ','))"
}

# three contents (their titles and summaries differ)
round same "Same 1" "Same 2" "Same 3"
check_same "three creates of one URL cut off after the work: all completed" \
	"$(jq -r '"\(.status) \(.completed_items)"' "$out")" "completed 3"
check_same "... three pages" "$(pages_for https://example.org/same)" 3
check_same "... each the page of one import" "$(imports)" "3|3"
check_same "... the one its create made, with its title" \
	"$(fake GET /_fake/pages | jq -r '.pages[] | select(.properties.URL.url == "https://example.org/same") | "\(.id | gsub("-"; "")) \(.title)"' | sort | tr '\n' ,)" \
	"$(psqlc "SELECT replace(n.notion_page_id, '-', '') || ' ' || p.title FROM notion_imports n JOIN ai_processed_contents a ON a.id = n.ai_content_id JOIN parsed_contents p ON p.id = a.parsed_content_id WHERE n.ai_content_id IN ($(echo $ids | tr ' ' ','))" | sort | tr '\n' ,)"

# three contents alike (one title, one summary): their pages are too
round twin Twin Twin Twin
check_same "three alike: all completed" \
	"$(jq -r '"\(.status) \(.completed_items)"' "$out")" "completed 3"
check_same "... three pages" "$(pages_for https://example.org/twin)" 3
check_same "... each the page of one import" "$(imports)" "3|3"
check_same "no page in the database is no import's" \
	"$(fake GET /_fake/pages | jq -r '.pages[].id | gsub("-"; "")' | sort | tr '\n' ' ')" \
	"$(psqlc "SELECT replace(notion_page_id, '-', '') FROM notion_imports" | sort | tr '\n' ' ')"
check "the worker stops" stop_worker
done_testing
