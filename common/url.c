/*
 * url.c - URLs in the form tq keeps them: tq_url_check() reads a URL
 * as libcurl's URL parser does, and gives it back with the scheme and
 * host in lower case, the default port and the fragment dropped,
 * spaces and non-ASCII percent-encoded and IDN hosts in punycode.
 * tq-submit keeps the links it is given so; the extractor the URLs a
 * page gives for itself (canonical link, og:url, image); the Notion
 * stage the source it writes into a bookmark.  Apart from http.c, the
 * one HTTP core, so that whatever needs no transfer (the extractor and
 * its fuzz target) needs no more than libcurl's URL API.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

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
tq_url_userinfo(const char *url)
{
	const char *a = strstr(url, "://");

	if (a == NULL)
		return 0;
	a += 3;
	return memchr(a, '@', strcspn(a, "/?#")) != NULL;
}
