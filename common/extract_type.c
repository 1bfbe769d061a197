/*
 * extract_type.c - stage 3 of extraction: the page type, from
 * schema.org clues, URL and shape, and the broad pass that takes the
 * main region of pages that are not articles.  extract.c says how
 * the stages fit together.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "extract_priv.h"

/* ----------------------------------------------------- page type clues */

/*
 * The page type a schema.org type names, or -1.  A full URL
 * ("http://schema.org/Product") counts by its last part.
 */
int
ex_schema_page_type(const char *t)
{
	static const struct {
		const char	*name;
		int		 type;
	} map[] = {
		{ "Article", PT_ARTICLE }, { "NewsArticle", PT_ARTICLE },
		{ "BlogPosting", PT_ARTICLE }, { "Report", PT_ARTICLE },
		{ "ScholarlyArticle", PT_ARTICLE },
		{ "OpinionNewsArticle", PT_ARTICLE },
		{ "AnalysisNewsArticle", PT_ARTICLE },
		{ "ReportageNewsArticle", PT_ARTICLE },
		{ "LiveBlogPosting", PT_ARTICLE }, { "Recipe", PT_ARTICLE },
		{ "DiscussionForumPosting", PT_FORUM }, { "QAPage", PT_FORUM },
		{ "Question", PT_FORUM }, { "Answer", PT_FORUM },
		{ "SocialMediaPosting", PT_FORUM },
		{ "Product", PT_PRODUCT }, { "ProductGroup", PT_PRODUCT },
		{ "IndividualProduct", PT_PRODUCT },
		{ "ProductModel", PT_PRODUCT },
		{ "TechArticle", PT_DOC }, { "APIReference", PT_DOC },
		{ "Service", PT_SERVICE },
		{ "ProfessionalService", PT_SERVICE },
		{ "FinancialService", PT_SERVICE },
		{ "HomeAndConstructionBusiness", PT_SERVICE },
		{ "ItemList", PT_LISTING }, { "CollectionPage", PT_LISTING },
		{ "SearchResultsPage", PT_LISTING }, { "Blog", PT_LISTING },
		{ "OfferCatalog", PT_COLLECTION },
	};
	const char *p;
	size_t k;

	if ((p = strrchr(t, '/')) != NULL)
		t = p + 1;
	for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (strcmp(t, map[k].name) == 0)
			return map[k].type;
	return -1;
}

/* Is the type's name from b to e the name s? */
static int
type_named(const char *b, const char *e, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(e - b) == n && strncmp(b, s, n) == 0;
}

/*
 * Count the schema.org types of an itemtype attribute (several URLs
 * may be given) or of a JSON-LD @type.  Products count once each, so
 * that many of them make a collection rather than a product page.
 * The node flags the types give an element: F_QA for a Question or an
 * Answer, F_CMT for a Comment.
 */
unsigned
ex_schema_evidence(struct ex *x, const char *v, int ld)
{
	char tok[128];
	const char *b, *e;
	size_t n;
	unsigned f = 0;
	int t;

	while (*v) {
		while (isspace((unsigned char)*v))
			v++;
		e = v + strcspn(v, " \t\n\r\f");
		if ((n = (size_t)(e - v)) == 0)
			break;
		for (b = e; b > v && b[-1] != '/'; b--)
			;
		if (type_named(b, e, "Question") || type_named(b, e, "Answer"))
			f |= F_QA;
		else if (type_named(b, e, "Comment"))
			f |= F_CMT;
		if (n < sizeof(tok)) {
			memcpy(tok, v, n);
			tok[n] = '\0';
			e = strrchr(tok, '/');
			e = e != NULL ? e + 1 : tok;
			if (strcmp(e, "Recipe") == 0)
				x->recipe = 1;
			if (strcmp(e, "FAQPage") == 0)
				x->faq = 1;
			else if (strcmp(e, "Question") == 0 ||
			    strcmp(e, "Answer") == 0)
				x->nqa += x->nqa < 1000;
			else if ((t = ex_schema_page_type(tok)) >= 0 &&
			    x->pt[t] < 1000)
				x->pt[t] += ld ? 2 : 1;
			e = v + n;
		}
		v = e;
	}
	return f;
}

/* "Add to cart" and the like: a shop's product or collection page. */
void
ex_cart_evidence(struct ex *x, TidyDoc td, TidyNode tn)
{
	static const char *const words[] = {
		"add to cart", "add to bag", "add to basket", "buy now",
		"add to trolley", "in den warenkorb", "ajouter au panier",
		"add to wishlist", "buy it now", NULL
	};
	const char *v;
	char *t;
	int k;

	if (x->ncart >= 1000)
		return;
	if ((v = ex_attr_get(tn, "value")) != NULL)
		t = xstrdup(v);
	else
		t = ex_tidy_text(x, td, tn);
	for (k = 0; words[k] != NULL; k++)
		if (strcasestr(t, words[k]) != NULL) {
			x->ncart++;
			break;
		}
	free(t);
}

/* ----------------------------------------------------------- page types */

/* The text of the microdata Comments (one inside another counts once). */
static int
comments_len(struct ex *x)
{
	int i, len = 0, end = 0;

	for (i = 1; i < x->nn; i++)
		if (i > end && (x->n[i].flags & F_CMT) && !x->dead[i]) {
			len += x->n[i].tlen;
			end = ex_subtree_end(x, i);
		}
	return len;
}

/* A price in a text: a currency sign or code beside a digit. */
static int
has_price(const char *t)
{
	static const char *const cur[] = {
		"$", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xa5", "\xe2\x82\xb9",
		"USD", "EUR", "GBP", NULL
	};
	const char *p;
	size_t n;
	int k;

	for (k = 0; cur[k] != NULL; k++) {
		n = strlen(cur[k]);
		for (p = t; (p = strstr(p, cur[k])) != NULL; p += n) {
			if (isdigit((unsigned char)p[n]) || (p[n] == ' ' &&
			    isdigit((unsigned char)p[n + 1])))
				return 1;
			if (p > t && isdigit((unsigned char)p[-1]))
				return 1;
			if (p > t + 1 && p[-1] == ' ' &&
			    isdigit((unsigned char)p[-2]))
				return 1;
		}
	}
	return 0;
}

/*
 * An amount off ("$25.00 Off Any Repair", "Save 20%"): a coupon's or a
 * sale's discount, no price of an item.
 */
static int
discount(const char *t)
{
	const char *p;

	if (strncasecmp(t, "save ", 5) == 0)
		return 1;
	for (p = t; *p != '\0'; p++)
		if (isdigit((unsigned char)*p) && strncasecmp(p + 1 +
		    strspn(p + 1, "0123456789.,% "), "off", 3) == 0)
			return 1;
	return 0;
}

int
ex_has_price(const char *t)
{
	return has_price(t);
}

static int
url_has(const char *url, const char *const *parts)
{
	int k;

	if (url == NULL)
		return 0;
	for (k = 0; parts[k] != NULL; k++)
		if (strcasestr(url, parts[k]) != NULL)
			return 1;
	return 0;
}

/*
 * Repeated blocks: the children of one parent that share tag and
 * class, and together hold much of the page's text.  Posts are long
 * and mostly unlinked; items of a listing are short, each with a
 * link; items of a collection carry prices.  Returns a page type or
 * -1; *share is the part of the text the group holds, in percent.
 */
#define EX_SIGS	16

/* Same class attribute?  (attr is "class id"; ids differ per post.) */
static int
same_class(const char *a, const char *b)
{
	const char *ea, *eb;

	if (a == NULL || b == NULL)
		return a == b;
	ea = strrchr(a, ' ');
	eb = strrchr(b, ' ');
	if (ea - a == eb - b && strncmp(a, b, (size_t)(ea - a)) == 0)
		return 1;
	return ex_like_class(a, b);
}

static const char *const post_words[] = {
	"~post", "~message", "~comment", "~reply", "~answer", NULL
};

/* a story's comments or a question's answers: posts, never items */
static const char *const reply_words[] = {
	"~comment", "~reply", "~answer", NULL
};

static int
repeated_blocks(struct ex *x, const int *price, int bodylen)
{
	struct {
		const char	*attr;
		int		 tag, n, tlen, llen, linked, priced, head;
	} g[EX_SIGS];
	int i, j, k, ng, best = -1, bestlen = 0, type;
	unsigned char *chrome;
	struct xn *c;

	/*
	 * a sidebar's widgets, a menu's entries, the page's header and
	 * footer beside its content: the site's frame, no list.  Inside
	 * a <nav>, <aside>, <header> or <footer> or a navigation's role,
	 * or named so by its own class: not by an ancestor's (a page's
	 * wrapper may name a menu or ads among its classes and hold the
	 * list all the same).
	 */
	chrome = xcalloc((size_t)x->nn + 1, 1);
	for (i = 1; i < x->nn; i++)
		chrome[i] = (chrome[x->n[i].parent] & 1) |
		    ((x->n[i].flags & F_BADROLE) ||
		    x->n[i].tag == TidyTag_NAV ||
		    x->n[i].tag == TidyTag_HEADER ||
		    x->n[i].tag == TidyTag_FOOTER ||
		    x->n[i].tag == TidyTag_ASIDE) |
		    ((x->n[i].abits & A_CHROME) ? 2 : 0);
	for (i = 1; i < x->nn; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT || chrome[i] ||
		    x->n[i].nblock < 4 || x->n[i].tlen * 5 < bodylen)
			continue;
		ng = 0;
		for (j = x->n[i].first; j >= 0; j = x->n[j].next) {
			c = &x->n[j];
			if (x->dead[j] || c->tag == XT_TEXT || c->tlen == 0 ||
			    !(c->flags & F_BLOCK) || c->tag == TidyTag_P ||
			    ex_tag_is_heading(c->tag) || chrome[j])
				continue;
			for (k = 0; k < ng; k++)
				if (g[k].tag == c->tag &&
				    same_class(g[k].attr, c->attr))
					break;
			if (k == ng) {
				if (ng == EX_SIGS)
					continue;
				memset(&g[k], 0, sizeof(g[k]));
				g[k].attr = c->attr;
				g[k].tag = c->tag;
				ng++;
			}
			g[k].n++;
			g[k].tlen += c->tlen;
			g[k].llen += c->llen;
			g[k].linked += c->llen > 0;
			g[k].priced += price[j] > 0;
			g[k].head += c->nhead > 0;
		}
		for (k = 0; k < ng; k++) {
			if (g[k].n < 3 || g[k].tlen * 10 < bodylen * 3 ||
			    g[k].tlen <= bestlen)
				continue;
			type = -1;
			if (g[k].n < 4 && !ex_match_any(g[k].attr, post_words))
				;	/* three posts: a thread, no list */
			else if (g[k].priced * 2 >= g[k].n &&
			    g[k].linked * 2 >= g[k].n)
				type = PT_COLLECTION;
			else if ((g[k].tlen / g[k].n >= 150 ||
			    (g[k].tlen / g[k].n >= 60 &&
			    ex_match_any(g[k].attr, post_words))) &&
			    g[k].llen * 4 < g[k].tlen && g[k].attr != NULL &&
			    g[k].tag != TidyTag_LI && g[k].tag != TidyTag_TR &&
			    g[k].head * 2 < g[k].n)
				type = PT_FORUM;
			else if (g[k].linked * 4 >= g[k].n * 3 &&
			    g[k].tlen / g[k].n < 600 &&
			    g[k].tag != TidyTag_TR &&
			    !ex_match_any(g[k].attr, reply_words) &&
			    !ex_match_any(x->n[i].attr, reply_words))
				type = PT_LISTING;
			if (type >= 0) {
				best = type;
				bestlen = g[k].tlen;
			}
		}
	}
	free(chrome);
	return best;
}

/*
 * Is the page's date only the one its JSON-LD gives a WebPage (no
 * Article), with no article:published_time, no datePublished property
 * in the page and no <time>?  SEO plugins date every page of a site so,
 * the service pages too: it is no mark of a story.
 */
static int
page_date_only(struct ex *x)
{
	return x->ldrank == 1 && x->pubprop == NULL && x->timedt == NULL &&
	    ex_meta_get(x, "article:published_time") == NULL &&
	    ex_meta_get(x, "og:published_time") == NULL &&
	    ex_meta_get(x, "article:published") == NULL;
}

/*
 * A date of a day beside the page's headline: in the text from a
 * little above its <h1> (a kicker, a date over the title) to a little
 * below it (the byline, "Published: 2025.12.17").  A story's mark that
 * a page without metadata shows too; service pages show none.  Not
 * where the page shows ten dates or more: a thread's or a listing's,
 * one to each post or item, the first beside the title.
 */
static int
dated_head(struct ex *x)
{
	struct tq_buf b = { 0 };
	int i, n, r;

	if (x->h1 <= 0)
		return 0;
	for (i = x->h1, n = 0; i > 1 && n < 200; i--)
		if (x->n[i - 1].tag == XT_TEXT && !x->dead[i - 1])
			n += x->n[i - 1].tlen;
	tq_buf_add(&b, "", 0);
	for (n = 0; i < x->nn && n < 800; i++) {
		if (x->n[i].tag != XT_TEXT || x->dead[i] ||
		    x->n[i].text == NULL)
			continue;
		tq_buf_add(&b, x->n[i].text, strnlen(x->n[i].text, 400));
		tq_buf_add(&b, " ", 1);
		n += x->n[i].tlen;
	}
	r = ex_text_date(b.data);
	tq_buf_free(&b);
	for (i = 1, n = 0; r && i < x->nn && n < 10; i++)
		n += x->n[i].tag == XT_TEXT && !x->dead[i] &&
		    x->n[i].tlen <= 100 && x->n[i].text != NULL &&
		    ex_text_date(x->n[i].text);
	return r && n < 10;
}

/*
 * A JSON-LD Product with its stars (a rating, a review) and no offers,
 * on a page that shows no price and no button to buy: a business's
 * reviews dressed as a product for the search engines (a service
 * page's "Electricians in San Jose" rated 5), no product for sale.
 */
static int
stars_only(const struct ex *x, int nprice)
{
	return x->ldproduct != NULL && nprice == 0 && x->ncart == 0 &&
	    json_object_get(x->ldproduct, "offers") == NULL &&
	    (json_object_get(x->ldproduct, "aggregateRating") != NULL ||
	    json_object_get(x->ldproduct, "review") != NULL);
}

/*
 * The page type, from what the page says of itself (JSON-LD and
 * microdata types, og:type), its URL's conventional paths and its
 * shape (repeated blocks, prices, shop buttons, code blocks).
 */
int
ex_detect_type(struct ex *x, const char *url, const struct tq_doc *doc)
{
	static const char *const u_forum[] = {
		"/forum", "/threads/", "/thread/", "viewtopic", "showthread",
		"/topic/", "/questions/", "/t/", "/comments/", "/discussion",
		"/community/", "?topic=", "&topic=", "/thread-",
		/* hosts of their own ("//forum." is a "/forum") */
		"://bbs.", "://boards.", "://discuss.", NULL
	};
	static const char *const u_product[] = {
		"/product/", "/products/", "/p/", "/dp/", "/itm/", "/ip/",
		"/item/", "/pdp/", NULL
	};
	static const char *const u_coll[] = {
		"/collections/", "/category/", "/c/", "/cat/", "/shop/",
		"/l/", "/browse/", "/genre/", NULL
	};
	static const char *const u_doc[] = {
		"/docs/", "/doc/", "://docs.", "/documentation", "/manual",
		"/reference/", "/man-pages/", "/tutorial", "/guide/",
		"/wiki/", "/learn", "/api/", NULL
	};
	static const char *const u_service[] = {
		"/services/", "/service/", "/solutions/", "/solution/", NULL
	};
	int sc[PT_N], *price, i, k, best, bodylen, shape, nlong = 0;
	int ncard = 0, cardlen = 0, cardhead = 0, nprice, pagedate;
	const char *og = ex_meta_get(x, "og:type");
	struct xn *n;

	memset(sc, 0, sizeof(sc));
	bodylen = x->n[x->body].tlen;
	price = xcalloc((size_t)x->nn + 1, sizeof(int));
	for (i = x->nn - 1; i > 0; i--) {
		n = &x->n[i];
		if (x->dead[i])
			continue;
		if (n->tag == XT_TEXT && n->tlen < 40 && has_price(n->text) &&
		    !discount(n->text))
			price[i] = 1;
		if (n->tag == TidyTag_P && n->tlen >= 200 &&
		    n->llen * 5 < n->tlen)
			nlong++;
		if (n->parent > 0)
			price[n->parent] += price[i];
	}
	shape = repeated_blocks(x, price, bodylen);
	sc[PT_PRODUCT] += ex_product_evidence(x, price);
	nprice = price[x->body];
	free(price);
	/* cards: linked headings, each with its snippet */
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (x->dead[i] || n->tag < TidyTag_H2 || n->tag > TidyTag_H4 ||
		    n->tlen == 0 || n->llen * 2 < n->tlen)
			continue;
		ncard++;
		cardhead += n->tlen;
		k = n->parent;
		cardlen += k > 0 && x->n[k].nhead == 1 && x->n[k].tlen < 600 ?
		    x->n[k].tlen : n->tlen;
	}
	if (shape < 0 && ncard >= 5 && cardlen * 10 >= bodylen * 4)
		shape = PT_LISTING;
	/* a grid of products: many linked headings, as many prices */
	if (ncard >= 20 && nprice * 2 >= ncard)
		sc[PT_COLLECTION] += 2;
	/* most of the page in cards: a listing, whatever else it says */
	if (ncard >= 5 && cardlen * 10 >= bodylen * 6)
		sc[PT_LISTING] += 8;
	/*
	 * a front page or a hub of stories: twenty or more linked
	 * headlines of a line each, no prices beside them, and not a
	 * story's many paragraphs above its related links
	 */
	if (ncard >= 20 && cardhead >= 1000 && cardhead >= ncard * 40 &&
	    nprice * 2 < ncard && nlong * 2 < ncard)
		sc[PT_LISTING] += 4;
	/* most of the page's content in lists of items, priced or not */
	if (ex_listing_share(x) >= 55)
		sc[nprice >= 5 ? PT_COLLECTION : PT_LISTING] += 5;

	/*
	 * a thread of posts marked as schema.org Comments that hold half
	 * of the page's text or more: a forum, whatever else it says of
	 * itself (an Article with its replies); a story's few comments
	 * below it hold much less
	 */
	if (x->ncmt >= 5 && comments_len(x) * 2 >= bodylen)
		sc[PT_FORUM] += 10;
	/* what the page says of itself */
	sc[PT_ARTICLE] += x->pt[PT_ARTICLE] > 0 ? 4 : 0;
	sc[PT_FORUM] += x->pt[PT_FORUM] > 0 || (x->nqa > 0 && !x->faq) ? 6 : 0;
	if (x->pt[PT_PRODUCT] > 0 && x->pt[PT_PRODUCT] <= 4 &&
	    !stars_only(x, nprice))
		sc[PT_PRODUCT] += 6;
	else if (x->pt[PT_PRODUCT] > 4)
		sc[PT_COLLECTION] += 6;
	if (x->pt[PT_COLLECTION] >= 2)	/* products listed */
		sc[PT_COLLECTION] += 6;
	sc[PT_DOC] += x->pt[PT_DOC] > 0 ? 6 : 0;
	sc[PT_SERVICE] += x->pt[PT_SERVICE] > 0 ? 3 : 0;
	sc[PT_LISTING] += x->pt[PT_LISTING] >= 3 ? 4 :
	    x->pt[PT_LISTING] > 0 ? 2 : 0;
	sc[PT_COLLECTION] += x->pt[PT_COLLECTION] > 0 ? 3 : 0;
	if (og != NULL) {
		if (strcasecmp(og, "article") == 0 ||
		    strcasecmp(og, "blog") == 0)
			sc[PT_ARTICLE] += 2;
		else if (strcasecmp(og, "product.group") == 0)
			sc[PT_COLLECTION] += 4;	/* Open Graph's group */
		else if (strcasestr(og, "product") != NULL)
			sc[PT_PRODUCT] += 4;
	}
	/* conventional paths */
	if (url_has(url, u_forum))
		sc[PT_FORUM] += 3;
	if (url_has(url, u_product))
		sc[PT_PRODUCT] += 2;
	if (url_has(url, u_coll))
		sc[PT_COLLECTION] += 2;
	if (url_has(url, u_doc))
		sc[PT_DOC] += 2;
	if (url_has(url, u_service))
		sc[PT_SERVICE] += 2;
	/* shape */
	if (shape >= 0)
		sc[shape] += 3;
	if (x->ncart > 0 && x->ncart <= 2)
		sc[PT_PRODUCT] += 3;
	else if (x->ncart > 2)
		sc[PT_COLLECTION] += 3;
	if (x->npre >= 2)
		sc[PT_DOC] += 2;
	/*
	 * ten code blocks or more: a manual's examples, even where the
	 * page says it is an article (og:type, a date)
	 */
	if (x->npre >= 10)
		sc[PT_DOC] += 3;
	pagedate = doc->published != NULL && page_date_only(x);
	if (doc->published != NULL && !pagedate)
		sc[PT_ARTICLE] += 2;
	if (doc->byline != NULL)
		sc[PT_ARTICLE] += 1;
	/* the date under a thread's title is its first post's */
	if ((doc->published == NULL || pagedate) && sc[PT_FORUM] == 0 &&
	    dated_head(x))
		sc[PT_ARTICLE] += 2;
	/*
	 * A page with no marks of a story and no code: a service or
	 * landing page, unless it shows the marks of another type.
	 */
	if (sc[PT_ARTICLE] == 0 && x->npre == 0)
		sc[PT_SERVICE] += 3;
	x->artmarks = sc[PT_ARTICLE] + (pagedate ? 2 : 0);
	/*
	 * og:type article alone, without a date or an author: the
	 * default that SEO plugins give every page of a site.
	 */
	x->ogonly = og != NULL && x->artmarks == 2 &&
	    (strcasecmp(og, "article") == 0 || strcasecmp(og, "blog") == 0);
	if (nlong >= 4)
		sc[PT_ARTICLE] += 2;
	best = PT_ARTICLE;
	for (k = 1; k < PT_N; k++)
		if (k != PT_SERVICE && sc[k] > sc[best])
			best = k;
	if (sc[PT_SERVICE] > sc[best])
		best = PT_SERVICE;
	if (sc[best] < 2)
		best = PT_ARTICLE;
	return best;
}

/* ---------------------------------------------------------- broad pass */

/* a story's comments ("answer" names the answers of an FAQ too) */
static const char *const comment_words[] = { "~comment", NULL };

/*
 * Does block i hold fewer than k entries: no block in it, itself
 * included, has k children with text or more (a list of comments,
 * however deep in its wrappers)?
 */
static int
few_entries(struct ex *x, int i, int k)
{
	int end = ex_subtree_end(x, i), j, c, n;

	for (j = i; j <= end; j++) {
		if (x->dead[j] || x->n[j].tag == XT_TEXT)
			continue;
		n = 0;
		for (c = x->n[j].first; c >= 0; c = x->n[c].next)
			n += !x->dead[c] && x->n[c].tag != XT_TEXT &&
			    x->n[c].tlen > 0;
		if (n >= k)
			return 0;
	}
	return 1;
}

/*
 * The blocks named as comments, or inside one, marked in an array of
 * x->nn bytes (in one pass: a parent comes before its children).
 */
static unsigned char *
comment_blocks(struct ex *x)
{
	unsigned char *c = xcalloc((size_t)x->nn + 1, 1);
	int i;

	for (i = 1; i < x->nn; i++)
		c[i] = c[x->n[i].parent] ||
		    ex_match_any(x->n[i].attr, comment_words);
	return c;
}

/*
 * Classes of page chrome: no content on any kind of page.  Text for
 * screen readers only is chrome too (reader_words), but for its
 * sentences on a collection (reader_text).
 */
static const char *const chrome_words[] = {
	"~cookie", "consent", "gdpr", "~newsletter", "~subscribe", "~popup",
	"modal", "~breadcrumb", "~share", "sharing", "~social", "~navbar",
	"~navigation", "nav", "~menu", "~footer", "~sidebar", "skip", "crumbs",
	"agegate", "signup", "login", "~outbrain", "~taboola", "ad", "ads",
	"-ad-", "ad-", "~advert", "~sponsor", "pagination", "pager",
	"toolbar", "dropdown", "tooltip", "popover", "masthead", "~banner",
	"~facet", "~filter", "~editsection", "edit-section", "edit-link",
	NULL
};

/* Classes of a post's own chrome, whatever else the class says. */
static const char *const post_chrome[] = {
	"~signature", "~usertitle", "user-title", "~membertitle",
	"member-title", "~userextras", "user-extras", "~userbanner",
	"user-banner", "~userstats", "user-stats", NULL
};

/*
 * Classes of text for screen readers only; "screen-reader-text" is so
 * whatever else the class says.
 */
static const char *const reader_words[] = {
	"sr-only", "visually-hidden", "screen-reader", "offscreen", NULL
};
static const char *const reader_sure[] = { "screen-reader", NULL };

/*
 * Short blocks that open with these are the chrome of forums (user
 * panels, account prompts) and shops (cart, delivery, payment terms).
 */
static const char *const chrome_leads[] = {
	/* forums */
	"join date", "joined:", "joined ", "posts:", "messages:",
	"reaction score", "registered:", "reputation:", "location:",
	"member since", "thanks received", "likes received", "offline",
	"online", "reply with quote", "quote", "multiquote", "report post",
	"share post", "original poster", "op posts", "signature",
	"create an account", "sign in", "sign up", "log in", "login",
	"register", "you must log in", "you need to be a member",
	"ask question", "go to topic", "board index", "jump to",
	"top posters", "popular days", "new member", "join now",
	"edited ", "last edited", "answered ", "asked ",
	"commented ", "modified ", "sorted by", "recommended posts",
	"advertisement", "post a reply", "start thread", "reply to this",
	/* shops */
	"add to cart", "add to bag", "add to basket", "add to list",
	"add to wishlist", "add to favorites", "buy now", "buy it now",
	"in stock", "out of stock", "sold out", "sold by", "sold and shipped",
	"ships from", "ships in", "ships the same day", "free shipping",
	"free delivery", "free returns", "free 90-day", "free 30-day",
	"shipping and returns", "returns & exchanges", "returns and exchanges",
	"delivery", "pickup", "store pickup", "qty", "quantity",
	"sale price", "regular price", "price when purchased", "compare",
	"color:", "colour:", "size:", "size guide", "find your size",
	"financing", "or 4 payments", "or 4 interest-free", "klarna",
	"afterpay", "write a review", "see bulk discounts", "show more",
	"show less", "see more", "view more", "view all", "load more",
	"you might also like", "you may also like", "frequently bought",
	"customers also", "recently viewed", "related products",
	"get notified", "notify me", "coming soon", "shop now",
	"order today", "vat included", "skip to", "get started",
	"loading", "condition:", "ready to ship", "low in stock",
	"only 1 left", "30-day returns", "report this item", "learn more",
	"ask an expert", "have one to sell", "buy a bundle",
	"complete your order", "buy all", "most popular accessories",
	"visit the ", "hero image", "shopping for",
	"order within", "arrives by", "get it by", "same day shipping",
	"same-day shipping", "trade in your", "trade-in", "no longer available",
	"more seller options", "other sellers", "how do you want your item",
	"choose your free", "this item is gift", "returns accepted",
	NULL
};

/*
 * Short blocks that are no text: a phone number, a rating, and on a
 * product page a price standing alone.
 */
int
ex_short_junk(struct ex *x, int i, int type)
{
	char *t;
	const char *p;
	int digits = 0, letters = 0, r = 0;

	if (x->n[i].tlen == 0 || x->n[i].tlen > 40 || x->n[i].nsub > 20)
		return 0;
	t = ex_node_text(x, i, 100);
	for (p = t; *p; p++) {
		digits += isdigit((unsigned char)*p) != 0;
		letters += isalpha((unsigned char)*p) != 0;
	}
	/*
	 * a phone number; a time ("12:05"), a date or a price's range
	 * ("$124.93 - $155.00") makes no phone
	 */
	if (digits >= 9 && letters == 0 && strpbrk(t, "-() .") != NULL &&
	    strchr(t, ':') == NULL && strchr(t, '/') == NULL &&
	    !has_price(t))
		r = 1;
	else if (digits > 0 && letters < 30 && (strcasestr(t, "review") ||
	    strcasestr(t, "rating") || strcasestr(t, "stars")))
		r = 1;
	else if (type == PT_PRODUCT && digits > 0 && letters <= 12 &&
	    has_price(t))
		r = 1;
	free(t);
	return r;
}

/*
 * A block that is a bare address and nothing else: a pasted link, an
 * image's location in a list of a product's fields.  Its target is no
 * text.  (In a table's cell it is a column of the table, in a code
 * block an example: it stays.)
 */
int
ex_bare_url(struct ex *x, int i)
{
	char *t;
	int r;

	if (x->n[i].tlen < 12 || x->n[i].tlen > 2000 || x->n[i].nsub > 4 ||
	    x->n[i].tag == TidyTag_TD || x->n[i].tag == TidyTag_TH ||
	    (x->n[i].flags & F_PRE))
		return 0;
	t = ex_node_text(x, i, 2100);
	r = (ex_starts_with(t, "http://") || ex_starts_with(t, "https://") ||
	    ex_starts_with(t, "www.")) && strpbrk(t, " \t\n") == NULL;
	free(t);
	return r;
}

/* The labels of forum user panels, standing alone. */
static const char *const user_labels[] = {
	"joined", "messages", "posts", "points", "reaction score",
	"member type", "location", "solutions", "reputation", "likes",
	"member", "full member", "junior member", "senior member",
	"guest", "author", "moderator", "administrator", "staff member",
	"thread starter", "discussion starter", "op", NULL
};

/* Classes of links dressed as buttons. */
static const char *const button_words[] = {
	"btn", "~button", "cta", NULL
};

/*
 * A block whose blocks hold no text of their own (a label above a
 * rule, <hr>): a leaf for the chrome tests.
 */
static int
leafish(struct ex *x, int i)
{
	int j;

	if (x->n[i].nblock == 0)
		return 1;
	for (j = x->n[i].first; j >= 0; j = x->n[j].next)
		if (!x->dead[j] && (x->n[j].flags & F_BLOCK) &&
		    (x->n[j].tlen > 0 || x->n[j].nblock > 0))
			return 0;
	return 1;
}

/* A thread's short line of links only, two or more: category badges. */
static int
badges(struct ex *x, int i)
{
	int j, k, links = 0;

	if (x->type != PT_FORUM || x->n[i].tlen > 100 ||
	    x->n[i].llen < x->n[i].tlen || x->n[i].nsub > 30)
		return 0;
	for (j = i + 1, k = ex_subtree_end(x, i); j <= k; j++)
		links += !x->dead[j] && x->n[j].tag == TidyTag_A &&
		    x->n[j].tlen > 0;
	return links >= 2;
}

/* The notes forum software puts under a closed thread. */
static const char *const closing_notes[] = {
	"this topic was automatically closed", "this thread was closed",
	"this thread has been closed", "this topic has been closed",
	"new replies are no longer allowed", "not open for further replies",
	"this thread is archived", "this thread has been archived", NULL
};

/*
 * A breadcrumb trail: mostly links, parted by two or more arrows
 * ("Forum > Science > Programming").
 */
static int
crumbs(struct ex *x, int i, const char *t)
{
	static const char *const seps[] = {
		" \xe2\x80\xba ", " \xc2\xbb ", " > ", " / ", " \xe2\x86\x92 ",
		" \xe2\x96\xb8 ", NULL
	};
	const char *p;
	int k, n;

	if (x->n[i].llen * 2 < x->n[i].tlen)
		return 0;
	for (k = 0; seps[k] != NULL; k++) {
		for (n = 0, p = t; (p = strstr(p, seps[k])) != NULL; p++)
			n++;
		if (n >= 2)
			return 1;
	}
	return 0;
}

/*
 * A shop's internal field name shown as a label ("retail_price_tier1:",
 * "cat_thumb_Navy:"): letters or digits, an underscore, a colon last.
 */
static int
field_key(const char *t)
{
	const char *p = t;
	size_t n = strlen(t);

	if (n < 3 || n > 60 || t[n - 1] != ':')
		return 0;
	while (isalnum((unsigned char)*p))
		p++;
	return p > t && *p == '_' && isalnum((unsigned char)p[1]);
}

int
ex_chrome_lead(struct ex *x, int i)
{
	char *t;
	int k, r = 0;

	if (x->n[i].tlen == 0 || x->n[i].tlen > 200 || x->n[i].nsub > 60)
		return 0;
	t = ex_node_text(x, i, 400);
	if (ex_qa_time(x, i, t)) {
		free(t);
		return 0;
	}
	for (k = 0; closing_notes[k] != NULL && !r; k++)
		if (strncasecmp(t, closing_notes[k],
		    strlen(closing_notes[k])) == 0)
			r = 1;
	if (!r)
		r = crumbs(x, i, t) || badges(x, i) || ex_forum_chrome(x, i, t);
	if (!r && (x->type == PT_PRODUCT || x->type == PT_COLLECTION))
		r = field_key(t);
	if (!r && x->type == PT_PRODUCT)
		r = ex_product_lead(t);
	if (r || x->n[i].tlen > 80 || x->n[i].nsub > 40) {
		free(t);
		return r;
	}
	for (k = 0; chrome_leads[k] != NULL && !r; k++)
		if (strncasecmp(t, chrome_leads[k],
		    strlen(chrome_leads[k])) == 0)
			r = 1;
	for (k = 0; user_labels[k] != NULL && !r; k++)
		if (strcasecmp(t, user_labels[k]) == 0)
			r = 1;
	free(t);
	return r;
}

int
ex_attr_chrome(const char *attr)
{
	/* "postsignature", "message-usertitle": a post's chrome */
	return ex_attr_words(attr, chrome_words, post_chrome) ||
	    ex_attr_words(attr, reader_words, reader_sure);
}

/*
 * Text for screen readers only that stays on a collection: a
 * sentence of 20 characters or more, where no other word of the class
 * makes it chrome.  It says what a card shows in pictures (a swatch's
 * "Option: MICKE, Desk, black-brown") or what a link leads to ("Read
 * full article: How to Choose a Stove"); the labels of a word or two
 * ("Regular price:", "Sale price") still go.
 */
static int
reader_text(const struct ex *x, int i, int type)
{
	const struct xn *n = &x->n[i];

	return type == PT_COLLECTION && n->attr != NULL &&
	    n->tlen >= 20 && ex_attr_words(n->attr, reader_words, reader_sure) &&
	    !ex_attr_words(n->attr, chrome_words, post_chrome);
}

/*
 * Blocks that repeat an earlier block word for word (the same caption
 * for desktop and mobile, a price table twice): only the first stays.
 */
#define EX_SEEN	8192	/* slots of the hash set, a power of two */

static void
drop_repeats(struct ex *x, int root, int end)
{
	uint64_t *seen, h;
	int i, nseen = 0;
	size_t k;
	char *t;

	seen = xcalloc(EX_SEEN, sizeof(*seen));
	for (i = root + 1; i <= end && nseen < EX_SEEN / 2; i++) {
		if (x->dead[i] || x->n[i].tag == XT_TEXT ||
		    !(x->n[i].flags & F_BLOCK) || x->n[i].nblock > 0 ||
		    x->n[i].tlen < 40 || x->n[i].nsub > 50)
			continue;
		t = ex_node_text(x, i, 2000);
		h = ex_fnv(t);
		free(t);
		for (k = h & (EX_SEEN - 1); seen[k] != 0 && seen[k] != h;
		    k = (k + 1) & (EX_SEEN - 1))
			;
		if (seen[k] == h)
			ex_kill_node(x, i, root);
		else {
			seen[k] = h;
			nseen++;
		}
	}
	free(seen);
}

/*
 * A question or an answer in microdata (an FAQ's item): content
 * whatever its class says ("item filter-active").
 */
static int
qa_item(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];

	return (n->flags & F_QA) && !(x->n[n->parent].flags & F_QA) &&
	    n->tlen > 0;
}

/*
 * A service page's block, grown from the article's, and the page's
 * main region around it: the block grows on to take the page's <h1>
 * where the region holds it above the block (the title and its lead
 * line in a hero of their own, the sections below).
 */
static int
service_title(struct ex *x, int root, int i, int type)
{
	int j, add;

	if (type != PT_SERVICE || root == x->body || x->h1 <= 0 ||
	    x->h1 >= i || x->dead[x->h1] || !ex_is_ancestor(x, root, x->h1))
		return i;
	j = i;
	while (j > root && !ex_is_ancestor(x, j, x->h1))
		j = x->n[j].parent;
	add = x->n[j].tlen - x->n[i].tlen - x->n[x->h1].tlen;
	return add >= 150 && add <= 1000 ? j : i;
}

/*
 * A product's block that leaves out the page's <h1> (the product's
 * name) below the block's ancestors: a description or a review long
 * enough to hold half the page's text is no product page without the
 * name, the buy box and the specifications beside it.
 */
static int
product_name_out(struct ex *x, int i, int type)
{
	return type == PT_PRODUCT && x->h1 > 0 && !x->dead[x->h1] &&
	    x->n[x->h1].tlen > 0 && !ex_is_ancestor(x, i, x->h1);
}

/*
 * A table's rows, through its sections (tidy keeps the <tbody> that a
 * page wrote and infers none, so that the rows are the table's children
 * or its sections'), or 0 for a table of data: one with a caption or
 * header cells is no menu of links, whatever its links (a manual's
 * table of functions and their equivalents, each one a link).
 */
static int
table_rows(struct ex *x, int i)
{
	int j, k, rows = 0, end = ex_subtree_end(x, i);

	for (j = i + 1; j <= end; j++)
		if (!x->dead[j] && (x->n[j].tag == TidyTag_TH ||
		    x->n[j].tag == TidyTag_CAPTION))
			return 0;
	for (j = x->n[i].first; j >= 0; j = x->n[j].next) {
		if (x->dead[j])
			continue;
		if (x->n[j].tag == TidyTag_TR)
			rows++;
		else if (x->n[j].tag == TidyTag_THEAD ||
		    x->n[j].tag == TidyTag_TBODY ||
		    x->n[j].tag == TidyTag_TFOOT)
			for (k = x->n[j].first; k >= 0; k = x->n[k].next)
				rows += !x->dead[k] && x->n[k].tag == TidyTag_TR;
	}
	return rows;
}

/*
 * Pages other than articles: the main region (<main>, role=main,
 * else the body) without the page's chrome (navigation, headers and
 * footers, sidebars, banners, forms, menus of bare links), keeping
 * the short texts an article cleaner drops: post authors and dates,
 * item titles, prices, specifications.
 */
char *
ex_broad_pass(struct ex *x, int type)
{
	struct out o = { { 0 }, 0, 0, 0, 0, "", 0 };
	int i, j, bodylen, root, end, items, label, list;
	struct xn *n;
	unsigned char *fac = NULL;	/* a collection's filters */
	unsigned char *cmt = NULL;	/* comments, and what they hold */

	x->collapsed = 1;
	bodylen = ex_unhidden_len(x);	/* ex_sums() does not look at it */
	x->collapsed = 0;
	if (type == PT_SERVICE)
		cmt = comment_blocks(x);
	/* a list of items stays, whatever its wrapper's class says */
	list = items = type == PT_LISTING || type == PT_COLLECTION ?
	    ex_listing_items(x) : -1;
	if (type == PT_COLLECTION)
		fac = ex_facets_find(x, items);
	for (i = 1; i < x->nn; i++) {
		n = &x->n[i];
		if (ex_dead_below(x, i) || n->tag == XT_TEXT ||
		    (n->flags & F_MAIN))
			continue;
		if (n->flags & F_CONSENT) {
			x->dead[i] = 1;
			continue;
		}
		if (ex_small_struct(x, i, bodylen) && !((type == PT_LISTING ||
		    type == PT_COLLECTION) && ex_listing_part(x, i, items)) &&
		    !(type == PT_SERVICE && ex_service_keep(x, i)))
			x->dead[i] = 1;
		/*
		 * a post's few comments below it: no section of a page (a
		 * discussion, five comments or more, stays)
		 */
		if (cmt != NULL && cmt[i] && !cmt[n->parent] &&
		    !(n->flags & (F_MAIN | F_BODYPROP)) &&
		    few_entries(x, i, 5)) {
			x->dead[i] = 1;
			continue;
		}
		if (n->tlen - n->llen > bodylen / 2)
			continue;
		if ((n->flags & F_BADROLE) && !(type == PT_SERVICE &&
		    ex_service_tabs(x, i)))
			x->dead[i] = 1;
		else if (((n->abits & A_CHROME) || (n->tag == TidyTag_FORM &&
		    n->sinput > 0 && n->tlen < 300)) &&
		    (items < 0 || !ex_is_ancestor(x, i, items)) &&
		    !(type == PT_SERVICE && ex_service_keep(x, i)) &&
		    !reader_text(x, i, type) && !qa_item(x, i) &&
		    !ex_qa_signature(x, i))
			x->dead[i] = 1;
	}
	ex_sums(x);
	/*
	 * The main region: the page's <main> if it holds much of the
	 * text, else the article's block grown until it holds half of
	 * the page's unlinked text.
	 */
	root = x->body;
	for (i = 1; i < x->nn; i++)
		if (!x->dead[i] && (x->n[i].flags & F_MAIN) &&
		    x->n[i].tlen * 3 >= x->n[x->body].tlen) {
			root = i;
			break;
		}
	/*
	 * A thread's <main> holds its first post beside the replies, and
	 * the replies alone may hold most of the text: keep it all.  So
	 * does a listing's, its sections of items one beside the other
	 * (the lead stories, the latest, the most read).
	 */
	if (x->top > 0 && !x->dead[x->top] && !((type == PT_FORUM ||
	    type == PT_PRODUCT || type == PT_LISTING) && root != x->body)) {
		for (i = x->top; i > 0 && i != root && ((x->n[i].tlen -
		    x->n[i].llen) * 2 < bodylen || product_name_out(x, i,
		    type)); i = x->n[i].parent)
			;
		if (i > 0 && ex_is_ancestor(x, root, i))
			root = service_title(x, root, i, type);
	}
	if (type == PT_LISTING || type == PT_COLLECTION)
		root = ex_listing_root(x, root);
	root = ex_facets_root(x, root, fac);
	end = ex_subtree_end(x, root);
	if (type == PT_PRODUCT || type == PT_SERVICE)
		ex_toggle_headings(x, root, end);
	if (type != PT_LISTING)
		drop_repeats(x, root, end);
	if (type == PT_PRODUCT)
		ex_product_clean(x, root, end);
	if (type == PT_SERVICE)
		ex_service_clean(x, root, end);
	for (i = end; i > root; i--) {
		n = &x->n[i];
		if (x->dead[i] || n->tag == XT_TEXT || (fac != NULL && fac[i]))
			continue;
		switch (n->tag) {
		case TidyTag_IFRAME: case TidyTag_EMBED: case TidyTag_OBJECT:
		case TidyTag_INPUT: case TidyTag_BUTTON:
			ex_kill_node(x, i, root);
			continue;
		case TidyTag_A:
			/*
			 * A link dressed as a button: a call to action ("Ask
			 * question", "Shop now"); a service page's or a
			 * manual's buttons name its sections, they stay.
			 */
			if (type != PT_SERVICE && type != PT_DOC &&
			    n->tlen <= 40 && n->attr != NULL &&
			    ex_match_any(n->attr, button_words)) {
				ex_kill_node(x, i, root);
				continue;
			}
			break;
		case TidyTag_UL: case TidyTag_OL: case TidyTag_DL:
		case TidyTag_DIV: case TidyTag_SECTION: case TidyTag_TABLE:
		case TidyTag_UNKNOWN:
			/*
			 * menus: lists of short bare links (a block inside
			 * one link is a card, no menu)
			 */
			for (items = 0, j = n->first; j >= 0; j = x->n[j].next)
				items += !x->dead[j] && x->n[j].tag != XT_TEXT &&
				    (type != PT_FORUM || x->n[j].tlen > 0);
			if (n->tag == TidyTag_TABLE)
				items = table_rows(x, i);
			if (n->tlen * 2 < x->n[root].tlen && items >= 3 &&
			    !(n->flags & F_LINK) &&
			    ex_link_density(n) > (type == PT_LISTING ||
			    type == PT_COLLECTION ? 0.9 : 0.6) &&
			    n->tlen / items < 30 && !((type == PT_LISTING ||
			    type == PT_COLLECTION) &&
			    ex_listing_links(x, i, list, items)) &&
			    !(type == PT_SERVICE && ex_service_links(x, i)) &&
			    /* not a list the text before it announces */
			    (n->tag == TidyTag_DIV ||
			    n->tag == TidyTag_SECTION ||
			    n->tag == TidyTag_TABLE ||
			    n->tag == TidyTag_UNKNOWN ||
			    !ex_announced(x, i, 0)))
				ex_kill_node(x, i, root);
			break;
		}
		if (x->dead[i])
			continue;
		if ((!(n->flags & F_BLOCK) && ex_post_number(x, i)) ||
		    ex_forum_drop(x, i)) {
			ex_kill_node(x, i, root);
			continue;
		}
		/* the dates of posts and of listed items stay */
		if (ex_is_boilerplate(x, i, type != PT_FORUM &&
		    type != PT_LISTING && type != PT_COLLECTION &&
		    (n->flags & F_BLOCK) && n->nblock == 0) ||
		    ((n->flags & F_BLOCK) && leafish(x, i) &&
		    ex_chrome_lead(x, i)))
			label = 1;
		else if ((n->flags & F_BLOCK) && n->nblock == 0 &&
		    (ex_short_junk(x, i, type) || ex_bare_url(x, i)))
			label = 0;
		else
			continue;
		ex_kill_node(x, i, root);
		/* "Joined:" goes with its value */
		if (n->tag == TidyTag_DT && (j = n->next) >= 0 &&
		    x->n[j].tag == TidyTag_DD && !x->dead[j])
			ex_kill_node(x, j, root);
		/* "You might also like" goes with its section */
		if (label && ex_tag_is_heading(n->tag) && n->parent != root &&
		    x->n[n->parent].first == i &&
		    x->n[n->parent].tlen * 3 < x->n[root].tlen)
			ex_kill_node(x, n->parent, root);
	}
	if (type == PT_PRODUCT)
		ex_product_finish(x, root);
	if (type == PT_LISTING || type == PT_COLLECTION)
		ex_listing_clean(x, root);
	free(fac);
	free(cmt);
	o.bullets = 1;
	ex_render(x, root, &o);
	ex_out_trim(&o);
	x->marks = o.marks;
	if (o.b.data == NULL)
		return xstrdup("");
	return o.b.data;
}
