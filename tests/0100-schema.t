#!/bin/sh
# the schema: migrations applied by the programs themselves, once,
# even when several start at the same time on an empty database
. "$(dirname "$0")/lib.sh"
plan 36
start_pg
pids=""
for i in 1 2 3 4 5 6 7 8; do
	tq-status -l >"$tmp/o$i" 2>"$tmp/e$i" &
	pids="$pids $!"
done
fails=0
for p in $pids; do
	wait "$p" || fails=$((fails + 1))
done
check_same "8 programs started at once on an empty database" "$fails" 0
# versions need not be consecutive (branches number theirs apart)
nmig=$(ls "$TQ_TOP"/sql/[0-9]*.sql | wc -l | tr -d ' ')
latest=$(ls "$TQ_TOP"/sql/[0-9]*.sql | sed 's|.*/0*||; s|-.*||' | sort -n | tail -1)
check_same "every migration applied exactly once" \
	"$(psqlc "SELECT count(*), count(DISTINCT version), max(version) FROM tq_schema")" "$nmig|$nmig|$latest"
check_same "the tables are there" "$(psqlc "SELECT count(*) FROM pg_tables WHERE tablename IN ('links', 'parsed_contents', 'ai_models', 'ai_processed_contents', 'notion_imports', 'processing_tasks', 'task_items')")" 7
check_same "the builtin model is the default" "$(psqlc "SELECT name FROM ai_models WHERE is_default")" builtin
check "a second start changes nothing" sh -c "tq-status -l && [ \$(psql -XAtq '$TQ_DATABASE_URL' -c 'SELECT count(*) FROM tq_schema') = $nmig ]"

# task_items.task_id names a task, for every writer (sql/0010 checks it
# per statement, not by a foreign key)
psqlc "INSERT INTO processing_tasks (id, type, queue_name, job_id) VALUES (900, 'parsing', 'parsing-queue', 'j900'), (901, 'parsing', 'parsing-queue', 'j901')" >/dev/null
check "items of a task" psqlc "INSERT INTO task_items (task_id, seq, item_id, item_type, job_id) VALUES (900, 1, 1, 'link', 'a1'), (900, 2, 2, 'link', 'a2'), (901, 1, 1, 'link', 'b1')"
check_status 1 "an item of no task is refused" psqlc "INSERT INTO task_items (task_id, seq, item_id, item_type, job_id) VALUES (900, 3, 3, 'link', 'a3'), (999, 1, 1, 'link', 'x1')"
check_match "as a foreign key violation" "$(psql -X -q -A -t -v VERBOSITY=verbose "$TQ_DATABASE_URL" -c "INSERT INTO task_items (task_id, seq, item_id, item_type, job_id) VALUES (999, 1, 1, 'link', 'x1')" 2>&1 | tr "\n" " ")" '23503.*Key \(task_id\)=\(999\)'
check_status 1 "an item moved to no task is refused" psqlc "UPDATE task_items SET task_id = 998 WHERE job_id = 'a2'"
psqlc "UPDATE task_items SET status = 'running' WHERE job_id = 'a1'; UPDATE task_items SET status = 'failed' WHERE job_id = 'a1'" >/dev/null
check_same "deleting a task deletes its items and their attempts" "$(psqlc "DELETE FROM processing_tasks WHERE id = 900; SELECT count(*) FROM task_items WHERE task_id = 900; SELECT count(*) FROM task_item_attempts")" "0
0"
check_status 1 "a task with items keeps its id" psqlc "UPDATE processing_tasks SET id = 902 WHERE id = 901"
check_same "truncating the tasks truncates the items" "$(psqlc "SET client_min_messages = warning; TRUNCATE processing_tasks CASCADE; SELECT count(*) FROM task_items")" 0

# every lookup of a job seeks in task_items_state (status, job_id)
# (sql/0013): by the states it names and the job id, not by scanning
seeks() {	# seeks SQL: its plan seeks on both columns of the index
	_plan=$(psql -X -q -A -t -v ON_ERROR_STOP=1 "$TQ_DATABASE_URL" \
	    -c "SET enable_seqscan = off; SET enable_bitmapscan = off; EXPLAIN $1") ||
	    return 1
	case $_plan in
	*"Seq Scan on task_items"*) return 1 ;;
	esac
	printf '%s\n' "$_plan" | grep -q 'Index Cond: .*status.*job_id'
}
psqlc "INSERT INTO processing_tasks (id, type, queue_name, job_id) VALUES (910, 'parsing', 'parsing-queue', 'j910')" >/dev/null
psqlc "INSERT INTO processing_tasks (id, type, queue_name, job_id) VALUES (911, 'parsing', 'parsing-queue', 'j911'); INSERT INTO task_items (task_id, seq, item_id, item_type, job_id, status) SELECT 911, g, g, 'link', 'p' || g, CASE WHEN g % 3 = 0 THEN 'pending' ELSE 'completed' END FROM generate_series(1, 6000) g; ANALYZE task_items" >/dev/null
check "an open job by its id: a seek" seeks "SELECT * FROM task_items WHERE job_id = 'x' AND status IN ('pending', 'running') FOR UPDATE"
check "a running job by its id: a seek" seeks "UPDATE task_items SET updated_at = now() WHERE job_id = 'x' AND status = 'running'"
check "closed jobs by their ids: a seek" seeks "SELECT job_id FROM task_items WHERE job_id = ANY('{x,y}'::text[]) AND status IN ('completed', 'failed', 'cancelled')"
check "a job in any state: a seek" seeks "SELECT status FROM task_items WHERE job_id = 'x' AND status IN ('pending', 'running', 'completed', 'failed', 'cancelled')"
check "a chain's follow-up: a seek" seeks "SELECT c.job_id FROM task_items s JOIN task_items c ON c.source_item_id = s.id WHERE s.job_id = 'x' AND c.status = 'pending' AND s.status IN ('pending', 'running', 'completed', 'failed', 'cancelled')"
check_status 1 "a job by its id alone is no seek (the check can fail)" seeks "SELECT * FROM task_items WHERE job_id = 'x'"
psqlc "INSERT INTO task_items (task_id, seq, item_id, item_type, job_id, status) VALUES (910, 1, 1, 'link', 'c1', 'completed')" >/dev/null

# a follow-up's source item exists, for every writer (sql/0014 checks
# it per statement, not by a foreign key)
src=$(psqlc "SELECT id FROM task_items WHERE job_id = 'c1'")
check "a follow-up of an item" psqlc "INSERT INTO task_items (task_id, seq, item_id, item_type, job_id, source_item_id) VALUES (910, 3, 3, 'link', 'f1', $src)"
check_match "a follow-up of no item is refused, as a foreign key violation" "$(psql -X -q -A -t -v VERBOSITY=verbose "$TQ_DATABASE_URL" -c "INSERT INTO task_items (task_id, seq, item_id, item_type, job_id, source_item_id) VALUES (910, 4, 4, 'link', 'f2', NULL), (910, 5, 5, 'link', 'f3', 987654)" 2>&1 | tr "\n" " ")" '23503.*Key \(source_item_id\)=\(987654\)'
check_status 1 "an item given a source that is not there is refused" psqlc "UPDATE task_items SET source_item_id = 987654 WHERE job_id = 'f1'"
check_same "deleting the source item leaves its follow-up without one" "$(psqlc "DELETE FROM task_items WHERE id = $src; SELECT coalesce(source_item_id::text, 'none') FROM task_items WHERE job_id = 'f1'")" none

# a user that may not create tables (PostgreSQL 15 lets only the
# database's owner create in the schema public): told what to do
psqlc "CREATE ROLE app LOGIN" >/dev/null
psqlc "CREATE DATABASE appdb" >/dev/null
appdb=$(echo "$TQ_DATABASE_URL" | sed 's|///postgres|///appdb|')
check_status 4 "a user that may not create tables" \
	env TQ_DATABASE_URL="$(echo "$appdb" | sed 's/user=tq/user=app/')" tq-status -l
check_match "is told what to do" "$(cat "$errf")" \
	"^tq-status: postgresql: permission denied for schema public: tq makes its tables itself, and this user may not \\(make it the database's owner, as createdb -O does, or GRANT CREATE ON SCHEMA public TO it\\)\$"
# the owner makes them; a user given the rows only works
check "the owner makes the tables" env TQ_DATABASE_URL="$appdb" tq-status -l
psql -X -q "$appdb" -c "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app; GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO app" >/dev/null
start_redis
app=$(echo "$appdb" | sed 's/user=tq/user=app/')
check "then a user with rights on the rows only submits" \
	env TQ_DATABASE_URL="$app" tq-submit parse https://a.example/x
check_same "and reads its task" \
	"$(TQ_DATABASE_URL=$app tq-status 1 | jq -r '"\(.type) \(.total_items)"')" "parsing 1"
# an upgrade: the owner's tables of an older tq (schema 18), a user
# given their rows only is told to run the new tq once as their owner,
# not to be given a right to create that would not do
psqlc "CREATE DATABASE olddb" >/dev/null
olddb=$(echo "$TQ_DATABASE_URL" | sed 's|///postgres|///olddb|')
old_schema "$olddb" 18
grant="GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app; GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO app"
psql -X -q "$olddb" -c "$grant" >/dev/null
oldapp=$(echo "$olddb" | sed 's/user=tq/user=app/')
check_status 4 "an upgrade by a user given the rows only" \
	env TQ_DATABASE_URL="$oldapp" tq-status -l
check_match "is told to run the new tq as the tables' owner" "$(cat "$errf")" \
	"^tq-status: migration 0019-item-batches: postgresql: permission denied for schema public: tq upgrades its tables itself, and this user may not change them \\(run this tq once as their owner, then give this user the rows of the new tables too\\)\$"
psql -X -q "$olddb" -c "GRANT CREATE ON SCHEMA public TO app" >/dev/null
check_status 4 "the right to create is not enough" \
	env TQ_DATABASE_URL="$oldapp" tq-status -l
check_match "and it is told the same" "$(cat "$errf")" \
	"^tq-status: migration 0019-item-batches: postgresql: permission denied for table processing_tasks: tq upgrades its tables itself"
check "the owner runs it once" env TQ_DATABASE_URL="$olddb" tq-status -l
psql -X -q "$olddb" -c "$grant" >/dev/null
check "then the user works" env TQ_DATABASE_URL="$oldapp" tq-status -l

# a newer tq migrated the database further (its owner did): this
# one's migrations are all there, so it has nothing to make
psql -X -q "$appdb" -c "INSERT INTO tq_schema (version, name) VALUES ($((latest + 1)), '$(printf %04d $((latest + 1)))-newer')" >/dev/null
check "a database a newer tq migrated: the rows are enough" \
	env TQ_DATABASE_URL="$app" tq-status 1
check_same "nothing was asked to be made: one line" "$(wc -l <"$errf")" 1
check_match "which says the database is newer" \
	"$(cat "$errf")" \
	"^[^ ]+Z warn  tq-status schema_newer unknown=$((latest + 1)) latest=$latest msg=\"the database has migrations this tq does not know: upgrade it\"\$"
done_testing
