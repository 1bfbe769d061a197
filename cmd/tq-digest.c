/*
 * tq-digest - run the builtin AI provider on a plain-text article and
 * print its result as one JSON object (the ai stage's result record).
 *
 * The article is the file operand, else stdin when it is not a TTY;
 * paragraphs are separated by blank lines.  Bytes that are not UTF-8
 * are read as U+FFFD and NUL bytes are dropped; binary data (NUL bytes,
 * control characters or U+FFFD in more than 5% of the start, as
 * tq-extract) is bad input, so that no garbage reaches the JSON.
 * Nothing here reaches the network or reads a key: the same input
 * always gives the same output.
 *
 * --bench N is left out of usage() and the manual: it runs the
 * provider N times in this process (summary, keywords and insights)
 * and prints the median time, for bench/ai.sh.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tq.h"

static int iflag;
static int kflag;
static int nflag;
static const char *tflag;
static int bench;
static char vname[1024];	/* the file operand, for messages */

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-hijvV] [-k keywords] [-n sentences] "
	    "[-t title] [file]\n", getprogname());
	exit(TQ_EXIT_USAGE);
}

static void
help(void)
{
	printf("usage: %s [-hijvV] [-k keywords] [-n sentences] [-t title] "
	    "[file]\n"
	    "Summarise a plain-text article with the builtin provider.\n\n"
	    "  -h, --help            show this help\n"
	    "  -i, --insights        add insights (reading time, figures, "
	    "dates, ...)\n"
	    "  -j, --json            print JSON (the default)\n"
	    "  -k, --keywords N      at most N keywords (default 10)\n"
	    "  -n, --sentences N     N summary sentences (default 3 to 5)\n"
	    "  -t, --title T         the article's title, a hint for "
	    "ranking\n"
	    "  -V, --version         print the version\n", getprogname());
	exit(TQ_EXIT_OK);
}

static int
number(const char *s, int max, const char *opt)
{
	const char *e = NULL;
	long long v;

	v = strtonum(s, 1, max, &e);
	if (e != NULL) {
		warnx("%s: %s: %s", opt, tq_vis_arg(s), e);
		usage();
	}
	return (int)v;
}

/* strerror(3) in lower case, as our messages are. */
static const char *
errtext(int e)
{
	static char buf[128];

	switch (e) {
	case ENOENT:
		return "no such file";
	case EACCES:
		return "permission denied";
	case EISDIR:
		return "is a directory";
	}
	snprintf(buf, sizeof(buf), "%s", strerror(e));
	buf[0] = tolower((unsigned char)buf[0]);
	return buf;
}

/*
 * Slurp f as UTF-8: invalid bytes become U+FFFD, NUL bytes go.  NULL
 * with errno on failure, or with *big set past TQ_INPUT_MAX (only the
 * first 4 MiB are analysed, but all is read to be cleaned: without a
 * cap, /dev/zero or a stray disk image took all memory and aborted);
 * *binary set if it is binary data, not text.
 */
static char *
slurp(FILE *f, int *binary, int *big)
{
	struct tq_buf b = { 0 };
	char chunk[65536], *s;
	size_t n, len, i, nul = 0;

	*big = 0;
	tq_buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > TQ_INPUT_MAX) {
			tq_buf_free(&b);
			*big = 1;
			return NULL;
		}
		tq_buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		tq_buf_free(&b);
		return NULL;
	}
	/* a stray NUL is dropped, many say binary: the clean copy has none */
	n = b.len < 4096 ? b.len : 4096;
	for (i = 0; i < n; i++)
		nul += b.data[i] == '\0';
	s = tq_utf8_clean(b.data, b.len, &len);
	tq_buf_free(&b);
	*binary = nul * 20 > n || tq_looks_binary(s, len);
	return s;
}

static int
by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
run_bench(struct tq_ai_request *req)
{
	struct tq_ai_result res;
	struct tq_err e;
	const char *p;
	double *ms, t;
	long words = 0;
	int i, in = 0;

	for (p = req->text; *p != '\0'; p++) {	/* as wc -w */
		if (isspace((unsigned char)*p))
			in = 0;
		else if (!in) {
			in = 1;
			words++;
		}
	}
	req->want_summary = req->want_keywords = req->want_insights = 1;
	ms = xcalloc(bench, sizeof(*ms));
	for (i = 0; i < bench; i++) {
		memset(&e, 0, sizeof(e));
		tq_ai_result_init(&res);
		t = mono();
		if (tq_ai_builtin(req, &res, &e) == -1)
			errx(TQ_EXIT_INPUT, "%s", e.msg);
		ms[i] = mono() - t;
		tq_ai_result_free(&res);
	}
	qsort(ms, bench, sizeof(*ms), by_double);
	t = bench % 2 ? ms[bench / 2] : (ms[bench / 2 - 1] + ms[bench / 2]) / 2;
	printf("ai builtin: %ld words in %.1f ms (median of %d)\n", words, t,
	    bench);
	free(ms);
	return TQ_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bench",	required_argument,	NULL,	'B' },
		{ "insights",	no_argument,		NULL,	'i' },
		{ "keywords",	required_argument,	NULL,	'k' },
		{ "sentences",	required_argument,	NULL,	'n' },
		{ "title",	required_argument,	NULL,	't' },
		{ NULL,		0,			NULL,	0 }
	};
	struct tq_ai_request req;
	struct tq_ai_result res;
	struct tq_err e;
	const char *name = "stdin";
	FILE *f = stdin;
	json_t *o;
	char *text, *out, *s;
	enum tq_outmode om = TQ_OUT_JSON;
	int ch, binary = 0, big, status = TQ_EXIT_OK;
	double t0;

	tq_log_init();
	while ((ch = tq_getopt(argc, argv, "hijk:n:t:Vv", longopts, "hjVv")) !=
	    -1) {
		/* -j: JSON is all it prints */
		if (tq_opt_common(ch, optarg, &om, NULL))
			continue;
		switch (ch) {
		case 'B':
			bench = number(optarg, 100000, "--bench");
			break;
		case 'h':
			help();
			break;
		case 'i':
			iflag = 1;
			break;
		case 'k':
			kflag = number(optarg, 100, "-k");
			break;
		case 'n':
			nflag = number(optarg, 50, "-n");
			break;
		case 't':
			tflag = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		warnx("%s: one file at a time", tq_vis_arg(argv[1]));
		usage();
	}
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		s = tq_vis(argv[0]);	/* for messages */
		snprintf(vname, sizeof(vname), "%s", s);
		free(s);
		name = vname;
		if ((f = fopen(argv[0], "re")) == NULL) {
			warnx("%s: %s", name, errtext(errno));
			return TQ_EXIT_INPUT;
		}
	} else if (argc == 0 && isatty(STDIN_FILENO))
		usage();
	if ((text = slurp(f, &binary, &big)) == NULL) {
		if (big)
			warnx("%s: larger than %d MiB", name,
			    TQ_INPUT_MAX >> 20);
		else
			warnx("%s: %s", name, errtext(errno));
		return TQ_EXIT_INPUT;
	}
	if (f != stdin)
		fclose(f);
	if (binary) {
		warnx("%s: binary data, not text", name);
		free(text);
		return TQ_EXIT_INPUT;
	}

	memset(&req, 0, sizeof(req));
	req.title = tflag;
	req.text = text;
	req.want_summary = 1;
	req.want_keywords = 1;
	req.want_insights = iflag;
	req.summary_sentences = nflag;
	req.max_keywords = kflag;
	if (bench > 0) {
		status = run_bench(&req);
		free(text);
		return status;
	}

	memset(&e, 0, sizeof(e));
	tq_ai_result_init(&res);
	t0 = tq_mono();
	if (tq_ai_builtin(&req, &res, &e) == -1) {
		warnx("%s: %s", name, e.msg);
		status = TQ_EXIT_INPUT;
	} else {
		if (tq_loglevel >= TQ_LOG_DEBUG)	/* -v */
			tq_log(TQ_LOG_DEBUG, "digested", json_pack("{s:s,"
			    "s:I,s:s,s:f}", "file", name, "bytes",
			    (json_int_t)strlen(text), "language",
			    res.language ? res.language : "", "ms",
			    (tq_mono() - t0) * 1000));
		o = tq_ai_result_json(&res);
		if ((out = json_dumps(o, TQ_JSON_PRINT)) == NULL)
			errx(1, "out of memory");
		printf("%s\n", out);
		free(out);
		json_decref(o);
	}
	tq_ai_result_free(&res);
	free(text);
	return status;	/* a write error on stdout: cli.c, at exit */
}
