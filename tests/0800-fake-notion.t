#!/bin/sh
# 0800-fake-notion.t - the strict fake Notion API (tests/fake-notion.py)
# itself, with real HTTP requests (curl, jq): auth, versions, size and
# text limits counted in UTF-16 units, schema checks, query, append and
# paginated listing, the rate limit, every fault type, 404s.  Two
# instances: "fast" (no practical rate limit, --hang 2) for the
# functional checks and "slow" (the default 3 rps, burst 3) for the
# rate limit.  Needs no build.

. "$(dirname "$0")/lib.sh"

need python3 python3
need curl curl
need jq jq

plan 111

TOK="tok-0800-$$"
VER=2025-09-03
ART_DB=11111111-1111-4111-8111-111111111111
ART_DS=21111111-1111-4111-8111-111111111111
TWO_DB=13333333-3333-4333-8333-333333333333
UNSHARED=14444444-4444-4444-8444-444444444444
E=$(printf '\360\237\230\200')	# U+1F600: 4 UTF-8 bytes, 2 UTF-16 units

start_fake() {	# start_fake NAME ARGS...: URL in $tmp/NAME.url
	_nm=$1
	shift
	python3 "$TQ_TOP/tests/fake-notion.py" --port-file "$tmp/$_nm.port" \
		--token "$TOK" "$@" >"$tmp/$_nm.log" 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -s "$tmp/$_nm.port" ||
		bail "fake-notion.py did not start: $(tail -3 "$tmp/$_nm.log")"
}
start_fake fast --rps 1000 --burst 1000 --hang 2
start_fake slow
N=http://127.0.0.1:$(cat "$tmp/fast.port")
S=http://127.0.0.1:$(cat "$tmp/slow.port")

# req METHOD URL [JSON-FILE]: status in $code, body in $tmp/body,
# headers in $tmp/hdr
req() {
	if [ $# -ge 3 ]; then
		code=$(curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' \
			-X "$1" -H "Authorization: Bearer $TOK" \
			-H "Notion-Version: $VER" \
			-H 'Content-Type: application/json' \
			--data-binary "@$3" "$2")
	else
		code=$(curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' \
			-X "$1" -H "Authorization: Bearer $TOK" \
			-H "Notion-Version: $VER" "$2")
	fi
}
reqv() {	# reqv VERSION METHOD URL [JSON-FILE]: req with another version
	_ov=$VER
	VER=$1
	shift
	req "$@"
	VER=$_ov
}
js() { jq -r "$1" "$tmp/body"; }
hdr() { tr -d '\r' <"$tmp/hdr" | grep -i "^$1:" | sed 's/^[^:]*: *//'; }
# what CODE: "STATUS CODE" of the last answer
what() { echo "$code $(jq -r .code "$tmp/body" 2>/dev/null)"; }
npages() { curl -s "$N/_fake/pages" | jq '.pages | length'; }
fault() { printf '%s' "$1" | curl -s -o /dev/null -w '%{http_code}' \
	-X POST --data-binary @- "$N/_fake/fault"; }

# a page body: page TITLE URL [CHILDREN-JSON]
page() {
	jq -n --arg ds "$ART_DS" --arg t "$1" --arg u "$2" \
		--argjson kids "${3:-[]}" \
		'{parent: {type: "data_source_id", data_source_id: $ds},
		  properties: {Name: {title: [{text: {content: $t}}]},
		               URL: {url: $u}},
		  children: $kids}' >"$tmp/req.json"
}
para() {	# para N [PREFIX]: N paragraph blocks, texts PREFIX1..PREFIXN
	jq -n --argjson n "$1" --arg p "${2:-p}" \
		'[range(1; $n + 1) | {object: "block", type: "paragraph",
		  paragraph: {rich_text: [{type: "text",
		  text: {content: "\($p)\(.)"}}]}}]'
}

# -- auth and version
code=$(curl -s -o "$tmp/body" -w '%{http_code}' \
	-H "Authorization: Bearer wrong-$TOK" -H "Notion-Version: $VER" \
	"$N/v1/users/me")
check_same "bad token: 401 unauthorized" "$(what)" "401 unauthorized"
check_same "the token is not echoed" "$(grep -c -- "$TOK" "$tmp/body")" 0
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Notion-Version: $VER" \
	"$N/v1/users/me")
check_same "no Authorization: 401" "$(what)" "401 unauthorized"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' \
	-H "Authorization: Bearer $TOK" "$N/v1/users/me")
check_same "no Notion-Version: 400 missing_version" "$(what)" \
	"400 missing_version"
reqv 2021-05-13 GET "$N/v1/users/me"
check_same "unknown Notion-Version: 400 validation_error" "$(what)" \
	"400 validation_error"
req GET "$N/v1/users/me"
check_same "users/me: the bot" "$code $(js .object) $(js .type)" "200 user bot"
check_match "x-request-id on success" "$(hdr x-request-id)" \
	'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
req GET "$N/v1/nothing/here"
check_same "unknown path: 400 invalid_request_url" "$(what)" \
	"400 invalid_request_url"
req DELETE "$N/v1/pages/$ART_DB"
check_same "wrong method: 400 invalid_request_url" "$(what)" \
	"400 invalid_request_url"

# -- databases and data sources
req GET "$N/v1/databases/$UNSHARED"
check_same "unshared database: 404 object_not_found" "$(what)" \
	"404 object_not_found"
check_match "... telling to share it" "$(js .message)" \
	"^Could not find database with ID: $UNSHARED\\. Make sure the relevant pages and databases are shared with your integration\\.$"
check_match "... with a request_id" "$(js .request_id)" '^[0-9a-f-]{36}$'
req GET "$N/v1/databases/$(echo "$ART_DB" | tr -d -)"
check_same "database by undashed id: one data source, no properties" \
	"$code $(js '[.data_sources[].id] | join(",")') $(js 'has("properties")')" \
	"200 $ART_DS false"
reqv 2022-06-28 GET "$N/v1/databases/$ART_DB"
check_same "2022-06-28: database with properties" \
	"$code $(js .properties.Name.type)" "200 title"
req GET "$N/v1/databases/$TWO_DB"
check_same "two-source database lists both" \
	"$(js '[.data_sources[].name] | join(",")')" "Main,Archive"
req GET "$N/v1/data_sources/$ART_DS"
check_same "data source schema: title property id" \
	"$code $(js .properties.Name.id) $(js .properties.Name.type) $(js .parent.database_id)" \
	"200 title title $ART_DB"
req GET "$N/v1/data_sources/$ART_DB"
check_same "a database id is not a data source id" "$(what)" \
	"404 object_not_found"

# -- create: rich text limits in UTF-16 units
long=$(jq -n --arg e "$E" '[range(1000) | $e] | join("")')
page "units" "https://example.com/units" \
	"[{\"paragraph\":{\"rich_text\":[{\"text\":{\"content\":$long}}]}}]"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "1000 emoji (2000 UTF-16 units, 4000 bytes) accepted" "$code" 200
page "units" "https://example.com/units2" \
	"[{\"paragraph\":{\"rich_text\":[{\"text\":{\"content\":$(
	echo "$long" | jq '. + "a"')}}]}}]"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "1000 emoji + 1 (2001 units, 1001 code points) rejected" \
	"$(what)" "400 validation_error"
check_same "... with the path and the count" "$(js .message)" \
	'body.children[0].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`.'
printf '%s' '{"parent":{"data_source_id":"'$ART_DS'"},"properties":{"Name":{"title":[{"text":{"content":"x\ud83dy"}}]}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "a lone surrogate is rejected" "$(what)" "400 validation_error"
jq -n --arg ds "$ART_DS" --arg e "$E" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, Summary: {rich_text:
	[range(101) | {text: {content: $e}}]}}}' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "101 rich text runs rejected" "$(js .message)" \
	'body.properties.Summary.rich_text.length should be ≤ `100`, instead was `101`.'

# -- children counts and nesting
page "kids" "https://example.com/kids" "$(para 101)"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "101 children rejected" "$code $(js .message)" \
	'400 body.children.length should be ≤ `100`, instead was `101`.'
page "kids" "https://example.com/kids" "$(para 100)"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "100 children accepted" "$code" 200
kidpage=$(js .id)
check_same "... and stored in order" \
	"$(curl -s "$N/_fake/pages" | jq -r --arg id "$kidpage" \
	'.pages[] | select(.id == $id) | .blocks | length, .[99].paragraph.rich_text[0].plain_text' | tr '\n' ' ')" \
	"100 p100 "
deep='[{"toggle":{"rich_text":[],"children":[{"toggle":{"rich_text":[],"children":[{"paragraph":{"rich_text":[]}}]}}]}}]'
page "deep" "https://example.com/deep" "$deep"
req POST "$N/v1/pages" "$tmp/req.json"
check_match "three levels of children rejected" "$(what) $(js .message)" \
	'^400 validation_error body\.children\[0\]\.toggle\.children\[0\]\.toggle\.children should be not present'
page "bad" "https://example.com/bad" '[{"type":"paragraph","heading_1":{"rich_text":[]}}]'
req POST "$N/v1/pages" "$tmp/req.json"
check_same "type and member mismatch rejected" "$(what)" \
	"400 validation_error"
page "bad" "https://example.com/bad" '[{"type":"table_of_contents","table_of_contents":{}}]'
req POST "$N/v1/pages" "$tmp/req.json"
check_same "unknown block type rejected" "$(what)" "400 validation_error"
page "bad" "https://example.com/bad" '[{"code":{"rich_text":[]}}]'
req POST "$N/v1/pages" "$tmp/req.json"
check_same "code without language rejected" "$(what)" "400 validation_error"
for u in "https://" "https://exa mple.com/" "javascript:alert(1)"; do
	page "bad" "https://example.com/bad" "[{\"bookmark\":{\"url\":\"$u\"}}]"
	req POST "$N/v1/pages" "$tmp/req.json"
	check_same "a bookmark of \"$u\" rejected" "$(what) $(js .message | tr "\n" " " | sed "s/ *$//")" \
		"400 validation_error Content creation Failed. Fix the following:  Invalid URL for bookmark."
done
page "bad" "https://example.com/bad" '[{"paragraph":{"rich_text":[{"text":{"content":"x","link":{"url":"/relative"}}}]}}]'
req POST "$N/v1/pages" "$tmp/req.json"
check_same "a link that is no URL rejected" "$(what) $(js .message | tr "\n" " " | sed "s/ *$//")" \
	"400 validation_error Content creation Failed. Fix the following:  Invalid URL for link."
page "kinds" "https://example.com/kinds" '[{"heading_2":{"rich_text":[]}},
	{"code":{"rich_text":[],"language":"plain text"}},{"divider":{}},
	{"to_do":{"rich_text":[],"checked":true}},{"quote":{"rich_text":[]}},
	{"bookmark":{"url":"https://example.com/"}},{"embed":{"url":"https://example.com/v"}},
	{"callout":{"rich_text":[{"type":"text","text":{"content":"c","link":{"url":"https://example.com/"}},"annotations":{"bold":true,"color":"red"}}]}},
	{"numbered_list_item":{"rich_text":[],"children":[{"bulleted_list_item":{"rich_text":[]}}]}}]'
req POST "$N/v1/pages" "$tmp/req.json"
check_same "every block type accepted" "$(what)" "200 null"
page "media" "https://example.com/media" '[{"image":{"type":"external","external":{"url":"https://example.com/a.png"},"caption":[]}},
	{"video":{"external":{"url":"https://example.com/v.mp4"}}},
	{"file":{"external":{"url":"https://example.com/f.zip"},"name":"f.zip"}},
	{"equation":{"expression":"e^{i\\pi}+1=0"}},
	{"table":{"table_width":2,"has_column_header":true,"children":[
		{"table_row":{"cells":[[{"text":{"content":"a"}}],[]]}},
		{"type":"table_row","table_row":{"cells":[[],[]]}}]}}]'
req POST "$N/v1/pages" "$tmp/req.json"
check_same "media, equation and table blocks accepted" "$(what)" "200 null"
tbl=$(curl -s "$N/_fake/pages" | jq -r '.pages[] | select(.title == "media") | .blocks[] | select(.type == "table") | .id')
jq -n '{children: [{table_row: {cells: [[], []]}}]}' >"$tmp/req.json"
req PATCH "$N/v1/blocks/$tbl/children" "$tmp/req.json"
check_same "a row appended to a table" "$(what)" "200 null"
jq -n '{children: [{table_row: {cells: [[]]}}]}' >"$tmp/req.json"
req PATCH "$N/v1/blocks/$tbl/children" "$tmp/req.json"
check_match "a row of another width appended to it rejected" "$(what) $(js .message)" \
	'^400 validation_error body\.children\[0\]\.table_row\.cells\.length should be the table.s table_width `2`, instead was `1`\.'
for b in '{"image":{"external":{"url":"/relative.png"}}}' \
	'{"image":{"external":{"url":"data:image/png;base64,AAAA"}}}' \
	'{"video":{"external":{"url":"javascript:alert(1)"}}}' \
	'{"image":{"file":{"url":"https://example.com/a.png"}}}' \
	'{"image":{"external":{"url":"https://example.com/a.png"},"alt":"x"}}' \
	'{"equation":{"expression":"x","color":"red"}}' \
	'{"table":{"table_width":2,"children":[{"table_row":{"cells":[[]]}}]}}' \
	'{"table":{"table_width":2}}' \
	'{"table":{"table_width":1,"children":[]}}' \
	'{"table":{"table_width":1,"has_column_header":"yes","children":[{"table_row":{"cells":[[]]}}]}}' \
	'{"table":{"table_width":1,"children":[{"paragraph":{"rich_text":[]}}]}}' \
	'{"table_row":{"cells":[[]]}}' \
	'{"bulleted_list_item":{"rich_text":[],"children":[{"table":{"table_width":1,"children":[{"table_row":{"cells":[[]]}}]}}]}}' \
	'{"paragraph":{"rich_text":[],"language":"c"}}' \
	'{"bookmark":{"url":"https://example.com/","color":"red"}}'; do
	page "bad" "https://example.com/bad" "[$b]"
	req POST "$N/v1/pages" "$tmp/req.json"
	check_same "rejected: $b" "$(what)" "400 validation_error"
done
check_same "an image's URL as a bookmark's" "$(page bad https://example.com/bad '[{"image":{"external":{"url":"/x.png"}}}]'; req POST "$N/v1/pages" "$tmp/req.json"; js .message | tr "\n" " " | sed "s/ *$//")" \
	"Content creation Failed. Fix the following:  Invalid URL for image."

# -- properties
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, Author: {rich_text: []}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "unknown property rejected" "$code $(js .message)" \
	"400 Author is not a property that exists."
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {URL: {url: "https://example.com/notitle"}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "no title rejected" "$(what)" "400 validation_error"
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, Tags: {multi_select: [{name: "a,b"}]}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "a comma in a multi_select name rejected" "$(what)" \
	"400 validation_error"
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, Status: {select: {name: "a,b"}}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "a comma in a select name rejected" "$(what)" \
	"400 validation_error"
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, Published: {date: {start: "2025-02-30"}}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "an impossible date rejected" "$(what)" "400 validation_error"
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, URL: {rich_text: []}}}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "a value of the wrong type rejected" "$(what)" \
	"400 validation_error"
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, title: {title: []}}}' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "the title given twice, by name and by id, rejected" "$(what) $(js .message)" \
	"400 validation_error body.properties: property Name is given twice, as \`Name\` and as \`title\`."
check_same "the log keeps an error's message" "$(curl -s "$N/_fake/log" | jq -r '.requests[-1].message')" \
	"body.properties: property Name is given twice, as \`Name\` and as \`title\`."
jq -n --arg ds "$ART_DS" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}, URL: {url: ""}}}' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "an empty url rejected: null, not \"\"" "$(what) $(js .message)" \
	"400 validation_error body.properties.URL.url should be populated or \`null\`, instead was \`\"\"\`."
jq -n '{parent: {database_id: "13333333333343338333333333333333"},
	properties: {Name: {title: []}}}' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "database_id parent of a two-source database rejected" \
	"$(what)" "400 validation_error"
jq -n --arg db "$UNSHARED" '{parent: {database_id: $db},
	properties: {Name: {title: []}}}' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "unshared database as parent: 404" "$(what)" \
	"404 object_not_found"
printf '{"parent":' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "broken JSON: 400 invalid_json" "$(what)" "400 invalid_json"
jq -n --arg ds "$ART_DS" --arg e "$E" '{parent: {data_source_id: $ds},
	properties: {Name: {title: []}}, children: [range(100) | {paragraph:
	{rich_text: [range(2) | {text: {content: ([range(700) | $e] | join(""))}}]}}]}' \
	>"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "a body over 500 KB: 413 without a JSON code" \
	"$code $(jq -r .code "$tmp/body" 2>/dev/null || echo none)" "413 none"

# -- create, then find by URL
jq -n --arg ds "$ART_DS" '{parent: {type: "data_source_id", data_source_id: $ds},
	properties: {Name: {title: [{text: {content: "Found me"}}]},
	URL: {url: "https://example.com/find-me"},
	Tags: {multi_select: [{name: "alpha"}, {name: "beta"}]},
	Published: {date: {start: "2025-01-31T12:00:00Z"}},
	Status: {select: {name: "Draft"}}}}' >"$tmp/req.json"
req POST "$N/v1/pages" "$tmp/req.json"
found=$(js .id)
check_same "create page" \
	"$code $(js .object) $(js .parent.data_source_id) $(js .in_trash) $(js .url)" \
	"200 page $ART_DS false https://www.notion.so/$(echo "$found" | tr -d -)"
jq -n '{filter: {or: [{property: "URL", url: {equals: "https://example.com/find-me"}},
	{property: "Name", title: {equals: "nothing like this"}}]}}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "query by URL finds it" \
	"$code $(js '[.results[].id] | join(",")') $(js .has_more) $(js .type)" \
	"200 $found false page_or_data_source"
check_match "page times hold the minute only, as Notion's do" \
	"$(js '.results[0].created_time')" '^20[0-9-]{8}T[0-9]{2}:[0-9]{2}:00\.000Z$'
# a page a member made, long ago; the page's own times as a filter
page "A member's" https://example.com/find-me
jq '. + {created_time: "2020-01-06T10:20:30+01:00"}' "$tmp/req.json" >"$tmp/m.json"
mine=$(curl -s -X POST --data-binary @"$tmp/m.json" "$N/_fake/page")
check_same "a member's page, made at a time of the test's" \
	"$(echo "$mine" | jq -r '"\(.created_by.id) \(.created_time)"')" \
	"77777777-7777-4777-8777-777777777777 2020-01-06T09:20:00.000Z"
jq -n '{filter: {and: [{property: "URL", url: {equals: "https://example.com/find-me"}},
	{timestamp: "created_time", created_time: {on_or_after: "2020-01-06T09:20:00Z"}}]},
	sorts: [{timestamp: "created_time", direction: "ascending"}]}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "a created_time filter, to the instant" \
	"$code $(js '[.results[].created_by.id | .[:8]] | join(",")')" "200 77777777,99999999"
jq -n '{filter: {timestamp: "created_time", created_time: {after: "2020-01-06"}}}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "a date alone compares days" "$code $(js '[.results[].created_by.id | .[:8]] | unique | join(",")')" "200 99999999"
jq -n '{filter: {timestamp: "created_time", created_time: {after: "yesterday"}}}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "a timestamp filter's date must be ISO 8601" "$(what)" "400 validation_error"
jq -n '{filter: {timestamp: "created_by", created_by: {equals: "x"}}}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "timestamps are created_time and last_edited_time" "$(what)" "400 validation_error"
req DELETE "$N/v1/blocks/$(echo "$mine" | jq -r .id)"
jq -n '{filter: {property: "Link", url: {equals: "x"}}}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "query on an unknown property rejected" "$(what)" \
	"400 validation_error"
jq -n '{page_size: 101}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "page_size 101 rejected" "$(what)" "400 validation_error"
jq -n '{page_size: 1}' >"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "query pages" "$(js '.results | length') $(js .has_more)" "1 true"

# -- append, then list in order, paginated
printf '{"children":%s}' "$(para 5 c)" >"$tmp/a.json"
req PATCH "$N/v1/blocks/$found/children" "$tmp/a.json"
check_same "append 5 blocks" "$code $(js '.results | length')" "200 5"
third=$(js '.results[2].id')
printf '{"children":%s,"position":{"type":"after_block","after_block":{"id":"%s"}}}' \
	"$(para 1 x)" "$third" >"$tmp/a.json"
req PATCH "$N/v1/blocks/$(echo "$found" | tr -d -)/children" "$tmp/a.json"
check_same "append after the third block" "$code" 200
texts=""
cursor=""
pages=0
while :; do
	req GET "$N/v1/blocks/$found/children?page_size=2$cursor"
	[ "$code" = 200 ] || break
	pages=$((pages + 1))
	texts="$texts$(js '[.results[].paragraph.rich_text[0].plain_text] | join(" ")') "
	[ "$(js .has_more)" = true ] || break
	cursor="&start_cursor=$(js .next_cursor)"
done
check_same "list children: in order, 3 pages of 2" "$pages: $texts" \
	"3: c1 c2 c3 x1 c4 c5 "
req DELETE "$N/v1/blocks/$third"
check_same "delete a block" "$code $(js .in_trash)" "200 true"
req GET "$N/v1/blocks/$found/children"
check_same "trashed blocks are not listed" \
	"$(js '[.results[].paragraph.rich_text[0].plain_text] | join(" ")')" \
	"c1 c2 x1 c4 c5"
printf '{"children":%s,"after":"%s"}' "$(para 1)" "$third" >"$tmp/a.json"
reqv 2026-03-11 PATCH "$N/v1/blocks/$found/children" "$tmp/a.json"
check_same "2026-03-11: after is rejected" "$(what)" "400 validation_error"
printf '{"properties":{"Status":{"select":{"name":"Imported"}}}}' >"$tmp/p.json"
req PATCH "$N/v1/pages/$found" "$tmp/p.json"
check_same "update a property, others kept" \
	"$code $(js .properties.Status.select.name) $(js .properties.URL.url)" \
	"200 Imported https://example.com/find-me"
printf '{"in_trash":true}' >"$tmp/p.json"
req PATCH "$N/v1/pages/$found" "$tmp/p.json"
check_same "trash the page" "$code $(js .in_trash)" "200 true"
printf '{"children":%s}' "$(para 1)" >"$tmp/a.json"
req PATCH "$N/v1/blocks/$found/children" "$tmp/a.json"
check_same "append to a trashed page rejected" "$code $(js .message)" \
	"400 Can't edit block that is archived. You must unarchive the block before editing."
jq -n '{filter: {property: "URL", url: {equals: "https://example.com/find-me"}}}' \
	>"$tmp/q.json"
req POST "$N/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "query skips trashed pages" "$code $(js '.results | length')" "200 0"

# -- faults (fast instance, --hang 2)
before=$(npages)
page "f502" "https://example.com/f502"
check_same "queue 502-html-after" \
	"$(fault '{"method":"POST","path":"/v1/pages","fault":"502-html-after"}')" 200
req POST "$N/v1/pages" "$tmp/req.json"
check_same "502-html-after: 502 with HTML, page created" \
	"$code $(hdr content-type) $(grep -c 'Bad Gateway' "$tmp/body") $(npages)" \
	"502 text/html 2 $((before + 1))"
fault '{"method":"POST","path":"/v1/pages","fault":"timeout-after"}' >/dev/null
page "ftimeout" "https://example.com/ftimeout"
curl -s -o /dev/null --max-time 1 -X POST -H "Authorization: Bearer $TOK" \
	-H "Notion-Version: $VER" -H 'Content-Type: application/json' \
	--data-binary "@$tmp/req.json" "$N/v1/pages"
rc=$?
check_same "timeout-after: the client times out, page created" \
	"$rc $(npages)" "28 $((before + 2))"
fault '{"method":"POST","path":"/v1/pages","fault":"reset"}' >/dev/null
page "freset" "https://example.com/freset"
req POST "$N/v1/pages" "$tmp/req.json"
check_same "reset: no answer, no page" "$code $(npages)" \
	"000 $((before + 2))"
fault '{"method":"POST","path":"/v1/pages","fault":"reset-after"}' >/dev/null
req POST "$N/v1/pages" "$tmp/req.json"
check_same "reset-after: no answer, page created" "$code $(npages)" \
	"000 $((before + 3))"
fault "{\"method\":\"PATCH\",\"path\":\"/v1/pages/$(echo "$kidpage" | tr -d - | tr a-f A-F)\",\"fault\":\"status\",\"status\":409}" >/dev/null
printf '{"properties":{"Status":{"select":{"name":"Draft"}}}}' >"$tmp/p.json"
req PATCH "$N/v1/pages/$kidpage" "$tmp/p.json"
got=$(what)
req GET "$N/v1/pages/$kidpage"
check_same "status 409: conflict_error, nothing changed" \
	"$got $(js .properties.Status.select)" "409 conflict_error null"
fault '{"method":"GET","path":"/v1/users/me","fault":"status","status":429,"retry_after":7,"count":2}' >/dev/null
req GET "$N/v1/users/me"
check_same "status 429: Retry-After as asked" "$(what) $(hdr retry-after)" \
	"429 rate_limited 7"
req GET "$N/v1/users/me"
req GET "$N/v1/users/me"
check_same "count 2: the third request is served" "$code" 200
fault '{"method":"GET","path":"/v1/users/me","fault":"status","status":429,"retry_after":null}' >/dev/null
req GET "$N/v1/users/me"
check_same "status 429 with retry_after null: no Retry-After" \
	"$(what) $(hdr retry-after)" "429 rate_limited "
fault '{"method":"GET","path":"/v1/users/me","fault":"status","status":529,"retry_after":"soon"}' >/dev/null
req GET "$N/v1/users/me"
check_same "status 529 with a string: Retry-After as it is" \
	"$(what) $(hdr retry-after)" "529 service_overload soon"
fault '{"method":"GET","path":"/v1/users/me","fault":"status","status":413}' >/dev/null
req GET "$N/v1/users/me"
check_same "status 413: HTML, no JSON code, as a proxy answers" \
	"$code $(jq -r .code "$tmp/body" 2>/dev/null || echo none)" "413 none"

# the timed-out request is logged when its answer is done (--hang 2)
logged() { curl -s "$N/_fake/log" | jq -e '.requests | any(.fault == "timeout-after")'; }
wait_for 5 logged
check_same "the log shows each fault and the status answered" \
	"$(curl -s "$N/_fake/log" | jq -r '[.requests[] | select(.fault != null) | "\(.fault):\(.status)"] | sort | join(" ")')" \
	"502-html-after:502 reset-after:null reset:null status:409 status:413 status:429 status:429 status:429 status:529 timeout-after:200"

# -- rate limit (slow instance: 3 rps, burst 3): one curl process sends
# the 10 requests in parallel, so they arrive within well under a second
curl -s -Z --parallel-immediate --parallel-max 10 -o "$tmp/rl.#1" \
	-w '%{http_code} %header{retry-after}\n' \
	-H "Authorization: Bearer $TOK" -H "Notion-Version: $VER" \
	"$S/v1/users/me?n=[1-10]" >"$tmp/rl.codes" 2>"$tmp/rl.err"
n200=$(grep -c '^200 $' "$tmp/rl.codes")
n429=$(grep -c '^429 ' "$tmp/rl.codes")
check_same "10 at once: only 200s and 429s" "$((n200 + n429))" 10
[ "$n200" -ge 3 ] && [ "$n429" -ge 4 ]
ok $? "10 at once: $n200 served (>= the burst), $n429 rate limited"
check_same "429: Retry-After 1" \
	"$(sed -n 's/^429 //p' "$tmp/rl.codes" | sort -u | tr '\n' ' ')" "1 "
# every 429's body (a request sent apart could come after a refill on
# a loaded machine)
check_same "429 bodies: rate_limited with a reason" \
	"$(cat "$tmp"/rl.[0-9]* | jq -r 'select(.status == 429) | .code + " " +
	    (.additional_data.rate_limit_reason | type)' | sort | uniq -c | tr -s ' ')" \
	" $n429 rate_limited string"
sleep 1
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	-H "Notion-Version: $VER" "$S/v1/users/me")
check_same "after Retry-After the request is served" "$code" 200
stats=$(curl -s "$S/_fake/stats")
wmax=$(echo "$stats" | jq .window_max)
[ "$wmax" -ge 3 ] && [ "$wmax" -le 6 ]
ok $? "window_max $wmax within burst + rps (6)"
check_same "stats count the 429s" \
	"$(echo "$stats" | jq '.rate_limited, .requests' | tr '\n' ' ')" \
	"$n429 11 "

# -- --opaque-cursors: a cursor with '+' and '/', percent-encoded or refused
start_fake opq --rps 1000 --burst 1000 --opaque-cursors
O=http://127.0.0.1:$(cat "$tmp/opq.port")
page "Cursors" "https://example.com/cursors" "$(para 3 o)"
req POST "$O/v1/pages" "$tmp/req.json"
opg=$(js .id)
req GET "$O/v1/blocks/$opg/children?page_size=1"
cur=$(js .next_cursor)
check_match "opaque: next_cursor is no id, and has + and /" \
	"$code $(js .has_more) $cur" '^200 true c\+/[A-Za-z0-9+/]*=*$'
req GET "$O/v1/blocks/$opg/children?page_size=1&start_cursor=$(printf '%s' \
	"$cur" | jq -sRr @uri)"
check_same "opaque: the cursor percent-encoded gives the next block" \
	"$code $(js '.results[0].paragraph.rich_text[0].plain_text')" "200 o2"
req GET "$O/v1/blocks/$opg/children?page_size=1&start_cursor=$cur"
check_same "opaque: the cursor bare (its + a space) is refused" "$(what)" \
	"400 validation_error"
page "Cursors 2" "https://example.com/cursors2"
req POST "$O/v1/pages" "$tmp/req.json"
printf '{"page_size":1}' >"$tmp/q.json"
req POST "$O/v1/data_sources/$ART_DS/query" "$tmp/q.json"
jq -n --arg c "$(js .next_cursor)" '{page_size: 1, start_cursor: $c}' \
	>"$tmp/q.json"
req POST "$O/v1/data_sources/$ART_DS/query" "$tmp/q.json"
check_same "opaque: a query's cursor, in its body, gives the next page" \
	"$code $(js '.results[0].properties.Name.title[0].plain_text')" \
	"200 Cursors 2"

# -- reset
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$N/_fake/reset")
check_same "reset clears the pages" "$code $(npages)" "200 0"

for f in fast slow opq; do
	if [ -s "$tmp/$f.log" ]; then
		diag "fake-notion.py ($f) wrote to stdout/stderr:"
		diag "$(head -20 "$tmp/$f.log")"
		_failed=$((_failed + 1))
	fi
done
done_testing
