#!/bin/sh
# the ai stage through the workers: parse | wait | submit ai | wait with
# the builtin model and with an OpenAI-compatible server (a strict local
# fake); one row per content and model; retries through the queue; keys
# never leak
. "$(dirname "$0")/lib.sh"
plan 56
start_redis
start_pg
start_httpd "$TQ_TOP"
KEY="sk-test-$$-SECRETKEY"
python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/ai.port" --key "$KEY" \
	--delay 3.5 >"$tmp/fake.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/ai.port" || bail "fake-openai.py did not start"
AIURL=http://127.0.0.1:$(cat "$tmp/ai.port")/v1
export TQ_FAKE_KEY="$KEY" TQ_RETRY_DELAYS=0
start_worker -n 2

check "parse | wait | ai | wait (builtin)" sh -c \
	"tq-submit parse '$HTTP/demo/pages/harbor-batteries.html' '$HTTP/demo/pages/stadtbaeume.html' | tq-wait -t 30 | tq-submit ai --insights | tq-wait -t 30"
rec=$(cat "$out")
check_same "ai task completed" "$(echo "$rec" | jq -r '"\(.type) \(.status) \(.completed_items)"')" "ai_processing completed 2"
aid=$(echo "$rec" | jq -r '.items[0].result.ai_content_id')
check_match "summary is sentences of the article" \
	"$(psqlc "SELECT strpos(p.content, split_part(a.summary, '. ', 1)) > 0 FROM ai_processed_contents a JOIN parsed_contents p ON p.id = a.parsed_content_id WHERE a.id = $aid")" '^t$'
check_match "keywords stored as an array" "$(psqlc "SELECT array_length(keywords, 1) FROM ai_processed_contents WHERE id = $aid")" '^([5-9]|1[0-9])$'
check_same "insights stored" "$(psqlc "SELECT jsonb_typeof(insights -> 'points') FROM ai_processed_contents WHERE id = $aid")" array
check_same "languages detected" "$(psqlc "SELECT string_agg(language, ',' ORDER BY language) FROM ai_processed_contents")" "de,en"
pcs=$(echo "$rec" | jq -r '[.items[].item_id] | join(" ")')
check "the same contents again" sh -c "tq-submit ai $pcs | tq-wait -t 30"
check_same "still one row per content and model" "$(psqlc "SELECT count(*) FROM ai_processed_contents")" 2

# processing_config: only what was asked for
check "insights only, with the builtin" sh -c "tq-submit ai --no-summary --no-keywords --insights $(echo "$pcs" | cut -d' ' -f1) | tq-wait -t 30"
check_same "the task records its processing_config" "$(jq -cS .params.processing_config "$out")" '{"generate_insights":true,"generate_keywords":false,"generate_summary":false}'
check_same "no summary, no keywords, insights" "$(psqlc "SELECT summary IS NULL, keywords IS NULL, insights IS NOT NULL FROM ai_processed_contents WHERE parsed_content_id = $(echo "$pcs" | cut -d' ' -f1)")" "t|t|t"
check_status 2 "all three off is a usage error" tq-submit ai --no-summary --no-keywords 1

# an OpenAI-compatible model (the fake decides its answer by model name)
addm() {	# addm NAME MODEL
	psqlc "INSERT INTO ai_models (name, provider, model, base_url, api_key_env, params) VALUES ('$1', 'openai', '$2', '$AIURL', 'TQ_FAKE_KEY', '{\"timeout\": 10}')" >/dev/null
}
addm fake ok
check "ai with an OpenAI-compatible model" sh -c "tq-submit ai -m fake $pcs | tq-wait -t 30"
check_same "completed" "$(jq -r .status "$out")" completed
check_match "token usage stored" "$(psqlc "SELECT prompt_tokens > 0 AND total_tokens > 0 FROM ai_processed_contents a JOIN ai_models m ON m.id = a.model_id WHERE m.name = 'fake' LIMIT 1")" '^t$'
check_same "a row per model" "$(psqlc "SELECT count(*) FROM ai_processed_contents")" 4
check_match "the request was the real shape" "$(curl -s "${AIURL%/v1}/_requests" | jq -r '.[-1].json | "\(.model) \(.response_format.type) \(.messages[0].role)"')" '^ok json_schema system$'

addm limited ratelimit
check "429 with Retry-After is retried through the queue" sh -c "tq-submit ai -m limited $(echo "$pcs" | cut -d' ' -f1) | tq-wait -t 30"
check_same "then succeeds" "$(jq -r '.items[0] | "\(.status) \(.retry_count)"' "$out")" "completed 1"
addm broke quota
check_status 1 "insufficient_quota fails" sh -c "tq-submit ai -m broke $(echo "$pcs" | cut -d' ' -f1) | tq-wait -t 30"
check_match "at once, clearly" "$(jq -r '.items[0] | "\(.retry_count) \(.error_message)"' "$out")" '^0 .*quota'
psqlc "INSERT INTO ai_models (name, provider, model, base_url, api_key_env) VALUES ('badkey', 'openai', 'ok', '$AIURL', 'TQ_WRONG_KEY')" >/dev/null
TQ_WRONG_KEY=sk-wrong-$$-NOTTHEKEY
check_status 1 "a key the server refuses fails" sh -c "tq-submit ai -m badkey $(echo "$pcs" | cut -d' ' -f1) | tq-wait -t 30"
check_match "saying which variable" "$(jq -r '.items[0].error_message' "$out")" 'TQ_WRONG_KEY'

# a model's own JSON mode (tq-model -J) is its alone: the server's
# remembered mode neither changes it nor is changed by it
lastrf() { curl -s "${AIURL%/v1}/_requests" | jq -r '.[-1].json.response_format.type'; }
pc1=$(echo "$pcs" | cut -d' ' -f1)
check "a model of the same server with -J prompt" sh -c "tq-model add plain -p openai -m ok -u '$AIURL' -k TQ_FAKE_KEY -T 10 -J prompt >/dev/null && tq-submit ai -m plain $pc1 | tq-wait -t 30"
check_same "asks without response_format" "$(lastrf)" null
check_same "the server's mode stays schema" "$(psqlc "SELECT json_mode FROM ai_server_modes WHERE base_url = '$AIURL' AND model = 'ok'")" schema
check "the server's model without -J" sh -c "tq-submit ai -m fake $pc1 | tq-wait -t 30"
check_same "still asks for json_schema" "$(lastrf)" json_schema

# a model the server serves without json_schema (a gateway's): the
# mode that works is remembered for that model, not the server's others
addm old no-schema
check "a server model without json_schema" sh -c "tq-submit ai -m old $pc1 | tq-wait -t 30"
check_same "the working mode is remembered for that model" "$(psqlc "SELECT json_mode FROM ai_server_modes WHERE base_url = '$AIURL' AND model = 'no-schema'")" object
check_same "the server's other model keeps schema" "$(psqlc "SELECT json_mode FROM ai_server_modes WHERE base_url = '$AIURL' AND model = 'ok'")" schema
modets() { psqlc "SELECT updated_at FROM ai_server_modes WHERE base_url = '$AIURL' AND model = 'no-schema'"; }
ts=$(modets)
check "the server's other model" sh -c "tq-submit ai -m fake $pc1 | tq-wait -t 30"
check_same "still asks for json_schema" "$(lastrf)" json_schema
addm old2 no-schema
check "another tq model of the same server model starts with its mode" sh -c "tq-submit ai -m old2 $pc1 | tq-wait -t 30"
check_same "json_object" "$(lastrf)" json_object
check_same "in one request" "$(curl -s "${AIURL%/v1}/_requests" | jq '[.[] | select(.json.model == "no-schema")] | length')" 3
check_same "the same mode is not written again" "$(modets)" "$ts"
check "but tq-model set -J schema" sh -c "tq-model set old2 -J schema >/dev/null && tq-submit ai -m old2 $pc1 | tq-wait -t 30"
check_same "asks for json_schema first, then steps down" "$(curl -s "${AIURL%/v1}/_requests" | jq -r '[.[] | select(.json.model == "no-schema") | .json.response_format.type] | .[3:] | join(" ")')" "json_schema json_object"

# an answer that is no JSON, twice: the item fails for good, and its
# result keeps what the model said (specs/llm-api.md section 4)
addm bad malformed
tq-submit ai -m bad "$(echo "$pcs" | cut -d' ' -f1)" >"$tmp/bad.json"
tq-wait -t 30 "$(jq -r .task_id "$tmp/bad.json")" >"$out"
check_same "bad JSON twice: failed for good" "$(jq -r '.items[0] | "\(.status) \(.error_message | test("bad JSON after a repair"))"' "$out")" "failed true"
check_match "its raw answer kept in the item's result" "$(jq -r '.items[0].result.raw_output' "$out")" '^\{"summary": ?".*"keyw$'
check_same "... with the tokens both its calls cost" "$(jq -c '.items[0].result | [.prompt_tokens, .completion_tokens, .total_tokens]' "$out")" \
	"$(curl -s "${AIURL%/v1}/_requests" | jq -c '[.[] | select(.json.model == "malformed") | .usage] | [(map(.prompt_tokens) | add), (map(.completion_tokens) | add), (map(.total_tokens) | add), length] | if .[3] == 2 then .[:3] else . end')"

# the page type tq-extract found reaches the model's instructions (a
# thread: what the replies say); an article gets the plain ones
reqs() { curl -s "${AIURL%/v1}/_requests"; }
check "parse | wait | ai of a forum thread" sh -c "tq-submit parse '$HTTP/tests/pages/extract/forum-thread.html' | tq-wait -t 30 | tq-submit ai -m fake | tq-wait -t 30"
check_same "stored as a forum" "$(psqlc "SELECT page_type FROM parsed_contents WHERE final_url LIKE '%forum-thread.html'")" forum
check_same "the model is told it reads a thread" "$(reqs | jq -r ".[-1].json.messages[0].content" | grep -c "^The page is a discussion thread .*replies")" 1
check_same "and not of an article" "$(reqs | jq -r '[.[] | select(.json.model == "ok") | .json.messages[0].content | test("The page is")] | .[0]')" false

# the key appears nowhere: logs, database, process titles, records
psql -XAtq "$TQ_DATABASE_URL" -c "SELECT * FROM ai_models; SELECT * FROM ai_processed_contents; SELECT * FROM task_items; SELECT * FROM processing_tasks; SELECT * FROM ai_server_modes" >"$tmp/dump"
check_same "no key in the database, logs or titles" \
	"$(cat "$tmp/dump" "$tmp/worker.log" "$out" | grep -c SECRETKEY; ps -eo args | grep -v fake-openai | grep -c '[S]ECRETKEY')" "0
0"
stop_worker
ok $? "workers stop"

# a slow server and a retry inside the call: a first answer after 3.5 s
# that needs a repair leaves 0.5 s before the job's deadline (a 6 s
# stage less 2 s), so the job ends as a transient failure and is
# scheduled again, instead of sending the repair with the model's 6 s
# and being killed at the stage's timeout, which fails the item for good
addm slow slow-malformed-once
TQ_AI_TIMEOUT=6
export TQ_AI_TIMEOUT
start_worker -n 1
task=$(TQ_RETRY_DELAYS=60 tq-submit ai -m slow "$(echo "$pcs" | cut -d' ' -f1)" | jq -r .task_id)
ended() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $task AND (retry_count > 0 OR status = 'failed')")" = 1 ]; }
wait_for 15 ended
check_same "a slow answer and a retry: a retry later, not killed" \
	"$(psqlc "SELECT status, retry_count, error_kind FROM task_items WHERE task_id = $task")" "pending|1|transient"
check_match "no time left before the deadline" \
	"$(psqlc "SELECT error_message FROM task_items WHERE task_id = $task")" "no time left before the job's deadline"
stop_worker
unset TQ_AI_TIMEOUT

# proxies from the environment: the requests to an OpenAI-compatible
# server take them (tq-model(1)), the pages never (the address guard
# must see the address connected). The "proxy" writes down each request
# line it gets and answers 502.
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def any(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        with open(sys.argv[1], "a") as f:
            f.write(self.requestline + "\n")
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_POST = do_CONNECT = any
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_port))
s.serve_forever()
' "$tmp/proxy.log" "$tmp/proxy.port" &
_pids="$! $_pids"
wait_for 10 test -s "$tmp/proxy.port" || bail "the proxy did not start"
: >"$tmp/proxy.log"
PROXY=http://127.0.0.1:$(cat "$tmp/proxy.port")
http_proxy=$PROXY https_proxy=$PROXY all_proxy=$PROXY start_worker -n 1
check "a page, proxy variables set" sh -c \
	"tq-submit parse '$HTTP/demo/pages/stadtbaeume.html' | tq-wait -t 30"
check_same "the page is fetched without the proxy" \
	"$(grep -c stadtbaeume "$tmp/proxy.log")" 0
check_status 1 "the model's server through the proxy" sh -c \
	"tq-submit ai -R 0 -m fake $pc1 | tq-wait -t 30"
check_same "the proxy had the model's request" \
	"$(cat "$tmp/proxy.log")" "POST $AIURL/chat/completions HTTP/1.1"
stop_worker
no_proxy=127.0.0.1 http_proxy=$PROXY start_worker -n 1
check "no_proxy: the model's server directly" sh -c \
	"tq-submit ai -R 0 -m fake $pc1 | tq-wait -t 30"
check_same "the proxy had nothing more" "$(wc -l <"$tmp/proxy.log")" 1
stop_worker
done_testing
