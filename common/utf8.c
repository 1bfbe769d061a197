/*
 * utf8.c - UTF-8, once for all of tq: decode and encode one character,
 * the length of a valid sequence, the WHATWG decoder's maximal
 * subparts (charset.c), a cleaned copy, counting and cutting by
 * characters, columns on a terminal, grapheme cluster boundaries (for
 * cutting text), and the word count that every stage reports.
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

/*
 * Characters that extend the grapheme cluster before them (UAX #29's
 * Extend and SpacingMark, most of them): the combining marks (general
 * categories Mn, Mc and Me of Unicode 14's UnicodeData.txt, ranges
 * joined over unassigned code points), which take in the variation
 * selectors and the keycap; the emoji modifiers U+1F3FB to U+1F3FF,
 * the tags U+E0020 to U+E007F and the non-joiner U+200C.  Sorted.
 */
static const struct {
	uint32_t	lo, hi;
} marks[] = {
	{ 0x300, 0x36f }, { 0x483, 0x489 }, { 0x591, 0x5bd }, { 0x5bf, 0x5bf },
	{ 0x5c1, 0x5c2 }, { 0x5c4, 0x5c5 }, { 0x5c7, 0x5c7 }, { 0x610, 0x61a },
	{ 0x64b, 0x65f }, { 0x670, 0x670 }, { 0x6d6, 0x6dc }, { 0x6df, 0x6e4 },
	{ 0x6e7, 0x6e8 }, { 0x6ea, 0x6ed }, { 0x711, 0x711 }, { 0x730, 0x74a },
	{ 0x7a6, 0x7b0 }, { 0x7eb, 0x7f3 }, { 0x7fd, 0x7fd }, { 0x816, 0x819 },
	{ 0x81b, 0x823 }, { 0x825, 0x827 }, { 0x829, 0x82d }, { 0x859, 0x85b },
	{ 0x898, 0x89f }, { 0x8ca, 0x8e1 }, { 0x8e3, 0x903 }, { 0x93a, 0x93c },
	{ 0x93e, 0x94f }, { 0x951, 0x957 }, { 0x962, 0x963 }, { 0x981, 0x983 },
	{ 0x9bc, 0x9bc }, { 0x9be, 0x9cd }, { 0x9d7, 0x9d7 }, { 0x9e2, 0x9e3 },
	{ 0x9fe, 0xa03 }, { 0xa3c, 0xa51 }, { 0xa70, 0xa71 }, { 0xa75, 0xa75 },
	{ 0xa81, 0xa83 }, { 0xabc, 0xabc }, { 0xabe, 0xacd }, { 0xae2, 0xae3 },
	{ 0xafa, 0xb03 }, { 0xb3c, 0xb3c }, { 0xb3e, 0xb57 }, { 0xb62, 0xb63 },
	{ 0xb82, 0xb82 }, { 0xbbe, 0xbcd }, { 0xbd7, 0xbd7 }, { 0xc00, 0xc04 },
	{ 0xc3c, 0xc3c }, { 0xc3e, 0xc56 }, { 0xc62, 0xc63 }, { 0xc81, 0xc83 },
	{ 0xcbc, 0xcbc }, { 0xcbe, 0xcd6 }, { 0xce2, 0xce3 }, { 0xd00, 0xd03 },
	{ 0xd3b, 0xd3c }, { 0xd3e, 0xd4d }, { 0xd57, 0xd57 }, { 0xd62, 0xd63 },
	{ 0xd81, 0xd83 }, { 0xdca, 0xddf }, { 0xdf2, 0xdf3 }, { 0xe31, 0xe31 },
	{ 0xe34, 0xe3a }, { 0xe47, 0xe4e }, { 0xeb1, 0xeb1 }, { 0xeb4, 0xebc },
	{ 0xec8, 0xecd }, { 0xf18, 0xf19 }, { 0xf35, 0xf35 }, { 0xf37, 0xf37 },
	{ 0xf39, 0xf39 }, { 0xf3e, 0xf3f }, { 0xf71, 0xf84 }, { 0xf86, 0xf87 },
	{ 0xf8d, 0xfbc }, { 0xfc6, 0xfc6 }, { 0x102b, 0x103e },
	{ 0x1056, 0x1059 }, { 0x105e, 0x1060 }, { 0x1062, 0x1064 },
	{ 0x1067, 0x106d }, { 0x1071, 0x1074 }, { 0x1082, 0x108d },
	{ 0x108f, 0x108f }, { 0x109a, 0x109d }, { 0x135d, 0x135f },
	{ 0x1712, 0x1715 }, { 0x1732, 0x1734 }, { 0x1752, 0x1753 },
	{ 0x1772, 0x1773 }, { 0x17b4, 0x17d3 }, { 0x17dd, 0x17dd },
	{ 0x180b, 0x180d }, { 0x180f, 0x180f }, { 0x1885, 0x1886 },
	{ 0x18a9, 0x18a9 }, { 0x1920, 0x193b }, { 0x1a17, 0x1a1b },
	{ 0x1a55, 0x1a7f }, { 0x1ab0, 0x1b04 }, { 0x1b34, 0x1b44 },
	{ 0x1b6b, 0x1b73 }, { 0x1b80, 0x1b82 }, { 0x1ba1, 0x1bad },
	{ 0x1be6, 0x1bf3 }, { 0x1c24, 0x1c37 }, { 0x1cd0, 0x1cd2 },
	{ 0x1cd4, 0x1ce8 }, { 0x1ced, 0x1ced }, { 0x1cf4, 0x1cf4 },
	{ 0x1cf7, 0x1cf9 }, { 0x1dc0, 0x1dff }, { 0x200c, 0x200c },
	{ 0x20d0, 0x20f0 }, { 0x2cef, 0x2cf1 }, { 0x2d7f, 0x2d7f },
	{ 0x2de0, 0x2dff }, { 0x302a, 0x302f }, { 0x3099, 0x309a },
	{ 0xa66f, 0xa672 }, { 0xa674, 0xa67d }, { 0xa69e, 0xa69f },
	{ 0xa6f0, 0xa6f1 }, { 0xa802, 0xa802 }, { 0xa806, 0xa806 },
	{ 0xa80b, 0xa80b }, { 0xa823, 0xa827 }, { 0xa82c, 0xa82c },
	{ 0xa880, 0xa881 }, { 0xa8b4, 0xa8c5 }, { 0xa8e0, 0xa8f1 },
	{ 0xa8ff, 0xa8ff }, { 0xa926, 0xa92d }, { 0xa947, 0xa953 },
	{ 0xa980, 0xa983 }, { 0xa9b3, 0xa9c0 }, { 0xa9e5, 0xa9e5 },
	{ 0xaa29, 0xaa36 }, { 0xaa43, 0xaa43 }, { 0xaa4c, 0xaa4d },
	{ 0xaa7b, 0xaa7d }, { 0xaab0, 0xaab0 }, { 0xaab2, 0xaab4 },
	{ 0xaab7, 0xaab8 }, { 0xaabe, 0xaabf }, { 0xaac1, 0xaac1 },
	{ 0xaaeb, 0xaaef }, { 0xaaf5, 0xaaf6 }, { 0xabe3, 0xabea },
	{ 0xabec, 0xabed }, { 0xfb1e, 0xfb1e }, { 0xfe00, 0xfe0f },
	{ 0xfe20, 0xfe2f }, { 0x101fd, 0x101fd }, { 0x102e0, 0x102e0 },
	{ 0x10376, 0x1037a }, { 0x10a01, 0x10a0f }, { 0x10a38, 0x10a3f },
	{ 0x10ae5, 0x10ae6 }, { 0x10d24, 0x10d27 }, { 0x10eab, 0x10eac },
	{ 0x10f46, 0x10f50 }, { 0x10f82, 0x10f85 }, { 0x11000, 0x11002 },
	{ 0x11038, 0x11046 }, { 0x11070, 0x11070 }, { 0x11073, 0x11074 },
	{ 0x1107f, 0x11082 }, { 0x110b0, 0x110ba }, { 0x110c2, 0x110c2 },
	{ 0x11100, 0x11102 }, { 0x11127, 0x11134 }, { 0x11145, 0x11146 },
	{ 0x11173, 0x11173 }, { 0x11180, 0x11182 }, { 0x111b3, 0x111c0 },
	{ 0x111c9, 0x111cc }, { 0x111ce, 0x111cf }, { 0x1122c, 0x11237 },
	{ 0x1123e, 0x1123e }, { 0x112df, 0x112ea }, { 0x11300, 0x11303 },
	{ 0x1133b, 0x1133c }, { 0x1133e, 0x1134d }, { 0x11357, 0x11357 },
	{ 0x11362, 0x11374 }, { 0x11435, 0x11446 }, { 0x1145e, 0x1145e },
	{ 0x114b0, 0x114c3 }, { 0x115af, 0x115c0 }, { 0x115dc, 0x115dd },
	{ 0x11630, 0x11640 }, { 0x116ab, 0x116b7 }, { 0x1171d, 0x1172b },
	{ 0x1182c, 0x1183a }, { 0x11930, 0x1193e }, { 0x11940, 0x11940 },
	{ 0x11942, 0x11943 }, { 0x119d1, 0x119e0 }, { 0x119e4, 0x119e4 },
	{ 0x11a01, 0x11a0a }, { 0x11a33, 0x11a39 }, { 0x11a3b, 0x11a3e },
	{ 0x11a47, 0x11a47 }, { 0x11a51, 0x11a5b }, { 0x11a8a, 0x11a99 },
	{ 0x11c2f, 0x11c3f }, { 0x11c92, 0x11cb6 }, { 0x11d31, 0x11d45 },
	{ 0x11d47, 0x11d47 }, { 0x11d8a, 0x11d97 }, { 0x11ef3, 0x11ef6 },
	{ 0x16af0, 0x16af4 }, { 0x16b30, 0x16b36 }, { 0x16f4f, 0x16f4f },
	{ 0x16f51, 0x16f92 }, { 0x16fe4, 0x16ff1 }, { 0x1bc9d, 0x1bc9e },
	{ 0x1cf00, 0x1cf46 }, { 0x1d165, 0x1d169 }, { 0x1d16d, 0x1d172 },
	{ 0x1d17b, 0x1d182 }, { 0x1d185, 0x1d18b }, { 0x1d1aa, 0x1d1ad },
	{ 0x1d242, 0x1d244 }, { 0x1da00, 0x1da36 }, { 0x1da3b, 0x1da6c },
	{ 0x1da75, 0x1da75 }, { 0x1da84, 0x1da84 }, { 0x1da9b, 0x1daaf },
	{ 0x1e000, 0x1e02a }, { 0x1e130, 0x1e136 }, { 0x1e2ae, 0x1e2ae },
	{ 0x1e2ec, 0x1e2ef }, { 0x1e8d0, 0x1e8d6 }, { 0x1e944, 0x1e94a },
	{ 0x1f3fb, 0x1f3ff }, { 0xe0020, 0xe01ef }
};

int
tq_utf8_mark(uint32_t c)
{
	size_t lo = 0, hi = sizeof(marks) / sizeof(marks[0]), mid;

	if (c < 0x300)
		return 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < marks[mid].lo)
			hi = mid;
		else if (c > marks[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Hangul: 'L' leading, 'V' vowel, 'T' trailing jamo, syllables LV, LVT */
static int
hangul(uint32_t c)
{
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0xa960 && c <= 0xa97c))
		return 'L';
	if ((c >= 0x1160 && c <= 0x11a7) || (c >= 0xd7b0 && c <= 0xd7c6))
		return 'V';
	if ((c >= 0x11a8 && c <= 0x11ff) || (c >= 0xd7cb && c <= 0xd7fb))
		return 'T';
	if (c >= 0xac00 && c <= 0xd7a3)
		return (c - 0xac00) % 28 == 0 ? 'v' : 't';
	return 0;
}

/* Emoji and pictographs that a joiner joins (Extended_Pictographic). */
static int
pictographic(uint32_t c)
{
	return c == 0xa9 || c == 0xae || c == 0x203c || c == 0x2049 ||
	    c == 0x2122 || c == 0x2139 || (c >= 0x2194 && c <= 0x21aa) ||
	    (c >= 0x231a && c <= 0x23ff) || (c >= 0x25aa && c <= 0x27bf) ||
	    (c >= 0x2934 && c <= 0x2935) || (c >= 0x2b05 && c <= 0x2b55) ||
	    c == 0x3030 || c == 0x303d || c == 0x3297 || c == 0x3299 ||
	    (c >= 0x1f000 && c <= 0x1faff && !(c >= 0x1f1e6 &&
	    c <= 0x1f1ff) && !(c >= 0x1f3fb && c <= 0x1f3ff));
}

/*
 * The signs that join the next consonant to the one before (UAX #29's
 * conjunct linkers, and scripts' like them): the viramas of Devanagari
 * to Malayalam, Myanmar's stacker, Khmer's coeng, Tai Tham's sakot.
 */
static int
conjoiner(uint32_t c)
{
	return (c >= 0x900 && c < 0xd80 && (c & 0x7f) == 0x4d) ||
	    c == 0x1039 || c == 0x17d2 || c == 0x1a60;
}

int
tq_utf8_regional(uint32_t c)
{
	return c >= 0x1f1e6 && c <= 0x1f1ff;
}

/*
 * UAX #29's rules, those that matter to text that is cut: CR LF, no
 * break around other controls, Hangul jamo and syllables, marks, the
 * joiner and what it joins, conjuncts, regional indicators in pairs.
 */
int
tq_utf8_gbreak(uint32_t a, uint32_t b, size_t ri)
{
	int ha, hb;

	if (a == '\r' && b == '\n')
		return 0;
	if (a < 0x20 || (a >= 0x7f && a <= 0x9f) || a == 0x2028 ||
	    a == 0x2029 || b < 0x20 || (b >= 0x7f && b <= 0x9f) ||
	    b == 0x2028 || b == 0x2029)
		return 1;
	ha = hangul(a);
	hb = hangul(b);
	if (ha == 'L' && hb != 0 && hb != 'T')
		return 0;
	if ((ha == 'V' || ha == 'v') && (hb == 'V' || hb == 'T'))
		return 0;
	if ((ha == 'T' || ha == 't') && hb == 'T')
		return 0;
	/* and Thai's and Lao's sara am, a spacing mark though a letter */
	if (b == 0x200d || tq_utf8_mark(b) || b == 0xe33 || b == 0xeb3)
		return 0;
	if (a == 0x200d && pictographic(b))
		return 0;
	/* a conjunct: a virama, coeng or stacker and the letter it joins */
	if (conjoiner(a) && (a >> 7) == (b >> 7) && !tq_utf8_mark(b))
		return 0;
	if (tq_utf8_regional(a) && tq_utf8_regional(b) && ri % 2 == 1)
		return 0;
	return 1;
}

size_t
tq_utf8_gfloor(const char *s, size_t len, size_t at)
{
	size_t i, k, last = 0, ri = 0;
	uint32_t c, prev = 0;

	if (at >= len)
		return len;
	for (i = 0; i <= at; i += k) {
		k = tq_utf8_decode(s + i, len - i, &c);
		if (i == 0 || tq_utf8_gbreak(prev, c, ri))
			last = i;
		ri = tq_utf8_regional(c) ? ri + 1 : 0;
		prev = c;
	}
	return last;
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

/*
 * Thai, Lao, Khmer and Myanmar put no space between words either (a
 * space ends a phrase), but their words are of several letters.
 * Without a dictionary a run of them counts a word for every
 * SYLLABIC_WORD letters begun, about what word processors find with
 * one: marks (vowel signs, tones, the subscript sign), which belong
 * to their letter, and the scripts' full stops count no letter.
 */
#define SYLLABIC_WORD	4

static int
syllabic(uint32_t c)
{
	return (c >= 0xe00 && c <= 0xeff) || (c >= 0x1000 && c <= 0x109f) ||
	    (c >= 0x1780 && c <= 0x17ff) || (c >= 0x19e0 && c <= 0x19ff) ||
	    (c >= 0xa9e0 && c <= 0xa9ff) || (c >= 0xaa60 && c <= 0xaa7f);
}

static int
syllabic_letter(uint32_t c)
{
	return !tq_utf8_mark(c) && c != 0x104a && c != 0x104b &&
	    c != 0x17d4 && c != 0x17d5;
}

long
tq_word_count(const char *s, size_t len)
{
	size_t i, n;
	uint32_t cp;
	long words = 0, letters = 0;
	int in = 0, hasword = 0, run = 0;

	for (i = 0; i < len; i += n) {
		n = tq_utf8_decode(s + i, len - i, &cp);
		if (syllabic(cp) || (run && (cp == 0x200c || cp == 0x200d ||
		    tq_utf8_mark(cp)))) {
			words += in && hasword;
			in = hasword = 0;
			run = 1;
			letters += syllabic_letter(cp);
			continue;
		}
		words += (letters + SYLLABIC_WORD - 1) / SYLLABIC_WORD;
		letters = run = 0;
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
	return words + (in && hasword) + (letters + SYLLABIC_WORD - 1) /
	    SYLLABIC_WORD;
}
