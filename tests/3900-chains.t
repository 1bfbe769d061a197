#!/bin/sh
# chains (tq-submit --then): parse -> ai -> notion on 50 links through
# real workers, one item failing at each stage, the worker killed by
# SIGKILL between an outcome's commit and the push of its follow-up;
# no follow-up lost or made twice, counters right; a cancel half-way
# cancels what follows; tq-retry of a failed item goes on down the
# chain; a follow-up of nothing ends; bad stage options write nothing
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 50
start_redis
start_pg
mkdir "$tmp/site"
# a page that parses, and that the AI service's content filter refuses
printf 'FLAGGED-BY-FILTER: a page the filter refuses, with words enough.\n' >"$tmp/site/blank.txt"
start_httpd "$tmp/site"
KEY="sk-test-$$-chain"
python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/ai.port" --key "$KEY" \
	>"$tmp/fake.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/ai.port" || bail "fake-openai.py did not start"
export TQ_FAKE_KEY="$KEY"
tq-model add chainai -p openai -m ok -u "http://127.0.0.1:$(cat "$tmp/ai.port")/v1" \
	-k TQ_FAKE_KEY -T 10 >/dev/null || bail "tq-model add failed"
start_notion --rps 200 --burst 200
# one local site; a lost push is found by the reconciler within seconds
export TQ_SITE_CONCURRENCY=0 TQ_RECONCILE_GRACE=1 TQ_MAINT_INTERVAL=1 \
	TQ_RETRY_DELAYS=0,1,1 TQ_TEST_CRASH_AFTER_COMMIT=$tmp/crash
touch "$tmp/crash"
start_worker -n 1

tasks() { psqlc "SELECT count(*) FROM processing_tasks"; }
counts() {	# counts TASK: type status total completed failed cancelled
	psqlc "SELECT type, status, total_items, completed_items, failed_items, cancelled_items FROM processing_tasks WHERE id = $1"
}
wait_for 20 psqlc "SELECT 1 FROM processing_tasks"

# --- stage options are checked as a direct submit checks them
check_status 3 "an unknown model in --then fails the submit" \
	tq-submit parse --then 'ai -m no-such-model' "$HTTP/t/page?seed=1"
check_match "saying so" "$(cat "$errf")" 'no-such-model: no such model'
check_status 2 "a bad database id in --then" \
	tq-submit parse --then ai --then 'notion -D not-an-id' "$HTTP/t/page?seed=1"
check_status 2 "notion cannot follow parse" \
	tq-submit parse --then "notion -D $DB1" "$HTTP/t/page?seed=1"
check_status 2 "an option no stage has" tq-submit parse --then 'ai -x' "$HTTP/t/page?seed=1"
check_status 2 "inputs in --then" tq-submit parse --then 'ai 5' "$HTTP/t/page?seed=1"
check_status 3 "a database Notion does not share" \
	tq-submit parse --then ai --then "notion -D $DB4" "$HTTP/t/page?seed=1"
check_same "nothing was written or queued" "$(tasks) $(rcli --scan --pattern 'rq:job:*' | wc -l | tr -d ' ')" "0 0"

# --- 50 links: 48 articles, one page the AI's filter refuses (ai fails), one 404 (parse
# fails); one notion page creation answered 400 (notion fails)
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"status","status":400}' >/dev/null
urls=""
for i in $(seq 1 48); do
	urls="$urls $HTTP/t/page?seed=$i&words=200&title=Chain+article+$i"
done
urls="$urls $HTTP/blank.txt $HTTP/missing.html"
t0=$(date +%s.%N)
check "submit parse --then ai --then notion" tq-submit -j parse \
	--then 'ai -i -m chainai' --then "notion --database-id $DB1" $urls
t1=$(date +%s.%N)
# (valgrind runs tq-submit some 20 times slower)
check_match "returns at once" "$(echo "$t1 - $t0 < 3 * (1 + 19 * ${VALGRIND:-0})" | bc)" '^1$'
A=$(jq -r .task_id "$out")
B=$(jq -r .next_task_id "$out")
C=$(psqlc "SELECT next_task_id FROM processing_tasks WHERE id = $B")
check_same "the first task's record links to the next; the chain is 3 tasks" \
	"$(jq -r '"\(.type) \(.total_items) \(.parent_task_id) \(.chain | length)"' "$out") $(psqlc "SELECT count(*) FROM processing_tasks")" "parsing 50 null 2 3"
check "tq-status shows a follow-up with its parent" tq-status -j "$C"
check_same "parent and params" "$(jq -r '"\(.type) \(.parent_task_id) \(.next_task_id) \(.params.database_id)"' "$out")" "notion_import $B null $DB1"

check_status 1 "tq-wait --chain waits for all of it (a stage failed: 1)" \
	tq-wait --chain -t 120 "$A"
check_same "and prints the last task's record" "$(jq -r '"\(.task_id) \(.items | length)"' "$out")" "$C 48"
check_same "parse: 49 of 50, the 404 failed" "$(counts "$A")" "parsing|failed|50|49|1|0"
check_same "ai: one item per parsed page, the filtered one failed" "$(counts "$B")" "ai_processing|failed|49|48|1|0"
check_same "notion: one item per ai result, one failed" "$(counts "$C")" "notion_import|failed|48|47|1|0"
check_same "the worker died by SIGKILL after a commit, before the push" \
	"$(grep -c 'after commit, before the push' "$tmp/worker.log") $(grep -c 'worker died.*KILL' "$tmp/worker.log") $(test -e "$tmp/crash"; echo $?)" "1 1 1"
check_match "the reconciler pushed the follow-up whose push was lost" \
	"$(grep -E 'maintenance .*requeued=[1-9]' "$tmp/worker.log" | head -1)" 'requeued=[1-9]'
check_same "every completed item has exactly one follow-up" \
	"$(psqlc "SELECT count(*) FROM task_items s WHERE s.task_id IN ($A, $B) AND s.status = 'completed' AND (SELECT count(*) FROM task_items c WHERE c.source_item_id = s.id) <> 1")" 0
check_same "no failed item has one" \
	"$(psqlc "SELECT count(*) FROM task_items s JOIN task_items c ON c.source_item_id = s.id WHERE s.status <> 'completed'")" 0
check_same "follow-ups are the results of their sources" \
	"$(psqlc "SELECT count(*) FROM task_items s JOIN task_items c ON c.source_item_id = s.id WHERE c.item_id::text <> s.result_data ->> CASE c.item_type WHEN 'parsed_content' THEN 'parsed_content_id' ELSE 'ai_content_id' END")" 0
check_same "seq 1..n in each follow-up task" \
	"$(psqlc "SELECT count(DISTINCT seq), min(seq), max(seq) FROM task_items WHERE task_id = $C")" "48|1|48"
check_same "47 pages in Notion, no duplicate" "$(fake GET /_fake/pages | jq '[.pages[] | select(.in_trash | not)] | length') $(psqlc "SELECT count(*), count(DISTINCT ai_content_id) FROM notion_imports WHERE status = 'imported'")" "47 47|47"
check_same "the failures are the 404, the filtered page and the 400" \
	"$(psqlc "SELECT i.task_id = $A, left(i.error_message, 8) FROM task_items i WHERE i.task_id IN ($A, $B, $C) AND i.status = 'failed' ORDER BY i.task_id" | tr '\n' ' ')" "t|http 404 f|openai:  f|notion:  "
check_same "no job left in Redis" "$(rcli llen rq:queue:parsing-queue) $(rcli llen rq:queue:ai-queue) $(rcli llen rq:queue:notion-queue)" "0 0 0"
check_same "ends in chain order" "$(psqlc "SELECT (SELECT completed_at FROM processing_tasks WHERE id = $A) <= (SELECT completed_at FROM processing_tasks WHERE id = $B) AND (SELECT completed_at FROM processing_tasks WHERE id = $B) <= (SELECT completed_at FROM processing_tasks WHERE id = $C)")" t

# --- a cancel half-way: 30 pages, cancelled once some went all the
# way; the last 20 answer after 60 s, so that the first task is surely
# still open then, however slowly the first 10 go on (the cancel stops
# their fetches at once)
urls=""
for i in $(seq 1 30); do
	s=$((i / 6))
	[ "$i" -le 10 ] || s=60
	urls="$urls $HTTP/t/sleep?s=$s&k=$i"
done
check "a second chain" tq-submit -j parse --then ai --then "notion -D $DB1" $urls
A2=$(jq -r .task_id "$out")
B2=$(jq -r .next_task_id "$out")
C2=$(psqlc "SELECT next_task_id FROM processing_tasks WHERE id = $B2")
halfway() { [ "$(psqlc "SELECT completed_items FROM processing_tasks WHERE id = $C2")" -ge 5 ]; }
wait_for 30 halfway
ok $? "some items went all the way"
check "tq-cancel the first task" tq-cancel -j "$A2"
check_same "cancels the three, first the one given" "$(jq -r '"\(.task_id) \(.status)"' "$out" | tr '\n' ' ')" "$A2 cancelled $B2 cancelled $C2 cancelled "
check_match "some items were open in the first" "$(jq -r 'select(.task_id == '"$A2"') | .cancelled_count' "$out")" '^[1-9]'
sleep 3
check_same "nothing open in the chain" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id IN ($A2, $B2, $C2) AND status IN ('pending', 'running')")" 0
check_same "counters add up in each task" "$(psqlc "SELECT count(*) FROM processing_tasks t WHERE id IN ($A2, $B2, $C2) AND completed_items + failed_items + cancelled_items = total_items AND total_items = (SELECT count(*) FROM task_items i WHERE i.task_id = t.id) AND completed_items = (SELECT count(*) FROM task_items i WHERE i.task_id = t.id AND i.status = 'completed') AND cancelled_items = (SELECT count(*) FROM task_items i WHERE i.task_id = t.id AND i.status = 'cancelled')")" 3
check_same "no follow-up made twice" "$(psqlc "SELECT count(*) FROM (SELECT source_item_id FROM task_items WHERE source_item_id IS NOT NULL GROUP BY source_item_id HAVING count(*) > 1) x")" 0
check_same "no follow-up of a cancelled item" "$(psqlc "SELECT count(*) FROM task_items s JOIN task_items c ON c.source_item_id = s.id WHERE s.task_id = $A2 AND s.status <> 'completed'")" 0
check_same "every page made before the cancel is in Notion once" \
	"$(psqlc "SELECT count(*) FROM notion_imports n JOIN task_items i ON i.item_id = n.ai_content_id AND i.task_id = $C2 WHERE i.status = 'completed'")" \
	"$(psqlc "SELECT completed_items FROM processing_tasks WHERE id = $C2")"
check_status 1 "tq-wait --chain on a cancelled chain returns" tq-wait --chain -I -t 10 "$A2"
check_same "the worker took no job of it after" "$(sleep 2; psqlc "SELECT count(*) FROM task_items WHERE task_id IN ($A2, $B2, $C2) AND completed_at > (SELECT completed_at FROM processing_tasks WHERE id = $A2) + interval '1 s'")" 0

# --- tq-retry of a failed parse item goes on down the chain
check "a chain whose one page fails first" tq-submit -j -R 0 parse --then ai "$HTTP/t/flaky?key=r1&fail=1"
A3=$(jq -r .task_id "$out")
B3=$(jq -r .next_task_id "$out")
check_status 1 "it fails" tq-wait --chain -I -t 30 "$A3"
check_same "and its follow-up ends with nothing" "$(counts "$B3")" "ai_processing|completed|0|0|0|0"
check "tq-retry the parse task" tq-retry "$A3"
check "the chain goes on" tq-wait --chain -t 30 "$A3"
check_same "the ai task opened again and did the item" "$(counts "$B3")" "ai_processing|completed|1|1|0|0"

# --- a follow-up of a task that passed nothing on ends
check "a chain of one 404" tq-submit -j parse --then ai --then "notion -D $DB1" "$HTTP/gone.html"
check_status 1 "tq-wait --chain ends" tq-wait --chain -I -t 30 "$(jq -r .task_id "$out")"
check_same "the last task ended with no items" "$(jq -r '"\(.status) \(.total_items) \(.progress)"' "$out")" "completed 0 100"

check "the worker stops" stop_worker
done_testing
