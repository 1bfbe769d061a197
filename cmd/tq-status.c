/*
 * tq-status - print task records: the tasks named by id (operands, or
 * ids and records on stdin), or the most recent tasks, filtered by
 * type, status and age.  -a adds every attempt of every item; -w
 * redraws every few seconds.  Read-only.
 */
#include <err.h>
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "tq.h"

#define RECORDS	500	/* task records read and printed at a time */

static struct option longopts[] = {
	{ "attempts", no_argument, NULL, 'a' },
	{ "items", no_argument, NULL, 'i' },
	{ "list", no_argument, NULL, 'l' },
	{ "limit", required_argument, NULL, 'n' },
	{ "since", required_argument, NULL, 'S' },
	{ "status", required_argument, NULL, 's' },
	{ "type", required_argument, NULL, 't' },
	{ "watch", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-status [-ahHijqvV] [-d database-url] "
	    "[-w interval] [task ...]\n"
	    "       tq-status -l [-aHhijqvV] [-d database-url] [-n limit] "
	    "[-S since]\n"
	    "                 [-s status] [-t type] [-w interval]\n");
	exit(status);
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Put each item's attempts (tq_task_attempts(), sql/0006) in rec. */
static int
add_attempts(PGconn *db, struct tq_err *e, json_t *rec)
{
	json_t *its = json_object_get(rec, "items"), *all, *x, *it;
	size_t i, j;

	if ((all = tq_task_attempts(db, e, (long long)json_integer_value(
	    json_object_get(rec, "task_id")))) == NULL)
		return -1;
	json_array_foreach(its, i, it) {
		json_int_t item = json_integer_value(json_object_get(it,
		    "item_id"));
		json_t *list = NULL;

		json_array_foreach(all, j, x)
			if (json_integer_value(json_object_get(x, "item_id")) ==
			    item)
				list = json_object_get(x, "attempts");
		json_object_set_new(it, "attempts", list ? json_incref(list) :
		    json_array());
	}
	json_decref(all);
	return 0;
}

/* Which items of a batch wait for a site (tq_site_annotate()) */
static void
annotate(json_t *rec, json_t *items)
{
	json_t *o = json_pack("{s:O,s:O}", "task_id", json_object_get(rec,
	    "task_id"), "items", items);

	if (o != NULL)
		tq_site_annotate(o);
	json_decref(o);
}

/* The records of ids (n of them), with their items, printed */
static int
show_whole(PGconn *db, struct tq_err *e, const long long *ids, size_t n,
    int quiet, int *status)
{
	json_t *recs, *rec;
	size_t k;

	if (n == 0)
		return 0;
	if ((recs = tq_task_records(db, e, ids, n, 1)) == NULL)
		return -1;
	json_array_foreach(recs, k, rec) {
		if (json_is_null(rec)) {
			if (!quiet)
				warnx("task %lld: no such task", ids[k]);
			*status = TQ_EXIT_INPUT;
			continue;
		}
		tq_site_annotate(rec);	/* which items wait for a site */
		tq_out_task(rec, 1);
	}
	json_decref(recs);
	return 0;
}

/* One task's record, its items printed as they are read */
static int
show_stream(PGconn *db, struct tq_err *e, long long id, int quiet,
    int *status)
{
	struct tq_items *h;
	json_t *rec;
	int begun, rv = 0;

	if ((h = tq_task_items_open(db, e, id, &rec)) == NULL)
		return -1;
	if (json_is_null(rec)) {
		if (!quiet)
			warnx("task %lld: no such task", id);
		*status = TQ_EXIT_INPUT;
	} else
		rv = tq_out_task_items(rec, h, annotate, e, &begun);
	json_decref(rec);
	tq_task_items_close(h);
	return rv;
}

/*
 * The records of ids (m of them) printed with their items: the tasks
 * of up to TQ_ITEMS_WHOLE items whole, up to ITEMS_TOGETHER items in
 * one statement, as the records without them; a bigger task alone,
 * its items printed as they are read (tq_task_items_open()): the
 * record of a task of 50,000 items took 150 MB, and a few statements
 * a task made a list of small ones 3 times slower.  0, or -1 and e.
 */
#define ITEMS_TOGETHER	10000

static int
show_items(PGconn *db, struct tq_err *e, const long long *ids, size_t m,
    int quiet, int *status)
{
	long long *grp, ti, sum = 0;
	const char *p[1];
	PGresult *r;
	char *arr;
	size_t k, n = 0;
	int rv = -1;

	/*
	 * the sizes, not the records without items: tq_task_record()
	 * called both ways in one session is planned again at every call
	 */
	arr = tq_pg_array(ids, m);
	p[0] = arr;
	r = tq_db_exec(db, e, "SELECT t.total_items FROM unnest($1::bigint[]) "
	    "WITH ORDINALITY AS u(id, n) LEFT JOIN processing_tasks t ON "
	    "t.id = u.id ORDER BY u.n", 1, p);
	free(arr);
	if (r == NULL)
		return -1;
	grp = xcalloc(m + 1, sizeof(*grp));
	for (k = 0; k < m && k < (size_t)PQntuples(r); k++) {
		int none = PQgetisnull(r, (int)k, 0);

		ti = none ? 0 : atoll(PQgetvalue(r, (int)k, 0));
		if (!none && ti <= TQ_ITEMS_WHOLE &&
		    sum + ti <= ITEMS_TOGETHER) {
			grp[n++] = ids[k];
			sum += ti;
			continue;
		}
		if (show_whole(db, e, grp, n, quiet, status) == -1)
			goto out;
		n = sum = 0;
		if (none) {
			if (!quiet)
				warnx("task %lld: no such task", ids[k]);
			*status = TQ_EXIT_INPUT;
		} else if (ti <= TQ_ITEMS_WHOLE) {
			grp[n++] = ids[k];
			sum = ti;
		} else if (show_stream(db, e, ids[k], quiet, status) == -1)
			goto out;
	}
	rv = show_whole(db, e, grp, n, quiet, status);
out:
	PQclear(r);
	free(grp);
	return rv;
}

/* One round: the ids to show (the list's, or the named ones), printed. */
static int
show(PGconn *db, struct tq_ids *named, int list, long long limit,
    const char *filter, const char *type, double since, int items,
    int attempts, int quiet)
{
	struct tq_err e = { 0 };
	struct tq_ids lids = { 0 }, *ids = named;
	json_t *recs, *rec;
	size_t k, m, off;
	int status = TQ_EXIT_OK;

	if (list) {
		struct tq_task_filter f = { limit, filter, type, since };

		if (tq_task_list(db, &e, &f, &lids) == -1)
			goto backend;
		ids = &lids;
	}
	/*
	 * RECORDS at a time, each printed as it comes: the records of a
	 * list of 100,000 tasks took 524 MB at once
	 */
	for (off = 0; off < ids->n; off += m) {
		m = ids->n - off > RECORDS ? RECORDS : ids->n - off;
		if (items && !attempts) {
			if (show_items(db, &e, ids->v + off, m, quiet,
			    &status) == -1)
				goto backend;
			continue;
		}
		if ((recs = tq_task_records(db, &e, ids->v + off, m,
		    items)) == NULL)
			goto backend;
		json_array_foreach(recs, k, rec) {
			if (json_is_null(rec)) {
				if (!quiet)
					warnx("task %lld: no such task",
					    ids->v[off + k]);
				status = TQ_EXIT_INPUT;
				continue;
			}
			if (attempts && add_attempts(db, &e, rec) == -1) {
				json_decref(recs);
				goto backend;
			}
			if (items)	/* which items wait for a site */
				tq_site_annotate(rec);
			tq_out_task(rec, items);
		}
		json_decref(recs);
	}
	if (ids->n == 0 && list && tq_out_is_table() && !quiet)
		printf("no tasks\n");
	tq_ids_free(&lids);
	return status;
backend:
	warnx("%s", e.msg);
	tq_ids_free(&lids);
	return TQ_EXIT_BACKEND;
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	struct tq_ids ids = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch, items = 0, list = 0, quiet = 0, status = TQ_EXIT_OK;
	int attempts = 0;
	long long limit = 20;
	double since = 0, watch = 0;
	const char *filter = NULL, *type = NULL;
	PGconn *db;

	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	while ((ch = tq_getopt(argc, argv, "ad:HhijlS:n:qs:t:Vvw:", longopts,
	    "dHhjqVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
		case 'a':
			attempts = items = 1;
			break;
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'i':
			items = 1;
			break;
		case 'l':
			list = 1;
			break;
		case 'n': {
			const char *es = NULL;

			limit = strtonum(optarg, 1, 100000, &es);
			if (es != NULL)
				errx(TQ_EXIT_USAGE, "limit %s: %s",
				    tq_vis_arg(optarg), es);
			break;
		}
		case 'S':
			if (tq_parse_duration(optarg, &since) == -1 ||
			    since <= 0)
				errx(TQ_EXIT_USAGE, "since %s: not a duration "
				    "such as 90s, 30m, 2h or 7d",
				    tq_vis_arg(optarg));
			list = 1;
			break;
		case 's':
			if (!tq_task_terminal(optarg) &&
			    strcmp(optarg, "queued") != 0 &&
			    strcmp(optarg, "running") != 0)
				errx(TQ_EXIT_USAGE, "status %s: must be "
				    "queued, running, completed, failed or "
				    "cancelled",
				    tq_vis_arg(optarg));
			filter = optarg;
			list = 1;
			break;
		case 't': {
			int st = tq_stage_from_name(optarg);

			if (st < 0)
				errx(TQ_EXIT_USAGE, "type %s: must be parse, "
				    "ai or notion (or parsing, ai_processing, "
				    "notion_import)", tq_vis_arg(optarg));
			type = tq_stage_task_type(st);
			list = 1;
			break;
		}
		case 'w':
			if (tq_parse_duration(optarg, &watch) == -1 ||
			    watch < 0.1)
				errx(TQ_EXIT_USAGE, "watch %s: not an interval "
				    "from 0.1 s to 31 years (such as 2, 0.5 "
				    "or 1m)", tq_vis_arg(optarg));
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	tq_opt_done(&argc, &argv, TQ_CFG_DB);
	/* at once, before the connection: a shell starts a background
	 * command with SIGINT ignored, so a SIGINT that came before the
	 * handler would be lost and the watch would never end */
	if (watch > 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (list && argc > 0) {
		warnx("-l lists the recent tasks: no task ids with it");
		usage(stderr, TQ_EXIT_USAGE);
	}
	tq_out_init(om);
	/* without operands it lists: stdin only with "-", so a tq-status
	 * in a while-read loop never eats the loop's input */
	if (argc == 0)
		list = 1;
	if (!list) {
		tq_ids_collect(&ids, argc, argv);
		if (ids.n == 0 && !list) {
			if (ids.bad == 0)
				warnx("no task ids to show");
			tq_ids_free(&ids);
			return TQ_EXIT_INPUT;
		}
	}
	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	for (;;) {
		if (watch > 0 && tq_out_is_table()) {
			char now[40];

			/* home and clear, as watch(1) does, on a terminal
			 * (not a dumb one): into a file or a pipe (-H) each
			 * round follows the last, no escape in it */
			if (tq_term_escapes(STDOUT_FILENO))
				printf("\033[H\033[2J");
			printf("every %gs: tq-status  %s\n\n", watch,
			    tq_iso_time(tq_now(), now, sizeof(now)));
			tq_out_init(om);	/* a header each round */
		}
		status = show(db, &ids, list, limit, filter, type, since,
		    items, attempts, quiet);
		if (watch <= 0 || stop)
			break;
		/* nobody reads any more (a full disk, a closed stdout) */
		tq_out_flush();
		if (tq_out_failed())
			break;
		/* --watch outlives a PostgreSQL restart: the next round
		 * connects again */
		if (status == TQ_EXIT_BACKEND && PQstatus(db) != CONNECTION_OK)
			PQreset(db);
		for (double t = 0; t < watch && !stop; t += 0.1)
			usleep(100000);
		if (stop)
			break;
	}
	/* a watch ends by a signal: that is its success */
	if (watch > 0 && stop)
		status = TQ_EXIT_OK;
	else if (ids.bad > 0)
		status = TQ_EXIT_INPUT;
	tq_ids_free(&ids);
	PQfinish(db);
	return status;
}
