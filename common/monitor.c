/*
 * monitor.c - the seed's monitoring records, for tq-stats and tq-api:
 * workers and queues from Redis in RQ's layout (the rq:workers set and
 * each rq:worker:<name> hash, a member whose hash has expired skipped
 * as RQ does; per queue its list and registries), task statistics from
 * PostgreSQL, the truth.  Each adds its members to an object and adds
 * nothing when it fails.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tq.h"

/* RQ's "2026-11-28T12:44:36.839073Z" -> "2026-11-28T12:44:36Z". */
static json_t *
rq_time_json(const char *s)
{
	struct tm tm;
	char buf[32];

	if (s == NULL)
		return json_null();
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return json_string(s);
	return json_string(tq_iso_time((double)timegm(&tm), buf,
	    sizeof(buf)));
}

const char *
tq_hget(const redisReply *h, const char *field)
{
	size_t i;

	if (h == NULL || h->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(h->element[i]->str, field) == 0 &&
		    h->element[i + 1]->type == REDIS_REPLY_STRING)
			return h->element[i + 1]->str;
	return NULL;
}

static json_t *
int_json(const char *s)
{
	const char *e = NULL;
	long long v;

	if (s == NULL)
		return json_integer(0);
	v = strtonum(s, 0, LLONG_MAX, &e);
	return json_integer(e ? 0 : v);
}

static json_t *
worker_json(const char *name, const redisReply *h)
{
	json_t *o, *qs;
	const char *v;
	char *copy, *p, *q;

	qs = json_array();
	if ((v = tq_hget(h, "queues")) != NULL) {
		copy = xstrdup(v);
		for (p = copy; (q = strsep(&p, ",")) != NULL;)
			if (*q != '\0')
				json_array_append_new(qs, json_string(q));
		free(copy);
	}
	o = json_object();
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "queues", qs);
	v = tq_hget(h, "state");
	json_object_set_new(o, "state", json_string(v ? v : "unknown"));
	v = tq_hget(h, "current_job");
	json_object_set_new(o, "current_job", v && *v ? json_string(v) :
	    json_null());
	json_object_set_new(o, "successful_job_count",
	    int_json(tq_hget(h, "successful_job_count")));
	json_object_set_new(o, "failed_job_count",
	    int_json(tq_hget(h, "failed_job_count")));
	v = tq_hget(h, "total_working_time");
	json_object_set_new(o, "total_working_time",
	    json_real(v ? strtod(v, NULL) : 0.0));
	json_object_set_new(o, "birth_date", rq_time_json(tq_hget(h, "birth")));
	json_object_set_new(o, "last_heartbeat",
	    rq_time_json(tq_hget(h, "last_heartbeat")));
	json_object_set_new(o, "pid", int_json(tq_hget(h, "pid")));
	v = tq_hget(h, "hostname");
	json_object_set_new(o, "hostname", v ? json_string(v) : json_null());
	return o;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* {"workers":[...],"total_workers":N} members into out. */
int
tq_mon_workers(redisContext *rc, struct tq_err *e, json_t *out)
{
	redisReply *set, *h;
	const char **names;
	json_t *arr;
	size_t i, n;
	int rv = -1;

	if ((set = tq_redis(rc, e, "SMEMBERS rq:workers")) == NULL)
		return -1;
	names = xcalloc(set->elements + 1, sizeof(*names));
	for (i = n = 0; i < set->elements; i++)
		if (set->element[i]->type == REDIS_REPLY_STRING &&
		    strncmp(set->element[i]->str, "rq:worker:", 10) == 0)
			names[n++] = set->element[i]->str + 10;
	qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++)
		redisAppendCommand(rc, "HGETALL rq:worker:%s", names[i]);
	arr = json_array();
	for (i = 0; i < n; i++) {
		void *v = NULL;

		if (redisGetReply(rc, &v) != REDIS_OK) {
			tq_err_set(e, TQ_ERR_TRANSIENT, "redis", "redis: %s",
			    rc->errstr[0] ? rc->errstr : "connection lost");
			json_decref(arr);
			goto out;
		}
		h = v;
		/* an expired hash: the worker is gone, as RQ sees it */
		if (h->type == REDIS_REPLY_ARRAY && h->elements > 0)
			json_array_append_new(arr, worker_json(names[i], h));
		freeReplyObject(h);
	}
	json_object_set_new(out, "workers", arr);
	json_object_set_new(out, "total_workers",
	    json_integer((json_int_t)json_array_size(arr)));
	rv = 0;
out:
	free(names);
	freeReplyObject(set);
	return rv;
}

static const char *const regs[] = {
	"count", "started_job_registry", "finished_job_registry",
	"failed_job_registry", "scheduled_job_registry", "workers", "paused"
};
#define NREGS	(sizeof(regs) / sizeof(regs[0]))

/* {"queues":{q:{...}}} into out: tq's three, then any other in rq:queues. */
int
tq_mon_queues(redisContext *rc, struct tq_err *e, json_t *out)
{
	redisReply *set, *r;
	const char **names;
	json_t *qs, *q;
	size_t i, j, n, k;
	double now = tq_now();
	int rv = -1;

	if ((set = tq_redis(rc, e, "SMEMBERS rq:queues")) == NULL)
		return -1;
	names = xcalloc(set->elements + TQ_NSTAGES, sizeof(*names));
	for (n = 0; n < TQ_NSTAGES; n++)
		names[n] = tq_stage_queue(n);
	k = n;
	for (i = 0; i < set->elements; i++) {
		const char *s = set->element[i]->str;

		if (set->element[i]->type != REDIS_REPLY_STRING ||
		    strncmp(s, "rq:queue:", 9) != 0 || s[9] == '\0' ||
		    tq_stage_from_name(s + 9) >= 0)
			continue;
		names[n++] = s + 9;
	}
	qsort(names + k, n - k, sizeof(*names), cmpstr);
	/*
	 * Finished and failed scores are expiry times: count only the
	 * entries RQ's cleanup would keep.
	 */
	for (i = 0; i < n; i++) {
		redisAppendCommand(rc, "LLEN rq:queue:%s", names[i]);
		redisAppendCommand(rc, "ZCARD rq:wip:%s", names[i]);
		redisAppendCommand(rc, "ZCOUNT rq:finished:%s %.0f +inf",
		    names[i], now);
		redisAppendCommand(rc, "ZCOUNT rq:failed:%s %.0f +inf",
		    names[i], now);
		redisAppendCommand(rc, "ZCARD rq:scheduled:%s", names[i]);
		redisAppendCommand(rc, "SCARD rq:workers:%s", names[i]);
		redisAppendCommand(rc, "EXISTS tq:paused:%s", names[i]);
	}
	qs = json_object();
	for (i = 0; i < n; i++) {
		q = json_object();
		json_object_set_new(q, "name", json_string(names[i]));
		for (j = 0; j < NREGS; j++) {
			void *v = NULL;

			if (redisGetReply(rc, &v) != REDIS_OK) {
				tq_err_set(e, TQ_ERR_TRANSIENT, "redis",
				    "redis: %s", rc->errstr[0] ? rc->errstr :
				    "connection lost");
				json_decref(q);
				json_decref(qs);
				goto out;
			}
			r = v;
			/* a key of another type (WRONGTYPE) counts as 0 */
			if (strcmp(regs[j], "paused") == 0)
				json_object_set_new(q, regs[j], json_boolean(
				    r->type == REDIS_REPLY_INTEGER &&
				    r->integer > 0));
			else
				json_object_set_new(q, regs[j], json_integer(
				    r->type == REDIS_REPLY_INTEGER ?
				    r->integer : 0));
			freeReplyObject(r);
		}
		json_object_set_new(qs, names[i], q);
	}
	json_object_set_new(out, "queues", qs);
	rv = 0;
out:
	free(names);
	freeReplyObject(set);
	return rv;
}

static const char *const types[] = {
	"parsing", "ai_processing", "notion_import"
};

/* {"statistics":{...}} into out, from processing_tasks. */
int
tq_mon_statistics(PGconn *db, struct tq_err *e, json_t *out)
{
	PGresult *r;
	json_t *st, *bt;
	long long tot[6] = { 0 }, items[2] = { 0 };
	size_t t;
	int i, j;

	/* only reads: on a database without tq's schema, all is 0 */
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
		return -1;
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
	json_object_set_new(out, "statistics", st);
	return 0;
}
