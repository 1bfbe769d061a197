/*
 * url_check.c - tq_url_check(): a URL read by libcurl's URL parser and
 * given back in the form tq keeps (url.c).  On its own, so that only
 * the programs that call it load libcurl: tq-extract, run once per
 * page, starts without the 30 libraries behind it (the extractor uses
 * tq_url_simple(), which needs no parser).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "tq.h"

/*
 * A host name no request can reach: an empty label ("a..b", ".a"; the
 * root's, a trailing dot, is fine), one over 63 bytes, or an "xn--"
 * with nothing after it.  An IP literal in brackets is curl's to read.
 */
static int
bad_host(const char *h)
{
	const char *p = h, *dot;
	size_t n;

	if (*h == '[')
		return 0;
	for (;;) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if ((n == 0 && (dot != NULL || p == h)) || n > 63 ||
		    (n == 4 && strncmp(p, "xn--", 4) == 0))
			return 1;
		if (dot == NULL)
			return 0;
		p = dot + 1;
	}
}

/* tq_url_check() of one reading by curl */
static int
check_once(const char *url, char **normalized, struct tq_err *err)
{
	CURLU *u = NULL;
	char scheme[17], *copy = NULL, *host = NULL, *ahost = NULL, *s = NULL;
	char *port = NULL;
	size_t n, i;
	int rc = -1;

	*normalized = NULL;
	copy = tq_url_trim(url);
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
	if ((ahost = tq_url_ascii_host(host)) != NULL && bad_host(ahost)) {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL: no such host name");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
	    strcmp(port, "0") == 0) {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL: port 0");
		goto out;
	}
	if (ahost == NULL ||
	    curl_url_set(u, CURLUPART_HOST, ahost, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &s, CURLU_NO_DEFAULT_PORT) !=
	    CURLUE_OK) {
		tq_err_set(err, TQ_ERR_PERMANENT, "bad_url", "malformed URL");
		goto out;
	}
	*normalized = xstrdup(s);
	/*
	 * curl writes the escapes it makes in lower case ("%d0%9f"), a
	 * browser's address bar in upper case ("%D0%9F"), as RFC 3986
	 * (2.1, 6.2.2.1) asks: one page would be two links
	 */
	for (i = 0; (*normalized)[i] != '\0'; i++)
		if ((*normalized)[i] == '%' &&
		    isxdigit((unsigned char)(*normalized)[i + 1]) &&
		    isxdigit((unsigned char)(*normalized)[i + 2])) {
			(*normalized)[i + 1] = (char)toupper((unsigned char)
			    (*normalized)[i + 1]);
			(*normalized)[i + 2] = (char)toupper((unsigned char)
			    (*normalized)[i + 2]);
		}
	rc = 0;
out:
	curl_free(s);
	curl_free(port);
	curl_free(host);
	free(ahost);
	curl_url_cleanup(u);
	free(copy);
	return rc;
}

/*
 * The form curl gives back is read again until it stays as it is, so
 * that tq's form of a URL is its own form: curl decodes "%33" in a host
 * to "3" but reads a host of digits ("3333") as an IPv4 number only
 * when it is written so ("0.0.13.5"), and decodes "%7f" to a DEL that
 * it refuses once written out.  A URL whose form keeps changing, or is
 * refused once written out, is malformed.
 */
int
tq_url_check(const char *url, char **normalized, struct tq_err *err)
{
	char *s = NULL, *t = NULL;
	int i;

	if (normalized != NULL)
		*normalized = NULL;
	if (url == NULL)
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL");
	if (check_once(url, &s, err) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		if (check_once(s, &t, err) == -1) {
			free(s);
			return -1;
		}
		if (strcmp(s, t) == 0)
			break;
		free(s);
		s = t;
		t = NULL;
	}
	free(t);
	if (i == 3) {
		free(s);
		return tq_err_set(err, TQ_ERR_PERMANENT, "bad_url",
		    "malformed URL");
	}
	if (normalized != NULL)
		*normalized = s;
	else
		free(s);
	return 0;
}
