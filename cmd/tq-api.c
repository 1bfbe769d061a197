/*
 * tq-api - the seed's REST API over libtq, so that programs written
 * against the seed's HTTP API run on tq unchanged: the parsing, ai and
 * notion async endpoints (batch, single, status, cancel, retry) and
 * the monitoring ones (workers, queues, statistics, health).  Every
 * endpoint is a thin call into common/, as the other tools are:
 * tq_submit(), tq_task_records(), tq_task_cancel(), tq_task_retry(),
 * tq_mon_*() and tq_health_*().
 *
 * Design: libmicrohttpd parses HTTP.  Its internal polling threads, a
 * pool of -n threads each with its own epoll loop, serve every
 * connection: idle, slow and flooding clients cost a socket and a few
 * KiB in a loop, not a thread, and the per-IP and total connection
 * limits and the idle timeout drop them.  A handler blocks its thread
 * while it asks PostgreSQL and Redis (milliseconds: status is read,
 * never waited on), so the pool size is also the number of database
 * connections: each thread opens its own PGconn and redisContext when
 * it first needs them (libpq and hiredis connections are not shared
 * between threads), keeps them, and opens them again after a failure:
 * one is checked before a write or after a while idle, and a read that
 * failed on a connection that broke runs once more on a new one.
 * Thread-per-connection would tie a database connection to every
 * client, and a flood of idle sockets to as many threads.
 *
 * Safe by default: 127.0.0.1 only unless -l or TQ_API_LISTEN say
 * otherwise, and never a non-loopback address without TQ_API_TOKEN;
 * with a token every request needs "Authorization: Bearer <token>",
 * compared in constant time.  A request body over -b bytes is refused
 * with 413 before it is read, and one whose length is told twice (two
 * Content-Lengths, or one and Transfer-Encoding) with 400, and the
 * connection closed.  A submit takes at most -m inputs.  Bad input
 * writes nothing.  A backend's own words (paths, hosts, its errors)
 * go to the log, never to a client.  SIGTERM and SIGINT stop
 * accepting, let the requests in progress end (1 s at most for idle
 * kept-alive connections), and stop.
 *
 * About 1,450 lines, on purpose: nineteen endpoints, each a request
 * shape checked field by field and an answer in the seed's shape, plus
 * the server's set-up; no logic of the pipeline is here.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

static struct option longopts[] = {
	{ "max-body", required_argument, NULL, 'b' },
	{ "connections", required_argument, NULL, 'c' },
	{ "listen", required_argument, NULL, 'l' },
	{ "max-items", required_argument, NULL, 'm' },
	{ "threads", required_argument, NULL, 'n' },
	{ "per-ip", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static long long max_body = 1024 * 1024;
static unsigned conn_limit = 1024;
static char *notify_default;	/* TQ_NOTIFY_URL, checked */
static unsigned per_ip = 256;
static unsigned conn_timeout = 30;
static unsigned nthreads = 4;
static unsigned max_items = 1000;	/* inputs of one submit */
static int quiet;
static int in_progress;		/* requests begun and not ended */
#define STOP_WAIT	30	/* s a stop waits for them */
static char token_sum[65];	/* sha256 of TQ_API_TOKEN; "" if none */

#define HEALTH_SECS	3	/* the health check's deadline */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-api [-hqvV] [-b max-body] [-c connections] "
	    "[-d database-url]\n"
	    "              [-l address:port] [-m max-items] [-n threads] "
	    "[-p per-ip]\n"
	    "              [-r redis-url] [-t timeout]\n");
	exit(status);
}

/* ---- the connections of each thread */

struct conns {
	PGconn		*db;
	redisContext	*rc;
	double		 db_used;	/* when last used */
	double		 rc_used;
	double		 rc_followed;	/* asked the sentinels, if any */
};
static pthread_key_t conns_key;

static void	slow_mark(struct MHD_Connection *, int);

/* a connection idle this long is checked before it is used */
#define IDLE_CHECK	2.0

static void
conns_free(void *p)
{
	struct conns *c = p;

	if (c->db != NULL)
		PQfinish(c->db);
	if (c->rc != NULL)
		redisFree(c->rc);
	free(c);
}

static struct conns *
conns(void)
{
	struct conns *c = pthread_getspecific(conns_key);

	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		pthread_setspecific(conns_key, c);
	}
	return c;
}

/*
 * The thread's PostgreSQL connection, opened again if it broke.  For a
 * write, or when it was idle for a while, it is asked first whether it
 * still works (the server may have restarted meanwhile), so that a
 * write never fails for a connection that broke while unused; a read
 * that fails on a broken one is simply done again (db_broke()).
 */
static PGconn *
db_get(struct tq_err *e, int write)
{
	struct conns *c = conns();
	double now = tq_mono();

	/*
	 * A server that stops answering (stalled, or a lock held) costs
	 * a request -t seconds at most, not its thread for as long; a
	 * statement that ran out of time left its connection busy.
	 */
	tq_db_deadline(now + conn_timeout);
	if (c->db != NULL && PQtransactionStatus(c->db) == PQTRANS_ACTIVE) {
		PQfinish(c->db);
		c->db = NULL;
	}
	if (c->db != NULL && PQstatus(c->db) == CONNECTION_OK &&
	    (write || now - c->db_used > IDLE_CHECK)) {
		struct tq_err pe = { 0 };

		if (tq_db_ping(c->db, &pe) == -1 &&
		    strcmp(pe.code, "deadline") != 0)
			PQreset(c->db);
	}
	if (c->db != NULL && PQstatus(c->db) != CONNECTION_OK) {
		PQfinish(c->db);
		c->db = NULL;
	}
	if (c->db == NULL)
		c->db = tq_db_connect(e);
	c->db_used = now;
	return c->db;
}

static redisContext *
redis_get(struct tq_err *e, int write)
{
	struct conns *c = conns();
	double now = tq_mono();

	if (c->rc != NULL && !c->rc->err &&
	    (write || now - c->rc_used > IDLE_CHECK)) {
		struct tq_err re = { 0 };
		redisReply *r = tq_redis(c->rc, &re, "PING");

		if (r != NULL)
			freeReplyObject(r);
		else if (!c->rc->err)
			c->rc->err = REDIS_ERR_OTHER;
	}
	/* a write goes to the master the sentinels name now */
	if (c->rc != NULL && !c->rc->err && write &&
	    now - c->rc_followed > IDLE_CHECK) {
		c->rc_followed = now;
		tq_redis_moved(c->rc, tq_cfg.redis_url);
	}
	if (c->rc != NULL && c->rc->err) {
		redisFree(c->rc);
		c->rc = NULL;
	}
	if (c->rc == NULL &&
	    (c->rc = tq_redis_connect(tq_cfg.redis_url, e)) != NULL) {
		tq_redis_set_timeout(c->rc, 5);
		c->rc_followed = now;
	}
	c->rc_used = now;
	return c->rc;
}

/* After a read failed: 1 if its connection broke (read again anew). */
static int
db_broke(void)
{
	struct conns *c = conns();

	return c->db != NULL && PQstatus(c->db) != CONNECTION_OK;
}

static int
redis_broke(void)
{
	struct conns *c = conns();

	return c->rc != NULL && c->rc->err;
}

/* ---- requests and answers */

struct req {
	struct tq_buf	 body;
	int		 answered;
	int		 too_big;
	size_t		 seen;		/* body bytes, kept or not */
	int		 code;
	int		 close;		/* answer with Connection: close */
	const char	*allow;		/* the methods a 405 or OPTIONS names */
	size_t		 bytes;
	double		 t0;
	char		*method;
	char		*url;		/* its path */
	char		*host;		/* an absolute-form target's, or NULL */
	char		 addr[INET6_ADDRSTRLEN];
};

static enum MHD_Result	send_body(struct MHD_Connection *, struct req *,
			    int, char *, size_t);

static enum MHD_Result
send_json(struct MHD_Connection *c, struct req *q, int code, json_t *o)
{
	char *s;
	size_t n;

	if ((s = json_dumps(o, TQ_JSON_PRINT)) == NULL)
		s = xstrdup("{\"success\":false,\"error\":\"internal error\"}");
	json_decref(o);
	n = strlen(s);
	/* a newline, as curl users expect */
	s = xrealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	return send_body(c, q, code, s, n);
}

/* A JSON answer of n bytes at s, which it takes. */
static enum MHD_Result
send_body(struct MHD_Connection *c, struct req *q, int code, char *s,
    size_t n)
{
	struct MHD_Response *r;
	enum MHD_Result rv;

	r = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	if (code == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED && q->allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, q->allow);
	if (q->close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	rv = MHD_queue_response(c, (unsigned)code, r);
	MHD_destroy_response(r);
	q->answered = 1;
	q->code = code;
	q->bytes = n;
	return rv;
}

/* The seed's error shape: {"success": false, "error": "..."} */
static enum MHD_Result
fail(struct MHD_Connection *c, struct req *q, int code, const char *fmt,
    ...)
{
	va_list ap;
	char msg[600], *v;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* parts of the URL, cut names: valid UTF-8, no control bytes */
	v = tq_vis(msg);
	o = json_pack("{s:b,s:s}", "success", 0, "error", v);
	free(v);
	return send_json(c, q, code, o);
}

/*
 * Where a message of common/ names its backend: the first of "redis"
 * and "postgresql" in it ("task 5: redis: ..."), or NULL.
 */
static const char *
backend_at(const char *msg)
{
	const char *r = strstr(msg, "redis"), *p = strstr(msg, "postgresql");

	return r != NULL && (p == NULL || r < p) ? r : p;
}

/* Which backend a message is about, for the client; else "backend". */
static const char *
backend_name(const char *msg)
{
	const char *b = backend_at(msg);

	return b == NULL ? "backend" : *b == 'r' ? "redis" : "postgresql";
}

/*
 * A backend's own words (socket paths, hosts, ports, the server's
 * errors) are for the operator: logged, and the client gets the
 * backend's name only.
 */
static void
log_backend(struct req *q, const char *msg)
{
	char *m = tq_vis(msg), *path = tq_vis(q->url);

	tq_log(TQ_LOG_WARN, "backend", json_pack("{s:s,s:s,s:s}", "client",
	    q->addr, "path", path, "error", m));
	free(path);
	free(m);
}

/*
 * A backend error: 503, or 500 when the backend refused for good (a
 * wrong password, say): the operator's to fix, and no fault of the
 * request, which a 400 would tell the client not to send again.
 */
static enum MHD_Result
fail_backend(struct MHD_Connection *c, struct req *q, struct tq_err *e)
{
	const char *b = backend_name(e->msg[0] ? e->msg : e->code);

	log_backend(q, e->msg[0] ? e->msg : "backend unavailable");
	if (e->kind == TQ_ERR_PERMANENT)
		return fail(c, q, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s: the "
		    "request was refused", b);
	return fail(c, q, MHD_HTTP_SERVICE_UNAVAILABLE, "%s unavailable", b);
}

/*
 * Success: {"success": true, <fields>, "data": {<fields>}}.  The seed
 * documents the fields at the top and its examples read them under
 * "data": both work.  Steals fields.
 */
static enum MHD_Result
succeed(struct MHD_Connection *c, struct req *q, int code, json_t *fields)
{
	json_t *o = json_object();

	json_object_set_new(o, "success", json_true());
	json_object_update(o, fields);
	/* the seed's clients take "error" at the top for a failure */
	if (json_is_null(json_object_get(o, "error")))
		json_object_del(o, "error");
	json_object_set_new(o, "data", fields);
	return send_json(c, q, code, o);
}

/* ---- the endpoints */

static const char *const stage_paths[TQ_NSTAGES] = {
	"parsing", "ai", "notion"
};

/* The seed's words for a batch: "Parsing batch queued: 3 links". */
static const char *const stage_titles[TQ_NSTAGES] = {
	"Parsing", "AI processing", "Notion import"
};

/* A task of the stage, or NULL and an answer sent. */
static json_t *
load_task(struct MHD_Connection *c, struct req *q, PGconn **db,
    enum tq_stage st, long long id, int items, enum MHD_Result *rv)
{
	struct tq_err e = { 0 };
	json_t *recs, *rec;
	const char *type;

	/* a read: once more on a new connection if this one broke */
	if ((recs = tq_task_records(*db, &e, &id, 1, items)) == NULL &&
	    db_broke() && (*db = db_get(&e, 0)) != NULL)
		recs = tq_task_records(*db, &e, &id, 1, items);
	if (recs == NULL) {
		*rv = fail_backend(c, q, &e);
		return NULL;
	}
	rec = json_incref(json_array_get(recs, 0));
	json_decref(recs);
	type = json_string_value(json_object_get(rec, "type"));
	if (!json_is_object(rec) || type == NULL ||
	    tq_stage_from_name(type) != (int)st) {
		*rv = fail(c, q, MHD_HTTP_NOT_FOUND, "task %lld: no such %s "
		    "task", id, tq_stage_task_type(st));
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* The seed's TaskItem names its result result_data: both */
static void
result_data(json_t *rec, json_t *items)
{
	json_t *it;
	size_t i;

	(void)rec;
	json_array_foreach(items, i, it)
		if (json_object_get(it, "result") != NULL)
			json_object_set(it, "result_data",
			    json_object_get(it, "result"));
}

/*
 * A task with its items, as succeed() answers it ({"success": true,
 * "task": ..., "data": {"task": ...}}), but made as text a batch of
 * items at a time (tq_task_items_open()): as one tree, a task of
 * 50,000 items took some 300 MB.
 */
static enum MHD_Result
status_items(struct MHD_Connection *c, struct req *q, PGconn **db,
    enum tq_stage st, long long id)
{
	static const char head[] = "{\"success\":true,\"task\":",
	    mid[] = ",\"data\":{\"task\":", tail[] = "}}\n";
	struct tq_err e = { 0 };
	struct tq_buf t = { 0 }, body = { 0 };
	struct tq_items *h;
	const char *type;
	json_t *rec;
	int rv;

	/* a read: once more on a new connection if this one broke */
	if ((h = tq_task_items_open(*db, &e, id, &rec)) == NULL &&
	    db_broke() && (*db = db_get(&e, 0)) != NULL)
		h = tq_task_items_open(*db, &e, id, &rec);
	if (h == NULL)
		return fail_backend(c, q, &e);
	type = json_string_value(json_object_get(rec, "type"));
	if (!json_is_object(rec) || type == NULL ||
	    tq_stage_from_name(type) != (int)st) {
		tq_task_items_close(h);
		json_decref(rec);
		return fail(c, q, MHD_HTTP_NOT_FOUND, "task %lld: no such %s "
		    "task", id, tq_stage_task_type(st));
	}
	rv = tq_task_json(&t, rec, h, result_data, &e);
	tq_task_items_close(h);
	json_decref(rec);
	if (rv == -1) {
		tq_buf_free(&t);
		return fail_backend(c, q, &e);
	}
	tq_buf_add(&body, head, sizeof(head) - 1);
	tq_buf_add(&body, t.data, t.len);
	tq_buf_add(&body, mid, sizeof(mid) - 1);
	tq_buf_add(&body, t.data, t.len);
	tq_buf_add(&body, tail, sizeof(tail) - 1);
	tq_buf_free(&t);
	return send_body(c, q, MHD_HTTP_OK, body.data, body.len);
}

static enum MHD_Result
ep_status(struct MHD_Connection *c, struct req *q, enum tq_stage st,
    long long id)
{
	struct tq_err e = { 0 };
	enum MHD_Result rv = MHD_YES;
	const char *inc;
	PGconn *db;
	json_t *rec;
	int items = 0;

	inc = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "include_items");
	if (inc != NULL) {
		if (strcasecmp(inc, "true") == 0 || strcmp(inc, "1") == 0 ||
		    strcasecmp(inc, "yes") == 0)
			items = 1;
		else if (strcasecmp(inc, "false") != 0 &&
		    strcmp(inc, "0") != 0 && strcasecmp(inc, "no") != 0 &&
		    *inc != '\0')
			return fail(c, q, MHD_HTTP_BAD_REQUEST, "include_items: "
			    "not true or false");
	}
	if ((db = db_get(&e, 0)) == NULL)
		return fail_backend(c, q, &e);
	if (items)
		return status_items(c, q, &db, st, id);
	if ((rec = load_task(c, q, &db, st, id, 0, &rv)) == NULL)
		return rv;
	return succeed(c, q, MHD_HTTP_OK, json_pack("{s:o}", "task", rec));
}

/* tq_task_cancel()'s and tq_task_retry()'s messages: keep the errors */
static void
note_errors(void *arg, int error, const char *msg)
{
	if (error)
		json_array_append_new(arg, json_string(msg));
}

/* What those messages say after a backend's error, for the client */
static const char *const note_tails[] = {
	": its items are cancelled and the workers will drop their jobs",
	": the item is cancelled but the job runs until it ends",
	": its items are pending and the workers' reconciler will queue them",
};

/*
 * Such a message with the backend's own words cut (and logged): "task
 * 5: redis: <path>: ...: its items are pending and ..." is "task 5:
 * redis unavailable: its items are pending and ...".
 */
static char *
scrub_note(struct req *q, const char *m)
{
	const char *b = backend_at(m), *tail = "";
	size_t i, n = strlen(m), k;

	if (b == NULL)
		return xstrdup(m);
	log_backend(q, m);
	for (i = 0; i < sizeof(note_tails) / sizeof(note_tails[0]); i++)
		if (n >= (k = strlen(note_tails[i])) &&
		    strcmp(m + n - k, note_tails[i]) == 0)
			tail = note_tails[i];
	return xasprintf("%.*s%s unavailable%s", (int)(b - m), m,
	    backend_name(b), tail);
}

static enum MHD_Result
ep_cancel_retry(struct MHD_Connection *c, struct req *q, enum tq_stage st,
    long long id, int retry)
{
	struct tq_err e = { 0 };
	enum MHD_Result rv = MHD_YES;
	redisContext *rc;
	PGconn *db;
	json_t *rec, *recs = NULL, *warn, *f;
	int status;

	if ((db = db_get(&e, 1)) == NULL || (rc = redis_get(&e, 1)) == NULL)
		return fail_backend(c, q, &e);
	if ((rec = load_task(c, q, &db, st, id, 0, &rv)) == NULL)
		return rv;
	json_decref(rec);
	warn = json_array();
	if (retry)
		rec = tq_task_retry(db, rc, id, note_errors, warn, &status);
	else if ((recs = tq_task_cancel(db, rc, id, note_errors, warn,
	    &status)) != NULL) {
		/* the task's record, then those of its chain's followers */
		rec = json_incref(json_array_get(recs, 0));
		json_array_remove(recs, 0);
	} else
		rec = NULL;
	if (rec == NULL) {
		const char *m = json_string_value(json_array_get(warn, 0));

		if (status == TQ_EXIT_INPUT)
			rv = fail(c, q, MHD_HTTP_NOT_FOUND, "%s", m ? m :
			    "no such task");
		else {
			char *sm = m != NULL ? scrub_note(q, m) :
			    xstrdup("backend unavailable");

			rv = fail(c, q, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", sm);
			free(sm);
		}
		json_decref(warn);
		json_decref(recs);
		return rv;
	}
	f = json_object();
	json_object_set_new(f, "task_id", json_integer(id));
	json_object_set(f, retry ? "retried_count" : "cancelled_count",
	    json_object_get(rec, retry ? "retried_count" :
	    "cancelled_count"));
	if (retry)
		json_object_set(f, "retried_items",
		    json_object_get(rec, "retried_items"));
	json_object_set(f, "message", json_object_get(rec, "message"));
	json_object_del(rec, "retried_items");
	json_object_set_new(f, "task", rec);
	if (json_array_size(recs) > 0)
		json_object_set(f, "chained_tasks", recs);
	json_decref(recs);
	if (json_array_size(warn) > 0) {
		json_t *ws = json_array(), *w;
		size_t i;

		json_array_foreach(warn, i, w) {
			char *sm = scrub_note(q, json_string_value(w));

			json_array_append_new(ws, json_string(sm));
			free(sm);
		}
		json_object_set_new(f, "warnings", ws);
	}
	json_decref(warn);
	return succeed(c, q, MHD_HTTP_OK, f);
}

/* tq_submit()'s messages about bad inputs, for the answer */
static void
submit_bad(void *arg, const char *where, const char *msg)
{
	char *m = xasprintf("%s: %s", where, msg), *v;

	/* a quoted input cut short may end inside a UTF-8 sequence */
	v = tq_vis(m);
	json_array_append_new(arg, json_string(v));
	free(v);
	free(m);
}

/* A submit's inputs: ids, and for parse also URLs (a tq extension). */
struct inputs {
	struct tq_submit_input	*v;
	size_t			 n;
};

static void
inputs_free(struct inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		free(in->v[i].url);
		free(in->v[i].where);
	}
	free(in->v);
}

/* -1 and why when the array is not one of positive ids (or URLs) */
static int
inputs_add(struct inputs *in, json_t *arr, const char *key, int urls,
    char *why, size_t whylen)
{
	json_t *v;
	size_t i;

	if (!json_is_array(arr)) {
		snprintf(why, whylen, "%s: not an array", key);
		return -1;
	}
	in->v = xrealloc(in->v, (in->n + json_array_size(arr) + 1) *
	    sizeof(*in->v));
	json_array_foreach(arr, i, v) {
		struct tq_submit_input *x = &in->v[in->n];

		memset(x, 0, sizeof(*x));
		if (urls && json_is_string(v) && *json_string_value(v))
			x->url = xstrdup(json_string_value(v));
		else if (!urls && json_is_integer(v) &&
		    json_integer_value(v) >= 1)
			x->id = json_integer_value(v);
		else {
			snprintf(why, whylen, "%s[%zu]: not %s", key, i,
			    urls ? "a URL" : "a positive integer id");
			return -1;
		}
		x->where = xasprintf("%s[%zu]", key, i);
		in->n++;
	}
	return 0;
}

static int
get_bool(json_t *o, const char *key, int *v, char *why, size_t whylen)
{
	json_t *b = json_object_get(o, key);

	if (b == NULL || json_is_null(b))
		return 0;
	if (!json_is_boolean(b)) {
		snprintf(why, whylen, "%s: not true or false", key);
		return -1;
	}
	*v = json_is_true(b);
	return 0;
}

/* One stage's options from a request body, as tq-submit's flags. */
struct stage_in {
	int		 max_retries;
	char		 model[24];
	const char	*modelp;	/* model, or the body's; NULL: default */
	json_t		*params;
	char		*dbid;		/* notion */
	json_t		*props;		/* notion: the body's */
};

static void
stage_in_free(struct stage_in *o)
{
	json_decref(o->params);
	free(o->dbid);
	memset(o, 0, sizeof(*o));
}

/*
 * The options of stage st in the object b (a request's body, or an
 * element of its "then"), checked as tq-submit checks them: 0, or -1
 * with why (prefixed by ctx) and *code.  o is filled either way, for
 * stage_in_free().
 */
static int
stage_body(json_t *b, enum tq_stage st, struct stage_in *o, const char *ctx,
    char *why, size_t whylen, int *code)
{
	json_t *v;
	int cfg[3] = { 1, 1, 0 }, with_text = 0;
	char w[300];

	o->max_retries = tq_cfg.max_retries;
	o->params = json_object();
	w[0] = '\0';
	if ((v = json_object_get(b, "max_retries")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 100) {
			snprintf(w, sizeof(w), "max_retries: not an integer "
			    "from 0 to 100");
			goto bad;
		}
		o->max_retries = (int)json_integer_value(v);
	}
	if (st == TQ_STAGE_AI) {
		json_t *pc = json_object_get(b, "processing_config");

		v = json_object_get(b, "model_id");
		if (json_is_integer(v) && json_integer_value(v) >= 1) {
			snprintf(o->model, sizeof(o->model), "%lld",
			    (long long)json_integer_value(v));
			o->modelp = o->model;
		} else if (json_is_string(v) && *json_string_value(v))
			o->modelp = json_string_value(v);
		else if (v != NULL && !json_is_null(v)) {
			snprintf(w, sizeof(w), "model_id: not a model id or "
			    "name");
			goto bad;
		}
		if (pc != NULL && !json_is_null(pc) && !json_is_object(pc)) {
			snprintf(w, sizeof(w), "processing_config: not an "
			    "object");
			goto bad;
		}
		if (get_bool(pc, "generate_summary", &cfg[0], w,
		    sizeof(w)) == -1 || get_bool(pc, "generate_keywords",
		    &cfg[1], w, sizeof(w)) == -1 || get_bool(pc,
		    "generate_insights", &cfg[2], w, sizeof(w)) == -1)
			goto bad;
		if (!cfg[0] && !cfg[1] && !cfg[2]) {
			snprintf(w, sizeof(w), "nothing to do: summary, "
			    "keywords and insights are all off");
			goto bad;
		}
		json_object_set_new(o->params, "processing_config", json_pack(
		    "{s:b,s:b,s:b}", "generate_summary", cfg[0],
		    "generate_keywords", cfg[1], "generate_insights", cfg[2]));
	}
	if (st == TQ_STAGE_NOTION) {
		const char *d = NULL, *k;
		json_t *pv;

		v = json_object_get(b, "database_id");
		if (json_is_string(v))
			d = json_string_value(v);
		else if (v != NULL && !json_is_null(v)) {
			snprintf(w, sizeof(w), "database_id: not a string");
			goto bad;
		}
		if (d == NULL && (d = getenv("TQ_NOTION_DATABASE")) != NULL &&
		    *d == '\0')
			d = NULL;
		if (d == NULL) {
			snprintf(w, sizeof(w), "database_id: missing");
			goto bad;
		}
		if ((o->dbid = tq_notion_id(d)) == NULL) {
			snprintf(w, sizeof(w), "database_id: not a database "
			    "id (32 hex digits, or a Notion URL)");
			goto bad;
		}
		o->props = json_object_get(b, "properties");
		if (o->props != NULL && json_is_null(o->props))
			o->props = NULL;
		if (o->props != NULL && !json_is_object(o->props)) {
			snprintf(w, sizeof(w), "properties: not an object");
			goto bad;
		}
		json_object_foreach(o->props, k, pv)
			if (!json_is_object(pv)) {
				snprintf(w, sizeof(w), "properties: %.*s: a "
				    "property value is an object such as "
				    "{\"select\": {\"name\": \"x\"}}",
				    (int)tq_utf8_fit(k, strlen(k), 80), k);
				goto bad;
			}
		if (get_bool(b, "with_text", &with_text, w, sizeof(w)) == -1)
			goto bad;
		if (tq_notion_token() == NULL) {
			*code = MHD_HTTP_INTERNAL_SERVER_ERROR;
			snprintf(w, sizeof(w), "notion: no token: set "
			    "NOTION_TOKEN for tq-api and the workers");
			goto bad;
		}
		json_object_set_new(o->params, "database_id",
		    json_string(o->dbid));
		if (o->props != NULL)
			json_object_set(o->params, "properties", o->props);
		json_object_set_new(o->params, "with_text",
		    json_boolean(with_text));
	}
	return 0;
bad:
	snprintf(why, whylen, "%s%s", ctx, w);
	return -1;
}

/*
 * A tq extension: "notify_url", the URL that gets each task's record
 * when it ends, checked as tq-submit's --notify; what names it in why.
 */
static int
notify_check(const char *what, const char *s, char **url, char *why,
    size_t whylen)
{
	struct tq_err e = { 0 };

	if (s == NULL || *s == '\0') {
		snprintf(why, whylen, "%s: not a URL", what);
		return -1;
	}
	if (tq_url_check(s, url, &e) == -1) {
		snprintf(why, whylen, "%s: %s", what, e.msg);
		return -1;
	}
	if (strncmp(*url, "http://", 7) != 0 &&
	    strncmp(*url, "https://", 8) != 0) {
		snprintf(why, whylen, "%s: not an http or https URL", what);
		return -1;
	}
	/* as for the inputs: tq stores it in clear, shows it */
	if (tq_url_userinfo(*url)) {
		snprintf(why, whylen, "%s: a user name or password in the "
		    "URL: refused, tq stores URLs in clear (the workers sign "
		    "the requests with TQ_NOTIFY_SECRET)", what);
		return -1;
	}
	return 0;
}

/*
 * POST batch (ids from the body) or single/<id>: the same request as
 * tq-submit's, the same checks, the same tq_submit().
 */
static enum MHD_Result
ep_submit(struct MHD_Connection *c, struct req *q, enum tq_stage st,
    long long single)
{
	const struct tq_stage_def *sd = tq_stage(st);
	struct tq_err e = { 0 }, re = { 0 };
	struct tq_submit sub;
	struct inputs in = { 0 };
	struct stage_in so[TQ_NSTAGES];
	struct tq_submit_then then[TQ_NSTAGES];
	enum MHD_Result rv;
	json_error_t je;
	json_t *body = NULL, *v, *bad = NULL, *recs, *rec, *f;
	redisContext *rc;
	PGconn *db;
	char why[600], key[64], *notify = NULL;
	size_t i, nthen = 0;
	int code = MHD_HTTP_BAD_REQUEST;

	why[0] = '\0';
	memset(so, 0, sizeof(so));
	if (q->body.len > 0 || single == 0) {
		body = json_loadb(q->body.data ? q->body.data : "",
		    q->body.len, JSON_REJECT_DUPLICATES, &je);
		if (body == NULL) {
			snprintf(why, sizeof(why), "malformed JSON: %s",
			    je.text);
			goto bad;
		}
		if (!json_is_object(body)) {
			snprintf(why, sizeof(why), "the body is not a JSON "
			    "object");
			goto bad;
		}
	} else
		body = json_object();

	/* the inputs */
	snprintf(key, sizeof(key), "%ss", sd->consumes);
	if (single > 0) {
		in.v = xcalloc(1, sizeof(*in.v));
		in.v[0].id = single;
		in.v[0].where = xasprintf("%s %lld", sd->item_text, single);
		in.n = 1;
	} else {
		json_t *u = st == TQ_STAGE_PARSE ? json_object_get(body,
		    "urls") : NULL;
		size_t n;

		/* null is no list, as for the options: a client's None */
		if (json_is_null(u))
			u = NULL;
		if (json_is_null(v = json_object_get(body, key)))
			v = NULL;
		/* over the cap: 413 before anything is looked at */
		n = json_array_size(v) + json_array_size(u);
		if (n > max_items) {
			code = MHD_HTTP_CONTENT_TOO_LARGE;
			snprintf(why, sizeof(why), "%zu inputs: at most %u in "
			    "one request (send several)", n, max_items);
			goto bad;
		}
		if (v != NULL && inputs_add(&in, v, key, 0, why,
		    sizeof(why)) == -1)
			goto bad;
		if (u != NULL && inputs_add(&in, u, "urls", 1, why,
		    sizeof(why)) == -1)
			goto bad;
		if (in.n == 0) {
			snprintf(why, sizeof(why), "%s: %s", v == NULL &&
			    u != NULL ? "urls" : key, v != NULL || u != NULL ?
			    "empty: nothing to submit" : "missing");
			goto bad;
		}
	}

	/* the options, as tq-submit's flags */
	if (stage_body(body, st, &so[0], "", why, sizeof(why), &code) == -1)
		goto bad;
	/* a tq extension: the chain's later stages, each with its options */
	if ((v = json_object_get(body, "then")) != NULL && !json_is_null(v)) {
		const char *name;
		char ctx[32];
		json_t *t;
		size_t k;
		int sn, prev = st;

		if (!json_is_array(v) || json_array_size(v) == 0 ||
		    json_array_size(v) > TQ_NSTAGES - 1 - (size_t)st) {
			snprintf(why, sizeof(why), "then: not a list of the "
			    "stages that follow %s, in order (at most %d)",
			    tq_stage_name(st), TQ_NSTAGES - 1 - (int)st);
			goto bad;
		}
		json_array_foreach(v, k, t) {
			snprintf(ctx, sizeof(ctx), "then[%zu]: ", k);
			name = json_string_value(json_object_get(t, "stage"));
			if (!json_is_object(t) || name == NULL) {
				snprintf(why, sizeof(why), "%san object with "
				    "\"stage\" (ai or notion) and its "
				    "options", ctx);
				goto bad;
			}
			if ((sn = tq_stage_from_name(name)) < 0 ||
			    sn != prev + 1) {
				snprintf(why, sizeof(why), "%s%.*s: %s", ctx,
				    (int)tq_utf8_fit(name, strlen(name), 40),
				    name, sn < 0 ? "unknown stage: use ai or "
				    "notion" : "not the stage that follows "
				    "the one before it");
				goto bad;
			}
			if (json_object_get(t, "urls") != NULL ||
			    json_object_get(t, "link_ids") != NULL ||
			    json_object_get(t, "parsed_content_ids") != NULL ||
			    json_object_get(t, "ai_content_ids") != NULL) {
				snprintf(why, sizeof(why), "%sa follow-up "
				    "stage takes no inputs: they come from the "
				    "stage before it", ctx);
				goto bad;
			}
			if (stage_body(t, sn, &so[k + 1], ctx, why,
			    sizeof(why), &code) == -1)
				goto bad;
			then[k].stage = sn;
			then[k].max_retries = so[k + 1].max_retries;
			then[k].model = so[k + 1].modelp;
			then[k].params = so[k + 1].params;
			then[k].task = 0;
			nthen++;
			prev = sn;
		}
	}
	if ((v = json_object_get(body, "notify_url")) != NULL &&
	    !json_is_null(v)) {
		if (notify_check("notify_url", json_string_value(v), &notify,
		    why, sizeof(why)) == -1)
			goto bad;
	} else if (notify_default != NULL)
		notify = xstrdup(notify_default);

	if ((db = db_get(&e, 1)) == NULL || (rc = redis_get(&e, 1)) == NULL)
		goto backend;
	for (i = 0; i <= nthen; i++) {
		if (so[i].dbid == NULL || tq_notion_check(db, rc, so[i].dbid,
		    so[i].props, &e) == 0 || e.kind != TQ_ERR_PERMANENT)
			continue;
		/* a wrong database fails here; Notion away, in the workers */
		snprintf(why, sizeof(why), "%s%s", i > 0 ? "then: " : "",
		    e.msg);
		goto bad;
	}
	bad = json_array();
	memset(&sub, 0, sizeof(sub));
	sub.stage = st;
	sub.max_retries = so[0].max_retries;
	sub.model = so[0].modelp;
	sub.params = so[0].params;
	sub.then = then;
	sub.nthen = nthen;
	sub.notify_url = notify;
	sub.in = in.v;
	sub.nin = in.n;
	sub.bad = submit_bad;
	sub.arg = bad;
	/*
	 * The record as submitted, read in the transaction: a worker may
	 * take the jobs as soon as they are pushed, and the seed's 202
	 * says "queued"
	 */
	sub.want_record = 1;
	memset(&e, 0, sizeof(e));
	switch (tq_submit(db, rc, &sub, &e)) {
	case 0:
		break;
	case TQ_SUBMIT_BAD:
		snprintf(why, sizeof(why), "%s", json_array_size(bad) > 0 ?
		    json_string_value(json_array_get(bad, 0)) : "bad input");
		goto bad;
	case TQ_SUBMIT_EMPTY:
		snprintf(why, sizeof(why), "no input: nothing to submit");
		goto bad;
	default:
		goto backend;
	}
	/*
	 * The task is committed and queued: whatever happens now, the
	 * answer is 202, or the client would submit it again
	 */
	f = json_object();
	if ((recs = sub.rec) == NULL &&
	    (recs = tq_task_records(db, &re, &sub.task, 1, 0)) == NULL) {
		log_backend(q, re.msg);
		json_object_set_new(f, "id", json_integer(sub.task));
		json_object_set_new(f, "status", json_string("queued"));
		json_object_set_new(f, "type", json_string(
		    tq_stage_task_type(st)));
		json_object_set_new(f, "queue_name", json_string(
		    tq_stage_queue(st)));
		json_object_set_new(f, "warning", json_sprintf("%s "
		    "unavailable after the submit: the task's record could "
		    "not be read; ask for its status", backend_name(re.msg)));
	} else {
		rec = json_array_get(recs, 0);
		if (json_is_object(rec))
			json_object_update(f, rec);
		json_decref(recs);
	}
	json_object_set_new(f, "task_id", json_integer(sub.task));
	if (nthen > 0) {
		/* the follow-up tasks' ids, in order, as tq-submit's */
		json_t *ch = json_array();

		for (i = 0; i < nthen; i++)
			json_array_append_new(ch, json_integer(then[i].task));
		json_object_set_new(f, "chain", ch);
	}
	json_object_set_new(f, "total_items", json_integer(
	    (json_int_t)sub.nitems));
	json_object_set_new(f, "message", json_sprintf("%s %s %s: %zu %s%s",
	    stage_titles[st], single ? "task" : "batch", sub.queued ?
	    "queued" : "saved", sub.nitems, sd->item_text,
	    sub.nitems == 1 ? "" : "s"));
	if (!sub.queued) {
		/* its status is still "queued": the reconciler queues it */
		log_backend(q, e.msg);
		json_object_set_new(f, "warning", json_sprintf("%s "
		    "unavailable; the task is saved and the workers' "
		    "reconciler will queue it", backend_name(e.msg)));
	}
	rv = succeed(c, q, MHD_HTTP_ACCEPTED, f);
	goto out;
backend:
	rv = fail_backend(c, q, &e);
	goto out;
bad:
	if (json_array_size(bad) > 1) {
		json_t *o = json_pack("{s:b,s:s,s:O}", "success", 0, "error",
		    why, "errors", bad);

		rv = send_json(c, q, code, o);
	} else
		rv = fail(c, q, code, "%s", why);
out:
	inputs_free(&in);
	json_decref(bad);
	for (i = 0; i < TQ_NSTAGES; i++)
		stage_in_free(&so[i]);
	json_decref(body);
	free(notify);
	return rv;
}

static enum MHD_Result
ep_monitoring(struct MHD_Connection *c, struct req *q, const char *what)
{
	struct tq_err e = { 0 };
	redisContext *rc = NULL;
	PGconn *db = NULL;
	json_t *f;
	int rv = -1, tries;

	if (strcmp(what, "health") == 0) {
		struct tq_health h;
		const char *v;
		json_t *o;
		int healthy;

		/* the deadline of the PostgreSQL check; Redis's timeout */
		tq_health_init(&h);
		h.secs = HEALTH_SECS;
		for (tries = 0; tries < 2; tries++) {
			json_decref(h.rd);
			if ((rc = redis_get(&e, 0)) == NULL) {
				h.rd = json_pack("{s:s}", "error", e.msg);
				break;
			}
			h.rd = tq_health_redis(rc);
			/* a read: once more on a new connection if it broke */
			if (json_is_true(json_object_get(h.rd, "ok")) ||
			    !redis_broke())
				break;
		}
		tq_health_pg(&h, "tq-api", tq_mono() + HEALTH_SECS);
		/*
		 * The backends' own words are logged; the answer names the
		 * kind of problem.  tq_health_pg()'s "no answer within" is
		 * its own, and kept.
		 */
		if ((v = json_string_value(json_object_get(h.rd, "error"))) !=
		    NULL) {
			log_backend(q, v);
			json_object_set_new(h.rd, "error", json_string(
			    "redis unavailable"));
		}
		if (!h.pg.ok && h.pg.err[0] != '\0') {
			log_backend(q, h.pg.err);
			if (strncmp(h.pg.err, "postgresql: no answer within ",
			    29) != 0)
				snprintf(h.pg.err, sizeof(h.pg.err),
				    "postgresql unavailable");
		}
		tq_health_evaluate(&h);
		o = tq_health_json(&h);
		/*
		 * Unhealthy is CRITICAL: a backend down, a backlog past the
		 * critical threshold.  A warning (no workers yet, say) keeps
		 * the API in service and is in "status" and "problems".
		 */
		healthy = h.level < TQ_HEALTH_CRITICAL;
		json_object_set_new(o, "healthy", json_boolean(healthy));
		if (!healthy) {
			json_object_set_new(o, "success", json_false());
			json_object_set_new(o, "error", json_string(
			    h.text.data ? h.text.data : "unhealthy"));
			tq_health_free(&h);
			return send_json(c, q, MHD_HTTP_SERVICE_UNAVAILABLE, o);
		}
		tq_health_free(&h);
		return succeed(c, q, MHD_HTTP_OK, o);
	}
	f = json_object();
	for (tries = 0; tries < 2; tries++) {
		if (strcmp(what, "statistics") == 0) {
			if ((db = db_get(&e, 0)) == NULL)
				rv = -1;
			else
				rv = tq_mon_statistics(db, &e, f);
		} else if ((rc = redis_get(&e, 0)) == NULL)
			rv = -1;
		else if (strcmp(what, "workers") == 0)
			rv = tq_mon_workers(rc, &e, f);
		else
			rv = tq_mon_queues(rc, &e, f);
		/* a read: once more on a new connection if this one broke */
		if (rv == 0 || !(strcmp(what, "statistics") == 0 ?
		    db_broke() : redis_broke()))
			break;
	}
	if (rv == -1) {
		json_decref(f);
		return fail_backend(c, q, &e);
	}
	return succeed(c, q, MHD_HTTP_OK, f);
}

/* ---- routing */

static int
is_method(struct req *q, const char *m)
{
	return strcmp(q->method, m) == 0;
}

/* OPTIONS: 204 and Allow, no body */
static enum MHD_Result
send_options(struct MHD_Connection *c, struct req *q)
{
	struct MHD_Response *r;
	enum MHD_Result rv;

	r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, q->allow);
	rv = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);
	MHD_destroy_response(r);
	q->answered = 1;
	q->code = MHD_HTTP_NO_CONTENT;
	return rv;
}

/*
 * The method of a request to a path that exists: 1 if it is the one
 * the path takes (or HEAD for GET), else 0 and an answer sent: 204 and
 * Allow to OPTIONS, 405 and Allow to any other.
 */
static int
method_ok(struct MHD_Connection *c, struct req *q, const char *want,
    enum MHD_Result *rv)
{
	int get = strcmp(want, "GET") == 0;

	q->allow = get ? "GET, HEAD, OPTIONS" : strcmp(want, "POST") == 0 ?
	    "POST, OPTIONS" : "DELETE, OPTIONS";
	if (is_method(q, want) || (get && is_method(q, "HEAD")))
		return 1;
	if (is_method(q, "OPTIONS"))
		*rv = send_options(c, q);
	else
		*rv = fail(c, q, MHD_HTTP_METHOD_NOT_ALLOWED, "%s: use %s",
		    q->url, want);
	return 0;
}

static enum MHD_Result
route(struct MHD_Connection *c, struct req *q)
{
	char path[256], *seg[8], *p, *s;
	const char *want;
	enum MHD_Result rv;
	int n = 0, st;
	long long id = 0;

	if (strlen(q->url) >= sizeof(path))
		return fail(c, q, MHD_HTTP_NOT_FOUND, "no such endpoint");
	snprintf(path, sizeof(path), "%s", q->url);
	for (p = path; (s = strsep(&p, "/")) != NULL;)
		if (*s != '\0' && n < 8)
			seg[n++] = s;
	if (n < 3 || strcmp(seg[0], "api") != 0)
		return fail(c, q, MHD_HTTP_NOT_FOUND, "no such endpoint");
	if (n == 3 && strcmp(seg[1], "monitoring") == 0 &&
	    (strcmp(seg[2], "workers") == 0 || strcmp(seg[2], "queues") == 0 ||
	    strcmp(seg[2], "statistics") == 0 ||
	    strcmp(seg[2], "health") == 0)) {
		if (!method_ok(c, q, "GET", &rv))
			return rv;
		return ep_monitoring(c, q, seg[2]);
	}
	for (st = 0; st < TQ_NSTAGES; st++)
		if (strcmp(seg[1], stage_paths[st]) == 0)
			break;
	if (st == TQ_NSTAGES || strcmp(seg[2], "async") != 0 || n < 4 ||
	    n > 5)
		return fail(c, q, MHD_HTTP_NOT_FOUND, "no such endpoint");
	if (strcmp(seg[3], "batch") == 0 && n == 4) {
		if (!method_ok(c, q, "POST", &rv))
			return rv;
		return ep_submit(c, q, st, 0);
	}
	if (n != 5 || (strcmp(seg[3], "single") != 0 &&
	    strcmp(seg[3], "status") != 0 && strcmp(seg[3], "cancel") != 0 &&
	    strcmp(seg[3], "retry") != 0))
		return fail(c, q, MHD_HTTP_NOT_FOUND, "no such endpoint");
	want = strcmp(seg[3], "status") == 0 ? "GET" :
	    strcmp(seg[3], "cancel") == 0 ? "DELETE" : "POST";
	if (!method_ok(c, q, want, &rv))
		return rv;
	if (tq_parse_id(seg[4], &id) == -1)
		return fail(c, q, MHD_HTTP_BAD_REQUEST, "%.*s: not a%s id "
		    "(a positive integer)", (int)tq_utf8_fit(seg[4],
		    strlen(seg[4]), 40), seg[4], strcmp(seg[3], "single") ?
		    " task" : "n");
	if (strcmp(seg[3], "single") == 0)
		return ep_submit(c, q, st, id);
	if (strcmp(seg[3], "status") == 0)
		return ep_status(c, q, st, id);
	return ep_cancel_retry(c, q, st, id, strcmp(seg[3], "retry") == 0);
}

/* Constant time: the digests of both, so the length leaks nothing. */
static int
authorized(struct MHD_Connection *c)
{
	const char *h;
	char sum[65];
	unsigned char d = 0;
	size_t i;

	if (token_sum[0] == '\0')
		return 1;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	tq_sha256_hex(h + 7, strlen(h + 7), sum);
	for (i = 0; i < 64; i++)
		d |= (unsigned char)(sum[i] ^ token_sum[i]);
	return d == 0;
}

/*
 * Without a token, is Host (host[:port]) a name of this server: an IP
 * address, localhost, or one of TQ_API_HOSTS?  A web page whose own
 * name an attacker points at 127.0.0.1 (DNS rebinding) reaches tq-api
 * as its own origin, which the cross-site checks let in; its Host is
 * its own name, refused here.  NULL (HTTP/1.0 without one) is let in.
 */
static int
host_ok(const char *h)
{
	char name[256], in[sizeof(struct in6_addr)];
	const char *e, *l, *w;
	size_t n, k;

	if (token_sum[0] != '\0' || h == NULL)
		return 1;
	if (*h == '[') {
		if ((e = strchr(h, ']')) == NULL || (n = (size_t)(e - h - 1)) >=
		    sizeof(name))
			return 0;
		memcpy(name, h + 1, n);
		name[n] = '\0';
		return inet_pton(AF_INET6, name, in) == 1;
	}
	n = strcspn(h, ":");
	if (h[n] == ':' && (h[n + 1] == '\0' || strspn(h + n + 1,
	    "0123456789") != strlen(h + n + 1)))
		return 0;
	if (n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, h, n);
	name[n] = '\0';
	if (name[n - 1] == '.')
		name[--n] = '\0';
	if (inet_pton(AF_INET, name, in) == 1 ||
	    strcasecmp(name, "localhost") == 0 || (n > 10 &&
	    strcasecmp(name + n - 10, ".localhost") == 0))
		return 1;
	if ((l = getenv("TQ_API_HOSTS")) == NULL)
		return 0;
	for (w = l; *w != '\0'; w += k) {
		w += strspn(w, ", \t");
		k = strcspn(w, ", \t");
		if (k == n && strncasecmp(w, name, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * The request's Content-Length, Transfer-Encoding and Host headers,
 * and the names that are no token (RFC 9110 5.1): libmicrohttpd keeps
 * "Transfer-Encoding : chunked" as a header "Transfer-Encoding " and
 * frames the body by Content-Length, where a proxy may take the chunks
 * (RFC 9112 5.1: a 400), and makes a line folded onto the one before
 * (obs-fold, 5.2) part of that one's name.
 */
struct framing {
	int	cl;
	int	te;
	int	host;
	int	bad;
};

static const char tchar[] = "!#$%&'*+-.^_`|~0123456789"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing *f = cls;

	(void)kind;
	(void)value;
	if (key == NULL)
		return MHD_YES;
	if (*key == '\0' || key[strspn(key, tchar)] != '\0')
		f->bad++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->cl++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->te++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		f->host++;
	return MHD_YES;
}

/*
 * A request a web page of another site made the browser send: the
 * browser says so (Sec-Fetch-Site: cross-site, which every current one
 * sends), or, from one that sends no Sec-Fetch-Site, its Origin names
 * a host other than the one it was sent to (the request's Host, or the
 * X-Forwarded-Host of a proxy in front).  Any page the operator opens
 * could otherwise submit, retry and import through a tq-api on the
 * loopback.  Tools (curl, requests) send neither header.
 */
static int
cross_site(struct MHD_Connection *c, const char *h)
{
	const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Origin"), *f = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Sec-Fetch-Site"), *x = MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "X-Forwarded-Host"), *p;

	/*
	 * same-site is another origin too (a sibling subdomain): tq-api
	 * grants no CORS, so no front end of its own can be one
	 */
	if (f != NULL)
		return strcasecmp(f, "cross-site") == 0 ||
		    strcasecmp(f, "same-site") == 0;
	if (o == NULL)
		return 0;
	if ((p = strstr(o, "://")) == NULL)
		return 1;	/* "null": a sandboxed page, a file */
	p += 3;
	return !((h != NULL && strcasecmp(p, h) == 0) ||
	    (x != NULL && strcasecmp(p, x) == 0));
}

/*
 * RFC 9112 3.2.2: a server takes the absolute form of a target too
 * ("GET http://host:5000/api/... HTTP/1.1", as to a proxy), as Flask's
 * servers do, and its host is the target's, not Host's.  The path; the
 * authority, if any, in *host.
 */
static const char *
origin_form(const char *url, char **host)
{
	const char *a, *p;

	*host = NULL;
	if (strncasecmp(url, "http://", 7) == 0)
		a = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		a = url + 8;
	else
		return url;
	p = a + strcspn(a, "/");
	*host = xasprintf("%.*s", (int)(p - a), a);
	return *p != '\0' ? p : "/";
}

/* Is the request's body JSON by its Content-Type (or +json)? */
static int
json_body(struct MHD_Connection *c)
{
	const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n;

	if (t == NULL)
		return 0;
	while (*t == ' ' || *t == '\t')
		t++;
	n = strcspn(t, "; \t");
	return (n == 16 && strncasecmp(t, "application/json", 16) == 0) ||
	    (n > 5 && strncasecmp(t + n - 5, "+json", 5) == 0 &&
	    strncasecmp(t, "application/", 12) == 0);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct req *q = *con_cls;
	enum MHD_Result rv;
	const char *cl, *te, *host;

	(void)cls;
	if (q == NULL) {
		const union MHD_ConnectionInfo *ci;
		struct framing fr = { 0, 0, 0, 0 };

		q = xcalloc(1, sizeof(*q));
		__atomic_add_fetch(&in_progress, 1, __ATOMIC_SEQ_CST);
		q->t0 = tq_mono();
		q->method = xstrdup(method);
		q->url = xstrdup(origin_form(url, &q->host));
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci != NULL && ci->client_addr != NULL) {
			const struct sockaddr *sa = ci->client_addr;

			if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct
				    sockaddr_in6 *)sa)->sin6_addr, q->addr,
				    sizeof(q->addr));
			else if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct
				    sockaddr_in *)sa)->sin_addr, q->addr,
				    sizeof(q->addr));
		}
		*con_cls = q;
		/*
		 * A body whose length is told twice (RFC 9112 6.3): libmicro-
		 * httpd takes the first Content-Length, a proxy before it may
		 * take the last or the chunks, and what one of them reads as
		 * a body the other runs as the next request.  Refused before
		 * the body is read, and the connection closed.
		 */
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing,
		    &fr);
		if (fr.bad > 0) {
			q->close = 1;
			return fail(c, q, MHD_HTTP_BAD_REQUEST, "%s",
			    "a header's name is malformed (a space before "
			    "its colon, or a line folded)");
		}
		if (fr.cl > 1 || (fr.cl > 0 && fr.te > 0)) {
			q->close = 1;
			return fail(c, q, MHD_HTTP_BAD_REQUEST, "%s",
			    fr.cl > 1 ? "more than one Content-Length" :
			    "Content-Length with Transfer-Encoding");
		}
		/*
		 * Two Transfer-Encodings are one list ("chunked, gzip"), of
		 * which libmicrohttpd reads the first alone
		 */
		if (fr.te > 1) {
			q->close = 1;
			return fail(c, q, MHD_HTTP_BAD_REQUEST, "%s",
			    "more than one Transfer-Encoding");
		}
		/* RFC 9112 6.1: a coding other than chunked alone */
		te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_TRANSFER_ENCODING);
		if (te != NULL && strcasecmp(te, "chunked") != 0) {
			q->close = 1;
			return fail(c, q, MHD_HTTP_NOT_IMPLEMENTED, "%s",
			    "Transfer-Encoding other than chunked");
		}
		/* RFC 9112 3.2: an HTTP/1.1 request names its one host */
		if (fr.host > 1 || (fr.host == 0 && version != NULL &&
		    strcmp(version, MHD_HTTP_VERSION_1_0) != 0)) {
			q->close = 1;
			return fail(c, q, MHD_HTTP_BAD_REQUEST, "%s",
			    fr.host > 1 ? "more than one Host" :
			    "no Host header (HTTP/1.1 requires one)");
		}
		/* refused before the body is read */
		host = q->host != NULL ? q->host : MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
		if (!host_ok(host))
			return fail(c, q, MHD_HTTP_FORBIDDEN, "host not "
			    "served: without TQ_API_TOKEN, only an address, "
			    "localhost or a name in TQ_API_HOSTS");
		if (!authorized(c))
			return fail(c, q, MHD_HTTP_UNAUTHORIZED,
			    "unauthorized: send Authorization: Bearer "
			    "<TQ_API_TOKEN>");
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
		    strcmp(method, "OPTIONS") != 0 && cross_site(c, host))
			return fail(c, q, MHD_HTTP_FORBIDDEN, "cross-site "
			    "request refused: a page of another site (its "
			    "Origin) may not use this API");
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoll(cl, NULL, 10) > max_body)
			return fail(c, q, MHD_HTTP_CONTENT_TOO_LARGE,
			    "request body over %lld bytes", max_body);
		/* as Flask's get_json(): a body is JSON, and says so */
		if (((cl != NULL && strtoll(cl, NULL, 10) > 0) || te != NULL) &&
		    !json_body(c))
			return fail(c, q, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
			    "Content-Type must be application/json");
		return MHD_YES;
	}
	if (*size > 0) {
		/*
		 * A body without a length that grows too big is read on and
		 * dropped, and answered at its end: an answer sent while
		 * the client still sends is lost when the socket closes.
		 * Past 16 times the limit the connection is cut.
		 */
		q->seen += *size;
		if (q->answered || q->too_big) {
			*size = 0;
			return q->seen > 16 * (size_t)max_body ? MHD_NO :
			    MHD_YES;
		}
		if (q->body.len + *size > (size_t)max_body) {
			q->too_big = 1;
			tq_buf_free(&q->body);
		} else
			tq_buf_add(&q->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (q->answered)
		return MHD_YES;
	if (q->too_big)
		return fail(c, q, MHD_HTTP_CONTENT_TOO_LARGE,
		    "request body over %lld bytes", max_body);
	slow_mark(c, 1);
	rv = route(c, q);
	slow_mark(c, 0);
	return rv;
}

/*
 * ---- the slow clients
 *
 * libmicrohttpd's timeout (-t) closes a connection that sends nothing
 * for that long, but not one that sends a byte a second: a handful of
 * such clients would hold every connection an address may open, and
 * the headers of a request never end, so no callback of ours runs.
 * Each connection is noted when it opens and again when a request on
 * it ends; one that has not ended a request within twice -t of that
 * (at most -t kept alive and idle, then at least -t for its request)
 * is shut down from here, and libmicrohttpd, reading its end, closes
 * it.  It tells us of the close before it closes the descriptor, both
 * under the lock, so the descriptor shut down is always the
 * connection's own.
 */
struct slow {
	int		 fd;
	double		 since;		/* opened, or its last request ended */
	int		 cut;
	int		 busy;		/* its request is ours to answer */
	struct slow	*prev, *next;
};
static pthread_mutex_t slow_mu = PTHREAD_MUTEX_INITIALIZER;
static struct slow *slow_head;
static int slow_stop;
static pthread_cond_t slow_cv;	/* on the monotonic clock, in main */

static void
slow_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	struct slow *s;

	(void)cls;
	pthread_mutex_lock(&slow_mu);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		s = xcalloc(1, sizeof(*s));
		s->fd = ci != NULL ? ci->connect_fd : -1;
		s->since = tq_mono();
		if ((s->next = slow_head) != NULL)
			slow_head->prev = s;
		slow_head = s;
		*socket_context = s;
	} else if ((s = *socket_context) != NULL) {
		if (s->prev != NULL)
			s->prev->next = s->next;
		else
			slow_head = s->next;
		if (s->next != NULL)
			s->next->prev = s->prev;
		free(s);
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&slow_mu);
}

/*
 * A request on c ended, or we begin (busy) or end its answer: its
 * connection has -t idle, then -t again.  While we work on an answer
 * (a backend slow to answer or to fail), the client is not the slow
 * one, and gets its answer, a 503 at worst.
 */
static void
slow_mark(struct MHD_Connection *c, int busy)
{
	const union MHD_ConnectionInfo *ci;
	struct slow *s;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	pthread_mutex_lock(&slow_mu);
	if (ci != NULL && (s = ci->socket_context) != NULL) {
		s->since = tq_mono();
		s->busy = busy;
	}
	pthread_mutex_unlock(&slow_mu);
}

static void *
slow_reaper(void *arg)
{
	struct timespec ts;
	struct slow *s;
	double now;
	int n;

	(void)arg;
	pthread_mutex_lock(&slow_mu);
	while (!slow_stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&slow_cv, &slow_mu, &ts);
		now = tq_mono();
		n = 0;
		for (s = slow_head; s != NULL; s = s->next)
			if (!s->cut && !s->busy && s->fd >= 0 &&
			    now - s->since > 2.0 * conn_timeout) {
				shutdown(s->fd, SHUT_RDWR);
				s->cut = 1;
				n++;
			}
		if (n > 0) {
			pthread_mutex_unlock(&slow_mu);
			tq_log(TQ_LOG_WARN, "slow_clients", json_pack("{s:i,"
			    "s:i}", "closed", n, "seconds",
			    (int)(2 * conn_timeout)));
			pthread_mutex_lock(&slow_mu);
		}
	}
	pthread_mutex_unlock(&slow_mu);
	return NULL;
}

/* The access log: one line a request, after it was answered. */
static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;

	(void)cls;
	slow_mark(c, 0);
	if (q == NULL)
		return;
	__atomic_sub_fetch(&in_progress, 1, __ATOMIC_SEQ_CST);
	if (!quiet) {
		/* the path as the client sent it may be any bytes */
		char *path = tq_vis(q->url), *meth = tq_vis(q->method);

		tq_log(TQ_LOG_INFO, "request", json_pack("{s:s,s:s,s:s,s:i,"
		    "s:I,s:f,s:s*}", "client", q->addr, "method", meth,
		    "path", path, "status", q->code, "bytes",
		    (json_int_t)q->bytes, "ms", (tq_mono() - q->t0) * 1000,
		    "end", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL :
		    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timeout" :
		    "aborted"));
		free(path);
		free(meth);
	}
	tq_buf_free(&q->body);
	free(q->method);
	free(q->url);
	free(q->host);
	free(q);
	*con_cls = NULL;
}

/* ---- main */

/*
 * libmicrohttpd's unescaping of the path and the query, but %00 stays
 * as it is: a NUL would end the path early, and ".../status/1%00abc"
 * would be task 1.  Like libmicrohttpd's, a bad escape stays as it is.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;
	int hi, lo;

	(void)cls;
	(void)c;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = tq_hexval(r[1])) >= 0 &&
		    (lo = tq_hexval(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static unsigned
number(const char *what, const char *s, long long lo, long long hi)
{
	const char *es = NULL;
	long long v;

	v = strtonum(s, lo, hi, &es);
	if (es != NULL)
		errx(TQ_EXIT_USAGE, "%s %s: %s", what, tq_vis_arg(s), es);
	return (unsigned)v;
}

/*
 * Each connection holds a descriptor.  Past the file limit accept(2)
 * fails and clients wait unanswered in the backlog, so the soft limit
 * is raised to the hard one (as tq-worker does) and the connections
 * kept within it, less what the threads' backends, epoll and pipes,
 * the log and the listening socket take.
 */
static void
fit_files(void)
{
	unsigned long cur, reserve, room;

	if ((cur = tq_nofile_raise()) == 0 ||
	    cur == (unsigned long)RLIM_INFINITY)
		return;
	reserve = 16 + 6 * (unsigned long)nthreads;
	room = cur > reserve + 1 ? cur - reserve : 1;
	if (conn_limit <= room)
		return;
	tq_log(TQ_LOG_WARN, "connections", json_pack("{s:i,s:i,s:i}",
	    "asked", (int)conn_limit, "limit", (int)room, "nofile",
	    (int)cur));
	conn_limit = (unsigned)room;
}

static int
loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) &&
		    a->s6_addr[12] == 127);
	}
	return 0;
}

/* "ADDR:PORT", "[V6]:PORT", or a bare port on 127.0.0.1. */
static struct addrinfo *
parse_listen(const char *s)
{
	struct addrinfo hints, *res = NULL;
	char host[256], *port;
	const char *colon;
	int rv;

	if (strchr(s, ':') == NULL) {
		snprintf(host, sizeof(host), "127.0.0.1");
		port = (char *)s;
	} else if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':' || (size_t)(end - s) >
		    sizeof(host) - 1)
			errx(TQ_EXIT_USAGE, "listen %s: not ADDRESS:PORT",
			    tq_vis_arg(s));
		snprintf(host, sizeof(host), "%.*s", (int)(end - s - 1), s + 1);
		port = (char *)end + 2;
	} else {
		colon = strrchr(s, ':');
		if ((size_t)(colon - s) > sizeof(host) - 1)
			errx(TQ_EXIT_USAGE, "listen %s: not ADDRESS:PORT",
			    tq_vis_arg(s));
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
		port = (char *)colon + 1;
	}
	number("listen port", port, 0, 65535);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rv = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0)
		errx(TQ_EXIT_USAGE, "listen %s: %s", tq_vis_arg(s),
		    gai_strerror(rv));
	return res;
}

int
main(int argc, char *argv[])
{
	enum tq_outmode om = TQ_OUT_AUTO;
	struct MHD_Daemon *d;
	pthread_t reaper;
	pthread_condattr_t ca;
	const union MHD_DaemonInfo *di;
	struct addrinfo *ai;
	const char *listen = "127.0.0.1:5000", *tok, *v;
	char host[INET6_ADDRSTRLEN];
	sigset_t set;
	unsigned flags;
	int ch, sig, i, port = 0;

	/* its secrets (tokens, passwords) stay out of cores and ptrace */
	prctl(PR_SET_DUMPABLE, 0);
	tq_config_init(NULL);
	tq_log_nowait = 1;	/* a log no one reads holds up no request */
	if ((v = getenv("TQ_API_LISTEN")) != NULL && *v != '\0')
		listen = v;
	if ((v = getenv("TQ_API_MAX_ITEMS")) != NULL && *v != '\0')
		max_items = number("TQ_API_MAX_ITEMS", v, 1, 100000);
	while ((ch = tq_getopt(argc, argv, "b:c:d:hl:m:n:p:qr:t:Vv", longopts,
	    "dhqrVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
		case 'b':
			max_body = number("max body", optarg, 2, 1 << 30);
			break;
		case 'c':
			conn_limit = number("connections", optarg, 1, 100000);
			break;
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'l':
			listen = optarg;
			break;
		case 'm':
			max_items = number("max items", optarg, 1, 100000);
			break;
		case 'n':
			nthreads = number("threads", optarg, 1, 256);
			break;
		case 'p':
			per_ip = number("per-ip", optarg, 1, 100000);
			break;
		case 't':
			conn_timeout = number("timeout", optarg, 1, 86400);
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		warnx("%s: no operands are taken", tq_vis_arg(argv[optind]));
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (tq_config_check(TQ_CFG_REDIS | TQ_CFG_DB) == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	if ((tok = getenv("TQ_API_TOKEN")) != NULL && *tok != '\0') {
		const char *c;

		/* a blank or control byte cannot travel in the header:
		 * a client could never send this token (and " " is no
		 * token at all); the value is not echoed */
		for (c = tok; *c != '\0'; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f)
				errx(TQ_EXIT_USAGE, "TQ_API_TOKEN: holds a "
				    "blank or a control character, which no "
				    "Authorization header can carry");
		tq_sha256_hex(tok, strlen(tok), token_sum);
	}
	if ((v = getenv("TQ_NOTIFY_URL")) != NULL && *v != '\0') {
		char why[400];

		if (notify_check("TQ_NOTIFY_URL", v, &notify_default, why,
		    sizeof(why)) == -1)
			errx(TQ_EXIT_USAGE, "%s", why);
	}
	ai = parse_listen(listen);
	if (!loopback(ai->ai_addr) && token_sum[0] == '\0') {
		freeaddrinfo(ai);
		errx(TQ_EXIT_USAGE, "listen %s: not a loopback address: set "
		    "TQ_API_TOKEN first", tq_vis_arg(listen));
	}

	fit_files();
	/* the threads inherit the mask: only main takes the signals */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* what is global to libcurl and jansson, before the threads */
	curl_global_init(CURL_GLOBAL_ALL);
	json_object_seed(0);
	pthread_key_create(&conns_key, conns_free);

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, nthreads > 1 ? nthreads : 0,
	    MHD_OPTION_CONNECTION_LIMIT, conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, conn_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, slow_notify, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		freeaddrinfo(ai);
		errx(TQ_EXIT_BACKEND, "listen %s: cannot listen (in use, or "
		    "not an address of this host)", tq_vis_arg(listen));
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&slow_cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((errno = pthread_create(&reaper, NULL, slow_reaper, NULL)) != 0)
		err(TQ_EXIT_BACKEND, "pthread_create");
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (di != NULL)
		port = di->port;
	host[0] = '\0';
	if (ai->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->
		    sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->
		    sin_addr, host, sizeof(host));
	freeaddrinfo(ai);
	/* even with -q: with port 0 it is the only word of the port */
	tq_log(TQ_LOG_INFO, "listening", json_pack("{s:s,s:i,s:i,s:b}",
	    "address", host, "port", port, "threads", (int)nthreads,
	    "token", token_sum[0] != '\0'));

	do {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
	} while (sig == SIGPIPE || sig == SIGHUP);
	/*
	 * SIGQUIT: at once; a request in progress is cut as by a crash
	 * (a submit not yet committed is rolled back), none is waited for
	 */
	if (sig == SIGQUIT) {
		if (!quiet)
			tq_log(TQ_LOG_INFO, "stopped", json_pack("{s:s}",
			    "signal", "QUIT"));
		_exit(0);
	}

	/* no new connections; the requests in progress end, then stop */
	{
		MHD_socket fd = MHD_quiesce_daemon(d);

		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	/*
	 * The requests in progress end (a submit's commit and its answer,
	 * up to STOP_WAIT s); idle kept-alive connections are not waited
	 * for, beyond a second
	 */
	for (i = 0; i < STOP_WAIT * 20; i++) {
		di = MHD_get_daemon_info(d,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (di == NULL || di->num_connections == 0 ||
		    (i >= 20 && __atomic_load_n(&in_progress,
		    __ATOMIC_SEQ_CST) == 0))
			break;
		usleep(50000);
	}
	pthread_mutex_lock(&slow_mu);
	slow_stop = 1;
	pthread_cond_signal(&slow_cv);
	pthread_mutex_unlock(&slow_mu);
	pthread_join(reaper, NULL);
	MHD_stop_daemon(d);
	if (!quiet)
		tq_log(TQ_LOG_INFO, "stopped", json_pack("{s:s}", "signal",
		    sig == SIGINT ? "INT" : "TERM"));
	curl_global_cleanup();
	free(tq_cfg.redis_url);
	free(tq_cfg.database_url);
	free(tq_cfg.user_agent);
	free(notify_default);
	return 0;
}
