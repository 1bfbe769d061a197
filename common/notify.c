/*
 * notify.c - the webhook of a task's end (--notify, TQ_NOTIFY_URL).
 *
 * When a task ends, PostgreSQL records a notification with the task's
 * final record as its body, in the transaction that ended it
 * (sql/0008).  Workers send them from their event loop: a worker
 * claims due notifications with one UPDATE over rows locked FOR UPDATE
 * SKIP LOCKED (so two workers never hold the same one), POSTs each
 * from a coroutine of the loop (tq_http_do: the fetch's rules on
 * internal addresses, TQ_ALLOW_PRIVATE), and records the answer:
 * attempts, last HTTP status, last error, delivered_at.  A failure is
 * tried again after 1, 2, 4, ... s, or after the receiver's Retry-After
 * when that is longer (at most 10 min apart), up to TQ_NOTIFY_ATTEMPTS
 * times; an answer that retrying cannot mend (tq_http_errkind(): a 3xx,
 * as no redirect is followed, most 4xx, 501) gives up at once.  With
 * TQ_NOTIFY_SECRET set, the header X-Tq-Signature: sha256=HEX carries
 * the HMAC-SHA256 of the body.
 *
 * Once a 2xx is recorded the notification is never sent again.  A
 * claim lasts CLAIM_S seconds: a worker that dies after the POST and
 * before its record leaves it to be sent again then, so a receiver
 * may see one delivery twice (same X-Tq-Delivery) only after a crash.
 * An answer that PostgreSQL cannot take (a restart, a failover) is
 * kept and recorded once it can, while the claim lasts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

#define CLAIM_S		120	/* > the request's timeout */
#define MAX_SENDS	8
#define EVERY_S		1.0	/* s between two looks for due ones */

struct send {
	long long	 id, task;
	char		*url, *body;
	int		 attempt;
	int		 done, ok, permanent;
	int		 answered;	/* a 2xx status and its headers came */
	double		 claimed, tried;	/* tq_mono() */
	long		 status;
	double		 wait;		/* Retry-After, s; 0: none */
	char		 err[512];
	struct send	*next;
};

static struct send *sends;
static int nsends;
static double last_claim = -1e9;	/* tq_mono() */

int
tq_notify_busy(void)
{
	return nsends;
}

/* A 2xx answer: delivered, whatever then becomes of its body. */
static int
answered(void *arg, const struct tq_http_resp *rs, struct tq_err *e)
{
	struct send *s = arg;

	(void)rs;
	(void)e;
	s->answered = 1;
	return 0;
}

static void
send_main(void *arg)
{
	struct send *s = arg;
	struct tq_http_req rq;
	struct tq_http_resp rs;
	struct tq_err e = { 0 };
	struct curl_slist *h = NULL;
	const char *secret = getenv("TQ_NOTIFY_SECRET");
	char line[128], sig[65];

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	h = curl_slist_append(h, "Content-Type: application/json");
	snprintf(line, sizeof(line), "X-Tq-Delivery: %lld", s->id);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Tq-Task: %lld", s->task);
	h = curl_slist_append(h, line);
	if (secret != NULL && *secret != '\0') {
		tq_hmac_sha256_hex(secret, strlen(secret), s->body,
		    strlen(s->body), sig);
		snprintf(line, sizeof(line), "X-Tq-Signature: sha256=%s", sig);
		h = curl_slist_append(h, line);
	}
	rq.method = "POST";
	rq.url = s->url;
	rq.headers = h;
	rq.body = s->body;
	rq.body_len = strlen(s->body);
	/* the answer is not kept: a long one, cut, is a delivery too */
	rq.max_bytes = 64 * 1024;
	rq.truncate = 1;
	rq.timeout_ms = 15000;
	rq.allow_private = tq_cfg.allow_private;
	rq.allow_addrs = tq_cfg.allow_addrs;
	rq.secret = secret;
	rq.on_headers = answered;
	rq.arg = s;
	/* a receiver that said 2xx and then stalled or cut its body got it */
	if (tq_http_do(&rq, &rs, &e) == 0 || s->answered)
		s->ok = 1;
	else {
		snprintf(s->err, sizeof(s->err), "%s", e.msg);
		s->permanent = e.kind == TQ_ERR_PERMANENT;
	}
	s->status = rs.status;
	s->wait = rs.retry_after_asked;
	tq_http_resp_free(&rs);
	curl_slist_free_all(h);
	s->done = 1;
}


/* Record a sent notification's answer; 0, or -1 if PostgreSQL failed. */
static int
record(PGconn *db, const char *worker, struct send *s)
{
	struct tq_err e = { 0 };
	char id[24], st[16], delay[16], give[2], ok[2];
	const char *p[7];
	PGresult *r;
	int last = s->attempt >= tq_cfg.notify_attempts || s->permanent;
	double d = 1;
	int i;

	for (i = 1; i < s->attempt && d < 600; i++)
		d *= 2;
	/* never sooner than the receiver asks (a 429, a 503) */
	if (!s->ok && ceil(s->wait) > d)
		d = ceil(s->wait);
	if (d > 600)
		d = 600;
	snprintf(id, sizeof(id), "%lld", s->id);
	snprintf(st, sizeof(st), "%ld", s->status);
	snprintf(delay, sizeof(delay), "%.0f", d);
	snprintf(ok, sizeof(ok), "%d", s->ok);
	snprintf(give, sizeof(give), "%d", !s->ok && last);
	p[0] = id;
	p[1] = s->status > 0 ? st : NULL;
	p[2] = s->ok ? NULL : s->err;
	p[3] = ok;
	p[4] = delay;
	p[5] = give;
	p[6] = worker;
	r = tq_db_exec(db, &e, "UPDATE task_notifications SET "
	    "last_status = $2::int, last_error = $3, "
	    "delivered_at = CASE WHEN $4 = '1' THEN now() END, "
	    "gave_up_at = CASE WHEN $6 = '1' THEN now() END, "
	    "next_at = now() + make_interval(secs => $5::int), "
	    "claimed_by = NULL, claimed_until = NULL, updated_at = now() "
	    "WHERE id = $1::bigint AND claimed_by = $7 AND "
	    "delivered_at IS NULL", 7, p);
	if (r == NULL) {
		tq_log(TQ_LOG_WARN, "notify", json_pack("{s:s,s:I,s:s}",
		    "worker", worker, "notification", (json_int_t)s->id,
		    "error", e.msg));
		return -1;
	}
	PQclear(r);
	tq_log(s->ok ? TQ_LOG_INFO : TQ_LOG_WARN, "notify", json_pack(
	    "{s:s,s:I,s:I,s:i,s:i,s:s,s:s*}", "worker", worker,
	    "notification", (json_int_t)s->id, "task", (json_int_t)s->task,
	    "attempt", s->attempt, "status", (int)s->status, "outcome",
	    s->ok ? "delivered" : last ? "gave up" : "retry", "error",
	    s->ok ? NULL : s->err));
	return 0;
}

/* 1 when an ended send is done with: its answer recorded, or too late */
static int
settled(PGconn *db, const char *worker, struct send *s)
{
	if (tq_mono() - s->tried >= EVERY_S && db != NULL &&
	    PQstatus(db) == CONNECTION_OK) {
		s->tried = tq_mono();
		if (record(db, worker, s) == 0)
			return 1;
	}
	/* past its claim: whoever claims it next sends it again */
	return tq_mono() - s->claimed >= CLAIM_S;
}

void
tq_notify_tick(PGconn *db, const char *worker)
{
	struct tq_err e = { 0 };
	struct send **sp, *s;
	char lim[16], claim[16];
	const char *p[3];
	PGresult *r;
	int i;

	/*
	 * The answers of the sends that ended.  One PostgreSQL does not
	 * take is tried again every EVERY_S: dropped, it would be sent
	 * again when its claim runs out, and a delivery seen twice.
	 */
	for (sp = &sends; (s = *sp) != NULL;) {
		if (!s->done || !settled(db, worker, s)) {
			sp = &s->next;
			continue;
		}
		*sp = s->next;
		nsends--;
		free(s->url);
		free(s->body);
		free(s);
	}
	if (db == NULL || PQstatus(db) != CONNECTION_OK ||
	    nsends >= MAX_SENDS || tq_mono() - last_claim < EVERY_S)
		return;
	last_claim = tq_mono();
	snprintf(lim, sizeof(lim), "%d", MAX_SENDS - nsends);
	p[0] = worker;
	p[1] = lim;
	snprintf(claim, sizeof(claim), "%d", CLAIM_S);
	p[2] = claim;
	r = tq_db_exec(db, &e, "UPDATE task_notifications n SET "
	    "attempts = attempts + 1, claimed_by = $1, "
	    "claimed_until = now() + make_interval(secs => $3::int), "
	    "updated_at = now() "
	    "WHERE id IN (SELECT id FROM task_notifications "
	    "WHERE delivered_at IS NULL AND gave_up_at IS NULL AND "
	    "next_at <= now() AND (claimed_until IS NULL OR "
	    "claimed_until < now()) ORDER BY next_at LIMIT $2::int "
	    "FOR UPDATE SKIP LOCKED) "
	    "RETURNING id, task_id, url, body, attempts", 3, p);
	if (r == NULL) {
		tq_log(TQ_LOG_WARN, "notify", json_pack("{s:s,s:s}", "worker",
		    worker, "error", e.msg));
		return;
	}
	for (i = 0; i < PQntuples(r); i++) {
		s = xcalloc(1, sizeof(*s));
		s->id = atoll(PQgetvalue(r, i, 0));
		s->task = atoll(PQgetvalue(r, i, 1));
		s->url = xstrdup(PQgetvalue(r, i, 2));
		s->body = xstrdup(PQgetvalue(r, i, 3));
		s->attempt = atoi(PQgetvalue(r, i, 4));
		s->claimed = tq_mono();
		s->tried = -1e9;
		if (tq_co_start(send_main, s) == NULL) {
			snprintf(s->err, sizeof(s->err), "cannot start a "
			    "coroutine");
			s->done = 1;
		}
		s->next = sends;
		sends = s;
		nsends++;
	}
	PQclear(r);
}

void
tq_notify_flush(PGconn *db, const char *worker)
{
	last_claim = -1e9;
	tq_notify_tick(db, worker);
}
