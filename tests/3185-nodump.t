#!/bin/sh
# The secrets in the environment (NOTION_TOKEN, the AI keys, the
# passwords in TQ_REDIS_URL and TQ_DATABASE_URL, TQ_API_TOKEN) stay out
# of reach of the other processes of the same user: tq-worker's
# supervisor, its workers and their job processes, and tq-api are not
# dumpable, so their /proc/PID files (environ, mem) belong to root, no
# core dump is written and no ptrace attaches.
. "$(dirname "$0")/lib.sh"
plan 6
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
    ! setpriv --reuid=nobody --regid=nogroup --clear-groups \
    tq-worker -V >/dev/null 2>&1; then
	skip 6 "needs root, setpriv, and a tree that nobody may run"
	done_testing
	exit
fi
start_redis
start_pg
start_httpd
chmod 777 "$tmp/redis.sock"
# a variable, not a function: "$!" of a function run in the background
# is a subshell's, not the program's
nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"

NOTION_TOKEN=secret_3185 $nobody tq-worker -n 1 -J 1 -Q parsing-queue \
    >>"$tmp/worker.log" 2>&1 &
TQ_WORKER_PID=$!
_pids="$TQ_WORKER_PID $_pids"
check "a page is parsed" sh -c \
    "tq-submit parse '$HTTP/t/page?title=nodump' | tq-wait -t 30"
w=$(pgrep -P "$TQ_WORKER_PID")
jp=$(pgrep -P "$w")
check_match "the worker runs a job process" "$(ps -o args= -p "$jp")" \
    'job process$'
check_same "supervisor, worker and job process: their /proc files are root's" \
    "$(stat -c %U "/proc/$TQ_WORKER_PID/environ" "/proc/$w/environ" \
    "/proc/$jp/environ" | tr '\n' ' ')" "root root root "
check_status 1 "another process of the user cannot read the worker's environ" \
    $nobody cat "/proc/$w/environ"
check "the worker stops" stop_worker

TQ_API_TOKEN=tok-3185-secret $nobody tq-api -l 127.0.0.1:0 2>"$tmp/api.log" &
apid=$!
_pids="$apid $_pids"
wait_for 10 grep -q ' listening ' "$tmp/api.log" ||
	bail "tq-api did not start: $(tail -3 "$tmp/api.log")"
check_same "tq-api's environment, with its token, is not another process's" \
    "$($nobody cat "/proc/$apid/environ" 2>/dev/null | tr '\0' '\n' |
    grep -c tok-3185)" 0
kill "$apid"
wait "$apid"
done_testing
