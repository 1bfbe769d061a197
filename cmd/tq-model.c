/*
 * tq-model - manage the AI models of the ai stage (table ai_models):
 * list, add, change the parameters of (set), show, make the default,
 * remove.
 *
 * Invariants: an API key is never stored, read or printed; a model
 * names the environment variable that holds it (api_key_env), and the
 * worker reads that variable when it calls the server.  There is one
 * default model at most (a unique partial index): moving it happens in
 * one transaction under a table lock, so concurrent moves serialize.
 * A model that is the default, has stored results, or is named by an
 * unfinished task is not removed.  Names are never all digits, so an
 * operand is a name or an id without doubt.  A model's rpm (requests
 * a minute) is a parameter like the others; the worker shares it among
 * all workers through Redis (limit.c).
 */
#include <ctype.h>
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

#define OPENAI_URL	"https://api.openai.com/v1"
#define OPENAI_KEY_ENV	"OPENAI_API_KEY"
#define NAME_MAX_LEN	100
#define MODEL_MAX_LEN	200
#define URL_MAX_LEN	2000
#define ENV_MAX_LEN	128

static struct option longopts[] = {
	{ "context-chars", required_argument, NULL, 'C' },
	{ "default", no_argument, NULL, 'D' },
	{ "json-mode", required_argument, NULL, 'J' },
	{ "key-env", required_argument, NULL, 'k' },
	{ "model", required_argument, NULL, 'm' },
	{ "provider", required_argument, NULL, 'p' },
	{ "rpm", required_argument, NULL, 'R' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "temperature", required_argument, NULL, 't' },
	{ "base-url", required_argument, NULL, 'u' },
	{ "max-tokens", required_argument, NULL, 'x' },
	{ NULL, 0, NULL, 0 }
};

/* The options of add, as given (NULL: not given). */
static struct {
	const char	*context_chars;
	int		 make_default;
	const char	*json_mode;
	const char	*key_env;
	const char	*model;
	const char	*provider;
	const char	*rpm;
	const char	*timeout;
	const char	*temperature;
	const char	*base_url;
	const char	*max_tokens;
} opt;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-model [-hHjvV] [-d database-url] list\n"
	    "       tq-model [-hHjvV] [-d database-url] add name -p provider "
	    "[-D]\n"
	    "                [-C context-chars] [-J json-mode] [-k key-env] "
	    "[-m model]\n"
	    "                [-R rpm] [-T timeout] [-t temperature] "
	    "[-u base-url]\n"
	    "                [-x max-tokens]\n"
	    "       tq-model [-hHjvV] [-d database-url] set name | id "
	    "[-C context-chars]\n"
	    "                [-J json-mode] [-R rpm] [-T timeout] "
	    "[-t temperature]\n"
	    "                [-x max-tokens]\n"
	    "       tq-model [-hHjvV] [-d database-url] default | rm | show "
	    "name | id\n");
	exit(status);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(TQ_EXIT_INPUT);
}

/* ------------------------------------------------------------ output */

static void
print_table(json_t *recs)
{
	struct tq_table *t;
	json_t *r, *p;
	size_t i;
	char id[24];

	t = tq_table_new("llllllll", "ID", "NAME", "PROVIDER", "MODEL",
	    "BASE_URL", "KEY_ENV", "DEFAULT", "PARAMS");
	json_array_foreach(recs, i, r) {
		char *ps = NULL;

		p = json_object_get(r, "params");
		if (json_is_object(p) && json_object_size(p) > 0)
			ps = json_dumps(p, TQ_JSON_PRINT);
		snprintf(id, sizeof(id), "%lld", tq_jint(r, "id"));
		tq_table_row(t, id, tq_jstr(r, "name", NULL),
		    tq_jstr(r, "provider", NULL), tq_jstr(r, "model", NULL),
		    tq_jstr(r, "base_url", NULL), tq_jstr(r, "api_key_env",
		    NULL), json_is_true(json_object_get(r, "is_default")) ?
		    "*" : "", ps);
		free(ps);
	}
	tq_table_print(t);
}

static void
print_show(json_t *r)
{
	const char *k;
	json_t *v;

	json_object_foreach(r, k, v) {
		char *s = json_is_string(v) ? NULL :
		    json_dumps(v, TQ_JSON_PRINT | JSON_ENCODE_ANY);

		printf("%-17s %s\n", k, s ? s : json_string_value(v));
		free(s);
	}
	tq_out_flush();
}

static void
emit(json_t *recs, int show)
{
	json_t *r;
	size_t i;

	if (!tq_out_is_table()) {
		json_array_foreach(recs, i, r)
			tq_out_json(r);
	} else if (show)
		print_show(json_array_get(recs, 0));
	else
		print_table(recs);
}

/* -------------------------------------------------------- validation */

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN || !isalnum((unsigned char)s[0]) ||
	    strspn(s, "0123456789") == n)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._:/@+-") == n;
}

static int
valid_env(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ENV_MAX_LEN && !isdigit((unsigned char)s[0]) &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

/* UTF-8 without control characters, which PostgreSQL keeps as is */
static int
printable(const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p))
			return 0;
	return tq_utf8_valid(s, (size_t)(p - s));
}

static long long
int_param(const char *what, const char *s, long long lo, long long hi)
{
	const char *e = NULL;
	long long v;

	v = strtonum(s, lo, hi, &e);
	if (e != NULL)
		bad("%s %s: must be a whole number from %lld to %lld", what,
		    tq_vis_arg(s), lo, hi);
	return v;
}

/* The checked base URL (caller frees), without trailing slashes. */
static char *
check_url(const char *url)
{
	struct tq_err e = { 0 };
	const char *p, *end;
	char *shown = tq_redact_url(url), *u;
	size_t n;

	if (strlen(url) > URL_MAX_LEN || !printable(url))
		bad("base-url: too long, not UTF-8 or holds control "
		    "characters");
	if (tq_url_check(url, NULL, &e) == -1)
		bad("base-url %s: %s", shown, e.msg);
	/* credentials belong in the environment, not in the table */
	if ((p = strstr(url, "://")) != NULL) {
		p += 3;
		end = p + strcspn(p, "/?#");
		if (memchr(p, '@', end - p) != NULL)
			bad("base-url %s: must not carry a user or password; "
			    "name the variable holding the key with -k",
			    shown);
		/* /chat/completions is added to the path */
		if (strpbrk(p, "?#") != NULL)
			bad("base-url %s: must not carry a query or a "
			    "fragment: /chat/completions goes after the path "
			    "(Azure OpenAI's api-version and api-key header "
			    "are not supported)", shown);
	}
	free(shown);
	u = xstrdup(url);
	n = strlen(u);
	while (n > 0 && u[n - 1] == '/' && n > strcspn(u, ":") + 3)
		u[--n] = '\0';
	return u;
}

/* json params of add; exits on bad values. */
static json_t *
build_params(void)
{
	json_t *p = json_object();

	if (opt.temperature != NULL) {
		char *end;
		double t = tq_strtod(opt.temperature, &end);

		if (*opt.temperature == '\0' || *end != '\0' || !isfinite(t) ||
		    t < 0 || t > 2)
			bad("temperature %s: must be a number from 0 to 2",
			    tq_vis_arg(opt.temperature));
		json_object_set_new(p, "temperature", json_real(t));
	}
	if (opt.max_tokens != NULL)
		json_object_set_new(p, "max_tokens", json_integer(int_param(
		    "max-tokens", opt.max_tokens, 1, 1000000)));
	if (opt.context_chars != NULL)
		json_object_set_new(p, "context_chars", json_integer(int_param(
		    "context-chars", opt.context_chars, 100, 100000000)));
	if (opt.timeout != NULL) {
		int t = int_param("timeout", opt.timeout, 1, 3600);

		/* the worker keeps a call within the job */
		if (tq_model_call_timeout(t) != t)
			warnx("warning: timeout %d s: the ai queue's job "
			    "timeout is %d s (TQ_AI_TIMEOUT), so workers "
			    "wait %d s at most; raise it where they run", t,
			    tq_cfg.timeout[TQ_STAGE_AI],
			    tq_model_call_timeout(t));
		json_object_set_new(p, "timeout", json_integer(t));
	}
	/* 0: no limit, which is no rpm at all */
	if (opt.rpm != NULL && int_param("rpm", opt.rpm, 0, 1000000) > 0)
		json_object_set_new(p, "rpm", json_integer(int_param("rpm",
		    opt.rpm, 0, 1000000)));
	if (opt.json_mode != NULL) {
		if (strcmp(opt.json_mode, "schema") != 0 &&
		    strcmp(opt.json_mode, "object") != 0 &&
		    strcmp(opt.json_mode, "prompt") != 0)
			bad("json-mode %s: must be schema, object or prompt",
			    tq_vis_arg(opt.json_mode));
		json_object_set_new(p, "json_mode", json_string(opt.json_mode));
	}
	return p;
}

/* build_params() as compact JSON text, for add and set */
static char *
params_json(void)
{
	json_t *params = build_params();
	char *s;

	s = json_dumps(params, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(params);
	return s;
}

/* ---------------------------------------------------------- commands */

static int
fail_backend(PGconn *db, struct tq_err *e)
{
	tq_db_rollback(db);
	warnx("%s", e->msg);
	return TQ_EXIT_BACKEND;
}

static int
nosuch(PGconn *db, const char *arg)
{
	tq_db_rollback(db);
	warnx("model %s: no such model", tq_vis_arg(arg));
	return TQ_EXIT_INPUT;
}

/* Find the model arg names: TQ_EXIT_OK with *id, or the exit status. */
static int
find(PGconn *db, struct tq_err *e, const char *arg, long long *id)
{
	switch (tq_model_find(db, e, arg, id, NULL)) {
	case -1:
		return fail_backend(db, e);
	case 0:
		return nosuch(db, arg);
	}
	return TQ_EXIT_OK;
}

static int
cmd_print(PGconn *db, long long id, int show)
{
	struct tq_err e = { 0 };
	json_t *recs;

	if ((recs = tq_model_records(db, &e, id, show)) == NULL)
		return fail_backend(db, &e);
	emit(recs, show);
	json_decref(recs);
	return TQ_EXIT_OK;
}

static int
cmd_list(PGconn *db)
{
	return cmd_print(db, 0, 0);
}

static int
cmd_show(PGconn *db, const char *arg)
{
	struct tq_err e = { 0 };
	long long id;
	int rv;

	if ((rv = find(db, &e, arg, &id)) != TQ_EXIT_OK)
		return rv;
	return cmd_print(db, id, 1);
}

static int
cmd_default(PGconn *db, const char *arg)
{
	struct tq_err e = { 0 };
	long long id;
	int rv;

	if (tq_model_lock(db, &e) == -1)
		return fail_backend(db, &e);
	if ((rv = find(db, &e, arg, &id)) != TQ_EXIT_OK)
		return rv;
	if (tq_model_make_default(db, &e, id) == -1 ||
	    tq_db_cmd(db, &e, "COMMIT") == -1)
		return fail_backend(db, &e);
	return cmd_print(db, id, 0);
}

static int
cmd_rm(PGconn *db, const char *arg)
{
	struct tq_err e = { 0 };
	struct tq_model_usage u;
	long long id;
	int rv;

	if (tq_model_lock(db, &e) == -1)
		return fail_backend(db, &e);
	if ((rv = find(db, &e, arg, &id)) != TQ_EXIT_OK)
		return rv;
	if (tq_model_usage(db, &e, id, &u) == -1)
		return fail_backend(db, &e);
	if (u.is_default || u.results > 0 || u.tasks > 0) {
		tq_db_rollback(db);
		if (u.is_default)
			warnx("model %s is the default: make another model "
			    "the default first (tq-model default name)",
			    u.name);
		else if (u.results > 0)
			warnx("model %s has %lld stored result%s: it stays, "
			    "so that they keep their model", u.name, u.results,
			    u.results == 1 ? "" : "s");
		else
			warnx("model %s is used by %lld unfinished task%s",
			    u.name, u.tasks, u.tasks == 1 ? "" : "s");
		free(u.name);
		return TQ_EXIT_INPUT;
	}
	free(u.name);
	if (tq_model_delete(db, &e, id) == -1 ||
	    tq_db_cmd(db, &e, "COMMIT") == -1)
		return fail_backend(db, &e);
	return TQ_EXIT_OK;
}

/* add's values, checked before anything is stored */
static struct {
	const char	*name;
	const char	*model;
	const char	*key_env;
	char		*url;
	char		*params;
} add;

/* Check the operand and options of add; exits on bad input. */
static void
add_check(const char *name)
{
	int openai;

	if (!valid_name(name)) {
		if (strspn(name, "0123456789") == strlen(name) && *name)
			bad("name %s: must not be all digits (ids are)", name);
		bad("name %s: want 1 to %d letters, digits and ._:/@+- "
		    "starting with a letter or digit",
		    tq_vis_arg(name), NAME_MAX_LEN);
	}
	if (strcmp(opt.provider, "builtin") != 0 &&
	    strcmp(opt.provider, "openai") != 0)
		bad("provider %s: must be builtin or openai",
		    tq_vis_arg(opt.provider));
	openai = strcmp(opt.provider, "openai") == 0;
	if (!openai && (opt.model || opt.base_url || opt.key_env ||
	    opt.json_mode || opt.temperature || opt.max_tokens ||
	    opt.context_chars || opt.timeout || opt.rpm))
		bad("provider builtin: takes none of -C, -J, -k, -m, -R, -T, "
		    "-t, -u, -x (it calls no server)");
	if (openai && (opt.model == NULL || *opt.model == '\0'))
		bad("provider openai: -m model is required");
	if (opt.model != NULL && (strlen(opt.model) > MODEL_MAX_LEN ||
	    !printable(opt.model)))
		bad("model: too long, not UTF-8 or holds control characters");
	/* never echo it: it may be the key itself */
	if (opt.key_env != NULL && !valid_env(opt.key_env))
		bad("key-env: not the name of an environment variable "
		    "([A-Z_][A-Z0-9_]*); give the name of the variable that "
		    "holds the key, never the key");
	add.params = params_json();
	add.name = name;
	add.model = opt.model;
	add.key_env = opt.key_env;
	if (openai) {
		add.url = check_url(opt.base_url ? opt.base_url : OPENAI_URL);
		if (add.key_env == NULL && strcmp(add.url, OPENAI_URL) == 0)
			add.key_env = OPENAI_KEY_ENV;
	} else
		add.model = "builtin";
}

static int
cmd_add(PGconn *db)
{
	struct tq_err e = { 0 };
	struct tq_model_new m;
	long long id;

	if (opt.make_default && (tq_model_lock(db, &e) == -1 ||
	    tq_model_make_default(db, &e, 0) == -1))
		return fail_backend(db, &e);
	memset(&m, 0, sizeof(m));
	m.name = add.name;
	m.provider = opt.provider;
	m.model = add.model;
	m.base_url = add.url;
	m.api_key_env = add.key_env;
	m.params = add.params;
	m.is_default = opt.make_default;
	if ((id = tq_model_insert(db, &e, &m)) == -1)
		return fail_backend(db, &e);
	if (id == 0) {
		tq_db_rollback(db);
		warnx("model %s: the name is taken", add.name);
		return TQ_EXIT_INPUT;
	}
	if (opt.make_default && tq_db_cmd(db, &e, "COMMIT") == -1)
		return fail_backend(db, &e);
	return cmd_print(db, id, 0);
}

/*
 * Change the parameters given, keep the others; -R 0 drops the rate
 * limit.  The worker reads them when it takes a job.
 */
static int
cmd_set(PGconn *db, const char *arg)
{
	struct tq_err e = { 0 };
	long long id;
	int rv;

	if ((rv = find(db, &e, arg, &id)) != TQ_EXIT_OK)
		return rv;
	switch (tq_model_set_params(db, &e, id, add.params, opt.rpm != NULL &&
	    strcmp(opt.rpm, "0") == 0)) {
	case -1:
		return fail_backend(db, &e);
	case 0:
		warnx("model %s: provider builtin takes no parameters (it "
		    "calls no server)", tq_vis_arg(arg));
		return TQ_EXIT_INPUT;
	}
	return cmd_print(db, id, 0);
}

/* ------------------------------------------------------------- main */

enum cmd {
	CMD_LIST,
	CMD_ADD,
	CMD_DEFAULT,
	CMD_RM,
	CMD_SET,
	CMD_SHOW
};

int
main(int argc, char *argv[])
{
	static const char *const names[] = {
		"list", "add", "default", "rm", "set", "show"
	};
	struct tq_err e = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	PGconn *db;
	int ch, c, status, add_opts = 0, add_only = 0;

	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	while ((ch = tq_getopt(argc, argv, "C:Dd:HhJ:jk:m:p:R:T:t:u:Vvx:",
	    longopts, "dHhjVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, NULL))
			continue;
		switch (ch) {
		case 'C':
			opt.context_chars = optarg;
			break;
		case 'D':
			opt.make_default = 1;
			add_only = ch;
			break;
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'J':
			opt.json_mode = optarg;
			break;
		case 'k':
			opt.key_env = optarg;
			add_only = ch;
			break;
		case 'm':
			opt.model = optarg;
			add_only = ch;
			break;
		case 'p':
			opt.provider = optarg;
			add_only = ch;
			break;
		case 'R':
			opt.rpm = optarg;
			break;
		case 'T':
			opt.timeout = optarg;
			break;
		case 't':
			opt.temperature = optarg;
			break;
		case 'u':
			opt.base_url = optarg;
			add_only = ch;
			break;
		case 'x':
			opt.max_tokens = optarg;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
		add_opts = 1;	/* only the options of add get here */
	}
	tq_opt_done(&argc, &argv, TQ_CFG_DB);
	if (argc == 0)
		usage(stderr, TQ_EXIT_USAGE);
	for (c = 0; c < (int)(sizeof(names) / sizeof(names[0])); c++)
		if (strcmp(argv[0], names[c]) == 0)
			break;
	if (c == (int)(sizeof(names) / sizeof(names[0]))) {
		warnx("%s: unknown command", tq_vis_arg(argv[0]));
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (argc != (c == CMD_LIST ? 1 : 2)) {
		warnx(c == CMD_LIST ? "list: takes no model name" :
		    "%s: takes one model name", names[c]);
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (c == CMD_SET && add_only != 0) {
		warnx("set: -%c is an option of add only; set takes -C, -J, "
		    "-R, -T, -t and -x", add_only);
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (c == CMD_SET && !add_opts) {
		warnx("set: takes one or more of -C, -J, -R, -T, -t, -x");
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (c != CMD_ADD && c != CMD_SET && add_opts) {
		warnx("%s: takes none of the options of add", names[c]);
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (c == CMD_ADD && opt.provider == NULL) {
		warnx("add: -p provider is required");
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (c == CMD_ADD)
		add_check(argv[1]);
	if (c == CMD_SET)
		add.params = params_json();
	tq_out_init(om);

	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	switch (c) {
	case CMD_LIST:
		status = cmd_list(db);
		break;
	case CMD_ADD:
		status = cmd_add(db);
		break;
	case CMD_DEFAULT:
		status = cmd_default(db, argv[1]);
		break;
	case CMD_RM:
		status = cmd_rm(db, argv[1]);
		break;
	case CMD_SET:
		status = cmd_set(db, argv[1]);
		break;
	default:
		status = cmd_show(db, argv[1]);
		break;
	}
	PQfinish(db);
	free(add.url);
	free(add.params);
	tq_config_free();
	return status;
}
