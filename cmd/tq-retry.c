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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"

static int quiet;

static struct option longopts[] = {
	{ "database-url", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "table", no_argument, NULL, 'H' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "redis-url", required_argument, NULL, 'r' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-retry [-hHjqV] [-d database-url] "
	    "[-r redis-url] [task ...]\n");
	exit(status);
}

/*
 * Retry one task and print its record.  Returns an exit status:
 * 0, TQ_EXIT_INPUT (no such task) or TQ_EXIT_BACKEND.
 */
static int
retry(PGconn *db, redisContext *rc, long long id)
{
	struct tq_err e = { 0 };
	struct tq_jobspec *jobs = NULL;
	const char *was;
	json_t *res = NULL, *items, *it, *recs = NULL, *rec;
	size_t k, n = 0;
	int stage, status = TQ_EXIT_OK;

	if ((res = tq_task_retry(db, &e, id)) == NULL) {
		warnx("task %lld: %s", id, e.msg);
		return TQ_EXIT_BACKEND;
	}
	if (json_is_null(res)) {
		json_decref(res);
		warnx("task %lld: no such task", id);
		return TQ_EXIT_INPUT;
	}
	items = json_object_get(res, "items");
	was = json_string_value(json_object_get(res, "was"));
	stage = tq_stage_from_name(json_string_value(json_object_get(res,
	    "type")));
	if (!json_is_array(items) || was == NULL || stage < 0) {
		warnx("task %lld: postgresql: tq_task_retry: unexpected "
		    "answer", id);
		status = TQ_EXIT_BACKEND;
		goto out;
	}

	jobs = xcalloc(json_array_size(items) + 1, sizeof(*jobs));
	json_array_foreach(items, k, it) {
		const char *job = json_string_value(json_object_get(it,
		    "job_id"));

		if (job == NULL)
			continue;
		jobs[n].job_id = job;
		jobs[n].task_id = id;
		jobs[n].item_id = json_integer_value(json_object_get(it,
		    "item_id"));
		n++;
	}
	if (n > 0 && tq_queue_requeue(rc, &e, stage, jobs, n) == -1) {
		warnx("task %lld: %s: its items are pending and the workers' "
		    "reconciler will queue them", id, e.msg);
		status = TQ_EXIT_BACKEND;
	}
	if (n == 0 && !quiet)
		warnx("task %lld: nothing to retry: no failed items (task is "
		    "%s)", id, was);

	if ((recs = tq_task_records(db, &e, &id, 1, 0)) == NULL) {
		warnx("task %lld: %s", id, e.msg);
		status = TQ_EXIT_BACKEND;
		goto out;
	}
	rec = json_array_get(recs, 0);
	if (json_is_object(rec)) {
		json_object_set_new(rec, "retried_count",
		    json_integer((json_int_t)n));
		json_object_set(rec, "retried_items", items);
		if (n == 0)
			json_object_set_new(rec, "message", json_sprintf(
			    "nothing to retry: no failed items (task is %s)",
			    was));
		else
			json_object_set_new(rec, "message", json_sprintf(
			    "%zu failed item%s queued again", n,
			    n == 1 ? "" : "s"));
		tq_out_task(rec, 0);
	}
out:
	free(jobs);
	json_decref(recs);
	json_decref(res);
	return status;
}

int
main(int argc, char *argv[])
{
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch;

	if (tq_config_load() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	while ((ch = tq_getopt(argc, argv, "d:Hhjqr:V", longopts, "dHhjqrV")) !=
	    -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'V':
			printf("tq-retry %s\n", TQ_VERSION);
			return 0;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (tq_config_check() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	argc -= optind;
	argv += optind;
	if (argc == 0 && isatty(STDIN_FILENO))
		usage(stderr, TQ_EXIT_USAGE);
	tq_out_init(om);
	return tq_each_task(argc, argv, "retried", retry);
}
