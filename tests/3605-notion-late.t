#!/bin/sh
# the notion stage when Notion answers late, through real workers
# against tests/fake-notion.py: a create or an append that Notion
# carries out after the worker stopped waiting for it is waited for
# (TQ_NOTION_SETTLE) before the page is looked up, in the same run when
# the job has the time, else in a later one (never a second page, never
# a block twice, no retry counted for the wait); a lookup that itself
# runs out of time, and a worker killed meanwhile, leave the next run
# waiting too; and under the default timeout a create answered after
# 25 s is waited for.  Apart from tests/3600-notion.t, whose other
# cases do not wait so, so that the two run side by side
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notion-lib.sh"
plan 17
start_redis
start_pg
start_notion --hang 8 --rps 20
export TQ_RETRY_DELAYS=0,1,1
export TQ_NOTION_RPS=20
# a create or append without an answer is taken as not done after 8 s
# (Notion's own ceiling is 60 s; the default waits 65)
export TQ_NOTION_SETTLE=8
start_worker -n 2 -t notion-queue=12

# in_order TITLE: the page's count of blocks, and whether its paragraphs
# are "Paragraph 1." to "Paragraph 241.", in order and once each
in_order() {
	fake GET /_fake/pages | jq -r --arg t "$1" '.pages[] | select(.title == $t) | "\(.blocks | length) \([.blocks[] | select(.type == "paragraph") | .paragraph.rich_text[0].plain_text | select(startswith("Paragraph"))] == [range(1; 242) | "Paragraph \(.)."])"'
}
fired() { [ "$(fake GET /_fake/faults | jq '.faults | length')" = 0 ]; }
python3 -c "print('\n\n'.join('Paragraph %d.' % i for i in range(1, 242)))" >"$tmp/text.txt"

# --- Notion goes on with a request after the client stopped waiting
# (a job timeout of 12 s gives each request 4 s): a create that lands
# 7 s after it was sent is not found at first.  The worker must not
# create a second page before 8 s after the send (TQ_NOTION_SETTLE);
# the job has not the time to wait, so it goes back to the queue until
# then, and its next run finds the page
late_landed() { [ "$(fake GET /_fake/log | jq '[.requests[] | select(.fault == "late")] | length')" -ge "$1" ]; }
late=$(mkai https://example.org/late "Done late")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"late","secs":7}' >/dev/null
check "a create carried out 7 s after it was sent" sh -c "tq-submit notion -D $DB1 $late | tq-wait -t 60"
wait_for 20 late_landed 1
check_same "is adopted after one retry, no duplicate" "$(pages_for https://example.org/late) $(jq -r '.items[0].result.action, .items[0].retry_count' "$out" | xargs)" "1 adopted 1"
check_match "the wait is logged" "$(grep notion_settle "$tmp/worker.log")" 'method=POST.*requeued=true'
# an append that lands late: the page's count of blocks is short at
# first; its next run resumes from the count once the append is settled,
# and since the page was made, the run is set aside, not counted
lapp=$(mkai https://example.org/lateappend "Late append" - "$tmp/text.txt")
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"late","secs":7}' >/dev/null
check "an append carried out 7 s after it was sent" sh -c "tq-submit notion -w -D $DB1 $lapp | tq-wait -t 60"
wait_for 20 late_landed 2
check_same "250 blocks, none twice, set aside once: no retry counted" "$(in_order "Late append") $(jq -r '.items[0].retry_count, .items[0].result.action' "$out" | xargs)" "250 true 0 resumed"
# three appends in a row that each land late: every run ends waiting
# for one, but finds the last one landed, which is progress as much as
# an answer: no retry counted, however many runs it takes
python3 -c "print('\n\n'.join('Paragraph %d.' % i for i in range(1, 392)))" >"$tmp/text400.txt"
lapp3=$(mkai https://example.org/lateappends "Late appends" - "$tmp/text400.txt")
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"late","secs":6,"count":3}' >/dev/null
check "three appends carried out 6 s after they were sent" sh -c "tq-submit notion -w -D $DB1 $lapp3 | tq-wait -t 120"
wait_for 20 late_landed 5
check_same "400 blocks, none twice, no retry counted" "$(fake GET /_fake/pages | jq -r '.pages[] | select(.title == "Late appends") | "\(.blocks | length) \([.blocks[] | select(.type == "paragraph") | .paragraph.rich_text[0].plain_text | select(startswith("Paragraph"))] == [range(1; 392) | "Paragraph \(.)."])"') $(jq -r '.items[0].retry_count, .items[0].status' "$out" | xargs)" "400 true 0 completed"
# with time left in the job (a timeout of 30 s: 10 s a request), the
# worker waits until the create is settled and looks again, in the
# same run
stop_worker
TQ_NOTION_SETTLE=16 start_worker -n 1 -t notion-queue=30
late2=$(mkai https://example.org/late2 "Done late, waited")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"late","secs":14}' >/dev/null
check "a create carried out 14 s after it was sent" sh -c "tq-submit notion -D $DB1 $late2 | tq-wait -t 60"
wait_for 20 late_landed 3
check_same "is adopted in the same run, no duplicate" "$(pages_for https://example.org/late2) $(jq -r '.items[0].result.action, .items[0].retry_count' "$out" | xargs)" "1 adopted 0"
stop_worker
# a create (then an append) left unsure, whose lookup then runs out of
# the job's time: the next run, on any worker, still waits for it
# before it looks and sends it again (notion_imports.unsure_until)
TQ_NOTION_SETTLE=45 start_worker -n 1 -t notion-queue=30
lu=$(mkai https://example.org/lateunsure "Late, lookup slow")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"late","secs":40}' >/dev/null
fake POST /_fake/fault '{"method":"POST","path":"/v1/data_sources/","fault":"late","secs":30,"count":2}' >/dev/null
check "a create carried out 40 s late, its lookup timing out" sh -c "tq-submit notion -D $DB1 $lu | tq-wait -t 120"
wait_for 20 late_landed 9
check_same "one page, adopted" "$(pages_for https://example.org/lateunsure) $(jq -r '.items[0].result.action' "$out")" "1 adopted"
lua=$(mkai https://example.org/lateunsureappend "Late append, count slow" - "$tmp/text.txt")
fake POST /_fake/fault '{"method":"PATCH","path":"/v1/blocks/","fault":"late","secs":40}' >/dev/null
fake POST /_fake/fault '{"method":"GET","path":"/v1/blocks/","fault":"late","secs":30,"count":2}' >/dev/null
check "an append carried out 40 s late, its count timing out" sh -c "tq-submit notion -w -D $DB1 $lua | tq-wait -t 120"
wait_for 20 late_landed 12
check_same "250 blocks, none twice" "$(in_order "Late append, count slow")" "250 true"
stop_worker
# a worker killed while Notion is still at its create: the next run
# finds no page yet, and waits for the create to settle before it
# sends another (the row was marked before the create went out)
TQ_NOTION_SETTLE=15 start_worker -n 1 -t notion-queue=30
sup=$TQ_WORKER_PID
kc=$(mkai https://example.org/killedwaiting "Killed while waiting")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"late","secs":10}' >/dev/null
tq-submit notion -D $DB1 $kc >"$tmp/kc.json"
wait_for 20 fired
kill -KILL $(pgrep -P "$sup")
check "a worker killed while its create is in flight" sh -c "tq-wait -t 90 <'$tmp/kc.json'"
wait_for 20 late_landed 13
check_same "one page, adopted" "$(pages_for https://example.org/killedwaiting) $(jq -r '.items[0].result.action' "$out")" "1 adopted"
stop_worker

# --- a slow Notion under the default timeout (60 s): a create answered
# after 25 s is waited for (40 s a request), not cut at 20 s and left
# unsure for a retry; by the only worker, which has the default
# timeout and settle (one of 12 s and 8 s takes it as unsure at 4 s)
slow=$(mkai https://example.org/slow "Slow create")
fake POST /_fake/fault '{"method":"POST","path":"/v1/pages","fault":"late","secs":25}' >/dev/null
env -u TQ_NOTION_SETTLE tq-worker -n 1 -Q notion-queue >>"$tmp/worker.log" 2>&1 &
dflt=$!
_pids="$dflt $_pids"
check "a create Notion answers after 25 s" sh -c "tq-submit notion -D $DB1 $slow | tq-wait -t 90"
check_same "created in one run, no retry" "$(jq -r '.items[0] | "\(.result.action) \(.retry_count)"' "$out") $(pages_for https://example.org/slow)" "created 0 1"
stop_worker "$dflt"

done_testing
