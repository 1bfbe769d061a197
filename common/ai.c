/*
 * ai.c - the result record every AI provider fills, and its JSON.
 *
 * The providers themselves live beside it: ai_builtin.c (extractive,
 * no network) and the OpenAI-compatible client.
 */
#include <stdlib.h>
#include <string.h>

#include "tq.h"

void
tq_ai_result_init(struct tq_ai_result *r)
{
	memset(r, 0, sizeof(*r));
	r->summary = NULL;
	r->keywords = NULL;
	r->insights = NULL;
	r->language = NULL;
	r->finish_reason = NULL;
	r->json_mode = NULL;
	r->raw = NULL;
	r->prompt_tokens = -1;
	r->completion_tokens = -1;
	r->total_tokens = -1;
}

void
tq_ai_result_free(struct tq_ai_result *r)
{
	if (r == NULL)
		return;
	free(r->summary);
	json_decref(r->keywords);
	json_decref(r->insights);
	free(r->language);
	free(r->finish_reason);
	free(r->json_mode);
	free(r->raw);
	tq_ai_result_init(r);
}

/* A JSON string, or null; bytes that are not UTF-8 become U+FFFD. */
static json_t *
str_or_null(const char *s)
{
	json_t *j;
	char *clean;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	clean = tq_utf8_clean(s, strlen(s), NULL);
	j = json_string(clean);
	free(clean);
	return j != NULL ? j : json_null();
}

static json_t *
count_or_null(long n)
{
	return n < 0 ? json_null() : json_integer(n);
}

json_t *
tq_ai_result_json(const struct tq_ai_result *r)
{
	json_t *o;

	o = json_object();
	json_object_set_new(o, "summary", str_or_null(r->summary));
	json_object_set_new(o, "keywords", r->keywords != NULL ?
	    json_incref(r->keywords) : json_null());
	json_object_set_new(o, "insights", r->insights != NULL ?
	    json_incref(r->insights) : json_null());
	json_object_set_new(o, "language", str_or_null(r->language));
	json_object_set_new(o, "prompt_tokens",
	    count_or_null(r->prompt_tokens));
	json_object_set_new(o, "completion_tokens",
	    count_or_null(r->completion_tokens));
	json_object_set_new(o, "total_tokens",
	    count_or_null(r->total_tokens));
	json_object_set_new(o, "finish_reason", str_or_null(r->finish_reason));
	json_object_set_new(o, "json_mode", str_or_null(r->json_mode));
	json_object_set_new(o, "input_truncated",
	    json_boolean(r->input_truncated));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	return o;
}
