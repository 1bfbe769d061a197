/*
 * ai_builtin.c - the "builtin" AI provider: no network, no key, and
 * deterministic (the same request always gives the same result).
 *
 *   summary   extractive: sentences ranked by TextRank (PageRank over
 *             TF-IDF cosine similarity between sentences) times priors
 *             for position, length and overlap with the title; the best
 *             N, less near-duplicates, printed in article order.
 *   keywords  phrases of 1-3 words between stopwords and punctuation,
 *             scored by frequency (less the frequency of a longer phrase
 *             that holds them), casing, title words and length.
 *   insights  what can be counted honestly: reading time, words,
 *             sentences, figures, dates, questions, and short points.
 *
 * Summary sentences are spans of the text with runs of white space
 * folded to one space (one of over 1000 characters, which only text
 * without sentence ends gives, is cut at a space and ends in "…").
 * Keywords are words of the text, lower case unless the text writes
 * them with capitals (then its most frequent spelling).  Work is linear
 * in the text except the sentence graph, which holds at most MAX_GRAPH
 * sentences.  Input that is not UTF-8 is read with U+FFFD for the bad
 * bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "ai_priv.h"

/* --------------------------------------------------------------- main */

static int
blank(const char *s)
{
	size_t i, n, len = strlen(s);
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &cp);
		if (!ai_space_cp(cp))
			return 0;
	}
	return 1;
}

static void
ctx_free(struct ctx *c)
{
	free(c->sent);
	free(c->tok);
	ai_strtab_free(&c->words);
	free(c->w);
	ai_strtab_free(&c->stems);
	free(c->st);
	free(c->term);
	free(c->order);
	free(c->cand);
	free(c->cslot);
	free(c->kw);
	tq_buf_free(&c->kb);
	tq_buf_free(&c->nb);
}

int
tq_ai_builtin(const struct tq_ai_request *req, struct tq_ai_result *res,
    struct tq_err *err)
{
	struct ctx c;
	char *clean;
	size_t len;
	int k, nkw, truncated = 0;

	if (req == NULL || req->text == NULL || blank(req->text))
		return tq_err_set(err, TQ_ERR_PERMANENT, "empty_content",
		    "no text to analyse");
	memset(&c, 0, sizeof(c));
	len = strlen(req->text);
	if (len > AI_MAX_INPUT) {
		len = AI_MAX_INPUT;
		while (len > 0 && ((unsigned char)req->text[len] & 0xc0) ==
		    0x80)
			len--;
		truncated = 1;
	}
	clean = tq_utf8_clean(req->text, len, &c.len);
	c.text = clean;
	c.lang = tq_lang_detect(clean);
	c.swlang = tq_lang_stopword_at(c.lang, 0) != NULL ? c.lang : "en";

	ai_split(&c);
	for (k = 0; k < c.nsent; k++)
		ai_tokenize(&c, k);
	ai_survey(&c);
	if (req->title != NULL)
		ai_title_stems(&c, req->title);

	nkw = req->max_keywords > 0 ? req->max_keywords : DEF_KEYWORDS;
	if (nkw > MAX_KEYWORDS)
		nkw = MAX_KEYWORDS;
	if (req->want_summary || req->want_insights)
		ai_rank(&c);
	if (req->want_keywords || req->want_insights)
		ai_keywords(&c, nkw > 5 ? nkw : 5);

	if (req->want_summary)
		res->summary = ai_summary(&c, req->summary_sentences);
	if (req->want_keywords)
		res->keywords = ai_keyword_json(&c, nkw);
	if (req->want_insights)
		res->insights = ai_insights(&c);
	res->language = xstrdup(c.lang);
	res->finish_reason = xstrdup("stop");
	res->json_mode = NULL;
	res->input_truncated = truncated;
	res->attempts = 1;
	res->prompt_tokens = res->completion_tokens = res->total_tokens = -1;

	ctx_free(&c);
	free(clean);
	return 0;
}
