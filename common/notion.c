/*
 * notion.c - the notion stage: one ai content becomes one page in a
 * Notion database, after specs/notion-api.md.
 *
 * Runs in the job's process, which opens its own PostgreSQL and Redis
 * connections (never the worker's, across fork): PostgreSQL to record
 * the page id the moment Notion returns it and each batch of blocks
 * written (notion_imports), Redis for the rate limit that all workers
 * on all hosts share.  Reporting progress lines to the worker instead
 * would lose the page id when the worker dies with its job; a row
 * written before the next request cannot be lost that way.
 *
 * Never a duplicate page: a fresh import creates the page with its
 * first blocks and stores its id at once; a run that finds the row
 * without a page id (an earlier run may have created one and died, or
 * got a timeout, a reset or a 5xx) first looks for the page by its
 * source URL in the data source and adopts it.  Appends resume from
 * the page's own count of children, so a batch is never written twice.
 * A re-import of the same content into the same database updates the
 * page: properties set, the old blocks kept as far as they say what
 * the new ones would, the rest deleted and the new ones appended.
 *
 * The token is read from the environment (TQ_NOTION_TOKEN, else
 * NOTION_TOKEN) and goes into the Authorization header only; the rate
 * limit's Redis keys (limit.c) carry a hash of it.  Requests go
 * through http.c's core on one easy handle per job; waits are
 * tq_sleep() and the schema lock is tried, never waited for in
 * PostgreSQL, so that other jobs of the same process go on meanwhile.
 *
 * About 1,500 lines, on purpose: its sections are the steps of one
 * import in the order they run (text to blocks, the client and its
 * rate limit, the database's schema, the page, the import's row, the
 * import), all on the one private client state (struct nc).  The
 * format of Notion's blocks is this stage's alone; no other file needs
 * any of it.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

#define DEFAULT_URL	"https://api.notion.com"
#define DEFAULT_VERSION	"2025-09-03"
#define MAX_UNITS	2000		/* UTF-16 units per rich text run */
#define RUNS_PER_BLOCK	10		/* our own cap, well under 100 */
#define MAX_CHILDREN	100		/* blocks per request */
#define MAX_BODY	400000		/* bytes per request, under 500 KB */
#define MAX_TITLE	100000		/* bytes of the title's runs */
#define MAX_PROPS	300000		/* bytes of all the properties */
#define SUMMARY_RUNS	10		/* runs of the summary's property */
#define MAX_URL		2000
#define MAX_EQUATION	1000		/* UTF-16 units of an expression */
#define MAX_OPTION	100		/* multi_select name, characters */
#define MAX_OPTIONS	100
#define MAX_TRIES	6		/* per request, rate waits excluded */
#define MAX_BACKOFF	30		/* seconds, before jitter */
#define MAX_PAGES	10		/* of a query's answers, 100 each */
#define RATE_BURST	1
/* Notion works on a request for 60 s at most (spec section 1) */
#define DEFAULT_SETTLE	65
#define MAX_RESPONSE	(16 * 1024 * 1024)

struct nc {
	CURL		*h;
	char		*token;
	char		*base;
	char		*version;
	redisContext	*rc;
	PGconn		*db;
	struct tq_limit	 lim;		/* shared by all workers */
	double		 rps;
	double		 deadline;
	long		 req_ms;	/* per request */
	int		 fresh;		/* next request on a new connection */
	int		 requests;
	int		 progress;	/* pages made, blocks written or deleted */
	/* the last failure: may the request have been carried out? */
	int		 ambiguous;
	/*
	 * ... and may Notion still be carrying it out: no answer of its
	 * own (a timeout, a reset, a proxy's 502 or 504) to a create or
	 * an append, sent at sent (tq_mono()); settle: how long after
	 * that the outcome is sure (TQ_NOTION_SETTLE)
	 */
	int		 late;
	double		 sent;
	double		 settle;
	/*
	 * the notion_imports row (its id) that a create or an append
	 * marks before it is sent (mark_sent()); NULL: none
	 */
	const char	*mark;
	char		*bot;		/* our bot user's id, once asked */
	char		*page_lock;	/* its lease's name, if held */
	char		 owner[48];	/* of our leases (lease()) */
};

/* ------------------------------------------------------------- text */

/* Length of the UTF-8 sequence at s (n > 0 bytes left) and its units. */
static size_t
seq(const char *s, size_t n, size_t *units)
{
	uint32_t cp;
	size_t k = tq_utf8_decode(s, n, &cp);

	*units = cp > 0xffff ? 2 : 1;
	return k;
}

size_t
tq_utf16_units(const char *s, size_t len)
{
	size_t i = 0, u, total = 0;

	while (i < len) {
		i += seq(s + i, len - i, &u);
		total += u;
	}
	return total;
}

/*
 * Bytes of s that make at most max units: UTF-16 code units, or bytes
 * of UTF-8 when bytes is set; see tq_notion_cut().  The cut falls
 * between grapheme clusters (tq_utf8_gbreak), so that no accent is
 * parted from its letter, no flag from its pair, no emoji sequence or
 * Hangul syllable in jamo cut; only a cluster longer than max is cut
 * between its characters.
 */
static size_t
cut(const char *s, size_t len, size_t max, int bytes)
{
	size_t i = 0, u, units = 0, k, space = 0, last = 0, ri = 0;
	uint32_t c, prev = 0;

	while (i < len) {
		k = tq_utf8_decode(s + i, len - i, &c);
		u = bytes ? k : c > 0xffff ? 2 : 1;
		if (i > 0 && tq_utf8_gbreak(prev, c, ri)) {
			last = i;
			if (prev == ' ' || prev == '\n' || prev == '\t')
				space = i;
		}
		if (units + u > max)
			break;
		units += u;
		i += k;
		ri = tq_utf8_regional(c) ? ri + 1 : 0;
		prev = c;
	}
	if (i >= len)
		return len;
	/* prefer a break after white space in the second half */
	if (space > 0 && space >= last / 2)
		return space;
	if (last > 0)
		return last;
	if (i == 0)	/* max < 2 and an astral character: take it */
		return seq(s, len, &u);
	return i;	/* one cluster longer than max */
}

size_t
tq_notion_cut(const char *s, size_t len, size_t max)
{
	return cut(s, len, max, 0);
}

/* Rich text runs of text (cleaned UTF-8), each at most MAX_UNITS. */
static json_t *
runs(const char *s, size_t len, int bold)
{
	json_t *a = json_array(), *r;
	size_t k;

	while (len > 0) {
		k = tq_notion_cut(s, len, MAX_UNITS);
		r = json_pack("{s:s,s:{s:s%}}", "type", "text", "text",
		    "content", s, k);
		if (bold)
			json_object_set_new(r, "annotations",
			    json_pack("{s:b}", "bold", 1));
		json_array_append_new(a, r);
		s += k;
		len -= k;
	}
	return a;
}

/* Bytes of v as sent. */
static size_t
json_size(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t n = s != NULL ? strlen(s) : 0;

	free(s);
	return n;
}

/*
 * Text for Notion: valid UTF-8 without NULs (tq_utf8_clean), and none
 * of the control characters a page would show as junk: CR LF and a
 * lone CR become LF (so that paragraphs of CRLF text split), tabs and
 * LFs stay, other C0 controls, DEL and C1 controls go.  Caller frees.
 */
static char *
clean_text(const char *s, size_t len, size_t *outlen)
{
	char *t = tq_utf8_clean(s, len, NULL);
	unsigned char *p = (unsigned char *)t, *q = p;

	for (; *p != '\0'; p++) {
		if (*p == '\r') {
			if (p[1] != '\n')
				*q++ = '\n';
		} else if ((*p < 0x20 && *p != '\t' && *p != '\n') ||
		    *p == 0x7f)
			;
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p++;
		else
			*q++ = *p;
	}
	*q = '\0';
	if (outlen != NULL)
		*outlen = (size_t)(q - (unsigned char *)t);
	return t;
}

static json_t *
text_block(const char *type, json_t *rich)
{
	return json_pack("{s:s,s:s,s:{s:o}}", "object", "block", "type", type,
	    type, "rich_text", rich);
}

/*
 * Append text as blocks of type, at most RUNS_PER_BLOCK runs each, so
 * that a paragraph of any length is written whole.  prefix (bold) goes
 * first in the first block.
 */
static void
add_text(json_t *blocks, const char *type, const char *prefix,
    const char *s, size_t len)
{
	json_t *all, *rich = NULL;
	size_t i;

	all = runs(s, len, 0);
	if (prefix != NULL) {
		json_t *p = runs(prefix, strlen(prefix), 1);

		json_array_insert(all, 0, json_array_get(p, 0));
		json_decref(p);
	}
	for (i = 0; i < json_array_size(all); i++) {
		if (rich == NULL || json_array_size(rich) == RUNS_PER_BLOCK) {
			rich = json_array();
			json_array_append_new(blocks, text_block(type, rich));
		}
		json_array_append(rich, json_array_get(all, i));
	}
	json_decref(all);
}

/* Paragraphs of text (split at blank lines, or lines) as blocks. */
static void
add_paragraphs(json_t *blocks, const char *text, int lines)
{
	const char *p = text, *e;
	size_t n;

	while (*p != '\0') {
		while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (lines)
			e = p + strcspn(p, "\n");
		else if ((e = strstr(p, "\n\n")) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r' ||
		    p[n - 1] == '\n' || p[n - 1] == '\t'))
			n--;
		if (n > 0)
			add_text(blocks, "paragraph", NULL, p, n);
		p = e;
	}
}

/* ----------------------------------------------------------- client */

/*
 * A lease on the lock named name (notion_locks, sql/0023): 1 taken (or
 * ours already), 0 another run's, -1 err.  It holds to the job's
 * deadline and ten seconds more: a run that dies leaves it that long.
 * No advisory lock of a session: a pooler in transaction mode lends
 * each statement the server connection it likes.
 */
static int
lease(struct nc *c, const char *name, struct tq_err *err)
{
	char secs[24];
	const char *p[3] = { name, c->owner, secs };
	PGresult *r;
	int got;

	if (c->owner[0] == '\0')
		snprintf(c->owner, sizeof(c->owner), "%ld-%08x%08x",
		    (long)getpid(), arc4random(), arc4random());
	snprintf(secs, sizeof(secs), "%.0f", c->deadline - tq_mono() + 10);
	r = tq_db_exec(c->db, err, "INSERT INTO notion_locks AS l (key, "
	    "owner, until) VALUES (md5($1), $2, now() + make_interval(secs "
	    "=> $3::float8)) ON CONFLICT (key) DO UPDATE SET owner = "
	    "EXCLUDED.owner, until = EXCLUDED.until WHERE l.until < now() OR "
	    "l.owner = EXCLUDED.owner RETURNING 1", 3, p);
	if (r == NULL)
		return -1;
	got = PQntuples(r) > 0;
	PQclear(r);
	return got;
}

/* Let go of a lease of ours: name's, or NULL: all of them. */
static void
release(struct nc *c, const char *name)
{
	struct tq_err e = { 0 };
	const char *p[2] = { c->owner, name };

	if (c->owner[0] == '\0' || c->db == NULL)
		return;
	PQclear(tq_db_exec(c->db, &e, name != NULL ? "DELETE FROM "
	    "notion_locks WHERE owner = $1 AND key = md5($2)" : "DELETE FROM "
	    "notion_locks WHERE owner = $1", name != NULL ? 2 : 1, p));
}

/*
 * lease(), tried again every 50 to 200 ms (never waited for in
 * PostgreSQL, which would hold up every job of the worker's event
 * loop) until it is taken: 1, or 0 once spare seconds or less are
 * left to the job's deadline, or -1 and err.
 */
static int
lease_wait(struct nc *c, const char *name, double spare, struct tq_err *err)
{
	int got;

	while ((got = lease(c, name, err)) == 0) {
		if (tq_mono() + spare > c->deadline)
			return 0;
		tq_sleep(0.05 + arc4random_uniform(150) / 1000.0);
	}
	return got;
}

static void
nc_close(struct nc *c)
{
	if (c->token != NULL) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
	}
	free(c->base);
	free(c->version);
	free(c->bot);
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	if (c->rc != NULL)
		redisFree(c->rc);
	release(c, NULL);
	free(c->page_lock);
	if (c->db != NULL)
		PQfinish(c->db);
	memset(c, 0, sizeof(*c));
}

const char *
tq_notion_token(void)
{
	const char *t = getenv("TQ_NOTION_TOKEN");

	if (t == NULL || *t == '\0')
		t = getenv("NOTION_TOKEN");
	return t != NULL && *t != '\0' ? t : NULL;
}

/* Are the n bytes at s digits, as a number at most max? */
static int
digits(const char *s, int n, int max)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max;
}

/* Does s begin with the shape of a day, YYYY-MM-DD? */
static int
day_shape(const char *s)
{
	return digits(s, 4, 9999) && s[4] == '-' && digits(s + 5, 2, 99) &&
	    s[7] == '-' && digits(s + 8, 2, 99);
}

static int	settings(struct nc *, struct tq_err *);

/* The environment's settings; no connection is made. */
static int
nc_config(struct nc *c, struct tq_err *err)
{
	const char *t, *v;
	size_t len;

	memset(c, 0, sizeof(*c));
	if ((t = tq_notion_token()) == NULL)
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_token",
		    "notion: no token: set NOTION_TOKEN in the worker's "
		    "environment");
	c->token = xstrdup(t);
	for (v = c->token; *v != '\0'; v++)
		if (iscntrl((unsigned char)*v) || *v == ' ')
			return tq_err_set(err, TQ_ERR_PERMANENT,
			    "notion_token", "notion: the token holds white "
			    "space or control characters");
	v = getenv("TQ_NOTION_URL");
	v = v != NULL && *v != '\0' ? v : DEFAULT_URL;
	len = strlen(v);
	while (len > 0 && v[len - 1] == '/')
		len--;
	c->base = xstrndup(v, len);
	return settings(c, err);
}

/*
 * The settings of the environment but the token: the API version, the
 * settle time, the rate.  0, or -1 and a permanent err.
 */
static int
settings(struct nc *c, struct tq_err *err)
{
	const char *v;
	char *end;

	v = getenv("NOTION_VERSION");
	free(c->version);
	c->version = xstrdup(v != NULL && *v != '\0' ? v : DEFAULT_VERSION);
	/* Notion's versions are dates; anything else it refuses each time */
	if (!day_shape(c->version) || c->version[10] != '\0')
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_version",
		    "notion: NOTION_VERSION %.40s: not a version of Notion's "
		    "API, which are dates such as %s", c->version,
		    DEFAULT_VERSION);
	if (strcmp(c->version, "2025-09-03") < 0)
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_version",
		    "notion: NOTION_VERSION %s predates data sources: use "
		    "2025-09-03 or later", c->version);
	c->settle = DEFAULT_SETTLE;
	if ((v = getenv("TQ_NOTION_SETTLE")) != NULL && *v != '\0') {
		c->settle = tq_strtod(v, &end);
		if (*end != '\0' || !(c->settle >= 1 && c->settle <= 3600))
			return tq_err_set(err, TQ_ERR_PERMANENT, "config",
			    "TQ_NOTION_SETTLE: %s: not a number of seconds "
			    "from 1 to 3600", v);
	}
	c->rps = 3;
	if ((v = getenv("TQ_NOTION_RPS")) != NULL && *v != '\0') {
		c->rps = tq_strtod(v, &end);
		if (*end != '\0' || !(c->rps > 0 && c->rps <= 1000))
			return tq_err_set(err, TQ_ERR_PERMANENT, "config",
			    "TQ_NOTION_RPS: %s: not a rate in (0, 1000]", v);
	}
	return 0;
}

int
tq_notion_settings(struct tq_err *err)
{
	struct nc c;
	int rv;

	memset(&c, 0, sizeof(c));
	rv = settings(&c, err);
	free(c.version);
	return rv;
}

/* The shared limit, once c->rc is open: its keys hash the token. */
static void
nc_limit(struct nc *c)
{
	tq_limit_init(&c->lim, c->rc, "notion", c->token, "notion", c->rps,
	    RATE_BURST);
}

/* Classify a Notion error answer into err; see spec section 8. */
static void
api_error(const char *method, const char *path,
    const struct tq_http_resp *r, struct tq_err *err)
{
	json_t *doc;
	const char *code = NULL, *msg = NULL, *rid = NULL;
	char what[32], m[300];
	enum tq_errkind kind;
	long st = r->status;

	doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0,
	    NULL);
	if (json_is_object(doc)) {
		code = json_string_value(json_object_get(doc, "code"));
		msg = json_string_value(json_object_get(doc, "message"));
		rid = json_string_value(json_object_get(doc, "request_id"));
	}
	/* a proxy's page has none: the x-request-id header, if any */
	if (rid == NULL && r->request_id[0] != '\0')
		rid = r->request_id;
	/* the core's classes, and any 5xx may pass (spec section 8) */
	kind = st >= 500 ? TQ_ERR_TRANSIENT : tq_http_errkind(st);
	snprintf(what, sizeof(what), "%s", code != NULL ? code :
	    st == 413 ? "payload_too_large" : "");
	if (what[0] == '\0')
		snprintf(what, sizeof(what), "http_%ld", st);
	snprintf(m, sizeof(m), "%s", msg != NULL ? msg : "no JSON error body");
	for (char *p = m; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	if ((code != NULL && strstr(code, "block_limit") != NULL) ||
	    (st == 403 && msg != NULL &&
	    strcasestr(msg, "block limit") != NULL))
		/*
		 * The workspace block limit (spec section 5): no write
		 * that makes blocks goes through until its plan changes
		 */
		tq_err_set(err, TQ_ERR_PERMANENT, "", "notion: %s %s: "
		    "HTTP %ld %s: %s (request_id %s); the workspace has used "
		    "up its blocks (a Free workspace with more than one "
		    "member holds 1,000): Notion makes no page until its "
		    "plan is upgraded", method, path, st, what, m,
		    rid ? rid : "none");
	else if (code != NULL && strcmp(code, "object_not_found") == 0)
		tq_err_set(err, kind, "", "notion: %s %s: HTTP %ld %s: %s "
		    "(request_id %s); share the database with the "
		    "integration (in Notion: the database's ... menu, "
		    "Connections, add it)", method, path, st, what, m,
		    rid ? rid : "none");
	else if (st == 403 && (code == NULL ||
	    strcmp(code, "restricted_resource") == 0))
		tq_err_set(err, kind, "", "notion: %s %s: HTTP 403 %s: %s "
		    "(request_id %s); give the integration the capabilities "
		    "Read content, Update content and Insert content (at "
		    "https://www.notion.so/profile/integrations)", method,
		    path, what, m, rid ? rid : "none");
	else if (st == 401)
		tq_err_set(err, kind, "", "notion: %s %s: HTTP 401 %s: %s "
		    "(request_id %s); check the token (NOTION_TOKEN)",
		    method, path, what, m, rid ? rid : "none");
	else
		tq_err_set(err, kind, "", "notion: %s %s: HTTP %ld %s: %s "
		    "(request_id %s)", method, path, st, what, m,
		    rid ? rid : "none");
	memcpy(err->code, what, sizeof(err->code));
	err->http_status = (int)st;
	err->retry_after = r->retry_after;
	json_decref(doc);
}

/*
 * Log an answer that is not the last word: a 429 or 529 waited out, a
 * 409 or 5xx (or no answer) sent again.  Notion's request_id and the
 * pinned version go with every error (spec sections 2 and 11), also
 * when a later try succeeds and the job never fails.
 */
static void
log_retry(const struct nc *c, const char *event, const char *method,
    const char *path, const struct tq_http_resp *r,
    const struct tq_err *err, double wait)
{
	json_t *doc = NULL, *o;
	const char *rid = NULL, *why = NULL;

	if (r->status != 0) {
		doc = json_loadb(r->body.data ? r->body.data : "",
		    r->body.len, 0, NULL);
		rid = json_string_value(json_object_get(doc, "request_id"));
		why = json_string_value(json_object_get(json_object_get(doc,
		    "additional_data"), "rate_limit_reason"));
		if (rid == NULL && r->request_id[0] != '\0')
			rid = r->request_id;
	}
	o = json_pack("{s:s,s:s,s:s,s:i,s:s,s:f}", "version", c->version,
	    "method", method, "path", path, "status", (int)r->status,
	    "code", err->code, "retry_after", wait);
	if (rid != NULL)
		json_object_set_new(o, "request_id", json_string(rid));
	if (why != NULL)
		json_object_set_new(o, "rate_limit_reason", json_string(why));
	if (r->status == 0) {
		struct tq_err e = *err;

		tq_err_scrub(&e, c->token);
		json_object_set_new(o, "error", json_string(e.msg));
	}
	tq_log(strcmp(event, "notion_rate_limited") == 0 ? TQ_LOG_INFO :
	    TQ_LOG_WARN, event, o);
	json_decref(doc);
}

/*
 * The row id of notion_imports: a request of its import may still be
 * carried out for secs more (unsure_until); none if secs <= 0.  0, or
 * -1 and err.
 */
static int
set_unsure(struct nc *c, const char *id, double secs, struct tq_err *err)
{
	char s[32];
	const char *p[2];
	PGresult *r;

	snprintf(s, sizeof(s), "%.3f", secs > 0 ? secs : 0);
	p[0] = id;
	p[1] = s;
	r = tq_db_exec(c->db, err, "UPDATE notion_imports SET unsure_until = "
	    "CASE WHEN $2::float8 > 0 THEN now() + make_interval(secs => "
	    "$2::float8) END, updated_at = now() WHERE id = $1", 2, p);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

/*
 * A create or an append is about to go: whatever becomes of this
 * worker from now on (killed while it waits for the answer), Notion
 * may carry it out until c->settle seconds after it was sent.  The
 * import's row says so first (unsure_until), so that the next run, on
 * any worker, looks for what it did, and waits for it, before it sends
 * it again.  An answer takes the mark away (row_save(), unmark()).
 */
static int
mark_sent(struct nc *c, struct tq_err *err)
{
	return set_unsure(c, c->mark, c->settle, err);
}

/*
 * One Notion request through the shared limiter.  429 and 529 wait
 * for Retry-After (pausing every worker) and go again; 409 goes again
 * a few times; when idempotent, so do 5xx, timeouts and resets.  0
 * and *out (may be NULL) on 2xx; -1 with err, and c->ambiguous set
 * when the request may have been carried out all the same.
 */
static int
nreq(struct nc *c, const char *method, const char *path, json_t *body,
    int idempotent, json_t **out, struct tq_err *err)
{
	struct curl_slist *hdrs = NULL;
	struct tq_http_req q;
	struct tq_http_resp r;
	char *url, *auth, *data = NULL;
	size_t n;
	long ms;
	int tries = 0, conflicts = 0, rc = -1;
	double backoff = 1, wait;

	if (out != NULL)
		*out = NULL;
	memset(&r, 0, sizeof(r));
	url = xasprintf("%s%s", c->base, path);
	auth = xasprintf("Authorization: Bearer %s", c->token);
	hdrs = curl_slist_append(hdrs, auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	auth = xasprintf("Notion-Version: %s", c->version);
	hdrs = curl_slist_append(hdrs, auth);
	free(auth);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	/*
	 * On every request, a GET's and a DELETE's too (spec section 12,
	 * item 8), though only a POST's and a PATCH's has a body
	 */
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	if (body != NULL)
		data = json_dumps(body, JSON_COMPACT);
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (;;) {
		c->ambiguous = 0;
		c->late = 0;
		if (tq_limit_wait(&c->lim, c->deadline, err) == -1)
			goto out;
		ms = (long)((c->deadline - tq_mono()) * 1000);
		if (ms > c->req_ms)
			ms = c->req_ms;
		if (ms < 1000) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
			    "notion: %s %s: no time left before the job's "
			    "deadline", method, path);
			goto out;
		}
		tq_http_resp_free(&r);
		memset(&q, 0, sizeof(q));
		q.method = method;
		q.url = url;
		q.headers = hdrs;
		q.body = data;
		q.body_len = data != NULL ? strlen(data) : 0;
		q.max_bytes = MAX_RESPONSE;
		q.timeout_ms = ms;
		q.connect_timeout_ms = ms < 10000 ? ms : 10000L;
		q.allow_private = 1;	/* the configured API, or its fake */
		q.error_body = 1;
		q.secret = c->token;
		q.handle = c->h;
		/*
		 * A new connection after a 502/504 or a reset, and for
		 * every request that is not idempotent: on a kept-alive
		 * connection that dies without an answer, libcurl sends
		 * the request again by itself, which for a create or an
		 * append could do it twice.
		 */
		if (c->fresh || !idempotent) {
			q.fresh_connect = 1;
			c->fresh = 0;
		}
		if (!idempotent && c->mark != NULL && mark_sent(c, err) == -1)
			goto out;
		c->requests++;
		tries++;
		c->sent = tq_mono();
		if (tq_http_do(&q, &r, err) == 0)
			break;
		if (err->http_status == 0) {
			/* no answer: the transfer failed */
			c->ambiguous = c->late = r.maybe_sent;
			tq_err_prefix(err, "notion: %s %s", method, path);
			if (strcmp(err->code, "bad_url") == 0 &&
			    (n = strlen(err->msg)) < sizeof(err->msg))
				snprintf(err->msg + n, sizeof(err->msg) - n,
				    " (TQ_NOTION_URL)");
			c->fresh = 1;
			if (c->ambiguous && !idempotent)
				goto out;
			if (tries >= MAX_TRIES || err->kind != TQ_ERR_TRANSIENT)
				goto out;
			goto backoff;
		}
		api_error(method, path, &r, err);
		if (r.status == 429 || r.status == 529) {
			/*
			 * Not carried out: wait, and make everyone wait
			 * (spec section 6): Retry-After, or the backoff if
			 * longer (a server that keeps saying 1 s is slowed
			 * all the same), and some jitter on this worker's
			 * own wait, so that the workers the pause holds do
			 * not all go again at the same moment.
			 */
			wait = r.retry_after > backoff ? r.retry_after : backoff;
			tq_limit_pause(&c->lim, wait);
			log_retry(c, "notion_rate_limited", method, path, &r,
			    err, wait);
			if (tq_mono() + wait + 1 > c->deadline) {
				/* set aside, no retry counted (lifecycle.c) */
				snprintf(err->code, sizeof(err->code), "%s",
				    "rate_limited");
				err->retry_after = wait;
				goto out;
			}
			tries--;	/* rate waits do not count */
			wait += wait * (arc4random_uniform(1000) / 4000.0);
			tq_sleep(tq_mono() + wait + 1 > c->deadline ?
			    c->deadline - 1 - tq_mono() : wait);
			if (backoff < MAX_BACKOFF)
				backoff *= 2;
			continue;
		}
		if (r.status == 409) {
			/*
			 * A transaction conflict.  Notion says to bring
			 * the parameters up to date and try again (spec
			 * section 8): a read goes again; a create or an
			 * append goes back to its caller as one that may
			 * have been done, which looks at the page first.
			 */
			if (++conflicts > 3)
				goto out;
			if (!idempotent) {
				c->ambiguous = 1;
				wait = backoff * (arc4random_uniform(1000) /
				    1000.0);
				if (tq_mono() + wait + 1 < c->deadline)
					tq_sleep(wait);
				goto out;
			}
			goto backoff;
		}
		if (r.status >= 500) {
			/*
			 * A proxy's 502 or 504: Notion may be at it still.
			 * Its own 500 or 503 (60 s of work, spec section
			 * 1) may come of a create or an append that it
			 * carries out all the same, then or a while later
			 * (section 9): wait for it as for no answer.
			 */
			if (r.status == 502 || r.status == 504)
				c->fresh = c->late = 1;
			if (!idempotent)
				c->late = 1;
			c->ambiguous = 1;
			if (!idempotent || tries >= MAX_TRIES)
				goto out;
			goto backoff;
		}
		goto out;
backoff:
		/* full jitter (spec section 11), Retry-After at least */
		wait = backoff * (arc4random_uniform(1000) / 1000.0);
		if (r.retry_after > wait)
			wait = r.retry_after;
		if (tq_mono() + wait + 1 > c->deadline)
			goto out;
		log_retry(c, "notion_retry", method, path, &r, err, wait);
		tq_sleep(wait);
		if (backoff < MAX_BACKOFF)
			backoff *= 2;
	}
	if (out != NULL) {
		*out = json_loadb(r.body.data ? r.body.data : "", r.body.len,
		    0, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			tq_err_set(err, TQ_ERR_TRANSIENT, "bad_response",
			    "notion: %s %s: HTTP %ld answer is not a JSON "
			    "object", method, path, r.status);
			/* a success all the same: it was carried out */
			if (!idempotent)
				c->ambiguous = c->late = 1;
			goto out;
		}
	}
	rc = 0;
out:
	if (rc == -1) {
		tq_err_scrub(err, c->token);
		tq_log(TQ_LOG_WARN, "notion_error", json_pack(
		    "{s:s,s:s,s:s,s:s,s:b}", "version", c->version, "method",
		    method, "path", path, "error", err->msg, "ambiguous",
		    c->ambiguous));
	}
	tq_http_resp_free(&r);
	curl_slist_free_all(hdrs);
	free(url);
	free(data);
	return rc;
}

/* --------------------------------------------------------- database */

/* A database id: 32 hex digits, dashed or not, or a Notion URL. */
char *
tq_notion_id(const char *s)
{
	char hex[33];
	const char *p;
	size_t n = 0;

	if (s == NULL)
		return NULL;
	/*
	 * An id alone is 32 hex digits and dashes, and nothing more: a
	 * typo's 33rd digit, or a word before it, names no other database
	 */
	if (strchr(s, '/') == NULL) {
		for (p = s; *p != '\0'; p++) {
			if (isxdigit((unsigned char)*p) && n < 32)
				hex[n++] = (char)tolower((unsigned char)*p);
			else if (*p != '-')
				return NULL;
		}
		goto out;
	}
	/* in a URL the id is the last 32 hex digits before any '?' */
	for (p = s; *p != '\0' && *p != '?' && *p != '#'; p++) {
		if (isxdigit((unsigned char)*p)) {
			if (n == 32)
				memmove(hex, hex + 1, --n);
			hex[n++] = (char)tolower((unsigned char)*p);
		} else if (*p != '-')
			n = 0;
	}
out:
	if (n != 32)
		return NULL;
	hex[32] = '\0';
	return xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	    hex + 12, hex + 16, hex + 20);
}

struct schema {
	char	*database_id;
	char	*data_source_id;
	char	*title;		/* the data source's name */
	json_t	*props;		/* name -> {id, type, ...} */
};

static void
schema_free(struct schema *s)
{
	free(s->database_id);
	free(s->data_source_id);
	free(s->title);
	json_decref(s->props);
	memset(s, 0, sizeof(*s));
}

/* "Name (title), URL (url), ..." for messages; caller frees. */
static char *
prop_list(json_t *props)
{
	struct tq_buf b = { 0 };
	const char *k;
	json_t *v;

	json_object_foreach(props, k, v) {
		tq_buf_addf(&b, "%s%s (%s)", b.len ? ", " : "", k,
		    json_string_value(json_object_get(v, "type")));
	}
	if (b.data == NULL)
		tq_buf_adds(&b, "none");
	return b.data;
}

static char *
plain_title(json_t *arr)
{
	struct tq_buf b = { 0 };
	size_t i;
	json_t *t;

	json_array_foreach(arr, i, t) {
		const char *s = json_string_value(json_object_get(t,
		    "plain_text"));

		if (s == NULL)
			s = json_string_value(json_object_get(
			    json_object_get(t, "text"), "content"));
		if (s != NULL)
			tq_buf_adds(&b, s);
	}
	if (b.data == NULL)
		tq_buf_adds(&b, "");
	return b.data;
}

/*
 * The data source of a database and its schema: from PostgreSQL if it
 * was read since the task was created, else from Notion (and cached).
 */
static int
discover(struct nc *c, const char *dbid, long long task, struct schema *s,
    struct tq_err *err)
{
	char path[128], tid[24], lname[160], *props = NULL, *list;
	const char *p[5];
	json_t *db = NULL, *ds = NULL, *srcs;
	PGresult *r;
	int rc = -1, locked = 0;

	memset(s, 0, sizeof(*s));
	s->database_id = xstrdup(dbid);
	snprintf(tid, sizeof(tid), "%lld", task);
	p[0] = dbid;
	p[1] = tid;
	/* the first item of a task reads the schema, the others wait */
	snprintf(lname, sizeof(lname), "tq-notion-db:%s", dbid);
	if ((locked = lease_wait(c, lname, 1, err)) <= 0) {
		if (locked == 0) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "notion: "
			    "another job is reading the schema of database "
			    "%s", dbid);
			err->retry_after = 5;
		}
		locked = 0;
		goto out;
	}
	/* read by tq-submit for this task, or by an item of it */
	r = tq_db_exec(c->db, err, "SELECT data_source_id, title, "
	    "properties::text FROM notion_databases WHERE database_id = $1 "
	    "AND fetched_at >= (SELECT created_at - interval '1 minute' "
	    "FROM processing_tasks WHERE id = $2)", 2, p);
	if (r == NULL)
		goto out;
	if (PQntuples(r) == 1) {
		s->data_source_id = xstrdup(PQgetvalue(r, 0, 0));
		s->title = xstrdup(PQgetvalue(r, 0, 1));
		s->props = json_loads(PQgetvalue(r, 0, 2), 0, NULL);
	}
	PQclear(r);
	if (json_is_object(s->props)) {
		rc = 0;
		goto out;
	}

	snprintf(path, sizeof(path), "/v1/databases/%s", dbid);
	if (nreq(c, "GET", path, NULL, 1, &db, err) == 0) {
		srcs = json_object_get(db, "data_sources");
		if (json_array_size(srcs) == 0) {
			tq_err_set(err, TQ_ERR_PERMANENT, "notion_schema",
			    "notion: database %s has no data source", dbid);
			goto out;
		}
		if (json_array_size(srcs) > 1) {
			struct tq_buf b = { 0 };
			size_t i;
			json_t *d;

			json_array_foreach(srcs, i, d)
				tq_buf_addf(&b, "%s%s (%s)", i ? ", " : "",
				    json_string_value(json_object_get(d,
				    "id")), json_string_value(
				    json_object_get(d, "name")));
			tq_err_set(err, TQ_ERR_PERMANENT, "notion_schema",
			    "notion: database %s has %zu data sources: give "
			    "one of them as --database-id: %s", dbid,
			    json_array_size(srcs), b.data);
			tq_buf_free(&b);
			goto out;
		}
		s->data_source_id = xstrdup(json_string_value(json_object_get(
		    json_array_get(srcs, 0), "id")));
	} else if (strcmp(err->code, "object_not_found") == 0 ||
	    strcmp(err->code, "validation_error") == 0) {
		/* maybe the id is a data source's */
		struct tq_err e2 = { 0 };

		snprintf(path, sizeof(path), "/v1/data_sources/%s", dbid);
		if (nreq(c, "GET", path, NULL, 1, &ds, &e2) == -1) {
			if (strcmp(e2.code, "object_not_found") != 0)
				*err = e2;
			goto out;
		}
		s->data_source_id = xstrdup(dbid);
	} else
		goto out;
	if (ds == NULL) {
		snprintf(path, sizeof(path), "/v1/data_sources/%s",
		    s->data_source_id);
		if (nreq(c, "GET", path, NULL, 1, &ds, err) == -1)
			goto out;
	}
	s->props = json_incref(json_object_get(ds, "properties"));
	s->title = plain_title(json_object_get(ds, "title"));
	if (!json_is_object(s->props)) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "bad_response",
		    "notion: data source %s: no properties in the answer",
		    s->data_source_id);
		goto out;
	}
	props = json_dumps(s->props, JSON_COMPACT);
	p[0] = dbid;
	p[1] = s->data_source_id;
	p[2] = s->title;
	p[3] = props;
	r = tq_db_exec(c->db, err, "INSERT INTO notion_databases "
	    "(database_id, data_source_id, title, properties) VALUES ($1, $2, "
	    "$3, $4::jsonb) ON CONFLICT (database_id) DO UPDATE SET "
	    "data_source_id = EXCLUDED.data_source_id, title = EXCLUDED.title, "
	    "properties = EXCLUDED.properties, fetched_at = now()", 4, p);
	if (r == NULL)
		goto out;
	PQclear(r);
	list = prop_list(s->props);
	tq_log(TQ_LOG_INFO, "notion_schema", json_pack("{s:s,s:s,s:s}",
	    "database_id", dbid, "data_source_id", s->data_source_id,
	    "properties", list));
	free(list);
	rc = 0;
out:
	if (locked)
		release(c, lname);
	free(props);
	json_decref(db);
	json_decref(ds);
	return rc;
}

/* --------------------------------------------------------- the page */

/* Does name hold one of the words (case-insensitive)? */
static int
named(const char *name, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasestr(name, *words) != NULL)
			return 1;
	return 0;
}

/* The property of type whose name holds a word; else, if any, the first. */
static const char *
find_prop(json_t *props, const char *type, const char *const *words,
    int any)
{
	const char *k, *first = NULL;
	json_t *v;

	json_object_foreach(props, k, v) {
		if (strcmp(json_string_value(json_object_get(v, "type")) ?
		    json_string_value(json_object_get(v, "type")) : "",
		    type) != 0)
			continue;
		if (first == NULL)
			first = k;
		if (words != NULL && named(k, words))
			return k;
	}
	return any ? first : NULL;
}

/*
 * A date Notion takes: YYYY-MM-DD, or that and a time with its zone
 * (hours and minutes, seconds if given, no fraction: Z, +HH:MM or
 * +HHMM); else NULL.  Notion refuses the whole page for a day the
 * calendar lacks (2023-02-29) or a time such as 24:00 or 12:00:60,
 * which pages do state: such a time is dropped, and so is one without
 * its zone, which could be any; such a day leaves no date.
 */
static char *
notion_date(const char *s)
{
	const char *p, *z;
	char sec[3] = "00";

	if (s == NULL || !day_shape(s) ||
	    !tq_real_day(atoi(s), atoi(s + 5), atoi(s + 8)))
		return NULL;
	if (s[10] != 'T' || !digits(s + 11, 2, 23) || s[13] != ':' ||
	    !digits(s + 14, 2, 59))
		return xasprintf("%.10s", s);
	p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, 59))
			return xasprintf("%.10s", s);
		memcpy(sec, p + 1, 2);
		p += 3;
		if (*p == '.' || *p == ',') {
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
			if (p[-1] == '.' || p[-1] == ',')
				return xasprintf("%.10s", s);
		}
	}
	z = p;
	if (strcmp(z, "Z") == 0 || strcmp(z, "+00:00") == 0 ||
	    strcmp(z, "-00:00") == 0 || strcmp(z, "+0000") == 0)
		return xasprintf("%.16s:%sZ", s, sec);
	if ((*z == '+' || *z == '-') && digits(z + 1, 2, 23) &&
	    ((z[3] == ':' && digits(z + 4, 2, 59) && z[6] == '\0') ||
	    (digits(z + 3, 2, 59) && z[5] == '\0')))
		return xasprintf("%.16s:%s%c%.2s:%.2s", s, sec, *z, z + 1,
		    z + (z[3] == ':' ? 4 : 3));
	return xasprintf("%.10s", s);
}

/* Do a and b differ only in case (of the letters tq_lang_lower knows)? */
static int
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0, j = 0;
	uint32_t ca, cb;

	while (i < la && j < lb) {
		i += tq_utf8_decode(a + i, la - i, &ca);
		j += tq_utf8_decode(b + j, lb - j, &cb);
		if (tq_lang_lower(ca) != tq_lang_lower(cb))
			return 0;
	}
	return i == la && j == lb;
}

/*
 * An option's name from a keyword (cleaned UTF-8): no commas, which
 * Notion refuses, white space of any kind as one space, none at either
 * end (Notion trims, so " " is an empty name, which it refuses), at
 * most MAX_OPTION units.  Caller frees; "" for none.
 */
static char *
option_name(const char *v)
{
	struct tq_buf b = { 0 };
	size_t len = strlen(v), i, k, n;
	uint32_t cp;
	int space = 0;

	tq_buf_add(&b, "", 0);
	for (i = 0; i < len; i += k) {
		k = tq_utf8_decode(v + i, len - i, &cp);
		if (cp == ',' || tq_utf8_isspace(cp)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			tq_buf_adds(&b, " ");
		space = 0;
		tq_buf_add(&b, v + i, k);
	}
	n = tq_notion_cut(b.data, b.len, MAX_OPTION);
	while (n > 0 && b.data[n - 1] == ' ')
		n--;
	b.data[n] = '\0';
	return b.data;
}

/* Keywords as multi_select options, deduplicated whatever their case. */
static json_t *
options(json_t *keywords)
{
	json_t *out = json_array(), *k, *o;
	size_t i, j;
	char *s, *t;

	json_array_foreach(keywords, i, k) {
		const char *v = json_string_value(k);

		if (v == NULL || json_array_size(out) == MAX_OPTIONS)
			continue;
		s = clean_text(v, strlen(v), NULL);
		t = option_name(s);
		if (*t != '\0') {
			json_array_foreach(out, j, o)
				if (same_name(json_string_value(
				    json_object_get(o, "name")), t))
					break;
			if (j == json_array_size(out))
				json_array_append_new(out, json_pack("{s:s}",
				    "name", t));
		}
		free(t);
		free(s);
	}
	return out;
}

struct content {
	const char	*title;
	const char	*url;		/* a URL Notion takes, or NULL */
	const char	*url_text;	/* the source as text, or NULL */
	char		*url_own;	/* url's storage */
	const char	*summary;
	json_t		*keywords;
	json_t		*insights;
	char		*published;
	char		*text;		/* with --with-text, else NULL */
};

struct plan {
	json_t		*properties;
	json_t		*blocks;
	const char	*dedup_prop;	/* property to find the page by */
	const char	*dedup_type;	/* its type: url or title */
	const char	*dedup_op;	/* equals, or starts_with */
	char		*dedup_value;
};

static void
plan_free(struct plan *pl)
{
	json_decref(pl->properties);
	json_decref(pl->blocks);
	free(pl->dedup_value);
	memset(pl, 0, sizeof(*pl));
}

/* Units of the string v, 0 for none. */
static size_t
units_of(json_t *v)
{
	return json_is_string(v) ? tq_utf16_units(json_string_value(v),
	    json_string_length(v)) : 0;
}

/* Is s empty once Notion trims it? */
static int
blank(const char *s)
{
	size_t len = strlen(s), i, k;
	uint32_t cp;

	for (i = 0; i < len; i += k) {
		k = tq_utf8_decode(s + i, len - i, &cp);
		if (!tq_utf8_isspace(cp))
			return 0;
	}
	return 1;
}

/*
 * The bytes of a name quoted in a message: at most QUOTED, between
 * characters, so that the message's why still fits after it.
 */
#define QUOTED	60

static int
quoted(const char *s)
{
	return (int)tq_utf8_fit(s, strlen(s), QUOTED);
}

static const char *
quoted_cut(const char *s)
{
	return strlen(s) > QUOTED ? "..." : "";
}

/* An option's name n that Notion refuses, into why; 0 if none. */
static int
bad_option(json_t *n, char *why, size_t sz)
{
	const char *s = json_string_value(n);

	if (s != NULL && (blank(s) || units_of(n) > MAX_OPTION ||
	    strchr(s, ',') != NULL))
		return snprintf(why, sz, "option \"%.*s%s\": Notion takes "
		    "names of 1 to %d characters, not all white space, "
		    "without commas", quoted(s), s, quoted_cut(s),
		    MAX_OPTION);
	return 0;
}

/*
 * Is s a date as Notion reads one (spec section 10): YYYY-MM-DD, a day
 * of the calendar, or that and THH:MM, seconds and a fraction if
 * given, and Z or +HH:MM if given?
 */
static int
iso_date(const char *s)
{
	const char *p;
	size_t n;

	if (!day_shape(s) || !tq_real_day(atoi(s), atoi(s + 5), atoi(s + 8)))
		return 0;
	if (s[10] == '\0')
		return 1;
	if (s[10] != 'T' || !digits(s + 11, 2, 23) || s[13] != ':' ||
	    !digits(s + 14, 2, 59))
		return 0;
	p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, 59))
			return 0;
		p += 3;
		if (*p == '.') {
			n = strspn(p + 1, "0123456789");
			if (n < 1 || n > 9)
				return 0;
			p += 1 + n;
		}
	}
	if (*p == '\0' || strcmp(p, "Z") == 0)
		return 1;
	return (*p == '+' || *p == '-') && digits(p + 1, 2, 23) &&
	    p[3] == ':' && digits(p + 4, 2, 59) && p[6] == '\0';
}

/*
 * Is the host of n (a URL in tq_url_check()'s form, no user name) one
 * Notion reads as a host: an IP literal, or a name of letters, digits,
 * dots, hyphens and underscores?  curl takes a name with a '|' or a
 * '~' in it, which Notion refuses ("Invalid URL for bookmark").
 */
static int
web_host(const char *n)
{
	const char *p = strstr(n, "://");

	if (p == NULL)
		return 0;
	p += 3;
	if (*p == '[')
		return 1;
	for (; *p != '\0' && strchr("/:?#", *p) == NULL; p++)
		if (!isalnum((unsigned char)*p) && strchr("-._", *p) == NULL)
			return 0;
	return 1;
}

/*
 * Is u a link Notion takes in rich text: an http or https URL as
 * tq-submit reads one, or mailto: and an address, with no white space
 * or control character anywhere?  Notion refuses a relative link, a
 * javascript: one, one without a scheme ("Invalid URL for link").
 */
static int
link_ok(const char *u)
{
	const char *at;
	char *n = NULL;
	size_t len = strlen(u), i, k;
	uint32_t cp;
	int ok;

	for (i = 0; i < len; i += k) {
		k = tq_utf8_decode(u + i, len - i, &cp);
		if (cp < 0x20 || cp == 0x7f || tq_utf8_isspace(cp))
			return 0;
	}
	if (strncmp(u, "mailto:", 7) == 0)
		return (at = strchr(u + 7, '@')) != NULL && at > u + 7 &&
		    at[1] != '\0' && strchr(at + 1, '@') == NULL;
	ok = tq_url_check(u, &n, NULL) == 0 && web_host(n);
	free(n);
	return ok;
}

/* What Notion refuses in m, the value of a date property, into why. */
static int
bad_date(json_t *m, char *why, size_t sz)
{
	static const char *const keys[] = { "start", "end" };
	const char *k;
	json_t *d;
	size_t i;

	if (json_is_null(m))
		return 0;
	if (!json_is_object(m) || !json_is_string(json_object_get(m,
	    "start")))
		return snprintf(why, sz, "it takes null or an object with a "
		    "start date, as in {\"start\": \"2025-01-31\"}");
	json_object_foreach(m, k, d)
		if (strcmp(k, "start") != 0 && strcmp(k, "end") != 0 &&
		    strcmp(k, "time_zone") != 0)
			return snprintf(why, sz, "a date holds start, end and "
			    "time_zone, not %.*s", (int)tq_utf8_fit(k,
			    strlen(k), 60), k);
	for (i = 0; i < 2; i++) {
		d = json_object_get(m, keys[i]);
		if (json_is_null(d) || (i == 1 && d == NULL))
			continue;
		if (!json_is_string(d) || !iso_date(json_string_value(d))) {
			const char *v = json_is_string(d) ?
			    json_string_value(d) : "not a string";

			return snprintf(why, sz, "%s %.*s: Notion takes a day "
			    "of the calendar as YYYY-MM-DD, or that and a "
			    "time, THH:MM[:SS[.fff]], with Z or +HH:MM",
			    keys[i], (int)tq_utf8_fit(v, strlen(v), 60), v);
		}
	}
	d = json_object_get(m, "time_zone");
	if (d != NULL && !json_is_null(d) && (!json_is_string(d) ||
	    json_string_length(d) == 0))
		return snprintf(why, sz, "its time_zone is no name of a zone "
		    "nor null");
	return 0;
}

/*
 * What Notion's limits (spec section 5) and its value shapes (section
 * 10) refuse in m, the member of a --properties value of type, into
 * why; 0 if nothing.
 */
static int
user_limits(const char *type, json_t *m, char *why, size_t sz)
{
	json_t *x, *n;
	size_t i;
	int k;

	if (strcmp(type, "title") == 0 || strcmp(type, "rich_text") == 0) {
		if (!json_is_array(m))
			return snprintf(why, sz, "it takes an array of rich "
			    "text objects");
		if (json_array_size(m) > 100)
			return snprintf(why, sz, "%zu rich text objects, of "
			    "at most 100", json_array_size(m));
		json_array_foreach(m, i, x) {
			if (!json_is_object(x))
				return snprintf(why, sz, "it takes an array "
				    "of rich text objects");
			n = json_object_get(json_object_get(x, "text"),
			    "link");
			if (n != NULL && !json_is_null(n) &&
			    !json_is_string(json_object_get(n, "url")))
				return snprintf(why, sz, "a link that is not "
				    "null nor {\"url\": \"...\"}");
			n = json_object_get(json_object_get(x, "text"),
			    "content");
			if (units_of(n) > MAX_UNITS)
				return snprintf(why, sz, "a text of %zu UTF-16 "
				    "units, of at most %d", units_of(n),
				    MAX_UNITS);
			n = json_object_get(json_object_get(json_object_get(
			    x, "text"), "link"), "url");
			if (json_is_string(n) && (units_of(n) == 0 ||
			    units_of(n) > MAX_URL))
				return snprintf(why, sz, "a link of %zu UTF-16 "
				    "units, of 1 to %d", units_of(n),
				    MAX_URL);
			if (json_is_string(n) && !link_ok(json_string_value(n)))
				return snprintf(why, sz, "a link to %.*s: "
				    "Notion takes an http or https URL, or "
				    "mailto:, without white space",
				    (int)tq_utf8_fit(json_string_value(n),
				    json_string_length(n), 100),
				    json_string_value(n));
			n = json_object_get(json_object_get(x, "equation"),
			    "expression");
			if (units_of(n) > MAX_EQUATION)
				return snprintf(why, sz, "an equation of %zu "
				    "UTF-16 units, of at most %d", units_of(n),
				    MAX_EQUATION);
		}
	} else if ((strcmp(type, "url") == 0 || strcmp(type, "email") == 0 ||
	    strcmp(type, "phone_number") == 0) && !json_is_string(m) &&
	    !json_is_null(m))
		return snprintf(why, sz, "it takes a string or null");
	else if (strcmp(type, "url") == 0 && units_of(m) > MAX_URL)
		return snprintf(why, sz, "a URL of %zu UTF-16 units, of at most "
		    "%d", units_of(m), MAX_URL);
	else if ((strcmp(type, "email") == 0 ||
	    strcmp(type, "phone_number") == 0) && units_of(m) > 200)
		return snprintf(why, sz, "%zu UTF-16 units, of at most 200",
		    units_of(m));
	else if (strcmp(type, "number") == 0 && !json_is_number(m) &&
	    !json_is_null(m))
		return snprintf(why, sz, "it takes a number or null");
	else if (strcmp(type, "checkbox") == 0 && !json_is_boolean(m))
		return snprintf(why, sz, "it takes true or false");
	else if (strcmp(type, "date") == 0)
		return bad_date(m, why, sz);
	else if (strcmp(type, "multi_select") == 0) {
		if (!json_is_array(m))
			return snprintf(why, sz, "it takes an array of "
			    "options");
		if (json_array_size(m) > MAX_OPTIONS)
			return snprintf(why, sz, "%zu options, of at most %d",
			    json_array_size(m), MAX_OPTIONS);
		json_array_foreach(m, i, x) {
			if (!json_is_object(x))
				return snprintf(why, sz, "it takes an array "
				    "of options, as in [{\"name\": \"...\"}]");
			if ((k = bad_option(json_object_get(x, "name"), why,
			    sz)) > 0)
				return k;
		}
	} else if ((strcmp(type, "select") == 0 ||
	    strcmp(type, "status") == 0) && !json_is_object(m) &&
	    !json_is_null(m))
		return snprintf(why, sz, "it takes null or an option, as in "
		    "{\"name\": \"...\"}");
	else if (strcmp(type, "select") == 0)
		return bad_option(json_object_get(m, "name"), why, sz);
	return 0;
}

/*
 * A status takes only the options its database has (Notion makes none,
 * spec section 10): is the name of value m ({"name": ...}) none of
 * them?  Then why says which there are.  An id, or a schema that lists
 * none, is left to Notion.
 */
static int
status_unknown(const struct schema *s, const char *name, json_t *m,
    char *why, size_t sz)
{
	struct tq_buf b = { 0 };
	json_t *opts, *o;
	const char *nm, *on;
	char *full;
	size_t i, n;

	if (!json_is_object(m) || (nm = json_string_value(json_object_get(m,
	    "name"))) == NULL)
		return 0;
	opts = json_object_get(json_object_get(json_object_get(s->props,
	    name), "status"), "options");
	if (json_array_size(opts) == 0)
		return 0;
	json_array_foreach(opts, i, o)
		if ((on = json_string_value(json_object_get(o, "name"))) !=
		    NULL && strcmp(on, nm) == 0)
			return 0;
	json_array_foreach(opts, i, o)
		if ((on = json_string_value(json_object_get(o, "name"))) !=
		    NULL)
			tq_buf_addf(&b, "%s\"%.*s%s\"", b.len ? ", " : "",
			    quoted(on), on, quoted_cut(on));
	full = xasprintf("\"%.*s%s\" is no option of this status, which "
	    "has %s", quoted(nm), nm, quoted_cut(nm), b.data ? b.data : "");
	/* a long list cut between characters */
	n = tq_utf8_fit(full, strlen(full), sz - 1);
	memcpy(why, full, n);
	why[n] = '\0';
	free(full);
	tq_buf_free(&b);
	return 1;
}

/*
 * A value of --properties for the property name: an object holding
 * the member its type names ({"select": ...} for a select), as Notion
 * wants, so that a wrong one is refused before any page is made, by
 * tq-submit, instead of failing each item.  Empty strings are refused
 * too: Notion takes null, never "", to leave a url, email or phone
 * number empty; and so is what exceeds Notion's limits.
 */
static int
user_value(const struct schema *s, const char *name, json_t *v,
    struct tq_err *err)
{
	const char *type, *k, *why = NULL;
	char lim[300];
	json_t *m = NULL, *x;

	type = json_string_value(json_object_get(json_object_get(s->props,
	    name), "type"));
	if (type == NULL)
		return 0;	/* a schema we cannot read: Notion judges */
	if (!json_is_object(v) || (m = json_object_get(v, type)) == NULL)
		why = "its value must be an object with the member";
	else {
		json_object_foreach(v, k, x)
			if (strcmp(k, type) != 0 && strcmp(k, "type") != 0 &&
			    strcmp(k, "id") != 0)
				why = "its value may hold no other member than";
		x = json_object_get(v, "type");
		if (x != NULL && !(json_is_string(x) &&
		    strcmp(json_string_value(x), type) == 0))
			why = "its \"type\" must be";
		if (json_is_string(m) && json_string_length(m) == 0)
			why = "Notion takes null, not \"\", to leave it empty: "
			    "the member";
	}
	if (why != NULL)
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_property",
		    "notion: property \"%s\" of database \"%s\" (%s) is "
		    "of type %s: %s \"%s\", as in {\"%s\": {\"%s\": "
		    "...}}", name, s->title ? s->title : "", s->database_id,
		    type, why, type, name, type);
	if (user_limits(type, m, lim, sizeof(lim)) > 0)
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_property",
		    "notion: property \"%s\" of database \"%s\" (%s): %s",
		    name, s->title ? s->title : "", s->database_id, lim);
	if (strcmp(type, "status") == 0 && status_unknown(s, name, m, lim,
	    sizeof(lim)))
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_property",
		    "notion: property \"%s\" of database \"%s\" (%s): %s",
		    name, s->title ? s->title : "", s->database_id, lim);
	return 0;
}

static int
make_plan(const struct schema *s, const struct content *ct, json_t *user,
    struct plan *pl, struct tq_err *err)
{
	static const char *const url_words[] = { "url", "source", "link",
	    NULL };
	static const char *const tag_words[] = { "tag", "keyword", NULL };
	static const char *const date_words[] = { "publish", "date", NULL };
	static const char *const sum_words[] = { "summary", "abstract", NULL };
	const char *tprop, *uprop, *kprop, *dprop, *sprop, *k;
	json_t *v, *points, *b = json_array(), *pt;
	const char *src, *named;
	char *title, *sum, *list;
	size_t i, bytes, n;
	int own_sum = 0;

	memset(pl, 0, sizeof(*pl));
	pl->properties = json_object();
	pl->blocks = b;
	tprop = find_prop(s->props, "title", NULL, 1);
	if (tprop == NULL)
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_schema",
		    "notion: data source %s has no title property",
		    s->data_source_id);
	uprop = find_prop(s->props, "url", url_words, 1);
	kprop = find_prop(s->props, "multi_select", tag_words, 0);
	dprop = find_prop(s->props, "date", date_words, 0);
	sprop = find_prop(s->props, "rich_text", sum_words, 0);

	src = ct->url != NULL ? ct->url : ct->url_text;
	title = clean_text(ct->title != NULL ? ct->title : "",
	    ct->title != NULL ? strlen(ct->title) : 0, NULL);
	if (blank(title)) {
		named = src != NULL ? src : "Untitled";
		free(title);
		title = clean_text(named, strlen(named), NULL);
	}
	/* the summary, for its property and the page's body */
	sum = ct->summary != NULL ? clean_text(ct->summary,
	    strlen(ct->summary), NULL) : NULL;
	if (sum != NULL && blank(sum)) {
		free(sum);
		sum = NULL;
	}
	v = runs(title, strlen(title), 0);
	for (i = 0, bytes = 0; i < json_array_size(v); i++)
		if ((bytes += json_size(json_array_get(v, i))) > MAX_TITLE ||
		    i == 100)
			break;
	if (i < json_array_size(v)) {
		/*
		 * No title is that long but junk; and the page's create
		 * must stay under 500 KB with its first blocks.
		 */
		tq_log(TQ_LOG_WARN, "notion_title_cut", json_pack("{s:s,s:i}",
		    "url", src != NULL ? src : "", "runs",
		    (int)json_array_size(v)));
		while (json_array_size(v) > i)
			json_array_remove(v, i);
	}
	json_object_set_new(pl->properties, tprop, json_pack("{s:o}",
	    "title", v));
	if (uprop != NULL)
		json_object_set_new(pl->properties, uprop, json_pack("{s:s?}",
		    "url", ct->url));
	if (kprop != NULL && json_array_size(ct->keywords) > 0)
		json_object_set_new(pl->properties, kprop, json_pack("{s:o}",
		    "multi_select", options(ct->keywords)));
	if (dprop != NULL && ct->published != NULL)
		json_object_set_new(pl->properties, dprop, json_pack(
		    "{s:{s:s}}", "date", "start", ct->published));
	if (sprop != NULL && sum != NULL) {
		/* the page's body has it whole; the property its start */
		v = runs(sum, strlen(sum), 0);
		while (json_array_size(v) > SUMMARY_RUNS)
			json_array_remove(v, SUMMARY_RUNS);
		json_object_set_new(pl->properties, sprop,
		    json_pack("{s:o}", "rich_text", v));
		own_sum = 1;
	}

	/* the user's properties, over the defaults */
	json_object_foreach(user, k, v) {
		const char *name = NULL, *pk;
		json_t *pv;

		if (json_object_get(s->props, k) != NULL)
			name = k;
		else
			json_object_foreach(s->props, pk, pv)
				if (json_is_string(json_object_get(pv, "id")) &&
				    strcmp(json_string_value(json_object_get(
				    pv, "id")), k) == 0)
					name = pk;
		if (name == NULL) {
			list = prop_list(s->props);
			tq_err_set(err, TQ_ERR_PERMANENT, "notion_property",
			    "notion: property \"%s\" is not in database "
			    "\"%s\" (%s); its properties: %s", k,
			    s->title ? s->title : "", s->database_id, list);
			free(list);
			free(title);
			free(sum);
			return -1;
		}
		if (user_value(s, name, v, err) == -1) {
			free(title);
			free(sum);
			return -1;
		}
		json_object_set(pl->properties, name, v);
		if (sprop != NULL && strcmp(name, sprop) == 0)
			own_sum = 0;
	}
	/*
	 * Each value is within Notion's limits, and all of them together
	 * must leave room in the create for the first blocks.
	 */
	bytes = json_size(pl->properties);
	if (bytes > MAX_PROPS && own_sum) {
		/* the summary gives way to the user's own: the body has it */
		json_object_del(pl->properties, sprop);
		bytes = json_size(pl->properties);
	}
	if (bytes > MAX_PROPS) {
		free(title);
		free(sum);
		return tq_err_set(err, TQ_ERR_PERMANENT, "notion_property",
		    "notion: the page's properties take %zu bytes of JSON, "
		    "more than the %d a create may hold beside its first "
		    "blocks (Notion takes at most 500 KB a request)", bytes,
		    MAX_PROPS);
	}

	/* what to look the page up by, should a create be ambiguous */
	v = json_object_get(json_object_get(pl->properties, uprop ? uprop :
	    ""), "url");
	if (uprop != NULL && json_is_string(v)) {
		pl->dedup_prop = uprop;
		pl->dedup_type = "url";
		pl->dedup_op = "equals";
		pl->dedup_value = xstrdup(json_string_value(v));
	} else {
		/* the title as sent: the user's, if --properties has one */
		struct tq_buf t = { 0 };

		tq_buf_add(&t, "", 0);
		json_array_foreach(json_object_get(json_object_get(
		    pl->properties, tprop), "title"), i, v) {
			v = json_object_get(json_object_get(v, "text"),
			    "content");
			if (json_is_string(v))
				tq_buf_add(&t, json_string_value(v),
				    json_string_length(v));
		}
		/*
		 * A title longer than a filter's value may be is looked
		 * up by its start: the checks of adopt() do the rest.
		 */
		pl->dedup_op = "equals";
		if (tq_utf16_units(t.data, t.len) > MAX_UNITS) {
			t.len = tq_notion_cut(t.data, t.len, MAX_UNITS);
			while (t.len > 0 && (t.data[t.len - 1] == ' ' ||
			    t.data[t.len - 1] == '\n' ||
			    t.data[t.len - 1] == '\t'))
				t.len--;
			t.data[t.len] = '\0';
			pl->dedup_op = "starts_with";
		}
		if (t.len > 0) {
			pl->dedup_prop = tprop;
			pl->dedup_type = "title";
			pl->dedup_value = t.data;
		} else
			free(t.data);
	}
	free(title);

	/* the blocks */
	if (sum != NULL) {
		json_array_append_new(b, text_block("heading_2",
		    runs("Summary", 7, 0)));
		add_paragraphs(b, sum, 0);
		free(sum);
	}
	if (json_array_size(ct->keywords) > 0) {
		struct tq_buf kw = { 0 };
		char *clean;

		json_array_foreach(ct->keywords, i, v) {
			if (!json_is_string(v))
				continue;
			clean = clean_text(json_string_value(v),
			    json_string_length(v), NULL);
			if (!blank(clean))
				tq_buf_addf(&kw, "%s%s", kw.len ? ", " : "",
				    clean);
			free(clean);
		}
		if (kw.len > 0)
			add_text(b, "paragraph", "Keywords: ", kw.data,
			    kw.len);
		tq_buf_free(&kw);
	}
	points = json_object_get(ct->insights, "points");
	n = 0;
	json_array_foreach(points, i, pt) {
		const char *t = json_string_value(pt);
		char *clean;

		if (t == NULL)
			continue;
		clean = clean_text(t, strlen(t), NULL);
		if (!blank(clean)) {
			if (n++ == 0)
				json_array_append_new(b, text_block(
				    "heading_3", runs("Insights", 8, 0)));
			add_text(b, "bulleted_list_item", NULL, clean,
			    strlen(clean));
		}
		free(clean);
	}
	if (ct->url != NULL)
		json_array_append_new(b, json_pack("{s:s,s:s,s:{s:s}}",
		    "object", "block", "type", "bookmark", "bookmark", "url",
		    ct->url));
	else if (ct->url_text != NULL) {
		/* no URL for a url property or a bookmark: kept whole */
		char *clean = clean_text(ct->url_text,
		    strlen(ct->url_text), NULL);

		add_text(b, "paragraph", "Source: ", clean, strlen(clean));
		free(clean);
	}
	if (ct->text != NULL && *ct->text != '\0') {
		json_array_append_new(b, text_block("heading_2",
		    runs("Article", 7, 0)));
		add_paragraphs(b, ct->text, 0);
	}
	return 0;
}

/*
 * How many blocks from first go in one request: at most max, and at
 * most bytes of JSON but for the first block (a block is far under
 * it).  0 when max is.
 */
static size_t
batch(json_t *blocks, size_t first, size_t max, size_t bytes)
{
	size_t n = 0, used = 0, len;
	char *s;

	while (first + n < json_array_size(blocks) && n < max) {
		s = json_dumps(json_array_get(blocks, first + n),
		    JSON_COMPACT);
		len = strlen(s) + 1;
		free(s);
		if (n > 0 && used + len > bytes)
			break;
		used += len;
		n++;
	}
	return n;
}

/*
 * A 413: the body was too large for Notion or a proxy in front of it,
 * and nothing was done (spec section 5): send fewer blocks.
 */
static int
too_large(const struct tq_err *err)
{
	return err->http_status == 413;
}

/*
 * A 400 validation_error that names a length over a limit (spec
 * sections 5 and 8: "body.children[3].paragraph.rich_text[0].text.
 * content.length should be ≤ `2000`, instead was `2001`."): Notion
 * counted otherwise than we did, and nothing was done.  Make the
 * request smaller: half the batch of n blocks (*max) if it named their
 * number, else the text runs of props (may be NULL) and blocks split
 * to bytes.  1 to send once more, 0 when err is no such error or
 * nothing could be made smaller.
 */
static int
split_again(const struct tq_err *err, json_t *props, json_t *blocks,
    size_t *max, size_t n, const char *job)
{
	if (err->http_status != 400 ||
	    strcmp(err->code, "validation_error") != 0 ||
	    strstr(err->msg, "length should be") == NULL)
		return 0;
	if (strstr(err->msg, "children.length") != NULL && n > 1)
		*max = n / 2;
	else if (tq_notion_resplit(props) + tq_notion_resplit(blocks) == 0)
		return 0;
	tq_log(TQ_LOG_WARN, "notion_resplit", json_pack("{s:s,s:s}", "job",
	    job, "error", err->msg));
	return 1;
}

/*
 * Notion makes an option of a multi_select name it has not seen only
 * when the integration may edit the database's schema; else the create
 * or the update fails with a validation_error (spec section 10).  Then
 * the names of props go once more, kept to the options the database
 * has (as it spells them), the others dropped and logged: the tags are
 * the page's keywords, which its body lists all the same.  1 if any
 * name went (send again), 0 if none could.
 */
static int
known_options(json_t *props, const struct schema *s,
    const struct tq_err *err, const char *job)
{
	json_t *v, *ms, *opts, *keep, *o, *opt, *gone;
	const char *name, *nm, *on = NULL;
	size_t i, j;
	int dropped = 0;

	if (err->http_status != 400 ||
	    strcmp(err->code, "validation_error") != 0)
		return 0;
	json_object_foreach(props, name, v) {
		ms = json_object_get(v, "multi_select");
		if (!json_is_array(ms) || json_array_size(ms) == 0 ||
		    (strcasestr(err->msg, name) == NULL &&
		    strcasestr(err->msg, "option") == NULL))
			continue;
		opts = json_object_get(json_object_get(json_object_get(
		    s->props, name), "multi_select"), "options");
		keep = json_array();
		gone = json_array();
		json_array_foreach(ms, i, o) {
			if ((nm = json_string_value(json_object_get(o,
			    "name"))) == NULL) {
				json_array_append(keep, o);	/* an id */
				continue;
			}
			json_array_foreach(opts, j, opt)
				if ((on = json_string_value(json_object_get(opt,
				    "name"))) != NULL && same_name(on, nm))
					break;
			if (j < json_array_size(opts))
				json_array_append_new(keep, json_pack("{s:s}",
				    "name", on));
			else
				json_array_append_new(gone, json_string(nm));
		}
		if (json_array_size(gone) > 0) {
			dropped++;
			tq_log(TQ_LOG_WARN, "notion_options_kept", json_pack(
			    "{s:s,s:s,s:o,s:s}", "job", job, "property", name,
			    "dropped", gone, "error", err->msg));
			json_object_set_new(v, "multi_select", keep);
		} else {
			json_decref(gone);
			json_decref(keep);
		}
	}
	return dropped > 0;
}

/*
 * Split every text run in v (blocks, properties: any JSON) longer than
 * MAX_UNITS bytes of UTF-8 into runs of at most that many bytes, as
 * long as its array holds fewer than 100.  A run so cut is within the
 * limit whatever Notion counts (bytes, UTF-16 units, code points or
 * characters), and a block keeps its place and its text: a page
 * half written goes on as it began.  Returns how many were split.
 */
int
tq_notion_resplit(json_t *v)
{
	json_t *x, *text, *con, *r;
	const char *k, *p;
	size_t i, len, n;
	int split = 0;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
			split += tq_notion_resplit(x);
		return split;
	}
	if (!json_is_array(v))
		return 0;
	for (i = 0; i < json_array_size(v); i++) {
		x = json_array_get(v, i);
		text = json_object_get(x, "text");
		con = json_object_get(text, "content");
		if (!json_is_string(con) || json_string_length(con) <=
		    MAX_UNITS) {
			split += tq_notion_resplit(x);
			continue;
		}
		if (json_array_size(v) >= 100)
			continue;
		p = json_string_value(con);
		len = json_string_length(con);
		n = cut(p, len, MAX_UNITS, 1);
		r = json_deep_copy(x);
		json_object_set_new(json_object_get(r, "text"), "content",
		    json_stringn(p + n, len - n));
		json_array_insert_new(v, i + 1, r);
		/* x's text last: p is its storage */
		json_object_set_new(text, "content", json_stringn(p, n));
		split++;
	}
	return split;
}

static json_t *
slice(json_t *blocks, size_t first, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append(a, json_array_get(blocks, first + i));
	return a;
}

/* ------------------------------------------------------------ state */

struct row {
	char		 id[24];
	char		*page_id;
	char		*url;
	char		*job_id;
	char		*status;
	char		 since[32];	/* no page of ours is older */
	int		 written;
	int		 fresh;		/* inserted by this run */
	/*
	 * until when (tq_mono()) a create or an append of this import
	 * that got no answer may still be carried out: from this run,
	 * or from an earlier one (notion_imports.unsure_until); 0: none
	 */
	double		 unsure;
};

static void
row_free(struct row *r)
{
	free(r->page_id);
	free(r->url);
	free(r->job_id);
	free(r->status);
}

static int
row_load(struct nc *c, const char *aid, const char *dbid, const char *dsid,
    const char *job, struct row *row, struct tq_err *err)
{
	const char *p[4] = { aid, dbid, dsid, job };
	PGresult *r;

	memset(row, 0, sizeof(*row));
	r = tq_db_exec(c->db, err, "INSERT INTO notion_imports (ai_content_id,"
	    " database_id, data_source_id, job_id, status) VALUES ($1, $2, $3,"
	    " $4, 'creating') ON CONFLICT (ai_content_id, database_id) DO "
	    "NOTHING RETURNING id", 4, p);
	if (r == NULL)
		return -1;
	row->fresh = PQntuples(r) == 1;
	PQclear(r);
	/*
	 * since: the row is made before the first create is sent, so no
	 * page that a try of this import made is older; Notion's times
	 * hold the minute only, and its clock may differ from ours, so a
	 * margin of minutes.
	 */
	r = tq_db_exec(c->db, err, "SELECT id, notion_page_id, url, job_id, "
	    "status, blocks_written, to_char(date_trunc('minute', created_at "
	    "AT TIME ZONE 'UTC') - interval '5 minutes', "
	    "'YYYY-MM-DD\"T\"HH24:MI:00.000\"Z\"'), "
	    "extract(epoch FROM unsure_until - now()) FROM notion_imports "
	    "WHERE ai_content_id = $1 AND database_id = $2", 2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return tq_err_set(err, TQ_ERR_TRANSIENT, "postgresql",
		    "notion: the import row vanished");
	}
	snprintf(row->id, sizeof(row->id), "%s", PQgetvalue(r, 0, 0));
	if (!PQgetisnull(r, 0, 1))
		row->page_id = xstrdup(PQgetvalue(r, 0, 1));
	if (!PQgetisnull(r, 0, 2))
		row->url = xstrdup(PQgetvalue(r, 0, 2));
	row->job_id = xstrdup(PQgetvalue(r, 0, 3));
	row->status = xstrdup(PQgetvalue(r, 0, 4));
	row->written = atoi(PQgetvalue(r, 0, 5));
	snprintf(row->since, sizeof(row->since), "%s", PQgetvalue(r, 0, 6));
	if (!PQgetisnull(r, 0, 7) && atof(PQgetvalue(r, 0, 7)) > 0)
		row->unsure = tq_mono() + atof(PQgetvalue(r, 0, 7));
	PQclear(r);
	return 0;
}

/*
 * Record progress: the page (NULL: none), status and blocks written.
 * Progress is made after any request left unsure has settled.
 */
static int
row_save(struct nc *c, struct row *row, const char *job, const char *status,
    int written, int total, struct tq_err *err)
{
	char w[16], t[16];
	const char *p[7];
	PGresult *r;

	snprintf(w, sizeof(w), "%d", written);
	snprintf(t, sizeof(t), "%d", total);
	p[0] = row->id;
	p[1] = row->page_id;
	p[2] = row->url;
	p[3] = job;
	p[4] = status;
	p[5] = w;
	p[6] = t;
	r = tq_db_exec(c->db, err, "UPDATE notion_imports SET notion_page_id "
	    "= $2, url = $3, job_id = $4, status = $5, blocks_written = $6, "
	    "blocks_total = $7, unsure_until = NULL, updated_at = now() "
	    "WHERE id = $1", 7, p);
	if (r == NULL)
		return -1;
	PQclear(r);
	free(row->status);
	row->status = xstrdup(status);
	row->written = written;
	return 0;
}

/*
 * A create or an append that got no answer of Notion's own (c->late)
 * may still be carried out until c->settle seconds after it was sent:
 * remember until when, in the row, and at once in notion_imports, so
 * that a run that fails before it has looked (a 5xx on the lookup, the
 * job's deadline) leaves the next one, on any worker, the wait: else it
 * would find nothing yet and send the request again.  0, or -1 and err.
 */
static int
note_late(struct nc *c, struct row *row, struct tq_err *err)
{
	if (!c->late || c->sent + c->settle <= row->unsure)
		return 0;
	row->unsure = c->sent + c->settle;
	return set_unsure(c, row->id, row->unsure - tq_mono(), err);
}

/*
 * A create or an append that Notion answered, but not with success
 * (c->late is 0: it is done with it, whatever it did): the row's mark
 * (mark_sent()) goes back to what may still be carried out of this
 * import's earlier requests (row->unsure), or away.  A failure to say
 * so only leaves the next run a wait it does not need.
 */
static void
unmark(struct nc *c, const struct row *row)
{
	struct tq_err e = { 0 };

	if (!c->late)
		(void)set_unsure(c, row->id, row->unsure - tq_mono(), &e);
}

/*
 * Before a create or an append is sent again on the strength of a
 * lookup that found nothing (no page, too few blocks): if one of this
 * import's requests may still be carried out (row->unsure), wait
 * until it is settled, and then look again.  0: nothing to wait for;
 * 1: waited; -1 with err: the job has not the time, so it goes back to
 * the queue until then, which the row keeps for any worker's next run.
 */
static int
settle(struct nc *c, struct row *row, const char *method, const char *path,
    struct tq_err *err)
{
	double now = tq_mono(), left = row->unsure - now;
	int here = now + left + 3 < c->deadline;	/* and a lookup */

	row->unsure = 0;
	if (left <= 0)
		return 0;
	tq_log(TQ_LOG_INFO, "notion_settle", json_pack("{s:s,s:s,s:f,s:b}",
	    "method", method, "path", path, "wait", left, "requeued", !here));
	if (here) {
		tq_sleep(left);
		return 1;
	}
	if (set_unsure(c, row->id, left, err) == -1)
		return -1;
	tq_err_set(err, TQ_ERR_TRANSIENT, "notion_unsure", "notion: %s %s "
	    "got no answer, and Notion may carry it out for %.0f s more: "
	    "looked at again then", method, path, left + 0.5);
	err->retry_after = left;
	return -1;
}

/* ------------------------------------------------------- the import */

static void
test_crash(const char *where)
{
	const char *f = getenv("TQ_TEST_NOTION_CRASH");
	char *want;

	/* for the tests: TQ_TEST_NOTION_CRASH=point:file dies once */
	if (f == NULL || strncmp(f, where, strlen(where)) != 0 ||
	    f[strlen(where)] != ':')
		return;
	want = xstrdup(f + strlen(where) + 1);
	if (unlink(want) == 0)
		raise(SIGKILL);
	free(want);
}

/* Our bot user's id (GET /v1/users/me, once per job): 0, or -1 and err. */
static int
bot_id(struct nc *c, struct tq_err *err)
{
	json_t *me = NULL, *id;

	if (c->bot != NULL)
		return 0;
	if (nreq(c, "GET", "/v1/users/me", NULL, 1, &me, err) == -1)
		return -1;
	id = json_object_get(me, "id");
	if (json_is_string(id))
		c->bot = xstrdup(json_string_value(id));
	json_decref(me);
	if (c->bot == NULL)
		return tq_err_set(err, TQ_ERR_TRANSIENT, "bad_response",
		    "notion: GET /v1/users/me: no user id in the answer");
	return 0;
}

/* Is page (Notion's id) the page of another import?  1, 0, -1 and err */
static int
page_taken(struct nc *c, const struct row *row, const char *page,
    struct tq_err *err)
{
	const char *p[2] = { row->id, page };
	PGresult *r;
	int taken;

	r = tq_db_exec(c->db, err, "SELECT 1 FROM notion_imports WHERE id <> "
	    "$1 AND replace(lower(notion_page_id), '-', '') = "
	    "replace(lower($2), '-', '') LIMIT 1", 2, p);
	if (r == NULL)
		return -1;
	taken = PQntuples(r) > 0;
	PQclear(r);
	return taken;
}

static int children(struct nc *, const char *, json_t **, struct tq_err *);
static int same_block(json_t *, json_t *);

/*
 * Does page hold what this import's create would have made: blocks
 * that say what the plan's first ones do (a create sends the first
 * batch, and no append follows before the page's id is kept)?  1, 0,
 * or -1 and err.  A page of the same URL made by another import whose
 * create was lost holds another content: adopted, it would be written
 * on from its count of blocks, under the other's title.
 */
static int
page_mine(struct nc *c, const struct plan *pl, const char *page,
    struct tq_err *err)
{
	json_t *have = NULL;
	size_t i;
	int n, mine;

	if ((n = children(c, page, &have, err)) == -1) {
		json_decref(have);
		return -1;
	}
	mine = (size_t)n <= json_array_size(pl->blocks);
	for (i = 0; mine && i < (size_t)n; i++)
		mine = same_block(json_array_get(have, i),
		    json_array_get(pl->blocks, i));
	json_decref(have);
	return mine;
}

/*
 * Of a query's answer res, the oldest page that this import may have
 * made (see find_page()) into row: 1 found, 0 not, -1 err.
 */
static int
adopt(struct nc *c, const struct plan *pl, struct row *row, json_t *res,
    struct tq_err *err)
{
	json_t *pg;
	const char *id, *by;
	size_t k;
	int taken, mine;

	json_array_foreach(json_object_get(res, "results"), k, pg) {
		id = json_string_value(json_object_get(pg, "id"));
		by = json_string_value(json_object_get(json_object_get(pg,
		    "created_by"), "id"));
		if (id == NULL || by == NULL || strcmp(by, c->bot) != 0)
			continue;
		if ((taken = page_taken(c, row, id, err)) == -1)
			return -1;
		if (taken)
			continue;
		if ((mine = page_mine(c, pl, id, err)) == -1)
			return -1;
		if (!mine) {
			tq_log(TQ_LOG_INFO, "notion_not_adopted", json_pack(
			    "{s:s,s:s}", "page", id, "why", "its blocks are "
			    "another content's"));
			continue;
		}
		free(row->page_id);
		free(row->url);
		row->page_id = xstrdup(id);
		row->url = json_is_string(json_object_get(pg, "url")) ?
		    xstrdup(json_string_value(json_object_get(pg, "url"))) :
		    NULL;
		return 1;
	}
	return 0;
}

/*
 * Look up the page that an earlier try of this import may have made
 * (a create that timed out, a worker killed before it kept the page's
 * id): 1 found (ids set), 0 not, -1 err.  The page has the import's
 * URL (or title), and more, for a database can hold pages of the same
 * URL or title that are not this import's: a page of an earlier
 * import of the same link, or one a member wrote.  So the page must
 * be created by our bot, no earlier than the import's row (less a
 * margin: row->since), and be no other import's page; of those, the
 * oldest.
 */
static int
find_page(struct nc *c, const struct schema *s, const struct plan *pl,
    struct row *row, struct tq_err *err)
{
	char path[128];
	json_t *q, *res = NULL;
	int i, found = 0, pages;

	if (pl->dedup_prop == NULL)
		return 0;
	if (bot_id(c, err) == -1)
		return -1;
	snprintf(path, sizeof(path), "/v1/data_sources/%s/query",
	    s->data_source_id);
	q = json_pack("{s:{s:[{s:s,s:{s:s}},{s:s,s:{s:s}}]},"
	    "s:[{s:s,s:s}],s:i}", "filter", "and",
	    "property", pl->dedup_prop, pl->dedup_type, pl->dedup_op,
	    pl->dedup_value, "timestamp", "created_time", "created_time",
	    "on_or_after", row->since, "sorts", "timestamp", "created_time",
	    "direction", "ascending", "page_size", 100);
	/*
	 * A page just created may take a moment to be found.  The
	 * answers come 100 at a time, oldest first: the pages of other
	 * rows (page_taken) may fill the first ones.
	 */
	for (i = 0; i < 3 && !found; i++) {
		if (i > 0)
			tq_sleep(1);
		json_object_del(q, "start_cursor");
		for (pages = 0; !found; pages++) {
			json_decref(res);
			if (nreq(c, "POST", path, q, 1, &res, err) == -1) {
				json_decref(q);
				return -1;
			}
			if ((found = adopt(c, pl, row, res, err)) == -1) {
				json_decref(q);
				json_decref(res);
				return -1;
			}
			if (found || pages + 1 >= MAX_PAGES ||
			    !json_is_true(json_object_get(res, "has_more")) ||
			    !json_is_string(json_object_get(res,
			    "next_cursor")))
				break;
			json_object_set_new(q, "start_cursor", json_copy(
			    json_object_get(res, "next_cursor")));
		}
	}
	json_decref(q);
	json_decref(res);
	return found;
}

/*
 * The page's children: their number, and the blocks into *blocks.
 * Notion's cursor is an opaque string: it goes into the query string
 * percent-encoded (a '+' would read as a space, a '&' end it), whole.
 */
static int
children(struct nc *c, const char *page, json_t **blocks, struct tq_err *err)
{
	struct tq_buf path = { 0 };
	json_t *res = NULL, *bl;
	const unsigned char *p;
	char *cur = NULL;
	size_t i;
	int n = 0;

	if (blocks != NULL)
		*blocks = json_array();
	do {
		path.len = 0;
		tq_buf_addf(&path, "/v1/blocks/%s/children?page_size=100",
		    page);
		if (cur != NULL) {
			tq_buf_adds(&path, "&start_cursor=");
			for (p = (const unsigned char *)cur; *p != '\0'; p++)
				if (isalnum(*p) || strchr("-._~", *p) != NULL)
					tq_buf_add(&path, p, 1);
				else
					tq_buf_addf(&path, "%%%02X", *p);
		}
		json_decref(res);
		if (nreq(c, "GET", path.data, NULL, 1, &res, err) == -1) {
			n = -1;
			break;
		}
		json_array_foreach(json_object_get(res, "results"), i, bl) {
			n++;
			if (blocks != NULL)
				json_array_append(*blocks, bl);
		}
		free(cur);
		cur = NULL;
		if (json_is_true(json_object_get(res, "has_more")) &&
		    json_is_string(json_object_get(res, "next_cursor")))
			cur = xstrdup(json_string_value(json_object_get(res,
			    "next_cursor")));
	} while (cur != NULL);
	free(cur);
	json_decref(res);
	tq_buf_free(&path);
	return n;
}

static int page_lock(struct nc *, const struct schema *,
    const struct plan *, struct tq_err *);

static int
create_one(struct nc *c, const struct schema *s, const struct plan *pl,
    struct row *row, const char *job, int look_first, const char **action,
    struct tq_err *err)
{
	json_t *body, *page = NULL;
	size_t n, max = MAX_CHILDREN, props = json_size(pl->properties);
	int tries, got, total = (int)json_array_size(pl->blocks), resent = 0;
	int known = 0;

	for (tries = 0; tries < 3; tries++) {
		if (look_first) {
			if ((got = find_page(c, s, pl, row, err)) == -1)
				return -1;
			/* a create of ours may yet make it: wait, look again */
			if (got == 0 && (got = settle(c, row, "POST",
			    "/v1/pages", err)) == -1)
				return -1;
			if (got == 1 && (got = find_page(c, s, pl, row,
			    err)) == -1)
				return -1;
			if (got == 1) {
				/* the page a try made: progress, as a create */
				c->progress++;
				*action = "adopted";
				tq_log(TQ_LOG_INFO, "notion_adopted", json_pack(
				    "{s:s,s:s}", "job", job, "page",
				    row->page_id));
				if ((got = children(c, row->page_id, NULL,
				    err)) == -1)
					return -1;
				return row_save(c, row, job, "appending", got,
				    total, err);
			}
		}
		/* the properties count towards the body's size */
		n = batch(pl->blocks, 0, max, MAX_BODY - props);
		body = json_pack("{s:{s:s,s:s},s:O,s:o}", "parent", "type",
		    "data_source_id", "data_source_id", s->data_source_id,
		    "properties", pl->properties, "children",
		    slice(pl->blocks, 0, n));
		c->mark = row->id;
		got = nreq(c, "POST", "/v1/pages", body, 0, &page, err);
		c->mark = NULL;
		json_decref(body);
		if (got == -1)
			unmark(c, row);
		if (got == 0) {
			c->progress++;
			if (!json_is_string(json_object_get(page, "id"))) {
				json_decref(page);
				return tq_err_set(err, TQ_ERR_TRANSIENT,
				    "bad_response", "notion: POST /v1/pages: "
				    "no page id in the answer");
			}
			free(row->page_id);
			free(row->url);
			row->page_id = xstrdup(json_string_value(
			    json_object_get(page, "id")));
			row->url = json_is_string(json_object_get(page,
			    "url")) ? xstrdup(json_string_value(
			    json_object_get(page, "url"))) : NULL;
			json_decref(page);
			*action = "created";
			/* the page id, before anything else */
			if (row_save(c, row, job, "appending", (int)n, total,
			    err) == -1)
				return -1;
			test_crash("after-create");
			return 0;
		}
		if (too_large(err) && n > 0) {
			/* the rest goes in appends */
			max = n / 2;
			tries--;
			continue;
		}
		if (!resent && split_again(err, pl->properties, pl->blocks,
		    &max, n, job)) {
			resent = 1;
			tries--;
			continue;
		}
		if (!known && known_options(pl->properties, s, err, job)) {
			known = 1;
			tries--;
			continue;
		}
		if (!c->ambiguous)
			return -1;
		if (pl->dedup_prop == NULL) {
			/*
			 * A title whose first 2000 units are white space
			 * alone: nothing to look the page up by
			 */
			char why[sizeof(err->msg)];

			snprintf(why, sizeof(why), "%s", err->msg);
			return tq_err_set(err, TQ_ERR_PERMANENT, "notion_unsure",
			    "%s; the page may have been made, and has nothing "
			    "to be looked up by: not sent again", why);
		}
		/* it may exist all the same: look before creating again */
		if (note_late(c, row, err) == -1 ||
		    page_lock(c, s, pl, err) == -1)
			return -1;
		look_first = 1;
	}
	return -1;
}

/*
 * Make the import's page, or adopt the one an earlier try made, under
 * a lock on what the page is looked up by (its URL or title) in the
 * data source, on any host.  Imports of one URL (a link imported with
 * two models, two links of one canonical URL) made their pages side by
 * side: two that looked up at once each found the page of the other's
 * lost create, no import's yet, and both adopted it, leaving their own
 * to no one; or one adopted the page another's create had just made,
 * before that one kept its id.  So a create or a lookup holds the lock
 * to the save of its page's id, and no lookup sees a page that is not
 * yet some import's; the creates of one URL, rare, go one at a time.
 * The lock (a lease, see lease()) is tried, while a request still fits
 * the job's time; then the job is set aside ("busy").  0, or -1 and
 * err.
 */
static int
page_lock(struct nc *c, const struct schema *s, const struct plan *pl,
    struct tq_err *err)
{
	char *name;
	int got;

	if (c->page_lock != NULL)
		return 0;
	name = xasprintf("tq-notion-page:%s:%s", s->data_source_id,
	    pl->dedup_value);
	if ((got = lease_wait(c, name, c->req_ms / 1000.0, err)) <= 0) {
		free(name);
		if (got == 0) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "notion: "
			    "another job is making or looking up a page of "
			    "the same %s in this database", pl->dedup_type);
			err->retry_after = 5;
		}
		return -1;
	}
	c->page_lock = name;
	return 0;
}

static void
page_unlock(struct nc *c)
{
	if (c->page_lock == NULL)
		return;
	release(c, c->page_lock);
	free(c->page_lock);
	c->page_lock = NULL;
}

static int
create_page(struct nc *c, const struct schema *s, const struct plan *pl,
    struct row *row, const char *job, int look_first, const char **action,
    struct tq_err *err)
{
	int rc;

	if (pl->dedup_prop == NULL)	/* never looked up */
		return create_one(c, s, pl, row, job, look_first, action,
		    err);
	if (page_lock(c, s, pl, err) == -1)
		return -1;
	rc = create_one(c, s, pl, row, job, look_first, action, err);
	page_unlock(c);
	return rc;
}

static int
append_rest(struct nc *c, const struct plan *pl, struct row *row,
    const char *job, struct tq_err *err)
{
	char path[128];
	json_t *body;
	size_t n, total = json_array_size(pl->blocks), max = MAX_CHILDREN;
	int got, tries = 0, resent = 0, waited;

	snprintf(path, sizeof(path), "/v1/blocks/%s/children", row->page_id);
	while ((size_t)row->written < total) {
		n = batch(pl->blocks, (size_t)row->written, max, MAX_BODY);
		body = json_pack("{s:o}", "children", slice(pl->blocks,
		    (size_t)row->written, n));
		c->mark = row->id;
		got = nreq(c, "PATCH", path, body, 0, NULL, err);
		c->mark = NULL;
		json_decref(body);
		if (got == -1)
			unmark(c, row);
		if (got == 0) {
			c->progress++;
			if (row_save(c, row, job, "appending",
			    row->written + (int)n, (int)total, err) == -1)
				return -1;
			test_crash("after-append");
			continue;
		}
		if (too_large(err) && n > 1) {
			/* and the next ones no larger */
			max = n / 2;
			continue;
		}
		if (!resent && split_again(err, NULL, pl->blocks, &max, n,
		    job)) {
			resent = 1;
			continue;
		}
		if (!c->ambiguous || ++tries > 3)
			return -1;
		/* did it land?  The page's count of children says */
		if (note_late(c, row, err) == -1 ||
		    (got = children(c, row->page_id, NULL, err)) == -1)
			return -1;
		/* not yet, and it may still: wait, count again */
		if (got < row->written + (int)n) {
			if ((waited = settle(c, row, "PATCH", path,
			    err)) == -1)
				return -1;
			if (waited && (got = children(c, row->page_id, NULL,
			    err)) == -1)
				return -1;
		}
		/* blocks that landed are progress, as if answered */
		if (got > row->written)
			c->progress++;
		if (row_save(c, row, job, "appending", got, (int)total,
		    err) == -1)
			return -1;
	}
	return 0;
}

/*
 * What block bl says, to compare a block of the page with one of the
 * plan: its type, then its rich text as runs of one style (bold,
 * italic, strikethrough, underline, code and link) with their text,
 * runs of the same style joined, since Notion may split or join them
 * as it stores them; a bookmark's URL.  Colours are left out, so that
 * one a user set stays.  Caller frees; NULL for another kind of block.
 */
static char *
block_sig(json_t *bl)
{
	static const char *const flags[] = { "bold", "italic",
	    "strikethrough", "underline", "code" };
	struct tq_buf b = { 0 }, style = { 0 }, last = { 0 };
	const char *type = json_string_value(json_object_get(bl, "type"));
	json_t *body, *rich, *r, *text, *link, *a;
	size_t i, f;

	if (type == NULL)
		return NULL;
	body = json_object_get(bl, type);
	tq_buf_adds(&b, type);
	tq_buf_adds(&b, "\n");
	if (strcmp(type, "divider") == 0)
		return b.data;
	if (strcmp(type, "bookmark") == 0 && json_is_string(json_object_get(
	    body, "url"))) {
		tq_buf_adds(&b, json_string_value(json_object_get(body,
		    "url")));
		return b.data;
	}
	rich = json_object_get(body, "rich_text");
	if (!json_is_array(rich)) {
		free(b.data);
		return NULL;
	}
	tq_buf_add(&last, "", 0);
	json_array_foreach(rich, i, r) {
		text = json_object_get(r, "text");
		link = json_object_get(json_object_get(text, "link"), "url");
		if (!json_is_string(link))
			link = json_object_get(r, "href");
		a = json_object_get(r, "annotations");
		style.len = 0;
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			tq_buf_adds(&style, json_is_true(json_object_get(a,
			    flags[f])) ? "1" : "0");
		tq_buf_adds(&style, json_is_string(link) ?
		    json_string_value(link) : "");
		if (i == 0 || style.len != last.len ||
		    memcmp(style.data, last.data, style.len) != 0) {
			tq_buf_adds(&b, "\x1f");
			tq_buf_add(&b, style.data, style.len);
			tq_buf_adds(&b, "\x1e");
			last.len = 0;
			tq_buf_add(&last, style.data, style.len);
		}
		if (json_is_string(json_object_get(text, "content")))
			tq_buf_adds(&b, json_string_value(json_object_get(text,
			    "content")));
		else if (json_is_string(json_object_get(r, "plain_text")))
			tq_buf_adds(&b, json_string_value(json_object_get(r,
			    "plain_text")));
	}
	free(style.data);
	free(last.data);
	return b.data;
}

/* Does have, a block of the page, say what want, one of the plan, says? */
static int
same_block(json_t *have, json_t *want)
{
	char *h = block_sig(have), *w = block_sig(want);
	int same = h != NULL && w != NULL && strcmp(h, w) == 0;

	free(h);
	free(w);
	return same;
}

/*
 * After Notion refused to edit the page (err): 1 if the page is in the
 * trash (a member deleted it: the import makes a new one); else -1,
 * with err as it was, or the lookup's own error (a 404: the page is
 * gone for good, which makes a new one too).
 */
static int
page_trashed(struct nc *c, const char *page, struct tq_err *err)
{
	char path[128];
	json_t *pg = NULL;
	struct tq_err e = { 0 };
	int trashed;

	snprintf(path, sizeof(path), "/v1/pages/%s", page);
	if (nreq(c, "GET", path, NULL, 1, &pg, &e) == -1) {
		*err = e;
		return -1;
	}
	trashed = json_is_true(json_object_get(pg, "in_trash")) ||
	    json_is_true(json_object_get(pg, "archived"));
	json_decref(pg);
	if (!trashed)
		return -1;
	tq_log(TQ_LOG_INFO, "notion_page_trashed", json_pack("{s:s}", "page",
	    page));
	return 1;
}

/*
 * A re-import: set the properties; keep the page's first blocks while
 * they say what the plan's do and delete the rest, from which the
 * appends go on.  The same content again costs no block request, and
 * a changed one only what changed from there on: at 3 requests a
 * second, a page of 100 blocks took a minute to delete and write again.
 */
static int
clear_page(struct nc *c, const struct schema *s, const struct plan *pl,
    struct row *row, const char *job, struct tq_err *err)
{
	char path[128];
	json_t *body, *page = NULL, *have = NULL, *bl;
	size_t i, keep = 0;
	int rc = -1, total = (int)json_array_size(pl->blocks), got;

	snprintf(path, sizeof(path), "/v1/pages/%s", row->page_id);
	body = json_pack("{s:O}", "properties", pl->properties);
	got = nreq(c, "PATCH", path, body, 1, &page, err);
	if (got == -1 && known_options(pl->properties, s, err, job)) {
		json_decref(body);
		body = json_pack("{s:O}", "properties", pl->properties);
		got = nreq(c, "PATCH", path, body, 1, &page, err);
	}
	if (got == -1) {
		json_decref(body);
		/* Notion refuses to edit a page in the trash (400) */
		return err->http_status == 400 ? page_trashed(c, row->page_id,
		    err) : -1;
	}
	json_decref(body);
	if (json_is_true(json_object_get(page, "in_trash"))) {
		json_decref(page);
		return 1;	/* gone: create a new one */
	}
	json_decref(page);
	if (children(c, row->page_id, &have, err) == -1)
		goto out;
	while (keep < json_array_size(have) && keep < (size_t)total &&
	    same_block(json_array_get(have, keep), json_array_get(pl->blocks,
	    keep)))
		keep++;
	for (i = keep; i < json_array_size(have); i++) {
		struct tq_err e = { 0 };

		bl = json_array_get(have, i);
		if (!json_is_string(json_object_get(bl, "id")))
			continue;
		snprintf(path, sizeof(path), "/v1/blocks/%s",
		    json_string_value(json_object_get(bl, "id")));
		if (nreq(c, "DELETE", path, NULL, 1, NULL, &e) == 0)
			c->progress++;
		else if (e.http_status != 400 && e.http_status != 404) {
			*err = e;
			goto out;
		}
	}
	tq_log(TQ_LOG_INFO, "notion_blocks_kept", json_pack("{s:s,s:s,s:i,"
	    "s:i}", "job", job, "page", row->page_id, "kept", (int)keep,
	    "deleted", (int)(json_array_size(have) - keep)));
	rc = row_save(c, row, job, "appending", (int)keep, total, err);
out:
	json_decref(have);
	return rc;
}

/*
 * The source's URL, as the url property and the bookmark take it:
 * normalised as tq-submit does (tq_url_check), so that what a page
 * says of itself (its canonical link, stored before tq-extract checked
 * it) is a URL Notion reads as one, at most 2,000 UTF-16 units, with
 * no user name or password and a host Notion reads as one.  Notion
 * refuses "" for a url and a bookmark it cannot read; a source that is
 * no such URL is kept whole as text instead (url_text).
 */
static void
src_url(struct content *ct, const char *raw)
{
	char *n = NULL;

	if (raw == NULL || *raw == '\0')
		return;
	if (tq_url_check(raw, &n, NULL) == 0 && tq_utf16_units(n,
	    strlen(n)) <= MAX_URL && !tq_url_userinfo(n) && web_host(n)) {
		ct->url = ct->url_own = n;
		return;
	}
	if (n != NULL && tq_utf16_units(n, strlen(n)) > MAX_URL)
		/* spec section 5: never cut it, say so */
		tq_log(TQ_LOG_WARN, "notion_long_url", json_pack("{s:i,s:i}",
		    "units", (int)tq_utf16_units(n, strlen(n)), "max",
		    MAX_URL));
	free(n);
	ct->url_text = raw;
}

static int
load_content(struct nc *c, const struct tq_claim *cl, int with_text,
    struct content *ct, struct tq_err *err)
{
	char aid[24];
	const char *p[1] = { aid };
	PGresult *r;

	memset(ct, 0, sizeof(*ct));
	ct->title = json_string_value(json_object_get(cl->input, "title"));
	src_url(ct, json_string_value(json_object_get(cl->input, "url")));
	ct->summary = json_string_value(json_object_get(cl->input,
	    "summary"));
	ct->keywords = json_object_get(cl->input, "keywords");
	ct->insights = json_object_get(cl->input, "insights");
	snprintf(aid, sizeof(aid), "%lld", cl->item_id);
	r = tq_db_exec(c->db, err, with_text ? "SELECT p.published, "
	    "p.content FROM ai_processed_contents a JOIN parsed_contents p ON "
	    "p.id = a.parsed_content_id WHERE a.id = $1" : "SELECT "
	    "p.published, NULL FROM ai_processed_contents a JOIN "
	    "parsed_contents p ON p.id = a.parsed_content_id WHERE a.id = $1",
	    1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1) {
		if (!PQgetisnull(r, 0, 0))
			ct->published = notion_date(PQgetvalue(r, 0, 0));
		if (!PQgetisnull(r, 0, 1))
			ct->text = clean_text(PQgetvalue(r, 0, 1),
			    strlen(PQgetvalue(r, 0, 1)), NULL);
	}
	PQclear(r);
	return 0;
}

int
tq_notion_check(PGconn *db, redisContext *rc, const char *dbid, json_t *user,
    struct tq_err *err)
{
	struct nc c;
	struct schema s;
	struct content ct;
	struct plan pl;
	int rc_ = -1;

	memset(&s, 0, sizeof(s));
	memset(&ct, 0, sizeof(ct));
	memset(&pl, 0, sizeof(pl));
	if (nc_config(&c, err) == -1)
		goto out;
	c.db = db;		/* borrowed */
	c.rc = rc;
	nc_limit(&c);
	c.deadline = tq_mono() + 8;
	c.req_ms = 5000;
	if ((c.h = curl_easy_init()) == NULL) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "curl",
		    "notion: cannot create a curl handle");
		goto out;
	}
	ct.title = "check";
	ct.url = "https://example.com/";
	if (discover(&c, dbid, 0, &s, err) == -1 ||
	    make_plan(&s, &ct, user, &pl, err) == -1)
		goto out;
	rc_ = 0;
out:
	c.db = NULL;
	c.rc = NULL;
	plan_free(&pl);
	schema_free(&s);
	nc_close(&c);
	return rc_;
}

json_t *
tq_notion_work(const struct tq_claim *cl, struct tq_err *err)
{
	struct nc c;
	struct schema s;
	struct content ct;
	struct plan pl;
	struct row row;
	const char *dbid, *action = "updated";
	char aid[24], path[128];
	json_t *user, *res = NULL;
	int tmo = tq_cfg.timeout[TQ_STAGE_NOTION], got, tries, third, most;
	int waited;

	memset(&s, 0, sizeof(s));
	memset(&ct, 0, sizeof(ct));
	memset(&pl, 0, sizeof(pl));
	memset(&row, 0, sizeof(row));
	if (nc_config(&c, err) == -1)
		goto out;
	c.deadline = tq_mono() + tmo - 1;
	/*
	 * Notion works on a request for up to 60 s (spec section 1): give
	 * one a third of the job, or all but 20 s of it up to 45 s if that
	 * is more (40 s of the default 60), leaving room to recover
	 */
	third = tmo / 3 < 65 ? tmo / 3 : 65;
	most = tmo - 20 < 45 ? tmo - 20 : 45;
	c.req_ms = 1000L * (most > third ? most : third);
	if (c.req_ms < 2000)
		c.req_ms = 2000;
	dbid = json_string_value(json_object_get(cl->params, "database_id"));
	user = json_object_get(cl->params, "properties");
	if (dbid == NULL) {
		tq_err_set(err, TQ_ERR_PERMANENT, "no_input",
		    "notion: the task has no database_id");
		goto out;
	}
	if (cl->input == NULL) {
		tq_err_set(err, TQ_ERR_PERMANENT, "no_input",
		    "the ai content no longer exists");
		goto out;
	}
	if ((c.h = curl_easy_init()) == NULL) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "curl",
		    "notion: cannot create a curl handle");
		goto out;
	}
	if ((c.db = tq_db_connect(err)) == NULL ||
	    (c.rc = tq_redis_connect(tq_cfg.redis_url, err)) == NULL)
		goto out;
	nc_limit(&c);
	/* one job at a time per content and database, on any host */
	snprintf(aid, sizeof(aid), "%lld", cl->item_id);
	snprintf(path, sizeof(path), "tq-notion:%s:%s", aid, dbid);
	if ((got = lease(&c, path, err)) == -1)
		goto out;
	if (!got) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "notion: another "
		    "job is importing ai content %s into this database", aid);
		err->retry_after = 5;
		goto out;
	}
	if (load_content(&c, cl, json_is_true(json_object_get(cl->params,
	    "with_text")), &ct, err) == -1)
		goto out;
	if (discover(&c, dbid, cl->task_id, &s, err) == -1)
		goto out;
	if (make_plan(&s, &ct, user, &pl, err) == -1)
		goto out;
	if (row_load(&c, aid, dbid, s.data_source_id, cl->job, &row, err) ==
	    -1)
		goto out;

	if (row.page_id != NULL && strcmp(row.job_id, cl->job) != 0) {
		/* an earlier import of this content: update its page */
		if (row_save(&c, &row, cl->job, "clearing", 0,
		    (int)json_array_size(pl.blocks), err) == -1)
			goto out;
	}
	if (row.page_id != NULL && strcmp(row.status, "clearing") == 0) {
		if ((got = clear_page(&c, &s, &pl, &row, cl->job, err)) == -1) {
			if (strcmp(err->code, "object_not_found") != 0)
				goto out;
			got = 1;
		}
		if (got == 1) {
			/* the page was deleted in Notion: a new one */
			free(row.page_id);
			row.page_id = NULL;
			if (row_save(&c, &row, cl->job, "creating", 0, 0,
			    err) == -1)
				goto out;
			row.fresh = 1;
		}
	} else if (row.page_id != NULL && strcmp(row.status, "imported") != 0) {
		/*
		 * this job ran before: resume from the page's own count,
		 * once an append it left unsure has settled
		 */
		snprintf(path, sizeof(path), "/v1/blocks/%s/children",
		    row.page_id);
		if ((got = children(&c, row.page_id, NULL, err)) == -1)
			goto out;
		if (got <= row.written) {
			/* its last append may land yet: wait, count again */
			if ((waited = settle(&c, &row, "PATCH", path,
			    err)) == -1)
				goto out;
			if (waited && (got = children(&c, row.page_id, NULL,
			    err)) == -1)
				goto out;
		}
		/* an append of the last run that landed after all */
		if (got > row.written)
			c.progress++;
		if (row_save(&c, &row, cl->job, "appending", got,
		    (int)json_array_size(pl.blocks), err) == -1)
			goto out;
		action = "resumed";
	}
	for (tries = 0; ; tries++) {
		/*
		 * A row we did not just insert may stand for a page an
		 * earlier run created without learning its id.
		 */
		if (row.page_id == NULL && create_page(&c, &s, &pl, &row,
		    cl->job, !row.fresh, &action, err) == -1)
			goto out;
		if (strcmp(row.status, "imported") == 0 ||
		    append_rest(&c, &pl, &row, cl->job, err) == 0)
			break;
		/* put in the trash while it was written: a new page */
		if (tries > 0 || err->http_status != 400 ||
		    page_trashed(&c, row.page_id, err) != 1)
			goto out;
		free(row.page_id);
		row.page_id = NULL;
		if (row_save(&c, &row, cl->job, "creating", 0, 0, err) == -1)
			goto out;
		row.fresh = 1;
	}
	res = json_pack("{s:s,s:s?,s:s,s:s,s:i,s:s,s:i}", "notion_page_id",
	    row.page_id, "url", row.url, "database_id", dbid,
	    "data_source_id", s.data_source_id, "blocks", row.written,
	    "action", action, "requests", c.requests);
out:
	if (res == NULL && err->kind == TQ_ERR_NONE)
		tq_err_set(err, TQ_ERR_PERMANENT, "notion", "notion: failed");
	/*
	 * A run that made the page, or wrote or deleted blocks, and then
	 * failed for now (its deadline, most often: a large page takes
	 * several runs at 3 requests a second) is set aside, no retry
	 * counted: the next goes on from there, and since each such run
	 * leaves less to do, they end.
	 */
	if (res == NULL && err->kind == TQ_ERR_TRANSIENT && c.progress > 0) {
		snprintf(err->code, sizeof(err->code), "%s",
		    "notion_progress");
		if (err->retry_after < 1)
			err->retry_after = 1;
	}
	row_free(&row);
	plan_free(&pl);
	schema_free(&s);
	free(ct.published);
	free(ct.text);
	free(ct.url_own);
	nc_close(&c);
	return res;
}
