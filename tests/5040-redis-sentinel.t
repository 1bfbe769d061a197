#!/bin/sh
# Redis through Sentinel (redis+sentinel://): a real master, its
# replica and a sentinel on 127.0.0.1.  The tools find the master the
# sentinel names; a worker follows a failover (SENTINEL FAILOVER) to
# the new master with jobs in flight, and every item ends once.
. "$(dirname "$0")/lib.sh"
plan 28
need redis-server redis-server
need redis-cli redis-tools
need python3 python3
need curl curl
need jq jq
start_pg
start_httpd

ports=$(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $ports
mport=$1 rport=$2 sport=$3
# start_node NAME PORT [args...]: a redis-server of this script
start_node() {
	_name=$1 _port=$2
	shift 2
	redis-server --port "$_port" --bind 127.0.0.1 --save '' \
		--appendonly no --dir "$tmp" --logfile "$tmp/$_name.log" "$@" &
	_pids="$_pids $!"
	wait_for 10 redis-cli -p "$_port" ping ||
		bail "redis $_name did not start: $(tail -3 "$tmp/$_name.log")"
}
start_node master "$mport"
start_node replica "$rport" --replicaof 127.0.0.1 "$mport"
cat >"$tmp/sentinel.conf" <<EOF
port $sport
bind 127.0.0.1
dir $tmp
sentinel monitor tqmaster 127.0.0.1 $mport 1
sentinel down-after-milliseconds tqmaster 2000
sentinel failover-timeout tqmaster 10000
EOF
redis-server "$tmp/sentinel.conf" --sentinel --logfile "$tmp/sentinel.log" &
_pids="$_pids $!"
wait_for 10 redis-cli -p "$sport" ping ||
	bail "the sentinel did not start: $(tail -3 "$tmp/sentinel.log")"
# the sentinel learns of the replica from the master (INFO, every 10 s)
wait_for 30 sh -c "redis-cli -p $sport sentinel replicas tqmaster | grep -q '^$rport\$'" ||
	bail "the sentinel found no replica: $(tail -3 "$tmp/sentinel.log")"
wait_for 30 sh -c "redis-cli -p $rport info replication | grep -q 'master_link_status:up'" ||
	bail "the replica is not in sync"

# a sentinel that does not answer comes first: the next one does
start_mute
TQ_REDIS_URL="redis+sentinel://127.0.0.1:$MUTE_PORT,127.0.0.1:$sport/tqmaster"
export TQ_REDIS_URL
check "tq-submit through the sentinel (the first one mute)" tq-submit parse \
	"$HTTP/t/page?title=Before&words=200"
task=$(jq -r .task_id "$out")
check_same "its jobs are in the master's queue" \
	"$(redis-cli -p "$mport" llen rq:queue:parsing-queue)" 1
check_status 0 "tq-health through the sentinel" tq-health -W 0

check_status 4 "a master the sentinel does not know" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:$sport/nosuch" tq-stats -Q
check_match "says which sentinel said so" "$(cat "$errf")" \
	"no sentinel told where master nosuch is .*127.0.0.1:$sport: knows no master named nosuch"
check_status 2 "a sentinel URL without the master's name" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:$sport" tq-stats -Q
check_match "is a usage error that says how" "$(cat "$errf")" \
	"needs the master's name, as in redis\\+sentinel://host:26379/mymaster"
check_status 2 "a sentinel without a host" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:$sport,/tqmaster" tq-stats -Q
check_match "is a usage error" "$(cat "$errf")" 'a sentinel without a host$'
check_status 2 "a sentinel with a bad port" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:99999/tqmaster" tq-stats -Q
check_status 2 "a bad database number" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:$sport/tqmaster/x" tq-stats -Q
check_status 0 "an IPv6 sentinel that refuses, then one that answers" \
	env TQ_REDIS_URL="redis+sentinel://[::1]:1,127.0.0.1:$sport/tqmaster/0?sentinel_username=&db=0" \
	tq-stats -Q
# a user of least privilege on the master may not ask its ROLE (one of
# the @dangerous commands): the sentinels' word stands
redis-cli -p "$mport" ACL SETUSER least on '>least-pw-5040' '~rq:*' \
	'~tq:*' '&rq:*' '+@all' '-@dangerous' >/dev/null
check_status 0 "a user refused ROLE connects through the sentinel" \
	env TQ_REDIS_URL="redis+sentinel://least:least-pw-5040@127.0.0.1:$sport/tqmaster" \
	tq-stats -Q

start_worker -n 2 -Q parsing-queue
# tq-api through the sentinel, one thread (-n 1), so one connection,
# made before the failover
tq-api -n 1 -l 127.0.0.1:0 2>"$tmp/api.log" &
_pids="$! $_pids"
wait_for 10 grep -q ' listening ' "$tmp/api.log" ||
	bail "tq-api did not start: $(tail -3 "$tmp/api.log")"
A=http://127.0.0.1:$(sed -n 's/.* port=\([0-9]*\).*/\1/p' "$tmp/api.log" | head -1)
# post LINK: a parse of link LINK through tq-api; its job's id
post() {
	curl -s -m 20 -X POST "$A/api/parsing/async/single/$1" >"$out" &&
		psqlc "SELECT job_id FROM task_items WHERE task_id = $(jq -r .task_id "$out")"
}
check_match "tq-api takes a task" "$(post 1)" '^[0-9a-f-]{36}$'
check "the first page is parsed" tq-wait -t 30 "$task"

# pages that take 2 s each: in flight when the failover comes
check "twelve slow pages submitted" sh -c \
	"seq 1 12 | sed 's|^|$HTTP/t/sleep?s=2\\&n=|' | tq-submit parse -"
task2=$(jq -r .task_id "$out")
sleep 1
redis-cli -p "$sport" sentinel failover tqmaster >/dev/null
wait_for 20 sh -c "redis-cli -p $sport sentinel get-master-addr-by-name tqmaster | grep -q '^$rport\$'"
check_match "the sentinel names the replica the master" \
	"$(redis-cli -p "$sport" sentinel get-master-addr-by-name tqmaster | tail -1)" "^$rport\$"
check "tq-submit goes to the new master" tq-submit parse \
	"$HTTP/t/page?title=After&words=200"
task3=$(jq -r .task_id "$out")
jid=$(post 1)
check_same "and tq-api's next task's job too" \
	"$(redis-cli -p "$rport" exists "rq:job:$jid")" 1
check "the slow pages all end, completed" tq-wait -t 60 "$task2"
check "and the page submitted after the failover" tq-wait -t 60 "$task3"
check_same "each slow item ran once, or again after a lost ack, and ended once" \
	"$(psqlc "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FROM task_items WHERE task_id = $task2")" "12|12"
check_match "the workers logged the failover" \
	"$(grep -c 'redis_failover' "$tmp/worker.log")" '^[1-9]'
wait_for 20 sh -c "redis-cli -p $rport smembers rq:workers | grep -q ."
check_match "the workers registered on the new master" \
	"$(redis-cli -p "$rport" smembers rq:workers | wc -l)" '^[1-9]'
stop_worker

# sentinels that ask for a password: ?sentinel_password=
s2port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
cat >"$tmp/sentinel2.conf" <<EOF
port $s2port
bind 127.0.0.1
dir $tmp
requirepass sen-pw-5040
sentinel monitor tqmaster 127.0.0.1 $rport 1
EOF
redis-server "$tmp/sentinel2.conf" --sentinel --logfile "$tmp/sentinel2.log" &
_pids="$_pids $!"
wait_for 10 redis-cli -p "$s2port" -a sen-pw-5040 --no-auth-warning ping ||
	bail "the second sentinel did not start: $(tail -3 "$tmp/sentinel2.log")"
check_status 0 "a sentinel's password in sentinel_password=" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:$s2port/tqmaster?sentinel_password=sen-pw-5040" \
	tq-stats -Q
check_status 4 "a wrong one" \
	env TQ_REDIS_URL="redis+sentinel://127.0.0.1:$s2port/tqmaster?sentinel_password=wrong-5040" \
	tq-stats -Q
check_match "says which sentinel refused it" "$(cat "$errf")" \
	"127.0.0.1:$s2port: auth: WRONGPASS"
check_same "and not the password" "$(grep -c 'wrong-5040\|sen-pw' "$errf")" 0
done_testing
