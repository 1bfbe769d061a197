#!/bin/sh
# Redis over TLS (rediss://), as managed Redis services offer it: real
# redis-servers with TLS ports and certificates of a CA made here.  The
# pipeline runs through it, with a password; the server's certificate
# and name are checked (the system's CAs do not know this one, a
# certificate for another name is refused, ssl_cert_reqs=none skips
# the check); a server that asks for a client certificate gets one from
# ssl_certfile/ssl_keyfile; a cancel reaches a running job through the
# worker's subscription; and connections the server drops are made
# again.
. "$(dirname "$0")/lib.sh"
need redis-server redis-server
need openssl openssl
plan 20
start_pg
start_httpd "$TQ_TOP/demo/pages"

# a CA, a certificate for localhost and 127.0.0.1, one for another
# name, and a client's
tls_ca
c=$tmp/tls
tls_cert server DNS:localhost,IP:127.0.0.1
tls_cert other DNS:redis.example
tls_cert client DNS:tq-client

set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
port=$1 oport=$2 mport=$3
tls_redis() {	# tls_redis PORT CERT AUTH-CLIENTS [args...]
	_p=$1 _c=$2 _a=$3
	shift 3
	redis-server --port 0 --tls-port "$_p" --bind 127.0.0.1 --save '' \
		--appendonly no --tls-cert-file "$c/$_c.pem" \
		--tls-key-file "$c/$_c.key" --tls-ca-cert-file "$c/ca.pem" \
		--tls-auth-clients "$_a" --logfile "$tmp/redis-$_p.log" "$@" &
	_pids="$_pids $!"
	wait_for 10 grep -q 'Ready to accept' "$tmp/redis-$_p.log" ||
		bail "redis-server with TLS did not start: $(tail -3 "$tmp/redis-$_p.log")"
}
tls_redis "$port" server no --requirepass tls-pw-5090
tls_redis "$oport" other no
tls_redis "$mport" server yes

TQ_REDIS_URL="rediss://:tls-pw-5090@127.0.0.1:$port/0?ssl_ca_certs=$c/ca.pem"
export TQ_REDIS_URL
check "tq-submit through TLS, with a password" sh -c \
	"tq-submit parse '$HTTP/harbor-batteries.html' '$HTTP/stadtbaeume.html' >'$tmp/t1'"
start_worker -n 2
check "the workers run it" tq-wait -t 30 "$(jq -r .task_id "$tmp/t1")"
cp "$out" "$tmp/w1"
check_same "both pages" "$(jq -r '"\(.status) \(.completed_items)"' "$tmp/w1")" \
	"completed 2"
check "then ai" sh -c "tq-submit ai <'$tmp/w1' | tq-wait -t 30"
check "tq-health" tq-health -W 2
check_match "with the server's version" "$(cat "$out")" '^TQ OK - redis 7\.'

# a cancel goes to the worker over its subscription (rq:pubsub)
check "a slow page" sh -c "tq-submit parse '$HTTP/t/sleep?s=10&n=tls' >'$tmp/t2'"
t2=$(jq -r .task_id "$tmp/t2")
running() { [ "$(psqlc "SELECT status FROM task_items WHERE task_id = $t2")" = running ]; }
wait_for 10 running
check "cancelled while it runs" tq-cancel "$t2"
check_status 1 "it ends cancelled" tq-wait -t 30 "$t2"
check_same "its item stopped" "$(jq -r .cancelled_items "$out")" 1

# the server drops every client: the workers connect again
sleep 1
redis-cli --tls --cacert "$c/ca.pem" -p "$port" -a tls-pw-5090 \
	--no-auth-warning client kill type normal >/dev/null
check "a task after the server dropped the workers" sh -c \
	"tq-submit parse '$HTTP/night-sky-census.html' | tq-wait -t 30"
check "the workers stop on SIGTERM, their relays with them" stop_worker

# the certificate and the name are checked
check_status 4 "the system's CAs do not know this one" env \
	TQ_REDIS_URL="rediss://:tls-pw-5090@127.0.0.1:$port/0" tq-stats -Q
check_match "says so, without the password" "$(cat "$errf")" \
	"^tq-stats: redis: 127\\.0\\.0\\.1:$port: TLS: self-signed certificate in certificate chain\$"
check_status 4 "a certificate for another name" env \
	TQ_REDIS_URL="rediss://127.0.0.1:$oport?ssl_ca_certs=$c/ca.pem" tq-stats -Q
check_match "is refused" "$(cat "$errf")" "127\\.0\\.0\\.1:$oport: TLS: IP address mismatch\$"
check "ssl_cert_reqs=none takes any" env \
	TQ_REDIS_URL="rediss://127.0.0.1:$oport?ssl_cert_reqs=none" tq-stats -Q
check_status 2 "ssl_cert_reqs=maybe is a usage error" env \
	TQ_REDIS_URL="rediss://127.0.0.1:$oport?ssl_cert_reqs=maybe" tq-stats -Q

# a server that asks for the client's certificate
check_status 4 "without a client certificate" env \
	TQ_REDIS_URL="rediss://127.0.0.1:$mport?ssl_ca_certs=$c/ca.pem" tq-stats -Q
check "with one (ssl_certfile, ssl_keyfile)" env \
	TQ_REDIS_URL="rediss://127.0.0.1:$mport?ssl_ca_certs=$c/ca.pem&ssl_certfile=$c/client.pem&ssl_keyfile=$c/client.key" \
	tq-stats -Q
done_testing
