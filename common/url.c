/*
 * url.c - URLs in the form tq keeps them: scheme and host in lower
 * case, the default port and the fragment dropped, spaces and
 * non-ASCII percent-encoded, IDN hosts in punycode, as libcurl's URL
 * parser gives them back (tq_url_check(), in url_check.c).  tq-submit
 * keeps the links it is given so; the extractor the URLs a page gives
 * for itself (canonical link, og:url, image); the Notion stage the
 * source it writes into a bookmark.  What is here needs no libcurl:
 * the quick test of a URL in that form already (tq_url_plain()) and
 * the form of the usual URLs made without a parser (tq_url_simple()),
 * both checked against curl's in tests/unit-util.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

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
char *
tq_url_ascii_host(const char *host)
{
	struct tq_buf b = { 0 };
	uint32_t cp[64];
	const unsigned char *p = (const unsigned char *)host;
	size_t n, start;
	int ascii, dot, valid, i, len;

	while (*p != '\0') {
		n = 0;
		ascii = 1;
		dot = *p == '.';
		start = b.len;
		while (*p != '\0' && !dot) {
			if (n == sizeof(cp) / sizeof(cp[0]))
				goto bad;
			if (*p < 0x80) {
				cp[n++] = *p >= 'A' && *p <= 'Z' ?
				    *p - 'A' + 'a' : *p;
				p++;
				dot = *p == '.';
				continue;
			}
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
			p += len;
			/*
			 * UTS #46 as browsers map it: the full stops of
			 * Chinese and Japanese input separate labels, and
			 * full-width letters, digits and hyphen are ASCII
			 */
			if (cp[n] == 0x3002 || cp[n] == 0xff0e ||
			    cp[n] == 0xff61) {
				dot = 1;
				break;
			}
			if (cp[n] == 0xff0d || (cp[n] >= 0xff10 &&
			    cp[n] <= 0xff19) || (cp[n] >= 0xff21 &&
			    cp[n] <= 0xff3a) || (cp[n] >= 0xff41 &&
			    cp[n] <= 0xff5a))
				cp[n] -= 0xfee0;
			cp[n] = lower_cp(cp[n]);
			if (cp[n] >= 0x80)
				ascii = 0;
			n++;
			dot = *p == '.';
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
		if (dot) {
			tq_buf_add(&b, ".", 1);
			if (*p == '.')
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

char *
tq_url_trim(const char *url)
{
	size_t n;

	while (*url == ' ' || *url == '\t' || *url == '\n' || *url == '\r')
		url++;
	n = strlen(url);
	while (n > 0 && (url[n - 1] == ' ' || url[n - 1] == '\t' ||
	    url[n - 1] == '\n' || url[n - 1] == '\r'))
		n--;
	return xstrndup(url, n);
}

int
tq_url_userinfo(const char *url)
{
	const char *a = strstr(url, "://");

	if (a == NULL)
		return 0;
	a += 3;
	return memchr(a, '@', strcspn(a, "/?#")) != NULL;
}

/* Is the label q to e a number to curl: "127", "017", "0x7f"? */
static int
number_label(const char *q, const char *e)
{
	const char *digits = "0123456789";

	if (e - q > 2 && q[0] == '0' && q[1] == 'x') {
		q += 2;
		digits = "0123456789abcdef";
	}
	for (; q < e; q++)
		if (strchr(digits, *q) == NULL)
			return 0;
	return 1;
}

/*
 * The end of a host in normal form at h: lower-case letters, digits,
 * dots and hyphens, in labels of 1 to 63 bytes that neither start nor
 * end with a hyphen, 253 in all; if all its labels are numbers, a
 * plain dotted quad (curl reads 0x7f.1 as 127.0.0.1).  NULL if there
 * is none.
 */
static const char *
plain_host(const char *h)
{
	const char *p = h, *label = h, *q;
	int numeric = 1, dots = 0, part, digits;

	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	    *p == '.' || *p == '-') {
		if (*p == '.') {
			if (p == h || p[-1] == '.' || p[-1] == '-' ||
			    p[1] == '-' || p - label > 63)
				return NULL;	/* empty, long, odd label */
			numeric &= number_label(label, p);
			label = p + 1;
			dots++;
		}
		p++;
	}
	if (p == h || p - h > 253 || p - label > 63 || h[0] == '-' ||
	    p[-1] == '.' || p[-1] == '-')
		return NULL;
	if (!(numeric & number_label(label, p)))
		return p;
	if (dots != 3)
		return NULL;
	for (q = h; q < p; q++) {
		for (part = 0, digits = 0; q < p && *q != '.'; q++, digits++) {
			if (*q < '0' || *q > '9' || (digits > 0 && part == 0) ||
			    digits == 3)
				return NULL;	/* octal, or past 3 digits */
			part = part * 10 + (*q - '0');
		}
		if (digits == 0 || part > 255)
			return NULL;
	}
	return p;
}

/* Does a dot segment ("/." or "/..") of a path start at p? */
static int
dot_at(const char *p)
{
	return p[0] == '/' && p[1] == '.' && (p[2] == '/' || p[2] == '?' ||
	    p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '?' ||
	    p[3] == '\0')));
}

/*
 * 1 when url is already in the form tq_url_check() gives it, by rules
 * narrow enough to be sure without a parser: http or https in lower
 * case; a plain host (plain_host), not in punycode; no user, no
 * default port; a path from / and a query without %, dot segments,
 * spaces or fragment.  Anything else (0) goes through curl's parser.
 * Most URLs of a bulk submit pass, at a tenth of the parser's cost.
 */
int
tq_url_plain(const char *url)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/";
	const char *p = url, *h, *e;
	int https, port;

	if (strncmp(p, "http://", 7) == 0)
		https = 0, p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		https = 1, p += 8;
	else
		return 0;
	h = p;
	if ((p = plain_host(h)) == NULL || strncmp(h, "xn--", 4) == 0 ||
	    memmem(h, (size_t)(p - h), ".xn--", 5) != NULL)
		return 0;
	/* a port that is not the default */
	if (*p == ':') {
		e = ++p;
		for (port = 0; *p >= '0' && *p <= '9' && p - e < 6; p++)
			port = port * 10 + (*p - '0');
		if (p == e || *e == '0' || p - e > 5 || port > 65535 ||
		    port == (https ? 443 : 80))
			return 0;
	}
	if (*p != '/')
		return 0;
	/* the path, then the query */
	for (; *p != '\0' && *p != '?'; p++)
		if (strchr(ok, *p) == NULL || dot_at(p))
			return 0;
	if (*p == '?') {
		if (*++p == '\0')
			return 0;	/* curl drops an empty query */
		for (; *p != '\0'; p++)
			if (*p != '?' && strchr(ok, *p) == NULL)
				return 0;
	}
	return 1;
}

/*
 * Add the path or query s to n bytes to b as tq_url_check() gives it
 * back: a space as %20 in the path and + in the query, a byte past
 * ASCII as %XX, an escape's hex digits in upper case, the rest as it
 * is.  -1 for a control character (curl refuses those).
 */
static int
add_encoded(struct tq_buf *b, const char *s, size_t n, int query)
{
	char hex[4];
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return -1;
		if (c == ' ')
			tq_buf_adds(b, query ? "+" : "%20");
		else if (c >= 0x80) {
			snprintf(hex, sizeof(hex), "%%%02X", c);
			tq_buf_adds(b, hex);
		} else if (c == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			hex[0] = '%';
			hex[1] = (char)toupper((unsigned char)s[i + 1]);
			hex[2] = (char)toupper((unsigned char)s[i + 2]);
			tq_buf_add(b, hex, 3);
			i += 2;
		} else
			tq_buf_add(b, s + i, 1);
	}
	return 0;
}

char *
tq_url_simple(const char *url)
{
	struct tq_buf b = { 0 };
	const char *p, *a, *e, *colon, *end, *q;
	char *copy, *host, *ah = NULL;
	size_t path;
	int https, port = 0;

	p = copy = tq_url_trim(url);
	if (strncasecmp(p, "http://", 7) == 0)
		https = 0, p += 7;
	else if (strncasecmp(p, "https://", 8) == 0)
		https = 1, p += 8;
	else
		goto bad;
	/* the authority: a host and a port, no user, no IPv6 address */
	a = p;
	e = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(e - a)) != NULL ||
	    memchr(a, '[', (size_t)(e - a)) != NULL)
		goto bad;
	if ((colon = memchr(a, ':', (size_t)(e - a))) == NULL)
		colon = e;
	host = xstrndup(a, (size_t)(colon - a));
	ah = tq_url_ascii_host(host);
	free(host);
	if (ah == NULL || (q = plain_host(ah)) == NULL || *q != '\0')
		goto bad;
	if (colon < e) {	/* an empty port is none */
		if (e - colon > 6 || strspn(colon + 1, "0123456789") !=
		    (size_t)(e - colon - 1))
			goto bad;
		port = e - colon > 1 ? atoi(colon + 1) : 0;
		if ((e - colon > 1 && port == 0) || port > 65535)
			goto bad;
	}
	tq_buf_adds(&b, https ? "https://" : "http://");
	tq_buf_adds(&b, ah);
	if (port != 0 && port != (https ? 443 : 80)) {
		char num[16];

		snprintf(num, sizeof(num), ":%d", port);
		tq_buf_adds(&b, num);
	}
	/* the path from /, the query if not empty, no fragment */
	for (q = e + strcspn(e, "#"); *q != '\0'; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			goto bad;	/* curl encodes none there */
	p = e;
	end = p + strcspn(p, "?#");
	path = b.len;
	if (*p != '/')
		tq_buf_adds(&b, "/");
	if (add_encoded(&b, p, (size_t)(end - p), 0) == -1)
		goto bad;
	for (q = b.data + path; *q != '\0'; q++)
		if (dot_at(q))
			goto bad;	/* curl would remove it */
	if (*end == '?' && end[1] != '\0' && end[1] != '#') {
		p = end + 1;
		end = p + strcspn(p, "#");
		tq_buf_adds(&b, "?");
		if (add_encoded(&b, p, (size_t)(end - p), 1) == -1)
			goto bad;
	}
	free(ah);
	free(copy);
	return b.data;
bad:
	tq_buf_free(&b);
	free(ah);
	free(copy);
	return NULL;
}
