#!/bin/sh
# tq-status, flag by flag: records of the tasks named in their order,
# ids or records on stdin, garbage lines and unknown tasks reported and
# skipped (exit 3), the list and its filters, table and JSON, watch,
# usage errors (exit 2) and an unreachable database (exit 4)
. "$(dirname "$0")/lib.sh"
plan 63
start_redis
start_pg
start_httpd
export TQ_RETRY_DELAYS=0

# A: two pages, completed; B: one page and a 404, failed; C: queued
tq-submit parse "$HTTP/t/page?title=One" "$HTTP/t/page?title=Two" >"$tmp/a.json"
tq-submit parse "$HTTP/t/page?title=Three" "$HTTP/t/status/404" >"$tmp/b.json"
A=$(jq -r .task_id "$tmp/a.json")
B=$(jq -r .task_id "$tmp/b.json")
tq-worker -b -Q parsing-queue >"$tmp/w.log" 2>&1
tq-submit parse "$HTTP/t/page?title=Four" >"$tmp/c.json"
C=$(jq -r .task_id "$tmp/c.json")

# --- tasks named
check "one task" tq-status -j "$A"
check_same "one line, its record" "$(wc -l <"$out" | tr -d ' ') $(jq -r '"\(.task_id) \(.type) \(.status) \(.total_items) \(.completed_items)"' "$out")" "1 $A parsing completed 2 2"
check_same "without -i, no items" "$(jq -r 'has("items")' "$out")" false
check "-i: the items" tq-status -j -i "$B"
check_same "each item's status and error" "$(jq -r '.items | map("\(.status):\(.error_message // "")") | join(",")' "$out")" "completed:,failed:http 404 not found"
check "-a: the attempts under each item" tq-status -j -a "$B"
check_same "one attempt each, its outcome" "$(jq -r '.items | map(.attempts | map(.outcome) | join("+")) | join(",")' "$out")" "completed,failed"
check "in the order named" tq-status -j "$C" "$A" "$B"
check_same "C A B" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$C $A $B "
check_same "a queued task reads as queued" "$(jq -r 'select(.task_id == '"$C"') | .status' "$out")" queued

# --- records and ids on standard input, with '-'
check "tq-submit's records piped in" sh -c "cat '$tmp/a.json' '$tmp/b.json' | tq-status -j -"
check_same "read back in order" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$A $B "
check "its own records piped in" sh -c "tq-status -j $A $C | tq-status -j -"
check_same "the same tasks" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$A $C "
check "'-' among operands reads stdin in its place" sh -c "echo $B | tq-status -j $A - $C"
check_same "A B C" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$A $B $C "
check "empty lines and # comments are skipped" sh -c "printf '\n# a comment\n%s\n\n' $A | tq-status -j -"
check_same "one record" "$(jq -r .task_id "$out")" "$A"
check_status 3 "a garbage line: exit 3" sh -c "printf '%s\nnot a task\n%s\n' $A $C | tq-status -j -"
check_same "the others are printed" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$A $C "
check_match "the line is named" "$(cat "$errf")" '^tq-status: .*not a task'
check_same "in one line" "$(wc -l <"$errf" | tr -d ' ')" 1
check_status 3 "an unknown task: exit 3" tq-status -j "$A" 999999
check_same "the known one is printed" "$(jq -r .task_id "$out")" "$A"
check_match "and the unknown one reported" "$(cat "$errf")" '^tq-status: task 999999: no such task$'
check_status 3 "-q: still exit 3" tq-status -q -j 999999
check_same "but no warning" "$(cat "$errf")" ""
check_status 3 "a bad operand" tq-status -j 12abc

# --- the list
# stdin a FIFO with a writer that never writes: a read would block
# until timeout kills it (a "sleep 30 |" made the check wait 30 s)
mkfifo "$tmp/silent"
check "no operands: the recent tasks" sh -c "exec 4<>'$tmp/silent'; timeout 10 tq-status -j <'$tmp/silent'"
check_same "oldest first; stdin not read" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$A $B $C "
check "-l -n 2: the last two" tq-status -l -n 2 -j
check_same "B C" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$B $C "
check "-s failed" tq-status -s failed -j
check_same "only B" "$(jq -r .task_id "$out" | tr '\n' ' ')" "$B "
check "-t ai: none" tq-status -t ai -j
check_same "nothing printed" "$(cat "$out")" ""
check "-S 1h: all three" tq-status -S 1h -j
check_same "three" "$(wc -l <"$out" | tr -d ' ')" 3

# --- output forms
check "-H: a table on a pipe" tq-status -H "$A" "$B"
check_match "with its header and rows" "$(cat "$out")" "^TASK +TYPE +STATUS"
check_same "a row per task" "$(grep -cE "^ *($A|$B) +parsing" "$out")" 2
# SIGINT once the first record is out (a start under the sanitizers on
# a busy machine can take seconds), then a second more
tq-status -w 0.2 -j "$A" >"$tmp/watch" 2>"$tmp/watch.err" &
wp=$!
wait_for 20 test -s "$tmp/watch"
sleep 1
interrupt "$wp"
ok $? "-w: printed again until SIGINT, then exit 0" || diag "$(cat "$tmp/watch.err")"
check_match "several times" "$(wc -l <"$tmp/watch" | tr -d ' ')" '^([3-9]|[1-9][0-9]+)$'
# -H -w into a file: the rounds one after another, no clear-screen
# escape (that is for a terminal)
tq-status -H -w 0.2 "$A" >"$tmp/watch" 2>"$tmp/watch.err" &
wp=$!
# three rounds, however slow each (valgrind)
wait_for 60 sh -c "[ \$(grep -c '^every 0.2s: tq-status' '$tmp/watch') -ge 3 ]"
interrupt "$wp"
ok $? "-H -w into a file: exit 0 at SIGINT" || diag "$(cat "$tmp/watch.err")"
check_match "several rounds" "$(grep -c '^every 0.2s: tq-status' "$tmp/watch")" '^([3-9]|[1-9][0-9]+)$'
check_same "no escape in the file" "$(grep -c "$(printf '\033')" "$tmp/watch")" 0
need script bsdutils
# a second of rounds; ten under valgrind, whose start alone can take one
secs=1
[ "${VALGRIND:-0}" = 1 ] && secs=10
TERM=xterm script -qfec "timeout -s INT $secs tq-status -w 0.2 $A" "$tmp/ts" >/dev/null 2>&1
check_match "-w on a terminal: cleared each round" "$(cat "$tmp/ts")" "$(printf '\033')\\[H$(printf '\033')\\[2Jevery 0.2s"

# --- usage and backends
check_status 2 "-l with operands" tq-status -l "$A"
check_status 2 "-n 0" tq-status -n 0
check_status 2 "-t bogus" tq-status -t bogus
check_same "says the types" "$(cat "$errf")" "tq-status: type bogus: must be parse, ai or notion (or parsing, ai_processing, notion_import)"
# an empty value is named "", not as nothing between two colons
check_status 2 "-s ''" tq-status -s ''
check_same "one clean line" "$(cat "$errf")" 'tq-status: status "": must be queued, running, completed, failed or cancelled'
check_status 2 "-t ''" tq-status -t ''
check_same "one clean line" "$(cat "$errf")" 'tq-status: type "": must be parse, ai or notion (or parsing, ai_processing, notion_import)'
check_status 2 "-w ''" tq-status -w ''
check_match "one clean line" "$(cat "$errf")" '^tq-status: watch "": not an interval '
check "-h" tq-status -h
check_same "says -w interval, as tq-status(1)" "$(grep -o -- '-w [a-z]*' "$out" | sort -u)" "-w interval"
check_status 4 "-d to no database: exit 4" tq-status -d "postgresql:///x?host=$tmp/nowhere" "$A"

# -i with a Redis that takes the connection and never answers: the note
# of which items wait for a site is left out, and the wait for it paid
# once, not once a task (10 s each, before)
start_mute
tq-submit parse "$HTTP/t/page?title=Five" "$HTTP/t/page?title=Six" >"$tmp/d.json"
D=$(jq -r .task_id "$tmp/d.json")
t0=$(date +%s)
check "-i with a Redis that never answers" env TQ_REDIS_URL="redis://127.0.0.1:$MUTE_PORT/0" tq-status -j -i "$C" "$D" "$C" "$D"
check_match "... answers in a few seconds" "$(( $(date +%s) - t0 ))" '^[0-5]$'
check_same "... with every item" "$(jq -s '[.[].items | length] | add' "$out")" 6
kill "$MUTE_PID" 2>/dev/null
done_testing
