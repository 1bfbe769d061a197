/*
 * queue.c - jobs, workers and registries in RQ 1.13's Redis layout
 * (specs/rq-layout.md), with tq's reliable take: a job id moves
 * atomically from rq:queue:<q> into tq:active:<worker>, so a worker
 * killed at any instant leaves its jobs where tq_queue_recover() finds
 * them.  PostgreSQL stays the truth; Redis only carries ids.
 *
 * About 1,000 lines, on purpose: every write to the layout and the Lua
 * that makes the take and the ack atomic stay together, so one file
 * shows what a job's keys go through.  The read side is queue_info.c.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>

#include "tq.h"

static const char *
qname(enum tq_stage s)
{
	return tq_stage_queue(s);
}

/* The fields of a job hash that are the same for every job of a stage */
struct jobfixed {
	char	 now[40], timeout[16], ttl[16], fttl[16], retries[16];
	char	 intervals[128];
};

/*
 * The fields of a job hash that are the job's own.  The task and the
 * item are in data, the stage in origin (its queue): nothing else of
 * tq's goes into the 10,000 hashes of a bulk submit.
 */
struct jobown {
	char	 desc[128], data[128];
};

static void
job_fixed(struct jobfixed *f, enum tq_stage st)
{
	size_t k;

	tq_rq_time(tq_now(), f->now, sizeof(f->now));
	snprintf(f->timeout, sizeof(f->timeout), "%d", tq_cfg.timeout[st]);
	snprintf(f->ttl, sizeof(f->ttl), "%d", tq_cfg.result_ttl);
	snprintf(f->fttl, sizeof(f->fttl), "%d", tq_cfg.failure_ttl);
	snprintf(f->retries, sizeof(f->retries), "%d", tq_cfg.max_retries);
	f->intervals[0] = '[';
	f->intervals[1] = '\0';
	for (k = 0; k < (size_t)tq_cfg.nretry_delays; k++)
		snprintf(f->intervals + strlen(f->intervals),
		    sizeof(f->intervals) - strlen(f->intervals), "%s%d",
		    k ? ", " : "", tq_cfg.retry_delays[k]);
	strlcat(f->intervals, "]", sizeof(f->intervals));
}

/* Append the decimal digits of v at p; returns the end. */
static char *
put_num(char *p, long long v)
{
	char d[24], *q = d + sizeof(d);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--q = '-';
	memcpy(p, q, d + sizeof(d) - q);
	return p + (d + sizeof(d) - q);
}

static char *
put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* As snprintf() would, 10,000 times a submit: without it */
static void
job_own(struct jobown *o, enum tq_stage st, const struct tq_jobspec *j)
{
	const char *name = tq_stage_name(st);
	char *p;

	p = put_str(o->desc, "tq.");
	p = put_str(p, name);
	p = put_str(p, "(task=");
	p = put_num(p, j->task_id);
	p = put_str(p, ", item=");
	p = put_num(p, j->item_id);
	p = put_str(p, ")");
	*p = '\0';
	p = put_str(o->data, "[\"tq.");
	p = put_str(p, name);
	p = put_str(p, "\", null, [");
	p = put_num(p, j->task_id);
	p = put_str(p, ", ");
	p = put_num(p, j->item_id);
	p = put_str(p, "], {}]");
	*p = '\0';
}

static void	 resp(struct tq_buf *, int, const char *const *);
static void	 resp_arg(struct tq_buf *, const char *, size_t);
static void	 resp_args(struct tq_buf *, int, const char *const *);
static int	 hashes(struct tq_buf *, const struct jobfixed *,
		    enum tq_stage, const struct tq_jobspec *, size_t);
static int	 pushes(struct tq_buf *, enum tq_stage,
		    const struct tq_jobspec *, size_t, int);

/*
 * In chunks of 500 jobs, each chunk one MULTI with its hashes and its
 * push, all in one pipelined write: no worker sees an id without its
 * hash.  The hashes are those of tq_queue_format_hashes().
 */
int
tq_queue_push(redisContext *c, struct tq_err *err, enum tq_stage st,
    const struct tq_jobspec *jobs, size_t n, int front)
{
	static const char *const multi[] = { "MULTI" }, *const exec[] =
	    { "EXEC" };
	struct tq_buf b = { 0 };
	struct jobfixed f;
	size_t i, m;
	int cmds = 0, rv;

	if (n == 0)
		return 0;
	job_fixed(&f, st);
	for (i = 0; i < n; i += m) {
		m = n - i > 500 ? 500 : n - i;
		resp(&b, 1, multi);
		cmds += 2 + hashes(&b, &f, st, jobs + i, m) +
		    pushes(&b, st, jobs + i, m, front);
		resp(&b, 1, exec);
	}
	if (redisAppendFormattedCommand(c, b.data, b.len) != REDIS_OK)
		rv = tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s",
		    c->errstr);
	else
		rv = tq_redis_replies(c, err, cmds);
	tq_buf_free(&b);
	return rv;
}

/*
 * KEYS: a queue; ARGV: job ids.  The queue without them, in its order,
 * in one pass: an LREM for each scans the whole queue, which for a
 * task of 100,000 jobs kept Redis busy for minutes.  Returns how many
 * went.
 */
static const char drop_lua[] =
"local drop = {}\n"
"for i = 1, #ARGV do drop[ARGV[i]] = true end\n"
"local all = redis.call('LRANGE', KEYS[1], 0, -1)\n"
"local keep, gone = {}, 0\n"
"for i = 1, #all do\n"
"  if drop[all[i]] then gone = gone + 1 else keep[#keep + 1] = all[i] end\n"
"end\n"
"if gone > 0 then\n"
"  redis.call('DEL', KEYS[1])\n"
"  for i = 1, #keep, 4000 do\n"
"    redis.call('RPUSH', KEYS[1], unpack(keep, i, math.min(i + 3999, #keep)))\n"
"  end\n"
"end\n"
"return gone\n";

static const char cancel_lua[] =
"if redis.call('EXISTS', KEYS[1]) == 1 then\n"
"  redis.call('HSET', KEYS[1], 'status', 'canceled', 'ended_at', ARGV[1])\n"
"  redis.call('EXPIRE', KEYS[1], ARGV[2])\n"
"end\n"
"return 0\n";

/*
 * A job's hash, changed only while it is there: RQ's Job.delete() (or
 * a FLUSHALL) under a running job leaves no hash, and one of a field or
 * two made again is none RQ can read ("Unexpected job format").  KEYS:
 * the hash; ARGV: the seconds it has left (0: as it was), then field,
 * value, ...
 */
static const char jobset_lua[] =
"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
"redis.call('HSET', KEYS[1], unpack(ARGV, 2))\n"
"if tonumber(ARGV[1]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end\n"
"return 1\n";

/*
 * A job back in the registry of its item's end (TQ_DONE_DROP): RQ's
 * requeue emptied its ended_at and exc_info; a failed one says why
 * again, from tq_error.  ARGV: ttl, status, now.
 */
static const char backset_lua[] =
"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
"redis.call('HSET', KEYS[1], 'status', ARGV[2])\n"
"local v = redis.call('HGET', KEYS[1], 'ended_at')\n"
"if not v or v == '' then\n"
"  redis.call('HSET', KEYS[1], 'ended_at', ARGV[3])\n"
"end\n"
"v = redis.call('HGET', KEYS[1], 'tq_error')\n"
"if ARGV[2] == 'failed' and v then\n"
"  redis.call('HSET', KEYS[1], 'exc_info', v)\n"
"end\n"
"redis.call('EXPIRE', KEYS[1], ARGV[1])\n"
"return 1\n";

#define DROP_LREM	16	/* fewer ids than this: LREM each */
#define DROP_BATCH	50000	/* ids to one pass over the queue */

int
tq_queue_remove(redisContext *c, struct tq_err *err, enum tq_stage st,
    const char *const *ids, size_t n, int canceled)
{
	char now[40];
	double t = tq_now();
	const char **argv;
	size_t *lens, i, k, m, cnt;
	char key[64];
	int cmds = 0;
	const char *q = qname(st);

	snprintf(key, sizeof(key), "rq:queue:%s", q);
	if (n < DROP_LREM)
		for (i = 0; i < n; i++, cmds++)
			redisAppendCommand(c, "LREM %s 0 %s", key, ids[i]);
	else {
		m = n < DROP_BATCH ? n : DROP_BATCH;
		argv = xcalloc(m + 4, sizeof(*argv));
		lens = xcalloc(m + 4, sizeof(*lens));
		argv[0] = "EVAL";
		argv[1] = drop_lua;
		argv[2] = "1";
		argv[3] = key;
		for (i = 0; i < n; i += cnt, cmds++) {
			cnt = n - i < m ? n - i : m;
			for (k = 0; k < cnt; k++)
				argv[4 + k] = ids[i + k];
			for (k = 0; k < 4 + cnt; k++)
				lens[k] = strlen(argv[k]);
			redisAppendCommandArgv(c, (int)(4 + cnt), argv, lens);
		}
		free(argv);
		free(lens);
	}
	tq_rq_time(t, now, sizeof(now));
	for (i = 0; i < n; i++) {
		redisAppendCommand(c, "ZREM rq:scheduled:%s %s", q, ids[i]);
		cmds++;
		if (!canceled) {
			redisAppendCommand(c, "DEL rq:job:%s", ids[i]);
			cmds++;
			continue;
		}
		/* a hash that is gone (expired) is not made again, in part */
		redisAppendCommand(c, "ZADD rq:canceled:%s %.0f %s", q, t,
		    ids[i]);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s %s %d", cancel_lua,
		    ids[i], now, tq_cfg.result_ttl);
		cmds += 2;
	}
	return tq_redis_replies(c, err, cmds);
}

static const char promote_lua[] =
"local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1],"
"  'LIMIT', 0, 200)\n"
"for _, id in ipairs(ids) do\n"
"  redis.call('ZREM', KEYS[1], id)\n"
"  redis.call('RPUSH', KEYS[2], id)\n"
"  if redis.call('EXISTS', 'rq:job:' .. id) == 1 then\n"
"    redis.call('HSET', 'rq:job:' .. id, 'status', 'queued',"
"      'enqueued_at', ARGV[2])\n"
"  end\n"
"end\n"
"return #ids\n";

int
tq_queue_promote(redisContext *c, struct tq_err *err, enum tq_stage st,
    int *moved)
{
	redisReply *r;
	char now[40];

	tq_rq_time(tq_now(), now, sizeof(now));
	r = tq_redis(c, err, "EVAL %s 2 rq:scheduled:%s rq:queue:%s %f %s",
	    promote_lua, qname(st), qname(st), tq_now(), now);
	if (r == NULL)
		return -1;
	if (moved)
		*moved = (int)r->integer;
	freeReplyObject(r);
	return 0;
}

int
tq_queue_pause(redisContext *c, struct tq_err *err, enum tq_stage st,
    int pause)
{
	redisReply *r;
	char now[40];

	tq_rq_time(tq_now(), now, sizeof(now));
	r = pause ? tq_redis(c, err, "SET tq:paused:%s %s", qname(st), now) :
	    tq_redis(c, err, "DEL tq:paused:%s", qname(st));
	if (r == NULL)
		return -1;
	freeReplyObject(r);
	return 0;
}

int
tq_queue_paused(redisContext *c, enum tq_stage st)
{
	redisReply *r = redisCommand(c, "EXISTS tq:paused:%s", qname(st));
	int p = r && r->type == REDIS_REPLY_INTEGER ? r->integer > 0 : -1;

	freeReplyObject(r);
	return p;
}

int
tq_queue_suspended(redisContext *c)
{
	redisReply *r = redisCommand(c, "EXISTS rq:suspended");
	int s = r && r->type == REDIS_REPLY_INTEGER && r->integer > 0;

	freeReplyObject(r);
	return s;
}

/*
 * The take, in two scripts that share their Lua.  A job id is never in
 * two workers' active lists at once, nor twice in one: a copy whose id
 * a worker holds (a duplicate pushed by a reconciler racing a recovery,
 * or by RQ's started-registry cleanup when the holder's heartbeat
 * stalled) is dropped from our list at once (its last entry, the copy
 * just moved there), so a job never runs twice together, not even in
 * one worker.  The holder acks it, or, if it dies, its recovery pushes
 * it again.
 *
 * take: KEYS[1] the worker's active list, KEYS[2..] the queues in
 * priority order.  ARGV: now (RQ time), wip expiry score, worker name,
 * then the queue names.  Returns {id, queue} or false.
 *
 * settle (after a blocking BLMOVE put an id at the tail of our list):
 * KEYS[1] the active list, KEYS[2] the queue; ARGV: now, score, worker
 * name, queue name, id.  Returns 1 when the job is ours to run, 0 when
 * it was given back (rq suspend) or dropped (held elsewhere).
 */
#define TAKE_COMMON \
"local function held(id)\n" \
"  if #redis.call('LPOS', KEYS[1], id, 'COUNT', 2) > 1 then\n" \
"    return true\n" \
"  end\n" \
"  for _, w in ipairs(redis.call('SMEMBERS', 'tq:workers')) do\n" \
"    if w ~= ARGV[3] and\n" \
"        redis.call('LPOS', 'tq:active:' .. w, id) then\n" \
"      return true\n" \
"    end\n" \
"  end\n" \
"  return false\n" \
"end\n" \
"local function started(id, q)\n" \
"  redis.call('ZADD', 'rq:wip:' .. q, ARGV[2], id)\n" \
"  redis.call('HSET', 'rq:worker:' .. ARGV[3], 'state', 'busy',\n" \
"    'current_job', id, 'current_job_working_time', '0')\n" \
"  if redis.call('EXISTS', 'rq:job:' .. id) == 1 then\n" \
"    redis.call('HSET', 'rq:job:' .. id, 'status', 'started',\n" \
"      'started_at', ARGV[1], 'last_heartbeat', ARGV[1],\n" \
"      'worker_name', ARGV[3])\n" \
"  end\n" \
"end\n"

static const char take_lua[] = TAKE_COMMON
"if redis.call('EXISTS', 'rq:suspended') == 1 then return false end\n"
"for i = 2, #KEYS do\n"
"  while redis.call('EXISTS', 'tq:paused:' .. ARGV[i + 2]) == 0 do\n"
"    local id = redis.call('LMOVE', KEYS[i], KEYS[1], 'LEFT', 'RIGHT')\n"
"    if not id then break end\n"
"    if held(id) then\n"
"      redis.call('LREM', KEYS[1], -1, id)\n"
"    else\n"
"      started(id, ARGV[i + 2])\n"
"      return {id, ARGV[i + 2]}\n"
"    end\n"
"  end\n"
"end\n"
"return false\n";

/* up to ARGV[3 + nq + i] jobs from each queue i: {id, queue, ...} */
static const char take_many_lua[] = TAKE_COMMON
"if redis.call('EXISTS', 'rq:suspended') == 1 then return {} end\n"
"local out, nq = {}, #KEYS - 1\n"
"for i = 2, #KEYS do\n"
"  local want = tonumber(ARGV[i + 2 + nq])\n"
"  while want > 0 and\n"
"      redis.call('EXISTS', 'tq:paused:' .. ARGV[i + 2]) == 0 do\n"
"    local id = redis.call('LMOVE', KEYS[i], KEYS[1], 'LEFT', 'RIGHT')\n"
"    if not id then break end\n"
"    if held(id) then\n"
"      redis.call('LREM', KEYS[1], -1, id)\n"
"    else\n"
"      started(id, ARGV[i + 2])\n"
"      out[#out + 1] = id\n"
"      out[#out + 1] = ARGV[i + 2]\n"
"      want = want - 1\n"
"    end\n"
"  end\n"
"end\n"
"return out\n";

static const char settle_lua[] = TAKE_COMMON
"if redis.call('EXISTS', 'rq:suspended') == 1 or\n"
"    redis.call('EXISTS', 'tq:paused:' .. ARGV[4]) == 1 then\n"
"  redis.call('LREM', KEYS[1], -1, ARGV[5])\n"
"  redis.call('LPUSH', KEYS[2], ARGV[5])\n"
"  return 0\n"
"end\n"
"if held(ARGV[5]) then\n"
"  redis.call('LREM', KEYS[1], -1, ARGV[5])\n"
"  return 0\n"
"end\n"
"started(ARGV[5], ARGV[4])\n"
"return 1\n";

/*
 * Run a take script (take_lua, or take_many_lua when want is not NULL)
 * with its keys (our list, then each stage's queue, into keys) and
 * arguments; the reply, or NULL with err set.
 */
static redisReply *
take_eval(redisContext *c, struct tq_err *err, const char *lua,
    const char *name, const int *stages, const int *want, int nstages,
    char (*keys)[160])
{
	const char *argv[4 + 1 + 3 * TQ_NSTAGES + 4];
	char now[40], score[32], nk[16], wants[TQ_NSTAGES][16];
	redisReply *r;
	int i, argc = 0;
	double t = tq_now();

	tq_rq_time(t, now, sizeof(now));
	snprintf(score, sizeof(score), "%.0f", t + 90);
	snprintf(nk, sizeof(nk), "%d", nstages + 1);
	snprintf(keys[0], sizeof(keys[0]), "tq:active:%s", name);
	argv[argc++] = "EVAL";
	argv[argc++] = lua;
	argv[argc++] = nk;
	argv[argc++] = keys[0];
	for (i = 0; i < nstages; i++) {
		snprintf(keys[i + 1], sizeof(keys[i + 1]), "rq:queue:%s",
		    qname(stages[i]));
		argv[argc++] = keys[i + 1];
	}
	argv[argc++] = now;
	argv[argc++] = score;
	argv[argc++] = name;
	for (i = 0; i < nstages; i++)
		argv[argc++] = qname(stages[i]);
	for (i = 0; want != NULL && i < nstages; i++) {
		snprintf(wants[i], sizeof(wants[i]), "%d", want[i]);
		argv[argc++] = wants[i];
	}
	r = redisCommandArgv(c, argc, argv, NULL);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s",
		    r ? r->str : c->errstr);
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

/*
 * An id taken that does not fit the worker's buffer (idlen) is no id
 * tq makes (36 bytes): it goes to the failed registry, saying so, as
 * a job of RQ's own would (lifecycle.c), rather than be cut short and
 * stay in our list.  1 if so.
 */
static int
long_id(redisContext *c, const char *name, enum tq_stage st, const char *id,
    size_t idlen)
{
	struct tq_err e = { 0 };

	if (strlen(id) < idlen)
		return 0;
	tq_log(TQ_LOG_WARN, "skip", json_pack("{s:s,s:s,s:s}", "worker",
	    name, "queue", qname(st), "reason", "a job id too long to be "
	    "tq's"));
	(void)tq_queue_ack(c, &e, name, st, id, TQ_DONE_FAILED, 0,
	    "tq-worker: not a job of tq's (its id is too long)", -1);
	return 1;
}

int
tq_queue_take(redisContext *c, struct tq_err *err, const char *name,
    const int *stages, int nstages, double block, char *id, size_t idlen,
    enum tq_stage *stage)
{
	char keys[TQ_NSTAGES + 1][160], now[40], score[32];
	redisReply *r;
	int got = 0;
	double t;

	if ((r = take_eval(c, err, take_lua, name, stages, NULL, nstages,
	    keys)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
		snprintf(id, idlen, "%s", r->element[0]->str);
		*stage = tq_stage_from_name(r->element[1]->str);
		got = !long_id(c, name, *stage, r->element[0]->str, idlen);
	}
	freeReplyObject(r);
	if (got || block <= 0)
		return got;

	/* nothing ready: wait on the first queue, then look again */
	if (tq_queue_paused(c, stages[0]) == 1) {
		usleep((useconds_t)(block * 1e6));
		return 0;
	}
	tq_redis_set_timeout(c, block + 5);
	r = redisCommand(c, "BLMOVE %s %s LEFT RIGHT %.3f", keys[1], keys[0],
	    block);
	tq_redis_set_timeout(c, 10);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s",
		    r ? r->str : c->errstr);
		freeReplyObject(r);
		return -1;
	}
	if (r->type == REDIS_REPLY_STRING) {
		snprintf(id, idlen, "%s", r->str);
		*stage = stages[0];
		got = 1;
		/* in our list, not yet in rq:wip (settle_lua below) */
		if (long_id(c, name, *stage, r->str, idlen)) {
			freeReplyObject(r);
			return 0;
		}
	}
	freeReplyObject(r);
	if (!got)
		return 0;
	/* the job starts now, not when the wait began */
	t = tq_now();
	tq_rq_time(t, now, sizeof(now));
	snprintf(score, sizeof(score), "%.0f", t + 90);
	r = tq_redis(c, err, "EVAL %s 2 %s %s %s %s %s %s %s", settle_lua,
	    keys[0], keys[1], now, score, name, qname(*stage), id);
	if (r == NULL)
		return -1;
	got = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return got;
}

/*
 * Take up to want[i] jobs from the queue of stages[i], in one call,
 * without waiting: each id moves into our list as tq_queue_take()'s
 * do.  The number taken (ids[k], st[k]), or -1 with err set.
 */
int
tq_queue_take_many(redisContext *c, struct tq_err *err, const char *name,
    const int *stages, const int *want, int nstages, char (*ids)[128],
    enum tq_stage *st, int max)
{
	char keys[TQ_NSTAGES + 1][160];
	redisReply *r;
	int n = 0;
	size_t k;

	if ((r = take_eval(c, err, take_many_lua, name, stages, want,
	    nstages, keys)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ARRAY)
		for (k = 0; k + 1 < r->elements && n < max; k += 2) {
			st[n] = tq_stage_from_name(r->element[k + 1]->str);
			if (long_id(c, name, st[n], r->element[k]->str,
			    sizeof(ids[n])))
				continue;
			snprintf(ids[n], sizeof(ids[n]), "%s",
			    r->element[k]->str);
			n++;
		}
	freeReplyObject(r);
	return n;
}

/*
 * Counters for tq-stats -p (Prometheus), in one hash tq:metrics that
 * only grows: "<queue>|<outcome>" job counts, and the job duration
 * histogram of each queue as "<queue>|le=<bound>" counts (one bucket
 * per job, made cumulative by the reader), "<queue>|sum" seconds.
 * Appended to the ack's MULTI; returns the number of commands.
 */
const double tq_metric_buckets[TQ_METRIC_NBUCKETS] = {
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
};

const char *
tq_outcome_name(enum tq_outcome out)
{
	static const char *names[] = { "finished", "failed", "retried",
	    "requeued", "dropped", "canceled", "stopped", "skipped" };

	return out <= TQ_DONE_FORGET ? names[out] : "unknown";
}

static int
metrics_count(redisContext *c, const char *q, enum tq_outcome out,
    double worked)
{
	int b;

	for (b = 0; b < TQ_METRIC_NBUCKETS; b++)
		if (worked <= tq_metric_buckets[b])
			break;
	redisAppendCommand(c, "HINCRBY tq:metrics %s|%s 1", q,
	    tq_outcome_name(out));
	if (b < TQ_METRIC_NBUCKETS)
		redisAppendCommand(c, "HINCRBY tq:metrics %s|le=%g 1", q,
		    tq_metric_buckets[b]);
	else
		redisAppendCommand(c, "HINCRBY tq:metrics %s|le=+Inf 1", q);
	redisAppendCommand(c, "HINCRBYFLOAT tq:metrics %s|sum %.6f", q,
	    worked);
	return 3;
}

int
tq_queue_ack(redisContext *c, struct tq_err *err, const char *name,
    enum tq_stage st, const char *id, enum tq_outcome out, double run_at,
    const char *error, double worked)
{
	return tq_redis_replies(c, err, tq_queue_ack_append(c, name, st, id,
	    out, run_at, error, worked));
}

/*
 * The commands of tq_queue_ack() appended to c's output, not sent: the
 * caller reads their replies (the number returned) with
 * tq_redis_replies(), after appending the acks of other jobs too, and
 * before any other command on c.
 */
int
tq_queue_ack_append(redisContext *c, const char *name, enum tq_stage st,
    const char *id, enum tq_outcome out, double run_at, const char *error,
    double worked)
{
	const char *q = qname(st);
	char now[40];
	int cmds = 0, ttl;
	double t = tq_now();

	tq_rq_time(t, now, sizeof(now));
	redisAppendCommand(c, "MULTI");
	redisAppendCommand(c, "LREM tq:active:%s 1 %s", name, id);
	/* the wip entry and the hash are the other worker's */
	if (out != TQ_DONE_FORGET)
		redisAppendCommand(c, "ZREM rq:wip:%s %s", q, id);
	cmds += out != TQ_DONE_FORGET ? 3 : 2;
	/*
	 * The state and current job: the worker's next heartbeat.  The
	 * counts as RQ's: a job that ran to its end, well or not (a
	 * failure that is retried too); not one given back or dropped.
	 */
	if (worked >= 0 && (out == TQ_DONE_FINISHED || out == TQ_DONE_FAILED ||
	    out == TQ_DONE_SCHEDULED || out == TQ_DONE_STOPPED)) {
		redisAppendCommand(c, "HINCRBY rq:worker:%s %s 1", name,
		    out == TQ_DONE_FINISHED ? "successful_job_count" :
		    "failed_job_count");
		redisAppendCommand(c, "HINCRBYFLOAT rq:worker:%s "
		    "total_working_time %.6f", name, worked);
		cmds += 2;
	}
	if (worked >= 0)
		cmds += metrics_count(c, q, out, worked);
	switch (out) {
	case TQ_DONE_FINISHED:
		redisAppendCommand(c, "ZADD rq:finished:%s %.0f %s", q,
		    t + tq_cfg.result_ttl, id);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s %d status finished "
		    "ended_at %s", jobset_lua, id, tq_cfg.result_ttl, now);
		cmds += 2;
		break;
	case TQ_DONE_FAILED:
	case TQ_DONE_STOPPED:
		/*
		 * In the failed registry, as RQ leaves a job that failed or
		 * that its stop-job command stopped; exc_info is where RQ
		 * (Job.exc_info) and its dashboards read why: plain text,
		 * which RQ takes as it is
		 */
		redisAppendCommand(c, "ZADD rq:failed:%s %.0f %s", q,
		    t + tq_cfg.failure_ttl, id);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s %d status %s "
		    "ended_at %s tq_error %s exc_info %s", jobset_lua, id,
		    tq_cfg.failure_ttl, out == TQ_DONE_FAILED ? "failed" :
		    "stopped", now, error ? error : "", error ? error : "");
		cmds += 2;
		break;
	case TQ_DONE_SCHEDULED:
		redisAppendCommand(c, "ZADD rq:scheduled:%s %.3f %s", q,
		    run_at, id);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s 0 status "
		    "scheduled tq_error %s exc_info %s", jobset_lua, id,
		    error ? error : "", error ? error : "");
		cmds += 2;
		break;
	case TQ_DONE_REQUEUE:
		redisAppendCommand(c, "LPUSH rq:queue:%s %s", q, id);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s 0 status queued",
		    jobset_lua, id);
		cmds += 2;
		break;
	case TQ_DONE_CANCELED:
		redisAppendCommand(c, "ZADD rq:canceled:%s %.0f %s", q, t, id);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s %d status canceled "
		    "ended_at %s", jobset_lua, id, tq_cfg.result_ttl, now);
		cmds += 2;
		break;
	case TQ_DONE_DROP:
		if (error == NULL) {
			redisAppendCommand(c, "DEL rq:job:%s", id);
			cmds++;
			break;
		}
		/*
		 * back where its item's end put it, the registry named as
		 * the status, scored and kept as that outcome's; the rest
		 * of the hash as it was, with what RQ's requeue emptied
		 */
		ttl = strcmp(error, "failed") == 0 ? tq_cfg.failure_ttl :
		    tq_cfg.result_ttl;
		redisAppendCommand(c, "ZADD rq:%s:%s %.0f %s", error, q,
		    strcmp(error, "canceled") == 0 ? t : t + ttl, id);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s %d %s %s",
		    backset_lua, id, ttl, error, now);
		cmds += 2;
		break;
	case TQ_DONE_FORGET:
		break;
	}
	redisAppendCommand(c, "EXEC");
	cmds++;
	return cmds;
}

int
tq_queue_retries_left_append(redisContext *c, const char *id, int left)
{
	redisAppendCommand(c, "EVAL %s 1 rq:job:%s 0 retries_left %d",
	    jobset_lua, id, left);
	return 1;
}

static void
queue_list(const struct tq_worker_info *w, char *buf, size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < w->nstages; i++) {
		if (i)
			strlcat(buf, ",", n);
		strlcat(buf, qname(w->stages[i]), n);
	}
}

/*
 * The worker's hash gets its 480 s to live and the worker its place in
 * rq:workers, tq:workers and each stage's rq:workers:<q>.  Returns the
 * number of commands appended.
 */
static int
worker_sets(redisContext *c, const struct tq_worker_info *w)
{
	int i;

	redisAppendCommand(c, "EXPIRE rq:worker:%s 480", w->name);
	redisAppendCommand(c, "SADD rq:workers rq:worker:%s", w->name);
	redisAppendCommand(c, "SADD tq:workers %s", w->name);
	for (i = 0; i < w->nstages; i++)
		redisAppendCommand(c, "SADD rq:workers:%s rq:worker:%s",
		    qname(w->stages[i]), w->name);
	return 3 + w->nstages;
}

int
tq_worker_register(redisContext *c, struct tq_err *err,
    const struct tq_worker_info *w)
{
	char birth[40], queues[128], host[256], pid[16];
	char ip[INET6_ADDRSTRLEN] = "127.0.0.1";
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int i, cmds = 0;

	/* the address Redis sees it from, as RQ's; a Unix socket's: none */
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->
			    sin_addr, ip, sizeof(ip));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->
			    sin6_addr, ip, sizeof(ip));
	}
	tq_rq_time(w->birth, birth, sizeof(birth));
	queue_list(w, queues, sizeof(queues));
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	redisAppendCommand(c, "CLIENT SETNAME %s", w->name);
	redisAppendCommand(c, "MULTI");
	redisAppendCommand(c, "DEL rq:worker:%s", w->name);
	redisAppendCommand(c, "HSET rq:worker:%s birth %s last_heartbeat %s "
	    "queues %s pid %s hostname %s ip_address %s version %s "
	    "state started successful_job_count 0 failed_job_count 0 "
	    "total_working_time 0 current_job_working_time 0",
	    w->name, birth, birth, queues, pid, host, ip,
	    "tq-" TQ_VERSION);
	cmds += 4 + worker_sets(c, w);
	for (i = 0; i < w->nstages; i++) {
		redisAppendCommand(c, "SADD rq:queues rq:queue:%s",
		    qname(w->stages[i]));
		cmds++;
	}
	redisAppendCommand(c, "EXEC");
	cmds++;
	return tq_redis_replies(c, err, cmds);
}

int
tq_worker_heartbeat(redisContext *c, struct tq_err *err,
    const struct tq_worker_info *w, const char *state, const char *job,
    double job_started, const char *const *others, const int *ost,
    int nothers)
{
	char now[40];
	int cmds = 0;
	double t = tq_now();

	tq_rq_time(t, now, sizeof(now));
	redisAppendCommand(c, "MULTI");
	redisAppendCommand(c, "HSET rq:worker:%s last_heartbeat %s state %s",
	    w->name, now, state);
	/* the sets too: Redis may have lost them (FLUSHALL, restart) */
	cmds += 2 + worker_sets(c, w);
	if (job != NULL) {
		int i;

		redisAppendCommand(c, "HSET rq:worker:%s current_job %s "
		    "current_job_working_time %.3f", w->name, job,
		    t - job_started);
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s 0 last_heartbeat "
		    "%s", jobset_lua, job, now);
		cmds += 2;
		/* renew the job's wip score in whichever queue holds it */
		for (i = 0; i < w->nstages; i++) {
			redisAppendCommand(c, "ZADD rq:wip:%s XX %.0f %s",
			    qname(w->stages[i]), t + 90, job);
			cmds++;
		}
	} else {
		redisAppendCommand(c, "HDEL rq:worker:%s current_job "
		    "current_job_working_time", w->name);
		cmds++;
	}
	/* the other jobs in flight are alive too */
	for (int i = 0; i < nothers; i++) {
		redisAppendCommand(c, "EVAL %s 1 rq:job:%s 0 last_heartbeat "
		    "%s", jobset_lua, others[i], now);
		redisAppendCommand(c, "ZADD rq:wip:%s XX %.0f %s",
		    qname(ost[i]), t + 90, others[i]);
		cmds += 2;
	}
	redisAppendCommand(c, "EXEC");
	cmds++;
	return tq_redis_replies(c, err, cmds);
}

int
tq_worker_unregister(redisContext *c, struct tq_err *err,
    const struct tq_worker_info *w)
{
	char now[40];
	int i, cmds = 0;

	tq_rq_time(tq_now(), now, sizeof(now));
	redisAppendCommand(c, "MULTI");
	/* RQ's states have no "dead": death says it */
	redisAppendCommand(c, "HSET rq:worker:%s death %s "
	    "shutdown_requested_date %s", w->name, now, now);
	redisAppendCommand(c, "HDEL rq:worker:%s current_job", w->name);
	redisAppendCommand(c, "EXPIRE rq:worker:%s 60", w->name);
	redisAppendCommand(c, "SREM rq:workers rq:worker:%s", w->name);
	cmds += 5;
	for (i = 0; i < w->nstages; i++) {
		redisAppendCommand(c, "SREM rq:workers:%s rq:worker:%s",
		    qname(w->stages[i]), w->name);
		cmds++;
	}
	/* its active list is empty after a clean exit */
	redisAppendCommand(c, "SREM tq:workers %s", w->name);
	redisAppendCommand(c, "EXEC");
	cmds += 2;
	return tq_redis_replies(c, err, cmds);
}

/*
 * The jobs of failed items are in rq:failed:<q> (or rq:canceled:<q>
 * when a bare stop-job failed them) with a hash that expires: take
 * them out of there, then queue them afresh.
 */
int
tq_queue_requeue(redisContext *rc, struct tq_err *e, enum tq_stage st,
    struct tq_jobspec *jobs, size_t n)
{
	const char **ids;
	size_t i;
	int rv;

	for (i = 0; i < n; i++) {
		redisAppendCommand(rc, "ZREM rq:failed:%s %s",
		    qname(st), jobs[i].job_id);
		redisAppendCommand(rc, "ZREM rq:canceled:%s %s",
		    qname(st), jobs[i].job_id);
	}
	if (tq_redis_replies(rc, e, 2 * (int)n) == -1)
		return -1;
	ids = xcalloc(n, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = jobs[i].job_id;
	rv = tq_queue_remove(rc, e, st, ids, n, 0);
	free(ids);
	if (rv == -1)
		return -1;
	return tq_queue_push(rc, e, st, jobs, n, 0);
}

static int
worker_dead(redisContext *c, const char *name, double stale)
{
	redisReply *r;
	char host[256];
	int dead = 0;

	r = redisCommand(c, "HMGET rq:worker:%s last_heartbeat pid hostname "
	    "death", name);
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
		freeReplyObject(r);
		return 0;	/* cannot tell: not dead */
	}
	if (r->element[0]->type != REDIS_REPLY_STRING)
		dead = 1;	/* hash expired or deleted */
	else if (r->element[3]->type == REDIS_REPLY_STRING)
		dead = 1;
	else {
		struct tm tm;
		const char *hb = r->element[0]->str;

		memset(&tm, 0, sizeof(tm));
		if (strptime(hb, "%Y-%m-%dT%H:%M:%S", &tm) != NULL &&
		    tq_now() - (double)timegm(&tm) > stale)
			dead = 1;
		if (!dead && r->element[1]->type == REDIS_REPLY_STRING &&
		    r->element[2]->type == REDIS_REPLY_STRING &&
		    gethostname(host, sizeof(host)) == 0 &&
		    strcmp(host, r->element[2]->str) == 0) {
			pid_t pid = (pid_t)atoi(r->element[1]->str);

			if (pid > 0 && kill(pid, 0) == -1 && errno == ESRCH)
				dead = 1;
		}
	}
	freeReplyObject(r);
	return dead;
}

/*
 * Give back one job of a dead worker's list, once: the id leaves the
 * list and goes where the action says in one step, and a second
 * recoverer of the same worker finds it gone (LREM 0) and does nothing.
 * KEYS[1] the dead worker's active list, KEYS[2] the job's queue;
 * ARGV: id, queue name, action (requeue, drop or forget).
 */
static const char giveback_lua[] =
"if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end\n"
"redis.call('ZREM', 'rq:wip:' .. ARGV[2], ARGV[1])\n"
"if ARGV[3] == 'requeue' then\n"
"  redis.call('LPUSH', KEYS[2], ARGV[1])\n"
"  if redis.call('EXISTS', 'rq:job:' .. ARGV[1]) == 1 then\n"
"    redis.call('HSET', 'rq:job:' .. ARGV[1], 'status', 'queued')\n"
"  end\n"
"elseif ARGV[3] == 'drop' then\n"
"  redis.call('DEL', 'rq:job:' .. ARGV[1])\n"
"end\n"
"return 1\n";

int
tq_queue_recover(redisContext *c, struct tq_err *err, const char *self,
    double stale, tq_recover_fn *cb, void *arg, int *returned)
{
	static const char *acts[] = { "requeue", "drop", "forget" };
	redisReply *ws, *ids, *r;
	size_t i, j;
	int n = 0, s;

	if ((ws = tq_redis(c, err, "SMEMBERS tq:workers")) == NULL)
		return -1;
	for (i = 0; i < ws->elements; i++) {
		const char *name = ws->element[i]->str;

		if (self != NULL && strcmp(name, self) == 0)
			continue;
		if (!worker_dead(c, name, stale))
			continue;
		ids = tq_redis(c, err, "LRANGE tq:active:%s 0 -1", name);
		if (ids == NULL)
			goto fail;
		for (j = 0; j < ids->elements; j++) {
			const char *id = ids->element[j]->str;
			int st = -1, act;

			r = redisCommand(c, "HGET rq:job:%s origin", id);
			if (r && r->type == REDIS_REPLY_STRING)
				st = tq_stage_from_name(r->str);
			freeReplyObject(r);
			act = cb ? cb(arg, name, (enum tq_stage)st, id) :
			    TQ_RECOVER_REQUEUE;
			if (act < 0) {
				freeReplyObject(ids);
				goto fail;
			}
			if (st < 0)
				act = TQ_RECOVER_DROP;	/* the reconciler */
			r = tq_redis(c, err, "EVAL %s 2 tq:active:%s "
			    "rq:queue:%s %s %s %s", giveback_lua, name,
			    qname(st < 0 ? 0 : st), id, qname(st < 0 ? 0 : st),
			    acts[act]);
			if (r == NULL) {
				freeReplyObject(ids);
				goto fail;
			}
			if (act == TQ_RECOVER_REQUEUE && r->integer == 1)
				n++;
			freeReplyObject(r);
		}
		freeReplyObject(ids);
		/* a list refilled meanwhile is not ours to delete */
		redisAppendCommand(c, "SREM tq:workers %s", name);
		redisAppendCommand(c, "SREM rq:workers rq:worker:%s", name);
		for (s = 0; s < TQ_NSTAGES; s++)
			redisAppendCommand(c, "SREM rq:workers:%s rq:worker:%s",
			    qname(s), name);
		redisAppendCommand(c, "DEL rq:worker:%s", name);
		if (tq_redis_replies(c, err, 3 + TQ_NSTAGES) == -1)
			goto fail;
	}
	freeReplyObject(ws);
	if (returned)
		*returned = n;
	return 0;
fail:
	freeReplyObject(ws);
	return -1;
}

int
tq_queue_return_held(redisContext *c, struct tq_err *err, const char *name,
    const char *const *keep, int nkeep, int *returned)
{
	redisReply *ids, *r;
	size_t j;
	int n = 0, k;

	if ((ids = tq_redis(c, err, "LRANGE tq:active:%s 0 -1", name)) == NULL)
		return -1;
	for (j = 0; j < ids->elements; j++) {
		const char *id = ids->element[j]->str;
		int st = -1;

		if (ids->element[j]->type != REDIS_REPLY_STRING)
			continue;
		for (k = 0; k < nkeep && strcmp(keep[k], id) != 0; k++)
			;
		if (k < nkeep)
			continue;	/* in flight here */

		r = redisCommand(c, "HGET rq:job:%s origin", id);
		if (r && r->type == REDIS_REPLY_STRING)
			st = tq_stage_from_name(r->str);
		freeReplyObject(r);
		/* without its hash the reconciler requeues it from PostgreSQL */
		if (tq_queue_ack(c, err, name, st < 0 ? 0 : st, id, st < 0 ?
		    TQ_DONE_DROP : TQ_DONE_REQUEUE, 0, NULL, -1) == -1) {
			freeReplyObject(ids);
			return -1;
		}
		if (st >= 0)
			n++;
	}
	freeReplyObject(ids);
	if (returned)
		*returned = n;
	return 0;
}

int
tq_lock(redisContext *c, struct tq_err *err, const char *key,
    const char *owner, int ttl)
{
	redisReply *r;
	int got;

	r = tq_redis(c, err, "SET %s %s NX EX %d", key, owner, ttl);
	if (r == NULL)
		return -1;
	got = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	return got;
}

int
tq_unlock(redisContext *c, const char *key, const char *owner)
{
	redisReply *r;

	r = redisCommand(c, "EVAL %s 1 %s %s",
	    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
	    "return redis.call('DEL', KEYS[1]) end return 0", key, owner);
	freeReplyObject(r);
	return 0;
}

/* One command in Redis's protocol (RESP), as hiredis would send it. */
static void
resp_len(struct tq_buf *b, char c, size_t n)
{
	char d[24], *p = d + sizeof(d);

	*--p = '\n';
	*--p = '\r';
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	*--p = c;
	tq_buf_add(b, p, d + sizeof(d) - p);
}

/* One argument of a command: its length, then its bytes. */
static void
resp_arg(struct tq_buf *b, const char *s, size_t n)
{
	resp_len(b, '$', n);
	tq_buf_add(b, s, n);
	tq_buf_add(b, "\r\n", 2);
}

/* The arguments of a command, without the count that opens it. */
static void
resp_args(struct tq_buf *b, int argc, const char *const *argv)
{
	int i;

	for (i = 0; i < argc; i++)
		resp_arg(b, argv[i], strlen(argv[i]));
}

static void
resp(struct tq_buf *b, int argc, const char *const *argv)
{
	resp_len(b, '*', (size_t)argc);
	resp_args(b, argc, argv);
}

/* The fields every job shares, as HSET's arguments */
static void
fixed_args(const char *argv[18], const struct jobfixed *f, enum tq_stage st)
{
	argv[0] = "status";
	argv[1] = "queued";
	argv[2] = "origin";
	argv[3] = qname(st);
	argv[4] = "created_at";
	argv[5] = f->now;
	argv[6] = "enqueued_at";
	argv[7] = f->now;
	argv[8] = "timeout";
	argv[9] = f->timeout;
	argv[10] = "result_ttl";
	argv[11] = f->ttl;
	argv[12] = "failure_ttl";
	argv[13] = f->fttl;
	argv[14] = "retries_left";
	argv[15] = f->retries;
	argv[16] = "retry_intervals";
	argv[17] = f->intervals;
}

/* A job's own two fields, description and data, as HSET arguments */
static void
own_args(struct tq_buf *b, const struct jobown *o)
{
	tq_buf_adds(b, "$11\r\ndescription\r\n");
	resp_arg(b, o->desc, strlen(o->desc));
	tq_buf_adds(b, "$4\r\ndata\r\n");
	resp_arg(b, o->data, strlen(o->data));
}

/*
 * The job hashes, one HSET each, into b; returns their number.  The
 * fields that are the same for every job come first, formatted once;
 * each job adds its key, its description and its data.
 */
static int
hashes(struct tq_buf *b, const struct jobfixed *f, enum tq_stage st,
    const struct tq_jobspec *jobs, size_t n)
{
	struct tq_buf fixed = { 0 };
	struct jobown o;
	char hkey[128];
	const char *argv[18];
	size_t k;

	fixed_args(argv, f, st);
	resp_args(&fixed, 18, argv);
	for (k = 0; k < n; k++) {
		int kn = snprintf(hkey, sizeof(hkey), "rq:job:%s",
		    jobs[k].job_id);

		job_own(&o, st, &jobs[k]);
		tq_buf_adds(b, "*24\r\n$4\r\nHSET\r\n");
		resp_arg(b, hkey, (size_t)kn);
		tq_buf_add(b, fixed.data, fixed.len);
		own_args(b, &o);
	}
	tq_buf_free(&fixed);
	return (int)n;
}

/*
 * The ids pushed (RPUSH, LPUSH if front), 10,000 a command, and the
 * queue's registration, into b; returns the number of commands.
 */
static int
pushes(struct tq_buf *b, enum tq_stage st, const struct tq_jobspec *jobs,
    size_t n, int front)
{
	char key[128];
	const char *argv[3], **ids;
	size_t i, k, m;
	int cmds = 1;

	snprintf(key, sizeof(key), "rq:queue:%s", qname(st));
	ids = xcalloc(n > 10000 ? 10002 : n + 2, sizeof(*ids));
	for (i = 0; i < n; i += m) {
		m = n - i > 10000 ? 10000 : n - i;
		ids[0] = front ? "LPUSH" : "RPUSH";
		ids[1] = key;
		for (k = 0; k < m; k++)
			ids[k + 2] = jobs[i + k].job_id;
		resp(b, (int)m + 2, ids);
		cmds++;
	}
	free(ids);
	argv[0] = "SADD";
	argv[1] = "rq:queues";
	argv[2] = key;
	resp(b, 3, argv);
	return cmds;
}

int
tq_queue_format_hashes(struct tq_buf *b, enum tq_stage st,
    const struct tq_jobspec *jobs, size_t n)
{
	struct jobfixed f;

	job_fixed(&f, st);
	return hashes(b, &f, st, jobs, n);
}

int
tq_queue_format_template(struct tq_buf *b, enum tq_stage st,
    const char *key)
{
	struct jobfixed f;
	const char *argv[24];

	job_fixed(&f, st);
	argv[0] = "HSET";
	argv[1] = key;
	fixed_args(argv + 2, &f, st);
	argv[20] = "description";
	argv[21] = "";
	argv[22] = "data";
	argv[23] = "";
	resp(b, 24, argv);
	return 1;
}

int
tq_queue_format_template_del(struct tq_buf *b, const char *key)
{
	const char *argv[2] = { "DEL", key };

	resp(b, 2, argv);
	return 1;
}

int
tq_queue_format_copies(struct tq_buf *b, enum tq_stage st, const char *key,
    const struct tq_jobspec *jobs, size_t n)
{
	struct tq_buf head = { 0 };
	struct jobown o;
	char hkey[128];
	size_t k;

	tq_buf_adds(&head, "*3\r\n$4\r\nCOPY\r\n");
	resp_arg(&head, key, strlen(key));
	for (k = 0; k < n; k++) {
		int kn = snprintf(hkey, sizeof(hkey), "rq:job:%s",
		    jobs[k].job_id);

		job_own(&o, st, &jobs[k]);
		tq_buf_add(b, head.data, head.len);
		resp_arg(b, hkey, (size_t)kn);
		tq_buf_adds(b, "*6\r\n$4\r\nHSET\r\n");
		resp_arg(b, hkey, (size_t)kn);
		own_args(b, &o);
	}
	tq_buf_free(&head);
	return 2 * (int)n;
}

/*
 * The queue's side of tq_queue_push() once the hashes are there: one
 * MULTI with the pushes and the queue's registration.  Returns the
 * number of replies.
 */
int
tq_queue_format_push_open(struct tq_buf *b, enum tq_stage st,
    const struct tq_jobspec *jobs, size_t n, int front)
{
	static const char *const multi[] = { "MULTI" };

	resp(b, 1, multi);
	return 1 + pushes(b, st, jobs, n, front);
}

int
tq_queue_format_push(struct tq_buf *b, enum tq_stage st,
    const struct tq_jobspec *jobs, size_t n, int front)
{
	static const char *const exec[] = { "EXEC" };
	int cmds;

	cmds = tq_queue_format_push_open(b, st, jobs, n, front) + 1;
	resp(b, 1, exec);
	return cmds;
}
