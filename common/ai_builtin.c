/*
 * ai_builtin.c - the "builtin" AI provider: no network, no key, and
 * deterministic (the same request always gives the same result).
 *
 *   summary   extractive: sentences ranked by TextRank (PageRank over
 *             TF-IDF cosine similarity between sentences) times priors
 *             for position, length and overlap with the title; the best
 *             N, less near-duplicates, printed in article order.
 *   keywords  phrases of 1-3 words between stopwords and punctuation,
 *             scored by frequency (less the frequency of a longer phrase
 *             that holds them), casing, title words and length.
 *   insights  what can be counted honestly: reading time, words,
 *             sentences, figures, dates, questions, and short points.
 *
 * Summary sentences are spans of the text with runs of white space
 * folded to one space (one of over 1000 characters, which only text
 * without sentence ends gives, is cut at a space and ends in "…").
 * Keywords are words of the text, lower case unless the text writes
 * them with capitals (then its most frequent spelling).  Work is linear
 * in the text except the sentence graph, which holds at most MAX_GRAPH
 * sentences.  Input that is not UTF-8 is read with U+FFFD for the bad
 * bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"

#define AI_MAX_INPUT	(4 << 20)	/* bytes; the rest is cut off */
#define MAX_GRAPH	300		/* sentences in the TextRank graph */
#define MAX_SUMMARY	50		/* sentences */
#define DEF_KEYWORDS	10
#define MAX_KEYWORDS	100
#define KEYWORD_CHARS	100
#define WORD_CHARS	30		/* longer tokens make no keyword */
#define WPM		230		/* reading speed, words a minute */
#define DAMPING		0.85
#define MAX_NUMBERS	5
#define MAX_DATES	10
#define MAX_QUESTIONS	5
#define POINT_CHARS	200
#define SENTENCE_CHARS	1000		/* longer ones are cut, with "…" */

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define GROW(p, n, cap) do {						\
	if ((n) >= (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 64;				\
		(p) = xrealloc((p), (size_t)(cap) * sizeof(*(p)));	\
	}								\
} while (0)

/* Interned strings with dense ids. */
struct strtab {
	struct tq_buf	 pool;
	uint32_t	*off;
	uint32_t	*len;
	uint32_t	*hash;
	int		 n, cap;
	int		*slot;
	size_t		 nslot;
};

/* A distinct lower-case word of the text. */
struct word {
	int		 stem;
	int		 chars;
	int		 month;		/* see month_name() */
	int		 count;
	int		 nmid;		/* occurrences not first in sentence */
	int		 nmidcap;	/* of those, written with a capital */
	unsigned	 stop:1, alpha:1, nokw:1, weak:1;
	int		 nform;		/* spellings with capitals */
	size_t		 form_off[4];
	uint32_t	 form_len[4];
	int		 form_n[4];
};

struct stem {
	int		 tf;
	int		 last;		/* sentence that counted it in df */
	int		 df;
	int		 title;
	int		 dfg;		/* df in the graph */
	int		 post;		/* first posting */
};

#define TK_NUM		0x001	/* digits, no letter */
#define TK_ALNUM	0x002	/* letters and digits */
#define TK_CAP		0x004	/* has a capital */
#define TK_ALLCAP	0x008
#define TK_FIRST	0x010	/* first of its sentence */
#define TK_BREAK	0x020	/* a phrase cannot run into it */
#define TK_NOKW		0x040	/* in a URL, address or dotted name */
#define TK_DATE		0x080
#define TK_KEEP		0x100	/* an acronym, never a stopword */
#define TK_LOWER	0x200	/* has a lower-case letter */

struct tok {
	size_t		 off;
	uint32_t	 len;
	int		 word;
	int		 sent;
	unsigned	 flags;
};

#define SF_LINE		0x001	/* the only sentence of its line */
#define SF_NOTERM	0x002	/* no closing punctuation */
#define SF_QUESTION	0x004
#define SF_COLON	0x008
#define SF_LIST		0x010
#define SF_HEADING	0x020
#define SF_SHOUT	0x040	/* capitals only */
#define SF_TITLECASE	0x080
#define SF_OK		0x100	/* may be a summary sentence */

struct sent {
	size_t		 off, len;
	int		 para;
	int		 t0, nt;
	unsigned	 flags;
	double		 prior, score;
	int		 v0, nv;	/* term vector */
	double		 norm;
};

struct term {
	int		 stem;
	double		 w;
};

struct cand {
	int		 s[3];		/* stems; -1 when shorter */
	int		 n;
	int		 f;
	int		 super;		/* frequency of a longer phrase */
	int		 first;		/* sentence */
	int		 var[3][3];	/* spellings, as word ids */
	int		 vtok[3];	/* a first token of each */
	int		 varn[3];
	int		 nvar;
	double		 score;
};

struct numhit {
	size_t		 a, b;		/* the value */
	int		 t0, t1;	/* tokens of the value */
	int		 prio;
	const char	*kind;
};

struct ctx {
	const char	*text;
	size_t		 len;
	const char	*lang;
	const char	*swlang;	/* the stopword list used */
	int		 npara;

	struct sent	*sent;
	int		 nsent, capsent;
	struct tok	*tok;
	int		 ntok, captok;
	struct strtab	 words;
	struct word	*w;
	int		 capw;
	struct strtab	 stems;
	struct stem	*st;
	int		 capst;
	struct term	*term;
	int		 nterm, capterm;

	int		*order;		/* summary candidates, best first */
	int		 norder;

	struct cand	*cand;
	int		 ncand, capcand;
	int		*cslot;
	size_t		 ncslot;
	int		*kw;		/* chosen candidates, best first */
	int		 nkw;

	struct tq_buf	 kb, nb;	/* scratch keys */
};

static const char *const lang_names[][2] = {
	{ "de", "German" }, { "el", "Greek" }, { "en", "English" },
	{ "es", "Spanish" }, { "fr", "French" }, { "he", "Hebrew" },
	{ "hy", "Armenian" }, { "id", "Indonesian" }, { "it", "Italian" },
	{ "ja", "Japanese" },
	{ "ka", "Georgian" }, { "ko", "Korean" }, { "nl", "Dutch" },
	{ "pt", "Portuguese" }, { "ru", "Russian" }, { "th", "Thai" },
	{ "zh", "Chinese" }
};

/* ------------------------------------------------------------ strings */

static uint32_t
fnv(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;

	while (n-- > 0) {
		h ^= *s++;
		h *= 16777619u;
	}
	return h;
}

static void
strtab_rehash(struct strtab *t)
{
	size_t i, j, ns = t->nslot ? t->nslot * 2 : 1024;
	int k;

	free(t->slot);
	t->slot = xmalloc(ns * sizeof(*t->slot));
	for (i = 0; i < ns; i++)
		t->slot[i] = -1;
	t->nslot = ns;
	for (k = 0; k < t->n; k++) {
		for (j = t->hash[k] & (ns - 1); t->slot[j] != -1;
		    j = (j + 1) & (ns - 1))
			continue;
		t->slot[j] = k;
	}
}

/* The id of s, -1 if absent and not add; *isnew tells an addition. */
static int
strtab_get(struct strtab *t, const char *s, size_t n, int add, int *isnew)
{
	uint32_t h = fnv(s, n);
	size_t j;
	int k;

	*isnew = 0;
	if (t->nslot == 0) {
		if (!add)
			return -1;
		strtab_rehash(t);
	}
	for (j = h & (t->nslot - 1); (k = t->slot[j]) != -1;
	    j = (j + 1) & (t->nslot - 1))
		if (t->hash[k] == h && t->len[k] == n &&
		    memcmp(t->pool.data + t->off[k], s, n) == 0)
			return k;
	if (!add)
		return -1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->off = xrealloc(t->off, t->cap * sizeof(*t->off));
		t->len = xrealloc(t->len, t->cap * sizeof(*t->len));
		t->hash = xrealloc(t->hash, t->cap * sizeof(*t->hash));
	}
	k = t->n++;
	t->off[k] = t->pool.len;
	t->len[k] = n;
	t->hash[k] = h;
	tq_buf_add(&t->pool, s, n);
	tq_buf_add(&t->pool, "", 1);
	if ((size_t)t->n * 2 > t->nslot)
		strtab_rehash(t);
	else
		t->slot[j] = k;
	*isnew = 1;
	return k;
}

static const char *
strtab_str(const struct strtab *t, int k)
{
	return t->pool.data + t->off[k];
}

static void
strtab_free(struct strtab *t)
{
	tq_buf_free(&t->pool);
	free(t->off);
	free(t->len);
	free(t->hash);
	free(t->slot);
}

static int
inlist(const char *const *list, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i][0] == w[0] && strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------- characters */

static int
space_cp(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200b) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 ||
	    c == 0xfeff;
}

static int
ascii_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static int
digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int
apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2bc;
}

static int
hyphen(uint32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2011;
}

static int
terminal(uint32_t c)
{
	switch (c) {
	case '.': case '!': case '?': case 0x2026: case 0x3002:
	case 0xff01: case 0xff0e: case 0xff1f: case 0x61f: case 0x6d4:
	case 0x964: case 0x965: case 0x203c: case 0x2047: case 0x2048:
	case 0x2049: case 0x37e:
		return 1;
	}
	return 0;
}

static int
cjk_terminal(uint32_t c)
{
	return c == 0x3002 || c == 0xff01 || c == 0xff0e || c == 0xff1f;
}

static int
question(uint32_t c)
{
	return c == '?' || c == 0xff1f || c == 0x61f || c == 0x37e ||
	    c == 0x2047 || c == 0x2048 || c == 0x2049;
}

static int
closer(uint32_t c)
{
	switch (c) {
	case '"': case '\'': case ')': case ']': case '}': case 0x201d:
	case 0x2019: case 0x201c: case 0x2018: case 0xbb: case 0x203a:
	case 0x300d: case 0x300f: case 0xff09: case 0x3011:
		return 1;
	}
	return 0;
}

static int
opener(uint32_t c)
{
	switch (c) {
	case '"': case '\'': case '(': case '[': case 0x201c: case 0x2018:
	case 0x201e: case 0xab: case 0x2039: case 0x300c: case 0x300e:
		return 1;
	}
	return 0;
}

static size_t
next_cp(const struct ctx *c, size_t i, size_t end, uint32_t *cp)
{
	if (i >= end) {
		*cp = 0;
		return 0;
	}
	if ((unsigned char)c->text[i] < 0x80) {
		*cp = (unsigned char)c->text[i];
		return 1;
	}
	return tq_lang_utf8(c->text + i, end - i, cp);
}

/* Start of the character before i (not before lo); 0 in *cp at lo. */
static size_t
prev_cp(const struct ctx *c, size_t lo, size_t i, uint32_t *cp)
{
	size_t j;

	if (i <= lo) {
		*cp = 0;
		return lo;
	}
	j = i - 1;
	while (j > lo && ((unsigned char)c->text[j] & 0xc0) == 0x80)
		j--;
	tq_lang_utf8(c->text + j, i - j, cp);
	return j;
}

static size_t
skip_space(const struct ctx *c, size_t i, size_t end)
{
	uint32_t cp;
	size_t n;

	while (i < end && (n = next_cp(c, i, end, &cp)) > 0 && space_cp(cp))
		i += n;
	return i;
}

static size_t
trim_end(const struct ctx *c, size_t a, size_t b)
{
	uint32_t cp;
	size_t j;

	while (b > a) {
		j = prev_cp(c, a, b, &cp);
		if (!space_cp(cp))
			break;
		b = j;
	}
	return b;
}

static size_t
nchars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Append s folding runs of ASCII white space into one space. */
static void
add_span(struct tq_buf *b, const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		for (j = i; j < len && !ascii_space(s[j]); j++)
			continue;
		tq_buf_add(b, s + i, j - i);
		while (j < len && ascii_space(s[j]))
			j++;
		if (j < len && j > i)
			tq_buf_add(b, " ", 1);
		i = j;
	}
}

/* Like add_span, but at most max characters, cut at a space with "…". */
static void
add_trunc(struct tq_buf *b, const char *s, size_t len, size_t max)
{
	struct tq_buf t = { 0 };
	size_t i, n, cut, lastsp;

	add_span(&t, s, len);
	if (t.data == NULL)
		return;
	if (nchars(t.data, t.len) <= max) {
		tq_buf_add(b, t.data, t.len);
		goto out;
	}
	for (i = n = 0, lastsp = 0; i < t.len && n < max; i++) {
		if (((unsigned char)t.data[i] & 0xc0) != 0x80)
			n++;
		if (t.data[i] == ' ')
			lastsp = i;
	}
	while (i < t.len && ((unsigned char)t.data[i] & 0xc0) == 0x80)
		i++;
	cut = lastsp * 2 > i ? lastsp : i;
	while (cut > 0 && (t.data[cut - 1] == ' ' || t.data[cut - 1] == ',' ||
	    t.data[cut - 1] == ';' || t.data[cut - 1] == ':'))
		cut--;
	tq_buf_add(b, t.data, cut);
	tq_buf_adds(b, "\xe2\x80\xa6");
out:
	tq_buf_free(&t);
}

/* A sentence as printed: white space folded, cut when very long. */
static json_t *
jsentence(const struct ctx *c, size_t off, size_t len)
{
	struct tq_buf b = { 0 };
	json_t *j;

	add_trunc(&b, c->text + off, len, SENTENCE_CHARS);
	j = json_stringn(b.data ? b.data : "", b.len);
	tq_buf_free(&b);
	return j;
}

static json_t *
jspan(const struct ctx *c, size_t off, size_t len)
{
	struct tq_buf b = { 0 };
	json_t *j;

	add_span(&b, c->text + off, len);
	j = json_stringn(b.data ? b.data : "", b.len);
	tq_buf_free(&b);
	return j;
}

/* --------------------------------------------------------- sentences */

enum { AB_NONE, AB_NEVER, AB_DIGIT, AB_MAYBE, AB_ORDINAL };

/* Abbreviations after which a full stop does not end a sentence. */
static const char *const ab_never[] = {
	"approx", "ca", "capt", "cf", "col", "dept", "dr", "dra", "ft", "gen",
	"gov", "hon", "hr", "jr", "lt", "mlle", "mme", "mr", "mrs", "ms", "mt",
	"prof", "rep", "rev", "sen", "sgt", "sr", "sra", "srta", "st", "univ",
	"vgl", "bzw", "vs"
};
/* ... unless a number follows. */
static const char *const ab_digit[] = {
	"abs", "apr", "art", "aug", "dec", "feb", "fig", "figs", "jan", "jul",
	"jun", "mar", "no", "nos", "nov", "nr", "oct", "p", "pp", "sep",
	"sept", "tel", "vol"
};
/* ... unless what follows looks like the start of a sentence. */
static const char *const ab_maybe[] = {
	"al", "bros", "co", "corp", "etc", "inc", "llc", "ltd", "plc", "usw"
};

static int
abbrev(const struct ctx *c, size_t lo, size_t dot)
{
	char w[16];
	size_t a = dot, j, n = 0, piece = 0, maxpiece = 0;
	uint32_t cp;
	int dots = 0, up = 0, digits = 0;

	while (a > lo) {
		j = prev_cp(c, lo, a, &cp);
		if (cp == '.') {
			dots++;
			piece = 0;
		} else if (tq_lang_isword(cp)) {
			n++;
			digits += digit(cp);
			if (++piece > maxpiece)
				maxpiece = piece;
			if (tq_lang_case(cp) > 0)
				up = 1;
		} else
			break;
		a = j;
	}
	if (n == 0)
		return AB_NONE;
	if (digits > 0)				/* "3. Oktober" */
		return digits == (int)n && n <= 2 && dots == 0 ? AB_ORDINAL :
		    AB_NONE;
	if (dots > 0)				/* e.g, U.S, a.m, z.B */
		return maxpiece <= 3 ? AB_MAYBE : AB_NONE;
	if (n == 1)				/* an initial */
		return up ? AB_NEVER : AB_MAYBE;
	if (dot - a >= sizeof(w))
		return AB_NONE;
	for (j = 0; a + j < dot; j++) {
		w[j] = c->text[a + j];
		if ((unsigned char)w[j] >= 0x80)
			return AB_NONE;
		if (w[j] >= 'A' && w[j] <= 'Z')
			w[j] += 32;
	}
	w[j] = '\0';
	if (inlist(ab_never, NITEMS(ab_never), w))
		return AB_NEVER;
	if (inlist(ab_digit, NITEMS(ab_digit), w))
		return AB_DIGIT;
	if (inlist(ab_maybe, NITEMS(ab_maybe), w))
		return AB_MAYBE;
	return AB_NONE;
}

/* The word at i, lower case, into c->nb; does it start with a capital? */
static int
next_word(struct ctx *c, size_t i, size_t end)
{
	uint32_t cp;
	size_t n;
	char u[4];
	int cap;

	while ((n = next_cp(c, i, end, &cp)) > 0 && opener(cp))
		i += n;
	cap = tq_lang_case(cp) > 0;
	c->nb.len = 0;
	tq_buf_add(&c->nb, "", 0);
	while (n > 0 && (tq_lang_isword(cp) || apostrophe(cp)) &&
	    c->nb.len < 64) {
		tq_buf_add(&c->nb, u, tq_lang_utf8_put(apostrophe(cp) ? '\'' :
		    tq_lang_lower(cp), u));
		i += n;
		n = next_cp(c, i, end, &cp);
	}
	return cap;
}

/* Does a capitalised stopword ("The", "It", "Er") start at i? */
static int
starter(struct ctx *c, size_t i, size_t end)
{
	if (!next_word(c, i, end) || c->nb.len == 0)
		return 0;
	return tq_lang_stopword(c->swlang, c->nb.data, c->nb.len) ||
	    tq_lang_stopword("en", c->nb.data, c->nb.len);
}

static int month_name(const char *);

/* "3. Oktober", and in German "19. Jahrhundert": a number, not an end. */
static int
ordinal(struct ctx *c, size_t i, size_t end)
{
	int cap = next_word(c, i, end);

	return month_name(c->nb.data) != 0 || (cap &&
	    strcmp(c->swlang, "de") == 0 && !tq_lang_stopword("de",
	    c->nb.data, c->nb.len));
}

static void
add_sentence(struct ctx *c, size_t a, size_t b)
{
	struct sent *s;
	uint32_t cp;
	size_t j;

	a = skip_space(c, a, b);
	b = trim_end(c, a, b);
	if (a >= b)
		return;
	GROW(c->sent, c->nsent, c->capsent);
	s = &c->sent[c->nsent++];
	memset(s, 0, sizeof(*s));
	s->off = a;
	s->len = b - a;
	s->para = c->npara;
	j = b;
	do
		j = prev_cp(c, a, j, &cp);
	while (j > a && closer(cp));
	if (terminal(cp)) {
		if (question(cp))
			s->flags |= SF_QUESTION;
	} else {
		s->flags |= SF_NOTERM;
		if (cp == ':')
			s->flags |= SF_COLON;
	}
}

static void
sentences(struct ctx *c, size_t a, size_t b)
{
	const char *s = c->text;
	size_t i = a, start = a, j, k, n, m;
	uint32_t ch, nx;
	int kind;

	while (i < b) {
		n = next_cp(c, i, b, &ch);
		if (!terminal(ch)) {
			i += n;
			continue;
		}
		for (j = i + n; j < b; j += m) {
			m = next_cp(c, j, b, &nx);
			if (!terminal(nx) && !closer(nx))
				break;
		}
		if (j >= b)
			break;
		next_cp(c, j, b, &nx);
		if (!cjk_terminal(ch) && !space_cp(nx)) {
			i = j;
			continue;
		}
		k = skip_space(c, j, b);
		if (k >= b)
			break;
		next_cp(c, k, b, &nx);
		if (!cjk_terminal(ch)) {
			if (tq_lang_case(nx) < 0) {
				i = k;
				continue;
			}
			if (ch == '.' && s[i + 1] != '.' && (i == a ||
			    s[i - 1] != '.')) {
				kind = abbrev(c, start, i);
				if (kind == AB_NEVER || (kind == AB_DIGIT &&
				    digit(nx)) || (kind == AB_MAYBE &&
				    !starter(c, k, b)) || (kind == AB_ORDINAL &&
				    ordinal(c, k, b))) {
					i = k;
					continue;
				}
			}
		}
		add_sentence(c, start, j);
		start = i = k;
	}
	add_sentence(c, start, b);
}

/* The end of a list marker ("- ", "• ", "1. ", "a) ") at a, or 0. */
static size_t
bullet(const struct ctx *c, size_t a, size_t b)
{
	static const uint32_t marks[] = {
		'-', '*', '+', '>', 0xb7, 0x2013, 0x2014, 0x2022, 0x2023,
		0x2043, 0x2219, 0x25aa, 0x25ba, 0x25cf, 0x25e6, 0x27a2
	};
	const char *s = c->text;
	uint32_t cp, nx;
	size_t i, n;

	n = next_cp(c, a, b, &cp);
	for (i = 0; i < NITEMS(marks); i++)
		if (cp == marks[i]) {
			next_cp(c, a + n, b, &nx);
			return space_cp(nx) ? a + n : 0;
		}
	for (i = a; i < b && i - a < 3 && digit((unsigned char)s[i]); i++)
		continue;
	if (i == a && i < b && s[i] >= 'a' && s[i] <= 'z' && i + 1 < b &&
	    s[i + 1] == ')')
		i++;
	if (i == a || i + 1 >= b || (s[i] != '.' && s[i] != ')') ||
	    !ascii_space(s[i + 1]))
		return 0;
	if (s[i] == '.' && !digit((unsigned char)s[a]))
		return 0;
	return i + 1;
}

static void
unit(struct ctx *c, size_t a, size_t b, int line)
{
	size_t p;
	int k, s0 = c->nsent, list = 0;

	if ((p = bullet(c, a, b)) > 0) {
		a = skip_space(c, p, b);
		list = 1;
	}
	if (a >= b)
		return;
	sentences(c, a, b);
	for (k = s0; k < c->nsent; k++) {
		if (list)
			c->sent[k].flags |= SF_LIST;
		if (line && c->nsent - s0 == 1)
			c->sent[k].flags |= SF_LINE;
	}
}

struct span {
	size_t	 a, b;
};

/* Length of the first word of a line, in characters. */
static size_t
first_word(const struct ctx *c, const struct span *l)
{
	size_t i;

	for (i = l->a; i < l->b && !ascii_space(c->text[i]); i++)
		continue;
	return nchars(c->text + l->a, i - l->a);
}

static int
ends_terminal(const struct ctx *c, const struct span *l)
{
	uint32_t cp;
	size_t j = l->b;

	do
		j = prev_cp(c, l->a, j, &cp);
	while (j > l->a && closer(cp));
	return terminal(cp) || cp == ':';
}

/*
 * A paragraph's lines are one text wrapped at a fixed width when no
 * line is a list item and the first word of each line would not have
 * fitted at the end of the line before; else each line is a unit of
 * its own (headings, list items, verse, addresses).
 */
static void
paragraph(struct ctx *c, const struct span *ln, int n)
{
	size_t l, maxl = 0;
	int k, wrap = 0;

	if (n >= 3) {
		for (k = 0; k < n - 1; k++)
			if ((l = nchars(c->text + ln[k].a, ln[k].b - ln[k].a)) >
			    maxl)
				maxl = l;
		wrap = maxl >= 40 && maxl <= 120;
		for (k = 0; wrap && k < n; k++) {
			if (bullet(c, ln[k].a, ln[k].b) > 0)
				wrap = 0;
			else if (k < n - 1 && nchars(c->text + ln[k].a,
			    ln[k].b - ln[k].a) + 1 +
			    first_word(c, &ln[k + 1]) <= maxl)
				wrap = 0;
		}
	} else if (n == 2) {
		uint32_t cp;

		l = nchars(c->text + ln[0].a, ln[0].b - ln[0].a);
		next_cp(c, ln[1].a, ln[1].b, &cp);
		wrap = l >= 50 && l <= 120 && !ends_terminal(c, &ln[0]) &&
		    tq_lang_case(cp) < 0 && bullet(c, ln[0].a, ln[0].b) == 0;
	}
	if (wrap)
		unit(c, ln[0].a, ln[n - 1].b, 0);
	else
		for (k = 0; k < n; k++)
			unit(c, ln[k].a, ln[k].b, 1);
	c->npara++;
}

static void
split(struct ctx *c)
{
	struct span *ln = NULL;
	const char *nl;
	size_t i = 0, e, a, b;
	int nln = 0, capln = 0;

	while (i <= c->len) {
		nl = memchr(c->text + i, '\n', c->len - i);
		e = nl != NULL ? (size_t)(nl - c->text) : c->len;
		a = skip_space(c, i, e);
		b = trim_end(c, a, e);
		if (a < b) {
			GROW(ln, nln, capln);
			ln[nln].a = a;
			ln[nln].b = b;
			nln++;
		} else if (nln > 0) {
			paragraph(c, ln, nln);
			nln = 0;
		}
		i = e + 1;
	}
	if (nln > 0)
		paragraph(c, ln, nln);
	free(ln);
}

/* ------------------------------------------------------------- words */

/* Light suffix stripping, for grouping "deal" with "deals". */
static size_t
stem(const char *lang, char *w, size_t n)
{
	if (n < 4)
		return n;
	if (strcmp(lang, "en") == 0) {
		if (n > 4 && memcmp(w + n - 3, "ies", 3) == 0) {
			w[n - 3] = 'y';
			return n - 2;
		}
		if (memcmp(w + n - 4, "sses", 4) == 0)
			return n - 2;
		if (w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' &&
		    w[n - 2] != 'i' && w[n - 2] != '\'')
			return n - 1;
		return n;
	}
	if (strcmp(lang, "fr") == 0 || strcmp(lang, "es") == 0 ||
	    strcmp(lang, "pt") == 0) {
		if (n > 4 && w[n - 1] == 's' && w[n - 2] != 's')
			return n - 1;
		return n;
	}
	if (strcmp(lang, "de") == 0 && n >= 6) {
		if (memcmp(w + n - 2, "en", 2) == 0 ||
		    memcmp(w + n - 2, "er", 2) == 0 ||
		    memcmp(w + n - 2, "es", 2) == 0)
			return n - 2;
		if (w[n - 1] == 'e' || w[n - 1] == 'n' || w[n - 1] == 's')
			return n - 1;
		return n;
	}
	if (strcmp(lang, "ru") == 0 && n >= 10) {
		/* one closing vowel or soft sign: диета, диеты, диету */
		static const char *const ends[] = {
			"а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я"
		};
		size_t i;

		for (i = 0; i < NITEMS(ends); i++)
			if (memcmp(w + n - 2, ends[i], 2) == 0)
				return n - 2;
	}
	return n;
}

/*
 * The end of the token starting at i: word characters, with apostrophes
 * and hyphens between letters and . or , between digits.
 */
static size_t
tok_end(const struct ctx *c, size_t i, size_t end, int *letters,
    int *digits, int *up, int *low)
{
	uint32_t ch, nx, pv = 0;
	size_t n;
	int cs;

	*letters = *digits = *up = *low = 0;
	while (i < end) {
		n = next_cp(c, i, end, &ch);
		if (tq_lang_isword(ch)) {
			if (digit(ch))
				(*digits)++;
			else
				(*letters)++;
			if ((cs = tq_lang_case(ch)) > 0)
				(*up)++;
			else if (cs < 0)
				(*low)++;
			pv = ch;
			i += n;
			continue;
		}
		next_cp(c, i + n, end, &nx);
		if (!tq_lang_isword(nx))
			break;
		if ((apostrophe(ch) && !digit(pv) && !digit(nx)) ||
		    hyphen(ch) || ((ch == '.' || ch == ',') && digit(pv) &&
		    digit(nx))) {
			i += n;
			continue;
		}
		break;
	}
	return i;
}

static void
reserve(struct tq_buf *b, size_t n)
{
	if (b->cap < n + 1) {
		b->cap = n + 1 > 256 ? n + 1 : 256;
		b->data = xrealloc(b->data, b->cap);
	}
}

/* Lower case of [a, b) into c->kb, and with ' apostrophes into c->nb. */
static void
make_keys(struct ctx *c, size_t a, size_t b)
{
	const unsigned char *s = (const unsigned char *)c->text;
	uint32_t cp;
	size_t n, k = 0, m = 0;
	char *kb, *nb;

	reserve(&c->kb, 4 * (b - a));
	reserve(&c->nb, 4 * (b - a));
	kb = c->kb.data;
	nb = c->nb.data;
	for (; a < b; a += n) {
		if (s[a] < 0x80) {
			n = 1;
			kb[k++] = nb[m++] = s[a] >= 'A' && s[a] <= 'Z' ?
			    s[a] + 32 : s[a];
			continue;
		}
		n = next_cp(c, a, b, &cp);
		cp = tq_lang_lower(cp);
		k += tq_lang_utf8_put(cp, kb + k);
		if (apostrophe(cp))
			nb[m++] = '\'';
		else
			m += tq_lang_utf8_put(cp, nb + m);
	}
	kb[k] = nb[m] = '\0';
	c->kb.len = k;
	c->nb.len = m;
}

/* Strip a trailing possessive 's; the new end. */
static size_t
possessive(const struct ctx *c, size_t a, size_t b)
{
	const char *s = c->text;

	if (b - a < 3 || (s[b - 1] != 's' && s[b - 1] != 'S'))
		return b;
	if (s[b - 2] == '\'')
		return b - 2;
	if (b - a > 4 && memcmp(s + b - 4, "\xe2\x80\x99", 3) == 0)
		return b - 4;
	if (b - a > 3 && memcmp(s + b - 3, "\xca\xbc", 2) == 0)
		return b - 3;
	return b;
}

/* 1 Han, 2 hiragana, 3 katakana, 0 anything else. */
static int
cjk_cp(uint32_t c)
{
	if ((c >= 0x3400 && c < 0x4dc0) || (c >= 0x4e00 && c < 0xa000) ||
	    (c >= 0xf900 && c < 0xfb00) || (c >= 0x20000 && c < 0x30000) ||
	    c == 0x3005)
		return 1;
	if (c >= 0x3040 && c < 0x30a0)
		return 2;
	if ((c >= 0x30a0 && c < 0x3100) || (c >= 0x31f0 && c < 0x3200) ||
	    (c >= 0xff66 && c < 0xffa0))
		return 3;
	return 0;
}

/* Does s hold Han or kana? */
static int
cjk_class(const char *s, size_t len)
{
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < len && (unsigned char)s[i] < 0xe3; i++)
		continue;
	if (i == len)
		return 0;
	for (i = 0; i < len; i += n) {
		n = tq_lang_utf8(s + i, len - i, &cp);
		if (cjk_cp(cp) != 0)
			return 1;
	}
	return 0;
}

/* Hiragana alone are particles and endings: stopwords. */
static int
hiragana(const char *s, size_t len)
{
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = tq_lang_utf8(s + i, len - i, &cp);
		if (cjk_cp(cp) != 2)
			return 0;
	}
	return len > 0;
}

static const char *const weekdays[] = {
	"dienstag", "dimanche", "domenica", "domingo", "donderdag",
	"donnerstag", "freitag", "friday", "giovedì", "jeudi", "jueves",
	"lundi", "lunedì", "lunes", "maandag", "mardi", "martedì", "martes",
	"mercoledì", "mercredi", "miércoles", "mittwoch", "monday", "montag",
	"quarta-feira", "quinta-feira", "sabato", "samedi", "samstag",
	"saturday", "segunda-feira", "sexta-feira", "sonntag", "sunday",
	"sábado", "terça-feira", "thursday", "tuesday", "vendredi",
	"venerdì", "viernes", "vrijdag", "wednesday", "woensdag",
	"zaterdag", "zondag"
};

/* Alone, these words say little about a text. */
static const char *const weak_words[] = {
	"afternoon", "big", "different", "early", "evening", "first",
	"former", "full", "good", "gran", "grand", "grande", "great", "high",
	"large", "last", "late", "latest", "left", "long", "low", "major",
	"morning", "neu", "neue", "neuen", "neuer", "neues", "new", "next",
	"night", "nouveau", "nouveaux", "nouvelle", "nouvelles", "nova",
	"novas", "novo", "novos", "nueva", "nuevas", "nuevo", "nuevos",
	"nuova", "nuove", "nuovi", "nuovo", "old", "real", "recent", "right",
	"second", "small", "third", "top", "weekend", "whole"
};

static int
intern_word(struct ctx *c, int letters, int digits)
{
	struct word *w;
	struct stem *st;
	size_t sl;
	int id, sid, isnew;

	id = strtab_get(&c->words, c->kb.data, c->kb.len, 1, &isnew);
	if (!isnew)
		return id;
	GROW(c->w, id, c->capw);
	w = &c->w[id];
	memset(w, 0, sizeof(*w));
	w->chars = nchars(c->kb.data, c->kb.len);
	w->alpha = letters > 0;
	w->stop = tq_lang_stopword(c->swlang, c->nb.data, c->nb.len) ||
	    hiragana(c->kb.data, c->kb.len);
	w->nokw = memchr(c->kb.data, ',', c->kb.len) != NULL ||
	    (w->chars > 8 && cjk_class(c->kb.data, c->kb.len) != 0);
	w->month = month_name(c->kb.data);
	w->weak = w->month != 0 || inlist(weekdays, NITEMS(weekdays),
	    c->kb.data) || inlist(weak_words, NITEMS(weak_words), c->kb.data);
	sl = c->nb.len;
	if (letters > 0 && digits == 0)
		sl = stem(c->swlang, c->nb.data, c->nb.len);
	sid = strtab_get(&c->stems, c->nb.data, sl, 1, &isnew);
	if (isnew) {
		GROW(c->st, sid, c->capst);
		st = &c->st[sid];
		memset(st, 0, sizeof(*st));
		st->last = -1;
	}
	w->stem = sid;
	return id;
}

static int
elides(const char *lang)
{
	return strcmp(lang, "fr") == 0 || strcmp(lang, "it") == 0;
}

/* URLs, addresses, file names and dotted names make no keywords. */
static int
glued(const struct ctx *c, size_t lo, size_t hi, size_t a, size_t b)
{
	uint32_t p, pp, nx, nn;
	size_t j, n;

	j = prev_cp(c, lo, a, &p);
	prev_cp(c, lo, j, &pp);
	if (p == '@' || p == '#' || ((p == '.' || p == '/' || p == '_' ||
	    p == ':' || p == '\\') && tq_lang_isword(pp)))
		return 1;
	n = next_cp(c, b, hi, &nx);
	next_cp(c, b + n, hi, &nn);
	return (nx == '.' || nx == '/' || nx == '@' || nx == '_' ||
	    nx == '\\') && tq_lang_isword(nn);
}

static void
add_tok(struct ctx *c, int si, size_t a, size_t b, unsigned flags)
{
	const struct sent *st = &c->sent[si];
	struct tok *t;
	uint32_t ch;
	size_t i, n;
	int letters = 0, digits = 0, up = 0, low = 0, cs;

	for (i = a; i < b; i += n) {
		n = next_cp(c, i, b, &ch);
		if (!tq_lang_isword(ch))
			continue;
		if (digit(ch))
			digits++;
		else
			letters++;
		if ((cs = tq_lang_case(ch)) > 0)
			up++;
		else if (cs < 0)
			low++;
	}
	make_keys(c, a, b);
	GROW(c->tok, c->ntok, c->captok);
	t = &c->tok[c->ntok++];
	t->off = a;
	t->len = b - a;
	t->sent = si;
	t->word = intern_word(c, letters, digits);
	t->flags = flags;
	if (letters == 0)
		t->flags |= TK_NUM;
	else if (digits > 0)
		t->flags |= TK_ALNUM;
	if (up > 0)
		t->flags |= TK_CAP;
	if (up > 1 && low == 0)
		t->flags |= TK_ALLCAP;
	if (low > 0)
		t->flags |= TK_LOWER;
	if (glued(c, st->off, st->off + st->len, a, b))
		t->flags |= TK_NOKW;
}

/* Han, kana and other runs of a token in a script without spaces. */
static void
add_cjk(struct ctx *c, int si, size_t a, size_t b, unsigned flags)
{
	uint32_t ch;
	size_t x, y, n;
	int cl;

	for (x = a; x < b; x = y) {
		next_cp(c, x, b, &ch);
		cl = cjk_cp(ch);
		for (y = x; y < b; y += n) {
			n = next_cp(c, y, b, &ch);
			if (cjk_cp(ch) != cl)
				break;
		}
		add_tok(c, si, x, y, flags | TK_BREAK);
		flags &= ~TK_FIRST;
	}
}

static void
tokenize(struct ctx *c, int si)
{
	struct sent *st = &c->sent[si];
	size_t i = st->off, end = st->off + st->len, a, b, n, j;
	uint32_t ch;
	unsigned flags;
	int brk = 1, first = 1, after, letters, digits, up, low;
	int nup = 0, nlow = 0;

	st->t0 = c->ntok;
	while (i < end) {
		n = next_cp(c, i, end, &ch);
		if (!tq_lang_isword(ch)) {
			if (!space_cp(ch))
				brk = 1;
			i += n;
			continue;
		}
		a = i;
		i = b = tok_end(c, i, end, &letters, &digits, &up, &low);
		nup += up;
		nlow += low;
		flags = (first ? TK_FIRST : 0) | (brk ? TK_BREAK : 0);
		first = 0;
		if (cjk_class(c->text + a, b - a) != 0) {
			add_cjk(c, si, a, b, flags);
			brk = 1;
			continue;
		}
		after = 0;
		if (letters > 0 && (j = possessive(c, a, b)) < b) {
			b = j;
			after = 1;
		}
		if (elides(c->swlang)) {
			make_keys(c, a, b);
			if (tq_lang_elision(c->nb.data, c->nb.len) > 0) {
				while (a < b) {
					a += next_cp(c, a, b, &ch);
					if (apostrophe(ch))
						break;
				}
				flags |= TK_BREAK;
			}
		}
		add_tok(c, si, a, b, flags);
		brk = after;
	}
	st->nt = c->ntok - st->t0;
	if (nup >= 2 && nlow == 0)
		st->flags |= SF_SHOUT;
}

static void
add_form(struct ctx *c, struct word *w, const struct tok *t)
{
	int k;

	for (k = 0; k < w->nform; k++)
		if (w->form_len[k] == t->len && memcmp(c->text +
		    w->form_off[k], c->text + t->off, t->len) == 0) {
			w->form_n[k]++;
			return;
		}
	if (w->nform < (int)NITEMS(w->form_n)) {
		w->form_off[k] = t->off;
		w->form_len[k] = t->len;
		w->form_n[k] = 1;
		w->nform++;
	}
}

/* Sentence kinds, acronyms, and the counts of words and stems. */
static void
survey(struct ctx *c)
{
	struct sent *s;
	struct tok *t;
	struct word *w;
	struct stem *st;
	int si, k, content, caps;

	for (si = 0; si < c->nsent; si++) {
		s = &c->sent[si];
		if ((s->flags & SF_LINE) && (s->flags & SF_NOTERM) &&
		    s->nt <= 15)
			s->flags |= SF_HEADING;
		content = caps = 0;
		for (k = s->t0; k < s->t0 + s->nt; k++) {
			t = &c->tok[k];
			if ((t->flags & TK_ALLCAP) && !(s->flags & SF_SHOUT) &&
			    c->w[t->word].chars <= 5)
				t->flags |= TK_KEEP;
			if (c->w[t->word].alpha && !c->w[t->word].stop) {
				content++;
				if (t->flags & TK_CAP)
					caps++;
			}
		}
		if ((s->flags & SF_NOTERM) && content >= 3 &&
		    caps * 5 >= content * 3)
			s->flags |= SF_TITLECASE;
		for (k = s->t0; k < s->t0 + s->nt; k++) {
			t = &c->tok[k];
			w = &c->w[t->word];
			st = &c->st[w->stem];
			w->count++;
			st->tf++;
			if (st->last != si) {
				st->last = si;
				st->df++;
			}
			if (s->flags & SF_SHOUT)
				continue;
			if ((t->flags & TK_CAP))
				add_form(c, w, t);
			if (!(t->flags & TK_FIRST) &&
			    !(s->flags & SF_TITLECASE)) {
				w->nmid++;
				if (t->flags & TK_CAP)
					w->nmidcap++;
			}
		}
	}
}

static void
title_stems(struct ctx *c, const char *title)
{
	struct ctx tc;
	char *clean;
	size_t len, i, b, n, sl;
	uint32_t ch;
	int letters, digits, up, low, sid, isnew;

	clean = tq_lang_utf8_clean(title, strlen(title), &len);
	memset(&tc, 0, sizeof(tc));
	tc.text = clean;
	tc.len = len;
	for (i = 0; i < len; ) {
		n = next_cp(&tc, i, len, &ch);
		if (!tq_lang_isword(ch)) {
			i += n;
			continue;
		}
		b = tok_end(&tc, i, len, &letters, &digits, &up, &low);
		if (letters > 0)
			make_keys(&tc, i, possessive(&tc, i, b));
		if (letters > 0 && tc.nb.len > 0) {
			sl = digits == 0 ? stem(c->swlang, tc.nb.data,
			    tc.nb.len) : tc.nb.len;
			sid = strtab_get(&c->stems, tc.nb.data, sl, 0, &isnew);
			if (sid >= 0)
				c->st[sid].title = 1;
		}
		i = b;
	}
	tq_buf_free(&tc.kb);
	tq_buf_free(&tc.nb);
	free(clean);
}

/* ---------------------------------------------------------- TextRank */

static int
content_tok(const struct ctx *c, const struct tok *t)
{
	const struct word *w = &c->w[t->word];

	return w->alpha && (!w->stop || (t->flags & TK_KEEP)) &&
	    w->chars >= 2 && !(t->flags & TK_NOKW);
}

static double
prior(const struct ctx *c, const struct sent *s, int idx, int ne)
{
	double p, len;
	int k, hits = 0, n = 0;

	p = 1.0 + 0.5 / (1.0 + idx / 2.0);
	if (ne > 10 && idx >= ne - 2)
		p *= 0.9;			/* closing lines, credits */
	len = s->nt;
	if (len < 6)
		p *= 0.5;
	else if (len < 10)
		p *= 0.8;
	else if (len > 60)
		p *= 0.7;
	else if (len > 35)
		p *= 0.9;
	for (k = s->t0; k < s->t0 + s->nt; k++)
		if (content_tok(c, &c->tok[k])) {
			n++;
			hits += c->st[c->w[c->tok[k].word].stem].title;
		}
	if (n > 0)
		p *= 1.0 + 0.5 * (double)(hits < 4 ? hits : 4) / 4.0;
	if (s->flags & SF_LIST)
		p *= 0.8;
	if (s->flags & SF_NOTERM)
		p *= 0.7;
	if (s->flags & SF_QUESTION)
		p *= 0.8;
	return p;
}

static int
eligible(const struct ctx *c, const struct sent *s)
{
	int k, nums = 0;

	if (s->flags & (SF_HEADING | SF_SHOUT | SF_COLON))
		return 0;
	if (s->nt < 4 || s->nt > 120)
		return 0;
	for (k = s->t0; k < s->t0 + s->nt; k++)
		if (c->tok[k].flags & TK_NUM)
			nums++;
	return nums * 2 <= s->nt;
}

static int
by_prior(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct sent *x = &c->sent[*(const int *)a];
	const struct sent *y = &c->sent[*(const int *)b];

	if (x->prior != y->prior)
		return x->prior > y->prior ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static int
by_score(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct sent *x = &c->sent[*(const int *)a];
	const struct sent *y = &c->sent[*(const int *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static int
by_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int
by_term(const void *a, const void *b)
{
	return ((const struct term *)a)->stem - ((const struct term *)b)->stem;
}

/* Stem vector of sentence si into c->term, as tf for now. */
static void
vectorize(struct ctx *c, int si)
{
	struct sent *s = &c->sent[si];
	struct term *v;
	int k, n, m;

	s->v0 = c->nterm;
	for (k = s->t0; k < s->t0 + s->nt; k++)
		if (content_tok(c, &c->tok[k])) {
			GROW(c->term, c->nterm, c->capterm);
			c->term[c->nterm].stem = c->w[c->tok[k].word].stem;
			c->term[c->nterm].w = 1;
			c->nterm++;
		}
	v = c->term + s->v0;
	n = c->nterm - s->v0;
	if (n > 1)
		qsort(v, n, sizeof(*v), by_term);
	for (k = m = 0; k < n; k++) {
		if (m > 0 && v[m - 1].stem == v[k].stem)
			v[m - 1].w += 1;
		else
			v[m++] = v[k];
	}
	s->nv = m;
	c->nterm = s->v0 + m;
}

static double
cosine(const struct ctx *c, const struct sent *x, const struct sent *y)
{
	const struct term *a = c->term + x->v0, *b = c->term + y->v0;
	double dot = 0;
	int i = 0, j = 0;

	if (x->norm == 0 || y->norm == 0)
		return 0;
	while (i < x->nv && j < y->nv) {
		if (a[i].stem < b[j].stem)
			i++;
		else if (a[i].stem > b[j].stem)
			j++;
		else
			dot += a[i++].w * b[j++].w;
	}
	return dot / (x->norm * y->norm);
}

static void
rank(struct ctx *c)
{
	struct sent *s;
	struct term *v;
	int *g, *ps, *rowp = NULL, *col = NULL;
	double *pw, *val = NULL, *acc, *outw, *r, *nr, delta;
	int ng = 0, ne = 0, i, j, k, p, t, nedge = 0, capedge = 0;
	int it, total;

	g = xcalloc(c->nsent + 1, sizeof(*g));
	for (i = 0; i < c->nsent; i++)
		if (eligible(c, &c->sent[i]))
			c->sent[i].flags |= SF_OK;
	for (i = 0; i < c->nsent; i++)
		if (c->sent[i].flags & SF_OK)
			ne++;
	for (i = 0; ne == 0 && i < c->nsent; i++)
		if (c->sent[i].nt > 0 && !(c->sent[i].flags & SF_SHOUT)) {
			c->sent[i].flags |= SF_OK;
			ne++;
		}
	if (ne == 0) {
		for (i = 0; i < c->nsent; i++)
			c->sent[i].flags |= SF_OK;
		ne = c->nsent;
	}
	for (i = k = 0; i < c->nsent; i++)
		if (c->sent[i].flags & SF_OK) {
			c->sent[i].prior = prior(c, &c->sent[i], k++, ne);
			g[ng++] = i;
		}
	if (ng > MAX_GRAPH) {
		qsort_r(g, ng, sizeof(*g), by_prior, c);
		ng = MAX_GRAPH;
		qsort(g, ng, sizeof(*g), by_int);
	}

	/* TF-IDF vectors of the graph's sentences. */
	for (k = 0; k < c->stems.n; k++)
		c->st[k].dfg = 0;
	for (i = 0; i < ng; i++) {
		vectorize(c, g[i]);
		s = &c->sent[g[i]];
		for (k = 0; k < s->nv; k++)
			c->st[c->term[s->v0 + k].stem].dfg++;
	}
	for (i = 0; i < ng; i++) {
		s = &c->sent[g[i]];
		v = c->term + s->v0;
		s->norm = 0;
		for (k = 0; k < s->nv; k++) {
			v[k].w = (1 + log(v[k].w)) *
			    log(1.0 + (double)ng / c->st[v[k].stem].dfg);
			s->norm += v[k].w * v[k].w;
		}
		s->norm = sqrt(s->norm);
	}

	/* Postings, then the similarity graph in compressed rows. */
	for (k = total = 0; k < c->stems.n; k++) {
		c->st[k].post = total;
		total += c->st[k].dfg;
		c->st[k].dfg = 0;
	}
	ps = xcalloc(total + 1, sizeof(*ps));
	pw = xcalloc(total + 1, sizeof(*pw));
	for (i = 0; i < ng; i++) {
		s = &c->sent[g[i]];
		for (k = 0; k < s->nv; k++) {
			t = c->term[s->v0 + k].stem;
			p = c->st[t].post + c->st[t].dfg++;
			ps[p] = i;
			pw[p] = c->term[s->v0 + k].w;
		}
	}
	acc = xcalloc(ng + 1, sizeof(*acc));
	outw = xcalloc(ng + 1, sizeof(*outw));
	rowp = xcalloc(ng + 1, sizeof(*rowp));
	for (i = 0; i < ng; i++) {
		s = &c->sent[g[i]];
		rowp[i] = nedge;
		for (k = 0; k < s->nv; k++) {
			t = c->term[s->v0 + k].stem;
			for (p = c->st[t].post; p < c->st[t].post +
			    c->st[t].dfg; p++) {
				if ((j = ps[p]) == i)
					continue;
				acc[j] += c->term[s->v0 + k].w * pw[p];
			}
		}
		for (j = 0; j < ng; j++) {
			double sim;

			if (acc[j] == 0)
				continue;
			sim = acc[j] / (s->norm * c->sent[g[j]].norm);
			acc[j] = 0;
			if (sim < 0.01)
				continue;
			if (nedge >= capedge) {
				capedge = capedge ? capedge * 2 : 1024;
				col = xrealloc(col, capedge * sizeof(*col));
				val = xrealloc(val, capedge * sizeof(*val));
			}
			col[nedge] = j;
			val[nedge++] = sim;
			outw[i] += sim;
		}
	}
	rowp[ng] = nedge;

	/* PageRank; the graph is symmetric, so in-edges are the row. */
	r = xcalloc(ng + 1, sizeof(*r));
	nr = xcalloc(ng + 1, sizeof(*nr));
	for (i = 0; i < ng; i++)
		r[i] = 1.0 / ng;
	for (it = 0; it < 60; it++) {
		delta = 0;
		for (i = 0; i < ng; i++) {
			double sum = 0;

			for (p = rowp[i]; p < rowp[i + 1]; p++)
				if (outw[col[p]] > 0)
					sum += r[col[p]] * val[p] /
					    outw[col[p]];
			nr[i] = (1 - DAMPING) / ng + DAMPING * sum;
			delta += fabs(nr[i] - r[i]);
		}
		memcpy(r, nr, ng * sizeof(*r));
		if (delta < 1e-6)
			break;
	}
	for (i = 0; i < c->nsent; i++)
		c->sent[i].score = 0;
	for (i = 0; i < ng; i++)
		c->sent[g[i]].score = r[i] * ng * c->sent[g[i]].prior;

	/* Candidates by score: graph members, then the rest by prior. */
	c->order = xcalloc(ne + 1, sizeof(*c->order));
	for (i = 0; i < ng; i++)
		c->order[c->norder++] = g[i];
	qsort_r(c->order, c->norder, sizeof(*c->order), by_score, c);
	for (i = 0; i < c->nsent; i++)
		if ((c->sent[i].flags & SF_OK) &&
		    bsearch(&i, g, ng, sizeof(*g), by_int) == NULL)
			c->order[c->norder++] = i;
	qsort_r(c->order + ng, c->norder - ng, sizeof(*c->order), by_prior,
	    c);

	free(g);
	free(ps);
	free(pw);
	free(acc);
	free(outw);
	free(rowp);
	free(col);
	free(val);
	free(r);
	free(nr);
}

/* The best n sentences, near-duplicates last; count in *np. */
static int *
pick(const struct ctx *c, int n, int *np)
{
	int *out, *skip, i, j, k, m = 0, ns = 0;

	out = xcalloc(c->norder + 1, sizeof(*out));
	skip = xcalloc(c->norder + 1, sizeof(*skip));
	for (i = 0; i < c->norder && m < n; i++) {
		for (j = 0; j < m; j++)
			if (cosine(c, &c->sent[c->order[i]],
			    &c->sent[out[j]]) > 0.6)
				break;
		if (j < m)
			skip[ns++] = c->order[i];
		else
			out[m++] = c->order[i];
	}
	for (k = 0; k < ns && m < n; k++)
		out[m++] = skip[k];
	free(skip);
	*np = m;
	return out;
}

static int
default_sentences(const struct ctx *c)
{
	if (c->norder <= 20)
		return 3;
	if (c->norder <= 45)
		return 4;
	return 5;
}

static char *
summary(struct ctx *c, int want)
{
	struct tq_buf b = { 0 };
	int *sel, n, k;

	if (want <= 0)
		want = default_sentences(c);
	if (want > MAX_SUMMARY)
		want = MAX_SUMMARY;
	sel = pick(c, want, &n);
	qsort(sel, n, sizeof(*sel), by_int);
	tq_buf_add(&b, "", 0);
	for (k = 0; k < n; k++) {
		if (k > 0)
			tq_buf_add(&b, " ", 1);
		add_trunc(&b, c->text + c->sent[sel[k]].off,
		    c->sent[sel[k]].len, SENTENCE_CHARS);
	}
	free(sel);
	return b.data;
}

/* ----------------------------------------------------------- keywords */

static uint32_t
cand_hash(const int *s)
{
	return fnv(s, 3 * sizeof(*s));
}

static void
cand_rehash(struct ctx *c)
{
	size_t i, j, ns = c->ncslot ? c->ncslot * 2 : 1024;
	int k;

	free(c->cslot);
	c->cslot = xmalloc(ns * sizeof(*c->cslot));
	for (i = 0; i < ns; i++)
		c->cslot[i] = -1;
	c->ncslot = ns;
	for (k = 0; k < c->ncand; k++) {
		for (j = cand_hash(c->cand[k].s) & (ns - 1); c->cslot[j] != -1;
		    j = (j + 1) & (ns - 1))
			continue;
		c->cslot[j] = k;
	}
}

static int
cand_get(struct ctx *c, const int *stems, int n, int add)
{
	struct cand *cd;
	int s[3] = { -1, -1, -1 }, k;
	size_t j;

	memcpy(s, stems, n * sizeof(*s));
	if (c->ncslot == 0) {
		if (!add)
			return -1;
		cand_rehash(c);
	}
	for (j = cand_hash(s) & (c->ncslot - 1); (k = c->cslot[j]) != -1;
	    j = (j + 1) & (c->ncslot - 1))
		if (memcmp(c->cand[k].s, s, sizeof(s)) == 0)
			return k;
	if (!add)
		return -1;
	GROW(c->cand, c->ncand, c->capcand);
	k = c->ncand++;
	cd = &c->cand[k];
	memset(cd, 0, sizeof(*cd));
	memcpy(cd->s, s, sizeof(s));
	cd->n = n;
	cd->first = -1;
	if ((size_t)c->ncand * 2 > c->ncslot)
		cand_rehash(c);
	else
		c->cslot[j] = k;
	return k;
}

static void
cand_seen(struct cand *cd, const int *words, int tok, int si)
{
	int k;

	cd->f++;
	if (cd->first < 0)
		cd->first = si;
	for (k = 0; k < cd->nvar; k++)
		if (memcmp(cd->var[k], words, cd->n * sizeof(*words)) == 0) {
			cd->varn[k]++;
			return;
		}
	if (cd->nvar < 3) {
		memcpy(cd->var[cd->nvar], words, cd->n * sizeof(*words));
		cd->vtok[cd->nvar] = tok;
		cd->varn[cd->nvar++] = 1;
	}
}

static int
kw_tok(const struct ctx *c, const struct tok *t)
{
	const struct word *w = &c->w[t->word];

	return content_tok(c, t) && !(t->flags & TK_NUM) && !w->nokw &&
	    w->chars <= WORD_CHARS;
}

static int
proper(const struct ctx *c, const struct word *w)
{
	uint32_t cp;
	size_t i, n;
	int up = 0;

	if (w->nform == 0)
		return 0;
	if (w->nmid > 0)
		return w->nmidcap * 2 > w->nmid;
	/* only ever first in a sentence: "NASA", "eBay", list names */
	if (w->count >= 2 && w->form_n[0] == w->count)
		return 1;
	if (strcmp(c->swlang, "de") == 0)	/* German nouns */
		return !w->stop;
	for (i = 0; i < w->form_len[0]; i += n) {
		n = tq_lang_utf8(c->text + w->form_off[0] + i,
		    w->form_len[0] - i, &cp);
		if (tq_lang_case(cp) > 0 && (++up > 1 || i > 0))
			return 1;
	}
	return 0;
}

static int
allcaps_form(const struct ctx *c, const struct word *w, int k)
{
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < w->form_len[k]; i += n) {
		n = tq_lang_utf8(c->text + w->form_off[k] + i,
		    w->form_len[k] - i, &cp);
		if (tq_lang_case(cp) < 0)
			return 0;
	}
	return 1;
}

/* A word as shown: its common capitalised spelling, or lower case. */
static void
show_word(const struct ctx *c, struct tq_buf *b, int wid)
{
	const struct word *w = &c->w[wid];
	int k, best = 0;

	if (proper(c, w)) {
		for (k = 1; k < w->nform; k++)
			if (w->form_n[k] > w->form_n[best] ||
			    (w->form_n[k] == w->form_n[best] &&
			    allcaps_form(c, w, best) && !allcaps_form(c, w, k)))
				best = k;
		tq_buf_add(b, c->text + w->form_off[best], w->form_len[best]);
	} else
		tq_buf_add(b, strtab_str(&c->words, wid), c->words.len[wid]);
}

static int
cand_var(const struct cand *cd)
{
	int k, best = 0;

	for (k = 1; k < cd->nvar; k++)
		if (cd->varn[k] > cd->varn[best])
			best = k;
	return best;
}

static const int *
cand_words(const struct cand *cd)
{
	return cd->var[cand_var(cd)];
}

/*
 * A phrase as shown.  Next to a proper noun a word keeps the capital
 * it has there ("Palm Bay"); elsewhere words are as show_word has them.
 */
static void
show_cand(const struct ctx *c, struct tq_buf *b, const struct cand *cd)
{
	const struct tok *t;
	const int *wv;
	int i, v, names = 0;

	v = cand_var(cd);
	wv = cd->var[v];
	for (i = 0; i < cd->n; i++)
		names += proper(c, &c->w[wv[i]]);
	b->len = 0;
	tq_buf_add(b, "", 0);
	for (i = 0; i < cd->n; i++) {
		if (i > 0)
			tq_buf_add(b, " ", 1);
		t = &c->tok[cd->vtok[v] + i];
		if (names > 0 && !proper(c, &c->w[wv[i]]) &&
		    (t->flags & TK_CAP) && !(t->flags & TK_ALLCAP))
			tq_buf_add(b, c->text + t->off, t->len);
		else
			show_word(c, b, wv[i]);
	}
}

static int
by_cand(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct cand *x = &c->cand[*(const int *)a];
	const struct cand *y = &c->cand[*(const int *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->first != y->first)
		return x->first - y->first;
	return *(const int *)a - *(const int *)b;
}

/* Reorder idx so that its first m are the m best (in any order). */
static void
select_top(struct ctx *c, int *idx, int n, int m)
{
	int lo = 0, hi = n - 1, i, j, p, t;

	while (lo < hi) {
		p = idx[lo + (hi - lo) / 2];
		i = lo;
		j = hi;
		while (i <= j) {
			while (by_cand(&idx[i], &p, c) < 0)
				i++;
			while (by_cand(&idx[j], &p, c) > 0)
				j--;
			if (i <= j) {
				t = idx[i];
				idx[i++] = idx[j];
				idx[j--] = t;
			}
		}
		if (m - 1 <= j)
			hi = j;
		else if (m - 1 >= i)
			lo = i;
		else
			break;
	}
}

/*
 * Do two phrases say the same: one inside the other, two words in
 * common, or one starting where the other ends ("Hong Kong" and "Kong
 * police")?
 */
static int
overlap(const struct cand *x, const struct cand *y)
{
	int i, j, k;

	for (i = 0; i < x->n; i++)
		for (j = 0; j < y->n; j++) {
			for (k = 0; i + k < x->n && j + k < y->n &&
			    x->s[i + k] == y->s[j + k]; k++)
				continue;
			if (k == 0)
				continue;
			if (k >= 2 || k == x->n || k == y->n)
				return 1;
			if ((i == 0 && j + k == y->n) ||
			    (j == 0 && i + k == x->n))
				return 1;
		}
	return 0;
}

static void
keywords(struct ctx *c, int max)
{
	static const double lenbonus[] = { 0, 1.0, 1.6, 1.9 };
	struct cand *cd;
	struct tq_buf b = { 0 };
	const int *wv;
	int *idx, nidx = 0, m, win[3] = { 0, 0, 0 }, stems[3], words[3];
	int run, si, k, n, i, j;
	int adj;
	double sum, ws;

	for (si = 0; si < c->nsent; si++) {
		run = 0;
		for (k = c->sent[si].t0; k < c->sent[si].t0 + c->sent[si].nt;
		    k++) {
			if (!kw_tok(c, &c->tok[k])) {
				run = 0;
				continue;
			}
			if (c->tok[k].flags & TK_BREAK)
				run = 0;
			win[0] = win[1];
			win[1] = win[2];
			win[2] = k;
			run++;
			for (n = 1; n <= 3 && n <= run; n++) {
				for (i = 0; i < n; i++) {
					words[i] = c->tok[win[3 - n + i]].word;
					stems[i] = c->w[words[i]].stem;
				}
				j = cand_get(c, stems, n, 1);
				cand_seen(&c->cand[j], words, win[3 - n], si);
			}
		}
	}

	/* Discount phrases that mostly occur inside a longer one. */
	for (k = 0; k < c->ncand; k++) {
		cd = &c->cand[k];
		if (cd->n < 2 || cd->f < 2)
			continue;
		for (i = 0; i < 2; i++) {
			j = cand_get(c, cd->s + i, cd->n - 1, 0);
			if (j >= 0 && c->cand[j].super < cd->f)
				c->cand[j].super = cd->f;
		}
	}

	idx = xcalloc(c->ncand + 1, sizeof(*idx));
	for (k = 0; k < c->ncand; k++) {
		cd = &c->cand[k];
		if ((adj = cd->f - cd->super) <= 0)
			continue;
		wv = cand_words(cd);
		for (i = 0; i < cd->n && c->w[wv[i]].weak; i++)
			continue;
		if (i == cd->n)
			continue;
		sum = 0;
		for (i = 0; i < cd->n; i++) {
			const struct word *w = &c->w[wv[i]];

			ws = 1.0 + 0.6 * proper(c, w) +
			    0.5 * c->st[w->stem].title;
			if (w->chars >= 7)
				ws += 0.3;
			else if (w->chars <= 3)
				ws -= 0.3;
			sum += ws * (1 + 0.25 * log2(c->st[w->stem].tf));
		}
		cd->score = adj * sum / cd->n * lenbonus[cd->n];
		if (cd->n > 1 && cd->f == 1 && c->ntok > 300)
			cd->score *= 0.5;
		if (cd->first * 5 < c->nsent)
			cd->score *= 1.15;
		idx[nidx++] = k;
	}
	/* Sort the best few; the rest only if those do not suffice. */
	m = nidx > 8 * max + 100 ? 8 * max + 100 : nidx;
	if (m < nidx)
		select_top(c, idx, nidx, m);
	qsort_r(idx, m, sizeof(*idx), by_cand, c);

	c->kw = xcalloc(max + 1, sizeof(*c->kw));
	for (k = 0; k < nidx && c->nkw < max; k++) {
		if (k == m)
			qsort_r(idx + m, nidx - m, sizeof(*idx), by_cand, c);
		cd = &c->cand[idx[k]];
		for (i = 0; i < c->nkw; i++)
			if (overlap(cd, &c->cand[c->kw[i]]))
				break;
		if (i < c->nkw)
			continue;
		show_cand(c, &b, cd);
		if (nchars(b.data, b.len) > KEYWORD_CHARS ||
		    memchr(b.data, ',', b.len) != NULL)
			continue;
		c->kw[c->nkw++] = idx[k];
	}
	free(idx);
	tq_buf_free(&b);
}

static json_t *
keyword_json(const struct ctx *c, int max)
{
	struct tq_buf b = { 0 };
	json_t *a, *s;
	int k;

	a = json_array();
	for (k = 0; k < c->nkw && k < max; k++) {
		show_cand(c, &b, &c->cand[c->kw[k]]);
		if ((s = json_stringn(b.data, b.len)) != NULL)
			json_array_append_new(a, s);
	}
	tq_buf_free(&b);
	return a;
}

/* ----------------------------------------------------------- insights */

static const char *
tok_key(const struct ctx *c, int k)
{
	return strtab_str(&c->words, c->tok[k].word);
}

/* Only white space, or white space around one of the bytes in ok? */
static int
gap(const struct ctx *c, int k, const char *ok)
{
	size_t i, a = c->tok[k].off + c->tok[k].len, b;
	int seen = 0;

	if (k + 1 >= c->ntok || c->tok[k + 1].sent != c->tok[k].sent)
		return 0;
	b = c->tok[k + 1].off;
	for (i = a; i < b; i++) {
		if (ascii_space(c->text[i]))
			continue;
		if (seen || strchr(ok, c->text[i]) == NULL ||
		    c->text[i] == '\0')
			return 0;
		seen = 1;
	}
	return 1;
}

/* English month names need a capital: "may", "mar", "march". */
static const struct {
	const char	*name;
	int		 month;
} months[] = {
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 },
	{ "may", 5 }, { "june", 6 }, { "july", 7 }, { "august", 8 },
	{ "september", 9 }, { "october", 10 }, { "november", 11 },
	{ "december", 12 }, { "jan", 1 }, { "feb", 2 }, { "mar", 3 },
	{ "apr", 4 }, { "jun", 6 }, { "jul", 7 }, { "aug", 8 }, { "sep", 9 },
	{ "sept", 9 }, { "oct", 10 }, { "nov", 11 }, { "dec", 12 },
	{ "januar", 1 }, { "jänner", 1 }, { "februar", 2 }, { "märz", 3 },
	{ "mai", 5 }, { "juni", 6 }, { "juli", 7 }, { "oktober", 10 },
	{ "dezember", 12 }, { "janvier", 1 }, { "février", 2 },
	{ "mars", 3 }, { "avril", 4 }, { "juin", 6 }, { "juillet", 7 },
	{ "août", 8 }, { "septembre", 9 }, { "octobre", 10 },
	{ "novembre", 11 }, { "décembre", 12 }, { "enero", 1 },
	{ "febrero", 2 }, { "marzo", 3 }, { "abril", 4 }, { "mayo", 5 },
	{ "junio", 6 }, { "julio", 7 }, { "agosto", 8 },
	{ "septiembre", 9 }, { "setiembre", 9 }, { "octubre", 10 },
	{ "noviembre", 11 }, { "diciembre", 12 }, { "janeiro", 1 },
	{ "fevereiro", 2 }, { "março", 3 }, { "maio", 5 }, { "junho", 6 },
	{ "julho", 7 }, { "setembro", 9 }, { "outubro", 10 },
	{ "novembro", 11 }, { "dezembro", 12 }, { "gennaio", 1 },
	{ "febbraio", 2 }, { "aprile", 4 }, { "maggio", 5 },
	{ "giugno", 6 }, { "luglio", 7 }, { "settembre", 9 },
	{ "ottobre", 10 }, { "dicembre", 12 }, { "januari", 1 },
	{ "februari", 2 }, { "maart", 3 }, { "mei", 5 }, { "augustus", 8 },
	{ "января", 1 }, { "февраля", 2 }, { "марта", 3 },
	{ "апреля", 4 }, { "мая", 5 }, { "июня", 6 }, { "июля", 7 },
	{ "августа", 8 }, { "сентября", 9 }, { "октября", 10 },
	{ "ноября", 11 }, { "декабря", 12 }
};

/* Month of a name; minus when it is English and needs a capital. */
static int
month_name(const char *w)
{
	size_t i;

	for (i = 0; i < NITEMS(months); i++)
		if (months[i].name[0] == w[0] && strcmp(months[i].name, w) == 0)
			return i < 24 ? -months[i].month : months[i].month;
	return 0;
}

static int
month_of(const struct ctx *c, int k)
{
	int m;

	if (k < 0 || k >= c->ntok || !c->w[c->tok[k].word].alpha ||
	    (c->tok[k].flags & TK_ALNUM))
		return 0;
	if ((m = c->w[c->tok[k].word].month) < 0)
		m = (c->tok[k].flags & TK_CAP) ? -m : 0;
	return m;
}

/* Value of a token of 1-maxd plain digits, else -1. */
static int
num_of(const struct ctx *c, int k, size_t mind, size_t maxd)
{
	const struct tok *t;
	size_t i;
	int v = 0;

	if (k < 0 || k >= c->ntok)
		return -1;
	t = &c->tok[k];
	if (t->len < mind || t->len > maxd)
		return -1;
	for (i = 0; i < t->len; i++) {
		if (!digit((unsigned char)c->text[t->off + i]))
			return -1;
		v = v * 10 + c->text[t->off + i] - '0';
	}
	return v;
}

/* A day: "19", "19th", "1er", "1º". */
static int
day_of(const struct ctx *c, int k)
{
	static const char *const suffixes[] = {
		"st", "nd", "rd", "th", "er", "e", "\xc2\xba", "\xc2\xaa", "o"
	};
	const char *w;
	size_t i, n;
	int v;

	if ((v = num_of(c, k, 1, 2)) >= 1 && v <= 31)
		return v;
	if (k < 0 || k >= c->ntok || !(c->tok[k].flags & TK_ALNUM))
		return -1;
	w = tok_key(c, k);
	for (n = 0; n < 2 && digit((unsigned char)w[n]); n++)
		continue;
	if (n == 0)
		return -1;
	for (i = 0; i < NITEMS(suffixes); i++)
		if (strcmp(w + n, suffixes[i]) == 0) {
			v = w[0] - '0';
			if (n == 2)
				v = v * 10 + w[1] - '0';
			return v >= 1 && v <= 31 ? v : -1;
		}
	return -1;
}

static int
year_of(const struct ctx *c, int k)
{
	int v = num_of(c, k, 4, 4);

	return v >= 1000 && v <= 2999 ? v : -1;
}

static int
valid_date(int y, int m, int d)
{
	static const int dim[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m < 1 || m > 12 || d < 1 || d > dim[m - 1])
		return 0;
	if (m == 2 && d == 29 && y > 0)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return 1;
}

static int
same_sent(const struct ctx *c, int a, int b)
{
	return b < c->ntok && c->tok[a].sent == c->tok[b].sent;
}

/* Digit groups of a single token ("2019-11-19", "19.11.2019"). */
static int
groups(const struct ctx *c, int k, int *v, size_t *len, char *sep)
{
	const struct tok *t = &c->tok[k];
	size_t i;
	int n = 0;

	*sep = 0;
	v[0] = 0;
	len[0] = 0;
	for (i = 0; i < t->len; i++) {
		char ch = c->text[t->off + i];

		if (digit((unsigned char)ch)) {
			if (len[n] >= 4)
				return 0;
			v[n] = v[n] * 10 + ch - '0';
			len[n]++;
		} else if ((ch == '-' || ch == '.') && (*sep == 0 ||
		    *sep == ch) && n < 2 && len[n] > 0) {
			*sep = ch;
			n++;
			v[n] = 0;
			len[n] = 0;
		} else
			return 0;
	}
	return n == 2 && len[2] > 0 ? 3 : 0;
}

/* Day and month of a numeric date; 0 when both could be either. */
static int
dm_order(int a, int b, int *d, int *m)
{
	if (a > 12 && b <= 12) {
		*d = a;
		*m = b;
	} else if (b > 12 && a <= 12) {
		*d = b;
		*m = a;
	} else if (a == b) {
		*d = *m = a;
	} else
		return 0;
	return 1;
}

/* A date at token k: its last token, or -1; iso (may be "") filled. */
static int
date_at(const struct ctx *c, int k, char *iso, size_t isz)
{
	int v[3], y = -1, m = 0, d = -1, e = -1, j, ok = 1, p = 0, q = 0;
	size_t len[3];
	char sep;

	iso[0] = '\0';
	if ((c->tok[k].flags & TK_NUM) && (groups(c, k, v, len, &sep) == 3 ||
	    (same_sent(c, k, k + 2) && gap(c, k, "/") && gap(c, k + 1, "/") &&
	    num_of(c, k + 1, 1, 2) >= 0))) {
		if (groups(c, k, v, len, &sep) == 3) {
			/* 2019-11-19, 19.11.2019, 19-11-2019 */
			if (sep == '-' && len[0] == 4 && len[1] <= 2 &&
			    len[2] <= 2) {
				y = v[0];
				m = v[1];
				d = v[2];
			} else if (len[0] <= 2 && len[1] <= 2 && len[2] == 4) {
				y = v[2];
				p = v[0];
				q = v[1];
				if (sep == '.') {
					d = p;
					m = q;
				} else
					ok = dm_order(p, q, &d, &m);
			} else
				return -1;
			e = k;
		} else {
			/* 2019/11/19, 19/11/2019, 11/19/2019 */
			if ((y = year_of(c, k)) > 0) {
				m = num_of(c, k + 1, 1, 2);
				d = num_of(c, k + 2, 1, 2);
			} else if ((p = num_of(c, k, 1, 2)) >= 0 &&
			    (y = year_of(c, k + 2)) > 0) {
				q = num_of(c, k + 1, 1, 2);
				ok = dm_order(p, q, &d, &m);
			} else
				return -1;
			e = k + 2;
		}
		if (y < 1000 || y > 2999)
			return -1;
		if (ok ? !valid_date(y, m, d) : p < 1 || q < 1 || p > 12 ||
		    q > 12)
			return -1;
		if (ok)
			snprintf(iso, isz, "%04u-%02u-%02u",
			    (unsigned)y % 10000, (unsigned)m % 100,
			    (unsigned)d % 100);
		return e;
	}
	if ((m = month_of(c, k)) > 0) {
		/* November 19, 2019 / Nov. 19 / November 2019 */
		j = k + 1;
		if (same_sent(c, k, j) && gap(c, k, ".") &&
		    (d = day_of(c, j)) > 0) {
			e = j;
			if (same_sent(c, k, j + 1) && gap(c, j, ",") &&
			    (y = year_of(c, j + 1)) > 0)
				e = j + 1;
		} else if (same_sent(c, k, j) && gap(c, k, ",") &&
		    (y = year_of(c, j)) > 0) {
			snprintf(iso, isz, "%04u-%02u", (unsigned)y % 10000,
			    (unsigned)m % 100);
			return j;
		} else
			return -1;
		if (!valid_date(y, m, d))
			return -1;
		if (y > 0)
			snprintf(iso, isz, "%04u-%02u-%02u",
			    (unsigned)y % 10000, (unsigned)m % 100,
			    (unsigned)d % 100);
		return e;
	}
	if ((d = day_of(c, k)) > 0) {
		/* 19 November 2019 / 19. November / 10 de março de 2018 */
		j = k + 1;
		if (!same_sent(c, k, j) || !gap(c, k, "."))
			return -1;
		if (strcmp(tok_key(c, j), "de") == 0 ||
		    strcmp(tok_key(c, j), "of") == 0) {
			if (!gap(c, j, ""))
				return -1;
			j++;
		}
		if (!same_sent(c, k, j) || (m = month_of(c, j)) == 0)
			return -1;
		e = j;
		if (same_sent(c, k, j + 1) && gap(c, j, ",") &&
		    (y = year_of(c, j + 1)) > 0)
			e = j + 1;
		else if (same_sent(c, k, j + 2) && gap(c, j, "") &&
		    (strcmp(tok_key(c, j + 1), "de") == 0 ||
		    strcmp(tok_key(c, j + 1), "del") == 0) &&
		    gap(c, j + 1, "") && (y = year_of(c, j + 2)) > 0)
			e = j + 2;
		if (!valid_date(y, m, d))
			return -1;
		if (y > 0)
			snprintf(iso, isz, "%04u-%02u-%02u",
			    (unsigned)y % 10000, (unsigned)m % 100,
			    (unsigned)d % 100);
		return e;
	}
	return -1;
}

static json_t *
dates(struct ctx *c, int *ntotal, char *first, char *last, size_t isz)
{
	json_t *a, *o;
	char iso[32];
	size_t off, len;
	int k, e, i, dup;

	a = json_array();
	*ntotal = 0;
	first[0] = last[0] = '\0';
	for (k = 0; k < c->ntok; k++) {
		if ((e = date_at(c, k, iso, sizeof(iso))) < 0)
			continue;
		for (i = k; i <= e; i++)
			c->tok[i].flags |= TK_DATE;
		off = c->tok[k].off;
		len = c->tok[e].off + c->tok[e].len - off;
		dup = 0;
		for (i = 0; i < (int)json_array_size(a); i++) {
			json_t *x = json_array_get(a, i);
			const char *t = json_string_value(
			    json_object_get(x, "text"));
			const char *s = json_string_value(
			    json_object_get(x, "iso"));

			if ((iso[0] != '\0' && s != NULL &&
			    strcmp(s, iso) == 0) || (t != NULL &&
			    strlen(t) == len && memcmp(t, c->text + off,
			    len) == 0))
				dup = 1;
		}
		k = e;
		if (dup)
			continue;
		(*ntotal)++;
		if (iso[0] != '\0') {
			if (first[0] == '\0' || strcmp(iso, first) < 0)
				snprintf(first, isz, "%s", iso);
			if (strcmp(iso, last) > 0)
				snprintf(last, isz, "%s", iso);
		}
		if (json_array_size(a) >= MAX_DATES)
			continue;
		o = json_object();
		json_object_set_new(o, "text", jspan(c, off, len));
		json_object_set_new(o, "iso", iso[0] != '\0' ?
		    json_string(iso) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static const char *const multipliers[] = {
	"bn", "billion", "billions", "crore", "crores", "k", "lakh", "lakhs",
	"m", "mil", "miliardi", "milioni", "milliarden", "milliards",
	"million", "millionen", "millions", "millones", "mio", "mln", "mn",
	"mrd", "thousand", "tn", "trillion", "тысяч", "миллиона",
	"миллионов", "миллиарда", "миллиардов"
};
static const char *const currency_words[] = {
	"aud", "cad", "chf", "cny", "dollar", "dollars", "eur", "euro",
	"euros", "francs", "gbp", "inr", "jpy", "pesos", "pound", "pounds",
	"reais", "rouble", "roubles", "ruble", "rubles", "rupee", "rupees",
	"usd", "yen", "yuan", "долларов", "евро", "рублей"
};
static const char *const percent_words[] = {
	"pct", "percent", "procent", "prozent", "процент", "процента",
	"процентов"
};

static int
currency_sym(uint32_t cp)
{
	switch (cp) {
	case '$': case 0xa3: case 0xa5: case 0x20a6: case 0x20a9:
	case 0x20ac: case 0x20b1: case 0x20b9: case 0x20ba: case 0x20bd:
		return 1;
	}
	return 0;
}

static int
next_is(const struct ctx *c, int k, const char *const *list, size_t n)
{
	return same_sent(c, k, k + 1) && gap(c, k, "") &&
	    inlist(list, n, tok_key(c, k + 1));
}

/* A figure at token k, or 0. */
static int
figure(struct ctx *c, int k, struct numhit *h)
{
	const struct tok *t = &c->tok[k];
	const struct sent *s = &c->sent[t->sent];
	const char *w = tok_key(c, k);
	uint32_t cp, pc;
	size_t j, i, sd, lim, n;
	int e = k, ndig = 0, money = 0, scaled = 0, pct = 0, v;

	if (t->flags & TK_DATE)
		return 0;
	for (i = 0; w[i] != '\0' && (digit((unsigned char)w[i]) ||
	    w[i] == '.' || w[i] == ','); i++) {
		if (digit((unsigned char)w[i]))
			ndig++;
	}
	if (ndig == 0 || !digit((unsigned char)w[0]))
		return 0;
	if (t->flags & TK_ALNUM) {
		if (!inlist(multipliers, NITEMS(multipliers), w + i))
			return 0;
		scaled = 1;
	} else if (!(t->flags & TK_NUM) || w[i] != '\0')
		return 0;
	h->a = t->off;
	/* currency before: "$5", "US$ 5", "€ 5", "Rs 5" */
	j = prev_cp(c, s->off, t->off, &cp);
	if (space_cp(cp))
		j = prev_cp(c, s->off, j, &cp);
	if (currency_sym(cp)) {
		money = 1;
		h->a = j;
		while (h->a > s->off && c->text[h->a - 1] >= 'A' &&
		    c->text[h->a - 1] <= 'Z' && j - h->a < 3)
			h->a--;
		prev_cp(c, s->off, h->a, &pc);
		if (tq_lang_isword(pc))
			h->a = j;
	} else if (k > s->t0 && gap(c, k - 1, "") && (strcmp(tok_key(c,
	    k - 1), "rs") == 0 || inlist(currency_words,
	    NITEMS(currency_words), tok_key(c, k - 1))) &&
	    c->tok[k - 1].flags & TK_CAP) {
		money = 1;
		h->a = c->tok[k - 1].off;
	}
	if (!scaled && next_is(c, e, multipliers, NITEMS(multipliers))) {
		scaled = 1;
		e++;
	}
	h->b = c->tok[e].off + c->tok[e].len;
	lim = s->off + s->len;
	sd = h->b;
	n = next_cp(c, sd, lim, &cp);
	if (cp == ' ' || cp == 0xa0) {
		sd += n;
		n = next_cp(c, sd, lim, &cp);
	}
	if (cp == '%' || cp == 0xff05) {
		pct = 1;
		h->b = sd + n;
	} else if (next_is(c, e, percent_words, NITEMS(percent_words))) {
		pct = 1;
		e++;
	} else if (same_sent(c, e, e + 2) && gap(c, e, "") &&
	    gap(c, e + 1, "") && strcmp(tok_key(c, e + 2), "cent") == 0 &&
	    (strcmp(tok_key(c, e + 1), "per") == 0 ||
	    strcmp(tok_key(c, e + 1), "pour") == 0)) {
		pct = 1;
		e += 2;
	} else if (same_sent(c, e, e + 2) && gap(c, e, "") &&
	    gap(c, e + 1, "") && strcmp(tok_key(c, e + 1), "por") == 0 &&
	    (strcmp(tok_key(c, e + 2), "ciento") == 0 ||
	    strcmp(tok_key(c, e + 2), "cento") == 0)) {
		pct = 1;
		e += 2;
	} else if (!money && next_is(c, e, currency_words,
	    NITEMS(currency_words))) {
		money = 1;
		e++;
	}
	if (c->tok[e].off + c->tok[e].len > h->b)
		h->b = c->tok[e].off + c->tok[e].len;
	h->t0 = k;
	h->t1 = e;
	if (money) {
		h->kind = "money";
		h->prio = 4;
	} else if (pct) {
		h->kind = "percent";
		h->prio = 4;
	} else if (scaled) {
		h->kind = "number";
		h->prio = 3;
	} else {
		v = num_of(c, k, 4, 4);
		if (ndig < 3 || (v >= 1000 && v <= 2100))
			return 0;
		if (k == s->t0 && (s->flags & SF_LIST))
			return 0;
		h->kind = "number";
		h->prio = 1;
	}
	return 1;
}

static int
by_prio(const void *a, const void *b)
{
	const struct numhit *x = a, *y = b;

	if (x->prio != y->prio)
		return y->prio - x->prio;
	return x->t0 - y->t0;
}

static int
by_pos(const void *a, const void *b)
{
	return ((const struct numhit *)a)->t0 - ((const struct numhit *)b)->t0;
}

static json_t *
numbers(struct ctx *c)
{
	struct numhit *h = NULL, x;
	json_t *a, *o;
	size_t ca, cb;
	int nh = 0, caph = 0, k, i, lo, hi, n;

	for (k = 0; k < c->ntok; k++) {
		if (!figure(c, k, &x))
			continue;
		for (i = 0; i < nh; i++)
			if (h[i].b - h[i].a == x.b - x.a && memcmp(c->text +
			    h[i].a, c->text + x.a, x.b - x.a) == 0)
				break;
		if (i == nh) {
			GROW(h, nh, caph);
			h[nh++] = x;
		}
		k = x.t1;
	}
	if (nh > 0)
		qsort(h, nh, sizeof(*h), by_prio);
	n = nh < MAX_NUMBERS ? nh : MAX_NUMBERS;
	if (n > 0)
		qsort(h, n, sizeof(*h), by_pos);
	a = json_array();
	for (i = 0; i < n; i++) {
		const struct sent *s = &c->sent[c->tok[h[i].t0].sent];

		lo = h[i].t0 - 5 > s->t0 ? h[i].t0 - 5 : s->t0;
		hi = h[i].t1 + 5 < s->t0 + s->nt - 1 ? h[i].t1 + 5 :
		    s->t0 + s->nt - 1;
		ca = c->tok[lo].off < h[i].a ? c->tok[lo].off : h[i].a;
		cb = c->tok[hi].off + c->tok[hi].len;
		if (cb < h[i].b)
			cb = h[i].b;
		o = json_object();
		json_object_set_new(o, "value", jspan(c, h[i].a,
		    h[i].b - h[i].a));
		json_object_set_new(o, "kind", json_string(h[i].kind));
		json_object_set_new(o, "context", jspan(c, ca, cb - ca));
		json_array_append_new(a, o);
	}
	free(h);
	return a;
}

/* Questions as written; quotes around a whole question are dropped. */
static json_t *
questions(const struct ctx *c, int *ntotal)
{
	const struct sent *s;
	json_t *a, *j;
	uint32_t cp, op;
	size_t a0, b0, n;
	int k;

	a = json_array();
	*ntotal = 0;
	for (k = 0; k < c->nsent; k++) {
		s = &c->sent[k];
		if (!(s->flags & SF_QUESTION) || s->nt == 0)
			continue;
		a0 = s->off;
		b0 = s->off + s->len;
		prev_cp(c, a0, b0, &cp);
		if (!question(cp)) {
			n = next_cp(c, a0, b0, &op);
			if (!opener(op))
				continue;
			a0 += n;
			while (b0 > a0) {
				n = prev_cp(c, a0, b0, &cp);
				if (!closer(cp))
					break;
				b0 = n;
			}
			if (!question(cp))
				continue;
		}
		if (nchars(c->text + a0, b0 - a0) > SENTENCE_CHARS)
			continue;
		(*ntotal)++;
		if (json_array_size(a) < MAX_QUESTIONS &&
		    (j = jspan(c, a0, b0 - a0)) != NULL)
			json_array_append_new(a, j);
	}
	return a;
}

static long
word_count(const struct ctx *c)
{
	size_t i, n;
	uint32_t cp;
	long words = 0;
	int in = 0, hasword = 0;

	for (i = 0; i < c->len; i += n) {
		n = next_cp(c, i, c->len, &cp);
		if (space_cp(cp)) {
			words += in && hasword;
			in = hasword = 0;
		} else {
			in = 1;
			if (tq_lang_isword(cp))
				hasword = 1;
		}
	}
	return words + (in && hasword);
}

static const char *
lang_name(const char *code)
{
	size_t i;

	for (i = 0; i < NITEMS(lang_names); i++)
		if (strcmp(lang_names[i][0], code) == 0)
			return lang_names[i][1];
	return NULL;
}

static void
point(json_t *pts, struct tq_buf *b)
{
	json_t *s;

	if (b->len > 0 && (s = json_stringn(b->data, b->len)) != NULL)
		json_array_append_new(pts, s);
	b->len = 0;
}

static json_t *
insights(struct ctx *c)
{
	struct tq_buf b = { 0 };
	json_t *o, *keys, *nums, *dts, *qs, *pts, *kw;
	char first[32], last[32];
	const char *name;
	long words, minutes;
	int *sel, nsel, k, nsent = 0, ndates, nq;
	size_t i;

	o = json_object();
	words = word_count(c);
	minutes = (words + WPM / 2) / WPM;
	if (minutes < 1)
		minutes = 1;
	for (k = 0; k < c->nsent; k++)
		if (c->sent[k].nt > 0)
			nsent++;
	json_object_set_new(o, "reading_time_minutes", json_integer(minutes));
	json_object_set_new(o, "word_count", json_integer(words));
	json_object_set_new(o, "sentence_count", json_integer(nsent));
	json_object_set_new(o, "paragraph_count", json_integer(c->npara));
	json_object_set_new(o, "language", json_string(c->lang));

	keys = json_array();
	sel = pick(c, 2, &nsel);
	for (k = 0; k < nsel; k++)
		json_array_append_new(keys, jsentence(c, c->sent[sel[k]].off,
		    c->sent[sel[k]].len));
	json_object_set_new(o, "key_sentences", keys);
	dts = dates(c, &ndates, first, last, sizeof(first));
	nums = numbers(c);
	qs = questions(c, &nq);
	json_object_set_new(o, "numbers", nums);
	json_object_set_new(o, "dates", dts);
	json_object_set_new(o, "questions", qs);

	pts = json_array();
	tq_buf_addf(&b, "Reading time: about %ld minute%s (%ld words)",
	    minutes, minutes == 1 ? "" : "s", words);
	point(pts, &b);
	if ((name = lang_name(c->lang)) != NULL) {
		tq_buf_addf(&b, "Language: %s", name);
		point(pts, &b);
	}
	if (nsel > 0) {
		tq_buf_adds(&b, "Key point: ");
		add_trunc(&b, c->text + c->sent[sel[0]].off,
		    c->sent[sel[0]].len, POINT_CHARS);
		point(pts, &b);
	}
	kw = keyword_json(c, 5);
	if (json_array_size(kw) > 0) {
		tq_buf_adds(&b, "Main topics: ");
		for (i = 0; i < json_array_size(kw); i++)
			tq_buf_addf(&b, "%s%s", i > 0 ? ", " : "",
			    json_string_value(json_array_get(kw, i)));
		point(pts, &b);
	}
	json_decref(kw);
	if (json_array_size(nums) == 1) {
		json_t *x = json_array_get(nums, 0);
		const char *ctx = json_string_value(json_object_get(x,
		    "context"));

		tq_buf_addf(&b, "Key figure: %s (",
		    json_string_value(json_object_get(x, "value")));
		add_trunc(&b, ctx, strlen(ctx), 100);
		tq_buf_adds(&b, ")");
		point(pts, &b);
	} else if (json_array_size(nums) > 1) {
		tq_buf_adds(&b, "Key figures: ");
		for (i = 0; i < json_array_size(nums); i++)
			tq_buf_addf(&b, "%s%s", i > 0 ? ", " : "",
			    json_string_value(json_object_get(
			    json_array_get(nums, i), "value")));
		point(pts, &b);
	}
	if (ndates == 1)
		tq_buf_addf(&b, "Mentions 1 date: %s", first[0] != '\0' ?
		    first : json_string_value(json_object_get(
		    json_array_get(dts, 0), "text")));
	else if (ndates > 1 && first[0] == '\0')
		tq_buf_addf(&b, "Mentions %d dates, such as %s", ndates,
		    json_string_value(json_object_get(json_array_get(dts, 0),
		    "text")));
	else if (ndates > 1 && strcmp(first, last) == 0)
		tq_buf_addf(&b, "Mentions %d dates, among them %s", ndates,
		    first);
	else if (ndates > 1)
		tq_buf_addf(&b, "Mentions %d dates, the earliest %s, the "
		    "latest %s", ndates, first, last);
	point(pts, &b);
	if (nq > 0) {
		const char *q = json_string_value(json_array_get(qs, 0));

		if (nq == 1)
			tq_buf_adds(&b, "Asks a question: ");
		else
			tq_buf_addf(&b, "Asks %d questions, such as: ", nq);
		add_trunc(&b, q, strlen(q), 160);
		point(pts, &b);
	}
	json_object_set_new(o, "points", pts);
	free(sel);
	tq_buf_free(&b);
	return o;
}

/* --------------------------------------------------------------- main */

static int
blank(const char *s)
{
	size_t i, n, len = strlen(s);
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		n = tq_lang_utf8(s + i, len - i, &cp);
		if (!space_cp(cp))
			return 0;
	}
	return 1;
}

static void
ctx_free(struct ctx *c)
{
	free(c->sent);
	free(c->tok);
	strtab_free(&c->words);
	free(c->w);
	strtab_free(&c->stems);
	free(c->st);
	free(c->term);
	free(c->order);
	free(c->cand);
	free(c->cslot);
	free(c->kw);
	tq_buf_free(&c->kb);
	tq_buf_free(&c->nb);
}

int
tq_ai_builtin(const struct tq_ai_request *req, struct tq_ai_result *res,
    struct tq_err *err)
{
	struct ctx c;
	char *clean;
	size_t len;
	int k, nkw, truncated = 0;

	if (req == NULL || req->text == NULL || blank(req->text))
		return tq_err_set(err, TQ_ERR_PERMANENT, "empty_content",
		    "no text to analyse");
	memset(&c, 0, sizeof(c));
	len = strlen(req->text);
	if (len > AI_MAX_INPUT) {
		len = AI_MAX_INPUT;
		while (len > 0 && ((unsigned char)req->text[len] & 0xc0) ==
		    0x80)
			len--;
		truncated = 1;
	}
	clean = tq_lang_utf8_clean(req->text, len, &c.len);
	c.text = clean;
	c.lang = tq_lang_detect(clean);
	c.swlang = tq_lang_stopword_at(c.lang, 0) != NULL ? c.lang : "en";

	split(&c);
	for (k = 0; k < c.nsent; k++)
		tokenize(&c, k);
	survey(&c);
	if (req->title != NULL)
		title_stems(&c, req->title);

	nkw = req->max_keywords > 0 ? req->max_keywords : DEF_KEYWORDS;
	if (nkw > MAX_KEYWORDS)
		nkw = MAX_KEYWORDS;
	if (req->want_summary || req->want_insights)
		rank(&c);
	if (req->want_keywords || req->want_insights)
		keywords(&c, nkw > 5 ? nkw : 5);

	if (req->want_summary)
		res->summary = summary(&c, req->summary_sentences);
	if (req->want_keywords)
		res->keywords = keyword_json(&c, nkw);
	if (req->want_insights)
		res->insights = insights(&c);
	res->language = xstrdup(c.lang);
	res->finish_reason = xstrdup("stop");
	res->json_mode = NULL;
	res->input_truncated = truncated;
	res->attempts = 1;
	res->prompt_tokens = res->completion_tokens = res->total_tokens = -1;

	ctx_free(&c);
	free(clean);
	return 0;
}
