/*
 * tq-wait - block until tasks end, then print their final records with
 * item results, so the next stage can read them.  Each record is
 * printed as its task ends.  Waiting uses PostgreSQL LISTEN/NOTIFY
 * (channel tq_task), with a slow poll as a safety net.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "tq.h"

#define SAFETY_POLL 5.0
#define PROBE_POLL 1.0		/* s: until notifications are seen to come */
#define MIN_REREAD 0.1
#define DB_GRACE 2.0		/* seconds: see tq_db_deadline() below */

static struct option longopts[] = {
	{ "chain", no_argument, NULL, 'c' },
	{ "no-items", no_argument, NULL, 'I' },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tq-wait [-chHIjqvV] [-d database-url] [-t seconds] "
	    "[task ...]\n");
	exit(status);
}

/* LISTEN on db, the connection whose notifications are ours; -1 if not */
static int
listen_on(PGconn *db, struct tq_err *e)
{
	tq_db_listener(db);
	return tq_db_cmd(db, e, "LISTEN tq_task");
}

/*
 * PostgreSQL went away while we wait (a restart, a failover): connect
 * and LISTEN again with backoff until our own deadline, so a pipeline
 * outlives a database restart.  The caller then re-reads every task,
 * so no end is missed.  Exits 4 if the deadline comes first.
 */
static PGconn *
reconnect(PGconn *db, const char *why, double deadline, int quiet)
{
	struct tq_err e = { 0 };
	double backoff = 0.2;
	size_t n;

	PQfinish(db);
	/* libpq's message may end in a full stop: not before our colon */
	n = strlen(why);
	if (n > 0 && why[n - 1] == '.')
		n--;
	if (!quiet)
		warnx("%.*s: reconnecting", (int)n, why);
	for (;;) {
		if ((db = tq_db_connect(&e)) != NULL) {
			if (listen_on(db, &e) == 0) {
				if (!quiet)
					warnx("postgresql: reconnected");
				return db;
			}
			PQfinish(db);
		}
		if (deadline > 0 && tq_mono() + backoff > deadline)
			errx(TQ_EXIT_BACKEND, "%s", e.msg);
		usleep((useconds_t)(backoff * 1e6));
		if (backoff < 5)
			backoff *= 2;
	}
}

/*
 * Do notifications reach us?  Not through a pooler in transaction mode
 * (PgBouncer's): the LISTEN holds on the server connection that one
 * transaction had, which the pooler lends to other clients after it,
 * and what comes to it between lendings is dropped.  So a second
 * connection notifies tq_task with a payload of our own (no task id:
 * other waiters let it pass); until it arrives, the tasks are read
 * every PROBE_POLL seconds instead of SAFETY_POLL.
 */
static void
probe_send(const char *payload)
{
	struct tq_err e = { 0 };
	PGconn *c;

	if ((c = tq_db_open(&e, 0)) == NULL)
		return;
	PQclear(tq_db_exec(c, &e, "SELECT pg_notify('tq_task', $1)", 1,
	    &payload));
	PQfinish(c);
}

/*
 * The progress on a terminal's stderr: a line per open task (up to
 * MAX_BAR_LINES, then one line for all), with done/total, failed, the
 * rate since tq-wait started and an ETA.  Redrawn in place; *lines is
 * how many lines the last drawing used, to move back over them.
 */
#define MAX_BAR_LINES 5
static void
progress(json_t *recs, const char *done, double start, long long *first,
    int *lines)
{
	json_t *r;
	size_t k, nopen = 0;
	long long d, f, tot, all_d = 0, all_f = 0, all_t = 0;
	double el = tq_mono() - start;
	int n = 0, color = tq_term_color(STDERR_FILENO);
	char eta[32];

	json_array_foreach(recs, k, r)
		nopen += !done[k] && json_is_object(r);
	/* back to the first line of the last drawing, clearing */
	for (; *lines > 1; (*lines)--)
		fprintf(stderr, "\r\033[K\033[A");
	fprintf(stderr, "\r\033[K");
	*lines = 0;
	json_array_foreach(recs, k, r) {
		double rate;

		if (done[k] || !json_is_object(r))
			continue;
		f = json_integer_value(json_object_get(r, "failed_items"));
		d = json_integer_value(json_object_get(r, "completed_items")) +
		    f + json_integer_value(json_object_get(r,
		    "cancelled_items"));
		tot = json_integer_value(json_object_get(r, "total_items"));
		all_d += d - first[k];
		all_f += f;
		all_t += tot;
		if (nopen > MAX_BAR_LINES)
			continue;
		rate = el > 0.5 ? (double)(d - first[k]) / el : 0;
		if (rate > 0)
			tq_fmt_duration((double)(tot - d) / rate, eta,
			    sizeof(eta));
		else
			snprintf(eta, sizeof(eta), "-");
		fprintf(stderr, "%stq-wait: task %lld: %lld/%lld done, "
		    "%s%lld failed%s, %.1f/s, eta %s", n++ ? "\n" : "",
		    (long long)json_integer_value(json_object_get(r,
		    "task_id")), d, tot, f && color ? "\033[31m" : "", f,
		    f && color ? "\033[0m" : "", rate, eta);
		(*lines)++;
	}
	if (nopen > MAX_BAR_LINES) {
		double rate = el > 0.5 ? (double)all_d / el : 0;

		fprintf(stderr, "tq-wait: %zu tasks unfinished, %lld items done "
		    "here, %s%lld failed%s of %lld, %.1f/s", nopen, all_d,
		    all_f && color ? "\033[31m" : "", all_f,
		    all_f && color ? "\033[0m" : "", all_t, rate);
		*lines = 1;
	}
	fflush(stderr);
}

/* Clear the progress lines before a record or a message. */
static void
progress_clear(int *lines)
{
	for (; *lines > 1; (*lines)--)
		fprintf(stderr, "\r\033[K\033[A");
	fprintf(stderr, "\r\033[K");
	*lines = 0;
}

/*
 * --chain: each task and the tasks that follow it (tq-submit --then),
 * in chain order, in place of the tasks given.  The chain is fixed
 * when it is submitted.  Returns which of them to print: the last task
 * of each chain.  A task that does not exist stays, to be reported.
 */
static char *
chain_ids(PGconn *db, struct tq_ids *ids)
{
	struct tq_err e = { 0 };
	long long *v = NULL, *c;
	char *show = NULL;
	size_t n = 0, k;
	int i, m;

	for (k = 0; k < ids->n; k++) {
		if ((m = tq_task_chain(db, &e, ids->v[k], &c)) == -1)
			errx(TQ_EXIT_BACKEND, "%s", e.msg);
		v = xrealloc(v, (n + (size_t)m + 1) * sizeof(*v));
		show = xrealloc(show, n + (size_t)m + 1);
		if (m == 0) {
			v[n] = ids->v[k];
			show[n++] = 1;
		}
		for (i = 0; i < m; i++) {
			v[n] = c[i];
			show[n++] = i == m - 1;
		}
		free(c);
	}
	free(ids->v);
	ids->v = v;
	ids->n = n;
	ids->cap = n;
	return show;
}

int
main(int argc, char *argv[])
{
	struct tq_err e = { 0 };
	struct tq_ids ids = { 0 };
	enum tq_outmode om = TQ_OUT_AUTO;
	int ch, items = 1, quiet = 0, status = TQ_EXIT_OK, bar, lines = 0;
	long long *first = NULL;
	double timeout = 0, start = tq_mono(), last = 0, deadline;
	double poll_s = PROBE_POLL;
	char *done = NULL, *show = NULL, probe[64];
	int chain = 0, gone = 0;
	size_t k, m, nopen, nq;
	json_t *recs = NULL, *rec, *sub;
	long long *qv;
	size_t *qk;
	PGconn *db;

	tq_config_init(NULL);
	tq_db_statement_limit(tq_cfg.db_timeout);
	while ((ch = tq_getopt(argc, argv, "cd:HhIjqt:Vv", longopts,
	    "dHhjqVv")) != -1) {
		if (tq_opt_common(ch, optarg, &om, &quiet))
			continue;
		switch (ch) {
		case 'c':
			chain = 1;
			break;
		case 'h':
			usage(stdout, TQ_EXIT_OK);
			break;
		case 'I':
			items = 0;
			break;
		case 't': {
			char *end;

			timeout = tq_strtod(optarg, &end);
			/* so written, NaN fails too */
			if (*optarg == '\0' || *end != '\0' ||
			    !(timeout > 0 && timeout <= 31536000))
				errx(TQ_EXIT_USAGE, "timeout %s: not a number of "
				    "seconds over 0 and up to 31536000 (a year)",
				    tq_vis_arg(optarg));
			break;
		}
		default:
			usage(stderr, TQ_EXIT_USAGE);
		}
	}
	tq_opt_done(&argc, &argv, TQ_CFG_DB);
	if (argc == 0 && isatty(STDIN_FILENO))
		usage(stderr, TQ_EXIT_USAGE);
	tq_out_init(om);
	tq_ids_collect(&ids, argc, argv);
	if (ids.n == 0) {
		if (ids.bad == 0)
			warnx("no task ids to wait for");
		return TQ_EXIT_INPUT;
	}
	deadline = timeout > 0 ? start + timeout : 0;
	/*
	 * A server that stops answering keeps tq-wait no more than
	 * DB_GRACE seconds past -t; a slow answer near it is no failure.
	 */
	tq_db_deadline(deadline > 0 ? deadline + DB_GRACE : 0);
	if ((db = tq_db_connect(&e)) == NULL)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	if (listen_on(db, &e) == -1)
		errx(TQ_EXIT_BACKEND, "%s", e.msg);
	snprintf(probe, sizeof(probe), "tq-wait probe %ld %.0f",
	    (long)getpid(), start * 1e6);
	probe_send(probe);
	/* redrawn in place with escapes: none on a dumb terminal */
	bar = !quiet && tq_term_escapes(STDERR_FILENO);
	if (chain)
		show = chain_ids(db, &ids);
	else
		show = memset(xcalloc(ids.n, 1), 1, ids.n);
	done = xcalloc(ids.n, 1);
	qv = xcalloc(ids.n, sizeof(*qv));
	qk = xcalloc(ids.n, sizeof(*qk));
	recs = json_array();
	for (k = 0; k < ids.n; k++)
		json_array_append_new(recs, json_null());
	for (;;) {
		PGnotify *n;
		struct pollfd pfd[2];
		double now = tq_mono(), wait_s;
		json_t *full = NULL;
		struct tq_items *h = NULL;
		int lost = 0, begun, big;

		/*
		 * (re)read the open tasks: cheap, and no NOTIFY is missed;
		 * those done keep their last record (thousands of them were
		 * read again each time, 7 s a round for 50,000)
		 */
		for (k = nq = 0; k < ids.n; k++)
			if (!done[k]) {
				qv[nq] = ids.v[k];
				qk[nq++] = k;
			}
		if ((sub = tq_task_records(db, &e, qv, nq, 0)) == NULL) {
			if (e.kind != TQ_ERR_TRANSIENT ||
			    strcmp(e.code, "deadline") == 0)
				errx(TQ_EXIT_BACKEND, "%s", e.msg);
			db = reconnect(db, e.msg, deadline, quiet);
			continue;
		}
		json_array_foreach(sub, m, rec)
			json_array_set(recs, qk[m], rec);
		json_decref(sub);
		nopen = 0;
		json_array_foreach(recs, k, rec) {
			if (done[k])
				continue;
			if (json_is_null(rec)) {
				warnx("task %lld: no such task", ids.v[k]);
				status = TQ_EXIT_INPUT;
				done[k] = 1;
				continue;
			}
			if (!tq_task_terminal(json_string_value(
			    json_object_get(rec, "status")))) {
				nopen++;
				continue;
			}
			/*
			 * the items of a big task a batch at a time, printed
			 * as they come (tq_task_items_open()): not the whole
			 * list at once
			 */
			big = items && show[k] && json_integer_value(
			    json_object_get(rec, "total_items")) >
			    TQ_ITEMS_WHOLE;
			if (items && show[k]) {
				if (big)
					h = tq_task_items_open(db, &e,
					    ids.v[k], &full);
				else
					full = tq_task_records(db, &e,
					    &ids.v[k], 1, 1);
				if (big ? h == NULL : full == NULL) {
					if (e.kind != TQ_ERR_TRANSIENT ||
					    strcmp(e.code, "deadline") == 0)
						errx(TQ_EXIT_BACKEND, "%s",
						    e.msg);
					lost = 1;
					break;
				}
			}
			done[k] = 1;
			if (!show[k])
				goto shown;
			if (bar)
				progress_clear(&lines);
			if (big && !json_is_null(full) &&
			    tq_out_task_items(full, h, NULL, &e, &begun) ==
			    -1) {
				/* a line cut short cannot be taken back */
				if (begun || e.kind != TQ_ERR_TRANSIENT ||
				    strcmp(e.code, "deadline") == 0)
					errx(TQ_EXIT_BACKEND, "%s", e.msg);
				json_decref(full);
				tq_task_items_close(h);
				done[k] = 0;
				lost = 1;
				break;
			}
			if (big) {
				if (json_is_null(full))
					tq_out_task(full, 1);
				json_decref(full);
				tq_task_items_close(h);
			} else if (items) {
				tq_out_task(json_array_get(full, 0), 1);
				json_decref(full);
			} else
				tq_out_task(rec, 0);
			/* nobody reads any more (a full disk, a closed
			 * stdout): waiting on would only hold the pipeline */
			if (tq_out_failed()) {
				gone = 1;
				break;
			}
shown:
			if (strcmp(json_string_value(json_object_get(rec,
			    "status")), "completed") != 0 &&
			    status == TQ_EXIT_OK)
				status = TQ_EXIT_NEGATIVE;
		}
		if (gone)
			break;
		if (lost) {
			db = reconnect(db, e.msg, deadline, quiet);
			continue;
		}
		if (nopen == 0)
			break;
		if (first == NULL) {
			/* the rate counts what ends while we watch */
			first = xcalloc(ids.n, sizeof(*first));
			json_array_foreach(recs, k, rec)
				first[k] = json_integer_value(json_object_get(
				    rec, "completed_items")) +
				    json_integer_value(json_object_get(rec,
				    "failed_items")) + json_integer_value(
				    json_object_get(rec, "cancelled_items"));
		}
		if (bar)
			progress(recs, done, start, first, &lines);
		if (timeout > 0 && now - start >= timeout) {
			if (bar)
				progress_clear(&lines);
			if (!quiet)
				warnx("timed out after %g s: %zu task%s not "
				    "finished", timeout, nopen, nopen == 1 ? "" :
				    "s");
			status = TQ_EXIT_TIMEOUT;
			break;
		}
		/* wait for a notification about one of ours */
		for (;;) {
			int hit = 0;

			pfd[0].fd = PQsocket(db);
			pfd[0].events = POLLIN;
			/*
			 * Standard output too, for no event but its error:
			 * a pipe's reader that went away (tq-wait | head)
			 * would otherwise be seen only at the next record,
			 * maybe never.  A file never has one, a terminal only
			 * when hung up.
			 */
			pfd[1].fd = STDOUT_FILENO;
			pfd[1].events = 0;
			wait_s = last + poll_s - tq_mono();
			if (timeout > 0 && start + timeout - tq_mono() < wait_s)
				wait_s = start + timeout - tq_mono();
			if (wait_s <= 0)
				break;
			if (poll(pfd, 2, (int)(wait_s * 1000) + 1) < 0)
				continue;
			if (pfd[1].revents & (POLLERR | POLLHUP)) {
				gone = 1;
				break;
			}
			if (!PQconsumeInput(db)) {
				char buf[256], why[300];

				snprintf(why, sizeof(why), "postgresql: %s",
				    tq_db_error(db, buf, sizeof(buf)));
				db = reconnect(db, why, deadline, quiet);
				break;
			}
			while ((n = PQnotifies(db)) != NULL) {
				long long id = atoll(n->extra);

				if (strcmp(n->extra, probe) == 0)
					poll_s = SAFETY_POLL;

				for (k = 0; k < ids.n; k++)
					if (ids.v[k] == id && !done[k])
						hit = 1;
				PQfreemem(n);
			}
			if (hit)
				break;
		}
		if (gone)
			break;
		/*
		 * Notifications come in bursts, two per item: re-read at
		 * most every MIN_REREAD seconds, so a waiter costs the
		 * database little however fast the workers go.
		 */
		if (tq_mono() - last < MIN_REREAD)
			usleep((useconds_t)((MIN_REREAD - (tq_mono() - last)) *
			    1e6));
		last = tq_mono();
	}
	/* a bad line wins over a failed task, as an unknown task does */
	if (ids.bad > 0 && (status == TQ_EXIT_OK ||
	    status == TQ_EXIT_NEGATIVE))
		status = TQ_EXIT_INPUT;
	/* and a failed stdout over all: the records are lost */
	if (gone) {
		if (bar)
			progress_clear(&lines);
		/* a failed write is told as the tool exits (cli.c); a
		 * reader seen gone before any write failed, here */
		if (!tq_out_failed())
			warnx("stdout: %s", strerror(EPIPE));
		status = TQ_EXIT_OUTPUT;
	}
	json_decref(recs);
	free(qv);
	free(qk);
	free(done);
	free(show);
	free(first);
	tq_ids_free(&ids);
	PQfinish(db);
	return status;
}
