#!/bin/sh
# the notion stage through real workers against tests/fake-notion.py:
# the whole pipeline, long text within Notion's limits, 250 blocks,
# never a duplicate page (crash after create, timeout and 502 after
# create, 409), never a page adopted that the import did not make (a
# member's of the same URL or title, an old one, another import's),
# what Notion would refuse (bad dates, keywords, an empty
# URL, a 600 KB title, --properties of the wrong type or too long), 413,
# 403, Retry-After missing or past the job, Notion-Version 2026-03-11,
# re-import updates, errors, and the token nowhere.  The fake allows 20
# requests/s and the workers keep to 20 (TQ_NOTION_RPS): Notion's 3/s
# would only make the cases wait on the limiter, whose work at 3/s
# tests/3610 checks
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 152
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"
start_notion --hang 8 --rps 20
export TQ_RETRY_DELAYS=0,1,1 TQ_TEST_NOTION_CRASH=after-create:$tmp/crash
export TQ_NOTION_RPS=20
# a create or append without an answer is taken as not done after 8 s
# (Notion's own ceiling is 60 s; the default waits 65)
export TQ_NOTION_SETTLE=8
start_worker -n 2 -t notion-queue=12

# --- usage errors write nothing
tasks() { psqlc "SELECT count(*) FROM processing_tasks"; }
# in_order TITLE: the page's count of blocks, and whether its paragraphs
# are "Paragraph 1." to "Paragraph 241.", in order and once each
in_order() {
	fake GET /_fake/pages | jq -r --arg t "$1" '.pages[] | select(.title == $t) | "\(.blocks | length) \([.blocks[] | select(.type == "paragraph") | .paragraph.rich_text[0].plain_text | select(startswith("Paragraph"))] == [range(1; 242) | "Paragraph \(.)."])"'
}
wait_for 20 psqlc "SELECT 1 FROM processing_tasks"
check_status 2 "no token is a usage error" env -u NOTION_TOKEN tq-submit notion -D $DB1 1
check_match "saying so" "$(cat "$errf")" 'NOTION_TOKEN'
check_status 2 "no database is a usage error" tq-submit notion 1
check_status 2 "a database id that is none" tq-submit notion -D not-an-id 1
# a typo's 33rd digit makes no other database's id of its last 32
check_status 2 "an id of 33 hex digits is none" tq-submit notion -D "${DB1}2" 1
check_match "says so" "$(cat "$errf")" ': not a database id '
check_status 2 "--properties must be an object" tq-submit notion -D $DB1 -p '[1]' 1
check_same "nothing was written or queued" "$(tasks) $(rcli --scan --pattern 'rq:job:*' | wc -l)" "0 0"

# --- the whole pipeline
check "parse | wait | ai | wait | notion | wait" sh -c \
	"tq-submit parse '$HTTP/harbor-batteries.html' '$HTTP/stadtbaeume.html' | tq-wait -t 30 | tq-submit ai --insights | tq-wait -t 30 | tq-submit notion -D $DB1 | tq-wait -t 60"
rec=$(cat "$out")
check_same "notion task completed" "$(echo "$rec" | jq -r '"\(.type) \(.status) \(.completed_items)"')" "notion_import completed 2"
check_match "items hold the page id and url" "$(echo "$rec" | jq -r '.items[0].result | "\(.notion_page_id) \(.url)"')" '^[0-9a-f-]{36} https://'
check_same "two pages in the database" "$(fake GET /_fake/pages | jq '[.pages[] | select(.data_source_id == "21111111-1111-4111-8111-111111111111")] | length')" 2
pg=$(fake GET /_fake/pages | jq -c '.pages[] | select(.title | test("Harbor"))')
check_match "title, url, tags and date set" "$(echo "$pg" | jq -r '"\(.properties.URL.url) \(.properties.Tags.multi_select | length > 0) \(.properties.Published.date.start != null)"')" "^$HTTP/.*harbor-batteries.* true true\$"
sum=$(psqlc "SELECT a.summary FROM ai_processed_contents a JOIN parsed_contents p ON p.id = a.parsed_content_id WHERE p.title LIKE '%Harbor%'")
check_same "the Summary property holds the summary" "$(echo "$pg" | jq -r '[.properties.Summary.rich_text[]?.plain_text] | join("")')" "${sum:-(no summary in PostgreSQL)}"
check_same "blocks: summary, keywords, insights, bookmark" "$(echo "$pg" | jq -r '[.blocks[].type] | unique | join(",")')" "bookmark,bulleted_list_item,heading_2,heading_3,paragraph"
check_same "notion_imports rows" "$(psqlc "SELECT count(*), count(DISTINCT notion_page_id), min(status) FROM notion_imports")" "2|2|imported"
aids=$(echo "$rec" | jq -r '[.items[].item_id] | join(" ")')
check "tq-show reads the notion task" tq-show "$(echo "$rec" | jq -r .task_id)"
check_same "with each page's url" "$(jq -r '.ai[0].notion[0] | "\(.status) \(.url | startswith("https://"))"' "$out" | sort -u)" "imported true"

# --- re-import updates the same page
blockids() { fake GET /_fake/pages | jq -c '[.pages[] | select(.in_trash | not) | [.blocks[].id]] | sort'; }
route() { fake GET /_fake/stats | jq -r --arg r "$1" '.by_route[$r] // 0'; }
ids0=$(blockids)
dels0=$(route "DELETE /v1/blocks/{id}")
apps0=$(route "PATCH /v1/blocks/{id}/children")
check "the same contents again" sh -c "tq-submit notion -D $DB1 -p '{\"Status\": {\"select\": {\"name\": \"Draft\"}}}' $aids | tq-wait -t 60"
check_same "its blocks kept: none deleted, none written again" \
	"$(blockids) $(route "DELETE /v1/blocks/{id}") $(route "PATCH /v1/blocks/{id}/children")" "$ids0 $dels0 $apps0"
check_same "still two pages" "$(fake GET /_fake/pages | jq '[.pages[] | select(.in_trash | not)] | length')" 2
check_same "updated, with the user's property" "$(jq -r '[.items[].result.action] | unique | join(",")' "$out") $(fake GET /_fake/pages | jq -r '[.pages[].properties.Status.select.name] | unique | join(",")')" "updated Draft"
check_same "old blocks replaced, not added" "$(fake GET /_fake/pages | jq -c '[.pages[].blocks | length] | sort')" "$(echo "$rec" | jq -c '[.items[].result.blocks] | sort')"
check_same "the schema was read once per task" "$(fake GET /_fake/stats | jq '.by_route["GET /v1/data_sources/{id}"]')" 2
# a changed summary: the blocks before the change stay, the rest is new
a1=${aids%% *}
psqlc "UPDATE ai_processed_contents SET summary = summary || ' One sentence more, at the end.' WHERE id = $a1" >/dev/null
pid1=$(psqlc "SELECT notion_page_id FROM notion_imports WHERE ai_content_id = $a1")
page1() { fake GET /_fake/pages | jq -c --arg p "$pid1" '.pages[] | select(.id == $p)'; }
first0=$(page1 | jq -r '.blocks[0].id')
n0=$(page1 | jq '.blocks | length')
dels0=$(route "DELETE /v1/blocks/{id}")
check "a changed summary imported again" sh -c "tq-submit notion -D $DB1 $a1 | tq-wait -t 60"
pg=$(page1)
kept=$(echo "$pg" | jq --argjson old "$(echo "$ids0" | jq -c 'flatten')" '[.blocks[].id | select(. as $i | $old | index($i))] | length')
check_same "the new sentence is in, the page as long as its import says" \
	"$(echo "$pg" | jq -r '[.blocks[] | .. | .plain_text? // empty] | join(" ") | test("One sentence more, at the end")') $(echo "$pg" | jq '.blocks | length')" \
	"true $(jq -r '.items[0].result.blocks' "$out")"
del=$(($(route "DELETE /v1/blocks/{id}") - dels0))
check_same "its first blocks kept, only the others deleted" \
	"$(echo "$pg" | jq -r '.blocks[0].id') $([ "$kept" -ge 1 ] && [ "$kept" -lt "$n0" ] && echo some) $((kept + del))" \
	"$first0 some $n0"
# its page put in the trash in Notion: imported again, a new page
curl -s -X DELETE -H "Authorization: Bearer $TOKEN" -H "Notion-Version: 2025-09-03" "$NURL/v1/blocks/$pid1" >/dev/null
check_same "a page a member put in the trash" "$(page1 | jq -r .in_trash)" true
check "is imported again" sh -c "tq-submit notion -D $DB1 $a1 | tq-wait -t 60"
new1=$(psqlc "SELECT notion_page_id FROM notion_imports WHERE ai_content_id = $a1")
check_same "into a new page, complete; the old one stays in the trash" "$(jq -r '.items[0].result.action' "$out") $([ "$new1" != "$pid1" ] && echo new) $(fake GET /_fake/pages | jq -r --arg p "$new1" '.pages[] | select(.id == $p) | "\(.in_trash) \(.blocks | length)"') $(jq -r '.items[0].result.blocks' "$out") $(page1 | jq -r .in_trash)" "created new false $n0 $n0 true"

# --- a long summary: 10,000 characters with emoji and CJK, whole, in runs
python3 - "$tmp/long.txt" <<'PY'
import sys
unit = "Grid storage 🔋 at the harbor 港口的电池储能 works well. "
s = ""
while len(s) < 10000:
    s += unit
open(sys.argv[1], "w", encoding="utf-8").write(s[:10000].rstrip())
PY
long=$(mkai https://example.org/long "A long one" "$tmp/long.txt")
check "a 10,000 character summary" sh -c "tq-submit notion -D $DB1 $long | tq-wait -t 60"
fake GET /_fake/pages >"$tmp/pages.json"
check_same "kept whole, every run within 2000 UTF-16 units" "$(python3 - "$tmp/pages.json" "$tmp/long.txt" <<'PY'
import json, sys
pages = json.load(open(sys.argv[1]))["pages"]
want = open(sys.argv[2], encoding="utf-8").read()
pg = [p for p in pages if p["title"] == "A long one"][0]
runs = [r for b in pg["blocks"] if b["type"] == "paragraph"
        for r in b["paragraph"]["rich_text"]]
text = "".join(r["plain_text"] for r in runs)
units = max(len(r["plain_text"].encode("utf-16-le")) // 2 for r in runs)
print(want in text, units <= 2000, len(runs) >= 6)
PY
)" "True True True"

# --- a source URL over 2000 characters: no url property, kept whole
lurl="https://example.org/long?q=$(python3 -c "print('x' * 2100)")"
lu=$(mkai "$lurl" "A long address")
check "a source URL of 2100 characters" sh -c "tq-submit notion -D $DB1 $lu | tq-wait -t 60"
check_same "url property empty, the URL whole in a paragraph" "$(fake GET /_fake/pages | jq -r --arg u "$lurl" '.pages[] | select(.title == "A long address") | "\(.properties.URL.url) \([.blocks[] | select(.type == "paragraph") | [.paragraph.rich_text[].plain_text] | join("")] | any(. == "Source: " + $u))"')" "null true"

# --- 250 blocks with --with-text: create, then appends, in order
python3 -c "print('\n\n'.join('Paragraph %d.' % i for i in range(1, 242)))" >"$tmp/text.txt"
big=$(mkai https://example.org/big "Two hundred fifty" - "$tmp/text.txt")
appends() { fake GET /_fake/stats | jq -r '.by_route["PATCH /v1/blocks/{id}/children"]'; }
a0=$(appends)
check "250 blocks" sh -c "tq-submit notion -w -D $DB1 $big | tq-wait -t 60"
check_same "all of them, in order" "$(in_order "Two hundred fifty")" "250 true"
check_same "one create and two appends" "$(($(appends) - a0))" 2

# --- the page put in the trash while its blocks are written: the first
# append is done and answered late (the request times out); meanwhile a
# member deletes the page.  The import starts a new page, complete.
trashed=$(mkai https://example.org/trashed "Trashed midway" - "$tmp/text.txt")
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"timeout-after"}' >/dev/null
tq-submit notion -w -D $DB1 $trashed >"$out"
tt=$(jq -r .task_id "$out")
fired() { [ "$(fake GET /_fake/faults | jq '.faults | length')" = 0 ]; }
wait_for 30 fired
old=$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "Trashed midway") | .id')
curl -s -X DELETE -H "Authorization: Bearer $TOKEN" -H "Notion-Version: 2025-09-03" "$NURL/v1/blocks/$old" >/dev/null
check "a page trashed while its blocks are appended" tq-wait -t 60 "$tt"
check_same "a new page, complete, the old one left in the trash" "$(fake GET /_fake/pages | jq -r '[.pages[] | select(.title == "Trashed midway")] | map("\(.in_trash)") | join(",")') $(in_order "Trashed midway" | grep -v '^[0-9]* false' | head -1) $(jq -r '.items[0].result.action' "$out")" "true,false 250 true created"

# --- killed after the create, before the appends: one complete page
crash=$(mkai https://example.org/crash "Crash after create" - "$tmp/text.txt")
touch "$tmp/crash"
# (a Notion job runs in its worker's event loop: the worker dies with
# it, and the job runs again on a worker of the same supervisor)
check "the worker dies after the create, the job runs again" sh -c "tq-submit notion -w -D $DB1 $crash | tq-wait -t 90"
t=$(jq -r .task_id "$out")
check_match "the supervisor saw its worker die" "$(grep 'worker died' "$tmp/worker.log")" 'how=KILL'
check_same "counted as one crash" "$(psqlc "SELECT crash_count FROM task_items WHERE task_id = $t")" 1
check_same "its page id was kept" "$(psqlc "SELECT notion_page_id IS NOT NULL, blocks_written FROM notion_imports WHERE ai_content_id = $crash")" "t|250"
check_same "exactly one page, complete" "$(fake GET /_fake/pages | jq -r '[.pages[] | select(.title == "Crash after create")] | "\(length) \(.[0].blocks | length)"')" "1 250"
check_same "resumed, not created again" "$(jq -r '.items[0].result.action' "$out")" resumed

# --- a timeout on the create where the page was made: adopted
adopt=$(mkai https://example.org/timeout "Timed out" )
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
check "a create that times out" sh -c "tq-submit notion -D $DB1 $adopt | tq-wait -t 60"
check_same "is adopted, no duplicate" "$(pages_for https://example.org/timeout) $(jq -r '.items[0].result.action' "$out")" "1 adopted"

# --- a lookup after an uncertain create takes only a page that this
# import may have made: not a member's page of the same URL, nor an old
# one, nor the page of another import of the same link
DS1=21111111-1111-4111-8111-111111111111
other_page() {	# other_page TITLE [CREATED-TIME CREATED-BY]
	fake POST /_fake/page "$(jq -cn --arg ds $DS1 --arg t "$1" --arg when "${2:-}" --arg by "${3:-}" '{parent: {data_source_id: $ds}, properties: {Name: {title: [{text: {content: $t}}]}, URL: {url: "https://example.org/same"}}} + (if $when == "" then {} else {created_time: $when, created_by: $by} end)')" | jq -r .id
}
member=$(other_page "A member wrote this")
old=$(other_page "Made long ago" 2020-01-06T10:00:00Z 99999999-9999-4999-8999-999999999999)
same=$(mkai https://example.org/same "Same address")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
check "a create that times out beside pages of its URL" sh -c "tq-submit notion -D $DB1 $same | tq-wait -t 60"
mine=$(jq -r '.items[0].result.notion_page_id' "$out")
check_same "adopts the page it made" "$(jq -r '.items[0].result.action' "$out") $(fake GET /_fake/pages | jq -r --arg id "$mine" '.pages[] | select(.id == $id) | "\(.title) \(.blocks | length > 0)"')" "adopted Same address true"
check_same "the member's page and the old one are left alone" "$(pages_for https://example.org/same) $(fake GET /_fake/pages | jq -r --arg a "$member" --arg b "$old" '[.pages[] | select(.id == $a or .id == $b) | .blocks | length] | join(" ")')" "3 0 0"
psqlc "INSERT INTO ai_models (name, provider, model) VALUES ('second', 'builtin', 'builtin')" >/dev/null
again=$(psqlc "INSERT INTO ai_processed_contents (parsed_content_id, model_id, model_name, summary, keywords) SELECT parsed_content_id, (SELECT id FROM ai_models WHERE name = 'second'), 'second', 'Another summary of the same page.', ARRAY['other'] FROM ai_processed_contents WHERE id = $same RETURNING id")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
check "another import of the link, its create timing out too" sh -c "tq-submit notion -D $DB1 $again | tq-wait -t 60"
check_same "adopts its own page, not the first import's" "$(jq -r '.items[0].result.action' "$out") $(pages_for https://example.org/same) $(psqlc "SELECT count(DISTINCT notion_page_id) FROM notion_imports WHERE ai_content_id IN ($same, $again)")" "adopted 4 2"
check_match "the first import's page keeps its summary" "$(fake GET /_fake/pages | jq -r --arg id "$mine" '.pages[] | select(.id == $id) | [.blocks[] | .[.type].rich_text[]?.plain_text] | join(" ")')" 'A short summary of Same address'

# --- a 502 with an HTML body after the page was made
html=$(mkai https://example.org/badgateway "Bad gateway")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"502-html-after"}' >/dev/null
check "a create answered by a 502 HTML page" sh -c "tq-submit notion -D $DB1 $html | tq-wait -t 60"
check_same "no duplicate" "$(pages_for https://example.org/badgateway)" 1

# --- a proxy gone bad on a kept-alive connection: after its 502 it
# answers 502 to everything sent on that connection.  The connection is
# shut down at once, so that neither this job's next request nor any
# other job's goes over it (libcurl takes the first idle connection of
# its cache: the one the update went over)
f0=$(fake GET /_fake/stats | jq -r .faults_fired)
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/pages/","fault":"502-poison"}' >/dev/null
check "an update answered by a 502 that spoilt its connection" sh -c "tq-submit notion -D $DB1 $html | tq-wait -t 60"
check_same "updated; nothing more went over that connection" "$(jq -r '.items[0].result.action' "$out") $(pages_for https://example.org/badgateway) $(fake GET /_fake/stats | jq -r '"\(.faults_fired) \(.poisoned)"')" "updated 1 $((f0 + 1)) 0"

# --- an append answered by a 502 after it was done, one reset after it
# was done: the page's count of blocks says so, nothing is doubled
app=$(mkai https://example.org/appendfault "Append faults" - "$tmp/text.txt")
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"502-html-after"}' >/dev/null
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"reset-after"}' >/dev/null
check "appends that fail after being done" sh -c "tq-submit notion -w -D $DB1 $app | tq-wait -t 60"
check_same "250 blocks, none twice" "$(in_order "Append faults")" "250 true"

# --- a 500 on the create that did nothing: looked for, then created
none=$(mkai https://example.org/servererror "Server error")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":500}' >/dev/null
# and the lookup's first query answered 503: sent again
fake POST /_fake/fault '{"method":"POST","path":"/v1/data_sources/","fault":"status","status":503}' >/dev/null
check "a create answered 500 without effect" sh -c "tq-submit notion -D $DB1 $none | tq-wait -t 60"
check_same "one page, created" "$(pages_for https://example.org/servererror) $(jq -r '.items[0].result.action' "$out")" "1 created"
# an error that a later try got past is logged all the same, with
# Notion's request_id and the version (spec sections 2 and 11)
rid() {	# rid STATUS ROUTE: the request_id of the last such answer
	fake GET /_fake/log | jq -r --argjson s "$1" --arg r "$2" '[.requests[] | select(.status == $s and .route == $r)] | last | .request_id'
}
rid503=$(rid 503 "POST /v1/data_sources/{id}/query")
check_match "the query's 503 is logged with its request_id" "$(grep notion_retry "$tmp/worker.log" | grep -F "$rid503")" 'status=503'
check_match "and with the version" "$(grep notion_retry "$tmp/worker.log" | grep -F "$rid503")" 'version=2025-09-03'

# --- 409 conflicts are retried
conf=$(mkai https://example.org/conflict "Conflict")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":409,"count":2}' >/dev/null
check "two 409s, then it works" sh -c "tq-submit notion -D $DB1 $conf | tq-wait -t 60"
check_same "one page" "$(pages_for https://example.org/conflict)" 1

# --- 429 from the server: waits for Retry-After
rl=$(mkai https://example.org/ratelimited "Rate limited")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":429,"retry_after":2}' >/dev/null
check "a 429 with Retry-After 2" sh -c "tq-submit notion -D $DB1 $rl | tq-wait -t 60"
check_same "then one page, in the same run" "$(pages_for https://example.org/ratelimited) $(jq -r '.items[0].retry_count' "$out")" "1 0"
rid429=$(rid 429 "POST /v1/pages")
check_match "the 429 is logged with its request_id" "$(grep notion_rate_limited "$tmp/worker.log" | grep -F "$rid429")" 'rate_limit_reason=connection_rate_limit'

# --- 529 service_overload is waited out the same way, for every worker
ov=$(mkai https://example.org/overload "Overload")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":529,"retry_after":2}' >/dev/null
t0=$(date +%s)
check "a 529 with Retry-After 2" sh -c "tq-submit notion -D $DB1 $ov | tq-wait -t 60"
check_same "one page, in the same run, after the wait" "$(pages_for https://example.org/overload) $(jq -r '.items[0].retry_count' "$out") $(($(date +%s) - t0 >= 2))" "1 0 1"

# --- dates: a day the calendar lacks leaves none; a time Notion refuses,
# or one without its zone (which could be any), leaves the day; a time
# in another form Notion takes is kept, in the form it takes
setpc() { psqlc "UPDATE parsed_contents SET $2 WHERE final_url = '$1'" >/dev/null; }
dated() { mkai "https://example.org/date$1" "Date $1"; setpc "https://example.org/date$1" "published = '$2'"; }
ds="$(dated 1 2023-02-29) $(dated 2 2024-05-17T23:59:60Z) $(dated 3 2024-05-17T10:00:00.123+02:00) $(dated 4 2024-05-17T10:00+0530) $(dated 5 2024-05-17T10:00:00)"
check "dates Notion refuses, times in other forms" sh -c "tq-submit notion -D $DB1 $ds | tq-wait -t 60"
check_same "none for a day that is none, the day of a bad or zoneless time, the others kept" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title | test("^Date ")) | "\(.title)=\(.properties.Published.date.start)"' | sort | tr '\n' ' ')" "Date 1=null Date 2=2024-05-17 Date 3=2024-05-17T10:00:00+02:00 Date 4=2024-05-17T10:00:00+05:30 Date 5=2024-05-17 "
# --- control characters: gone from the title and the tags, CRLF
# paragraphs split as LF ones
cc=$(mkai https://example.org/control "Control")
setpc https://example.org/control "title = E'Con\\001trol\\033[1m'"
psqlc "UPDATE ai_processed_contents SET summary = E'One.\\r\\n\\r\\nTwo\\u0085.', keywords = ARRAY[E'\\001', E'ta\\007g'], insights = '{\"points\": [\"\\u0001\", \"point\"]}' WHERE id = $cc" >/dev/null
check "control characters in the title, summary and keywords" sh -c "tq-submit notion -D $DB1 $cc | tq-wait -t 60"
check_same "none sent, two paragraphs, a keyword and an insight" "$(fake GET /_fake/pages | jq -c '.pages[] | select(.properties.URL.url == "https://example.org/control") | [.title, [.properties.Tags.multi_select[].name], [.blocks[] | select(.type == "paragraph" or .type == "bulleted_list_item") | [.[.type].rich_text[].plain_text] | join("")]]')" '["Control[1m",["tag"],["One.","Two.","Keywords: tag","point"]]'
# --- a title, a summary, keywords and insights of white space alone:
# the title is the source's, and no empty heading or line
ws=$(mkai https://example.org/blank "Blank")
setpc https://example.org/blank "title = E' \\t\\u3000 '"
psqlc "UPDATE ai_processed_contents SET summary = E' \\n\\n ', keywords = ARRAY[' ', E'\\u00a0'], insights = '{\"points\": [\" \", \"\"]}' WHERE id = $ws" >/dev/null
check "a title, summary, keywords and insights of white space" sh -c "tq-submit notion -D $DB1 $ws | tq-wait -t 60"
check_same "titled by its source, only the bookmark" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.properties.URL.url == "https://example.org/blank") | "\(.title) \([.blocks[].type] | join(","))"')" "https://example.org/blank bookmark"
# --- keywords that differ only in case, or are only white space
kw=$(mkai https://example.org/keywords "Keywords")
psqlc "UPDATE ai_processed_contents SET keywords = ARRAY['Énergie', 'énergie', E'\\u3000', E'\\u00a0Straße\\u2003', 'ÉNERGIE', 'ΓΡΑΜΜΑ', 'γραμμα'] WHERE id = $kw" >/dev/null
check "keywords of other cases and of white space" sh -c "tq-submit notion -D $DB1 $kw | tq-wait -t 60"
check_same "once whatever their case, none of white space" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "Keywords") | [.properties.Tags.multi_select[].name] | join("|")')" "Énergie|Straße|ΓΡΑΜΜΑ"
# --- an integration that may not edit the database's schema: Notion
# refuses a tag that is no option yet (spec section 10); the page is
# made with the tags the database has, as it spells them, the others
# dropped and logged (the body lists them all); and so is a re-import
fake POST /_fake/options '{"new": false}' >/dev/null
no=$(mkai https://example.org/nooptions "No new options")
psqlc "UPDATE ai_processed_contents SET keywords = ARRAY['énergie', 'brand-new tag', 'straße'] WHERE id = $no" >/dev/null
check "keywords new to a database the integration may not edit" sh -c "tq-submit notion -D $DB1 $no | tq-wait -t 60"
nopage() { fake GET /_fake/pages | jq -r '.pages[] | select(.title == "No new options") | "\([.properties.Tags.multi_select[].name] | join("|")) \([.blocks[] | select(.type == "paragraph") | [.paragraph.rich_text[].plain_text] | join("") | select(startswith("Keywords"))] | .[0])"'; }
check_same "made with the known ones, as the database spells them" "$(nopage)" "Énergie|Straße Keywords: énergie, brand-new tag, straße"
check_match "the others logged" "$(grep notion_options_kept "$tmp/worker.log")" 'brand-new tag'
psqlc "UPDATE ai_processed_contents SET keywords = ARRAY['γραμμα', 'another new one'] WHERE id = $no" >/dev/null
check "re-imported with another new keyword" sh -c "tq-submit notion -D $DB1 $no | tq-wait -t 60"
check_same "its tags set to the known one" "$(nopage)" "ΓΡΑΜΜΑ Keywords: γραμμα, another new one"
fake POST /_fake/options '{"new": true}' >/dev/null
# --- an empty source URL: Notion wants null, never ""
nourl=$(mkai https://example.org/nourl "No URL")
setpc https://example.org/nourl "canonical_url = ''"
check "an empty source URL" sh -c "tq-submit notion -D $DB1 $nourl | tq-wait -t 60"
check_same "no url, no bookmark" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "No URL") | "\(.properties.URL.url) \([.blocks[] | select(.type == "bookmark")] | length)"')" "null 0"
# --- a source URL that is none (a page's canonical link, stored before
# tq-extract checked them): Notion refuses the bookmark, so no bookmark,
# no url, the text kept; one with spaces and non-ASCII: percent-encoded
bad=$(mkai https://example.org/badurl "Bad URL")
setpc https://example.org/badurl "canonical_url = 'https://'"
check "a source URL without a host" sh -c "tq-submit notion -D $DB1 $bad | tq-wait -t 60"
check_same "no url, no bookmark, the text in a paragraph" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "Bad URL") | "\(.properties.URL.url) \([.blocks[] | select(.type == "bookmark")] | length) \([.blocks[] | select(.type == "paragraph") | [.paragraph.rich_text[].plain_text] | join("")] | any(. == "Source: https://"))"')" "null 0 true"
for h in 'a|b.example' 'a~b.example'; do
	hb=$(mkai "https://example.org/host-$h" "Host $h")
	setpc "https://example.org/host-$h" "canonical_url = 'https://$h/x'"
	check "a source URL whose host is $h" sh -c "tq-submit notion -D $DB1 $hb | tq-wait -t 60"
	check_same "imported, no url, no bookmark, the text in a paragraph" "$(jq -r .status "$out") $(fake GET /_fake/pages | jq -r --arg t "Host $h" --arg u "Source: https://$h/x" '.pages[] | select(.title == $t) | "\(.properties.URL.url) \([.blocks[] | select(.type == "bookmark")] | length) \([.blocks[] | select(.type == "paragraph") | [.paragraph.rich_text[].plain_text] | join("")] | any(. == $u))"')" "completed null 0 true"
done
raw=$(mkai https://example.org/rawurl "Raw URL")
setpc https://example.org/rawurl "canonical_url = 'https://EXAMPLE.org/Straße/a b?q=ü#top'"
check "a source URL with spaces and non-ASCII" sh -c "tq-submit notion -D $DB1 $raw | tq-wait -t 60"
check_same "url and bookmark percent-encoded" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "Raw URL") | "\(.properties.URL.url) \([.blocks[] | select(.type == "bookmark") | .bookmark.url] | join(","))"')" "https://example.org/Stra%C3%9Fe/a%20b?q=%C3%BC https://example.org/Stra%C3%9Fe/a%20b?q=%C3%BC"

# --- a title of 200,000 characters (600 KB): cut, so that the create
# stays under 500 KB
tt=$(mkai https://example.org/longtitle "Long title")
setpc https://example.org/longtitle "title = repeat('港', 200000)"
check "a title of 600 KB" sh -c "tq-submit notion -D $DB1 $tt | tq-wait -t 60"
check_same "its page, the title cut to whole runs" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.properties.URL.url == "https://example.org/longtitle") | .title | "\(length > 10000) \(length % 2000) \(startswith("港港"))"')" "true 0 true"

# --- 413 (a body too large for Notion or its proxy): fewer blocks
large=$(mkai https://example.org/toolarge "Too large" - "$tmp/text.txt")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":413}' >/dev/null
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"status","status":413}' >/dev/null
check "a create and an append answered 413" sh -c "tq-submit notion -w -D $DB1 $large | tq-wait -t 60"
check_same "sent in smaller batches: 250 blocks, in order" "$(in_order "Too large")" "250 true"

# --- 403: missing capabilities fail at once, saying which are needed
forb=$(mkai https://example.org/forbidden "Forbidden")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":403}' >/dev/null
check_status 1 "a 403 on the create" sh -c "tq-submit notion -D $DB1 $forb | tq-wait -t 60"
check_match "fails at once, naming the capabilities" "$(jq -r '.items[0] | "\(.retry_count) \(.error_message)"' "$out")" '^0 .*403 restricted_resource.*request_id [0-9a-f-]{36}.*Read content, Update content and Insert content'

# --- the workspace's block limit (a Free workspace with several
# members): a 403 of its own, no missing capability
bl=$(mkai https://example.org/blocklimit "Block limit")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":403,"code":"workspace_block_limit_reached","message":"Workspace block limit reached."}' >/dev/null
check_status 1 "a block limit on the create" sh -c "tq-submit notion -D $DB1 $bl | tq-wait -t 60"
check_match "fails at once, saying the workspace is full, not naming capabilities" \
	"$(jq -r '.items[0] | "\(.retry_count) \(.error_message)"' "$out" | grep -v 'Read content')" \
	'^0 .*403 workspace_block_limit_reached: Workspace block limit reached.*used up its blocks.*upgraded'

# --- a 429 without Retry-After, a 529 with one that is no number of
# seconds: waited out with a backoff, in the same run
na=$(mkai https://example.org/noretryafter "No Retry-After")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":429,"retry_after":null}' >/dev/null
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":529,"retry_after":"soon"}' >/dev/null
check "a 429 without Retry-After, a 529 with garbage" sh -c "tq-submit notion -D $DB1 $na | tq-wait -t 60"
check_same "then one page, in the same run" "$(pages_for https://example.org/noretryafter) $(jq -r '.items[0].retry_count' "$out")" "1 0"

# --- the per-workspace limit: a Retry-After past the job's time (-t 12)
# makes the item wait that long in the queue, no retry counted (a rate
# limit is no failure of the item), and every worker pause
ws=$(mkai https://example.org/workspace "Workspace limit")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":429,"retry_after":90}' >/dev/null
check "a 429 with Retry-After 90" tq-submit -j notion -D $DB1 $ws
wt=$(jq -r .task_id "$out")
setaside() { [ "$(psqlc "SELECT status || ' ' || (run_after > now() + interval '60 s') FROM task_items WHERE task_id = $wt")" = "pending true" ]; }
wait_for 30 setaside
check_match "the item is set aside for 90 s, no retry counted" "$(psqlc "SELECT retry_count || ' ' || round(extract(epoch FROM run_after - now())) FROM task_items WHERE task_id = $wt")" '^0 (8[5-9]|9[0-9])$'
check_match "every worker pauses as long" "$(rcli pttl "$(rcli --scan --pattern 'tq:notion:pause:*')")" '^(8[0-9]|90)[0-9]{3}$'
tq-cancel "$wt" >/dev/null 2>&1
rcli del "$(rcli --scan --pattern 'tq:notion:pause:*')" >/dev/null

# --- the second database: other property names, found by type and name
check "a database with other names" sh -c "tq-submit notion -D 12222222222242228222222222222222 $conf | tq-wait -t 60"
check_same "Headline, Source, Keywords, Date" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.data_source_id == "22222222-2222-4222-8222-222222222222") | "\(.title) \(.properties.Source.url) \([.properties.Keywords.multi_select[].name] | join("|")) \(.properties.Date.date.start)"')" "Conflict https://example.org/conflict battery storage|grid power|harbor 2024-05-17"

# --- a wrong database, property or token: tq-submit asks Notion first,
# and writes nothing
n0=$(tasks)
check_status 3 "an unknown property" tq-submit notion -D $DB1 -p '{"Colour": {"select": {"name": "red"}}}' $conf
check_match "is refused listing the database's properties" "$(cat "$errf")" 'Colour.*Name \(title\), URL \(url\), Tags \(multi_select\)'
check_status 3 "a value of another type than the property's" tq-submit notion -D $DB1 -p '{"Status": {"status": {"name": "Draft"}}}' $conf
check_match "is refused saying what it must be" "$(cat "$errf")" 'property "Status" of database "Articles" .* is of type select: .* as in \{"Status": \{"select": \.\.\.\}\}'
check_status 3 "an empty url" tq-submit notion -D $DB1 -p '{"URL": {"url": ""}}' $conf
check_match "is refused: null, not \"\"" "$(cat "$errf")" 'Notion takes null, not ""'
check_status 3 "101 rich text objects in a property" tq-submit notion -D $DB1 -p "$(jq -nc '{Summary: {rich_text: [range(101) | {text: {content: "x"}}]}}')" $conf
check_match "is refused: at most 100" "$(cat "$errf")" 'property "Summary" of database "Articles" .*: 101 rich text objects, of at most 100'
check_status 3 "1001 emoji in a property's text" tq-submit notion -D $DB1 -p "$(jq -nc '{Summary: {rich_text: [{text: {content: ("😀" * 1001)}}]}}')" $conf
check_match "are refused: 2002 UTF-16 units" "$(cat "$errf")" 'a text of 2002 UTF-16 units, of at most 2000'
check_status 3 "a NOTION_VERSION that is no date" env NOTION_VERSION=latest tq-submit notion -D $DB1 $conf
check_match "is refused before Notion is asked" "$(cat "$errf")" 'NOTION_VERSION latest: not a version of Notion.s API'
check_status 3 "a TQ_NOTION_SETTLE that is no number of seconds" env TQ_NOTION_SETTLE=soon tq-submit notion -D $DB1 $conf
check_match "is refused, naming it" "$(cat "$errf")" 'TQ_NOTION_SETTLE: soon: not a number of seconds from 1 to 3600'
check_status 3 "an unshared database" tq-submit notion -D $DB4 $conf
check_match "is refused saying to share it" "$(cat "$errf")" 'object_not_found.*share the database with the integration'
check_status 3 "a database with two data sources" tq-submit notion -D $DB3 $conf
check_match "is refused listing both" "$(cat "$errf")" '23333333-3333-4333-8333-333333333331 \(Main\), 23333333-3333-4333-8333-333333333332 \(Archive\)'
check_status 3 "a token Notion refuses" env NOTION_TOKEN=secret_wrong_token tq-submit notion -D $DB1 $conf
check_same "nothing was written" "$(tasks)" "$n0"

check "one of its data sources, by id" sh -c "tq-submit notion -D 23333333-3333-4333-8333-333333333332 $conf | tq-wait -t 60"
check_same "the page is in that data source" "$(fake GET /_fake/pages | jq -r '[.pages[] | select(.data_source_id == "23333333-3333-4333-8333-333333333332")] | length')" 1

# --- Notion out of reach at submit: the workers check, and an unknown
# property fails the items at once
check_status 1 "submitted while Notion is away" sh -c "TQ_NOTION_URL=http://127.0.0.1:1 tq-submit -q notion -D $DB2 -p '{\"Colour\": {\"select\": {\"name\": \"red\"}}}' $conf | tq-wait -t 60"
check_match "the item fails at once listing the properties" "$(jq -r '.items[0] | "\(.retry_count) \(.error_message)"' "$out")" '^0 .*Colour.*Headline \(title\)'

# --- a token Notion refuses: permanent, from the worker's environment
stop_worker
NOTION_TOKEN=secret_wrong_token tq-worker -n 1 -Q notion-queue >>"$tmp/worker.log" 2>&1 &
bad=$!
_pids="$bad $_pids"
check_status 1 "a bad token fails" sh -c "tq-submit notion -D $DB1 $conf | tq-wait -t 60"
check_match "permanently, as unauthorized" "$(jq -r '.items[0] | "\(.retry_count) \(.error_message)"' "$out")" '^0 .*401 unauthorized'
stop_worker "$bad"

# --- Notion-Version 2026-03-11 (no archived, no after): a re-import
# of a changed summary (the page updated, its blocks listed, deleted and
# appended) works
psqlc "UPDATE ai_processed_contents SET summary = 'Another summary now.' WHERE id = $conf" >/dev/null
NOTION_VERSION=2026-03-11 tq-worker -n 1 -Q notion-queue >>"$tmp/worker.log" 2>&1 &
v26=$!
_pids="$v26 $_pids"
check "a re-import by a worker on 2026-03-11" sh -c "tq-submit notion -D $DB1 $conf | tq-wait -t 60"
check_same "updated, none of its requests refused" "$(jq -r '.items[0].result.action' "$out") $(fake GET /_fake/log | jq -r '[.requests[] | select(.notion_version == "2026-03-11")] | "\([.[].method] | unique | join(",")) \([.[] | select(.status >= 400)] | length)"')" "updated DELETE,GET,PATCH 0"
stop_worker "$v26"

# --- a database without a url property: the lookup after an uncertain
# create goes by title, and takes the page this import made, not a
# member's page of the same title
DS2=22222222-2222-4222-8222-222222222222
fake POST /_fake/schema "{\"data_source_id\": \"$DS2\", \"properties\": {\"Headline\": \"title\", \"Keywords\": \"multi_select\"}}" >/dev/null
tonly=$(mkai https://example.org/title-only "Only a title")
member=$(fake POST /_fake/page "{\"parent\": {\"data_source_id\": \"$DS2\"}, \"properties\": {\"Headline\": {\"title\": [{\"text\": {\"content\": \"Only a title\"}}]}}}" | jq -r .id)
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
start_worker -n 1 -t notion-queue=12 -Q notion-queue
check "no url property, a create that times out" sh -c "tq-submit notion -D $DB2 $tonly | tq-wait -t 60"
check_same "adopts its own page by title, not the member's" "$(jq -r '.items[0].result | "\(.action) \(.notion_page_id != "'"$member"'")"' "$out") $(fake GET /_fake/pages | jq -r --arg a "$member" '"\([.pages[] | select(.title == "Only a title")] | length) \(.pages[] | select(.id == $a) | .blocks | length)"')" "adopted true 2 0"
stop_worker

# --- a status takes only the options the database has, Notion makes
# none (spec section 10): one it lacks is refused by tq-submit, naming
# those there are; one it has is set
fake POST /_fake/schema "{\"data_source_id\": \"$DS2\", \"properties\": {\"Headline\": \"title\", \"Keywords\": \"multi_select\", \"State\": \"status\"}}" >/dev/null
st=$(mkai https://example.org/status "With a status")
n0=$(tasks)
check_status 3 "a status option the database lacks" tq-submit notion -D $DB2 -p '{"State": {"status": {"name": "Nope"}}}' $st
check_match "is refused naming the options, nothing written" "$(cat "$errf") $(tasks)" "\"Nope\" is no option of this status, which has \"Not started\", \"In progress\", \"Done\" $n0\$"
# a long name in Japanese: quoted in part, between characters, and the
# options still named
ln=$(printf '\346\227\245%.0s' $(seq 1 150))
check_status 3 "a status option of 150 characters" tq-submit notion -D $DB2 -p "{\"State\": {\"status\": {\"name\": \"$ln\"}}}" $st
check_match "is refused naming the options" "$(cat "$errf")" "\"$(printf '\346\227\245%.0s' $(seq 1 20))...\" is no option of this status, which has \"Not started\", \"In progress\", \"Done\"\$"
start_worker -n 1 -t notion-queue=12 -Q notion-queue
check "a status option it has" sh -c "tq-submit notion -D $DB2 -p '{\"State\": {\"status\": {\"name\": \"Done\"}}}' $st | tq-wait -t 60"
check_same "is set" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "With a status") | .properties.State.status.name')" Done
stop_worker

# --- a page with no URL to look it up by (over 2000 characters) and a
# title over 2000 UTF-16 units: a create that Notion carried out behind
# a 502 is found by the title's start, not made again
long=$(awk 'BEGIN { printf "https://example.org/long?q="; for (i = 0; i < 2500; i++) printf "d" }')
lt=$(mkai "$long" "$(awk 'BEGIN { for (i = 0; i < 2100; i++) printf "T" }')")
# --- properties each within Notion's limits, and too large together
# for a create (600 KB, as tq-api may take): the item fails at once
bp=$(mkai https://example.org/bigprops "Big properties")
tq-submit -j notion -D $DB1 "$bp" >"$tmp/bp.json"
bt=$(jq -r .task_id "$tmp/bp.json")
psqlc "UPDATE processing_tasks SET params = jsonb_set(params, '{properties}', jsonb_build_object('Summary', jsonb_build_object('rich_text', r), 'Name', jsonb_build_object('title', r))) FROM (SELECT jsonb_agg(jsonb_build_object('text', jsonb_build_object('content', repeat('港', 1000)))) AS r FROM generate_series(1, 100)) g WHERE id = $bt" >/dev/null
# --- a summary of 20,000 characters beside the user's title of 95 runs
# of 1000 CJK characters (289 KB): the Summary property gives way
awk 'BEGIN { for (i = 0; i < 800; i++) printf "Words of a long summary. " }' >"$tmp/sum20k"
sp=$(mkai https://example.org/sumprop "Summary gives way" "$tmp/sum20k")
tq-submit -j notion -D $DB1 "$sp" >"$tmp/sp.json"
spt=$(jq -r .task_id "$tmp/sp.json")
psqlc "UPDATE processing_tasks SET params = jsonb_set(params, '{properties}', jsonb_build_object('Name', jsonb_build_object('title', r))) FROM (SELECT jsonb_agg(jsonb_build_object('text', jsonb_build_object('content', repeat('港', 1000)))) AS r FROM generate_series(1, 95)) g WHERE id = $spt" >/dev/null
start_worker -n 1 -t notion-queue=12 -Q notion-queue
check_status 1 "properties of 600 KB in all" tq-wait -t 60 "$bt"
check_match "fail at once, saying why" "$(jq -r '.items[0] | "\(.retry_count) \(.error_message)"' "$out")" '^0 .*properties take 6[0-9]{5} bytes of JSON, more than the 300000 a create may hold'
check "a large title of the user's and a long summary" tq-wait -t 60 "$spt"
check_same "the page is made, with the title and no Summary property" "$(fake GET /_fake/pages | jq -r '[.pages[] | select(.properties.URL.url == "https://example.org/sumprop") | "\(.title | length) \(.properties.Summary.rich_text | length)"] | join(",")')" "95000 0"
# the fault armed once the two above are done: it is the long title's
# create that meets it, no other
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"502-html-after"}' >/dev/null
check "a long title and URL, a create answered 502 after the work" sh -c "tq-submit notion -D $DB1 $lt | tq-wait -t 60"
check_same "adopted: one page" "$(jq -r '.items[0].result.action' "$out") $(fake GET /_fake/pages | jq '[.pages[] | select(.in_trash | not) | select(.title | startswith("TTTTTTTTTT"))] | length')" "adopted 1"
stop_worker

# --- the token is nowhere: PostgreSQL, Redis, logs, records, titles
pg_dump -d "$TQ_DATABASE_URL" >"$tmp/dump.sql" 2>/dev/null ||
	psql -XAt "$TQ_DATABASE_URL" -c "SELECT * FROM notion_imports; SELECT * FROM notion_databases; SELECT * FROM processing_tasks; SELECT * FROM task_items" >"$tmp/dump.sql"
for k in $(rcli --scan); do
	echo "$k"
	case $(rcli type "$k") in
	string) rcli get "$k" ;;
	hash) rcli hgetall "$k" ;;
	list) rcli lrange "$k" 0 -1 ;;
	set) rcli smembers "$k" ;;
	zset) rcli zrange "$k" 0 -1 ;;
	esac
done >"$tmp/redis.txt"
check_match "the dump and the Redis scan are real" "$(wc -c <"$tmp/dump.sql") $(grep -c 'tq:notion:rate' "$tmp/redis.txt")" '^[0-9]{4,} [12]$'
check_same "no token in PostgreSQL, Redis, logs, records or titles" \
	"$(cat "$tmp/dump.sql" "$tmp/redis.txt" "$tmp/worker.log" "$out" | grep -c NOTIONSECRET; ps -eo args | grep -v fake-notion | grep -c '[N]OTIONSECRET')" "0
0"
done_testing
