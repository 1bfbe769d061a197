/*
 * ai_summary.c - the builtin AI provider's summary: TextRank over
 * TF-IDF cosine similarity between sentences, times priors for
 * position, length and title words.  ai_builtin.c says how the
 * provider works.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "ai_priv.h"

/* ---------------------------------------------------------- TextRank */

int
ai_content_tok(const struct ctx *c, const struct tok *t)
{
	const struct word *w = &c->w[t->word];

	return w->alpha && (!w->stop || (t->flags & TK_KEEP)) &&
	    w->chars >= 2 && !(t->flags & TK_NOKW);
}

static double
prior(const struct ctx *c, const struct sent *s, int idx, int ne)
{
	double p, len;
	int k, hits = 0, n = 0;

	p = 1.0 + 0.5 / (1.0 + idx / 2.0);
	if (ne > 10 && idx >= ne - 2)
		p *= 0.9;			/* closing lines, credits */
	len = s->nt;
	if (len < 6)
		p *= 0.5;
	else if (len < 10)
		p *= 0.8;
	else if (len > 60)
		p *= 0.7;
	else if (len > 35)
		p *= 0.9;
	for (k = s->t0; k < s->t0 + s->nt; k++)
		if (ai_content_tok(c, &c->tok[k])) {
			n++;
			hits += c->st[c->w[c->tok[k].word].stem].title;
		}
	if (n > 0)
		p *= 1.0 + 0.5 * (double)(hits < 4 ? hits : 4) / 4.0;
	if (s->flags & SF_LIST)
		p *= 0.8;
	if (s->flags & SF_NOTERM)
		p *= 0.7;
	if (s->flags & SF_QUESTION)
		p *= 0.8;
	return p;
}

static int
eligible(const struct ctx *c, const struct sent *s)
{
	int k, nums = 0;

	if (s->flags & (SF_HEADING | SF_SHOUT | SF_COLON))
		return 0;
	if (s->nt < 4 || s->nt > 120)
		return 0;
	for (k = s->t0; k < s->t0 + s->nt; k++)
		if (c->tok[k].flags & TK_NUM)
			nums++;
	return nums * 2 <= s->nt;
}

static int
by_prior(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct sent *x = &c->sent[*(const int *)a];
	const struct sent *y = &c->sent[*(const int *)b];

	if (x->prior != y->prior)
		return x->prior > y->prior ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static int
by_score(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct sent *x = &c->sent[*(const int *)a];
	const struct sent *y = &c->sent[*(const int *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static int
by_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int
by_term(const void *a, const void *b)
{
	return ((const struct term *)a)->stem - ((const struct term *)b)->stem;
}

/* Stem vector of sentence si into c->term, as tf for now. */
static void
vectorize(struct ctx *c, int si)
{
	struct sent *s = &c->sent[si];
	struct term *v;
	int k, n, m;

	s->v0 = c->nterm;
	for (k = s->t0; k < s->t0 + s->nt; k++)
		if (ai_content_tok(c, &c->tok[k])) {
			GROW(c->term, c->nterm, c->capterm);
			c->term[c->nterm].stem = c->w[c->tok[k].word].stem;
			c->term[c->nterm].w = 1;
			c->nterm++;
		}
	v = c->term + s->v0;
	n = c->nterm - s->v0;
	if (n > 1)
		qsort(v, n, sizeof(*v), by_term);
	for (k = m = 0; k < n; k++) {
		if (m > 0 && v[m - 1].stem == v[k].stem)
			v[m - 1].w += 1;
		else
			v[m++] = v[k];
	}
	s->nv = m;
	c->nterm = s->v0 + m;
}

static double
cosine(const struct ctx *c, const struct sent *x, const struct sent *y)
{
	const struct term *a = c->term + x->v0, *b = c->term + y->v0;
	double dot = 0;
	int i = 0, j = 0;

	if (x->norm == 0 || y->norm == 0)
		return 0;
	while (i < x->nv && j < y->nv) {
		if (a[i].stem < b[j].stem)
			i++;
		else if (a[i].stem > b[j].stem)
			j++;
		else
			dot += a[i++].w * b[j++].w;
	}
	return dot / (x->norm * y->norm);
}

void
ai_rank(struct ctx *c)
{
	struct sent *s;
	struct term *v;
	int *g, *ps, *rowp = NULL, *col = NULL;
	double *pw, *val = NULL, *acc, *outw, *r, *nr, delta;
	int ng = 0, ne = 0, i, j, k, p, t, nedge = 0, capedge = 0;
	int it, total;

	g = xcalloc(c->nsent + 1, sizeof(*g));
	for (i = 0; i < c->nsent; i++)
		if (eligible(c, &c->sent[i]))
			c->sent[i].flags |= SF_OK;
	for (i = 0; i < c->nsent; i++)
		if (c->sent[i].flags & SF_OK)
			ne++;
	for (i = 0; ne == 0 && i < c->nsent; i++)
		if (c->sent[i].nt > 0 && !(c->sent[i].flags & SF_SHOUT)) {
			c->sent[i].flags |= SF_OK;
			ne++;
		}
	if (ne == 0) {
		for (i = 0; i < c->nsent; i++)
			c->sent[i].flags |= SF_OK;
		ne = c->nsent;
	}
	for (i = k = 0; i < c->nsent; i++)
		if (c->sent[i].flags & SF_OK) {
			c->sent[i].prior = prior(c, &c->sent[i], k++, ne);
			g[ng++] = i;
		}
	if (ng > MAX_GRAPH) {
		qsort_r(g, ng, sizeof(*g), by_prior, c);
		ng = MAX_GRAPH;
		qsort(g, ng, sizeof(*g), by_int);
	}

	/*
	 * TF-IDF vectors of the graph's sentences; c->term is allocated
	 * even when no sentence has a content word (c->term + 0 on NULL
	 * is undefined)
	 */
	GROW(c->term, c->nterm, c->capterm);
	for (k = 0; k < c->stems.n; k++)
		c->st[k].dfg = 0;
	for (i = 0; i < ng; i++) {
		vectorize(c, g[i]);
		s = &c->sent[g[i]];
		for (k = 0; k < s->nv; k++)
			c->st[c->term[s->v0 + k].stem].dfg++;
	}
	for (i = 0; i < ng; i++) {
		s = &c->sent[g[i]];
		v = c->term + s->v0;
		s->norm = 0;
		for (k = 0; k < s->nv; k++) {
			v[k].w = (1 + log(v[k].w)) *
			    log(1.0 + (double)ng / c->st[v[k].stem].dfg);
			s->norm += v[k].w * v[k].w;
		}
		s->norm = sqrt(s->norm);
	}

	/* Postings, then the similarity graph in compressed rows. */
	for (k = total = 0; k < c->stems.n; k++) {
		c->st[k].post = total;
		total += c->st[k].dfg;
		c->st[k].dfg = 0;
	}
	ps = xcalloc(total + 1, sizeof(*ps));
	pw = xcalloc(total + 1, sizeof(*pw));
	for (i = 0; i < ng; i++) {
		s = &c->sent[g[i]];
		for (k = 0; k < s->nv; k++) {
			t = c->term[s->v0 + k].stem;
			p = c->st[t].post + c->st[t].dfg++;
			ps[p] = i;
			pw[p] = c->term[s->v0 + k].w;
		}
	}
	acc = xcalloc(ng + 1, sizeof(*acc));
	outw = xcalloc(ng + 1, sizeof(*outw));
	rowp = xcalloc(ng + 1, sizeof(*rowp));
	for (i = 0; i < ng; i++) {
		s = &c->sent[g[i]];
		rowp[i] = nedge;
		for (k = 0; k < s->nv; k++) {
			t = c->term[s->v0 + k].stem;
			for (p = c->st[t].post; p < c->st[t].post +
			    c->st[t].dfg; p++) {
				if ((j = ps[p]) == i)
					continue;
				acc[j] += c->term[s->v0 + k].w * pw[p];
			}
		}
		for (j = 0; j < ng; j++) {
			double sim;

			if (acc[j] == 0)
				continue;
			sim = acc[j] / (s->norm * c->sent[g[j]].norm);
			acc[j] = 0;
			if (sim < 0.01)
				continue;
			if (nedge >= capedge) {
				capedge = capedge ? capedge * 2 : 1024;
				col = xrealloc(col, capedge * sizeof(*col));
				val = xrealloc(val, capedge * sizeof(*val));
			}
			col[nedge] = j;
			val[nedge++] = sim;
			outw[i] += sim;
		}
	}
	rowp[ng] = nedge;

	/* PageRank; the graph is symmetric, so in-edges are the row. */
	r = xcalloc(ng + 1, sizeof(*r));
	nr = xcalloc(ng + 1, sizeof(*nr));
	for (i = 0; i < ng; i++)
		r[i] = 1.0 / ng;
	for (it = 0; it < 60; it++) {
		delta = 0;
		for (i = 0; i < ng; i++) {
			double sum = 0;

			for (p = rowp[i]; p < rowp[i + 1]; p++)
				if (outw[col[p]] > 0)
					sum += r[col[p]] * val[p] /
					    outw[col[p]];
			nr[i] = (1 - DAMPING) / ng + DAMPING * sum;
			delta += fabs(nr[i] - r[i]);
		}
		memcpy(r, nr, ng * sizeof(*r));
		if (delta < 1e-6)
			break;
	}
	for (i = 0; i < c->nsent; i++)
		c->sent[i].score = 0;
	for (i = 0; i < ng; i++)
		c->sent[g[i]].score = r[i] * ng * c->sent[g[i]].prior;

	/* Candidates by score: graph members, then the rest by prior. */
	c->order = xcalloc(ne + 1, sizeof(*c->order));
	for (i = 0; i < ng; i++)
		c->order[c->norder++] = g[i];
	qsort_r(c->order, c->norder, sizeof(*c->order), by_score, c);
	for (i = 0; i < c->nsent; i++)
		if ((c->sent[i].flags & SF_OK) &&
		    bsearch(&i, g, ng, sizeof(*g), by_int) == NULL)
			c->order[c->norder++] = i;
	qsort_r(c->order + ng, c->norder - ng, sizeof(*c->order), by_prior,
	    c);

	free(g);
	free(ps);
	free(pw);
	free(acc);
	free(outw);
	free(rowp);
	free(col);
	free(val);
	free(r);
	free(nr);
}

/* The best n sentences, near-duplicates last; count in *np. */
int *
ai_pick(const struct ctx *c, int n, int *np)
{
	int *out, *skip, i, j, k, m = 0, ns = 0;

	out = xcalloc(c->norder + 1, sizeof(*out));
	skip = xcalloc(c->norder + 1, sizeof(*skip));
	for (i = 0; i < c->norder && m < n; i++) {
		for (j = 0; j < m; j++)
			if (cosine(c, &c->sent[c->order[i]],
			    &c->sent[out[j]]) > 0.6)
				break;
		if (j < m)
			skip[ns++] = c->order[i];
		else
			out[m++] = c->order[i];
	}
	for (k = 0; k < ns && m < n; k++)
		out[m++] = skip[k];
	free(skip);
	*np = m;
	return out;
}

static int
default_sentences(const struct ctx *c)
{
	if (c->norder <= 20)
		return 3;
	if (c->norder <= 45)
		return 4;
	return 5;
}

char *
ai_summary(struct ctx *c, int want)
{
	struct tq_buf b = { 0 };
	int *sel, n, k;

	if (want <= 0)
		want = default_sentences(c);
	if (want > MAX_SUMMARY)
		want = MAX_SUMMARY;
	sel = ai_pick(c, want, &n);
	qsort(sel, n, sizeof(*sel), by_int);
	tq_buf_add(&b, "", 0);
	for (k = 0; k < n; k++) {
		if (k > 0)
			tq_buf_add(&b, " ", 1);
		ai_add_trunc(&b, c->text + c->sent[sel[k]].off,
		    c->sent[sel[k]].len, SENTENCE_CHARS);
	}
	free(sel);
	return b.data;
}

