/*
 * extract_prescan.c - stage 1 of extraction: the prescan that makes
 * HTML safe for tidy (stray declarations, control characters, tags
 * nested too deep, tag soup) or refuses it.  extract.c says how the
 * stages fit together.
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

/* ------------------------------------------------------------ prescan */

static int
is_void_tag(const char *s, size_t n)
{
	static const char *const v[] = {
		"area", "base", "br", "col", "embed", "hr", "img", "input",
		"link", "meta", "param", "source", "track", "wbr", "keygen",
		"basefont", "frame", "isindex", "spacer", "bgsound", "command",
		NULL
	};

	return ex_in_list(s, n, v);
}

static int
is_raw_tag(const char *s, size_t n)
{
	/* only these are raw text to tidy; it parses tags in <title> */
	return (n == 6 && strncasecmp(s, "script", 6) == 0) ||
	    (n == 5 && strncasecmp(s, "style", 5) == 0);
}

/* Elements whose start closes an open one of the same name. */
static int
is_self_closing(const char *s, size_t n)
{
	static const char *const v[] = {
		"p", "li", "dt", "dd", "option", "tr", "td", "th", "a",
		"h1", "h2", "h3", "h4", "h5", "h6", "optgroup", NULL
	};

	return ex_in_list(s, n, v);
}

static const char *
find_ci(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w);

	/* "</script", "-->", "?>": look for the first byte, no letter */
	if (n > 0 && !isalpha((unsigned char)w[0])) {
		for (; s + n <= end; s++) {
			if ((s = memchr(s, w[0], (size_t)(end - s))) == NULL ||
			    s + n > end)
				return NULL;
			if (strncasecmp(s, w, n) == 0)
				return s;
		}
		return NULL;
	}
	for (; s + n <= end; s++)
		if (strncasecmp(s, w, n) == 0)
			return s;
	return NULL;
}

/*
 * Does tidy 5.6 read the DOCTYPE whose name starts at p (after
 * "<!DOCTYPE") and that ends before q as HTML5's?  Only when it names
 * "html", so spelt, without a public identifier.  Any other ("<!DOCTYPE
 * HTML>", HTML 4's, XHTML's) sends it back to HTML 4's rules: a link
 * may no longer hold blocks ("<a><h3>...</h3><p>...</p></a>", a card
 * of today's pages, becomes an empty link before its text) nor a
 * table's caption a <div>.  Browsers read every page by HTML5's.
 */
static int
html5_doctype(const char *p, const char *q)
{
	const char *e;

	while (p < q && isspace((unsigned char)*p))
		p++;
	for (e = p; e < q && !isspace((unsigned char)*e) && *e != '>'; e++)
		;
	if (e - p != 4 || strncmp(p, "html", 4) != 0)
		return 0;
	for (; e + 6 <= q; e++)
		if (strncasecmp(e, "public", 6) == 0)
			return 0;
	return 1;
}

/*
 * Cut "<!x...>" declarations other than a leading <!DOCTYPE>, which
 * becomes HTML5's (html5_doctype).  They mean
 * nothing to a browser, but a stray one such as "<!D f>" inside a
 * <button> sends tidy 5.6 into endless recursion.  Comments ("<!-")
 * and CDATA ("<![") are not declarations.  C0 control characters go
 * first: tidy skips them, so "<\x0e!D" is a declaration to it.  A form
 * feed, white space to HTML, becomes a space: after a "<", tidy reads
 * "<\f!D" as that declaration too, where "< !D" is text.
 * NULL when there is nothing to cut.
 */
char *
ex_strip_decls(const char *in, size_t inlen, size_t *outlen)
{
	const char *s = in, *p, *end, *q, *copied, *first;
	struct tq_buf b = { 0 }, c = { 0 };
	size_t i, n = inlen;
	int need = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') ||
		    ch == 0x7f)
			break;
	}
	if (i < n) {
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)in[i];

			if ((ch >= 0x20 && ch != 0x7f) || ch == '\t' ||
			    ch == '\n' || ch == '\r')
				tq_buf_add(&c, in + i, 1);
			else if (ch == '\f')
				tq_buf_add(&c, " ", 1);
		}
		tq_buf_add(&c, "", 0);
		s = c.data;
		n = c.len;
		need = 1;
	}
	end = s + n;
	copied = p = first = s;
	/* the DOCTYPE may follow an XML declaration and comments */
	for (;;) {
		while (first < end && isspace((unsigned char)*first))
			first++;
		if (end - first >= 2 && strncmp(first, "<?", 2) == 0)
			q = find_ci(first, end, "?>");
		else if (end - first >= 4 && strncmp(first, "<!--", 4) == 0)
			q = find_ci(first + 4, end, "-->");
		else
			break;
		if (q == NULL)
			break;
		first = q + (first[1] == '?' ? 2 : 3);
	}
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (end - p < 3 || p[1] != '!' ||
		    !isalpha((unsigned char)p[2])) {
			p++;
			continue;
		}
		q = memchr(p, '>', (size_t)(end - p));
		q = q ? q + 1 : end;
		if (p == first && end - p >= 9 && strncasecmp(p, "<!doctype",
		    9) == 0) {
			if (!html5_doctype(p + 9, q)) {
				need = 1;
				tq_buf_add(&b, copied, (size_t)(p - copied));
				tq_buf_adds(&b, "<!DOCTYPE html>");
				copied = q;
			}
			p = q;
			continue;
		}
		need = 1;
		tq_buf_add(&b, copied, (size_t)(p - copied));
		copied = p = q;
	}
	if (!need)
		return NULL;
	tq_buf_add(&b, copied, (size_t)(end - copied));
	tq_buf_free(&c);
	*outlen = b.len;
	return b.data;
}

struct pstack {
	const char	*name;
	size_t		 len;
	int		 inl;		/* an inline element */
};

int
ex_in_list(const char *s, size_t n, const char *const *list)
{
	int i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
			return 1;
	return 0;
}

/*
 * Inside these, tidy parses <script> and <style> as ordinary elements,
 * so the prescan must see the tags in them too.
 */
static const char *const foreign_tags[] = {
	"svg", "math", "select", "option", "optgroup", "datalist",
	"textarea", "title", NULL
};

static int
foreign_context(const struct pstack *st, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		if (ex_in_list(st[i].name, st[i].len, foreign_tags))
			return 1;
	return 0;
}

/*
 * Empty elements that belong in one place only (<frame> in a frameset,
 * <param> in an object...); tidy is slow on masses of them elsewhere,
 * so they count as misplaced wherever they are.
 */
static const char *const context_voids[] = {
	"frame", "param", "source", "track", "area", "col", "base",
	"keygen", "isindex", "basefont", "bgsound", "command", "spacer",
	"embed", NULL
};

/* May the element on top of the stack not hold this start tag? */
static int
misplaced(const struct pstack *top, const char *name, size_t nlen)
{
	static const char *const lists[] = {
		"ul", "ol", "dir", "menu", NULL
	};
	static const char *const in_list[] = {
		"li", "script", "style", "template", NULL
	};
	static const char *const tables[] = {
		"table", "tbody", "thead", "tfoot", "tr", NULL
	};
	static const char *const in_table[] = {
		"caption", "colgroup", "col", "tbody", "thead", "tfoot", "tr",
		"td", "th", "script", "style", "template", "form", NULL
	};

	if (ex_in_list(top->name, top->len, lists))
		return !ex_in_list(name, nlen, in_list);
	if (ex_in_list(top->name, top->len, tables))
		return !ex_in_list(name, nlen, in_table);
	return 0;
}

/* Inline elements, which tidy re-opens inside every following block. */
static int
is_inline_tag(const char *s, size_t n)
{
	static const char *const v[] = {
		"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blink",
		"cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
		"label", "mark", "nobr", "q", "rb", "rp", "rt", "rtc", "ruby",
		"s", "samp", "small", "span", "strike", "strong", "sub", "sup",
		"time", "tt", "u", "var", "ilayer", "output", "data",
		"slot", NULL
	};

	return ex_in_list(s, n, v);
}

/*
 * The prescan's model of tidy's element stack.  Raw text (<script>,
 * <style>) gets a model of its own: tidy may parse it as markup after
 * all (it has quirks about where raw text ends), so the tags in it are
 * bounded too, without disturbing the document's stack.
 */
struct pscan {
	struct pstack	 st[EX_MAX_DEPTH + 1];
	int		 depth;
	int		 ninline;	/* inline elements in st */
	int		 stray;		/* end tags that close nothing */
	int		 misnest;	/* end tags that close more than one */
	int		 misplaced;	/* what lists and tables cannot hold */
	int		 capped;	/* start tags since the depth limit hit */
};

struct pctx {
	const char	*end;
	const char	*copied;	/* input up to here is in b */
	struct tq_buf	 b;
	size_t		 ntags;
	size_t		 nodes;		/* elements tidy would build */
	size_t		 natts;		/* attributes tidy will see */
	int		 need;		/* b is the output */
	int		 soup;		/* tidy may read tags elsewhere */
	const char	*rawend;	/* the "</" ending the last raw text */
};

static int	pscan_run(struct pctx *, struct pscan *, const char *,
		    const char *, int);

/* Cut [t, p) from the output. */
static void
pcut(struct pctx *c, const char *t, const char *p)
{
	c->need = 1;
	tq_buf_add(&c->b, c->copied, (size_t)(t - c->copied));
	c->copied = p;
}

/*
 * Elements whose end tag HTML lets a page leave out: the next item, row
 * or cell, or the end of the list or table, ends them.  Minified pages
 * and hand-written ones leave them out by the thousand.
 */
static const char *const optional_end[] = {
	"li", "dt", "dd", "p", "td", "th", "tr", "tbody", "thead", "tfoot",
	"option", "optgroup", "colgroup", "caption", "rb", "rt", "rtc", "rp",
	NULL
};

/*
 * HTML5's implied end tags at a start tag, where tidy ends the element
 * too: a cell ends the open cell of its row, a row the open row of its
 * table (and its cell), a table's section the open section, a list's
 * item the open item of its list, a term or a definition the open one
 * of its list, an option the open option.  Only such an element in its
 * place (a cell in a row, an item in a list), a few levels down: tag
 * soup ("<dt>" in an "<ol>", over and over) nests in tidy, and must
 * reach the depth limit here too.  Left open, each row of a table
 * without its end tags would nest two levels deeper than the last,
 * and past EX_MAX_DEPTH the rest of the page would be cut.
 */
static void
implied_ends(struct pscan *s, const char *name, size_t nlen)
{
	static const char *const cell[] = { "td", "th", NULL };
	static const char *const row[] = { "tr", NULL };
	static const char *const sect[] = { "tbody", "thead", "tfoot", NULL };
	static const char *const item[] = { "li", NULL };
	static const char *const term[] = { "dt", "dd", NULL };
	static const char *const opt[] = { "option", NULL };
	static const char *const in_row[] = { "tr", NULL };
	static const char *const in_table[] = { "table", "tbody", "thead",
	    "tfoot", NULL };
	static const char *const in_tbl[] = { "table", NULL };
	static const char *const in_list[] = { "ul", "ol", "menu", "dir",
	    NULL };
	static const char *const in_dl[] = { "dl", NULL };
	static const char *const in_sel[] = { "select", "datalist",
	    "optgroup", NULL };
	const char *const *ends, *const *in;
	int i, k;

	if (ex_in_list(name, nlen, cell))
		ends = cell, in = in_row;
	else if (ex_in_list(name, nlen, row))
		ends = row, in = in_table;
	else if (ex_in_list(name, nlen, sect))
		ends = sect, in = in_tbl;
	else if (ex_in_list(name, nlen, item))
		ends = item, in = in_list;
	else if (ex_in_list(name, nlen, term))
		ends = term, in = in_dl;
	else if (ex_in_list(name, nlen, opt))
		ends = opt, in = in_sel;
	else
		return;
	/*
	 * The loop ends at a match, at a container of its own (an item
	 * of a list in an item of another: "<li>a<ul><li>b" nests, and
	 * tidy's lists nested deep are slow), or past the levels it may
	 * look at.
	 */
	for (i = s->depth - 1; i > 0 && i >= s->depth - 4; i--)
		if (ex_in_list(s->st[i].name, s->st[i].len, ends) ||
		    ex_in_list(s->st[i].name, s->st[i].len, in))
			break;
	if (i <= 0 || i < s->depth - 4 ||
	    !ex_in_list(s->st[i].name, s->st[i].len, ends) ||
	    !ex_in_list(s->st[i - 1].name, s->st[i - 1].len, in))
		return;
	for (k = i; k < s->depth; k++)
		s->ninline -= s->st[k].inl;
	s->depth = i;
}

/* Are the open elements from the i-th up all of optional_end? */
static int
optional_ends(const struct pscan *s, int i)
{
	for (; i < s->depth; i++)
		if (!ex_in_list(s->st[i].name, s->st[i].len, optional_end))
			return 0;
	return 1;
}

/* One end tag; returns whether to cut it. */
static int
pscan_end(struct pctx *c, struct pscan *s, const char *name, size_t nlen,
    int inraw)
{
	int i, k;

	for (i = s->depth - 1; i >= 0; i--) {
		if (s->st[i].len == nlen && strncasecmp(s->st[i].name, name,
		    nlen) == 0)
			break;
		/* end tags do not reach out of tables */
		if ((s->st[i].len == 5 && strncasecmp(s->st[i].name, "table",
		    5) == 0) || (s->st[i].len == 2 &&
		    (strncasecmp(s->st[i].name, "td", 2) == 0 ||
		    strncasecmp(s->st[i].name, "th", 2) == 0))) {
			i = -1;
			break;
		}
	}
	/*
	 * Tidy is slow on masses of stray end tags, and quadratic on
	 * misnested ones ("<b><i></b></i>"): past a thousand of either,
	 * they are cut, and what they would have closed counts as open.
	 * An end tag that closes elements whose own end tags may be left
	 * out ("</ul>" after an item without "</li>") is no misnesting.
	 */
	if (i >= 0 && i < s->depth - 1 && !optional_ends(s, i + 1) &&
	    ++s->misnest > 1000)
		return 1;
	if (i >= 0) {
		/*
		 * An <svg> (or a <select>, ...) closed by the end of an
		 * element around it: tidy may keep it open, and read a
		 * script after it as no raw text.
		 */
		for (k = i + 1; k < s->depth; k++)
			if (ex_in_list(s->st[k].name, s->st[k].len,
			    foreign_tags))
				c->soup |= !inraw;
		for (k = i; k < s->depth; k++)
			s->ninline -= s->st[k].inl;
		s->depth = i;
		return 0;
	}
	return s->depth >= EX_MAX_DEPTH || ++s->stray > 1000;
}

/*
 * Where tidy 5.6 ends the raw text of a script or style at p (its
 * GetCDATA, skip-nested on): at the first "</" whose letters begin
 * with the element's name.  "<\/" is no end tag, and the byte after
 * the letters of a tag is read with them.  NULL when tidy may end it
 * elsewhere: a "<" before any other text (an empty script with a src
 * ends at the next tag), or no end.
 */
static const char *
raw_end(const char *p, const char *end, const char *name, size_t nlen)
{
	const char *s;
	int empty = 1;

	while (p < end) {
		if (*p++ != '<') {
			if (!isspace((unsigned char)p[-1]))
				empty = 0;
			continue;
		}
		if (empty || p == end)
			return NULL;
		if (*p == '/' || isalpha((unsigned char)*p)) {
			if (*p == '/' && (++p == end ||
			    !isalpha((unsigned char)*p)))
				continue;	/* "</" and no letter */
			for (s = p; p < end && isalpha((unsigned char)*p); p++)
				;
			if (s[-1] == '/' && p < end &&
			    (size_t)(p - s) >= nlen &&
			    strncasecmp(s, name, nlen) == 0)
				return s - 2;
			if (p < end)
				p++;
		} else if (*p == '\\' && ++p < end && *p == '/')
			p++;
	}
	return NULL;
}

/*
 * Elements that tidy may read as raw text of their own: old forms of
 * preformatted text, and Netscape's <server>, a script to tidy.
 */
static const char *const pre_tags[] = {
	"xmp", "plaintext", "listing", "server", NULL
};

/*
 * One start tag whose '>' ends at p; returns whether to cut it, or -1
 * when the document is beyond the limits.  *pp moves past raw text.
 */
static int
pscan_start(struct pctx *c, struct pscan *s, const char *name, size_t nlen,
    int selfclose, const char **pp, int inraw)
{
	int isvoid = is_void_tag(name, nlen) || selfclose, inl;
	const char *e, *p = *pp;
	char endtag[16];
	struct pscan *sub;
	size_t n;
	int r;

	/*
	 * A document that reached the depth limit is tag soup, and tidy
	 * has more slow paths than this model knows: five hundred more
	 * start tags, then none.
	 */
	if (s->capped > 0 && ++s->capped > 500)
		return 1;
	if (!isvoid)
		implied_ends(s, name, nlen);
	if (!isvoid && s->depth > 0 && is_self_closing(name, nlen) &&
	    s->st[s->depth - 1].len == nlen &&
	    strncasecmp(s->st[s->depth - 1].name, name, nlen) == 0)
		s->ninline -= s->st[--s->depth].inl;
	inl = is_inline_tag(name, nlen);
	/*
	 * Tidy moves or drops what lists and tables cannot hold, slowly
	 * (quadratic in ParseList): past a thousand such tags, they are
	 * cut.
	 */
	if (((s->depth > 0 && misplaced(&s->st[s->depth - 1], name, nlen)) ||
	    ex_in_list(name, nlen, context_voids)) && ++s->misplaced > 1000)
		return 1;
	if (isvoid)
		return 0;
	if (!inraw && ex_in_list(name, nlen, pre_tags))
		c->soup = 1;	/* raw text of its own to tidy? */
	/* raw text in a <textarea>, an <svg>, ...: tidy's may differ */
	if (!inraw && is_raw_tag(name, nlen) &&
	    foreign_context(s->st, s->depth))
		c->soup = 1;
	else if (!inraw && is_raw_tag(name, nlen)) {
		/*
		 * Raw text up to "</script" or "</style"; like tidy's,
		 * empty when only spaces come before the first "</".
		 */
		snprintf(endtag, sizeof(endtag), "</%.*s", (int)nlen, name);
		for (e = p; e < c->end && isspace((unsigned char)*e); e++)
			;
		if (c->end - e >= 2 && e[0] == '<' && e[1] == '/') {
			n = strlen(endtag);
			if ((size_t)(c->end - e) < n ||
			    strncasecmp(e, endtag, n) != 0)
				c->soup = 1;	/* not its own end tag */
			else
				c->rawend = e;
			*pp = e;
			return 0;
		}
		if ((e = find_ci(p, c->end, endtag)) == NULL)
			e = c->end;
		/*
		 * The extractor reads no script but JSON-LD: tidy need not
		 * read the others (a third of its time on today's pages),
		 * when it would end them where this model does, and this
		 * model has read the tags as tidy does so far.
		 */
		if (!c->soup && (e == c->end ||
		    raw_end(p, c->end, name, nlen) != e))
			c->soup = 1;	/* and no more scans: linear */
		if (!c->soup && find_ci(name, p, "ld+json") == NULL) {
			pcut(c, p, e);
			c->rawend = e;
			*pp = e;
			return 0;
		}
		sub = xcalloc(1, sizeof(*sub));
		r = pscan_run(c, sub, p, e, 1);
		free(sub);
		c->rawend = e;
		*pp = e;
		return r < 0 ? -1 : 0;
	}
	if (s->depth >= EX_MAX_DEPTH) {
		if (s->capped == 0)
			s->capped = 1;
		return 1;
	}
	if (inl && s->ninline >= EX_MAX_INLINE)
		return 1;
	s->st[s->depth].name = name;
	s->st[s->depth].len = nlen;
	s->st[s->depth].inl = inl;
	s->depth++;
	s->ninline += inl;
	/* this element, and the inline ones tidy re-opens in a block */
	c->nodes += 1 + (inl ? 0 : (size_t)s->ninline);
	return c->nodes > EX_MAX_NODES ? -1 : 0;
}

/* Scan [p, end) with the model s; -1 when beyond the limits. */
static int
pscan_run(struct pctx *c, struct pscan *s, const char *p, const char *end,
    int inraw)
{
	const char *q, *name, *t, *over;
	size_t nlen, mark;
	int closing, selfclose, cut, natt, keep;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		t = p;
		q = p + 1;
		if (q < end && *q == '!') {
			if (end - q >= 3 && q[1] == '-' && q[2] == '-') {
				const char *body = q + 3;

				q = find_ci(body, end, "-->");
				p = q ? q + 3 : end;
				/* "--" inside: tidy's end may differ */
				if (q == NULL || memmem(body, (size_t)(q -
				    body), "--", 2) != NULL)
					c->soup |= !inraw;
			} else {
				if (end - q < 8 ||
				    strncasecmp(q, "!doctype", 8) != 0)
					c->soup |= !inraw;
				q = memchr(q, '>', (size_t)(end - q));
				p = q ? q + 1 : end;
			}
			continue;
		}
		if (q < end && *q == '?') {
			q = memchr(q, '>', (size_t)(end - q));
			p = q ? q + 1 : end;
			if (q == NULL || q[-1] != '?')
				c->soup |= !inraw;
			continue;
		}
		closing = 0;
		if (q < end && *q == '/') {
			closing = 1;
			q++;
		}
		name = q;
		while (q < end && (isalnum((unsigned char)*q) || *q == '-' ||
		    *q == ':' || *q == '_'))
			q++;
		nlen = (size_t)(q - name);
		if (nlen == 0 || !isalpha((unsigned char)*name)) {
			if (closing)	/* "</<": tidy's text, may hold tags */
				c->soup |= !inraw;
			p = t + 1;
			continue;
		}
		/*
		 * Skip attributes, honouring quotes, and count them (a
		 * word after white space).  Tidy takes time quadratic in a
		 * tag's attributes, and some microseconds for each: those
		 * past EX_MAX_ATTRS in a tag are cut, and past
		 * EX_MAX_ALL_ATTRS in the document, those past 4 in a tag
		 * (raw text is no tag to tidy: left alone).
		 */
		selfclose = 0;
		natt = 0;
		over = NULL;
		keep = c->natts > EX_MAX_ALL_ATTRS ? 4 : EX_MAX_ATTRS;
		while (q < end && *q != '>' && *q != '<') {
			if (isspace((unsigned char)q[-1]) &&
			    !isspace((unsigned char)*q) && *q != '/' &&
			    ++natt > keep && over == NULL && !inraw)
				over = q;
			if (*q == '"' || *q == '\'') {
				const char *e = memchr(q + 1, *q,
				    (size_t)(end - q - 1)), *v = q;

				while (isspace((unsigned char)v[-1]))
					v--;
				/*
				 * A quote that opens no value (content=
				 * “abc" as a curly-quoted attribute ends)
				 * is a character of its word, in browsers
				 * and tidy alike, not the start of a
				 * string running on to the next quote.
				 */
				if (v[-1] != '=') {
					c->soup |= !inraw;
					q++;
					continue;
				}
				if (e == NULL)
					c->soup |= !inraw;
				q = e ? e + 1 : end;
				continue;
			}
			q++;
		}
		if (q > t && q[-1] == '/')
			selfclose = 1;
		/* a tag that lacks its '>' */
		if (q == end || *q != '>')
			c->soup |= !inraw;
		/* like tidy, a '<' ends a tag that lacks its '>' */
		p = q < end && *q == '>' ? q + 1 : q;
		if (++c->ntags > EX_MAX_TAGS)
			return -1;
		if (!inraw)
			c->natts += (size_t)(natt < keep ? natt : keep);
		mark = 0;
		if (over != NULL) {
			/* the tag up to its last attribute kept, then '>' */
			pcut(c, t, p);
			mark = c->b.len;
			while (isspace((unsigned char)over[-1]))
				over--;
			tq_buf_add(&c->b, t, (size_t)(over - t));
			tq_buf_adds(&c->b, selfclose ? "/>" : ">");
		}
		/*
		 * A script's or a style's own end tag closes what the
		 * model never opened (raw text is no element of its
		 * stack): no stray end tag, and never cut, or tidy would
		 * read the rest of the page as the script.
		 */
		if (closing && t == c->rawend)
			cut = 0;
		else if (closing)
			cut = pscan_end(c, s, name, nlen, inraw);
		else if ((cut = pscan_start(c, s, name, nlen, selfclose, &p,
		    inraw)) < 0)
			return -1;
		if (cut && over != NULL)
			c->b.len = mark;	/* the whole tag cut after all */
		else if (cut)
			pcut(c, t, p);
	}
	return 0;
}

/*
 * Bound the nesting and the number of tags tidy will see.  Tags that
 * would open deeper than EX_MAX_DEPTH are cut out (their text stays),
 * as are NUL bytes.  Tidy re-opens the open inline elements in every
 * block that follows, so "<font>" left open before ten thousand
 * paragraphs makes ten thousand elements: at most EX_MAX_INLINE may be
 * open, and the elements tidy would build are estimated.  *out is NULL
 * when the input can be used as is.  Returns -1 when there are more
 * than EX_MAX_TAGS tags or about EX_MAX_NODES elements.
 */
int
ex_prescan(const char *s, size_t n, char **out, size_t *outlen)
{
	struct pctx c;
	struct pscan *top;
	const char *p, *end = s + n;
	size_t i, j, lt = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	/* every "<x" counts, whatever the model takes for raw text */
	for (p = s; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++)
		if (p + 1 < end && isalpha((unsigned char)p[1]) &&
		    ++lt > 2 * (size_t)EX_MAX_TAGS)
			return -1;
	memset(&c, 0, sizeof(c));
	c.end = end;
	c.copied = s;
	c.need = memchr(s, '\0', n) != NULL;
	top = xcalloc(1, sizeof(*top));
	r = pscan_run(&c, top, s, end, 0);
	free(top);
	if (r < 0) {
		tq_buf_free(&c.b);
		return -1;
	}
	if (!c.need)
		return 0;
	tq_buf_add(&c.b, c.copied, (size_t)(end - c.copied));
	/* drop NUL bytes */
	for (i = j = 0; i < c.b.len; i++)
		if (c.b.data[i] != '\0')
			c.b.data[j++] = c.b.data[i];
	c.b.data[j] = '\0';
	c.b.len = j;
	*out = c.b.data;
	*outlen = c.b.len;
	return 0;
}
