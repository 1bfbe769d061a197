/*
 * extract_service.c - what the broad pass does on a service or
 * landing page (and, for accordions, on a product page).
 *
 * A landing page is a stack of sections, each a heading with a line
 * or two under it, and its reference text keeps them all.  The broad
 * pass (extract_type.c) takes the page's main region without its
 * chrome; the rules here keep the parts of a landing page that look
 * like chrome to the generic tests:
 *
 *  - the hero: a <header> that holds the page's heading and little
 *    else but text ("One workspace. Zero busywork." over its lead
 *    line) is the page's own header, not the site's banner of logo
 *    and menus (ex_service_hero(), asked before a <header> goes as a
 *    small structural block).
 *  - accordions' toggles: a <button> with aria-controls or
 *    aria-expanded (not a tab) names the panel below it, a product's
 *    "Dimensions & Materials", an FAQ's question.  The tree keeps its
 *    text (ex_toggle_button(), stage 2), hidden where closed panels
 *    are; on a product or a service page the broad pass makes it a
 *    heading (ex_toggle_headings()), so that it goes with its section
 *    where the section goes (a product's shipping terms) and when its
 *    panel is empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

/*
 * Is node i a <header> that is a page's hero: it holds a heading with
 * text of its own, no navigation, and mostly unlinked text?
 */
int
ex_service_hero(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];

	if (n->tag != TidyTag_HEADER || n->nhead == 0 || n->hlen == 0 ||
	    n->tlen < 20 || n->tlen > 2000 || n->llen * 3 > n->tlen)
		return 0;
	/* the heading is the text, or a good part of it */
	return n->hlen * 5 >= n->tlen;
}

/*
 * A <button> that opens and closes a panel: aria-controls or
 * aria-expanded, and no tab of a tab list (whose labels stand
 * together, away from their panels).
 */
int
ex_toggle_button(TidyNode tn)
{
	const char *v;

	if (ex_attr_get(tn, "aria-controls") == NULL &&
	    ex_attr_get(tn, "aria-expanded") == NULL)
		return 0;
	return (v = ex_attr_get(tn, "role")) == NULL || !ex_has_word(v, "tab");
}

/*
 * An accordion's toggle names the panel below it ("Dimensions &
 * Materials", a question of an FAQ): on a product or a service page
 * it is a heading of that section, not a control.  As a heading it
 * goes with its section where the section goes (shipping and returns)
 * and when its panel is empty.
 */
void
ex_toggle_headings(struct ex *x, int root, int end)
{
	int i;

	for (i = root + 1; i <= end; i++)
		if (!x->dead[i] && x->n[i].tag == TidyTag_BUTTON &&
		    (x->n[i].flags & F_TOGGLE) && x->n[i].tlen > 0 &&
		    x->n[i].tlen <= 150 && x->n[i].nblock == 0) {
			x->n[i].tag = TidyTag_H4;
			x->n[i].flags |= F_BLOCK;
		}
}
