/*
 * tq-stats - workers, queues and task statistics: the monitoring
 * endpoints of the seed as one JSON object per run, or tables on a
 * terminal.  Read-only.
 *
 * Workers and queues come from Redis in RQ's layout: the rq:workers
 * set and each rq:worker:<name> hash (a member whose hash has expired
 * is skipped, as RQ does), and per queue its list and registries.
 * Statistics come from PostgreSQL, the truth.  Only the backends the
 * requested sections need are contacted; everything is gathered
 * before anything is printed, so a backend error prints no partial
 * record.  -p prints Prometheus's text format instead, for
 * node_exporter's textfile collector or any static server: gauges of
 * tasks, items, queues and workers, and the job counters and duration
 * histograms the workers keep in tq:metrics (queue.c).
 */
#include <err.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tq.h"

#define SEC_WORKERS	0x1
#define SEC_QUEUES	0x2
#define SEC_STATS	0x4

static struct option longopts[] = {
	{ "database-url", required_argument, NULL, 'd' },
	{ "table", no_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "prometheus", no_argument, NULL, 'p' },
	{ "queues", no_argument, NULL, 'Q' },
	{ "redis-url", required_argument, NULL, 'r' },
	{ "statistics", no_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ "workers", no_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-stats [-hHjQsVw] [-d database-url] "
	    "[-r redis-url]\n"
	    "       tq-stats -p [-d database-url] [-r redis-url]\n");
	exit(status);
}

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

static const char *
hget(const redisReply *h, const char *field)
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
	if ((v = hget(h, "queues")) != NULL) {
		copy = xstrdup(v);
		for (p = copy; (q = strsep(&p, ",")) != NULL;)
			if (*q != '\0')
				json_array_append_new(qs, json_string(q));
		free(copy);
	}
	o = json_object();
	json_object_set_new(o, "name", json_string(name));
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

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* {"workers":[...],"total_workers":N} members into out. */
static int
get_workers(redisContext *rc, struct tq_err *e, json_t *out)
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
static int
get_queues(redisContext *rc, struct tq_err *e, json_t *out)
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
static int
get_statistics(PGconn *db, struct tq_err *e, json_t *out)
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

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s && *s ? s : "-";
}

static long long
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void
table_workers(json_t *all)
{
	json_t *ws = json_object_get(all, "workers"), *w, *qs, *q;
	size_t i, j, nw = 6, nq = 6;
	struct tq_buf b;

	json_array_foreach(ws, i, w) {
		size_t l = strlen(jstr(w, "name")), ql = 0;

		if (l > nw)
			nw = l;
		json_array_foreach(json_object_get(w, "queues"), j, q)
			ql += strlen(json_string_value(q)) + (j ? 1 : 0);
		if (ql > nq)
			nq = ql;
	}
	printf("%-*s  %-9s  %-*s  %6s  %6s  %9s  %-20s  %s\n", (int)nw,
	    "WORKER", "STATE", (int)nq, "QUEUES", "OK", "FAILED", "WORKING",
	    "HEARTBEAT", "JOB");
	json_array_foreach(ws, i, w) {
		memset(&b, 0, sizeof(b));
		qs = json_object_get(w, "queues");
		json_array_foreach(qs, j, q)
			tq_buf_addf(&b, "%s%s", j ? "," : "",
			    json_string_value(q));
		printf("%-*s  %-9s  %-*s  %6lld  %6lld  %8.1fs  %-20s  %s\n",
		    (int)nw, jstr(w, "name"), jstr(w, "state"), (int)nq,
		    b.data ? b.data : "-", jint(w, "successful_job_count"),
		    jint(w, "failed_job_count"), json_real_value(
		    json_object_get(w, "total_working_time")),
		    jstr(w, "last_heartbeat"), jstr(w, "current_job"));
		tq_buf_free(&b);
	}
	printf("%lld worker%s\n", jint(all, "total_workers"),
	    jint(all, "total_workers") == 1 ? "" : "s");
}

static void
table_queues(json_t *all)
{
	json_t *qs = json_object_get(all, "queues"), *q;
	const char *name;
	size_t nw = 5;

	json_object_foreach(qs, name, q)
		if (strlen(name) > nw)
			nw = strlen(name);
	printf("%-*s  %7s  %7s  %8s  %7s  %9s  %7s  %s\n", (int)nw, "QUEUE",
	    "QUEUED", "STARTED", "FINISHED", "FAILED", "SCHEDULED", "WORKERS",
	    "STATE");
	json_object_foreach(qs, name, q)
		printf("%-*s  %7lld  %7lld  %8lld  %7lld  %9lld  %7lld  %s\n",
		    (int)nw, name, jint(q, "count"),
		    jint(q, "started_job_registry"),
		    jint(q, "finished_job_registry"),
		    jint(q, "failed_job_registry"),
		    jint(q, "scheduled_job_registry"), jint(q, "workers"),
		    json_is_true(json_object_get(q, "paused")) ? "paused" :
		    "active");
}

/* The busiest sites of the last 10 minutes (site.c), into out. */
static int
get_sites(redisContext *rc, struct tq_err *e, json_t *out)
{
	json_t *a = tq_site_stats(rc, 10, e);

	if (a == NULL)
		return -1;
	json_object_set_new(out, "sites", a);
	return 0;
}

static void
table_sites(json_t *all)
{
	json_t *a = json_object_get(all, "sites"), *x;
	size_t i, nw = 4;

	json_array_foreach(a, i, x)
		if (strlen(json_string_value(json_object_get(x, "site"))) > nw)
			nw = strlen(json_string_value(json_object_get(x,
			    "site")));
	printf("%-*s  %9s  %5s  %6s  %8s  %7s\n", (int)nw, "SITE",
	    "IN FLIGHT", "LIMIT", "DELAY", "BACKOFF", "PAUSED");
	json_array_foreach(a, i, x)
		printf("%-*s  %9lld  %5lld  %5.1fs  %7.0fs  %6.0fs\n", (int)nw,
		    json_string_value(json_object_get(x, "site")),
		    jint(x, "in_flight"), jint(x, "limit"),
		    json_number_value(json_object_get(x, "delay")),
		    json_number_value(json_object_get(x, "backoff_for")),
		    json_number_value(json_object_get(x, "paused_for")));
}

static void
table_stats(json_t *all)
{
	json_t *st = json_object_get(all, "statistics"), *t;
	json_t *bt = json_object_get(st, "by_type");
	const char *name;

	printf("%-14s  %7s  %9s  %7s\n", "TYPE", "TOTAL", "COMPLETED",
	    "FAILED");
	json_object_foreach(bt, name, t)
		printf("%-14s  %7lld  %9lld  %7lld\n", name, jint(t, "total"),
		    jint(t, "completed"), jint(t, "failed"));
	printf("%-14s  %7lld  %9lld  %7lld\n", "all", jint(st, "total_tasks"),
	    jint(st, "completed_tasks"), jint(st, "failed_tasks"));
	printf("tasks: %lld running, %lld queued, %lld cancelled; "
	    "items: %lld processed, %lld failed\n", jint(st, "running_tasks"),
	    jint(st, "queued_tasks"), jint(st, "cancelled_tasks"),
	    jint(st, "total_items_processed"), jint(st, "total_items_failed"));
}

/* ---- Prometheus text format (exposition format 0.0.4) */

static void
metric_head(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Seconds since an RQ time ("2026-11-28T12:44:36.839073Z"), or -1. */
static double
rq_age(const char *s, double now)
{
	struct tm tm;
	const char *rest;
	double frac = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) ==
	    NULL)
		return -1;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	return now - ((double)timegm(&tm) + frac);
}

static int
prom_redis(redisContext *rc, struct tq_err *e, json_t *all)
{
	static const char *const qm[][3] = {
		{ "count", "tq_queue_jobs", "Jobs waiting in the queue." },
		{ "started_job_registry", "tq_queue_started_jobs",
		    "Jobs that workers hold (RQ's started registry)." },
		{ "scheduled_job_registry", "tq_queue_scheduled_jobs",
		    "Jobs waiting for a retry." },
		{ "failed_job_registry", "tq_queue_failed_jobs",
		    "Jobs in RQ's failed registry (until they expire)." },
		{ "finished_job_registry", "tq_queue_finished_jobs",
		    "Jobs in RQ's finished registry (until they expire)." },
	};
	static const char *const states[] = { "busy", "idle", "suspended",
	    "started" };
	json_t *qs = json_object_get(all, "queues"), *q, *w;
	redisReply *r, *h;
	const char *name;
	size_t i, k, n = json_object_size(qs);
	double now = tq_now();
	char **ids;

	for (i = 0; i < sizeof(qm) / sizeof(qm[0]); i++) {
		metric_head(qm[i][1], "gauge", qm[i][2]);
		json_object_foreach(qs, name, q)
			printf("%s{queue=\"%s\"} %lld\n", qm[i][1], name,
			    (long long)json_integer_value(json_object_get(q,
			    qm[i][0])));
	}
	metric_head("tq_queue_paused", "gauge", "1 when the queue is paused "
	    "(tq-worker -P), else 0.");
	json_object_foreach(qs, name, q)
		printf("tq_queue_paused{queue=\"%s\"} %d\n", name,
		    json_is_true(json_object_get(q, "paused")));
	/* the age of the job at the head of each queue */
	json_object_foreach(qs, name, q)
		redisAppendCommand(rc, "LINDEX rq:queue:%s 0", name);
	ids = xcalloc(n + 1, sizeof(*ids));
	for (i = 0; i < n; i++) {
		void *v = NULL;

		if (redisGetReply(rc, &v) != REDIS_OK)
			goto lost;
		r = v;
		if (r->type == REDIS_REPLY_STRING)
			ids[i] = xstrdup(r->str);
		freeReplyObject(r);
	}
	metric_head("tq_queue_oldest_job_age_seconds", "gauge",
	    "Seconds since the job at the head of the queue was enqueued "
	    "(0 when empty).");
	i = 0;
	json_object_foreach(qs, name, q) {
		double age = 0;

		if (ids[i] != NULL) {
			h = tq_redis(rc, e, "HGET rq:job:%s enqueued_at",
			    ids[i]);
			if (h == NULL)
				goto fail;
			if (h->type == REDIS_REPLY_STRING &&
			    (age = rq_age(h->str, now)) < 0)
				age = 0;
			freeReplyObject(h);
		}
		printf("tq_queue_oldest_job_age_seconds{queue=\"%s\"} %.3f\n",
		    name, age);
		i++;
	}
	for (k = 0; k < n; k++)
		free(ids[k]);
	free(ids);

	metric_head("tq_workers", "gauge", "Workers registered, by state.");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		long long c = 0;

		json_array_foreach(json_object_get(all, "workers"), k, w)
			c += strcmp(jstr(w, "state"), states[i]) == 0;
		printf("tq_workers{state=\"%s\"} %lld\n", states[i], c);
	}

	/* the workers' counters: "<queue>|<outcome>", "<queue>|le=<b>" */
	if ((h = tq_redis(rc, e, "HGETALL tq:metrics")) == NULL)
		return -1;
	metric_head("tq_jobs_total", "counter", "Jobs that ended, by queue "
	    "and outcome (finished, failed, retried, requeued, dropped, skipped, "
	    "canceled), since Redis last lost its data.");
	json_object_foreach(qs, name, q) {
		for (i = 0; i <= TQ_DONE_FORGET; i++) {
			char key[256];
			const char *v;

			snprintf(key, sizeof(key), "%s|%s", name,
			    tq_outcome_name(i));
			v = hget(h, key);
			printf("tq_jobs_total{queue=\"%s\",outcome=\"%s\"} "
			    "%s\n", name, tq_outcome_name(i), v ? v : "0");
		}
	}
	metric_head("tq_job_duration_seconds", "histogram", "How long jobs "
	    "ran, from take to acknowledgement, by queue.");
	json_object_foreach(qs, name, q) {
		char key[256];
		long long cum = 0;
		const char *v;

		for (i = 0; i <= TQ_METRIC_NBUCKETS; i++) {
			if (i < TQ_METRIC_NBUCKETS)
				snprintf(key, sizeof(key), "%s|le=%g", name,
				    tq_metric_buckets[i]);
			else
				snprintf(key, sizeof(key), "%s|le=+Inf", name);
			if ((v = hget(h, key)) != NULL)
				cum += strtoll(v, NULL, 10);
			printf("tq_job_duration_seconds_bucket{queue=\"%s\","
			    "le=\"%s\"} %lld\n", name, strchr(key, '=') + 1,
			    cum);
		}
		snprintf(key, sizeof(key), "%s|sum", name);
		v = hget(h, key);
		printf("tq_job_duration_seconds_sum{queue=\"%s\"} %.6f\n",
		    name, v ? strtod(v, NULL) : 0.0);
		printf("tq_job_duration_seconds_count{queue=\"%s\"} %lld\n",
		    name, cum);
	}
	freeReplyObject(h);
	return 0;
lost:
	tq_err_set(e, TQ_ERR_TRANSIENT, "redis", "redis: %s",
	    rc->errstr[0] ? rc->errstr : "connection lost");
fail:
	for (k = 0; k < n; k++)
		free(ids[k]);
	free(ids);
	return -1;
}

/* Per-site gauges of the busiest sites (tq_site_stats). */
static void
prom_sites(json_t *all)
{
	static const char *const sm[][3] = {
		{ "in_flight", "tq_site_in_flight",
		    "Fetches in flight to the site, all workers." },
		{ "limit", "tq_site_limit", "Fetches the site may have in "
		    "flight now (0: no limit)." },
		{ "delay", "tq_site_delay_seconds", "Least seconds between two "
		    "requests to the site." },
		{ "backoff_for", "tq_site_backoff_seconds", "Seconds left of "
		    "the site's AutoThrottle window." },
		{ "paused_for", "tq_site_paused_seconds", "Seconds left of the "
		    "site's pause (Retry-After)." },
	};
	json_t *a = json_object_get(all, "sites"), *x;
	const char *name;
	size_t i, k;

	for (k = 0; k < sizeof(sm) / sizeof(sm[0]); k++) {
		metric_head(sm[k][1], "gauge", sm[k][2]);
		json_array_foreach(a, i, x) {
			name = json_string_value(json_object_get(x, "site"));
			if (name == NULL || strpbrk(name, "\"\\\n") != NULL)
				continue;
			printf("%s{site=\"%s\"} %g\n", sm[k][1], name,
			    json_number_value(json_object_get(x, sm[k][0])));
		}
	}
}

static int
prom_pg(PGconn *db, struct tq_err *e)
{
	static const char *const tst[] = { "queued", "running", "completed",
	    "failed", "cancelled" };
	static const char *const ist[] = { "pending", "running", "completed",
	    "failed", "cancelled" };
	PGresult *r;
	int s, j, i, pass, schema = tq_db_schema_version(db) > 0;

	for (pass = 0; pass < 2; pass++) {
		r = NULL;
		if (schema && (r = tq_db_exec(db, e, pass == 0 ? "SELECT type, "
		    "status, count(*) FROM processing_tasks GROUP BY 1, 2" :
		    "SELECT t.type, i.status, count(*) FROM task_items i "
		    "JOIN processing_tasks t ON t.id = i.task_id GROUP BY 1, 2",
		    0, NULL)) == NULL)
			return -1;
		if (pass == 0)
			metric_head("tq_tasks", "gauge",
			    "Tasks by stage and status.");
		else
			metric_head("tq_items", "gauge",
			    "Items by stage and status.");
		for (s = 0; s < TQ_NSTAGES; s++)
			for (j = 0; j < 5; j++) {
				const char *st = pass ? ist[j] : tst[j];
				long long c = 0;

				for (i = 0; i < PQntuples(r); i++)
					if (tq_stage_from_name(PQgetvalue(r, i,
					    0)) == s && strcmp(PQgetvalue(r, i,
					    1), st) == 0)
						c = strtoll(PQgetvalue(r, i, 2),
						    NULL, 10);
				printf("%s{stage=\"%s\",status=\"%s\"} %lld\n",
				    pass ? "tq_items" : "tq_tasks",
				    tq_stage_name(s), st, c);
			}
		PQclear(r);
	}
	return 0;
}

/*
 * Everything that can be read, then tq_up for each backend: a scrape
 * shows which one is down.  Exit 4 if one was.
 */
static int
prometheus(void)
{
	struct tq_err e = { 0 };
	redisContext *rc;
	PGconn *db;
	json_t *all = json_object();
	int up[2] = { 0, 0 };

	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
	    get_workers(rc, &e, all) == 0 && get_queues(rc, &e, all) == 0 &&
	    prom_redis(rc, &e, all) == 0 && get_sites(rc, &e, all) == 0) {
		up[0] = 1;
		prom_sites(all);
	}
	if (!up[0])
		warnx("%s", e.msg);
	if ((db = tq_db_open(&e, 0)) != NULL && prom_pg(db, &e) == 0)
		up[1] = 1;
	if (!up[1])
		warnx("%s", e.msg);
	metric_head("tq_up", "gauge", "Whether tq-stats could read the "
	    "backend (1) or not (0).");
	printf("tq_up{backend=\"redis\"} %d\n", up[0]);
	printf("tq_up{backend=\"postgresql\"} %d\n", up[1]);
	fflush(stdout);
	json_decref(all);
	if (rc != NULL)
		redisFree(rc);
	PQfinish(db);
	return up[0] && up[1] ? TQ_EXIT_OK : TQ_EXIT_BACKEND;
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	redisContext *rc = NULL;
	PGconn *db = NULL;
	json_t *all = NULL;
	int ch, sec = 0, status = TQ_EXIT_BACKEND, blank = 0, prom = 0;

	if (tq_config_load() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	while ((ch = getopt_long(argc, argv, "d:HhjpQr:sVw", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			free(tq_cfg.database_url);
			tq_cfg.database_url = xstrdup(optarg);
			break;
		case 'H':
			om = TQ_OUT_TABLE;
			break;
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'j':
			om = TQ_OUT_JSON;
			break;
		case 'p':
			prom = 1;
			break;
		case 'Q':
			sec |= SEC_QUEUES;
			break;
		case 'r':
			free(tq_cfg.redis_url);
			tq_cfg.redis_url = xstrdup(optarg);
			break;
		case 's':
			sec |= SEC_STATS;
			break;
		case 'V':
			printf("tq-stats %s\n", TQ_VERSION);
			return TQ_EXIT_OK;
		case 'w':
			sec |= SEC_WORKERS;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (optind != argc || (prom && (sec || om != TQ_OUT_AUTO)))
		usage(stderr, TQ_EXIT_USAGE);
	if (tq_config_check() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	if (prom) {
		status = prometheus();
		goto out;
	}
	if (sec == 0)
		sec = SEC_WORKERS | SEC_QUEUES | SEC_STATS;
	tq_out_init(om);

	if ((sec & (SEC_WORKERS | SEC_QUEUES)) &&
	    (rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		goto fail;
	if ((sec & SEC_STATS) && (db = tq_db_open(&e, 0)) == NULL)
		goto fail;
	all = json_object();
	if ((sec & SEC_WORKERS) && get_workers(rc, &e, all) == -1)
		goto fail;
	if ((sec & SEC_QUEUES) && (get_queues(rc, &e, all) == -1 ||
	    get_sites(rc, &e, all) == -1))
		goto fail;
	if ((sec & SEC_STATS) && get_statistics(db, &e, all) == -1)
		goto fail;

	if (!tq_out_is_table())
		tq_out_json(all);
	else {
		if (sec & SEC_WORKERS) {
			table_workers(all);
			blank = 1;
		}
		if (sec & SEC_QUEUES) {
			if (blank)
				putchar('\n');
			table_queues(all);
			if (json_array_size(json_object_get(all, "sites"))) {
				putchar('\n');
				table_sites(all);
			}
			blank = 1;
		}
		if (sec & SEC_STATS) {
			if (blank)
				putchar('\n');
			table_stats(all);
		}
		tq_out_flush();
	}
	status = TQ_EXIT_OK;
	goto out;
fail:
	warnx("%s", e.msg);
out:
	json_decref(all);
	if (rc != NULL)
		redisFree(rc);
	PQfinish(db);
	free(tq_cfg.redis_url);
	free(tq_cfg.database_url);
	free(tq_cfg.user_agent);
	return status;
}
