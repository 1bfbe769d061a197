/*
 * extract_facets.c - a shop's panel of filters on a collection (hooks
 * of the broad pass, extract_type.c): "Filter by Brand", the brands
 * with their counts, the price ranges, the colours, the sizes.  On
 * other pages a block named for filters or facets is chrome; on a
 * shop's category it says what the category holds, and most
 * references of the dev set whose page has such a panel keep it (7 of
 * 10; the other 3 are cut short or hold only the category's text).
 *
 * A panel is found before the cleaning (ex_facets_find): a block whose
 * class or id has a word of "facet", "filter" or "refine", with five
 * options or more (list items, labels, boxes to tick) and some text,
 * that does not hold the list of items (a wrapper of the filters and
 * the grid).  The cleaning takes it as chrome, and the main region is
 * chosen as before; then (ex_facets_root) the panels are shown whole,
 * closed drawers and lists of more included, but for the words for
 * screen readers, with the blocks around them the cleaning took, and
 * the region grows to the nearest block that holds it and a panel if
 * that adds little else.  The render loop leaves a panel alone (no
 * menu, no boilerplate).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

static const char *const facet_words[] = {
	"~facet", "~filter", "~refine", NULL
};

/*
 * Is node i, end the last of its subtree, a panel of filters by its
 * shape?  Five options or more (list items, labels, boxes to tick)
 * and some text, counted hidden or not: a shop's filters often wait
 * in a drawer a script opens (on a narrow screen; a wide one shows
 * them beside the grid).
 */
static int
facet_shape(struct ex *x, int i, int end)
{
	const struct xn *n;
	int j, opts = 0;
	size_t len = 0;

	for (j = i; j <= end; j++) {
		n = &x->n[j];
		if (n->tag == XT_TEXT)
			len += n->text != NULL ? strlen(n->text) : 0;
		else if (n->tag == TidyTag_LI || n->tag == TidyTag_LABEL ||
		    n->tag == TidyTag_INPUT)
			opts++;
	}
	return opts >= 5 && len >= 80;
}

/* Words for screen readers only ("Regular Price:" before a price). */
static const char *const reader_words[] = {
	"sr-only", "visually-hidden", "screen-reader", "offscreen", NULL
};

/*
 * A panel waits in a closed drawer, its lists of options in closed
 * lists of more ("Show all brands"): all of it is shown, but for the
 * words for screen readers.
 */
static void
open_panel(struct ex *x, int i, int end)
{
	int j;

	for (j = i + 1; j <= end; j++)
		x->dead[j] = x->dead[x->n[j].parent] ||
		    (x->n[j].attr != NULL &&
		    ex_match_any(x->n[j].attr, reader_words));
}

/*
 * The panels of filters of a collection: a new array, 1 for each node
 * in a panel, or NULL if the page has none.  A block that holds the
 * list of items (a wrapper of the filters and the grid) is no panel;
 * a panel found, its subtree is skipped; a few blocks named so that
 * are no panel are looked at, no more.
 */
unsigned char *
ex_facets_find(struct ex *x, int items)
{
	unsigned char *fac = NULL;
	int i, j, end, tries = 0;

	for (i = 1; i < x->nn && tries < 32; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    x->n[i].attr == NULL ||
		    !ex_match_any(x->n[i].attr, facet_words) ||
		    (items >= 0 && ex_is_ancestor(x, i, items)))
			continue;
		end = ex_subtree_end(x, i);
		if (!facet_shape(x, i, end)) {
			tries++;
			continue;
		}
		if (fac == NULL)
			fac = xcalloc((size_t)x->nn, 1);
		for (j = i; j <= end; j++)
			fac[j] = 1;
		i = end;
	}
	return fac;
}

/*
 * The main region grown to hold the page's panels of filters: to the
 * nearest ancestor of the region and a panel, if the text it adds
 * beside the panels is at most a fifth of the region's.  The panels
 * are shown, and so are the blocks around them the cleaning took (a
 * "left-nav" that holds them).
 */
int
ex_facets_root(struct ex *x, int root, const unsigned char *fac)
{
	int i, r, a, k, end, rend, in, inr, tries = 0;

	if (fac == NULL)
		return root;
	for (i = 1; i < x->nn; i++) {
		if (!fac[i] || (x->n[i].parent >= 0 && fac[x->n[i].parent]))
			continue;
		x->dead[i] = 0;
		open_panel(x, i, ex_subtree_end(x, i));
		for (k = 0, a = x->n[i].parent; a > 0 && x->dead[a] && k < 64;
		    a = x->n[a].parent, k++)
			x->dead[a] = 0;
	}
	ex_sums(x);
	/* a few tries: each looks at a subtree; root's is root..rend */
	rend = ex_subtree_end(x, root);
	for (i = 1; i < x->nn && tries < 4; i++) {
		if (!fac[i] || (x->n[i].parent >= 0 && fac[x->n[i].parent]) ||
		    ex_dead_below(x, i) || x->n[i].tlen == 0 ||
		    (i >= root && i <= rend))
			continue;
		for (r = root; r > 0 && !ex_is_ancestor(x, r, i);
		    r = x->n[r].parent)
			;
		if (r <= 0)
			continue;
		tries++;
		/* the panels' text in r, outside the region */
		end = ex_subtree_end(x, r);
		for (in = 0, inr = r + 1; inr <= end; inr++)
			if (fac[inr] && !fac[x->n[inr].parent] &&
			    !x->dead[inr] && (inr < root || inr > rend))
				in += x->n[inr].tlen;
		if ((x->n[r].tlen - x->n[root].tlen - in) * 5 <=
		    x->n[root].tlen) {
			root = r;
			rend = end;
		}
	}
	return root;
}
