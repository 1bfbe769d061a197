/*
 * tq-status - print task records: the tasks named by id (operands, or
 * ids and records on stdin), or the most recent tasks.  Read-only.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"

static struct option longopts[] = {
	{ "database-url", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "table", no_argument, NULL, 'H' },
	{ "items", no_argument, NULL, 'i' },
	{ "json", no_argument, NULL, 'j' },
	{ "list", no_argument, NULL, 'l' },
	{ "limit", required_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "status", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-status [-hHijqV] [-d database-url] [task ...]\n"
	    "       tq-status -l [-hHijV] [-n limit] [-s status]\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	struct tq_ids ids = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch, items = 0, list = 0, quiet = 0, status = TQ_EXIT_OK, i;
	long long limit = 20;
	const char *filter = NULL;
	json_t *recs, *rec;
	size_t k;
	PGconn *db;

	if (tq_config_load() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	while ((ch = getopt_long(argc, argv, "d:Hhijln:qs:V", longopts,
	    NULL)) != -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
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
				    tq_vis_tmp(optarg), es);
			break;
		}
		case 's':
			if (!tq_task_terminal(optarg) &&
			    strcmp(optarg, "queued") != 0 &&
			    strcmp(optarg, "running") != 0)
				errx(TQ_EXIT_USAGE, "%s: status must be queued, "
				    "running, completed, failed or cancelled",
				    tq_vis_tmp(optarg));
			filter = optarg;
			list = 1;
			break;
		case 'V':
			printf("tq-status %s\n", TQ_VERSION);
			return 0;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (tq_config_check() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	argc -= optind;
	argv += optind;
	if (list && argc > 0)
		usage(stderr, TQ_EXIT_USAGE);
	tq_out_init(om);
	if (!list) {
		tq_ids_collect(&ids, argc, argv);
		if (ids.n == 0 && ids.bad == 0)
			list = argc == 0;
		if (ids.n == 0 && !list) {
			tq_ids_free(&ids);
			return TQ_EXIT_INPUT;
		}
	}
	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if (list) {
		char lim[24];
		const char *p[2];
		PGresult *r;

		snprintf(lim, sizeof(lim), "%lld", limit);
		p[0] = lim;
		p[1] = filter;
		r = tq_db_exec(db, &e, "SELECT id FROM (SELECT id FROM "
		    "processing_tasks WHERE $2::text IS NULL OR status = $2 "
		    "ORDER BY id DESC LIMIT $1) t ORDER BY id", 2, p);
		if (r == NULL)
			errx(TQ_EXIT_BACKEND, "%s", e.msg);
		for (i = 0; i < PQntuples(r); i++) {
			char why[64];

			tq_ids_add(&ids, PQgetvalue(r, i, 0), why, sizeof(why));
		}
		PQclear(r);
	}
	if (ids.n > 0) {
		if ((recs = tq_task_records(db, &e, ids.v, ids.n, items)) ==
		    NULL)
			errx(TQ_EXIT_BACKEND, "%s", e.msg);
		json_array_foreach(recs, k, rec) {
			if (json_is_null(rec)) {
				if (!quiet)
					warnx("task %lld: no such task",
					    ids.v[k]);
				status = TQ_EXIT_INPUT;
				continue;
			}
			tq_out_task(rec, items);
		}
		json_decref(recs);
	}
	if (ids.bad > 0)
		status = TQ_EXIT_INPUT;
	tq_ids_free(&ids);
	PQfinish(db);
	return status;
}
