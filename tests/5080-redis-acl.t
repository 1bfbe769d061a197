#!/bin/sh
# Redis with a user of least privilege, as operators of a shared or a
# managed Redis set one up: its keys (rq:* and tq:*), its channels
# (rq:pubsub:*), and every command but the @dangerous ones (INFO, ROLE,
# KEYS, SORT, CONFIG, CLIENT LIST...).  Every program works with it:
# the pipeline, a cancel, a retry, a pause, the reconciler, the health
# check (INFO refused: the version unknown, no failure) and the stats;
# and a user without rights to the keys gets Redis's own refusal.
. "$(dirname "$0")/lib.sh"
plan 24
start_redis
start_pg
start_httpd "$TQ_TOP/demo/pages"
rcli ACL SETUSER least on '>least-pw-5080' '~rq:*' '~tq:*' '&rq:*' \
	'+@all' '-@dangerous' >/dev/null
rcli ACL SETUSER nokeys on '>nokeys-pw-5080' '~other:*' '+@all' >/dev/null
sock=${TQ_REDIS_URL#unix://}
sock=${sock%%\?*}
TQ_REDIS_URL="unix://least:least-pw-5080@$sock"
export TQ_REDIS_URL

check "tq-submit" sh -c "tq-submit parse '$HTTP/harbor-batteries.html' >'$tmp/t1'"
start_worker -n 2
check "the worker runs it" tq-wait -t 30 "$(jq -r .task_id "$tmp/t1")"
check_same "completed" "$(jq -r .status "$out")" completed
check "a slow page submitted" sh -c \
	"tq-submit parse '$HTTP/t/sleep?s=10&n=acl' >'$tmp/t2'"
t2=$(jq -r .task_id "$tmp/t2")
running() { [ "$(psqlc "SELECT status FROM task_items WHERE task_id = $t2")" = running ]; }
wait_for 10 running
check "and cancelled while it runs (a message on rq:pubsub)" tq-cancel "$t2"
check_status 1 "it ends, not completed" tq-wait -t 30 "$t2"
check_same "cancelled, the running item stopped" \
	"$(jq -r '"\(.status) \(.cancelled_items)"' "$out")" "cancelled 1"
check_status 1 "a missing page fails" sh -c \
	"tq-submit parse '$HTTP/missing-5080.html' | tq-wait -t 30 >'$tmp/t3'"
check "tq-retry queues it again" tq-retry "$(jq -r .task_id "$tmp/t3")"
check "tq-worker -P pauses a queue" tq-worker -P ai-queue
check "and -U resumes it" tq-worker -U ai-queue
check "tq-worker --reconcile" tq-worker --reconcile
check "tq-health: INFO refused is no failure" tq-health -W 2
check_match "the version unknown" "$(cat "$out")" '^TQ OK - redis \?, '
check "tq-stats" tq-stats -j

# a user whose keys are others': Redis's refusal, exit 4, no password
check_status 4 "a user without rights to rq:* keys" env \
	TQ_REDIS_URL="unix://nokeys:nokeys-pw-5080@$sock" tq-submit parse "$HTTP/x"
check_match "Redis's words, without the password" "$(cat "$errf")" \
	'^tq-submit: redis: NOPERM '
check_same "(none of it)" "$(grep -c nokeys-pw "$errf")" 0

# a server that knows no AUTH (renamed away, as some hardened ones are)
# echoes its arguments in its error: the password is not passed on
redis-server --port 0 --unixsocket "$tmp/noauth.sock" --unixsocketperm 700 \
	--save '' --appendonly no --dir "$tmp" --logfile "$tmp/noauth.log" \
	--rename-command AUTH '' &
_pids="$! $_pids"
wait_for 10 redis-cli -s "$tmp/noauth.sock" ping ||
	bail "the second redis-server did not start"
for u in ":echoed-pw-5080" "least:echoed-pw-5080"; do
	check_status 4 "AUTH unknown to the server ($u)" env \
		TQ_REDIS_URL="unix://$u@$tmp/noauth.sock" tq-stats
	check_match "its refusal, quoted" "$(cat "$errf")" \
		"^tq-stats: redis: .*: auth: ERR unknown command 'AUTH'"
	check_same "without the password" "$(grep -c echoed-pw "$errf")" 0
done
done_testing
