/*
 * tq.h - the one header of libtq.a.
 *
 * Ownership: a function returning `char *` or a struct that it filled
 * hands the memory to the caller, who frees it with free() or the
 * matching *_free() named beside it.  `const char *` results are
 * borrowed.  jansson: json_t * results are new references unless the
 * comment says "borrowed".
 *
 * common/ never exits (except on out of memory) and never prints to
 * stdout: functions return -1 or NULL and leave a message in a
 * struct tq_err or tq_strerror().
 */
#ifndef TQ_H
#define TQ_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <jansson.h>

/* Exit statuses, documented in every man page. */
#define TQ_EXIT_OK	0
#define TQ_EXIT_NEGATIVE 1	/* a task failed, unhealthy */
#define TQ_EXIT_USAGE	2
#define TQ_EXIT_INPUT	3	/* bad input */
#define TQ_EXIT_BACKEND	4	/* Redis, PostgreSQL or HTTP unavailable */
#define TQ_EXIT_OUTPUT	5	/* standard output could not be written */
#define TQ_EXIT_TIMEOUT	124

/* ---------------------------------------------------------------- util.c */

/*
 * Out of memory: "prog: out of memory" and abort(), or, when
 * tq_oom_exit is set (a job process), _exit(tq_oom_exit) quietly.
 */
extern int	 tq_oom_exit;
void		 tq_oom(void) __attribute__((noreturn));
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xrealloc(void *, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
char		*xasprintf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL terminated once written to. */
struct tq_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void		 tq_buf_add(struct tq_buf *, const void *, size_t);
void		 tq_buf_adds(struct tq_buf *, const char *);
void		 tq_buf_addesc(struct tq_buf *, const char *); /* \" \\ \n */
void		 tq_buf_addf(struct tq_buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 tq_buf_free(struct tq_buf *);

double		 tq_now(void);			/* unix time, microseconds */
/*
 * Seconds on a clock that no step of the system's clock moves (NTP, an
 * operator's date(1)): for every deadline, wait and interval that
 * stays within a process (and its job processes); tq_now() only for
 * the times that are written down or shared between hosts.
 */
double		 tq_mono(void);
/*
 * TQ_TEST_NO_DNS=1 (tests only): a host name other than localhost is
 * not looked up but fails as one that does not resolve, so that a test
 * sends nothing past the loopback, not even a DNS query.
 */
int		 tq_no_dns(void);
char		*tq_iso_time(double, char *, size_t);	/* ...T..:..:..Z */
char		*tq_rq_time(double, char *, size_t);	/* RQ's %f form */
int		 tq_real_day(int, int, int);	/* y, m, d: a calendar day? */
void		 tq_uuid(char out[37]);		/* random version 4 */
unsigned long	 tq_nofile_raise(void);	/* soft file limit to the hard */
int		 tq_parse_id(const char *, long long *);	/* 1.. only */
/* strtod() without hex, inf, nan or leading blanks */
double		 tq_strtod(const char *, char **);
char		*tq_trim(char *);
int		 tq_hexval(int);	/* a hex digit's value, else -1 */
/* "90", "90s", "30m", "2h", "7d", "1w" -> seconds (at most 1e9); -1 if
 * not one. */
int		 tq_parse_duration(const char *, double *);
/* 4.2s, 42s, 4m05s, 3h02m, 2d04h; "-" when negative. */
char		*tq_fmt_duration(double, char *, size_t);
/*
 * Text for a terminal: control characters and bytes that are not UTF-8
 * as \xNN, C1 controls as \u00NN, bidi embeddings, overrides and
 * isolates as \u202e and so on, so that nothing from outside moves the
 * cursor, sets a title or reorders what is shown.  tq_err_set and
 * tq_seterr apply it.
 */
char		*tq_vis(const char *);
/* The same, borrowed: valid until 8 more calls, enough for a printf. */
const char	*tq_vis_tmp(const char *);
/*
 * The same for a value named in a message ("status %s: ..."): an empty
 * one is shown as "", not as nothing between two separators, and one
 * of over 80 bytes by its first 77 and "...", so that a message stays
 * a line a terminal shows.
 */
const char	*tq_vis_arg(const char *);
void		 tq_buf_addvis(struct tq_buf *, const char *);
/* "user:secret@host" -> "user:***@host" in URLs, for messages. */
char		*tq_redact_url(const char *);
/*
 * The same in place, in an argument of the process (what ps(1) shows):
 * a URL's password, and the value of a password= parameter (a URL's
 * query, a "key=value" string), each as ***.
 */
void		 tq_hide_password(char *);

/*
 * The error of one operation.  kind tells the retry policy how to go
 * on: TQ_ERR_TRANSIENT may be retried, TQ_ERR_PERMANENT may not.
 * retry_after is a server's Retry-After in seconds, 0 when none.
 * code is a short machine word ("http_404", "timeout", "llm_truncated").
 */
enum tq_errkind {
	TQ_ERR_NONE = 0,
	TQ_ERR_TRANSIENT,
	TQ_ERR_PERMANENT
};
struct tq_err {
	enum tq_errkind	 kind;
	int		 http_status;
	double		 retry_after;
	/* the server's Retry-After said 0 (or a date past): no wait */
	int		 retry_now;
	char		 code[32];
	char		 msg[512];
};
int		 tq_err_set(struct tq_err *, enum tq_errkind, const char *code,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));	/* returns -1 */
const char	*tq_errkind_name(enum tq_errkind);
/*
 * Transient for 408, 409, 425, 429 and every 5xx but 501, 505, 506,
 * 508, 510 and 511 (Cloudflare's 520-530 and the "overloaded" 529 of
 * Notion and Anthropic among them); else permanent.
 */
enum tq_errkind	 tq_http_errkind(long status);

/* Last error of the calls that do not take a struct tq_err. */
const char	*tq_strerror(void);
void		 tq_seterr(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* Put "prefix: " before err's message (printf format). */
void		 tq_err_prefix(struct tq_err *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* ----------------------------------------------------------------- log.c */

enum tq_loglevel {
	TQ_LOG_ERROR = 0,
	TQ_LOG_WARN,
	TQ_LOG_INFO,
	TQ_LOG_DEBUG
};
extern int	 tq_loglevel;
extern int	 tq_logjson;
/* a daemon's: a line stderr does not take within 1 s is dropped */
extern int	 tq_log_nowait;
int		 tq_log_parse_level(const char *);
/* TQ_LOG and TQ_LOG_FORMAT: 0, or -1 and tq_strerror() for a bad one */
int		 tq_log_env(void);
/* One line to stderr: time, level, then key=value pairs (or JSON). */
void		 tq_log(enum tq_loglevel, const char *event, json_t *fields);
void		 tq_logf(enum tq_loglevel, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* -------------------------------------------------------------- config.c */

enum tq_stage {
	TQ_STAGE_PARSE = 0,
	TQ_STAGE_AI,
	TQ_STAGE_NOTION,
	TQ_NSTAGES
};

#define TQ_MAX_RETRY_DELAYS 16

struct tq_config {
	char	*redis_url;
	char	*database_url;		/* NULL: libpq's PG* defaults */
	int	 timeout[TQ_NSTAGES];	/* hard job timeout, seconds */
	int	 max_retries;
	int	 retry_delays[TQ_MAX_RETRY_DELAYS];
	int	 nretry_delays;
	int	 allow_private;		/* fetch may reach internal addresses */
	int	 cpu_pin;		/* TQ_CPU_PIN: 1 pin workers, 0 not */
	char	*user_agent;
	char	*allow_addrs;		/* internal addresses allowed anyway */
	long	 max_body;		/* bytes */
	int	 keep_completed_days;
	int	 keep_failed_days;
	int	 result_ttl;		/* rq:finished and job hash, seconds */
	int	 failure_ttl;
	int	 maint_interval;	/* seconds between maintenance passes */
	int	 dead_after;	/* s without a heartbeat: a worker is dead */
	double	 reconcile_grace;	/* leave younger open items alone */
	int	 concurrency[TQ_NSTAGES];	/* jobs in flight per worker */
	int	 job_procs;		/* job processes per worker */
	int	 job_proc_jobs;		/* jobs before one is replaced */
	int	 job_proc_rss;		/* MiB before one is replaced */
	long	 body_budget;		/* bytes of bodies in flight */
	int	 site_concurrency;	/* fetches in flight per site, all
					   workers; 0: no limit */
	double	 site_delay;		/* seconds between two to one site */
	double	 site_backoff;		/* AutoThrottle window, seconds */
	int	 robots;		/* honour robots.txt */
	int	 robots_wait;	/* s an unreadable robots.txt holds pages */
	int	 submit_batch;	/* items from which a submit writes a batch;
				   0: never */
	int	 notify_attempts;	/* of a task-end notification */
	int	 db_timeout;	/* s a command's statement may take; 0: no
				   limit */
};
extern struct tq_config tq_cfg;

/* Defaults, then the environment.  -1 with tq_strerror() on bad values. */
int		 tq_config_load(void);
/* Free tq_cfg's strings and zero it (a main() on its way out). */
void		 tq_config_free(void);
/*
 * The syntax of tq_cfg's Redis and PostgreSQL URLs (those of the
 * backends a tool uses: TQ_CFG_REDIS, TQ_CFG_DB), once the flags are
 * in: -1 with tq_strerror() (which quotes no part of them) if one can
 * never work.  Tools exit 2 on it; the worker never retries it.  A URL
 * a tool never uses (REDIS_URL, a common name, set for some other
 * program) does not stop it.
 */
#define TQ_CFG_REDIS	1
#define TQ_CFG_DB	2
int		 tq_config_check(int);
int		 tq_config_set_retry_delays(const char *);

/* --------------------------------------------------------------- utf8.c */

/* Length of the valid UTF-8 sequence at s (len bytes left), 0 if none. */
size_t		 tq_utf8_seq(const char *s, size_t len);
/* 1 if the len bytes at s are all valid UTF-8, else 0. */
int		 tq_utf8_valid(const char *s, size_t len);
/*
 * Decode the character at s into *cp and return its length; a byte
 * that starts no valid sequence gives U+FFFD and 1; len 0 gives 0.
 */
size_t		 tq_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Write c (U+FFFD if not a scalar value) to out: 1 to 4 bytes. */
size_t		 tq_utf8_encode(uint32_t c, char *out);
/*
 * The length of the sequence at s (n > 0 bytes left), *valid 0 for an
 * ill-formed one, whose length is then its maximal subpart (WHATWG).
 */
size_t		 tq_utf8_subpart(const char *s, size_t n, int *valid);
/* A copy (caller frees): invalid bytes -> U+FFFD, NULs dropped. */
char		*tq_utf8_clean(const char *, size_t, size_t *outlen);
/* Characters in valid UTF-8; the bytes of its first chars characters. */
size_t		 tq_utf8_count(const char *s, size_t len);
size_t		 tq_utf8_prefix(const char *s, size_t len, size_t chars);
/* The bytes of s's longest prefix of whole characters in max bytes. */
size_t		 tq_utf8_fit(const char *s, size_t len, size_t max);
/*
 * Columns of valid UTF-8 on a terminal (wcwidth(3) of C.UTF-8: CJK and
 * emoji 2, combining marks 0); the bytes of its longest prefix of whole
 * characters in cols columns (with the marks that follow its last).
 */
size_t		 tq_utf8_width(const char *s, size_t len);
size_t		 tq_utf8_fit_width(const char *s, size_t len, size_t cols);
/* White space: ASCII's and Unicode's (NBSP, U+2000..U+200B, ...). */
int		 tq_utf8_isspace(uint32_t);
/*
 * Grapheme clusters (UAX #29, the rules that matter when text is cut):
 * tq_utf8_gbreak() is 1 if a cluster may end between characters a and
 * b, ri the regional indicators (tq_utf8_regional) that end the text
 * at a, so that a flag's pair stays whole; tq_utf8_mark() is 1 for a
 * character that extends the one before (a combining mark, a
 * variation selector, an emoji modifier).
 */
int		 tq_utf8_gbreak(uint32_t a, uint32_t b, size_t ri);
int		 tq_utf8_mark(uint32_t);
int		 tq_utf8_regional(uint32_t);
/* The last cluster boundary of valid UTF-8 s at or before byte at. */
size_t		 tq_utf8_gfloor(const char *s, size_t len, size_t at);
/*
 * Words: runs between white space that hold a letter, a digit or any
 * character past ASCII (so "--" and "|" are none), each Han ideograph
 * or kana (Chinese and Japanese put no space between words), and in
 * Thai, Lao, Khmer and Myanmar (nor do they, with longer words) one
 * for every four letters begun of a run, marks not counted.  The one
 * count of the extraction, plain text pages and the builtin insights.
 */
long		 tq_word_count(const char *s, size_t len);

/* ------------------------------------------------------------ charset.c */

/*
 * Convert a document to UTF-8.  The charset is taken, in order, from a
 * BOM, from header_charset (Content-Type's charset=), from <meta
 * charset> or http-equiv in the first bytes when is_html, else UTF-8
 * (with a windows-1252 fallback when the bytes are not valid UTF-8).
 * Invalid sequences become U+FFFD.  Returns a NUL-terminated string
 * the caller frees; *outlen its length; *used (if not NULL) is set to
 * a static string naming the charset used.
 */
char		*tq_charset_to_utf8(const char *buf, size_t len,
		    const char *header_charset, int is_html, size_t *outlen,
		    const char **used);

/* --------------------------------------------------------------- http.c */

/* The User-Agent of page fetches and of robots.txt, unless TQ_USER_AGENT. */
#define TQ_PAGE_UA	"tq/" TQ_VERSION \
			    " (+https://github.com/tq; content pipeline)"

/*
 * Defaults: 30 s total, 10 s to connect, 10 MiB decoded body, 10
 * redirects, internal addresses refused; a zero timeout or max_bytes
 * means the default, not "no limit".  allow_addrs lists internal
 * addresses or networks reachable anyway when allow_private is 0
 * ("10.0.0.5 fd00::/8", space or comma separated).
 */
struct tq_fetch_opts {
	long		 timeout_ms;		/* total */
	long		 connect_timeout_ms;
	size_t		 max_bytes;		/* decoded body limit */
	int		 max_redirects;
	int		 allow_private;
	const char	*user_agent;		/* NULL: the default */
	const char	*allow_addrs;		/* NULL: none */
	int		 raw;	/* body as sent, charset from the header */
	/* each redirect before it is followed: see tq_http_req */
	int		(*on_redirect)(void *arg, const char *url,
			    struct tq_err *);
	void		*redirect_arg;
	/*
	 * NULL, or the caller's handle, whose cookies (and only its) the
	 * fetch sends and keeps: one job's fetches of a redirect that
	 * crosses sites, A to B and back to A, as one browser's
	 */
	CURL		*handle;
};
void		 tq_fetch_opts_default(struct tq_fetch_opts *);

struct tq_fetch {
	long	 status;		/* final HTTP status */
	char	*url;			/* final URL after redirects */
	char	*content_type;		/* media type, lower case, no params */
	char	*charset;		/* charset used for the conversion;
					   raw: the header's, or NULL */
	char	*body;			/* UTF-8, NUL terminated */
	size_t	 len;
	int	 redirects;
	double	 seconds;
	size_t	 held;			/* bytes of the worker's budget */
};
/*
 * GET url.  0 on a 2xx HTML, XHTML or text/plain answer converted to
 * UTF-8; -1 with err classified for the retry policy otherwise (out
 * then holds only seconds, redirects and url, where it failed).  opts
 * NULL: the defaults.  err->code is one of http_NNN, timeout, connect,
 * network, dns, too_big, content_type, private_address, redirects, tls,
 * bad_url, encoding, config.  out->url carries no user:password and
 * no fragment.  Free out with tq_fetch_free() either way.
 */
int		 tq_fetch(const char *url, const struct tq_fetch_opts *,
		    struct tq_fetch *, struct tq_err *);
void		 tq_fetch_free(struct tq_fetch *);
/*
 * The body alone, once it is handed on: until then it is held in the
 * worker's budget for bodies (TQ_BODY_BUDGET), as it was received.
 */
void		 tq_fetch_body_free(struct tq_fetch *);
/*
 * A Retry-After value in seconds (delay-seconds, also fractional or a
 * Go duration like "6m0s"; or an HTTP date), capped at a year, 0 for
 * none, garbage or the past; of "120, 120" (the header twice, merged)
 * the first.  The only parser of it.
 */
double		 tq_http_retry_after(const char *);
/* 0 if list is a valid TQ_ALLOW_ADDRS, else -1 naming the bad entry. */
int		 tq_http_allow_check(const char *list, char *msg, size_t);

/*
 * One HTTP request through the one core (http.c), for the fetch, the
 * LLM provider and the Notion client.  Zero fields are the defaults:
 * the method is GET, or POST when there is a body; 30 s in all, 10 s
 * to connect; a 10 MiB answer body; no redirects followed; internal
 * addresses refused (allow_private: a configured service such as a
 * local LLM server); "tq/VERSION" as User-Agent; environment proxies
 * ignored.  Everything is borrowed for the call.  handle: a job's own
 * easy handle, reset and reused to keep its connections (NULL: one
 * for this request).  secret (a token, an API key) is scrubbed from
 * every message, as is any password in the URL.
 */
struct tq_http_resp;
struct tq_http_req {
	const char	*method;
	const char	*url;
	struct curl_slist *headers;
	const char	*body;			/* NULL: none */
	size_t		 body_len;
	size_t		 max_bytes;		/* answer body, decoded */
	long		 timeout_ms;
	long		 connect_timeout_ms;
	int		 follow;		/* follow redirects ... */
	int		 max_redirects;		/* ... at most this many */
	int		 allow_private;
	const char	*allow_addrs;		/* see tq_fetch_opts */
	const char	*user_agent;
	int		 decode;		/* Accept-Encoding: gzip, ... */
	int		 low_speed;		/* < 100 B/s for 15 s: timeout */
	int		 cookies;		/* kept across redirects */
	int		 fresh_connect;		/* no kept-alive connection */
	int		 env_proxy;		/* honour http(s)_proxy */
	int		 error_body;		/* read the body of non-2xx */
	int		 truncate;		/* past max_bytes: keep the first
						   max_bytes, no error */
	/* the body stays in the worker's budget until tq_http_resp_free */
	int		 hold;
	const char	*secret;
	CURL		*handle;
	/* The final 2xx headers are in: -1 with err set stops. */
	int		(*on_headers)(void *arg, const struct tq_http_resp *,
			    struct tq_err *);
	/*
	 * With follow: a redirect to url (absolute, with no user:password)
	 * is about to be followed; -1 with err set stops before it is.
	 */
	int		(*on_redirect)(void *arg, const char *url,
			    struct tq_err *);
	void		*arg;
};
struct tq_http_resp {
	long		 status;		/* final; 0: no answer */
	char		 content_type[256];
	/* Retry-After or x-ratelimit-reset-*, the longest; 0: none */
	double		 retry_after;
	/*
	 * Retry-After (or retry-after-ms) alone: a wait the server asks
	 * of this answer, where x-ratelimit-reset-* tell when a quota
	 * fills up again, whatever the answer was
	 */
	double		 retry_after_asked;
	int		 retry_now;	/* a Retry-After of 0 or a date past */
	long long	 content_length;	/* -1: none */
	struct tq_buf	 body;
	char		*url;	/* effective, no user:password nor #fragment */
	int		 redirects;
	double		 seconds;
	/* on failure: the server may have got the request (not idempotent?) */
	int		 maybe_sent;
	/* x-request-id (printable, cut to fit; "" none) and
	 * openai-processing-ms (-1 none), for the logs */
	char		 request_id[80];
	long		 processing_ms;
	/* Content-Encoding names a coding libcurl does not know ("utf-8") */
	int		 odd_coding;
	size_t		 held;		/* body bytes in the budget (hold) */
};
/*
 * 0 on a 2xx answer.  -1 with err classified for the retry policy
 * otherwise: a non-2xx answer is code http_NNN, "http NNN reason", its
 * kind from tq_http_errkind(), http_status and retry_after set, and
 * resp still holds its status, headers and (with error_body) body; a
 * failed transfer is timeout, connect, dns, network, tls, too_big,
 * private_address, redirects, bad_url, encoding or config.  Free resp
 * with tq_http_resp_free() either way.
 */
int		 tq_http_do(const struct tq_http_req *, struct tq_http_resp *,
		    struct tq_err *);
/*
 * tq_http_do(), and when q->decode met a Content-Encoding that libcurl
 * does not know ("utf-8"), once more without compression, the body
 * taken as it comes, as browsers take it.
 */
int		 tq_http_get(struct tq_http_req *, struct tq_http_resp *,
		    struct tq_err *);
void		 tq_http_resp_free(struct tq_http_resp *);
/*
 * The end of a transfer on h, while its connection, if kept, still
 * waits in libcurl's cache: one that a 502 or 504 came over (HTTP/1)
 * is shut down, never used again.  tq_curl_perform() calls it.
 */
void		 tq_http_done(CURL *);
/*
 * Bytes of the bodies this process is receiving now, the count that
 * TQ_BODY_BUDGET bounds in a worker's loop: past it a new transfer
 * waits to start, one under way stops reading, the oldest excepted.
 */
size_t		 tq_http_inflight(void);
/*
 * Replace every occurrence of secret (4 bytes or more) by *** in s (a
 * buffer of sz bytes), in err's message.
 */
void		 tq_scrub(char *s, size_t sz, const char *secret);
/* A copy of msg with every secret in it (of any length) as ***. */
char		*tq_scrubbed(const char *msg, const char *secret);
void		 tq_err_scrub(struct tq_err *, const char *secret);
/* libcurl's global set-up, once, before forking job processes. */
void		 tq_http_init(void);
/*
 * 0 if url is an absolute http(s) URL with a host; -1 and err if not.
 * *normalized (if not NULL; caller frees): scheme and host lower case,
 * default port and fragment dropped, spaces and non-ASCII
 * percent-encoded, IDN hosts in punycode.
 */
int		 tq_url_check(const char *url, char **normalized,
		    struct tq_err *);
/* 1 if url (scheme://authority...) names a user, with a password or not. */
int		 tq_url_userinfo(const char *url);
/*
 * url, if it is a usual one, in the form tq_url_check() would give it,
 * made without libcurl; NULL if not (a user, an IPv6 address, a dot
 * segment, a host that might be a number, ...): tq_url_check() knows.
 * Caller frees.
 */
char		*tq_url_simple(const char *url);
/* A copy of url without the spaces, tabs and line ends around it. */
char		*tq_url_trim(const char *url);
/* host lower-cased, IDN labels in punycode; NULL if not UTF-8. */
char		*tq_url_ascii_host(const char *host);
/* The longest URL tq-submit takes, in bytes once normalised. */
#define TQ_URL_MAX	8192
/*
 * 1 if addr (an IPv4 or IPv6 literal, brackets allowed) is loopback,
 * private, link-local, CGNAT, multicast, reserved or documentation
 * space, or such an IPv4 address mapped into IPv6; 0 if public; -1 if
 * addr is not an address.  tq_fetch checks every connect with it.
 */
int		 tq_ip_is_internal(const char *addr);

/* ----------------------------------------------------------------- co.c */

/* The worker's event loop and the jobs (coroutines) in it. */
void		 tq_sleep(double);	/* seconds; a job's coroutine yields */
/*
 * The one place where a transfer runs: in a job of the worker's event
 * loop the handle joins the loop's curl multi and only that job waits;
 * elsewhere it is curl_easy_perform().  Either way tq_http_done() sees
 * the transfer's end.
 */
CURLcode	 tq_curl_perform(CURL *);

struct tq_co;
struct pollfd;
int		 tq_loop_init(void);
/* Transfers the loop runs at once, within the limit on descriptors. */
long		 tq_loop_conns(void);
int		 tq_loop_step(double, struct pollfd *, int);
/*
 * fn(gap) is called by tq_loop_step() when its wait ended more than
 * after seconds later than asked (the process was stopped, or its
 * machine suspended), before any job or transfer goes on; fn may
 * abort jobs.
 */
void		 tq_loop_on_wake(void (*fn)(double), double after);
/*
 * A stall: the process did not run, or its transfers did not go on,
 * for TQ_STALL seconds or more beyond a step's wait (a backend call
 * that hung, SIGSTOP).  tq_loop_stall_end() is the tq_mono() time the
 * last one ended, 0 if none: a transfer that failed across it failed
 * by this process's doing, not by its server's.  Above the waits the
 * worker means (a blocking take of 1 s, a pause of 1 s between
 * reconnections).
 */
#define TQ_STALL	3.0
double		 tq_loop_stall_end(void);
struct tq_co	*tq_co_start(void (*)(void *), void *);
struct tq_co	*tq_co_current(void);
int		 tq_co_count(void);
void		 tq_co_abort(struct tq_co *);
int		 tq_co_aborted(void);
int		 tq_co_wait_fd(int, short, double);
int		 tq_co_park(double);
void		 tq_co_wake(struct tq_co *);

/* ------------------------------------------------------------ jobproc.c */

/* The pool of reused job processes; the worker's ops are in job.c. */
struct tq_jp_op {
	const char	*name;
	json_t		*(*fn)(json_t *, const char *, size_t,
			    struct tq_err *);
};
struct tq_jp_req;
extern const struct tq_jp_op tq_job_ops[];	/* the worker's, job.c */
void		 tq_jp_config(const struct tq_jp_op *, int, int, long,
		    const char *, void (*)(void));
int		 tq_jp_procs(void);	/* as configured */
void		 tq_jp_tend(void);
void		 tq_jp_shutdown(void);
json_t		*tq_jp_call(const char *, json_t *, const char *, size_t,
		    double, struct tq_err *);
struct tq_jp_req *tq_jp_send(const char *, json_t *, const char *, size_t,
		    double, struct tq_err *);
json_t		*tq_jp_recv(struct tq_jp_req *, double, struct tq_err *);
/* ------------------------------------------------------------ extract.c */

struct tq_doc {
	char	*title;
	char	*byline;
	char	*site_name;
	char	*lang;
	char	*published;	/* ISO 8601 */
	char	*description;
	char	*canonical_url;
	char	*image_url;
	char	*text;		/* main content: paragraphs split by \n\n */
	long	 word_count;
	char	 content_hash[65];	/* SHA-256 of text, hex */
	char	 page_type[16];	/* article, forum, product, documentation,
				   service, listing, collection */
};
/* html must be UTF-8.  url may be NULL (used to resolve relative URLs). */
int		 tq_extract(const char *html, size_t len, const char *url,
		    struct tq_doc *, struct tq_err *);
void		 tq_doc_free(struct tq_doc *);
/*
 * 1 if s (UTF-8, undecodable bytes as U+FFFD) is binary data rather than
 * text: NUL bytes near the start, or more than 5% of the first 4096
 * characters control characters or U+FFFD.  tq_extract refuses it.
 */
int		 tq_looks_binary(const char *s, size_t n);
json_t		*tq_doc_json(const struct tq_doc *);

/* ------------------------------------------------------------- sha256.c */

void		 tq_sha256_hex(const void *, size_t, char out[65]);
void		 tq_hmac_sha256_hex(const void *key, size_t, const void *msg,
		    size_t, char out[65]);


/* ----------------------------------------------------------------- ai.c */

/*
 * A model as a provider uses it.  Its strings are borrowed: they belong
 * to whoever filled it (job.c: the claim's model record, which lives
 * as long as the job), and nothing frees them through it.
 */
struct tq_ai_model {
	long long	 id;
	const char	*name;
	const char	*provider;	/* "builtin" or "openai" */
	const char	*model;
	const char	*base_url;
	const char	*api_key_env;	/* name of the variable, never the key */
	double		 temperature;
	int		 max_tokens;
	int		 context_chars;	/* input budget */
	int		 timeout;	/* seconds per call */
	const char	*json_mode;	/* schema, object or prompt */
	int		 rpm;		/* requests a minute, all workers
					   together; 0: no limit */
};

struct tq_ai_request {
	const char	*title;
	const char	*text;
	const char	*page_type;	/* tq-extract's, or NULL */
	int		 want_summary;
	int		 want_keywords;
	int		 want_insights;
	int		 summary_sentences;	/* builtin; 0: default */
	int		 max_keywords;		/* 0: default */
};

struct tq_ai_result {
	char	*summary;		/* NULL when not asked for */
	json_t	*keywords;		/* array of strings, or NULL */
	json_t	*insights;		/* object, or NULL */
	char	*language;		/* ISO 639-1, or NULL */
	long	 prompt_tokens;		/* -1: not reported */
	long	 completion_tokens;
	long	 total_tokens;
	char	*finish_reason;
	char	*json_mode;		/* what the server accepted */
	int	 input_truncated;
	int	 attempts;
	char	*raw;			/* raw model output on bad JSON */
};
void		 tq_ai_result_init(struct tq_ai_result *);
void		 tq_ai_result_free(struct tq_ai_result *);
json_t		*tq_ai_result_json(const struct tq_ai_result *);

/* --------------------------------------------------------- ai_builtin.c */

/*
 * The builtin provider (ai_builtin.c): no network, no key, the same
 * result for the same request.  res must come from tq_ai_result_init.
 * Blank text fails with a permanent "empty_content" error.  insights is
 * an object whose "points" are short strings; tq-digest(1) lists the
 * other fields.
 */
int		 tq_ai_builtin(const struct tq_ai_request *,
		    struct tq_ai_result *, struct tq_err *);

/* ---------------------------------------------------------- ai_openai.c */

int		 tq_ai_openai(const struct tq_ai_model *,
		    const struct tq_ai_request *, struct tq_ai_result *,
		    struct tq_err *);
/*
 * A model's answer (its message's text) read as tq_ai_openai() reads
 * it: the JSON object in it (after a </think>, in a code fence or in
 * prose), its summary, keywords, insights and language checked and
 * normalized into res for what the request asks.  0, or -1 with *why
 * (static text) and res unchanged.
 */
int		 tq_ai_openai_answer(const struct tq_ai_request *,
		    const char *, struct tq_ai_result *, const char **);

/* --------------------------------------------------------------- lang.c */

/* Language guess ("en", "de", "fr", "es", ... or "und"). */
const char	*tq_lang_detect(const char *text);

/*
 * lang.c: text helpers of the builtin provider (UTF-8 is utf8.c's).
 * tq_lang_case: 1 upper, -1 lower, 0
 * uncased.  tq_lang_isword: letter, digit or combining mark.
 * tq_lang_stopword wants a lower-case word with ' as apostrophe; lists
 * exist for de en es fr id it nl pt ru, other languages have none (0).
 * tq_lang_stopword_at returns the i-th stopword of lang (borrowed), NULL
 * past the end or for a language without a list.
 * tq_lang_elision: length of a leading "l'", "qu'", "dell'"... or 0.
 */
uint32_t	 tq_lang_lower(uint32_t);
int		 tq_lang_case(uint32_t);
int		 tq_lang_isword(uint32_t);
int		 tq_lang_stopword(const char *lang, const char *w, size_t len);
const char	*tq_lang_stopword_at(const char *lang, size_t i);
size_t		 tq_lang_elision(const char *w, size_t len);

/* ----------------------------------------------------------------- db.c */

/*
 * libpq's handles by name only, so that a program that never talks to
 * PostgreSQL (tq-extract, tq-digest) does not compile libpq's header; a
 * file that calls libpq includes <libpq-fe.h> itself.
 */
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

/*
 * Connect to PostgreSQL (tq_cfg.database_url, or libpq's defaults) with
 * a connect timeout, and bring the schema up to date under an advisory
 * lock.  NULL and a one-line message in err ("postgresql: ...") if not.
 */
PGconn		*tq_db_connect(struct tq_err *);
/* The same; migrate 0 leaves the schema as it is (read-only tools). */
PGconn		*tq_db_open(struct tq_err *, int migrate);
void		 tq_db_log_connected(PGconn *, double t0);	/* -v */
/*
 * libpq keywords and values that bound how long a silent server holds a
 * TCP connection (keepalives after 30 s, tcp_user_timeout 60 s), for a
 * keyword list that puts the connection string after them.
 */
#define TQ_DB_TCP_KEYS	4
int		 tq_db_tcp_defaults(const char **keys, const char **vals);
int		 tq_db_migrate(PGconn *, struct tq_err *);
/*
 * 0 if url (NULL: libpq's defaults) is a database name, a conninfo
 * string or a postgresql:// URI that libpq can parse; -1 and a
 * permanent "config" error that quotes none of it if not.
 */
int		 tq_db_url_check(const char *url, struct tq_err *);
/*
 * From now on (at > 0: a tq_mono() time), connecting gives up by at,
 * and so does each statement: transient, code "deadline", with its
 * connection left busy (close it).  0: no deadline.  Per thread.
 */
void		 tq_db_deadline(double at);
/*
 * From now on (s > 0 seconds), each statement of this thread,
 * migrations aside, may take s: the server ends one that runs or waits
 * for a lock longer (statement_timeout, set on the connections opened
 * after this), and the client stops waiting a moment after that for a
 * server that stopped answering (transient, code "postgresql", so that
 * tq-wait connects again; the connection is left busy: close it).  The
 * operators' commands set it to TQ_DB_TIMEOUT.  0: no limit.
 */
void		 tq_db_statement_limit(double s);
double		 tq_db_statement_limit_of(void);	/* this thread's */
/*
 * c (NULL: none) is this thread's connection that LISTENs: its
 * notifications wait for PQnotifies().  Those that come to any other
 * (through a pooler in transaction mode, one lent a server connection
 * that someone LISTENed on) are thrown away after each statement.
 */
void		 tq_db_listener(PGconn *c);
int		 tq_db_schema_version(PGconn *);	/* -1: none */
int		 tq_db_latest_version(void);
/*
 * Run one statement with text parameters (NULL entries are SQL NULL).
 * Returns the result (TUPLES_OK or COMMAND_OK) or NULL with err set;
 * a broken connection or a serialization failure is transient.
 */
PGresult	*tq_db_exec(PGconn *, struct tq_err *, const char *sql,
		    int nparams, const char *const *params);
/* The same with each parameter's length and format (1: binary). */
PGresult	*tq_db_exec_bin(PGconn *, struct tq_err *, const char *sql,
		    int nparams, const char *const *params, const int *lens,
		    const int *formats);
/*
 * err for a failed result r (NULL: the connection's), as tq_db_exec
 * sets it: "postgresql: msg", transient for a broken connection, a
 * rollback (40: deadlock, serialization), resources, a shutdown or a
 * lock not got; code "deadlock" for a deadlock, else "postgresql".
 * Returns -1.
 */
int		 tq_db_err_set(PGconn *, PGresult *r, struct tq_err *,
		    const char *msg);
int		 tq_db_cmd(PGconn *, struct tq_err *, const char *sql);
/* A round trip to the server: 0, or -1 and err if the connection broke. */
int		 tq_db_ping(PGconn *, struct tq_err *);
/* tq_db_exec with one parameter, an id. */
PGresult	*tq_db_exec_id(PGconn *, struct tq_err *, const char *sql,
		    long long id);
/*
 * The first value of a result of tq_db_exec, which they free: as JSON
 * (JSON null if there is none or it is not JSON), or as an id (0 if
 * none); NULL or -1 if r is NULL (the error is the exec's).
 */
json_t		*tq_db_json(PGresult *r);
long long	 tq_db_id(PGresult *r);
/* One-line text of the connection's last error. */
const char	*tq_db_error(PGconn *, char *buf, size_t n);

struct tq_migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
extern const struct tq_migration tq_migrations[];	/* migrations.c */

/* -------------------------------------------------------------- model.c */

/*
 * The model named by arg (a name or an id; NULL: the default): 1 and
 * its id and name (caller frees; either may be NULL), 0 if there is
 * none, -1 on a backend error.
 */
int		 tq_model_find(PGconn *, struct tq_err *, const char *arg,
		    long long *id, char **name);
/*
 * The models' records as tq-model prints them, one (id > 0) or all;
 * extra adds their results and the server's json mode.
 */
json_t		*tq_model_records(PGconn *, struct tq_err *, long long id,
		    int extra);
/* BEGIN and the lock that serializes changes of the default. */
int		 tq_model_lock(PGconn *, struct tq_err *);
/* Make id the default (id 0: leave none); in tq_model_lock's transaction. */
int		 tq_model_make_default(PGconn *, struct tq_err *, long long id);
/* What keeps a model from being removed; name is the caller's to free. */
struct tq_model_usage {
	char		*name;
	int		 is_default;
	long long	 results;	/* stored results */
	long long	 tasks;		/* unfinished tasks naming it */
};
int		 tq_model_usage(PGconn *, struct tq_err *, long long id,
		    struct tq_model_usage *);
int		 tq_model_delete(PGconn *, struct tq_err *, long long id);
/* A new model: its id, 0 if the name is taken, -1 on error. */
struct tq_model_new {
	const char	*name;
	const char	*provider;
	const char	*model;
	const char	*base_url;
	const char	*api_key_env;
	const char	*params;	/* a JSON object */
	int		 is_default;
};
long long	 tq_model_insert(PGconn *, struct tq_err *,
		    const struct tq_model_new *);
/*
 * Merge params (a JSON object) into the model's, without rpm if
 * drop_rpm: 1, or 0 if refused (a builtin model takes none), -1.
 */
int		 tq_model_set_params(PGconn *, struct tq_err *, long long id,
		    const char *params, int drop_rpm);
/*
 * The seconds a worker waits for one answer of a model whose timeout
 * (params.timeout, 0: none) is t: t, unless it is unset or longer than
 * the ai queue's job timeout, then that less 5 s (tq_cfg).
 */
int		 tq_model_call_timeout(int t);
/* The model as a job uses it (JSON null if gone); NULL on error. */
json_t		*tq_model_load(PGconn *, struct tq_err *, long long id);
/* ROLLBACK, ignoring errors (the way out of a failed transaction). */
void		 tq_db_rollback(PGconn *);

/* -------------------------------------------------------------- stats.c */

/*
 * The statistics object of tq-stats (totals, by_type, items); all 0
 * without tq's schema.  NULL and e on error.
 */
json_t		*tq_stats_tasks(PGconn *, struct tq_err *);
/* {"type": {"status": count}} of the tasks, or of their items. */
json_t		*tq_stats_by_status(PGconn *, struct tq_err *, int items);
/* The text of tq-health's queries (caller frees); see stats.c. */
enum tq_stats_query {
	TQ_SQ_PING,		/* one row */
	TQ_SQ_SCHEMA,		/* the schema version, 0 if none */
	TQ_SQ_STUCK,		/* [queue, n] running past timeout + secs */
	TQ_SQ_ENDED		/* [ended, failed] items of the last secs */
};
char		*tq_stats_sql(enum tq_stats_query, int secs);

/* ------------------------------------------------------------ content.c */

/* The link ids of kind ("task", "link", "parsed", "ai") id; NULL: e. */
json_t		*tq_content_links(PGconn *, struct tq_err *, const char *kind,
		    long long id);
/*
 * tq-show's records of links[0..n), in their order, as an array (JSON
 * null for a link without one); NULL: e.
 */
json_t		*tq_content_records(PGconn *, struct tq_err *,
		    const long long *links, size_t n, int with_text);
/* The id of the link with this (normalised) URL, 0 if none, -1: e. */
long long	 tq_link_find(PGconn *, struct tq_err *, const char *url);

/* ------------------------------------------------------------- redisq.c */

/* hiredis's handles by name only; a file that calls hiredis includes it */
typedef struct redisContext redisContext;
typedef struct redisReply redisReply;

/*
 * tq_cfg.redis_url: redis://[[user]:password@]host[:port][/db],
 * unix://[[user]:password@]/path/to.sock[?db=N], or
 * redis+sentinel://[[user]:password@]host[:port][,host[:port]]...
 * /master[/db][?sentinel_password=...] (the master the sentinels name,
 * which must say it is one).  Connect within 3 s, AUTH, SELECT, each
 * answered within 10 s, as are later commands (tq_redis_connect_wait():
 * wait s for each, the connection too).  NULL and err ("redis: ...")
 * if not.  A READONLY answer leaves the connection broken (c->err).
 */
redisContext	*tq_redis_connect(const char *url, struct tq_err *);
redisContext	*tq_redis_connect_wait(const char *url, double wait,
		    struct tq_err *);
/* 0 if url is one of the above; -1 and a "config" error if not. */
int		 tq_redis_url_check(const char *url, struct tq_err *);
/*
 * With a redis+sentinel:// url: 1, and c left broken, if the sentinels
 * now name another master than c's (a failover); else 0.
 */
int		 tq_redis_moved(redisContext *c, const char *url);
/* A command; NULL and err on a connection error or an error reply. */
redisReply	*tq_redis(redisContext *, struct tq_err *, const char *fmt,
		    ...);
/* Read n pipelined replies; -1 if any failed (all are read). */
int		 tq_redis_replies(redisContext *, struct tq_err *, int n);
/*
 * rediss://: the server's certificate checked (verify) against ca_file
 * or the system's CAs, and its name; a client certificate if given.
 */
struct tq_tls_opts {
	int	 verify;
	char	*ca_file;
	char	*cert_file;
	char	*key_file;
};
/*
 * A connection to host:port through TLS within secs, relayed by a
 * thread: the fd for redisConnectFd(), or -1 with why in words.
 */
int		 tq_tls_connect(const char *host, int port, double secs,
		    const struct tq_tls_opts *, char *why, size_t whysz);

/* The same, each reply's integer into ints[i] (-1 if none). */
int		 tq_redis_replies_ints(redisContext *, struct tq_err *, int n,
		    long long *ints);
int		 tq_redis_set_timeout(redisContext *, double seconds);

/* -------------------------------------------------------------- limit.c */

/*
 * The rate limit of one outside service (a Notion token, an LLM
 * server's model), shared in Redis by all workers on all hosts: a
 * token bucket of rate requests a second (0: none, only pauses) and
 * a pause that a 429 sets for everyone.  Keys: tq:<service>:rate:<h>
 * and tq:<service>:pause:<h>, h a hash of id (which may be secret).
 * rc is borrowed; what ("notion") starts messages.
 */
struct tq_limit {
	redisContext	*rc;
	char		 ratekey[64];
	char		 pausekey[64];
	char		 what[32];
	double		 rate;
	int		 burst;
	double		 waited;		/* seconds, in all */
};
void		 tq_limit_init(struct tq_limit *, redisContext *,
		    const char *service, const char *id, const char *what,
		    double rate, int burst);
/*
 * Wait (tq_sleep) until a request may go.  -1 and err if Redis fails
 * or the wait would pass deadline (a transient "rate_limited" error
 * with retry_after).
 */
int		 tq_limit_wait(struct tq_limit *, double deadline,
		    struct tq_err *);
/* Hold every worker for secs (at least 1 s); never shortens a pause. */
void		 tq_limit_pause(struct tq_limit *, double secs);

/* ------------------------------------------------------------- robots.c */

/*
 * RFC 9309: may the crawler whose product token is token ("tq") fetch
 * path (path and query, as in the URL) under robots.txt txt?  1 yes,
 * 0 no; rule (if not NULL) gets the deciding rule and its group,
 * "\"Disallow: /x\" for user-agent *", or "" when none matched.
 */
int		 tq_robots_allowed(const char *txt, size_t len,
		    const char *token, const char *path, char *rule,
		    size_t rulesz);
/* The Crawl-delay of the groups that apply to token, seconds; -1: none. */
double		 tq_robots_crawl_delay(const char *txt, size_t len,
		    const char *token);

/* --------------------------------------------------------------- site.c */

/*
 * Per-site politeness shared by all workers through Redis (keys
 * tq:site:slots:<h>, tq:site:next:<h>, tq:site:pause:<h>, h a hash of
 * the site name): at most tq_cfg.site_concurrency fetches in flight,
 * tq_cfg.site_delay seconds between two starts, and a pause after a
 * 429 or 503 with Retry-After.  Only inside a job of the worker's
 * event loop; elsewhere acquire does nothing and returns 0.
 */
struct tq_site {
	char		 name[300];	/* host[:port], lower case */
	char		 hash[17];	/* of the name, in the keys */
	char		 tag[64];	/* "task:item", for tq-status */
	char		 slots[64];
	char		 next[64];
	char		 lease[100];
	struct tq_limit	 lim;		/* its pause key */
	int		 held;
	int		 cd_unknown;	/* taken before a Crawl-delay was */
	double		 waited;	/* seconds */
};
/*
 * url's site into buf: host lower case without a final dot, ":port"
 * unless the default.
 */
int		 tq_site_name(const char *url, char *buf, size_t sz);
/*
 * Wait (tq_sleep) for a slot of url's site, leased for lease_secs and
 * a minute more; tag ("task:item", or NULL) names the waiting item for
 * tq_site_annotate.  -1 and a transient err if Redis fails, or
 * site_wait (with retry_after) when the job is better set aside: the
 * wait would pass deadline, or this worker has enough jobs waiting.
 */
int		 tq_site_acquire(struct tq_site *, const char *url,
		    const char *tag, double deadline, double lease_secs,
		    struct tq_err *);
/*
 * Jobs of this process waiting in tq_site_acquire now, and the most
 * it lets wait (past them, a job whose site is busy is set aside).
 */
int		 tq_site_nwaiting(void);
int		 tq_site_max_waiting(void);
/*
 * With a slot of url's site held and tq_cfg.robots: is url allowed by
 * the site's robots.txt (cached in Redis for 24 h, fetched within
 * deadline)?  0 yes; -1 and err: permanent "robots" naming the rule
 * when disallowed, transient "robots_unavailable" when it cannot be
 * read (5xx, network; remembered for a minute).  Its Crawl-delay
 * becomes the site's delay.
 */
int		 tq_site_robots(struct tq_site *, const char *url,
		    double deadline, struct tq_err *);
/*
 * The same for a redirect's target on s's site, from what Redis holds,
 * with no request: 0 allowed, -1 and err, 1 not known yet
 * (tq_site_robots() fetches it).
 */
int		 tq_site_robots_known(const struct tq_site *, const char *url,
		    struct tq_err *);
/*
 * Give the slot back; res, the fetch's error or NULL, may pause the
 * site (429/503 with Retry-After) or move its AutoThrottle limit.
 */
void		 tq_site_release(struct tq_site *, const struct tq_err *res);
/*
 * The n busiest sites of the last 10 minutes, most in flight first:
 * a new array of {site, in_flight, limit, delay, backoff_for,
 * paused_for, idle} (seconds).  NULL and err if Redis fails.
 */
json_t		*tq_site_stats(redisContext *, int n, struct tq_err *);
/* The site leases of worker process pid of this host, dead: given back. */
void		 tq_site_forget(redisContext *, long pid);
/* Best effort: "detail" on the items of task record rec that wait. */
void		 tq_site_annotate(json_t *rec);

/* -------------------------------------------------------------- queue.c */

/* Set while every worker is to stand still (RQ's suspend). */
#define TQ_RQ_SUSPENDED	"rq:suspended"

/* One job to enqueue: RQ's job hash plus tq's fields. */
struct tq_jobspec {
	const char	*job_id;
	long long	 task_id;
	long long	 item_id;	/* the item's input id (link id, ...) */
};
/* HSET the job hashes and RPUSH (LPUSH if front) the ids, atomically. */
int		 tq_queue_push(redisContext *, struct tq_err *, enum tq_stage,
		    const struct tq_jobspec *, size_t n, int front);
/*
 * tq_queue_push() in two steps, formatted into b for one pipelined
 * write each (redisAppendFormattedCommand): the job hashes, one HSET
 * each, which no worker sees yet; then one MULTI with an RPUSH (LPUSH
 * if front) of all ids, 10,000 a command, and the queue's registration.
 * Both return the number of replies to read (tq_redis_replies).
 */
int		 tq_queue_format_hashes(struct tq_buf *b, enum tq_stage,
		    const struct tq_jobspec *, size_t n);
int		 tq_queue_format_push(struct tq_buf *b, enum tq_stage,
		    const struct tq_jobspec *, size_t n, int front);
/*
 * The same MULTI without its EXEC, for a caller that sends the EXEC (or
 * a DISCARD) later: the number of replies so far, without the EXEC's.
 */
int		 tq_queue_format_push_open(struct tq_buf *b, enum tq_stage,
		    const struct tq_jobspec *, size_t n, int front);
/*
 * The hashes of a bulk submit, for half of Redis's work: one template
 * hash at key with the fields every job shares and an empty description
 * and data (one HSET), then for each job a COPY of it to rq:job:<id>
 * and an HSET of the job's own description and data (two commands a
 * job).  A COPY answers 1 and its HSET 0 (no new field); any other
 * pair of answers means the template or the copy was gone (FLUSHALL),
 * and that job needs tq_queue_format_hashes().
 */
int		 tq_queue_format_template(struct tq_buf *b, enum tq_stage,
		    const char *key);
int		 tq_queue_format_copies(struct tq_buf *b, enum tq_stage,
		    const char *key, const struct tq_jobspec *, size_t n);
/* DEL of the template, once copied: 1 command. */
int		 tq_queue_format_template_del(struct tq_buf *b, const char *key);
/*
 * Remove job ids from a stage's queue and scheduled set; drop hashes,
 * or, canceled, leave them in rq:canceled as RQ's Job.cancel() does.
 */
int		 tq_queue_remove(redisContext *, struct tq_err *,
		    enum tq_stage, const char *const *ids, size_t n,
		    int canceled);
/* Move due entries of rq:scheduled:<q> back to their queue. */
int		 tq_queue_promote(redisContext *, struct tq_err *,
		    enum tq_stage, int *moved);
int		 tq_queue_suspended(redisContext *);
/*
 * Pause (1) or resume (0) one queue: workers take nothing from a
 * paused queue (tq:paused:<q>, holding the time it was paused), while
 * rq suspend (rq:suspended) stops them all.  tq_queue_paused: 1, 0,
 * or -1 when Redis did not answer.
 */
int		 tq_queue_pause(redisContext *, struct tq_err *, enum tq_stage,
		    int pause);
int		 tq_queue_paused(redisContext *, enum tq_stage);

/*
 * Take the next job for worker `name` from the stages' queues in
 * priority order, moving it atomically into tq:active:<name> and
 * rq:wip:<q>.  block > 0 waits up to that many seconds.  1 with id
 * and *stage set, 0 when there is none, -1 on error.
 */
int		 tq_queue_take_many(redisContext *, struct tq_err *,
		    const char *, const int *, const int *, int,
		    char (*)[128], enum tq_stage *, int);
int		 tq_queue_take(redisContext *, struct tq_err *, const char *name,
		    const int *stages, int nstages, double block,
		    char *id, size_t idlen, enum tq_stage *stage);

enum tq_outcome {
	TQ_DONE_FINISHED,	/* rq:finished, expires after result_ttl */
	TQ_DONE_FAILED,		/* rq:failed, expires after failure_ttl */
	TQ_DONE_SCHEDULED,	/* rq:scheduled until run_at */
	TQ_DONE_REQUEUE,	/* back to the head of its queue */
	TQ_DONE_DROP,		/* forget: see tq_queue_ack() */
	TQ_DONE_CANCELED,	/* rq:canceled */
	TQ_DONE_STOPPED,	/* status stopped, in rq:failed, as RQ */
	TQ_DONE_FORGET		/* out of our list only: another runs it */
};
const char	*tq_outcome_name(enum tq_outcome);	/* "finished" */
/* Upper bounds of the job duration histogram (tq:metrics), seconds. */
#define TQ_METRIC_NBUCKETS 12
extern const double tq_metric_buckets[TQ_METRIC_NBUCKETS];
/*
 * Acknowledge a job the worker holds: out of tq:active and rq:wip, into
 * the registry of its outcome.  worked >= 0: the worker ran it for that
 * many seconds; count it and mark the worker idle, in the same MULTI.
 * TQ_DONE_DROP, a copy of a job whose item has ended: with error NULL
 * its hash goes; with error "finished", "failed" or "canceled" (how the
 * item ended), the job goes back to that registry, its hash kept, as a
 * job that RQ moved out of it (FailedJobRegistry.requeue) would
 * otherwise be lost.
 */
int		 tq_queue_ack(redisContext *, struct tq_err *, const char *name,
		    enum tq_stage, const char *id, enum tq_outcome,
		    double run_at, const char *error, double worked);
int		 tq_queue_ack_append(redisContext *, const char *name,
		    enum tq_stage, const char *id, enum tq_outcome,
		    double run_at, const char *error, double worked);
/*
 * The job's retries_left, as RQ counts them, appended as the acks are;
 * returns the number of replies (1).  These and the acks change a job's
 * hash only while it is there: none is made again in part.
 */
int		 tq_queue_retries_left_append(redisContext *, const char *id,
		    int left);

/* Workers in RQ's layout. */
struct tq_worker_info {
	const char	*name;
	const int	*stages;
	int		 nstages;
	double		 birth;
};
int		 tq_worker_register(redisContext *, struct tq_err *,
		    const struct tq_worker_info *);
/* state: idle, busy, suspended; job NULL unless busy. */
int		 tq_worker_heartbeat(redisContext *, struct tq_err *,
		    const struct tq_worker_info *, const char *state,
		    const char *job, double job_started,
		    const char *const *others, const int *others_stage,
		    int nothers);
int		 tq_worker_unregister(redisContext *, struct tq_err *,
		    const struct tq_worker_info *);
/*
 * Queue jobs again that may sit in RQ's failed or canceled registry
 * (tq-retry): out of there and of the queue, then pushed afresh.
 */
int		 tq_queue_requeue(redisContext *, struct tq_err *,
		    enum tq_stage, struct tq_jobspec *, size_t);
/*
 * Return the jobs of dead workers to their queues.  A worker is dead
 * when its rq:worker hash is gone, its heartbeat is older than
 * `stale` seconds, or it ran on this host and its pid is gone.
 * For each job of a dead worker's list, cb(arg, worker, stage, id)
 * decides first (stage -1 when the job hash is gone): TQ_RECOVER_*,
 * or -1 to stop with err set.  Each job leaves the list and goes its
 * way in one atomic step, so two recoverers of one dead worker return
 * each job once.
 */
enum {
	TQ_RECOVER_REQUEUE = 0,	/* to the head of its queue */
	TQ_RECOVER_DROP,	/* its item is closed: forget job and hash */
	TQ_RECOVER_FORGET	/* out of the list only; the hash stays */
};
typedef int tq_recover_fn(void *, const char *worker, enum tq_stage,
    const char *id);
int		 tq_queue_recover(redisContext *, struct tq_err *,
		    const char *self, double stale, tq_recover_fn *, void *arg,
		    int *returned);
/*
 * Put the jobs in a live worker's own tq:active list back in their
 * queues, but for the nkeep ids in keep (its jobs in flight): what it
 * held when it lost Redis, or what a take whose answer was lost moved
 * there (Redis ran it; the worker never knew).
 */
int		 tq_queue_return_held(redisContext *, struct tq_err *,
		    const char *name, const char *const *keep, int nkeep,
		    int *returned);
/* A Redis lock held for ttl seconds: 1 taken, 0 held by another. */
int		 tq_lock(redisContext *, struct tq_err *, const char *key,
		    const char *owner, int ttl);
int		 tq_unlock(redisContext *, const char *key, const char *owner);

/* --------------------------------------------------------- queue_info.c */

/* RQ's time ("2026-11-28T12:44:36.839073Z") as unix time; -1 if not one. */
double		 tq_rq_time_parse(const char *);
/*
 * The live workers, sorted by name: [{"name": ..., and the fields of
 * their rq:worker:<name> hash as strings}].  NULL and e on error.
 */
json_t		*tq_rq_workers(redisContext *, struct tq_err *);
/*
 * tq's three queues, then the others in rq:queues, sorted:
 * [{"name", "count", ["started_job_registry", "finished_job_registry",
 * "failed_job_registry", "scheduled_job_registry", "workers",] "paused"}]
 * with the registries if asked.  NULL and e on error.
 */
json_t		*tq_rq_queues(redisContext *, struct tq_err *, int registries);
/* Set "oldest_age" (seconds, 0 if empty) on each queue of tq_rq_queues. */
int		 tq_rq_head_ages(redisContext *, struct tq_err *, json_t *);
/* The workers' counters (tq:metrics) as {"field": "value"}. */
json_t		*tq_rq_metrics(redisContext *, struct tq_err *);
/* 1 if rq:suspended is set, 0 if not, -1 and e on error. */
int		 tq_rq_suspended(redisContext *, struct tq_err *);
/* SUBSCRIBE the worker's channel (tq-cancel's messages) on sub. */
int		 tq_worker_subscribe(redisContext *sub, struct tq_err *,
		    const char *name);
/* PUBLISH msg to the worker's channel: the listeners, or -1. */
int		 tq_worker_publish(redisContext *, struct tq_err *,
		    const char *name, const char *msg);
/* 1 if the worker's hash exists, 0 if Redis lost it, -1 on error. */
int		 tq_worker_registered(redisContext *, const char *name);
/* Jobs queued or scheduled in a stage's queue, 0 if paused, -1 error. */
long long	 tq_queue_waiting(redisContext *, enum tq_stage);

/* --------------------------------------------------------------- task.c */

/*
 * Task records (tq-json(5)) for ids, in order; a task that does not
 * exist is a JSON null in its place.  NULL and err on a backend error.
 */
json_t		*tq_task_records(PGconn *, struct tq_err *, const long long *ids,
		    size_t n, int items);
/*
 * The same in two steps, so that other work runs while PostgreSQL
 * makes them: send the query (0, or -1 if it could not be sent), then
 * take its answer (NULL on any error, the connection idle again: ask
 * again with tq_task_records() to have the error).
 */
int		 tq_task_records_send(PGconn *, const long long *ids, size_t n,
		    int items);
json_t		*tq_task_records_take(PGconn *);
/*
 * One task's record and its items a batch at a time, so that a task of
 * 50,000 items is never whole in memory: open begins a transaction on
 * the connection, sets *rec to the record (the caller's) with "items":
 * null in its place, or to JSON null if there is no such task, and
 * returns the handle (NULL and err on a backend error, the transaction
 * ended).  next returns the next items as an array (the caller's),
 * empty after the last, or NULL and err.  close ends the transaction
 * and frees h (NULL: nothing).  The items are those of tq_task_records()
 * and as they were when *rec was read.
 */
struct tq_items;
/* Tasks of more items than this are best read so, not whole. */
#define TQ_ITEMS_WHOLE	1000
struct tq_items	*tq_task_items_open(PGconn *, struct tq_err *,
		    long long id, json_t **rec);
json_t		*tq_task_items_next(struct tq_items *, struct tq_err *);
void		 tq_task_items_close(struct tq_items *);
/*
 * The answer of the schema's functions for one task: tq_chain_cancel
 * (the task and those after it in its chain, sql/0008), tq_task_retry
 * or tq_task_attempts (sql/0002): JSON null if there is no such task,
 * NULL and err on a backend error.  PostgreSQL's side only: the whole
 * operations, Redis's side too, are tq_task_cancel() and
 * tq_task_retry() (taskops.c).
 */
json_t		*tq_pg_chain_cancel(PGconn *, struct tq_err *, long long id);
json_t		*tq_pg_task_retry(PGconn *, struct tq_err *, long long id);
/*
 * The ids of a task's chain in order, the task's first (*out, caller
 * frees); their count (0: no such task), or -1 and err.
 */
int		 tq_task_chain(PGconn *, struct tq_err *, long long id,
		    long long **out);
json_t		*tq_task_attempts(PGconn *, struct tq_err *, long long id);
/* The last limit task ids that match (NULL: any), oldest first. */
struct tq_task_filter {
	long long	 limit;
	const char	*status;
	const char	*type;
	double		 since;		/* seconds; 0: any age */
};
struct tq_ids;
int		 tq_task_list(PGconn *, struct tq_err *,
		    const struct tq_task_filter *, struct tq_ids *);
int		 tq_task_terminal(const char *status);
/* Build "{1,2,3}" for a bigint[] parameter; caller frees. */
char		*tq_pg_array(const long long *, size_t);

/* ------------------------------------------------------------- jsonio.c */

/* Output mode: JSON lines unless stdout is a TTY (then a table). */
enum tq_outmode {
	TQ_OUT_AUTO = 0,
	TQ_OUT_JSON,
	TQ_OUT_TABLE
};
void		 tq_out_init(enum tq_outmode);
/* fd is a terminal that takes escapes (not TERM=dumb) */
int		 tq_term_escapes(int fd);
/* ... and colours: NO_COLOR is not set, or is empty */
int		 tq_term_color(int fd);
int		 tq_out_is_table(void);
/* Print one record as a JSON line (flushed) or a table row. */
void		 tq_out_task(json_t *, int items);
/*
 * tq_out_task(rec, 1) for a record of tq_task_items_open(), its items
 * read from h and printed a batch at a time (each batch, an array, to
 * fix first if not NULL): the same line or rows.  0, or -1 and err
 * when items could not be read: *begun is 0 if nothing was printed,
 * 1 if a line or table was cut short.
 */
int		 tq_out_task_items(json_t *rec, struct tq_items *,
		    void (*fix)(json_t *rec, json_t *items), struct tq_err *,
		    int *begun);
/*
 * The same record's JSON (as json_dumps() with TQ_JSON_PRINT writes
 * it) added to b: 0, or -1 and err, b then holding part of it.
 */
int		 tq_task_json(struct tq_buf *b, json_t *rec,
		    struct tq_items *, void (*fix)(json_t *rec, json_t *items),
		    struct tq_err *);
void		 tq_out_json(json_t *);
/*
 * The json_dumps() flags of what a program prints: compact, numbers in
 * 15 significant digits (0.139, not jansson's 0.13900000000000001).
 */
#define TQ_JSON_PRINT	(JSON_COMPACT | JSON_REAL_PRECISION(15))
/* fflush(stdout), its error kept for the check at exit (cli.c) */
void		 tq_out_flush(void);
/* 1 once a write to stdout has failed (a loop that prints should end) */
int		 tq_out_failed(void);
/* The exit status of a write error on stdout: TQ_EXIT_OUTPUT */
extern int	 tq_out_fail_status;
/* A member's string, or dflt if it is missing, not one, or empty. */
const char	*tq_jstr(json_t *, const char *key, const char *dflt);
/* A member's integer, 0 if it is missing or not one. */
long long	 tq_jint(json_t *, const char *key);
/*
 * An aligned table for a terminal: tq_table_new("lrr", "NAME", "OK",
 * "FAILED") takes one header per letter of align (l left, r right),
 * tq_table_row as many cells (copied; NULL prints "-", control
 * characters are made visible), tq_table_print prints it with two
 * spaces between columns and frees it.
 */
struct tq_table	*tq_table_new(const char *align, ...);
void		 tq_table_row(struct tq_table *, ...);
void		 tq_table_print(struct tq_table *);
/*
 * Read one input line into *line (caller frees); 1 read, 0 at EOF, or
 * TQ_LINE_NUL for a line holding a NUL byte and TQ_LINE_LONG for one
 * longer than TQ_LINE_MAX, which are bad input (read whole, the next
 * line comes next), or TQ_LINE_ERR for a read error (errno says which;
 * stop: what was read may not be all there is).  Lines may be bare
 * words or JSON objects.
 */
/*
 * Bytes, without the newline.  Not 1 MiB, which a URL (8 KiB at most)
 * or an id never nears: a line is also tq-wait's record of a whole
 * task, some 350 bytes an item (a parse of 10,000 URLs: 3.5 MB), and
 * that must reach the next tq-submit.  The size of a page or text that
 * tq-extract and tq-digest read.
 */
#define TQ_INPUT_MAX	(64 << 20)
#define TQ_LINE_MAX	TQ_INPUT_MAX
#define TQ_LINE_NUL	(-1)
#define TQ_LINE_LONG	(-2)
#define TQ_LINE_ERR	(-3)
int		 tq_read_line(FILE *, char **line, size_t *cap);

/* Task ids from operands and/or input lines (bare ids or records). */
struct tq_ids {
	long long	*v;
	size_t		 n;
	size_t		 cap;
	int		 bad;		/* inputs that were not task ids */
};
/* Add the task id in word (an id or a record); -1 with why if none. */
int		 tq_ids_add(struct tq_ids *, const char *word, char *why,
		    size_t whylen);
/*
 * Operands, "-" meaning stdin; no operands: stdin unless it is a
 * terminal.  Bad inputs are reported through warnx(3) by the caller's
 * progname and counted in ids->bad.  Returns the number of ids.
 */
size_t		 tq_ids_collect(struct tq_ids *, int argc, char **argv);
void		 tq_ids_free(struct tq_ids *);

/* ------------------------------------------------------------ monitor.c */

/*
 * The seed's monitoring records (tq-stats, tq-api), each added to out,
 * shaped from queue_info.c's, stats.c's and site.c's answers:
 * "workers" and "total_workers"; "queues" (tq's three, then any other
 * in rq:queues, each with its registries); "sites" (the busiest sites
 * of the last 10 minutes, tq_site_stats()); "statistics" (from
 * processing_tasks; all 0 without tq's schema).  -1 and err, out
 * unchanged, on a backend error.
 */
int		 tq_mon_workers(redisContext *, struct tq_err *, json_t *out);
int		 tq_mon_queues(redisContext *, struct tq_err *, json_t *out);
int		 tq_mon_sites(redisContext *, struct tq_err *, json_t *out);
int		 tq_mon_statistics(PGconn *, struct tq_err *, json_t *out);

/* ------------------------------------------------------------ taskops.c */

/*
 * tq-cancel and tq-retry on one task (tq-api too), the whole
 * operations: PostgreSQL first (task.c's tq_pg_chain_cancel() and
 * tq_pg_task_retry()), then Redis (tq_queue_remove(),
 * tq_worker_publish(), tq_queue_requeue()).  Retry returns the task's
 * record with "retried_count" and "retried_items"; cancel an array of
 * records with "cancelled_count", the task's first, then those of the
 * tasks that follow it in its chain, cancelled with it.  Each has a
 * "message"; NULL when there is none.  *status is an exit status: 0;
 * TQ_EXIT_INPUT, NULL returned, for no such task; TQ_EXIT_BACKEND when
 * a backend failed (a record may still come: the change is in
 * PostgreSQL).  Messages, "task 5: ...", go to note with error 1 when
 * the change is incomplete, 0 when only informative.
 */
typedef void	 tq_task_note_fn(void *arg, int error, const char *msg);
json_t		*tq_task_cancel(PGconn *, redisContext *, long long id,
		    tq_task_note_fn *, void *arg, int *status);
json_t		*tq_task_retry(PGconn *, redisContext *, long long id,
		    tq_task_note_fn *, void *arg, int *status);

/* ------------------------------------------------------------- health.c */

/* A monitoring-plugin range: alert when outside [lo, hi], or inside. */
struct tq_range {
	double	 lo;
	double	 hi;
	int	 inside;
	char	 text[40];
};
/* "10", "10:", "~:10", "10:20", "@10:20"; -1 if s is not one. */
int		 tq_range_parse(const char *s, struct tq_range *);
int		 tq_range_alert(const struct tq_range *, double);	/* 1 */
/* "> 100", "< 2", "outside 10:20", "inside @10:20", for messages. */
const char	*tq_range_why(const struct tq_range *, char *, size_t);

/* The monitoring-plugin levels that tq-health exits with. */
enum {
	TQ_HEALTH_OK = 0,
	TQ_HEALTH_WARNING,
	TQ_HEALTH_CRITICAL,
	TQ_HEALTH_UNKNOWN
};
/*
 * One health check (tq-health, tq-api): tq_health_init() sets
 * tq-health's default thresholds; the caller puts the answer of
 * tq_health_redis() in rd (owned), runs tq_health_pg(), then
 * tq_health_evaluate() fills level, text and list, and
 * tq_health_json() builds the seed's health object from it all.
 */
struct tq_health {
	struct tq_range	 warn, crit;	/* backlog per queue */
	struct tq_range	 workers;	/* live workers */
	struct tq_range	 fail_w, fail_c;	/* % of items failed in 1 h */
	int		 workers_set;	/* workers given, not the default */
	long long	 secs;		/* the deadline, for messages */
	json_t		*rd;		/* tq_health_redis()'s answer */
	struct {
		int	 ok;
		char	 version[64];
		char	 err[512];
		int	 schema;
		int	 latest;
		long long stuck[TQ_NSTAGES];	/* running past timeout */
		long long ended;	/* items ended in the last hour */
		long long failed;
	}		 pg;
	int		 level;		/* TQ_HEALTH_* */
	struct tq_buf	 text;		/* the problems, "; " separated */
	json_t		*list;		/* the problems, an array */
};
void		 tq_health_init(struct tq_health *);
void		 tq_health_free(struct tq_health *);
/*
 * The Redis checks on rc, through queue_info.c: {"ok": true, "version",
 * "workers" ({total, active, busy, idle, suspended}), "queues"
 * (tq_rq_queues() without registries: [{name, count, paused}, ...]),
 * "suspended"}, or {"error": ...}.
 */
json_t		*tq_health_redis(redisContext *rc);
/*
 * Redis's maxmemory-policy into buf if it has a memory limit, else ""
 * (and "" where INFO is refused); 1 if that policy evicts any key when
 * full (allkeys-*: queued jobs and queues too), 0 if not, -1 and err
 * if the connection broke.
 */
int		 tq_redis_policy(redisContext *rc, char *buf, size_t sz,
		    struct tq_err *err);
/* PostgreSQL, by the deadline whatever the server does (no migration). */
void		 tq_health_pg(struct tq_health *, const char *appname,
		    double deadline);
void		 tq_health_evaluate(struct tq_health *);
json_t		*tq_health_json(const struct tq_health *);
const char	*tq_health_level_name(int);
/* A queue of tq_health_redis()'s "queues": its name, count, paused. */
const char	*tq_health_qname(json_t *);
long long	 tq_health_qlen(json_t *);
int		 tq_health_qpaused(json_t *);

/* ---------------------------------------------------------------- cli.c */

/*
 * The options every tool shares: -d database-url, -r redis-url, -H, -j
 * and -q.  1 when ch was one of them (now applied), else 0.  -V prints
 * the program's name and version and exits 0.  The password of a -d or
 * -r URL is then hidden in arg, the process's own argument.
 */
int		 tq_opt_common(int ch, char *arg, enum tq_outmode *,
		    int *quiet);
/*
 * After the options: check the configuration of the backends used
 * (TQ_CFG_REDIS, TQ_CFG_DB; exit 2), skip to the operands.
 */
void		 tq_opt_done(int *argc, char ***argv, int);
/*
 * getopt_long(3) with the tool's own long options (NULL-terminated;
 * NULL for none) and the long forms of those of the common options
 * whose letters are in common ("dHhjqrVv": --database-url, --table,
 * --help, --json, --quiet, --redis-url, --version, --verbose), from
 * one table in cli.c.  The table is built on the first call, which
 * is also where every tool begins: descriptors 0, 1 and 2 are made to
 * exist (a closed one opened on /dev/null the other way round), and
 * stdout is checked at exit, a write error ending the tool with
 * TQ_EXIT_OUTPUT and one line.
 */
struct option;
/*
 * tq_config_load() for a tool that reads its options with tq_getopt():
 * a bad value in the environment is reported when the options end, so
 * that -h and -V still answer and an option's own error comes first.
 * fail (NULL: one line and TQ_EXIT_USAGE) gets the message and should
 * not return.
 */
void		 tq_config_init(void (*fail)(const char *));
/* The same for the filters (tq-extract, tq-digest): TQ_LOG* alone. */
void		 tq_log_init(void);
int		 tq_getopt(int argc, char *const argv[], const char *optstring,
		    const struct option *own, const char *common);
/*
 * For tools that act on tasks: collect the ids (tq_ids_collect), open
 * Redis and PostgreSQL, run fn on each id, and return the worst exit
 * status.  verb ("cancelled") words the messages, which go to stderr.
 */
int		 tq_each_task(int argc, char **argv, const char *verb,
		    int (*fn)(PGconn *, redisContext *, long long));
/* tq-cancel's and tq-retry's main(): the common options, then tq_each_task */
int		 tq_task_main(int argc, char **argv, const char *usage,
		    const char *verb, int (*fn)(PGconn *, redisContext *,
		    long long));
/* A tq_task_*() message to stderr: errors always, the others unless -q */
void		 tq_task_note(void *arg, int error, const char *msg);

/* ---------------------------------------------------------------- job.c */

/*
 * The claim of one job: what tq_claim() in PostgreSQL returned, typed.
 * doc owns params, input and model (all borrowed from it).
 */
struct tq_claim {
	enum tq_stage	 stage;
	char		 job[64];
	long long	 task_id;
	long long	 item_id;
	int		 retry_count;
	int		 crash_count;
	int		 max_retries;
	json_t		*params;	/* the task's params, an object */
	json_t		*input;		/* the item's input, or NULL */
	json_t		*model;		/* ai: set by the stage's prepare */
	json_t		*doc;
	char		 busy[200];	/* 2: the worker running it */
};
/*
 * 1 claimed, 0 the item is not open (done, cancelled), 2 it runs under
 * another worker (c->busy) that may still be at it, -1 err.
 */
int		 tq_claim_load(PGconn *, struct tq_err *, enum tq_stage,
		    const char *job, const char *worker, struct tq_claim *);
int		 tq_claim_many(PGconn *, struct tq_err *, const enum tq_stage *,
		    const char *const *job, int n, const char *worker,
		    struct tq_claim *, int *got);
void		 tq_claim_free(struct tq_claim *);
/* Make the items running under worker's name pending again. */
int		 tq_claim_release_worker(PGconn *, struct tq_err *,
		    const char *worker);

/* -------------------------------------------------------------- stage.c */

/*
 * One row per stage (stage.c): what every program knows of a stage.
 * store names the SQL function (job text, result jsonb) that stores a
 * result and finishes the item in one transaction.  The code that
 * runs a stage's jobs is in job.c's own table (tq_job_work), so that
 * a program that only submits or reads does not load the extractor,
 * the AI and the libraries behind them.
 */
struct tq_stage_def {
	const char	*name;		/* "parse" */
	const char	*queue;		/* "parsing-queue" */
	const char	*task_type;	/* "parsing" */
	const char	*item_type;	/* "link" */
	const char	*item_text;	/* "link", "parsed content": messages */
	const char	*consumes;	/* upstream result id: "link_id" */
	const char	*produces;	/* this stage's: "parsed_content_id" */
	const char	*input_table;	/* where consumed ids live */
	int		 timeout;	/* default, seconds */
	int		 concurrency;	/* default jobs in flight per worker */
	const char	*store;		/* "tq_store_parse" */
};
extern const struct tq_stage_def tq_stages[TQ_NSTAGES];
const struct tq_stage_def *tq_stage(enum tq_stage);
const char	*tq_stage_name(enum tq_stage);		/* "parse" */
const char	*tq_stage_queue(enum tq_stage);		/* "parsing-queue" */
const char	*tq_stage_task_type(enum tq_stage);	/* "parsing" */
const char	*tq_stage_item_type(enum tq_stage);	/* "link" */
int		 tq_stage_from_name(const char *);	/* any of the above */

/* ---------------------------------------------------------------- job.c */

/*
 * The work of one job, run in the job's process: the stage's work
 * function.  Returns the result object to store, or NULL with err
 * classified.  Parse and ai touch no database; notion opens its own
 * connections (notion.c).
 */
json_t		*tq_job_work(const struct tq_claim *, struct tq_err *);
/*
 * What a failed job leaves besides its error, for its item's result
 * when it fails for good: the AI stage's raw answer that could not be
 * used ({"raw_output"}).  The stage sets it just before its work
 * function returns NULL; the worker takes it (NULL: none) as soon as
 * that returns, before any other job runs.
 */
void		 tq_job_detail_set(json_t *);
json_t		*tq_job_detail_take(void);
/*
 * Store a result and finish the item (parent side), with the stage's
 * store function.  Returns the item result, or NULL with err->kind NONE
 * when the item was already closed.
 */
json_t		*tq_job_store(PGconn *, enum tq_stage, const char *job,
		    json_t *result, struct tq_err *);
/* The stages' functions, for the table in stage.c. */
json_t		*tq_job_parse(const struct tq_claim *, struct tq_err *);
json_t		*tq_job_ai(const struct tq_claim *, struct tq_err *);
/* Load the ai model named in the task's params into claim->model. */
int		 tq_job_ai_prepare(PGconn *, struct tq_claim *,
		    struct tq_err *);

/* ------------------------------------------------------------- notion.c */

/* The notion stage's work (see notion.c and tq-submit(1)). */
json_t		*tq_notion_work(const struct tq_claim *, struct tq_err *);
/*
 * For tq-submit: read the database's schema (caching it for the task's
 * items) and check the user's properties against it, through the
 * shared rate limit, within about 8 s.  -1 and err: permanent when the
 * database or a property is wrong or the token refused, else transient.
 */
int		 tq_notion_check(PGconn *, redisContext *, const char *dbid,
		    json_t *properties, struct tq_err *);
/* The token from TQ_NOTION_TOKEN, else NOTION_TOKEN; NULL if none. */
const char	*tq_notion_token(void);
/*
 * The notion stage's settings but the token (NOTION_VERSION,
 * TQ_NOTION_SETTLE, TQ_NOTION_RPS), checked as a job checks them: for a
 * worker's start.  0, or -1 and err.
 */
int		 tq_notion_settings(struct tq_err *);
/*
 * A database id in Notion's dashed lower-case form, from 32 hex digits
 * (dashed or not) or a Notion URL; NULL if there is none.  Caller frees.
 */
char		*tq_notion_id(const char *);
/* UTF-16 code units of UTF-8 text (Notion's "characters"). */
size_t		 tq_utf16_units(const char *, size_t len);
/*
 * The byte length of the first piece of s (len bytes) of at most max
 * UTF-16 units: never inside a UTF-8 sequence or a surrogate pair,
 * after white space when there is some in its second half.  len if all
 * of s fits.
 */
size_t		 tq_notion_cut(const char *s, size_t len, size_t max);
/* text runs of any JSON cut to 2000 bytes of UTF-8 each; how many */
int		 tq_notion_resplit(json_t *);

/* ------------------------------------------------------------- submit.c */

/*
 * tq_submit(): create a task of one stage with one item per distinct
 * input, in input order, and queue a job per item.  Every input is
 * checked first and nothing is written if one is bad; the links of new
 * URLs, the task and its items are written in one transaction, and
 * only then are the job ids pushed to Redis.  The job hashes are
 * written meanwhile, in one pipelined write from a thread that uses
 * the redisContext until tq_submit() returns.
 *
 * The caller owns the inputs and claims; tq_submit() replaces each
 * URL (malloc'd) by its normalised form, freeing the old one, and sets
 * the id of URL inputs to their link id.
 */
struct tq_submit_input {
	char		*url;		/* parse: a URL; NULL: id is the input */
	long long	 id;		/* the upstream id (link id, ...) */
	char		*where;		/* "line 3", or the operand */
	int		 skip;		/* not an item (see claims) */
};
/*
 * What an upstream task record claims: its task, and for each of its
 * items the result id (0: none) that became in[input].  item 0 stands
 * for the task itself, whose record must come before its items'.  The
 * database must agree; inputs of items without a result are skipped.
 */
struct tq_submit_claim {
	long long	 task;
	long long	 item;
	long long	 id;
	size_t		 input;
	char		*where;
};
/* A message about one input, for the caller to print. */
typedef void	 tq_submit_msg_fn(void *arg, const char *where,
		    const char *msg);
/* A follow-up stage of a chain (--then): its task is made with the first. */
struct tq_submit_then {
	enum tq_stage		 stage;
	int			 max_retries;
	const char		*model;	/* ai: as tq_submit's */
	json_t			*params;	/* borrowed; ai: model added */
	long long		 task;	/* result */
};
struct tq_submit_prep;
struct tq_submit {
	enum tq_stage		 stage;
	int			 max_retries;
	const char		*model;	/* ai: name or id; NULL: the default */
	json_t			*params;	/* borrowed; ai: model added */
	struct tq_submit_input	*in;
	size_t			 nin;
	struct tq_submit_claim	*claims;
	size_t			 nclaims;
	tq_submit_msg_fn	*bad;	/* a bad input */
	tq_submit_msg_fn	*note;	/* an input skipped; may be NULL */
	void			*arg;
	struct tq_submit_then	*then;	/* the chain's later stages, in order */
	size_t			 nthen;
	const char		*notify_url;	/* every task of the submit */
	struct tq_submit_prep	*prep;	/* NULL; tq_submit_prepare()'s */
	/* results */
	int			 nbad;
	long long		 task;
	size_t			 nitems;
	int			 queued; /* 0: push failed, err says why */
	int			 want_record;	/* read rec beside the push */
	json_t			*rec;	/* the task's records, or NULL */
};
#define TQ_SUBMIT_BAD	1	/* bad inputs (s->nbad): nothing written */
#define TQ_SUBMIT_EMPTY	2	/* every input skipped: nothing written */
/*
 * 0 when the task is saved: s->task, s->nitems; if s->queued is 0 the
 * push failed (err) and the workers' reconciler will queue the jobs.
 * TQ_SUBMIT_BAD, TQ_SUBMIT_EMPTY, or -1 and err on a backend error.
 */
int		 tq_submit(PGconn *, redisContext *, struct tq_submit *,
		    struct tq_err *);
/*
 * Optional, before tq_submit() and without a connection: the inputs'
 * own checks and the sort of their URLs, done while tq-submit waits for
 * its backends.  s->nbad as after tq_submit()'s; tq_submit() frees it.
 */
void		 tq_submit_prepare(struct tq_submit *);
/* Free what tq_submit_prepare() made, if tq_submit() did not run. */
void		 tq_submit_clear(struct tq_submit *);
/*
 * A submit's phases, timed: with TQ_LOG=debug each call logs the time
 * since the last one and since the first (called first thing in main,
 * with the CPU time the process spent before main).
 */
void		 tq_submit_phase(const char *);
/* 1: url is in the form tq_url_check() would give it (a quick test). */
int		 tq_url_plain(const char *);

/* notify.c: send the due notifications of task ends (sql/0008), from
 * coroutines of the worker's loop; call often.  busy: sends in flight;
 * flush: a tick that claims the due ones now (a worker about to leave) */
void		 tq_notify_tick(PGconn *, const char *worker);
void		 tq_notify_flush(PGconn *, const char *worker);
int		 tq_notify_busy(void);

/* -------------------------------------------------------------- maint.c */

struct tq_maint_stats {
	int	 dead_jobs;	/* returned from dead workers */
	int	 crashed;	/* failed after too many crashes */
	int	 requeued;	/* open in PostgreSQL, missing in Redis */
	int	 dropped;	/* in Redis, closed in PostgreSQL */
	int	 expired_tasks;	/* removed by retention */
	int	 expire_more;	/* a full batch went: more may be due */
};
#define TQ_MAX_CRASHES 3
/*
 * One maintenance pass: dead workers' jobs back to their queues,
 * reconcile PostgreSQL (the truth) with Redis, and, when retention is
 * set, delete old tasks: TQ_MAINT_BATCH (1) deletes one batch of some
 * TQ_RETAIN_ITEMS items, in its own statement, and sets expire_more
 * when the batch was full; TQ_MAINT_ALL (2) deletes batch after batch
 * until none is full.  Callers hold the maintenance lock.
 */
#define TQ_MAINT_BATCH	1
#define TQ_MAINT_ALL	2
#define TQ_RETAIN_ITEMS	10000
int		 tq_maint_run(PGconn *, redisContext *, const char *self,
		    int retention, struct tq_maint_stats *, struct tq_err *);
int		 tq_maint_recover(PGconn *, redisContext *, const char *self,
		    struct tq_maint_stats *, struct tq_err *);
int		 tq_maint_reconcile(PGconn *, redisContext *,
		    struct tq_maint_stats *, struct tq_err *);

/* ---------------------------------------------------------- lifecycle.c */

/* lifecycle.c: a job in a worker, from its claim to its ack */
enum tq_job_end {
	TQ_END_OK,
	TQ_END_TIMEOUT,
	TQ_END_STOPPED,		/* stop-job, kill-horse, or cancelled */
	TQ_END_COLD,		/* cold shutdown: put the job back */
	TQ_END_TAKEN		/* given to another worker: write nothing */
};

struct tq_job {
	char		 id[128];
	enum tq_stage	 st;
	struct tq_claim	 claim;
	struct tq_co	*co;		/* gone once done */
	double		 started;	/* tq_now(), for rq's records */
	double		 t0;		/* tq_mono() then: its deadline */
	double		 stalled;	/* its worker did not run: not counted */
	double		 t_claimed;	/* tq_mono() */
	enum tq_job_end	 forced;
	int		 done;		/* its coroutine ended */
	int		 later;		/* outcome not written yet */
	double		 retry_at;
	double		 backoff;
	json_t		*result;
	json_t		*stored;	/* by tq_job_store_many() */
	json_t		*detail;	/* tq_job_detail_take() */
	struct tq_err	 err;
	struct tq_job	*next;
};

/* What the worker lends: its name, connections and counters. */
struct tq_runner {
	const char	*name;
	redisContext	**rc;
	PGconn		**db;
	int		(*cold)(void);	/* a cold shutdown is under way */
	int		*jobs_done;
	int		*acks;		/* replies of acks appended to rc */
};

int		 tq_job_start(const struct tq_runner *, char (*)[128],
		    const enum tq_stage *, int, struct tq_job **);
int		 tq_job_end(const struct tq_runner *, struct tq_job *);
/*
 * err, a transient error without an answer from the server, met by a
 * job that began at t0 across a stall of its worker
 * (tq_loop_stall_end()), becomes "stalled": the job is set aside and
 * runs again, no retry counted.  1 if it did, else 0 and err as it was.
 */
int		 tq_job_stalled(struct tq_err *err, double t0);
double		 tq_retry_delay(const struct tq_claim *, int, double);
void		 tq_job_acks(const struct tq_runner *);
void		 tq_job_store_many(const struct tq_runner *, struct tq_job **,
		    int);

#endif /* TQ_H */
