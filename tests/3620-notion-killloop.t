#!/bin/sh
# The notion stage under a kill loop: worker processes die by SIGKILL
# every 0.7-1.8 s while they import 20 pages of 250 blocks (a create and
# two appends each) into tests/fake-notion.py, which answers after
# 150 ms, so that deaths land before, during and after every kind of
# request.  However they die, no content ever has two pages; once the
# failed items are retried, every content has one page with all its
# blocks, in order, and its import row names that page.  Then the same
# under kills for a re-import of changed text: the pages' last blocks
# are deleted and the new ones appended, and every page ends with the
# new text, once and in order.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 10
start_redis
start_pg
start_notion --rps 10 --burst 10 --latency-ms 150
export TQ_NOTION_RPS=8 TQ_MAINT_INTERVAL=2 TQ_RETRY_DELAYS=0,1,1
n=20
secs=${TQ_KILL_SECONDS:-12}

python3 -c "print('\n\n'.join('Paragraph %d.' % i for i in range(1, 242)))" >"$tmp/text.txt"
ids=""
for i in $(seq 1 "$n"); do
	ids="$ids $(mkai "https://example.org/kill/$i" "Kill $i" - "$tmp/text.txt")"
done
start_worker -n 2 -c notion-queue=4 -Q notion-queue
sup=$TQ_WORKER_PID
tq-submit -w notion -D $DB1 $ids >"$out"
t=$(jq -r .task_id "$out")
ended() { [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status IN ('pending', 'running')")" = 0 ]; }
killloop() {	# kill worker processes until the task $t ends or $secs pass
	killed=0
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt "$secs" ] && ! ended; do
		sleep "$(shuf -i 700-1800 -n 1 | sed 's/...$/.&/')"
		w=$(pgrep -P "$sup" | shuf -n 1)
		[ -n "$w" ] && kill -KILL "$w" 2>/dev/null && killed=$((killed + 1))
	done
	tq-wait -t 180 "$t" >/dev/null
}
killloop
check_same "every item ended" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status IN ('pending', 'running')")" 0
check_same "none failed but for 3 crashes" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status <> 'completed' AND error_message NOT LIKE 'worker died 3 times%'")" 0
# each page not in the trash: title, id, blocks, whether its paragraphs
# are "Paragraph 1." to "Paragraph $last." in order and once each (with
# "Paragraph 241, changed." after the re-import), and its bookmarks
last=241
pages() {
	fake GET /_fake/pages | jq -r --argjson last $last '.pages[] | select(.in_trash | not) | select(.title | startswith("Kill ")) | "\(.title)\t\(.id)\t\(.blocks | length)\t\([.blocks[] | select(.type == "paragraph") | .paragraph.rich_text[0].plain_text | select(startswith("Paragraph"))] == [range(1; $last + 1) | if . == 241 and $last > 241 then "Paragraph 241, changed." else "Paragraph \(.)." end])\t\([.blocks[] | select(.type == "bookmark")] | length)"' | sort
}
check_same "no content has two pages" "$(pages | cut -f1 | uniq -d)" ""
failed=$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status <> 'completed'")
crashes=$(psqlc "SELECT sum(crash_count) FROM task_items WHERE task_id = $t")
diag "$killed worker processes killed in the loop, $crashes crashes counted, $failed items failed after 3"
ok "$([ "$killed" -ge 3 ] && [ "$crashes" -ge 1 ] && echo 0 || echo 1)" "the loop killed workers holding imports ($killed killed, $crashes crashes)"
# the failed ones once more, without kills
if [ "$failed" -gt 0 ]; then
	tq-retry "$t" >/dev/null
	tq-wait -t 120 "$t" >/dev/null
fi
check_same "then every content has one page, 250 blocks in order" "$(pages | awk -F'\t' '$3 == 250 && $4 == "true" && $5 == 1' | cut -f1 | uniq | wc -l) $(pages | wc -l)" "$n $n"
rows() { psqlc "SELECT replace(notion_page_id, '-', '') FROM notion_imports WHERE ai_content_id IN ($(echo $ids | tr ' ' ','))" | sort | tr '\n' ' '; }
check_same "and its import row names that page" "$(pages | cut -f2 | tr -d - | sort | tr '\n' ' ')" "$(rows)"
before=$(pages | cut -f2 | sort | tr '\n' ' ')

# the re-import: the text's last paragraph changed and five more
python3 -c "print('\n\n'.join(['Paragraph %d.' % i for i in range(1, 241)] + ['Paragraph 241, changed.'] + ['Paragraph %d.' % i for i in range(242, 247)]))" >"$tmp/text2.txt"
psqlc "UPDATE parsed_contents SET content = \$q\$$(cat "$tmp/text2.txt")\$q\$ WHERE link_id IN (SELECT id FROM links WHERE url LIKE 'https://example.org/kill/%')" >/dev/null
last=246
tq-submit -w notion -D $DB1 $ids >"$out"
t=$(jq -r .task_id "$out")
killloop
check_same "the re-import under kills: every item ended" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status IN ('pending', 'running')")" 0
diag "re-import: $killed worker processes killed, $(psqlc "SELECT sum(crash_count) FROM task_items WHERE task_id = $t") crashes counted"
if [ "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status <> 'completed'")" -gt 0 ]; then
	tq-retry "$t" >/dev/null
	tq-wait -t 120 "$t" >/dev/null
fi
check_same "the same pages, no new one" "$(pages | cut -f2 | sort | tr '\n' ' ')" "$before"
check_same "each with the new text once, in order, one bookmark" "$(pages | awk -F'\t' '$3 == 255 && $4 == "true" && $5 == 1' | wc -l)" "$n"
check_same "the import rows count the blocks" "$(psqlc "SELECT DISTINCT blocks_written FROM notion_imports WHERE ai_content_id IN ($(echo $ids | tr ' ' ','))")" 255
stop_worker "$sup"
done_testing
