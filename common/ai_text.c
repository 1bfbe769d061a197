/*
 * ai_text.c - the builtin AI provider's text: interned strings,
 * characters, and the cut of the text into paragraphs and sentences
 * (struct sent).  ai_builtin.c says how the provider works.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "ai_priv.h"

/* ------------------------------------------------------------ strings */

uint32_t
ai_fnv(const void *p, size_t n)
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
int
ai_strtab_get(struct strtab *t, const char *s, size_t n, int add, int *isnew)
{
	uint32_t h = ai_fnv(s, n);
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

const char *
ai_strtab_str(const struct strtab *t, int k)
{
	return t->pool.data + t->off[k];
}

void
ai_strtab_free(struct strtab *t)
{
	tq_buf_free(&t->pool);
	free(t->off);
	free(t->len);
	free(t->hash);
	free(t->slot);
}

int
ai_inlist(const char *const *list, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i][0] == w[0] && strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------- characters */

int
ai_space_cp(uint32_t c)
{
	return tq_utf8_isspace(c);
}

int
ai_ascii_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

int
ai_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

int
ai_apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2bc;
}

int
ai_hyphen(uint32_t c)
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

int
ai_question(uint32_t c)
{
	return c == '?' || c == 0xff1f || c == 0x61f || c == 0x37e ||
	    c == 0x2047 || c == 0x2048 || c == 0x2049;
}

int
ai_closer(uint32_t c)
{
	switch (c) {
	case '"': case '\'': case ')': case ']': case '}': case 0x201d:
	case 0x2019: case 0x201c: case 0x2018: case 0xbb: case 0x203a:
	case 0x300d: case 0x300f: case 0xff09: case 0x3011:
		return 1;
	}
	return 0;
}

int
ai_opener(uint32_t c)
{
	switch (c) {
	case '"': case '\'': case '(': case '[': case 0x201c: case 0x2018:
	case 0x201e: case 0xab: case 0x2039: case 0x300c: case 0x300e:
		return 1;
	}
	return 0;
}

size_t
ai_next_cp(const struct ctx *c, size_t i, size_t end, uint32_t *cp)
{
	if (i >= end) {
		*cp = 0;
		return 0;
	}
	if ((unsigned char)c->text[i] < 0x80) {
		*cp = (unsigned char)c->text[i];
		return 1;
	}
	return tq_utf8_decode(c->text + i, end - i, cp);
}

/* Start of the character before i (not before lo); 0 in *cp at lo. */
size_t
ai_prev_cp(const struct ctx *c, size_t lo, size_t i, uint32_t *cp)
{
	size_t j;

	if (i <= lo) {
		*cp = 0;
		return lo;
	}
	j = i - 1;
	while (j > lo && ((unsigned char)c->text[j] & 0xc0) == 0x80)
		j--;
	tq_utf8_decode(c->text + j, i - j, cp);
	return j;
}

static size_t
skip_space(const struct ctx *c, size_t i, size_t end)
{
	uint32_t cp;
	size_t n;

	while (i < end && (n = ai_next_cp(c, i, end, &cp)) > 0 && ai_space_cp(cp))
		i += n;
	return i;
}

static size_t
trim_end(const struct ctx *c, size_t a, size_t b)
{
	uint32_t cp;
	size_t j;

	while (b > a) {
		j = ai_prev_cp(c, a, b, &cp);
		if (!ai_space_cp(cp))
			break;
		b = j;
	}
	return b;
}

/* Append s folding runs of ASCII white space into one space. */
static void
add_span(struct tq_buf *b, const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		for (j = i; j < len && !ai_ascii_space(s[j]); j++)
			continue;
		tq_buf_add(b, s + i, j - i);
		while (j < len && ai_ascii_space(s[j]))
			j++;
		if (j < len && j > i)
			tq_buf_add(b, " ", 1);
		i = j;
	}
}

/* Like add_span, but at most max characters, cut at a space with "…". */
void
ai_add_trunc(struct tq_buf *b, const char *s, size_t len, size_t max)
{
	struct tq_buf t = { 0 };
	size_t i, n, cut, lastsp;

	add_span(&t, s, len);
	if (t.data == NULL)
		return;
	if (tq_utf8_count(t.data, t.len) <= max) {
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
	/* a letter keeps its marks, an emoji sequence is whole */
	if (tq_utf8_gfloor(t.data, t.len, i) > 0)
		i = tq_utf8_gfloor(t.data, t.len, i);
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
json_t *
ai_jsentence(const struct ctx *c, size_t off, size_t len)
{
	struct tq_buf b = { 0 };
	json_t *j;

	ai_add_trunc(&b, c->text + off, len, SENTENCE_CHARS);
	j = json_stringn(b.data ? b.data : "", b.len);
	tq_buf_free(&b);
	return j;
}

json_t *
ai_jspan(const struct ctx *c, size_t off, size_t len)
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
		j = ai_prev_cp(c, lo, a, &cp);
		if (cp == '.') {
			dots++;
			piece = 0;
		} else if (tq_lang_isword(cp)) {
			n++;
			digits += ai_digit(cp);
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
	if (ai_inlist(ab_never, NITEMS(ab_never), w))
		return AB_NEVER;
	if (ai_inlist(ab_digit, NITEMS(ab_digit), w))
		return AB_DIGIT;
	if (ai_inlist(ab_maybe, NITEMS(ab_maybe), w))
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

	while ((n = ai_next_cp(c, i, end, &cp)) > 0 && ai_opener(cp))
		i += n;
	cap = tq_lang_case(cp) > 0;
	c->nb.len = 0;
	tq_buf_add(&c->nb, "", 0);
	while (n > 0 && (tq_lang_isword(cp) || ai_apostrophe(cp)) &&
	    c->nb.len < 64) {
		tq_buf_add(&c->nb, u, tq_utf8_encode(ai_apostrophe(cp) ? '\'' :
		    tq_lang_lower(cp), u));
		i += n;
		n = ai_next_cp(c, i, end, &cp);
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

/* "3. Oktober", and in German "19. Jahrhundert": a number, not an end. */
static int
ordinal(struct ctx *c, size_t i, size_t end)
{
	int cap = next_word(c, i, end);

	return ai_month_name(c->nb.data) != 0 || (cap &&
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
		j = ai_prev_cp(c, a, j, &cp);
	while (j > a && ai_closer(cp));
	if (terminal(cp)) {
		if (ai_question(cp))
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
		n = ai_next_cp(c, i, b, &ch);
		if (!terminal(ch)) {
			i += n;
			continue;
		}
		for (j = i + n; j < b; j += m) {
			m = ai_next_cp(c, j, b, &nx);
			if (!terminal(nx) && !ai_closer(nx))
				break;
		}
		if (j >= b)
			break;
		ai_next_cp(c, j, b, &nx);
		if (!cjk_terminal(ch) && !ai_space_cp(nx)) {
			i = j;
			continue;
		}
		k = skip_space(c, j, b);
		if (k >= b)
			break;
		ai_next_cp(c, k, b, &nx);
		if (!cjk_terminal(ch)) {
			if (tq_lang_case(nx) < 0) {
				i = k;
				continue;
			}
			if (ch == '.' && s[i + 1] != '.' && (i == a ||
			    s[i - 1] != '.')) {
				kind = abbrev(c, start, i);
				if (kind == AB_NEVER || (kind == AB_DIGIT &&
				    ai_digit(nx)) || (kind == AB_MAYBE &&
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

	n = ai_next_cp(c, a, b, &cp);
	for (i = 0; i < NITEMS(marks); i++)
		if (cp == marks[i]) {
			ai_next_cp(c, a + n, b, &nx);
			return ai_space_cp(nx) ? a + n : 0;
		}
	for (i = a; i < b && i - a < 3 && ai_digit((unsigned char)s[i]); i++)
		continue;
	if (i == a && i < b && s[i] >= 'a' && s[i] <= 'z' && i + 1 < b &&
	    s[i + 1] == ')')
		i++;
	if (i == a || i + 1 >= b || (s[i] != '.' && s[i] != ')') ||
	    !ai_ascii_space(s[i + 1]))
		return 0;
	if (s[i] == '.' && !ai_digit((unsigned char)s[a]))
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

	for (i = l->a; i < l->b && !ai_ascii_space(c->text[i]); i++)
		continue;
	return tq_utf8_count(c->text + l->a, i - l->a);
}

static int
ends_terminal(const struct ctx *c, const struct span *l)
{
	uint32_t cp;
	size_t j = l->b;

	do
		j = ai_prev_cp(c, l->a, j, &cp);
	while (j > l->a && ai_closer(cp));
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
			if ((l = tq_utf8_count(c->text + ln[k].a, ln[k].b - ln[k].a)) >
			    maxl)
				maxl = l;
		wrap = maxl >= 40 && maxl <= 120;
		for (k = 0; wrap && k < n; k++) {
			if (bullet(c, ln[k].a, ln[k].b) > 0)
				wrap = 0;
			else if (k < n - 1 && tq_utf8_count(c->text + ln[k].a,
			    ln[k].b - ln[k].a) + 1 +
			    first_word(c, &ln[k + 1]) <= maxl)
				wrap = 0;
		}
	} else if (n == 2) {
		uint32_t cp;

		l = tq_utf8_count(c->text + ln[0].a, ln[0].b - ln[0].a);
		ai_next_cp(c, ln[1].a, ln[1].b, &cp);
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

void
ai_split(struct ctx *c)
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

