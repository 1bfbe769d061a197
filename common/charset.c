/*
 * charset.c - turn fetched bytes into valid UTF-8.
 *
 * The order follows the WHATWG encoding sniffing algorithm as browsers
 * run it: BOM, transport (Content-Type) charset, <meta> prescan, then
 * a guess; but a page said to be UTF-8 that is not, and declares its
 * own charset, is read in that one.  Labels map to the WHATWG
 * encodings (so iso-8859-1 and us-ascii decode as windows-1252, gb2312
 * as GBK) and the conversion itself is glibc iconv(3).  Whatever
 * iconv or the input do, the result is valid UTF-8 without NUL bytes:
 * every pass ends in utf8_repair().
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tq.h"

/*
 * Bytes searched for <meta>: the head, however long its scripts and
 * styles (browsers honour a late <meta charset> by reparsing), up to
 * <body> or this much
 */
#define PRESCAN_MAX	65536
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/*
 * name is what callers see (*used), iconv what glibc is asked for
 * (NULL: UTF-8, decoded here), labels the accepted names with every
 * byte that is not a letter or digit removed, space separated.
 */
struct charset {
	const char	*name;
	const char	*iconv;
	const char	*labels;
};

static const struct charset charsets[] = {
	{ "utf-8", NULL,
	    "utf8 unicode11utf8 unicode20utf8 xunicode20utf8" },
	{ "windows-1252", "CP1252",
	    "windows1252 cp1252 xcp1252 iso88591 iso885911987 latin1 l1 "
	    "isoir100 csisolatin1 ibm819 cp819 ascii usascii us iso646us "
	    "ansix341968 ansix341986 ibm367 cp367 csascii" },
	{ "utf-16le", "UTF-16LE",
	    "utf16le utf16 unicode ucs2 csunicode iso10646ucs2 unicodefeff" },
	{ "utf-16be", "UTF-16BE", "utf16be unicodefffe" },
	{ "windows-1250", "CP1250", "windows1250 cp1250 xcp1250" },
	{ "windows-1251", "CP1251", "windows1251 cp1251 xcp1251" },
	{ "windows-1253", "CP1253", "windows1253 cp1253 xcp1253" },
	{ "windows-1254", "CP1254",
	    "windows1254 cp1254 xcp1254 iso88599 iso885991989 latin5 l5 "
	    "isoir148 csisolatin5" },
	{ "windows-1255", "CP1255", "windows1255 cp1255 xcp1255" },
	{ "windows-1256", "CP1256", "windows1256 cp1256 xcp1256" },
	{ "windows-1257", "CP1257", "windows1257 cp1257 xcp1257" },
	{ "windows-1258", "CP1258", "windows1258 cp1258 xcp1258" },
	{ "windows-874", "CP874",
	    "windows874 dos874 iso885911 tis620" },
	{ "iso-8859-2", "ISO-8859-2",
	    "iso88592 iso885921987 latin2 l2 isoir101 csisolatin2" },
	{ "iso-8859-3", "ISO-8859-3",
	    "iso88593 iso885931988 latin3 l3 isoir109 csisolatin3" },
	{ "iso-8859-4", "ISO-8859-4",
	    "iso88594 iso885941988 latin4 l4 isoir110 csisolatin4" },
	{ "iso-8859-5", "ISO-8859-5",
	    "iso88595 iso885951988 cyrillic isoir144 csisolatincyrillic" },
	{ "iso-8859-6", "ISO-8859-6",
	    "iso88596 iso885961987 arabic isoir127 asmo708 ecma114 "
	    "csisolatinarabic iso88596e iso88596i csiso88596e csiso88596i" },
	{ "iso-8859-7", "ISO-8859-7",
	    "iso88597 iso885971987 greek greek8 isoir126 elot928 ecma118 "
	    "csisolatingreek suneugreek" },
	{ "iso-8859-8", "ISO-8859-8",
	    "iso88598 iso885981988 hebrew isoir138 visual csisolatinhebrew "
	    "iso88598e csiso88598e" },
	{ "iso-8859-8-i", "ISO-8859-8", "iso88598i logical csiso88598i" },
	{ "iso-8859-10", "ISO-8859-10",
	    "iso885910 latin6 l6 isoir157 csisolatin6" },
	{ "iso-8859-13", "ISO-8859-13", "iso885913" },
	{ "iso-8859-14", "ISO-8859-14", "iso885914" },
	{ "iso-8859-15", "ISO-8859-15",
	    "iso885915 latin9 l9 csisolatin9" },
	{ "iso-8859-16", "ISO-8859-16", "iso885916" },
	{ "koi8-r", "KOI8-R", "koi8r koi8 koi cskoi8r" },
	{ "koi8-u", "KOI8-U", "koi8u koi8ru" },
	{ "ibm866", "IBM866", "ibm866 cp866 866 csibm866" },
	{ "macintosh", "MACINTOSH", "macintosh mac csmacintosh xmacroman" },
	/* CP932, not glibc's SHIFT_JIS, which turns '\\' into a yen sign. */
	{ "shift_jis", "CP932",
	    "shiftjis sjis xsjis mskanji csshiftjis windows31j ms932 cp932" },
	{ "euc-jp", "EUC-JP", "eucjp xeucjp cseucpkdfmtjapanese" },
	{ "iso-2022-jp", "ISO-2022-JP", "iso2022jp csiso2022jp" },
	/* The WHATWG gbk decoder is the gb18030 decoder. */
	{ "gbk", "GB18030",
	    "gbk gb2312 xgbk chinese csgb2312 csiso58gb231280 gb231280 "
	    "isoir58 cp936 ms936 windows936 euccn xeuccn" },
	{ "gb18030", "GB18030", "gb18030" },
	{ "big5", "BIG5-HKSCS", "big5 big5hkscs cnbig5 csbig5 xxbig5" },
	{ "euc-kr", "CP949",
	    "euckr cseuckr korean ksc5601 ksc56011987 ksc56011989 isoir149 "
	    "csksc56011987 windows949 cp949 uhc" },
};

enum {
	CS_UTF8 = 0,
	CS_1252,
	CS_UTF16LE,
	CS_UTF16BE
};

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* ASCII only, whatever the locale. */
static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Index into charsets[] for a label, -1 when unknown. */
static int
charset_lookup(const char *label, size_t n)
{
	char key[64];
	size_t i, k = 0;

	while (n > 0 && is_ws((unsigned char)*label))
		label++, n--;
	while (n > 0 && is_ws((unsigned char)label[n - 1]))
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = label[i];

		if (c == '\0')
			return -1;
		if (!is_alpha(c) && !(c >= '0' && c <= '9'))
			continue;
		if (k + 1 >= sizeof(key))
			return -1;
		key[k++] = lower(c);
	}
	key[k] = '\0';
	if (k == 0)
		return -1;
	for (i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++) {
		const char *p = charsets[i].labels;

		while (*p != '\0') {
			size_t len = strcspn(p, " ");

			if (len == k && memcmp(p, key, k) == 0)
				return (int)i;
			p += len;
			while (*p == ' ')
				p++;
		}
	}
	return -1;
}

/* Append s to b as valid UTF-8: bad sequences -> U+FFFD, NULs dropped. */
static void
utf8_repair(struct tq_buf *b, const unsigned char *s, size_t n)
{
	size_t i = 0, run = 0, len;
	int valid;

	while (i < n) {
		len = tq_utf8_subpart((const char *)s + i, n - i, &valid);
		if (valid && s[i] != '\0') {
			i += len;
			continue;
		}
		tq_buf_add(b, s + run, i - run);
		if (!valid)
			tq_buf_add(b, REPLACEMENT, 3);
		i += len;
		run = i;
	}
	tq_buf_add(b, s + run, i - run);
}

/*
 * Is this UTF-8?  Yes when it validates, or when valid multibyte
 * sequences outnumber the broken ones four to one (a UTF-8 page with
 * a stray Latin-1 byte stays UTF-8).  A sequence cut off by the end
 * of the buffer counts against it only when nothing else is UTF-8.
 */
static int
looks_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, len, multi = 0, bad = 0;
	int valid, cut = 0;

	while (i < n) {
		len = tq_utf8_subpart((const char *)s + i, n - i, &valid);
		if (!valid && i + len >= n && s[i] >= 0xc2 && s[i] <= 0xf4)
			cut = 1;
		else if (!valid)
			bad++;
		else if (len > 1)
			multi++;
		i += len;
	}
	if (cut && multi == 0)
		bad++;
	return bad == 0 || multi >= 4 * bad;
}

/*
 * Is this all UTF-8, with text beyond ASCII in it?  Legacy text
 * hardly ever is: a windows-1252 letter beyond ASCII would have to be
 * followed by one of the bytes UTF-8 continues with, text in GBK or
 * Shift_JIS pair its bytes just so, again and again.  A sequence cut
 * off by the end of the buffer (a body cut at its limit) is allowed.
 */
static int
all_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, len, multi = 0;
	int valid;

	while (i < n) {
		len = tq_utf8_subpart((const char *)s + i, n - i, &valid);
		if (!valid && !(i + len >= n && s[i] >= 0xc2 && s[i] <= 0xf4))
			return 0;
		if (valid && len > 1)
			multi++;
		i += len;
	}
	return multi > 0;
}

/*
 * Convert with iconv into b (raw; the caller repairs).  EILSEQ skips
 * one code unit and writes U+FFFD, so the loop always advances.
 * -1 if glibc does not know the charset.
 */
static int
iconv_to(struct tq_buf *b, const char *from, size_t unit, const char *in,
    size_t inlen)
{
	char chunk[16384], *ip = (char *)in, *op;
	size_t il = inlen, ol, r;
	iconv_t cd;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return -1;
	while (il > 0) {
		op = chunk;
		ol = sizeof(chunk);
		r = iconv(cd, &ip, &il, &op, &ol);
		tq_buf_add(b, chunk, op - chunk);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		tq_buf_add(b, REPLACEMENT, 3);
		if (errno != EILSEQ)
			break;		/* EINVAL: truncated at the end */
		r = unit < il ? unit : il;
		ip += r;
		il -= r;
	}
	op = chunk;
	ol = sizeof(chunk);
	(void)iconv(cd, NULL, NULL, &op, &ol);	/* back to the initial state */
	tq_buf_add(b, chunk, op - chunk);
	iconv_close(cd);
	return 0;
}

/* ---------------------------------------------------- <meta> prescan */

struct attr {
	char	name[32];
	char	value[128];
};

static void
put(char *dst, size_t cap, size_t *k, int c)
{
	if (*k + 1 < cap) {
		dst[(*k)++] = lower((unsigned char)c);
		dst[*k] = '\0';
	}
}

/*
 * WHATWG "get an attribute": 1 with a in *a, 0 at '>' or the end.
 * Overlong names and values are cut short but fully skipped.
 */
static int
get_attr(const unsigned char *s, size_t n, size_t *pos, struct attr *a)
{
	size_t p = *pos, kn = 0, kv = 0;
	int q;

	a->name[0] = a->value[0] = '\0';
	while (p < n && (is_ws(s[p]) || s[p] == '/'))
		p++;
	if (p >= n || s[p] == '>')
		goto none;
	for (;;) {
		if (p >= n)
			goto none;
		if (s[p] == '=' && kn > 0) {
			p++;
			goto value;
		}
		if (is_ws(s[p]))
			break;
		if (s[p] == '/' || s[p] == '>')
			goto done;
		put(a->name, sizeof(a->name), &kn, s[p]);
		p++;
	}
	while (p < n && is_ws(s[p]))
		p++;
	if (p >= n)
		goto none;
	if (s[p] != '=')
		goto done;
	p++;
value:
	while (p < n && is_ws(s[p]))
		p++;
	if (p >= n)
		goto none;
	if (s[p] == '"' || s[p] == '\'') {
		q = s[p++];
		while (p < n && s[p] != q)
			put(a->value, sizeof(a->value), &kv, s[p++]);
		if (p >= n)
			goto none;
		p++;
		goto done;
	}
	if (s[p] == '>')
		goto done;
	while (p < n && !is_ws(s[p]) && s[p] != '>')
		put(a->value, sizeof(a->value), &kv, s[p++]);
	if (p >= n)
		goto none;
done:
	*pos = p;
	return 1;
none:
	*pos = p;
	return 0;
}

/* The charset= of a content attribute ("text/html; charset=koi8-r"). */
static int
content_charset(const char *v)
{
	const char *p = v, *e;

	while ((p = strstr(p, "charset")) != NULL) {
		p += 7;
		while (is_ws((unsigned char)*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (is_ws((unsigned char)*p))
			p++;
		if (*p == '"' || *p == '\'') {
			if ((e = strchr(p + 1, *p)) == NULL)
				return -1;
			return charset_lookup(p + 1, e - p - 1);
		}
		return charset_lookup(p, strcspn(p, " \t\n\f\r;"));
	}
	return -1;
}

static int
prefix(const unsigned char *s, size_t n, size_t p, const char *lit)
{
	size_t k = strlen(lit);

	return p + k <= n && strncasecmp((const char *)s + p, lit, k) == 0;
}

/* A <meta> tag at *pos (just past "<meta"): its charset or -1. */
static int
meta_charset(const unsigned char *s, size_t n, size_t *pos)
{
	struct attr a;
	int got_pragma = 0, need_pragma = -1, cs = -1;
	int seen_he = 0, seen_content = 0, seen_charset = 0;

	while (get_attr(s, n, pos, &a)) {
		if (strcmp(a.name, "http-equiv") == 0 && !seen_he) {
			seen_he = 1;
			if (strcmp(a.value, "content-type") == 0)
				got_pragma = 1;
		} else if (strcmp(a.name, "content") == 0 && !seen_content) {
			seen_content = 1;
			if (cs == -1 && (cs = content_charset(a.value)) != -1)
				need_pragma = 1;
		} else if (strcmp(a.name, "charset") == 0 && !seen_charset) {
			seen_charset = 1;
			cs = charset_lookup(a.value, strlen(a.value));
			need_pragma = 0;
		}
	}
	if (need_pragma == -1 || (need_pragma == 1 && !got_pragma) || cs == -1)
		return -1;
	/* A page that could be read as ASCII is not UTF-16. */
	if (cs == CS_UTF16LE || cs == CS_UTF16BE)
		cs = CS_UTF8;
	return cs;
}

/* WHATWG "prescan a byte stream to determine its encoding". */
static int
prescan(const unsigned char *s, size_t n)
{
	struct attr a;
	size_t p = 0;
	const unsigned char *e;
	int cs;

	if (n > PRESCAN_MAX)
		n = PRESCAN_MAX;
	for (; p < n; p++) {
		if (s[p] != '<')
			continue;
		if (prefix(s, n, p, "<!--")) {
			e = memmem(s + p + 2, n - p - 2, "-->", 3);
			if (e == NULL)
				return -1;
			p = e - s + 2;
		} else if (prefix(s, n, p, "<body") && p + 5 < n &&
		    (is_ws(s[p + 5]) || s[p + 5] == '>')) {
			return -1;	/* a charset belongs in the head */
		} else if (prefix(s, n, p, "<meta") && p + 5 < n &&
		    (is_ws(s[p + 5]) || s[p + 5] == '/')) {
			p += 5;
			if ((cs = meta_charset(s, n, &p)) != -1)
				return cs;
		} else if ((p + 1 < n && is_alpha(s[p + 1])) ||
		    (p + 2 < n && s[p + 1] == '/' && is_alpha(s[p + 2]))) {
			while (p < n && !is_ws(s[p]) && s[p] != '>')
				p++;
			while (get_attr(s, n, &p, &a))
				;
		} else if (prefix(s, n, p, "<!") || prefix(s, n, p, "</") ||
		    prefix(s, n, p, "<?")) {
			e = memchr(s + p, '>', n - p);
			if (e == NULL)
				return -1;
			p = e - s;
		}
	}
	return -1;
}

/* <?xml version="1.0" encoding="..."?> at the very start, for XHTML. */
static int
xml_decl(const unsigned char *s, size_t n)
{
	const unsigned char *e;
	size_t p;
	struct attr a;

	if (n < 6 || memcmp(s, "<?xml", 5) != 0 || !is_ws(s[5]))
		return -1;
	if ((e = memmem(s, n > PRESCAN_MAX ? PRESCAN_MAX : n, "?>", 2)) == NULL)
		return -1;
	n = e - s;
	p = 5;
	while (get_attr(s, n, &p, &a))
		if (strcmp(a.name, "encoding") == 0) {
			int cs = charset_lookup(a.value, strlen(a.value));

			return cs == CS_UTF16LE || cs == CS_UTF16BE ? CS_UTF8 : cs;
		}
	return -1;
}

char *
tq_charset_to_utf8(const char *buf, size_t len, const char *header_charset,
    int is_html, size_t *outlen, const char **used)
{
	const unsigned char *s = (const unsigned char *)buf;
	struct tq_buf raw = { 0 }, out = { 0 };
	int cs = -1;

	if (s == NULL)
		len = 0;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		cs = CS_UTF8;
		s += 3, len -= 3;
	} else if (len >= 2 && memcmp(s, "\xff\xfe", 2) == 0) {
		cs = CS_UTF16LE;
		s += 2, len -= 2;
	} else if (len >= 2 && memcmp(s, "\xfe\xff", 2) == 0) {
		cs = CS_UTF16BE;
		s += 2, len -= 2;
	}
	if (cs == -1 && header_charset != NULL)
		cs = charset_lookup(header_charset, strlen(header_charset));
	/*
	 * A server that calls every page UTF-8 (a default of its
	 * configuration) sends one that is not, and says what it is in
	 * a <meta>: the page's own word, where browsers would show
	 * U+FFFD for most of its text.
	 */
	if (cs == CS_UTF8 && is_html && !looks_utf8(s, len)) {
		int doc = prescan(s, len);

		if (doc == -1)
			doc = xml_decl(s, len);
		if (doc != -1)
			cs = doc;
	}
	if (cs == -1 && is_html && (cs = prescan(s, len)) == -1)
		cs = xml_decl(s, len);
	/*
	 * A page converted to UTF-8 that still declares its old charset
	 * (a saved page, a site moved to UTF-8 whose templates kept the
	 * old <meta>, a server's default Latin-1): what the bytes are
	 * beats what is said of them, where they can be nothing else.
	 */
	if (cs == -1)
		cs = looks_utf8(s, len) ? CS_UTF8 : CS_1252;
	else if ((cs == CS_1252 || cs > CS_UTF16BE) && all_utf8(s, len))
		cs = CS_UTF8;

	if (charsets[cs].iconv != NULL) {
		size_t unit = cs == CS_UTF16LE || cs == CS_UTF16BE ? 2 : 1;

		if (iconv_to(&raw, charsets[cs].iconv, unit, (const char *)s,
		    len) == 0)
			utf8_repair(&out, (unsigned char *)raw.data, raw.len);
		else {
			/* No such gconv module: guess as if undeclared. */
			cs = looks_utf8(s, len) ? CS_UTF8 : CS_1252;
			if (cs == CS_1252 && iconv_to(&raw, "CP1252", 1,
			    (const char *)s, len) == 0)
				utf8_repair(&out, (unsigned char *)raw.data,
				    raw.len);
			else {
				cs = CS_UTF8;
				utf8_repair(&out, s, len);
			}
		}
		tq_buf_free(&raw);
	} else
		utf8_repair(&out, s, len);

	if (out.data == NULL)
		tq_buf_add(&out, "", 0);
	if (outlen != NULL)
		*outlen = out.len;
	if (used != NULL)
		*used = charsets[cs].name;
	return out.data;
}
