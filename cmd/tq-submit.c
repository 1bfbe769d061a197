/*
 * tq-submit - create a task of one stage with one item per input and
 * queue a job per item; print the task record and return at once.
 *
 * Invariants: every input is checked before anything is written; the
 * task and all its items are written in one transaction, and only then
 * are the jobs pushed to Redis.  If the push fails the items stay
 * pending in PostgreSQL and the workers' reconciler queues them, so a
 * submitted task is never lost.  Any bad input writes nothing.
 */
#include <ctype.h>
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"

struct input {
	char		*text;		/* URL, or NULL for an id */
	long long	 id;
	char		*where;		/* "line 3", or the operand */
	long long	 seq;		/* input order */
	int		 skip;		/* an upstream item without a result */
};

/*
 * What an upstream task record claims: its task, and for each of its
 * items the result id (0: none) that became inputs[input].  item 0
 * stands for the task itself.  The database must agree (upstream()).
 */
struct claim {
	long long	 task;
	long long	 item;
	long long	 id;
	size_t		 input;
	char		*where;
};

static struct claim *claims;
static size_t nclaims, capclaims;

static struct input *inputs;
static size_t ninputs, capinputs;
static int stage = -1;
static int quiet;
static int nbad;

static struct option longopts[] = {
	{ "database-url", required_argument, NULL, 'd' },
	{ "database-id", required_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ "table", no_argument, NULL, 'H' },
	{ "insights", no_argument, NULL, 'i' },
	{ "no-insights", no_argument, NULL, 'I' },
	{ "json", no_argument, NULL, 'j' },
	{ "keywords", no_argument, NULL, 'k' },
	{ "no-keywords", no_argument, NULL, 'K' },
	{ "model", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "redis-url", required_argument, NULL, 'r' },
	{ "max-retries", required_argument, NULL, 'R' },
	{ "properties", required_argument, NULL, 'p' },
	{ "summary", no_argument, NULL, 's' },
	{ "no-summary", no_argument, NULL, 'S' },
	{ "version", no_argument, NULL, 'V' },
	{ "with-text", no_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: tq-submit [-hHjqV] [-d database-url] [-r redis-url] "
	    "[-R max-retries]\n"
	    "                 parse [link-id | url | -] ...\n"
	    "       tq-submit [options] ai [-iIkKsS] [-m model] "
	    "[parsed-content-id | -] ...\n"
	    "       tq-submit [options] notion [-w] [-D database-id] "
	    "[-p properties]\n"
	    "                 [ai-content-id | -] ...\n");
	exit(status);
}

static void
add(char *text, long long id, const char *where)
{
	if (ninputs == capinputs) {
		capinputs = capinputs ? capinputs * 2 : 64;
		inputs = xrealloc(inputs, capinputs * sizeof(*inputs));
	}
	inputs[ninputs].text = text;
	inputs[ninputs].id = id;
	inputs[ninputs].where = xstrdup(where);
	inputs[ninputs].seq = 0;
	inputs[ninputs].skip = 0;
	ninputs++;
}

static void
claim(long long task, long long item, long long id, const char *where)
{
	if (nclaims == capclaims) {
		capclaims = capclaims ? capclaims * 2 : 64;
		claims = xrealloc(claims, capclaims * sizeof(*claims));
	}
	claims[nclaims].task = task;
	claims[nclaims].item = item;
	claims[nclaims].id = id;
	claims[nclaims].input = ninputs - 1;
	claims[nclaims].where = xstrdup(where);
	nclaims++;
}

static void
bad(const char *where, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("%s: %s", tq_vis_tmp(where), tq_vis_tmp(msg));
	nbad++;
}

static const char *
id_key(void)
{
	return tq_stages[stage].consumes;
}

/*
 * An upstream record: a task (take its items' results) or one item.
 * A task's record is a claim that upstream() checks against the
 * database: the task exists and has ended, each item is one of its
 * items, and each result id is the one the item stored.
 */
static void
add_record(json_t *o, const char *where)
{
	json_t *items, *it, *v;
	size_t i;
	const char *st;
	long long task;

	items = json_object_get(o, "items");
	if (items != NULL) {
		v = json_object_get(o, "task_id");
		if (!json_is_integer(v))
			v = json_object_get(o, "id");
		task = json_integer_value(v);
		if (!json_is_integer(v) || task < 1) {
			bad(where, "record has items but no task_id");
			return;
		}
		if (!json_is_array(items)) {
			bad(where, "task %lld: items is not an array", task);
			return;
		}
		st = json_string_value(json_object_get(o, "status"));
		if (st != NULL && !tq_task_terminal(st)) {
			bad(where, "task %lld is %s: wait for it with tq-wait",
			    task, st);
			return;
		}
		add(NULL, 0, where);	/* the task itself */
		inputs[ninputs - 1].skip = 1;
		claim(task, 0, 0, where);
		json_array_foreach(items, i, it) {
			json_t *res = json_object_get(it, "result");
			json_t *iid = json_object_get(it, "item_id");

			if (!json_is_object(it) || !json_is_integer(iid) ||
			    json_integer_value(iid) < 1) {
				bad(where, "task %lld: items[%zu] is not an item "
				    "with an item_id", task, i);
				continue;
			}
			v = json_object_get(res, id_key());
			if (v != NULL && (!json_is_integer(v) ||
			    json_integer_value(v) < 1)) {
				bad(where, "task %lld item %lld: %s is not an id",
				    task, json_integer_value(iid), id_key());
				continue;
			}
			add(NULL, json_integer_value(v), where);
			claim(task, json_integer_value(iid),
			    json_integer_value(v), where);
		}
		return;
	}
	if (json_is_object(json_object_get(o, "result")))
		o = json_object_get(o, "result");
	if (json_is_integer(v = json_object_get(o, id_key())))
		add(NULL, json_integer_value(v), where);
	else if (stage == TQ_STAGE_PARSE &&
	    json_is_string(v = json_object_get(o, "url")))
		add(xstrdup(json_string_value(v)), 0, where);
	else if (json_is_integer(json_object_get(o, "task_id")))
		bad(where, "task %lld has no items: wait for it with tq-wait",
		    json_integer_value(json_object_get(o, "task_id")));
	else
		bad(where, "record has no %s", id_key());
}

/*
 * Check the claims of upstream task records against the database.
 * Items that ended without a result are skipped with a warning, as
 * the records say; any other disagreement is bad input.
 */
static int
upstream(PGconn *db, struct tq_err *e)
{
	long long *tasks, *items, last = 0;
	char *ta, *ia;
	const char *p[3];
	PGresult *r;
	size_t k;

	if (nclaims == 0)
		return 0;
	tasks = xcalloc(nclaims, sizeof(*tasks));
	items = xcalloc(nclaims, sizeof(*items));
	for (k = 0; k < nclaims; k++) {
		tasks[k] = claims[k].task;
		items[k] = claims[k].item;
	}
	ta = tq_pg_array(tasks, nclaims);
	ia = tq_pg_array(items, nclaims);
	p[0] = ta;
	p[1] = ia;
	p[2] = id_key();
	r = tq_db_exec(db, e, "SELECT t.status, i.status, "
	    "i.result_data ->> $3, t.type FROM unnest($1::bigint[], $2::bigint[]) "
	    "WITH ORDINALITY AS u(task, item, n) "
	    "LEFT JOIN processing_tasks t ON t.id = u.task "
	    "LEFT JOIN task_items i ON i.task_id = u.task "
	    "AND i.item_id = u.item ORDER BY u.n", 3, p);
	free(tasks);
	free(items);
	free(ta);
	free(ia);
	if (r == NULL)
		return -1;
	for (k = 0; k < nclaims && (int)k < PQntuples(r); k++) {
		struct claim *c = &claims[k];
		const char *ts = PQgetvalue(r, k, 0);
		long long have = 0;

		if (c->item == 0) {	/* the task */
			last = 0;
			if (PQgetisnull(r, k, 0))
				bad(c->where, "task %lld: no such task",
				    c->task);
			else if (!tq_task_terminal(ts))
				bad(c->where, "task %lld is %s: wait for it "
				    "with tq-wait", c->task, ts);
			else if (stage > 0 && strcmp(PQgetvalue(r, k, 3),
			    tq_stage_task_type(stage - 1)) != 0)
				bad(c->where, "task %lld is of type %s: %s takes "
				    "%s tasks", c->task, PQgetvalue(r, k, 3),
				    tq_stage_name(stage),
				    tq_stage_task_type(stage - 1));
			else
				last = c->task;	/* its items may follow */
			continue;
		}
		/* only an item the database agrees with becomes an input */
		inputs[c->input].skip = 1;
		if (last != c->task)
			continue;	/* the task was reported */
		if (PQgetisnull(r, k, 1)) {
			bad(c->where, "task %lld has no item %lld", c->task,
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
				bad(c->where, "task %lld item %lld: %s is "
				    "%s, not %lld", c->task, c->item, id_key(),
				    was, c->id);
			else
				bad(c->where, "task %lld item %lld: the record "
				    "has no %s, the item has %s", c->task,
				    c->item, id_key(), was);
			continue;
		}
		if (c->id > 0)
			inputs[c->input].skip = 0;
		else if (!quiet)
			warnx("%s: task %lld item %lld is %s: skipped",
			    c->where, c->task, c->item, PQgetvalue(r, k, 1));
	}
	PQclear(r);
	return 0;
}

static void
add_word(char *w, const char *where)
{
	long long id;

	w = tq_trim(w);
	if (*w == '\0' || *w == '#')
		return;
	if (*w == '{') {
		json_error_t je;
		json_t *o = json_loads(w, 0, &je);

		if (o == NULL || !json_is_object(o))
			bad(where, "malformed JSON record: %s", je.text);
		else
			add_record(o, where);
		json_decref(o);
		return;
	}
	if (tq_parse_id(w, &id) == 0) {
		add(NULL, id, where);
		return;
	}
	if (stage == TQ_STAGE_PARSE && strstr(w, "://") != NULL) {
		add(xstrdup(w), 0, where);
		return;
	}
	/* an operand names itself; a line of input is quoted */
	if (strcmp(where, w) == 0)
		bad(where, stage == TQ_STAGE_PARSE ? "not a link id or URL" :
		    "not a %s", id_key());
	else if (stage == TQ_STAGE_PARSE)
		bad(where, "not a link id or URL: %.80s", w);
	else
		bad(where, "not a %s: %.80s", id_key(), w);
}

static void
read_stdin(void)
{
	char *line = NULL, where[32];
	size_t cap = 0;
	long n = 0;
	int k;

	while ((k = tq_read_line(stdin, &line, &cap)) != 0) {
		n++;
		snprintf(where, sizeof(where), "line %ld", n);
		if (k == -1)
			bad(where, "a NUL byte in the line");
		else
			add_word(line, where);
	}
	free(line);
}

static int
cmp_input_kind(const void *a, const void *b)
{
	const struct input *x = a, *y = b;

	if ((x->text == NULL) != (y->text == NULL))
		return x->text == NULL ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_url(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->text,
	    ((const struct input *)b)->text);
}

static int
cmp_seq(const void *a, const void *b)
{
	long long x = ((const struct input *)a)->seq;
	long long y = ((const struct input *)b)->seq;

	return x < y ? -1 : x > y;
}

/* Give each URL input its link id from INSERT ... RETURNING id, url. */
static void
set_link_ids(PGresult *r)
{
	struct input key;
	size_t i;
	int j;

	for (i = 0; i < ninputs; i++)
		inputs[i].seq = (long long)i;
	/* URL inputs first, sorted, then binary search each row's URL */
	qsort(inputs, ninputs, sizeof(*inputs), cmp_input_kind);
	for (i = 0; i < ninputs && inputs[i].text != NULL; i++)
		;
	qsort(inputs, i, sizeof(*inputs), cmp_url);
	for (j = 0; j < PQntuples(r); j++) {
		struct input *hit;
		size_t lo = 0, hi = i;

		key.text = PQgetvalue(r, j, 1);
		hit = bsearch(&key, inputs, i, sizeof(*inputs), cmp_url);
		if (hit == NULL)
			continue;
		/* every input with that URL, not only the one found */
		lo = (size_t)(hit - inputs);
		hi = lo;
		while (lo > 0 && strcmp(inputs[lo - 1].text, key.text) == 0)
			lo--;
		while (hi < i && strcmp(inputs[hi].text, key.text) == 0)
			inputs[hi++].id = atoll(PQgetvalue(r, j, 0));
		for (; lo < hi; lo++)
			inputs[lo].id = atoll(PQgetvalue(r, j, 0));
	}
	qsort(inputs, ninputs, sizeof(*inputs), cmp_seq);
}

static int
has_userinfo(const char *url)
{
	char *r = tq_redact_url(url);
	int has = strcmp(r, url) != 0;

	free(r);
	return has;
}

/* Resolve URLs to link ids, creating links; check that ids exist. */
static int
resolve(PGconn *db, struct tq_err *e)
{
	struct tq_buf urls = { 0 };
	long long *ids;
	size_t i, nids = 0, nurls = 0;
	char *arr, sql[256];
	const char *p[1];
	PGresult *r;
	int j;

	ids = xcalloc(ninputs + 1, sizeof(*ids));
	tq_buf_adds(&urls, "{");
	for (i = 0; i < ninputs; i++) {
		char *norm = NULL;

		if (inputs[i].skip)
			continue;
		if (inputs[i].text == NULL) {
			ids[nids++] = inputs[i].id;
			continue;
		}
		if (tq_url_check(inputs[i].text, &norm, e) == -1) {
			bad(inputs[i].where, "%s", e->msg);
			continue;
		}
		if (strlen(norm) > TQ_URL_MAX) {
			bad(inputs[i].where, "URL of %zu bytes: the limit is %d",
			    strlen(norm), TQ_URL_MAX);
			free(norm);
			continue;
		}
		/* tq stores URLs in clear, in PostgreSQL, Redis and records */
		if (has_userinfo(norm)) {
			bad(inputs[i].where, "a user name or password in the "
			    "URL: refused, tq stores URLs in clear");
			free(norm);
			continue;
		}
		free(inputs[i].text);
		inputs[i].text = norm;
		tq_buf_adds(&urls, nurls++ ? ",\"" : "\"");
		for (char *s = norm; *s; s++) {
			if (*s == '"' || *s == '\\')
				tq_buf_add(&urls, "\\", 1);
			tq_buf_add(&urls, s, 1);
		}
		tq_buf_adds(&urls, "\"");
	}
	tq_buf_adds(&urls, "}");
	if (nids > 0) {
		arr = tq_pg_array(ids, nids);
		p[0] = arr;
		snprintf(sql, sizeof(sql), "SELECT u.id FROM unnest($1::bigint[])"
		    " AS u(id) WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE "
		    "t.id = u.id)", tq_stages[stage].input_table);
		r = tq_db_exec(db, e, sql, 1, p);
		free(arr);
		if (r == NULL)
			goto fail;
		for (j = 0; j < PQntuples(r); j++) {
			char wh[64];

			snprintf(wh, sizeof(wh), "%s %s",
			    tq_stages[stage].item_text, PQgetvalue(r, j, 0));
			bad(wh, "no such %s", tq_stages[stage].item_text);
		}
		PQclear(r);
	}
	if (nurls > 0 && nbad == 0) {
		p[0] = urls.data;
		r = tq_db_exec(db, e, "INSERT INTO links (url) "
		    "SELECT DISTINCT unnest($1::text[]) "
		    "ON CONFLICT ((sha256(url::bytea))) DO UPDATE "
		    "SET url = EXCLUDED.url "
		    "RETURNING id, url", 1, p);
		if (r == NULL)
			goto fail;
		set_link_ids(r);
		PQclear(r);
	}
	tq_buf_free(&urls);
	free(ids);
	return 0;
fail:
	tq_buf_free(&urls);
	free(ids);
	return -1;
}

static json_t *
ai_params(PGconn *db, struct tq_err *e, const char *model, int cfg[3])
{
	const char *p[1] = { model };
	PGresult *r;
	json_t *o;

	if (model != NULL)
		r = tq_db_exec(db, e, "SELECT id, name FROM ai_models WHERE "
		    "name = $1 OR id::text = $1", 1, p);
	else
		r = tq_db_exec(db, e, "SELECT id, name FROM ai_models WHERE "
		    "is_default", 0, NULL);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) != 1) {
		PQclear(r);
		if (model != NULL)
			bad("model", "%s: no such model (see tq-model list)",
			    model);
		else
			bad("model", "no default model (see tq-model default)");
		return NULL;
	}
	o = json_pack("{s:I,s:s,s:{s:b,s:b,s:b}}",
	    "model_id", (json_int_t)atoll(PQgetvalue(r, 0, 0)),
	    "model", PQgetvalue(r, 0, 1), "processing_config",
	    "generate_summary", cfg[0], "generate_keywords", cfg[1],
	    "generate_insights", cfg[2]);
	PQclear(r);
	return o;
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	const char *model = NULL, *dbopt = NULL, *propopt = NULL;
	char *dbid = NULL;
	json_t *props = NULL;
	int with_text = 0;
	int ch, i, cfg[3] = { 1, 1, 0 }, max_retries = -1, used_stdin = 0;
	long long *ids = NULL, task = 0;
	size_t nids = 0, k;
	struct tq_jobspec *jobs = NULL;
	json_t *params = NULL, *recs, *rec;
	redisContext *rc = NULL;
	PGconn *db = NULL;
	PGresult *r;
	char *arr = NULL, *pj = NULL, batch[37], nbuf[16], mr[16];
	const char *p[6];
	int status = TQ_EXIT_OK;

	if (tq_config_load() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	if (getenv("TQ_LOG") == NULL)
		tq_loglevel = TQ_LOG_ERROR;	/* warnx says what matters */
	while ((ch = getopt_long(argc, argv, "D:d:HhIijKkm:p:qR:r:SsVw",
	    longopts, NULL)) != -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
		case 'D':
			dbopt = optarg;
			break;
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'I':
			cfg[2] = 0;
			break;
		case 'i':
			cfg[2] = 1;
			break;
		case 'K':
			cfg[1] = 0;
			break;
		case 'k':
			cfg[1] = 1;
			break;
		case 'm':
			model = optarg;
			break;
		case 'p':
			propopt = optarg;
			break;
		case 'R': {
			const char *es = NULL;

			max_retries = (int)strtonum(optarg, 0, 100, &es);
			if (es != NULL)
				errx(TQ_EXIT_USAGE, "max retries %s: %s",
				    tq_vis_tmp(optarg), es);
			break;
		}
		case 'S':
			cfg[0] = 0;
			break;
		case 's':
			cfg[0] = 1;
			break;
		case 'V':
			printf("tq-submit %s\n", TQ_VERSION);
			return 0;
		case 'w':
			with_text = 1;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (tq_config_check() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(stderr, TQ_EXIT_USAGE);
	if ((stage = tq_stage_from_name(argv[0])) < 0) {
		warnx("%s: unknown stage: use parse, ai or notion",
		    tq_vis_tmp(argv[0]));
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (stage == TQ_STAGE_AI && !cfg[0] && !cfg[1] && !cfg[2])
		errx(TQ_EXIT_USAGE, "nothing to do: summary, keywords and "
		    "insights are all off");
	if (stage == TQ_STAGE_NOTION) {
		/* the token stays in the environment: only checked here */
		if (tq_notion_token() == NULL)
			errx(TQ_EXIT_USAGE, "notion: no token: set NOTION_TOKEN "
			    "(or TQ_NOTION_TOKEN), for the workers too");
		if (dbopt == NULL && (dbopt = getenv("TQ_NOTION_DATABASE")) !=
		    NULL && *dbopt == '\0')
			dbopt = NULL;
		if (dbopt == NULL)
			errx(TQ_EXIT_USAGE, "notion: no database: give "
			    "--database-id or set TQ_NOTION_DATABASE");
		if ((dbid = tq_notion_id(dbopt)) == NULL)
			errx(TQ_EXIT_USAGE, "notion: %s: not a database id (32 "
			    "hex digits, or a Notion URL)", dbopt);
		if (propopt != NULL) {
			json_error_t je;
			const char *k;
			json_t *v;

			props = json_loads(propopt, 0, &je);
			if (!json_is_object(props))
				errx(TQ_EXIT_USAGE, "--properties: not a JSON "
				    "object: %s", props ? "" : je.text);
			json_object_foreach(props, k, v)
				if (!json_is_object(v))
					errx(TQ_EXIT_USAGE, "--properties: "
					    "%s: a property value is an object "
					    "such as {\"select\": {\"name\": "
					    "\"x\"}}", k);
		}
	} else if (dbopt != NULL || propopt != NULL || with_text)
		errx(TQ_EXIT_USAGE, "-D, -p and -w are for the notion stage");
	if (max_retries < 0)
		max_retries = tq_cfg.max_retries;
	tq_out_init(om);

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (!used_stdin)
				read_stdin();
			used_stdin = 1;
		} else {
			char *w = xstrdup(argv[i]), *wh;

			/* an operand names itself: never with its password */
			wh = tq_redact_url(argv[i]);
			if (strlen(wh) > 100)	/* and not all of a long one */
				memcpy(wh + 97, "...", 4);
			add_word(w, wh);
			free(wh);
			free(w);
		}
	}
	if (argc == 1) {
		if (isatty(STDIN_FILENO))
			usage(stderr, TQ_EXIT_USAGE);
		read_stdin();
	}
	if (nbad > 0)
		goto badinput;
	if (ninputs == 0) {
		warnx("no input: nothing to submit");
		status = TQ_EXIT_INPUT;
		goto out;
	}

	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if (stage == TQ_STAGE_NOTION && tq_notion_check(db, rc, dbid, props,
	    &e) == -1) {
		/* a wrong database fails here; Notion away, in the workers */
		if (e.kind == TQ_ERR_PERMANENT) {
			warnx("%s", e.msg);
			status = TQ_EXIT_INPUT;
			goto badinput;
		}
		if (!quiet)
			warnx("%s; cannot check the database now: the "
			    "workers will", e.msg);
	}
	if (tq_db_cmd(db, &e, "BEGIN") == -1)
		goto backend;
	if (upstream(db, &e) == -1 || resolve(db, &e) == -1)
		goto backend;
	if (stage == TQ_STAGE_AI &&
	    (params = ai_params(db, &e, model, cfg)) == NULL && nbad == 0)
		goto backend;
	if (nbad > 0) {
		PQclear(PQexec(db, "ROLLBACK"));
		goto badinput;
	}
	if (params == NULL)
		params = json_object();
	for (k = 0; k < ninputs && inputs[k].skip; k++)
		;
	if (k == ninputs) {
		PQclear(PQexec(db, "ROLLBACK"));
		warnx("no input: nothing to submit");
		status = TQ_EXIT_INPUT;
		goto out;
	}
	if (stage == TQ_STAGE_NOTION) {
		json_object_set_new(params, "database_id", json_string(dbid));
		if (props != NULL)
			json_object_set(params, "properties", props);
		json_object_set_new(params, "with_text", json_boolean(
		    with_text));
	}

	/* one item per distinct input, in input order */
	ids = xcalloc(ninputs, sizeof(*ids));
	for (k = 0; k < ninputs; k++) {
		size_t m;

		if (inputs[k].skip)
			continue;
		for (m = 0; m < nids && ids[m] != inputs[k].id; m++)
			;
		if (m == nids)
			ids[nids++] = inputs[k].id;
	}
	arr = tq_pg_array(ids, nids);
	pj = json_dumps(params, JSON_COMPACT);
	tq_uuid(batch);
	snprintf(nbuf, sizeof(nbuf), "%zu", nids);
	snprintf(mr, sizeof(mr), "%d", max_retries);
	p[0] = tq_stage_task_type(stage);
	p[1] = tq_stage_queue(stage);
	p[2] = batch;
	p[3] = nbuf;
	p[4] = pj;
	p[5] = mr;
	r = tq_db_exec(db, &e, "INSERT INTO processing_tasks (type, "
	    "queue_name, job_id, total_items, params, max_retries) "
	    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, p);
	if (r == NULL)
		goto backend;
	task = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	snprintf(nbuf, sizeof(nbuf), "%lld", task);
	p[0] = nbuf;
	p[1] = arr;
	p[2] = tq_stage_item_type(stage);
	r = tq_db_exec(db, &e, "INSERT INTO task_items (task_id, seq, item_id,"
	    " item_type, job_id) SELECT $1, u.n, u.id, $3, "
	    "gen_random_uuid()::text FROM unnest($2::bigint[]) WITH ORDINALITY"
	    " AS u(id, n) ORDER BY u.n RETURNING job_id, item_id", 3, p);
	if (r == NULL)
		goto backend;
	jobs = xcalloc(PQntuples(r) + 1, sizeof(*jobs));
	for (i = 0; i < PQntuples(r); i++) {
		jobs[i].job_id = PQgetvalue(r, i, 0);
		jobs[i].task_id = task;
		jobs[i].item_id = atoll(PQgetvalue(r, i, 1));
	}
	if (tq_db_cmd(db, &e, "COMMIT") == -1) {
		PQclear(r);
		goto backend;
	}
	if (tq_queue_push(rc, &e, stage, jobs, PQntuples(r), 0) == -1) {
		warnx("%s; task %lld is saved and the workers' reconciler will "
		    "queue it", e.msg, task);
		status = TQ_EXIT_BACKEND;
	}
	PQclear(r);

	recs = tq_task_records(db, &e, &task, 1, 0);
	if (recs == NULL)
		goto backend;
	rec = json_array_get(recs, 0);
	if (json_is_object(rec)) {
		json_object_set_new(rec, "success", json_true());
		json_object_set_new(rec, "message", json_sprintf(
		    "%s task queued: %zu %s%s", tq_stage_name(stage), nids,
		    tq_stage_item_type(stage), nids == 1 ? "" : "s"));
		tq_out_task(rec, 0);
	}
	json_decref(recs);
	goto out;

badinput:
	if (nbad > 1)
		warnx("%d bad inputs: nothing submitted", nbad);
	else
		warnx("nothing submitted");
	status = TQ_EXIT_INPUT;
	goto out;
backend:
	warnx("%s", e.msg);
	status = e.kind == TQ_ERR_PERMANENT ? TQ_EXIT_INPUT : TQ_EXIT_BACKEND;
out:
	for (k = 0; k < ninputs; k++) {
		free(inputs[k].text);
		free(inputs[k].where);
	}
	for (k = 0; k < nclaims; k++)
		free(claims[k].where);
	free(claims);
	free(inputs);
	free(ids);
	free(jobs);
	free(arr);
	free(pj);
	json_decref(params);
	json_decref(props);
	free(dbid);
	if (db)
		PQfinish(db);
	if (rc)
		redisFree(rc);
	return status;
}
