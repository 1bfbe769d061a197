/*
 * ai_priv.h - what the files of the builtin AI provider share and
 * nothing else sees: limits, the tokens, sentences and candidates of
 * struct ctx, and the functions one file calls in another.  Include
 * after "tq.h".  ai_builtin.c says how the provider works.
 */
#ifndef TQ_AI_PRIV_H
#define TQ_AI_PRIV_H

#define AI_MAX_INPUT	(4 << 20)	/* bytes; the rest is cut off */
#define MAX_GRAPH	300		/* sentences in the TextRank graph */
#define MAX_SUMMARY	50		/* sentences */
#define DEF_KEYWORDS	10
#define MAX_KEYWORDS	100
#define KEYWORD_CHARS	100
#define WORD_CHARS	30		/* longer tokens make no keyword */
#define WPM		230		/* reading speed, words a minute */
#define DAMPING		0.85
#define MAX_NUMBERS	5
#define MAX_DATES	10
#define MAX_QUESTIONS	5
#define POINT_CHARS	200
#define SENTENCE_CHARS	1000		/* longer ones are cut, with "…" */

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define GROW(p, n, cap) do {						\
	if ((n) >= (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 64;				\
		(p) = xrealloc((p), (size_t)(cap) * sizeof(*(p)));	\
	}								\
} while (0)

/* Interned strings with dense ids. */
struct strtab {
	struct tq_buf	 pool;
	uint32_t	*off;
	uint32_t	*len;
	uint32_t	*hash;
	int		 n, cap;
	int		*slot;
	size_t		 nslot;
};

/* A distinct lower-case word of the text. */
struct word {
	int		 stem;
	int		 chars;
	int		 month;		/* see month_name() */
	int		 count;
	int		 nmid;		/* occurrences not first in sentence */
	int		 nmidcap;	/* of those, written with a capital */
	unsigned	 stop:1, alpha:1, nokw:1, weak:1;
	int		 nform;		/* spellings with capitals */
	size_t		 form_off[4];
	uint32_t	 form_len[4];
	int		 form_n[4];
};

struct stem {
	int		 tf;
	int		 last;		/* sentence that counted it in df */
	int		 df;
	int		 title;
	int		 dfg;		/* df in the graph */
	int		 post;		/* first posting */
};

#define TK_NUM		0x001	/* digits, no letter */
#define TK_ALNUM	0x002	/* letters and digits */
#define TK_CAP		0x004	/* has a capital */
#define TK_ALLCAP	0x008
#define TK_FIRST	0x010	/* first of its sentence */
#define TK_BREAK	0x020	/* a phrase cannot run into it */
#define TK_NOKW		0x040	/* in a URL, address or dotted name */
#define TK_DATE		0x080
#define TK_KEEP		0x100	/* an acronym, never a stopword */
#define TK_LOWER	0x200	/* has a lower-case letter */

struct tok {
	size_t		 off;
	uint32_t	 len;
	int		 word;
	int		 sent;
	unsigned	 flags;
};

#define SF_LINE		0x001	/* the only sentence of its line */
#define SF_NOTERM	0x002	/* no closing punctuation */
#define SF_QUESTION	0x004
#define SF_COLON	0x008
#define SF_LIST		0x010
#define SF_HEADING	0x020
#define SF_SHOUT	0x040	/* capitals only */
#define SF_TITLECASE	0x080
#define SF_OK		0x100	/* may be a summary sentence */

struct sent {
	size_t		 off, len;
	int		 para;
	int		 t0, nt;
	unsigned	 flags;
	double		 prior, score;
	int		 v0, nv;	/* term vector */
	double		 norm;
};

struct term {
	int		 stem;
	double		 w;
};

struct cand {
	int		 s[3];		/* stems; -1 when shorter */
	int		 n;
	int		 f;
	int		 super;		/* frequency of a longer phrase */
	int		 first;		/* sentence */
	int		 var[3][3];	/* spellings, as word ids */
	int		 vtok[3];	/* a first token of each */
	int		 varn[3];
	int		 nvar;
	double		 score;
};

struct numhit {
	size_t		 a, b;		/* the value */
	int		 t0, t1;	/* tokens of the value */
	int		 prio;
	const char	*kind;
};

struct ctx {
	const char	*text;
	size_t		 len;
	const char	*lang;
	const char	*swlang;	/* the stopword list used */
	int		 npara;

	struct sent	*sent;
	int		 nsent, capsent;
	struct tok	*tok;
	int		 ntok, captok;
	struct strtab	 words;
	struct word	*w;
	int		 capw;
	struct strtab	 stems;
	struct stem	*st;
	int		 capst;
	struct term	*term;
	int		 nterm, capterm;

	int		*order;		/* summary candidates, best first */
	int		 norder;

	struct cand	*cand;
	int		 ncand, capcand;
	int		*cslot;
	size_t		 ncslot;
	int		*kw;		/* chosen candidates, best first */
	int		 nkw;

	struct tq_buf	 kb, nb;	/* scratch keys */
};

/* ai_text.c: strings and characters; sentences */
uint32_t	ai_fnv(const void *p, size_t n);
int		ai_strtab_get(struct strtab *t, const char *s, size_t n, int add,
	    int *isnew);
const char	*ai_strtab_str(const struct strtab *t, int k);
void		ai_strtab_free(struct strtab *t);
int		ai_inlist(const char *const *list, size_t n, const char *w);
int		ai_space_cp(uint32_t c);
int		ai_ascii_space(char ch);
int		ai_digit(uint32_t c);
int		ai_apostrophe(uint32_t c);
int		ai_hyphen(uint32_t c);
int		ai_question(uint32_t c);
int		ai_closer(uint32_t c);
int		ai_opener(uint32_t c);
size_t		ai_next_cp(const struct ctx *c, size_t i, size_t end,
	    uint32_t *cp);
size_t		ai_prev_cp(const struct ctx *c, size_t lo, size_t i,
	    uint32_t *cp);
void		ai_add_trunc(struct tq_buf *b, const char *s, size_t len,
	    size_t max);
json_t		*ai_jsentence(const struct ctx *c, size_t off, size_t len);
json_t		*ai_jspan(const struct ctx *c, size_t off, size_t len);
void		ai_split(struct ctx *c);

/* ai_words.c: words */
void		ai_tokenize(struct ctx *c, int si);
void		ai_survey(struct ctx *c);
void		ai_title_stems(struct ctx *c, const char *title);

/* ai_summary.c: summary */
int		ai_content_tok(const struct ctx *c, const struct tok *t);
void		ai_rank(struct ctx *c);
int		*ai_pick(const struct ctx *c, int n, int *np);
char		*ai_summary(struct ctx *c, int want);

/* ai_keywords.c: keywords */
void		ai_keywords(struct ctx *c, int max);
json_t		*ai_keyword_json(const struct ctx *c, int max);

/* ai_insights.c: insights */
int		ai_month_name(const char *w);
json_t		*ai_insights(struct ctx *c);

#endif
