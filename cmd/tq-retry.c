/*
 * tq-retry - queue the failed items of tasks again.  Completed and
 * cancelled items stay as they are.  Prints each task's record with
 * "retried_count" (the items this call queued again) and
 * "retried_items" (their ids, jobs and previous errors).
 *
 * Invariants: PostgreSQL (the truth) changes first, in one statement
 * per task (tq_task_retry(), sql/0002): the failed items turn pending
 * with retry_count 0 and no error, and the task leaves its end state.
 * Only items still failed under their row lock change, so tq-retry run
 * twice at once queues each item once.  Only then are the jobs pushed;
 * if Redis fails there, the items are pending in PostgreSQL and the
 * workers' reconciler queues them.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "tq.h"

/*
 * Retry one task and print its record.  Returns an exit status:
 * 0, TQ_EXIT_INPUT (no such task) or TQ_EXIT_BACKEND.
 */
static int
retry(PGconn *db, redisContext *rc, long long id)
{
	json_t *rec;
	int status;

	if ((rec = tq_task_retry(db, rc, id, tq_task_note, NULL, &status)) != NULL) {
		tq_out_task(rec, 0);
		json_decref(rec);
	}
	return status;
}

int
main(int argc, char *argv[])
{
	return tq_task_main(argc, argv, "usage: tq-retry [-hHjqvV] "
	    "[-d database-url] [-r redis-url] [task ...]", "retried", retry);
}
