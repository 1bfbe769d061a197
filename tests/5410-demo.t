#!/bin/sh
# The README's quick start: demo/run (what `make demo` runs after the
# build) takes the bundled pages through the three stages with its own
# private Redis, PostgreSQL, web server and Notion stand-in, prints what
# came of them, exits 0, and leaves nothing running or on disk.  Its
# token never shows in what it prints.
. "$(dirname "$0")/lib.sh"
plan 10
need jq jq
# no Notion of the caller's: the stand-in, as on a fresh machine
unset NOTION_TOKEN TQ_NOTION_TOKEN TQ_NOTION_DATABASE TQ_NOTION_URL
check "demo/run exits 0" sh "$TQ_TOP/demo/run"
cp "$out" "$tmp/demo.out"
cp "$errf" "$tmp/demo.err"
o=$(cat "$tmp/demo.out")
if [ -s "$tmp/demo.err" ]; then
	diag "stderr: $(head -c 600 "$tmp/demo.err")"
fi
check_match "the parse task: three pages parsed, the missing one failed with its 404" \
    "$(printf '%s\n' "$o" | sed -n '/^== parse task/,/^== ai task/p' |
	awk '$3 == "completed" { c++ } $3 == "failed" && /missing-page.html  http 404/ { f++ }
	    END { print c + 0, f + 0 }')" '^3 1$'
check_match "the ai task: three items completed by the builtin model" \
    "$(printf '%s\n' "$o" | sed -n '/^== ai task/,/^== notion task/p' |
	grep -c 'completed .*"model":"builtin"')" '^3$'
check_match "the notion task: three pages created in the stand-in's database" \
    "$(printf '%s\n' "$o" | sed -n '/^== notion task/,/^== results/p' |
	grep -c '"action":"created".*"database_id":"11111111-1111-4111-8111-111111111111"')" '^3$'
check_match "three results with a summary, keywords and insights" \
    "$(printf '%s\n' "$o" | awk '/^--- / { t++ } /^summary: ./ { s++ }
	/^keywords: ./ { k++ } /^insights: ./ { i++ } END { print t + 0, s + 0, k + 0, i + 0 }')" \
    '^3 3 3 3$'
check_match "the German page is summarised in German" "$o" \
    'site: [^,]*, language: de, [0-9]+ words'
check_match "the stand-in holds the three pages with their tags and blocks" \
    "$(printf '%s\n' "$o" | grep -c '^    blocks: .*paragraph x')" '^3$'
check_match "it says how each task ended" "$o" \
    'the parse task ended with status 1 .*the ai task with 0, the notion task with 0'
check_same "the token is never printed" \
    "$(grep -c 'demo_token' "$tmp/demo.out" "$tmp/demo.err" | awk -F: '{ s += $2 } END { print s }')" 0
# the private servers' directory, from the line that names the Redis
d=$(printf '%s\n' "$o" | sed -n 's|.*private Redis (unix://\(/[^ )]*\)/redis.sock).*|\1|p')
left=
if [ -z "$d" ]; then
	left="no private directory named"
else
	# give the servers stopped on exit a moment to go
	gone() { ! ps -e -o args= | grep -F "$d" | grep -v grep >/dev/null; }
	wait_for 10 gone || left="processes: $(ps -e -o args= | grep -F "$d" | grep -v grep | head -3)"
	[ -e "$d" ] && left="$left; $d is still there"
fi
check_same "nothing left running or on disk" "$left" ""
