# tests/lib.sh - TAP helpers and private services for tq's tests.
#
#	. "$(dirname "$0")/lib.sh"
#	plan 3
#	start_redis; start_pg; start_httpd
#	check "submit prints a record" tq-submit parse 1
#	check_status 3 "bad id" tq-submit parse 999
#	check_same "status" "$(jq -r .status "$out")" completed
#
# Every script gets its own temp dir ($tmp), removed with every service
# it started on any exit (pass, fail, Ctrl-C).  Services: a private
# redis-server on a unix socket, a private PostgreSQL (initdb in $tmp,
# socket only, fsync off; TQ_PG_SYNC=on for synchronous commits), the
# test web server (tests/httpd.py).
# TQ_TEST_REDIS_URL / TQ_TEST_DATABASE_URL use external servers instead.
# A missing server binary fails the script and names the package.

set -u
TQ_TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH=$TQ_TOP:$PATH
# the system's tools (runuser, useradd, ldconfig) are in the sbin
# directories, which root's PATH lacks after a plain su
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH=$PATH:/usr/sbin:/sbin ;;
esac
export PATH
export TQ_SHARED=${TQ_SHARED:-$TQ_TOP/../shared}
unset TQ_REDIS_URL REDIS_URL TQ_DATABASE_URL DATABASE_URL TQ_LOG \
	TQ_LOG_FORMAT NOTION_TOKEN TQ_NOTION_TOKEN PGHOST PGPORT PGUSER \
	PGDATABASE PGPASSWORD PGSERVICE 2>/dev/null
export LC_ALL=C.UTF-8
# a test sends nothing past the loopback, not even a DNS query: tq's
# HTTP core fails a host name other than localhost as one that does not
# resolve (TQ_TEST_NO_DNS, common/http.c), so the made-up hosts of the
# tests (a.example, ...) are never looked up
TQ_TEST_NO_DNS=1
export TQ_TEST_NO_DNS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tq-test.XXXXXX") || exit 1
chmod 755 "$tmp"
# VALGRIND=1: every tq program runs under valgrind; an error or a
# definite leak makes it exit 99
if [ "${VALGRIND:-0}" = 1 ]; then
	mkdir "$tmp/vgbin"
	for _p in "$TQ_TOP"/tq-*; do
		[ -x "$_p" ] || continue
		printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite "%s" "$@"\n' \
			"$_p" >"$tmp/vgbin/${_p##*/}"
		chmod 755 "$tmp/vgbin/${_p##*/}"
	done
	PATH=$tmp/vgbin:$PATH
fi
out=$tmp/stdout
errf=$tmp/stderr
_pids=""
_pgdata=""
_n=0
_failed=0
_planned=0

_cleanup() {
	_rc=$?
	trap - EXIT INT TERM HUP
	for _p in $_pids; do
		kill -TERM "$_p" 2>/dev/null
	done
	if [ -n "$_pgdata" ]; then
		_pg pg_ctl -D "$_pgdata" -m immediate -w stop >/dev/null 2>&1
	fi
	for _p in $_pids; do
		# give each a moment, then make sure
		for _i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$_p" 2>/dev/null || break
			sleep 0.1
		done
		# a supervisor's workers too: none is left behind
		kill -0 "$_p" 2>/dev/null && pkill -KILL -P "$_p" 2>/dev/null
		kill -KILL "$_p" 2>/dev/null
	done
	wait 2>/dev/null
	# a template half made: the next run makes it again
	[ "${_lock_mine:-0}" = 1 ] && rm -rf "$_lock"
	rm -rf "$tmp"
	exit $_rc
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# A script that hangs fails, named, instead of holding up the whole run:
# after TQ_TEST_TIMEOUT seconds (600, or 3600 under VALGRIND=1; 0: no
# limit) every process under it is stopped, then the script itself,
# which cleans up and exits 143.  The watchdog's sleeps hold no
# descriptor of the script's, and _cleanup stops the watchdog like any
# service.
_watchdog() {
	_w=$1
	read -r _me _ </proc/self/stat	# this subshell's pid
	while [ "$_w" -gt 0 ]; do
		sleep 1 </dev/null >/dev/null 2>&1
		kill -0 $$ 2>/dev/null || exit 0
		_w=$((_w - 1))
	done
	# on stderr, which prove shows: a bail-out would end the whole run
	echo "${0##*/}: still running after $1 s (TQ_TEST_TIMEOUT): stopped" >&2
	_under=$(ps -e -o pid= -o ppid= | awk -v top=$$ -v me="$_me" '
	    { kids[$2] = kids[$2] " " $1 }
	    END {
		q = top
		while (q != "") {
			n = split(q, a, " ")
			q = ""
			for (i = 1; i <= n; i++) {
				m = split(kids[a[i]], c, " ")
				for (j = 1; j <= m; j++)
					if (c[j] != me) { print c[j]; q = q " " c[j] }
			}
		}
	    }')
	# shellcheck disable=SC2086
	kill -TERM $_under 2>/dev/null
	kill -TERM $$ 2>/dev/null
	sleep 5
	# shellcheck disable=SC2086
	kill -KILL $_under 2>/dev/null
	exit 0
}
if [ "${VALGRIND:-0}" = 1 ]; then
	_limit=${TQ_TEST_TIMEOUT:-3600}
else
	_limit=${TQ_TEST_TIMEOUT:-600}
fi
if [ "$_limit" -gt 0 ]; then
	_watchdog "$_limit" &
	_pids="$_pids $!"
fi

plan() {
	_planned=$1
	echo "1..$1"
}

bail() {
	echo "Bail out! $*"
	exit 1
}

diag() {
	echo "$*" | sed 's/^/# /'
}

ok() {	# ok STATUS DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
	return "$1"
}

# skip N REASON: N tests that cannot run here, counted as TAP skips
skip() {
	_k=0
	while [ "$_k" -lt "$1" ]; do
		_n=$((_n + 1))
		_k=$((_k + 1))
		echo "ok $_n # skip $2"
	done
}

# check DESC CMD...: CMD exits 0; its stdout is in $out, stderr in $errf
check() {
	_d=$1
	shift
	if "$@" >"$out" 2>"$errf"; then
		ok 0 "$_d"
	else
		_s=$?
		ok 1 "$_d"
		diag "exit status $_s: $*"
		sed -n '1,20p' "$errf" | sed 's/^/#   /'
		return 1
	fi
}

# check_status WANT DESC CMD...: CMD exits with WANT
check_status() {
	_w=$1
	_d=$2
	shift 2
	"$@" >"$out" 2>"$errf"
	_s=$?
	if [ "$_s" -eq "$_w" ]; then
		ok 0 "$_d"
	else
		ok 1 "$_d"
		diag "exit status $_s, want $_w: $*"
		sed -n '1,20p' "$errf" | sed 's/^/#   /'
		return 1
	fi
}

# check_same DESC GOT WANT
check_same() {
	if [ "$2" = "$3" ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diag "got:  '$2'"
		diag "want: '$3'"
		return 1
	fi
}

# check_match DESC TEXT REGEX (grep -E)
check_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diag "text: '$(printf '%s' "$2" | head -c 600)'"
		diag "does not match: $3"
		return 1
	fi
}

done_testing() {
	if [ "$_planned" -eq 0 ]; then
		echo "1..$_n"
	elif [ "$_planned" -ne "$_n" ]; then
		diag "planned $_planned tests, ran $_n"
		exit 1
	fi
	[ "$_failed" -eq 0 ] || exit 1
	exit 0
}

# run_unit NAME [ARG...]: the C unit test tests/unit-NAME, which prints
# its own TAP, run from the top directory; returns its exit status.
# VALGRIND=1 runs it under valgrind as it runs the programs: an error or
# a definite leak exits 99 (and TQ_TEST_SLOW=1 tells the unit its clock
# runs slow).
run_unit() {
	_u=$TQ_TOP/tests/unit-$1
	shift
	[ -x "$_u" ] || bail "tests/${_u##*/} not built (run make units)"
	if [ "${VALGRIND:-0}" = 1 ]; then
		need valgrind valgrind
		# glibc's ld.so trips valgrind when iconv dlopen()s gconv modules
		printf '{\n ld.so-is_dst\n Memcheck:Addr8\n fun:strncmp\n fun:is_dst\n}\n' \
			>"$tmp/vg.supp"
		(cd "$TQ_TOP" && TQ_TEST_SLOW=1 valgrind -q \
			--suppressions="$tmp/vg.supp" --leak-check=full \
			--errors-for-leak-kinds=definite --error-exitcode=99 \
			"$_u" "$@")
	else
		(cd "$TQ_TOP" && "$_u" "$@")
	fi
}

need() {	# need BINARY PACKAGE
	command -v "$1" >/dev/null 2>&1 ||
		bail "$1 not found: install the Debian package $2 (contrib/install-deps)"
}

# wait_for SECONDS CMD...: poll until CMD succeeds, for about SECONDS
wait_for() {
	_t=$1
	shift
	_tries=$((_t * 20))
	while ! "$@" >/dev/null 2>&1; do
		[ "$_tries" -gt 0 ] || return 1
		_tries=$((_tries - 1))
		sleep 0.05
	done
	return 0
}

# interrupt PID: SIGINT to a background PID, and its exit status; one
# that ignores it is killed after 10 s (status 137), so that it fails
# its check instead of the script's timeout
interrupt() {
	kill -INT "$1"
	wait_for 10 sh -c "! kill -0 $1" || kill -KILL "$1" 2>/dev/null
	wait "$1"
}

start_redis() {	# start_redis [extra redis-server args...]
	if [ -n "${TQ_TEST_REDIS_URL:-}" ]; then
		TQ_REDIS_URL=$TQ_TEST_REDIS_URL
		export TQ_REDIS_URL
		return 0
	fi
	need redis-server redis-server
	redis-server --port 0 --unixsocket "$tmp/redis.sock" \
		--unixsocketperm 700 --save '' --appendonly no --dir "$tmp" \
		--logfile "$tmp/redis.log" "$@" &
	_pids="$_pids $!"
	TQ_REDIS_PID=$!
	TQ_REDIS_URL=unix://$tmp/redis.sock
	export TQ_REDIS_URL
	wait_for 10 redis-cli -s "$tmp/redis.sock" ping ||
		bail "redis-server did not start: $(tail -3 "$tmp/redis.log")"
}

rcli() {
	redis-cli -s "$tmp/redis.sock" "$@"
}

_pgbin() {
	if command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return
	fi
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# the template is there, or its maker's lock names no live process
_tpl_waited() {
	[ -f "$_tpl/PG_VERSION" ] && return 0
	_p=$(cat "$_lock/pid" 2>/dev/null) && [ -n "$_p" ] || return 1
	! kill -0 "$_p" 2>/dev/null
}

_pg() {	# run a PostgreSQL server binary as a user it accepts
	_b=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$_pgbindir/$_b" "$@"
	else
		"$_pgbindir/$_b" "$@"
	fi
}

start_pg() {
	if [ -n "${TQ_TEST_DATABASE_URL:-}" ]; then
		TQ_DATABASE_URL=$TQ_TEST_DATABASE_URL
		export TQ_DATABASE_URL
		return 0
	fi
	_pgbindir=$(_pgbin)
	[ -n "$_pgbindir" ] && [ -x "$_pgbindir/initdb" ] ||
		bail "initdb not found: install the Debian package postgresql (contrib/install-deps)"
	need psql postgresql-client
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 ||
			bail "no postgres user: install the Debian package postgresql"
		need runuser util-linux
	fi
	mkdir -p "$tmp/pg" "$tmp/pgsock"
	chmod 700 "$tmp/pg"
	[ "$(id -u)" -eq 0 ] && chown postgres "$tmp/pg" "$tmp/pgsock"
	# one initdb per run of the suite, copied for each script.  initdb
	# runs in $tmp, which the postgres user can reach, and the template
	# is copied into the tree by this user: as root, a tree under /root
	# (mode 700, where root's clone of tq lands) is closed to postgres.
	# Its maker holds a lock naming its pid: a run interrupted while
	# making it leaves the lock, and the next one takes it over
	_tpl=$TQ_TOP/tests/tmp/pg-template
	_lock=$TQ_TOP/tests/tmp/pg-template.lock
	mkdir -p "$TQ_TOP/tests/tmp"
	while [ ! -f "$_tpl/PG_VERSION" ]; do
		if mkdir "$_lock" 2>/dev/null; then
			_lock_mine=1
			echo $$ >"$_lock/pid"
			_pg initdb -D "$tmp/pg" -A trust -U tq -E UTF8 \
				--locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 ||
				bail "initdb failed: $(tail -3 "$tmp/initdb.log")"
			rm -rf "$_tpl.new.$$" "$_tpl"
			cp -a "$tmp/pg" "$_tpl.new.$$" &&
				mv -T "$_tpl.new.$$" "$_tpl" ||
				bail "could not keep the PostgreSQL template in $_tpl"
			rm -rf "$_lock"
			_lock_mine=0
			break
		fi
		# still waiting after 60 s: a live maker is stuck; a lock
		# without a pid is one whose maker died before writing it
		wait_for 60 _tpl_waited || [ ! -s "$_lock/pid" ] ||
			bail "timed out waiting for the PostgreSQL template from pid $(cat "$_lock/pid") ($_lock)"
		if [ ! -f "$_tpl/PG_VERSION" ]; then
			# its maker is gone: the lock is stale
			mv "$_lock" "$_lock.stale.$$" 2>/dev/null &&
				rm -rf "$_lock.stale.$$"
		fi
	done
	# the maker's initdb is in $tmp/pg already
	[ -f "$tmp/pg/PG_VERSION" ] || cp -a "$_tpl/." "$tmp/pg/"
	_pg_start
	_pgdata=$tmp/pg
	TQ_DATABASE_URL="postgresql:///postgres?host=$tmp/pgsock&user=tq"
	export TQ_DATABASE_URL
}

_pg_start() {
	_pg pg_ctl -D "$tmp/pg" -l "$tmp/pgsock/log" -w -t 30 -o \
		"-k $tmp/pgsock -c listen_addresses='' -c fsync=off -c synchronous_commit=${TQ_PG_SYNC:-off} -c full_page_writes=off -c max_connections=100" \
		start >"$tmp/pg_ctl.out" 2>&1 ||
		bail "postgres did not start: $(cat "$tmp/pg_ctl.out" \
		    "$tmp/pgsock/log" 2>/dev/null | tail -3)"
}

# stop_pg [fast|immediate]; start_pg_again: a PostgreSQL restart, as an
# operator or a crash does it, for the scripts that test surviving one
stop_pg() {
	_pg pg_ctl -D "$tmp/pg" -m "${1:-fast}" -w stop >/dev/null 2>&1
}
start_pg_again() {
	_pg_start
}

psqlc() {	# psqlc SQL: one value per line, no headers
	psql -X -q -A -t -v ON_ERROR_STOP=1 "$TQ_DATABASE_URL" -c "$1"
}

# old_schema URL N: the database at URL as an older tq left it, with
# migrations 1 to N applied and recorded as that tq did
old_schema() {
	psql -X -q "$1" -c "CREATE TABLE tq_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())" \
		>/dev/null || bail "no tq_schema in $1"
	for _f in "$TQ_TOP"/sql/[0-9]*.sql; do
		_b=${_f##*/}
		_b=${_b%.sql}
		_v=$(echo "$_b" | sed 's/-.*//; s/^0*//')
		[ "$_v" -le "$2" ] || continue
		psql -X -q -1 -v ON_ERROR_STOP=1 "$1" -f "$_f" \
			-c "INSERT INTO tq_schema (version, name) VALUES ($_v, '$_b')" \
			>/dev/null 2>&1 || bail "$_b does not apply"
	done
}

start_httpd() {	# start_httpd [root]
	need python3 python3
	python3 "$TQ_TOP/tests/httpd.py" --root "${1:-$TQ_TOP/tests/pages}" \
		--port-file "$tmp/httpd.port" >"$tmp/httpd.log" 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -s "$tmp/httpd.port" ||
		bail "tests/httpd.py did not start: $(tail -3 "$tmp/httpd.log")"
	HTTP=http://127.0.0.1:$(cat "$tmp/httpd.port")
	TQ_ALLOW_PRIVATE=1
	export HTTP TQ_ALLOW_PRIVATE
}

# tls_ca: a CA of the script's own in $tmp/tls (ca.pem, ca.key), for
# servers that speak TLS; tls_cert NAME SUBJECT-ALT-NAMES: a
# certificate of it ($tmp/tls/NAME.pem, NAME.key)
_tls() {
	openssl "$@" >>"$tmp/tls/openssl.log" 2>&1 ||
		bail "openssl $1 failed: $(tail -3 "$tmp/tls/openssl.log")"
}
tls_ca() {
	mkdir -p "$tmp/tls"
	_tls req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/tls/ca.key" \
		-out "$tmp/tls/ca.pem" -days 2 -subj /CN=tq-test-ca
}
tls_cert() {
	_tls req -newkey rsa:2048 -nodes -keyout "$tmp/tls/$1.key" \
		-out "$tmp/tls/$1.csr" -subj "/CN=$1"
	printf 'subjectAltName=%s\n' "$2" >"$tmp/tls/$1.ext"
	_tls x509 -req -in "$tmp/tls/$1.csr" -CA "$tmp/tls/ca.pem" \
		-CAkey "$tmp/tls/ca.key" -CAcreateserial \
		-out "$tmp/tls/$1.pem" -days 2 -extfile "$tmp/tls/$1.ext"
}

# start_mute: a server on 127.0.0.1 that takes connections and never
# answers (a database or a Redis stalled); its port in $MUTE_PORT, its
# pid in $MUTE_PID
start_mute() {
	python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
time.sleep(3600)
' >"$tmp/mute.port" &
	MUTE_PID=$!
	_pids="$MUTE_PID $_pids"
	wait_for 10 test -s "$tmp/mute.port" || bail "the mute server did not start"
	MUTE_PORT=$(cat "$tmp/mute.port")
}

# start_worker [tq-worker args...]: a background tq-worker, log in
# $tmp/worker.log; its pid in $TQ_WORKER_PID
start_worker() {
	tq-worker "$@" >>"$tmp/worker.log" 2>&1 &
	TQ_WORKER_PID=$!
	_pids="$TQ_WORKER_PID $_pids"
}

# stop_worker [pid]: warm shutdown; 0 if it exited within 10 s (it is
# killed if not, its worker processes first, so that none is left
# behind, and 1 returned)
stop_worker() {
	_wp=${1:-$TQ_WORKER_PID}
	kill -TERM "$_wp" 2>/dev/null
	for _i in $(seq 1 200); do
		kill -0 "$_wp" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$_wp" 2>/dev/null; then
		pkill -KILL -P "$_wp" 2>/dev/null
		kill -KILL "$_wp" 2>/dev/null
		wait "$_wp" 2>/dev/null
		return 1
	fi
	wait "$_wp" 2>/dev/null
	return 0
}
