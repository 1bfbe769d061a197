#!/bin/sh
# Redis Sentinel over TLS (rediss+sentinel://): a master, its replica
# and a sentinel that all speak TLS only, with certificates of a CA
# made here and a password.  The tools ask the sentinel over TLS and
# reach the master it names over TLS; the workers follow a failover;
# a certificate the system's CAs do not know is refused at the
# sentinel, and the error names it without the password.
. "$(dirname "$0")/lib.sh"
need redis-server redis-server
need redis-cli redis-tools
need openssl openssl
plan 13
start_pg
start_httpd "$TQ_TOP/demo/pages"

tls_ca
c=$tmp/tls
tls_cert server DNS:localhost,IP:127.0.0.1

set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
mport=$1 rport=$2 sport=$3
pw=tls-sen-pw-5110
tlsargs="--tls-cert-file $c/server.pem --tls-key-file $c/server.key --tls-ca-cert-file $c/ca.pem --tls-auth-clients no --tls-replication yes"
cli() {	# cli PORT command...
	_cp=$1
	shift
	redis-cli --tls --cacert "$c/ca.pem" -p "$_cp" -a "$pw" \
		--no-auth-warning "$@"
}
node() {	# node NAME PORT [args...]
	_nm=$1 _np=$2
	shift 2
	redis-server --port 0 --tls-port "$_np" --bind 127.0.0.1 --save '' \
		--appendonly no --dir "$tmp" --requirepass "$pw" \
		--masterauth "$pw" $tlsargs --logfile "$tmp/$_nm.log" "$@" &
	_pids="$_pids $!"
	wait_for 10 cli "$_np" ping ||
		bail "redis $_nm did not start: $(tail -3 "$tmp/$_nm.log")"
}
node master "$mport"
node replica "$rport" --replicaof 127.0.0.1 "$mport"
cat >"$tmp/sentinel.conf" <<EOC
port 0
tls-port $sport
bind 127.0.0.1
dir $tmp
tls-cert-file $c/server.pem
tls-key-file $c/server.key
tls-ca-cert-file $c/ca.pem
tls-auth-clients no
tls-replication yes
sentinel monitor tqmaster 127.0.0.1 $mport 1
sentinel auth-pass tqmaster $pw
sentinel down-after-milliseconds tqmaster 2000
sentinel failover-timeout tqmaster 10000
EOC
redis-server "$tmp/sentinel.conf" --sentinel --logfile "$tmp/sentinel.log" &
_pids="$_pids $!"
scli() { redis-cli --tls --cacert "$c/ca.pem" -p "$sport" "$@"; }
wait_for 10 scli ping ||
	bail "the sentinel did not start: $(tail -3 "$tmp/sentinel.log")"
wait_for 30 sh -c "redis-cli --tls --cacert '$c/ca.pem' -p $sport sentinel replicas tqmaster | grep -q '^$rport\$'" ||
	bail "the sentinel found no replica: $(tail -3 "$tmp/sentinel.log")"
wait_for 30 sh -c "redis-cli --tls --cacert '$c/ca.pem' -p $rport -a $pw --no-auth-warning info replication | grep -q 'master_link_status:up'" ||
	bail "the replica is not in sync"

TQ_REDIS_URL="rediss+sentinel://:$pw@127.0.0.1:$sport/tqmaster?ssl_ca_certs=$c/ca.pem"
export TQ_REDIS_URL
check "tq-submit through the sentinel, over TLS" tq-submit parse \
	"$HTTP/harbor-batteries.html"
task=$(jq -r .task_id "$out")
check_same "its job is in the master's queue" \
	"$(cli "$mport" llen rq:queue:parsing-queue)" 1
start_worker -n 2
check "the workers run it" tq-wait -t 30 "$task"
check "tq-health through the sentinel" tq-health -W 2
check_match "sees the master" "$(cat "$out")" '^TQ OK - redis 7\.'

# pages that take 2 s each: in flight when the failover comes
check "six slow pages submitted" sh -c \
	"seq 1 6 | sed 's|^|$HTTP/t/sleep?s=2\\&n=|' | tq-submit parse -"
task2=$(jq -r .task_id "$out")
sleep 1
scli sentinel failover tqmaster >/dev/null
wait_for 20 sh -c "redis-cli --tls --cacert '$c/ca.pem' -p $sport sentinel get-master-addr-by-name tqmaster | grep -q '^$rport\$'"
check_match "the sentinel names the replica the master" \
	"$(scli sentinel get-master-addr-by-name tqmaster | tail -1)" "^$rport\$"
check "a page submitted after the failover" sh -c \
	"tq-submit parse '$HTTP/stadtbaeume.html' | tq-wait -t 60"
check "the slow pages all end" tq-wait -t 60 "$task2"
check_match "the workers logged the failover" \
	"$(grep -c 'redis_failover' "$tmp/worker.log")" '^[1-9]'
stop_worker

# the sentinel's certificate is checked as a server's is
check_status 4 "the system's CAs do not know the sentinel's" env \
	TQ_REDIS_URL="rediss+sentinel://:$pw@127.0.0.1:$sport/tqmaster" \
	tq-stats -Q
check_match "says which sentinel, and why" "$(cat "$errf")" \
	"no sentinel told where master tqmaster is \\(127\\.0\\.0\\.1:$sport: TLS: self-signed certificate in certificate chain\\)\$"
check_same "without the password" "$(grep -c "$pw" "$errf")" 0
done_testing
