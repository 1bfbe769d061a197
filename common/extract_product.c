/*
 * extract_product.c - what the extractor does for product pages (and
 * the shops' pages built like them): the rules that find a product's
 * name, description, features and specifications and leave out the
 * shop around them.  extract.c says how the stages fit together;
 * these are hooks called from the tree (stage 2), the type (stage 3)
 * and the broad pass.
 *
 * Shops hide much of a product's text until a script or a click shows
 * it, and surround it with their own: offers, terms, other products.
 *
 *  - Streamed segments (stage 2): React's streaming renderer sends the
 *    parts of a page that were slow to render last, each in a <div
 *    hidden id="S:n"> that a script moves into its place, a <template
 *    id="B:n"> or "P:n".  Shops built that way (Next.js) hold their
 *    description and specifications there: the tree takes them where
 *    the script puts them, without the fallback ("Loading...").
 *  - Closed panels (stage 2): a hidden block right after a heading or
 *    after its aria-expanded toggle, an ARIA region or tab panel, a
 *    block after a strip of tabs (or after the panels that follow it)
 *    is an accordion's or a tab's panel, shown by the broad pass.
 *  - Buttons (stage 2): tidy's split copies of a button that wrapped
 *    blocks (a tab's in each paragraph), and a toggle in a heading or
 *    a specification's cell, hold text.
 *  - Evidence (stage 3): the page's heading in a small block with a
 *    price (a buy box), the body classes of shop software.
 *  - Cleaning (the broad pass): sections of other products, of shop
 *    terms and of review digests; a marketplace's seller's card (by
 *    its class); lists of form labels, the labels of the buy box's
 *    fields; rows and grids
 *    of other products' cards; the shop's notes (promotions, credit,
 *    services, seller badges, the photos' size captions, badges such
 *    as "Sale" or "Best seller" in a block of their own); headings
 *    left with nothing below them (the text of a section gone counts
 *    for nothing; a heading that ends in a colon leads to a video).
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

/* ---------------------------------------------------- streamed segments */

#define EX_SEGS		256	/* segments looked at */
#define EX_JUMPS	64	/* segments open at once */

struct exseg {
	TidyNode	 div;
	const char	*num;		/* "4" of "S:4" */
	int		 used;
};

struct exstream {
	TidyDoc		 td;
	struct exseg	 seg[EX_SEGS];
	int		 nseg, nused;
	struct {
		TidyNode	 seg, tpl;
	}		 jump[EX_JUMPS];
	int		 njump;
};

/* The n of an id "X:n" (hexadecimal digits), or NULL. */
static const char *
seg_num(TidyNode tn, char kind)
{
	const char *id, *p;

	if ((id = ex_attr_get(tn, "id")) == NULL || id[0] != kind ||
	    id[1] != ':' || !isxdigit((unsigned char)id[2]))
		return NULL;
	for (p = id + 2; isxdigit((unsigned char)*p); p++)
		;
	return *p == '\0' ? id + 2 : NULL;
}

/* A <div hidden id="S:n">: React's streamed content, shown by a script. */
int
ex_stream_segment(TidyNode tn)
{
	return tidyNodeGetId(tn) == TidyTag_DIV && seg_num(tn, 'S') != NULL;
}

/*
 * Index the streamed segments of the page before the tree is built,
 * so that each goes where its placeholder (<template id="B:n"> or
 * "P:n") stands, as the page's script puts it.
 */
void
ex_stream_index(struct ex *x, TidyDoc td)
{
	TidyNode tn, nx, root = tidyGetRoot(td);
	struct exstream *st = NULL;
	const char *num;

	x->stream = NULL;
	for (tn = tidyGetChild(root); tn != NULL; tn = nx) {
		if (tidyNodeGetId(tn) == TidyTag_DIV &&
		    ex_attr_get(tn, "hidden") != NULL &&
		    (num = seg_num(tn, 'S')) != NULL) {
			if (st == NULL) {
				st = ex_aalloc(x, sizeof(*st));
				memset(st, 0, sizeof(*st));
				st->td = td;
				x->stream = st;
			}
			if (st->nseg == EX_SEGS)
				return;
			st->seg[st->nseg].div = tn;
			st->seg[st->nseg++].num = num;
			nx = NULL;	/* a segment's inside is its own */
		} else
			nx = tidyGetChild(tn);
		while (nx == NULL && tn != NULL && tn != root) {
			if ((nx = tidyGetNext(tn)) == NULL)
				tn = tidyGetParent(tn);
		}
	}
}

/*
 * At a placeholder of a segment not yet built: the segment's <div>,
 * which the tree takes in the placeholder's stead; else NULL.
 */
TidyNode
ex_stream_jump(struct ex *x, TidyNode tn)
{
	struct exstream *st = x->stream;
	const char *num;
	int k;

	if (st == NULL || tidyNodeGetId(tn) != TidyTag_TEMPLATE ||
	    st->njump == EX_JUMPS || st->nused == st->nseg ||
	    ((num = seg_num(tn, 'B')) == NULL &&
	    (num = seg_num(tn, 'P')) == NULL))
		return NULL;
	for (k = 0; k < st->nseg; k++)
		if (!st->seg[k].used && strcmp(st->seg[k].num, num) == 0) {
			st->seg[k].used = 1;
			st->nused++;
			st->jump[st->njump].seg = st->seg[k].div;
			st->jump[st->njump++].tpl = tn;
			return st->seg[k].div;
		}
	return NULL;
}

/*
 * A segment met where the page has it: 1 if it was built already at
 * its placeholder (skip it), else 0, and it is built here, once.
 */
int
ex_stream_skip(struct ex *x, TidyNode tn)
{
	struct exstream *st = x->stream;
	int k;

	if (st == NULL || tidyNodeGetId(tn) != TidyTag_DIV ||
	    seg_num(tn, 'S') == NULL)
		return 0;
	for (k = 0; k < st->nseg; k++)
		if (st->seg[k].div == tn) {
			if (st->seg[k].used)
				return 1;
			st->seg[k].used = 1;
			st->nused++;
			return 0;
		}
	return 0;
}

/*
 * Leaving a segment built at its placeholder: go on from there.  A
 * boundary's placeholder (B:n) stands before the fallback the script
 * removes ("Loading...") up to the comment <!--/$-->: go on from the
 * fallback's last node, so that the next one taken is the comment.
 */
TidyNode
ex_stream_back(struct ex *x, TidyNode tn)
{
	struct exstream *st = x->stream;
	TidyNode tpl, n, last;
	TidyBuffer b;
	int k, end = 0;

	if (st == NULL || st->njump == 0 || st->jump[st->njump - 1].seg != tn)
		return tn;
	tpl = st->jump[--st->njump].tpl;
	if (seg_num(tpl, 'B') == NULL)
		return tpl;
	last = tpl;
	for (n = tidyGetNext(tpl), k = 0; n != NULL && k < 20 && !end;
	    n = tidyGetNext(n), k++) {
		if (tidyNodeGetType(n) == TidyNode_Comment) {
			tidyBufInit(&b);
			end = tidyNodeGetValue(st->td, n, &b) && b.bp != NULL &&
			    b.size >= 2 && memcmp(b.bp, "/$", 2) == 0;
			tidyBufFree(&b);
			if (end)
				break;
		}
		last = n;
	}
	return end ? last : tpl;
}

/*
 * The element sibling before node i, or -1 (by ex_sibling_before(): it
 * costs the depth of the tree, not the siblings).  Blank text between
 * them is skipped.
 */
int
ex_prev_sibling(struct ex *x, int i)
{
	int j = i, k;

	for (k = 0; k < 3 && (j = ex_sibling_before(x, j)) >= 0; k++) {
		if (x->n[j].tag != XT_TEXT)
			return j;
		if (x->n[j].text != NULL && x->n[j].text[strspn(x->n[j].text,
		    " ")] != '\0')
			return -1;
	}
	return -1;
}

/*
 * A closed panel of an accordion or of tabs: a region or tab panel
 * labelled by its toggle (the ARIA pattern), a hidden block right
 * after a heading or after the button that opens it (aria-expanded),
 * or after a strip of tabs without ARIA (a shop's "Feeders" and
 * "Add-ons", each tab a <div class=product-tab>, then a panel for
 * each, all but the first hidden by a style).
 * Hidden from screen readers too while closed (aria-hidden), it holds
 * a product's details and specifications, a question's answer.
 */
int
ex_closed_panel(struct ex *x, int i, TidyNode tn)
{
	const char *v;
	int j, k, m, t, first = -1, end;

	/* a dialog or a popover waits for a script, no panel */
	if (tidyNodeGetId(tn) == TidyTag_DIALOG ||
	    ex_attr_get(tn, "popover") != NULL)
		return 0;
	if ((v = ex_attr_get(tn, "role")) != NULL &&
	    (ex_has_word(v, "region") || ex_has_word(v, "tabpanel")) &&
	    ex_attr_get(tn, "aria-labelledby") != NULL)
		return 1;
	if (!(x->n[i].flags & F_BLOCK) || (j = ex_prev_sibling(x, i)) < 0)
		return 0;
	if (ex_tag_is_heading(x->n[j].tag) ||
	    (x->toggle > 0 && x->toggle >= j))
		return 1;
	/*
	 * a tab's panel: after the strip of tabs, or after the panels of
	 * the tabs before it, no more panels than tabs
	 */
	for (k = 0; k < 16 && j >= 0 && x->tab < j &&
	    x->n[j].tag == x->n[i].tag; k++) {
		first = j;
		j = ex_prev_sibling(x, j);
	}
	if (x->tab <= 0 || j < 0 || x->tab < j)
		return 0;
	if (x->tab == j)
		return k == 0;
	/* the tab in the strip (a list's item's link), not deep in it */
	for (m = 0, t = x->tab; m < 3 && t > j; m++)
		t = x->n[t].parent;
	if (t != j)
		return 0;
	end = k > 0 ? first : i;
	for (t = j + 1, m = 0; t < end && t < j + 500; t++)
		if ((x->n[t].flags & F_TAB) &&
		    !(x->n[x->n[t].parent].flags & F_TAB))
			m++;
	return m >= 2 && k < m;
}

/*
 * A class or id word of a tab ("tab", "product-tab", "tabs__tab",
 * "tab-link").  A tab's panel ("tab-content", "tab-pane") is no tab,
 * nor is a strip of them ("nav-tabs") or a table.
 */
static int
tab_tok(const char *w)
{
	static const char *const ends[] = { "-tab", "_tab", NULL };
	static const char *const parts[] = { "link", "button", "item",
	    "title", "label", "trigger", "control", NULL };
	size_t n = strlen(w), e;
	int k;

	if (n >= 96)
		return 0;
	if (strcmp(w, "tab") == 0)
		return 1;
	for (k = 0; ends[k] != NULL; k++)
		if (n > (e = strlen(ends[k])) && strcmp(w + n - e, ends[k]) == 0)
			return 1;
	if (strncmp(w, "tab-", 4) != 0 && strncmp(w, "tab_", 4) != 0)
		return 0;
	for (k = 0; parts[k] != NULL; k++)
		if (strcmp(w + 4, parts[k]) == 0)
			return 1;
	return 0;
}

int
ex_is_tab(TidyNode tn, const char *attr)
{
	const char *v;

	if ((v = ex_attr_get(tn, "role")) != NULL && ex_has_word(v, "tab"))
		return 1;
	/* Bootstrap's tabs: data-toggle="tab", data-bs-toggle="tab" */
	if (((v = ex_attr_get(tn, "data-toggle")) != NULL ||
	    (v = ex_attr_get(tn, "data-bs-toggle")) != NULL) &&
	    (strcasecmp(v, "tab") == 0 || strcasecmp(v, "pill") == 0))
		return 1;
	return attr != NULL && ex_attr_any(attr, tab_tok);
}

/* ------------------------------------------------------------- buttons */

/* Blocks that make a structure of their own (a list, a table, ...). */
static int
structure_tag(int tag)
{
	switch (tag) {
	case TidyTag_DL: case TidyTag_UL: case TidyTag_OL: case TidyTag_TABLE:
	case TidyTag_P: case TidyTag_SECTION: case TidyTag_ARTICLE:
	case TidyTag_H1: case TidyTag_H2: case TidyTag_H3: case TidyTag_H4:
	case TidyTag_H5: case TidyTag_H6: case TidyTag_BLOCKQUOTE:
		return 1;
	}
	return 0;
}

static int
has_block_child(TidyNode tn, int deep)
{
	TidyNode c;
	int t;

	for (c = tidyGetChild(tn); c != NULL; c = tidyGetNext(c)) {
		t = tidyNodeGetId(c);
		if (structure_tag(t) || (t == TidyTag_DIV && (!deep ||
		    has_block_child(c, 0))))
			return 1;
	}
	return 0;
}

/*
 * What a <button> is taken for.  Tidy splits a button that wrapped
 * blocks (an accordion's toggle around its panel) into copies around
 * each block and each text: a button holding lists, tables or nested
 * blocks is a container (a <div>), one in a term, a definition or a
 * table's cell holds the specification's text (a <span>).  A button
 * in a heading is an accordion's toggle: its text is the section's
 * name (a <span>).  Any other is a control, no text.
 */
int
ex_button_tag(struct ex *x, TidyNode tn, int parent)
{
	const char *v;

	if (has_block_child(tn, 1))
		return TidyTag_DIV;
	if (parent <= 0)
		return TidyTag_BUTTON;
	/*
	 * A tab that wrapped paragraphs, split into a copy in each: the
	 * paragraph's only content is the tab's text (a title, a line).
	 */
	if (x->n[parent].tag == TidyTag_P && tidyGetPrev(tn) == NULL &&
	    tidyGetNext(tn) == NULL && (v = ex_attr_get(tn, "role")) != NULL &&
	    ex_has_word(v, "tab"))
		return TidyTag_SPAN;
	switch (x->n[parent].tag) {
	case TidyTag_H1: case TidyTag_H2: case TidyTag_H3: case TidyTag_H4:
	case TidyTag_H5: case TidyTag_H6: case TidyTag_DT: case TidyTag_DD:
	case TidyTag_TD: case TidyTag_TH:
		return TidyTag_SPAN;
	}
	return TidyTag_BUTTON;
}

/* ------------------------------------------------------ product evidence */

/*
 * The body's class names that shop software gives its product pages
 * (WooCommerce, Shopify, PrestaShop, Magento).
 */
static const char *const body_words[] = {
	"single-product", "template-product", "page-product",
	"catalog-product-view", "product-page", NULL
};

/*
 * Evidence for a product page, in points of ex_detect_type(): the
 * body's class says so; the page's heading (not a link) sits in a
 * small block with a price, as a product's name sits in its buy box
 * (a collection's heading names a category, its prices are further
 * down in the grid).  price[i] counts the prices below node i.
 */
int
ex_product_evidence(struct ex *x, const int *price)
{
	int i, lv, r = 0;

	if (x->n[x->body].attr != NULL)
		for (i = 0; body_words[i] != NULL; i++)
			if (ex_has_word(x->n[x->body].attr, body_words[i])) {
				r += 4;
				break;
			}
	if ((i = x->h1) <= 0 || x->dead[i] || x->n[i].tlen == 0 ||
	    x->n[i].llen * 2 > x->n[i].tlen)
		return r;
	for (lv = 0; i > 0 && lv < 10 && x->n[i].tlen <= 1500; lv++,
	    i = x->n[i].parent)
		if (price[i] > 0 && price[i] <= 6)
			return r + 3;
	return r;
}

/* --------------------------------------------------------- shop notes */

/*
 * Short blocks of a shop's own: offers, credit, services sold beside
 * the product, the shop's promises.  (ex_chrome_lead() has the ones
 * of every shop page: cart, delivery, stock.)
 */
static const char *const shop_leads[] = {
	"earn ", "apply now", "professional assembly", "protection plan",
	"extended warranty", "sale ends", "free shipping on",
	"free shipping over", "free delivery on", "free delivery over",
	"join for", "get on the list", "sign up for", "sign me up",
	"did you know", "chat with", "talk to an expert", "need help",
	"gift wrap", "gift card", "secure payment", "secure checkout",
	"click & collect", "click and collect", "find in store",
	"check store", "price match", "best price guarantee",
	"as low as", "pay in ", "pay over time", "or pay ", "starting at $",
	"get it fast", "get it today", "want it faster", "ships free",
	"estimated delivery", "expected delivery", "deliver to",
	"ships to", "ship to", "calculate shipping", "returns accepted",
	"no returns", "free returns", "easy returns", "money back",
	"satisfaction guaranteed", "authorized dealer", "limited time",
	"today only", "deal of the day", "while supplies last",
	"ai-generated", "generated by ai", "star seller", "top rated seller",
	"this seller", "the seller", "make an offer", "you can only make",
	"back to top", "back to navigation", "back to results",
	NULL
};

/*
 * A promotion: "20% off ... Code: SPRING", "Get $40 off your first
 * order", "use coupon code"; free delivery or returns.
 */
static int
promo(const char *t)
{
	const char *p;

	for (p = t; (p = strcasestr(p, " off")) != NULL; p++)
		if (p > t && (isdigit((unsigned char)p[-1]) || p[-1] == '%') &&
		    !isalpha((unsigned char)p[4]) && p[4] != '-')
			return 1;
	if (ex_starts_with(t, "free ") && (strcasestr(t, "delivery") ||
	    strcasestr(t, "shipping") || strcasestr(t, "returns")))
		return 1;
	return strcasestr(t, "% discount") != NULL ||
	    strcasestr(t, "coupon") != NULL ||
	    strcasestr(t, "promo code") != NULL ||
	    strcasestr(t, "use code") != NULL ||
	    strcasestr(t, "discount code") != NULL ||
	    strcasestr(t, "return policy") != NULL;
}

/*
 * A shop's badges on a product's picture or name, a block of their
 * own: the whole text of the block is one of these.
 */
static const char *const badge_words[] = {
	"sale", "on sale", "best seller", "bestseller", "best-seller",
	"top seller", "sold out", "out of stock", "low stock", "online only",
	"online exclusive", "web exclusive", "lifetime warranty",
	"free shipping", "fast shipping", NULL
};

static int
badge(const char *t)
{
	size_t n = strlen(t);
	int k;

	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	for (k = 0; badge_words[k] != NULL; k++)
		if (strlen(badge_words[k]) == n &&
		    strncasecmp(t, badge_words[k], n) == 0)
			return 1;
	return 0;
}

/* A short block's text t: a note of the shop, no text of the product? */
int
ex_product_lead(const char *t)
{
	size_t n = strlen(t);
	int k;

	if (n > 200)
		return 0;
	if (badge(t))
		return 1;
	/* the photos' captions: "Abeiku wears size L and is 183 cm tall" */
	if (promo(t) || strcasestr(t, "wears size") != NULL ||
	    strcasestr(t, "wearing size") != NULL)
		return 1;
	for (k = 0; shop_leads[k] != NULL; k++)
		if (strncasecmp(t, shop_leads[k], strlen(shop_leads[k])) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ sections */

/*
 * Headings of a product page's sections that are not the product:
 * other products, the shop's terms, the seller.  (Its reviews speak
 * of the product: they stay, but for prompts and digests.)  A
 * heading that opens with one of these goes with its section.
 */
static const char *const off_sections[] = {
	/* other products */
	"similar", "related", "you may also", "you might also",
	"you'll also", "you will also", "customers also", "customers who",
	"frequently bought", "frequently purchased", "recently viewed",
	"more from", "more by", "more items", "more products",
	"complete the look", "shop the look", "complete your",
	"recommended for you", "recommended products", "recommended items",
	"recommendations", "people also", "others also",
	"explore more", "explore related", "compare similar",
	"compare with", "more to consider", "sponsored", "featured products",
	"popular products", "best sellers", "bestsellers", "top sellers",
	"how about these", "variations of", "better together",
	"often viewed", "pairs well", "goes well", "goes great",
	"outfit inspiration", "inspiration", "also available",
	"other products", "other customers", "trending", "new arrivals",
	"bundle and save", "accessories for", "similar items",
	/* reviews without reviews (the reviews themselves stay) */
	"reviews summary", "write a review", "be the first to review",
	"customers say",
	"customer questions", "questions & answers", "questions and answers",
	/* the shop */
	"shipping", "delivery", "returns", "free shipping", "payment",
	"secure payment", "need help", "contact us", "why buy",
	"why shop", "our promise", "about the seller", "meet your seller",
	"about this shop", "about the shop", "sold by",
	"store information", "in store", "find in store", "pickup",
	"newsletter", "sign up", "join our", "follow us", "share",
	"did you know", "why choose", "why buy", "what makes our",
	"get to know", "our guarantee", "warranty", "lifetime warranty",
	"lifetime guarantee", "guarantee",
	NULL
};

/* Heading level 1 to 6 of a heading, else 0. */
static int
head_level(int tag)
{
	return ex_tag_is_heading(tag) ? tag - TidyTag_H1 + 1 : 0;
}

/* Is there a heading of level <= lv in the live subtree of i? */
static int
has_head(struct ex *x, int i, int lv)
{
	int j, end, l;

	if (x->n[i].nhead == 0 && !ex_tag_is_heading(x->n[i].tag))
		return 0;
	for (j = i, end = ex_subtree_end(x, i); j <= end; j++)
		if (!x->dead[j] && (l = head_level(x->n[j].tag)) > 0 &&
		    l <= lv)
			return 1;
	return 0;
}

static int
off_heading(struct ex *x, int i, const char *const *heads)
{
	char *t;
	size_t n;
	int k, r = 0;

	if (x->n[i].tlen == 0 || x->n[i].tlen > 60)
		return 0;
	t = ex_node_text(x, i, 200);
	for (k = 0; heads[k] != NULL && !r; k++) {
		n = strlen(heads[k]);
		/* a word, not the start of one ("shares", "reviewed by") */
		r = strncasecmp(t, heads[k], n) == 0 &&
		    !isalpha((unsigned char)t[n]);
	}
	free(t);
	return r;
}

/* The first child of i not dead and not empty text, or -1. */
static int
first_live(const struct ex *x, int i)
{
	int j;

	for (j = x->n[i].first; j >= 0; j = x->n[j].next)
		if (!x->dead[j] && (x->n[j].tag != XT_TEXT || x->n[j].tlen > 0))
			return j;
	return -1;
}

/*
 * Drop the sections a heading of heads[] opens: the heading (or the
 * block that holds little else), and the blocks after it up to the
 * next heading of its level or above; or the block that opens with
 * it, where that holds under a third of the text.  (extract_service.c
 * has its own list.)
 */
void
ex_drop_sections(struct ex *x, int root, int end, const char *const *heads)
{
	int i, h, j, lv, nx, p, done = 0;

	for (i = root + 1; i <= end && done < 50; i++) {
		if (x->dead[i] || (lv = head_level(x->n[i].tag)) == 0 ||
		    !off_heading(x, i, heads))
			continue;
		done++;
		/* climb out of wrappers that hold the heading alone */
		for (h = i; x->n[h].parent != root && x->n[h].parent > 0 &&
		    x->n[x->n[h].parent].tlen <= x->n[i].tlen + 40 &&
		    !x->dead[x->n[h].parent]; h = x->n[h].parent)
			;
		/*
		 * a block that opens with the heading is its section, the
		 * headings of its cards whatever their rank ("News and
		 * Notes" in an <h3> over stories in <h2>s)
		 */
		p = x->n[h].parent;
		if (p != root && p > 0 && first_live(x, p) == h &&
		    x->n[p].tlen * 3 < x->n[root].tlen) {
			ex_kill_node(x, p, root);
			continue;
		}
		for (j = x->n[h].next; j >= 0; j = nx) {
			nx = x->n[j].next;
			if (x->dead[j])
				continue;
			if (has_head(x, j, lv))
				break;
			ex_kill_node(x, j, root);
		}
		ex_kill_node(x, h, root);
	}
}

/*
 * Lists of form labels: the options of a configurator, a filter, a
 * report's chapters to pick, each a checkbox's or a radio button's
 * caption.  They choose among things the page sells; they do not
 * describe the product.  A block of five labels or more that hold
 * most of its text goes.
 */
static void
drop_label_lists(struct ex *x, int root, int end)
{
	int *lab, *nlab, i, n = end - root + 1;
	unsigned char *in;
	struct xn *c;

	lab = xcalloc((size_t)n, sizeof(*lab));
	nlab = xcalloc((size_t)n, sizeof(*nlab));
	in = xcalloc((size_t)n, 1);
	for (i = root + 1; i <= end; i++) {
		c = &x->n[i];
		in[i - root] = in[c->parent - root] || c->tag == TidyTag_LABEL;
		if (c->tag == XT_TEXT && in[i - root] && !x->dead[i])
			lab[i - root] = c->tlen;
		nlab[i - root] = c->tag == TidyTag_LABEL && !x->dead[i];
	}
	for (i = end; i > root; i--) {
		lab[x->n[i].parent - root] += lab[i - root];
		nlab[x->n[i].parent - root] += nlab[i - root];
	}
	for (i = root + 1; i <= end; i++) {
		c = &x->n[i];
		if (x->dead[i] || c->tag == XT_TEXT || !(c->flags & F_BLOCK) ||
		    nlab[i - root] < 5 || c->tlen < 100 ||
		    lab[i - root] * 10 < c->tlen * 8)
			continue;
		ex_kill_node(x, i, root);
		i = ex_subtree_end(x, i);
	}
	free(lab);
	free(nlab);
	free(in);
}

/*
 * The labels of a buy box's fields: "Size", "Select Color", "Free
 * Accessory #2", "Choose your size".  They name a choice whose options
 * (buttons, swatches, inputs) are gone; none is the product's text.
 */
static void
drop_labels(struct ex *x, int root, int end)
{
	int i;

	for (i = root + 1; i <= end; i++)
		if (!x->dead[i] && x->n[i].tag == TidyTag_LABEL &&
		    x->n[i].tlen <= 200) {
			ex_kill_node(x, i, root);
			i = ex_subtree_end(x, i);
		}
}

/*
 * Rows of other products: three or more cards side by side, nearly
 * all text of each in its links (the product's name linked to its
 * page), each with a heading or a picture, a price among them,
 * together less than half the page.  Menus of short links the broad pass drops on
 * any page; these are longer.
 */
static void
drop_card_rows(struct ex *x, int root, int end, const int *price)
{
	int i, j, items, linked;
	struct xn *c;

	for (i = root + 1; i <= end; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    x->n[i].tlen * 2 >= x->n[root].tlen || x->n[i].llen == 0 ||
		    price[i - root] == 0)
			continue;
		items = linked = 0;
		for (j = x->n[i].first; j >= 0; j = x->n[j].next) {
			c = &x->n[j];
			if (x->dead[j] || c->tag == XT_TEXT || c->tlen == 0)
				continue;
			items++;
			linked += c->llen * 4 >= c->tlen * 3;
		}
		if (linked >= 3 && linked * 4 >= items * 3 &&
		    x->n[i].tag != TidyTag_P && (x->n[i].nhead * 4 >=
		    items * 3 || (x->n[i].simg * 4 >= items * 3 &&
		    x->n[i].tlen >= items * 20))) {
			ex_kill_node(x, i, root);
			i = ex_subtree_end(x, i);
		}
	}
}

/* Does heading i end in a colon, leading to what follows? */
static int
lead_in(struct ex *x, int i)
{
	return x->n[i].tlen >= 2 && x->n[i].tlen <= 200 &&
	    ex_text_ends(x, i, ':');
}

/*
 * Headings of nothing: a tab's or a section's title whose content is
 * gone (dropped above, or left for a script to fill) is followed by a
 * heading of its rank or above, or by the end.  They go.
 */
static void
drop_empty_headings(struct ex *x, int root)
{
	int st[16], ns = 0, i, lv, end = ex_subtree_end(x, root);
	const char *p;

	for (i = root + 1; i <= end; i++) {
		/* the text of a section gone is gone too */
		if (x->dead[i]) {
			i = ex_subtree_end(x, i);
			continue;
		}
		/* "... with this handy how-to:" leads to a video, a list */
		if ((lv = head_level(x->n[i].tag)) > 0 && lead_in(x, i)) {
			i = ex_subtree_end(x, i);
			continue;
		}
		if (lv > 0) {
			while (ns > 0 && head_level(x->n[st[ns - 1]].tag) >= lv)
				ex_kill_node(x, st[--ns], root);
			if (ns == 16)
				ns = 0;
			st[ns++] = i;
			i = ex_subtree_end(x, i);
			continue;
		}
		if (x->n[i].tag == XT_TEXT && x->n[i].text != NULL) {
			for (p = x->n[i].text; *p == ' '; p++)
				;
			if (*p != '\0')
				ns = 0;
		}
	}
	while (ns > 0)
		ex_kill_node(x, st[--ns], root);
}

/*
 * Grids of several products: a block of many cells with three prices
 * or more (a comparison of kits, a carousel whose cards hold no links
 * the row test sees), less than half the page and without the page's
 * heading.  The product's own price stands alone or beside a former
 * one.
 */
static void
drop_price_grids(struct ex *x, int root, int end, const int *price)
{
	int i;

	for (i = root + 1; i <= end; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    price[i - root] < 3 || x->n[i].nblock < 20 ||
		    x->n[i].tlen * 2 >= x->n[root].tlen ||
		    (x->h1 > i && x->h1 <= ex_subtree_end(x, i)))
			continue;
		ex_kill_node(x, i, root);
		i = ex_subtree_end(x, i);
	}
}

/*
 * Is a class or id word of attr a marketplace's seller's card
 * ("seller-cred", "x-sellercard", "sellerProfile"), not a best
 * seller's badge?
 */
static int
seller_tok(const char *w)
{
	return strstr(w, "seller") != NULL && strstr(w, "best") == NULL &&
	    strstr(w, "top") == NULL;
}

static int
seller_word(const char *attr)
{
	return ex_attr_any(attr, seller_tok);
}

/*
 * The seller's card on a marketplace's product page: the shop's name,
 * its sales and ratings, its badges ("Smooth shipping"), its links.
 * It speaks of the seller, not of the product.
 */
static void
drop_seller(struct ex *x, int root, int end)
{
	int i;

	for (i = root + 1; i <= end; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    x->n[i].attr == NULL || x->n[i].tlen * 4 >= x->n[root].tlen ||
		    !seller_word(x->n[i].attr))
			continue;
		ex_kill_node(x, i, root);
		i = ex_subtree_end(x, i);
	}
}

/*
 * The broad pass's last cleaning of a product page, below root (end
 * the last node of its subtree).
 */
void
ex_product_clean(struct ex *x, int root, int end)
{
	int *price, i;

	ex_drop_sections(x, root, end, off_sections);
	drop_seller(x, root, end);
	drop_label_lists(x, root, end);
	drop_labels(x, root, end);
	/* price[i - root]: the prices below node i */
	price = xcalloc((size_t)(end - root + 1), sizeof(*price));
	for (i = end; i > root; i--) {
		if (x->dead[i])
			continue;
		if (x->n[i].tag == XT_TEXT && x->n[i].tlen < 40 &&
		    x->n[i].text != NULL && ex_has_price(x->n[i].text))
			price[i - root]++;
		price[x->n[i].parent - root] += price[i - root];
	}
	drop_card_rows(x, root, end, price);
	drop_price_grids(x, root, end, price);
	free(price);
}

/* After the broad pass's own cleaning: what it left empty. */
void
ex_product_finish(struct ex *x, int root)
{
	drop_empty_headings(x, root);
}
