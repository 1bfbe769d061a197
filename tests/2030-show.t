#!/bin/sh
# tq-show: what tq produced, by task, link, URL, parsed or AI content
# id, or records on stdin; JSON lines in a pipe, a page on a terminal.
. "$(dirname "$0")/lib.sh"
plan 28
start_redis
start_pg
start_httpd

tq-submit parse "$HTTP/t/page?title=Harbour+news&words=300" "$HTTP/t/page?title=Museum+opens&words=200" >"$out"
pt=$(jq -r .task_id "$out")
tq-worker -b -Q parsing-queue >>"$tmp/worker.log" 2>&1
tq-wait -t 20 "$pt" | tq-submit ai >"$out"
at=$(jq -r .task_id "$out")
tq-worker -b -Q ai-queue >>"$tmp/worker.log" 2>&1
tq-wait -t 20 "$at" >"$tmp/ai.json"

check "a parse task" tq-show "$pt"
check_same "one line per link, in order" "$(jq -r .title "$out" | tr '\n' '|')" "Harbour news|Museum opens|"
check_match "with its URL and words" "$(jq -r '"\(.url) \(.word_count)"' "$out" | head -1)" "^$HTTP/t/page\\?title=Harbour\\+news&words=300 [0-9]+$"
check_same "and the AI result" "$(jq -r '.ai | length' "$out" | tr '\n' ' ')" "1 1 "
check_match "summary and keywords" "$(jq -r '.ai[0] | "\(.model) \(.summary | length > 20) \(.keywords | length > 0)"' "$out" | head -1)" '^builtin true true$'
check_same "no text without -t" "$(jq 'has("text")' "$out" | head -1)" false
check "the ai task shows the same links" tq-show "task:$at"
check_same "same titles" "$(jq -r .title "$out" | tr '\n' '|')" "Harbour news|Museum opens|"
link=$(psqlc "SELECT min(id) FROM links")
parsed=$(psqlc "SELECT id FROM parsed_contents WHERE link_id = $link")
ai=$(psqlc "SELECT id FROM ai_processed_contents WHERE parsed_content_id = $parsed")
check "by link, parsed and ai id, once each" tq-show "link:$link" "parsed:$parsed" "ai:$ai"
check_same "the same link once" "$(jq -r .link_id "$out")" "$link"
check "by URL" tq-show "$HTTP/t/page?title=Museum+opens&words=200"
check_same "finds it" "$(jq -r .title "$out")" "Museum opens"
check "-t adds the text" tq-show -t "link:$link"
check_match "the article text" "$(jq -r .text "$out")" '[a-z]+ [a-z]+ [a-z]+'
check "records on stdin (tq-wait's)" sh -c "tq-show < '$tmp/ai.json'"
check_same "the ai task's links" "$(jq -s length "$out")" 2
check_status 3 "unknown ids: exit 3" tq-show link:999 ai:999 "$HTTP/t/none" bogus
check_same "one line each" "$(wc -l <"$errf" | tr -d ' ')" 4
tq-show -H "$pt" >"$out"
check_same "a page on a terminal" "$(grep -c '^Harbour news$\|^  Summary:$\|^  Keywords: ' "$out")" 5
check_match "with the parsed facts" "$(cat "$out")" '[0-9]+ words'
# an insight longer than a line: its next lines under its text, not
# under the bullet
psqlc "UPDATE ai_processed_contents SET insights = '{\"points\": [\"Key point: $(printf 'word %.0s' $(seq 1 30))end\"]}' WHERE id = $ai" >/dev/null
tq-show -H "ai:$ai" >"$out"
check_same "an insight wraps under its own text" \
	"$(sed -n '/^  Insights:$/,$p' "$out" | sed -n '2,3p' | cut -c1-17)" \
	"   - Key point: w
     word word wo"
# wrapped at 72 columns of the terminal, not 72 bytes: Cyrillic (2
# bytes, 1 column), Japanese without spaces (3 bytes, 2 columns), each
# character whole
ja=$(printf '\346\227\245\346\234\254\350\252\236\343\201\256\343\203\206\343\202\255\343\202\271\343\203\210%.0s' $(seq 1 12))
ru=$(printf '\320\237\321\200\320\270\320\262\320\265\321\202 \320\274\320\270\321\200 %.0s' $(seq 1 20))
psqlc "UPDATE ai_processed_contents SET summary = '$ru', insights = '{\"points\": [\"$ja\"]}' WHERE id = $ai" >/dev/null
tq-show -H "ai:$ai" >"$out"
widths() { sed -n "/^  $1:\$/,/^  [A-Z]/p" "$out" | sed '1d;$d' | LC_ALL=C.UTF-8 wc -L | tr -d ' '; }
lines() { sed -n "/^  $1:\$/,/^  [A-Z]/p" "$out" | sed '1d;$d' | wc -l | tr -d ' '; }
check_same "Cyrillic: lines of up to 72 columns, 4 of them" "$(widths Summary) $(lines Summary)" "69 4"
check_same "Japanese without spaces: cut to 72 columns" "$(widths Insights)" 71
check_same "every character whole" "$(sed -n '/^  Insights:$/,$p' "$out" | sed '1d' | tr -d ' \n-')" "$ja"
# Thai without spaces is cut between clusters: no line opens with the
# vowel sign that belongs to the letter before it
th=$(printf '\340\270\201\340\270\201\340\270\263%.0s' $(seq 1 60))
psqlc "UPDATE ai_processed_contents SET summary = '$th' WHERE id = $ai" >/dev/null
tq-show -H "ai:$ai" >"$out"
check_same "no line opens with a vowel sign" "$(sed -n '/^  Summary:$/,/^  [A-Z]/p' "$out" | sed '1d;$d' | sed 's/^ *//' | grep -c "^$(printf '\340\270\263')")" 0
# a title with a bidi override ("Trojan Source") reorders no line of
# the page on a terminal; JSON keeps the title as it is
rlo=$(printf '\342\200\256')
psqlc "UPDATE parsed_contents SET title = 'Invoice ${rlo}fdp.exe' WHERE link_id = $link" >/dev/null
tq-show -H "link:$link" >"$out"
check_same "-H: the override as \\u202e" "$(head -1 "$out")" 'Invoice \u202efdp.exe'
check_same "-H: none raw" "$(grep -c "$rlo" "$out")" 0
tq-show "link:$link" >"$out"
check_same "JSON: the title as it is" "$(jq -r .title "$out")" "Invoice ${rlo}fdp.exe"
done_testing
