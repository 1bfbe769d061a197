/*
 * fuzz-ai.c - libFuzzer target: any bytes through the builtin AI
 * provider (ai_builtin.c and the ai_*.c and lang.c it uses).  The
 * input's first line is the page's title, the rest its text (to the
 * first NUL, as the stage hands it over).  The provider must give what
 * it promises: the same result for the same request, a summary, its
 * keywords and insights in valid UTF-8, and for blank text its one
 * error.  Built and run by tests/fuzz/run (FUZZ_TARGET=ai).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
valid(const char *what, const char *s)
{
	size_t i, n, len = strlen(s);

	for (i = 0; i < len; i += n)
		if ((n = tq_utf8_seq(s + i, len - i)) == 0) {
			fprintf(stderr, "fuzz-ai: %s: invalid UTF-8 at byte "
			    "%zu\n", what, i);
			abort();
		}
}

static char *
run(const char *title, const char *text, int *rc)
{
	struct tq_ai_request q;
	struct tq_ai_result r;
	struct tq_err e;
	json_t *j, *v;
	char *s;
	size_t i;

	memset(&q, 0, sizeof(q));
	memset(&e, 0, sizeof(e));
	q.title = title;
	q.text = text;
	q.want_summary = q.want_keywords = q.want_insights = 1;
	tq_ai_result_init(&r);
	if ((*rc = tq_ai_builtin(&q, &r, &e)) == -1) {
		if (strcmp(e.code, "empty_content") != 0)
			abort();
		tq_ai_result_free(&r);
		return xstrdup(e.msg);
	}
	if (r.summary == NULL || r.keywords == NULL || r.insights == NULL ||
	    !json_is_array(r.keywords) || !json_is_object(r.insights))
		abort();
	valid("summary", r.summary);
	json_array_foreach(r.keywords, i, v) {
		if (!json_is_string(v))
			abort();
		valid("keyword", json_string_value(v));
	}
	j = tq_ai_result_json(&r);
	if ((s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		abort();	/* jansson refuses invalid UTF-8 */
	json_decref(j);
	tq_ai_result_free(&r);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	char *title = NULL, *text, *a, *b;
	int ra, rb;

	if (nl != NULL)
		title = xstrndup((const char *)data,
		    (size_t)(nl - (const char *)data));
	text = nl != NULL ? xstrndup(nl + 1, size - (size_t)(nl -
	    (const char *)data) - 1) : xstrndup((const char *)data, size);
	a = run(title, text, &ra);
	b = run(title, text, &rb);
	if (ra != rb || strcmp(a, b) != 0) {
		fprintf(stderr, "fuzz-ai: two runs differ:\n%s\n%s\n", a, b);
		abort();
	}
	free(a);
	free(b);
	free(text);
	free(title);
	return 0;
}
