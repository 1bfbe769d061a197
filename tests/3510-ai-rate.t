#!/bin/sh
# an OpenAI-compatible model's requests-per-minute limit (tq-model -R)
# holds for all workers together: two worker processes of two jobs
# each run 8 ai items of a model limited to 30 rpm against a fake that
# refuses more than 40 rpm (a 429 with Retry-After, as OpenAI does);
# the requests reach it at most one every 2 s, none is refused, and a
# model without a limit is not slowed down
. "$(dirname "$0")/lib.sh"
plan 15
start_redis
start_pg
start_httpd
KEY="sk-test-$$-SECRETKEY"
python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/ai.port" \
	--key "$KEY" --rpm ok=40 --rpm-slack 0 >"$tmp/fake.log" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/ai.port" || bail "fake-openai.py did not start"
AIBASE=http://127.0.0.1:$(cat "$tmp/ai.port")
export TQ_FAKE_KEY="$KEY" TQ_RETRY_DELAYS=0,1,1

check "a model limited to 30 requests a minute" \
	tq-model add limited -p openai -m ok -u "$AIBASE/v1" -k TQ_FAKE_KEY -T 10 -R 30
check_same "rpm stored with its parameters" "$(jq -cS .params "$out")" '{"rpm":30,"timeout":10}'
check "and one without a limit" \
	tq-model add free -p openai -m fenced -u "$AIBASE/v1" -k TQ_FAKE_KEY -T 10
check_status 3 "rpm is a whole number" tq-model add bad -p openai -m ok -R 1.5
check "set changes it, keeps the rest" tq-model set free -R 600
check_same "both parameters" "$(jq -cS .params "$out")" '{"rpm":600,"timeout":10}'
check "set -R 0 drops the limit" tq-model set free -R 0
check_same "timeout kept, rpm gone" "$(jq -c .params "$out")" '{"timeout":10}'

start_worker -n 2 -N one
w1=$TQ_WORKER_PID
start_worker -n 2 -N two
w2=$TQ_WORKER_PID
urls=""
for i in $(seq 1 16); do
	urls="$urls $HTTP/t/page?title=Page+$i&words=200&seed=$i"
done
tq-submit parse $urls | tq-wait -t 60 >"$tmp/parsed"
pcs=$(jq -r '[.items[].result.parsed_content_id // empty] | join(" ")' "$tmp/parsed")
lim=$(echo "$pcs" | cut -d' ' -f1-8)
fre=$(echo "$pcs" | cut -d' ' -f9-16)
curl -s -X POST "$AIBASE/_reset" >/dev/null
# each content its own task, so that all four job slots take part
check "8 limited and 8 free items, all completed" sh -c "
	{ for p in $lim; do tq-submit ai -m limited \$p; done
	  for p in $fre; do tq-submit ai -m free \$p; done; } |
	tq-wait -t 120 | jq -r .status | sort | uniq -c | tr -s ' ' | grep -qx ' 16 completed'"
curl -s "$AIBASE/_requests" >"$tmp/reqs"
check_same "the fake refused nothing (no 429)" \
	"$(jq '[.[] | select(.status == 429)] | length' "$tmp/reqs")" 0
# the k-th next request of the limited model comes k * 2 s later at
# least (0.3 s allowed for the time between Redis's grant and the send)
check_same "the limited model: one request every 2 s, both workers together" \
	"$(jq '[.[] | select(.json.model == "ok") | .t] | sort | . as $t |
	    [range(0; length) as $i | range($i + 1; length) as $j |
	    ($t[$j] - $t[$i]) - ($j - $i) * 2 | select(. < -0.3)] | length' "$tmp/reqs") $(jq '[.[] | select(.json.model == "ok")] | length' "$tmp/reqs")" "0 8"
check_match "the free model is not slowed: its 8 requests within 7 s" \
	"$(jq '[.[] | select(.json.model == "fenced") | .t] | (max - min)' "$tmp/reqs")" '^[0-6](\.[0-9]*)?([eE]-?[0-9]+)?$'
diag "limited: $(jq -c '[.[] | select(.json.model == "ok") | .t] | sort | [.[1:][] as $x | $x] as $r | . as $t | [range(1; length) as $i | ($t[$i] - $t[$i - 1]) * 100 | round / 100]' "$tmp/reqs") s apart; free: $(jq '[.[] | select(.json.model == "fenced") | .t] | (max - min) * 100 | round / 100' "$tmp/reqs") s for 8"
stop_worker "$w1"
stop_worker "$w2"

# a wait for the model's turn past the job's timeout (8 s; one request
# every 3 s, 4 items at once) is no failure of the item: set aside, no
# retry counted, so all complete though the task allows no retry
check "a model limited to 20 requests a minute" \
	tq-model add slow20 -p openai -m ok -u "$AIBASE/v1" -k TQ_FAKE_KEY -T 5 -R 20
TQ_AI_TIMEOUT=8 start_worker -n 1 -c ai-queue=4 -N three
check "4 items at once, the task allowing no retry" sh -c "
	tq-submit -R 0 ai -m slow20 $(echo "$lim" | cut -d' ' -f1-4) | tq-wait -t 90 >'$tmp/slow20'"
check_same "all completed, no retry counted" "$(jq -r '.items[] | "\(.status) \(.retry_count)"' "$tmp/slow20" | sort | uniq -c | tr -s ' ')" " 4 completed 0"
stop_worker
done_testing
