/*
 * extract_recall.c - text that a reader sees as part of the article
 * and the scoring of stage 4 leaves out, put back by general rules
 * (issue #15: the sentences a good extraction must hold).
 *
 *  - The lead: a page builder puts the headline and the paragraph
 *    that opens the story (a standfirst, an "ingress", a summary) in a
 *    block of their own above the body, and the body wins the scoring
 *    alone.  The paragraphs between the page's <h1> and the body, in
 *    the blocks that hold that <h1>, open the article (ex_lead); a
 *    header that holds the <h1> ("layout__header" in a manual's
 *    <main>) is the headline's block, not the site's header.
 *
 * extract.c says how the stages fit together.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

#define LEAD_MAX	1500	/* characters of the headline's blocks */
#define LEAD_LEVELS	6	/* ancestors of the article looked at */

/* Bylines, reviewers' lines and calls to action near a headline. */
static const char *const lead_junk[] = {
	"author", "~byline", "authored", "reviewer", "cta", "meta",
	"~credit", "~caption", NULL
};

/*
 * Is node i a header that holds the page's <h1> ("layout__header",
 * "page-header")?  The headline's own header, not the site's: its
 * class does not weigh against the lead below the headline.
 */
static int
headline_header(struct ex *x, int i)
{
	return x->n[i].attr != NULL && strstr(x->n[i].attr, "header") &&
	    x->h1 > i && x->h1 <= ex_subtree_end(x, i);
}

/*
 * Is a class/id between node i and its ancestor top a negative one,
 * or one of a byline's or a call to action's?
 */
static int
neg_between(struct ex *x, int i, int top)
{
	for (; i > 0 && i != top; i = x->n[i].parent)
		if ((x->n[i].weight < 0 && !headline_header(x, i)) ||
		    (x->n[i].attr != NULL &&
		    ex_match_any(x->n[i].attr, lead_junk)))
			return 1;
	return 0;
}

/*
 * The paragraphs that open the article above its body, in document
 * order, into out (at most max); returns how many.  first is the
 * article's first part.  The page's first <h1> must come before the
 * article, in a block beside it (or beside one of its ancestors, a few
 * levels up) that holds little text: a headline's block, not another
 * story or the site's header.  From the <h1> to the article, each
 * live paragraph of prose (a sentence of 50 characters or more, few
 * links, no boilerplate, no class of clutter) is taken.
 */
int
ex_lead(struct ex *x, int first, int *out, int max)
{
	int c, p, s, i, e, lvl, h1 = x->h1, total, n = 0;
	struct xn *m;

	if (h1 <= 0 || h1 >= first || max <= 0)
		return 0;
	for (c = first, lvl = 0; lvl < LEAD_LEVELS; lvl++, c = p) {
		p = x->n[c].parent;
		if (p <= 0 || p == x->body || x->n[p].tag == TidyTag_BODY)
			return 0;
		if (h1 > p)
			break;
	}
	if (lvl == LEAD_LEVELS || !ex_is_ancestor(x, p, h1))
		return 0;
	/* the sibling of c that holds the <h1>, and those up to c */
	for (s = x->n[p].first; s >= 0 && s != c; s = x->n[s].next)
		if (h1 >= s && h1 <= ex_subtree_end(x, s))
			break;
	if (s < 0 || s == c)
		return 0;
	for (total = 0, i = s; i != c; i = x->n[i].next)
		if (!x->dead[i])
			total += x->n[i].tlen;
	if (total > LEAD_MAX)
		return 0;
	for (i = ex_subtree_end(x, h1) + 1; i < c && n < max; i++) {
		m = &x->n[i];
		if (ex_dead_below(x, i) || m->tag == XT_TEXT)
			continue;
		switch (m->tag) {
		case TidyTag_FIGURE: case TidyTag_TABLE: case TidyTag_FORM:
		case TidyTag_BLOCKQUOTE: case TidyTag_NAV: case TidyTag_ASIDE:
		case TidyTag_FOOTER: case TidyTag_UL: case TidyTag_OL:
		case TidyTag_DL:
			/* a photo's caption, a quote, a list: no lead */
			i = ex_subtree_end(x, i);
			continue;
		case TidyTag_P:
			break;
		case TidyTag_DIV:
			if (m->nblock == 0)
				break;
			/* FALLTHROUGH */
		default:
			continue;
		}
		e = ex_subtree_end(x, i);
		if (m->tlen >= 50 && ex_link_density(m) < 0.3 &&
		    !neg_between(x, i, p) && ex_has_sentence_end(x, i) &&
		    !ex_is_boilerplate(x, i, 1))
			out[n++] = i;
		i = e;
	}
	return n;
}
