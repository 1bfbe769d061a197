/*
 * queue_info.c - the read side of RQ's layout in Redis, for the tools
 * that watch (tq-stats, tq-health, tq-api, through monitor.c and
 * health.c): the workers (the rq:workers set and
 * each rq:worker:<name> hash), the queues (tq's three, then any other
 * in rq:queues) with their lists and registries, the age of the job at
 * the head of each queue, and the counters in tq:metrics.  queue.c
 * writes all of these; this file only reads them, and holds the
 * worker's pub/sub channel (rq:pubsub:<name>) that tq-cancel speaks on.
 *
 * A member of rq:workers whose hash has expired is skipped, as RQ does.
 * A key of another type (WRONGTYPE) counts as 0.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis.h>

#include "tq.h"

static int
lost(redisContext *rc, struct tq_err *e)
{
	return tq_err_set(e, TQ_ERR_TRANSIENT, "redis", "redis: %s",
	    rc->errstr[0] ? rc->errstr : "connection lost");
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

double
tq_rq_time_parse(const char *s)
{
	struct tm tm;
	const char *rest;
	double frac = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) ==
	    NULL)
		return -1;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	return (double)timegm(&tm) + frac;
}

/* A hash's reply as {"field": "value", ...}; only string pairs. */
static json_t *
hash_json(const redisReply *h)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    h->element[i + 1]->type == REDIS_REPLY_STRING)
			json_object_set_new(o, h->element[i]->str,
			    json_string(h->element[i + 1]->str));
	return o;
}

json_t *
tq_rq_workers(redisContext *rc, struct tq_err *e)
{
	redisReply *set, *h;
	const char **names;
	json_t *arr = NULL, *o;
	size_t i, n;

	if ((set = tq_redis(rc, e, "SMEMBERS rq:workers")) == NULL)
		return NULL;
	names = xcalloc(set->elements + 1, sizeof(*names));
	for (i = n = 0; i < set->elements; i++)
		if (set->element[i]->type == REDIS_REPLY_STRING &&
		    strncmp(set->element[i]->str, "rq:worker:", 10) == 0)
			names[n++] = set->element[i]->str + 10;
	qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++)
		redisAppendCommand(rc, "HGETALL rq:worker:%s", names[i]);
	arr = json_array();
	for (i = 0; i < n; i++) {
		void *v = NULL;

		if (redisGetReply(rc, &v) != REDIS_OK) {
			lost(rc, e);
			json_decref(arr);
			arr = NULL;
			break;
		}
		h = v;
		/* an expired hash: the worker is gone, as RQ sees it */
		if (h->type == REDIS_REPLY_ARRAY && h->elements > 0) {
			o = hash_json(h);
			json_object_set_new(o, "name", json_string(names[i]));
			json_array_append_new(arr, o);
		}
		freeReplyObject(h);
	}
	free(names);
	freeReplyObject(set);
	return arr;
}

/* The registries of a queue, in the order of tq-stats's records. */
static const char *const regs[] = {
	"count", "started_job_registry", "finished_job_registry",
	"failed_job_registry", "scheduled_job_registry", "workers", "paused"
};
#define NREGS	(sizeof(regs) / sizeof(regs[0]))

json_t *
tq_rq_queues(redisContext *rc, struct tq_err *e, int registries)
{
	redisReply *set, *r;
	const char **names;
	json_t *qs = NULL, *q;
	size_t i, j, n, k;
	double now = tq_now();

	if ((set = tq_redis(rc, e, "SMEMBERS rq:queues")) == NULL)
		return NULL;
	names = xcalloc(set->elements + TQ_NSTAGES, sizeof(*names));
	for (n = 0; n < TQ_NSTAGES; n++)
		names[n] = tq_stage_queue(n);
	k = n;
	for (i = 0; i < set->elements; i++) {
		const char *s = set->element[i]->str;

		if (set->element[i]->type != REDIS_REPLY_STRING ||
		    strncmp(s, "rq:queue:", 9) != 0 || s[9] == '\0' ||
		    tq_stage_from_name(s + 9) >= 0)
			continue;
		names[n++] = s + 9;
	}
	qsort(names + k, n - k, sizeof(*names), cmpstr);
	/*
	 * Finished and failed scores are expiry times: count only the
	 * entries RQ's cleanup would keep.
	 */
	for (i = 0; i < n; i++) {
		redisAppendCommand(rc, "LLEN rq:queue:%s", names[i]);
		if (registries) {
			redisAppendCommand(rc, "ZCARD rq:wip:%s", names[i]);
			redisAppendCommand(rc, "ZCOUNT rq:finished:%s %.0f "
			    "+inf", names[i], now);
			redisAppendCommand(rc, "ZCOUNT rq:failed:%s %.0f +inf",
			    names[i], now);
			redisAppendCommand(rc, "ZCARD rq:scheduled:%s",
			    names[i]);
			redisAppendCommand(rc, "SCARD rq:workers:%s",
			    names[i]);
		}
		redisAppendCommand(rc, "EXISTS tq:paused:%s", names[i]);
	}
	qs = json_array();
	for (i = 0; i < n; i++) {
		q = json_object();
		json_object_set_new(q, "name", json_string(names[i]));
		json_array_append_new(qs, q);
		for (j = 0; j < NREGS; j++) {
			void *v = NULL;

			if (!registries && j > 0 && j < NREGS - 1)
				continue;
			if (redisGetReply(rc, &v) != REDIS_OK) {
				lost(rc, e);
				json_decref(qs);
				qs = NULL;
				goto out;
			}
			r = v;
			if (j == NREGS - 1)
				json_object_set_new(q, regs[j], json_boolean(
				    r->type == REDIS_REPLY_INTEGER &&
				    r->integer > 0));
			else
				json_object_set_new(q, regs[j], json_integer(
				    r->type == REDIS_REPLY_INTEGER ?
				    r->integer : 0));
			freeReplyObject(r);
		}
	}
out:
	free(names);
	freeReplyObject(set);
	return qs;
}

int
tq_rq_head_ages(redisContext *rc, struct tq_err *e, json_t *qs)
{
	redisReply *r, *h;
	json_t *q;
	size_t i, n = json_array_size(qs);
	double now = tq_now();
	char **ids;
	int rv = -1;

	json_array_foreach(qs, i, q)
		redisAppendCommand(rc, "LINDEX rq:queue:%s 0",
		    json_string_value(json_object_get(q, "name")));
	ids = xcalloc(n + 1, sizeof(*ids));
	for (i = 0; i < n; i++) {
		void *v = NULL;

		if (redisGetReply(rc, &v) != REDIS_OK) {
			lost(rc, e);
			goto out;
		}
		r = v;
		if (r->type == REDIS_REPLY_STRING)
			ids[i] = xstrdup(r->str);
		freeReplyObject(r);
	}
	json_array_foreach(qs, i, q) {
		double age = 0;

		if (ids[i] != NULL) {
			h = tq_redis(rc, e, "HGET rq:job:%s enqueued_at",
			    ids[i]);
			if (h == NULL)
				goto out;
			if (h->type == REDIS_REPLY_STRING &&
			    (age = tq_rq_time_parse(h->str)) >= 0)
				age = now - age;
			if (age < 0)
				age = 0;
			freeReplyObject(h);
		}
		json_object_set_new(q, "oldest_age", json_real(age));
	}
	rv = 0;
out:
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rv;
}

json_t *
tq_rq_metrics(redisContext *rc, struct tq_err *e)
{
	redisReply *h;
	json_t *o;

	if ((h = tq_redis(rc, e, "HGETALL tq:metrics")) == NULL)
		return NULL;
	o = h->type == REDIS_REPLY_ARRAY ? hash_json(h) : json_object();
	freeReplyObject(h);
	return o;
}

int
tq_rq_suspended(redisContext *rc, struct tq_err *e)
{
	redisReply *r;
	int s;

	if ((r = tq_redis(rc, e, "EXISTS rq:suspended")) == NULL)
		return -1;
	s = r->type == REDIS_REPLY_INTEGER && r->integer > 0;
	freeReplyObject(r);
	return s;
}

/* ---- a worker's channel (tq-cancel's stop-job), and looks for it */

int
tq_worker_subscribe(redisContext *sub, struct tq_err *err, const char *name)
{
	redisReply *r;

	if ((r = tq_redis(sub, err, "SUBSCRIBE rq:pubsub:%s", name)) == NULL)
		return -1;
	freeReplyObject(r);
	return 0;
}

int
tq_worker_publish(redisContext *c, struct tq_err *err, const char *name,
    const char *msg)
{
	redisReply *r;
	int n;

	if ((r = tq_redis(c, err, "PUBLISH rq:pubsub:%s %s", name, msg)) ==
	    NULL)
		return -1;
	n = r->type == REDIS_REPLY_INTEGER && r->integer > 0 ?
	    (int)r->integer : 0;
	freeReplyObject(r);
	return n;
}

int
tq_worker_registered(redisContext *c, const char *name)
{
	redisReply *r = redisCommand(c, "EXISTS rq:worker:%s", name);
	int rv = -1;

	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		rv = r->integer > 0;
	freeReplyObject(r);
	return rv;
}

long long
tq_queue_waiting(redisContext *c, enum tq_stage s)
{
	redisReply *r;
	long long n = -1;

	/* a paused queue has nothing for us */
	r = redisCommand(c, "EVAL %s 3 rq:queue:%s rq:scheduled:%s "
	    "tq:paused:%s", "if redis.call('EXISTS', KEYS[3]) == 1 then "
	    "return 0 end return redis.call('LLEN', KEYS[1]) + "
	    "redis.call('ZCARD', KEYS[2])", tq_stage_queue(s),
	    tq_stage_queue(s), tq_stage_queue(s));
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		n = r->integer;
	freeReplyObject(r);
	return n;
}
