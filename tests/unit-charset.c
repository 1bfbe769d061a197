/*
 * unit-charset - tq_charset_to_utf8(): BOMs, header and <meta>
 * charsets, label aliases, the UTF-8/windows-1252 guess, and that any
 * input at all comes out as valid UTF-8 without NULs.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "tap.h"

#define FFFD "\xef\xbf\xbd"

/* Valid UTF-8, checked by glibc rather than by the code under test. */
static int
valid_utf8(const char *s, size_t n)
{
	char out[4096], *ip = (char *)s, *op;
	size_t il = n, ol;
	iconv_t cd;
	int ok = 1;

	if ((cd = iconv_open("UTF-32LE", "UTF-8")) == (iconv_t)-1)
		return 0;
	while (il > 0) {
		op = out;
		ol = sizeof(out);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

/* Convert, then check text, length, charset and validity. */
static void
conv(const char *in, size_t n, const char *hdr, int html, const char *want,
    const char *want_cs, const char *name)
{
	const char *used = NULL;
	size_t len = (size_t)-1;
	char *s;

	s = tq_charset_to_utf8(in, n, hdr, html, &len, &used);
	if (!ok(s != NULL && len == strlen(want) && memcmp(s, want, len) == 0,
	    "%s: text", name))
		printf("#   got: '%s' (%zu)\n#  want: '%s' (%zu)\n",
		    s ? s : "(null)", len, want, strlen(want));
	is_str(used, want_cs, "%s: charset", name);
	ok(s != NULL && s[len] == '\0' && strlen(s) == len &&
	    valid_utf8(s, len), "%s: valid UTF-8, no NUL", name);
	free(s);
}

#define C(lit, hdr, html, want, cs, name) \
	conv(lit, sizeof(lit) - 1, hdr, html, want, cs, name)

static uint32_t rng = 2463534242u;

static uint32_t
xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void
fuzz(void)
{
	static const char *hdrs[] = { NULL, "utf-8", "windows-1252",
	    "shift_jis", "euc-jp", "iso-2022-jp", "gbk", "gb18030", "big5",
	    "euc-kr", "utf-16le", "utf-16be", "koi8-r", "x-no-such" };
	static const char *pre[] = { "", "\xef\xbb\xbf", "\xff\xfe",
	    "\xfe\xff", "<meta charset=shift_jis>", "<meta charset=utf-16>",
	    "\x1b$B" };
	char buf[600], *s;
	size_t n, len, i, bad = 0;
	int round;

	for (round = 0; round < 3000; round++) {
		const char *p = pre[xorshift() % (sizeof(pre) / sizeof(*pre))];
		const char *h = hdrs[xorshift() % (sizeof(hdrs) / sizeof(*hdrs))];

		n = strlen(p);
		memcpy(buf, p, n);
		len = n + xorshift() % (sizeof(buf) - n);
		for (i = n; i < len; i++) {
			uint32_t r = xorshift();

			/* Mostly high bytes, escapes and NULs: the hard cases. */
			buf[i] = r % 4 == 0 ? (char)(r >> 8) % 32 :
			    r % 4 == 1 ? "\x1b$B(J\x80\xff\xc3\xed\xf4"[r % 10] :
			    (char)(0x80 | (r >> 8));
		}
		s = tq_charset_to_utf8(buf, len, h, round & 1, &n, NULL);
		if (s == NULL || strlen(s) != n || !valid_utf8(s, n))
			bad++;
		free(s);
	}
	is_int(bad, 0, "3000 random buffers: all valid UTF-8 without NUL");
}

int
main(void)
{
	char *big, *s;
	size_t i, n;
	const char *used;

	/* Plain UTF-8 and its repair. */
	C("hello", NULL, 0, "hello", "utf-8", "ascii");
	C("caf\xc3\xa9 \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
	    NULL, 0, "café Привет", "utf-8", "utf-8 guessed");
	C("a\xff" "b", "utf-8", 0, "a" FFFD "b", "utf-8", "invalid byte");
	C("caf\xc3", "utf-8", 0, "caf" FFFD, "utf-8", "truncated 2-byte");
	C("x\xe6\x97", "UTF-8", 0, "x" FFFD, "utf-8", "truncated 3-byte");
	C("\xc0\xaf", "utf8", 0, FFFD FFFD, "utf-8", "overlong");
	C("\xed\xa0\x80", "utf-8", 0, FFFD FFFD FFFD, "utf-8", "surrogate");
	C("\xf4\x90\x80\x80", "utf-8", 0, FFFD FFFD FFFD FFFD, "utf-8",
	    "past U+10FFFF");
	C("\xf0\x9f\x98\x80!", "utf-8", 0, "\xf0\x9f\x98\x80!", "utf-8",
	    "4-byte");
	C("a\0b\0", "utf-8", 0, "ab", "utf-8", "NULs dropped");
	C("", NULL, 1, "", "utf-8", "empty");
	conv(NULL, 0, NULL, 1, "", "utf-8", "NULL input");
	conv(NULL, 5, "shift_jis", 1, "", "shift_jis", "NULL with length");

	/* The windows-1252 guess and its labels. */
	C("caf\xe9", NULL, 0, "café", "windows-1252", "latin-1 guessed");
	C("\x80 caf\xe9", "iso-8859-1", 0, "€ café", "windows-1252",
	    "iso-8859-1 is windows-1252");
	C("caf\xe9", "Latin1", 0, "café", "windows-1252", "latin1");
	C("caf\xe9", " \"ISO_8859-1\" ", 0, "café", "windows-1252",
	    "odd spelling");
	C("caf\xe9", "us-ascii", 0, "café", "windows-1252", "us-ascii");
	C("a\x81z", "windows-1252", 0, "a" FFFD "z", "windows-1252",
	    "undefined windows-1252 byte");
	C("caf\xc3\xa9 na\xc3\xafve \xc3\xbc" "ber \xc3\xa0 \xc3\xa7" "a \xe9",
	    NULL, 0, "café naïve über à ça " FFFD, "utf-8",
	    "mostly UTF-8 with a stray byte stays UTF-8");
	C("caf\xe9 \xc3\xa9", NULL, 0, "café Ã©", "windows-1252",
	    "one UTF-8 pair among latin-1 is latin-1");

	/* Other charsets and aliases. */
	C("\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251", 0, "Привет",
	    "windows-1251", "windows-1251");
	C("\xcf\xf0\xe8\xe2\xe5\xf2", "cp1251", 0, "Привет", "windows-1251",
	    "cp1251");
	C("\xf0\xd2\xc9\xd7\xc5\xd4", "KOI8-R", 0, "Привет", "koi8-r",
	    "koi8-r");
	C("\x93\xfa\x96\x7b\x8c\xea", "shift_jis", 0, "日本語", "shift_jis",
	    "shift_jis");
	C("\x93\xfa\x96\x7b\x8c\xea", "x-sjis", 0, "日本語", "shift_jis",
	    "x-sjis");
	C("\x93\xfa\x96\x7b\x8c\xea", "Shift-JIS", 0, "日本語", "shift_jis",
	    "Shift-JIS");
	C("C:\\dir", "shift_jis", 0, "C:\\dir", "shift_jis",
	    "shift_jis backslash is a backslash");
	C("\x93\xfa\x96", "shift_jis", 0, "日" FFFD, "shift_jis",
	    "shift_jis truncated");
	C("a\x81 b", "shift_jis", 0, "a" FFFD " b", "shift_jis",
	    "shift_jis invalid byte");
	C("\xc6\xfc\xcb\xdc\xb8\xec", "EUC-JP", 0, "日本語", "euc-jp", "euc-jp");
	C("\x1b$BF|K\\8l\x1b(B!", "iso-2022-jp", 0, "日本語!", "iso-2022-jp",
	    "iso-2022-jp");
	C("\xd6\xd0\xce\xc4", "gb2312", 0, "中文", "gbk", "gb2312 is gbk");
	C("\xa4\xa4\xa4\xe5", "big5", 0, "中文", "big5", "big5");
	C("\xc7\xd1\xb1\xdb", "euc-kr", 0, "한글", "euc-kr", "euc-kr");
	C("\xb3\xf3" "d\xbc", "iso-8859-2", 0, "łód\xc5\xba", "iso-8859-2",
	    "iso-8859-2");
	C("caf\xe9", "x-no-such-charset", 0, "café", "windows-1252",
	    "unknown label: guess");
	C("caf\xc3\xa9", "", 0, "café", "utf-8", "empty label: guess");

	/* BOMs win over everything. */
	C("\xef\xbb\xbf" "caf\xc3\xa9", "windows-1251", 1, "café", "utf-8",
	    "UTF-8 BOM beats the header");
	C("\xff\xfeh\0i\0 \0\x3a\x04", NULL, 0, "hi к", "utf-16le",
	    "UTF-16LE BOM");
	C("\xfe\xff\0h\0i\x04\x3a", "utf-8", 0, "hiк", "utf-16be",
	    "UTF-16BE BOM");
	C("\xff\xfe\0\0a\0", NULL, 0, "a", "utf-16le", "UTF-16 NUL dropped");
	C("\xff\xfe" "a\0b", NULL, 0, "a" FFFD, "utf-16le",
	    "UTF-16 odd byte at the end");
	C("\xff\xfe" "a\0\x00\xd8" "b\0", NULL, 0, "a" FFFD "b", "utf-16le",
	    "UTF-16 lone surrogate");
	C("\xff\xfe", NULL, 0, "", "utf-16le", "BOM only");

	/* <meta> prescan. */
	C("<html><head><meta charset=\"windows-1251\"><title>\xcf\xf0\xe8"
	    "\xe2\xe5\xf2</title>", NULL, 1,
	    "<html><head><meta charset=\"windows-1251\"><title>Привет</title>",
	    "windows-1251", "meta charset");
	C("<META CHARSET=koi8-r>\xf0\xd2\xc9\xd7\xc5\xd4", NULL, 1,
	    "<META CHARSET=koi8-r>Привет", "koi8-r", "META unquoted");
	C("<meta http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=Shift_JIS\">\x93\xfa\x96\x7b\x8c\xea", NULL, 1,
	    "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=Shift_JIS\">日本語", "shift_jis", "meta http-equiv");
	C("<meta content='text/html; charset=\"cp1251\"' "
	    "http-equiv='content-type'/>\xcf", NULL, 1,
	    "<meta content='text/html; charset=\"cp1251\"' "
	    "http-equiv='content-type'/>П", "windows-1251",
	    "http-equiv after content, quoted charset");
	C("<meta content=\"text/html; charset=cp1251\">caf\xe9", NULL, 1,
	    "<meta content=\"text/html; charset=cp1251\">café",
	    "windows-1252", "content without http-equiv ignored");
	C("<!-- <meta charset=cp1251> -->caf\xe9", NULL, 1,
	    "<!-- <meta charset=cp1251> -->café", "windows-1252",
	    "meta in a comment ignored");
	C("<div title=\"<meta charset=cp1251>\">caf\xe9", NULL, 1,
	    "<div title=\"<meta charset=cp1251>\">café", "windows-1252",
	    "meta in an attribute ignored");
	C("<meta charset=utf-16>caf\xc3\xa9", NULL, 1,
	    "<meta charset=utf-16>café", "utf-8", "meta utf-16 means utf-8");
	C("<meta charset=cp1251>\xcf", NULL, 0, "<meta charset=cp1251>Ï",
	    "windows-1252", "meta ignored when not HTML");
	C("<meta charset=cp1251>\xcf", "koi8-r", 1,
	    "<meta charset=cp1251>о", "koi8-r", "header beats meta");
	C("<meta charset=shift_jis>\x93\xfa\x96\x7b\x8c\xea", "utf-8", 1,
	    "<meta charset=shift_jis>日本語", "shift_jis",
	    "header utf-8 on bytes that are not: the meta's charset");
	C("<meta charset=cp1251>caf\xc3\xa9", "utf-8", 1,
	    "<meta charset=cp1251>café", "utf-8",
	    "header utf-8 on UTF-8 beats the meta");
	C("a\xff" "b", "utf-8", 1, "a" FFFD "b", "utf-8",
	    "header utf-8 on bytes that are not, no meta: U+FFFD");
	/* declared in a legacy charset, but every byte UTF-8 */
	C("<meta charset=gb2312>\xe4\xb8\xad\xe6\x96\x87", NULL, 1,
	    "<meta charset=gb2312>中文", "utf-8",
	    "meta gb2312 on UTF-8: UTF-8");
	C("caf\xc3\xa9", "iso-8859-1", 1, "café", "utf-8",
	    "header Latin-1 on UTF-8: UTF-8");
	C("<meta charset=windows-1252>caf\xc3\xa9 \xe2\x82", NULL, 1,
	    "<meta charset=windows-1252>café " FFFD, "utf-8",
	    "UTF-8 cut at the end: still UTF-8");
	C("<meta charset=windows-1252>caf\xc3\xa9 na\xefve", NULL, 1,
	    "<meta charset=windows-1252>cafÃ© naïve", "windows-1252",
	    "one byte that is not UTF-8: the declared charset");
	C("<meta charset=shift_jis>\x93\xfa\x96\x7b\x8c\xea", NULL, 1,
	    "<meta charset=shift_jis>日本語", "shift_jis",
	    "Shift_JIS is not UTF-8");
	C("<meta charset=iso-2022-jp>\x1b$B$3$s\x1b(B", NULL, 1,
	    "<meta charset=iso-2022-jp>こん", "iso-2022-jp",
	    "ASCII-only iso-2022-jp stays iso-2022-jp");
	C("<meta charset=nonsense><meta charset=cp1251>\xcf", NULL, 1,
	    "<meta charset=nonsense><meta charset=cp1251>П", "windows-1251",
	    "unknown meta charset skipped");
	C("<?xml version=\"1.0\" encoding=\"windows-1251\"?><html>\xcf", NULL, 1,
	    "<?xml version=\"1.0\" encoding=\"windows-1251\"?><html>П",
	    "windows-1251", "XML declaration");
	C("<?xml version='1.0' encoding='koi8-r'?><meta charset=cp1251>\xcf",
	    NULL, 1, "<?xml version='1.0' encoding='koi8-r'?><meta "
	    "charset=cp1251>П", "windows-1251", "meta beats XML declaration");
	C("<?xml encoding=\"cp1251\"", NULL, 1, "<?xml encoding=\"cp1251\"",
	    "utf-8", "unterminated XML declaration");
	C("<meta charset=\"cp1251", NULL, 1, "<meta charset=\"cp1251",
	    "utf-8", "unterminated meta");

	/* a head of long scripts: its meta still counts; not after
	 * <body>, nor past 64 KiB */
	big = xmalloc(70000 + 64);
	memset(big, ' ', 70000);
	memcpy(big + 5000, "<meta charset=cp1251>\xcf", 22);
	s = tq_charset_to_utf8(big, 5022, NULL, 1, &n, &used);
	is_str(used, "windows-1251", "meta past 4 KiB, in the head");
	free(s);
	memcpy(big, "<body>", 6);
	s = tq_charset_to_utf8(big, 5022, NULL, 1, &n, &used);
	is_str(used, "windows-1252", "meta after <body> ignored");
	free(s);
	memset(big, ' ', 70000);
	memcpy(big + 66000, "<meta charset=cp1251>\xcf", 22);
	s = tq_charset_to_utf8(big, 66022, NULL, 1, &n, &used);
	is_str(used, "windows-1252", "meta past 64 KiB ignored");
	free(s);
	free(big);

	/* Large input and every byte value. */
	big = xmalloc(1 << 20);
	for (i = 0; i < 1 << 20; i++)
		big[i] = (char)(i * 7 + (i >> 8));
	s = tq_charset_to_utf8(big, 1 << 20, "utf-8", 1, &n, &used);
	ok(s != NULL && strlen(s) == n && valid_utf8(s, n),
	    "1 MiB of every byte as utf-8: valid");
	free(s);
	s = tq_charset_to_utf8(big, 1 << 20, "shift_jis", 1, &n, &used);
	ok(s != NULL && strlen(s) == n && valid_utf8(s, n),
	    "1 MiB of every byte as shift_jis: valid");
	free(s);
	s = tq_charset_to_utf8(big, 1 << 20, "iso-2022-jp", 1, &n, &used);
	ok(s != NULL && strlen(s) == n && valid_utf8(s, n),
	    "1 MiB of every byte as iso-2022-jp: valid");
	free(s);
	s = tq_charset_to_utf8(big, 1 << 20, NULL, 1, &n, &used);
	ok(s != NULL && strlen(s) == n && valid_utf8(s, n) &&
	    strcmp(used, "windows-1252") == 0,
	    "1 MiB of every byte guessed windows-1252: valid");
	free(s);
	free(big);

	s = tq_charset_to_utf8("x", 1, NULL, 0, NULL, NULL);
	is_str(s, "x", "outlen and used may be NULL");
	free(s);

	fuzz();
	return done_testing();
}
