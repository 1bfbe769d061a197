/*
 * ai_keywords.c - the builtin AI provider's keywords: candidate
 * phrases between stopwords and punctuation, scored and the best kept.
 * ai_builtin.c says how the provider works.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "ai_priv.h"

/* ----------------------------------------------------------- keywords */

static uint32_t
cand_hash(const int *s)
{
	return ai_fnv(s, 3 * sizeof(*s));
}

static void
cand_rehash(struct ctx *c)
{
	size_t i, j, ns = c->ncslot ? c->ncslot * 2 : 1024;
	int k;

	free(c->cslot);
	c->cslot = xmalloc(ns * sizeof(*c->cslot));
	for (i = 0; i < ns; i++)
		c->cslot[i] = -1;
	c->ncslot = ns;
	for (k = 0; k < c->ncand; k++) {
		for (j = cand_hash(c->cand[k].s) & (ns - 1); c->cslot[j] != -1;
		    j = (j + 1) & (ns - 1))
			continue;
		c->cslot[j] = k;
	}
}

static int
cand_get(struct ctx *c, const int *stems, int n, int add)
{
	struct cand *cd;
	int s[3] = { -1, -1, -1 }, k;
	size_t j;

	memcpy(s, stems, n * sizeof(*s));
	if (c->ncslot == 0) {
		if (!add)
			return -1;
		cand_rehash(c);
	}
	for (j = cand_hash(s) & (c->ncslot - 1); (k = c->cslot[j]) != -1;
	    j = (j + 1) & (c->ncslot - 1))
		if (memcmp(c->cand[k].s, s, sizeof(s)) == 0)
			return k;
	if (!add)
		return -1;
	GROW(c->cand, c->ncand, c->capcand);
	k = c->ncand++;
	cd = &c->cand[k];
	memset(cd, 0, sizeof(*cd));
	memcpy(cd->s, s, sizeof(s));
	cd->n = n;
	cd->first = -1;
	if ((size_t)c->ncand * 2 > c->ncslot)
		cand_rehash(c);
	else
		c->cslot[j] = k;
	return k;
}

static void
cand_seen(struct cand *cd, const int *words, int tok, int si)
{
	int k;

	cd->f++;
	if (cd->first < 0)
		cd->first = si;
	for (k = 0; k < cd->nvar; k++)
		if (memcmp(cd->var[k], words, cd->n * sizeof(*words)) == 0) {
			cd->varn[k]++;
			return;
		}
	if (cd->nvar < 3) {
		memcpy(cd->var[cd->nvar], words, cd->n * sizeof(*words));
		cd->vtok[cd->nvar] = tok;
		cd->varn[cd->nvar++] = 1;
	}
}

static int
kw_tok(const struct ctx *c, const struct tok *t)
{
	const struct word *w = &c->w[t->word];

	return ai_content_tok(c, t) && !(t->flags & TK_NUM) && !w->nokw &&
	    w->chars <= WORD_CHARS;
}

static int
proper(const struct ctx *c, const struct word *w)
{
	uint32_t cp;
	size_t i, n;
	int up = 0;

	if (w->nform == 0)
		return 0;
	if (w->nmid > 0)
		return w->nmidcap * 2 > w->nmid;
	/* only ever first in a sentence: "NASA", "eBay", list names */
	if (w->count >= 2 && w->form_n[0] == w->count)
		return 1;
	if (strcmp(c->swlang, "de") == 0)	/* German nouns */
		return !w->stop;
	for (i = 0; i < w->form_len[0]; i += n) {
		n = tq_utf8_decode(c->text + w->form_off[0] + i,
		    w->form_len[0] - i, &cp);
		if (tq_lang_case(cp) > 0 && (++up > 1 || i > 0))
			return 1;
	}
	return 0;
}

static int
allcaps_form(const struct ctx *c, const struct word *w, int k)
{
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < w->form_len[k]; i += n) {
		n = tq_utf8_decode(c->text + w->form_off[k] + i,
		    w->form_len[k] - i, &cp);
		if (tq_lang_case(cp) < 0)
			return 0;
	}
	return 1;
}

/* A word as shown: its common capitalised spelling, or lower case. */
static void
show_word(const struct ctx *c, struct tq_buf *b, int wid)
{
	const struct word *w = &c->w[wid];
	int k, best = 0;

	if (proper(c, w)) {
		for (k = 1; k < w->nform; k++)
			if (w->form_n[k] > w->form_n[best] ||
			    (w->form_n[k] == w->form_n[best] &&
			    allcaps_form(c, w, best) && !allcaps_form(c, w, k)))
				best = k;
		tq_buf_add(b, c->text + w->form_off[best], w->form_len[best]);
	} else
		tq_buf_add(b, ai_strtab_str(&c->words, wid), c->words.len[wid]);
}

static int
cand_var(const struct cand *cd)
{
	int k, best = 0;

	for (k = 1; k < cd->nvar; k++)
		if (cd->varn[k] > cd->varn[best])
			best = k;
	return best;
}

static const int *
cand_words(const struct cand *cd)
{
	return cd->var[cand_var(cd)];
}

/*
 * A phrase as shown.  Next to a proper noun a word keeps the capital
 * it has there ("Palm Bay"); elsewhere words are as show_word has them.
 */
static void
show_cand(const struct ctx *c, struct tq_buf *b, const struct cand *cd)
{
	const struct tok *t;
	const int *wv;
	int i, v, names = 0;

	v = cand_var(cd);
	wv = cd->var[v];
	for (i = 0; i < cd->n; i++)
		names += proper(c, &c->w[wv[i]]);
	b->len = 0;
	tq_buf_add(b, "", 0);
	for (i = 0; i < cd->n; i++) {
		if (i > 0)
			tq_buf_add(b, " ", 1);
		t = &c->tok[cd->vtok[v] + i];
		if (names > 0 && !proper(c, &c->w[wv[i]]) &&
		    (t->flags & TK_CAP) && !(t->flags & TK_ALLCAP))
			tq_buf_add(b, c->text + t->off, t->len);
		else
			show_word(c, b, wv[i]);
	}
}

static int
by_cand(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct cand *x = &c->cand[*(const int *)a];
	const struct cand *y = &c->cand[*(const int *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->first != y->first)
		return x->first - y->first;
	return *(const int *)a - *(const int *)b;
}

/* Reorder idx so that its first m are the m best (in any order). */
static void
select_top(struct ctx *c, int *idx, int n, int m)
{
	int lo = 0, hi = n - 1, i, j, p, t;

	while (lo < hi) {
		p = idx[lo + (hi - lo) / 2];
		i = lo;
		j = hi;
		while (i <= j) {
			while (by_cand(&idx[i], &p, c) < 0)
				i++;
			while (by_cand(&idx[j], &p, c) > 0)
				j--;
			if (i <= j) {
				t = idx[i];
				idx[i++] = idx[j];
				idx[j--] = t;
			}
		}
		if (m - 1 <= j)
			hi = j;
		else if (m - 1 >= i)
			lo = i;
		else
			break;
	}
}

/*
 * Do two phrases say the same: one inside the other, two words in
 * common, or one starting where the other ends ("Hong Kong" and "Kong
 * police")?
 */
static int
overlap(const struct cand *x, const struct cand *y)
{
	int i, j, k;

	for (i = 0; i < x->n; i++)
		for (j = 0; j < y->n; j++) {
			for (k = 0; i + k < x->n && j + k < y->n &&
			    x->s[i + k] == y->s[j + k]; k++)
				continue;
			if (k == 0)
				continue;
			if (k >= 2 || k == x->n || k == y->n)
				return 1;
			if ((i == 0 && j + k == y->n) ||
			    (j == 0 && i + k == x->n))
				return 1;
		}
	return 0;
}

void
ai_keywords(struct ctx *c, int max)
{
	static const double lenbonus[] = { 0, 1.0, 1.6, 1.9 };
	struct cand *cd;
	struct tq_buf b = { 0 };
	const int *wv;
	int *idx, nidx = 0, m, win[3] = { 0, 0, 0 }, stems[3], words[3];
	int run, si, k, n, i, j;
	int adj;
	double sum, ws;

	for (si = 0; si < c->nsent; si++) {
		run = 0;
		for (k = c->sent[si].t0; k < c->sent[si].t0 + c->sent[si].nt;
		    k++) {
			if (!kw_tok(c, &c->tok[k])) {
				run = 0;
				continue;
			}
			if (c->tok[k].flags & TK_BREAK)
				run = 0;
			win[0] = win[1];
			win[1] = win[2];
			win[2] = k;
			run++;
			for (n = 1; n <= 3 && n <= run; n++) {
				for (i = 0; i < n; i++) {
					words[i] = c->tok[win[3 - n + i]].word;
					stems[i] = c->w[words[i]].stem;
				}
				j = cand_get(c, stems, n, 1);
				cand_seen(&c->cand[j], words, win[3 - n], si);
			}
		}
	}

	/* Discount phrases that mostly occur inside a longer one. */
	for (k = 0; k < c->ncand; k++) {
		cd = &c->cand[k];
		if (cd->n < 2 || cd->f < 2)
			continue;
		for (i = 0; i < 2; i++) {
			j = cand_get(c, cd->s + i, cd->n - 1, 0);
			if (j >= 0 && c->cand[j].super < cd->f)
				c->cand[j].super = cd->f;
		}
	}

	idx = xcalloc(c->ncand + 1, sizeof(*idx));
	for (k = 0; k < c->ncand; k++) {
		cd = &c->cand[k];
		if ((adj = cd->f - cd->super) <= 0)
			continue;
		wv = cand_words(cd);
		for (i = 0; i < cd->n && c->w[wv[i]].weak; i++)
			continue;
		if (i == cd->n)
			continue;
		sum = 0;
		for (i = 0; i < cd->n; i++) {
			const struct word *w = &c->w[wv[i]];

			ws = 1.0 + 0.6 * proper(c, w) +
			    0.5 * c->st[w->stem].title;
			if (w->chars >= 7)
				ws += 0.3;
			else if (w->chars <= 3)
				ws -= 0.3;
			sum += ws * (1 + 0.25 * log2(c->st[w->stem].tf));
		}
		cd->score = adj * sum / cd->n * lenbonus[cd->n];
		if (cd->n > 1 && cd->f == 1 && c->ntok > 300)
			cd->score *= 0.5;
		if (cd->first * 5 < c->nsent)
			cd->score *= 1.15;
		idx[nidx++] = k;
	}
	/* Sort the best few; the rest only if those do not suffice. */
	m = nidx > 8 * max + 100 ? 8 * max + 100 : nidx;
	if (m < nidx)
		select_top(c, idx, nidx, m);
	qsort_r(idx, m, sizeof(*idx), by_cand, c);

	c->kw = xcalloc(max + 1, sizeof(*c->kw));
	for (k = 0; k < nidx && c->nkw < max; k++) {
		if (k == m)
			qsort_r(idx + m, nidx - m, sizeof(*idx), by_cand, c);
		cd = &c->cand[idx[k]];
		for (i = 0; i < c->nkw; i++)
			if (overlap(cd, &c->cand[c->kw[i]]))
				break;
		if (i < c->nkw)
			continue;
		show_cand(c, &b, cd);
		if (tq_utf8_count(b.data, b.len) > KEYWORD_CHARS ||
		    memchr(b.data, ',', b.len) != NULL)
			continue;
		c->kw[c->nkw++] = idx[k];
	}
	free(idx);
	tq_buf_free(&b);
}

json_t *
ai_keyword_json(const struct ctx *c, int max)
{
	struct tq_buf b = { 0 };
	json_t *a, *s;
	int k;

	a = json_array();
	for (k = 0; k < c->nkw && k < max; k++) {
		show_cand(c, &b, &c->cand[c->kw[k]]);
		if ((s = json_stringn(b.data, b.len)) != NULL)
			json_array_append_new(a, s);
	}
	tq_buf_free(&b);
	return a;
}

