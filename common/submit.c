/*
 * submit.c - create a task of one stage with one item per distinct
 * input and queue a job per item, for tq-submit(1).
 *
 * Invariants: every input is checked before anything is written (the
 * bad ones are reported through the caller's callback); the links of
 * new URLs, the task and all its items are written in one transaction,
 * and only then are the jobs pushed to Redis.  If the push fails the
 * items stay pending in PostgreSQL and the workers' reconciler
 * (maint.c) queues them, so a submitted task is never lost.
 *
 * Bulk: whatever the number of inputs, a submit is a fixed number of
 * round trips, but for one per 10,000 items of a batch.  URLs go to
 * PostgreSQL as one array, the items as one COPY with job ids made
 * here or, from TQ_SUBMIT_BATCH items, as rows of task_item_batches
 * that the workers' first claims write out (sql/0019).  Meanwhile a
 * thread writes the job hashes to Redis in one pipelined write: no
 * worker sees a job before its id is in a queue, and the ids go to
 * Redis in a MULTI before the commit but are pushed by its EXEC only
 * after it.  If the transaction fails the MULTI is discarded and the
 * hashes deleted again; if tq-submit dies in between, Redis discards
 * the MULTI and some hashes stay without a job in any queue, which
 * nothing reads.
 *
 * About 1,750 lines, on purpose: one submit is one transaction from
 * the checks of its inputs to the writing of its items and the one
 * Redis write, and each phase is tuned for 10,000 rows at a time (sets,
 * COPY text, pipelining); the phases share the submit's private state.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

/* --------------------------------------------------------- timings */

static double
mono(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int prof_pid;	/* the PostgreSQL backend's, for its CPU time */

/*
 * The CPU time of process pid (ms), from /proc: schedstat's nanoseconds
 * where the kernel keeps them, else stat's clock ticks (10 ms); -1 if
 * unknown.
 */
static double
proc_cpu(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ns;
	unsigned long ut, st;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	if ((f = fopen(path, "r")) != NULL) {
		n = fscanf(f, "%llu", &ns);
		fclose(f);
		if (n == 1)
			return ns / 1e6;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = 0;
	if (fgets(buf, sizeof(buf), f) != NULL && (p = strrchr(buf, ')')) !=
	    NULL)
		n = sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
		    "%*u %lu %lu", &ut, &st);
	fclose(f);
	return n == 2 ? (ut + st) * 1e3 / sysconf(_SC_CLK_TCK) : -1;
}

void
tq_submit_phase(const char *what)
{
	static double first, last, cpu0, wall0, pglast = -1;
	double now = mono(CLOCK_MONOTONIC), pg;
	char pgs[64] = "";

	if (first == 0) {	/* main: before the log level is known */
		first = last = now;
		cpu0 = mono(CLOCK_PROCESS_CPUTIME_ID);
		wall0 = tq_now();
		return;
	}
	if (cpu0 > 0) {
		tq_logf(TQ_LOG_DEBUG, "submit: process start: %.1f ms of CPU "
		    "before main, which began at %.6f", cpu0 * 1e3, wall0);
		cpu0 = 0;
	}
	if (tq_loglevel < TQ_LOG_DEBUG)
		return;
	if (prof_pid > 0 && (pg = proc_cpu(prof_pid)) >= 0) {
		if (pglast >= 0)
			snprintf(pgs, sizeof(pgs), ", postgres +%.1f ms CPU",
			    pg - pglast);
		pglast = pg;
	}
	tq_logf(TQ_LOG_DEBUG, "submit: %s: %.1f ms (at %.1f ms, %.1f ms "
	    "CPU%s)", what, (now - last) * 1e3, (now - first) * 1e3,
	    mono(CLOCK_PROCESS_CPUTIME_ID) * 1e3, pgs);
	last = now;
}

/* ------------------------------------------------ sets for one pass */

/* Open addressing, slots hold 1 + an index into the caller's array. */
struct set {
	size_t	*slot;
	size_t	 mask;
};

static void
set_init(struct set *s, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	s->slot = xcalloc(cap, sizeof(*s->slot));
	s->mask = cap - 1;
}

static size_t
hash_str(const char *p)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (size_t)h;
}

static size_t
hash_id(long long id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ (h >> 29));
}

/* The slot of key among strs[]: 0 inside it when the key is new. */
static size_t *
set_str(struct set *s, char *const *strs, const char *key)
{
	size_t i = hash_str(key) & s->mask;

	while (s->slot[i] != 0 && strcmp(strs[s->slot[i] - 1], key) != 0)
		i = (i + 1) & s->mask;
	return &s->slot[i];
}

static size_t *
set_id(struct set *s, const long long *ids, long long key)
{
	size_t i = hash_id(key) & s->mask;

	while (s->slot[i] != 0 && ids[s->slot[i] - 1] != key)
		i = (i + 1) & s->mask;
	return &s->slot[i];
}

/* ----------------------------------------------------------- checks */

static void
bad(struct tq_submit *s, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad(struct tq_submit *s, const char *where, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->nbad++;
	if (s->bad != NULL)
		s->bad(s->arg, where, msg);
}

static const char *
id_key(const struct tq_submit *s)
{
	return tq_stages[s->stage].consumes;
}

/*
 * Check the claims of upstream task records against the database.
 * Items that ended without a result are skipped with a note, as the
 * records say; any other disagreement is bad input.
 */
static int
upstream(PGconn *db, struct tq_submit *s, struct tq_err *e)
{
	long long *tasks, *items, last = 0;
	char *ta, *ia;
	const char *p[3];
	PGresult *r;
	size_t k;

	if (s->nclaims == 0)
		return 0;
	tasks = xcalloc(s->nclaims, sizeof(*tasks));
	items = xcalloc(s->nclaims, sizeof(*items));
	for (k = 0; k < s->nclaims; k++) {
		tasks[k] = s->claims[k].task;
		items[k] = s->claims[k].item;
	}
	ta = tq_pg_array(tasks, s->nclaims);
	ia = tq_pg_array(items, s->nclaims);
	p[0] = ta;
	p[1] = ia;
	p[2] = id_key(s);
	r = tq_db_exec(db, e, "SELECT t.status, i.status, "
	    "i.result_data ->> $3, t.type FROM unnest($1::bigint[], $2::bigint[]) "
	    "WITH ORDINALITY AS u(task, item, n) "
	    "LEFT JOIN processing_tasks t ON t.id = u.task "
	    "LEFT JOIN task_items_all i ON i.task_id = u.task "
	    "AND i.item_id = u.item ORDER BY u.n", 3, p);
	free(tasks);
	free(items);
	free(ta);
	free(ia);
	if (r == NULL)
		return -1;
	for (k = 0; k < s->nclaims && (int)k < PQntuples(r); k++) {
		struct tq_submit_claim *c = &s->claims[k];
		const char *ts = PQgetvalue(r, k, 0);
		long long have = 0;

		if (c->item == 0) {	/* the task */
			last = 0;
			if (PQgetisnull(r, k, 0))
				bad(s, c->where, "task %lld: no such task",
				    c->task);
			else if (!tq_task_terminal(ts))
				bad(s, c->where, "task %lld is %s: wait for it "
				    "with tq-wait", c->task, ts);
			else if (s->stage > 0 && strcmp(PQgetvalue(r, k, 3),
			    tq_stage_task_type(s->stage - 1)) != 0)
				bad(s, c->where, "task %lld is of type %s: %s "
				    "takes %s tasks", c->task,
				    PQgetvalue(r, k, 3), tq_stage_name(s->stage),
				    tq_stage_task_type(s->stage - 1));
			else
				last = c->task;	/* its items may follow */
			continue;
		}
		/* only an item the database agrees with becomes an input */
		s->in[c->input].skip = 1;
		if (last != c->task)
			continue;	/* the task was reported */
		if (PQgetisnull(r, k, 1)) {
			bad(s, c->where, "task %lld has no item %lld", c->task,
			    c->item);
			continue;
		}
		if (!PQgetisnull(r, k, 2) &&
		    tq_parse_id(PQgetvalue(r, k, 2), &have) == -1)
			have = -1;
		if (have != c->id) {
			char was[32];

			snprintf(was, sizeof(was), have > 0 ? "%lld" : "none",
			    have);
			if (c->id > 0)
				bad(s, c->where, "task %lld item %lld: %s is "
				    "%s, not %lld", c->task, c->item, id_key(s),
				    was, c->id);
			else
				bad(s, c->where, "task %lld item %lld: the "
				    "record has no %s, the item has %s", c->task,
				    c->item, id_key(s), was);
			continue;
		}
		if (c->id > 0)
			s->in[c->input].skip = 0;
		else if (s->note != NULL) {
			char msg[128];

			snprintf(msg, sizeof(msg), "task %lld item %lld is %s: "
			    "skipped", c->task, c->item, PQgetvalue(r, k, 1));
			s->note(s->arg, c->where, msg);
		}
	}
	PQclear(r);
	return 0;
}

/* Normalise the URL inputs; report the bad ones. */
static void
check_urls(struct tq_submit *s)
{
	struct tq_err e = { 0 };
	size_t i;

	for (i = 0; i < s->nin; i++) {
		struct tq_submit_input *in = &s->in[i];
		char *norm = NULL;

		if (in->skip || in->url == NULL)
			continue;
		if (strlen(in->url) <= TQ_URL_MAX && tq_url_plain(in->url))
			continue;	/* in its normal form already */
		/* past curl's 8,000,000 it is no URL to curl */
		if (strlen(in->url) >= 8000000) {
			bad(s, in->where, "URL of %zu bytes: the limit is %d",
			    strlen(in->url), TQ_URL_MAX);
			continue;
		}
		if (tq_url_check(in->url, &norm, &e) == -1) {
			bad(s, in->where, "%s", e.msg);
			continue;
		}
		if (strlen(norm) > TQ_URL_MAX) {
			bad(s, in->where, "URL of %zu bytes: the limit is %d",
			    strlen(norm), TQ_URL_MAX);
			free(norm);
			continue;
		}
		/* tq stores URLs in clear, in PostgreSQL, Redis and records */
		if (tq_url_userinfo(norm)) {
			bad(s, in->where, "a user name or password in the "
			    "URL: refused, tq stores URLs in clear");
			free(norm);
			continue;
		}
		free(in->url);
		in->url = norm;
	}
}

/* Report the id inputs that name nothing in the stage's input table. */
static int
check_ids(PGconn *db, struct tq_submit *s, struct tq_err *e)
{
	long long *ids;
	size_t i, n = 0;
	char *arr, sql[256];
	const char *p[1];
	PGresult *r;
	int j;

	ids = xcalloc(s->nin + 1, sizeof(*ids));
	for (i = 0; i < s->nin; i++)
		if (!s->in[i].skip && s->in[i].url == NULL)
			ids[n++] = s->in[i].id;
	if (n == 0) {
		free(ids);
		return 0;
	}
	arr = tq_pg_array(ids, n);
	free(ids);
	p[0] = arr;
	snprintf(sql, sizeof(sql), "SELECT u.id FROM unnest($1::bigint[])"
	    " AS u(id) WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE "
	    "t.id = u.id)", tq_stages[s->stage].input_table);
	r = tq_db_exec(db, e, sql, 1, p);
	free(arr);
	if (r == NULL)
		return -1;
	for (j = 0; j < PQntuples(r); j++) {
		char wh[64];

		snprintf(wh, sizeof(wh), "%s %s",
		    tq_stages[s->stage].item_text, PQgetvalue(r, j, 0));
		bad(s, wh, "no such %s", tq_stages[s->stage].item_text);
	}
	PQclear(r);
	return 0;
}

/*
 * The links of the URL inputs.  Each distinct URL is inserted once,
 * with ON CONFLICT DO NOTHING, and those that were there already (or
 * that a concurrent submit created first) are looked up by the key
 * that links_url_key holds (sql/0015); each statement sees what committed
 * before it, so the lookup finds them all.  One connection only: a
 * second one inserting half of them, tried, hung two concurrent
 * submits of the same URLs for good, each connection waiting on the
 * other submit's and the wait through the client, where PostgreSQL's
 * deadlock detector does not look.
 */
struct linkset {
	struct set	  set;
	char		**urls;		/* distinct, borrowed from the inputs */
	long long	 *lid;
	size_t		 *ord;		/* urls' indexes in byte order */
	size_t		  n;
};

static void
linkset_init(struct linkset *ls, size_t nin)
{
	memset(ls, 0, sizeof(*ls));
	set_init(&ls->set, nin);
	ls->urls = xcalloc(nin + 1, sizeof(*ls->urls));
	ls->lid = xcalloc(nin + 1, sizeof(*ls->lid));
}

/* The distinct URLs of the inputs from..to-1, in input order. */
static void
linkset_add(struct linkset *ls, struct tq_submit *s, size_t from,
    size_t to)
{
	size_t i, *slot;

	for (i = from; i < to; i++) {
		if (s->in[i].skip || s->in[i].url == NULL)
			continue;
		slot = set_str(&ls->set, ls->urls, s->in[i].url);
		if (*slot == 0) {
			ls->urls[ls->n++] = s->in[i].url;
			*slot = ls->n;
		}
	}
}

static char *const *sort_urls;	/* by_url()'s, for qsort */

static int
by_url(const void *a, const void *b)
{
	return strcmp(sort_urls[*(const size_t *)a],
	    sort_urls[*(const size_t *)b]);
}

/*
 * The order in which the links are written: that of their key in the
 * unique index (their bytes: a URL of up to 2,000 bytes is its own
 * key), the same in every submit.  Two submits that write some of the
 * same new links in different orders each wait on a row of the other,
 * and PostgreSQL ends one with a deadlock.  The ids still go in input
 * order.
 */
static void
linkset_sort(struct linkset *ls)
{
	size_t i;

	free(ls->ord);
	ls->ord = xcalloc(ls->n + 1, sizeof(*ls->ord));
	for (i = 0; i < ls->n; i++)
		ls->ord[i] = i;
	sort_urls = ls->urls;
	qsort(ls->ord, ls->n, sizeof(*ls->ord), by_url);
	sort_urls = NULL;
}

static void
add_quoted(struct tq_buf *b, const char *s)
{
	const char *q;

	tq_buf_add(b, "\"", 1);
	while ((q = strpbrk(s, "\"\\")) != NULL) {
		tq_buf_add(b, s, q - s);
		tq_buf_add(b, "\\", 1);
		tq_buf_add(b, q, 1);
		s = q + 1;
	}
	tq_buf_adds(b, s);
	tq_buf_add(b, "\"", 1);
}

/* ids in the array's order, rows in the index's (linkset_sort) */
static const char insert_links[] = "INSERT INTO links (id, url) "
    "SELECT id, u FROM (SELECT u, nextval('links_id_seq') AS id "
    "FROM unnest($1::text[]) WITH ORDINALITY AS a (u, o) ORDER BY o) v "
    "ORDER BY tq_url_key(u) "
    "ON CONFLICT (tq_url_key(url)) DO NOTHING RETURNING id, url";

/*
 * The first n links of ls that have no id yet, as a text[] literal
 * into b: the unique index on links holds tq_url_key() of each.
 */
static void
url_list(struct tq_buf *b, const struct linkset *ls, size_t n)
{
	size_t i;

	tq_buf_adds(b, "{");
	for (i = 0; i < n; i++) {
		if (ls->lid[i] != 0)
			continue;
		if (b->len > 1)
			tq_buf_add(b, ",", 1);
		add_quoted(b, ls->urls[i]);
	}
	tq_buf_adds(b, "}");
}

/* The URLs of ls that have no id yet, as a text[] literal. */
static char *
url_array(const struct linkset *ls)
{
	struct tq_buf b = { 0 };

	url_list(&b, ls, ls->n);
	return b.data;
}

static void
linkset_map(struct linkset *ls, PGresult *r)
{
	size_t *slot;
	int j;

	for (j = 0; j < PQntuples(r); j++) {
		slot = set_str(&ls->set, ls->urls, PQgetvalue(r, j, 1));
		if (*slot != 0 && ls->lid[*slot - 1] == 0)
			ls->lid[*slot - 1] = atoll(PQgetvalue(r, j, 0));
	}
}

/* The error of result r (or of the connection), as tq_db_exec says it. */
static int
result_err(PGconn *db, PGresult *r, struct tq_err *e)
{
	const char *m;
	char buf[512];

	if ((m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) == NULL)
		m = tq_db_error(db, buf, sizeof(buf));
	return tq_db_err_set(db, r, e, m);
}

static void
linkset_free(struct linkset *ls)
{
	free(ls->set.slot);
	free(ls->urls);
	free(ls->lid);
	free(ls->ord);
}

static int	copy_result(PGconn *, struct tq_err *);
static void	add_num(struct tq_buf *, long long);

/*
 * The rows of a COPY go out 64 KB at a time from one buffer, used
 * again: copy_put() sends what b holds once it is that big (or, with
 * last, all of it and the end of the COPY).  0, or -1 with e set and
 * the COPY's results still to read.
 */
#define COPY_CHUNK	65536

static int
copy_put(PGconn *db, struct tq_buf *b, int last, struct tq_err *e)
{
	char buf[512];

	if (!last && b->len < COPY_CHUNK)
		return 0;
	if ((b->len == 0 || PQputCopyData(db, b->data, (int)b->len) == 1) &&
	    (!last || PQputCopyEnd(db, NULL) == 1)) {
		b->len = 0;
		return 0;
	}
	/* the caller reads the results: the server's error is there */
	return tq_err_set(e, TQ_ERR_TRANSIENT, "postgresql", "postgresql: %s",
	    tq_db_error(db, buf, sizeof(buf)));
}

/* A COPY text field: URLs hold no control bytes, but be exact. */
static void
add_copy_text(struct tq_buf *b, const char *s)
{
	const char *q;

	while ((q = strpbrk(s, "\\\t\n\r")) != NULL) {
		tq_buf_add(b, s, q - s);
		tq_buf_adds(b, *q == '\\' ? "\\\\" : *q == '\t' ? "\\t" :
		    *q == '\n' ? "\\n" : "\\r");
		s = q + 1;
	}
	tq_buf_adds(b, s);
}

/*
 * The usual case first: every URL is new.  Their ids are taken from
 * the sequence first (links_ids()), and the rows go in one COPY
 * (links_copy()): PostgreSQL writes them a page at a time, with none
 * of the work of an INSERT ... ON CONFLICT (speculative insertion, a
 * second index probe, a record to confirm each row), and nothing comes
 * back.  Should one link exist, or a concurrent submit create one
 * first, the unique index refuses the COPY: then the general way (the
 * ids taken are skipped, as ON CONFLICT skips the ids of the rows it
 * does not insert).
 */
/* A big-endian integer of k bytes at p. */
static uint64_t
be(const unsigned char *p, int k)
{
	uint64_t v = 0;

	while (k-- > 0)
		v = v << 8 | *p++;
	return v;
}

/*
 * The ids one nextval() each, for a role that may use the sequence but
 * not set it (GRANT USAGE without UPDATE).
 */
static int
links_ids_each(PGconn *db, struct linkset *ls, struct tq_err *e)
{
	char num[24];
	const char *p[1];
	const unsigned char *a;
	PGresult *r;
	size_t i;
	int len, ok;

	/*
	 * One int8[] of n ids, in binary: neither n rows nor n numbers
	 * written out and read back.  The array: 3 words (dimensions, a
	 * flag, the element type), 2 for its one dimension (length,
	 * lower bound), then each element's length (8) and value.
	 */
	snprintf(num, sizeof(num), "%zu", ls->n);
	p[0] = num;
	r = PQexecParams(db, "SELECT array_agg(nextval('links_id_seq')) FROM "
	    "generate_series(1, $1::int)", 1, NULL, p, NULL, NULL, 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		/* a permission refused is no passing fault: by its SQLSTATE */
		result_err(db, r, e);
		PQclear(r);
		return -1;
	}
	a = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ?
	    (const unsigned char *)PQgetvalue(r, 0, 0) : NULL;
	len = a != NULL ? PQgetlength(r, 0, 0) : 0;
	ok = a != NULL && (size_t)len == 20 + 12 * ls->n && be(a, 4) == 1 &&
	    be(a + 4, 4) == 0 && be(a + 12, 4) == ls->n;
	for (i = 0; ok && i < ls->n; i++) {
		const unsigned char *el = a + 20 + 12 * i;

		ls->lid[i] = (long long)be(el + 4, 8);
		ok = be(el, 4) == 8 && ls->lid[i] > 0;
	}
	PQclear(r);
	if (!ok)
		return tq_err_set(e, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: the link ids did not come");
	return 0;
}

/*
 * probe: first, in the same statement, the first KNOWN_PROBE links of
 * ls are looked up, and no id is taken if one is there: a list that a
 * cron job submits again finds its links on the general way at once,
 * instead of after a COPY that the unique index refuses.
 */
#define KNOWN_PROBE	32
#define RANGE_OK	"has_sequence_privilege('links_id_seq', 'UPDATE')"

/* 0 the ids taken, 1 (probe) a link is there and no id taken, -1 */
static int
links_ids(PGconn *db, struct linkset *ls, int probe, struct tq_err *e)
{
	struct tq_buf arr = { 0 };
	char num[24];
	const char *p[2];
	PGresult *r;
	long long last;
	size_t i;
	int known;

	/*
	 * n ids in one step: the sequence is moved past them at once, not
	 * called n times (8 ms for 10,000).  Another session's nextval()
	 * between the two calls of this one statement takes an id of the
	 * range; then the COPY meets it in the primary key, like a link
	 * that is there, and the submit takes the general way (links()).
	 * Ids are never given twice, and a rolled-back submit leaves a gap,
	 * as nextval() does.  A role that may not set the sequence takes
	 * them one nextval() each (links_ids_each()).
	 */
	snprintf(num, sizeof(num), "%zu", ls->n);
	p[0] = num;
	if (probe) {
		url_list(&arr, ls, ls->n < KNOWN_PROBE ? ls->n : KNOWN_PROBE);
		p[1] = arr.data;
		r = tq_db_exec(db, e, "SELECT CASE WHEN EXISTS (SELECT 1 "
		    "FROM unnest($2::text[]) AS u(u) WHERE EXISTS (SELECT 1 "
		    "FROM links WHERE tq_url_key(url) = tq_url_key(u.u))) "
		    "THEN NULL WHEN " RANGE_OK " THEN setval('links_id_seq', "
		    "nextval('links_id_seq') + $1::bigint - 1) ELSE 0 END",
		    2, p);
		tq_buf_free(&arr);
	} else
		r = tq_db_exec(db, e, "SELECT CASE WHEN " RANGE_OK " THEN "
		    "setval('links_id_seq', nextval('links_id_seq') + "
		    "$1::bigint - 1) ELSE 0 END", 1, p);
	if (r == NULL)
		return -1;
	known = PQntuples(r) == 1 && PQgetisnull(r, 0, 0);
	last = PQntuples(r) == 1 && !known ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (known)
		return 1;
	if (last == 0)
		return links_ids_each(db, ls, e);
	if (last < (long long)ls->n)
		return tq_err_set(e, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: the link ids did not come");
	for (i = 0; i < ls->n; i++)
		ls->lid[i] = last - (long long)ls->n + 1 + (long long)i;
	return 0;
}

/* COPY the links of ls with their ids: 1 done, 0 one was there, -1 */
static int
links_copy(PGconn *db, const struct linkset *ls, struct tq_err *e)
{
	struct tq_buf b = { 0 };
	const char *st;
	PGresult *r;
	size_t i, k;
	int ok, put;

	r = PQexec(db, "COPY links (id, url) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		result_err(db, r, e);
		PQclear(r);
		copy_result(db, e);
		return -1;
	}
	PQclear(r);
	for (k = 0, put = 0; k < ls->n && put == 0; k++) {
		i = ls->ord != NULL ? ls->ord[k] : k;	/* linkset_sort() */
		add_num(&b, ls->lid[i]);
		tq_buf_add(&b, "\t", 1);
		add_copy_text(&b, ls->urls[i]);
		tq_buf_add(&b, "\n", 1);
		put = copy_put(db, &b, 0, e);
	}
	if (put == 0)
		put = copy_put(db, &b, 1, e);
	tq_buf_free(&b);
	/* the server may have ended the COPY before all rows were sent */
	ok = put == 0 ? 1 : -1;
	while ((r = PQgetResult(db)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok != 0) {
			st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			/* anything but a link that is there: an error */
			ok = st != NULL && strcmp(st, "23505") == 0 ? 0 :
			    result_err(db, r, e);
		}
		PQclear(r);
	}
	return ok;
}

/* In the submit's transaction: 1 all made, 0 try the general way, -1 */
static int
links_new(PGconn *db, struct linkset *ls, struct tq_err *e)
{
	int ok;

	if (tq_db_cmd(db, e, "SAVEPOINT tq_links") == -1 ||
	    links_ids(db, ls, 0, e) == -1)
		return -1;
	if ((ok = links_copy(db, ls, e)) != 0)
		return ok;	/* the commit releases the savepoint */
	memset(ls->lid, 0, ls->n * sizeof(*ls->lid));
	return tq_db_cmd(db, e, "ROLLBACK TO SAVEPOINT tq_links") == -1 ?
	    -1 : 0;
}

/*
 * A big submit of new URLs writes its links and its items at once, on
 * two PostgreSQL connections and so two server processes (two cores):
 * the links, with the ids the submit's transaction took, in a
 * transaction of their own, which this thread commits as soon as they
 * are in, waiting on nothing of the submit's; the items in the
 * submit's transaction, which commits only after the links did.  So
 * no reader sees an item without its link, and a failed submit leaves
 * at most links without items, as a deleted task does.  Should a link
 * exist (or the second connection fail, or PostgreSQL end a deadlock
 * with a concurrent submit's links by ending this one), the whole
 * submit rolls back and runs again the one-connection way.  The
 * links' transaction waits at most on other submits' links, and the
 * submit's own transaction waits on it only through this client.
 */
#define PAR_LINKS	2000	/* fewer new URLs: one connection */

/*
 * The thread starts with the submit, when it has PAR_LINKS inputs or
 * more, so that its connection is open by the time the ids are taken;
 * it then waits to be told to copy the links or to give up.
 */
struct linkpar {
	int			 started;	/* the thread runs */
	const struct linkset	*ls;		/* set with go = 1 */
	int			 ok;	/* 1 committed, 0 one was there, -1 */
	struct tq_err		 err;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 go;	/* 0 wait, 1 copy ls, -1 give up */
	double			 limit;	/* the caller's statement limit */
};

static void *
links_par(void *arg)
{
	struct linkpar *lp = arg;
	PGconn *db;
	int go;

	lp->ok = -1;
	tq_db_statement_limit(lp->limit);	/* as in the caller's thread */
	db = tq_db_open(&lp->err, 0);
	if (db != NULL && tq_db_cmd(db, &lp->err, "BEGIN") == -1) {
		PQfinish(db);
		db = NULL;
	}
	pthread_mutex_lock(&lp->mu);
	while (lp->go == 0)
		pthread_cond_wait(&lp->cv, &lp->mu);
	go = lp->go;
	pthread_mutex_unlock(&lp->mu);
	if (db != NULL && go == 1) {
		lp->ok = links_copy(db, lp->ls, &lp->err);
		if (lp->ok == 1 && tq_db_cmd(db, &lp->err, "COMMIT") == -1)
			lp->ok = -1;
	}
	PQfinish(db);	/* without a COMMIT: rolled back */
	return NULL;
}

static void
links_par_start(struct linkpar *lp, pthread_t *thr)
{
	memset(lp, 0, sizeof(*lp));
	lp->limit = tq_db_statement_limit_of();
	pthread_mutex_init(&lp->mu, NULL);
	pthread_cond_init(&lp->cv, NULL);
	lp->started = pthread_create(thr, NULL, links_par, lp) == 0;
}

/* Tell the thread to copy ls (go 1) or to give up (-1). */
static void
links_par_go(struct linkpar *lp, const struct linkset *ls, int go)
{
	pthread_mutex_lock(&lp->mu);
	lp->ls = ls;
	lp->go = go;
	pthread_cond_signal(&lp->cv);
	pthread_mutex_unlock(&lp->mu);
}

/* Wait for the thread, first telling it to give up if it still waits. */
static void
links_par_end(struct linkpar *lp, pthread_t thr)
{
	if (!lp->started)
		return;
	pthread_mutex_lock(&lp->mu);
	if (lp->go == 0) {
		lp->go = -1;
		pthread_cond_signal(&lp->cv);
	}
	pthread_mutex_unlock(&lp->mu);
	pthread_join(thr, NULL);
	lp->started = 0;
	pthread_mutex_destroy(&lp->mu);
	pthread_cond_destroy(&lp->cv);
}

/* The links of ls that have no id yet. */
static size_t
links_left(const struct linkset *ls)
{
	size_t i, left = 0;

	for (i = 0; i < ls->n; i++)
		left += ls->lid[i] == 0;
	return left;
}

/* Run sql on param, map the ids it returns: -1, or links_left(). */
static ssize_t
links_map(PGconn *db, struct linkset *ls, const char *sql,
    const char *param, struct tq_err *e)
{
	const char *p[1] = { param };
	PGresult *r;

	if ((r = tq_db_exec(db, e, sql, 1, p)) == NULL)
		return -1;
	linkset_map(ls, r);
	PQclear(r);
	return (ssize_t)links_left(ls);
}

/* Look the links of ls without an id up: -1, or links_left(). */
static ssize_t
links_lookup(PGconn *db, struct linkset *ls, struct tq_err *e)
{
	struct tq_buf arr = { 0 };
	ssize_t left;

	url_list(&arr, ls, ls->n);
	/* one index probe each, however big links is */
	left = links_map(db, ls, "SELECT l.id, l.url FROM "
	    "unnest($1::text[]) AS u(u) CROSS JOIN LATERAL "
	    "(SELECT id, url FROM links WHERE tq_url_key(url) = "
	    "tq_url_key(u.u) LIMIT 1) AS l", arr.data, e);
	tq_buf_free(&arr);
	return left;
}

/*
 * Give each URL input its link id, creating the links that are new; lp
 * non-NULL: a big submit may write them on a second connection, by
 * the thread lthr that submit() started (links_par()), else lthr is
 * ended here.
 */
static int
links(PGconn *db, struct tq_submit *s, struct linkset *ls,
    struct linkpar *lp, pthread_t lthr, struct tq_err *e)
{
	size_t i;
	ssize_t left;
	char *a;
	int rc = -1, k, known = 0;

	if (lp != NULL && lp->started && ls->n >= PAR_LINKS) {
		/* the ids in this transaction, the rows by the thread */
		if ((known = links_ids(db, ls, 1, e)) == -1)
			goto out;
		if (known) {
			/* a list submitted again: its links are there */
			links_par_end(lp, lthr);
			k = 0;
		} else {
			links_par_go(lp, ls, 1);
			k = 1;
		}
	} else {
		if (lp != NULL)
			links_par_end(lp, lthr);
		k = ls->n > 0 ? links_new(db, ls, e) : 1;
	}
	if (k == -1)
		goto out;
	/*
	 * The general way: links made where missing, ON CONFLICT, then
	 * those a concurrent submit made looked up; a list submitted again
	 * (known) looks its links up first, and makes only the rest.
	 */
	if (known && (left = links_lookup(db, ls, e)) == -1)
		goto out;
	if (k != 1 && links_left(ls) > 0) {
		a = url_array(ls);
		left = links_map(db, ls, insert_links, a, e);
		free(a);
		if (left == -1)
			goto out;
	}
	if (links_left(ls) > 0) {
		if ((left = links_lookup(db, ls, e)) == -1)
			goto out;
		if (left > 0) {
			/* deleted meanwhile: the next try creates it again */
			tq_err_set(e, TQ_ERR_TRANSIENT, "postgresql",
			    "postgresql: %zu links vanished while submitting",
			    (size_t)left);
			goto out;
		}
	}
	for (i = 0; i < s->nin; i++) {
		if (s->in[i].skip || s->in[i].url == NULL)
			continue;
		s->in[i].id = ls->lid[*set_str(&ls->set, ls->urls,
		    s->in[i].url) - 1];
	}
	rc = 0;
out:
	return rc;
}

/* The ai stage's params: the model by name or id, or the default. */
static int
ai_model(PGconn *db, struct tq_submit *s, const char *model, json_t *params,
    struct tq_err *e)
{
	long long id;
	char *name;

	switch (tq_model_find(db, e, model, &id, &name)) {
	case -1:
		return -1;
	case 0:
		if (model != NULL) {
			char where[256];

			/* "model x", as tq-model says it; "" for an empty -m */
			snprintf(where, sizeof(where), "model %s", *model ?
			    model : "\"\"");
			bad(s, where, "no such model (see tq-model list)");
		} else
			bad(s, "model", "no default model (see tq-model "
			    "default)");
		return 0;
	}
	json_object_set_new(params, "model_id", json_integer(id));
	json_object_set_new(params, "model", json_string(name));
	free(name);
	return 0;
}

/* ------------------------------------------------------------ write */

/* The end of a COPY: 0 once PostgreSQL took every row. */
static int
copy_result(PGconn *db, struct tq_err *e)
{
	PGresult *r;
	int rc = 0;

	while ((r = PQgetResult(db)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
			rc = result_err(db, r, e);
		PQclear(r);
	}
	return rc;
}

static void
add_num(struct tq_buf *b, long long v)
{
	char d[24], *p = d + sizeof(d);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	tq_buf_add(b, p, d + sizeof(d) - p);
}

/*
 * The job ids of one submit, UUIDs of version 7 (RFC 9562): the time
 * in ms, then the item's number in this submit (26 bits, in rand_a and
 * the top of rand_b), then 48 random bits.  They grow from one item to
 * the next and from one submit to the next, so that the unique index
 * on task_items.job_id takes each new id at its right edge: a few
 * pages touched per submit instead of one leaf per item, a difference
 * that grows with the table (and with every full-page image written
 * after a checkpoint).
 */
static void
job_ids(char (*out)[37], size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16], rnd[6 * 256];
	uint64_t ms = (uint64_t)(tq_now() * 1e3);
	size_t k;
	int i, j;

	for (k = 0; k < n; k++) {
		uint32_t seq = (uint32_t)(k & 0x3ffffff);

		/* the random bytes of 256 ids at once: each call of
		 * libbsd's arc4random_buf() asks the kernel for the pid */
		if (k % 256 == 0)
			arc4random_buf(rnd, sizeof(rnd));
		memcpy(b + 10, rnd + 6 * (k % 256), 6);
		for (i = 0; i < 6; i++)
			b[i] = (unsigned char)(ms >> (40 - 8 * i));
		b[6] = (unsigned char)(0x70 | (seq >> 22));
		b[7] = (unsigned char)(seq >> 14);
		b[8] = (unsigned char)(0x80 | ((seq >> 8) & 0x3f));
		b[9] = (unsigned char)seq;
		for (i = 0, j = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				out[k][j++] = '-';
			out[k][j++] = hex[b[i] >> 4];
			out[k][j++] = hex[b[i] & 0x0f];
		}
		out[k][j] = '\0';
	}
}

/*
 * The job hashes, written by a thread while PostgreSQL writes the
 * items: no worker sees a job before its id is pushed, after the
 * commit.  Should the transaction fail, the hashes are deleted again.
 */
struct hashes {
	redisContext			*rc;
	enum tq_stage			 stage;
	const struct tq_jobspec		*jobs;
	size_t				 n;
	int				 rc_ok;	/* 0 written, -1 err */
	struct tq_err			 err;
	char				 tpl[64]; /* the template's key */
};

/*
 * Write commands already formatted (RESP) to a clean connection: 0, or
 * -1 with e set.  Megabytes go straight to the socket: hiredis would
 * copy them into its buffer and, after each partial write, move what
 * is left to the front of it.
 */
static int
send_raw(redisContext *rc, const char *buf, size_t len, struct tq_err *e)
{
	ssize_t k;

	while (len > 0) {
		if ((k = write(rc->fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			/*
			 * Part of a command may be out: the connection is no
			 * longer in step with its replies, and fails from now
			 * on (tq-api then makes another).
			 */
			rc->err = REDIS_ERR_IO;
			snprintf(rc->errstr, sizeof(rc->errstr), "%s",
			    errno == EAGAIN ? "timed out" : strerror(errno));
			return tq_err_set(e, TQ_ERR_TRANSIENT, "redis",
			    "redis: %s", rc->errstr);
		}
		buf += k;
		len -= (size_t)k;
	}
	return 0;
}

static const char exec_cmd[] = "*1\r\n$4\r\nEXEC\r\n",
    discard_cmd[] = "*1\r\n$7\r\nDISCARD\r\n";

/* A connection with nothing buffered, so that bytes may bypass hiredis. */
static int
redis_clean(const redisContext *rc)
{
	return rc->err == 0 && rc->obuf != NULL && sdslen(rc->obuf) == 0;
}

/* Send n commands, formatted, and read their replies. */
static int
send_cmds(redisContext *rc, const char *buf, size_t len, int n,
    struct tq_err *e)
{
	if (!redis_clean(rc)) {
		/* as hiredis does it */
		if (redisAppendFormattedCommand(rc, buf, len) != REDIS_OK)
			return tq_err_set(e, TQ_ERR_TRANSIENT, "redis",
			    "redis: %s", rc->errstr);
		return tq_redis_replies(rc, e, n);
	}
	if (send_raw(rc, buf, len, e) == -1)
		return -1;
	return tq_redis_replies(rc, e, n);
}

/*
 * The hashes go out 256 at a time, formatted into one buffer of some
 * 60 KB that is used again for the next: a submit of a million URLs
 * does not hold half a gigabyte of commands, and the buffer's pages
 * are touched once.
 *
 * Each job is a COPY of one template hash, which holds the fields all
 * the jobs share, and an HSET of its own two fields: Redis does half
 * the work of an HSET of eleven fields (it parses 8 arguments a job,
 * not 24).  The template is deleted last.  A job whose COPY found no
 * template, or whose HSET found no copy (a FLUSHALL in between: it
 * answers 2 new fields, not 0), gets its whole hash again, in one HSET:
 * a job's hash is whole or not there, never half.
 */
#define HASH_CHUNK	256

/*
 * The jobs whose template or copy was gone (got: the replies, the
 * template's HSET first, then each job's COPY and HSET), written whole.
 */
static int
rewrite_hashes(struct hashes *h, const long long *got)
{
	struct tq_jobspec *redo;
	struct tq_buf b = { 0 };
	size_t k, m = 0;
	int rv;

	for (k = 0; k < h->n; k++)
		m += got[1 + 2 * k] != 1 || got[2 + 2 * k] != 0;
	if (m == 0)
		return 0;
	redo = xcalloc(m, sizeof(*redo));
	for (k = 0, m = 0; k < h->n; k++)
		if (got[1 + 2 * k] != 1 || got[2 + 2 * k] != 0)
			redo[m++] = h->jobs[k];
	tq_logf(TQ_LOG_INFO, "submit: %zu job hashes written again "
	    "(their template was gone)", m);
	rv = send_cmds(h->rc, b.data, b.len,
	    tq_queue_format_hashes(&b, h->stage, redo, m), &h->err);
	tq_buf_free(&b);
	free(redo);
	return rv;
}

/*
 * TQ_TEST_SUBMIT_PAUSE (tests only): while the file it names exists,
 * wait after the template and the first copies went out (30 s at the
 * most), so that a test can change Redis under a submit at a known
 * point.
 */
static void
test_pause(void)
{
	const char *f = getenv("TQ_TEST_SUBMIT_PAUSE");
	int k;

	if (f == NULL || *f == '\0')
		return;
	for (k = 0; k < 3000 && access(f, F_OK) == 0; k++)
		usleep(10000);
}

static void *
write_hashes(void *arg)
{
	struct hashes *h = arg;
	struct tq_buf b = { 0 };
	long long *got;
	size_t i, m;
	int n, clean = redis_clean(h->rc), last;

	h->rc_ok = 0;
	if (h->n == 0)
		return NULL;
	/* the first job's id, unique, names the template too */
	snprintf(h->tpl, sizeof(h->tpl), "tq:submit:%s", h->jobs[0].job_id);
	n = tq_queue_format_template(&b, h->stage, h->tpl);
	for (i = 0; ; i += m) {
		m = h->n - i > HASH_CHUNK ? HASH_CHUNK : h->n - i;
		n += tq_queue_format_copies(&b, h->stage, h->tpl, h->jobs + i,
		    m);
		if ((last = i + m == h->n))
			n += tq_queue_format_template_del(&b, h->tpl);
		if (clean) {
			if (send_raw(h->rc, b.data, b.len, &h->err) == -1) {
				h->rc_ok = -1;	/* no replies read */
				tq_buf_free(&b);
				return NULL;
			}
			b.len = 0;
			if (i == 0)
				test_pause();
		}
		if (last)
			break;
	}
	if (!clean && redisAppendFormattedCommand(h->rc, b.data, b.len) !=
	    REDIS_OK) {
		tq_err_set(&h->err, TQ_ERR_TRANSIENT, "redis", "redis: %s",
		    h->rc->errstr);
		h->rc_ok = -1;
		tq_buf_free(&b);
		return NULL;
	}
	tq_buf_free(&b);
	got = xcalloc((size_t)n, sizeof(*got));
	h->rc_ok = tq_redis_replies_ints(h->rc, &h->err, n, got);
	if (h->rc_ok == 0)
		h->rc_ok = rewrite_hashes(h, got);
	free(got);
	return NULL;
}

/* Best effort: the hashes of a task that was not saved. */
static void
drop_hashes(redisContext *rc, const struct hashes *h)
{
	struct tq_err e = { 0 };
	size_t i;
	int cmds = 0;

	if (h->tpl[0] != '\0' && rc->err == 0) {
		redisAppendCommand(rc, "DEL %s", h->tpl);
		cmds++;
	}
	for (i = 0; i < h->n && rc->err == 0; i++) {
		redisAppendCommand(rc, "DEL rq:job:%s", h->jobs[i].job_id);
		cmds++;
	}
	tq_redis_replies(rc, &e, cmds);
}

/*
 * The follow-up tasks of a chain, each linked to the one before it and
 * awaiting it, in the transaction of the first: no items yet, they come
 * as the items before them complete (sql/0008).
 */
static int
chain(PGconn *db, struct tq_submit *s, const char *delays,
    struct tq_err *e)
{
	long long prev = s->task;
	char pbuf[24], nbuf[24], mr[16], batch[37], *pj;
	const char *p[8];
	PGresult *r;
	size_t k;

	for (k = 0; k < s->nthen; k++) {
		struct tq_submit_then *t = &s->then[k];

		tq_uuid(batch);
		snprintf(pbuf, sizeof(pbuf), "%lld", prev);
		snprintf(mr, sizeof(mr), "%d", t->max_retries);
		pj = json_dumps(t->params, JSON_COMPACT);
		p[0] = tq_stage_task_type(t->stage);
		p[1] = tq_stage_queue(t->stage);
		p[2] = batch;
		p[3] = pj;
		p[4] = mr;
		p[5] = delays;
		p[6] = pbuf;
		p[7] = s->notify_url;
		r = tq_db_exec(db, e, "INSERT INTO processing_tasks (type, "
		    "queue_name, job_id, total_items, params, max_retries, "
		    "retry_delays, parent_task_id, awaiting_parent, notify_url) "
		    "VALUES ($1, $2, $3, 0, $4, $5, $6::int[], $7, true, $8) "
		    "RETURNING id", 8, p);
		free(pj);
		if (r == NULL)
			return -1;
		t->task = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
		snprintf(nbuf, sizeof(nbuf), "%lld", t->task);
		p[0] = pbuf;
		p[1] = nbuf;
		r = tq_db_exec(db, e, "UPDATE processing_tasks SET "
		    "next_task_id = $2 WHERE id = $1", 2, p);
		if (r == NULL)
			return -1;
		PQclear(r);
		prev = t->task;
	}
	return 0;
}

/* The n items as rows of task_items, in one COPY: 0, or -1 and e. */
static int
items_copy(PGconn *db, const struct tq_submit *s, const long long *ids,
    char (*jid)[37], size_t n, struct tq_err *e)
{
	struct tq_buf rows = { 0 };
	PGresult *r;
	size_t k;
	int rv = -1;

	r = PQexec(db, "COPY task_items (task_id, seq, item_id, item_type, "
	    "job_id) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		result_err(db, r, e);
		PQclear(r);
		copy_result(db, e);
		return -1;
	}
	PQclear(r);
	for (k = 0; k < n; k++) {
		add_num(&rows, s->task);
		tq_buf_add(&rows, "\t", 1);
		add_num(&rows, (long long)k + 1);
		tq_buf_add(&rows, "\t", 1);
		add_num(&rows, ids[k]);
		tq_buf_add(&rows, "\t", 1);
		tq_buf_adds(&rows, tq_stage_item_type(s->stage));
		tq_buf_add(&rows, "\t", 1);
		tq_buf_add(&rows, jid[k], 36);
		tq_buf_add(&rows, "\n", 1);
		if (copy_put(db, &rows, 0, e) == -1) {
			copy_result(db, e);
			goto out;
		}
	}
	if (copy_put(db, &rows, 1, e) == -1) {
		copy_result(db, e);
		goto out;
	}
	rv = copy_result(db, e);
out:
	tq_buf_free(&rows);
	return rv;
}

/* v as a k-byte big-endian integer at the end of b */
static void
add_be(struct tq_buf *b, uint64_t v, int k)
{
	unsigned char x[8];
	int i;

	for (i = k - 1; i >= 0; i--, v >>= 8)
		x[i] = v & 0xff;
	tq_buf_add(b, x, k);
}

/* A one-dimensional array of n elements of type oid, in binary: its head. */
static void
array_head(struct tq_buf *b, uint32_t oid, size_t n)
{
	add_be(b, 1, 4);	/* dimensions */
	add_be(b, 0, 4);	/* no NULLs */
	add_be(b, oid, 4);
	add_be(b, n, 4);	/* length */
	add_be(b, 1, 4);	/* lower bound */
}

/* The 16 bytes of a UUID written as 36 hex digits and dashes. */
static void
add_uuid(struct tq_buf *b, const char *u)
{
	unsigned char x[16];
	int i, k = 0;

	for (i = 0; i < 36 && k < 16; i++) {
		if (u[i] == '-')
			continue;
		x[k++] = (unsigned char)(tq_hexval(u[i]) << 4 |
		    tq_hexval(u[i + 1]));
		i++;
	}
	tq_buf_add(b, x, 16);
}

/*
 * The n items of a large submit as rows of task_item_batches, each the
 * item ids and job ids of BATCH_ITEMS items as two arrays, in seq
 * order, sent in binary.  The first claim of one of a row's items
 * writes that row's out as rows of task_items (sql/0019): their index
 * entries and their task's check took three quarters of the submit's
 * time.  A row of 10,000 items is written out in some 100 ms, a pause
 * of its claimer's loop that stays short however big the submit.
 */
#define BATCH_ITEMS	10000

static int
items_batch(PGconn *db, const struct tq_submit *s, const long long *ids,
    char (*jid)[37], size_t n, struct tq_err *e)
{
	struct tq_buf ia = { 0 }, ja = { 0 };
	char task[24], first[24];
	const char *p[5];
	int lens[5] = { 0 }, fmts[5] = { 0, 0, 0, 1, 1 };
	PGresult *r = NULL;
	size_t at, k, m;

	snprintf(task, sizeof(task), "%lld", s->task);
	p[0] = task;
	p[1] = first;
	p[2] = tq_stage_item_type(s->stage);
	for (at = 0; at < n; at += m) {
		m = n - at < BATCH_ITEMS ? n - at : BATCH_ITEMS;
		ia.len = ja.len = 0;
		array_head(&ia, 20, m);		/* int8 */
		array_head(&ja, 2950, m);	/* uuid */
		for (k = at; k < at + m; k++) {
			add_be(&ia, 8, 4);
			add_be(&ia, (uint64_t)ids[k], 8);
			add_be(&ja, 16, 4);
			add_uuid(&ja, jid[k]);
		}
		snprintf(first, sizeof(first), "%zu", at + 1);
		p[3] = ia.data;
		p[4] = ja.data;
		lens[3] = (int)ia.len;
		lens[4] = (int)ja.len;
		r = tq_db_exec_bin(db, e, "INSERT INTO task_item_batches "
		    "(task_id, first_seq, item_type, item_ids, job_ids) VALUES "
		    "($1, $2, $3, $4::int8[], $5::uuid[])", 5, p, lens, fmts);
		if (r == NULL)
			break;
		PQclear(r);
	}
	tq_buf_free(&ia);
	tq_buf_free(&ja);
	return r == NULL ? -1 : 0;
}

#define SUBMIT_AGAIN	(-2)	/* a link was there: again, one connection */

/*
 * The work on the inputs alone: the URLs checked and normalised, the
 * distinct ones found and sorted (linkset_sort()).  Once a submit, in
 * tq_submit_prepare() while tq-submit waits for its connections, or
 * else in the first try of submit(), after the upstream checks.
 */
struct tq_submit_prep {
	struct linkset		 ls;
};

static void
prepare(struct tq_submit *s)
{
	check_urls(s);
	s->prep = xcalloc(1, sizeof(*s->prep));
	linkset_init(&s->prep->ls, s->nin);
	linkset_add(&s->prep->ls, s, 0, s->nin);
	linkset_sort(&s->prep->ls);
	tq_submit_phase("URLs checked and sorted");
}

void
tq_submit_prepare(struct tq_submit *s)
{
	/* the claims' reports come first (upstream()), then the URLs' */
	if (s->prep != NULL || s->nclaims > 0)
		return;
	s->nbad = 0;
	prepare(s);
}

static int
submit(PGconn *db, redisContext *rc, struct tq_submit *s, int par,
    struct tq_err *e)
{
	struct linkpar lp;
	pthread_t lthr = 0;
	struct tq_jobspec *jobs = NULL;
	struct tq_buf cmds = { 0 }, delays = { 0 };
	struct hashes hw;
	struct linkset *ls;
	struct set set;
	pthread_t thr;
	long long *ids = NULL;
	char (*jid)[37] = NULL;
	char *pj = NULL, batch[37], nbuf[24], mr[16], *delays_s = NULL;
	const char *p[8];
	PGresult *r;
	size_t k, n = 0;
	struct tq_err de = { 0 };
	int ncmds = 0, ret = -1, threaded = 0, hashed = 0, sent = 0;
	int pushing = 0;	/* 1: a MULTI sent, to EXEC; -1: failed */
	int par_links = 0;

	/* a backend on this host: over a socket, or to a loopback address */
	if (tq_loglevel >= TQ_LOG_DEBUG && PQhost(db) != NULL &&
	    (PQhost(db)[0] == '/' || strcmp(PQhost(db), "localhost") == 0 ||
	    strncmp(PQhost(db), "127.", 4) == 0 ||
	    strcmp(PQhost(db), "::1") == 0))
		prof_pid = PQbackendPID(db);
	s->task = 0;
	s->nitems = 0;
	s->queued = 0;
	s->rec = NULL;
	set.slot = NULL;
	lp.started = 0;
	if (par && s->nin >= PAR_LINKS && s->stage == TQ_STAGE_PARSE)
		links_par_start(&lp, &lthr);
	if (tq_db_cmd(db, e, "BEGIN") == -1)
		goto rollback;
	if (upstream(db, s, e) == -1)
		goto rollback;
	tq_submit_phase("upstream checked");
	if (s->prep == NULL)
		prepare(s);
	ls = &s->prep->ls;
	memset(ls->lid, 0, (ls->n + 1) * sizeof(*ls->lid));	/* again */
	if (check_ids(db, s, e) == -1)
		goto rollback;
	/* every check that may find bad input before the links */
	if (s->stage == TQ_STAGE_AI && ai_model(db, s, s->model, s->params,
	    e) == -1)
		goto rollback;
	for (k = 0; k < s->nthen; k++)
		if (s->then[k].stage == TQ_STAGE_AI && ai_model(db, s,
		    s->then[k].model, s->then[k].params, e) == -1)
			goto rollback;
	if (s->nbad == 0 && links(db, s, ls, par ? &lp : NULL, lthr,
	    e) == -1)
		goto rollback;
	tq_submit_phase(lp.started ? "link ids taken, links being "
	    "written beside" : "links made");
	if (s->nbad > 0) {
		ret = TQ_SUBMIT_BAD;
		goto rollback;
	}

	/* one item per distinct input, in input order */
	ids = xcalloc(s->nin + 1, sizeof(*ids));
	set_init(&set, s->nin);
	for (k = 0; k < s->nin; k++) {
		size_t *slot;

		if (s->in[k].skip)
			continue;
		slot = set_id(&set, ids, s->in[k].id);
		if (*slot == 0) {
			ids[n++] = s->in[k].id;
			*slot = n;
		}
	}
	if (n == 0) {
		ret = TQ_SUBMIT_EMPTY;
		goto rollback;
	}

	pj = json_dumps(s->params, JSON_COMPACT);
	tq_uuid(batch);
	snprintf(nbuf, sizeof(nbuf), "%zu", n);
	snprintf(mr, sizeof(mr), "%d", s->max_retries);
	tq_buf_adds(&delays, "{");
	for (k = 0; k < (size_t)tq_cfg.nretry_delays; k++)
		tq_buf_addf(&delays, "%s%d", k ? "," : "",
		    tq_cfg.retry_delays[k]);
	tq_buf_adds(&delays, "}");
	p[0] = tq_stage_task_type(s->stage);
	p[1] = tq_stage_queue(s->stage);
	p[2] = batch;
	p[3] = nbuf;
	p[4] = pj;
	p[5] = mr;
	p[6] = delays.data;
	p[7] = s->notify_url;
	r = tq_db_exec(db, e, "INSERT INTO processing_tasks (type, "
	    "queue_name, job_id, total_items, params, max_retries, "
	    "retry_delays, notify_url) VALUES ($1, $2, $3, $4, $5, $6, "
	    "$7::int[], $8) RETURNING id", 8, p);
	delays_s = xstrdup(delays.data);
	tq_buf_free(&delays);
	if (r == NULL)
		goto rollback;
	s->task = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (chain(db, s, delays_s, e) == -1)
		goto rollback;
	tq_submit_phase("task inserted");

	/* the items in one COPY, with their job ids made here */
	jid = xcalloc(n, sizeof(*jid));
	jobs = xcalloc(n, sizeof(*jobs));
	job_ids(jid, n);
	for (k = 0; k < n; k++) {
		jobs[k].job_id = jid[k];
		jobs[k].task_id = s->task;
		jobs[k].item_id = ids[k];
	}
	hw.rc = rc;
	hw.stage = s->stage;
	hw.jobs = jobs;
	hw.n = n;
	hw.rc_ok = -1;
	memset(&hw.err, 0, sizeof(hw.err));
	hw.tpl[0] = '\0';
	if (pthread_create(&thr, NULL, write_hashes, &hw) == 0)
		threaded = hashed = 1;
	if (tq_cfg.submit_batch > 0 && n >= (size_t)tq_cfg.submit_batch) {
		if (items_batch(db, s, ids, jid, n, e) == -1)
			goto rollback;
		tq_submit_phase("items batched");
	} else {
		if (items_copy(db, s, ids, jid, n, e) == -1)
			goto rollback;
		tq_submit_phase("items copied");
	}
	/* the record, made by PostgreSQL while the links commit */
	if (s->want_record && tq_task_records_send(db, &s->task, 1, 0) == 0)
		sent = 1;
	/*
	 * The pushes go to Redis now, in a MULTI without its EXEC, while
	 * the links commit: Redis has read and queued them by the commit,
	 * after which only the EXEC is sent.  A rollback DISCARDs them, and
	 * so does Redis if tq-submit dies meanwhile (the connection ends).
	 */
	if (threaded) {
		pthread_join(thr, NULL);
		threaded = 0;
		tq_submit_phase("job hashes written");
	}
	if (hw.rc_ok == 0 && redis_clean(rc)) {
		/* the replies with the EXEC's, or the DISCARD's */
		ncmds = tq_queue_format_push_open(&cmds, s->stage, jobs, n,
		    0) + 1;
		pushing = send_raw(rc, cmds.data, cmds.len, e) == 0 ? 1 : -1;
		tq_submit_phase("jobs sent, to push at the commit");
	}
	if ((par_links = lp.started)) {
		links_par_end(&lp, lthr);
		tq_submit_phase("links committed");
	}
	if (sent) {
		sent = 0;
		s->rec = tq_task_records_take(db);
	}
	if (par_links && lp.ok != 1) {	/* a link there, a deadlock, ... */
		ret = SUBMIT_AGAIN;
		goto rollback;
	}
	if (tq_db_cmd(db, e, "COMMIT") == -1)
		goto rollback;
	tq_submit_phase("committed");
	s->nitems = n;
	ret = 0;
	if (!hashed) {
		write_hashes(&hw);	/* no thread could be made */
		tq_submit_phase("job hashes written");
	}

	/* only now may workers see the jobs */
	if (hw.rc_ok == -1)
		*e = hw.err;
	else if (pushing == 1) {
		if (send_raw(rc, exec_cmd, sizeof(exec_cmd) - 1, e) == 0 &&
		    tq_redis_replies(rc, e, ncmds) == 0)
			s->queued = 1;
	} else if (pushing == 0) {
		ncmds = tq_queue_format_push(&cmds, s->stage, jobs, n, 0);
		if (send_cmds(rc, cmds.data, cmds.len, ncmds, e) == 0)
			s->queued = 1;
	}
	tq_submit_phase("jobs pushed");
	goto out;

rollback:
	json_decref(s->rec);	/* read before a failed commit */
	s->rec = NULL;
	if (PQtransactionStatus(db) != PQTRANS_IDLE)
		PQclear(PQexec(db, "ROLLBACK"));
	links_par_end(&lp, lthr);	/* its links may commit: harmless */
	if (pushing == 1 && send_raw(rc, discard_cmd, sizeof(discard_cmd) -
	    1, &de) == 0)
		tq_redis_replies(rc, &de, ncmds);	/* MULTI..., DISCARD */
	if (threaded) {
		pthread_join(thr, NULL);
		threaded = 0;
	}
	if (hashed)
		drop_hashes(rc, &hw);
	s->task = 0;
out:
	tq_buf_free(&cmds);
	free(set.slot);
	free(ids);
	free(jid);
	free(jobs);
	free(pj);
	free(delays_s);
	return ret;
}

int
tq_submit(PGconn *db, redisContext *rc, struct tq_submit *s,
    struct tq_err *e)
{
	int ret, par = 1, tries = 0;

	if (s->prep == NULL)
		s->nbad = 0;
	for (;;) {
		ret = submit(db, rc, s, par, e);
		if (ret == SUBMIT_AGAIN && par) {
			tq_submit_phase("a link was there: again, on one "
			    "connection");
			par = 0;
			continue;
		}
		/*
		 * The links go in one order, but a deadlock may yet come
		 * (URLs over 2,000 bytes, another writer): the transaction
		 * is rolled back whole, so it runs again.
		 */
		if (ret == -1 && strcmp(e->code, "deadlock") == 0 &&
		    ++tries < 4) {
			tq_submit_phase("deadlock: again");
			usleep(10000 + arc4random_uniform(40000));
			continue;
		}
		break;
	}
	tq_submit_clear(s);
	return ret;
}

void
tq_submit_clear(struct tq_submit *s)
{
	if (s->prep != NULL) {
		linkset_free(&s->prep->ls);
		free(s->prep);
		s->prep = NULL;
	}
}
