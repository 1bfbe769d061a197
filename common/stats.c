/*
 * stats.c - task statistics from PostgreSQL, the truth, for tq-stats
 * and tq-api (the statistics section, through monitor.c; Prometheus's
 * gauges) and the health check of tq-health and tq-api (health.c,
 * which runs it without blocking under its deadline, so it takes the
 * SQL text rather than a result).  Read-only: on a database
 * without tq's schema every count is 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

static const char *const types[] = {
	"parsing", "ai_processing", "notion_import"
};

json_t *
tq_stats_tasks(PGconn *db, struct tq_err *e)
{
	PGresult *r;
	json_t *st, *bt;
	long long tot[6] = { 0 }, items[2] = { 0 };
	size_t t;
	int i, j;

	if (tq_db_schema_version(db) <= 0)
		r = NULL;
	else if ((r = tq_db_exec(db, e, "SELECT type, count(*), "
	    "count(*) FILTER (WHERE status = 'completed'), "
	    "count(*) FILTER (WHERE status = 'failed'), "
	    "count(*) FILTER (WHERE status = 'running'), "
	    "count(*) FILTER (WHERE status = 'queued'), "
	    "count(*) FILTER (WHERE status = 'cancelled'), "
	    "coalesce(sum(completed_items), 0), "
	    "coalesce(sum(failed_items), 0) "
	    "FROM processing_tasks GROUP BY type", 0, NULL)) == NULL)
		return NULL;
	bt = json_object();
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		json_object_set_new(bt, types[t], json_pack("{s:i,s:i,s:i}",
		    "total", 0, "completed", 0, "failed", 0));
	for (i = 0; i < PQntuples(r); i++) {
		long long v[8];

		for (j = 0; j < 8; j++)
			v[j] = strtoll(PQgetvalue(r, i, j + 1), NULL, 10);
		for (j = 0; j < 6; j++)
			tot[j] += v[j];
		items[0] += v[6];
		items[1] += v[7];
		json_object_set_new(bt, PQgetvalue(r, i, 0),
		    json_pack("{s:I,s:I,s:I}", "total", (json_int_t)v[0],
		    "completed", (json_int_t)v[1], "failed",
		    (json_int_t)v[2]));
	}
	PQclear(r);
	st = json_object();
	json_object_set_new(st, "total_tasks", json_integer(tot[0]));
	json_object_set_new(st, "completed_tasks", json_integer(tot[1]));
	json_object_set_new(st, "failed_tasks", json_integer(tot[2]));
	json_object_set_new(st, "running_tasks", json_integer(tot[3]));
	json_object_set_new(st, "queued_tasks", json_integer(tot[4]));
	json_object_set_new(st, "cancelled_tasks", json_integer(tot[5]));
	json_object_set_new(st, "by_type", bt);
	json_object_set_new(st, "total_items_processed",
	    json_integer(items[0]));
	json_object_set_new(st, "total_items_failed", json_integer(items[1]));
	return st;
}

/*
 * The items by status: the closed ones (completed, failed, cancelled)
 * from the counters each task keeps (a row a task), the open ones
 * (pending, running: few) from the index of the items' state and the
 * batches, in one statement, so one snapshot.  Counting every item (a
 * join of task_items_all and every task) read the whole history at
 * each scrape: 0.46 s for 2,000,000 items (0.14 s now), 2.2 s in the
 * scale audit's.  The counters move in the transaction that moves an
 * item: tq_item_finish() adds one as an item closes (a store, a
 * failure, the reconciler's cancel, a recovery's failure),
 * tq_task_cancel() as many as it cancels, tq_task_retry() takes back
 * as many failed items as it reopens; a submit and a chain's
 * follow-up write open items only, and retention deletes a task with
 * its items.  tests/5015 compares both counts after a run.  The task
 * of each group of open items is looked up by its id.
 */
static const char items_sql[] = "SELECT type, status, n FROM (SELECT "
    "(SELECT t.type FROM processing_tasks t WHERE t.id = o.task_id) "
    "AS type, o.status, sum(o.n) AS n FROM (SELECT task_id, status, "
    "count(*) AS n FROM task_items WHERE status IN ('pending', "
    "'running') GROUP BY 1, 2 UNION ALL SELECT task_id, 'pending', "
    "sum(cardinality(job_ids)) FROM task_item_batches GROUP BY 1) o "
    "GROUP BY 1, 2 UNION ALL SELECT t.type, s.status, s.n FROM (SELECT "
    "type, sum(completed_items) AS c, sum(failed_items) AS f, "
    "sum(cancelled_items) AS x FROM processing_tasks GROUP BY 1) t "
    "CROSS JOIN LATERAL (VALUES ('completed', t.c), ('failed', t.f), "
    "('cancelled', t.x)) s(status, n)) a WHERE n > 0";

json_t *
tq_stats_by_status(PGconn *db, struct tq_err *e, int items)
{
	PGresult *r;
	json_t *o = json_object(), *t;
	int i, v;

	if ((v = tq_db_schema_version(db)) <= 0)
		return o;
	/*
	 * a schema before 19 (not migrated: tq-stats only reads) has no
	 * batches of items, nor their view
	 */
	r = tq_db_exec(db, e, !items ? "SELECT type, status, count(*) FROM "
	    "processing_tasks GROUP BY 1, 2" : v >= 19 ? items_sql :
	    "SELECT t.type, i.status, count(*) FROM task_items i JOIN "
	    "processing_tasks t ON t.id = i.task_id GROUP BY 1, 2", 0, NULL);
	if (r == NULL) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < PQntuples(r); i++) {
		if ((t = json_object_get(o, PQgetvalue(r, i, 0))) == NULL) {
			t = json_object();
			json_object_set_new(o, PQgetvalue(r, i, 0), t);
		}
		json_object_set_new(t, PQgetvalue(r, i, 1), json_integer(
		    strtoll(PQgetvalue(r, i, 2), NULL, 10)));
	}
	PQclear(r);
	return o;
}

char *
tq_stats_sql(enum tq_stats_query q, int secs)
{
	switch (q) {
	case TQ_SQ_PING:
		return xstrdup("SELECT 1");
	case TQ_SQ_SCHEMA:
		return xstrdup("SELECT coalesce(max(version), 0) FROM "
		    "tq_schema");
	case TQ_SQ_STUCK:
		/* [queue, count] of items running past timeout + secs */
		return xasprintf("SELECT t.queue_name, count(*) FROM "
		    "task_items i JOIN processing_tasks t ON t.id = i.task_id "
		    "WHERE i.status = 'running' AND i.started_at < now() - "
		    "make_interval(secs => CASE t.queue_name WHEN '%s' THEN "
		    "%d WHEN '%s' THEN %d ELSE %d END + %d) GROUP BY 1",
		    tq_stage_queue(TQ_STAGE_PARSE),
		    tq_cfg.timeout[TQ_STAGE_PARSE],
		    tq_stage_queue(TQ_STAGE_AI), tq_cfg.timeout[TQ_STAGE_AI],
		    tq_cfg.timeout[TQ_STAGE_NOTION], secs);
	case TQ_SQ_ENDED:
		/* [ended, failed] items of the last secs */
		return xasprintf("SELECT count(*), count(*) FILTER (WHERE "
		    "status = 'failed') FROM task_items WHERE status IN "
		    "('completed', 'failed') AND completed_at > now() - "
		    "interval '%d seconds'", secs);
	}
	return NULL;
}
