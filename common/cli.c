/*
 * cli.c - what the tools' main()s share: the common options and their
 * one long-options table.  Messages go to stderr through warnx(3), as
 * the tools' own do.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"

/*
 * Here, not in config.c: the options set it, and a tool that reads
 * no configuration (tq-extract, tq-digest) then links neither
 * config.c nor the libpq, hiredis and libcurl it brings.
 */
struct tq_config tq_cfg;

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
