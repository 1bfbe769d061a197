#!/bin/sh
# an upgrade: a database of an older tq (schema 18, the migrations of
# sql/ up to 0018 as that tq applied them), with tasks in every state,
# migrated once by today's programs, which read what it holds and run
# what it left to do
. "$(dirname "$0")/lib.sh"
plan 16
start_redis
start_pg
start_httpd

old_schema "$TQ_DATABASE_URL" 18
# what the older tq left: a task that ended (one item parsed, one
# failed), a cancelled one, one queued whose job Redis lost, and one
# running on a worker that is gone
psqlc "
INSERT INTO links (id, url) VALUES (1, '$HTTP/t/page?title=Done'),
	(2, '$HTTP/t/status/404'), (3, '$HTTP/t/page?title=Queued&key=q'),
	(4, '$HTTP/t/page?title=Running&key=r');
INSERT INTO parsed_contents (link_id, final_url, http_status, title,
	content, word_count) VALUES (1, '$HTTP/t/page?title=Done', 200,
	'Done', 'Some text.', 2);
INSERT INTO processing_tasks (id, type, status, queue_name, job_id,
	total_items, completed_items, failed_items, cancelled_items, progress,
	error, started_at, completed_at) VALUES
	(1, 'parsing', 'failed', 'parsing-queue', 't1', 2, 1, 1, 0, 100,
	    '1 of 2 items failed', now() - interval '1 hour',
	    now() - interval '1 hour'),
	(2, 'parsing', 'cancelled', 'parsing-queue', 't2', 1, 0, 0, 1, 100,
	    NULL, NULL, now() - interval '1 hour');
INSERT INTO processing_tasks (id, type, status, queue_name, job_id,
	total_items, started_at) VALUES
	(3, 'parsing', 'queued', 'parsing-queue', 't3', 1, NULL),
	(4, 'parsing', 'running', 'parsing-queue', 't4', 1,
	    now() - interval '10 minutes');
INSERT INTO task_items (task_id, seq, item_id, item_type, job_id, status,
	worker_id, error_message, error_kind, result_data, started_at,
	completed_at) VALUES
	(1, 1, 1, 'link', 'j1', 'completed', 'old.1', NULL, NULL,
	    '{\"parsed_content_id\": 1}', now() - interval '1 hour',
	    now() - interval '1 hour'),
	(1, 2, 2, 'link', 'j2', 'failed', 'old.1', 'http 404 not found',
	    'permanent', NULL, now() - interval '1 hour',
	    now() - interval '1 hour'),
	(2, 1, 3, 'link', 'j3', 'cancelled', NULL, NULL, NULL, NULL, NULL,
	    now() - interval '1 hour'),
	(3, 1, 3, 'link', 'j4', 'pending', NULL, NULL, NULL, NULL, NULL, NULL),
	(4, 1, 4, 'link', 'j5', 'running', 'old.1', NULL, NULL, NULL,
	    now() - interval '10 minutes', NULL);
-- links with escapes in lower case, as tq wrote those it made; 6 and
-- 7 differ only in that case, 9 is there in upper case already
INSERT INTO links (id, url) VALUES (5, 'http://h.example/wiki/%d0%9f%d1%80'),
	(6, 'http://h.example/%e2%82%ac?q=%c3%a9'),
	(7, 'http://h.example/%E2%82%ac?q=%c3%A9'),
	(8, 'http://h.example/%c3%a9t%c3%a9'),
	(9, 'http://h.example/%C3%A9t%C3%A9');
SELECT setval('links_id_seq', 9); SELECT setval('processing_tasks_id_seq', 4)" >/dev/null ||
	bail "the old database could not be filled"

nmig=$(ls "$TQ_TOP"/sql/[0-9]*.sql | wc -l | tr -d ' ')
check "today's tq-status migrates it" tq-status -l
check_same "every migration there once" \
	"$(psqlc "SELECT count(*), count(DISTINCT version) FROM tq_schema")" "$nmig|$nmig"
check_same "links' escapes in upper case; one already there left as it is" \
	"$(psqlc "SELECT string_agg(id || ' ' || url, ', ' ORDER BY id) FROM links WHERE id >= 5")" \
	"5 http://h.example/wiki/%D0%9F%D1%80, 6 http://h.example/%E2%82%AC?q=%C3%A9, 7 http://h.example/%E2%82%ac?q=%c3%A9, 8 http://h.example/%c3%a9t%c3%a9, 9 http://h.example/%C3%A9t%C3%A9"
check_same "the tasks as they were" \
	"$(tq-status -j 1 2 3 4 | jq -r '"\(.task_id) \(.status) \(.total_items) \(.completed_items) \(.failed_items)"' | tr '\n' ,)" \
	"1 failed 2 1 1,2 cancelled 1 0 0,3 queued 1 0 0,4 running 1 0 0,"
check_same "their items" \
	"$(tq-status -j -i 1 | jq -r '[.items[] | "\(.status) \(.error_message)"] | join(",")')" \
	"completed null,failed http 404 not found"
check_same "tq-show reads the parsed page" "$(tq-show 1 | jq -r .title | head -1)" Done
check_status 1 "tq-wait: the ended tasks, one failed" tq-wait -t 5 1 2
check_same "as they ended" "$(jq -r .status "$out" | tr '\n' ' ')" "failed cancelled "
check "tq-stats counts them" tq-stats -s -j
check_same "by status" \
	"$(jq -c '[.statistics.total_tasks, .statistics.failed_tasks, .statistics.cancelled_tasks]' "$out")" \
	"[4,1,1]"

# today's worker runs what the older tq left to do
TQ_MAINT_INTERVAL=1 TQ_RECONCILE_GRACE=1 start_worker -n 1
check "the queued and the running task complete" tq-wait -t 30 3 4
check_same "parsed, both" "$(jq -r '"\(.status) \(.completed_items)"' "$out" | tr '\n' ,)" \
	"completed 1,completed 1,"
check_same "their pages fetched once each" \
	"$(curl -s "$HTTP/t/count?key=q") $(curl -s "$HTTP/t/count?key=r")" "1 1"
check_same "the ended tasks left alone" \
	"$(tq-status -j 1 2 | jq -r .status | tr '\n' ' ')" "failed cancelled "
check "and a second start changes nothing" sh -c "tq-status -l >/dev/null && [ \$(psql -XAtq '$TQ_DATABASE_URL' -c 'SELECT count(*) FROM tq_schema') = $nmig ]"
stop_worker
# (no worker: the page is not fetched, h.example is not looked up)
check_same "a page typed as a browser shows it is the link there" \
	"$(tq-submit -j parse 'http://h.example/wiki/Пр' | jq -r .task_id | xargs -I{} psql -XAtq "$TQ_DATABASE_URL" -c 'SELECT item_id FROM task_items WHERE task_id = {}')" 5
done_testing
