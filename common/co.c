/*
 * co.c - the worker's event loop and the jobs that run in it.
 *
 * A worker keeps many jobs in flight in one process.  Each job runs as
 * a coroutine (ucontext) on its own small stack, written as plain
 * blocking code; it gives the processor back only where it would wait
 * on the outside world:
 *
 *	tq_curl_perform()	the transfer joins the loop's curl multi;
 *	tq_sleep()		a timer;
 *	tq_co_wait_fd()		a descriptor (a job process's socket).
 *
 * Everything else (Redis, PostgreSQL, JSON, logging) runs to its end
 * between two of those points, so no lock is needed anywhere: at most
 * one job runs at any instant and the loop only switches at them.
 * Between two jobs that took a while, the transfers go on (drive()).
 *
 * tq_loop_step() waits once (curl_multi_poll, with the descriptors the
 * jobs wait on and the caller's own), drives the transfers, and
 * resumes every job whose wait is over.  tq_co_abort() ends a job's
 * wait at once: its transfer is taken out of the multi and fails, its
 * timers and descriptor waits return early, and every later wait
 * fails at once too, so the job unwinds through its error paths.
 *
 * Outside a job (tq-submit, tq-extract, a job process) the three calls
 * block the process as they always did.
 */
#include <sys/mman.h>
#include <sys/resource.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "tq.h"

#if defined(__SANITIZE_ADDRESS__)
#define CO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CO_ASAN 1
#endif
#endif
#ifdef CO_ASAN
#include <sanitizer/common_interface_defs.h>
#define STACK_SIZE	(1024 * 1024)
#else
#define STACK_SIZE	(256 * 1024)
#endif
#define STACK_CACHE	16		/* stacks kept for the next jobs */
/*
 * Seconds of jobs running in a step (database calls block) after which
 * the transfers go on before the next job runs: a request a job has let
 * go leaves then, not after every other job of the step.  A worker
 * taking Notion's rate in turns sent, under load, requests let go a
 * third of a second apart all at once when 8 jobs started together.
 */
#define DRIVE_EVERY	0.01

enum wait { W_NONE, W_CURL, W_TIMER, W_FD, W_PARK };

struct tq_co {
	ucontext_t	 ctx;
	char		*stack;		/* mapping, guard page first */
	size_t		 size;
	void		(*fn)(void *);
	void		*arg;
	enum wait	 wait;
	CURL		*h;		/* W_CURL */
	CURLcode	 cc;
	int		 fd;		/* W_FD */
	short		 events, revents;
	double		 wake_at;	/* W_TIMER, and W_FD's deadline */
	int		 slot;		/* W_FD: its place in this wait's set */
	int		 ready;		/* to be resumed (2: next step) */
	int		 aborted;
	int		 done;
	void		*fake;		/* ASan's fake stack */
	struct tq_co	*next;
};

static struct {
	CURLM		*multi;
	ucontext_t	 main;
	struct tq_co	*cur;
	struct tq_co	*all;
	int		 n;
	char		*cache[STACK_CACHE];
	int		 ncache;
	const void	*main_bottom;
	size_t		 main_size;
	void		(*on_wake)(double);
	double		 wake_after;
	double		 last_sent;	/* when the transfers last went on */
	double		 stall_end;	/* when the last stall ended */
	long		 conns;		/* fd_room() */
} L;

static void
fatal(const char *what)
{
	tq_log(TQ_LOG_ERROR, "loop", json_pack("{s:s,s:s}", "error", what,
	    "errno", strerror(errno)));
	abort();
}

static char *
stack_get(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *s;

	if (L.ncache > 0)
		return L.cache[--L.ncache];
	s = mmap(NULL, STACK_SIZE + pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s == MAP_FAILED)
		return NULL;
	mprotect(s, pg, PROT_NONE);	/* an overflow faults, never spills */
	return s;
}

static void
stack_put(char *s)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (L.ncache < STACK_CACHE) {
		L.cache[L.ncache++] = s;
		return;
	}
	munmap(s, STACK_SIZE + pg);
}

/*
 * The connections curl may hold, from the limit on descriptors: the
 * soft limit is first raised to the hard one (systemd gives services
 * 1024:524288 and leaves the rest to programs that need more).  A
 * reserve is kept for the backends, the log and the job processes'
 * sockets, besides the descriptors open already, and curl has half of
 * the rest, since a connection whose host is being resolved holds a
 * socket pair as well.  A transfer past it waits (http.c) and curl
 * closes an idle connection for a new one: with hundreds of jobs in
 * flight and a low ulimit -n, fewer run at once instead of failing
 * with "couldn't connect", and the connection cache cannot take the
 * descriptors that a job process needs.
 */
#define FD_RESERVE	24
#define FD_CONNS_MAX	100000L

/* Descriptors open now (inherited ones, the backends' sockets). */
static rlim_t
fds_open(void)
{
	struct dirent *d;
	rlim_t n = 0;
	DIR *dir;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

static long
fd_room(void)
{
	unsigned long cur;
	rlim_t room, reserve;

	if ((cur = tq_nofile_raise()) == 0 ||
	    cur == (unsigned long)RLIM_INFINITY)
		return FD_CONNS_MAX;
	reserve = FD_RESERVE + 2 * (rlim_t)tq_jp_procs() + fds_open();
	room = cur > reserve ? (cur - reserve) / 2 : 0;
	if (room < 1)
		room = 1;
	return room < (rlim_t)FD_CONNS_MAX ? (long)room : FD_CONNS_MAX;
}

int
tq_loop_init(void)
{
	long n;

	if (L.multi != NULL)
		return 0;
	tq_http_init();
	if ((L.multi = curl_multi_init()) == NULL)
		return -1;
	/* one connection cache for every job of the worker */
	n = L.conns = fd_room();
	curl_multi_setopt(L.multi, CURLMOPT_MAXCONNECTS, n < 256 ? n : 256L);
	if (n < FD_CONNS_MAX)
		curl_multi_setopt(L.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, n);
	return 0;
}

long
tq_loop_conns(void)
{
	return L.conns > 0 ? L.conns : FD_CONNS_MAX;
}

struct tq_co *
tq_co_current(void)
{
	return L.cur;
}

int
tq_co_count(void)
{
	return L.n;
}

/* Switch from the running job back to the loop. */
static void
yield(void)
{
	struct tq_co *co = L.cur;

#ifdef CO_ASAN
	__sanitizer_start_switch_fiber(co->done ? NULL : &co->fake,
	    L.main_bottom, L.main_size);
#endif
	if (swapcontext(&co->ctx, &L.main) == -1)
		fatal("swapcontext");
#ifdef CO_ASAN
	__sanitizer_finish_switch_fiber(co->fake, NULL, NULL);
#endif
}

static void
trampoline(unsigned int hi, unsigned int lo)
{
	struct tq_co *co = (struct tq_co *)(((uintptr_t)hi << 32) |
	    (uintptr_t)lo);

#ifdef CO_ASAN
	__sanitizer_finish_switch_fiber(NULL, &L.main_bottom, &L.main_size);
#endif
	co->fn(co->arg);
	co->done = 1;
	yield();
	abort();	/* never resumed */
}

struct tq_co *
tq_co_start(void (*fn)(void *), void *arg)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct tq_co *co;
	uintptr_t p;

	co = xcalloc(1, sizeof(*co));
	if ((co->stack = stack_get()) == NULL) {
		free(co);
		return NULL;
	}
	co->size = STACK_SIZE;
	co->fn = fn;
	co->arg = arg;
	co->fd = -1;
	if (getcontext(&co->ctx) == -1)
		fatal("getcontext");
	co->ctx.uc_stack.ss_sp = co->stack + pg;
	co->ctx.uc_stack.ss_size = STACK_SIZE;
	co->ctx.uc_link = NULL;
	p = (uintptr_t)co;
	makecontext(&co->ctx, (void (*)(void))trampoline, 2,
	    (unsigned int)(p >> 32), (unsigned int)(p & 0xffffffffu));
	co->ready = 1;
	co->next = L.all;
	L.all = co;
	L.n++;
	return co;
}

/* Run one job until it waits or ends; free it if it ended. */
static void
resume(struct tq_co *co)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct tq_co **pp;

	co->ready = 0;
	L.cur = co;
#ifdef CO_ASAN
	{
		void *fake = NULL;

		__sanitizer_start_switch_fiber(&fake, co->stack + pg,
		    co->size);
		if (swapcontext(&L.main, &co->ctx) == -1)
			fatal("swapcontext");
		__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	}
#else
	(void)pg;
	if (swapcontext(&L.main, &co->ctx) == -1)
		fatal("swapcontext");
#endif
	L.cur = NULL;
	if (!co->done)
		return;
	for (pp = &L.all; *pp != NULL; pp = &(*pp)->next)
		if (*pp == co) {
			*pp = co->next;
			break;
		}
	L.n--;
	stack_put(co->stack);
	free(co);
}

/* Wake a job from its wait now; its wait fails. */
void
tq_co_abort(struct tq_co *co)
{
	if (co == NULL || co->done)
		return;
	co->aborted = 1;
	if (co->wait == W_CURL && co->h != NULL) {
		curl_multi_remove_handle(L.multi, co->h);
		co->cc = CURLE_ABORTED_BY_CALLBACK;
	}
	if (co->wait != W_NONE)
		co->ready = 1;
}

int
tq_co_aborted(void)
{
	return L.cur != NULL && L.cur->aborted;
}

CURLcode
tq_curl_perform(CURL *h)
{
	struct tq_co *co = L.cur;

	if (co == NULL || L.multi == NULL) {
		CURLcode cc = curl_easy_perform(h);

		tq_http_done(h);
		return cc;
	}
	if (co->aborted)
		return CURLE_ABORTED_BY_CALLBACK;
	curl_easy_setopt(h, CURLOPT_PRIVATE, co);
	if (curl_multi_add_handle(L.multi, h) != CURLM_OK)
		return CURLE_FAILED_INIT;
	co->wait = W_CURL;
	co->h = h;
	co->cc = CURLE_OK;
	yield();
	co->wait = W_NONE;
	co->h = NULL;
	return co->cc;
}

void
tq_sleep(double secs)
{
	struct tq_co *co = L.cur;
	struct timespec ts;

	if (secs <= 0)
		return;
	if (co == NULL) {
		ts.tv_sec = (time_t)secs;
		ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		return;
	}
	if (co->aborted)
		return;
	co->wait = W_TIMER;
	co->wake_at = tq_mono() + secs;
	yield();
	co->wait = W_NONE;
}

/*
 * Wait until tq_co_wake() or the deadline (0: none): 1 woken, 0 timed
 * out, -1 aborted.  Outside a job there is no one to wake us: -1.
 */
int
tq_co_park(double deadline)
{
	struct tq_co *co = L.cur;

	if (co == NULL || co->aborted)
		return -1;
	co->wait = W_PARK;
	co->wake_at = deadline;
	co->revents = 0;
	yield();
	co->wait = W_NONE;
	if (co->aborted)
		return -1;
	return co->revents != 0;
}

void
tq_co_wake(struct tq_co *co)
{
	if (co != NULL && co->wait == W_PARK) {
		co->revents = 1;
		co->ready = 1;
	}
}

/*
 * Wait until fd is ready for events (POLLIN, POLLOUT) or the deadline
 * (a tq_mono() time; 0: none) passes.  1 ready, 0 timed out, -1 the job
 * was aborted.  Outside a job, poll(2).
 */
int
tq_co_wait_fd(int fd, short events, double deadline)
{
	struct tq_co *co = L.cur;
	struct pollfd p;
	int n, ms;

	if (co == NULL) {
		for (;;) {
			ms = -1;
			if (deadline > 0) {
				ms = (int)((deadline - tq_mono()) * 1000) + 1;
				if (ms < 0)
					ms = 0;
			}
			p.fd = fd;
			p.events = events;
			p.revents = 0;
			n = poll(&p, 1, ms);
			if (n == -1 && errno == EINTR)
				continue;
			return n > 0 ? 1 : n == 0 ? 0 : -1;
		}
	}
	if (co->aborted)
		return -1;
	co->wait = W_FD;
	co->fd = fd;
	co->events = events;
	co->revents = 0;
	co->wake_at = deadline;
	yield();
	co->wait = W_NONE;
	co->fd = -1;
	if (co->aborted)
		return -1;
	return co->revents != 0 ? 1 : 0;
}

void
tq_loop_on_wake(void (*fn)(double), double after)
{
	L.on_wake = fn;
	L.wake_after = after;
}

/*
 * Before the transfers go on: did this process not run for a while?
 * A step's wait began at t0 and was to last until until; the time
 * since the transfers last went on, less that wait, is time the
 * process did not run or spent between the steps.  A stop (SIGSTOP, a
 * paused VM) can land anywhere: in the wait, in a job run at the end
 * of the last step, or in the caller's work between two steps; the
 * time since the transfers last went on spans each of them.
 */
static void
woke(double t0, double until)
{
	double now = tq_mono(), from = L.last_sent > 0 ? L.last_sent : t0;
	double gap = now - from - (until > t0 ? until - t0 : 0);

	if (gap > TQ_STALL)
		L.stall_end = now;
	if (L.on_wake != NULL && gap > L.wake_after)
		L.on_wake(now - from);
}

double
tq_loop_stall_end(void)
{
	return L.stall_end;
}

/*
 * The transfers go on as far as they can without waiting; those that
 * ended make their jobs ready, or, between the jobs of a step (later),
 * ready for the next step: a step runs each job once, however many
 * transfers end while it runs, so that the caller's own work (leases,
 * signals) comes round.
 */
static void
drive(int later)
{
	struct tq_co *co;
	CURLMsg *m;
	int left, running;

	curl_multi_perform(L.multi, &running);
	while ((m = curl_multi_info_read(L.multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		co = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&co);
		/* before it leaves the multi, which owns its cache */
		tq_http_done(m->easy_handle);
		curl_multi_remove_handle(L.multi, m->easy_handle);
		if (co != NULL && co->wait == W_CURL) {
			co->cc = m->data.result;
			co->ready = later ? 2 : 1;
		}
	}
	L.last_sent = tq_mono();
}

/*
 * Wait at most timeout seconds for something to happen, drive the
 * transfers, and run every job that can go on.  fds (n of them) are
 * the caller's own, polled as well: their revents are set on return.
 */
int
tq_loop_step(double timeout, struct pollfd *fds, int n)
{
	struct curl_waitfd *w;
	struct tq_co *co;
	double now = tq_mono(), first = now + timeout, t0 = now;
	int i, k = 0, nw = 0;

	/* jobs that can go on now: started, aborted */
	for (co = L.all; co != NULL; co = co->next) {
		if (co->ready)
			first = now;
		else if (co->wait == W_FD)
			nw++;
		if ((co->wait == W_TIMER || ((co->wait == W_FD ||
		    co->wait == W_PARK) && co->wake_at > 0)) &&
		    co->wake_at < first)
			first = co->wake_at;
	}
	w = xcalloc((size_t)(nw + n) + 1, sizeof(*w));
	for (i = 0; i < n; i++) {
		w[k].fd = fds[i].fd;
		w[k].events = (short)((fds[i].events & POLLIN ?
		    CURL_WAIT_POLLIN : 0) | (fds[i].events & POLLOUT ?
		    CURL_WAIT_POLLOUT : 0));
		w[k++].revents = 0;
	}
	for (co = L.all; co != NULL; co = co->next) {
		co->slot = -1;
		if (co->wait == W_FD && !co->ready) {
			co->slot = k;
			w[k].fd = co->fd;
			w[k].events = (short)((co->events & POLLIN ?
			    CURL_WAIT_POLLIN : 0) | (co->events & POLLOUT ?
			    CURL_WAIT_POLLOUT : 0));
			w[k++].revents = 0;
		}
	}
	if (L.multi != NULL) {
		int ms = (int)((first - now) * 1000);

		if (ms < 0)
			ms = 0;
		curl_multi_poll(L.multi, w, (unsigned)k, ms, NULL);
		/*
		 * before a transfer goes on: the worker may have to drop
		 * some jobs, whose requests must not be sent on (the rest
		 * of a body that a freeze cut)
		 */
		woke(t0, first);
		drive(0);
	} else {
		struct pollfd *p = xcalloc((size_t)k + 1, sizeof(*p));
		int ms = (int)((first - now) * 1000);

		for (i = 0; i < k; i++) {
			p[i].fd = w[i].fd;
			p[i].events = (short)((w[i].events & CURL_WAIT_POLLIN ?
			    POLLIN : 0) | (w[i].events & CURL_WAIT_POLLOUT ?
			    POLLOUT : 0));
		}
		poll(p, (nfds_t)k, ms < 0 ? 0 : ms);
		woke(t0, first);
		for (i = 0; i < k; i++)
			w[i].revents = (short)((p[i].revents & (POLLIN |
			    POLLHUP | POLLERR) ? CURL_WAIT_POLLIN : 0) |
			    (p[i].revents & POLLOUT ? CURL_WAIT_POLLOUT : 0));
		free(p);
	}
	L.last_sent = tq_mono();
	for (i = 0; i < n; i++)
		fds[i].revents = (short)((w[i].revents & CURL_WAIT_POLLIN ?
		    POLLIN : 0) | (w[i].revents & CURL_WAIT_POLLOUT ?
		    POLLOUT : 0) | (w[i].revents & CURL_WAIT_POLLPRI ?
		    POLLPRI : 0));
	now = tq_mono();
	for (co = L.all; co != NULL; co = co->next) {
		if (co->slot >= 0 && !co->ready) {
			if (w[co->slot].revents != 0) {
				co->revents = w[co->slot].revents;
				co->ready = 1;
			} else if (co->wake_at > 0 && now >= co->wake_at)
				co->ready = 1;
		} else if (co->wait == W_TIMER && now >= co->wake_at)
			co->ready = 1;
		else if (co->wait == W_PARK && co->wake_at > 0 &&
		    now >= co->wake_at)
			co->ready = 1;
		if (co->ready == 2)
			co->ready = 1;
	}
	free(w);
	/*
	 * a job may end, or wake another, as it runs: look again each
	 * time; and if the jobs run so far took a while (their database
	 * calls block), the transfers go on in between
	 */
	for (;;) {
		for (co = L.all; co != NULL && co->ready != 1; co = co->next)
			;
		if (co == NULL)
			break;
		resume(co);
		if (L.multi != NULL && tq_mono() - L.last_sent > DRIVE_EVERY) {
			now = tq_mono();
			woke(now, now);
			drive(1);
		}
	}
	return L.n;
}
