#!/bin/sh
# The notion stage under a kill loop: worker processes die by SIGKILL
# every 1-2.5 s while they import 24 pages of 250 blocks (a create and two
# appends each) into tests/fake-notion.py, which answers after 150 ms,
# so that deaths land before, during and after every kind of request.
# However they die, no content ever has two pages; once the failed
# items are retried, every content has one page with all its blocks, in
# order, and its import row names that page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 6
start_redis
start_pg
start_notion --rps 10 --burst 10 --latency-ms 150
export TQ_NOTION_RPS=8 TQ_MAINT_INTERVAL=2 TQ_RETRY_DELAYS=0,1,1
n=24
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
killed=0
t0=$(date +%s)
while [ $(($(date +%s) - t0)) -lt "$secs" ] && ! ended; do
	sleep "$(shuf -i 1000-2500 -n 1 | sed 's/...$/.&/')"
	w=$(pgrep -P "$sup" | shuf -n 1)
	[ -n "$w" ] && kill -KILL "$w" 2>/dev/null && killed=$((killed + 1))
done
tq-wait -t 180 "$t" >/dev/null
check_same "every item ended" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status IN ('pending', 'running')")" 0
check_same "none failed but for 3 crashes" "$(psqlc "SELECT count(*) FROM task_items WHERE task_id = $t AND status <> 'completed' AND error_message NOT LIKE 'worker died 3 times%'")" 0
# titles and block counts of the pages not in the trash
pages() {
	fake GET /_fake/pages | jq -r '.pages[] | select(.in_trash | not) | select(.title | startswith("Kill ")) | "\(.title)\t\(.id)\t\(.blocks | length)\t\([.blocks[] | select(.type == "paragraph") | .paragraph.rich_text[0].plain_text | select(startswith("Paragraph"))] == [range(1; 242) | "Paragraph \(.)."])"' | sort
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
check_same "then every content has one page, 250 blocks in order" "$(pages | awk -F'\t' '$3 == 250 && $4 == "true"' | cut -f1 | uniq | wc -l) $(pages | wc -l)" "$n $n"
check_same "and its import row names that page" "$(pages | cut -f2 | tr -d - | sort | tr '\n' ' ')" "$(psqlc "SELECT replace(notion_page_id, '-', '') FROM notion_imports WHERE ai_content_id IN ($(echo $ids | tr ' ' ','))" | sort | tr '\n' ' ')"
stop_worker "$sup"
done_testing
