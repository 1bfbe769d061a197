/*
 * extract_forum.c - the chrome of each post of a forum or Q&A thread:
 * the short lines that forum software puts around every post (vote
 * and like counts, post numbers, "Reply", "Quote", "Top", reply and
 * view counters, who liked it, a user's stats, the note of the last
 * edit, a pager), the calls to sign in or to join and the prompts for
 * feedback, what a moderator did to the thread, and the headings of
 * the lists of similar threads below it, that hold no words of the
 * thread.  ex_chrome_lead() asks ex_forum_chrome() about the short
 * blocks of a page found to be a forum, in the article pass and the
 * broad pass alike; the broad pass asks ex_forum_drop() about every
 * element: the thread's title (the document's title holds it; also
 * with the board's and the site's names after it), its tags and
 * category badges, the details of a user panel written as a <dl> or
 * as lines of "Label: value" after its join date, the rest of an
 * author's <aside> after the name, a rank as a badge, the menu to jump
 * to another forum, the short one of a date written twice in a <time>,
 * the mark "(edited)" beside a post's date, the reputation and badges
 * after an author's name.
 * (extract_tree.c hides a signature marked by its data-role, on any
 * page.)
 *
 * The authors, dates and texts of the posts stay: a post's own
 * <header>, which holds its time or its author, and an <aside> that
 * holds its author are no page chrome (ex_post_header(), which
 * ex_small_struct() asks), nor is the signature below a question or an
 * answer that holds its author marked in microdata (ex_qa_signature()),
 * with its time (ex_qa_time()).
 * The comments under a question or an answer are no posts:
 * extract_tree.c hides the itemprop=comment elements inside a
 * microdata Question or Answer (F_QA); a forum's replies stay.
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

/*
 * The notes a board puts below a thread for visitors: calls to sign
 * up or to ask, who else is reading.
 */
static const char *const notes[] = {
	"start asking to get answers",
	"find the answer to your question by asking",
	"see similar questions with these tags",
	"browse other questions tagged", "not the answer you're looking for",
	"recently browsing", "no registered users viewing this page",
	"users browsing this thread", "users browsing this forum",
	"members viewing this thread", NULL
};

/*
 * The calls to visitors at the head of a longer line: to sign in or to
 * join, who else is reading, a feedback prompt ("Sign in or create
 * your free account to comment, ...", "Recently Browsing 0 members",
 * "Did this help? Please give feedback ...").
 */
static const char *const calls[] = {
	"sign in or ", "sign up or ", "log in or ", "login or ",
	"register or ", "please sign in", "please log in", "please login",
	"please register", "please create an account", "you must be logged in",
	"you need to be logged in", "join the discussion",
	"join the conversation", "recently browsing", "did this help",
	"was this helpful", "was this answer helpful", "was this post helpful",
	NULL
};

/*
 * What a moderator did to the thread, in the stream of posts ("ines
 * changed the title to ...", "corra locked this topic").
 */
static const char *const modlog[] = {
	" changed the title to ", " locked this topic", " unlocked this topic",
	" pinned this topic", " unpinned this topic", " moved this topic",
	" closed this topic", " featured this topic", " unfeatured this topic",
	" merged a topic into this topic", " locked this thread",
	" pinned this thread", " moved this thread", NULL
};

/*
 * Is the text from t to p a name, or a time and a name ("ines",
 * "1 yr ines"): four words at most, 40 bytes at most?  ("Glad someone
 * finally locked this topic" is a post's sentence.)
 */
static int
by_name(const char *t, const char *p)
{
	const char *q;
	int words = 1;

	if (p == t || p - t > 40)
		return 0;
	for (q = t; q < p; q++)
		words += *q == ' ';
	return words <= 4;
}

/* The labels of a thread's overview, before a date or a name. */
static const char *const overview[] = {
	"created ", "last reply ", "last post ", "latest reply ",
	"last activity ", "started by ", "thread starter ", "start date ",
	"discussion starter ", NULL
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

/*
 * A counter: "3 Likes", "[ 2 ] Thanks", "Replies 1", "Views 1.9k",
 * "Likes: 4".
 */
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

/*
 * Who reacted to a post ("ines and corra like this.", "ines likes
 * this."), what a thread hides ("Show 3 more comments").
 */
static int
reactions(const char *t, size_t n)
{
	static const char *const ends[] = {
		" like this.", " likes this.", " like this", " likes this",
		" liked this", " reacted to this", NULL
	};
	const char *p;
	int k;

	for (k = 0; ends[k] != NULL; k++)
		if (n > strlen(ends[k]) && strcasecmp(t + n -
		    strlen(ends[k]), ends[k]) == 0)
			return 1;
	p = skip_space(t, "|");
	if (strncasecmp(p, "show ", 5) != 0 || (p = skip_count(p + 5)) == NULL)
		return 0;
	return strncasecmp(skip_space(p, ""), "more ", 5) == 0;
}

/*
 * A row of links to other threads or to pages, parted by bullets
 * (U+2022: "Visual Basic * Contests * 2 * 3"): mostly links, two
 * bullets or more.
 */
static int
bullet_links(struct ex *x, int i, const char *t)
{
	const char *p;
	int k = 0;

	if (x->n[i].llen * 2 < x->n[i].tlen)
		return 0;
	for (p = t; (p = strstr(p, " \xe2\x80\xa2 ")) != NULL && k < 2; p++)
		k++;
	return k >= 2;
}

/*
 * A thread's pages: numbers and the words and signs of a pager only,
 * one word at least ("Pages: 1 2", "Page 1 of 3", "1 (Go Down)").
 */
static int
sign(const char *p)
{
	static const char *const signs[] = {
		"\xc2\xa0", "\xc2\xab", "\xc2\xbb", "\xe2\x80\xa6",
		"\xe2\x80\xb9", "\xe2\x80\xba", "\xe2\x80\xa2",
		"\xe2\x86\x90", "\xe2\x86\x92", NULL
	};
	int k;

	for (k = 0; signs[k] != NULL; k++)
		if (strncmp(p, signs[k], strlen(signs[k])) == 0)
			return (int)strlen(signs[k]);
	return 0;
}

static int
pager(const char *t)
{
	static const char *const words[] = {
		"page", "pages", "of", "go", "down", "up", "next", "prev",
		"previous", "first", "last", "more", NULL
	};
	const char *p = t, *w;
	int digits = 0, named = 0, k;

	while (*p) {
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			digits++;
		} else if (isalpha((unsigned char)*p)) {
			for (w = p; isalpha((unsigned char)*p); p++)
				;
			if (!ex_in_list(w, (size_t)(p - w), words))
				return 0;
			named += p - w != 2 || strncasecmp(w, "of", 2) != 0;
		} else if (strchr(" :()[]|.,-<>", *p) != NULL)
			p++;
		else if ((k = sign(p)) > 0)
			p += k;
		else
			return 0;
	}
	return digits > 0 && named > 0;	/* a date or a time is no pager */
}

/*
 * The thread's byline above it, a linked name alone ("By ines"): the
 * name heads the first post too.  ("by ines >> Tue Aug 27", a post's
 * own author and date, stays, and so does "By the way".)
 */
static int
byline(struct ex *x, int i, const char *t)
{
	const char *p;
	int words = 1;

	if (!ex_starts_with(t, "by ") || strlen(t) > 40 ||
	    x->n[i].llen == 0)
		return 0;
	for (p = t + 3; *p; p++) {
		if (isdigit((unsigned char)*p) || *p == ':' || *p == ',')
			return 0;
		words += *p == ' ';
	}
	return words <= 4;
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

/*
 * A user's stats or a post's links on one line, parted by middle dots,
 * bars or bullets: counters, the date joined, post numbers and post
 * actions ("1,109 posts * Joined 2022", "Posts: 12 | Joined: 2019",
 * "#1 | Link").
 */
static int
stats(const char *t)
{
	static const char *const seps[] = {
		" \xc2\xb7 ", " | ", " \xe2\x80\xa2 ", NULL
	};
	char part[64];
	const char *p = t, *e, *q;
	size_t n, sl = 0;
	int k, parts = 0;

	for (;;) {
		for (e = NULL, k = 0; seps[k] != NULL; k++)
			if ((q = strstr(p, seps[k])) != NULL &&
			    (e == NULL || q < e)) {
				e = q;
				sl = strlen(seps[k]);
			}
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n >= sizeof(part))
			return 0;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!counter(part) && !post_number(part) &&
		    !ex_in_list(part, n, actions) &&
		    !ex_starts_with(part, "joined") &&
		    !ex_starts_with(part, "member since") &&
		    !ex_starts_with(part, "registered"))
			return 0;
		parts++;
		if (e == NULL)
			return parts > 1;
		p = e + sl;
	}
}

int
ex_forum_chrome(struct ex *x, int i, const char *t)
{
	const char *p;
	size_t n = strlen(t);
	int k;

	if (x->type != PT_FORUM || n == 0 || (x->n[i].flags & F_PRE))
		return 0;
	if (bullet_links(x, i, t))
		return 1;
	for (k = 0; calls[k] != NULL; k++)
		if (ex_starts_with(t, calls[k]))
			return 1;
	for (k = 0; modlog[k] != NULL; k++)
		if ((p = strcasestr(t, modlog[k])) != NULL && by_name(t, p))
			return 1;
	if (n > 60)
		return 0;
	/* a vote count, a separator: no letters at all */
	for (p = t; *p && !isalpha((unsigned char)*p) &&
	    (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0' && n <= 12)
		return 1;
	/* a count alone ("42.4k", "+11k"): a reputation, a score */
	if ((p = skip_count(skip_space(t, "[(+"))) != NULL &&
	    *skip_space(p, "])") == '\0')
		return 1;
	if (ex_in_list(t, n, actions) || ex_in_list(t, n, others) ||
	    ex_in_list(t, n - (t[n - 1] == '.' || t[n - 1] == '?'), notes))
		return 1;
	/* a thread's overview: "Created 1 yr", "Last reply 2 days" */
	for (k = 0; overview[k] != NULL; k++)
		if (n <= 40 && ex_starts_with(t, overview[k]))
			return 1;
	return counter(t) || stats(t) || post_number(t) || reactions(t, n) ||
	    pager(t) || byline(x, i, t);
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

/* The classes of a thread's header above the posts. */
static const char *const page_header[] = {
	"~pageheader", "page-header", "~topicheader", "topic-header",
	"~threadheader", "thread-header", NULL
};

/*
 * The classes of a thread's tags and category badges ("post-tag",
 * "tag-list", "badge-category").
 */
static const char *const tag_words[] = {
	"tag", "tags", "~taglist", "tag-list", "~tagitem", "tag-item",
	"~taglink", "tag-link", "~tagbox", "~categor", "~badge", NULL
};

/* The classes of a board's menu to jump to another forum. */
static const char *const jump_words[] = {
	"~forumjump", "forum-jump", "jumpbox", "qjump", "quickjump",
	"quick-jump", NULL
};

/*
 * A <time> written twice, long and short ("August 26, 2024" and
 * "1 yr"), one shown by the width of the screen: the short one goes.
 */
static int
short_time(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];

	return n->parent > 0 && x->n[n->parent].tag == TidyTag_TIME &&
	    n->attr != NULL && ex_word_at(n->attr, "~short") &&
	    x->n[n->parent].tlen > n->tlen;
}

/* The mark of an edited post beside its date: "(edited)". */
static int
edited_mark(struct ex *x, int i)
{
	char *t;
	int r;

	if (x->n[i].tlen < 6 || x->n[i].tlen > 8 || (x->n[i].flags & F_BLOCK))
		return 0;
	t = ex_node_text(x, i, 16);
	r = strcasecmp(t, "(edited)") == 0 || strcasecmp(t, "edited") == 0;
	free(t);
	return r;
}

/*
 * A post's user panel as a definition list: the author's name (a
 * link or bold) in the first <dt>, then short <dd>s of the author's
 * rank, post count, join date, location.  Is <dd> i one of those?
 */
static int
panel_dd(struct ex *x, int i)
{
	int dl = x->n[i].parent, j, end, dd = 0, named = 0;

	if (x->n[i].tag != TidyTag_DD || x->n[i].tlen > 80 || dl <= 0 ||
	    x->n[dl].tag != TidyTag_DL || x->n[dl].tlen > 400 ||
	    x->n[dl].nsub > 80)
		return 0;
	/* (the <dd>s gone before this one count too) */
	for (j = x->n[dl].first; j >= 0; j = x->n[j].next) {
		if (x->n[j].tag == XT_TEXT)
			continue;
		if (x->n[j].tag == TidyTag_DT && dd == 0 && !named) {
			named = j;
			continue;
		}
		if (x->n[j].tag != TidyTag_DD || x->n[j].tlen > 80)
			return 0;
		dd++;
	}
	if (!named || dd < 2 || x->n[named].tlen == 0 ||
	    x->n[named].tlen > 60)
		return 0;
	for (j = named + 1, end = ex_subtree_end(x, named); j <= end; j++)
		if (!x->dead[j] && (x->n[j].tag == TidyTag_A ||
		    x->n[j].tag == TidyTag_STRONG || x->n[j].tag == TidyTag_B) &&
		    x->n[j].tlen * 2 >= x->n[named].tlen)
			return 1;
	return 0;
}

/*
 * A heading of the thread's title and the names of its board and site
 * after it ("Oven spring - Bread Talk - Bakers"): the title, then a
 * dash, a bar, a colon pair or a guillemet.
 */
static int
title_trail(struct ex *x, int i)
{
	static const char *const seps[] = {
		" - ", " | ", " :: ", " \xc2\xbb ", " \xe2\x80\x93 ",
		" \xe2\x80\x94 ", NULL
	};
	size_t lt;
	char *t;
	int k, r = 0;

	if (x->doctitle == NULL || (lt = strlen(x->doctitle)) < 10 ||
	    x->n[i].tlen <= (int)lt || x->n[i].tlen > (int)lt + 80)
		return 0;
	t = ex_node_text(x, i, 400);
	if (strncasecmp(t, x->doctitle, lt) == 0)
		for (k = 0; seps[k] != NULL && !r; k++)
			r = strncmp(t + lt, seps[k], strlen(seps[k])) == 0;
	free(t);
	return r;
}

/*
 * A field of a user panel written as lines of "Label: value" ("Join
 * Date: Mar 2009", "Location: London", "Programs: BA Gold"): a line
 * of a label of one to three words and a short value, after a line of
 * the labels every board has ("Join Date:", "Posts:"), among its three
 * elder siblings.  ("Location:" alone is no mark: a post may list a
 * trip's place, budget and dates so.)
 */
static int
panel_field(struct ex *x, int i)
{
	static const char *const known[] = {
		"join date:", "joined:", "posts:", "messages:",
		"member since", "registered:", NULL
	};
	const char *p;
	char *t;
	int el[3], j, k, w, m = 0, steps = 0, words = 1, r = 0;

	if (x->n[i].tlen < 4 || x->n[i].tlen > 100 || x->n[i].nsub > 8 ||
	    !(x->n[i].flags & F_BLOCK) || x->n[i].nblock > 0)
		return 0;
	t = ex_node_text(x, i, 200);
	for (p = t; *p && *p != ':' && p - t < 25; p++) {
		if (*p == ' ')
			words++;
		else if (!isalpha((unsigned char)*p))
			break;
	}
	if (*p != ':' || p == t || words > 3) {
		free(t);
		return 0;
	}
	free(t);
	if (x->n[i].parent <= 0)
		return 0;
	/* the last three elements before i */
	for (j = x->n[x->n[i].parent].first; j >= 0 && j != i &&
	    steps < 100; j = x->n[j].next, steps++)
		if (x->n[j].tag != XT_TEXT)
			el[m++ % 3] = j;
	if (j != i)
		return 0;
	for (k = 0; k < 3 && k < m && !r; k++) {
		j = el[k];
		if (x->dead[j] || x->n[j].tlen > 100)
			continue;
		t = ex_node_text(x, j, 200);
		for (w = 0; known[w] != NULL && !r; w++)
			r = ex_starts_with(t, known[w]);
		free(t);
	}
	return r;
}

/* Does the text of i open with "Re:"? */
static int
reply_subject(struct ex *x, int i)
{
	char *t = ex_node_text(x, i, 16);
	int r = ex_starts_with(t, "re:") || ex_starts_with(t, "re :");

	free(t);
	return r;
}

/* A post's author pane as an <aside> ("ipsComment_author cAuthorPane")? */
static int
author_pane(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];

	return x->type == PT_FORUM && n->tag == TidyTag_ASIDE &&
	    n->tlen <= 400 && n->nsub <= 80 && n->attr != NULL &&
	    ex_word_at(n->attr, "~author");
}

/*
 * The note of a post's last edit, inline at the post's end ("Edited
 * August 26 by ines", "Last edited by ines; 01-02-2024").
 */
static int
edit_note(struct ex *x, int i)
{
	char *t;
	int r;

	if (x->n[i].tlen < 10 || x->n[i].tlen > 100 || x->n[i].nsub > 12)
		return 0;
	t = ex_node_text(x, i, 200);
	r = (ex_starts_with(t, "edited ") || ex_starts_with(t,
	    "last edited ")) && strstr(t, " by ") != NULL;
	free(t);
	return r;
}

/*
 * Is node i, inside a post's author marked in microdata, after the
 * author's name (the first text in it): a user's reputation, badges?
 */
static int
after_author(const struct ex *x, int i)
{
	int a, j;

	if ((x->n[i].flags & (F_AUTHOR | F_QA)) != (F_AUTHOR | F_QA))
		return 0;
	for (a = i; a > 0 && (x->n[x->n[a].parent].flags & F_AUTHOR); )
		a = x->n[a].parent;
	if (i - a > 400)
		return 0;	/* no author's card: leave it to the rest */
	for (j = a + 1; j < i; j++)
		if (x->n[j].tag == XT_TEXT && x->n[j].tlen > 0 &&
		    !(x->n[j].flags & F_HIDDEN) && !x->dead[j])
			return 1;
	return 0;
}

int
ex_forum_drop(struct ex *x, int i)
{
	const struct xn *n = &x->n[i];
	int j;

	if (x->type != PT_FORUM || n->tag == XT_TEXT)
		return 0;
	/*
	 * the thread's title, which the document's title holds: a
	 * heading, or a block or a bold line of about its length
	 */
	if ((ex_tag_is_heading(n->tag) || (n->tlen > 0 && x->doctitle !=
	    NULL && n->tlen * 3 <= (int)strlen(x->doctitle) * 4 &&
	    n->tlen * 4 >= (int)strlen(x->doctitle) * 3 &&
	    ((n->flags & F_BLOCK) || n->tag == TidyTag_STRONG ||
	    n->tag == TidyTag_B))) && ex_is_title(x, i))
		return 1;
	if (ex_tag_is_heading(n->tag) && title_trail(x, i))
		return 1;
	/* the thread's page header: title, byline, board, buttons */
	if (n->tlen <= 300 && n->attr != NULL &&
	    ex_match_any(n->attr, page_header))
		return 1;
	/* a reply's subject, the title again: "Re: ..." */
	if (n->tlen > 4 && n->tlen <= 200 && (ex_tag_is_heading(n->tag) ||
	    n->tag == TidyTag_A || n->tag == TidyTag_STRONG ||
	    n->tag == TidyTag_B) && reply_subject(x, i))
		return 1;
	/* the thread's tags: links only, marked as tags */
	if (n->tlen > 0 && n->tlen <= 200 && n->llen == n->tlen &&
	    n->attr != NULL && ex_match_any(n->attr, tag_words))
		return 1;
	/* a user's rank as a badge ("Level 5", "Moderator") */
	if (n->tlen > 0 && n->tlen <= 30 && n->nsub <= 4 &&
	    n->attr != NULL && ex_word_at(n->attr, "~badge"))
		return 1;
	/* the menu to jump to another forum */
	if (n->tlen <= 3000 && n->attr != NULL &&
	    ex_match_any(n->attr, jump_words))
		return 1;
	if (short_time(x, i) || edited_mark(x, i))
		return 1;
	/* a user's reputation and badges after the author's name */
	if (after_author(x, i))
		return 1;
	/* an author pane keeps the author's name, its first text */
	if (n->parent > 0 && author_pane(x, n->parent)) {
		for (j = x->n[n->parent].first; j >= 0 && j != i &&
		    (x->dead[j] || x->n[j].tlen == 0); j = x->n[j].next)
			;
		return j != i;
	}
	return panel_dd(x, i) || edit_note(x, i) || panel_field(x, i);
}

/*
 * Forum software puts the time or the author of each post in the
 * post's own <header> ("message-attribution", an itemprop=author):
 * that header is no page chrome.
 */
int
ex_post_header(const struct ex *x, int i)
{
	const struct xn *n = &x->n[i];
	int j, end;

	if (author_pane(x, i))
		return 1;
	if (x->type != PT_FORUM || n->tag != TidyTag_HEADER ||
	    n->tlen > 200 || n->nsub > 60 || n->nhead > 0)
		return 0;	/* a heading: the thread's header */
	for (end = i; x->n[end].last >= 0; end = x->n[end].last)
		;
	for (j = i + 1; j <= end && j < i + 200; j++)
		if (x->n[j].tag == TidyTag_TIME ||
		    ((x->n[j].flags & F_META) && x->n[j].tlen > 0))
			return 1;
	return 0;
}

/*
 * The signature below a question or an answer (Stack Exchange's
 * "post-signature"): a small block that its class calls a post's
 * chrome, but that holds the post's author marked as such in the
 * microdata Question or Answer (itemprop=author).  The author's name
 * and the signature's time stay (ex_qa_time()); the user's stats after
 * the name go (after_author()).
 */
int
ex_qa_signature(struct ex *x, int i)
{
	const struct xn *n = &x->n[i];
	int j, end;

	if (x->type != PT_FORUM || !(n->flags & F_QA) || n->tlen == 0 ||
	    n->tlen > 200 || n->nsub > 80)
		return 0;
	end = ex_subtree_end(x, i);
	for (j = i; j <= end; j++)
		if ((x->n[j].flags & F_AUTHOR) && !x->dead[j] &&
		    x->n[j].tlen > 0)
			return 1;
	return 0;
}

/*
 * Is block i, its text t, the time of a question or an answer in its
 * signature beside the author ("answered Mar 26, 2019 at 17:05"): the
 * post's date, no chrome?  An edit's signature holds no author.
 */
int
ex_qa_time(struct ex *x, int i, const char *t)
{
	int a, k;

	if (x->type != PT_FORUM || !(x->n[i].flags & F_QA) ||
	    (x->n[i].flags & F_AUTHOR) || x->n[i].tlen > 80 ||
	    (!ex_starts_with(t, "asked ") && !ex_starts_with(t, "answered ")))
		return 0;
	for (a = x->n[i].parent, k = 0; a > 0 && k < 4; a = x->n[a].parent,
	    k++)
		if (x->n[a].tlen > x->n[i].tlen && ex_qa_signature(x, a))
			return 1;
	return 0;
}

/*
 * A reply that quotes an earlier post repeats its paragraphs: the
 * second time, a paragraph of REPEAT_MIN bytes or more goes, and the
 * quote's header above it ("jane said:", "Originally Posted by jane",
 * "jane wrote:") with it.  Shorter lines ("Thanks!", a date) may well
 * repeat and stay.  The paragraphs seen are kept in an open-addressed
 * table of their hashes, so the whole text is read once.
 */
#define REPEAT_MIN	60

/* Is the line s (n bytes) a quote's header? */
static int
quote_header(const char *s, size_t n)
{
	static const char *const ends[] = { "said:", "wrote:", NULL };
	char buf[200];
	int k;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (k = 0; ends[k] != NULL; k++)
		if (n >= strlen(ends[k]) && strcasecmp(buf + n -
		    strlen(ends[k]), ends[k]) == 0)
			return 1;
	return ex_starts_with(buf[0] == '-' && buf[1] == ' ' ? buf + 2 : buf,
	    "originally posted by ");
}

void
ex_forum_repeats(char *text)
{
	uint64_t *tab, h;
	size_t cap, nlines = 1, len, k, slot, w, hdr = (size_t)-1, hdrw = 0;
	const char *p, *e, *s;
	int seen;

	len = strlen(text);
	for (k = 0; k < len; k++)
		nlines += text[k] == '\n';
	for (cap = 16; cap < nlines * 2; cap *= 2)
		;
	tab = xcalloc(cap, sizeof(*tab));
	for (p = text, w = 0; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		/* the line without the spaces around it */
		for (s = p; s < e && isspace((unsigned char)*s); s++)
			;
		k = (size_t)(e - s);
		while (k > 0 && isspace((unsigned char)s[k - 1]))
			k--;
		seen = 0;
		if (k >= REPEAT_MIN) {
			h = ex_fnv_len(s, k);
			for (slot = h & (cap - 1); tab[slot] != 0 &&
			    tab[slot] != h; slot = (slot + 1) & (cap - 1))
				;
			seen = tab[slot] == h;
			tab[slot] = h;
		}
		if (seen) {
			/* a quote's header just above goes with it */
			if (hdr != (size_t)-1)
				w = hdrw;
			hdr = (size_t)-1;
			continue;
		}
		if (k > 0) {
			if (quote_header(s, k)) {
				hdr = (size_t)(p - text);
				hdrw = w;
			} else
				hdr = (size_t)-1;
		}
		memmove(text + w, p, (size_t)(e - p));
		w += (size_t)(e - p);
		if (*e)
			text[w++] = '\n';
	}
	text[w] = '\0';
	free(tab);
}
