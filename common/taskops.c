/*
 * taskops.c - cancel and retry one task, the whole operations, for
 * tq-cancel, tq-retry and tq-api.  See tq-cancel(1) and tq-retry(1)
 * for what each does.  The PostgreSQL side is task.c's
 * (tq_pg_chain_cancel(), tq_pg_task_retry(): sql/0002, sql/0008), the
 * Redis side queue.c's and queue_info.c's (tq_queue_remove(),
 * tq_queue_requeue(), tq_worker_publish()); this file orders them.
 *
 * Invariants: PostgreSQL (the truth) changes first, in one statement
 * per task (a cancel takes the tasks that follow it in its chain with
 * it), so a worker that takes one of a cancelled task's jobs finds its
 * item closed and drops it, and a retried item is pending before its
 * job is pushed.  Only then is Redis told: cancel removes the pending
 * jobs and publishes a stop-job command to the worker of each running
 * item; retry takes the jobs out of rq:failed and rq:canceled and
 * queues them afresh.  If Redis fails there the workers' reconciler
 * finishes the work.
 */
#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

static void
note(tq_task_note_fn *fn, void *arg, int error, const char *fmt, ...)
{
	va_list ap;
	char msg[800];

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(arg, error, msg);
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
 * Redis's side of one task's cancel (res: its element of
 * tq_chain_cancel()'s answer), then its record with cancelled_count
 * and message in *recp.  *np: the items cancelled.
 */
static int
finish_one(PGconn *db, redisContext *rc, long long id, json_t *res,
    tq_task_note_fn *fn, void *arg, size_t *np, json_t **recp)
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
		note(fn, arg, 1, "task %lld: postgresql: tq_task_cancel: "
		    "unexpected answer", id);
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
	    tq_queue_remove(rc, &e, stage, pending, npending, 1) == -1) {
		note(fn, arg, 1, "task %lld: %s: its items are cancelled and "
		    "the workers will drop their jobs", id, e.msg);
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
			note(fn, arg, 0, "task %lld: job %s: no worker "
			    "recorded: it runs until it ends, its result "
			    "discarded", id, job);
			continue;
		}
		switch (stop_job(rc, &e, worker, job)) {
		case -1:
			note(fn, arg, 1, "task %lld: job %s: %s: the item is "
			    "cancelled but the job runs until it ends", id,
			    job, e.msg);
			status = TQ_EXIT_BACKEND;
			break;
		case 0:
			/* gone, or reconnecting: its result is not stored */
			note(fn, arg, 0, "task %lld: job %s: worker %s did "
			    "not hear the stop command: the job runs until "
			    "it ends or the worker is found dead", id, job,
			    worker);
			break;
		}
	}
	if ((recs = tq_task_records(db, &e, &id, 1, 0)) == NULL) {
		note(fn, arg, 1, "task %lld: %s", id, e.msg);
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

json_t *
tq_task_cancel(PGconn *db, redisContext *rc, long long id,
    tq_task_note_fn *fn, void *arg, int *statusp)
{
	struct tq_err e = { 0 };
	json_t *arr = NULL, *el, *rec, *out;
	size_t k, n;
	int status = TQ_EXIT_OK, st, tries = 0;

again:
	if ((arr = tq_pg_chain_cancel(db, &e, id)) == NULL) {
		note(fn, arg, 1, "task %lld: %s", id, e.msg);
		*statusp = TQ_EXIT_BACKEND;
		return NULL;
	}
	if (json_is_null(arr)) {
		json_decref(arr);
		note(fn, arg, 1, "task %lld: no such task", id);
		*statusp = TQ_EXIT_INPUT;
		return NULL;
	}
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		note(fn, arg, 1, "task %lld: postgresql: tq_chain_cancel: "
		    "unexpected answer", id);
		json_decref(arr);
		*statusp = TQ_EXIT_BACKEND;
		return NULL;
	}
	out = json_array();
	json_array_foreach(arr, k, el) {
		long long tid = json_integer_value(json_object_get(el,
		    "task_id"));

		st = finish_one(db, rc, tid, el, fn, arg, &n, &rec);
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
			json_decref(out);
			goto again;
		}
		if (json_is_object(rec)) {
			const char *m = json_string_value(json_object_get(rec,
			    "message"));

			if (k == 0 && n == 0 && m != NULL &&
			    strncmp(m, "nothing", 7) == 0)
				note(fn, arg, 0, "task %lld: %s", tid, m);
			json_array_append(out, rec);
		}
		json_decref(rec);
	}
	json_decref(arr);
	*statusp = status;
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
tq_task_retry(PGconn *db, redisContext *rc, long long id,
    tq_task_note_fn *fn, void *arg, int *statusp)
{
	struct tq_err e = { 0 };
	struct tq_jobspec *jobs = NULL;
	const char *was;
	json_t *res = NULL, *items, *it, *recs = NULL, *rec, *out = NULL;
	size_t k, n = 0;
	int stage, status = TQ_EXIT_OK;

	if ((res = tq_pg_task_retry(db, &e, id)) == NULL) {
		note(fn, arg, 1, "task %lld: %s", id, e.msg);
		*statusp = TQ_EXIT_BACKEND;
		return NULL;
	}
	if (json_is_null(res)) {
		json_decref(res);
		note(fn, arg, 1, "task %lld: no such task", id);
		*statusp = TQ_EXIT_INPUT;
		return NULL;
	}
	items = json_object_get(res, "items");
	was = json_string_value(json_object_get(res, "was"));
	stage = tq_stage_from_name(json_string_value(json_object_get(res,
	    "type")));
	if (!json_is_array(items) || was == NULL || stage < 0) {
		note(fn, arg, 1, "task %lld: postgresql: tq_task_retry: "
		    "unexpected answer", id);
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
		note(fn, arg, 1, "task %lld: %s: its items are pending and "
		    "the workers' reconciler will queue them", id, e.msg);
		status = TQ_EXIT_BACKEND;
	}
	if (n == 0)
		note(fn, arg, 0, "task %lld: nothing to retry: no failed "
		    "items (task is %s)", id, was);

	if ((recs = tq_task_records(db, &e, &id, 1, 0)) == NULL) {
		note(fn, arg, 1, "task %lld: %s", id, e.msg);
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
		out = json_incref(rec);
	}
out:
	free(jobs);
	json_decref(recs);
	json_decref(res);
	*statusp = status;
	return out;
}

int
tq_each_task(int argc, char **argv, const char *verb,
    int (*fn)(PGconn *, redisContext *, long long))
{
	struct tq_err e = { 0 };
	struct tq_ids ids = { 0 };
	redisContext *rc;
	PGconn *db;
	size_t k;
	int st, status = TQ_EXIT_OK;

	tq_ids_collect(&ids, argc, argv);
	if (ids.n == 0) {
		if (ids.bad == 0)
			warnx("no task ids: nothing %s", verb);
		tq_ids_free(&ids);
		return TQ_EXIT_INPUT;
	}
	if (ids.bad > 0)
		status = TQ_EXIT_INPUT;
	/* both backends first, so that nothing is left half done */
	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL) {
		warnx("%s", e.msg);
		tq_ids_free(&ids);
		return TQ_EXIT_BACKEND;
	}
	if ((db = tq_db_connect(&e)) == NULL) {
		warnx("%s", e.msg);
		redisFree(rc);
		tq_ids_free(&ids);
		return TQ_EXIT_BACKEND;
	}
	for (k = 0; k < ids.n; k++) {
		st = fn(db, rc, ids.v[k]);
		if (st > status)
			status = st;
		if (st == TQ_EXIT_BACKEND && PQstatus(db) != CONNECTION_OK &&
		    k + 1 < ids.n) {
			warnx("postgresql: connection lost: %zu task%s not %s",
			    ids.n - k - 1, ids.n - k - 1 == 1 ? "" : "s", verb);
			break;
		}
	}
	tq_ids_free(&ids);
	PQfinish(db);
	redisFree(rc);
	return status;
}

/* -q of tq_task_main() */
static int task_quiet;

void
tq_task_note(void *arg, int error, const char *msg)
{
	(void)arg;
	if (error || !task_quiet)
		warnx("%s", msg);
}

int
tq_task_main(int argc, char **argv, const char *usage, const char *verb,
    int (*fn)(PGconn *, redisContext *, long long))
{
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch;

	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	while ((ch = tq_getopt(argc, argv, "d:Hhjqr:Vv", NULL, "dHhjqrVv")) !=
	    -1) {
		if (tq_opt_common(ch, optarg, &om, &task_quiet))
			continue;
		if (ch == 'h') {
			printf("%s\n", usage);
			exit(TQ_EXIT_OK);
		}
		fprintf(stderr, "%s\n", usage);
		exit(TQ_EXIT_USAGE);
	}
	tq_opt_done(&argc, &argv, TQ_CFG_REDIS | TQ_CFG_DB);
	if (argc == 0 && isatty(STDIN_FILENO)) {
		fprintf(stderr, "%s\n", usage);
		exit(TQ_EXIT_USAGE);
	}
	tq_out_init(om);
	return tq_each_task(argc, argv, verb, fn);
}
