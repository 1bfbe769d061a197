/* unit-util.c - util.c and config.c */
#include <stdlib.h>
#include <string.h>

#include "tq.h"
#include "tap.h"

/*
 * NULL if url goes through tq's URL code as libcurl's parser says it
 * should (the oracle of tests/fuzz/fuzz-url.c): tq_url_simple()'s form
 * is tq_url_check()'s, a URL tq_url_plain() passes is one that
 * tq_url_check() leaves alone, and tq_url_check()'s form comes back
 * unchanged; else what differs, in a static buffer.
 */
static const char *
url_differs(const char *url)
{
	static char why[600];
	struct tq_err e = { 0 };
	char *norm = NULL, *again = NULL, *simple;
	int rc = tq_url_check(url, &norm, &e);

	why[0] = '\0';
	if ((simple = tq_url_simple(url)) != NULL &&
	    (rc == -1 || strcmp(simple, norm) != 0))
		snprintf(why, sizeof(why), "simple %s, curl %s", simple,
		    rc == 0 ? norm : e.msg);
	else if (tq_url_plain(url) && (rc == -1 || strcmp(url, norm) != 0))
		snprintf(why, sizeof(why), "plain, curl %s",
		    rc == 0 ? norm : e.msg);
	else if (rc == 0 && (tq_url_check(norm, &again, &e) == -1 ||
	    strcmp(norm, again) != 0))
		snprintf(why, sizeof(why), "curl %s, again %s", norm,
		    again != NULL ? again : e.msg);
	free(again);
	free(simple);
	free(norm);
	return why[0] != '\0' ? why : NULL;
}

/*
 * tests/unit-util FILE...: each file a URL (to its first NUL) through
 * url_differs(): the inputs of tests/fuzz/regress/url-*
 * (tests/0620-fuzz-regress.t).  Exits 1 at the first that differs.
 */
static int
run_files(int argc, char *argv[])
{
	char buf[65536];
	const char *why;
	FILE *f;
	size_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		if ((why = url_differs(buf)) != NULL) {
			fprintf(stderr, "%s: %s\n", argv[i], why);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	char buf[64], u[37], *s;
	long long id;
	int i, dup = 0;

	if (argc > 1)
		return run_files(argc, argv);
	plan(103);
	{
		/* HMAC-SHA256: RFC 4231 test cases 1, 2 and 6 */
		unsigned char k1[20], k6[131];
		char mac[65];

		memset(k1, 0x0b, sizeof(k1));
		memset(k6, 0xaa, sizeof(k6));
		tq_hmac_sha256_hex(k1, sizeof(k1), "Hi There", 8, mac);
		is_str(mac, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da7"
		    "26e9376c2e32cff7", "hmac-sha256: RFC 4231 case 1");
		tq_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?",
		    28, mac);
		is_str(mac, "5bdcc146bf60754e6a042426089575c75a003f089d273983"
		    "9dec58b964ec3843", "hmac-sha256: case 2");
		tq_hmac_sha256_hex(k6, sizeof(k6), "Test Using Larger Than "
		    "Block-Size Key - Hash Key First", 54, mac);
		is_str(mac, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c514"
		    "0546040f0ee37f54", "hmac-sha256: a key longer than a "
		    "block (case 6)");
	}
	s = tq_redact_url("redis://user:s3cret@host:6379/0");
	is_str(s, "redis://user:***@host:6379/0", "redact user:password");
	free(s);
	s = tq_redact_url("redis://:s3cret@host/2");
	is_str(s, "redis://:***@host/2", "redact :password");
	free(s);
	s = tq_redact_url("https://example.com/a@b");
	is_str(s, "https://example.com/a@b", "an @ in the path is not a password");
	free(s);
	s = tq_redact_url("http://tok@host/");
	is_str(s, "http://***@host/", "a bare user part is redacted");
	free(s);
	{
		/* in place, in an argument: what ps(1) shows */
		char a1[] = "postgresql://tq:s3cretpw@db/tq?sslmode=require";
		char a2[] = "redis://:s3cret@host/2";
		char a3[] = "host=db user=tq password=s3cret dbname=tq";
		char a4[] = "postgresql:///tq?host=/run&password=s3cret&x=1";
		char a5[] = "postgresql://tq:pw@db/tq";
		char a6[] = "postgresql://tq@db/tq?mypassword=abc";
		char a7[] = "redis+sentinel://:pw1@s1,s2:26380/m/2"
		    "?sentinel_password=s3cret&db=2";

		tq_hide_password(a1);
		is_str(a1, "postgresql://tq:***@db/tq?sslmode=require",
		    "hide a URL's password in place");
		ok(memcmp(a1 + strlen(a1), "\0\0\0\0\0", 5) == 0,
		    "the bytes it freed are NULs");
		tq_hide_password(a2);
		is_str(a2, "redis://:***@host/2", "hide a Redis password");
		tq_hide_password(a3);
		is_str(a3, "host=db user=tq password=*** dbname=tq",
		    "hide password= in a key=value string");
		tq_hide_password(a4);
		is_str(a4, "postgresql:///tq?host=/run&password=***&x=1",
		    "hide password= in a URL's query");
		tq_hide_password(a5);
		is_str(a5, "postgresql://tq:**@db/tq",
		    "a short password: as many stars");
		tq_hide_password(a6);
		is_str(a6, "postgresql://tq@db/tq?mypassword=abc",
		    "no password, nothing hidden");
		tq_hide_password(a7);
		is_str(a7, "redis+sentinel://:***@s1,s2:26380/m/2"
		    "?sentinel_password=***&db=2",
		    "hide a sentinel URL's passwords, the sentinels' too");
	}
	{
		/* libpq's conninfo: spaces around '=', a quoted value */
		char b1[] = "host=db password = s3cret dbname=tq";
		char b2[] = "host=db password='s3 cr\\'et' dbname=tq";
		char b3[] = "password\t=\t's3cret";
		char b4[] = "user=password dbname=tq";
		char b5[] = "postgresql://tq:s3c#ret@db/tq";
		char b6[] = "postgresql://tq:s3c?ret@db/tq?sslmode=require";
		char b7[] = "redis://:s3c#ret@host:6379/0";
		char b8[] = "unix://:s3c/ret@/run/redis.sock?db=1";
		char b9[] = "host=db password=s3c\\ ret dbname=tq";
		char b10[] = "postgresql://db/tq?pass%77ord=s3cret&x=1";
		char b11[] = "postgresql://tq:a?b@db/tq?password=s3cret";

		tq_hide_password(b1);
		is_str(b1, "host=db password = *** dbname=tq",
		    "hide a password with spaces around its '='");
		tq_hide_password(b2);
		is_str(b2, "host=db password=*** dbname=tq",
		    "hide a quoted password, its spaces and escapes too");
		tq_hide_password(b3);
		is_str(b3, "password\t=\t***", "an unended quote: to the end");
		tq_hide_password(b4);
		is_str(b4, "user=password dbname=tq",
		    "a value that reads 'password' is no key");
		/* libpq and redisq.c take a '?', '#' or '/' in them */
		tq_hide_password(b5);
		is_str(b5, "postgresql://tq:***@db/tq",
		    "hide a password that holds a '#'");
		tq_hide_password(b6);
		is_str(b6, "postgresql://tq:***@db/tq?sslmode=require",
		    "hide a password that holds a '?'");
		tq_hide_password(b7);
		is_str(b7, "redis://:***@host:6379/0",
		    "hide a Redis password that holds a '#'");
		tq_hide_password(b8);
		is_str(b8, "unix://:***@/run/redis.sock?db=1",
		    "hide a unix:// password that holds a '/'");
		/* libpq: a backslash escapes a space; a name %-encoded */
		tq_hide_password(b9);
		is_str(b9, "host=db password=*** dbname=tq",
		    "hide an unquoted password with an escaped space");
		tq_hide_password(b10);
		is_str(b10, "postgresql://db/tq?pass%77ord=***&x=1",
		    "hide password= of a %%-encoded name in a URL's query");
		tq_hide_password(b11);
		is_str(b11, "postgresql://tq:***@db/tq?password=***",
		    "hide both passwords, a '?' in the first");
	}

	ok(tq_real_day(2024, 2, 29) && tq_real_day(2000, 2, 29) &&
	    tq_real_day(2023, 12, 31), "real days, leap years too");
	ok(!tq_real_day(2023, 2, 29) && !tq_real_day(1900, 2, 29) &&
	    !tq_real_day(2023, 4, 31), "days the calendar lacks");
	ok(!tq_real_day(0, 1, 1) && !tq_real_day(2023, 13, 1) &&
	    !tq_real_day(2023, 1, 0), "year 0, month 13, day 0 refused");
	ok(tq_parse_id("42", &id) == 0 && id == 42, "id 42");
	ok(tq_parse_id("0", &id) == -1, "id 0 refused");
	ok(tq_parse_id("-3", &id) == -1, "negative refused");
	ok(tq_parse_id("4x", &id) == -1, "trailing junk refused");
	ok(tq_parse_id("", &id) == -1, "empty refused");
	ok(tq_parse_id("99999999999999999999", &id) == -1, "overflow refused");
	{
		const char *num[] = { "1.5", "-2", "+3e2", ".5", "7.", "1e-3x" };
		const char *not[] = { "0x10", "inf", "nan", " 5", "", ".", "-",
		    "e5", "0X1p3" };
		double want[] = { 1.5, -2, 300, 0.5, 7, 0.001 };
		size_t k, good = 0, bad = 0;
		char *e;

		for (k = 0; k < sizeof(num) / sizeof(num[0]); k++)
			good += tq_strtod(num[k], &e) == want[k] &&
			    (*e == '\0' || *e == 'x');
		ok(good == 6, "tq_strtod reads decimals (%zu of 6)", good);
		/* none is read whole as a number */
		for (k = 0; k < sizeof(not) / sizeof(not[0]); k++) {
			(void)tq_strtod(not[k], &e);
			bad += e != not[k] && *e == '\0';
		}
		ok(bad == 0, "tq_strtod: no hex, inf, nan, blanks (%zu read)",
		    bad);
		ok(tq_strtod("0x10", &e) == 0 && strcmp(e, "x10") == 0,
		    "0x10 reads as 0, up to the x");
	}

	tq_uuid(u);
	ok(strlen(u) == 36 && u[8] == '-' && u[14] == '4', "uuid v4 shape: %s", u);
	for (i = 0; i < 100; i++) {
		char v[37];

		tq_uuid(v);
		dup |= strcmp(u, v) == 0;
	}
	ok(!dup, "uuids differ");
	is_str(tq_rq_time(1796823876.839073, buf, sizeof(buf)),
	    "2026-12-09T13:44:36.839073Z", "RQ timestamp format");
	is_str(tq_iso_time(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z",
	    "ISO time");

	ok(tq_http_errkind(404) == TQ_ERR_PERMANENT, "404 permanent");
	ok(tq_http_errkind(429) == TQ_ERR_TRANSIENT, "429 transient");
	ok(tq_http_errkind(503) == TQ_ERR_TRANSIENT, "503 transient");
	ok(tq_http_errkind(401) == TQ_ERR_PERMANENT, "401 permanent");
	ok(tq_http_errkind(522) == TQ_ERR_TRANSIENT, "522 transient");
	ok(tq_http_errkind(520) == TQ_ERR_TRANSIENT, "520 transient");
	ok(tq_http_errkind(507) == TQ_ERR_TRANSIENT, "507 transient");
	ok(tq_http_errkind(599) == TQ_ERR_TRANSIENT, "599 transient");
	ok(tq_http_errkind(501) == TQ_ERR_PERMANENT, "501 permanent");
	ok(tq_http_errkind(505) == TQ_ERR_PERMANENT, "505 permanent");
	ok(tq_http_errkind(511) == TQ_ERR_PERMANENT, "511 permanent");
	ok(tq_http_errkind(600) == TQ_ERR_PERMANENT, "600 permanent");

	/* a server's Retry-After wins, up to an hour (or the longest
	 * delay of the schedule) */
	{
		double d;

		ok(tq_config_set_retry_delays("0,30,300") == 0,
		    "retry delays set");
		d = tq_retry_delay(NULL, 2, 0);
		ok(d >= 300 && d <= 330, "retry 3: 300 s and jitter (%g)", d);
		d = tq_retry_delay(NULL, 0, 20);
		ok(d >= 20 && d <= 22, "Retry-After 20 wins (%g)", d);
		d = tq_retry_delay(NULL, 0, 86400);
		ok(d >= 3600 && d <= 3960, "Retry-After a day: an hour (%g)",
		    d);
		ok(tq_config_set_retry_delays("0,7200") == 0,
		    "retry delays with 2 h set");
		d = tq_retry_delay(NULL, 0, 86400);
		ok(d >= 7200 && d <= 7920, "Retry-After a day: the schedule's "
		    "2 h (%g)", d);
	}

	ok(tq_stage_from_name("parse") == TQ_STAGE_PARSE &&
	    tq_stage_from_name("parsing-queue") == TQ_STAGE_PARSE &&
	    tq_stage_from_name("ai_processing") == TQ_STAGE_AI &&
	    tq_stage_from_name("notion-queue") == TQ_STAGE_NOTION,
	    "stage names");
	ok(tq_stage_from_name("nope") == -1, "unknown stage");

	unsetenv("TQ_RETRY_DELAYS");
	unsetenv("RETRY_DELAYS");
	unsetenv("MAX_RETRIES");
	unsetenv("TQ_MAX_RETRIES");
	ok(tq_config_load() == 0, "config loads");
	ok(tq_cfg.nretry_delays == 3 && tq_cfg.retry_delays[1] == 30 &&
	    tq_cfg.retry_delays[2] == 300 && tq_cfg.max_retries == 3,
	    "defaults 0,30,300 and 3 retries");
	ok(tq_config_set_retry_delays("1, 2,5") == 0 &&
	    tq_cfg.nretry_delays == 3 && tq_cfg.retry_delays[2] == 5,
	    "RETRY_DELAYS list");
	ok(tq_config_set_retry_delays("1,x") == -1, "bad delay refused");
	setenv("TQ_TIMEOUT", "9", 1);
	setenv("TQ_AI_TIMEOUT", "50", 1);
	ok(tq_config_load() == 0 && tq_cfg.timeout[TQ_STAGE_PARSE] == 9 &&
	    tq_cfg.timeout[TQ_STAGE_AI] == 50, "TQ_TIMEOUT, then a queue's own");
	setenv("MAX_RETRIES", "many", 1);
	ok(tq_config_load() == -1 && strstr(tq_strerror(), "MAX_RETRIES") !=
	    NULL, "bad MAX_RETRIES named: %s", tq_strerror());
	unsetenv("MAX_RETRIES");
	ok(tq_config_load() == 0, "and loads again");
	ok(tq_config_set_retry_delays("1,,2") == -1, "an empty delay refused");
	ok(tq_config_set_retry_delays("0 30 300") == 0 &&
	    tq_cfg.nretry_delays == 3, "spaces separate delays too");

	s = tq_vis("a\033[31mb\tc\nd\177e");
	is_str(s, "a\\x1b[31mb\\x09c\\x0ad\\x7fe", "C0 and DEL as \\xNN");
	free(s);
	s = tq_vis("caf\303\251 \302\233x \377 \342\202\254");
	is_str(s, "caf\303\251 \\u009bx \\xff \342\202\254",
	    "C1 as \\u00NN, bad bytes as \\xNN, UTF-8 kept");
	free(s);
	/* "Trojan Source": an override, an isolate; the marks stay */
	s = tq_vis("a\342\200\256cba\342\201\246x\342\201\251 "
	    "\342\200\217\327\251");
	is_str(s, "a\\u202ecba\\u2066x\\u2069 \342\200\217\327\251",
	    "bidi overrides and isolates as \\u20NN, RLM kept");
	free(s);
	{
		struct tq_err e = { 0 };

		tq_err_set(&e, TQ_ERR_PERMANENT, "x", "type %s", "t\033]0;x\007");
		is_str(e.msg, "type t\\x1b]0;x\\x07", "tq_err_set escapes");
	}
	{
		/*
		 * A message longer than msg is cut between characters,
		 * whether it is set whole or prefixed: a server's Chinese
		 * at the end, two bytes of a character left, was \xe4\xb8
		 * in the one and bytes that are no UTF-8 in the other
		 */
		struct tq_err e = { 0 };
		char pad[600];
		size_t k;

		for (k = 0; k < 3; k++) {
			memset(pad, 'x', 504 + k);
			pad[504 + k] = '\0';
			tq_err_set(&e, TQ_ERR_PERMANENT, "x", "%s%s", pad,
			    "\344\270\255\346\226\207\344\270\255");
			ok(tq_utf8_valid(e.msg, strlen(e.msg)) &&
			    strchr(e.msg, '\\') == NULL && strlen(e.msg) >=
			    sizeof(e.msg) - 4, "tq_err_set cuts between "
			    "characters (%zu + 9 bytes)", 504 + k);
			memset(pad, 'y', 484 + k);
			pad[484 + k] = '\0';
			tq_err_set(&e, TQ_ERR_PERMANENT, "x", "%s%s", pad,
			    "\344\270\255\346\226\207");
			tq_err_prefix(&e, "notion: POST %s", "/v1/pages");
			ok(tq_utf8_valid(e.msg, strlen(e.msg)) &&
			    strncmp(e.msg, "notion: POST /v1/pages: yyy", 27)
			    == 0 && strlen(e.msg) >= sizeof(e.msg) - 4,
			    "tq_err_prefix cuts between characters "
			    "(%zu + 6 bytes)", 484 + k);
		}
		is_int(tq_utf8_fit("a\344\270\255b", 5, 3), 1,
		    "tq_utf8_fit: not inside a character");
		is_int(tq_utf8_fit("a\344\270\255b", 5, 4), 4,
		    "tq_utf8_fit: after it");
		is_int(tq_utf8_fit("ab", 2, 9), 2, "tq_utf8_fit: short");
	}
	{
		/* tq_url_plain(): a URL it passes is one curl leaves alone */
		static const char *const base[] = { "http://", "https://",
		    "HTTP://", "http:/" };
		static const char *const host[] = { "example.com",
		    "127.0.0.1", "127.1", "0x7f.0.0.1", "010.0.0.1",
		    "Example.com", "a..b", "cafe.be", "xn--caf-dma.fr",
		    "a-b.c", "-a.b", "a.b.", "1.2.3.256", "256.1.1.1",
		    "b\303\251b.fr", "h_u.com", "user@h.com", "[::1]",
		    "00.0.0.1", "host.example.org", "fab.de", "0x.de",
		    "a.0x1", "1.2.3.4.5", "1e3.de", "0xcafe.be",
		    "a23456789012345678901234567890123456789012345678901234567890123.org",
		    "a234567890123456789012345678901234567890123456789012345678901234.org",
		    "www.a234567890123456789012345678901234567890123456789012345678901234" };
		static const char *const port[] = { "", ":80", ":443",
		    ":8080", ":0", ":08", ":65536", ":", ":0080", ":x" };
		static const char *const path[] = { "", "/", "/a/b",
		    "/a/./b", "/a/../b", "/.", "/a/..", "/a b", "/%41",
		    "/\303\251", "/a\\b", "/a:b@c!$&'()*+,;=~_-.", "/.a",
		    "/..a/b", "//x", "/a#f" };
		static const char *const query[] = { "", "?", "?a=1&b=2",
		    "?a b", "?a=%20", "?x?y/z", "?#", "?a=1#f",
		    "?\303\251=\342\202\254", "?a\tb" };
		struct tq_err e = { 0 };
		char url[256], *norm, *simple;
		size_t a, b, c, d, f;
		int n = 0, plain = 0, bad = 0, nsimple = 0, sbad = 0;

		for (a = 0; a < sizeof(base) / sizeof(*base); a++)
		for (b = 0; b < sizeof(host) / sizeof(*host); b++)
		for (c = 0; c < sizeof(port) / sizeof(*port); c++)
		for (d = 0; d < sizeof(path) / sizeof(*path); d++)
		for (f = 0; f < sizeof(query) / sizeof(*query); f++) {
			snprintf(url, sizeof(url), "%s%s%s%s%s", base[a],
			    host[b], port[c], path[d], query[f]);
			n++;
			/* tq_url_simple(): none, or what curl gives */
			if ((simple = tq_url_simple(url)) != NULL) {
				nsimple++;
				norm = NULL;
				if (tq_url_check(url, &norm, &e) == -1 ||
				    strcmp(norm, simple) != 0) {
					if (sbad++ < 5)
						printf("# %s: simple %s, "
						    "curl %s\n", url, simple,
						    norm ? norm : e.msg);
				}
				free(norm);
				free(simple);
			}
			if (!tq_url_plain(url))
				continue;
			plain++;
			norm = NULL;
			if (tq_url_check(url, &norm, &e) == -1 ||
			    strcmp(norm, url) != 0) {
				if (bad++ < 5)
					printf("# plain but normalised: %s -> %s\n",
					    url, norm ? norm : e.msg);
			}
			free(norm);
		}
		ok(bad == 0, "%d URLs, %d plain, none that curl changes",
		    n, plain);
		ok(plain > 200, "the quick test passes usual URLs (%d)",
		    plain);
		ok(sbad == 0, "%d URLs made without curl, as curl makes them",
		    nsimple);
		ok(nsimple > 3 * plain, "more than the quick test passes");
		simple = tq_url_simple(" HTTP://B\303\211b.Fr:0080/a b/"
		    "\303\251?c d#e\n");
		is_str(simple, "http://xn--bb-bja.fr/a%20b/%C3%A9?c+d",
		    "scheme, IDN host, port, path, query, fragment");
		free(simple);
		{
			/*
			 * found by tests/fuzz/fuzz-url.c: a label of digits
			 * read whole as a number (a signed overflow), a host
			 * that curl decodes to a control character or to a
			 * number it reads only once written out
			 */
			static const char *const odd[] = {
				"http://5176666666666666666662.7.0.9/",
				"http://1.2.3.99999999999999999999/x",
				"http://00000000000000000000001.2.3.4/",
				"http://%7f.example/", "http://a%7fb.c/",
				"http:/3%3333", "http://%31%32%37.1/",
				NULL
			};
			const char *why = NULL;
			char *norm = NULL;
			struct tq_err e = { 0 };

			for (i = 0; odd[i] != NULL && why == NULL; i++)
				why = url_differs(odd[i]);
			ok(why == NULL, "odd hosts: tq's form as curl reads "
			    "it (%s)", why ? why : "yes");
			i = tq_url_check("http://%7f.example/", NULL, &e) ==
			    -1 && tq_url_check("http://%31%32%37.1/", &norm,
			    &e) == 0 && strcmp(norm, "http://127.0.0.1/") == 0;
			ok(i, "a host of DEL is none; %%31%%32%%37.1 is "
			    "127.0.0.1 (%s)", norm ? norm : e.msg);
			free(norm);
		}
		ok(tq_url_simple("http://u@a.org/") == NULL &&
		    tq_url_simple("http://[::1]/") == NULL &&
		    tq_url_simple("http://a.org/a/../b") == NULL &&
		    tq_url_simple("http://0x7f.1/") == NULL &&
		    tq_url_simple("ftp://a.org/") == NULL,
		    "user, IPv6, dot segment, number, ftp: left to curl");
		{
			static const char *const site[][2] = {
				{ "https://Example.COM./a", "example.com" },
				{ "https://example.com/a", "example.com" },
				{ "http://example.com.:80/", "example.com" },
				{ "http://example.com.:8080/", "example.com:8080" },
				{ "https://example.com:443/", "example.com" },
				{ "http://127.0.0.1:4000/x", "127.0.0.1:4000" },
			};
			char name[256];
			size_t k;
			int same = 0;

			for (k = 0; k < sizeof(site) / sizeof(*site); k++)
				same += tq_site_name(site[k][0], name,
				    sizeof(name)) == 0 &&
				    strcmp(name, site[k][1]) == 0;
			ok(same == (int)k, "sites: host lower case, no final "
			    "dot, no default port (%d of %zu)", same, k);
		}
		ok(tq_url_plain("http://127.0.0.1:4000/t/page?title=e1"),
		    "a loopback URL with a query is plain");
		ok(!tq_url_plain("http://a.org/x#y") &&
		    !tq_url_plain("http://a.org") &&
		    !tq_url_plain("http://u:p@a.org/"),
		    "fragment, no path, user: not plain");
	}

	/* words: runs with a letter or digit; each ideograph or kana */
	{
		const char *t;

		t = "one two -- | three";
		is_int(tq_word_count(t, strlen(t)), 3, "ASCII: 3 words, "
		    "punctuation none");
		t = "日本語の文章です";
		is_int(tq_word_count(t, strlen(t)), 8,
		    "Japanese: each ideograph or kana a word");
		t = "tq は速い tool";
		is_int(tq_word_count(t, strlen(t)), 5,
		    "mixed: tq, は, 速, い, tool");
		t = "café naïve Привет";
		is_int(tq_word_count(t, strlen(t)), 3,
		    "letters past ASCII in spaced scripts: words as usual");
		t = "한국어 문장";
		is_int(tq_word_count(t, strlen(t)), 2,
		    "Korean puts spaces between words: 2");
		/* a word for every four letters begun, marks not counted */
		t = "สวัสดีครับ ภาษาไทย";
		is_int(tq_word_count(t, strlen(t)), 4,
		    "Thai: 7 letters and 7 letters, 2 words each");
		t = "ភាសាខ្មែរ។";
		is_int(tq_word_count(t, strlen(t)), 2,
		    "Khmer: 5 letters (vowels, the subscript sign and the "
		    "full stop none), 2 words");
		t = "tq ภาษาไทย ABCไทย";
		is_int(tq_word_count(t, strlen(t)), 5,
		    "mixed: tq, 2 of Thai, ABC, 1 of Thai");
	}
	return done_testing();
}
