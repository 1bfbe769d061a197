/*
 * content.c - what the stages stored, read back from PostgreSQL for
 * tq-show: the links of a task, link, parsed content or ai result, and
 * one record per link (the SQL functions tq_content_links and
 * tq_content_record of the schema do the joins).
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "tq.h"

json_t *
tq_content_links(PGconn *db, struct tq_err *e, const char *kind,
    long long id)
{
	char ids[24];
	const char *p[2] = { kind, ids };
	PGresult *r;
	json_t *out;
	int i;

	snprintf(ids, sizeof(ids), "%lld", id);
	r = tq_db_exec(db, e, "SELECT tq_content_links($1, $2::bigint)", 2,
	    p);
	if (r == NULL)
		return NULL;
	out = json_array();
	for (i = 0; i < PQntuples(r); i++)
		json_array_append_new(out, json_integer(
		    strtoll(PQgetvalue(r, i, 0), NULL, 10)));
	PQclear(r);
	return out;
}

json_t *
tq_content_records(PGconn *db, struct tq_err *e, const long long *links,
    size_t n, int with_text)
{
	const char *p[2];
	char *arr = tq_pg_array(links, n);
	PGresult *r;
	json_t *out, *rec;
	int k;

	p[0] = arr;
	p[1] = with_text ? "true" : "false";
	/* one statement for many: a query each cost a task of 100,000
	 * links over a minute */
	r = tq_db_exec(db, e, "SELECT tq_content_record(u.l, $2::boolean) "
	    "FROM unnest($1::bigint[]) WITH ORDINALITY AS u(l, o) "
	    "ORDER BY u.o", 2, p);
	free(arr);
	if (r == NULL)
		return NULL;
	out = json_array();
	for (k = 0; k < PQntuples(r); k++) {
		rec = PQgetisnull(r, k, 0) ? json_null() :
		    json_loads(PQgetvalue(r, k, 0), 0, NULL);
		json_array_append_new(out, rec != NULL ? rec : json_null());
	}
	PQclear(r);
	return out;
}

long long
tq_link_find(PGconn *db, struct tq_err *e, const char *url)
{
	const char *p[1] = { url };

	return tq_db_id(tq_db_exec(db, e, "SELECT id FROM links WHERE "
	    "tq_url_key(url) = tq_url_key($1::text) AND url = $1::text",
	    1, p));
}
