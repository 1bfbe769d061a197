#!/bin/sh
# tq-submit's bulk path: 10,000 lines with duplicates in one submit;
# PostgreSQL and Redis agree, one item per URL in input order, every job
# hash there; bad lines among them write nothing.  Past 5,000 items the
# items are in task_item_batches: task_items_all shows them
. "$(dirname "$0")/lib.sh"
plan 97
start_redis
start_pg

count() { psqlc "SELECT count(*) FROM $1"; }
qlen() { rcli llen rq:queue:parsing-queue; }
state() { echo "$(count processing_tasks) $(count task_items_all) $(count links) $(qlen)"; }

# 9,000 distinct URLs, 500 repeated as they were, 300 repeated in
# another spelling of the same URL, 200 blank or comment lines
awk 'BEGIN {
	for (i = 0; i < 9000; i++) {
		printf "https://bulk.example/p?i=%d\n", i
		if (i < 500) printf "https://bulk.example/p?i=%d\n", i
		if (i >= 500 && i < 800)
			printf "HTTPS://Bulk.Example:443/p?i=%d#top\n", i
		if (i >= 800 && i < 900) print ""
		if (i >= 900 && i < 1000) print "# a comment"
	}
}' >"$tmp/urls"
check_same "10,000 lines" "$(wc -l <"$tmp/urls" | tr -d ' ')" 10000

check "submit 10,000 lines" tq-submit parse - <"$tmp/urls"
task=$(jq -r .task_id "$out")
check_same "one item per distinct URL" "$(jq -r .total_items "$out")" 9000
check_same "message" "$(jq -r .message "$out")" "parse task queued: 9000 links"
check_same "9,000 links" "$(count links)" 9000
check_same "9,000 items in PostgreSQL" \
    "$(psqlc "SELECT count(*), count(DISTINCT item_id), count(DISTINCT job_id), min(seq), max(seq) FROM task_items_all WHERE task_id = $task")" \
    "9000|9000|9000|1|9000"
check_same "items in input order" \
    "$(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $task AND l.url <> 'https://bulk.example/p?i=' || (i.seq - 1)")" 0
check_same "as one batch, which the first claim writes out as rows" \
    "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $task") $(psqlc "SELECT cardinality(item_ids) FROM task_item_batches WHERE task_id = $task")" "0 9000"
check_same "all pending" \
    "$(psqlc "SELECT count(*) FROM task_items_all WHERE task_id = $task AND status = 'pending'")" 9000
check_same "9,000 jobs in Redis" "$(qlen)" 9000

psqlc "SELECT job_id FROM task_items_all WHERE task_id = $task ORDER BY job_id" >"$tmp/pg.ids"
rcli lrange rq:queue:parsing-queue 0 -1 | sort >"$tmp/redis.ids"
check "the queue holds exactly the items' jobs" cmp "$tmp/pg.ids" "$tmp/redis.ids"
check_same "in item order" "$(rcli lrange rq:queue:parsing-queue 0 -1 | md5sum)" \
    "$(psqlc "SELECT job_id FROM task_items_all WHERE task_id = $task ORDER BY seq" | md5sum)"

# every job hash, and what it says of its item
sed 's/^/HMGET rq:job:/; s/$/ data status origin/' "$tmp/pg.ids" |
    rcli >"$tmp/hashes"
psqlc "SELECT '[\"tq.parse\", null, [' || task_id || ', ' || item_id || '], {}]', 'queued', 'parsing-queue' FROM task_items_all WHERE task_id = $task ORDER BY job_id" |
    tr '|' '\n' >"$tmp/want"
check "every job hash there, naming its task and item" cmp "$tmp/want" "$tmp/hashes"
job=$(head -1 "$tmp/pg.ids")
item=$(psqlc "SELECT item_id FROM task_items_all WHERE job_id = '$job'")
check_same "the hash's fields: RQ's, no more" \
    "$(rcli hkeys "rq:job:$job" | sort | tr '\n' ' ')" \
    "created_at data description enqueued_at failure_ttl origin result_ttl retries_left retry_intervals status timeout "
check_same "description" "$(rcli hget "rq:job:$job" description)" \
    "tq.parse(task=$task, item=$item)"
check_same "data" "$(rcli hget "rq:job:$job" data)" \
    "[\"tq.parse\", null, [$task, $item], {}]"
check_same "queue registered" "$(rcli sismember rq:queues rq:queue:parsing-queue)" 1
# each hash is a copy of one template, with its own two fields set
sed 's/^/HMGET rq:job:/; s/$/ status origin created_at enqueued_at timeout result_ttl failure_ttl retries_left retry_intervals/' \
    "$tmp/pg.ids" | rcli | paste -d'|' - - - - - - - - - | sort | uniq -c >"$tmp/shared"
check_match "all 9,000 share their other nine fields" "$(cat "$tmp/shared")" \
    '^ *9000 queued\|parsing-queue\|20[0-9-]+T[0-9:.]+Z\|20[0-9-]+T[0-9:.]+Z\|[0-9]+\|[0-9]+\|[0-9]+\|[0-9]+\|\[[0-9, ]+\]$'
check_same "their fields in RQ's order, as one HSET writes them" \
    "$(rcli hkeys "rq:job:$job" | tr '\n' ' ')" \
    "status origin created_at enqueued_at timeout result_ttl failure_ttl retries_left retry_intervals description data "
check_same "the template is gone" "$(rcli --scan --pattern 'tq:submit:*' | wc -l | tr -d ' ')" 0
# and RQ itself (Debian's python3-rq) reads one as a queued job
/usr/bin/python3 -c 'import rq' 2>/dev/null || bail "install python3-rq"
check_same "RQ's Job.fetch reads it" "$(/usr/bin/python3 - "$tmp/redis.sock" "$job" <<'PY'
import sys
from redis import Redis
from rq.job import Job
j = Job.fetch(sys.argv[2], connection=Redis(unix_socket_path=sys.argv[1]))
print(j.get_status(), j.origin, j.description, j.timeout,
      j.retries_left, j.retry_intervals, j.enqueued_at is not None,
      j.created_at == j.enqueued_at)
PY
)" "queued parsing-queue tq.parse(task=$task, item=$item) 60 3 [0, 30, 300] True True"

TQ_LOG=debug tq-submit parse - <"$tmp/urls" >"$out" 2>"$tmp/again.err"
check_same "the same 10,000 lines again: exit 0" "$?" 0
# its first links are there: the general way at once, on one connection
check_match "links found at once" "$(tr '\n' ' ' <"$tmp/again.err")" \
    'URLs checked.*links made'
check_same "no COPY of links tried" "$(grep -c 'beside\|again' "$tmp/again.err")" 0
task2=$(jq -r .task_id "$out")
check_same "again 9,000 items" "$(jq -r .total_items "$out")" 9000
check_same "no new link" "$(count links)" 9000
check_same "the same links" \
    "$(psqlc "SELECT count(*) FROM task_items_all a JOIN task_items_all b ON a.seq = b.seq AND a.item_id = b.item_id WHERE a.task_id = $task AND b.task_id = $task2")" 9000
check_same "18,000 jobs queued" "$(qlen)" 18000

# 3,000 new URLs and one that has its link: the new links are written
# beside the items on a second connection, the one that is there stops
# that, and the submit runs again on one connection, whole
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://bulk.example/two?i=%d\n", i;
    print "https://bulk.example/p?i=7" }' >"$tmp/two"
links0=$(count links)
q0=$(qlen)
h0=$(rcli --scan --pattern 'rq:job:*' | wc -l)
TQ_LOG=debug tq-submit parse - <"$tmp/two" >"$out" 2>"$tmp/two.err"
check_same "3,000 new and one old: exit 0, 3,001 items" "$? $(jq -r .total_items "$out")" "0 3001"
# the first try had sent its pushes, in a MULTI to be run at its commit:
# they were discarded with it, and so were its job hashes
check_same "3,001 jobs queued, not 6,002" "$(( $(qlen) - q0 ))" 3001
check_same "3,001 job hashes more, none left by the first try" \
    "$(( $(rcli --scan --pattern 'rq:job:*' | wc -l) - h0 ))" 3001
check_match "tried beside, then on one connection" "$(tr '\n' ' ' <"$tmp/two.err")" \
    'link ids taken, links being written beside.*a link was there: again, on one connection.*links made'
check_same "3,000 new links, none twice" "$(( $(count links) - links0 ))" 3000
check_same "the old URL's item names its link" \
    "$(psqlc "SELECT l.url FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $(jq -r .task_id "$out") AND i.seq = 3001")" \
    "https://bulk.example/p?i=7"
# the same with the old URL early (after the first links, which are
# looked up before): PostgreSQL ends the links' COPY on its 101st row,
# while some 180 KB of rows are still to be sent
awk 'BEGIN { for (i = 0; i < 3000; i++) {
	if (i == 100) print "https://bulk.example/p?i=8";
	printf "https://bulk.example/first?i=%d\n", i } }' >"$tmp/first"
links0=$(count links)
TQ_LOG=debug tq-submit parse - <"$tmp/first" >"$out" 2>"$tmp/first.err"
check_same "one old among 3,000 new: exit 0, 3,001 items" "$? $(jq -r .total_items "$out")" "0 3001"
check_match "tried beside, then on one connection" "$(tr '\n' ' ' <"$tmp/first.err")" \
    'link ids taken, links being written beside.*a link was there: again, on one connection.*links made'
check_same "3,000 new links" "$(( $(count links) - links0 ))" 3000
# the link ids of a big submit are taken as one range, moving the
# sequence past it at once; a link already in the range (an id given
# by hand, or another session's nextval() at that very moment) stops
# the COPY as a link that is there does, and the next try takes another
next=$(psqlc "SELECT last_value + 1500 FROM links_id_seq")
psqlc "INSERT INTO links (id, url) VALUES ($next, 'https://bulk.example/by-hand')" >/dev/null
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://bulk.example/range?i=%d\n", i }' >"$tmp/range"
links0=$(count links)
TQ_LOG=debug tq-submit parse - <"$tmp/range" >"$out" 2>"$tmp/range.err"
check_same "a link in the range of ids: exit 0, 3,000 items" "$? $(jq -r .total_items "$out")" "0 3000"
check_same "3,000 new links, the one by hand kept" \
    "$(( $(count links) - links0 )) $(psqlc "SELECT url FROM links WHERE id = $next")" \
    "3000 https://bulk.example/by-hand"
check_same "each item names its own link" \
    "$(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $(jq -r .task_id "$out") AND l.url = 'https://bulk.example/range?i=' || (i.seq - 1)")" 3000
# a role that may use the sequence but not set it (GRANT USAGE without
# UPDATE) takes the ids one nextval() each
# role NAME SQL: a login role that may read and write the tables, then SQL
role() {
	psqlc "CREATE ROLE $1 LOGIN; GRANT USAGE ON SCHEMA public TO $1; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $1; $2" >/dev/null
}
role tq_usage "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tq_usage"
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://bulk.example/usage?i=%d\n", i }' >"$tmp/usage"
links0=$(count links)
# the role is set at the start of each session, whatever the URL names
check_same "sessions as tq_usage" \
    "$(PGOPTIONS="-c role=tq_usage" psqlc "SELECT current_user")" tq_usage
PGOPTIONS="-c role=tq_usage" \
    TQ_LOG=debug tq-submit parse - <"$tmp/usage" >"$out" 2>"$tmp/usage.err"
check_same "a role without UPDATE on the sequence: exit 0, 3,000 items" \
    "$? $(jq -r .total_items "$out")" "0 3000"
check_same "3,000 new links, each its item's" \
    "$(( $(count links) - links0 )) $(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $(jq -r .task_id "$out") AND l.url = 'https://bulk.example/usage?i=' || (i.seq - 1)")" \
    "3000 3000"
# roles that PostgreSQL refuses something for good: exit 3 as for bad
# input (no use trying again), the server's words, nothing written.
# refused ROLE WHAT SQL-AFTER-GRANTS MESSAGE [tq-submit args]
refused() {
	_role=$1 _what=$2 _sql=$3 _msg=$4
	shift 4
	role "$_role" "$_sql"
	links0=$(count links)
	tasks0=$(count processing_tasks)
	PGOPTIONS="-c role=$_role" tq-submit parse "$@" >"$out" 2>"$tmp/$_role.err"
	check_same "a role that may not $_what: exit 3, one line" \
	    "$? $(wc -l <"$tmp/$_role.err")" "3 1"
	check_match "$_role: the refusal named" "$(cat "$tmp/$_role.err")" \
	    "^tq-submit: postgresql: $_msg\$"
	check_same "$_role: no link, no task" \
	    "$(( $(count links) - links0 )) $(( $(count processing_tasks) - tasks0 ))" "0 0"
}
# the sequence not usable at all: 3,000 URLs, one nextval() each
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://bulk.example/noseq?i=%d\n", i }' >"$tmp/noseq"
refused tq_noseq "use the sequence" "" \
    "permission denied for sequence links_id_seq" - <"$tmp/noseq"
# the items' COPY refused (fewer than TQ_SUBMIT_BATCH: rows)
refused tq_noitems "write items" \
    "GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO tq_noitems; REVOKE INSERT ON task_items FROM tq_noitems" \
    "permission denied for table task_items" https://bulk.example/noitems
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://bulk.example/three?i=%d\n", i }' >"$tmp/three"
TQ_LOG=debug tq-submit parse - <"$tmp/three" >"$out" 2>"$tmp/three.err"
check_same "3,000 new: exit 0, 3,000 items" "$? $(jq -r .total_items "$out")" "0 3000"
check_match "written beside, committed first" "$(tr '\n' ' ' <"$tmp/three.err")" \
    'links being written beside.*items (copied|batched).*links committed.*committed'
check_same "each item names its own link" \
    "$(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $(jq -r .task_id "$out") AND l.url = 'https://bulk.example/three?i=' || (i.seq - 1)")" 3000

# link ids and their URLs name one item each
{ seq 1 100; seq 0 99 | sed 's|^|https://bulk.example/p?i=|'; echo https://bulk.example/new; } >"$tmp/mixed"
check "ids and URLs of the same links" tq-submit parse - <"$tmp/mixed"
check_same "101 items" "$(jq -r .total_items "$out")" 101

# two submits of the same new URLs at once: one link each, both tasks whole
awk 'BEGIN { for (i = 0; i < 6000; i++) printf "https://race.example/%d\n", i }' >"$tmp/race"
tq-submit parse - <"$tmp/race" >"$tmp/r1" 2>"$tmp/e1" &
p1=$!
tq-submit parse - <"$tmp/race" >"$tmp/r2" 2>"$tmp/e2" &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
check_same "concurrent submits both succeed" "$s1 $s2 $(jq -r .total_items "$tmp/r1") $(jq -r .total_items "$tmp/r2")" "0 0 6000 6000"

# six submits at once of the same new URLs, each in its own order (cron
# jobs, API clients): the links go in one order, so none waits on
# another's while holding what it waits for; before, about one submit
# in three ended "postgresql: deadlock detected"
failed=0
for round in 1 2 3; do
	awk -v r="$round" 'BEGIN { for (i = 0; i < 1500; i++)
	    printf "https://order.example/%d/%d\n", r, i }' >"$tmp/ord"
	pids=
	for k in 1 2 3 4 5 6; do
		shuf -o "$tmp/ord$k" "$tmp/ord"
	done
	for k in 1 2 3 4 5 6; do
		tq-submit parse - <"$tmp/ord$k" >/dev/null 2>"$tmp/oe$k" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || failed=$((failed + 1))
	done
done
check_same "18 concurrent submits in different orders: none fails" \
    "$failed $(cat "$tmp"/oe? | grep -c deadlock)" "0 0"
check_same "one link per URL" "$(psqlc "SELECT count(*) FROM links WHERE url LIKE 'https://order.example/%'")" 4500
# new links take ids in input order, whatever order they are written in
printf 'https://order.example/z\nhttps://order.example/1/0\nhttps://order.example/a\n' >"$tmp/za"
check "new, old and new URLs" tq-submit parse - <"$tmp/za"
check_same "the ids follow the input" \
    "$(psqlc "SELECT (SELECT id FROM links WHERE url = 'https://order.example/z') < (SELECT id FROM links WHERE url = 'https://order.example/a')")" t
check_same "one link per URL" "$(psqlc "SELECT count(*), count(DISTINCT url) FROM links WHERE url LIKE 'https://race.example/%'")" "6000|6000"
check_same "each task's items name the right links" \
    "$(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id IN ($(jq -r .task_id "$tmp/r1"), $(jq -r .task_id "$tmp/r2")) AND l.url = 'https://race.example/' || (i.seq - 1)")" 12000

# the ai stage takes 10,000 ids the same way
psqlc "INSERT INTO parsed_contents (link_id) SELECT id FROM links ORDER BY id LIMIT 6000" >/dev/null
pc=$(psqlc "SELECT min(id) FROM parsed_contents")
awk -v b="$pc" 'BEGIN { for (i = 0; i < 10000; i++) print b + i % 6000 }' >"$tmp/pcs"
check "ai: 10,000 ids, 6,000 distinct" tq-submit ai - <"$tmp/pcs"
check_same "ai: one item per id" "$(jq -r .total_items "$out")" 6000
check_same "ai: 6,000 jobs, each with its hash" \
    "$(rcli llen rq:queue:ai-queue) $(rcli lrange rq:queue:ai-queue 0 -1 | sed 's/^/EXISTS rq:job:/' | rcli | grep -c '^1$')" "6000 6000"
echo "$((pc + 7000))" >>"$tmp/pcs"
before=$(state)
check_status 3 "ai: one missing id among them" tq-submit ai - <"$tmp/pcs"
check_same "ai: nothing written" "$(state) $(rcli llen rq:queue:ai-queue)" "$before 6000"

# bad lines among 10,000: nothing written
before=$(state)
{ head -5000 "$tmp/urls"; echo "ftp://bulk.example/x"; echo "not a url";
  tail -5000 "$tmp/urls"; } >"$tmp/bad1"
check_status 3 "a line that is no URL" tq-submit parse - <"$tmp/bad1"
check_match "names the lines" "$(cat "$errf")" 'line 5002: not a link id or URL'
check_same "nothing written" "$(state)" "$before"
# the missing id: far past the links made here (about 110,000 ids, with
# gaps where a try was taken back, so that one near them may be there)
{ echo "https://bulk.example/fresh1"; head -5000 "$tmp/urls";
  echo "ftp://bulk.example/x"; echo "https://me:secret@bulk.example/y";
  echo 999999999; tail -5000 "$tmp/urls"; echo "https://bulk.example/fresh2"; } >"$tmp/bad2"
check_status 3 "bad URLs and a missing id" tq-submit parse - <"$tmp/bad2"
check_match "each reported" "$(tr "\n" " " <"$errf")" \
    'line 5002: unsupported scheme ftp.*line 5003: a user name or password.*link 999999999: no such link.*3 bad inputs: nothing submitted'
check_same "nothing written, no new link" "$(state)" "$before"
check_same "not even the new URLs' links" \
    "$(psqlc "SELECT count(*) FROM links WHERE url LIKE '%fresh%'")" 0
{ echo "ftp://bulk.example/early"; cat "$tmp/bad2"; } >"$tmp/bad3"
check_status 3 "a bad URL first" tq-submit parse - <"$tmp/bad3"
check_same "nothing written either" "$(state) $(psqlc "SELECT count(*) FROM links WHERE url LIKE '%fresh%'")" "$before 0"

# 2,500 lines but only 50 URLs: the second connection, opened at the
# start of a big submit, is let go, and the links made on one
awk 'BEGIN { for (i = 0; i < 2500; i++) printf "https://few.example/u?i=%d\n", i % 50 }' >"$tmp/few"
links0=$(count links)
TQ_LOG=debug tq-submit parse - <"$tmp/few" >"$out" 2>"$tmp/few.err"
check_same "2,500 lines of 50 URLs: exit 0, 50 items" "$? $(jq -r .total_items "$out")" "0 50"
check_match "links made on one connection" "$(tr '\n' ' ' <"$tmp/few.err")" \
    'backends connected, while reading.*links made'
check_same "no links written beside" "$(grep -c 'beside\|again' "$tmp/few.err")" 0
check_same "50 new links" "$(( $(count links) - links0 ))" 50

# a list whose first URL is known, the rest new: looked up first, then
# the rest made, on one connection
awk 'BEGIN { print "https://bulk.example/p?i=9";
    for (i = 0; i < 2499; i++) printf "https://mixed.example/m?i=%d\n", i }' >"$tmp/mixed"
links0=$(count links)
TQ_LOG=debug tq-submit parse - <"$tmp/mixed" >"$out" 2>"$tmp/mixed.err"
check_same "one known, 2,499 new: exit 0, 2,500 items" "$? $(jq -r .total_items "$out")" "0 2500"
check_same "on one connection" "$(grep -c 'beside\|again' "$tmp/mixed.err")" 0
check_same "2,499 new links" "$(( $(count links) - links0 ))" 2499
check_same "each item names its URL's link" \
    "$(psqlc "SELECT count(*) FROM task_items_all i JOIN links l ON l.id = i.item_id WHERE i.task_id = $(jq -r .task_id "$out") AND l.url = CASE WHEN i.seq = 1 THEN 'https://bulk.example/p?i=9' ELSE 'https://mixed.example/m?i=' || (i.seq - 2) END")" 2500

# the backends are connected while standard input is read; bad input
# is still bad input when PostgreSQL cannot be reached, and good input
# then a backend error, with nothing written
before=$(state)
check_status 3 "bad input, PostgreSQL away: exit 3" \
    env TQ_DATABASE_URL="postgresql:///postgres?host=$tmp/nowhere" tq-submit parse - <"$tmp/bad1"
# a URL that is bad in itself is found while tq-submit connects
{ cat "$tmp/few"; echo "ftp://bulk.example/file"; } >"$tmp/bad4"
check_status 3 "a bad URL, PostgreSQL away: exit 3" \
    env TQ_DATABASE_URL="postgresql:///postgres?host=$tmp/nowhere" tq-submit parse - <"$tmp/bad4"
check_match "it is named" "$(cat "$errf")" "line 2501: unsupported scheme ftp"
check_status 4 "good input, PostgreSQL away: exit 4" \
    env TQ_DATABASE_URL="postgresql:///postgres?host=$tmp/nowhere" tq-submit parse - <"$tmp/few"
check_same "nothing written" "$(state)" "$before"

# FLUSHALL while the hashes are written: tq-submit waits after the
# template and the first 256 copies while $tmp/pause is there
# (TQ_TEST_SUBMIT_PAUSE, tests only); the copies after the FLUSHALL find
# no template, and those jobs are written again whole, so no hash is
# ever half there
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "https://bulk.example/flush?i=%d\n", i }' >"$tmp/flush"
rcli flushall >/dev/null
touch "$tmp/pause"
TQ_TEST_SUBMIT_PAUSE=$tmp/pause TQ_LOG=info tq-submit parse - <"$tmp/flush" \
    >/dev/null 2>"$tmp/flush.err" &
sp=$!
copied() { [ "$(rcli dbsize)" -ge 257 ]; }
wait_for 30 copied || diag "the first copies did not come"
rcli flushall >/dev/null
rm -f "$tmp/pause"
wait "$sp"
check_same "a FLUSHALL under a submit: it still exits 0" "$?" 0
check_match "the jobs after it are written again" "$(cat "$tmp/flush.err")" \
    'submit: 9744 job hashes written again'
check_same "each of them whole, none half there" \
    "$(rcli --scan --pattern 'rq:job:*' | sed 's/^/HLEN /' | rcli | sort | uniq -c | tr -s ' ')" \
    " 9744 11"

# Redis killed while the hashes are written: a write to its closed
# socket must fail as a lost connection (exit 4, one line), never kill
# tq-submit with SIGPIPE and nothing said
if [ -z "${TQ_TEST_REDIS_URL:-}" ]; then
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://bulk.example/gone?i=%d\n", i }' >"$tmp/gone"
	touch "$tmp/pause"
	TQ_TEST_SUBMIT_PAUSE=$tmp/pause tq-submit parse - <"$tmp/gone" \
	    >"$tmp/gone.out" 2>"$tmp/gone.err" &
	sp=$!
	wait_for 30 copied || diag "the first copies did not come"
	kill -KILL "$TQ_REDIS_PID"
	wait "$TQ_REDIS_PID" 2>/dev/null
	rm -f "$tmp/pause"
	wait "$sp"
	check_same "Redis killed under a submit: exit 4, not SIGPIPE" "$?" 4
	check_match "one line naming Redis" "$(cat "$tmp/gone.err")" '^tq-submit: .*redis'
	check_same "in one line" "$(wc -l <"$tmp/gone.err" | tr -d ' ')" 1
	rm -f "$tmp/redis.sock"
	start_redis
else
	skip 3 "Redis is not the harness's own (TQ_TEST_REDIS_URL)"
fi
# a reader that went away: exit 5 with its line, as tq(7) says
(echo https://bulk.example/reader; echo https://bulk.example/reader2) >"$tmp/reader"
( tq-submit -j parse - <"$tmp/reader" 2>"$tmp/reader.err"; echo $? >"$tmp/reader.rc" ) | true
check_same "stdout's reader gone: exit 5" "$(cat "$tmp/reader.rc")" 5
check_same "one line says why" "$(cat "$tmp/reader.err")" "tq-submit: stdout: Broken pipe"
check_same "the task was submitted" "$(psqlc "SELECT count(*) FROM links WHERE url LIKE '%/reader%'")" 2

done_testing
