/*
 * lifecycle.c - the life of a job in a worker, between the take and
 * the ack: the claim (several jobs in one statement), the start of the
 * job's coroutine, and its outcome (finished, retry at a time, failed,
 * stopped, requeued) with the retry policy, written to PostgreSQL and
 * only then acknowledged in Redis.  The worker (cmd/tq-worker.c) owns
 * the loop, the connections and the list of jobs in flight; it hands
 * them here as a struct tq_runner.
 *
 * A lost PostgreSQL is never a job's fault: an outcome that cannot be
 * written is kept (j->later) and written again by the next call, with
 * a growing backoff, while the other jobs go on.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

static json_t *
fields(const struct tq_runner *R, const char *job, long long task,
    long long item)
{
	json_t *o = json_object();

	json_object_set_new(o, "worker", json_string(R->name));
	if (job != NULL)
		json_object_set_new(o, "job", json_string(job));
	if (task > 0)
		json_object_set_new(o, "task", json_integer(task));
	if (item > 0)
		json_object_set_new(o, "item", json_integer(item));
	return o;
}

/* PostgreSQL is away: write this job's outcome later (see record). */
static void
defer(const struct tq_runner *R, struct tq_job *j, struct tq_err *e)
{
	if (R->cold()) {
		/* a cold shutdown does not wait: the job is requeued */
		e->kind = TQ_ERR_TRANSIENT;
		return;
	}
	j->backoff = j->backoff <= 0 ? 0.2 : j->backoff < 5 ?
	    j->backoff * 2 : 5;
	j->later = 1;
	j->retry_at = tq_mono() + j->backoff;
	tq_log(TQ_LOG_ERROR, "record", json_pack("{s:s,s:s,s:s,s:f}",
	    "worker", R->name, "job", j->id, "error", e->msg, "retry_in",
	    j->backoff));
}

/*
 * Seconds before retry number retry (0 for the first) of a claimed
 * item: the task's own delays, stored when it was submitted, else the
 * worker's TQ_RETRY_DELAYS; the last one for all further retries; or
 * the server's Retry-After if that is longer, up to an hour (or the
 * longest delay of the schedule, if longer): a page that asks for a
 * day, or a year, would otherwise hold its task open that long, when
 * its site's pause ends within the hour; plus up to 10%.
 */
#define MAX_RETRY_AFTER	3600.0

double
tq_retry_delay(const struct tq_claim *c, int retry, double retry_after)
{
	json_t *td = c != NULL && c->doc != NULL ?
	    json_object_get(c->doc, "retry_delays") : NULL;
	double d, cap = MAX_RETRY_AFTER;
	int n = tq_cfg.nretry_delays, i;

	if (json_is_array(td) && json_array_size(td) > 0) {
		size_t k = json_array_size(td);

		d = json_number_value(json_array_get(td,
		    (size_t)retry < k ? (size_t)retry : k - 1));
		for (i = 0; (size_t)i < k; i++)
			if (json_number_value(json_array_get(td, i)) > cap)
				cap = json_number_value(json_array_get(td,
				    i));
	} else {
		d = tq_cfg.retry_delays[retry < n ? retry : n - 1];
		for (i = 0; i < n; i++)
			if (tq_cfg.retry_delays[i] > cap)
				cap = tq_cfg.retry_delays[i];
	}
	if (retry_after > cap)
		retry_after = cap;
	if (retry_after > d)
		d = retry_after;
	if (d > 0)	/* a little jitter, so retries do not stampede */
		d += d * 0.1 * (arc4random_uniform(1000) / 1000.0);
	return d;
}

/*
 * worked < 0: not a run of the job that RQ's counts or tq's metrics
 * take in (a job set aside)
 */
static void
ack_as(const struct tq_runner *R, struct tq_job *j, enum tq_outcome out,
    double run_at, const char *error, double worked)
{
	struct tq_err e = { 0 };

	if (*R->rc == NULL || (*R->rc)->err) {
		/* our list keeps the job: it goes back when we reconnect */
		tq_log(TQ_LOG_WARN, "ack", json_pack("{s:s,s:s,s:s}",
		    "worker", R->name, "job", j->id, "error",
		    "redis: not connected"));
		return;
	}
	/* the acks of the jobs that end together go in one write */
	(void)e;
	*R->acks += tq_queue_ack_append(*R->rc, R->name, j->st, j->id, out,
	    run_at, error, worked);
}

static void
ack(const struct tq_runner *R, struct tq_job *j, enum tq_outcome out,
    double run_at, const char *error)
{
	ack_as(R, j, out, run_at, error, tq_mono() - j->t0);
}

static int
by_task(const void *a, const void *b)
{
	long long x = (*(struct tq_job *const *)a)->claim.task_id;
	long long y = (*(struct tq_job *const *)b)->claim.task_id;

	return x < y ? -1 : x > y;
}

/*
 * A chain's follow-up job, made with the outcome (sql/0008): pushed
 * with the acks, after the commit.  Should this push be lost (we die
 * first, Redis is away), the reconciler pushes the item, which is
 * pending in PostgreSQL.  TQ_TEST_CRASH_AFTER_COMMIT (tests only):
 * when the file it names exists, remove it and die by SIGKILL here,
 * between the commit and the push.
 */
static void
push_next(const struct tq_runner *R, json_t *res)
{
	json_t *nx = json_object_get(res, "next");
	const char *crash = getenv("TQ_TEST_CRASH_AFTER_COMMIT");
	struct tq_jobspec js;
	struct tq_buf b = { 0 };
	int st, n;

	if (!json_is_object(nx))
		return;
	if (crash != NULL && *crash != '\0' && unlink(crash) == 0) {
		tq_log(TQ_LOG_WARN, "test", json_pack("{s:s,s:s}", "worker",
		    R->name, "crash", "after commit, before the push"));
		kill(getpid(), SIGKILL);
	}
	st = tq_stage_from_name(json_string_value(json_object_get(nx,
	    "queue")));
	js.job_id = json_string_value(json_object_get(nx, "job_id"));
	js.task_id = json_integer_value(json_object_get(nx, "task_id"));
	js.item_id = json_integer_value(json_object_get(nx, "item_id"));
	if (st < 0 || js.job_id == NULL || *R->rc == NULL || (*R->rc)->err)
		return;		/* the reconciler's */
	n = tq_queue_format_hashes(&b, st, &js, 1);
	n += tq_queue_format_push(&b, st, &js, 1, 0);
	if (redisAppendFormattedCommand(*R->rc, b.data, b.len) == REDIS_OK)
		*R->acks += n;
	tq_buf_free(&b);
}

/*
 * Write the results of n finished jobs in one transaction: one pipeline
 * of their store statements and one sync, so one commit for them all.
 * Each job's answer is kept in j->stored for tq_job_end() (JSON null:
 * the item was no longer open).  If anything fails, nothing was written
 * and nothing is kept: tq_job_end() then writes each on its own.
 */
void
tq_job_store_many(const struct tq_runner *R, struct tq_job **js, int n)
{
	PGconn *db = *R->db;
	PGresult *r;
	char **text, sql[128];
	int i, ok = 1, got = 0, nulls = 0, lost = 0, calls;

	if (n < 2 || db == NULL || PQstatus(db) != CONNECTION_OK)
		return;
	/* tasks in id order, as a chain locks them (a parent first) */
	qsort(js, (size_t)n, sizeof(*js), by_task);
	if (PQenterPipelineMode(db) != 1)
		return;
	text = xcalloc((size_t)n, sizeof(*text));
	for (i = 0; i < n && ok; i++) {
		const char *p[2];

		text[i] = json_dumps(js[i]->result, JSON_COMPACT);
		p[0] = js[i]->id;
		p[1] = text[i];
		snprintf(sql, sizeof(sql), "SELECT tq_chain_out($1, %s($1, "
		    "$2::jsonb))", tq_stages[js[i]->st].store);
		ok = PQsendQueryParams(db, sql, 2, NULL, p, NULL, NULL, 0) ==
		    1;
	}
	if (PQpipelineSync(db) != 1) {
		/* the connection is gone: remade by the loop, and the
		 * outcomes written one by one */
		for (i = 0; i < n; i++)
			free(text[i]);
		free(text);
		PQfinish(db);
		*R->db = NULL;
		return;
	}
	/*
	 * Read every result up to the sync, whatever happened.  One NULL
	 * ends a statement's results; two in a row mean that libpq has
	 * nothing more to give and the sync will never come (a server
	 * that went away mid-pipeline can leave the connection so while
	 * it still reads as OK): asking again would spin for ever.  Nor
	 * is a statement answered more than twice (a result, then NULL).
	 */
	for (calls = 0;; calls++) {
		if (calls > 2 * n + 8) {
			lost = 1;
			break;
		}
		if ((r = PQgetResult(db)) == NULL) {
			if (PQstatus(db) != CONNECTION_OK || ++nulls > 1) {
				lost = 1;
				break;
			}
			continue;
		}
		nulls = 0;
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (PQresultStatus(r) == PGRES_TUPLES_OK && got < n &&
		    PQntuples(r) == 1) {
			js[got]->stored = PQgetisnull(r, 0, 0) ? json_null() :
			    json_loads(PQgetvalue(r, 0, 0), 0, NULL);
			if (js[got]->stored == NULL)
				ok = 0;
			got++;
		} else
			ok = 0;
		PQclear(r);
	}
	if (lost || PQexitPipelineMode(db) != 1) {
		/* remade by the loop: outcomes are written one by one */
		PQfinish(db);
		*R->db = NULL;
		ok = 0;
	}
	if (!ok || got != n)
		for (i = 0; i < n; i++) {
			json_decref(js[i]->stored);
			js[i]->stored = NULL;
		}
	tq_log(TQ_LOG_DEBUG, "store", json_pack("{s:s,s:i,s:s}", "worker",
	    R->name, "jobs", n, "outcome", ok && got == n ? "one transaction" :
	    "one by one"));
	for (i = 0; i < n; i++)
		free(text[i]);
	free(text);
}

/* Send the acks appended since the last call, and read their replies. */
void
tq_job_acks(const struct tq_runner *R)
{
	struct tq_err e = { 0 };

	if (*R->acks == 0)
		return;
	if (*R->rc != NULL && tq_redis_replies(*R->rc, &e, *R->acks) == -1)
		tq_log(TQ_LOG_WARN, "ack", json_pack("{s:s,s:s,s:i}",
		    "worker", R->name, "error", e.msg, "acks", *R->acks));
	*R->acks = 0;
}

/*
 * One statement of a job's outcome.  A lost or failing PostgreSQL is
 * never the job's fault: then the outcome is kept, j->later is set,
 * and the loop writes the same outcome again once PostgreSQL is back
 * (with a growing backoff, at most 5 s), and only then acks the job
 * (tq-worker(1)).  Meanwhile the other jobs go on and heartbeats keep
 * the worker alive.  NULL with e set if the statement itself failed,
 * or if the outcome is for later, or if a cold shutdown came first
 * (then e->kind is transient and later is not set).
 */
static PGresult *
record(const struct tq_runner *R, struct tq_job *j, const char *sql, int n, const char *const *p,
    struct tq_err *e)
{
	PGresult *r;

	if (*R->db != NULL && (r = tq_db_exec(*R->db, e, sql, n, p)) != NULL)
		return r;
	if (*R->db == NULL)
		tq_err_set(e, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: not connected");
	if (e->kind == TQ_ERR_TRANSIENT || *R->db == NULL ||
	    PQstatus(*R->db) != CONNECTION_OK)
		defer(R, j, e);
	return NULL;
}

/* Put a job back as it was: the item pending, the id at the head. */
static void
put_back(const struct tq_runner *R, struct tq_job *j)
{
	struct tq_err e = { 0 };
	const char *p[1] = { j->id };

	PQclear(record(R, j, "UPDATE task_items SET status = 'pending', "
	    "updated_at = now() WHERE job_id = $1 AND status = 'running'", 1,
	    p, &e));
	ack(R, j, TQ_DONE_REQUEUE, 0, NULL);
}

int
tq_job_stalled(struct tq_err *err, double t0)
{
	char why[sizeof(err->msg)];

	if (err->kind != TQ_ERR_TRANSIENT || err->http_status != 0 ||
	    tq_loop_stall_end() <= t0)
		return 0;
	snprintf(why, sizeof(why), "%s", err->msg);
	tq_err_set(err, TQ_ERR_TRANSIENT, "stalled", "the worker stalled "
	    "while this ran (a backend did not answer): %s", why);
	err->retry_after = 1;
	return 1;
}

/*
 * A job that waits for its site (site_wait) or for the site's
 * robots.txt (robots_unavailable), whose call this worker's stall cut
 * (stalled), that found no job process free in time (busy), whose
 * rate limit would wait past its deadline
 * (rate_limited), or a Notion import that made progress before it
 * failed for now (notion_progress), is set aside, no retry counted:
 * the item pending again, the job scheduled after the error's
 * retry_after.  0 when PostgreSQL is away (see record).
 */
static int
set_aside(const struct tq_runner *R, struct tq_job *j)
{
	struct tq_err e = { 0 };
	char ds[32];
	const char *p[3] = { j->id, ds, strcmp(j->err.code, "site_wait") ?
	    j->err.msg : NULL };
	PGresult *r;
	double d = j->err.retry_after > 0 ? j->err.retry_after : 5;

	snprintf(ds, sizeof(ds), "%.3f", d);
	r = record(R, j, "UPDATE task_items SET status = 'pending', "
	    "error_message = coalesce($3, error_message), error_kind = "
	    "CASE WHEN $3 IS NULL THEN error_kind ELSE 'transient' END, "
	    "run_after = now() + make_interval(secs => $2::float8), "
	    "updated_at = now() WHERE job_id = $1 AND status = 'running'",
	    3, p, &e);
	if (r == NULL && j->later)
		return 0;
	PQclear(r);
	/* no failure of RQ's count, no retry of tq's metrics */
	ack_as(R, j, r != NULL ? TQ_DONE_SCHEDULED : TQ_DONE_REQUEUE,
	    tq_now() + d, NULL, -1);
	(*R->jobs_done)++;
	tq_log(TQ_LOG_DEBUG, "job", json_pack("{s:s,s:s,s:s,s:f,s:s}",
	    "worker", R->name, "job", j->id, "outcome", "set aside", "for",
	    d, "why", j->err.msg));
	return 1;
}

/*
 * Close the job's item with status and error: 1 done, 0 when it was not
 * open (closed already, by tq-cancel say), -1 with e when PostgreSQL
 * failed (deferred when that may pass: j->later).
 */
static int
finish(const struct tq_runner *R, struct tq_job *j, const char *status, const char *error,
    const char *kind, struct tq_err *e)
{
	/* a job's detail goes with its end (raw_output) */
	char *res = j->detail != NULL ? json_dumps(j->detail, JSON_COMPACT) :
	    NULL;
	const char *p[5] = { j->id, status, error, kind, res };
	PGresult *r;
	int changed;

	r = record(R, j, "SELECT tq_item_finish($1, $2, $5::jsonb, $3, $4)",
	    5, p, e);
	free(res);
	if (r == NULL)
		return -1;
	/* NULL: the item was not open (tq-cancel closed it, say) */
	changed = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0);
	PQclear(r);
	return changed;
}

/* A job's own coroutine: the stage's work, then done. */
static void
job_main(void *arg)
{
	struct tq_job *j = arg;

	j->result = tq_job_work(&j->claim, &j->err);
	j->detail = tq_job_detail_take();
	j->done = 1;
}

/*
 * How the item of a job tq_claim() did not claim ended, in RQ's words
 * ("finished", "failed", "canceled"); "" when that is not known
 * (PostgreSQL did not answer); NULL when no item has the job's id.
 */
static const char *
item_end(const struct tq_runner *R, struct tq_job *j)
{
	const char *p[1] = { j->id }, *st = "";
	struct tq_err e = { 0 };
	PGresult *r;

	if (*R->db == NULL || (r = tq_db_exec(*R->db, &e, "SELECT status "
	    "FROM task_items WHERE job_id = $1", 1, p)) == NULL)
		return "";
	if (PQntuples(r) == 0)
		st = NULL;
	else if (strcmp(PQgetvalue(r, 0, 0), "completed") == 0)
		st = "finished";
	else if (strcmp(PQgetvalue(r, 0, 0), "failed") == 0)
		st = "failed";
	else if (strcmp(PQgetvalue(r, 0, 0), "cancelled") == 0)
		st = "canceled";
	PQclear(r);
	return st;
}

/* Start a job that tq_claim_many() answered got for, or let it go. */
static int
start_one(const struct tq_runner *R, struct tq_job *j, int got,
    struct tq_err *e)
{
	enum tq_stage st = j->st;

	if (got == -1 && *R->db != NULL && PQstatus(*R->db) == CONNECTION_OK) {
		/* the stage's prepare failed: give the job back */
		put_back(R, j);
		goto drop;
	}
	if (got == -1) {
		/* PostgreSQL is unreachable: give the job back */
		tq_log(TQ_LOG_ERROR, "claim", json_pack("{s:s,s:s,s:s}",
		    "worker", R->name, "job", j->id, "error", e->msg));
		ack(R, j, TQ_DONE_REQUEUE, 0, NULL);
		goto drop;
	}
	if (got == 0) {
		const char *ended = item_end(R, j);

		if (ended == NULL) {
			/*
			 * no item has this id: a job tq did not make (RQ's
			 * own enqueue, say); into the failed registry, where
			 * RQ and its users look, never lost without a word
			 */
			tq_log(TQ_LOG_WARN, "skip", json_pack("{s:s,s:s,s:s,"
			    "s:s}", "worker", R->name, "queue",
			    tq_stage_queue(st), "job", j->id, "reason",
			    "not a job of tq's"));
			ack(R, j, TQ_DONE_FAILED, 0, "tq-worker: not a job of "
			    "tq's (no item has this id): tq runs the jobs of "
			    "tq-submit only");
			goto drop;
		}
		tq_log(TQ_LOG_INFO, "skip", json_pack("{s:s,s:s,s:s,s:s,s:s}",
		    "worker", R->name, "queue", tq_stage_queue(st), "job", j->id,
		    "reason", "item is not open", "ended", ended));
		ack(R, j, TQ_DONE_DROP, 0, *ended != '\0' ? ended : NULL);
		goto drop;
	}
	if (got == 2) {
		/* a copy of a job another worker runs: leave it to it */
		tq_log(TQ_LOG_WARN, "skip", json_pack("{s:s,s:s,s:s,s:s,s:s}",
		    "worker", R->name, "queue", tq_stage_queue(st), "job", j->id,
		    "reason", "item is running on another worker", "running_on",
		    j->claim.busy));
		ack(R, j, TQ_DONE_FORGET, 0, NULL);
		goto drop;
	}
	j->t_claimed = tq_mono();
	if ((j->co = tq_co_start(job_main, j)) == NULL) {
		tq_log(TQ_LOG_ERROR, "start", json_pack("{s:s,s:s}", "worker",
		    R->name, "error", strerror(errno)));
		put_back(R, j);
		tq_claim_free(&j->claim);
		goto drop;
	}
	return 1;
drop:
	free(j);
	return 0;
}

/* Claim the jobs now in our list in one statement, and start them. */
int
tq_job_start(const struct tq_runner *R, char (*ids)[128],
    const enum tq_stage *st, int n, struct tq_job **out)
{
	struct tq_err e = { 0 };
	struct tq_job **js = xcalloc((size_t)n, sizeof(*js));
	struct tq_claim *c = xcalloc((size_t)n, sizeof(*c));
	const char **jid = xcalloc((size_t)n, sizeof(*jid));
	int *got = xcalloc((size_t)n, sizeof(*got)), i, rc, k = 0;

	for (i = 0; i < n; i++) {
		js[i] = xcalloc(1, sizeof(*js[i]));
		snprintf(js[i]->id, sizeof(js[i]->id), "%s", ids[i]);
		js[i]->st = st[i];
		js[i]->started = tq_now();
		js[i]->t0 = tq_mono();
		jid[i] = js[i]->id;
	}
	if (*R->db != NULL)
		rc = tq_claim_many(*R->db, &e, st, jid, n, R->name, c, got);
	else {
		tq_err_set(&e, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: not connected");
		rc = -1;
	}
	if (rc == -1 && *R->db != NULL && PQstatus(*R->db) != CONNECTION_OK) {
		PQfinish(*R->db);
		*R->db = NULL;
	}
	for (i = 0; i < n; i++) {
		if (rc == -1)
			got[i] = -1;
		else
			js[i]->claim = c[i];
		if (start_one(R, js[i], got[i], &e))
			out[k++] = js[i];
	}
	free(js);
	free(c);
	free(jid);
	free(got);
	return k;
}

/*
 * Record the outcome of a job whose coroutine ended, then ack it.  0
 * when PostgreSQL is away: the job stays, to be ended again later.
 */
int
tq_job_end(const struct tq_runner *R, struct tq_job *j)
{
	struct tq_err e = { 0 };
	json_t *res = NULL, *f;
	char msg[700];
	const char *outcome = "finished";
	enum tq_stage st = j->st;
	int retries = j->claim.retry_count;
	int max_retries = j->claim.max_retries;
	enum tq_loglevel lvl = TQ_LOG_INFO;
	double run_at;
	int got;

	msg[0] = '\0';
	j->later = 0;
	switch (j->forced) {
	case TQ_END_TAKEN:
		/* the item is another worker's now: its hash and wip too */
		outcome = "taken";
		lvl = TQ_LOG_WARN;
		snprintf(msg, sizeof(msg), "this worker was counted dead and "
		    "its job given to another: nothing written");
		ack(R, j, TQ_DONE_FORGET, 0, NULL);
		goto logit;
	case TQ_END_COLD:
		outcome = "requeued";
		snprintf(msg, sizeof(msg), "cold shutdown: job put back");
		put_back(R, j);
		goto logit;
	case TQ_END_STOPPED:
		/*
		 * tq-cancel closed the item: the job is canceled, as RQ's
		 * job.cancel() leaves it; a bare stop-job fails the item,
		 * and the job is stopped, in the failed registry, as RQ
		 * leaves a job its stop-job command stopped
		 */
		outcome = "stopped";
		snprintf(msg, sizeof(msg), "stopped by request");
		got = finish(R, j, "failed", msg, "permanent", &e);
		if (j->later)
			return 0;
		ack(R, j, got == 1 ? TQ_DONE_STOPPED : TQ_DONE_CANCELED, 0,
		    msg);
		goto logit;
	case TQ_END_TIMEOUT:
		snprintf(msg, sizeof(msg), "timeout: still running after %d s, "
		    "killed", tq_cfg.timeout[st]);
		outcome = "failed";
		lvl = TQ_LOG_WARN;
		if (finish(R, j, "failed", msg, "permanent", &e) == -1) {
			if (j->later)
				return 0;
			outcome = "requeued";
			ack(R, j, TQ_DONE_REQUEUE, 0, NULL);
			goto logit;
		}
		ack(R, j, TQ_DONE_FAILED, 0, msg);
		goto logit;
	case TQ_END_OK:
		break;
	}
	if (j->result != NULL) {
		/* a lost backend is not the job's fault: see record() */
		if (j->stored != NULL) {
			/* written with others by tq_job_store_many() */
			res = json_is_null(j->stored) ? NULL : j->stored;
			if (res == NULL)
				json_decref(j->stored);
			j->stored = NULL;
		} else if (*R->db != NULL)
			res = tq_job_store(*R->db, st, j->id, j->result, &e);
		else
			tq_err_set(&e, TQ_ERR_TRANSIENT, "postgresql",
			    "postgresql: not connected");
		if (res == NULL && (*R->db == NULL || e.kind ==
		    TQ_ERR_TRANSIENT || PQstatus(*R->db) != CONNECTION_OK)) {
			defer(R, j, &e);
			if (j->later)
				return 0;
		}
		if (res != NULL) {
			push_next(R, res);
			ack(R, j, TQ_DONE_FINISHED, 0, NULL);
			goto logit;
		}
		if (e.kind == TQ_ERR_NONE) {
			outcome = "dropped";
			ack(R, j, TQ_DONE_DROP, 0, NULL);
			goto logit;
		}
		if (e.kind == TQ_ERR_TRANSIENT) {
			/* cold shutdown while PostgreSQL is away */
			snprintf(msg, sizeof(msg), "%s", e.msg);
			outcome = "requeued";
			lvl = TQ_LOG_ERROR;
			ack(R, j, TQ_DONE_REQUEUE, 0, NULL);
			goto logit;
		}
		/* the result itself was refused: the job's error */
		snprintf(msg, sizeof(msg), "%s", e.msg);
	} else if (strcmp(j->err.code, "site_wait") == 0 ||
	    strcmp(j->err.code, "robots_unavailable") == 0 ||
	    strcmp(j->err.code, "stalled") == 0 ||
	    /* no job process free in time: the worker's want */
	    strcmp(j->err.code, "busy") == 0 ||
	    /* a rate limit's wait past the deadline */
	    strcmp(j->err.code, "rate_limited") == 0 ||
	    /* a Notion import that got on, and has more to do */
	    strcmp(j->err.code, "notion_progress") == 0 ||
	    /* an AI or Notion call that this worker's stall cut */
	    tq_job_stalled(&j->err, j->t0))
		return set_aside(R, j);
	else {
		snprintf(msg, sizeof(msg), "%s", j->err.msg[0] ? j->err.msg :
		    "unknown error");
		e.kind = j->err.kind == TQ_ERR_TRANSIENT ? TQ_ERR_TRANSIENT :
		    TQ_ERR_PERMANENT;
		e.retry_after = j->err.retry_after;
	}
	if (e.kind == TQ_ERR_TRANSIENT && retries < max_retries) {
		double d = tq_retry_delay(&j->claim, retries, e.retry_after);
		PGresult *rr;
		char ds[32];
		const char *q[3] = { j->id, msg, ds };

		snprintf(ds, sizeof(ds), "%.3f", d);
		rr = record(R, j, "SELECT tq_item_retry($1, $2, $3::float8)", 3, q,
		    &e);
		if (rr == NULL && j->later)
			return 0;
		if (rr == NULL && e.kind == TQ_ERR_TRANSIENT) {
			outcome = "requeued";
			ack(R, j, TQ_DONE_REQUEUE, 0, NULL);
			goto logit;
		}
		PQclear(rr);
		run_at = tq_now() + d;
		outcome = "retry";
		lvl = TQ_LOG_WARN;
		ack(R, j, TQ_DONE_SCHEDULED, run_at, msg);
		/* as RQ counts them: its clean-up reads it */
		if (*R->rc != NULL && !(*R->rc)->err) {
			*R->acks += tq_queue_retries_left_append(*R->rc,
			    j->id, max_retries - retries - 1);
		}
		goto logit;
	}
	if (e.kind == TQ_ERR_TRANSIENT) {
		size_t l = strlen(msg);

		snprintf(msg + l, sizeof(msg) - l, " (gave up after %d "
		    "retries)", retries);
	}
	outcome = "failed";
	lvl = TQ_LOG_WARN;
	if (finish(R, j, "failed", msg, tq_errkind_name(e.kind), &e) == -1) {
		if (j->later)
			return 0;
		if (e.kind == TQ_ERR_TRANSIENT) {
			outcome = "requeued";
			ack(R, j, TQ_DONE_REQUEUE, 0, NULL);
			goto logit;
		}
	}
	ack(R, j, TQ_DONE_FAILED, 0, msg);
logit:
	(*R->jobs_done)++;
	f = fields(R, j->id, j->claim.task_id, j->claim.item_id);
	json_object_set_new(f, "queue", json_string(tq_stage_queue(st)));
	json_object_set_new(f, "outcome", json_string(outcome));
	json_object_set_new(f, "duration", json_real(
	    (double)(long)((tq_mono() - j->t0) * 1000) / 1000));
	if (msg[0])
		json_object_set_new(f, "error", json_string(msg));
	if (tq_loglevel >= TQ_LOG_DEBUG) {
		json_object_set_new(f, "claim_ms", json_real((j->t_claimed -
		    j->t0) * 1000));
		json_object_set_new(f, "claimed_ms", json_real((tq_mono() -
		    j->t_claimed) * 1000));
	}
	tq_log(lvl, "job", f);
	json_decref(res);
	return 1;
}

