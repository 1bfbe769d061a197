/*
 * site.c - politeness towards the sites tq fetches pages from, shared
 * in Redis by every worker on every host.
 *
 * A site is a URL's host name in lower case, with its port when it is
 * not the scheme's default: the unit a web server answers for (see
 * tq-worker(1), "Sites").  A site has at most tq_cfg.site_concurrency
 * fetches in flight: each one holds a lease, a member of the site's
 * ZSET scored by its expiry on Redis's clock, so a worker that dies
 * with a lease leaks its slot only until then.  A minimum delay
 * between two requests (tq_cfg.site_delay) is a key holding the time
 * of the next allowed start, and a pause (after a 429 or 503 with
 * Retry-After) is limit.c's pause key for the site.  One Lua script
 * checks all three and takes a lease, so workers never race.
 *
 * A job waiting for its site sleeps with tq_sleep(): the other jobs of
 * the worker go on, and it holds nothing a job for another site needs.
 * The Redis connection is this module's own, opened lazily once per
 * process (never the worker's, which has pipelined commands pending).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tq.h"

#define POLL_MIN	0.05	/* seconds between two looks at a full site */
#define POLL_JITTER	0.10
#define LEASE_SLACK_MS	60000	/* a lease outlives its fetch by this */
#define MAX_PAUSE	3600.0	/* a Retry-After longer than this is cut */
#define ROBOTS_MAX	(500 * 1024)	/* RFC 9309's least to read */
#define ROBOTS_TTL	86400	/* RFC 9309: at most a day in cache */
#define ROBOTS_RETRY	60.0	/* seconds, after an unreadable one */
#define ROBOTS_TIMEOUT	30.0

/*
 * KEYS: slots, pause, next; ARGV: lease, max, lease ms, delay ms.
 * 0: the lease is taken; > 0: milliseconds to wait (pause, delay);
 * -1: every slot is taken.
 */
static const char acquire_lua[] =
    "local p = redis.call('PTTL', KEYS[2])\n"
    "if p > 0 then return p end\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
    "local max = tonumber(ARGV[2])\n"
    "if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then return -1 end\n"
    "local nx = tonumber(redis.call('GET', KEYS[3]) or '0')\n"
    "if nx > now then return nx - now end\n"
    "local lease = tonumber(ARGV[3])\n"
    "redis.call('ZADD', KEYS[1], now + lease, ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], lease + 1000)\n"
    "local d = tonumber(ARGV[4])\n"
    "if d > 0 then redis.call('SET', KEYS[3], now + d, 'PX', d + 1000) end\n"
    "return 0\n";

static redisContext *site_rc;
static pid_t site_pid;
static unsigned long lease_seq;

static redisContext *
conn(struct tq_err *err)
{
	if (site_rc != NULL && site_pid != getpid())
		site_rc = NULL;		/* the parent's: never used here */
	if (site_rc == NULL) {
		if ((site_rc = tq_redis_connect(tq_cfg.redis_url, err)) == NULL)
			return NULL;
		site_pid = getpid();
	}
	return site_rc;
}

static void
conn_failed(void)
{
	if (site_rc != NULL && site_pid == getpid())
		redisFree(site_rc);
	site_rc = NULL;
}

int
tq_site_name(const char *url, char *buf, size_t sz)
{
	CURLU *u;
	char *host = NULL, *port = NULL, *scheme = NULL;
	int ret = -1;
	size_t i;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    *host == '\0')
		goto out;
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (port != NULL && ((strcmp(scheme, "http") == 0 &&
	    strcmp(port, "80") == 0) || (strcmp(scheme, "https") == 0 &&
	    strcmp(port, "443") == 0))) {
		curl_free(port);
		port = NULL;
	}
	if ((size_t)snprintf(buf, sz, "%s%s%s", host, port ? ":" : "",
	    port ? port : "") >= sz)
		goto out;
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] += 'a' - 'A';
	ret = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	return ret;
}

int
tq_site_acquire(struct tq_site *s, const char *url, double deadline,
    double lease_secs, struct tq_err *err)
{
	redisContext *rc;
	redisReply *r;
	char hash[65], max[16], lease[24], delay[24];
	long long ms;
	double t;

	memset(s, 0, sizeof(*s));
	if (tq_co_current() == NULL || tq_site_name(url, s->name,
	    sizeof(s->name)) == -1)
		return 0;	/* not in a worker, or a URL tq_fetch refuses */
	if ((rc = conn(err)) == NULL) {
		tq_err_prefix(err, "site %s", s->name);
		return -1;
	}
	tq_limit_init(&s->lim, rc, "site", s->name, s->name, 0, 1);
	tq_sha256_hex(s->name, strlen(s->name), hash);
	snprintf(s->slots, sizeof(s->slots), "tq:site:slots:%.16s", hash);
	snprintf(s->next, sizeof(s->next), "tq:site:next:%.16s", hash);
	snprintf(s->lease, sizeof(s->lease), "%ld.%lu.%.0f", (long)getpid(),
	    ++lease_seq, tq_now() * 1000);
	snprintf(max, sizeof(max), "%d", tq_cfg.site_concurrency);
	snprintf(lease, sizeof(lease), "%lld",
	    (long long)(lease_secs * 1000) + LEASE_SLACK_MS);
	snprintf(delay, sizeof(delay), "%lld",
	    (long long)(tq_cfg.site_delay * 1000));
	for (;;) {
		if (tq_co_aborted())
			return tq_err_set(err, TQ_ERR_TRANSIENT, "aborted",
			    "site %s: stopped while waiting", s->name);
		r = tq_redis(rc, err, "EVAL %s 3 %s %s %s %s %s %s %s",
		    acquire_lua, s->slots, s->lim.pausekey, s->next,
		    s->lease, max, lease, delay);
		if (r == NULL) {
			conn_failed();
			tq_err_prefix(err, "site %s", s->name);
			return -1;
		}
		ms = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
		freeReplyObject(r);
		if (ms == 0) {
			s->held = 1;
			return 0;
		}
		t = ms > 0 ? ms / 1000.0 : POLL_MIN +
		    POLL_JITTER * (random() % 1000) / 1000.0;
		if (tq_now() + t > deadline) {
			tq_err_set(err, TQ_ERR_TRANSIENT, ms > 0 ?
			    "site_paused" : "site_busy", "site %s: %s past "
			    "the job's deadline", s->name, ms > 0 ?
			    "paused or delayed" : "every slot taken");
			err->retry_after = ms > 0 ? ms / 1000.0 : 1;
			return -1;
		}
		s->waited += t;
		tq_sleep(t);
	}
}

/* url's robots.txt URL and its path and query; -1 if url is bad. */
static int
robots_url(const char *url, char **rurl, char **path)
{
	CURLU *u;
	char *p = NULL, *q = NULL;
	int ret = -1;

	*rurl = *path = NULL;
	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_QUERY, &q, 0);
	*path = xmalloc(strlen(p) + (q ? strlen(q) + 1 : 0) + 1);
	sprintf(*path, "%s%s%s", p, q ? "?" : "", q ? q : "");
	curl_free(q);
	q = NULL;
	curl_url_set(u, CURLUPART_PATH, "/robots.txt", 0);
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &q, 0) == CURLUE_OK) {
		*rurl = xstrdup(q);
		ret = 0;
	}
out:
	curl_free(p);
	curl_free(q);
	curl_url_cleanup(u);
	if (ret == -1) {
		free(*path);
		*path = NULL;
	}
	return ret;
}

/*
 * The site's robots.txt from the site into txt: 0 with the text (a
 * 4xx, or one past ROBOTS_MAX, is an empty one: all allowed), -1 and
 * a transient err when it cannot be read.
 */
static int
robots_fetch(struct tq_site *s, const char *rurl, double deadline,
    struct tq_buf *txt, struct tq_err *err)
{
	struct tq_http_req q;
	struct tq_http_resp r;
	double left = deadline - tq_now();
	int ret = 0;

	memset(&q, 0, sizeof(q));
	q.url = rurl;
	q.follow = 1;
	q.max_redirects = 5;		/* RFC 9309: at least five */
	q.max_bytes = ROBOTS_MAX;
	q.timeout_ms = (long)((left < ROBOTS_TIMEOUT ? left :
	    ROBOTS_TIMEOUT) * 1000);
	if (q.timeout_ms < 1000)
		q.timeout_ms = 1000;
	q.allow_private = tq_cfg.allow_private;
	q.allow_addrs = tq_cfg.allow_addrs;
	q.user_agent = tq_cfg.user_agent;
	q.decode = 1;
	q.low_speed = 1;
	if (tq_http_do(&q, &r, err) == 0)
		tq_buf_add(txt, r.body.data ? r.body.data : "", r.body.len);
	else if ((r.status >= 400 && r.status <= 499) ||
	    strcmp(err->code, "too_big") == 0)
		memset(err, 0, sizeof(*err));
	else {
		tq_err_set(err, TQ_ERR_TRANSIENT, "robots_unavailable",
		    "site %s: robots.txt cannot be read, retrying later: %s",
		    s->name, err->msg);
		err->retry_after = ROBOTS_RETRY;
		ret = -1;
	}
	tq_http_resp_free(&r);
	return ret;
}

int
tq_site_robots(struct tq_site *s, const char *url, double deadline,
    struct tq_err *err)
{
	struct tq_buf txt = { 0 };
	redisReply *r;
	char *rurl = NULL, *path = NULL, key[64], hash[65], rule[200];
	int ret = -1;

	if (!s->held || !tq_cfg.robots || site_rc == NULL ||
	    site_pid != getpid())
		return 0;
	if (robots_url(url, &rurl, &path) == -1)
		return 0;	/* tq_fetch says why */
	tq_sha256_hex(rurl, strlen(rurl), hash);
	snprintf(key, sizeof(key), "tq:site:robots:%.16s", hash);
	if ((r = tq_redis(site_rc, err, "GET %s", key)) == NULL) {
		conn_failed();
		goto out;
	}
	if (r->type == REDIS_REPLY_STRING) {
		tq_buf_add(&txt, r->str, r->len);
		freeReplyObject(r);
	} else {
		freeReplyObject(r);
		if (robots_fetch(s, rurl, deadline, &txt, err) == -1)
			goto out;
		r = tq_redis(site_rc, err, "SET %s %b EX %d", key,
		    txt.data ? txt.data : "", txt.len, ROBOTS_TTL);
		if (r == NULL) {
			conn_failed();
			goto out;
		}
		freeReplyObject(r);
	}
	if (!tq_robots_allowed(txt.data ? txt.data : "", txt.len, "tq", path,
	    rule, sizeof(rule))) {
		tq_err_set(err, TQ_ERR_PERMANENT, "robots",
		    "robots.txt of %s disallows this page (%s)", s->name,
		    rule);
		goto out;
	}
	ret = 0;
out:
	tq_buf_free(&txt);
	free(rurl);
	free(path);
	return ret;
}

void
tq_site_release(struct tq_site *s, const struct tq_err *res)
{
	struct tq_err e = { 0 };
	double secs;

	if (!s->held)
		return;
	s->held = 0;
	if (site_rc == NULL || site_pid != getpid())
		return;		/* the lease expires by itself */
	if (res != NULL && (res->http_status == 429 ||
	    res->http_status == 503) && res->retry_after > 0) {
		secs = res->retry_after < MAX_PAUSE ? res->retry_after :
		    MAX_PAUSE;
		tq_limit_pause(&s->lim, secs);
		tq_log(TQ_LOG_INFO, "site_paused", json_pack("{s:s,s:f}",
		    "site", s->name, "seconds", secs));
	}
	freeReplyObject(tq_redis(site_rc, &e, "ZREM %s %s", s->slots,
	    s->lease));
	if (e.kind != TQ_ERR_NONE)
		conn_failed();
}
