#!/bin/sh
# bad input for tq-submit and the readers of task ids: NUL bytes,
# credentials in URLs, long URLs, control characters, upstream records
# that do not match the database.  Bad input writes nothing, exit 3.
. "$(dirname "$0")/lib.sh"
plan 34
start_redis
start_pg
start_httpd

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

# item 5: a password in a URL would be stored in clear: refused
check_status 3 "a URL with user:password" tq-submit parse "https://bob:Pw-1200-leak@a.example/x"
check_same "one line naming it, no password" "$(cat "$errf" | head -1)" \
	"tq-submit: https://bob:***@a.example/x: a user name or password in the URL: refused, tq stores URLs in clear"
check_status 3 "a URL with a user name only, on a line" sh -c 'printf "https://a.example/ok\nhttp://tok3n@b.example/\n" | tq-submit parse'
check_match "names line 2" "$(cat "$errf")" '^tq-submit: line 2: a user name or password in the URL'
check_status 3 "in a JSON record" sh -c 'echo "{\"url\":\"http://u:Pw-1200-leak@c.example/\"}" | tq-submit parse'
check_same "the password shows nowhere" "$(cat "$out" "$errf" | grep -c Pw-1200-leak) $(psqlc "SELECT count(*) FROM links WHERE url LIKE '%@%'")" "0 0"
check_same "nothing written" "$(state)" "$before"
check "an @ in the path is no password" tq-submit parse "https://a.example/@user/x"

# item 7: long URLs, up to TQ_URL_MAX (8192 bytes)
long() { printf '%s/t/page?title=Long&pad=' "$HTTP"; head -c "$1" /dev/zero | tr '\0' a; }
u3=$(long 3000)
u8=$(long $((8192 - ${#HTTP} - 23)))
check_same "an 8192-byte URL" "${#u8}" 8192
check "a 3 KB URL" tq-submit parse "$u3"
check "an 8 KB URL and the 3 KB one again" tq-submit parse "$u8" "$u3"
t8=$(jq -r .task_id "$out")
check_same "two items" "$(jq -r .total_items "$out")" 2
check_same "one link each" "$(psqlc "SELECT count(*), max(length(url)) FROM links WHERE length(url) > 2700")" "2|8192"
check "again: the same links" tq-submit parse "$u8"
check_same "no new link" "$(psqlc "SELECT count(*) FROM links WHERE length(url) > 2700")" 2
before=$(state)
check_status 3 "a 9 KB URL on line 2" sh -c "printf '%s\n%s\n' '$u3' '$(long 9000)' | tq-submit parse"
check_same "one line naming it" "$(cat "$errf" | head -1)" "tq-submit: line 2: URL of $((9000 + ${#HTTP} + 23)) bytes: the limit is 8192"
check_status 3 "a 9 KB operand" tq-submit parse "$(long 9000)"
check_match "not all of it quoted" "$(head -1 "$errf")" '^tq-submit: http://127\.0\.0\.1:[0-9]+/t/page\?title=Long&pad=a+\.\.\.: URL of [0-9]+ bytes: the limit is 8192$'
check_same "nothing written" "$(state)" "$before"
start_worker -n 1 -q parsing-queue
check "a worker fetches the 8 KB URL" tq-wait -t 30 "$t8"
check_same "both parsed" "$(jq -r '[.status, .completed_items] | join(" ")' "$out")" "completed 2"
stop_worker
done_testing
