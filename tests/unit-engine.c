/*
 * unit-engine.c - the worker's event loop (co.c) and its job processes
 * (jobproc.c), without Redis or PostgreSQL: many jobs sleep at once, an
 * abort ends a wait at once, descriptors wake their job, and job
 * processes answer, are reused, crash, hang past a deadline and are
 * replaced.
 */
#include <sys/socket.h>

#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"
#include "tap.h"

static int finished;

static void
sleeper(void *arg)
{
	double *secs = arg;

	tq_sleep(*secs);
	finished++;
}

struct waiter {
	int		 fd;
	int		 got;
	double		 woke;
};

static void
fd_waiter(void *arg)
{
	struct waiter *w = arg;

	w->got = tq_co_wait_fd(w->fd, POLLIN, tq_mono() + 5);
	w->woke = tq_mono();
}

static void
run_all(double limit)
{
	double end = tq_mono() + limit;

	while (tq_co_count() > 0 && tq_mono() < end) {
		tq_jp_tend();
		tq_loop_step(0.05, NULL, 0);
	}
}

/*
 * A request let go while other jobs block (database calls do): the
 * loop sends it between them, not after all of them.
 */
struct sender {
	char		 url[64];
	int		 added;		/* its transfer joined the loop */
	int		 rc;
	int		 done;		/* tq_http_do() returned */
	int		 status;
	int		 lfd;		/* the server's listening socket */
	int		 after;		/* blockers run after it was added */
	int		 arrived;	/* 1: the third found the request */
	int		 conn;		/* the connection, once accepted */
};

static void
sender(void *arg)
{
	struct sender *x = arg;
	struct tq_http_req q;
	struct tq_http_resp r;
	struct tq_err err;

	memset(&q, 0, sizeof(q));
	q.method = "GET";
	q.url = x->url;
	q.timeout_ms = 5000;
	q.allow_private = 1;
	x->added = 1;
	x->rc = tq_http_do(&q, &r, &err);
	x->status = (int)r.status;
	x->done = 1;
	tq_http_resp_free(&r);
}

static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
    "Connection: close\r\n\r\nok";

static void
blocker(void *arg)
{
	struct sender *x = arg;
	double end = tq_mono() + 0.05;
	char buf[256];

	while (tq_mono() < end)
		;		/* 50 ms of blocking work, no yield */
	if (!x->added || ++x->after != 3)
		return;
	x->conn = accept4(x->lfd, NULL, NULL, SOCK_NONBLOCK);
	x->arrived = x->conn >= 0 && recv(x->conn, buf, sizeof(buf), 0) > 0;
	if (x->arrived)
		(void)!write(x->conn, answer, sizeof(answer) - 1);
}

/* ops of the job processes */
static json_t *
op_echo(json_t *args, const char *blob, size_t len, struct tq_err *err)
{
	(void)err;
	return json_pack("{s:O,s:s%,s:i}", "args", args, "blob", blob, len,
	    "pid", (int)getpid());
}

static json_t *
op_crash(json_t *args, const char *blob, size_t len, struct tq_err *err)
{
	(void)args;
	(void)blob;
	(void)len;
	(void)err;
	raise(SIGSEGV);
	return NULL;
}

static json_t *
op_hang(json_t *args, const char *blob, size_t len, struct tq_err *err)
{
	(void)args;
	(void)blob;
	(void)len;
	(void)err;
	signal(SIGTERM, SIG_IGN);
	while (len < 1u << 31)
		pause();
	return NULL;
}

static json_t *
op_fail(json_t *args, const char *blob, size_t len, struct tq_err *err)
{
	(void)args;
	(void)blob;
	(void)len;
	tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "try again later");
	return NULL;
}

static const struct tq_jp_op ops[] = {
	{ "echo", op_echo },
	{ "crash", op_crash },
	{ "hang", op_hang },
	{ "fail", op_fail },
	{ NULL, NULL }
};

struct call {
	const char	*op;
	double		 deadline;
	json_t		*res;
	struct tq_err	 err;
	double		 took;
};

static void
caller(void *arg)
{
	struct call *c = arg;
	double t0 = tq_mono();
	json_t *args = json_pack("{s:s}", "op", c->op);

	c->res = tq_jp_call(c->op, args, "blob", 4, c->deadline, &c->err);
	json_decref(args);
	c->took = tq_mono() - t0;
}

int
main(void)
{
	double one = 0.3, t0, took;
	struct tq_co *co;
	struct waiter wt;
	struct call calls[6];
	int sv[2], i, pid1, pid2;

	plan(28);
	tq_loop_init();

	/* 200 jobs that each sleep 0.3 s take 0.3 s together, not 60 */
	t0 = tq_mono();
	for (i = 0; i < 200; i++)
		tq_co_start(sleeper, &one);
	is_int(tq_co_count(), 200, "200 jobs in flight");
	run_all(10);
	took = tq_mono() - t0;
	is_int(finished, 200, "all 200 ended");
	ok(took >= 0.29 && took < 3, "together in %.2f s", took);
	is_int(tq_co_count(), 0, "none left");

	/* an abort ends a long sleep at once */
	{
		double long_sleep = 60;

		finished = 0;
		t0 = tq_mono();
		co = tq_co_start(sleeper, &long_sleep);
		tq_loop_step(0, NULL, 0);
		tq_co_abort(co);
		run_all(5);
		took = tq_mono() - t0;
		is_int(finished, 1, "the aborted sleeper ended");
		ok(took < 1, "at once (%.2f s)", took);
	}

	/* a descriptor wakes the job that waits on it */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	memset(&wt, 0, sizeof(wt));
	wt.fd = sv[0];
	tq_co_start(fd_waiter, &wt);
	tq_loop_step(0.05, NULL, 0);
	ok(wt.woke == 0, "the fd waiter waits");
	t0 = tq_mono();
	(void)!write(sv[1], "x", 1);
	run_all(5);
	is_int(wt.got, 1, "it woke ready");
	ok(wt.woke - t0 < 0.5, "at once (%.3f s)", wt.woke - t0);
	close(sv[0]);
	close(sv[1]);

	/*
	 * a request let go, then four jobs that each block 50 ms in the
	 * same step: the third finds the request at the server (the
	 * transfers went on between them), not only at the next step, and
	 * answers it; the answer comes in after the fourth, but the job
	 * that waits for it runs at the next step: a step runs each job
	 * once
	 */
	{
		struct sockaddr_in sa;
		socklen_t len = sizeof(sa);
		struct sender x;

		memset(&x, 0, sizeof(x));
		x.conn = -1;
		x.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (x.lfd < 0 || bind(x.lfd, (struct sockaddr *)&sa,
		    sizeof(sa)) == -1 || listen(x.lfd, 4) == -1 ||
		    getsockname(x.lfd, (struct sockaddr *)&sa, &len) == -1) {
			printf("Bail out! listen: %s\n", strerror(errno));
			return 1;
		}
		snprintf(x.url, sizeof(x.url), "http://127.0.0.1:%d/",
		    ntohs(sa.sin_port));
		/* the loop runs the newest job first */
		for (i = 0; i < 4; i++)
			tq_co_start(blocker, &x);
		tq_co_start(sender, &x);
		tq_loop_step(0, NULL, 0);
		is_int(x.after, 4, "four jobs blocked after the request "
		    "was let go, in one step");
		ok(x.arrived, "the request was sent while they blocked");
		ok(!x.done, "its job did not run again in that step");
		tq_loop_step(0, NULL, 0);
		ok(x.done && x.rc == 0 && x.status == 200,
		    "it had its answer at the next step");
		if (x.conn < 0)
			x.conn = accept4(x.lfd, NULL, NULL, 0);
		if (x.conn >= 0)
			close(x.conn);
		run_all(10);
		close(x.lfd);
	}

	/* job processes: 2 of them, 4 calls at once */
	tq_jp_config(ops, 2, 3, 0, NULL, NULL);
	memset(calls, 0, sizeof(calls));
	for (i = 0; i < 4; i++) {
		calls[i].op = "echo";
		tq_co_start(caller, &calls[i]);
	}
	run_all(10);
	for (i = 0; i < 4 && calls[i].res != NULL; i++)
		;
	is_int(i, 4, "4 echo calls answered by 2 processes");
	is_str(json_string_value(json_object_get(calls[0].res, "blob")),
	    "blob", "the blob went there and back");
	/*
	 * which process takes which call depends on the scheduler (one may
	 * answer three while the other starts); that 4 calls ran in at most
	 * 2 processes does not
	 */
	{
		int pids[4], n = 0, k;

		for (i = 0; i < 4; i++) {
			pid1 = (int)json_integer_value(json_object_get(
			    calls[i].res, "pid"));
			for (k = 0; k < n && pids[k] != pid1; k++)
				;
			if (k == n)
				pids[n++] = pid1;
		}
		ok(n >= 1 && n <= 2, "processes were reused: 4 calls in %d",
		    n);
	}
	for (i = 0; i < 4; i++)
		json_decref(calls[i].res);

	/* an op's own error comes back classified */
	memset(calls, 0, sizeof(calls));
	calls[0].op = "fail";
	tq_co_start(caller, &calls[0]);
	run_all(5);
	ok(calls[0].res == NULL && calls[0].err.kind == TQ_ERR_TRANSIENT,
	    "an op's transient error");
	is_str(calls[0].err.msg, "try again later", "with its message");

	/* a crash fails its call with the signal, and is replaced */
	memset(calls, 0, sizeof(calls));
	calls[0].op = "crash";
	tq_co_start(caller, &calls[0]);
	run_all(5);
	ok(calls[0].res == NULL && strstr(calls[0].err.msg,
	    "crashed: killed by SIGSEGV") != NULL, "a crash: %s",
	    calls[0].err.msg);
	calls[1].op = "echo";
	tq_co_start(caller, &calls[1]);
	run_all(5);
	ok(calls[1].res != NULL, "the next call is answered");
	json_decref(calls[1].res);

	/* a hang past its deadline: killed (SIGTERM ignored: SIGKILL) */
	memset(calls, 0, sizeof(calls));
	calls[0].op = "hang";
	calls[0].deadline = tq_mono() + 0.5;
	tq_co_start(caller, &calls[0]);
	run_all(5);
	is_str(calls[0].err.code, "timeout", "a hang times out");
	ok(calls[0].took < 1.5, "at its deadline (%.2f s)", calls[0].took);
	calls[1].op = "echo";
	tq_co_start(caller, &calls[1]);
	run_all(5);
	ok(calls[1].res != NULL, "answered after the hang");
	pid2 = (int)json_integer_value(json_object_get(calls[1].res, "pid"));
	json_decref(calls[1].res);

	/*
	 * both processes held by hangs: a call that finds none free by
	 * its deadline is "busy", transient, to be set aside
	 */
	memset(calls, 0, sizeof(calls));
	calls[0].op = calls[1].op = "hang";
	calls[0].deadline = calls[1].deadline = tq_mono() + 1.5;
	for (i = 0; i < 2; i++)
		tq_co_start(caller, &calls[i]);
	for (i = 0; i < 10; i++) {
		tq_jp_tend();
		tq_loop_step(0.02, NULL, 0);
	}
	calls[2].op = "echo";
	calls[2].deadline = tq_mono() + 0.5;
	tq_co_start(caller, &calls[2]);
	run_all(5);
	ok(calls[2].res == NULL && calls[2].err.kind == TQ_ERR_TRANSIENT,
	    "no process free by the deadline: a transient error");
	is_str(calls[2].err.code, "busy", "... busy");
	ok(calls[2].took < 1.2 && calls[2].err.retry_after > 0,
	    "... at its deadline (%.2f s), to be tried again later",
	    calls[2].took);
	for (i = 0; i < 60; i++) {
		tq_jp_tend();
		usleep(50000);
	}

	/* an abort while a job process works kills that process */
	memset(calls, 0, sizeof(calls));
	calls[0].op = "hang";
	co = tq_co_start(caller, &calls[0]);
	for (i = 0; i < 10; i++) {
		tq_jp_tend();
		tq_loop_step(0.02, NULL, 0);
	}
	tq_co_abort(co);
	run_all(5);
	is_str(calls[0].err.code, "aborted", "an aborted call");
	/* it ignores SIGTERM: SIGKILL after the grace, then reaped */
	for (i = 0; i < 60; i++) {
		tq_jp_tend();
		usleep(50000);
	}
	(void)pid2;
	tq_jp_shutdown();
	errno = 0;
	ok(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	    "no job process is left after the shutdown");
	return done_testing();
}
