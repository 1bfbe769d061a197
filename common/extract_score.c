/*
 * extract_score.c - stage 4 of extraction: class/id words, the scoring
 * passes in the manner of readability and the cleaning of the article
 * found.  extract.c says how the stages fit together.
 */
#include <ctype.h>
#include <stddef.h>
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

/* ------------------------------------------------------ class/id words */

/*
 * Words are matched in the lower-cased "class id" string.  A word of
 * three letters or less must stand alone ("ad", not "head"); longer
 * ones must start a word ("research" is no "search"), except those
 * marked "~", which class names glue to others ("leftsidebar",
 * "pagefooter", "postcomments") and so match anywhere.
 */
static const char *const neg_words[] = {
	"ad", "ads", "adv", "nav", "tag", "tags", "~menu", "~share",
	"~advert", "agegate", "~banner", "~breadcrumb", "~byline", "~cookie",
	"combx", "~comment", "community", "consent", "contact", "~disqus",
	"dropdown", "extra", "~footer", "footnote", "gdpr", "header",
	"hidden", "login", "masthead", "meta", "modal",
	"~navbar", "~navigation", "~newsletter", "~outbrain", "pager",
	"pagination", "popular", "~popup", "~promo", "recommend",
	"~related", "remark", "replies", "reply", "rss", "scroll",
	"shopping", "shoutbox", "~sidebar", "signup", "skyscraper",
	"~social", "~sponsor", "~subscribe", "subscription", "supplemental",
	"~taboola", "teaser", "toolbar", "tooltip", "trending", "~widget",
	"author-bio", "more-stories", "read-more", "readmore", "most-",
	"sharing", "fine-print", "print-button", "print-link",
	"printfriendly", "overlay", "alert", "hide", "sr-only",
	"visually-hidden", "screen-reader", "offscreen", "noprint",
	"newsfeed", "carousel", "slider", "links", "video-", "gallery",
	"~caption", "~credit", "copyright", "legal", "disclaimer",
	"follow", "tools", "actions", "rating", "vote", "poll", "signin",
	"account", "search", "filter", "sort", "breaking", "cta",
	"author-box", "~authorbox", "author-card", "about-author",
	"author-info", "~references", "bibliography", NULL
};

static const char *const pos_words[] = {
	"~article", "~body", "~content", "entry", "hentry", "h-entry",
	"main", "page", "post", "text", "blog", "story", "prose",
	"column", "markdown", "articlebody", "richtext", NULL
};

/* Words that rule out a whole subtree before scoring. */
static const char *const unlikely_words[] = {
	"ad", "ads", "-ad-", "ad-", "~banner", "~breadcrumb", "combx",
	"~comment", "community", "~cookie", "consent", "cover-wrap",
	"~disqus", "extra", "~footer", "gdpr", "header", "legends", "~menu",
	"~related", "remark", "replies", "rss", "shoutbox", "~sidebar",
	"skyscraper", "~social", "~sponsor", "supplemental", "ad-break",
	"agegate", "pagination", "pager", "~popup", "~newsletter",
	"~subscribe", "~share", "sharing", "~promo", "~outbrain", "~taboola",
	"recommend", "most-popular", "trending", "modal",
	"~navbar", "~navigation", "masthead", "signup",
	"more-stories", "read-more", "nav", "author-bio", "author-box",
	"~authorbox", "author-card", "about-author", "~references",
	"bibliography", NULL
};

/* Small elements with these words are dropped from the article. */
static const char *const junk_words[] = {
	"~caption", "~credit", "~share", "~social", "~related", "~promo",
	"~advert", "~newsletter", "~subscribe", "~comment", "~breadcrumb",
	"~byline", "author", "meta", "timestamp", "dateline", "tags",
	"~sponsor", "recommend", "signup", "sign-up", "disclaimer",
	"~signature", "~usertitle", "user-title", "cta", "~editsection",
	"edit-section", "edit-link", NULL
};

/* A story's subtitle, dropped too, but for a section's heading. */
static const char *const dek_words[] = {
	"dek", "standfirst", "subheadline", "kicker", "eyebrow", NULL
};

/* Elements that are shown on hover or click only. */
static const char *const popup_words[] = {
	"tooltip", "popover", "hovercard", "rollover", "~popup", "modal",
	"dropdown", "lightbox", "overlay", NULL
};

const char *const ex_maybe_words[] = {
	"and", "~article", "~body", "column", "~content", "main", "shadow",
	"entry", "post", "story", "text", NULL
};

/*
 * Is the word at p the value of a utility class ("overflow-hidden",
 * "overflow-y-hidden", "font-extrabold"), a style, not a name?
 */
static int
utility_value(const char *s, const char *p)
{
	static const char *const utils[] = {
		"overflow-", "overflow-x-", "overflow-y-", NULL
	};
	size_t k, m;

	for (k = 0; utils[k] != NULL; k++) {
		m = strlen(utils[k]);
		if ((size_t)(p - s) >= m && strncmp(p - m, utils[k], m) == 0 &&
		    (p - m == s || p[-(ptrdiff_t)m - 1] == ' ' ||
		    p[-(ptrdiff_t)m - 1] == ':'))
			return 1;
	}
	return 0;
}

static int
word_at(const char *s, const char *w, int utils)
{
	const char *p = s;
	size_t n;
	int glued = *w == '~';

	if (glued)
		w++;
	n = strlen(w);
	while ((p = strstr(p, w)) != NULL) {
		if (utils && utility_value(s, p)) {
			p++;
			continue;
		}
		if (glued)
			return 1;
		/*
		 * a word of four letters or more begins a longer one
		 * ("comment" in "commentlist"), but a plural does not
		 * ("tags" is not in "tagstyle_z4kqwb", a style's name)
		 */
		if ((p == s || !isalpha((unsigned char)p[-1]) ||
		    !isalpha((unsigned char)w[0])) && ((n > 3 &&
		    w[n - 1] != 's') || !isalpha((unsigned char)p[n]) ||
		    !isalpha((unsigned char)w[n - 1])))
			return 1;
		p++;
	}
	return 0;
}

int
ex_word_at(const char *s, const char *w)
{
	return word_at(s, w, 0);
}

/*
 * A class that weighs against a block only by a utility's value
 * ("overflow-hidden" of Tailwind's, around a ranking's blurb): a
 * style, no sign of chrome, so the cleaning keeps the block.
 */
static int
neg_by_style(const char *attr)
{
	int k;

	if (attr == NULL)
		return 0;
	for (k = 0; neg_words[k] != NULL; k++)
		if (word_at(attr, neg_words[k], 1))
			return 0;
	return 1;
}

int
ex_match_any(const char *s, const char *const *list)
{
	int i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; list[i] != NULL; i++)
		if (ex_word_at(s, list[i]))
			return 1;
	return 0;
}

/*
 * Unlikely by class/id: some word of the attribute is unlikely and no
 * word is a "maybe" of its own, so "footer-content footer" is out but
 * "sidebar content" and "article-footer" stay.
 */
int
ex_attr_unlikely(const char *attr)
{
	return ex_attr_words(attr, unlikely_words, NULL);
}

int
ex_attr_words(const char *attr, const char *const *words,
    const char *const *sure)
{
	char tok[128];
	const char *p = attr, *e;
	size_t n;
	int bad = 0, good = 0, u, m;

	while (*p) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, " ");
		if ((n = (size_t)(e - p)) == 0)
			break;
		if (n >= sizeof(tok))
			n = sizeof(tok) - 1;
		memcpy(tok, p, n);
		tok[n] = '\0';
		/* "lg:h-[calc(100vh-var(--nav-height))]": a style, no name */
		if (strchr(tok, '[') != NULL) {
			p = e;
			continue;
		}
		if (sure != NULL && ex_match_any(tok, sure))
			return 1;
		u = ex_match_any(tok, words);
		m = ex_match_any(tok, ex_maybe_words);
		if (u && !m)
			bad = 1;
		if (m && !u)
			good = 1;
		p = e;
	}
	return bad && !good;
}

int
ex_attr_any(const char *attr, int (*fn)(const char *))
{
	const char *p = attr, *e;
	char tok[128];
	size_t n;

	while (*p) {
		for (e = p; *e && *e != ' '; e++)
			;
		if ((n = (size_t)(e - p)) > 0 && n < sizeof(tok)) {
			memcpy(tok, p, n);
			tok[n] = '\0';
			if (fn(tok))
				return 1;
		}
		p = *e ? e + 1 : e;
	}
	return 0;
}

int
ex_class_weight(const char *attr)
{
	int w = 0;

	if (attr == NULL || *attr == '\0')
		return 0;
	if (ex_match_any(attr, neg_words))
		w -= 25;
	if (ex_match_any(attr, pos_words))
		w += 25;
	return w;
}

/* --------------------------------------------------------------- passes */

void
ex_sums(struct ex *x)
{
	struct xn *n, *p;
	int i;

	for (i = 0; i < x->nn; i++) {
		n = &x->n[i];
		n->tlen = n->llen = n->commas = n->ends = n->nblock = 0;
		n->np = n->nli = n->nhead = n->hlen = 0;
		n->simg = n->nimg;
		n->npost = (n->flags & F_POST) != 0;
		n->nsub = 1;
		n->sinput = n->ninput;
		n->sembed = n->nembed;
		if (n->tag == XT_TEXT) {
			n->tlen = ex_count_chars(n->text);
			n->commas = ex_count_commas(n->text);
			n->ends = ex_count_ends(n->text);
			if (n->flags & F_LINK)
				n->llen = n->tlen;
		}
	}
	/* leaf counters are kept in node fields; rebuild sums bottom-up */
	for (i = x->nn - 1; i > 0; i--) {
		n = &x->n[i];
		if (x->dead[i] || n->parent < 0)
			continue;
		p = &x->n[n->parent];
		p->tlen += n->tlen;
		p->llen += n->llen;
		p->commas += n->commas;
		p->ends += n->ends;
		p->np += n->np + (n->tag == TidyTag_P);
		p->nli += n->nli + (n->tag == TidyTag_LI);
		p->nblock += n->nblock + ((n->flags & F_BLOCK) != 0);
		p->nhead += n->nhead + ex_tag_is_heading(n->tag);
		p->hlen += ex_tag_is_heading(n->tag) ? n->tlen : n->hlen;
		p->simg += n->simg;
		p->npost += n->npost;
		p->nsub += n->nsub;
		p->sinput += n->sinput;
		p->sembed += n->sembed;
	}
}

double
ex_link_density(const struct xn *n)
{
	return n->tlen > 0 ? (double)n->llen / n->tlen : 0;
}

/*
 * A heading, or a block that holds nothing but one heading, not a
 * link, that is counted against only for being a header ("card-header"
 * around an accordion's question, "panel-heading", Divi's <h4 class=
 * et_pb_module_header> over each blurb): the title of the panel that
 * follows, not the site's header.
 */
static int
panel_title(const struct xn *n)
{
	char buf[256], *p;

	if (n->attr == NULL || n->tlen == 0 || n->tlen > 200 ||
	    n->llen != 0 || n->simg != 0 || strlen(n->attr) >= sizeof(buf))
		return 0;
	/* a heading holds no other; a block, one heading and no more */
	if (ex_tag_is_heading(n->tag) ? n->nhead != 0 :
	    n->nhead != 1 || n->hlen != n->tlen)
		return 0;
	snprintf(buf, sizeof(buf), "%s", n->attr);
	if ((p = strstr(buf, "header")) == NULL)
		return 0;
	for (; (p = strstr(p, "header")) != NULL; p += 6)
		memcpy(p, "xxxxxx", 6);
	return ex_class_weight(buf) >= 0;
}

/*
 * The header of the page's <main>: a block that holds the page's <h1>
 * inside <main> (the title and the lead line under it), the
 * article's own header, not the site's.
 */
static int
main_header(struct ex *x, int i)
{
	int h = x->h1, p;

	if (h <= i || h > ex_subtree_end(x, i) || x->n[i].tlen > 1500)
		return 0;
	for (p = x->n[i].parent; p > 0; p = x->n[p].parent)
		if (x->n[p].flags & F_MAIN)
			return 1;
	return 0;
}

/*
 * A cookie or consent banner, named so (WordPress' eu-cookie-law,
 * Cookiebot, OneTrust, Osano's cc-window) and speaking of cookies, is
 * marked before the passes, and none takes it for the article, however
 * little else the page holds (a post of two sentences beside it).  Its
 * text still counts in the page's, as it did.
 */
static const char *const consent_words[] = {
	"~cookie-law", "~cookielaw", "~cookie-notice", "~cookienotice",
	"~cookie-banner", "~cookiebanner", "~cookie-consent",
	"~cookieconsent", "~cookie-bar", "~cookiebar", "~cookie-policy",
	"~cookie-popup", "~cookie-message", "~cookie-info", "~cookiebot",
	"~onetrust", "cc-window", "cc-banner", "gdpr", "consent", NULL
};

int
ex_attr_consent(const char *attr)
{
	return ex_match_any(attr, consent_words);
}

void
ex_mark_consent(struct ex *x)
{
	struct xn *n;
	char *t;
	int i;

	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (!(n->abits & A_CONSENT) || n->tlen == 0 ||
		    n->tlen > 2000 || x->dead[i])
			continue;
		t = ex_node_text(x, i, 2100);
		if (strcasestr(t, "cookie") != NULL)
			n->flags |= F_CONSENT;
		free(t);
	}
}

static int
is_unlikely(struct ex *x, int i, int bodylen)
{
	struct xn *n = &x->n[i];

	switch (n->tag) {
	case TidyTag_BODY: case TidyTag_HTML: case TidyTag_ARTICLE:
	case TidyTag_MAIN: case TidyTag_A: case TidyTag_TABLE:
	case TidyTag_TBODY: case TidyTag_TR: case TidyTag_TD:
	case TidyTag_TH: case TidyTag_PRE: case TidyTag_CODE:
		return 0;
	}
	if ((n->flags & F_BODYPROP) || n->npost > 0)
		return 0;
	/* never throw away most of the page by a class name */
	if (bodylen > 0 && n->tlen - n->llen > bodylen / 2)
		return 0;
	if (n->flags & F_BADROLE)
		return 1;
	return (n->abits & A_UNLIKELY) != 0 && !panel_title(n) &&
	    !main_header(x, i);
}

static int
tag_base_score(int tag)
{
	switch (tag) {
	case TidyTag_ARTICLE:
		return 10;
	case TidyTag_DIV: case TidyTag_MAIN: case TidyTag_SECTION:
		return 5;
	case TidyTag_PRE: case TidyTag_TD: case TidyTag_BLOCKQUOTE:
		return 3;
	case TidyTag_ADDRESS: case TidyTag_OL: case TidyTag_UL:
	case TidyTag_DL: case TidyTag_DD: case TidyTag_DT: case TidyTag_LI:
	case TidyTag_FORM:
		return -3;
	case TidyTag_H1: case TidyTag_H2: case TidyTag_H3: case TidyTag_H4:
	case TidyTag_H5: case TidyTag_H6: case TidyTag_TH:
		return -5;
	case TidyTag_UNKNOWN:
		return 5;
	}
	return 0;
}

static void
init_candidate(struct ex *x, int i, unsigned pf)
{
	struct xn *n = &x->n[i];

	if (n->scored)
		return;
	n->scored = 1;
	n->score = tag_base_score(n->tag);
	if (pf & P_WEIGHT)
		n->score += n->weight;
}

static void
give(struct ex *x, int parent, double s, unsigned pf)
{
	int lvl;

	for (lvl = 0; parent > 0 && lvl < 5; lvl++) {
		if (x->n[parent].tag == XT_TEXT || x->dead[parent])
			break;
		init_candidate(x, parent, pf);
		x->n[parent].score += s / (lvl == 0 ? 1 : lvl == 1 ? 2 :
		    lvl * 3);
		parent = x->n[parent].parent;
		if (parent >= 0 && x->n[parent].tag == TidyTag_HTML)
			break;
	}
}

static double
unit_score(int tlen, int commas, int ends)
{
	double s;

	/*
	 * Commas are the mark of prose where sentences hold them: a
	 * block of 150 lines "Name, University" and no sentence (a
	 * letter's signatories) is a list, and its commas count up to
	 * five for each sentence's end and five more.
	 */
	if (commas > 5 * ends + 5)
		commas = 5 * ends + 5;
	s = 1 + commas;

	s += tlen / 100 > 3 ? 3 : tlen / 100;
	return s;
}

static int
is_unit_tag(int tag)
{
	switch (tag) {
	case TidyTag_P: case TidyTag_PRE: case TidyTag_TD:
	case TidyTag_BLOCKQUOTE: case TidyTag_H2: case TidyTag_H3:
	case TidyTag_H4: case TidyTag_H5: case TidyTag_H6:
		return 1;
	}
	return 0;
}

static int
is_container(int tag)
{
	switch (tag) {
	case TidyTag_DIV: case TidyTag_SECTION: case TidyTag_ARTICLE:
	case TidyTag_MAIN: case TidyTag_UNKNOWN: case TidyTag_CENTER:
	case TidyTag_FORM: case TidyTag_BODY: case TidyTag_FIELDSET:
		return 1;
	}
	return 0;
}

int
ex_is_ancestor(struct ex *x, int a, int d)
{
	while (d >= 0) {
		if (d == a)
			return 1;
		d = x->n[d].parent;
	}
	return 0;
}

static void
score_units(struct ex *x, unsigned pf)
{
	struct xn *n, *c;
	int i, j, rlen, rcom, rend;

	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[i] || n->tag == XT_TEXT)
			continue;
		if (is_unit_tag(n->tag) || (is_container(n->tag) &&
		    n->nblock == 0 && n->tag != TidyTag_BODY)) {
			if (n->tlen >= 25)
				give(x, n->parent, unit_score(n->tlen,
				    n->commas, n->ends), pf);
			continue;
		}
		if (!is_container(n->tag) || n->nblock == 0)
			continue;
		/* runs of inline content between block children */
		rlen = rcom = rend = 0;
		for (j = n->first; ; j = c->next) {
			c = j >= 0 ? &x->n[j] : NULL;
			if (c != NULL && x->dead[j])
				continue;
			if (c == NULL || (c->flags & F_BLOCK) ||
			    c->tag == TidyTag_BR) {
				if (c != NULL && c->tag == TidyTag_BR &&
				    c->next >= 0 &&
				    x->n[c->next].tag == TidyTag_BR)
					;	/* <br><br>: a break */
				else if (c != NULL && c->tag == TidyTag_BR)
					continue;
				if (rlen >= 25)
					give(x, i, unit_score(rlen, rcom,
					    rend), pf);
				rlen = rcom = rend = 0;
				if (c == NULL)
					break;
				continue;
			}
			rlen += c->tlen;
			rcom += c->commas;
			rend += c->ends;
		}
	}
}

struct pick {
	int	*nodes;		/* the roots of the article parts */
	int	 n;
	int	 top;
};


static int	int_cmp(const void *, const void *);

/* Same class?  (attr is "class id"; ids differ per block.) */
static int
same_class(const char *a, const char *b)
{
	const char *ea, *eb;

	if (a == NULL || b == NULL || *a == ' ')
		return 0;
	ea = strrchr(a, ' ');
	eb = strrchr(b, ' ');
	return ea - a == eb - b && strncmp(a, b, (size_t)(ea - a)) == 0;
}

/* Is the class token t (n bytes) a name, not a style's value or an id? */
static int
class_name(const char *t, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (isdigit((unsigned char)t[k]) || t[k] == ':' || t[k] == '[')
			return 0;
	return n > 0;
}

/*
 * Classes alike: two names or more in common, half of the names of one
 * of them or more ("rich-text-block main-blog-post intro" and
 * "main-blog-post rich-text-block"); names with digits (a page
 * builder's ids, "elementor-element-98fbbca") and styles' values do
 * not count.  (attr is "class id".)
 */
static int
similar_class(const char *a, const char *b)
{
	const char *ea, *eb, *p, *q, *e, *f;
	int na = 0, nb = 0, both = 0;

	if (a == NULL || b == NULL || (ea = strrchr(a, ' ')) == NULL ||
	    (eb = strrchr(b, ' ')) == NULL)
		return 0;
	for (q = b; q < eb; q = f) {
		while (q < eb && isspace((unsigned char)*q))
			q++;
		for (f = q; f < eb && !isspace((unsigned char)*f); f++)
			;
		nb += class_name(q, (size_t)(f - q));
	}
	for (p = a; p < ea; p = e) {
		while (p < ea && isspace((unsigned char)*p))
			p++;
		for (e = p; e < ea && !isspace((unsigned char)*e); e++)
			;
		if (!class_name(p, (size_t)(e - p)))
			continue;
		na++;
		for (q = b; q < eb; q = f) {
			while (q < eb && isspace((unsigned char)*q))
				q++;
			for (f = q; f < eb && !isspace((unsigned char)*f); f++)
				;
			if (f - q == e - p && strncmp(p, q, (size_t)(e - p)) == 0) {
				both++;
				break;
			}
		}
	}
	return both >= 2 && both * 2 >= (na < nb ? na : nb);
}

/*
 * A body that a page builder cut into blocks of one class, with other
 * blocks between them: when an element above the pick, a few levels
 * up, has siblings of its own tag and class that hold paragraphs of
 * their own, that element is the pick, and its siblings join it.
 * Sections straight under <body> count too, but for a sibling whose
 * class weighs against it (a footer's "container about").  Five or six
 * levels up (a WPBakery row: column, inner, wrapper, text column,
 * wrapper), two such siblings are needed: one alone there is as often
 * a call to action or a "read more" block as the story's next part.
 * Higher up, an element with two such siblings or more wins over a
 * lower one: a ranking ("the best five plans") is a run of sections
 * of one shape, each cut in blocks, and the blocks of the first
 * section are not the article; but not an element that holds the
 * page's <h1>, a story with the next stories of an endless page below.
 */
static int
split_body(struct ex *x, int top)
{
	int a, j, lvl, par, cnt, found = -1;
	struct xn *n;

	for (a = top, lvl = 0; lvl < 6 && a > 0; lvl++, a = par) {
		par = x->n[a].parent;
		if (par <= 0 || a == x->body)
			break;
		if (x->n[a].attr == NULL || x->n[a].tag == TidyTag_TR)
			continue;
		for (cnt = 0, j = x->n[par].first; j >= 0; j = x->n[j].next) {
			n = &x->n[j];
			if (j == a || x->dead[j] || n->tag != x->n[a].tag ||
			    !same_class(n->attr, x->n[a].attr))
				continue;
			if (n->np >= 2 && n->tlen >= 300 &&
			    ex_link_density(n) < 0.25 && n->best > -1e8 &&
			    (x->n[par].tag != TidyTag_BODY || n->weight >= 0))
				cnt++;
		}
		/* a story with its headline is no section of a ranking */
		if (cnt >= (found < 0 && lvl < 4 ? 1 : 2) && (found < 0 ||
		    x->h1 <= 0 || !ex_is_ancestor(x, a, x->h1)))
			found = a;
	}
	return found >= 0 ? found : top;
}

/*
 * A block of code beside the article: a manual's synopsis or example
 * (a heading over a <pre>), most of its text preformatted, of hardly
 * any links.  Code is no chrome.
 */
static int
code_block(struct ex *x, int i)
{
	int j, end, pre = 0;

	if (x->n[i].tlen < 80 || x->n[i].llen * 10 > x->n[i].tlen)
		return 0;
	end = ex_subtree_end(x, i);
	for (j = i + 1; j <= end; j++)
		if (x->n[j].tag == XT_TEXT && (x->n[j].flags & F_PRE) &&
		    !ex_dead_below(x, j))
			pre += x->n[j].tlen;
	return pre * 2 >= x->n[i].tlen;
}

/* The nearest <article> holding i, or 0. */
static int
article_of(struct ex *x, int i)
{
	while (i > 0 && x->n[i].tag != TidyTag_ARTICLE)
		i = x->n[i].parent;
	return i > 0 ? i : 0;
}

/*
 * Is j, marked itemprop=articleBody as the pick is, another part of
 * the same body: of its tag and class, in the same <article> (or in
 * none), with text of its own?
 */
static int
body_part(struct ex *x, int j, int top)
{
	return x->n[j].tag == x->n[top].tag && x->n[j].attr != NULL &&
	    x->n[top].attr != NULL && same_class(x->n[j].attr,
	    x->n[top].attr) && x->n[j].tlen >= 25 &&
	    article_of(x, j) == article_of(x, top);
}

/*
 * Is node i, in the article under root, a heading of one of its
 * sections: an <h2> to <h6> after some of the article's text, with a
 * paragraph of its own after it?  A CMS names such headings as it
 * names a story's subtitle ("article-subheadline"), which dek_words
 * would drop.
 */
static int
section_heading(struct ex *x, int i, int root)
{
	int j, text = 0;

	if (x->n[i].tag < TidyTag_H2 || x->n[i].tag > TidyTag_H6)
		return 0;
	for (j = root + 1; j < i && text < 80; j++)
		if (x->n[j].tag == XT_TEXT && !x->dead[j])
			text += x->n[j].tlen;
	if (text < 80)
		return 0;
	for (j = x->n[i].next; j >= 0; j = x->n[j].next)
		if (x->n[j].tag != XT_TEXT && x->n[j].tag != TidyTag_BR)
			return x->n[j].tag == TidyTag_P && x->n[j].tlen >= 80;
	return 0;
}

/*
 * The block in i's subtree that holds the most <p>s of its own; how
 * many in *most_p.
 */
static int
paragraphs_block(struct ex *x, int i, int *most_p)
{
	int j, c, e = ex_subtree_end(x, i), best = i, most = 0, np;

	for (j = i; j <= e; j++) {
		if (x->dead[j] || x->n[j].tag == XT_TEXT ||
		    x->n[j].np <= most)
			continue;
		for (np = 0, c = x->n[j].first; c >= 0; c = x->n[c].next)
			if (x->n[c].tag == TidyTag_P && !x->dead[c])
				np++;
		if (np > most) {
			most = np;
			best = j;
		}
	}
	*most_p = most;
	return best;
}

/*
 * A story cut into blocks of one class that are no siblings: Politico
 * puts its lead in a "story-text" of its own, in another section than
 * the rest, with ads between.  Blocks of the tag and class of the
 * pick's block of paragraphs (three or more, 500 characters: a story's
 * body, not an accordion's last panel), before the pick in its
 * <article> (or in none), with a paragraph of prose of their own, no
 * <h1> and little text (600 characters, 4000 nodes) between them and
 * the pick, join it, in the page's order.  Not after it: the next
 * story of an endless page is of the same class.
 */
static void
split_parts(struct ex *x, struct pick *pk)
{
	int top = pk->top, b, j, k, h, e, gap, np, added = 0;
	struct xn *n;

	if (top == x->body || x->type != PT_ARTICLE)
		return;
	b = paragraphs_block(x, top, &np);
	if (np < 3 || x->n[b].tlen < 500 || x->n[b].attr == NULL ||
	    x->n[b].attr[0] == ' ')
		return;
	for (j = 1; j < x->nn; j++) {
		n = &x->n[j];
		if (x->dead[j] || n->tag != x->n[b].tag || n->np < 1 ||
		    n->tlen < 100 || ex_link_density(n) >= 0.25 ||
		    !same_class(n->attr, x->n[b].attr) ||
		    ex_is_ancestor(x, j, top) || ex_is_ancestor(x, top, j) ||
		    article_of(x, j) != article_of(x, top))
			continue;
		for (k = 0; k < pk->n; k++)
			if (pk->nodes[k] == j ||
			    ex_is_ancestor(x, pk->nodes[k], j) ||
			    ex_is_ancestor(x, j, pk->nodes[k]))
				break;
		if (k < pk->n)
			continue;
		if (j > top)
			break;
		/* no <h1> between, little text, few nodes */
		e = ex_subtree_end(x, j);
		for (h = e + 1, gap = 0; h < top && gap < 600 &&
		    h - e < 4000; h++)
			if (x->n[h].tag == TidyTag_H1 && !x->dead[h])
				break;
			else if (x->n[h].tag == XT_TEXT && !ex_dead_below(x, h))
				gap += x->n[h].tlen;
		if (h < top)
			continue;
		pk->nodes[pk->n++] = j;
		added = 1;
		j = ex_subtree_end(x, j);
	}
	if (added)
		qsort(pk->nodes, (size_t)pk->n, sizeof(int), int_cmp);
}

static int
pick_article(struct ex *x, unsigned pf, struct pick *pk)
{
	int i, j, top = -1, k, par, cnt, alts[5], nalt = 0, best[5];
	double bs[5], ld, thr, last, bonus, topscore;
	struct xn *n;

	for (k = 0; k < 5; k++) {
		best[k] = -1;
		bs[k] = -1e9;
	}
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (!n->scored || x->dead[i])
			continue;
		n->score *= 1 - ex_link_density(n);
		for (k = 0; k < 5; k++)
			if (n->score > bs[k]) {
				memmove(&bs[k + 1], &bs[k], (4 - k) *
				    sizeof(bs[0]));
				memmove(&best[k + 1], &best[k], (4 - k) *
				    sizeof(best[0]));
				bs[k] = n->score;
				best[k] = i;
				break;
			}
	}
	top = best[0];
	if (top < 0 || x->n[top].tag == TidyTag_BODY) {
		top = x->body > 0 ? x->body : 0;
	} else {
		/* several strong candidates under one ancestor: take it */
		for (k = 1; k < 5; k++)
			if (best[k] >= 0 && bs[k] / bs[0] >= 0.75)
				alts[nalt++] = best[k];
		if (nalt >= 3) {
			par = x->n[top].parent;
			while (par > 0 && x->n[par].tag != TidyTag_BODY) {
				for (cnt = 0, k = 0; k < nalt; k++)
					if (ex_is_ancestor(x, par, alts[k]))
						cnt++;
				if (cnt >= 3) {
					top = par;
					break;
				}
				par = x->n[par].parent;
			}
		}
		if (!x->n[top].scored)
			init_candidate(x, top, pf);
		/* climb while the parent scores better */
		last = x->n[top].score;
		thr = last / 3;
		par = x->n[top].parent;
		while (par > 0 && x->n[par].tag != TidyTag_BODY) {
			if (!x->n[par].scored) {
				par = x->n[par].parent;
				continue;
			}
			if (x->n[par].score < thr)
				break;
			if (x->n[par].score > last) {
				top = par;
				break;
			}
			last = x->n[par].score;
			par = x->n[par].parent;
		}
		/* an only child stands for its parent */
		par = x->n[top].parent;
		while (par > 0 && x->n[par].tag != TidyTag_BODY) {
			for (cnt = 0, j = x->n[par].first; j >= 0;
			    j = x->n[j].next)
				if (!x->dead[j] && (x->n[j].tag != XT_TEXT ||
				    x->n[j].tlen > 0))
					cnt++;
			if (cnt != 1)
				break;
			top = par;
			par = x->n[par].parent;
		}
	}
	/* an itemprop=articleBody that holds or sits in the pick wins */
	for (i = 1; i < x->nn; i++) {
		if (!(x->n[i].flags & F_BODYPROP) || x->dead[i] ||
		    x->n[i].tlen < 200)
			continue;
		if (ex_is_ancestor(x, i, top) || (ex_is_ancestor(x, top, i) &&
		    x->n[i].tlen * 2 >= x->n[top].tlen)) {
			top = i;
			break;
		}
	}
	pk->top = top;
	pk->n = 0;
	if (!x->n[top].scored)
		init_candidate(x, top, pf);
	par = x->n[top].parent;
	if (par <= 0 || top == x->body) {
		pk->nodes[pk->n++] = top;
		return top;
	}
	/*
	 * An articleBody split in parts: take the parts, nothing else.
	 * Beside the pick, or anywhere in the same <article> when they
	 * are of its tag and class (The Atlantic's sections, each in a
	 * block of its own between the ads).
	 */
	if (x->n[top].flags & F_BODYPROP) {
		for (j = 1; j < x->nn; j++) {
			if (j != top && (x->dead[j] ||
			    !(x->n[j].flags & F_BODYPROP) ||
			    (x->n[j].parent != par && !body_part(x, j, top))))
				continue;
			for (k = 0; k < pk->n; k++)
				if (ex_is_ancestor(x, pk->nodes[k], j))
					break;
			if (k == pk->n)
				pk->nodes[pk->n++] = j;
		}
		return top;
	}
	/* the best candidate below a node stands for it */
	for (i = 0; i < x->nn; i++)
		x->n[i].best = x->n[i].scored && !x->dead[i] ?
		    x->n[i].score : -1e9;
	for (i = x->nn - 1; i > 0; i--)
		if (!x->dead[i] && x->n[i].best > x->n[x->n[i].parent].best)
			x->n[x->n[i].parent].best = x->n[i].best;
	top = split_body(x, top);
	pk->top = top;
	par = x->n[top].parent;
	topscore = x->n[top].best;
	thr = topscore * 0.2;
	if (thr < 10)
		thr = 10;
	for (j = x->n[par].first; j >= 0; j = x->n[j].next) {
		n = &x->n[j];
		if (x->dead[j])
			continue;
		if (j == top) {
			pk->nodes[pk->n++] = j;
			continue;
		}
		if (n->tag == XT_TEXT)
			continue;
		bonus = 0;
		if (n->attr && x->n[top].attr &&
		    (strcmp(n->attr, x->n[top].attr) == 0 ||
		    (n->tag == x->n[top].tag && same_class(n->attr,
		    x->n[top].attr))))
			bonus = topscore * 0.2;
		/* a block of a class like the article's, of few links */
		if (bonus == 0 && n->tag == x->n[top].tag && n->np > 0 &&
		    n->tlen >= 140 && ex_link_density(n) <= 0.3 &&
		    similar_class(n->attr,
		    x->n[top].attr))
			bonus = topscore * 0.2;
		if (n->best > -1e8 && n->best + bonus >= thr &&
		    (bonus > 0 || ex_link_density(n) <= 0.3)) {
			pk->nodes[pk->n++] = j;
			continue;
		}
		if (code_block(x, j)) {
			pk->nodes[pk->n++] = j;
			continue;
		}
		if (n->tag == TidyTag_P || (is_container(n->tag) &&
		    n->nblock == 0)) {
			ld = ex_link_density(n);
			if (n->tlen > 80 && ld < 0.25)
				pk->nodes[pk->n++] = j;
			else if (n->tlen > 0 && n->tlen <= 80 && ld == 0 &&
			    n->nsub < 100 &&
			    ex_has_sentence_end(x, j))
				pk->nodes[pk->n++] = j;
		}
	}
	split_parts(x, pk);
	return top;
}

/* ------------------------------------------------------------ cleaning */

/*
 * The heading of a box about the story's author ("About the author",
 * "About the contributor:"): the box is a biography, not the story.
 */
static const char *const bio_heads[] = {
	"about the author", "about the authors", "about the contributor",
	"about the contributors", "about the writer", "about the reviewer",
	"meet the author", "author bio", "author biography", NULL
};

static int
bio_head(struct ex *x, int i)
{
	char *t;
	size_t n;
	int k, r = 0;

	if (x->n[i].tlen < 9 || x->n[i].tlen > 30 || x->n[i].nsub > 8 ||
	    !(x->n[i].flags & F_BLOCK))
		return 0;
	t = ex_node_text(x, i, 60);
	n = strlen(t);
	while (n > 0 && (t[n - 1] == ':' || isspace((unsigned char)t[n - 1])))
		t[--n] = '\0';
	for (k = 0; bio_heads[k] != NULL && !r; k++)
		r = strcasecmp(t, bio_heads[k]) == 0;
	free(t);
	return r;
}

/*
 * The box the heading at i opens: its parent when that is small, else
 * the heading and the block after it, when short (kills both).
 */
static void
kill_bio(struct ex *x, int i, int root, int rootlen)
{
	int p = x->n[i].parent, j;

	if (p != root && p > 0 && x->n[p].tlen <= 1500 &&
	    x->n[p].tlen * 2 < rootlen && ex_is_ancestor(x, root, p)) {
		ex_kill_node(x, p, root);
		return;
	}
	for (j = x->n[i].next; j >= 0; j = x->n[j].next)
		if (!x->dead[j] && x->n[j].tag != XT_TEXT)
			break;
	if (j >= 0 && x->n[j].tlen <= 800 && (x->n[j].flags & F_BLOCK) &&
	    x->n[j].tlen * 4 < rootlen)
		ex_kill_node(x, j, root);
	ex_kill_node(x, i, root);
}

/*
 * Letters and digits of s, lower case, at most n bytes; with ascii,
 * without the bytes of other characters.
 */
void
ex_squash(const char *s, char *out, size_t n, int ascii)
{
	size_t j = 0;

	for (; *s && j + 1 < n; s++)
		if (isalnum((unsigned char)*s) || (!ascii &&
		    (unsigned char)*s >= 0x80))
			out[j++] = (char)tolower((unsigned char)*s);
	out[j] = '\0';
}

/* Does the heading at i repeat the document title? */
int
ex_is_title(struct ex *x, int i)
{
	char a[512], b[512], *t;

	if (x->doctitle == NULL || x->n[i].tlen > 400 || x->n[i].nsub > 200)
		return 0;
	t = ex_node_text(x, i, 600);
	ex_squash(t, a, sizeof(a), 0);
	free(t);
	ex_squash(x->doctitle, b, sizeof(b), 0);
	return ex_about_same(a, b);
}

/*
 * Are squashed texts a and b the same: one holds the other, and they
 * are about the same length?
 */
int
ex_about_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == 0 || lb == 0)
		return 0;
	if (la > lb)
		return strstr(a, b) != NULL && lb * 4 >= la * 3;
	return strstr(b, a) != NULL && la * 4 >= lb * 3;
}

/* Mark i dead and take its sums out of its ancestors up to stop. */
void
ex_kill_node(struct ex *x, int i, int stop)
{
	struct xn *n = &x->n[i], *p;
	int j, head = ex_tag_is_heading(n->tag);

	x->dead[i] = 1;
	for (j = n->parent; j >= 0; j = x->n[j].parent) {
		p = &x->n[j];
		p->tlen -= n->tlen;
		p->llen -= n->llen;
		p->commas -= n->commas;
		p->np -= n->np + (n->tag == TidyTag_P);
		p->nli -= n->nli + (n->tag == TidyTag_LI);
		p->nblock -= n->nblock + ((n->flags & F_BLOCK) != 0);
		p->nhead -= n->nhead + head;
		p->hlen -= head ? n->tlen : n->hlen;
		p->simg -= n->simg;
		p->npost -= n->npost;
		p->sinput -= n->sinput;
		p->sembed -= n->sembed;
		if (j == stop)
			break;
	}
}

static int
in_figure(struct ex *x, int i)
{
	for (i = x->n[i].parent; i > 0; i = x->n[i].parent)
		if (x->n[i].tag == TidyTag_FIGURE)
			return 1;
	return 0;
}

/*
 * A list of sentences with links in them ("This hotel is in my lists of
 * the <a>best hotels in Oman</a> and the <a>...</a>."), not of links
 * alone: each item, two or more, holds text outside its links, and
 * half of them or more end a sentence.
 */
static int
prose_items(struct ex *x, int i)
{
	int j, k = 0, ends = 0;
	char *t;
	size_t n;

	for (j = x->n[i].first; j >= 0; j = x->n[j].next) {
		if (x->dead[j] || x->n[j].tag == XT_TEXT)
			continue;
		if (x->n[j].tag != TidyTag_LI || x->n[j].llen >= x->n[j].tlen ||
		    x->n[j].tlen > 600)
			return 0;
		t = ex_node_text(x, j, 700);
		n = strlen(t);
		while (n > 0 && (t[n - 1] == ')' || t[n - 1] == '"'))
			n--;
		ends += n > 0 && (t[n - 1] == '.' || t[n - 1] == '!' ||
		    t[n - 1] == '?');
		free(t);
		k++;
	}
	return k >= 2 && ends * 2 >= k;
}

/*
 * A list that the paragraph before it announces, a sentence of four
 * words or more that ends in a colon ("Other apps you may find
 * helpful:"), or a heading of its own, unlinked and of two words or
 * more ("New contributors", a release's "Fixed bugs"): the links are
 * what the text speaks of.  Not a label ("Read more:", "Related:"),
 * a call to more reading ("You may also be interested in the
 * following articles:") nor the title of a menu ("Recent posts",
 * "Quick links", "Categories").  The paragraph or heading is the
 * element before the list, a live one; with heading 0, only a
 * paragraph (on a shop's page a heading over links is a menu's:
 * "Our brand's range").
 */
static const char *const more_words[] = {
	"related", "also", "interest", "more", "recommend", "popular",
	"latest", "read", "further", "other articles", "other posts",
	"other stories", "follow", "subscri", "newsletter", NULL
};

static const char *const menu_words[] = {
	"recent", "categor", "archive", "tags", "links", "share", "comment",
	"navigat", "menu", "company", "support", "legal", "contact",
	"social", "quick", "useful", "resources", "about us", "explore",
	"trending", "sponsor", "partner", "topics", "sections", NULL
};

/* Does t hold one of the words of list, in any case? */
static int
speaks_of(const char *t, const char *const *list)
{
	int k;

	for (k = 0; list[k] != NULL; k++)
		if (strcasestr(t, list[k]) != NULL)
			return 1;
	return 0;
}

/*
 * The sibling before node i, or -1: the nodes are in document order,
 * so i - 1 is that sibling or the last node of its subtree; it costs
 * the depth of the tree, not the siblings.
 */
int
ex_sibling_before(const struct ex *x, int i)
{
	int p = x->n[i].parent, j = i - 1;

	while (j > p && x->n[j].parent != p)
		j = x->n[j].parent;
	return j > p ? j : -1;
}

int
ex_announced(struct ex *x, int i, int heading)
{
	int k, prev;
	char *t;
	size_t n;
	int r;

	/* the live element before it, past a few texts and dead ones */
	for (prev = ex_sibling_before(x, i), k = 0; prev >= 0 && k < 64 &&
	    (x->dead[prev] || x->n[prev].tag == XT_TEXT); k++)
		prev = ex_sibling_before(x, prev);
	if (k == 64)
		prev = -1;
	if (heading && prev >= 0 && ex_tag_is_heading(x->n[prev].tag) &&
	    x->n[prev].tag != TidyTag_H1 && x->n[prev].llen == 0 &&
	    x->n[prev].tlen <= 200) {
		t = ex_node_text(x, prev, 300);
		r = ex_words(t) >= 2 && !speaks_of(t, more_words) &&
		    !speaks_of(t, menu_words);
		free(t);
		return r;
	}
	if (prev < 0 || (x->n[prev].tag != TidyTag_P &&
	    x->n[prev].tag != TidyTag_DIV) || x->n[prev].nblock > 0 ||
	    x->n[prev].tlen > 400 || ex_link_density(&x->n[prev]) > 0.5)
		return 0;
	t = ex_node_text(x, prev, 500);
	n = strlen(t);
	/* not "You may also be interested in the following articles:" */
	r = n > 0 && t[n - 1] == ':' && ex_words(t) >= 4 &&
	    !speaks_of(t, more_words);
	free(t);
	return r;
}

/*
 * The form fields (<input>, <select>, <textarea>) in each live subtree,
 * counted before the cleaning takes the fields themselves out: a block
 * made of them (a sign-up box, a row of settings' switches, tabs built
 * of radio buttons) is a widget, not text.  Buttons do not count: a
 * code sample's "Copy" is one.  Not on a product's page, whose buy
 * box (sizes, colours, quantity) is a form around the product's data.
 */
static int *
count_fields(struct ex *x)
{
	int *f = xcalloc((size_t)x->nn + 1, sizeof(int));
	int i, t;

	for (i = x->nn - 1; i > 0; i--) {
		if (x->dead[i])
			continue;
		t = x->n[i].tag;
		if (t == TidyTag_INPUT || t == TidyTag_SELECT ||
		    t == TidyTag_TEXTAREA)
			f[i]++;
		if (x->n[i].parent >= 0)
			f[x->n[i].parent] += f[i];
	}
	return f;
}

/*
 * A heading that links to its subject's own page ("1. <a>Harvard
 * Business School</a>") over a section of prose, in the article: the
 * section's title, not a link to another story.  The next element
 * with text after it (cleaned already: the cleaning goes bottom-up),
 * or after its block when it ends one (a site builder's heading in a
 * block of its own), holds 200 characters or more, little of it
 * linked, and is no heading.
 */
static int
linked_title(struct ex *x, int i, int root)
{
	int j, up;

	/* the last of its block, the heading titles the next block */
	for (up = 0; up < 3 && i != root; up++, i = x->n[i].parent) {
		for (j = x->n[i].next; j >= 0; j = x->n[j].next)
			if (!x->dead[j] && x->n[j].tlen > 0)
				break;
		if (j >= 0)
			return x->n[j].tag != XT_TEXT &&
			    !ex_tag_is_heading(x->n[j].tag) &&
			    x->n[j].tlen >= 200 &&
			    ex_link_density(&x->n[j]) < 0.25;
	}
	return 0;
}

/*
 * A table of data: a caption or header cells, three rows or more of
 * two cells or more, short cells, less than half its text in links
 * (Wikipedia's "wikitable" of a city's temperatures, its towns linked).
 */
static int
data_table(struct ex *x, int i)
{
	const struct xn *n = &x->n[i];
	int j, end, rows = 0, cells = 0, head = 0;

	if (n->tag != TidyTag_TABLE || ex_link_density(n) >= 0.5)
		return 0;
	end = ex_subtree_end(x, i);
	for (j = i + 1; j <= end; j++) {
		switch (x->n[j].tag) {
		case TidyTag_TABLE:
			return 0;	/* a layout of tables */
		case TidyTag_CAPTION: case TidyTag_TH:
			head++;
			break;
		case TidyTag_TR:
			rows++;
			break;
		case TidyTag_TD:
			cells++;
			break;
		}
	}
	return head > 0 && rows >= 3 && cells + head >= rows * 2 &&
	    n->tlen <= (cells + head) * 80;
}

static int
clean_conditionally(struct ex *x, int i, unsigned pf, const int *fields,
    int root)
{
	struct xn *n = &x->n[i];
	int weight = (pf & P_WEIGHT) ? n->weight : 0;
	int islist, p, paras, img, li, input, embed, tlen;
	double ld, hd;

	if (weight < 0 && (n->np < 2 || !neg_by_style(n->attr)) &&
	    !panel_title(n))
		return 1;
	if (n->commas >= 10 || data_table(x, i))
		return 0;
	islist = n->tag == TidyTag_UL || n->tag == TidyTag_OL ||
	    n->tag == TidyTag_DL;
	p = n->np;
	img = n->simg;
	li = n->nli - 100;
	/* a shop's buy box is a form that holds the product */
	input = n->tag == TidyTag_UL || n->tag == TidyTag_OL ||
	    x->type == PT_PRODUCT ? n->sinput : fields[i];
	embed = n->sembed;
	tlen = n->tlen;
	ld = ex_link_density(n);
	hd = tlen > 0 ? (double)n->hlen / tlen : 0;
	/* a picture for each step of a recipe is no gallery */
	paras = x->recipe && n->ends > p ? n->ends : p;
	if (img > 1 && (double)paras / img < 0.5 && !in_figure(x, i))
		return 1;
	if (!islist && li > p)
		return 1;
	if (input > p / 3)
		return 1;
	if (!islist && hd < 0.9 && tlen < 25 && (img == 0 || img > 2) &&
	    ld > 0)
		return 1;
	/* a block of its own around a linked section title stays */
	if (!islist && weight < 25 && ld > 0.2 && !(n->nhead == 1 &&
	    n->hlen == tlen && linked_title(x, i, root)))
		return 1;
	if (islist && ld > 0.5 && !(ld < 0.75 && prose_items(x, i)) &&
	    !ex_announced(x, i, 1))
		return 1;
	if (weight >= 25 && ld > 0.5)
		return 1;
	if ((embed == 1 && tlen < 75) || embed > 1)
		return 1;
	return 0;
}

int
ex_subtree_end(struct ex *x, int i)
{
	int j = i;

	while (x->n[j].last >= 0)
		j = x->n[j].last;
	return j;
}

/*
 * The table of contents of a manual's chapter or index page (DocBook's
 * "toc", Sphinx's "toctree-wrapper"): the page's content when the
 * article holds little else, under 500 characters besides it.
 */
static const char *const toc_words[] = {
	"toc", "toctree", "table-of-contents", NULL
};

static int
index_toc(struct ex *x, int i, int rootlen)
{
	struct xn *n = &x->n[i];

	return n->attr != NULL && n->nli + n->nblock >= 3 &&
	    rootlen - n->tlen < 500 && ex_match_any(n->attr, toc_words);
}

/*
 * A <header> that holds paragraphs of prose (two or more, with
 * sentences, 300 characters or more, few links) is no site's header: a
 * page builder's block named so around a story's text
 * ("ImageText_Description" in each <article> of its sections).
 */
static int
prose_header(const struct xn *n)
{
	return n->tag == TidyTag_HEADER && n->np >= 2 && n->ends >= 2 &&
	    n->tlen - n->llen >= 300 && n->llen * 5 < n->tlen;
}

/*
 * What an inline byline, credit or date just gone (i) leaves of its
 * line: the words that led to it ("Publicado por", "Photo:", "Tags:
 * , ,"), a block of no blocks, 30 characters or fewer, no sentence
 * and no digits (a price, a date), not a heading (whose subtitle went).
 * They go too.
 */
static void
kill_lead(struct ex *x, int i, int root)
{
	char *t;
	int b, digits;

	if (x->n[i].flags & F_BLOCK)
		return;
	for (b = x->n[i].parent; b > root && !(x->n[b].flags & F_BLOCK);
	    b = x->n[b].parent)
		;
	if (b <= root || x->dead[b] || x->n[b].tlen == 0 ||
	    x->n[b].tlen > 30 || x->n[b].nblock > 0 || x->n[b].llen > 0 ||
	    ex_tag_is_heading(x->n[b].tag) || ex_has_sentence_end(x, b))
		return;
	t = ex_node_text(x, b, 100);
	digits = strpbrk(t, "0123456789") != NULL;
	free(t);
	if (!digits)
		ex_kill_node(x, b, root);
}

static void
clean_article(struct ex *x, int root, unsigned pf, int rootlen,
    const int *fields)
{
	int i, k, end = ex_subtree_end(x, root), toc = -1, tocend = -1;
	struct xn *n;

	for (i = root + 1; i <= end && toc < 0; i++)
		if (!x->dead[i] && x->n[i].tag != XT_TEXT &&
		    index_toc(x, i, rootlen))
			tocend = ex_subtree_end(x, toc = i);
	/* bottom-up, so inner clutter goes before its container is judged */
	for (i = end; i > root; i--) {
		n = &x->n[i];
		if (x->dead[i] || n->tag == XT_TEXT || n->npost > 0)
			continue;
		/* a recipe's ingredients: amounts and names, often links */
		if (n->tag != TidyTag_INPUT && n->tag != TidyTag_BUTTON &&
		    n->tag != TidyTag_IFRAME && ex_in_ingredients(x, i))
			continue;
		switch (n->tag) {
		case TidyTag_H1:
			/*
			 * the headline; a later <h1> of the body stays,
			 * also where the headline is inside the article
			 */
			if (i == x->h1 || x->h1 < 0 || ex_is_title(x, i)) {
				ex_kill_node(x, i, root);
				continue;
			}
			break;
		case TidyTag_NAV: case TidyTag_ASIDE: case TidyTag_FOOTER:
		case TidyTag_HEADER: case TidyTag_FIGCAPTION:
			if (n->tlen * 2 < rootlen && !prose_header(n)) {
				ex_kill_node(x, i, root);
				continue;
			}
			break;
		case TidyTag_IFRAME: case TidyTag_EMBED: case TidyTag_OBJECT:
		case TidyTag_INPUT: case TidyTag_BUTTON:
			ex_kill_node(x, i, root);
			continue;
		case TidyTag_H2: case TidyTag_H3:
			if (((pf & P_WEIGHT) && n->weight < 0) ||
			    (ex_link_density(n) > 0.33 &&
			    !linked_title(x, i, root)) || ex_is_title(x, i)) {
				ex_kill_node(x, i, root);
				continue;
			}
			break;
		}
		if (bio_head(x, i)) {
			kill_bio(x, i, root, rootlen);
			continue;
		}
		if (n->attr && n->tlen < 500 && (strstr(n->attr, "share") ||
		    strstr(n->attr, "social")) && n->tlen * 2 < rootlen) {
			ex_kill_node(x, i, root);
			continue;
		}
		/* dates, bylines and tag links marked up as such */
		if (((n->flags & F_META) && n->tlen < 200 && n->np == 0) ||
		    (n->flags & F_TAGLINK)) {
			ex_kill_node(x, i, root);
			kill_lead(x, i, root);
			continue;
		}
		/*
		 * hover cards and pop-ups, shown only on demand; not a
		 * link that opens one, whose words are the sentence's
		 */
		if (n->attr && n->tlen * 2 < rootlen && n->tag != TidyTag_A &&
		    ex_match_any(n->attr, popup_words)) {
			ex_kill_node(x, i, root);
			continue;
		}
		/* captions, credits, bylines, share bars: small and marked */
		if (n->attr && n->tlen < 300 && n->np == 0 &&
		    n->tlen * 2 < rootlen && (ex_match_any(n->attr,
		    junk_words) || (ex_match_any(n->attr, dek_words) &&
		    !section_heading(x, i, root)))) {
			ex_kill_node(x, i, root);
			kill_lead(x, i, root);
			continue;
		}
		if ((k = ex_is_boilerplate(x, i, (n->flags & F_BLOCK) &&
		    n->nblock == 0)) == 2 && n->parent != root) {
			ex_kill_node(x, n->parent, root);
			continue;
		} else if (k || (x->type != PT_ARTICLE && x->type != PT_DOC &&
		    (n->flags & F_BLOCK) && n->nblock == 0 &&
		    (ex_bare_url(x, i) || ((x->type == PT_PRODUCT ||
		    x->type == PT_COLLECTION || (x->type == PT_FORUM &&
		    !ex_has_sentence_end(x, i))) && (ex_chrome_lead(x, i) ||
		    ex_short_junk(x, i, x->type)))))) {
			ex_kill_node(x, i, root);
			continue;
		}
		if (!(pf & P_CLEAN))
			continue;
		switch (n->tag) {
		case TidyTag_TABLE: case TidyTag_UL: case TidyTag_OL:
		case TidyTag_DL: case TidyTag_DIV: case TidyTag_SECTION:
		case TidyTag_FORM: case TidyTag_FIELDSET: case TidyTag_ASIDE:
		case TidyTag_UNKNOWN:
			if (n->tlen * 2 < rootlen && (i < toc || i > tocend) &&
			    clean_conditionally(x, i, pf, fields, root))
				ex_kill_node(x, i, root);
			break;
		}
	}
}

/* ---------------------------------------------------------------- passes */

const int ex_struct_tags[] = {
	TidyTag_NAV, TidyTag_ASIDE, TidyTag_FOOTER, TidyTag_HEADER,
	TidyTag_MENU, 0
};

int
ex_unhidden_len(struct ex *x)
{
	ex_mark_hidden(x);
	ex_sums(x);
	return x->n[x->body].tlen - x->n[x->body].llen;
}

int
ex_dead_below(struct ex *x, int i)
{
	if (x->dead[i])
		return 1;
	if (x->dead[x->n[i].parent]) {
		x->dead[i] = 1;
		return 1;
	}
	return 0;
}

int
ex_small_struct(const struct ex *x, int i, int bodylen)
{
	const struct xn *n = &x->n[i];
	int k;

	if (ex_post_header(x, i) || prose_header(n))
		return 0;
	for (k = 0; ex_struct_tags[k]; k++)
		if (n->tag == ex_struct_tags[k])
			return n->tlen - n->llen <= bodylen / 2;
	return 0;
}

static int
int_cmp(const void *a, const void *b)
{
	int p = *(const int *)a, q = *(const int *)b;

	return (p > q) - (p < q);
}

char *
ex_run_pass(struct ex *x, unsigned pf)
{
	struct pick pk;
	struct out o = { { 0 }, 0, 0, 0, 0, "", 0 };
	int i, k, bodylen, rootlen, *fields;
	struct xn *n;

	bodylen = ex_unhidden_len(x);
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (ex_dead_below(x, i) || n->tag == XT_TEXT)
			continue;
		if (ex_small_struct(x, i, bodylen) ||
		    (n->flags & F_CONSENT))
			x->dead[i] = 1;
		if ((pf & P_STRIP) && is_unlikely(x, i, bodylen))
			x->dead[i] = 1;
	}
	ex_sums(x);
	for (i = 0; i < x->nn; i++) {
		x->n[i].scored = 0;
		x->n[i].score = 0;
	}
	score_units(x, pf);
	pk.nodes = xcalloc((size_t)x->nn + 1, sizeof(int));
	pick_article(x, pf, &pk);
	if (x->top < 0)
		x->top = pk.top;
	x->ptop = pk.top;
	/* merged siblings are judged like the article's own blocks */
	for (i = k = 0; i < pk.n; i++) {
		n = &x->n[pk.nodes[i]];
		if (pk.nodes[i] != pk.top && (n->flags & F_BLOCK) &&
		    n->nblock == 0 && ex_is_boilerplate(x, pk.nodes[i], 1))
			continue;
		pk.nodes[k++] = pk.nodes[i];
	}
	pk.n = k;
	/* the lead in the headline's block above the body opens it */
	k = 0;
	if (pk.n > 0 && (k = ex_lead(x, pk.nodes[0], pk.nodes + pk.n,
	    x->nn - pk.n)) == 0 && x->type == PT_ARTICLE &&
	    pk.n < x->nn && (pk.nodes[pk.n] = ex_described_lead(x,
	    pk.nodes[0])) > 0) {
		k = 1;
		ex_sums(x);	/* it may have been dead */
	}
	if (k > 0) {
		int *lead = xcalloc((size_t)k, sizeof(int));

		memcpy(lead, pk.nodes + pk.n, (size_t)k * sizeof(int));
		memmove(pk.nodes + k, pk.nodes, (size_t)pk.n * sizeof(int));
		memcpy(pk.nodes, lead, (size_t)k * sizeof(int));
		pk.n += k;
		free(lead);
	}
	/* a recipe's ingredients in a box beside its steps, in their place */
	if ((k = ex_ingredients(x, pk.nodes, pk.n, pk.nodes + pk.n,
	    x->nn - pk.n)) > 0) {
		pk.n += k;
		qsort(pk.nodes, (size_t)pk.n, sizeof(int), int_cmp);
	}
	rootlen = 0;
	for (k = 0; k < pk.n; k++)
		rootlen += x->n[pk.nodes[k]].tlen;
	fields = count_fields(x);
	for (k = 0; k < pk.n; k++)
		clean_article(x, pk.nodes[k], pf, rootlen, fields);
	free(fields);
	if (pk.n > 0)
		ex_drop_tail_headings(x, pk.nodes[pk.n - 1]);
	o.bullets = 1;
	for (k = 0; k < pk.n; k++) {
		ex_render(x, pk.nodes[k], &o);
		ex_out_break(&o, 2);
	}
	free(pk.nodes);
	ex_out_trim(&o);
	x->marks = o.marks;
	if (o.b.data == NULL)
		return xstrdup("");
	return o.b.data;
}
