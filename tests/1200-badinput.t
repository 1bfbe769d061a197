#!/bin/sh
# bad input for tq-submit and the readers of task ids: NUL bytes,
# credentials in URLs, long URLs, control characters, upstream records
# that do not match the database.  Bad input writes nothing, exit 3.
. "$(dirname "$0")/lib.sh"
plan 12
start_redis
start_pg

count() { psqlc "SELECT count(*) FROM $1"; }
qlen() { rcli llen rq:queue:parsing-queue; }
state() { echo "$(count processing_tasks) $(count task_items) $(count links) $(qlen)"; }

check "a first task" tq-submit parse https://a.example/1
before=$(state)

# item 6: NUL bytes
check_status 3 "a NUL inside a URL line" sh -c "printf 'http://example.com/a\\0b\\n' | tq-submit parse -"
check_same "names the line" "$(cat "$errf" | head -1)" "tq-submit: line 1: a NUL byte in the line"
check_status 3 "a line holding only a NUL" sh -c "printf 'https://a.example/2\\n\\0\\n' | tq-submit parse"
check_match "names line 2" "$(cat "$errf")" '^tq-submit: line 2: a NUL byte in the line'
check_same "nothing written" "$(state)" "$before"
check_status 3 "tq-status: a NUL in an id line" sh -c "printf '1\\0\\n' | tq-status"
check_same "names the line" "$(cat "$errf")" "tq-status: line 1: a NUL byte in the line"
check_status 3 "tq-cancel: a NUL-only line" sh -c "printf '\\0\\n' | tq-cancel"
check_status 3 "tq-wait: a NUL-only line" sh -c "printf '\\0\\n' | tq-wait -t 1"
check_status 3 "tq-retry: a NUL-only line" sh -c "printf '\\0\\n' | tq-retry"
check_same "still nothing written" "$(state)" "$before"
done_testing
