/*
 * jsonio.c - records out as NDJSON (one compact object per line,
 * flushed) or, on a terminal, as aligned columns; lines in.
 */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tq.h"

static int table;
static int header_done;
static int color;	/* failed rows in red: tq_term_color() */

/* A table cell: a page's or a server's text must not drive the terminal. */
static const char *
vis_cell(const char *s)
{
	return tq_vis_tmp(s);
}

/*
 * A terminal that takes escapes: TERM=dumb (Emacs's shell, a serial
 * console) shows them as garbage, so it gets none.
 */
int
tq_term_escapes(int fd)
{
	const char *t = getenv("TERM");

	return isatty(fd) && (t == NULL || strcmp(t, "dumb") != 0);
}

/*
 * And colours too: NO_COLOR (https://no-color.org) turns them off
 * when it holds anything, not when it is set but empty.
 */
int
tq_term_color(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return tq_term_escapes(fd) && (nc == NULL || *nc == '\0');
}

void
tq_out_init(enum tq_outmode m)
{
	if (m == TQ_OUT_AUTO)
		table = isatty(STDOUT_FILENO);
	else
		table = m == TQ_OUT_TABLE;
	header_done = 0;
	color = table && tq_term_color(STDOUT_FILENO);
}

int
tq_out_is_table(void)
{
	return table;
}

void
tq_out_json(json_t *o)
{
	char *s = json_dumps(o, TQ_JSON_PRINT | JSON_ENCODE_ANY);

	if (s != NULL) {
		fputs(s, stdout);
		putchar('\n');
		free(s);
	}
	tq_out_flush();
}

const char *
tq_jstr(json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL && *s != '\0' ? s : dflt;
}

long long
tq_jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ tables */

struct tq_table {
	size_t		 ncols;
	const char	*align;		/* 'l' or 'r' per column */
	char		**cells;	/* rows * ncols, row 0 the header */
	size_t		 nrows;
};

struct tq_table *
tq_table_new(const char *align, ...)
{
	struct tq_table *t = xcalloc(1, sizeof(*t));
	const char *h;
	va_list ap;
	size_t i;

	t->ncols = strlen(align);
	t->align = align;
	t->cells = xcalloc(t->ncols, sizeof(*t->cells));
	va_start(ap, align);
	for (i = 0; i < t->ncols; i++) {
		h = va_arg(ap, const char *);
		t->cells[i] = xstrdup(h);
	}
	va_end(ap);
	t->nrows = 1;
	return t;
}

void
tq_table_row(struct tq_table *t, ...)
{
	const char *c;
	va_list ap;
	size_t i;

	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols *
	    sizeof(*t->cells));
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		c = va_arg(ap, const char *);
		t->cells[t->nrows * t->ncols + i] = xstrdup(c != NULL ?
		    vis_cell(c) : "-");
	}
	va_end(ap);
	t->nrows++;
}

void
tq_table_print(struct tq_table *t)
{
	size_t *w, r, i, n;

	w = xcalloc(t->ncols, sizeof(*w));
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if ((n = tq_utf8_width(t->cells[r * t->ncols + i],
			    strlen(t->cells[r * t->ncols + i]))) > w[i])
				w[i] = n;
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			const char *c = t->cells[r * t->ncols + i];
			int pad = (int)(w[i] - tq_utf8_width(c, strlen(c)));

			if (t->align[i] == 'r')
				printf("%*s%s", pad, "", c);
			else if (i + 1 < t->ncols)
				printf("%s%*s", c, pad, "");
			else
				fputs(c, stdout);
			fputs(i + 1 < t->ncols ? "  " : "\n", stdout);
		}
	}
	tq_out_flush();
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(w);
	free(t);
}

/* A table cell: a page's or a server's text must not drive the terminal. */
#define vis	tq_vis_tmp

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? vis(s) : "-";
}

#define num	tq_jint

static const char *
dur(json_t *o, const char *k, char *buf, size_t n)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_number(v))
		return "-";
	return tq_fmt_duration(json_number_value(v), buf, n);
}

static void
item_row(json_t *it)
{
	json_t *res = json_object_get(it, "result");
	json_t *as = json_object_get(it, "attempts"), *a;
	const char *err = json_string_value(json_object_get(it,
	    "error_message"));
	const char *url = json_string_value(json_object_get(it, "url"));
	char *r = NULL, d[32];
	size_t i;
	int red;

	if (json_is_object(res))
		r = json_dumps(res, JSON_COMPACT);
	red = color && strcmp(str(it, "status"), "failed") == 0;
	printf("%s  %-10lld %-15s %-10s %7lld  %s%s%s%s\n", red ?
	    "\033[31m" : "", num(it, "item_id"), str(it, "item_type"),
	    str(it, "status"), num(it, "retry_count"), url ? vis(url) : "",
	    url ? "  " : "", vis(r ? r : err ? err : ""), red ? "\033[0m" :
	    "");
	free(r);
	json_array_foreach(as, i, a) {
		err = json_string_value(json_object_get(a, "error_message"));
		printf("      #%-3lld %-9s %7s  %s  %s%s%s\n", num(a, "attempt"),
		    str(a, "outcome"), dur(a, "duration", d, sizeof(d)),
		    str(a, "started_at"), str(a, "worker_id"),
		    err ? "  " : "", err ? vis(err) : "");
	}
}

/* Under a task's row: its chain links and its notification, if any. */
static void
chain_rows(json_t *t)
{
	json_t *n = json_object_get(t, "notification");
	long long p = num(t, "parent_task_id"), x = num(t, "next_task_id");

	if (p > 0 || x > 0) {
		printf("  chain:");
		if (p > 0)
			printf(" after task %lld%s", p, x > 0 ? "," : "");
		if (x > 0)
			printf(" then task %lld", x);
		printf("%s\n", json_is_true(json_object_get(t,
		    "awaiting_parent")) ? " (awaiting its parent)" : "");
	}
	if (json_is_object(n)) {
		const char *e = json_string_value(json_object_get(n,
		    "last_error"));

		if (json_is_string(json_object_get(n, "delivered_at")))
			printf("  notify: delivered %s, attempt %lld\n",
			    str(n, "delivered_at"), num(n, "attempts"));
		else
			printf("  notify: %s after %lld attempt%s%s%s\n",
			    json_is_string(json_object_get(n, "gave_up_at")) ?
			    "gave up" : "not delivered yet", num(n, "attempts"),
			    num(n, "attempts") == 1 ? "" : "s", e ? ": " : "",
			    e ? vis(e) : "");
	}
}

void
tq_out_task(json_t *t, int items)
{
	json_t *its, *it;
	size_t i;
	char d[32];
	int red;

	if (!table) {
		tq_out_json(t);
		return;
	}
	if (!header_done) {
		printf("%-8s %-14s %-10s %5s %9s %6s %6s %8s  %s\n", "TASK",
		    "TYPE", "STATUS", "PROG", "DONE", "FAILED", "TOTAL",
		    "DURATION", "CREATED");
		header_done = 1;
	}
	red = color && strcmp(str(t, "status"), "failed") == 0;
	printf("%s%-8lld %-14s %-10s %4lld%% %9lld %6lld %6lld %8s  %s%s\n",
	    red ? "\033[31m" : "", num(t, "id"), str(t, "type"),
	    str(t, "status"), num(t, "progress"), num(t, "completed_items"),
	    num(t, "failed_items"), num(t, "total_items"), dur(t, "duration",
	    d, sizeof(d)), str(t, "created_at"), red ? "\033[0m" : "");
	if (json_is_string(json_object_get(t, "message")))
		printf("  %s\n", str(t, "message"));
	chain_rows(t);
	its = json_object_get(t, "items");
	if (items && json_is_array(its) && json_array_size(its) > 0) {
		printf("  %-10s %-15s %-10s %7s  %s\n", "ITEM", "ITEM_TYPE",
		    "STATUS", "RETRIES", "URL  RESULT OR ERROR");
		json_array_foreach(its, i, it)
			item_row(it);
	}
	tq_out_flush();
}

/*
 * A byte at a time (getc_unlocked() is a macro on the buffer), not
 * getline(): that grows its buffer to whatever the line holds, so one
 * endless line (a stray binary, /dev/zero) took all memory; and its
 * -1 is both the end and a read error.  A long line's excess is read
 * and dropped, so that the next line is read as one.
 */
int
tq_read_line(FILE *f, char **line, size_t *cap)
{
	size_t n = 0;
	int c, nul = 0, over = 0;

	if (*line == NULL || *cap < 128) {
		*cap = 128;
		*line = xrealloc(*line, *cap);
	}
	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n + 1 == *cap) {
			if (n == TQ_LINE_MAX) {
				over = 1;
				continue;
			}
			*cap = *cap * 2 > TQ_LINE_MAX + 1 ? TQ_LINE_MAX + 1 :
			    *cap * 2;
			*line = xrealloc(*line, *cap);
		}
		nul |= c == '\0';
		(*line)[n++] = (char)c;
	}
	funlockfile(f);
	(*line)[n] = '\0';
	if (c == EOF && ferror(f))
		return TQ_LINE_ERR;
	if (c == EOF && n == 0 && !over)
		return 0;
	if (over)
		return TQ_LINE_LONG;
	/* C strings would end at it and drop the rest of the line */
	if (nul)
		return TQ_LINE_NUL;
	while (n > 0 && (*line)[n - 1] == '\r')
		(*line)[--n] = '\0';
	return 1;
}

int
tq_ids_add(struct tq_ids *ids, const char *word, char *why, size_t whylen)
{
	long long id = 0;
	char *w = xstrdup(word), *t = tq_trim(w);
	int rc = 0;

	if (*t == '\0' || *t == '#')
		goto out;
	if (*t == '{') {
		json_error_t je;
		json_t *o = json_loads(t, 0, &je), *v;

		v = json_object_get(o, "task_id");
		if (!json_is_integer(v))
			v = json_object_get(o, "id");
		if (o == NULL)
			snprintf(why, whylen, "malformed JSON record: %s",
			    vis(je.text));
		else if (json_is_integer(v) && json_integer_value(v) > 0)
			id = json_integer_value(v);
		else
			snprintf(why, whylen, "record has no task_id");
		json_decref(o);
		if (id == 0) {
			rc = -1;
			goto out;
		}
	} else if (tq_parse_id(t, &id) == -1) {
		char *shown = tq_redact_url(t);

		snprintf(why, whylen, "not a task id: %s", tq_vis_arg(shown));
		free(shown);
		rc = -1;
		goto out;
	}
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 16;
		ids->v = xrealloc(ids->v, ids->cap * sizeof(*ids->v));
	}
	ids->v[ids->n++] = id;
out:
	free(w);
	return rc;
}

static void
ids_from(struct tq_ids *ids, FILE *f)
{
	char *line = NULL, why[512];
	size_t cap = 0;
	long n = 0;
	int k;

	while ((k = tq_read_line(f, &line, &cap)) != 0) {
		n++;
		/* the ids read may not be all: act on none */
		if (k == TQ_LINE_ERR)
			errx(TQ_EXIT_INPUT, "stdin: %s", strerror(errno));
		if (k == TQ_LINE_NUL) {
			warnx("line %ld: a NUL byte in the line", n);
			ids->bad++;
		} else if (k == TQ_LINE_LONG) {
			warnx("line %ld: longer than %d MiB", n,
			    TQ_LINE_MAX >> 20);
			ids->bad++;
		} else if (tq_ids_add(ids, line, why, sizeof(why)) == -1) {
			warnx("line %ld: %s", n, why);
			ids->bad++;
		}
	}
	free(line);
}

size_t
tq_ids_collect(struct tq_ids *ids, int argc, char **argv)
{
	char why[512];
	int i, used_stdin = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (!used_stdin)
				ids_from(ids, stdin);
			used_stdin = 1;
		} else if (strspn(argv[i], " \t\n\r\f\v") ==
		    strlen(argv[i])) {
			warnx("\"%s\": not a task id: the operand is blank",
			    vis(argv[i]));
			ids->bad++;
		} else if (tq_ids_add(ids, argv[i], why, sizeof(why)) == -1) {
			warnx("%s", why);
			ids->bad++;
		}
	}
	if (argc == 0 && !isatty(STDIN_FILENO))
		ids_from(ids, stdin);
	return ids->n;
}

void
tq_ids_free(struct tq_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

/* Where tq_task_json() writes: stdout, or a buffer. */
struct sink {
	struct tq_buf	*b;	/* NULL: stdout */
};

static void
put(struct sink *k, const char *s, size_t n)
{
	if (k->b != NULL)
		tq_buf_add(k->b, s, n);
	else
		fwrite(s, 1, n, stdout);
}

/* "key":value of one of o's members, as json_dumps() writes it in o */
static void
put_member(struct sink *k, const char *key, json_t *v)
{
	json_t *one = json_object();
	char *s;

	json_object_set(one, key, v);
	if ((s = json_dumps(one, TQ_JSON_PRINT)) != NULL) {
		put(k, s + 1, strlen(s) - 2);	/* without { } */
		free(s);
	}
	json_decref(one);
}

/*
 * The items of h, from the first batch (got, which is taken), each
 * batch through fix: in JSON as the array json_dumps() writes (k), in
 * a table (k NULL) as rows.
 */
static int
put_items(struct sink *k, json_t *rec, struct tq_items *h, json_t *got,
    void (*fix)(json_t *, json_t *), struct tq_err *err)
{
	json_t *batch = got, *it;
	size_t i, rows = 0;
	char *s;

	while (json_array_size(batch) > 0) {
		if (fix != NULL)
			fix(rec, batch);
		json_array_foreach(batch, i, it) {
			if (k == NULL) {
				if (rows++ == 0)
					printf("  %-10s %-15s %-10s %7s  %s\n",
					    "ITEM", "ITEM_TYPE", "STATUS",
					    "RETRIES", "URL  RESULT OR ERROR");
				item_row(it);
			} else if ((s = json_dumps(it, TQ_JSON_PRINT |
			    JSON_ENCODE_ANY)) != NULL) {
				put(k, rows++ == 0 ? "[" : ",", 1);
				put(k, s, strlen(s));
				free(s);
			}
		}
		json_decref(batch);
		if ((batch = tq_task_items_next(h, err)) == NULL)
			return -1;
	}
	json_decref(batch);
	if (k != NULL)
		put(k, rows == 0 ? "[]" : "]", rows == 0 ? 2 : 1);
	return 0;
}

/* The record as JSON into k, its items from h (the first batch got). */
static int
put_task(struct sink *k, json_t *rec, struct tq_items *h, json_t *got,
    void (*fix)(json_t *, json_t *), struct tq_err *err)
{
	json_t *v;
	const char *key;
	int n = 0;

	put(k, "{", 1);
	json_object_foreach(rec, key, v) {
		if (n++ > 0)
			put(k, ",", 1);
		if (strcmp(key, "items") != 0) {
			put_member(k, key, v);
			continue;
		}
		put(k, "\"items\":", 8);
		if (put_items(k, rec, h, got, fix, err) == -1)
			return -1;
		got = NULL;
	}
	json_decref(got);	/* no "items" member: none printed */
	put(k, "}", 1);
	return 0;
}

int
tq_task_json(struct tq_buf *b, json_t *rec, struct tq_items *h,
    void (*fix)(json_t *, json_t *), struct tq_err *err)
{
	struct sink k = { b };
	json_t *got;

	if ((got = tq_task_items_next(h, err)) == NULL)
		return -1;
	return put_task(&k, rec, h, got, fix, err);
}

int
tq_out_task_items(json_t *rec, struct tq_items *h,
    void (*fix)(json_t *, json_t *), struct tq_err *err, int *begun)
{
	struct sink k = { NULL };
	json_t *got;
	int rv;

	*begun = 0;
	if ((got = tq_task_items_next(h, err)) == NULL)
		return -1;
	*begun = 1;
	if (table) {
		tq_out_task(rec, 0);
		rv = put_items(NULL, rec, h, got, fix, err);
	} else {
		rv = put_task(&k, rec, h, got, fix, err);
		putchar('\n');	/* a line cut short ends too */
	}
	tq_out_flush();
	return rv;
}
