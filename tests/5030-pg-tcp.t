#!/bin/sh
# PostgreSQL over TCP: a connection that goes quiet is probed after
# 30 s (TCP keepalives), not after Linux's 2 hours, so that a server
# gone silent does not hold a worker for hours; the connection string's
# own keepalives_idle or keepalives=0 win.  ss(8) shows each socket's
# keepalive timer.
. "$(dirname "$0")/lib.sh"
plan 8
need ss iproute2
need python3 python3
start_redis
start_pg
stop_pg
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
_pg pg_ctl -D "$tmp/pg" -l "$tmp/pgsock/log" -w -t 30 -o \
	"-k $tmp/pgsock -c listen_addresses=127.0.0.1 -c port=$port -c fsync=off -c synchronous_commit=off" \
	start >/dev/null 2>&1 || bail "postgres on TCP did not start: $(tail -3 "$tmp/pgsock/log")"
url="postgresql://tq@127.0.0.1:$port/postgres"

# conns: the clients' TCP connections to the server, as ss(8) shows
# them: the worker's, the only client while it runs
conns() {
	ss -tnoH state established "( dport = :$port )" 2>/dev/null
}
# timers: the keepalive timers of those, in whole seconds, one per line
# (ss prints 27sec, 1min3sec, 4.028ms for 4.028 s, 980ms)
timers() {
	conns | sed -n 's/.*timer:(keepalive,\([^,]*\),.*/\1/p' | awk '{
		t = $0; s = 0
		if (match(t, /^[0-9]+min/)) {
			s = 60 * substr(t, 1, RLENGTH - 3); t = substr(t, RLENGTH + 1)
		}
		if (t ~ /^[0-9]+(\.[0-9]+)?(sec|ms)$/ && (t ~ /sec$/ || t ~ /\./))
			s += int(t)
		print s }'
}
# wait_timers: timers, once there are some (the connection shows none
# while it is busy, when the worker polls its queues)
wait_timers() {
	for _i in $(seq 1 100); do
		_t=$(timers)
		[ -n "$_t" ] && { echo "$_t"; return 0; }
		sleep 0.1
	done
}
# with_worker URL: starts a worker on URL and waits for its connection
with_worker() {
	start_worker -d "$1" parse
	wait_for 20 sh -c "ss -tnoH state established '( dport = :$port )' | grep -q ." ||
		bail "the worker did not connect: $(tail -3 "$tmp/worker.log")"
}

with_worker "$url"
t=$(wait_timers)
check_match "the worker's connection has a keepalive timer" "$t" '^[0-9]+$'
check "each fires within 30 s" sh -c "echo '$t' | awk '\$1 > 30 { bad = 1 } END { exit bad }'"
stop_worker

with_worker "$url?keepalives_idle=7"
t=$(wait_timers)
check_match "keepalives_idle in the URL: a timer" "$t" '^[0-9]+$'
check "it wins: within 7 s" sh -c "echo '$t' | awk '\$1 > 7 { bad = 1 } END { exit bad }'"
stop_worker

with_worker "$url?keepalives=0"
sleep 1
check_same "keepalives=0 in the URL: no keepalive timer" "$(conns | grep -c 'timer:(keepalive')" 0
# a one-shot tool over TCP works the same
check_status 0 "tq-status over TCP" tq-status -d "$url"
check_match "tq-health over TCP reads the server" "$(tq-health -d "$url" 2>&1)" 'postgresql [0-9]+\.[0-9]+ \(schema'
stop_worker
check_same "the worker logged no error" "$(grep -c 'level=error\| error ' "$tmp/worker.log")" 0
done_testing
