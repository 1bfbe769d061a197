/*
 * extract_render.c - stage 5 of extraction: the article subtree
 * rendered as text, and the tests on rendered text (sentence ends,
 * boilerplate).  extract.c says how the stages fit together.
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

/* ------------------------------------------------------------ rendering */

void
ex_out_break(struct out *o, int level)
{
	if (level > o->pend)
		o->pend = level;
	o->sp = 0;
}

void
ex_out_trim(struct out *o)
{
	while (o->b.len > 0 && (o->b.data[o->b.len - 1] == ' ' ||
	    o->b.data[o->b.len - 1] == '\n' || o->b.data[o->b.len - 1] == '\r'))
		o->b.data[--o->b.len] = '\0';
}

static void	out_run(struct out *, const char *, int);

/*
 * A text node's text: a line separator (U+2028) in it ends a line and
 * a paragraph separator (U+2029) a paragraph, as a browser's innerText
 * has them, so that what reads the text by lines finds them.
 */
static void
out_text(struct out *o, const char *t, int pre)
{
	const char *p;
	char *run;

	for (p = t; (p = strstr(p, "\xe2\x80")) != NULL; p += 2) {
		if ((unsigned char)p[2] != 0xa8 && (unsigned char)p[2] != 0xa9)
			continue;
		if (p > t) {
			run = xstrndup(t, (size_t)(p - t));
			out_run(o, run, pre);
			free(run);
		}
		ex_out_break(o, (unsigned char)p[2] == 0xa9 ? 2 : 1);
		t = p + 3;
	}
	out_run(o, t, pre);
}

static void
out_run(struct out *o, const char *t, int pre)
{
	size_t n;

	if (o->max && o->b.len > o->max)
		return;
	if (!pre) {
		if (*t == ' ') {
			o->sp |= 1;
			t++;
		}
		if (*t == '\0')
			return;
	} else if (o->pend > 0 || o->b.len == 0) {
		/*
		 * A code block keeps its lines and spaces, text node by
		 * text node (highlighters wrap each word in a <span>), but
		 * opens with no blank lines; the break after it trims its
		 * end.
		 */
		while (*t == '\n' || *t == '\r')
			t++;
		if (*t == '\0')
			return;
	}
	if (o->b.len > 0 && o->pend > 0) {
		ex_out_trim(o);
		tq_buf_adds(&o->b, o->pend > 1 ? "\n\n" : "\n");
	} else if (o->b.len > 0 && (o->sp & 2) && o->b.data[o->b.len - 1] !=
	    '\n') {
		/* the next cell of a table's row */
		ex_out_trim(o);
		tq_buf_adds(&o->b, " | ");
		o->marks += 2;
	} else if (o->b.len > 0 && o->sp && o->b.data[o->b.len - 1] != ' ' &&
	    o->b.data[o->b.len - 1] != '\n')
		tq_buf_add(&o->b, " ", 1);
	o->pend = 0;
	o->sp = 0;
	if (o->mark[0] != '\0') {
		tq_buf_adds(&o->b, o->mark);
		o->marks += strlen(o->mark);
		o->mark[0] = '\0';
	}
	n = strlen(t);
	if (!pre && n > 0 && t[n - 1] == ' ') {
		n--;
		o->sp |= 1;
	}
	tq_buf_add(&o->b, t, n);
}

static int
break_level(int tag)
{
	switch (tag) {
	case TidyTag_LI: case TidyTag_DT: case TidyTag_DD: case TidyTag_TR:
	case TidyTag_BR: case TidyTag_CAPTION: case TidyTag_LEGEND:
	case TidyTag_SUMMARY: case TidyTag_THEAD: case TidyTag_TBODY:
	case TidyTag_TFOOT:
		return 1;
	case TidyTag_TD: case TidyTag_TH:
		return 0;
	}
	return 2;
}

#define CELL_MAX	300	/* characters of a table's cell of data */
#define TERM_MAX	60	/* characters of a term beside its definition */
#define DEF_MAX		200	/* and of that definition */

/*
 * The element sibling after node i, or -1: ex_prev_sibling()'s mirror,
 * blank text between them skipped.
 */
static int
next_element(struct ex *x, int i)
{
	for (i = x->n[i].next; i >= 0; i = x->n[i].next) {
		if (x->n[i].tag != XT_TEXT)
			return i;
		if (x->n[i].text != NULL &&
		    x->n[i].text[strspn(x->n[i].text, " ")] != '\0')
			return -1;
	}
	return -1;
}

/*
 * Is dd a short definition right after its short term ("<dt>Weight
 * </dt><dd>0.4 kg</dd>", a specification), both shown?  Then the two
 * make a line.
 */
static int
term_pair(struct ex *x, int dt, int dd)
{
	return dt >= 0 && dd >= 0 && !x->dead[dt] && !x->dead[dd] &&
	    x->n[dt].tag == TidyTag_DT &&
	    x->n[dd].tag == TidyTag_DD && x->n[dt].tlen > 0 &&
	    x->n[dt].tlen <= TERM_MAX && x->n[dd].tlen > 0 &&
	    x->n[dd].tlen <= DEF_MAX && x->n[dt].nblock == 0 &&
	    x->n[dd].nblock == 0;
}

/*
 * The break around block i, entering it or leaving it.  A block in a
 * short cell of a table (a team's name in a <div>, a value in a <p>:
 * "<td><p>Drake Maye 295</p></td>") is a word apart, not a paragraph,
 * so that the row stays a line; lines (<br>, a list's items) stay
 * lines.  A short term and its short definition make one line,
 * "Weight: 0.4 kg".
 */
static void
block_break(struct ex *x, int i, struct out *o, int enter)
{
	int j, k, lvl = break_level(x->n[i].tag);

	if (x->n[i].tag == TidyTag_DT && !enter &&
	    term_pair(x, i, next_element(x, i)))
		return;
	if (x->n[i].tag == TidyTag_DD && enter) {
		if (term_pair(x, ex_prev_sibling(x, i), i)) {
			if (o->b.len > 0 && o->b.data[o->b.len - 1] != ':') {
				ex_out_trim(o);
				tq_buf_adds(&o->b, ":");
				o->marks++;
			}
			o->sp |= 1;
			return;
		}
	}
	if (lvl == 2 && x->n[i].tag != TidyTag_TABLE)
		for (j = x->n[i].parent, k = 0; j > 0 && k < 8;
		    j = x->n[j].parent, k++) {
			if (x->n[j].tag == TidyTag_TABLE)
				break;
			if (x->n[j].tag == TidyTag_TD ||
			    x->n[j].tag == TidyTag_TH) {
				if (x->n[j].tlen > CELL_MAX)
					break;
				o->sp |= 1;
				return;
			}
		}
	ex_out_break(o, lvl);
}

/*
 * Two inline elements side by side with no space between them, that a
 * style sets apart on the screen (a brand and a product's name, a label
 * and its value, two buttons): "<span>Nalgene</span><span>Sustain
 * Bottle</span>", "<span>Item number:</span><span>3659</span>".  A
 * word does not go on from a lower-case letter, a digit, ")" or "%"
 * to a capital, from a capital to a capitalised word, nor a sentence
 * from its full stop ("97%Resolved", "$80MSRP", "YETIRambler"), so a
 * space is due there when the text before the boundary has left an
 * element and the text after it has entered another (not
 * "<mark>Open</mark>AI", not "i<b>Phone</b>"); nor does a word or a
 * number go on to a number there (a brand and a name: "HydraPak" "1 L
 * Stow Bottle"; a date and a count: "Mar 7" "19"), the caller
 * leaves out the entering for the cents of a price in a <sup>
 * ("$549<sup>00</sup>") and for a <sub> ("<span>CO</span><sub>2</sub>").
 * After a label's colon ("Published by:<span>Valve</span>") a space is
 * due at any element's boundary.  side: 1 left an element, 2 entered
 * one, since the text before.
 */
static int
apart(const struct out *o, const char *t, int side)
{
	unsigned char a, a0, b = (unsigned char)*t;

	if (side == 0 || o->b.len < 2 || o->sp || o->pend > 0 ||
	    !isalnum(b))
		return 0;
	a = (unsigned char)o->b.data[o->b.len - 1];
	a0 = (unsigned char)o->b.data[o->b.len - 2];
	if (a == ':' && isalpha(a0))
		return 1;
	if (side == 3 && isalnum(a) && isdigit(b))
		return 1;
	/* a date's element, then a capitalised word: "06.03.2016" "Werden" */
	if ((side & 1) && isdigit(a) && isupper(b) &&
	    islower((unsigned char)t[1]) && islower((unsigned char)t[2]))
		return 1;
	if (side != 3 || !isupper(b))
		return 0;
	return islower(a) || isdigit(a) || a == ')' || a == '%' ||
	    (isupper(a) && islower((unsigned char)t[1])) ||
	    ((a == '.' || a == '!' || a == '?') && isalpha(a0));
}

/*
 * A count in an element of its own, named so, after an option's name
 * ("<span>Acratech</span><span class=checkboxCount>1</span>", a
 * shop's filters): a word of its own, "Acratech 1", not "Acratech1".
 */
static int
count_after(struct ex *x, int next)
{
	const struct xn *n = &x->n[next];
	const char *t;

	if (x->dead[next] || n->tag == XT_TEXT || (n->flags & F_BLOCK) ||
	    n->attr == NULL || n->tlen == 0 || n->tlen > 12 ||
	    !ex_word_at(n->attr, "~count") || n->first < 0 ||
	    n->first != n->last || x->n[n->first].tag != XT_TEXT ||
	    (t = x->n[n->first].text) == NULL)
		return 0;
	t += *t == '(';
	if (!isdigit((unsigned char)*t))
		return 0;
	t += strspn(t, "0123456789,.");
	return *t == '\0' || (t[0] == ')' && t[1] == '\0');
}

/*
 * Two links side by side with nothing between them ("<a>Action</a><a>
 * eSports</a>": a row of tags, of chips) are two words, whatever
 * their letters.
 */
static void
links_apart(struct ex *x, int i, int next, struct out *o)
{
	if (x->n[i].tag == TidyTag_A && x->n[next].tag == TidyTag_A &&
	    !x->dead[i] && x->n[i].tlen > 0)
		o->sp |= 1;
	else if (!x->dead[i] && x->n[i].tlen > 0 && count_after(x, next))
		o->sp |= 1;
}

/* Render the live subtree at root (itself included). */
void
ex_render(struct ex *x, int root, struct out *o)
{
	int i = root, nx, side = 0;
	struct xn *n;

	while (i >= 0) {
		n = &x->n[i];
		if (o->max && o->b.len > o->max)
			break;
		if (x->dead[i]) {
			/*
			 * A hidden separator between two words of a line
			 * ("1d ago<span aria-hidden>&middot;</span>3 min
			 * read"): the words stay apart.
			 */
			if ((n->flags & (F_HIDDEN | F_BLOCK)) == F_HIDDEN ||
			    ((n->flags & F_BLOCK) && n->tlen > 0))
				o->sp |= 1;
			goto next;
		}
		if (n->tag == XT_TEXT) {
			/* a <sup>'s cents, a <sub>'s digit: no entering */
			int ptag = x->n[n->parent].tag;

			if (!(n->flags & F_PRE) && n->text[0] != ' ' &&
			    apart(o, n->text, ptag == TidyTag_SUP ||
			    ptag == TidyTag_SUB ? side & 1 : side))
				o->sp |= 1;
			if (n->text[0] != '\0')
				side = 0;
			out_text(o, n->text, (n->flags & F_PRE) != 0);
			goto next;
		}
		if (n->tag == TidyTag_BR)
			ex_out_break(o, o->pend >= 1 && o->b.len > 0 ? 2 : 1);
		else if (n->tag == TidyTag_TD || n->tag == TidyTag_TH)
			/* cells apart by " | " where lists are marked */
			o->sp |= o->bullets ? 2 : 1;
		else if (n->flags & F_BLOCK)
			block_break(x, i, o, 1);
		else if ((n->flags & F_PRE) && n->attr != NULL &&
		    ex_has_word(n->attr, "line") && o->b.len > 0)
			/* a highlighter's line (Shiki's <span class=line>) */
			ex_out_break(o, 1);
		else if (n->first < 0 && n->attr != NULL &&
		    ex_has_word(n->attr, "br") && o->b.len > 0)
			/* an empty <span class=br>, a break in its style */
			ex_out_break(o, o->pend >= 1 ? 2 : 1);
		/*
		 * An item of an unordered list is marked "- "; an ordered
		 * list's items are lines without a mark (a number would
		 * read as a word of the text).
		 */
		if (n->tag == TidyTag_LI && o->bullets && n->parent >= 0 &&
		    x->n[n->parent].tag == TidyTag_UL)
			snprintf(o->mark, sizeof(o->mark), "- ");
		if (n->first >= 0) {
			side |= 2;
			i = n->first;
			continue;
		}
		if (n->tag == TidyTag_LI)
			o->mark[0] = '\0';
next:
		/* leave elements, emitting their closing breaks */
		while (i >= 0) {
			if (i != root && (nx = x->n[i].next) >= 0) {
				if (!x->dead[i] && x->n[i].tag != XT_TEXT &&
				    (x->n[i].flags & F_BLOCK))
					block_break(x, i, o, 0);
				links_apart(x, i, nx, o);
				i = nx;
				break;
			}
			if (!x->dead[i] && x->n[i].tag != XT_TEXT &&
			    (x->n[i].flags & F_BLOCK))
				block_break(x, i, o, 0);
			if (i == root) {
				i = -1;
				break;
			}
			i = x->n[i].parent;
			side |= 1;
			if (x->n[i].tag == TidyTag_LI)
				o->mark[0] = '\0';
			if (i == root) {
				if (x->n[i].flags & F_BLOCK)
					block_break(x, i, o, 0);
				i = -1;
				break;
			}
			/* a parent: its closing break happens in the loop */
			if (x->n[i].next >= 0) {
				if (x->n[i].flags & F_BLOCK)
					block_break(x, i, o, 0);
				links_apart(x, i, x->n[i].next, o);
				i = x->n[i].next;
				break;
			}
		}
	}
	o->mark[0] = '\0';
}

/* Text of the subtree at i, at most about max bytes; caller frees. */
char *
ex_node_text(struct ex *x, int i, size_t max)
{
	struct out o = { { 0 }, 0, 0, max, 0, "", 0 };

	ex_render(x, i, &o);
	ex_out_trim(&o);
	if (o.b.data == NULL)
		return xstrdup("");
	return o.b.data;
}

int
ex_text_ends(struct ex *x, int i, int c)
{
	char *t = ex_node_text(x, i, 400);
	size_t n = strlen(t);
	int r;

	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	r = n > 0 && t[n - 1] == c;
	free(t);
	return r;
}

int
ex_has_sentence_end(struct ex *x, int i)
{
	char *t = ex_node_text(x, i, 1000);
	size_t n = strlen(t);
	int r;

	r = (n > 0 && t[n - 1] == '.') || strstr(t, ". ") != NULL;
	free(t);
	return r;
}

/* Boilerplate one-liners that are never article text. */
static const char *const labels[] = {
	"advertisement", "advertising", "sponsored", "ad", "ads",
	"continue reading", "read more", "share", "share this",
	"share this article", "related", "related articles", "related tags",
	"related news", "recommended", "story continues below advertisement",
	"scroll to continue with content", "skip advertisement",
	"click to expand", "see also", "more", "advert", "don't miss",
	"don\xe2\x80\x99t miss", "see more", "also read", "read also",
	"recommended for you", "you may also like", "trending", "most read",
	"most popular", "filed under", "tags", "topics", "share this story",
	"comments", "comment", "post comment", "post a comment",
	"leave a comment", "add comment", "print", "email", "next",
	"previous", "back to top", "sign up", "subscribe", "follow us",
	"related stories", "related content", "more stories", "more from",
	"latest", "latest news", "top stories", "text size", "font size",
	"listen", "listen to this article", "play", "watch", "video",
	"photo", "image", "enlarge", "expand", "close", "menu", "search",
	"log in", "login", "register", "reply", "report",
	"article continues below", "story continues below",
	"continue reading below", "add your comment", "add a comment",
	/* a table of contents' heading, its list gone */
	"table of contents", "contents", "in this article", "on this page",
	/* counters and widgets' fallbacks */
	"views", "reads", "this slideshow requires javascript", "pin it",
	"pin it here", "more on",
	/* the same in German, French, Spanish and Italian */
	"anzeige", "werbung", "weiterlesen", "mehr lesen", "mehr dazu",
	"mehr zum thema", "auch lesen", "lesen sie auch", "teilen",
	"kommentare", "kommentar schreiben", "meistgelesen",
	"\xc3\xa4hnliche artikel", "\xc3\x84hnliche artikel",
	"\xc3\xa4hnliche artikel lesen", "\xc3\x84hnliche artikel lesen",
	"weitere artikel", "das k\xc3\xb6nnte sie auch interessieren",
	"publicit\xc3\xa9", "lire aussi", "\xc3\xa0 lire aussi",
	"\xc3\x80 lire aussi", "lire la suite", "partager", "commentaires",
	"voir aussi",
	"publicidad", "leer m\xc3\xa1s", "lee tambi\xc3\xa9n",
	"compartir", "comentarios", "ver tambi\xc3\xa9n", "pubblicit\xc3\xa0",
	"leggi anche", "condividi", "commenti", "related topics",
	"\xc3\xa4hnliche beitr\xc3\xa4ge", "\xc3\x84hnliche beitr\xc3\xa4ge",
	"\xc3\xa4hnliche themen", "\xc3\x84hnliche themen",
	"lea tambi\xc3\xa9n", "vea tambi\xc3\xa9n", "le puede interesar",
	"you might also like", "related posts", "popular posts",
	"recent posts", "leave a reply", "auch interessant",
	"das k\xc3\xb6nnte dich auch interessieren",
	"kommentare geschlossen", "kommentare schreiben",
	"schreib einen kommentar", "schreibe einen kommentar",
	"war der artikel n\xc3\xbctzlich", "artikel teilen",
	"beitrag teilen", "empfohlene beitr\xc3\xa4ge",
	"verwandte artikel", "verwandte beitr\xc3\xa4ge",
	"beliebte beitr\xc3\xa4ge", "neueste beitr\xc3\xa4ge",
	"articles les plus lus", "sur le m\xc3\xaame th\xc3\xa8me",
	"\xc3\xa0 lire \xc3\xa9galement", "laisser un commentaire",
	"articles similaires", "vous aimerez aussi",
	"art\xc3\xad" "culos relacionados", "noticias relacionadas",
	"te puede interesar", "deja un comentario",
	"lo m\xc3\xa1s le\xc3\xad" "do", "articoli correlati",
	"potrebbe interessarti", "lascia un commento",
	"i pi\xc3\xb9 letti",
	/* Portuguese, Dutch, Polish, Russian */
	"compartilhar", "coment\xc3\xa1rios", "leia tamb\xc3\xa9m",
	"leia mais", "veja tamb\xc3\xa9m", "publicidade", "delen",
	"reacties", "lees ook", "lees meer", "advertentie",
	"udost\xc4\x99" "pnij", "komentarze", "czytaj tak\xc5\xbc" "e",
	"czytaj wi\xc4\x99" "cej", "zobacz tak\xc5\xbc" "e", "reklama",
	"\xd0\xbf\xd0\xbe\xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb8\xd1\x82"
	"\xd1\x8c\xd1\x81\xd1\x8f",			/* поделиться */
	"\xd0\xba\xd0\xbe\xd0\xbc\xd0\xbc\xd0\xb5\xd0\xbd\xd1\x82"
	"\xd0\xb0\xd1\x80\xd0\xb8\xd0\xb8",		/* комментарии */
	"\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb5 "
	"\xd1\x82\xd0\xb0\xd0\xba\xd0\xb6\xd0\xb5",	/* читайте также */
	"\xd1\x80\xd0\xb5\xd0\xba\xd0\xbb\xd0\xb0\xd0\xbc\xd0\xb0",
							/* реклама */
	/* Japanese: share, tweet, bookmark, mail, print, related news */
	"\xe3\x82\xb7\xe3\x82\xa7\xe3\x82\xa2",
	"\xe3\x83\x84\xe3\x82\xa4\xe3\x83\xbc\xe3\x83\x88",
	"\xe3\x83\x96\xe3\x83\x83\xe3\x82\xaf\xe3\x83\x9e\xe3\x83"
	"\xbc\xe3\x82\xaf",
	"\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab", "\xe5\x8d\xb0\xe5\x88\xb7",
	"\xe9\x96\xa2\xe9\x80\xa3\xe3\x83\x8b\xe3\x83\xa5\xe3\x83"
	"\xbc\xe3\x82\xb9",
	"\xe9\x96\xa2\xe9\x80\xa3\xe8\xa8\x98\xe4\xba\x8b",	/* 関連記事 */
	"\xe5\xba\x83\xe5\x91\x8a",			/* 広告 */
	/* Chinese: share, comments, related articles, ad */
	"\xe5\x88\x86\xe4\xba\xab", "\xe8\xaf\x84\xe8\xae\xba",
	"\xe7\x9b\xb8\xe5\x85\xb3\xe6\x96\x87\xe7\xab\xa0",
	"\xe5\xb9\xbf\xe5\x91\x8a",
	/* Korean: share, comments, related articles, ad */
	"\xea\xb3\xb5\xec\x9c\xa0", "\xeb\x8c\x93\xea\xb8\x80",
	"\xea\xb4\x80\xeb\xa0\xa8\xea\xb8\xb0\xec\x82\xac",
	"\xea\xb4\x91\xea\xb3\xa0", NULL
};

/* Labels before a link to another story: "Read more: ...". */
static const char *const link_leads[] = {
	"read more", "more", "read", "related", "see also", "also read",
	"read also", "see more", "watch", "listen", "recommended",
	"related article", "related story", "related stories",
	"related content", "more on this", "more on this story",
	"don't miss", "don\xe2\x80\x99t miss", "click here", "trending",
	"also see", "also", "previously", "read next", "up next", "next",
	"must read", "editor's pick", "editor\xe2\x80\x99s pick",
	"top stories", "latest", "video", "photos", "gallery",
	"lesen sie auch", "auch lesen", "mehr zum thema", "weiterlesen",
	"siehe auch", "lire aussi", "\xc3\xa0 lire aussi",
	"\xc3\x80 lire aussi", "voir aussi",
	"lee tambi\xc3\xa9n", "leer m\xc3\xa1s", "ver tambi\xc3\xa9n",
	"leggi anche", "lea tambi\xc3\xa9n", "lea m\xc3\xa1s", "lea",
	"vea tambi\xc3\xa9n", "le puede interesar", "mire",
	"lea tambi\xc3\x89n", "lea m\xc3\x81s", "vea tambi\xc3\x89n", NULL
};

/* The marks that end a label before a link. */
static const char *const lead_marks[] = {
	":", "\xc2\xbb", "\xe2\x80\xba", "\xe2\x86\x92", NULL
};

/*
 * The end of a label before a link, in t's first 30 bytes: a colon, a
 * guillemet or an arrow ("Read more:", "À lire aussi »", "Lesen Sie
 * auch →"); NULL if there is none.
 */
static const char *
lead_end(const char *t)
{
	const char *e, *best = NULL;
	int k;

	for (k = 0; lead_marks[k] != NULL; k++)
		if ((e = strstr(t, lead_marks[k])) != NULL && e - t < 30 &&
		    (best == NULL || e < best))
			best = e;
	return best;
}

/* Sentences that open promotions rather than article text. */
static const char *const promo_starts[] = {
	"follow ", "sign up", "subscribe", "like us", "join us",
	"click here", "download our", "download the", "get the latest",
	"get access", "to get ", "for more ", "read more", "read the full",
	"if you enjoyed", "don't miss", "don\xe2\x80\x99t miss", NULL
};

static const char *const promo_words[] = {
	"twitter", "facebook", "instagram", "youtube", "newsletter",
	"podcast", "subscri", "app ", "@", "http", "coverage", "here",
	"whatsapp", "telegram", "linkedin", "tiktok", "sign up", NULL
};

/*
 * The length of the character at s if it is a symbol or punctuation
 * beyond ASCII (an arrow, a bullet, a dash, an emoji, a no-break
 * space), not a letter ("\xc3\x84hnliche"); else 0.
 */
static int
symbol_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0xbf)
		return 2;			/* U+0080-U+00BF */
	if (u[0] == 0xe2 && u[1] >= 0x80 && u[1] <= 0xaf && u[2] >= 0x80)
		return 3;			/* U+2000-U+2BFF */
	if (u[0] == 0xf0 && u[1] == 0x9f && u[2] >= 0x80 && u[3] >= 0x80)
		return 4;			/* U+1F000-U+1FFFF */
	return 0;
}

/*
 * Is node i code: in a <pre>, or in a <code>, <kbd>, <samp>, <tt> or
 * <var> of its line ("class <span>Comment</span>(models.Model)")?
 */
static int
in_code(struct ex *x, int i)
{
	int j, tag;

	if (x->n[i].flags & F_PRE)
		return 1;
	for (j = i; j > 0; j = x->n[j].parent) {
		tag = x->n[j].tag;
		if (tag == TidyTag_CODE || tag == TidyTag_KBD ||
		    tag == TidyTag_SAMP || tag == TidyTag_TT ||
		    tag == TidyTag_VAR)
			return 1;
		if (x->n[j].flags & F_BLOCK)
			break;
	}
	return 0;
}

#define SIBS_LOOK	8	/* empty siblings passed over, at most */

/*
 * The live sibling before node i with text; -1 if none, or none among
 * the SIBS_LOOK before it.  By ex_sibling_before(), not from the
 * parent's first child: a paragraph of 100,000 inline elements asks
 * this of each.
 */
static int
prev_sibling(struct ex *x, int i)
{
	int j = i, k;

	for (k = 0; k < SIBS_LOOK && (j = ex_sibling_before(x, j)) >= 0; k++)
		if (!x->dead[j] && x->n[j].tlen > 0)
			return j;
	return -1;
}

/*
 * The text of the live sibling after node i, a text node or an inline
 * element, its first bytes; NULL if there is none (among SIBS_LOOK).
 * To be freed.
 */
static char *
next_text(struct ex *x, int i)
{
	int j, k = 0;

	for (j = x->n[i].next; j >= 0 && k < SIBS_LOOK &&
	    (x->dead[j] || x->n[j].tlen == 0); j = x->n[j].next)
		k++;
	if (j < 0 || k == SIBS_LOOK ||
	    (x->n[j].tag != XT_TEXT && (x->n[j].flags & F_BLOCK)))
		return NULL;
	return ex_node_text(x, j, 40);
}

/*
 * Is the character at t a lower-case letter beyond ASCII: Latin-1's
 * ("überspringen", "école"), Latin Extended-A's ("świat", "łódź"),
 * Greek's or Cyrillic's?
 */
static int
lower_utf8(const unsigned char *t)
{
	unsigned c;

	if (t[0] < 0xc2 || t[0] > 0xdf || (t[1] & 0xc0) != 0x80)
		return 0;
	c = ((unsigned)(t[0] & 0x1f) << 6) | (t[1] & 0x3f);
	if (c >= 0xdf && c <= 0xff)
		return c != 0xf7;
	if (c >= 0x100 && c <= 0x137)
		return c & 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return !(c & 1);
	if (c >= 0x14a && c <= 0x177)
		return c & 1;
	return c == 0x17f || (c >= 0x3ac && c <= 0x3ce) ||
	    (c >= 0x430 && c <= 0x45f);
}

/* Does s open with one of the strings of list (after spaces)? */
static int
opens_with(const char *s, const char *const *list)
{
	int k;

	while (*s == ' ')
		s++;
	for (k = 0; list[k] != NULL; k++)
		if (strncmp(s, list[k], strlen(list[k])) == 0)
			return 1;
	return 0;
}

static int	goes_on(struct ex *, int);

/*
 * Does the word of inline element i stand in a sentence, the text
 * before it running on into it ("there is <b>more</b>", "click
 * <b>Print</b>", a quotation mark opened: "the \"<i>Share</i>\"
 * button") or the text after it going on from it ("<em>Share</em>
 * your views", a mark closing the quotation)?  Then it is no label,
 * whatever its word.  The text beside it is a text node's or an
 * inline element's.
 */
static int
in_sentence(struct ex *x, int i)
{
	static const char *const opening[] = {
		"\xe2\x80\x9c", "\xe2\x80\x98", "\xe2\x80\x9e",
		"\xc2\xab", " \"", " '", "(", NULL
	};
	const unsigned char *t;
	char *s = NULL;
	size_t n, c;
	int j, k, r = 0;

	if ((j = prev_sibling(x, i)) >= 0 && (x->n[j].tag == XT_TEXT ||
	    !(x->n[j].flags & F_BLOCK))) {
		s = x->n[j].tag == XT_TEXT ? xstrdup(x->n[j].text != NULL ?
		    x->n[j].text : "") : ex_node_text(x, j, 1000);
		t = (const unsigned char *)s;
		n = strlen(s);
		/*
		 * a quotation mark opened just before it, or a compound
		 * word's hyphen ("Online-<b>Video</b>")
		 */
		for (k = 0; opening[k] != NULL && !r; k++)
			r = n >= strlen(opening[k]) && strcmp(s + n -
			    strlen(opening[k]), opening[k]) == 0;
		r = r || (n > 1 && s[n - 1] == '-' && isalpha(t[n - 2]));
		while (n > 0 && t[n - 1] == ' ')
			n--;
		/* the last character's first byte: a letter beyond ASCII? */
		for (c = n; c > 0 && (t[c - 1] & 0xc0) == 0x80; c--)
			;
		r = r || (n > 0 && (isalnum(t[n - 1]) || t[n - 1] == ',' ||
		    (c > 0 && t[c - 1] >= 0xc0 &&
		    symbol_len((const char *)t + c - 1) == 0)));
		free(s);
		if (r)
			return 1;
	}
	return goes_on(x, i);
}

/* Does the text after inline element i go on from it? */
static int
goes_on(struct ex *x, int i)
{
	static const char *const closing[] = {
		",", ".", ";", "!", "?", ")", "\"", "'", "\xe2\x80\x9d",
		"\xe2\x80\x99", "\xe2\x80\xa6", NULL
	};
	const unsigned char *t;
	char *s;
	int r = 0;

	if ((s = next_text(x, i)) != NULL) {
		/* "<b>Video</b>-Podcast": a compound word */
		r = s[0] == '-' && isalpha((unsigned char)s[1]);
		for (t = (const unsigned char *)s; *t == ' '; t++)
			;
		r = r || islower(*t) || lower_utf8(t) ||
		    opens_with((const char *)t, closing);
		free(s);
	}
	return r;
}

/*
 * Does the line of inline element i open with it and go on in words,
 * unlinked, a few characters or more ("<span>Related</span> Recipes",
 * "<b>Video</b> Adam Ondra")?
 */
static int
line_words(struct ex *x, int i)
{
	char *bt, *it;
	size_t n;
	int b, r = 0;

	for (b = x->n[i].parent; b > 0 && !(x->n[b].flags & F_BLOCK);
	    b = x->n[b].parent)
		;
	if (b <= 0 || (x->n[b].tlen - x->n[b].llen) -
	    (x->n[i].tlen - x->n[i].llen) < 3)
		return 0;
	bt = ex_node_text(x, b, 200);
	it = ex_node_text(x, i, 100);
	n = strlen(it);
	/* the line opens with the label, a word follows it */
	if (n > 0 && strncmp(bt, it, n) == 0 && bt[n] == ' ' &&
	    (isalpha((unsigned char)bt[n + 1]) ||
	    (unsigned char)bt[n + 1] >= 0xc3))
		r = 1;
	free(bt);
	free(it);
	return r;
}

/*
 * Short blocks that are labels ("Comments (3)", "Tags:"), datelines
 * ("Published: 19 Nov 2019"), bylines ("By Jane Roe - 11/18/19") or
 * promotions ("Follow us on Twitter") rather than article text.
 */
int
ex_is_boilerplate(struct ex *x, int i, int leaf)
{
	struct xn *n = &x->n[i];
	char *t, *s, *e, *d;
	const char *le;
	int k, r = 0, nw, colon, after, p;

	if (n->tlen == 0 || n->tlen > 300 || n->nsub > 200 || in_code(x, i))
		return 0;
	t = ex_node_text(x, i, 400);
	nw = ex_words(t);
	/*
	 * A template's placeholder that no script filled: "{{ x.y }}"
	 * (in <code>, a manual's example).
	 */
	if ((n->flags & F_BLOCK) && !(n->flags & F_PRE) && n->nsub <= 20 &&
	    strncmp(t, "{{", 2) == 0 && strlen(t) > 4 &&
	    strcmp(t + strlen(t) - 2, "}}") == 0) {
		for (k = i + 1; k < i + n->nsub && k < x->nn; k++)
			if (x->n[k].tag == TidyTag_CODE ||
			    x->n[k].tag == TidyTag_KBD ||
			    x->n[k].tag == TidyTag_SAMP ||
			    x->n[k].tag == TidyTag_TT)
				break;
		if (k >= i + n->nsub || k >= x->nn) {
			free(t);
			return 1;
		}
	}
	/* labels, without counts and punctuation around them */
	if (n->tlen <= 40) {
		for (s = t; *s && !isalpha((unsigned char)*s); s += k)
			if ((k = (unsigned char)*s < 0x80 ? 1 :
			    symbol_len(s)) == 0)
				break;
		e = s + strlen(s);
		for (;;) {
			if (e > s && !isalpha((unsigned char)e[-1]) &&
			    (unsigned char)e[-1] < 0x80)
				e--;
			else if (e - s >= 3 && (memcmp(e - 3, "\xe2\x86\x92",
			    3) == 0 || memcmp(e - 3, "\xe2\x80\xba", 3) == 0))
				e -= 3;		/* an arrow, "->" or ">" */
			else if (e - s >= 2 && memcmp(e - 2, "\xc2\xbb", 2) == 0)
				e -= 2;
			else
				break;
		}
		/*
		 * "Read more:", "À lire aussi »", "See also →"; the mark
		 * may open the text after an inline label ("<span>Related
		 * </span>: <a>...</a>")
		 */
		colon = lead_end(e) != NULL;
		after = 0;
		if (!colon && !leaf && !(n->flags & F_BLOCK) &&
		    (d = next_text(x, i)) != NULL) {
			colon = after = opens_with(d, lead_marks);
			free(d);
		}
		*e = '\0';
		for (k = 0; labels[k] != NULL && !r; k++)
			if (strcasecmp(s, labels[k]) == 0)
				r = 1;
		/*
		 * a word in a sentence, not a label on its own; words
		 * that a sentence goes on from ("<b>Sign up</b> to take
		 * action")
		 */
		if (r && !(n->flags & F_BLOCK) && (strchr(s, ' ') == NULL ?
		    in_sentence(x, i) : goes_on(x, i)))
			r = 0;
		/*
		 * nor a part of a longer line, the rest of it words and
		 * not links ("<span>Related</span> Recipes", "<b>Video</b>
		 * Adam Ondra"), as the line in one text is no label
		 */
		if (r && !(n->flags & F_BLOCK) && line_words(x, i))
			r = 0;
		/*
		 * "<b>Read more:</b> <a>...</a>": the whole block goes (the
		 * label's parent, in it or the block itself: a <font> may
		 * wrap a paragraph's words)
		 */
		for (p = n->parent; !leaf && colon && p > 0 &&
		    !(x->n[p].flags & F_BLOCK); p = x->n[p].parent)
			;
		if (!leaf && colon && p > 0 &&
		    (x->n[p].flags & F_BLOCK) && x->n[p].nblock == 0 &&
		    x->n[p].tlen < 300 && (x->n[p].llen + n->tlen) * 2 >=
		    x->n[p].tlen)
			for (k = 0; link_leads[k] != NULL; k++)
				if (strcasecmp(s, link_leads[k]) == 0)
					r = 2;
		/*
		 * a field's name, its value after the mark and no link
		 * ("<span>Photo</span>: Madeleine Hadwiger"): the line is
		 * one, the name stays with it
		 */
		if (r == 1 && after)
			r = 0;
		free(t);
		if (r || !leaf)
			return r;
		t = ex_node_text(x, i, 400);
	} else if (!leaf) {
		free(t);
		return 0;
	}
	if (nw <= 12 && (ex_starts_with(t, "published") ||
	    ex_starts_with(t, "updated") || ex_starts_with(t, "first published") ||
	    ex_starts_with(t, "last updated") || ex_starts_with(t, "posted on") ||
	    ex_starts_with(t, "posted:") || ex_starts_with(t, "posted by ")) &&
	    strpbrk(t, "0123456789") != NULL)
		r = 1;
	/* an author box's "Latest posts by Jane Roe (see all)" */
	if (!r && nw <= 12 && (ex_starts_with(t, "latest posts by ") ||
	    ex_starts_with(t, "more posts by ") ||
	    ex_starts_with(t, "more articles by ") ||
	    ex_starts_with(t, "view all posts by ")))
		r = 1;
	/* "If you liked this post you might also like:" */
	if (!r && nw <= 14 && (strcasestr(t, "might also like") ||
	    strcasestr(t, "may also like") || strcasestr(t, "might also enjoy")))
		r = 1;
	/* an affiliate programme's disclosure */
	if (!r && nw <= 40 && (ex_starts_with(t, "as an amazon associate") ||
	    ex_starts_with(t, "as an affiliate") ||
	    ex_starts_with(t, "this post contains affiliate") ||
	    ex_starts_with(t, "this article contains affiliate")))
		r = 1;
	/* "Read more: <a>Another story</a>", "À lire aussi » <a>...</a>" */
	if (!r && (le = lead_end(t)) != NULL && ex_link_density(n) >= 0.5) {
		char lead[32];

		while (le > t && le[-1] == ' ')
			le--;
		snprintf(lead, sizeof(lead), "%.*s", (int)(le - t), t);
		for (k = 0; link_leads[k] != NULL && !r; k++)
			if (strcasecmp(lead, link_leads[k]) == 0)
				r = 1;
	}
	/* "By Jane Roe" and "By Jane Roe - 11/18/19 11:04 PM EST" */
	if (nw <= 10 && strncmp(t, "By ", 3) == 0 &&
	    isupper((unsigned char)t[3]) && t[strlen(t) - 1] != '.')
		r = 1;
	if (nw <= 40)
		for (k = 0; promo_starts[k] != NULL && !r; k++)
			if (ex_starts_with(t, promo_starts[k])) {
				int m;

				/*
				 * "Click here" is no promotion by its own
				 * "here": a download's instructions stay
				 */
				for (m = 0; promo_words[m] != NULL; m++)
					if (strcasestr(strcmp(promo_words[m],
					    "here") == 0 ? t + strlen(
					    promo_starts[k]) : t,
					    promo_words[m]) != NULL)
						r = 1;
			}
	/* a dateline: the whole block is a date */
	if (!r && nw <= 7 && n->tlen <= 40 && n->nblock == 0) {
		for (s = t, k = 0; *s; s++)
			if (isdigit((unsigned char)*s))
				k++;
		if (k >= 4 && (d = ex_norm_date(t)) != NULL) {
			r = 1;
			free(d);
		}
	}
	free(t);
	return r;
}
