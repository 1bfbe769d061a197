#!/bin/sh
# tq-api: every endpoint of the seed with curl against real Redis,
# PostgreSQL and workers, with the seed's shapes and status codes; bad
# input of every kind answered in the seed's error shape with nothing
# written; a body's length told twice, OPTIONS, %00 in the path, the
# cap on inputs (-m); the token; a slow client and a flood of
# connections; health 503 with Redis gone; a backend's own words only in
# the log; SIGTERM
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
need curl curl
need jq jq
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"
start_notion
export TQ_RETRY_DELAYS=0,1,1

# api_start LOG [tq-api args...]: $A is its base URL, $APID its pid
api_start() {
	_log=$1
	shift
	tq-api "$@" 2>"$_log" &
	APID=$!
	_pids="$APID $_pids"
	wait_for 10 grep -q ' listening ' "$_log" ||
		bail "tq-api did not start: $(tail -3 "$_log")"
	A=http://127.0.0.1:$(sed -n 's/.* port=\([0-9]*\).*/\1/p' "$_log" | head -1)
}

# req METHOD PATH [BODY [curl args...]]: the answer in $out, status in $code
req() {
	_m=$1
	_p=$2
	shift 2
	if [ $# -ge 1 ]; then
		_b=$1
		shift
		set -- -H 'Content-Type: application/json' --data-binary "$_b" "$@"
	fi
	code=$(curl -s -m 20 -o "$out" -w '%{http_code}' -X "$_m" "$@" "$A$_p")
}
j() { jq -r "$1" "$out"; }

# wait_done STAGE TASK: until the task has ended
wait_done() {
	wait_for 90 sh -c "curl -s '$A/api/$1/async/status/$2' | jq -e '.task.status | test(\"completed|failed|cancelled\")'"
}

# --- start-up: safe by default
check_status 2 "a non-loopback address without a token is refused" tq-api -l 0.0.0.0:0
check_match "saying why in one line" "$(cat "$errf")" '^tq-api: listen 0\.0\.0\.0:0: not a loopback address: set TQ_API_TOKEN'
check_status 2 "TQ_API_LISTEN is held to it too" env TQ_API_LISTEN='[::]:0' tq-api
check_status 2 "a token of blanks is none: refused" timeout 5 env TQ_API_TOKEN=' ' tq-api -l 127.0.0.1:0
check_match "saying why, not echoing it" "$(cat "$errf")" '^tq-api: TQ_API_TOKEN: holds a blank or a control character'
check_status 2 "a listen address that is none" tq-api -l 127.0.0.1:http
check "-h prints the usage" tq-api -h
check_match "to stdout" "$(cat "$out")" '^usage: tq-api'
check "-m n, the cap on the inputs of a submit" tq-api -m 5 -h
check_status 2 "-m over 100000 is refused" tq-api -m 100001
check_same "naming it" "$(cat "$errf")" 'tq-api: max items 100001: too large'
check_status 2 "TQ_API_MAX_ITEMS 0 too" env TQ_API_MAX_ITEMS=0 tq-api -h

api_start "$tmp/api.log" -l 127.0.0.1:0 -b 65536 -p 40 -t 3
API1=$APID
check_match "it listens on 127.0.0.1" "$A" '^http://127\.0\.0\.1:[0-9]+$'

tasks() { psqlc "SELECT count(*) FROM processing_tasks"; }
jobs() { rcli --scan --pattern 'rq:job:*' | wc -l; }

# links 10, 11, 12 as in the seed's examples, to the demo pages
req GET /api/monitoring/statistics	# the schema
psqlc "INSERT INTO links (id, url) VALUES (10, '$HTTP/harbor-batteries.html'), (11, '$HTTP/stadtbaeume.html'), (12, '$HTTP/night-sky-census.html'); SELECT setval('links_id_seq', 100)" >/dev/null

# --- bad input: the seed's error shape, nothing written
before="$(tasks) $(jobs)"
bad() {	# bad WANT-CODE DESC METHOD PATH [BODY [curl args]]
	_w=$1
	_d=$2
	shift 2
	req "$@"
	check_same "$_d: $_w" "$code $(jq -c '[.success, (.error | type)]' "$out" 2>/dev/null)" "$_w [false,\"string\"]"
}
# a web page of another site may not drive the API (a form POST needs
# no preflight); a body that is not said to be JSON is refused
n0=$(psqlc "SELECT count(*) FROM processing_tasks")
bad 403 "a POST whose Origin is another site" POST /api/parsing/async/batch '{"link_ids": [10]}' -H 'Origin: http://evil.example'
bad 403 "a POST a browser marks cross-site" POST /api/parsing/async/retry/1 '' -H 'Sec-Fetch-Site: cross-site'
bad 403 "... or same-site (a sibling subdomain, another origin)" POST /api/parsing/async/retry/1 '' -H 'Sec-Fetch-Site: same-site'
# a front end of the same origin, behind a proxy that sets Host, is let
# in (and then answered for its input)
bad 400 "a same-origin POST through a proxy: let in" POST /api/parsing/async/batch '{"link_ids": []}' -H 'Origin: https://app.example' -H 'Sec-Fetch-Site: same-origin'
bad 400 "... from an older browser, by X-Forwarded-Host" POST /api/parsing/async/batch '{"link_ids": []}' -H 'Origin: https://app.example' -H 'X-Forwarded-Host: app.example'
# DNS rebinding: a page of attacker.example whose name now points here
# is its own origin; without a token its Host is refused, reads too
bad 403 "a POST from a page whose name points here (DNS rebinding)" POST /api/parsing/async/batch '{"link_ids": [10]}' -H 'Host: attacker.example:5000' -H 'Origin: http://attacker.example:5000' -H 'Sec-Fetch-Site: same-origin'
check_match "... saying why" "$(j .error)" '^host not served: without TQ_API_TOKEN'
bad 403 "... a GET too (it reads the tasks)" GET /api/monitoring/queues "" -H 'Host: attacker.example'
req GET /api/monitoring/queues "" -H 'Host: localhost:5000'
check_same "Host localhost is served" "$code" 200
req GET /api/monitoring/queues "" -H 'Host: [::1]:5000'
check_same "... and an address" "$code" 200
# the absolute form of a target (RFC 9112 3.2.2, as a proxy gets it),
# which Flask's servers take: its host, not Host's, is the one served
req GET /api/monitoring/queues "" --request-target "http://localhost:5000/api/monitoring/queues?x=1"
check_same "a target in absolute form is served" "$code $(j .success)" '200 true'
req GET /api/monitoring/queues "" --request-target "http://attacker.example/api/monitoring/queues" -H 'Host: localhost'
check_same "... its host is the one checked" "$code" 403
code=$(curl -s -m 20 -o "$out" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' --data-binary '{"link_ids": [10]}' "$A/api/parsing/async/batch")
check_same "a text/plain body: 415" "$code $(j .error)" "415 Content-Type must be application/json"
check_same "nothing written" "$(psqlc "SELECT count(*) FROM processing_tasks")" "$n0"
bad 400 "malformed JSON" POST /api/parsing/async/batch '{"link_ids": [10,'
check_match "says so" "$(j .error)" '^malformed JSON'
bad 400 "a body that is not an object" POST /api/parsing/async/batch '[10, 11]'
bad 400 "link_ids missing" POST /api/parsing/async/batch '{"ids": [10]}'
bad 400 "link_ids empty" POST /api/parsing/async/batch '{"link_ids": []}'
bad 400 "link_ids not an array" POST /api/parsing/async/batch '{"link_ids": 10}'
bad 400 "link_ids null" POST /api/parsing/async/batch '{"link_ids": null}'
check_same "is missing, as a null option is" "$(j .error)" "link_ids: missing"
bad 400 "an id that is a string" POST /api/parsing/async/batch '{"link_ids": ["10"]}'
bad 400 "an id that is not an integer" POST /api/parsing/async/batch '{"link_ids": [10.5]}'
bad 400 "an id below 1" POST /api/parsing/async/batch '{"link_ids": [0]}'
check_same "naming it" "$(j .error)" "link_ids[0]: not a positive integer id"
bad 400 "a link that does not exist" POST /api/parsing/async/batch '{"link_ids": [10, 999]}'
check_match "naming it" "$(j .error)" '999'
bad 400 "a single link that does not exist" POST /api/parsing/async/single/999
bad 400 "a duplicate key" POST /api/parsing/async/batch '{"link_ids": [10], "link_ids": [11]}'
bad 400 "max_retries of the wrong type" POST /api/parsing/async/batch '{"link_ids": [10], "max_retries": "3"}'
bad 400 "processing_config not an object" POST /api/ai/async/batch '{"parsed_content_ids": [1], "processing_config": true}'
bad 400 "a flag that is not a boolean" POST /api/ai/async/batch '{"parsed_content_ids": [1], "processing_config": {"generate_summary": "yes"}}'
bad 400 "all three flags off" POST /api/ai/async/batch '{"parsed_content_ids": [1], "processing_config": {"generate_summary": false, "generate_keywords": false}}'
bad 400 "model_id of the wrong type" POST /api/ai/async/batch '{"parsed_content_ids": [1], "model_id": true}'
bad 400 "a parsed content that does not exist" POST /api/ai/async/batch '{"parsed_content_ids": [4242]}'
bad 400 "notion without database_id" POST /api/notion/async/batch '{"ai_content_ids": [1]}'
bad 400 "a database_id that is none" POST /api/notion/async/batch '{"ai_content_ids": [1], "database_id": "nope"}'
bad 400 "properties not an object" POST /api/notion/async/batch "{\"ai_content_ids\": [1], \"database_id\": \"$DB1\", \"properties\": [1]}"
# a long property name in Japanese: quoted to 80 bytes, between characters
jp=$(printf '\346\227\245%.0s' $(seq 1 30))
bad 400 "a property value that is no object" POST /api/notion/async/batch "{\"ai_content_ids\": [1], \"database_id\": \"$DB1\", \"properties\": {\"$jp\": 1}}"
check_same "its long name quoted between characters" "$(j .error)" "properties: $(printf '\346\227\245%.0s' $(seq 1 26)): a property value is an object such as {\"select\": {\"name\": \"x\"}}"
bad 400 "a task id that is not a number" GET /api/parsing/async/status/abc
bad 400 "include_items neither true nor false" GET '/api/parsing/async/status/1?include_items=maybe'
bad 404 "a task that does not exist" GET /api/parsing/async/status/4242
check_same "naming it" "$(j .error)" "task 4242: no such parsing task"
bad 404 "cancel of a task that does not exist" DELETE /api/ai/async/cancel/4242
bad 404 "retry of a task that does not exist" POST /api/notion/async/retry/4242
bad 404 "an endpoint that does not exist" GET /api/parsing/async/nothing/1
bad 404 "nor this" GET /
bad 405 "the wrong method" GET /api/parsing/async/batch
bad 405 "cancel is DELETE" POST /api/parsing/async/cancel/1
allow() { curl -s -o /dev/null -D - -X "$1" "$A$2" | tr -d '\r' | sed -n 's/^Allow: //p'; }
check_same "naming the method in Allow" "$(allow POST /api/parsing/async/cancel/1)" 'DELETE, OPTIONS'
# OPTIONS, as Flask answers it: the path's methods
req OPTIONS /api/parsing/async/status/1
check_same "OPTIONS: 204, no body" "$code $(wc -c <"$out")" '204 0'
check_same "Allow: the path's methods" "$(allow OPTIONS /api/parsing/async/status/1) | $(allow OPTIONS /api/ai/async/batch) | $(allow OPTIONS /api/notion/async/cancel/1) | $(allow OPTIONS /api/parsing/async/retry/1) | $(allow OPTIONS /api/monitoring/health)" \
	'GET, HEAD, OPTIONS | POST, OPTIONS | DELETE, OPTIONS | POST, OPTIONS | GET, HEAD, OPTIONS'
bad 404 "OPTIONS of a path that does not exist" OPTIONS /api/parsing/async/nothing/1
bad 400 "an id of bytes that are not UTF-8" GET '/api/parsing/async/status/%ff%fe%0a'
check_same "shown, not sent raw" "$(j .error)" '\xff\xfe\x0a: not a task id (a positive integer)'
# a long one in Japanese: quoted to 40 bytes, between characters
bad 400 "a long id in Japanese" GET "/api/parsing/async/status/$(printf '%%E6%%97%%A5%.0s' $(seq 1 20))"
check_same "quoted between characters" "$(j .error)" "$(printf '\346\227\245%.0s' $(seq 1 13)): not a task id (a positive integer)"
head -c 70000 /dev/zero | tr '\0' ' ' >"$tmp/big"
bad 413 "a body over -b" POST /api/parsing/async/batch "@$tmp/big"
bad 413 "a chunked body over -b" POST /api/parsing/async/batch "@$tmp/big" -H 'Transfer-Encoding: chunked'
# at most 1000 inputs in one submit (-m): 413, naming the cap
printf '{"link_ids": [%s]}' "$(seq -s, 1 1001)" >"$tmp/1001"
bad 413 "1001 link ids" POST /api/parsing/async/batch "@$tmp/1001"
check_same "naming the cap" "$(j .error)" '1001 inputs: at most 1000 in one request (send several)'
printf '{"link_ids": [%s], "urls": [%s]}' "$(seq -s, 1 600)" "$(seq -f '"http://h.example/%g"' -s, 1 401)" >"$tmp/1001"
bad 413 "600 link ids and 401 URLs" POST /api/parsing/async/batch "@$tmp/1001"
# a body's length told twice (RFC 9112 6.3): what one reads as the body
# a proxy before it may run as the next request; refused, closed
python3 - "${A#http://127.0.0.1:}" >"$tmp/smuggle" <<'PY'
import re, socket, sys, time
port = int(sys.argv[1])
hidden = b"POST /api/parsing/async/single/10 HTTP/1.1\r\nHost: x\r\n\r\n"
body = b"{}" + hidden
def raw(req):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(2)
    s.sendall(req)
    got = b""
    t = time.time()
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except socket.timeout:
        pass
    closed = time.time() - t < 1.5
    status = [m.decode() for m in re.findall(rb"HTTP/1\.[01] ([0-9]{3}) ", got)]
    err = got.rsplit(b"\r\n\r\n", 1)[-1].strip().decode()
    print(" ".join(status), "closed" if closed else "open", err)
def send(head, body):
    raw(b"POST /api/parsing/async/batch HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n" + body)
send(b"Content-Length: 2\r\nContent-Length: %d\r\n" % len(body), body)
send(b"Content-Length: 2\r\nContent-Length: 2\r\n", b"{}")
send(b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n")
# RFC 9112 3.2: an HTTP/1.1 request names its one host; 6.1: a coding
# other than chunked alone is not implemented
health = b"GET /api/monitoring/health HTTP/1.%d\r\n%s\r\n"
raw(health % (1, b""))
raw(health % (1, b"Host: a\r\nHost: b\r\n"))
raw(health % (0, b""))
for te in (b"gzip, chunked", b"xchunked", b"identity"):
    send(b"Transfer-Encoding: " + te + b"\r\n", b"2\r\n{}\r\n0\r\n\r\n")
# two are one list, "chunked, gzip": chunked is not the last coding
raw(b"POST /api/parsing/async/batch HTTP/1.1\r\nHost: localhost\r\n"
    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    b"Transfer-Encoding: gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
# RFC 9112 5.1: a space before the colon is a 400 (libmicrohttpd read a
# header "Transfer-Encoding " and framed by Content-Length, where a
# proxy may read chunks); 5.2: so is a line folded (obs-fold)
ok = b"POST /api/parsing/async/batch HTTP/1.1\r\nHost: localhost\r\n" \
    b"Content-Type: application/json\r\n"
raw(ok + b"Transfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}")
raw(ok + b"Content-Length: 2\r\nX-A: b\r\n Transfer-Encoding: chunked\r\n"
    b"\r\n{}")
PY
check_same "two Content-Lengths: one 400, closed" "$(sed -n 1p "$tmp/smuggle")" '400 closed {"success":false,"error":"more than one Content-Length"}'
check_same "two equal ones too" "$(sed -n 2p "$tmp/smuggle")" '400 closed {"success":false,"error":"more than one Content-Length"}'
check_same "Content-Length with Transfer-Encoding too" "$(sed -n 3p "$tmp/smuggle")" '400 closed {"success":false,"error":"Content-Length with Transfer-Encoding"}'
check_same "HTTP/1.1 without Host: 400, closed" "$(sed -n 4p "$tmp/smuggle")" '400 closed {"success":false,"error":"no Host header (HTTP/1.1 requires one)"}'
check_same "two Host headers: 400, closed" "$(sed -n 5p "$tmp/smuggle")" '400 closed {"success":false,"error":"more than one Host"}'
check_match "HTTP/1.0 needs none" "$(sed -n 6p "$tmp/smuggle")" '^(200|503) closed \{'
check_same "a Transfer-Encoding other than chunked: 501 at once, closed" \
    "$(sed -n '7,9p' "$tmp/smuggle" | sort -u)" '501 closed {"success":false,"error":"Transfer-Encoding other than chunked"}'
check_same "two Transfer-Encodings: 400, closed" "$(sed -n 10p "$tmp/smuggle")" '400 closed {"success":false,"error":"more than one Transfer-Encoding"}'
check_same "a space before a header's colon, a folded line: 400, closed" "$(sed -n '11,12p' "$tmp/smuggle" | sort -u)" '400 closed {"success":false,"error":"a header'"'"'s name is malformed (a space before its colon, or a line folded)"}'
check_same "nothing was written or queued" "$(tasks) $(jobs)" "$before"

# --- parse: batch, single, status (no worker yet: queued)
req POST /api/parsing/async/batch '{"link_ids": [10, 11, 12]}'
check_same "batch: 202" "$code" 202
check_same "the seed's fields" "$(jq -c '[.success, (.task_id | type), (.job_id | type), .total_items, .status, .message]' "$out")" '[true,"number","string",3,"queued","Parsing batch queued: 3 links"]'
check_same "and the same under data, as the seed's examples read them" "$(jq -c '[.data.task_id == .task_id, .data.total_items]' "$out")" '[true,3]'
check_same "no error at the top of a success (a seed client tests 'error' in it)" "$(jq -c 'has("error")' "$out")" false
pt=$(j .task_id)
bad 400 "%00 in the path does not end it" GET "/api/parsing/async/status/${pt}%00abc"
check_same "naming it" "$(j .error)" "${pt}%00abc: not a task id (a positive integer)"
req GET "/api/parsing/async/status/$pt?include_items=true"
check_same "status: 200" "$code" 200
check_same "the task, queued, with its items" "$(jq -c '[.success, .task.id, .task.type, .task.status, .task.progress, .task.total_items, .task.completed_items, .task.failed_items, [.task.items[] | [.item_id, .item_type, .status]]]' "$out")" "[true,$pt,\"parsing\",\"queued\",0,3,0,0,[[10,\"link\",\"pending\"],[11,\"link\",\"pending\"],[12,\"link\",\"pending\"]]]"
req GET "/api/parsing/async/status/$pt"
check_same "without include_items, no items" "$(jq -c '[.task.id, .task.items, .data.task.id]' "$out")" "[$pt,null,$pt]"

start_worker -n 2
wait_done parsing "$pt"
req GET "/api/parsing/async/status/$pt?include_items=true"
check_same "the task completed" "$(jq -c '[.task.status, .task.progress, .task.completed_items, .task.failed_items]' "$out")" '["completed",100,3,0]'
check_same "every item with its times and result, also as the seed's result_data" "$(jq -c '[.task.items[] | [.status, (.started_at | type), (.completed_at | type), (.result.parsed_content_id | type), (.result == .result_data)]] | unique' "$out")" '[["completed","string","string","number",true]]'
pcs=$(jq -c '[.task.items[].result.parsed_content_id]' "$out")
psqlc "UPDATE processing_tasks SET started_at = completed_at - interval '0.139 s' WHERE id = $pt" >/dev/null
req GET "/api/parsing/async/status/$pt"
check_match "the duration as PostgreSQL rounded it, not 0.13900000000000001" "$(cat "$out")" '"duration":0\.139[,}]'
req GET "/api/ai/async/status/$pt"
check_same "a parsing task is no ai task" "$code" 404

req POST /api/parsing/async/single/11
check_same "single: 202" "$code $(jq -c '[.success, .total_items, .status]' "$out")" '202 [true,1,"queued"]'
st=$(j .task_id)
wait_done parsing "$st"
# the 202's record is the task as submitted, as the seed's "queued":
# with a record that takes a second to read, the workers have taken
# and done its job by the time one read after the push is made
psqlc "ALTER FUNCTION tq_task_record(bigint, boolean) RENAME TO tq_task_record_real; CREATE FUNCTION tq_task_record(p_task bigint, p_items boolean) RETURNS json LANGUAGE sql AS \$\$ SELECT pg_sleep(1); SELECT tq_task_record_real(p_task, p_items) \$\$" >/dev/null
req POST /api/parsing/async/single/12
psqlc "DROP FUNCTION tq_task_record(bigint, boolean); ALTER FUNCTION tq_task_record_real(bigint, boolean) RENAME TO tq_task_record" >/dev/null
check_same "a 202 says queued, however fast the workers are" "$code $(jq -c '[.status, .progress, .completed_items, .data.status]' "$out")" '202 ["queued",0,0,"queued"]'
wait_done parsing "$(j .task_id)"

# --- ai
req POST /api/ai/async/batch "{\"parsed_content_ids\": $pcs, \"processing_config\": {\"generate_summary\": true, \"generate_keywords\": true, \"generate_insights\": true}}"
check_same "ai batch: 202" "$code $(jq -c '[.success, .total_items, .status, (.job_id | type)]' "$out")" '202 [true,3,"queued","string"]'
at=$(j .task_id)
wait_done ai "$at"
req GET "/api/ai/async/status/$at?include_items=true"
check_same "ai task completed" "$(jq -c '[.task.type, .task.status, .task.completed_items, ([.task.items[].item_type] | unique)]' "$out")" '["ai_processing","completed",3,["parsed_content"]]'
acs=$(jq -c '[.task.items[].result.ai_content_id]' "$out")
check_same "the processing_config was kept" "$(psqlc "SELECT params->'processing_config'->>'generate_insights' FROM processing_tasks WHERE id = $at")" true
pc1=$(echo "$pcs" | jq '.[0]')
req POST "/api/ai/async/single/$pc1" '{"model_id": 1, "processing_config": {"generate_keywords": false}}'
check_same "ai single with a model_id: 202" "$code $(j .total_items)" '202 1'
wait_done ai "$(j .task_id)"

# --- notion
req POST /api/notion/async/batch "{\"ai_content_ids\": $acs, \"database_id\": \"$DB1\", \"properties\": {\"Tags\": {\"multi_select\": [{\"name\": \"Important\"}]}}}"
check_same "notion batch: 202" "$code $(jq -c '[.success, .total_items, .status]' "$out")" '202 [true,3,"queued"]'
nt=$(j .task_id)
wait_done notion "$nt"
req GET "/api/notion/async/status/$nt?include_items=true"
check_same "notion task completed" "$(jq -c '[.task.type, .task.status, .task.completed_items]' "$out")" '["notion_import","completed",3]'
check_same "three pages with the user's property" "$(fake GET /_fake/pages | jq '[.pages[] | select(.properties.Tags.multi_select | any(.name == "Important"))] | length')" 3
ac1=$(echo "$acs" | jq '.[0]')
req POST "/api/notion/async/single/$ac1" "{\"database_id\": \"$DB1\"}"
check_same "notion single: 202" "$code $(j .total_items)" '202 1'
wait_done notion "$(j .task_id)"

# --- a chain and a notification (tq extensions: "then", "notify_url"),
# read and checked as tq-submit's --then and --notify
n0=$(tasks)
bad 400 "then not a list" POST /api/parsing/async/batch '{"link_ids": [10], "then": "ai"}'
check_match "saying what it takes" "$(j .error)" '^then: not a list of the stages that follow parse, in order \(at most 2\)$'
bad 400 "then: a stage out of order" POST /api/parsing/async/batch "{\"link_ids\": [10], \"then\": [{\"stage\": \"notion\", \"database_id\": \"$DB1\"}]}"
check_same "named by its place" "$(j .error)" 'then[0]: notion: not the stage that follows the one before it'
bad 400 "then: a stage with inputs of its own" POST /api/parsing/async/batch '{"link_ids": [10], "then": [{"stage": "ai", "parsed_content_ids": [1]}]}'
bad 400 "then: a stage's bad option" POST /api/parsing/async/batch '{"link_ids": [10], "then": [{"stage": "ai"}, {"stage": "notion", "database_id": "nope"}]}'
check_same "named by its place" "$(j .error)" 'then[1]: database_id: not a database id (32 hex digits, or a Notion URL)'
bad 400 "then: an element that is no object" POST /api/parsing/async/batch '{"link_ids": [10], "then": ["ai"]}'
bad 400 "notify_url: not http(s)" POST /api/parsing/async/batch '{"link_ids": [10], "notify_url": "ftp://h.example/x"}'
bad 400 "notify_url: with a password" POST /api/parsing/async/batch '{"link_ids": [10], "notify_url": "http://u:pw@h.example/x"}'
check_match "refused, not echoed" "$(j .error)" '^notify_url: a user name or password in the URL: refused'
check_same "nothing written" "$(tasks)" "$n0"
hook="$HTTP/hook?api=1"
req POST /api/parsing/async/batch "{\"urls\": [\"$HTTP/harbor-batteries.html?api-chain=1\"], \"then\": [{\"stage\": \"ai\", \"processing_config\": {\"generate_insights\": true}}, {\"stage\": \"notion\", \"database_id\": \"$DB1\", \"properties\": {\"Tags\": {\"multi_select\": [{\"name\": \"Chained\"}]}}}], \"notify_url\": \"$hook\"}"
check_same "a chain of three stages: 202, the follow-ups' ids in chain" "$code $(jq -c '[.status, .notify_url, (.chain | length), .next_task_id == .chain[0]]' "$out")" "202 [\"queued\",\"$hook\",2,true]"
cht=$(j .task_id)
check "the chain runs to its end" tq-wait -t 90 --chain "$cht"
check_same "each stage with its options and the notify URL" \
    "$(psqlc "SELECT string_agg(type || ' ' || coalesce(params->'processing_config'->>'generate_insights', params->'properties'->'Tags'->'multi_select'->0->>'name', '-') || ' ' || (notify_url = '$hook'), ', ' ORDER BY id) FROM processing_tasks WHERE id = $cht OR parent_task_id IS NOT NULL AND id > $cht")" \
    'parsing - true, ai_processing true true, notion_import Chained true'
check_same "its page in Notion" "$(fake GET /_fake/pages | jq '[.pages[] | select(.properties.Tags.multi_select | any(.name == "Chained"))] | length')" 1
# TQ_NOTIFY_URL is the default, as tq-submit's; checked as it starts
check_status 2 "TQ_NOTIFY_URL that is no http(s) URL: tq-api does not start" env TQ_NOTIFY_URL=ftp://h.example/x tq-api -l 127.0.0.1:0
check_same "saying why in one line" "$(cat "$errf")" 'tq-api: TQ_NOTIFY_URL: unsupported scheme ftp'
A0=$A
TQ_NOTIFY_URL="$HTTP/hook?env=1" api_start "$tmp/api-n.log" -l 127.0.0.1:0
req POST /api/parsing/async/batch "{\"urls\": [\"$HTTP/harbor-batteries.html?api-env=1\"]}"
check_same "TQ_NOTIFY_URL: the default notify_url" "$code $(j .notify_url)" "202 $HTTP/hook?env=1"
req POST /api/parsing/async/batch "{\"urls\": [\"$HTTP/harbor-batteries.html?api-env=2\"], \"notify_url\": \"$hook\"}"
check_same "the body's beats it" "$code $(j .notify_url)" "202 $hook"
kill "$APID"
A=$A0

# --- cancel: a paused queue holds the jobs
rcli SET tq:paused:parsing-queue 1 >/dev/null
req POST /api/parsing/async/batch '{"link_ids": [10, 11]}'
ct=$(j .task_id)
req DELETE "/api/parsing/async/cancel/$ct"
check_same "cancel: 200, both items" "$code $(jq -c '[.success, .cancelled_count, .task.status, .data.cancelled_count]' "$out")" '200 [true,2,"cancelled",2]'
check_same "their jobs left the queue" "$(rcli LLEN rq:queue:parsing-queue)" 0
req DELETE "/api/parsing/async/cancel/$ct"
check_same "again: nothing to cancel" "$code $(j .cancelled_count)" '200 0'
check_match "saying so" "$(j .message)" 'nothing to cancel'
psqlc "ALTER FUNCTION tq_chain_cancel(bigint) RENAME TO tq_chain_cancel_gone" >/dev/null
req DELETE "/api/parsing/async/cancel/$ct"
psqlc "ALTER FUNCTION tq_chain_cancel_gone(bigint) RENAME TO tq_chain_cancel" >/dev/null
check_same "PostgreSQL's error: 503, its words only in the log" "$code $(j .error)" "503 task $ct: postgresql unavailable"
check_match "there" "$(grep ' backend ' "$tmp/api.log")" "path=/api/parsing/async/cancel/$ct error=.*tq_chain_cancel.* does not exist"
# a chain (tq-submit --then) is cancelled with its head, as tq-cancel does
tq-submit parse --then ai "$HTTP/stadtbaeume.html?chain=1" >"$tmp/chain" 2>/dev/null
req DELETE "/api/parsing/async/cancel/$(jq -r .task_id "$tmp/chain")"
check_same "cancel of a chain's head: its follower too" "$code $(jq -c '[.task.status, [.chained_tasks[] | .type, .status]]' "$out")" '200 ["cancelled",["ai_processing","cancelled"]]'
rcli DEL tq:paused:parsing-queue >/dev/null

# --- retry: a page that is not there fails for good
req POST /api/parsing/async/batch "{\"urls\": [\"$HTTP/not-there.html\"], \"link_ids\": null}"
check_same "urls too (a tq extension; a null link_ids is none): 202" "$code" 202
ft=$(j .task_id)
wait_done parsing "$ft"
req GET "/api/parsing/async/status/$ft?include_items=true"
check_same "the task failed" "$(jq -c '[.task.status, .task.failed_items, (.task.items[0].error_message | type)]' "$out")" '["failed",1,"string"]'
req POST "/api/parsing/async/retry/$ft"
# (the worker may have failed it again by the time the record is read)
check_same "retry: 200, one item" "$code $(jq -c '[.success, .retried_count, .data.retried_count, (.task.status | test("running|failed"))]' "$out")" '200 [true,1,1,true]'
wait_done parsing "$ft"
req POST "/api/parsing/async/retry/$pt"
check_same "a task without failed items: nothing to retry" "$code $(j .retried_count)" '200 0'

# --- Redis refuses writes: saved in PostgreSQL, not queued
rcli CONFIG SET maxmemory-policy noeviction >/dev/null
rcli CONFIG SET maxmemory 1 >/dev/null
req POST "/api/parsing/async/retry/$ft"
rt="$code $(jq -c '[.retried_count, .warnings]' "$out")"
req POST /api/parsing/async/batch '{"link_ids": [12]}'
rcli CONFIG SET maxmemory 0 >/dev/null
check_same "retry: 200, a warning without Redis's words" "$rt" "200 [1,[\"task $ft: redis unavailable: its items are pending and the workers' reconciler will queue them\"]]"
check_same "submit: 202, saved, not queued yet" "$code $(jq -c '[.status, .message, .warning]' "$out")" "202 [\"queued\",\"Parsing batch saved: 1 link\",\"redis unavailable; the task is saved and the workers' reconciler will queue it\"]"
check_same "Redis's words are in the log" "$(grep -c ' backend .*error=.*OOM command not allowed' "$tmp/api.log")" 2

# --- monitoring
req GET /api/monitoring/workers
check_same "workers: 200" "$code $(j .success)" '200 true'
check_same "the seed's fields" "$(jq -c '[.total_workers >= 1, (.workers[0] | has("name") and has("queues") and has("state") and has("current_job") and has("successful_job_count") and has("failed_job_count") and has("birth_date"))]' "$out")" '[true,true]'
req GET /api/monitoring/queues
check_same "queues: the seed's fields" "$code $(jq -c '.queues["parsing-queue"] | [.name, (.count | type), (.started_job_registry | type), .finished_job_registry >= 1, (.failed_job_registry | type)]' "$out")" '200 ["parsing-queue","number","number",true,"number"]'
req GET /api/monitoring/statistics
check_same "statistics: the seed's fields" "$code $(jq -c '.statistics | [.total_tasks >= 8, (.completed_tasks, .failed_tasks, .running_tasks | type), .by_type.parsing.total >= 4, .by_type.ai_processing.completed, .by_type.notion_import.completed, .total_items_processed >= 10, (.total_items_failed | type)]' "$out")" '200 [true,"number","number","number",true,3,3,true,"number"]'
req GET /api/monitoring/health
check_same "health: 200, healthy" "$code $(jq -c '[.success, .healthy, .health.redis, (.health.redis_version | type), .health.workers.total >= 1, (.health.workers | has("active") and has("busy") and has("idle")), .health.queues_healthy, .health.queues["parsing-queue"].healthy, (.health.queues["parsing-queue"].pending | type)]' "$out")" '200 [true,true,"connected","string",true,true,true,true,"number"]'
# a backlog of 1000 jobs is a WARNING, of 1001 CRITICAL (tq-health's -c)
rcli sadd rq:queues rq:queue:bulk >/dev/null
seq 1 1000 | sed 's/^/RPUSH rq:queue:bulk j/' | rcli >/dev/null
req GET /api/monitoring/health
check_same "health: a backlog of 1000 is still healthy" "$code $(j .status)" '200 WARNING'
rcli rpush rq:queue:bulk j1001 >/dev/null
req GET /api/monitoring/health
check_same "of 1001, 503 as the page says" "$code $(j .status)" '503 CRITICAL'
rcli del rq:queue:bulk >/dev/null
rcli srem rq:queues rq:queue:bulk >/dev/null

# --- a slow client and a flood of idle connections (30 from each of
# ten addresses, under -p 40) do not keep the server from the others
python3 - "${A#http://127.0.0.1:}" >"$tmp/flood.out" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
slow = socket.create_connection(("127.0.0.1", port))
slow.sendall(b"GET /api/monitoring/workers HTTP/1.1\r\nHost: x\r\nX-Slow: ")
flood = []
for k in range(2, 12):
    for i in range(30):
        s = socket.socket()
        s.bind(("127.0.0.%d" % k, 0))
        s.connect(("127.0.0.1", port))
        flood.append(s)
print("open", len(flood), flush=True)
# the slow one is cut after the idle timeout (-t 3)
slow.settimeout(10)
t = time.time()
try:
    got = slow.recv(100)
except Exception as e:
    got = b"error"
print("slow closed after %.0f s: %r" % (time.time() - t, got[:12]), flush=True)
time.sleep(2)
PY
fpid=$!
wait_for 10 grep -q '^open 300' "$tmp/flood.out"
req GET "/api/parsing/async/status/$pt"
check_same "with 300 idle sockets and a slow client, others are answered" "$code $(j .task.status)" '200 completed'
t0=$(date +%s)
for i in 1 2 3 4 5 6 7 8 9 10; do req GET "/api/parsing/async/status/$pt"; [ "$code" = 200 ] || break; done
check_same "ten more in a row" "$code $(( $(date +%s) - t0 < 5 ))" '200 1'
wait "$fpid"
check_match "the slow client was cut at the timeout" "$(cat "$tmp/flood.out")" "slow closed after [2-6] s: b''"
req GET /api/monitoring/queues
check_same "and the server still answers" "$code" 200

# --- clients that send a byte of their headers every half second, never
# idle: cut within twice the timeout (-t 3), where they held their
# connections for as long as they went on
python3 - "${A#http://127.0.0.1:}" >"$tmp/drip.out" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
drips = [socket.create_connection(("127.0.0.1", port)) for i in range(5)]
for d in drips:
    d.sendall(b"GET /api/monitoring/workers HTTP/1.1\r\nHost: x\r\nX-Drip: ")
t = time.time()
cut = [None] * len(drips)
while time.time() - t < 15 and None in cut:
    time.sleep(0.5)
    for i, d in enumerate(drips):
        if cut[i] is None:
            try:
                d.sendall(b"a")
            except OSError:
                cut[i] = time.time() - t
print("cut after", " ".join("%.0f" % c if c is not None else "never"
                            for c in cut))
PY
check_match "clients that drip their headers are cut within twice -t" "$(cat "$tmp/drip.out")" '^cut after ([5-9] ){4}[5-9]$'
check_match "... and the log says so" "$(cat "$tmp/api.log")" 'slow_clients closed=[1-5] seconds=6'
req GET /api/monitoring/queues
check_same "and the server still answers" "$code" 200

# --- the token
export TQ_API_TOKEN=tok_$$_SECRETTOKEN TQ_API_MAX_ITEMS=2
A0=$A
api_start "$tmp/api-tok.log" -l 127.0.0.1:0
unset TQ_API_MAX_ITEMS
req POST /api/parsing/async/batch '{"link_ids": [997, 998, 999]}' -H "Authorization: Bearer $TQ_API_TOKEN"
check_same "TQ_API_MAX_ITEMS sets the cap" "$code $(j .error)" '413 3 inputs: at most 2 in one request (send several)'
req GET /api/monitoring/queues
check_same "a token is needed" "$code $(jq -c '[.success, (.error | type)]' "$out")" '401 [false,"string"]'
req GET /api/monitoring/queues "" -H "Authorization: Bearer wrong"
check_same "a wrong token is refused" "$code" 401
req POST /api/parsing/async/batch '{"link_ids": [10]}' -H "Authorization: Bearer ${TQ_API_TOKEN}x"
check_same "a longer one too, and nothing written" "$code $(tasks)" "401 $(tasks)"
code=$(curl -s -o "$out" -w '%{http_code}' -H "Authorization: Bearer $TQ_API_TOKEN" "$A/api/parsing/async/status/$pt")
check_same "the right token is let in" "$code $(j .task.id)" "200 $pt"
code=$(curl -s -o "$out" -w '%{http_code}' -H "Authorization: Bearer $TQ_API_TOKEN" -H 'Host: api.example' "$A/api/parsing/async/status/$pt")
check_same "... with any Host (a page cannot send the token)" "$code" 200
check_same "the token is in no log" "$(cat "$tmp/api-tok.log" "$tmp/api.log" | grep -c SECRETTOKEN)" 0
kill -TERM "$APID"
unset TQ_API_TOKEN
A=$A0

# --- health 503 when Redis is gone
kill -TERM "$TQ_REDIS_PID"
wait_for 10 sh -c "! redis-cli -s '$tmp/redis.sock' ping"
req GET /api/monitoring/health
check_same "health: 503 without Redis" "$code $(jq -c '[.success, .healthy, .health.redis, .status, (.error | type)]' "$out")" '503 [false,false,"disconnected","CRITICAL","string"]'
check_same "naming the problem, not the socket" "$(jq -c '[.error, .health.redis_error, .problems]' "$out")" '["redis unavailable","redis unavailable",["redis unavailable"]]'
req GET /api/monitoring/workers
check_same "workers: 503 in the seed's error shape" "$code $(jq -c '[.success, (.error | test("redis"))]' "$out")" '503 [false,true]'
check_same "redis unavailable, no more" "$(j .error)" 'redis unavailable'
check_same "the socket is in the log" "$(grep -c " backend .*path=/api/monitoring/workers error=.*$tmp/redis.sock" "$tmp/api.log")" 1
req GET "/api/parsing/async/status/$pt"
check_same "status still reads PostgreSQL" "$code $(j .task.status)" '200 completed'

# --- PostgreSQL that stops answering (the tasks' table locked, as by a
# migration): the request gets a 503 after -t (3 s), not when the lock
# goes, and the next one after it is answered
psql -X -q "$TQ_DATABASE_URL" -c "BEGIN; LOCK TABLE processing_tasks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT" >/dev/null 2>&1 &
lpid=$!
wait_for 10 sh -c "[ \"\$(psql -X -A -t '$TQ_DATABASE_URL' -c \"SELECT count(*) FROM pg_locks WHERE relation = 'processing_tasks'::regclass AND mode = 'AccessExclusiveLock' AND granted\")\" = 1 ]" ||
    diag "the lock was not taken"
t0=$(date +%s)
req GET "/api/parsing/async/status/$pt"
check_same "a locked table: 503 postgresql unavailable" "$code $(j .error)" '503 postgresql unavailable'
check_match "... after -t (3 s), not when the lock goes" "$(( $(date +%s) - t0 ))" '^[2-7]$'
psqlc "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = 'processing_tasks'::regclass AND mode = 'AccessExclusiveLock'" >/dev/null
wait "$lpid" 2>/dev/null
req GET "/api/parsing/async/status/$pt"
check_same "... the lock gone: answered again" "$code $(j .task.status)" '200 completed'

# --- the connections of its threads are opened again after a failure
start_redis
req GET /api/monitoring/workers
check_same "Redis back: answered again" "$code $(j .success)" '200 true'
stop_pg fast
req GET "/api/parsing/async/status/$pt"
check_same "PostgreSQL down: 503" "$code $(j .success)" '503 false'
check_same "postgresql unavailable, no more" "$(j .error)" 'postgresql unavailable'
req GET /api/monitoring/health
check_same "health says so too, not where its socket is" "$code $(jq -c '[.health.postgresql_error, (.error | test("postgresql unavailable")), (tostring | contains("sock"))]' "$out")" '503 ["postgresql unavailable",true,false]'
start_pg_again
codes=
for i in 1 2 3 4 5 6 7 8; do req GET "/api/parsing/async/status/$pt"; codes="$codes $code"; done
check_same "PostgreSQL back: every thread reads again at once" "$codes $(j .task.status)" ' 200 200 200 200 200 200 200 200 completed'
req POST /api/parsing/async/single/10
check_same "and writes" "$code" 202 || diag "$(cat "$out")"

# --- SIGTERM: a clean stop
kill -TERM "$API1"
i=0
while kill -0 "$API1" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.1; i=$((i + 1)); done
check_same "stops within 4 s" "$(kill -0 "$API1" 2>/dev/null && echo running || echo stopped)" stopped
wait "$API1"
check_same "exit status 0" "$?" 0
check_match "saying so" "$(tail -1 "$tmp/api.log")" ' stopped signal=TERM'
check_same "one access log line a request, without the query" "$(grep -c 'request client=127.0.0.1 method=GET path=/api/parsing/async/status/'"$pt"' status=200' "$tmp/api.log" | awk '{print ($1 >= 12)}')" 1

# -m beats TQ_API_MAX_ITEMS
export TQ_API_MAX_ITEMS=1 TQ_API_HOSTS='tq.internal, api.example'
api_start "$tmp/api-m.log" -l 127.0.0.1:0 -m 3
unset TQ_API_MAX_ITEMS TQ_API_HOSTS
req GET /api/monitoring/queues "" -H 'Host: API.example.:8080'
check_same "TQ_API_HOSTS: a name listed is served" "$code" 200
req GET /api/monitoring/queues "" -H 'Host: api.example.org'
check_same "... one not listed is not" "$code" 403
req POST /api/parsing/async/batch '{"link_ids": [997, 998, 999]}'
check_match "-m beats TQ_API_MAX_ITEMS" "$code $(j .error)" '^400 .*997'
req POST /api/parsing/async/batch '{"urls": ["http://h.example/1", "http://h.example/2"], "link_ids": [998, 999]}'
check_same "URLs and ids count together" "$code $(j .error)" '413 4 inputs: at most 3 in one request (send several)'

# a task of 50,000 items with include_items: its answer is made as
# text a batch of items at a time; as one tree it took some 270 MB
# (the queue paused: no worker changes it meanwhile)
tq-worker -P parsing-queue >/dev/null 2>&1
awk 'BEGIN { for (i = 0; i < 50000; i++) printf "https://many.example/p?i=%d\n", i }' |
    TQ_SUBMIT_BATCH=0 tq-submit -j parse - >"$tmp/big.json"
big=$(jq -r .task_id "$tmp/big.json")
psqlc "UPDATE task_items SET status = 'completed', started_at = now(),
	completed_at = now(), result_data = jsonb_build_object(
	'parsed_content_id', id, 'score', (id % 100) / 4.0, 'title',
	'Ünïcode \"q\" ' || id) WHERE task_id = $big AND seq % 3 = 0" >/dev/null
req GET "/api/parsing/async/status/$big?include_items=true"
check_same "50,000 items: 200, every item" "$code $(jq '.task.items | length' "$out")" "200 50000"
check_same "the same under data, each result also as result_data" \
    "$(jq '.data.task == .task and all(.task.items[]; .result == .result_data)' "$out")" true
psqlc "SELECT tq_task_record($big, true)" | jq -c . >"$tmp/big.want"
check_same "the record as PostgreSQL makes it" \
    "$(jq -c '.task | .items |= map(del(.result_data))' "$out" | cmp - "$tmp/big.want" && echo same)" same
req GET "/api/ai/async/status/$big?include_items=true"
check_same "of another stage: 404" "$code $(j .error)" "404 task $big: no such ai_processing task"
tq-worker -U parsing-queue >/dev/null 2>&1
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-api" | grep -q libasan; then
	skip 1 "memory measured under a sanitizer or valgrind"
else
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$APID/status")
	check_match "tq-api's memory stayed under 150 MB ($hwm kB at most)" \
	    "$hwm" '^([0-9]{1,5}|1[0-4][0-9]{4})$'
fi

# a Redis that takes connections and never answers: the request waits
# out Redis's 10 s and gets its 503; the slow-client cut (twice -t, 2 s
# here) is for clients, not for a request tq-api is still working on
start_mute
r0=$TQ_REDIS_URL
TQ_REDIS_URL=redis://127.0.0.1:$MUTE_PORT/0
api_start "$tmp/api-mute.log" -l 127.0.0.1:0 -t 1
TQ_REDIS_URL=$r0
req GET /api/monitoring/workers
check_same "a Redis that never answers: 503, not a connection cut" "$code $(j .error)" '503 redis unavailable'
# SIGQUIT stops at once, a request in progress or not, though sh has a
# command it runs with & ignore SIGQUIT; SIGHUP is ignored
curl -s -m 20 -o /dev/null "$A/api/monitoring/workers" &
cpid=$!
sleep 1
kill -HUP "$APID"
sleep 0.3
check "SIGHUP: tq-api runs on" kill -0 "$APID"
kill -QUIT "$APID"
i=0
while kill -0 "$APID" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check_same "SIGQUIT: stops within 2 s, a request in progress" "$(kill -0 "$APID" 2>/dev/null && echo running || echo stopped)" stopped
kill -KILL "$APID" 2>/dev/null
wait "$APID"
check_same "exit status 0" "$?" 0
check_match "saying so" "$(tail -1 "$tmp/api-mute.log")" ' stopped signal=QUIT'
wait "$cpid"

done_testing
