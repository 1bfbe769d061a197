#!/bin/sh
# tq-model: list, add, default, show, rm; validation; tq-submit ai -m
# resolves a model and a worker uses it against a strict fake OpenAI
# server; the API key never appears in any output, log or table.
# VALGRIND=1 runs tq-model under valgrind.
. "$(dirname "$0")/lib.sh"
plan 100
start_redis
start_pg
need python3 python3

vg=
if [ "${VALGRIND:-0}" = 1 ]; then
	vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite"
	vg="$vg --error-exitcode=99"
fi
key="sk-proj-5200-$$-DoNotLeakThisValue"
TQ_TEST_KEY_5200=$key
OPENAI_API_KEY=$key
export TQ_TEST_KEY_5200 OPENAI_API_KEY
# tq-model, keeping everything it prints for the leak check at the end
m() {
	$vg tq-model "$@" >"$tmp/m.out" 2>"$tmp/m.err"
	_mrc=$?
	cat "$tmp/m.out"
	cat "$tmp/m.err" >&2
	cat "$tmp/m.out" "$tmp/m.err" >>"$tmp/seen"
	return $_mrc
}
keep() { cat "$out" "$errf" >>"$tmp/seen"; }
nmodels() { psqlc "SELECT count(*) FROM ai_models"; }

# list
check "list" m list
check_same "one model, the builtin default" \
	"$(jq -c '[.name, .provider, .model, .is_default]' "$out")" '["builtin","builtin","builtin",true]'
check_same "record fields" "$(jq -r 'keys_unsorted | join(",")' "$out")" \
	"id,name,provider,model,base_url,api_key_env,params,is_default,created_at"

# add
check "add an openai model" m add gpt -p openai -u https://api.openai.com/v1 \
	-k TQ_TEST_KEY_5200 -m gpt-4o-mini -t 0.2 -x 800 -J object
check_same "record printed" \
	"$(jq -c '[.name, .provider, .model, .base_url, .api_key_env, .is_default]' "$out")" \
	'["gpt","openai","gpt-4o-mini","https://api.openai.com/v1","TQ_TEST_KEY_5200",false]'
check_same "params stored as jsonb" "$(psqlc "SELECT params FROM ai_models WHERE name = 'gpt'")" \
	'{"json_mode": "object", "max_tokens": 800, "temperature": 0.2}'
gpt=$(jq -r .id "$out")
check "add a local Ollama model (long options)" m add ollama --provider openai \
	--base-url http://localhost:11434/v1/ --model llama3.1 --context-chars 8000 --timeout 60
check_same "trailing slash dropped, no key variable" \
	"$(jq -c '[.base_url, .api_key_env, .params.context_chars, .params.timeout]' "$out")" \
	'["http://localhost:11434/v1",null,8000,60]'
check_same "a timeout within the ai queue's: no warning" "$(cat "$errf")" ""
check "a timeout longer than the ai queue's job timeout" m set ollama -T 600
check_match "is kept, with a warning" "$(psqlc "SELECT params->>'timeout' FROM ai_models WHERE name = 'ollama'") $(cat "$errf")" \
	"^600 tq-model: warning: timeout 600 s: the ai queue's job timeout is 120 s \(TQ_AI_TIMEOUT\), so workers wait 115 s at most"
check "none where the job timeout allows it" env TQ_AI_TIMEOUT=700 tq-model set ollama -T 600
check_same "no warning then" "$(cat "$errf")" ""
m set ollama -T 60 >/dev/null
check "add with the defaults of openai" m add mini -p openai -m gpt-4o-mini
check_same "OpenAI's URL and OPENAI_API_KEY by default" \
	"$(jq -c '[.base_url, .api_key_env, .params]' "$out")" \
	'["https://api.openai.com/v1","OPENAI_API_KEY",{}]'
check "add a second builtin" m add quick -p builtin
check_same "four models listed" "$(m list | wc -l | tr -d ' ')" 5

# default
check "default gpt" m default gpt
check_same "prints the new default" "$(jq -c '[.name, .is_default]' "$out")" '["gpt",true]'
check_same "exactly one default, gpt" "$(psqlc "SELECT string_agg(name, ',') FROM ai_models WHERE is_default")" gpt
check "default by id" m default 1
check_same "builtin is the default again" "$(psqlc "SELECT string_agg(name, ',') FROM ai_models WHERE is_default")" builtin
check "default by name again" m default gpt
check "add --default moves it" m add quick2 -p builtin --default
check_same "quick2 default" "$(psqlc "SELECT string_agg(name, ',') FROM ai_models WHERE is_default")" quick2
m default gpt >/dev/null
check_status 3 "default of a missing model" m default nosuch
check_same "the default stays" "$(psqlc "SELECT string_agg(name, ',') FROM ai_models WHERE is_default")" gpt

# show
check "show by name" m show gpt
check_same "show adds results and the server's json mode" \
	"$(jq -c '[.id, .is_default, .results, .server_json_mode]' "$out")" "[$gpt,true,0,null]"
check "show by id" m show "$gpt"
check_same "same model" "$(jq -r .name "$out")" gpt
check "table on request" m -H list
check_match "table header" "$(cat "$out")" '^ID +NAME +PROVIDER +MODEL +BASE_URL +KEY_ENV +DEFAULT +PARAMS$'
check_match "the default is starred" "$(cat "$out")" "^$gpt +gpt +openai +gpt-4o-mini +https://api.openai.com/v1 +TQ_TEST_KEY_5200 +\\* "
check_match "its params as given, not 0.20000000000000001" "$(cat "$out")" "^$gpt .*\"temperature\":0\\.2}\$"
# columns aligned as the terminal shows them: a Chinese model name
# takes 2 columns a character, a combining mark none
check "add a model named in Chinese" m add qwen -p openai -u http://127.0.0.1:9/v1 \
	-m "$(printf '\351\200\232\344\271\211\345\215\203\351\227\256')" -k TQ_TEST_KEY_5200
check "add one with a combining mark" m add cafe -p openai -u http://127.0.0.1:9/v1 \
	-m "$(printf 'cafe\314\201')" -k TQ_TEST_KEY_5200
check "table" m -H list
at_url() { LC_ALL=C.UTF-8 sed -n "/$1/s/$2.*//p" "$out" | LC_ALL=C.UTF-8 wc -L | tr -d ' '; }
check_same "BASE_URL starts at one column in every row" \
	"$(at_url qwen http:) $(at_url cafe http:)" "$(at_url '^ID' BASE_URL) $(at_url '^ID' BASE_URL)"
m rm qwen >/dev/null 2>&1
m rm cafe >/dev/null 2>&1

# rm
check_status 3 "rm refuses the default" m rm gpt
check_match "says why" "$(cat "$errf")" '^tq-model: model gpt is the default'
psqlc "INSERT INTO links (url) VALUES ('https://a.example/x')" >/dev/null
psqlc "INSERT INTO parsed_contents (link_id, title, content) SELECT id, 'A title', 'Some text about cats. Cats sleep a lot. Dogs do not sleep as much as cats.' FROM links" >/dev/null
pc=$(psqlc "SELECT max(id) FROM parsed_contents")
psqlc "INSERT INTO ai_processed_contents (parsed_content_id, model_id, model_name) SELECT $pc, id, name FROM ai_models WHERE name = 'ollama'" >/dev/null
check_status 3 "rm refuses a model with stored results" m rm ollama
check_match "says why" "$(cat "$errf")" '^tq-model: model ollama has 1 stored result'
check "rm a model" m rm quick
check_same "rm prints nothing" "$(cat "$out")" ""
check_status 3 "it is gone" m show quick
check_match "no such model" "$(cat "$errf")" '^tq-model: model quick: no such model$'
check_status 3 "rm of a missing model" m rm nosuch
check_status 3 "show ''" m show ''
check_same "named \"\", no double space" "$(cat "$errf")" 'tq-model: model "": no such model'
# bytes that are not UTF-8 name no model: not PostgreSQL's refusal, exit 4
check_status 3 "show of a name that is not UTF-8" m show "$(printf 'gp\377t')"
check_same "no such model, named" "$(cat "$errf")" 'tq-model: model gp\xfft: no such model'
check_status 3 "rm of a name that is not UTF-8" m rm "$(printf 'gp\377t')"
check_status 3 "set of a name that is not UTF-8" m set "$(printf 'gp\377t')" -t 1

# validation: nothing stored
before=$(nmodels)
check_status 3 "bad provider" m add x -p foo
check_same "message" "$(cat "$errf")" "tq-model: provider foo: must be builtin or openai"
check_status 3 "openai without -m" m add x -p openai
check_match "message" "$(cat "$errf")" '^tq-model: provider openai: -m model is required$'
check_status 3 "a key given as key-env" m add x -p openai -m gpt-4o -k "$key"
check_match "says what is wanted" "$(cat "$errf")" '^tq-model: key-env: not the name of an environment variable'
check_status 3 "lower case key-env" m add x -p openai -m gpt-4o -k openai_api_key
check_status 3 "credentials in the base URL" m add x -p openai -m gpt-4o -u "https://user:$key@api.example/v1"
check_match "redacted" "$(cat "$errf")" '^tq-model: base-url https://user:\*\*\*@api.example/v1: must not carry'
check_status 3 "a query in the base URL (Azure's api-version)" m add x -p openai -m gpt-4o -u "https://x.openai.azure.com/openai/deployments/d?api-version=2024-06-01"
check_match "is refused: the path is added to" "$(cat "$errf")" 'must not carry a query or a fragment: /chat/completions goes after the path'
check_status 3 "not an http URL" m add x -p openai -m gpt-4o -u ftp://h/v1
check_status 3 "bad json mode" m add x -p openai -m gpt-4o -J fast
check_status 3 "temperature out of range" m add x -p openai -m gpt-4o -t 2.5
check_status 3 "temperature in hex" m add x -p openai -m gpt-4o -t 0x1
check_status 3 "max tokens not a number" m add x -p openai -m gpt-4o -x lots
check_status 3 "duplicate name" m add gpt -p openai -m gpt-4o
check_match "says taken" "$(cat "$errf")" '^tq-model: model gpt: the name is taken$'
check_status 3 "an all-digit name" m add 42 -p builtin
check_status 3 "a model that is not UTF-8" m add x -p openai -m "$(printf 'gpt\377')"
check_same "says so" "$(cat "$errf")" 'tq-model: model: too long, not UTF-8 or holds control characters'
check_status 3 "a base URL that is not UTF-8" m add x -p openai -m gpt-4o -u "$(printf 'http://h/v\3771')"
check_status 3 "builtin with server options" m add x -p builtin -u http://localhost:1/v1
check_same "nothing stored" "$(nmodels)" "$before"
check_status 2 "no command" m
check_status 2 "unknown command" m frob
check_status 2 "add without -p" m add x
check_status 2 "options of add elsewhere" m list -p openai
check_status 2 "missing operand" m show

# tq-submit ai resolves the model
check "tq-submit ai -m ollama" tq-submit ai -m ollama "$pc"
keep
check_same "task names the model" "$(jq -c '[.params.model, .params.model_id]' "$out")" \
	"[\"ollama\",$(psqlc "SELECT id FROM ai_models WHERE name = 'ollama'")]"
check "tq-submit ai without -m takes the default" tq-submit ai "$pc"
keep
check_same "the default, gpt" "$(jq -r .params.model "$out")" gpt
check_status 3 "tq-submit ai -m of a removed model" tq-submit ai -m quick "$pc"
keep
check_status 3 "tq-submit ai -m of a name that is not UTF-8" tq-submit ai -m "$(printf 'gp\377t')" "$pc"
check_match "no such model, named" "$(cat "$errf")" '^tq-submit: model gp\\xfft: no such model'
check "tq-submit ai -m mini" tq-submit ai -m mini "$pc"
keep
check_status 3 "rm refuses a model of unfinished tasks" m rm mini
check_match "says why" "$(cat "$errf")" '^tq-model: model mini is used by 1 unfinished task$'

# a worker uses the model against a strict fake OpenAI server
rcli del rq:queue:ai-queue >/dev/null
# nothing of the above may run: those servers are not here
psqlc "UPDATE task_items SET status = 'cancelled'; UPDATE processing_tasks SET status = 'cancelled'" >/dev/null
python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/fake.port" --key "$key" \
	>"$tmp/fake.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/fake.port" || bail "fake-openai.py did not start"
check "add the fake server's model" m add fake -p openai -u "http://127.0.0.1:$(cat "$tmp/fake.port")/v1" \
	-m ok -k TQ_TEST_KEY_5200 -J schema
check "submit with it" tq-submit ai -m fake "$pc"
keep
task=$(jq -r .task_id "$out")
start_worker -n 1 -Q ai-queue
check "the worker completes it with the key from its environment" tq-wait -t 30 "$task"
keep
check_same "result stored under the model" \
	"$(psqlc "SELECT model_name FROM ai_processed_contents WHERE id = $(jq -r '.items[0].result.ai_content_id' "$out")")" fake
stop_worker

# the key is nowhere
check_same "the key is in no output of tq-model or tq-submit" "$(grep -c -- "$key" "$tmp/seen")" 0
check_same "nor in the worker log" "$(grep -c -- "$key" "$tmp/worker.log")" 0
check_same "nor in any table" "$(psqlc "SELECT count(*) FROM (SELECT row_to_json(t)::text AS r FROM ai_models t UNION ALL SELECT row_to_json(t)::text FROM processing_tasks t UNION ALL SELECT row_to_json(t)::text FROM task_items t UNION ALL SELECT row_to_json(t)::text FROM ai_processed_contents t) x WHERE r LIKE '%DoNotLeak%'")" 0
done_testing
