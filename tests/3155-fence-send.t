#!/bin/sh
# A worker stopped while it sends a long request (6 MB of page text, more
# than the kernel takes at once, to an OpenAI-compatible server that
# reads 400 KB a second, as one at the end of a slow link does) is
# counted dead after TQ_DEAD_AFTER, and its job runs on another
# supervisor's worker.  When the stopped worker runs again it drops the
# job before its transfer goes on: the server never gets the rest of
# that body, and the request is cut instead of being made a second time.
. "$(dirname "$0")/lib.sh"
plan 8
start_redis
start_pg
KEY="sk-test-$$-FENCEKEY"
python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/ai.port" \
	--key "$KEY" --slow-first 400000 >"$tmp/fake.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/ai.port" || bail "fake-openai.py did not start"
AIURL=http://127.0.0.1:$(cat "$tmp/ai.port")
export TQ_FAKE_KEY="$KEY" TQ_MAINT_INTERVAL=1 TQ_DEAD_AFTER=15 \
	TQ_RETRY_DELAYS=0
tq-model add far -p openai -m ok -u "$AIURL/v1" -k TQ_FAKE_KEY \
	-C 10000000 -T 120 >/dev/null || bail "tq-model add failed"
psqlc "INSERT INTO links (url) VALUES ('https://far.example/long')" >/dev/null
psqlc "INSERT INTO parsed_contents (link_id, title, content) SELECT id, 'Long', repeat('Cats sleep a lot. ', 330000) FROM links" >/dev/null
pc=$(psqlc "SELECT max(id) FROM parsed_contents")

slow() { curl -s "$AIURL/_slow" | jq -r ".$1 // 0"; }
sending() { [ "$(slow read)" -gt 20000 ]; }
cut() { [ "$(slow cut)" = true ]; }
on() { psqlc "SELECT status, split_part(worker_id, '.', 1) FROM task_items WHERE task_id = $t" | grep -q "^$1|$2\$"; }

start_worker -n 1 -Q ai-queue -N fa
sa=$TQ_WORKER_PID
tq-submit ai -m far "$pc" >"$tmp/task" || bail "tq-submit ai failed"
t=$(jq -r .task_id "$tmp/task")
check "fa sends its long request, slowly read" wait_for 30 sending
wa=$(pgrep -P "$sa")
stopped="$wa $(pgrep -P "$wa" | tr '\n' ' ')"
# shellcheck disable=SC2086
kill -STOP $stopped
start_worker -n 1 -Q ai-queue -N fb
check "fb counts fa dead and runs the job" wait_for 60 on completed fb
# the server reads what fa had handed to the kernel before it stopped
steady() { a=$(slow read); sleep 1; [ "$(slow read)" = "$a" ]; }
wait_for 30 steady
before=$(slow read)
check "fa could not hand all of its body to the kernel" \
	[ "$before" -lt "$(slow length)" ]
# shellcheck disable=SC2086
kill -CONT $stopped
check "fa, running again, drops the job" \
	wait_for 20 grep -q "worker=fa\..* outcome=taken" "$tmp/worker.log"
check "its request is cut" wait_for 10 cut
check_same "not a byte more of it sent once fa ran again" "$(slow read)" \
	"$before"
check_same "one result stored, the item as fb left it" \
	"$(psqlc "SELECT count(*) FROM ai_processed_contents") $(psqlc "SELECT status, split_part(worker_id, '.', 1), crash_count FROM task_items WHERE task_id = $t")" \
	"1 completed|fb|1"
stop_worker "$TQ_WORKER_PID"
check "fb stops" true
done_testing
