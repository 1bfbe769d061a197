#!/bin/sh
# --notify: when a task ends, one POST of its final record to a webhook
# receiver (a local python server) that fails twice, then answers 200:
# exactly one delivery recorded, attempts 3, the HMAC-SHA256 signature
# verifies, nothing sent after the success; tq-status shows it; an
# internal address is refused unless TQ_ALLOW_PRIVATE allows it; a 429
# with Retry-After is tried again no sooner than it asks; an answer
# that PostgreSQL could not take at first is recorded when it can, and
# the notification not sent again; a 200 with a long body delivers it;
# a redirect gives up at once, a 409 is tried again; a burst worker
# sends the notification of the task it ended before it leaves; a task
# that ends again after tq-retry is notified again, its body naming the
# new notification; a 200 whose body never ends delivers it too
. "$(dirname "$0")/lib.sh"
plan 48
start_redis
start_pg
start_httpd
cat >"$tmp/hook.py" <<'PY'
import http.server, json, os, sys, threading, time
port_file, log, fails = sys.argv[1], sys.argv[2], int(sys.argv[3])
code_fail = int(sys.argv[4]) if len(sys.argv) > 4 else 500
retry_after = sys.argv[5] if len(sys.argv) > 5 else None
# a length of answer, or "hang": 200, then half its body and no more
hang = len(sys.argv) > 6 and sys.argv[6] == "hang"
answer = b"x" * int(sys.argv[6]) if len(sys.argv) > 6 and not hang \
    else b"ok"
seen = {"n": 0}
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            seen["n"] += 1
            n = seen["n"]
            with open(log, "a") as f:
                f.write(json.dumps({"n": n, "t": time.time(),
                    "path": self.path,
                    "sig": self.headers.get("X-Tq-Signature"),
                    "delivery": self.headers.get("X-Tq-Delivery"),
                    "type": self.headers.get("Content-Type"),
                    "body": body.decode()}) + "\n")
        code = code_fail if n <= fails else 200
        self.send_response(code)
        if code != 200 and retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", str(len(answer) * (hang + 1)))
        self.end_headers()
        self.wfile.write(answer)
        self.wfile.flush()
        if hang and code == 200:
            time.sleep(60)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(port_file + ".tmp", "w").write(str(s.server_address[1]))
os.rename(port_file + ".tmp", port_file)
s.serve_forever()
PY
python3 "$tmp/hook.py" "$tmp/hook.port" "$tmp/hook.log" 2 >"$tmp/hook.err" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/hook.port" || bail "the receiver did not start"
HOOK=http://127.0.0.1:$(cat "$tmp/hook.port")
SECRET="whsec-$$-NOTIFYSECRET"
export TQ_NOTIFY_SECRET=$SECRET
start_worker -n 1
wait_for 20 psqlc "SELECT 1 FROM processing_tasks"

check_status 2 "--notify takes an http(s) URL" tq-submit --notify 'ftp://x/y' parse "$HTTP/t/page?seed=1"
check_same "nothing written" "$(psqlc "SELECT count(*) FROM processing_tasks")" 0
check "submit with --notify" tq-submit -j --notify "$HOOK/hook?x=1" parse "$HTTP/t/page?seed=1" "$HTTP/t/page?seed=2"
T=$(jq -r .task_id "$out")
check_same "the record names the URL" "$(jq -r .notify_url "$out")" "$HOOK/hook?x=1"
check "the task ends" tq-wait -t 30 "$T"
delivered() { [ "$(psqlc "SELECT delivered_at IS NOT NULL FROM task_notifications WHERE task_id = $T")" = t ]; }
wait_for 30 delivered
ok $? "delivered after two failures"
check_same "one notification: attempts 3, last status 200" \
	"$(psqlc "SELECT count(*), max(attempts), max(last_status), count(delivered_at), count(gave_up_at) FROM task_notifications WHERE task_id = $T")" "1|3|200|1|0"
check_same "three POSTs, one delivery id" "$(wc -l <"$tmp/hook.log" | tr -d ' ') $(jq -r .delivery "$tmp/hook.log" | sort -u | wc -l | tr -d ' ')" "3 1"
check_same "the body is the task's final record" "$(tail -1 "$tmp/hook.log" | jq -r '.body | fromjson | "\(.task_id) \(.status) \(.completed_items) \(.completed_at != null)"') $(tail -1 "$tmp/hook.log" | jq -r .type)" "$T completed 2 true application/json"
check_same "its notification is this one (X-Tq-Delivery), it has no items" "$(tail -1 "$tmp/hook.log" | jq -r '(.body | fromjson) as $b | "\($b.notification.id == (.delivery | tonumber)) \($b.notification.task_status) \($b | has("items"))"')" "true completed false"
check_same "each signature is the HMAC-SHA256 of its body" "$(python3 - "$tmp/hook.log" "$SECRET" <<'PY'
import hashlib, hmac, json, sys
secret = sys.argv[2].encode()
ok = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    want = "sha256=" + hmac.new(secret, r["body"].encode(), hashlib.sha256).hexdigest()
    ok += hmac.compare_digest(want, r["sig"] or "")
print(ok)
PY
)" 3
check_same "a wrong secret does not verify" "$(python3 - "$tmp/hook.log" <<'PY'
import hashlib, hmac, json, sys
r = json.loads(open(sys.argv[1]).readline())
print(hmac.compare_digest("sha256=" + hmac.new(b"other", r["body"].encode(), hashlib.sha256).hexdigest(), r["sig"]))
PY
)" False
sleep 4
check_same "no POST after the success" "$(wc -l <"$tmp/hook.log" | tr -d ' ')" 3
check "tq-status shows the delivery" tq-status -j "$T"
check_same "attempts, status, time" "$(jq -r '.notification | "\(.attempts) \(.last_status) \(.delivered_at != null) \(.last_error)"' "$out")" "3 200 true null"
check_same "the secret is in no log" "$(grep -c "$SECRET" "$tmp/worker.log")" 0

# --- TQ_NOTIFY_URL, and an internal address without TQ_ALLOW_PRIVATE
stop_worker
: >"$tmp/hook.log"
TQ_ALLOW_PRIVATE=0 start_worker -n 1
check "TQ_NOTIFY_URL" env TQ_NOTIFY_URL="$HOOK/private" tq-submit -j parse "$HTTP/t/page?seed=3"
T2=$(jq -r .task_id "$out")
check_status 1 "the task fails (its page is internal too)" tq-wait -I -t 30 "$T2"
gaveup() { [ "$(psqlc "SELECT gave_up_at IS NOT NULL FROM task_notifications WHERE task_id = $T2")" = t ]; }
wait_for 30 gaveup
ok $? "the notification is refused and given up"
check_match "for its internal address; no POST" "$(psqlc "SELECT attempts, last_error FROM task_notifications WHERE task_id = $T2") $(wc -l <"$tmp/hook.log" | tr -d ' ')" '^1\|.*(private|internal).* 0$'

# --- a receiver that answers 429 with Retry-After: 5, then 200: the
# second POST comes no sooner than it asked (not after 1 s)
stop_worker
python3 "$tmp/hook.py" "$tmp/ra.port" "$tmp/ra.log" 1 429 5 >"$tmp/ra.err" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/ra.port" || bail "the second receiver did not start"
start_worker -n 1
check "submit, the receiver asking to wait" tq-submit -j --notify "http://127.0.0.1:$(cat "$tmp/ra.port")/ra" parse "$HTTP/t/page?seed=4"
T3=$(jq -r .task_id "$out")
check "it ends" tq-wait -I -t 30 "$T3"
delivered3() { [ "$(psqlc "SELECT delivered_at IS NOT NULL FROM task_notifications WHERE task_id = $T3")" = t ]; }
wait_for 30 delivered3
ok $? "delivered after the 429"
check_same "two POSTs, 5 s apart or more" "$(jq -s 'length, (.[1].t - .[0].t >= 5)' "$tmp/ra.log" | tr '\n' ' ')" "2 true "

# --- the answer comes when PostgreSQL cannot take its record (a
# trigger of the test refuses it, as a restart or a failover would make
# it fail): the worker records it once it can, and does not send the
# notification again when its claim runs out
stop_worker
psqlc "CREATE TABLE t3910_block (x int);
CREATE FUNCTION t3910_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
	IF EXISTS (SELECT 1 FROM t3910_block) THEN
		RAISE EXCEPTION 't3910: the record refused';
	END IF;
	RETURN NEW;
END \$\$;
CREATE TRIGGER t3910_refuse BEFORE UPDATE ON task_notifications FOR EACH ROW
	WHEN (OLD.claimed_by IS NOT NULL AND NEW.claimed_by IS NULL)
	EXECUTE FUNCTION t3910_refuse();
INSERT INTO t3910_block VALUES (1)" >/dev/null || bail "the trigger"
start_worker -n 1
check "submit" tq-submit -j --notify "http://127.0.0.1:$(cat "$tmp/ra.port")/ra" parse "$HTTP/t/page?seed=5"
T4=$(jq -r .task_id "$out")
refused() { grep -q 'notify.*t3910: the record refused' "$tmp/worker.log"; }
wait_for 30 refused
ok $? "the POST was answered, its record refused"
psqlc "DELETE FROM t3910_block" >/dev/null
delivered4() { [ "$(psqlc "SELECT delivered_at IS NOT NULL FROM task_notifications WHERE task_id = $T4")" = t ]; }
wait_for 10 delivered4
ok $? "recorded as delivered once PostgreSQL takes it"
check_same "one POST of it, attempts 1, status 200, not claimed" \
	"$(grep -c '"delivery": "'"$(psqlc "SELECT id FROM task_notifications WHERE task_id = $T4")"'"' "$tmp/ra.log") $(psqlc "SELECT attempts, last_status, claimed_by IS NULL FROM task_notifications WHERE task_id = $T4")" "1 1|200|t"

# --- a receiver that answers 200 with 2 MiB (a page of its own, say):
# delivered, not given up for the length of an answer tq does not keep
python3 "$tmp/hook.py" "$tmp/big.port" "$tmp/big.log" 0 500 "" 2097152 >"$tmp/big.err" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/big.port" || bail "the fourth receiver did not start"
check "submit, the receiver long-winded" tq-submit -j --notify "http://127.0.0.1:$(cat "$tmp/big.port")/big" parse "$HTTP/t/page?seed=6"
T5=$(jq -r .task_id "$out")
ended5() { [ "$(psqlc "SELECT delivered_at IS NOT NULL OR gave_up_at IS NOT NULL FROM task_notifications WHERE task_id = $T5")" = t ]; }
wait_for 30 ended5
ok $? "its notification was answered"
check_same "delivered at the first attempt, no error" "$(psqlc "SELECT attempts, last_status, delivered_at IS NOT NULL, gave_up_at IS NULL, coalesce(last_error, 'none') FROM task_notifications WHERE task_id = $T5")" "1|200|t|t|none"
check_same "one POST" "$(wc -l <"$tmp/big.log" | tr -d ' ')" 1

# --- a redirect (not followed) gives up at once; a 409 is retried, as
# tq(7) says
for c in 301 409; do
	python3 "$tmp/hook.py" "$tmp/c$c.port" "$tmp/c$c.log" 1 $c >"$tmp/c$c.err" 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -s "$tmp/c$c.port" || bail "the $c receiver did not start"
done
check "submit, the receiver redirecting" tq-submit -j --notify "http://127.0.0.1:$(cat "$tmp/c301.port")/c" parse "$HTTP/t/page?seed=7"
T6=$(jq -r .task_id "$out")
check "submit, the receiver in conflict" tq-submit -j --notify "http://127.0.0.1:$(cat "$tmp/c409.port")/c" parse "$HTTP/t/page?seed=8"
T7=$(jq -r .task_id "$out")
ended67() { [ "$(psqlc "SELECT count(*) FROM task_notifications WHERE task_id IN ($T6, $T7) AND (delivered_at IS NOT NULL OR gave_up_at IS NOT NULL)")" = 2 ]; }
wait_for 30 ended67
ok $? "both notifications ended"
check_same "301: given up after one POST; 409: delivered at the second" "$(psqlc "SELECT attempts, last_status, delivered_at IS NOT NULL, gave_up_at IS NOT NULL FROM task_notifications WHERE task_id IN ($T6, $T7) ORDER BY task_id" | tr '\n' ' ')$(cat "$tmp/c301.log" "$tmp/c409.log" | wc -l | tr -d ' ')" "1|301|f|t 2|200|t|f 3"

# --- tq-worker -b: it runs the task and leaves, the notification of the
# task's end sent (no other worker may ever come)
stop_worker
: >"$tmp/hook.log"
check "submit for a burst worker" tq-submit -j --notify "$HOOK/burst" parse "$HTTP/t/page?seed=9"
T8=$(jq -r .task_id "$out")
check "tq-worker -b runs it and leaves" timeout 60 tq-worker -b -n 1
check_same "the end was notified before it left" "$(psqlc "SELECT t.status, n.attempts, n.delivered_at IS NOT NULL FROM processing_tasks t JOIN task_notifications n ON n.task_id = t.id WHERE t.id = $T8") $(grep -c '"path": "/burst"' "$tmp/hook.log")" "completed|1|t 1"

# --- a task that ends again after tq-retry: a second notification,
# whose body names it, not the first
start_worker -n 1
: >"$tmp/hook.log"
check "submit a page that fails" tq-submit -j -R 0 --notify "$HOOK/again" parse "$HTTP/gone.html"
T9=$(jq -r .task_id "$out")
check_status 1 "it fails" tq-wait -I -t 30 "$T9"
once9() { [ "$(psqlc "SELECT count(delivered_at) FROM task_notifications WHERE task_id = $T9")" = 1 ]; }
wait_for 30 once9
check "tq-retry it" tq-retry "$T9"
check_status 1 "it fails again" tq-wait -I -t 30 "$T9"
twice9() { [ "$(psqlc "SELECT count(delivered_at) FROM task_notifications WHERE task_id = $T9")" = 2 ]; }
wait_for 30 twice9
check_same "two POSTs, each body naming its own notification" "$(jq -r 'select(.path == "/again") | (.body | fromjson) as $b | "\(.delivery) \($b.notification.id) \($b.status)"' "$tmp/hook.log" | sort -n | tr '\n' ' ')" "$(psqlc "SELECT id || ' ' || id || ' failed' FROM task_notifications WHERE task_id = $T9 ORDER BY id" | tr '\n' ' ')"

# --- a receiver that answers 200 and then stalls in its body: it got
# the notification and said so; it is not sent again (the transfer runs
# out of time after 15 s)
python3 "$tmp/hook.py" "$tmp/hang.port" "$tmp/hang.log" 0 500 "" hang >"$tmp/hang.err" 2>&1 &
_pids="$_pids $!"
wait_for 10 test -s "$tmp/hang.port" || bail "the hanging receiver did not start"
check "submit, the receiver stalling after its 200" tq-submit -j --notify "http://127.0.0.1:$(cat "$tmp/hang.port")/hang" parse "$HTTP/t/page?seed=10"
T10=$(jq -r .task_id "$out")
ended10() { [ "$(psqlc "SELECT last_status IS NOT NULL OR delivered_at IS NOT NULL FROM task_notifications WHERE task_id = $T10")" = t ]; }
wait_for 40 ended10
ok $? "its answer was recorded"
check_same "delivered at the first attempt" "$(psqlc "SELECT attempts, last_status, delivered_at IS NOT NULL, coalesce(last_error, 'none') FROM task_notifications WHERE task_id = $T10")" "1|200|t|none"
check_same "one POST, none after" "$(sleep 3; wc -l <"$tmp/hang.log" | tr -d ' ')" 1
done_testing
