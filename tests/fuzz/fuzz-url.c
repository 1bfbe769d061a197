/*
 * fuzz-url.c - libFuzzer target: any bytes as a URL, through the URL
 * code of url.c and url_check.c, with libcurl's parser as the oracle.
 * A URL that tq_url_simple() makes without a parser must be the one
 * tq_url_check() gives; one that tq_url_plain() passes must be one
 * that tq_url_check() leaves alone; and tq_url_check()'s own form must
 * come back unchanged when checked again (tq-submit keeps links in it
 * and finds them again by it).  Anything else aborts with both forms
 * on stderr.  Built and run by tests/fuzz/run (FUZZ_TARGET=url).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
differ(const char *what, const char *url, const char *a, const char *b)
{
	fprintf(stderr, "fuzz-url: %s\n  url  %s\n  one  %s\n  curl %s\n",
	    what, url, a != NULL ? a : "(none)", b != NULL ? b : "(none)");
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tq_err e;
	char *url, *norm = NULL, *again = NULL, *simple, *s;
	int rc;

	url = xstrndup((const char *)data, size);	/* to the first NUL */
	free(tq_url_trim(url));
	(void)tq_url_userinfo(url);
	free(tq_redact_url(url));
	free(tq_url_ascii_host(url));

	memset(&e, 0, sizeof(e));
	rc = tq_url_check(url, &norm, &e);
	if (rc == -1 && (e.msg[0] == '\0' || norm != NULL))
		differ("refused without a reason", url, e.msg, norm);
	if ((simple = tq_url_simple(url)) != NULL &&
	    (rc == -1 || strcmp(simple, norm) != 0))
		differ("tq_url_simple() is not curl's form", url, simple,
		    rc == 0 ? norm : e.msg);
	if (tq_url_plain(url) && (rc == -1 || strcmp(url, norm) != 0))
		differ("tq_url_plain() passed what curl changes", url, url,
		    rc == 0 ? norm : e.msg);
	if (rc == 0) {
		if (strlen(norm) == 0)
			differ("an empty URL", url, norm, NULL);
		if (tq_url_check(norm, &again, &e) == -1 ||
		    strcmp(norm, again) != 0)
			differ("curl's form changes when checked again", url,
			    norm, again != NULL ? again : e.msg);
		if ((s = tq_url_simple(norm)) != NULL && strcmp(s, norm) != 0)
			differ("tq_url_simple() changes curl's form", url, s,
			    norm);
		free(s);
	}
	free(again);
	free(simple);
	free(norm);
	free(url);
	return 0;
}
