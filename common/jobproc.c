/*
 * jobproc.c - job processes: where the CPU work and everything that
 * parses untrusted input runs (extraction, the builtin AI), apart from
 * the worker that holds the connections and the jobs in flight.
 *
 * A worker keeps a small pool of them (one per core by default), and
 * reuses each from job to job.  A request is one frame on a socket
 * pair: two 32-bit lengths (native order), a JSON object naming the op
 * and its arguments, and an opaque blob (a page's text); the answer is
 * one length and one JSON object, {"ok":..} or {"error":..}.
 *
 * A process is replaced when it crashes (the job it ran fails with the
 * signal), when a job's deadline passes or the job is aborted while it
 * runs (SIGTERM, then SIGKILL after a grace), after max_jobs jobs, and
 * when it has grown past max_rss.  Processes are forked from the loop
 * (tq_jp_tend), never from a job's small stack; a job that finds no
 * free process parks until tq_jp_tend() hands it one.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"

#define KILL_GRACE	2.0
#define MAX_FRAME	(256u << 20)
#define MAX_PROCS	64
#define MAX_WAITERS	4096
#define BUSY_RETRY	5.0	/* s: a job set aside for want of a process */
#define EXIT_OOM	115	/* a job process out of memory (tq_oom) */

struct proc {
	pid_t		 pid;
	int		 fd;
	int		 busy;
	int		 jobs;
};

struct corpse {
	pid_t		 pid;
	double		 kill_at;	/* SIGKILL then, if still there */
	struct corpse	*next;
};

static struct {
	int		 nprocs;
	int		 max_jobs;
	long		 max_rss_kb;
	struct proc	 p[MAX_PROCS];
	struct tq_co	*waiters[MAX_WAITERS];
	int		 nwait;
	struct corpse	*corpses;
	char		 title[160];
	void		(*child_init)(void);
	const struct tq_jp_op *ops;
	/* the last start that failed: why, when told, failures since */
	char		 spawn_err[128];
	double		 spawn_told;
	int		 spawn_fails;
} J = { 1, 1000, 512 * 1024, { { 0, 0, 0, 0 } }, { NULL }, 0, NULL, "",
    NULL, NULL, "", 0, 0 };

#define SPAWN_TELL	60.0	/* s between two log lines of failed starts */

/* A request sent, its answer not yet read (tq_jp_send, tq_jp_recv). */
struct tq_jp_req {
	struct proc	*p;
	int		 r;		/* 1 sent, else as xfer() */
};

void
tq_jp_config(const struct tq_jp_op *ops, int nprocs, int max_jobs,
    long max_rss_mb, const char *title, void (*child_init)(void))
{
	J.ops = ops;
	if (nprocs < 1)
		nprocs = 1;
	if (nprocs > MAX_PROCS)
		nprocs = MAX_PROCS;
	J.nprocs = nprocs;
	if (max_jobs > 0)
		J.max_jobs = max_jobs;
	if (max_rss_mb > 0)
		J.max_rss_kb = max_rss_mb * 1024;
	snprintf(J.title, sizeof(J.title), "%s", title ? title : "");
	J.child_init = child_init;
}

int
tq_jp_procs(void)
{
	return J.nprocs;
}

/* All n bytes of a blocking read or write; -1 on error or end of file. */
static int
full_io(int fd, void *buf, size_t n, int out)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r = out ? write(fd, p, n) : read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

#define full_read(fd, buf, n)	full_io(fd, buf, n, 0)
#define full_write(fd, buf, n)	full_io(fd, (void *)(buf), n, 1)

static long
rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return ru.ru_maxrss;
}

/* In the job process: answer requests until the worker closes. */
static void __attribute__((noreturn))
serve(int fd)
{
	for (;;) {
		uint32_t hdr[2], len;
		char *js, *blob;
		json_t *req, *ans = NULL, *res;
		struct tq_err e = { 0 };
		const struct tq_jp_op *op;
		const char *name;
		char *out;

		if (full_read(fd, hdr, sizeof(hdr)) == -1)
			_exit(0);
		if (hdr[0] > MAX_FRAME || hdr[1] > MAX_FRAME)
			_exit(113);
		js = xmalloc((size_t)hdr[0] + 1);
		blob = xmalloc((size_t)hdr[1] + 1);
		if (full_read(fd, js, hdr[0]) == -1 ||
		    full_read(fd, blob, hdr[1]) == -1)
			_exit(0);
		js[hdr[0]] = '\0';
		blob[hdr[1]] = '\0';
		req = json_loads(js, 0, NULL);
		free(js);
		name = json_string_value(json_object_get(req, "op"));
		for (op = J.ops; op->name != NULL; op++)
			if (name != NULL && strcmp(op->name, name) == 0)
				break;
		if (op->name == NULL)
			tq_err_set(&e, TQ_ERR_PERMANENT, "internal",
			    "job process: unknown op");
		res = op->name ? op->fn(json_object_get(req, "args"), blob,
		    hdr[1], &e) : NULL;
		free(blob);
		json_decref(req);
		if (res != NULL)
			ans = json_pack("{s:o,s:I}", "ok", res, "rss_kb",
			    (json_int_t)rss_kb());
		else
			ans = json_pack("{s:{s:s,s:s,s:s,s:f,s:i},s:I}",
			    "error", "kind", tq_errkind_name(e.kind ==
			    TQ_ERR_NONE ? TQ_ERR_PERMANENT : e.kind), "code",
			    e.code, "msg", e.msg[0] ? e.msg : "unknown error",
			    "retry_after", e.retry_after, "http_status",
			    e.http_status, "rss_kb", (json_int_t)rss_kb());
		out = json_dumps(ans, JSON_COMPACT);
		json_decref(ans);
		if (out == NULL)
			_exit(114);
		len = (uint32_t)strlen(out);
		if (full_write(fd, &len, sizeof(len)) == -1 ||
		    full_write(fd, out, len) == -1)
			_exit(0);
		free(out);
	}
}

/*
 * A job process could not be started (fork(2) under ulimit -u, or a
 * cgroup's pids.max; descriptors): the jobs wait for one, and are set
 * aside saying why.  Logged once a minute, with the failures since.
 */
static void
spawn_failed(const char *what)
{
	double now = tq_mono();
	char msg[160];

	snprintf(J.spawn_err, sizeof(J.spawn_err), "%s: %s", what,
	    strerror(errno));
	J.spawn_fails++;
	if (J.spawn_told != 0 && now - J.spawn_told < SPAWN_TELL)
		return;
	snprintf(msg, sizeof(msg), "cannot start one: %s", J.spawn_err);
	tq_log(TQ_LOG_ERROR, "job process", json_pack("{s:s,s:i}", "error",
	    msg, "failed", J.spawn_fails));
	J.spawn_told = now;
	J.spawn_fails = 0;
}

static int
spawn(struct proc *p)
{
	int sv[2], i;
	pid_t pid, parent = getpid();

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		spawn_failed("socketpair");
		return -1;
	}
	if ((pid = fork()) == -1) {
		spawn_failed("fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		struct sigaction sa;

		close(sv[0]);
		for (i = 0; i < J.nprocs; i++)
			if (J.p[i].pid > 0)
				close(J.p[i].fd);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGPIPE, &sa, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/*
		 * the worker died first: its orphans go to init, or to a
		 * subreaper (a container's init, systemd's), not to 1 alone
		 */
		if (getppid() != parent)
			_exit(111);
		tq_oom_exit = EXIT_OOM;
		/*
		 * Its socket alone, as descriptor 3: not the worker's
		 * connections to Redis and PostgreSQL or its transfers',
		 * which a process that reads pages from anywhere has no use
		 * for, and which would keep a connection the worker closed
		 * open at the server (redisFree() sends no QUIT)
		 */
		if (sv[1] != 3) {
			if (dup2(sv[1], 3) == -1)
				_exit(112);
			close(sv[1]);
		}
		close_range(4, ~0U, 0);
		if (J.title[0])
			setproctitle("%s job process", J.title);
		if (J.child_init != NULL)
			J.child_init();
		serve(3);
	}
	close(sv[1]);
	J.spawn_err[0] = '\0';
	p->pid = pid;
	p->fd = sv[0];
	p->busy = 0;
	p->jobs = 0;
	return 0;
}

/* Take a process out of the pool; kill it if it may still run. */
static void
retire(struct proc *p, int kill_it)
{
	struct corpse *c;

	if (p->pid <= 0)
		return;
	close(p->fd);
	c = xcalloc(1, sizeof(*c));
	c->pid = p->pid;
	c->kill_at = tq_mono() + (kill_it ? KILL_GRACE : 10);
	if (kill_it)
		kill(p->pid, SIGTERM);
	c->next = J.corpses;
	J.corpses = c;
	p->pid = 0;
	p->fd = -1;
	p->busy = 0;
}

/*
 * From the loop, between steps: reap what ended, SIGKILL what outlived
 * its grace, start the missing processes while jobs wait for one, and
 * hand the free ones to the waiting jobs in order.
 */
void
tq_jp_tend(void)
{
	struct corpse **cp, *c;
	double now = tq_mono();
	int i, free_procs = 0, k;

	for (cp = &J.corpses; (c = *cp) != NULL;) {
		if (waitpid(c->pid, NULL, WNOHANG) != 0) {
			*cp = c->next;
			free(c);
			continue;
		}
		if (now >= c->kill_at) {
			kill(c->pid, SIGKILL);
			c->kill_at = now + 3600;
		}
		cp = &c->next;
	}
	for (i = 0; i < J.nprocs; i++) {
		if (J.p[i].pid > 0 && !J.p[i].busy)
			free_procs++;
		else if (J.p[i].pid <= 0 && J.nwait > free_procs &&
		    spawn(&J.p[i]) == 0)
			free_procs++;
	}
	for (k = 0; k < J.nwait && k < free_procs; k++)
		tq_co_wake(J.waiters[k]);
}

/* Stop every process (the worker is leaving). */
void
tq_jp_shutdown(void)
{
	struct corpse *c, *next;
	int i, n;

	for (i = 0; i < J.nprocs; i++)
		if (J.p[i].pid > 0)
			retire(&J.p[i], 0);
	/* they see the end of their socket and exit; wait a little */
	for (n = 0; n < 100 && J.corpses != NULL; n++) {
		for (c = J.corpses; c != NULL; c = c->next)
			if (c->pid > 0 && waitpid(c->pid, NULL, WNOHANG) != 0)
				c->pid = 0;
		for (c = J.corpses; c != NULL && c->pid == 0; c = c->next)
			;
		if (c == NULL)
			break;
		usleep(10000);
	}
	for (c = J.corpses; c != NULL; c = next) {
		next = c->next;
		if (c->pid > 0) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
		}
		free(c);
	}
	J.corpses = NULL;
}

static void
unwait(struct tq_co *co)
{
	int i;

	for (i = 0; i < J.nwait; i++)
		if (J.waiters[i] == co) {
			memmove(&J.waiters[i], &J.waiters[i + 1],
			    (size_t)(J.nwait - i - 1) * sizeof(J.waiters[0]));
			J.nwait--;
			return;
		}
}

static struct proc *
acquire(double deadline, struct tq_err *err)
{
	struct tq_co *co = tq_co_current();
	int i, r;

	for (;;) {
		for (i = 0; i < J.nprocs; i++)
			if (J.p[i].pid > 0 && !J.p[i].busy) {
				J.p[i].busy = 1;
				return &J.p[i];
			}
		if (co == NULL) {
			/* not in the loop: start one here and now */
			for (i = 0; i < J.nprocs; i++)
				if (J.p[i].pid <= 0 && spawn(&J.p[i]) == 0) {
					J.p[i].busy = 1;
					return &J.p[i];
				}
			tq_err_set(err, TQ_ERR_TRANSIENT, "internal",
			    "cannot start a job process: %s", J.spawn_err);
			return NULL;
		}
		if (J.nwait == MAX_WAITERS) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "internal",
			    "too many jobs wait for a job process");
			return NULL;
		}
		J.waiters[J.nwait++] = co;
		r = tq_co_park(deadline);
		unwait(co);
		if (r == -1) {
			tq_err_set(err, TQ_ERR_PERMANENT, "aborted",
			    "aborted while waiting for a job process");
			return NULL;
		}
		if (r == 0) {
			/* this worker's want, not the item's fault */
			int live = 0;

			for (i = 0; i < J.nprocs; i++)
				live += J.p[i].pid > 0;
			if (live == 0 && J.spawn_err[0] != '\0')
				tq_err_set(err, TQ_ERR_TRANSIENT, "busy",
				    "cannot start a job process: %s",
				    J.spawn_err);
			else if (live < J.nprocs && J.spawn_err[0] != '\0')
				tq_err_set(err, TQ_ERR_TRANSIENT, "busy",
				    "no job process free in time (%d, all "
				    "busy; no more can start: %s)", live,
				    J.spawn_err);
			else
				tq_err_set(err, TQ_ERR_TRANSIENT, "busy",
				    "no job process free in time (%d, all "
				    "busy)", J.nprocs);
			err->retry_after = BUSY_RETRY;
			return NULL;
		}
	}
}

static const char *
signame(int sig)
{
	static char buf[32];
	const char *s = sigabbrev_np(sig);

	snprintf(buf, sizeof(buf), "SIG%s", s ? s : "?");
	return buf;
}

/*
 * A job process that ran out of memory: the job needs more than the
 * limit on address space (ulimit -v, which it has from its worker)
 * or the machine gives, so it fails, as a crash does.
 */
static void
oom_failed(struct tq_err *err)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		tq_err_set(err, TQ_ERR_PERMANENT, "oom", "out of memory in "
		    "the job's process (ulimit -v %llu)",
		    (unsigned long long)(rl.rlim_cur / 1024));
	else
		tq_err_set(err, TQ_ERR_PERMANENT, "oom", "out of memory in "
		    "the job's process");
}

/* Write or read all of n bytes, waiting in the loop; -1 abort, 0 time. */
static int
xfer(int fd, char *buf, size_t n, int out, double deadline)
{
	while (n > 0) {
		ssize_t r;
		int w;

		r = out ? send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) :
		    recv(fd, buf, n, MSG_DONTWAIT);
		if (r > 0) {
			buf += r;
			n -= (size_t)r;
			continue;
		}
		if (r == 0)
			return -2;	/* the process went away */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -2;
		w = tq_co_wait_fd(fd, out ? POLLOUT : POLLIN, deadline);
		if (w != 1)
			return w;	/* 0: deadline, -1: aborted */
	}
	return 1;
}

/*
 * Send op with args (and an opaque blob) to a free job process, by
 * deadline; read the answer with tq_jp_recv(), which frees the request.
 * NULL with err set if no process could be had ("busy" if none was
 * free before the deadline).
 */
struct tq_jp_req *
tq_jp_send(const char *op, json_t *args, const char *blob, size_t bloblen,
    double deadline, struct tq_err *err)
{
	struct tq_jp_req *q;
	struct proc *p;
	json_t *req;
	char *js;
	uint32_t hdr[2];
	int r;

	memset(err, 0, sizeof(*err));
	if ((p = acquire(deadline, err)) == NULL)
		return NULL;
	req = json_pack("{s:s,s:O}", "op", op, "args", args ? args :
	    json_null());
	js = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	hdr[0] = (uint32_t)strlen(js);
	hdr[1] = (uint32_t)bloblen;
	if ((r = xfer(p->fd, (char *)hdr, sizeof(hdr), 1, deadline)) == 1 &&
	    (r = xfer(p->fd, js, hdr[0], 1, deadline)) == 1)
		r = xfer(p->fd, (char *)blob, bloblen, 1, deadline);
	free(js);
	q = xcalloc(1, sizeof(*q));
	q->p = p;
	q->r = r;
	return q;
}

/*
 * Run op with args (and an opaque blob) in a job process by deadline
 * (0: none).  The op's result, or NULL with err set: the op's own
 * error, or a crash ("crashed: killed by SIGSEGV (...)"), "timeout" or
 * "aborted"; "busy" (transient, with retry_after) if no job process
 * was free before the deadline.
 */
json_t *
tq_jp_call(const char *op, json_t *args, const char *blob, size_t bloblen,
    double deadline, struct tq_err *err)
{
	struct tq_jp_req *q;

	if ((q = tq_jp_send(op, args, blob, bloblen, deadline, err)) == NULL)
		return NULL;
	return tq_jp_recv(q, deadline, err);
}

/* The answer to a request of tq_jp_send(), by deadline; see tq_jp_call. */
json_t *
tq_jp_recv(struct tq_jp_req *q, double deadline, struct tq_err *err)
{
	struct proc *p = q->p;
	json_t *ans = NULL, *res = NULL, *e;
	char *rb = NULL;
	uint32_t len = 0;
	int r = q->r, status = 0;

	free(q);
	memset(err, 0, sizeof(*err));
	if (r == 1 &&
	    (r = xfer(p->fd, (char *)&len, sizeof(len), 0, deadline)) == 1) {
		if (len > MAX_FRAME)
			r = -2;
		else {
			rb = xmalloc((size_t)len + 1);
			r = xfer(p->fd, rb, len, 0, deadline);
			rb[len] = '\0';
		}
	}
	if (r == 1 && (ans = json_loads(rb, 0, NULL)) == NULL)
		r = -2;
	free(rb);
	if (r == 1) {
		p->jobs++;
		p->busy = 0;
		if (p->jobs >= J.max_jobs || json_integer_value(
		    json_object_get(ans, "rss_kb")) > J.max_rss_kb)
			retire(p, 0);
		if ((res = json_object_get(ans, "ok")) != NULL)
			json_incref(res);
		else {
			e = json_object_get(ans, "error");
			tq_err_set(err, strcmp(json_string_value(
			    json_object_get(e, "kind")) ?: "", "transient") == 0 ?
			    TQ_ERR_TRANSIENT : TQ_ERR_PERMANENT, json_string_value(
			    json_object_get(e, "code")) ?: "", "%s",
			    json_string_value(json_object_get(e, "msg")) ?: "");
			err->retry_after = json_number_value(json_object_get(e,
			    "retry_after"));
			err->http_status = (int)json_integer_value(
			    json_object_get(e, "http_status"));
		}
		json_decref(ans);
		return res;
	}
	if (r == -2) {
		/* it died: how, if it has exited already */
		pid_t pid = p->pid;
		int i;

		for (i = 0; i < 50; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			tq_sleep(0.01);
		}
		if (i < 50) {
			close(p->fd);
			p->pid = 0;
			p->fd = -1;
			p->busy = 0;
			if (WIFEXITED(status) &&
			    WEXITSTATUS(status) == EXIT_OOM)
				oom_failed(err);
			else if (WIFSIGNALED(status))
				tq_err_set(err, TQ_ERR_PERMANENT, "crash",
				    "crashed: killed by %s (%s)",
				    signame(WTERMSIG(status)),
				    strsignal(WTERMSIG(status)));
			else
				tq_err_set(err, TQ_ERR_PERMANENT, "crash",
				    "the job's process exited with status %d "
				    "and no report", WEXITSTATUS(status));
			return NULL;
		}
		retire(p, 1);
		tq_err_set(err, TQ_ERR_PERMANENT, "crash",
		    "the job's process closed its socket");
		return NULL;
	}
	/* deadline or abort while it runs: replace it */
	retire(p, 1);
	if (r == 0)
		tq_err_set(err, TQ_ERR_PERMANENT, "timeout",
		    "deadline passed in the job process");
	else
		tq_err_set(err, TQ_ERR_PERMANENT, "aborted",
		    "aborted in the job process");
	return NULL;
}
