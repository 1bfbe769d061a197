/*
 * util.c - allocation that aborts on exhaustion, buffers, time, ids,
 * and the error record shared by every module.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tq.h"

/* per thread: tq-api's request threads set errors while others read */
static __thread char errbuf[1024];

/*
 * Named by the program, as every other message: "tq" told no one which
 * stage of a pipeline had died.  No stdio and no snprintf: they may
 * want the memory that there is none of.
 */
int tq_oom_exit;

void
tq_oom(void)
{
	static const char tail[] = ": out of memory\n";
	char msg[96];

	/* a job process: its worker tells it, in its own log line */
	if (tq_oom_exit != 0)
		_exit(tq_oom_exit);
	strlcpy(msg, getprogname(), sizeof(msg) - sizeof(tail) + 1);
	strlcat(msg, tail, sizeof(msg));
	(void)!write(2, msg, strlen(msg));
	abort();
}

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		tq_oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p;

	if ((p = calloc(n ? n : 1, m ? m : 1)) == NULL)
		tq_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		tq_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		tq_oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		tq_oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		tq_oom();
	va_end(ap);
	return p;
}

void
tq_buf_add(struct tq_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
tq_buf_adds(struct tq_buf *b, const char *s)
{
	tq_buf_add(b, s, strlen(s));
}

/*
 * s with a backslash before each '"' and backslash, and a newline
 * written as backslash and n: the escapes of a quoted log value and of
 * a Prometheus label value.
 */
void
tq_buf_addesc(struct tq_buf *b, const char *s)
{
	tq_buf_add(b, "", 0);
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\')
			tq_buf_addf(b, "\\%c", *s);
		else if (*s == '\n')
			tq_buf_adds(b, "\\n");
		else
			tq_buf_add(b, s, 1);
}

void
tq_buf_addf(struct tq_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		tq_oom();
	tq_buf_add(b, p, (size_t)n);
	free(p);
}

void
tq_buf_free(struct tq_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

double
tq_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
tq_no_dns(void)
{
	static int no_dns = -1;		/* read once */

	if (no_dns < 0)
		no_dns = getenv("TQ_TEST_NO_DNS") != NULL &&
		    strcmp(getenv("TQ_TEST_NO_DNS"), "1") == 0;
	return no_dns;
}

double
tq_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

char *
tq_iso_time(double t, char *buf, size_t n)
{
	struct tm tm;
	time_t s = (time_t)t;

	gmtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Is y-m-d a day of the calendar (years from 1, leap years counted)? */
int
tq_real_day(int y, int m, int d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0));
}

char *
tq_rq_time(double t, char *buf, size_t n)
{
	struct tm tm;
	time_t s = (time_t)t;
	char tmp[32];
	long us = (long)((t - (double)s) * 1e6 + 0.5);

	if (us < 0)
		us = 0;
	if (us > 999999) {
		s++;
		us = 0;
	}
	gmtime_r(&s, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%06ldZ", tmp, us);
	return buf;
}

void
tq_uuid(char out[37])
{
	unsigned char b[16];
	int i, j;

	arc4random_buf(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0, j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = "0123456789abcdef"[b[i] >> 4];
		out[j++] = "0123456789abcdef"[b[i] & 0x0f];
	}
	out[j] = '\0';
}

/*
 * strtod() for numbers people write: [+-]digits[.digits][e[+-]digits],
 * nothing else; not the hex, "inf", "nan" and leading blanks strtod()
 * takes.  *end is s when no number starts there.
 */
double
tq_strtod(const char *s, char **end)
{
	const char *p = s;
	size_t n, frac = 0;
	char buf[64];

	if (*p == '+' || *p == '-')
		p++;
	n = strspn(p, "0123456789");
	p += n;
	if (*p == '.') {
		frac = strspn(p + 1, "0123456789");
		if (n + frac > 0)
			p += 1 + frac;
	}
	if (n + frac == 0) {
		*end = (char *)s;
		return 0;
	}
	if ((*p == 'e' || *p == 'E') && isdigit((unsigned char)p[1]))
		p += 1 + strspn(p + 1, "0123456789");
	else if ((*p == 'e' || *p == 'E') && (p[1] == '+' || p[1] == '-') &&
	    isdigit((unsigned char)p[2]))
		p += 2 + strspn(p + 2, "0123456789");
	*end = (char *)p;
	/* strtod() itself, on the number alone */
	if ((size_t)(p - s) >= sizeof(buf))
		return strtod(s, NULL);
	memcpy(buf, s, p - s);
	buf[p - s] = '\0';
	return strtod(buf, NULL);
}

int
tq_parse_id(const char *s, long long *id)
{
	const char *e = NULL;
	long long v;

	if (s == NULL || *s == '\0' || strspn(s, "0123456789") != strlen(s))
		return -1;
	v = strtonum(s, 1, LLONG_MAX, &e);
	if (e != NULL)
		return -1;
	*id = v;
	return 0;
}

int
tq_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
tq_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Control characters and bytes that are not UTF-8 reach no terminal
 * raw: C0 controls, DEL and bad bytes become \xNN, C1 controls (U+0080
 * to U+009F) \u00NN.  So do the bidi embeddings, overrides and
 * isolates (U+202A to U+202E, U+2066 to U+2069), as \uNNNN: a title
 * holding one reorders the rest of the line on a terminal that does
 * bidi ("Trojan Source"), and the letters of any script order
 * themselves without them.  The marks (U+200E, U+200F, U+061C) stay:
 * they reorder nothing but the neutral characters about them.  Stops
 * before a character that would not fit in max bytes (0: no limit).
 */
static void
addvis(struct tq_buf *b, const char *s, size_t n, size_t max)
{
	char esc[12];
	size_t i, k, run;
	uint32_t c;

	for (i = run = 0; i < n; i += k) {
		k = tq_utf8_decode(s + i, n - i, &c);
		esc[0] = '\0';
		if (c < 0x20 || c == 0x7f || (c == 0xfffd && k == 1))
			snprintf(esc, sizeof(esc), "\\x%02x",
			    (unsigned char)s[i]);
		else if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a &&
		    c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)c);
		if (max > 0 && b->len + (i - run) +
		    (esc[0] ? strlen(esc) : k) >= max)
			break;
		if (esc[0] != '\0') {
			tq_buf_add(b, s + run, i - run);
			tq_buf_adds(b, esc);
			run = i + k;
		}
	}
	tq_buf_add(b, s + run, i - run);
}

void
tq_buf_addvis(struct tq_buf *b, const char *s)
{
	addvis(b, s, strlen(s), 0);
}

char *
tq_vis(const char *s)
{
	struct tq_buf b = { 0 };

	tq_buf_add(&b, "", 0);
	if (s != NULL)
		addvis(&b, s, strlen(s), 0);
	return b.data;
}

const char *
tq_vis_tmp(const char *s)
{
	static char *ring[8];
	static int next;
	char **slot = &ring[next++ % 8];

	free(*slot);
	*slot = tq_vis(s);
	return *slot;
}

/* src made visible into dst of n bytes, cut at a character boundary. */
static void
vis_into(char *dst, size_t n, const char *src)
{
	struct tq_buf b = { 0 };

	tq_buf_add(&b, "", 0);
	addvis(&b, src, strlen(src), n);
	memcpy(dst, b.data, b.len + 1);
	tq_buf_free(&b);
}

/*
 * The userinfo of a URL: *p its start (after "://"), the '@' that ends
 * it, the last one before the path; NULL if the URL has none.
 */
static const char *
userinfo_end(const char *url, const char **p)
{
	const char *q, *end, *at = NULL;

	if ((q = strstr(url, "://")) == NULL)
		return NULL;
	*p = q + 3;
	end = *p + strcspn(*p, "/?#");
	for (q = *p; q < end; q++)
		if (*q == '@')
			at = q;
	return at;
}

char *
tq_redact_url(const char *url)
{
	const char *p, *at, *colon;
	struct tq_buf b = { 0 };

	if (url == NULL)
		return xstrdup("");
	if ((at = userinfo_end(url, &p)) == NULL)
		return xstrdup(url);
	colon = memchr(p, ':', at - p);
	tq_buf_add(&b, url, p - url);
	if (colon != NULL) {
		tq_buf_add(&b, p, colon - p);
		tq_buf_adds(&b, ":***");
	} else
		tq_buf_adds(&b, "***");
	tq_buf_adds(&b, at);
	return b.data;
}

/* Replace the n bytes at p of the string s with "***", in place. */
static void
stars(char *s, char *p, size_t n)
{
	size_t tail = strlen(p + n) + 1, len = strlen(s);

	if (n == 0)
		return;
	if (n < 3) {	/* no room to grow: as many stars */
		memset(p, '*', n);
		return;
	}
	memcpy(p, "***", 3);
	memmove(p + 3, p + n, tail);
	/* the bytes freed at the end: NULs, as ps(1) shows nothing there */
	memset(s + len - (n - 3), '\0', n - 3);
}

/*
 * The userinfo of a PostgreSQL or Redis URL, as their parsers read it:
 * libpq's and redisq.c's end the authority at a '/' alone (a unix://
 * path at its '?'), so a password may hold a '?' or a '#' unescaped,
 * where a web URL's authority ends at either.  The last '@' before that
 * end, so that any reading of the password is hidden.
 */
static char *
conn_userinfo_end(char *arg, char **p)
{
	char *q, *end, *at = NULL;

	if ((q = strstr(arg, "://")) == NULL)
		return NULL;
	*p = q + 3;
	end = *p + strcspn(*p, strncmp(arg, "unix:", 5) == 0 ||
	    strncmp(arg, "redis+unix:", 11) == 0 ? "?" : "/");
	for (q = *p; q < end; q++)
		if (*q == '@')
			at = q;
	return at;
}

/*
 * Is the n bytes at k, %-decoded as libpq decodes a URI's parameter
 * names, a password's name (password, or redis+sentinel://'s
 * sentinel_password)?
 */
static int
password_name(const char *k, size_t n)
{
	char name[24];
	size_t i, j = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (j == sizeof(name) - 1)
			return 0;
		if (k[i] == '%' && i + 2 < n &&
		    (hi = tq_hexval(k[i + 1])) >= 0 &&
		    (lo = tq_hexval(k[i + 2])) >= 0) {
			name[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			name[j++] = k[i];
	}
	name[j] = '\0';
	return strcmp(name, "password") == 0 ||
	    strcmp(name, "sentinel_password") == 0;
}

void
tq_hide_password(char *arg)
{
	char *p, *q, *u, *at, *colon;
	size_t n;

	if (arg == NULL)
		return;
	if ((at = conn_userinfo_end(arg, &u)) != NULL &&
	    (colon = memchr(u, ':', (size_t)(at - u))) != NULL)
		stars(arg, colon + 1, (size_t)(at - colon - 1));
	/*
	 * password=... in a URL's query (the password in the userinfo,
	 * which may hold a '?', is stars by now), to the next '&'
	 */
	if (strstr(arg, "://") != NULL && (q = strchr(arg, '?')) != NULL)
		for (q++; *q != '\0';) {
			n = strcspn(q, "&=");
			if (q[n] == '=' && password_name(q, n)) {
				p = q + n + 1;
				stars(arg, p, strcspn(p, "&"));
			}
			q += strcspn(q, "&");
			if (*q == '&')
				q++;
		}
	/*
	 * password=... in a conninfo string, where libpq allows white
	 * space around the '=', and a value in single quotes that may
	 * hold spaces, or one whose backslash escapes a space
	 */
	for (q = arg; (q = strstr(q, "password")) != NULL; q++) {
		if (q != arg && !isspace((unsigned char)q[-1]))
			continue;
		p = q + 8;
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		if (*p == '\'') {
			for (n = 1; p[n] != '\0' && p[n] != '\''; n++)
				if (p[n] == '\\' && p[n + 1] != '\0')
					n++;
			stars(arg, p, n + (p[n] == '\''));
		} else {
			for (n = 0; p[n] != '\0' &&
			    !isspace((unsigned char)p[n]); n++)
				if (p[n] == '\\' && p[n + 1] != '\0')
					n++;
			stars(arg, p, n);
		}
	}
}

int
tq_err_set(struct tq_err *e, enum tq_errkind kind, const char *code,
    const char *fmt, ...)
{
	va_list ap;
	char tmp[sizeof(e->msg)];

	if (e == NULL)
		return -1;
	e->kind = kind;
	snprintf(e->code, sizeof(e->code), "%s", code ? code : "");
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	vis_into(e->msg, sizeof(e->msg), tmp);
	return -1;
}

void
tq_err_prefix(struct tq_err *e, const char *fmt, ...)
{
	va_list ap;
	char pre[sizeof(e->msg)], vis[sizeof(e->msg)];
	struct tq_buf b = { 0 };
	size_t n;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	vis_into(vis, sizeof(vis), pre);
	tq_buf_addf(&b, "%s: %s", vis, e->msg);
	/* cut between characters, not inside one: no bytes of half one */
	n = tq_utf8_fit(b.data, b.len, sizeof(e->msg) - 1);
	memcpy(e->msg, b.data, n);
	e->msg[n] = '\0';
	tq_buf_free(&b);
}

const char *
tq_errkind_name(enum tq_errkind k)
{
	switch (k) {
	case TQ_ERR_NONE:
		return "none";
	case TQ_ERR_TRANSIENT:
		return "transient";
	case TQ_ERR_PERMANENT:
		return "permanent";
	}
	return "permanent";
}

/*
 * Every 5xx is a server's passing trouble, retried, but for those that
 * say the request itself can never work there: 501 not implemented,
 * 505 HTTP version, 506 variant negotiates, 508 loop detected, 510 not
 * extended, 511 network authentication (a captive portal).  So the
 * statuses of CDNs and proxies are retried too: Cloudflare's 520-527
 * and 530 (the origin down, unreachable or timed out), 507, 509, 598,
 * 599.
 */
enum tq_errkind
tq_http_errkind(long status)
{
	switch (status) {
	case 408: case 409: case 425: case 429:
		return TQ_ERR_TRANSIENT;
	case 501: case 505: case 506: case 508: case 510: case 511:
		return TQ_ERR_PERMANENT;
	}
	return status >= 500 && status <= 599 ? TQ_ERR_TRANSIENT :
	    TQ_ERR_PERMANENT;
}

const char *
tq_strerror(void)
{
	return errbuf;
}

void
tq_seterr(const char *fmt, ...)
{
	va_list ap;
	char tmp[sizeof(errbuf)];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	vis_into(errbuf, sizeof(errbuf), tmp);
}

int
tq_parse_duration(const char *s, double *secs)
{
	char *end;
	double v, unit = 1;

	if (s == NULL || *s == '\0')
		return -1;
	v = tq_strtod(s, &end);
	if (end == s || v < 0 || v > 1e9)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		return -1;
	}
	/* at most 1e9 s (31 years), whatever the unit */
	if ((*end != '\0' && end[1] != '\0') || v * unit > 1e9)
		return -1;
	*secs = v * unit;
	return 0;
}

char *
tq_fmt_duration(double s, char *buf, size_t n)
{
	long t = (long)(s + 0.5);

	if (s < 0)
		snprintf(buf, n, "-");
	else if (s < 10)
		snprintf(buf, n, "%.1fs", s);
	else if (t < 60)
		snprintf(buf, n, "%lds", t);
	else if (t < 3600)
		snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, n, "%ldh%02ldm", t / 3600, t % 3600 / 60);
	else
		snprintf(buf, n, "%ldd%02ldh", t / 86400, t % 86400 / 3600);
	return buf;
}

/*
 * The soft limit on open files raised to the hard one (at most 2^20):
 * the new soft limit, or RLIM_INFINITY, or 0 if it cannot be read.
 */
unsigned long
tq_nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = rl;

		up.rlim_cur = rl.rlim_max;
		if (up.rlim_cur == RLIM_INFINITY || up.rlim_cur > 1048576)
			up.rlim_cur = 1048576;
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	return rl.rlim_cur == RLIM_INFINITY ? (unsigned long)RLIM_INFINITY :
	    (unsigned long)rl.rlim_cur;
}
