/*
 * limit.c - the rate limits of outside services (Notion, LLM servers),
 * shared in Redis by all workers on all hosts.
 *
 * A limit is a token bucket (a hash: tokens, ts) refilled at `rate`
 * requests a second up to `burst`, kept in Redis and updated by one
 * Lua script on Redis's own clock, so that hosts with skewed clocks
 * agree.  A pause key, set after a 429 (or Notion's 529) for as long
 * as the server asked, holds every worker until it expires; a pause is
 * only ever lengthened.  Waiting is tq_sleep(), where a job of the
 * worker's event loop yields; no Redis command is left half-done
 * across it.
 */
#include <stdio.h>
#include <string.h>

#include <hiredis.h>

#include "tq.h"

/* 0 when a request may go now, else the milliseconds to wait. */
static const char rate_lua[] =
    "local p = redis.call('PTTL', KEYS[2])\n"
    "if p > 0 then return p end\n"
    "local rate = tonumber(ARGV[1]) / 1000\n"
    "if rate <= 0 then return 0 end\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local burst = tonumber(ARGV[2])\n"
    "local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')\n"
    "local tokens = tonumber(b[1]) or burst\n"
    "local ts = tonumber(b[2]) or now\n"
    "if now > ts then tokens = math.min(burst, tokens + (now - ts) * rate) "
    "end\n"
    "if now < ts then now = ts end\n"
    "local wait = 0\n"
    "if tokens >= 1 then tokens = tokens - 1 else\n"
    "  wait = math.ceil((1 - tokens) / rate) end\n"
    "redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)\n"
    "redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 60000)\n"
    "return wait\n";

static const char pause_lua[] =
    "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then\n"
    "  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end\n"
    "return 0\n";

void
tq_limit_init(struct tq_limit *l, redisContext *rc, const char *service,
    const char *id, const char *what, double rate, int burst)
{
	char hash[65];

	memset(l, 0, sizeof(*l));
	l->rc = rc;
	l->rate = rate > 0 ? rate : 0;
	l->burst = burst > 0 ? burst : 1;
	snprintf(l->what, sizeof(l->what), "%s", what);
	tq_sha256_hex(id, strlen(id), hash);
	snprintf(l->ratekey, sizeof(l->ratekey), "tq:%s:rate:%.16s", service,
	    hash);
	snprintf(l->pausekey, sizeof(l->pausekey), "tq:%s:pause:%.16s",
	    service, hash);
}

int
tq_limit_wait(struct tq_limit *l, double deadline, struct tq_err *err)
{
	redisReply *r;
	char rate[32];
	long long ms;

	snprintf(rate, sizeof(rate), "%.6f", l->rate);
	for (;;) {
		r = tq_redis(l->rc, err, "EVAL %s 2 %s %s %s %d", rate_lua,
		    l->ratekey, l->pausekey, rate, l->burst);
		if (r == NULL)
			return -1;
		ms = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
		freeReplyObject(r);
		if (ms <= 0)
			return 0;
		if (tq_mono() + ms / 1000.0 > deadline) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "rate_limited",
			    "%s: the shared rate limit would wait past the "
			    "job's deadline", l->what);
			err->retry_after = ms / 1000.0;
			return -1;
		}
		l->waited += ms / 1000.0;
		tq_sleep(ms / 1000.0);
	}
}

void
tq_limit_pause(struct tq_limit *l, double secs)
{
	struct tq_err e = { 0 };
	char ms[32];

	if (secs < 1)
		secs = 1;
	snprintf(ms, sizeof(ms), "%lld", (long long)(secs * 1000));
	freeReplyObject(tq_redis(l->rc, &e, "EVAL %s 1 %s %s", pause_lua,
	    l->pausekey, ms));
}
