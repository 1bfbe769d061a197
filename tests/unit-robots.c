/*
 * unit-robots: the robots.txt rules of RFC 9309 (robots.c), with cases
 * after the RFC's examples, written anew.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/tq.h"
#include "tap.h"

static int
may(const char *txt, const char *path)
{
	return tq_robots_allowed(txt, strlen(txt), "tq", path, NULL, 0);
}

/*
 * tests/unit-robots FILE...: each file as the fuzz target reads it (a
 * path line, then a robots.txt) through the parser: the inputs of
 * tests/fuzz/regress/robots-* (tests/0620-fuzz-regress.t).
 */
static int
run_files(int argc, char *argv[])
{
	char rule[200], *nl, *path;
	FILE *f;
	size_t n, cap;
	char *buf;
	int i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		buf = NULL;
		n = cap = 0;
		do {
			if (n == cap)
				buf = realloc(buf, cap = cap * 2 + 65536);
			n += fread(buf + n, 1, cap - n, f);
		} while (!feof(f) && !ferror(f));
		fclose(f);
		nl = memchr(buf, '\n', n);
		path = strndup(buf, nl ? (size_t)(nl - buf) : n);
		tq_robots_allowed(nl ? nl + 1 : "", nl ? n - (nl - buf) - 1 : 0,
		    "tq", path, rule, sizeof(rule));
		tq_robots_crawl_delay(nl ? nl + 1 : "", nl ? n -
		    (nl - buf) - 1 : 0, "tq");
		free(path);
		free(buf);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	char rule[200], *big;
	const char *t;
	size_t i;

	if (argc > 1)
		return run_files(argc, argv);
	plan(100);

	/* longest match wins; Allow wins a tie */
	t = "user-agent: *\nallow: /p\ndisallow: /\n";
	ok(may(t, "/page"), "allow /p beats disallow / for /page");
	ok(!may(t, "/other"), "disallow / holds elsewhere");
	t = "user-agent: *\nallow: /folder\ndisallow: /folder\n";
	ok(may(t, "/folder/page"), "a tie goes to allow");
	t = "user-agent: *\nallow: /page\ndisallow: /*.html\n";
	ok(!may(t, "/page.html"), "/*.html is longer than /page");
	ok(may(t, "/page.txt"), "/page alone matches /page.txt");
	t = "user-agent: *\nallow: /$\ndisallow: /\n";
	ok(may(t, "/"), "/$ allows the root itself");
	ok(!may(t, "/page.html"), "... and nothing under it");

	/* * and $ */
	t = "user-agent: *\ndisallow: /*.gif$\n";
	ok(!may(t, "/img/a.gif"), "*.gif$ matches a gif");
	ok(may(t, "/img/a.gif?size=2"), "$ anchors at the end, query included");
	ok(may(t, "/img/a.png"), "not a png");
	t = "user-agent: *\ndisallow: /a*b*c\n";
	ok(!may(t, "/axxbyyczz"), "several stars, a prefix match");
	ok(may(t, "/axxbyy"), "several stars, no c");
	t = "user-agent: *\ndisallow: /fish*\n";
	ok(!may(t, "/fish.html") && !may(t, "/fishheads"),
	    "a trailing star is the same as none");
	ok(may(t, "/Fish.html"), "paths are case-sensitive");

	/* each piece at its first place; "$" ends the last */
	t = "user-agent: *\ndisallow: /a*ab$\n";
	ok(may(t, "/ab"), "/a*ab$: /ab is too short for both pieces");
	ok(!may(t, "/aab") && !may(t, "/a-x-ab"), "... /aab and /a-x-ab match");
	ok(may(t, "/a-ab-x"), "... not ending the path, no match");
	t = "user-agent: *\ndisallow: /a*b*c$\n";
	ok(!may(t, "/abcbc"), "/a*b*c$ matches /abcbc (the last c)");
	t = "user-agent: *\ndisallow: /a**b\n";
	ok(!may(t, "/ab"), "two stars in a row are one");
	t = "user-agent: *\nallow: /$\ndisallow: *$\n";
	ok(!may(t, "/x"), "*$ matches any path");

	/* groups */
	t = "user-agent: ExampleBot\nuser-agent: tq\ndisallow: /foo\n"
	    "\nuser-agent: *\ndisallow: /\n";
	ok(!may(t, "/foo/x"), "a group with several agents, tq among them");
	ok(may(t, "/bar"), "tq's group, not *'s, applies to tq");
	t = "user-agent: *\ndisallow: /\n\nuser-agent: otherbot\nallow: /\n";
	ok(!may(t, "/x"), "no tq group: the * group");
	t = "user-agent: tq\ndisallow: /a\n\nuser-agent: other\ndisallow: /\n"
	    "\nuser-agent: tq\ndisallow: /b\n";
	ok(!may(t, "/a") && !may(t, "/b"), "groups of tq are merged");
	ok(may(t, "/c"), "... and other groups left out");
	t = "User-Agent: TQ/3.1\nDISALLOW: /x\n";
	ok(!may(t, "/x"), "agent and keys case-insensitive, version ignored");
	t = "user-agent: tqbot\ndisallow: /\n";
	ok(may(t, "/x"), "tqbot is not tq");
	t = "user-agent: otherbot\ndisallow: /\n";
	ok(may(t, "/x"), "no group for tq nor * allows all");

	/* lines */
	t = "# comment\r\nuser-agent: * # everyone\r\ndisallow: /priv # no\r\n"
	    "disallow:\r\nsitemap: http://x/s.xml\r\nfoo bar\r\n";
	ok(!may(t, "/private"), "comments, CRLF, unknown lines");
	ok(may(t, "/public"), "an empty disallow is no rule");
	ok(may("user-agent: *\ndisallow: /\n", "/robots.txt"),
	    "/robots.txt itself is always allowed");
	ok(may("", "/x"), "an empty file allows all");

	t = "user-agent: *\nallow: /a\ndisallow: /a/b\n";
	tq_robots_allowed(t, strlen(t), "tq", "/a/b/c", rule, sizeof(rule));
	is_str(rule, "\"Disallow: /a/b\" for user-agent *",
	    "the deciding rule and its group are given");
	t = "user-agent: tq\ndisallow: /x\n";
	tq_robots_allowed(t, strlen(t), "tq", "/x", rule, sizeof(rule));
	is_str(rule, "\"Disallow: /x\" for user-agent tq", "... tq's group");
	/* a long rule is quoted to 100 bytes between characters */
	{
		const char *ja = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
		char d[86];

		memset(d, '7', 85);
		d[85] = '\0';
		big = xasprintf("user-agent: *\ndisallow: /%s/%s%s/x\n", ja,
		    d, ja);
		tq_robots_allowed(big, strlen(big), "tq", strstr(big, "/\xe6"),
		    rule, sizeof(rule));
		free(big);
		big = xasprintf("\"Disallow: /%s/%s\xe6\x97\xa5\" for "
		    "user-agent *", ja, d);
		is_str(rule, big, "a long rule in Japanese: cut between "
		    "characters");
		free(big);
	}

	/*
	 * After the cases of Google's robots.txt parser tests (its
	 * robots_test.cc), written anew for tq.
	 */
	t = "foo: tq\nbar: /\n";
	ok(may(t, "/x/y"), "g: unknown keys make no rule");
	t = "allow: /foo/bar/\n\nuser-agent: tq\ndisallow: /\n"
	    "allow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\n"
	    "allow: /w/\nuser-agent: BazBot\n\nuser-agent: tq\n"
	    "allow: /z/\ndisallow: /\n";
	ok(may(t, "/x/b") && may(t, "/z/d"),
	    "g: groups: tq's rules, blank lines inside a group");
	ok(tq_robots_allowed(t, strlen(t), "BarBot", "/w/a", NULL, 0),
	    "g: groups: a rule after blank lines is the group's");
	ok(!may(t, "/y/c") && !may(t, "/foo/bar/"),
	    "g: groups: a rule before any user-agent is no one's");
	/* several tokens (TQ_USER_AGENT's name, then tq): a group of any */
	t = "user-agent: AcmeBot\ndisallow: /\n\nuser-agent: *\n"
	    "disallow: /x\n";
	ok(!tq_robots_allowed(t, strlen(t), "AcmeBot tq", "/a", NULL, 0),
	    "tokens 'AcmeBot tq': AcmeBot's group applies");
	ok(tq_robots_allowed(t, strlen(t), "tq", "/a", NULL, 0),
	    "token tq alone: the * group");
	t = "user-agent: tq\ndisallow: /t\n\nuser-agent: *\ndisallow: /\n";
	ok(!tq_robots_allowed(t, strlen(t), "AcmeBot tq", "/t/a", NULL, 0) &&
	    tq_robots_allowed(t, strlen(t), "AcmeBot tq", "/a", NULL, 0),
	    "tokens 'AcmeBot tq': tq's group applies, not *");
	t = "USER-AGENT: tq\nALLOW: /x/\nDISALLOW: /\n";
	ok(may(t, "/x/y") && !may(t, "/a/b"), "g: keys in upper case");
	t = "uSeR-aGeNt: tq\naLlOw: /x/\ndIsAlLoW: /\n";
	ok(may(t, "/x/y") && !may(t, "/a/b"), "g: keys in mixed case");
	t = "User-Agent: tQ\nAllow: /x/\nDisallow: /\n";
	ok(may(t, "/x/y") && !may(t, "/a/b"), "g: agent value any case");
	t = "User-Agent: tq extra words\nDisallow: /\n";
	ok(!may(t, "/a"), "g: the agent is the value up to a space");
	t = "user-agent: *\nallow: /\nuser-agent: tq\ndisallow: /\n";
	ok(!may(t, "/x/y"), "g: tq's group beats a global allow");
	t = "user-agent: tq\n\nuser-agent: *\ndisallow: /\n";
	ok(!may(t, "/x/y"), "rfc: a blank line does not end the agents");
	t = "user-agent: tq\nallow: /\nuser-agent: *\ndisallow: /\n";
	ok(may(t, "/x/y"), "g: only tq's group");
	t = "user-agent: *\ndisallow: /x/\nuser-agent: tq\nallow: /\n";
	ok(may(t, "/x/y"), "g: the global group is ignored when tq has one");
	t = "user-agent: *\ndisallow: /X/\n";
	ok(may(t, "/x/y") && !may(t, "/X/y"), "g: values case-sensitive");
	t = "user-agent: tq\ndisallow: /x/page.html\nallow: /x/\n";
	ok(!may(t, "/x/page.html"), "g: longest, disallow longer");
	t = "user-agent: tq\nallow: /x/page.html\ndisallow: /x/\n";
	ok(may(t, "/x/page.html") && !may(t, "/x/"),
	    "g: longest, allow longer");
	t = "user-agent: tq\ndisallow: \nallow: \n";
	ok(may(t, "/"), "g: empty rules");
	t = "user-agent: tq\ndisallow: /\nallow: /\n";
	ok(may(t, "/"), "g: equal rules, allow wins");
	t = "user-agent: tq\nallow: /page\ndisallow: /*.html\n";
	ok(!may(t, "/page.html") && may(t, "/page"),
	    "g: a star pattern longer than the plain one");
	t = "user-agent: tq\nallow: /x/page.\ndisallow: /*.html\n";
	ok(may(t, "/x/page.") && !may(t, "/x/y.html"), "g: star and dot");
	t = "user-agent: tq\nallow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n"
	    "disallow: /\n";
	ok(may(t, "/foo/bar?qux=taz&baz=http://foo.bar?tar&par"),
	    "g: a query with its own ? and &");
	t = "user-agent: tq\nallow: /foo/bar/\xe3\x83\x84\ndisallow: /\n";
	ok(may(t, "/foo/bar/%E3%83%84"), "g: UTF-8 in a rule, %%-encoded path");
	ok(may(t, "/foo/bar/%e3%83%84"), "g: ... hex digits any case");
	ok(!may(t, "/foo/bar/\xe3\x83"), "g: ... not a part of it");
	/* one rule in two spellings: the same length, so Allow wins */
	t = "user-agent: tq\nallow: /\xe3\x83\x84\ndisallow: /%E3%83%84\n";
	ok(may(t, "/%E3%83%84") && may(t, "/\xe3\x83\x84"),
	    "UTF-8 Allow ties its %%-encoded Disallow: allowed");
	t = "user-agent: tq\nallow: /~a\ndisallow: /%7Ea\n";
	ok(may(t, "/~a"), "Allow /~a ties Disallow /%%7Ea: allowed");
	t = "user-agent: tq\nallow: /\xe3\x83\x84x\ndisallow: /%E3%83%84\n";
	ok(may(t, "/%E3%83%84x"), "... and a longer Allow in UTF-8 wins");
	t = "user-agent: tq\nallow: /foo/bar/%E3%83%84\ndisallow: /\n";
	ok(may(t, "/foo/bar/%E3%83%84"), "g: %%-encoded in both");
	t = "user-agent: tq\nallow: /foo/bar/%62%61%7A\ndisallow: /\n";
	ok(may(t, "/foo/bar/baz"), "g: %%-encoded unreserved letters");
	t = "user-agent: tq\ndisallow: /path/file-with-a-*.html\n";
	ok(!may(t, "/path/file-with-a-wildcard.html"), "g: star mid-way");
	t = "user-agent: tq\ndisallow: /path/foo-*\n";
	ok(!may(t, "/path/foo-bar") && may(t, "/path/fo"), "g: star at end");
	t = "user-agent: tq\ndisallow: /path/foo-$\n";
	ok(!may(t, "/path/foo-") && may(t, "/path/foo-bar"), "g: $");
	t = "user-agent: tq\ndisallow: /$\n";
	ok(!may(t, "/") && may(t, "/x"), "g: /$ alone");
	t = "user-agent: tq\r\ndisallow: /\r\n";
	ok(!may(t, "/x"), "g: CRLF");
	t = "User-agent: *\r\nDisallow: /a\r\nAllow: /a/b\r\n";
	ok(!may(t, "/a/x") && may(t, "/a/b") && may(t, "/c"),
	    "rfc: CRLF, each line its own rule");
	t = "user-agent: tq\rdisallow: /\r";
	ok(!may(t, "/x"), "rfc: bare CR ends a line");
	t = "User-agent: *\rDisallow: /a\rAllow: /a/b\r";
	ok(!may(t, "/a/x") && may(t, "/a/b") && may(t, "/c"),
	    "rfc: bare CR, each line its own rule");
	t = "User-agent: *\nDisallow: /a\r\nAllow: /a/b\rDisallow: /c";
	ok(!may(t, "/a/x") && may(t, "/a/b") && !may(t, "/c"),
	    "rfc: LF, CRLF and CR mixed");
	t = "User-agent: *\rCrawl-delay: 2\r";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == 2,
	    "rfc: bare CR, Crawl-delay");
	t = "user-agent: tq\ndisallow: /";
	ok(!may(t, "/x"), "g: no final newline");
	t = "\xef\xbb\xbfUser-agent: *\nDisallow: /\n";
	ok(!may(t, "/x"), "g: a leading UTF-8 BOM is skipped");
	t = "\xef\xbb\xbfuser-agent: tq\r\ndisallow: /\r\n";
	ok(!may(t, "/x"), "g: ... with CRLF");
	t = "\xef\xbb\xbfUser-agent: *\nCrawl-delay: 3\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == 3,
	    "g: ... for Crawl-delay too");
	t = "User-agent: *\n\xef\xbb\xbf" "Disallow: /\n";
	ok(may(t, "/x"), "g: a BOM elsewhere is no part of a key");

	/* RFC 9309 section 5's example file */
	t = "User-Agent: *\nDisallow: *.gif$\nDisallow: /example/\n"
	    "Allow: /publications/\n\nUser-Agent: foobot\nDisallow:/\n"
	    "Allow:/example/page.html\nAllow:/example/allowed.gif\n\n"
	    "User-Agent: barbot\nUser-Agent: bazbot\n"
	    "Disallow: /example/page.html\n\nUser-Agent: quxbot\n\nEOF";
	ok(!may(t, "/example/x"), "rfc: * group disallows /example/");
	ok(may(t, "/publications/a"), "rfc: * group allows /publications/");
	ok(!may(t, "/x.gif") && may(t, "/x.gif2"), "rfc: *.gif$");
	ok(tq_robots_allowed(t, strlen(t), "foobot", "/example/page.html",
	    NULL, 0) && !tq_robots_allowed(t, strlen(t), "foobot", "/x",
	    NULL, 0), "rfc: foobot");
	ok(!tq_robots_allowed(t, strlen(t), "bazbot", "/example/page.html",
	    NULL, 0) && tq_robots_allowed(t, strlen(t), "bazbot",
	    "/example/x", NULL, 0), "rfc: barbot and bazbot share a group");
	ok(tq_robots_allowed(t, strlen(t), "quxbot", "/example/x", NULL, 0),
	    "rfc: quxbot's empty group allows all");

	/* Crawl-delay */
	t = "user-agent: *\ncrawl-delay: 2.5\ndisallow: /x\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == 2.5,
	    "crawl-delay of the * group");
	t = "user-agent: tq\ncrawl-delay: 1\n\nuser-agent: *\n"
	    "crawl-delay: 30\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == 1,
	    "crawl-delay of tq's group only");
	t = "user-agent: *\ncrawl-delay: soon\ncrawl-delay: -3\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == -1,
	    "a bad crawl-delay is none");
	ok(tq_robots_crawl_delay("", 0, "tq") == -1, "no crawl-delay");
	t = "user-agent: *\ncrawl-delay: 99999999999999999999\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == 1e9,
	    "a huge crawl-delay is a long one, not none (the caller cuts it)");
	t = "user-agent: *\ncrawl-delay: inf\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == 1e9,
	    "... so is inf");
	t = "user-agent: *\ncrawl-delay: nan\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == -1,
	    "nan is none");
	t = "user-agent: other\ncrawl-delay: 9\n";
	ok(tq_robots_crawl_delay(t, strlen(t), "tq") == -1,
	    "another crawler's crawl-delay is not ours");

	/* hostile: many stars against a long path ends quickly */
	big = malloc(20000);
	strcpy(big, "user-agent: *\ndisallow: /");
	for (i = 0; i < 2000; i++)
		strcat(big, "*a");
	strcat(big, "b\n");
	{
		char path[8002];
		double t0 = tq_now();

		path[0] = '/';
		memset(path + 1, 'a', 8000);
		path[8001] = '\0';
		ok(may(big, path), "2000 stars on 8000 a's: no match");
		ok(tq_now() - t0 < 5, "... within 5 s");
	}
	free(big);

	/*
	 * hostile: 100 long patterns that nearly match a 60,000-octet
	 * path (a redirect's); before, each cost their lengths' product
	 */
	{
		size_t off = 0, plen = 60000;
		char *path = malloc(plen + 2);
		double t0;
		int r;

		big = malloc(100 * 5100 + 64);
		off = (size_t)sprintf(big, "user-agent: *\n");
		for (i = 0; i < 100; i++) {
			off += (size_t)sprintf(big + off, "disallow: /*");
			memset(big + off, 'a', 5000);
			off += 5000;
			off += (size_t)sprintf(big + off, "b\n");
		}
		path[0] = '/';
		memset(path + 1, 'a', plen);
		path[plen + 1] = '\0';
		t0 = tq_now();
		r = may(big, path);
		ok(r, "100 patterns of 5000 a's and a b, a path of 60000 a's: "
		    "no match");
		ok(tq_now() - t0 < 5, "... within 5 s");
		path[plen] = 'b';
		ok(!may(big, path), "... and with a final b, a match");
		free(path);
		free(big);
	}
	return done_testing();
}
