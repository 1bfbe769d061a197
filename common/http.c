/*
 * http.c - the one HTTP core: every request tq makes (the page fetch,
 * the LLM provider, the Notion client) goes through tq_http_do().
 *
 * It owns the easy handle's set-up, the limits (time, body size), the
 * header and body callbacks, the one Retry-After parser, the one
 * classifier of curl errors and HTTP statuses into struct tq_err, the
 * private-address guard, and the end of every transfer (tq_http_done:
 * a connection spoilt by a 502 or 504 is closed).  Every socket curl
 * opens goes through opensocket_cb(), which sees the address actually
 * about to be connected (after DNS, on every redirect hop) and refuses
 * internal ones unless the request allows them (a configured service,
 * not a page from the web), and every request, on a new connection or
 * a kept-alive one, through prereq_cb(), which checks the address it
 * goes to again: so neither a redirect, nor DNS rebinding, nor the
 * kept-alive connection of a configured service reaches 127.0.0.1 or
 * the cloud metadata service.  Environment proxies are
 * ignored for the same reason.  The transfer itself runs in
 * tq_curl_perform(), where a job of the worker's event loop yields.
 *
 * A request's state lives on its caller's stack, and its handle is
 * either its own or one handle of one job; the one state shared across
 * transfers is the worker's budget for bodies (the bytes in flight or
 * held, and the transfers of its loop, oldest first).  Nothing here prints:
 * messages go to struct tq_err, one lower case line with any password
 * in the URL and the request's secret replaced by ***.
 *
 * tq_fetch() GETs one web page on top of it: the content type is
 * decided from the final response's headers before its body is read,
 * and the body limit is enforced on decoded bytes while they arrive.
 *
 * About 1,200 lines, on purpose: the address guard, the header and
 * body callbacks, the error classifier and tq_http_do() all work on one
 * private transfer state (struct xfer).  Split, that state would become
 * a header every caller could reach into; whole, the file reads in the
 * order a request happens.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "tq.h"

#define DEFAULT_UA	TQ_PAGE_UA
/* what tq_fetch() reads, no more: an XML answer would be refused */
#define H_ACCEPT	"Accept: text/html,application/xhtml+xml," \
			    "text/plain;q=0.8,*/*;q=0.5"
#define H_LANGUAGE	"Accept-Language: en-US,en;q=0.9,*;q=0.5"
#define LOW_SPEED_BYTES	100	/* slower than this ... */
#define LOW_SPEED_SECS	15	/* ... for this long is a timeout */
#define MAX_ALLOW	32
#define API_UA		"tq/" TQ_VERSION
#define DEFAULT_TIMEOUT_MS	30000L
#define BUDGET_WAIT	10.0	/* s a transfer waits for the body budget */
#define DEFAULT_CONNECT_MS	10000L
#define DEFAULT_MAX_BYTES	(10 * 1024 * 1024)

enum kind {
	KIND_BAD = 0,
	KIND_HTML,
	KIND_TEXT,
	KIND_SNIFF,		/* no Content-Type: look at the body */
	KIND_XML		/* sniffed: XML but XHTML, refused as typed */
};

struct net {
	int		 family;
	unsigned char	 addr[16];
	int		 bits;
};

struct xfer {
	const struct tq_http_req *q;
	struct tq_http_resp *r;
	size_t		 max;
	long		 timeout_ms;
	long		 connect_ms;
	int		 location;	/* this response has a Location */
	char		*loc;		/* its value, for q->on_redirect */
	CURL		*h;
	int		 final;		/* final headers seen */
	struct tq_err	 stop;		/* why a callback stopped it */
	char		 refused[INET6_ADDRSTRLEN];
	struct net	 allow[MAX_ALLOW];
	int		 nallow;
	size_t		 counted;	/* body bytes in inflight_bytes */
	int		 truncated;	/* q->truncate cut the body */
	int		 coded;		/* a Content-Encoding on the answer */
	int		 in_loop;	/* a job's, under the body budget */
	int		 paused;	/* stopped reading for the budget */
	int		 sock_errno;	/* socket() failed for want of fds */
	struct xfer	*older, *newer;	/* the loop's transfers, in age */
};

static int curl_ready;

void
tq_fetch_opts_default(struct tq_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 30000;
	o->connect_timeout_ms = 10000;
	o->max_bytes = 10 * 1024 * 1024;
	o->max_redirects = 10;
}

static void budget_give(size_t);

void
tq_fetch_body_free(struct tq_fetch *f)
{
	free(f->body);
	f->body = NULL;
	f->len = 0;
	budget_give(f->held);
	f->held = 0;
}

void
tq_fetch_free(struct tq_fetch *f)
{
	if (f == NULL)
		return;
	tq_fetch_body_free(f);
	free(f->url);
	free(f->content_type);
	free(f->charset);
	memset(f, 0, sizeof(*f));
}

/* ------------------------------------------------- internal addresses */

static int
v4_internal(uint32_t a)
{
	static const struct {
		uint32_t	net;
		int		bits;
	} nets[] = {
		{ 0x00000000, 8 },	/* "this" network */
		{ 0x0a000000, 8 },	/* private */
		{ 0x64400000, 10 },	/* CGNAT */
		{ 0x7f000000, 8 },	/* loopback */
		{ 0xa9fe0000, 16 },	/* link-local, cloud metadata */
		{ 0xac100000, 12 },	/* private */
		{ 0xc0000000, 24 },	/* IETF protocol assignments */
		{ 0xc0000200, 24 },	/* TEST-NET-1 */
		{ 0xc0586300, 24 },	/* 6to4 relay anycast */
		{ 0xc0a80000, 16 },	/* private */
		{ 0xc6120000, 15 },	/* benchmarking */
		{ 0xc6336400, 24 },	/* TEST-NET-2 */
		{ 0xcb007100, 24 },	/* TEST-NET-3 */
		{ 0xe0000000, 4 },	/* multicast */
		{ 0xf0000000, 4 },	/* reserved, broadcast */
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if ((a & (0xffffffffu << (32 - nets[i].bits))) == nets[i].net)
			return 1;
	return 0;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
v6_internal(const unsigned char *a)
{
	static const unsigned char zero[12];
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
	static const unsigned char siit[12] = { [8] = 0xff, [9] = 0xff };

	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_internal(get32(a + 12));
	if (memcmp(a, siit, 12) == 0)
		return 1;	/* IPv4-translated, ::ffff:0:0:0/96: no host's */
	if (memcmp(a, zero, 12) == 0)
		return 1;	/* ::, ::1, IPv4-compatible */
	if (a[0] == 0x20 && a[1] == 0x02)	/* 6to4 */
		return v4_internal(get32(a + 2));
	if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
	    a[4] == 0x00 && a[5] == 0x01)
		return 1;	/* local-use NAT64 */
	if (a[0] == 0x01 && a[1] == 0x00 && memcmp(a + 2, zero, 6) == 0)
		return 1;	/* discard */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02)
		return 1;	/* 2001::/23: Teredo, ORCHID, benchmarking */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return 1;	/* documentation */
	if (a[0] == 0x3f && a[1] == 0xff && a[2] < 0x10)
		return 1;	/* documentation, 3fff::/20 */
	if (a[0] == 0x5f && a[1] == 0x00)
		return 1;	/* SRv6 SIDs */
	if ((a[0] & 0xfe) == 0xfc)
		return 1;	/* unique local */
	if (a[0] == 0xfe && (a[1] & 0x80) == 0x80)
		return 1;	/* link-local, site-local */
	if (a[0] == 0xff)
		return 1;	/* multicast */
	return 0;
}

static int
parse_ip(const char *s, size_t n, int *family, unsigned char *a)
{
	char buf[INET6_ADDRSTRLEN + 2];

	if (n > 0 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int
tq_ip_is_internal(const char *addr)
{
	unsigned char a[16];
	int family;

	if (addr == NULL || parse_ip(addr, strlen(addr), &family, a) == -1)
		return -1;
	return family == AF_INET ? v4_internal(get32(a)) : v6_internal(a);
}

/* opts->allow_addrs into c->allow; -1 with the bad entry in msg. */
static int
parse_allow(struct xfer *c, const char *list, char *msg, size_t msgsz)
{
	const char *p = list, *slash;
	size_t n;
	struct net *e;
	const char *err;
	char bits[8];
	int max;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		if ((n = strcspn(p, " \t,")) == 0)
			break;
		if (c->nallow == MAX_ALLOW) {
			snprintf(msg, msgsz, "more than %d allowed addresses",
			    MAX_ALLOW);
			return -1;
		}
		e = &c->allow[c->nallow];
		slash = memchr(p, '/', n);
		if (parse_ip(p, slash ? (size_t)(slash - p) : n, &e->family,
		    e->addr) == -1)
			goto bad;
		max = e->family == AF_INET ? 32 : 128;
		e->bits = max;
		if (slash != NULL) {
			if ((size_t)(p + n - slash - 1) >= sizeof(bits))
				goto bad;
			memcpy(bits, slash + 1, p + n - slash - 1);
			bits[p + n - slash - 1] = '\0';
			e->bits = strtonum(bits, 0, max, &err);
			if (err != NULL)
				goto bad;
		}
		c->nallow++;
		p += n;
	}
	return 0;
bad:
	snprintf(msg, msgsz, "bad allowed address %.*s", (int)(n > 64 ? 64 : n),
	    p);
	return -1;
}

/* 0 if list is a valid TQ_ALLOW_ADDRS, else -1 naming the bad entry. */
int
tq_http_allow_check(const char *list, char *msg, size_t msgsz)
{
	struct xfer *x = xcalloc(1, sizeof(*x));
	int ret = parse_allow(x, list, msg, msgsz);

	free(x);
	return ret;
}

static int
net_match(const struct net *e, int family, const unsigned char *a)
{
	int full = e->bits / 8, rest = e->bits % 8;

	if (e->family != family || memcmp(e->addr, a, full) != 0)
		return 0;
	return rest == 0 ||
	    ((e->addr[full] ^ a[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* 1 if we may connect to sa; else 0 with its text in c->refused. */
static int
addr_allowed(struct xfer *c, const struct sockaddr *sa)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	unsigned char a[16];
	int i, family;

	if (c->q->allow_private)
		return 1;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		memcpy(a, &s4->sin_addr, 4);
		if (!v4_internal(get32(a)))
			return 1;
	} else if (sa->sa_family == AF_INET6) {
		family = AF_INET6;
		memcpy(a, &s6->sin6_addr, 16);
		if (!v6_internal(a))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			/* An allowed 10.0.0.5 allows ::ffff:10.0.0.5. */
			for (i = 0; i < c->nallow; i++)
				if (net_match(&c->allow[i], AF_INET, a + 12))
					return 1;
		}
	} else {
		snprintf(c->refused, sizeof(c->refused), "family %d",
		    sa->sa_family);
		return 0;
	}
	for (i = 0; i < c->nallow; i++)
		if (net_match(&c->allow[i], family, a))
			return 1;
	inet_ntop(family, a, c->refused, sizeof(c->refused));
	return 0;
}

static curl_socket_t
opensocket_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct xfer *c = arg;
	curl_socket_t s;

	(void)purpose;
	if (!addr_allowed(c, &sa->addr))
		return CURL_SOCKET_BAD;
	s = socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
	if (s == CURL_SOCKET_BAD && (errno == EMFILE || errno == ENFILE))
		c->sock_errno = errno;
	return s;
}

/* TQ_TEST_NO_DNS=1 (tq_no_dns()): no DNS query for a.example */

static int
no_dns_cb(void *state, void *reserved, void *arg)
{
	struct xfer *x = arg;
	unsigned char a[16];
	char *url = NULL, *host = NULL, *h;
	CURLU *u;
	size_t n;
	int refuse = 1;

	(void)state;
	(void)reserved;
	if (curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK ||
	    url == NULL || (u = curl_url()) == NULL)
		return 1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		h = host;
		n = strlen(h);
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
			h[n - 1] = '\0';
			h++;
		}
		refuse = strcasecmp(h, "localhost") != 0 &&
		    inet_pton(AF_INET, h, a) != 1 &&
		    inet_pton(AF_INET6, h, a) != 1;
	}
	curl_free(host);
	curl_url_cleanup(u);
	return refuse;
}

/*
 * The same check before each request is sent, on the connection it
 * goes out on.  opensocket_cb() sees only new connections: a page's
 * request (or a redirect hop) to the host and port of a configured
 * service, an Ollama on localhost, would otherwise go out on the
 * kept-alive connection of an earlier request that was allowed it.
 */
static int
prereq_cb(void *arg, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct xfer *c = arg;
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (c->q->allow_private)
		return CURL_PREREQFUNC_OK;
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, primary_ip, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		if (addr_allowed(c, (struct sockaddr *)&s4))
			return CURL_PREREQFUNC_OK;
	} else if (inet_pton(AF_INET6, primary_ip, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		if (addr_allowed(c, (struct sockaddr *)&s6))
			return CURL_PREREQFUNC_OK;
	} else	/* no address to check: a unix socket, a proxy */
		snprintf(c->refused, sizeof(c->refused), "%.40s",
		    primary_ip);
	return CURL_PREREQFUNC_ABORT;
}

/* ---------------------------------------------------------- headers */

static enum kind
media_kind(const char *ctype, char *media, size_t msz)
{
	size_t n, i;
	const char *comma;

	/* "text/html, text/html": a header a proxy merged; the last */
	while ((comma = strchr(ctype, ',')) != NULL &&
	    comma < ctype + strcspn(ctype, ";"))
		ctype = comma + 1;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	n = strcspn(ctype, "; \t");
	if (n >= msz)
		n = msz - 1;
	for (i = 0; i < n; i++)
		media[i] = ctype[i] >= 'A' && ctype[i] <= 'Z' ?
		    ctype[i] - 'A' + 'a' : ctype[i];
	media[n] = '\0';
	if (n == 0)
		return KIND_SNIFF;
	if (strcmp(media, "text/html") == 0 ||
	    strcmp(media, "application/xhtml+xml") == 0)
		return KIND_HTML;
	if (strcmp(media, "text/plain") == 0)
		return KIND_TEXT;
	return KIND_BAD;
}

/* The charset parameter of a Content-Type, or NULL; caller frees. */
static char *
ctype_charset(const char *ct)
{
	const char *p = ct, *v;
	size_t n;

	while ((p = strchr(p, ';')) != NULL) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "charset", 7) != 0)
			continue;
		v = p + 7 + strspn(p + 7, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t");
		if (*v == '"') {
			v++;
			n = strcspn(v, "\"");
		} else
			n = strcspn(v, "; \t");
		return n > 0 ? xstrndup(v, n) : NULL;
	}
	return NULL;
}

/*
 * Go duration ("1s", "6m0s", "12ms", "1h2m3.5s") or bare seconds, as
 * x-ratelimit-reset-* and some Retry-After values are; -1 if neither.
 */
static double
parse_duration(const char *s)
{
	double total = 0, v, mul;
	char *e;
	int any = 0;

	s += strspn(s, " \t");
	if (*s == '+')
		s++;
	while (*s != '\0' && *s != ' ' && *s != '\t') {
		if ((*s < '0' || *s > '9') && *s != '.')
			return -1;
		v = strtod(s, &e);
		if (e == s || !isfinite(v))
			return -1;
		s = e;
		if (strncmp(s, "ns", 2) == 0)
			mul = 1e-9, s += 2;
		else if (strncmp(s, "us", 2) == 0)
			mul = 1e-6, s += 2;
		else if (strncmp(s, "\xc2\xb5s", 3) == 0 ||
		    strncmp(s, "\xce\xbcs", 3) == 0)
			mul = 1e-6, s += 3;
		else if (strncmp(s, "ms", 2) == 0)
			mul = 1e-3, s += 2;
		else if (*s == 's')
			mul = 1, s++;
		else if (*s == 'm')
			mul = 60, s++;
		else if (*s == 'h')
			mul = 3600, s++;
		else if (!any && (*s == '\0' || *s == ' ' || *s == '\t'))
			mul = 1;
		else
			return -1;
		total += v * mul;
		any = 1;
	}
	return any ? total : -1;
}

/*
 * The one Retry-After parser: delay-seconds (a fraction or a Go
 * duration taken too, capped at a year) or an HTTP date, 0 for one in
 * the past; -1 for garbage (a negative number among it).
 */
static double
retry_after_secs(const char *v)
{
	double d;
	time_t t;

	v += strspn(v, " \t");
	if (*v >= '0' && *v <= '9') {
		/* "120, 120": the header twice, merged by a proxy */
		char first[64];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(v, ","), v);
		if ((d = parse_duration(tq_trim(first))) < 0)
			return -1;
	} else if ((t = curl_getdate(v, NULL)) == -1)
		return -1;
	else
		d = (double)(t - time(NULL));
	return d < 0 ? 0 : d > 365 * 86400.0 ? 365 * 86400.0 : d;
}

/* The same, 0 for none, garbage or the past. */
double
tq_http_retry_after(const char *v)
{
	double d = retry_after_secs(v);

	return d < 0 ? 0 : d;
}

static int
stop(struct xfer *x, enum tq_errkind kind, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Stop the transfer (a callback returns 0) with this error. */
static int
stop(struct xfer *x, enum tq_errkind kind, const char *code,
    const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tq_err_set(&x->stop, kind, code, "%s", msg);
	return 0;
}

static void
size_text(size_t n, char *buf, size_t bufsz)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(buf, bufsz, "%zu MiB", n / (1024 * 1024));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, bufsz, "%zu KiB", n / 1024);
	else
		snprintf(buf, bufsz, "%zu bytes", n);
}

static int
too_big(struct xfer *x)
{
	char lim[32];

	size_text(x->max, lim, sizeof(lim));
	return stop(x, TQ_ERR_PERMANENT, "too_big", "body exceeds %s", lim);
}

static int
is_redirect(long st)
{
	return st == 300 || st == 301 || st == 302 || st == 303 ||
	    st == 307 || st == 308;
}

/*
 * A redirect curl is about to follow: its target, made absolute from
 * the URL of this response, goes to q->on_redirect first.  1 to go on,
 * 0 to stop (x->stop says why).
 */
static char	*strip_userinfo(const char *);

static int
redirect_ok(struct xfer *x)
{
	CURLU *u;
	char *cur = NULL, *to = NULL, *clean, *scheme = NULL;
	int ok;

	if (x->q->on_redirect == NULL)
		return 1;
	curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &cur);
	if (x->loc == NULL || cur == NULL || (u = curl_url()) == NULL) {
		tq_err_set(&x->stop, TQ_ERR_PERMANENT, "redirects",
		    "a redirect without a usable Location");
		return 0;
	}
	/*
	 * Read as curl follows it (a space or a non-ASCII octet encoded),
	 * so that the hop judged is the one it requests.  Else curl
	 * refuses it too, and says why: a bad URL, or a scheme but http
	 * and https (the redirect protocols), which no site's turn or
	 * robots.txt is asked for
	 */
	if (curl_url_set(u, CURLUPART_URL, cur, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, x->loc, CURLU_URLENCODE |
	    CURLU_ALLOW_SPACE) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    curl_url_get(u, CURLUPART_URL, &to, 0) != CURLUE_OK) {
		curl_free(scheme);
		curl_url_cleanup(u);
		return 1;
	}
	curl_free(scheme);
	curl_url_cleanup(u);
	clean = strip_userinfo(to);
	curl_free(to);
	ok = x->q->on_redirect(x->q->arg, clean, &x->stop) == 0;
	if (!ok && x->stop.kind == TQ_ERR_NONE)
		tq_err_set(&x->stop, TQ_ERR_PERMANENT, "stopped",
		    "stopped at a redirect");
	free(clean);
	return ok;
}

/* The final response's headers are in: go on reading its body? */
static int
headers_done(struct xfer *x)
{
	struct tq_http_resp *r = x->r;

	x->final = 1;
	if (r->status < 200 || r->status > 299)
		return x->q->error_body;	/* an error page: wanted? */
	if (r->status == 206) {
		/* a piece of the page: tq asks for no range */
		tq_err_set(&x->stop, TQ_ERR_TRANSIENT, "partial_content",
		    "the server answered 206 Partial Content to a request "
		    "for the whole page");
		x->stop.http_status = 206;
		return 0;
	}
	if (x->q->on_headers != NULL &&
	    x->q->on_headers(x->q->arg, r, &x->stop) == -1) {
		if (x->stop.kind == TQ_ERR_NONE)
			tq_err_set(&x->stop, TQ_ERR_PERMANENT, "stopped",
			    "stopped after the headers");
		return 0;
	}
	if (r->content_length > 0 && !x->q->truncate &&
	    (unsigned long long)r->content_length > x->max)
		return too_big(x);
	return 1;
}

/*
 * Does a Content-Encoding list name a coding libcurl cannot undo?  A
 * server's "utf-8" or "text": browsers read such a body as it is.
 */
static int
odd_coding(const char *list)
{
	static const char *const known[] = {
		"gzip", "x-gzip", "deflate", "br", "zstd", "identity", NULL
	};
	const char *p = list;
	size_t n;
	int k, odd = 0;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		if ((n = strcspn(p, " \t,")) == 0)
			break;
		for (k = 0; known[k] != NULL; k++)
			if (strlen(known[k]) == n &&
			    strncasecmp(p, known[k], n) == 0)
				break;
		odd |= known[k] == NULL;
		p += n;
	}
	return odd;
}

static size_t
header_cb(char *p, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	struct tq_http_resp *r = x->r;
	size_t len = size * nitems, n = len, k;
	const char *v, *err;
	char val[256];
	double d;

	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		v = memchr(p, ' ', n);
		r->status = v != NULL && v + 4 <= p + n ?
		    strtol(v + 1, NULL, 10) : 0;
		r->content_type[0] = '\0';
		r->retry_after = 0;
		r->retry_after_asked = 0;
		r->retry_now = 0;
		r->content_length = -1;
		r->request_id[0] = '\0';
		r->processing_ms = -1;
		r->odd_coding = 0;
		x->coded = 0;
		r->body.len = 0;
		x->location = 0;
		free(x->loc);
		x->loc = NULL;
		return len;
	}
	if (n == 0) {
		if (x->final || (r->status >= 100 && r->status <= 199))
			return len;
		if (x->q->follow && x->location && is_redirect(r->status))
			return redirect_ok(x) ? len : 0;  /* curl follows it */
		return headers_done(x) ? len : 0;
	}
	if (x->final || (v = memchr(p, ':', n)) == NULL)
		return len;	/* trailers change nothing */
	k = n - (v + 1 - p);
	if (k >= sizeof(val))
		k = sizeof(val) - 1;
	memcpy(val, v + 1, k);
	val[k] = '\0';
	n = v - p;
	d = -1;
	if (n == 12 && strncasecmp(p, "content-type", n) == 0)
		snprintf(r->content_type, sizeof(r->content_type), "%s",
		    tq_trim(val));
	else if (n == 16 && strncasecmp(p, "content-encoding", n) == 0) {
		r->odd_coding |= odd_coding(val);
		x->coded = 1;
	} else if (n == 11 && strncasecmp(p, "retry-after", n) == 0) {
		d = retry_after_secs(val);
		/* "0" or a date past: again at once, not "none" */
		if (d == 0)
			r->retry_now = 1;
		if (d > r->retry_after_asked)
			r->retry_after_asked = d;
	} else if (n == 14 && strncasecmp(p, "retry-after-ms", n) == 0) {
		/* Azure OpenAI's, as OpenAI's SDKs read it */
		long long ms = strtonum(tq_trim(val), 0, 86400000LL, &err);

		if (err == NULL)
			d = ms / 1000.0;
		if (d > r->retry_after_asked)
			r->retry_after_asked = d;
	}
	else if ((n == 26 && strncasecmp(p, "x-ratelimit-reset-requests",
	    n) == 0) || (n == 24 && strncasecmp(p, "x-ratelimit-reset-tokens",
	    n) == 0))
		d = parse_duration(val);
	else if (n == 14 && strncasecmp(p, "content-length", n) == 0) {
		long long cl = strtonum(tq_trim(val), 0, LLONG_MAX, &err);

		/*
		 * RFC 9112 6.3: lengths that differ make the message's end
		 * unknown (a smuggling trick, or a broken server): no body
		 * read by one of them is the page
		 */
		if (err == NULL && r->content_length >= 0 &&
		    cl != r->content_length) {
			tq_err_set(&x->stop, TQ_ERR_PERMANENT, "protocol",
			    "conflicting Content-Length headers");
			return 0;
		}
		r->content_length = err != NULL ? -1 : cl;
	} else if (n == 8 && strncasecmp(p, "location", n) == 0) {
		/*
		 * curl follows no empty Location (white space alone): the
		 * 3xx itself is the answer
		 */
		for (k = 1; v + k < p + len && (v[k] == ' ' || v[k] == '\t' ||
		    v[k] == '\r' || v[k] == '\n'); k++)
			;
		if (v + k == p + len)
			return len;
		x->location = 1;
		/* whole, from the line: val holds 255 bytes at most */
		if (x->q->on_redirect != NULL && x->loc == NULL) {
			v++;
			while (v < p + len && (*v == ' ' || *v == '\t'))
				v++;
			k = p + len - v;
			while (k > 0 && (v[k - 1] == '\r' || v[k - 1] == '\n' ||
			    v[k - 1] == ' ' || v[k - 1] == '\t'))
				k--;
			x->loc = xstrndup(v, k);
		}
	}
	else if (n == 12 && strncasecmp(p, "x-request-id", n) == 0) {
		char *s = tq_trim(val);
		size_t i;

		for (i = 0; s[i] != '\0' && i + 1 < sizeof(r->request_id);
		    i++)
			r->request_id[i] = s[i] > ' ' && s[i] < 0x7f ? s[i] :
			    '?';
		r->request_id[i] = '\0';
	} else if (n == 20 &&
	    strncasecmp(p, "openai-processing-ms", n) == 0) {
		r->processing_ms = strtonum(tq_trim(val), 0, LONG_MAX, &err);
		if (err != NULL)
			r->processing_ms = -1;
	}
	/* the longest of the waits a server asks for */
	if (d > r->retry_after)
		r->retry_after = d;
	return len;
}

/*
 * Bytes of the bodies being received now, in this process, and of
 * those received and still held (q->hold: a page's body until it is
 * handed to a job process, see tq_fetch_body_free()), and the transfers
 * of the worker's loop, oldest first.  A transfer that would take the
 * bodies past the budget (TQ_BODY_BUDGET) stops reading: libcurl keeps
 * the chunk it offered, the rest waits in the socket (TCP holds the
 * server back), until bytes are given back.  The oldest transfer stops
 * only while the bodies held take the whole budget by themselves, and
 * they go on their own (a job process is never waiting for a transfer),
 * so one always goes on: the bodies stay within the budget, two bodies
 * (TQ_MAX_BODY) and a chunk for each transfer, those over HTTP/2 aside
 * (multiplexed() says why).
 */
static size_t inflight_bytes, held_bytes;
static struct xfer *oldest, *newest;
static long nxfers;		/* transfers of the loop */

/* Whether x, a transfer of the loop, is to stop before n bytes more. */
static int
budget_stops(const struct xfer *x, size_t n)
{
	size_t b = (size_t)tq_cfg.body_budget;

	if (tq_cfg.body_budget <= 0 || !x->in_loop)
		return 0;
	return x == oldest ? held_bytes >= b : inflight_bytes + n > b;
}

/* Bytes given back: the transfers they held go on, oldest first. */
static void
budget_wake(void)
{
	struct xfer *y;

	for (y = oldest; y != NULL; y = y->newer) {
		if (!y->paused)
			continue;
		if (budget_stops(y, 1))
			break;
		/* its chunk may come, and stop it again, in this call */
		y->paused = 0;
		curl_easy_pause(y->h, CURLPAUSE_CONT);
	}
}

static void
budget_give(size_t n)
{
	if (n == 0)
		return;
	inflight_bytes -= n;
	held_bytes -= n;
	budget_wake();
}

static void
budget_join(struct xfer *x)
{
	x->in_loop = 1;
	nxfers++;
	x->older = newest;
	x->newer = NULL;
	if (newest != NULL)
		newest->newer = x;
	else
		oldest = x;
	newest = x;
}

/*
 * x ended: its bytes go back, or with q->hold stay counted, held by
 * its response until tq_http_resp_free(); the transfers it held go on.
 */
static void
budget_leave(struct xfer *x)
{
	if (x->q->hold) {
		x->r->held = x->counted;
		held_bytes += x->counted;
	} else
		inflight_bytes -= x->counted;
	x->counted = 0;
	if (!x->in_loop)
		return;
	if (x->older != NULL)
		x->older->newer = x->newer;
	else
		oldest = x->newer;
	if (x->newer != NULL)
		x->newer->older = x->older;
	else
		newest = x->older;
	x->in_loop = 0;
	nxfers--;
	budget_wake();
}

/*
 * Whether x came over HTTP/2 or later.  libcurl stops a whole HTTP/2
 * connection while one of its streams holds data it cannot deliver,
 * so a stopped stream could hold the oldest transfer, sharing its
 * connection, as well: such a transfer reads on.
 */
static int
multiplexed(struct xfer *x)
{
	long v = 0;

	curl_easy_getinfo(x->h, CURLINFO_HTTP_VERSION, &v);
	return v != CURL_HTTP_VERSION_1_0 && v != CURL_HTTP_VERSION_1_1;
}

size_t
tq_http_inflight(void)
{
	return inflight_bytes;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (budget_stops(x, n) && !multiplexed(x)) {
		x->paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}

	if ((n > x->max || x->r->body.len > x->max - n) && x->q->truncate) {
		/* keep the first max bytes, and stop there: no error */
		tq_buf_add(&x->r->body, p, x->max - x->r->body.len);
		x->truncated = 1;
		return 0;
	}
	if (n > x->max || x->r->body.len > x->max - n)
		return too_big(x);
	tq_buf_add(&x->r->body, p, n);
	inflight_bytes += n;
	x->counted += n;
	return n;
}
/* ----------------------------------------------------------- errors */

static const char *
reason(long status)
{
	static const struct {
		int		 code;
		const char	*text;
	} tab[] = {
		{ 300, "multiple choices" }, { 304, "not modified" },
		{ 305, "use proxy" }, { 400, "bad request" },
		{ 401, "unauthorized" }, { 402, "payment required" },
		{ 403, "forbidden" }, { 404, "not found" },
		{ 405, "method not allowed" }, { 406, "not acceptable" },
		{ 407, "proxy authentication required" },
		{ 408, "request timeout" }, { 409, "conflict" },
		{ 410, "gone" }, { 411, "length required" },
		{ 412, "precondition failed" }, { 413, "content too large" },
		{ 414, "uri too long" }, { 415, "unsupported media type" },
		{ 416, "range not satisfiable" }, { 417, "expectation failed" },
		{ 418, "i'm a teapot" }, { 421, "misdirected request" },
		{ 422, "unprocessable content" }, { 423, "locked" },
		{ 424, "failed dependency" }, { 425, "too early" },
		{ 426, "upgrade required" }, { 428, "precondition required" },
		{ 429, "too many requests" },
		{ 431, "request header fields too large" },
		{ 451, "unavailable for legal reasons" },
		{ 500, "internal server error" }, { 501, "not implemented" },
		{ 502, "bad gateway" }, { 503, "service unavailable" },
		{ 504, "gateway timeout" },
		{ 505, "http version not supported" },
		{ 507, "insufficient storage" }, { 508, "loop detected" },
		{ 511, "network authentication required" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].code == status)
			return tab[i].text;
	return NULL;
}

static void
lower_line(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
	}
}

char *
tq_scrubbed(const char *msg, const char *secret)
{
	struct tq_buf b = { 0 };
	const char *p = msg, *q;
	size_t n = secret != NULL ? strlen(secret) : 0;

	tq_buf_add(&b, "", 0);
	for (; n > 0 && (q = strstr(p, secret)) != NULL; p = q + n) {
		tq_buf_add(&b, p, q - p);
		tq_buf_adds(&b, "***");
	}
	tq_buf_adds(&b, p);
	return b.data;
}

/* Replace every occurrence of secret in msg (of size sz) by ***. */
static void
scrub(char *msg, size_t sz, const char *secret)
{
	char *t;

	if (secret == NULL || *secret == '\0' || strstr(msg, secret) == NULL)
		return;
	t = tq_scrubbed(msg, secret);
	snprintf(msg, sz, "%s", t);
	free(t);
}

/* Take url's password, plain and %-encoded, out of err->msg. */
static void
scrub_url(struct tq_err *err, const char *url)
{
	CURLU *u;
	char *pw = NULL;

	if (url == NULL || (u = curl_url()) == NULL)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_URLENCODE) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
			scrub(err->msg, sizeof(err->msg), pw);
			curl_free(pw);
		}
		if (curl_url_get(u, CURLUPART_PASSWORD, &pw, CURLU_URLDECODE) ==
		    CURLUE_OK) {
			scrub(err->msg, sizeof(err->msg), pw);
			curl_free(pw);
		}
	}
	curl_url_cleanup(u);
}

/*
 * A URL without user:password@ nor #fragment, for out->url and a hop:
 * a page is what a link names, and a link has no fragment (url.c); a
 * Location's "#part" names a part of the page, never another page.
 */
static char *
strip_userinfo(const char *url)
{
	CURLU *u;
	char *s = NULL, *r;

	if ((u = curl_url()) == NULL)
		return tq_redact_url(url);
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_URLENCODE) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_USER, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return tq_redact_url(url);
	}
	r = xstrdup(s);
	curl_free(s);
	curl_url_cleanup(u);
	return r;
}

/* The soft limit on descriptors, as text. */
static const char *
fd_limit(char *buf, size_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY)
		snprintf(buf, n, "unlimited");
	else
		snprintf(buf, n, "%llu", (unsigned long long)rl.rlim_cur);
	return buf;
}

static void
secs_text(long ms, char *buf, size_t n)
{
	snprintf(buf, n, "%g s", ms / 1000.0);
}

/* Classify a failed transfer. */
static int
curl_failed(struct xfer *x, CURL *h, CURLcode rc, const char *ebuf,
    struct tq_err *err)
{
	char what[CURL_ERROR_SIZE], t[32];
	long oserr = 0, connected = 0, conns = -1;
	curl_off_t ct = 0, pt = 0;

	snprintf(what, sizeof(what), "%s", *ebuf ? ebuf :
	    curl_easy_strerror(rc));
	lower_line(what);
	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &ct) == CURLE_OK &&
	    ct > 0)
		connected = 1;
	/*
	 * A request sent on a kept-alive connection: no connect time, as
	 * no connect was made, but the request went out
	 */
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
	if (curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pt) ==
	    CURLE_OK && pt > 0)
		connected = 1;
	/* Not sent unless said otherwise below. */
	x->r->maybe_sent = 1;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		if (strstr(what, "too slow") != NULL)
			return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
			    "timeout: under %d bytes/s for %d s",
			    LOW_SPEED_BYTES, LOW_SPEED_SECS);
		if (!connected && x->r->status == 0) {
			x->r->maybe_sent = 0;
			secs_text(x->connect_ms, t, sizeof(t));
			return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
			    "connect timeout after %s", t);
		}
		secs_text(x->timeout_ms, t, sizeof(t));
		if (conns == 0 && x->r->status == 0)
			return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
			    "timeout after %s: no answer on a kept-alive "
			    "connection", t);
		return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
		    "timeout after %s", t);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		x->r->maybe_sent = 0;
		return tq_err_set(err, TQ_ERR_TRANSIENT, "dns", "%s", what);
	case CURLE_COULDNT_CONNECT:
		x->r->maybe_sent = 0;
		if (x->sock_errno != 0) {
			/* the worker's want, not the site's fault */
			tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "cannot "
			    "open a socket: %s (ulimit -n %s)",
			    strerror(x->sock_errno), fd_limit(t, sizeof(t)));
			err->retry_after = 5;
			return -1;
		}
		if (x->refused[0] != '\0')
			return tq_err_set(err, TQ_ERR_PERMANENT,
			    "private_address",
			    "address %s is not allowed (internal)",
			    x->refused);
		if (oserr != 0) {
			snprintf(what, sizeof(what), "%s",
			    strerror((int)oserr));
			lower_line(what);
		}
		return tq_err_set(err, TQ_ERR_TRANSIENT, "connect", "%s", what);
	case CURLE_TOO_MANY_REDIRECTS:
		return tq_err_set(err, TQ_ERR_PERMANENT, "redirects",
		    "too many redirects");
	case CURLE_UNSUPPORTED_PROTOCOL:
		x->r->maybe_sent = x->r->redirects > 0;
		/* or an answer in no HTTP (0.9, or none): curl's words */
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url", "%s",
		    x->r->redirects > 0 ? "redirect to an unsupported scheme" :
		    what);
	case CURLE_URL_MALFORMAT:
		x->r->maybe_sent = 0;
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL");
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		x->r->maybe_sent = 0;
		return tq_err_set(err, TQ_ERR_PERMANENT, "tls", "%s", what);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
		return tq_err_set(err, TQ_ERR_TRANSIENT, "tls", "%s", what);
	case CURLE_BAD_CONTENT_ENCODING:
		return tq_err_set(err, TQ_ERR_PERMANENT, "encoding", "%s",
		    what);
	case CURLE_FILESIZE_EXCEEDED:
		too_big(x);
		*err = x->stop;
		return -1;
	case CURLE_RECV_ERROR:
		/* libcurl's limit on all the headers (300 KiB), met again */
		if (strstr(what, "too large response headers") != NULL)
			return tq_err_set(err, TQ_ERR_PERMANENT,
			    "headers_too_large", "response headers too large "
			    "(libcurl takes 300 KiB of them at most)");
		/* FALLTHROUGH */
	case CURLE_SEND_ERROR:
		if (oserr != 0) {
			snprintf(what, sizeof(what), "%s",
			    strerror((int)oserr));
			lower_line(what);
		}
		return tq_err_set(err, TQ_ERR_TRANSIENT, "network", "%s",
		    what);
	case CURLE_OUT_OF_MEMORY:
		/*
		 * During a transfer: libcurl's limit on a response header
		 * (100 KiB) or on all of them, which the same request meets
		 * again
		 */
		if (x->r->status > 0 || x->r->maybe_sent)
			return tq_err_set(err, TQ_ERR_PERMANENT,
			    "headers_too_large", "response headers too large "
			    "(libcurl takes 100 KiB a header at most)");
		return tq_err_set(err, TQ_ERR_TRANSIENT, "network", "%s",
		    what);
	case CURLE_ABORTED_BY_CALLBACK:
		/* prereq_cb() refused a kept-alive connection: not sent */
		if (x->refused[0] != '\0') {
			x->r->maybe_sent = 0;
			return tq_err_set(err, TQ_ERR_PERMANENT,
			    "private_address",
			    "address %s is not allowed (internal)",
			    x->refused);
		}
		/* FALLTHROUGH */
	default:
		return tq_err_set(err, TQ_ERR_TRANSIENT, "network", "%s",
		    what);
	}
}

/* The one classifier of an HTTP status: http_NNN, kind, Retry-After. */
static int
status_failed(const struct tq_http_resp *r, struct tq_err *err)
{
	const char *why = reason(r->status);

	if (why != NULL)
		tq_err_set(err, tq_http_errkind(r->status), "",
		    "http %ld %s", r->status, why);
	else
		tq_err_set(err, tq_http_errkind(r->status), "", "http %ld",
		    r->status);
	snprintf(err->code, sizeof(err->code), "http_%ld", r->status);
	err->http_status = (int)r->status;
	err->retry_after = r->retry_after;
	err->retry_now = r->retry_now && r->retry_after == 0;
	return -1;
}
/* ---------------------------------------------------------- request */

static void
global_init(void)
{
	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = 1;
	}
}

void
tq_http_init(void)
{
	global_init();
}

/* WHATWG MIME sniffing's "text/html" patterns, for a missing type. */
static enum kind
sniff(const char *s, size_t n)
{
	static const char *tags[] = { "<!doctype html", "<html", "<head",
	    "<script", "<iframe", "<h1", "<div", "<font", "<table", "<a",
	    "<style", "<title", "<b", "<body", "<br", "<p" };
	size_t i, k;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' ||
	    *s == '\r' || *s == '\f'))
		s++, n--;
	if (n == 0)
		return KIND_HTML;	/* empty: as good as any */
	if (n >= 4 && memcmp(s, "<!--", 4) == 0)
		return KIND_HTML;
	/*
	 * XHTML: an XML declaration, then a doctype or <html; other XML
	 * (a feed, a sitemap) is refused, as it is with its type
	 */
	if (n >= 5 && memcmp(s, "<?xml", 5) == 0) {
		const char *e = memmem(s, n < 1024 ? n : 1024, "?>", 2);

		if (e != NULL)
			return sniff(e + 2, n - (size_t)(e + 2 - s)) ==
			    KIND_HTML ? KIND_HTML : KIND_XML;
	}
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		k = strlen(tags[i]);
		if (n > k && strncasecmp(s, tags[i], k) == 0 &&
		    (s[k] == ' ' || s[k] == '>' || s[k] == '\t' ||
		    s[k] == '\n' || s[k] == '\r' || s[k] == '\f' ||
		    s[k] == '/'))
			return KIND_HTML;
	}
	for (i = 0; i < n && i < 1024; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r' && s[i] != '\f' &&
		    s[i] != 0x1b) || s[i] == 0x7f)
			return KIND_BAD;
	return KIND_TEXT;
}

/*
 * A proxy or gateway that answered 502 or 504 on a kept-alive HTTP/1
 * connection may answer every later request on it the same way, until
 * the connection is closed (Notion's clients met this: specs/notion-
 * api.md section 11).  A retry asks for a new connection, but the old
 * one would stay in the worker's cache for the next request of any
 * job.  So it is shut down here, at the end of the transfer, while it
 * is still in the cache and its socket still its own: libcurl checks an
 * idle connection before it reuses it, finds this one closed, drops it
 * and connects anew.  An HTTP/2 connection may carry other streams: it
 * is left alone.
 */
void
tq_http_done(CURL *h)
{
	curl_socket_t s = CURL_SOCKET_BAD;
	long code = 0, ver = 0;

	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
	    (code != 502 && code != 504) ||
	    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &ver) != CURLE_OK ||
	    (ver != CURL_HTTP_VERSION_1_0 && ver != CURL_HTTP_VERSION_1_1))
		return;
	if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &s) == CURLE_OK &&
	    s != CURL_SOCKET_BAD)
		shutdown(s, SHUT_RDWR);
}

int
tq_http_get(struct tq_http_req *q, struct tq_http_resp *r,
    struct tq_err *err)
{
	int ret = tq_http_do(q, r, err);

	if (ret == -1 && q->decode && r->odd_coding &&
	    strcmp(err->code, "encoding") == 0) {
		tq_http_resp_free(r);
		q->decode = 0;
		ret = tq_http_do(q, r, err);
		q->decode = 1;
	}
	return ret;
}

void
tq_http_resp_free(struct tq_http_resp *r)
{
	if (r == NULL)
		return;
	budget_give(r->held);
	tq_buf_free(&r->body);
	free(r->url);
	memset(r, 0, sizeof(*r));
}

void
tq_scrub(char *s, size_t sz, const char *secret)
{
	if (s != NULL && secret != NULL && strlen(secret) >= 4)
		scrub(s, sz, secret);
}

void
tq_err_scrub(struct tq_err *err, const char *secret)
{
	if (err != NULL)
		tq_scrub(err->msg, sizeof(err->msg), secret);
}

int
tq_http_do(const struct tq_http_req *q, struct tq_http_resp *r,
    struct tq_err *errp)
{
	struct tq_err dummy, *err = errp ? errp : &dummy;
	struct xfer x;
	char ebuf[CURL_ERROR_SIZE], *eff = NULL;
	const char *method;
	CURLcode rc;
	CURL *h;
	long redirects = 0;
	curl_off_t us = 0;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	memset(err, 0, sizeof(*err));
	r->content_length = -1;
	r->processing_ms = -1;
	memset(&x, 0, sizeof(x));
	x.q = q;
	x.r = r;
	/* Zero limits are the defaults, never "no limit". */
	x.max = q->max_bytes > 0 ? q->max_bytes : DEFAULT_MAX_BYTES;
	x.timeout_ms = q->timeout_ms > 0 ? q->timeout_ms : DEFAULT_TIMEOUT_MS;
	/*
	 * The bodies a worker receives at once have a budget (TQ_BODY_
	 * BUDGET): past it, a new transfer waits for others to end, for
	 * half its time at most (10 s), which it then has less of; then
	 * it gives up as "busy", the worker's want and not the server's
	 * (the job is set aside, the site not blamed).
	 */
	if (tq_co_current() != NULL && tq_cfg.body_budget > 0 &&
	    inflight_bytes > (size_t)tq_cfg.body_budget) {
		double t0 = tq_mono(), most = x.timeout_ms / 2000.0;

		if (most > BUDGET_WAIT)
			most = BUDGET_WAIT;
		while (!tq_co_aborted() &&
		    inflight_bytes > (size_t)tq_cfg.body_budget &&
		    tq_mono() - t0 < most)
			tq_sleep(0.02);
		if (inflight_bytes > (size_t)tq_cfg.body_budget) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "the "
			    "worker's budget for bodies (TQ_BODY_BUDGET) is "
			    "taken by other transfers");
			err->retry_after = 5;
			return -1;
		}
		x.timeout_ms -= (long)((tq_mono() - t0) * 1000);
	}
	/*
	 * So do the transfers over the worker's room in descriptors
	 * (tq_loop_conns()), for half their time, as "busy" too: a low
	 * ulimit -n makes fewer transfers run at once, and fails none as
	 * "couldn't connect".
	 */
	if (tq_co_current() != NULL && nxfers >= tq_loop_conns()) {
		double t0 = tq_mono(), most = x.timeout_ms / 2000.0;
		char t[32];

		while (!tq_co_aborted() && nxfers >= tq_loop_conns() &&
		    tq_mono() - t0 < most)
			tq_sleep(0.02);
		if (nxfers >= tq_loop_conns()) {
			tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "the "
			    "worker's descriptors (ulimit -n %s) are taken "
			    "by other transfers", fd_limit(t, sizeof(t)));
			err->retry_after = 5;
			return -1;
		}
		x.timeout_ms -= (long)((tq_mono() - t0) * 1000);
	}
	x.connect_ms = q->connect_timeout_ms > 0 ? q->connect_timeout_ms :
	    DEFAULT_CONNECT_MS;
	if (x.connect_ms > x.timeout_ms)
		x.connect_ms = x.timeout_ms;
	ebuf[0] = '\0';
	if (parse_allow(&x, q->allow_addrs, ebuf, sizeof(ebuf)) == -1) {
		tq_err_set(err, TQ_ERR_PERMANENT, "config", "%s", ebuf);
		return -1;
	}
	ebuf[0] = '\0';
	global_init();
	if ((h = q->handle) != NULL)
		curl_easy_reset(h);
	else if ((h = curl_easy_init()) == NULL)
		return tq_err_set(err, TQ_ERR_TRANSIENT, "network",
		    "cannot start libcurl");
	x.h = h;

	curl_easy_setopt(h, CURLOPT_URL, q->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	if (q->follow) {
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(h, CURLOPT_MAXREDIRS,
		    (long)(q->max_redirects > 0 ? q->max_redirects : 0));
		curl_easy_setopt(h, CURLOPT_AUTOREFERER, 1L);
	}
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, x.timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, x.connect_ms);
	if (q->low_speed) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT,
		    (long)LOW_SPEED_BYTES);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
		    (long)LOW_SPEED_SECS);
	}
	if (q->decode)
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT,
	    q->user_agent && *q->user_agent ? q->user_agent : API_UA);
	if (q->headers != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, q->headers);
	/* Environment proxies would hide the address the guard checks. */
	if (!q->env_proxy)
		curl_easy_setopt(h, CURLOPT_PROXY, "");
	if (q->cookies)
		curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	if (q->fresh_connect)
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	/*
	 * In a worker every transfer joins one multi: its connection
	 * cache (kept-alive HTTP/1.1, multiplexed HTTP/2 where the server
	 * offers it over TLS) and its DNS cache serve all the jobs.
	 */
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_DNS_CACHE_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, opensocket_cb);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &x);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, prereq_cb);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, &x);
	if (tq_no_dns()) {
		curl_easy_setopt(h, CURLOPT_RESOLVER_START_FUNCTION, no_dns_cb);
		curl_easy_setopt(h, CURLOPT_RESOLVER_START_DATA, &x);
	}
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	method = q->method != NULL ? q->method : q->body != NULL ? "POST" :
	    "GET";
	if (strcmp(method, "POST") == 0)
		curl_easy_setopt(h, CURLOPT_POST, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (q->body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)q->body_len);
	}

	if (tq_co_current() != NULL)
		budget_join(&x);
	rc = tq_curl_perform(h);
	budget_leave(&x);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	r->redirects = (int)redirects;
	r->seconds = us / 1e6;
	r->url = strip_userinfo(eff != NULL ? eff : q->url);

	if (x.stop.kind != TQ_ERR_NONE) {
		*err = x.stop;
		r->maybe_sent = 1;
	} else if (x.final && (r->status < 200 || r->status > 299)) {
		r->maybe_sent = 1;
		status_failed(r, err);
	} else if (rc == CURLE_OPERATION_TIMEDOUT && x.paused) {
		/* it ran out of time waiting for the budget */
		r->maybe_sent = 1;
		tq_err_set(err, TQ_ERR_TRANSIENT, "busy", "the worker's "
		    "budget for bodies (TQ_BODY_BUDGET) was taken by other "
		    "transfers");
		err->retry_after = 5;
	} else if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR &&
	    x.truncated)) {
		/*
		 * write_cb() fails no body but with x.stop or x.truncated:
		 * a write error here is libcurl's decoder's (7.88 reports
		 * most brotli errors so), a body that is not what its
		 * Content-Encoding says, as a bad gzip is
		 */
		if (rc == CURLE_WRITE_ERROR && x.coded && q->decode) {
			rc = CURLE_BAD_CONTENT_ENCODING;
			ebuf[0] = '\0';
		}
		curl_failed(&x, h, rc, ebuf, err);
	} else if (!x.final) {
		r->maybe_sent = 1;
		tq_err_set(err, TQ_ERR_TRANSIENT, "network",
		    "no response headers");
	} else
		ret = 0;
	if (ret == -1) {
		scrub_url(err, q->url);
		if (eff != NULL)
			scrub_url(err, eff);
		tq_err_scrub(err, q->secret);
	}
	free(x.loc);
	/* a kept handle must not point into this stack frame */
	if (h != q->handle)
		curl_easy_cleanup(h);
	else
		curl_easy_reset(h);
	return ret;
}

/* ------------------------------------------------------------ fetch */

/* The final 2xx headers of a page: a type we read, or stop. */
static int
fetch_headers(void *arg, const struct tq_http_resp *r, struct tq_err *err)
{
	char media[128];

	(void)arg;
	if (media_kind(r->content_type, media, sizeof(media)) == KIND_BAD)
		return tq_err_set(err, TQ_ERR_PERMANENT, "content_type",
		    "unsupported content type %s", media);
	return 0;
}

int
tq_fetch(const char *url, const struct tq_fetch_opts *opts,
    struct tq_fetch *out, struct tq_err *errp)
{
	struct tq_fetch_opts defaults;
	struct tq_err dummy, *err = errp ? errp : &dummy;
	struct tq_http_req q;
	struct tq_http_resp r;
	struct curl_slist *hdrs = NULL;
	char media[128], *norm = NULL, *hcs = NULL, *text;
	const char *used;
	enum kind kind;
	size_t len;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	memset(&r, 0, sizeof(r));
	tq_fetch_opts_default(&defaults);
	if (opts == NULL)
		opts = &defaults;
	if (tq_url_check(url, &norm, err) == -1) {
		scrub_url(err, url);
		goto out;
	}
	hdrs = curl_slist_append(hdrs, H_ACCEPT);
	hdrs = curl_slist_append(hdrs, H_LANGUAGE);
	memset(&q, 0, sizeof(q));
	q.url = norm;
	q.headers = hdrs;
	q.max_bytes = opts->max_bytes;
	q.timeout_ms = opts->timeout_ms;
	q.connect_timeout_ms = opts->connect_timeout_ms;
	q.follow = 1;
	q.max_redirects = opts->max_redirects;
	q.allow_private = opts->allow_private;
	q.allow_addrs = opts->allow_addrs;
	q.user_agent = opts->user_agent && *opts->user_agent ?
	    opts->user_agent : DEFAULT_UA;
	q.decode = 1;
	q.low_speed = 1;
	q.cookies = 1;
	q.handle = opts->handle;
	q.hold = 1;	/* until the caller frees the body */
	q.on_headers = fetch_headers;
	q.on_redirect = opts->on_redirect;
	q.arg = opts->redirect_arg;

	ret = tq_http_get(&q, &r, err);
	out->redirects = r.redirects;
	out->seconds = r.seconds;
	if (ret == -1) {
		/* where it failed: a redirect's target answers for itself */
		out->url = r.url;
		r.url = NULL;
		scrub_url(err, url);
		goto out;
	}
	ret = -1;
	kind = media_kind(r.content_type, media, sizeof(media));
	if (kind == KIND_SNIFF) {
		kind = sniff(r.body.data ? r.body.data : "", r.body.len);
		if (kind == KIND_BAD || kind == KIND_XML) {
			tq_err_set(err, TQ_ERR_PERMANENT, "content_type",
			    "unsupported content type (none, %s)", kind ==
			    KIND_XML ? "XML" : "not text");
			goto out;
		}
		snprintf(media, sizeof(media), "%s", kind == KIND_HTML ?
		    "text/html" : "text/plain");
	}
	hcs = ctype_charset(r.content_type);
	if (opts->raw) {
		/* decoded later, where untrusted input is parsed */
		if (r.body.data == NULL)
			tq_buf_add(&r.body, "", 0);
		text = r.body.data;
		len = r.body.len;
		memset(&r.body, 0, sizeof(r.body));
		used = hcs;
	} else
		text = tq_charset_to_utf8(r.body.data, r.body.len, hcs,
		    kind == KIND_HTML, &len, &used);
	out->status = r.status;
	out->url = r.url;
	r.url = NULL;
	out->content_type = xstrdup(media);
	out->charset = used != NULL ? xstrdup(used) : NULL;
	out->body = text;
	out->len = len;
	out->held = r.held;
	r.held = 0;
	ret = 0;
out:
	free(hcs);
	tq_http_resp_free(&r);
	curl_slist_free_all(hdrs);
	free(norm);
	return ret;
}
