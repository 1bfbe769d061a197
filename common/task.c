/*
 * task.c - task records from PostgreSQL (built there by
 * tq_task_record(), see sql/), and small helpers for their callers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

char *
tq_pg_array(const long long *v, size_t n)
{
	struct tq_buf b = { 0 };
	size_t i;

	tq_buf_adds(&b, "{");
	for (i = 0; i < n; i++)
		tq_buf_addf(&b, "%s%lld", i ? "," : "", v[i]);
	tq_buf_adds(&b, "}");
	return b.data;
}

int
tq_task_terminal(const char *s)
{
	return s != NULL && (strcmp(s, "completed") == 0 ||
	    strcmp(s, "failed") == 0 || strcmp(s, "cancelled") == 0);
}

/* The JSON answer of a SQL function of one task id; JSON null if none. */
static json_t *
task_fn(PGconn *c, struct tq_err *err, const char *sql, long long id)
{
	return tq_db_json(tq_db_exec_id(c, err, sql, id));
}

/*
 * task_fn() for a statement that locks many rows a worker may hold
 * too: one that PostgreSQL rolled back for a deadlock, a serialization
 * failure or a lock it could not take runs again, up to three times,
 * after a short wait at random.  A worker claims and settles a batch of
 * items in the order its jobs came, and a cancel or a retry locks a
 * task's items in their order: when the two cross, PostgreSQL breaks
 * the deadlock by failing one of them, and the command must not be
 * the one that gives up.  A lost connection is not tried again.
 */
static json_t *
task_fn_locking(PGconn *c, struct tq_err *err, const char *sql, long long id)
{
	json_t *o;
	int tries = 0;

	while ((o = task_fn(c, err, sql, id)) == NULL && tries++ < 3 &&
	    err->kind == TQ_ERR_TRANSIENT && PQstatus(c) == CONNECTION_OK &&
	    PQtransactionStatus(c) == PQTRANS_IDLE)
		tq_sleep(0.05 + arc4random_uniform(200) / 1000.0);
	return o;
}

json_t *
tq_pg_chain_cancel(PGconn *c, struct tq_err *err, long long id)
{
	return task_fn_locking(c, err, "SELECT tq_chain_cancel($1::bigint)",
	    id);
}

int
tq_task_chain(PGconn *c, struct tq_err *err, long long id, long long **out)
{
	PGresult *r;
	int i, n;

	*out = NULL;
	r = tq_db_exec_id(c, err, "WITH RECURSIVE c(id, next, d) AS ("
	    "SELECT id, next_task_id, 0 FROM processing_tasks "
	    "WHERE id = $1::bigint UNION ALL SELECT t.id, "
	    "t.next_task_id, c.d + 1 FROM processing_tasks t JOIN c "
	    "ON t.id = c.next WHERE c.d < 100) SELECT id FROM c "
	    "ORDER BY d", id);
	if (r == NULL)
		return -1;
	n = PQntuples(r);
	*out = xcalloc((size_t)n + 1, sizeof(**out));
	for (i = 0; i < n; i++)
		(*out)[i] = atoll(PQgetvalue(r, i, 0));
	PQclear(r);
	return n;
}

json_t *
tq_pg_task_retry(PGconn *c, struct tq_err *err, long long id)
{
	return task_fn_locking(c, err, "SELECT tq_task_retry($1::bigint)",
	    id);
}

json_t *
tq_task_attempts(PGconn *c, struct tq_err *err, long long id)
{
	return task_fn(c, err, "SELECT tq_task_attempts($1)", id);
}

int
tq_task_list(PGconn *c, struct tq_err *err, const struct tq_task_filter *f,
    struct tq_ids *out)
{
	char lim[24], age[32], why[64];
	const char *p[4];
	PGresult *r;
	int i;

	snprintf(lim, sizeof(lim), "%lld", f->limit);
	snprintf(age, sizeof(age), "%.3f", f->since);
	p[0] = lim;
	p[1] = f->status;
	p[2] = f->type;
	p[3] = f->since > 0 ? age : NULL;
	r = tq_db_exec(c, err, "SELECT id FROM (SELECT id FROM "
	    "processing_tasks WHERE ($2::text IS NULL OR status = $2) "
	    "AND ($3::text IS NULL OR type = $3) AND ($4::float8 IS "
	    "NULL OR created_at >= now() - make_interval(secs => "
	    "$4::float8)) ORDER BY id DESC LIMIT $1) t ORDER BY id", 4, p);
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		tq_ids_add(out, PQgetvalue(r, i, 0), why, sizeof(why));
	PQclear(r);
	return 0;
}

#define RECORDS_SQL	"SELECT tq_task_record(id, $2) FROM unnest($1::bigint[]) " \
	"WITH ORDINALITY AS u(id, n) ORDER BY n"

/*
 * The records of a RECORDS_SQL result, which is cleared; NULL: NULL.
 * A record jansson could not hold (no memory) is an error (err, if
 * not NULL), not a JSON null, which says there is no such task.
 */
static json_t *
records(PGresult *r, struct tq_err *err)
{
	json_t *out;
	int i;

	if (r == NULL)
		return NULL;
	out = json_array();
	for (i = 0; i < PQntuples(r); i++) {
		json_t *o = NULL;

		if (!PQgetisnull(r, i, 0) && (o = json_loads(PQgetvalue(r, i,
		    0), 0, NULL)) == NULL) {
			json_decref(out);
			PQclear(r);
			if (err != NULL)
				tq_err_set(err, TQ_ERR_PERMANENT, "json",
				    "postgresql: a task's record could not be "
				    "read (out of memory?)");
			return NULL;
		}
		if (o != NULL && json_is_null(json_object_get(o, "items")))
			json_object_del(o, "items");
		json_array_append_new(out, o ? o : json_null());
	}
	PQclear(r);
	return out;
}

json_t *
tq_task_records(PGconn *c, struct tq_err *err, const long long *ids,
    size_t n, int items)
{
	const char *p[2];
	char *arr;
	PGresult *r;

	arr = tq_pg_array(ids, n);
	p[0] = arr;
	p[1] = items ? "t" : "f";
	r = tq_db_exec(c, err, RECORDS_SQL, 2, p);
	free(arr);
	return records(r, err);
}

int
tq_task_records_send(PGconn *c, const long long *ids, size_t n, int items)
{
	const char *p[2];
	char *arr;
	int ok;

	arr = tq_pg_array(ids, n);
	p[0] = arr;
	p[1] = items ? "t" : "f";
	ok = PQsendQueryParams(c, RECORDS_SQL, 2, NULL, p, NULL, NULL, 0);
	free(arr);
	return ok ? 0 : -1;
}

json_t *
tq_task_records_take(PGconn *c)
{
	PGresult *r, *got = NULL;

	while ((r = PQgetResult(c)) != NULL) {
		if (got == NULL && PQresultStatus(r) == PGRES_TUPLES_OK)
			got = r;
		else
			PQclear(r);
	}
	return got != NULL ? records(got, NULL) : NULL;
}

/*
 * A task's items, a batch at a time: a cursor over the items of the
 * record PostgreSQL makes (tq_task_record(), the one definition of an
 * item's JSON), in a transaction that sees what the record without
 * its items saw.  PostgreSQL holds the whole list, this process only a
 * batch: the record of a 50,000-item task took some 200 MB here as one
 * string and one tree.
 */
#define ITEMS_BATCH	"1000"

struct tq_items {
	PGconn		*db;
	int		 done;
};

struct tq_items *
tq_task_items_open(PGconn *c, struct tq_err *err, long long id, json_t **rec)
{
	struct tq_items *h;
	char sql[200];
	json_t *o;

	*rec = NULL;
	if (tq_db_cmd(c, err, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ "
	    "ONLY") == -1)
		return NULL;
	if ((o = task_fn(c, err, "SELECT tq_task_record($1, false)",
	    id)) == NULL)
		goto fail;
	if (!json_is_null(o)) {
		snprintf(sql, sizeof(sql), "DECLARE tq_items NO SCROLL CURSOR "
		    "FOR SELECT json_array_elements(tq_task_record(%lld, "
		    "true)->'items')", id);
		if (tq_db_cmd(c, err, sql) == -1) {
			json_decref(o);
			goto fail;
		}
	}
	h = xcalloc(1, sizeof(*h));
	h->db = c;
	h->done = json_is_null(o);
	*rec = o;
	return h;
fail:
	if (PQstatus(c) == CONNECTION_OK &&
	    PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
	return NULL;
}

json_t *
tq_task_items_next(struct tq_items *h, struct tq_err *err)
{
	json_t *out = json_array();
	PGresult *r;
	int i, n;

	if (h->done)
		return out;
	if ((r = tq_db_exec(h->db, err, "FETCH " ITEMS_BATCH " FROM tq_items",
	    0, NULL)) == NULL) {
		json_decref(out);
		return NULL;
	}
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		json_t *o = json_loads(PQgetvalue(r, i, 0), 0, NULL);

		/* an item left out would be a lie: no memory, say */
		if (o == NULL) {
			PQclear(r);
			json_decref(out);
			tq_err_set(err, TQ_ERR_PERMANENT, "json", "postgresql: "
			    "an item of the task could not be read");
			return NULL;
		}
		json_array_append_new(out, o);
	}
	PQclear(r);
	if (n < atoi(ITEMS_BATCH))
		h->done = 1;
	return out;
}

void
tq_task_items_close(struct tq_items *h)
{
	if (h == NULL)
		return;
	if (PQstatus(h->db) == CONNECTION_OK &&
	    PQtransactionStatus(h->db) != PQTRANS_IDLE)
		PQclear(PQexec(h->db, "ROLLBACK"));
	free(h);
}
