/*
 * log.c - one line per event on stderr, plain "key=value" text or JSON
 * lines.  Callers never pass secrets; URLs go through tq_redact_url().
 */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tq.h"

int tq_loglevel = TQ_LOG_INFO;
int tq_logjson;
int tq_log_nowait;

/*
 * A daemon's log (tq_log_nowait) never holds it up for long: a line
 * that standard error does not take within LOG_WAIT seconds (a pipe
 * that no one reads, a stopped reader) is dropped, and so is every
 * later one it cannot take at once, until it takes one again: that
 * one is preceded by a line saying how many were dropped.  A worker
 * blocked in write(2) would heartbeat no more, its jobs would be
 * given to others as a dead worker's (a crash counted for each), and
 * it would never go on.  Lines go out in pieces of at most PIPE_BUF,
 * which a pipe that polls writable takes without blocking.
 */
#define LOG_WAIT	1.0
#define LOG_PIECE	4096

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long log_dropped;	/* lines since the last one out */
static int log_cut;			/* a line was cut short */

static const char *names[] = { "error", "warn", "info", "debug" };
/* syslog(3)'s priorities of the levels: err, warning, info, debug */
static const int prios[] = { 3, 4, 6, 7 };

/*
 * Is standard error the systemd journal?  It says so in JOURNAL_STREAM
 * ("device:inode" of the stream it gave), and a line that starts with
 * "<N>" has priority N there (journalctl -p warning), not info.  A
 * redirected stderr (2>file under the unit) is another file: no prefix.
 */
static int
to_journal(void)
{
	static int j = -1;
	struct stat st;
	unsigned long dev, ino;
	const char *v;

	if (j != -1)
		return j;
	j = 0;
	if ((v = getenv("JOURNAL_STREAM")) != NULL &&
	    sscanf(v, "%lu:%lu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
	    (unsigned long)st.st_dev == dev && (unsigned long)st.st_ino == ino)
		j = 1;
	return j;
}

int
tq_log_parse_level(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0)
			return (int)i;
	if (strcasecmp(s, "warning") == 0)
		return TQ_LOG_WARN;
	return -1;
}

int
tq_log_env(void)
{
	const char *v;
	int l;

	if ((v = getenv("TQ_LOG")) != NULL && *v) {
		if ((l = tq_log_parse_level(v)) == -1) {
			tq_seterr("TQ_LOG: %s: not error, warn, info or debug",
			    v);
			return -1;
		}
		tq_loglevel = l;
	}
	if ((v = getenv("TQ_LOG_FORMAT")) != NULL && *v) {
		if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0) {
			tq_seterr("TQ_LOG_FORMAT: %s: not text or json", v);
			return -1;
		}
		tq_logjson = strcmp(v, "json") == 0;
	}
	return 0;
}

static void
plain_value(struct tq_buf *b, json_t *v)
{
	const char *s;
	char *d;

	if (json_is_string(v)) {
		struct tq_buf q = { 0 };

		s = json_string_value(v);
		if (*s != '\0' && strcspn(s, " \t\n\"=") == strlen(s)) {
			tq_buf_addvis(b, s);
			return;
		}
		/* quote, and keep the line one line; tq_vis does the rest */
		tq_buf_addesc(&q, s);
		tq_buf_adds(b, "\"");
		tq_buf_addvis(b, q.data);
		tq_buf_adds(b, "\"");
		tq_buf_free(&q);
		return;
	}
	d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(6));
	tq_buf_adds(b, d ? d : "null");
	free(d);
}

/*
 * Write what fd 2 takes by until; -1 if it took not all of it, and
 * *cut set if it took a part.
 */
static int
put(const char *s, size_t n, double until, int *cut)
{
	while (n > 0) {
		struct pollfd p = { 2, POLLOUT, 0 };
		double left = until - tq_mono();
		ssize_t w;
		int r;

		r = poll(&p, 1, left > 0 ? (int)(left * 1000) + 1 : 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 1)
			return -1;
		w = write(2, s, n > LOG_PIECE ? LOG_PIECE : n);
		if (w == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		*cut = 1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void format(enum tq_loglevel, const char *, json_t *,
    struct tq_buf *);

static void
emit(const struct tq_buf *b)
{
	struct tq_buf d = { 0 };
	double until;
	int cut;

	if (!tq_log_nowait) {
		fwrite(b->data, 1, b->len, stderr);
		fflush(stderr);
		return;
	}
	fflush(stderr);
	pthread_mutex_lock(&log_mu);
	/* a line's wait, unless lines are being dropped */
	until = log_dropped > 0 ? 0 : tq_mono() + LOG_WAIT;
	if (log_dropped > 0) {
		if (log_cut)
			tq_buf_adds(&d, "\n");
		format(TQ_LOG_WARN, "log", json_pack("{s:I,s:s}", "dropped",
		    (json_int_t)log_dropped, "error", "standard error "
		    "took no more lines"), &d);
		cut = 0;
		if (put(d.data, d.len, 0, &cut) == -1)
			goto drop;
		log_dropped = 0;
		log_cut = 0;
	}
	cut = 0;
	if (put(b->data, b->len, until, &cut) == -1)
		goto drop;
	goto out;
drop:
	log_dropped++;
	/* the notice starts a line of its own */
	log_cut = log_cut || cut;
out:
	pthread_mutex_unlock(&log_mu);
	tq_buf_free(&d);
}

void
tq_log(enum tq_loglevel lvl, const char *event, json_t *fields)
{
	struct tq_buf b = { 0 };

	if ((int)lvl > tq_loglevel) {
		json_decref(fields);
		return;
	}
	format(lvl, event, fields, &b);
	emit(&b);
	tq_buf_free(&b);
}

/* One line of the log into b; fields are released. */
static void
format(enum tq_loglevel lvl, const char *event, json_t *fields,
    struct tq_buf *bp)
{
	char ts[40];
	struct tq_buf b = *bp;
	const char *k;
	json_t *v;

	tq_rq_time(tq_now(), ts, sizeof(ts));
	if (to_journal())
		tq_buf_addf(&b, "<%d>", prios[lvl]);
	if (tq_logjson) {
		json_t *o = json_object();
		char *d;

		json_object_set_new(o, "time", json_string(ts));
		json_object_set_new(o, "level", json_string(names[lvl]));
		json_object_set_new(o, "prog", json_string(getprogname()));
		json_object_set_new(o, "event", json_string(event));
		if (fields)
			json_object_update(o, fields);
		/* ASCII: C1 controls stay escaped for the terminal too */
		d = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
		    JSON_REAL_PRECISION(6));
		tq_buf_adds(&b, d ? d : "{}");
		free(d);
		json_decref(o);
	} else {
		tq_buf_addf(&b, "%s %-5s %s %s", ts, names[lvl],
		    getprogname(), event);
		if (fields)
			json_object_foreach(fields, k, v) {
				if (json_is_null(v))
					continue;
				tq_buf_addf(&b, " %s=", k);
				plain_value(&b, v);
			}
	}
	tq_buf_adds(&b, "\n");
	*bp = b;
	json_decref(fields);
}

void
tq_logf(enum tq_loglevel lvl, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if ((int)lvl > tq_loglevel)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	tq_log(lvl, "message", json_pack("{s:s}", "msg", msg ? msg : ""));
	free(msg);
}
