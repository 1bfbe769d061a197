#!/bin/sh
# bad input for tq-submit and the readers of task ids: NUL bytes,
# credentials in URLs, long URLs, control characters, upstream records
# that do not match the database.  Bad input writes nothing, exit 3.
. "$(dirname "$0")/lib.sh"
plan 185
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
check_same "in one line, as the README says" "$(wc -l <"$errf" | tr -d ' ')" 1
check_status 3 "a line holding only a NUL" sh -c "printf 'https://a.example/2\\n\\0\\n' | tq-submit parse"
check_match "names line 2" "$(cat "$errf")" '^tq-submit: line 2: a NUL byte in the line'
check_same "nothing written" "$(state)" "$before"
check_status 3 "tq-status: a NUL in an id line" sh -c "printf '1\\0\\n' | tq-status -"
check_same "names the line" "$(cat "$errf")" "tq-status: line 1: a NUL byte in the line"
check_status 3 "tq-cancel: a NUL-only line" sh -c "printf '\\0\\n' | tq-cancel"
check_status 3 "tq-wait: a NUL-only line" sh -c "printf '\\0\\n' | tq-wait -t 1"
check_status 3 "tq-retry: a NUL-only line" sh -c "printf '\\0\\n' | tq-retry"
check_same "still nothing written" "$(state)" "$before"

# standard input that cannot be read is no end of input: one line, exit
# 3, nothing done (a directory: read(2) fails with EISDIR)
check_status 3 "tq-submit: stdin a directory" sh -c "tq-submit parse </"
check_same "one line saying so" "$(cat "$errf")" "tq-submit: stdin: Is a directory"
for t in tq-show tq-wait tq-status tq-cancel tq-retry; do
	check_status 3 "$t: stdin a directory" sh -c "$t - </"
	check_same "one line saying so" "$(cat "$errf")" "$t: stdin: Is a directory"
done
check_same "nothing written" "$(state)" "$before"
# a line is at most 64 MiB (TQ_LINE_MAX): one longer is bad input, named
# by its number, and the line after it is read as a line
head -c 67108863 /dev/zero | tr '\0' ' ' >"$tmp/l64"
echo 1 >>"$tmp/l64"
{ printf ' '; cat "$tmp/l64"; echo 1; } >"$tmp/l64b"
check "tq-status: a line of 64 MiB exactly" sh -c "tq-status -j - <'$tmp/l64'"
check_same "... is read" "$(jq -r .task_id "$out")" 1
check_status 3 "tq-status: a line of 64 MiB and a byte" sh -c "tq-status -j - <'$tmp/l64b'"
check_same "... named, in one line" "$(cat "$errf")" "tq-status: line 1: longer than 64 MiB"
check_same "... the next line read as one" "$(jq -r .task_id "$out")" 1
rm -f "$tmp/l64" "$tmp/l64b"
check_status 3 "tq-submit: a line past 64 MiB between two URLs" sh -c "{ echo https://a.example/long1; head -c 70000000 /dev/zero | tr '\\0' a; echo; echo https://a.example/long2; } | tq-submit parse"
check_same "... named, in one line" "$(cat "$errf")" "tq-submit: line 2: longer than 64 MiB"
check_same "... nothing written" "$(state)" "$before"
# getline() grew its buffer to the whole line: out of memory, it failed,
# and that was taken for the end: the first URL alone was submitted
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-submit" | grep -q libasan; then
	skip 3 "a memory limit under a sanitizer or valgrind"
else
	check_status 3 "a 300 MB line under a 400 MB memory limit" sh -c "ulimit -v 400000; { echo https://a.example/oom1; head -c 300000000 /dev/zero | tr '\\0' a; echo; echo https://a.example/oom2; } | tq-submit parse"
	check_same "... named, in one line" "$(cat "$errf")" "tq-submit: line 2: longer than 64 MiB"
	check_same "... nothing written" "$(state)" "$before"
fi

# a blank operand is a slip (a blank line of input is skipped); a URL
# past curl's 8,000,000 bytes is told as too long, not as malformed
check_status 3 "an empty operand" tq-submit parse ''
check_same "named by its place" "$(head -1 "$errf")" "tq-submit: argument 1: an empty operand"
check_status 3 "a 9 MB URL" sh -c "python3 -c 'print(\"http://a.example/\" + \"x\" * 9000000)' | tq-submit parse -"
check_same "is too long, saying the limit" "$(head -1 "$errf")" "tq-submit: line 1: URL of 9000017 bytes: the limit is 8192"
check_same "and nothing written" "$(state)" "$before"
# a file saved with a UTF-8 byte order mark (Windows editors)
check "a URL list that begins with a byte order mark" sh -c "printf '\\357\\273\\277https://a.example/bom\\n' | tq-submit parse -"
check_same "its first URL is taken" "$(jq -r '.total_items' "$out") $(psqlc "SELECT count(*) FROM links WHERE url = 'https://a.example/bom'")" "1 1"
before=$(state)

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
start_worker -n 1 -Q parsing-queue
check "a worker fetches the 8 KB URL" tq-wait -t 30 "$t8"
check_same "both parsed" "$(jq -r '[.status, .completed_items] | join(" ")' "$out")" "completed 2"
stop_worker

# item 9: upstream records are checked against the database
ai_state() { echo "$(count processing_tasks) $(count task_items) $(rcli llen rq:queue:ai-queue)"; }
tq-wait -t 5 "$t8" >"$tmp/t8.json"
pc1=$(jq -r '.items[0].result.parsed_content_id' "$tmp/t8.json")
pc2=$(jq -r '.items[1].result.parsed_content_id' "$tmp/t8.json")
i1=$(jq -r '.items[0].item_id' "$tmp/t8.json")
before=$(ai_state)
check_status 3 "a record of a task that does not exist" sh -c \
	"echo '{\"task_id\":999999,\"status\":\"completed\",\"items\":[{\"item_id\":1,\"result\":{\"parsed_content_id\":$pc1}}]}' | tq-submit ai"
check_same "names it" "$(head -1 "$errf")" "tq-submit: line 1: task 999999: no such task"
check_status 3 "items that are not items" sh -c "echo '{\"task_id\":$t8,\"items\":[1,2,3]}' | tq-submit ai"
check_same "names the task and the entry" "$(head -1 "$errf")" "tq-submit: line 1: task $t8: items[0] is not an item with an item_id"
check_status 3 "an item that is not the task's" sh -c \
	"jq -c '.items[0].item_id = 999' '$tmp/t8.json' | tq-submit ai"
check_same "names the real ids" "$(head -1 "$errf")" "tq-submit: line 1: task $t8 has no item 999"
check_status 3 "a result id the item did not store" sh -c \
	"jq -c '.items[0].result.parsed_content_id = $pc2' '$tmp/t8.json' | tq-submit ai"
check_same "names item and ids" "$(head -1 "$errf")" "tq-submit: line 1: task $t8 item $i1: parsed_content_id is $pc1, not $pc2"
check_status 3 "a good record with a bad one" sh -c \
	"(cat '$tmp/t8.json'; echo '{\"task_id\":999999,\"status\":\"completed\",\"items\":[]}') | tq-submit ai"
check_same "only the bad one is named" "$(head -1 "$errf")" "tq-submit: line 2: task 999999: no such task"
tq-submit parse https://queued.example/1 >"$tmp/q.json"
check_status 3 "a record that says completed for a queued task" sh -c \
	"jq -c '.status = \"completed\" | .items = []' '$tmp/q.json' | tq-submit ai"
check_match "the database wins" "$(head -1 "$errf")" "^tq-submit: line 1: task [0-9]+ is queued: wait for it with tq-wait$"
check_same "nothing written" "$(ai_state)" "$(echo "$before" | awk '{print $1 + 1, $2 + 1, $3}')"
check "the true record goes through" sh -c "tq-submit ai <'$tmp/t8.json'"
check_same "two items" "$(jq -r .total_items "$out")" 2
ai=$(jq -r .task_id "$out")
psqlc "UPDATE processing_tasks SET status = 'completed' WHERE id = $ai" >/dev/null
check_status 3 "an ai task's record for the ai stage" sh -c "tq-status -i $ai | jq -c '.items = []' | tq-submit ai"
check_same "says which tasks it takes" "$(head -1 "$errf")" "tq-submit: line 1: task $ai is of type ai_processing: ai takes parsing tasks"

# item 8: control characters never reach the terminal raw
ESC=$(printf '\033')
BEL=$(printf '\007')
raw() { grep -c "[$ESC$BEL]" "$@"; }
check_status 3 "a line with escape sequences" sh -c "printf 'junk\\033]0;pwned\\007\\n' | tq-submit parse"
check_same "shown as \\xNN" "$(head -1 "$errf")" 'tq-submit: line 1: not a link id or URL: junk\x1b]0;pwned\x07'
long=$(printf 'x%.0s' $(seq 37); printf '\346\227\245\346\234\254\350\252\236%.0s' 1 2 3 4 5 6)
check_status 3 "a long line in Japanese" sh -c "echo $long | tq-submit parse"
check_same "quoted to 80 bytes, cut between characters" "$(head -1 "$errf")" "tq-submit: line 1: not a link id or URL: $(printf '%.79s' "$long")"
check_status 2 "an operand with escape sequences" tq-submit "$(printf 'x\033[2J')" 1
check_same "escaped too" "$(head -1 "$errf")" 'tq-submit: x\x1b[2J: unknown stage: use parse, ai or notion'
check_status 3 "tq-status: a garbage line" sh -c "printf 'a\\033[2Jb\\302\\233c\\n' | tq-status -"
check_same "C1 controls as \\u00NN" "$(cat "$errf")" 'tq-status: line 1: not a task id: a\x1b[2Jb\u009bc'
check "a page whose Content-Type holds escapes" tq-submit parse "$HTTP/t/type?ct=text/x%1B%5B31m%1B]0;pwned%07"
tc=$(jq -r .task_id "$out")
start_worker -n 1 -Q parsing-queue
check_status 1 "it fails" tq-wait -t 30 "$tc"
check_same "the stored error holds no control character" \
	"$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $tc AND error_message ~ '[[:cntrl:]]'") $(psqlc "SELECT count(*) FROM task_items WHERE task_id = $tc AND error_message LIKE '%\\\\x1b[31m%'")" "0 1"
check "tq-status -H -i" tq-status -H -i "$tc"
check_same "the table shows them escaped" "$(raw "$out") $(grep -c 'x1b\[31m' "$out")" "0 1"
check "tq-status -j" tq-status -j -i "$tc"
check "its JSON is valid UTF-8 and parses" sh -c "iconv -f UTF-8 -t UTF-8 '$out' | jq -e .items >/dev/null"
stop_worker
check_same "the worker's log has none" "$(raw "$tmp/worker.log")" 0
# --properties: a key, and jansson's text quoting the input, escaped;
# an array said in a whole sentence
NDB=1f2e3d4c5b6a79880f1e2d3c4b5a6978
check_status 2 "--properties: a key with an escape" env NOTION_TOKEN=x tq-submit notion -D $NDB -p '{"\u001b[2J":1}' 1
check_same "shown as \\xNN" "$(raw "$errf") $(cat "$errf")" '0 tq-submit: --properties: \x1b[2J: a property value is an object such as {"select": {"name": "x"}}'
check_status 2 "--properties: an escape where JSON breaks" env NOTION_TOKEN=x tq-submit notion -D $NDB -p "{\"a\":$ESC" 1
check_same "the parser's text escaped too" "$(raw "$errf") $(cat "$errf")" "0 tq-submit: --properties: malformed JSON: invalid token near '\\x1b'"
check_status 2 "--properties: an array" env NOTION_TOKEN=x tq-submit notion -D $NDB -p '[1]' 1
check_same "said so, not cut off" "$(cat "$errf")" "tq-submit: --properties: an array, not a JSON object"
check_status 2 "--then notion: a string" env NOTION_TOKEN=x tq-submit parse --then ai --then "notion -D $NDB -p '\"x\"'" 1
check_same "said so" "$(cat "$errf")" "tq-submit: --then notion: --properties: a string, not a JSON object"

# standard output: a full disk or a closed descriptor is an error
# (exit 5, one line), and a closed one never becomes a connection
n0=$(count processing_tasks)
check_status 5 "tq-submit to a full disk" sh -c "tq-submit parse '$HTTP/t/page?title=Full' >/dev/full"
check_same "one line saying so" "$(cat "$errf")" "tq-submit: stdout: No space left on device"
check_same "the task was made" "$(count processing_tasks)" $((n0 + 1))
check "two tasks to cancel" tq-submit parse "$HTTP/t/page?title=C1"
c1=$(jq -r .task_id "$out")
check "" tq-submit parse "$HTTP/t/page?title=C2"
c2=$(jq -r .task_id "$out")
jobs=$(psqlc "SELECT job_id FROM task_items WHERE task_id IN ($c1, $c2)")
check_status 5 "tq-cancel with stdout closed" sh -c "tq-cancel $c1 $c2 >&-"
check_same "one line" "$(cat "$errf")" "tq-cancel: stdout: Bad file descriptor"
check_same "both cancelled" "$(psqlc "SELECT count(*) FROM processing_tasks WHERE id IN ($c1, $c2) AND status = 'cancelled'")" 2
left=0
for j in $jobs; do
	rcli lrange rq:queue:parsing-queue 0 -1 | grep -q "$j" && left=$((left + 1))
done
check_same "their jobs left the queue" "$left" 0
check_status 5 "tq-status with stdout closed" sh -c "tq-status $c1 >&-"
check_same "PostgreSQL got no record" "$(grep -c 'invalid frontend message' "$tmp/pgsock/log")" 0
check_status 0 "nothing written, nothing said" sh -c "tq-status -q 99999 2>/dev/null >&-; test \$? -eq 3"
check_status 5 "tq-status -w into a full disk: ends" timeout 10 sh -c "tq-status -w 0.2 $c1 >/dev/full"
check_match "says why" "$(cat "$errf")" '^tq-status: stdout: No space left on device$'
check_status 5 "tq-status -w with stdout closed: ends" timeout 10 sh -c "tq-status -w 0.2 $c1 >&-"
check_status 3 "tq-status - with nothing on stdin" tq-status - </dev/null
check_same "says so" "$(cat "$errf")" "tq-status: no task ids to show"

# secrets and control characters in options
before=$(state)
check_status 2 "--notify with a password" tq-submit --notify "https://user:Pw-1200-notify@127.0.0.1:9/hook" parse "$HTTP/t/page?title=N"
check_same "one line, no password" "$(wc -l <"$errf") $(grep -c Pw-1200 "$errf")" "1 0"
check_status 2 "TQ_NOTIFY_URL with a user name" env TQ_NOTIFY_URL=https://tok@127.0.0.1:9/hook tq-submit parse "$HTTP/t/page?title=N"
check_match "names the variable, not --notify" "$(cat "$errf")" '^tq-submit: TQ_NOTIFY_URL: a user name or password in the URL: refused'
check_status 2 "TQ_NOTIFY_URL of another scheme" env TQ_NOTIFY_URL='ftp://127.0.0.1:9/hook?token=Tk-1200' tq-submit parse "$HTTP/t/page?title=N"
check_same "one line naming the variable" "$(cat "$errf")" "tq-submit: TQ_NOTIFY_URL: unsupported scheme ftp"
check_status 2 "--notify of another scheme" tq-submit --notify 'gopher://127.0.0.1:9/hook' parse "$HTTP/t/page?title=N"
check_same "one line naming the option" "$(cat "$errf")" "tq-submit: --notify: unsupported scheme gopher"
check_same "nothing written" "$(state)" "$before"
check_status 3 "tq-show: a URL with a password" tq-show "https://user:Pw-1200-show@127.0.0.1/x"
check_same "named with ***" "$(cat "$errf")" "tq-show: https://user:***@127.0.0.1/x: no such link"
check_status 3 "tq-submit ai: a URL with a password, not an id" tq-submit ai "http://u:Pw-1200-ai@127.0.0.1/"
check_same "named with ***" "$(cat "$errf")" "tq-submit: http://u:***@127.0.0.1/: not a parsed_content_id"
check_status 3 "the same on a line" sh -c 'echo "http://u:Pw-1200-ai@127.0.0.1/" | tq-submit ai'
check_same "quoted with ***" "$(cat "$errf")" "tq-submit: line 1: not a parsed_content_id: http://u:***@127.0.0.1/"
check_status 3 "tq-status: a URL with a password, not a task id" tq-status "http://u:Pw-1200-st@127.0.0.1/"
check_same "named with ***" "$(cat "$errf")" "tq-status: not a task id: http://u:***@127.0.0.1/"
check_status 3 "tq-show: an empty operand" tq-show ''
check_same "said to be empty" "$(cat "$errf")" "tq-show: an empty operand: not a task id, kind:id (task, link, parsed, ai) or URL"
check_status 3 "tq-show: a long bad line" sh -c "awk 'BEGIN { while (i++ < 5000) printf \"x\"; print \"\" }' | tq-show"
check_same "quoted in some 80 bytes" "$(wc -c <"$errf" | tr -d ' ')" 146
# a long value named in a message: its start, not 100 KB of one line
long=$(awk 'BEGIN { while (i++ < 100000) printf "7" }')
for c in "tq-status" "tq-status -s" "tq-status -w" "tq-model show" \
    "tq-worker -N" "tq-worker -n" "tq-submit" "tq-stats" "tq-model" \
    "tq-api -m" "tq-digest -k"; do
	# shellcheck disable=SC2086
	$c "$long" >/dev/null 2>"$errf"
	check_match "$c of 100 KB: named by its first 77 bytes" \
		"$(head -1 "$errf" | wc -c | tr -d ' ') $(head -1 "$errf")" \
		'^[0-9]{2,3} tq-[a-z]+: [a-z :-]*7{77}\.\.\.'
done
# cut between characters, not inside one
check_status 3 "a long name of two-byte characters" tq-model show "$(awk 'BEGIN { while (i++ < 100) printf "\303\251" }')"
check_same "cut before a whole one" "$(cat "$errf")" \
	"tq-model: model $(awk 'BEGIN { while (i++ < 38) printf "\303\251" }')...: no such model"
# -d with a password: hidden from ps(1) while the program runs
case $TQ_DATABASE_URL in
*\?*)	pwurl="$TQ_DATABASE_URL&password=Pw-1200-ps" ;;
*)	pwurl="$TQ_DATABASE_URL?password=Pw-1200-ps" ;;
esac
if [ "${VALGRIND:-0}" = 1 ]; then
	# under valgrind, ps shows valgrind's arguments, not the program's
	skip 1 "the process's arguments under valgrind"
else
	tq-status -w 0.2 -d "$pwurl" 99999 >/dev/null 2>&1 &
	w=$!
	sleep 1
	check_same "tq-status -w -d URL: its password not in ps" \
		"$(tr '\0' ' ' </proc/$w/cmdline | grep -c 'Pw-1200-ps') $(tr '\0' ' ' </proc/$w/cmdline | grep -c 'password=\*\*\*')" "0 1"
	kill -INT "$w"
	wait "$w"
fi
check "tq-show: a stored URL with its scheme in capitals" tq-show -j "HTTP://${HTTP#http://}/t/page?title=C1"
check_same "is that link" "$(jq -r .url "$out" 2>/dev/null)" "$HTTP/t/page?title=C1"
E=$(printf 'x[2Jy')
check_status 2 "tq-status -S with an escape" tq-status -S "$E"
check_same "shown as \\xNN" "$(raw "$errf")" 0
check_status 2 "tq-worker -n with an escape" tq-worker -n "$E"
check_same "shown as \\xNN" "$(raw "$errf")" 0
check_status 2 "tq-status -S 1e9w: past what PostgreSQL holds" tq-status -S 1e9w
check_status 2 "tq-submit --then: an option of no stage" tq-submit parse --then 'ai --notify http://x' 1
check_match "names the option" "$(cat "$errf")" '^tq-submit: --then ai: --notify is not an option of a stage$'
check_status 2 "tq-worker -Q parse -P ai" tq-worker -Q parse -P ai
check_status 2 "tq-worker -R -P ai" tq-worker -R -P ai
check_same "no queue paused" "$(rcli keys 'tq:paused:*' | grep -c paused)" 0
tq-status -w 0.2 99999 >/dev/null 2>&1 &
w=$!
# its handler must be in place: a background job starts with SIGINT
# ignored, and valgrind takes seconds to start a program on a busy host
if [ "${VALGRIND:-0}" = 1 ]; then sleep 10; else sleep 1; fi
kill -INT "$w"
wait "$w"
check_same "tq-status -w of an unknown task: SIGINT ends it with 0" "$?" 0

# a usage error says what is wrong, in its first line
before=$(state)
check_status 2 "tq-submit parse -i: an option of the ai stage" tq-submit parse -i "$HTTP/t/page?title=U"
check_same "says so" "$(cat "$errf")" "tq-submit: -i is for the ai stage"
check_same "nothing written" "$(state)" "$before"
check_status 2 "tq-status -l with a task id" tq-status -l 5
check_same "says why first" "$(head -1 "$errf")" "tq-status: -l lists the recent tasks: no task ids with it"
check_status 2 "tq-stats with an operand" tq-stats extra
check_same "says why first" "$(head -1 "$errf")" "tq-stats: extra: no operands are taken"
check_status 2 "tq-model set -p" tq-model set m1 -p openai
check_match "names -p" "$(head -1 "$errf")" '^tq-model: set: -p is an option of add only'
check_status 2 "tq-model: an unknown command with an escape" tq-model "$E"
check_same "shown as \\xNN, not ?" "$(head -1 "$errf")" 'tq-model: x\x1b[2Jy: unknown command'
check_status 2 "tq-extract with two files" tq-extract a b
check_same "says why first" "$(head -1 "$errf")" "tq-extract: b: one file at a time"
done_testing
