#!/bin/sh
# A worker stopped while it sends a long request (6 MB of page text, more
# than the kernel takes at once, to an OpenAI-compatible server that
# reads 400 KB a second, as one at the end of a slow link does) is
# counted dead after TQ_DEAD_AFTER, and its job runs on another
# supervisor's worker.  When the stopped worker runs again it drops the
# job before its transfer goes on: the server never gets the rest of
# that body, and the request is cut instead of being made a second time.
# Twice: stopped from outside, most likely while it waits on its sockets,
# and stopped between two steps of its loop (TQ_TEST_STOP), which the
# loop's own wait cannot see.
. "$(dirname "$0")/lib.sh"
plan 18
start_redis
start_pg
KEY="sk-test-$$-FENCEKEY"
export TQ_FAKE_KEY="$KEY" TQ_MAINT_INTERVAL=1 TQ_DEAD_AFTER=15 \
	TQ_RETRY_DELAYS=0
tq-model list >/dev/null || bail "tq-model list failed"	# the schema
psqlc "INSERT INTO links (url) VALUES ('https://far.example/long')" >/dev/null
psqlc "INSERT INTO parsed_contents (link_id, title, content) SELECT id, 'Long', repeat('Cats sleep a lot. ', 330000) FROM links" >/dev/null
pc=$(psqlc "SELECT max(id) FROM parsed_contents")

slow() { curl -s "$AIURL/_slow" | jq -r ".$1 // 0"; }
sending() { [ "$(slow read)" -gt 20000 ]; }
was_cut() { [ "$(slow cut)" = true ]; }
on() { psqlc "SELECT status, split_part(worker_id, '.', 1) FROM task_items WHERE task_id = $t" | grep -q "^$1|$2\$"; }
# the server reads what the worker had handed to the kernel before it
# stopped
steady() { _r=$(slow read); sleep 1; [ "$(slow read)" = "$_r" ]; }
is_stopped() { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = T ]; }

# round HOW A B: A sends, is stopped (HOW: kill, or itself between two
# steps), B takes its job; A runs again
round() {
	how=$1 a=$2 b=$3
	# a new server: only its first request is read slowly
	python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/ai-$a.port" \
		--key "$KEY" --slow-first 400000 >"$tmp/fake-$a.log" 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -s "$tmp/ai-$a.port" ||
		bail "fake-openai.py did not start"
	AIURL=http://127.0.0.1:$(cat "$tmp/ai-$a.port")
	tq-model add "$a" -p openai -m ok -u "$AIURL/v1" -k TQ_FAKE_KEY \
		-C 10000000 -T 120 >/dev/null || bail "tq-model add failed"
	TQ_TEST_STOP=$tmp/stop-$a
	export TQ_TEST_STOP
	start_worker -n 1 -Q ai-queue -N "$a"
	sa=$TQ_WORKER_PID
	unset TQ_TEST_STOP
	n0=$(psqlc "SELECT count(*) FROM ai_processed_contents")
	tq-submit ai -m "$a" "$pc" >"$tmp/task" || bail "tq-submit ai failed"
	t=$(jq -r .task_id "$tmp/task")
	check "$a ($how) sends its long request, slowly read" \
		wait_for 30 sending
	wa=$(pgrep -P "$sa")
	if [ "$how" = itself ]; then
		: >"$tmp/stop-$a"
		wait_for 10 is_stopped "$wa" || bail "$a did not stop itself"
	fi
	# with its job processes, as on a paused machine
	stopped="$wa $(pgrep -P "$wa" | tr '\n' ' ')"
	# shellcheck disable=SC2086
	kill -STOP $stopped
	start_worker -n 1 -Q ai-queue -N "$b"
	check "$b counts $a dead and runs the job" wait_for 60 on completed "$b"
	wait_for 30 steady
	before=$(slow read)
	check "$a could not hand all of its body to the kernel" \
		[ "$before" -lt "$(slow length)" ]
	# shellcheck disable=SC2086
	kill -CONT $stopped
	check "$a, running again, drops the job" \
		wait_for 20 grep -q "worker=$a\..* outcome=taken" "$tmp/worker.log"
	check "its request is cut" wait_for 10 was_cut
	check_same "not a byte more of it sent once $a ran again" \
		"$(slow read)" "$before"
	check_same "one result stored, the item as $b left it" \
		"$(($(psqlc "SELECT count(*) FROM ai_processed_contents") - n0)) $(psqlc "SELECT status, split_part(worker_id, '.', 1), crash_count FROM task_items WHERE task_id = $t")" \
		"1 completed|$b|1"
	check "$b stops" stop_worker "$TQ_WORKER_PID"
	check "$a stops" stop_worker "$sa"
}

round kill fa fb
round itself ga gb
done_testing
