/*
 * config.c - defaults < environment < flags, in one struct tq_config.
 * Flags are applied by each program after tq_config_load().
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>

#include "tq.h"


static int
envint(const char *name, int lo, int hi, int *out)
{
	const char *v = getenv(name), *e = NULL;
	long long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtonum(v, lo, hi, &e);
	if (e != NULL) {
		/* "too small", "too large", "invalid": and the range */
		tq_seterr("%s: %s: %s (%d to %d)", name, tq_vis_tmp(v), e,
		    lo, hi);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* "0,30,300", "0, 30, 300" or "0 30 300"; an empty entry is an error. */
int
tq_config_set_retry_delays(const char *s)
{
	char *copy, *p, *seg, *tok;
	int n = 0, r = 0;

	copy = xstrdup(s);
	for (p = copy; r == 0 && (seg = strsep(&p, ",")) != NULL;) {
		if (*tq_trim(seg) == '\0') {
			tq_seterr("retry delays: %s: empty entry", s);
			r = -1;
			break;
		}
		while (r == 0 && (tok = strsep(&seg, " \t")) != NULL) {
			const char *e = NULL;
			long long v;

			if (*tok == '\0')
				continue;
			v = strtonum(tok, 0, 86400 * 7, &e);
			if (e != NULL || n == TQ_MAX_RETRY_DELAYS) {
				tq_seterr("retry delays: %s: %s", s,
				    e ? e : "too many");
				r = -1;
				break;
			}
			tq_cfg.retry_delays[n++] = (int)v;
		}
	}
	free(copy);
	if (r == 0 && n == 0) {
		tq_seterr("retry delays: empty list");
		return -1;
	}
	if (r == 0)
		tq_cfg.nretry_delays = n;
	return r;
}

int
tq_config_check(int uses)
{
	struct tq_err e = { 0 };

	if (((uses & TQ_CFG_REDIS) &&
	    tq_redis_url_check(tq_cfg.redis_url, &e) == -1) ||
	    ((uses & TQ_CFG_DB) &&
	    tq_db_url_check(tq_cfg.database_url, &e) == -1)) {
		tq_seterr("%s", e.msg);
		return -1;
	}
	return 0;
}

void
tq_config_free(void)
{
	free(tq_cfg.redis_url);
	free(tq_cfg.database_url);
	free(tq_cfg.user_agent);
	free(tq_cfg.allow_addrs);
	memset(&tq_cfg, 0, sizeof(tq_cfg));
}

int
tq_config_load(void)
{
	const char *v;
	int i;

	tq_config_free();

	if ((v = getenv("TQ_REDIS_URL")) != NULL && *v)
		tq_cfg.redis_url = xstrdup(v);
	else if ((v = getenv("REDIS_URL")) != NULL && *v)
		tq_cfg.redis_url = xstrdup(v);
	else
		tq_cfg.redis_url = xstrdup("redis://127.0.0.1:6379/0");
	if ((v = getenv("TQ_DATABASE_URL")) != NULL && *v)
		tq_cfg.database_url = xstrdup(v);
	else if ((v = getenv("DATABASE_URL")) != NULL && *v)
		tq_cfg.database_url = xstrdup(v);

	for (i = 0; i < TQ_NSTAGES; i++)
		tq_cfg.timeout[i] = tq_stages[i].timeout;
	tq_cfg.max_retries = 3;
	tq_cfg.retry_delays[0] = 0;
	tq_cfg.retry_delays[1] = 30;
	tq_cfg.retry_delays[2] = 300;
	tq_cfg.nretry_delays = 3;
	tq_cfg.max_body = 10L * 1024 * 1024;
	tq_cfg.notify_attempts = 10;
	tq_cfg.keep_completed_days = 7;
	tq_cfg.keep_failed_days = 30;
	tq_cfg.result_ttl = 500;
	tq_cfg.failure_ttl = 7 * 86400;
	tq_cfg.maint_interval = 15;
	tq_cfg.dead_after = 60;
	tq_cfg.reconcile_grace = 30;
	tq_cfg.cpu_pin = 1;
	for (i = 0; i < TQ_NSTAGES; i++)
		tq_cfg.concurrency[i] = tq_stages[i].concurrency;
	tq_cfg.job_procs = 0;		/* 0: one per allowed CPU */
	tq_cfg.job_proc_jobs = 1000;
	tq_cfg.job_proc_rss = 512;
	tq_cfg.body_budget = 128L * 1024 * 1024;
	tq_cfg.site_concurrency = 4;
	tq_cfg.site_delay = 0;
	tq_cfg.site_backoff = 60;
	tq_cfg.robots = 1;
	tq_cfg.robots_wait = 3600;
	tq_cfg.submit_batch = 5000;
	tq_cfg.db_timeout = 120;

	/* TQ_TIMEOUT for every queue, then each queue's own */
	if ((v = getenv("TQ_TIMEOUT")) != NULL && *v) {
		int t = 0;

		if (envint("TQ_TIMEOUT", 1, 86400, &t) == -1)
			return -1;
		for (i = 0; i < TQ_NSTAGES; i++)
			tq_cfg.timeout[i] = t;
	}
	if (envint("TQ_PARSE_TIMEOUT", 1, 86400,
	    &tq_cfg.timeout[TQ_STAGE_PARSE]) == -1 ||
	    envint("TQ_AI_TIMEOUT", 1, 86400, &tq_cfg.timeout[TQ_STAGE_AI]) == -1 ||
	    envint("TQ_NOTION_TIMEOUT", 1, 86400,
	    &tq_cfg.timeout[TQ_STAGE_NOTION]) == -1 ||
	    /* the seed's name, when tq's own is not set */
	    (getenv("TQ_MAX_RETRIES") == NULL &&
	    envint("MAX_RETRIES", 0, 100, &tq_cfg.max_retries) == -1) ||
	    envint("TQ_MAX_RETRIES", 0, 100, &tq_cfg.max_retries) == -1 ||
	    envint("TQ_KEEP_COMPLETED_DAYS", 0, 100000,
	    &tq_cfg.keep_completed_days) == -1 ||
	    envint("TQ_KEEP_FAILED_DAYS", 0, 100000,
	    &tq_cfg.keep_failed_days) == -1 ||
	    envint("TQ_RESULT_TTL", 1, INT_MAX, &tq_cfg.result_ttl) == -1 ||
	    envint("TQ_FAILURE_TTL", 1, INT_MAX, &tq_cfg.failure_ttl) == -1 ||
	    envint("TQ_ALLOW_PRIVATE", 0, 1, &tq_cfg.allow_private) == -1 ||
	    envint("TQ_CPU_PIN", 0, 1, &tq_cfg.cpu_pin) == -1 ||
	    envint("TQ_MAINT_INTERVAL", 1, 86400, &tq_cfg.maint_interval) == -1 ||
	    envint("TQ_DEAD_AFTER", 15, 86400, &tq_cfg.dead_after) == -1 ||
	    envint("TQ_PARSE_CONCURRENCY", 1, 10000,
	    &tq_cfg.concurrency[TQ_STAGE_PARSE]) == -1 ||
	    envint("TQ_AI_CONCURRENCY", 1, 10000,
	    &tq_cfg.concurrency[TQ_STAGE_AI]) == -1 ||
	    envint("TQ_NOTION_CONCURRENCY", 1, 10000,
	    &tq_cfg.concurrency[TQ_STAGE_NOTION]) == -1 ||
	    envint("TQ_JOB_PROCS", 1, 64, &tq_cfg.job_procs) == -1 ||
	    envint("TQ_JOB_PROC_JOBS", 1, INT_MAX, &tq_cfg.job_proc_jobs) == -1 ||
	    envint("TQ_JOB_PROC_RSS", 16, 1 << 20, &tq_cfg.job_proc_rss) == -1 ||
	    envint("TQ_SITE_CONCURRENCY", 0, 10000,
	    &tq_cfg.site_concurrency) == -1 ||
	    envint("TQ_ROBOTS", 0, 1, &tq_cfg.robots) == -1 ||
	    envint("TQ_ROBOTS_WAIT", 0, 30 * 86400, &tq_cfg.robots_wait) == -1 ||
	    envint("TQ_SUBMIT_BATCH", 0, INT_MAX, &tq_cfg.submit_batch) == -1 ||
	    envint("TQ_DB_TIMEOUT", 0, 86400, &tq_cfg.db_timeout) == -1)
		return -1;
	if ((v = getenv("TQ_SITE_DELAY")) != NULL && *v) {
		char *end;
		double d = tq_strtod(v, &end);

		if (*end != '\0' || !(d >= 0 && d <= 3600)) {
			tq_seterr("TQ_SITE_DELAY: %s: not seconds from 0 to "
			    "3600", v);
			return -1;
		}
		tq_cfg.site_delay = d;
	}
	if ((v = getenv("TQ_SITE_BACKOFF")) != NULL && *v) {
		char *end;
		double d = tq_strtod(v, &end);

		if (*end != '\0' || !(d >= 0 && d <= 86400)) {
			tq_seterr("TQ_SITE_BACKOFF: %s: not seconds from 0 to "
			    "86400", v);
			return -1;
		}
		tq_cfg.site_backoff = d;
	}
	if ((v = getenv("TQ_RECONCILE_GRACE")) != NULL && *v) {
		int g = 0;

		if (envint("TQ_RECONCILE_GRACE", 0, 86400, &g) == -1)
			return -1;
		tq_cfg.reconcile_grace = g;
	}
	if ((v = getenv("TQ_BODY_BUDGET")) != NULL && *v) {
		const char *e = NULL;

		long long n = strtonum(v, 1LL << 20, 1LL << 40, &e);

		if (e != NULL) {
			tq_seterr("TQ_BODY_BUDGET: %s: %s", v, e);
			return -1;
		}
		tq_cfg.body_budget = (long)n;
	}
	if ((v = getenv("TQ_MAX_BODY")) != NULL && *v) {
		const char *e = NULL;
		long long n = strtonum(v, 1024, 1LL << 32, &e);

		if (e != NULL) {
			tq_seterr("TQ_MAX_BODY: %s: %s", v, e);
			return -1;
		}
		tq_cfg.max_body = (long)n;
	}
	if ((v = getenv("TQ_RETRY_DELAYS")) != NULL && *v) {
		if (tq_config_set_retry_delays(v) == -1)
			return -1;
	} else if ((v = getenv("RETRY_DELAYS")) != NULL && *v) {
		if (tq_config_set_retry_delays(v) == -1)
			return -1;
	}
	if ((v = getenv("TQ_USER_AGENT")) != NULL && *v) {
		/* a CR or LF would end the header and begin another */
		for (i = 0; v[i] != '\0'; i++)
			if (iscntrl((unsigned char)v[i])) {
				tq_seterr("TQ_USER_AGENT: holds a control "
				    "character (\\x%02x)", (unsigned char)v[i]);
				return -1;
			}
		tq_cfg.user_agent = xstrdup(v);
	}
	if ((v = getenv("TQ_NOTIFY_ATTEMPTS")) != NULL && *v) {
		const char *e = NULL;

		tq_cfg.notify_attempts = (int)strtonum(v, 1, 100, &e);
		if (e != NULL) {
			tq_seterr("TQ_NOTIFY_ATTEMPTS: %s: %s (1 to 100)", v, e);
			return -1;
		}
	}
	if ((v = getenv("TQ_ALLOW_ADDRS")) != NULL && *v) {
		char msg[128];

		if (tq_http_allow_check(v, msg, sizeof(msg)) == -1) {
			tq_seterr("TQ_ALLOW_ADDRS: %s", msg);
			return -1;
		}
		tq_cfg.allow_addrs = xstrdup(v);
	}
	return tq_log_env();
}

/* in cli.c, which must not call this file: tq-extract loads no libpq */
extern char	*tq_cfg_err;
extern void	(*tq_cfg_fail)(const char *);

void
tq_config_init(void (*fail)(const char *))
{
	if (tq_config_load() == 0)
		return;
	tq_cfg_err = xstrdup(tq_strerror());
	tq_cfg_fail = fail;
}

/* The end of the options of a tool that uses the configuration: check it. */
void
tq_opt_done(int *argc, char ***argv, int uses)
{
	if (tq_config_check(uses) == -1)
		errx(TQ_EXIT_USAGE, "%s", tq_strerror());
	*argc -= optind;
	*argv += optind;
}
