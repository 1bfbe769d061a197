#!/bin/sh
# A tq-submit killed with SIGKILL at the bad moments leaves nothing in
# Redis for good: killed while its job hashes are written, before its
# commit, the task is not there and its hashes (and their template)
# expire; killed after its commit, before the push, its items are
# pending and the reconciler queues them, each with a hash that has no
# TTL, as a queued job's hash in RQ has none.  Not killed, every queued
# job's hash is without a TTL.
. "$(dirname "$0")/lib.sh"
plan 16
start_redis
start_pg

ttls() {	# the TTLs of keys matching $1, counted: "count ttl-class"
	rcli --scan --pattern "$1" | sed 's/^/TTL /' | rcli |
	    awk '{ print ($1 < 0 ? $1 : "ttl") }' | sort | uniq -c |
	    tr -s ' ' | sed 's/^ //' | tr '\n' ' ' | sed 's/ $//'
}
copied() { [ "$(rcli dbsize)" -ge 257 ]; }

# --- killed before the commit, while the hashes are written
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://kill.example/a?i=%d\n", i }' >"$tmp/a"
touch "$tmp/pause"
TQ_TEST_SUBMIT_PAUSE=$tmp/pause tq-submit parse - <"$tmp/a" \
    >/dev/null 2>"$tmp/a.err" &
sp=$!
wait_for 30 copied || diag "the first copies did not come"
kill -KILL "$sp"
wait "$sp" 2>/dev/null
rm -f "$tmp/pause"
check_same "killed before its commit: no task" \
    "$(psqlc "SELECT count(*) FROM processing_tasks")" 0
check_same "nothing queued" "$(rcli llen rq:queue:parsing-queue)" 0
check_same "its job hashes expire, none stays for good" \
    "$(ttls 'rq:job:*')" "256 ttl"
check_same "its template too" "$(ttls 'tq:submit:*')" "1 ttl"
check_match "within a day" \
    "$(rcli --scan --pattern 'rq:job:*' | head -1 | sed 's/^/TTL /' | rcli)" \
    '^(8[0-9]|86[0-3])[0-9]{3}$'
rcli flushall >/dev/null

# --- killed after its commit, before the EXEC of its push
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "https://kill.example/b?i=%d\n", i }' >"$tmp/b"
touch "$tmp/crash"
TQ_TEST_SUBMIT_CRASH=$tmp/crash tq-submit parse - <"$tmp/b" \
    >"$tmp/b.out" 2>"$tmp/b.err"
check_same "killed after its commit (SIGKILL)" "$?" 137
check_same "the hook was used" "$(test -e "$tmp/crash" && echo there || echo gone)" gone
task=$(psqlc "SELECT max(id) FROM processing_tasks")
check_same "its task is saved, 3,000 items pending" \
    "$(psqlc "SELECT count(*) FROM task_items_all WHERE task_id = $task AND status = 'pending'")" 3000
check_same "nothing queued" "$(rcli llen rq:queue:parsing-queue)" 0
check_same "its 3,000 job hashes expire" "$(ttls 'rq:job:*')" "3000 ttl"
check "the reconciler" env TQ_RECONCILE_GRACE=0 tq-worker -R
check_same "queues the 3,000 jobs" "$(rcli llen rq:queue:parsing-queue)" 3000
check_same "each with a hash that stays while it is queued" \
    "$(ttls 'rq:job:*')" "3000 -1"
rcli flushall >/dev/null

# --- not killed: the jobs are queued and their hashes stay
awk 'BEGIN { for (i = 0; i < 12000; i++) printf "https://kill.example/c?i=%d\n", i }' >"$tmp/c"
check "a submit of 12,000 jobs" tq-submit parse - <"$tmp/c"
check_same "all queued" "$(rcli llen rq:queue:parsing-queue)" 12000
check_same "no hash with a TTL, no template left" \
    "$(ttls 'rq:job:*') $(rcli --scan --pattern 'tq:submit:*' | wc -l | tr -d ' ')" \
    "12000 -1 0"
done_testing
