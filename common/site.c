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
 * Retry-After, a 429 without it for TQ_SITE_BACKOFF) is limit.c's
 * pause key for the site.  One Lua script checks all three and takes
 * a lease, so workers never race.
 *
 * AutoThrottle: a 5xx, a 429 or a timeout from a site halves its limit
 * (at least 1) for TQ_SITE_BACKOFF seconds, kept in tq:site:thr:<h>,
 * and holds its next start back 0.5 s, doubling with each such answer
 * in a row up to 10 s (release_lua);
 * each other answer after that window raises it by one, up to
 * tq_cfg.site_concurrency, where the key goes.  A robots.txt
 * Crawl-delay (at most CRAWL_DELAY_MAX) is the site's least delay,
 * kept as long as its robots.txt.  tq:sites remembers the sites in use
 * ("<h> <name>", scored by the last request) for tq-stats.
 *
 * A job waiting for its site sleeps (parked behind the site's first
 * waiter in this worker, see struct waiter): the other jobs of the
 * worker go on, and the worker does not count it against its queue's
 * in-flight limit (tq_site_nwaiting()), so it holds nothing a job for
 * another site needs; a worker takes at most MAX_WAITING jobs more
 * than that limit.  When the wait would pass the job's deadline, the
 * job is set aside instead (site_wait: back to the scheduled set, no
 * retry counted).  tq:site:wait:<task>:<item> names the site an item waits
 * for, for tq-status -i.  The Redis connection is this module's own,
 * opened lazily once per process (never the worker's, which has
 * pipelined commands pending).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include <hiredis.h>

#include "tq.h"

#define POLL_MIN	0.05	/* seconds between two looks at a full site */
#define POLL_JITTER	0.10
#define LEASE_SLACK_MS	5000	/* a lease outlives its fetch by this */
#define MAX_PAUSE	3600.0	/* a Retry-After longer than this is cut */
#define ROBOTS_MAX	(500 * 1024)	/* RFC 9309's least to read */
#define ROBOTS_TTL	86400	/* RFC 9309: at most a day in cache */
#define ROBOTS_RETRY	60.0	/* seconds, after an unreadable one */
#define ROBOTS_TIMEOUT	10.0
#define CRAWL_DELAY_MAX	30.0	/* seconds: a longer Crawl-delay is cut */
#define DEFER_MIN	5.0	/* a job set aside waits 5-15 s, or more */
#define DEFER_JITTER	10.0
#define MAX_WAITING	(8 * (tq_cfg.concurrency[TQ_STAGE_PARSE] > 0 ? \
			    tq_cfg.concurrency[TQ_STAGE_PARSE] : 1))
#define PARK_MAX	1.0	/* a parked waiter looks again after this */
#define SITES_KEY	"tq:sites"
#define SITES_AGE	86400000	/* ms: tq:sites forgets a site after */
#define BAD_SPACING_MAX	"10000"		/* ms between starts after bad answers */

/*
 * KEYS: slots, pause, next, thr, cdelay, sites; ARGV: lease, max, lease
 * ms, delay ms, "<h> <name>".  0: the lease is taken (-2: and no
 * Crawl-delay is known yet); > 0: milliseconds to wait (pause,
 * delay); -1: every slot is taken.
 */
static const char acquire_lua[] =
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "redis.call('ZADD', KEYS[6], now, ARGV[5])\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now - " "86400000" ")\n"
    "local p = redis.call('PTTL', KEYS[2])\n"
    "if p > 0 then return p end\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
    "local max = tonumber(ARGV[2])\n"
    "if max > 0 then\n"
    "  local lim = tonumber(redis.call('HGET', KEYS[4], 'limit') or '0')\n"
    "  if lim > 0 and lim < max then max = lim end\n"
    "  if redis.call('ZCARD', KEYS[1]) >= max then return -1 end\n"
    "end\n"
    "local nx = tonumber(redis.call('GET', KEYS[3]) or '0')\n"
    "if nx > now then return nx - now end\n"
    "local lease = tonumber(ARGV[3])\n"
    "redis.call('ZADD', KEYS[1], now + lease, ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], lease + 1000)\n"
    "local d = tonumber(ARGV[4])\n"
    "local cd = tonumber(redis.call('GET', KEYS[5]) or '-1')\n"
    "if cd > d then d = cd end\n"
    "if d > 0 then redis.call('SET', KEYS[3], now + d, 'PX', d + 1000) end\n"
    "if cd < 0 then return -2 end\n"
    "return 0\n";

/*
 * KEYS: next, pause; ARGV: delay ms.  A job that took its lease before
 * robots.txt was read: a pause set meanwhile holds it (> 0: the
 * milliseconds left), and with a delay (> 0) it starts after the last
 * start + delay: 0 go (and the next start is set), > 0 milliseconds to
 * wait.
 */
static const char gate_lua[] =
    "local p = redis.call('PTTL', KEYS[2])\n"
    "if p > 0 then return p end\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local nx = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
    "local d = tonumber(ARGV[1])\n"
    "if d <= 0 then return 0 end\n"
    "if nx > now then return nx - now end\n"
    "redis.call('SET', KEYS[1], now + d, 'PX', d + 1000)\n"
    "return 0\n";

/*
 * KEYS: slots, thr, next; ARGV: lease, outcome (bad: a 5xx, a 429 or a
 * timeout; good: any other answer; none), max, window ms.  The lease
 * goes; the AutoThrottle limit moves.  A bad answer also holds the
 * site's next start back: 0.5 s, doubling with each bad answer in a
 * row (the thr hash's streak) up to BAD_SPACING_MAX, so that a site
 * that fails fast is not asked again as fast as the workers go; a good
 * one ends the streak.  Returns the limit now (0: none).
 */
static const char release_lua[] =
    "redis.call('ZREM', KEYS[1], ARGV[1])\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local max = tonumber(ARGV[3])\n"
    "local lim = tonumber(redis.call('HGET', KEYS[2], 'limit') or '0')\n"
    "if ARGV[2] == 'bad' then\n"
    "  local n = redis.call('HINCRBY', KEYS[2], 'streak', 1)\n"
    "  local d = math.min(" BAD_SPACING_MAX ", 500 * 2 ^ math.min(n - 1, 20))\n"
    "  local nx = tonumber(redis.call('GET', KEYS[3]) or '0')\n"
    "  if now + d > nx then\n"
    "    redis.call('SET', KEYS[3], now + d, 'PX', d + 1000) end\n"
    "  local w = tonumber(ARGV[4])\n"
    "  redis.call('PEXPIRE', KEYS[2], w + 3600000)\n"
    "  if max == 0 then return lim end\n"
    "  if lim == 0 then lim = max end\n"
    "  lim = math.max(1, math.floor(lim / 2))\n"
    "  redis.call('HSET', KEYS[2], 'limit', lim, 'until', now + w)\n"
    "  return lim\n"
    "end\n"
    "if ARGV[2] == 'good' then redis.call('HDEL', KEYS[2], 'streak') end\n"
    "if ARGV[2] ~= 'good' or lim == 0 then return lim end\n"
    "if now < tonumber(redis.call('HGET', KEYS[2], 'until') or '0') then\n"
    "  return lim end\n"
    "lim = lim + 1\n"
    "if max == 0 or lim >= max then redis.call('DEL', KEYS[2]) return 0 end\n"
    "redis.call('HSET', KEYS[2], 'limit', lim)\n"
    "return lim\n";

/*
 * The sites of tq:sites used in the last ARGV[1] ms, each {name,
 * in flight, limit, backoff until, pause ms, crawl-delay ms, next ms,
 * last use}; the times on Redis's clock, in ms.
 */
static const char stats_lua[] =
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "local m = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf',\n"
    "    now - tonumber(ARGV[1]), 'WITHSCORES', 'LIMIT', 0, 1000)\n"
    "local out = {}\n"
    "for i = 1, #m, 2 do\n"
    "  local h, name = string.match(m[i], '^(%x+) (.*)$')\n"
    "  if h then\n"
    "    local thr = redis.call('HMGET', 'tq:site:thr:' .. h, 'limit',\n"
    "        'until')\n"
    "    local nx = tonumber(redis.call('GET', 'tq:site:next:' .. h) or '0')\n"
    "    out[#out + 1] = { name,\n"
    "      redis.call('ZCOUNT', 'tq:site:slots:' .. h, '(' .. now, '+inf'),\n"
    "      tonumber(thr[1] or '0'), math.max(0, tonumber(thr[2] or '0') - now),\n"
    "      math.max(0, redis.call('PTTL', 'tq:site:pause:' .. h)),\n"
    "      tonumber(redis.call('GET', 'tq:site:cdelay:' .. h) or '0'),\n"
    "      math.max(0, nx - now), now - tonumber(m[i + 1]) }\n"
    "  end\n"
    "end\n"
    "return out\n";

static redisContext *site_rc;
static pid_t site_pid;
static unsigned long lease_seq;
static int nwaiting;		/* jobs of this worker waiting for a site */

/*
 * The waiters of this process in arrival order.  Only the first one of
 * a site asks Redis; the others are parked until it gets its turn (or
 * a job of the site ends here), so a busy site costs Redis one poller
 * per worker, and its turns go first come, first served.
 */
struct waiter {
	const char	*name;
	struct tq_co	*co;
	struct waiter	*next;
};
static struct waiter *waiters;

static struct waiter *
first_waiter(const char *name)
{
	struct waiter *w;

	for (w = waiters; w != NULL; w = w->next)
		if (strcmp(w->name, name) == 0)
			return w;
	return NULL;
}

/* The next waiter of site name, if any, asks Redis now. */
static void
wake_next(const char *name)
{
	struct waiter *w = first_waiter(name);

	if (w != NULL)
		tq_co_wake(w->co);
}

static void
waiter_leave(struct waiter *me)
{
	struct waiter **pp;

	for (pp = &waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == me) {
			*pp = me->next;
			break;
		}
	wake_next(me->name);
}

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

/* This host's name up to its first dot, as in the workers' names. */
static const char *
lease_host(void)
{
	static char host[41];

	if (host[0] == '\0') {
		if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		host[strcspn(host, ". ")] = '\0';
	}
	return host;
}

void
tq_site_forget(redisContext *rc, long pid)
{
	static const char forget_lua[] =
	    "local n = 0\n"
	    "for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do\n"
	    "  if string.sub(m, 1, #ARGV[1]) == ARGV[1] then\n"
	    "    n = n + redis.call('ZREM', KEYS[1], m) end\n"
	    "end\n"
	    "return n\n";
	struct tq_err e = { 0 };
	redisReply *r, *k;
	char prefix[100], cur[32] = "0";
	size_t i;

	snprintf(prefix, sizeof(prefix), "%s.%ld.", lease_host(), pid);
	do {
		r = tq_redis(rc, &e, "SCAN %s MATCH tq:site:slots:* COUNT 1000",
		    cur);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
		    r->elements != 2) {
			freeReplyObject(r);
			return;
		}
		snprintf(cur, sizeof(cur), "%s", r->element[0]->str);
		k = r->element[1];
		for (i = 0; i < k->elements; i++)
			freeReplyObject(tq_redis(rc, &e, "EVAL %s 1 %s %s",
			    forget_lua, k->element[i]->str, prefix));
		freeReplyObject(r);
	} while (strcmp(cur, "0") != 0);
}

int
tq_site_nwaiting(void)
{
	return nwaiting;
}

int
tq_site_max_waiting(void)
{
	return MAX_WAITING;
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
	/* "example.com." is example.com, written in full (RFC 1034) */
	if ((i = strlen(host)) > 1 && host[i - 1] == '.')
		host[i - 1] = '\0';
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

/* Say (secs > 0) or forget that item tag waits for site s. */
static void
wait_mark(struct tq_site *s, double secs)
{
	struct tq_err e = { 0 };

	if (s->tag[0] == '\0' || site_rc == NULL)
		return;
	if (secs > 0)
		freeReplyObject(tq_redis(site_rc, &e, "SET tq:site:wait:%s %s "
		    "EX %d", s->tag, s->name, (int)secs + 1));
	else
		freeReplyObject(tq_redis(site_rc, &e, "DEL tq:site:wait:%s",
		    s->tag));
	if (e.kind != TQ_ERR_NONE)
		conn_failed();
}

/* Set the job aside: site_wait, to run again after secs or more. */
static int
defer(struct tq_site *s, struct tq_err *err, double secs, const char *why)
{
	double d = DEFER_MIN + DEFER_JITTER * (random() % 1000) / 1000.0;

	if (secs > d)
		d = secs;
	wait_mark(s, d + 60);
	tq_err_set(err, TQ_ERR_TRANSIENT, "site_wait", "waiting for site "
	    "%s (%s)", s->name, why);
	err->retry_after = d;
	return -1;
}

/* The hash of a site's name in its keys: 16 hex digits. */
static void
site_hash(const char *name, char out[17])
{
	char hash[65];

	tq_sha256_hex(name, strlen(name), hash);
	snprintf(out, 17, "%.16s", hash);
}

/* Hold site s for every worker for secs, at most MAX_PAUSE. */
static void
pause_site(struct tq_site *s, double secs)
{
	if (secs > MAX_PAUSE)
		secs = MAX_PAUSE;
	/* the connection of now: the one s was taken on may be gone */
	if (site_rc == NULL || site_pid != getpid())
		return;
	s->lim.rc = site_rc;
	tq_limit_pause(&s->lim, secs);
	tq_log(TQ_LOG_INFO, "site_paused", json_pack("{s:s,s:f}", "site",
	    s->name, "seconds", secs));
}

int
tq_site_acquire(struct tq_site *s, const char *url, const char *tag,
    double deadline, double lease_secs, struct tq_err *err)
{
	redisContext *rc;
	redisReply *r;
	char max[16], lease[24], delay[24], member[400], thr[64];
	char cdelay[64];
	long long ms;
	double t;
	int waiting = 0, ret = -1;
	struct waiter me, **pp;

	memset(s, 0, sizeof(*s));
	if (tq_co_current() == NULL || tq_site_name(url, s->name,
	    sizeof(s->name)) == -1)
		return 0;	/* not in a worker, or a URL tq_fetch refuses */
	if (tag != NULL)
		snprintf(s->tag, sizeof(s->tag), "%s", tag);
	if ((rc = conn(err)) == NULL) {
		tq_err_prefix(err, "site %s", s->name);
		return -1;
	}
	tq_limit_init(&s->lim, rc, "site", s->name, s->name, 0, 1);
	site_hash(s->name, s->hash);
	snprintf(s->slots, sizeof(s->slots), "tq:site:slots:%s", s->hash);
	snprintf(s->next, sizeof(s->next), "tq:site:next:%s", s->hash);
	snprintf(thr, sizeof(thr), "tq:site:thr:%s", s->hash);
	snprintf(cdelay, sizeof(cdelay), "tq:site:cdelay:%s", s->hash);
	snprintf(member, sizeof(member), "%s %s", s->hash, s->name);
	snprintf(s->lease, sizeof(s->lease), "%s.%ld.%lu", lease_host(),
	    (long)getpid(), ++lease_seq);
	snprintf(max, sizeof(max), "%d", tq_cfg.site_concurrency);
	snprintf(lease, sizeof(lease), "%lld",
	    (long long)(lease_secs * 1000) + LEASE_SLACK_MS);
	snprintf(delay, sizeof(delay), "%lld",
	    (long long)(tq_cfg.site_delay * 1000));
	memset(&me, 0, sizeof(me));
	me.name = s->name;
	me.co = tq_co_current();
	for (;;) {
		if (tq_co_aborted()) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "aborted",
			    "site %s: stopped while waiting", s->name);
			goto out;
		}
		/* behind another waiter of the site here: its turn first */
		if (waiting && first_waiter(s->name) != &me) {
			if (tq_mono() >= deadline) {
				defer(s, err, 0, "every slot taken");
				goto out;
			}
			t = tq_mono();
			tq_co_park(t + PARK_MAX < deadline ? t + PARK_MAX :
			    deadline);
			s->waited += tq_mono() - t;
			continue;
		}
		r = tq_redis(rc, err, "EVAL %s 6 %s %s %s %s %s %s %s %s %s "
		    "%s %s", acquire_lua, s->slots, s->lim.pausekey, s->next,
		    thr, cdelay, SITES_KEY, s->lease, max, lease, delay,
		    member);
		if (r == NULL) {
			/* not the page's fault: set aside, no retry counted */
			char why[sizeof(err->msg)];

			conn_failed();
			snprintf(why, sizeof(why), "%s", err->msg);
			memset(err, 0, sizeof(*err));
			defer(s, err, 0, why);
			goto out;
		}
		ms = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
		freeReplyObject(r);
		if (ms == 0 || ms == -2) {
			s->held = 1;
			s->cd_unknown = ms == -2;
			ret = 0;
			goto out;
		}
		t = ms > 0 ? ms / 1000.0 : POLL_MIN +
		    POLL_JITTER * (random() % 1000) / 1000.0;
		/* too long: set it aside */
		if (tq_mono() + t > deadline) {
			defer(s, err, ms > 0 ? ms / 1000.0 : 0, ms > 0 ?
			    "paused or delayed" : "every slot taken");
			goto out;
		}
		if (!waiting) {
			waiting = 1;
			nwaiting++;
			for (pp = &waiters; *pp != NULL; pp = &(*pp)->next)
				;
			*pp = &me;
			wait_mark(s, deadline - tq_mono() + 60);
			if (first_waiter(s->name) != &me)
				continue;
		}
		s->waited += t;
		/* a slot given back here wakes us at once (wake_next) */
		if (ms > 0)
			tq_sleep(t);
		else
			tq_co_park(tq_mono() + t);
	}
out:
	if (waiting) {
		nwaiting--;
		waiter_leave(&me);
		if (ret == 0)
			wait_mark(s, 0);
	}
	return ret;
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
 * The product tokens robots.txt is read for: "tq", and first the name
 * TQ_USER_AGENT begins with, if it sets another (RFC 9309 2.2.1: the
 * token is part of the User-Agent sent, so that a site owner who
 * names the crawler in the logs names it in robots.txt).
 */
static const char *
robots_token(void)
{
	static char tok[80];
	const char *ua = tq_cfg.user_agent;
	size_t k = 0;

	if (tok[0] != '\0')
		return tok;
	while (ua != NULL && k < 60 && ((ua[k] >= 'a' && ua[k] <= 'z') ||
	    (ua[k] >= 'A' && ua[k] <= 'Z') || ua[k] == '_' || ua[k] == '-'))
		k++;
	if (k > 0 && !(k == 2 && strncasecmp(ua, "tq", 2) == 0))
		snprintf(tok, sizeof(tok), "%.*s tq", (int)k, ua);
	else
		snprintf(tok, sizeof(tok), "tq");
	return tok;
}

/*
 * The site's robots.txt from the site into txt: 0 with the text (a
 * 4xx but 429, more than 5 redirects, or a 3xx not followed, without a
 * Location, is an empty one: all allowed; past ROBOTS_MAX only the
 * whole lines of the first ROBOTS_MAX bytes); -1 and a transient
 * robots_unavailable err when it cannot be read (a 429 or 5xx, a
 * timeout, no answer: RFC 9309's unreachable), and a 429 or 503 with
 * Retry-After pauses the site; -1 and the permanent err of the
 * transfer when the site's own address fails as the page's fetch
 * would (refused as internal, a bad certificate, a bad URL).
 */
static int
robots_fetch(struct tq_site *s, const char *rurl, double deadline,
    struct tq_buf *txt, struct tq_err *err)
{
	struct tq_http_req q;
	struct tq_http_resp r;
	struct tq_site own;	/* rurl's site: a redirect's may be another */
	double left = deadline - tq_mono();
	int ret = 0;

	own = *s;
	if (tq_site_name(rurl, own.name, sizeof(own.name)) == 0 &&
	    strcmp(own.name, s->name) != 0) {
		tq_limit_init(&own.lim, site_rc, "site", own.name, own.name, 0,
		    1);
		s = &own;
	}
	memset(&q, 0, sizeof(q));
	q.url = rurl;
	q.follow = 1;
	q.max_redirects = 5;		/* RFC 9309: at least five */
	q.max_bytes = ROBOTS_MAX;
	q.truncate = 1;
	q.timeout_ms = (long)((left < ROBOTS_TIMEOUT ? left :
	    ROBOTS_TIMEOUT) * 1000);
	if (q.timeout_ms < 1000)
		q.timeout_ms = 1000;
	q.allow_private = tq_cfg.allow_private;
	q.allow_addrs = tq_cfg.allow_addrs;
	/* the pages' own, so that the rules read are for what fetches */
	q.user_agent = tq_cfg.user_agent != NULL && *tq_cfg.user_agent ?
	    tq_cfg.user_agent : TQ_PAGE_UA;
	q.decode = 1;
	q.low_speed = 1;
	if (tq_http_get(&q, &r, err) == 0) {
		size_t n = r.body.len;

		/*
		 * cut at ROBOTS_MAX: a line cut short is no line of the
		 * file ("Disallow: /c" of "Disallow: /cut/" would disallow
		 * much more), so the text ends at the last line end
		 */
		if (n >= ROBOTS_MAX)
			while (n > 0 && r.body.data[n - 1] != '\n' &&
			    r.body.data[n - 1] != '\r')
				n--;
		tq_buf_add(txt, r.body.data ? r.body.data : "", n);
	} else if (strcmp(err->code, "busy") == 0)
		ret = -1;	/* this worker's want: nothing of the site's */
	else if ((r.status >= 400 && r.status <= 499 && r.status != 429) ||
	    (err->http_status >= 300 && err->http_status <= 399) ||
	    strcmp(err->code, "redirects") == 0)
		memset(err, 0, sizeof(*err));	/* RFC 9309: unavailable */
	else if (err->kind == TQ_ERR_PERMANENT && r.status == 0 &&
	    r.redirects == 0)
		ret = -1;	/* the page would fail so: fail it now */
	else if (err->kind == TQ_ERR_PERMANENT && r.redirects > 0) {
		/* redirected where no fetch goes: waiting changes nothing */
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		tq_err_set(err, TQ_ERR_PERMANENT, "robots", "site %s: "
		    "robots.txt cannot be read after a redirect: %s", s->name,
		    why);
		ret = -1;
	} else {
		/* Google reads a 429 as a server error: unreachable */
		if ((r.status == 429 || r.status == 503) &&
		    r.retry_after > 0)
			pause_site(s, r.retry_after);
		tq_err_set(err, TQ_ERR_TRANSIENT, "robots_unavailable",
		    "site %s: robots.txt cannot be read, retrying later: %s",
		    s->name, err->msg);
		err->retry_after = ROBOTS_RETRY;
		ret = -1;
	}
	tq_http_resp_free(&r);
	return ret;
}

/*
 * Take the lock of the site's first robots.txt fetch (*got = 0: fetch
 * it), or wait for whoever holds it: *got = 1 with its text in txt, or
 * -1 with its error (or a site_wait past deadline).
 */
static int
robots_wait(struct tq_site *s, const char *key, const char *fkey,
    double deadline, struct tq_buf *txt, struct tq_err *err, int *got)
{
	redisReply *r;
	int taken;

	*got = 0;
	for (;;) {
		r = tq_redis(site_rc, err, "SET %s.lock 1 NX PX %d", key,
		    (int)(ROBOTS_TIMEOUT * 1000) + 5000);
		if (r == NULL) {
			conn_failed();
			return -1;
		}
		taken = r->type == REDIS_REPLY_STATUS;
		freeReplyObject(r);
		if (taken)
			return 0;
		if (tq_mono() + 0.1 > deadline)
			return defer(s, err, 0, "robots.txt being read");
		tq_sleep(0.1);
		if (tq_co_aborted())
			return tq_err_set(err, TQ_ERR_TRANSIENT, "aborted",
			    "site %s: stopped while waiting", s->name);
		if ((r = tq_redis(site_rc, err, "MGET %s %s", key, fkey)) ==
		    NULL) {
			conn_failed();
			return -1;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[1]->type == REDIS_REPLY_STRING) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "robots_unavailable",
			    "%s", r->element[1]->str);
			err->retry_after = ROBOTS_RETRY;
			freeReplyObject(r);
			return -1;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_STRING) {
			tq_buf_add(txt, r->element[0]->str,
			    r->element[0]->len);
			freeReplyObject(r);
			*got = 1;
			return 0;
		}
		freeReplyObject(r);
	}
}

/*
 * A site's robots.txt could not be read (err: robots_unavailable).  Its
 * pages wait (set aside, no retry counted), but not for ever: once the
 * file has been unreadable for TQ_ROBOTS_WAIT seconds, counted from the
 * first failure that any worker saw (tq:site:robotsdown:, cleared when
 * the file is read), a page fails as a transient error like any other,
 * retried by its task's policy and then failed.  RFC 9309 has a crawler
 * assume all disallowed while the file is unreachable; a job queue
 * must also end.
 */
static void
robots_down(const char *hash, struct tq_err *err)
{
	char dkey[64], why[sizeof(err->msg)], ts[32];
	redisReply *r;
	double now = tq_now(), first = now, t, left;
	int wait = tq_cfg.robots_wait;

	if (wait <= 0)
		return;
	snprintf(why, sizeof(why), "%s", err->msg);
	snprintf(dkey, sizeof(dkey), "tq:site:robotsdown:%.16s", hash);
	snprintf(ts, sizeof(ts), "%.3f", now);
	freeReplyObject(tq_redis(site_rc, NULL, "SET %s %s NX EX %d", dkey,
	    ts, wait + 600));
	if ((r = tq_redis(site_rc, NULL, "GET %s", dkey)) != NULL &&
	    r->type == REDIS_REPLY_STRING && (t = atof(r->str)) > 0 &&
	    t <= now)
		first = t;
	freeReplyObject(r);
	left = wait - (now - first);
	if (left > 0) {
		if (left < err->retry_after)
			err->retry_after = left < 1 ? 1 : left;
		return;
	}
	tq_err_set(err, TQ_ERR_TRANSIENT, "robots",
	    "robots.txt unreadable for %.0f s (TQ_ROBOTS_WAIT): %s",
	    now - first, why);
	err->retry_after = 0;
}

/*
 * What Redis holds of the robots.txt at rurl, its keys made into key
 * and fkey from its hash: 1 its text, into txt; 0 nothing; -1 and err
 * when reading it failed a moment ago (the site is not asked again
 * yet) or Redis fails.
 */
static int
robots_cached(const char *rurl, char hash[65], char key[64], char fkey[64],
    struct tq_buf *txt, struct tq_err *err)
{
	redisReply *r;
	int ret = 0;

	tq_sha256_hex(rurl, strlen(rurl), hash);
	snprintf(key, 64, "tq:site:robots:%.16s", hash);
	snprintf(fkey, 64, "tq:site:robotsfail:%.16s", hash);
	if ((r = tq_redis(site_rc, err, "MGET %s %s", key, fkey)) == NULL) {
		conn_failed();
		return -1;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[1]->type == REDIS_REPLY_STRING) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "robots_unavailable", "%s",
		    r->element[1]->str);
		err->retry_after = ROBOTS_RETRY;
		ret = -1;
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_STRING) {
		tq_buf_add(txt, r->element[0]->str, r->element[0]->len);
		ret = 1;
	}
	freeReplyObject(r);
	return ret;
}

/* 0 if robots.txt txt allows path, else -1 and err naming the rule. */
static int
robots_judge(const struct tq_buf *txt, const char *path, struct tq_err *err)
{
	char rule[240];

	if (tq_robots_allowed(txt->data ? txt->data : "", txt->len,
	    robots_token(), path, rule, sizeof(rule)))
		return 0;
	return tq_err_set(err, TQ_ERR_PERMANENT, "robots",
	    "robots.txt: disallowed by %s", rule);
}

/*
 * A redirect's target, judged by the robots.txt of its site as far as
 * Redis knows it, without a request (it runs in a transfer's header
 * callback): 0 allowed (or robots.txt off), -1 and err as from
 * tq_site_robots() (disallowed; read a moment ago and failed), 1 not
 * known yet: tq_site_robots() must fetch it first.
 */
int
tq_site_robots_known(const struct tq_site *s, const char *url,
    struct tq_err *err)
{
	struct tq_buf txt = { 0 };
	char *rurl = NULL, *path = NULL, key[64], fkey[64], hash[65];
	int ret;

	if (!s->held || !tq_cfg.robots || site_rc == NULL ||
	    site_pid != getpid())
		return 0;
	if (robots_url(url, &rurl, &path) == -1)
		return 0;	/* the fetch says why */
	ret = robots_cached(rurl, hash, key, fkey, &txt, err);
	if (ret == 1)
		ret = robots_judge(&txt, path, err);
	else if (ret == 0)
		ret = 1;	/* not known yet */
	else if (strcmp(err->code, "robots_unavailable") == 0)
		robots_down(hash, err);	/* TQ_ROBOTS_WAIT, as for the first */
	tq_buf_free(&txt);
	free(rurl);
	free(path);
	return ret;
}

int
tq_site_robots(struct tq_site *s, const char *url, double deadline,
    struct tq_err *err)
{
	struct tq_buf txt = { 0 };
	redisReply *r;
	char *rurl = NULL, *path = NULL, key[64], fkey[64], dkey[64];
	char hash[65];
	double cd;
	int ret = -1, got = 0, cached;

	if (!s->held || !tq_cfg.robots || site_rc == NULL ||
	    site_pid != getpid())
		return 0;
	if (robots_url(url, &rurl, &path) == -1)
		return 0;	/* tq_fetch says why */
	/* failed a moment ago: the site is not asked again yet */
	if ((got = robots_cached(rurl, hash, key, fkey, &txt, err)) == -1)
		goto out;
	cached = got;
	if (got == 0) {
		/* one job asks the site; the others wait for its answer */
		if (robots_wait(s, key, fkey, deadline, &txt, err, &got) == -1)
			goto out;
		if (!got && robots_fetch(s, rurl, deadline, &txt, err) == -1) {
			/* not a permanent one: each page meets it itself */
			if (err->kind != TQ_ERR_PERMANENT &&
			    strcmp(err->code, "busy") != 0)
				freeReplyObject(tq_redis(site_rc, NULL, "SET "
				    "%s %s EX %d", fkey, err->msg,
				    (int)ROBOTS_RETRY));
			freeReplyObject(tq_redis(site_rc, NULL, "DEL %s.lock",
			    key));
			goto out;
		}
		if (!got) {
			/* its Crawl-delay, its site's least delay (0: none) */
			cd = tq_robots_crawl_delay(txt.data ? txt.data : "",
			    txt.len, robots_token());
			if (cd > CRAWL_DELAY_MAX)
				cd = CRAWL_DELAY_MAX;
			freeReplyObject(tq_redis(site_rc, NULL, "SET "
			    "tq:site:cdelay:%s %lld EX %d", s->hash, cd > 0 ?
			    (long long)(cd * 1000) : 0LL, ROBOTS_TTL));
			r = tq_redis(site_rc, err, "SET %s %b EX %d", key,
			    txt.data ? txt.data : "", txt.len, ROBOTS_TTL);
			if (r == NULL) {
				conn_failed();
				goto out;
			}
			freeReplyObject(r);
			snprintf(dkey, sizeof(dkey), "tq:site:robotsdown:%.16s",
			    hash);
			freeReplyObject(tq_redis(site_rc, NULL, "DEL %s.lock %s",
			    key, dkey));
		}
	}
	/*
	 * Taken before the Crawl-delay was known: keep to it now.  And
	 * robots.txt took time (read here or by another job): a 429 of
	 * the site meanwhile may have paused it.
	 */
	if (s->cd_unknown || !cached) {
		long long ms;

		cd = s->cd_unknown ? tq_robots_crawl_delay(txt.data ?
		    txt.data : "", txt.len, robots_token()) : 0;
		if (cd > CRAWL_DELAY_MAX)
			cd = CRAWL_DELAY_MAX;
		for (;;) {
			if ((r = tq_redis(site_rc, err, "EVAL %s 2 %s %s %lld",
			    gate_lua, s->next, s->lim.pausekey, cd > 0 ?
			    (long long)(cd * 1000) : 0LL)) == NULL) {
				conn_failed();
				goto out;
			}
			ms = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
			freeReplyObject(r);
			if (ms <= 0)
				break;
			if (tq_mono() + ms / 1000.0 > deadline) {
				defer(s, err, ms / 1000.0, cd > 0 ?
				    "Crawl-delay" : "paused");
				goto out;
			}
			tq_sleep(ms / 1000.0);
		}
	}
	ret = robots_judge(&txt, path, err);
out:
	if (ret == -1 && strcmp(err->code, "robots_unavailable") == 0)
		robots_down(hash, err);
	tq_buf_free(&txt);
	free(rurl);
	free(path);
	return ret;
}

/*
 * The answer res (NULL: a good one) of site s: a pause (429 or 503
 * with Retry-After, a 429 without it; none for a Retry-After of 0,
 * whose next request the AutoThrottle spacing holds back), the
 * AutoThrottle limit, and s's lease given back.
 */
static void
judge(struct tq_site *s, const struct tq_err *res)
{
	struct tq_err e = { 0 };
	redisReply *r;
	const char *how = "good";
	char max[16], win[24];

	if (res != NULL && (res->http_status == 429 ||
	    res->http_status == 503) && res->retry_after > 0)
		pause_site(s, res->retry_after);
	else if (res != NULL && res->http_status == 429 &&
	    !res->retry_now && tq_cfg.site_backoff > 0)
		pause_site(s, tq_cfg.site_backoff);	/* no Retry-After */
	/* a 429 slows the site down as a 503 does */
	if (res != NULL && ((res->http_status >= 500 &&
	    res->http_status <= 599) || res->http_status == 429 ||
	    strcmp(res->code, "timeout") == 0))
		how = "bad";
	else if (res != NULL && res->http_status == 0)
		how = "none";	/* no answer, or not the site's doing */
	snprintf(max, sizeof(max), "%d", tq_cfg.site_concurrency);
	snprintf(win, sizeof(win), "%lld",
	    (long long)(tq_cfg.site_backoff * 1000));
	r = tq_redis(site_rc, &e, "EVAL %s 3 %s tq:site:thr:%s %s %s %s %s "
	    "%s", release_lua, s->slots, s->hash, s->next, s->lease, how, max,
	    win);
	if (r == NULL) {
		conn_failed();
		return;
	}
	if (strcmp(how, "bad") == 0 && r->type == REDIS_REPLY_INTEGER)
		tq_log(TQ_LOG_INFO, "site_throttled", json_pack(
		    "{s:s,s:I,s:f,s:s}", "site", s->name, "limit",
		    (json_int_t)r->integer, "seconds", tq_cfg.site_backoff,
		    "after", res->msg));
	freeReplyObject(r);
}

void
tq_site_release(struct tq_site *s, const struct tq_err *res)
{
	if (!s->held)
		return;
	s->held = 0;
	/* runs once this job waits or ends, after the lease below is gone */
	wake_next(s->name);
	if (site_rc == NULL || site_pid != getpid())
		return;		/* the lease expires by itself */
	judge(s, res);
}

static int
cmp_site(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t i = json_integer_value(json_object_get(x, "in_flight"));
	json_int_t j = json_integer_value(json_object_get(y, "in_flight"));

	if (i != j)
		return i > j ? -1 : 1;
	return json_real_value(json_object_get(x, "idle")) <
	    json_real_value(json_object_get(y, "idle")) ? -1 : 1;
}

json_t *
tq_site_stats(redisContext *rc, int n, struct tq_err *err)
{
	redisReply *r, *e;
	json_t **v, *out;
	size_t i, k = 0;
	long long lim, ms[6];
	int j;

	r = tq_redis(rc, err, "EVAL %s 1 %s 600000", stats_lua, SITES_KEY);
	if (r == NULL)
		return NULL;
	out = json_array();
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return out;
	}
	v = xcalloc(r->elements + 1, sizeof(*v));
	for (i = 0; i < r->elements; i++) {
		e = r->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 8 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		for (j = 0; j < 6; j++)
			ms[j] = e->element[j + 2]->type == REDIS_REPLY_INTEGER ?
			    e->element[j + 2]->integer : 0;
		lim = tq_cfg.site_concurrency;
		if (ms[0] > 0 && (lim == 0 || ms[0] < lim))
			lim = ms[0];
		v[k++] = json_pack("{s:s,s:I,s:I,s:f,s:f,s:f,s:f}",
		    "site", e->element[0]->str, "in_flight",
		    (json_int_t)(e->element[1]->type == REDIS_REPLY_INTEGER ?
		    e->element[1]->integer : 0), "limit", (json_int_t)lim,
		    "delay", (ms[3] > tq_cfg.site_delay * 1000 ? ms[3] :
		    tq_cfg.site_delay * 1000) / 1000.0,
		    "backoff_for", ms[1] / 1000.0, "paused_for",
		    ms[2] / 1000.0, "idle", ms[5] / 1000.0);
	}
	freeReplyObject(r);
	qsort(v, k, sizeof(*v), cmp_site);
	for (i = 0; i < k; i++) {
		if ((int)i < n)
			json_array_append(out, v[i]);
		json_decref(v[i]);
	}
	free(v);
	return out;
}

/* an item that may wait for its site */
static int
open_item(json_t *it)
{
	const char *st = json_string_value(json_object_get(it, "status"));

	return st != NULL && (strcmp(st, "pending") == 0 ||
	    strcmp(st, "running") == 0);
}

/*
 * Best effort: Redis is not needed here.  A task with no open item asks
 * nothing of it, and once it failed (down, or not answering) no record
 * asks it again for ANNOTATE_PAUSE s: a list of tasks is not held 10 s
 * a record by a server that takes connections and never answers.
 */
#define ANNOTATE_PAUSE	30.0
#define ANNOTATE_WAIT	2	/* s an answer is waited for */

void
tq_site_annotate(json_t *rec)
{
	static double pause_until;
	struct tq_err e = { 0 };
	json_t *its = json_object_get(rec, "items"), *it;
	redisReply *r;
	size_t i;
	int open = 0;

	json_array_foreach(its, i, it)
		open |= open_item(it);
	if (!open || tq_mono() < pause_until)
		return;
	if (site_rc == NULL || site_pid != getpid()) {
		if ((site_rc = tq_redis_connect_wait(tq_cfg.redis_url,
		    ANNOTATE_WAIT, &e)) == NULL) {
			pause_until = tq_mono() + ANNOTATE_PAUSE;
			return;
		}
		site_pid = getpid();
	}
	json_array_foreach(its, i, it) {
		if (!open_item(it))
			continue;
		redisAppendCommand(site_rc, "GET tq:site:wait:%lld:%lld",
		    (long long)json_integer_value(json_object_get(rec,
		    "task_id")), (long long)json_integer_value(
		    json_object_get(it, "item_id")));
	}
	json_array_foreach(its, i, it) {
		if (!open_item(it))
			continue;
		if (redisGetReply(site_rc, (void **)&r) != REDIS_OK) {
			conn_failed();
			pause_until = tq_mono() + ANNOTATE_PAUSE;
			return;
		}
		if (r->type == REDIS_REPLY_STRING) {
			char d[400];

			snprintf(d, sizeof(d), "waiting for site %s", r->str);
			json_object_set_new(it, "detail", json_string(d));
		}
		freeReplyObject(r);
	}
}
