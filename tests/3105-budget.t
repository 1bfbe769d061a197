#!/bin/sh
# the worker's budget for bodies (TQ_BODY_BUDGET) bounds the bodies it
# holds at once: those it receives, transfers under way included, and
# those received and waiting for a job process.  Past it, a transfer
# stops reading until bytes are given back, and none is failed for it
. "$(dirname "$0")/lib.sh"
plan 10
start_redis
start_pg
start_httpd

# big [hold]: 12 pages of 8 MiB at once, each held open hold s before
# its end, through the worker started last; the peak RSS of its worker
# process is checked against 48 MiB, where with no bound it would hold
# 96 MiB of bodies at once.  Under valgrind, which makes extraction
# slow and whose own memory would drown the bodies' (the peak is not
# checked then), pages of 2 MiB, still past the budget together.
mb=8 wait=150
if [ "${VALGRIND:-0}" = 1 ]; then
	mb=2 wait=1200
fi
big() {
	urls=
	for i in $(seq 1 12); do
		urls="$urls $HTTP/t/big?mb=$mb&hold=$1&n=$i"
	done
	check "submit 12 pages of $mb MiB (hold $1 s)" tq-submit -R 0 parse $urls
	t=$(jq -r .task_id "$out")
	check "... all of them complete" tq-wait -t "$wait" "$t"
	check_same "... with no retry counted" "$(jq -r '[.items[] | "\(.status) \(.retry_count)"] | unique | join(",")' "$out")" "completed 0"
	w=$(pgrep -P "$TQ_WORKER_PID" | head -1)
	hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$w/status")
	diag "worker process peak RSS: $hwm MiB"
	# the sanitizers' and valgrind's own memory would drown the bodies'
	if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-worker" | grep -q libasan; then
		skip 1 "peak RSS under a sanitizer or valgrind"
	else
		ok "$([ "${hwm:-999}" -lt 48 ]; echo $?)" "... the worker process peaked under 48 MiB ($hwm)"
	fi
	stop_worker
	ok $? "... the worker stops"
}

# under a budget of 4 MiB: the worker process holds about the budget
# and a body or two
export TQ_BODY_BUDGET=4194304 TQ_SITE_CONCURRENCY=12
start_worker -n 1 -Q parsing-queue -c parsing-queue=12 -t parsing-queue=120
big 1

# pages that come at once, and one job process to extract them one by
# one: the bodies that wait for it are held in the budget too (they
# were not, and the worker process held 120 MiB)
TQ_JOB_PROCS=1 start_worker -n 1 -Q parsing-queue -c parsing-queue=12 \
    -t parsing-queue=120
big 0
