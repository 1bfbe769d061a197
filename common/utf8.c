/*
 * utf8.c - UTF-8, once for all of tq: decode and encode one character,
 * the length of a valid sequence, the WHATWG decoder's maximal
 * subparts (charset.c), a cleaned copy, counting and cutting by
 * characters, columns on a terminal, and the word count that every
 * stage reports.
 *
 * Valid means RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF.
 */
#include <ctype.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tq.h"

size_t
tq_utf8_seq(const char *str, size_t len)
{
	const unsigned char *p = (const unsigned char *)str;
	uint32_t c;
	size_t i, n;

	if (len == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

int
tq_utf8_valid(const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n)
		if ((n = tq_utf8_seq(s + i, len - i)) == 0)
			return 0;
	return 1;
}

size_t
tq_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;
	uint32_t c;

	if (len == 0) {
		*cp = 0;
		return 0;
	}
	if ((n = tq_utf8_seq(s, len)) == 0) {
		*cp = 0xfffd;
		return 1;
	}
	c = n == 1 ? p[0] : p[0] & (0x3f >> (n - 1));
	for (i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3f);
	*cp = c;
	return n;
}

size_t
tq_utf8_encode(uint32_t c, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		o[0] = c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = 0xc0 | (c >> 6);
		o[1] = 0x80 | (c & 0x3f);
		return 2;
	}
	if (c < 0x10000) {
		o[0] = 0xe0 | (c >> 12);
		o[1] = 0x80 | ((c >> 6) & 0x3f);
		o[2] = 0x80 | (c & 0x3f);
		return 3;
	}
	o[0] = 0xf0 | (c >> 18);
	o[1] = 0x80 | ((c >> 12) & 0x3f);
	o[2] = 0x80 | ((c >> 6) & 0x3f);
	o[3] = 0x80 | (c & 0x3f);
	return 4;
}

size_t
tq_utf8_subpart(const char *str, size_t n, int *valid)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	*valid = 1;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing past U+10FFFF */
	} else {
		*valid = 0;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*valid = 0;
			return i;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

char *
tq_utf8_clean(const char *s, size_t len, size_t *outlen)
{
	struct tq_buf b = { 0 };
	size_t i, n, run;
	uint32_t c;

	tq_buf_add(&b, "", 0);
	for (i = run = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &c);
		if (c == 0xfffd && n == 1) {
			tq_buf_add(&b, s + run, i - run);
			tq_buf_adds(&b, "\xef\xbf\xbd");
			run = i + 1;
		} else if (c == 0) {
			tq_buf_add(&b, s + run, i - run);
			run = i + 1;
		}
	}
	tq_buf_add(&b, s + run, len - run);
	if (outlen != NULL)
		*outlen = b.len;
	return b.data;
}

size_t
tq_utf8_count(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
tq_utf8_fit(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t
tq_utf8_prefix(const char *s, size_t len, size_t chars)
{
	size_t i = 0;

	while (i < len && chars > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars--;
	}
	return i;
}

/*
 * Columns of a character on a terminal: wcwidth(3) of the C.UTF-8
 * locale, whatever the user's (tq writes UTF-8 in any locale, and a
 * program run from cron has LANG unset); without it, East Asian wide
 * characters 2, combining marks and joiners 0.  What wcwidth does not
 * know (an unassigned code point) counts 1.
 */
static int
char_width(uint32_t c)
{
	static locale_t loc;
	static int tried;
	locale_t old;
	int w;

	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	if (loc != (locale_t)0) {
		old = uselocale(loc);
		w = wcwidth((wchar_t)c);
		uselocale(old);
		return w < 0 ? 1 : w;
	}
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0xfe00 && c <= 0xfe0f))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t
tq_utf8_width(const char *s, size_t len)
{
	size_t i, k, w = 0;
	uint32_t c;

	for (i = 0; i < len; i += k) {
		k = tq_utf8_decode(s + i, len - i, &c);
		w += char_width(c);
	}
	return w;
}

size_t
tq_utf8_fit_width(const char *s, size_t len, size_t cols)
{
	size_t i, k, w = 0;
	uint32_t c;
	int cw;

	for (i = 0; i < len; i += k) {
		k = tq_utf8_decode(s + i, len - i, &c);
		cw = char_width(c);
		if (w + cw > cols)
			break;
		w += cw;
	}
	return i;
}

int
tq_utf8_isspace(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200b) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 ||
	    c == 0xfeff;
}

/*
 * A character of a script written without spaces between words: the
 * Han ideographs (CJK and their extensions), kana.  Each counts as a
 * word, as word processors count them.
 */
static int
unspaced(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30ff) ||	/* hiragana, katakana */
	    (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f);
}

long
tq_word_count(const char *s, size_t len)
{
	size_t i, n;
	uint32_t cp;
	long words = 0;
	int in = 0, hasword = 0;

	for (i = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &cp);
		if (unspaced(cp)) {
			words += (in && hasword) + 1;
			in = hasword = 0;
		} else if (tq_utf8_isspace(cp)) {
			words += in && hasword;
			in = hasword = 0;
		} else {
			in = 1;
			/* as extraction always counted: not ASCII punctuation */
			if (cp >= 0x80 || isalnum((int)cp))
				hasword = 1;
		}
	}
	return words + (in && hasword);
}
