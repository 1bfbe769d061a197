/*
 * job.c - the claim of a job, what the parse and ai stages do with one
 * item, and the store of any stage's result.  tq_job_work() runs as a
 * job of the worker's event loop (co.c): its network waits overlap
 * with the other jobs', and what parses untrusted input or costs CPU
 * (extraction, the builtin AI) goes to a job process (jobproc.c) as
 * one of the ops of tq_jp_ops below.  tq_job_store() writes the result
 * and the item's end in one statement (see sql/), with the store
 * function of the stage's row in stage.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

/* a page of fewer words with a meta refresh only redirects */
#define REFRESH_WORDS	50

/*
 * For the tests: TQ_TEST_CRASH=WORD makes the job process of a job
 * whose URL holds WORD die by SIGSEGV, as a handler with a bug would;
 * TQ_TEST_HANG=WORD makes it hang, ignoring SIGTERM.
 */
static void
test_hooks(const char *url)
{
	const char *crash = getenv("TQ_TEST_CRASH");
	const char *hang = getenv("TQ_TEST_HANG");

	if (url == NULL)
		return;
	if (crash != NULL && *crash && strstr(url, crash) != NULL)
		raise(SIGSEGV);
	if (hang != NULL && *hang && strstr(url, hang) != NULL) {
		signal(SIGTERM, SIG_IGN);
		for (;;)
			pause();
	}
}

/*
 * A <meta http-equiv="refresh" content="N; url=U"> in the first 64 KB
 * of html with N at most 10 seconds: 1 and U (cut to sz) in target.
 */
static int
meta_refresh(const char *html, size_t len, char *target, size_t sz)
{
	const char *p = html, *end = html + (len < 65536 ? len : 65536);
	const char *gt, *c, *u;
	char tag[2048];
	size_t n;
	double delay;
	char *ep, q;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		p++;
		if (end - p < 5 || strncasecmp(p, "meta", 4) != 0 ||
		    (p[4] != ' ' && p[4] != '\t' && p[4] != '\n' &&
		    p[4] != '\r'))
			continue;
		gt = memchr(p, '>', (size_t)(end - p));
		n = gt != NULL ? (size_t)(gt - p) : (size_t)(end - p);
		if (n >= sizeof(tag))
			n = sizeof(tag) - 1;
		memcpy(tag, p, n);
		tag[n] = '\0';
		if (strcasestr(tag, "http-equiv") == NULL ||
		    strcasestr(tag, "refresh") == NULL ||
		    (c = strcasestr(tag, "content")) == NULL)
			continue;
		c += 7;
		while (*c == ' ' || *c == '=' || *c == '\t')
			c++;
		q = *c == '"' || *c == '\'' ? *c++ : '\0';
		delay = strtod(c, &ep);
		if (ep == c || delay > 10 || (u = strcasestr(ep, "url")) == NULL)
			continue;
		u += 3;
		while (*u == ' ' || *u == '=')
			u++;
		if (*u == '"' || *u == '\'')
			u++;
		n = strcspn(u, q != '\0' ? "\"'" : " >");
		while (n > 0 && (u[n - 1] == '\'' || u[n - 1] == '"' ||
		    u[n - 1] == ' '))
			n--;
		if (n == 0)
			continue;
		snprintf(target, sz, "%.*s", (int)n, u);
		return 1;
	}
	return 0;
}

/*
 * In a job process: a fetched page, as the site sent it, decoded to
 * UTF-8 (the header's charset, a BOM, <meta charset>) and extracted:
 * {"charset": the one used, "doc": the document}.
 */
static json_t *
op_parse_body(json_t *args, const char *raw, size_t rawlen,
    struct tq_err *err)
{
	const char *ct = json_string_value(json_object_get(args,
	    "content_type"));
	const char *url = json_string_value(json_object_get(args, "url"));
	const char *used = NULL;
	struct tq_doc d;
	json_t *res = NULL;
	char *body, target[600];
	size_t len;

	test_hooks(json_string_value(json_object_get(args, "link")));
	body = tq_charset_to_utf8(raw, rawlen, json_string_value(
	    json_object_get(args, "charset")), ct == NULL ||
	    strcmp(ct, "text/plain") != 0, &len, &used);
	memset(&d, 0, sizeof(d));
	if (ct != NULL && strcmp(ct, "text/plain") == 0) {
		d.text = xstrndup(body, len);
		d.word_count = tq_word_count(d.text, strlen(d.text));
		tq_sha256_hex(d.text, strlen(d.text), d.content_hash);
	} else if (tq_extract(body, len, url, &d, err) == -1)
		goto out;
	/*
	 * A page that only sends the browser on (a shortener's, a moved
	 * site's): its few words are no article, and the AI and Notion
	 * would get "Redirecting..."
	 */
	if ((ct == NULL || strcmp(ct, "text/plain") != 0) &&
	    d.word_count < REFRESH_WORDS && meta_refresh(body, len, target,
	    sizeof(target))) {
		char *shown = tq_vis(target);

		tq_err_set(err, TQ_ERR_PERMANENT, "meta_refresh",
		    "the page only redirects (meta refresh to %.*s): "
		    "submit that URL", (int)tq_utf8_fit(shown, strlen(shown),
		    300), shown);
		free(shown);
		goto out;
	}
	if (d.text == NULL || d.word_count == 0) {
		tq_err_set(err, TQ_ERR_PERMANENT, "empty_content",
		    "no article text found in the page");
		goto out;
	}
	res = json_pack("{s:s?,s:o}", "charset", used, "doc",
	    tq_doc_json(&d));
out:
	tq_doc_free(&d);
	free(body);
	return res;
}

/* In a job process: the builtin provider's summary and keywords. */
static json_t *
op_ai_builtin(json_t *args, const char *text, size_t len, struct tq_err *err)
{
	struct tq_ai_request req;
	struct tq_ai_result res;
	json_t *out = NULL;

	(void)len;
	memset(&req, 0, sizeof(req));
	req.title = json_string_value(json_object_get(args, "title"));
	req.text = text;
	req.want_summary = json_is_true(json_object_get(args, "summary"));
	req.want_keywords = json_is_true(json_object_get(args, "keywords"));
	req.want_insights = json_is_true(json_object_get(args, "insights"));
	req.summary_sentences = (int)json_integer_value(json_object_get(args,
	    "summary_sentences"));
	req.max_keywords = (int)json_integer_value(json_object_get(args,
	    "max_keywords"));
	tq_ai_result_init(&res);
	if (tq_ai_builtin(&req, &res, err) == 0)
		out = tq_ai_result_json(&res);
	tq_ai_result_free(&res);
	return out;
}

const struct tq_jp_op tq_job_ops[] = {
	{ "parse_body", op_parse_body },
	{ "ai_builtin", op_ai_builtin },
	{ NULL, NULL }
};

/*
 * Run op in a job process for a job that started at t0 with a timeout
 * of tmo seconds.  The wait for a free process ends shortly before the
 * worker would kill the job, which is then set aside ("busy": a busy
 * worker's want, not the item's fault) rather than failed as timed
 * out; the op itself runs until the worker stops the job.
 */
static double
jp_deadline(double t0, int tmo)
{
	return tmo <= 0 ? 0 : t0 + (tmo > 10 ? tmo - 2 : tmo * 0.9);
}

static json_t *
jp_run(const char *op, json_t *args, const char *blob, size_t len,
    double t0, int tmo, struct tq_err *err)
{
	struct tq_jp_req *q;

	q = tq_jp_send(op, args, blob, len, jp_deadline(t0, tmo), err);
	return q != NULL ? tq_jp_recv(q, 0, err) : NULL;
}

/*
 * jp_run() for a fetched page: its body, held in the worker's budget
 * for bodies until then, goes once the job process has it, and not
 * when the process has answered.
 */
static json_t *
jp_run_page(const char *op, json_t *args, struct tq_fetch *f, double t0,
    int tmo, struct tq_err *err)
{
	struct tq_jp_req *q;

	q = tq_jp_send(op, args, f->body, f->len, jp_deadline(t0, tmo), err);
	tq_fetch_body_free(f);
	return q != NULL ? tq_jp_recv(q, 0, err) : NULL;
}

/*
 * Each redirect of a page's fetch, before it is followed.  A target on
 * another site stops the fetch (code "site_moved", the target kept):
 * the job gives the link's site back and waits for the target's turn
 * as that site's own links do (its lease, delay, pause and robots.txt)
 * before it fetches the target.  A target on the same site is judged
 * by the site's robots.txt; one that Redis no longer holds stops the
 * fetch too ("robots_needed"), so that it is read first.
 */
struct hops {
	const struct tq_site	*site;
	int			 robots;
	int			 n;	/* redirects met, over all fetches */
	char			*need;	/* the target to go on from */
};

static int
hop_ok(void *arg, const char *url, struct tq_err *err)
{
	struct hops *h = arg;
	char name[sizeof(h->site->name)];
	int r;

	h->n++;
	if (tq_site_name(url, name, sizeof(name)) == 0 &&
	    strcmp(name, h->site->name) != 0) {
		free(h->need);
		h->need = xstrdup(url);
		return tq_err_set(err, TQ_ERR_TRANSIENT, "site_moved",
		    "a redirect to another site");
	}
	if (!h->robots)
		return 0;
	r = tq_site_robots_known(h->site, url, err);
	if (r == 1) {
		free(h->need);
		h->need = xstrdup(url);
		return tq_err_set(err, TQ_ERR_TRANSIENT, "robots_needed",
		    "robots.txt not read yet");
	}
	return r;
}

/*
 * url by the robots.txt of site, held: 0 allowed, -1 and err with the
 * site given back.
 */
static int
robots_ok(struct tq_site *site, const char *url, double deadline,
    struct tq_err *err)
{
	struct tq_err re;

	if (tq_site_robots(site, url, deadline, err) == 0)
		return 0;
	/*
	 * A 5xx or 429 is bad for AutoThrottle.  Its pause, if the site
	 * asked for one, is robots.txt's own (site.c): not the minute tq
	 * waits to read it again, nor TQ_SITE_BACKOFF's for a 429 without
	 * Retry-After (a 429 here counts as a 503, as Google reads it).
	 */
	re = *err;
	re.retry_after = 0;
	if (re.http_status == 429)
		re.http_status = 503;
	tq_site_release(site, &re);
	return -1;
}

/*
 * The turn of url's site (see site.c) and its robots.txt, if robots:
 * 0 with the site held (or not, out of a worker), -1 and err.
 */
static int
take_site(struct tq_site *site, const char *url, const char *tag,
    double deadline, double lease, int robots, struct tq_err *err)
{
	if (tq_site_acquire(site, url, tag, deadline, lease, err) == -1)
		return -1;
	return robots ? robots_ok(site, url, deadline, err) : 0;
}

json_t *
tq_job_parse(const struct tq_claim *claim, struct tq_err *err)
{
	struct tq_fetch_opts o;
	struct tq_fetch f;
	struct tq_site site;
	struct hops hops = { 0 };
	json_t *res = NULL, *doc, *args;
	const char *url, *from;
	char *next = NULL;
	double t0 = tq_mono(), end, left;
	int tmo = tq_cfg.timeout[TQ_STAGE_PARSE], rc, robots, maxr;
	char tag[64];

	url = json_string_value(json_object_get(claim->input, "url"));
	if (url == NULL) {
		tq_err_set(err, TQ_ERR_PERMANENT, "no_input",
		    "the link no longer exists");
		return NULL;
	}
	tq_fetch_opts_default(&o);
	/* leave the worker time to report before its hard timeout */
	o.timeout_ms = 1000L * (tmo > 10 ? tmo - 5 : tmo > 2 ? tmo - 1 : tmo);
	if (o.connect_timeout_ms > o.timeout_ms)
		o.connect_timeout_ms = o.timeout_ms;
	o.max_bytes = (size_t)tq_cfg.max_body;
	o.allow_private = tq_cfg.allow_private;
	o.allow_addrs = tq_cfg.allow_addrs;
	o.user_agent = tq_cfg.user_agent;
	o.raw = 1;	/* decoded in the job process, with the extraction */
	maxr = o.max_redirects;
	memset(&f, 0, sizeof(f));
	/*
	 * The site's turn: a wait leaves the fetch what remains before
	 * end, and at least half its time or 10 s.
	 */
	end = t0 + o.timeout_ms / 1000.0;
	left = o.timeout_ms / 2000.0 < 10 ? o.timeout_ms / 2000.0 : 10;
	snprintf(tag, sizeof(tag), "%lld:%lld", claim->task_id,
	    claim->item_id);
	/* a task's params may turn robots.txt off (tq-submit --no-robots) */
	robots = !json_is_false(json_object_get(claim->params, "robots"));
	if (take_site(&site, url, tag, end - left, o.timeout_ms / 1000.0,
	    robots, err) == -1)
		goto out;
	/*
	 * One handle for the job's fetches: a redirect to another site is
	 * a new fetch, and the cookies a site set before it (a consent or
	 * login wall: A sets one, sends to B, B back to A) go with the
	 * next, as a browser's do; no other job sees them.  Made once the
	 * site's turn came: a handle is some 30 KB, and the jobs that wait
	 * for their turn are many
	 */
	tq_http_init();
	if ((o.handle = curl_easy_init()) == NULL) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "network",
		    "cannot start libcurl");
		tq_site_release(&site, NULL);
		goto out;
	}
	/* each redirect to another site, at that site's turn */
	for (from = url; ; ) {
		if (site.held) {
			hops.site = &site;
			hops.robots = robots;
			o.on_redirect = hop_ok;
			o.redirect_arg = &hops;
			o.timeout_ms = (long)((end - tq_mono()) * 1000);
			if (o.timeout_ms < 1)
				o.timeout_ms = 1;
			if (o.connect_timeout_ms > o.timeout_ms)
				o.connect_timeout_ms = o.timeout_ms;
		}
		o.max_redirects = maxr - hops.n;
		rc = tq_fetch(from, &o, &f, err);
		if (rc == 0 || hops.need == NULL ||
		    (strcmp(err->code, "site_moved") != 0 &&
		    strcmp(err->code, "robots_needed") != 0))
			break;
		tq_fetch_free(&f);
		memset(&f, 0, sizeof(f));
		free(next);
		from = next = hops.need;
		hops.need = NULL;
		if (hops.n > maxr) {
			tq_err_set(err, TQ_ERR_PERMANENT, "redirects",
			    "too many redirects");
			break;	/* rc is -1 */
		}
		if (strcmp(err->code, "robots_needed") == 0) {
			if (robots_ok(&site, from, end - left, err) == -1)
				goto out;
			continue;
		}
		/* the link's site answered: a redirect, no fault of its */
		tq_site_release(&site, NULL);
		if (take_site(&site, from, tag, end - left, end - tq_mono(),
		    robots, err) == -1)
			goto out;
	}
	curl_easy_cleanup(o.handle);
	o.handle = NULL;
	/* a transfer that this worker's stall cut is not the site's fault */
	if (rc == -1)
		tq_job_stalled(err, t0);
	tq_site_release(&site, rc == -1 ? err : NULL);
	if (rc == -1)
		goto out;
	args = json_pack("{s:s?,s:s?,s:s?,s:s}", "url", f.url, "content_type",
	    f.content_type, "charset", f.charset, "link", url);
	doc = jp_run_page("parse_body", args, &f, t0, tmo, err);
	json_decref(args);
	if (doc == NULL)
		goto out;
	res = json_pack("{s:s?,s:i,s:s?,s:O?,s:i,s:O}",
	    "final_url", f.url, "http_status", (int)f.status,
	    "content_type", f.content_type, "charset", json_object_get(doc,
	    "charset"), "fetch_ms", (int)((tq_mono() - t0) * 1000), "doc",
	    json_object_get(doc, "doc"));
	json_decref(doc);
out:
	free(hops.need);
	free(next);
	tq_fetch_free(&f);
	curl_easy_cleanup(o.handle);
	return res;
}

json_t *
tq_job_ai(const struct tq_claim *claim, struct tq_err *err)
{
	json_t *in = claim->input;
	json_t *m = claim->model;
	json_t *cfg = json_object_get(claim->params, "processing_config");
	struct tq_ai_request req;
	struct tq_ai_result res;
	struct tq_ai_model model;
	json_t *out = NULL, *pm;
	double t0 = tq_mono();
	int rc;

	if (!json_is_object(in)) {
		tq_err_set(err, TQ_ERR_PERMANENT, "no_input",
		    "the parsed content no longer exists");
		return NULL;
	}
	if (!json_is_object(m)) {
		tq_err_set(err, TQ_ERR_PERMANENT, "no_model",
		    "the task's ai model no longer exists");
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.title = json_string_value(json_object_get(in, "title"));
	req.text = json_string_value(json_object_get(in, "text"));
	req.page_type = json_string_value(json_object_get(in, "page_type"));
	req.want_summary = !json_is_false(json_object_get(cfg,
	    "generate_summary"));
	req.want_keywords = !json_is_false(json_object_get(cfg,
	    "generate_keywords"));
	req.want_insights = json_is_true(json_object_get(cfg,
	    "generate_insights"));
	pm = json_object_get(m, "params");
	req.summary_sentences = (int)json_integer_value(json_object_get(pm,
	    "summary_sentences"));
	req.max_keywords = (int)json_integer_value(json_object_get(pm,
	    "max_keywords"));
	if (req.text == NULL)
		req.text = "";

	tq_ai_result_init(&res);
	memset(&model, 0, sizeof(model));
	model.id = json_integer_value(json_object_get(m, "id"));
	model.name = json_string_value(json_object_get(m, "name"));
	model.provider = json_string_value(json_object_get(m, "provider"));
	model.model = json_string_value(json_object_get(m, "model"));
	model.base_url = json_string_value(json_object_get(m, "base_url"));
	model.api_key_env = json_string_value(json_object_get(m,
	    "api_key_env"));
	model.json_mode = json_string_value(json_object_get(m, "json_mode"));
	/* unset: 0.2, low as extraction wants (specs/llm-api.md) */
	model.temperature = json_is_number(json_object_get(pm,
	    "temperature")) ? json_number_value(json_object_get(pm,
	    "temperature")) : 0.2;
	model.max_tokens = (int)json_integer_value(json_object_get(pm,
	    "max_tokens"));
	model.context_chars = (int)json_integer_value(json_object_get(pm,
	    "context_chars"));
	model.timeout = (int)json_integer_value(json_object_get(pm,
	    "timeout"));
	/* requests a minute for all workers together (limit.c); 0: none */
	model.rpm = (int)json_integer_value(json_object_get(pm, "rpm"));
	model.timeout = tq_model_call_timeout(model.timeout);

	if (model.provider != NULL && strcmp(model.provider, "openai") == 0) {
		rc = tq_ai_openai(&model, &req, &res, err);
		if (rc == 0)
			out = tq_ai_result_json(&res);
	} else {
		json_t *args = json_pack("{s:s?,s:b,s:b,s:b,s:i,s:i}",
		    "title", req.title, "summary", req.want_summary,
		    "keywords", req.want_keywords, "insights",
		    req.want_insights, "summary_sentences",
		    req.summary_sentences, "max_keywords", req.max_keywords);

		out = jp_run("ai_builtin", args, req.text, strlen(req.text),
		    t0, tq_cfg.timeout[TQ_STAGE_AI], err);
		json_decref(args);
		rc = out != NULL ? 0 : -1;
	}
	/*
	 * for the failed item's result: what the model said instead, and
	 * the tokens its calls cost all the same (specs/llm-api.md 2)
	 */
	if (out == NULL && (res.raw != NULL || res.prompt_tokens >= 0 ||
	    res.completion_tokens >= 0 || res.total_tokens >= 0)) {
		json_t *d = json_object();

		if (res.raw != NULL)
			json_object_set_new(d, "raw_output",
			    json_string(res.raw));
		if (res.prompt_tokens >= 0)
			json_object_set_new(d, "prompt_tokens",
			    json_integer(res.prompt_tokens));
		if (res.completion_tokens >= 0)
			json_object_set_new(d, "completion_tokens",
			    json_integer(res.completion_tokens));
		if (res.total_tokens >= 0)
			json_object_set_new(d, "total_tokens",
			    json_integer(res.total_tokens));
		tq_job_detail_set(d);
	}
	if (rc == 0) {
		json_object_set_new(out, "model_id", json_integer(model.id));
		json_object_set(out, "config", cfg ? cfg : json_object());
		json_object_set_new(out, "duration_ms",
		    json_integer((json_int_t)((tq_mono() - t0) * 1000)));
	}
	tq_ai_result_free(&res);
	return out;
}

/*
 * What a worker runs for each stage, in the order of stage.c's table:
 * prepare after the claim, in the worker (it may use the worker's
 * PostgreSQL connection); work, the job itself, in the worker's event
 * loop, which returns the result to store, or NULL with err
 * classified.
 */
static const struct {
	int	(*prepare)(PGconn *, struct tq_claim *, struct tq_err *);
	json_t	*(*work)(const struct tq_claim *, struct tq_err *);
} runners[TQ_NSTAGES] = {
	[TQ_STAGE_PARSE] = { NULL, tq_job_parse },
	[TQ_STAGE_AI] = { tq_job_ai_prepare, tq_job_ai },
	[TQ_STAGE_NOTION] = { NULL, tq_notion_work },
};

static json_t *job_detail;

void
tq_job_detail_set(json_t *d)
{
	json_decref(job_detail);
	job_detail = d;
}

json_t *
tq_job_detail_take(void)
{
	json_t *d = job_detail;

	job_detail = NULL;
	return d;
}

json_t *
tq_job_work(const struct tq_claim *claim, struct tq_err *err)
{
	return runners[claim->stage].work(claim, err);
}

json_t *
tq_job_store(PGconn *db, enum tq_stage st, const char *job, json_t *result,
    struct tq_err *err)
{
	const char *p[2];
	char *s, sql[128];
	PGresult *r;
	json_t *out = NULL;

	s = json_dumps(result, JSON_COMPACT);
	p[0] = job;
	p[1] = s;
	/* with the follow-up job of a chain, if any (sql/0008) */
	snprintf(sql, sizeof(sql), "SELECT tq_chain_out($1, %s($1, "
	    "$2::jsonb))", tq_stages[st].store);
	r = tq_db_exec(db, err, sql, 2, p);
	free(s);
	if (r == NULL)
		return NULL;
	if (!PQgetisnull(r, 0, 0))
		out = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	else
		err->kind = TQ_ERR_NONE;
	PQclear(r);
	return out;
}

/* What tq_claim() answered for job, in c; see tq_claim_load(). */
static int
claim_doc(PGconn *db, struct tq_err *err, enum tq_stage st, const char *job,
    json_t *doc, struct tq_claim *c)
{
	memset(c, 0, sizeof(*c));
	if (!json_is_object(doc)) {
		json_decref(doc);
		return 0;
	}
	if (json_is_string(json_object_get(doc, "busy"))) {
		snprintf(c->busy, sizeof(c->busy), "%s", json_string_value(
		    json_object_get(doc, "busy")));
		json_decref(doc);
		return 2;
	}
	c->stage = st;
	snprintf(c->job, sizeof(c->job), "%s", job);
	c->doc = doc;
	c->task_id = json_integer_value(json_object_get(doc, "task_id"));
	c->item_id = json_integer_value(json_object_get(doc, "item_id"));
	c->retry_count = (int)json_integer_value(json_object_get(doc,
	    "retry_count"));
	c->crash_count = (int)json_integer_value(json_object_get(doc,
	    "crash_count"));
	c->max_retries = (int)json_integer_value(json_object_get(doc,
	    "max_retries"));
	c->params = json_object_get(doc, "params");
	if (!json_is_object(c->params)) {
		c->params = json_object();
		json_object_set_new(doc, "params", c->params);
	}
	c->input = json_object_get(doc, "input");
	if (!json_is_object(c->input))
		c->input = NULL;
	if (runners[st].prepare != NULL &&
	    runners[st].prepare(db, c, err) == -1) {
		tq_claim_free(c);
		return -1;
	}
	return 1;
}

int
tq_claim_load(PGconn *db, struct tq_err *err, enum tq_stage st,
    const char *job, const char *worker, struct tq_claim *c)
{
	int got;

	if (tq_claim_many(db, err, &st, &job, 1, worker, c, &got) == -1)
		return -1;
	return got;
}

/*
 * Claim n jobs in one statement: got[i] as tq_claim_load() returns for
 * job[i] (a stage's prepare failing makes that one -1, with err set).
 * -1 if the statement failed (PostgreSQL away): none was claimed.
 */
int
tq_claim_many(PGconn *db, struct tq_err *err, const enum tq_stage *st,
    const char *const *job, int n, const char *worker, struct tq_claim *c,
    int *got)
{
	struct tq_buf jobs = { 0 }, stale = { 0 };
	const char *p[3];
	PGresult *r;
	int i;

	for (i = 0; i < n; i++) {
		const char *q;

		tq_buf_adds(&jobs, i ? ",\"" : "{\"");
		for (q = job[i]; *q; q++) {
			if (*q == '"' || *q == '\\')
				tq_buf_add(&jobs, "\\", 1);
			tq_buf_add(&jobs, q, 1);
		}
		tq_buf_adds(&jobs, "\"");
		/* past its timeout and a grace, another worker runs it no more */
		tq_buf_addf(&stale, "%s%d", i ? "," : "{",
		    tq_cfg.timeout[st[i]] + 30);
	}
	tq_buf_adds(&jobs, "}");
	tq_buf_adds(&stale, "}");
	p[0] = jobs.data;
	p[1] = worker;
	p[2] = stale.data;
	r = tq_db_exec(db, err, "SELECT tq_claim(t.j, $2, t.s) FROM "
	    "unnest($1::text[], $3::float8[]) WITH ORDINALITY AS t(j, s, o) "
	    "ORDER BY t.o", 3, p);
	tq_buf_free(&jobs);
	tq_buf_free(&stale);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != n) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: tq_claim gave %d rows for %d jobs",
		    PQntuples(r), n);
		PQclear(r);
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_t *doc = NULL;

		if (!PQgetisnull(r, i, 0))
			doc = json_loads(PQgetvalue(r, i, 0), 0, NULL);
		got[i] = claim_doc(db, err, st[i], job[i], doc, &c[i]);
	}
	PQclear(r);
	return 0;
}

void
tq_claim_free(struct tq_claim *c)
{
	json_decref(c->doc);
	memset(c, 0, sizeof(*c));
}

int
tq_job_ai_prepare(PGconn *db, struct tq_claim *c, struct tq_err *err)
{
	json_t *m;

	m = tq_model_load(db, err, (long long)json_integer_value(
	    json_object_get(c->params, "model_id")));
	if (m == NULL)
		return -1;
	json_object_set_new(c->doc, "model", m);
	c->model = m;
	return 0;
}

int
tq_claim_release_worker(PGconn *db, struct tq_err *e, const char *worker)
{
	const char *p[1] = { worker };
	PGresult *r;

	r = tq_db_exec(db, e, "UPDATE task_items SET status = 'pending', "
	    "updated_at = now() WHERE worker_id = $1 AND status = 'running'",
	    1, p);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}
