#!/bin/sh
# the schema: migrations applied by the programs themselves, once,
# even when several start at the same time on an empty database
. "$(dirname "$0")/lib.sh"
plan 5
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
done_testing
