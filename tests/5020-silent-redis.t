#!/bin/sh
# A Redis that accepts connections and never answers: the tools say
# which server did not answer within how long, not the errno.
. "$(dirname "$0")/lib.sh"
plan 4
start_pg
need python3 python3
python3 -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)' "$tmp/silent.port" &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/silent.port" || bail "silent server did not start"
export TQ_REDIS_URL=redis://127.0.0.1:$(cat "$tmp/silent.port")
check_status 4 "tq-stats: exit 4" tq-stats -Q
check_same "names the server and the time" "$(cat "$errf")" "tq-stats: redis: 127.0.0.1:$(cat "$tmp/silent.port"): no answer within 10 s"
check_status 4 "tq-submit: exit 4" tq-submit parse https://a.example/x
check_match "the same words" "$(cat "$errf")" "redis: 127.0.0.1:[0-9]+: no answer within 10 s"
done_testing
