/*
 * tq-extract - extract the main content and metadata of one HTML page.
 *
 * Reads the page from the file operand or standard input, converts it
 * to UTF-8 (BOM, <meta charset>, else UTF-8 with a windows-1252
 * fallback), and prints one JSON object (title, byline, site_name,
 * lang, published, description, canonical_url, image_url, text,
 * word_count, content_hash, page_type) as a line, or with -t only the
 * main text.  The URL for relative links comes from -u or EXTRACT_URL.
 *
 * Invariants: stdout carries only the result; nothing is printed when
 * the input is bad (exit 3).  Input is capped at TQ_INPUT_MAX bytes.
 * The HTML parser (tidy 5.6) recurses without end on some rare tag soup
 * that tq_extract's prescan does not foresee; a SIGSEGV, on its own
 * stack, then ends the program as bad input rather than a crash.
 */
#include <sys/stat.h>

#include <signal.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tq.h"

static struct option longopts[] = {
	{ "text", no_argument, NULL, 't' },
	{ "url", required_argument, NULL, 'u' },
	{ NULL, 0, NULL, 0 }
};

static char crashmsg[600];
static char vname[256];	/* the file operand, for messages */

/* http:// or https://, any case, then a host */
static int
web_url(const char *u)
{
	size_t n;

	if (strncasecmp(u, "http://", 7) == 0)
		n = 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		n = 8;
	else
		return 0;
	return u[n] != '\0' && strchr("/?#:@", u[n]) == NULL;
}

static void
on_crash(int sig)
{
	(void)sig;
	(void)!write(2, crashmsg, strlen(crashmsg));
	_exit(TQ_EXIT_INPUT);
}

/* A stack overflow in the parser becomes "bad input", exit 3. */
static void
guard_crash(const char *name)
{
	static char altstack[65536];
	struct sigaction sa;
	stack_t ss;

	snprintf(crashmsg, sizeof(crashmsg), "%s: %s: the HTML parser "
	    "failed on this document (tag soup)\n", getprogname(), name);
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) == -1)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-extract [-hjtvV] [-u url] [file]\n");
	exit(status);
}

static const char *
errtext(int e)
{
	static char buf[128];

	if (e == ENOENT)
		return "no such file";
	snprintf(buf, sizeof(buf), "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* Read all of fd; -1 with errno, or -2 when larger than TQ_INPUT_MAX. */
static int
slurp(int fd, char **out, size_t *outlen)
{
	struct tq_buf b = { 0 };
	char chunk[65536];
	ssize_t n;

	tq_buf_add(&b, "", 0);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tq_buf_free(&b);
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > TQ_INPUT_MAX) {
			tq_buf_free(&b);
			return -2;
		}
		tq_buf_add(&b, chunk, (size_t)n);
	}
	*out = b.data;
	*outlen = b.len;
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *url = NULL, *name = "stdin", *used, *from = "-u";
	struct tq_doc doc;
	struct tq_err e;
	struct stat st;
	char *raw = NULL, *html = NULL, *s;
	size_t rawlen = 0, len = 0;
	enum tq_outmode om = TQ_OUT_JSON;
	int ch, fd = 0, text = 0, r, status = TQ_EXIT_INPUT;
	double t0;
	json_t *o;

	tq_log_init();
	while ((ch = tq_getopt(argc, argv, "hjtu:Vv", longopts, "hjVv")) !=
	    -1) {
		if (tq_opt_common(ch, optarg, &om, NULL)) {
			text = 0;	/* -j: the record, not the text */
			continue;
		}
		switch (ch) {
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 't':
			text = 1;
			break;
		case 'u':
			url = optarg;
			break;
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		warnx("%s: one file at a time", tq_vis_arg(argv[1]));
		usage(stderr, TQ_EXIT_USAGE);
	}
	if (url == NULL && (s = getenv("EXTRACT_URL")) != NULL && *s) {
		url = s;
		from = "EXTRACT_URL";
	}
	/* links resolve against an http or https URL with a host, or not */
	if (url != NULL && !web_url(url))
		errx(TQ_EXIT_USAGE, "%s %s: not an http or https URL", from,
		    tq_vis_arg(url));
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		s = tq_vis(argv[0]);	/* for messages */
		snprintf(vname, sizeof(vname), "%s", s);
		free(s);
		name = vname;
		if ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1) {
			warnx("%s: %s", name, errtext(errno));
			return TQ_EXIT_INPUT;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			warnx("%s: is a directory", name);
			close(fd);
			return TQ_EXIT_INPUT;
		}
	} else if (argc == 0 && isatty(0))
		usage(stderr, TQ_EXIT_USAGE);

	r = slurp(fd, &raw, &rawlen);
	if (fd != 0)
		close(fd);
	if (r == -1) {
		warnx("%s: %s", name, errtext(errno));
		return TQ_EXIT_INPUT;
	}
	if (r == -2) {
		warnx("%s: larger than %d MiB", name, TQ_INPUT_MAX >> 20);
		return TQ_EXIT_INPUT;
	}
	if (rawlen == 0) {
		warnx("%s: empty input", name);
		goto out;
	}
	t0 = tq_mono();
	html = tq_charset_to_utf8(raw, rawlen, NULL, 1, &len, &used);
	if (html == NULL) {
		warnx("%s: cannot convert to UTF-8", name);
		goto out;
	}
	memset(&e, 0, sizeof(e));
	guard_crash(name);
	if (tq_extract(html, len, url, &doc, &e) == -1) {
		warnx("%s: %s", name, e.msg);
		goto out;
	}
	if (tq_loglevel >= TQ_LOG_DEBUG)	/* -v */
		tq_log(TQ_LOG_DEBUG, "extracted", json_pack("{s:s,s:I,s:s,"
		    "s:s,s:I,s:f}", "file", name, "bytes", (json_int_t)rawlen,
		    "charset", used != NULL ? used : "", "page_type",
		    doc.page_type, "words", (json_int_t)doc.word_count, "ms",
		    (tq_mono() - t0) * 1000));
	if (text) {
		if (doc.text[0] != '\0')
			printf("%s\n", doc.text);
	} else {
		o = tq_doc_json(&doc);
		if ((s = json_dumps(o, TQ_JSON_PRINT)) != NULL) {
			printf("%s\n", s);
			free(s);
		}
		json_decref(o);
	}
	tq_doc_free(&doc);
	status = TQ_EXIT_OK;	/* a write error on stdout: cli.c, at exit */
out:
	free(raw);
	free(html);
	return status;
}
