/*
 * extract_listing.c - listings and collections (stage 3 of
 * extraction, beside the broad pass of extract_type.c): a page of
 * items, each a card of a linked title, a short snippet, a byline or
 * a price.  A readability-style scorer drops such cards for their
 * links; here the items are found by their shape instead: three or
 * more sibling blocks of one tag and class, each with a link.  The
 * region of the page that holds them is the main region, with the
 * page's heading and intro above it and the guides below it (grown
 * from the list while the text around is little and mostly unlinked).
 * extract.c says how the stages fit together.
 *
 * Within that region (ex_listing_clean, from the broad pass): the
 * labels most items repeat ("Add to Compare", "Key Features" above
 * each card's list), links and buttons to more of a list, blocks of a
 * character or two, a shop's widget of customers' reviews, videos'
 * durations and copies of a sibling (a text for each size of screen)
 * go, and on a collection the names of a panel's closed groups of
 * filters; each card loses its shop's chrome (badges, swatches,
 * ratings, counts of reviews, the old price struck through, discounts,
 * buttons), by class, tag or the shape of its text.  Lists of short
 * links stay when they are content (ex_listing_links: a category's
 * pages, an item's card, an item's tags), not a menu.  Of a long text
 * that the text extracted holds twice, only the fullest copy stays
 * (ex_listing_repeats).
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

#define EX_GROUPS	16	/* kinds of children looked at per parent */

/* The first word of a class attribute ("card card--big" -> "card"). */
static size_t
first_class(const char *a)
{
	return a == NULL ? 0 : strcspn(a, " ");
}

static int
same_kind(const struct xn *a, const struct xn *b)
{
	size_t na = first_class(a->attr), nb = first_class(b->attr);

	return a->tag == b->tag && ((na == nb &&
	    (na == 0 || strncmp(a->attr, b->attr, na) == 0)) ||
	    ex_like_class(a->attr, b->attr));
}

/*
 * The group of child j among a parent's children grouped by kind:
 * first[k] is group k's first child.  Returns j's group, a new one if
 * none is of its kind (*ng grows), or -1 when EX_GROUPS are taken.
 */
static int
kind_group(struct ex *x, int *first, int *ng, int j)
{
	int k;

	for (k = 0; k < *ng; k++)
		if (same_kind(&x->n[first[k]], &x->n[j]))
			return k;
	if (*ng == EX_GROUPS)
		return -1;
	first[*ng] = j;
	return (*ng)++;
}

/*
 * Can child c of a list be an item?  A card with a link or a few, a
 * tenth of its text linked or more, not a heading or a paragraph.
 */
static int
item_like(struct ex *x, int c)
{
	const struct xn *n = &x->n[c];

	return !x->dead[c] && n->tag != XT_TEXT && n->llen > 0 &&
	    n->llen * 10 >= n->tlen && n->tlen >= 20 &&
	    !ex_tag_is_heading(n->tag) && n->tag != TidyTag_P;
}

/*
 * The items of node p: its children of the kind that holds most text,
 * each item-like.  Returns the text they hold (linked text included),
 * 0 if fewer than three, too short or too long for items, or holding
 * too many links (a menu's entries hold many each).  If mark is not
 * NULL, the items are marked in it.
 */
static int
item_text(struct ex *x, int p, const int *links, unsigned char *mark)
{
	struct {
		int	 n, tlen, links;
	} g[EX_GROUPS] = { { 0, 0, 0 } };
	int gfirst[EX_GROUPS];
	int j, k, ng = 0, best = 0, first = -1;

	for (j = x->n[p].first; j >= 0; j = x->n[j].next) {
		if (!item_like(x, j) || (k = kind_group(x, gfirst, &ng, j)) < 0)
			continue;
		g[k].n++;
		g[k].tlen += x->n[j].tlen;
		g[k].links += links[j];
	}
	for (k = 0; k < ng; k++)
		if (g[k].n >= 3 && g[k].tlen > best &&
		    g[k].tlen >= g[k].n * 35 && g[k].tlen <= g[k].n * 600 &&
		    g[k].links <= g[k].n * 5) {
			best = g[k].tlen;
			first = gfirst[k];
		}
	for (j = first; mark != NULL && j >= 0; j = x->n[j].next)
		if (item_like(x, j) && same_kind(&x->n[first], &x->n[j]))
			mark[j] = 1;
	return best;
}

/* Links in each node's subtree, a new array. */
static int *
count_links(struct ex *x)
{
	int i, *links;

	links = xcalloc((size_t)x->nn + 1, sizeof(int));
	for (i = x->nn - 1; i > 0; i--) {
		if (x->dead[i])
			continue;
		links[i] += x->n[i].tag == TidyTag_A;
		links[x->n[i].parent] += links[i];
	}
	return links;
}

/*
 * The parent of the page's largest list of items, or -1; *len is the
 * text the items hold.
 */
static int
find_items(struct ex *x, int *len)
{
	int i, t, best = -1, *links = count_links(x);

	*len = 0;
	for (i = 1; i < x->nn; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT || x->n[i].nblock < 3)
			continue;
		if ((t = item_text(x, i, links, NULL)) > *len) {
			best = i;
			*len = t;
		}
	}
	free(links);
	return best;
}

/* The parent of the page's largest list of items, or -1. */
int
ex_listing_items(struct ex *x)
{
	int len;

	return find_items(x, &len);
}

/*
 * The share of the page's text, in percent, that its lists of items
 * hold, leaving out the page's chrome (navigation, headers, footers,
 * menus, by tag, role or class); 0 for a page of little text.
 */
int
ex_listing_share(struct ex *x)
{
	unsigned char *skip, *mark;
	int i, *links, all = 0, in = 0;

	skip = xcalloc((size_t)x->nn + 1, 1);
	mark = xcalloc((size_t)x->nn + 1, 1);
	links = count_links(x);
	for (i = 1; i < x->nn; i++)
		if (!x->dead[i] && x->n[i].tag != XT_TEXT &&
		    x->n[i].nblock >= 3)
			item_text(x, i, links, mark);
	for (i = 1; i < x->nn; i++) {
		skip[i] = skip[x->n[i].parent] || (x->n[i].abits & A_CHROME) ||
		    (x->n[i].flags & F_BADROLE) || x->n[i].tag == TidyTag_NAV ||
		    x->n[i].tag == TidyTag_HEADER ||
		    x->n[i].tag == TidyTag_FOOTER ||
		    x->n[i].tag == TidyTag_ASIDE;
		mark[i] |= mark[x->n[i].parent];
		if (!skip[i] && !x->dead[i] && x->n[i].tag == XT_TEXT) {
			all += x->n[i].tlen;
			in += mark[i] ? x->n[i].tlen : 0;
		}
	}
	free(skip);
	free(mark);
	free(links);
	/* a short page of a few cards says too little */
	return all >= 3000 ? (int)((long)in * 100 / all) : 0;
}

/*
 * The main region of a listing: the broad pass's root, grown until it
 * holds the largest list of items of the page, unless the list holds
 * much less text than the region (a carousel of offers beside it); a
 * root that is the list, lies inside it or wraps it grows to the text
 * around the list.
 */
int
ex_listing_root(struct ex *x, int root)
{
	int len, best = find_items(x, &len), r, p;

	/*
	 * The region is the list, lies in it or is a wrapper of it: it
	 * grows to hold the page's heading and count above the list and
	 * the guides below it, so long as they add at most half as much
	 * text as the list holds and, at each step, no more than two
	 * thirds of it linked (a site's bar of links; the chrome around
	 * is gone by now).
	 */
	if (best >= 0 && (ex_is_ancestor(x, best, root) ||
	    ex_is_ancestor(x, root, best))) {
		for (r = ex_is_ancestor(x, best, root) ? best : root;
		    r != x->body && (p = x->n[r].parent) > 0 &&
		    x->n[p].tlen * 2 <= x->n[best].tlen * 3 &&
		    (x->n[p].llen - x->n[r].llen) * 3 <=
		    (x->n[p].tlen - x->n[r].tlen) * 2; r = p)
			;
		return r;
	}
	/* a list beside the region, and not the bulk of the page */
	if (best < 0 || len * 2 < x->n[root].tlen)
		return root;
	/* the nearest ancestor of both */
	for (r = root; r > 0 && !ex_is_ancestor(x, r, best); r = x->n[r].parent)
		;
	return r > 0 ? r : x->body;
}

/*
 * Interface labels in the items of a list: a short text that most
 * items carry word for word ("Add to Compare", "Key Features", "On
 * Now") is the shop's or the site's and no item's own.  Its lines
 * between the items' titles and snippets are noise.
 */
#define EX_LABELS	1024	/* slots of the hash table, a power of two */
#define EX_LABEL_MAX	40	/* characters of a label at most */


/*
 * Is the inline text of block k, len characters, a line of its own?
 * Either k holds nothing else, or the rest of its text is in blocks
 * (a title above a list: <div><span>Key Features</span><ul>...).
 */
static int
line_alone(struct ex *x, int k, int len)
{
	int j, inblocks = 0, n = 0;

	if (x->n[k].tlen == len)
		return 1;
	for (j = x->n[k].first; j >= 0 && n < 50; j = x->n[j].next, n++)
		if (!x->dead[j] && (x->n[j].flags & F_BLOCK))
			inblocks += x->n[j].tlen;
	return j < 0 && x->n[k].tlen - inblocks == len;
}

/* Text nodes in the subtree of i, up to 2 (among its first 64 nodes). */
static int
text_pieces(struct ex *x, int i)
{
	int j, end = ex_subtree_end(x, i), n = 0;

	if (end > i + 64)
		end = i + 64;
	for (j = i + 1; j <= end && n < 2; j++)
		n += !x->dead[j] && x->n[j].tag == XT_TEXT &&
		    x->n[j].tlen > 0;
	return n;
}

/*
 * A text that can be a label: short, unlinked (a category's name links
 * to its page), some letters and no digits (dates, counts, prices
 * differ from item to item), no sentence ("Must be presented first.")
 * and no field's name ("Weight:") or value, a block of its own.  Node
 * i is a text node, or a block of no blocks whose text is in pieces
 * (a drop cap's "<span>N</span>ew", an icon's word beside the rest).
 * Returns the text, trimmed, to be freed; NULL if no label.
 */
static char *
label_like(struct ex *x, int i)
{
	const struct xn *m = &x->n[i];
	char *t;
	const char *p;
	size_t n;
	int k, letters = 0;

	if (m->tlen == 0 || m->tlen > EX_LABEL_MAX)
		return NULL;
	if (m->tag == XT_TEXT) {
		if ((m->flags & F_LINK) || m->text == NULL)
			return NULL;
		/* a block of its own, not a word in a line ("SKU #" 1234) */
		for (k = m->parent; k > 0 && !(x->n[k].flags & F_BLOCK);
		    k = x->n[k].parent)
			;
		if (k <= 0 || !line_alone(x, k, m->tlen))
			return NULL;
		t = ex_collapse(m->text, strlen(m->text), 1);
	} else if ((m->flags & F_BLOCK) && m->nblock == 0 && m->llen == 0 &&
	    text_pieces(x, i) == 2)
		t = ex_node_text(x, i, 100);
	else
		return NULL;
	for (p = t; *p; p++) {
		if (isdigit((unsigned char)*p))
			break;
		letters += isalpha((unsigned char)*p) != 0;
	}
	n = strlen(t);
	if (*p != '\0' || letters < 2 || n == 0 || t[n - 1] == ':' ||
	    t[n - 1] == '.') {
		free(t);
		return NULL;
	}
	/* a field's value ("Width:" "Wide") */
	for (k = i - 1; k > i - 20 && k > 0; k--)
		if (!x->dead[k] && x->n[k].tag == XT_TEXT && x->n[k].text) {
			n = strlen(x->n[k].text);
			while (n > 0 && x->n[k].text[n - 1] == ' ')
				n--;
			if (n > 0 && x->n[k].text[n - 1] == ':') {
				free(t);
				return NULL;
			}
			break;
		}
	return t;
}

struct label {
	uint64_t	 h;
	int		 items;		/* items that carry it */
	int		 last;		/* the last item counted */
};

/* The slot of h in tab, or -1 if full. */
static int
label_slot(struct label *tab, int *used, uint64_t h)
{
	size_t k;

	for (k = h & (EX_LABELS - 1); tab[k].h != 0 && tab[k].h != h;
	    k = (k + 1) & (EX_LABELS - 1))
		;
	if (tab[k].h == 0) {
		if (*used >= EX_LABELS / 2)
			return -1;
		(*used)++;
		tab[k].h = h;
		tab[k].last = -1;
	}
	return (int)k;
}

/* Drop the labels of the items marked in mark[] below p, n of them. */
static void
drop_labels(struct ex *x, int p, int n, const unsigned char *mark, int root)
{
	struct label *tab;
	char *t;
	int pass, j, i, end, k, used = 0;

	tab = xcalloc(EX_LABELS, sizeof(*tab));
	for (pass = 0; pass < 2; pass++)
		for (j = x->n[p].first; j >= 0; j = x->n[j].next) {
			if (!mark[j] || x->dead[j])
				continue;
			end = ex_subtree_end(x, j);
			for (i = j + 1; i <= end; i++) {
				if (ex_dead_below(x, i) ||
				    (t = label_like(x, i)) == NULL)
					continue;
				k = label_slot(tab, &used, ex_fnv(t));
				free(t);
				if (k < 0)
					continue;
				if (pass == 0 && tab[k].last != j) {
					tab[k].items++;
					tab[k].last = j;
				} else if (pass == 1 && tab[k].items * 2 >= n &&
				    tab[k].items >= 3) {
					x->cleaned += x->n[i].tlen + 2;
					ex_kill_node(x, i, root);
				}
			}
		}
	free(tab);
}

/*
 * Links to more of a list: "See all tech", "View more"; also a
 * button or a short element of no blocks that says so ("Show More"
 * below a group of filters), but for a heading ("Shop all sofas").
 */
static int
more_link(struct ex *x, int i)
{
	static const char *const more[] = {
		"see all", "view all", "show all", "shop all", "browse all",
		"see more", "view more", "show more", "load more", "read more",
		NULL
	};
	char *t;
	int k, r = 0;

	if (x->n[i].tlen == 0 || ex_tag_is_heading(x->n[i].tag) ||
	    (x->n[i].tag == TidyTag_A ? x->n[i].tlen > 40 :
	    x->n[i].tlen > 20 || x->n[i].nblock > 0 || x->n[i].nsub > 20))
		return 0;
	t = ex_node_text(x, i, 100);
	for (k = 0; more[k] != NULL && !r; k++)
		r = ex_starts_with(t, more[k]);
	free(t);
	return r;
}

/*
 * A block of one or two characters: an index's letter, an item's rank,
 * an avatar's initial, a separator.
 */
static int
tiny_block(struct ex *x, int i)
{
	return (x->n[i].flags & F_BLOCK) && x->n[i].nblock == 0 &&
	    x->n[i].tlen > 0 && x->n[i].tlen <= 2;
}

/*
 * A video's duration over its picture ("1:07", "12:45", "1:02:03"), by
 * its class.
 */
static int
duration(struct ex *x, int i)
{
	static const char *const words[] = { "~duration", NULL };
	char *t;
	size_t k;
	int r;

	if (x->n[i].tlen == 0 || x->n[i].tlen > 8 || x->n[i].attr == NULL ||
	    !ex_match_any(x->n[i].attr, words))
		return 0;
	t = ex_node_text(x, i, 20);
	k = strspn(t, "0123456789");
	r = k > 0 && t[k] == ':' && t[strspn(t, "0123456789:")] == '\0';
	free(t);
	return r;
}

/*
 * A shop's widget of customers' reviews (of the shop, of its best
 * product) below a category: no item of the list.  A rating inside an
 * item is short and stays.
 */
static int
review_widget(struct ex *x, int i)
{
	static const char *const words[] = {
		"~review-widget", "~reviews-widget", "~reviews-container",
		"~review-container", "yotpo-main-widget", NULL
	};

	return x->n[i].tlen >= 200 && x->n[i].attr != NULL &&
	    ex_match_any(x->n[i].attr, words);
}

/*
 * The chrome of a shop's card: badges ("New", "Sale"), colour swatches
 * and their counts, stars and ratings, counts of reviews, the old price
 * struck through beside the new, the buttons to add to a cart or
 * compare.  By the class of the part, by its tag (<s>, <del>) or by the
 * shape of its text; only short parts of an item of a list, never its
 * heading.
 */
static const char *const card_words[] = {
	"~badge", "~swatch", "rating", "stars", "~review-count",
	"~reviews-count", "~yotpo", "~okendo", "~compare-at", "~compare_at",
	"~compareat", "~was-price", "~was_price", "~wasprice", "~old-price",
	"~old_price", "~oldprice", "~price-old", "~price--old",
	"~price--non-sale", "~price--rrp", "strike", "~quick-add",
	"~quickadd", "~quick-view", "~quickview", "~wishlist", NULL
};

/* Badges and buttons of a card, whole texts (case aside). */
static const char *const card_texts[] = {
	"new", "sale", "on sale", "sold out", "out of stock", "in stock",
	"back in stock", "low stock", "new arrival", "new arrivals",
	"new release", "new in", "just in", "best seller", "bestseller",
	"best-seller", "top seller", "online only", "limited edition",
	"add to cart", "add to bag", "add to basket", "quick add",
	"quick view", "quick shop", "choose options", "select options",
	"compare", "add to compare", "add to wishlist", NULL
};

/*
 * A text that is a card's chrome: 1 if one of card_texts, 2 if so by
 * its shape, a rating ("4.5", "4.5 out of 5"), a count of swatches or
 * reviews ("+15", "(20)", "3(2)", "120 reviews") or a discount ("20%
 * off", "-56%"); else 0.
 */
static int
chrome_text(const char *t)
{
	const char *p = t;
	size_t n;
	int k;

	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0 || n > 40)
		return 0;
	for (k = 0; card_texts[k] != NULL; k++)
		if (strlen(card_texts[k]) == n &&
		    strncasecmp(p, card_texts[k], n) == 0)
			return 1;
	/* "+15", "(20)", "3(2)", "4.5", "-56%", "20% off", "120 reviews" */
	if (*p == '+' || *p == '(' || *p == '-')
		p++, n--;
	if (n == 0 || !isdigit((unsigned char)*p))
		return 0;
	k = 0;
	while (n > 0 && (isdigit((unsigned char)*p) || *p == ',')) {
		p++, n--;
		k++;
	}
	if (n == 0)	/* "+15", "-5": bare counts need their sign */
		return t[strspn(t, " ")] == '+' ? 2 : 0;
	if (*p == '.' && n >= 2 && isdigit((unsigned char)p[1]) && k == 1) {
		p += 2, n -= 2;		/* a rating: one digit, a decimal */
		if (n > 0 && isdigit((unsigned char)*p))
			p++, n--;
		if (n == 0 || (n >= 9 && strncasecmp(p, " out of 5", 9) == 0))
			return 2;
		return 0;
	}
	if (*p == ')' && n == 1)
		return 2;
	if (*p == '(' && n >= 3 && p[n - 1] == ')')	/* "3(2)" */
		return strspn(p + 1, "0123456789,") == n - 2 ? 2 : 0;
	if (*p == '%')
		return (n == 1 ? t[strspn(t, " ")] == '-' :
		    strncasecmp(p, "% off", n) == 0) ? 2 : 0;
	if (*p == ' ' && (strncasecmp(p, " reviews", n) == 0 ||
	    strncasecmp(p, " review", n) == 0 ||
	    strncasecmp(p, " ratings", n) == 0 ||
	    strncasecmp(p, " rating", n) == 0))
		return 2;
	return 0;
}

/* Drop the chrome of the cards marked in mark[] below p. */
static void
drop_card_chrome(struct ex *x, int p, const unsigned char *mark, int root)
{
	int j, i, k, end, len;
	char *t;

	for (j = x->n[p].first; j >= 0; j = x->n[j].next) {
		if (!mark[j] || x->dead[j])
			continue;
		end = ex_subtree_end(x, j);
		for (i = j + 1; i <= end; i++) {
			if (ex_dead_below(x, i) || x->n[i].tag == XT_TEXT ||
			    (len = x->n[i].tlen) == 0 || len > 40 ||
			    len * 2 > x->n[j].tlen ||
			    ex_tag_is_heading(x->n[i].tag))
				continue;
			if (!(x->n[i].attr != NULL &&
			    ex_match_any(x->n[i].attr, card_words)) &&
			    x->n[i].tag != TidyTag_S &&
			    x->n[i].tag != TidyTag_DEL &&
			    x->n[i].tag != TidyTag_STRIKE) {
				t = ex_node_text(x, i, 100);
				len = chrome_text(t);
				free(t);
				/* a number is chrome on a line of its own */
				for (k = i; len == 2 && k > j &&
				    !(x->n[k].flags & F_BLOCK); k = x->n[k].parent)
					;
				if (len == 0 || (len == 2 &&
				    !line_alone(x, k, x->n[i].tlen)))
					continue;
			}
			/* its text and the blank line it took */
			x->cleaned += x->n[i].tlen +
			    ((x->n[i].flags & F_BLOCK) ? 2 : 0);
			ex_kill_node(x, i, root);
		}
	}
}

/*
 * A copy of its sibling: the same text for large, medium and small
 * screens, in elements one after the other (spans that drop_repeats,
 * taking blocks, does not see).  The first stays.
 */
static int
sibling_copy(struct ex *x, int i)
{
	int j, r;
	char *a, *b;

	if (x->n[i].tlen < 100 || x->n[i].tag == XT_TEXT)
		return -1;
	for (j = x->n[i].next; j >= 0 && (x->dead[j] ||
	    (x->n[j].tag == XT_TEXT && x->n[j].tlen == 0)); j = x->n[j].next)
		;
	/* the lengths may differ by a space or two around a paragraph */
	if (j < 0 || abs(x->n[j].tlen - x->n[i].tlen) > 4 ||
	    x->n[j].tag == XT_TEXT)
		return -1;
	a = ex_node_text(x, i, (size_t)x->n[i].tlen * 4 + 100);
	b = ex_node_text(x, j, (size_t)x->n[i].tlen * 4 + 100);
	r = strcmp(a, b) == 0;
	free(a);
	free(b);
	return r ? j : -1;
}

/*
 * A group's name alone: short, unlinked, no options (a button or an
 * input at most: its toggle, its tooltip).
 */
static int
bare_group(const struct xn *c)
{
	return c->tlen > 0 && c->tlen <= 40 && c->llen == 0 && c->nli == 0 &&
	    c->sinput <= 1;
}

/*
 * The closed groups of a panel of filters: of three sibling blocks or
 * more of one kind (not a list's items, whose short ones may stand
 * beside one with a list of its own, nor rows or cells), a group open
 * with its options (list items, boxes to tick, links) beside groups
 * that hold their name alone, short and unlinked ("Lens Mount",
 * "Customer Rating"): a closed group's options come from a script when
 * it is opened, and its name alone says nothing of the page.  The bare
 * names go; x->cleaned counts them.
 */
static void
closed_groups(struct ex *x, int p, const int *links, int root)
{
	struct {
		int	 n, open, bare;
	} g[EX_GROUPS] = { { 0, 0, 0 } };
	int gfirst[EX_GROUPS];
	const struct xn *c;
	int j, k, ng = 0;

	for (j = x->n[p].first; j >= 0; j = x->n[j].next) {
		c = &x->n[j];
		if (x->dead[j] || c->tag == XT_TEXT || c->tag == TidyTag_P ||
		    c->tag == TidyTag_LI || c->tag == TidyTag_TR ||
		    c->tag == TidyTag_TD || c->tag == TidyTag_TH ||
		    c->tag == TidyTag_DT || c->tag == TidyTag_DD ||
		    c->tlen == 0 || (k = kind_group(x, gfirst, &ng, j)) < 0)
			continue;
		g[k].n++;
		g[k].bare += bare_group(c);
		g[k].open += c->tlen >= 60 && (c->nli >= 3 || c->sinput >= 3 ||
		    links[j] >= 3);
	}
	for (k = 0; k < ng; k++) {
		if (g[k].n < 3 || g[k].open == 0 || g[k].bare < 2)
			continue;
		for (j = gfirst[k]; j >= 0; j = x->n[j].next)
			if (!x->dead[j] && same_kind(&x->n[gfirst[k]],
			    &x->n[j]) && bare_group(&x->n[j])) {
				x->cleaned += x->n[j].tlen + 2;
				ex_kill_node(x, j, root);
			}
	}
}

/*
 * A list's own chrome: the labels its items repeat, the links to more
 * of it, blocks of a character or two.  x->cleaned counts the
 * characters taken, which are no content when the broad pass's text is
 * weighed against the article's.
 */
void
ex_listing_clean(struct ex *x, int root)
{
	unsigned char *mark, *in;
	int i, j, n, end, *links;

	x->cleaned = 0;
	mark = xcalloc((size_t)x->nn + 1, 1);
	in = xcalloc((size_t)x->nn + 1, 1);
	links = count_links(x);
	end = ex_subtree_end(x, root);
	for (i = root; i <= end; i++) {
		if ((i > root ? ex_dead_below(x, i) : x->dead[i]) ||
		    x->n[i].tag == XT_TEXT)
			continue;
		if (i > root && (more_link(x, i) || tiny_block(x, i) ||
		    review_widget(x, i) || duration(x, i))) {
			x->cleaned += x->n[i].tlen;
			ex_kill_node(x, i, root);
			continue;
		}
		while (i > root && (j = sibling_copy(x, i)) >= 0) {
			x->cleaned += x->n[j].tlen;
			ex_kill_node(x, j, root);
		}
		if (x->type == PT_COLLECTION)
			closed_groups(x, i, links, root);
		in[i] = i > root && (in[x->n[i].parent] || mark[x->n[i].parent]);
		if (in[i] || x->n[i].nblock < 3 ||
		    item_text(x, i, links, mark) == 0)
			continue;
		for (n = 0, j = x->n[i].first; j >= 0; j = x->n[j].next)
			n += mark[j];
		drop_labels(x, i, n, mark, root);
		drop_card_chrome(x, i, mark, root);
	}
	free(links);
	free(in);
	free(mark);
}

/*
 * Are most of the links below node i to places in the page itself
 * (href="#...")?  Then the list is the page's contents, no entries.
 */
int
ex_anchor_list(struct ex *x, int i)
{
	int j, end = ex_subtree_end(x, i), links = 0, anchors = 0;

	for (j = i + 1; j <= end; j++)
		if (!x->dead[j] && x->n[j].tag == TidyTag_A &&
		    (x->n[j].flags & F_LINK)) {
			links++;
			anchors += (x->n[j].flags & F_ANCHOR) != 0;
		}
	return links > 0 && anchors * 2 > links;
}

/*
 * A list of short links on a listing that is content, not a menu: the
 * pages of a category or the entries of an index (eight or more), a
 * titled list of three or more (the list right below its own heading:
 * an index's letter, a category's "Related searches"), an item of the
 * list at list (a product's card of a linked name and price beside
 * empty blocks for its picture and buttons) and the tags inside one.
 * The page's menus are in its navigation, header and footer, gone
 * before.
 */
int
ex_listing_links(struct ex *x, int i, int list, int entries)
{
	int h;

	if (entries >= 8)
		return 1;
	if (entries >= 3 && (h = ex_prev_sibling(x, i)) >= 0 && !x->dead[h] &&
	    ex_tag_is_heading(x->n[h].tag) && x->n[h].tlen > 0 &&
	    !ex_anchor_list(x, i))
		return 1;
	return list >= 0 && i != list && ex_is_ancestor(x, list, i);
}

/*
 * A <header> or <footer> of an item (its title, its byline and date),
 * not of the page: one inside the list of items or inside an
 * <article>.
 */
int
ex_listing_part(struct ex *x, int i, int items)
{
	int j;

	if (x->n[i].tag != TidyTag_HEADER && x->n[i].tag != TidyTag_FOOTER)
		return 0;
	if (items >= 0 && i != items && ex_is_ancestor(x, items, i))
		return 1;
	for (j = x->n[i].parent; j > 0; j = x->n[j].parent)
		if (x->n[j].tag == TidyTag_ARTICLE)
			return 1;
	return 0;
}

/*
 * The same long text twice on a listing or a collection: an excerpt
 * for each size of screen above the full text behind "Read more", a
 * card's list of specifications or ingredients that the next card
 * repeats, a story shown in two sections.  A line of 18 words or more
 * whose runs of four words, four in five of them, stand in a longer
 * line, or in an earlier line as long, goes: the fullest copy stays,
 * the first of equal ones.  The runs are hashed and looked up in one
 * sorted table; a run that many lines share is looked up in the first
 * REP_PEERS of them only, so that a page of copies stays linear.
 */
#define REP_RUN		4	/* words in a run */
#define REP_MIN		15	/* distinct runs of a line that counts */
#define REP_PEERS	16

struct rep {
	uint64_t	h;
	int		line;
};

static int
rep_cmp(const void *a, const void *b)
{
	const struct rep *p = a, *q = b;

	if (p->h != q->h)
		return p->h < q->h ? -1 : 1;
	return (p->line > q->line) - (p->line < q->line);
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t p = *(const uint64_t *)a, q = *(const uint64_t *)b;

	return (p > q) - (p < q);
}

static int
word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* The distinct runs of the line s..e, appended to *runs; their count. */
static size_t
line_runs(const char *s, const char *e, uint64_t **words, size_t *wcap,
    uint64_t **runs, size_t *nruns, size_t *rcap)
{
	size_t nw = 0, k, m, u;
	uint64_t h, *r;
	const char *w;

	while (s < e) {
		if (!word_byte((unsigned char)*s)) {
			s++;
			continue;
		}
		for (w = s; s < e && word_byte((unsigned char)*s); s++)
			;
		if (nw == *wcap) {
			*wcap = *wcap ? *wcap * 2 : 64;
			*words = xrealloc(*words, *wcap * sizeof(**words));
		}
		(*words)[nw++] = ex_fnv_len(w, (size_t)(s - w));
	}
	if (nw < REP_RUN + REP_MIN - 1)
		return 0;
	if (*nruns + nw > *rcap) {
		while (*nruns + nw > *rcap)
			*rcap = *rcap ? *rcap * 2 : 1024;
		*runs = xrealloc(*runs, *rcap * sizeof(**runs));
	}
	r = *runs + *nruns;
	for (k = 0; k + REP_RUN <= nw; k++) {
		for (h = 0, m = 0; m < REP_RUN; m++)
			h = (h ^ (*words)[k + m]) * 0x9e3779b97f4a7c15ULL +
			    m;
		r[k] = h ^ (h >> 29);
	}
	qsort(r, k, sizeof(*r), u64_cmp);
	for (u = 0, m = 0; m < k; m++)
		if (u == 0 || r[m] != r[u - 1])
			r[u++] = r[m];
	if (u < REP_MIN)
		return 0;
	*nruns += u;
	return u;
}

void
ex_listing_repeats(char *text)
{
	uint64_t *words = NULL, *runs = NULL;
	size_t wcap = 0, nruns = 0, rcap = 0, len, k, lo, hi, m, w;
	size_t *off, *cnt;
	struct rep *tab;
	const char **start;
	char *drop;
	int nlines = 1, l, j, t, *hits, *touched, ntouched, any = 0;
	const char *p, *e;

	len = strlen(text);
	for (k = 0; k < len; k++)
		nlines += text[k] == '\n';
	start = xcalloc((size_t)nlines, sizeof(*start));
	off = xcalloc((size_t)nlines, sizeof(*off));
	cnt = xcalloc((size_t)nlines, sizeof(*cnt));
	drop = xcalloc((size_t)nlines, 1);
	hits = xcalloc((size_t)nlines, sizeof(*hits));
	touched = xcalloc((size_t)nlines, sizeof(*touched));
	for (p = text, l = 0; l < nlines; l++, p = e + 1) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = text + len;
		start[l] = p;
		off[l] = nruns;
		cnt[l] = line_runs(p, e, &words, &wcap, &runs, &nruns, &rcap);
	}
	tab = xcalloc(nruns + 1, sizeof(*tab));
	for (l = 0; l < nlines; l++)
		for (k = 0; k < cnt[l]; k++) {
			tab[off[l] + k].h = runs[off[l] + k];
			tab[off[l] + k].line = l;
		}
	qsort(tab, nruns, sizeof(*tab), rep_cmp);
	for (l = 0; l < nlines; l++) {
		if (cnt[l] == 0)
			continue;
		ntouched = 0;
		for (k = 0; k < cnt[l]; k++) {
			for (lo = 0, hi = nruns; lo < hi; ) {
				m = lo + (hi - lo) / 2;
				if (tab[m].h < runs[off[l] + k])
					lo = m + 1;
				else
					hi = m;
			}
			for (m = lo; m < nruns && m < lo + REP_PEERS &&
			    tab[m].h == runs[off[l] + k]; m++) {
				j = tab[m].line;
				if (j == l || cnt[j] < cnt[l] ||
				    (cnt[j] == cnt[l] && j > l))
					continue;
				if (hits[j]++ == 0)
					touched[ntouched++] = j;
				if ((size_t)hits[j] * 5 >= cnt[l] * 4)
					drop[l] = 1;
			}
			if (drop[l])
				break;
		}
		for (t = 0; t < ntouched; t++)
			hits[touched[t]] = 0;
		any |= drop[l];
	}
	if (any) {
		/* the lines that stay; a blank line left doubled goes too */
		for (w = 0, l = 0; l < nlines; l++) {
			/* the line with its '\n', the last one has none */
			m = (size_t)(l + 1 < nlines ? start[l + 1] - start[l] :
			    text + len - start[l]);
			if (drop[l] || (m == 1 && l > 0 && drop[l - 1] &&
			    (w == 0 || (w >= 2 && text[w - 2] == '\n'))))
				continue;
			memmove(text + w, start[l], m);
			w += m;
		}
		while (w > 0 && text[w - 1] == '\n')
			w--;
		text[w] = '\0';
	}
	free(tab);
	free(touched);
	free(hits);
	free(drop);
	free(cnt);
	free(off);
	free(start);
	free(runs);
	free(words);
}
