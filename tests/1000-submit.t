#!/bin/sh
# tq-submit: records, inputs from operands and stdin, bad input writes nothing
. "$(dirname "$0")/lib.sh"
plan 50
start_redis
start_pg

count() { psqlc "SELECT count(*) FROM $1"; }
qlen() { rcli llen rq:queue:parsing-queue; }

check "submit two URLs" tq-submit parse https://a.example/x https://b.example/y
rec=$(cat "$out")
check_same "task id" "$(echo "$rec" | jq -r .task_id)" 1
check_same "status queued" "$(echo "$rec" | jq -r .status)" queued
check_same "total_items" "$(echo "$rec" | jq -r .total_items)" 2
check_same "type" "$(echo "$rec" | jq -r .type)" parsing
check_match "job_id is a uuid" "$(echo "$rec" | jq -r .job_id)" '^[0-9a-f-]{36}$'
check_same "one JSON line" "$(wc -l <"$out" | tr -d ' ')" 1
check_same "two links" "$(count links)" 2
check_same "two jobs queued" "$(qlen)" 2
job=$(rcli lindex rq:queue:parsing-queue 0)
check_same "job hash in RQ layout" "$(rcli hget "rq:job:$job" origin) $(rcli hget "rq:job:$job" status)" "parsing-queue queued"
check_same "job id matches the item" "$(psqlc "SELECT count(*) FROM task_items WHERE job_id = '$job'")" 1
check_same "queue registered" "$(rcli sismember rq:queues rq:queue:parsing-queue)" 1

check "same URL reuses its link; ids and URLs mix" tq-submit parse 1 https://a.example/x https://c.example/z
check_same "duplicates collapse to one item each" "$(jq -r .total_items "$out")" 2
check_same "one new link only" "$(count links)" 3

check "ids and URLs from stdin" sh -c 'printf "2\n\nhttps://d.example/q\n# comment\n" | tq-submit parse'
check_same "stdin items" "$(jq -r .total_items "$out")" 2
check "- reads stdin" sh -c 'echo 2 | tq-submit parse -'

before="$(count processing_tasks) $(count task_items) $(count links) $(qlen)"
check_status 3 "unknown link id" tq-submit parse 42
check_match "names the link" "$(cat "$errf")" '^tq-submit: link 42: no such link'
check_status 3 "malformed URL" tq-submit parse 'http://'
check_status 3 "unsupported scheme" tq-submit parse 'ftp://a.example/x'
check_status 3 "garbage line on stdin" sh -c 'printf "1\nnot a link\n" | tq-submit parse'
check_match "names the line" "$(cat "$errf")" 'line 2: not a link id or URL'
check_status 3 "empty input" sh -c 'tq-submit parse </dev/null'
check_status 3 "a bad URL among good ones" tq-submit parse https://e.example/ok 'http:// bad'
after="$(count processing_tasks) $(count task_items) $(count links) $(qlen)"
check_same "bad input wrote nothing" "$after" "$before"
check_status 2 "unknown stage" tq-submit frobnicate 1
check_status 2 "no stage" tq-submit
check "-h prints usage" tq-submit -h
# an empty -m is named "", not as nothing between two colons
check_status 3 "ai -m ''" tq-submit ai -m '' 1
check_same "one clean line" "$(grep model "$errf")" 'tq-submit: model "": no such model (see tq-model list)'

# a link is its URL's bytes: a backslash is itself, not an escape
links0=$(count links)
check "a URL with a backslash escape's shape" tq-submit parse 'https://k.example/x?q=aAb' 'https://k.example/x?q=a\101b'
check_same "two links, not one" "$(( $(count links) - links0 ))" 2
check "a URL with a lone backslash" tq-submit parse 'https://k.example/x?q=a\b'
check_same "its link, as written" "$(psqlc "SELECT url FROM links ORDER BY id DESC LIMIT 1")" 'https://k.example/x?q=a\b'
check "the three again" tq-submit parse 'https://k.example/x?q=a\b' 'https://k.example/x?q=aAb' 'https://k.example/x?q=a\101b'
check_same "the same three links" "$(( $(count links) - links0 ))" 3
# URLs past 2,000 bytes are keyed by their SHA-256
long=https://k.example/$(head -c 3000 /dev/zero | tr '\0' a)
check "two long URLs" tq-submit parse "${long}1" "${long}2"
check "the same again" tq-submit parse "${long}2" "${long}1"
check_same "two links, found again" "$(( $(count links) - links0 ))" 5
check_same "the second submit names them" \
    "$(psqlc "SELECT string_agg(right(l.url, 1), ' ' ORDER BY i.seq) FROM task_items i JOIN links l ON l.id = i.item_id WHERE i.task_id = $(jq -r .task_id "$out")")" "2 1"

# task ids that do not exist, and garbage, for the readers
check_status 3 "tq-status: unknown task" tq-status 999
check_same "one line naming it" "$(cat "$errf")" "tq-status: task 999: no such task"
check_status 3 "tq-status: not a task id" tq-status nonsense
check_status 3 "tq-wait: unknown task" tq-wait -t 5 999
check_same "tq-wait names it" "$(cat "$errf")" "tq-wait: task 999: no such task"
check_status 3 "tq-wait: a garbage line" sh -c 'printf "xyz\n" | tq-wait -t 0.2 >/dev/null'
check_status 3 "tq-cancel: unknown task" tq-cancel 999
check_status 3 "tq-retry: unknown task" tq-retry 999
done_testing
