#!/bin/sh
# the notion stage against a stricter Notion (tests/fake-notion.py
# --length-unit utf8: a text run's 2000 counted in bytes, not UTF-16
# units): the 400 validation_error that names a length is re-split and
# sent once more, titles and blocks alike; a 409 on a create looks for
# the page before creating again; an uncertain create whose title the
# user set (--properties, no URL) is found by that title, and one whose
# page is not on the first page of the query's answers (--query-page 1)
# by paging; repeated 429s wait longer each time; option names of white
# space only, an equation over 1000 UTF-16 units, a date that is none,
# a link Notion reads as no URL and a value of the wrong shape (a
# select as a string) are refused by
# tq-submit; Notion's cursors are opaque
# (--opaque-cursors: '+', '/' and '=' in them), and one goes into the
# query string of a listing of blocks percent-encoded; every request
# carries Authorization, Notion-Version and Content-Type (spec section
# 12, item 8), a GET's and a DELETE's too
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 47
start_redis
start_pg
start_notion --hang 8 --rps 20 --length-unit utf8 --query-page 1 \
	--opaque-cursors
export TQ_RETRY_DELAYS=0,1,1 TQ_NOTION_RPS=20
start_worker -n 1 -t notion-queue=12
route() { fake GET /_fake/stats | jq -r --arg r "$1" '.by_route[$r] // 0'; }
DS1=21111111-1111-4111-8111-111111111111

# --- a title and a summary in CJK: 2000 UTF-16 units are 6000 bytes
python3 - "$tmp/cjk.txt" "$tmp/cjk-title.txt" <<'PY'
import sys
unit = "港口的电池储能在夜里为城市供电"
s = ""
while len(s) < 5000:
    s += unit
open(sys.argv[1], "w", encoding="utf-8").write(s[:5000])
open(sys.argv[2], "w", encoding="utf-8").write((unit * 60)[:900])
PY
cjk=$(mkai https://example.org/cjk "$(cat "$tmp/cjk-title.txt")" "$tmp/cjk.txt")
check "a CJK title and summary, to a Notion that counts bytes" sh -c \
	"tq-submit notion -D $DB1 $cjk | tq-wait -t 60"
check_same "imported" "$(jq -r '"\(.status) \(.items[0].result.action)"' "$out")" "completed created"
fake GET /_fake/pages >"$tmp/pages.json"
check_same "title and text whole, every run within 2000 bytes" "$(python3 - "$tmp/pages.json" "$tmp/cjk.txt" "$tmp/cjk-title.txt" <<'PY'
import json, sys
pages = json.load(open(sys.argv[1]))["pages"]
want = open(sys.argv[2], encoding="utf-8").read()
title = open(sys.argv[3], encoding="utf-8").read()
pg = [p for p in pages if p["title"] == title]
if len(pg) != 1:
    print("pages:", len(pg))
    sys.exit()
pg = pg[0]
runs = [r for b in pg["blocks"] if b["type"] == "paragraph"
        for r in b["paragraph"]["rich_text"]]
runs += pg["properties"]["Name"]["title"]
text = "".join(r["plain_text"] for r in runs)
print(want in text, max(len(r["plain_text"].encode()) for r in runs) <= 2000)
PY
)" "True True"
check_match "the worker said it split again" "$(grep notion_resplit "$tmp/worker.log" | head -1)" 'length should be'

# --- a 409 on a create: the page is looked for before a second create
conf=$(mkai https://example.org/conflict "Conflict")
q0=$(route "POST /v1/data_sources/{id}/query")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":409}' >/dev/null
check "a 409 on the create" sh -c "tq-submit notion -D $DB1 $conf | tq-wait -t 60"
check_same "looked for, then created once" "$([ "$(route "POST /v1/data_sources/{id}/query")" -gt "$q0" ] && echo looked) $(pages_for https://example.org/conflict) $(jq -r '.items[0].result.action' "$out")" "looked 1 created"

# --- an uncertain create of a page titled by the user, without a URL
own=$(mkai https://example.org/own-title "The page's own title")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
check "a create that times out, its title and URL the user's" sh -c \
	"tq-submit notion -D $DB1 -p '{\"Name\": {\"title\": [{\"text\": {\"content\": \"Chosen by the user\"}}]}, \"URL\": {\"url\": null}}' $own | tq-wait -t 60"
check_same "is found by the user's title: adopted, no duplicate" "$(jq -r '.items[0].result.action' "$out") $(fake GET /_fake/pages | jq '[.pages[] | select(.title == "Chosen by the user")] | length')" "adopted 1"

# --- the lookup pages: the first answer is another import's page
psqlc "INSERT INTO ai_models (name, provider, model) VALUES ('second', 'builtin', 'builtin')" >/dev/null
same=$(mkai https://example.org/same "Same address")
check "a first import of a link" sh -c "tq-submit notion -D $DB1 $same | tq-wait -t 60"
again=$(psqlc "INSERT INTO ai_processed_contents (parsed_content_id, model_id, model_name, summary, keywords) SELECT parsed_content_id, (SELECT id FROM ai_models WHERE name = 'second'), 'second', 'Another summary of the same page.', ARRAY['other'] FROM ai_processed_contents WHERE id = $same RETURNING id")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
check "another import of it, its create timing out" sh -c "tq-submit notion -D $DB1 $again | tq-wait -t 60"
check_same "its own page found on the second page of answers: adopted" "$(jq -r '.items[0].result.action' "$out") $(pages_for https://example.org/same) $(psqlc "SELECT count(DISTINCT notion_page_id) FROM notion_imports WHERE ai_content_id IN ($same, $again)")" "adopted 2 2"

# --- 429s one after the other: Retry-After 1, then the backoff's longer
rl=$(mkai https://example.org/ratelimited "Rate limited")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":429,"retry_after":1,"count":2}' >/dev/null
check "two 429s on a create" sh -c "tq-submit notion -D $DB1 $rl | tq-wait -t 60"
check_same "waited 1 s, then 2 s at least" "$(grep notion_rate_limited "$tmp/worker.log" | sed -n 's/.*retry_after=\([0-9.]*\).*/\1/p' | awk '{ printf "%s ", ($1 >= 2 ? "long" : $1 >= 1 ? "short" : "none") }')" "short long "

# --- option names that Notion trims to nothing
n0=$(psqlc "SELECT count(*) FROM processing_tasks")
check_status 3 "a multi_select name of white space only" \
	tq-submit notion -D $DB1 -p '{"Tags": {"multi_select": [{"name": " "}]}}' $rl
check_match "is refused, saying why" "$(cat "$errf")" 'not all white space'
check_status 3 "and a select name of white space only" \
	tq-submit notion -D $DB1 -p '{"Status": {"select": {"name": "  "}}}' $rl
# 500 emoji and a letter: 501 characters, 1001 UTF-16 units
eq=$(python3 -c 'import sys; sys.stdout.buffer.write(("\U0001F600" * 500 + "x").encode())')
check_status 3 "an equation of 1001 UTF-16 units in --properties" \
	tq-submit notion -D $DB1 -p "{\"Summary\": {\"rich_text\": [{\"type\": \"equation\", \"equation\": {\"expression\": \"$eq\"}}]}}" $rl
check_match "is refused, saying why" "$(cat "$errf")" 'an equation of 1001 UTF-16 units, of at most 1000'
# values of the property's type that Notion refuses all the same
for p in '{"Published": {"date": {"start": "2025-02-30"}}}' \
	'{"Published": {"date": {"start": "yesterday"}}}' \
	'{"Published": {"date": {"start": "2025-01-31", "end": "2025-01-31T24:00Z"}}}' \
	'{"Published": {"date": {"start": "2025-01-31", "time_zone": ""}}}' \
	'{"Published": {"date": {"start": "2025-01-31", "zone": "UTC"}}}' \
	'{"Summary": {"rich_text": [{"text": {"content": "x", "link": {"url": "/relative"}}}]}}' \
	'{"Summary": {"rich_text": [{"text": {"content": "x", "link": {"url": "javascript:alert(1)"}}}]}}' \
	'{"Name": {"title": [{"text": {"content": "x", "link": {"url": "example.com/no-scheme"}}}]}}' \
	'{"Summary": {"rich_text": [{"text": {"content": "x", "link": {"url": "https://example.com/a b"}}}]}}' \
	'{"Summary": {"rich_text": [{"text": {"content": "x", "link": {"url": "https://a~b.example/"}}}]}}' \
	'{"Status": {"select": "Draft"}}' '{"URL": {"url": 5}}' \
	'{"Tags": {"multi_select": ["a"]}}'; do
	check_status 3 "refused by tq-submit: $p" \
		tq-submit notion -D $DB1 -p "$p" $rl
done
check_match "saying why" "$(cat "$errf")" '^tq-submit: notion: property "Tags" .*: it takes an array of options'
# a long option name in Japanese: the message still says why, the name
# quoted in part, between characters
ln=$(printf '\346\227\245%.0s' $(seq 1 150))
check_status 3 "a multi_select name of 150 characters" \
	tq-submit notion -D $DB1 -p "{\"Tags\": {\"multi_select\": [{\"name\": \"$ln\"}]}}" $rl
check_match "is refused, saying why, the name cut between characters" "$(cat "$errf")" \
	"^tq-submit: notion: property \"Tags\" of database .*: option \"($(printf '\346\227\245'))+...\": Notion takes names of 1 to 100 characters, not all white space, without commas\$"
check_status 3 "a relative link of 150 characters" \
	tq-submit notion -D $DB1 -p "{\"Summary\": {\"rich_text\": [{\"text\": {\"content\": \"x\", \"link\": {\"url\": \"/a$ln\"}}}]}}" $rl
check_match "is refused, the link quoted in part, between characters" "$(cat "$errf")" \
	"a link to /a($(printf '\346\227\245'))+: Notion takes an http"
check_status 3 "a date of 150 characters" \
	tq-submit notion -D $DB1 -p "{\"Published\": {\"date\": {\"start\": \"a$ln\"}}}" $rl
check_match "is refused, quoted in part, between characters" "$(cat "$errf")" \
	"start a($(printf '\346\227\245'))+: Notion takes a day"
check_same "no task written" "$(psqlc "SELECT count(*) FROM processing_tasks")" "$n0"
check "dates, links and a select Notion takes" sh -c "tq-submit notion -D $DB1 -p '{\"Published\": {\"date\": {\"start\": \"2024-02-29T23:59:59.5+05:30\", \"end\": null, \"time_zone\": \"Europe/Paris\"}}, \"Summary\": {\"rich_text\": [{\"text\": {\"content\": \"a\", \"link\": {\"url\": \"https://example.com/x?y=1\"}}}, {\"text\": {\"content\": \"b\", \"link\": {\"url\": \"mailto:a@example.com\"}}}, {\"text\": {\"content\": \"c\", \"link\": null}}]}, \"Status\": {\"select\": null}}' $rl | tq-wait -t 60"
check_same "imported" "$(jq -r .status "$out")" "completed"

# --- a page of over 100 blocks imported again, its last paragraph
# changed: its blocks are listed 100 at a time, after an opaque cursor
python3 -c "print('\n\n'.join('Paragraph %d.' % i for i in range(1, 151)))" >"$tmp/text.txt"
cur=$(mkai https://example.org/cursors "Opaque cursors" - "$tmp/text.txt")
check "a page of over 100 blocks" sh -c "tq-submit notion -w -D $DB1 $cur | tq-wait -t 60"
psqlc "UPDATE parsed_contents SET content = replace(content, 'Paragraph 150.', 'Paragraph 150, changed.') WHERE final_url = 'https://example.org/cursors'" >/dev/null
check "imported again, its last paragraph changed" sh -c "tq-submit notion -w -D $DB1 $cur | tq-wait -t 60"
check_same "updated, whole, one block replaced" "$(jq -r '"\(.status) \(.items[0].result.action) \(.items[0].result.blocks > 100)"' "$out") $(fake GET /_fake/pages | jq -r '[.pages[] | select(.title == "Opaque cursors") | select(.in_trash | not)] | "\(length) \(.[0].blocks | length) \(.[0].blocks[-1].paragraph.rich_text[0].plain_text)"')" "completed updated true 1 $(jq -r '.items[0].result.blocks' "$out") Paragraph 150, changed."
check_match "the cursor went percent-encoded" "$(fake GET /_fake/log | jq -r '.requests[] | select(.route == "GET /v1/blocks/{id}/children") | .path' | grep start_cursor | head -1)" 'start_cursor=c%2B%2F[A-Za-z0-9%]*$'

# --- the headers of every request (spec section 12, item 8)
check_same "requests of every method were made" "$(fake GET /_fake/log | jq -r '[.requests[].method] | unique | join(",")')" "DELETE,GET,PATCH,POST"
check_same "each with the token, the version and Content-Type" "$(fake GET /_fake/log | jq -r '[.requests[] | select(.auth_ok and .notion_version == "2025-09-03" and ((.content_type // "") | startswith("application/json")) | not) | "\(.method) \(.route)"] | unique | join(", ")')" ""
