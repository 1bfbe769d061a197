/*
 * redisq.c - hiredis connection from a Redis URL, and command helpers
 * that turn error replies and broken connections into struct tq_err.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <hiredis.h>

#include "tq.h"

#define MAX_SENTINELS	16
#define SENTINEL_PORT	26379

struct rurl {
	char	*user;
	char	*pass;
	char	*host;
	char	*path;
	int	 port;
	int	 db;
	/* redis+sentinel://: the sentinels, and the master's name */
	int	 nsent;
	char	*shost[MAX_SENTINELS];
	int	 sport[MAX_SENTINELS];
	char	*service;
	char	*suser;
	char	*spass;
	/* rediss:// */
	int	 tls;
	struct tq_tls_opts tlso;
};

static void
wipe(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

static void
rurl_free(struct rurl *u)
{
	int i;

	free(u->user);
	wipe(u->pass);
	free(u->host);
	free(u->path);
	for (i = 0; i < u->nsent; i++)
		free(u->shost[i]);
	free(u->service);
	free(u->suser);
	wipe(u->spass);
	free(u->tlso.ca_file);
	free(u->tlso.cert_file);
	free(u->tlso.key_file);
}

static char *
pct_decode(const char *s, size_t n)
{
	char *o = xmalloc(n + 1), *p = o;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char h[3] = { s[i + 1], s[i + 2], 0 };

			*p++ = (char)strtol(h, NULL, 16);
			i += 2;
		} else
			*p++ = s[i];
	}
	*p = '\0';
	return o;
}

static int
parse_db(const char *s, int *db)
{
	const char *e = NULL;

	if (*s == '\0')
		return 0;
	*db = (int)strtonum(s, 0, 100000, &e);
	return e ? -1 : 0;
}

/*
 * host[:port] or [v6]:port at *pp, up to a byte of stop (or the end):
 * *host (allocated) and *port, *pp moved past them.  -1 and err if bad.
 */
static int
parse_host(const char **pp, const char *stop, char **host, int *port,
    struct tq_err *err)
{
	const char *p = *pp, *e = NULL;
	char *ps;
	size_t n;

	if (*p == '[') {	/* IPv6 literal */
		if ((e = strchr(p, ']')) == NULL)
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: unclosed [");
		*host = xstrndup(p + 1, e - p - 1);
		p = e + 1;
		e = NULL;
	} else {
		if ((n = strcspn(p, stop)) > strcspn(p, ":"))
			n = strcspn(p, ":");
		*host = n ? xstrndup(p, n) : xstrdup("127.0.0.1");
		p += n;
	}
	if (*p == ':') {
		n = strcspn(p + 1, stop);
		ps = xstrndup(p + 1, n);
		*port = (int)strtonum(ps, 1, 65535, &e);
		free(ps);
		if (e != NULL)
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: bad port");
		p += 1 + n;
	}
	*pp = p;
	return 0;
}

/* An optional "/db" at *pp, up to a '?' (or the end); -1 and err if bad. */
static int
parse_db_path(const char **pp, int *db, struct tq_err *err)
{
	const char *p = *pp;
	size_t n;
	char *ds;
	int rc;

	if (*p != '/')
		return 0;
	n = strcspn(p + 1, "?");
	ds = xstrndup(p + 1, n);
	rc = parse_db(ds, db);
	free(ds);
	if (rc == -1)
		return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
		    "redis: bad URL: bad database number");
	*pp = p + 1 + n;
	return 0;
}

/*
 * The sentinels of redis+sentinel://[[user]:password@]host[:port]
 * [,host[:port]]...  /master-name[/db], at p (past the userinfo): the
 * convention of redis-py's users (Prefect, RedisVL, LangChain).
 */
static int
parse_sentinels(const char **pp, struct rurl *u, struct tq_err *err)
{
	const char *p = *pp;
	size_t n;

	for (;;) {
		if (u->nsent == MAX_SENTINELS)
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: more than %d sentinels",
			    MAX_SENTINELS);
		if (*p == ',' || *p == '/' || *p == '?' || *p == '\0')
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: a sentinel without a host");
		u->sport[u->nsent] = SENTINEL_PORT;
		if (parse_host(&p, ",/?", &u->shost[u->nsent],
		    &u->sport[u->nsent], err) == -1) {
			free(u->shost[u->nsent]);
			return -1;
		}
		u->nsent++;
		if (*p != ',')
			break;
		p++;
	}
	if (*p != '/' || (n = strcspn(p + 1, "/?")) == 0)
		return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
		    "redis: bad URL: redis+sentinel:// needs the master's "
		    "name, as in redis+sentinel://host:26379/mymaster");
	u->service = pct_decode(p + 1, n);
	p += 1 + n;
	if (parse_db_path(&p, &u->db, err) == -1)
		return -1;
	*pp = p;
	return 0;
}

/*
 * A TLS setting of a rediss:// URL's query, named as redis-py's users
 * write them: ssl_ca_certs=FILE (the CAs to trust, instead of the
 * system's), ssl_cert_reqs=none (no check of the server's certificate
 * and name: for tests only), ssl_certfile= and ssl_keyfile= (a client
 * certificate, for a server that asks for one).  0 if taken or not
 * one of them; -1 if bad.
 */
static int
tls_param(const char *kv, struct rurl *u)
{
	static const char *const files[] = { "ssl_ca_certs=",
		"ssl_certfile=", "ssl_keyfile=" };
	char **dst[] = { &u->tlso.ca_file, &u->tlso.cert_file,
		&u->tlso.key_file };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(files[i]);
		if (strncmp(kv, files[i], n) == 0) {
			free(*dst[i]);
			*dst[i] = pct_decode(kv + n, strlen(kv + n));
			return 0;
		}
	}
	if (strncmp(kv, "ssl_cert_reqs=", 14) != 0)
		return 0;
	kv += 14;
	if (strcasecmp(kv, "none") == 0)
		u->tlso.verify = 0;
	else if (strcasecmp(kv, "required") == 0 ||
	    strcasecmp(kv, "optional") == 0)
		u->tlso.verify = 1;
	else
		return -1;
	return 0;
}

static int
parse_url(const char *url, struct rurl *u, struct tq_err *err)
{
	const char *p, *at, *auth_end, *q;
	int unix_sock = 0, sentinel = 0;

	memset(u, 0, sizeof(*u));
	u->port = 6379;
	if (strncmp(url, "redis://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "redis+sentinel://", 17) == 0) {
		p = url + 17;
		sentinel = 1;
	} else if (strncmp(url, "unix://", 7) == 0) {
		p = url + 7;
		unix_sock = 1;
	} else if (strncmp(url, "redis+unix://", 13) == 0) {
		p = url + 13;
		unix_sock = 1;
	} else if (strncmp(url, "rediss://", 9) == 0) {
		p = url + 9;
		u->tls = 1;
		u->tlso.verify = 1;
	} else if (strncmp(url, "rediss+sentinel://", 18) == 0) {
		/* sentinels and master alike speak TLS */
		p = url + 18;
		sentinel = 1;
		u->tls = 1;
		u->tlso.verify = 1;
	} else
		return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
		    "redis: bad URL: expected redis://, rediss://, "
		    "redis+sentinel://, rediss+sentinel:// or unix://");

	/* userinfo: up to the last '@' before the path */
	auth_end = unix_sock ? p + strcspn(p, "?") : p + strcspn(p, "/?");
	at = NULL;
	for (q = p; q < auth_end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL) {
		const char *colon = memchr(p, ':', at - p);

		if (colon != NULL) {
			if (colon > p)
				u->user = pct_decode(p, colon - p);
			u->pass = pct_decode(colon + 1, at - colon - 1);
		} else if (at > p)
			u->pass = pct_decode(p, at - p);
		p = at + 1;
	}
	if (unix_sock) {
		size_t n = strcspn(p, "?");

		if (n == 0 || *p != '/')
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: unix:// needs an absolute path");
		u->path = pct_decode(p, n);
		p += n;
	} else if (sentinel) {
		if (parse_sentinels(&p, u, err) == -1)
			return -1;
	} else if (parse_host(&p, "/?", &u->host, &u->port, err) == -1 ||
	    parse_db_path(&p, &u->db, err) == -1)
		return -1;
	if (*p == '?') {
		char *qs = xstrdup(p + 1), *s = qs, *kv;
		size_t qlen = strlen(qs);
		int bad = 0;

		while ((kv = strsep(&s, "&")) != NULL) {
			if (strncmp(kv, "db=", 3) == 0)
				bad |= parse_db(kv + 3, &u->db);
			else if (strncmp(kv, "password=", 9) == 0) {
				wipe(u->pass);
				u->pass = pct_decode(kv + 9, strlen(kv + 9));
			} else if (sentinel &&
			    strncmp(kv, "sentinel_password=", 18) == 0) {
				wipe(u->spass);
				u->spass = pct_decode(kv + 18, strlen(kv + 18));
			} else if (sentinel &&
			    strncmp(kv, "sentinel_username=", 18) == 0) {
				free(u->suser);
				u->suser = pct_decode(kv + 18, strlen(kv + 18));
			} else if (u->tls && tls_param(kv, u) == -1)
				bad |= 2;
		}
		explicit_bzero(qs, qlen);
		free(qs);
		if (bad & 2)
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: ssl_cert_reqs is none, optional "
			    "or required");
		if (bad)
			return tq_err_set(err, TQ_ERR_PERMANENT, "redis",
			    "redis: bad URL: bad database number");
	}
	return 0;
}

int
tq_redis_url_check(const char *url, struct tq_err *err)
{
	struct rurl u;
	int rc;

	rc = parse_url(url ? url : "", &u, err);
	rurl_free(&u);
	if (rc == -1 && err != NULL)
		snprintf(err->code, sizeof(err->code), "config");
	return rc;
}

static void	io_error(redisContext *, struct tq_err *);

static redisContext *connect_in(const char *, double, double,
		    struct tq_err *);

redisContext *
tq_redis_connect(const char *url, struct tq_err *err)
{
	return connect_in(url, 3, 10, err);
}

redisContext *
tq_redis_connect_wait(const char *url, double wait, struct tq_err *err)
{
	return connect_in(url, wait, wait, err);
}

static struct timeval
secs_tv(double s)
{
	struct timeval tv;

	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/*
 * The connection was refused for want of room (maxclients): Redis
 * answers the first command with it, then closes.  Others will leave.
 */
static int
at_maxclients(const char *str)
{
	return strncmp(str, "ERR max number of clients", 25) == 0;
}

/* AUTH as user (may be NULL) with pass on c; -1 and err if refused. */
static int
auth(redisContext *c, const char *where, const char *user,
    const char *pass, struct tq_err *err)
{
	redisReply *r;
	char *m;

	if (user != NULL)
		r = redisCommand(c, "AUTH %s %s", user, pass);
	else
		r = redisCommand(c, "AUTH %s", pass);
	if (r == NULL)
		io_error(c, err);
	else if (r->type == REDIS_REPLY_ERROR) {
		/*
		 * a server that knows no AUTH (renamed away, an old
		 * sentinel) answers "ERR unknown command 'AUTH', with args
		 * beginning with: 'user' 'password'"
		 */
		m = tq_scrubbed(r->str != NULL ? r->str : "", pass);
		tq_err_set(err, at_maxclients(r->str) ? TQ_ERR_TRANSIENT :
		    TQ_ERR_PERMANENT, "redis", "redis: %s: auth: %s", where,
		    m);
		free(m);
	}
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	return 0;
}

/*
 * rediss://: a context on our end of a relay through TLS (redistls.c)
 * to host:port, named for the server as a TCP one is, so that errors
 * say which.
 */
static redisContext *
tls_connect(const struct rurl *u, const char *host, int port, double conn,
    const char *where, struct tq_err *err)
{
	redisContext *c;
	char why[300];
	int fd;

	if ((fd = tq_tls_connect(host, port, conn, &u->tlso, why,
	    sizeof(why))) == -1) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s: %s",
		    where, why);
		return NULL;
	}
	if ((c = redisConnectFd(fd)) == NULL) {
		close(fd);
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s: "
		    "cannot allocate", where);
		return NULL;
	}
	c->tcp.host = xstrdup(host);
	c->tcp.port = port;
	c->timeout = xcalloc(1, sizeof(*c->timeout));
	return c;
}

/*
 * A connection within conn s to host:port, or to the socket path, over
 * TLS if u says so; NULL and err naming where if none.
 */
static redisContext *
open_conn(const struct rurl *u, const char *host, int port,
    const char *path, double conn, const char *where, struct tq_err *err)
{
	redisContext *c;

	if (u->tls)
		return tls_connect(u, host, port, conn, where, err);
	c = path ? redisConnectUnixWithTimeout(path, secs_tv(conn)) :
	    redisConnectWithTimeout(host, port, secs_tv(conn));
	if (c == NULL || c->err) {
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s: %s",
		    where, c ? c->errstr : "cannot allocate");
		if (c != NULL)
			redisFree(c);
		return NULL;
	}
	return c;
}

/*
 * Ask the sentinels of u, in turn, where the master named u->service
 * is, each within conn s: 0 with *host (allocated) and *port, or -1
 * and err naming what each said.
 */
static int
ask_sentinels(const struct rurl *u, double conn, char **host, int *port,
    struct tq_err *err)
{
	redisContext *c;
	redisReply *r;
	struct tq_err e;
	char where[300], why[sizeof(err->msg)];
	size_t len = 0;
	int i;

	why[0] = '\0';
	for (i = 0; i < u->nsent; i++) {
		snprintf(where, sizeof(where), "%s:%d", u->shost[i],
		    u->sport[i]);
		memset(&e, 0, sizeof(e));
		r = NULL;
		if ((c = open_conn(u, u->shost[i], u->sport[i], NULL, conn,
		    where, &e)) == NULL)
			;	/* e says why */
		else if (tq_redis_set_timeout(c, conn) == -1)
			io_error(c, &e);
		else if (u->spass != NULL &&
		    auth(c, where, u->suser, u->spass, &e) == -1)
			;	/* e says why */
		else if ((r = redisCommand(c, "SENTINEL "
		    "get-master-addr-by-name %s", u->service)) == NULL)
			io_error(c, &e);
		else if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_STRING &&
		    r->element[1]->type == REDIS_REPLY_STRING &&
		    (*port = (int)strtonum(r->element[1]->str, 1, 65535,
		    NULL)) != 0) {
			*host = xstrdup(r->element[0]->str);
			freeReplyObject(r);
			redisFree(c);
			return 0;
		} else if (r->type == REDIS_REPLY_ERROR)
			tq_err_set(&e, TQ_ERR_TRANSIENT, "redis", "%s: %s",
			    where, r->str);
		else
			tq_err_set(&e, TQ_ERR_TRANSIENT, "redis",
			    "%s: knows no master named %s", where,
			    u->service);
		freeReplyObject(r);
		if (c != NULL)
			redisFree(c);
		/* "redis: h:p: ..." of io_error and auth, without "redis: " */
		if (len < sizeof(why) - 1)
			len += (size_t)snprintf(why + len, sizeof(why) - len,
			    "%s%s", len ? "; " : "", strncmp(e.msg, "redis: ",
			    7) == 0 ? e.msg + 7 : e.msg);
	}
	return tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: no "
	    "sentinel told where master %s is (%s)", u->service, why);
}

/* Is c a master?  A replica is none (a failover under way). */
static int
is_master(redisContext *c, const char *where, struct tq_err *err)
{
	redisReply *r = redisCommand(c, "ROLE");
	int ok;

	if (r == NULL) {
		io_error(c, err);
		return 0;
	}
	/*
	 * ROLE is one of the commands an ACL of least privilege takes
	 * away (-@dangerous): a user refused it takes the sentinels' word
	 */
	ok = (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOPERM",
	    6) == 0) || (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "master") == 0);
	if (!ok)
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s: the "
		    "sentinels' master is not a master (a failover under "
		    "way?)", where);
	freeReplyObject(r);
	return ok;
}

/* Connect within conn s, then each command answered within cmd s. */
static redisContext *
connect_in(const char *url, double conn, double cmd, struct tq_err *err)
{
	struct rurl u;
	redisContext *c = NULL;
	redisReply *r;
	char where[300];
	double t0 = tq_mono();

	if (parse_url(url, &u, err) == -1)
		goto fail;
	if (u.nsent > 0 &&
	    ask_sentinels(&u, conn < 1 ? conn : 1, &u.host, &u.port, err) == -1)
		goto fail;
	if (u.path)
		snprintf(where, sizeof(where), "%s", u.path);
	else if (u.nsent > 0)
		snprintf(where, sizeof(where), "%s:%d (master %s)", u.host,
		    u.port, u.service);
	else
		snprintf(where, sizeof(where), "%s:%d", u.host, u.port);
	if ((c = open_conn(&u, u.host, u.port, u.path, conn, where,
	    err)) == NULL)
		goto fail;
	tq_redis_set_timeout(c, cmd);
	if (u.pass != NULL && auth(c, where, u.user, u.pass, err) == -1)
		goto fail;
	/* the sentinels may speak of a master that is one no longer */
	if (u.nsent > 0 && !is_master(c, where, err))
		goto fail;
	r = redisCommand(c, "SELECT %d", u.db);
	if (r == NULL)
		io_error(c, err);
	else if (r->type == REDIS_REPLY_ERROR)
		tq_err_set(err, at_maxclients(r->str) ? TQ_ERR_TRANSIENT :
		    TQ_ERR_PERMANENT, "redis", "redis: %s: %s", where, r->str);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		freeReplyObject(r);
		goto fail;
	}
	freeReplyObject(r);
	if (tq_loglevel >= TQ_LOG_DEBUG)	/* -v; no password */
		tq_log(TQ_LOG_DEBUG, "redis_connected", json_pack("{s:s,s:i,"
		    "s:b,s:f}", "at", where, "db", u.db, "tls", u.tls,
		    "ms", (tq_mono() - t0) * 1000));
	rurl_free(&u);
	return c;
fail:
	rurl_free(&u);
	if (c)
		redisFree(c);
	return NULL;
}

int
tq_redis_moved(redisContext *c, const char *url)
{
	struct rurl u;
	char *host = NULL;
	int port = 0, moved = 0;

	if (c == NULL || c->err || c->connection_type != REDIS_CONN_TCP ||
	    c->tcp.host == NULL)
		return 0;
	if (parse_url(url, &u, NULL) == 0 && u.nsent > 0 &&
	    ask_sentinels(&u, 1, &host, &port, NULL) == 0 &&
	    (port != c->tcp.port || strcmp(host, c->tcp.host) != 0)) {
		c->err = REDIS_ERR_OTHER;
		snprintf(c->errstr, sizeof(c->errstr), "master %s moved to "
		    "%s:%d", u.service, host, port);
		moved = 1;
	}
	free(host);
	rurl_free(&u);
	return moved;
}

int
tq_redis_set_timeout(redisContext *c, double s)
{
	struct timeval tv = secs_tv(s);

	if (redisSetTimeout(c, tv) != REDIS_OK)
		return -1;
	/* hiredis keeps the connect timeout there; io_error() reads it */
	if (c->timeout != NULL)
		*c->timeout = tv;
	return 0;
}

/*
 * A failed connection's error in words: a read that timed out says
 * which server did not answer within how long, not "Resource
 * temporarily unavailable".
 */
static void
io_error(redisContext *c, struct tq_err *err)
{
	char where[300];
	double secs = 0;

	if (c->connection_type == REDIS_CONN_UNIX && c->unix_sock.path)
		snprintf(where, sizeof(where), "%s", c->unix_sock.path);
	else if (c->tcp.host != NULL)
		snprintf(where, sizeof(where), "%s:%d", c->tcp.host,
		    c->tcp.port);
	else
		snprintf(where, sizeof(where), "the server");
	if (c->timeout != NULL)
		secs = (double)c->timeout->tv_sec +
		    (double)c->timeout->tv_usec / 1e6;
	/*
	 * A server that refused the connection said why before closing
	 * it ("-ERR max number of clients reached"): its words, not the
	 * broken pipe that the first command then met.
	 */
	if ((c->err == REDIS_ERR_IO || c->err == REDIS_ERR_EOF) &&
	    c->fd >= 0) {
		char said[200];
		ssize_t n;

		n = recv(c->fd, said, sizeof(said) - 1, MSG_DONTWAIT);
		if (n > 1 && said[0] == '-') {
			said[n] = '\0';
			said[strcspn(said, "\r\n")] = '\0';
			tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: "
			    "%s: %s", where, said + 1);
			return;
		}
	}
	if (c->err == REDIS_ERR_IO && (strstr(c->errstr, "temporarily") ||
	    strstr(c->errstr, "timed out")))
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s: no "
		    "answer within %g s", where, secs);
	else
		tq_err_set(err, TQ_ERR_TRANSIENT, "redis", "redis: %s: %s",
		    where, c->errstr[0] ? c->errstr : "connection lost");
}

static int
check(redisContext *c, redisReply *r, struct tq_err *err)
{
	if (r == NULL) {
		io_error(c, err);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		/* LOADING, BUSY, TRYAGAIN, READONLY... are passing states */
		int t = strncmp(r->str, "LOADING", 7) == 0 ||
		    strncmp(r->str, "BUSY", 4) == 0 ||
		    strncmp(r->str, "TRYAGAIN", 8) == 0 ||
		    strncmp(r->str, "READONLY", 8) == 0 ||
		    strncmp(r->str, "MASTERDOWN", 10) == 0 ||
		    at_maxclients(r->str);

		tq_err_set(err, t ? TQ_ERR_TRANSIENT : TQ_ERR_PERMANENT,
		    "redis", "redis: %s", r->str);
		/*
		 * A replica (the master of old, after a failover): the
		 * connection is of no use, as if broken, so that its
		 * owner connects again, through the sentinels if any.
		 */
		if (strncmp(r->str, "READONLY", 8) == 0 && c->err == 0) {
			c->err = REDIS_ERR_OTHER;
			snprintf(c->errstr, sizeof(c->errstr), "%s",
			    "the server is a replica now (READONLY)");
		}
		return -1;
	}
	return 0;
}

redisReply *
tq_redis(redisContext *c, struct tq_err *err, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	if (c->err) {
		io_error(c, err);
		return NULL;
	}
	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (check(c, r, err) == -1) {
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

int
tq_redis_replies(redisContext *c, struct tq_err *err, int n)
{
	return tq_redis_replies_ints(c, err, n, NULL);
}

int
tq_redis_replies_ints(redisContext *c, struct tq_err *err, int n,
    long long *ints)
{
	redisReply *r;
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		void *v = NULL;

		if (redisGetReply(c, &v) != REDIS_OK) {
			check(c, NULL, err);
			return -1;
		}
		r = v;
		if (rc == 0 && check(c, r, err) == -1)
			rc = -1;
		/* EXEC's array may hold per-command errors */
		if (rc == 0 && r->type == REDIS_REPLY_ARRAY) {
			size_t j;

			for (j = 0; j < r->elements; j++)
				if (r->element[j]->type == REDIS_REPLY_ERROR) {
					check(c, r->element[j], err);
					rc = -1;
					break;
				}
		}
		if (ints != NULL)
			ints[i] = r->type == REDIS_REPLY_INTEGER ?
			    r->integer : -1;
		freeReplyObject(r);
	}
	return rc;
}
