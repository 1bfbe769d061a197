/*
 * unit-fetch - tq_fetch() and tq_url_check() against tests/httpd.py.
 *
 *	unit-fetch http://127.0.0.1:PORT
 *
 * Every request goes to that server (or, refused before connecting, to
 * other loopback or internal addresses).  The server's static root
 * must hold hello.html and latin.iso-8859-1.html, as 0500-fetch.t
 * writes them.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"
#include "tap.h"

static const char *base;

static int
valid_utf8(const char *s, size_t n)
{
	char out[4096], *ip = (char *)s, *op;
	size_t il = n, ol;
	iconv_t cd;
	int ok = 1;

	if ((cd = iconv_open("UTF-32LE", "UTF-8")) == (iconv_t)-1)
		return 0;
	while (il > 0) {
		op = out;
		ol = sizeof(out);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

static struct tq_fetch_opts
opts(void)
{
	struct tq_fetch_opts o;

	tq_fetch_opts_default(&o);
	o.allow_private = 1;
	return o;
}

static int
get(const char *path, const struct tq_fetch_opts *o, struct tq_fetch *f,
    struct tq_err *e, double *secs)
{
	char *url = path[0] != '/' ? xstrdup(path) :
	    xasprintf("%s%s", base, path);
	double t0 = tq_now();
	int rc;

	rc = tq_fetch(url, o, f, e);
	if (secs != NULL)
		*secs = tq_now() - t0;
	free(url);
	return rc;
}

/* A successful fetch: status 200, the type, valid UTF-8; f kept. */
static int
good(const char *path, const struct tq_fetch_opts *o, const char *ctype,
    struct tq_fetch *f)
{
	struct tq_err e;
	int rc;

	rc = get(path, o, f, &e, NULL);
	if (!ok(rc == 0, "%s: fetched", path))
		printf("#   error: %s %s: %s\n", tq_errkind_name(e.kind),
		    e.code, e.msg);
	is_int(f->status, 200, "%s: status", path);
	is_str(f->content_type, ctype, "%s: content type", path);
	ok(f->body != NULL && strlen(f->body) == f->len &&
	    valid_utf8(f->body, f->len), "%s: body is valid UTF-8", path);
	is_int(e.kind, TQ_ERR_NONE, "%s: no error kind", path);
	return rc;
}

static void
contains(const char *hay, const char *needle, const char *name)
{
	if (!ok(hay != NULL && strstr(hay, needle) != NULL, "%s: has '%s'",
	    name, needle))
		printf("#   in: '%.300s'\n", hay ? hay : "(null)");
}

/* A failure of this kind, code and message; returns seconds taken. */
static double
bad(const char *path, const struct tq_fetch_opts *o, enum tq_errkind kind,
    const char *code, const char *msg)
{
	struct tq_fetch f;
	struct tq_err e;
	double secs;
	int rc;

	rc = get(path, o, &f, &e, &secs);
	printf("# %s: %s %s: %s\n", path, tq_errkind_name(e.kind), e.code,
	    e.msg);
	is_int(rc, -1, "%s: fails", path);
	is_str(tq_errkind_name(e.kind), tq_errkind_name(kind),
	    "%s: %s", path, tq_errkind_name(kind));
	is_str(e.code, code, "%s: code", path);
	if (msg != NULL && !ok(strstr(e.msg, msg) != NULL,
	    "%s: message has '%s'", path, msg))
		printf("#   message: '%s'\n", e.msg);
	ok(strchr(e.msg, '\n') == NULL && e.msg[0] != '\0',
	    "%s: message is one line", path);
	/* no page; the URL where it failed, if a request went out */
	ok(f.body == NULL && f.content_type == NULL && (f.url == NULL ||
	    strstr(f.url, "://") != NULL), "%s: out holds no page", path);
	tq_fetch_free(&f);
	return secs;
}

/* A page of a content type (or none), what it is taken as, a line in it */
static const struct {
	const char	*path, *ctype, *has, *name;
} typed[] = {
	{ "/t/plain", "text/plain", "Plain text: café, Привет, 日本語.",
	  "plain" },
	{ "/t/xhtml", "application/xhtml+xml", "XHTML café", "xhtml" },
	{ "/t/no-type", "text/html", "<h1>No type</h1>",
	  "no type sniffed as HTML" },
	{ "/t/no-type?body=text", "text/plain", "Just some text, café.",
	  "no type, plain text" },
	{ "/t/no-type?body=xhtml", "text/html", "<h1>No type</h1>",
	  "no type, XHTML sniffed as HTML" },
	{ "/t/no-type?body=html-nl", "text/html", "<h1>No type</h1>",
	  "no type, '<html\\n' sniffed as HTML" },
	{ "/t/type?ct=text/html,%20text/html", "text/html", "<p>typed</p>",
	  "a merged Content-Type: the last" },
};

static void
test_basic(void)
{
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	char *want;
	size_t i;

	good("/t/page?title=Hello%20World&words=50", &o, "text/html", &f);
	contains(f.body, "<h1>Hello World</h1>", "page");
	is_str(f.charset, "utf-8", "page: charset");
	want = xasprintf("%s/t/page?title=Hello%%20World&words=50", base);
	is_str(f.url, want, "page: final URL");
	is_int(f.redirects, 0, "page: no redirects");
	ok(f.seconds > 0 && f.seconds < 5, "page: seconds %.3f", f.seconds);
	free(want);
	tq_fetch_free(&f);
	ok(f.body == NULL && f.url == NULL, "tq_fetch_free clears");
	tq_fetch_free(&f);
	tq_fetch_free(NULL);

	good("/hello.html", &o, "text/html", &f);
	contains(f.body, "Héllo, static world", "static file");
	tq_fetch_free(&f);
	good("/latin.iso-8859-1.html", &o, "text/html", &f);
	contains(f.body, "Café au lait", "static latin-1 file");
	is_str(f.charset, "windows-1252", "static latin-1: charset");
	tq_fetch_free(&f);

	/* each type, sniffed without one, and a merged header's last */
	for (i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		good(typed[i].path, &o, typed[i].ctype, &f);
		contains(f.body, typed[i].has, typed[i].name);
		tq_fetch_free(&f);
	}
	bad("/t/no-type?body=binary", &o, TQ_ERR_PERMANENT, "content_type",
	    "unsupported content type");
	/* XML but XHTML, untyped: refused as application/rss+xml is */
	bad("/t/no-type?body=rss", &o, TQ_ERR_PERMANENT, "content_type",
	    "unsupported content type (none, XML)");
	bad("/t/partial", &o, TQ_ERR_TRANSIENT, "partial_content",
	    "206 Partial Content");
	bad("/t/big-header", &o, TQ_ERR_PERMANENT, "headers_too_large",
	    "response headers too large");
	bad("/t/big-header?n=400", &o, TQ_ERR_PERMANENT, "headers_too_large",
	    "response headers too large");
	bad("/t/two-lengths", &o, TQ_ERR_PERMANENT, "protocol",
	    "conflicting Content-Length headers");
	good("/t/empty", &o, "text/html", &f);
	is_int(f.len, 0, "empty: length 0");
	is_str(f.body, "", "empty: empty string");
	tq_fetch_free(&f);

	good("/t/gzip", &o, "text/html", &f);
	contains(f.body, "<h1>Gzip page</h1>", "gzip decoded");
	tq_fetch_free(&f);
	good("/t/deflate", &o, "text/html", &f);
	contains(f.body, "<h1>Deflate page</h1>", "deflate decoded");
	tq_fetch_free(&f);
	/* a coding curl does not know: the page as browsers read it */
	good("/t/odd-coding", &o, "text/html", &f);
	contains(f.body, "<h1>Odd coding page</h1>", "Content-Encoding: "
	    "utf-8 taken as none");
	tq_fetch_free(&f);
	good("/t/odd-coding?coding=gzip,%20text", &o, "text/html", &f);
	contains(f.body, "<h1>Odd coding page</h1>", "a list with one");
	tq_fetch_free(&f);
	bad("/t/bad-gzip", &o, TQ_ERR_PERMANENT, "encoding", "");
	/* libcurl 7.88 says "write error" for most bad brotli: the same */
	bad("/t/odd-coding?coding=br", &o, TQ_ERR_PERMANENT, "encoding",
	    "content");

	good("/t/headers", &o, "text/plain", &f);
	contains(f.body, "User-Agent: tq/" TQ_VERSION " (", "default UA");
	contains(f.body, "Accept: text/html,application/xhtml+xml,"
	    "text/plain;q=0.8,*/*;q=0.5", "Accept");
	contains(f.body, "Accept-Language: en-US,en;q=0.9,*;q=0.5",
	    "Accept-Language");
	contains(f.body, "Accept-Encoding: ", "Accept-Encoding sent");
	tq_fetch_free(&f);
	o.user_agent = "tq-test/1.0";
	good("/t/headers", &o, "text/plain", &f);
	contains(f.body, "User-Agent: tq-test/1.0\n", "custom UA");
	tq_fetch_free(&f);
}

static int
count_hop(void *arg, const char *url, struct tq_err *e)
{
	(void)url;
	(void)e;
	++*(int *)arg;
	return 0;
}

static void
test_redirects(void)
{
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	char *want, *path;
	int hops = 0;

	good("/t/redirect-chain/3", &o, "text/html", &f);
	want = xasprintf("%s/t/redirect-chain/0", base);
	is_str(f.url, want, "chain: final URL");
	is_int(f.redirects, 3, "chain: 3 redirects");
	contains(f.body, "End of the chain", "chain: final page");
	free(want);
	tq_fetch_free(&f);

	/* a redirect to an answer that fails: out->url says where */
	{
		struct tq_err e;

		path = xasprintf("/t/redirect?to=%s/t/status/503", base);
		is_int(get(path, &o, &f, &e, NULL), -1,
		    "redirect to a 503: fails");
		want = xasprintf("%s/t/status/503", base);
		is_str(f.url, want, "... out->url is where it failed");
		is_int(e.http_status, 503, "... with that answer's status");
		free(want);
		free(path);
		tq_fetch_free(&f);
	}

	path = xasprintf("/t/redirect?to=%s/t/page%%3Ftitle%%3DMoved", base);
	good(path, &o, "text/html", &f);
	contains(f.body, "<h1>Moved</h1>", "redirect?to");
	is_int(f.redirects, 1, "redirect?to: 1 redirect");
	free(path);
	tq_fetch_free(&f);

	/*
	 * a Location with a fragment: the final URL is the page's, as the
	 * link's identity is (no fragment), whether the Location is
	 * relative or absolute
	 */
	good("/t/redirect?to=/t/page%3Ftitle%3DPart%23sec-2", &o,
	    "text/html", &f);
	want = xasprintf("%s/t/page?title=Part", base);
	is_str(f.url, want, "redirect to a #fragment: final URL without it");
	free(want);
	tq_fetch_free(&f);
	path = xasprintf("/t/redirect?to=%s/t/redirect-chain/0%%23top", base);
	good(path, &o, "text/html", &f);
	want = xasprintf("%s/t/redirect-chain/0", base);
	is_str(f.url, want, "... absolute: final URL without it");
	free(want);
	free(path);
	tq_fetch_free(&f);

	good("/t/redirect-chain/10", &o, "text/html", &f);
	is_int(f.redirects, 10, "10 redirects are allowed by default");
	tq_fetch_free(&f);
	bad("/t/redirect-chain/11", &o, TQ_ERR_PERMANENT, "redirects",
	    "too many redirects");
	o.max_redirects = 2;
	bad("/t/redirect-chain/3", &o, TQ_ERR_PERMANENT, "redirects",
	    "too many redirects");
	o.max_redirects = 10;
	bad("/t/redirect-loop", &o, TQ_ERR_PERMANENT, "redirects",
	    "too many redirects");
	bad("/t/redirect-ftp", &o, TQ_ERR_PERMANENT, "bad_url",
	    "unsupported scheme");
	bad("/t/status/301", &o, TQ_ERR_PERMANENT, "http_301", "http 301");
	/*
	 * an empty Location, or white space alone: curl follows none, so
	 * the 3xx is the answer, as permanent as one without a Location,
	 * and no hop is announced
	 */
	o.on_redirect = count_hop;
	o.redirect_arg = &hops;
	bad("/t/status/302?location=", &o, TQ_ERR_PERMANENT, "http_302",
	    "http 302");
	bad("/t/status/301?location=%20%09%20", &o, TQ_ERR_PERMANENT,
	    "http_301", "http 301");
	is_int(hops, 0, "an empty Location is no hop");
	/*
	 * a Location with a space, absolute: curl follows it, encoded, and
	 * the hop is announced first as any other
	 */
	path = xasprintf("/t/redirect?to=%s/t/page%%3Ftitle%%3Da%%20b",
	    base);
	good(path, &o, "text/html", &f);
	is_int(hops, 1, "a Location with a space is announced");
	free(path);
	tq_fetch_free(&f);
	o.on_redirect = NULL;
	o.redirect_arg = NULL;
}

static void
test_status(void)
{
	static const struct {
		int		 status;
		enum tq_errkind	 kind;
		const char	*msg;
	} t[] = {
		{ 400, TQ_ERR_PERMANENT, "http 400 bad request" },
		{ 401, TQ_ERR_PERMANENT, "http 401 unauthorized" },
		{ 403, TQ_ERR_PERMANENT, "http 403 forbidden" },
		{ 404, TQ_ERR_PERMANENT, "http 404 not found" },
		{ 410, TQ_ERR_PERMANENT, "http 410 gone" },
		{ 451, TQ_ERR_PERMANENT, "http 451 unavailable" },
		{ 418, TQ_ERR_PERMANENT, "http 418" },
		{ 408, TQ_ERR_TRANSIENT, "http 408 request timeout" },
		{ 429, TQ_ERR_TRANSIENT, "http 429 too many requests" },
		{ 500, TQ_ERR_TRANSIENT, "http 500 internal server error" },
		{ 502, TQ_ERR_TRANSIENT, "http 502 bad gateway" },
		{ 503, TQ_ERR_TRANSIENT, "http 503 service unavailable" },
		{ 504, TQ_ERR_TRANSIENT, "http 504 gateway timeout" },
		{ 501, TQ_ERR_PERMANENT, "http 501 not implemented" },
		{ 522, TQ_ERR_TRANSIENT, "http 522" },
	};
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	struct tq_err e;
	char path[64], code[16];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(path, sizeof(path), "/t/status/%d", t[i].status);
		snprintf(code, sizeof(code), "http_%d", t[i].status);
		bad(path, &o, t[i].kind, code, t[i].msg);
		get(path, &o, &f, &e, NULL);
		is_int(e.http_status, t[i].status, "%s: http_status", path);
		is_int((long long)e.retry_after,
		    t[i].status == 429 || t[i].status == 503 ? 1 : 0,
		    "%s: retry_after", path);
		tq_fetch_free(&f);
	}
	get("/t/status/429?retry_after=7", &o, &f, &e, NULL);
	is_int((long long)e.retry_after, 7, "Retry-After: 7");
	tq_fetch_free(&f);
	get("/t/status/503?retry_after=Fri,%2031%20Dec%202100%2023:59:59%20GMT",
	    &o, &f, &e, NULL);
	ok(e.retry_after == 365 * 86400.0, "Retry-After as an HTTP date, "
	    "capped at a year: %.0f", e.retry_after);
	tq_fetch_free(&f);
	get("/t/status/503?retry_after=Thu,%2001%20Jan%201970%2000:00:01%20GMT",
	    &o, &f, &e, NULL);
	is_int((long long)e.retry_after, 0, "Retry-After in the past: 0");
	ok(e.retry_now, "... asks for no wait");
	tq_fetch_free(&f);
	get("/t/status/503?retry_after=soon", &o, &f, &e, NULL);
	is_int((long long)e.retry_after, 0, "Retry-After garbage: 0");
	ok(!e.retry_now, "... counts as none");
	tq_fetch_free(&f);
	get("/t/status/429?retry_after=0", &o, &f, &e, NULL);
	ok(e.retry_after == 0 && e.retry_now, "Retry-After: 0, no wait");
	tq_fetch_free(&f);
	get("/t/status/429?retry_after=-5", &o, &f, &e, NULL);
	ok(e.retry_after == 0 && !e.retry_now, "Retry-After: -5 is none");
	tq_fetch_free(&f);
	get("/t/status/429?retry_after=1e99", &o, &f, &e, NULL);
	ok(e.retry_after == 365 * 86400.0, "Retry-After: 1e99, a year");
	tq_fetch_free(&f);

	/* The retry loop a worker would run. */
	bad("/t/flaky?key=unit-flaky&fail=2", &o, TQ_ERR_TRANSIENT,
	    "http_503", "http 503");
	bad("/t/flaky?key=unit-flaky&fail=2", &o, TQ_ERR_TRANSIENT,
	    "http_503", "http 503");
	good("/t/flaky?key=unit-flaky&fail=2", &o, "text/html", &f);
	contains(f.body, "Flaky page", "flaky: third try");
	tq_fetch_free(&f);
	good("/t/count?key=unit-flaky", &o, "text/plain", &f);
	is_str(f.body, "3\n", "flaky: 3 hits counted");
	tq_fetch_free(&f);
}

static void
test_timeouts(void)
{
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	double secs;
	int sock;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	char *url;

	o.timeout_ms = 2000;
	o.connect_timeout_ms = 1000;
	secs = bad("/t/slow-drip", &o, TQ_ERR_TRANSIENT, "timeout",
	    "timeout after 2 s");
	ok(secs >= 1.5 && secs < 5, "slow drip: stopped after %.2f s", secs);
	secs = bad("/t/hang", &o, TQ_ERR_TRANSIENT, "timeout",
	    "timeout after 2 s");
	ok(secs >= 1.5 && secs < 5, "hang: stopped after %.2f s", secs);
	o.timeout_ms = 3000;
	good("/t/sleep?s=1", &o, "text/html", &f);
	tq_fetch_free(&f);

	/* A port nobody listens on. */
	sock = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(sock, (struct sockaddr *)&sin, &slen);
	close(sock);
	url = xasprintf("http://127.0.0.1:%d/", ntohs(sin.sin_port));
	secs = bad(url, &o, TQ_ERR_TRANSIENT, "connect", "connection refused");
	ok(secs < 2, "connection refused at once");
	free(url);

	bad("/t/reset", &o, TQ_ERR_TRANSIENT, "network", NULL);
}

static void
test_limits(void)
{
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	double secs;

	secs = bad("/t/gzip-bomb", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 10 MiB");
	ok(secs < 5, "gzip bomb: stopped after %.2f s", secs);
	secs = bad("/t/big", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 10 MiB");
	ok(secs < 5, "big streamed: stopped after %.2f s", secs);
	bad("/t/big?length=1", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 10 MiB");
	secs = bad("/t/nested?mb=50", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 10 MiB");
	ok(secs < 5, "50 MB nested divs: stopped after %.2f s", secs);
	o.max_bytes = 60 * 1024 * 1024;
	good("/t/nested?mb=50", &o, "text/html", &f);
	is_int(f.len, 50 * 1024 * 1024, "nested under a 60 MiB limit: all");
	tq_fetch_free(&f);

	o.max_bytes = 0;
	o.timeout_ms = 0;
	o.connect_timeout_ms = 0;
	bad("/t/gzip-bomb", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 10 MiB");
	o.max_redirects = 0;
	bad("/t/redirect-chain/1", &o, TQ_ERR_PERMANENT, "redirects",
	    "too many redirects");
	o.max_redirects = 10;
	o.max_bytes = 1000;
	bad("/t/page?words=500", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 1000 bytes");
	o.max_bytes = 64 * 1024;
	bad("/t/page?words=50000", &o, TQ_ERR_PERMANENT, "too_big",
	    "body exceeds 64 KiB");
	o.max_bytes = 10 * 1024 * 1024;

	bad("/t/pdf", &o, TQ_ERR_PERMANENT, "content_type",
	    "unsupported content type application/pdf");
	secs = bad("/t/pdf?mb=2000", &o, TQ_ERR_PERMANENT, "content_type",
	    "unsupported content type application/pdf");
	ok(secs < 2, "2 GB pdf refused at the headers: %.2f s", secs);
	bad("/t/image", &o, TQ_ERR_PERMANENT, "content_type",
	    "unsupported content type image/png");

	good("/t/binary", &o, "text/html", &f);
	ok(f.len > 65536, "binary junk: converted (%zu bytes)", f.len);
	tq_fetch_free(&f);
	good("/t/binary?seed=7&size=1000000", &o, "text/html", &f);
	tq_fetch_free(&f);
	good("/t/invalid-utf8", &o, "text/html", &f);
	contains(f.body, "ok \xef\xbf\xbd\xef\xbf\xbd bad \xef\xbf\xbd trunc",
	    "invalid UTF-8 repaired");
	contains(f.body, "caf\xc3\xa9</p>", "invalid UTF-8: good text kept");
	is_str(f.charset, "utf-8", "invalid UTF-8: charset");
	tq_fetch_free(&f);
}

static void
test_charsets(void)
{
	static const struct {
		const char	*name, *via, *want, *cs;
	} t[] = {
		{ "utf-8", "header", "café Привет 日本語", "utf-8" },
		{ "utf-8", "meta", "café Привет 日本語", "utf-8" },
		{ "utf-8", "bom", "café Привет 日本語", "utf-8" },
		{ "utf-8", "none", "café Привет 日本語", "utf-8" },
		{ "iso-8859-1", "header", "café naïve über", "windows-1252" },
		{ "iso-8859-1", "meta", "café naïve über", "windows-1252" },
		{ "iso-8859-1", "http-equiv", "café naïve über",
		    "windows-1252" },
		{ "iso-8859-1", "none", "café naïve über", "windows-1252" },
		{ "windows-1251", "header", "Привет, мир", "windows-1251" },
		{ "windows-1251", "meta", "Привет, мир", "windows-1251" },
		{ "windows-1251", "http-equiv", "Привет, мир",
		    "windows-1251" },
		{ "shift_jis", "header", "日本語のテキスト", "shift_jis" },
		{ "shift_jis", "meta", "日本語のテキスト", "shift_jis" },
		{ "shift_jis", "http-equiv", "日本語のテキスト", "shift_jis" },
		{ "utf-16le", "bom", "café Привет 日本語", "utf-16le" },
		{ "utf-16be", "bom", "café Привет 日本語", "utf-16be" },
		{ "utf-16le", "header", "café Привет 日本語", "utf-16le" },
		{ "koi8-r", "meta", "Привет, мир", "koi8-r" },
		{ "euc-jp", "http-equiv", "日本語のテキスト", "euc-jp" },
		{ "gbk", "header", "中文文本", "gbk" },
	};
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(path, sizeof(path), "/t/charset/%s?via=%s",
		    t[i].name, t[i].via);
		good(path, &o, "text/html", &f);
		contains(f.body, t[i].want, path);
		contains(f.body, "<h1>Charset ", path);
		is_str(f.charset, t[i].cs, "%s: charset used", path);
		ok(f.body != NULL && memcmp(f.body, "\xef\xbb\xbf", 3) != 0,
		    "%s: no BOM in the body", path);
		tq_fetch_free(&f);
	}
}

static void
test_private(void)
{
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	struct tq_err e;
	char *url;

	o.allow_private = 0;
	bad("/t/page", &o, TQ_ERR_PERMANENT, "private_address",
	    "address 127.0.0.1 is not allowed (internal)");
	url = xasprintf("http://localhost:%s/t/page",
	    strrchr(base, ':') + 1);
	bad(url, &o, TQ_ERR_PERMANENT, "private_address",
	    "is not allowed (internal)");
	free(url);
	bad("/t/redirect-to-loopback", &o, TQ_ERR_PERMANENT,
	    "private_address", "address 127.0.0.1 is not allowed");

	/*
	 * Per hop: the first hop is allowed by allow_addrs, the redirect
	 * to 127.0.0.2 (where nothing listens) must be refused before
	 * connecting, not fail with "connection refused".
	 */
	o.allow_addrs = "127.0.0.1";
	good("/t/page", &o, "text/html", &f);
	tq_fetch_free(&f);
	bad("/t/redirect-to-loopback?host=127.0.0.2", &o, TQ_ERR_PERMANENT,
	    "private_address", "address 127.0.0.2 is not allowed (internal)");
	bad("/t/redirect-to-loopback?host=::1", &o, TQ_ERR_PERMANENT,
	    "private_address", "address ::1 is not allowed (internal)");
	o.allow_addrs = "10.0.0.0/8, 127.0.0.0/30";
	good("/t/page", &o, "text/html", &f);
	tq_fetch_free(&f);
	bad("/t/redirect-to-loopback?host=127.0.0.4", &o, TQ_ERR_PERMANENT,
	    "private_address", "address 127.0.0.4 is not allowed");
	o.allow_addrs = "127.0.0.1 nonsense";
	bad("/t/page", &o, TQ_ERR_PERMANENT, "config", "nonsense");
	o.allow_addrs = NULL;

	/* Credentials never show in messages or out->url. */
	o.allow_private = 1;
	url = xasprintf("http://user:s3cretpw@%s/t/status/404",
	    base + strlen("http://"));
	tq_fetch(url, &o, &f, &e);
	is_str(e.code, "http_404", "credentials: 404");
	ok(strstr(e.msg, "s3cretpw") == NULL, "credentials: not in '%s'",
	    e.msg);
	ok(f.url != NULL && strstr(f.url, "s3cretpw") == NULL &&
	    strstr(f.url, "user@") == NULL, "credentials: not in the "
	    "out->url of a failure %s", f.url);
	tq_fetch_free(&f);
	free(url);
	url = xasprintf("http://user:s3cretpw@%s/t/page",
	    base + strlen("http://"));
	good(url, &o, "text/html", &f);
	ok(f.url != NULL && strstr(f.url, "s3cretpw") == NULL &&
	    strstr(f.url, "user@") == NULL, "credentials: not in out->url %s",
	    f.url);
	tq_fetch_free(&f);
	o.allow_private = 0;
	tq_fetch(url, &o, &f, &e);
	is_str(e.code, "private_address", "credentials: refused");
	ok(strstr(e.msg, "s3cretpw") == NULL, "credentials: not in '%s'",
	    e.msg);
	tq_fetch_free(&f);
	free(url);
	url = xasprintf("http://user:s3cretpw@%s/t/redirect-loop",
	    base + strlen("http://"));
	o.allow_private = 1;
	tq_fetch(url, &o, &f, &e);
	ok(strstr(e.msg, "s3cretpw") == NULL, "credentials: not in '%s'",
	    e.msg);
	tq_fetch_free(&f);
	free(url);
	url = xasprintf("http://user:%%73ecret@%s/t/status/500",
	    base + strlen("http://"));
	tq_fetch(url, &o, &f, &e);
	ok(strstr(e.msg, "secret") == NULL && strstr(e.msg, "%73ecret") ==
	    NULL, "credentials %%-encoded: not in '%s'", e.msg);
	tq_fetch_free(&f);
	free(url);
	tq_fetch("http://u:s3cretpw@[not-a-host/", &o, &f, &e);
	ok(strstr(e.msg, "s3cretpw") == NULL, "bad URL with credentials: "
	    "not in '%s'", e.msg);

	/* Addresses, without touching the network. */
	{
		static const char *in[] = { "127.0.0.1", "127.255.1.2",
		    "10.1.2.3", "172.16.0.1", "172.31.255.255",
		    "192.168.1.1", "169.254.169.254", "100.64.0.1",
		    "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1",
		    "239.255.255.250", "255.255.255.255", "240.0.0.1",
		    "192.0.2.1", "198.18.0.1", "::", "::1", "[::1]",
		    "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
		    "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		    "::ffff:169.254.169.254", "64:ff9b::a00:1",
		    "2002:7f00:1::", "2001:db8::1", "2001::1", "::127.0.0.1",
		    "fec0::1", "::ffff:0:7f00:1", "::ffff:0:808:808" };
		static const char *out[] = { "8.8.8.8", "1.1.1.1",
		    "93.184.216.34", "172.15.255.255", "172.32.0.1",
		    "100.63.255.255", "100.128.0.1", "192.169.0.1",
		    "169.253.0.1", "223.255.255.255", "2606:4700::1111",
		    "2a00:1450:4001::200e", "::ffff:8.8.8.8",
		    "64:ff9b::808:808", "2002:808:808::", "[2001:4860::8888]" };
		static const char *junk[] = { "", "example.com", "1.2.3",
		    "1.2.3.4.5", "::g", "[1.2.3.4", "256.1.1.1" };
		size_t i;

		for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
			is_int(tq_ip_is_internal(in[i]), 1, "internal %s",
			    in[i]);
		for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
			is_int(tq_ip_is_internal(out[i]), 0, "public %s",
			    out[i]);
		for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
			is_int(tq_ip_is_internal(junk[i]), -1,
			    "not an address '%s'", junk[i]);
		is_int(tq_ip_is_internal(NULL), -1, "NULL address");
	}

}

/* An HTTPS listener with a self-signed certificate must be refused. */
static void
test_tls(void)
{
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;
	char *url;

	good("/t/tls-port", &o, "text/plain", &f);
	url = xasprintf("https://127.0.0.1:%d/t/page",
	    f.body ? (int)strtol(f.body, NULL, 10) : 0);
	tq_fetch_free(&f);
	bad(url, &o, TQ_ERR_PERMANENT, "tls", "certificate");
	free(url);
}

static void
test_url_check(void)
{
	static const struct {
		const char *in, *want;
	} good_urls[] = {
		{ "HTTP://Example.COM:80/a#frag", "http://example.com/a" },
		{ "https://example.com:443", "https://example.com/" },
		{ "https://Example.com:8443/x?y=1#z",
		    "https://example.com:8443/x?y=1" },
		{ "  http://example.com/a b\n", "http://example.com/a%20b" },
		{ "http://user:pw@example.com/", "http://user:pw@example.com/" },
		{ "http://[::1]:8080/", "http://[::1]:8080/" },
		{ "http://127.1/", "http://127.0.0.1/" },
		/* escapes in upper case, as a browser copies them */
		{ "https://ru.wikipedia.org/wiki/Привет",
		    "https://ru.wikipedia.org/wiki/%D0%9F%D1%80%D0%B8%D0%B2"
		    "%D0%B5%D1%82" },
		{ "https://ru.wikipedia.org/wiki/%d0%9f%D1%80?q=%e2%82%ac#%aa",
		    "https://ru.wikipedia.org/wiki/%D0%9F%D1%80?q=%E2%82%AC" },
		{ "http://münchen.de/", "http://xn--mnchen-3ya.de/" },
		{ "http://MÜNCHEN.Example.DE/", "http://xn--mnchen-3ya.example.de/" },
		{ "https://bücher.例え.jp/x", "https://xn--bcher-kva.xn--r8jz45g.jp/x" },
		{ "http://xn--mnchen-3ya.de/", "http://xn--mnchen-3ya.de/" },
		/* UTS #46: the full stops of CJK input, full-width ASCII */
		{ "http://例え。テスト/", "http://xn--r8jz45g.xn--zckzah/" },
		{ "http://bücher．example/", "http://xn--bcher-kva.example/" },
		{ "https://例え｡jp/x", "https://xn--r8jz45g.jp/x" },
		{ "http://ＥＸＡＭＰＬＥ.com/", "http://example.com/" },
		{ "http://ａ－ｂ１.example/", "http://a-b1.example/" },
		{ "https://example.com./x", "https://example.com./x" },
	};
	static const struct {
		const char *in, *msg;
	} bad_urls[] = {
		{ "ftp://example.com/", "unsupported scheme ftp" },
		{ "FILE:///etc/passwd", "unsupported scheme file" },
		{ "javascript:alert(1)", "unsupported scheme javascript" },
		{ "gopher://x/", "unsupported scheme gopher" },
		{ "example.com/page", "malformed URL" },
		{ "/relative/path", "malformed URL" },
		{ "", "malformed URL" },
		{ "http://", "malformed URL" },
		{ "http:example.com", "malformed URL" },
		{ "http://exa mple.com/", "malformed URL" },
		{ "http://example.com:99999/", "malformed URL" },
		{ "://x", "malformed URL" },
		{ "http://m\xfcnchen.de/", "malformed URL" },
		{ "https://a.example:0/", "malformed URL: port 0" },
		{ "https://a.example:000/", "malformed URL: port 0" },
		{ "https://a..b/", "malformed URL: no such host name" },
		{ "https://.a/", "malformed URL: no such host name" },
		{ "https://xn--/", "malformed URL: no such host name" },
		{ "https://a.xn--.b/", "malformed URL: no such host name" },
	};
	struct tq_err e;
	char *norm;
	size_t i;

	for (i = 0; i < sizeof(good_urls) / sizeof(good_urls[0]); i++) {
		norm = NULL;
		is_int(tq_url_check(good_urls[i].in, &norm, &e), 0,
		    "url ok: %s", good_urls[i].in);
		is_str(norm, good_urls[i].want, "url normalized: %s",
		    good_urls[i].in);
		free(norm);
	}
	is_int(tq_url_check("http://example.com/", NULL, NULL), 0,
	    "url check without outputs");
	for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		norm = (char *)"x";
		memset(&e, 0, sizeof(e));
		is_int(tq_url_check(bad_urls[i].in, &norm, &e), -1,
		    "url bad: '%s'", bad_urls[i].in);
		ok(norm == NULL, "url bad: '%s': no output", bad_urls[i].in);
		is_str(e.code, "bad_url", "url bad: '%s': code",
		    bad_urls[i].in);
		is_str(e.msg, bad_urls[i].msg, "url bad: '%s': message",
		    bad_urls[i].in);
		is_int(e.kind, TQ_ERR_PERMANENT, "url bad: '%s': permanent",
		    bad_urls[i].in);
	}
	is_int(tq_url_check(NULL, &norm, &e), -1, "url NULL");
	bad("ftp://127.0.0.1/x", NULL, TQ_ERR_PERMANENT, "bad_url",
	    "unsupported scheme ftp");
	bad("not a url", NULL, TQ_ERR_PERMANENT, "bad_url", "malformed URL");
}

/* The core under tq_fetch, as the LLM and Notion clients use it. */
static void
test_core(void)
{
	struct tq_http_req q;
	struct tq_http_resp r;
	struct tq_err e;
	struct curl_slist *h = NULL;
	char *url;
	CURL *handle;
	int i;

	ok(tq_http_retry_after("7") == 7, "retry-after: 7");
	ok(tq_http_retry_after("120, 120") == 120,
	    "retry-after: twice, merged by a proxy");
	ok(tq_http_retry_after("Fri, 31 Dec 2099 23:59:59 GMT") ==
	    365 * 86400.0, "retry-after: a date decades ahead, a year");
	ok(tq_http_retry_after(" 1.5") == 1.5, "retry-after: 1.5");
	ok(tq_http_retry_after("6m0s") == 360, "retry-after: Go 6m0s");
	ok(tq_http_retry_after("120ms") > 0.119 &&
	    tq_http_retry_after("120ms") < 0.121, "retry-after: 120ms");
	ok(tq_http_retry_after("soon") == 0, "retry-after: garbage 0");
	ok(tq_http_retry_after("99999999999") == 365 * 86400.0,
	    "retry-after: capped at a year");

	/* an API's error answer: classified, its body kept */
	url = xasprintf("%s/t/status/404", base);
	memset(&q, 0, sizeof(q));
	q.url = url;
	q.allow_private = 1;
	q.error_body = 1;
	is_int(tq_http_do(&q, &r, &e), -1, "core: 404 fails");
	is_str(e.code, "http_404", "core: 404 code");
	is_str(e.msg, "http 404 not found", "core: 404 message");
	is_int(e.kind, TQ_ERR_PERMANENT, "core: 404 permanent");
	is_int(r.status, 404, "core: 404 status");
	ok(r.body.len > 0, "core: the error body is read");
	ok(r.maybe_sent, "core: an answer means it was sent");
	tq_http_resp_free(&r);
	free(url);

	/* the guard unless allowed: refused before connecting */
	url = xasprintf("%s/t/page", base);
	q.url = url;
	q.allow_private = 0;
	is_int(tq_http_do(&q, &r, &e), -1, "core: guard");
	is_str(e.code, "private_address", "core: guard code");
	ok(!r.maybe_sent, "core: refused, so not sent");
	tq_http_resp_free(&r);

	/* one handle for several requests, with headers and a limit */
	handle = curl_easy_init();
	h = curl_slist_append(h, "X-Probe: core");
	q.allow_private = 1;
	q.handle = handle;
	q.headers = h;
	free(url);
	url = xasprintf("%s/t/headers", base);
	q.url = url;
	for (i = 0; i < 2; i++) {
		is_int(tq_http_do(&q, &r, &e), 0, "core: kept handle %d", i);
		contains(r.body.data ? r.body.data : "", "core",
		    "core: header sent");
		is_int(r.status, 200, "core: 200 %d", i);
		tq_http_resp_free(&r);
	}
	/*
	 * a request on the kept-alive connection that gets no answer: a
	 * timeout of the whole request, which went out, not of a connect
	 */
	free(url);
	url = xasprintf("%s/t/hang", base);
	q.url = url;
	q.timeout_ms = 2000;
	q.connect_timeout_ms = 1000;
	is_int(tq_http_do(&q, &r, &e), -1, "core: no answer, kept alive");
	is_str(e.code, "timeout", "core: kept alive: timeout");
	is_str(e.msg, "timeout after 2 s: no answer on a kept-alive "
	    "connection", "core: kept alive: no connect timeout");
	ok(r.maybe_sent, "core: kept alive: the request may have been sent");
	tq_http_resp_free(&r);
	q.timeout_ms = 0;
	q.connect_timeout_ms = 0;
	free(url);
	url = xasprintf("%s/t/big?mb=1", base);
	q.url = url;
	q.max_bytes = 1000;
	is_int(tq_http_do(&q, &r, &e), -1, "core: body limit");
	is_str(e.code, "too_big", "core: too_big");
	is_str(e.msg, "body exceeds 1000 bytes", "core: too_big message");
	tq_http_resp_free(&r);

	/*
	 * A request not allowed internal addresses, on the handle whose
	 * kept-alive connection an allowed one left to the same host and
	 * port (a page after a call to an Ollama on localhost): refused,
	 * not sent on that connection.
	 */
	free(url);
	url = xasprintf("%s/t/headers", base);
	q.url = url;
	q.max_bytes = 0;
	is_int(tq_http_do(&q, &r, &e), 0, "core: allowed, kept alive");
	tq_http_resp_free(&r);
	q.allow_private = 0;
	is_int(tq_http_do(&q, &r, &e), -1, "core: guard on a kept connection");
	is_str(e.code, "private_address", "core: kept connection: code");
	is_str(e.msg, "address 127.0.0.1 is not allowed (internal)",
	    "core: kept connection: message");
	is_int(e.kind, TQ_ERR_PERMANENT, "core: kept connection: permanent");
	ok(!r.maybe_sent, "core: kept connection: not sent");
	tq_http_resp_free(&r);
	curl_easy_cleanup(handle);
	curl_slist_free_all(h);
	free(url);

	/* connection refused, the secret and URL password scrubbed */
	memset(&q, 0, sizeof(q));
	q.url = "http://user:pw-SECRET-1@127.0.0.1:1/x";
	q.allow_private = 1;
	q.secret = "tok-SECRET-2";
	is_int(tq_http_do(&q, &r, &e), -1, "core: refused");
	is_str(e.code, "connect", "core: connect code");
	ok(!r.maybe_sent, "core: refused, not sent");
	tq_http_resp_free(&r);
	tq_err_set(&e, TQ_ERR_TRANSIENT, "x", "a tok-SECRET-2 b");
	tq_err_scrub(&e, "tok-SECRET-2");
	tq_err_prefix(&e, "svc: %s", "GET /x");
	is_str(e.msg, "svc: GET /x: a *** b", "core: scrub and prefix");
}

/* ------------------------------------------- the budget for bodies */

struct bfetch {
	const char	*url;
	long		 timeout_ms;
	double		 start;		/* s after the first */
	int		 ret;
	struct tq_err	 err;
};

static size_t budget_peak;

static void
bfetcher(void *arg)
{
	struct bfetch *b = arg;
	struct tq_fetch_opts o = opts();
	struct tq_fetch f;

	tq_sleep(b->start);
	o.timeout_ms = b->timeout_ms;
	b->ret = tq_fetch(b->url, &o, &f, &b->err);
	tq_fetch_free(&f);
}

static void
run_budget(struct bfetch *b, int n)
{
	double end = tq_mono() + 60;
	int i;

	budget_peak = 0;
	for (i = 0; i < n; i++)
		tq_co_start(bfetcher, &b[i]);
	while (tq_co_count() > 0 && tq_mono() < end) {
		tq_loop_step(0.01, NULL, 0);
		if (tq_http_inflight() > budget_peak)
			budget_peak = tq_http_inflight();
	}
}

static void
test_budget(void)
{
	struct bfetch b[4];
	char *u[4];
	int i;

	if (tq_loop_init() == -1) {
		ok(0, "budget: the loop starts");
		return;
	}
	/*
	 * 4 pages of 2 MiB at once, each sent whole but its last chunk
	 * held 1 s, under a budget of 1 MiB: the oldest reads on, the
	 * others stop reading until it ends, and all four are read
	 */
	tq_cfg.body_budget = 1 << 20;
	memset(b, 0, sizeof(b));
	for (i = 0; i < 4; i++) {
		u[i] = xasprintf("%s/t/big?mb=2&hold=1&n=%d", base, i);
		b[i].url = u[i];
		b[i].timeout_ms = 20000;
		b[i].start = i * 0.05;
	}
	run_budget(b, 4);
	for (i = 0; i < 4; i++)
		is_int(b[i].ret, 0, "budget: page %d read whole", i);
	ok(budget_peak <= (3u << 20) + 4 * CURL_MAX_WRITE_SIZE,
	    "budget: at most the budget, one body and a chunk each at once "
	    "(%zu bytes)", budget_peak);
	ok(budget_peak > (1u << 20) + CURL_MAX_WRITE_SIZE,
	    "budget: the oldest read on past it");
	is_int((int)tq_http_inflight(), 0, "budget: all bytes given back");

	/*
	 * a page that starts under the budget (900 KiB of another, which
	 * then drips for 4 s) and runs out of time while it waits for it
	 * fails as "busy", the worker's want, not as the site's timeout
	 */
	b[0].timeout_ms = 10000;
	b[0].start = 0;
	free(u[0]);
	u[0] = xasprintf("%s/t/slow-drip?first=900&s=4", base);
	b[0].url = u[0];
	b[1].timeout_ms = 1500;
	b[1].start = 0.3;
	run_budget(b, 2);
	is_int(b[0].ret, 0, "budget: the oldest page is read");
	is_int(b[1].ret, -1, "budget: the page held past its time fails");
	is_str(b[1].err.code, "busy", "budget: ... as busy");
	is_int(b[1].err.kind, TQ_ERR_TRANSIENT, "budget: ... transient");
	tq_cfg.body_budget = 0;
	for (i = 0; i < 4; i++)
		free(u[i]);
}

int
main(int argc, char **argv)
{
	if (argc != 2 || strncmp(argv[1], "http://", 7) != 0) {
		fprintf(stderr, "usage: unit-fetch http://127.0.0.1:PORT\n");
		return 2;
	}
	base = argv[1];
	test_basic();
	test_redirects();
	test_status();
	test_timeouts();
	test_limits();
	test_charsets();
	test_private();
	test_tls();
	test_url_check();
	test_core();
	test_budget();
	return done_testing();
}
