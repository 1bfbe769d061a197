/*
 * extract.c - main-content extraction: HTML -> metadata and article text.
 *
 * Stages:
 *  1. prescan: stray declarations and control characters go (a stray
 *     "<!D" sends tidy 5.6 into endless recursion), then a tiny
 *     tokenizer models tidy's element stack and cuts tags nested too
 *     deep, masses of stray, misnested or misplaced tags and too many
 *     open inline elements, and refuses documents beyond the limits:
 *     tidy's parser recurses (deep input overflows the stack) and is
 *     quadratic or worse on such tag soup.  The fuzzer (tests/fuzz)
 *     and tests/unit-extract.c hold the cases found.
 *  2. tidy parses; the tree is copied into a flat array of nodes in
 *     document order (a child's index is always greater than its
 *     parent's, so bottom-up sums are one reverse loop), collecting
 *     <meta>, <link>, JSON-LD, schema.org types and other metadata on
 *     the way.  Nothing here recurses.  <noscript> stands in for a
 *     page that has its text nowhere else.
 *  3. the page type (article, forum, product, documentation, service,
 *     listing, collection) from what the page says of itself (JSON-LD
 *     and microdata types, og:type), its URL's conventional paths and
 *     its shape (blocks repeated under one parent, linked headings
 *     with snippets, prices, shop buttons, code).  Articles and
 *     documentation go through stage 4; the other types through the
 *     broad pass: the main region (<main>, else the article grown to
 *     half the page's text) without the page's chrome (navigation,
 *     banners, filters, menus of bare links, user panels, cart and
 *     delivery terms, blocks repeated word for word), keeping the
 *     short texts an article drops: authors, dates, item titles,
 *     specifications.  Structured data (a thread's posts, a
 *     product's description) stands in when it is much fuller.
 *  4. scoring in the manner of readability: text blocks give points
 *     for length and commas to their parent and, decaying, to further
 *     ancestors; class/id words and tags weight candidates; link
 *     density scales scores down.  The best candidate and qualifying
 *     siblings form the article, which is then cleaned of link lists,
 *     share widgets, captions, bylines, labels ("Advertisement",
 *     "Read more: ...") and other clutter.  itemprop=articleBody and
 *     embedded tweets are kept whole.  If the result is too short the
 *     pass is repeated with fewer removals; JSON-LD articleBody stands
 *     in when the page itself has much less text.
 *  5. the article subtree is rendered as text: blocks separated by a
 *     blank line, list items, table rows and <br> by a newline.
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

#define EX_MAX_INPUT	(32 * 1024 * 1024)	/* bytes */
#define EX_MAX_TAGS	400000
#define EX_MAX_DEPTH	256			/* prescan's nesting estimate */
#define EX_MAX_TREE	1000			/* depth of the tree kept */
#define EX_MAX_INLINE	32			/* open inline elements */
#define EX_MAX_NODES	600000			/* elements tidy builds */
#define EX_MAX_LDJSON	8			/* JSON-LD blocks looked at */

#define XT_TEXT		(-1)

/* Node flags. */
#define F_PRE		0x0001	/* inside <pre>: keep whitespace */
#define F_LINK		0x0002	/* inside <a href> */
#define F_HIDDEN	0x0004	/* hidden by style, attribute or role */
#define F_BODYPROP	0x0008	/* itemprop=articleBody */
#define F_BADROLE	0x0010	/* role=navigation, complementary, ... */
#define F_BLOCK		0x0020	/* block-level element */
#define F_CUSTOM	0x0040	/* custom element */
#define F_META		0x0080	/* itemprop=author, datePublished, ... */
#define F_TAGLINK	0x0100	/* <a rel=tag> */
#define F_POST		0x0200	/* an embedded social post (tweet) */
#define F_NOSCRIPT	0x0400	/* <noscript>: shown if the page has no text */
#define F_MAIN		0x0800	/* <main> or role=main */
#define F_COLLAPSED	0x1000	/* a closed accordion or tab */

/* Pass flags, cleared one by one when a pass yields too little. */
#define P_STRIP		0x1	/* drop unlikely candidates by class/id */
#define P_WEIGHT	0x2	/* weight candidates by class/id */
#define P_CLEAN		0x4	/* clean tables, lists, divs conditionally */

/* Page types, in the order of page_types[]. */
enum {
	PT_ARTICLE, PT_FORUM, PT_PRODUCT, PT_DOC, PT_SERVICE, PT_LISTING,
	PT_COLLECTION, PT_N
};

static const char *const page_types[] = {
	"article", "forum", "product", "documentation", "service",
	"listing", "collection"
};

struct xn {
	int		 tag;		/* TidyTagId, or XT_TEXT */
	int		 parent, first, last, next;
	unsigned	 flags;
	const char	*text;		/* text node: collapsed text */
	const char	*attr;		/* element: class and id, lower case */
	int		 weight;	/* class/id weight */
	/* sums over the live subtree, recomputed per pass */
	int		 tlen;		/* characters of text */
	int		 llen;		/* characters inside links */
	int		 commas;
	int		 nimg, ninput, nembed;	/* this element alone */
	int		 np, nli, nblock, nhead, simg, sinput, sembed;
	int		 npost;		/* embedded posts, self included */
	int		 nsub;		/* nodes in the subtree, an upper bound */
	int		 hlen;		/* characters inside headings */
	double		 score;
	double		 best;		/* best score in the subtree */
	int		 scored;
};

struct ablk {
	struct ablk	*next;
	size_t		 used, cap;
	char		 data[];
};

struct meta {
	char		*key;		/* "name:description", "og:title" */
	char		*val;
};

struct ex {
	struct xn	*n;
	int		 nn, cap;
	struct ablk	*arena;
	struct meta	*meta;
	int		 nmeta, capmeta;
	json_t		*ld;		/* best JSON-LD object, or NULL */
	json_t		*ldpost;	/* first thread or question, or NULL */
	json_t		*ldproduct;	/* first product, or NULL */
	int		 ldrank;
	int		 nld;
	char		*title;		/* <title> */
	char		*lang;		/* <html lang> */
	char		*canonical;	/* <link rel=canonical> */
	char		*timedt;	/* first <time datetime> */
	char		*pubprop;	/* itemprop=datePublished */
	int		 author_node;	/* rel=author, itemprop=author, .byline */
	int		 author_rank;
	int		 h1;		/* first <h1> */
	int		 noscript;	/* <noscript> content is shown */
	int		 collapsed;	/* closed accordions, tabs shown */
	int		 top;		/* the first pass's article, or -1 */
	int		 pt[PT_N];	/* evidence for each page type */
	int		 ncart;		/* "add to cart" buttons */
	int		 npre;		/* <pre> blocks */
	int		 nqa;		/* schema.org Question and Answer */
	int		 faq;		/* an FAQPage: no thread */
	int		 artmarks;	/* evidence for "article" */
	int		 type;		/* the page type found, PT_* */
	const char	*doctitle;	/* the title found, borrowed */
	int		 body;
	unsigned char	*dead;		/* per pass */
	TidyBuffer	 tb;
};

/* ------------------------------------------------------------ utilities */

static void *
aalloc(struct ex *x, size_t n)
{
	struct ablk *b = x->arena;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		b = xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = 0;
		b->next = x->arena;
		x->arena = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

static char *
astrndup(struct ex *x, const char *s, size_t n)
{
	char *p = aalloc(x, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	cp = c & (0x3f >> (k - 1));
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* A copy of s, valid UTF-8 (U+FFFD for bad bytes), without controls. */
static char *
utf8_clean(const char *s, size_t n)
{
	struct tq_buf b = { 0 };
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	tq_buf_add(&b, "", 0);
	while (i < n) {
		/* copy runs of plain ASCII at once */
		for (k = i; k < n && p[k] >= 0x20 && p[k] < 0x7f; k++)
			;
		if (k > i) {
			tq_buf_add(&b, p + i, k - i);
			i = k;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i)) == 0) {
			tq_buf_add(&b, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		if (k == 1 && p[i] < 0x20 && p[i] != '\n' && p[i] != '\t')
			tq_buf_add(&b, " ", 1);
		else if (k == 1 && p[i] == 0x7f)
			;
		else
			tq_buf_add(&b, p + i, k);
		i += k;
	}
	return b.data;
}

/*
 * Whitespace: ASCII space, tab, CR, LF, FF, and U+00A0, U+2000-200A,
 * U+202F, U+205F, U+3000 (as spaces); U+200B-200D, U+2060, U+FEFF are
 * dropped.  Returns the bytes the character takes, 0 if not space;
 * *drop is set for zero-width characters.
 */
static size_t
space_len(const unsigned char *s, size_t n, int *drop)
{
	*drop = 0;
	if (n == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' ||
	    s[0] == '\f' || s[0] == '\v')
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xaf))
		return 3;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x8b &&
	    s[2] <= 0x8d) {
		*drop = 1;
		return 3;
	}
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0xa0) {
		*drop = 1;
		return 3;
	}
	if (n >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		*drop = 1;
		return 3;
	}
	return 0;
}

/* Collapse whitespace runs to one space; trim when trim is set. */
static char *
collapse(const char *s, size_t n, int trim)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(n + 1), *o = out;
	size_t i = 0, k;
	int drop, sp = 0;

	while (i < n) {
		if ((k = space_len(p + i, n - i, &drop)) > 0) {
			if (!drop)
				sp = 1;
			i += k;
			continue;
		}
		if (sp && (o > out || !trim))
			*o++ = ' ';
		sp = 0;
		*o++ = (char)p[i++];
	}
	if (sp && !trim && o > out)
		*o++ = ' ';
	else if (sp && !trim)
		*o++ = ' ';
	*o = '\0';
	return out;
}

/* Characters (UTF-8 code points) of s that are not spaces. */
static int
count_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;

	for (; *p; p++)
		if ((*p & 0xc0) != 0x80 && *p != ' ')
			n++;
	return n;
}

static int
count_commas(const char *s)
{
	int n = 0;

	for (; *s; s++) {
		if (*s == ',')
			n++;
		else if (strncmp(s, "\xef\xbc\x8c", 3) == 0 ||	/* U+FF0C */
		    strncmp(s, "\xd8\x8c", 2) == 0 ||		/* U+060C */
		    strncmp(s, "\xe3\x80\x81", 3) == 0)		/* U+3001 */
			n++;
	}
	return n;
}

static char *
lower_dup(const char *s)
{
	char *p = xstrdup(s), *q;

	for (q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

/* Is word w in the space-separated list s (case-insensitive)? */
static int
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	while (s && *s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (strncasecmp(s, w, n) == 0 && (s[n] == '\0' ||
		    isspace((unsigned char)s[n])))
			return 1;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	return 0;
}

static int
starts_with(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

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
	"sharing", "print", "overlay", "alert", "hide", "sr-only",
	"visually-hidden", "screen-reader", "offscreen", "noprint",
	"newsfeed", "carousel", "slider", "links", "video-", "gallery",
	"~caption", "~credit", "copyright", "legal", "disclaimer",
	"follow", "tools", "actions", "rating", "vote", "poll", "signin",
	"account", "search", "filter", "sort", "breaking", NULL
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
	"recommend", "most-popular", "trending", "~widget", "modal",
	"~navbar", "~navigation", "masthead", "signup",
	"more-stories", "read-more", "nav", NULL
};

/* Small elements with these words are dropped from the article. */
static const char *const junk_words[] = {
	"~caption", "~credit", "~share", "~social", "~related", "~promo",
	"~advert", "~newsletter", "~subscribe", "~comment", "~breadcrumb",
	"~byline", "author", "meta", "timestamp", "dateline", "tags",
	"~sponsor", "recommend", "signup", "sign-up", "disclaimer", "dek",
	"standfirst", "subheadline", "kicker", "eyebrow", NULL
};

/* Elements that are shown on hover or click only. */
static const char *const popup_words[] = {
	"tooltip", "popover", "hovercard", "rollover", "~popup", "modal",
	"dropdown", "lightbox", "overlay", NULL
};

static const char *const maybe_words[] = {
	"and", "~article", "~body", "column", "~content", "main", "shadow",
	"entry", "post", "story", "text", NULL
};

static int
word_at(const char *s, const char *w)
{
	const char *p = s;
	size_t n;
	int glued = *w == '~';

	if (glued)
		w++;
	n = strlen(w);
	while ((p = strstr(p, w)) != NULL) {
		if (glued)
			return 1;
		if ((p == s || !isalpha((unsigned char)p[-1]) ||
		    !isalpha((unsigned char)w[0])) && (n > 3 ||
		    !isalpha((unsigned char)p[n]) ||
		    !isalpha((unsigned char)w[n - 1])))
			return 1;
		p++;
	}
	return 0;
}

static int
match_any(const char *s, const char *const *list)
{
	int i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; list[i] != NULL; i++)
		if (word_at(s, list[i]))
			return 1;
	return 0;
}

/*
 * Unlikely by class/id: some word of the attribute is unlikely and no
 * word is a "maybe" of its own, so "footer-content footer" is out but
 * "sidebar content" and "article-footer" stay.
 */
static int
attr_unlikely(const char *attr)
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
		u = match_any(tok, unlikely_words);
		m = match_any(tok, maybe_words);
		if (u && !m)
			bad = 1;
		if (m && !u)
			good = 1;
		p = e;
	}
	return bad && !good;
}

static int
class_weight(const char *attr)
{
	int w = 0;

	if (attr == NULL || *attr == '\0')
		return 0;
	if (match_any(attr, neg_words))
		w -= 25;
	if (match_any(attr, pos_words))
		w += 25;
	return w;
}

/* ------------------------------------------------------------ prescan */

static int
is_void_tag(const char *s, size_t n)
{
	static const char *const v[] = {
		"area", "base", "br", "col", "embed", "hr", "img", "input",
		"link", "meta", "param", "source", "track", "wbr", "keygen",
		"basefont", "frame", "isindex", "spacer", "bgsound", "command",
		NULL
	};
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strlen(v[i]) == n && strncasecmp(s, v[i], n) == 0)
			return 1;
	return 0;
}

static int
is_raw_tag(const char *s, size_t n)
{
	/* only these are raw text to tidy; it parses tags in <title> */
	return (n == 6 && strncasecmp(s, "script", 6) == 0) ||
	    (n == 5 && strncasecmp(s, "style", 5) == 0);
}

/* Elements whose start closes an open one of the same name. */
static int
is_self_closing(const char *s, size_t n)
{
	static const char *const v[] = {
		"p", "li", "dt", "dd", "option", "tr", "td", "th", "a",
		"h1", "h2", "h3", "h4", "h5", "h6", "optgroup", NULL
	};
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strlen(v[i]) == n && strncasecmp(s, v[i], n) == 0)
			return 1;
	return 0;
}

static const char *
find_ci(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w);

	for (; s + n <= end; s++)
		if (strncasecmp(s, w, n) == 0)
			return s;
	return NULL;
}

/*
 * Cut "<!x...>" declarations other than a leading <!DOCTYPE>.  They mean
 * nothing to a browser, but a stray one such as "<!D f>" inside a
 * <button> sends tidy 5.6 into endless recursion.  Comments ("<!-")
 * and CDATA ("<![") are not declarations.  C0 control characters go
 * first: tidy skips them, so "<\x0e!D" is a declaration to it.
 * NULL when there is nothing to cut.
 */
static char *
strip_decls(const char *in, size_t inlen, size_t *outlen)
{
	const char *s = in, *p, *end, *q, *copied, *first;
	struct tq_buf b = { 0 }, c = { 0 };
	size_t i, n = inlen;
	int need = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' &&
		    ch != '\f') || ch == 0x7f)
			break;
	}
	if (i < n) {
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)in[i];

			if ((ch >= 0x20 && ch != 0x7f) || ch == '\t' ||
			    ch == '\n' || ch == '\r' || ch == '\f')
				tq_buf_add(&c, in + i, 1);
		}
		tq_buf_add(&c, "", 0);
		s = c.data;
		n = c.len;
		need = 1;
	}
	end = s + n;
	copied = p = first = s;
	/* the DOCTYPE may follow an XML declaration and comments */
	for (;;) {
		while (first < end && isspace((unsigned char)*first))
			first++;
		if (end - first >= 2 && strncmp(first, "<?", 2) == 0)
			q = find_ci(first, end, "?>");
		else if (end - first >= 4 && strncmp(first, "<!--", 4) == 0)
			q = find_ci(first + 4, end, "-->");
		else
			break;
		if (q == NULL)
			break;
		first = q + (first[1] == '?' ? 2 : 3);
	}
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (end - p < 3 || p[1] != '!' ||
		    !isalpha((unsigned char)p[2])) {
			p++;
			continue;
		}
		q = memchr(p, '>', (size_t)(end - p));
		q = q ? q + 1 : end;
		if (p == first && end - p >= 9 && strncasecmp(p, "<!doctype",
		    9) == 0) {
			p = q;
			continue;
		}
		need = 1;
		tq_buf_add(&b, copied, (size_t)(p - copied));
		copied = p = q;
	}
	if (!need)
		return NULL;
	tq_buf_add(&b, copied, (size_t)(end - copied));
	tq_buf_free(&c);
	*outlen = b.len;
	return b.data;
}

struct pstack {
	const char	*name;
	size_t		 len;
	int		 inl;		/* an inline element */
};

static int
tag_is(const char *s, size_t n, const char *const *list)
{
	int i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
			return 1;
	return 0;
}

/*
 * Inside these, tidy parses <script> and <style> as ordinary elements,
 * so the prescan must see the tags in them too.
 */
static int
foreign_context(const struct pstack *st, int depth)
{
	static const char *const v[] = {
		"svg", "math", "select", "option", "optgroup", "datalist",
		"textarea", "title", NULL
	};
	int i;

	for (i = 0; i < depth; i++)
		if (tag_is(st[i].name, st[i].len, v))
			return 1;
	return 0;
}

/*
 * Empty elements that belong in one place only (<frame> in a frameset,
 * <param> in an object...); tidy is slow on masses of them elsewhere,
 * so they count as misplaced wherever they are.
 */
static const char *const context_voids[] = {
	"frame", "param", "source", "track", "area", "col", "base",
	"keygen", "isindex", "basefont", "bgsound", "command", "spacer",
	"embed", NULL
};

/* May the element on top of the stack not hold this start tag? */
static int
misplaced(const struct pstack *top, const char *name, size_t nlen)
{
	static const char *const lists[] = {
		"ul", "ol", "dir", "menu", NULL
	};
	static const char *const in_list[] = {
		"li", "script", "style", "template", NULL
	};
	static const char *const tables[] = {
		"table", "tbody", "thead", "tfoot", "tr", NULL
	};
	static const char *const in_table[] = {
		"caption", "colgroup", "col", "tbody", "thead", "tfoot", "tr",
		"td", "th", "script", "style", "template", "form", NULL
	};

	if (tag_is(top->name, top->len, lists))
		return !tag_is(name, nlen, in_list);
	if (tag_is(top->name, top->len, tables))
		return !tag_is(name, nlen, in_table);
	return 0;
}

/* Inline elements, which tidy re-opens inside every following block. */
static int
is_inline_tag(const char *s, size_t n)
{
	static const char *const v[] = {
		"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blink",
		"cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
		"label", "mark", "nobr", "q", "rb", "rp", "rt", "rtc", "ruby",
		"s", "samp", "small", "span", "strike", "strong", "sub", "sup",
		"time", "tt", "u", "var", "ilayer", "output", "data", NULL
	};
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strlen(v[i]) == n && strncasecmp(s, v[i], n) == 0)
			return 1;
	return 0;
}

/*
 * The prescan's model of tidy's element stack.  Raw text (<script>,
 * <style>) gets a model of its own: tidy may parse it as markup after
 * all (it has quirks about where raw text ends), so the tags in it are
 * bounded too, without disturbing the document's stack.
 */
struct pscan {
	struct pstack	 st[EX_MAX_DEPTH + 1];
	int		 depth;
	int		 ninline;	/* inline elements in st */
	int		 stray;		/* end tags that close nothing */
	int		 misnest;	/* end tags that close more than one */
	int		 misplaced;	/* what lists and tables cannot hold */
	int		 capped;	/* start tags since the depth limit hit */
};

struct pctx {
	const char	*end;
	const char	*copied;	/* input up to here is in b */
	struct tq_buf	 b;
	size_t		 ntags;
	size_t		 nodes;		/* elements tidy would build */
	int		 need;		/* b is the output */
};

static int	pscan_run(struct pctx *, struct pscan *, const char *,
		    const char *, int);

/* Cut [t, p) from the output. */
static void
pcut(struct pctx *c, const char *t, const char *p)
{
	c->need = 1;
	tq_buf_add(&c->b, c->copied, (size_t)(t - c->copied));
	c->copied = p;
}

/* One end tag; returns whether to cut it. */
static int
pscan_end(struct pscan *s, const char *name, size_t nlen)
{
	int i, k;

	for (i = s->depth - 1; i >= 0; i--) {
		if (s->st[i].len == nlen && strncasecmp(s->st[i].name, name,
		    nlen) == 0)
			break;
		/* end tags do not reach out of tables */
		if ((s->st[i].len == 5 && strncasecmp(s->st[i].name, "table",
		    5) == 0) || (s->st[i].len == 2 &&
		    (strncasecmp(s->st[i].name, "td", 2) == 0 ||
		    strncasecmp(s->st[i].name, "th", 2) == 0))) {
			i = -1;
			break;
		}
	}
	/*
	 * Tidy is slow on masses of stray end tags, and quadratic on
	 * misnested ones ("<b><i></b></i>"): past a thousand of either,
	 * they are cut, and what they would have closed counts as open.
	 */
	if (i >= 0 && i < s->depth - 1 && ++s->misnest > 1000)
		return 1;
	if (i >= 0) {
		for (k = i; k < s->depth; k++)
			s->ninline -= s->st[k].inl;
		s->depth = i;
		return 0;
	}
	return s->depth >= EX_MAX_DEPTH || ++s->stray > 1000;
}

/*
 * One start tag whose '>' ends at p; returns whether to cut it, or -1
 * when the document is beyond the limits.  *pp moves past raw text.
 */
static int
pscan_start(struct pctx *c, struct pscan *s, const char *name, size_t nlen,
    int selfclose, const char **pp, int inraw)
{
	int isvoid = is_void_tag(name, nlen) || selfclose, inl;
	const char *e, *p = *pp;
	char endtag[16];
	struct pscan *sub;
	int r;

	/*
	 * A document that reached the depth limit is tag soup, and tidy
	 * has more slow paths than this model knows: five hundred more
	 * start tags, then none.
	 */
	if (s->capped > 0 && ++s->capped > 500)
		return 1;
	if (!isvoid && s->depth > 0 && is_self_closing(name, nlen) &&
	    s->st[s->depth - 1].len == nlen &&
	    strncasecmp(s->st[s->depth - 1].name, name, nlen) == 0)
		s->ninline -= s->st[--s->depth].inl;
	inl = is_inline_tag(name, nlen);
	/*
	 * Tidy moves or drops what lists and tables cannot hold, slowly
	 * (quadratic in ParseList): past a thousand such tags, they are
	 * cut.
	 */
	if (((s->depth > 0 && misplaced(&s->st[s->depth - 1], name, nlen)) ||
	    tag_is(name, nlen, context_voids)) && ++s->misplaced > 1000)
		return 1;
	if (isvoid)
		return 0;
	if (!inraw && is_raw_tag(name, nlen) &&
	    !foreign_context(s->st, s->depth)) {
		/*
		 * Raw text up to "</script" or "</style"; like tidy's,
		 * empty when only spaces come before the first "</".
		 */
		for (e = p; e < c->end && isspace((unsigned char)*e); e++)
			;
		if (c->end - e >= 2 && e[0] == '<' && e[1] == '/') {
			*pp = e;
			return 0;
		}
		snprintf(endtag, sizeof(endtag), "</%.*s", (int)nlen, name);
		if ((e = find_ci(p, c->end, endtag)) == NULL)
			e = c->end;
		sub = xcalloc(1, sizeof(*sub));
		r = pscan_run(c, sub, p, e, 1);
		free(sub);
		*pp = e;
		return r < 0 ? -1 : 0;
	}
	if (s->depth >= EX_MAX_DEPTH) {
		if (s->capped == 0)
			s->capped = 1;
		return 1;
	}
	if (inl && s->ninline >= EX_MAX_INLINE)
		return 1;
	s->st[s->depth].name = name;
	s->st[s->depth].len = nlen;
	s->st[s->depth].inl = inl;
	s->depth++;
	s->ninline += inl;
	/* this element, and the inline ones tidy re-opens in a block */
	c->nodes += 1 + (inl ? 0 : (size_t)s->ninline);
	return c->nodes > EX_MAX_NODES ? -1 : 0;
}

/* Scan [p, end) with the model s; -1 when beyond the limits. */
static int
pscan_run(struct pctx *c, struct pscan *s, const char *p, const char *end,
    int inraw)
{
	const char *q, *name, *t;
	size_t nlen;
	int closing, selfclose, cut;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		t = p;
		q = p + 1;
		if (q < end && *q == '!') {
			if (end - q >= 3 && q[1] == '-' && q[2] == '-') {
				q = find_ci(q + 3, end, "-->");
				p = q ? q + 3 : end;
			} else {
				q = memchr(q, '>', (size_t)(end - q));
				p = q ? q + 1 : end;
			}
			continue;
		}
		if (q < end && *q == '?') {
			q = memchr(q, '>', (size_t)(end - q));
			p = q ? q + 1 : end;
			continue;
		}
		closing = 0;
		if (q < end && *q == '/') {
			closing = 1;
			q++;
		}
		name = q;
		while (q < end && (isalnum((unsigned char)*q) || *q == '-' ||
		    *q == ':' || *q == '_'))
			q++;
		nlen = (size_t)(q - name);
		if (nlen == 0 || !isalpha((unsigned char)*name)) {
			p = t + 1;
			continue;
		}
		/* skip attributes, honouring quotes */
		selfclose = 0;
		while (q < end && *q != '>' && *q != '<') {
			if (*q == '"' || *q == '\'') {
				const char *e = memchr(q + 1, *q,
				    (size_t)(end - q - 1));

				q = e ? e + 1 : end;
				continue;
			}
			q++;
		}
		if (q > t && q[-1] == '/')
			selfclose = 1;
		/* like tidy, a '<' ends a tag that lacks its '>' */
		p = q < end && *q == '>' ? q + 1 : q;
		if (++c->ntags > EX_MAX_TAGS)
			return -1;
		if (closing)
			cut = pscan_end(s, name, nlen);
		else if ((cut = pscan_start(c, s, name, nlen, selfclose, &p,
		    inraw)) < 0)
			return -1;
		if (cut)
			pcut(c, t, p);
	}
	return 0;
}

/*
 * Bound the nesting and the number of tags tidy will see.  Tags that
 * would open deeper than EX_MAX_DEPTH are cut out (their text stays),
 * as are NUL bytes.  Tidy re-opens the open inline elements in every
 * block that follows, so "<font>" left open before ten thousand
 * paragraphs makes ten thousand elements: at most EX_MAX_INLINE may be
 * open, and the elements tidy would build are estimated.  *out is NULL
 * when the input can be used as is.  Returns -1 when there are more
 * than EX_MAX_TAGS tags or about EX_MAX_NODES elements.
 */
static int
prescan(const char *s, size_t n, char **out, size_t *outlen)
{
	struct pctx c;
	struct pscan *top;
	const char *p, *end = s + n;
	size_t i, j, lt = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	/* every "<x" counts, whatever the model takes for raw text */
	for (p = s; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++)
		if (p + 1 < end && isalpha((unsigned char)p[1]) &&
		    ++lt > 2 * (size_t)EX_MAX_TAGS)
			return -1;
	memset(&c, 0, sizeof(c));
	c.end = end;
	c.copied = s;
	c.need = memchr(s, '\0', n) != NULL;
	top = xcalloc(1, sizeof(*top));
	r = pscan_run(&c, top, s, end, 0);
	free(top);
	if (r < 0) {
		tq_buf_free(&c.b);
		return -1;
	}
	if (!c.need)
		return 0;
	tq_buf_add(&c.b, c.copied, (size_t)(end - c.copied));
	/* drop NUL bytes */
	for (i = j = 0; i < c.b.len; i++)
		if (c.b.data[i] != '\0')
			c.b.data[j++] = c.b.data[i];
	c.b.data[j] = '\0';
	c.b.len = j;
	*out = c.b.data;
	*outlen = c.b.len;
	return 0;
}

/* ------------------------------------------------------------- metadata */

static void
meta_add(struct ex *x, const char *key, const char *val)
{
	char *v;
	int i;

	if (val == NULL)
		return;
	v = collapse(val, strlen(val), 1);
	if (*v == '\0') {
		free(v);
		return;
	}
	for (i = 0; i < x->nmeta; i++)
		if (strcmp(x->meta[i].key, key) == 0) {
			free(v);
			return;
		}
	if (x->nmeta == x->capmeta) {
		x->capmeta = x->capmeta ? 2 * x->capmeta : 32;
		x->meta = xrealloc(x->meta, x->capmeta * sizeof(*x->meta));
	}
	x->meta[x->nmeta].key = lower_dup(key);
	x->meta[x->nmeta].val = v;
	x->nmeta++;
}

static const char *
meta_get(struct ex *x, const char *key)
{
	int i;

	for (i = 0; i < x->nmeta; i++)
		if (strcmp(x->meta[i].key, key) == 0)
			return x->meta[i].val;
	return NULL;
}

/* Rank of a JSON-LD @type: articles beat pages beat anything else. */
static int
ld_type_rank(json_t *o)
{
	json_t *t = json_object_get(o, "@type");
	const char *s;
	size_t i, n;
	int best = 0, r;

	if (json_is_array(t))
		n = json_array_size(t);
	else
		n = 1;
	for (i = 0; i < n; i++) {
		json_t *e = json_is_array(t) ? json_array_get(t, i) : t;

		if ((s = json_string_value(e)) == NULL)
			continue;
		r = 0;
		if (strstr(s, "Article") || strstr(s, "Posting") ||
		    strcmp(s, "Report") == 0 || strcmp(s, "Review") == 0)
			r = 3;
		else if (strstr(s, "WebPage") || strcmp(s, "CreativeWork") == 0)
			r = 1;
		if (r > best)
			best = r;
	}
	if (best > 0 && json_is_string(json_object_get(o, "articleBody")))
		best++;
	return best;
}

/* Walk JSON-LD iteratively and keep the best-ranked object. */
static void
ld_consider(struct ex *x, json_t *root)
{
	json_t *stack[64], *v, *o;
	const char *k;
	int sp = 0, r;
	size_t i;

	stack[sp++] = root;
	while (sp > 0) {
		o = stack[--sp];
		if (json_is_array(o)) {
			for (i = 0; i < json_array_size(o) && sp < 64; i++)
				stack[sp++] = json_array_get(o, i);
			continue;
		}
		if (!json_is_object(o))
			continue;
		r = ld_type_rank(o);
		if (r > x->ldrank) {
			json_decref(x->ld);
			x->ld = json_incref(o);
			x->ldrank = r;
		}
		json_object_foreach(o, k, v) {
			if ((strcmp(k, "@graph") == 0 ||
			    strcmp(k, "mainEntity") == 0 ||
			    strcmp(k, "mainEntityOfPage") == 0) && sp < 64 &&
			    (json_is_array(v) || json_is_object(v)))
				stack[sp++] = v;
		}
	}
}

static void	schema_evidence(struct ex *, const char *, int);
static int	schema_page_type(const char *);

/*
 * Count the page types the JSON-LD names: the page, its @graph, its
 * mainEntity and the items of its lists, iteratively and bounded.
 */
static void
ld_types(struct ex *x, json_t *root)
{
	static const char *const keys[] = {
		"@graph", "mainEntity", "itemListElement", "item", "hasPart",
		NULL
	};
	json_t *stack[64], *o, *t, *v;
	const char *s;
	int sp = 0, k, seen = 0, inlist[64], il;
	size_t i;

	stack[sp] = root;
	inlist[sp++] = 0;
	while (sp > 0 && seen++ < 2000) {
		o = stack[--sp];
		il = inlist[sp];
		if (json_is_array(o)) {
			for (i = 0; i < json_array_size(o) && sp < 64; i++) {
				stack[sp] = json_array_get(o, i);
				inlist[sp++] = il;
			}
			continue;
		}
		if (!json_is_object(o))
			continue;
		/* stories in a list make a listing, products a collection */
		t = json_object_get(o, "@type");
		if (json_is_array(t))
			t = json_array_get(t, 0);
		if (json_is_string(t)) {
			k = schema_page_type(json_string_value(t));
			if (il && k == PT_ARTICLE)
				x->pt[PT_LISTING]++;
			else if (il && k == PT_PRODUCT)
				x->pt[PT_COLLECTION]++;
			else if (!il || k != PT_FORUM)
				schema_evidence(x, json_string_value(t), 1);
			s = json_string_value(t);
			if (!il && k == PT_FORUM && x->ldpost == NULL &&
			    strcmp(s, "QAPage") != 0 && !x->faq)
				x->ldpost = json_incref(o);
			if (!il && k == PT_PRODUCT && x->ldproduct == NULL)
				x->ldproduct = json_incref(o);
		}
		for (k = 0; keys[k] != NULL; k++)
			if ((v = json_object_get(o, keys[k])) != NULL &&
			    sp < 64 && (json_is_array(v) ||
			    json_is_object(v))) {
				stack[sp] = v;
				inlist[sp++] = il || k >= 2;
			}
	}
}

static void
ld_parse(struct ex *x, const char *s, size_t n)
{
	char *c = xmalloc(2 * n + 1);
	size_t i, j = 0;
	int instr = 0, esc = 0;
	json_t *root;
	json_error_t e;

	/* raw control characters in strings are common; make them spaces */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (instr) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				instr = 0;
			else if (ch == '\n') {
				c[j++] = '\\';
				ch = 'n';
			} else if (ch < 0x20)
				ch = ' ';
		} else if (ch == '"')
			instr = 1;
		c[j++] = (char)ch;
	}
	c[j] = '\0';
	/* skip <!-- and CDATA wrappers */
	i = 0;
	while (i < j && c[i] != '{' && c[i] != '[')
		i++;
	root = json_loadb(c + i, j - i, JSON_DISABLE_EOF_CHECK |
	    JSON_ALLOW_NUL, &e);
	free(c);
	if (root == NULL)
		return;
	ld_consider(x, root);
	ld_types(x, root);
	json_decref(root);
}

/* A string from a JSON-LD value: string, {"name"}, {"url"}, [first]. */
static const char *
ld_str(json_t *v, const char *field)
{
	size_t i;
	const char *s;

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v))
		return json_string_value(json_object_get(v, field));
	if (json_is_array(v))
		for (i = 0; i < json_array_size(v); i++)
			if ((s = ld_str(json_array_get(v, i), field)) != NULL)
				return s;
	return NULL;
}

/* Authors' names joined by ", ". */
static char *
ld_authors(json_t *v)
{
	struct tq_buf b = { 0 };
	const char *s;
	size_t i, n;

	n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; i < n && i < 8; i++) {
		json_t *e = json_is_array(v) ? json_array_get(v, i) : v;

		if (json_is_string(e))
			s = json_string_value(e);
		else
			s = json_string_value(json_object_get(e, "name"));
		if (s == NULL || *s == '\0' || starts_with(s, "http"))
			continue;
		if (b.len > 0)
			tq_buf_adds(&b, ", ");
		tq_buf_adds(&b, s);
	}
	return b.data;
}

/* ------------------------------------------------------------- dates */

/* 1-12 for an English month name or abbreviation at s, else 0. */
static int
month_num(const char *s)
{
	static const char *const m[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december"
	};
	size_t n = 0;
	int i;

	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 3)
		return 0;
	for (i = 0; i < 12; i++)
		if (n <= strlen(m[i]) && strncasecmp(s, m[i], n) == 0 &&
		    (n == 3 || n == strlen(m[i]) || (i == 8 && n == 4)))
			return i + 1;
	return 0;
}

static int
read_int(const char **sp, int maxdig, int *v)
{
	const char *s = *sp;
	int n = 0, d = 0;

	while (d < maxdig && isdigit((unsigned char)*s)) {
		n = n * 10 + (*s - '0');
		s++;
		d++;
	}
	if (d == 0)
		return 0;
	*sp = s;
	*v = n;
	return d;
}

/*
 * Normalise a date to ISO 8601: "2019-11-19", or with a time
 * "2019-11-19T10:30:00Z" / "...+01:00".  Understands ISO forms, RFC
 * 2822 ("Tue, 19 Nov 2019 10:30:00 GMT"), "November 19, 2019",
 * "19 November 2019" and "2019/11/19".  NULL if not a date.
 */
static char *
norm_date(const char *in)
{
	const char *s = in;
	int y = 0, mo = 0, d = 0, h = -1, mi = 0, sec = 0, tz = 0, havetz = 0;
	int v = 0, nd;
	char zone[16] = "";

	while (*s && isspace((unsigned char)*s))
		s++;
	if ((nd = read_int(&s, 4, &v)) == 4 && (*s == '-' || *s == '/' ||
	    *s == '.')) {
		char sep = *s++;

		y = v;
		if (read_int(&s, 2, &mo) == 0)
			return NULL;
		if (*s == sep) {
			s++;
			if (read_int(&s, 2, &d) == 0)
				return NULL;
		} else
			d = 1;
	} else if (nd == 8) {
		y = v / 10000;
		mo = v / 100 % 100;
		d = v % 100;
	} else {
		/* textual: skip a weekday, then "19 Nov 2019" or "Nov 19, 2019" */
		s = in;
		while (*s) {
			while (*s && !isalnum((unsigned char)*s))
				s++;
			if (isdigit((unsigned char)*s)) {
				const char *t = s;

				read_int(&s, 4, &v);
				if (s - t == 4 && y == 0)
					y = v;
				else if (s - t <= 2 && d == 0 && !(*s == ':'))
					d = v;
				else if (*s == ':') {
					s = t;
					break;
				}
				if (y && mo && d)
					break;
			} else if (isalpha((unsigned char)*s)) {
				if (mo == 0 && month_num(s))
					mo = month_num(s);
				while (isalpha((unsigned char)*s))
					s++;
			}
		}
		if (y == 0 || mo == 0 || d == 0)
			return NULL;
		while (*s && isspace((unsigned char)*s))
			s++;
	}
	if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return NULL;
	/* time */
	if (*s == 'T' || *s == 't' || *s == ' ' || *s == ',')
		s++;
	while (*s == ' ')
		s++;
	if (read_int(&s, 2, &h) && *s == ':') {
		s++;
		if (read_int(&s, 2, &mi) == 0)
			h = -1;
		else if (*s == ':') {
			s++;
			read_int(&s, 2, &sec);
			if (*s == '.' || *s == ',') {
				s++;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
		while (*s == ' ')
			s++;
		if (*s == 'Z' || *s == 'z' || strncasecmp(s, "GMT", 3) == 0 ||
		    strncasecmp(s, "UTC", 3) == 0) {
			havetz = 1;
			if (strncasecmp(s, "GMT", 3) == 0 ||
			    strncasecmp(s, "UTC", 3) == 0)
				s += 3;
		}
		if (*s == '+' || *s == '-') {
			int sign = *s == '-' ? -1 : 1, th = 0, tm = 0;

			s++;
			if (read_int(&s, 2, &th)) {
				if (*s == ':')
					s++;
				read_int(&s, 2, &tm);
				tz = sign * (th * 60 + tm);
				havetz = 1;
			}
		}
	} else
		h = -1;
	if (h < 0 || h > 23 || mi > 59 || sec > 60)
		return xasprintf("%04d-%02d-%02d", y, mo, d);
	if (havetz && tz == 0)
		strcpy(zone, "Z");
	else if (havetz)
		snprintf(zone, sizeof(zone), "%c%02d:%02d", tz < 0 ? '-' : '+',
		    abs(tz) / 60 % 100, abs(tz) % 60);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi,
	    sec, zone);
}

/* ---------------------------------------------------------------- URLs */

static int
has_scheme(const char *u)
{
	const char *p = u;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	return *p == ':';
}

/* Resolve ref against base (RFC 3986, enough for canonical links). */
static char *
url_resolve(const char *base, const char *ref)
{
	const char *hs, *pe, *q;
	struct tq_buf b = { 0 };
	char *out, *seg, *r, *w;

	if (ref == NULL || *ref == '\0')
		return NULL;
	while (*ref == ' ')
		ref++;
	if (has_scheme(ref))
		return starts_with(ref, "http:") || starts_with(ref, "https:") ?
		    xstrdup(ref) : NULL;
	if (base == NULL || !has_scheme(base))
		return NULL;
	hs = strstr(base, "://");
	if (hs == NULL)
		return NULL;
	if (ref[0] == '/' && ref[1] == '/')
		return xasprintf("%.*s:%s", (int)(hs - base), base, ref);
	pe = hs + 3 + strcspn(hs + 3, "/?#");	/* end of authority */
	tq_buf_add(&b, base, (size_t)(pe - base));
	if (ref[0] == '/')
		tq_buf_adds(&b, ref);
	else if (ref[0] == '?' || ref[0] == '#') {
		q = pe + strcspn(pe, ref[0] == '?' ? "?#" : "#");
		tq_buf_add(&b, pe, (size_t)(q - pe));
		tq_buf_adds(&b, ref);
	} else {
		q = pe + strcspn(pe, "?#");
		while (q > pe && q[-1] != '/')
			q--;
		if (q == pe)
			tq_buf_adds(&b, "/");
		else
			tq_buf_add(&b, pe, (size_t)(q - pe));
		tq_buf_adds(&b, ref);
	}
	out = b.data;
	/* remove dot segments in the path */
	seg = out + (pe - base);
	r = w = seg;
	while (*r && *r != '?' && *r != '#') {
		if (strncmp(r, "/./", 3) == 0 || strcmp(r, "/.") == 0) {
			r += 2;
			if (*r == '\0')
				*w++ = '/';
		} else if (strncmp(r, "/../", 4) == 0 || strcmp(r, "/..") == 0) {
			r += 3;
			while (w > seg && *--w != '/')
				;
			if (*r == '\0')
				*w++ = '/';
		} else
			*w++ = *r++;
	}
	memmove(w, r, strlen(r) + 1);
	return out;
}

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

static int
tag_is_heading(int tag)
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
		n->flags = x->n[parent].flags & (F_PRE | F_LINK | F_HIDDEN);
	}
	return i;
}

static const char *
attr_get(TidyNode tn, const char *name)
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

/* Text of a subtree of tidy nodes (for <title>), iteratively. */
static char *
tidy_text(struct ex *x, TidyDoc td, TidyNode top)
{
	struct tq_buf b = { 0 };
	TidyNode tn = tidyGetChild(top), nx;
	const char *v;
	size_t len;

	tq_buf_add(&b, "", 0);
	while (tn != NULL) {
		if (tidyNodeGetType(tn) == TidyNode_Text) {
			v = node_value(x, td, tn, &len);
			tq_buf_add(&b, v, len);
		}
		if ((nx = tidyGetChild(tn)) == NULL) {
			while (tn != NULL && tn != top &&
			    (nx = tidyGetNext(tn)) == NULL)
				tn = tidyGetParent(tn);
			if (tn == NULL || tn == top)
				break;
		}
		tn = nx;
	}
	return b.data;
}

static void
collect_meta(struct ex *x, TidyNode tn)
{
	const char *content = attr_get(tn, "content"), *k;
	char key[128];

	if (content == NULL)
		return;
	if ((k = attr_get(tn, "property")) != NULL && *k) {
		snprintf(key, sizeof(key), "%s", k);
		meta_add(x, key, content);
	}
	if ((k = attr_get(tn, "name")) != NULL && *k) {
		snprintf(key, sizeof(key), "name:%s", k);
		meta_add(x, key, content);
		/* twitter:title etc. are often given as name= */
		if (strchr(k, ':') != NULL)
			meta_add(x, k, content);
	}
	/* itemprop="datePublished dateCreated": one key per word */
	if ((k = attr_get(tn, "itemprop")) != NULL && *k) {
		while (*k) {
			size_t n;

			while (isspace((unsigned char)*k))
				k++;
			if ((n = strcspn(k, " \t\n\r\f")) == 0)
				break;
			snprintf(key, sizeof(key), "itemprop:%.*s", (int)n, k);
			meta_add(x, key, content);
			k += n;
		}
	}
	if ((k = attr_get(tn, "http-equiv")) != NULL && *k) {
		snprintf(key, sizeof(key), "http-equiv:%s", k);
		meta_add(x, key, content);
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

/* Closed panels that hold content: accordions, tabs, "read more". */
static const char *const panel_words[] = {
	"~collapse", "~accordion", "tabpanel", "tab-pane", "tab-content",
	"tabs-content", "~panel", "drawer", "~details", "~expand",
	"~toggle", "more-content", NULL
};

static const char *const bad_roles[] = {
	"navigation", "complementary", "banner", "contentinfo", "dialog",
	"alertdialog", "menu", "menubar", "search", "toolbar", "tablist",
	NULL
};

/* ----------------------------------------------------- page type clues */

/*
 * The page type a schema.org type names, or -1.  A full URL
 * ("http://schema.org/Product") counts by its last part.
 */
static int
schema_page_type(const char *t)
{
	static const struct {
		const char	*name;
		int		 type;
	} map[] = {
		{ "Article", PT_ARTICLE }, { "NewsArticle", PT_ARTICLE },
		{ "BlogPosting", PT_ARTICLE }, { "Report", PT_ARTICLE },
		{ "ScholarlyArticle", PT_ARTICLE },
		{ "OpinionNewsArticle", PT_ARTICLE },
		{ "AnalysisNewsArticle", PT_ARTICLE },
		{ "ReportageNewsArticle", PT_ARTICLE },
		{ "LiveBlogPosting", PT_ARTICLE }, { "Recipe", PT_ARTICLE },
		{ "DiscussionForumPosting", PT_FORUM }, { "QAPage", PT_FORUM },
		{ "Question", PT_FORUM }, { "Answer", PT_FORUM },
		{ "SocialMediaPosting", PT_FORUM },
		{ "Product", PT_PRODUCT }, { "ProductGroup", PT_PRODUCT },
		{ "IndividualProduct", PT_PRODUCT },
		{ "ProductModel", PT_PRODUCT },
		{ "TechArticle", PT_DOC }, { "APIReference", PT_DOC },
		{ "Service", PT_SERVICE },
		{ "ProfessionalService", PT_SERVICE },
		{ "FinancialService", PT_SERVICE },
		{ "HomeAndConstructionBusiness", PT_SERVICE },
		{ "ItemList", PT_LISTING }, { "CollectionPage", PT_LISTING },
		{ "SearchResultsPage", PT_LISTING }, { "Blog", PT_LISTING },
		{ "OfferCatalog", PT_COLLECTION },
	};
	const char *p;
	size_t k;

	if ((p = strrchr(t, '/')) != NULL)
		t = p + 1;
	for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (strcmp(t, map[k].name) == 0)
			return map[k].type;
	return -1;
}

/*
 * Count the schema.org types of an itemtype attribute (several URLs
 * may be given) or of a JSON-LD @type.  Products count once each, so
 * that many of them make a collection rather than a product page.
 */
static void
schema_evidence(struct ex *x, const char *v, int ld)
{
	char tok[128];
	const char *e;
	size_t n;
	int t;

	while (*v) {
		while (isspace((unsigned char)*v))
			v++;
		e = v + strcspn(v, " \t\n\r\f");
		if ((n = (size_t)(e - v)) == 0)
			break;
		if (n < sizeof(tok)) {
			memcpy(tok, v, n);
			tok[n] = '\0';
			e = strrchr(tok, '/');
			e = e != NULL ? e + 1 : tok;
			if (strcmp(e, "FAQPage") == 0)
				x->faq = 1;
			else if (strcmp(e, "Question") == 0 ||
			    strcmp(e, "Answer") == 0)
				x->nqa += x->nqa < 1000;
			else if ((t = schema_page_type(tok)) >= 0 &&
			    x->pt[t] < 1000)
				x->pt[t] += ld ? 2 : 1;
			e = v + n;
		}
		v = e;
	}
}

/* "Add to cart" and the like: a shop's product or collection page. */
static void
cart_evidence(struct ex *x, TidyDoc td, TidyNode tn)
{
	static const char *const words[] = {
		"add to cart", "add to bag", "add to basket", "buy now",
		"add to trolley", "in den warenkorb", "ajouter au panier",
		"add to wishlist", "buy it now", NULL
	};
	const char *v;
	char *t;
	int k;

	if (x->ncart >= 1000)
		return;
	if ((v = attr_get(tn, "value")) != NULL)
		t = xstrdup(v);
	else
		t = tidy_text(x, td, tn);
	for (k = 0; words[k] != NULL; k++)
		if (strcasestr(t, words[k]) != NULL) {
			x->ncart++;
			break;
		}
	free(t);
}

/* Is node i hidden?  <noscript> is, unless the page has no other text. */
static int
is_hidden(struct ex *x, int i)
{
	return (x->n[i].flags & F_HIDDEN) ||
	    ((x->n[i].flags & F_NOSCRIPT) && !x->noscript) ||
	    ((x->n[i].flags & F_COLLAPSED) && !x->collapsed);
}

/* Inside a form or a comment section?  (For bylines.) */
static int
in_comments(struct ex *x, int i)
{
	for (; i > 0; i = x->n[i].parent)
		if (x->n[i].tag == TidyTag_FORM || (x->n[i].attr &&
		    (strstr(x->n[i].attr, "comment") ||
		    strstr(x->n[i].attr, "respond") ||
		    strstr(x->n[i].attr, "reply"))))
			return 1;
	return 0;
}

/* Copy one tidy element into the node array; returns its index. */
static int
take_element(struct ex *x, TidyDoc td, TidyNode tn, int parent, int *descend)
{
	int tag = tidyNodeGetId(tn), disp, i, k;
	const char *cls, *id, *v;
	struct xn *n;
	char *a;
	size_t len;

	*descend = 0;
	switch (tag) {
	case TidyTag_HTML:
		if ((v = attr_get(tn, "lang")) != NULL && *v && !x->lang)
			x->lang = xstrdup(v);
		break;
	case TidyTag_META:
		collect_meta(x, tn);
		return -1;
	case TidyTag_LINK:
		if ((v = attr_get(tn, "rel")) != NULL &&
		    has_word(v, "canonical") && x->canonical == NULL &&
		    (v = attr_get(tn, "href")) != NULL && *v)
			x->canonical = xstrdup(v);
		return -1;
	case TidyTag_TITLE:
		if (x->title == NULL && tidyGetParent(tn) != NULL &&
		    tidyNodeGetId(tidyGetParent(tn)) == TidyTag_HEAD)
			x->title = tidy_text(x, td, tn);
		return -1;
	case TidyTag_SCRIPT:
		if ((v = attr_get(tn, "type")) != NULL &&
		    strstr(v, "ld+json") != NULL && x->nld < EX_MAX_LDJSON &&
		    tidyGetChild(tn) != NULL) {
			x->nld++;
			v = node_value(x, td, tidyGetChild(tn), &len);
			ld_parse(x, v, len);
		}
		return -1;
	case TidyTag_HEAD:
		*descend = 1;	/* for <title>, <meta>, ... */
		return parent;
	}
	if ((v = attr_get(tn, "itemprop")) != NULL) {
		if (has_word(v, "datePublished") && x->pubprop == NULL) {
			const char *d = attr_get(tn, "datetime");

			if (d == NULL)
				d = attr_get(tn, "content");
			if (d != NULL && *d)
				x->pubprop = xstrdup(d);
		}
	}
	if (tag == TidyTag_UNKNOWN && tidyNodeGetName(tn) == NULL)
		return -1;
	disp = tag_disposition(tag);
	if (disp == 1)
		return -1;
	i = add_node(x, tag, parent);
	n = &x->n[i];
	if (tag_is_block(tag) || tag == TidyTag_UNKNOWN)
		n->flags |= F_BLOCK;
	if (tag == TidyTag_UNKNOWN)
		n->flags |= F_CUSTOM;
	if (tag == TidyTag_PRE || tag == TidyTag_LISTING ||
	    tag == TidyTag_XMP || tag == TidyTag_PLAINTEXT)
		n->flags |= F_PRE;
	if (tag == TidyTag_A && attr_get(tn, "href") != NULL)
		n->flags |= F_LINK;
	if (tag == TidyTag_BODY)
		x->body = i;
	if (tag == TidyTag_H1 && x->h1 < 0)
		x->h1 = i;
	if (tag == TidyTag_NOSCRIPT)
		n->flags |= F_NOSCRIPT | F_BLOCK;
	if (tag == TidyTag_MAIN || ((v = attr_get(tn, "role")) != NULL &&
	    has_word(v, "main")))
		n->flags |= F_MAIN;
	if (tag == TidyTag_PRE)
		x->npre++;
	if ((v = attr_get(tn, "itemtype")) != NULL)
		schema_evidence(x, v, 0);
	if (tag == TidyTag_BUTTON || (tag == TidyTag_INPUT &&
	    (v = attr_get(tn, "type")) != NULL && strcasecmp(v, "submit") == 0))
		cart_evidence(x, td, tn);
	cls = attr_get(tn, "class");
	id = attr_get(tn, "id");
	if ((cls && *cls) || (id && *id)) {
		len = (cls ? strlen(cls) : 0) + (id ? strlen(id) : 0) + 2;
		a = aalloc(x, len);
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
	if (((v = attr_get(tn, "style")) != NULL && is_hidden_style(v)) ||
	    attr_get(tn, "hidden") != NULL ||
	    ((v = attr_get(tn, "aria-hidden")) != NULL &&
	    strcasecmp(v, "true") == 0) ||
	    (tag == TidyTag_INPUT && (v = attr_get(tn, "type")) != NULL &&
	    strcasecmp(v, "hidden") == 0)) {
		/* product details and specifications wait in closed panels */
		if (((v = attr_get(tn, "aria-hidden")) == NULL ||
		    strcasecmp(v, "true") != 0) && ((n->attr != NULL &&
		    match_any(n->attr, panel_words)) || ((v = attr_get(tn,
		    "role")) != NULL && (has_word(v, "tabpanel") ||
		    has_word(v, "region")))))
			n->flags |= F_COLLAPSED;
		else
			n->flags |= F_HIDDEN;
	}
	if ((v = attr_get(tn, "role")) != NULL)
		for (k = 0; bad_roles[k] != NULL; k++)
			if (has_word(v, bad_roles[k]))
				n->flags |= F_BADROLE;
	if ((v = attr_get(tn, "itemprop")) != NULL) {
		if (has_word(v, "articleBody"))
			n->flags |= F_BODYPROP;
		if (has_word(v, "datePublished") || has_word(v, "dateModified") ||
		    has_word(v, "dateCreated") || has_word(v, "author") ||
		    has_word(v, "publisher") || has_word(v, "keywords"))
			n->flags |= F_META;
		if (has_word(v, "author") && x->author_rank < 3) {
			x->author_node = i;
			x->author_rank = 3;
		}
	}
	if (tag == TidyTag_A && (v = attr_get(tn, "rel")) != NULL &&
	    has_word(v, "tag"))
		n->flags |= F_TAGLINK;
	if (tag == TidyTag_A && (v = attr_get(tn, "rel")) != NULL &&
	    has_word(v, "author") && x->author_rank < 2) {
		x->author_node = i;
		x->author_rank = 2;
	}
	if (n->attr && x->author_rank < 1 && !(n->flags & F_HIDDEN) &&
	    (strstr(n->attr, "byline") || word_at(n->attr, "author")) &&
	    !strstr(n->attr, "bio") && !in_comments(x, i)) {
		x->author_node = i;
		x->author_rank = 1;
	}
	if (tag == TidyTag_TIME && x->timedt == NULL &&
	    (v = attr_get(tn, "datetime")) != NULL && *v)
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
	*descend = disp == 0;
	return i;
}

static void
take_text(struct ex *x, TidyDoc td, TidyNode tn, int parent)
{
	const char *v;
	char *c;
	size_t len;
	int i;

	if (parent < 0)
		return;
	v = node_value(x, td, tn, &len);
	if (len == 0)
		return;
	i = add_node(x, XT_TEXT, parent);
	if (x->n[i].flags & F_PRE) {
		c = utf8_clean(v, len);
		x->n[i].text = astrndup(x, c, strlen(c));
	} else {
		char *u = utf8_clean(v, len);

		c = collapse(u, strlen(u), 0);
		free(u);
		x->n[i].text = astrndup(x, c, strlen(c));
	}
	free(c);
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
	tn = tidyGetChild(root);
	while (tn != NULL) {
		ty = tidyNodeGetType(tn);
		idx = -1;
		descend = 0;
		if (ty == TidyNode_Text)
			take_text(x, td, tn, cur);
		else if (ty == TidyNode_Start || ty == TidyNode_StartEnd) {
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
		while (tn != NULL && (nx = tidyGetNext(tn)) == NULL) {
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

/* --------------------------------------------------------------- passes */

static void
sums(struct ex *x)
{
	struct xn *n, *p;
	int i;

	for (i = 0; i < x->nn; i++) {
		n = &x->n[i];
		n->tlen = n->llen = n->commas = n->nblock = 0;
		n->np = n->nli = n->nhead = n->hlen = 0;
		n->simg = n->nimg;
		n->npost = (n->flags & F_POST) != 0;
		n->nsub = 1;
		n->sinput = n->ninput;
		n->sembed = n->nembed;
		if (n->tag == XT_TEXT) {
			n->tlen = count_chars(n->text);
			n->commas = count_commas(n->text);
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
		p->np += n->np + (n->tag == TidyTag_P);
		p->nli += n->nli + (n->tag == TidyTag_LI);
		p->nblock += n->nblock + ((n->flags & F_BLOCK) != 0);
		p->nhead += n->nhead + tag_is_heading(n->tag);
		p->hlen += tag_is_heading(n->tag) ? n->tlen : n->hlen;
		p->simg += n->simg;
		p->npost += n->npost;
		p->nsub += n->nsub;
		p->sinput += n->sinput;
		p->sembed += n->sembed;
	}
}

static double
link_density(const struct xn *n)
{
	return n->tlen > 0 ? (double)n->llen / n->tlen : 0;
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
	if (n->attr == NULL)
		return 0;
	return attr_unlikely(n->attr);
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
unit_score(int tlen, int commas)
{
	double s = 1 + commas;

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

static int
is_ancestor(struct ex *x, int a, int d)
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
	int i, j, rlen, rcom;

	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[i] || n->tag == XT_TEXT)
			continue;
		if (is_unit_tag(n->tag) || (is_container(n->tag) &&
		    n->nblock == 0 && n->tag != TidyTag_BODY)) {
			if (n->tlen >= 25)
				give(x, n->parent, unit_score(n->tlen,
				    n->commas), pf);
			continue;
		}
		if (!is_container(n->tag) || n->nblock == 0)
			continue;
		/* runs of inline content between block children */
		rlen = rcom = 0;
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
					give(x, i, unit_score(rlen, rcom), pf);
				rlen = rcom = 0;
				if (c == NULL)
					break;
				continue;
			}
			rlen += c->tlen;
			rcom += c->commas;
		}
	}
}

struct pick {
	int	*nodes;		/* the roots of the article parts */
	int	 n;
	int	 top;
};

static int	has_sentence_end(struct ex *, int);
static int	bare_url(struct ex *, int);
static int	chrome_lead(struct ex *, int);
static int	short_junk(struct ex *, int, int);
static int	words(const char *);

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
		n->score *= 1 - link_density(n);
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
					if (is_ancestor(x, par, alts[k]))
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
		if (is_ancestor(x, i, top) || (is_ancestor(x, top, i) &&
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
	/* an articleBody split in parts: take the parts, nothing else */
	if (x->n[top].flags & F_BODYPROP) {
		for (j = x->n[par].first; j >= 0; j = x->n[j].next)
			if (j == top || (!x->dead[j] &&
			    (x->n[j].flags & F_BODYPROP)))
				pk->nodes[pk->n++] = j;
		return top;
	}
	/* the best candidate below a node stands for it */
	for (i = 0; i < x->nn; i++)
		x->n[i].best = x->n[i].scored && !x->dead[i] ?
		    x->n[i].score : -1e9;
	for (i = x->nn - 1; i > 0; i--)
		if (!x->dead[i] && x->n[i].best > x->n[x->n[i].parent].best)
			x->n[x->n[i].parent].best = x->n[i].best;
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
		    strcmp(n->attr, x->n[top].attr) == 0)
			bonus = topscore * 0.2;
		if (n->best > -1e8 && n->best + bonus >= thr &&
		    (bonus > 0 || link_density(n) <= 0.3)) {
			pk->nodes[pk->n++] = j;
			continue;
		}
		if (n->tag == TidyTag_P || (is_container(n->tag) &&
		    n->nblock == 0)) {
			ld = link_density(n);
			if (n->tlen > 80 && ld < 0.25)
				pk->nodes[pk->n++] = j;
			else if (n->tlen > 0 && n->tlen <= 80 && ld == 0 &&
			    n->nsub < 100 &&
			    has_sentence_end(x, j))
				pk->nodes[pk->n++] = j;
		}
	}
	return top;
}

/* ------------------------------------------------------------ rendering */

struct out {
	struct tq_buf	 b;
	int		 pend;		/* 1: newline, 2: blank line */
	int		 sp;		/* a space is due */
	size_t		 max;		/* stop adding past this, 0: no limit */
};

static void
out_break(struct out *o, int level)
{
	if (level > o->pend)
		o->pend = level;
	o->sp = 0;
}

static void
out_trim(struct out *o)
{
	while (o->b.len > 0 && o->b.data[o->b.len - 1] == ' ')
		o->b.data[--o->b.len] = '\0';
}

static void
out_text(struct out *o, const char *t, int pre)
{
	size_t n;

	if (o->max && o->b.len > o->max)
		return;
	if (!pre) {
		if (*t == ' ') {
			o->sp = 1;
			t++;
		}
		if (*t == '\0')
			return;
	}
	if (o->b.len > 0 && o->pend > 0) {
		out_trim(o);
		tq_buf_adds(&o->b, o->pend > 1 ? "\n\n" : "\n");
	} else if (o->b.len > 0 && o->sp && o->b.data[o->b.len - 1] != ' ' &&
	    o->b.data[o->b.len - 1] != '\n')
		tq_buf_add(&o->b, " ", 1);
	o->pend = 0;
	o->sp = 0;
	n = strlen(t);
	if (!pre && n > 0 && t[n - 1] == ' ') {
		n--;
		o->sp = 1;
	}
	if (pre) {
		/* keep the lines, but no blank lines at the edges */
		while (*t == '\n' || *t == '\r')
			t++, n--;
		while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == ' ' ||
		    t[n - 1] == '\r'))
			n--;
	}
	tq_buf_add(&o->b, t, n);
}

static int
break_level(int tag)
{
	switch (tag) {
	case TidyTag_LI: case TidyTag_DT: case TidyTag_DD: case TidyTag_TR:
	case TidyTag_BR: case TidyTag_CAPTION: case TidyTag_LEGEND:
	case TidyTag_SUMMARY:
		return 1;
	case TidyTag_TD: case TidyTag_TH:
		return 0;
	}
	return 2;
}

/* Render the live subtree at root (itself included). */
static void
render(struct ex *x, int root, struct out *o)
{
	int i = root, nx;
	struct xn *n;

	while (i >= 0) {
		n = &x->n[i];
		if (o->max && o->b.len > o->max)
			break;
		if (x->dead[i])
			goto next;
		if (n->tag == XT_TEXT) {
			out_text(o, n->text, (n->flags & F_PRE) != 0);
			goto next;
		}
		if (n->tag == TidyTag_BR)
			out_break(o, o->pend >= 1 && o->b.len > 0 ? 2 : 1);
		else if (n->tag == TidyTag_TD || n->tag == TidyTag_TH)
			o->sp = 1;
		else if (n->flags & F_BLOCK)
			out_break(o, break_level(n->tag));
		if (n->first >= 0) {
			i = n->first;
			continue;
		}
next:
		/* leave elements, emitting their closing breaks */
		while (i >= 0) {
			if (i != root && (nx = x->n[i].next) >= 0) {
				if (!x->dead[i] && x->n[i].tag != XT_TEXT &&
				    (x->n[i].flags & F_BLOCK))
					out_break(o, break_level(x->n[i].tag));
				i = nx;
				break;
			}
			if (!x->dead[i] && x->n[i].tag != XT_TEXT &&
			    (x->n[i].flags & F_BLOCK))
				out_break(o, break_level(x->n[i].tag));
			if (i == root) {
				i = -1;
				break;
			}
			i = x->n[i].parent;
			if (i == root) {
				if (x->n[i].flags & F_BLOCK)
					out_break(o, break_level(x->n[i].tag));
				i = -1;
				break;
			}
			/* a parent: its closing break happens in the loop */
			if (x->n[i].next >= 0) {
				if (x->n[i].flags & F_BLOCK)
					out_break(o, break_level(x->n[i].tag));
				i = x->n[i].next;
				break;
			}
		}
	}
}

/* Text of the subtree at i, at most about max bytes; caller frees. */
static char *
node_text(struct ex *x, int i, size_t max)
{
	struct out o = { { 0 }, 0, 0, max };

	render(x, i, &o);
	out_trim(&o);
	if (o.b.data == NULL)
		return xstrdup("");
	return o.b.data;
}

static int
has_sentence_end(struct ex *x, int i)
{
	char *t = node_text(x, i, 1000);
	size_t n = strlen(t);
	int r;

	r = (n > 0 && t[n - 1] == '.') || strstr(t, ". ") != NULL;
	free(t);
	return r;
}

/* Boilerplate one-liners that are never article text. */
static const char *const labels[] = {
	"advertisement", "advertising", "sponsored", "ad", "ads",
	"continue reading", "read more", "share", "share this",
	"share this article", "related", "related articles", "related tags",
	"related news", "recommended", "story continues below advertisement",
	"scroll to continue with content", "skip advertisement",
	"click to expand", "see also", "more", "advert", "don't miss",
	"don\xe2\x80\x99t miss", "see more", "also read", "read also",
	"recommended for you", "you may also like", "trending", "most read",
	"most popular", "filed under", "tags", "topics", "share this story",
	"comments", "comment", "post comment", "post a comment",
	"leave a comment", "add comment", "print", "email", "next",
	"previous", "back to top", "sign up", "subscribe", "follow us",
	"related stories", "related content", "more stories", "more from",
	"latest", "latest news", "top stories", "text size", "font size",
	"listen", "listen to this article", "play", "watch", "video",
	"photo", "image", "enlarge", "expand", "close", "menu", "search",
	"log in", "login", "register", "reply", "report", NULL
};

/* Labels before a link to another story: "Read more: ...". */
static const char *const link_leads[] = {
	"read more", "more", "read", "related", "see also", "also read",
	"read also", "see more", "watch", "listen", "recommended",
	"related article", "related story", "related stories",
	"related content", "more on this", "more on this story",
	"don't miss", "don\xe2\x80\x99t miss", "click here", "trending",
	"also see", "also", "previously", "read next", "up next", "next",
	"must read", "editor's pick", "editor\xe2\x80\x99s pick",
	"top stories", "latest", "video", "photos", "gallery", NULL
};

/* Sentences that open promotions rather than article text. */
static const char *const promo_starts[] = {
	"follow ", "sign up", "subscribe", "like us", "join us",
	"click here", "download our", "download the", "get the latest",
	"get access", "to get ", "for more ", "read more", "read the full",
	"if you enjoyed", "don't miss", "don\xe2\x80\x99t miss", NULL
};

static const char *const promo_words[] = {
	"twitter", "facebook", "instagram", "youtube", "newsletter",
	"podcast", "subscri", "app ", "@", "http", "coverage", "here",
	"whatsapp", "telegram", "linkedin", "tiktok", "sign up", NULL
};

/*
 * Short blocks that are labels ("Comments (3)", "Tags:"), datelines
 * ("Published: 19 Nov 2019"), bylines ("By Jane Roe - 11/18/19") or
 * promotions ("Follow us on Twitter") rather than article text.
 */
static int
is_boilerplate(struct ex *x, int i, int leaf)
{
	struct xn *n = &x->n[i];
	char *t, *s, *e, *d;
	int k, r = 0, nw, colon, p;

	if (n->tlen == 0 || n->tlen > 300 || n->nsub > 200)
		return 0;
	t = node_text(x, i, 400);
	nw = words(t);
	/* labels, without counts and punctuation around them */
	if (n->tlen <= 40) {
		s = t;
		while (*s && !isalpha((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && !isalpha((unsigned char)e[-1]) &&
		    (unsigned char)e[-1] < 0x80)
			e--;
		colon = *e == ':';
		*e = '\0';
		for (k = 0; labels[k] != NULL && !r; k++)
			if (strcasecmp(s, labels[k]) == 0)
				r = 1;
		/* "<b>Read more:</b> <a>...</a>": the whole block goes */
		if (!leaf && colon && (p = n->parent) > 0 &&
		    (x->n[p].flags & F_BLOCK) && x->n[p].nblock == 0 &&
		    x->n[p].tlen < 300 && (x->n[p].llen + n->tlen) * 2 >=
		    x->n[p].tlen)
			for (k = 0; link_leads[k] != NULL; k++)
				if (strcasecmp(s, link_leads[k]) == 0)
					r = 2;
		free(t);
		if (r || !leaf)
			return r;
		t = node_text(x, i, 400);
	} else if (!leaf) {
		free(t);
		return 0;
	}
	if (nw <= 12 && (starts_with(t, "published") ||
	    starts_with(t, "updated") || starts_with(t, "first published") ||
	    starts_with(t, "last updated") || starts_with(t, "posted on") ||
	    starts_with(t, "posted:")) && strpbrk(t, "0123456789") != NULL)
		r = 1;
	/* "Read more: <a>Another story</a>" */
	if (!r && (e = strchr(t, ':')) != NULL && e - t < 30 &&
	    link_density(n) >= 0.5) {
		char lead[32];

		snprintf(lead, sizeof(lead), "%.*s", (int)(e - t), t);
		for (k = 0; link_leads[k] != NULL && !r; k++)
			if (strcasecmp(lead, link_leads[k]) == 0)
				r = 1;
	}
	/* "By Jane Roe" and "By Jane Roe - 11/18/19 11:04 PM EST" */
	if (nw <= 10 && strncmp(t, "By ", 3) == 0 &&
	    isupper((unsigned char)t[3]) && t[strlen(t) - 1] != '.')
		r = 1;
	if (nw <= 40)
		for (k = 0; promo_starts[k] != NULL && !r; k++)
			if (starts_with(t, promo_starts[k])) {
				int m;

				for (m = 0; promo_words[m] != NULL; m++)
					if (strcasestr(t, promo_words[m]) != NULL)
						r = 1;
			}
	/* a dateline: the whole block is a date */
	if (!r && nw <= 7 && n->tlen <= 40 && n->nblock == 0) {
		for (s = t, k = 0; *s; s++)
			if (isdigit((unsigned char)*s))
				k++;
		if (k >= 4 && (d = norm_date(t)) != NULL) {
			r = 1;
			free(d);
		}
	}
	free(t);
	return r;
}

/* ------------------------------------------------------------ cleaning */

/* Letters and digits of s, lower case, at most n bytes. */
static void
squash(const char *s, char *out, size_t n)
{
	size_t j = 0;

	for (; *s && j + 1 < n; s++)
		if (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)
			out[j++] = (char)tolower((unsigned char)*s);
	out[j] = '\0';
}

/* Does the heading at i repeat the document title? */
static int
is_title(struct ex *x, int i)
{
	char a[512], b[512], *t;
	size_t la, lb;

	if (x->doctitle == NULL || x->n[i].tlen > 400 || x->n[i].nsub > 200)
		return 0;
	t = node_text(x, i, 600);
	squash(t, a, sizeof(a));
	free(t);
	squash(x->doctitle, b, sizeof(b));
	la = strlen(a);
	lb = strlen(b);
	if (la == 0 || lb == 0)
		return 0;
	if (strcmp(a, b) == 0)
		return 1;
	/* one holds the other, and they are about the same length */
	if (la > lb)
		return strstr(a, b) != NULL && lb * 4 >= la * 3;
	return strstr(b, a) != NULL && la * 4 >= lb * 3;
}

/* Mark i dead and take its sums out of its ancestors up to stop. */
static void
kill_node(struct ex *x, int i, int stop)
{
	struct xn *n = &x->n[i], *p;
	int j, head = tag_is_heading(n->tag);

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

static int
clean_conditionally(struct ex *x, int i, unsigned pf)
{
	struct xn *n = &x->n[i];
	int weight = (pf & P_WEIGHT) ? n->weight : 0;
	int islist, p, img, li, input, embed, tlen;
	double ld, hd;

	if (weight < 0)
		return 1;
	if (n->commas >= 10)
		return 0;
	islist = n->tag == TidyTag_UL || n->tag == TidyTag_OL ||
	    n->tag == TidyTag_DL;
	p = n->np;
	img = n->simg;
	li = n->nli - 100;
	input = n->sinput;
	embed = n->sembed;
	tlen = n->tlen;
	ld = link_density(n);
	hd = tlen > 0 ? (double)n->hlen / tlen : 0;
	if (img > 1 && (double)p / img < 0.5 && !in_figure(x, i))
		return 1;
	if (!islist && li > p)
		return 1;
	if (input > p / 3)
		return 1;
	if (!islist && hd < 0.9 && tlen < 25 && (img == 0 || img > 2) &&
	    ld > 0)
		return 1;
	if (!islist && weight < 25 && ld > 0.2)
		return 1;
	if (islist && ld > 0.5)
		return 1;
	if (weight >= 25 && ld > 0.5)
		return 1;
	if ((embed == 1 && tlen < 75) || embed > 1)
		return 1;
	return 0;
}

static int
subtree_end(struct ex *x, int i)
{
	int j = i;

	while (x->n[j].last >= 0)
		j = x->n[j].last;
	return j;
}

static void
clean_article(struct ex *x, int root, unsigned pf, int rootlen)
{
	int i, k, end = subtree_end(x, root);
	struct xn *n;

	/* bottom-up, so inner clutter goes before its container is judged */
	for (i = end; i > root; i--) {
		n = &x->n[i];
		if (x->dead[i] || n->tag == XT_TEXT || n->npost > 0)
			continue;
		switch (n->tag) {
		case TidyTag_H1:
			kill_node(x, i, root);
			continue;
		case TidyTag_NAV: case TidyTag_ASIDE: case TidyTag_FOOTER:
		case TidyTag_HEADER: case TidyTag_FIGCAPTION:
			if (n->tlen * 2 < rootlen) {
				kill_node(x, i, root);
				continue;
			}
			break;
		case TidyTag_IFRAME: case TidyTag_EMBED: case TidyTag_OBJECT:
		case TidyTag_INPUT: case TidyTag_BUTTON:
			kill_node(x, i, root);
			continue;
		case TidyTag_H2: case TidyTag_H3:
			if (((pf & P_WEIGHT) && n->weight < 0) ||
			    link_density(n) > 0.33 || is_title(x, i)) {
				kill_node(x, i, root);
				continue;
			}
			break;
		}
		if (n->attr && n->tlen < 500 && (strstr(n->attr, "share") ||
		    strstr(n->attr, "social")) && n->tlen * 2 < rootlen) {
			kill_node(x, i, root);
			continue;
		}
		/* dates, bylines and tag links marked up as such */
		if (((n->flags & F_META) && n->tlen < 200 && n->np == 0) ||
		    (n->flags & F_TAGLINK)) {
			kill_node(x, i, root);
			continue;
		}
		/* hover cards and pop-ups, shown only on demand */
		if (n->attr && n->tlen * 2 < rootlen &&
		    match_any(n->attr, popup_words)) {
			kill_node(x, i, root);
			continue;
		}
		/* captions, credits, bylines, share bars: small and marked */
		if (n->attr && n->tlen < 300 && n->np == 0 &&
		    n->tlen * 2 < rootlen && match_any(n->attr, junk_words)) {
			kill_node(x, i, root);
			continue;
		}
		if ((k = is_boilerplate(x, i, (n->flags & F_BLOCK) &&
		    n->nblock == 0)) == 2 && n->parent != root) {
			kill_node(x, n->parent, root);
			continue;
		} else if (k || (x->type != PT_ARTICLE && x->type != PT_DOC &&
		    (n->flags & F_BLOCK) && n->nblock == 0 &&
		    (bare_url(x, i) || ((x->type == PT_PRODUCT ||
		    x->type == PT_COLLECTION) && (chrome_lead(x, i) ||
		    short_junk(x, i, x->type)))))) {
			kill_node(x, i, root);
			continue;
		}
		if (!(pf & P_CLEAN))
			continue;
		switch (n->tag) {
		case TidyTag_TABLE: case TidyTag_UL: case TidyTag_OL:
		case TidyTag_DL: case TidyTag_DIV: case TidyTag_SECTION:
		case TidyTag_FORM: case TidyTag_FIELDSET: case TidyTag_ASIDE:
		case TidyTag_UNKNOWN:
			if (n->tlen * 2 < rootlen && clean_conditionally(x, i, pf))
				kill_node(x, i, root);
			break;
		}
	}
}

/* ---------------------------------------------------------------- passes */

static const int struct_tags[] = {
	TidyTag_NAV, TidyTag_ASIDE, TidyTag_FOOTER, TidyTag_HEADER,
	TidyTag_MENU, 0
};

static char *
run_pass(struct ex *x, unsigned pf)
{
	struct pick pk;
	struct out o = { { 0 }, 0, 0, 0 };
	int i, k, bodylen, rootlen;
	struct xn *n;

	memset(x->dead, 0, (size_t)x->nn);
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[n->parent] || is_hidden(x, i))
			x->dead[i] = 1;
	}
	sums(x);
	bodylen = x->n[x->body].tlen - x->n[x->body].llen;
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[i])
			continue;
		if (x->dead[n->parent]) {
			x->dead[i] = 1;
			continue;
		}
		if (n->tag == XT_TEXT)
			continue;
		for (k = 0; struct_tags[k]; k++)
			if (n->tag == struct_tags[k] &&
			    n->tlen - n->llen <= bodylen / 2)
				x->dead[i] = 1;
		if ((pf & P_STRIP) && is_unlikely(x, i, bodylen))
			x->dead[i] = 1;
	}
	sums(x);
	for (i = 0; i < x->nn; i++) {
		x->n[i].scored = 0;
		x->n[i].score = 0;
	}
	score_units(x, pf);
	pk.nodes = xcalloc((size_t)x->nn + 1, sizeof(int));
	pick_article(x, pf, &pk);
	if (x->top < 0)
		x->top = pk.top;
	/* merged siblings are judged like the article's own blocks */
	for (i = k = 0; i < pk.n; i++) {
		n = &x->n[pk.nodes[i]];
		if (pk.nodes[i] != pk.top && (n->flags & F_BLOCK) &&
		    n->nblock == 0 && is_boilerplate(x, pk.nodes[i], 1))
			continue;
		pk.nodes[k++] = pk.nodes[i];
	}
	pk.n = k;
	rootlen = 0;
	for (k = 0; k < pk.n; k++)
		rootlen += x->n[pk.nodes[k]].tlen;
	for (k = 0; k < pk.n; k++)
		clean_article(x, pk.nodes[k], pf, rootlen);
	for (k = 0; k < pk.n; k++) {
		render(x, pk.nodes[k], &o);
		out_break(&o, 2);
	}
	free(pk.nodes);
	out_trim(&o);
	if (o.b.data == NULL)
		return xstrdup("");
	return o.b.data;
}

/* ----------------------------------------------------------- page types */

/* A price in a text: a currency sign or code beside a digit. */
static int
has_price(const char *t)
{
	static const char *const cur[] = {
		"$", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xa5", "\xe2\x82\xb9",
		"USD", "EUR", "GBP", NULL
	};
	const char *p;
	size_t n;
	int k;

	for (k = 0; cur[k] != NULL; k++) {
		n = strlen(cur[k]);
		for (p = t; (p = strstr(p, cur[k])) != NULL; p += n) {
			if (isdigit((unsigned char)p[n]) || (p[n] == ' ' &&
			    isdigit((unsigned char)p[n + 1])))
				return 1;
			if (p > t && isdigit((unsigned char)p[-1]))
				return 1;
			if (p > t + 1 && p[-1] == ' ' &&
			    isdigit((unsigned char)p[-2]))
				return 1;
		}
	}
	return 0;
}

static int
url_has(const char *url, const char *const *parts)
{
	int k;

	if (url == NULL)
		return 0;
	for (k = 0; parts[k] != NULL; k++)
		if (strcasestr(url, parts[k]) != NULL)
			return 1;
	return 0;
}

/*
 * Repeated blocks: the children of one parent that share tag and
 * class, and together hold much of the page's text.  Posts are long
 * and mostly unlinked; items of a listing are short, each with a
 * link; items of a collection carry prices.  Returns a page type or
 * -1; *share is the part of the text the group holds, in percent.
 */
#define EX_SIGS	16

/* Same class attribute?  (attr is "class id"; ids differ per post.) */
static int
same_class(const char *a, const char *b)
{
	const char *ea, *eb;

	if (a == NULL || b == NULL)
		return a == b;
	ea = strrchr(a, ' ');
	eb = strrchr(b, ' ');
	if (ea - a != eb - b)
		return 0;
	return strncmp(a, b, (size_t)(ea - a)) == 0;
}

static const char *const post_words[] = {
	"~post", "~message", "~comment", "~reply", "~answer", NULL
};

static int
repeated_blocks(struct ex *x, const int *price, int bodylen)
{
	struct {
		const char	*attr;
		int		 tag, n, tlen, llen, linked, priced, head;
	} g[EX_SIGS];
	int i, j, k, ng, best = -1, bestlen = 0, type;
	struct xn *c;

	for (i = 1; i < x->nn; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    x->n[i].nblock < 4 || x->n[i].tlen * 5 < bodylen)
			continue;
		ng = 0;
		for (j = x->n[i].first; j >= 0; j = x->n[j].next) {
			c = &x->n[j];
			if (x->dead[j] || c->tag == XT_TEXT || c->tlen == 0 ||
			    !(c->flags & F_BLOCK) || c->tag == TidyTag_P ||
			    tag_is_heading(c->tag))
				continue;
			for (k = 0; k < ng; k++)
				if (g[k].tag == c->tag &&
				    same_class(g[k].attr, c->attr))
					break;
			if (k == ng) {
				if (ng == EX_SIGS)
					continue;
				memset(&g[k], 0, sizeof(g[k]));
				g[k].attr = c->attr;
				g[k].tag = c->tag;
				ng++;
			}
			g[k].n++;
			g[k].tlen += c->tlen;
			g[k].llen += c->llen;
			g[k].linked += c->llen > 0;
			g[k].priced += price[j] > 0;
			g[k].head += c->nhead > 0;
		}
		for (k = 0; k < ng; k++) {
			if (g[k].n < 3 || g[k].tlen * 10 < bodylen * 3 ||
			    g[k].tlen <= bestlen)
				continue;
			type = -1;
			if (g[k].n < 4 && !match_any(g[k].attr, post_words))
				;	/* three posts: a thread, no list */
			else if (g[k].priced * 2 >= g[k].n &&
			    g[k].linked * 2 >= g[k].n)
				type = PT_COLLECTION;
			else if ((g[k].tlen / g[k].n >= 150 ||
			    (g[k].tlen / g[k].n >= 60 &&
			    match_any(g[k].attr, post_words))) &&
			    g[k].llen * 4 < g[k].tlen && g[k].attr != NULL &&
			    g[k].tag != TidyTag_LI && g[k].tag != TidyTag_TR &&
			    g[k].head * 2 < g[k].n)
				type = PT_FORUM;
			else if (g[k].linked * 4 >= g[k].n * 3 &&
			    g[k].tlen / g[k].n < 600 && g[k].tag != TidyTag_TR)
				type = PT_LISTING;
			if (type >= 0) {
				best = type;
				bestlen = g[k].tlen;
			}
		}
	}
	return best;
}

/*
 * The page type, from what the page says of itself (JSON-LD and
 * microdata types, og:type), its URL's conventional paths and its
 * shape (repeated blocks, prices, shop buttons, code blocks).
 */
static int
detect_type(struct ex *x, const char *url, const struct tq_doc *doc)
{
	static const char *const u_forum[] = {
		"/forum", "/threads/", "/thread/", "viewtopic", "showthread",
		"/topic/", "/questions/", "/t/", "/comments/", "/discussion",
		"/community/", NULL
	};
	static const char *const u_product[] = {
		"/product/", "/products/", "/p/", "/dp/", "/itm/", "/ip/",
		"/item/", "/pdp/", NULL
	};
	static const char *const u_coll[] = {
		"/collections/", "/category/", "/c/", "/cat/", "/shop/",
		"/l/", "/browse/", "/genre/", NULL
	};
	static const char *const u_doc[] = {
		"/docs/", "/doc/", "://docs.", "/documentation", "/manual",
		"/reference/", "/man-pages/", "/tutorial", "/guide/",
		"/wiki/", "/learn", "/api/", NULL
	};
	static const char *const u_service[] = {
		"/services/", "/service/", "/solutions/", "/solution/", NULL
	};
	int sc[PT_N], *price, i, k, best, bodylen, shape, nlong = 0;
	int ncard = 0, cardlen = 0;
	const char *og = meta_get(x, "og:type");
	struct xn *n;

	memset(sc, 0, sizeof(sc));
	bodylen = x->n[x->body].tlen;
	price = xcalloc((size_t)x->nn + 1, sizeof(int));
	for (i = x->nn - 1; i > 0; i--) {
		n = &x->n[i];
		if (x->dead[i])
			continue;
		if (n->tag == XT_TEXT && n->tlen < 40 && has_price(n->text))
			price[i] = 1;
		if (n->tag == TidyTag_P && n->tlen >= 200 &&
		    n->llen * 5 < n->tlen)
			nlong++;
		if (n->parent > 0)
			price[n->parent] += price[i];
	}
	shape = repeated_blocks(x, price, bodylen);
	free(price);
	/* cards: linked headings, each with its snippet */
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[i] || n->tag < TidyTag_H2 || n->tag > TidyTag_H4 ||
		    n->tlen == 0 || n->llen * 2 < n->tlen)
			continue;
		ncard++;
		k = n->parent;
		cardlen += k > 0 && x->n[k].nhead == 1 && x->n[k].tlen < 600 ?
		    x->n[k].tlen : n->tlen;
	}
	if (shape < 0 && ncard >= 5 && cardlen * 10 >= bodylen * 4)
		shape = PT_LISTING;
	/* most of the page in cards: a listing, whatever else it says */
	if (ncard >= 5 && cardlen * 10 >= bodylen * 6)
		sc[PT_LISTING] += 8;

	/* what the page says of itself */
	sc[PT_ARTICLE] += x->pt[PT_ARTICLE] > 0 ? 4 : 0;
	sc[PT_FORUM] += x->pt[PT_FORUM] > 0 || (x->nqa > 0 && !x->faq) ? 6 : 0;
	if (x->pt[PT_PRODUCT] > 0 && x->pt[PT_PRODUCT] <= 4)
		sc[PT_PRODUCT] += 6;
	else if (x->pt[PT_PRODUCT] > 4)
		sc[PT_COLLECTION] += 6;
	if (x->pt[PT_COLLECTION] >= 2)	/* products listed */
		sc[PT_COLLECTION] += 6;
	sc[PT_DOC] += x->pt[PT_DOC] > 0 ? 6 : 0;
	sc[PT_SERVICE] += x->pt[PT_SERVICE] > 0 ? 3 : 0;
	sc[PT_LISTING] += x->pt[PT_LISTING] >= 3 ? 4 :
	    x->pt[PT_LISTING] > 0 ? 2 : 0;
	sc[PT_COLLECTION] += x->pt[PT_COLLECTION] > 0 ? 3 : 0;
	if (og != NULL) {
		if (strcasecmp(og, "article") == 0 ||
		    strcasecmp(og, "blog") == 0)
			sc[PT_ARTICLE] += 2;
		else if (strcasestr(og, "product") != NULL)
			sc[PT_PRODUCT] += 4;
	}
	/* conventional paths */
	if (url_has(url, u_forum))
		sc[PT_FORUM] += 3;
	if (url_has(url, u_product))
		sc[PT_PRODUCT] += 2;
	if (url_has(url, u_coll))
		sc[PT_COLLECTION] += 2;
	if (url_has(url, u_doc))
		sc[PT_DOC] += 2;
	if (url_has(url, u_service))
		sc[PT_SERVICE] += 2;
	/* shape */
	if (shape >= 0)
		sc[shape] += 3;
	if (x->ncart > 0 && x->ncart <= 2)
		sc[PT_PRODUCT] += 3;
	else if (x->ncart > 2)
		sc[PT_COLLECTION] += 3;
	if (x->npre >= 2)
		sc[PT_DOC] += 2;
	if (doc->published != NULL)
		sc[PT_ARTICLE] += 2;
	if (doc->byline != NULL)
		sc[PT_ARTICLE] += 1;
	/*
	 * A page with no marks of a story and no code: a service or
	 * landing page, unless it shows the marks of another type.
	 */
	if (sc[PT_ARTICLE] == 0 && x->npre == 0)
		sc[PT_SERVICE] += 3;
	x->artmarks = sc[PT_ARTICLE];
	if (nlong >= 4)
		sc[PT_ARTICLE] += 2;
	best = PT_ARTICLE;
	for (k = 1; k < PT_N; k++)
		if (k != PT_SERVICE && sc[k] > sc[best])
			best = k;
	if (sc[PT_SERVICE] > sc[best])
		best = PT_SERVICE;
	if (sc[best] < 2)
		best = PT_ARTICLE;
	return best;
}

/* ---------------------------------------------------------- broad pass */

/* Classes of page chrome: no content on any kind of page. */
static const char *const chrome_words[] = {
	"~cookie", "consent", "gdpr", "~newsletter", "~subscribe", "~popup",
	"modal", "~breadcrumb", "~share", "sharing", "~social", "~navbar",
	"~navigation", "nav", "~menu", "~footer", "~sidebar", "skip",
	"sr-only", "visually-hidden", "screen-reader", "offscreen",
	"agegate", "signup", "login", "~outbrain", "~taboola", "ad", "ads",
	"-ad-", "ad-", "~advert", "~sponsor", "pagination", "pager",
	"toolbar", "dropdown", "tooltip", "popover", "masthead", "~banner",
	"~facet", "~filter", "~signature", NULL
};

/*
 * Short blocks that open with these are the chrome of forums (user
 * panels, account prompts) and shops (cart, delivery, payment terms).
 */
static const char *const chrome_leads[] = {
	/* forums */
	"join date", "joined:", "joined ", "posts:", "messages:",
	"reaction score", "registered:", "reputation:", "location:",
	"member since", "thanks received", "likes received", "offline",
	"online", "reply with quote", "quote", "multiquote", "report post",
	"share post", "original poster", "op posts", "signature",
	"create an account", "sign in", "sign up", "log in", "login",
	"register", "you must log in", "you need to be a member",
	"ask question", "go to topic", "board index", "jump to",
	"top posters", "popular days", "new member", "join now",
	"posted ", "edited ", "last edited", "answered ", "asked ",
	"commented ", "modified ", "sorted by", "recommended posts",
	"advertisement", "post a reply", "start thread", "reply to this",
	/* shops */
	"add to cart", "add to bag", "add to basket", "add to list",
	"add to wishlist", "add to favorites", "buy now", "buy it now",
	"in stock", "out of stock", "sold out", "sold by", "sold and shipped",
	"ships from", "ships in", "ships the same day", "free shipping",
	"free delivery", "free returns", "free 90-day", "free 30-day",
	"shipping and returns", "returns & exchanges", "returns and exchanges",
	"delivery", "pickup", "store pickup", "qty", "quantity",
	"sale price", "regular price", "price when purchased", "compare",
	"color:", "colour:", "size:", "size guide", "find your size",
	"financing", "or 4 payments", "or 4 interest-free", "klarna",
	"afterpay", "write a review", "see bulk discounts", "show more",
	"show less", "see more", "view more", "view all", "load more",
	"you might also like", "you may also like", "frequently bought",
	"customers also", "recently viewed", "related products",
	"get notified", "notify me", "coming soon", "shop now",
	"order today", "vat included", "skip to", "get started",
	"loading", "condition:", "ready to ship", "low in stock",
	"only 1 left", "30-day returns", "report this item", "learn more",
	"ask an expert", "have one to sell", "buy a bundle",
	"complete your order", "buy all", "most popular accessories",
	"visit the ", "hero image", "shopping for", "write a review",
	NULL
};

/*
 * Short blocks that are no text: a phone number, a rating, and on a
 * product page a price standing alone.
 */
static int
short_junk(struct ex *x, int i, int type)
{
	char *t;
	const char *p;
	int digits = 0, letters = 0, r = 0;

	if (x->n[i].tlen == 0 || x->n[i].tlen > 40 || x->n[i].nsub > 20)
		return 0;
	t = node_text(x, i, 100);
	for (p = t; *p; p++) {
		digits += isdigit((unsigned char)*p) != 0;
		letters += isalpha((unsigned char)*p) != 0;
	}
	if (digits >= 9 && letters == 0 && strpbrk(t, "-() .") != NULL)
		r = 1;
	else if (digits > 0 && letters < 30 && (strcasestr(t, "review") ||
	    strcasestr(t, "rating") || strcasestr(t, "stars")))
		r = 1;
	else if (type == PT_PRODUCT && digits > 0 && letters <= 12 &&
	    has_price(t))
		r = 1;
	free(t);
	return r;
}

/*
 * A block that is a bare address and nothing else: a pasted link, an
 * image's location in a list of a product's fields.  Its target is no
 * text.  (In a table's cell it is a column of the table, in a code
 * block an example: it stays.)
 */
static int
bare_url(struct ex *x, int i)
{
	char *t;
	int r;

	if (x->n[i].tlen < 12 || x->n[i].tlen > 2000 || x->n[i].nsub > 4 ||
	    x->n[i].tag == TidyTag_TD || x->n[i].tag == TidyTag_TH ||
	    (x->n[i].flags & F_PRE))
		return 0;
	t = node_text(x, i, 2100);
	r = (starts_with(t, "http://") || starts_with(t, "https://") ||
	    starts_with(t, "www.")) && strpbrk(t, " \t\n") == NULL;
	free(t);
	return r;
}

/* The labels of forum user panels, standing alone. */
static const char *const user_labels[] = {
	"joined", "messages", "posts", "points", "reaction score",
	"member type", "location", "solutions", "reputation", "likes",
	"member", "full member", "junior member", "senior member",
	"guest", "author", "moderator", "administrator", "staff member",
	"thread starter", "discussion starter", "op", NULL
};

static int
chrome_lead(struct ex *x, int i)
{
	char *t;
	int k, r = 0;

	if (x->n[i].tlen == 0 || x->n[i].tlen > 80 || x->n[i].nsub > 40)
		return 0;
	t = node_text(x, i, 200);
	for (k = 0; chrome_leads[k] != NULL && !r; k++)
		if (strncasecmp(t, chrome_leads[k],
		    strlen(chrome_leads[k])) == 0)
			r = 1;
	for (k = 0; user_labels[k] != NULL && !r; k++)
		if (strcasecmp(t, user_labels[k]) == 0)
			r = 1;
	free(t);
	return r;
}

static int
attr_chrome(const char *attr)
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
		u = match_any(tok, chrome_words);
		m = match_any(tok, maybe_words);
		if (u && !m)
			bad = 1;
		if (m && !u)
			good = 1;
		p = e;
	}
	return bad && !good;
}

/*
 * Blocks that repeat an earlier block word for word (the same caption
 * for desktop and mobile, a price table twice): only the first stays.
 */
#define EX_SEEN	8192	/* slots of the hash set, a power of two */

static void
drop_repeats(struct ex *x, int root, int end)
{
	uint64_t *seen, h;
	int i, nseen = 0;
	size_t k;
	char *t;
	const unsigned char *p;

	seen = xcalloc(EX_SEEN, sizeof(*seen));
	for (i = root + 1; i <= end && nseen < EX_SEEN / 2; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    !(x->n[i].flags & F_BLOCK) || x->n[i].nblock > 0 ||
		    x->n[i].tlen < 40 || x->n[i].nsub > 50)
			continue;
		t = node_text(x, i, 2000);
		h = 1469598103934665603ULL;
		for (p = (const unsigned char *)t; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
		free(t);
		h |= 1;		/* 0 marks a free slot */
		for (k = h & (EX_SEEN - 1); seen[k] != 0 && seen[k] != h;
		    k = (k + 1) & (EX_SEEN - 1))
			;
		if (seen[k] == h)
			kill_node(x, i, root);
		else {
			seen[k] = h;
			nseen++;
		}
	}
	free(seen);
}

/*
 * Pages other than articles: the main region (<main>, role=main,
 * else the body) without the page's chrome (navigation, headers and
 * footers, sidebars, banners, forms, menus of bare links), keeping
 * the short texts an article cleaner drops: post authors and dates,
 * item titles, prices, specifications.
 */
static char *
broad_pass(struct ex *x, int type)
{
	struct out o = { { 0 }, 0, 0, 0 };
	int i, j, k, bodylen, root, end, items;
	struct xn *n;

	x->collapsed = 1;
	memset(x->dead, 0, (size_t)x->nn);
	for (i = 1; i < x->nn; i++)
		if (x->dead[x->n[i].parent] || is_hidden(x, i))
			x->dead[i] = 1;
	x->collapsed = 0;
	sums(x);
	bodylen = x->n[x->body].tlen - x->n[x->body].llen;
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[i])
			continue;
		if (x->dead[n->parent]) {
			x->dead[i] = 1;
			continue;
		}
		if (n->tag == XT_TEXT || (n->flags & F_MAIN))
			continue;
		for (k = 0; struct_tags[k]; k++)
			if (n->tag == struct_tags[k] &&
			    n->tlen - n->llen <= bodylen / 2)
				x->dead[i] = 1;
		if (n->tlen - n->llen > bodylen / 2)
			continue;
		if (n->flags & F_BADROLE)
			x->dead[i] = 1;
		else if (n->attr != NULL && attr_chrome(n->attr))
			x->dead[i] = 1;
		else if (n->tag == TidyTag_FORM && n->sinput > 0 &&
		    n->tlen < 300)
			x->dead[i] = 1;
	}
	sums(x);
	/*
	 * The main region: the page's <main> if it holds much of the
	 * text, else the article's block grown until it holds half of
	 * the page's unlinked text.
	 */
	root = x->body;
	for (i = 1; i < x->nn; i++)
		if (!x->dead[i] && (x->n[i].flags & F_MAIN) &&
		    x->n[i].tlen * 3 >= x->n[x->body].tlen) {
			root = i;
			break;
		}
	/*
	 * A thread's <main> holds its first post beside the replies, and
	 * the replies alone may hold most of the text: keep it all.
	 */
	if (x->top > 0 && !x->dead[x->top] &&
	    !(type == PT_FORUM && root != x->body)) {
		for (i = x->top; i > 0 && i != root && (x->n[i].tlen -
		    x->n[i].llen) * 2 < bodylen; i = x->n[i].parent)
			;
		if (i > 0 && is_ancestor(x, root, i))
			root = i;
	}
	end = subtree_end(x, root);
	if (type != PT_LISTING)
		drop_repeats(x, root, end);
	for (i = end; i > root; i--) {
		n = &x->n[i];
		if (x->dead[i] || n->tag == XT_TEXT)
			continue;
		switch (n->tag) {
		case TidyTag_IFRAME: case TidyTag_EMBED: case TidyTag_OBJECT:
		case TidyTag_INPUT: case TidyTag_BUTTON:
			kill_node(x, i, root);
			continue;
		case TidyTag_UL: case TidyTag_OL: case TidyTag_DL:
		case TidyTag_DIV: case TidyTag_SECTION: case TidyTag_TABLE:
		case TidyTag_UNKNOWN:
			/* menus: lists of short bare links */
			for (items = 0, j = n->first; j >= 0; j = x->n[j].next)
				items += !x->dead[j] && x->n[j].tag != XT_TEXT;
			if (n->tlen * 2 < x->n[root].tlen && items >= 3 &&
			    link_density(n) > (type == PT_LISTING ||
			    type == PT_COLLECTION ? 0.9 : 0.6) &&
			    n->tlen / items < 30)
				kill_node(x, i, root);
			break;
		}
		if (x->dead[i] || !(is_boilerplate(x, i, 0) ||
		    ((n->flags & F_BLOCK) && n->nblock == 0 &&
		    (chrome_lead(x, i) || short_junk(x, i, type) ||
		    bare_url(x, i)))))
			continue;
		kill_node(x, i, root);
		/* "Joined:" goes with its value */
		if (n->tag == TidyTag_DT && (j = n->next) >= 0 &&
		    x->n[j].tag == TidyTag_DD && !x->dead[j])
			kill_node(x, j, root);
		/* "You might also like" goes with its section */
		if (tag_is_heading(n->tag) && n->parent != root &&
		    x->n[n->parent].first == i &&
		    x->n[n->parent].tlen * 3 < x->n[root].tlen)
			kill_node(x, n->parent, root);
	}
	render(x, root, &o);
	out_trim(&o);
	if (o.b.data == NULL)
		return xstrdup("");
	return o.b.data;
}

/* ------------------------------------------------------------ metadata */

static int
word_count(const char *s)
{
	int n = 0, in = 0;
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (isalnum(*p) || *p >= 0x80) {
			if (!in)
				n++;
			in = 1;
		} else if (isspace(*p))
			in = 0;
	}
	return n;
}

static int
words(const char *s)
{
	int n = 0, in = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			in = 0;
		else if (!in) {
			n++;
			in = 1;
		}
	}
	return n;
}

/* "Title | Site" -> "Title", when the rest is the site or short. */
static char *
clean_title(const char *t, const char *site, int strict)
{
	static const char *const seps[] = {
		" | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ",
		" \xc2\xb7 ", " // ", " \xc2\xbb ", " : ", NULL
	};
	const char *best = NULL, *p;
	size_t bl = 0;
	char *head, *tail;
	int i;

	for (i = 0; seps[i] != NULL; i++) {
		p = t;
		while ((p = strstr(p, seps[i])) != NULL) {
			if (best == NULL || p > best) {
				best = p;
				bl = strlen(seps[i]);
			}
			p++;
		}
	}
	if (best == NULL)
		return xstrdup(t);
	head = xstrndup(t, (size_t)(best - t));
	tail = xstrdup(best + bl);
	if ((site && *site && (strcasecmp(tail, site) == 0 ||
	    strcasestr(site, tail) != NULL || strcasestr(tail, site) != NULL)) ||
	    (!strict && words(tail) <= 4 && words(head) >= 3)) {
		free(tail);
		tail = clean_title(head, site, strict);
		free(head);
		return tail;
	}
	/* "Site | Title" */
	if (site && *site && strcasecmp(head, site) == 0) {
		free(head);
		return tail;
	}
	free(head);
	free(tail);
	return xstrdup(t);
}

static char *
clean_str(const char *s)
{
	char *u, *c;

	if (s == NULL)
		return NULL;
	u = utf8_clean(s, strlen(s));
	c = collapse(u, strlen(u), 1);
	free(u);
	if (*c == '\0') {
		free(c);
		return NULL;
	}
	return c;
}

static const char *
first_meta(struct ex *x, const char *const *keys)
{
	const char *v;
	int i;

	for (i = 0; keys[i] != NULL; i++)
		if ((v = meta_get(x, keys[i])) != NULL && *v)
			return v;
	return NULL;
}

static char *
strip_by(char *s)
{
	char *p = s;

	if (s == NULL)
		return NULL;
	if (strncasecmp(p, "by ", 3) == 0)
		p += 3;
	else if (strncasecmp(p, "by:", 3) == 0)
		p += 3;
	while (*p == ' ')
		p++;
	memmove(s, p, strlen(p) + 1);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

static void
fill_meta(struct ex *x, const char *url, struct tq_doc *doc)
{
	static const char *const k_title[] = {
		"og:title", "twitter:title", "name:title", NULL
	};
	static const char *const k_site[] = {
		"og:site_name", "name:application-name",
		"name:apple-mobile-web-app-title", NULL
	};
	static const char *const k_author[] = {
		"name:author", "article:author", "name:byl",
		"name:sailthru.author", "name:parsely-author", "name:dc.creator",
		NULL
	};
	static const char *const k_date[] = {
		"article:published_time", "article:published",
		"itemprop:datepublished",
		"name:article:published_time", "og:published_time",
		"name:pubdate", "name:publishdate", "name:date",
		"name:dc.date.issued", "name:dc.date", "name:sailthru.date",
		"name:parsely-pub-date", "name:publish-date",
		"name:article.published", NULL
	};
	static const char *const k_desc[] = {
		"name:description", "og:description", "twitter:description",
		NULL
	};
	static const char *const k_image[] = {
		"og:image", "og:image:url", "og:image:secure_url",
		"twitter:image", "twitter:image:src", "name:twitter:image",
		NULL
	};
	const char *v;
	char *t, *site;
	json_t *ld = x->ld;

	/* site name first: the title cleaner uses it */
	if ((v = first_meta(x, k_site)) == NULL && ld)
		v = ld_str(json_object_get(ld, "publisher"), "name");
	doc->site_name = clean_str(v);
	site = doc->site_name;

	if ((v = first_meta(x, k_title)) != NULL) {
		t = clean_str(v);
		doc->title = clean_title(t, site, 1);
		free(t);
	} else if (ld && (v = json_string_value(json_object_get(ld,
	    "headline"))) != NULL && *v)
		doc->title = clean_str(v);
	else if (x->title && *x->title) {
		t = clean_str(x->title);
		if (t)
			doc->title = clean_title(t, site, 0);
		free(t);
	} else if (x->h1 > 0) {
		t = node_text(x, x->h1, 1000);
		doc->title = clean_str(t);
		free(t);
	}
	if (doc->title && *doc->title == '\0') {
		free(doc->title);
		doc->title = NULL;
	}

	t = NULL;
	if (ld && json_object_get(ld, "author"))
		t = ld_authors(json_object_get(ld, "author"));
	if (t == NULL && (v = first_meta(x, k_author)) != NULL &&
	    !starts_with(v, "http"))
		t = xstrdup(v);
	if (t == NULL && x->author_node > 0) {
		char *a = node_text(x, x->author_node, 200);

		if (*a && strlen(a) < 100 && strchr(a, '\n') == NULL)
			t = a;
		else
			free(a);
	}
	doc->byline = strip_by(clean_str(t));
	free(t);

	if (x->lang)
		doc->lang = clean_str(x->lang);
	else if ((v = meta_get(x, "http-equiv:content-language")) != NULL)
		doc->lang = clean_str(v);
	else if ((v = meta_get(x, "og:locale")) != NULL) {
		doc->lang = clean_str(v);
		if (doc->lang)
			for (t = doc->lang; *t; t++)
				if (*t == '_')
					*t = '-';
	} else if (ld && (v = ld_str(json_object_get(ld, "inLanguage"),
	    "name")) != NULL)
		doc->lang = clean_str(v);

	{
		const char *cand[24];
		int nc = 0, i;

		/* Open Graph first, then JSON-LD, then the rest */
		if ((v = meta_get(x, k_date[0])) != NULL)
			cand[nc++] = v;
		if (ld && (v = json_string_value(json_object_get(ld,
		    "datePublished"))) != NULL)
			cand[nc++] = v;
		for (i = 1; k_date[i] != NULL && nc < 20; i++)
			if ((v = meta_get(x, k_date[i])) != NULL)
				cand[nc++] = v;
		if (x->pubprop)
			cand[nc++] = x->pubprop;
		if (x->timedt)
			cand[nc++] = x->timedt;
		for (i = 0; i < nc && doc->published == NULL; i++)
			doc->published = norm_date(cand[i]);
	}

	if ((v = first_meta(x, k_desc)) == NULL && ld)
		v = json_string_value(json_object_get(ld, "description"));
	doc->description = clean_str(v);

	t = url_resolve(url, x->canonical);
	if (t == NULL)
		t = url_resolve(url, meta_get(x, "og:url"));
	if (t == NULL && ld)
		t = url_resolve(url, ld_str(json_object_get(ld, "url"), "@id"));
	if (t != NULL) {
		doc->canonical_url = clean_str(t);
		free(t);
	}
	t = url_resolve(url, first_meta(x, k_image));
	if (t == NULL && ld)
		t = url_resolve(url, ld_str(json_object_get(ld, "image"), "url"));
	if (t != NULL) {
		doc->image_url = clean_str(t);
		free(t);
	}
}

/* ---------------------------------------------------------------- API */

/*
 * Binary data rather than a document: NUL bytes near the start, or
 * more than 5% of the first 4096 characters control characters or
 * U+FFFD (what converters make of undecodable bytes).
 */
static int
looks_binary(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, bad = 0, chars = 0;

	for (i = 0; i < n && chars < 4096; i++) {
		if (p[i] == 0 && i < 1024)
			return 1;
		if ((p[i] & 0xc0) == 0x80)
			continue;
		chars++;
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\f')
			bad++;
		else if (p[i] == 0xef && i + 2 < n && p[i + 1] == 0xbf &&
		    p[i + 2] == 0xbd)
			bad++;
	}
	return bad * 20 > chars;
}

int
tq_looks_binary(const char *s, size_t n)
{
	return looks_binary(s, n);
}

/*
 * A JSON-LD text as paragraphs added to b: tags stripped (some sites
 * put HTML there), each line a paragraph.
 */
static void
ld_add_text(struct tq_buf *b, const char *v)
{
	const char *p, *e;
	char *c, *line;
	size_t i, j;
	int intag = 0;

	c = utf8_clean(v, strlen(v));
	for (i = j = 0; c[i]; i++) {
		if (c[i] == '<' && (isalpha((unsigned char)c[i + 1]) ||
		    c[i + 1] == '/')) {
			intag = 1;
			if (starts_with(c + i, "<p") || starts_with(c + i, "<br") ||
			    starts_with(c + i, "</p") || starts_with(c + i, "<h") ||
			    starts_with(c + i, "<li"))
				c[j++] = '\n';
			continue;
		}
		if (intag) {
			if (c[i] == '>')
				intag = 0;
			continue;
		}
		c[j++] = c[i];
	}
	c[j] = '\0';
	tq_buf_add(b, "", 0);
	for (p = c; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		line = collapse(p, (size_t)(e - p), 1);
		if (*line) {
			if (b->len > 0)
				tq_buf_adds(b, "\n\n");
			tq_buf_adds(b, line);
		}
		free(line);
	}
	free(c);
}

/* JSON-LD articleBody as text, for when the page gave us much less. */
static char *
ld_body(struct ex *x)
{
	struct tq_buf b = { 0 };
	const char *v;

	if (x->ld == NULL || (v = json_string_value(json_object_get(x->ld,
	    "articleBody"))) == NULL)
		return NULL;
	ld_add_text(&b, v);
	return b.data;
}

/* One post of a thread: its author's name, then its text. */
static void
ld_add_post(struct tq_buf *b, json_t *o)
{
	const char *v, *a;

	if (!json_is_object(o))
		return;
	if ((v = json_string_value(json_object_get(o, "text"))) == NULL &&
	    (v = json_string_value(json_object_get(o, "articleBody"))) == NULL)
		return;
	if ((a = ld_str(json_object_get(o, "author"), "name")) != NULL &&
	    *a && !starts_with(a, "http"))
		ld_add_text(b, a);
	ld_add_text(b, v);
}

/*
 * The text that the page's structured data gives for its type: a
 * thread's posts in order (question, answers, comments), a product's
 * name, description and properties; NULL if none.
 */
static char *
ld_typed_text(struct ex *x, int type)
{
	static const char *const replies[] = {
		"acceptedAnswer", "suggestedAnswer", "comment", NULL
	};
	struct tq_buf b = { 0 };
	json_t *o, *v, *e;
	const char *s;
	size_t i;
	int k, n = 0;

	if (type == PT_FORUM && (o = x->ldpost) != NULL) {
		ld_add_post(&b, o);
		for (k = 0; replies[k] != NULL; k++) {
			v = json_object_get(o, replies[k]);
			if (json_is_object(v))
				ld_add_post(&b, v);
			for (i = 0; json_is_array(v) &&
			    i < json_array_size(v) && n < 500; i++, n++)
				ld_add_post(&b, json_array_get(v, i));
		}
	} else if (type == PT_PRODUCT && (o = x->ldproduct) != NULL) {
		if ((s = json_string_value(json_object_get(o,
		    "description"))) != NULL)
			ld_add_text(&b, s);
		v = json_object_get(o, "additionalProperty");
		for (i = 0; json_is_array(v) && i < json_array_size(v) &&
		    i < 200; i++) {
			e = json_array_get(v, i);
			if ((s = ld_str(json_object_get(e, "name"), "name")) ==
			    NULL || json_object_get(e, "value") == NULL)
				continue;
			/* an image's or a page's address is no property */
			if (json_is_string(json_object_get(e, "value")) &&
			    (starts_with(json_string_value(json_object_get(e,
			    "value")), "http://") || starts_with(
			    json_string_value(json_object_get(e, "value")),
			    "https://")))
				continue;
			tq_buf_add(&b, "", 0);
			tq_buf_adds(&b, b.len > 0 ? "\n" : "");
			tq_buf_adds(&b, s);
			tq_buf_adds(&b, ": ");
			if (json_is_string(json_object_get(e, "value")))
				tq_buf_adds(&b, json_string_value(
				    json_object_get(e, "value")));
			else if (json_is_number(json_object_get(e, "value"))) {
				char num[64];

				snprintf(num, sizeof(num), "%g",
				    json_number_value(json_object_get(e,
				    "value")));
				tq_buf_adds(&b, num);
			}
		}
	}
	return b.data;
}

static void
ex_free(struct ex *x)
{
	struct ablk *b, *nb;
	int i;

	for (b = x->arena; b != NULL; b = nb) {
		nb = b->next;
		free(b);
	}
	for (i = 0; i < x->nmeta; i++) {
		free(x->meta[i].key);
		free(x->meta[i].val);
	}
	free(x->meta);
	free(x->n);
	free(x->dead);
	free(x->title);
	free(x->lang);
	free(x->canonical);
	free(x->timedt);
	free(x->pubprop);
	json_decref(x->ld);
	json_decref(x->ldpost);
	json_decref(x->ldproduct);
	tidyBufFree(&x->tb);
}

/*
 * Pages built by scripts often carry their text only in <noscript>
 * (for crawlers): show it when it holds most of the page's text.
 */
static void
use_noscript(struct ex *x)
{
	int i, ns = 0, all;
	unsigned char *in;

	x->noscript = 1;
	memset(x->dead, 0, (size_t)x->nn);
	for (i = 1; i < x->nn; i++)
		if (x->dead[x->n[i].parent] || is_hidden(x, i))
			x->dead[i] = 1;
	sums(x);
	all = x->n[x->body].tlen;
	/* the outermost <noscript> elements: in[] marks their insides */
	in = xcalloc((size_t)x->nn + 1, 1);
	for (i = 1; i < x->nn; i++) {
		in[i] = in[x->n[i].parent] ||
		    (x->n[x->n[i].parent].flags & F_NOSCRIPT);
		if ((x->n[i].flags & F_NOSCRIPT) && !x->dead[i] && !in[i])
			ns += x->n[i].tlen;
	}
	free(in);
	x->noscript = ns >= 200 && ns * 3 > all * 2;
	memset(x->dead, 0, (size_t)x->nn);
}

static char *
tidy_tree(struct ex *x, const char *html, size_t len, struct tq_err *err)
{
	TidyDoc td;
	TidyBuffer in, errbuf;
	int rc;

	td = tidyCreate();
	tidyBufInit(&errbuf);
	tidyOptSetBool(td, TidyForceOutput, yes);
	tidyOptSetBool(td, TidyShowWarnings, no);
	tidyOptSetBool(td, TidyQuiet, yes);
	tidyOptSetInt(td, TidyShowErrors, 0);
	tidyOptSetBool(td, TidyShowInfo, no);
	tidyOptSetBool(td, TidyDropPropAttrs, no);
	tidyOptSetBool(td, TidyMark, no);
	tidyOptSetBool(td, TidyDropEmptyElems, no);
	tidyOptSetBool(td, TidyDropEmptyParas, no);
	tidyOptSetBool(td, TidyCoerceEndTags, no);
	tidyOptSetInt(td, TidyUseCustomTags, TidyCustomBlocklevel);
	tidyOptSetValue(td, TidyInCharEncoding, "utf8");
	tidySetErrorBuffer(td, &errbuf);
	tidyBufInit(&in);
	tidyBufAttach(&in, (byte *)(uintptr_t)html, (uint)len);
	rc = tidyParseBuffer(td, &in);
	tidyBufDetach(&in);
	if (rc < 0) {
		tidyBufFree(&errbuf);
		tidyRelease(td);
		tq_err_set(err, TQ_ERR_PERMANENT, "parse_error",
		    "cannot parse (tidy status %d)", rc);
		return NULL;
	}
	build(x, td);
	tidyBufFree(&errbuf);
	tidyRelease(td);
	return "";
}

int
tq_extract(const char *html, size_t len, const char *url, struct tq_doc *doc,
    struct tq_err *err)
{
	struct ex x;
	char *fixed = NULL, *nodecl = NULL, *text = NULL, *t, *ldt;
	size_t fixedlen = 0, i;
	static const unsigned passes[] = {
		P_STRIP | P_WEIGHT | P_CLEAN, P_WEIGHT | P_CLEAN, P_CLEAN, 0
	};
	int rc = -1, k, type;
	size_t best = 0;

	memset(doc, 0, sizeof(*doc));
	memset(&x, 0, sizeof(x));
	tidyBufInit(&x.tb);
	x.h1 = -1;
	x.top = -1;
	x.author_node = -1;
	if (html == NULL || len == 0) {
		tq_err_set(err, TQ_ERR_PERMANENT, "empty_document",
		    "empty document");
		goto out;
	}
	for (i = 0; i < len && isspace((unsigned char)html[i]); i++)
		;
	if (i == len) {
		tq_err_set(err, TQ_ERR_PERMANENT, "empty_document",
		    "empty document");
		goto out;
	}
	if (len > EX_MAX_INPUT) {
		tq_err_set(err, TQ_ERR_PERMANENT, "too_large",
		    "document too large (%zu bytes, limit %d)", len,
		    EX_MAX_INPUT);
		goto out;
	}
	if (looks_binary(html, len)) {
		tq_err_set(err, TQ_ERR_PERMANENT, "not_html",
		    "binary data, not an HTML document");
		goto out;
	}
	if ((nodecl = strip_decls(html, len, &fixedlen)) != NULL) {
		html = nodecl;
		len = fixedlen;
	}
	if (prescan(html, len, &fixed, &fixedlen) == -1) {
		tq_err_set(err, TQ_ERR_PERMANENT, "too_complex",
		    "more than %d tags or %d elements, not a sane document",
		    EX_MAX_TAGS, EX_MAX_NODES);
		goto out;
	}
	if (fixed != NULL) {
		html = fixed;
		len = fixedlen;
	}
	if (tidy_tree(&x, html, len, err) == NULL)
		goto out;
	if (x.body <= 0) {
		/* no body at all: an empty document */
		x.body = 0;
	}
	x.dead = xcalloc((size_t)x.nn + 1, 1);
	for (i = 0; i < (size_t)x.nn; i++)
		x.n[i].weight = class_weight(x.n[i].attr);
	use_noscript(&x);
	/* metadata first: the passes drop headings that repeat the title */
	for (i = 1; i < (size_t)x.nn; i++)
		if (x.dead[x.n[i].parent] || is_hidden(&x, i))
			x.dead[i] = 1;
	fill_meta(&x, url, doc);
	x.doctitle = doc->title;
	sums(&x);
	type = detect_type(&x, url ? url : doc->canonical_url, doc);
	x.type = type;
	snprintf(doc->page_type, sizeof(doc->page_type), "%s",
	    page_types[type]);
	for (k = 0; k < 4 && best < 500; k++) {
		t = run_pass(&x, passes[k]);
		if (text == NULL || strlen(t) > best) {
			free(text);
			text = t;
			best = strlen(t);
		} else
			free(t);
	}
	if (type != PT_ARTICLE && type != PT_DOC) {
		t = broad_pass(&x, type);
		if (strlen(t) >= best) {
			free(text);
			text = t;
		} else
			free(t);
	} else if (type == PT_ARTICLE && x.artmarks < 4 && x.npre == 0) {
		/*
		 * A story on a page that hardly says it is one, and more
		 * text around it: a landing page of sections, a list.  The
		 * longer the story, the more the rest must outweigh it.
		 */
		t = broad_pass(&x, PT_SERVICE);
		if (strlen(t) * 2 > (best < 1500 ? 3 : 6) * best) {
			free(text);
			text = t;
			type = PT_SERVICE;
			snprintf(doc->page_type, sizeof(doc->page_type), "%s",
			    page_types[type]);
		} else
			free(t);
	}
	/* structured data, where it is fuller than the page */
	if ((ldt = ld_typed_text(&x, type)) != NULL) {
		if (strlen(ldt) >= 200 && strlen(text) * 5 < strlen(ldt) * 3) {
			free(text);
			text = ldt;
		} else
			free(ldt);
	}
	if ((ldt = ld_body(&x)) != NULL) {
		if (strlen(ldt) >= 500 && strlen(text) * 5 < strlen(ldt) * 3) {
			free(text);
			text = ldt;
		} else
			free(ldt);
	}
	doc->text = utf8_clean(text, strlen(text));
	free(text);
	doc->word_count = word_count(doc->text);
	tq_sha256_hex(doc->text, strlen(doc->text), doc->content_hash);
	rc = 0;
out:
	free(fixed);
	free(nodecl);
	ex_free(&x);
	return rc;
}

void
tq_doc_free(struct tq_doc *d)
{
	if (d == NULL)
		return;
	free(d->title);
	free(d->byline);
	free(d->site_name);
	free(d->lang);
	free(d->published);
	free(d->description);
	free(d->canonical_url);
	free(d->image_url);
	free(d->text);
	memset(d, 0, sizeof(*d));
}

static json_t *
jstr(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) == NULL)
		return json_null();
	return j;
}

json_t *
tq_doc_json(const struct tq_doc *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "title", jstr(d->title));
	json_object_set_new(o, "byline", jstr(d->byline));
	json_object_set_new(o, "site_name", jstr(d->site_name));
	json_object_set_new(o, "lang", jstr(d->lang));
	json_object_set_new(o, "published", jstr(d->published));
	json_object_set_new(o, "description", jstr(d->description));
	json_object_set_new(o, "canonical_url", jstr(d->canonical_url));
	json_object_set_new(o, "image_url", jstr(d->image_url));
	json_object_set_new(o, "text", jstr(d->text ? d->text : ""));
	json_object_set_new(o, "word_count", json_integer(d->word_count));
	json_object_set_new(o, "content_hash", d->content_hash[0] ?
	    json_string(d->content_hash) : json_null());
	json_object_set_new(o, "page_type", d->page_type[0] ?
	    json_string(d->page_type) : json_null());
	return o;
}
