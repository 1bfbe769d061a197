/*
 * cli.c - what the tools' main()s share: the common options, and the
 * loop over task ids of tq-cancel and tq-retry.  Messages go to stderr
 * through warnx(3), as the tools' own do.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "tq.h"

int
tq_opt_common(int ch, const char *arg, enum tq_outmode *om, int *quiet)
{
	switch (ch) {
	case 'd':
		free(tq_cfg.database_url);
		tq_cfg.database_url = xstrdup(arg);
		return 1;
	case 'H':
		*om = TQ_OUT_TABLE;
		return 1;
	case 'j':
		*om = TQ_OUT_JSON;
		return 1;
	case 'q':
		if (quiet == NULL)
			return 0;
		*quiet = 1;
		return 1;
	case 'r':
		free(tq_cfg.redis_url);
		tq_cfg.redis_url = xstrdup(arg);
		return 1;
	}
	return 0;
}

int
tq_each_task(int argc, char **argv, const char *verb,
    int (*fn)(PGconn *, redisContext *, long long))
{
	struct tq_err e = { 0 };
	struct tq_ids ids = { 0 };
	redisContext *rc;
	PGconn *db;
	size_t k;
	int st, status = TQ_EXIT_OK;

	tq_ids_collect(&ids, argc, argv);
	if (ids.n == 0) {
		if (ids.bad == 0)
			warnx("no task ids: nothing %s", verb);
		tq_ids_free(&ids);
		return TQ_EXIT_INPUT;
	}
	if (ids.bad > 0)
		status = TQ_EXIT_INPUT;
	/* both backends first, so that nothing is left half done */
	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL) {
		warnx("%s", e.msg);
		tq_ids_free(&ids);
		return TQ_EXIT_BACKEND;
	}
	if ((db = tq_db_connect(&e)) == NULL) {
		warnx("%s", e.msg);
		redisFree(rc);
		tq_ids_free(&ids);
		return TQ_EXIT_BACKEND;
	}
	for (k = 0; k < ids.n; k++) {
		st = fn(db, rc, ids.v[k]);
		if (st > status)
			status = st;
		if (st == TQ_EXIT_BACKEND && PQstatus(db) != CONNECTION_OK &&
		    k + 1 < ids.n) {
			warnx("postgresql: connection lost: %zu task%s not %s",
			    ids.n - k - 1, ids.n - k - 1 == 1 ? "" : "s", verb);
			break;
		}
	}
	tq_ids_free(&ids);
	PQfinish(db);
	redisFree(rc);
	return status;
}
