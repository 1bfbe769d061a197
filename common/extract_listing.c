/*
 * extract_listing.c - listings and collections (stage 3 of
 * extraction, beside the broad pass of extract_type.c): a page of
 * items, each a card of a linked title, a short snippet, a byline or
 * a price.  A readability-style scorer drops such cards for their
 * links; here the items are found by their shape instead: three or
 * more sibling blocks of one tag and class, each with a link.  The
 * region of the page that holds them is the main region, with the
 * page's heading and intro above it.  extract.c says how the stages
 * fit together.
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

#define EX_GROUPS	16	/* kinds of children looked at per parent */

/* The first word of a class attribute ("card card--big" -> "card"). */
static size_t
first_class(const char *a)
{
	return a == NULL ? 0 : strcspn(a, " ");
}

static int
same_kind(const struct xn *a, const struct xn *b)
{
	size_t na = first_class(a->attr), nb = first_class(b->attr);

	return a->tag == b->tag && na == nb &&
	    (na == 0 || strncmp(a->attr, b->attr, na) == 0);
}

/*
 * The items of node p: its live children of the kind that holds most
 * text, each with a link and some text of its own.  Returns the text
 * they hold (linked text included), 0 if fewer than three.
 */
static int
item_text(struct ex *x, int p, int *nitems)
{
	struct {
		int	 first, n, tlen;
	} g[EX_GROUPS];
	int j, k, ng = 0, best = 0;
	struct xn *c;

	*nitems = 0;
	for (j = x->n[p].first; j >= 0; j = x->n[j].next) {
		c = &x->n[j];
		if (x->dead[j] || c->tag == XT_TEXT || c->llen == 0 ||
		    c->tlen < 20 || ex_tag_is_heading(c->tag) ||
		    c->tag == TidyTag_P)
			continue;
		for (k = 0; k < ng; k++)
			if (same_kind(&x->n[g[k].first], c))
				break;
		if (k == ng) {
			if (ng == EX_GROUPS)
				continue;
			g[k].first = j;
			g[k].n = g[k].tlen = 0;
			ng++;
		}
		g[k].n++;
		g[k].tlen += c->tlen;
	}
	for (k = 0; k < ng; k++)
		if (g[k].n >= 3 && g[k].tlen > best) {
			best = g[k].tlen;
			*nitems = g[k].n;
		}
	return best;
}

/*
 * The parent of the page's largest list of items, or -1: three or
 * more items of some length (menus of bare links are shorter).
 */
int
ex_listing_items(struct ex *x)
{
	int i, t, n, best = -1, bestlen = 0, bestn = 0;

	for (i = 1; i < x->nn; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT || x->n[i].nblock < 3)
			continue;
		if ((t = item_text(x, i, &n)) > bestlen && t >= n * 35) {
			best = i;
			bestlen = t;
			bestn = n;
		}
	}
	return best;
}

/*
 * The main region of a listing: the broad pass's root, grown until it
 * holds the largest list of items of the page.
 */
int
ex_listing_root(struct ex *x, int root)
{
	int best = ex_listing_items(x), r;

	if (best < 0 || ex_is_ancestor(x, root, best))
		return root;
	/* the nearest ancestor of both */
	for (r = root; r > 0 && !ex_is_ancestor(x, r, best); r = x->n[r].parent)
		;
	return r > 0 ? r : x->body;
}

/*
 * A <header> or <footer> of an item (its title, its byline and date),
 * not of the page: one inside the list of items or inside an
 * <article>.
 */
int
ex_listing_part(struct ex *x, int i, int items)
{
	int j;

	if (x->n[i].tag != TidyTag_HEADER && x->n[i].tag != TidyTag_FOOTER)
		return 0;
	if (items >= 0 && i != items && ex_is_ancestor(x, items, i))
		return 1;
	for (j = x->n[i].parent; j > 0; j = x->n[j].parent)
		if (x->n[j].tag == TidyTag_ARTICLE)
			return 1;
	return 0;
}
