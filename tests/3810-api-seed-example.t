#!/bin/sh
# The seed's three usage examples, Python programs with requests
# against the seed's API, run by Debian's python3 unchanged but for
# their base URL and placeholder Notion database id, against tq-api,
# real workers, the builtin AI and tests/fake-notion.py: Example 2
# (parse -> AI -> Notion), then Example 1 (parse five links, poll) and
# Example 3 (retry the failed items of task 123).  The examples
# hard-code ids (links 1-5 and 10-12, contents 20-22 and 30-32, task
# 123): the rows and sequences are set so that tq has those.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
need curl curl
need jq jq
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import requests' 2>/dev/null ||
	bail "Debian's python3 with requests: install the Debian package python3-requests (contrib/install-deps)"
plan 16
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

# --- Example 1, verbatim: links 1-5, one of them missing (a 404); its
# task is made task 123, the one Example 3 retries
psqlc "INSERT INTO links (id, url) VALUES (1, '$HTTP/harbor-batteries.html?e=1'), (2, '$HTTP/stadtbaeume.html?e=1'), (3, '$HTTP/night-sky-census.html?e=1'), (4, '$HTTP/no-such-page.html'), (5, '$HTTP/harbor-batteries.html?e=5'); SELECT setval('processing_tasks_id_seq', 122)" >/dev/null
cat >"$tmp/example1.py" <<'PY'
import requests

# Queue batch parsing
response = requests.post('http://localhost:5000/api/parsing/async/batch', json={
    'link_ids': [1, 2, 3, 4, 5]
})

task_id = response.json()['data']['task_id']
print(f"Task ID: {task_id}")

# Poll for status
import time
while True:
    status_response = requests.get(f'http://localhost:5000/api/parsing/async/status/{task_id}')
    task = status_response.json()['data']['task']

    print(f"Progress: {task['progress']}% ({task['completed_items']}/{task['total_items']})")

    if task['status'] == 'completed':
        print("All parsing completed!")
        break
    elif task['status'] == 'failed':
        print("Task failed!")
        break

    time.sleep(2)
PY
sed -i "s#http://localhost:5000#$A#" "$tmp/example1.py"
check "Example 1 runs to its end" timeout 120 /usr/bin/python3 "$tmp/example1.py"
check_match "its task id and progress lines" "$(head -2 "$out" | tr '\n' '|')" '^Task ID: 123\|Progress: [0-9.]+% \([0-9]/5\)\|$'
check_same "the missing page fails the task, as the seed's loop expects" "$(tail -2 "$out" | tr '\n' '|')" "Progress: 100% (4/5)|Task failed!|"

# --- Example 3, verbatim: task 123 is that failed parse, again
check_same "task 123 is the failed one" "$(psqlc "SELECT status || ' ' || failed_items FROM processing_tasks WHERE id = 123")" "failed 1"
cat >"$tmp/example3.py" <<'PY'
import requests

# Get task status with items
response = requests.get('http://localhost:5000/api/parsing/async/status/123?include_items=true')
task = response.json()['data']['task']

# Check for failed items
failed_count = task['failed_items']

if failed_count > 0:
    print(f"Found {failed_count} failed items, retrying...")

    # Retry failed items only
    retry_response = requests.post('http://localhost:5000/api/parsing/async/retry/123')
    retried_count = retry_response.json()['data']['retried_count']

    print(f"Retried {retried_count} items")
PY
sed -i "s#http://localhost:5000#$A#" "$tmp/example3.py"
check "Example 3 runs to its end" timeout 60 /usr/bin/python3 "$tmp/example3.py"
check_same "it finds the failed item and retries it" "$(cat "$out" | tr '\n' '|')" "Found 1 failed items, retrying...|Retried 1 items|"
wait_for 30 sh -c "test \"\$(psqlc \"SELECT status FROM task_items WHERE task_id = 123 AND status IN ('pending', 'running')\")\" = ''"
tq-status -a -j 123 >"$tmp/st123"
check_same "the retried item ran again, and failed again (the page is still missing)" "$(jq -r '.items[] | select(.status == "failed") | "\(.attempts | length) \(.status)"' "$tmp/st123")" "2 failed"
