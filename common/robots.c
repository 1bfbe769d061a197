/*
 * robots.c - the robots.txt rules of RFC 9309, for one crawler.
 *
 * A group is one or more user-agent lines followed by rules; the
 * groups that name the crawler's product token (case-insensitive)
 * apply, all of them merged, else those of "*", else none.  Of the
 * Allow and Disallow rules that match a path, the longest pattern
 * wins, Allow on a tie.  In a pattern "*" matches any run of octets
 * and a final "$" the end of the path.  Paths and patterns are
 * compared in one form (RFC 9309 2.2.2): octets past ASCII as %XX,
 * %xx in upper case, and %xx of an unreserved character as the
 * character; a pattern's length, for the longest, is that of this
 * form.  Lines the RFC does not know are skipped, but for
 * Crawl-delay (an extension) of the groups that apply; a line ends at
 * CR, LF or CRLF (the RFC's EOL) and is cut at "#"; a UTF-8 byte order
 * mark before the first line is skipped.  Pure: no I/O, no allocation
 * that outlives a call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tq.h"

/*
 * s (n octets) in the form compared: a new string, at most 3n + 1
 * long.  A NUL octet ends it (a path never holds one).
 */
static char *
norm(const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *o = xmalloc(3 * n + 1), *q = o;
	size_t i;
	int h, l, c;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		c = (unsigned char)s[i];
		if (c == '%' && i + 2 < n && (h = tq_hexval(s[i + 1])) >= 0 &&
		    (l = tq_hexval(s[i + 2])) >= 0) {
			c = h * 16 + l;
			i += 2;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			    c == '_' || c == '~')
				*q++ = (char)c;
			else {
				*q++ = '%';
				*q++ = hex[c >> 4];
				*q++ = hex[c & 15];
			}
		} else if (c >= 0x80 || c < 0x20 || c == ' ') {
			*q++ = '%';
			*q++ = hex[c >> 4];
			*q++ = hex[c & 15];
		} else
			*q++ = (char)c;
	}
	*q = '\0';
	return o;
}

/*
 * Does pattern p (n octets) match path s from its start?  Without a
 * final "$" a pattern matches a prefix.  The pieces between the "*"s
 * are found in turn, each at its first place after the one before
 * (the first place leaves the most room for the rest, so it is the
 * place to try); with "$", the last piece must end the path.  memmem()
 * is linear, so a hostile file of long patterns against a long path
 * costs their lengths, not their product.
 */
static int
pmatch(const char *p, size_t n, const char *s)
{
	const char *q, *at;
	size_t sl = strlen(s), pos, k;
	int anchored = n > 0 && p[n - 1] == '$';

	if (anchored)
		n--;
	/* the piece before the first star begins the path */
	if ((q = memchr(p, '*', n)) == NULL)
		return n <= sl && memcmp(p, s, n) == 0 &&
		    (!anchored || n == sl);
	k = (size_t)(q - p);
	if (k > sl || memcmp(p, s, k) != 0)
		return 0;
	pos = k;
	p += k + 1;
	n -= k + 1;
	/* the pieces between stars, each at its first place */
	while ((q = memchr(p, '*', n)) != NULL) {
		k = (size_t)(q - p);
		if (k > 0) {
			if ((at = memmem(s + pos, sl - pos, p, k)) == NULL)
				return 0;
			pos = (size_t)(at - s) + k;
		}
		p += k + 1;
		n -= k + 1;
	}
	/* the last piece: anywhere after, or ending the path with "$" */
	if (!anchored)
		return n == 0 || memmem(s + pos, sl - pos, p, n) != NULL;
	return n <= sl - pos && memcmp(s + sl - n, p, n) == 0;
}

/*
 * The user-agent value names token, or one of its words (tokens apart
 * by spaces): its leading name, any case.
 */
static int
agent_is(const char *v, size_t n, const char *token)
{
	size_t k = 0, t;

	while (k < n && ((v[k] >= 'a' && v[k] <= 'z') ||
	    (v[k] >= 'A' && v[k] <= 'Z') || v[k] == '_' || v[k] == '-'))
		k++;
	if (k == 0)
		return 0;
	for (;;) {
		while (*token == ' ')
			token++;
		if (*token == '\0')
			return 0;
		t = strcspn(token, " ");
		if (t == k && strncasecmp(v, token, k) == 0)
			return 1;
		token += t;
	}
}

struct best {
	size_t	 len;		/* its length as compared; 0 with none */
	int	 allow;
	int	 any;
	double	 delay;		/* Crawl-delay; -1 with none */
	char	 rule[160];
};

/*
 * One pass over the text with want = 1 (groups naming the token) or 2
 * ("*" groups): the longest matching rule for path (normalized) into
 * b, and the groups' Crawl-delay; 1 if such a group was found at all.
 */
static int
scan(const char *txt, size_t len, const char *token, int want,
    const char *path, struct best *b)
{
	const char *p = txt, *end = txt + len, *eol, *colon, *k, *v, *ve;
	int in_agents = 0, applies = 0, found = 0, allow, m;
	size_t kn, vn, pn;
	char *pat, *ep;
	double d;

	if (len >= 3 && memcmp(txt, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* else the first key would not be read */
	while (p < end) {
		/* a CRLF is a CR line, then an empty one */
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		ve = memchr(p, '#', eol - p);
		if (ve == NULL)
			ve = eol;
		colon = memchr(p, ':', ve - p);
		k = p;
		p = eol + 1;
		if (colon == NULL)
			continue;
		while (k < colon && (*k == ' ' || *k == '\t'))
			k++;
		kn = colon - k;
		while (kn > 0 && (k[kn - 1] == ' ' || k[kn - 1] == '\t'))
			kn--;
		v = colon + 1;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
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
		if (kn == 11 && strncasecmp(k, "crawl-delay", 11) == 0) {
			in_agents = 0;
			if (!applies || vn == 0 || vn > 30)
				continue;
			pat = xstrndup(v, vn);
			d = strtod(pat, &ep);
			/* a huge one (1e20, inf) is a long one: the caller
			 * cuts it to its most */
			if (*ep == '\0' && d >= 0 && (d > 1e9 ? 1e9 : d) >
			    b->delay)
				b->delay = d > 1e9 ? 1e9 : d;
			free(pat);
			continue;
		}
		if (kn == 5 && strncasecmp(k, "allow", 5) == 0)
			allow = 1;
		else if (kn == 8 && strncasecmp(k, "disallow", 8) == 0)
			allow = 0;
		else
			continue;	/* sitemap, unknown */
		in_agents = 0;
		if (!applies || vn == 0 || path == NULL)
			continue;
		/*
		 * the length of the form compared: "/%E3%83%84" and its
		 * UTF-8 are one rule, so an Allow of one ties a Disallow
		 * of the other
		 */
		pat = norm(v, vn);
		pn = strlen(pat);
		m = pmatch(pat, pn, path);
		free(pat);
		if (!m)
			continue;
		if (!b->any || pn > b->len || (pn == b->len && allow &&
		    !b->allow)) {
			b->any = 1;
			b->len = pn;
			b->allow = allow;
			snprintf(b->rule, sizeof(b->rule), "\"%s: %.*s\" for "
			    "user-agent %s", allow ? "Allow" : "Disallow",
			    (int)tq_utf8_fit(v, vn, 100), v, want == 1 ? token :
			    "*");
		}
	}
	return found;
}

int
tq_robots_allowed(const char *txt, size_t len, const char *token,
    const char *path, char *rule, size_t rulesz)
{
	struct best b;
	char *np;

	if (rule != NULL && rulesz > 0)
		*rule = '\0';
	if (path == NULL || *path == '\0')
		path = "/";
	if (strcmp(path, "/robots.txt") == 0)
		return 1;
	np = norm(path, strlen(path));
	memset(&b, 0, sizeof(b));
	if (!scan(txt, len, token, 1, np, &b)) {
		memset(&b, 0, sizeof(b));
		scan(txt, len, token, 2, np, &b);
	}
	free(np);
	if (rule != NULL && rulesz > 0)
		snprintf(rule, rulesz, "%s", b.rule);
	return !b.any || b.allow;
}

double
tq_robots_crawl_delay(const char *txt, size_t len, const char *token)
{
	struct best b;

	memset(&b, 0, sizeof(b));
	b.delay = -1;
	if (!scan(txt, len, token, 1, NULL, &b)) {
		memset(&b, 0, sizeof(b));
		b.delay = -1;
		scan(txt, len, token, 2, NULL, &b);
	}
	return b.delay;
}
