#!/bin/sh
# tq-wait, flag by flag: final records as tasks end (in the order they
# end), with or without items, ids or records on stdin, garbage lines
# and unknown tasks (exit 3, over 1), failed and cancelled (exit 1),
# the timeout (exit 124), usage errors (2) and no database (4)
. "$(dirname "$0")/lib.sh"
plan 55
start_redis
start_pg
start_httpd
export TQ_RETRY_DELAYS=0

# A: completed; B: one page and a 404, failed; C, D: queued, no worker yet
tq-submit parse "$HTTP/t/page?title=One" "$HTTP/t/page?title=Two" >"$tmp/a.json"
tq-submit parse "$HTTP/t/page?title=Three" "$HTTP/t/status/404" >"$tmp/b.json"
A=$(jq -r .task_id "$tmp/a.json")
B=$(jq -r .task_id "$tmp/b.json")
tq-worker -b -Q parsing-queue >"$tmp/w.log" 2>&1
tq-submit parse "$HTTP/t/page?title=Four" >"$tmp/c.json"
tq-submit parse "$HTTP/t/page?title=Five" >"$tmp/d.json"
C=$(jq -r .task_id "$tmp/c.json")
D=$(jq -r .task_id "$tmp/d.json")

# --- ended tasks
check "a completed task: exit 0" tq-wait -j "$A"
check_same "its final record, with its items and results" "$(jq -r '"\(.task_id) \(.status) \(.items | length) \(.items[0].result.title)"' "$out")" "$A completed 2 One"
check_status 1 "a failed task: exit 1" tq-wait -j "$B"
check_same "printed all the same" "$(jq -r '"\(.task_id) \(.status)"' "$out")" "$B failed"
check_status 1 "completed and failed: exit 1" tq-wait -j "$A" "$B"
check_same "both printed" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$A $B "
check "-I: no items" tq-wait -I -j "$A"
check_same "the record without them" "$(jq -r 'has("items")' "$out")" false

# --- input
check "tq-submit's record on stdin, no operands" sh -c "tq-wait -j <'$tmp/a.json'"
check_same "that task" "$(jq -r .task_id "$out")" "$A"
check "'-' among operands" sh -c "cat '$tmp/a.json' | tq-wait -j - "
check_same "read in its place" "$(jq -r .task_id "$out")" "$A"
check "empty lines and comments skipped" sh -c "printf '\n# c\n%s\n' $A | tq-wait -j"
check_same "one record" "$(jq -r .task_id "$out")" "$A"
check_status 3 "a garbage line wins over 1: exit 3" sh -c "printf '%s\n{\"x\": 1}\n%s\n' $A $B | tq-wait -j"
check_same "the others printed" "$(jq -r .task_id "$out" | sort | tr '\n' ' ')" "$(printf '%s\n%s\n' "$A" "$B" | sort | tr '\n' ' ')"
check_same "the line named, in one line" "$(grep -c '^tq-wait: line 2: ' "$errf") $(wc -l <"$errf" | tr -d ' ')" "1 1"
check_status 3 "an unknown task: exit 3" tq-wait -j "$A" 999999
check_match "named" "$(cat "$errf")" '^tq-wait: task 999999: no such task$'
check_status 3 "empty input: nothing to wait for" sh -c ": | tq-wait -j"

# --- waiting
check_status 124 "-t: the timeout, exit 124" tq-wait -j -t 0.5 "$C"
check_match "said on stderr: not finished, whether running or queued" "$(cat "$errf")" '^tq-wait: timed out after 0.5 s: 1 task not finished$'
check_same "nothing printed for the open task" "$(cat "$out")" ""
check_status 124 "-q: same status" tq-wait -q -j -t 0.3 "$C"
check_same "and no message" "$(cat "$errf")" ""
check_status 124 "an ended task is printed before the timeout" tq-wait -j -t 0.5 "$A" "$C"
check_same "A only" "$(jq -r .task_id "$out")" "$A"
# records come as the tasks end: A at once, C and D when a worker runs
tq-wait -j -t 60 "$C" "$A" "$D" >"$tmp/w.out" 2>"$tmp/w.err" &
wpid=$!
wait_for 10 test -s "$tmp/w.out"
check_same "the ended task first" "$(jq -r .task_id "$tmp/w.out" | tr '\n' ' ')" "$A "
tq-worker -b -Q parsing-queue >>"$tmp/w.log" 2>&1
wait "$wpid"
check_same "then the others, exit 0" "$? $(jq -r .task_id "$tmp/w.out" | sort -n | tr '\n' ' ')" "0 $A $C $D "
tq-submit parse "$HTTP/t/page?title=Six" >"$tmp/e.json"
E=$(jq -r .task_id "$tmp/e.json")
tq-cancel "$E" >/dev/null 2>&1
check_status 1 "a cancelled task: exit 1" tq-wait -j -t 10 "$E"
check_same "its record" "$(jq -r .status "$out")" cancelled

# --- a standard output that fails: exit 5 at once, not at -t (F never
# ends: no worker runs)
tq-submit parse "$HTTP/t/page?title=Seven" >"$tmp/f.json"
F=$(jq -r .task_id "$tmp/f.json")
t0=$(date +%s)
sh -c "tq-wait -j -t 15 $A $F 2>'$tmp/p.err'; echo \$? >'$tmp/p.rc'" | head -c1 >/dev/null
check_same "a pipe whose reader went away (| head -c1): exit 5 at once" "$(cat "$tmp/p.rc") $(( $(date +%s) - t0 < 8 ))" "5 1"
check_same "... saying so, in one line" "$(cat "$tmp/p.err")" "tq-wait: stdout: Broken pipe"
t0=$(date +%s)
check_status 5 "a closed stdout (>&-): exit 5" sh -c "tq-wait -j -t 15 $A $F >&-"
check_same "... at once" "$(( $(date +%s) - t0 < 8 ))" 1
check_same "... one line" "$(cat "$errf")" "tq-wait: stdout: Bad file descriptor"
t0=$(date +%s)
check_status 5 "a full disk (>/dev/full): exit 5" sh -c "tq-wait -j -t 15 $A $F >/dev/full"
check_same "... at once" "$(( $(date +%s) - t0 < 8 ))" 1
check_same "... saying why" "$(cat "$errf")" "tq-wait: stdout: No space left on device"
check_status 5 "5 wins over 1 and 3 too" sh -c "tq-wait -j -t 15 $B 999999 $F >/dev/full"

# a connection lost while waiting: said in one line, reconnected; no
# full stop of libpq's message before the colon
tq-wait -j -t 4 "$F" >"$tmp/r.out" 2>"$tmp/r.err" &
rpid=$!
wait_for 20 sh -c "[ \"\$(psql -X -A -t '$TQ_DATABASE_URL' -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tq-wait'\")\" -ge 1 ]" ||
    diag "tq-wait did not connect"
sleep 0.3
psqlc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tq-wait'" >/dev/null
wait "$rpid"
check_same "a lost connection, then -t: exit 124" "$?" 124
check_match "reconnecting, said once" "$(grep -c ': reconnecting$' "$tmp/r.err")" '^1$'
check_same "no '.:' in it" "$(grep -c '\.: reconnecting' "$tmp/r.err")" 0

# --- usage and backends
check_status 2 "-t not a number" tq-wait -t soon "$A"
check_status 2 "-t past a year" tq-wait -t 4e9 "$A"
check_same "says the range" "$(cat "$errf")" "tq-wait: timeout 4e9: not a number of seconds over 0 and up to 31536000 (a year)"
# strtod() reads these; a person does not write them for seconds
check_status 2 "-t in hex" tq-wait -t 0x10 "$A"
check_status 2 "-t with a blank before it" tq-wait -t " 5" "$A"
check_status 2 "an unknown option" tq-wait --bogus "$A"
check_status 4 "-d to no database: exit 4" tq-wait -d "postgresql:///x?host=$tmp/nowhere" "$A"
# a database that stops answering (a migration's lock on the tasks,
# held 20 s, taken before tq-wait starts): -t still ends the wait,
# exit 4
psql -X -q "$TQ_DATABASE_URL" -c "BEGIN; LOCK TABLE processing_tasks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT" >/dev/null 2>&1 &
lpid=$!
wait_for 10 sh -c "[ \"\$(psql -X -A -t '$TQ_DATABASE_URL' -c \"SELECT count(*) FROM pg_locks WHERE relation = 'processing_tasks'::regclass AND mode = 'AccessExclusiveLock' AND granted\")\" = 1 ]" ||
    diag "the lock was not taken"
t0=$(date +%s)
check_status 4 "a database that holds the query: -t 2 still ends it, exit 4" tq-wait -j -t 2 "$C"
check_match "... 2 s after it at most, not when the lock goes" "$(( $(date +%s) - t0 ))" '^[3-7]$'
check_same "... saying why" "$(cat "$errf")" "tq-wait: postgresql: no answer in the time given"
psqlc "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = 'processing_tasks'::regclass AND mode = 'AccessExclusiveLock'" >/dev/null
wait "$lpid" 2>/dev/null

# a server that takes the connection and never answers, named by a URL
# that sets its own connect_timeout: -t still ends the wait
start_mute
t0=$(date +%s)
check_status 4 "a server that never answers, the URL's connect_timeout 30: -t 1 still ends it" \
	tq-wait -t 1 -d "postgresql://u@127.0.0.1:$MUTE_PORT/db?connect_timeout=30" "$C"
check_match "... within a few seconds" "$(( $(date +%s) - t0 ))" '^[1-6]$'
kill "$MUTE_PID" 2>/dev/null
done_testing
