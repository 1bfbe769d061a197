/*
 * answer-check.h - the oracle of the fuzz target for a model's answer
 * (tests/fuzz/fuzz-answer.c), shared with tests/unit-openai --answer,
 * which runs the inputs kept in tests/fuzz/regress/answer-* through it
 * on every make check: any bytes as a model's answer, through
 * tq_ai_openai_answer() (ai_openai.c), which finds the JSON object in
 * what an OpenAI-compatible model wrote and normalizes it.
 * The input's first byte says what is asked (bits 0-2: summary,
 * keywords, insights; the rest: max_keywords), the others are the
 * answer, to the first NUL as a string.  What the reader promises:
 * - a summary when one is asked, not empty, its white space single
 *   spaces and none at its ends;
 * - at most max_keywords keywords (20 at most), each not empty, of at
 *   most 100 characters, without a comma, none twice (ignoring ASCII
 *   case); at most 10 insights of at most 2,000 characters;
 * - a language of two lower-case letters or none;
 * - all of it valid UTF-8 (jansson dumps the record);
 * - nothing in res after a failure, and a reason;
 * - what it gives back, written as a model would (plain, in a code
 *   fence after prose, after a <think> block that drafts other JSON),
 *   read again gives the same: after a <think> block, unless one of
 *   its strings holds a </think> and an object after it, which hides
 *   the answer.
 */
#ifndef ANSWER_CHECK_H
#define ANSWER_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tq.h"

static void
fail(const char *what, const char *s)
{
	fprintf(stderr, "answer-check: %s: \"%s\"\n", what, s ? s : "(null)");
	abort();
}

static void
valid(const char *what, const char *s)
{
	size_t i, n, len = strlen(s);

	for (i = 0; i < len; i += n)
		if ((n = tq_utf8_seq(s + i, len - i)) == 0)
			fail(what, "invalid UTF-8");
}

/* One string of the result: valid, not empty, at most max characters. */
static void
check_string(const char *what, const char *s, size_t max)
{
	size_t i, len = strlen(s);

	valid(what, s);
	if (len == 0)
		fail(what, "empty");
	if (tq_utf8_count(s, len) > max)
		fail(what, s);
	for (i = 0; i < len; i++)
		if ((s[i] == ' ' && (i == 0 || i + 1 == len ||
		    s[i + 1] == ' ')) || (s[i] != ' ' &&
		    strchr("\t\n\v\f\r", s[i]) != NULL))
			fail(what, s);
}

/* The result as one string (NULL: the read failed). */
static char *
read_answer(const struct tq_ai_request *q, const char *content)
{
	struct tq_ai_result r;
	const char *why = NULL;
	json_t *j, *points, *v, *w;
	size_t i, k, cap;
	char *s;

	tq_ai_result_init(&r);
	if (tq_ai_openai_answer(q, content, &r, &why) == -1) {
		if (why == NULL || r.summary != NULL || r.keywords != NULL ||
		    r.insights != NULL || r.language != NULL)
			fail("failed read", why);
		tq_ai_result_free(&r);
		return NULL;
	}
	if ((r.summary != NULL) != q->want_summary ||
	    (r.keywords != NULL) != q->want_keywords ||
	    (r.insights != NULL) != q->want_insights)
		fail("fields", "not those asked for");
	if (r.summary != NULL)
		check_string("summary", r.summary, (size_t)-1);
	cap = q->max_keywords > 0 && q->max_keywords < 20 ?
	    (size_t)q->max_keywords : 20;
	if (r.keywords != NULL) {
		if (json_array_size(r.keywords) > cap)
			fail("keywords", "too many");
		json_array_foreach(r.keywords, i, v) {
			check_string("keyword", json_string_value(v), 100);
			if (strchr(json_string_value(v), ',') != NULL)
				fail("keyword with a comma",
				    json_string_value(v));
			for (k = 0; k < i; k++)
				if (strcasecmp(json_string_value(v),
				    json_string_value(json_array_get(
				    r.keywords, k))) == 0)
					fail("keyword twice",
					    json_string_value(v));
		}
	}
	if (r.insights != NULL) {
		points = json_object_get(r.insights, "points");
		if (!json_is_array(points) || json_array_size(points) > 10)
			fail("insights", "not an array of at most 10");
		json_array_foreach(points, i, w)
			check_string("insight", json_string_value(w), 2000);
	}
	if (r.language != NULL && (strlen(r.language) != 2 ||
	    r.language[0] < 'a' || r.language[0] > 'z' ||
	    r.language[1] < 'a' || r.language[1] > 'z'))
		fail("language", r.language);
	j = tq_ai_result_json(&r);
	if ((s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		fail("result", "jansson refuses it");
	json_decref(j);
	tq_ai_result_free(&r);
	return s;
}

/* The answer a model would write for the result a (read_answer's). */
static char *
rewrite(const char *a)
{
	json_t *j = json_loads(a, 0, NULL), *o = json_object(), *v;
	char *s;

	if ((v = json_object_get(j, "summary")) != NULL)
		json_object_set(o, "summary", v);
	if ((v = json_object_get(j, "keywords")) != NULL)
		json_object_set(o, "keywords", v);
	if ((v = json_object_get(json_object_get(j, "insights"), "points"))
	    != NULL)
		json_object_set(o, "insights", v);
	if ((v = json_object_get(j, "language")) != NULL)
		json_object_set(o, "language", v);
	s = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	json_decref(j);
	if (s == NULL)
		fail("rewrite", a);
	return s;
}

static void
again(const struct tq_ai_request *q, const char *a, const char *fmt,
    const char *body)
{
	char *content, *b;

	if (asprintf(&content, fmt, body) == -1)
		abort();
	if ((b = read_answer(q, content)) == NULL || strcmp(a, b) != 0) {
		fprintf(stderr, "answer-check: read again differs:\n%s\n%s\n",
		    a, b ? b : "(failed)");
		abort();
	}
	free(b);
	free(content);
}

/* One input: aborts, saying why, when the reader breaks a promise. */
static void
answer_check(const uint8_t *data, size_t size)
{
	struct tq_ai_request q;
	char *content, *a, *b, *body, *t;

	if (size == 0)
		return;
	memset(&q, 0, sizeof(q));
	q.want_summary = data[0] & 1;
	q.want_keywords = (data[0] >> 1) & 1;
	q.want_insights = (data[0] >> 2) & 1;
	q.max_keywords = data[0] >> 3;		/* 0 to 31 */
	content = xstrndup((const char *)data + 1, size - 1);
	a = read_answer(&q, content);
	b = read_answer(&q, content);
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		fail("two reads differ", content);
	if (a != NULL) {
		body = rewrite(a);
		again(&q, a, "%s", body);
		again(&q, a, "Here is the JSON:\n```json\n%s\n```\nDone.",
		    body);
		/* unless a string holds </think> and then an object */
		if ((t = strcasestr(body, "</think>")) == NULL ||
		    strchr(t, '{') == NULL)
			again(&q, a, "<think>A draft: {\"summary\": 1}"
			    "</think>\n%s", body);
		free(body);
	}
	free(a);
	free(b);
	free(content);
}

#endif
