/*
 * extract_priv.h - what the files of the extractor share and nothing
 * else sees: limits, node and pass flags, struct xn and struct ex, and
 * the functions and tables one file uses in another.  Include after
 * <jansson.h>, <tidy/tidy.h>, <tidy/tidybuffio.h> and "tq.h".
 * extract.c says how the stages fit together.
 */
#ifndef TQ_EXTRACT_PRIV_H
#define TQ_EXTRACT_PRIV_H

#define EX_MAX_INPUT	(32 * 1024 * 1024)	/* bytes */
#define EX_MAX_TAGS	400000
#define EX_MAX_DEPTH	256			/* prescan's nesting estimate */
#define EX_MAX_TREE	1000			/* depth of the tree kept */
#define EX_JOIN_MAX	65536			/* text joined in a node */
#define EX_MAX_INLINE	32			/* open inline elements */
#define EX_MAX_ATTRS	256			/* attributes of a tag */
#define EX_MAX_ALL_ATTRS 200000			/* then 4 a tag */
#define EX_MAX_NODES	600000			/* elements tidy builds */
#define EX_MAX_LDJSON	8			/* JSON-LD blocks looked at */

#define XT_TEXT		(-1)

/* Node flags. */
#define F_PRE		0x0001	/* inside <pre>: keep whitespace */
#define F_LINK		0x0002	/* inside <a href> */
#define F_HIDDEN	0x0004	/* hidden by style, attribute or role */
#define F_BODYPROP	0x0008	/* itemprop=articleBody */
#define F_BADROLE	0x0010	/* role=navigation, complementary, ... */
#define F_BLOCK		0x0020	/* block-level element */
#define F_CUSTOM	0x0040	/* custom element */
#define F_META		0x0080	/* itemprop=author, datePublished, ... */
#define F_TAGLINK	0x0100	/* <a rel=tag> */
#define F_POST		0x0200	/* an embedded social post (tweet) */
#define F_NOSCRIPT	0x0400	/* <noscript>: shown if the page has no text */
#define F_MAIN		0x0800	/* <main> or role=main */
#define F_COLLAPSED	0x1000	/* a closed accordion or tab */
#define F_QA		0x2000	/* in a microdata Question or Answer */
#define F_TOGGLE	0x4000	/* a <button> opening an accordion's panel */
#define F_ANCHOR	0x8000	/* <a href="#..."> to a place in the page */
#define F_AUTHOR	0x10000	/* in an itemprop=author */
#define F_CMT		0x20000	/* a microdata Comment */
#define F_CONSENT	0x40000	/* a cookie or consent banner */
#define F_SHADOW	0x80000	/* a declarative shadow root shown */
#define F_SLOT		0x100000 /* a <slot> (its name in slot) */
#define F_FORM		0x200000 /* inside a <form> */
#define F_TAB		0x400000 /* a tab of a strip of tabs */
#define F_HOME		0x800000 /* <a href> to the site's home page */
/* what a node takes from its parent */
#define F_INHERIT	(F_PRE | F_LINK | F_HIDDEN | F_QA | F_AUTHOR | F_FORM)

/* Class/id words of a node, found once (struct xn's abits). */
#define A_UNLIKELY	0x1	/* rules the subtree out before scoring */
#define A_CHROME	0x2	/* page chrome on any kind of page */
#define A_CONSENT	0x4	/* names a cookie or consent banner */

/* Pass flags, cleared one by one when a pass yields too little. */
#define P_STRIP		0x1	/* drop unlikely candidates by class/id */
#define P_WEIGHT	0x2	/* weight candidates by class/id */
#define P_CLEAN		0x4	/* clean tables, lists, divs conditionally */

/* Elements that may name the author, kept in the tree's order. */
#define EX_AUTHORS	8

/* Page types, in the order of page_types[]. */
enum {
	PT_ARTICLE, PT_FORUM, PT_PRODUCT, PT_DOC, PT_SERVICE, PT_LISTING,
	PT_COLLECTION, PT_N
};

struct xn {
	int		 tag;		/* TidyTagId, or XT_TEXT */
	int		 parent, first, last, next;
	unsigned	 flags;
	const char	*text;		/* text node: collapsed text */
	const char	*attr;		/* element: class and id, lower case */
	const char	*slot;		/* slot= of an element, a slot's name */
	int		 weight;	/* class/id weight */
	unsigned char	 abits;		/* A_*: class/id words, found once */
	/* sums over the live subtree, recomputed per pass */
	int		 tlen;		/* characters of text */
	int		 llen;		/* characters inside links */
	int		 commas;
	int		 ends;		/* sentence ends: . ! ? and CJK's */
	int		 nimg, ninput, nembed;	/* this element alone */
	int		 np, nli, nblock, nhead, simg, sinput, sembed;
	int		 npost;		/* embedded posts, self included */
	int		 nsub;		/* nodes in the subtree, an upper bound */
	int		 hlen;		/* characters inside headings */
	double		 score;
	double		 best;		/* best score in the subtree */
	int		 scored;
};

struct ablk {
	struct ablk	*next;
	size_t		 used, cap;
	char		 data[];
};

struct meta {
	char		*key;		/* "name:description", "og:title" */
	char		*val;
};

struct ex {
	struct xn	*n;
	int		 nn, cap;
	struct ablk	*arena;
	struct meta	*meta;
	int		 nmeta, capmeta;
	json_t		*ld;		/* best JSON-LD object, or NULL */
	json_t		*ldpost;	/* first thread or question, or NULL */
	json_t		*ldproduct;	/* first product, or NULL */
	json_t		*ldhowto;	/* first HowTo or Recipe, or NULL */
	int		 ldrank;
	int		 nld;
	char		*title;		/* <title> */
	char		*lang;		/* <html lang> */
	char		*canonical;	/* <link rel=canonical> */
	char		*timedt;	/* first <time datetime> */
	char		*pubprop;	/* itemprop=datePublished */
	/* itemprop=author (rank 3), rel=author (2), .byline (1) */
	int		 author[EX_AUTHORS];
	int		 author_rank[EX_AUTHORS];
	int		 nauthor;
	int		 h1;		/* first <h1> */
	int		 noscript;	/* <noscript> content is shown */
	int		 collapsed;	/* closed accordions, tabs shown */
	int		 top;		/* the first pass's article, or -1 */
	int		 ptop;		/* the last pass's article, or -1 */
	int		 pt[PT_N];	/* evidence for each page type */
	int		 ncart;		/* "add to cart" buttons */
	int		 npre;		/* <pre> blocks */
	int		 nqa;		/* schema.org Question and Answer */
	int		 ncmt;		/* microdata Comments */
	int		 faq;		/* an FAQPage: no thread */
	int		 recipe;	/* a schema.org Recipe */
	int		 artmarks;	/* evidence for "article" */
	int		 ogonly;	/* and that is og:type alone */
	int		 toggle;	/* last element with aria-expanded */
	int		 tab;		/* last tab of a strip of tabs */
	struct exstream	*stream;	/* React's streamed segments, or NULL */
	int		 cleaned;	/* characters a list's cleaning took */
	int		 shadow_walk;	/* nodes shadow_root() looked at */
	int		 nshadow;	/* shadow roots shown (F_SHADOW) */
	size_t		 marks;		/* bytes of list marks in the last text */
	int		 type;		/* the page type found, PT_* */
	const char	*doctitle;	/* the title found, borrowed */
	const char	*docdesc;	/* and the description */
	int		 body;
	unsigned char	*dead;		/* per pass */
	TidyBuffer	 tb;
};


struct out {
	struct tq_buf	 b;
	int		 pend;		/* 1: newline, 2: blank line */
	int		 sp;		/* 1: a space is due, 2: a cell's " | " */
	size_t		 max;		/* stop adding past this, 0: no limit */
	int		 bullets;	/* mark list items ("- ", "2. ") */
	char		 mark[16];	/* the mark due before the next text */
	size_t		 marks;		/* bytes of the marks written */
};

/* extract.c */
void		*ex_aalloc(struct ex *x, size_t n);
char		*ex_astrndup(struct ex *x, const char *s, size_t n);
char		*ex_utf8_clean(const char *s, size_t n);
char		*ex_collapse(const char *s, size_t n, int trim);
int		ex_count_chars(const char *s);
int		ex_count_commas(const char *s);
int		ex_count_ends(const char *s);
char		*ex_lower_dup(const char *s);
int		ex_has_word(const char *s, const char *w);
int		ex_like_class(const char *a, const char *b);
void		ex_free(struct ex *x);
int		ex_starts_with(const char *s, const char *p);
/*
 * html parsed by tidy with the extractor's options; errbuf holds its
 * messages, *rc its status.  tidyBufFree(errbuf), tidyRelease() after.
 */
TidyDoc		ex_tidy_parse(const char *html, size_t len, TidyBuffer *errbuf,
		    int *rc);

/* extract_prescan.c */
char		*ex_strip_decls(const char *in, size_t inlen, size_t *outlen);
size_t		 ex_entity(const char *s, char *out, size_t *outlen);
void		 ex_read_refs(char *s);
int		ex_prescan(const char *s, size_t n, char **out,
	    size_t *outlen);
/* Is s (n bytes) one of list, in any case? */
int		ex_in_list(const char *s, size_t n, const char *const *list);

/* extract_tree.c */
int		ex_tag_is_heading(int tag);
/* FNV-1a of s, never 0 (0 marks a free slot of the hash tables). */
uint64_t	ex_fnv(const char *s);
uint64_t	ex_fnv_len(const char *s, size_t n);
const char	*ex_attr_get(TidyNode tn, const char *name);
char		*ex_tidy_text(struct ex *x, TidyDoc td, TidyNode top);
int		ex_is_hidden(struct ex *x, int i);
/* Clear dead[], then mark dead the hidden nodes and all below them */
void		ex_mark_hidden(struct ex *x);
void		ex_mark_consent(struct ex *x);
void		ex_build(struct ex *x, TidyDoc td);

/* extract_type.c */
int		ex_schema_page_type(const char *t);
unsigned	ex_schema_evidence(struct ex *x, const char *v, int ld);
void		ex_cart_evidence(struct ex *x, TidyDoc td, TidyNode tn);
int		ex_detect_type(struct ex *x, const char *url,
	    const struct tq_doc *doc);
int		ex_short_junk(struct ex *x, int i, int type);
int		ex_bare_url(struct ex *x, int i);
int		ex_chrome_lead(struct ex *x, int i);
int		ex_attr_chrome(const char *attr);
/* A currency sign or code beside a digit? */
int		ex_has_price(const char *t);
char		*ex_broad_pass(struct ex *x, int type);

/* extract_forum.c */
/* Is t, the text of block i, the chrome of a thread's post? */
int		ex_forum_chrome(struct ex *x, int i, const char *t);
/* Is inline element i a thread's post number ("#12")? */
int		ex_post_number(struct ex *x, int i);
/* Is node i the <header> of a thread's post, with the post's time? */
int		ex_post_header(const struct ex *x, int i);
/* Is node i of a thread's chrome by its place (title, tags, user panel)? */
int		ex_forum_drop(struct ex *x, int i);
/* Is node i the signature of a question or an answer, with its author? */
int		ex_qa_signature(struct ex *x, int i);
/* Is block i, its text t, the time in such a signature ("answered ...")? */
int		ex_qa_time(struct ex *x, int i, const char *t);
/* Drop from a thread's text the paragraphs a quote repeats. */
void		ex_forum_repeats(char *text);

/* extract_product.c */
/* The element sibling before node i, blank text skipped, or -1. */
int		ex_prev_sibling(struct ex *x, int i);
int		ex_stream_segment(TidyNode tn);
void		ex_stream_index(struct ex *x, TidyDoc td);
TidyNode	ex_stream_jump(struct ex *x, TidyNode tn);
int		ex_stream_skip(struct ex *x, TidyNode tn);
TidyNode	ex_stream_back(struct ex *x, TidyNode tn);
int		ex_closed_panel(struct ex *x, int i, TidyNode tn);
/* Stage 2: is the element a tab of a strip of tabs? */
int		ex_is_tab(TidyNode tn, const char *attr);
int		ex_button_tag(struct ex *x, TidyNode tn, int parent);
int		ex_product_evidence(struct ex *x, const int *price);
void		ex_product_clean(struct ex *x, int root, int end);
void		ex_product_finish(struct ex *x, int root);
int		ex_product_lead(const char *t);
/* Drop the sections whose heading opens with a word of heads[]. */
void		ex_drop_sections(struct ex *x, int root, int end,
	    const char *const *heads);
/* extract_service.c */
/* Is node i a page's hero (a <header>, a banner with the <h1>)? */
int		ex_service_hero(const struct ex *x, int i);
/* Does node i, chrome by its class, stay on a service page (a hero, a card's footer)? */
int		ex_service_keep(const struct ex *x, int i);
/* Is node i, of a role that is no content, tabs that hold the text? */
int		ex_service_tabs(const struct ex *x, int i);
/* Are most links below node i to places in the page (its contents)? */
int		ex_anchor_list(struct ex *x, int i);
/* Is node i, a list of short links, the list below its own heading? */
int		ex_service_links(struct ex *x, int i);
/* The broad pass on a service page: sections of news, related pages go. */
void		ex_service_clean(struct ex *x, int root, int end);
/* Does a <button> open an accordion's panel (aria-controls, -expanded)? */
int		ex_toggle_button(TidyNode tn);
/* The broad pass: accordions' toggles below root become headings */
void		ex_toggle_headings(struct ex *x, int root, int end);
/* extract_listing.c */
int		ex_listing_items(struct ex *x);
int		ex_listing_share(struct ex *x);
int		ex_listing_root(struct ex *x, int root);
int		ex_listing_part(struct ex *x, int i, int items);
void		ex_listing_clean(struct ex *x, int root);
int		ex_listing_links(struct ex *x, int i, int list, int entries);
void		ex_listing_repeats(char *text);

/* extract_facets.c */
unsigned char	*ex_facets_find(struct ex *x, int items);
int		 ex_facets_root(struct ex *x, int root, const unsigned char *fac);

/* extract_score.c */
extern const char *const ex_maybe_words[];
extern const int ex_struct_tags[];
int		ex_word_at(const char *s, const char *w);
int		ex_match_any(const char *s, const char *const *list);
int		ex_class_weight(const char *attr);
int		ex_attr_unlikely(const char *attr);
int		ex_attr_consent(const char *attr);
/* ex_mark_hidden(), ex_sums(): the body's unlinked text length */
int		ex_unhidden_len(struct ex *x);
/* Is node i dead, or its parent (then it is marked dead too)? */
int		ex_dead_below(struct ex *x, int i);
/* A <nav>, <aside>, ... holding at most half of bodylen? */
int		ex_small_struct(const struct ex *x, int i, int bodylen);
/* 1 if a word of attr is in sure, or some word is in words and none a maybe */
int		ex_attr_words(const char *attr, const char *const *words,
		    const char *const *sure);
/* 1 if fn holds for a class or id word of attr (of under 128 bytes) */
int		ex_attr_any(const char *attr, int (*fn)(const char *word));
void		ex_sums(struct ex *x);
double		ex_link_density(const struct xn *n);
/* A list that the paragraph (with heading, or heading) before it says? */
int		ex_announced(struct ex *x, int i, int heading);
int		ex_is_ancestor(struct ex *x, int a, int d);
void		ex_kill_node(struct ex *x, int i, int stop);
int		ex_subtree_end(struct ex *x, int i);
int		ex_sibling_before(const struct ex *x, int i);
/* s's letters and digits in lower case (ascii: no byte past 0x7f) */
void		ex_squash(const char *, char *, size_t, int);
/* Does the heading at i repeat the document's title? */
int		ex_is_title(struct ex *x, int i);
char		*ex_run_pass(struct ex *x, unsigned pf);

/* extract_render.c */
void		ex_out_break(struct out *o, int level);
void		ex_out_trim(struct out *o);
void		ex_render(struct ex *x, int root, struct out *o);
char		*ex_node_text(struct ex *x, int i, size_t max);
int		ex_has_sentence_end(struct ex *x, int i);
int		ex_text_ends(struct ex *x, int i, int c);
int		ex_about_same(const char *a, const char *b);
int		ex_same_as_desc(const char *, const char *);
int		ex_is_boilerplate(struct ex *x, int i, int leaf);

/* extract_meta.c */
void		ex_meta_add(struct ex *x, const char *key, const char *val);
const char	*ex_meta_get(struct ex *x, const char *key);
void		ex_ld_parse(struct ex *x, const char *s, size_t n);
const char	*ex_ld_str(json_t *v, const char *field);
char		*ex_norm_date(const char *in);
/* Is there a full date in a line of text ("Dec 16, 2025")? */
int		ex_text_date(const char *t);
int		ex_words(const char *s);
void		ex_fill_meta(struct ex *x, const char *url,
	    struct tq_doc *doc);

/* extract_recall.c */
/* The lead paragraphs above the article's first part first, into out */
int		ex_lead(struct ex *x, int first, int *out, int max);
int		ex_described_lead(struct ex *x, int first);
void		ex_ingredient_links(struct ex *x);
void		ex_drop_tail_headings(struct ex *x, int root);
int		ex_in_ingredients(struct ex *x, int i);
int		ex_ingredients(struct ex *x, const int *pick, int n, int *out,
		    int max);

#endif
