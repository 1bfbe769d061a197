/*
 * tq-submit - create a task of one stage with one item per input and
 * queue a job per item; print the task record and return at once.
 *
 * This file reads the flags and the inputs and prints; tq_submit()
 * (common/submit.c) checks the inputs against the database and writes.
 * Invariants: every input is checked before anything is written; the
 * task and all its items are written in one transaction, and only then
 * are the jobs pushed to Redis.  If the push fails the items stay
 * pending in PostgreSQL and the workers' reconciler queues them, so a
 * submitted task is never lost.  Any bad input writes nothing.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

static struct tq_submit_claim *claims;
static size_t nclaims, capclaims;

static struct tq_submit_input *inputs;
static size_t ninputs, capinputs;
static int stage = -1;
static int quiet;
static int nbad;

static struct option longopts[] = {
	{ "database-id", required_argument, NULL, 'D' },
	{ "insights", no_argument, NULL, 'i' },
	{ "no-insights", no_argument, NULL, 'I' },
	{ "keywords", no_argument, NULL, 'k' },
	{ "no-keywords", no_argument, NULL, 'K' },
	{ "no-robots", no_argument, NULL, 'B' },
	{ "model", required_argument, NULL, 'm' },
	{ "max-retries", required_argument, NULL, 'R' },
	{ "properties", required_argument, NULL, 'p' },
	{ "summary", no_argument, NULL, 's' },
	{ "notify", required_argument, NULL, 'N' },
	{ "then", required_argument, NULL, 'T' },
	{ "no-summary", no_argument, NULL, 'S' },
	{ "with-text", no_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: tq-submit [-hHjqvV] [-d database-url] [-r redis-url] "
	    "[-R max-retries]\n"
	    "                 [--then 'stage [options]'] ... "
	    "[--notify url]\n"
	    "                 parse [-B] [link-id | url | -] ...\n"
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
	inputs[ninputs].url = text;
	inputs[ninputs].id = id;
	inputs[ninputs].where = xstrdup(where);
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

/* "a" or "an", for id_key() */
static const char *
id_article(void)
{
	return strchr("aeiou", id_key()[0]) != NULL ? "an" : "a";
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

static void
add_word(char *w, const char *where, int is_line)
{
	char *shown;
	int n;
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
	/*
	 * An operand is named by where (itself, its password hidden); a
	 * line of input is quoted, its password hidden too.
	 */
	if (!is_line) {
		bad(where, stage == TQ_STAGE_PARSE ? "not a link id or URL" :
		    "not %s %s", id_article(), id_key());
		return;
	}
	shown = tq_redact_url(w);
	n = (int)tq_utf8_fit(shown, strlen(shown), 80);
	if (stage == TQ_STAGE_PARSE)
		bad(where, "not a link id or URL: %.*s", n, shown);
	else
		bad(where, "not %s %s: %.*s", id_article(), id_key(), n,
		    shown);
	free(shown);
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
		if (k == TQ_LINE_ERR) {
			/* not an end: the inputs read may not be all */
			bad("stdin", "%s", strerror(errno));
			break;
		}
		if (k == TQ_LINE_NUL)
			bad(where, "a NUL byte in the line");
		else if (k == TQ_LINE_LONG)
			bad(where, "longer than %d MiB", TQ_LINE_MAX >> 20);
		else if (n == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			/* a UTF-8 byte order mark, as Windows editors save */
			add_word(line + 3, where, 1);
		else
			add_word(line, where, 1);
	}
	free(line);
}

/*
 * The backends, connected by a thread while the inputs are read from
 * standard input (a big submit's first milliseconds): Redis, then
 * PostgreSQL and its schema, stopping at the first that fails.
 */
struct backends {
	redisContext	*rc;
	PGconn		*db;
	struct tq_err	 e;
	int		 ok;
};

static void *
backends_open(void *arg)
{
	struct backends *b = arg;

	b->ok = 0;
	if ((b->rc = tq_redis_connect(tq_cfg.redis_url, &b->e)) == NULL)
		return NULL;
	tq_db_statement_limit(tq_cfg.db_timeout);	/* this thread's */
	if ((b->db = tq_db_connect(&b->e)) == NULL)
		return NULL;
	b->ok = 1;
	return NULL;
}

/* tq_submit()'s messages: bad input counts, a note unless -q */
static void
submit_bad(void *arg, const char *where, const char *msg)
{
	(void)arg;
	bad(where, "%s", msg);
}

static void
submit_note(void *arg, const char *where, const char *msg)
{
	(void)arg;
	if (!quiet)
		warnx("%s: %s", where, msg);
}

/*
 * The options of one stage, as given to a direct submit or in a
 * --then argument: read by the same code, checked the same way.
 */
struct stageopts {
	int		 stage;
	const char	*model, *dbopt, *propopt;
	char		*dbid;
	json_t		*props;
	json_t		*params;
	int		 with_text;
	int		 no_robots;	/* parse: robots.txt not read */
	int		 cfg[3];
	int		 ai_opt;	/* the last option of the ai stage */
	int		 max_retries;
	char		**words;	/* of a --then: the options point here */
	int		 nwords;
};

static void
stageopts_init(struct stageopts *o)
{
	memset(o, 0, sizeof(*o));
	o->stage = -1;
	o->cfg[0] = o->cfg[1] = 1;
	o->max_retries = -1;
}

static void
stageopts_free(struct stageopts *o)
{
	int i;

	free(o->dbid);
	json_decref(o->props);
	json_decref(o->params);
	for (i = 0; i < o->nwords; i++)
		free(o->words[i]);
	free(o->words);
}

/* One option of a stage: 1 if it is one. */
static int
stage_opt(int ch, const char *arg, struct stageopts *o, const char *ctx)
{
	const char *es = NULL;

	if (strchr("IiKkmSs", ch) != NULL)
		o->ai_opt = ch;
	switch (ch) {
	case 'B':
		o->no_robots = 1;
		break;
	case 'D':
		o->dbopt = arg;
		break;
	case 'I':
		o->cfg[2] = 0;
		break;
	case 'i':
		o->cfg[2] = 1;
		break;
	case 'K':
		o->cfg[1] = 0;
		break;
	case 'k':
		o->cfg[1] = 1;
		break;
	case 'm':
		o->model = arg;
		break;
	case 'p':
		o->propopt = arg;
		break;
	case 'R':
		o->max_retries = (int)strtonum(arg, 0, 100, &es);
		if (es != NULL)
			errx(TQ_EXIT_USAGE, "%smax retries %s: %s", ctx,
			    tq_vis_arg(arg), es);
		break;
	case 'S':
		o->cfg[0] = 0;
		break;
	case 's':
		o->cfg[0] = 1;
		break;
	case 'w':
		o->with_text = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* What a JSON value is, for a message: "an array, not a JSON object" */
static const char *
json_kind(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "null";
	}
}

/* Check a stage's options as a direct submit does; make its params. */
static void
stage_check(struct stageopts *o, const char *ctx)
{
	int stage = o->stage;

	if (stage == TQ_STAGE_AI && !o->cfg[0] && !o->cfg[1] && !o->cfg[2])
		errx(TQ_EXIT_USAGE, "%snothing to do: summary, keywords and "
		    "insights are all off", ctx);
	if (stage == TQ_STAGE_NOTION) {
		/* the token stays in the environment: only checked here */
		if (tq_notion_token() == NULL)
			errx(TQ_EXIT_USAGE, "%snotion: no token: set "
			    "NOTION_TOKEN (or TQ_NOTION_TOKEN), for the workers "
			    "too", ctx);
		if (o->dbopt == NULL && (o->dbopt = getenv(
		    "TQ_NOTION_DATABASE")) != NULL && *o->dbopt == '\0')
			o->dbopt = NULL;
		if (o->dbopt == NULL)
			errx(TQ_EXIT_USAGE, "%snotion: no database: give "
			    "--database-id or set TQ_NOTION_DATABASE", ctx);
		if ((o->dbid = tq_notion_id(o->dbopt)) == NULL)
			errx(TQ_EXIT_USAGE, "%snotion: %s: not a database id (32 "
			    "hex digits, or a Notion URL)", ctx,
			    tq_vis_arg(o->dbopt));
		if (o->propopt != NULL) {
			json_error_t je;
			const char *k;
			json_t *v;

			/* the user's text, and jansson's quoting it: made
			 * visible, as no escape must reach the terminal */
			o->props = json_loads(o->propopt, JSON_DECODE_ANY, &je);
			if (o->props == NULL)
				errx(TQ_EXIT_USAGE, "%s--properties: malformed "
				    "JSON: %s", ctx, tq_vis_tmp(je.text));
			if (!json_is_object(o->props))
				errx(TQ_EXIT_USAGE, "%s--properties: %s, not a "
				    "JSON object", ctx, json_kind(o->props));
			json_object_foreach(o->props, k, v)
				if (!json_is_object(v))
					errx(TQ_EXIT_USAGE, "%s--properties: "
					    "%s: a property value is an object "
					    "such as {\"select\": {\"name\": "
					    "\"x\"}}", ctx, tq_vis_tmp(k));
		}
	} else if (o->dbopt != NULL || o->propopt != NULL || o->with_text)
		errx(TQ_EXIT_USAGE, "%s-D, -p and -w are for the notion stage",
		    ctx);
	if (o->no_robots && stage != TQ_STAGE_PARSE)
		errx(TQ_EXIT_USAGE, "%s-B is for the parse stage", ctx);
	if (o->ai_opt != 0 && stage != TQ_STAGE_AI)
		errx(TQ_EXIT_USAGE, "%s-%c is for the ai stage", ctx, o->ai_opt);
	if (o->max_retries < 0)
		o->max_retries = tq_cfg.max_retries;
	o->params = json_object();
	if (o->no_robots)	/* the sites are the user's */
		json_object_set_new(o->params, "robots", json_false());
	if (stage == TQ_STAGE_AI)
		json_object_set_new(o->params, "processing_config", json_pack(
		    "{s:b,s:b,s:b}", "generate_summary", o->cfg[0],
		    "generate_keywords", o->cfg[1], "generate_insights",
		    o->cfg[2]));
	if (stage == TQ_STAGE_NOTION) {
		json_object_set_new(o->params, "database_id",
		    json_string(o->dbid));
		if (o->props != NULL)
			json_object_set(o->params, "properties", o->props);
		json_object_set_new(o->params, "with_text", json_boolean(
		    o->with_text));
	}
}

/*
 * Split a --then argument into words: blanks separate them, and '...'
 * or "..." quote (a backslash quotes the next character outside '').
 */
static char **
split_words(const char *s, int *n)
{
	char **w = xcalloc(strlen(s) / 2 + 3, sizeof(*w));
	struct tq_buf b = { 0 };
	int in = 0;
	char q = 0;

	*n = 1;		/* w[0]: the program's name, for getopt */
	w[0] = xstrdup("tq-submit");
	for (;; s++) {
		if (*s == '\0' || (!q && (*s == ' ' || *s == '\t' ||
		    *s == '\n'))) {
			if (in) {
				tq_buf_add(&b, "", 1);
				w[(*n)++] = xstrdup(b.data);
				b.len = 0;
				in = 0;
			}
			if (*s == '\0')
				break;
			continue;
		}
		in = 1;
		if (q && *s == q) {
			q = 0;
		} else if (!q && (*s == '\'' || *s == '"')) {
			q = *s;
		} else if (*s == '\\' && q != '\'' && s[1] != '\0') {
			s++;
			tq_buf_add(&b, s, 1);
		} else
			tq_buf_add(&b, s, 1);
	}
	if (q)
		errx(TQ_EXIT_USAGE, "--then: unmatched %c", q);
	tq_buf_free(&b);
	return w;
}

/* A --then argument: "STAGE [stage options]", the stage after prev. */
static void
then_parse(const char *arg, int prev, struct stageopts *o)
{
	char **w, ctx[64];
	int n, ch;

	w = split_words(arg, &n);
	if (n < 2)
		errx(TQ_EXIT_USAGE, "--then: no stage");
	snprintf(ctx, sizeof(ctx), "--then %s: ", tq_vis_arg(w[1]));
	stageopts_init(o);
	if ((o->stage = tq_stage_from_name(w[1])) < 0)
		errx(TQ_EXIT_USAGE, "--then %s: unknown stage: use ai or notion",
		    tq_vis_arg(w[1]));
	if (o->stage != prev + 1)
		errx(TQ_EXIT_USAGE, "%s%s takes the results of %s: it cannot "
		    "follow %s", ctx, tq_stage_name(o->stage),
		    o->stage > 0 ? tq_stage_name(o->stage - 1) : "nothing",
		    tq_stage_name(prev));
	/* the words after the stage are its options, nothing else */
	optind = 0;
	opterr = 0;
	for (;;) {
		/* the word being read: w[1 + at] (getopt's argv is w + 1) */
		int at = optind > 0 ? optind : 1;

		if ((ch = getopt_long(n - 1, w + 1, "+:BD:IiKkm:p:R:Ssw",
		    longopts, NULL)) == -1)
			break;
		if (ch == '?' || ch == ':')
			errx(TQ_EXIT_USAGE, "%s%s: %s", ctx, optopt ? (char[]){
			    '-', (char)optopt, '\0' } : tq_vis_arg(w[optind]),
			    ch == ':' ? "needs an argument" :
			    "not an option of a stage");
		if (!stage_opt(ch, optarg, o, ctx))
			errx(TQ_EXIT_USAGE, "%s%s is not an option of a stage",
			    ctx, tq_vis_arg(w[1 + at]));
	}
	if (optind < n - 1)
		errx(TQ_EXIT_USAGE, "%s%s: a follow-up stage takes no inputs: "
		    "they come from the stage before it", ctx,
		    tq_vis_arg(w[optind + 1]));
	opterr = 1;
	o->words = w;
	o->nwords = n;
	stage_check(o, ctx);
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	struct stageopts so, th[TQ_NSTAGES];
	struct tq_submit_then subthen[TQ_NSTAGES];
	const char *thenarg[TQ_NSTAGES], *notify = NULL;
	const char *notify_from = "--notify";
	char *notify_url = NULL;
	int ch, i, used_stdin = 0, nthen = 0, max_retries;
	struct tq_submit sub;
	size_t k;
	json_t *params = NULL, *recs, *rec;
	redisContext *rc = NULL;
	PGconn *db = NULL;
	int status = TQ_EXIT_OK;
	struct backends bk;
	pthread_t bthr;
	int bstarted = 0, nread_bad;

	tq_submit_phase("main");
	/*
	 * A short life with threads: big buffers stay in the heap instead
	 * of an mmap and a munmap each, the heap grows in big steps and
	 * never shrinks, and the threads share one arena.  Each munmap or
	 * mprotect of a threaded process costs every CPU a TLB flush, dear
	 * in a virtual machine: 10% less CPU for 10,000 URLs.
	 */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	stageopts_init(&so);
	while ((ch = tq_getopt(argc, argv, "BD:d:HhIijKkm:p:qR:r:SsVvw",
	    longopts, "dHhjqrVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		if (stage_opt(ch, optarg, &so, ""))
			continue;
		switch (ch) {
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'N':
			notify = optarg;
			break;
		case 'T':
			if (nthen == TQ_NSTAGES - 1)
				errx(TQ_EXIT_USAGE, "--then: at most %d follow-up "
				    "stages", TQ_NSTAGES - 1);
			thenarg[nthen++] = optarg;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	/* warnx says what matters; -v counts from info, as elsewhere */
	if (getenv("TQ_LOG") == NULL && tq_loglevel == TQ_LOG_INFO)
		tq_loglevel = TQ_LOG_ERROR;
	tq_opt_done(&argc, &argv, TQ_CFG_REDIS | TQ_CFG_DB);
	if (argc < 1)
		usage(stderr, TQ_EXIT_USAGE);
	if ((stage = tq_stage_from_name(argv[0])) < 0) {
		warnx("%s: unknown stage: use parse, ai or notion",
		    tq_vis_arg(argv[0]));
		usage(stderr, TQ_EXIT_USAGE);
	}
	so.stage = stage;
	stage_check(&so, "");
	for (i = 0; i < nthen; i++)
		then_parse(thenarg[i], i == 0 ? stage : th[i - 1].stage, &th[i]);
	if (notify == NULL) {
		notify_from = "TQ_NOTIFY_URL";
		if ((notify = getenv("TQ_NOTIFY_URL")) != NULL &&
		    *notify == '\0')
			notify = NULL;
	}
	if (notify != NULL) {
		if (tq_url_check(notify, &notify_url, &e) == -1)
			errx(TQ_EXIT_USAGE, "%s: %s", notify_from, e.msg);
		if (strncmp(notify_url, "http://", 7) != 0 &&
		    strncmp(notify_url, "https://", 8) != 0)
			errx(TQ_EXIT_USAGE, "%s: %s: not an http or https URL",
			    notify_from, tq_vis_arg(tq_redact_url(notify)));
		/* as for the inputs: tq stores it in clear, prints it */
		if (tq_url_userinfo(notify_url))
			errx(TQ_EXIT_USAGE, "%s: a user name or password in "
			    "the URL: refused, tq stores URLs in clear (sign "
			    "the requests with TQ_NOTIFY_SECRET)", notify_from);
	}
	max_retries = so.max_retries;
	params = so.params;
	so.params = NULL;
	tq_out_init(om);

	/* standard input is read: connect meanwhile */
	memset(&bk, 0, sizeof(bk));
	memset(&sub, 0, sizeof(sub));
	for (i = 1; i < argc && strcmp(argv[i], "-") != 0; i++)
		;
	if (argc == 1 && isatty(STDIN_FILENO))
		usage(stderr, TQ_EXIT_USAGE);
	if (argc == 1 || i < argc)
		bstarted = pthread_create(&bthr, NULL, backends_open, &bk) == 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (!used_stdin)
				read_stdin();
			used_stdin = 1;
		} else {
			char *w = xstrdup(argv[i]), *wh, arg[32];

			/* an operand names itself: never with its password */
			wh = tq_redact_url(argv[i]);
			if (strlen(wh) > 100)	/* and not all of a long one */
				memcpy(wh + 97, "...", 4);
			/* a blank line is skipped; a blank operand, a slip */
			if (*tq_trim(w) == '\0') {
				snprintf(arg, sizeof(arg), "argument %d", i);
				bad(arg, "an empty operand");
			} else
				add_word(w, wh, 0);
			free(wh);
			free(w);
		}
	}
	if (argc == 1)
		read_stdin();
	tq_submit_phase("inputs read");
	for (i = 0; i < nthen; i++) {
		subthen[i].stage = th[i].stage;
		subthen[i].max_retries = th[i].max_retries;
		subthen[i].model = th[i].model;
		subthen[i].params = th[i].params;
		subthen[i].task = 0;
	}
	sub.stage = stage;
	sub.max_retries = max_retries;
	sub.model = so.model;
	sub.params = params;
	sub.then = subthen;
	sub.nthen = (size_t)nthen;
	sub.notify_url = notify_url;
	sub.in = inputs;
	sub.nin = ninputs;
	sub.claims = claims;
	sub.nclaims = nclaims;
	sub.bad = submit_bad;
	sub.note = submit_note;
	sub.want_record = 1;
	/*
	 * The inputs' own checks, while the connections are made; what they
	 * find is reported with what tq_submit() finds in the database.
	 */
	nread_bad = nbad;
	if (nbad == 0 && ninputs > 0)
		tq_submit_prepare(&sub);
	if (bstarted) {
		pthread_join(bthr, NULL);
		rc = bk.rc;
		db = bk.db;
		tq_submit_phase("backends connected, while reading");
	}
	if (nread_bad > 0)
		goto badinput;
	if (ninputs == 0) {
		warnx("no input: nothing to submit");
		status = TQ_EXIT_INPUT;
		goto out;
	}
	if (!bstarted) {
		backends_open(&bk);
		rc = bk.rc;
		db = bk.db;
		tq_submit_phase("backends connected");
	}
	if (!bk.ok && nbad > 0)
		goto badinput;	/* bad URLs, found without a backend */
	if (!bk.ok)
		errx(TQ_EXIT_BACKEND, "%s", bk.e.msg);
	/* a wrong database fails here; Notion away, in the workers */
	for (i = -1; i < nthen; i++) {
		struct stageopts *o = i < 0 ? &so : &th[i];

		if (o->stage != TQ_STAGE_NOTION || tq_notion_check(db, rc,
		    o->dbid, o->props, &e) == 0)
			continue;
		if (e.kind == TQ_ERR_PERMANENT) {
			warnx("%s%s", i < 0 ? "" : "--then notion: ", e.msg);
			status = TQ_EXIT_INPUT;
			goto badinput;
		}
		if (!quiet)
			warnx("%s; cannot check the database now: the "
			    "workers will", e.msg);
	}
	switch (tq_submit(db, rc, &sub, &e)) {
	case 0:
		break;
	case TQ_SUBMIT_BAD:
		goto badinput;
	case TQ_SUBMIT_EMPTY:
		warnx("no input: nothing to submit");
		status = TQ_EXIT_INPUT;
		goto out;
	default:
		goto backend;
	}
	if (!sub.queued) {
		warnx("%s; task %lld is saved and the workers' reconciler will "
		    "queue it", e.msg, sub.task);
		status = TQ_EXIT_BACKEND;
	}

	tq_submit_phase("submitted");
	if ((recs = sub.rec) == NULL &&
	    (recs = tq_task_records(db, &e, &sub.task, 1, 0)) == NULL)
		goto backend;
	tq_submit_phase("record read");
	rec = json_array_get(recs, 0);
	if (json_is_object(rec)) {
		json_object_set_new(rec, "success", json_true());
		json_object_set_new(rec, "message", json_sprintf(
		    "%s task queued: %zu %s%s%s", tq_stage_name(stage),
		    sub.nitems, tq_stage_item_type(stage),
		    sub.nitems == 1 ? "" : "s", nthen > 0 ?
		    ", with its follow-up tasks" : ""));
		if (nthen > 0) {
			json_t *cl = json_array();

			for (i = 0; i < nthen; i++)
				json_array_append_new(cl, json_integer(
				    subthen[i].task));
			json_object_set_new(rec, "chain", cl);
		}
		tq_out_task(rec, 0);
	}
	json_decref(recs);
	tq_out_flush();
	tq_submit_phase("record printed");
	goto out;

badinput:
	/* one bad input: its line says it all (exit 3: nothing made) */
	if (nbad > 1)
		warnx("%d bad inputs: nothing submitted", nbad);
	status = TQ_EXIT_INPUT;
	goto out;
backend:
	warnx("%s", e.msg);
	status = e.kind == TQ_ERR_PERMANENT ? TQ_EXIT_INPUT : TQ_EXIT_BACKEND;
out:
	tq_submit_clear(&sub);
	for (k = 0; k < ninputs; k++) {
		free(inputs[k].url);
		free(inputs[k].where);
	}
	for (k = 0; k < nclaims; k++)
		free(claims[k].where);
	free(claims);
	free(inputs);
	json_decref(params);
	stageopts_free(&so);
	for (i = 0; i < nthen; i++)
		stageopts_free(&th[i]);
	free(notify_url);
	if (db)
		PQfinish(db);
	if (rc)
		redisFree(rc);
	return status;
}
