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

#include "tq.h"

enum level {
	ST_OK = 0,
	ST_WARNING,
	ST_CRITICAL,
	ST_UNKNOWN
};
static const char *const level_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

/* a worker is alive while its heartbeat is younger (tq's recovery) */
#define STALE	60

static struct option longopts[] = {
	{ "critical", required_argument, NULL, 'c' },
	{ "failure-warning", required_argument, NULL, 'f' },
	{ "failure-critical", required_argument, NULL, 'F' },
	{ "timeout", required_argument, NULL, 't' },
	{ "min-workers", required_argument, NULL, 'W' },
	{ "warning", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* What the Redis child found, as it sends it to the parent. */
static json_t *rd;

static struct {
	int	 ok;
	char	 version[64];
	char	 err[512];
	int	 schema;
	int	 latest;
	long long stuck[TQ_NSTAGES];	/* running past timeout + grace */
	long long ended;		/* items ended in FAIL_WINDOW */
	long long failed;
} pg;

static struct {
	enum level	 level;
	struct tq_buf	 text;		/* "; " separated */
	json_t		*list;
} problems;

/* A monitoring-plugin range: alert when outside [lo, hi], or inside. */
struct range {
	double	 lo;
	double	 hi;
	int	 inside;
	char	 text[40];
};
static struct range warn_r = { 0, 100, 0, "100" };
static struct range crit_r = { 0, 1000, 0, "1000" };
static struct range workers_r = { 1, 1e300, 0, "1:" };
static struct range fail_w = { 0, 25, 0, "25" };
static struct range fail_c = { 0, 1e300, 0, "" };
static int workers_set;
static long long secs = 5;
#define FAIL_WINDOW	3600	/* seconds of items the failure rate reads */
#define FAIL_MIN	10	/* ended items below which it is not judged */
#define STUCK_GRACE	30	/* seconds past its timeout: stuck */
static int json_out;
static char tmo_msg[200];

static void
usage_why(FILE *f, int status, const char *why)
{
	fprintf(f, "usage: tq-health [-hjV] [-c queue-crit] [-d database-url] "
	    "[-F fail-crit] [-f fail-warn]\n"
	    "                 [-r redis-url] [-t seconds] [-W workers] "
	    "[-w queue-warn]\n");
	/* the first line of stdout is what a monitor shows */
	if (status != ST_OK)
		printf("TQ UNKNOWN - %s (see tq-health -h)\n", why);
	exit(status);
}

static void
usage(FILE *f, int status)
{
	usage_why(f, status, "bad command line");
}

/* 1 when v is to be alerted on. */
static int
alert(const struct range *r, double v)
{
	int in = v >= r->lo && v <= r->hi;

	return r->inside ? in : !in;
}

/* "10", "10:", "~:10", "10:20", "@10:20"; exits UNKNOWN if not one. */
static void
range_parse(const char *opt, const char *s, struct range *r)
{
	const char *p = s, *colon;
	char *end, why[160];

	memset(r, 0, sizeof(*r));
	snprintf(r->text, sizeof(r->text), "%s", s);
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	r->hi = 1e300;
	if ((colon = strchr(p, ':')) == NULL) {
		r->hi = strtod(p, &end);
		if (end == p || *end != '\0' || r->hi != r->hi)
			goto bad;
	} else {
		if (p[0] == '~' && p + 1 == colon)
			r->lo = -1e300;
		else if (p == colon)
			r->lo = 0;
		else {
			r->lo = strtod(p, &end);
			if (end != colon || r->lo != r->lo)
				goto bad;
		}
		if (colon[1] != '\0') {
			r->hi = strtod(colon + 1, &end);
			if (*end != '\0' || r->hi != r->hi)
				goto bad;
		}
	}
	if (r->lo > r->hi)
		goto bad;
	return;
bad:
	snprintf(why, sizeof(why), "%s %s: not a range such as 10, 10:, "
	    "~:10, 10:20 or @10:20", opt, s);
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

/* One problem: raise the level, remember the text (no '|' in it). */
static void
problem(enum level l, const char *fmt, ...)
{
	va_list ap;
	char buf[600], *p;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (p = buf; *p != '\0'; p++)
		if (*p == '|' || *p == '\n' || *p == '\r')
			*p = *p == '|' ? '/' : ' ';
	if (l > problems.level)
		problems.level = l;
	if (problems.text.len > 0)
		tq_buf_adds(&problems.text, "; ");
	tq_buf_adds(&problems.text, buf);
	json_array_append_new(problems.list, json_string(buf));
}

/* {total, active, busy, idle, suspended} of the workers in Redis. */
static json_t *
redis_workers(redisContext *rc, struct tq_err *e)
{
	json_t *ws, *w;
	const char *st;
	size_t i;
	long long total = 0, active = 0, busy = 0, susp = 0;
	double now = tq_now();

	if ((ws = tq_rq_workers(rc, e)) == NULL)
		return NULL;
	json_array_foreach(ws, i, w) {
		const char *hb = json_string_value(json_object_get(w,
		    "last_heartbeat"));

		/* an expired hash is no worker; a stale one is not alive */
		if (hb == NULL)
			continue;
		total++;
		if (json_object_get(w, "death") == NULL &&
		    now - (double)(long long)tq_rq_time_parse(hb) <= STALE) {
			active++;
			st = json_string_value(json_object_get(w, "state"));
			busy += st != NULL && strcmp(st, "busy") == 0;
			susp += st != NULL && strcmp(st, "suspended") == 0;
		}
	}
	json_decref(ws);
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "total", (json_int_t)total,
	    "active", (json_int_t)active, "busy", (json_int_t)busy, "idle",
	    (json_int_t)(active - busy - susp), "suspended",
	    (json_int_t)susp);
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
	redisReply *r;
	json_t *o = json_object(), *v;
	const char *p;
	int susp;

	(void)args;
	(void)blob;
	(void)len;
	(void)err;
	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		goto fail;
	if ((r = tq_redis(rc, &e, "PING")) == NULL)
		goto fail;
	freeReplyObject(r);
	if ((r = tq_redis(rc, &e, "INFO server")) == NULL)
		goto fail;
	if (r->type == REDIS_REPLY_STRING &&
	    (p = strstr(r->str, "redis_version:")) != NULL) {
		p += strlen("redis_version:");
		json_object_set_new(o, "version",
		    json_stringn(p, strcspn(p, "\r\n")));
	}
	freeReplyObject(r);
	if ((v = redis_workers(rc, &e)) == NULL)
		goto fail;
	json_object_set_new(o, "workers", v);
	/* [{"name", "count", "paused"}, ...] */
	if ((v = tq_rq_queues(rc, &e, 0)) == NULL)
		goto fail;
	json_object_set_new(o, "queues", v);
	if ((susp = tq_rq_suspended(rc, &e)) == -1)
		goto fail;
	json_object_set_new(o, "suspended", json_boolean(susp));
	json_object_set_new(o, "ok", json_true());
	goto out;
fail:
	json_object_set_new(o, "error", json_string(e.msg));
out:
	if (rc != NULL)
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

static int
ms_left(double deadline)
{
	double l = deadline - tq_now();

	return l <= 0 ? 0 : (int)(l * 1000) + 1;
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
		    secs);
		return json_pack("{s:s}", "error", buf);
	}
	return json_pack("{s:s}", "error", "redis: the check failed");
}

/* Wait until the connection may be read (or written) or the deadline. */
static int
pg_wait(PGconn *c, int for_write, double deadline)
{
	struct pollfd pfd;
	int rv;

	pfd.fd = PQsocket(c);
	pfd.events = for_write ? POLLOUT : POLLIN;
	if (pfd.fd < 0)
		return -1;
	do
		rv = poll(&pfd, 1, ms_left(deadline));
	while (rv == -1 && errno == EINTR);
	return rv > 0 ? 0 : -1;
}

/* One query by the deadline: its result, or NULL (pg.err set). */
static PGresult *
pg_query(PGconn *c, const char *sql, double deadline)
{
	PGresult *r, *res = NULL;
	char buf[512];

	if (!PQsendQuery(c, sql))
		goto fail;
	while (PQflush(c) == 1)
		if (pg_wait(c, 1, deadline) == -1)
			goto late;
	for (;;) {
		if (!PQconsumeInput(c))
			goto fail;
		if (PQisBusy(c)) {
			if (pg_wait(c, 0, deadline) == -1)
				goto late;
			continue;
		}
		if ((r = PQgetResult(c)) == NULL)
			break;
		if (res == NULL)
			res = r;
		else
			PQclear(r);
	}
	return res;
late:
	PQclear(res);
	snprintf(pg.err, sizeof(pg.err), "postgresql: no answer within "
	    "%lld s", secs);
	return NULL;
fail:
	PQclear(res);
	snprintf(pg.err, sizeof(pg.err), "postgresql: %s",
	    tq_db_error(c, buf, sizeof(buf)));
	return NULL;
}

/*
 * Items: stuck ones (running past their stage's timeout and a grace,
 * so neither their worker nor the reconciler has ended them), and the
 * failed share of the items that ended in the last FAIL_WINDOW.
 */
static int
check_items(PGconn *c, double deadline)
{
	PGresult *r;
	char *sql;
	int i, s;

	sql = tq_stats_sql(TQ_SQ_STUCK, STUCK_GRACE);
	r = pg_query(c, sql, deadline);
	free(sql);
	if (r == NULL)
		return -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto bad;
	for (i = 0; i < PQntuples(r); i++)
		if ((s = tq_stage_from_name(PQgetvalue(r, i, 0))) >= 0)
			pg.stuck[s] = atoll(PQgetvalue(r, i, 1));
	PQclear(r);
	sql = tq_stats_sql(TQ_SQ_ENDED, FAIL_WINDOW);
	r = pg_query(c, sql, deadline);
	free(sql);
	if (r == NULL)
		return -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		goto bad;
	pg.ended = atoll(PQgetvalue(r, 0, 0));
	pg.failed = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	return 0;
bad:
	snprintf(pg.err, sizeof(pg.err), "postgresql: %s",
	    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ?
	    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : "error");
	PQclear(r);
	return -1;
}

/* tq_db_connect() would migrate and block; a health check only looks. */
static void
check_pg(double deadline)
{
	const char *keys[3], *vals[3], *v;
	char buf[512], *sql;
	PGconn *c;
	PGresult *r;
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	int k = 0;

	pg.latest = tq_db_latest_version();
	pg.schema = -1;
	keys[k] = "fallback_application_name";
	vals[k++] = "tq-health";
	if (tq_cfg.database_url != NULL) {
		keys[k] = "dbname";
		vals[k++] = tq_cfg.database_url;
	}
	keys[k] = NULL;
	vals[k] = NULL;
	c = PQconnectStartParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) == CONNECTION_BAD)
		goto fail;
	while (ps != PGRES_POLLING_OK) {
		if (ps == PGRES_POLLING_FAILED)
			goto fail;
		if (pg_wait(c, ps == PGRES_POLLING_WRITING, deadline) == -1) {
			snprintf(pg.err, sizeof(pg.err), "postgresql: no "
			    "answer within %lld s", secs);
			goto out;
		}
		ps = PQconnectPoll(c);
	}
	sql = tq_stats_sql(TQ_SQ_PING, 0);
	r = pg_query(c, sql, deadline);
	free(sql);
	if (r == NULL)
		goto out;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(pg.err, sizeof(pg.err), "postgresql: %s",
		    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ?
		    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : "error");
		PQclear(r);
		goto out;
	}
	PQclear(r);
	if ((v = PQparameterStatus(c, "server_version")) != NULL)
		snprintf(pg.version, sizeof(pg.version), "%.*s",
		    (int)strcspn(v, " "), v);
	sql = tq_stats_sql(TQ_SQ_SCHEMA, 0);
	r = pg_query(c, sql, deadline);
	free(sql);
	if (r == NULL)
		goto out;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		pg.schema = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	pg.ok = 1;
	if (pg.schema > 0 && check_items(c, deadline) == -1)
		pg.ok = 0;
	goto out;
fail:
	snprintf(pg.err, sizeof(pg.err), "postgresql: %s",
	    tq_db_error(c, buf, sizeof(buf)));
out:
	PQfinish(c);
}

#define jint	tq_jint
#define jstr	tq_jstr

/* A queue of the child's answer: {name, count, paused}. */
static const char *
qname(json_t *q)
{
	const char *s = json_string_value(json_object_get(q, "name"));

	return s ? s : "?";
}

static long long
qlen(json_t *q)
{
	return json_integer_value(json_object_get(q, "count"));
}

static int
qpaused(json_t *q)
{
	return json_is_true(json_object_get(q, "paused"));
}

/* "> 100", "< 2", "outside 10:20", "inside @10:20", for messages. */
static const char *
range_why(const struct range *r, char *buf, size_t n)
{
	if (r->inside)
		snprintf(buf, n, "inside %s", r->text);
	else if (strchr(r->text, ':') == NULL)
		snprintf(buf, n, "> %s", r->text);
	else if (r->hi >= 1e300 && r->lo > -1e300)
		snprintf(buf, n, "< %g", r->lo);
	else
		snprintf(buf, n, "outside %s", r->text);
	return buf;
}

/* Judge what was found. */
static void
evaluate(void)
{
	json_t *w = json_object_get(rd, "workers"), *q;
	char why[80];
	size_t i;
	long long act = jint(w, "active");
	int s;

	if (!json_is_true(json_object_get(rd, "ok")))
		problem(ST_CRITICAL, "%s", jstr(rd, "error",
		    "redis: the check failed"));
	else {
		if (json_is_true(json_object_get(rd, "suspended")))
			problem(ST_WARNING, "workers suspended ("
			    TQ_RQ_SUSPENDED ")");
		json_array_foreach(json_object_get(rd, "queues"), i, q) {
			if (qpaused(q))
				problem(ST_WARNING, "%s paused", qname(q));
			if (alert(&crit_r, (double)qlen(q)))
				problem(ST_CRITICAL, "backlog %s=%lld %s",
				    qname(q), qlen(q), range_why(&crit_r, why,
				    sizeof(why)));
			else if (alert(&warn_r, (double)qlen(q)))
				problem(ST_WARNING, "backlog %s=%lld %s",
				    qname(q), qlen(q), range_why(&warn_r, why,
				    sizeof(why)));
		}
		if (alert(&workers_r, (double)act)) {
			if (act == 0 && !workers_set)
				problem(ST_WARNING, "no live workers (-W 0 if "
				    "none are expected)");
			else if (act == 0)
				problem(ST_CRITICAL, "no live workers");
			else
				problem(ST_WARNING, "%lld live worker%s %s",
				    act, act == 1 ? "" : "s", range_why(
				    &workers_r, why, sizeof(why)));
		}
	}
	if (!pg.ok)
		problem(ST_CRITICAL, "%s", pg.err);
	else if (pg.schema <= 0)
		problem(ST_WARNING, "postgresql: no tq schema yet");
	else if (pg.schema < pg.latest)
		problem(ST_WARNING, "postgresql: schema %d, want %d",
		    pg.schema, pg.latest);
	else if (pg.schema > pg.latest)
		problem(ST_WARNING, "postgresql: schema %d is newer than "
		    "this tq-health (%d)", pg.schema, pg.latest);
	if (pg.ok) {
		for (s = 0; s < TQ_NSTAGES; s++)
			if (pg.stuck[s] > 0)
				problem(ST_WARNING, "%lld item%s of %s stuck "
				    "(running past %d s)", pg.stuck[s],
				    pg.stuck[s] == 1 ? "" : "s",
				    tq_stage_queue(s), tq_cfg.timeout[s] +
				    STUCK_GRACE);
		if (pg.ended >= FAIL_MIN) {
			double rate = 100.0 * (double)pg.failed /
			    (double)pg.ended;

			if (fail_c.text[0] && alert(&fail_c, rate))
				problem(ST_CRITICAL, "%.1f%% of %lld items "
				    "failed in the last hour (%s)", rate,
				    pg.ended, range_why(&fail_c, why,
				    sizeof(why)));
			else if (fail_w.text[0] && alert(&fail_w, rate))
				problem(ST_WARNING, "%.1f%% of %lld items "
				    "failed in the last hour (%s)", rate,
				    pg.ended, range_why(&fail_w, why,
				    sizeof(why)));
		}
	}
}

/* perfdata label: "parsing-queue" -> "parsing", no quotes or '=' */
static void
add_label(struct tq_buf *b, const char *name)
{
	size_t n = strlen(name), i;

	if (n > 6 && strcmp(name + n - 6, "-queue") == 0)
		n -= 6;
	for (i = 0; i < n; i++)
		tq_buf_addf(b, "%c", strchr(" '=|", name[i]) != NULL ? '_' :
		    name[i]);
}

static void
print_line(void)
{
	struct tq_buf b = { 0 }, perf = { 0 };
	json_t *w = json_object_get(rd, "workers"), *q;
	json_t *qs = json_object_get(rd, "queues");
	int rok = json_is_true(json_object_get(rd, "ok")), s;
	long long act = jint(w, "active"), stuck = 0;
	size_t i;

	/* the problems, then what is well */
	tq_buf_addf(&b, "TQ %s - ", level_names[problems.level]);
	if (problems.text.len > 0)
		tq_buf_addf(&b, "%s%s", problems.text.data,
		    rok || pg.ok ? "; " : "");
	if (rok)
		tq_buf_addf(&b, "redis %s%s", jstr(rd, "version", "?"),
		    pg.ok ? ", " : "");
	if (pg.ok && pg.schema > 0)
		tq_buf_addf(&b, "postgresql %s (schema %d)", pg.version,
		    pg.schema);
	else if (pg.ok)
		tq_buf_addf(&b, "postgresql %s (no schema)", pg.version);
	if (rok) {
		tq_buf_addf(&b, ", %lld worker%s (%lld busy, %lld idle, "
		    "%lld suspended), backlog", act, act == 1 ? "" : "s",
		    jint(w, "busy"), jint(w, "idle"), jint(w, "suspended"));
		json_array_foreach(qs, i, q)
			tq_buf_addf(&b, " %s=%lld%s", qname(q), qlen(q),
			    qpaused(q) ? " (paused)" : "");
		tq_buf_addf(&perf, " workers=%lld;%s busy=%lld idle=%lld "
		    "suspended=%lld", act, workers_r.text, jint(w, "busy"),
		    jint(w, "idle"), jint(w, "suspended"));
		json_array_foreach(qs, i, q) {
			tq_buf_adds(&perf, " ");
			add_label(&perf, qname(q));
			tq_buf_addf(&perf, "=%lld;%s;%s;0", qlen(q), warn_r.text,
			    crit_r.text);
		}
	}
	if (pg.ok && pg.schema > 0) {
		for (s = 0; s < TQ_NSTAGES; s++)
			stuck += pg.stuck[s];
		tq_buf_addf(&perf, " stuck=%lld failed_1h=%lld ended_1h=%lld",
		    stuck, pg.failed, pg.ended);
		if (pg.ended > 0)
			tq_buf_addf(&perf, " failure_rate=%.1f%%;%s;%s;0;100",
			    100.0 * (double)pg.failed / (double)pg.ended,
			    fail_w.text, fail_c.text);
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
	json_t *o, *hl, *qs = NULL, *q;
	int rok = json_is_true(json_object_get(rd, "ok")), qok = rok;
	size_t i;

	if (rok) {
		qs = json_object();
		json_array_foreach(json_object_get(rd, "queues"), i, q) {
			int good = !alert(&warn_r, (double)qlen(q));

			json_object_set_new(qs, qname(q), json_pack(
			    "{s:b,s:I,s:b}", "healthy", good, "pending",
			    (json_int_t)qlen(q), "paused", qpaused(q)));
			qok &= good;
		}
	}
	hl = json_object();
	json_object_set_new(hl, "redis", json_string(rok ? "connected" :
	    "disconnected"));
	json_object_set_new(hl, "redis_version", rok ?
	    json_string(jstr(rd, "version", "?")) : json_null());
	if (!rok)
		json_object_set_new(hl, "redis_error", json_string(jstr(rd,
		    "error", "redis: the check failed")));
	json_object_set_new(hl, "postgresql", json_string(pg.ok ?
	    "connected" : "disconnected"));
	json_object_set_new(hl, "postgresql_version", pg.ok ?
	    json_string(pg.version) : json_null());
	json_object_set_new(hl, "schema_version", pg.ok ?
	    json_integer(pg.schema) : json_null());
	json_object_set_new(hl, "schema_latest", json_integer(pg.latest));
	if (!pg.ok)
		json_object_set_new(hl, "postgresql_error",
		    json_string(pg.err));
	json_object_set(hl, "workers", rok ? json_object_get(rd, "workers") :
	    json_null());
	json_object_set_new(hl, "suspended", json_boolean(json_is_true(
	    json_object_get(rd, "suspended"))));
	json_object_set_new(hl, "queues_healthy", json_boolean(qok));
	json_object_set_new(hl, "queues", qs ? qs : json_null());
	if (pg.ok && pg.schema > 0) {
		json_t *st = json_object();
		int s;

		for (s = 0; s < TQ_NSTAGES; s++)
			json_object_set_new(st, tq_stage_queue(s),
			    json_integer(pg.stuck[s]));
		json_object_set_new(hl, "stuck_items", st);
		json_object_set_new(hl, "items_ended_1h",
		    json_integer(pg.ended));
		json_object_set_new(hl, "items_failed_1h",
		    json_integer(pg.failed));
	}

	o = json_object();
	json_object_set_new(o, "healthy",
	    json_boolean(problems.level == ST_OK));
	json_object_set_new(o, "status",
	    json_string(level_names[problems.level]));
	json_object_set_new(o, "health", hl);
	json_object_set(o, "problems", problems.list);
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

		snprintf(why, sizeof(why), "%s %s: %s", opt, s, e);
		warnx("%s", why);
		usage_why(stderr, ST_UNKNOWN, why);
	}
	return v;
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

	if (tq_config_load() == -1) {
		warnx("%s", tq_strerror());
		printf("TQ UNKNOWN - %s\n", tq_strerror());
		return ST_UNKNOWN;
	}
	while ((ch = tq_getopt(argc, argv, "c:d:F:f:hjr:t:VW:w:", longopts,
	    "dhjrV")) != -1) {
		if (tq_opt_common(ch, optarg, &om, NULL)) {
			json_out = om == TQ_OUT_JSON;
			continue;
		}
		switch (ch) {
		case 'c':
			range_parse("-c", optarg, &crit_r);
			break;
		case 'F':
			range_parse("-F", optarg, &fail_c);
			break;
		case 'f':
			range_parse("-f", optarg, &fail_w);
			break;
		case 'h':
			usage(stdout, ST_OK);
			break;
		case 't':
			secs = number("-t", optarg, 1, 3600);
			break;
		case 'V':
			printf("tq-health %s\n", TQ_VERSION);
			return ST_OK;
		case 'W': {
			char buf[48];

			/* a bare number is a minimum, as it always was */
			snprintf(buf, sizeof(buf), "%s%s", optarg,
			    strpbrk(optarg, ":@~") ? "" : ":");
			range_parse("-W", buf, &workers_r);
			workers_set = 1;
			break;
		}
		case 'w':
			range_parse("-w", optarg, &warn_r);
			break;
		default:
			usage(stderr, ST_UNKNOWN);
		}
	}
	if (optind != argc)
		usage_why(stderr, ST_UNKNOWN, "no operands are taken");
	if (tq_config_check() == -1) {
		warnx("%s", tq_strerror());
		printf("TQ UNKNOWN - %s\n", tq_strerror());
		return ST_UNKNOWN;
	}
	if (!warn_r.inside && !crit_r.inside && warn_r.lo == 0 &&
	    crit_r.lo == 0 && warn_r.hi > crit_r.hi) {
		char why[160];

		snprintf(why, sizeof(why), "-w %s is above -c %s", warn_r.text,
		    crit_r.text);
		warnx("%s", why);
		usage_why(stderr, ST_UNKNOWN, why);
	}

	/* the last resort, should anything block past the deadline */
	snprintf(tmo_msg, sizeof(tmo_msg), json_out ?
	    "{\"healthy\":false,\"status\":\"CRITICAL\",\"problems\":"
	    "[\"no answer within %lld s\"]}\n" :
	    "TQ CRITICAL - no answer within %lld s\n", secs + 2);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)secs + 2);

	problems.list = json_array();
	deadline = tq_now() + (double)secs;
	tq_jp_config(health_ops, 1, 1, 0, NULL, child_init);
	fflush(stdout);
	rq = tq_jp_send("redis", NULL, NULL, 0, deadline, &re);
	check_pg(deadline);
	rd = redis_finish(rq, &re, deadline);
	tq_jp_shutdown();
	alarm(0);

	evaluate();
	if (json_out)
		print_json();
	else
		print_line();
	fflush(stdout);

	json_decref(rd);
	tq_buf_free(&problems.text);
	json_decref(problems.list);
	tq_config_free();
	return problems.level;
}
