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
			v = tq_hget(h, key);
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
			if ((v = tq_hget(h, key)) != NULL)
				cum += strtoll(v, NULL, 10);
			printf("tq_job_duration_seconds_bucket{queue=\"%s\","
			    "le=\"%s\"} %lld\n", name, strchr(key, '=') + 1,
			    cum);
		}
		snprintf(key, sizeof(key), "%s|sum", name);
		v = tq_hget(h, key);
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
	    tq_mon_workers(rc, &e, all) == 0 &&
	    tq_mon_queues(rc, &e, all) == 0 &&
	    prom_redis(rc, &e, all) == 0)
		up[0] = 1;
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
	if ((sec & SEC_WORKERS) && tq_mon_workers(rc, &e, all) == -1)
		goto fail;
	if ((sec & SEC_QUEUES) && tq_mon_queues(rc, &e, all) == -1)
		goto fail;
	if ((sec & SEC_STATS) && tq_mon_statistics(db, &e, all) == -1)
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
