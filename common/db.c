/*
 * db.c - libpq: connect with a deadline, migrate under an advisory lock,
 * and run statements with errors classified for the retry policy.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tq.h"

#define MIGRATE_LOCK "7471000001"	/* pg_advisory_xact_lock key */

/*
 * tq_db_deadline(): when set, connecting and statements end by it;
 * each thread its own (tq-api's threads each serve their request)
 */
static __thread double	db_deadline;
static __thread double	db_limit;	/* s a statement may take */

#define LIMIT_GRACE	5.0	/* s past statement_timeout: no server */

/*
 * Through a pooler in transaction mode, a server connection on which
 * tq-wait listened once is lent to any client after it; a notification
 * that comes to it then comes to that client, and libpq keeps it until
 * asked: a worker's would grow for ever.
 */
static __thread PGconn	*db_listener;

void
tq_db_listener(PGconn *c)
{
	db_listener = c;
}

static void
drop_notifies(PGconn *c)
{
	PGnotify *n;

	if (c == db_listener)
		return;
	while ((n = PQnotifies(c)) != NULL)
		PQfreemem(n);
}

void
tq_db_deadline(double at)
{
	db_deadline = at;
}

void
tq_db_statement_limit(double s)
{
	db_limit = s;
}

double
tq_db_statement_limit_of(void)
{
	return db_limit;
}

static void
quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Replace every copy of the connection's password in buf by "***". */
static void
scrub_secret(char *buf, const char *pw)
{
	size_t n;
	char *p;

	if (pw == NULL || (n = strlen(pw)) < 3)
		return;
	while ((p = strstr(buf, pw)) != NULL) {
		memmove(p + 3, p + n, strlen(p + n) + 1);
		memcpy(p, "***", 3);
	}
}

const char *
tq_db_error(PGconn *c, char *buf, size_t n)
{
	const char *m = c ? PQerrorMessage(c) : "out of memory";
	size_t i = 0;
	int space = 0, nl = 0;

	/* libpq's messages span lines; make one of them */
	for (; *m && i + 3 < n; m++) {
		if (isspace((unsigned char)*m)) {
			space = 1;
			nl |= *m == '\n';
			continue;
		}
		if (space && i > 0) {
			if (nl && buf[i - 1] != ';' && buf[i - 1] != ':')
				buf[i++] = ';';
			buf[i++] = ' ';
		}
		space = nl = 0;
		buf[i++] = *m;
	}
	buf[i] = '\0';
	scrub_secret(buf, c ? PQpass(c) : NULL);
	return buf;
}

/*
 * Copy libpq's message m into buf as one line, with every quoted
 * "..." longer than one character replaced: libpq quotes the whole
 * connection string, password and all, in its parse errors.
 */
static void
scrub_quotes(const char *m, char *buf, size_t n)
{
	size_t i = 0;
	const char *e;

	for (; *m && i + 6 < n; m++) {
		if (*m == '"' && (e = strchr(m + 1, '"')) != NULL) {
			if (e - m > 2) {
				memcpy(buf + i, "\"...\"", 5);
				i += 5;
			} else {
				memcpy(buf + i, m, e - m + 1);
				i += e - m + 1;
			}
			m = e;
		} else
			buf[i++] = isspace((unsigned char)*m) ? ' ' : *m;
	}
	while (i > 0 && buf[i - 1] == ' ')
		i--;
	buf[i] = '\0';
}

/*
 * The number in [p, end) as libpq reads one (parse_int_param()): white
 * space, a signed int, white space; for a port, 1 to 65535.
 */
static int
int_ok(const char *p, const char *end, int port)
{
	char buf[32], *e;
	size_t n = (size_t)(end - p);
	long v;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &e, 10);
	if (e == buf || errno != 0 || v != (int)v)
		return 0;
	while (isspace((unsigned char)*e))
		e++;
	return *e == '\0' && (!port || (v >= 1 && v <= 65535));
}

/*
 * The values libpq checks before it connects, and refuses each time:
 * what a worker would otherwise retry for ever as a connection that
 * failed.  Only these are named in a message: never a password.
 */
static int
option_values(const PQconninfoOption *o, struct tq_err *err)
{
	static const struct {
		const char	*key;
		const char	*vals;	/* "a|b|c"; NULL: a number */
	} opt[] = {
		{ "sslmode", "disable|allow|prefer|require|verify-ca|"
		    "verify-full" },
		{ "gssencmode", "disable|prefer|require" },
		{ "channel_binding", "disable|prefer|require" },
		{ "target_session_attrs", "any|read-write|read-only|primary|"
		    "standby|prefer-standby" },
		{ "ssl_min_protocol_version", "TLSv1|TLSv1.1|TLSv1.2|TLSv1.3" },
		{ "ssl_max_protocol_version", "TLSv1|TLSv1.1|TLSv1.2|TLSv1.3" },
		/*
		 * Not keepalives and tcp_user_timeout: libpq reads them
		 * only for a TCP connection, so they may be anything for
		 * a Unix socket.
		 */
		{ "port", NULL },
		{ "connect_timeout", NULL },
	};
	const char *v, *p, *q;
	size_t i, n, nhost = 0, nport = 0;
	int ok, port;

	for (; o->keyword != NULL; o++) {
		/* one port for all hosts, or one each (libpq's rule) */
		if (o->val != NULL && *o->val != '\0' &&
		    (strcmp(o->keyword, "host") == 0 ||
		    strcmp(o->keyword, "hostaddr") == 0 ||
		    strcmp(o->keyword, "port") == 0)) {
			for (n = 1, p = o->val; *p != '\0'; p++)
				n += *p == ',';
			if (strcmp(o->keyword, "port") == 0)
				nport = n;
			else if (n > nhost)
				nhost = n;
		}
		for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
			if (strcmp(o->keyword, opt[i].key) == 0)
				break;
		if (i == sizeof(opt) / sizeof(opt[0]) || (v = o->val) == NULL)
			continue;
		if (opt[i].vals == NULL) {
			/* a number; for port a list of them, some empty */
			port = strcmp(opt[i].key, "port") == 0;
			for (p = v, ok = 1; ok; p = q + 1) {
				q = port ? p + strcspn(p, ",") : p + strlen(p);
				ok = (port && q == p) || int_ok(p, q, port);
				if (*q == '\0')
					break;
			}
			if (!ok)
				return tq_err_set(err, TQ_ERR_PERMANENT,
				    "config", "postgresql: bad database URL: "
				    "%s \"%.40s\": not %s", opt[i].key, v,
				    port ? "a port from 1 to 65535" :
				    "a number");
			continue;
		}
		for (p = opt[i].vals, ok = 0; !ok && *p != '\0'; p = q +
		    (*q != '\0')) {
			q = p + strcspn(p, "|");
			ok = strlen(v) == (size_t)(q - p) &&
			    strncmp(v, p, (size_t)(q - p)) == 0;
		}
		if (!ok)
			return tq_err_set(err, TQ_ERR_PERMANENT, "config",
			    "postgresql: bad database URL: %s \"%.40s\": not "
			    "one of %s", opt[i].key, v, opt[i].vals);
	}
	if (nport > 1 && nport != (nhost > 0 ? nhost : 1))
		return tq_err_set(err, TQ_ERR_PERMANENT, "config",
		    "postgresql: bad database URL: %zu ports for %zu hosts",
		    nport, nhost > 0 ? nhost : 1);
	return 0;
}

int
tq_db_url_check(const char *url, struct tq_err *err)
{
	PQconninfoOption *o;
	char *m = NULL, buf[256];

	/* libpq takes anything else for a database name */
	if (url == NULL || (strchr(url, '=') == NULL &&
	    strstr(url, "://") == NULL))
		return 0;
	if (strstr(url, "://") != NULL && strncmp(url, "postgresql://", 13) &&
	    strncmp(url, "postgres://", 11))
		return tq_err_set(err, TQ_ERR_PERMANENT, "config",
		    "postgresql: bad database URL: expected postgresql:// "
		    "or a conninfo string");
	if ((o = PQconninfoParse(url, &m)) != NULL) {
		int rv = option_values(o, err);

		PQconninfoFree(o);
		return rv;
	}
	scrub_quotes(m ? m : "cannot parse it", buf, sizeof(buf));
	PQfreemem(m);
	return tq_err_set(err, TQ_ERR_PERMANENT, "config",
	    "postgresql: bad database URL: %s", buf);
}

/*
 * Over TCP, a server that goes silent (its host gone, a network cut, a
 * failover) would hold a connection for hours: Linux sends its first
 * keepalive probe after 2 hours of quiet, and gives up on data never
 * acknowledged only after some 15 minutes of retries.  So an idle
 * connection is probed after 30 s and dropped after three probes 10 s
 * apart go unanswered, and one whose sent data goes unacknowledged for
 * 60 s is dropped: the call fails as a lost connection (transient),
 * and the worker reconnects.  A slow query is not cut short: the
 * server's kernel acknowledges it at once.  These come before the
 * connection string in the keyword list, so that the string's own
 * keepalives, keepalives_idle, ... or tcp_user_timeout win; a Unix
 * socket ignores them.  Fills keys and vals, returns how many.
 */
int
tq_db_tcp_defaults(const char **keys, const char **vals)
{
	static const char *const kv[TQ_DB_TCP_KEYS][2] = {
		{ "keepalives_idle", "30" },
		{ "keepalives_interval", "10" },
		{ "keepalives_count", "3" },
		{ "tcp_user_timeout", "60000" },
	};
	int i;

	for (i = 0; i < TQ_DB_TCP_KEYS; i++) {
		keys[i] = kv[i][0];
		vals[i] = kv[i][1];
	}
	return TQ_DB_TCP_KEYS;
}

PGconn *
tq_db_connect(struct tq_err *err)
{
	return tq_db_open(err, 1);
}

/* -v: where c went and how long it took, since t0 (no password) */
void
tq_db_log_connected(PGconn *c, double t0)
{
	if (tq_loglevel < TQ_LOG_DEBUG)
		return;
	tq_log(TQ_LOG_DEBUG, "db_connected", json_pack("{s:s,s:s,s:s,s:s,"
	    "s:i,s:f}", "host", PQhost(c) ? PQhost(c) : "", "port",
	    PQport(c) ? PQport(c) : "", "db", PQdb(c) ? PQdb(c) : "", "user",
	    PQuser(c) ? PQuser(c) : "", "server_version", PQserverVersion(c),
	    "ms", (tq_mono() - t0) * 1000));
}

PGconn *
tq_db_open(struct tq_err *err, int migrate)
{
	const char *keys[4 + TQ_DB_TCP_KEYS], *vals[4 + TQ_DB_TCP_KEYS];
	char buf[512];
	PGconn *c;
	char ct[16] = "5";
	double left = db_deadline - tq_mono(), t0;
	int k = 0;

	/*
	 * 5 s, or less to a deadline (libpq's least is 2).  libpq keeps
	 * the last of a key it is given twice: the URL's own comes after
	 * the default, and a deadline's after the URL.
	 */
	if (db_deadline > 0 && left < 5)
		snprintf(ct, sizeof(ct), "%d", left < 2 ? 2 : (int)left + 1);
	if (getenv("PGCONNECT_TIMEOUT") == NULL && db_deadline <= 0) {
		keys[k] = "connect_timeout";
		vals[k++] = ct;
	}
	k += tq_db_tcp_defaults(keys + k, vals + k);
	keys[k] = "fallback_application_name";
	vals[k++] = getprogname();
	if (tq_cfg.database_url != NULL) {
		keys[k] = "dbname";
		vals[k++] = tq_cfg.database_url;
	}
	if (db_deadline > 0) {
		keys[k] = "connect_timeout";
		vals[k++] = ct;
	}
	keys[k] = NULL;
	vals[k] = NULL;
	if (tq_db_url_check(tq_cfg.database_url, err) == -1)
		return NULL;
	t0 = tq_mono();
	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: %s", tq_db_error(c, buf, sizeof(buf)));
		PQfinish(c);
		return NULL;
	}
	tq_db_log_connected(c, t0);
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	if (migrate) {
		/* a migration takes the time it takes */
		double lim = db_limit;
		int rc;

		db_limit = 0;
		rc = tq_db_migrate(c, err);
		db_limit = lim;
		if (rc == -1) {
			PQfinish(c);
			return NULL;
		}
	}
	if (db_limit > 0) {
		PGresult *r;

		snprintf(buf, sizeof(buf), "SET statement_timeout = %ld",
		    (long)(db_limit * 1000));
		if ((r = tq_db_exec(c, err, buf, 0, NULL)) == NULL) {
			PQfinish(c);
			return NULL;
		}
		PQclear(r);
	}
	return c;
}

static enum tq_errkind
classify(PGconn *c, PGresult *r)
{
	const char *state;

	if (PQstatus(c) != CONNECTION_OK)
		return TQ_ERR_TRANSIENT;
	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state == NULL)
		return TQ_ERR_TRANSIENT;
	/*
	 * 08 connection, 40 rollback/deadlock, 53 resources, 57 shutdown;
	 * 25006, a server that takes no writes for now (a full disk's
	 * default_transaction_read_only, a hot standby)
	 */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "40", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "25006") == 0)
		return TQ_ERR_TRANSIENT;
	return TQ_ERR_PERMANENT;
}

int
tq_db_err_set(PGconn *c, PGresult *r, struct tq_err *err, const char *msg)
{
	const char *st = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) :
	    NULL;

	/* the server's end of a statement past the limit of this thread */
	if (db_limit > 0 && st != NULL && strcmp(st, "57014") == 0 &&
	    strstr(msg, "statement timeout") != NULL)
		return tq_err_set(err, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: %s after %.0f s (TQ_DB_TIMEOUT)", msg,
		    db_limit);
	return tq_err_set(err, classify(c, r), st != NULL &&
	    strcmp(st, "40P01") == 0 ? "deadlock" : "postgresql",
	    "postgresql: %s", msg);
}

PGresult *
tq_db_exec(PGconn *c, struct tq_err *err, const char *sql, int n,
    const char *const *params)
{
	return tq_db_exec_bin(c, err, sql, n, params, NULL, NULL);
}

/* Wait for c's socket (events), up to db_deadline: 0, or -1 at it. */
static int
db_wait(PGconn *c, short events)
{
	struct pollfd pfd;
	double left;
	int rv;

	pfd.fd = PQsocket(c);
	pfd.events = events;
	if (pfd.fd < 0)
		return 0;	/* PQconsumeInput() says what broke */
	do {
		if ((left = db_deadline - tq_mono()) <= 0)
			return -1;
		rv = poll(&pfd, 1, (int)(left * 1000) + 1);
	} while (rv == 0 || (rv == -1 && errno == EINTR));
	return 0;
}

/*
 * A statement as PQexecParams() runs it, but by db_deadline: its last
 * result, or NULL with *late set when the deadline came first (the
 * connection is then busy: the caller closes it).
 */
static PGresult *
exec_by(PGconn *c, const char *sql, int n, const char *const *params,
    const int *lens, const int *formats, int *late)
{
	PGresult *r, *res = NULL;
	int f;

	*late = 0;
	if (!(n > 0 ? PQsendQueryParams(c, sql, n, NULL, params, lens,
	    formats, 0) : PQsendQuery(c, sql)))
		return NULL;
	while ((f = PQflush(c)) == 1)
		if (db_wait(c, POLLOUT) == -1)
			goto late;
	if (f == -1)
		return NULL;
	for (;;) {
		while (PQisBusy(c)) {
			if (db_wait(c, POLLIN) == -1)
				goto late;
			if (!PQconsumeInput(c)) {
				PQclear(res);
				return NULL;
			}
		}
		if ((r = PQgetResult(c)) == NULL)
			return res;
		PQclear(res);
		res = r;
	}
late:
	*late = 1;
	PQclear(res);
	return NULL;
}

PGresult *
tq_db_exec_bin(PGconn *c, struct tq_err *err, const char *sql, int n,
    const char *const *params, const int *lens, const int *formats)
{
	PGresult *r;
	ExecStatusType st;
	char buf[512];
	double given = db_deadline, at;
	int late = 0, bylimit = 0;

	/* the statement's limit, if it comes before the deadline */
	if (db_limit > 0) {
		at = tq_mono() + db_limit + LIMIT_GRACE;
		if (db_deadline <= 0 || at < db_deadline) {
			db_deadline = at;
			bylimit = 1;
		}
	}
	if (db_deadline > 0)
		r = exec_by(c, sql, n, params, lens, formats, &late);
	else if (n > 0)
		r = PQexecParams(c, sql, n, NULL, params, lens, formats, 0);
	else
		r = PQexec(c, sql);
	db_deadline = given;
	drop_notifies(c);
	if (late && bylimit)
		return tq_err_set(err, TQ_ERR_TRANSIENT, "postgresql",
		    "postgresql: no answer in %.0f s (TQ_DB_TIMEOUT)",
		    db_limit + LIMIT_GRACE), NULL;
	if (late)
		return tq_err_set(err, TQ_ERR_TRANSIENT, "deadline",
		    "postgresql: no answer in the time given"), NULL;
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	if (r != NULL && PQresultErrorMessage(r)[0] != '\0') {
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

		snprintf(buf, sizeof(buf), "%s", m ? m :
		    PQresultErrorMessage(r));
		buf[strcspn(buf, "\n")] = '\0';
	} else
		tq_db_error(c, buf, sizeof(buf));
	tq_db_err_set(c, r, err, buf);
	tq_seterr("postgresql: %s", buf);
	PQclear(r);
	return NULL;
}

PGresult *
tq_db_exec_id(PGconn *c, struct tq_err *err, const char *sql, long long id)
{
	char buf[24];
	const char *p[1] = { buf };

	snprintf(buf, sizeof(buf), "%lld", id);
	return tq_db_exec(c, err, sql, 1, p);
}

json_t *
tq_db_json(PGresult *r)
{
	json_t *o = NULL;

	if (r == NULL)
		return NULL;
	if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
		o = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	return o != NULL ? o : json_null();
}

long long
tq_db_id(PGresult *r)
{
	long long id = 0;

	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return id;
}

int
tq_db_ping(PGconn *c, struct tq_err *err)
{
	return tq_db_cmd(c, err, "SELECT 1");
}

int
tq_db_cmd(PGconn *c, struct tq_err *err, const char *sql)
{
	PGresult *r;

	if ((r = tq_db_exec(c, err, sql, 0, NULL)) == NULL)
		return -1;
	PQclear(r);
	return 0;
}

int
tq_db_latest_version(void)
{
	int i, v = 0;

	for (i = 0; tq_migrations[i].sql != NULL; i++)
		if (tq_migrations[i].version > v)
			v = tq_migrations[i].version;
	return v;
}

/* The versions of the migrations this tq knows, as an array literal. */
static char *
known_versions(void)
{
	char *s, *t;
	int i;

	s = xstrdup("{");
	for (i = 0; tq_migrations[i].sql != NULL; i++) {
		t = xasprintf("%s%s%d", s, i > 0 ? "," : "",
		    tq_migrations[i].version);
		free(s);
		s = t;
	}
	t = xasprintf("%s}", s);
	free(s);
	return t;
}

int
tq_db_schema_version(PGconn *c)
{
	PGresult *r;
	int v = -1;

	r = PQexec(c, "SELECT coalesce(max(version), 0) FROM tq_schema");
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/*
 * Begin a transaction of the migration: the advisory lock taken in it
 * is the transaction's, so it goes with its end whatever the server
 * connection it ran on (a pooler in transaction mode, PgBouncer's,
 * gives each transaction the one it likes: a session's lock taken in
 * one and let go in another stayed held for ever, and two processes
 * could both take it); and no statement_timeout set before (by a tool
 * that shared the server connection) ends it.
 */
static int
migrate_begin(PGconn *c, struct tq_err *err)
{
	if (tq_db_cmd(c, err, "BEGIN") == -1)
		return -1;
	if (tq_db_cmd(c, err, "SET LOCAL statement_timeout = 0") == -1 ||
	    tq_db_cmd(c, err, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK
	    ")") == -1) {
		PQclear(PQexec(c, "ROLLBACK"));
		return -1;
	}
	return 0;
}

static int	migrate(PGconn *, struct tq_err *, int *);

/*
 * The schema is made by the programs: a user that may not make tables
 * (PostgreSQL 15 and later let only the database's owner create in
 * the schema public) is told what to do.
 */
int
tq_db_migrate(PGconn *c, struct tq_err *err)
{
	char msg[sizeof(err->msg)], code[sizeof(err->code)];
	int upgrade = 0;

	if (migrate(c, err, &upgrade) == 0)
		return 0;
	if (err == NULL || (strstr(err->msg, "permission denied") == NULL &&
	    strstr(err->msg, "must be owner") == NULL))
		return -1;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	snprintf(code, sizeof(code), "%s", err->code);
	if (!upgrade)
		tq_err_set(err, err->kind, code, "%s: tq makes its tables "
		    "itself, and this user may not (make it the database's "
		    "owner, as createdb -O does, or GRANT CREATE ON SCHEMA "
		    "public TO it)", msg);
	else
		/*
		 * the tables are there, another user's: a right to create
		 * more would not do
		 */
		tq_err_set(err, err->kind, code, "%s: tq upgrades its tables "
		    "itself, and this user may not change them (run this "
		    "tq once as their owner, then give this user the rows "
		    "of the new tables too)", msg);
	return -1;
}

/*
 * A newer tq migrated the database: this one goes on, but what it
 * does not know of (a newer submit's rows, say) it may mishandle.
 * Said once per process.
 */
static void
newer(const char *versions)
{
	static int said;

	if (said++)
		return;
	tq_log(TQ_LOG_WARN, "schema_newer", json_pack("{s:s, s:i, s:s}",
	    "unknown", versions, "latest", tq_db_latest_version(), "msg",
	    "the database has migrations this tq does not know: upgrade it"));
}

static int
migrate(PGconn *c, struct tq_err *err, int *upgrade)
{
	int i, n, k, done;
	char ver[16], msg[sizeof(err->msg)], *known;
	const char *p[2];
	PGresult *r, *have;

	/*
	 * the usual case, one query: every migration of ours is there.
	 * Others (a newer tq's) may be there too: nothing to do then
	 * either, and no CREATE, which a user given the rows only may not
	 */
	known = known_versions();
	p[0] = known;
	r = PQexecParams(c, "SELECT count(*) FILTER (WHERE version = "
	    "ANY($1::integer[])), string_agg(version::text, ',' ORDER BY "
	    "version) FILTER (WHERE version <> ALL($1::integer[])) FROM "
	    "tq_schema", 1, NULL, p, NULL, NULL, 0);
	free(known);
	for (n = 0; tq_migrations[n].sql != NULL; n++)
		;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && atoi(PQgetvalue(r, 0,
	    0)) == n) {
		if (!PQgetisnull(r, 0, 1))
			newer(PQgetvalue(r, 0, 1));
		PQclear(r);
		return 0;
	}
	PQclear(r);
	if (migrate_begin(c, err) == -1)
		return -1;
	/*
	 * made when it is not there: a CREATE, even IF NOT EXISTS, needs
	 * a right on the schema that a user given the rows lacks, and the
	 * migration that it may not apply is the one to name
	 */
	if ((r = tq_db_exec(c, err, "SELECT to_regclass('tq_schema') IS NULL",
	    0, NULL)) == NULL) {
		PQclear(PQexec(c, "ROLLBACK"));
		return -1;
	}
	done = *upgrade = PQgetvalue(r, 0, 0)[0] == 'f';
	PQclear(r);
	if ((!done && tq_db_cmd(c, err, "CREATE TABLE tq_schema ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())") == -1) ||
	    tq_db_cmd(c, err, "COMMIT") == -1) {
		PQclear(PQexec(c, "ROLLBACK"));
		return -1;
	}
	/*
	 * every migration not recorded yet, in order, whatever its number,
	 * each in its transaction, where it is looked for again: another
	 * process may have applied it while we waited for the lock
	 */
	if ((have = tq_db_exec(c, err, "SELECT version FROM tq_schema", 0,
	    NULL)) == NULL)
		return -1;
	for (i = 0; tq_migrations[i].sql != NULL; i++) {
		const struct tq_migration *m = &tq_migrations[i];

		for (k = done = 0; k < PQntuples(have) && !done; k++)
			done = atoi(PQgetvalue(have, k, 0)) == m->version;
		if (done)
			continue;
		if (migrate_begin(c, err) == -1)
			goto out;
		snprintf(ver, sizeof(ver), "%d", m->version);
		p[0] = ver;
		p[1] = m->name;
		if ((r = tq_db_exec(c, err, "SELECT 1 FROM tq_schema WHERE "
		    "version = $1", 1, p)) == NULL)
			goto fail;
		done = PQntuples(r) > 0;
		PQclear(r);
		if (done) {
			if (tq_db_cmd(c, err, "COMMIT") == -1)
				goto fail;
			continue;
		}
		if (tq_db_cmd(c, err, m->sql) == -1) {
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			PQclear(PQexec(c, "ROLLBACK"));
			tq_err_set(err, TQ_ERR_PERMANENT, "migration",
			    "migration %s: %s", m->name, msg);
			goto out;
		}
		if ((r = tq_db_exec(c, err, "INSERT INTO tq_schema (version, "
		    "name) VALUES ($1, $2)", 2, p)) == NULL)
			goto fail;
		PQclear(r);
		if (tq_db_cmd(c, err, "COMMIT") == -1)
			goto fail;
	}
	PQclear(have);
	return 0;
fail:
	PQclear(PQexec(c, "ROLLBACK"));
out:
	PQclear(have);
	return -1;
}
