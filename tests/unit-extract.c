/*
 * unit-extract.c - tq_extract on the pages in tests/pages/extract, its
 * metadata, hostile input (empty, binary, invalid UTF-8, deep nesting,
 * huge), tq_doc_json, and SHA-256 test vectors from FIPS 180-4.
 * Run from the top of the tree (tests/0600-extract.t does).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tidy/tidy.h>
#include <tidy/tidybuffio.h>

#include "tq.h"
#include "tap.h"
#include "extract_priv.h"

static const char *pages = "tests/pages/extract";
/*
 * Time limits are multiplied by this.  They catch work that grows
 * faster than the input (tidy alone takes 22 s of CPU on one tag of
 * 100,000 attributes), so they leave room: the sanitizers' build runs
 * these inputs 3 to 6 times slower (5.5 s on CI's busy machine for the
 * 5,000 tags of 64 attributes that take 0.9 s here), valgrind
 * (TQ_TEST_SLOW) slower still.
 */
#if defined(__SANITIZE_ADDRESS__)		/* GCC */
#define SANITIZED 1
#elif defined(__has_feature)			/* clang */
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifdef SANITIZED
static int slow = 4;
#else
static int slow = 1;
#endif

static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	struct tq_buf b = { 0 };
	char chunk[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", pages, name);
	if ((f = fopen(path, "rb")) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		tq_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.data;
}

static int
extract_page(const char *name, const char *url, struct tq_doc *doc)
{
	struct tq_err e;
	size_t len;
	char *html = slurp(name, &len);
	int r;

	memset(&e, 0, sizeof(e));
	r = tq_extract(html, len, url, doc, &e);
	if (r != 0)
		printf("# %s: %s\n", name, e.msg);
	free(html);
	return r;
}

static int
has(const char *text, const char *s)
{
	return text != NULL && strstr(text, s) != NULL;
}

#define DESC	"A blanket of snow on a solar array does not only cut its " \
		"yield. The weight also strains modules and mounts."

static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int k;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		k = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		    (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (k < 0)
			return 0;
		for (p++; k > 0; k--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* Words: runs without spaces that hold a letter or digit (not "-"). */
static long
count_words(const char *s)
{
	long n = 0;
	int in = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t')
			in = 0;
		else if (!in && (isalnum((unsigned char)*s) ||
		    (unsigned char)*s >= 0x80)) {
			n++;
			in = 1;
		}
	}
	return n;
}

static void
test_sha256(void)
{
	char out[65], *big;

	tq_sha256_hex("", 0, out);
	is_str(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
	    "7852b855", "sha256 of the empty string");
	tq_sha256_hex("abc", 3, out);
	is_str(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
	    "f20015ad", "sha256 of abc");
	tq_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, out);
	is_str(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd4"
	    "19db06c1", "sha256 of the two-block message");
	big = malloc(1000000);
	memset(big, 'a', 1000000);
	tq_sha256_hex(big, 1000000, out);
	is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39cc"
	    "c7112cd0", "sha256 of a million a");
	free(big);
}

static void
test_news(void)
{
	struct tq_doc d;
	char hash[65];
	const char *t;
	static const char *const absent[] = {
		"cookies", "Manage preferences", "Weather and tides",
		"Search the Courier", "Share on Twitter", "Email this story",
		"Advertisement", "Sign up to our daily newsletter", "Subscribe",
		"Most read", "Ferry timetable", "Related stories",
		"Storm damage bill", "seagull42", "waste of money",
		"All rights reserved", "Harbour town votes", "Home",
		"Photo: Courier archive", NULL
	};
	int i, bad;

	if (!ok(extract_page("news-article.html",
	    "https://courier.example/news/2023/x?ref=home", &d) == 0,
	    "news article extracts")) {
		memset(&d, 0, sizeof(d));
		d.text = NULL;
	}
	t = d.text;
	ok(has(t, "Residents of Porthmellin have voted overwhelmingly to "
	    "rebuild the town\xe2\x80\x99s lighthouse"),
	    "news: first paragraph, entities decoded");
	ok(has(t, "Work is expected to start in May, weather permitting"),
	    "news: last paragraph");
	ok(has(t, "\xe2\x80\x9cthe highest anyone here can remember\xe2\x80\x9d"),
	    "news: curly quotes from entities");
	ok(has(t, "about \xc2\xa3" "1.4 million"), "news: &pound;");
	ok(has(t, "\n\nA landmark since 1862\n\nThe granite tower"),
	    "news: subheading is its own block");
	ok(has(t, "- Make the tower weathertight before next winter\n"
	    "- Commission a replica lantern from a foundry in Hayle\n"
	    "- Open the gallery"), "news: list items are lines, marked");
	ok(has(t, "three stages:\n\n- Make the tower"),
	    "news: a list starts a block");
	ok(has(t, "\xe2\x80\x9cIt is not just a light."),
	    "news: blockquote kept");
	ok(has(t, "Nothing says home like the light on the headland.") &&
	    has(t, "Porthmellin Sailing Club (@pmsailing)"),
	    "news: embedded tweet kept");
	for (i = 0, bad = 0; absent[i] != NULL; i++)
		if (has(t, absent[i])) {
			printf("# news text has \"%s\"\n", absent[i]);
			bad++;
		}
	ok(bad == 0, "news: no nav, cookie, share, ad, newsletter, related, "
	    "comments, footer, headline or caption text");
	ok(t != NULL && strstr(t, "  ") == NULL && t[0] != ' ' &&
	    t[0] != '\n' && t[strlen(t) - 1] != '\n',
	    "news: whitespace collapsed and trimmed");
	is_str(d.title, "Harbour town votes to rebuild its lighthouse",
	    "news: title");
	is_str(d.byline, "Morwenna Tregear, Idris Hale", "news: byline");
	is_str(d.site_name, "The Coastal Courier", "news: site name");
	is_str(d.lang, "en-GB", "news: lang");
	is_str(d.published, "2023-03-14T08:30:00Z", "news: published");
	is_str(d.description, "Residents of Porthmellin backed a plan to "
	    "restore the 1862 lighthouse after a storm damaged its lantern "
	    "room.", "news: description");
	is_str(d.canonical_url, "https://courier.example/news/2023/"
	    "lighthouse-vote", "news: relative canonical resolved");
	is_str(d.image_url, "https://courier.example/media/2023/"
	    "lighthouse-1200.jpg", "news: relative og:image resolved");
	is_int(d.word_count, t ? count_words(t) : -1, "news: word count");
	tq_sha256_hex(t ? t : "", t ? strlen(t) : 0, hash);
	is_str(d.content_hash, hash, "news: content hash");
	tq_doc_free(&d);

	/* no URL: relative links cannot be resolved, absolute ones stay */
	extract_page("news-article.html", NULL, &d);
	is_str(d.canonical_url, "https://courier.example/news/2023/"
	    "lighthouse-vote", "news: og:url when canonical is relative "
	    "and no URL given");
	is_str(d.image_url, "https://courier.example/media/2023/"
	    "lighthouse-1200.jpg", "news: JSON-LD image when og:image is "
	    "relative");
	tq_doc_free(&d);
}

static void
test_blog(void)
{
	struct tq_doc d;
	const char *t;

	ok(extract_page("blog-post.html", "http://brotzeit.example/2017/11/"
	    "sauerteig.html", &d) == 0, "blog extracts");
	t = d.text;
	ok(has(t, "Seit drei Jahren backe ich jede Woche ein Sauerteigbrot"),
	    "blog: first paragraph");
	ok(has(t, "Gef\xc3\xbchl.\n\nAm Donnerstagabend"),
	    "blog: <br><br> separates paragraphs");
	ok(has(t, "milder und runder."), "blog: last paragraph");
	ok(!has(t, "Startseite") && !has(t, "Blogroll") &&
	    !has(t, "Teigwerkstatt") && !has(t, "Impressum"),
	    "blog: no menu or blogroll from the layout table");
	ok(!has(t, "mein Wochenplan"), "blog: heading that repeats the "
	    "title dropped");
	is_str(d.title, "Sauerteig ohne Stress: mein Wochenplan",
	    "blog: title without the site suffix");
	is_str(d.byline, "Lena Brandt", "blog: byline from meta author");
	is_str(d.lang, "de", "blog: lang");
	is_str(d.published, "2017-11-07T18:05:00+01:00",
	    "blog: RFC 2822 date normalised");
	ok(d.site_name == NULL && d.canonical_url == NULL &&
	    d.image_url == NULL, "blog: missing fields are NULL");
	tq_doc_free(&d);
}

static void
test_docs(void)
{
	struct tq_doc d;
	const char *t;
	json_t *o;

	ok(extract_page("docs-lists.html", NULL, &d) == 0, "docs extract");
	t = d.text;
	ok(has(t, "\n\nWhy rotate\n\nA single log file"),
	    "docs: h2 is a block");
	ok(has(t, "reopens the file:\n\nRename the file, then signal the "
	    "process so that it reopens its log.\nCopy the file"),
	    "docs: ordered list items are lines");
	ok(has(t, "mv app.log app.log.1\nkill -HUP \"$(cat app.pid)\""),
	    "docs: pre keeps its lines");
	ok(has(t, "- Compress old files\n- Keep a fixed number of "
	    "generations\n- Test the reopen signal\n\nWith these in place"),
	    "docs: checklist lines");
	ok(!has(t, "Docs home") && !has(t, "Send feedback") &&
	    !has(t, "Rotating log files safely"),
	    "docs: no navbar, footer or h1");
	is_str(d.title, "Rotating log files safely", "docs: title");
	is_str(d.lang, "en", "docs: lang");
	is_str(d.image_url, "https://docs.example/img/logs.png",
	    "docs: twitter:image");

	o = tq_doc_json(&d);
	ok(json_is_null(json_object_get(o, "byline")) &&
	    json_is_null(json_object_get(o, "published")),
	    "json: missing strings are null");
	is_str(json_string_value(json_object_get(o, "title")),
	    "Rotating log files safely", "json: title");
	is_int(json_integer_value(json_object_get(o, "word_count")),
	    d.word_count, "json: word_count");
	is_str(json_string_value(json_object_get(o, "text")), d.text,
	    "json: text");
	is_int(json_object_size(o), 12, "json: twelve keys");
	is_int(strlen(json_string_value(json_object_get(o, "content_hash"))),
	    64, "json: content_hash is hex SHA-256");
	json_decref(o);
	tq_doc_free(&d);
}

static void
test_ldjson(void)
{
	struct tq_doc d;

	ok(extract_page("ldjson-only.html", NULL, &d) == 0,
	    "JSON-LD page extracts");
	ok(has(d.text, "Night trains were written off a decade ago") &&
	    has(d.text, "short flights.\n\nOperators say") &&
	    has(d.text, "timetable year."),
	    "ldjson: articleBody used when the page has no text");
	ok(!has(d.text, "Loading"), "ldjson: no placeholder text");
	is_str(d.title, "Why the night train is back", "ldjson: headline");
	is_str(d.byline, "Sam Okafor", "ldjson: author string");
	is_str(d.site_name, "Rail Notes", "ldjson: publisher");
	is_str(d.published, "2021-11-03", "ldjson: textual date normalised");
	is_str(d.lang, "en", "ldjson: inLanguage");
	is_str(d.image_url, "https://rail.example/img/night-train.jpg",
	    "ldjson: image array");
	tq_doc_free(&d);
}

/* Text a and then b, in this order. */
static int
in_order(const char *t, const char *a, const char *b)
{
	const char *pa, *pb;

	if (t == NULL || (pa = strstr(t, a)) == NULL ||
	    (pb = strstr(t, b)) == NULL)
		return 0;
	return pa < pb;
}

static void
test_types(void)
{
	struct tq_doc d;

	/* a news article stays an article */
	extract_page("news-article.html", NULL, &d);
	is_str(d.page_type, "article", "type: news article");
	tq_doc_free(&d);

	/* forum: three posts by shape, in order, with their authors */
	ok(extract_page("forum-thread.html", "https://bake.example/x",
	    &d) == 0, "forum extract");
	is_str(d.page_type, "forum", "type: forum by repeated posts");
	ok(in_order(d.text, "smell like nail polish remover",
	    "Only hungry.") && in_order(d.text, "Only hungry.",
	    "keep it somewhere cooler"), "forum: every post, in order");
	ok(in_order(d.text, "corra", "smell like nail polish") &&
	    in_order(d.text, "halvard", "Only hungry.") &&
	    in_order(d.text, "ines", "keep it somewhere cooler"),
	    "forum: each post's author before it");
	ok(has(d.text, "Feb 11, 2024"), "forum: post dates kept");
	ok(!has(d.text, "Joined") && !has(d.text, "Posts:") &&
	    !has(d.text, "Mar 3, 2019") && !has(d.text, "Report"),
	    "forum: no user panels or post actions");
	ok(!has(d.text, "What's new") && !has(d.text, "Similar threads") &&
	    !has(d.text, "Community rules"),
	    "forum: no navigation, sidebar or footer");
	tq_doc_free(&d);

	/* product: description, features, specifications as rows */
	ok(extract_page("product-page.html", "https://shop.example/x",
	    &d) == 0, "product extract");
	is_str(d.page_type, "product", "type: product by JSON-LD");
	ok(has(d.text, "lid pocket big enough for a map"),
	    "product: description");
	ok(has(d.text, "- Ventilated mesh back panel\n- Hip belt with two "
	    "zipped pockets\n- Integrated rain cover"), "product: features");
	ok(has(d.text, "Volume | 40 litres\nWeight | 1.2 kg\nFabric | Recycled"),
	    "product: specification table as rows");
	ok(!has(d.text, "Add to cart") && !has(d.text, "Free shipping") &&
	    !has(d.text, "You might also like") &&
	    !has(d.text, "Summit 22 L") && !has(d.text, "Returns within"),
	    "product: no cart, banner, recommendations or footer");
	tq_doc_free(&d);

	/* documentation: body, code and tables, no navigation tree */
	ok(extract_page("docs-nav.html",
	    "https://queuekit.example/docs/retries", &d) == 0, "docs extract");
	is_str(d.page_type, "documentation", "type: documentation");
	ok(has(d.text, "queue.declare(\"mail\",\n    retries=5,\n"),
	    "docs: code block keeps its lines");
	ok(has(d.text, "retries | 5 | attempts after the first"),
	    "docs: table rows");
	ok(has(d.text, "waits for you to look at it."), "docs: body");
	ok(!has(d.text, "Quick start") && !has(d.text, "Producers") &&
	    !has(d.text, "Next: Dead letters"),
	    "docs: no navigation tree or pager");
	tq_doc_free(&d);

	/* listing: every item's title and snippet */
	ok(extract_page("listing-grid.html", "https://notes.example/", &d) == 0,
	    "listing extract");
	is_str(d.page_type, "listing", "type: listing by a grid of items");
	ok(in_order(d.text, "Moving our queue to a single binary\n\nHow we "
	    "replaced", "Small tools, sharp edges\n\nNotes on writing"),
	    "listing: titles and snippets, in order");
	ok(!has(d.text, "RSS") && !has(d.text, "Older posts") &&
	    !has(d.text, "platform team"),
	    "listing: no navigation, pager or footer");
	tq_doc_free(&d);

	/* JSON-LD: a question and its answers, the page being empty */
	ok(extract_page("qa-ldjson.html", NULL, &d) == 0, "QAPage extract");
	is_str(d.page_type, "forum", "type: QAPage");
	ok(in_order(d.text, "marit\n\nMy loaves rise well",
	    "olek\n\nThey are over-proofed") &&
	    in_order(d.text, "They are over-proofed",
	    "saanvi\n\nCheck the oven temperature"),
	    "ldjson: question, then answers, with authors");
	ok(!has(d.text, "<p>") && !has(d.text, "Loading"),
	    "ldjson: answers' HTML stripped, no placeholder");
	tq_doc_free(&d);

	/* JSON-LD: products listed in an @graph */
	ok(extract_page("collection-ldjson.html", NULL, &d) == 0,
	    "collection extract");
	is_str(d.page_type, "collection", "type: products in an ItemList");
	ok(has(d.text, "Pots for every kind of tea") &&
	    has(d.text, "Cast iron teapot 0.8 l"),
	    "collection: text and items");
	ok(!has(d.text, "Teaware") && !has(d.text, "Leeds"),
	    "collection: no navigation or footer");
	tq_doc_free(&d);

	/* a page that shows its text only without scripts */
	ok(extract_page("noscript-only.html", NULL, &d) == 0,
	    "noscript extract");
	ok(has(d.text, "moved to Sunday morning because of the gale") &&
	    has(d.text, "during opening hours."),
	    "noscript: the text in <noscript>");
	tq_doc_free(&d);
}

/*
 * The rules of the broad pass, each on a small page built here: a
 * paragraph of n words, repeated where a page needs bulk.
 */
static char *
words_para(const char *w, int n)
{
	struct tq_buf b = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		tq_buf_adds(&b, i > 0 ? " " : "");
		tq_buf_adds(&b, w);
		if (i % 12 == 11)
			tq_buf_adds(&b, ", and");
	}
	tq_buf_adds(&b, ".");
	return b.data;
}

/*
 * n paragraphs <p>stem0 stem0 ...</p> ... <p>stemN ...</p> of words
 * words each, added to b.
 */
static void
add_paras(struct tq_buf *b, const char *stem, int n, int words)
{
	char w[32], *q;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(w, sizeof(w), "%s%d", stem, i);
		q = words_para(w, words);
		tq_buf_adds(b, "<p>");
		tq_buf_adds(b, q);
		tq_buf_adds(b, "</p>");
		free(q);
	}
}

/* n copies of the word w, apart, then a period. */
static void
add_words(struct tq_buf *b, const char *w, int n)
{
	char *q = words_para(w, n);

	tq_buf_adds(b, q);
	free(q);
}

/* The posts of a thread on bread: n paragraphs of one word each. */
static void
bread_paras(char **p, int n)
{
	static const char *const w[] = { "kneading", "proofing", "scoring",
	    "baking" };
	int k;

	for (k = 0; k < n; k++)
		p[k] = words_para(w[k], 40);
}

/* The head of a thread's page: its title, a DiscussionForumPosting. */
static void
forum_head(struct tq_buf *b, const char *title)
{
	tq_buf_adds(b, "<html><head><title>");
	tq_buf_adds(b, title);
	tq_buf_adds(b, "</title><script type=application/ld+json>"
	    "{\"@context\": \"https://schema.org\", \"@type\": "
	    "\"DiscussionForumPosting\", \"headline\": \"");
	tq_buf_adds(b, title);
	tq_buf_adds(b, "\"}</script></head>");
}

static int
extract_str(const char *html, const char *url, struct tq_doc *d)
{
	struct tq_err e;

	memset(&e, 0, sizeof(e));
	return tq_extract(html, strlen(html), url, d, &e);
}

static void
test_rules(void)
{
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char *q, *a, w[32];
	int i, j;

	/* a thread's first post sits in <main> beside the replies */
	q = words_para("question", 60);
	tq_buf_adds(&b, "<html><head><title>Q</title></head><body>"
	    "<nav><a href=/a>Home</a> <a href=/b>Tags</a></nav>"
	    "<div id=main role=main><h1>Why does my bread sink?</h1>"
	    "<div class=question><div class=post-body><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></div></div><div id=answers>");
	for (i = 0; i < 5; i++) {
		tq_buf_adds(&b, "<div class=answer><div class=post-body>");
		for (j = 0; j < (i == 0 ? 8 : 2); j++) {
			snprintf(w, sizeof(w), "answer%d%d", i, j);
			a = words_para(w, 40);
			tq_buf_adds(&b, "<p>");
			tq_buf_adds(&b, a);
			tq_buf_adds(&b, "</p>");
			free(a);
		}
		tq_buf_adds(&b, "</div><div class=user>olek</div></div>");
	}
	tq_buf_adds(&b, "</div></div><footer>About us</footer></body></html>");
	ok(extract_str(b.data, "https://qa.example/questions/1/bread", &d) == 0,
	    "thread in main extract");
	is_str(d.page_type, "forum", "thread in main: a forum");
	ok(in_order(d.text, "question question", "answer00 answer00"),
	    "thread in main: the first post before the replies");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/* a product's fields: an image's bare address is no text */
	memset(&b, 0, sizeof(b));
	q = words_para("cotton", 80);
	tq_buf_adds(&b, "<html><head><script type=\"application/ld+json\">"
	    "{\"@type\":\"Product\",\"name\":\"Tee\"}</script></head><body>"
	    "<h1>Staple Tee</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><dl><dt>Fit:</dt><dd>Regular fit, mid weight</dd>"
	    "<dt>thumb_bone:</dt><dd>https://cdn.example/img/tee_bone.jpg</dd>"
	    "<dt>thumb_navy:</dt><dd>https://cdn.example/img/tee_navy.jpg</dd>"
	    "</dl><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></body></html>");
	ok(extract_str(b.data, "https://shop.example/tee", &d) == 0,
	    "bare address extract");
	is_str(d.page_type, "product", "bare address: a product");
	ok(has(d.text, "Regular fit, mid weight") &&
	    !has(d.text, "https://cdn.example/"),
	    "bare address: fields kept, image addresses dropped");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/*
	 * A page that hardly says it is a story (og:type alone): its
	 * longest run of text is an introduction, and a list of facts
	 * outweighs it; the page is both.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><meta property=og:type content=article>"
	    "<title>Harbour Tours</title></head><body><div class=intro>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "harbour%d", i);
		q = words_para(w, 45);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "</div><div class=facts><ul>");
	for (i = 0; i < 30; i++) {
		tq_buf_adds(&b, "<li>");
		for (j = 0; j < 8; j++) {
			snprintf(w, sizeof(w), "%sfact%02d", j ? " " : "", i);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, "</li>");
	}
	tq_buf_adds(&b, "</ul></div></body></html>");
	ok(extract_str(b.data, "https://tours.example/", &d) == 0,
	    "landing extract");
	is_str(d.page_type, "service", "landing: a service page");
	ok(has(d.text, "harbour0 harbour0") && has(d.text, "fact29 fact29"),
	    "landing: the introduction and the list");
	tq_doc_free(&d);
	free(b.data);

	/* a product's shop terms go whichever pass finds its text */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><script type=\"application/ld+json\">"
	    "{\"@type\":\"Product\",\"name\":\"Mug\"}</script></head><body>"
	    "<div class=product><header><h1>Stoneware mug</h1><p>");
	q = words_para("glaze", 20);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></header><p>");
	q = words_para("clay", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><div>In stock, ready to ship</div>"
	    "<div>Ships from Leeds in 2 days</div><p>");
	q = words_para("kiln", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div></body></html>");
	ok(extract_str(b.data, "https://shop.example/mug", &d) == 0,
	    "shop terms extract");
	ok(has(d.text, "clay clay") && has(d.text, "kiln kiln") &&
	    !has(d.text, "In stock") && !has(d.text, "Ships from"),
	    "shop terms: description kept, stock and shipping dropped");
	tq_doc_free(&d);
	free(b.data);
}

/* Product pages (extract_product.c): each rule on a page of its own. */
/*
 * Bootstrap's accordion: each question is a button in a heading in a
 * "card-header", a class that counts against a block.  A header that
 * holds nothing but its panel's title is content; the site's header,
 * whose heading is a link home, is not.
 */
static void
test_panel_titles(void)
{
	static const char *const qa[][2] = {
		{ "How long does a search take?", "Our search normally takes "
		    "four weeks from the first call with the client to the "
		    "offer, and the client has one contact in our team "
		    "throughout, with twenty hours of work each week." },
		{ "How do you screen candidates?", "We write questions that "
		    "test the skills named in the first call, and as the "
		    "interviews go on we change them with the client, so "
		    "that they keep finding the people the role needs." },
		{ "What does it cost?", "Our fee is a quarter of the first "
		    "year's base salary of the person hired, paid by the "
		    "client in full, and candidates never pay anything for "
		    "working with us, before or after the hire." },
	};
	struct tq_buf b = { 0 };
	struct tq_doc d;
	const char *p, *q;
	size_t k;
	char *w, want[64];

	tq_buf_adds(&b, "<html><head><title>Recruiting</title><meta "
	    "property=og:type content=article></head><body><div class="
	    "\"site-header header\"><h2><a href=/>Redfish Staffing</a></h2>"
	    "</div><article><h1>Recruiting</h1><p>");
	w = words_para("recruiting", 60);
	tq_buf_adds(&b, w);
	free(w);
	tq_buf_adds(&b, "</p><h2>Questions</h2><div id=accordion>");
	for (k = 0; k < sizeof(qa) / sizeof(qa[0]); k++)
		tq_buf_addf(&b, "<div class=\"card panel\"><div class="
		    "card-header id=h%zu><h3 class=mb-0><button class=\"btn "
		    "btn-link\" data-toggle=collapse data-target=#c%zu "
		    "aria-expanded=true aria-controls=c%zu>%s</button></h3>"
		    "</div><div id=c%zu class=in><div class=card-body><p>%s"
		    "</p></div></div></div>", k, k, k, qa[k][0], k, qa[k][1]);
	tq_buf_adds(&b, "</div></article></body></html>");
	ok(extract_str(b.data, "https://staff.example/faq", &d) == 0,
	    "panel titles extract");
	for (k = 0, q = d.text; k < sizeof(qa) / sizeof(qa[0]); k++) {
		p = q != NULL ? strstr(q, qa[k][0]) : NULL;
		q = p != NULL ? strstr(p, qa[k][1]) : NULL;
		ok(p != NULL && q != NULL && strncmp(p + strlen(qa[k][0]),
		    "\n\n", 2) == 0, "panel titles: question %zu above its "
		    "answer", k + 1);
	}
	ok(!has(d.text, "Redfish Staffing"),
	    "panel titles: the site's header, a link home, goes");
	tq_doc_free(&d);
	free(b.data);

	/* Divi's blurbs: each title a heading of class et_pb_module_header */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>AI services</title><meta "
	    "property=og:type content=article></head><body><div id=main-"
	    "content><article><h1>AI services</h1>");
	for (k = 0; k < sizeof(qa) / sizeof(qa[0]); k++)
		tq_buf_addf(&b, "<div class=\"et_pb_module et_pb_blurb\"><div "
		    "class=et_pb_blurb_container><h4 class=et_pb_module_header>"
		    "<span>Service %zu of ours</span></h4><div class="
		    "et_pb_blurb_description><p>%s</p></div></div></div>",
		    k + 1, qa[k][1]);
	tq_buf_adds(&b, "</article></div></body></html>");
	ok(extract_str(b.data, "https://staff.example/services", &d) == 0,
	    "blurb titles extract");
	for (k = 0, q = d.text; k < sizeof(qa) / sizeof(qa[0]); k++) {
		snprintf(want, sizeof(want), "Service %zu of ours\n\n", k + 1);
		p = q != NULL ? strstr(q, want) : NULL;
		q = p != NULL ? strstr(p, qa[k][1]) : NULL;
		ok(p != NULL && q == p + strlen(want), "blurb titles: "
		    "heading %zu of class et_pb_module_header above its text",
		    k + 1);
	}
	tq_doc_free(&d);
	free(b.data);
}

/*
 * A heading's id made from its own text is an anchor: its words
 * ("social", "sharing") weigh nothing against it; an id that is no
 * slug of the heading's text still does.
 */
static void
test_heading_ids(void)
{
	static const char *const para = "Brands now sell inside the apps "
	    "where their customers already spend the evening, and the "
	    "checkout never sends anyone to another site, so fewer carts "
	    "are left behind and the brands learn what works sooner.";
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int k;

	tq_buf_adds(&b, "<html><head><title>Social shopping</title></head>"
	    "<body><article><h1>Social shopping</h1>");
	for (k = 0; k < 3; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "<h2 class=wp-block-heading id=h-what-is-social-"
	    "shopping><strong>What is Social Shopping?</strong></h2>");
	for (k = 0; k < 3; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "<h2 id=sharing-carts-with-friends>"
	    "Sharing carts with friends</h2>");
	for (k = 0; k < 2; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "<h3 class=subheading id=nav_carts_that_wait__1>"
	    "Carts that wait</h3>");
	for (k = 0; k < 2; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "<h2 class=share-title id=share>Share this "
	    "story</h2></article></body></html>");
	ok(extract_str(b.data, "https://shop.example/blog/social", &d) == 0,
	    "heading ids extract");
	ok(has(d.text, "\n\nWhat is Social Shopping?\n\nBrands now"),
	    "heading ids: an id made of the heading's words is no class");
	ok(has(d.text, "\n\nSharing carts with friends\n\nBrands now"),
	    "heading ids: a slug without a prefix too");
	ok(has(d.text, "\n\nCarts that wait\n\nBrands now"),
	    "heading ids: a slug with a prefix and a counter (nav_..._1)");
	ok(!has(d.text, "Share this story"),
	    "heading ids: an id that is no slug of the text still counts");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * So is a section's id made from the heading it begins with, in
 * docutils' pages (<div class="section" id="sharing-with-a-single-
 * developer">), when it has four words or more; a shorter one
 * ("share-this-post") may name the site's chrome, and still counts.
 */
static void
test_section_ids(void)
{
	static const char *const para = "Keep your changesets in draft "
	    "phase while you pass them around, since a push promotes them "
	    "to public and public changesets are immutable; a non-publishing "
	    "repository on a test server lets you try things out first.";
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int k;

	tq_buf_adds(&b, "<html><head><title>Shared history</title></head>"
	    "<body><div class=document><div class=body>"
	    "<div class=section id=shared-mutable-history>"
	    "<h1>Shared mutable history</h1>");
	for (k = 0; k < 2; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "<div class=section id=sharing-with-a-single-"
	    "developer><h2>Sharing with a single developer</h2>");
	for (k = 0; k < 3; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "</div><div class=section id=sharing-with-"
	    "multiple-developers><h2>Sharing with multiple developers</h2>");
	for (k = 0; k < 3; k++)
		tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "</div><div class=section id=conclusion>"
	    "<h2>Conclusion</h2>");
	tq_buf_addf(&b, "<p>%s</p>", para);
	tq_buf_adds(&b, "</div><div id=share-this-post><h3>Share this post"
	    "</h3><p>Tell your friends about this chapter, tweet it, post it "
	    "and mail it to everyone on your team today.</p></div>"
	    "</div></div></div></body></html>");
	ok(extract_str(b.data, "https://docs.example/sharing.html", &d) == 0,
	    "section ids extract");
	ok(has(d.text, "\n\nSharing with a single developer\n\nKeep"),
	    "section ids: a section whose id is its heading's slug stays");
	ok(has(d.text, "\n\nSharing with multiple developers\n\nKeep"),
	    "section ids: the second such section stays");
	ok(has(d.text, "\n\nConclusion\n\nKeep"),
	    "section ids: the section after them stays");
	ok(!has(d.text, "Tell your friends"),
	    "section ids: a short id still counts (share-this-post)");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * A quote inside an unquoted value (content=“abc" as curly quotes
 * end) is a character of the value, in browsers and in tidy: the
 * prescan took it for a string running on to the next quote, and read
 * the page's real values as words of one tag, past its bound of
 * attributes, so that the tag and the page after it were cut.
 */
static void
test_stray_quote(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *q = words_para("quote", 80);
	int k;

	tq_buf_adds(&b, "<html><head><title>Vote</title><meta name=“verify” "
	    "content=“abc\" /><meta property=\"fb:app\" content=\"1\">"
	    "</head><body class=\"");
	for (k = 0; k < 300; k++)
		tq_buf_addf(&b, "c%d ", k);
	tq_buf_adds(&b, "\"><div class=site><article><h1>Vote</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>Tenants vote for the first time.</p>"
	    "</article></div></body></html>");
	ok(extract_str(b.data, "https://news.example/vote", &d) == 0,
	    "stray quote extract");
	ok(has(d.text, "Tenants vote for the first time."),
	    "stray quote: a quote that opens no value runs on to nothing");
	tq_doc_free(&d);
	free(q);
	free(b.data);
}

/*
 * An articleBody in parts, each in a block of its own (The Atlantic's
 * sections, ads between them): every part of the same <article>, of
 * the pick's tag and class, is taken; not one in another <article>.
 */
static void
test_body_parts(void)
{
	static const char *const part[] = {
		"When I moved to California five years ago, I planted a "
		"peach tree, chosen for its blossoms and mild winters. "
		"Trees, like all living beings, need time and stability to "
		"grow, and these essentials are no longer there for them or "
		"for us, not here, not now, not after this summer of fire.",
		"Right now my friends across the state are staring down "
		"disaster after disaster, and the heat is only rising. We "
		"have seen what fossil fuels have done to California.</p><p>"
		"What is happening in California has a name: climate change. "
		"It does not have to be this way. A better world is possible."
	};
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int k;

	tq_buf_adds(&b, "<html><head><title>Disasters</title></head><body>"
	    "<main><article class=l-article itemscope itemtype=\"https://"
	    "schema.org/NewsArticle\"><div class=l-article__container>");
	for (k = 0; k < 2; k++)
		tq_buf_addf(&b, "<div class=blah><div class=container><section "
		    "class=\"l-article__section s-cms-content\" itemprop="
		    "articleBody id=article-section-%d><p>%s</p></section>"
		    "</div></div>", k, part[k]);
	tq_buf_adds(&b, "</div></article></main><div class=next><article "
	    "class=l-article><section class=\"l-article__section "
	    "s-cms-content\" itemprop=articleBody id=article-section-0><p>"
	    "The next story of the endless page begins here, with its own "
	    "news.</p></section></article></div></body></html>");
	ok(extract_str(b.data, "https://news.example/disasters", &d) == 0,
	    "body parts extract");
	ok(has(d.text, "When I moved to California") &&
	    has(d.text, "Right now my friends") &&
	    has(d.text, "A better world is possible."),
	    "body parts: every part of the article's body");
	ok(!has(d.text, "next story of the endless page"),
	    "body parts: not a body in another <article>");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * A post of two sentences beside a cookie banner that is longer: the
 * banner, named so and speaking of cookies, is never the article; a
 * recipe's block of a class with "cookie" in it is no banner.
 */
static void
test_consent_banner(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;

	tq_buf_adds(&b, "<html><head><title>Zapfsäulen</title></head><body>"
	    "<div id=page><main><article class=\"post hentry\"><h1>"
	    "Zapfsäulen</h1><div class=entry-content><p>Ich würde ja in "
	    "smarte Elektro-Zapfsäulen investieren. Wundere mich, dass es "
	    "sie noch nicht gibt.</p></div></article></main></div>"
	    "<div class=\"widget widget_eu_cookie_law_widget\"><div "
	    "class=hide-on-button id=eu-cookie-law><form method=post><input "
	    "type=submit value=Akzeptieren>Datenschutz &amp; Cookies: Diese "
	    "Website verwendet Cookies. Wenn du die Website weiterhin nutzt, "
	    "stimmst du der Verwendung von Cookies zu. Weitere Informationen, "
	    "beispielsweise zur Kontrolle von Cookies, findest du hier: <a "
	    "href=/c>Cookie-Richtlinie</a></form></div></div></body></html>");
	ok(extract_str(b.data, "https://blog.example/2019/11/zapf", &d) == 0,
	    "consent banner extract");
	ok(has(d.text, "Ich würde ja in smarte"),
	    "consent banner: the short post is the article");
	ok(!has(d.text, "verwendet Cookies"),
	    "consent banner: the banner is not");
	tq_doc_free(&d);
	free(b.data);

	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Cookies</title></head><body>"
	    "<article><h1>Butter cookies</h1><div class=cookie-recipe><p>"
	    "Cream the butter and the sugar, add the flour, and bake the "
	    "cookies for twelve minutes, until their edges are golden."
	    "</p></div></article></body></html>");
	ok(extract_str(b.data, "https://bake.example/cookies", &d) == 0,
	    "consent banner: recipe extract");
	ok(has(d.text, "bake the cookies for twelve minutes"),
	    "consent banner: a recipe's cookie block stays");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * An open letter and its signatories, a cell of 150 lines "Name,
 * University": the commas of a list of names are no prose, and the
 * letter is the article, with the list after it.
 */
static void
test_signatories(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int k;

	tq_buf_adds(&b, "<html><head><title>A Letter</title></head><body>"
	    "<div class=container><article class=post><div class="
	    "wysiwyg-content><p>Our cultural institutions are facing a "
	    "moment of trial. Powerful protests are leading to overdue "
	    "demands for reform.</p><p>But this needed reckoning has also "
	    "intensified a new set of moral attitudes and political "
	    "commitments that tend to weaken our norms of open debate."
	    "</p><p>The free exchange of information and ideas, the "
	    "lifeblood of a liberal society, is daily becoming more "
	    "constricted.</p><table><tr><td>");
	for (k = 0; k < 150; k++)
		tq_buf_addf(&b, "Signer %d, University of Place %d<br>", k, k);
	tq_buf_adds(&b, "</td></tr></table></div></article></div></body>"
	    "</html>");
	ok(extract_str(b.data, "https://mag.example/letter", &d) == 0,
	    "signatories extract");
	ok(has(d.text, "Our cultural institutions are facing") &&
	    has(d.text, "lifeblood of a liberal society"),
	    "signatories: the letter is the article");
	tq_doc_free(&d);
	free(b.data);

	/* the sentence ends that let a block's commas count */
	ok(ex_count_ends("One. Two! Three? Four.") == 4,
	    "sentence ends: . ! ? before a space or the end");
	ok(ex_count_ends("Robert F. Worth, U.S. writer, v3.5 e.g.x") == 0,
	    "sentence ends: not an initial, U.S., 3.5 or within a word");
	ok(ex_count_ends("(as he said.) \"Yes.\" No.)") == 3,
	    "sentence ends: before a quote or a parenthesis");
	ok(ex_count_ends("\xe4\xb8\x80\xe3\x80\x82\xe4\xba\x8c\xef\xbc"
	    "\x81\xe4\xb8\x89\xef\xbc\x9f") == 3,
	    "sentence ends: CJK's full stop and full-width marks");
}

/*
 * The labels and leads of boilerplate in German, French and Spanish
 * as in English, also after a symbol ("\xe2\x86\x91 Back to Top");
 * a label that begins with a letter beyond ASCII ("\xc3\x84hnliche
 * Artikel") is read whole.
 */
static void
test_labels_i18n(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *q = words_para("Zug", 60);

	tq_buf_adds(&b, "<html><head><title>Zugverkehr</title></head><body>"
	    "<article><h1>Zugverkehr</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p><b>Lesen Sie auch:</b> <a href=/a>Die Bahn "
	    "streicht Verbindungen</a></p><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>VEA TAMBI\xc3\x89N: <a href=/v>Entre heces y "
	    "guaricha</a></p><p>\xc3\x84hnliche Artikel lesen</p><p>Lire "
	    "aussi</p><p>\xe2\x86\x91 Back to Top</p><p>Der Verkehr "
	    "rollt wieder, sagt die Bahn.</p><p>Articles les plus lus</p>"
	    "<p>Art\xc3\xad" "culos relacionados</p><p>Empfohlene "
	    "Beitr\xc3\xa4ge:</p><p>Der Zug f\xc3\xa4hrt.</p><p><strong>"
	    "\xc3\x80 lire aussi \xc2\xbb</strong> <a href=/f>Les trains "
	    "de nuit reviennent en France et en Europe</a></p><p>Lire aussi "
	    ": <a href=/g>La gr\xc3\xa8ve des cheminots continue cette "
	    "semaine</a></p><p>Siehe auch \xe2\x86\x92 <a href=/h>Alle "
	    "Baustellen der Woche im \xc3\x9c" "berblick</a></p></article>"
	    "</body></html>");
	ok(extract_str(b.data, "https://news.example/de/zug", &d) == 0,
	    "labels i18n extract");
	ok(!has(d.text, "Lesen Sie auch") && !has(d.text, "streicht"),
	    "labels i18n: \"Lesen Sie auch:\" and its link go");
	ok(!has(d.text, "hnliche Artikel"), "labels i18n: a label of \xc3\x84");
	ok(!has(d.text, "Lire aussi"), "labels i18n: French");
	ok(!has(d.text, "guaricha"), "labels i18n: Spanish, in capitals");
	ok(!has(d.text, "Back to Top"), "labels i18n: after an arrow");
	ok(!has(d.text, "trains de nuit") && !has(d.text, "cheminots") &&
	    !has(d.text, "Baustellen"), "labels i18n: a lead before its "
	    "link after a guillemet, an arrow, a space and a colon");
	ok(!has(d.text, "les plus lus") && !has(d.text, "relacionados") &&
	    !has(d.text, "Empfohlene"),
	    "labels i18n: further reading in French, Spanish, German");
	ok(has(d.text, "Der Verkehr rollt wieder, sagt die Bahn.") &&
	    has(d.text, "Der Zug f\xc3\xa4hrt."),
	    "labels i18n: the text stays");
	tq_doc_free(&d);
	free(q);
	free(b.data);
}

/*
 * A word of a sentence that is a link opening a note in a pop-up
 * (<a class="popup">nicknames</a>, a study edition's glosses) stays
 * in its sentence; the pop-up itself goes.
 */
static void
test_popup_link(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *q = words_para("clerk", 80);

	tq_buf_adds(&b, "<html><head><title>Bartleby</title></head><body>"
	    "<article><h1>Bartleby</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>Turkey, Nippers and Ginger Nut were <a "
	    "href=\"javascript:void(0);\" onclick=\"return overlib('A "
	    "note')\" class=popup>nicknames</a>, mutually conferred upon "
	    "each other by my three clerks.</p><div class=popup>Names seem "
	    "to matter in this story.</div><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://lit.example/bartleby", &d) == 0,
	    "popup link extract");
	ok(has(d.text, "Ginger Nut were nicknames, mutually conferred"),
	    "popup link: the link's word stays in its sentence");
	ok(!has(d.text, "Names seem to matter"),
	    "popup link: the pop-up goes");
	tq_doc_free(&d);
	free(q);
	free(b.data);
}

/*
 * A wiki's link to edit a section ("[edit]" after each heading, in
 * MediaWiki's span.mw-editsection) is chrome, on an article and on a
 * page read whole alike.
 */
static void
test_edit_links(void)
{
	static const char *const edit = "<span class=mw-editsection><span "
	    "class=mw-editsection-bracket>[</span><a href=\"/w/index.php?"
	    "action=edit&amp;section=1\">edit</a><span class="
	    "mw-editsection-bracket>]</span></span>";
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *q = words_para("wiki", 80);
	int k;

	for (k = 0; k < 2; k++) {
		memset(&b, 0, sizeof(b));
		tq_buf_addf(&b, "<html><head><title>Mozilla</title>%s</head>"
		    "<body><div class=mw-body><h1>Mozilla</h1><div class="
		    "mw-parser-output><p>", k == 0 ? "<meta property=og:type "
		    "content=article><meta property=article:published_time "
		    "content=2020-01-01>" : "");
		tq_buf_adds(&b, q);
		tq_buf_addf(&b, "</p><h2><span class=mw-headline id=History>"
		    "History</span>%s</h2><p>", edit);
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p></div></div></body></html>");
		ok(extract_str(b.data, "https://wiki.example/wiki/Mozilla",
		    &d) == 0, "edit links extract (%d)", k);
		ok(has(d.text, "\n\nHistory\n\n") && !has(d.text, "edit]"),
		    "edit links: the heading without its [edit] (%s)",
		    d.page_type);
		tq_doc_free(&d);
		free(b.data);
	}
	free(q);
}

/*
 * MathML formulas as text: the TeX that the page gives (alttext, a TeX
 * annotation), else the tokens; KaTeX's drawing, hidden from screen
 * readers, once only; MathJax's container whatever its menu's class.
 */
static void
test_math(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *q = words_para("formula", 60);

	tq_buf_adds(&b, "<html><head><title>Roots</title></head><body>"
	    "<article><h1>Roots</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>When <math alttext=\"a\\neq 0\"><mi>a</mi>"
	    "<mo>&#x2260;</mo><mn>0</mn></math>, the roots are</p>"
	    "<math display=block alttext=\"{\\displaystyle x=\\frac{-b}"
	    "{2a}}\"><mi>x</mi></math><p>and with KaTeX <span class=katex>"
	    "<span class=katex-mathml><math><semantics><mrow><mi>y</mi></mrow>"
	    "<annotation encoding=\"application/x-tex\">y^2</annotation>"
	    "</semantics></math></span><span class=katex-html aria-hidden=true>"
	    "<span class=mord>y2</span></span></span> too, and MathJax's "
	    "<mjx-container class=\"MathJax CtxtMenu_Attached_0\">"
	    "<mjx-assistive-mml><math><mi>z</mi><mo>+</mo><mn>1</mn></math>"
	    "</mjx-assistive-mml></mjx-container> also.</p><p>On Wikipedia "
	    "<span class=mwe-math-element><span style=\"display: none;\">"
	    "<math alttext=\"{\\displaystyle n!}\"><mi>n</mi></math></span>"
	    "<img alt=\"{\\displaystyle n!}\" aria-hidden=true></span>, "
	    "drawn, but <span style=\"display:none\">a hidden note</span>"
	    " not.</p><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://math.example/roots", &d) == 0,
	    "math extract");
	ok(has(d.text, "When a\\neq 0, the roots are"),
	    "math: a formula's alttext in its sentence");
	ok(has(d.text, "\n\nx=\\frac{-b}{2a}\n\n"),
	    "math: a displayed formula a line of its own, without "
	    "{\\displaystyle}");
	ok(has(d.text, "KaTeX y^2 too"),
	    "math: KaTeX's TeX annotation, its drawing left out");
	ok(has(d.text, "z + 1"), "math: MathJax's formula, its tokens");
	ok(has(d.text, "On Wikipedia n!, drawn"),
	    "math: a hidden formula with its picture beside it");
	ok(!has(d.text, "hidden note"), "math: other hidden text stays out");
	tq_doc_free(&d);
	free(q);
	free(b.data);
}

/*
 * A ranking's entries, each a heading whose name links to the school's
 * own page over a section of prose: the headings stay as the
 * sections' titles.  A linked heading over a line of links does not.
 */
static void
test_linked_titles(void)
{
	static const char *const school[] = { "Harvard Business School",
	    "Stanford GSB", "UPenn Wharton" };
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char want[128];
	size_t k;

	tq_buf_adds(&b, "<html><head><title>Top MBA programs</title></head>"
	    "<body><article><h1>Top MBA programs</h1><p>Rankings come and "
	    "go, but a few schools stay at the top of every list that "
	    "matters, year after year, and for reasons that say a great "
	    "deal about what a business degree is for.</p>");
	for (k = 0; k < 3; k++)
		tq_buf_addf(&b, "<div class=item><h2>%zu. <a href=/s/%zu>%s"
		    "</a></h2><div><p>The school admits a class of some nine "
		    "hundred each year from every field of work, and its "
		    "case method puts each student in the chair of someone "
		    "who must decide, day after day, for two years.</p><p>"
		    "Its graduates lead firms in every industry, and its "
		    "network opens doors that stay closed to others.</p>"
		    "</div></div>", k + 1, k, school[k]);
	tq_buf_adds(&b, "<h2><a href=/more>More rankings</a></h2><p><a "
	    "href=/r1>Europe</a> <a href=/r2>Asia</a> <a href=/r3>Online"
	    "</a></p></article></body></html>");
	ok(extract_str(b.data, "https://mba.example/top", &d) == 0,
	    "linked titles extract");
	for (k = 0; k < 3; k++) {
		snprintf(want, sizeof(want), "%zu. %s\n\nThe school admits",
		    k + 1, school[k]);
		ok(has(d.text, want), "linked titles: entry %zu's heading "
		    "over its section", k + 1);
	}
	ok(!has(d.text, "More rankings"),
	    "linked titles: one over a line of links goes");
	tq_doc_free(&d);
	free(b.data);

	/* a site builder's heading alone in its block, a picture after */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Chicago Booth</title><meta "
	    "property=og:type content=article></head><body><article><h1>"
	    "Chicago Booth</h1><div class=block><p>Rankings come and go, "
	    "but a few schools stay at the top of every list that matters, "
	    "year after year, and for reasons that say a great deal about "
	    "what a business degree is for.</p><p>Its graduates go into "
	    "finance more than those of any other school, and its "
	    "economists have won more prizes than any faculty of its kind."
	    "</p></div><div class=block><h3>1. <a href=/s/3>The flexible "
	    "curriculum</a></h3> </div><div class=block><img src=/b.png>"
	    "</div><div class=block><p>The school admits a class of some "
	    "six hundred each year, and its curriculum lets each student "
	    "choose nearly every course, from the first term on, with few "
	    "required classes and many electives.</p><p>Its graduates go "
	    "into banking more than those of any other school, which "
	    "shapes how every course is taught.</p></div></article></body>"
	    "</html>");
	ok(extract_str(b.data, "https://mba.example/booth", &d) == 0,
	    "linked title in a block extract");
	ok(has(d.text, "1. The flexible curriculum\n\nThe school admits"),
	    "linked titles: one alone in its block, its section in the "
	    "next block with text");
	tq_doc_free(&d);
	free(b.data);
}

static void
test_product(void)
{
	static const char ld[] = "<html><head><script type=\"application/"
	    "ld+json\">{\"@type\":\"Product\",\"name\":\"Desk\"}</script>"
	    "</head><body>";
	struct tq_doc d;
	struct tq_buf b;
	char *q, *r;
	const char *p, *m;

	/* React's streamed segment goes where its placeholder stands */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Oak desk</h1><p>");
	q = words_para("oak", 30);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><!--$?--><template id=\"B:1\"></template>"
	    "<div>Loading the details...</div><!--/$--><p>");
	q = words_para("walnut", 30);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></main><footer>Shop footer</footer>"
	    "<div hidden id=\"S:1\"><p>");
	q = words_para("maple", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div><script>$RC(\"B:1\",\"S:1\")</script>"
	    "</body></html>");
	ok(extract_str(b.data, "https://shop.example/desk", &d) == 0,
	    "stream extract");
	p = d.text != NULL ? strstr(d.text, "oak oak") : NULL;
	m = d.text != NULL ? strstr(d.text, "maple maple") : NULL;
	r = d.text != NULL ? strstr(d.text, "walnut walnut") : NULL;
	ok(p != NULL && m != NULL && r != NULL && p < m && m < r,
	    "stream: the hidden segment shown at its placeholder");
	ok(!has(d.text, "Loading the details"), "stream: the fallback goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * An accordion's toggles name a product's sections; the section
	 * of the shop's terms goes with its toggle.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Fire pit</h1><p>");
	q = words_para("flame", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><div class=acc><button aria-expanded=false>"
	    "Dimensions &amp; Materials</button><div class=panel hidden>"
	    "<p>Height: 39 cm, weight: 15 kg, stainless steel.</p></div>"
	    "</div><div class=acc><button aria-expanded=false>Shipping "
	    "&amp; Returns</button><div class=panel hidden><p>We ship "
	    "within three days and take returns for a month.</p></div>"
	    "</div><h3>Lifetime Guarantee</h3><p>We replace any tool that "
	    "breaks, for as long as you own it.</p></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/pit", &d) == 0,
	    "product toggle extract");
	ok(has(d.text, "Dimensions & Materials\n\nHeight: 39 cm"),
	    "product toggle: the section's name above it");
	ok(!has(d.text, "Shipping") && !has(d.text, "take returns"),
	    "product toggle: the shop's terms go with their toggle");
	ok(!has(d.text, "Guarantee") && !has(d.text, "We replace any tool"),
	    "product: the shop's guarantee goes with its heading");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A block whose class calls it an accordion's title is a heading:
	 * it goes when its panel is empty (a script fills it) and with
	 * the shop's terms; over its panel's text it stays.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Staple tee</h1><p>");
	q = words_para("cotton", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><div class=accordion-item><div class=\""
	    "accordion-title active\">Details</div><div class=accordion-"
	    "content><p>Fit: regular, neck ribbing, side seamed.</p></div>"
	    "</div><div class=accordion-item><div class=accordion-title>"
	    "Care Instructions</div><div class=accordion-content> </div>"
	    "</div><div class=accordion-item><div class=accordion-title>"
	    "Shipping and Returns</div><div class=accordion-content><p>"
	    "Orders leave the warehouse within two days.</p></div></div>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://shop.example/tee", &d) == 0,
	    "accordion title extract");
	ok(has(d.text, "Details\n\nFit: regular"),
	    "accordion title: above its panel's text");
	ok(!has(d.text, "Care Instructions"),
	    "accordion title: over an empty panel it goes");
	ok(!has(d.text, "Shipping and Returns") &&
	    !has(d.text, "leave the warehouse"),
	    "accordion title: the shop's terms go with it");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * Headings of nothing go, and the text of a section gone does
	 * not keep the heading before it; a heading that ends in a colon
	 * leads to what follows (a video) and stays.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Food colours</h1><p>");
	q = words_para("beet", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><h2>Use your colours like a pro with this "
	    "how-to:</h2><div class=video-block data-video=v1></div>"
	    "<h2>About this item</h2><h2>You may also like</h2><div><p>"
	    "Another jar of paint sold here for a while.</p></div>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://shop.example/colours", &d) == 0,
	    "empty headings extract");
	ok(has(d.text, "with this how-to:"),
	    "empty headings: a lead-in to a video stays");
	ok(!has(d.text, "About this item") && !has(d.text, "Another jar"),
	    "empty headings: one before a section gone goes");
	tq_doc_free(&d);
	free(b.data);

	/* a marketplace's seller's card goes, a best seller's badge stays */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Stoneware mug</h1><span class=bestseller-"
	    "badge>Bestseller of the month</span><p>");
	q = words_para("clay", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><div class=\"seller-cred wt-flex\"><div>Pottery"
	    "Store</div><div>1.1k sales</div><div>10 years on the market"
	    "</div><p>Smooth shipping: has a history of shipping on time."
	    "</p></div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/mug", &d) == 0,
	    "seller extract");
	ok(has(d.text, "clay clay") && has(d.text, "Bestseller of the month"),
	    "seller: the product and its badge stay");
	ok(!has(d.text, "1.1k sales") && !has(d.text, "Smooth shipping"),
	    "seller: the seller's card goes");
	tq_doc_free(&d);
	free(b.data);

	/* segments that name each other, or themselves: each taken once */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Loop</h1><template id=\"B:1\"></template>"
	    "</main>");
	for (int i = 0; i < 300; i++)
		tq_buf_adds(&b, "<div hidden id=\"S:1\"><template id=\"B:1\">"
		    "</template><template id=\"P:2\"></template><p>Looping "
		    "segment text.</p></div><div hidden id=\"S:2\"><template "
		    "id=\"B:1\"></template><p>Second segment.</p></div>");
	tq_buf_adds(&b, "</body></html>");
	ok(extract_str(b.data, "https://shop.example/loop", &d) == 0 &&
	    has(d.text, "Looping segment text."), "stream: segments that "
	    "name each other end");
	tq_doc_free(&d);
	free(b.data);

	/* closed panels: after a heading, after a toggle, ARIA regions */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Linen shirt</h1><p>");
	q = words_para("linen", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><h2>Details</h2><div style=\"display: none\">"
	    "<p>Woven from flax grown in Normandy, and washed soft.</p></div>"
	    "<div><button aria-expanded=\"false\">Care</button></div>"
	    "<div hidden><p>Wash cold with like colours, dry flat.</p></div>"
	    "<div role=\"region\" aria-labelledby=\"t1\" aria-hidden=\"true\" "
	    "style=\"display:none\"><p>Chest 104 cm, length 72 cm.</p></div>"
	    "<p>Sold in three colours.</p><div style=\"display:none\">"
	    "<p>A secret note for the shop.</p></div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/shirt", &d) == 0,
	    "panels extract");
	ok(has(d.text, "Woven from flax"), "panels: after a heading");
	ok(has(d.text, "Wash cold"), "panels: after an aria-expanded toggle");
	ok(has(d.text, "Chest 104 cm"), "panels: ARIA region, aria-hidden");
	ok(!has(d.text, "secret note"), "panels: other hidden blocks stay "
	    "hidden");
	tq_doc_free(&d);
	free(b.data);

	/* sections of other products and shop terms go, reviews stay */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Stoneware mug</h1><p>");
	q = words_para("glaze", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><h2>Specifications</h2><table><tr><th>Capacity"
	    "</th><td>350 ml</td></tr><tr><th>Weight</th><td>280 g</td></tr>"
	    "</table><div><h2>You may also like</h2></div><div><p>Tall "
	    "porcelain cup in white, a favourite of our customers.</p>"
	    "<p>Espresso cup set, four cups with saucers.</p></div>"
	    "<h2>Shipping &amp; returns</h2><p>Parcels leave our workshop "
	    "within two working days of your order.</p><h2>Reviews</h2><p>"
	    "Lovely weight in the hand, keeps coffee warm.</p><h3>Write a "
	    "review</h3><p>Share your thoughts with other customers.</p>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://shop.example/mug", &d) == 0,
	    "sections extract");
	ok(has(d.text, "Capacity | 350 ml\nWeight | 280 g"),
	    "sections: specifications kept");
	ok(!has(d.text, "porcelain cup") && !has(d.text, "You may also"),
	    "sections: other products dropped");
	ok(!has(d.text, "Parcels leave"), "sections: shipping dropped");
	ok(has(d.text, "Lovely weight"), "sections: reviews kept");
	ok(!has(d.text, "Share your thoughts"), "sections: review prompt "
	    "dropped");
	tq_doc_free(&d);
	free(b.data);

	/* buttons: an accordion's toggle names its section; labels go */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Rain jacket</h1><p>");
	q = words_para("waxed", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, " Quote the care code <button type=button>WX-7"
	    "</button> at the cleaner's.");
	tq_buf_adds(&b, "</p><h2><button aria-expanded=\"true\">Materials"
	    "</button></h2><dl><dt><button class=acc>Outer</button></dt><dd>"
	    "Waxed cotton</dd></dl><p><button>Add to basket</button></p>"
	    "<div>20% off all jackets with code RAIN20</div>"
	    "<div>Get $40 off your first order with our card</div>"
	    "<div>FREE Fast Delivery</div><div><label id=l1>Select Frame "
	    "Color</label><button>Black</button><button>White</button></div>"
	    "<ul>");
	for (int i = 0; i < 6; i++)
		tq_buf_adds(&b, "<li><input type=checkbox id=c><label for=c>"
		    "Choose this lining option for your jacket</label></li>");
	tq_buf_adds(&b, "</ul></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/jacket", &d) == 0,
	    "buttons extract");
	ok(has(d.text, "Materials"), "buttons: a heading's toggle is text");
	ok(has(d.text, "Outer") && has(d.text, "Waxed cotton"),
	    "buttons: a specification's term is text");
	ok(!has(d.text, "Add to basket"), "buttons: a control is no text");
	ok(has(d.text, "care code WX-7 at the cleaner's"),
	    "buttons: one in the middle of a sentence is a word of it");
	ok(!has(d.text, "RAIN20") && !has(d.text, "$40 off") &&
	    !has(d.text, "Fast Delivery"), "promotions dropped");
	ok(!has(d.text, "lining option"), "a list of form labels dropped");
	ok(!has(d.text, "Frame Color"), "a field's label dropped");
	tq_doc_free(&d);
	free(b.data);

	/* the page's heading beside a price: a product, whatever og says */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><meta property=\"og:type\" content="
	    "\"article\"></head><body><div class=buy><h1>Hair dryer</h1>"
	    "<p class=price>$56.97</p></div><div class=text><p>");
	q = words_para("ceramic", 80);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div></body></html>");
	ok(extract_str(b.data, "https://shop.example/dryer", &d) == 0,
	    "buy box extract");
	is_str(d.page_type, "product", "type: heading beside a price");
	tq_doc_free(&d);
	free(b.data);

	/* a style's value in a class names no chrome */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Standing desk</h1><div class=\"lg:h-[calc("
	    "100vh-var(--nav-height))]\"><p>");
	q = words_para("frame", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div></main><div><p>");
	q = words_para("bamboo", 80);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div></body></html>");
	ok(extract_str(b.data, "https://shop.example/desk", &d) == 0 &&
	    has(d.text, "frame frame"), "a Tailwind value names no nav");
	tq_doc_free(&d);
	free(b.data);

	/* other products, empty headings, captions, seller badges go */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, ld);
	tq_buf_adds(&b, "<main><h1>Standing desk</h1><p>");
	q = words_para("frame", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><p>");
	q = words_para("bamboo", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><h2>Materials</h2><h2>Specifications</h2>"
	    "<p>Steel frame, bamboo top, two motors.</p>"
	    "<p>Abeiku wears size L and is 183 cm tall</p>"
	    "<p>Star Seller. This seller answers within hours.</p>"
	    "<div>Best seller</div><div>Lifetime Warranty</div><div>");
	for (int i = 0; i < 4; i++)
		tq_buf_adds(&b, "<div class=card><a href=/p/other><img src=a.jpg>"
		    "<h3>Walnut desk converter, two tiers</h3></a>"
		    "<span>$129.00</span></div>");
	tq_buf_adds(&b, "</div><div class=compare>");
	for (int i = 0; i < 24; i++)
		tq_buf_adds(&b, i % 6 == 0 ? "<div>Price of the large kit "
		    "$299.95</div>" : "<div>Bamboo</div>");
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/desk", &d) == 0,
	    "cards extract");
	ok(!has(d.text, "Materials") && has(d.text, "Specifications"),
	    "a heading of nothing dropped");
	ok(!has(d.text, "wears size") && !has(d.text, "Star Seller"),
	    "captions and seller badges dropped");
	ok(!has(d.text, "Best seller") && !has(d.text, "Lifetime Warranty"),
	    "a shop's badges dropped");
	ok(!has(d.text, "Walnut desk"), "a row of other products dropped");
	ok(!has(d.text, "$299.95"), "a grid of prices dropped");
	tq_doc_free(&d);
	free(b.data);

	/* Open Graph's product.group: a collection */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><meta property=\"og:type\" content="
	    "\"product.group\"></head><body><h1>Beard oils</h1><p>");
	q = words_para("oil", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></body></html>");
	ok(extract_str(b.data, "https://shop.example/oils", &d) == 0,
	    "group extract");
	is_str(d.page_type, "collection", "type: og:type product.group");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A product page built by a script: its Product's description
	 * and properties, each property once where the shop lists its
	 * key specifications and then all of them
	 */
	ok(extract_str("<html><head><script type=\"application/ld+json\">"
	    "{\"@type\":\"Product\",\"name\":\"Laptop\",\"description\":"
	    "\"A light laptop with a bright screen, a long battery life and "
	    "a keyboard that lights up for work in the dark.\",\"offers\":"
	    "{\"price\":\"999\"},\"additionalProperty\":["
	    "{\"name\":\"Screen Size\",\"value\":\"13.8 inches\"},"
	    "{\"name\":\"Memory\",\"value\":\"16 gigabytes\"},"
	    "{\"name\":\"Brand\",\"value\":\"Maker\"},"
	    "{\"name\":\"Screen Size\",\"value\":\"13.8 inches\"},"
	    "{\"name\":\"Memory\",\"value\":\"16 gigabytes\"},"
	    "{\"name\":\"Weight\",\"value\":1.4},"
	    "{\"name\":\"Colour\",\"value\":\"Dune\"},"
	    "{\"name\":\"Touch Screen\",\"value\":\"true\"}]}</script>"
	    "</head><body><div id=app>Loading</div></body></html>",
	    "https://shop.example/laptop", &d) == 0, "ld product extracts");
	ok(has(d.text, "A light laptop") &&
	    has(d.text, "\nBrand: Maker\n") && has(d.text, "Weight: 1.4\n"),
	    "ld product: description and properties");
	ok(has(d.text, "Screen Size: 13.8 inches") &&
	    strstr(strstr(d.text, "Screen Size: 13.8 inches") + 1,
	    "Screen Size") == NULL,
	    "ld product: a property listed twice is given once");
	tq_doc_free(&d);
}

static double
cputime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
run(const char *html, size_t len, struct tq_doc *d, struct tq_err *e)
{
	memset(e, 0, sizeof(*e));
	return tq_extract(html, len, NULL, d, e);
}

/*
 * A thread's post, as phpBB-like boards write it: a heading with the
 * post's number and time, a user panel with a title, the message, a
 * signature.
 */
static void
add_post(struct tq_buf *b, int k, const char *who, const char *text)
{
	char h[160];

	snprintf(h, sizeof(h), "<div class=\"blockpost\" id=\"p%d\">"
	    "<h2><span>#%d <a href=\"/p%d\">2024-08-0%d 1%d:48:19</a></span>"
	    "</h2><div class=postbody><div class=postleft><dl><dt><strong>",
	    k, k, k, k, k);
	tq_buf_adds(b, h);
	tq_buf_adds(b, who);
	tq_buf_adds(b, "</strong></dt><dd class=usertitle><strong>Veteran "
	    "Baker</strong></dd><dd><span>Registered: 2012-09-03</span></dd>"
	    "<dd><span>Posts: 73,365</span></dd></dl></div>"
	    "<div class=postright><div class=postmsg><p>");
	tq_buf_adds(b, text);
	tq_buf_adds(b, "</p></div><div class=postsignature><p>Bread is "
	    "life, crumbs are forever</p></div></div></div></div>");
}

static void
test_types2(void)
{
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char *p[4];
	int k;

	/* a thread: every post, without its chrome */
	p[0] = words_para("starter", 40);
	p[1] = words_para("second", 40);
	p[2] = words_para("third", 40);
	p[3] = words_para("fourth", 40);
	tq_buf_adds(&b, "<html><head><title>Rye starters</title></head><body>"
	    "<div class=top><p><a href=/>Boards</a> \xc2\xbb <a href=/f/2>"
	    "Baking</a> \xc2\xbb <a href=/t/9>Rye starters</a></p></div>"
	    "<div id=brdmain><h1>Rye starters</h1><div class=tags><a "
	    "href=/c/1>Kitchen Corner</a> <a href=/c/2>General Talk</a>"
	    "</div>");
	add_post(&b, 1, "ines", p[0]);
	add_post(&b, 2, "corra", p[1]);
	add_post(&b, 3, "halvard", p[2]);
	add_post(&b, 4, "ines", p[3]);
	tq_buf_adds(&b, "<p>This topic was automatically closed after 30 days. "
	    "New replies are no longer allowed.</p>"
	    "<div class=ask><p>Start asking to get answers.</p>"
	    "<a class=\"s-btn s-btn__outlined\" href=/ask>Ask question</a>"
	    "</div></div></body></html>");
	ok(extract_str(b.data, "https://boards.example/viewtopic.php?id=9",
	    &d) == 0, "thread extract");
	is_str(d.page_type, "forum", "thread: forum");
	ok(in_order(d.text, "starter starter", "second second") &&
	    in_order(d.text, "second second", "third third") &&
	    in_order(d.text, "third third", "fourth fourth"),
	    "thread: every post, in order, though their headings look like "
	    "phone numbers");
	ok(in_order(d.text, "halvard", "third third"),
	    "thread: a post's author before it");
	ok(!has(d.text, "Registered:") && !has(d.text, "Posts: 73") &&
	    !has(d.text, "Veteran Baker") && !has(d.text, "crumbs are "
	    "forever"), "thread: no user panels, titles or signatures");
	ok(!has(d.text, "Boards") && !has(d.text, "Kitchen Corner"),
	    "thread: no breadcrumb trail or category badges");
	ok(!has(d.text, "automatically closed") && !has(d.text, "Ask "
	    "question"), "thread: no closing note or button");
	tq_doc_free(&d);
	/*
	 * Its posts have headings, as a listing's cards do: what says it
	 * is a thread is its address, also a forum's host of its own or
	 * SMF's "?topic="
	 */
	ok(extract_str(b.data, "https://www.example.org/index.php?id=9",
	    &d) == 0 && strcmp(d.page_type, "forum") != 0,
	    "thread at a plain address: no forum (%s)", d.page_type);
	tq_doc_free(&d);
	ok(extract_str(b.data, "https://bbs.example.org/index.php?id=9",
	    &d) == 0, "thread on a forum's host");
	is_str(d.page_type, "forum", "thread on a forum's host: forum");
	tq_doc_free(&d);
	ok(extract_str(b.data, "https://www.example.org/index.php?topic=9.0",
	    &d) == 0, "thread of SMF");
	is_str(d.page_type, "forum", "thread of SMF: forum");
	tq_doc_free(&d);
	free(b.data);
	for (k = 0; k < 4; k++)
		free(p[k]);

	/*
	 * A body wrapped in a <span> that tidy splits around each block
	 * (one copy of its class and id per block): its "meta" class
	 * drops no heading or list.
	 */
	memset(&b, 0, sizeof(b));
	p[0] = words_para("paid", 50);
	p[1] = words_para("leave", 50);
	tq_buf_adds(&b, "<html><head><title>PTO</title></head><body><div "
	    "class=post><span id=wrap_body class=\"wrap wrap_meta_field\">"
	    "<p>");
	tq_buf_adds(&b, p[0]);
	tq_buf_adds(&b, "</p><h2>Choose the kinds of time off</h2><ul>"
	    "<li>Sick time</li><li>Vacation time</li><li>Holidays</li></ul>"
	    "<p>");
	tq_buf_adds(&b, p[1]);
	tq_buf_adds(&b, "</p><h2>Track the balances</h2><p>");
	tq_buf_adds(&b, p[0]);
	tq_buf_adds(&b, "</p></span></div></body></html>");
	ok(extract_str(b.data, "https://hr.example/blog/pto", &d) == 0,
	    "split body extract");
	ok(has(d.text, "Choose the kinds of time off") &&
	    has(d.text, "Vacation time") && has(d.text, "Track the balances"),
	    "split body: headings and lists stay");
	tq_doc_free(&d);
	free(b.data);
	free(p[0]);
	free(p[1]);

	/* a shop's internal field names go with their values */
	memset(&b, 0, sizeof(b));
	p[0] = words_para("cotton", 50);
	tq_buf_adds(&b, "<html><head><title>Tee</title><script type="
	    "\"application/ld+json\">{\"@context\":\"https://schema.org\","
	    "\"@type\":\"Product\",\"name\":\"Staple Tee\"}</script></head>"
	    "<body><main><h1>Staple Tee</h1><p>");
	tq_buf_adds(&b, p[0]);
	tq_buf_adds(&b, "</p><dl><dt>fabric:</dt><dd>Combed cotton</dd>"
	    "<dt>retail_price_tier1:</dt><dd>$20.00_1-9 items</dd>"
	    "<dt>cat_thumb_Navy:</dt><dd></dd></dl>"
	    "<p>Order within 3 hr 52 min</p></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/products/tee", &d) == 0,
	    "shop fields extract");
	is_str(d.page_type, "product", "shop fields: product");
	ok(has(d.text, "Combed cotton"), "shop fields: a field kept");
	ok(!has(d.text, "retail_price") && !has(d.text, "$20.00_1") &&
	    !has(d.text, "cat_thumb") && !has(d.text, "Order within"),
	    "shop fields: internal names, their values and delivery "
	    "promises out");
	tq_doc_free(&d);
	free(b.data);
	free(p[0]);
}

/*
 * Listings and collections (extract_listing.c): a list of items is
 * found by its shape, kept whole with its cards' titles, snippets and
 * bylines, without the labels its items repeat.
 */
static void
test_listing(void)
{
	static const char *const fits[] = { "slim", "muscle", "oversized",
	    "regular" };
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char w[512];
	int i, k;

	/*
	 * A topic page: the heading and intro unlinked, the cards linked
	 * whole, in a wrapper whose class says "pagination" (an endless
	 * scroll), each with a byline in its <footer>.
	 */
	tq_buf_adds(&b, "<html><head><title>Rental cars</title></head><body>"
	    "<header class=site><a href=/>Home</a> <a href=/news>News</a>"
	    "</header><div class=page><section class=intro>"
	    "<h1>Rental car news and coverage</h1><p>Stay up to date with "
	    "our reporting on car rentals: prices, insurance, the companies "
	    "and the rules that renters should know before they sign a "
	    "contract at the counter, with the stories of our readers who "
	    "had trouble with a rental and how they got their money back. "
	    "Our consumer team answers questions every week.</p></section>"
	    "<h2>Latest <a href=/all>See all stories</a></h2>"
	    "<div class=\"pagination_wrap\"><div class=grid>");
	for (i = 0; i < 8; i++) {
		snprintf(w, sizeof(w), "<div class=card><div class=rank>%d"
		    "</div><a href=/s/%d><h3>"
		    "Rental story %d: what renters should know</h3><p>Snippet "
		    "%d tells what happened to a renter at the counter.</p></a>"
		    "<div class=cmp>Add to Compare</div><a href=/t/cars>Cars"
		    "</a><footer><span class=screen-reader-text>Posted on "
		    "</span>By Reporter %d, March %d</footer></div>",
		    i + 1, i, i, i, i, i + 1);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></div><p class=more>Updated 1d ago<span "
	    "aria-hidden=true>&middot;</span>3 min read</p></div>"
	    "<footer>Copyright Rental News</footer></body></html>");
	ok(extract_str(b.data, "https://news.example/rental-cars", &d) == 0,
	    "topic page extract");
	is_str(d.page_type, "listing", "topic page: a listing");
	ok(has(d.text, "Stay up to date") &&
	    in_order(d.text, "Rental story 0: what renters should know\n\n"
	    "Snippet 0 tells", "Rental story 7: what renters should know"),
	    "topic page: intro, then every card's title and snippet");
	ok(has(d.text, "By Reporter 0, March 1") &&
	    has(d.text, "By Reporter 7, March 8"),
	    "topic page: a card's <footer> byline stays");
	ok(has(d.text, "Cars"), "topic page: category links stay");
	ok(!has(d.text, "Add to Compare"),
	    "topic page: a label every card repeats goes");
	ok(!has(d.text, "See all"), "topic page: the link to more goes");
	ok(!has(d.text, "Posted on"), "topic page: no text for screen "
	    "readers only");
	ok(!has(d.text, "\n1\n") && !has(d.text, "\n8\n"),
	    "topic page: no ranks standing alone");
	ok(!has(d.text, "Copyright"), "topic page: no footer");
	ok(has(d.text, "1d ago 3 min read"),
	    "topic page: words around a hidden separator stay apart");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A page that calls itself an article, with a date, but whose
	 * content is a list of items (linked titles with their
	 * snippets): a listing.
	 * Fields of a product ("Width:" "Wide") stay though every item
	 * has them.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><meta property=og:type content=article>"
	    "<meta property=article:published_time content=2025-03-02>"
	    "<title>Bottles</title></head><body><main><h1>Water bottles</h1>"
	    "<ul class=results>");
	for (i = 0; i < 30; i++) {
		snprintf(w, sizeof(w), "<li class=result><a href=/p/%d>"
		    "Steel bottle model %d, insulated</a><span>A bottle that "
		    "keeps water cold for a day and hot for half a day, "
		    "number %d of the range.</span><div><span>Opening:</span>"
		    "<span>Wide</span></div></li>", i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/bottles", &d) == 0,
	    "list of items extract");
	is_str(d.page_type, "listing", "list of items: a listing");
	ok(in_order(d.text, "Steel bottle model 0", "Steel bottle model 29"),
	    "list of items: every item");
	ok(has(d.text, "Wide"), "list of items: fields' values stay");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * Recipe cards, each one link around a few short blocks: cards,
	 * no menu of bare links.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Dinners</title></head><body>"
	    "<main><h1>Dinner recipes</h1><p>What's for dinner? Take the "
	    "work out of searching for an answer to this question with "
	    "these popular five-star dinner recipes from our readers.</p>"
	    "<div class=cards>");
	for (i = 0; i < 8; i++) {
		snprintf(w, sizeof(w), "<a class=card href=/r/%d><div "
		    "class=content><div class=head></div><div class=tag>"
		    "Chili</div><h3>White chili %d</h3><div class=meta>"
		    "20 minutes</div></div></a>", i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://food.example/dinner", &d) == 0,
	    "recipe cards extract");
	is_str(d.page_type, "listing", "recipe cards: a listing");
	ok(has(d.text, "White chili 0") && has(d.text, "White chili 7"),
	    "recipe cards: a card inside one link is no menu");
	tq_doc_free(&d);
	free(b.data);

	/* the same with prices: a collection */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><meta property=og:type content=article>"
	    "<meta property=article:published_time content=2025-03-02>"
	    "<title>Bottles</title></head><body><main><h1>Water bottles</h1>"
	    "<ul class=results>");
	for (i = 0; i < 30; i++) {
		snprintf(w, sizeof(w), "<li class=result><a href=/p/%d>"
		    "Steel bottle model %d, insulated</a><span>A bottle that "
		    "keeps water cold for a day and hot for half a day, "
		    "number %d of the range.</span><span>$%d.00</span></li>",
		    i, i, i, 20 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/bottles", &d) == 0,
	    "list of priced items extract");
	is_str(d.page_type, "collection", "list of priced items: a collection");
	ok(has(d.text, "Steel bottle model 29, insulated"),
	    "list of priced items: every item");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * An electrician's coupons: amounts off are no prices, the page
	 * is a listing.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Coupons</title></head><body>"
	    "<main><h1>Coupons</h1><div class=coupons>");
	for (i = 0; i < 6; i++) {
		snprintf(w, sizeof(w), "<div class=coupon><h3>$%d.00 Off Any "
		    "Electrical Repair</h3><p>Must be presented at the time of "
		    "service. Not valid with other offers, number %d.</p><a "
		    "href=/book/%d>Schedule service</a></div>", 25 * (i + 1),
		    i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://electric.example/coupons/", &d) == 0,
	    "coupons extract");
	is_str(d.page_type, "listing", "coupons: amounts off, a listing");
	ok(has(d.text, "$150.00 Off Any Electrical Repair"),
	    "coupons: every coupon");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * Inline elements side by side: a brand and a name, a byline and
	 * a date come apart; a word cut by a style ("child" "ren", a drop
	 * cap) and a price's cents stay whole.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Shoes</title></head><body>"
	    "<main><h1>Running shoes</h1><ul class=grid>");
	for (i = 0; i < 8; i++) {
		snprintf(w, sizeof(w), "<li class=tile><a href=/p/%d><span "
		    "class=brand>HOKA</span><span class=name>Clifton %d road "
		    "shoes</span></a><div><span>Jane Roe</span><time>Mar %d"
		    "</time><a href=/p/%d#c><span>%d</span></a></div><p><span>"
		    "A shoe for child</span><span>ren</span> and grown-ups, "
		    "<b>C</b><span>ushioned</span>, <span>$1%d</span><sup>99"
		    "</sup></p></li>", i, i, i + 1, i, 10 + i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/c/running", &d) == 0,
	    "shoe tiles extract");
	ok(has(d.text, "HOKA Clifton 7 road shoes") &&
	    has(d.text, "Jane Roe Mar 8"),
	    "shoe tiles: a brand and a name, a byline and a date apart");
	ok(has(d.text, "Mar 8 17"),
	    "shoe tiles: a date and a count of comments apart");
	ok(has(d.text, "A shoe for children and grown-ups, Cushioned, $1799"),
	    "shoe tiles: a word cut by styles and a price stay whole");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * Cameras, each card's list of points under a title in a line of
	 * its own, a <span> beside the <ul>: the title every card repeats
	 * goes, the points stay.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Cameras</title></head><body>"
	    "<main><h1>Mirrorless cameras</h1><div class=results>");
	for (i = 0; i < 8; i++) {
		snprintf(w, sizeof(w), "<div class=card><h3><a href=/c/%d>"
		    "Camera model %d with a zoom lens</a></h3><div class=pts>"
		    "<span class=t>Key Features</span><ul><li>Sensor of %d "
		    "megapixels</li><li>Video in 4K at 60 frames</li></ul>"
		    "</div></div>", i, i, 20 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/c/cameras", &d) == 0,
	    "camera cards extract");
	ok(in_order(d.text, "Camera model 0 with a zoom lens\n\n- Sensor of 20 "
	    "megapixels", "Camera model 7"), "camera cards: titles and points");
	ok(!has(d.text, "Key Features"),
	    "camera cards: a title above each card's list goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A news hub: in its <main> the lead stories above the latest,
	 * which hold most of the text; both stay.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Science</title></head><body>"
	    "<header><a href=/>Home</a></header><main><h1>Science</h1>"
	    "<section class=lead>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "<div class=promo><h3><a href=/l/%d>"
		    "Lead story %d: a spacecraft changed the orbit of an "
		    "asteroid around the sun</a></h3></div>", i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</section><section class=latest><h2>Latest</h2>");
	for (i = 0; i < 10; i++) {
		snprintf(w, sizeof(w), "<div class=item><h3><a href=/s/%d>"
		    "Latest story %d</a></h3><p>Scientists in a small team "
		    "found something new about bears, whales and the moon, "
		    "and they explain in this story, number %d, what it means "
		    "for the rest of us and for the research to come.</p>"
		    "</div>", i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</section></main><footer>About us</footer>"
	    "</body></html>");
	ok(extract_str(b.data, "https://news.example/hub/science", &d) == 0,
	    "news hub extract");
	is_str(d.page_type, "listing", "news hub: a listing");
	ok(in_order(d.text, "Lead story 0: a spacecraft changed the orbit",
	    "Latest story 9"), "news hub: the lead stories and the latest");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A site's front page: twenty-four linked headlines, each in a
	 * block of its own above its snippet, below a big menu of
	 * sections: a listing by its headlines, though the cards hold
	 * little of the page's text.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Front</title></head><body>"
	    "<header><nav>");
	for (i = 0; i < 250; i++) {
		snprintf(w, sizeof(w), "<a href=/t/%d>Section of the site %d"
		    "</a> ", i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</nav></header><main><h1>Top stories</h1>"
	    "<div class=stories>");
	for (i = 0; i < 24; i++) {
		snprintf(w, sizeof(w), "<div class=promo><div class=title>"
		    "<h3><a href=/s/%d>Headline %d: the council votes on the "
		    "new bridge over the river</a></h3></div><div class=desc>"
		    "<p>Snippet %d.</p></div></div>", i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></main><footer><p>The notes of the site, on "
	    "its editors, its rules, the way it corrects its mistakes, and "
	    "how readers can reach the newsroom.</p></footer></body></html>");
	ok(extract_str(b.data, "https://news.example/", &d) == 0,
	    "front page extract");
	is_str(d.page_type, "listing", "front page: a listing by its "
	    "headlines");
	ok(in_order(d.text, "Headline 0: the council", "Headline 23: the "
	    "council"), "front page: every headline");
	ok(!has(d.text, "Section of the site"), "front page: no menu");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A story of many paragraphs above twenty-four linked headlines
	 * of related stories: no listing.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Bridge</title></head><body>"
	    "<div class=story><h1>The council and the bridge</h1>");
	for (i = 0; i < 14; i++) {
		snprintf(w, sizeof(w), "<p>Paragraph %d of the story: the "
		    "council met on Tuesday, heard the engineers, the mayor and "
		    "the people who live by the river, and then voted on the "
		    "plan for the new bridge, which will cost more than the "
		    "old one did, and take three years to build, if the "
		    "weather holds and the steel comes in time.</p>", i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=related>");
	for (i = 0; i < 24; i++) {
		snprintf(w, sizeof(w), "<div class=promo><h3><a href=/s/%d>"
		    "Related %d: the council votes on the new bridge over the "
		    "river</a></h3></div>", i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://news.example/bridge", &d) == 0,
	    "story with headlines extract");
	ok(strcmp(d.page_type, "listing") != 0,
	    "story with headlines: no listing");
	ok(has(d.text, "Paragraph 13 of the story"),
	    "story with headlines: the story");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A category whose grid holds most of the page, in wrappers of
	 * its own: the heading and count above the grid and the guides
	 * below it stay with the grid.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Helmets</title></head><body>"
	    "<div class=page><h1>Bike helmets</h1><p>143 products</p>"
	    "<div class=wrap><div class=inner><ul class=results>");
	for (i = 0; i < 30; i++) {
		snprintf(w, sizeof(w), "<li class=result><a href=/p/%d>Helmet "
		    "model %d with visor</a><p>A light helmet for the road and "
		    "the trail, with vents, a dial to fit, and pads, number %d."
		    "</p><span>$%d.95</span></li>", i, i, i, 50 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul></div></div><div class=related><h2>Related "
	    "advice</h2><a href=/a/1>How to choose a bike helmet</a></div>"
	    "</div></body></html>");
	ok(extract_str(b.data, "https://shop.example/c/helmets", &d) == 0,
	    "wrapped grid extract");
	is_str(d.page_type, "collection", "wrapped grid: a collection");
	ok(in_order(d.text, "Bike helmets\n\n143 products", "Helmet model 29")
	    && in_order(d.text, "Helmet model 29", "How to choose a bike "
	    "helmet"), "wrapped grid: heading and count above, guides below");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A grid of furniture below a long introduction: each card a
	 * linked name and price beside empty blocks for its picture,
	 * rating and buttons, all its text linked, little text per
	 * block: a card of the list, no menu.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Desks</title></head><body>"
	    "<main><section class=intro><h1>Desks</h1>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "<p>Desks for work and play, part %d: "
		    "standing desks, corner desks, gaming desks and desks for "
		    "children, in wood, metal and glass, for every room, every "
		    "budget and every way of working, at home or in the "
		    "office.</p>", i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</section><div class=plp>");
	for (i = 0; i < 12; i++) {
		snprintf(w, sizeof(w), "<div class=card><div class=pic><img "
		    "src=/i/%d.jpg alt=\"\"></div><a href=/p/%d><span>DESK%c "
		    "Desk, white, 55 7/8x19 5/8 in</span> <span>$ %d.99</span>"
		    "</a><div class=rating></div><div class=buttons><button>"
		    "Add to cart</button></div></div>", i, i, 'A' + i, 60 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/cat/desks", &d) == 0,
	    "furniture grid extract");
	ok(in_order(d.text, "DESKA Desk, white, 55 7/8x19 5/8 in $ 60.99",
	    "DESKL Desk, white, 55 7/8x19 5/8 in $ 71.99"),
	    "furniture grid: every card, no menu");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A shop's category page whose guide to buying outweighs its grid
	 * of products: many linked names, as many prices, a collection.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Tops</title></head><body><main>"
	    "<h1>T-shirts and tops</h1><div class=grid>");
	for (i = 0; i < 24; i++) {
		snprintf(w, sizeof(w), "<div class=card><a href=/p/%d><h3>"
		    "Crest tee %d</h3></a><p>Black</p><span>$%d</span></div>",
		    i, i, 20 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=\"widget review-widget\"><h2>"
	    "Customer reviews</h2><div class=rev><b>David</b><p>Best tee I "
	    "ever had, it fits well and the print stays after many washes."
	    "</p></div><div class=rev><b>Justin</b><p>My wife loves it too, "
	    "we ordered two more in other colours, and a hoodie to go with "
	    "them for the colder days.</p></div><div class=rev>"
	    "<b>Carlos</b><p>Never disappoints: great fabric and fit.</p>"
	    "</div></div>");
	for (i = 0; i < 6; i++) {
		snprintf(w, sizeof(w), "<h2>Which top is best for the gym, "
		    "part %d?</h2><p>When it comes to picking out a top for "
		    "the gym (%d) there is a range of things to consider: "
		    "style, fit, materials and what the top does for you. "
		    "Tighter tops sit against the body and keep the fabric "
		    "out of the way, looser ones let more air through, and "
		    "the fabric decides how well sweat leaves the skin.</p>",
		    i, i);
		tq_buf_adds(&b, w);
	}
	/* an answer's list of links that its sentence announces, a menu */
	tq_buf_adds(&b, "<h3>Which brands do you carry?</h3><p>The brands "
	    "our customers pick most often include:</p><ul><li><a href=/b/1>"
	    "Crestline</a></li><li><a href=/b/2>Northfield</a></li><li><a "
	    "href=/b/3>Oakmoor</a></li></ul><ul><li><a href=/s>Sale</a></li>"
	    "<li><a href=/n>New in</a></li><li><a href=/g>Gifts</a></li></ul>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://shop.example/collections/tops", &d) ==
	    0, "grid of products extract");
	is_str(d.page_type, "collection", "grid of products: a collection");
	ok(has(d.text, "Crest tee 23"), "grid of products: every item");
	ok(has(d.text, "Which top is best for the gym, part 5?"),
	    "grid of products: the buying guide stays");
	ok(in_order(d.text, "include:", "Crestline") &&
	    in_order(d.text, "Crestline", "Oakmoor"),
	    "grid of products: a list the text announces stays");
	ok(!has(d.text, "New in"), "grid of products: a menu goes");
	ok(!has(d.text, "Customer reviews") && !has(d.text, "Never "
	    "disappoints"), "grid of products: the reviews widget goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A store's genre page: each game's card with a row of tags, links
	 * side by side with nothing between them; above the cards a row of
	 * tabs (a short menu), below them a category's pages, bare links,
	 * and a short list of links below its own heading.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Action games</title></head><body>"
	    "<main><h1>Action games</h1><p>Fights, chases and shooting: "
	    "the games of this genre put the player in the middle of the "
	    "action, alone or with friends, in cities, in space or on the "
	    "battlefields of the past. Our editors pick the best of them "
	    "every week, and the players' reviews tell which ones are worth "
	    "their price. Start with the top sellers below, or browse the "
	    "pages of the category at the end of the list.</p>"
	    "<div class=tabs><a href=/new>New"
	    "</a> <a href=/top>Top sellers</a> <a href=/up>Upcoming</a> "
	    "<a href=/all>All</a></div><div class=games>");
	for (i = 0; i < 8; i++) {
		snprintf(w, sizeof(w), "<div class=game><a href=/g/%d><h3>"
		    "Game number %d</h3></a><p>Chases at night, %d.</p>"
		    "<div class=tags>"
		    "<a href=/t/a>Action</a><a href=/t/b>Adventure</a><a "
		    "href=/t/c>Open World</a></div></div>", i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><h2>Pages in this category</h2><ul>");
	for (i = 0; i < 10; i++) {
		snprintf(w, sizeof(w), "<li><a href=/w/%d>Fighter game %d"
		    "</a></li>", i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul><h2>Related searches</h2><ul><li><a href=/r/1>"
	    "Racing games</a></li><li><a href=/r/2>Stealth games</a></li>"
	    "<li><a href=/r/3>Arena shooters</a></li><li><a href=/r/4>"
	    "Beat 'em ups</a></li></ul></main></body></html>");
	ok(extract_str(b.data, "https://games.example/genre/action", &d) == 0,
	    "genre page extract");
	is_str(d.page_type, "listing", "genre page: a listing");
	ok(has(d.text, "Game number 7"), "genre page: every card");
	ok(has(d.text, "Action Adventure Open World"),
	    "genre page: an item's tags stay, apart");
	ok(in_order(d.text, "Fighter game 0", "Fighter game 9"),
	    "genre page: a category's list of bare links stays");
	ok(!has(d.text, "Top sellers"), "genre page: a short menu goes");
	ok(in_order(d.text, "Related searches", "Racing games") &&
	    has(d.text, "Beat 'em ups"),
	    "genre page: a short list below its heading stays");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A shop's grid whose cards carry chrome: a badge, a count of
	 * colour swatches, a star rating, a count of reviews, the old
	 * price struck through, discounts, a "Quick add" link and a
	 * video's duration.  The names, fits, colours (with a count in
	 * their line) and prices stay.  Below, a text in three copies,
	 * one for each screen's size.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Tops</title></head><body><main>"
	    "<h1>T-shirts and tops</h1><p>400 products</p><div class=grid>");
	for (i = 0; i < 12; i++) {
		snprintf(w, sizeof(w), "<article class=product-card><div "
		    "class=card-badge><span>%s</span></div><a href=/p/%d><h3>"
		    "Power tee %d</h3></a><p>%s fit</p><p>Onyx grey %d <span>"
		    "(4)</span></p>"
		    "<div class=swatches><a href=/p/%d>+%d</a></div><span "
		    "class=product-card_rating>4.%d</span><div>(%d)</div>"
		    "<div class=price><span>$%d.80</span> <s>$%d</s></div>"
		    "<div>%d%% off</div><a href=/add/%d>Quick add</a><span "
		    "class=video-duration>1:%02d</span></article>",
		    i % 2 ? "new" : "back in stock", i, i, fits[i % 4], i, i,
		    i + 1, i % 10, 20 + i, 28 + i, 36 + i, 10 + i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=seo>");
	for (i = 0; i < 3; i++)
		tq_buf_adds(&b, "<span class=excerpt>Our tees are cut for "
		    "the gym and for the street: light fabrics that let the "
		    "air through, seams that do not rub, colours that stay "
		    "after many washes.</span>");
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/collections/tops", &d) ==
	    0, "grid with card chrome extract");
	ok(has(d.text, "after many washes.") && !has(d.text, "washes. Our") &&
	    !has(d.text, "washes.\n\nOur"), "grid with card chrome: a text "
	    "for each screen's size once");
	ok(in_order(d.text, "Power tee 0\n\nslim fit\n\nOnyx grey 0 (4)\n\n"
	    "$28.80\n\nPower tee 1", "Power tee 11\n\nregular fit\n\n"
	    "Onyx grey 11 (4)\n\n$39.80"), "grid with card chrome: names, "
	    "fits, colours, prices; a count in a line stays");
	ok(!has(d.text, "back in stock") && !has(d.text, "+12") &&
	    !has(d.text, "4.5") && !has(d.text, "(25)") &&
	    !has(d.text, "$47") && !has(d.text, "% off") &&
	    !has(d.text, "Quick add") &&
	    !has(d.text, "1:07"), "grid with card chrome: badges, swatches, "
	    "ratings, reviews, old prices, discounts, buttons, durations go");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A shop's grid above its category text, written out as an
	 * excerpt for each size of screen (one a paragraph, the others
	 * spans nested in one another) and then in full behind "Read
	 * more", a word changed: the full text stays, the excerpts go.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Sheets</title></head><body><main>"
	    "<h1>All sheets</h1><div class=grid>");
	for (i = 0; i < 24; i++) {
		snprintf(w, sizeof(w), "<div class=card><a href=/p/%d><h3>"
		    "Linen sheet set %d</h3></a><p>Washed linen, in sand</p>"
		    "<div class=price>$%d.00</div></div>", i, i, 120 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=seo><h2>Sheets for your sleep</h2>"
	    "<div class=seo-text><span class=\"excerpt lg\"><p>The makings "
	    "of a restful room starts with intention: sheets that breathe, "
	    "a duvet for the season and pillows that keep their shape night "
	    "after night, so that the room you wake in is as calm as the "
	    "one...</p></span><span class=\"excerpt md\">The makings of a "
	    "restful room starts with intention: sheets that breathe, a "
	    "duvet for the season and pillows that keep their shape night "
	    "after night, so that the room you wake in is as calm as the "
	    "one...<span class=\"excerpt sm\">The makings of a restful room "
	    "starts with intention: sheets that breathe, a duvet for the "
	    "season and pillows that keep their shape night after night, so "
	    "that the room you wake in is as calm as the one...<span "
	    "class=copy><p>The makings of a restful room start with "
	    "intention: sheets that breathe, a duvet for the season and "
	    "pillows that keep their shape night after night, so that the "
	    "room you wake in is as calm as the one you fell asleep in. Our "
	    "fabrics come in three weights, from crisp percale to "
	    "washed linen.</p></span></span></span></div></div></main>"
	    "</body></html>");
	ok(extract_str(b.data, "https://shop.example/collections/sheets", &d) ==
	    0, "category text in excerpts extract");
	is_str(d.page_type, "collection", "category text in excerpts: a "
	    "collection");
	ok(has(d.text, "start with intention") &&
	    has(d.text, "to washed linen.") &&
	    !has(d.text, "starts with intention") &&
	    in_order(d.text, "Linen sheet set 23", "Sheets for your sleep"),
	    "category text in excerpts: the full text once, the excerpts "
	    "go, the grid stays");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * Text for screen readers only on a collection: a sentence stays
	 * (a swatch's option named in words, the title a link leads to),
	 * a label of a word or two does not ("Regular price:"), nor a
	 * class that is chrome by another word (a link to skip).
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Desks</title></head><body><main>"
	    "<a class=\"skip-link sr-only\" href=#grid>Skip to the search "
	    "results</a><h1>Desks</h1><div class=grid id=grid>");
	for (i = 0; i < 24; i++) {
		snprintf(w, sizeof(w), "<div class=card><a href=/p/%d><h3>"
		    "Desk %d, white</h3></a><div class=price><span "
		    "class=sr-only>Regular price:</span>$%d.00</div><div "
		    "class=variants><a href=/p/%d-b><span class=sr-only>Option: "
		    "Desk %d, black-brown</span><img src=/i/%d.jpg></a></div>"
		    "</div>", i, i, 120 + i, i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=guides><h2>Guides</h2><p>Pick a "
	    "desk by the room it stands in and the hours you sit at it.</p>"
	    "<a href=/g/1>Read full article<span class=visually-hidden>: How "
	    "to choose a desk for a small room</span></a></div></main>"
	    "</body></html>");
	ok(extract_str(b.data, "https://shop.example/collections/desks", &d) ==
	    0, "screen readers' text on a collection extract");
	is_str(d.page_type, "collection", "screen readers' text: a collection");
	ok(has(d.text, "Option: Desk 3, black-brown") &&
	    has(d.text, "Read full article: How to choose a desk for a") &&
	    has(d.text, "$123.00"), "screen readers' text on a collection: "
	    "its sentences stay");
	ok(!has(d.text, "Regular price") && !has(d.text, "Skip to"),
	    "screen readers' text on a collection: labels and skip links go");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A shop's category with its panel of filters beside the grid
	 * (extract_facets.c): the brands with their counts, each count in
	 * a span of its own; the sizes in a drawer closed on a narrow
	 * screen, with a list of more behind "Show all"; words for screen
	 * readers.  On a collection the panel stays, before the grid as
	 * in the page; the same page without prices is a listing, and
	 * there the panel is chrome.
	 */
	for (k = 0; k < 2; k++) {
		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><title>Shoes</title></head><body>"
		    "<div class=page><div class=\"facets-panel\"><h2>Filter by "
		    "Brand</h2><ul>");
		for (i = 0; i < 6; i++) {
			snprintf(w, sizeof(w), "<li><label><input type=checkbox>"
			    "<span>Brand%c</span><span class=facet-count>%d"
			    "</span></label></li>", 'A' + i, 70 + i);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, "</ul><span class=sr-only>Selected filters: "
		    "none</span><div class=\"filter-drawer\"><div "
		    "style=\"display:none\"><h2>Filter by Size</h2><ul>");
		for (i = 0; i < 6; i++) {
			snprintf(w, sizeof(w), "<li><label>Size %d (%d)</label>"
			    "</li>", 5 + i, 100 + i);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, "</ul></div></div></div><div class=results>"
		    "<h1>Running shoes</h1><p>672 products</p><div class=grid>");
		for (i = 0; i < 24; i++) {
			if (k == 0)
				snprintf(w, sizeof(w), "<div class=card><a href="
				    "/p/%d><h3>Trail shoe %d</h3></a><p>Black"
				    "</p><div>$%d.93 - $1%d.00</div></div>", i, i,
				    100 + i, 50 + i);
			else
				snprintf(w, sizeof(w), "<div class=card><a href="
				    "/p/%d><h3>Trail shoe %d</h3></a><p>A shoe "
				    "for the hills, story %d.</p></div>", i, i, i);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, "</div><div class=guide><h3><button "
		    "aria-expanded=false>Buying guide</button></h3><div "
		    "class=box style=\"max-height:0px\"><div class=\""
		    "accordion__content accordion--closed\" aria-hidden=true>"
		    "<p>Pick the shoe for your ground: light ones for the "
		    "road, lugs for the mud.</p></div></div></div></div></div>"
		    "</body></html>");
		ok(extract_str(b.data, k == 0 ?
		    "https://shop.example/collections/shoes" :
		    "https://blog.example/shoes", &d) == 0,
		    "grid with filters extract");
		if (k == 0) {
			is_str(d.page_type, "collection",
			    "grid with filters: a collection");
			ok(in_order(d.text, "Filter by Brand", "BrandA 70") &&
			    in_order(d.text, "BrandF 75", "Filter by Size") &&
			    in_order(d.text, "Size 10 (105)", "Running shoes") &&
			    in_order(d.text, "Running shoes", "Trail shoe 23"),
			    "grid with filters: the panel stays, a count "
			    "apart, the drawer open, before the grid");
			ok(!has(d.text, "Selected filters"), "grid with "
			    "filters: no words for screen readers");
			ok(has(d.text, "lugs for the mud."), "grid with "
			    "filters: a closed accordion's text, hidden from "
			    "screen readers too, stays");
			ok(has(d.text, "Trail shoe 3\n\nBlack\n\n$103.93 - "
			    "$153.00"), "grid with filters: a price's range is "
			    "no phone number");
		} else {
			ok(strcmp(d.page_type, "collection") != 0 &&
			    !has(d.text, "Filter by") &&
			    has(d.text, "Trail shoe 23"), "grid with filters, "
			    "no prices: the panel goes, the grid stays");
		}
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * A panel of filters in groups: the brands' group open with its
	 * options, the others closed, their names alone (a script brings
	 * their options), one with a button for its tooltip: the closed
	 * groups' names go, the open group stays with its name.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Cameras</title></head><body>"
	    "<div class=page><div class=search-filters><h2>Filters</h2>"
	    "<section class=filter-group><a title=Brand>Brand</a><ul>");
	for (i = 0; i < 6; i++) {
		snprintf(w, sizeof(w), "<li><a href=/b/%d>Maker%c (%d)</a>"
		    "</li>", i, 'A' + i, 30 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul><span class=toggle>Show more</span></section>");
	for (i = 0; i < 4; i++) {
		snprintf(w, sizeof(w), "<section class=filter-group><a title="
		    "g%d>%s</a>%s</section>", i, (const char *[]){ "Lens Mount",
		    "Sensor Size", "Customer Rating", "Video Resolution" }[i],
		    i == 1 ? "<button class=tooltip aria-label=Help></button>" :
		    "");
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=results><h1>Mirrorless cameras</h1>"
	    "<div class=grid>");
	for (i = 0; i < 24; i++) {
		snprintf(w, sizeof(w), "<div class=card><a href=/p/%d><h3>"
		    "Camera body %d</h3></a><p>24MP full-frame sensor</p>"
		    "<div>$%d9.00</div></div>", i, i, 100 + i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div><div class=guide><h2>Choosing a camera"
	    "</h2><p>What to look for in a camera body, before the lenses "
	    "and the bag.</p><ul><li class=point>Weather sealing</li><li "
	    "class=point>Battery life</li><li class=point>The sensor's size, "
	    "among them<ul><li>full frame, for low light</li><li>APS-C, for "
	    "reach</li><li>Micro Four Thirds, for weight</li></ul></li></ul>"
	    "<table>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "<tr><td>Sensor %d</td><td>Grade %c"
		    "</td><td><a href=/g/%d>Our long guide to the sensor %d</a> "
		    "<a href=/s/%d>Sample photos taken with it %d</a> <a href="
		    "/l/%d>Its chart of lenses %d</a></td></tr>", i, 'A' + i, i,
		    i, i, i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</table></div></div></div></body></html>");
	ok(extract_str(b.data, "https://shop.example/collections/cameras",
	    &d) == 0, "filters in groups extract");
	is_str(d.page_type, "collection", "filters in groups: a collection");
	ok(in_order(d.text, "Brand", "MakerA (30)") &&
	    in_order(d.text, "MakerF (35)", "Camera body 23") &&
	    !has(d.text, "Lens Mount") && !has(d.text, "Sensor Size") &&
	    !has(d.text, "Customer Rating") &&
	    !has(d.text, "Video Resolution"), "filters in groups: the open "
	    "group stays, the closed groups' names go");
	ok(!has(d.text, "Show more"), "filters in groups: a button to "
	    "show more goes");
	ok(in_order(d.text, "Weather sealing", "Battery life") &&
	    has(d.text, "for weight"), "filters in groups: short items of a "
	    "list beside one with a list of its own stay");
	ok(has(d.text, "Sensor 2 | Grade C | Our long guide"), "filters in "
	    "groups: short cells beside one of links stay");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * A Q&A thread as the big sites write one: each post with its time in
 * its own <header> beside its ordinal, its votes, counters and
 * buttons, a hidden copy of its metadata (d-none), a line for phones
 * only, an avatar drawn in letters, a template's placeholder ("{{ x
 * }}"); a pop-over and a closed dialog that scripts open.  cls is the
 * class of the post's text.
 */
static void
qa_post(struct tq_buf *b, const char *who, const char *text, int votes,
    const char *cls)
{
	char h[512];

	snprintf(h, sizeof(h), "<div class=\"post-layout answer\">"
	    "<div class=votecell><div class=js-vote-count>%d</div></div>"
	    "<div class=postcell><header class=message-attribution><a "
	    "href=#p8>#8</a> \xc2\xb7 <time "
	    "datetime=2024-01-0%d>Jan %d, 2024</time><span itemprop=position>"
	    "9</span></header>"
	    "<div class=\"s-prose %s\"><p>", votes, votes % 10, votes % 10,
	    cls);
	tq_buf_adds(b, h);
	tq_buf_adds(b, text);
	tq_buf_adds(b, "</p><p><code>{{ form.errors }}</code></p>"
	    "<div class=errors>{{ Board.errors[7].message }}</div>"
	    "<p class=md:hidden>Open this answer in our app "
	    "for the pictures in full size.</p></div>"
	    "<div class=post-menu><div>Share</div>"
	    "<div>Follow</div><div>#3</div><div>[ 2 ] Thanks</div>"
	    "<div>Replies 12</div></div><div class=user-info><div><a "
	    "href=/u/1><span role=img aria-label=avatar>Z</span></a></div>"
	    "<div>");
	tq_buf_adds(b, who);
	tq_buf_adds(b, "</div><div class=d-none itemprop=dateCreated>"
	    "2011-02-12 01:30:35 +00:00</div></div></div></div>");
}

/*
 * A post as XenForo-like boards write it: the author's panel (avatar,
 * name, title, and with extras the author's details), the time in the
 * post's header, the text, who liked it.
 */
static void
xf_post(struct tq_buf *b, int k, const char *who, const char *text,
    int extras)
{
	char h[1024];

	snprintf(h, sizeof(h), "<article class=\"message message--post\" "
	    "id=js-post-%d><div class=message-inner><div class=\"message-cell "
	    "message-cell--user\"><section class=message-user><div "
	    "class=message-avatar><a href=/m/%d class=avatar><img src=/a%d.png "
	    "alt=\"\"></a></div><div class=message-userDetails><h4 "
	    "class=message-name><a href=/m/%d class=username>%s</a></h4><h5 "
	    "class=\"userTitle message-userTitle\">Member</h5></div>%s<span "
	    "class=message-userArrow></span></section></div><div "
	    "class=\"message-cell message-cell--main\"><header "
	    "class=message-attribution><time datetime=2024-01-0%d>Jan %d, "
	    "2024</time></header><div class=bbWrapper><p>", k, k, k, k, who,
	    extras ? "<div class=message-userExtras><dl class=pairs><dt>Home "
	    "Country</dt><dd>Wales</dd></dl><span><ol><li>Pastry Chef</li>"
	    "</ol></span></div>" : "", k, k);
	tq_buf_adds(b, h);
	tq_buf_adds(b, text);
	tq_buf_adds(b, "</p><span class=light><strong>Edited <time "
	    "datetime=2024-01-09>Jan 9</time> by ines</strong></span></div>"
	    "<div class=likers>ines and corra like this.</div></div></div>"
	    "</article>");
}

/* A post as phpBB-like boards write it: a user panel in a <dl>. */
static void
bb_post(struct tq_buf *b, int k, const char *who, const char *text)
{
	char h[512];

	snprintf(h, sizeof(h), "<div class=\"post bg%d\" id=p%d><div "
	    "class=inner><dl class=postprofile><dt><a href=/u/%d><img "
	    "src=/u%d.png alt=\"\"></a><br><a href=/u/%d>%s</a></dt><dd "
	    "class=profile-rank>Senator</dd><dd><strong>Founded:</strong> "
	    "Dec 11, 2021</dd><dd>Psychotic Dictatorship</dd></dl><div "
	    "class=postbody><h3>Re: Football season</h3><div class=num>#%d "
	    "| <a href=/p%d>Link</a></div><p class=author>by %s on Tue Aug "
	    "2%d, 2019</p><div class=content>", k % 2 + 1, k, k, k, k, who,
	    k, k, who, k);
	tq_buf_adds(b, h);
	tq_buf_adds(b, text);
	tq_buf_adds(b, "</div></div></div></div>");
}

/*
 * A post whose <header> holds its author (itemprop=author) and the
 * author's stats, with no time: the date is below it.
 */
static void
mc_post(struct tq_buf *b, int k, const char *who, const char *text)
{
	char h[640];

	snprintf(h, sizeof(h), "<article class=post-item><div class=MessageCard "
	    "itemscope itemtype=https://schema.org/Comment><header "
	    "class=MessageCard__header><div class=avatar><a href=/m/%d>"
	    "<span>%c</span></a></div><div class=MessageCard__user-info "
	    "itemprop=author itemscope itemtype=https://schema.org/Person>"
	    "<div><a class=name href=/m/%d>%s</a></div><div "
	    "class=MessageCard__user-details><span>1,10%d posts</span> "
	    "<span>\xc2\xb7</span> <span>Joined 201%d</span></div></div>"
	    "</header><div class=MessageCard__date>\xc2\xb7 Jan 1%d, 2024</div>"
	    "<div class=MessageCard__content><p>", k, who[0], k, who, k, k, k);
	tq_buf_adds(b, h);
	tq_buf_adds(b, text);
	tq_buf_adds(b, "</p></div></div></article>");
}

/* A thread's chrome by its place and its words, on three boards. */
static void
test_forum2(void)
{
	static const char *const who[] = { "ines", "corra", "halvard", "ines" };
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char *p[4];
	int k;

	bread_paras(p, 4);
	forum_head(&b, "Crumb too tight");
	tq_buf_adds(&b, "<body><div class=p-body><div class=p-title>"
	    "<h1>Crumb too tight</h1><div class=topic-category>"
	    "<a class=badge-category "
	    "href=/c/3>Sourdough Corner</a></div></div><ul class=crumbs><li>"
	    "<a href=/>Index</a></li><li>\xc2\xbb <a href=/f/1>Bread "
	    "Talk</a></li></ul><ul class=overview><li><span>Created</span> "
	    "<span>1 yr</span></li><li><span>Last Reply</span> <span>2 "
	    "days</span></li></ul><ul class=listInline><li>Thread starter "
	    "ines</li><li>Start date Jan 1, 2024</li></ul><div class=block>");
	for (k = 0; k < 4; k++)
		xf_post(&b, k + 1, who[k], p[k], k % 2);
	tq_buf_adds(&b, "<div>Page 1 of 2 (Go Down)</div><div><a href=/t/5>"
	    "Proofing baskets</a> \xe2\x80\xa2 <a href=/t/6>Rye ratios</a> "
	    "\xe2\x80\xa2 <a href=/t/7>Flour types</a></div>");
	tq_buf_adds(&b, "<div class=post-taglist><a class=\"s-tag post-tag\" "
	    "href=/t/rye>ryeflour</a></div><div><a href=#c>Show 3 more "
	    "comments</a></div><div class=js-bottom-notice><p>Start asking "
	    "to get answers</p><p>Find the answer to your question by "
	    "asking.</p></div><div class=widget><h3>Recently Browsing</h3>"
	    "<p>No registered users viewing this page.</p></div></div></div>"
	    "</body></html>");
	ok(extract_str(b.data, "https://boards.example/threads/crumb.12/",
	    &d) == 0, "XenForo thread extract");
	is_str(d.page_type, "forum", "XenForo thread: forum");
	ok(in_order(d.text, "ines", "kneading kneading") &&
	    in_order(d.text, "kneading kneading", "halvard") &&
	    in_order(d.text, "halvard", "scoring scoring"),
	    "XenForo thread: an author's panel with a name only is no menu");
	ok(!has(d.text, "Wales") && !has(d.text, "Pastry Chef") &&
	    !has(d.text, "Home Country"), "XenForo thread: no user details");
	ok(!has(d.text, "Crumb too tight") && !has(d.text, "Sourdough "
	    "Corner") && !has(d.text, "ryeflour"),
	    "XenForo thread: no title above it, no category, no tags");
	ok(!has(d.text, "Bread Talk") && !has(d.text, "Created") &&
	    !has(d.text, "Last Reply"),
	    "XenForo thread: no trail of crumbs, no thread's overview");
	ok(!has(d.text, "Thread starter") && !has(d.text, "Start date"),
	    "XenForo thread: no starter and start date above it");
	ok(!has(d.text, "like this") && !has(d.text, "more comments"),
	    "XenForo thread: no likers, no link to hidden comments");
	ok(!has(d.text, "Edited") && !has(d.text, "Jan 9"),
	    "XenForo thread: no note of a post's last edit");
	ok(!has(d.text, "Page 1") && !has(d.text, "Rye ratios"),
	    "XenForo thread: no pager, no row of links parted by bullets");
	ok(!has(d.text, "Start asking") && !has(d.text, "Find the answer") &&
	    !has(d.text, "Recently Browsing") && !has(d.text, "registered "
	    "users"), "XenForo thread: no notes for visitors");
	tq_doc_free(&d);
	free(b.data);
	memset(&b, 0, sizeof(b));

	tq_buf_adds(&b, "<html><head><title>Football season</title></head>"
	    "<body><div id=page-body><div class=smallfont><strong>Football "
	    "season</strong></div>");
	for (k = 0; k < 4; k++)
		bb_post(&b, k + 1, who[k], p[k]);
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://board.example/viewtopic.php?t=7",
	    &d) == 0, "phpBB thread extract");
	is_str(d.page_type, "forum", "phpBB thread: forum");
	ok(in_order(d.text, "corra", "proofing proofing") &&
	    in_order(d.text, "halvard", "scoring scoring"),
	    "phpBB thread: each post's author before it");
	ok(!has(d.text, "Senator") && !has(d.text, "Founded") &&
	    !has(d.text, "Dictatorship"),
	    "phpBB thread: no rank or details in the user panel's <dl>");
	ok(!has(d.text, "Football season") && !has(d.text, "Link") &&
	    !has(d.text, "#2"), "phpBB thread: no title, reply subjects, "
	    "post numbers or links to posts");
	tq_doc_free(&d);
	free(b.data);

	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Watch trends</title></head>"
	    "<body><div class=block-body><div class=starter>By <a "
	    "href=/m/2>corra</a></div><p>By the way</p>");
	for (k = 0; k < 4; k++)
		mc_post(&b, k + 1, who[k], p[k]);
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://board.example/threads/watch.5/",
	    &d) == 0, "MessageCard thread extract");
	is_str(d.page_type, "forum", "MessageCard thread: forum");
	ok(in_order(d.text, "corra", "proofing proofing") &&
	    in_order(d.text, "halvard", "scoring scoring"),
	    "MessageCard thread: a post's <header> with its author stays");
	ok(!has(d.text, "posts") && !has(d.text, "Joined"),
	    "MessageCard thread: no line of the author's stats");
	ok(!has(d.text, "By corra") && has(d.text, "By the way"),
	    "MessageCard thread: no byline above, a line of text stays");
	tq_doc_free(&d);
	free(b.data);

	/* Invision-like: the author's name in an <aside>, with stats */
	memset(&b, 0, sizeof(b));
	forum_head(&b, "Oven spring");
	tq_buf_adds(&b, "<body><div class=ipsPageHeader><h1>Oven spring, "
	    "again</h1><p>"
	    "<strong>By <a href=/p/1>ines</a></strong><br><span><time "
	    "datetime=2024-03-05>March 5, 2024</time> in <a href=/f/2>Bread "
	    "Talk</a></span></p></div><div id=elPostFeed>");
	for (k = 0; k < 4; k++) {
		tq_buf_adds(&b, "<article class=cPost><aside class=\"ipsComment_"
		    "author cAuthorPane\"><h3><strong><a href=/p/1>");
		tq_buf_adds(&b, who[k]);
		tq_buf_adds(&b, "</a></strong></h3><ul class=cAuthorPane_info>"
		    "<li><span>Level 5</span></li><li><a href=/r>42.4k</a></li>"
		    "<li>2 posts</li></ul></aside><div class=cPost_contentWrap>"
		    "<p>");
		tq_buf_adds(&b, p[k]);
		tq_buf_adds(&b, "</p></div><div class=reputation>+11k</div>"
		    "</article>");
	}
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://board.example/topic/9-oven/",
	    &d) == 0, "author pane thread extract");
	ok(in_order(d.text, "corra", "proofing proofing") &&
	    in_order(d.text, "halvard", "scoring scoring"),
	    "author pane thread: the author's <aside> keeps the name");
	ok(!has(d.text, "Level 5") && !has(d.text, "42.4k") &&
	    !has(d.text, "2 posts") && !has(d.text, "11k"),
	    "author pane thread: no rank, stats or reputation count");
	ok(!has(d.text, "again") && !has(d.text, "Bread Talk"),
	    "author pane thread: no page header with the thread's byline");
	tq_doc_free(&d);
	free(b.data);

	/* tidy drops the white space around a <link> in the body */
	ok(extract_str("<html><body><div><span>Sourdough needs time,</span>\n"
	    "<link itemprop=mainEntityOfPage href=/t/1>\n<span>and a warm "
	    "kitchen helps it along nicely, as every baker will tell you."
	    "</span></div></body></html>", NULL, &d) == 0 &&
	    has(d.text, "time, and a warm"),
	    "<link> between two words: a space");
	tq_doc_free(&d);
	for (k = 0; k < 4; k++)
		free(p[k]);
}

/*
 * Invision-like thread: the prompts around the posts, the menu to jump
 * to another forum, a rank as a badge, a date written long and short.
 */
static void
test_forum3(void)
{
	static const char *const who[] = { "ines", "corra", "halvard", "ines" };
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char *p[4];
	int k;

	bread_paras(p, 4);
	forum_head(&b, "Oven spring");
	tq_buf_adds(&b, "<body><div id=elPostFeed><h2>Oven spring - Crumb Club - "
	    "Bakers</h2>");
	for (k = 0; k < 4; k++) {
		tq_buf_adds(&b, "<article class=cPost><div class=cPost_author>"
		    "<h3><a href=/p/1>");
		tq_buf_adds(&b, who[k]);
		tq_buf_adds(&b, "</a></h3><strong class=\"ipsBadge "
		    "ipsBadge_large\">Level 5</strong><div class=smallfont>"
		    "<div>Join Date: <b>Mar 2009</b></div><div>Location: <b>"
		    "Lyon</b></div><div>Ovens: <b>Wood fired</b></div></div>"
		    "</div><div class=cPost_meta>Posted <time datetime=2024-03-05><span class=ipsTime__"
		    "long>March 5, 2024</span><span class=ipsTime__short>1 yr"
		    "</span></time>");
		if (k == 2)
			tq_buf_adds(&b, " <span class=hidePhone>(edited)</span>");
		tq_buf_adds(&b, "</div><div class=cPost_contentWrap><p>");
		tq_buf_adds(&b, p[k]);
		tq_buf_adds(&b, "</p>");
		if (k == 0)
			tq_buf_adds(&b, "<p>Update: the dough rose</p><div>"
			    "Location: Lyon</div><div>Budget: 30 euros</div>"
			    "<p>Glad that the board finally locked this topic "
			    "about rye</p>");
		if (k == 2)
			tq_buf_adds(&b, "<div data-role=memberSignature><p>Ask "
			    "me about rye starters any time</p></div>");
		if (k == 1)
			tq_buf_adds(&b, "<p>Did this help? Please give feedback "
			    "by clicking an icon below</p>");
		tq_buf_adds(&b, "</div></article>");
		if (k == 0)
			tq_buf_adds(&b, "<article class=ipsComment_activity><p>"
			    "<a href=/p/1>ines</a> changed the title to Oven "
			    "spring in a cold kitchen</p></article>");
	}
	tq_buf_adds(&b, "<div class=cTopicPostArea><h2>Join the Discussion"
	    "</h2><p>Sign in or create your free account to comment, connect "
	    "with other bakers and follow conversations that matter to you."
	    "</p></div><form class=\"ipsForm cForumJump\"><span>Forum Jump"
	    "</span><ul><li><div><span>New Bakers</span></div></li><li><div>"
	    "<span>Sourdough Corner</span></div></li><li><div><span>Bread "
	    "Talk</span></div></li></ul></form></div></body></html>");
	ok(extract_str(b.data, "https://board.example/topic/9-oven/",
	    &d) == 0, "Invision thread extract");
	is_str(d.page_type, "forum", "Invision thread: forum");
	ok(in_order(d.text, "kneading kneading", "proofing proofing") &&
	    in_order(d.text, "corra", "proofing proofing") &&
	    in_order(d.text, "halvard", "scoring scoring") &&
	    has(d.text, "baking baking"), "Invision thread: every post");
	ok(has(d.text, "March 5, 2024") && !has(d.text, "1 yr"),
	    "Invision thread: a date written long and short, long only");
	ok(!has(d.text, "Crumb Club"),
	    "Invision thread: no heading of the title with board and site");
	ok(!has(d.text, "Level 5"), "Invision thread: no rank as a badge");
	ok(!has(d.text, "Ovens") && !has(d.text, "Wood fired") &&
	    has(d.text, "Update: the dough rose") &&
	    has(d.text, "Budget: 30 euros"),
	    "Invision thread: no field of a user panel after its join date, "
	    "a post's own lines of labels stay");
	ok(!has(d.text, "edited") && !has(d.text, "rye starters"),
	    "Invision thread: no mark of an edit, no signature by its role");
	ok(!has(d.text, "Did this help") && !has(d.text, "changed the title") &&
	    has(d.text, "finally locked this topic"),
	    "Invision thread: no feedback prompt, no moderator's note");
	ok(!has(d.text, "Join the Discussion") && !has(d.text, "Sign in"),
	    "Invision thread: no call to sign in");
	ok(!has(d.text, "Forum Jump") && !has(d.text, "New Bakers") &&
	    !has(d.text, "Bread Talk"),
	    "Invision thread: no menu to jump to another forum");
	tq_doc_free(&d);
	free(b.data);
	for (k = 0; k < 4; k++)
		free(p[k]);
}

static void
test_forum(void)
{
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char *p[4];
	int k;

	bread_paras(p, 4);
	tq_buf_adds(&b, "<html><head><title>Why is my loaf dense?</title>"
	    "</head><body><div popover id=pwa><p>To install this app on "
	    "iOS, tap the Share icon and Add to Home Screen.</p></div>"
	    "<dialog><p>Configure browser push notifications for this "
	    "site in your settings.</p></dialog>"
	    "<div id=mainbar><h1>Why is my loaf dense?</h1>");
	qa_post(&b, "ines", p[0], 11, "");
	qa_post(&b, "corra", p[1], 7, "d-none d-md-block");
	qa_post(&b, "halvard", p[2], 3, "");
	qa_post(&b, "ines", p[3], 1, "");
	tq_buf_adds(&b, "<div class=block><h3>Similar threads</h3><div>"
	    "<p>Sourdough without a starter, is it even possible at all?</p>"
	    "<p>Why does my crust burn before the crumb is set?</p></div>"
	    "</div></div></body></html>");
	ok(extract_str(b.data, "https://bread.example/questions/12/dense",
	    &d) == 0, "Q&A extract");
	is_str(d.page_type, "forum", "Q&A: forum");
	ok(in_order(d.text, "kneading kneading", "proofing proofing") &&
	    in_order(d.text, "proofing proofing", "scoring scoring") &&
	    in_order(d.text, "scoring scoring", "baking baking"),
	    "Q&A: every post, in order (d-none d-md-block is shown)");
	ok(has(d.text, "halvard"), "Q&A: the authors stay");
	ok(!has(d.text, "Z"), "Q&A: no avatar's initial (role=img)");
	ok(!has(d.text, "Similar threads") && !has(d.text, "crust burn"),
	    "Q&A: no list of similar threads");
	ok(!has(d.text, "20249") && !has(d.text, "2024 9"),
	    "Q&A: no post's ordinal (itemprop=position)");
	ok(!has(d.text, "Board.errors") && has(d.text, "{{ form.errors }}"),
	    "Q&A: no template placeholder, but code stays");
	ok(has(d.text, "Jan 7, 2024"), "Q&A: a post's <header> with its "
	    "time stays");
	ok(!has(d.text, "install this app") && !has(d.text, "push "
	    "notifications"), "Q&A: no pop-over or closed dialog");
	ok(!has(d.text, "2011-02-12"), "Q&A: no d-none copy of the date");
	ok(!has(d.text, "in our app"), "Q&A: nothing shown on phones only");
	ok(!has(d.text, "\n11\n") && !has(d.text, "\n7\n") &&
	    !has(d.text, "Share") && !has(d.text, "Follow") &&
	    !has(d.text, "#3") && !has(d.text, "#8") &&
	    !has(d.text, "Thanks") &&
	    !has(d.text, "Replies 12"),
	    "Q&A: no vote counts, buttons, post numbers or counters");
	tq_doc_free(&d);
	free(b.data);
	for (k = 0; k < 4; k++)
		free(p[k]);

	/* the comments under a question and its answers are no posts */
	memset(&b, 0, sizeof(b));
	p[0] = words_para("rye", 40);
	p[1] = words_para("spelt", 40);
	p[2] = words_para("barley", 40);
	tq_buf_adds(&b, "<html><body><div itemscope itemtype=\"https://"
	    "schema.org/QAPage\"><div itemprop=mainEntity itemscope "
	    "itemtype=\"https://schema.org/Question\"><h1 itemprop=name>"
	    "Which flour?</h1><div itemprop=text><p>");
	tq_buf_adds(&b, p[0]);
	/* a signature with the author, and one of an edit */
	tq_buf_adds(&b, "</p></div><div class=post-signature><div "
	    "class=user-info><div class=user-action-time>asked <span>Mar 26, "
	    "2019 at 16:18</span></div><div class=user-details itemprop=author "
	    "itemscope itemtype=\"http://schema.org/Person\"><a href=/u/1>"
	    "millerwright</a><div class=-flair><span class=reputation-score>"
	    "1,217</span><span class=v-visible-sr>14 silver badges</span>"
	    "</div></div></div></div><div class=post-signature><div "
	    "class=user-info><div class=user-action-time>edited <span>Mar 31"
	    "</span></div><div class=user-details><a href=/u/2>tidyeditor</a>"
	    "</div></div></div>");
	tq_buf_adds(&b, "<ul><li itemprop=comment itemscope "
	    "itemtype=\"https://schema.org/Comment\"><span itemprop=text>"
	    "Did you try the search before asking this, really?</span></li>"
	    "</ul><div itemprop=suggestedAnswer itemscope itemtype=\"https://"
	    "schema.org/Answer\"><div itemprop=text><p>");
	tq_buf_adds(&b, p[1]);
	tq_buf_adds(&b, "</p></div><div class=post-signature><div "
	    "class=user-info><div class=user-details itemprop=author itemscope"
	    " itemtype=\"http://schema.org/Person\"><a href=/u/3>ovenkeeper"
	    "</a> <span class=reputation-score>52</span></div></div></div>");
	tq_buf_adds(&b, "<ul><li itemprop=comment itemscope "
	    "itemtype=\"https://schema.org/Comment\"><span itemprop=text>"
	    "Thanks, that settled the matter for my bakery.</span></li>"
	    "</ul></div><div itemprop=suggestedAnswer itemscope itemtype="
	    "\"https://schema.org/Answer\"><div itemprop=text><p>");
	tq_buf_adds(&b, p[2]);
	tq_buf_adds(&b, "</p></div></div></div></div></body></html>");
	ok(extract_str(b.data, "https://bread.example/questions/7/flour",
	    &d) == 0, "Q&A comments extract");
	ok(in_order(d.text, "rye rye", "spelt spelt") &&
	    in_order(d.text, "spelt spelt", "barley barley"),
	    "Q&A comments: the question and its answers");
	ok(!has(d.text, "search before asking") && !has(d.text, "settled"),
	    "Q&A comments: no comments");
	ok(in_order(d.text, "rye rye", "millerwright") &&
	    in_order(d.text, "millerwright", "spelt spelt") &&
	    in_order(d.text, "spelt spelt", "ovenkeeper") &&
	    in_order(d.text, "ovenkeeper", "barley barley"),
	    "Q&A: a post's author marked in its signature stays");
	ok(in_order(d.text, "rye rye", "asked Mar 26, 2019 at 16:18") &&
	    in_order(d.text, "asked Mar 26, 2019", "millerwright"),
	    "Q&A: the signature's time stays beside its author");
	ok(!has(d.text, "1,217") && !has(d.text, "badges") &&
	    !has(d.text, "52") && !has(d.text, "tidyeditor") &&
	    !has(d.text, "edited"),
	    "Q&A: not the user's reputation, nor an edit's signature");
	tq_doc_free(&d);
	free(b.data);
	for (k = 0; k < 3; k++)
		free(p[k]);

	/*
	 * a thread whose page calls itself an Article, its replies
	 * marked as schema.org Comments that outweigh the first post: a
	 * forum, each reply with its author; a story with a few short
	 * comments below it stays an article
	 */
	for (k = 0; k < 2; k++) {
		static const char *const who[] = { "crumbler", "loafwright",
		    "sourbaker", "ryeman", "glutenfree", "ovenmitt" };
		static const char *const said[] = { "crumb", "loaf", "sour",
		    "rye", "flour", "oven" };
		char *r;
		int c;

		memset(&b, 0, sizeof(b));
		p[0] = words_para("opening", k == 0 ? 40 : 600);
		tq_buf_adds(&b, "<html><head><meta property=og:type content="
		    "article><script type=application/ld+json>{\"@type\": "
		    "\"Article\", \"headline\": \"Rye or spelt\", "
		    "\"datePublished\": \"2024-05-01\", \"author\": "
		    "{\"@type\": \"Person\", \"name\": \"starter\"}}"
		    "</script><title>Rye or spelt</title></head><body>"
		    "<article><h1>Rye or spelt</h1><p>");
		tq_buf_adds(&b, p[0]);
		tq_buf_adds(&b, "</p></article><ul class=board>");
		for (c = 0; c < 6; c++) {
			tq_buf_adds(&b, "<li><div itemscope itemtype=\"http://"
			    "schema.org/Comment\"><a href=/m/1 itemprop="
			    "author itemscope itemtype=\"http://schema.org/"
			    "Person\">");
			tq_buf_adds(&b, who[c]);
			tq_buf_adds(&b, "</a> <time itemprop=dateCreated "
			    "datetime=2024-05-02>May 2, 2024</time><div "
			    "itemprop=text><p>");
			r = words_para(said[c], k == 0 ? 60 : 8);
			tq_buf_adds(&b, r);
			free(r);
			tq_buf_adds(&b, "</p></div></div></li>");
		}
		tq_buf_adds(&b, "</ul></body></html>");
		ok(extract_str(b.data, "https://bread.example/t/rye", &d) ==
		    0, "Comments thread extract");
		if (k == 0) {
			is_str(d.page_type, "forum", "Comments outweighing "
			    "the first post: a forum");
			ok(in_order(d.text, "opening opening", "crumbler") &&
			    in_order(d.text, "crumbler", "crumb crumb") &&
			    in_order(d.text, "crumb crumb", "loafwright") &&
			    in_order(d.text, "ovenmitt", "oven oven"),
			    "Comments thread: each reply after its author");
		} else
			is_str(d.page_type, "article", "a story's few "
			    "short Comments: an article");
		tq_doc_free(&d);
		free(b.data);
		free(p[0]);
	}

	/* code blocks as highlighters write them: a <span> a word, a line */
	memset(&b, 0, sizeof(b));
	p[0] = words_para("task", 60);
	tq_buf_adds(&b, "<html><body><article><h1>Tasks</h1><p>");
	tq_buf_adds(&b, p[0]);
	tq_buf_adds(&b, "</p><pre>\n<span class=kn>from</span><span class=w>"
	    " </span><span class=nn>celery</span> <span class=kn>import"
	    "</span> <span class=n>shared_task</span>\n\n<span class=k>def"
	    "</span> <span class=nf>add</span>(x, y):\n    <span class=k>"
	    "return</span> x + y\n\n</pre><p>");
	tq_buf_adds(&b, p[0]);
	tq_buf_adds(&b, "</p><pre class=shiki><code><span class=line><span>"
	    "npm</span><span> create</span><span> vite</span></span><span "
	    "class=line><span>cd</span><span> app</span></span></code></pre>"
	    "</article></body></html>");
	ok(extract_str(b.data, "https://docs.example/tasks", &d) == 0,
	    "code spans extract");
	ok(has(d.text, "and.\n\nfrom celery import shared_task\n\ndef "
	    "add(x, y):\n    return x + y\n\ntask task"),
	    "code spans: the spaces and lines between the spans stay");
	ok(has(d.text, "\n\nnpm create vite\ncd app"),
	    "code spans: a <span class=line> is a line");
	tq_doc_free(&d);
	free(b.data);
	free(p[0]);
}

/* b extracts, holding want, in less than 5 s of CPU (slow: more) */
static void
extracted_in_time(const struct tq_buf *b, const char *want)
{
	struct tq_doc d;
	struct tq_err e;
	double t0 = cputime();
	int r = run(b->data, b->len, &d, &e);

	ok(r == 0 && has(d.text, want) && cputime() - t0 < 5 * slow,
	    "and extracted: %.2f s CPU (%s)", cputime() - t0,
	    r ? e.msg : "ok");
	if (r == 0)
		tq_doc_free(&d);
}

static void
test_hostile(void)
{
	struct tq_doc d;
	struct tq_err e;
	struct tq_buf b = { 0 };
	char *junk;
	size_t i, n;
	double t0;
	int r;

	r = run("", 0, &d, &e);
	ok(r == -1 && e.kind == TQ_ERR_PERMANENT &&
	    strcmp(e.code, "empty_document") == 0, "empty input is an error");
	r = run(" \n\t ", 4, &d, &e);
	ok(r == -1 && e.kind == TQ_ERR_PERMANENT, "blank input is an error");
	r = run(NULL, 0, &d, &e);
	ok(r == -1, "NULL input is an error");

	/* binary junk */
	n = 100000;
	junk = malloc(n);
	srand(42);
	for (i = 0; i < n; i++)
		junk[i] = (char)(rand() & 0xff);
	r = run(junk, n, &d, &e);
	ok(r == -1 && e.kind == TQ_ERR_PERMANENT,
	    "binary junk is rejected: %s", e.msg);
	if (r == 0)
		tq_doc_free(&d);
	/* junk without NULs or controls: must parse without harm */
	for (i = 0; i < n; i++)
		if ((unsigned char)junk[i] < 0x20)
			junk[i] = (char)('<' + (i % 3));
	r = run(junk, n, &d, &e);
	ok(r == -1 || (d.text != NULL && valid_utf8(d.text)),
	    "high-byte junk gives valid UTF-8 or an error");
	if (r == 0)
		tq_doc_free(&d);
	free(junk);

	/* invalid UTF-8 inside a page */
	{
		static const char bad[] = "<html><head><title>Bad \xff\xfe "
		    "bytes \xc3</title><meta name=\"author\" content=\"X\xe2"
		    "\x28\xa1\"></head><body><p>Caf\xe9 au lait \xed\xa0\x80 "
		    "and \xf8\x88\x80\x80\x80 more words, with commas, and "
		    "some more text so that it counts as a paragraph.</p>"
		    "</body></html>";
		char *s;

		r = run(bad, sizeof(bad) - 1, &d, &e);
		ok(r == 0 && valid_utf8(d.text) && valid_utf8(d.title) &&
		    valid_utf8(d.byline) && has(d.text, "au lait"),
		    "invalid UTF-8 becomes valid UTF-8");

		{
			json_t *o = r == 0 ? tq_doc_json(&d) : NULL;

			s = o ? json_dumps(o, JSON_COMPACT) : NULL;
			ok(s != NULL, "and JSON can encode it");
			free(s);
			json_decref(o);
		}
		if (r == 0)
			tq_doc_free(&d);
	}

	/* 200k nested divs, closed and unclosed */
	for (i = 0; i < 200000; i++)
		tq_buf_adds(&b, "<div>");
	tq_buf_adds(&b, "deep text");
	for (i = 0; i < 200000; i++)
		tq_buf_adds(&b, "</div>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == -1 || (d.text != NULL && has(d.text, "deep text")),
	    "200k nested divs: no crash (%s)", r ? e.msg : "ok");
	ok(cputime() - t0 < 5 * slow, "200k nested divs: fast (%.2f s)",
	    cputime() - t0);
	if (r == 0)
		tq_doc_free(&d);
	b.len = 0;
	for (i = 0; i < 60000; i++)
		tq_buf_adds(&b, "<table><tr><td><b><i>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(cputime() - t0 < 5 * slow, "60k unclosed nested tables: no crash, fast "
	    "(%.2f s, %s)", cputime() - t0, r ? e.msg : "ok");
	if (r == 0)
		tq_doc_free(&d);

	/*
	 * 20,000 lists, each in an item of the one before ("<ul><li>a
	 * <ul><li>b ..."): the prescan took each item for the end of the
	 * item around its list, so its model stayed shallow, and tidy,
	 * quadratic on lists nested deep, took 12 s
	 */
	b.len = 0;
	tq_buf_adds(&b, "<html><body><p>Lists in lists.</p>");
	for (i = 0; i < 20000; i++)
		tq_buf_adds(&b, "<ul><li>item ");
	tq_buf_adds(&b, "<p>The end of the lists.</p></body></html>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == 0 && cputime() - t0 < 5 * slow,
	    "20k lists nested in items: fast (%.2f s, %s)", cputime() - t0,
	    r ? e.msg : "ok");
	if (r == 0)
		tq_doc_free(&d);

	/*
	 * A title of 100,000 parts, each short beside what comes before:
	 * cut once each, it took minutes (and a frame of the stack each)
	 */
	b.len = 0;
	tq_buf_adds(&b, "<html><head><title>");
	for (i = 0; i < 100000; i++)
		tq_buf_adds(&b, "word word word | ");
	tq_buf_adds(&b, "end</title></head><body><p>The page's own text, a "
	    "sentence of it.</p></body></html>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == 0 && d.title != NULL && strlen(d.title) <= 2000 &&
	    cputime() - t0 < 5 * slow, "a title of 100k parts: fast (%.2f s)",
	    cputime() - t0);
	if (r == 0)
		tq_doc_free(&d);

	/*
	 * 100,000 labels' words in one paragraph: each asks for the text
	 * beside it, which must not mean walking the paragraph again
	 */
	b.len = 0;
	tq_buf_adds(&b, "<html><body><article><h1>More</h1><p>Start. ");
	for (i = 0; i < 100000; i++)
		tq_buf_adds(&b, "word <span>more</span> ");
	tq_buf_adds(&b, "end of it.</p></article></body></html>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == 0 && has(d.text, "end of it.") && cputime() - t0 < 5 * slow,
	    "100k labels' words in a paragraph: fast (%.2f s)",
	    cputime() - t0);
	if (r == 0)
		tq_doc_free(&d);
	/* 20,000 posts, each of its own twenty classes */
	b.len = 0;
	tq_buf_adds(&b, "<html><body><main><h1>Archive</h1>");
	for (i = 0; i < 20000; i++) {
		char w[600];
		int k;

		snprintf(w, sizeof(w), "<article class=\"post-%zu post", i);
		tq_buf_adds(&b, w);
		for (k = 0; k < 20; k++) {
			snprintf(w, sizeof(w), " c%zua%d", (i * 7919 +
			    (size_t)k * 104729) % 1000003, k);
			tq_buf_adds(&b, w);
		}
		snprintf(w, sizeof(w), "\"><h2><a href=/p/%zu>Title %zu</a>"
		    "</h2><p>Text of item %zu, a sentence.</p></article>", i, i,
		    i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</main></body></html>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == 0 && cputime() - t0 < 5 * slow,
	    "20k posts of twenty classes each: fast (%.2f s)",
	    cputime() - t0);
	if (r == 0)
		tq_doc_free(&d);

	/* a list of 20,000 terms and their definitions, each a line */
	b.len = 0;
	tq_buf_adds(&b, "<html><body><article><h1>Terms</h1><dl>");
	for (i = 0; i < 20000; i++)
		tq_buf_adds(&b, "<dt>Term</dt><dd>Value</dd>");
	tq_buf_adds(&b, "</dl></article></body></html>");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == -1 || (d.text != NULL && has(d.text, "Term: Value\nTerm")),
	    "20k terms: their lines (%s)", r ? e.msg : "ok");
	ok(cputime() - t0 < 5 * slow, "20k terms: fast (%.2f s)",
	    cputime() - t0);
	if (r == 0)
		tq_doc_free(&d);

	/* millions of tags */
	b.len = 0;
	for (i = 0; i < 1000000; i++)
		tq_buf_adds(&b, "<p>x");
	t0 = cputime();
	r = run(b.data, b.len, &d, &e);
	ok(r == -1 && strcmp(e.code, "too_complex") == 0 &&
	    cputime() - t0 < 5 * slow, "a million tags: refused quickly (%s)",
	    e.msg);
	if (r == 0)
		tq_doc_free(&d);

	/* 50 MB */
	tq_buf_free(&b);
	junk = malloc(50 << 20);
	memset(junk, 'a', 50 << 20);
	memcpy(junk, "<html><body><p>", 15);
	r = run(junk, 50 << 20, &d, &e);
	ok(r == -1 && strcmp(e.code, "too_large") == 0 &&
	    e.kind == TQ_ERR_PERMANENT, "50 MB: refused (%s)", e.msg);
	if (r == 0)
		tq_doc_free(&d);
	free(junk);

	/* inputs that sent tidy 5.6 into endless recursion (fuzzer) */
	{
		static const char *const rec[] = {
			"<button><li<<!D t><head>\n",
			"<button><li>\n<!D t><head>\n",
			"<div><button><div<<!D t><head>x\n",
			"<g\"<button<<!D f><li",
			"<button><!D f><h1>",
			"t<button><\x0e!D t>><li",
			"<button><!\x0eD t><li",
			"t<button><\f!D t>><li",
			NULL
		};

		for (i = 0; rec[i] != NULL; i++) {
			r = run(rec[i], strlen(rec[i]), &d, &e);
			ok(r == 0 || r == -1, "tidy recursion case %zu: no crash",
			    i + 1);
			if (r == 0)
				tq_doc_free(&d);
		}
	}

	/* tag soup on which tidy 5.6 is quadratic or worse */
	{
		static const char *const soup[] = {
			"<h1><article><font x=\"1\">",
			"</nolayer><dt></ul><meta x=\"1\"><details x=\"1\"><ol>",
			"<b><i></b></i>",
			"<b><i><u></b></u></i>",
			"<form>",
			"<title><div>",
			"<xmp><div>",
			"<svg x=\"1\"><style x=\"1\"><select><input x=\"1\">",
			"<u></xmp><noscript><style x=\"1\"></svg>",
			"</h1></section><strike x=\"1\"><script x=\"1\">",
			"<ol x=\"1\"></math><frame x=\"1\"><s x=\"1\"><textarea>",
			"<head></select><meta x=\"1\"><tbody x=\"1\"><br x=\"1\">"
			    "<html x=\"1\"><thead><ol x=\"1\">",
			"</address><header x=\"1\"><script x=\"1\"><main>"
			    "</caption></q></layer><x-foo>",
			NULL
		};

		for (i = 0; soup[i] != NULL; i++) {
			tq_buf_free(&b);
			while (b.len < (slow >= 40 ? 200000 : 1200000))
				tq_buf_adds(&b, soup[i]);
			/* CPU time, not wall time: a loaded machine must not
			 * fail this, quadratic work would take minutes */
			t0 = cputime();
			r = run(b.data, b.len, &d, &e);
			ok(cputime() - t0 < 5 * slow, "tag soup %zu: %.2f s CPU (%s)",
			    i + 1, cputime() - t0, r ? e.msg : "ok");
			if (r == 0)
				tq_doc_free(&d);
		}
		tq_buf_free(&b);
	}

	/*
	 * Attributes: tidy is quadratic in a tag's, and slow on each
	 * (22 s of CPU for one tag of 100,000; 12 s for 2.5 million in
	 * 40,000 tags of 64).  The prescan keeps 256 a tag, and 4 a tag
	 * once the document has had 200,000; raw text it leaves alone.
	 */
	{
		char *out;
		size_t k, outlen, ntag = 5000;

		tq_buf_adds(&b, "<html><body><p");
		for (k = 0; k < 100000; k++)
			tq_buf_adds(&b, " a=x");
		tq_buf_adds(&b, " class=late>Attributes galore.</p>"
		    "<script>var s = '<b");
		for (k = 0; k < 1000; k++)
			tq_buf_adds(&b, " w");
		tq_buf_adds(&b, "';</script>");
		r = ex_prescan(b.data, b.len, &out, &outlen);
		ok(r == 0 && out != NULL && strstr(out, "class=late") == NULL &&
		    strstr(out, "<p a=x") != NULL && strstr(out, " a=x>"
		    "Attributes galore.") != NULL && outlen < 3200,
		    "a tag of 100,000 attributes: 256 kept (%zu bytes)",
		    outlen);
		ok(out != NULL && strstr(out, "<b w") == NULL &&
		    strstr(out, "galore.</p><script></script>") != NULL,
		    "the same in a script: no tag, the script emptied");
		free(out);
		extracted_in_time(&b, "Attributes galore");
		tq_buf_free(&b);
		tq_buf_adds(&b, "<html><body>");
		for (i = 0; i < ntag; i++) {
			tq_buf_adds(&b, "<p");
			for (k = 0; k < 64; k++)
				tq_buf_addf(&b, " a%zu=x", k);
			tq_buf_addf(&b, ">Paragraph %zu.</p>\n", i);
		}
		r = ex_prescan(b.data, b.len, &out, &outlen);
		ok(r == 0 && out != NULL && strstr(out, "<p a0=x a1=x a2=x "
		    "a3=x>Paragraph 4999.") != NULL && strstr(out, "<p a0=x "
		    "a1=x a2=x a3=x>Paragraph 3125.") == NULL && strstr(out,
		    "<p a0=x a1=x a2=x a3=x>Paragraph 3126.") != NULL,
		    "%zu tags of 64 attributes: 4 a tag past 200,000", ntag);
		free(out);
		extracted_in_time(&b, "Paragraph 4999.");
		tq_buf_free(&b);
	}

	/* plain text is a document too */
	r = run("Just a line of plain text, no markup at all.", 44, &d, &e);
	ok(r == 0 && has(d.text, "plain text"), "plain text extracts");
	if (r == 0)
		tq_doc_free(&d);
}

/* The tree tidy builds from html: tags and text, scripts and styles empty. */
static void
tidy_shape(TidyDoc td, TidyNode n, struct tq_buf *b)
{
	TidyBuffer t;
	TidyNode c;
	ctmbstr name;

	for (c = tidyGetChild(n); c != NULL; c = tidyGetNext(c)) {
		if ((name = tidyNodeGetName(c)) != NULL)
			tq_buf_addf(b, "<%s>", name);
		if (tidyNodeGetId(c) == TidyTag_SCRIPT ||
		    tidyNodeGetId(c) == TidyTag_STYLE) {
			tq_buf_adds(b, "</>");
			continue;
		}
		if (tidyNodeIsText(c)) {
			tidyBufInit(&t);
			tidyNodeGetValue(td, c, &t);
			if (t.bp != NULL)
				tq_buf_add(b, t.bp, t.size);
			tidyBufFree(&t);
		}
		tidy_shape(td, c, b);
		tq_buf_adds(b, "</>");
	}
}

static char *
tidy_tree_of(const char *html, size_t len)
{
	TidyBuffer err;
	struct tq_buf b = { 0 };
	int rc;
	TidyDoc td = ex_tidy_parse(html, len, &err, &rc);

	tidy_shape(td, tidyGetRoot(td), &b);
	tq_buf_add(&b, "", 0);
	tidyBufFree(&err);
	tidyRelease(td);
	return b.data;
}

/*
 * The prescan empties scripts and styles (tidy need not read what the
 * extractor drops) where it knows tidy ends them: the tree tidy builds
 * must stay the same, whatever the raw text holds.  Random pages of
 * the pieces that tidy's end of raw text turns on.
 */
static void
test_raw_text(void)
{
	static const char *const piece[] = {
		"<", "/", "\\", "script", "SCRIPT", "scripts", "style", "a",
		" ", "\n", "x", ">", "'", "\"", "</script>", "</SCRIPT >",
		"<\\/script>", "</style>", "<script>", "<script src=j.js>",
		"<style>", "</p>", "<p>", "</div>", "<!--", "-->", "<b",
		"</scr", "\303\251", "<svg>", "</svg>", "<title>", "</title>",
		"<script type=\"t\">", "<div class=\"a>b\">", "<a b\"c>",
		"<!DOCTYPE html>", "<?x ?>", "<xmp>", "<!-- -- -->", "=",
		"<textarea>", "</textarea>", "<![CDATA[", "]]>", "<!x>",
		"<div>", "<div><svg>", "<span><math>", "</span>", "<select>",
		"<server>", "<iframe>", "<noscript>", "<template>", "<pre>",
		"</pre>", "<table>", "<ul>", "<head>"
	};
	struct tq_buf b = { 0 };
	char *out, *t1, *t2;
	size_t outlen, k;
	int i, j, bad = 0, emptied = 0;

	srand(7);
	for (i = 0; i < 5000; i++) {
		b.len = 0;
		tq_buf_adds(&b, "<html><body><p>before</p>");
		for (j = rand() % 4; j >= 0; j--) {
			for (k = (size_t)(rand() % 4); k > 0; k--)
				tq_buf_adds(&b, piece[(size_t)rand() %
				    (sizeof(piece) / sizeof(*piece))]);
			tq_buf_adds(&b, rand() % 2 ? "<script>" : "<style>");
			for (k = (size_t)(rand() % 12); k > 0; k--)
				tq_buf_adds(&b, piece[(size_t)rand() %
				    (sizeof(piece) / sizeof(*piece))]);
			if (rand() % 4 != 0)
				tq_buf_adds(&b, rand() % 2 ? "</script>" :
				    "</style>");
			tq_buf_adds(&b, "<p>between</p>");
		}
		tq_buf_adds(&b, "<p>after</p></body></html>");
		if (ex_prescan(b.data, b.len, &out, &outlen) != 0 ||
		    out == NULL)
			continue;
		emptied += outlen < b.len;
		t1 = tidy_tree_of(b.data, b.len);
		t2 = tidy_tree_of(out, outlen);
		if (strcmp(t1, t2) != 0 && bad++ < 3)
			printf("# %s\n#  tree %s\n#  then %s\n", b.data, t1,
			    t2);
		free(t1);
		free(t2);
		free(out);
	}
	ok(bad == 0 && emptied > 400,
	    "scripts and styles emptied (%d pages): the same tree", emptied);
	tq_buf_free(&b);
}

/*
 * Every page is read by HTML5's rules, as browsers read it, whatever
 * its DOCTYPE: tidy 5.6 takes any but "<!DOCTYPE html>" (HTML 4's,
 * XHTML's, even "<!DOCTYPE HTML>") for HTML 4, where a link holds no
 * blocks (a card's link emptied before its title and snippet) and a
 * caption no <div>.
 */
static void
test_doctype(void)
{
	static const char *const dt[] = {
		"<!DOCTYPE HTML>", "<!doctype html public \"-//W3C//DTD HTML "
		"4.01//EN\">", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 "
		"Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict"
		".dtd\">"
	};
	static const char body[] = "<html><head><title>Cards</title></head>"
	    "<body><div class=cards><a href=/a><h3>Card title</h3><p>The "
	    "card's snippet.</p></a></div><table><caption><div>A caption"
	    "</div></caption><tr><td>1</td></tr></table></body></html>";
	struct tq_buf b = { 0 };
	char *fixed, *t1, *t2;
	size_t k, len;
	int same = 0;

	tq_buf_adds(&b, "<!DOCTYPE html>");
	tq_buf_adds(&b, body);
	t1 = tidy_tree_of(b.data, b.len);
	ok(strstr(t1, "<a><h3>Card title</></><p>The card's snippet.</></>"
	    "</>") != NULL &&
	    strstr(t1, "<caption><div>") != NULL,
	    "doctype: HTML5's keeps the card's link and the caption whole");
	for (k = 0; k < sizeof(dt) / sizeof(*dt); k++) {
		b.len = 0;
		tq_buf_adds(&b, dt[k]);
		tq_buf_adds(&b, body);
		/* NULL: the page goes to tidy as it is */
		fixed = ex_strip_decls(b.data, b.len, &len);
		t2 = fixed != NULL ? tidy_tree_of(fixed, len) :
		    tidy_tree_of(b.data, b.len);
		same += strcmp(t1, t2) == 0;
		free(t2);
		free(fixed);
	}
	ok(same == 3, "doctype: HTML 4's, XHTML's, \"HTML\": HTML5's tree "
	    "(%d of 3)", same);
	free(t1);
	tq_buf_free(&b);
}

/*
 * End tags that HTML lets a page leave out (minified pages leave out
 * every "</li>", "</td>", "</tr>"): the prescan's model of tidy's stack
 * ends the open cell, row or item at the next one, as HTML5 and tidy
 * do.  Without it each row of such a table nested deeper than the
 * last until the depth limit, and the rest of the page was cut; each
 * "</ul>" after an open item counted as misnested, and past a thousand
 * the lists were cut.  The text is the same as with the end tags.
 */
static void
test_optional_ends(void)
{
	struct tq_buf b = { 0 }, c = { 0 };
	struct tq_doc d, e;
	int i, k;

	for (k = 0; k < 2; k++) {
		struct tq_buf *p = k ? &c : &b;

		tq_buf_adds(p, "<html><head><title>Rows</title></head><body>"
		    "<h1>Rows</h1><p>The rows of a long table, then lists."
		    "</p><table>");
		for (i = 0; i < 400; i++)
			tq_buf_addf(p, "<tr><td>Row %d%s<td>%d kg%s", i,
			    k ? "</td>" : "", i * 3, k ? "</td></tr>" : "");
		tq_buf_adds(p, "</table>");
		for (i = 0; i < 1200; i++)
			tq_buf_addf(p, "<ul><li>First %d%s<li>Second %d%s</ul>",
			    i, k ? "</li>" : "", i, k ? "</li>" : "");
		tq_buf_adds(p, "<p>After the table and the lists, the page "
		    "goes on.</p></body></html>");
	}
	ok(extract_str(b.data, "https://rows.example/", &d) == 0 &&
	    extract_str(c.data, "https://rows.example/", &e) == 0,
	    "optional end tags: extract");
	ok(has(d.text, "Row 399 | 1197 kg") && has(d.text, "Second 1199") &&
	    has(d.text, "the page goes on."),
	    "optional end tags: the rows, the lists and the text after them");
	ok(strcmp(d.text, e.text) == 0,
	    "optional end tags: the text of the page with its end tags");
	tq_doc_free(&d);
	tq_doc_free(&e);
	tq_buf_free(&b);
	tq_buf_free(&c);
}

/*
 * A manual's table of functions and their equivalents, each a link,
 * with header cells: a table of data, not a menu of links, whether or
 * not the page wrote its <tbody> (tidy infers none: the rows are the
 * table's children or its section's).  The menu rule counted the
 * table's children: its rows without a <tbody>, and the table went;
 * two sections with one.
 */
static void
test_table_sections(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d[2];
	int i, j, k;

	for (k = 0; k < 2; k++) {
		b.len = 0;
		tq_buf_adds(&b, "<html><head><title>pathlib</title></head>"
		    "<body><nav class=sidebar><ul>");
		for (i = 0; i < 20; i++)
			tq_buf_addf(&b, "<li><a href=/docs/%d>Topic %d</a></li>",
			    i, i);
		tq_buf_adds(&b, "</ul></nav><main><h1>pathlib</h1>");
		for (i = 0; i < 12; i++) {
			if (i == 6) {
				tq_buf_addf(&b, "<pre><code>p = Path(\".\")\n"
				    "</code></pre><p>Below, the os functions "
				    "and their equivalents.</p><table class="
				    "docutils><thead><tr><th>os.path</th><th>"
				    "pathlib</th></tr></thead>%s", k ?
				    "<tbody>" : "");
				for (j = 0; j < 8; j++)
					tq_buf_addf(&b, "<tr><td><a href=os#f%d>"
					    "<code>os.path.f%d()</code></a></td>"
					    "<td><a href=#p%d><code>PurePath.p%d"
					    "</code></a></td></tr>", j, j, j, j);
				tq_buf_adds(&b, k ? "</tbody></table>" :
				    "</table>");
			}
			tq_buf_addf(&b, "<p>Paragraph %d of the manual: pure "
			    "path objects provide path-handling operations "
			    "which do not access a filesystem, and concrete "
			    "paths add the methods that do.</p>", i);
		}
		tq_buf_adds(&b, "<pre><code>PurePath(\"setup.py\")\n</code>"
		    "</pre></main></body></html>");
		ok(extract_str(b.data, "https://docs.example/docs/pathlib.html",
		    &d[k]) == 0, "table sections: extract (%s <tbody>)",
		    k ? "with" : "without");
	}
	ok(has(d[0].text, "os.path.f7() | PurePath.p7") &&
	    has(d[1].text, "os.path.f7() | PurePath.p7"),
	    "table sections: a table of linked data stays, with or without "
	    "<tbody>");
	ok(strcmp(d[0].text, d[1].text) == 0,
	    "table sections: the same text either way");
	tq_doc_free(&d[0]);
	tq_doc_free(&d[1]);
	tq_buf_free(&b);
}

/*
 * MathML's character references: tidy leaves them as written in a
 * formula's tokens ("<mo>&#8800;</mo>", MathJax's output), where in
 * HTML's text it reads them.  They are read, MathML's invisible
 * operators (function application, invisible times) as nothing.
 */
static void
test_math_refs(void)
{
	struct tq_doc d;
	const char *html = "<html><head><title>Roots</title></head><body>"
	    "<article><h1>Roots</h1><p>A quadratic has two roots when its "
	    "discriminant is positive, one when it is zero, and none among "
	    "the reals when it is negative, as the formula shows.</p><p><math>"
	    "<mi>a</mi><mo>&#8800;</mo><mn>0</mn><mo>,</mo><mi>x</mi><mo>=</mo>"
	    "<mo>&minus;</mo><mi>b</mi><mo>&#xB1;</mo><mi>f</mi><mo>&#x2061;"
	    "</mo><mo>(</mo><mi>a</mi><mo>&InvisibleTimes;</mo><mi>c</mi><mo>)"
	    "</mo><mo>&lt;</mo><mn>1</mn></math></p><p>Each root is a number "
	    "that makes the polynomial vanish, and the two sum to minus b over "
	    "a.</p></article></body></html>";

	ok(extract_str(html, "https://math.example/roots", &d) == 0,
	    "math refs: extract");
	ok(has(d.text, "a \xe2\x89\xa0 0 , x = \xe2\x88\x92 b \xc2\xb1 f "
	    "( a c ) < 1"), "math refs: read, invisible operators as nothing");
	ok(!has(d.text, "&#") && !has(d.text, "&minus;"),
	    "math refs: none left as written");
	tq_doc_free(&d);
}

/*
 * A page of many scripts (a shop's script for each card): each one's
 * end tag closes what the prescan's model never opened, and is no
 * stray end tag, of which it cuts those past a thousand.  Cut, the
 * rest of the page was a script to tidy, and lost.
 */
static void
test_many_scripts(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *out, *t1, *t2;
	size_t outlen;
	int i;

	tq_buf_adds(&b, "<html><head><title>Cards</title></head><body>"
	    "<p>Before the scripts, a sentence.</p>");
	for (i = 0; i < 1500; i++)
		tq_buf_addf(&b, i % 3 ? "<script>track(%d);</script>" :
		    "<style>.c%d { color: red }</style>", i);
	tq_buf_adds(&b, "<p>After the scripts, the page goes on.</p>"
	    "</body></html>");
	ok(ex_prescan(b.data, b.len, &out, &outlen) == 0 && out != NULL &&
	    outlen < b.len, "many scripts: emptied");
	t1 = tidy_tree_of(b.data, b.len);
	t2 = out != NULL ? tidy_tree_of(out, outlen) : NULL;
	ok(t2 != NULL && strcmp(t1, t2) == 0 && strstr(t2, "After the "
	    "scripts") != NULL, "many scripts: the same tree");
	free(t1);
	free(t2);
	free(out);
	ok(extract_str(b.data, "https://shop.example/", &d) == 0,
	    "many scripts: extract");
	ok(has(d.text, "Before the scripts") && has(d.text, "After the "
	    "scripts, the page goes on."), "many scripts: the text after them");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * What a good extraction must hold and tq used to miss (issue #15's
 * "with" sentences), each rule on a small page built here.
 */
static void
test_recall(void)
{
	struct tq_doc d;
	struct tq_buf b = { 0 };
	char *q, w[32];
	int i, k;

	/* a table's cells apart by " | ", none before a row's first */
	q = words_para("prize", 80);
	tq_buf_adds(&b, "<html><head><title>Prizes</title></head><body>"
	    "<article><h1>Prizes</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><table><tr><th>Year</th><th>Physics</th>"
	    "<th>Chemistry</th></tr><tr><td>1903</td><td>Henri Becquerel;"
	    "<br>Marie Curie</td><td>Svante Arrhenius</td></tr><tr><td></td>"
	    "<td>Pierre Curie</td><td> </td></tr></table><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://news.example/prizes", &d) == 0,
	    "table cells extract");
	ok(has(d.text, "Year | Physics | Chemistry\n1903 | Henri Becquerel;"
	    "\nMarie Curie | Svante Arrhenius\nPierre Curie\n"),
	    "table cells: \" | \" between cells, rows as lines");
	tq_doc_free(&d);
	free(q);
	b.len = 0;

	/*
	 * a short cell's blocks ("<td><p>...</p></td>", a <div> in a
	 * <th>) are words of its row; a long cell's paragraphs stay
	 */
	q = words_para("drug", 80);
	tq_buf_adds(&b, "<html><head><title>Drugs</title></head><body>"
	    "<article><h1>Drugs</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><table><thead><tr><th><div>Drug</div></th><th>"
	    "<div>Taken</div></th></tr></thead><tbody><tr><td><p>"
	    "Semaglutide</p><p>(Wegovy)</p></td><td><p>Once weekly</p></td>"
	    "</tr><tr><td><p>Orlistat</p></td><td><p>Three times a day</p>"
	    "</td></tr></tbody></table><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><table><tr><td><p>");
	free(q);
	q = words_para("layout", 60);
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>Second paragraph of a layout cell.</p></td>"
	    "</tr></table></article></body></html>");
	ok(extract_str(b.data, "https://news.example/drugs", &d) == 0,
	    "cell blocks extract");
	ok(has(d.text, "Drug | Taken\nSemaglutide (Wegovy) | Once weekly\n"
	    "Orlistat | Three times a day\n"),
	    "cell blocks: a short cell's paragraphs are words of its row");
	ok(has(d.text, "layout, and.\n\nSecond paragraph"),
	    "cell blocks: a long cell's paragraphs stay paragraphs");
	tq_doc_free(&d);
	free(q);
	b.len = 0;

	/* a short term and its short definition make a line */
	q = words_para("glaze", 80);
	tq_buf_adds(&b, "<html><head><title>Mug</title></head><body>"
	    "<article><h1>Mug</h1><p>");
	tq_buf_adds(&b, q);
	free(q);
	q = words_para("story", 40);
	tq_buf_adds(&b, "</p><dl><dt>Capacity</dt> <dd>350 ml</dd><dt>Weight:"
	    "</dt><dd>0.4 kg</dd><dt>History</dt><dd>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</dd><dt>Term alone</dt></dl><p>");
	free(q);
	q = words_para("glaze", 80);
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://news.example/mug", &d) == 0,
	    "term pairs extract");
	ok(has(d.text, "\nCapacity: 350 ml\nWeight: 0.4 kg\nHistory\nstory "),
	    "term pairs: a short term and definition make a line, a long "
	    "definition has its own");
	ok(has(d.text, "\nTerm alone\n"), "term pairs: a term alone is a "
	    "line");
	is_int(d.word_count, count_words(d.text),
	    "term pairs: the colon is no word");
	tq_doc_free(&d);
	free(q);
	b.len = 0;

	/* words that a style sets apart, glued in the markup */
	q = words_para("story", 80);
	tq_buf_adds(&b, "<html><head><title>Bottles</title></head><body>"
	    "<article><h1>Bottles</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p><span class=brand>Nalgene</span><span "
	    "class=name>Sustain Bottle</span> and <mark>Open</mark>AI and "
	    "i<b>Phone</b> and <em>Mc</em>Donald.</p><p>The game came out "
	    "that spring. <span>Made by:</span><span>Valve</span>, and <span>Item number:</span>"
	    "<span>3659</span>, at 12:<b>30</b>.</p><p>A list of "
	    "things.</p><p><a href=/a>Try it free</a><a href=/b>Book a "
	    "demo</a></p><p><span>97%</span><span>Resolved</span> and "
	    "H<sub>2</sub>O and <span>YETI</span><span>Rambler</span> and "
	    "<span>HydraPak</span><span>1 L Stow Bottle</span> and "
	    "<span>CO</span><sub>2</sub>.</p>"
	    "<p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://news.example/bottles", &d) == 0,
	    "glued words extract");
	ok(has(d.text, "Nalgene Sustain Bottle") && has(d.text,
	    "Made by: Valve") && has(d.text, "Item number: 3659") &&
	    has(d.text, "Try it free Book a demo") &&
	    has(d.text, "97% Resolved and H2O and YETI Rambler and "
	    "HydraPak 1 L Stow Bottle and CO2."),
	    "glued words: a brand and a name, a label and its value apart");
	ok(has(d.text, "OpenAI and iPhone and McDonald.") &&
	    has(d.text, "at 12:30."),
	    "glued words: a word marked in part stays one word");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/* the lead in the headline's block above the body */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Tests</title></head><body>"
	    "<header class=site><a href=/>Home</a></header><main>"
	    "<section class=hero><div class=hero-inner><h1>Why tests "
	    "matter</h1><p class=intro>Mocks are not the enemy; bad tests "
	    "are, and this post says how to tell them apart.</p><div "
	    "class=author-line><p>Written by Jo Bloggs, who has tested "
	    "software for twenty years.</p></div><p class=cta-text>Book a "
	    "call with our team today, it is free of charge.</p></div>"
	    "</section><section class=content><div class=post-body>");
	for (i = 0; i < 6; i++) {
		snprintf(w, sizeof(w), "body%d", i);
		q = words_para(w, 50);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "</div></section></main></body></html>");
	ok(extract_str(b.data, "https://blog.example/tests", &d) == 0,
	    "lead extract");
	ok(in_order(d.text, "Mocks are not the enemy", "body0 body0") &&
	    has(d.text, "body5 body5"), "lead: the lead opens the article");
	ok(!has(d.text, "Written by") && !has(d.text, "Book a call") &&
	    !has(d.text, "Why tests matter"),
	    "lead: no byline, call to action or headline");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * The lead that is the page's description, under a headline
	 * ex_lead() cannot use: in the story's own small <header> (dead
	 * with it), and under an <h2> headline in a hero of its own.  A
	 * site's tagline that says the same, with no headline before it,
	 * is no lead.
	 */
	for (k = 0; k < 3; k++) {
		static const char *const top[] = {
		    "<main><article><header><h1>Snow weighs on solar "
		    "panels</h1><p class=intro>" DESC "</p><div class=meta>"
		    "10.12.2022</div></header><div class=body>",
		    "<main><div class=hero><nav><a href=/>Home</a></nav>"
		    "<h2>Snow weighs on solar panels</h2><p>" DESC "</p>"
		    "<img src=a.jpg alt=''></div><div class=body>",
		    "<header class=site-top><p class=tagline>" DESC "</p>"
		    "</header><main><h1>Snow weighs on solar panels</h1>"
		    "<div class=body>"
		};

		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><title>Snow weighs on solar "
		    "panels</title><meta property=og:type content=article>"
		    "<meta name=description content=\"" DESC "\"></head>"
		    "<body>");
		tq_buf_adds(&b, top[k]);
		add_paras(&b, "snow", 4, 50);
		tq_buf_adds(&b, "</div></main></body></html>");
		ok(extract_str(b.data, "https://news.example/snow", &d) == 0 &&
		    has(d.text, "snow3 snow3") && (k < 2 ? in_order(d.text,
		    "A blanket of snow", "snow0 snow0") && !has(d.text,
		    "10.12.2022") : !has(d.text, "A blanket of snow")),
		    k == 0 ? "described lead: in the story's <header>" : k == 1 ?
		    "described lead: under an <h2> headline" :
		    "described lead: a site's tagline is none");
		ok(k == 2 || (has(d.text, "A blanket of snow") &&
		    !has(strstr(d.text, "A blanket of snow") + 1,
		    "A blanket of snow")), "described lead: once");
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * A recipe (schema.org Recipe): its ingredients, each name a
	 * link, in a box of their own beside the steps, come first; in
	 * the steps' block they stay.  The same box on a page that says
	 * nothing of a recipe is left out.
	 */
	for (k = 0; k < 3; k++) {
		static const char ingr[] = "<div class=recipe-ingredients>"
		    "<h2>Ingredients</h2><table><tr><td>125 g</td><td><a "
		    "href=/i/flour>Flour</a></td></tr><tr><td>65 g</td><td>"
		    "<a href=/i/sugar>Sugar</a></td></tr><tr><td>65 g</td>"
		    "<td><a href=/i/butter>Butter</a></td></tr><tr><td>1</td>"
		    "<td><a href=/i/egg>Egg</a></td></tr></table></div>";

		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><title>Shortbread</title>");
		if (k < 2)
			tq_buf_adds(&b, "<script type=application/ld+json>"
			    "{\"@type\":\"Recipe\",\"name\":\"Shortbread\"}"
			    "</script>");
		tq_buf_adds(&b, "</head><body><main>");
		if (k != 1)
			tq_buf_adds(&b, ingr);
		tq_buf_adds(&b, "<div class=ad>Advertisement</div>"
		    "<article class=steps><h2>Method</h2>");
		if (k == 1)
			tq_buf_adds(&b, ingr);
		add_paras(&b, "step", 4, 40);
		tq_buf_adds(&b, "</article></main></body></html>");
		ok(extract_str(b.data, "https://food.example/shortbread", &d) ==
		    0 && has(d.text, "step3 step3") && (k < 2 ?
		    in_order(d.text, "125 g | Flour", "1 | Egg") &&
		    in_order(d.text, "1 | Egg", "step0 step0") :
		    !has(d.text, "Flour")), k == 0 ?
		    "recipe: its ingredients' box beside the steps first" :
		    k == 1 ? "recipe: its linked ingredients stay" :
		    "recipe: no such box on a page of no recipe");
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * A heading at the article's end whose list the cleaning took
	 * goes; one that exclaims, or that holds a sentence, stays.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Biscuits</title><meta property="
	    "og:type content=article></head><body><main><article><h1>"
	    "Biscuits</h1>");
	add_paras(&b, "bake", 3, 40);
	tq_buf_adds(&b, "<h2>The knuckles look real. Children love them."
	    "</h2><h2>Let's bake!</h2><h3>Ezek is \xc3\xa9rdekelhetnek</h3>"
	    "<div class=related-posts><ul><li><a href=/a>Pumpkin soup for "
	    "a cold night</a></li><li><a href=/b>Ghost meringues</a></li>"
	    "<li><a href=/c>Apple bites</a></li></ul></div></article>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://food.example/biscuits", &d) == 0 &&
	    has(d.text, "bake2 bake2") && !has(d.text, "Ezek is") &&
	    !has(d.text, "Pumpkin"), "tail headings: a title of nothing goes");
	ok(in_order(d.text, "Children love them.", "Let's bake!"),
	    "tail headings: a sentence, an exclamation stay");
	tq_doc_free(&d);
	free(b.data);

	/* a block of a class like the article's beside it */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Rentals</title><script type="
	    "\"application/ld+json\">{\"@type\":\"BlogPosting\","
	    "\"datePublished\":\"2024-05-01\"}</script></head><body>"
	    "<div class=post-column><div class=\"rt-block mbp intro\"><p>Whether you cross the country or stay in one city, "
	    "a car of your own makes the most of a trip, and renting one is "
	    "easier than it looks.</p><h2>Where to start</h2><p>With the "
	    "agencies that serve the whole country, compared below.</p>"
	    "</div><div class=\"d-flex "
	    "align-items-center body-sm\"><span>4 min read</span></div>"
	    "<div class=\"mbp rt-block w-rt\">");
	for (i = 0; i < 8; i++) {
		snprintf(w, sizeof(w), "rental%d", i);
		q = words_para(w, 50);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "</div></div></body></html>");
	ok(extract_str(b.data, "https://travel.example/rentals", &d) == 0,
	    "similar classes extract");
	ok(in_order(d.text, "Whether you cross the country", "rental0 rental0")
	    && has(d.text, "rental7 rental7"),
	    "similar classes: the introduction of the body's classes joins");
	ok(!has(d.text, "4 min read"),
	    "similar classes: not a block of other classes");
	tq_doc_free(&d);
	free(b.data);

	/* a list of sentences with links in them is prose */
	memset(&b, 0, sizeof(b));
	q = words_para("hotel", 80);
	tq_buf_adds(&b, "<html><head><title>Hotels</title></head><body>"
	    "<article><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><ul><li><b>Official site</b>: <a href=/h>Park "
	    "Hyatt</a></li><li>Flagship: <a href=/n>Park Hyatt New York</a>"
	    "<ul><li>It is in my lists of the <a href=/1>best luxury hotels "
	    "in New York City</a> and the <a href=/2>most stunning indoor "
	    "pools in the world</a>.</li><li>Read my review of it <a "
	    "href=/3>here</a>.</li></ul></li></ul><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><ul><li><a href=/a>Best hotels in Oman</a></li>"
	    "<li><a href=/b>Best hotel spas</a></li><li><a href=/c>Best "
	    "beach hotels in the world</a></li></ul></article></body></html>");
	ok(extract_str(b.data, "https://travel.example/hotels", &d) == 0,
	    "prose list extract");
	ok(has(d.text, "It is in my lists of the best luxury hotels") &&
	    has(d.text, "Official site: Park Hyatt"),
	    "prose list: sentences with links stay, and the list around them");
	ok(!has(d.text, "Best hotel spas"), "prose list: a list of links goes");
	tq_doc_free(&d);
	free(b.data);

	/* a list of links that the text announces */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Apps</title></head><body>"
	    "<article><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>Other apps that you may find helpful:</p><ul>"
	    "<li><a href=/h>Headspace</a></li><li><a href=/b>Buddhify</a>"
	    "</li><li><a href=/s>Smiling Mind</a></li></ul><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>You may also be interested in the following "
	    "articles:</p><ul><li><a href=/1>Winners and losers</a></li><li>"
	    "<a href=/2>State of the market</a></li><li><a href=/3>What "
	    "chiefs talked about</a></li></ul></article></body></html>");
	ok(extract_str(b.data, "https://calm.example/apps", &d) == 0,
	    "announced list extract");
	ok(has(d.text, "- Headspace\n- Buddhify\n- Smiling Mind"),
	    "announced list: the links the text speaks of stay");
	ok(!has(d.text, "Winners and losers"),
	    "announced list: a list of more reading goes");
	tq_doc_free(&d);
	free(b.data);

	/* a list of links under a heading of its own */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>This week</title></head><body>"
	    "<article><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><h4>New contributors (first patch)</h4><ul>"
	    "<li>Ankush <a href=/1>fixed an issue with revoked permissions"
	    "</a></li><li>gero <a href=/2>removed the windowtype attribute"
	    "</a></li><li>manekenpix <a href=/3>converted some DevTools code"
	    "</a></li></ul><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><h4>Recent posts</h4><ul><li><a href=/a>These "
	    "weeks in Firefox: issue 84</a></li><li><a href=/b>These weeks "
	    "in Firefox: issue 83</a></li><li><a href=/c>These weeks in "
	    "Firefox: issue 82</a></li></ul></article></body></html>");
	ok(extract_str(b.data, "https://blog.example/week", &d) == 0,
	    "headed list extract");
	ok(has(d.text, "New contributors (first patch)\n\n- Ankush fixed an "
	    "issue") && has(d.text, "- manekenpix converted some"),
	    "headed list: the links its heading speaks of stay");
	ok(!has(d.text, "issue 83"),
	    "headed list: a list of recent posts goes");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/* a later <h1> in the body is a section's heading */
	memset(&b, 0, sizeof(b));
	q = words_para("tide", 80);
	tq_buf_adds(&b, "<html><head><title>Tide tables explained</title>"
	    "</head><body><header class=top><h1>Tide tables explained</h1>"
	    "</header><article><h1>Tide tables explained</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><h1>Reading the spring tides</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://sea.example/tides", &d) == 0,
	    "body h1 extract");
	ok(has(d.text, "\n\nReading the spring tides\n\n") &&
	    !has(d.text, "Tide tables explained"),
	    "body h1: a section's <h1> stays, the headline goes");
	tq_doc_free(&d);
	free(b.data);
	/* the same with the headline in the article (a book's chapter) */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Tide tables explained</title>"
	    "</head><body><div class=nav><a href=/>Home</a></div><article>"
	    "<h1 class=heading>Tide tables explained</h1><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><h1 class=heading>Reading the spring tides</h1>"
	    "<p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://sea.example/tides", &d) == 0,
	    "body h1 extract (headline inside)");
	ok(has(d.text, "\n\nReading the spring tides\n\n") &&
	    !has(d.text, "Tide tables explained"),
	    "body h1: a section's <h1> stays after a headline inside");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/* "Click here" to download is an instruction, not a promotion */
	memset(&b, 0, sizeof(b));
	q = words_para("plan", 80);
	tq_buf_adds(&b, "<html><head><title>Plans</title></head><body>"
	    "<article><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>Click <a href=/s>here</a> to download the free "
	    "<a href=/s>comparison spreadsheet</a>. You must be signed in "
	    "to download it.</p><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><p>Click here to subscribe to our newsletter."
	    "</p></article></body></html>");
	ok(extract_str(b.data, "https://news.example/plans", &d) == 0,
	    "click here extract");
	ok(has(d.text, "Click here to download the free comparison "
	    "spreadsheet.") && !has(d.text, "subscribe"),
	    "click here: instructions stay, a newsletter's call goes");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/* an unordered list's items are marked, an ordered list's not */
	memset(&b, 0, sizeof(b));
	q = words_para("prose", 80);
	tq_buf_adds(&b, "<html><head><title>Lists</title></head><body>"
	    "<article><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><ul><li>Screening exams</li><li></li><li><p>"
	    "Cleanings</p></li><li>Extractions<ul><li>Wisdom teeth</li>"
	    "</ul></li></ul><ol><li>Rename the file</li><li>Signal the "
	    "process</li></ol><p>");
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p></article></body></html>");
	ok(extract_str(b.data, "https://news.example/lists", &d) == 0,
	    "list marks extract");
	ok(has(d.text, "\n\n- Screening exams\n\n- Cleanings\n\n"
	    "- Extractions\n\n- Wisdom teeth\n"),
	    "list marks: unordered items marked, nested too, none for an "
	    "empty item");
	ok(has(d.text, "\nRename the file\nSignal the process\n"),
	    "list marks: ordered items are lines");
	is_int(d.word_count, count_words(d.text),
	    "list marks: a mark is no word");
	tq_doc_free(&d);
	free(q);
	free(b.data);

	/*
	 * A page whose content is a short table of links: the passes
	 * that look for a story clean the table away and are left with
	 * the site's footer of legal links, which is no story; the page's
	 * own blocks win, however short.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Schedule</title></head><body>"
	    "<main><div class=card><h1>League schedule</h1><div>Sunday, "
	    "May 3</div><table><tr><th>Matchup</th><th>Result</th></tr>"
	    "<tr><td><a href=/t/1>Seattle</a> v <a href=/t/2>Boston</a>"
	    "</td><td><a href=/g/1>20-10</a></td></tr><tr><td><a href=/t/3>"
	    "Denver</a> v <a href=/t/4>Miami</a></td><td><a href=/g/2>21-11"
	    "</a></td></tr></table></div></main><div class=PageFooter><ul>"
	    "<li><a href=/terms>Terms of Use</a></li><li><a href=/privacy>"
	    "Privacy Policy</a></li><li><a href=/ads>Interest-Based Ads</a>"
	    "</li><li><a href=/eu>EU Privacy Rights</a></li><li><a "
	    "href=/cookies>Cookie Policy</a></li><li><a href=/prefs>Manage "
	    "Privacy Preferences</a></li></ul><p>&copy; Sports Network "
	    "Enterprises, Inc. All rights reserved.</p></div></body></html>");
	ok(extract_str(b.data, "https://sport.example/schedule", &d) == 0,
	    "footer extract");
	ok(has(d.text, "Seattle v Boston | 20-10"),
	    "footer: the page's table, not the footer, is its text");
	ok(!has(d.text, "Terms of Use"), "footer: the legal links go");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Service and landing pages (extract_service.c): each rule on a small
 * page built here.
 */
static void
test_service(void)
{
	struct tq_doc d;
	struct tq_buf b;
	char *q, w[32], ans[64];
	int i, j;

	/* the hero <header> inside <main> stays, the site's banner goes */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Cleaning</title></head><body>"
	    "<header class=site><a href=/>Logo</a><nav><a href=/a>About</a>"
	    " <a href=/b>Prices</a> <a href=/c>Contact</a></nav></header>"
	    "<main><header class=hero><h1>Spotless offices, every "
	    "morning</h1><p>Crews that clean before your staff arrive."
	    "</p><a class=btn href=/quote>Get a quote</a></header>");
	for (i = 0; i < 4; i++) {
		snprintf(w, sizeof(w), "section%d", i);
		q = words_para(w, 40);
		tq_buf_adds(&b, "<section><h2>Heading ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2><p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p></section>");
		free(q);
	}
	tq_buf_adds(&b, "</main><footer>Footer words</footer></body></html>");
	ok(extract_str(b.data, "https://clean.example/services/offices",
	    &d) == 0, "hero extract");
	is_str(d.page_type, "service", "hero: a service page");
	ok(has(d.text, "Spotless offices, every morning") &&
	    has(d.text, "Crews that clean before") &&
	    has(d.text, "section3 section3"), "hero: the hero and sections");
	ok(!has(d.text, "Logo") && !has(d.text, "Footer words"),
	    "hero: the site's banner and footer go");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * An accordion's toggles name its sections: an FAQ's questions
	 * stay above their answers; the controls of the page do not.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Plumbing</title></head><body>"
	    "<main><h1>Drain cleaning</h1><p>");
	q = words_para("drain", 80);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><button type=button>Call us</button>"
	    "<h2>Questions</h2>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "answer%d", i);
		q = words_para(w, 25);
		tq_buf_adds(&b, "<div class=faq-item><button aria-expanded=false "
		    "aria-controls=a");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "><span>How long does job ");
		tq_buf_adds(&b, w + 6);
		tq_buf_adds(&b, " take?</span></button><div hidden id=a");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "><p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p></div></div>");
		free(q);
	}
	tq_buf_adds(&b, "</main></body></html>");
	ok(extract_str(b.data, "https://plumb.example/services/drains",
	    &d) == 0, "toggle extract");
	is_str(d.page_type, "service", "toggle: a service page");
	ok(has(d.text, "How long does job 2 take?\n\nanswer2 answer2"),
	    "toggle: a question above its answer");
	ok(!has(d.text, "Call us"), "toggle: a plain button goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A landing page whose sections are text in <div>s, marked as a
	 * BlogPosting with an empty body, and whose FAQ holds the most
	 * paragraphs: the FAQ is found as the story, but the sections
	 * around it hold more, and the page is its sections and its FAQ.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Recruiting</title></head><body>"
	    "<div class=container><article itemscope itemtype=\"http://"
	    "schema.org/BlogPosting\"></article><section class=area-top>"
	    "<div class=container>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "Section%d", i);
		tq_buf_adds(&b, "<div class=row><div class=col-md-5><h2>Why ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2></div><div class=col-md-7><div class=text>");
		for (j = 0; j < 10; j++) {
			tq_buf_adds(&b, w);
			tq_buf_adds(&b, " teams hire engineers for every role in "
			    "the field of data today and now. ");
		}
		tq_buf_adds(&b, "</div></div></div>");
	}
	tq_buf_adds(&b, "</div></section><section class=faqs-container><div "
	    "class=container><h2>Questions</h2><div id=accordion "
	    "class=faqs-accordion>");
	for (i = 0; i < 8; i++) {
		snprintf(ans, sizeof(ans), "Answer%d teams hire engineers "
		    "for every", i);
		tq_buf_adds(&b, "<div class=card><h3><button aria-expanded=true>"
		    "How does step ");
		snprintf(w, sizeof(w), "%d", i);
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, " work?</button></h3><div class=card-body><p>");
		for (j = 0; j < 3; j++) {
			tq_buf_adds(&b, j == 2 ? "</p><p>" : "");
			tq_buf_adds(&b, ans);
			tq_buf_adds(&b, " role in the field of data today and "
			    "now. ");
		}
		tq_buf_adds(&b, "</p></div></div>");
	}
	tq_buf_adds(&b, "</div></div></section></div></body></html>");
	ok(extract_str(b.data, "https://hire.example/recruiting", &d) == 0,
	    "faq extract");
	ok(has(d.text, "Why Section0\n\nSection0 teams") &&
	    has(d.text, "Why Section2"), "faq: the sections stay");
	ok(has(d.text, "How does step 7 work?\n\nAnswer7 teams"),
	    "faq: and so does the FAQ");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A carousel of customers' stories: the slides that wait their
	 * turn (aria-hidden) stay, the copies it makes to turn round go,
	 * and so does a slide that its style hides.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Helpdesk</title></head><body>"
	    "<main><h1>Support software</h1><p>");
	q = words_para("support", 80);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><section><h2>Customer stories</h2><div "
	    "class=slick-track>");
	for (i = 0; i < 4; i++) {
		snprintf(w, sizeof(w), "%s", i == 0 ? "slick-slide "
		    "slick-cloned" : "slick-slide");
		tq_buf_adds(&b, "<div class=\"");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, i == 1 ? "\">" : i == 3 ? "\" aria-hidden=true "
		    "style=\"display:none\">" : "\" aria-hidden=true>");
		snprintf(w, sizeof(w), "story%d", i == 0 ? 2 : i);
		q = words_para(w, 12);
		tq_buf_adds(&b, "<blockquote>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</blockquote></div>");
		free(q);
	}
	tq_buf_adds(&b, "</div></section><div class=slide-in-cart "
	    "aria-hidden=true><p>Your cart is empty for now.</p></div>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://desk.example/service", &d) == 0,
	    "carousel extract");
	is_str(d.page_type, "service", "carousel: a service page");
	ok(has(d.text, "story1 story1") && has(d.text, "story2 story2"),
	    "carousel: the slides waiting their turn stay");
	q = strstr(d.text, "story2, and.");
	ok(q != NULL && strstr(q + 1, "story2, and.") == NULL,
	    "carousel: its copy of a slide goes");
	ok(!has(d.text, "story3"), "carousel: a slide hidden by its style "
	    "goes");
	ok(!has(d.text, "cart is empty"), "carousel: a closed slide-in "
	    "drawer is no slide");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A hero in a banner's clothes ("hero md-banner"): the block that
	 * holds the page's <h1> and little but headings stays.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Data</title></head><body>"
	    "<nav><a href=/a>About</a> <a href=/b>Services</a> <a href=/c>"
	    "Contact</a></nav><div class=\"cmp-hero md-banner\"><h1>Data "
	    "services</h1><h3>Insight from your data that drives every "
	    "decision</h3><h4><a href=#contact>Contact us</a></h4></div>");
	for (i = 0; i < 4; i++) {
		snprintf(w, sizeof(w), "part%d", i);
		q = words_para(w, 40);
		tq_buf_adds(&b, "<div class=text><h2>Heading ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2><p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p></div>");
		free(q);
	}
	tq_buf_adds(&b, "<div class=banner><p>Subscribe to our letters"
	    "</p></div></body></html>");
	ok(extract_str(b.data, "https://data.example/services/data",
	    &d) == 0, "banner hero extract");
	is_str(d.page_type, "service", "banner hero: a service page");
	ok(has(d.text, "Insight from your data that drives every decision") &&
	    has(d.text, "part3 part3"), "banner hero: the hero stays");
	ok(!has(d.text, "Subscribe"), "banner hero: other banners go");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * Tabs that hold the text: each tab wraps a title and a line
	 * (tidy splits it into a copy in each paragraph); the tab list
	 * of a landing page is its section, one of labels is navigation.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Agents</title></head><body>"
	    "<main><h1>Your agent at work</h1><p>One line under the "
	    "heading of the page.</p>");
	for (i = 0; i < 4; i++) {
		snprintf(w, sizeof(w), "%d", i);
		tq_buf_adds(&b, "<section><h2>Section heading ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2><p>A short line about part ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, " of the service here.</p></section>");
	}
	tq_buf_adds(&b, "<section><h2>Agents</h2><div role=tablist>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "%d", i);
		tq_buf_adds(&b, "<button type=button role=tab><p>Tab title ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</p><p>What the agent does in case ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, ", told in a line of its own.</p></button>");
	}
	tq_buf_adds(&b, "</div></section><div role=tablist><button "
	    "role=tab>Day</button><button role=tab>Week</button><button "
	    "role=tab>Month</button></div></main></body></html>");
	ok(extract_str(b.data, "https://agent.example/services/agents",
	    &d) == 0, "text tabs extract");
	is_str(d.page_type, "service", "text tabs: a service page");
	ok(has(d.text, "Your agent at work") &&
	    has(d.text, "Agents\n\nTab title 0") &&
	    has(d.text, "What the agent does in case 2"),
	    "text tabs: the tabs' titles and lines stay in their section");
	ok(!has(d.text, "Week"), "text tabs: a list of labels goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A card's footer is no page's footer: the customers' quotes in
	 * their cards' footers stay, the site's footer goes.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Cloud</title></head><body>"
	    "<main><h1>Cloud for builders</h1><p>");
	q = words_para("cloud", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><h2>Customers</h2>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "%d", i);
		tq_buf_adds(&b, "<div class=customer-card><div class="
		    "card-header><span>Customer ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</span><p>CTO</p></div><div class=\"styled-"
		    "customer-card-footer\"><h3>Our costs fell by half in "
		    "year ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, " after the move</h3><a href=/c>Read the "
		    "story</a></div></div>");
	}
	tq_buf_adds(&b, "</main><div class=site-footer><p>Company, "
	    "careers and press</p></div></body></html>");
	ok(extract_str(b.data, "https://cloud.example/services/cloud",
	    &d) == 0, "card footer extract");
	is_str(d.page_type, "service", "card footer: a service page");
	ok(has(d.text, "Cloud for builders") &&
	    has(d.text, "Customer 2\n\nCTO\n\nOur costs fell by half in "
	    "year 2"), "card footer: the quotes stay in their cards, in "
	    "the page's main region");
	ok(!has(d.text, "careers and press"),
	    "card footer: the page's footer goes");
	tq_doc_free(&d);
	free(b.data);

	/* a service page's sections of news and related pages go */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Audit</title></head><body>"
	    "<main><header class=hero><h1>Audit services</h1><p>Audits "
	    "done right and on time, for firms of every size.</p>"
	    "</header>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "audit%d", i);
		q = words_para(w, 40);
		tq_buf_adds(&b, "<h2>What we check ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2><p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "<h2>Recent News</h2><div><h3>Our firm opens an "
	    "office in the north</h3><p>The new office has room for forty "
	    "people and opens in May.</p></div><h2>Related Services</h2>"
	    "<ul><li>Tax advice for growing firms of every kind</li><li>"
	    "Payroll handled for you every month of the year</li></ul>"
	    "<h2>Newsletters we write</h2><p>Each month a letter on the "
	    "rules that changed, for our clients.</p></main></body></html>");
	ok(extract_str(b.data, "https://audit.example/services/audit",
	    &d) == 0, "service sections extract");
	ok(has(d.text, "audit2 audit2") &&
	    has(d.text, "Each month a letter"),
	    "service sections: the service's own stay");
	ok(!has(d.text, "Recent News") && !has(d.text, "forty people") &&
	    !has(d.text, "Payroll handled"),
	    "service sections: news and related pages go");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A heading that one sees stays whatever its class says (an FAQ's
	 * question of class "ask-ads"); one for screen readers goes.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Data</title></head><body>"
	    "<main><header class=hero><h1>Data analytics</h1><p>Analytics "
	    "done right and on time, for firms of every size.</p></header>"
	    "<p>");
	q = words_para("data", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><h2 class=sr-only>Questions for screen readers"
	    "</h2>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "%d", i);
		tq_buf_adds(&b, "<div class=accordion-card><h3 class=\""
		    "accordion-button ask-ads\">Who is project ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, " for?</h3><div><p>For the teams that plan "
		    "their work with data, every quarter.</p></div></div>");
	}
	tq_buf_adds(&b, "</main></body></html>");
	ok(extract_str(b.data, "https://data.example/solutions/data",
	    &d) == 0, "service headings extract");
	ok(has(d.text, "Who is project 2 for?"),
	    "service headings: a question of class ask-ads stays");
	ok(!has(d.text, "for screen readers"),
	    "service headings: one for screen readers goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * og:type article alone, undated (an SEO plugin's default): a
	 * long introduction, and a carousel of quotes that scoring
	 * leaves out, make a landing page; with a date it is a story.
	 */
	for (i = 0; i < 2; i++) {
		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><meta property=og:type "
		    "content=article>");
		if (i == 1)
			tq_buf_adds(&b, "<meta property=article:published_time "
			    "content=2024-05-01T10:00:00Z>");
		tq_buf_adds(&b, "<title>Security</title></head><body><main>"
		    "<div class=intro><h1>Security practices</h1>");
		for (j = 0; j < 4; j++) {
			snprintf(w, sizeof(w), "guard%d", j);
			q = words_para(w, 70);
			tq_buf_adds(&b, "<p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
			free(q);
		}
		tq_buf_adds(&b, "</div><div class=carousel><h2>What users "
		    "are saying</h2>");
		for (j = 0; j < 10; j++) {
			int k;

			tq_buf_adds(&b, "<div class=item><blockquote>");
			for (k = 0; k < 40; k++) {
				snprintf(w, sizeof(w), "%svoice%d", k ? " " : "",
				    j);
				tq_buf_adds(&b, w);
			}
			snprintf(w, sizeof(w), "Name%d", j);
			tq_buf_adds(&b, ".</blockquote><p>");
			tq_buf_adds(&b, w);
			tq_buf_adds(&b, ", Manager</p></div>");
		}
		tq_buf_adds(&b, "</div></main></body></html>");
		ok(extract_str(b.data, "https://secure.example/practices",
		    &d) == 0, "undated og:type %d extract", i);
		if (i == 0) {
			is_str(d.page_type, "service",
			    "undated og:type article: a landing page");
			ok(has(d.text, "guard3 guard3") &&
			    has(d.text, "voice9 voice9"),
			    "undated og:type article: intro and quotes");
		} else
			is_str(d.page_type, "article",
			    "dated og:type article: a story");
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * An FAQ's questions in microdata stay whatever their class says
	 * ("item filter-active"); the name under a customer's quote is
	 * no byline.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Tracking</title></head><body>"
	    "<main><header class=hero><h1>Tracking services</h1><p>Tracking "
	    "done right and on time, for firms of every size.</p></header>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "track%d", i);
		q = words_para(w, 40);
		tq_buf_adds(&b, "<section><div class=row><div class=col><h2>"
		    "What we track ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2></div><div class=col><div>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</div></div></div></section>");
		free(q);
	}
	tq_buf_adds(&b, "<div class=blockquote><p>We track what counts."
	    "</p><p class=byline><span>Jane Roe</span></p></div>"
	    "<h2>FAQ</h2><div itemscope itemtype=https://schema.org/FAQPage>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "%d", i);
		tq_buf_adds(&b, "<div class=\"item filter-active\" itemscope "
		    "itemprop=mainEntity itemtype=https://schema.org/Question>"
		    "<h5 itemprop=name>What is tag ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "?</h5><div itemprop=acceptedAnswer itemscope "
		    "itemtype=https://schema.org/Answer><p itemprop=text>A "
		    "platform to manage the tags of tracking, answer ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, ".</p></div></div>");
	}
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://track.example/services/tracking",
	    &d) == 0, "FAQ microdata extract");
	is_str(d.page_type, "service", "FAQ microdata: a service page");
	ok(has(d.text, "What is tag 2?") && has(d.text, "answer 2."),
	    "FAQ microdata: a question of class filter-active stays");
	ok(d.byline == NULL, "a quote's author is no byline");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A section of news goes whole where its stories' headings
	 * outrank its own ("News and Notes" in an <h3>, stories in <h2>s);
	 * a list of short links right under its heading (the places that
	 * offer the service) stays.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Dental</title></head><body>"
	    "<main><header class=hero><h1>Dental care</h1><p>Care done "
	    "right and on time, for families of every size.</p></header>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "tooth%d", i);
		q = words_para(w, 80);
		tq_buf_adds(&b, "<h2>What we do ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2><p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "<div class=row><div class=module><div><h2>Centers "
	    "that offer dental</h2></div></div><div class=module><div><ul>"
	    "<li><a href=/a>Youngstown Center</a></li><li><a href=/b>"
	    "Warren West Center</a></li><li><a href=/c>Falls Family Care"
	    "</a></li></ul></div></div></div>"
	    "<div><h3>News and Notes: Dental</h3><div class=feed>");
	for (i = 0; i < 3; i++)
		tq_buf_adds(&b, "<article><h2><a href=/n>Our clinic opens "
		    "a new wing</a></h2><p>The new wing has room for forty "
		    "patients and opens in May.</p></article>");
	tq_buf_adds(&b, "</div></div><h2>Insurance we take</h2><p>Most "
	    "plans of the state, and a sliding fee for the rest.</p>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://dental.example/services/dental",
	    &d) == 0, "service news and links extract");
	ok(has(d.text, "tooth2 tooth2") && has(d.text, "sliding fee"),
	    "service news: the service's own sections stay");
	ok(!has(d.text, "News and Notes") && !has(d.text, "forty patients"),
	    "service news: a section of stories under <h2>s goes whole");
	ok(has(d.text, "Warren West Center") &&
	    has(d.text, "Falls Family Care"),
	    "service links: a list of links under its heading stays");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Page types from weaker evidence and the service page's title
 * (extract_type.c): each rule on a page of its own.
 */
static void
test_type4(void)
{
	struct tq_doc d;
	struct tq_buf b;
	char *q, w[32];
	int i, k;

	/*
	 * A date only in the JSON-LD's WebPage (an SEO plugin's, on every
	 * page) is no mark of a story: with og:type article beside it,
	 * the schema.org Service makes a service page; an Open Graph date
	 * is a story's.
	 */
	for (k = 0; k < 2; k++) {
		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><meta property=og:type "
		    "content=article>");
		if (k == 1)
			tq_buf_adds(&b, "<meta property=article:published_time "
			    "content=2021-03-04T10:00:00Z>");
		tq_buf_adds(&b, "<script type=\"application/ld+json\">"
		    "{\"@graph\":[{\"@type\":\"WebPage\",\"datePublished\":"
		    "\"2021-03-04T10:00:00+00:00\"},{\"@type\":\"Service\","
		    "\"name\":\"Pest control\"}]}</script><title>Pest control"
		    "</title></head><body><main><h1>Pest control</h1>");
		for (i = 0; i < 3; i++) {
			snprintf(w, sizeof(w), "pest%d", i);
			q = words_para(w, 45);
			tq_buf_adds(&b, "<h2>Heading ");
			tq_buf_adds(&b, w);
			tq_buf_adds(&b, "</h2><p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
			free(q);
		}
		tq_buf_adds(&b, "</main></body></html>");
		ok(extract_str(b.data, "https://pests.example/pest-control",
		    &d) == 0, "WebPage date extract");
		is_str(d.page_type, k == 0 ? "service" : "article", k == 0 ?
		    "WebPage date: no story, a service page" :
		    "article:published_time: a story");
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * A Product with its stars and no offers, on a page with no price
	 * and no button to buy, is a business's rating: no product page.
	 * With its offers it is one.
	 */
	for (k = 0; k < 2; k++) {
		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><script type=\"application/ld+json"
		    "\">{\"@type\":\"Product\",\"name\":\"Electricians\","
		    "\"aggregateRating\":{\"@type\":\"AggregateRating\","
		    "\"ratingValue\":\"5\",\"reviewCount\":\"76\"}");
		if (k == 1)
			tq_buf_adds(&b, ",\"offers\":{\"@type\":\"Offer\","
			    "\"price\":\"90\",\"priceCurrency\":\"USD\"}");
		tq_buf_adds(&b, "}</script><title>Electricians</title></head>"
		    "<body><main><h1>Electricians in Springfield</h1>");
		for (i = 0; i < 3; i++) {
			snprintf(w, sizeof(w), "wiring%d", i);
			q = words_para(w, 45);
			tq_buf_adds(&b, "<h2>Heading ");
			tq_buf_adds(&b, w);
			tq_buf_adds(&b, "</h2><p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
			free(q);
		}
		tq_buf_adds(&b, "</main></body></html>");
		ok(extract_str(b.data, "https://volts.example/springfield",
		    &d) == 0, "stars extract");
		is_str(d.page_type, k == 0 ? "service" : "product", k == 0 ?
		    "Product of stars alone: a service page" :
		    "Product with offers: a product page");
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * A service page's title and lead line in a hero of their own
	 * above the sections: the block grown from the sections takes
	 * them.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Managed analytics | DataCo"
	    "</title></head><body><main><nav class=crumbs><a href=/>Home</a> "
	    "<a href=/d>Data</a></nav><div class=top><div class=intro><h1>"
	    "Managed analytics services</h1><div class=phrase><p>");
	q = words_para("leadline", 30);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div><a href=/contact>Discuss your needs</a>"
	    "</div></div><div class=body>");
	for (i = 0; i < 5; i++) {
		snprintf(w, sizeof(w), "area%d", i);
		q = words_para(w, 50);
		tq_buf_adds(&b, "<section><h2>Heading ");
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "</h2><p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p></section>");
		free(q);
	}
	tq_buf_adds(&b, "</div></main><footer>Footer words</footer></body>"
	    "</html>");
	ok(extract_str(b.data, "https://data.example/services/managed", &d) ==
	    0, "service title extract");
	is_str(d.page_type, "service", "service title: a service page");
	ok(has(d.text, "Managed analytics services\n") &&
	    has(d.text, "leadline leadline") && has(d.text, "area4 area4") &&
	    !has(d.text, "Footer words"),
	    "service title: the title and its lead line above the sections");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Page types (issue #15, must-have 1): the marks of a story that a
 * page shows without metadata.
 */
static void
test_type6(void)
{
	static const char *const dates[] = {
		"December 16, 2025", "Dec 16th 2025", "16 December 2025",
		"16. Dec. 2025", "2025-12-16", "2025.12.17", "12/16/2025",
		"Posted on Sept 3, 2024 by Ann", NULL
	};
	static const char *const nodates[] = {
		"May 2024", "in 2025 we grew", "2025-13-40", "call 555 2025",
		"May we help? 12 2025", NULL
	};
	struct tq_doc d;
	struct tq_buf b;
	char *q, w[32];
	int i, k;

	for (i = 0; dates[i] != NULL; i++)
		ok(ex_text_date(dates[i]), "text date: %s", dates[i]);
	for (i = 0; nodates[i] != NULL; i++)
		ok(!ex_text_date(nodates[i]), "no text date: %s", nodates[i]);

	/*
	 * A post with no metadata at all: its date under the headline
	 * makes it a story; without it the page of sections is a
	 * service's.  Ten dates or more (a thread's, a listing's) are no
	 * story's.
	 */
	for (k = 0; k < 3; k++) {
		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><title>Death spiral</title>"
		    "</head><body><main><h1>The death spiral</h1>");
		if (k > 0)
			tq_buf_adds(&b, "<p>Essay - published: 2025.12.17</p>");
		for (i = 0; i < 5; i++) {
			snprintf(w, sizeof(w), "spiral%d", i);
			q = words_para(w, 45);
			tq_buf_adds(&b, "<h2>Heading ");
			tq_buf_adds(&b, w);
			tq_buf_adds(&b, "</h2><p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
			free(q);
		}
		for (i = 0; k == 2 && i < 10; i++) {
			snprintf(w, sizeof(w), "<p>Jan %d, 2025</p>", i + 1);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, "</main></body></html>");
		ok(extract_str(b.data, "https://essays.example/spiral", &d) ==
		    0, "dated head extract");
		is_str(d.page_type, k == 1 ? "article" : "service", k == 0 ?
		    "no date: a service page" : k == 1 ?
		    "date under the headline: a story" :
		    "ten dates: no story's");
		tq_doc_free(&d);
		free(b.data);
	}

	/*
	 * A manual's page that says it is a dated article (og:type and
	 * article:published_time, a CMS's defaults): ten code blocks make
	 * it documentation, three do not.
	 */
	for (k = 0; k < 2; k++) {
		memset(&b, 0, sizeof(b));
		tq_buf_adds(&b, "<html><head><meta property=og:type "
		    "content=article><meta property=article:published_time "
		    "content=2025-03-04T10:00:00Z><title>SELECT</title></head>"
		    "<body><main><h1>SELECT</h1>");
		for (i = 0; i < (k == 0 ? 10 : 3); i++) {
			snprintf(w, sizeof(w), "clause%d", i);
			q = words_para(w, 15);
			tq_buf_adds(&b, "<p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p><pre>SELECT * FROM t;</pre>");
			free(q);
		}
		tq_buf_adds(&b, "</main></body></html>");
		ok(extract_str(b.data, "https://db.example/sql-select", &d) ==
		    0, "code blocks extract");
		is_str(d.page_type, k == 0 ? "documentation" : "article",
		    k == 0 ? "ten code blocks: a manual" :
		    "three code blocks: a dated article");
		tq_doc_free(&d);
		free(b.data);
	}
}

/*
 * Article cleaning (issue #15, ex-art4): widgets of form fields in a
 * story go.
 */
static void
test_article4(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[128], *q;
	int j;

	tq_buf_adds(&b, "<html><head><title>Geometry of merging</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><div class=wrap><h1>Geometry of merging</h1>"
	    "<div class=story>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "merge%d", j);
		q = words_para(w, 60);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
		if (j == 1)
			/* a sign-up box in the text: a form, no paragraph */
			tq_buf_adds(&b, "<section class=box><div>Be the first "
			    "to know!</div><div>Get picked deals texted to "
			    "your phone!</div><form><input type=tel "
			    "placeholder=Phone><button>Sign Me Up</button>"
			    "</form><div>By signing up, you agree to receive "
			    "recurring messages. Rates may apply. Reply STOP "
			    "to opt out.</div></section>");
	}
	tq_buf_adds(&b, "<div class=tabs><input type=radio name=t "
	    "id=t1><label for=t1>Tools</label><div class=tab>");
	for (j = 0; j < 6; j++) {
		snprintf(w, sizeof(w), "<div class=row><label class=switch>"
		    "<input type=checkbox><span>Explorer%d Toggle</span>"
		    "</label>", j);
		tq_buf_adds(&b, w);
		tq_buf_adds(&b, "<span>Explorer (What is it?)</span></div>");
	}
	tq_buf_adds(&b, "</div><input type=radio name=t id=t2><label "
	    "for=t2>About</label><div class=tab><p>Labs is a framework "
	    "that lets partners build new features.</p></div></div>"
	    "</div></body></html>");
	ok(extract_str(b.data, "https://papers.example/abs/1", &d) == 0,
	    "form widgets: extract");
	is_str(d.page_type, "article", "form widgets: a story");
	ok(has(d.text, "merge0 merge0") && has(d.text, "merge3 merge3"),
	    "form widgets: the story stays");
	ok(!has(d.text, "texted") && !has(d.text, "signing up"),
	    "form widgets: a sign-up box in the story goes");
	ok(!has(d.text, "Toggle") && !has(d.text, "framework"),
	    "form widgets: tabs of switches go");
	tq_doc_free(&d);
	free(b.data);

	/* a call to action in the story: class "cta" */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Planning events</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><article><h1>Planning events</h1>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "plan%d", j);
		q = words_para(w, 60);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
		if (j == 2)
			tq_buf_adds(&b, "<div class=\"cta-box\"><h3>Discover "
			    "our event software</h3><p>See how our suite "
			    "helps you streamline your events.</p><a "
			    "class=button href=/demo>Get started today</a>"
			    "</div>");
	}
	tq_buf_adds(&b, "</article></body></html>");
	ok(extract_str(b.data, "https://events.example/blog/plan", &d) == 0,
	    "call to action: extract");
	ok(has(d.text, "plan0 plan0") && has(d.text, "plan3 plan3"),
	    "call to action: the story stays");
	ok(!has(d.text, "streamline") && !has(d.text, "Get started"),
	    "call to action: the box goes");
	tq_doc_free(&d);
	free(b.data);

	/* a box about the author under the story */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Cloud costs</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><article><h1>Cloud costs</h1>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "cloud%d", j);
		q = words_para(w, 60);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "<p><b>About the Author:</b></p><p>Jane Roe is a "
	    "content creator with five years of experience in content "
	    "strategy, and she writes about careers in tech.</p>"
	    "</article></body></html>");
	ok(extract_str(b.data, "https://school.example/blog/cloud", &d) == 0,
	    "author box: extract");
	ok(has(d.text, "cloud0 cloud0") && has(d.text, "cloud3 cloud3"),
	    "author box: the story stays");
	ok(!has(d.text, "About the Author") && !has(d.text, "Jane Roe"),
	    "author box: the heading and the biography go");
	tq_doc_free(&d);
	free(b.data);

	/* an author's card by its class, its biography long */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Home services</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><article><h1>Home services</h1>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "home%d", j);
		q = words_para(w, 60);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "<div class=author-card><p>Jorge Roe</p><p>");
	q = words_para("biography", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p></div></article></body></html>");
	ok(extract_str(b.data, "https://pro.example/blog/home", &d) == 0,
	    "author card: extract");
	ok(has(d.text, "home0 home0") && has(d.text, "home3 home3"),
	    "author card: the story stays");
	ok(!has(d.text, "biography") && !has(d.text, "Jorge Roe"),
	    "author card: the card goes");
	tq_doc_free(&d);
	free(b.data);

	/* labels: a table of contents' heading, a counter of views */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Event staffing</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><article><h1>Event staffing</h1>"
	    "<div>1,693 views</div><p>Table of Contents</p>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "staff%d", j);
		q = words_para(w, 60);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
	}
	tq_buf_adds(&b, "<p>Latest posts by Jane Roe (see all)</p>"
	    "</article></body></html>");
	ok(extract_str(b.data, "https://hr.example/blog/staffing", &d) == 0,
	    "labels: extract");
	ok(has(d.text, "staff0 staff0") && has(d.text, "staff3 staff3"),
	    "labels: the story stays");
	ok(!has(d.text, "Table of Contents") && !has(d.text, "views"),
	    "labels: a contents heading and a view counter go");
	ok(!has(d.text, "Latest posts"),
	    "labels: an author box's \"Latest posts by\" goes");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Section j of a ranking: two blocks of class cls, each of paragraphs
 * of the words "<word>jpartk"; the first block of the first section is
 * the strongest of the page (five paragraphs, the others two).
 */
static void
ranked_parts(struct tq_buf *b, const char *cls, const char *word, int j)
{
	char w[64], *q;
	int k, n;

	for (k = 0; k < 2; k++) {
		snprintf(w, sizeof(w), "<div class=\"%s\">", cls);
		tq_buf_adds(b, w);
		snprintf(w, sizeof(w), "%s%dpart%d", word, j, k);
		q = words_para(w, 45);
		for (n = 0; n < (j + k == 0 ? 5 : 2); n++) {
			tq_buf_adds(b, "<p>");
			tq_buf_adds(b, q);
			tq_buf_adds(b, "</p>");
		}
		tq_buf_adds(b, "</div>");
		free(q);
	}
}

/*
 * ex-prod5: a ranking ("the best five ...") made of sibling sections of
 * one shape, each cut in blocks of one class: every section is taken,
 * not the blocks of the first.
 */
static void
test_prod5(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[128], *q;
	int j, k;

	tq_buf_adds(&b, "<html><head><title>Best travel plans</title>"
	    "<meta property=og:type content=article></head><body>"
	    "<div class=wrap><h1>Best travel plans</h1><p>");
	q = words_para("intro", 40);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><ul class=listings>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "<li class=listing id=pick%d>"
		    "<h2>%d. Plan %d</h2><div class=inner>", j, j + 1, j);
		tq_buf_adds(&b, w);
		ranked_parts(&b, "part accordion", "plan", j);
		tq_buf_adds(&b, "</div></li>");
	}
	tq_buf_adds(&b, "</ul></div></body></html>");
	ok(extract_str(b.data, "https://travel.example/best/", &d) == 0,
	    "ranking: extract");
	ok(has(d.text, "plan0part0 plan0part0") &&
	    has(d.text, "plan0part1 plan0part1"),
	    "ranking: the first section stays");
	ok(has(d.text, "plan2part1 plan2part1") &&
	    has(d.text, "plan3part0 plan3part0"),
	    "ranking: the sections like it stay too");
	tq_doc_free(&d);
	free(b.data);

	/* an endless page: the story, then the next stories, alike */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Harbour reopens</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><div class=feed>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "<div class=unit id=s%d><h1>%s"
		    "</h1><div class=inner>", j, j == 0 ? "Harbour reopens" :
		    "Another story");
		tq_buf_adds(&b, w);
		ranked_parts(&b, "part chunk", "story", j);
		tq_buf_adds(&b, "</div></div>");
	}
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://news.example/harbour", &d) == 0,
	    "endless page: extract");
	ok(has(d.text, "story0part0 story0part0") &&
	    has(d.text, "story0part1 story0part1"),
	    "endless page: the story stays");
	ok(!has(d.text, "story2part1"),
	    "endless page: the next stories are no ranking");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * A blurb in a box of class "overflow-hidden" (a utility's
	 * value, no hidden box) stays; a box of class "hidden-box" goes.
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Top online programs</title>"
	    "<meta property=og:type content=article><meta property="
	    "article:published_time content=2025-12-18T06:55:17Z>"
	    "</head><body><article><h1>Top online programs</h1>");
	for (j = 0; j < 3; j++) {
		snprintf(w, sizeof(w), "story%d", j);
		q = words_para(w, 60);
		tq_buf_adds(&b, "<p>");
		tq_buf_adds(&b, q);
		tq_buf_adds(&b, "</p>");
		free(q);
		snprintf(w, sizeof(w), "<div class=\"%s\"><h4>What sets "
		    "it apart</h4>", j == 2 ? "hidden-box" :
		    "grid overflow-hidden transition-all");
		tq_buf_adds(&b, w);
		for (k = 0; k < 2; k++) {
			snprintf(w, sizeof(w), "blurb%d%c", j, 'a' + k);
			q = words_para(w, 30);
			tq_buf_adds(&b, "<p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
			free(q);
		}
		tq_buf_adds(&b, "<div class=stats>81% retained</div></div>");
	}
	tq_buf_adds(&b, "</article></body></html>");
	ok(extract_str(b.data, "https://colleges.example/mba/", &d) == 0,
	    "utility class: extract");
	ok(has(d.text, "blurb0a blurb0a") && has(d.text, "blurb1b blurb1b"),
	    "utility class: an overflow-hidden blurb stays");
	ok(!has(d.text, "blurb2"), "utility class: a hidden-box goes");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * ex-prod5: a thread's reply that quotes an earlier post: the quoted
 * paragraphs go the second time, and the quote's header with them.
 */
static void
test_prod5_forum(void)
{
	static const char *const who[] = { "ines", "corra", "halvard" };
	struct tq_doc d;
	struct tq_buf b = { 0 };
	const char *q;
	char *p[3];
	int k, n;

	bread_paras(p, 3);
	forum_head(&b, "Oven spring");
	tq_buf_adds(&b, "<body><div id=posts>");
	for (k = 0; k < 3; k++) {
		tq_buf_adds(&b, "<article class=post><div class=author>");
		tq_buf_adds(&b, who[k]);
		/* lines cut by <br>, as XenForo writes a post */
		tq_buf_adds(&b, "</div><div class=bbWrapper>");
		if (k == 1) {
			/* corra quotes the first line of ines's post */
			tq_buf_adds(&b, "<blockquote class=bbCodeBlock><div "
			    "class=bbCodeBlock-title>ines said:</div><div>");
			tq_buf_adds(&b, p[0]);
			tq_buf_adds(&b, "</div></blockquote>");
		}
		tq_buf_adds(&b, p[k]);
		tq_buf_adds(&b, "<br>Short thanks line, said twice.<br>");
		tq_buf_adds(&b, k == 0 ? "A second line that only the first "
		    "post holds, and that nobody quotes." : "Fine.");
		tq_buf_adds(&b, "</div></article>");
	}
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://board.example/threads/oven.9/",
	    &d) == 0, "quoting reply: extract");
	is_str(d.page_type, "forum", "quoting reply: a forum");
	ok(has(d.text, "kneading kneading") && has(d.text, "proofing "
	    "proofing") && has(d.text, "scoring scoring"),
	    "quoting reply: every post stays");
	for (n = 0, q = d.text; (q = strstr(q, "kneading.")) != NULL; q++)
		n++;
	ok(n == 1, "quoting reply: the quoted paragraph goes (%d left)", n);
	ok(!has(d.text, "ines said:"),
	    "quoting reply: the quote's header goes with it");
	for (n = 0, q = d.text; (q = strstr(q, "Short thanks")) != NULL; q++)
		n++;
	ok(n == 3, "quoting reply: a short line may repeat");
	for (k = 0; k < 3; k++)
		free(p[k]);
	tq_doc_free(&d);
	free(b.data);
}

/*
 * ex-docs5: a manual's pages.  A synopsis in a block of its own (a
 * heading over a <pre>) beside the sections of prose is part of the
 * page.
 */
static void
test_docs5(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[64], *q;
	int j, k;

	tq_buf_adds(&b, "<html><head><title>FROB</title></head><body>"
	    "<div class=navheader><a href=/p>Prev</a> <a href=/n>Next</a>"
	    "</div><div class=refentry><div class=refnamediv><h2>FROB</h2>"
	    "<p>FROB - frobnicate a table</p></div><div class=refsynopsis>"
	    "<h2>Synopsis</h2><pre class=synopsis>FROB [ VERBOSE ] "
	    "table_name\n    [ USING method ] [ LIMIT count ]\n    "
	    "[ WHERE condition ]\n    [ ORDER BY expression [ ASC | DESC "
	    "] ]\n    [ RETURNING output_name ]</pre></div>");
	for (j = 0; j < 3; j++) {
		snprintf(w, sizeof(w), "<div class=refsect1><h2>Part %d</h2>",
		    j);
		tq_buf_adds(&b, w);
		snprintf(w, sizeof(w), "frob%d", j);
		q = words_para(w, 40);
		for (k = 0; k < (j == 1 ? 6 : 2); k++) {
			tq_buf_adds(&b, "<p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
		}
		free(q);
		tq_buf_adds(&b, "</div>");
	}
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://db.example/docs/frob.html", &d) == 0,
	    "synopsis: extract");
	ok(has(d.text, "frob0 frob0") && has(d.text, "frob2 frob2"),
	    "synopsis: the sections stay");
	ok(has(d.text, "FROB [ VERBOSE ] table_name"),
	    "synopsis: the block of code beside them stays");
	tq_doc_free(&d);
	free(b.data);

	/* the header of <main>: the title and the lead paragraph */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Loops | Docs</title></head><body>"
	    "<header class=site><a href=/>Home</a> <a href=/docs>Docs</a>"
	    "</header><main><div class=layout__header><h1>Loops</h1>"
	    "<section><ul class=prev-next><li><a "
	    "href=/a>Previous</a></li><li><a href=/b>Next</a></li></ul>"
	    "<p>Loops offer a quick and easy way to do something "
	    "repeatedly, and this chapter introduces the statements that "
	    "make them.</p></section></div><div class=layout__body>");
	for (j = 0; j < 8; j++) {
		snprintf(w, sizeof(w), "<section><h2>Part %d</h2>", j);
		tq_buf_adds(&b, w);
		snprintf(w, sizeof(w), "loop%d", j);
		q = words_para(w, 50);
		for (k = 0; k < 3; k++) {
			tq_buf_adds(&b, "<p>");
			tq_buf_adds(&b, q);
			tq_buf_adds(&b, "</p>");
		}
		free(q);
		tq_buf_adds(&b, "</section>");
	}
	tq_buf_adds(&b, "</div></main></body></html>");
	ok(extract_str(b.data, "https://web.example/docs/loops", &d) == 0,
	    "main's header: extract");
	ok(has(d.text, "loop0 loop0") && has(d.text, "loop7 loop7"),
	    "main's header: the body stays");
	ok(has(d.text, "Loops offer a quick and easy way"),
	    "main's header: the lead under the title opens the article");
	ok(!has(d.text, "Previous"), "main's header: the pager goes");
	tq_doc_free(&d);
	free(b.data);

	/*
	 * a chapter's page: its table of contents is the content (the
	 * passes without class weights take the comments' box)
	 */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Chapter 4. Joins</title><meta "
	    "property=og:type content=article><meta property="
	    "article:published_time content=2025-11-02T10:00:00Z></head>"
	    "<body><div class=nav><a href=/p>Prev</a> <a href=/n>Next</a>"
	    "</div><div id=content><div class=chapter><h2>Chapter 4. "
	    "Joins</h2><div class=toc><p><b>Table of Contents</b></p><dl "
	    "class=toc>");
	for (j = 1; j <= 6; j++) {
		snprintf(w, sizeof(w), "<dt><a href=/c4s%d>4.%d. Join kind %d"
		    "</a></dt>", j, j, j);
		tq_buf_adds(&b, w);
		if (j == 2) {
			tq_buf_adds(&b, "<dd><dl>");
			for (k = 1; k <= 3; k++) {
				snprintf(w, sizeof(w), "<dt><a href=/c4s2-%d>"
				    "4.2.%d. Inner case %d</a></dt>", k, k, k);
				tq_buf_adds(&b, w);
			}
			tq_buf_adds(&b, "</dl></dd>");
		}
	}
	tq_buf_adds(&b, "</dl></div><p>A join combines the rows of two "
	    "tables, and this chapter shows the kinds of joins, how they "
	    "are written and when each of them is the right one.</p></div>"
	    "</div><div id=comments><p>Fix, typo, link, wording, example, "
	    "index, style, order.</p></div><div class=footer>Copyright "
	    "2025 The Group</div>"
	    "</body></html>");
	ok(extract_str(b.data, "https://db.example/docs/joins.html", &d) == 0,
	    "chapter's contents: extract");
	ok(has(d.text, "A join combines the rows"),
	    "chapter's contents: the introduction stays");
	ok(has(d.text, "4.1. Join kind 1") && has(d.text, "4.6. Join kind 6") &&
	    has(d.text, "4.2.3. Inner case 3"),
	    "chapter's contents: the contents stay, nested ones too");
	tq_doc_free(&d);
	free(b.data);

	/* a long article's table of contents goes */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Joins</title></head><body>"
	    "<article><h1>Joins</h1><div class=toc><ul>");
	for (j = 1; j <= 6; j++) {
		snprintf(w, sizeof(w), "<li><a href=#s%d>Join kind %d</a></li>",
		    j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul></div>");
	for (j = 1; j <= 6; j++) {
		snprintf(w, sizeof(w), "<h2 id=s%d>Kind %d</h2><p>", j, j);
		tq_buf_adds(&b, w);
		snprintf(w, sizeof(w), "kind%d", j);
		q = words_para(w, 40);
		tq_buf_adds(&b, q);
		free(q);
		tq_buf_adds(&b, "</p>");
	}
	tq_buf_adds(&b, "</article></body></html>");
	ok(extract_str(b.data, "https://db.example/docs/joins2.html", &d) == 0,
	    "article's contents: extract");
	ok(has(d.text, "kind6 kind6") && !has(d.text, "Join kind 3"),
	    "article's contents: the article stays, its contents go");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * A product whose description (a book's reviews, a long blurb) holds
 * half the page's text by itself: the name above it and the details
 * beside it are the product's too.
 */
/*
 * An old blog's page: header, content, sidebar and footer, blocks of
 * no class side by side, the short post among them.  The frame is no
 * list of items: the post is an article, its text the post alone.
 */
static void
test_frame(void)
{
	struct tq_doc d;

	ok(extract_str("<html><head><title>Number two: Leo</title></head>"
	    "<body><div id=wrapper><div id=header><h1><a href=/>radio</a>"
	    "</h1><p>Notes from a small radio</p></div><div id=content>"
	    "<div class=post id=post-613><h2><a href=/leo/>Number two: Leo"
	    "</a></h2><small>3 August 2015, filed under <a href=/c/p/>"
	    "private</a></small><div class=postentry><p>It has been some "
	    "time since Henry came into the world, number one. A few days "
	    "ago Leo made it too, number two.</p><p>This is how it looked "
	    "when Henry saw the newcomer for the first time and sniffed "
	    "him with his eyes closed.</p></div></div></div><div "
	    "id=sidebar><ul><li><h3>Categories</h3><ul><li><a href=/c/1>"
	    "radio (74)</a></li><li><a href=/c/2>games (5)</a></li><li><a "
	    "href=/c/3>film (19)</a></li></ul></li><li><h3>Archive</h3><ul>"
	    "<li><a href=/a/1>October 2014 (1)</a></li><li><a href=/a/2>"
	    "July 2012 (2)</a></li><li><a href=/a/3>October 2009 (2)</a>"
	    "</li></ul></li></ul></div><div id=footer><p><a href=/i>Imprint"
	    "</a> <a href=/rss>Entries RSS</a></p></div></div></body></html>",
	    "http://radio.example/leo/", &d) == 0, "blog frame: extract");
	is_str(d.page_type, "article", "blog frame: an article, no list");
	ok(has(d.text, "Leo made it too") && has(d.text, "eyes closed.") &&
	    !has(d.text, "Archive") && !has(d.text, "Imprint"),
	    "blog frame: the post alone");
	tq_doc_free(&d);

	/*
	 * A short post and its three comments, linked pingbacks that
	 * quote it and outweigh it: no list of items, no section of a
	 * page; the post is the text.
	 */
	ok(extract_str("<html><head><title>I like it</title><meta property="
	    "\"article:published_time\" content=\"2011-09-11T16:20:00Z\">"
	    "</head><body>"
	    "<div id=page><div class=post><h2>I like it</h2><p>11.09.2011 "
	    "by stefan</p><div class=entry><p>Everyday life surprises us "
	    "now and then with small joys. Walking down our street I saw a "
	    "long string with a basket hanging from a balcony on the fourth "
	    "floor.</p><p>Twenty cents well spent, even if the picture was "
	    "no masterpiece!</p></div></div><h3 id=comments>3 comments</h3>"
	    "<ol class=commentlist><li id=comment-1><cite>Pingback from <a "
	    "href=http://blog.example/1>Too much information - bookmarks</a>"
	    "</cite> | <small><a href=#comment-1>11.09.2011 23:31</a></small>"
	    "<p>[...] I like it - Walking down our street I saw a long "
	    "string with a basket hanging from a balcony on the fourth floor "
	    "[...]</p></li><li id=comment-2><cite>Pingback from <a href="
	    "http://blog.example/2>Too much information - bookmarks</a>"
	    "</cite> | <small><a href=#comment-2>26.06.2012 10:43</a></small>"
	    "<p>[...] I like it - Walking down our street I saw a long "
	    "string with a basket hanging from a balcony on the fourth floor "
	    "[...]</p></li><li id=comment-3><cite>Pingback from <a href="
	    "http://blog.example/3>Too much information - bookmarks</a>"
	    "</cite> | <small><a href=#comment-3>22.07.2014 14:09</a></small>"
	    "<p>[...] I like it - Walking down our street I saw a long "
	    "string with a basket hanging from a balcony on the fourth floor "
	    "[...]</p></li></ol></div></body></html>",
	    "http://blog.example/2011/09/11/i-like-it/", &d) == 0,
	    "post and pingbacks: extract");
	is_str(d.page_type, "article", "post and pingbacks: an article");
	ok(has(d.text, "small joys") && has(d.text, "no masterpiece!") &&
	    !has(d.text, "Pingback"), "post and pingbacks: the post alone");
	tq_doc_free(&d);
}

/*
 * A video's page of a line of text, and a sign-in form whose messages
 * for each field wrongly filled wait hidden by its script.  Those
 * messages are no text of the page.
 */
static void
test_form_messages(void)
{
	static const char *const msg[] = {
		"No account exists for this e-mail address, or the password is "
		"wrong.", "Please choose the name that others will see.",
		"This e-mail address is registered already. Are you signed "
		"in?", "The address must hold an @ and an existing domain.",
		"The password must be at least 8 characters long.",
		"The password must hold at least one capital letter.",
		"Please agree to our terms of use.",
		"Please accept the privacy policy.", NULL
	};
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int i;

	tq_buf_adds(&b, "<html><head><title>Sport in times of plague"
	    "</title><meta name=description content=\"New York is the "
	    "centre of the pandemic. Sport has come to a halt too, and "
	    "nobody knows how the season goes on.\"></head><body><main>"
	    "<h1>Sport in times of plague</h1><p>by Andreas Kurt</p><video "
	    "src=/v.mp4></video><p>The leagues mourn, and wait.</p></main>"
	    "<form action=#><section "
	    "class=login-area><h2>Sign in</h2><input name=email>");
	for (i = 0; msg[i] != NULL; i++) {
		tq_buf_adds(&b, i % 2 ? "<p class=\"form-field-error "
		    "error-item\" role=alert><span>" : "<p class=help>"
		    "<span class=invalid-feedback>");
		tq_buf_adds(&b, msg[i]);
		tq_buf_adds(&b, "</span></p>");
	}
	tq_buf_adds(&b, "</section></form></body></html>");
	ok(extract_str(b.data, "https://tv.example/sport/plague", &d) == 0,
	    "form messages: extract");
	ok(!has(d.text, "password") && !has(d.text, "Please"),
	    "form messages: not the text");
	ok(has(d.text, "The leagues mourn, and wait."),
	    "form messages: the page's own text");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Paragraphs whose class is a style's generated name that begins with
 * a word of the lists' ("tagStyle_z4kqwb-o_O-style_1tcxgp3", Aphrodite's
 * "tagStyle" beside "tags"): a plural of the lists begins no longer
 * word, so the story stays; a real "post-tags" block still goes.
 */
static void
test_style_names(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int i;

	tq_buf_adds(&b, "<html><head><title>The true table</title><meta "
	    "property=\"og:type\" content=\"article\"><meta property="
	    "\"article:published_time\" content=\"2023-10-24T14:19:10Z\">"
	    "</head><body><main><h1>The true table</h1>");
	for (i = 0; i < 5; i++) {
		char w[400];

		snprintf(w, sizeof(w), "<p class=\"tagStyle_z4kqwb-o_O-style_"
		    "1tcxgp3\">Week %d went by without a weekend free of talk "
		    "about the referee, and again several decisions were "
		    "wrong, the community found after it looked again.</p>",
		    i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "<div class=post-tags><a href=/t/1>League</a> <a "
	    "href=/t/2>Referees</a></div></main></body></html>");
	ok(extract_str(b.data, "https://sport.example/true-table", &d) == 0,
	    "style names: extract");
	ok(has(d.text, "Week 0 went by") && has(d.text, "Week 4 went by"),
	    "style names: the paragraphs stay");
	ok(!has(d.text, "Referees"), "style names: the tags go");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * A how-to that a script builds: the page holds a banner and an empty
 * root, the steps are in its JSON-LD HowTo (sections, steps with their
 * directions, HTML with character references in the texts).
 */
static void
test_ld_howto(void)
{
	struct tq_doc d;

	ok(extract_str("<html><head><title>A round tablecloth in 7 steps"
	    "</title><script type=\"application/ld+json\">{\"@context\":"
	    "\"https://schema.org\",\"@type\":\"HowTo\",\"name\":\"A "
	    "round tablecloth\",\"description\":\"<p>Whatever its size, a "
	    "round table softens a room&nbsp;&ndash; and a cloth made to "
	    "measure finishes it.</p>\",\"step\":[{\"@type\":"
	    "\"HowToSection\",\"name\":\"Measuring\",\"itemListElement\":"
	    "[{\"@type\":\"HowToStep\",\"name\":\"Step 1: Measure the "
	    "table\",\"itemListElement\":{\"@type\":\"HowToDirection\","
	    "\"text\":\"<p>Measure the diameter of the table, from edge to "
	    "edge through its centre &amp; note it down.</p>\"}}]},{\"@type\":"
	    "\"HowToStep\",\"text\":\"Fold the fabric twice and cut a "
	    "quarter circle of half the diameter plus the drop&#8217;s "
	    "length.\"}]}</script></head><body><div class=popup-banner>"
	    "<p>Your browser is out of date. Download a newer one for a "
	    "better experience!</p></div><div id=root></div></body></html>",
	    "https://diy.example/round-tablecloth", &d) == 0,
	    "ld howto: extract");
	ok(in_order(d.text, "softens a room \xe2\x80\x93", "Measuring"),
	    "ld howto: the description first");
	ok(in_order(d.text, "Step 1: Measure the table", "centre & note it") &&
	    in_order(d.text, "note it down.", "the drop\xe2\x80\x99s length."),
	    "ld howto: the sections and steps in order, references read");
	ok(!has(d.text, "&nbsp;") && !has(d.text, "browser"),
	    "ld howto: no references left, no banner");
	tq_doc_free(&d);
}

/*
 * A paywalled story: the page shows its headline, the standfirst that
 * is its description, and a teaser; the JSON-LD articleBody holds the
 * whole story but not the standfirst.  The structured data's text
 * stands in, the lead still opens it.
 */
static void
test_ld_lead(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *body, *q;
	static const char lead[] = "A blanket of snow on solar panels costs "
	    "more than a day's power: its weight bears on the modules and "
	    "their frames, and experts warn against clearing it.";

	body = words_para("snowload", 160);
	tq_buf_adds(&b, "<html><head><title>Snow on solar panels</title>"
	    "<meta name=description content=\"");
	tq_buf_adds(&b, lead);
	tq_buf_adds(&b, "\"><script type=\"application/ld+json\">{\"@context\""
	    ":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline"
	    "\":\"Snow on solar panels\",\"datePublished\":\"2022-12-10\","
	    "\"articleBody\":\"");
	tq_buf_adds(&b, body);
	tq_buf_adds(&b, "\"}</script></head><body><main><header><h2>Snow on "
	    "solar panels</h2><p class=intro>");
	tq_buf_adds(&b, lead);
	tq_buf_adds(&b, "</p><div class=m-metadata><time>10.12.2022</time> "
	    "by <a href=/author/7>H. Neumann</a></div></header><div "
	    "class=article-body><p>");
	q = words_para("snowload", 25);
	tq_buf_adds(&b, q);
	tq_buf_adds(&b, "</p><div class=paywall><p>Subscribe to read on."
	    "</p></div></div></main></body></html>");
	ok(extract_str(b.data, "https://farm.example/news/snow-10558804",
	    &d) == 0, "ld lead: extract");
	ok(in_order(d.text, "experts warn against clearing it.",
	    "snowload snowload"), "ld lead: the standfirst first");
	ok(has(d.text, body), "ld lead: the whole articleBody");
	tq_doc_free(&d);
	free(body);
	free(q);
	tq_buf_free(&b);
}

/*
 * A page builder's story in sections straight under <body>, each of
 * one class, a table's section between them: every section is taken,
 * not only the one that scores best.
 */
static void
test_body_sections(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[64];
	int j;

	tq_buf_adds(&b, "<html><head><title>Dimethyl ether for heating</title>"
	    "<meta property=og:type content=article></head><body><nav><a "
	    "href=/>Home</a> <a href=/news>News</a></nav><section class=hero>"
	    "<h1>Dimethyl ether for heating</h1></section>");
	for (j = 0; j < 3; j++) {
		tq_buf_adds(&b, "<div class=\"container-fluid text-block\"><div "
		    "class=container><div class=row><div class=col-12></div>"
		    "</div><div class=row><div class=col-8>");
		snprintf(w, sizeof(w), "<h2>Part %d</h2>", j);
		tq_buf_adds(&b, w);
		snprintf(w, sizeof(w), "ether%d", j);
		add_paras(&b, w, j == 1 ? 6 : 2, 40);
		tq_buf_adds(&b, "</div></div></div></div><div class=\"container-"
		    "fluid near-table\"><table><tr><th>Formula</th><td>C2H6O"
		    "</td></tr></table></div>");
	}
	tq_buf_adds(&b, "<footer><a href=/imprint>Imprint</a></footer>"
	    "</body></html>");
	ok(extract_str(b.data, "https://gas.example/news/dme", &d) == 0,
	    "body sections: extract");
	ok(in_order(d.text, "ether01 ether01", "ether10 ether10") &&
	    in_order(d.text, "ether15 ether15", "ether20 ether20"),
	    "body sections: every section, in order");
	ok(!has(d.text, "Imprint"), "body sections: not the footer");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A CMS that names its section headings as it names a story's
 * subtitle ("article-subheadline"): the subtitle under the headline,
 * outside the body, stays out; the headings of the body's sections
 * stay, but not a call to action's heading.
 */
static void
test_section_headings(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;

	tq_buf_adds(&b, "<html><head><title>Green hydrogen</title><meta "
	    "property=og:type content=article></head><body><div class=hero>"
	    "<h1>Green hydrogen</h1><h2 class=article-subheadline>The "
	    "renewable molecule</h2></div><div class=article-content>");
	add_paras(&b, "hydro", 2, 50);
	tq_buf_adds(&b, "<h3 class=article-subheadline>Hydrogen as a carrier"
	    "</h3>");
	add_paras(&b, "carrier", 2, 50);
	tq_buf_adds(&b, "<h3 class=article-subheadline>E-fuels for ships"
	    "</h3>");
	add_paras(&b, "fuel", 2, 50);
	tq_buf_adds(&b, "<div class=article-cta><h3 class=\"header__cta\">"
	    "Now that you are here</h3><p>Our tool shows which companies "
	    "visit your website, when they visit, and what they read.</p>"
	    "</div></div></body></html>");
	ok(extract_str(b.data, "https://energy.example/hydrogen", &d) == 0,
	    "section headings: extract");
	ok(in_order(d.text, "hydro1 hydro1", "Hydrogen as a carrier") &&
	    in_order(d.text, "Hydrogen as a carrier", "carrier0 carrier0") &&
	    in_order(d.text, "carrier1", "E-fuels for ships"),
	    "section headings: the sections' headings stay");
	ok(!has(d.text, "Now that you are here"),
	    "section headings: not a call to action's");
	ok(!has(d.text, "The renewable molecule"),
	    "section headings: not the subtitle above the body");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * Soft hyphens (&shy;, U+00AD) break long words where a line ends and
 * are seen nowhere else: the text, the title and the word count read
 * the words whole.  Zero-width spaces go too.
 */
static void
test_soft_hyphens(void)
{
	struct tq_doc d;

	ok(extract_str("<html><head><title>Wehr&shy;anlage Horka</title>"
	    "</head><body><h1>Wehr&shy;anlage Horka</h1><p>W\xc3\xa4h&shy;"
	    "rend Sie \xc3\xbc" "ber den Markt schlen&shy;dern, stau&shy;nen "
	    "und aller&shy;lei feine K\xc3\xb6st&shy;lich&shy;kei&shy;ten "
	    "pro&shy;bie&shy;ren, sind Ihre Kin&shy;der begeistert beim "
	    "K\xc3\xb6rbe flech\xc2\xadten, bas\xe2\x80\x8bteln oder "
	    "Spielen.</p></body></html>", NULL, &d) == 0,
	    "soft hyphens: extract");
	ok(has(d.text, "W\xc3\xa4hrend Sie \xc3\xbc" "ber den Markt "
	    "schlendern") && has(d.text, "flechten, basteln"),
	    "soft hyphens: words whole in the text");
	ok(!has(d.text, "\xc2\xad"), "soft hyphens: none left");
	is_str(d.title, "Wehranlage Horka", "soft hyphens: title");
	is_int(d.word_count, 24, "soft hyphens: words counted whole");
	tq_doc_free(&d);
}

/*
 * The joiners are text, not breaks: a family emoji is one (man ZWJ
 * woman ZWJ girl), a Persian word keeps its non-joiner, a Devanagari
 * conjunct its joiner; a zero-width space still goes.
 */
static void
test_joiners(void)
{
	struct tq_doc d;

	ok(extract_str("<html><head><title>Fam\xe2\x80\x8bily "
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa7</title></head><body><article><p>The family "
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa7 says \xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae"
	    "\xd9\x88\xd8\xa7\xd9\x87\xd9\x85 and \xe0\xa4\x95\xe0\xa5\x8d"
	    "\xe2\x80\x8d\xe0\xa4\xb7 in a paragraph long enough to be "
	    "the article that this page holds, with more words after "
	    "it.</p></article></body></html>", NULL, &d) == 0,
	    "joiners: extract");
	ok(has(d.text, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"
	    "\xe2\x80\x8d\xf0\x9f\x91\xa7 says"), "joiners: the emoji "
	    "sequence whole");
	ok(has(d.text, "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae"),
	    "joiners: the Persian non-joiner kept");
	ok(has(d.text, "\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7"),
	    "joiners: the Devanagari joiner kept");
	is_str(d.title, "Family \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f"
	    "\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", "joiners: the title "
	    "keeps them, a zero-width space goes");
	tq_doc_free(&d);
	/* one that joins nothing (alone, beside a space) is no text */
	ok(extract_str("<html><body><article><p>A paragraph long enough "
	    "to be the article that this page holds, with more words "
	    "after it \xe2\x80\x8d and more.</p><p>\xe2\x80\x8d</p><p>"
	    "\xe2\x80\x8c" "And a last paragraph of words.\xe2\x80\x8d</p>"
	    "</article></body></html>", NULL, &d) == 0, "joiners: extract "
	    "those that join nothing");
	ok(d.text != NULL && strstr(d.text, "\xe2\x80\x8d") == NULL &&
	    strstr(d.text, "\xe2\x80\x8c") == NULL && has(d.text,
	    "after it and more.\n\nAnd a last paragraph of words."),
	    "joiners: alone or beside a space, dropped: no paragraph of "
	    "a joiner");
	tq_doc_free(&d);
}

/*
 * A line separator (U+2028) ends a line of the text and a paragraph
 * separator (U+2029) a paragraph, as innerText has them; in a title
 * they are a space.
 */
static void
test_separators(void)
{
	struct tq_doc d;

	ok(extract_str("<html><head><title>Harbour\xe2\x80\xa8news"
	    "</title></head><body><article><p>A paragraph long enough to "
	    "be the article that this page holds,\xe2\x80\xa8with a line "
	    "after a line separator \xe2\x80\xa9 and a paragraph after a "
	    "paragraph separator.</p><p>And a last paragraph of words "
	    "after them.</p></article></body></html>", NULL, &d) == 0,
	    "separators: extract");
	ok(d.text != NULL && strstr(d.text, "\xe2\x80\xa8") == NULL &&
	    strstr(d.text, "\xe2\x80\xa9") == NULL, "separators: none "
	    "left in the text");
	ok(has(d.text, "holds,\nwith a line after a line separator\n\nand "
	    "a paragraph"), "separators: a line and a paragraph");
	is_str(d.title, "Harbour news", "separators: a space in the title");
	tq_doc_free(&d);
	/* and in a JSON-LD articleBody, where each line is a paragraph */
	ok(extract_str("<html><head><title>Loading</title><script type="
	    "\"application/ld+json\">{\"@context\":\"http://schema.org\","
	    "\"@type\":\"NewsArticle\",\"headline\":\"Harbour\","
	    "\"articleBody\":\"Night trains were written off a decade ago "
	    "as slow and old-fashioned.\\u2028They are returning across "
	    "Europe as travellers avoid short flights.\\u2029Operators say "
	    "that demand has outstripped the number of sleeper cars on "
	    "every route, and that new rolling stock is on order for the "
	    "routes from Vienna, Brussels and Zurich. The economics remain "
	    "hard, because a sleeper car carries far fewer people than a "
	    "seated carriage, and track access charges are levied by every "
	    "country the train crosses. Still, the trains are full on most "
	    "nights.\"}</script></head><body><div id=root>Loading"
	    "</div></body></html>", NULL, &d) == 0, "separators: a JSON-LD "
	    "page extracts");
	ok(has(d.text, "old-fashioned.\n\nThey are returning") &&
	    has(d.text, "flights.\n\nOperators say") &&
	    strstr(d.text, "\xe2\x80\xa8") == NULL, "separators: JSON-LD "
	    "lines are paragraphs");
	tq_doc_free(&d);
}

/*
 * A gift guide in a page builder's columns, short paragraphs that each
 * open with a link, and below it the author's long biography in a box
 * named so: the biography is no article, however much prose it holds.
 */
static void
test_author_bio(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[256];
	int j, k;

	tq_buf_adds(&b, "<html><head><title>My cosy home gift guide</title>"
	    "<meta property=og:type content=article><meta property=article:"
	    "published_time content=2022-12-16></head><body><nav>");
	for (j = 0; j < 20; j++) {
		snprintf(w, sizeof(w), "<a href=/c%d>Category %d</a> ", j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</nav><article class=post><h1>My cosy home gift "
	    "guide</h1><div class=entry-content><div class=vc_row><div "
	    "class=wpb_wrapper><p>Choosing gifts for the people I love as if "
	    "I were shopping for myself, that is how I like it best.</p></div>"
	    "</div><div class=vc_row><div class=wpb_wrapper>");
	for (j = 0; j < 8; j++) {
		snprintf(w, sizeof(w), "<p><a href=https://bit.ly/g%d>Gift %d"
		    "</a>: a lamp with a marble foot that gives the room a "
		    "warm look. It comes in four colours, and it stands in our "
		    "office too.</p>", j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></div></div><div class=author-bio><span "
	    "class=author-title>By Jessie</span><div class=author-"
	    "description>");
	for (k = 0; k < 4; k++) {
		tq_buf_adds(&b, "<p>");
		for (j = 0; j < 34; j++) {
			snprintf(w, sizeof(w), "%sfounder%d", j ? ", " : "", k);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, ".</p>");
	}
	tq_buf_adds(&b, "</div></div></article><footer><p>");
	for (j = 0; j < 80; j++)
		tq_buf_adds(&b, "imprint ");
	tq_buf_adds(&b, "</p></footer></body></html>");
	ok(extract_str(b.data, "https://blog.example/gift-guide", &d) == 0,
	    "author bio: extract");
	ok(has(d.text, "Gift 0: a lamp") && has(d.text, "Gift 7: a lamp"),
	    "author bio: the guide");
	ok(!has(d.text, "founder0"), "author bio: not the biography");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * An interview laid out by a page builder (WPBakery): each row of the
 * story is a vc_row, its text five blocks down (column, inner, wrapper,
 * text column, wrapper), a picture beside it.  The longest row scores
 * best; the rows like it, two or more, join it in order.
 */
static void
test_builder_rows(void)
{
	static const int qs[] = { 0, 3, 10, 2 };
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[128];
	int j, k;

	tq_buf_adds(&b, "<html><head><title>An interview with Sheila Atim"
	    "</title><meta property=og:type content=article><meta property="
	    "article:published_time content=2022-10-06></head><body><nav><a "
	    "href=/>Home</a> <a href=/film>Film</a></nav><div class=post-"
	    "text><div class=post-info><a href=/2022/10/>6 October 2022</a> "
	    "By <a href=/author/celia>Celia</a></div><div class=post-text-"
	    "main><h1>An interview with Sheila Atim</h1>");
	for (j = 0; j < 4; j++) {
		tq_buf_adds(&b, "<div class=\"vc_row wpb_row vc_row-fluid\">"
		    "<div class=\"wpb_column vc_column_container\"><div "
		    "class=vc_column-inner><div class=wpb_wrapper>");
		if (j == 0) {
			tq_buf_adds(&b, "<div class=wpb_text_column><div class="
			    "wpb_wrapper><h2><em>");
			add_words(&b, "leadword", 50);
			tq_buf_adds(&b, "</em></h2></div></div>");
		} else {
			snprintf(w, sizeof(w), "<div class=wpb_single_image>"
			    "<img src=/p%d.jpg alt=\"\"></div>", j);
			tq_buf_adds(&b, w);
			tq_buf_adds(&b, "<div class=wpb_text_column><div class="
			    "wpb_wrapper>");
			for (k = 0; k < qs[j]; k++) {
				snprintf(w, sizeof(w), "<h2>Question %d.%d?</h2>"
				    "<p>", j, k);
				tq_buf_adds(&b, w);
				snprintf(w, sizeof(w), "answer%d%d", j, k);
				add_words(&b, w, 60);
				tq_buf_adds(&b, "</p>");
			}
			tq_buf_adds(&b, "</div></div>");
		}
		tq_buf_adds(&b, "</div></div></div></div>");
	}
	tq_buf_adds(&b, "</div></div><footer><p>Imprint and contact.</p>"
	    "</footer></body></html>");
	ok(extract_str(b.data, "https://mag.example/interview-atim", &d) == 0,
	    "builder rows: extract");
	ok(in_order(d.text, "leadword leadword", "Question 1.0?") &&
	    in_order(d.text, "Question 1.2?", "Question 2.0?") &&
	    in_order(d.text, "Question 2.9?", "Question 3.1?"),
	    "builder rows: every row of the story, in order");
	ok(!has(d.text, "Imprint"), "builder rows: not the footer");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A story's standfirst set as a heading: an <h2> sentence right after
 * the <h1>, above the byline and the body, opens the text, also from
 * the story's own small <header>, which dies with its title.
 */
static void
test_subtitle(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[32];
	int j, k;

	tq_buf_adds(&b, "<html><head><title>No money left for rent</title>"
	    "<meta property=og:type content=article></head><body><div class="
	    "Article><article><div class=Deck><ul><li><a href=/politics>"
	    "Politics</a></li></ul></div><h1>No money left for rent</h1><h2>"
	    "In the United States, activists call for a rent freeze in the "
	    "crisis and warn landlords</h2><ul class=Infoline><li class="
	    "Author>By Moritz W.</li><li class=Date><time>29.04.2020</time>"
	    "</li></ul><div class=Content>");
	for (k = 0; k < 8; k++) {
		tq_buf_adds(&b, "<p>");
		for (j = 0; j < 40; j++) {
			snprintf(w, sizeof(w), "%srentstrike%d", j ? ", " : "",
			    k);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, ".</p>");
	}
	tq_buf_adds(&b, "</div></article></div></body></html>");
	ok(extract_str(b.data, "https://news.example/rent", &d) == 0,
	    "subtitle: extract");
	ok(in_order(d.text, "activists call for a rent freeze",
	    "rentstrike0, rentstrike0"),
	    "subtitle: the standfirst opens the text");
	ok(!has(d.text, "Moritz"), "subtitle: not the byline after it");
	tq_doc_free(&d);
	tq_buf_free(&b);

	/* in an <hgroup> of the story's small <header>, which dies */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Why we need humility now</title>"
	    "<meta property=og:type content=article></head><body><main>"
	    "<article><header><hgroup><h3>Wurzburg</h3><h1>Why we need "
	    "humility now</h1><h2>Not only medicines carry risks and side "
	    "effects, but also political measures against a pandemic.</h2>"
	    "</hgroup></header><div class=grid_row><div class=grid_item-2>"
	    "<aside><section class=author><strong>Christoph R.</strong>"
	    "</section></aside></div><div class=grid_item-8>");
	for (k = 0; k < 8; k++) {
		tq_buf_adds(&b, "<p>");
		for (j = 0; j < 40; j++) {
			snprintf(w, sizeof(w), "%shumility%d", j ? ", " : "", k);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, ".</p>");
	}
	tq_buf_adds(&b, "</div></div></article></main></body></html>");
	ok(extract_str(b.data, "https://news.example/humility", &d) == 0,
	    "hgroup subtitle: extract");
	ok(in_order(d.text, "but also political measures",
	    "humility0, humility0"), "hgroup subtitle: it opens the text");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A recipe card whose every step has its photo: the directions are no
 * gallery (a block of more pictures than paragraphs), they stay.
 */
static void
test_recipe_photos(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[256];
	int j;

	tq_buf_adds(&b, "<html><head><title>Vegan char kway teow</title>"
	    "<script type=\"application/ld+json\">{\"@context\":\"https:"
	    "//schema.org\",\"@type\":\"Recipe\",\"name\":\"Vegan char "
	    "kway teow\"}</script><meta property=og:type content=article>"
	    "</head><body><article><h1>Vegan char kway teow</h1>");
	add_paras(&b, "tofu", 3, 50);
	tq_buf_adds(&b, "<div class=recipe-card-directions><h3>Directions</h3>"
	    "<ul class=directions-list>");
	for (j = 0; j < 6; j++) {
		snprintf(w, sizeof(w), "<li class=direction-step>Step %d: stir "
		    "the noodles in the wok until they are coated.<img src="
		    "/s%d.jpg alt=\"\"></li>", j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ul></div></article></body></html>");
	ok(extract_str(b.data, "https://food.example/kway-teow", &d) == 0,
	    "recipe photos: extract");
	ok(has(d.text, "Step 0: stir") && has(d.text, "Step 5: stir"),
	    "recipe photos: the steps stay");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A kitchen tip in steps whose blocks are named for the print layout
 * ("tip-print-step"): print is no clutter's word, every step stays; a
 * block of fine print (terms, prices) still goes.
 */
static void
test_print_steps(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int j;

	tq_buf_adds(&b, "<html><head><title>Cutting tomatoes the right way"
	    "</title><meta property=og:type content=article><meta property="
	    "article:published_time content=2020-05-01></head><body><div "
	    "class=page><div class=large-4><a href=/tips>All tips</a></div>"
	    "<div class=large-8><div class=tip-print-step><div class=tip-"
	    "steps-text>You know it too! You want to cut tomatoes into slices "
	    "to arrange them on a plate, for tomatoes with mozzarella, and "
	    "then it happens again: the seeds fall out and slide around on "
	    "the board.<br>That does not look nice, and it is annoying, since "
	    "the slices then fall apart when you arrange them.</div><div "
	    "class=spacer></div></div><div class=tip-print-step><div class="
	    "tip-steps-text>Why is that so?<br>");
	for (j = 0; j < 10; j++)
		tq_buf_adds(&b, "The tomato lies the wrong way on the board, "
		    "with its stalk on top, and so the seeds fall out. ");
	tq_buf_adds(&b, "</div><div class=spacer></div></div><div class="
	    "fine-print-section><p>Offers and prices are subject to change, "
	    "terms apply, see the site for details.</p></div></div></div>"
	    "</body></html>");
	ok(extract_str(b.data, "https://cook.example/tip/1918", &d) == 0,
	    "print steps: extract");
	ok(in_order(d.text, "You know it too!", "Why is that so?"),
	    "print steps: every step, in order");
	ok(!has(d.text, "Offers and prices"), "print steps: no fine print");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * An encyclopedia's article with its numbered references below,
 * citations full of commas and periods.  A block whose class names
 * references or a bibliography weighs against itself as a sidebar
 * does, and the cleaning takes it out of the article.
 */
static void
test_references(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[600];
	int i;

	tq_buf_adds(&b, "<html><head><title>Time loops in film</title>"
	    "<meta property=\"og:type\" content=\"article\"><meta property="
	    "\"article:published_time\" content=\"2024-05-01\"></head><body>"
	    "<div id=content><h1>Time loops in film</h1><div "
	    "class=mw-body-content>");
	add_paras(&b, "loop", 6, 60);
	tq_buf_adds(&b, "<h2>References</h2><div class=\"mw-references-wrap"
	    "\"><ol class=references>");
	for (i = 0; i < 12; i++) {
		snprintf(w, sizeof(w), "<li id=cite_note-%d><span>Jones, M.; "
		    "Ormrod, J. (20%02d). Time Travel in Popular Media, part %d. "
		    "McFarland, Jefferson, North Carolina. pp. %d-%d, 207. "
		    "<a href=/isbn/%d>ISBN 978-0-7864-%04d</a>.</span></li>",
		    i, i % 25, i, i, i + 9, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ol></div></div></div></body></html>");
	ok(extract_str(b.data, "https://wiki.example/wiki/Time_loops", &d) ==
	    0, "references: extract");
	ok(has(d.text, "loop0 loop0") && has(d.text, "loop5 loop5"),
	    "references: the article's paragraphs");
	ok(!has(d.text, "Ormrod"), "references: not the references");
	tq_doc_free(&d);
	free(b.data);
}

static void
test_prod_name(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char *q;
	int j;

	tq_buf_adds(&b, "<html><head><title>The River Book for sale</title>"
	    "<script type=\"application/ld+json\">{\"@context\":"
	    "\"https://schema.org\",\"@type\":\"Product\",\"name\":\"The "
	    "River Book\",\"offers\":{\"@type\":\"Offer\",\"price\":\"12.50\","
	    "\"priceCurrency\":\"USD\"}}</script></head><body>"
	    "<div class=top><div class=buybox><h1>The River Book by Ann Morrow"
	    " (2013, Hardcover)</h1><div class=price>US $12.50</div>"
	    "<button>Add to cart</button><p>Brand New. Returns within 30 "
	    "days, the buyer paying for the return.</p></div></div>"
	    "<div class=details><h2>About this product</h2><h3>Product "
	    "Identifiers</h3>");
	for (j = 0; j < 3; j++) {
		char row[200];

		snprintf(row, sizeof(row), "<div class=row><span class=name>"
		    "Detail %d</span> <span class=value>Value %d</span></div>",
		    j, j);
		tq_buf_adds(&b, row);
	}
	tq_buf_adds(&b, "<div class=row><span class=name>Reviews</span> "
	    "<span class=value>");
	q = words_para("praise", 600);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</span></div></div></body></html>");
	ok(extract_str(b.data, "https://shop.example/itm/1", &d) == 0,
	    "product name: extract");
	is_str(d.page_type, "product", "product name: a product");
	ok(has(d.text, "praise praise"), "product name: the reviews stay");
	ok(has(d.text, "The River Book by Ann Morrow"),
	    "product name: the name above a long description stays");
	ok(has(d.text, "Detail 1 Value 1") && has(d.text, "Identifiers"),
	    "product name: the details beside it stay");
	tq_doc_free(&d);
	free(b.data);

	/* a panel closed with hidden="until-found" holds the details */
	memset(&b, 0, sizeof(b));
	tq_buf_adds(&b, "<html><head><title>Desk lamp</title>"
	    "<meta property=og:type content=product></head><body><main>"
	    "<h1>Desk lamp</h1><p>");
	q = words_para("lamp", 60);
	tq_buf_adds(&b, q);
	free(q);
	tq_buf_adds(&b, "</p><p>The lamp's details, shown by the browser's "
	    "search too:</p><div hidden=until-found>"
	    "<table><tr><td>Height</td><td>45 cm</td></tr><tr><td>Bulb"
	    "</td><td>E27, 8 W</td></tr></table></div><div hidden><p>A "
	    "hidden note that nobody finds or sees.</p></div></main>"
	    "</body></html>");
	ok(extract_str(b.data, "https://shop.example/lamp", &d) == 0,
	    "until-found: extract");
	ok(has(d.text, "Height | 45 cm"),
	    "until-found: a panel find-in-page opens is shown");
	ok(!has(d.text, "nobody finds"), "until-found: hidden stays hidden");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Declarative shadow roots: a page rendered as web components (Lit's
 * server rendering) holds its story in <template shadowrootmode>,
 * which the browser shows; a widget's shadow root (a feedback form)
 * and inert templates are no text.
 */
static void
test_shadow(void)
{
	struct tq_doc d;
	const char *story =
	    "The river port of Kellsworth reopened its old lock this week, "
	    "after four years of repairs paid for by the town and a fund "
	    "for inland waterways. ",
	    *story2 =
	    "Barges carrying grain and timber can again reach the mills "
	    "upstream, which had relied on lorries since the gates failed "
	    "in a flood. ",
	    *light =
	    "The lock keeper, Ann Morrow, said the first boat through was a "
	    "narrowboat that had waited below the lock since the spring, "
	    "its owner cheering as the water rose. ";
	const char *p;
	char html[8192];

	snprintf(html, sizeof(html),
	    "<!doctype html><html><head><title>Lock reopens</title></head>"
	    "<body><news-app><template shadowrootmode=\"open\">"
	    "<header><nav><a href=/>Home</a> <a href=/news>News</a> "
	    "<a href=/sport>Sport</a></nav></header><main>"
	    "<news-story><template shadowrootmode=\"open\"><article>"
	    "<h1>Old lock reopens to barges</h1><p>%s%s</p><p>%s</p>"
	    "<slot></slot></article></template><p>%s</p><p>%s</p>"
	    "</news-story></main><page-feedback><template "
	    "shadowrootmode=\"open\"><form><label>Was this page helpful?"
	    "</label><button>Yes</button><button>No</button></form>"
	    "</template></page-feedback><template><p>An inert template: "
	    "a script may clone it one day, and nobody sees it until "
	    "then, so it is no part of the story.</p></template>"
	    "</template></news-app></body></html>",
	    story, story2, story2, light, light);
	ok(extract_str(html, "https://news.example/lock", &d) == 0,
	    "shadow roots extract");
	ok(has(d.text, "river port of Kellsworth") &&
	    has(d.text, "Barges carrying grain"),
	    "shadow roots: the story in a shadow root is text");
	ok(has(d.text, "The lock keeper, Ann Morrow"),
	    "shadow roots: the host's own (slotted) paragraphs are text");
	ok(!has(d.text, "helpful"), "shadow roots: a widget's is no text");
	ok(!has(d.text, "inert template"),
	    "shadow roots: a template without shadowrootmode is no text");
	ok(!has(d.text, "Sport"), "shadow roots: navigation dropped");
	tq_doc_free(&d);

	/* a second declarative template of one element stays inert */
	snprintf(html, sizeof(html),
	    "<!doctype html><html><body><main><p>%s%s</p><story-box>"
	    "<template shadowrootmode=\"open\"><p>%s</p></template>"
	    "<template shadowrootmode=\"open\"><p>A second shadow root for "
	    "the same element is never attached, so nobody reads this "
	    "sentence in a browser.</p></template></story-box><p>%s</p>"
	    "</main></body></html>", story, story2, light, story2);
	ok(extract_str(html, "https://news.example/lock2", &d) == 0,
	    "shadow roots extract (two)");
	ok(has(d.text, "The lock keeper, Ann Morrow"),
	    "shadow roots: the first is shown");
	ok(!has(d.text, "never attached"), "shadow roots: a second is not");
	tq_doc_free(&d);

	/* the host's children go into the slots, as a browser shows them */
	snprintf(html, sizeof(html),
	    "<!doctype html><html><body><story-card><template "
	    "shadowrootmode=\"open\"><article><h2><slot name=title>Untitled"
	    "</slot></h2><p>%s%s</p><slot></slot><p>The closing words of "
	    "the shadow root come after every slotted paragraph, as the "
	    "reader sees them.</p><p><slot name=note>No correction was made "
	    "to this story since it was first published here.</slot></p>"
	    "</article></template><span slot=missing>Lost "
	    "words</span><span slot=title>Harbour lights return</span>"
	    "<p>%s</p></story-card></body></html>", story, story2, light);
	ok(extract_str(html, "https://news.example/lock3", &d) == 0,
	    "slots extract");
	p = d.text ? strstr(d.text, "Harbour lights return") : NULL;
	ok(p != NULL && strstr(p, "river port") != NULL,
	    "slots: a named one takes its element, where it stands");
	ok(!has(d.text, "Untitled"), "slots: its fallback goes");
	p = d.text ? strstr(d.text, "The lock keeper") : NULL;
	ok(p != NULL && strstr(p, "closing words") != NULL &&
	    strstr(d.text, "Barges carrying") < p,
	    "slots: the default one takes the rest, where it stands");
	ok(has(d.text, "No correction was made"),
	    "slots: one that gets nothing shows its fallback");
	ok(!has(d.text, "Lost words"),
	    "slots: a child for no slot of the root is not shown");
	tq_doc_free(&d);

	/* a whole page of web components, shadow roots in shadow roots */
	ok(extract_page("web-components.html",
	    "https://coastline.example/news/ferries", &d) == 0,
	    "web components extract");
	is_str(d.title, "Night ferries return to the Firth",
	    "web components: the title");
	p = d.text ? strstr(d.text, "will sail again from Monday") : NULL;
	ok(p != NULL && (p = strstr(p, "Two boats, each able")) != NULL &&
	    (p = strstr(p, "shift workers")) != NULL &&
	    strstr(p, "Timetables for the winter") != NULL,
	    "web components: the story's paragraphs in the reader's order");
	ok(!has(d.text, "Subscribe") && !has(d.text, "Copy link") &&
	    !has(d.text, "Weather"),
	    "web components: no widget, menu or unslotted promotion");
	tq_doc_free(&d);
}

/*
 * A story that a page builder set in sections, each an <article> whose
 * text stands in a <header> ("ImageText_Description"): a <header> of
 * paragraphs of prose is no site's header.  The site's own header, its
 * links and a line of promotion, still goes.
 */
static void
test_prose_header(void)
{
	static const char *const what[] = { "the bar", "the crowd",
	    "the record", "the coach" };
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[256];
	int j, k;

	tq_buf_adds(&b, "<html><head><title>Pole vault: a new best</title>"
	    "</head><body><header class=site><nav>");
	for (j = 0; j < 12; j++) {
		snprintf(w, sizeof(w), "<a href=/s%d>Sport %d</a> ", j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</nav><p>Tickets for the summer games on sale "
	    "now.</p></header><main>");
	for (k = 0; k < 4; k++) {
		tq_buf_adds(&b, "<section><article class=ImageText_Container>"
		    "<header class=ImageText_Description><p class=ImageText_"
		    "DescriptionText><div class=Richtext_Block>");
		for (j = 0; j < 2; j++) {
			snprintf(w, sizeof(w), "<p>Section %d, paragraph %d "
			    "tells of %s. ", k, j, what[k]);
			tq_buf_adds(&b, w);
			add_words(&b, what[(k + j) % 4] + 4, 30 + 10 * j);
			tq_buf_adds(&b, "</p>");
		}
		tq_buf_adds(&b, "</div></p></header></article></section>");
	}
	tq_buf_adds(&b, "</main><footer><p>");
	for (j = 0; j < 40; j++)
		tq_buf_adds(&b, "imprint ");
	tq_buf_adds(&b, "</p></footer></body></html>");
	ok(extract_str(b.data, "https://games.example/news/pole-vault", &d)
	    == 0, "prose header: extract");
	ok(has(d.text, "Section 0, paragraph 0") &&
	    has(d.text, "Section 3, paragraph 1"),
	    "prose header: every section's text");
	ok(!has(d.text, "Tickets for the summer"),
	    "prose header: not the site's header");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A paper behind a paywall: its abstract, three short paragraphs, and
 * its long list of references with their links (PubMed, Google
 * Scholar).  The references are set aside before the article is
 * looked for, as a sidebar is: the abstract is the page's text.
 */
static void
test_paper_abstract(void)
{
	static const char *const part[] = { "Purpose", "Findings",
	    "Summary" };
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[600];
	int i;

	tq_buf_adds(&b, "<html><head><title>A drug reaction and the "
	    "rheumatologist</title><meta property=og:type content=article>"
	    "<meta name=citation_publication_date content=2017/01/30>"
	    "<meta property=article:published_time content=2017-01-30>"
	    "</head><body><header><a href=/>Journals</a>"
	    "</header><main><article><h1>A drug reaction and the "
	    "rheumatologist</h1><div class=c-article-body><section "
	    "data-title=Abstract><h2>Abstract</h2>");
	for (i = 0; i < 3; i++) {
		snprintf(w, sizeof(w), "<h3>%s</h3><p>The %s of the review "
		    "is told here. ", part[i], part[i]);
		tq_buf_adds(&b, w);
		add_words(&b, part[i], 20);
		tq_buf_adds(&b, "</p>");
	}
	tq_buf_adds(&b, "</section><div class=c-notes><p>This is a preview "
	    "of subscription content.</p></div><section data-title="
	    "References><h2>References</h2><ol class=references-list>");
	for (i = 0; i < 12; i++) {
		snprintf(w, sizeof(w), "<li class=references__item>"
		    "<p class=references__text>Shear NH, Spielberg "
		    "SP. Hypersensitivity syndrome, case %d: in vitro "
		    "assessment of risk. J Clin Investig. 1988;82(%d):1826."
		    "</p><p><a href=/pubmed/%d>PubMed</a> <a href=/scholar/%d>"
		    "Google Scholar</a></p></li>", i, i, i, i);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</ol></section><section data-title=\"Author "
	    "information\"><h2>Author information</h2><p>");
	add_words(&b, "affiliation", 60);
	tq_buf_adds(&b, "</p></section></div></article></main><footer><p>");
	add_words(&b, "imprint", 60);
	tq_buf_adds(&b, "</p></footer></body></html>");
	ok(extract_str(b.data, "https://journals.example/article/10.1007/1",
	    &d) == 0, "paper abstract: extract");
	ok(in_order(d.text, "The Purpose of the review",
	    "The Summary of the review"), "paper abstract: the abstract");
	ok(!has(d.text, "Spielberg"), "paper abstract: not the references");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A page saved with its scripts on keeps each <noscript> as the text
 * it was sent, markup written out ("<div style=...><img src=...>"):
 * twenty tracking pixels and a warning that outweigh the story.  Such
 * text is no text for a reader: it stays hidden and the story is the
 * page's, not the markup.  A <noscript> of words still counts.
 */
static void
test_noscript_markup(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[400];
	int j;

	tq_buf_adds(&b, "<html><head><title>An app for public wifi</title>"
	    "</head><body><div id=main><noscript>&lt;div class=\"alert\"&gt;"
	    "&lt;p&gt;JavaScript is off on your browser.&lt;/p&gt;&lt;/div"
	    "&gt;</noscript><div class=article><h1>An app for public wifi"
	    "</h1><p>");
	add_words(&b, "encrypts", 40);
	tq_buf_adds(&b, "</p><p>");
	add_words(&b, "networks", 40);
	tq_buf_adds(&b, "</p></div>");
	for (j = 0; j < 20; j++) {
		snprintf(w, sizeof(w), "<noscript>&lt;div style=\"position:"
		    "absolute;\"&gt;&lt;img width=1 height=1 alt=\"\" src=\""
		    "http://beacon.example/b?P=oI9TLjE4LjEx%dWMxVYGUpx2tnd"
		    "&amp;T=1bn3gg6a1%%2fX%%3d1489053187%%2fE%%3d2078452%%2fR"
		    "%%3dnews%%2fK%%3d5%%2fV%%3d8.1\"&gt;&lt;/div&gt;"
		    "</noscript>", j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</div></body></html>");
	ok(extract_str(b.data, "https://news.example/a/1", &d) == 0,
	    "noscript markup: extract");
	ok(has(d.text, "encrypts encrypts") && has(d.text, "networks"),
	    "noscript markup: the story");
	ok(!has(d.text, "<div") && !has(d.text, "beacon"),
	    "noscript markup: no markup as text");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A JSON-LD articleBody that holds the story's HTML escaped
 * ("&lt;p&gt;...&lt;/p&gt;&lt;pre&gt;&lt;code&gt;"), the page a script
 * fills: the text is read, not the markup, a paragraph per block; a
 * "<" of the text that opens no tag stays.
 */
static void
test_ld_markup(void)
{
	struct tq_doc d;
	const char *page =
	    "<html><head><title>Fast Python</title><script type="
	    "\"application/ld+json\">{\"@context\":\"https://schema.org\","
	    "\"@type\":\"BlogPosting\",\"headline\":\"Fast Python\","
	    "\"articleBody\":\"&lt;p&gt;There are many ways to make Python "
	    "faster, such as writing C modules and calling them, which need "
	    "a build of their own.&lt;/p&gt;&lt;h2&gt;Memory&lt;/h2&gt;&lt;p"
	    "&gt;Tuples take less room than lists, and a &lt;code&gt;"
	    "namedtuple&lt;/code&gt; less than a class when 3 &lt; 4 fields"
	    " are kept.&lt;/p&gt;&lt;pre&gt;&lt;code class=&quot;language-"
	    "python&quot;&gt;t = (&lt;span class=&quot;hljs-string&quot;&gt;"
	    "'company'&lt;/span&gt;, 1)&lt;/code&gt;&lt;/pre&gt;&lt;p&gt;Slots "
	    "save the room of a dictionary on every object of a class, and "
	    "generators save the room of a list when the items are read "
	    "once, in order, and never again.&lt;/p&gt;&lt;p&gt;Measure "
	    "before you change a thing: the profiler shows where the time "
	    "goes, and it is seldom where you thought it went.&lt;/p&gt;\"}"
	    "</script>"
	    "</head><body><div id=app>Loading...</div></body></html>";

	ok(extract_str(page, "https://blog.example/fast-python", &d) == 0,
	    "ld markup: extract");
	ok(has(d.text, "There are many ways to make Python faster") &&
	    has(d.text, "a build of their own.\n\nMemory\n\nTuples take"),
	    "ld markup: its paragraphs");
	ok(has(d.text, "a namedtuple less than a class when 3 < 4 fields"),
	    "ld markup: inline tags go, a lone '<' stays");
	ok(has(d.text, "t = ('company', 1)"), "ld markup: the code's text");
	ok(!has(d.text, "<p>") && !has(d.text, "<span") &&
	    !has(d.text, "hljs"), "ld markup: no markup");
	tq_doc_free(&d);
}

/*
 * JSON-LD wrapped in a CDATA section, as XHTML pages write a script's
 * text: the "[" that opens "<![CDATA[" is no JSON array; the object
 * inside is read.
 */
static void
test_ld_cdata(void)
{
	struct tq_doc d;
	const char *page =
	    "<html><head><title>Hermitian matrix - Wikipedia</title>"
	    "<script type=\"application/ld+json\">\n<![CDATA[\n{\"@context\":"
	    "\"https://schema.org\",\"@type\":\"Article\",\"name\":"
	    "\"Hermitian matrix\",\"author\":{\"@type\":\"Organization\","
	    "\"name\":\"Contributors to Wikimedia projects\"},"
	    "\"datePublished\":\"2002-08-10T21:12:53Z\"}\n]]>\n</script>"
	    "</head><body><h1>Hermitian matrix</h1><p>In mathematics, a "
	    "Hermitian matrix is a complex square matrix that is equal to "
	    "its own conjugate transpose.</p></body></html>";

	ok(extract_str(page, "https://en.wikipedia.org/wiki/Hermitian_matrix",
	    &d) == 0, "ld cdata: extract");
	is_str(d.published, "2002-08-10T21:12:53Z", "ld cdata: the date");
	is_str(d.page_type, "article", "ld cdata: an Article");
	tq_doc_free(&d);
}

/*
 * An encyclopedia's table of data in an article: a caption, header
 * cells, a row for each town, the towns linked (a third of its text in
 * links).  A table of data stays whatever its links; a table of links
 * without a header, a box of related stories, still goes.
 */
static void
test_data_table(void)
{
	static const char *const town[] = { "Auckland", "Wellington",
	    "Christchurch", "Hamilton", "Tauranga", "Dunedin" };
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[300];
	int j;

	tq_buf_adds(&b, "<html><head><title>New Zealand</title><meta "
	    "property=og:type content=article></head><body><div id=content>"
	    "<h1>New Zealand</h1><div class=mw-parser-output>");
	add_paras(&b, "island", 3, 60);
	tq_buf_adds(&b, "<table class=wikitable><caption>Average daily "
	    "temperatures</caption><tr><th>City</th><th>Jan (C)</th><th>"
	    "July (C)</th></tr>");
	for (j = 0; j < 6; j++) {
		snprintf(w, sizeof(w), "<tr><td><a href=/wiki/%s>%s</a></td>"
		    "<td>%d/%d</td><td>%d/%d</td></tr>", town[j], town[j],
		    19 + j, 11 + j, 10 + j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</table>");
	add_paras(&b, "climate", 2, 60);
	tq_buf_adds(&b, "<table class=box>");
	for (j = 0; j < 4; j++) {
		snprintf(w, sizeof(w), "<tr><td><a href=/news/%d>Another "
		    "story about the islands, number %d</a></td></tr>", j, j);
		tq_buf_adds(&b, w);
	}
	tq_buf_adds(&b, "</table></div></div></body></html>");
	ok(extract_str(b.data, "https://encyclopedia.example/wiki/NZ", &d) ==
	    0, "data table: extract");
	ok(has(d.text, "Christchurch | 21/13 | 12/2") &&
	    has(d.text, "Average daily temperatures"),
	    "data table: its caption and rows");
	ok(!has(d.text, "Another story about"),
	    "data table: not a table of links");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * Tabs without ARIA: a strip of tabs ("product-tab"), then a panel for
 * each, all but the first hidden by a style.  The hidden panels are
 * the page's (a shop's add-ons beside its feeders); a hidden block
 * after no strip of tabs (a pop-up's offer) stays hidden.
 */
static void
test_tab_panels(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	char w[300];
	int i, k;

	tq_buf_adds(&b, "<html><head><title>Shop</title></head><body><main>"
	    "<h1>Shop</h1><div class=tabs-wrap><div class=\"product-tab "
	    "active\">Feeders</div><div class=product-tab>Add-ons</div>"
	    "</div>");
	for (k = 0; k < 2; k++) {
		snprintf(w, sizeof(w), "<div class=products-content%s><ul "
		    "class=products>", k ? " style=\"display: none\"" : "");
		tq_buf_adds(&b, w);
		for (i = 0; i < 6; i++) {
			snprintf(w, sizeof(w), "<li class=product><a href=/p/"
			    "%d/%d><h3>%s number %d</h3></a><span class=price>"
			    "%d.00 EUR</span><a href=/cart class=button>Add to "
			    "cart</a></li>", k, i, k ? "Perch extender" :
			    "Smart feeder", i, 20 + i);
			tq_buf_adds(&b, w);
		}
		tq_buf_adds(&b, "</ul></div>");
	}
	tq_buf_adds(&b, "<div class=offer style=\"display:none\"><p>Order "
	    "in the next five minutes to get a free suet holder!</p></div>"
	    "</main></body></html>");
	ok(extract_str(b.data, "https://shop.example/shop/", &d) == 0,
	    "tab panels: extract");
	is_str(d.page_type, "collection", "tab panels: a collection");
	ok(in_order(d.text, "Smart feeder number 5", "Perch extender number 0")
	    && has(d.text, "Perch extender number 5"),
	    "tab panels: the hidden tab's items, after the shown tab's");
	ok(!has(d.text, "free suet holder"),
	    "tab panels: a hidden block after no tabs stays hidden");
	tq_doc_free(&d);
	/* a strip named as such ("tab-list") is no tab: its items are */
	b.len = 0;
	tq_buf_adds(&b, "<html><head><title>Specs</title></head><body><main>"
	    "<h1>Kettle</h1><ul class=tab-list><li class=tab-item>Overview"
	    "</li><li class=tab-item>Details</li></ul><div class=pane><p>A "
	    "kettle that boils a litre in three minutes.</p></div><div "
	    "class=pane style=\"display:none\"><p>Its body is of brushed "
	    "steel, its lid opens at a touch.</p></div></main></body></html>");
	ok(extract_str(b.data, "https://shop.example/p/kettle", &d) == 0,
	    "tab panels: a named strip, extract");
	ok(has(d.text, "brushed steel"),
	    "tab panels: the items of a strip named \"tab-list\" are its tabs");
	tq_doc_free(&d);
	tq_buf_free(&b);
}

/*
 * A WordPress archive: each post's classes name its id, its
 * categories and tags (post_class()), so no two posts' class
 * attributes are the same; they are one kind of block all the same,
 * and the page reads as it would with one class on every post.
 */
static void
test_post_classes(void)
{
	static const char *const what[] = {
		"river", "council", "school", "market", "bridge", "festival",
		"library", "station"
	};
	struct tq_buf b[2] = { { 0 }, { 0 } };
	struct tq_doc d[2];
	char w[1024], cls[256];
	int i, k;

	for (k = 0; k < 2; k++) {
		tq_buf_adds(&b[k], "<!DOCTYPE html><html><head><title>News "
		    "Archives - Town Blog</title></head><body class=\"archive "
		    "category\"><header id=masthead><nav><ul><li><a href=/>"
		    "Home</a></li><li><a href=/about>About</a></li></ul></nav>"
		    "</header><main id=main class=site-main><header class="
		    "page-header><h1 class=page-title>Category: News</h1>"
		    "</header>");
		for (i = 0; i < 8; i++) {
			if (k == 0)
				snprintf(cls, sizeof(cls), "post-%d post "
				    "type-post status-publish format-standard"
				    "%s hentry category-%s%s", 1200 + i * 37,
				    i % 2 ? " has-post-thumbnail" : "",
				    i % 3 ? "news" : "news category-sport",
				    i % 4 ? " tag-rain" : "");
			else
				snprintf(cls, sizeof(cls), "post hentry");
			snprintf(w, sizeof(w), "<article id=post-%d class=\"%s"
			    "\"><header class=entry-header><h2 class=entry-"
			    "title><a href=/p/%d>Headline %d: what the %s "
			    "did</a></h2><div class=entry-meta><span>March %d, "
			    "2025</span></div></header><div class=entry-summary>"
			    "<p>The %s reopened after months of work, and "
			    "neighbours came to see what changed. <a href=/p/%d"
			    " class=more-link>Continue reading</a></p></div>"
			    "</article>", 1200 + i * 37, cls, i, i, what[i],
			    i + 1, what[i], i);
			tq_buf_adds(&b[k], w);
		}
		tq_buf_adds(&b[k], "<nav class=\"navigation pagination\"><a "
		    "href=/page/2>Next</a></nav></main><aside class=widget-"
		    "area><h2>Recent Posts</h2><ul><li><a href=/x>Other</a>"
		    "</li></ul></aside><footer>Copyright</footer></body>"
		    "</html>");
		ok(extract_str(b[k].data, "https://town.example/category/news/",
		    &d[k]) == 0, "post classes: extract (%d)", k);
	}
	is_str(d[0].page_type, "listing", "post classes: a listing");
	ok(in_order(d[0].text, "Headline 0: what the river did",
	    "Headline 7: what the station did") && has(d[0].text,
	    "March 4, 2025") && has(d[0].text, "The bridge reopened"),
	    "post classes: each post's headline, date and summary");
	is_str(d[0].text, d[1].text,
	    "post classes: the text of the page with one class a post");
	for (k = 0; k < 2; k++) {
		tq_doc_free(&d[k]);
		tq_buf_free(&b[k]);
	}
}

/*
 * A label's word in a sentence or in code is the sentence's or the
 * code's: "click <b>Print</b>", "there is <span>more</span>", a
 * highlighter's "<span>print</span>(basket)".  The same word on its
 * own is a label still.
 */
static void
test_label_words(void)
{
	struct tq_doc d;
	const char *page =
	    "<html><head><title>Printing a report</title></head><body>"
	    "<main><article><h1>Printing a report</h1>"
	    "<p>Open the report you want. Then click <b>Print</b> at the top "
	    "of the page, choose a printer and confirm.</p>"
	    "<p>There is <span>more</span> to a report than its totals: each "
	    "row links to the entry it counts.</p>"
	    "<p><em>Share</em> your reports with a team by adding its members "
	    "to the report's list of readers.</p>"
	    "<p>To keep a copy, use <strong>Email</strong>, then <strong>"
	    "Search</strong>, in the menu of the report.</p>"
	    "<pre><code><span class=kw>print</span>(basket)\n"
	    "<span class=n>email</span> = models.EmailField()\n"
	    "    <span class=n>comment</span> = models.TextField()</code>"
	    "</pre><p>A report is kept for a year after it was last opened, "
	    "and a copy can be asked for by any of its readers.</p>"
	    "<p>Advertisement</p><p>The archive holds the reports of earlier "
	    "years, each in the format of its own year.</p><p><font face="
	    "Arial><strong>Read more:</strong> <a href=/other>How to "
	    "archive a report for good</a></font></p><p>Press the \xe2\x80"
	    "\x9c<i>Share</i>\xe2\x80\x9d button to send it on.</p><p><a "
	    "href=/rel><span>Related</span>: Reports that a team reads "
	    "together</a></p><p><b>Video</b>-Podcast of the week: how to "
	    "read a report.</p><ul><li><b>Advertising</b>: run a campaign "
	    "to reach the readers of a report.</li><li><b>Email</b> "
	    "\xc3\xbc" "ber den Bericht schreiben.</li></ul><p>You can help. "
	    "<a href=/join>Sign up</a> to read the reports of your town."
	    "</p><p><span>Video</span> Adam Ondra on the wall</p>"
	    "<div><span>Share</span> <a href=/fb>Facebook</a> <a href=/x>X"
	    "</a></div></article></main></body></html>";

	ok(extract_str(page, "https://help.example/reports/print", &d) == 0,
	    "label words: extract");
	ok(has(d.text, "Then click Print at the top"),
	    "label words: a button's name in a sentence");
	ok(has(d.text, "There is more to a report"),
	    "label words: \"more\" in a sentence");
	ok(has(d.text, "Share your reports"),
	    "label words: a sentence's first word");
	ok(has(d.text, "use Email, then Search, in the menu"),
	    "label words: words before commas");
	ok(has(d.text, "print(basket)") && has(d.text, "email = models") &&
	    has(d.text, "comment = models"), "label words: code's words");
	ok(!has(d.text, "Advertisement"), "label words: a label on its own");
	ok(!has(d.text, "for good"),
	    "label words: a lead and its link, in a <font>");
	ok(has(d.text, "Press the \xe2\x80\x9cShare\xe2\x80\x9d button"),
	    "label words: a word in quotation marks");
	ok(!has(d.text, "team reads together"),
	    "label words: a lead whose colon follows its element");
	ok(has(d.text, "Video-Podcast of the week"),
	    "label words: a compound word's part");
	ok(has(d.text, "Advertising: run a campaign"),
	    "label words: a field's name, its colon after it");
	ok(has(d.text, "Email \xc3\xbc" "ber den"),
	    "label words: a lower-case word beyond ASCII after it");
	ok(has(d.text, "You can help. Sign up to read"),
	    "label words: words the sentence goes on from");
	ok(has(d.text, "Video Adam Ondra on the wall"),
	    "label words: a line that opens with a label's word");
	tq_doc_free(&d);
}

/*
 * Text parted by comments is one text, as React writes it ("$<!-- -->
 * 99", "By <!-- -->Jane"), and so is text parted by a <wbr>: a shop's
 * grid of such prices is a collection, and a page reads the same with
 * and without them.
 */
static void
test_comment_parts(void)
{
	struct tq_buf b[2] = { { 0 }, { 0 } }, big = { 0 };
	struct tq_doc d[2];
	const char *cut;
	char w[1024];
	int i, k;

	for (k = 0; k < 2; k++) {
		cut = k ? "<!-- --><wbr>" : "";
		snprintf(w, sizeof(w), "<html><head><title>Desk accessories"
		    "</title></head><body><main><h1>Desk acc%sessories</h1>"
		    "<div class=grid>", cut);
		tq_buf_adds(&b[k], w);
		for (i = 0; i < 8; i++) {
			snprintf(w, sizeof(w), "<div class=card><a href=/p/%d>"
			    "<img src=/i/%d.jpg alt=\"\"><h3>Monitor arm "
			    "num%sber %d</h3></a><p class=flag>Free ship%sping"
			    "</p><p class=price>$%s%d%s+</p></div>", i, i,
			    cut, i, cut, cut, 99 + i * 10, cut);
			tq_buf_adds(&b[k], w);
		}
		snprintf(w, sizeof(w), "</div><p>By %sJane Roe, our desk "
		    "expert.</p></main></body></html>", cut);
		tq_buf_adds(&b[k], w);
		ok(extract_str(b[k].data, "https://shop.example/accessories/",
		    &d[k]) == 0, "comment parts: extract (%d)", k);
	}
	is_str(d[1].page_type, "collection", "comment parts: a collection");
	is_str(d[1].text, d[0].text,
	    "comment parts: the text of the page without the comments");
	ok(has(d[1].text, "Monitor arm number 7") && has(d[1].text, "$169+"),
	    "comment parts: the items, whole");
	for (k = 0; k < 2; k++) {
		tq_doc_free(&d[k]);
		tq_buf_free(&b[k]);
	}
	/* 200,000 parts: a node each few kilobytes, the text all there */
	tq_buf_adds(&big, "<html><body><main><p>Start of the text.</p><p>");
	for (i = 0; i < 200000; i++)
		tq_buf_adds(&big, i % 7 ? "ab<!---->" : "ab <!---->");
	tq_buf_adds(&big, "</p><p>End of the text.</p></main></body></html>");
	ok(extract_str(big.data, NULL, &d[0]) == 0 &&
	    has(d[0].text, "End of the text.") && has(d[0].text, "ab abab"),
	    "comment parts: 200,000 parts");
	tq_doc_free(&d[0]);
	tq_buf_free(&big);
}

/*
 * An empty <span class=br> is a line break in its page's style (the
 * Times of India's stories part their lines so): the words on either
 * side stay apart.
 */
static void
test_br_spans(void)
{
	struct tq_doc d;
	const char *page =
	    "<html><head><title>Meditation</title></head><body><main>"
	    "<article><h1>Meditation and the brain</h1><div class=story>"
	    "For ages, meditation was thought of as quiet reflection, not "
	    "something you could test.<span class=\"id-r-component br\">"
	    "</span><span class=strong>Attentional networks and executive "
	    "control</span><span class=\"id-r-component br\"></span>"
	    "Meditation sharpens specific faculties, as exercise trains "
	    "muscles, and scans show the change after eight weeks of "
	    "practice.<span class=brand></span> The Brand<span class=\"x "
	    "brx\"></span>Name stays one line.</div><p><span class=date>"
	    "06.03.2016</span>Werden Sie Ihr eigener Guide, und lernen Sie "
	    "die Karten lesen.</p><p>The model <b>3</b>GT and the price "
	    "<span>$497.99</span>Value: both stay.</p></article></main>"
	    "</body></html>";

	ok(extract_str(page, "https://news.example/story/1", &d) == 0,
	    "br spans: extract");
	ok(has(d.text, "executive control\nMeditation sharpens") &&
	    has(d.text, "could test.\nAttentional"),
	    "br spans: the lines apart");
	ok(has(d.text, "The BrandName stays one line."),
	    "br spans: other classes part nothing");
	ok(has(d.text, "06.03.2016 Werden Sie") && has(d.text, "model 3GT") &&
	    has(d.text, "$497.99 Value:"),
	    "br spans: a number's element, then a capitalised word");
	tq_doc_free(&d);
}

/*
 * The labels the items of a list repeat go whether a label is one text
 * or in pieces ("<b>Pre</b> Order Now", a drop cap's "<span>N</span>
 * ew"): the page reads the same either way.
 */
static void
test_label_pieces(void)
{
	struct tq_buf b[2] = { { 0 }, { 0 } };
	struct tq_doc d[2];
	char w[1024];
	int i, k;

	for (k = 0; k < 2; k++) {
		tq_buf_adds(&b[k], "<html><head><title>Games</title></head>"
		    "<body><main><h1>Coming soon</h1><div class=grid>");
		for (i = 0; i < 6; i++) {
			snprintf(w, sizeof(w), "<div class=card><a href=/g/%d>"
			    "<h3>Castle quest, part %c</h3></a><p>A story of "
			    "knights and a castle under siege, told anew.</p>"
			    "<div class=flag>%s</div></div>", i, 'A' + i,
			    k ? "<b>Pre</b> Order <span class=cap>N</span>ow" :
			    "Pre Order Now");
			tq_buf_adds(&b[k], w);
		}
		tq_buf_adds(&b[k], "</div></main></body></html>");
		ok(extract_str(b[k].data, "https://games.example/soon/",
		    &d[k]) == 0, "label pieces: extract (%d)", k);
	}
	ok(!has(d[0].text, "Order Now") && has(d[0].text, "part F"),
	    "label pieces: the label goes, the items stay");
	is_str(d[1].text, d[0].text, "label pieces: the same in pieces");
	for (k = 0; k < 2; k++) {
		tq_doc_free(&d[k]);
		tq_buf_free(&b[k]);
	}
}

/*
 * The words that lead to a byline or to tag links go with them:
 * "Publicado por" without its author is no text; a heading whose
 * subtitle went stays.
 */
static void
test_byline_leads(void)
{
	struct tq_doc d;
	const char *page =
	    "<html><head><title>Gremios</title></head><body><main><article>"
	    "<h1>Gremios de los camioneros</h1><p class=mmb-10>Publicado "
	    "por <a href=/autores/ag class=post-author>Alberto Gonz\xc3\xa1"
	    "lez</a></p><h2><span class=subheadline>Irme Stetter-Karp ist "
	    "neue Pr\xc3\xa4sidentin</span> <span class=headline>Reformstau "
	    "l\xc3\xb6sen</span></h2><p>Con una consulta nacional, la "
	    "Confederaci\xc3\xb3n del Transporte de Cargas definir\xc3\xa1 "
	    "este jueves las acciones a seguir y no descartan una nueva "
	    "movilizaci\xc3\xb3n de sus asociados en todo el pa\xc3\xads."
	    "</p><p>En estado de alerta m\xc3\xa1xima aseguran estar los "
	    "asociados a la Confederaci\xc3\xb3n Nacional del Transporte de "
	    "Cargas, que se re\xc3\xbane el jueves en Santiago.</p><p>Los "
	    "dirigentes piden una mesa de trabajo con el gobierno, que "
	    "hasta ahora no ha respondido a sus demandas sobre seguridad en "
	    "las rutas del sur.</p><p>La consulta se har\xc3\xa1 en cada "
	    "regi\xc3\xb3n, y sus resultados se conocer\xc3\xa1n el "
	    "viernes por la tarde, seg\xc3\xban los organizadores del "
	    "gremio.</p><p>Mientras tanto, los camioneros mantienen sus "
	    "labores con normalidad, aunque advierten que la paciencia de "
	    "sus socios tiene un l\xc3\xadmite.</p><div>"
	    "Kategorie: <a href=/t/1 rel=tag>Verkehr</a>, <a href=/t/2 "
	    "rel=tag>Chile</a></div></article></main></body></html>";

	ok(extract_str(page, "https://news.example/2022/05/gremios", &d) == 0,
	    "byline leads: extract");
	ok(!has(d.text, "Publicado por") && !has(d.text, "Kategorie"),
	    "byline leads: the leads go with their links");
	ok(has(d.text, "Reformstau l\xc3\xb6sen"),
	    "byline leads: a heading without its subtitle stays");
	ok(has(d.text, "Santiago."), "byline leads: the story stays");
	tq_doc_free(&d);
}

/*
 * A page builder wraps each paragraph in a <div> of its own: the same
 * page to a reader, and the same text.
 */
static void
test_wrapped_paragraphs(void)
{
	static const char *const para[] = {
		"The harbour reopened on Monday after three years of work, "
		"and the first ferry came in before eight, its deck full.",
		"The council paid for most of it, with a grant from the "
		"region, and the rest came from the harbour's own fees.",
		"Fishermen, who had moored in the next town, say the new "
		"quay is longer and the water deeper by a metre at least.",
		"The old crane stays, painted again, as a reminder of the "
		"years when the harbour shipped timber to half the coast.",
		"A market will open on the quay on Saturdays from June, "
		"with stalls for the boats' catch and the farms nearby.",
		"Not everyone is glad: the road to the quay is narrow, and "
		"the neighbours fear the lorries of the summer months.",
		NULL
	};
	struct tq_buf b[2] = { { 0 }, { 0 } };
	struct tq_doc d[2];
	int i, k;

	for (k = 0; k < 2; k++) {
		tq_buf_adds(&b[k], "<html><head><title>The harbour reopens"
		    "</title></head><body><div class=site><div class=layout>"
		    "<div class=col><h1>The harbour reopens</h1>");
		for (i = 0; para[i] != NULL; i++) {
			tq_buf_adds(&b[k], k ? "<div><p>" : "<p>");
			tq_buf_adds(&b[k], para[i]);
			tq_buf_adds(&b[k], k ? "</p></div>\n" : "</p>\n");
		}
		tq_buf_adds(&b[k], "</div><div class=side><p>Testimonial: the "
		    "best ferry I ever took, and the crew were kind to my "
		    "dog, who is afraid of the sea.</p></div></div></div>"
		    "</body></html>");
		ok(extract_str(b[k].data, "https://news.example/harbour",
		    &d[k]) == 0, "wrapped paragraphs: extract (%d)", k);
	}
	ok(has(d[0].text, "the first ferry came in") &&
	    has(d[0].text, "lorries of the summer"),
	    "wrapped paragraphs: the story");
	/* in the tree: a bare <div> of one <p> gives way to the <p> */
	{
		const char *page = "<html><body><div class=col><div><p>A "
		    "one</p></div>\n<div> <p>B two</p> </div><div class=x>"
		    "<p>C three</p></div><div><p>D four</p><p>E five</p>"
		    "</div><div><div><p>F six</p></div></div></div></body>"
		    "</html>";
		const char *want[] = { "A one", "B two", "C three", "D four",
		    "F six" };
		int par[5] = { -1, -1, -1, -1, -1 }, col = -1, rc, j;
		TidyBuffer err;
		TidyDoc td;
		struct ex x;

		memset(&x, 0, sizeof(x));
		tidyBufInit(&x.tb);
		x.h1 = x.top = x.ptop = -1;
		td = ex_tidy_parse(page, strlen(page), &err, &rc);
		ex_build(&x, td);
		for (i = 1; i < x.nn; i++) {
			if (x.n[i].attr != NULL &&
			    strncmp(x.n[i].attr, "col ", 4) == 0)
				col = i;
			for (j = 0; j < 5; j++)
				if (x.n[i].tag == XT_TEXT &&
				    x.n[i].text != NULL &&
				    strcmp(x.n[i].text, want[j]) == 0)
					par[j] = x.n[x.n[i].parent].parent;
		}
		ok(col > 0 && par[0] == col && par[1] == col &&
		    par[4] == col,
		    "wrapped paragraphs: a bare <div>'s <p> in its place");
		ok(par[2] > 0 && par[2] != col && par[3] > 0 && par[3] != col,
		    "wrapped paragraphs: a <div> with a class, or of two "
		    "<p>s, stays");
		tidyBufFree(&err);
		tidyRelease(td);
		ex_free(&x);
	}
	is_str(d[1].text, d[0].text,
	    "wrapped paragraphs: the same text, each paragraph in a <div>");
	for (k = 0; k < 2; k++) {
		tq_doc_free(&d[k]);
		tq_buf_free(&b[k]);
	}
}

/*
 * A page's title without its site's name: the name the page gives
 * (og:site_name), its host's name ("Pastebin.com", "CNET Japan" on
 * japan.cnet.com), the part that is its <h1>, full-width separators;
 * not a site's <h1> (a logo's link home, a header's), not where a
 * headline has a colon of its own, and (head, <meta>s) not a part that
 * holds more than the site's name.
 */
static void
test_site_titles(void)
{
	static const struct {
		const char *title, *url, *head, *want;
	} c[] = {
		{ "atg 1700 - Pastebin.com", "https://pastebin.com/x", "",
		  "atg 1700" },
		{ "\xe3\x82\xbb\xe3\x82\xad\xe3\x83\xa5\xe3\x83\xaa\xe3\x83"
		  "\x86\xe3\x82\xa3 - CNET Japan",
		  "https://japan.cnet.com/a/1", "",
		  "\xe3\x82\xbb\xe3\x82\xad\xe3\x83\xa5\xe3\x83\xaa\xe3\x83"
		  "\x86\xe3\x82\xa3" },
		/* "記事の見出し：朝日新聞", its <h1> the headline */
		{ "\xe8\xa8\x98\xe4\xba\x8b\xe3\x81\xae\xe8\xa6\x8b\xe5\x87"
		  "\xba\xe3\x81\x97\xef\xbc\x9a\xe6\x9c\x9d\xe6\x97\xa5\xe6"
		  "\x96\xb0\xe8\x81\x9e", "https://www.asahi.com/a/1",
		  "<h1>\xe8\xa8\x98\xe4\xba\x8b\xe3\x81\xae\xe8\xa6\x8b\xe5"
		  "\x87\xba\xe3\x81\x97</h1>",
		  "\xe8\xa8\x98\xe4\xba\x8b\xe3\x81\xae\xe8\xa6\x8b\xe5\x87"
		  "\xba\xe3\x81\x97" },
		/* "｜" before the host's name */
		{ "Mice that sign in\xef\xbd\x9cSanwa",
		  "https://www.sanwa.co.jp/p/1", "", "Mice that sign in" },
		{ "New Zealand - Wikipedia", NULL, "<h1>New Zealand</h1>",
		  "New Zealand" },
		{ "Rudy | Weekly Rounds", "https://blog.example/rudy",
		  "<h1>Rudy</h1>", "Rudy" },
		/* a logo's <h1>, a link home: the rest is no site */
		{ "Evolve: Shared History \xe2\x80\x94 evolve for Mercurial",
		  "https://www.mercurial-scm.org/e/",
		  "<h1><a href=\"index.html\">evolve for Mercurial</a></h1>",
		  "Evolve: Shared History" },
		{ "Tragwerksplanung | RS Ingenieure",
		  "https://www.rs-ingenieure.de/t",
		  "<div id=header><h1>RS Ingenieure</h1></div>",
		  "Tragwerksplanung" },
		/* a headline's own colon stays */
		{ "AI Consulting: Strategy, Integration and Development",
		  "https://lever.example/ai",
		  "<h1>AI Consulting</h1>",
		  "AI Consulting: Strategy, Integration and Development" },
		{ "Fantastic Beasts: A Nice Place to Visit",
		  "https://newrepublic.com/a/1", "",
		  "Fantastic Beasts: A Nice Place to Visit" },
		/* a part that holds the site's name, but is more */
		{ "Christmas Gift Guide | Journelles | Jetzt entdecken!",
		  "https://www.journelles.de/x", "<meta property=og:site_name "
		  "content=Journelles><meta property=og:title content=\""
		  "Christmas Gift Guide | Journelles | Jetzt entdecken!\">",
		  "Christmas Gift Guide | Journelles | Jetzt entdecken!" },
		{ NULL, NULL, NULL, NULL }
	};
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int i;

	for (i = 0; c[i].title != NULL; i++) {
		b.len = 0;
		tq_buf_addf(&b, "<html><head><title>%s</title>%s</head><body>"
		    "%s<p>The body of the page, long enough to read as one, "
		    "with a sentence or two. It goes on a little, then "
		    "stops.</p></body></html>", c[i].title,
		    strncmp(c[i].head, "<meta", 5) == 0 ? c[i].head : "",
		    strncmp(c[i].head, "<meta", 5) == 0 ? "" : c[i].head);
		if (extract_str(b.data, c[i].url, &d) != 0) {
			ok(0, "site titles: extract %d", i);
			continue;
		}
		is_str(d.title, c[i].want, "site titles: %s", c[i].want);
		tq_doc_free(&d);
	}
	/* the part cut that the host spells is the site's name */
	b.len = 0;
	tq_buf_adds(&b, "<html><head><title>Dental Care | ONE Health Ohio"
	    "</title></head><body><p>Our dentists see children and adults, "
	    "with or without insurance, at three clinics.</p></body></html>");
	if (extract_str(b.data, "https://www.onehealthohio.org/dental", &d)
	    == 0) {
		is_str(d.title, "Dental Care", "site titles: the host's part "
		    "goes");
		is_str(d.site_name, "ONE Health Ohio", "site titles: and is the "
		    "site's name");
		tq_doc_free(&d);
	} else
		ok(0, "site titles: extract the clinic");
	free(b.data);
}

/*
 * The date a page shows, where no metadata gives one: a small element
 * near the headline whose class names a date; not an update's, not
 * today's in the site's header, not a product's release.
 */
static void
test_shown_date(void)
{
	static const struct {
		const char *html, *want;
	} c[] = {
		{ "<h2 class=date-header><span>Saturday, February 03, 2024"
		  "</span></h2><h1>Winter walks</h1>", "2024-02-03" },
		{ "<h1>Winter walks</h1><div class=meta><span class="
		  "post-timestamp>2016-04-08T20:30:39+00:00</span></div>",
		  "2016-04-08T20:30:39Z" },
		{ "<h1>Winter walks</h1><p class=dateline>March 13, 2015 "
		  "9:00PM</p>", "2015-03-13" },
		{ "<div class=current-date>Monday, December 7, 2026</div>"
		  "<h1>Winter walks</h1><p class=post-date>Updated: May 2, "
		  "2025</p>", NULL },
		{ "<h1>Winter walks</h1><div class=release_date>Release "
		  "Date: 15 Aug, 2013</div>", NULL },
		{ "<h1>Winter walks</h1><span class=post-date>5</span>", NULL },
		{ NULL, NULL }
	};
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int i;

	for (i = 0; c[i].html != NULL; i++) {
		b.len = 0;
		tq_buf_addf(&b, "<html><head><title>Winter walks</title>"
		    "</head><body>%s<p>We walked along the river from the "
		    "bridge to the mill, in snow, and back by the road as "
		    "the light went.</p></body></html>", c[i].html);
		if (extract_str(b.data, "https://walks.example/w", &d) != 0) {
			ok(0, "shown date: extract %d", i);
			continue;
		}
		if (c[i].want)
			is_str(d.published, c[i].want, "shown date: %s",
			    c[i].want);
		else
			ok(d.published == NULL, "shown date: none in case %d "
			    "(%s)", i, d.published ? d.published : "null");
		tq_doc_free(&d);
	}
	/* else the date in the page's address, a real one */
	b.len = 0;
	tq_buf_adds(&b, "<html><head><title>Winter walks</title></head><body>"
	    "<h1>Winter walks</h1><p>We walked along the river from the "
	    "bridge to the mill, in snow, and back by the road.</p></body>"
	    "</html>");
	if (extract_str(b.data, "https://walks.example/2016/05/24/winter",
	    &d) == 0) {
		is_str(d.published, "2016-05-24", "shown date: the address's");
		tq_doc_free(&d);
	}
	if (extract_str(b.data, "https://walks.example/2016/13/24/winter",
	    &d) == 0) {
		ok(d.published == NULL, "shown date: no 13th month");
		tq_doc_free(&d);
	}
	free(b.data);
}

/*
 * The author where no metadata names one: the first of the byline's
 * elements that holds a name, without its lead ("By", "Posted on ...
 * by") or the date after it; Yoast's "Written by" card; not a label
 * alone, a layout's class on a large block, a review's author.
 */
static void
test_node_authors(void)
{
	static const struct {
		const char *head, *body, *want;
	} c[] = {
		{ "", "<em class=byline__by>By</em> <a href=/a/js><span "
		  "class=byline__author>Joshua Sokol</span></a>",
		  "Joshua Sokol" },
		{ "", "<div itemprop=author><img src=m.jpg alt=\"\"><div>"
		  "Steven Musil</div><div>Senior editor, News</div></div>",
		  "Steven Musil" },
		{ "", "<p class=post-meta-author>Posted on September 21, 2020 "
		  "by Adi Tzlil</p>", "Adi Tzlil" },
		{ "", "<span class=byline>GILLIAN MOHNEY March 11, 2015 3:46 "
		  "PM</span>", "GILLIAN MOHNEY" },
		{ "<meta name=twitter:label1 content=\"Written by\"><meta "
		  "name=twitter:data1 content=\"Ann Lee\">", "", "Ann Lee" },
		{ "<meta property=author content=\"Sarah Archer\">", "",
		  "Sarah Archer" },
		/* a name's particle is no lead; a byline's lead is */
		{ "", "<p class=byline>Ursula von der Leyen</p>",
		  "Ursula von der Leyen" },
		{ "", "<p class=byline>Michiel de Jong</p>", "Michiel de Jong" },
		{ "", "<p class=byline>Erstellt von Andri Bryner</p>",
		  "Andri Bryner" },
		{ "", "<div class=author>Written by:</div>", NULL },
		{ "", "<div class=jdgm-rev__author>David</div>", NULL },
		{ NULL, NULL, NULL }
	};
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int i, k;

	for (i = 0; c[i].head != NULL; i++) {
		b.len = 0;
		tq_buf_addf(&b, "<html><head><title>Winter walks</title>%s"
		    "</head><body><h1>Winter walks</h1>%s<p>We walked along "
		    "the river from the bridge to the mill, in snow, and back "
		    "by the road as the light went.</p></body></html>",
		    c[i].head, c[i].body);
		if (extract_str(b.data, "https://walks.example/w", &d) != 0) {
			ok(0, "node authors: extract %d", i);
			continue;
		}
		if (c[i].want)
			is_str(d.byline, c[i].want, "node authors: %s",
			    c[i].want);
		else
			ok(d.byline == NULL, "node authors: none in case %d "
			    "(%s)", i, d.byline ? d.byline : "null");
		tq_doc_free(&d);
	}
	/* a layout's class on the page's block of 40 nodes or more */
	b.len = 0;
	tq_buf_adds(&b, "<html><head><title>Winter walks</title></head>"
	    "<body><div class=\"single single-author\"><a href=#c>Skip to "
	    "content</a><ul>");
	for (k = 0; k < 30; k++)
		tq_buf_addf(&b, "<li><a href=/s%d>Section %d</a></li>", k, k);
	tq_buf_adds(&b, "</ul><h1>Winter walks</h1><p>We walked along the "
	    "river from the bridge to the mill, in snow, and back by the "
	    "road as the light went.</p></div></body></html>");
	if (extract_str(b.data, "https://walks.example/w", &d) == 0) {
		ok(d.byline == NULL, "node authors: no layout's block (%s)",
		    d.byline ? d.byline : "null");
		tq_doc_free(&d);
	} else
		ok(0, "node authors: extract the layout's page");
	free(b.data);
}

/*
 * A story whose lead is in a block of the body's class, in another
 * section than the rest, with ads between (Politico): the lead opens
 * the text; a teaser of that class, its text a link, does not.
 */
static void
test_split_lead(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	const char *lead, *rest;
	int k;

	tq_buf_adds(&b, "<html><head><title>The vice-presidential debate"
	    "</title><meta property=og:type content=article><meta property="
	    "article:published_time content=2016-10-04></head><body><div "
	    "class=teasers><div class=story-text><p><a href=/other>Another "
	    "story of the day, linked whole from this teaser, which is no "
	    "part of the story below.</a></p></div></div><section class="
	    "\"page-content__row\"><div class=container><h1>The "
	    "vice-presidential debate</h1></div></section><div class="
	    "\"container__row container__row--story\"><div class=\"container"
	    "__column container__column--story\"></div><div class=\""
	    "container__column container__column--story center\"><div "
	    "class=story-text><div class=story-meta><p class=story-meta__"
	    "credit>\"A quote,\" a Republican told us. | Illustration by the "
	    "paper</p><p class=story-meta__authors>By <a href=/staff/s>"
	    "Steven Shepard</a></p></div><p>Tim Kaine is not Mike Pence's "
	    "only opponent on Tuesday night in the only debate between the "
	    "vice-presidential hopefuls.</p><p>That is one reason the "
	    "panel of activists is more hopeful about Kaine's chances than "
	    "about Pence's.</p></div></div></div><section class=ads><div "
	    "class=ad>Advertisement</div></section><section class=\""
	    "page-content__row main-section\"><div class=\"container "
	    "container--story\"><div class=\"container__column container__"
	    "column--story center hide-under-medium\"></div><div class=\""
	    "container__column container__column--story\"><div class=\""
	    "container__row container__row--story fluid-fixed\"><div class="
	    "\"container__column container__column--story center\"><div "
	    "class=story-text>");
	for (k = 0; k < 8; k++)
		tq_buf_addf(&b, "<p>Part %d of the story goes on with what the "
		    "panel said about the debate, the candidates and the "
		    "weeks before the vote, at some length.</p>", k);
	tq_buf_adds(&b, "</div></div></div></div></div></section></body>"
	    "</html>");
	if (extract_str(b.data, "https://news.example/debate", &d) != 0) {
		ok(0, "split lead: extract");
		free(b.data);
		return;
	}
	lead = strstr(d.text, "Tim Kaine is not");
	rest = strstr(d.text, "Part 0 of the story");
	ok(lead != NULL && rest != NULL && lead < rest &&
	    has(d.text, "That is one reason"), "split lead: the lead opens "
	    "the story");
	ok(!has(d.text, "Another story of the day"), "split lead: not a "
	    "teaser of the body's class");
	tq_doc_free(&d);
	free(b.data);
}

/*
 * Widgets' one-line labels in more languages: Japanese share buttons,
 * Polish "Czytaj więcej", Russian "читайте также"; not in a sentence.
 */
static void
test_more_labels(void)
{
	struct tq_buf b = { 0 };
	struct tq_doc d;
	int k;

	tq_buf_adds(&b, "<html><head><title>Kraj</title><meta property="
	    "og:type content=article></head><body><h1>Kraj</h1><ul class=x>"
	    "<li>\xe3\x82\xb7\xe3\x82\xa7\xe3\x82\xa2</li><li>\xe3\x83\x84"
	    "\xe3\x82\xa4\xe3\x83\xbc\xe3\x83\x88</li></ul>");
	for (k = 0; k < 4; k++)
		tq_buf_adds(&b, "<p>Rada miasta zebrała się we wtorek, aby "
		    "omówić plan budowy nowego mostu przez rzekę, który ma "
		    "połączyć obie części miasta.</p>");
	tq_buf_adds(&b, "<p><a href=/more>Czytaj wi\xc4\x99" "cej</a></p>"
	    "<p>\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb5 \xd1"
	    "\x82\xd0\xb0\xd0\xba\xd0\xb6\xd0\xb5</p><p>Most ma by\xc4\x87 "
	    "gotowy za trzy lata; czytaj wi\xc4\x99" "cej w planie miasta, "
	    "kt\xc3\xb3ry rada opublikuje w maju.</p></body></html>");
	if (extract_str(b.data, "https://gazeta.example/most", &d) != 0) {
		ok(0, "more labels: extract");
		free(b.data);
		return;
	}
	ok(has(d.text, "Rada miasta") && !has(d.text, "\xe3\x82\xb7\xe3\x82"
	    "\xa7\xe3\x82\xa2") && !has(d.text, "\xe3\x83\x84\xe3\x82\xa4"),
	    "more labels: Japanese share buttons go");
	ok(!has(d.text, "Czytaj") && !has(d.text, "\xd1\x87\xd0\xb8\xd1\x82"),
	    "more labels: Polish and Russian read-more lines go");
	ok(has(d.text, "czytaj wi\xc4\x99" "cej w planie"), "more labels: "
	    "not in a sentence");
	tq_doc_free(&d);
	free(b.data);
}

int
main(void)
{
	const char *p;

	if ((p = getenv("TQ_TEST_PAGES")) != NULL && *p)
		pages = p;
	/* under valgrind (0600-extract.t sets it) everything is slower;
	 * the tag soups are shorter there */
	if ((p = getenv("TQ_TEST_SLOW")) != NULL && *p)
		slow = 40;
	test_sha256();
	test_news();
	test_blog();
	test_docs();
	test_ldjson();
	test_types();
	test_rules();
	test_panel_titles();
	test_heading_ids();
	test_section_ids();
	test_math();
	test_edit_links();
	test_popup_link();
	test_labels_i18n();
	test_signatories();
	test_consent_banner();
	test_body_parts();
	test_stray_quote();
	test_linked_titles();
	test_types2();
	test_listing();
	test_forum();
	test_forum2();
	test_forum3();
	test_product();
	test_service();
	test_type4();
	test_type6();
	test_hostile();
	test_raw_text();
	test_many_scripts();
	test_doctype();
	test_optional_ends();
	test_table_sections();
	test_math_refs();
	test_recall();
	test_article4();
	test_prod5();
	test_prod5_forum();
	test_docs5();
	test_shadow();
	test_prod_name();
	test_frame();
	test_form_messages();
	test_style_names();
	test_ld_howto();
	test_references();
	test_ld_lead();
	test_body_sections();
	test_section_headings();
	test_soft_hyphens();
	test_joiners();
	test_separators();
	test_author_bio();
	test_builder_rows();
	test_subtitle();
	test_recipe_photos();
	test_print_steps();
	test_prose_header();
	test_paper_abstract();
	test_noscript_markup();
	test_ld_markup();
	test_ld_cdata();
	test_data_table();
	test_tab_panels();
	test_post_classes();
	test_label_words();
	test_comment_parts();
	test_br_spans();
	test_label_pieces();
	test_byline_leads();
	test_wrapped_paragraphs();
	test_site_titles();
	test_shown_date();
	test_node_authors();
	test_split_lead();
	test_more_labels();
	return done_testing();
}
