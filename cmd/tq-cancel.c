/*
 * tq-cancel - cancel tasks: their pending items never run, their
 * running items are stopped, their finished items keep their results.
 * Prints each task's record with "cancelled_count", the number of
 * items this call cancelled.
 *
 * Invariants: PostgreSQL (the truth) changes first, in one statement
 * per task (tq_task_cancel(), sql/0002), so a worker that takes one of
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
	fprintf(f, "usage: tq-cancel [-hHjqV] [-d database-url] "
	    "[-r redis-url] [task ...]\n");
	exit(status);
}

static int
is(json_t *v, const char *s)
{
	const char *t = json_string_value(v);

	return t != NULL && strcmp(t, s) == 0;
}

/* Ask the worker holding job to stop it; 1 if a worker listened. */
static int
stop_job(redisContext *rc, struct tq_err *e, const char *worker,
    const char *job)
{
	json_t *cmd;
	char *msg;
	int n;

	cmd = json_pack("{s:s,s:s}", "command", "stop-job", "job_id", job);
	msg = json_dumps(cmd, JSON_COMPACT);
	json_decref(cmd);
	n = tq_worker_publish(rc, e, worker, msg);
	free(msg);
	return n > 0 ? 1 : n;
}

/* Items of a task record that are neither done, failed nor cancelled. */
static int
open_items(json_t *rec)
{
	json_int_t n = json_integer_value(json_object_get(rec, "total_items"));

	n -= json_integer_value(json_object_get(rec, "completed_items"));
	n -= json_integer_value(json_object_get(rec, "failed_items"));
	n -= json_integer_value(json_object_get(rec, "cancelled_items"));
	return n > 0;
}

/*
 * Redis's side of one task's cancel (res: tq_task_cancel()'s answer),
 * then its record printed.  *n: the items cancelled.
 */
static int
finish_one(PGconn *db, redisContext *rc, long long id, json_t *res,
    size_t *np, json_t **recp)
{
	struct tq_err e = { 0 };
	const char **pending = NULL, *was, *job, *worker;
	json_t *items, *it, *recs = NULL;
	size_t k, n, npending = 0, nrunning = 0;
	int stage, status = TQ_EXIT_OK;

	*recp = NULL;
	*np = 0;
	items = json_object_get(res, "items");
	was = json_string_value(json_object_get(res, "was"));
	stage = tq_stage_from_name(json_string_value(json_object_get(res,
	    "type")));
	if (!json_is_array(items) || was == NULL || stage < 0) {
		warnx("task %lld: postgresql: tq_task_cancel: unexpected "
		    "answer", id);
		return TQ_EXIT_BACKEND;
	}
	n = *np = json_array_size(items);

	/*
	 * Redis: drop the queued jobs first, then stop the running ones,
	 * so a worker freed by a stop does not take a cancelled job
	 */
	pending = xcalloc(n + 1, sizeof(*pending));
	json_array_foreach(items, k, it) {
		job = json_string_value(json_object_get(it, "job_id"));
		if (job != NULL && is(json_object_get(it, "status"), "pending"))
			pending[npending++] = job;
	}
	if (npending > 0 &&
	    tq_queue_remove(rc, &e, stage, pending, npending) == -1) {
		warnx("task %lld: %s: its items are cancelled and the workers "
		    "will drop their jobs", id, e.msg);
		status = TQ_EXIT_BACKEND;
	}
	free(pending);
	json_array_foreach(items, k, it) {
		job = json_string_value(json_object_get(it, "job_id"));
		worker = json_string_value(json_object_get(it, "worker_id"));
		if (job == NULL || is(json_object_get(it, "status"), "pending"))
			continue;
		nrunning++;
		if (worker == NULL) {
			/* a claimed item has one; but be safe */
			if (!quiet)
				warnx("task %lld: job %s: no worker recorded: "
				    "it runs until it ends, its result "
				    "discarded", id, job);
			continue;
		}
		switch (stop_job(rc, &e, worker, job)) {
		case -1:
			warnx("task %lld: job %s: %s: the item is cancelled "
			    "but the job runs until it ends", id, job, e.msg);
			status = TQ_EXIT_BACKEND;
			break;
		case 0:
			/* gone, or reconnecting: its result is not stored */
			if (!quiet)
				warnx("task %lld: job %s: worker %s did not "
				    "hear the stop command: the job runs until "
				    "it ends or the worker is found dead", id,
				    job, worker);
			break;
		}
	}
	if ((recs = tq_task_records(db, &e, &id, 1, 0)) == NULL) {
		warnx("task %lld: %s", id, e.msg);
		return TQ_EXIT_BACKEND;
	}
	*recp = json_incref(json_array_get(recs, 0));
	json_decref(recs);
	if (json_is_object(*recp)) {
		char why[128];

		json_object_set_new(*recp, "cancelled_count",
		    json_integer((json_int_t)n));
		if (n == 0) {
			snprintf(why, sizeof(why), tq_task_terminal(was) ?
			    "nothing to cancel: task is already %s" :
			    "nothing to cancel: no open items (task is %s)",
			    was);
			json_object_set_new(*recp, "message", json_string(
			    strcmp(was, json_string_value(json_object_get(
			    *recp, "status"))) != 0 ? "task cancelled" : why));
		} else
			json_object_set_new(*recp, "message", json_sprintf(
			    "task cancelled: %zu item%s cancelled (%zu "
			    "queued, %zu running)", n, n == 1 ? "" : "s",
			    npending, nrunning));
	}
	return status;
}

/*
 * Cancel one task and the tasks that follow it in its chain
 * (tq_chain_cancel(), sql/0008), and print their records, the task's
 * first.  Returns an exit status: 0, TQ_EXIT_INPUT (no such task) or
 * TQ_EXIT_BACKEND.
 */
static int
cancel(PGconn *db, redisContext *rc, long long id)
{
	struct tq_err e = { 0 };
	json_t *arr = NULL, *el, *rec;
	size_t k, n;
	int status = TQ_EXIT_OK, st, tries = 0;

again:
	if ((arr = tq_task_cancel_chain(db, &e, id)) == NULL) {
		warnx("task %lld: %s", id, e.msg);
		return TQ_EXIT_BACKEND;
	}
	if (json_is_null(arr)) {
		json_decref(arr);
		warnx("task %lld: no such task", id);
		return TQ_EXIT_INPUT;
	}
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		warnx("task %lld: postgresql: tq_chain_cancel: unexpected "
		    "answer", id);
		json_decref(arr);
		return TQ_EXIT_BACKEND;
	}
	json_array_foreach(arr, k, el) {
		long long tid = json_integer_value(json_object_get(el,
		    "task_id"));

		st = finish_one(db, rc, tid, el, &n, &rec);
		if (st != TQ_EXIT_OK)
			status = st;
		/*
		 * Nothing was open in the statement's snapshot, yet the task
		 * is open now: a tq-retry committed while we waited for its
		 * lock.  Cancel again, so the answer matches the state it
		 * reports.
		 */
		if (k == 0 && n == 0 && tries++ < 3 && json_is_object(rec) &&
		    open_items(rec)) {
			json_decref(rec);
			json_decref(arr);
			goto again;
		}
		if (json_is_object(rec)) {
			const char *m = json_string_value(json_object_get(rec,
			    "message"));

			if (k == 0 && n == 0 && !quiet && m != NULL &&
			    strncmp(m, "nothing", 7) == 0)
				warnx("task %lld: %s", tid, m);
			tq_out_task(rec, 0);
		}
		json_decref(rec);
	}
	json_decref(arr);
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
			printf("tq-cancel %s\n", TQ_VERSION);
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
	return tq_each_task(argc, argv, "cancelled", cancel);
}
