/*
 * tq-stats - workers, queues and task statistics: the monitoring
 * endpoints of the seed as one JSON object per run, or tables on a
 * terminal.  Read-only.
 *
 * Workers and queues come from Redis in RQ's layout (queue_info.c
 * reads them: a worker whose hash has expired is skipped, as RQ does),
 * and per queue its list and registries.  Statistics come from
 * PostgreSQL, the truth (stats.c).  monitor.c shapes the records, as
 * for tq-api.  Only the backends the
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

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

#define SEC_WORKERS	0x1
#define SEC_QUEUES	0x2
#define SEC_STATS	0x4

static struct option longopts[] = {
	{ "prometheus", no_argument, NULL, 'p' },
	{ "queues", no_argument, NULL, 'Q' },
	{ "statistics", no_argument, NULL, 's' },
	{ "workers", no_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-stats [-hHjQsvVw] [-d database-url] "
	    "[-r redis-url]\n"
	    "       tq-stats -p [-d database-url] [-r redis-url]\n");
	exit(status);
}

static const char *
hget(json_t *h, const char *field)
{
	return json_string_value(json_object_get(h, field));
}

#define jint	tq_jint

static void
table_workers(json_t *all)
{
	json_t *ws = json_object_get(all, "workers"), *w, *q;
	struct tq_table *t;
	struct tq_buf b;
	char ok[24], failed[24], working[32];
	size_t i, j;

	t = tq_table_new("llrrrll", "WORKER", "STATE", "QUEUES", "OK",
	    "FAILED", "WORKING", "HEARTBEAT", "JOB");
	json_array_foreach(ws, i, w) {
		memset(&b, 0, sizeof(b));
		json_array_foreach(json_object_get(w, "queues"), j, q)
			tq_buf_addf(&b, "%s%s", j ? "," : "",
			    json_string_value(q));
		snprintf(ok, sizeof(ok), "%lld", jint(w,
		    "successful_job_count"));
		snprintf(failed, sizeof(failed), "%lld", jint(w,
		    "failed_job_count"));
		snprintf(working, sizeof(working), "%.1fs", json_real_value(
		    json_object_get(w, "total_working_time")));
		tq_table_row(t, tq_jstr(w, "name", NULL), tq_jstr(w, "state",
		    NULL), b.data, ok, failed, working, tq_jstr(w,
		    "last_heartbeat", NULL), tq_jstr(w, "current_job", NULL));
		tq_buf_free(&b);
	}
	tq_table_print(t);
	printf("%lld worker%s\n", jint(all, "total_workers"),
	    jint(all, "total_workers") == 1 ? "" : "s");
}

static void
table_queues(json_t *all)
{
	static const char *const cols[] = { "count", "started_job_registry",
	    "finished_job_registry", "failed_job_registry",
	    "scheduled_job_registry", "workers" };
	json_t *qs = json_object_get(all, "queues"), *q;
	struct tq_table *t;
	const char *name;
	char v[6][24];
	size_t k;

	t = tq_table_new("lrrrrrrl", "QUEUE", "QUEUED", "STARTED", "FINISHED",
	    "FAILED", "SCHEDULED", "WORKERS", "STATE");
	json_object_foreach(qs, name, q) {
		for (k = 0; k < 6; k++)
			snprintf(v[k], sizeof(v[k]), "%lld", jint(q, cols[k]));
		tq_table_row(t, name, v[0], v[1], v[2], v[3], v[4], v[5],
		    json_is_true(json_object_get(q, "paused")) ? "paused" :
		    "active");
	}
	tq_table_print(t);
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
	json_t *st = json_object_get(all, "statistics"), *x;
	json_t *bt = json_object_get(st, "by_type");
	struct tq_table *t;
	const char *name;
	char v[3][24];

	t = tq_table_new("lrrr", "TYPE", "TOTAL", "COMPLETED", "FAILED");
	json_object_foreach(bt, name, x) {
		snprintf(v[0], sizeof(v[0]), "%lld", jint(x, "total"));
		snprintf(v[1], sizeof(v[1]), "%lld", jint(x, "completed"));
		snprintf(v[2], sizeof(v[2]), "%lld", jint(x, "failed"));
		tq_table_row(t, name, v[0], v[1], v[2]);
	}
	snprintf(v[0], sizeof(v[0]), "%lld", jint(st, "total_tasks"));
	snprintf(v[1], sizeof(v[1]), "%lld", jint(st, "completed_tasks"));
	snprintf(v[2], sizeof(v[2]), "%lld", jint(st, "failed_tasks"));
	tq_table_row(t, "all", v[0], v[1], v[2]);
	tq_table_print(t);
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

/*
 * The queues' names as label values: '\\', '"' and a newline escaped,
 * as the format has them (another program's RQ queue may be named
 * anything); ql maps each name to its label, and is the caller's.
 */
static json_t *
queue_labels(json_t *qs)
{
	json_t *ql = json_object(), *q;
	const char *name;

	json_object_foreach(qs, name, q) {
		struct tq_buf b = { 0 };

		tq_buf_addesc(&b, name);
		json_object_set_new(ql, name, json_string(b.data));
		tq_buf_free(&b);
	}
	return ql;
}

static const char *
qlabel(json_t *ql, const char *name)
{
	const char *s = json_string_value(json_object_get(ql, name));

	return s != NULL ? s : "";
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
	json_t *qs = json_object_get(all, "queues"), *q, *w, *h, *arr, *ql;
	const char *name;
	size_t i, k;

	ql = queue_labels(qs);
	for (i = 0; i < sizeof(qm) / sizeof(qm[0]); i++) {
		metric_head(qm[i][1], "gauge", qm[i][2]);
		json_object_foreach(qs, name, q)
			printf("%s{queue=\"%s\"} %lld\n", qm[i][1],
			    qlabel(ql, name),
			    (long long)json_integer_value(json_object_get(q,
			    qm[i][0])));
	}
	metric_head("tq_queue_paused", "gauge", "1 when the queue is paused "
	    "(tq-worker -P), else 0.");
	json_object_foreach(qs, name, q)
		printf("tq_queue_paused{queue=\"%s\"} %d\n",
		    qlabel(ql, name),
		    json_is_true(json_object_get(q, "paused")));
	/* the age of the job at the head of each queue */
	arr = json_array();
	json_object_foreach(qs, name, q)
		json_array_append(arr, q);
	if (tq_rq_head_ages(rc, e, arr) == -1) {
		json_decref(arr);
		json_decref(ql);
		return -1;
	}
	json_decref(arr);
	metric_head("tq_queue_oldest_job_age_seconds", "gauge",
	    "Seconds since the job at the head of the queue was enqueued "
	    "(0 when empty).");
	json_object_foreach(qs, name, q)
		printf("tq_queue_oldest_job_age_seconds{queue=\"%s\"} %.3f\n",
		    qlabel(ql, name),
		    json_real_value(json_object_get(q, "oldest_age")));

	metric_head("tq_workers", "gauge", "Workers registered, by state.");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		long long c = 0;

		json_array_foreach(json_object_get(all, "workers"), k, w)
			c += strcmp(tq_jstr(w, "state", "-"), states[i]) == 0;
		printf("tq_workers{state=\"%s\"} %lld\n", states[i], c);
	}

	/* the workers' counters: "<queue>|<outcome>", "<queue>|le=<b>" */
	if ((h = tq_rq_metrics(rc, e)) == NULL) {
		json_decref(ql);
		return -1;
	}
	metric_head("tq_jobs_total", "counter", "Jobs that ended, by queue "
	    "and outcome (finished, failed, retried, requeued, dropped, "
	    "canceled, stopped, skipped), since Redis last lost its data.");
	json_object_foreach(qs, name, q) {
		for (i = 0; i <= TQ_DONE_FORGET; i++) {
			char key[256];
			const char *v;

			snprintf(key, sizeof(key), "%s|%s", name,
			    tq_outcome_name(i));
			v = hget(h, key);
			printf("tq_jobs_total{queue=\"%s\",outcome=\"%s\"} "
			    "%s\n", qlabel(ql, name), tq_outcome_name(i),
			    v ? v : "0");
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
			    "le=\"%s\"} %lld\n", qlabel(ql, name),
			    strchr(key, '=') + 1,
			    cum);
		}
		snprintf(key, sizeof(key), "%s|sum", name);
		v = hget(h, key);
		printf("tq_job_duration_seconds_sum{queue=\"%s\"} %.6f\n",
		    qlabel(ql, name), v ? strtod(v, NULL) : 0.0);
		printf("tq_job_duration_seconds_count{queue=\"%s\"} %lld\n",
		    qlabel(ql, name), cum);
	}
	json_decref(h);
	json_decref(ql);
	return 0;
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
	json_t *by;
	int s, j, pass;

	for (pass = 0; pass < 2; pass++) {
		if ((by = tq_stats_by_status(db, e, pass)) == NULL)
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
				const char *type;
				json_t *t;
				long long c = 0;

				json_object_foreach(by, type, t)
					if (tq_stage_from_name(type) == s &&
					    json_object_get(t, st) != NULL)
						c = json_integer_value(
						    json_object_get(t, st));
				printf("%s{stage=\"%s\",status=\"%s\"} %lld\n",
				    pass ? "tq_items" : "tq_tasks",
				    tq_stage_name(s), st, c);
			}
		json_decref(by);
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
	    tq_mon_queues(rc, &e, all) == 0 && prom_redis(rc, &e, all) == 0 &&
	    tq_mon_sites(rc, &e, all) == 0) {
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
	tq_out_flush();
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

	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	while ((ch = tq_getopt(argc, argv, "d:HhjpQr:sVvw", longopts,
	    "dHhjrVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, NULL))
			continue;
		switch (ch) {
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'p':
			prom = 1;
			break;
		case 'Q':
			sec |= SEC_QUEUES;
			break;
		case 's':
			sec |= SEC_STATS;
			break;
		case 'w':
			sec |= SEC_WORKERS;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		warnx("%s: no operands are taken", tq_vis_arg(argv[optind]));
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (prom && (sec || om != TQ_OUT_AUTO)) {
		warnx("-p goes with none of -H, -j, -Q, -s and -w");
		usage(stderr, TQ_EXIT_USAGE);
	}
	/* -s alone reads PostgreSQL alone */
	if (tq_config_check(sec == SEC_STATS ? TQ_CFG_DB : TQ_CFG_REDIS |
	    TQ_CFG_DB) == -1)
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
	if ((sec & SEC_QUEUES) && (tq_mon_queues(rc, &e, all) == -1 ||
	    tq_mon_sites(rc, &e, all) == -1))
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
	tq_config_free();
	return status;
}
