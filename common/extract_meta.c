/*
 * extract_meta.c - extraction's metadata: <meta> and <link> tags,
 * JSON-LD, dates, URLs, and the record's metadata fields.  extract.c
 * says how the stages fit together.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

/* ------------------------------------------------------------- metadata */

void
ex_meta_add(struct ex *x, const char *key, const char *val)
{
	char *v;
	int i;

	if (val == NULL)
		return;
	v = ex_collapse(val, strlen(val), 1);
	if (*v == '\0') {
		free(v);
		return;
	}
	for (i = 0; i < x->nmeta; i++)
		if (strcmp(x->meta[i].key, key) == 0) {
			free(v);
			return;
		}
	if (x->nmeta == x->capmeta) {
		x->capmeta = x->capmeta ? 2 * x->capmeta : 32;
		x->meta = xrealloc(x->meta, x->capmeta * sizeof(*x->meta));
	}
	x->meta[x->nmeta].key = ex_lower_dup(key);
	x->meta[x->nmeta].val = v;
	x->nmeta++;
}

const char *
ex_meta_get(struct ex *x, const char *key)
{
	int i;

	for (i = 0; i < x->nmeta; i++)
		if (strcmp(x->meta[i].key, key) == 0)
			return x->meta[i].val;
	return NULL;
}

/* Rank of a JSON-LD @type: articles beat pages beat anything else. */
static int
ld_type_rank(json_t *o)
{
	json_t *t = json_object_get(o, "@type");
	const char *s;
	size_t i, n;
	int best = 0, r;

	if (json_is_array(t))
		n = json_array_size(t);
	else
		n = 1;
	for (i = 0; i < n; i++) {
		json_t *e = json_is_array(t) ? json_array_get(t, i) : t;

		if ((s = json_string_value(e)) == NULL)
			continue;
		r = 0;
		if (strstr(s, "Article") || strstr(s, "Posting") ||
		    strcmp(s, "Report") == 0 || strcmp(s, "Review") == 0)
			r = 3;
		else if (strstr(s, "WebPage") || strcmp(s, "CreativeWork") == 0)
			r = 1;
		if (r > best)
			best = r;
	}
	if (best > 0 && json_is_string(json_object_get(o, "articleBody")))
		best++;
	return best;
}

/* Walk JSON-LD iteratively and keep the best-ranked object. */
static void
ld_consider(struct ex *x, json_t *root)
{
	json_t *stack[64], *v, *o;
	const char *k;
	int sp = 0, r;
	size_t i;

	stack[sp++] = root;
	while (sp > 0) {
		o = stack[--sp];
		if (json_is_array(o)) {
			for (i = 0; i < json_array_size(o) && sp < 64; i++)
				stack[sp++] = json_array_get(o, i);
			continue;
		}
		if (!json_is_object(o))
			continue;
		r = ld_type_rank(o);
		if (r > x->ldrank) {
			json_decref(x->ld);
			x->ld = json_incref(o);
			x->ldrank = r;
		}
		json_object_foreach(o, k, v) {
			if ((strcmp(k, "@graph") == 0 ||
			    strcmp(k, "mainEntity") == 0 ||
			    strcmp(k, "mainEntityOfPage") == 0) && sp < 64 &&
			    (json_is_array(v) || json_is_object(v)))
				stack[sp++] = v;
		}
	}
}


/*
 * Count the page types the JSON-LD names: the page, its @graph, its
 * mainEntity and the items of its lists, iteratively and bounded.
 */
static void
ld_types(struct ex *x, json_t *root)
{
	static const char *const keys[] = {
		"@graph", "mainEntity", "itemListElement", "item", "hasPart",
		NULL
	};
	json_t *stack[64], *o, *t, *v;
	const char *s;
	int sp = 0, k, seen = 0, inlist[64], il;
	size_t i;

	stack[sp] = root;
	inlist[sp++] = 0;
	while (sp > 0 && seen++ < 2000) {
		o = stack[--sp];
		il = inlist[sp];
		if (json_is_array(o)) {
			for (i = 0; i < json_array_size(o) && sp < 64; i++) {
				stack[sp] = json_array_get(o, i);
				inlist[sp++] = il;
			}
			continue;
		}
		if (!json_is_object(o))
			continue;
		/* stories in a list make a listing, products a collection */
		t = json_object_get(o, "@type");
		if (json_is_array(t))
			t = json_array_get(t, 0);
		if (json_is_string(t)) {
			k = ex_schema_page_type(json_string_value(t));
			if (il && k == PT_ARTICLE)
				x->pt[PT_LISTING]++;
			else if (il && k == PT_PRODUCT)
				x->pt[PT_COLLECTION]++;
			else if (!il || k != PT_FORUM)
				ex_schema_evidence(x, json_string_value(t), 1);
			s = json_string_value(t);
			if (!il && k == PT_FORUM && x->ldpost == NULL &&
			    strcmp(s, "QAPage") != 0 && !x->faq)
				x->ldpost = json_incref(o);
			if (!il && k == PT_PRODUCT && x->ldproduct == NULL)
				x->ldproduct = json_incref(o);
			if (!il && x->ldhowto == NULL &&
			    (strcmp(s, "HowTo") == 0 ||
			    strcmp(s, "Recipe") == 0))
				x->ldhowto = json_incref(o);
		}
		for (k = 0; keys[k] != NULL; k++)
			if ((v = json_object_get(o, keys[k])) != NULL &&
			    sp < 64 && (json_is_array(v) ||
			    json_is_object(v))) {
				stack[sp] = v;
				inlist[sp++] = il || k >= 2;
			}
	}
}

void
ex_ld_parse(struct ex *x, const char *s, size_t n)
{
	char *c = xmalloc(2 * n + 1);
	size_t i, j = 0;
	int instr = 0, esc = 0;
	json_t *root;
	json_error_t e;

	/* raw control characters in strings are common; make them spaces */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (instr) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				instr = 0;
			else if (ch == '\n') {
				c[j++] = '\\';
				ch = 'n';
			} else if (ch < 0x20)
				ch = ' ';
		} else if (ch == '"')
			instr = 1;
		c[j++] = (char)ch;
	}
	c[j] = '\0';
	/* skip <!-- and CDATA wrappers ("<![CDATA[" opens with a '[') */
	for (i = 0; i < j; i++) {
		if (strncmp(c + i, "[CDATA[", 7) == 0)
			i += 6;
		else if (c[i] == '{' || c[i] == '[')
			break;
	}
	root = json_loadb(c + i, j - i, JSON_DISABLE_EOF_CHECK |
	    JSON_ALLOW_NUL, &e);
	free(c);
	if (root == NULL)
		return;
	ld_consider(x, root);
	ld_types(x, root);
	json_decref(root);
}

/* A string from a JSON-LD value: string, {"name"}, {"url"}, [first]. */
const char *
ex_ld_str(json_t *v, const char *field)
{
	size_t i;
	const char *s;

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v))
		return json_string_value(json_object_get(v, field));
	if (json_is_array(v))
		for (i = 0; i < json_array_size(v); i++)
			if ((s = ex_ld_str(json_array_get(v, i), field)) != NULL)
				return s;
	return NULL;
}

/* Authors' names joined by ", ". */
static char *
ld_authors(json_t *v)
{
	struct tq_buf b = { 0 };
	const char *s;
	size_t i, n;

	n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; i < n && i < 8; i++) {
		json_t *e = json_is_array(v) ? json_array_get(v, i) : v;

		if (json_is_string(e))
			s = json_string_value(e);
		else
			s = json_string_value(json_object_get(e, "name"));
		if (s == NULL || *s == '\0' || ex_starts_with(s, "http"))
			continue;
		if (b.len > 0)
			tq_buf_adds(&b, ", ");
		tq_buf_adds(&b, s);
	}
	return b.data;
}

/* ------------------------------------------------------------- dates */

/* 1-12 for an English month name or abbreviation at s, else 0. */
static int
month_num(const char *s)
{
	static const char *const m[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december"
	};
	size_t n = 0;
	int i;

	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 3)
		return 0;
	for (i = 0; i < 12; i++)
		if (n <= strlen(m[i]) && strncasecmp(s, m[i], n) == 0 &&
		    (n == 3 || n == strlen(m[i]) || (i == 8 && n == 4)))
			return i + 1;
	return 0;
}

static int
read_int(const char **sp, int maxdig, int *v)
{
	const char *s = *sp;
	int n = 0, d = 0;

	while (d < maxdig && isdigit((unsigned char)*s)) {
		n = n * 10 + (*s - '0');
		s++;
		d++;
	}
	if (d == 0)
		return 0;
	*sp = s;
	*v = n;
	return d;
}

/* A day of a month, 1-31, of one or two digits at *sp, with "st". */
static int
read_day(const char **sp)
{
	const char *s = *sp;
	int d;

	if (read_int(&s, 2, &d) == 0 || isdigit((unsigned char)*s) ||
	    d < 1 || d > 31)
		return 0;
	if (strncasecmp(s, "st", 2) == 0 || strncasecmp(s, "nd", 2) == 0 ||
	    strncasecmp(s, "rd", 2) == 0 || strncasecmp(s, "th", 2) == 0)
		s += 2;
	*sp = s;
	return d;
}

/* A year of four digits, 1990-2099, at *sp, no digit after it. */
static int
read_year(const char **sp)
{
	const char *s = *sp;
	int y;

	if (read_int(&s, 4, &y) != 4 || isdigit((unsigned char)*s) ||
	    y < 1990 || y > 2099)
		return 0;
	*sp = s;
	return y;
}

/* Skip a month's name and what may follow it: ".", "," and spaces. */
static const char *
skip_month(const char *s)
{
	while (isalpha((unsigned char)*s))
		s++;
	if (*s == '.')
		s++;
	if (*s == ',')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

/*
 * Is there a full date in a line of text: "December 16, 2025", "Dec
 * 16th 2025", "16 December 2025", "2025-12-16", "2025.12.17",
 * "12/16/2025", "16.12.2025"?  A year alone or a month and a year
 * ("May 2024") are no date of a day.
 */
int
ex_text_date(const char *t)
{
	const char *p, *s;
	int a, b;
	char sep;

	for (p = t; *p != '\0'; p++) {
		if (p > t && isalnum((unsigned char)p[-1]))
			continue;
		s = p;
		if (isalpha((unsigned char)*s)) {
			if (month_num(s) == 0)
				continue;
			s = skip_month(s);
			if (read_day(&s) == 0)
				continue;
			if (*s == ',')
				s++;
			while (*s == ' ')
				s++;
			if (read_year(&s))
				return 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			continue;
		if (read_year(&s)) {
			/* 2025-12-16, 2025/12/16, 2025.12.17 */
			if ((sep = *s) != '-' && sep != '/' && sep != '.')
				continue;
			s++;
			if (read_int(&s, 2, &a) == 0 || *s != sep)
				continue;
			s++;
			if (a >= 1 && a <= 12 && read_day(&s) &&
			    !isalnum((unsigned char)*s))
				return 1;
			continue;
		}
		if (read_day(&s) == 0)
			continue;
		if (*s == '.' && s[1] == ' ')
			s++;
		if (*s == ' ') {
			/* 16 December 2025, 16. Dec. 2025 */
			while (*s == ' ')
				s++;
			if (month_num(s) == 0)
				continue;
			s = skip_month(s);
			if (read_year(&s))
				return 1;
			continue;
		}
		/* 12/16/2025, 16.12.2025 */
		if ((sep = *s) != '/' && sep != '.')
			continue;
		s++;
		if (read_int(&s, 2, &b) == 0 || *s != sep || b < 1)
			continue;
		s++;
		if (read_year(&s))
			return 1;
	}
	return 0;
}

/*
 * Normalise a date to ISO 8601: "2019-11-19", or with a time
 * "2019-11-19T10:30:00Z" / "...+01:00".  Understands ISO forms, RFC
 * 2822 ("Tue, 19 Nov 2019 10:30:00 GMT"), "November 19, 2019",
 * "19 November 2019" and "2019/11/19".  NULL if not a date.
 */
char *
ex_norm_date(const char *in)
{
	const char *s = in;
	int y = 0, mo = 0, d = 0, h = -1, mi = 0, sec = 0, tz = 0, havetz = 0;
	int v = 0, nd;
	char zone[16] = "";

	while (*s && isspace((unsigned char)*s))
		s++;
	if ((nd = read_int(&s, 4, &v)) == 4 && (*s == '-' || *s == '/' ||
	    *s == '.')) {
		char sep = *s++;

		y = v;
		if (read_int(&s, 2, &mo) == 0)
			return NULL;
		if (*s == sep) {
			s++;
			if (read_int(&s, 2, &d) == 0)
				return NULL;
		} else
			d = 1;
	} else if (nd == 8) {
		y = v / 10000;
		mo = v / 100 % 100;
		d = v % 100;
	} else {
		/* textual: skip a weekday, then "19 Nov 2019" or "Nov 19, 2019" */
		s = in;
		while (*s) {
			while (*s && !isalnum((unsigned char)*s))
				s++;
			if (isdigit((unsigned char)*s)) {
				const char *t = s;

				read_int(&s, 4, &v);
				if (s - t == 4 && y == 0)
					y = v;
				else if (s - t <= 2 && d == 0 && !(*s == ':'))
					d = v;
				else if (*s == ':') {
					s = t;
					break;
				}
				if (y && mo && d)
					break;
			} else if (isalpha((unsigned char)*s)) {
				if (mo == 0 && month_num(s))
					mo = month_num(s);
				while (isalpha((unsigned char)*s))
					s++;
			}
		}
		if (y == 0 || mo == 0 || d == 0)
			return NULL;
		while (*s && isspace((unsigned char)*s))
			s++;
	}
	if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return NULL;
	/* time */
	if (*s == 'T' || *s == 't' || *s == ' ' || *s == ',')
		s++;
	while (*s == ' ')
		s++;
	if (read_int(&s, 2, &h) && *s == ':') {
		s++;
		if (read_int(&s, 2, &mi) == 0)
			h = -1;
		else if (*s == ':') {
			s++;
			read_int(&s, 2, &sec);
			if (*s == '.' || *s == ',') {
				s++;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
		while (*s == ' ')
			s++;
		if (*s == 'Z' || *s == 'z' || strncasecmp(s, "GMT", 3) == 0 ||
		    strncasecmp(s, "UTC", 3) == 0) {
			havetz = 1;
			if (strncasecmp(s, "GMT", 3) == 0 ||
			    strncasecmp(s, "UTC", 3) == 0)
				s += 3;
		}
		if (*s == '+' || *s == '-') {
			int sign = *s == '-' ? -1 : 1, th = 0, tm = 0;

			s++;
			if (read_int(&s, 2, &th)) {
				if (*s == ':')
					s++;
				read_int(&s, 2, &tm);
				tz = sign * (th * 60 + tm);
				havetz = 1;
			}
		}
	} else
		h = -1;
	if (h < 0 || h > 23 || mi > 59 || sec > 60)
		return xasprintf("%04d-%02d-%02d", y, mo, d);
	if (havetz && tz == 0)
		strcpy(zone, "Z");
	else if (havetz)
		snprintf(zone, sizeof(zone), "%c%02d:%02d", tz < 0 ? '-' : '+',
		    abs(tz) / 60 % 100, abs(tz) % 60);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi,
	    sec, zone);
}

/* ---------------------------------------------------------------- URLs */

static int
has_scheme(const char *u)
{
	const char *p = u;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	return *p == ':';
}

/* Resolve ref against base (RFC 3986, enough for canonical links). */
static char *
url_resolve(const char *base, const char *ref)
{
	const char *hs, *pe, *q;
	struct tq_buf b = { 0 };
	char *out, *seg, *r, *w;

	if (ref == NULL || *ref == '\0')
		return NULL;
	while (*ref == ' ')
		ref++;
	if (has_scheme(ref))
		return ex_starts_with(ref, "http:") || ex_starts_with(ref, "https:") ?
		    xstrdup(ref) : NULL;
	if (base == NULL || !has_scheme(base))
		return NULL;
	hs = strstr(base, "://");
	if (hs == NULL)
		return NULL;
	if (ref[0] == '/' && ref[1] == '/')
		return xasprintf("%.*s:%s", (int)(hs - base), base, ref);
	pe = hs + 3 + strcspn(hs + 3, "/?#");	/* end of authority */
	tq_buf_add(&b, base, (size_t)(pe - base));
	if (ref[0] == '/')
		tq_buf_adds(&b, ref);
	else if (ref[0] == '?' || ref[0] == '#') {
		q = pe + strcspn(pe, ref[0] == '?' ? "?#" : "#");
		tq_buf_add(&b, pe, (size_t)(q - pe));
		tq_buf_adds(&b, ref);
	} else {
		q = pe + strcspn(pe, "?#");
		while (q > pe && q[-1] != '/')
			q--;
		if (q == pe)
			tq_buf_adds(&b, "/");
		else
			tq_buf_add(&b, pe, (size_t)(q - pe));
		tq_buf_adds(&b, ref);
	}
	out = b.data;
	/* remove dot segments in the path */
	seg = out + (pe - base);
	r = w = seg;
	while (*r && *r != '?' && *r != '#') {
		if (strncmp(r, "/./", 3) == 0 || strcmp(r, "/.") == 0) {
			r += 2;
			if (*r == '\0')
				*w++ = '/';
		} else if (strncmp(r, "/../", 4) == 0 || strcmp(r, "/..") == 0) {
			r += 3;
			while (w > seg && *--w != '/')
				;
			if (*r == '\0')
				*w++ = '/';
		} else
			*w++ = *r++;
	}
	memmove(w, r, strlen(r) + 1);
	return out;
}

/*
 * A URL the page gives for itself or its image (canonical link,
 * og:url, JSON-LD), resolved against base, in the form tq-submit gives
 * its URLs (scheme and host lower case, spaces and non-ASCII
 * percent-encoded, IDN hosts in punycode, no fragment), or NULL when
 * it is not a web address a reader could open: no host ("https://"), a
 * host that is no name ("https://exa mple.com/"), a user name or
 * password in it, longer than tq-submit takes.  Pages get these wrong
 * often enough, and Notion refuses a bookmark it cannot read as a URL.
 * Only the usual URLs are taken (tq_url_simple): the extractor, run
 * once per page in tq-extract, does without libcurl's parser.
 */
static char *
web_url(const char *base, const char *ref)
{
	char *r, *n;

	if ((r = url_resolve(base, ref)) == NULL)
		return NULL;
	if ((n = tq_url_simple(r)) != NULL && strlen(n) > TQ_URL_MAX) {
		free(n);
		n = NULL;
	}
	free(r);
	return n;
}

/* ------------------------------------------------------------ metadata */

int
ex_words(const char *s)
{
	int n = 0, in = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			in = 0;
		else if (!in) {
			n++;
			in = 1;
		}
	}
	return n;
}

/* ------------------------------------------------------------ titles */

#define TITLE_MAX	2000	/* bytes of a title cleaned, the rest cut */
#define TITLE_CUTS	16	/* separators cut at, at most */
#define TITLE_SITE_MAX	200	/* bytes of a site's name */

/*
 * What a page's title is cut at.  A loose separator (no spaces around
 * it, or a full-width colon) is also written inside headlines, so a
 * title is cut there only when the rest names the site.
 */
static const struct tsep {
	const char	*s;
	int		 loose;
} tseps[] = {
	{ " | ", 0 }, { " - ", 0 }, { " \xe2\x80\x93 ", 0 },
	{ " \xe2\x80\x94 ", 0 }, { " :: ", 0 }, { " \xc2\xb7 ", 0 },
	{ " // ", 0 }, { " \xc2\xbb ", 0 }, { " : ", 0 },
	{ " \xef\xbd\x9c ", 0 },		/* " ｜ " */
	{ "\xef\xbd\x9c", 1 },			/* "｜" */
	{ "\xef\xbc\x9a", 1 },			/* "：" */
	{ "|", 1 }, { "_", 1 }, { ":", 1 },
	{ NULL, 0 }
};

/*
 * The rightmost separator in t[0, n), a loose one only if loose; its
 * length in *len, whether it is loose in *isloose.
 */
static const char *
last_sep(const char *t, size_t n, int loose, size_t *len, int *isloose)
{
	const char *best = NULL, *p, *e = t + n;
	size_t l;
	int i;

	for (i = 0; tseps[i].s != NULL; i++) {
		if (tseps[i].loose && !loose)
			continue;
		l = strlen(tseps[i].s);
		for (p = t; (p = strstr(p, tseps[i].s)) != NULL &&
		    p + l <= e; p++)
			/* the longer one wins where two start alike */
			if (best == NULL || p > best ||
			    (p == best && l > *len)) {
				best = p;
				*len = l;
				*isloose = tseps[i].loose;
			}
	}
	return best;
}

/*
 * Does the host name ("www.scan.netsecurity.ne.jp") spell s: its
 * letters and digits, lower case, one or more of the host's labels
 * run together ("ScanNetSecurity", "Pastebin.com"), or each of its
 * words a label ("CNET Japan" on japan.cnet.com)?  Words in other
 * scripts than ASCII are passed over ("ガジェット通信 GetNews").
 */
static int
host_spells(const char *host, const char *s, size_t n)
{
	char c[128], w[64];
	const char *h, *e;
	size_t cl = 0, wl, hl;
	int words = 0, i;

	if (host == NULL || *host == '\0')
		return 0;
	for (i = 0; (size_t)i < n && cl < sizeof c - 1; i++)
		if (isalnum((unsigned char)s[i]))
			c[cl++] = (char)tolower((unsigned char)s[i]);
	c[cl] = '\0';
	if (cl < 3)
		return 0;
	/* labels run together, from each label on ("-" passed over) */
	for (h = host; *h; h += hl + (h[hl] != '\0')) {
		size_t k = 0;

		hl = strcspn(h, ".");
		for (e = h; *e && k < cl; e++) {
			if (*e == '.' || *e == '-')
				continue;
			if (tolower((unsigned char)*e) != c[k])
				break;
			k++;
		}
		if (k == cl && (*e == '\0' || *e == '.'))
			return 1;
	}
	/* each ASCII word a label */
	for (i = 0; (size_t)i < n; ) {
		wl = 0;
		while ((size_t)i < n && isalnum((unsigned char)s[i])) {
			if (wl < sizeof w - 1)
				w[wl++] = (char)tolower((unsigned char)s[i]);
			i++;
		}
		if (wl == 0) {
			i++;
			continue;
		}
		w[wl] = '\0';
		for (h = host; *h; h += hl + (h[hl] != '\0')) {
			hl = strcspn(h, ".");
			if (hl == wl && strncasecmp(h, w, wl) == 0)
				break;
		}
		if (*h == '\0')
			return 0;
		words++;
	}
	return words > 0;
}

/*
 * Is t[0, n) the site's name, or its host's?  Or (not exact) a part
 * of the name, or the name with more.
 */
static int
names_site(const char *t, size_t n, const char *site, const char *host,
    int exact)
{
	char *p;
	int r = 0;

	while (n > 0 && t[0] == ' ')
		t++, n--;
	while (n > 0 && t[n - 1] == ' ')
		n--;
	/* a site's name is short: no search through a page of them */
	if (n == 0 || n > TITLE_SITE_MAX)
		return 0;
	if (site != NULL && strlen(site) > TITLE_SITE_MAX)
		site = NULL;
	p = xstrndup(t, n);
	if (site && *site && (strcasecmp(p, site) == 0 || (!exact &&
	    (strcasestr(site, p) != NULL || strcasestr(p, site) != NULL))))
		r = 1;
	else
		r = host_spells(host, t, n);
	free(p);
	return r;
}

/* Words, counting two CJK characters as one ("朝日新聞デジタル": 4). */
static int
title_words(const char *s, size_t n)
{
	int w = 0, cjk = 0, in = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ')
			in = 0;
		else if (!in && c < 0x80) {
			w++;
			in = 1;
		}
		/* U+3000 to U+D7FF: lead bytes e3 to ed */
		if (c >= 0xe3 && c <= 0xed) {
			cjk++;
			in = 0;
		}
	}
	return w + (cjk + 1) / 2;
}

/*
 * The length of the firm separator (or full-width one) that starts at
 * q and ends by e, or (ends) that ends at q and starts at b or after;
 * 0 if none.
 */
static size_t
sep_len(const char *b, const char *q, const char *e, int ends)
{
	size_t l;
	int i;

	for (i = 0; tseps[i].s != NULL; i++) {
		if (tseps[i].loose && (unsigned char)tseps[i].s[0] < 0x80)
			continue;
		l = strlen(tseps[i].s);
		if (ends ? l <= (size_t)(q - b) &&
		    strncmp(q - l, tseps[i].s, l) == 0 :
		    l <= (size_t)(e - q) && strncmp(q, tseps[i].s, l) == 0)
			return l;
	}
	return 0;
}

/*
 * Keep t[0, n), a part of the title cut as the site's, in *named where
 * no site's name is known and the host spells it (once; without the
 * separators and spaces around it: "mediaarchitecture.de //").
 */
static void
host_named(const char *t, size_t n, const char *site, const char *host,
    char **named)
{
	if (*named != NULL || (site != NULL && *site != '\0'))
		return;
	while (n > 0 && strchr(" /|-:", *t) != NULL)
		t++, n--;
	while (n > 0 && strchr(" /|-:", t[n - 1]) != NULL)
		n--;
	if (host_spells(host, t, n))
		*named = xstrndup(t, n);
}

/*
 * Cut t[0, n) at the separator p (length len): 1 when the part after it
 * names the site or (not strict: a <title>; a firm separator) is short
 * beside what comes before; 2 when the part before names the site.
 * The part cut, where the host spells it and no site's name is known,
 * in *named (once).
 */
static int
cut_kind(const char *t, size_t n, const char *p, size_t len, int loose,
    const char *site, const char *host, int strict, char **named)
{
	const char *tail = p + len, *part = NULL;
	size_t tl = (size_t)(t + n - tail), hl = (size_t)(p - t), pl = 0;
	int k = 0;

	if (names_site(tail, tl, site, host, loose) || (!strict && !loose &&
	    title_words(tail, tl) <= 4 && title_words(t, hl) >= 3)) {
		k = 1;
		part = tail;
		pl = tl;
	} else if (!loose && tl > 0 && names_site(t, hl, site, host, 1)) {
		k = 2;
		part = t;
		pl = hl;
	}
	if (k != 0)
		host_named(part, pl, site, host, named);
	return k;
}

/*
 * "Title | Site" -> "Title", when the rest is the site or (not strict:
 * a <title>) short; "Site | Title" -> "Title".  A part of the title
 * that is also one of the page's <h1>s (heads, nh of them) is the
 * title.  The site's name cut, where only the host told it, in *named.
 */
static char *
clean_title(const char *t, const char *site, const char *host,
    char *const *heads, const int *linked, int nh, int strict,
    char **named)
{
	const char *p, *r;
	size_t len = 0, n = strlen(t), hl;
	int loose = 0, i, k, hw, rw, cuts = 0;

	/* no title is longer: not a page's worth of separators to cut */
	if (n > TITLE_MAX) {
		n = TITLE_MAX;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
	}

	for (i = 0; i < nh; i++) {
		if ((hl = strlen(heads[i])) == 0 || hl >= n)
			continue;
		if (strncasecmp(t, heads[i], hl) == 0 &&
		    (len = sep_len(t, t + hl, t + n, 0)) > 0) {
			p = t;
			r = t + hl + len;
		} else if (strncasecmp(t + n - hl, heads[i], hl) == 0 &&
		    (len = sep_len(t, t + n - hl, t + n, 1)) > 0) {
			p = t + n - hl;
			r = t;
		} else
			continue;
		/*
		 * The rest is the site's name, or the <h1> is: taken
		 * when it is no less than half the rest, and more than
		 * the rest if it is a link.
		 */
		hw = title_words(p, hl);
		rw = title_words(r, n - hl - len);
		if (names_site(p, hl, site, host, 0) || hw * 2 < rw ||
		    (linked[i] && hw <= rw))
			continue;
		host_named(r, n - hl - len, site, host, named);
		return xstrndup(p, hl);
	}
	while (cuts++ < TITLE_CUTS &&
	    (p = last_sep(t, n, 1, &len, &loose)) != NULL) {
		k = cut_kind(t, n, p, len, loose, site, host, strict, named);
		/* a loose separator that parts nothing: the firm ones */
		if (k == 0 && loose &&
		    (p = last_sep(t, n, 0, &len, &loose)) != NULL)
			k = cut_kind(t, n, p, len, loose, site, host, strict,
			    named);
		if (k == 0)
			break;
		if (k == 2) {
			n = (size_t)(t + n - (p + len));
			t = p + len;
			break;
		}
		n = (size_t)(p - t);
		while (n > 0 && t[n - 1] == ' ')
			n--;
	}
	while (n > 0 && *t == ' ')
		t++, n--;
	return xstrndup(t, n);
}

static char *
clean_str(const char *s)
{
	char *u, *c;

	if (s == NULL)
		return NULL;
	u = ex_utf8_clean(s, strlen(s));
	c = ex_collapse(u, strlen(u), 1);
	free(u);
	if (*c == '\0') {
		free(c);
		return NULL;
	}
	return c;
}

static const char *
first_meta(struct ex *x, const char *const *keys)
{
	const char *v;
	int i;

	for (i = 0; keys[i] != NULL; i++)
		if ((v = ex_meta_get(x, keys[i])) != NULL && *v)
			return v;
	return NULL;
}

static char *
strip_by(char *s)
{
	char *p = s;

	if (s == NULL)
		return NULL;
	if (strncasecmp(p, "by ", 3) == 0)
		p += 3;
	else if (strncasecmp(p, "by:", 3) == 0)
		p += 3;
	while (*p == ' ')
		p++;
	memmove(s, p, strlen(p) + 1);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * The host the page is from: its URL's, else its canonical link's or
 * og:url's, lower case; "" if none.
 */
static void
page_host(struct ex *x, const char *url, char *h, size_t sz)
{
	const char *u = url, *p;
	size_t n;

	if (u == NULL || strstr(u, "://") == NULL)
		u = x->canonical;
	if (u == NULL || strstr(u, "://") == NULL)
		u = ex_meta_get(x, "og:url");
	h[0] = '\0';
	if (u == NULL || (p = strstr(u, "://")) == NULL)
		return;
	p += 3;
	n = strcspn(p, "/?#:@");
	if (p[n] == '@') {		/* user@host: no host of ours */
		return;
	}
	if (n >= sz)
		return;
	memcpy(h, p, n);
	h[n] = '\0';
	for (n = 0; h[n]; n++)
		h[n] = (char)tolower((unsigned char)h[n]);
}

/*
 * Is all the text of node i (its first 200 nodes) in links, each of
 * them also of flags (F_HOME: to the home page)?
 */
static int
all_linked(struct ex *x, int i, unsigned flags)
{
	int j, k, e = ex_subtree_end(x, i), any = 0;

	for (j = i + 1; j <= e && j < i + 200; j++) {
		if (x->n[j].tag != XT_TEXT)
			continue;
		for (k = x->n[j].parent; k > i; k = x->n[k].parent)
			if (x->n[k].flags & F_LINK)
				break;
		if (k <= i || (x->n[k].flags & flags) != flags)
			return 0;
		any = 1;
	}
	return any;
}

/*
 * Is the <h1> i the site's name rather than the page's: marked so
 * ("site-title", "logo", "brand", "masthead"; itself or a block around
 * it), hidden as a name for screen readers beside a logo ("hidden"),
 * in the site's navigation, or a link home through and through?
 */
static int
site_head(struct ex *x, int i)
{
	static const char *const marks[] = {
		"logo", "site-title", "site-name", "sitename", "brand",
		"masthead", "site-header", "navbar", NULL
	};
	const char *a = x->n[i].attr;
	int j, k, d;

	if (a != NULL && ex_has_word(a, "hidden"))
		return 1;
	for (j = i, d = 0; j > 0 && j != x->body && d < 4;
	    j = x->n[j].parent, d++) {
		a = x->n[j].attr;
		if ((x->n[j].flags & F_BADROLE) || x->n[j].tag == TidyTag_NAV)
			return 1;
		if (a == NULL)
			continue;
		for (k = 0; marks[k] != NULL; k++)
			if (strstr(a, marks[k]) != NULL)
				return 1;
		if (ex_has_word(a, "header"))
			return 1;
	}
	/* all its text in links home */
	return all_linked(x, i, F_HOME);
}

/*
 * The text of the page's first live <h1>s (up to max, each one line
 * of 300 characters or fewer, not the site's name), in heads[]; how
 * many.  linked[] says which are links through and through (a logo's
 * link home, or a blog's headline to its post).
 */
static int
page_heads(struct ex *x, char **heads, int *linked, int max)
{
	int i, nh = 0;
	char *t, *c;

	for (i = 1; i < x->nn && nh < max; i++) {
		if (x->n[i].tag != TidyTag_H1 || x->dead[i] ||
		    site_head(x, i))
			continue;
		t = ex_node_text(x, i, 400);
		c = clean_str(t);
		free(t);
		if (c == NULL)
			continue;
		if (strlen(c) > 300) {
			free(c);
			continue;
		}
		linked[nh] = all_linked(x, i, F_LINK);
		heads[nh++] = c;
	}
	return nh;
}

/*
 * JSON-LD's headline; but its name where the page's <title> opens with
 * the name and does not hold the headline: Wikipedia gives its article's short
 * description as the headline ("constitutional monarchy in Oceania")
 * and its title as the name ("New Zealand").
 */
static const char *
ld_headline(struct ex *x)
{
	const char *v, *nm;

	if (x->ld == NULL || (v = json_string_value(json_object_get(x->ld,
	    "headline"))) == NULL || *v == '\0')
		return NULL;
	nm = json_string_value(json_object_get(x->ld, "name"));
	if (nm != NULL && *nm != '\0' && x->title != NULL &&
	    strlen(x->title) <= TITLE_MAX && strlen(v) <= TITLE_MAX &&
	    strlen(nm) < strlen(x->title) &&
	    strncasecmp(x->title, nm, strlen(nm)) == 0 &&
	    strcasestr(x->title, v) == NULL)
		return nm;
	return v;
}

/*
 * The date in a page's address: "/2016/05/24/" or "/2016-05-24" in its
 * path, a year from 1990, a real month and day; normalised, or NULL.
 */
static char *
url_date(const char *url)
{
	const char *p, *q;
	int y, m, d, k;
	char buf[16];

	if (url == NULL || (p = strstr(url, "://")) == NULL)
		return NULL;
	p += 3 + strcspn(p + 3, "/?#");
	for (; *p == '/'; p = q) {
		q = p + 1 + strcspn(p + 1, "/?#");
		/* /2016/05/24 or /2016-05-24 */
		if (sscanf(p, "/%4d%*1[/-]%2d%*1[/-]%2d%n", &y, &m, &d, &k) != 3)
			continue;
		if (!isdigit((unsigned char)p[1]) || k != 11 ||
		    isdigit((unsigned char)p[k]) ||
		    y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 ||
		    d > 31 || p[5] != p[8])
			continue;
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
		return ex_norm_date(buf);
	}
	return NULL;
}

/*
 * The date a page shows for itself where it says it nowhere else: the
 * text of a small element near the headline whose class names a date
 * ("date-header", "post-timestamp", "entry-date", "published"), a full
 * date and little more ("Saturday, February 03, 2024", "Posted on May
 * 26, 2016").  Not a date of an update, a comment, an event, a
 * product's release or today's (a site's header shows it).  The day
 * alone, unless the text is ISO 8601; or NULL.
 */
static char *
shown_date(struct ex *x)
{
	static const char *const marks[] = {
		"date", "published", "timestamp", "posted-on", "dateline",
		NULL
	};
	static const char *const not[] = {
		"update", "modified", "today", "current", "comment", "event",
		"expir", "birth", "archive", "calendar", "picker", "clock",
		"weather", "deadline", "release", NULL
	};
	int i, k, from, to, end, iso;
	const char *a;
	char *t, *d = NULL;

	from = x->h1 > 0 ? x->h1 - 150 : x->body;
	to = x->h1 > 0 ? x->h1 + 400 : x->body + 600;
	if (from < 1)
		from = 1;
	if (to > x->nn)
		to = x->nn;
	for (i = from; i < to && d == NULL; i++) {
		if (x->dead[i] || (a = x->n[i].attr) == NULL ||
		    (x->n[i].flags & F_LINK) || ex_subtree_end(x, i) > i + 12)
			continue;
		for (k = 0; marks[k] != NULL; k++)
			if (strstr(a, marks[k]) != NULL)
				break;
		if (marks[k] == NULL)
			continue;
		for (k = 0; not[k] != NULL; k++)
			if (strstr(a, not[k]) != NULL)
				break;
		if (not[k] != NULL)
			continue;
		end = ex_subtree_end(x, i);
		t = ex_node_text(x, i, 200);
		iso = strlen(t) >= 10 && strlen(t) <= 30 &&
		    isdigit((unsigned char)t[0]) && t[4] == '-';
		if (strlen(t) <= 60 && (ex_text_date(t) || iso) &&
		    strcasestr(t, "updat") == NULL &&
		    strcasestr(t, "modif") == NULL &&
		    strcasestr(t, "aktualisiert") == NULL &&
		    (d = ex_norm_date(t)) != NULL && !iso)
			d[10] = '\0';	/* "9:00PM": the day alone */
		free(t);
		i = end;
	}
	return d;
}

/*
 * The author in Yoast's Twitter card: twitter:data1 where twitter:label1
 * says "Written by" (or so in another language).
 */
static char *
yoast_author(struct ex *x)
{
	static const char *const labels[] = {
		"Written by", "Verfasst von", "Geschrieben von", "Escrito por",
		"\xc3\x89" "crit par", "Scritto da", "Geschreven door",
		"Napisane przez", NULL
	};
	const char *l, *v;
	int i;

	if ((l = ex_meta_get(x, "twitter:label1")) == NULL ||
	    (v = ex_meta_get(x, "twitter:data1")) == NULL || *v == '\0')
		return NULL;
	for (i = 0; labels[i] != NULL; i++)
		if (strcasecmp(l, labels[i]) == 0)
			return xstrdup(v);
	return NULL;
}

static const char *const bylead[] = {
	"by", "von", "par", "por", "di", "door", "av", "przez", "de", "from",
	NULL
};

/*
 * Is line s[0, n) a name (a person's, a team's: "Redaktion", "AFP/The
 * Local"): a few words, no digits, not a label ("Written by:",
 * "Author", "Posted") nor a lead without its name ("Article by")?
 */
static int
name_like(const char *s, size_t n)
{
	static const char *const labels[] = {
		"author", "authors", "autor", "autoren", "auteur", "autore",
		"autorin", "follow", "tweet", "share", "more", "mehr",
		"inhalt", "contents", "posted", "published",
		"ver\xc3\xb6" "ffentlicht", "hauptmen\xc3\xbc", NULL
	};
	const char *last = s;
	size_t i;
	int words = 0, in = 0;

	if (n < 2 || n > 80 || s[n - 1] == ':' || s[n - 1] == '-' ||
	    ex_in_list(s, n, labels))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c) || c == '@' || c == '|')
			return 0;
		if (c == ' ')
			in = 0;
		else if (!in) {
			words++;
			in = 1;
			last = s + i;
		}
	}
	if (ex_in_list(last, (size_t)(s + n - last), bylead))
		return 0;
	return words >= 1 && words <= 10;
}

/*
 * Does the word at w open a date: a digit, or a month's or a weekday's
 * name with a number after it ("March 11, 2015", "Monday, February 29")?
 */
static int
date_word(const char *w)
{
	static const char *const days[] = {
		"monday", "tuesday", "wednesday", "thursday", "friday",
		"saturday", "sunday", "montag", "dienstag", "mittwoch",
		"donnerstag", "freitag", "samstag", "sonntag", NULL
	};
	size_t l = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz");
	const char *p = w + l;

	if (isdigit((unsigned char)*w))
		return 1;
	if (l < 3 || (!ex_in_list(w, l, days) && month_num(w) == 0))
		return 0;
	while (*p == ',' || *p == '.' || *p == ' ')
		p++;
	return isdigit((unsigned char)*p) || (ex_in_list(w, l, days) &&
	    month_num(p) != 0);
}

/*
 * Is the lead w (l bytes) of line s, p after it, a name's particle
 * rather than a lead: "von", "de" or "di" as the second word, after a
 * capital that is no word of a byline's ("Erstellt von", "Artikel
 * von"), before a capital or another particle, without a colon
 * ("Ursula von der Leyen", "Michiel de Jong", "Jean de la Fontaine")?
 */
static int
name_particle(const char *s, const char *w, size_t l, const char *p)
{
	static const char *const particles[] = { "von", "de", "di", NULL };
	static const char *const next[] = {
		"der", "den", "la", "le", "du", "des", "del", "los", "las", NULL
	};
	static const char *const byline_words[] = {
		"ver\xc3\xb6" "ffentlicht", "erstellt", "eingestellt",
		"verfasst", "geschrieben", "gepostet", "artikel", "beitrag",
		"rezept", "text", "foto", "fotos", "bericht", "interview",
		"publi\xc3\xa9", "publicado", "escrito", "pubblicato",
		"scritto", NULL
	};
	size_t first = strcspn(s, " ");

	return ex_in_list(w, l, particles) && w[l] != ':' &&
	    isupper((unsigned char)s[0]) && (size_t)(w - s) == first + 1 &&
	    !ex_in_list(s, first, byline_words) &&
	    (isupper((unsigned char)*p) || ex_in_list(p, strcspn(p, " "),
	    next));
}

/*
 * A byline's name: the words after its lead ("Posted by", "Article by",
 * "Von", "Par", "Posted on May 2, 2020 by") and before what follows it
 * ("on Friday January 12", ", 8. Februar 2022", "- name@example.com"),
 * in place.
 */
static char *
byline_name(char *s)
{
	static const char *const ends[] = {
		" on ", " at ", " am ", " le ", " el ", " il ", ", ", " | ",
		" - ", " \xe2\x80\xa2 ", " \xc2\xb7 ", " \xc2\xbb ", NULL
	};
	char *p, *w, *q;
	size_t l;
	int k, nw;

	if (s == NULL)
		return NULL;
	/* a lead among the first eight words, not a name's particle */
	for (p = s, nw = 0; *p && nw < 8; nw++) {
		w = p;
		l = strcspn(w, " :");
		p = w + l;
		while (*p == ' ' || *p == ':')
			p++;
		if (ex_in_list(w, l, bylead) && *p != '\0' &&
		    !name_particle(s, w, l, p)) {
			memmove(s, p, strlen(p) + 1);
			break;
		}
	}
	for (k = 0; ends[k] != NULL; k++)
		if ((q = strstr(s, ends[k])) != NULL &&
		    strpbrk(q, "0123456789@[") != NULL)
			*q = '\0';
	/* a date after the name */
	for (p = s; *p; ) {
		if (p > s && date_word(p)) {
			while (p > s && p[-1] == ' ')
				p--;
			*p = '\0';
			break;
		}
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return s;
}

/*
 * Is node i, of a byline's or author's class, small enough to be one
 * (40 nodes or fewer: not a page's <div> of "single-author" layout),
 * and no review's, quote's or note's ("jdgm-rev__author",
 * "author-note-portlet")?
 */
static int
small_byline(struct ex *x, int i)
{
	const char *a = x->n[i].attr;

	return ex_subtree_end(x, i) - i <= 40 && (a == NULL ||
	    (strstr(a, "rev") == NULL && strstr(a, "quote") == NULL &&
	    strstr(a, "testimonial") == NULL && strstr(a, "note") == NULL));
}

/*
 * The author's name from the elements that may give it (itemprop=author
 * first, then rel=author, then a small element of a byline's class; each
 * in the page's order): the first line of one that is a name, its lead
 * ("By") and what follows the name with a date dropped.  NULL if none.
 */
static char *
node_author(struct ex *x)
{
	int r, k, j;
	char *a, *c, *line, *e, *best = NULL;

	for (r = 3; r >= 1 && best == NULL; r--)
		for (k = 0; k < x->nauthor && best == NULL; k++) {
			if (x->author_rank[k] != r || (j = x->author[k]) <= 0 ||
			    (r == 1 && !small_byline(x, j)))
				continue;
			a = ex_node_text(x, j, 300);
			for (line = a; line != NULL && best == NULL;
			    line = e ? e + 1 : NULL) {
				if ((e = strchr(line, '\n')) != NULL)
					*e = '\0';
				c = byline_name(clean_str(line));
				if (c != NULL && name_like(c, strlen(c)))
					best = c;
				else
					free(c);
			}
			free(a);
		}
	return best;
}

void
ex_fill_meta(struct ex *x, const char *url, struct tq_doc *doc)
{
	static const char *const k_title[] = {
		"og:title", "twitter:title", "name:title", NULL
	};
	static const char *const k_site[] = {
		"og:site_name", "name:application-name",
		"name:apple-mobile-web-app-title", NULL
	};
	static const char *const k_author[] = {
		"name:author", "article:author", "name:byl",
		"name:sailthru.author", "name:parsely-author", "name:dc.creator",
		"author", NULL
	};
	static const char *const k_date[] = {
		"article:published_time", "article:published",
		"itemprop:datepublished",
		"name:article:published_time", "og:published_time",
		"name:pubdate", "name:publishdate", "name:date",
		"name:dc.date.issued", "name:dc.date", "name:sailthru.date",
		"name:parsely-pub-date", "name:publish-date",
		"name:article.published", NULL
	};
	static const char *const k_desc[] = {
		"name:description", "og:description", "twitter:description",
		NULL
	};
	static const char *const k_image[] = {
		"og:image", "og:image:url", "og:image:secure_url",
		"twitter:image", "twitter:image:src", "name:twitter:image",
		NULL
	};
	const char *v;
	char *t, *site, *heads[4], host[256], *named = NULL;
	json_t *ld = x->ld;
	int nh, linked[4];

	/* site name first: the title cleaner uses it */
	if ((v = first_meta(x, k_site)) == NULL && ld)
		v = ex_ld_str(json_object_get(ld, "publisher"), "name");
	doc->site_name = clean_str(v);
	site = doc->site_name;
	page_host(x, url, host, sizeof host);
	nh = page_heads(x, heads, linked, 4);

	if ((v = first_meta(x, k_title)) != NULL) {
		t = clean_str(v);
		doc->title = clean_title(t, site, host, heads, linked, nh,
		    1, &named);
		free(t);
	} else if ((v = ld_headline(x)) != NULL)
		doc->title = clean_str(v);
	else if (x->title && *x->title) {
		t = clean_str(x->title);
		if (t)
			doc->title = clean_title(t, site, host, heads,
			    linked, nh, 0, &named);
		free(t);
	} else if (nh > 0)
		doc->title = xstrdup(heads[0]);
	else if (x->h1 > 0) {
		t = ex_node_text(x, x->h1, 1000);
		doc->title = clean_str(t);
		free(t);
	}
	while (nh > 0)
		free(heads[--nh]);
	/* "Title | Pastebin.com" on pastebin.com: the site's name */
	if (doc->site_name == NULL && named != NULL)
		doc->site_name = clean_str(named);
	free(named);
	if (doc->title && *doc->title == '\0') {
		free(doc->title);
		doc->title = NULL;
	}

	t = NULL;
	if (ld && json_object_get(ld, "author"))
		t = ld_authors(json_object_get(ld, "author"));
	if (t == NULL && (v = first_meta(x, k_author)) != NULL &&
	    !ex_starts_with(v, "http"))
		t = xstrdup(v);
	doc->byline = strip_by(clean_str(t));
	free(t);
	if (doc->byline == NULL)
		doc->byline = node_author(x);
	if (doc->byline == NULL && (t = yoast_author(x)) != NULL) {
		doc->byline = clean_str(t);
		free(t);
	}

	if (x->lang)
		doc->lang = clean_str(x->lang);
	else if ((v = ex_meta_get(x, "http-equiv:content-language")) != NULL)
		doc->lang = clean_str(v);
	else if ((v = ex_meta_get(x, "og:locale")) != NULL) {
		doc->lang = clean_str(v);
		if (doc->lang)
			for (t = doc->lang; *t; t++)
				if (*t == '_')
					*t = '-';
	} else if (ld && (v = ex_ld_str(json_object_get(ld, "inLanguage"),
	    "name")) != NULL)
		doc->lang = clean_str(v);

	{
		const char *cand[24];
		int nc = 0, i;

		/* Open Graph first, then JSON-LD, then the rest */
		if ((v = ex_meta_get(x, k_date[0])) != NULL)
			cand[nc++] = v;
		if (ld && (v = json_string_value(json_object_get(ld,
		    "datePublished"))) != NULL)
			cand[nc++] = v;
		for (i = 1; k_date[i] != NULL && nc < 20; i++)
			if ((v = ex_meta_get(x, k_date[i])) != NULL)
				cand[nc++] = v;
		if (x->pubprop)
			cand[nc++] = x->pubprop;
		if (x->timedt)
			cand[nc++] = x->timedt;
		for (i = 0; i < nc && doc->published == NULL; i++)
			doc->published = ex_norm_date(cand[i]);
		if (doc->published == NULL)
			doc->published = shown_date(x);
		if (doc->published == NULL)
			doc->published = url_date(url);
		if (doc->published == NULL)
			doc->published = url_date(x->canonical);
		if (doc->published == NULL)
			doc->published = url_date(ex_meta_get(x, "og:url"));
	}

	if ((v = first_meta(x, k_desc)) == NULL && ld)
		v = json_string_value(json_object_get(ld, "description"));
	doc->description = clean_str(v);

	t = web_url(url, x->canonical);
	if (t == NULL)
		t = web_url(url, ex_meta_get(x, "og:url"));
	if (t == NULL && ld)
		t = web_url(url, ex_ld_str(json_object_get(ld, "url"), "@id"));
	if (t != NULL) {
		doc->canonical_url = clean_str(t);
		free(t);
	}
	t = web_url(url, first_meta(x, k_image));
	if (t == NULL && ld)
		t = web_url(url, ex_ld_str(json_object_get(ld, "image"), "url"));
	if (t != NULL) {
		doc->image_url = clean_str(t);
		free(t);
	}
}
