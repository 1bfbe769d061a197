#!/bin/sh
# The seed's "Example 2" (parse -> AI -> Notion), a Python program with
# requests against the seed's API, run by Debian's python3 unchanged
# but for its base URL and its placeholder Notion database id, against
# tq-api, real workers, the builtin AI and tests/fake-notion.py.  The
# example hard-codes the ids of the contents the stages make (20-22,
# 30-32): the sequences are set so that tq makes those.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
need curl curl
need jq jq
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import requests' 2>/dev/null ||
	bail "Debian's python3 with requests: install the Debian package python3-requests (contrib/install-deps)"
plan 9
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"
start_notion
start_worker -n 2

tq-api -l 127.0.0.1:0 2>"$tmp/api.log" &
_pids="$! $_pids"
wait_for 10 grep -q ' listening ' "$tmp/api.log" || bail "tq-api did not start: $(tail -3 "$tmp/api.log")"
A=http://127.0.0.1:$(sed -n 's/.* port=\([0-9]*\).*/\1/p' "$tmp/api.log" | head -1)

wait_for 20 psqlc "SELECT 1 FROM processing_tasks LIMIT 1"
psqlc "INSERT INTO links (id, url) VALUES (10, '$HTTP/harbor-batteries.html'), (11, '$HTTP/stadtbaeume.html'), (12, '$HTTP/night-sky-census.html'); SELECT setval('links_id_seq', 100), setval('parsed_contents_id_seq', 19), setval('ai_processed_contents_id_seq', 29)" >/dev/null

# the seed's Example 2, verbatim (Phase 5, "Usage Examples")
cat >"$tmp/example2.py" <<'PY'
import requests
import time

# Step 1: Parse links
parse_response = requests.post('http://localhost:5000/api/parsing/async/batch', json={
    'link_ids': [10, 11, 12]
})
parse_task_id = parse_response.json()['data']['task_id']

# Wait for parsing to complete
while True:
    status = requests.get(f'http://localhost:5000/api/parsing/async/status/{parse_task_id}').json()['data']['task']
    if status['status'] == 'completed':
        break
    time.sleep(2)

# Step 2: Get parsed content IDs
# (In real implementation, you'd query the database or store IDs from parsing results)
parsed_content_ids = [20, 21, 22]

# Process with AI
ai_response = requests.post('http://localhost:5000/api/ai/async/batch', json={
    'parsed_content_ids': parsed_content_ids,
    'processing_config': {
        'generate_summary': True,
        'generate_keywords': True,
        'generate_insights': True
    }
})
ai_task_id = ai_response.json()['data']['task_id']

# Wait for AI processing
while True:
    status = requests.get(f'http://localhost:5000/api/ai/async/status/{ai_task_id}').json()['data']['task']
    if status['status'] == 'completed':
        break
    time.sleep(3)

# Step 3: Import to Notion
ai_content_ids = [30, 31, 32]

notion_response = requests.post('http://localhost:5000/api/notion/async/batch', json={
    'ai_content_ids': ai_content_ids,
    'database_id': 'your-notion-database-id'
})
notion_task_id = notion_response.json()['data']['task_id']

print(f"Notion import task: {notion_task_id}")
PY
sed -i "s#http://localhost:5000#$A#; s#your-notion-database-id#$DB1#" "$tmp/example2.py"
check_same "only the base URL and the database id changed" "$(grep -c "$A\|$DB1" "$tmp/example2.py")" 6

check "Example 2 runs to its end" timeout 120 /usr/bin/python3 "$tmp/example2.py"
check_match "printing the Notion task" "$(cat "$out")" '^Notion import task: [0-9]+$'
nt=$(sed -n 's/^Notion import task: //p' "$out")
check_same "the contents it names are the ones tq made" "$(psqlc "SELECT string_agg(id::text, ',' ORDER BY id) FROM parsed_contents") $(psqlc "SELECT string_agg(id::text, ',' ORDER BY id) FROM ai_processed_contents")" "20,21,22 30,31,32"
check_same "three tasks" "$(psqlc "SELECT string_agg(type || ':' || total_items, ' ' ORDER BY id) FROM processing_tasks")" "parsing:3 ai_processing:3 notion_import:3"
wait_for 60 sh -c "curl -s '$A/api/notion/async/status/$nt' | jq -e '.task.status == \"completed\"'"
check "the Notion task completed" sh -c "curl -s '$A/api/notion/async/status/$nt?include_items=true'"
check_same "each AI content imported" "$(jq -c '[.data.task.status, .data.task.completed_items, [.data.task.items[].item_id]]' "$out")" "[\"completed\",3,[30,31,32]]"
check_same "three pages in the Notion stand-in" "$(fake GET /_fake/pages | jq '[.pages[] | select(.in_trash | not)] | length')" 3
check_same "with the insights the AI step asked for" "$(psqlc "SELECT count(*) FROM ai_processed_contents WHERE insights IS NOT NULL")" 3
