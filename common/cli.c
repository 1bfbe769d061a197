/*
 * cli.c - what the tools' main()s share: the common options and their
 * one long-options table, and the loop over task ids of tq-cancel and
 * tq-retry.  Messages go to stderr through warnx(3), as the tools' own
 * do.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

/* The long forms of the common options, for every tool. */
static const struct option common_longopts[] = {
	{ "database-url", required_argument, NULL, 'd' },
	{ "table", no_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "redis-url", required_argument, NULL, 'r' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
};
#define NCOMMON	(sizeof(common_longopts) / sizeof(common_longopts[0]))

int
tq_getopt(int argc, char *const argv[], const char *optstring,
    const struct option *own, const char *common)
{
	static struct option *all;
	const struct option *o;
	size_t n = 0, i;

	if (all == NULL) {
		for (o = own; o != NULL && o->name != NULL; o++)
			n++;
		all = xcalloc(n + NCOMMON + 1, sizeof(*all));
		if (n > 0)
			memcpy(all, own, n * sizeof(*all));
		for (i = 0; i < NCOMMON; i++) {
			const struct option *c = &common_longopts[i];
			size_t k;

			if (strchr(common, c->val) == NULL)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(all[k].name, c->name) == 0)
					break;
			if (k == n)
				all[n++] = *c;
		}
	}
	return getopt_long(argc, argv, optstring, all, NULL);
}

int
tq_opt_common(int ch, const char *arg, enum tq_outmode *om, int *quiet)
{
	switch (ch) {
	case 'd':
		free(tq_cfg.database_url);
		tq_cfg.database_url = xstrdup(arg);
		return 1;
	case 'H':
		if (om == NULL)
			return 0;
		*om = TQ_OUT_TABLE;
		return 1;
	case 'j':
		if (om == NULL)
			return 0;
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
	case 'V':
		printf("%s %s\n", program_invocation_short_name, TQ_VERSION);
		exit(TQ_EXIT_OK);
	}
	return 0;
}

void
tq_opt_done(int *argc, char ***argv)
{
	if (tq_config_check() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	*argc -= optind;
	*argv += optind;
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

/* -q of tq_task_main() */
static int task_quiet;

void
tq_task_note(void *arg, int error, const char *msg)
{
	(void)arg;
	if (error || !task_quiet)
		warnx("%s", msg);
}

int
tq_task_main(int argc, char **argv, const char *usage, const char *verb,
    int (*fn)(PGconn *, redisContext *, long long))
{
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch;

	if (tq_config_load() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	while ((ch = tq_getopt(argc, argv, "d:Hhjqr:V", NULL, "dHhjqrV")) !=
	    -1) {
		if (tq_opt_common(ch, optarg, &om, &task_quiet))
			continue;
		if (ch == 'h') {
			printf("%s\n", usage);
			exit(TQ_EXIT_OK);
		}
		fprintf(stderr, "%s\n", usage);
		exit(TQ_EXIT_USAGE);
	}
	tq_opt_done(&argc, &argv);
	if (argc == 0 && isatty(STDIN_FILENO)) {
		fprintf(stderr, "%s\n", usage);
		exit(TQ_EXIT_USAGE);
	}
	tq_out_init(om);
	return tq_each_task(argc, argv, verb, fn);
}
