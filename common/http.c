/*
 * http.c - GET one web page with libcurl, within limits.
 *
 * One easy handle per call, never kept: callers fork.  Every socket
 * curl opens goes through opensocket_cb(), which sees the address
 * actually about to be connected (after DNS, on every redirect hop)
 * and refuses internal ones, so neither a redirect nor DNS rebinding
 * reaches 127.0.0.1 or the cloud metadata service.  Environment
 * proxies are ignored for the same reason.  The content type is
 * decided from the final response's headers before its body is read,
 * and the body limit is enforced on decoded bytes while they arrive.
 * Nothing here prints: messages go to struct tq_err, one lower case
 * line with any password in the URL replaced by ***.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "tq.h"

#define DEFAULT_UA	"tq/" TQ_VERSION \
			    " (+https://github.com/tq; content pipeline)"
#define H_ACCEPT	"Accept: text/html,application/xhtml+xml," \
			    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
#define H_LANGUAGE	"Accept-Language: en-US,en;q=0.9,*;q=0.5"
#define LOW_SPEED_BYTES	100	/* slower than this ... */
#define LOW_SPEED_SECS	15	/* ... for this long is a timeout */
#define MAX_ALLOW	32

enum kind {
	KIND_BAD = 0,
	KIND_HTML,
	KIND_TEXT,
	KIND_SNIFF		/* no Content-Type: look at the body */
};

struct net {
	int		 family;
	unsigned char	 addr[16];
	int		 bits;
};

struct ctx {
	const struct tq_fetch_opts *o;
	struct tq_buf	 body;
	/* The response being read; reset by each status line. */
	long		 status;
	char		 ctype[256];
	double		 retry_after;
	long long	 clen;
	int		 location;
	int		 final;		/* final headers seen */
	/* Why a callback stopped the transfer. */
	enum tq_errkind	 stop_kind;
	const char	*stop_code;
	char		 stop_msg[256];
	char		 refused[INET6_ADDRSTRLEN];
	struct net	 allow[MAX_ALLOW];
	int		 nallow;
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

void
tq_fetch_free(struct tq_fetch *f)
{
	if (f == NULL)
		return;
	free(f->url);
	free(f->content_type);
	free(f->charset);
	free(f->body);
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

	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_internal(get32(a + 12));
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
parse_allow(struct ctx *c, const char *list, char *msg, size_t msgsz)
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
addr_allowed(struct ctx *c, const struct sockaddr *sa)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	unsigned char a[16];
	int i, family;

	if (c->o->allow_private)
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
	struct ctx *c = arg;

	(void)purpose;
	if (!addr_allowed(c, &sa->addr))
		return CURL_SOCKET_BAD;
	return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
}

/* ---------------------------------------------------------- headers */

static enum kind
media_kind(const char *ctype, char *media, size_t msz)
{
	size_t n, i;

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

static double
parse_retry_after(const char *v)
{
	const char *err;
	long long secs;
	time_t t;

	v += strspn(v, " \t");
	if (*v >= '0' && *v <= '9') {
		secs = strtonum(v, 0, 365LL * 86400, &err);
		return err != NULL ? 0 : (double)secs;
	}
	if ((t = curl_getdate(v, NULL)) == -1)
		return 0;
	return t > time(NULL) ? (double)(t - time(NULL)) : 0;
}

double
tq_http_retry_after(const char *v)
{
	return parse_retry_after(v);
}

static int
stop(struct ctx *c, enum tq_errkind kind, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
stop(struct ctx *c, enum tq_errkind kind, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	c->stop_kind = kind;
	c->stop_code = code;
	va_start(ap, fmt);
	vsnprintf(c->stop_msg, sizeof(c->stop_msg), fmt, ap);
	va_end(ap);
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
too_big(struct ctx *c)
{
	char lim[32];

	size_text(c->o->max_bytes, lim, sizeof(lim));
	return stop(c, TQ_ERR_PERMANENT, "too_big", "body exceeds %s", lim);
}

/* The final response's headers are in: go on reading its body? */
static int
headers_done(struct ctx *c)
{
	char media[128];

	c->final = 1;
	if (c->status < 200 || c->status > 299)
		return 0;	/* an error page: the body is not wanted */
	if (media_kind(c->ctype, media, sizeof(media)) == KIND_BAD)
		return stop(c, TQ_ERR_PERMANENT, "content_type",
		    "unsupported content type %s", media);
	if (c->clen > 0 && (unsigned long long)c->clen > c->o->max_bytes)
		return too_big(c);
	return 1;
}

static size_t
header_cb(char *p, size_t size, size_t nitems, void *arg)
{
	struct ctx *c = arg;
	size_t len = size * nitems, n = len, k;
	const char *v, *err;
	char val[256];

	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		v = memchr(p, ' ', n);
		c->status = v != NULL && v + 4 <= p + n ?
		    strtol(v + 1, NULL, 10) : 0;
		c->ctype[0] = '\0';
		c->retry_after = 0;
		c->clen = -1;
		c->location = 0;
		c->body.len = 0;
		return len;
	}
	if (n == 0) {
		if (c->final || (c->status >= 100 && c->status <= 199))
			return len;
		if (c->location && (c->status == 300 || c->status == 301 ||
		    c->status == 302 || c->status == 303 ||
		    c->status == 307 || c->status == 308))
			return len;	/* curl follows it */
		return headers_done(c) ? len : 0;
	}
	if (c->final || (v = memchr(p, ':', n)) == NULL)
		return len;	/* trailers change nothing */
	k = n - (v + 1 - p);
	if (k >= sizeof(val))
		k = sizeof(val) - 1;
	memcpy(val, v + 1, k);
	val[k] = '\0';
	n = v - p;
	if (n == 12 && strncasecmp(p, "content-type", n) == 0)
		snprintf(c->ctype, sizeof(c->ctype), "%s", tq_trim(val));
	else if (n == 11 && strncasecmp(p, "retry-after", n) == 0)
		c->retry_after = parse_retry_after(val);
	else if (n == 14 && strncasecmp(p, "content-length", n) == 0) {
		c->clen = strtonum(tq_trim(val), 0, LLONG_MAX, &err);
		if (err != NULL)
			c->clen = -1;
	} else if (n == 8 && strncasecmp(p, "location", n) == 0)
		c->location = 1;
	return len;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct ctx *c = arg;
	size_t n = size * nmemb;

	if (n > c->o->max_bytes || c->body.len > c->o->max_bytes - n)
		return too_big(c);
	tq_buf_add(&c->body, p, n);
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

/* Replace every occurrence of secret in msg (of size sz) by ***. */
static void
scrub(char *msg, size_t sz, const char *secret)
{
	struct tq_buf b = { 0 };
	const char *p = msg, *q;
	size_t n;

	if (secret == NULL || (n = strlen(secret)) == 0 ||
	    strstr(msg, secret) == NULL)
		return;
	while ((q = strstr(p, secret)) != NULL) {
		tq_buf_add(&b, p, q - p);
		tq_buf_adds(&b, "***");
		p = q + n;
	}
	tq_buf_adds(&b, p);
	snprintf(msg, sz, "%s", b.data);
	tq_buf_free(&b);
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

/* A URL without user:password@, for out->url. */
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
	    curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return tq_redact_url(url);
	}
	r = xstrdup(s);
	curl_free(s);
	curl_url_cleanup(u);
	return r;
}

static void
secs_text(long ms, char *buf, size_t n)
{
	snprintf(buf, n, "%g s", ms / 1000.0);
}

/* Classify a failed curl_easy_perform(). */
static int
curl_failed(struct ctx *c, CURL *h, CURLcode rc, const char *ebuf,
    struct tq_err *err)
{
	char what[CURL_ERROR_SIZE], t[32];
	long oserr = 0, connected = 0;
	curl_off_t ct = 0;

	snprintf(what, sizeof(what), "%s", *ebuf ? ebuf :
	    curl_easy_strerror(rc));
	lower_line(what);
	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &ct) == CURLE_OK &&
	    ct > 0)
		connected = 1;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		if (strstr(what, "too slow") != NULL)
			return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
			    "timeout: under %d bytes/s for %d s",
			    LOW_SPEED_BYTES, LOW_SPEED_SECS);
		if (!connected && c->status == 0) {
			secs_text(c->o->connect_timeout_ms, t, sizeof(t));
			return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
			    "connect timeout after %s", t);
		}
		secs_text(c->o->timeout_ms, t, sizeof(t));
		return tq_err_set(err, TQ_ERR_TRANSIENT, "timeout",
		    "timeout after %s", t);
	case CURLE_COULDNT_RESOLVE_HOST:
		return tq_err_set(err, TQ_ERR_TRANSIENT, "dns", "%s", what);
	case CURLE_COULDNT_CONNECT:
		if (c->refused[0] != '\0')
			return tq_err_set(err, TQ_ERR_PERMANENT,
			    "private_address",
			    "address %s is not allowed (internal)",
			    c->refused);
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
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "redirect to an unsupported scheme");
	case CURLE_URL_MALFORMAT:
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL");
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
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
		too_big(c);
		return tq_err_set(err, TQ_ERR_PERMANENT, "too_big", "%s",
		    c->stop_msg);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		if (oserr != 0) {
			snprintf(what, sizeof(what), "%s",
			    strerror((int)oserr));
			lower_line(what);
		}
		return tq_err_set(err, TQ_ERR_TRANSIENT, "network", "%s",
		    what);
	default:
		return tq_err_set(err, TQ_ERR_TRANSIENT, "network", "%s",
		    what);
	}
}

/* ------------------------------------------------------------ fetch */

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
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		k = strlen(tags[i]);
		if (n > k && strncasecmp(s, tags[i], k) == 0 &&
		    (s[k] == ' ' || s[k] == '>'))
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
 * RFC 3492 punycode of one label of n code points, appended to b.
 * -1 on overflow.
 */
static int
punycode(struct tq_buf *b, const uint32_t *cp, size_t n)
{
	enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
	uint32_t cpn = 128, delta = 0, bias = 72, m, q, t, k;
	size_t i, h = 0, basic;
	char d;

	for (i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			d = (char)cp[i];
			tq_buf_add(b, &d, 1);
			h++;
		}
	basic = h;
	if (basic > 0)
		tq_buf_add(b, "-", 1);
	while (h < n) {
		m = UINT32_MAX;
		for (i = 0; i < n; i++)
			if (cp[i] >= cpn && cp[i] < m)
				m = cp[i];
		if ((m - cpn) > (UINT32_MAX - delta) / (h + 1))
			return -1;
		delta += (m - cpn) * (h + 1);
		cpn = m;
		for (i = 0; i < n; i++) {
			if (cp[i] < cpn && ++delta == 0)
				return -1;
			if (cp[i] != cpn)
				continue;
			for (q = delta, k = BASE;; k += BASE) {
				t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX :
				    k - bias;
				if (q < t)
					break;
				d = (char)(t + (q - t) % (BASE - t));
				d = d < 26 ? 'a' + d : '0' + d - 26;
				tq_buf_add(b, &d, 1);
				q = (q - t) / (BASE - t);
			}
			d = q < 26 ? 'a' + q : '0' + q - 26;
			tq_buf_add(b, &d, 1);
			/* adapt() */
			delta = h == basic ? delta / DAMP : delta / 2;
			delta += delta / (h + 1);
			for (k = 0; delta > ((BASE - TMIN) * TMAX) / 2;
			    k += BASE)
				delta /= BASE - TMIN;
			bias = k + (BASE - TMIN + 1) * delta / (delta + SKEW);
			delta = 0;
			h++;
		}
		delta++;
		cpn++;
	}
	return 0;
}

/*
 * Lower case for the capitals of Latin-1, Latin Extended-A, Greek and
 * Cyrillic: towlower() does nothing in the C locale.  Not all of
 * UTS #46, but what real host names use.
 */
static uint32_t
lower_cp(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177)) &&
	    c != 0x130 && (c & 1) == 0)
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) &&
	    (c & 1) == 1)
		return c + 1;
	if (c == 0x178)
		return 0xff;
	return c;
}

/*
 * host, lower-cased, with non-ASCII labels in punycode ("xn--...").
 * libcurl's own IDN support converts from the locale's charset, which
 * in a C locale program fails, so it is done here.  NULL if host is
 * not UTF-8 or a label is too long.
 */
static char *
ascii_host(const char *host)
{
	struct tq_buf b = { 0 };
	uint32_t cp[64];
	const unsigned char *p = (const unsigned char *)host;
	size_t n, start;
	int ascii, valid, i, len;

	while (*p != '\0') {
		n = 0;
		ascii = 1;
		start = b.len;
		while (*p != '\0' && *p != '.') {
			if (n == sizeof(cp) / sizeof(cp[0]))
				goto bad;
			if (*p < 0x80) {
				cp[n++] = *p >= 'A' && *p <= 'Z' ?
				    *p - 'A' + 'a' : *p;
				p++;
				continue;
			}
			ascii = 0;
			len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
			valid = *p >= 0xc2 && *p <= 0xf4;
			cp[n] = *p & (0x3f >> (len - 1));
			for (i = 1; i < len && valid; i++) {
				if ((p[i] & 0xc0) != 0x80)
					valid = 0;
				cp[n] = cp[n] << 6 | (p[i] & 0x3f);
			}
			if (!valid || cp[n] < (len == 2 ? 0x80u : len == 3 ?
			    0x800u : 0x10000u) || cp[n] > 0x10ffff ||
			    (cp[n] >= 0xd800 && cp[n] <= 0xdfff))
				goto bad;
			cp[n] = lower_cp(cp[n]);
			p += len;
			n++;
		}
		if (ascii) {
			for (i = 0; (size_t)i < n; i++) {
				char c = (char)cp[i];

				tq_buf_add(&b, &c, 1);
			}
		} else {
			tq_buf_adds(&b, "xn--");
			if (punycode(&b, cp, n) == -1)
				goto bad;
		}
		if (b.len - start > 63)
			goto bad;
		if (*p == '.') {
			tq_buf_add(&b, ".", 1);
			p++;
		}
	}
	if (b.data == NULL)
		tq_buf_add(&b, "", 0);
	return b.data;
bad:
	tq_buf_free(&b);
	return NULL;
}

int
tq_url_check(const char *url, char **normalized, struct tq_err *err)
{
	CURLU *u = NULL;
	char scheme[17], *copy = NULL, *host = NULL, *ahost = NULL, *s = NULL;
	size_t n, i;
	int rc = -1;

	if (normalized != NULL)
		*normalized = NULL;
	if (url == NULL)
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL");
	while (*url == ' ' || *url == '\t' || *url == '\n' || *url == '\r')
		url++;
	n = strlen(url);
	while (n > 0 && (url[n - 1] == ' ' || url[n - 1] == '\t' ||
	    url[n - 1] == '\n' || url[n - 1] == '\r'))
		n--;
	copy = xstrndup(url, n);
	n = 0;
	if ((copy[0] >= 'a' && copy[0] <= 'z') ||
	    (copy[0] >= 'A' && copy[0] <= 'Z'))
		n = strspn(copy, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	if (n == 0 || copy[n] != ':') {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url", "malformed URL");
		goto out;
	}
	if (n >= sizeof(scheme))
		n = sizeof(scheme) - 1;
	for (i = 0; i < n; i++)
		scheme[i] = copy[i] >= 'A' && copy[i] <= 'Z' ?
		    copy[i] - 'A' + 'a' : copy[i];
	scheme[n] = '\0';
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "unsupported scheme %s", scheme);
		goto out;
	}
	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, copy, CURLU_URLENCODE) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    *host == '\0') {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url", "malformed URL");
		goto out;
	}
	if ((ahost = ascii_host(host)) == NULL ||
	    curl_url_set(u, CURLUPART_HOST, ahost, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &s, CURLU_NO_DEFAULT_PORT) !=
	    CURLUE_OK) {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url", "malformed URL");
		goto out;
	}
	if (normalized != NULL)
		*normalized = xstrdup(s);
	rc = 0;
out:
	curl_free(s);
	curl_free(host);
	free(ahost);
	curl_url_cleanup(u);
	free(copy);
	return rc;
}

int
tq_fetch(const char *url, const struct tq_fetch_opts *opts,
    struct tq_fetch *out, struct tq_err *errp)
{
	struct tq_fetch_opts defaults, o;
	struct tq_err dummy, *err = errp ? errp : &dummy;
	struct curl_slist *hdrs = NULL;
	struct ctx c;
	char ebuf[CURL_ERROR_SIZE], media[128], *norm = NULL, *hcs = NULL;
	char *eff = NULL, *text;
	const char *used;
	enum kind kind;
	CURLcode rc;
	CURL *h = NULL;
	long redirects = 0;
	curl_off_t us = 0;
	size_t len;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	/* Zero limits are the defaults, never "no limit". */
	tq_fetch_opts_default(&defaults);
	if (opts != NULL) {
		o = *opts;
		if (o.timeout_ms <= 0)
			o.timeout_ms = defaults.timeout_ms;
		if (o.connect_timeout_ms <= 0)
			o.connect_timeout_ms = defaults.connect_timeout_ms;
		if (o.max_bytes == 0)
			o.max_bytes = defaults.max_bytes;
		if (o.max_redirects < 0)
			o.max_redirects = 0;
		opts = &o;
	} else
		opts = &defaults;
	memset(&c, 0, sizeof(c));
	c.o = opts;
	c.clen = -1;
	ebuf[0] = '\0';
	if (tq_url_check(url, &norm, err) == -1)
		goto out;
	if (parse_allow(&c, opts->allow_addrs, ebuf, sizeof(ebuf)) == -1) {
		tq_err_set(err, TQ_ERR_PERMANENT, "config", "%s", ebuf);
		goto out;
	}
	global_init();
	if ((h = curl_easy_init()) == NULL) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "network",
		    "cannot start libcurl");
		goto out;
	}
	hdrs = curl_slist_append(hdrs, H_ACCEPT);
	hdrs = curl_slist_append(hdrs, H_LANGUAGE);

	curl_easy_setopt(h, CURLOPT_URL, norm);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)opts->max_redirects);
	curl_easy_setopt(h, CURLOPT_AUTOREFERER, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, opts->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    opts->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)LOW_SPEED_BYTES);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)LOW_SPEED_SECS);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT,
	    opts->user_agent && *opts->user_agent ? opts->user_agent :
	    DEFAULT_UA);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, opensocket_cb);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c);

	rc = tq_curl_perform(h);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us);
	out->redirects = (int)redirects;
	out->seconds = us / 1e6;

	if (c.stop_code != NULL) {
		tq_err_set(err, c.stop_kind, c.stop_code, "%s", c.stop_msg);
		goto out;
	}
	if (c.final && (c.status < 200 || c.status > 299)) {
		const char *r = reason(c.status);

		err->http_status = (int)c.status;
		err->retry_after = c.retry_after;
		if (r != NULL)
			tq_err_set(err, tq_http_errkind(c.status), "",
			    "http %ld %s", c.status, r);
		else
			tq_err_set(err, tq_http_errkind(c.status), "",
			    "http %ld", c.status);
		snprintf(err->code, sizeof(err->code), "http_%ld", c.status);
		goto out;
	}
	if (rc != CURLE_OK) {
		curl_failed(&c, h, rc, ebuf, err);
		goto out;
	}
	if (!c.final) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "network",
		    "no response headers");
		goto out;
	}

	kind = media_kind(c.ctype, media, sizeof(media));
	if (kind == KIND_SNIFF) {
		kind = sniff(c.body.data ? c.body.data : "", c.body.len);
		if (kind == KIND_BAD) {
			tq_err_set(err, TQ_ERR_PERMANENT, "content_type",
			    "unsupported content type (none, not text)");
			goto out;
		}
		snprintf(media, sizeof(media), "%s", kind == KIND_HTML ?
		    "text/html" : "text/plain");
	}
	hcs = ctype_charset(c.ctype);
	text = tq_charset_to_utf8(c.body.data, c.body.len, hcs,
	    kind == KIND_HTML, &len, &used);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	out->status = c.status;
	out->url = strip_userinfo(eff ? eff : norm);
	out->content_type = xstrdup(media);
	out->charset = xstrdup(used);
	out->body = text;
	out->len = len;
	ret = 0;
out:
	if (ret == -1) {
		scrub_url(err, url);
		if (eff == NULL && h != NULL)
			curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
		if (eff != NULL)
			scrub_url(err, eff);
		tq_fetch_free(out);
		out->seconds = us / 1e6;
		out->redirects = (int)redirects;
	}
	free(hcs);
	tq_buf_free(&c.body);
	curl_slist_free_all(hdrs);
	if (h != NULL)
		curl_easy_cleanup(h);
	free(norm);
	return ret;
}
