/*
 * tq-health - a health check for monitors (Nagios, Icinga, Sensu) and
 * cron: Redis, PostgreSQL, live workers and queue backlogs.
 *
 * Prints one plugin line, "TQ OK - ... | perfdata", or with -j the
 * seed's health object, and exits with the monitoring-plugin
 * convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a bad command
 * line, so not the 2 of the other tools).
 *
 * Invariants: read-only (PostgreSQL is not migrated: a schema behind
 * is reported, not fixed).  Both backends are always checked, at the
 * same time, each within -t seconds: Redis in a child process that is
 * killed at the deadline (hiredis has no deadline of its own for a
 * server that accepts and then says nothing), PostgreSQL with libpq's
 * non-blocking calls.  So a run names every problem and ends in about
 * -t seconds whatever the servers do; an alarm is the last resort.
 *
 * Thresholds take the monitoring-plugin range syntax ("10", "10:",
 * "~:10", "10:20", "@10:20": alert outside the range, or inside with
 * @), as check_* plugins do.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>

#include "tq.h"

#define ST_OK		TQ_HEALTH_OK
#define ST_WARNING	TQ_HEALTH_WARNING
#define ST_CRITICAL	TQ_HEALTH_CRITICAL
#define ST_UNKNOWN	TQ_HEALTH_UNKNOWN

static struct option longopts[] = {
	{ "critical", required_argument, NULL, 'c' },
	{ "failure-warning", required_argument, NULL, 'f' },
	{ "failure-critical", required_argument, NULL, 'F' },
	{ "timeout", required_argument, NULL, 't' },
	{ "min-workers", required_argument, NULL, 'W' },
	{ "warning", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* the thresholds, what was found and what was judged (health.c) */
static struct tq_health h;
static int json_out;
static char tmo_msg[200];

/* UNKNOWN on stdout, as a line or (-j) as the one JSON object */
static void
unknown(const char *why, const char *hint)
{
	json_t *o;

	if (!json_out) {
		printf("TQ UNKNOWN - %s%s\n", why, hint);
		return;
	}
	o = json_pack("{s:b,s:s,s:[s]}", "healthy", 0, "status", "UNKNOWN",
	    "problems", why);
	tq_out_json(o);
	json_decref(o);
}

static void
usage_why(FILE *f, int status, const char *why)
{
	fprintf(f, "usage: tq-health [-hjvV] [-c queue-crit] [-d database-url] "
	    "[-F fail-crit]\n"
	    "                 [-f fail-warn] [-r redis-url] [-t seconds] "
	    "[-W workers]\n"
	    "                 [-w queue-warn]\n");
	/* the first line of stdout is what a monitor shows */
	if (status != ST_OK)
		unknown(why, " (see tq-health -h)");
	exit(status);
}

static void
usage(FILE *f, int status)
{
	usage_why(f, status, "bad command line");
}

/*
 * "10", "10:", "~:10", "10:20", "@10:20"; exits UNKNOWN if not one,
 * naming given (what the user wrote, when s was made from it).
 */
static void
range_parse(const char *opt, const char *s, const char *given,
    struct tq_range *r)
{
	char why[160];

	if (tq_range_parse(s, r) == 0)
		return;
	snprintf(why, sizeof(why), "%s %s: not a range such as 10, 10:, "
	    "~:10, 10:20 or @10:20", opt, tq_vis_arg(given));
	warnx("%s", why);
	usage_why(stderr, ST_UNKNOWN, why);
}

static void
on_alarm(int sig)
{
	(void)sig;
	/* the job process dies with us (PR_SET_PDEATHSIG) */
	(void)!write(STDOUT_FILENO, tmo_msg, strlen(tmo_msg));
	_exit(ST_CRITICAL);
}

/*
 * In the job process (common/jobproc.c): the Redis checks, as one JSON
 * object, {"error": ...} if they failed.  The parent waits for it no
 * longer than the deadline, whatever Redis does.
 */
static json_t *
redis_op(json_t *args, const char *blob, size_t len, struct tq_err *err)
{
	struct tq_err e = { 0 };
	redisContext *rc;
	json_t *o;

	(void)args;
	(void)blob;
	(void)len;
	(void)err;
	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		return json_pack("{s:s}", "error", e.msg);
	o = tq_health_redis(rc);
	redisFree(rc);
	return o;
}

static const struct tq_jp_op health_ops[] = {
	{ "redis", redis_op },
	{ NULL, NULL }
};

static void
child_init(void)
{
	signal(SIGALRM, SIG_DFL);
	alarm(0);
}

/* The answer of the Redis check by the deadline, or an error object. */
static json_t *
redis_finish(struct tq_jp_req *q, struct tq_err *se, double deadline)
{
	struct tq_err e = { 0 };
	json_t *o;
	char buf[160];

	if (q == NULL)
		return json_pack("{s:s}", "error", se->msg);
	o = tq_jp_recv(q, deadline, &e);
	if (o != NULL)
		return o;
	if (strcmp(e.code, "timeout") == 0) {
		snprintf(buf, sizeof(buf), "redis: no answer within %lld s",
		    h.secs);
		return json_pack("{s:s}", "error", buf);
	}
	return json_pack("{s:s}", "error", "redis: the check failed");
}

#define jint	tq_jint
#define jstr	tq_jstr

/*
 * perfdata label: "parsing-queue" -> "parsing", no quotes, '=', '|'
 * or control characters (another program's RQ queue may be named
 * anything)
 */
static void
add_label(struct tq_buf *b, const char *name)
{
	size_t n = strlen(name), i;
	unsigned char c;

	if (n > 6 && strcmp(name + n - 6, "-queue") == 0)
		n -= 6;
	for (i = 0; i < n; i++) {
		c = (unsigned char)name[i];
		tq_buf_addf(b, "%c", strchr(" '=|", c) != NULL || c < 0x20 ||
		    c == 0x7f ? '_' : c);
	}
}

/* a queue's name in the line: one line, and no '|' before perfdata */
static void
add_name(struct tq_buf *b, const char *name)
{
	char *s = xstrdup(name), *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '|')
			*p = '/';
	tq_buf_addvis(b, s);
	free(s);
}

static void
print_line(void)
{
	struct tq_buf b = { 0 }, perf = { 0 };
	json_t *w = json_object_get(h.rd, "workers"), *q;
	json_t *qs = json_object_get(h.rd, "queues");
	int rok = json_is_true(json_object_get(h.rd, "ok")), s;
	long long act = jint(w, "active"), stuck = 0;
	size_t i;

	/* the problems, then what is well */
	tq_buf_addf(&b, "TQ %s - ", tq_health_level_name(h.level));
	if (h.text.len > 0)
		tq_buf_addf(&b, "%s%s", h.text.data,
		    rok || h.pg.ok ? "; " : "");
	if (rok)
		tq_buf_addf(&b, "redis %s%s", jstr(h.rd, "version", "?"),
		    h.pg.ok ? ", " : "");
	if (h.pg.ok && h.pg.schema > 0)
		tq_buf_addf(&b, "postgresql %s (schema %d)", h.pg.version,
		    h.pg.schema);
	else if (h.pg.ok)
		tq_buf_addf(&b, "postgresql %s (no schema)", h.pg.version);
	if (rok) {
		tq_buf_addf(&b, ", %lld worker%s (%lld busy, %lld idle, "
		    "%lld suspended), backlog", act, act == 1 ? "" : "s",
		    jint(w, "busy"), jint(w, "idle"), jint(w, "suspended"));
		json_array_foreach(qs, i, q) {
			tq_buf_adds(&b, " ");
			add_name(&b, tq_health_qname(q));
			tq_buf_addf(&b, "=%lld%s", tq_health_qlen(q),
			    tq_health_qpaused(q) ? " (paused)" : "");
		}
		tq_buf_addf(&perf, " workers=%lld;%s busy=%lld idle=%lld "
		    "suspended=%lld", act, h.workers.text, jint(w, "busy"),
		    jint(w, "idle"), jint(w, "suspended"));
		json_array_foreach(qs, i, q) {
			tq_buf_adds(&perf, " ");
			add_label(&perf, tq_health_qname(q));
			tq_buf_addf(&perf, "=%lld;%s;%s;0", tq_health_qlen(q), h.warn.text,
			    h.crit.text);
		}
	}
	if (h.pg.ok && h.pg.schema > 0) {
		for (s = 0; s < TQ_NSTAGES; s++)
			stuck += h.pg.stuck[s];
		tq_buf_addf(&perf, " stuck=%lld failed_1h=%lld ended_1h=%lld",
		    stuck, h.pg.failed, h.pg.ended);
		if (h.pg.ended > 0)
			tq_buf_addf(&perf, " failure_rate=%.1f%%;%s;%s;0;100",
			    100.0 * (double)h.pg.failed / (double)h.pg.ended,
			    h.fail_w.text, h.fail_c.text);
	}
	if (perf.len > 0)
		tq_buf_addf(&b, " |%s", perf.data);
	printf("%s\n", b.data);
	tq_buf_free(&b);
	tq_buf_free(&perf);
}

static void
print_json(void)
{
	json_t *o = tq_health_json(&h);

	tq_out_json(o);
	json_decref(o);
}

static long long
number(const char *opt, const char *s, long long lo, long long hi)
{
	const char *e = NULL;
	long long v;

	v = strtonum(s, lo, hi, &e);
	if (e != NULL) {
		char why[160];

		snprintf(why, sizeof(why), "%s %s: %s", opt, tq_vis_arg(s),
		    e);
		warnx("%s", why);
		usage_why(stderr, ST_UNKNOWN, why);
	}
	return v;
}

/* A bad value in the environment, once the options are read. */
static void
config_bad(const char *msg)
{
	warnx("%s", msg);
	unknown(msg, "");
	exit(ST_UNKNOWN);
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	struct tq_err re = { 0 };
	struct tq_jp_req *rq;
	double deadline;
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch;

	tq_health_init(&h);
	tq_out_fail_status = ST_UNKNOWN;	/* the plugins' convention */
	/* -j before the options are read: a bad one is told in JSON too */
	for (ch = 1; ch < argc && strcmp(argv[ch], "--") != 0; ch++)
		if (strcmp(argv[ch], "-j") == 0 ||
		    strcmp(argv[ch], "--json") == 0)
			json_out = 1;
	tq_config_init(config_bad);
	while ((ch = tq_getopt(argc, argv, "c:d:F:f:hjr:t:VvW:w:", longopts,
	    "dhjrVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, NULL)) {
			json_out = om == TQ_OUT_JSON;
			continue;
		}
		switch (ch) {
		case 'c':
			range_parse("-c", optarg, optarg, &h.crit);
			break;
		case 'F':
			range_parse("-F", optarg, optarg, &h.fail_c);
			break;
		case 'f':
			range_parse("-f", optarg, optarg, &h.fail_w);
			break;
		case 'h':
			usage(stdout, ST_OK);
			break;
		case 't':
			h.secs = number("-t", optarg, 1, 3600);
			break;
		case 'W': {
			char buf[48];

			/* a bare number is a minimum, as it always was */
			snprintf(buf, sizeof(buf), "%s%s", optarg,
			    strpbrk(optarg, ":@~") ? "" : ":");
			range_parse("-W", buf, optarg, &h.workers);
			h.workers_set = 1;
			break;
		}
		case 'w':
			range_parse("-w", optarg, optarg, &h.warn);
			break;
		default:
			usage(stderr, ST_UNKNOWN);
		}
	}
	if (optind != argc)
		usage_why(stderr, ST_UNKNOWN, "no operands are taken");
	if (tq_config_check(TQ_CFG_REDIS | TQ_CFG_DB) == -1) {
		warnx("%s", tq_strerror());
		unknown(tq_strerror(), "");
		return ST_UNKNOWN;
	}
	if (!h.warn.inside && !h.crit.inside && h.warn.lo == 0 &&
	    h.crit.lo == 0 && h.warn.hi > h.crit.hi) {
		char why[160];

		snprintf(why, sizeof(why), "-w %s is above -c %s", h.warn.text,
		    h.crit.text);
		warnx("%s", why);
		usage_why(stderr, ST_UNKNOWN, why);
	}

	/* the last resort, should anything block past the deadline */
	snprintf(tmo_msg, sizeof(tmo_msg), json_out ?
	    "{\"healthy\":false,\"status\":\"CRITICAL\",\"problems\":"
	    "[\"no answer within %lld s\"]}\n" :
	    "TQ CRITICAL - no answer within %lld s\n", h.secs + 2);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)h.secs + 2);

	deadline = tq_mono() + (double)h.secs;
	tq_jp_config(health_ops, 1, 1, 0, NULL, child_init);
	tq_out_flush();
	rq = tq_jp_send("redis", NULL, NULL, 0, deadline, &re);
	tq_health_pg(&h, "tq-health", deadline);
	h.rd = redis_finish(rq, &re, deadline);
	tq_jp_shutdown();
	alarm(0);

	tq_health_evaluate(&h);
	if (json_out)
		print_json();
	else
		print_line();
	tq_out_flush();

	tq_health_free(&h);
	tq_config_free();
	return h.level;
}
