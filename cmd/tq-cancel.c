/*
 * tq-cancel - cancel tasks: their pending items never run, their
 * running items are stopped, their finished items keep their results.
 * Prints each task's record with "cancelled_count", the number of
 * items this call cancelled.
 *
 * Invariants: PostgreSQL (the truth) changes first, in one statement
 * per task (tq_chain_cancel(), sql/0008), so a worker that takes one of
 * the task's jobs afterwards finds its item closed and drops it, and a
 * running job's result is not stored.  Only then are the pending jobs
 * removed from their queue and scheduled set, and a stop-job command
 * published to the worker of each running item, which kills the job's
 * process and acknowledges it as canceled.  A task that has already
 * ended is left alone: cancelling it again changes nothing.  The tasks
 * that follow a task in its chain (tq-submit --then) are cancelled
 * with it, in the same statement, and their records printed after it.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "tq.h"

/*
 * Cancel one task and the tasks that follow it in its chain, and print
 * their records, the task's first.  Returns an exit status: 0,
 * TQ_EXIT_INPUT (no such task) or TQ_EXIT_BACKEND.
 */
static int
cancel(PGconn *db, redisContext *rc, long long id)
{
	json_t *recs, *rec;
	size_t k;
	int status;

	if ((recs = tq_task_cancel(db, rc, id, tq_task_note, NULL, &status)) != NULL) {
		json_array_foreach(recs, k, rec)
			tq_out_task(rec, 0);
		json_decref(recs);
	}
	return status;
}

int
main(int argc, char *argv[])
{
	return tq_task_main(argc, argv, "usage: tq-cancel [-hHjqvV] "
	    "[-d database-url] [-r redis-url] [task ...]", "cancelled", cancel);
}
