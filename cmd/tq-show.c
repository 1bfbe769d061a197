/*
 * tq-show - read what tq produced, without SQL: for a task, a link, a
 * URL, a parsed content or an AI content, the article that was parsed
 * (title, site, language, date, words; its text with -t) and what the
 * AI stage made of it (summary, keywords, insights, model).  One JSON
 * line per link in a pipe, a readable page on a terminal; and the
 * Notion pages each AI content went to.  Read-only.
 *
 * Every operand becomes a list of link ids (tq_content_links(), sql/
 * 0006), and every link one record (tq_content_records()); a link asked
 * for twice is printed once.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "tq.h"

static struct option longopts[] = {
	{ "text", no_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static int quiet, with_text;

/*
 * The links shown so far, each once whatever names it: a set, open
 * addressing (a task of a million links was a quadratic scan).
 */
static long long *shown;	/* 0: free */
static size_t nshown, cap;

static int
seen(long long link)
{
	size_t i, k;
	long long *old;

	if (nshown * 2 >= cap) {
		old = shown;
		k = cap;
		cap = cap ? cap * 2 : 1024;
		shown = xcalloc(cap, sizeof(*shown));
		nshown = 0;
		for (i = 0; i < k; i++)
			if (old[i] != 0)
				seen(old[i]);
		free(old);
	}
	for (i = (size_t)link * 0x9e3779b97f4a7c15ULL & (cap - 1);
	    shown[i] != 0; i = (i + 1) & (cap - 1))
		if (shown[i] == link)
			return 1;
	shown[i] = link;
	nshown++;
	return 0;
}

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-show [-hHjqtvV] [-d database-url] "
	    "[task | kind:id | url | -] ...\n");
	exit(status);
}

/* a member's string, NULL if missing or empty */
#define jstr(o, k)	tq_jstr(o, k, NULL)

/*
 * Text wrapped at 72 columns of the terminal (a Chinese character
 * takes 2, a combining mark none), its first line after first (an
 * indent, or a bullet), the others indented as far.  Its control
 * characters are made visible first, line by line, so that what is
 * measured is what is shown; a word wider than a line (Chinese,
 * Japanese or Thai, written without spaces) is cut between grapheme
 * clusters, so that no line opens with a vowel sign.
 */
static void
wrap(const char *s, const char *first)
{
	struct tq_buf b = { 0 };
	const char *p, *sp;
	char *line;
	size_t col, n, w, in = strlen(first);

	tq_buf_add(&b, "", 0);
	for (p = s; *p != '\0'; p += n) {
		n = strcspn(p, "\n");
		line = xstrndup(p, n);
		tq_buf_addvis(&b, line);
		free(line);
		if (p[n] == '\n')
			tq_buf_add(&b, "\n", 1), n++;
	}
	for (p = b.data; *p != '\0'; ) {
		if (p == b.data)
			fputs(first, stdout);
		else
			printf("%*s", (int)in, "");
		col = in;
		while (*p == ' ')
			p++;
		while (*p != '\0' && *p != '\n') {
			sp = p + strcspn(p, " \n");
			w = tq_utf8_width(p, (size_t)(sp - p));
			if (col > in && col + 1 + w > 72)
				break;
			if (col > in) {
				putchar(' ');
				col++;
			}
			if (col + w > 72) {
				n = tq_utf8_fit_width(p, (size_t)(sp - p),
				    col < 72 ? 72 - col : 0);
				/* a letter with its signs, a conjunct whole */
				if (tq_utf8_gfloor(p, (size_t)(sp - p), n) > 0)
					n = tq_utf8_gfloor(p, (size_t)(sp - p),
					    n);
				if (n == 0)	/* not one: one all the same */
					n = tq_utf8_seq(p, (size_t)(sp - p));
				if (n == 0)
					n = 1;
				fwrite(p, 1, n, stdout);
				p += n;
				break;
			}
			fwrite(p, 1, (size_t)(sp - p), stdout);
			col += w;
			p = sp;
			while (*p == ' ')
				p++;
		}
		putchar('\n');
		if (*p == '\n')
			p++;
	}
	tq_buf_free(&b);
}

static void
page(json_t *r)
{
	json_t *ai = json_object_get(r, "ai"), *a, *kw, *ins, *pts, *v;
	const char *s;
	size_t i, k;
	int sep = 0;

	printf("%s\n", jstr(r, "title") ? tq_vis_tmp(jstr(r, "title")) :
	    "(not parsed)");
	printf("  %s  (link %lld", tq_vis_tmp(jstr(r, "url")),
	    (long long)json_integer_value(json_object_get(r, "link_id")));
	if (json_is_integer(json_object_get(r, "parsed_content_id")))
		printf(", parsed content %lld", (long long)json_integer_value(
		    json_object_get(r, "parsed_content_id")));
	printf(")\n");
	if (json_is_integer(json_object_get(r, "parsed_content_id"))) {
		printf("  ");
		if ((s = jstr(r, "site_name")) != NULL) {
			printf("%s", tq_vis_tmp(s));
			sep = 1;
		}
		if ((s = jstr(r, "byline")) != NULL) {
			printf("%sby %s", sep ? " · " : "", tq_vis_tmp(s));
			sep = 1;
		}
		if ((s = jstr(r, "lang")) != NULL) {
			printf("%s%s", sep ? " · " : "", tq_vis_tmp(s));
			sep = 1;
		}
		if ((s = jstr(r, "published")) != NULL) {
			printf("%s%s", sep ? " · " : "", tq_vis_tmp(s));
			sep = 1;
		}
		printf("%s%lld words\n", sep ? " · " : "",
		    (long long)json_integer_value(json_object_get(r,
		    "word_count")));
		if ((s = jstr(r, "description")) != NULL)
			wrap(s, "  ");
	}
	json_array_foreach(ai, i, a) {
		printf("\n  AI content %lld, model %s, %s\n",
		    (long long)json_integer_value(json_object_get(a,
		    "ai_content_id")), tq_vis_tmp(jstr(a, "model") ?
		    jstr(a, "model") : "?"), jstr(a, "created_at") ?
		    jstr(a, "created_at") : "");
		if ((s = jstr(a, "summary")) != NULL) {
			printf("  Summary:\n");
			wrap(s, "    ");
		}
		kw = json_object_get(a, "keywords");
		if (json_array_size(kw) > 0) {
			printf("  Keywords:");
			json_array_foreach(kw, k, v)
				printf("%s %s", k ? "," : "",
				    tq_vis_tmp(json_string_value(v) ?
				    json_string_value(v) : ""));
			printf("\n");
		}
		json_array_foreach(json_object_get(a, "notion"), k, v)
			printf("  Notion: %s  (%s, database %s)\n",
			    tq_vis_tmp(jstr(v, "url") ? jstr(v, "url") :
			    "(no page yet)"), tq_vis_tmp(jstr(v, "status") ?
			    jstr(v, "status") : "?"), tq_vis_tmp(jstr(v,
			    "database_id") ? jstr(v, "database_id") : "?"));
		ins = json_object_get(a, "insights");
		pts = json_object_get(ins, "points");
		if (json_array_size(pts) > 0) {
			printf("  Insights:\n");
			json_array_foreach(pts, k, v)
				if (json_is_string(v))
					wrap(json_string_value(v), "   - ");
		}
	}
	if (with_text && (s = jstr(r, "text")) != NULL) {
		printf("\n  Text:\n");
		wrap(s, "    ");
	}
	printf("\n");
	tq_out_flush();
}

#define BATCH	500	/* links to a query */

/* Print the records of links[0..n), those that have one. */
static void
print_records(PGconn *db, const long long *links, size_t n)
{
	struct tq_err e = { 0 };
	json_t *recs, *rec;
	size_t i;

	if ((recs = tq_content_records(db, &e, links, n, with_text)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	json_array_foreach(recs, i, rec) {
		if (json_is_null(rec))
			continue;
		if (tq_out_is_table())
			page(rec);
		else
			tq_out_json(rec);
	}
	json_decref(recs);
}

/* Print the record of each link of (kind, id); 0 if there was one. */
static int
show(PGconn *db, const char *kind, long long id, const char *what)
{
	struct tq_err e = { 0 };
	json_t *links, *l;
	long long batch[BATCH];
	size_t i, nb = 0;

	if ((links = tq_content_links(db, &e, kind, id)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if (json_array_size(links) == 0) {
		json_decref(links);
		if (!quiet)
			warnx("%s: %s", tq_vis_tmp(what),
			    strcmp(kind, "task") == 0 ? "no such task, or it "
			    "has no items" : "not found");
		return -1;
	}
	json_array_foreach(links, i, l) {
		long long link = json_integer_value(l);

		if (link <= 0 || seen(link))
			continue;
		batch[nb++] = link;
		if (nb == BATCH) {
			print_records(db, batch, nb);
			nb = 0;
		}
	}
	if (nb > 0)
		print_records(db, batch, nb);
	json_decref(links);
	return 0;
}

/*
 * An operand as messages name it: its password as ***, as everywhere,
 * control bytes made visible, cut to some 80 bytes, and an empty one
 * said to be empty.
 */
static char *
named(const char *w)
{
	char *r = tq_redact_url(w), *v;

	if (*r == '\0') {
		free(r);
		return xstrdup("an empty operand");
	}
	v = xstrdup(tq_vis_arg(r));
	free(r);
	return v;
}

/* A link by URL, as tq-submit stored it (normalised). */
static int
show_url(PGconn *db, const char *url)
{
	struct tq_err e = { 0 };
	char *norm = NULL, *shown = named(url);
	long long id;
	int rv = -1;

	if (tq_url_check(url, &norm, &e) == -1) {
		warnx("%s: %s", shown, e.msg);
		goto out;
	}
	id = tq_link_find(db, &e, norm);
	free(norm);
	if (id == -1)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if (id == 0) {
		if (!quiet)
			warnx("%s: no such link", shown);
		goto out;
	}
	rv = show(db, "link", id, shown);
out:
	free(shown);
	return rv;
}

/*
 * One operand or input line: a task id, kind:id (task, link, parsed,
 * ai), a URL, or a record with task_id (tq-submit, tq-wait).
 */
static int
operand(PGconn *db, const char *w)
{
	static const char *kinds[] = { "task", "link", "parsed", "ai" };
	char why[512], *shown;
	long long id;
	size_t i, n;

	/* the scheme in any case, as tq-submit takes it */
	if (strncasecmp(w, "http://", 7) == 0 ||
	    strncasecmp(w, "https://", 8) == 0)
		return show_url(db, w);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		n = strlen(kinds[i]);
		if (strncmp(w, kinds[i], n) == 0 && w[n] == ':') {
			if (tq_parse_id(w + n + 1, &id) == -1)
				break;
			return show(db, kinds[i], id, w);
		}
	}
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		struct tq_ids ids = { 0 };

		if (tq_ids_add(&ids, w, why, sizeof(why)) == 0 && ids.n == 1) {
			id = ids.v[0];
			tq_ids_free(&ids);
			snprintf(why, sizeof(why), "task %lld", id);
			return show(db, "task", id, why);
		}
		tq_ids_free(&ids);
	}
	shown = named(w);
	warnx("%s: not a task id, kind:id (task, link, parsed, ai) or URL",
	    shown);
	free(shown);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	char *line = NULL;
	size_t cap = 0;
	int ch, i, rv, status = TQ_EXIT_OK, any = 0, rerr = 0;
	long nline = 0;
	PGconn *db;

	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	while ((ch = tq_getopt(argc, argv, "d:HhjqtVv", longopts, "dHhjqVv")) !=
	    -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 't':
			with_text = 1;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (tq_config_check(TQ_CFG_DB) == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	if (argc == 0 && isatty(STDIN_FILENO))
		usage(stderr, TQ_EXIT_USAGE);
	tq_out_init(om);
	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	for (i = 0; !rerr && (i < argc || (argc == 0 && i == 0)); i++) {
		if (argc > 0 && strcmp(argv[i], "-") != 0) {
			rv = operand(db, argv[i]);
			any = 1;
			if (rv == -1)
				status = TQ_EXIT_INPUT;
			continue;
		}
		while ((rv = tq_read_line(stdin, &line, &cap)) != 0) {
			char *t;

			nline++;
			/* no end: the lines read may not be all there are */
			if (rv == TQ_LINE_ERR) {
				warnx("stdin: %s", strerror(errno));
				status = TQ_EXIT_INPUT;
				rerr = any = 1;
				break;
			}
			if (rv == TQ_LINE_NUL || rv == TQ_LINE_LONG) {
				if (rv == TQ_LINE_NUL)
					warnx("line %ld: a NUL byte in the "
					    "line", nline);
				else
					warnx("line %ld: longer than %d MiB",
					    nline, TQ_LINE_MAX >> 20);
				status = TQ_EXIT_INPUT;
				continue;
			}
			t = tq_trim(line);
			if (*t == '\0' || *t == '#')
				continue;
			any = 1;
			if (operand(db, t) == -1)
				status = TQ_EXIT_INPUT;
		}
	}
	if (!any) {
		warnx("nothing to show");
		status = TQ_EXIT_INPUT;
	}
	free(line);
	free(shown);
	PQfinish(db);
	return status;
}
