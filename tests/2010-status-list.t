#!/bin/sh
# tq-status for operators: every attempt of every item (-a), each
# item's URL, durations, list filters by type, status and age, and
# --watch redrawing until interrupted.
. "$(dirname "$0")/lib.sh"
plan 35
start_redis
start_pg
start_httpd
export TQ_RETRY_DELAYS=0

MAX_RETRIES=2 tq-submit parse "$HTTP/t/page?title=Good" "$HTTP/t/status/503?retry_after=0" "$HTTP/t/status/404" >"$out"
t=$(jq -r .task_id "$out")
tq-worker -b -Q parsing-queue >"$tmp/w.log" 2>&1
check "the task's record with attempts" tq-status -a -j "$t"
check_same "the good item: one attempt, completed" "$(jq -r '.items[0].attempts | map(.outcome) | join(" ")' "$out")" "completed"
check_same "the 503: two retries, then failed" "$(jq -r '.items[1].attempts | map(.outcome) | join(" ")' "$out")" "retry retry failed"
check_match "each attempt keeps its error" "$(jq -r '.items[1].attempts | map(.error_message) | join("|")' "$out")" '503.*\|.*503.*\|.*503.*gave up after 2 retries'
check_same "the 404: failed once, permanent" "$(jq -r '.items[2].attempts | map("\(.attempt) \(.outcome) \(.error_kind)") | join(",")' "$out")" "1 failed permanent"
check_match "attempts name the worker and time" "$(jq -r '.items[0].attempts[0] | "\(.worker_id) \(.started_at) \(.duration)"' "$out")" '^[^ ]+\.[0-9]+ 20[0-9-]+T[0-9:]+Z [0-9.]+$'
check_same "items carry their URL" "$(jq -r '.items[2].url' "$out")" "$HTTP/t/status/404"
check_match "the task has a duration" "$(jq -r '.duration' "$out")" '^[0-9]+(\.[0-9]+)?$'
tq-status -a -H "$t" >"$out" 2>&1
check_match "the table shows URLs" "$(cat "$out")" "$HTTP/t/status/404"
check_match "and the attempts under their item" "$(cat "$out")" '#2  *retry'
check_same "without -a there are no attempts" "$(tq-status -i -j "$t" | jq '.items[0] | has("attempts")')" false

# list filters
seq 1 2 | sed "s|^|$HTTP/t/page?n=|" | tq-submit parse - >/dev/null
psqlc "UPDATE processing_tasks SET created_at = now() - interval '3 hours' WHERE id = $t" >/dev/null
check "list by type" tq-status -l -j -t parse
check_same "both parse tasks" "$(jq -s 'length' "$out")" 2
check "list since 2h" tq-status -l -j --since 2h
check_same "only the new task" "$(jq -s 'map(.task_id) | length' "$out")" 1
check "list failed since 1d" tq-status -l -j -s failed -S 1d
check_same "the old failed task" "$(jq -r .task_id "$out")" "$t"
check_status 2 "a bad duration is a usage error" tq-status -l --since 2x
check_status 2 "a bad type is a usage error" tq-status -l -t bogus

# tq-status reads stdin only with "-", so a loop's input is not eaten
# and a silent pipe does not block
check_same "a while-read loop keeps its input" "$(printf 'a\nb\n' | while read -r x; do tq-status >/dev/null; echo "$x"; done | tr '\n' ' ')" "a b "
check_status 0 "a silent pipe: tq-status lists at once" sh -c "sleep 3 | timeout 2 tq-status >/dev/null"
check "records on stdin with -" sh -c "echo $t | tq-status -"
check_status 3 "tq-wait with nothing on stdin: no task, exit 3" tq-wait </dev/null

# --watch redraws until interrupted
tq-status -H -l -w 0.2 >"$tmp/watch" 2>&1 &
wp=$!
# the first round drawn (a slow start under the sanitizers), then
# a second more
wait_for 20 grep -q 'every 0.2s' "$tmp/watch"
sleep 1
interrupt "$wp"
ok $? "--watch ends with 0 on SIGINT"
check_match "and redrew several times" "$(grep -c 'every 0.2s' "$tmp/watch")" '^([3-9]|[1-9][0-9]+)$'

# a long list is fetched and printed a part at a time: 20,000 records
# took some 100 MB at once, and under a memory limit the ones jansson
# could not hold came out as "no such task"
psqlc "INSERT INTO processing_tasks (type, status, queue_name, job_id,
	total_items, completed_items, progress, params, error, started_at,
	completed_at)
    SELECT 'parsing', 'completed', 'parsing-queue', gen_random_uuid()::text,
	10, 10, 100, '{\"robots\": false, \"note\": \"a list of many\"}',
	NULL, now(), now() FROM generate_series(1, 20000)" >/dev/null
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-status" | grep -q libasan; then
	skip 2 "ulimit -v under a sanitizer or valgrind"
else
	check "20,000 records under an 80 MB memory limit" \
	    sh -c "ulimit -v 80000; tq-status -l -n 20000 -j"
	check_same "all of them, oldest first" \
	    "$(wc -l <"$out") $(jq -r .id "$out" | sort -n -c && echo sorted)" \
	    "20000 sorted"
fi

# the items of a task are read and printed a batch at a time: the
# record of a 50,000-item task took some 150 MB at once (tq-status -i,
# tq-wait), and under a memory limit it was not printed at all
awk 'BEGIN { for (i = 0; i < 50000; i++) printf "https://many.example/p?i=%d\n", i }' |
    TQ_SUBMIT_BATCH=0 tq-submit parse - >"$out"
big=$(jq -r .task_id "$out")
psqlc "UPDATE task_items SET status = 'completed', started_at = now(),
	completed_at = now(), result_data = jsonb_build_object(
	'parsed_content_id', id, 'score', (id % 100) / 4.0, 'title',
	'Ünïcode \"q\" ' || id) WHERE task_id = $big AND seq % 3 = 0;
    UPDATE task_items SET status = 'failed', retry_count = 2,
	error_message = E'bad\\nthing ' || seq
	WHERE task_id = $big AND seq % 3 = 1;
    UPDATE processing_tasks SET status = 'completed' WHERE id = $big" >/dev/null
psqlc "SELECT tq_task_record($big, true)" | jq -c . >"$tmp/big.want"
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-status" | grep -q libasan; then
	skip 8 "ulimit -v under a sanitizer or valgrind"
else
	check "a task of 50,000 items under an 80 MB memory limit" \
	    sh -c "ulimit -v 80000; tq-status -i -j $big"
	check_same "its record, every item as PostgreSQL has it" \
	    "$(jq -c . "$out" | cmp - "$tmp/big.want" && jq '.items | length' "$out")" 50000
	check "tq-wait too" sh -c "ulimit -v 80000; tq-wait -j $big"
	check_same "the same record" \
	    "$(jq -c . "$out" | cmp - "$tmp/big.want" && echo same)" same
	check "the table too" sh -c "ulimit -v 80000; tq-status -i -H $big"
	check_same "a row per item" "$(grep -c '^  [0-9]' "$out")" 50000
	# with -a the record is made whole: one that does not fit is an
	# error, not a task that is not there
	check_status 4 "-a: a record too big for the limit, exit 4" \
	    sh -c "ulimit -v 80000; tq-status -a -j $big"
	check_same "saying so" "$(cat "$errf")" \
	    "tq-status: postgresql: a task's record could not be read (out of memory?)"
fi
done_testing
