/*
 * task.c - task records from PostgreSQL (built there by
 * tq_task_record(), see sql/), and small helpers for their callers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

json_t *
tq_task_records(PGconn *c, struct tq_err *err, const long long *ids,
    size_t n, int items)
{
	const char *p[2];
	char *arr;
	PGresult *r;
	json_t *out;
	int i;

	arr = tq_pg_array(ids, n);
	p[0] = arr;
	p[1] = items ? "t" : "f";
	r = tq_db_exec(c, err, "SELECT tq_task_record(id, $2) "
	    "FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) "
	    "ORDER BY n", 2, p);
	free(arr);
	if (r == NULL)
		return NULL;
	out = json_array();
	for (i = 0; i < PQntuples(r); i++) {
		json_t *o = NULL;

		if (!PQgetisnull(r, i, 0))
			o = json_loads(PQgetvalue(r, i, 0), 0, NULL);
		if (o != NULL && json_is_null(json_object_get(o, "items")))
			json_object_del(o, "items");
		json_array_append_new(out, o ? o : json_null());
	}
	PQclear(r);
	return out;
}
