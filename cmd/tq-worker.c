/*
 * tq-worker - process the parsing, ai and notion queues.
 *
 * A supervisor starts N worker processes and restarts one that dies.
 * Each worker takes a job by moving its id atomically from the queue
 * into its own list tq:active:<name> (and rq:wip:<q>), claims the item
 * in PostgreSQL, and runs the work in a forked child that opens its own
 * connections and reports one JSON line on a pipe.  The worker enforces
 * the queue's hard timeout (SIGTERM, then SIGKILL), records the outcome
 * in PostgreSQL and only then acknowledges the job in Redis.
 *
 * Invariants: a job id is always in a queue, a scheduled set, or a
 * worker's active list; a worker killed at any instant leaves its jobs
 * where the maintenance pass finds them.  PostgreSQL is the truth: an
 * item is claimed, finished and retried there, idempotently.
 *
 * Signals: SIGTERM or SIGINT asks for a warm shutdown (finish the
 * running jobs, take no more, exit 0); a second one is a cold shutdown
 * (stop the children, put their jobs back, exit).
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

#include "tq.h"

#define KILL_GRACE	2.0	/* seconds between SIGTERM and SIGKILL */
#define HEARTBEAT	5.0
#define PROMOTE		0.5

extern char **environ;

static int stages[TQ_NSTAGES], nstages;
static int nworkers = 1;
static int burst;
static const char *basename_opt;

static volatile sig_atomic_t nsignals;
static volatile sig_atomic_t got_chld;

/* one worker process */
static struct {
	char			 name[200];
	struct tq_worker_info	 info;
	redisContext		*rc;
	redisContext		*sub;
	PGconn			*db;
	double			 last_hb;
	double			 last_promote;
	double			 last_maint;
	double			 last_retention;
	int			 stop_warm;
	int			 jobs;
	pid_t			 unreaped;	/* a child that reported */
} w;

static struct option longopts[] = {
	{ "burst", no_argument, NULL, 'b' },
	{ "database-url", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "json-log", no_argument, NULL, 'j' },
	{ "log-level", required_argument, NULL, 'l' },
	{ "workers", required_argument, NULL, 'n' },
	{ "name", required_argument, NULL, 'N' },
	{ "pause", required_argument, NULL, 'P' },
	{ "queue", required_argument, NULL, 'q' },
	{ "redis-url", required_argument, NULL, 'r' },
	{ "reconcile", no_argument, NULL, 'R' },
	{ "resume", required_argument, NULL, 'U' },
	{ "timeout", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-worker [-bhjRvV] [-d database-url] [-l level] "
	    "[-N name] [-n workers]\n"
	    "                 [-q queue] ... [-r redis-url] "
	    "[-t queue=seconds] ...\n"
	    "       tq-worker -P queue ... | -U queue ... [-r redis-url]\n");
	exit(status);
}

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
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
	sigaction(SIGCHLD, &sa, NULL);
	if (!worker)
		sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static json_t *
fields(const char *job, long long task, long long item)
{
	json_t *o = json_object();

	json_object_set_new(o, "worker", json_string(w.name));
	if (job != NULL)
		json_object_set_new(o, "job", json_string(job));
	if (task > 0)
		json_object_set_new(o, "task", json_integer(task));
	if (item > 0)
		json_object_set_new(o, "item", json_integer(item));
	return o;
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
	const char *p[1] = { w.name };
	PGresult *r;

	r = tq_db_exec(w.db, e, "UPDATE task_items SET status = 'pending', "
	    "updated_at = now() WHERE worker_id = $1 AND status = 'running'",
	    1, p);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

/* (Re)connect everything; log and back off while a backend is down. */
static int
connect_all(void)
{
	struct tq_err e = { 0 };
	redisReply *r;
	double backoff = 0.5;

	while (nsignals == 0) {
		disconnect();
		if ((w.rc = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
		    (w.sub = tq_redis_connect(tq_cfg.redis_url, &e)) != NULL &&
		    (w.db = tq_db_connect(&e)) != NULL &&
		    release_own(&e) == 0 &&
		    tq_worker_register(w.rc, &e, &w.info) == 0 &&
		    tq_queue_return_held(w.rc, &e, w.name, NULL) == 0) {
			r = redisCommand(w.sub, "SUBSCRIBE rq:pubsub:%s",
			    w.name);
			if (r != NULL) {
				freeReplyObject(r);
				return 0;
			}
			tq_err_set(&e, TQ_ERR_TRANSIENT, "redis", "redis: %s",
			    w.sub->errstr);
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

static void
heartbeat(const char *state, const char *job, double started)
{
	struct tq_err e = { 0 };
	redisReply *r;

	/* Redis may have lost our registration (FLUSHALL, restart) */
	if (tq_now() - w.last_hb >= HEARTBEAT) {
		r = redisCommand(w.rc, "EXISTS rq:worker:%s", w.name);
		if (r != NULL && r->type == REDIS_REPLY_INTEGER &&
		    r->integer == 0)
			tq_worker_register(w.rc, &e, &w.info);
		freeReplyObject(r);
	}
	if (tq_worker_heartbeat(w.rc, &e, &w.info, state, job, started) == -1)
		tq_log(TQ_LOG_WARN, "heartbeat", json_pack("{s:s,s:s}",
		    "worker", w.name, "error", e.msg));
	w.last_hb = tq_now();
}

/* Read pubsub messages without blocking; act on commands for us. */
static int
pubsub(const char *job, int *stop_job)
{
	struct pollfd pfd;
	void *v;

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
			else if (cmd && strcmp(cmd, "kill-horse") == 0 && job)
				*stop_job = 1;
			else if (cmd && strcmp(cmd, "stop-job") == 0 && job &&
			    id && strcmp(id, job) == 0)
				*stop_job = 1;
			json_decref(o);
		}
		freeReplyObject(r);
	}
	return 0;
}

static double
retry_delay(int retry, double retry_after)
{
	double d;
	int n = tq_cfg.nretry_delays;

	d = tq_cfg.retry_delays[retry < n ? retry : n - 1];
	if (retry_after > d)
		d = retry_after;
	if (d > 0)	/* a little jitter, so retries do not stampede */
		d += d * 0.1 * (arc4random_uniform(1000) / 1000.0);
	return d;
}

/*
 * For the tests: TQ_TEST_CRASH=WORD makes a job whose input URL holds
 * WORD die by SIGSEGV, as a handler with a bug would; TQ_TEST_HANG=WORD
 * makes it hang, ignoring SIGTERM.
 */
static void
test_hooks(const struct tq_claim *claim)
{
	const char *crash = getenv("TQ_TEST_CRASH"), *url;
	const char *hang = getenv("TQ_TEST_HANG");

	url = json_string_value(json_object_get(claim->input, "url"));
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
 * Reap the child of the last job, which had reported and was exiting;
 * wait: block (killing it if it lingers), else only if it is done.
 */
static void
reap_done(int wait)
{
	int i;

	if (w.unreaped <= 0)
		return;
	for (i = 0; wait && i < 200; i++) {
		if (waitpid(w.unreaped, NULL, WNOHANG) != 0)
			break;
		usleep(5000);
	}
	if (wait && i == 200)
		kill(w.unreaped, SIGKILL);
	if (waitpid(w.unreaped, NULL, wait ? 0 : WNOHANG) != 0)
		w.unreaped = 0;
}

/* Runs in the child: do the work, write one JSON line, exit. */
static void __attribute__((noreturn))
child(int fd, struct tq_claim *claim)
{
	struct tq_err e = { 0 };
	struct sigaction sa;
	json_t *res, *msg;
	char *s, *d;
	size_t off, len;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(111);
	setproctitle("%s job %s %s", w.name, tq_stage_name(claim->stage),
	    claim->job);
	test_hooks(claim);

	res = tq_job_work(claim, &e);
	tq_claim_free(claim);	/* the parent's copy is its own */
	if (res != NULL)
		msg = json_pack("{s:b,s:o}", "ok", 1, "result", res);
	else
		msg = json_pack("{s:b,s:s,s:s,s:s,s:f,s:i}", "ok", 0,
		    "kind", tq_errkind_name(e.kind == TQ_ERR_NONE ?
		    TQ_ERR_PERMANENT : e.kind), "code", e.code,
		    "error", e.msg[0] ? e.msg : "unknown error",
		    "retry_after", e.retry_after, "http_status",
		    e.http_status);
	d = json_dumps(msg, JSON_COMPACT);
	s = xasprintf("%s\n", d);	/* the newline: report complete */
	free(d);
	len = strlen(s);
	for (off = 0; off < len;) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(112);
		off += (size_t)n;
	}
	free(s);
	json_decref(msg);
	_exit(0);
}

enum end {
	END_OK,
	END_CRASH,		/* died by a signal */
	END_TIMEOUT,
	END_STOPPED,		/* stop-job, or cancelled */
	END_COLD,		/* cold shutdown: put the job back */
	END_NOREPORT
};

struct run {
	enum end	 end;
	int		 sig;
	int		 status;
	struct tq_buf	 out;
};

static void
supervise_child(pid_t pid, int fd, const char *job, enum tq_stage st,
    double started, struct run *run)
{
	double timeout = tq_cfg.timeout[st], killed_at = 0;
	int stop_job = 0, wstatus = 0, reaped = 0, eof = 0;
	char buf[65536];
	enum end forced = END_OK;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (!reaped || !eof) {
		struct pollfd pfd[2];
		double now = tq_now();
		int np = 0;

		/*
		 * A whole report is the end of the job: record it while the
		 * child exits, and reap it later (reap_done()).
		 */
		if (forced == END_OK && !reaped && run->out.len > 0 &&
		    run->out.data[run->out.len - 1] == '\n') {
			w.unreaped = pid;
			break;
		}

		if (!eof) {
			pfd[np].fd = fd;
			pfd[np++].events = POLLIN;
		}
		pfd[np].fd = w.sub->fd;
		pfd[np++].events = POLLIN;
		if (poll(pfd, np, 200) > 0 && !eof &&
		    (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			for (;;) {
				ssize_t n = read(fd, buf, sizeof(buf));

				if (n > 0) {
					tq_buf_add(&run->out, buf, (size_t)n);
					continue;
				}
				if (n == 0 || (errno != EAGAIN &&
				    errno != EINTR))
					eof = 1;
				break;
			}
		}
		/*
		 * The pipe's end is the child's exit (it holds the only
		 * write end and never execs): reap it now, not at the next
		 * poll timeout.
		 */
		if (!reaped && waitpid(pid, &wstatus, eof ? 0 : WNOHANG) ==
		    pid) {
			reaped = 1;
			continue;
		}
		if (reaped)
			continue;
		now = tq_now();
		if (now - w.last_hb >= HEARTBEAT)
			heartbeat("busy", job, started);
		pubsub(job, &stop_job);
		if (nsignals >= 2 && forced == END_OK) {
			forced = END_COLD;
			kill(pid, SIGKILL);
			killed_at = now;
		} else if (stop_job && forced == END_OK) {
			forced = END_STOPPED;
			kill(pid, SIGKILL);
			killed_at = now;
		} else if (forced == END_OK && now - started > timeout) {
			forced = END_TIMEOUT;
			kill(pid, SIGTERM);
			killed_at = now;
		} else if (forced == END_TIMEOUT && now - killed_at >
		    KILL_GRACE) {
			kill(pid, SIGKILL);
			killed_at = now + 3600;
		}
	}
	close(fd);
	if (forced != END_OK)
		run->end = forced;
	else if (w.unreaped == pid)
		run->end = END_OK;
	else if (WIFSIGNALED(wstatus)) {
		run->end = END_CRASH;
		run->sig = WTERMSIG(wstatus);
	} else if (run->out.len == 0) {
		run->end = END_NOREPORT;
		run->status = WEXITSTATUS(wstatus);
	} else
		run->end = END_OK;
}

static double job_started;	/* of the job being run, for ack() */

static void
ack(enum tq_stage st, const char *job, enum tq_outcome out, double run_at,
    const char *error)
{
	struct tq_err e = { 0 };

	if (tq_queue_ack(w.rc, &e, w.name, st, job, out, run_at, error,
	    tq_now() - job_started) == -1)
		tq_log(TQ_LOG_WARN, "ack", json_pack("{s:s,s:s,s:s}",
		    "worker", w.name, "job", job, "error", e.msg));
}

/*
 * Writing a job's outcome failed with e.  A lost or failing backend is
 * never the job's fault: the outcome is kept, and once PostgreSQL is
 * back it is written, then acked (tq-worker(1)).  Wait with backoff,
 * heartbeating so that no one takes this worker for dead, reconnect,
 * and return 1 to write the same outcome again.  0 when the error is
 * the statement's own, or when a cold shutdown ends the wait.
 */
static int
db_wait(const char *job, enum tq_stage st, struct tq_err *e, double *backoff)
{
	struct tq_err ce = { 0 };
	double until;

	if (w.db != NULL && e->kind != TQ_ERR_TRANSIENT)
		return 0;
	if (nsignals >= 2)
		return 0;
	tq_log(TQ_LOG_ERROR, "record", json_pack("{s:s,s:s,s:s,s:f}",
	    "worker", w.name, "job", job, "error", e->msg, "retry_in",
	    *backoff));
	title("waiting for postgresql", job, st);
	until = tq_now() + *backoff;
	while (nsignals < 2 && tq_now() < until) {
		usleep(100000);
		if (tq_now() - w.last_hb >= HEARTBEAT)
			heartbeat("busy", job, job_started);
	}
	if (*backoff < 5)
		*backoff *= 2;
	if (w.db == NULL || PQstatus(w.db) != CONNECTION_OK) {
		if (w.db != NULL)
			PQfinish(w.db);
		if ((w.db = tq_db_connect(&ce)) == NULL)
			*e = ce;
	}
	return nsignals < 2;
}

/*
 * One statement of a job's outcome, written whatever it takes (see
 * db_wait).  NULL with e set if the statement itself failed, or if a
 * cold shutdown came first (then e->kind is transient).
 */
static PGresult *
record(const char *job, enum tq_stage st, const char *sql, int n,
    const char *const *p, struct tq_err *e)
{
	double backoff = 0.2;
	PGresult *r;

	do {
		if (w.db != NULL && (r = tq_db_exec(w.db, e, sql, n, p)) != NULL)
			return r;
		if (w.db == NULL)
			tq_err_set(e, TQ_ERR_TRANSIENT, "postgresql",
			    "postgresql: not connected");
	} while (db_wait(job, st, e, &backoff));
	return NULL;
}

/* Put a job back as it was: the item pending, the id at the head. */
static void
put_back(enum tq_stage st, const char *job)
{
	struct tq_err e = { 0 };
	const char *p[1] = { job };

	PQclear(record(job, st, "UPDATE task_items SET status = 'pending', "
	    "updated_at = now() WHERE job_id = $1 AND status = 'running'", 1,
	    p, &e));
	ack(st, job, TQ_DONE_REQUEUE, 0, NULL);
}

static int
finish(enum tq_stage st, const char *job, const char *status,
    const char *error, const char *kind, struct tq_err *e)
{
	const char *p[4] = { job, status, error, kind };
	PGresult *r;

	r = record(job, st, "SELECT tq_item_finish($1, $2, NULL, $3, $4)", 4,
	    p, e);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

static const char *
signame(int sig)
{
	static char buf[32];
	const char *s = sigabbrev_np(sig);

	snprintf(buf, sizeof(buf), "SIG%s", s ? s : "?");
	return buf;
}

static void
run_job(const char *job, enum tq_stage st)
{
	struct tq_err e = { 0 };
	struct run run;
	struct tq_claim claim;
	json_t *rep = NULL, *res = NULL, *f;
	long long task = 0, item = 0;
	double started = tq_now(), run_at, t_claimed = 0, t_forked = 0;
	double t_reaped = 0;
	char msg[700];
	const char *outcome = "finished";
	int fds[2], retries, max_retries, got;
	pid_t pid;
	enum tq_loglevel lvl = TQ_LOG_INFO;

	memset(&run, 0, sizeof(run));
	job_started = started;
	got = tq_claim_load(w.db, &e, st, job, w.name, &claim);
	if (got == -1 && PQstatus(w.db) == CONNECTION_OK) {
		/* the stage's prepare failed: give the job back */
		put_back(st, job);
		return;
	}
	if (got == -1) {
		/* PostgreSQL is unreachable: give the job back */
		tq_log(TQ_LOG_ERROR, "claim", json_pack("{s:s,s:s,s:s}",
		    "worker", w.name, "job", job, "error", e.msg));
		ack(st, job, TQ_DONE_REQUEUE, 0, NULL);
		disconnect();
		return;
	}
	if (got == 0) {
		tq_log(TQ_LOG_INFO, "skip", json_pack("{s:s,s:s,s:s,s:s}",
		    "worker", w.name, "queue", tq_stage_queue(st), "job", job,
		    "reason", "item is not open (done, cancelled or unknown)"));
		ack(st, job, TQ_DONE_DROP, 0, NULL);
		return;
	}
	if (got == 2) {
		/* a copy of a job another worker runs: leave it to it */
		tq_log(TQ_LOG_WARN, "skip", json_pack("{s:s,s:s,s:s,s:s,s:s}",
		    "worker", w.name, "queue", tq_stage_queue(st), "job", job,
		    "reason", "item is running on another worker", "running_on",
		    claim.busy));
		ack(st, job, TQ_DONE_FORGET, 0, NULL);
		return;
	}
	t_claimed = tq_now();
	task = claim.task_id;
	item = claim.item_id;
	retries = claim.retry_count;
	max_retries = claim.max_retries;
	title("busy", job, st);

	reap_done(1);
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		tq_log(TQ_LOG_ERROR, "fork", json_pack("{s:s,s:s}", "worker",
		    w.name, "error", strerror(errno)));
		put_back(st, job);
		sleep(1);
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], &claim);
	}
	close(fds[1]);
	t_forked = tq_now();
	supervise_child(pid, fds[0], job, st, started, &run);
	t_reaped = tq_now();

	if (run.end == END_OK) {
		rep = json_loads(run.out.data, 0, NULL);
		if (rep == NULL) {
			run.end = END_NOREPORT;
			run.status = -1;
		}
	}
	msg[0] = '\0';
	switch (run.end) {
	case END_OK:
		if (json_is_true(json_object_get(rep, "ok"))) {
			double backoff = 0.2;

			/* a lost backend is not the job's fault: see db_wait */
			do {
				if (w.db != NULL && (res = tq_job_store(w.db,
				    st, job, json_object_get(rep, "result"),
				    &e)) != NULL)
					break;
				if (w.db != NULL && e.kind == TQ_ERR_NONE)
					break;
				if (w.db == NULL)
					tq_err_set(&e, TQ_ERR_TRANSIENT,
					    "postgresql", "postgresql: not "
					    "connected");
			} while (db_wait(job, st, &e, &backoff));
			if (res != NULL) {
				ack(st, job, TQ_DONE_FINISHED, 0, NULL);
				break;
			}
			if (e.kind == TQ_ERR_NONE) {
				outcome = "dropped";
				ack(st, job, TQ_DONE_DROP, 0, NULL);
				break;
			}
			if (e.kind == TQ_ERR_TRANSIENT) {
				/* cold shutdown while PostgreSQL is away */
				snprintf(msg, sizeof(msg), "%s", e.msg);
				outcome = "requeued";
				lvl = TQ_LOG_ERROR;
				ack(st, job, TQ_DONE_REQUEUE, 0, NULL);
				break;
			}
			/* the result itself was refused: the job's error */
			snprintf(msg, sizeof(msg), "%s", e.msg);
		} else {
			snprintf(msg, sizeof(msg), "%s", json_string_value(
			    json_object_get(rep, "error")));
			e.kind = strcmp(json_string_value(json_object_get(rep,
			    "kind")), "transient") == 0 ? TQ_ERR_TRANSIENT :
			    TQ_ERR_PERMANENT;
			e.retry_after = json_number_value(json_object_get(rep,
			    "retry_after"));
		}
		if (e.kind == TQ_ERR_TRANSIENT && retries < max_retries) {
			double d = retry_delay(retries, e.retry_after);
			PGresult *rr;
			char ds[32];
			const char *q[3] = { job, msg, ds };

			snprintf(ds, sizeof(ds), "%.3f", d);
			rr = record(job, st, "SELECT tq_item_retry($1, $2, "
			    "$3::float8)", 3, q, &e);
			if (rr == NULL && e.kind == TQ_ERR_TRANSIENT) {
				outcome = "requeued";
				ack(st, job, TQ_DONE_REQUEUE, 0, NULL);
				break;
			}
			PQclear(rr);
			run_at = tq_now() + d;
			outcome = "retry";
			lvl = TQ_LOG_WARN;
			ack(st, job, TQ_DONE_SCHEDULED, run_at, msg);
			break;
		}
		if (e.kind == TQ_ERR_TRANSIENT) {
			size_t l = strlen(msg);

			snprintf(msg + l, sizeof(msg) - l, " (gave up after "
			    "%d retries)", retries);
		}
		outcome = "failed";
		lvl = TQ_LOG_WARN;
		if (finish(st, job, "failed", msg, tq_errkind_name(e.kind),
		    &e) == -1 && e.kind == TQ_ERR_TRANSIENT) {
			outcome = "requeued";
			ack(st, job, TQ_DONE_REQUEUE, 0, NULL);
			break;
		}
		ack(st, job, TQ_DONE_FAILED, 0, msg);
		break;
	case END_CRASH:
	case END_TIMEOUT:
	case END_NOREPORT:
		if (run.end == END_CRASH)
			snprintf(msg, sizeof(msg), "crashed: killed by %s (%s)",
			    signame(run.sig), strsignal(run.sig));
		else if (run.end == END_TIMEOUT)
			snprintf(msg, sizeof(msg), "timeout: still running "
			    "after %d s, killed", tq_cfg.timeout[st]);
		else
			snprintf(msg, sizeof(msg), "the job's process exited "
			    "with status %d and no report", run.status);
		outcome = "failed";
		lvl = TQ_LOG_WARN;
		if (finish(st, job, "failed", msg, "permanent", &e) == -1 &&
		    e.kind == TQ_ERR_TRANSIENT) {
			outcome = "requeued";
			ack(st, job, TQ_DONE_REQUEUE, 0, NULL);
			break;
		}
		ack(st, job, TQ_DONE_FAILED, 0, msg);
		break;
	case END_STOPPED:
		/* tq-cancel closed the item; a bare stop-job fails it */
		outcome = "stopped";
		snprintf(msg, sizeof(msg), "stopped by request");
		finish(st, job, "failed", msg, "permanent", &e);
		ack(st, job, TQ_DONE_CANCELED, 0, NULL);
		break;
	case END_COLD:
		outcome = "requeued";
		snprintf(msg, sizeof(msg), "cold shutdown: job put back");
		put_back(st, job);
		break;
	}
	w.jobs++;
	f = fields(job, task, item);
	json_object_set_new(f, "queue", json_string(tq_stage_queue(st)));
	json_object_set_new(f, "outcome", json_string(outcome));
	json_object_set_new(f, "duration", json_real(
	    (double)(long)((tq_now() - started) * 1000) / 1000));
	if (msg[0])
		json_object_set_new(f, "error", json_string(msg));
	if (tq_loglevel >= TQ_LOG_DEBUG) {
		/* where the time went: claim, fork, the child, record+ack */
		json_object_set_new(f, "claim_ms", json_real((t_claimed -
		    started) * 1000));
		json_object_set_new(f, "fork_ms", json_real((t_forked -
		    t_claimed) * 1000));
		json_object_set_new(f, "child_ms", json_real((t_reaped -
		    t_forked) * 1000));
		json_object_set_new(f, "record_ms", json_real((tq_now() -
		    t_reaped) * 1000));
	}
	tq_log(lvl, "job", f);
out:
	tq_buf_free(&run.out);
	json_decref(rep);
	json_decref(res);
	tq_claim_free(&claim);
}

static void
maintenance(void)
{
	struct tq_err e = { 0 };
	struct tq_maint_stats ms;
	double now = tq_now();
	int i, got, retention;

	if (now - w.last_promote >= PROMOTE) {
		for (i = 0; i < nstages; i++)
			tq_queue_promote(w.rc, &e, stages[i], NULL);
		w.last_promote = now;
	}
	if (now - w.last_maint < tq_cfg.maint_interval)
		return;
	w.last_maint = now;
	got = tq_lock(w.rc, &e, "tq:lock:maintenance", w.name, 60);
	if (got != 1)
		return;
	memset(&ms, 0, sizeof(ms));
	retention = now - w.last_retention > 3600;
	if (retention)
		w.last_retention = now;
	if (tq_maint_run(w.db, w.rc, w.name, retention, &ms, &e) == -1)
		tq_log(TQ_LOG_WARN, "maintenance", json_pack("{s:s,s:s}",
		    "worker", w.name, "error", e.msg));
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

	for (i = 0; i < nstages && empty; i++) {
		/* a paused queue has nothing for us */
		redisReply *r = redisCommand(w.rc, "EVAL %s 3 rq:queue:%s "
		    "rq:scheduled:%s tq:paused:%s", "if redis.call('EXISTS', "
		    "KEYS[3]) == 1 then return 0 end return redis.call('LLEN', "
		    "KEYS[1]) + redis.call('ZCARD', KEYS[2])",
		    tq_stage_queue(stages[i]), tq_stage_queue(stages[i]),
		    tq_stage_queue(stages[i]));

		if (r == NULL || r->type != REDIS_REPLY_INTEGER ||
		    r->integer > 0)
			empty = 0;
		freeReplyObject(r);
	}
	return empty;
}

static int
worker_main(void)
{
	struct tq_err e = { 0 };
	char job[128];
	enum tq_stage st;
	int got, stop_job = 0, suspended = 0, rc = 0;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	set_signals(1);
	snprintf(w.name, sizeof(w.name), "%s.%d", basename_opt, (int)getpid());
	w.info.name = w.name;
	w.info.stages = stages;
	w.info.nstages = nstages;
	w.info.birth = tq_now();
	title("starting", NULL, 0);
	if (connect_all() == -1)
		return 0;
	tq_log(TQ_LOG_INFO, "start", json_pack("{s:s,s:i}", "worker", w.name,
	    "pid", (int)getpid()));
	heartbeat("idle", NULL, 0);
	title("idle", NULL, 0);

	while (nsignals == 0 && !w.stop_warm) {
		if (w.rc == NULL || w.rc->err || w.db == NULL ||
		    PQstatus(w.db) != CONNECTION_OK) {
			if (connect_all() == -1)
				break;
		}
		pubsub(NULL, &stop_job);
		/*
		 * The take script itself refuses while rq:suspended is
		 * set; this look, twice a second, is for the state shown.
		 */
		if (tq_now() - w.last_promote >= PROMOTE &&
		    tq_queue_suspended(w.rc)) {
			if (!suspended)
				tq_log(TQ_LOG_INFO, "suspended", fields(NULL, 0,
				    0));
			suspended = 1;
			title("suspended", NULL, 0);
			heartbeat("suspended", NULL, 0);
			sleep(1);
			continue;
		}
		if (suspended) {
			tq_log(TQ_LOG_INFO, "resumed", fields(NULL, 0, 0));
			suspended = 0;
			title("idle", NULL, 0);
		}
		if (tq_now() - w.last_hb >= HEARTBEAT)
			heartbeat("idle", NULL, 0);
		maintenance();
		got = tq_queue_take(w.rc, &e, w.name, stages, nstages,
		    burst ? 0 : (nstages > 1 ? 0.25 : 1.0), job, sizeof(job),
		    &st);
		if (got == -1) {
			tq_log(TQ_LOG_ERROR, "take", json_pack("{s:s,s:s}",
			    "worker", w.name, "error", e.msg));
			disconnect();
			sleep(1);
			continue;
		}
		if (got == 0) {
			if (burst && all_empty())
				break;
			if (burst)
				usleep(100000);
			continue;
		}
		run_job(job, st);
		reap_done(0);
		title("idle", NULL, 0);
	}
	reap_done(1);
	title("stopping", NULL, 0);
	if (w.rc != NULL && !w.rc->err) {
		if (tq_worker_unregister(w.rc, &e, &w.info) == -1)
			rc = 1;
		/* put back anything still held (cold shutdown) */
		tq_log(TQ_LOG_INFO, "stop", json_pack("{s:s,s:i,s:s}",
		    "worker", w.name, "jobs", w.jobs, "shutdown",
		    nsignals >= 2 ? "cold" : "warm"));
	}
	disconnect();
	return rc;
}

/* ---------------------------------------------------------- supervisor */

static pid_t *kids;
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
	pid_t pid = fork();

	if (pid == -1) {
		warn("fork");
		return -1;
	}
	if (pid == 0) {
		free(kids);
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		pin_cpu(i);
		_exit(worker_main());
	}
	return pid;
}

static void
recover_dead(void)
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

static int
supervisor(void)
{
	int i, alive, sent = 0, status;
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
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	for (i = 0; i < nworkers; i++)
		kids[i] = spawn(i);
	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < nworkers && kids[i] != pid; i++)
				;
			if (i == nworkers)
				continue;
			kids[i] = 0;
			if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
				tq_log(TQ_LOG_ERROR, "worker died", json_pack(
				    "{s:i,s:s}", "pid", (int)pid, "how",
				    WIFSIGNALED(status) ?
				    sigabbrev_np(WTERMSIG(status)) : "exit"));
				recover_dead();
				if (nsignals == 0) {
					sleep(1);
					kids[i] = spawn(i);
				}
			}
		}
		for (alive = 0, i = 0; i < nworkers; i++)
			if (kids[i] > 0)
				alive++;
		if (alive == 0)
			break;
		while (sent < nsignals && sent < 2) {
			for (i = 0; i < nworkers; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGTERM);
			sent++;
		}
		if (!got_chld && nsignals == sent)
			sigsuspend(&oldmask);
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
	if (got == -1 || tq_maint_run(db, rc, w.name, 1, &ms, &e) == -1) {
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
		    "ai-queue or notion-queue", q);
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
	char host[256];
	int ch, reconcile = 0, pausing = 0;

	setproctitle_init(argc, argv, environ);
	if (tq_config_load() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	while ((ch = getopt_long(argc, argv, "bd:hjl:N:n:P:q:Rr:t:U:Vv",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			burst = 1;
			break;
		case 'd':
			free(tq_cfg.database_url);
			tq_cfg.database_url = xstrdup(optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			tq_logjson = 1;
			break;
		case 'l':
			if ((tq_loglevel = tq_log_parse_level(optarg)) == -1)
				errx(TQ_EXIT_USAGE, "%s: log level must be error,"
				    " warn, info or debug", optarg);
			break;
		case 'N':
			if (strlen(optarg) > 120 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
			    strlen(optarg) || *optarg == '\0')
				errx(TQ_EXIT_USAGE, "%s: a name is letters, "
				    "digits, '-', '_' and '.'", optarg);
			basename_opt = optarg;
			break;
		case 'n': {
			const char *e = NULL;

			nworkers = (int)strtonum(optarg, 1, 256, &e);
			if (e != NULL)
				errx(TQ_EXIT_USAGE, "workers %s: %s", optarg, e);
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
			if (pausing)
				errx(TQ_EXIT_USAGE, "-q does not go with -P "
				    "or -U");
			add_stage(optarg);
			break;
		case 'R':
			reconcile = 1;
			break;
		case 'r':
			free(tq_cfg.redis_url);
			tq_cfg.redis_url = xstrdup(optarg);
			break;
		case 't': {
			char *eq = strchr(optarg, '='), *q;
			const char *e = NULL;
			int s, t;

			if (eq == NULL)
				errx(TQ_EXIT_USAGE, "%s: use queue=seconds",
				    optarg);
			q = xstrndup(optarg, eq - optarg);
			if ((s = tq_stage_from_name(q)) < 0)
				errx(TQ_EXIT_USAGE, "%s: unknown queue", q);
			t = (int)strtonum(eq + 1, 1, 86400, &e);
			if (e != NULL)
				errx(TQ_EXIT_USAGE, "timeout %s: %s", eq + 1,
				    e);
			tq_cfg.timeout[s] = t;
			free(q);
			break;
		}
		case 'V':
			printf("tq-worker %s\n", TQ_VERSION);
			return 0;
		case 'v':
			if (tq_loglevel < TQ_LOG_DEBUG)
				tq_loglevel++;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(stderr, TQ_EXIT_USAGE);
	if (tq_config_check() == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	if (pausing)
		return pause_queues(pausing == 'P' ? "paused" : "resumed",
		    pausing == 'P');
	if (nstages == 0)
		for (ch = 0; ch < TQ_NSTAGES; ch++)
			stages[nstages++] = ch;
	qsort(stages, nstages, sizeof(stages[0]), cmp_stage);
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
