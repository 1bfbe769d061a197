/*
 * extract_tree.c - stage 2 of extraction: tidy's tree copied into the
 * flat array of nodes in document order, with the metadata collected
 * on the way.  extract.c says how the stages fit together.
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

/* ------------------------------------------------------- tidy -> nodes */

static int
tag_is_block(int tag)
{
	switch (tag) {
	case TidyTag_ADDRESS: case TidyTag_ARTICLE: case TidyTag_ASIDE:
	case TidyTag_BLOCKQUOTE: case TidyTag_BODY: case TidyTag_CENTER:
	case TidyTag_DD: case TidyTag_DETAILS: case TidyTag_DIR:
	case TidyTag_DIV: case TidyTag_DL: case TidyTag_DT:
	case TidyTag_FIELDSET: case TidyTag_FIGCAPTION: case TidyTag_FIGURE:
	case TidyTag_FOOTER: case TidyTag_FORM: case TidyTag_H1:
	case TidyTag_H2: case TidyTag_H3: case TidyTag_H4: case TidyTag_H5:
	case TidyTag_H6: case TidyTag_HEADER: case TidyTag_HGROUP:
	case TidyTag_HR: case TidyTag_HTML: case TidyTag_LI:
	case TidyTag_MAIN: case TidyTag_MENU: case TidyTag_NAV:
	case TidyTag_OL: case TidyTag_P: case TidyTag_PRE:
	case TidyTag_SECTION: case TidyTag_SUMMARY: case TidyTag_TABLE:
	case TidyTag_TBODY: case TidyTag_THEAD: case TidyTag_TFOOT:
	case TidyTag_TR: case TidyTag_TD: case TidyTag_TH:
	case TidyTag_CAPTION: case TidyTag_UL: case TidyTag_LEGEND:
	case TidyTag_LISTING: case TidyTag_XMP: case TidyTag_PLAINTEXT:
	case TidyTag_MULTICOL: case TidyTag_NOFRAMES: case TidyTag_DIALOG:
		return 1;
	}
	return 0;
}

int
ex_tag_is_heading(int tag)
{
	return tag >= TidyTag_H1 && tag <= TidyTag_H6;
}

/* What to do with an element: 0 keep, 1 drop with its subtree, 2 leaf */
static int
tag_disposition(int tag)
{
	switch (tag) {
	case TidyTag_SCRIPT: case TidyTag_STYLE:
	case TidyTag_TEMPLATE: case TidyTag_SVG: case TidyTag_MATHML:
	case TidyTag_APPLET: case TidyTag_CANVAS: case TidyTag_MAP:
	case TidyTag_SELECT: case TidyTag_TEXTAREA: case TidyTag_OPTION:
	case TidyTag_OPTGROUP: case TidyTag_DATALIST: case TidyTag_META:
	case TidyTag_LINK: case TidyTag_BASE: case TidyTag_PARAM:
	case TidyTag_SOURCE: case TidyTag_TRACK: case TidyTag_AREA:
	case TidyTag_FRAME: case TidyTag_FRAMESET: case TidyTag_NOFRAMES:
	case TidyTag_DIALOG: case TidyTag_KEYGEN: case TidyTag_COMMAND:
	case TidyTag_MENUITEM: case TidyTag_PROGRESS: case TidyTag_METER:
	case TidyTag_OUTPUT: case TidyTag_BGSOUND: case TidyTag_TITLE:
	case TidyTag_HEAD: case TidyTag_NOEMBED: case TidyTag_SERVER:
	case TidyTag_SERVLET: case TidyTag_NOLAYER: case TidyTag_NOSAVE:
	case TidyTag_RP: case TidyTag_RT:
		return 1;
	case TidyTag_IMG: case TidyTag_INPUT: case TidyTag_BUTTON:
	case TidyTag_IFRAME: case TidyTag_EMBED: case TidyTag_OBJECT:
	case TidyTag_VIDEO: case TidyTag_AUDIO: case TidyTag_BR:
	case TidyTag_HR: case TidyTag_WBR:
		return 2;
	}
	return 0;
}

static int
add_node(struct ex *x, int tag, int parent)
{
	struct xn *n;
	int i;

	if (x->nn == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 1024;
		x->n = xrealloc(x->n, (size_t)x->cap * sizeof(*x->n));
	}
	i = x->nn++;
	n = &x->n[i];
	memset(n, 0, sizeof(*n));
	n->tag = tag;
	n->parent = parent;
	n->first = n->last = n->next = -1;
	if (parent >= 0) {
		if (x->n[parent].last >= 0)
			x->n[x->n[parent].last].next = i;
		else
			x->n[parent].first = i;
		x->n[parent].last = i;
		n->flags = x->n[parent].flags & F_INHERIT;
	}
	return i;
}

const char *
ex_attr_get(TidyNode tn, const char *name)
{
	TidyAttr a;

	for (a = tidyAttrFirst(tn); a != NULL; a = tidyAttrNext(a))
		if (tidyAttrName(a) && strcasecmp(tidyAttrName(a), name) == 0)
			return tidyAttrValue(a) ? tidyAttrValue(a) : "";
	return NULL;
}

static const char *
node_value(struct ex *x, TidyDoc td, TidyNode tn, size_t *len)
{
	tidyBufClear(&x->tb);
	if (!tidyNodeGetValue(td, tn, &x->tb) || x->tb.bp == NULL) {
		*len = 0;
		return "";
	}
	*len = x->tb.size;
	return (const char *)x->tb.bp;
}

/*
 * The node after tn in document order below top, into tn's children
 * when down; NULL past top's subtree.
 */
static TidyNode
walk_next(TidyNode tn, TidyNode top, int down)
{
	TidyNode nx;

	if (down && (nx = tidyGetChild(tn)) != NULL)
		return nx;
	while (tn != NULL && tn != top && (nx = tidyGetNext(tn)) == NULL)
		tn = tidyGetParent(tn);
	return tn == NULL || tn == top ? NULL : nx;
}

/* Does the text node tn (if one) hold a letter or a digit? */
static int
worded_text(struct ex *x, TidyDoc td, TidyNode tn)
{
	const char *v;
	size_t len, k;

	if (tn == NULL || tidyNodeGetType(tn) != TidyNode_Text)
		return 0;
	v = node_value(x, td, tn, &len);
	for (k = 0; k < len; k++)
		if (isalnum((unsigned char)v[k]) || (v[k] & 0x80))
			return 1;
	return 0;
}

/*
 * A button in the middle of a sentence ("Use coupon code <button>
 * SPRING</button> at checkout", a code one clicks to copy) is one of
 * its words.
 */
static int
in_sentence(struct ex *x, TidyDoc td, TidyNode tn)
{
	return worded_text(x, td, tidyGetPrev(tn)) &&
	    worded_text(x, td, tidyGetNext(tn));
}

/* Text of a subtree of tidy nodes (for <title>), iteratively. */
char *
ex_tidy_text(struct ex *x, TidyDoc td, TidyNode top)
{
	struct tq_buf b = { 0 };
	TidyNode tn;
	const char *v;
	size_t len;

	tq_buf_add(&b, "", 0);
	for (tn = walk_next(top, top, 1); tn != NULL;
	    tn = walk_next(tn, top, 1))
		if (tidyNodeGetType(tn) == TidyNode_Text) {
			v = node_value(x, td, tn, &len);
			tq_buf_add(&b, v, len);
		}
	return b.data;
}

static int
is_named(TidyNode tn, const char *name)
{
	const char *v = tidyNodeGetName(tn);

	return tidyNodeGetType(tn) != TidyNode_Text && v != NULL &&
	    strcasecmp(v, name) == 0;
}

/*
 * A MathML formula as one line of text: its TeX where the page gives
 * it (alttext, as LaTeXML and Wikipedia write it, or a TeX
 * <annotation>, as KaTeX does), which readers and language models
 * read; else its tokens one space apart ("x = 2 a").  Wikipedia's
 * wrapper, "{\displaystyle ...}", goes.
 */
#define EX_MATH_MAX	4096	/* bytes of a formula's text kept */

static char *
math_text(struct ex *x, TidyDoc td, TidyNode top)
{
	static const char *const wrap[] = {
		"{\\displaystyle ", "{\\textstyle ", NULL
	};
	struct tq_buf b = { 0 };
	TidyNode tn;
	const char *v;
	char *t, *c;
	size_t len, k;

	tq_buf_add(&b, "", 0);
	if ((v = ex_attr_get(top, "alttext")) != NULL && *v)
		tq_buf_adds(&b, v);
	for (tn = top; b.len == 0 && (tn = walk_next(tn, top, 1)) != NULL;)
		if (is_named(tn, "annotation") && (v = ex_attr_get(tn,
		    "encoding")) != NULL && strcasestr(v, "tex") != NULL) {
			t = ex_tidy_text(x, td, tn);
			tq_buf_adds(&b, t);
			free(t);
		}
	for (tn = b.len == 0 ? walk_next(top, top, 1) : NULL; tn != NULL;
	    tn = walk_next(tn, top, !is_named(tn, "annotation") &&
	    !is_named(tn, "annotation-xml")))
		if (tidyNodeGetType(tn) == TidyNode_Text) {
			v = node_value(x, td, tn, &len);
			tq_buf_add(&b, " ", 1);
			tq_buf_add(&b, v, len);
		}
	t = ex_utf8_clean(b.data, b.len > EX_MATH_MAX ? EX_MATH_MAX : b.len);
	free(b.data);
	/*
	 * tidy leaves MathML's character references as written ("<mo>
	 * &#8800;</mo>", "&minus;"): read them, as in HTML's text, the
	 * invisible operators as nothing
	 */
	ex_read_refs(t);
	c = ex_collapse(t, strlen(t), 1);
	free(t);
	for (k = 0; wrap[k] != NULL; k++) {
		len = strlen(wrap[k]);
		if (strncmp(c, wrap[k], len) == 0 && strlen(c) > len &&
		    c[strlen(c) - 1] == '}') {
			memmove(c, c + len, strlen(c + len) + 1);
			c[strlen(c) - 1] = '\0';
			break;
		}
	}
	return c;
}

static void
collect_meta(struct ex *x, TidyNode tn)
{
	const char *content = ex_attr_get(tn, "content"), *k;
	char key[128];

	if (content == NULL)
		return;
	if ((k = ex_attr_get(tn, "property")) != NULL && *k) {
		snprintf(key, sizeof(key), "%s", k);
		ex_meta_add(x, key, content);
	}
	if ((k = ex_attr_get(tn, "name")) != NULL && *k) {
		snprintf(key, sizeof(key), "name:%s", k);
		ex_meta_add(x, key, content);
		/* twitter:title etc. are often given as name= */
		if (strchr(k, ':') != NULL)
			ex_meta_add(x, k, content);
	}
	/* itemprop="datePublished dateCreated": one key per word */
	if ((k = ex_attr_get(tn, "itemprop")) != NULL && *k) {
		while (*k) {
			size_t n;

			while (isspace((unsigned char)*k))
				k++;
			if ((n = strcspn(k, " \t\n\r\f")) == 0)
				break;
			snprintf(key, sizeof(key), "itemprop:%.*s", (int)n, k);
			ex_meta_add(x, key, content);
			k += n;
		}
	}
	if ((k = ex_attr_get(tn, "http-equiv")) != NULL && *k) {
		snprintf(key, sizeof(key), "http-equiv:%s", k);
		ex_meta_add(x, key, content);
	}
}

static int
is_hidden_style(const char *st)
{
	char buf[256];
	size_t i, j;

	for (i = j = 0; st[i] && j < sizeof(buf) - 1; i++)
		if (!isspace((unsigned char)st[i]))
			buf[j++] = (char)tolower((unsigned char)st[i]);
	buf[j] = '\0';
	return strstr(buf, "display:none") != NULL ||
	    strstr(buf, "visibility:hidden") != NULL;
}

/*
 * The letters of an element with role=img (an avatar's initials drawn
 * in a circle) are no text; an emoji so marked stays.  Also a number
 * of at most four digits.
 */
static int
img_letters(struct ex *x, TidyDoc td, TidyNode tn)
{
	char *t = ex_tidy_text(x, td, tn);
	const char *p;
	int r = 0;

	if (strlen(t) <= 4)
		for (p = t; *p; p++)
			if (isalnum((unsigned char)*p))
				r = 1;
	free(t);
	return r;
}

/* Does the word p of n bytes end in suf? */
static int
word_ends(const char *p, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n > k && strncmp(p + n - k, suf, k) == 0;
}

/*
 * The display utility classes of CSS frameworks (Bootstrap's "d-none"):
 * hidden, unless another class shows the element on some screens
 * ("d-md-block", "md:flex").  Not a bare "hidden" (Tailwind's,
 * Bootstrap 3's): pages' scripts take it off panels that hold their
 * content (modern dev set 0.864 -> 0.862 with it, collections 0.665 ->
 * 0.646).
 */
static int
is_hidden_class(const char *cls)
{
	static const char *const shown[] = {
		":block", ":flex", ":grid", ":inline", ":inline-block",
		":inline-flex", ":table", ":contents", NULL
	};
	/*
	 * Shown on phones only: the page is read as a desktop shows it.
	 * (Not Bootstrap's "d-lg-none": the sections so marked often have
	 * no text in their desktop form.)
	 */
	static const char *const phone[] = {
		"md:hidden", "lg:hidden", "visible-xs", "hidden-md",
		"hidden-lg", "mobile-only",
		"only-mobile", "show-mobile", "hide-desktop", "hidden-desktop",
		"ipsresponsive_showphone", NULL
	};
	const char *p, *e;
	size_t n;
	int k, hidden = 0;

	for (p = cls; *p; p = e) {
		while (isspace((unsigned char)*p))
			p++;
		for (e = p; *e && !isspace((unsigned char)*e); e++)
			;
		if ((n = (size_t)(e - p)) == 0)
			break;
		if (n == 6 && strncasecmp(p, "d-none", 6) == 0) {
			hidden = 1;
			continue;
		}
		for (k = 0; phone[k] != NULL; k++)
			if (strlen(phone[k]) == n &&
			    strncasecmp(p, phone[k], n) == 0)
				hidden = 2;
		if (hidden == 2)
			continue;
		if (n > 2 && strncmp(p, "d-", 2) == 0 &&
		    !word_ends(p, n, "-none"))
			return 0;	/* "d-md-block" */
		for (k = 0; shown[k] != NULL; k++)
			if (word_ends(p, n, shown[k]))
				return 0;	/* "md:flex" */
	}
	return hidden;
}

/*
 * A form's message for a field filled wrongly ("The password must be 8
 * characters long"), which its script shows only then: an alert by its
 * role, or a block whose class names an error or invalid input
 * (Bootstrap's "invalid-feedback"), inside a <form>.
 */
static const char *const form_error_words[] = {
	"~error", "~invalid", NULL
};

static int
form_message(const struct xn *n, TidyNode tn, const char *cls)
{
	const char *v;

	return (n->flags & F_FORM) && (((v = ex_attr_get(tn, "role")) !=
	    NULL && ex_has_word(v, "alert")) ||
	    (cls != NULL && ex_match_any(cls, form_error_words)));
}

/* Closed panels that hold content: accordions, tabs, "read more". */
static const char *const panel_words[] = {
	"~collapse", "~accordion", "tabpanel", "tab-pane", "tab-content",
	"tabs-content", "~panel", "drawer", "~details", "~expand",
	"~toggle", "more-content", NULL
};

/*
 * A closed accordion's panel, hidden from screen readers too while
 * closed (aria-hidden, the ARIA pattern), is a closed panel still.
 */
static const char *const accordion_words[] = { "~accordion", NULL };

/*
 * A carousel's slides wait their turn hidden from screen readers
 * (aria-hidden), shown on screen as it turns; the copies that it
 * makes to turn round do not count.  The slides by their carousels'
 * names: a "slide-in" drawer (a cart, a menu) is no slide.
 */
static const char *const slide_words[] = {
	"slick-slide", "swiper-slide", "splide__slide", "glide__slide",
	"keen-slider__slide", "owl-item", "carousel-item", "carousel-cell",
	"~carousel__item", "~carousel__slide", NULL
};
static const char *const slide_copy[] = { "~clone", "~duplicate", NULL };

/*
 * Is hidden node i a closed panel rather than hidden content?  Product
 * details and specifications wait in closed panels: named so, or a tab
 * panel or region by role, or shaped so (ex_closed_panel).  Hidden from
 * screen readers too, only an accordion's panel is named so.
 */
static int
closed_panel(struct ex *x, int i, const struct xn *n, TidyNode tn)
{
	const char *v;
	int sr_hidden;

	/* hidden="until-found": a closed panel that find-in-page opens */
	if ((v = ex_attr_get(tn, "hidden")) != NULL &&
	    strcasecmp(v, "until-found") == 0)
		return 1;
	sr_hidden = (v = ex_attr_get(tn, "aria-hidden")) != NULL &&
	    strcasecmp(v, "true") == 0;
	if (sr_hidden && n->attr != NULL &&
	    ex_match_any(n->attr, slide_words) &&
	    !ex_match_any(n->attr, slide_copy) &&
	    ((v = ex_attr_get(tn, "style")) == NULL || !is_hidden_style(v)))
		return 1;
	if (sr_hidden &&
	    (n->attr == NULL || !ex_match_any(n->attr, accordion_words)))
		return ex_closed_panel(x, i, tn);
	if (n->attr != NULL && ex_match_any(n->attr, panel_words))
		return 1;
	if ((v = ex_attr_get(tn, "role")) != NULL &&
	    (ex_has_word(v, "tabpanel") || ex_has_word(v, "region")))
		return 1;
	return ex_closed_panel(x, i, tn);
}

static const char *const bad_roles[] = {
	"navigation", "complementary", "banner", "contentinfo", "dialog",
	"alertdialog", "menu", "menubar", "search", "toolbar", "tablist",
	NULL
};


/* Is node i hidden?  <noscript> is, unless the page has no other text. */
int
ex_is_hidden(struct ex *x, int i)
{
	return (x->n[i].flags & F_HIDDEN) ||
	    ((x->n[i].flags & F_NOSCRIPT) && !x->noscript) ||
	    ((x->n[i].flags & (F_COLLAPSED | F_TOGGLE)) && !x->collapsed);
}

void
ex_mark_hidden(struct ex *x)
{
	int i;

	memset(x->dead, 0, (size_t)x->nn);
	for (i = 1; i < x->nn; i++)
		if (x->dead[x->n[i].parent] || ex_is_hidden(x, i))
			x->dead[i] = 1;
}

/*
 * Keep node i as a candidate for the author's name, of rank r (3:
 * itemprop=author, 2: rel=author, 1: a byline's or author's class):
 * the first EX_AUTHORS in the tree's order.
 */
static void
author_at(struct ex *x, int i, int r)
{
	if (x->nauthor >= EX_AUTHORS)
		return;
	x->author[x->nauthor] = i;
	x->author_rank[x->nauthor++] = r;
}

/*
 * Inside a form, a comment section or a quote?  (For bylines: the
 * name under a customer's quote, "Quote__author", is no author's.)
 */
static int
in_comments(struct ex *x, int i)
{
	for (; i > 0; i = x->n[i].parent)
		if (x->n[i].tag == TidyTag_FORM ||
		    x->n[i].tag == TidyTag_BLOCKQUOTE || (x->n[i].attr &&
		    (strstr(x->n[i].attr, "comment") ||
		    strstr(x->n[i].attr, "respond") ||
		    strstr(x->n[i].attr, "reply") ||
		    strstr(x->n[i].attr, "quote") ||
		    strstr(x->n[i].attr, "testimonial"))))
			return 1;
	return 0;
}

/*
 * Not a text node: tn's first child (how 0), next sibling (1) or
 * previous sibling (-1), or NULL.
 */
enum { EL_CHILD, EL_NEXT, EL_PREV = -1 };

static TidyNode
element_near(TidyNode tn, int how)
{
	tn = how == EL_CHILD ? tidyGetChild(tn) : how == EL_NEXT ?
	    tidyGetNext(tn) : tidyGetPrev(tn);
	while (tn != NULL && tidyNodeGetType(tn) == TidyNode_Text)
		tn = how == EL_PREV ? tidyGetPrev(tn) : tidyGetNext(tn);
	return tn;
}

/*
 * Is tn, hidden by its style, a formula whose picture is shown beside
 * it (Wikipedia's <span style="display: none"><math ...></span><img
 * alt="{\displaystyle ...}">)?  The formula stands for the picture.
 */
static int
drawn_formula(TidyNode tn)
{
	TidyNode c = element_near(tn, EL_CHILD), s = element_near(tn, EL_NEXT);

	return c != NULL && tidyNodeGetId(c) == TidyTag_MATHML &&
	    element_near(c, EL_NEXT) == NULL && s != NULL &&
	    tidyNodeGetId(s) == TidyTag_IMG;
}

/*
 * A declarative shadow root (<template shadowrootmode="open">, as Lit
 * and other servers render web components): the browser attaches its
 * content to the parent element and shows it there, with the parent's
 * own children where the slots are (compose(), after the tree is
 * built; tidy keeps <slot> as an inline tag it is told of).  Only when
 * it holds prose: most shadow roots are a widget's (a button, a menu,
 * a form asking "Was this page helpful?"), whose text the page around
 * them is better without.  The first such template of an element only:
 * a second one stays inert.
 */
#define EX_SHADOW_WALK	200000	/* nodes looked at for prose, a page */

static int
shadow_root(struct ex *x, TidyDoc td, TidyNode tn)
{
	const char *v = ex_attr_get(tn, "shadowrootmode");
	TidyNode top = tn;
	size_t len, k, ink;
	int tag = 0;

	if (v == NULL || x->body <= 0 || (strcasecmp(v, "open") != 0 &&
	    strcasecmp(v, "closed") != 0))
		return 0;
	for (k = 0, tn = tidyGetPrev(top); tn != NULL && k < 64;
	    tn = tidyGetPrev(tn), k++)
		if (tidyNodeGetId(tn) == TidyTag_TEMPLATE &&
		    ex_attr_get(tn, "shadowrootmode") != NULL)
			return 0;
	/*
	 * A sentence, 60 bytes or more besides white space (a template's
	 * indentation), outside links and controls
	 */
	for (tn = walk_next(top, top, 1); tn != NULL &&
	    x->shadow_walk++ < EX_SHADOW_WALK;
	    tn = walk_next(tn, top, !(tag == TidyTag_A ||
	    tag == TidyTag_BUTTON || tag == TidyTag_SCRIPT ||
	    tag == TidyTag_STYLE))) {
		tag = tidyNodeGetId(tn);
		if (tidyNodeGetType(tn) != TidyNode_Text)
			continue;
		v = node_value(x, td, tn, &len);
		for (k = 0, ink = 0; k < len; k++)
			ink += !isspace((unsigned char)v[k]);
		if (ink < 60)
			continue;
		for (k = 0; k < len; k++)
			if ((v[k] == '.' || v[k] == '!' || v[k] == '?') &&
			    (k + 1 == len || isspace((unsigned char)v[k + 1])))
				return 1;
	}
	return 0;
}

/* A formula: a leaf of its text, a block of its own if displayed. */
static int
take_math(struct ex *x, TidyDoc td, TidyNode tn, int parent)
{
	const char *v;
	char *m = math_text(x, td, tn);
	int i = add_node(x, TidyTag_MATHML, parent), k;
	size_t len = strlen(m);

	if ((v = ex_attr_get(tn, "display")) != NULL &&
	    strcasecmp(v, "block") == 0)
		x->n[i].flags |= F_BLOCK;
	if (len > 0) {
		k = add_node(x, XT_TEXT, i);
		x->n[k].text = ex_astrndup(x, m, len);
	}
	free(m);
	return i;
}

/*
 * Is href a link to the site's home page: "/", "./", "index.html",
 * "https://example.com/" (a path of "/" or none, no query)?
 */
static int
home_href(const char *h)
{
	const char *p;

	while (*h == ' ')
		h++;
	if ((p = strstr(h, "://")) != NULL && (size_t)(p - h) <= 5)
		h = p + 3 + strcspn(p + 3, "/?#");
	else if (h[0] == '/' && h[1] == '/')
		h += 2 + strcspn(h + 2, "/?#");
	else if (strncmp(h, "./", 2) == 0)
		h += 1;
	if (strncmp(h, "/", 1) == 0)
		h++;
	return *h == '\0' || strcmp(h, "index.html") == 0 ||
	    strcmp(h, "index.php") == 0 || strcmp(h, "index.htm") == 0;
}

/* Copy one tidy element into the node array; returns its index. */
static int
take_element(struct ex *x, TidyDoc td, TidyNode tn, int parent, int *descend)
{
	int tag = tidyNodeGetId(tn), disp, i, k, shadow = 0, slot = 0;
	TidyNode nx;
	const char *cls, *id, *v;
	struct xn *n;
	char *a;
	size_t len;

	*descend = 0;
	switch (tag) {
	case TidyTag_HTML:
		if ((v = ex_attr_get(tn, "lang")) != NULL && *v && !x->lang)
			x->lang = xstrdup(v);
		break;
	case TidyTag_META:
	case TidyTag_LINK:
		if (tag == TidyTag_META)
			collect_meta(x, tn);
		else if ((v = ex_attr_get(tn, "rel")) != NULL &&
		    ex_has_word(v, "canonical") && x->canonical == NULL &&
		    (v = ex_attr_get(tn, "href")) != NULL && *v)
			x->canonical = xstrdup(v);
		/*
		 * In the body, tidy drops the white space around it: a
		 * hidden leaf keeps the words beside it apart, as a hidden
		 * separator does (ex_render).
		 */
		if (x->body <= 0)
			return -1;
		i = add_node(x, tag, parent);
		x->n[i].flags |= F_HIDDEN;
		return i;
	case TidyTag_TITLE:
		if (x->title == NULL && tidyGetParent(tn) != NULL &&
		    tidyNodeGetId(tidyGetParent(tn)) == TidyTag_HEAD)
			x->title = ex_tidy_text(x, td, tn);
		return -1;
	case TidyTag_SCRIPT:
		if ((v = ex_attr_get(tn, "type")) != NULL &&
		    strstr(v, "ld+json") != NULL && x->nld < EX_MAX_LDJSON &&
		    tidyGetChild(tn) != NULL) {
			x->nld++;
			v = node_value(x, td, tidyGetChild(tn), &len);
			ex_ld_parse(x, v, len);
		}
		return -1;
	case TidyTag_HEAD:
		*descend = 1;	/* for <title>, <meta>, ... */
		return parent;
	}
	if ((v = ex_attr_get(tn, "itemprop")) != NULL) {
		if (ex_has_word(v, "datePublished") && x->pubprop == NULL) {
			const char *d = ex_attr_get(tn, "datetime");

			if (d == NULL)
				d = ex_attr_get(tn, "content");
			if (d != NULL && *d)
				x->pubprop = xstrdup(d);
		}
	}
	if (tag == TidyTag_UNKNOWN && tidyNodeGetName(tn) == NULL)
		return -1;
	if (tag == TidyTag_BUTTON)
		tag = in_sentence(x, td, tn) ? TidyTag_SPAN :
		    ex_button_tag(x, tn, parent);
	if (tag == TidyTag_MATHML)
		return take_math(x, td, tn, parent);
	if (tag == TidyTag_TEMPLATE && shadow_root(x, td, tn)) {
		tag = TidyTag_DIV;
		shadow = 1;
	}
	slot = tag == TidyTag_UNKNOWN && is_named(tn, "slot");
	/* the picture of a formula given as text (drawn_formula) */
	if (tag == TidyTag_IMG && (nx = element_near(tn, EL_PREV)) != NULL &&
	    drawn_formula(nx))
		return -1;
	disp = tag_disposition(tag);
	if (disp == 1)
		return -1;
	i = add_node(x, tag, parent);
	n = &x->n[i];
	if (shadow) {
		n->flags |= F_SHADOW;
		x->nshadow++;
	}
	/* a slot shows what is put in it, and is no box of its own */
	if (slot) {
		n->flags |= F_SLOT;
		v = ex_attr_get(tn, "name");
		n->slot = ex_astrndup(x, v ? v : "", v ? strlen(v) : 0);
	} else if ((v = ex_attr_get(tn, "slot")) != NULL)
		n->slot = ex_astrndup(x, v, strlen(v));
	if (!slot && (tag_is_block(tag) || tag == TidyTag_UNKNOWN))
		n->flags |= F_BLOCK;
	if (tag == TidyTag_UNKNOWN && !slot)
		n->flags |= F_CUSTOM;
	if (tag == TidyTag_PRE || tag == TidyTag_LISTING ||
	    tag == TidyTag_XMP || tag == TidyTag_PLAINTEXT)
		n->flags |= F_PRE;
	if (tag == TidyTag_A && (v = ex_attr_get(tn, "href")) != NULL) {
		n->flags |= F_LINK;
		if (*v == '#')
			n->flags |= F_ANCHOR;
		if (home_href(v))
			n->flags |= F_HOME;
	}
	if (tag == TidyTag_BODY)
		x->body = i;
	if (tag == TidyTag_H1 && x->h1 < 0)
		x->h1 = i;
	if (tag == TidyTag_NOSCRIPT)
		n->flags |= F_NOSCRIPT | F_BLOCK;
	if (tag == TidyTag_MAIN || ((v = ex_attr_get(tn, "role")) != NULL &&
	    ex_has_word(v, "main")))
		n->flags |= F_MAIN;
	if (tag == TidyTag_PRE)
		x->npre++;
	if ((v = ex_attr_get(tn, "itemtype")) != NULL) {
		n->flags |= ex_schema_evidence(x, v, 0);
		if (n->flags & F_CMT)
			x->ncmt += x->ncmt < 1000;
	}
	if (tag == TidyTag_BUTTON || (tag == TidyTag_INPUT &&
	    (v = ex_attr_get(tn, "type")) != NULL && strcasecmp(v, "submit") == 0))
		ex_cart_evidence(x, td, tn);
	cls = ex_attr_get(tn, "class");
	id = ex_attr_get(tn, "id");
	if ((cls && *cls) || (id && *id)) {
		len = (cls ? strlen(cls) : 0) + (id ? strlen(id) : 0) + 2;
		a = ex_aalloc(x, len);
		snprintf(a, len, "%s %s", cls ? cls : "", id ? id : "");
		for (k = 0; a[k]; k++)
			a[k] = (char)tolower((unsigned char)a[k]);
		n->attr = a;
	}
	/* tweets and posts quoted in articles are part of the story */
	if (tag == TidyTag_BLOCKQUOTE && n->attr != NULL &&
	    (strstr(n->attr, "twitter-tweet") || strstr(n->attr, "instagram-media") ||
	    strstr(n->attr, "tiktok-embed")))
		n->flags |= F_POST;
	if (((v = ex_attr_get(tn, "style")) != NULL && is_hidden_style(v) &&
	    !drawn_formula(tn)) ||
	    (ex_attr_get(tn, "hidden") != NULL && !ex_stream_segment(tn)) ||
	    /* a popover or a dialog waits closed until a script opens it */
	    ex_attr_get(tn, "popover") != NULL ||
	    (cls != NULL && is_hidden_class(cls)) ||
	    (tag == TidyTag_DIALOG && ex_attr_get(tn, "open") == NULL) ||
	    ((v = ex_attr_get(tn, "aria-hidden")) != NULL &&
	    strcasecmp(v, "true") == 0) ||
	    (tag == TidyTag_INPUT && (v = ex_attr_get(tn, "type")) != NULL &&
	    strcasecmp(v, "hidden") == 0)) {
		if (closed_panel(x, i, n, tn))
			n->flags |= F_COLLAPSED;
		else
			n->flags |= F_HIDDEN;
	}
	if (tag == TidyTag_FORM)
		n->flags |= F_FORM;
	else if (!(n->flags & F_HIDDEN) && form_message(n, tn, cls))
		n->flags |= F_HIDDEN;
	/* a post's signature marked by its role ("memberSignature") */
	if ((v = ex_attr_get(tn, "data-role")) != NULL &&
	    strcasestr(v, "signature") != NULL)
		n->flags |= F_HIDDEN;
	if (ex_attr_get(tn, "aria-expanded") != NULL)
		x->toggle = i;
	if (ex_is_tab(tn, n->attr)) {
		n->flags |= F_TAB;
		x->tab = i;
	}
	if (tag == TidyTag_BUTTON && ex_toggle_button(tn))
		n->flags |= F_TOGGLE;
	if ((v = ex_attr_get(tn, "role")) != NULL) {
		for (k = 0; bad_roles[k] != NULL; k++)
			if (ex_has_word(v, bad_roles[k]))
				n->flags |= F_BADROLE;
		/* an image drawn in letters: an avatar's initial */
		if (ex_has_word(v, "img") && tag != TidyTag_SVG &&
		    tag != TidyTag_IMG && img_letters(x, td, tn))
			n->flags |= F_HIDDEN;
	}
	if ((v = ex_attr_get(tn, "itemprop")) != NULL) {
		/*
		 * The comments under a question or an answer are no posts
		 * of the thread (a forum's replies are no Comments of an
		 * Answer: they stay).
		 */
		if ((n->flags & F_QA) && ex_has_word(v, "comment"))
			n->flags |= F_HIDDEN;
		/* a post's or an item's ordinal number: no text */
		if (ex_has_word(v, "position") && img_letters(x, td, tn))
			n->flags |= F_HIDDEN;
		if (ex_has_word(v, "articleBody"))
			n->flags |= F_BODYPROP;
		if (ex_has_word(v, "datePublished") || ex_has_word(v, "dateModified") ||
		    ex_has_word(v, "dateCreated") || ex_has_word(v, "author") ||
		    ex_has_word(v, "publisher") || ex_has_word(v, "keywords"))
			n->flags |= F_META;
		if (ex_has_word(v, "author")) {
			n->flags |= F_AUTHOR;
			author_at(x, i, 3);
		}
	}
	if (tag == TidyTag_A && (v = ex_attr_get(tn, "rel")) != NULL &&
	    ex_has_word(v, "tag"))
		n->flags |= F_TAGLINK;
	if (tag == TidyTag_A && (v = ex_attr_get(tn, "rel")) != NULL &&
	    ex_has_word(v, "author"))
		author_at(x, i, 2);
	if (n->attr && !(n->flags & F_HIDDEN) &&
	    (strstr(n->attr, "byline") || ex_word_at(n->attr, "author")) &&
	    !strstr(n->attr, "bio") && !in_comments(x, i))
		author_at(x, i, 1);
	if (tag == TidyTag_TIME && x->timedt == NULL &&
	    (v = ex_attr_get(tn, "datetime")) != NULL && *v)
		x->timedt = xstrdup(v);
	switch (tag) {
	case TidyTag_IMG:
		n->nimg = 1;
		break;
	case TidyTag_INPUT: case TidyTag_BUTTON:
		n->ninput = 1;
		break;
	case TidyTag_IFRAME: case TidyTag_EMBED: case TidyTag_OBJECT:
	case TidyTag_VIDEO: case TidyTag_AUDIO:
		n->nembed = 1;
		break;
	}
	/* an accordion's toggle holds its section's name */
	*descend = disp == 0 || (n->flags & F_TOGGLE);
	return i;
}

/* Text node i's text: s, len bytes, cleaned (and collapsed). */
static void
take_string(struct ex *x, int i, const char *s, size_t len)
{
	char *c, *u;

	c = ex_utf8_clean(s, len);
	if (!(x->n[i].flags & F_PRE)) {
		u = c;
		c = ex_collapse(u, strlen(u), 0);
		free(u);
	}
	x->n[i].text = ex_astrndup(x, c, strlen(c));
	free(c);
}

/*
 * Text node tn and the text after it parted from it only by comments
 * (React writes "By <!-- -->Jane Roe") or by <wbr>s (a long name's
 * "Lap<wbr>top"): one text to a reader, one node, up to EX_JOIN_MAX
 * bytes.  Returns the last tidy node taken.
 */
static TidyNode
take_text(struct ex *x, TidyDoc td, TidyNode tn, int parent)
{
	struct tq_buf b = { 0 };
	TidyNode nx, last = tn;
	TidyNodeType ty;
	const char *v;
	size_t len;
	int i;

	if (parent < 0)
		return tn;
	for (nx = tn; nx != NULL && b.len < EX_JOIN_MAX;
	    nx = tidyGetNext(nx)) {
		ty = tidyNodeGetType(nx);
		if (ty == TidyNode_Text) {
			v = node_value(x, td, nx, &len);
			tq_buf_add(&b, v, len);
			last = nx;
		} else if (ty != TidyNode_Comment &&
		    tidyNodeGetId(nx) != TidyTag_WBR)
			break;
	}
	if (b.len > 0) {
		i = add_node(x, XT_TEXT, parent);
		take_string(x, i, b.data, b.len);
	}
	tq_buf_free(&b);
	return last;
}

/* Copy the tidy tree below root, without recursion. */
static void
build(struct ex *x, TidyDoc td)
{
	TidyNode tn, nx = NULL, root = tidyGetRoot(td);
	int cur = -1, idx, descend, top, depth = 0;
	TidyNodeType ty;

	top = add_node(x, TidyTag_UNKNOWN, -1);	/* document */
	cur = top;
	ex_stream_index(x, td);
	tn = tidyGetChild(root);
	while (tn != NULL) {
		ty = tidyNodeGetType(tn);
		idx = -1;
		descend = 0;
		if (ty == TidyNode_Text)
			tn = take_text(x, td, tn, cur);
		else if (ty == TidyNode_Start || ty == TidyNode_StartEnd) {
			/* React's streamed segments where the script puts them */
			if ((nx = ex_stream_jump(x, tn)) != NULL)
				idx = take_element(x, td, tn = nx, cur, &descend);
			else if (!ex_stream_skip(x, tn))
				idx = take_element(x, td, tn, cur, &descend);
		}
		/* the prescan bounds the depth; this bounds what we keep */
		if (descend && depth < EX_MAX_TREE &&
		    (nx = tidyGetChild(tn)) != NULL) {
			cur = idx;
			tn = nx;
			depth++;
			continue;
		}
		/* next sibling, or climb */
		while (tn != NULL && (nx = tidyGetNext(tn =
		    ex_stream_back(x, tn))) == NULL) {
			tn = tidyGetParent(tn);
			depth--;
			if (tn == NULL || tn == root)
				return;
			if (tidyNodeGetId(tn) != TidyTag_HEAD && cur > 0)
				cur = x->n[cur].parent;
		}
		tn = nx;
	}
}

/*
 * An inline element that wrapped blocks (a <span> around a post's
 * body) is split by tidy into one copy per block, each with the same
 * class and id.  An id is unique in a page, so an inline element whose
 * id comes three times or more is such a copy: its class speaks for
 * the whole body, not for the heading or item it now sits in, and it
 * is dropped ("meta_field" is no byline).
 */
#define EX_IDS	4096	/* slots of the hash table, a power of two */

/* FNV-1a of s, never 0 (0 marks a free slot of the hash tables). */
uint64_t
ex_fnv(const char *s)
{
	return ex_fnv_len(s, strlen(s));
}

/* FNV-1a of the n bytes at s, never 0. */
uint64_t
ex_fnv_len(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t k;

	for (k = 0; k < n; k++)
		h = (h ^ (unsigned char)s[k]) * 1099511628211ULL;
	return h | 1;	/* 0 marks a free slot */
}

static int
split_copy(const struct xn *n)
{
	const char *id;

	if (n->tag == XT_TEXT || (n->flags & F_BLOCK) || n->attr == NULL)
		return 0;
	id = strrchr(n->attr, ' ');
	return id != NULL && id[1] != '\0';
}

static void
drop_split_copies(struct ex *x)
{
	uint64_t *key, h;
	int *cnt, i, used = 0;
	size_t k;

	key = xcalloc(EX_IDS, sizeof(*key));
	cnt = xcalloc(EX_IDS, sizeof(*cnt));
	for (i = 1; i < x->nn; i++) {
		if (!split_copy(&x->n[i]))
			continue;
		h = ex_fnv(x->n[i].attr);
		for (k = h & (EX_IDS - 1); key[k] != 0 && key[k] != h;
		    k = (k + 1) & (EX_IDS - 1))
			;
		if (key[k] == 0) {
			if (used >= EX_IDS / 2)
				continue;
			key[k] = h;
			used++;
		}
		cnt[k]++;
	}
	for (i = 1; i < x->nn && used > 0; i++) {
		if (!split_copy(&x->n[i]))
			continue;
		h = ex_fnv(x->n[i].attr);
		for (k = h & (EX_IDS - 1); key[k] != 0 && key[k] != h;
		    k = (k + 1) & (EX_IDS - 1))
			;
		if (key[k] == h && cnt[k] >= 3)
			x->n[i].attr = NULL;
	}
	free(key);
	free(cnt);
}

/*
 * The node after j in the subtree of top, by the links (the array's
 * order no longer holds once compose() moved nodes); into j's
 * children when down.
 */
static int
link_next(const struct ex *x, int j, int top, int down)
{
	if (down && x->n[j].first >= 0)
		return x->n[j].first;
	while (j != top && x->n[j].next < 0)
		j = x->n[j].parent;
	return j == top ? -1 : x->n[j].next;
}

/* Append node c, detached, to p's children. */
static void
link_append(struct ex *x, int p, int c)
{
	x->n[c].parent = p;
	x->n[c].next = -1;
	if (x->n[p].last >= 0)
		x->n[x->n[p].last].next = c;
	else
		x->n[p].first = c;
	x->n[p].last = c;
}

/*
 * What a node takes from its parent as it is added (F_INHERIT), given
 * to a subtree moved into a slot: a slot in a link makes links.
 */
static void
link_inherit(struct ex *x, int c, unsigned bits)
{
	int j;

	if (bits == 0)
		return;
	x->n[c].flags |= bits;
	for (j = link_next(x, c, c, 1); j >= 0; j = link_next(x, j, c, 1))
		x->n[j].flags |= bits;
}

/*
 * Number the tree again in document order, from the links, leaving
 * out the nodes no longer in it; a node's index is greater than its
 * parent's again, and a subtree's indices run on, as every later
 * stage expects.
 */
static void
renumber(struct ex *x)
{
	struct xn *nn;
	int *map, i, j, k;

	map = xmalloc((size_t)x->nn * sizeof(*map));
	for (i = 0; i < x->nn; i++)
		map[i] = -1;
	nn = xmalloc((size_t)x->nn * sizeof(*nn));
	for (k = 0, j = 0; j >= 0; j = link_next(x, j, 0, 1)) {
		map[j] = k;
		nn[k++] = x->n[j];
	}
	for (i = 0; i < k; i++) {
		nn[i].parent = i == 0 ? -1 : map[nn[i].parent];
		nn[i].first = nn[i].last = nn[i].next = -1;
	}
	for (i = 1; i < k; i++) {
		j = nn[i].parent;
		if (nn[j].last >= 0)
			nn[nn[j].last].next = i;
		else
			nn[j].first = i;
		nn[j].last = i;
	}
	x->h1 = x->h1 >= 0 ? map[x->h1] : -1;
	for (j = 0; j < x->nauthor; j++)
		x->author[j] = map[x->author[j]];
	x->body = x->body > 0 && map[x->body] > 0 ? map[x->body] : 0;
	x->toggle = x->tab = -1;
	free(x->n);
	free(map);
	x->n = nn;
	x->nn = x->cap = k;
}

/*
 * The shadow roots shown (F_SHADOW), composed as the browser does it:
 * the host's own children go into the slots of its shadow root, one
 * with slot="x" into the first <slot name="x">, the others (text too)
 * into the first slot without a name; a slot that gets nothing shows
 * its own children (the fallback), and a child no slot takes is not
 * shown.  Then the tree is numbered again.
 */
#define EX_SLOTS	64	/* slots of one shadow root */

static void
compose(struct ex *x)
{
	int slot[EX_SLOTS], got[EX_SLOTS];
	int i, j, c, nx, h, ns, k, moved = 0;
	const char *want;

	for (i = 1; i < x->nn; i++) {
		if (!(x->n[i].flags & F_SHADOW) || (h = x->n[i].parent) < 0)
			continue;
		/* its slots, not those of shadow roots inside it */
		for (ns = 0, j = link_next(x, i, i, 1); j >= 0 &&
		    ns < EX_SLOTS; j = link_next(x, j, i,
		    !(x->n[j].flags & (F_SHADOW | F_SLOT))))
			if (x->n[j].flags & F_SLOT) {
				got[ns] = 0;
				slot[ns++] = j;
			}
		/* the host's children: into their slot, or out */
		for (c = x->n[h].first; c >= 0; c = nx) {
			nx = x->n[c].next;
			if (c == i)
				continue;
			want = x->n[c].tag != XT_TEXT && x->n[c].slot != NULL ?
			    x->n[c].slot : "";
			for (k = 0; k < ns && strcmp(x->n[slot[k]].slot,
			    want) != 0; k++)
				;
			if (k == ns)
				continue;
			if (got[k]++ == 0)	/* the fallback goes */
				x->n[slot[k]].first = x->n[slot[k]].last = -1;
			link_append(x, slot[k], c);
			link_inherit(x, c, x->n[slot[k]].flags & F_INHERIT);
		}
		x->n[h].first = x->n[h].last = i;
		x->n[i].next = -1;
		moved = 1;
	}
	if (moved)
		renumber(x);
}

/*
 * The <p> that <div> d holds alone, white space aside, if d is a bare
 * wrapper (no class, id, or other mark); else -1.
 */
static int
wrapped_p(const struct ex *x, int d)
{
	const struct xn *n = &x->n[d];
	const char *t;
	int c, p = -1;

	if (n->tag != TidyTag_DIV || n->attr != NULL || n->slot != NULL ||
	    (n->flags & ~(F_BLOCK | F_INHERIT)) != 0)
		return -1;
	for (c = n->first; c >= 0; c = x->n[c].next) {
		if (x->n[c].tag == XT_TEXT) {
			for (t = x->n[c].text; t != NULL && *t == ' '; t++)
				;
			if (t != NULL && *t != '\0')
				return -1;
		} else if (x->n[c].tag == TidyTag_P && p < 0)
			p = c;
		else
			return -1;
	}
	return p;
}

/*
 * A <div> that holds one <p> and nothing else, no class, no id, is
 * the <p> (page builders wrap each paragraph so): its paragraph stands
 * in its place, and the story's paragraphs are siblings again, as they
 * are to a reader.
 */
static void
unwrap_paragraphs(struct ex *x)
{
	int q, c, prev, nx, p, moved = 0;

	/* deepest first: <div><div><p> gives way twice */
	for (q = x->nn - 1; q >= 0; q--)
		for (prev = -1, c = x->n[q].first; c >= 0; prev = c, c = nx) {
			nx = x->n[c].next;
			while ((p = wrapped_p(x, c)) >= 0) {
				x->n[p].parent = q;
				x->n[p].next = nx;
				if (prev >= 0)
					x->n[prev].next = p;
				else
					x->n[q].first = p;
				if (x->n[q].last == c)
					x->n[q].last = p;
				c = p;
				moved = 1;
			}
		}
	if (moved)
		renumber(x);
}

void
ex_build(struct ex *x, TidyDoc td)
{
	build(x, td);
	if (x->nshadow > 0)
		compose(x);
	unwrap_paragraphs(x);
	drop_split_copies(x);
}
