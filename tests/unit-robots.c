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

int
main(void)
{
	char rule[200], *big;
	const char *t;
	size_t i;

	plan(29);

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
	is_str(rule, "Disallow: /a/b", "the deciding rule is given");

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
	return done_testing();
}
