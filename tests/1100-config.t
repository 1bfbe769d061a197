#!/bin/sh
# configuration: Redis URLs (password, ACL user, database, unix socket),
# PostgreSQL URLs and conninfo, flags over environment, and unreachable
# services failing fast with one line and exit 4
. "$(dirname "$0")/lib.sh"
plan 24
start_pg
start_redis
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
	--requirepass s3cret-pw --dir "$tmp" --logfile "$tmp/redis2.log" &
_pids="$_pids $!"
wait_for 10 redis-cli -p "$port" -a s3cret-pw --no-auth-warning ping
redis-cli -p "$port" -a s3cret-pw --no-auth-warning ACL SETUSER alice on '>al1ce-pw' '~*' '&*' '+@all' >/dev/null
R="redis-cli -p $port -a s3cret-pw --no-auth-warning"

check "TCP URL with password and database 3" \
	env TQ_REDIS_URL="redis://:s3cret-pw@127.0.0.1:$port/3" tq-submit parse https://a.example/1
check_same "jobs landed in database 3" "$($R -n 3 llen rq:queue:parsing-queue)" 1
check "ACL user and password, database 5" \
	env TQ_REDIS_URL="redis://alice:al1ce-pw@127.0.0.1:$port/5" tq-submit parse https://a.example/2
check_same "jobs landed in database 5" "$($R -n 5 llen rq:queue:parsing-queue)" 1
check "REDIS_URL is the fallback" env -u TQ_REDIS_URL REDIS_URL="redis://:s3cret-pw@127.0.0.1:$port/4" tq-submit parse https://a.example/3
check_same "database 4" "$($R -n 4 llen rq:queue:parsing-queue)" 1
check "the flag beats the environment" env TQ_REDIS_URL="redis://127.0.0.1:1/0" \
	tq-submit -r "redis://:s3cret-pw@127.0.0.1:$port/6" parse https://a.example/4
check_same "database 6" "$($R -n 6 llen rq:queue:parsing-queue)" 1
check "unix socket URL with ?db=" env TQ_REDIS_URL="unix://$tmp/redis.sock?db=2" tq-submit parse https://a.example/5
check_same "socket database 2" "$(rcli -n 2 llen rq:queue:parsing-queue)" 1

check_status 4 "wrong password: exit 4" env TQ_REDIS_URL="redis://:wrong@127.0.0.1:$port/0" tq-submit parse https://a.example/6
check_match "names redis and auth" "$(cat "$errf")" '^tq-submit: redis: 127\.0\.0\.1:[0-9]+: auth: WRONGPASS'
check_same "one line, no secret" "$(wc -l <"$errf" | tr -d ' ') $(grep -c wrong "$errf")" "1 0"
check_status 4 "refused: exit 4" env TQ_REDIS_URL="redis://127.0.0.1:1/0" tq-submit parse https://a.example/7
check_match "says redis and why" "$(cat "$errf")" '^tq-submit: redis: 127.0.0.1:1: Connection refused$'
check_status 4 "a bad Redis URL" env TQ_REDIS_URL=http://x tq-submit parse https://a.example/8
check_match "says what is wrong" "$(cat "$errf")" '^tq-submit: redis: bad URL: expected redis:// or unix://$'
s0=$(date +%s)
check_status 4 "unreachable PostgreSQL: exit 4" env TQ_DATABASE_URL="postgresql://tq@127.0.0.1:1/x" tq-status 1
s1=$(date +%s)
check_match "says postgresql, one line" "$(cat "$errf")" '^tq-status: postgresql: connection to server at "127.0.0.1", port 1 failed: Connection refused; Is the server running'
check_match "within a few seconds" "$((s1 - s0))" '^[0-5]$'
check "conninfo string" env TQ_DATABASE_URL="host=$tmp/pgsock user=tq dbname=postgres" tq-status 1
check "DATABASE_URL is the fallback" env DATABASE_URL="$TQ_DATABASE_URL" tq-status 1
check "libpq's PG* variables when nothing is set" env -u TQ_DATABASE_URL PGHOST="$tmp/pgsock" PGUSER=tq PGDATABASE=postgres tq-status 1
check_status 4 "a wrong password never shows" env TQ_DATABASE_URL="postgresql://tq:pg-s3cret@127.0.0.1:1/x" sh -c 'tq-status 1 2>&1 | grep -q pg-s3cret && exit 9; exit 4'
done_testing
