/*
 * fuzz-charset.c - libFuzzer target: any bytes through
 * tq_charset_to_utf8() of charset.c, as HTML and as text.  The input's
 * first line is the Content-Type's charset (none if the line is empty
 * or there is none), the rest the document.  What comes out must be
 * what charset.c promises: valid UTF-8 without NUL bytes, of the
 * length it says, and the name of the charset used.  Built and run by
 * tests/fuzz/run (FUZZ_TARGET=charset).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *body, *used;
	char *label = NULL, *out;
	size_t blen, outlen, i, n;
	int html;

	if (nl != NULL && nl > (const char *)data)
		label = xstrndup((const char *)data,
		    (size_t)(nl - (const char *)data));
	body = nl != NULL ? nl + 1 : (const char *)data;
	blen = size - (size_t)(body - (const char *)data);
	for (html = 0; html <= 1; html++) {
		used = NULL;
		out = tq_charset_to_utf8(body, blen, label, html, &outlen,
		    &used);
		if (out == NULL || used == NULL || out[outlen] != '\0' ||
		    strlen(out) != outlen)
			abort();
		for (i = 0; i < outlen; i += n)
			if ((n = tq_utf8_seq(out + i, outlen - i)) == 0) {
				fprintf(stderr, "fuzz-charset: invalid UTF-8 "
				    "at byte %zu of %zu (%s)\n", i, outlen,
				    used);
				abort();
			}
		free(out);
	}
	free(label);
	return 0;
}
