#!/bin/sh
# tq-worker: submit -> worker -> status -> wait, with real Redis,
# PostgreSQL and HTTP; priorities; process titles; log lines
. "$(dirname "$0")/lib.sh"
plan 34
start_redis
start_pg
start_httpd

check "submit three pages" tq-submit parse "$HTTP/t/page?title=One&words=300" \
	"$HTTP/t/page?title=Two&words=400" "$HTTP/t/status/404"
task=$(jq -r .task_id "$out")
start_worker -n 2 -Q parsing-queue
check_status 1 "tq-wait: a task with a failed item exits 1" tq-wait -t 30 "$task"
rec=$(cat "$out")
check_same "wait prints one record" "$(wc -l <"$out" | tr -d ' ')" 1
check_same "status failed" "$(echo "$rec" | jq -r .status)" failed
check_same "counts" "$(echo "$rec" | jq -r '[.completed_items,.failed_items,.total_items,.progress]|join(" ")')" "2 1 3 100"
check_same "items in order" "$(echo "$rec" | jq -r '[.items[].status]|join(" ")')" "completed completed failed"
check_same "404 is a clear item error" "$(echo "$rec" | jq -r '.items[2].error_message')" "http 404 not found"
check_same "404 is not retried" "$(echo "$rec" | jq -r '.items[2].retry_count')" 0
pc=$(echo "$rec" | jq -r '.items[0].result.parsed_content_id')
check_same "title stored" "$(psqlc "SELECT title FROM parsed_contents WHERE id = $pc")" One
check_match "text stored" "$(psqlc "SELECT word_count > 200 FROM parsed_contents WHERE id = $pc")" '^t$'
check_match "items have timestamps" "$(echo "$rec" | jq -r '.items[0].started_at + " " + .items[0].completed_at')" '^20..-..-..T..:..:..Z 20..-..-..T..:..:..Z$'

check "tq-status --items agrees" tq-status -i "$task"
check_same "same record from tq-status" "$(jq -c 'del(.worker_id)' "$out")" "$(echo "$rec" | jq -c 'del(.worker_id)')"

check "a completed task" tq-submit parse "$HTTP/t/page?title=Three&words=100"
t2=$(jq -r .task_id "$out")
check "tq-wait exits 0 when completed" tq-wait -t 30 "$t2"
check "wait reads records on stdin" sh -c "tq-submit parse '$HTTP/t/page?title=Four' | tq-wait -t 30"
check_same "the piped task completed" "$(jq -r .status "$out")" completed

if [ "${VALGRIND:-0}" = 1 ]; then
	# under valgrind the titles are valgrind's own
	ok 0 "process titles # skip under valgrind"
	ok 0 "worker titles # skip under valgrind"
	ok 0 "job processes' sockets # skip under valgrind"
else
	# this script's own processes only: others may run tests too
	check_match "process titles show the worker state" \
		"$(ps -o args= -p "$TQ_WORKER_PID")" \
		'^tq-worker: supervisor of 2 workers'
	wtitles() { ps -o args= --ppid "$TQ_WORKER_PID"; }
	wait_for 10 sh -c "ps -o args= --ppid $TQ_WORKER_PID | grep -q '^tq-worker: .* idle parsing-queue'"
	check_match "worker titles name queue and state" \
		"$(wtitles | head -1)" 'idle parsing-queue'
	# a job process, which reads pages from anywhere, holds its own
	# socket to its worker, none of the worker's Redis, PostgreSQL and
	# HTTP connections
	# (root alone may look: job processes are not dumpable, so their
	# /proc/PID/fd is root's)
	socks=
	for wp in $(ps -o pid= --ppid "$TQ_WORKER_PID"); do
		for jp in $(ps -o pid= --ppid "$wp"); do
			socks="$socks $(ls -l /proc/"$jp"/fd | grep -c socket:)"
		done
	done
	if [ "$(id -u)" -eq 0 ]; then
		check_match "each job process holds one socket" "$socks" \
		    '^( 1)+$'
	else
		ok 0 "job processes' sockets # skip not root"
	fi
fi
check_match "one log line per job" "$(grep -c 'job ' "$tmp/worker.log")" '^[4-9]$'
check_match "log line has the fields" "$(grep 'outcome=failed' "$tmp/worker.log")" \
	'worker=.* job=.* task=1 item=.* queue=parsing-queue outcome=failed duration=.* error="http 404 not found"'
check "parsing a link again" sh -c "tq-submit parse '$HTTP/t/page?title=One&words=300' | tq-wait -t 30"
check_same "updates its one row" "$(psqlc "SELECT count(*), max(parse_count) FROM parsed_contents p JOIN links l ON l.id = p.link_id WHERE l.url LIKE '%title=One%'")" "1|2"
# pages in other charsets, decoded in the job process: from the header,
# from <meta charset>
check "shift_jis by header, koi8-r by meta" sh -c "tq-submit parse '$HTTP/t/charset/shift_jis' '$HTTP/t/charset/koi8-r?via=meta' | tq-wait -t 30"
check_same "both completed" "$(jq -r .completed_items "$out")" 2
check_same "the charsets used" "$(psqlc "SELECT p.charset FROM parsed_contents p JOIN links l ON l.id = p.link_id WHERE l.url LIKE '%/t/charset/%' ORDER BY l.url" | tr '\n' ' ')" "koi8-r shift_jis "
check_match "and the text in UTF-8" "$(psqlc "SELECT string_agg(p.content, ' ' ORDER BY l.url) FROM parsed_contents p JOIN links l ON l.id = p.link_id WHERE l.url LIKE '%/t/charset/%'" | tr '\n' ' ')" 'Привет, мир.*日本語のテキスト'
# the titles of a busy worker and of its job processes, as tq-worker(1)
# shows them
if [ "${VALGRIND:-0}" = 1 ]; then
	ok 0 "a busy worker's title # skip under valgrind"
	ok 0 "a job process's title # skip under valgrind"
else
	tq-submit parse "$HTTP/t/sleep?s=3" >"$tmp/busy" || bail "submit"
	wait_for 10 sh -c "ps -o args= --ppid $TQ_WORKER_PID | grep -q ' busy '"
	check_match "a busy worker's title: its jobs per queue, as documented" \
		"$(ps -o args= --ppid "$TQ_WORKER_PID" | grep ' busy ')" \
		'^tq-worker: [^ ]+\.[0-9]+ busy 1 job \(parsing-queue 1; [0-9]+ done\) ?$'
	check_match "a job process's title, as documented" \
		"$(for wp in $(ps -o pid= --ppid "$TQ_WORKER_PID"); do ps -o args= --ppid "$wp"; done | sort -u)" \
		'^tq-worker: [^ ]+\.[0-9]+ job process ?$'
	grep -q 'busy 1 job (parsing-queue 1; 5 done)$' "$TQ_TOP/man/tq-worker.1" &&
	    grep -q '^tq-worker: host.4712 job process$' "$TQ_TOP/man/tq-worker.1"
	ok $? "tq-worker(1) shows these titles"
	tq-wait -t 30 <"$tmp/busy" >/dev/null
fi
stop_worker
ok $? "warm shutdown exits"

# priorities: a worker serving all queues takes parsing before ai
# (both run at once then: the order in which they were claimed)
psqlc "INSERT INTO links (url) VALUES ('$HTTP/t/page?title=P')" >/dev/null
lid=$(psqlc "SELECT max(id) FROM links")
pc=$(psqlc "SELECT id FROM parsed_contents LIMIT 1")
tq-submit ai "$pc" >/dev/null
tq-submit parse "$lid" >/dev/null
start_worker -n 1 --burst
wait "$TQ_WORKER_PID"
order=$(psqlc "SELECT t.type FROM task_items i JOIN processing_tasks t ON t.id = i.task_id ORDER BY i.started_at DESC LIMIT 2" | tac | tr '\n' ' ')
check_same "parsing before ai" "$order" "parsing ai_processing "
check_status 124 "tq-wait -t times out with 124" sh -c "tq-submit parse '$HTTP/t/page' | tq-wait -t 0.5"
done_testing
