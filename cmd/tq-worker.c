/*
 * tq-worker - process the parsing, ai and notion queues.
 *
 * A supervisor starts N worker processes and restarts one that dies.
 * Each worker keeps up to -c jobs of each queue in flight: it takes
 * job ids atomically from the queues into its own list
 * tq:active:<name> (and RQ's started registry), several per Redis
 * call, claims each item in PostgreSQL, and runs each job as a
 * coroutine of its event loop (common/co.c): page fetches, LLM and
 * Notion calls wait together on one curl multi, and extraction and
 * the builtin AI run in the worker's reused job processes
 * (common/jobproc.c).  The worker enforces each queue's hard timeout
 * (the transfer aborted, or the job process killed: SIGTERM, then
 * SIGKILL), records each outcome in PostgreSQL and only then
 * acknowledges the job in Redis.
 *
 * Invariants: a job id is always in a queue, a scheduled set, or a
 * worker's active list; a worker killed at any instant leaves its jobs
 * where the maintenance pass finds them.  PostgreSQL is the truth: an
 * item is claimed, finished and retried there, idempotently.
 *
 * Signals: SIGTERM, SIGINT or SIGHUP asks for a warm shutdown (finish the
 * running jobs, take no more, exit 0); a second one, or SIGQUIT, is a
 * cold shutdown (stop the children, put their jobs back, exit).
 *
 * About 1,050 lines, on purpose: the flags, the jobs in flight of one
 * worker process (taking, starting and stopping them, the event loop)
 * and the supervisor above them share the worker's state; what a job
 * does lives in common/ (lifecycle.c, jobproc.c, stage.c, co.c).
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <hiredis.h>

#include "tq.h"

#define HEARTBEAT	5.0
#define PROMOTE		0.5

extern char **environ;

static int stages[TQ_NSTAGES], nstages;
static int nworkers = 1;
static int burst;
static const char *basename_opt;

static volatile sig_atomic_t nsignals;
static volatile sig_atomic_t got_chld;

static pid_t sup_pid;		/* a worker's parent, as it forked it */

/* one worker process */
static struct {
	char			 name[200];
	struct tq_worker_info	 info;
	redisContext		*rc;
	redisContext		*sub;
	PGconn			*db;
	double			 last_hb;
	double			 last_hb_ok;	/* the last that Redis took */
	double			 last_fence;
	double			 last_promote;
	double			 last_maint;
	double			 last_stall;	/* when its last stall ended */
	double			 last_retention;
	int			 expire_more;	/* retention not done */
	double			 last_susp;
	double			 last_reconnect;
	double			 take_after;	/* no take before */
	double			 take_backoff;
	int			 reconnect_fails;	/* in a row */
	double			 last_follow;	/* asked the sentinels */
	double			 last_open;	/* burst: PostgreSQL asked */
	int			 stop_warm;
	int			 suspended;
	int			 jobs;
	cpu_set_t		 all_cpus;	/* for the job processes */
	int			 all_cpus_ok;
} w;

static struct option longopts[] = {
	{ "burst", no_argument, NULL, 'b' },
	{ "concurrency", required_argument, NULL, 'c' },
	{ "job-processes", required_argument, NULL, 'J' },
	{ "log-json", no_argument, NULL, 'L' },
	{ "json-log", no_argument, NULL, 'L' },	/* its first name */
	{ "log-level", required_argument, NULL, 'l' },
	{ "workers", required_argument, NULL, 'n' },
	{ "name", required_argument, NULL, 'N' },
	{ "pause", required_argument, NULL, 'P' },
	{ "queue", required_argument, NULL, 'Q' },
	{ "reconcile", no_argument, NULL, 'R' },
	{ "resume", required_argument, NULL, 'U' },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-worker [-bhLRvV] [-c queue=jobs] ... "
	    "[-d database-url] [-J processes]\n"
	    "                 [-l level] [-N name] [-n workers] "
	    "[-Q queue] ... [-r redis-url]\n"
	    "                 [-t queue=seconds] ... [queue ...]\n"
	    "       tq-worker -P queue ... | -U queue ... [-r redis-url]\n");
	exit(status);
}

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGQUIT)
		nsignals += 2;		/* a cold shutdown at once */
	else
		nsignals++;
}

static void
set_signals(int worker)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* set, not inherited: sh has a command run with & ignore it */
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if (!worker)
		sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
title(const char *state, const char *job, enum tq_stage st)
{
	char qs[128] = "";
	int i;

	for (i = 0; i < nstages; i++) {
		if (i)
			strlcat(qs, ",", sizeof(qs));
		strlcat(qs, tq_stage_queue(stages[i]), sizeof(qs));
	}
	if (job != NULL)
		setproctitle("%s %s %s job %s", w.name, state,
		    tq_stage_queue(st), job);
	else
		setproctitle("%s %s %s (%d done)", w.name, state, qs, w.jobs);
}

static void
disconnect(void)
{
	if (w.rc)
		redisFree(w.rc);
	if (w.sub)
		redisFree(w.sub);
	if (w.db)
		PQfinish(w.db);
	w.rc = w.sub = NULL;
	w.db = NULL;
}

/*
 * Between jobs nothing runs under our name: an item still running
 * under it was ours when a backend went away.  Make it pending before
 * its job goes back, so that the next claim is not refused as busy.
 */
static int
release_own(struct tq_err *e)
{
	return tq_claim_release_worker(w.db, e, w.name);
}

/*
 * A Redis that evicts any key when full (allkeys-*) may evict queued
 * jobs and queues: said once as the worker starts, as Sidekiq does,
 * and by tq-health each time
 */
static void
evict_warn(void)
{
	char pol[64];

	if (w.rc != NULL && tq_redis_policy(w.rc, pol, sizeof(pol), NULL) == 1)
		tq_log(TQ_LOG_WARN, "redis_eviction", json_pack("{s:s,s:s,"
		    "s:s}", "worker", w.name, "policy", pol, "error",
		    "redis evicts queued jobs when full: set "
		    "maxmemory-policy noeviction"));
}

/*
 * (Re)connect everything, with no job in flight; log and back off
 * while a backend is down.  An item still running under our name and
 * a job still in our list were left by a lost backend: give them back.
 */
static int
connect_all(void)
{
	struct tq_err e = { 0 };
	double backoff = 0.5;

	while (nsignals == 0) {
		disconnect();
		if ((w.rc = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
		    (w.sub = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
		    (w.db = tq_db_connect(&e)) != NULL &&
		    release_own(&e) == 0 &&
		    tq_worker_register(w.rc, &e, &w.info) == 0 &&
		    tq_queue_return_held(w.rc, &e, w.name, NULL, 0, NULL) ==
		    0 &&
		    tq_worker_subscribe(w.sub, &e, w.name) == 0) {
			w.take_after = -1e9;	/* back: take at once */
			return 0;
		}
		tq_log(TQ_LOG_ERROR, "backend", json_pack("{s:s,s:s,s:f}",
		    "worker", w.name, "error", e.msg, "retry_in", backoff));
		title("waiting for backends", NULL, 0);
		usleep((useconds_t)(backoff * 1e6));
		if (backoff < 10)
			backoff *= 2;
	}
	return -1;
}

/* ------------------------------------------------------ jobs in flight */

static struct tq_job *jobs;
static int njobs, inflight[TQ_NSTAGES];

static int
cold(void)
{
	return nsignals >= 2;
}

static int acks;
static const struct tq_runner runner = { w.name, &w.rc, &w.db, cold,
    &w.jobs, &acks };

/*
 * The jobs in our tq:active list that are not in flight here go back
 * to their queues.  A take whose answer was lost (Redis stalled past
 * the timeout, the connection broke) had moved its jobs there: Redis
 * ran it, this worker never knew, and no one else gives back the jobs
 * of a worker that lives.  An ack that was lost leaves a job there too:
 * its claim then finds the item closed and drops it.
 */
static int
return_unknown(struct tq_err *e)
{
	const char **ids = xcalloc((size_t)njobs + 1, sizeof(*ids));
	struct tq_job *j;
	int n = 0, back = 0, ret;

	for (j = jobs; j != NULL; j = j->next)
		ids[n++] = j->id;
	ret = tq_queue_return_held(w.rc, e, w.name, ids, n, &back);
	free(ids);
	if (ret == 0 && back > 0)
		tq_log(TQ_LOG_WARN, "returned", json_pack("{s:s,s:i,s:s}",
		    "worker", w.name, "jobs", back, "why", "held in Redis, "
		    "not in flight here (an answer from Redis was lost)"));
	return ret;
}

/*
 * With jobs in flight: connect again only what is broken, once; the
 * jobs go on meanwhile, and the loop calls again a second later.  A
 * failure is logged at the 1st, 2nd, 4th, 8th... attempt in a row,
 * with their number: a Redis away for the minute of a job's timeout
 * said so 60 times.
 */
static void
reconnect_broken(void)
{
	struct tq_err e = { 0 };

	if (w.rc == NULL || w.rc->err) {
		if (w.rc != NULL)
			redisFree(w.rc);
		if ((w.rc = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
		    (tq_worker_register(w.rc, &e, &w.info) == -1 ||
		    return_unknown(&e) == -1)) {
			redisFree(w.rc);
			w.rc = NULL;
		}
	}
	if (w.rc != NULL && (w.sub == NULL || w.sub->err)) {
		if (w.sub != NULL)
			redisFree(w.sub);
		if ((w.sub = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
		    tq_worker_subscribe(w.sub, &e, w.name) == -1) {
			redisFree(w.sub);
			w.sub = NULL;
		}
	}
	if (w.db == NULL || PQstatus(w.db) != CONNECTION_OK) {
		if (w.db != NULL)
			PQfinish(w.db);
		w.db = tq_db_connect(&e);
	}
	if (e.msg[0] == '\0') {
		w.reconnect_fails = 0;
		return;
	}
	w.reconnect_fails++;
	if ((w.reconnect_fails & (w.reconnect_fails - 1)) == 0)
		tq_log(TQ_LOG_ERROR, "backend", json_pack("{s:s,s:s,s:i,s:i}",
		    "worker", w.name, "error", e.msg, "jobs_in_flight", njobs,
		    "attempts", w.reconnect_fails));
}

static void
heartbeat(void)
{
	struct tq_err e = { 0 };
	struct tq_job *j, *old = NULL;
	const char **others;
	int *ost, n = 0;

	if (w.rc == NULL || w.rc->err)
		return;
	/* Redis may have lost our registration (FLUSHALL, restart) */
	if (tq_mono() - w.last_hb >= HEARTBEAT) {
		if (tq_worker_registered(w.rc, w.name) == 0)
			tq_worker_register(w.rc, &e, &w.info);
	}
	for (j = jobs; j != NULL; j = j->next)
		if (old == NULL || j->started < old->started)
			old = j;
	others = xcalloc((size_t)njobs + 1, sizeof(*others));
	ost = xcalloc((size_t)njobs + 1, sizeof(*ost));
	for (j = jobs; j != NULL; j = j->next)
		if (j != old) {
			others[n] = j->id;
			ost[n++] = j->st;
		}
	if (tq_worker_heartbeat(w.rc, &e, &w.info, old ? "busy" :
	    w.suspended ? "suspended" : "idle", old ? old->id : NULL,
	    old ? old->started : 0, others, ost, n) == -1)
		tq_log(TQ_LOG_WARN, "heartbeat", json_pack("{s:s,s:s}",
		    "worker", w.name, "error", e.msg));
	else
		w.last_hb_ok = tq_mono();
	free(others);
	free(ost);
	w.last_hb = tq_mono();
}

/*
 * Through Redis Sentinel: once a failover has named another master,
 * connect again to it, rather than write on, to the master of old,
 * what its turn to a replica would throw away.
 */
static void
follow_master(void)
{
	w.last_follow = tq_mono();
	if (!tq_redis_moved(w.rc, tq_cfg.redis_url))
		return;
	tq_log(TQ_LOG_WARN, "redis_failover", json_pack("{s:s,s:s}",
	    "worker", w.name, "error", w.rc->errstr));
	if (w.sub != NULL)
		redisFree(w.sub);
	w.sub = NULL;
}

static void
stop_job(struct tq_job *j, enum tq_job_end why)
{
	if (j->done || j->forced != TQ_END_OK)
		return;
	j->forced = why;
	tq_co_abort(j->co);
}

/*
 * A worker that did not run for gap seconds (stopped by SIGSTOP, its
 * machine suspended, its VM paused) or could not heartbeat that long
 * (Redis out of its reach) may have been counted dead by the
 * maintenance of another worker, which then gave its jobs back to
 * their queues, counting a crash: they may be running elsewhere.
 * Once it runs again, before any of its jobs goes on, it asks
 * PostgreSQL which of their items still run under its name, and ends
 * the others without writing anything (TQ_END_TAKEN): a job lost is
 * not run on, and its outcome never overwrites that of the worker that
 * has it now.  A cancelled item is left to the stop its cancel sends;
 * without PostgreSQL nothing is dropped.
 */
static void
fence(double gap)
{
	struct tq_err e = { 0 };
	struct tq_buf ids = { 0 };
	struct tq_job *j;
	const char *p[2];
	PGresult *r;
	int i, mine, n = 0;

	/* the callers saw the gap: a late wake, an old heartbeat */
	if (njobs == 0 || w.db == NULL || PQstatus(w.db) != CONNECTION_OK)
		return;
	w.last_fence = tq_mono();
	for (j = jobs; j != NULL; j = j->next) {
		tq_buf_adds(&ids, j->id);
		tq_buf_add(&ids, "\n", 1);
	}
	p[0] = ids.data;
	p[1] = w.name;
	r = tq_db_exec(w.db, &e, "SELECT job_id, status = 'cancelled' OR "
	    "(status = 'running' AND worker_id = $2) FROM task_items WHERE "
	    "status IN ('pending', 'running', 'completed', 'failed', "
	    "'cancelled') AND job_id = ANY (string_to_array($1, E'\\n'))",
	    2, p);
	tq_buf_free(&ids);
	if (r == NULL) {
		tq_log(TQ_LOG_WARN, "fence", json_pack("{s:s,s:s}", "worker",
		    w.name, "error", e.msg));
		return;
	}
	for (j = jobs; j != NULL; j = j->next) {
		for (i = 0, mine = 0; i < PQntuples(r) && !mine; i++)
			mine = strcmp(PQgetvalue(r, i, 0), j->id) == 0 &&
			    PQgetvalue(r, i, 1)[0] == 't';
		if (mine || j->forced != TQ_END_OK)
			continue;
		if (j->done)
			j->forced = TQ_END_TAKEN;	/* its outcome waits */
		else
			stop_job(j, TQ_END_TAKEN);
		n++;
	}
	PQclear(r);
	if (n > 0)
		tq_log(TQ_LOG_WARN, "fence", json_pack("{s:s,s:f,s:i,s:i}",
		    "worker", w.name, "gap", (double)(long)(gap * 10) / 10,
		    "jobs", njobs, "taken", n));
}

/* Read pubsub messages without blocking; act on commands for us. */
static int
pubsub(void)
{
	struct pollfd pfd;
	struct tq_job *j;
	void *v;

	if (w.sub == NULL)
		return 0;
	pfd.fd = w.sub->fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if (redisBufferRead(w.sub) != REDIS_OK)
		return -1;
	for (;;) {
		redisReply *r;
		json_t *o;
		const char *cmd, *id;

		v = NULL;
		if (redisGetReplyFromReader(w.sub, &v) != REDIS_OK)
			return -1;
		if (v == NULL)
			break;
		r = v;
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
		    r->element[2]->type == REDIS_REPLY_STRING &&
		    (o = json_loads(r->element[2]->str, 0, NULL)) != NULL) {
			cmd = json_string_value(json_object_get(o, "command"));
			id = json_string_value(json_object_get(o, "job_id"));
			if (cmd && strcmp(cmd, "shutdown") == 0)
				w.stop_warm = 1;
			else if (cmd && strcmp(cmd, "kill-horse") == 0)
				for (j = jobs; j != NULL; j = j->next)
					stop_job(j, TQ_END_STOPPED);
			else if (cmd && strcmp(cmd, "stop-job") == 0 && id)
				for (j = jobs; j != NULL; j = j->next)
					if (strcmp(j->id, id) == 0)
						stop_job(j, TQ_END_STOPPED);
			json_decref(o);
		}
		freeReplyObject(r);
	}
	return 0;
}

static void
title_count(void)
{
	char qs[128] = "";
	int i;

	for (i = 0; i < nstages; i++) {
		char one[64];

		if (inflight[stages[i]] == 0)
			continue;
		snprintf(one, sizeof(one), "%s%s %d", qs[0] ? ", " : "",
		    tq_stage_queue(stages[i]), inflight[stages[i]]);
		strlcat(qs, one, sizeof(qs));
	}
	if (njobs > 0)
		setproctitle("%s busy %d job%s (%s; %d done)", w.name, njobs,
		    njobs == 1 ? "" : "s", qs, w.jobs);
	else
		title(w.suspended ? "suspended" : "idle", NULL, 0);
}

/* Record and free every job whose coroutine has ended. */
static void
reap_jobs(void)
{
	struct tq_job **jp, *j, **fin;
	int n = 0, k = 0;

	/* the results of the jobs that ended together: one transaction */
	for (j = jobs; j != NULL; j = j->next)
		if (j->done && !j->later && j->forced == TQ_END_OK &&
		    j->result != NULL)
			k++;
	if (k >= 2) {
		fin = xcalloc((size_t)k, sizeof(*fin));
		k = 0;
		for (j = jobs; j != NULL; j = j->next)
			if (j->done && !j->later && j->forced == TQ_END_OK &&
			    j->result != NULL)
				fin[k++] = j;
		tq_job_store_many(&runner, fin, k);
		free(fin);
	}
	for (jp = &jobs; (j = *jp) != NULL;) {
		if (!j->done || (j->later && tq_mono() < j->retry_at &&
		    nsignals < 2) || tq_job_end(&runner, j) == 0) {
			jp = &j->next;
			continue;
		}
		*jp = j->next;
		njobs--;
		inflight[j->st]--;
		json_decref(j->result);
		json_decref(j->stored);
		json_decref(j->detail);
		tq_claim_free(&j->claim);
		free(j);
		n++;
	}
	tq_job_acks(&runner);	/* one write for the acks of them all */
	/* idle now, for rq info (while jobs remain, it stays busy) */
	if (n > 0 && njobs == 0)
		heartbeat();
}

/*
 * A turn of the loop of TQ_STALL seconds or more is a stall: this
 * worker did not run (a call to a backend that hung, SIGSTOP), and
 * neither could its jobs.  Called at the top of each turn and before
 * the deadlines, so that a stall anywhere in a turn is seen before
 * the next deadline or maintenance pass.
 */
static void
stalls(void)
{
	static double last;
	struct tq_job *j;
	double now = tq_mono(), gap = last > 0 ? now - last : 0;

	last = now;
	if (gap <= TQ_STALL)
		return;
	w.last_stall = now;
	for (j = jobs; j != NULL; j = j->next)
		j->stalled += gap;
}

/*
 * Past its queue's hard timeout a job is aborted, its process killed.
 * A stall is not counted: a PostgreSQL that stops answering for a
 * minute must not fail every job in flight.
 */
static void
deadlines(void)
{
	struct tq_job *j;
	double now = tq_mono();

	stalls();
	for (j = jobs; j != NULL; j = j->next)
		if (now - j->t0 - j->stalled > tq_cfg.timeout[j->st])
			stop_job(j, TQ_END_TIMEOUT);
}

static void
maintenance(void)
{
	struct tq_err e = { 0 };
	struct tq_maint_stats ms;
	double now = tq_mono();
	int i, got, retention;

	if (now - w.last_promote >= PROMOTE) {
		for (i = 0; i < nstages; i++)
			tq_queue_promote(w.rc, &e, stages[i], NULL);
		w.last_promote = now;
	}
	if (now - w.last_maint < tq_cfg.maint_interval)
		return;
	/*
	 * Just after a stall of this worker (a backend that hung), the
	 * workers that stalled with it have not heartbeat yet: none is
	 * counted dead until they have had two heartbeats' time.
	 */
	if (now - w.last_stall < 2 * HEARTBEAT ||
	    now - tq_loop_stall_end() < 2 * HEARTBEAT)
		return;
	w.last_maint = now;
	got = tq_lock(w.rc, &e, "tq:lock:maintenance", w.name, 60);
	if (got != 1)
		return;
	memset(&ms, 0, sizeof(ms));
	/* once an hour, and at every pass while a batch was full */
	retention = w.expire_more || now - w.last_retention > 3600;
	if (retention && !w.expire_more)
		w.last_retention = now;
	w.expire_more = 0;
	if (tq_maint_run(w.db, w.rc, w.name, retention ? TQ_MAINT_BATCH : 0,
	    &ms, &e) == -1)
		tq_log(TQ_LOG_WARN, "maintenance", json_pack("{s:s,s:s}",
		    "worker", w.name, "error", e.msg));
	else
		w.expire_more = ms.expire_more;
	tq_unlock(w.rc, "tq:lock:maintenance", w.name);
	if (ms.dead_jobs || ms.crashed || ms.requeued || ms.dropped ||
	    ms.expired_tasks)
		tq_log(TQ_LOG_INFO, "maintenance", json_pack(
		    "{s:s,s:i,s:i,s:i,s:i,s:i}", "worker", w.name,
		    "dead_worker_jobs", ms.dead_jobs, "crashed", ms.crashed,
		    "requeued", ms.requeued, "dropped", ms.dropped,
		    "expired_tasks", ms.expired_tasks));
}

/* Burst mode: is there nothing left, queued or waiting to retry? */
static int
all_empty(void)
{
	int i, empty = 1;

	for (i = 0; i < nstages && empty; i++)
		if (tq_queue_waiting(w.rc, stages[i]) != 0)
			empty = 0;
	return empty;
}

/*
 * Burst mode, once the queues are empty: has PostgreSQL, the truth, no
 * open item of a queue we serve that is not paused either?  A Redis
 * restarted empty, or flushed, has lost the jobs of pending items,
 * which the maintenance pass queues again once TQ_RECONCILE_GRACE has
 * passed: a burst worker that left at once left them pending, and
 * tq-wait waiting, until another worker came.  Asked once a second;
 * no answer counts as open.
 */
static int
none_open(void)
{
	struct tq_err e = { 0 };
	struct tq_buf q = { 0 };
	const char *p[1];
	PGresult *r;
	int i, open;

	if (tq_mono() - w.last_open < 1)
		return 0;
	w.last_open = tq_mono();
	tq_buf_adds(&q, "{");
	for (i = 0; i < nstages; i++)
		if (tq_queue_paused(w.rc, stages[i]) == 0)
			tq_buf_addf(&q, "%s%s", q.len > 1 ? "," : "",
			    tq_stage_queue(stages[i]));
	tq_buf_adds(&q, "}");
	if (q.len <= 2) {
		tq_buf_free(&q);
		return 1;
	}
	p[0] = q.data;
	r = tq_db_exec(w.db, &e, "SELECT 1 FROM task_items_all i JOIN "
	    "processing_tasks t ON t.id = i.task_id WHERE i.status IN "
	    "('pending', 'running') AND t.queue_name = ANY($1::text[]) LIMIT 1",
	    1, p);
	tq_buf_free(&q);
	if (r == NULL)
		return 0;
	open = PQntuples(r) > 0;
	PQclear(r);
	return !open;
}

/*
 * Take what the free slots allow, several jobs per call.  When there is
 * nothing and nothing is in flight, wait on the queue as a blocking
 * worker does; with jobs in flight, only look.
 */
static int
take(void)
{
	struct tq_err e = { 0 };
	char ids[256][128];
	enum tq_stage st[256];
	int want[TQ_NSTAGES], i, n, total = 0, got;
	double wait;

	for (i = 0; i < nstages; i++) {
		want[i] = tq_cfg.concurrency[stages[i]] - inflight[stages[i]];
		/*
		 * A job waiting for its site's turn holds no slot, up to
		 * the waiters a worker keeps; past them, jobs stay queued
		 * for the other workers.
		 */
		if (stages[i] == TQ_STAGE_PARSE) {
			int room = tq_cfg.concurrency[stages[i]] +
			    tq_site_max_waiting() - inflight[stages[i]];

			want[i] += tq_site_nwaiting();
			if (want[i] > room)
				want[i] = room;
		}
		if (want[i] < 0)
			want[i] = 0;
		if (total + want[i] > 256)
			want[i] = 256 - total;
		total += want[i];
	}
	if (total == 0)
		return 0;
	if ((wait = w.take_after - tq_mono()) > 0) {
		/* idle, the loop does not wait: as the take would have */
		if (njobs == 0)
			usleep((useconds_t)((wait < 0.25 ? wait : 0.25) * 1e6));
		return 0;
	}
	n = tq_queue_take_many(w.rc, &e, w.name, stages, want, nstages, ids,
	    st, 256);
	if (n == 0 && njobs == 0 && !burst && !tq_notify_busy()) {
		/* nothing to do: wait on the queue for one job, as RQ does */
		got = tq_queue_take(w.rc, &e, w.name, stages, nstages,
		    nstages > 1 ? 0.25 : 1.0, ids[0], sizeof(ids[0]), &st[0]);
		n = got;
	}
	/*
	 * A take that fails (a full Redis refuses it: OOM) is tried again
	 * later each time, 0.5 s, then twice as long up to 16 s, each said
	 * once, as connect_all() does: with jobs in flight the loop came
	 * back to it 20 times a second, and said so each time.
	 */
	if (n == -1) {
		if (w.take_backoff < 0.5)
			w.take_backoff = 0.5;
		tq_log(TQ_LOG_ERROR, "take", json_pack("{s:s,s:s,s:f}",
		    "worker", w.name, "error", e.msg, "retry_in",
		    w.take_backoff));
		w.take_after = tq_mono() + w.take_backoff;
		if (w.take_backoff < 10)
			w.take_backoff *= 2;
		return -1;
	}
	w.take_backoff = 0;
	if (n > 0) {
		struct tq_job **started = xcalloc((size_t)n, sizeof(*started));
		int k = tq_job_start(&runner, ids, st, n, started);

		tq_job_acks(&runner);

		for (i = 0; i < k; i++) {
			started[i]->next = jobs;
			jobs = started[i];
			njobs++;
			inflight[started[i]->st]++;
		}
		free(started);
	}
	return n;
}

static void
job_proc_init(void)
{
	/* a job process runs on any allowed CPU, not on its worker's */
	if (w.all_cpus_ok)
		sched_setaffinity(0, sizeof(w.all_cpus), &w.all_cpus);
}

static int
worker_main(void)
{
	struct tq_err e = { 0 };
	struct pollfd pfd;
	struct tq_job *j;
	/*
	 * for the tests: TQ_TEST_STOP=file stops this worker (SIGSTOP)
	 * between two steps of its loop, while it has a job, once each
	 * time the file is made
	 */
	const char *test_stop = getenv("TQ_TEST_STOP");
	int got, rc = 0, cold = 0, ncpu;

	setpgid(0, 0);
	/*
	 * TQ_TEST_SPAWN_PAUSE=s (tests only): the instant between the fork
	 * and the death signal, made s seconds long
	 */
	if (getenv("TQ_TEST_SPAWN_PAUSE") != NULL)
		tq_sleep(atof(getenv("TQ_TEST_SPAWN_PAUSE")));
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* a supervisor that died before the signal was asked sends none */
	if (getppid() != sup_pid)
		return 0;
	set_signals(1);
	snprintf(w.name, sizeof(w.name), "%s.%d", basename_opt, (int)getpid());
	w.info.name = w.name;
	w.info.stages = stages;
	w.info.nstages = nstages;
	w.info.birth = tq_now();
	/* due at once: the intervals count on a clock of no fixed start */
	w.last_promote = w.last_maint = w.last_retention = w.last_susp =
	    w.last_reconnect = w.last_fence = w.last_open = w.take_after =
	    -1e9;
	ncpu = w.all_cpus_ok ? CPU_COUNT(&w.all_cpus) : 1;
	tq_jp_config(tq_job_ops, tq_cfg.job_procs > 0 ? tq_cfg.job_procs : ncpu,
	    tq_cfg.job_proc_jobs, tq_cfg.job_proc_rss, w.name, job_proc_init);
	if (tq_loop_init() == -1)
		errx(TQ_EXIT_BACKEND, "cannot start libcurl's multi interface");
	tq_loop_on_wake(fence, tq_cfg.dead_after / 2.0);
	title("starting", NULL, 0);
	if (connect_all() == -1)
		return 0;
	tq_log(TQ_LOG_INFO, "start", json_pack("{s:s,s:i}", "worker", w.name,
	    "pid", (int)getpid()));
	evict_warn();
	heartbeat();
	title("idle", NULL, 0);

	for (;;) {
		int stopping = nsignals > 0 || w.stop_warm;

		stalls();

		if (nsignals >= 2 && !cold) {
			for (j = jobs; j != NULL; j = j->next)
				stop_job(j, TQ_END_COLD);
			cold = 1;
		}
		if (stopping && njobs == 0)
			break;
		if (w.rc == NULL || w.rc->err || w.sub == NULL ||
		    w.sub->err || w.db == NULL ||
		    PQstatus(w.db) != CONNECTION_OK) {
			if (njobs == 0) {
				if (connect_all() == -1)
					break;
			} else if (tq_mono() - w.last_reconnect > 1) {
				w.last_reconnect = tq_mono();
				reconnect_broken();
			}
		}
		if (pubsub() == -1) {
			redisFree(w.sub);
			w.sub = NULL;
		}
		/*
		 * The take script itself refuses while RQ's suspend is
		 * set; this look, twice a second, is for the state shown.
		 */
		if (w.rc != NULL && !w.rc->err &&
		    tq_mono() - w.last_susp >= PROMOTE) {
			int s = tq_queue_suspended(w.rc);

			w.last_susp = tq_mono();
			if (s && !w.suspended)
				tq_log(TQ_LOG_INFO, "suspended", json_pack(
				    "{s:s}", "worker", w.name));
			else if (!s && w.suspended)
				tq_log(TQ_LOG_INFO, "resumed", json_pack(
				    "{s:s}", "worker", w.name));
			if (s != w.suspended) {
				w.suspended = s;
				heartbeat();
			}
		}
		/* not run, or no heartbeat taken, for a long time */
		if (njobs > 0 && tq_mono() - w.last_hb_ok > tq_cfg.dead_after /
		    2.0 && tq_mono() - w.last_fence > HEARTBEAT)
			fence(tq_mono() - w.last_hb_ok);
		if (w.rc != NULL && !w.rc->err &&
		    tq_mono() - w.last_follow >= HEARTBEAT)
			follow_master();
		if (w.rc != NULL && !w.rc->err) {
			if (tq_mono() - w.last_hb >= HEARTBEAT)
				heartbeat();
			if (w.db != NULL && PQstatus(w.db) == CONNECTION_OK)
				maintenance();
		}
		tq_notify_tick(w.db, w.name);
		got = 0;
		if (!stopping && !w.suspended && w.rc != NULL && !w.rc->err &&
		    w.db != NULL && PQstatus(w.db) == CONNECTION_OK) {
			got = take();
			if (got == -1) {
				if (njobs == 0) {
					disconnect();
					sleep(1);
				}
				got = 0;
			}
		}
		if (w.suspended && njobs == 0)
			usleep(200000);
		tq_jp_tend();
		deadlines();
		if (test_stop != NULL && njobs > 0 && unlink(test_stop) == 0)
			raise(SIGSTOP);
		pfd.fd = w.sub != NULL ? w.sub->fd : -1;
		pfd.events = POLLIN;
		tq_loop_step((njobs == 0 && !tq_notify_busy()) || got > 0 ?
		    0 : 0.05, &pfd,
		    pfd.fd >= 0 ? 1 : 0);
		reap_jobs();
		title_count();
		if (burst && njobs == 0 && got == 0 && !stopping &&
		    w.rc != NULL && !w.rc->err && w.db != NULL &&
		    PQstatus(w.db) == CONNECTION_OK && all_empty() &&
		    none_open())
			break;
		if (burst && njobs == 0 && got == 0)
			usleep(100000);
	}
	/*
	 * A burst worker sends the notifications due now (of the tasks it
	 * ended, most likely), for no worker may come after it; then the
	 * webhooks in flight end, or their claims run out
	 */
	if (burst)
		tq_notify_flush(w.db, w.name);
	for (got = 0; tq_notify_busy() && got < 200; got++) {
		tq_loop_step(0.05, NULL, 0);
		tq_notify_tick(w.db, w.name);
	}
	tq_jp_shutdown();
	title("stopping", NULL, 0);
	if (w.rc != NULL && !w.rc->err) {
		if (tq_worker_unregister(w.rc, &e, &w.info) == -1)
			rc = 1;
		tq_log(TQ_LOG_INFO, "stop", json_pack("{s:s,s:i,s:s}",
		    "worker", w.name, "jobs", w.jobs, "shutdown",
		    nsignals >= 2 ? "cold" : "warm"));
	}
	disconnect();
	return rc;
}

/* ---------------------------------------------------------- supervisor */

/*
 * A worker that dies soon after it started (a crash as it starts, no
 * process to be had) is started again later each time: 1 s, then
 * twice as long up to RESPAWN_MAX; one that lived RESPAWN_OK seconds
 * or more, after 1 s.  A fork that fails is tried again the same way.
 */
#define RESPAWN_OK	10.0
#define RESPAWN_MAX	30.0

static struct kid {
	pid_t	 pid;		/* 0: none runs in this slot */
	double	 born;
	double	 delay;		/* the last wait before a start */
	double	 due;		/* when to start one (0: never) */
} *kids;
static sigset_t oldmask;

/*
 * Worker i runs on the i-th allowed CPU (round robin), and so do its
 * jobs' processes: a job's process then starts on the core where its
 * worker sleeps waiting for it, not on an idle one that must first
 * wake up, which cuts the cost of a job by half on small machines.
 * TQ_CPU_PIN=0 leaves placement to the kernel.
 */
static void
pin_cpu(int i)
{
	cpu_set_t all, one;
	int c, n, k = 0;

	if (!tq_cfg.cpu_pin || sched_getaffinity(0, sizeof(all), &all) == -1)
		return;
	if ((n = CPU_COUNT(&all)) < 2)
		return;
	for (c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		if (k++ == i % n) {
			CPU_ZERO(&one);
			CPU_SET(c, &one);
			sched_setaffinity(0, sizeof(one), &one);
			return;
		}
	}
}

static pid_t
spawn(int i)
{
	pid_t pid;

	sup_pid = getpid();
	pid = fork();

	if (pid == -1)
		return -1;
	if (pid == 0) {
		free(kids);
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		w.all_cpus_ok = sched_getaffinity(0, sizeof(w.all_cpus),
		    &w.all_cpus) == 0;
		pin_cpu(i);
		_exit(worker_main());
	}
	return pid;
}

static void
recover_dead(pid_t dead)
{
	struct tq_err e = { 0 };
	struct tq_maint_stats ms;
	redisContext *rc;
	PGconn *db;

	memset(&ms, 0, sizeof(ms));
	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		goto fail;
	if ((db = tq_db_connect(&e)) == NULL) {
		redisFree(rc);
		goto fail;
	}
	tq_site_forget(rc, (long)dead);	/* its sites' slots, at once */
	if (tq_maint_recover(db, rc, NULL, &ms, &e) == -1)
		tq_log(TQ_LOG_WARN, "recover", json_pack("{s:s}", "error",
		    e.msg));
	else if (ms.dead_jobs || ms.crashed)
		tq_log(TQ_LOG_INFO, "recover", json_pack("{s:i,s:i}",
		    "returned_jobs", ms.dead_jobs, "failed_jobs", ms.crashed));
	PQfinish(db);
	redisFree(rc);
	return;
fail:
	tq_log(TQ_LOG_WARN, "recover", json_pack("{s:s}", "error", e.msg));
}

/* A worker for slot i in a moment: later each time it dies young. */
static void
respawn_later(int i, double now)
{
	struct kid *k = &kids[i];

	if (k->delay == 0 || now - k->born >= RESPAWN_OK)
		k->delay = 1;
	else if ((k->delay *= 2) > RESPAWN_MAX)
		k->delay = RESPAWN_MAX;
	k->due = now + k->delay;
}

/* Start slot i's worker; said and tried again later if fork fails. */
static void
start_kid(int i)
{
	struct kid *k = &kids[i];
	double now = tq_mono();

	k->due = 0;
	if ((k->pid = spawn(i)) > 0) {
		k->born = now;
		return;
	}
	k->pid = 0;
	k->born = now;
	respawn_later(i, now);
	tq_log(TQ_LOG_ERROR, "fork", json_pack("{s:s,s:f}", "error",
	    strerror(errno), "restart_in", k->delay));
}

static int
supervisor(void)
{
	struct timespec ts;
	int i, alive, waiting, sent = 0, sig, status;
	double now, next;
	sigset_t mask;
	pid_t pid;

	set_signals(0);
	kids = xcalloc(nworkers, sizeof(*kids));
	setproctitle("supervisor of %d worker%s", nworkers,
	    nworkers == 1 ? "" : "s");
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	for (i = 0; i < nworkers; i++)
		start_kid(i);
	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < nworkers && kids[i].pid != pid; i++)
				;
			if (i == nworkers)
				continue;
			kids[i].pid = 0;
			if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
				respawn_later(i, tq_mono());
				/* none is started once a shutdown began */
				tq_log(TQ_LOG_ERROR, "worker died", json_pack(
				    "{s:i,s:s,s:o}", "pid", (int)pid, "how",
				    WIFSIGNALED(status) ?
				    sigabbrev_np(WTERMSIG(status)) : "exit",
				    "restart_in", nsignals == 0 ?
				    json_real(kids[i].delay) : json_null()));
				recover_dead(pid);
			}
		}
		now = tq_mono();
		next = 0;
		for (alive = waiting = 0, i = 0; i < nworkers; i++) {
			if (nsignals > 0)
				kids[i].due = 0;
			if (kids[i].pid == 0 && kids[i].due > 0 &&
			    kids[i].due <= now)
				start_kid(i);
			if (kids[i].pid > 0)
				alive++;
			else if (kids[i].due > 0) {
				waiting++;
				if (next == 0 || kids[i].due < next)
					next = kids[i].due;
			}
		}
		if (alive == 0 && waiting == 0)
			break;
		/*
		 * SIGTERM for a warm shutdown, SIGQUIT for a cold one: two
		 * SIGTERMs sent at once may reach a worker as one
		 */
		if (sent < nsignals && sent < 2) {
			sig = nsignals >= 2 ? SIGQUIT : SIGTERM;
			for (i = 0; i < nworkers; i++)
				if (kids[i].pid > 0)
					kill(kids[i].pid, sig);
			sent = sig == SIGQUIT ? 2 : 1;
		}
		/* a third signal (or SIGQUIT after one) has no more to pass */
		if (!got_chld && (sent == nsignals || sent == 2)) {
			if (waiting > 0) {
				next -= now;
				ts.tv_sec = (time_t)next;
				ts.tv_nsec = (long)((next - ts.tv_sec) * 1e9);
				ppoll(NULL, 0, &ts, &oldmask);
			} else
				sigsuspend(&oldmask);
		}
		got_chld = 0;
	}
	free(kids);
	return 0;
}

static int
reconcile_once(void)
{
	struct tq_err e = { 0 };
	struct tq_maint_stats ms;
	redisContext *rc;
	PGconn *db;
	int got;

	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	memset(&ms, 0, sizeof(ms));
	snprintf(w.name, sizeof(w.name), "%s.%d", basename_opt, (int)getpid());
	got = tq_lock(rc, &e, "tq:lock:maintenance", w.name, 120);
	if (got == 0)
		errx(TQ_EXIT_BACKEND, "maintenance is running in a worker: "
		    "try again in a minute");
	if (got == -1 || tq_maint_run(db, rc, w.name, TQ_MAINT_ALL, &ms,
	    &e) == -1) {
		tq_unlock(rc, "tq:lock:maintenance", w.name);
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	}
	tq_unlock(rc, "tq:lock:maintenance", w.name);
	printf("{\"dead_worker_jobs\":%d,\"crashed\":%d,\"requeued\":%d,"
	    "\"dropped\":%d,\"expired_tasks\":%d}\n", ms.dead_jobs,
	    ms.crashed, ms.requeued, ms.dropped, ms.expired_tasks);
	PQfinish(db);
	redisFree(rc);
	return 0;
}

/* -P and -U: pause or resume queues for every worker, then exit. */
static int
pause_queues(const char *verb, int pause)
{
	struct tq_err e = { 0 };
	redisContext *rc;
	int i;

	if ((rc = tq_redis_connect(tq_cfg.redis_url, &e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	for (i = 0; i < nstages; i++) {
		if (tq_queue_pause(rc, &e, stages[i], pause) == -1)
			errx(TQ_EXIT_BACKEND, "%s", e.msg);
		warnx("%s %s", tq_stage_queue(stages[i]), verb);
	}
	redisFree(rc);
	return 0;
}

static void
add_stage(const char *q)
{
	int s = tq_stage_from_name(q), i;

	if (s < 0)
		errx(TQ_EXIT_USAGE, "%s: unknown queue: use parsing-queue, "
		    "ai-queue or notion-queue", tq_vis_arg(q));
	for (i = 0; i < nstages; i++)
		if (stages[i] == s)
			return;
	stages[nstages++] = s;
}

static int
cmp_stage(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int
main(int argc, char *argv[])
{
	struct tq_err err = { 0 };
	char host[256];
	int ch, reconcile = 0, pausing = 0, working = 0, run_opt = 0, every;

	/*
	 * The environment holds the secrets (NOTION_TOKEN, the AI keys,
	 * passwords in the URLs), and so do the workers and their job
	 * processes, which inherit this: no core dump, no ptrace and no
	 * /proc/PID/environ for another process of the same user.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	setproctitle_init(argc, argv, environ);
	tq_config_init(NULL);
	/* a log no one reads holds up no worker, nor its heartbeats */
	tq_log_nowait = 1;
	while ((ch = tq_getopt(argc, argv, "bc:d:hJ:jLl:N:n:P:Q:q:Rr:t:U:Vv",
	    longopts, "dhrVv")) != -1) {
		/* -j and -q mean JSON output and quiet elsewhere */
		if (ch != 'j' && ch != 'q' &&
		    tq_opt_common(ch, optarg, NULL, NULL))
			continue;
		/* the options of a worker that runs, which -P and -U is not */
		if (strchr("bcJNnt", ch) != NULL)
			run_opt = ch;
		switch (ch) {
		case 'b':
			burst = 1;
			break;
		case 'c': {
			char *eq = strchr(optarg, '='), *q;
			const char *e = NULL;
			int s, c;

			if (eq == NULL)
				errx(TQ_EXIT_USAGE, "%s: use queue=jobs",
				    tq_vis_arg(optarg));
			q = xstrndup(optarg, eq - optarg);
			if ((s = tq_stage_from_name(q)) < 0)
				errx(TQ_EXIT_USAGE, "%s: unknown queue",
				    tq_vis_arg(q));
			c = (int)strtonum(eq + 1, 1, 10000, &e);
			if (e != NULL)
				errx(TQ_EXIT_USAGE, "jobs in flight %s: %s",
				    tq_vis_arg(eq + 1), e);
			tq_cfg.concurrency[s] = c;
			free(q);
			break;
		}
		case 'J': {
			const char *e = NULL;

			tq_cfg.job_procs = (int)strtonum(optarg, 1, 64, &e);
			if (e != NULL)
				errx(TQ_EXIT_USAGE, "job processes %s: %s",
				    tq_vis_arg(optarg), e);
			break;
		}
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			warnx("-j is deprecated: use -L (--log-json)");
			/* FALLTHROUGH */
		case 'L':
			tq_logjson = 1;
			break;
		case 'l':
			if ((tq_loglevel = tq_log_parse_level(optarg)) == -1)
				errx(TQ_EXIT_USAGE, "%s: log level must be "
				    "error, warn, info or debug",
				    tq_vis_arg(optarg));
			break;
		case 'N':
			if (strlen(optarg) > 120 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
			    strlen(optarg) || *optarg == '\0')
				errx(TQ_EXIT_USAGE, "%s: a name is letters, "
				    "digits, '-', '_' and '.'",
				    tq_vis_arg(optarg));
			basename_opt = optarg;
			break;
		case 'n': {
			const char *e = NULL;

			nworkers = (int)strtonum(optarg, 1, 256, &e);
			if (e != NULL)
				errx(TQ_EXIT_USAGE, "workers %s: %s",
				    tq_vis_arg(optarg), e);
			break;
		}
		case 'P':
		case 'U':
			if (pausing != 0 && pausing != ch)
				errx(TQ_EXIT_USAGE, "-P and -U do not go "
				    "together");
			pausing = ch;
			add_stage(optarg);
			break;
		case 'q':
			warnx("-q queue is deprecated: name the queues as "
			    "operands, or use -Q queue");
			/* FALLTHROUGH */
		case 'Q':
			working = 1;
			add_stage(optarg);
			break;
		case 'R':
			reconcile = 1;
			break;
		case 't': {
			char *eq = strchr(optarg, '='), *q;
			const char *e = NULL;
			int s, t;

			if (eq == NULL)
				errx(TQ_EXIT_USAGE, "%s: use queue=seconds",
				    tq_vis_arg(optarg));
			q = xstrndup(optarg, eq - optarg);
			if ((s = tq_stage_from_name(q)) < 0)
				errx(TQ_EXIT_USAGE, "%s: unknown queue",
				    tq_vis_arg(q));
			t = (int)strtonum(eq + 1, 1, 86400, &e);
			if (e != NULL)
				errx(TQ_EXIT_USAGE, "timeout %s: %s",
				    tq_vis_arg(eq + 1), e);
			tq_cfg.timeout[s] = t;
			free(q);
			break;
		}
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	/* the queues to work on, as rq worker takes them */
	if (pausing && (working || optind < argc))
		errx(TQ_EXIT_USAGE, "a queue to work on does not go with -P "
		    "or -U");
	if (pausing && reconcile)
		errx(TQ_EXIT_USAGE, "-R does not go with -P or -U");
	if (pausing && run_opt != 0)
		errx(TQ_EXIT_USAGE, "-%c does not go with -P or -U", run_opt);
	for (; optind < argc; optind++)
		add_stage(argv[optind]);
	if (tq_config_check(TQ_CFG_REDIS | TQ_CFG_DB) == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	if (pausing)
		return pause_queues(pausing == 'P' ? "paused" : "resumed",
		    pausing == 'P');
	if ((every = nstages == 0))
		for (ch = 0; ch < TQ_NSTAGES; ch++)
			stages[nstages++] = ch;
	qsort(stages, nstages, sizeof(stages[0]), cmp_stage);
	/* settings each notion job would refuse: refused once, here */
	for (ch = 0; ch < nstages; ch++)
		if (stages[ch] == TQ_STAGE_NOTION &&
		    tq_notion_settings(&err) == -1)
			errx(TQ_EXIT_USAGE, "%s", err.msg);
	/*
	 * Without a token every notion job would fail for good, though a
	 * worker that has one could run it: a worker told to serve
	 * notion-queue refuses to start, one that serves every queue by
	 * default leaves it to the others
	 */
	if (!reconcile && stages[nstages - 1] == TQ_STAGE_NOTION &&
	    tq_notion_token() == NULL) {
		if (!every)
			errx(TQ_EXIT_USAGE, "notion-queue: no token: set "
			    "NOTION_TOKEN in the worker's environment");
		nstages--;
		tq_log(TQ_LOG_WARN, "notion_token", json_pack("{s:s}",
		    "error", "no token: notion-queue is left to workers "
		    "with NOTION_TOKEN"));
	}
	if (basename_opt == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[strcspn(host, ". ")] = '\0';
		basename_opt = host;
	}
	if (reconcile)
		return reconcile_once();
	tq_http_init();		/* once, not in every job's process */
	return supervisor();
}
