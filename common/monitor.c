/*
 * monitor.c - the seed's monitoring records, for tq-stats and tq-api,
 * built from what queue_info.c reads in Redis (RQ's layout), stats.c
 * in PostgreSQL (the truth) and site.c in Redis (the per-site state of
 * polite fetching).  This file only shapes records: it reads no key
 * and runs no SQL of its own.  Each function adds its members to an
 * object and adds nothing when it fails.
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
	double t;
	char buf[32];

	if (s == NULL)
		return json_null();
	if ((t = tq_rq_time_parse(s)) < 0)
		return json_string(s);
	return json_string(tq_iso_time((double)(long long)t, buf,
	    sizeof(buf)));
}

static const char *
hget(json_t *h, const char *field)
{
	return json_string_value(json_object_get(h, field));
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

/* A worker's record, from its hash (tq_rq_workers()). */
static json_t *
worker_json(json_t *h)
{
	json_t *o, *qs;
	const char *v;
	char *copy, *p, *q;

	qs = json_array();
	if ((v = hget(h, "queues")) != NULL) {
		copy = xstrdup(v);
		for (p = copy; (q = strsep(&p, ",")) != NULL;)
			if (*q != '\0')
				json_array_append_new(qs, json_string(q));
		free(copy);
	}
	o = json_object();
	json_object_set_new(o, "name", json_string(hget(h, "name")));
	json_object_set_new(o, "queues", qs);
	v = hget(h, "state");
	json_object_set_new(o, "state", json_string(v ? v : "unknown"));
	v = hget(h, "current_job");
	json_object_set_new(o, "current_job", v && *v ? json_string(v) :
	    json_null());
	json_object_set_new(o, "successful_job_count",
	    int_json(hget(h, "successful_job_count")));
	json_object_set_new(o, "failed_job_count",
	    int_json(hget(h, "failed_job_count")));
	v = hget(h, "total_working_time");
	json_object_set_new(o, "total_working_time",
	    json_real(v ? strtod(v, NULL) : 0.0));
	json_object_set_new(o, "birth_date", rq_time_json(hget(h, "birth")));
	json_object_set_new(o, "last_heartbeat",
	    rq_time_json(hget(h, "last_heartbeat")));
	json_object_set_new(o, "pid", int_json(hget(h, "pid")));
	v = hget(h, "hostname");
	json_object_set_new(o, "hostname", v ? json_string(v) : json_null());
	return o;
}

int
tq_mon_workers(redisContext *rc, struct tq_err *e, json_t *out)
{
	json_t *hs, *h, *arr;
	size_t i;

	if ((hs = tq_rq_workers(rc, e)) == NULL)
		return -1;
	arr = json_array();
	json_array_foreach(hs, i, h)
		json_array_append_new(arr, worker_json(h));
	json_decref(hs);
	json_object_set_new(out, "workers", arr);
	json_object_set_new(out, "total_workers",
	    json_integer((json_int_t)json_array_size(arr)));
	return 0;
}

int
tq_mon_queues(redisContext *rc, struct tq_err *e, json_t *out)
{
	json_t *arr, *q, *qs;
	size_t i;

	if ((arr = tq_rq_queues(rc, e, 1)) == NULL)
		return -1;
	qs = json_object();
	json_array_foreach(arr, i, q)
		json_object_set(qs, json_string_value(json_object_get(q,
		    "name")), q);
	json_decref(arr);
	json_object_set_new(out, "queues", qs);
	return 0;
}

int
tq_mon_sites(redisContext *rc, struct tq_err *e, json_t *out)
{
	json_t *a;

	/* the busiest sites of the last 10 minutes */
	if ((a = tq_site_stats(rc, 10, e)) == NULL)
		return -1;
	json_object_set_new(out, "sites", a);
	return 0;
}

int
tq_mon_statistics(PGconn *db, struct tq_err *e, json_t *out)
{
	json_t *st;

	/* only reads: on a database without tq's schema, all is 0 */
	if ((st = tq_stats_tasks(db, e)) == NULL)
		return -1;
	json_object_set_new(out, "statistics", st);
	return 0;
}
