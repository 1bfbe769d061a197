#!/bin/sh
# configuration: Redis URLs (password, ACL user, database, unix socket),
# PostgreSQL URLs and conninfo, flags over environment, and unreachable
# services failing fast with one line and exit 4; URLs and settings
# that can never work fail at start with exit 2, one line, no secret
. "$(dirname "$0")/lib.sh"
plan 177
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
check_status 2 "a bad Redis URL is a usage error" env TQ_REDIS_URL=http://x tq-submit parse https://a.example/8
check_match "says what is wrong" "$(cat "$errf")" '^tq-submit: redis: bad URL: expected redis://, rediss://, redis\+sentinel://, rediss\+sentinel:// or unix://$'
s0=$(date +%s)
check_status 4 "unreachable PostgreSQL: exit 4" env TQ_DATABASE_URL="postgresql://tq@127.0.0.1:1/x" tq-status 1
s1=$(date +%s)
check_match "says postgresql, one line" "$(cat "$errf")" '^tq-status: postgresql: connection to server at "127.0.0.1", port 1 failed: Connection refused; Is the server running'
check_match "within a few seconds" "$((s1 - s0))" '^[0-5]$'
check "conninfo string" env TQ_DATABASE_URL="host=$tmp/pgsock user=tq dbname=postgres" tq-status 1
check "DATABASE_URL is the fallback" env DATABASE_URL="$TQ_DATABASE_URL" tq-status 1
check "libpq's PG* variables when nothing is set" env -u TQ_DATABASE_URL PGHOST="$tmp/pgsock" PGUSER=tq PGDATABASE=postgres tq-status 1
check_status 4 "a wrong password never shows" env TQ_DATABASE_URL="postgresql://tq:pg-s3cret@127.0.0.1:1/x" sh -c 'tq-status 1 2>&1 | grep -q pg-s3cret && exit 9; exit 4'

# a URL libpq cannot parse: its parse error quotes the whole URI
bad='postgresql://app:Pw-1100-leak@[::1/tq'
for t in "tq-status -l" "tq-status 1" "tq-submit parse https://a.example/9" \
	"tq-wait -t 1 1" "tq-cancel 1" "tq-retry 1" "tq-stats" "tq-model list" \
	"tq-worker -b"; do
	# shellcheck disable=SC2086
	check_status 2 "$t: an unparsable database URL is a usage error" \
		env TQ_DATABASE_URL="$bad" timeout 10 $t
	check_same "$t: one line, no password" \
		"$(wc -l <"$errf" | tr -d ' ') $(cat "$out" "$errf" | grep -c Pw-1100-leak)" "1 0"
done
check_match "names what is wrong" "$(cat "$errf")" \
	'^tq-worker: postgresql: bad database URL: end of string reached .*: "\.\.\."$'
check_status 3 "tq-health: UNKNOWN" env TQ_DATABASE_URL="$bad" tq-health
check_same "tq-health: the plugin line keeps the secret" \
	"$(cat "$out" "$errf" | grep -c Pw-1100-leak) $(grep -c '^TQ UNKNOWN - postgresql: bad database URL' "$out")" "0 1"
check_status 2 "conninfo with a bad word" env TQ_DATABASE_URL="host=x password=Pw-1100-leak oops" tq-status 1
check_same "its password never shows" "$(grep -c Pw-1100-leak "$errf")" 0
check_status 2 "-d with a bad URL" tq-status -d "postgresql://a:Pw-1100-leak@h/db?x=Pw-1100-leak" 1
check_same "-d: its password never shows" "$(grep -c Pw-1100-leak "$errf")" 0
# values libpq refuses before it connects: never retried
pgsock=$(echo "$TQ_DATABASE_URL" | sed 's/.*host=\([^&]*\).*/\1/')
check_status 2 "a port that is no number: exit 2, not 4" \
	env TQ_DATABASE_URL="postgresql://tq:Pw-1100-leak@/postgres?host=$pgsock&port=badport" timeout 10 tq-worker -b
check_same "names it, not the password" "$(cat "$errf") $(grep -c Pw-1100-leak "$errf")" \
	'tq-worker: postgresql: bad database URL: port "badport": not a port from 1 to 65535 0'
check_status 2 "sslmode=bogus" env TQ_DATABASE_URL="host=$pgsock user=tq dbname=postgres sslmode=bogus" timeout 10 tq-submit parse https://a.example/9
check_match "names it" "$(cat "$errf")" '^tq-submit: postgresql: bad database URL: sslmode "bogus": not one of disable\|allow'
check_status 2 "three ports for one host" env TQ_DATABASE_URL="host=$pgsock user=tq dbname=postgres port=1,2,3" timeout 10 tq-status 1
check_same "says so" "$(cat "$errf")" 'tq-status: postgresql: bad database URL: 3 ports for 1 hosts'
check_status 2 "connect_timeout=soon" env TQ_DATABASE_URL="postgresql:///postgres?host=$pgsock&user=tq&connect_timeout=soon" timeout 10 tq-cancel 1
check_status 2 "connect_timeout=5,6: one number only" env TQ_DATABASE_URL="postgresql:///postgres?host=$pgsock&user=tq&connect_timeout=5,6" timeout 10 tq-status -l
check "connect_timeout with blanks, as libpq reads it" env TQ_DATABASE_URL="postgresql:///postgres?host=$pgsock&user=tq&connect_timeout=%2030%20" tq-status -l
check "keepalives=abc over a Unix socket, which libpq never reads" env TQ_DATABASE_URL="postgresql:///postgres?host=$pgsock&user=tq&keepalives=abc" tq-status -l
check "a good URL with these set" env TQ_DATABASE_URL="postgresql:///postgres?host=$pgsock&user=tq&sslmode=disable&port=5432&connect_timeout=5&target_session_attrs=any" tq-status -l
check_status 2 "tq-cancel: bogus:// Redis URL" env TQ_REDIS_URL=bogus:// tq-cancel 1
check_status 2 "tq-worker: bogus:// Redis URL, no retries" env TQ_REDIS_URL=bogus:// timeout 10 tq-worker
check_match "one line" "$(cat "$errf")" '^tq-worker: redis: bad URL: expected redis://, rediss://, redis\+sentinel://, rediss\+sentinel:// or unix://$'
check_status 2 "tq-worker: -r with a bad port" timeout 10 tq-worker -r 'redis://:Pw-1100-leak@h:99999/0'
check_same "no password" "$(grep -c Pw-1100-leak "$errf")" 0
check_status 2 "RETRY_DELAYS=1,,2" env RETRY_DELAYS=1,,2 tq-status 1
check_match "names the empty entry" "$(cat "$errf")" '^tq-status: retry delays: 1,,2: empty entry$'
check_status 2 "RETRY_DELAYS=1, trailing comma" env TQ_RETRY_DELAYS=1, timeout 10 tq-worker
check "RETRY_DELAYS with spaces after commas" env RETRY_DELAYS="0, 30, 300" tq-status 1
check_status 2 "TQ_LOG_FORMAT=xml" env TQ_LOG_FORMAT=xml timeout 10 tq-worker
check_match "says what it takes" "$(cat "$errf")" '^tq-worker: TQ_LOG_FORMAT: xml: not text or json$'
check "TQ_LOG_FORMAT=text" env TQ_LOG_FORMAT=text tq-status 1
# under systemd, stderr the journal (JOURNAL_STREAM names it): each
# line starts with its syslog priority, which journald strips and keeps
: >"$tmp/journal"
js=$(stat -c '%d:%i' "$tmp/journal")
echo '<p>x</p>' | JOURNAL_STREAM=$js tq-extract -v >/dev/null 2>>"$tmp/journal"
check_match "JOURNAL_STREAM naming stderr: a debug line is <7>" "$(cat "$tmp/journal")" '^<7>[-0-9T:.]+Z debug tq-extract extracted '
: >"$tmp/journal"
JOURNAL_STREAM=$js TQ_LOG_FORMAT=json tq-status -v 1 >/dev/null 2>>"$tmp/journal"
check_match "JSON lines too" "$(head -1 "$tmp/journal")" '^<7>\{"time":.*"event":"db_connected"'
echo '<p>x</p>' | JOURNAL_STREAM=1:1 tq-extract -v >/dev/null 2>"$tmp/journal"
check_match "JOURNAL_STREAM naming another file: no prefix" "$(cat "$tmp/journal")" '^[-0-9T:.]+Z debug tq-extract extracted '
check_status 2 "TQ_CPU_PIN=abc" env TQ_CPU_PIN=abc timeout 10 tq-worker
check_status 2 "TQ_CPU_PIN=7: only 0 and 1" env TQ_CPU_PIN=7 timeout 10 tq-worker
for v in nan inf -1 1e400 ''; do
	check_status 2 "tq-wait -t '$v'" timeout 5 tq-wait -t "$v" 1
done
check_status 3 "tq-status ''" tq-status ''
check_match "says so in one line" "$(cat "$errf")" '^tq-status: "": not a task id: the operand is blank$'
# a bad value in the environment: reported once the options are read,
# so that -h and -V still answer and an option's own error comes first
for p in tq-api tq-cancel tq-health tq-model tq-retry tq-show tq-stats \
    tq-status tq-submit tq-wait tq-worker; do
	check "$p -V with TQ_LOG=bogus" env TQ_LOG=bogus $p -V
	check "$p -h with TQ_TIMEOUT=x" env TQ_TIMEOUT=x $p -h
	# and its usage fits a terminal of 80 columns, as the man page's
	check_same "$p -h: no line over 80 columns" \
		"$(awk 'length($0) > 80' "$out")" ""
done
# -v: each tool logs, on stderr, where it connected and how long it
# took; never a password
check "tq-submit -v with a Redis password" env TQ_REDIS_URL="redis://:s3cret-pw@127.0.0.1:$port/7" tq-submit -v parse https://a.example/v1
check_match "-v: where PostgreSQL is, at debug" "$(cat "$errf")" ' debug +tq-submit db_connected host=[^ ]+ port=[0-9]+ db=[^ ]+ user=[^ ]+ server_version=[0-9]+ ms=[0-9.]+'
check_match "-v: where Redis is" "$(cat "$errf")" ' debug +tq-submit redis_connected at=127\.0\.0\.1:[0-9]+ db=7 tls=false ms='
check_same "-v: no password" "$(grep -c s3cret "$errf")" 0
check "without -v: none of it" tq-status 1
check_same "nothing at debug" "$(grep -c ' debug ' "$errf")" 0
for p in tq-cancel tq-model tq-retry tq-show tq-stats tq-status tq-wait; do
	case $p in
	tq-model) a=list ;;
	tq-stats) a= ;;
	tq-wait) a="-t 5 1" ;;
	*) a=999999 ;;	# none: cancels and retries nothing
	esac
	$p -v $a >/dev/null 2>"$errf"
	check_match "$p -v logs its connection" "$(cat "$errf")" " debug +$p db_connected "
done
tq-health -v >/dev/null 2>"$errf"	# WARNING without workers
check_match "tq-health -v logs its connection" "$(cat "$errf")" ' debug +tq-health db_connected '
printf '<html><head><title>T</title></head><body><article><p>%s</p></article></body></html>' \
	"One sentence of the article, long enough to be one." >"$tmp/v.html"
check "tq-extract -v" tq-extract -v "$tmp/v.html"
check_match "logs the size, type and time" "$(cat "$errf")" ' debug +tq-extract extracted file=[^ ]+v\.html bytes=[0-9]+ charset=utf-8 page_type=[a-z]+ words=[0-9]+ ms='
check "tq-digest -v" sh -c 'echo "A sentence to digest. And one more." | tq-digest -v'
check_match "logs the size, language and time" "$(cat "$errf")" ' debug +tq-digest digested file=stdin bytes=[0-9]+ language=en ms='
check_status 2 "tq-status -n x with TQ_LOG=bogus: the option's error" \
	env TQ_LOG=bogus tq-status -n x 1
check_match "names the option" "$(cat "$errf")" '^tq-status: limit x: '
check_status 2 "tq-status 1 with TQ_LOG=bogus" env TQ_LOG=bogus tq-status 1
check_match "names the variable" "$(cat "$errf")" '^tq-status: TQ_LOG: bogus: not error, warn, info or debug$'
check_status 2 "TQ_ALLOW_ADDRS with a bad network" env TQ_ALLOW_ADDRS='10.0.0.1, 10.0.0.0/99' timeout 10 tq-worker
check_same "names it" "$(cat "$errf")" 'tq-worker: TQ_ALLOW_ADDRS: bad allowed address 10.0.0.0/99'
check "TQ_ALLOW_ADDRS with an address, a network and IPv6" env TQ_ALLOW_ADDRS='10.1.2.3, 192.168.0.0/16 fd00::/8' tq-status 1
check_status 2 "TQ_USER_AGENT with a CR LF (a header of its own)" \
	env TQ_USER_AGENT="$(printf 'tq\r\nX-Injected: yes')" timeout 10 tq-worker
check_same "names it" "$(cat "$errf")" 'tq-worker: TQ_USER_AGENT: holds a control character (\x0d)'
for v in 0 101 abc; do
	check_status 2 "TQ_NOTIFY_ATTEMPTS=$v: 1 to 100" env TQ_NOTIFY_ATTEMPTS=$v timeout 10 tq-worker
done
check_match "names it" "$(cat "$errf")" '^tq-worker: TQ_NOTIFY_ATTEMPTS: abc: invalid \(1 to 100\)$'
check_status 2 "NOTION_VERSION=bogus: the notion workers' start refuses it" \
	env NOTION_VERSION=bogus timeout 10 tq-worker -b notion-queue
check_match "names it" "$(cat "$errf")" '^tq-worker: notion: NOTION_VERSION bogus: not a version'
check_status 2 "NOTION_VERSION=2022-06-28: before data sources" \
	env NOTION_VERSION=2022-06-28 timeout 10 tq-worker -b
check_status 2 "TQ_NOTION_RPS=-1" env TQ_NOTION_RPS=-1 timeout 10 tq-worker -b notion-queue
check_status 2 "TQ_NOTION_SETTLE=0" env TQ_NOTION_SETTLE=0 timeout 10 tq-worker -b notion-queue
# no token: every notion job would fail for good, though a worker with
# one could run it
check_status 2 "a worker of notion-queue without a token refuses to start" \
	env NOTION_TOKEN= timeout 10 tq-worker notion-queue
check_same "says so in one line" "$(cat "$errf")" \
	"tq-worker: notion-queue: no token: set NOTION_TOKEN in the worker's environment"
tq-worker -n 1 2>"$tmp/notoken.log" &
nt=$!
_pids="$nt $_pids"
wait_for 10 sh -c "tq-stats -j -w | jq -e '.workers | length == 1'"
check_same "one of every queue by default leaves notion-queue to others" \
	"$(tq-stats -j -w | jq -c '[.workers[].queues[]]')" \
	'["parsing-queue","ai-queue"]'
check_match "saying so as it starts" "$(cat "$tmp/notoken.log")" \
	'warn  tq-worker notion_token error="no token: notion-queue is left to workers with NOTION_TOKEN"'
check "and stops" stop_worker "$nt"
# (ai-queue, which is empty here: the parse items of the checks above
# are for hosts that no test may look up)
check "a worker of other queues does not mind them" \
	env NOTION_VERSION=bogus timeout 10 tq-worker -b ai-queue
check_status 2 "tq-worker -P with -n: no workers to start" tq-worker -P parsing-queue -n 2
check_same "says so" "$(cat "$errf")" 'tq-worker: -n does not go with -P or -U'
check_same "no queue paused" "$(rcli keys 'tq:paused:*' | grep -c paused)" 0
check_status 3 "tq-health with TQ_TIMEOUT=x: UNKNOWN" env TQ_TIMEOUT=x tq-health
check_match "says so on stdout, with the range" "$(cat "$out")" '^TQ UNKNOWN - TQ_TIMEOUT: x: invalid \(1 to 86400\)$'
# a Redis URL tq cannot use, set for some other program (Celery's
# sentinels): the tools that use PostgreSQL alone go on; those that use
# Redis refuse it
r='sentinel://:pw@cache.example:26380;sentinel://cache2.example:26380'
check_status 124 "REDIS_URL=sentinel://... does not stop tq-wait (it times out)" \
	env -u TQ_REDIS_URL REDIS_URL=$r tq-wait -t 0.5 1
for c in "tq-show 1" "tq-status -i 1" "tq-stats -s" "tq-model list"; do
	check_status 0 "REDIS_URL=sentinel://... does not stop $c" env -u TQ_REDIS_URL REDIS_URL=$r $c
done
check_status 2 "... but it stops tq-submit" env -u TQ_REDIS_URL REDIS_URL=$r tq-submit parse 1
check_match "... saying why" "$(cat "$errf")" '^tq-submit: redis: bad URL: expected redis://'
check_status 0 "TQ_MAX_RETRIES wins: a bad MAX_RETRIES beside it is not read" \
	env TQ_MAX_RETRIES=2 MAX_RETRIES=x tq-status 1
check_status 2 "MAX_RETRIES alone is read" env -u TQ_MAX_RETRIES MAX_RETRIES=x tq-status 1
# an empty value is named "", not left as ': :'
check_status 2 "tq-worker -Q ''" tq-worker -Q ''
check_match "... names it \"\"" "$(cat "$errf")" '^tq-worker: "": unknown queue'
check_status 3 "tq-health -w ''" tq-health -w ''
check_match "... names it \"\"" "$(cat "$errf")" '^tq-health: -w "": not a range'
done_testing
