#!/bin/sh
# contrib/: tq-start and tq-stop with real workers, Redis and PostgreSQL
# (counts from the environment and .env, pid and log files, warm stop,
# SIGKILL past the timeout, stale pid files); nightly-digest's failure
# accounting against real workers and a 404 page; the systemd unit
# (systemd-analyze verify), the tq user (systemd-sysusers and useradd into
# a temp root), the env file against the variables the sources read, the
# cron examples; docker-compose.yml (YAML, docker-compose config) and the
# Dockerfile (its packages are in Debian 12, its build steps are the
# Makefile's and run here).
. "$(dirname "$0")/lib.sh"
plan 91
C=$TQ_TOP/contrib
need systemd-analyze systemd
need jq jq
start_redis
start_pg
start_httpd
# the real program, not VALGRIND=1's wrapper: tq-start and tq-stop know
# their supervisors by name
TQ_WORKER=$TQ_TOP/tq-worker
export TQ_WORKER

# pids PID...: PID and its descendants
pids() {
	ps -e -o pid= -o ppid= | awk -v top="$*" '
	{ kids[$2] = kids[$2] " " $1 }
	END {
		n = split(top, q, " ")
		for (i = 1; i <= n; i++) {
			print q[i]
			m = split(kids[q[i]], more, " ")
			for (j = 1; j <= m; j++)
				q[++n] = more[j]
		}
	}'
}
# running PID...: those of PID... that still run (zombies do not)
running() {
	for _p; do
		_s=$(ps -p "$_p" -o stat= 2>/dev/null) || continue
		case $_s in
		''|Z*) ;;
		*) echo "$_p" ;;
		esac
	done
}
nw() { rcli scard "rq:workers:$1"; }
nworkers() { [ "$(rcli scard rq:workers)" -eq "$1" ]; }

# --- tq-start / tq-stop ---------------------------------------------------
mkdir "$tmp/proj"
cd "$tmp/proj" || bail "cd"
# (a notion worker needs a token: without one it does not start)
check_status 1 "tq-start: no NOTION_TOKEN, no notion worker" \
	env NOTION_TOKEN= sh "$C/tq-start" notion-queue
check_match "says why" "$(tr '\n' ' ' <"$errf")" \
	"notion-queue: did not start; .* tq-worker: notion-queue: no token: set NOTION_TOKEN in the worker's environment"
rm -f run/*.log
printf '%s\n' '# the seed'"'"'s .env, changed' 'WORKER_COUNT_PARSING=2' \
	'WORKER_COUNT_AI=3' '' '  export WORKER_COUNT_NOTION="1"' \
	'NOTION_TOKEN=secret_5400' >.env
check "tq-start starts a supervisor per queue" env WORKER_COUNT_AI=1 sh "$C/tq-start"
check_match "and says so" "$(cat "$out")" \
	'tq-start: parsing-queue: started 2 workers \(pid [0-9]+, log \./run/tq-worker-parsing-queue\.log\)'
wait_for 15 nworkers 4 || diag "workers did not register: $(rcli smembers rq:workers)"
check_same "the environment beats .env: 2 parsing, 1 ai, 1 notion workers" \
	"$(nw parsing-queue) $(nw ai-queue) $(nw notion-queue)" "2 1 1"
check_same "a pid file per queue in ./run" "$(cd run && ls *.pid | tr '\n' ' ')" \
	"tq-worker-ai-queue.pid tq-worker-notion-queue.pid tq-worker-parsing-queue.pid "
sup=$(cat run/*.pid | tr '\n' ' ')
_pids="$_pids $sup"
# (libbsd's setproctitle() ends a title with a space where it ends on
# argv[0]'s last byte: "supervisor of 1 worker" from a 33-byte path)
check_same "the pid files hold the supervisors" \
	"$(for p in $sup; do ps -p "$p" -o args=; done | grep -c -E '^tq-worker: supervisor of [12] workers? ?$')" 3
check "tq-stats counts the 4 workers" tq-stats -j -w
check_same "total_workers 4" "$(jq -r .total_workers "$out")" 4
wait_for 5 grep -q 'tq-worker start' run/tq-worker-notion-queue.log
check_match "each queue logs to its file" "$(cat run/tq-worker-notion-queue.log)" \
	'tq-worker start worker=.*'
check "tq-start again" sh "$C/tq-start" parsing-queue
check_match "leaves a running one alone" "$(cat "$out")" \
	'^tq-start: parsing-queue: already running \(pid [0-9]+\)$'
check_same "and starts no other" "$(cat run/*.pid | tr '\n' ' ')" "$sup"
all=$(pids $sup)
check "tq-stop" sh "$C/tq-stop"
check_match "stops each queue" "$(grep -c ': stopped$' "$out")" '^3$'
check_same "no process of them is left" "$(running $all)" ""
check_same "no pid file is left" "$(ls run/*.pid 2>/dev/null)" ""
check_same "no worker is registered" "$(rcli scard rq:workers)" 0
check_match "the workers shut down warm" "$(cat run/*.log)" 'shutdown=warm'

sh -c 'exit 0' &
dead=$!
wait $dead
echo "$dead" >run/tq-worker-ai-queue.pid
check "tq-stop with a stale pid file" sh "$C/tq-stop"
check_match "removes it" "$(cat "$out")" 'ai-queue: not running; removing stale pid file'
check_same "it is gone" "$(ls run)" \
	"tq-worker-ai-queue.log
tq-worker-notion-queue.log
tq-worker-parsing-queue.log"
check "tq-stop with nothing to stop" sh "$C/tq-stop"
check_match "says so" "$(cat "$out")" 'nothing to stop'

mkdir "$tmp/run2"
echo "$dead" >"$tmp/run2/tq-worker-parsing-queue.pid"
check "tq-start over a stale pid file, TQ_RUN_DIR elsewhere" \
	env TQ_RUN_DIR="$tmp/run2" WORKER_COUNT_PARSING=1 sh "$C/tq-start" parsing-queue
check_match "replaces it" "$(tr '\n' ' ' <"$out")" \
	"removing stale pid file .*started 1 worker \(pid [0-9]+, log $tmp/run2/tq-worker-parsing-queue.log\)"
sup=$(cat "$tmp/run2/tq-worker-parsing-queue.pid")
_pids="$_pids $sup"
wait_for 15 nworkers 1
tq-submit parse "$HTTP/t/sleep?s=30" >"$tmp/slow" || bail "tq-submit failed"
st=$(jq -r .task_id "$tmp/slow")
wait_for 15 sh -c "[ \"\$(psql -XAtq '$TQ_DATABASE_URL' -c \"SELECT status FROM task_items WHERE task_id = $st\")\" = running ]" ||
	diag "the slow job did not start"
all=$(pids "$sup")
t0=$(date +%s)
check "tq-stop past TQ_STOP_TIMEOUT" env TQ_RUN_DIR="$tmp/run2" TQ_STOP_TIMEOUT=1 sh "$C/tq-stop"
t1=$(date +%s)
check_match "kills what is left" "$(cat "$out")" 'parsing-queue: still running after 1 s: killed'
check_match "soon" "$((t1 - t0))" '^[0-5]$'
check_match "the supervisor and its worker were running" "$(echo "$all" | wc -w)" '^ *[2-9]'
wait_for 5 sh -c "[ -z \"\$(for p in $(echo $all); do ps -p \$p -o stat= | grep -v Z; done)\" ]"
check_same "none of them is left" "$(running $all)" ""
check_same "its pid file is gone" "$(ls "$tmp/run2"/*.pid 2>/dev/null)" ""

check_status 2 "a count that is not a number is a usage error" \
	env WORKER_COUNT_AI=two sh "$C/tq-start" ai-queue
check_match "naming the variable" "$(cat "$errf")" 'WORKER_COUNT_AI=two: not a number'
check_status 2 "an unknown queue is a usage error" sh "$C/tq-start" nosuch-queue
check_status 1 "a supervisor that exits at once" env TQ_WORKER=false sh "$C/tq-start" ai-queue
check_match "is reported with its log" "$(cat "$errf")" 'ai-queue: did not start'
check_same "and leaves no pid file" "$(ls run/*.pid 2>/dev/null)" ""
printf 'WORKER_COUNT_AI=1\nthis is no setting\n' >"$tmp/bad.env"
check_status 2 "a malformed .env line is a usage error" \
	env TQ_ENV_FILE="$tmp/bad.env" sh "$C/tq-start" ai-queue
check_match "naming the line" "$(cat "$errf")" 'bad.env:2: not KEY=VALUE'
printf 'WORKER_COUNT_AI=$(touch %s/pwned)\n' "$tmp" >"$tmp/evil.env"
env TQ_ENV_FILE="$tmp/evil.env" sh "$C/tq-start" ai-queue >/dev/null 2>&1
check_same ".env is read, never executed" "$(ls "$tmp/pwned" 2>/dev/null)" ""
cd "$tmp" || bail "cd"

# --- nightly-digest -----------------------------------------------------------
start_worker -n 2
printf '%s\n' '# three pages' "$HTTP/t/page?title=Alpha&words=300" '' \
	"$HTTP/t/status/404" "$HTTP/t/page?title=Beta&words=250" >"$tmp/urls"
check_status 1 "nightly-digest: a failed page exits 1" sh "$C/nightly-digest" "$tmp/urls"
check_match "the digest counts it" "$(head -n 1 "$out")" \
	'^tq digest [0-9-]+: 2 of 3 pages summarised$'
check_match "and has the others" "$(grep '^\* ' "$out" | tr '\n' ' ')" '^\* Alpha \* Beta $'
check_match "with URL and summary" "$(grep -A2 '^\* Alpha' "$out" | tail -n 2 | tr '\n' ' ')" \
	"^  $HTTP/t/page\?title=Alpha.*  [A-Z][a-z]+ .*\. \$"
check_match "it lists the failure with URL, stage and error" "$(sed -n '/^Failed:/,$p' "$out")" \
	"^Failed:
- $HTTP/t/status/404 \(parse failed\): http 404 not found\$"
check_match "and on stderr" "$(cat "$errf")" \
	"nightly-digest: parse failed $HTTP/t/status/404: http 404 not found
nightly-digest: 1 of 3 pages failed"
printf '%s\n' "$HTTP/t/page?title=Gamma&words=200" >"$tmp/urls2"
check "every page summarised exits 0" sh "$C/nightly-digest" "$tmp/urls2"
check_same "with nothing on stderr" "$(cat "$errf")" ""
printf '%s\n' "$HTTP/t/sleep?s=4" >"$tmp/urls3"
check_status 1 "a stage past TQ_DIGEST_TIMEOUT exits 1" \
	env TQ_DIGEST_TIMEOUT=1 sh "$C/nightly-digest" "$tmp/urls3"
check_match "naming it" "$(cat "$errf")" 'parse: not done after 1 s'
printf 'not a url\n' >"$tmp/urls4"
check_status 3 "a file of bad URLs exits 3, as tq-submit" sh "$C/nightly-digest" "$tmp/urls4"
check_status 2 "no URL file is a usage error" sh "$C/nightly-digest"
stop_worker

# --- systemd ------------------------------------------------------------------
# a root with systemd's units, the unit, and stubs of the programs its
# ExecStart names; man pages from man/ for Documentation=
root=$tmp/sdroot
sysd=/usr/lib/systemd/system
[ -d "$sysd" ] || sysd=/lib/systemd/system
mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/bin" \
	"$root/usr/local/bin" "$tmp/man/man1" "$tmp/man/man7"
cp -a "$sysd" "$root/usr/lib/systemd/"
cp "$C/tq-worker@.service" "$root/etc/systemd/system/"
for f in bin/sh usr/local/bin/tq-worker; do
	printf '#!/bin/sh\n' >"$root/$f"
	chmod 755 "$root/$f"
done
ln -s "$TQ_TOP"/man/*.1 "$tmp/man/man1/"
ln -s "$TQ_TOP"/man/*.7 "$tmp/man/man7/"
MANPATH=$tmp/man systemd-analyze verify --root="$root" \
	tq-worker@parsing-queue.service >"$tmp/verify" 2>&1
check_same "systemd-analyze verify tq-worker@.service: clean" \
	"$?:$(cat "$tmp/verify")" "0:"
cp "$C/tq-api.service" "$root/etc/systemd/system/"
printf '#!/bin/sh\n' >"$root/usr/local/bin/tq-api"
chmod 755 "$root/usr/local/bin/tq-api"
MANPATH=$tmp/man systemd-analyze verify --root="$root" \
	tq-api.service >"$tmp/verify" 2>&1
check_same "systemd-analyze verify tq-api.service: clean" \
	"$?:$(cat "$tmp/verify")" "0:"

# the drop-in that the unit's comment shows for a raised timeout: clean,
# and longer than the timeout it is for
dropin=$(sed -n '/^# A queue.s timeout raised/,/^[^#]/{/^#   /s/^#   //p}' \
	"$C/tq-worker@.service")
mkdir -p "$root/etc/systemd/system/tq-worker@ai-queue.service.d"
printf '%s\n' "$dropin" \
	>"$root/etc/systemd/system/tq-worker@ai-queue.service.d/stop.conf"
MANPATH=$tmp/man systemd-analyze verify --root="$root" \
	tq-worker@ai-queue.service >"$tmp/verify" 2>&1
check_same "the unit's drop-in for a raised timeout: clean" \
	"$?:$(printf '%s' "$dropin" | tr '\n' ' '):$(cat "$tmp/verify")" \
	"0:[Service] TimeoutStopSec=630:"
check_match "tq.env says to raise the stop timeouts with a job timeout" \
	"$(sed -n '/^# hard timeouts of a job/,/^#TQ_PARSE/p' "$C/tq.env" |
	tr '\n' ' ')" 'TimeoutStopSec.*TQ_STOP_TIMEOUT.*stop_grace_period'

# ExecStart as systemd runs it: $$ is $, %i the queue
xs=$(sed -n 's/^ExecStart=//p' "$C/tq-worker@.service" | sed 's/\$\$/$/g')
printf '#!/bin/sh\necho "$@"\n' >"$tmp/tq-worker-stub"
chmod 755 "$tmp/tq-worker-stub"
xs=$(printf '%s' "$xs" | sed "s#/usr/local/bin/tq-worker#$tmp/tq-worker-stub#")
execstart() {	# execstart QUEUE [VAR=value...]
	_q=$1
	shift
	env -i PATH=/usr/bin:/bin WORKER_COUNT_PARSING=3 WORKER_COUNT_AI=2 \
		WORKER_COUNT_NOTION=2 "$@" sh -c "eval \"\$1\"" sh \
		"$(printf '%s' "$xs" | sed "s/%i/$_q/g")"
}
check_same "ExecStart: the seed's counts" \
	"$(execstart parsing-queue; execstart ai-queue; execstart notion-queue)" \
	"-Q parsing-queue -n 3
-Q ai-queue -n 2
-Q notion-queue -n 2"
check_same "ExecStart: WORKER_COUNT_AI from /etc/tq/env" \
	"$(execstart ai-queue WORKER_COUNT_AI=5)" "-Q ai-queue -n 5"
check_same "the unit's defaults are the seed's" \
	"$(sed -n 's/^Environment=WORKER_COUNT/WORKER_COUNT/p' "$C/tq-worker@.service")" \
	"WORKER_COUNT_PARSING=3 WORKER_COUNT_AI=2 WORKER_COUNT_NOTION=2"

mkdir -p "$root/usr/lib/sysusers.d"
cp "$C/tq.sysusers" "$root/usr/lib/sysusers.d/tq.conf"
check "systemd-sysusers creates the tq user" systemd-sysusers --root="$root"
sysu=$(grep '^tq:' "$root/etc/passwd")
check_match "a system user without a login" "$sysu" \
	'^tq:x:[0-9]{3}:[0-9]{3}:tq workers:/nonexistent:/usr/sbin/nologin$'
# the useradd line of tq.sysusers and the Dockerfile, into an empty root
mkdir -p "$tmp/uroot/etc"
for f in passwd group shadow gshadow; do : >"$tmp/uroot/etc/$f"; done
ua=$(sed -n 's/^#[	 ]*useradd /useradd /p; /^#	    --shell/s/^#	    //p' "$C/tq.sysusers" |
	sed 's/\\$//' | tr '\n' ' ')
check "the useradd line of tq.sysusers" sh -c "${ua%% *} --prefix '$tmp/uroot' ${ua#* }"
check_same "makes the same user" "$(grep '^tq:' "$tmp/uroot/etc/passwd" | cut -d: -f1,2,5-)" \
	"$(echo "$sysu" | cut -d: -f1,2,5-)"
dua=$(awk '/^RUN useradd/ { s = 1 } s { c = sub(/\\$/, ""); printf "%s ", $0; if (!c) exit }' \
	"$C/Dockerfile" | sed 's/^RUN //')
rm -f "$tmp/uroot/etc/"*
for f in passwd group shadow gshadow; do : >"$tmp/uroot/etc/$f"; done
check "the Dockerfile's useradd" sh -c "useradd --prefix '$tmp/uroot' ${dua#useradd }"
check_same "makes the same user" "$(grep '^tq:' "$tmp/uroot/etc/passwd" | cut -d: -f1,2,5-)" \
	"$(echo "$sysu" | cut -d: -f1,2,5-)"

# --- the env file ---------------------------------------------------------
# every variable the sources read, but the tests' fault injectors, the
# terminal's own TERM and systemd's JOURNAL_STREAM (no setting of a
# service's)
vars=$(cat "$TQ_TOP"/common/*.c "$TQ_TOP"/cmd/*.c |
	grep -o -E '(getenv|envint)\("[A-Z_][A-Z0-9_]*"' | sed 's/.*("//; s/"$//' |
	grep -v -e '^TQ_TEST_' -e '^TERM$' -e '^JOURNAL_STREAM$' | sort -u)
missing=
for v in $vars WORKER_COUNT_PARSING WORKER_COUNT_AI WORKER_COUNT_NOTION \
	NOTION_TOKEN TQ_NOTION_TOKEN TQ_NOTION_DATABASE TQ_NOTION_URL TQ_NOTION_RPS \
	OPENAI_API_KEY TQ_RUN_DIR TQ_STOP_TIMEOUT TQ_DIGEST_TIMEOUT \
	TQ_COMPLETION_TIMEOUT; do
	grep -q "^#\{0,1\}$v=" "$C/tq.env" || missing="$missing $v"
done
check_same "tq.env lists every variable the programs read" "$missing" ""
# and the pages name none that no program reads
named=$(cat "$TQ_TOP"/man/*.[157] | grep -o '\bTQ_[A-Z0-9_]*[A-Z0-9]\b' |
	sort -u | grep -v -x -e TQ_RUN_DIR -e TQ_STOP_TIMEOUT \
	-e TQ_DIGEST_TIMEOUT -e TQ_COMPLETION_TIMEOUT $(printf -- '-e %s ' $vars))
check_same "the man pages name no TQ_ variable that nothing reads" \
	"$(echo $named)" ""
check_match "sources read some ($(echo $vars | wc -w) found)" "$(echo $vars | wc -w)" '^[2-9][0-9]$'
check_same "every line a comment or KEY=VALUE" \
	"$(grep -v -E '^(#.*|[A-Z_][A-Z0-9_]*=[^ "'"'"'$]*|)$' "$C/tq.env")" ""
check_same "no secret has a value" \
	"$(grep -E '^#?(NOTION_TOKEN|TQ_NOTION_TOKEN|OPENAI_API_KEY|PGPASSWORD)=.' "$C/tq.env")" ""
# a password file where the tq user can have one: it has no home
home=$(echo "$sysu" | cut -d: -f6)
check_same "tq.env's password file is not in the tq user's home, $home" \
	"$(grep -c -e '~tq/' -e "$home/" "$C/tq.env")" 0
check_match "but one that PGPASSFILE names, readable by tq alone" \
	"$(grep -A1 -F '/etc/tq/pgpass' "$C/tq.env" | tr '\n' ' ')" \
	'install -m 600 -o tq -g tq /dev/null /etc/tq/pgpass .*#PGPASSFILE='
check "sh reads it as cron does" env -i sh -c "set -a; . '$C/tq.env'"
check "tq-start reads it as its .env" env TQ_ENV_FILE="$C/tq.env" WORKER_COUNT_AI=0 sh "$C/tq-start" ai-queue

# --- cron -------------------------------------------------------------------
check_match "tq.cron sets PATH to where make install puts the programs" \
	"$(grep '^PATH=' "$C/tq.cron")" '^PATH=/usr/local/bin:/usr/bin:/bin$'
check_match "nightly-digest's cron example too" \
	"$(grep -A1 'PATH=' "$C/nightly-digest" | tr '\n' ' ')" \
	'PATH=/usr/local/bin:/usr/bin:/bin .* nightly-digest '
bad=
grep -v -E '^(#.*|[A-Z]+=.*|)$' "$C/tq.cron" >"$tmp/jobs"
while IFS= read -r l; do
	set -f
	# shellcheck disable=SC2086
	set -- $l
	set +f
	[ $# -ge 7 ] && [ "$6" = tq ] || bad="$bad [fields: $l]"
	shift 6
	sh -n -c "$*" || bad="$bad [syntax: $l]"
done <"$tmp/jobs"
check_same "tq.cron: jobs of the tq user, valid sh" "$(wc -l <"$tmp/jobs" | tr -d ' ')$bad" 2
# every program a job runs is installed: by make install, or by the
# line tq.cron gives for it
miss=
for p in $(sed 's/.*set +a; //' "$tmp/jobs" | grep -o -E '(^|[(; ])(tq-[a-z]+|nightly-digest)' | tr -d '(; ' | sort -u); do
	[ -f "$TQ_TOP/cmd/$p.c" ] && continue
	[ -f "$C/$p" ] && grep -q "^#	install -m 755 contrib/$p /usr/local/bin/\$" "$C/tq.cron" &&
		continue
	miss="$miss $p"
done
check_same "tq.cron: every program its jobs run is installed" "$miss" ""

# --- docker compose ---------------------------------------------------------
y=python3
$y -c 'import yaml' 2>/dev/null || y=/usr/bin/python3
check "docker-compose.yml is YAML, in the seed's shape" $y -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
s = d["services"]
assert sorted(s) == ["postgres", "redis", "worker-ai", "worker-notion",
    "worker-parsing"], sorted(s)
for svc, q, var, n in (("worker-parsing", "parsing-queue", "PARSING", 3),
    ("worker-ai", "ai-queue", "AI", 2), ("worker-notion", "notion-queue",
    "NOTION", 2)):
	w = s[svc]
	assert w["command"] == ["tq-worker", "-Q", q, "-n",
	    "${WORKER_COUNT_%s:-%d}" % (var, n)], w["command"]
	assert w["build"]["dockerfile"] == "contrib/Dockerfile"
	assert w["build"]["context"] == ".."
	assert set(w["depends_on"]) == {"redis", "postgres"}
	assert w["environment"]["TQ_REDIS_URL"] == "redis://redis:6379/0"
	assert w["environment"]["TQ_DATABASE_URL"] == \
	    "postgresql://tq@postgres:5432/tq", "a password in the URL"
	assert w["environment"]["PGPASSWORD"] == "${POSTGRES_PASSWORD:-tq}"
	assert w["stop_grace_period"] == "150s"
assert s["redis"]["image"].startswith("redis:7")
assert s["postgres"]["image"].startswith("postgres:15")
' "$C/docker-compose.yml"
if command -v docker-compose >/dev/null 2>&1; then
	mkdir -p "$tmp/dc"
	cp "$C/docker-compose.yml" "$tmp/dc/"
	printf 'WORKER_COUNT_PARSING=4\nWORKER_COUNT_AI=7\nPOSTGRES_PASSWORD=p@ss/w:rd\n' >"$tmp/dc/.env"
	(cd "$tmp/dc" && env WORKER_COUNT_AI=5 docker-compose -f docker-compose.yml config) \
		>"$tmp/dc/config" 2>"$errf"
	check_same "docker-compose config accepts it" "$?:$(grep -v -i warn "$errf")" "0:"
	check_same "counts: the environment over .env over the seed's" \
		"$($y -c 'import sys, yaml; s = yaml.safe_load(open(sys.argv[1]))["services"]; print(" ".join(s["worker-" + q]["command"][4] for q in ("parsing", "ai", "notion")))' "$tmp/dc/config")" \
		"4 5 2"
	check_same "a password with @, / and : reaches the workers whole, the server too" \
		"$($y -c 'import sys, yaml; s = yaml.safe_load(open(sys.argv[1]))["services"]; print(s["worker-ai"]["environment"]["PGPASSWORD"], s["postgres"]["environment"]["POSTGRES_PASSWORD"])' "$tmp/dc/config")" \
		"p@ss/w:rd p@ss/w:rd"
else
	ok 0 "docker-compose config # skip docker-compose not installed (contrib/install-deps)"
	ok 0 "counts # skip docker-compose not installed"
	ok 0 "password # skip docker-compose not installed"
fi

# --- Dockerfile -------------------------------------------------------------
# RUN lines joined, apt-get install lines' packages per stage
awk '{ if (sub(/\\$/, "")) { l = l $0 " "; next } print l $0; l = "" }' \
	"$C/Dockerfile" | grep -v '^#' >"$tmp/dockerfile"
check_same "every stage is debian:12" "$(grep '^FROM' "$tmp/dockerfile" | awk '{ print $2 }' | sort -u)" "debian:12"
aptpkgs() {	# aptpkgs N: the packages of stage N's apt-get install
	awk -v n="$1" '/^FROM/ { s++ } s == n && /apt-get install/ {
		sub(/.*apt-get install/, ""); sub(/&&.*/, "")
		for (i = 1; i <= NF; i++) if ($i !~ /^-/) print $i }' "$tmp/dockerfile"
}
build=$(aptpkgs 1 | sort)
runtime=$(aptpkgs 2 | sort)
deps=$(sed -n '/^pkgs="/,/"$/p' "$C/install-deps" | tr ' "' '\n\n' |
	grep -E '^(build-essential|pkg-config|lib.*-dev)$' | sort)
check_same "the build stage installs install-deps' build packages" "$build" "$deps"
if apt-cache show libc6 >/dev/null 2>&1 && grep -q '^12' /etc/debian_version 2>/dev/null; then
	# one apt-cache for all (0.6 s each): what it does not print is missing
	apt-cache show $build $runtime 2>/dev/null |
		sed -n 's/^Package: //p' | sort -u >"$tmp/found"
	bad=
	for p in $build $runtime; do
		grep -qxF "$p" "$tmp/found" || bad="$bad $p"
	done
	check_same "every package it installs is in Debian 12" "$bad" ""
else
	ok 0 "every package it installs is in Debian 12 # skip no Debian 12 apt lists (apt-get update)"
fi
# the build stage's steps, run here in a copy of the tree
mkdir "$tmp/src"
(cd "$TQ_TOP" && tar -cf - --exclude=./tests/tmp --exclude=./.git \
	--exclude='*.o' --exclude='*.a' .) | tar -xf - -C "$tmp/src"
runs=$(awk '/^FROM/ { s++ } s == 1 && /^RUN / && !/apt-get/ { sub(/^RUN /, ""); print }' "$tmp/dockerfile")
check_match "the build stage runs the Makefile" "$runs" \
	'^make clean && make -j"\$\(nproc\)" all && make install PREFIX=/usr/local DESTDIR="\$DESTDIR"$'
check "its steps build and install tq" sh -c "cd '$tmp/src' && DESTDIR='$tmp/out' && export DESTDIR && $runs >'$tmp/build.log' 2>&1"
progs=$(cd "$TQ_TOP/cmd" && ls tq-*.c | sed 's/\.c$//' | sort)
check_same "every program, at the path the runtime stage copies" \
	"$(ls "$tmp/out/usr/local/bin" | sort)" "$progs"
check_same "the compose files' command is one of them" \
	"$(grep -c 'command: \["tq-worker"' "$C/docker-compose.yml")" 3
# the runtime stage has the package of every library the programs link
need readelf binutils
libs=$(for p in "$tmp"/out/usr/local/bin/*; do readelf -d "$p"; done |
	sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -v '^lib\(asan\|ubsan\)\.' | sort -u)	# make SAN=1 only
bad=
for l in $libs; do
	f=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64|x86_64|aarch64|64bit/ { print $NF; exit }')
	[ -n "$f" ] || f=$(ldconfig -p | awk -v l="$l" '$1 == l { print $NF; exit }')
	pkg=$(dpkg -S "$f" 2>/dev/null || dpkg -S "$(readlink -f "$f")" 2>/dev/null ||
		dpkg -S "${f#/usr}" 2>/dev/null)
	pkg=${pkg%%:*}
	case " libc6 $(echo $runtime) " in
	*" $pkg "*) ;;
	*) bad="$bad $l($pkg)" ;;
	esac
done
check_same "the runtime stage installs every linked library's package" "$bad" ""

done_testing
