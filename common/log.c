/*
 * log.c - one line per event on stderr, plain "key=value" text or JSON
 * lines.  Callers never pass secrets; URLs go through tq_redact_url().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tq.h"

int tq_loglevel = TQ_LOG_INFO;
int tq_logjson;

static const char *names[] = { "error", "warn", "info", "debug" };

int
tq_log_parse_level(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0)
			return (int)i;
	if (strcasecmp(s, "warning") == 0)
		return TQ_LOG_WARN;
	return -1;
}

static void
plain_value(struct tq_buf *b, json_t *v)
{
	const char *s;
	char *d;

	if (json_is_string(v)) {
		struct tq_buf q = { 0 };

		s = json_string_value(v);
		if (*s != '\0' && strcspn(s, " \t\n\"=") == strlen(s)) {
			tq_buf_addvis(b, s);
			return;
		}
		/* quote, and keep the line one line; tq_vis does the rest */
		tq_buf_add(&q, "", 0);
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				tq_buf_addf(&q, "\\%c", *s);
			else if (*s == '\n')
				tq_buf_adds(&q, "\\n");
			else
				tq_buf_add(&q, s, 1);
		}
		tq_buf_adds(b, "\"");
		tq_buf_addvis(b, q.data);
		tq_buf_adds(b, "\"");
		tq_buf_free(&q);
		return;
	}
	d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(6));
	tq_buf_adds(b, d ? d : "null");
	free(d);
}

void
tq_log(enum tq_loglevel lvl, const char *event, json_t *fields)
{
	char ts[40];
	struct tq_buf b = { 0 };
	const char *k;
	json_t *v;

	if ((int)lvl > tq_loglevel) {
		json_decref(fields);
		return;
	}
	tq_rq_time(tq_now(), ts, sizeof(ts));
	if (tq_logjson) {
		json_t *o = json_object();
		char *d;

		json_object_set_new(o, "time", json_string(ts));
		json_object_set_new(o, "level", json_string(names[lvl]));
		json_object_set_new(o, "prog", json_string(getprogname()));
		json_object_set_new(o, "event", json_string(event));
		if (fields)
			json_object_update(o, fields);
		/* ASCII: C1 controls stay escaped for the terminal too */
		d = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
		    JSON_REAL_PRECISION(6));
		tq_buf_adds(&b, d ? d : "{}");
		free(d);
		json_decref(o);
	} else {
		tq_buf_addf(&b, "%s %-5s %s %s", ts, names[lvl],
		    getprogname(), event);
		if (fields)
			json_object_foreach(fields, k, v) {
				if (json_is_null(v))
					continue;
				tq_buf_addf(&b, " %s=", k);
				plain_value(&b, v);
			}
	}
	tq_buf_adds(&b, "\n");
	fwrite(b.data, 1, b.len, stderr);
	fflush(stderr);
	tq_buf_free(&b);
	json_decref(fields);
}

void
tq_logf(enum tq_loglevel lvl, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if ((int)lvl > tq_loglevel)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	tq_log(lvl, "message", json_pack("{s:s}", "msg", msg ? msg : ""));
	free(msg);
}
