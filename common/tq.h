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

#include <jansson.h>

/* Exit statuses, documented in every man page. */
#define TQ_EXIT_OK	0
#define TQ_EXIT_NEGATIVE 1	/* a task failed, unhealthy */
#define TQ_EXIT_USAGE	2
#define TQ_EXIT_INPUT	3	/* bad input */
#define TQ_EXIT_BACKEND	4	/* Redis, PostgreSQL or HTTP unavailable */
#define TQ_EXIT_TIMEOUT	124

/* ---------------------------------------------------------------- util.c */

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
void		 tq_buf_addf(struct tq_buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 tq_buf_free(struct tq_buf *);

double		 tq_now(void);			/* unix time, microseconds */
char		*tq_iso_time(double, char *, size_t);	/* ...T..:..:..Z */
char		*tq_rq_time(double, char *, size_t);	/* RQ's %f form */
void		 tq_uuid(char out[37]);		/* random version 4 */
int		 tq_parse_id(const char *, long long *);	/* 1.. only */
char		*tq_trim(char *);
/* "user:secret@host" -> "user:***@host" in URLs, for messages. */
char		*tq_redact_url(const char *);

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
	char		 code[32];
	char		 msg[512];
};
int		 tq_err_set(struct tq_err *, enum tq_errkind, const char *code,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));	/* returns -1 */
const char	*tq_errkind_name(enum tq_errkind);
/* Transient for 408, 409, 425, 429, 500, 502, 503, 504; else permanent. */
enum tq_errkind	 tq_http_errkind(long status);

/* Last error of the calls that do not take a struct tq_err. */
const char	*tq_strerror(void);
void		 tq_seterr(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* ----------------------------------------------------------------- log.c */

enum tq_loglevel {
	TQ_LOG_ERROR = 0,
	TQ_LOG_WARN,
	TQ_LOG_INFO,
	TQ_LOG_DEBUG
};
extern int	 tq_loglevel;
extern int	 tq_logjson;
int		 tq_log_parse_level(const char *);
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
	char	*user_agent;
	long	 max_body;		/* bytes */
	int	 keep_completed_days;
	int	 keep_failed_days;
	int	 result_ttl;		/* rq:finished and job hash, seconds */
	int	 failure_ttl;
};
extern struct tq_config tq_cfg;

/* Defaults, then the environment.  -1 with tq_strerror() on bad values. */
int		 tq_config_load(void);
int		 tq_config_set_retry_delays(const char *);
const char	*tq_stage_name(enum tq_stage);		/* "parse" */
const char	*tq_stage_queue(enum tq_stage);		/* "parsing-queue" */
const char	*tq_stage_task_type(enum tq_stage);	/* "parsing" */
const char	*tq_stage_item_type(enum tq_stage);	/* "link" */
int		 tq_stage_from_name(const char *);	/* any of the above */

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

struct tq_fetch_opts {
	long		 timeout_ms;		/* total */
	long		 connect_timeout_ms;
	size_t		 max_bytes;		/* decoded body limit */
	int		 max_redirects;
	int		 allow_private;
	const char	*user_agent;		/* NULL: the default */
};
void		 tq_fetch_opts_default(struct tq_fetch_opts *);

struct tq_fetch {
	long	 status;		/* final HTTP status */
	char	*url;			/* final URL after redirects */
	char	*content_type;		/* media type, lower case, no params */
	char	*charset;		/* charset used for the conversion */
	char	*body;			/* UTF-8, NUL terminated */
	size_t	 len;
	int	 redirects;
	double	 seconds;
};
/*
 * GET url.  0 on a 2xx HTML, XHTML or text/plain answer converted to
 * UTF-8; -1 with err classified for the retry policy otherwise.
 */
int		 tq_fetch(const char *url, const struct tq_fetch_opts *,
		    struct tq_fetch *, struct tq_err *);
void		 tq_fetch_free(struct tq_fetch *);
/* 0 if url is an absolute http(s) URL with a host; -1 and err if not. */
int		 tq_url_check(const char *url, char **normalized,
		    struct tq_err *);

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
};
/* html must be UTF-8.  url may be NULL (used to resolve relative URLs). */
int		 tq_extract(const char *html, size_t len, const char *url,
		    struct tq_doc *, struct tq_err *);
void		 tq_doc_free(struct tq_doc *);
json_t		*tq_doc_json(const struct tq_doc *);
void		 tq_sha256_hex(const void *, size_t, char out[65]);

/* ----------------------------------------------------------------- ai.c */

struct tq_ai_model {
	long long	 id;
	char		*name;
	char		*provider;	/* "builtin" or "openai" */
	char		*model;
	char		*base_url;
	char		*api_key_env;	/* name of the variable, never the key */
	double		 temperature;
	int		 max_tokens;
	int		 context_chars;	/* input budget */
	int		 timeout;	/* seconds per call */
	char		*json_mode;	/* schema, object or prompt */
};
void		 tq_ai_model_free(struct tq_ai_model *);

struct tq_ai_request {
	const char	*title;
	const char	*text;
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

int		 tq_ai_builtin(const struct tq_ai_request *,
		    struct tq_ai_result *, struct tq_err *);
int		 tq_ai_openai(const struct tq_ai_model *,
		    const struct tq_ai_request *, struct tq_ai_result *,
		    struct tq_err *);
/* Language guess ("en", "de", "fr", "es", ... or "und"). */
const char	*tq_lang_detect(const char *text);

#endif /* TQ_H */
