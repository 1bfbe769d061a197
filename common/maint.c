/*
 * maint.c - the maintenance pass that workers run, one at a time under
 * a Redis lock: return dead workers' jobs, reconcile Redis with
 * PostgreSQL (the truth), expire old tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

struct recover_arg {
	PGconn			*db;
	struct tq_maint_stats	*st;
	int			 failed;
};

/*
 * A job whose worker died: count the crash on its item.  0 requeues it,
 * 1 drops it (the item is closed, or has now crashed too often).
 */
static int
recover_one(void *arg, enum tq_stage stage, const char *id)
{
	struct recover_arg *a = arg;
	struct tq_err e = { 0 };
	const char *p[3];
	char msg[128];
	PGresult *r;
	int n;

	(void)stage;
	p[0] = id;
	r = tq_db_exec(a->db, &e, "UPDATE task_items SET status = 'pending', "
	    "crash_count = crash_count + 1, retry_count = retry_count + 1, "
	    "updated_at = now() WHERE job_id = $1 AND status IN "
	    "('pending', 'running') RETURNING crash_count", 1, p);
	if (r == NULL) {
		a->failed = 1;
		return 0;	/* keep it queued; PostgreSQL decides later */
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 1;
	}
	n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (n < TQ_MAX_CRASHES) {
		a->st->dead_jobs++;
		return 0;
	}
	snprintf(msg, sizeof(msg), "worker died %d times while running "
	    "this job", n);
	p[1] = msg;
	r = tq_db_exec(a->db, &e, "SELECT tq_item_finish($1, 'failed', NULL, "
	    "$2, 'permanent')", 2, p);
	PQclear(r);
	a->st->crashed++;
	return 1;
}

int
tq_maint_recover(PGconn *db, redisContext *rc, const char *self,
    struct tq_maint_stats *st, struct tq_err *err)
{
	struct recover_arg a = { db, st, 0 };

	return tq_queue_recover(rc, err, self, 60, recover_one, &a, NULL);
}

/*
 * Open items that Redis does not know are pushed again; Redis jobs
 * whose items are closed are dropped.  Items changed in the last
 * tq_cfg.reconcile_grace seconds are left alone: their submitter may
 * still be pushing them.
 */
int
tq_maint_reconcile(PGconn *db, redisContext *rc, struct tq_maint_stats *st,
    struct tq_err *err)
{
	char g[32];
	const char *p[2];
	PGresult *r = NULL;
	redisReply *rr;
	int i, s, rcode = -1;

	snprintf(g, sizeof(g), "%.3f", tq_cfg.reconcile_grace);
	p[0] = g;
	/*
	 * pending and due, or running for longer than its stage's timeout
	 * allows (its worker must be gone)
	 */
	r = tq_db_exec(db, err, "SELECT i.job_id, i.task_id, i.item_id, "
	    "t.queue_name, i.status FROM task_items i JOIN processing_tasks t "
	    "ON t.id = i.task_id WHERE i.status IN ('pending', 'running') AND "
	    "i.updated_at < now() - make_interval(secs => $1::float8) AND "
	    "(i.run_after IS NULL OR i.run_after <= now()) "
	    "ORDER BY i.task_id, i.seq LIMIT 20000", 1, p);
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		const char *q = PQgetvalue(r, i, 3);

		redisAppendCommand(rc, "HGET rq:job:%s status",
		    PQgetvalue(r, i, 0));
		redisAppendCommand(rc, "ZSCORE rq:scheduled:%s %s", q,
		    PQgetvalue(r, i, 0));
	}
	for (i = 0; i < PQntuples(r); i++) {
		redisReply *h = NULL, *z = NULL;
		void *v;
		int lost;
		struct tq_jobspec j;
		int stage = tq_stage_from_name(PQgetvalue(r, i, 3));
		const char *status = PQgetvalue(r, i, 4);

		if (redisGetReply(rc, &v) != REDIS_OK)
			goto out;
		h = v;
		if (redisGetReply(rc, &v) != REDIS_OK) {
			freeReplyObject(h);
			goto out;
		}
		z = v;
		if (h->type != REDIS_REPLY_STRING)
			lost = 1;	/* no job hash at all */
		else if (strcmp(h->str, "scheduled") == 0)
			lost = z->type != REDIS_REPLY_STRING;
		else if (strcmp(h->str, "started") == 0)
			lost = 0;	/* a worker holds it */
		else if (strcmp(h->str, "queued") == 0)
			lost = 0;
		else
			lost = 1;	/* finished/failed in Redis only */
		if (strcmp(status, "running") == 0 && h->type ==
		    REDIS_REPLY_STRING)
			lost = 0;	/* recovery handles held jobs */
		freeReplyObject(h);
		freeReplyObject(z);
		if (!lost || stage < 0)
			continue;
		/*
		 * A running item without a job hash: Redis lost it while it
		 * ran; wait for the stage's timeout before taking it back.
		 */
		if (strcmp(status, "running") == 0) {
			PGresult *u;
			char tmo[16];
			const char *q[2];

			snprintf(tmo, sizeof(tmo), "%d",
			    tq_cfg.timeout[stage] + 30);
			q[0] = PQgetvalue(r, i, 0);
			q[1] = tmo;
			u = tq_db_exec(db, err, "UPDATE task_items SET status = "
			    "'pending', updated_at = now() WHERE job_id = $1 "
			    "AND status = 'running' AND started_at < now() - "
			    "make_interval(secs => $2::int)", 2, q);
			if (u == NULL)
				goto out;
			s = atoi(PQcmdTuples(u));
			PQclear(u);
			if (s == 0)
				continue;
		}
		j.job_id = PQgetvalue(r, i, 0);
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
		size_t k;

		rr = tq_redis(rc, err, "LRANGE rq:queue:%s 0 -1",
		    tq_stage_queue(s));
		if (rr == NULL)
			goto out;
		if (rr->elements == 0) {
			freeReplyObject(rr);
			continue;
		}
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
		p[0] = arr.data;
		r = tq_db_exec(db, err, "SELECT job_id FROM task_items WHERE "
		    "job_id = ANY($1::text[]) AND status NOT IN ('pending', "
		    "'running')", 1, p);
		tq_buf_free(&arr);
		if (r == NULL)
			goto out;
		for (i = 0; i < PQntuples(r); i++) {
			const char *id = PQgetvalue(r, i, 0);

			redisAppendCommand(rc, "LREM rq:queue:%s 0 %s",
			    tq_stage_queue(s), id);
			redisAppendCommand(rc, "DEL rq:job:%s", id);
			st->dropped++;
		}
		if (tq_redis_replies(rc, err, 2 * PQntuples(r)) == -1)
			goto out;
		PQclear(r);
		r = NULL;
	}
	rcode = 0;
out:
	if (rcode == -1 && err->msg[0] == '\0')
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s",
		    rc->errstr);
	PQclear(r);
	return rcode;
}

static int
retention(PGconn *db, struct tq_maint_stats *st, struct tq_err *err)
{
	char a[16], b[16];
	const char *p[2];
	PGresult *r;

	snprintf(a, sizeof(a), "%d", tq_cfg.keep_completed_days);
	snprintf(b, sizeof(b), "%d", tq_cfg.keep_failed_days);
	p[0] = a;
	p[1] = b;
	r = tq_db_exec(db, err, "DELETE FROM processing_tasks WHERE "
	    "(status = 'completed' AND completed_at < now() - "
	    "make_interval(days => $1::int)) OR "
	    "(status IN ('failed', 'cancelled') AND completed_at < now() - "
	    "make_interval(days => $2::int))", 2, p);
	if (r == NULL)
		return -1;
	st->expired_tasks += atoi(PQcmdTuples(r));
	PQclear(r);
	return 0;
}

int
tq_maint_run(PGconn *db, redisContext *rc, const char *self, int keep,
    struct tq_maint_stats *st, struct tq_err *err)
{
	if (tq_maint_recover(db, rc, self, st, err) == -1)
		return -1;
	if (tq_maint_reconcile(db, rc, st, err) == -1)
		return -1;
	if (keep && retention(db, st, err) == -1)
		return -1;
	return 0;
}
