#!/usr/bin/env python3
"""httpd.py - the local web server every tq test fetches from.

Python 3 standard library only.  Binds 127.0.0.1 on a free port (or
--port), writes the port to --port-file once listening, serves files
from --root and the test routes under /t/ (see ROUTES below).  Quiet:
nothing is logged per request.  Exits 0 on SIGTERM, SIGINT or SIGHUP;
with --die-with-parent also when the process that started it goes away,
so a killed test script leaves no server behind.

usage: httpd.py [--root DIR] [--port N] [--port-file FILE] [--bind ADDR]
                [--die-with-parent]
"""

import argparse
import codecs
import gzip
import html
import http.server
import mimetypes
import os
import posixpath
import random
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

ROUTES = """\
/t/status/NNN[?retry_after=V&location=URL]   that status, small HTML body;
        429 and 503 send Retry-After: 1 unless retry_after is given
/t/redirect?to=URL                       302 to URL
/t/redirect-chain/N                      N hops of 302, then a page
/t/redirect-loop                         302 to itself, forever
/t/redirect-to-loopback[?host=H&port=P&path=/p]   302 to http://H:P/p
        (default 127.0.0.1, this server's port, /t/page)
/t/redirect-ftp                          302 to an ftp:// URL
/t/slow-drip[?s=N&first=K]               200, K KiB at once, then one byte
                                         a second
/t/hang                                  reads the request, never answers
/t/sleep?s=N                             a page after N seconds
/t/gzip-bomb[?mb=64]                     ~64 KB gzip expanding to mb MiB
/t/big[?mb=11&length=1&hold=S]           text/html of mb MiB, streamed;
        length=1 sends Content-Length; hold=S waits S s before its end
/t/nested[?mb=50&length=1]               mb MiB of nested <div>, streamed
/t/binary[?size=65536&seed=1]            random bytes as text/html
/t/pdf[?mb=N]                            application/pdf (N MiB streamed)
/t/image                                 image/png
/t/plain                                 text/plain; charset=utf-8
/t/type?ct=T                             a small body with Content-Type T
        (any bytes, control characters too)
/t/xhtml                                 application/xhtml+xml
/t/no-type[?body=html|text|binary|xhtml|html-nl|rss]   no Content-Type
        at all (xhtml: an XML declaration first; html-nl: "<html\nlang";
        rss: an RSS feed)
/t/two-lengths                           a page with two Content-Length
                                         headers that differ
/t/partial                               206 with Content-Range, a piece
/t/refresh[?words=N|to=PATH]             "Redirecting..." and a meta
        refresh (0 s) to /t/page?title=Target (or PATH, as UTF-8); with
        words, an article of N words that refreshes itself every 5 s
/t/big-header[?n=N]                      200 with a header of 200 KB; with n,
                                         N headers of 1 KB instead
/t/empty                                 200 text/html, empty body
/t/charset/NAME[?via=header|meta|http-equiv|bom|none]   a short article
        in NAME (utf-8, iso-8859-1, windows-1251, shift_jis, koi8-r,
        euc-jp, gbk, utf-16le, utf-16be...); default via=header
/t/invalid-utf8                          charset=utf-8 with broken bytes
/t/flaky?key=K&fail=N[&retry_after=V]    first N hits of K: 503, then 200
/t/count?key=K[&reset=1]                 hits of key K so far, text/plain
        (every request with key=K counts)
/t/page[?title=T&words=N&seed=S]         a realistic article page
/t/gzip, /t/deflate                      a page, Content-Encoding gzip or
        deflate
/t/odd-coding[?coding=C]                 a plain page sent with
        Content-Encoding C (utf-8), asked for compressed or not
/t/bad-gzip                              Content-Encoding gzip, no gzip
/t/headers                               the request headers, text/plain
/t/reset                                 closes the connection with RST
/t/poison                                502, and 502 to every later
        request on this connection (a gateway gone bad), each of those
        counted under the key "poisoned"
/t/tls-port                              starts (once) an HTTPS listener
        with a self-signed certificate serving the same routes; its port
/t/routes                                this list
"""

WORDS = """
the of and to in a is that for it as was with be by on not he this are or
his from at which but have an they you were her she there been one all we
their has would when if so no will more said who what up its about than
into them can only other new some could time these two may then do first
any my now such like our over man me even most made after also did many
before must through back years where much your way well down should because
each just those people how too little state good very make world still own
see men work long get here between both life being under never day same
another know while last might us great old year off come since against go
came right used take three city council river market report water school
policy energy study research data system public health local plan program
company country million percent budget station museum village harbour season
""".split()

SAMPLES = {
    "utf-8": "café Привет 日本語",
    "utf-16le": "café Привет 日本語",
    "utf-16be": "café Привет 日本語",
    "iso-8859-1": "café naïve über",
    "windows-1252": "café naïve über €",
    "windows-1251": "Привет, мир",
    "koi8-r": "Привет, мир",
    "shift_jis": "日本語のテキスト",
    "euc-jp": "日本語のテキスト",
    "gbk": "中文文本",
    "big5": "中文",
    "euc-kr": "한국어",
    "iso-8859-2": "Zażółć gęślą jaźń",
    "windows-1256": "مرحبا بالعالم، صفحة عربية",
    "iso-8859-8": "שלום עולם",
    "iso-2022-jp": "日本語のテキスト",
    "gb18030": "中文文本 𠀀 😀",
    "tis-620": "ภาษาไทยไม่มีช่องว่าง",
    # as cp1258 writes Vietnamese: a letter and its combining tone mark
    "windows-1258": "Ti\u00ea\u0301ng Vi\u00ea\u0323t",
}



def png():
    """A valid 1x1 transparent PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00")) +
            chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")

# A throwaway self-signed certificate for 127.0.0.1 and localhost, valid
# until 2126, for /t/tls-port: clients must refuse it.  Test use only.
TEST_CERT = """\
-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUZAN/CV1VSoqWT8Wx0zspvxssfYgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyODEzMzUyN1oYDzIxMjYxMTA0
MTMzNTI3WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARstW94z69SRQ9uTCkkyz5+Jd3U8RgdGQdGo1K7O9V1P+mN6qhfBKIq
wQjZGZjCxgeVYKOmZDueN7OaKPmZ2bpTo28wbTAdBgNVHQ4EFgQU/SJ/Rnd9Bnh0
5ilL3uTNG5s0acowHwYDVR0jBBgwFoAU/SJ/Rnd9Bnh05ilL3uTNG5s0acowDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAJY9VVEKDCRQplKUDZsH+7dZ+7WrGEu/VLVhfX/UyPUrAiEA
4hHJHyKqf/Z6uh37JsnvBonzj2fKZkjE4s8OjYNW2V8=
-----END CERTIFICATE-----
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+sxIZ9wLDZo/HlcS
g6wTEw2c88UPxvesdZqWZlWlvb2hRANCAARstW94z69SRQ9uTCkkyz5+Jd3U8Rgd
GQdGo1K7O9V1P+mN6qhfBKIqwQjZGZjCxgeVYKOmZDueN7OaKPmZ2bpT
-----END PRIVATE KEY-----
"""

stopping = threading.Event()
lock = threading.Lock()
counters = {}
bombs = {}
tls = {}


def count(key, reset=False):
    with lock:
        n = counters.get(key, 0)
        if reset:
            counters[key] = 0
        return n


# what a gateway gone bad answers (/t/poison)
BAD_GATEWAY = "<html><body><h1>502 Bad Gateway</h1></body></html>"


def hit(key):
    with lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


def intarg(q, name, default, lo=0, hi=1 << 40):
    try:
        v = int(q.get(name, default))
    except ValueError:
        v = default
    return max(lo, min(hi, v))


def sentence(rnd):
    n = rnd.randint(8, 20)
    w = [rnd.choice(WORDS) for _ in range(n)]
    w[0] = w[0].capitalize()
    return " ".join(w) + "."


def article(title, words, seed=None, body_only=False):
    """A news-like page with about `words` words of main text."""
    rnd = random.Random(seed if seed is not None else zlib.crc32(
        title.encode()))
    paras, n = [], 0
    while n < words:
        p = " ".join(sentence(rnd) for _ in range(rnd.randint(3, 6)))
        paras.append(p)
        n += len(p.split())
    t = html.escape(title)
    desc = html.escape(paras[0].split(".")[0] + ".") if paras else ""
    body = "\n".join("<p>%s</p>" % html.escape(p) for p in paras)
    if body_only:
        return body
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{t} - Example News</title>
<meta name="description" content="{desc}">
<meta name="author" content="Jane Doe">
<meta property="og:title" content="{t}">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-01T10:00:00Z">
<link rel="canonical" href="/t/page?title={urllib.parse.quote(title)}">
<style>body {{ font-family: serif; }}</style>
<script>var analytics = {{ id: "UA-0000" }};</script>
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a>
<a href="/business">Business</a> <a href="/sport">Sport</a></nav></header>
<main>
<article>
<h1>{t}</h1>
<p class="byline">By Jane Doe, 1 March 2024</p>
{body}
</article>
<aside><h2>Related</h2><ul><li><a href="/a">Another story</a></li>
<li><a href="/b">More news</a></li></ul></aside>
</main>
<footer><p>&copy; 2024 Example News. All rights reserved.</p></footer>
</body>
</html>
"""


def bomb(mb):
    """gzip of an HTML page padded with mb MiB of spaces, cached."""
    with lock:
        if mb in bombs:
            return bombs[mb]
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [c.compress(b"<!DOCTYPE html><html><body><p>")]
    block = b" " * (1 << 20)
    for _ in range(mb):
        parts.append(c.compress(block))
    parts.append(c.compress(b"</p></body></html>\n"))
    parts.append(c.flush())
    blob = b"".join(parts)
    with lock:
        bombs[mb] = blob
    return blob


def is_text_codec(name):
    try:
        return codecs.lookup(name)._is_text_encoding
    except LookupError:
        return False


def static_type(path):
    base, ext = os.path.splitext(path)
    ext = ext.lower()
    if ext in (".html", ".htm"):
        # page.koi8-r.html: charset koi8-r; page.nocharset.html: none
        sub = os.path.splitext(base)[1][1:]
        if sub.lower() in ("nocharset", "none"):
            return "text/html"
        if sub and is_text_codec(sub):
            return "text/html; charset=" + sub
        return "text/html; charset=utf-8"
    if ext == ".xhtml":
        return "application/xhtml+xml"
    if ext == ".txt":
        return "text/plain; charset=utf-8"
    t = mimetypes.guess_type(path)[0]
    return t or "application/octet-stream"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120               # idle keep-alive connections go away

    def version_string(self):
        return "tq-httpd/1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle
        # and delayed ACKs cost 40 ms per keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.head = False
        self.dispatch()

    def do_HEAD(self):
        self.head = True
        self.dispatch()

    # ------------------------------------------------------------ output

    def send(self, status, body=b"", ctype="text/html; charset=utf-8",
             headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        nobody = status in (204, 304) or 100 <= status < 200
        if not nobody:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head and not nobody:
            self.wfile.write(body)

    def stream(self, status, ctype, chunks, length=None, headers=()):
        """Send chunks as they come; close-delimited unless length."""
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.head:
            return
        try:
            for c in chunks:
                self.wfile.write(c)
        except OSError:
            self.close_connection = True

    def page(self, title="Test page", words=200, **kw):
        self.send(200, article(title, words), **kw)

    # ----------------------------------------------------------- routing

    def dispatch(self):
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        self.q = q
        if getattr(self, "poisoned", False):
            hit("poisoned")
            self.send(502, BAD_GATEWAY)
            return
        if "key" in q and path != "/t/count":
            self.hits = hit(q["key"])
        try:
            if path.startswith("/t/"):
                self.route(path[3:], q)
            else:
                self.static(path)
        except OSError:
            self.close_connection = True

    def route(self, p, q):
        name, _, arg = p.partition("/")
        fn = getattr(self, "t_" + name.replace("-", "_"), None)
        if fn is None:
            self.send(404, "<html><body><h1>404</h1></body></html>")
            return
        fn(arg, q)

    def static(self, path):
        root = self.server.root
        if root is None:
            self.send(404, "<html><body><h1>404</h1></body></html>")
            return
        rel = posixpath.normpath(urllib.parse.unquote(path)).lstrip("/")
        full = os.path.realpath(os.path.join(root, rel))
        if full != root and not full.startswith(root + os.sep):
            self.send(403, "<html><body><h1>403</h1></body></html>")
            return
        if os.path.isdir(full):
            full = os.path.join(full, "index.html")
        try:
            with open(full, "rb") as f:
                data = f.read()
        except OSError:
            self.send(404, "<html><body><h1>404</h1></body></html>")
            return
        self.send(200, data, static_type(full))

    # ------------------------------------------------------------ routes

    def t_routes(self, arg, q):
        self.send(200, ROUTES, "text/plain; charset=utf-8")

    def t_status(self, arg, q):
        try:
            code = int(arg)
        except ValueError:
            code = 0
        if not 200 <= code <= 599:
            self.send(400, "<html><body>bad status</body></html>")
            return
        headers = []
        if "retry_after" in q:
            headers.append(("Retry-After", q["retry_after"]))
        elif code in (429, 503):
            headers.append(("Retry-After", "1"))
        if "location" in q:
            headers.append(("Location", q["location"]))
        self.send(code, "<html><head><title>%d</title></head><body><h1>"
                  "status %d</h1></body></html>" % (code, code),
                  headers=headers)

    def redirect(self, to, code=302):
        self.send(code, "<html><body><a href=\"%s\">moved</a></body></html>"
                  % html.escape(to), headers=[("Location", to)])

    def t_redirect(self, arg, q):
        self.redirect(q.get("to", "/t/page"))

    def t_redirect_chain(self, arg, q):
        try:
            n = int(arg)
        except ValueError:
            n = 0
        if n > 0:
            self.redirect("/t/redirect-chain/%d" % (n - 1))
        else:
            self.page("End of the chain", 50)

    def t_redirect_loop(self, arg, q):
        self.redirect("/t/redirect-loop")

    def t_redirect_to_loopback(self, arg, q):
        host = q.get("host", "127.0.0.1")
        if ":" in host:
            host = "[" + host + "]"
        port = q.get("port", str(self.server.server_address[1]))
        self.redirect("http://%s:%s%s" % (host, port,
                                          q.get("path", "/t/page")))

    def t_redirect_ftp(self, arg, q):
        self.redirect("ftp://127.0.0.1/file.html")

    def t_slow_drip(self, arg, q):
        secs = intarg(q, "s", 3600, 0, 86400)
        first = intarg(q, "first", 0, 0, 65536) << 10

        def drip():
            yield b"<!DOCTYPE html><html><body><p>"
            if first:
                yield b"x" * first
            for _ in range(secs):
                if stopping.wait(1):
                    return
                yield b"."
            yield b"</p></body></html>\n"
        self.stream(200, "text/html; charset=utf-8", drip())

    def t_hang(self, arg, q):
        stopping.wait(300)
        self.close_connection = True

    def t_sleep(self, arg, q):
        try:
            secs = min(600.0, max(0.0, float(q.get("s", "1"))))
        except ValueError:
            secs = 1.0
        if stopping.wait(secs):
            return
        self.page("Slept %g s" % secs, 50)

    def t_gzip_bomb(self, arg, q):
        blob = bomb(intarg(q, "mb", 64, 1, 2048))
        self.send(200, blob, headers=[("Content-Encoding", "gzip")])

    def filler(self, total, head, unit, tail=b""):
        """head, then unit repeated, then tail: exactly total bytes."""
        chunk = unit * max(1, 65536 // len(unit))
        left = total - len(head) - len(tail)
        yield head
        while left > 0:
            c = chunk[:left]
            left -= len(c)
            yield c
        yield tail

    def held(self, chunks, secs):
        """chunks, the last one after secs seconds"""
        last = None
        for c in chunks:
            if last is not None:
                yield last
            last = c
        stopping.wait(secs)
        if last is not None:
            yield last

    def t_big(self, arg, q):
        total = intarg(q, "mb", 11, 1, 4096) << 20
        unit = ("<p>" + article("big", 80, seed=1, body_only=True)
                .replace("\n", " ") + "</p>\n").encode()
        body = self.filler(total, b"<!DOCTYPE html><html><head><title>Big"
                           b"</title></head><body>\n", unit,
                           b"</body></html>\n")
        hold = intarg(q, "hold", 0, 0, 3600)
        if hold:
            body = self.held(body, hold)
        self.stream(200, "text/html; charset=utf-8", body,
                    total if q.get("length") == "1" else None)

    def t_nested(self, arg, q):
        total = intarg(q, "mb", 50, 1, 4096) << 20
        body = self.filler(total, b"<!DOCTYPE html><html><body>", b"<div>")
        self.stream(200, "text/html; charset=utf-8", body,
                    total if q.get("length") == "1" else None)

    def t_binary(self, arg, q):
        rnd = random.Random(intarg(q, "seed", 1))
        self.send(200, rnd.randbytes(intarg(q, "size", 65536, 0, 64 << 20)),
                  "text/html")

    def t_pdf(self, arg, q):
        mb = intarg(q, "mb", 0, 0, 4096)
        if mb == 0:
            self.send(200, PDF, "application/pdf")
            return
        self.stream(200, "application/pdf",
                    self.filler(mb << 20, PDF, b"%" + b"0" * 1023))

    def t_image(self, arg, q):
        self.send(200, png(), "image/png")

    def t_plain(self, arg, q):
        self.send(200, "Plain text: café, Привет, 日本語.\nSecond line.\n",
                  "text/plain; charset=utf-8")

    def t_type(self, arg, q):
        self.send(200, "<p>typed</p>\n", q.get("ct", ""))

    def t_xhtml(self, arg, q):
        self.send(200, '<?xml version="1.0" encoding="utf-8"?>\n'
                  '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>'
                  'XHTML page</title></head><body><p>XHTML café</p></body>'
                  '</html>\n', "application/xhtml+xml")

    def t_no_type(self, arg, q):
        kind = q.get("body", "html")
        if kind == "text":
            body = "Just some text, café.\n"
        elif kind == "binary":
            body = b"\x00\x01\x02\x03binary\x00\xff" * 16
        elif kind == "xhtml":
            body = ('<?xml version="1.0" encoding="utf-8"?>\n'
                    + article("No type", 50))
        elif kind == "rss":
            body = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version='
                    '"2.0"><channel><title>Feed</title><item><title>One'
                    '</title></item></channel></rss>\n')
        elif kind == "html-nl":
            body = article("No type", 50).replace("<html", "<html\n", 1)
        else:
            body = article("No type", 50)
        self.send(200, body, None)

    def t_refresh(self, arg, q):
        words = int(q.get("words", "0"))
        if words:
            body = article("Reloads", words).replace(
                "<head>", '<head><meta http-equiv="refresh" content="5">', 1)
        else:
            body = ('<!DOCTYPE html><html><head><meta http-equiv="Refresh" '
                    'content="0; URL=\'%s\'"><title>'
                    'Moved</title></head><body><p>Redirecting&hellip;</p>'
                    '</body></html>\n' % q.get("to", "/t/page?title=Target"))
        self.send(200, body)

    def t_two_lengths(self, arg, q):
        body = article("Two lengths", 50).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def t_partial(self, arg, q):
        body = article("Partial", 50).encode()
        self.send_response(206)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Range", "bytes 0-99/%d" % len(body))
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(body[:100])

    def t_big_header(self, arg, q):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if q.get("n"):
            for i in range(int(q["n"])):
                self.send_header("X-Many-%d" % i, "x" * 1000)
        else:
            self.send_header("X-Big", "x" * 200000)
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.write(b"<p>big</p>")

    def t_empty(self, arg, q):
        self.send(200, b"")

    def t_charset(self, arg, q):
        name = arg.lower()
        via = q.get("via", "header")
        if not is_text_codec(name):
            self.send(404, "<html><body>unknown charset</body></html>")
            return
        sample = SAMPLES.get(name, "café")
        meta = ""
        if via == "meta":
            meta = '<meta charset="%s">' % name
        elif via == "http-equiv":
            meta = ('<meta http-equiv="Content-Type" content="text/html; '
                    'charset=%s">' % name)
        text = ("<!DOCTYPE html>\n<html><head>%s<title>Charset %s</title>"
                "</head>\n<body><article><h1>Charset %s</h1>\n<p>%s</p>\n"
                "<p>Some plain ASCII text follows the sample so that the "
                "article has a body.</p></article></body></html>\n"
                % (meta, name, name, sample))
        body = text.encode(name, "xmlcharrefreplace")
        ctype = "text/html"
        if via == "header":
            ctype = "text/html; charset=" + name
        elif via == "bom":
            boms = {"utf-8": codecs.BOM_UTF8, "utf-16le": codecs.BOM_UTF16_LE,
                    "utf-16be": codecs.BOM_UTF16_BE}
            if name not in boms:
                self.send(400, "<html><body>no BOM for that</body></html>")
                return
            body = boms[name] + body
        self.send(200, body, ctype)

    def t_invalid_utf8(self, arg, q):
        self.send(200, b"<!DOCTYPE html><html><head><title>Invalid</title>"
                  b"</head><body><p>ok \xff\xfe bad \xc3 trunc \xed\xa0\x80 "
                  b"surrogate \xc0\xaf overlong caf\xc3\xa9</p></body></html>"
                  b"\n", "text/html; charset=utf-8")

    def t_flaky(self, arg, q):
        fail = intarg(q, "fail", 1)
        if getattr(self, "hits", 0) <= fail:
            self.send(503, "<html><body>try later</body></html>",
                      headers=[("Retry-After", q.get("retry_after", "1"))])
        else:
            self.page("Flaky page", 100)

    def t_count(self, arg, q):
        n = count(q.get("key", ""), q.get("reset") == "1")
        self.send(200, "%d\n" % n, "text/plain; charset=utf-8")

    def t_page(self, arg, q):
        seed = q.get("seed")
        self.send(200, article(q.get("title", "Test page"),
                               intarg(q, "words", 300, 0, 1000000),
                               int(seed) if seed and seed.isdigit() else None))

    def t_gzip(self, arg, q):
        body = gzip.compress(article(q.get("title", "Gzip page"), 200)
                             .encode())
        self.send(200, body, headers=[("Content-Encoding", "gzip"),
                                      ("Vary", "Accept-Encoding")])

    def t_odd_coding(self, arg, q):
        self.send(200, article("Odd coding page", 200),
                  headers=[("Content-Encoding", q.get("coding", "utf-8"))])

    def t_bad_gzip(self, arg, q):
        self.send(200, article("Bad gzip page", 200),
                  headers=[("Content-Encoding", "gzip")])

    def t_deflate(self, arg, q):
        body = zlib.compress(article(q.get("title", "Deflate page"), 200)
                             .encode())
        self.send(200, body, headers=[("Content-Encoding", "deflate")])

    def t_headers(self, arg, q):
        text = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
        self.send(200, text, "text/plain; charset=utf-8")

    def t_tls_port(self, arg, q):
        with lock:
            if "port" not in tls:
                tls["port"] = start_tls(self.server.bind_host,
                                        self.server.root)
        self.send(200, "%d\n" % tls["port"], "text/plain; charset=utf-8")

    def t_poison(self, arg, q):
        self.poisoned = True
        self.send(502, BAD_GATEWAY)

    def t_reset(self, arg, q):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass                    # quiet, whatever the client did


def start_tls(host, root):
    """An HTTPS twin of the server, in a thread; returns its port."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as f:
        f.write(TEST_CERT)
        f.flush()
        ctx.load_cert_chain(f.name)
    srv = Server((host, 0), Handler)
    srv.root = root
    srv.bind_host = host
    # Handshakes happen in the handler threads, not in accept().
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                 do_handshake_on_connect=False)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.25},
                     daemon=True).start()
    return srv.server_address[1]


def main():
    ap = argparse.ArgumentParser(description="tq test web server",
                                 epilog=ROUTES,
                                 formatter_class=argparse.
                                 RawDescriptionHelpFormatter)
    ap.add_argument("--root", help="serve static files from DIR")
    ap.add_argument("--port", type=int, default=0, help="default: any")
    ap.add_argument("--port-file", help="write the port here when ready")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--die-with-parent", action="store_true",
                    help="exit when the parent process exits")
    args = ap.parse_args()

    if ":" in args.bind:
        Server.address_family = socket.AF_INET6
    srv = Server((args.bind, args.port), Handler)
    srv.root = os.path.realpath(args.root) if args.root else None
    srv.bind_host = args.bind
    port = srv.server_address[1]

    def bye(signum, frame):
        raise SystemExit(0)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, bye)

    if args.die_with_parent:
        ppid = os.getppid()

        def watch():
            while not stopping.wait(0.5):
                if os.getppid() != ppid:
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
        threading.Thread(target=watch, daemon=True).start()

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.25)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        stopping.set()
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
