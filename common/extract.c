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
 *     page that has its text nowhere else.  Hidden are the elements
 *     that a desktop browser does not show (styles, attributes, closed
 *     pop-overs and dialogs, CSS frameworks' classes for hidden and
 *     phone-only blocks).  A declarative shadow root that holds prose
 *     (a web component rendered on the server) is shown in its host,
 *     the host's children in its slots, and the tree numbered again.
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
 *     in when the page itself has much less text.  extract_recall.c
 *     puts back what a reader sees as part of the article: the lead in
 *     the headline's block above the body.
 *  5. the article subtree is rendered as text: blocks separated by a
 *     blank line, list items, table rows and <br> by a newline, the
 *     items of unordered lists marked "- ", and a space between two
 *     elements glued in the markup where words cannot run on.
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

#define LEAD_SQUASH	2048	/* squashed bytes of a lead before JSON-LD */

static const char *const page_types[] = {
	"article", "forum", "product", "documentation", "service",
	"listing", "collection"
};

/* ------------------------------------------------------------ utilities */

void *
ex_aalloc(struct ex *x, size_t n)
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

char *
ex_astrndup(struct ex *x, const char *s, size_t n)
{
	char *p = ex_aalloc(x, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A copy of s, valid UTF-8 (U+FFFD for bad bytes), without controls. */
char *
ex_utf8_clean(const char *s, size_t n)
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
		if ((k = tq_utf8_seq(s + i, n - i)) == 0) {
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
 * U+202F, U+205F, U+3000 (as spaces); U+00AD, U+200B, U+2060, U+FEFF
 * are dropped.  Returns the bytes the character takes, 0 if not space;
 * *drop is set for zero-width characters.  The joiners U+200C and
 * U+200D are no break but part of the text: an emoji sequence (a
 * family, a flag), a Persian word, an Indic conjunct.
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
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xad) {
		*drop = 1;	/* a soft hyphen, shown at a line's end only */
		return 2;
	}
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xaf))
		return 3;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] == 0x8b) {
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

/*
 * Collapse whitespace runs to one space; trim when trim is set, for a
 * text of one line (a title, a value, a JSON-LD line), where a line or
 * paragraph separator (U+2028, U+2029) is a space too.  A text node
 * (trim not set) keeps them: rendering breaks its lines there.
 */
char *
ex_collapse(const char *s, size_t n, int trim)
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
		if (trim && n - i >= 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			sp = 1;
			i += 3;
			continue;
		}
		/* a joiner joins two characters here, or nothing: dropped */
		if (n - i >= 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0x8c || p[i + 2] == 0x8d) && (sp ||
		    o == out || i + 3 == n || space_len(p + i + 3, n - i - 3,
		    &drop) > 0)) {
			i += 3;
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
int
ex_count_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;

	for (; *p; p++)
		if ((*p & 0xc0) != 0x80 && *p != ' ')
			n++;
	return n;
}

/*
 * Sentence ends: '.', '!' or '?' before white space or the end (not
 * "3.5", not "e.g" within a word), not after a capital (an initial,
 * "Robert F. Worth", "U.S."), and the ideographic full stop and CJK's
 * full-width marks.
 */
int
ex_count_ends(const char *s)
{
	const char *b = s;
	int n = 0;

	for (; *s; s++) {
		if ((*s == '.' || *s == '!' || *s == '?') &&
		    (s[1] == '\0' || isspace((unsigned char)s[1]) ||
		    s[1] == '"' || s[1] == ')') && (s == b ||
		    !isupper((unsigned char)s[-1])))
			n++;
		else if (strncmp(s, "\xe3\x80\x82", 3) == 0 ||	/* U+3002 */
		    strncmp(s, "\xef\xbc\x81", 3) == 0 ||		/* U+FF01 */
		    strncmp(s, "\xef\xbc\x9f", 3) == 0)		/* U+FF1F */
			n++;
	}
	return n;
}

int
ex_count_commas(const char *s)
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

char *
ex_lower_dup(const char *s)
{
	char *p = xstrdup(s), *q;

	for (q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

/* Is word w in the space-separated list s (case-insensitive)? */
int
ex_has_word(const char *s, const char *w)
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

/*
 * Does class token t (n bytes) mark one block rather than name a kind
 * of block?  A taxonomy's term ("category-news", "tag-rain",
 * WooCommerce's "product_cat-shoes"), an option ("has-thumbnail"), a
 * place in a grid ("first", "odd").
 */
static int
item_mark(const char *t, size_t n)
{
#define MARK(w)	(n >= sizeof(w) - 1 && memcmp(t, w, sizeof(w) - 1) == 0)
#define WORD(w)	(n == sizeof(w) - 1 && memcmp(t, w, n) == 0)
	switch (t[0]) {	/* by the first letter: a page's every token */
	case 't':
		return n > 4 && MARK("tag-");
	case 'c':
		return n > 9 && MARK("category-");
	case 'p':
		return n > 12 && (MARK("product_cat-") ||
		    MARK("product_tag-"));
	case 'h':
		return n > 4 && MARK("has-");
	case 'f':
		return WORD("first");
	case 'l':
		return WORD("last");
	case 'o':
		return WORD("odd");
	case 'e':
		return WORD("even");
	case 'a':
		return WORD("alt");
	}
	return 0;
#undef MARK
#undef WORD
}

/*
 * The length of class token t (n bytes) without a number that ends it,
 * an id ("post-1234", "node_567"): three digits or more after '-' or
 * '_'.  n if none.
 */
static size_t
id_stem(const char *t, size_t n)
{
	size_t k = n;

	while (k > 0 && isdigit((unsigned char)t[k - 1]))
		k--;
	return n - k >= 3 && k > 0 && (t[k - 1] == '-' || t[k - 1] == '_') ?
	    k : n;
}

/*
 * The class tokens of attr ("class id"), up to max, but those that
 * mark one block, each as long as its stem; returns how many, or
 * max + 1 if more.
 */
static int
kind_tokens(const char *a, const char **t, size_t *len, int max)
{
	const char *end = strrchr(a, ' '), *p;
	int k = 0;

	while (a < end) {
		while (a < end && *a == ' ')
			a++;
		for (p = a; a < end && *a != ' '; a++)
			;
		if (a == p || item_mark(p, (size_t)(a - p)))
			continue;
		if (k == max)
			return max + 1;
		t[k] = p;
		len[k] = id_stem(p, (size_t)(a - p));
		k++;
	}
	return k;
}

/* Is token p (n bytes) one of the k tokens t? */
static int
has_token(const char *const *t, const size_t *len, int k, const char *p,
    size_t n)
{
	while (k-- > 0)
		if (len[k] == n && memcmp(t[k], p, n) == 0)
			return 1;
	return 0;
}

/*
 * Are the blocks of attrs a and b ("class id", as struct xn's) of one
 * kind by their classes?  The same four classes or more, in any
 * order, an id's number as good as another's, but for those that mark
 * one block: WordPress's archive, each post "post-1203 post type-post
 * status-publish hentry category-news" and "post-1240 post type-post
 * status-publish hentry category-sport tag-rain".  (Fewer classes
 * name a layout more than a kind: a CMS's sections "cms-306098 mt-20
 * mb-20" are one article's.)
 */
int
ex_like_class(const char *a, const char *b)
{
	const char *ta[16], *tb[16];
	size_t la[16], lb[16];
	int i, na, nb;

	if (a == NULL || b == NULL || strchr(a, ' ') == NULL ||
	    strchr(b, ' ') == NULL)
		return 0;
	if ((na = kind_tokens(a, ta, la, 16)) < 4 || na > 16 ||
	    (nb = kind_tokens(b, tb, lb, 16)) < 4 || nb > 16 || na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!has_token(tb, lb, nb, ta[i], la[i]))
			return 0;
	for (i = 0; i < nb; i++)
		if (!has_token(ta, la, na, tb[i], lb[i]))
			return 0;
	return 1;
}

int
ex_starts_with(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
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
 * The character reference at s ("&amp;", "&#8217;", "&nbsp;" as a
 * space) written as UTF-8 to out (4 bytes at most, none for MathML's
 * invisible operators); its length in s, or 0 if s holds none that is
 * known.  For the texts tidy leaves them in: JSON-LD's, MathML's.
 */
size_t
ex_entity(const char *s, char *out, size_t *outlen)
{
	static const struct {
		const char	*name;
		const char	*utf8;
	} names[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", " " },
		{ "&ndash;", "\xe2\x80\x93" }, { "&mdash;", "\xe2\x80\x94" },
		{ "&lsquo;", "\xe2\x80\x98" }, { "&rsquo;", "\xe2\x80\x99" },
		{ "&ldquo;", "\xe2\x80\x9c" }, { "&rdquo;", "\xe2\x80\x9d" },
		{ "&bdquo;", "\xe2\x80\x9e" }, { "&hellip;", "\xe2\x80\xa6" },
		{ "&laquo;", "\xc2\xab" }, { "&raquo;", "\xc2\xbb" },
		{ "&euro;", "\xe2\x82\xac" }, { "&copy;", "\xc2\xa9" },
		{ "&auml;", "\xc3\xa4" }, { "&ouml;", "\xc3\xb6" },
		{ "&uuml;", "\xc3\xbc" }, { "&Auml;", "\xc3\x84" },
		{ "&Ouml;", "\xc3\x96" }, { "&Uuml;", "\xc3\x9c" },
		{ "&szlig;", "\xc3\x9f" }, { "&eacute;", "\xc3\xa9" },
		{ "&egrave;", "\xc3\xa8" }, { "&agrave;", "\xc3\xa0" },
		/* a formula's: MathML's own and the usual operators */
		{ "&minus;", "\xe2\x88\x92" }, { "&plusmn;", "\xc2\xb1" },
		{ "&times;", "\xc3\x97" }, { "&divide;", "\xc3\xb7" },
		{ "&ne;", "\xe2\x89\xa0" }, { "&le;", "\xe2\x89\xa4" },
		{ "&ge;", "\xe2\x89\xa5" }, { "&sum;", "\xe2\x88\x91" },
		{ "&prod;", "\xe2\x88\x8f" }, { "&int;", "\xe2\x88\xab" },
		{ "&infin;", "\xe2\x88\x9e" }, { "&prime;", "\xe2\x80\xb2" },
		{ "&sdot;", "\xe2\x8b\x85" }, { "&middot;", "\xc2\xb7" },
		{ "&radic;", "\xe2\x88\x9a" }, { "&part;", "\xe2\x88\x82" },
		{ "&pi;", "\xcf\x80" }, { "&deg;", "\xc2\xb0" },
		{ "&rarr;", "\xe2\x86\x92" }, { "&equiv;", "\xe2\x89\xa1" },
		{ "&InvisibleTimes;", "" }, { "&ApplyFunction;", "" },
		{ "&InvisibleComma;", "" }, { "&it;", "" }, { "&af;", "" },
		{ "&ic;", "" },
	};
	unsigned long c;
	char *e;
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strncmp(s, names[k].name, strlen(names[k].name)) == 0) {
			*outlen = strlen(names[k].utf8);
			memcpy(out, names[k].utf8, *outlen);
			return strlen(names[k].name);
		}
	if (s[1] != '#')
		return 0;
	if (s[2] == 'x' || s[2] == 'X')
		c = strtoul(s + 3, &e, 16);
	else
		c = strtoul(s + 2, &e, 10);
	if (*e != ';' || e == s + 2 || e - s > 12 || c == 0 || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	/* function application, invisible times, separator and plus */
	*outlen = c >= 0x2061 && c <= 0x2064 ? 0 :
	    tq_utf8_encode(c == 0xa0 ? ' ' : (uint32_t)c, out);
	return (size_t)(e - s) + 1;
}

/*
 * The character references of s read in place (ex_entity): a reference
 * is never shorter than what it stands for.
 */
void
ex_read_refs(char *s)
{
	char u[4];
	size_t i, j, k, ulen;

	for (i = j = 0; s[i]; i++) {
		if (s[i] == '&' && (k = ex_entity(s + i, u, &ulen)) > 0) {
			memcpy(s + j, u, ulen);
			j += ulen;
			i += k - 1;
			continue;
		}
		s[j++] = s[i];
	}
	s[j] = '\0';
}

/*
 * The length of the HTML tag at s ("<p>", "</span>", "<a href=...>",
 * "<my-widget>") if s opens one, else 0; *brk is set when it ends a
 * line (a paragraph, a heading, a list item, a break, a block).
 */
static size_t
ld_tag(const char *s, int *brk)
{
	static const char *const blocks[] = {
		"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4",
		"h5", "h6", "pre", "blockquote", "table", "tr", "td", "th",
		"figure", "figcaption", "section", "article", "header",
		"footer", "aside", "dl", "dt", "dd", "hr", NULL
	};
	const char *p = s + 1, *e;
	size_t n;
	int k;

	if (*s != '<')
		return 0;
	if (*p == '/')
		p++;
	if (!isalpha((unsigned char)*p))
		return 0;
	for (n = 0; n < 32 && (isalnum((unsigned char)p[n]) || p[n] == '-');
	    n++)
		;
	if (p[n] != '>' && p[n] != ' ' && p[n] != '/' && p[n] != '\t' &&
	    p[n] != '\n')
		return 0;
	/* bounded: a text of a million "<a " is no reason to scan it all */
	if ((e = memchr(p, '>', strnlen(p, 1000))) == NULL)
		return 0;
	for (k = 0; blocks[k] != NULL; k++)
		if (strlen(blocks[k]) == n && strncasecmp(p, blocks[k], n) == 0)
			break;
	*brk = blocks[k] != NULL;
	return (size_t)(e - s) + 1;
}

/*
 * A JSON-LD text as paragraphs added to b: character references read,
 * then tags stripped (some sites put HTML there, escaped or not), each
 * line a paragraph.
 */
static void
ld_add_text(struct tq_buf *b, const char *v)
{
	const char *p, *e;
	char *c, *line;
	size_t i, j, k;
	int brk;

	c = ex_utf8_clean(v, strlen(v));
	ex_read_refs(c);
	for (i = j = 0; c[i]; i++) {
		if (c[i] == '<' && (k = ld_tag(c + i, &brk)) > 0) {
			if (brk)
				c[j++] = '\n';
			i += k - 1;
			continue;
		}
		if ((unsigned char)c[i] == 0xe2 && (unsigned char)c[i + 1] ==
		    0x80 && ((unsigned char)c[i + 2] == 0xa8 ||
		    (unsigned char)c[i + 2] == 0xa9)) {
			c[j++] = '\n';	/* U+2028, U+2029: lines */
			i += 2;
			continue;
		}
		c[j++] = c[i];
	}
	c[j] = '\0';
	tq_buf_add(b, "", 0);
	for (p = c; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		line = ex_collapse(p, (size_t)(e - p), 1);
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

/*
 * The steps of a HowTo or a Recipe's instructions added to b: a text,
 * a list of them, a step (its text, or its directions and tips, after
 * its name unless the text begins with it) or a section (its name,
 * then its steps); at most *left of them, depth levels deep.
 */
static void
ld_add_steps(struct tq_buf *b, json_t *v, int depth, int *left)
{
	const char *name, *text;
	json_t *e;
	size_t i;

	if (depth <= 0 || *left <= 0)
		return;
	if (json_is_string(v)) {
		ld_add_text(b, json_string_value(v));
		(*left)--;
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v) && *left > 0; i++)
			ld_add_steps(b, json_array_get(v, i), depth - 1, left);
	} else if (json_is_object(v)) {
		(*left)--;
		name = json_string_value(json_object_get(v, "name"));
		text = json_string_value(json_object_get(v, "text"));
		if (name != NULL && *name && (text == NULL ||
		    strncmp(text, name, strlen(name)) != 0))
			ld_add_text(b, name);
		if (text != NULL)
			ld_add_text(b, text);
		else if ((e = json_object_get(v, "itemListElement")) != NULL)
			ld_add_steps(b, e, depth - 1, left);
	}
}

/*
 * A HowTo's or a Recipe's text from the page's structured data: its
 * description, a recipe's ingredients a line each, then the steps.
 * For pages built by scripts that show their steps nowhere else.
 */
static char *
ld_howto(struct ex *x)
{
	struct tq_buf b = { 0 };
	json_t *o = x->ldhowto, *v;
	const char *s;
	size_t i;
	int left = 500;

	if (o == NULL)
		return NULL;
	if ((s = json_string_value(json_object_get(o, "description"))) != NULL)
		ld_add_text(&b, s);
	v = json_object_get(o, "recipeIngredient");
	for (i = 0; json_is_array(v) && i < json_array_size(v) && i < 200;
	    i++)
		if ((s = json_string_value(json_array_get(v, i))) != NULL)
			ld_add_text(&b, s);
	if ((v = json_object_get(o, "step")) == NULL)
		v = json_object_get(o, "recipeInstructions");
	ld_add_steps(&b, v, 6, &left);
	return b.data;
}

/*
 * The page's lead before the structured data's text ldt: a story's
 * articleBody seldom holds the standfirst shown above the body, the
 * page's description in a paragraph of its own.  When text opens
 * with such a paragraph (ex_described_lead and ex_lead put it first)
 * and ldt does not hold it near its start, a new string of the two;
 * ldt is freed.  Otherwise ldt.
 */
static char *
ld_keep_lead(const char *text, char *ldt, const char *desc)
{
	char p[LEAD_SQUASH], d[LEAD_SQUASH], l[LEAD_SQUASH * 2], *s;
	const char *end;
	size_t n;

	if (desc == NULL || (end = strstr(text, "\n\n")) == NULL)
		return ldt;
	n = (size_t)(end - text);
	if (n >= sizeof(p))
		return ldt;
	s = xstrndup(text, n);
	ex_squash(s, p, sizeof(p), 0);
	free(s);
	ex_squash(desc, d, sizeof(d), 0);
	ex_squash(ldt, l, sizeof(l), 0);
	if (!ex_same_as_desc(p, d) || strstr(l, p) != NULL)
		return ldt;
	s = xmalloc(n + 2 + strlen(ldt) + 1);
	memcpy(s, text, n);
	memcpy(s + n, "\n\n", 2);
	strcpy(s + n + 2, ldt);
	free(ldt);
	return s;
}

/*
 * The structured data's text ldt (or NULL) in place of *text when it
 * holds min bytes or more and the text found is under three fifths of
 * it; ldt is freed otherwise.
 */
static void
ld_take(char **text, size_t *textlen, char *ldt, size_t min,
    const char *desc)
{
	if (ldt == NULL)
		return;
	if (strlen(ldt) >= min && *textlen * 5 < strlen(ldt) * 3) {
		ldt = ld_keep_lead(*text, ldt, desc);
		free(*text);
		*text = ldt;
		*textlen = strlen(ldt);
	} else
		free(ldt);
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
	if ((a = ex_ld_str(json_object_get(o, "author"), "name")) != NULL &&
	    *a && !ex_starts_with(a, "http"))
		ld_add_text(b, a);
	ld_add_text(b, v);
}

/*
 * Did a property before the i-th of the array v have the same name and
 * value?  Shops list their key specifications, then all of them.
 */
static int
prop_seen(json_t *v, size_t i)
{
	json_t *e = json_array_get(v, i), *f;
	size_t j;

	for (j = 0; j < i; j++) {
		f = json_array_get(v, j);
		if (json_is_object(f) && json_equal(json_object_get(f, "name"),
		    json_object_get(e, "name")) &&
		    json_equal(json_object_get(f, "value"),
		    json_object_get(e, "value")))
			return 1;
	}
	return 0;
}

/*
 * The text that the page's structured data gives for its type: a
 * thread's posts in order (question, answers, comments), a product's
 * name, description and properties (each once); NULL if none.
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
			if ((s = ex_ld_str(json_object_get(e, "name"), "name")) ==
			    NULL || json_object_get(e, "value") == NULL ||
			    prop_seen(v, i))
				continue;
			/* an image's or a page's address is no property */
			if (json_is_string(json_object_get(e, "value")) &&
			    (ex_starts_with(json_string_value(json_object_get(e,
			    "value")), "http://") || ex_starts_with(
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

void
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
	json_decref(x->ldhowto);
	tidyBufFree(&x->tb);
}

/*
 * Is the text of node i markup written out as text ("<div class=
 * \"alert\"><img src=...>"): a <noscript> that a page saved with its
 * scripts on holds as it was sent, a tracking pixel or a warning, no
 * text for a reader?
 */
static int
markup_text(struct ex *x, int i)
{
	char *t = ex_node_text(x, i, 200);
	const char *p = t;
	int r;

	while (isspace((unsigned char)*p))
		p++;
	r = p[0] == '<' && (isalpha((unsigned char)p[1]) || p[1] == '!' ||
	    p[1] == '/') && strchr(p, '>') != NULL;
	free(t);
	return r;
}

/*
 * Pages built by scripts often carry their text only in <noscript>
 * (for crawlers): show it when it holds most of the page's text.
 * A <noscript> whose text is markup stays hidden, and does not count.
 */
static void
use_noscript(struct ex *x)
{
	int i, ns = 0, all;
	unsigned char *in;

	x->noscript = 1;
	ex_mark_hidden(x);
	ex_sums(x);
	all = x->n[x->body].tlen;
	/* the outermost <noscript> elements: in[] marks their insides */
	in = xcalloc((size_t)x->nn + 1, 1);
	for (i = 1; i < x->nn; i++) {
		in[i] = in[x->n[i].parent] ||
		    (x->n[x->n[i].parent].flags & F_NOSCRIPT);
		if (!(x->n[i].flags & F_NOSCRIPT) || x->dead[i] || in[i])
			continue;
		if (x->n[i].tlen > 0 && markup_text(x, i)) {
			x->n[i].flags |= F_HIDDEN;
			all -= x->n[i].tlen;
		} else
			ns += x->n[i].tlen;
	}
	free(in);
	x->noscript = ns >= 200 && ns * 3 > all * 2;
	memset(x->dead, 0, (size_t)x->nn);
}

/* tidy's allocator out of memory: as tq's own (it printed and exit 2) */
static void TIDY_CALL
tidy_oom(ctmbstr msg)
{
	(void)msg;
	tq_oom();
}

TidyDoc
ex_tidy_parse(const char *html, size_t len, TidyBuffer *errbuf, int *rc)
{
	TidyDoc td;
	TidyBuffer in;

	tidySetPanicCall(tidy_oom);
	td = tidyCreate();
	tidyBufInit(errbuf);
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
	/* a shadow root's <slot>, which tidy knows not, where it stands */
	tidyOptSetValue(td, TidyInlineTags, "slot");
	tidyOptSetValue(td, TidyInCharEncoding, "utf8");
	tidySetErrorBuffer(td, errbuf);
	tidyBufInit(&in);
	tidyBufAttach(&in, (byte *)(uintptr_t)html, (uint)len);
	*rc = tidyParseBuffer(td, &in);
	tidyBufDetach(&in);
	return td;
}

static char *
tidy_tree(struct ex *x, const char *html, size_t len, struct tq_err *err)
{
	TidyDoc td;
	TidyBuffer errbuf;
	int rc;

	td = ex_tidy_parse(html, len, &errbuf, &rc);
	if (rc < 0) {
		tidyBufFree(&errbuf);
		tidyRelease(td);
		tq_err_set(err, TQ_ERR_PERMANENT, "parse_error",
		    "cannot parse (tidy status %d)", rc);
		return NULL;
	}
	ex_build(x, td);
	tidyBufFree(&errbuf);
	tidyRelease(td);
	return "";
}

/*
 * Each node's class/id weight and words.  Pages repeat their classes
 * many times over (a card's, a post's), so each distinct attribute is
 * looked at once.
 */
#define EX_ATTRS	8192	/* slots of the hash table, a power of two */

/*
 * A heading's id that is a slug of its own text ("h-what-is-social-
 * shopping", "user-content-install", "1-harvard-business-school",
 * heise's "nav_nur_die_folie__1", cut short or not) is an anchor for
 * links to it, and says nothing of what the heading is: its words
 * (here "social", "nav") must not weigh against it.
 * attr is "class id"; the id goes from it.
 */
static void
drop_slug_id(struct ex *x, int i)
{
	struct xn *n = &x->n[i];
	char id[128], text[256], *sp, *t;
	size_t k, m, words = 1;

	if ((sp = strrchr(n->attr, ' ')) == NULL || sp[1] == '\0' ||
	    strlen(sp + 1) >= 200)
		return;
	/*
	 * So is a section's whose text begins with its heading
	 * (docutils' <div class="section" id="sharing-with-a-single-
	 * developer">), when the slug has four words or more: a short
	 * one ("related-posts", "leave-a-reply") names a block of the
	 * site's chrome as often as its heading does.
	 */
	if (!ex_tag_is_heading(n->tag)) {
		for (t = sp + 1; *t != '\0'; t++)
			words += (*t == '-' || *t == '_') && t[1] != '\0' &&
			    t[1] != '-' && t[1] != '_';
		if (words < 4)
			return;
	}
	ex_squash(sp + 1, id, sizeof(id), 1);
	t = ex_node_text(x, i, 300);
	ex_squash(t, text, sizeof(text), 1);
	free(t);
	m = strlen(id);
	/* a counter the generator adds to repeated slugs ("__1", "-2") */
	while (m > 6 && isdigit((unsigned char)id[m - 1]))
		id[--m] = '\0';
	/* a prefix of the generator's ("h", "usercontent", "toc") first */
	for (k = 0; k <= 14 && k + 6 <= m; k++)
		if (strncmp(text, id + k, m - k) == 0) {
			*sp = '\0';
			return;
		}
}

static void
class_words(struct ex *x)
{
	struct { const char *a; int w; unsigned char b; } *tab;
	uint64_t h;
	size_t k;
	int i, used = 0;
	struct xn *n;

	tab = xcalloc(EX_ATTRS, sizeof(*tab));
	for (i = 0; i < x->nn; i++) {
		n = &x->n[i];
		if (n->attr == NULL)
			continue;
		drop_slug_id(x, i);
		/* MathJax's formula, whatever its menu's class */
		if (ex_has_word(n->attr, "mathjax"))
			continue;
		h = ex_fnv(n->attr);
		for (k = h & (EX_ATTRS - 1); tab[k].a != NULL &&
		    strcmp(tab[k].a, n->attr) != 0; k = (k + 1) & (EX_ATTRS - 1))
			;
		if (tab[k].a != NULL) {
			n->weight = tab[k].w;
			n->abits = tab[k].b;
			continue;
		}
		n->weight = ex_class_weight(n->attr);
		n->abits = (ex_attr_unlikely(n->attr) ? A_UNLIKELY : 0) |
		    (ex_attr_chrome(n->attr) ? A_CHROME : 0) |
		    (ex_attr_consent(n->attr) ? A_CONSENT : 0);
		if (used < EX_ATTRS / 2) {
			tab[k].a = n->attr;
			tab[k].w = n->weight;
			tab[k].b = n->abits;
			used++;
		}
	}
	free(tab);
}

/*
 * Is node i in the page's footer: a <footer> outside any <article>, or
 * a block whose class or id names a footer ("PageFooter",
 * "LegalFooter") that does not hold the page's <h1> (a layout's
 * "flex-wrap-footer" around the whole page is no footer), or on a
 * page without one, less than half its text?  Such is no story.
 */
static int
in_footer(struct ex *x, int i)
{
	const char *a;
	int f = 0;

	for (; i > 0; i = x->n[i].parent) {
		if (x->n[i].tag == TidyTag_ARTICLE)
			return 0;
		a = x->n[i].attr;
		if ((x->n[i].tag == TidyTag_FOOTER ||
		    (a != NULL && ex_word_at(a, "~footer"))) &&
		    (x->h1 > 0 ? !ex_is_ancestor(x, i, x->h1) :
		    x->n[i].tlen * 2 < x->n[x->body].tlen))
			f = 1;
	}
	return f;
}

/*
 * Is node i in a block of questions and answers ("faq", "faqs-
 * accordion") that does not hold the page's <h1>?  A service page's
 * FAQ, often its longest run of paragraphs, is not its story.
 */
static int
in_faq(struct ex *x, int i)
{
	const char *a;

	for (; i > 0; i = x->n[i].parent) {
		a = x->n[i].attr;
		if (a != NULL && ex_word_at(a, "~faq") &&
		    (x->h1 <= 0 || !ex_is_ancestor(x, i, x->h1)))
			return 1;
	}
	return 0;
}

int
tq_extract(const char *html, size_t len, const char *url, struct tq_doc *doc,
    struct tq_err *err)
{
	struct ex x;
	char *fixed = NULL, *nodecl = NULL, *text = NULL, *t;
	size_t fixedlen = 0, i;
	static const unsigned passes[] = {
		P_STRIP | P_WEIGHT | P_CLEAN, P_WEIGHT | P_CLEAN, P_CLEAN, 0
	};
	int rc = -1, k, type, top = -1, weak, faq;
	size_t best = 0, textlen = 0;

	memset(doc, 0, sizeof(*doc));
	memset(&x, 0, sizeof(x));
	tidyBufInit(&x.tb);
	x.h1 = -1;
	x.top = x.ptop = -1;
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
	if ((nodecl = ex_strip_decls(html, len, &fixedlen)) != NULL) {
		html = nodecl;
		len = fixedlen;
	}
	if (ex_prescan(html, len, &fixed, &fixedlen) == -1) {
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
	class_words(&x);
	use_noscript(&x);
	/* metadata first: the passes drop headings that repeat the title */
	for (i = 1; i < (size_t)x.nn; i++)
		if (x.dead[x.n[i].parent] || ex_is_hidden(&x, i))
			x.dead[i] = 1;
	ex_fill_meta(&x, url, doc);
	x.doctitle = doc->title;
	x.docdesc = doc->description;
	ex_ingredient_links(&x);
	ex_sums(&x);
	ex_mark_consent(&x);
	type = ex_detect_type(&x, url ? url : doc->canonical_url, doc);
	x.type = type;
	snprintf(doc->page_type, sizeof(doc->page_type), "%s",
	    page_types[type]);
	/* lengths without the marks of list items (x.marks) */
	for (k = 0; k < 4 && best < 500; k++) {
		t = ex_run_pass(&x, passes[k]);
		if (text == NULL || strlen(t) - x.marks > best) {
			free(text);
			text = t;
			top = x.ptop;
			best = strlen(t) - x.marks;
			textlen = best;
		} else
			free(t);
	}
	/* few marks of a story; a story found in the page's FAQ */
	weak = x.artmarks < 4 && x.npre == 0;
	faq = type == PT_ARTICLE && in_faq(&x, top);
	if (type != PT_ARTICLE) {
		/*
		 * A thread's posts each carry their chrome (user panels,
		 * signatures) that the article pass keeps, a product its
		 * shop's: the broad pass drops it and may be much shorter.
		 * The labels that a list's cleaning took count as its text.
		 */
		t = ex_broad_pass(&x, type);
		if ((strlen(t) - x.marks + (size_t)x.cleaned) * (type == PT_FORUM ? 3 :
		    type == PT_PRODUCT ? 5 : 1) >= best *
		    (type == PT_PRODUCT ? 2 : 1) ||
		    (in_footer(&x, top) && strlen(t) > x.marks)) {
			free(text);
			text = t;
			textlen = strlen(t) - x.marks;
		} else
			free(t);
	} else if (type == PT_ARTICLE && (weak || faq)) {
		/*
		 * A story on a page that hardly says it is one, and more
		 * text around it: a landing page of sections, a list.  The
		 * longer the story, the more the rest must outweigh it,
		 * unless its only mark is an undated og:type article (an
		 * SEO plugin's default for every page).  A story found in
		 * the footer, or in an FAQ with more around it, is none.
		 */
		t = ex_broad_pass(&x, PT_SERVICE);
		if ((weak && ((strlen(t) - x.marks) * 3 > (best < 1500 ||
		    x.ogonly ? 4 : 9) * best || (in_footer(&x, top) &&
		    strlen(t) > x.marks))) || (faq &&
		    strlen(t) - x.marks > best)) {
			free(text);
			text = t;
			textlen = strlen(t) - x.marks;
			type = PT_SERVICE;
			snprintf(doc->page_type, sizeof(doc->page_type), "%s",
			    page_types[type]);
		} else
			free(t);
	}
	/* structured data, where it is fuller than the page */
	ld_take(&text, &textlen, ld_typed_text(&x, type), 200, NULL);
	ld_take(&text, &textlen, ld_body(&x), 500, x.docdesc);
	ld_take(&text, &textlen, ld_howto(&x), 200, NULL);
	if (type == PT_FORUM)
		ex_forum_repeats(text);
	else if (type == PT_COLLECTION || type == PT_LISTING)
		ex_listing_repeats(text);
	doc->text = ex_utf8_clean(text, strlen(text));
	free(text);
	doc->word_count = tq_word_count(doc->text, strlen(doc->text));
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
