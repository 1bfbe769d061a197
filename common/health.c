/*
 * health.c - the checks and the judgement of tq-health, for tq-health
 * and tq-api: Redis (version, live workers, backlogs, suspension),
 * PostgreSQL (schema, stuck items, the failure rate of the last hour),
 * judged against monitoring-plugin ranges ("10", "10:", "~:10",
 * "10:20", "@10:20": alert outside the range, or inside with @).
 *
 * Redis is read through queue_info.c (tq_rq_workers(), tq_rq_queues(),
 * tq_rq_suspended()), PostgreSQL's SQL is stats.c's (tq_stats_sql()):
 * this file runs and judges them.
 *
 * Read-only: PostgreSQL is not migrated, a schema behind is reported.
 * The PostgreSQL check uses libpq's non-blocking calls and ends by the
 * deadline whatever the server does; the Redis check runs on the
 * caller's connection, whose deadline is the caller's (tq-health runs
 * it in a job process, tq-api on a connection with a timeout).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

/* a worker is alive while its heartbeat is younger (tq's recovery) */
#define STALE		60
#define FAIL_WINDOW	3600	/* seconds of items the failure rate reads */
#define FAIL_MIN	10	/* ended items below which it is not judged */
#define STUCK_GRACE	30	/* seconds past its timeout: stuck */

static const char *const level_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

const char *
tq_health_level_name(int l)
{
	return l >= 0 && l <= TQ_HEALTH_UNKNOWN ? level_names[l] : "UNKNOWN";
}

int
tq_range_alert(const struct tq_range *r, double v)
{
	int in = v >= r->lo && v <= r->hi;

	return r->inside ? in : !in;
}

int
tq_range_parse(const char *s, struct tq_range *r)
{
	const char *p = s, *colon;
	char *end;

	memset(r, 0, sizeof(*r));
	/* the text goes into the perfdata whole, or the range is none */
	if (strlen(s) >= sizeof(r->text))
		return -1;
	snprintf(r->text, sizeof(r->text), "%s", s);
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	r->hi = 1e300;
	if ((colon = strchr(p, ':')) == NULL) {
		r->hi = tq_strtod(p, &end);
		if (end == p || *end != '\0' || r->hi != r->hi)
			return -1;
	} else {
		if (p[0] == '~' && p + 1 == colon)
			r->lo = -1e300;
		else if (p == colon)
			r->lo = 0;
		else {
			r->lo = tq_strtod(p, &end);
			if (end != colon || r->lo != r->lo)
				return -1;
		}
		if (colon[1] != '\0') {
			r->hi = tq_strtod(colon + 1, &end);
			if (*end != '\0' || r->hi != r->hi)
				return -1;
		}
	}
	if (r->lo > r->hi)
		return -1;
	return 0;
}

/* "> 100", "< 2", "outside 10:20", "inside @10:20", for messages. */
const char *
tq_range_why(const struct tq_range *r, char *buf, size_t n)
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

void
tq_health_init(struct tq_health *h)
{
	static const struct tq_range warn = { 0, 100, 0, "100" };
	static const struct tq_range crit = { 0, 1000, 0, "1000" };
	static const struct tq_range workers = { 1, 1e300, 0, "1:" };
	static const struct tq_range fail_w = { 0, 25, 0, "25" };
	static const struct tq_range fail_c = { 0, 1e300, 0, "" };

	memset(h, 0, sizeof(*h));
	h->warn = warn;
	h->crit = crit;
	h->workers = workers;
	h->fail_w = fail_w;
	h->fail_c = fail_c;
	h->secs = 5;
	h->list = json_array();
}

void
tq_health_free(struct tq_health *h)
{
	json_decref(h->rd);
	tq_buf_free(&h->text);
	json_decref(h->list);
	h->rd = h->list = NULL;
}

/* One problem: raise the level, remember the text (no '|' in it). */
static void
problem(struct tq_health *h, int l, const char *fmt, ...)
{
	va_list ap;
	char buf[600], *p;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (p = buf; *p != '\0'; p++)
		if (*p == '|' || *p == '\n' || *p == '\r')
			*p = *p == '|' ? '/' : ' ';
	if (l > h->level)
		h->level = l;
	if (h->text.len > 0)
		tq_buf_adds(&h->text, "; ");
	/* a queue's name may hold anything: no raw control character */
	tq_buf_addvis(&h->text, buf);
	json_array_append_new(h->list, json_string(buf));
}

/* {total, active, busy, idle, suspended} of the workers (queue_info.c). */
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

int
tq_redis_policy(redisContext *rc, char *buf, size_t sz, struct tq_err *err)
{
	redisReply *r;
	const char *p;

	*buf = '\0';
	/* an ACL may refuse INFO (NOPERM): no failure of Redis */
	if ((r = tq_redis(rc, err, "INFO memory")) == NULL)
		return rc->err ? -1 : 0;
	if (r->type == REDIS_REPLY_STRING &&
	    (p = strstr(r->str, "\nmaxmemory:")) != NULL &&
	    strtoull(p + strlen("\nmaxmemory:"), NULL, 10) > 0 &&
	    (p = strstr(r->str, "\nmaxmemory_policy:")) != NULL) {
		p += strlen("\nmaxmemory_policy:");
		snprintf(buf, sz, "%.*s", (int)strcspn(p, "\r\n"), p);
	}
	freeReplyObject(r);
	return strncmp(buf, "allkeys-", 8) == 0;
}

json_t *
tq_health_redis(redisContext *rc)
{
	struct tq_err e = { 0 };
	redisReply *r;
	json_t *o = json_object(), *v;
	const char *p;
	char policy[64];
	int susp, ev;

	if ((r = tq_redis(rc, &e, "PING")) == NULL)
		goto fail;
	freeReplyObject(r);
	/*
	 * The version, if the user may ask: INFO is one of the commands
	 * an ACL of least privilege takes away (-@dangerous), and the
	 * answer that says so (NOPERM) is no failure of Redis.
	 */
	if ((r = tq_redis(rc, &e, "INFO server")) == NULL && rc->err)
		goto fail;
	if (r != NULL && r->type == REDIS_REPLY_STRING &&
	    (p = strstr(r->str, "redis_version:")) != NULL) {
		p += strlen("redis_version:");
		json_object_set_new(o, "version",
		    json_stringn(p, strcspn(p, "\r\n")));
	}
	if (r != NULL)
		freeReplyObject(r);
	if ((ev = tq_redis_policy(rc, policy, sizeof(policy), &e)) == -1)
		goto fail;
	if (*policy)
		json_object_set_new(o, "maxmemory_policy",
		    json_string(policy));
	json_object_set_new(o, "evicts", json_boolean(ev));
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
	return o;
fail:
	json_object_set_new(o, "error", json_string(e.msg));
	return o;
}

static int
ms_left(double deadline)
{
	double l = deadline - tq_mono();

	return l <= 0 ? 0 : (int)(l * 1000) + 1;
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
pg_query(struct tq_health *h, PGconn *c, const char *sql, double deadline)
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
	snprintf(h->pg.err, sizeof(h->pg.err), "postgresql: no answer within "
	    "%lld s", h->secs);
	return NULL;
fail:
	PQclear(res);
	snprintf(h->pg.err, sizeof(h->pg.err), "postgresql: %s",
	    tq_db_error(c, buf, sizeof(buf)));
	return NULL;
}

/*
 * Items: stuck ones (running past their stage's timeout and a grace,
 * so neither their worker nor the reconciler has ended them), and the
 * failed share of the items that ended in the last FAIL_WINDOW.
 */
static int
check_items(struct tq_health *h, PGconn *c, double deadline)
{
	PGresult *r;
	char *sql;
	int i, s;

	sql = tq_stats_sql(TQ_SQ_STUCK, STUCK_GRACE);
	r = pg_query(h, c, sql, deadline);
	free(sql);
	if (r == NULL)
		return -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto bad;
	for (i = 0; i < PQntuples(r); i++)
		if ((s = tq_stage_from_name(PQgetvalue(r, i, 0))) >= 0)
			h->pg.stuck[s] = atoll(PQgetvalue(r, i, 1));
	PQclear(r);
	sql = tq_stats_sql(TQ_SQ_ENDED, FAIL_WINDOW);
	r = pg_query(h, c, sql, deadline);
	free(sql);
	if (r == NULL)
		return -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		goto bad;
	h->pg.ended = atoll(PQgetvalue(r, 0, 0));
	h->pg.failed = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	return 0;
bad:
	snprintf(h->pg.err, sizeof(h->pg.err), "postgresql: %s",
	    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ?
	    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : "error");
	PQclear(r);
	return -1;
}

/* tq_db_connect() would migrate and block; a health check only looks. */
void
tq_health_pg(struct tq_health *h, const char *appname, double deadline)
{
	const char *keys[3 + TQ_DB_TCP_KEYS], *vals[3 + TQ_DB_TCP_KEYS], *v;
	char buf[512], *sql;
	PGconn *c;
	PGresult *r;
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	double t0;
	int k = 0;

	h->pg.latest = tq_db_latest_version();
	h->pg.schema = -1;
	k += tq_db_tcp_defaults(keys + k, vals + k);
	keys[k] = "fallback_application_name";
	vals[k++] = appname;
	if (tq_cfg.database_url != NULL) {
		keys[k] = "dbname";
		vals[k++] = tq_cfg.database_url;
	}
	keys[k] = NULL;
	vals[k] = NULL;
	t0 = tq_mono();
	c = PQconnectStartParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) == CONNECTION_BAD)
		goto fail;
	while (ps != PGRES_POLLING_OK) {
		if (ps == PGRES_POLLING_FAILED)
			goto fail;
		if (pg_wait(c, ps == PGRES_POLLING_WRITING, deadline) == -1) {
			snprintf(h->pg.err, sizeof(h->pg.err), "postgresql: "
			    "no answer within %lld s", h->secs);
			goto out;
		}
		ps = PQconnectPoll(c);
	}
	tq_db_log_connected(c, t0);
	sql = tq_stats_sql(TQ_SQ_PING, 0);
	r = pg_query(h, c, sql, deadline);
	free(sql);
	if (r == NULL)
		goto out;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(h->pg.err, sizeof(h->pg.err), "postgresql: %s",
		    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ?
		    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : "error");
		PQclear(r);
		goto out;
	}
	PQclear(r);
	if ((v = PQparameterStatus(c, "server_version")) != NULL)
		snprintf(h->pg.version, sizeof(h->pg.version), "%.*s",
		    (int)strcspn(v, " "), v);
	sql = tq_stats_sql(TQ_SQ_SCHEMA, 0);
	r = pg_query(h, c, sql, deadline);
	free(sql);
	if (r == NULL)
		goto out;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		h->pg.schema = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	h->pg.ok = 1;
	if (h->pg.schema > 0 && check_items(h, c, deadline) == -1)
		h->pg.ok = 0;
	goto out;
fail:
	snprintf(h->pg.err, sizeof(h->pg.err), "postgresql: %s",
	    tq_db_error(c, buf, sizeof(buf)));
out:
	PQfinish(c);
}

#define jint	tq_jint
#define jstr	tq_jstr

/* A queue of the Redis check's answer: {name, count, paused}. */
const char *
tq_health_qname(json_t *q)
{
	const char *s = json_string_value(json_object_get(q, "name"));

	return s ? s : "?";
}

long long
tq_health_qlen(json_t *q)
{
	return json_integer_value(json_object_get(q, "count"));
}

int
tq_health_qpaused(json_t *q)
{
	return json_is_true(json_object_get(q, "paused"));
}

void
tq_health_evaluate(struct tq_health *h)
{
	json_t *w = json_object_get(h->rd, "workers"), *q;
	char why[80];
	size_t i;
	long long act = jint(w, "active");
	int s;

	if (!json_is_true(json_object_get(h->rd, "ok")))
		problem(h, TQ_HEALTH_CRITICAL, "%s", jstr(h->rd, "error",
		    "redis: the check failed"));
	else {
		/*
		 * allkeys-*: when full, Redis evicts any key, queued jobs
		 * and queues among them (the reconciler puts their items
		 * back, late); the volatile-* policies evict only keys
		 * with a lifetime, finished jobs' (Sidekiq warns alike)
		 */
		if (json_is_true(json_object_get(h->rd, "evicts")))
			problem(h, TQ_HEALTH_WARNING, "redis evicts queued "
			    "jobs when full (maxmemory-policy %s; "
			    "noeviction keeps them)", jstr(h->rd,
			    "maxmemory_policy", "?"));
		if (json_is_true(json_object_get(h->rd, "suspended")))
			problem(h, TQ_HEALTH_WARNING,
			    "workers suspended ("
			    TQ_RQ_SUSPENDED ")");
		json_array_foreach(json_object_get(h->rd, "queues"), i, q) {
			if (tq_health_qpaused(q))
				problem(h, TQ_HEALTH_WARNING, "%s paused",
				    tq_health_qname(q));
			if (tq_range_alert(&h->crit, (double)tq_health_qlen(q)))
				problem(h, TQ_HEALTH_CRITICAL,
				    "backlog %s=%lld %s", tq_health_qname(q),
				    tq_health_qlen(q), tq_range_why(&h->crit,
				    why, sizeof(why)));
			else if (tq_range_alert(&h->warn,
			    (double)tq_health_qlen(q)))
				problem(h, TQ_HEALTH_WARNING,
				    "backlog %s=%lld %s", tq_health_qname(q),
				    tq_health_qlen(q), tq_range_why(&h->warn,
				    why, sizeof(why)));
		}
		if (tq_range_alert(&h->workers, (double)act)) {
			if (act == 0 && !h->workers_set)
				problem(h, TQ_HEALTH_WARNING, "no live workers "
				    "(-W 0 if none are expected)");
			else if (act == 0)
				problem(h, TQ_HEALTH_CRITICAL,
				    "no live workers");
			else
				problem(h, TQ_HEALTH_WARNING,
				    "%lld live worker%s %s", act,
				    act == 1 ? "" : "s", tq_range_why(
				    &h->workers, why, sizeof(why)));
		}
	}
	if (!h->pg.ok)
		problem(h, TQ_HEALTH_CRITICAL, "%s", h->pg.err);
	else if (h->pg.schema <= 0)
		problem(h, TQ_HEALTH_WARNING, "postgresql: no tq schema yet");
	else if (h->pg.schema < h->pg.latest)
		problem(h, TQ_HEALTH_WARNING, "postgresql: schema %d, want %d",
		    h->pg.schema, h->pg.latest);
	else if (h->pg.schema > h->pg.latest)
		problem(h, TQ_HEALTH_WARNING, "postgresql: schema %d is newer "
		    "than this tq-health (%d)", h->pg.schema, h->pg.latest);
	if (h->pg.ok) {
		for (s = 0; s < TQ_NSTAGES; s++)
			if (h->pg.stuck[s] > 0)
				problem(h, TQ_HEALTH_WARNING, "%lld item%s of "
				    "%s stuck (running past %d s)",
				    h->pg.stuck[s], h->pg.stuck[s] == 1 ?
				    "" : "s", tq_stage_queue(s),
				    tq_cfg.timeout[s] + STUCK_GRACE);
		if (h->pg.ended >= FAIL_MIN) {
			double rate = 100.0 * (double)h->pg.failed /
			    (double)h->pg.ended;

			if (h->fail_c.text[0] &&
			    tq_range_alert(&h->fail_c, rate))
				problem(h, TQ_HEALTH_CRITICAL, "%.1f%% of %lld "
				    "items failed in the last hour (%s)", rate,
				    h->pg.ended, tq_range_why(&h->fail_c, why,
				    sizeof(why)));
			else if (h->fail_w.text[0] &&
			    tq_range_alert(&h->fail_w, rate))
				problem(h, TQ_HEALTH_WARNING, "%.1f%% of %lld "
				    "items failed in the last hour (%s)", rate,
				    h->pg.ended, tq_range_why(&h->fail_w, why,
				    sizeof(why)));
		}
	}
}

json_t *
tq_health_json(const struct tq_health *h)
{
	json_t *o, *hl, *qs = NULL, *q, *rd = h->rd;
	int rok = json_is_true(json_object_get(rd, "ok")), qok = rok;
	size_t i;

	if (rok) {
		qs = json_object();
		json_array_foreach(json_object_get(rd, "queues"), i, q) {
			int good = !tq_range_alert(&h->warn,
			    (double)tq_health_qlen(q));

			json_object_set_new(qs, tq_health_qname(q), json_pack(
			    "{s:b,s:I,s:b}", "healthy", good, "pending",
			    (json_int_t)tq_health_qlen(q), "paused",
			    tq_health_qpaused(q)));
			qok &= good;
		}
	}
	hl = json_object();
	json_object_set_new(hl, "redis", json_string(rok ? "connected" :
	    "disconnected"));
	json_object_set_new(hl, "redis_version", rok ?
	    json_string(jstr(rd, "version", "?")) : json_null());
	json_object_set_new(hl, "redis_maxmemory_policy", rok &&
	    json_object_get(rd, "maxmemory_policy") ? json_string(jstr(rd,
	    "maxmemory_policy", "?")) : json_null());
	if (!rok)
		json_object_set_new(hl, "redis_error", json_string(jstr(rd,
		    "error", "redis: the check failed")));
	json_object_set_new(hl, "postgresql", json_string(h->pg.ok ?
	    "connected" : "disconnected"));
	json_object_set_new(hl, "postgresql_version", h->pg.ok ?
	    json_string(h->pg.version) : json_null());
	json_object_set_new(hl, "schema_version", h->pg.ok ?
	    json_integer(h->pg.schema) : json_null());
	json_object_set_new(hl, "schema_latest", json_integer(h->pg.latest));
	if (!h->pg.ok)
		json_object_set_new(hl, "postgresql_error",
		    json_string(h->pg.err));
	json_object_set(hl, "workers", rok ? json_object_get(rd, "workers") :
	    json_null());
	json_object_set_new(hl, "suspended", json_boolean(json_is_true(
	    json_object_get(rd, "suspended"))));
	json_object_set_new(hl, "queues_healthy", json_boolean(qok));
	json_object_set_new(hl, "queues", qs ? qs : json_null());
	if (h->pg.ok && h->pg.schema > 0) {
		json_t *st = json_object();
		int s;

		for (s = 0; s < TQ_NSTAGES; s++)
			json_object_set_new(st, tq_stage_queue(s),
			    json_integer(h->pg.stuck[s]));
		json_object_set_new(hl, "stuck_items", st);
		json_object_set_new(hl, "items_ended_1h",
		    json_integer(h->pg.ended));
		json_object_set_new(hl, "items_failed_1h",
		    json_integer(h->pg.failed));
	}

	o = json_object();
	json_object_set_new(o, "healthy",
	    json_boolean(h->level == TQ_HEALTH_OK));
	json_object_set_new(o, "status",
	    json_string(tq_health_level_name(h->level)));
	json_object_set_new(o, "health", hl);
	json_object_set(o, "problems", h->list);
	return o;
}
