/*
 * model.c - the AI models of the ai stage (table ai_models) in
 * PostgreSQL: find one by name or id, list, add, change, make the
 * default, remove, and load one for a job.  tq-model, tq-submit (the
 * model of an ai task) and the worker (job.c) all come here.
 *
 * Names are never all digits (tq-model checks), so a name or an id
 * finds one model at most.  Changes of the default run in a
 * transaction under a table lock (tq_model_lock), so concurrent moves
 * serialize; the unique partial index allows one default at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

static const char record_sql[] =
    "SELECT json_build_object('id', m.id, 'name', m.name, "
    "'provider', m.provider, 'model', m.model, 'base_url', m.base_url, "
    "'api_key_env', m.api_key_env, 'params', m.params, "
    "'is_default', m.is_default, 'created_at', tq_ts(m.created_at)%s) "
    "FROM ai_models m %s ORDER BY m.id";

int
tq_model_find(PGconn *db, struct tq_err *e, const char *arg,
    long long *id, char **name)
{
	PGresult *r;
	int found;

	/* no name is bytes PostgreSQL would refuse as UTF-8 */
	if (arg != NULL && !tq_utf8_valid(arg, strlen(arg)))
		return 0;
	if (arg != NULL)
		r = tq_db_exec(db, e, "SELECT id, name FROM ai_models WHERE "
		    "name = $1 OR id::text = $1 ORDER BY id::text = $1 DESC "
		    "LIMIT 1", 1, &arg);
	else
		r = tq_db_exec(db, e, "SELECT id, name FROM ai_models WHERE "
		    "is_default", 0, NULL);
	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) == 1)) {
		if (id != NULL)
			*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		if (name != NULL)
			*name = xstrdup(PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return found;
}

json_t *
tq_model_records(PGconn *db, struct tq_err *e, long long id, int extra)
{
	PGresult *r;
	json_t *out;
	char *sql, idb[24];
	const char *p = idb;
	int i;

	snprintf(idb, sizeof(idb), "%lld", id);
	sql = xasprintf(record_sql, extra ? ", 'results', (SELECT count(*) "
	    "FROM ai_processed_contents a WHERE a.model_id = m.id), "
	    "'server_json_mode', (SELECT s.json_mode FROM ai_server_modes s "
	    "WHERE s.base_url = m.base_url AND s.model = m.model)" : "",
	    id > 0 ? "WHERE m.id = $1" : "");
	r = tq_db_exec(db, e, sql, id > 0 ? 1 : 0, id > 0 ? &p : NULL);
	free(sql);
	if (r == NULL)
		return NULL;
	out = json_array();
	for (i = 0; i < PQntuples(r); i++)
		json_array_append_new(out, json_loads(PQgetvalue(r, i, 0), 0,
		    NULL));
	PQclear(r);
	return out;
}

int
tq_model_lock(PGconn *db, struct tq_err *e)
{
	if (tq_db_cmd(db, e, "BEGIN") == -1)
		return -1;
	return tq_db_cmd(db, e, "LOCK TABLE ai_models IN SHARE ROW EXCLUSIVE "
	    "MODE");
}

void
tq_db_rollback(PGconn *db)
{
	PQclear(PQexec(db, "ROLLBACK"));
}

int
tq_model_make_default(PGconn *db, struct tq_err *e, long long id)
{
	/* in two steps: the unique index allows one default at a time */
	if (tq_db_id(tq_db_exec_id(db, e, "UPDATE ai_models SET is_default "
	    "= false WHERE is_default AND id <> $1", id)) == -1)
		return -1;
	if (id > 0 && tq_db_id(tq_db_exec_id(db, e, "UPDATE ai_models SET "
	    "is_default = true WHERE id = $1", id)) == -1)
		return -1;
	return 0;
}

int
tq_model_usage(PGconn *db, struct tq_err *e, long long id,
    struct tq_model_usage *u)
{
	PGresult *r;

	r = tq_db_exec_id(db, e, "SELECT m.name, m.is_default, "
	    "(SELECT count(*) FROM ai_processed_contents a "
	    "WHERE a.model_id = m.id), "
	    "(SELECT count(*) FROM processing_tasks t "
	    "WHERE t.type = 'ai_processing' AND t.status IN ('queued', "
	    "'running') AND t.params->>'model_id' = m.id::text) "
	    "FROM ai_models m WHERE m.id = $1", id);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return tq_err_set(e, TQ_ERR_PERMANENT, "no_model",
		    "model %lld: no such model", id);
	}
	u->name = xstrdup(PQgetvalue(r, 0, 0));
	u->is_default = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	u->results = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	u->tasks = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	PQclear(r);
	return 0;
}

int
tq_model_delete(PGconn *db, struct tq_err *e, long long id)
{
	return tq_db_id(tq_db_exec_id(db, e, "DELETE FROM ai_models WHERE "
	    "id = $1", id)) == -1 ? -1 : 0;
}

long long
tq_model_insert(PGconn *db, struct tq_err *e, const struct tq_model_new *m)
{
	const char *p[7];

	p[0] = m->name;
	p[1] = m->provider;
	p[2] = m->model;
	p[3] = m->base_url;
	p[4] = m->api_key_env;
	p[5] = m->params;
	p[6] = m->is_default ? "t" : "f";
	return tq_db_id(tq_db_exec(db, e, "INSERT INTO ai_models (name, "
	    "provider, model, base_url, api_key_env, params, is_default) "
	    "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::boolean) ON CONFLICT "
	    "(name) DO NOTHING RETURNING id", 7, p));
}

int
tq_model_set_params(PGconn *db, struct tq_err *e, long long id,
    const char *params, int drop_rpm)
{
	char idb[24];
	const char *p[3];
	PGresult *r;
	int changed;

	snprintf(idb, sizeof(idb), "%lld", id);
	p[0] = idb;
	p[1] = params;
	p[2] = drop_rpm ? "{rpm}" : "{}";
	r = tq_db_exec(db, e, "UPDATE ai_models SET params = (coalesce("
	    "params, '{}') || $2::jsonb) - $3::text[] WHERE id = $1 AND ("
	    "provider = 'openai' OR $2::jsonb = '{}')", 3, p);
	if (r == NULL)
		return -1;
	changed = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	return changed;
}

/*
 * The model's own json_mode (tq-model -J) wins; without one, what its
 * server was found to accept for its model (sql/0020 writes it from
 * such models).
 */
json_t *
tq_model_load(PGconn *db, struct tq_err *e, long long id)
{
	return tq_db_json(tq_db_exec_id(db, e, "SELECT json_build_object("
	    "'id', m.id, "
	    "'name', m.name, 'provider', m.provider, 'model', m.model, "
	    "'base_url', m.base_url, 'api_key_env', m.api_key_env, "
	    "'params', m.params, 'json_mode', coalesce(nullif("
	    "m.params->>'json_mode', ''), s.json_mode)) FROM ai_models m "
	    "LEFT JOIN ai_server_modes s ON s.base_url = m.base_url "
	    "AND s.model = m.model "
	    "WHERE m.id = $1", id));
}

int
tq_model_call_timeout(int t)
{
	int job = tq_cfg.timeout[TQ_STAGE_AI];

	if (t <= 0 || t > job)
		return job > 10 ? job - 5 : job;
	return t;
}
