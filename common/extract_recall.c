/*
 * extract_recall.c - text that a reader sees as part of the article
 * and the scoring of stage 4 leaves out, put back by general rules
 * (issue #15: the sentences a good extraction must hold).
 *
 *  - The lead: a page builder puts the headline and the paragraph
 *    that opens the story (a standfirst, an "ingress", a summary) in a
 *    block of their own above the body, and the body wins the scoring
 *    alone.  The paragraphs between the page's <h1> and the body, in
 *    the blocks that hold that <h1>, open the article (ex_lead); a
 *    header that holds the <h1> ("layout__header" in a manual's
 *    <main>) is the headline's block, not the site's header.
 *  - The described lead: where the headline is no <h1> (an <h2> in
 *    a hero) or the lead sits in the story's small <header>, which
 *    dies with its title and date, the paragraph under the headline
 *    that is the page's description (ex_described_lead).
 *  - A recipe's ingredients: names that link to their pages, read as
 *    text (ex_ingredient_links) and left by the cleaning; a box of
 *    them beside the steps is taken in its place (ex_ingredients).
 *
 * extract.c says how the stages fit together.
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

#define LEAD_MAX	1500	/* characters of the headline's blocks */
#define LEAD_LEVELS	6	/* ancestors of the article looked at */
#define DESC_MIN	60	/* letters of a description taken as a lead */
#define DESC_NODES	400	/* nodes above the article looked at */
#define DESC_GAP	40	/* nodes between a headline and its lead */
#define INGREDIENTS_MAX	5000	/* characters of a recipe's ingredients */
#define TAIL_MAX	32	/* headings at an article's end dropped */

/* Bylines, reviewers' lines and calls to action near a headline. */
static const char *const lead_junk[] = {
	"author", "~byline", "authored", "reviewer", "cta", "meta",
	"~credit", "~caption", NULL
};

/*
 * Is node i a header that holds the page's <h1> ("layout__header",
 * "page-header")?  The headline's own header, not the site's: its
 * class does not weigh against the lead below the headline.
 */
static int
headline_header(struct ex *x, int i)
{
	return x->n[i].attr != NULL && strstr(x->n[i].attr, "header") &&
	    x->h1 > i && x->h1 <= ex_subtree_end(x, i);
}

/*
 * Is a class/id between node i and its ancestor top a negative one,
 * or one of a byline's or a call to action's?
 */
static int
neg_between(struct ex *x, int i, int top)
{
	for (; i > 0 && i != top; i = x->n[i].parent)
		if ((x->n[i].weight < 0 && !headline_header(x, i)) ||
		    (x->n[i].attr != NULL &&
		    ex_match_any(x->n[i].attr, lead_junk)))
			return 1;
	return 0;
}

/*
 * Is node i live, or dead for the <header> it is in alone (a small
 * one, see ex_run_pass), the story's own that holds its headline?
 */
static int
live_or_in_header(struct ex *x, int i)
{
	int a, top = -1;

	for (a = i; a > 0; a = x->n[a].parent)
		if (x->dead[a])
			top = a;
	return top < 0 || (x->n[top].tag == TidyTag_HEADER && top != i &&
	    !(x->n[i].flags & F_HIDDEN));
}

/*
 * Node i made live, with what it holds but its hidden parts: a lead
 * found in the story's small <header>, which dies with its title and
 * date.
 */
static void
revive(struct ex *x, int i)
{
	int j, e = ex_subtree_end(x, i);

	for (j = i; j <= e; j++)
		x->dead[j] = j > i && (x->dead[x->n[j].parent] ||
		    (x->n[j].flags & F_HIDDEN));
}

/*
 * The headline's subtitle: an <h2> right after the <h1> (text between
 * them aside), before the article's first part c, that reads as a
 * sentence (50 characters or more, six words or more, few links) and
 * no clutter's class between it and p.  A story's standfirst set as a
 * heading ("<h1>...</h1><h2>In the United States, activists ...</h2>",
 * an <hgroup>'s).  Its node, made live (a small <header> dies with
 * its title and date), or -1.
 */
static int
subtitle(struct ex *x, int h1, int c, int p)
{
	int i, j, e, len = 0, link = 0, words = 0, k;

	for (i = x->n[h1].next; i >= 0 && x->n[i].tag == XT_TEXT;
	    i = x->n[i].next)
		if (x->n[i].tlen > 0)
			return -1;
	if (i < 0 || i >= c || x->n[i].tag != TidyTag_H2 ||
	    !live_or_in_header(x, i) || neg_between(x, i, p))
		return -1;
	/* its text counted dead or not: a small header is dead by now */
	e = ex_subtree_end(x, i);
	for (j = i + 1; j <= e; j++) {
		if (x->n[j].flags & F_HIDDEN)
			j = ex_subtree_end(x, j);
		else if (x->n[j].tag == XT_TEXT) {
			k = ex_count_chars(x->n[j].text);
			len += k;
			link += (x->n[j].flags & F_LINK) ? k : 0;
			words += ex_words(x->n[j].text);
		}
	}
	if (len < 50 || len > 400 || link * 10 >= len * 3 || words < 6)
		return -1;
	revive(x, i);
	return i;
}

/*
 * The paragraphs that open the article above its body, in document
 * order, into out (at most max); returns how many.  first is the
 * article's first part.  The page's first <h1> must come before the
 * article, in a block beside it (or beside one of its ancestors, a few
 * levels up) that holds little text: a headline's block, not another
 * story or the site's header.  From the <h1> to the article, each
 * live paragraph of prose (a sentence of 50 characters or more, few
 * links, no boilerplate, no class of clutter) is taken.
 */
int
ex_lead(struct ex *x, int first, int *out, int max)
{
	int c, p, s, i, e, lvl, h1 = x->h1, total, n = 0;
	struct xn *m;

	if (h1 <= 0 || h1 >= first || max <= 0)
		return 0;
	for (c = first, lvl = 0; lvl < LEAD_LEVELS; lvl++, c = p) {
		p = x->n[c].parent;
		if (p <= 0 || p == x->body || x->n[p].tag == TidyTag_BODY)
			return 0;
		if (h1 > p)
			break;
	}
	if (lvl == LEAD_LEVELS || !ex_is_ancestor(x, p, h1))
		return 0;
	/* the sibling of c that holds the <h1>, and those up to c */
	for (s = x->n[p].first; s >= 0 && s != c; s = x->n[s].next)
		if (h1 >= s && h1 <= ex_subtree_end(x, s))
			break;
	if (s < 0 || s == c)
		return 0;
	for (total = 0, i = s; i != c; i = x->n[i].next)
		if (!x->dead[i])
			total += x->n[i].tlen;
	if (total > LEAD_MAX)
		return 0;
	i = ex_subtree_end(x, h1) + 1;
	if ((e = subtitle(x, h1, c, p)) > 0) {
		out[n++] = e;
		i = ex_subtree_end(x, e) + 1;
	}
	for (; i < c && n < max; i++) {
		m = &x->n[i];
		if (ex_dead_below(x, i) || m->tag == XT_TEXT)
			continue;
		switch (m->tag) {
		case TidyTag_FIGURE: case TidyTag_TABLE: case TidyTag_FORM:
		case TidyTag_BLOCKQUOTE: case TidyTag_NAV: case TidyTag_ASIDE:
		case TidyTag_FOOTER: case TidyTag_UL: case TidyTag_OL:
		case TidyTag_DL:
			/* a photo's caption, a quote, a list: no lead */
			i = ex_subtree_end(x, i);
			continue;
		case TidyTag_P:
			break;
		case TidyTag_DIV:
			if (m->nblock == 0)
				break;
			/* FALLTHROUGH */
		default:
			continue;
		}
		e = ex_subtree_end(x, i);
		if (m->tlen >= 50 && ex_link_density(m) < 0.3 &&
		    !neg_between(x, i, p) && ex_has_sentence_end(x, i) &&
		    !ex_is_boilerplate(x, i, 1))
			out[n++] = i;
		i = e;
	}
	return n;
}

/*
 * The letters of node i's text (ex_squash), dead or not, hidden parts
 * aside, into out of n bytes.
 */
static void
raw_squash(struct ex *x, int i, char *out, size_t n)
{
	struct tq_buf b = { 0 };
	int j, e = ex_subtree_end(x, i);

	for (j = i; j <= e && b.len < n * 2; j++) {
		if (x->n[j].flags & F_HIDDEN)
			j = ex_subtree_end(x, j);
		else if (x->n[j].tag == XT_TEXT)
			tq_buf_adds(&b, x->n[j].text);
	}
	ex_squash(b.data ? b.data : "", out, n, 0);
	tq_buf_free(&b);
}

/*
 * Is t (squashed) the description d (squashed), or does it open with
 * it (a description cut short)?  Either holds the other, at about the
 * same length.
 */
int
ex_same_as_desc(const char *t, const char *d)
{
	size_t lt = strlen(t), ld = strlen(d);

	if (ld < DESC_MIN || lt < DESC_MIN)
		return 0;
	if (lt >= ld)
		return strncmp(t, d, ld) == 0 || (strstr(t, d) != NULL &&
		    ld * 4 >= lt * 3);
	return strstr(d, t) != NULL && lt * 4 >= ld * 3;
}

/*
 * The heading just before node i that repeats the page's title, with
 * at most a line's text between them (a date, a byline): the story's
 * headline that the lead follows.
 */
static int
after_headline(struct ex *x, int i)
{
	char a[512], b[512];
	int j, text = 0;

	if (x->doctitle == NULL)
		return 0;
	ex_squash(x->doctitle, b, sizeof(b), 0);
	for (j = i - 1; j > 0 && j >= i - DESC_GAP; j--) {
		if (ex_tag_is_heading(x->n[j].tag) &&
		    ex_subtree_end(x, j) < i) {
			raw_squash(x, j, a, sizeof(a));
			return ex_about_same(a, b);
		}
		if (x->n[j].tag == XT_TEXT && !ex_is_ancestor(x, j, i) &&
		    (text += ex_count_chars(x->n[j].text)) > 120)
			return 0;
	}
	return 0;
}

/*
 * The lead of a story that ex_lead() does not find: the page's own
 * description (<meta name=description>, og:description, JSON-LD)
 * shown under its headline, above the body, in the story's <header>
 * or a hero block of its own.  The nearest paragraph before the
 * article's first part, within DESC_NODES nodes, whose text is that
 * description or opens with it, right after a heading that repeats
 * the title, outside the site's chrome, and not the article's own
 * opening already.  Its node (made live), or -1.
 */
int
ex_described_lead(struct ex *x, int first)
{
	char d[DESC_MIN * 8], t[DESC_MIN * 8], *s;
	int i, e, stop, lim, end;
	struct xn *m;

	if (x->docdesc == NULL || first <= 0)
		return -1;
	ex_squash(x->docdesc, d, sizeof(d), 0);
	if (strlen(d) < DESC_MIN)
		return -1;
	s = ex_node_text(x, first, sizeof(t) * 2);
	ex_squash(s, t, sizeof(t), 0);
	free(s);
	if (strstr(t, d) != NULL || (strlen(t) >= DESC_MIN &&
	    strncmp(d, t, DESC_MIN) == 0))
		return -1;	/* the article opens with it already */
	/* up to the article's first words: its own <header> may be dead */
	end = ex_subtree_end(x, first);
	for (lim = first; lim <= end; lim++)
		if (x->n[lim].tag == XT_TEXT && !ex_dead_below(x, lim) &&
		    x->n[lim].tlen > 0)
			break;
	stop = first > DESC_NODES ? first - DESC_NODES : 1;
	for (i = lim - 1; i >= stop; i--) {
		m = &x->n[i];
		if (m->tag != TidyTag_P && (m->tag != TidyTag_DIV ||
		    m->nblock != 0))
			continue;
		e = ex_subtree_end(x, i);
		if (e >= lim)
			continue;
		raw_squash(x, i, t, sizeof(t));
		if (!ex_same_as_desc(t, d))
			continue;
		if (!live_or_in_header(x, i) || !after_headline(x, i) ||
		    neg_between(x, i, i >= first ? first : 0))
			return -1;
		revive(x, i);
		if (ex_link_density(m) >= 0.3 || ex_is_boilerplate(x, i, 1))
			return -1;
		return i;
	}
	return -1;
}

/* Is node i dead, or one of its ancestors? */
static int
dead_up(const struct ex *x, int i)
{
	for (; i > 0; i = x->n[i].parent)
		if (x->dead[i])
			return 1;
	return 0;
}

/* Does node i's class or id name a recipe's ingredients? */
static int
names_ingredients(const struct ex *x, int i)
{
	return x->n[i].attr != NULL && (strstr(x->n[i].attr, "ingredient") ||
	    strstr(x->n[i].attr, "zutaten"));
}

/*
 * On a page that says it holds a schema.org Recipe, the links in its
 * ingredients (a block whose class or id names them: "recipe-
 * ingredients", "wprm-recipe-ingredient", "zutaten") are the names of
 * what goes in, each linked to its page, not a list of links: they
 * count as text, and the list is not taken for a menu.
 */
void
ex_ingredient_links(struct ex *x)
{
	int i, j, e;

	if (!x->recipe)
		return;
	for (i = 1; i < x->nn; i++) {
		if (!names_ingredients(x, i))
			continue;
		e = ex_subtree_end(x, i);
		for (j = i; j <= e; j++)
			x->n[j].flags &= ~(unsigned)F_LINK;
		i = e;
	}
}

/*
 * Is node i in a recipe's ingredients (see ex_ingredient_links), a
 * block of at most INGREDIENTS_MAX characters?  A list of amounts and
 * names that the cleaning of clutter would take.
 */
int
ex_in_ingredients(struct ex *x, int i)
{
	if (!x->recipe)
		return 0;
	for (; i > 0; i = x->n[i].parent)
		if (names_ingredients(x, i) && x->n[i].tlen <= INGREDIENTS_MAX)
			return 1;
	return 0;
}

/*
 * A recipe's ingredients outside the article picked (pick, n nodes):
 * a page puts them in a box of their own beside the steps.  The
 * outermost live blocks that ex_ingredient_links() names, of 20
 * characters or more, neither in the pick nor holding it, into out (at
 * most max), in document order; returns how many.
 */
int
ex_ingredients(struct ex *x, const int *pick, int n, int *out, int max)
{
	int i, k, e, got = 0;

	if (!x->recipe || n <= 0)
		return 0;
	for (i = 1; i < x->nn && got < max; i++) {
		if (!names_ingredients(x, i) || x->n[i].tlen < 20 ||
		    x->n[i].tlen > INGREDIENTS_MAX || dead_up(x, i))
			continue;
		e = ex_subtree_end(x, i);
		for (k = 0; k < n; k++)
			if ((pick[k] <= i && i <= ex_subtree_end(x, pick[k])) ||
			    (i < pick[k] && pick[k] <= e))
				break;
		if (k == n && !neg_between(x, i, 0)) {
			out[got++] = i;
			i = e;
		}
	}
	return got;
}

/*
 * Headings at the end of the article with no text after them: the
 * titles of a box of further reading or of a list of links that the
 * cleaning took ("Empfohlene Beiträge", "Ezek is érdekelhetnek"), or
 * of a video.  A reader of the text meets a title of nothing; they
 * go, unless the article is headings alone.  A heading that holds a
 * sentence, or ends in an exclamation, is no title.
 */
void
ex_drop_tail_headings(struct ex *x, int root)
{
	int tail[TAIL_MAX], nt = 0, seen = 0, i, end;
	const char *p;

	end = ex_subtree_end(x, root);
	for (i = root + 1; i <= end; i++) {
		if (x->dead[i]) {
			i = ex_subtree_end(x, i);
			continue;
		}
		/* a heading of sentences is prose that a page set large */
		if (ex_tag_is_heading(x->n[i].tag) &&
		    !ex_has_sentence_end(x, i) && !ex_text_ends(x, i, '!')) {
			if (nt < TAIL_MAX)
				tail[nt++] = i;
			i = ex_subtree_end(x, i);
			continue;
		}
		if (x->n[i].tag == XT_TEXT && x->n[i].text != NULL) {
			for (p = x->n[i].text; isspace((unsigned char)*p); p++)
				;
			if (*p != '\0') {
				nt = 0;
				seen = 1;
			}
		}
	}
	while (seen && nt > 0)
		ex_kill_node(x, tail[--nt], root);
}
