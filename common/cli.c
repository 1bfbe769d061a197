/*
 * cli.c - what the tools' main()s share: the common options and their
 * one long-options table.  Messages go to stderr through warnx(3), as
 * the tools' own do.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio_ext.h>
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

#define ARG_SHOWN	80	/* bytes of a value tq_vis_arg() shows */

/*
 * Standard output is checked as the tool exits (atexit): a record
 * that could not be written, to a full disk or a closed descriptor,
 * is a failure that a caller must see, since it may hold the only
 * copy of a new task's id.  Only in the process that began the tool,
 * not in a child it forked.
 */
static pid_t out_pid;
static int out_errno;	/* of the first write that failed */
int tq_out_fail_status = TQ_EXIT_OUTPUT;

void
tq_out_flush(void)
{
	if (fflush(stdout) == EOF && out_errno == 0)
		out_errno = errno;
}

int
tq_out_failed(void)
{
	return out_errno != 0 || ferror(stdout);
}

static void
out_check(void)
{
	int pending, failed, e;

	if (getpid() != out_pid)
		return;
	pending = __fpending(stdout) != 0;
	failed = ferror(stdout);
	errno = 0;
	if (fclose(stdout) == 0 && !failed)
		return;
	e = out_errno != 0 ? out_errno : errno;
	/* a closed stdout that nothing was written to is no failure */
	if (!failed && !pending && e == EBADF)
		return;
	warnx("stdout: %s", failed && e == 0 ? "write error" : strerror(e));
	_exit(tq_out_fail_status);
}

/*
 * The start of every tool, before it opens anything: descriptors 0, 1
 * and 2 are made to exist.  Started with >&-, a tool would otherwise
 * get its PostgreSQL or Redis connection as descriptor 1 and write its
 * records into it.  A closed one becomes /dev/null opened the other
 * way, so that reading or writing it still fails as it would closed.
 */
static void
std_fds(void)
{
	int fd, nfd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		nfd = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (nfd != fd) {	/* the lowest free one: fd itself */
			if (nfd != -1)
				close(nfd);
			_exit(TQ_EXIT_USAGE);
		}
	}
	out_pid = getpid();
	atexit(out_check);
	/*
	 * A write to a socket that Redis closed (hiredis uses write())
	 * must fail as a lost connection, not kill the tool after its task
	 * was saved; and a stdout whose reader went away is exit 5 with
	 * its line, as any other failed stdout.
	 */
	signal(SIGPIPE, SIG_IGN);
}

const char *
tq_vis_arg(const char *s)
{
	const char *v;
	char *cut;
	size_t n;

	if (*s == '\0')
		return "\"\"";
	if (strlen(s) <= ARG_SHOWN)
		return tq_vis_tmp(s);
	/* a long one by its start, cut between characters: a short line */
	n = ARG_SHOWN - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	cut = xasprintf("%.*s...", (int)n, s);
	v = tq_vis_tmp(cut);
	free(cut);
	return v;
}

/* tq_config_init()'s failure (config.c), told when the options end */
char	*tq_cfg_err;
void	(*tq_cfg_fail)(const char *);

void
tq_log_init(void)
{
	if (tq_log_env() == -1)
		tq_cfg_err = xstrdup(tq_strerror());
}

int
tq_getopt(int argc, char *const argv[], const char *optstring,
    const struct option *own, const char *common)
{
	static struct option *all;
	const struct option *o;
	size_t n = 0, i;
	int ch;

	if (all == NULL) {
		std_fds();
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
	ch = getopt_long(argc, argv, optstring, all, NULL);
	if (ch == -1 && tq_cfg_err != NULL) {
		if (tq_cfg_fail != NULL)
			tq_cfg_fail(tq_cfg_err);
		errx(TQ_EXIT_USAGE, "%s", tq_cfg_err);
	}
	return ch;
}

int
tq_opt_common(int ch, char *arg, enum tq_outmode *om, int *quiet)
{
	switch (ch) {
	case 'd':
		free(tq_cfg.database_url);
		tq_cfg.database_url = xstrdup(arg);
		tq_hide_password(arg);
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
		tq_hide_password(arg);
		return 1;
	case 'V':
		printf("%s %s\n", program_invocation_short_name, TQ_VERSION);
		exit(TQ_EXIT_OK);
	case 'v':	/* info, then debug: TQ_LOG's levels */
		if (tq_loglevel < TQ_LOG_DEBUG)
			tq_loglevel++;
		return 1;
	}
	return 0;
}
