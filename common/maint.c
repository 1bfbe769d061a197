/*
 * maint.c - the maintenance pass that workers run, one at a time under
 * a Redis lock: return dead workers' jobs, reconcile Redis with
 * PostgreSQL (the truth), expire old tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

struct recover_arg {
	PGconn			*db;
	struct tq_maint_stats	*st;
	int			 failed;
};

/*
 * A job found in a dead worker's list.  Its crash counts once: only
 * while its item is still running under that worker's name, in one
 * transaction that also fails it at the limit, so a second recoverer
 * of the same death (or a later pass after ours died) counts nothing.
 * An item that is pending (taken, never claimed) just goes back; one
 * closed, or running under another worker, is not requeued.
 */
static int
recover_one(void *arg, const char *worker, enum tq_stage stage,
    const char *id)
{
	struct recover_arg *a = arg;
	struct tq_err e = { 0 };
	const char *p[3];
	char msg[128];
	PGresult *r;
	int n, act = TQ_RECOVER_REQUEUE;

	(void)stage;
	p[0] = id;
	p[1] = worker;
	if (tq_db_cmd(a->db, &e, "BEGIN") == -1)
		goto keep;
	r = tq_db_exec(a->db, &e, "UPDATE task_items SET status = 'pending', "
	    "crash_count = crash_count + 1, retry_count = retry_count + 1, "
	    "updated_at = now() WHERE job_id = $1 AND status = 'running' "
	    "AND worker_id = $2 RETURNING crash_count", 2, p);
	if (r == NULL)
		goto rollback;
	n = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	if (n >= TQ_MAX_CRASHES) {
		snprintf(msg, sizeof(msg), "worker died %d times while "
		    "running this job", n);
		p[1] = msg;
		r = tq_db_exec(a->db, &e, "SELECT tq_item_finish($1, 'failed', "
		    "NULL, $2, 'permanent')", 2, p);
		if (r == NULL)
			goto rollback;
		PQclear(r);
		act = TQ_RECOVER_DROP;
	} else if (n < 0) {
		/* after any lock wait above: the item as it is now */
		r = tq_db_exec(a->db, &e, "SELECT status FROM task_items_all "
		    "WHERE job_id = $1 AND status IN ('pending', 'running', "
		    "'completed', 'failed', 'cancelled')", 1, p);
		if (r == NULL)
			goto rollback;
		if (PQntuples(r) == 0)
			act = TQ_RECOVER_DROP;
		else if (strcmp(PQgetvalue(r, 0, 0), "running") == 0)
			act = TQ_RECOVER_FORGET;
		else if (strcmp(PQgetvalue(r, 0, 0), "pending") != 0)
			act = TQ_RECOVER_DROP;
		PQclear(r);
	}
	if (tq_db_cmd(a->db, &e, "COMMIT") == -1)
		goto keep;
	if (n >= TQ_MAX_CRASHES)
		a->st->crashed++;
	else if (act == TQ_RECOVER_REQUEUE)
		a->st->dead_jobs++;
	return act;
rollback:
	PQclear(PQexec(a->db, "ROLLBACK"));
keep:
	/* PostgreSQL is away: leave the list as it is for a later pass */
	a->failed = 1;
	return -1;
}

int
tq_maint_recover(PGconn *db, redisContext *rc, const char *self,
    struct tq_maint_stats *st, struct tq_err *err)
{
	struct recover_arg a = { db, st, 0 };

	if (tq_queue_recover(rc, err, self, tq_cfg.dead_after, recover_one, &a,
	    NULL) == -1) {
		if (a.failed)
			tq_err_set(err, TQ_ERR_TRANSIENT, "postgresql",
			    "%s", tq_strerror());
		return -1;
	}
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every job id Redis holds anywhere (queues, scheduled sets, workers'
 * active lists), read in one MULTI so that a job moving between them
 * is seen exactly once.  Sorted, for bsearch; free with free() each.
 */
static char **
redis_ids(redisContext *rc, struct tq_err *err, size_t *n)
{
	redisReply *ws, *r;
	char **ids = NULL;
	size_t i, j, k, cap = 0, nw;
	int s, cmds = 0;
	void *v;

	*n = 0;
	if ((ws = tq_redis(rc, err, "SMEMBERS tq:workers")) == NULL)
		return NULL;
	nw = ws->elements;
	redisAppendCommand(rc, "MULTI");
	for (s = 0; s < TQ_NSTAGES; s++) {
		redisAppendCommand(rc, "LRANGE rq:queue:%s 0 -1",
		    tq_stage_queue(s));
		redisAppendCommand(rc, "ZRANGE rq:scheduled:%s 0 -1",
		    tq_stage_queue(s));
	}
	for (i = 0; i < nw; i++)
		redisAppendCommand(rc, "LRANGE tq:active:%s 0 -1",
		    ws->element[i]->str);
	freeReplyObject(ws);
	redisAppendCommand(rc, "EXEC");
	cmds = 2 + 2 * TQ_NSTAGES + (int)nw;
	/* MULTI's and each QUEUED status */
	if (tq_redis_replies(rc, err, cmds - 1) == -1) {
		if (redisGetReply(rc, &v) == REDIS_OK)
			freeReplyObject(v);
		return NULL;
	}
	if (redisGetReply(rc, &v) != REDIS_OK) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s",
		    rc->errstr);
		return NULL;
	}
	r = v;
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis",
		    "redis: snapshot failed");
		return NULL;
	}
	for (j = 0; j < r->elements; j++) {
		redisReply *l = r->element[j];

		if (l->type != REDIS_REPLY_ARRAY)
			continue;
		for (k = 0; k < l->elements; k++) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 256;
				ids = xrealloc(ids, cap * sizeof(*ids));
			}
			ids[(*n)++] = xstrdup(l->element[k]->str);
		}
	}
	freeReplyObject(r);
	if (*n > 0)
		qsort(ids, *n, sizeof(*ids), cmpstr);
	else
		ids = xcalloc(1, sizeof(*ids));
	return ids;
}

/*
 * Open items that Redis holds nowhere are pushed again; queued jobs
 * whose items are closed are dropped.  Items changed in the last
 * tq_cfg.reconcile_grace seconds are left alone (their submitter may
 * still be pushing them), and a running item only once its stage's
 * timeout has surely passed.  A push that races a job's own progress
 * is harmless: a worker drops a job whose item is no longer open.
 */
int
tq_maint_reconcile(PGconn *db, redisContext *rc, struct tq_maint_stats *st,
    struct tq_err *err)
{
	char g[32], **ids = NULL;
	const char *p[2];
	PGresult *r = NULL;
	redisReply *rr;
	size_t nids = 0, k;
	int i, s, rcode = -1;

	snprintf(g, sizeof(g), "%.3f", tq_cfg.reconcile_grace);
	p[0] = g;
	/*
	 * first PostgreSQL, then the Redis snapshot: see above.  The open
	 * items come from the index of the items' state (and the
	 * batches), and their queues from their tasks, each task looked
	 * up by its id once.  Joined to the tasks, they were planned,
	 * from some thousands of open items on, as a hash of every task
	 * ever kept (at 200,000 tasks, 11,170 pages and 0.12 s of a pass
	 * over 40,000 open items; 0.09 s now, their sort the most of it)
	 */
	r = tq_db_exec(db, err, "WITH o AS MATERIALIZED (SELECT job_id, "
	    "task_id, item_id, status, started_at, seq FROM task_items_all "
	    "WHERE status IN ('pending', 'running') AND updated_at < now() - "
	    "make_interval(secs => $1::float8) AND (run_after IS NULL OR "
	    "run_after <= now()) ORDER BY task_id, seq LIMIT 50000), "
	    "q AS MATERIALIZED (SELECT d.task_id, (SELECT t.queue_name FROM "
	    "processing_tasks t WHERE t.id = d.task_id) AS queue_name FROM "
	    "(SELECT DISTINCT task_id FROM o) d) "
	    "SELECT o.job_id, o.task_id, o.item_id, q.queue_name, o.status, "
	    "extract(epoch FROM now() - o.started_at) FROM o JOIN q ON "
	    "q.task_id = o.task_id ORDER BY o.task_id, o.seq", 1, p);
	if (r == NULL)
		return -1;
	if ((ids = redis_ids(rc, err, &nids)) == NULL)
		goto out;
	for (i = 0; i < PQntuples(r); i++) {
		const char *job = PQgetvalue(r, i, 0);
		int stage = tq_stage_from_name(PQgetvalue(r, i, 3));
		struct tq_jobspec j;

		if (stage < 0 || bsearch(&job, ids, nids, sizeof(*ids),
		    cmpstr) != NULL)
			continue;
		/*
		 * RQ's Job.cancel() took it out of the queue into
		 * rq:canceled: the item is cancelled, not pushed again
		 */
		if ((rr = tq_redis(rc, err, "ZSCORE rq:canceled:%s %s",
		    tq_stage_queue(stage), job)) == NULL)
			goto out;
		k = rr->type == REDIS_REPLY_STRING;
		freeReplyObject(rr);
		if (k) {
			PGresult *u;
			const char *q[1] = { job };

			u = tq_db_exec(db, err, "SELECT tq_item_finish("
			    "$1, 'cancelled', NULL, 'cancelled in RQ', NULL)",
			    1, q);
			if (u == NULL)
				goto out;
			PQclear(u);
			st->dropped++;
			continue;
		}
		if (strcmp(PQgetvalue(r, i, 4), "running") == 0) {
			PGresult *u;
			const char *q[1] = { job };

			/* its worker died with Redis's memory of it */
			if (atof(PQgetvalue(r, i, 5)) <
			    tq_cfg.timeout[stage] + 30)
				continue;
			u = tq_db_exec(db, err, "UPDATE task_items SET status = "
			    "'pending', updated_at = now() WHERE job_id = $1 "
			    "AND status = 'running'", 1, q);
			if (u == NULL)
				goto out;
			PQclear(u);
		}
		j.job_id = job;
		j.task_id = atoll(PQgetvalue(r, i, 1));
		j.item_id = atoll(PQgetvalue(r, i, 2));
		if (tq_queue_push(rc, err, stage, &j, 1, 0) == -1)
			goto out;
		st->requeued++;
	}
	PQclear(r);
	r = NULL;

	/* queued jobs whose items are closed */
	for (s = 0; s < TQ_NSTAGES; s++) {
		struct tq_buf arr = { 0 };

		rr = tq_redis(rc, err, "LRANGE rq:queue:%s 0 -1",
		    tq_stage_queue(s));
		if (rr == NULL)
			goto out;
		tq_buf_adds(&arr, "{");
		for (k = 0; k < rr->elements; k++) {
			const char *id = rr->element[k]->str;

			if (strspn(id, "0123456789abcdef-") != strlen(id))
				continue;
			tq_buf_addf(&arr, "%s\"%s\"", arr.len > 1 ? "," : "",
			    id);
		}
		tq_buf_adds(&arr, "}");
		freeReplyObject(rr);
		if (arr.len <= 2) {
			tq_buf_free(&arr);
			continue;
		}
		p[0] = arr.data;
		/*
		 * each id looked up on its own: "job_id = ANY($1) AND
		 * status IN (...)" was planned, from some 5,000 ids, as
		 * a read of every closed item's index entry with the ids
		 * as a filter (1.7 s a pass for 12,000 queued jobs and
		 * 2,000,000 items, growing with the items); LIMIT 1 keeps
		 * the planner from turning the lookups into a join
		 */
		r = tq_db_exec(db, err, "SELECT u.j FROM (SELECT DISTINCT "
		    "unnest($1::text[]) AS j) u CROSS JOIN LATERAL (SELECT 1 "
		    "FROM task_items i "
		    "WHERE i.job_id = u.j AND i.status IN ('completed', "
		    "'failed', 'cancelled') LIMIT 1) c", 1, p);
		tq_buf_free(&arr);
		if (r == NULL)
			goto out;
		if (PQntuples(r) > 0) {
			const char **drop = xcalloc((size_t)PQntuples(r),
			    sizeof(*drop));
			int rv;

			for (i = 0; i < PQntuples(r); i++)
				drop[i] = PQgetvalue(r, i, 0);
			/* one pass over the queue (queue.c) */
			rv = tq_queue_remove(rc, err, s, drop,
			    (size_t)PQntuples(r), 0);
			free(drop);
			if (rv == -1)
				goto out;
			st->dropped += PQntuples(r);
		}
		PQclear(r);
		r = NULL;
	}
	rcode = 0;
out:
	if (ids != NULL)
		for (k = 0; k < nids; k++)
			free(ids[k]);
	free(ids);
	PQclear(r);
	return rcode;
}

/*
 * Tasks that ended long ago go with their items, attempts and
 * notifications, the oldest first, in batches of whole tasks of some
 * TQ_RETAIN_ITEMS items (one task at least, however big), each in a
 * statement of its own.  One DELETE of every expired task held a
 * worker's loop (no heartbeat, no job going on) and the maintenance
 * lock past its expiry: 104 s for the 1,960,000 items of 191,000 tasks
 * a first pass found.  A worker deletes one batch a pass and comes
 * back at the next while batches are full.
 */
static int
retention(PGconn *db, int all, struct tq_maint_stats *st,
    struct tq_err *err)
{
	char a[16], b[16], c[16];
	const char *p[3];
	PGresult *r;

	snprintf(a, sizeof(a), "%d", tq_cfg.keep_completed_days);
	snprintf(b, sizeof(b), "%d", tq_cfg.keep_failed_days);
	snprintf(c, sizeof(c), "%d", TQ_RETAIN_ITEMS);
	p[0] = a;
	p[1] = b;
	p[2] = c;
	do {
		r = tq_db_exec(db, err, "WITH d AS (DELETE FROM "
		    "processing_tasks WHERE id IN (SELECT id FROM (SELECT id, "
		    "total_items, sum(greatest(total_items, 1)) OVER (ORDER "
		    "BY id) AS upto FROM (SELECT id, total_items FROM "
		    "processing_tasks WHERE (status = 'completed' AND "
		    "completed_at < now() - make_interval(days => $1::int)) "
		    "OR (status IN ('failed', 'cancelled') AND completed_at < "
		    "now() - make_interval(days => $2::int)) ORDER BY id "
		    "LIMIT $3::int) o) w WHERE upto - greatest(total_items, 1) "
		    "< $3::int) RETURNING greatest(total_items, 1) AS n) "
		    "SELECT count(*), coalesce(sum(n), 0) FROM d", 3, p);
		if (r == NULL)
			return -1;
		st->expired_tasks += atoi(PQgetvalue(r, 0, 0));
		/* short of a full batch: what is left is younger */
		st->expire_more = atoll(PQgetvalue(r, 0, 1)) >=
		    TQ_RETAIN_ITEMS;
		PQclear(r);
	} while (all && st->expire_more);
	/* the notion stage's leases of runs that died (notion.c) */
	PQclear(tq_db_exec(db, err, "DELETE FROM notion_locks WHERE until < "
	    "now() - interval '1 hour'", 0, NULL));
	return 0;
}

/*
 * Registry entries whose score (an expiry time) has passed, as RQ's
 * own cleanup does; rq:canceled is scored by the cancel time.
 */
static int
expire_registries(redisContext *rc, struct tq_err *err)
{
	double now = tq_now();
	int s, n = 0;

	for (s = 0; s < TQ_NSTAGES; s++) {
		const char *q = tq_stage_queue(s);

		redisAppendCommand(rc, "ZREMRANGEBYSCORE rq:finished:%s -inf "
		    "%.0f", q, now);
		redisAppendCommand(rc, "ZREMRANGEBYSCORE rq:failed:%s -inf "
		    "%.0f", q, now);
		redisAppendCommand(rc, "ZREMRANGEBYSCORE rq:canceled:%s -inf "
		    "%.0f", q, now - tq_cfg.result_ttl);
		n += 3;
	}
	return tq_redis_replies(rc, err, n);
}

int
tq_maint_run(PGconn *db, redisContext *rc, const char *self, int keep,
    struct tq_maint_stats *st, struct tq_err *err)
{
	if (expire_registries(rc, err) == -1)
		return -1;
	if (tq_maint_recover(db, rc, self, st, err) == -1)
		return -1;
	if (tq_maint_reconcile(db, rc, st, err) == -1)
		return -1;
	if (keep && retention(db, keep == TQ_MAINT_ALL, st, err) == -1)
		return -1;
	return 0;
}
