/*
 * robots.c - the robots.txt rules of RFC 9309, for one crawler.
 *
 * A group is one or more user-agent lines followed by rules; the
 * groups that name the crawler's product token (case-insensitive)
 * apply, all of them merged, else those of "*", else none.  Of the
 * Allow and Disallow rules that match a path, the longest pattern
 * wins, Allow on a tie.  In a pattern "*" matches any run of octets
 * and a final "$" the end of the path.  Lines the RFC does not know
 * are skipped; a line is cut at "#".  Pure: no I/O, no allocation
 * that outlives a call.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tq.h"

/*
 * Does pattern p (n octets) match path s from its start?  Without a
 * final "$" a pattern matches a prefix.  Backtracking to the last "*"
 * only keeps it O(n * strlen(s)) for a hostile pattern.
 */
static int
pmatch(const char *p, size_t n, const char *s)
{
	const char *mark = NULL;
	size_t i = 0, star = 0;
	int anchored = n > 0 && p[n - 1] == '$', starred = 0;

	if (anchored)
		n--;
	for (;;) {
		if (i == n) {
			if (!anchored || *s == '\0')
				return 1;
		} else if (p[i] == '*') {
			star = ++i;
			mark = s;
			starred = 1;
			continue;
		} else if (*s != '\0' && *s == p[i]) {
			i++, s++;
			continue;
		}
		if (!starred || *mark == '\0')
			return 0;
		i = star;
		s = ++mark;
	}
}

/* The user-agent value names token: its leading name, any case. */
static int
agent_is(const char *v, size_t n, const char *token)
{
	size_t k = 0;

	while (k < n && ((v[k] >= 'a' && v[k] <= 'z') ||
	    (v[k] >= 'A' && v[k] <= 'Z') || v[k] == '_' || v[k] == '-'))
		k++;
	return k > 0 && k == strlen(token) && strncasecmp(v, token, k) == 0;
}

struct best {
	size_t	 len;		/* pattern length; 0 with none */
	int	 allow;
	int	 any;
	char	 rule[160];
};

/*
 * One pass over the text with want = 1 (groups naming the token) or 2
 * ("*" groups): the longest matching rule into b; 1 if such a group
 * was found at all.
 */
static int
scan(const char *txt, size_t len, const char *token, int want,
    const char *path, struct best *b)
{
	const char *p = txt, *end = txt + len, *eol, *colon, *k, *v, *ve;
	int in_agents = 0, applies = 0, found = 0, allow;
	size_t kn, vn;

	while (p < end) {
		eol = memchr(p, '\n', end - p);
		if (eol == NULL)
			eol = end;
		ve = memchr(p, '#', eol - p);
		if (ve == NULL)
			ve = eol;
		colon = memchr(p, ':', ve - p);
		k = p;
		p = eol + 1;
		if (colon == NULL)
			continue;
		while (k < colon && (*k == ' ' || *k == '\t' || *k == '\r'))
			k++;
		kn = colon - k;
		while (kn > 0 && (k[kn - 1] == ' ' || k[kn - 1] == '\t'))
			kn--;
		v = colon + 1;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' ||
		    ve[-1] == '\r'))
			ve--;
		vn = ve - v;
		if (kn == 10 && strncasecmp(k, "user-agent", 10) == 0) {
			if (!in_agents)
				applies = 0;
			in_agents = 1;
			if (want == 1 ? agent_is(v, vn, token) :
			    vn == 1 && *v == '*')
				applies = found = 1;
			continue;
		}
		if (kn == 5 && strncasecmp(k, "allow", 5) == 0)
			allow = 1;
		else if (kn == 8 && strncasecmp(k, "disallow", 8) == 0)
			allow = 0;
		else
			continue;	/* sitemap, crawl-delay, unknown */
		in_agents = 0;
		if (!applies || vn == 0 || !pmatch(v, vn, path))
			continue;
		if (!b->any || vn > b->len || (vn == b->len && allow &&
		    !b->allow)) {
			b->any = 1;
			b->len = vn;
			b->allow = allow;
			snprintf(b->rule, sizeof(b->rule), "%s: %.*s",
			    allow ? "Allow" : "Disallow", (int)(vn > 120 ?
			    120 : vn), v);
		}
	}
	return found;
}

int
tq_robots_allowed(const char *txt, size_t len, const char *token,
    const char *path, char *rule, size_t rulesz)
{
	struct best b;

	if (rule != NULL && rulesz > 0)
		*rule = '\0';
	if (path == NULL || *path == '\0')
		path = "/";
	if (strcmp(path, "/robots.txt") == 0)
		return 1;
	memset(&b, 0, sizeof(b));
	if (!scan(txt, len, token, 1, path, &b)) {
		memset(&b, 0, sizeof(b));
		scan(txt, len, token, 2, path, &b);
	}
	if (rule != NULL && rulesz > 0)
		snprintf(rule, rulesz, "%s", b.rule);
	return !b.any || b.allow;
}
