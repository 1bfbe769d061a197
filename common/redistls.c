/*
 * redistls.c - Redis over TLS (rediss://) with a hiredis that has none
 * (Debian 12's is 0.14).  Each connection is a pair of connected unix
 * sockets: hiredis holds one end (redisConnectFd()), and a thread of
 * ours relays between the other and the server through OpenSSL, with
 * the server's certificate and name checked.  Either side closing
 * closes the other: hiredis sees a server that went away as it would
 * over TCP, and a freed context ends its relay.  A fork() closes the
 * relays' ends in the child (they have no thread there), so that a
 * job process does not hold a connection open that its parent closed.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tq.h"

#define RELAY_BUF	16384
#define MAX_RELAYS	256	/* connections through TLS at a time */

/*
 * The relays are slots of a static table, not allocations: a program
 * that exits while a relay tears its connection down (hiredis closed
 * it just before) leaves nothing that LeakSanitizer finds unreachable,
 * and a forked child finds every relay's descriptors there.  Their
 * buffers are touched only by the relays in use.
 */
struct relay {
	int	 used;
	SSL	*ssl;
	int	 net;		/* the TCP socket to the server */
	int	 local;		/* our end of the pair */
	char	 up[RELAY_BUF];	/* from hiredis, for the server */
	size_t	 uplen, upoff;
	char	 down[RELAY_BUF];	/* from the server, for hiredis */
	size_t	 downlen, downoff;
};

static pthread_mutex_t	relays_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	relays_cv = PTHREAD_COND_INITIALIZER;
static struct relay	relays[MAX_RELAYS];
static int		nrunning;	/* relay threads alive */
static pthread_once_t	fork_once = PTHREAD_ONCE_INIT;
static pthread_once_t	exit_once = PTHREAD_ONCE_INIT;

static void
fork_prepare(void)
{
	pthread_mutex_lock(&relays_mu);
}

static void
fork_parent(void)
{
	pthread_mutex_unlock(&relays_mu);
}

/* the child has no relay thread: their ends of the connections go */
static void
fork_child(void)
{
	int i;

	for (i = 0; i < MAX_RELAYS; i++)
		if (relays[i].used) {
			close(relays[i].net);
			close(relays[i].local);
			relays[i].used = 0;
		}
	nrunning = 0;
	pthread_mutex_unlock(&relays_mu);
}

/*
 * As the program exits, before OpenSSL's own cleanup (registered
 * earlier): every relay is told to end, and given a second to, so that
 * none is cut in the middle of its teardown, nor keeps OpenSSL's state
 * of its thread past the library's end.
 */
static void
stop_relays(void)
{
	struct timespec ts;
	int i;

	pthread_mutex_lock(&relays_mu);
	for (i = 0; i < MAX_RELAYS; i++)
		if (relays[i].used)
			shutdown(relays[i].local, SHUT_RDWR);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	while (nrunning > 0)
		if (pthread_cond_timedwait(&relays_cv, &relays_mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&relays_mu);
}

static void
exit_hook(void)
{
	atexit(stop_relays);
}

static void
fork_hooks(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* one relay thread more (1) or fewer (-1); stop_relays() waits for 0 */
static void
running(int d)
{
	pthread_mutex_lock(&relays_mu);
	nrunning += d;
	pthread_cond_broadcast(&relays_cv);
	pthread_mutex_unlock(&relays_mu);
}

static struct relay *
relay_new(SSL *ssl, int net, int local)
{
	struct relay *r = NULL;
	int i;

	pthread_mutex_lock(&relays_mu);
	for (i = 0; i < MAX_RELAYS && r == NULL; i++)
		if (!relays[i].used) {
			r = &relays[i];
			r->used = 1;
			r->ssl = ssl;
			r->net = net;
			r->local = local;
			r->uplen = r->upoff = r->downlen = r->downoff = 0;
		}
	pthread_mutex_unlock(&relays_mu);
	return r;
}

static void
relay_free(struct relay *r)
{
	SSL_shutdown(r->ssl);
	SSL_free(r->ssl);
	pthread_mutex_lock(&relays_mu);
	close(r->net);
	close(r->local);
	r->ssl = NULL;
	r->used = 0;
	pthread_mutex_unlock(&relays_mu);
}

/*
 * Bytes move while either side can take them; the relay ends when
 * either side closes or fails.
 */
static void *
relay_run(void *arg)
{
	struct relay *r = arg;
	struct pollfd pfd[2];
	int want_net = 0, n, e, got;

	for (;;) {
		/* hiredis -> server */
		if (r->uplen == 0) {
			n = (int)read(r->local, r->up, sizeof(r->up));
			if (n == 0 || (n < 0 && errno != EAGAIN &&
			    errno != EINTR))
				break;
			if (n > 0) {
				r->uplen = (size_t)n;
				r->upoff = 0;
			}
		}
		while (r->upoff < r->uplen) {
			n = SSL_write(r->ssl, r->up + r->upoff,
			    (int)(r->uplen - r->upoff));
			if (n > 0) {
				r->upoff += (size_t)n;
				continue;
			}
			e = SSL_get_error(r->ssl, n);
			if (e == SSL_ERROR_WANT_WRITE)
				want_net |= POLLOUT;
			else if (e == SSL_ERROR_WANT_READ)
				want_net |= POLLIN;
			else
				goto out;
			break;
		}
		if (r->upoff == r->uplen)
			r->uplen = r->upoff = 0;
		/* server -> hiredis: a record, if OpenSSL has one whole */
		got = 0;
		while (r->downlen == 0) {
			n = SSL_read(r->ssl, r->down, sizeof(r->down));
			if (n > 0) {
				r->downlen = (size_t)n;
				r->downoff = 0;
				got = 1;
				break;
			}
			e = SSL_get_error(r->ssl, n);
			if (e == SSL_ERROR_WANT_READ)
				break;
			if (e == SSL_ERROR_WANT_WRITE) {
				want_net |= POLLOUT;
				break;
			}
			goto out;	/* closed, or broken */
		}
		while (r->downoff < r->downlen) {
			n = (int)write(r->local, r->down + r->downoff,
			    r->downlen - r->downoff);
			if (n > 0)
				r->downoff += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				goto out;
			else
				break;
		}
		/*
		 * all of it passed on: read again before waiting, as OpenSSL
		 * may hold more than the socket shows (until a read says
		 * WANT_READ: a part of a record it holds is not enough)
		 */
		if (r->downoff == r->downlen) {
			r->downlen = r->downoff = 0;
			if (got)
				continue;
		}
		pfd[0].fd = r->local;
		pfd[0].events = (r->uplen == 0 ? POLLIN : 0) |
		    (r->downlen > 0 ? POLLOUT : 0);
		pfd[1].fd = r->net;
		pfd[1].events = (short)(POLLIN | want_net);
		want_net = 0;
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			break;
		if ((pfd[0].revents & (POLLHUP | POLLERR)) &&
		    !(pfd[0].revents & POLLIN))
			break;
	}
out:
	relay_free(r);
	/* this thread's error queue, now rather than in its exit */
	OPENSSL_thread_stop();
	running(-1);
	return NULL;
}

/* One TCP connection to host:port within ms, non-blocking; -1 if none. */
static int
tcp_connect(const char *host, int port, int ms, char *why, size_t whysz)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct pollfd pfd;
	char ps[16];
	int fd = -1, rv, e = 0;
	socklen_t el = sizeof(e);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	/* tests: no DNS query for a made-up name */
	if (tq_no_dns() && strcmp(host, "localhost") != 0)
		hints.ai_flags = AI_NUMERICHOST;
	snprintf(ps, sizeof(ps), "%d", port);
	if ((rv = getaddrinfo(host, ps, &hints, &res)) != 0) {
		snprintf(why, whysz, "%s", gai_strerror(rv));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				rv = poll(&pfd, 1, ms);
			while (rv == -1 && errno == EINTR);
			e = rv == 0 ? ETIMEDOUT : 0;
			if (rv > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
			    &el) == 0 && e == 0)
				break;
		} else
			e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(why, whysz, "%s", strerror(e ? e : ECONNREFUSED));
	return fd;
}

/* OpenSSL's last error in words (a handshake's, a file's). */
static void
ssl_why(char *why, size_t whysz, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;
	char buf[256];

	/* the reason alone ("certificate verify failed"), else the code */
	if (e != 0 && reason == NULL) {
		ERR_error_string_n(e, buf, sizeof(buf));
		reason = buf;
	}
	if (reason != NULL)
		snprintf(why, whysz, "%s: %s", what, reason);
	else
		snprintf(why, whysz, "%s", what);
	ERR_clear_error();
}

int
tq_tls_connect(const char *host, int port, double secs,
    const struct tq_tls_opts *o, char *why, size_t whysz)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	struct relay *r;
	struct in6_addr a6;
	struct pollfd pfd;
	pthread_t th;
	pthread_attr_t at;
	sigset_t all, old;
	double end = tq_mono() + secs;
	int net, sv[2] = { -1, -1 }, n, e, ms, isip;
	long vr;

	pthread_once(&fork_once, fork_hooks);
	if ((net = tcp_connect(host, port, (int)(secs * 1000), why,
	    whysz)) == -1)
		return -1;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		ssl_why(why, whysz, "TLS");
		goto fail;
	}
	pthread_once(&exit_once, exit_hook);	/* after OpenSSL's */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (o->verify) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if ((o->ca_file != NULL ? SSL_CTX_load_verify_locations(ctx,
		    o->ca_file, NULL) : SSL_CTX_set_default_verify_paths(ctx))
		    != 1) {
			ssl_why(why, whysz, o->ca_file ? "TLS: the CA file "
			    "(ssl_ca_certs)" : "TLS: the system's CAs");
			goto fail;
		}
	}
	if (o->cert_file != NULL &&
	    (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key_file ? o->key_file :
	    o->cert_file, SSL_FILETYPE_PEM) != 1)) {
		ssl_why(why, whysz, "TLS: the client certificate "
		    "(ssl_certfile, ssl_keyfile)");
		goto fail;
	}
	if ((ssl = SSL_new(ctx)) == NULL) {
		ssl_why(why, whysz, "TLS");
		goto fail;
	}
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	ctx = NULL;
	isip = inet_pton(AF_INET, host, &a6) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1;
	if (!isip)
		SSL_set_tlsext_host_name(ssl, host);
	if (o->verify) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

		if ((isip ? X509_VERIFY_PARAM_set1_ip_asc(vp, host) :
		    X509_VERIFY_PARAM_set1_host(vp, host, 0)) != 1) {
			ssl_why(why, whysz, "TLS: the server's name");
			goto fail;
		}
	}
	SSL_set_fd(ssl, net);
	for (;;) {
		if ((n = SSL_connect(ssl)) == 1)
			break;
		e = SSL_get_error(ssl, n);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK)
				snprintf(why, whysz, "TLS: %s",
				    X509_verify_cert_error_string(vr));
			else
				ssl_why(why, whysz, "TLS handshake failed");
			goto fail;
		}
		pfd.fd = net;
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		if ((ms = (int)((end - tq_mono()) * 1000)) <= 0 ||
		    poll(&pfd, 1, ms) == 0) {
			snprintf(why, whysz, "TLS: no handshake within %g s",
			    secs);
			goto fail;
		}
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(why, whysz, "socketpair: %s", strerror(errno));
		goto fail;
	}
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
	if ((r = relay_new(ssl, net, sv[1])) == NULL) {
		snprintf(why, whysz, "TLS: more than %d connections",
		    MAX_RELAYS);
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	running(1);
	/*
	 * no signal for the relay: the program's handlers expect them in
	 * its own threads (a worker's SIGTERM wakes its loop's poll)
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&th, &at, relay_run, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		running(-1);
		pthread_attr_destroy(&at);
		snprintf(why, whysz, "TLS: no thread for the connection");
		relay_free(r);
		close(sv[0]);
		return -1;
	}
	pthread_attr_destroy(&at);
	return sv[0];
fail:
	if (ssl != NULL)
		SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(net);
	return -1;
}
