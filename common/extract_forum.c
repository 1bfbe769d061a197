/*
 * extract_forum.c - the chrome of each post of a forum or Q&A thread:
 * the short lines that forum software puts around every post (vote
 * and like counts, post numbers, "Reply", "Quote", "Top", reply and
 * view counters) and the headings of the lists of similar threads
 * below it, that hold no words of the thread.  ex_chrome_lead() asks
 * ex_forum_chrome() about the short blocks of a page found to be a
 * forum, in the article pass and the broad pass alike.
 *
 * The authors, dates and texts of the posts stay: a post's own
 * <header>, which holds its time, is no page header (ex_post_header(),
 * which ex_small_struct() asks).  The comments under a question or an
 * answer are no posts: extract_tree.c hides the itemprop=comment
 * elements inside a microdata Question or Answer (ex_qa_type()); a
 * forum's replies stay.  extract.c says how the stages fit together.
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

/* The buttons and links of a post, standing alone. */
static const char *const actions[] = {
	"top", "parent", "quote", "reply", "share", "report", "permalink",
	"link", "flag", "follow", "like", "thanks", "edit", "delete",
	"bookmark", "cite", "save", "vote", "upvote", "downvote", "helpful",
	"website", "pm", "email", "back to top", "add a comment",
	"improve this answer", "improve this question", "share this post",
	"link to post", "report abuse", "mark as solution",
	"accepted answer", "accepted solution", "solved", "best answer",
	NULL
};

/*
 * The headings of the lists of other threads below a thread; the
 * list goes with its heading (ex_broad_pass).
 */
static const char *const others[] = {
	"similar threads", "related threads", "similar topics",
	"related topics", "suggested topics", "similar questions",
	"related questions", "linked questions", "explore related questions",
	"hot network questions", "more discussions", "related discussions",
	NULL
};

/* What a post's counters count ("3 Likes", "Replies 12"). */
static const char *const counted[] = {
	"like", "likes", "thanks", "answer", "answers", "reply", "replies",
	"comment", "comments", "vote", "votes", "point", "points", "view",
	"views", "reaction", "reactions", "upvote", "upvotes", "follower",
	"followers", "post", "posts", "helpful", "kudos", "people like this",
	"users like this", "person likes this", NULL
};

/* Skip a count: digits with "," or ".", an optional "k" or "m". */
static const char *
skip_count(const char *p)
{
	const char *s = p;

	while (isdigit((unsigned char)*p) || ((*p == ',' || *p == '.') &&
	    isdigit((unsigned char)p[1])))
		p++;
	if (p > s && (*p == 'k' || *p == 'K' || *p == 'm' || *p == 'M') &&
	    !isalpha((unsigned char)p[1]))
		p++;
	return p > s ? p : NULL;
}

/*
 * A counter: "3 Likes", "[ 2 ] Thanks", "Replies 1", "Views 1.9k",
 * "Likes: 4".
 */
/* Skip spaces, no-break spaces and the brackets in set. */
static const char *
skip_space(const char *p, const char *set)
{
	for (;;) {
		if (*p == ' ' || (*p != '\0' && strchr(set, *p) != NULL))
			p++;
		else if ((unsigned char)p[0] == 0xc2 &&
		    (unsigned char)p[1] == 0xa0)
			p += 2;
		else
			return p;
	}
}

static int
counter(const char *t)
{
	const char *p, *q, *w;

	p = skip_space(t, "[(");
	if ((q = skip_count(p)) != NULL) {
		q = skip_space(q, "])");
		return *q != '\0' && ex_in_list(q, strlen(q), counted);
	}
	for (w = p; isalpha((unsigned char)*p); p++)
		;
	if (!ex_in_list(w, (size_t)(p - w), counted))
		return 0;
	p = skip_space(p, ":");
	return (q = skip_count(p)) != NULL && *q == '\0';
}

/* A post's number, alone or before its date: "#12", "#3 · Jan 5". */
static int
post_number(const char *t)
{
	const char *p = t + 1;

	if (*t != '#' || !isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

int
ex_forum_chrome(struct ex *x, int i, const char *t)
{
	const char *p;
	size_t n = strlen(t);

	if (x->type != PT_FORUM || n == 0 || n > 60 ||
	    (x->n[i].flags & F_PRE))
		return 0;
	/* a vote count, a separator: no letters at all */
	for (p = t; *p && !isalpha((unsigned char)*p) &&
	    (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0' && n <= 12)
		return 1;
	if (ex_in_list(t, n, actions) || ex_in_list(t, n, others))
		return 1;
	return counter(t) || post_number(t);
}

/* A post's number beside its date ("#2 · Jan 15, 2024"). */
int
ex_post_number(struct ex *x, int i)
{
	char *t;
	int r;

	if (x->type != PT_FORUM || x->n[i].tlen < 2 || x->n[i].tlen > 8)
		return 0;
	t = ex_node_text(x, i, 20);
	r = post_number(t);
	free(t);
	return r;
}

/*
 * Forum software puts the time of each post in the post's own
 * <header> ("message-attribution"): that header is no page chrome.
 */
int
ex_post_header(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];
	int j, end;

	if (x->type != PT_FORUM || n->tag != TidyTag_HEADER ||
	    n->tlen > 200 || n->nsub > 60 || n->nhead > 0)
		return 0;	/* a heading: the thread's header */
	for (end = i; x->n[end].last >= 0; end = x->n[end].last)
		;
	for (j = i + 1; j <= end && j < i + 200; j++)
		if (x->n[j].tag == TidyTag_TIME)
			return 1;
	return 0;
}

int
ex_qa_type(const char *v)
{
	const char *p, *e;
	size_t n;

	for (p = v; *p; p = e) {
		while (*p == ' ')
			p++;
		for (e = p; *e && *e != ' '; e++)
			;
		for (n = (size_t)(e - p); n > 0 && p[n - 1] != '/'; n--)
			;
		if (((size_t)(e - p) - n == 8 && strncmp(p + n, "Question",
		    8) == 0) || ((size_t)(e - p) - n == 6 &&
		    strncmp(p + n, "Answer", 6) == 0))
			return 1;
	}
	return 0;
}
