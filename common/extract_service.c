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
 *    and menus; so is a block that holds the page's first <h1> and
 *    little but headings, whatever its class says ("cmp-hero
 *    md-banner") (ex_service_hero(), asked before a <header> goes as
 *    a small structural block and before a block goes for its class).
 *  - accordions' toggles: a <button> with aria-controls or
 *    aria-expanded (not a tab) names the panel below it, a product's
 *    "Dimensions & Materials", an FAQ's question.  The tree keeps its
 *    text (ex_toggle_button(), stage 2), hidden where closed panels
 *    are; on a product or a service page the broad pass makes it a
 *    heading (ex_toggle_headings()), so that it goes with its section
 *    where the section goes (a product's shipping terms) and when its
 *    panel is empty.  So does a block of text whose class calls it an
 *    accordion's title ("accordion-title", "cmp-accordion__header").
 *  - tabs that hold the text: a tab list (a role the broad pass drops
 *    as navigation) whose tabs each hold a title over a line stays
 *    on a service page (ex_service_tabs()); ex_button_tag() gives the
 *    copies of a tab that wrapped paragraphs their text.
 *  - a card's footer or header ("card-footer", "CustomerCardFooter"),
 *    a customer's quote under the name, is no page's footer, and a
 *    heading one sees is no chrome whatever its class says (an FAQ's
 *    question of class "ask-ads"): they stay on a service page
 *    (ex_service_keep(), asked where the broad pass drops a block for
 *    its class).
 *  - the sections of the site's news and of its other pages ("Recent
 *    News", "Related Services") go (ex_service_clean(), with the
 *    product page's ex_drop_sections()).
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
 * Is node i a page's hero: a <header> that holds a heading with text
 * of its own, no navigation, and mostly unlinked text; or a block that
 * holds the page's first <h1> and little but headings (its lead line,
 * its buttons), whatever its class says ("hero md-banner")?
 */
int
ex_service_hero(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];
	int j;

	if (n->nhead == 0 || n->hlen == 0 || n->tlen < 20 || n->tlen > 2000)
		return 0;
	if (n->tag == TidyTag_HEADER && n->llen * 3 <= n->tlen &&
	    n->hlen * 5 >= n->tlen)
		return 1;	/* the heading is the text, or a good part */
	/* the page's first <h1> lies below: the subtree ends past it */
	if (x->h1 <= i || n->tlen > 1000 || n->hlen * 2 < n->tlen)
		return 0;
	for (j = i; x->n[j].last >= 0; j = x->n[j].last)
		;
	return x->h1 <= j;
}

/*
 * Is a word of attr a part of a card ("card-footer",
 * "StyledCustomerCardFooter"), no part of the page?
 */
static int
card_tok(const char *w)
{
	return strstr(w, "card") != NULL && (strstr(w, "footer") != NULL ||
	    strstr(w, "header") != NULL);
}

static int
card_part(const char *attr)
{
	return ex_attr_any(attr, card_tok);
}

/*
 * A block that goes for its class on other pages and stays on a
 * service page: the page's hero, and the footer or header of a card
 * (a customer's quote under the customer's name, in a card's
 * "footer"), not of the page.
 */
int
ex_service_keep(const struct ex *x, int i)
{
	static const char *const unseen[] = {
		"~hidden", "sr-only", "~screen-reader", "offscreen", NULL
	};
	const struct xn *n = &x->n[i];

	if (ex_service_hero(x, i) || (n->attr != NULL && n->tlen <= 600 &&
	    card_part(n->attr)))
		return 1;
	/* a heading (an FAQ's question, class "ask-ads"), if one sees it */
	return ex_tag_is_heading(n->tag) && n->tlen > 0 && n->tlen <= 200 &&
	    n->llen * 2 < n->tlen && !ex_match_any(n->attr, unseen);
}

/*
 * A tab list whose tabs hold the text: each tab a title over a
 * paragraph or two ("Hand off your busywork" over what it means),
 * beside the picture each shows.  A tab list of labels only is
 * navigation; one of paragraphs, little of it linked, is the section.
 */
int
ex_service_tabs(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];

	return n->np >= 2 && n->tlen >= 150 && n->llen * 4 < n->tlen;
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
 * Is one of the class or id words of attr an accordion's title
 * ("accordion-title", "cmp-accordion__header", "collapsible-trigger"):
 * a word naming an accordion that names a title of it too?
 */
static int
accordion_tok(const char *w)
{
	static const char *const parts[] = {
		"title", "header", "heading", "trigger", "toggle", "label",
		"question", NULL
	};
	int k;

	/* a word of 96 bytes or more is no name */
	if (strlen(w) >= 96 || (strstr(w, "accordion") == NULL &&
	    strstr(w, "collapsible") == NULL) || strstr(w, "icon") != NULL)
		return 0;
	for (k = 0; parts[k] != NULL; k++)
		if (strstr(w, parts[k]) != NULL)
			return 1;
	return 0;
}

static int
accordion_title(const char *attr)
{
	return ex_attr_any(attr, accordion_tok);
}

/*
 * An accordion's toggle names the panel below it ("Dimensions &
 * Materials", a question of an FAQ): on a product or a service page
 * it is a heading of that section, not a control.  As a heading it
 * goes with its section where the section goes (shipping and returns)
 * and when its panel is empty.  So does a block of text alone whose
 * class calls it an accordion's title ("accordion-title",
 * "cmp-accordion__header").
 */
void
ex_toggle_headings(struct ex *x, int root, int end)
{
	struct xn *n;
	int i;

	for (i = root + 1; i <= end; i++) {
		n = &x->n[i];
		if (x->dead[i] || n->tlen == 0 || n->tlen > 150 ||
		    n->nblock > 0)
			continue;
		if ((n->tag == TidyTag_BUTTON && (n->flags & F_TOGGLE)) ||
		    ((n->tag == TidyTag_DIV || n->tag == TidyTag_DT ||
		    n->tag == TidyTag_SPAN || n->tag == TidyTag_P) &&
		    n->nhead == 0 && n->attr != NULL &&
		    accordion_title(n->attr))) {
			n->tag = TidyTag_H4;
			n->flags |= F_BLOCK;
		}
	}
}

/*
 * A service page's list of short links under its own heading: the
 * places that offer the service, the industries served ("Industries
 * We Serve" over a grid of linked names).  Its heading stands just
 * before it, or just before the block that opens with it, alone or
 * over a line or two; a site's menus are in its navigation, header and
 * footer, gone before.  Not the page's table of contents, of links to
 * places in the page.
 */
int
ex_service_links(struct ex *x, int i)
{
	const struct xn *h;
	int j, p, k, steps;

	if (ex_anchor_list(x, i))
		return 0;
	for (k = 0; k < 4; k++) {
		p = x->n[i].parent;
		/* the nearest element before i that shows something */
		for (j = i - 1, steps = 0; j > p && steps < 8; j--, steps++) {
			while (x->n[j].parent != p)
				j = x->n[j].parent;
			if (!x->dead[j] && x->n[j].tlen > 0)
				break;
		}
		if (j > p && steps < 8) {
			h = &x->n[j];
			return h->tag != XT_TEXT && h->tlen <= 400 &&
			    (h->nhead > 0 || ex_tag_is_heading(h->tag)) &&
			    h->llen * 2 < h->tlen;
		}
		if (j > p || p == x->body)
			return 0;
		i = p;	/* the first in its block: the block's heading */
	}
	return 0;
}

/*
 * Sections of a service page that are not the service: the site's
 * news and its other pages ("Recent News", "News and Notes: ...",
 * "Related Services"), each a heading that opens with these words and
 * what follows it up to the next heading of its rank.
 */
static const char *const off_sections[] = {
	"news", "recent news", "latest news", "in the news",
	"related services", "related articles", "related posts",
	"related content", "related resources", "related links",
	"related news", "related pages", "related stories",
	NULL
};

/*
 * What goes counts as the page's text (x->cleaned), blank lines
 * included, where the broad pass is weighed against the article found
 * by scoring, which keeps these sections.
 */
void
ex_service_clean(struct ex *x, int root, int end)
{
	int len = x->n[root].tlen, nblock = x->n[root].nblock;

	ex_drop_sections(x, root, end, off_sections);
	/* each block gone, a blank line less */
	x->cleaned = len - x->n[root].tlen + 2 * (nblock -
	    x->n[root].nblock);
}
