#!/usr/bin/env python3
"""sites.py - several loopback web sites that count their visitors.

usage: sites.py --port-file FILE [--robots TEXT] [--robots-fail ADDR]
                [--robots-mode ADDR=MODE] [--limit N] ADDR...

Listens on each ADDR (all in 127.0.0.0/8, each its own site for tq)
on a free port and writes "ADDR PORT" lines to FILE once all listen.
Every site counts the requests it has in flight and remembers the
most it ever had.  Routes:

[/DIR]/page?ms=N&n=K  an HTML page after N ms (K is only there to make
                    URLs different)
/flaky?bad=N&ms=M   the first N requests of the site get 503 without
                    Retry-After, after M ms; later ones a page
/go?to=URL          a 302 to URL (absolute, or a path of this site)
/cookie?to=URL      the same, setting the cookie tq_wall=1 (Path=/)
/wall               a page if the request has the cookie tq_wall=1,
                    else 403
/busy?after=S[&times=N]  the first request (the first N) gets 429
                    with Retry-After: S (none: without it), later ones
                    a page; the times are remembered
/robots.txt         the text given with --robots (else 404); 500 on
                    the sites named with --robots-fail; on a site given
                    --robots-mode ADDR=MODE: hang (no answer for 60 s),
                    huge (600 KiB: "Disallow: /early" first, "Disallow:
                    /late" past 500 KiB), cut ("Disallow: /cut-here/"
                    across the 500 KiB mark, "Disallow: /c" before it),
                    binary (random octets with
                    NULs, then "Disallow: /bin"), redirect (5 hops to a
                    file with "Disallow: /redir"), redirect6 (6 hops),
                    delay ("Crawl-delay: 1"), delay3 ("Crawl-delay: 3"),
                    private ("Disallow:
                    /private"), oddcoding (the same, sent with
                    "Content-Encoding: utf-8"), noloc (a 301 without
                    Location), 404, 503, 429 (with Retry-After: 30),
                    elsewhere (a 301 to http://127.0.0.1:1/robots.txt)
/stats[?reset=1]    JSON (reset: each max first set to now): per site max, now, total, robots (requests of
                    /robots.txt), conns (TCP connections accepted),
                    ua_robots and ua_page (the User-Agent headers seen
                    on /robots.txt and on pages, each once),
                    over (requests past --limit, answered 500), the
                    request times of /busy and the start times of
                    pages and /flaky (starts)

--limit N: a site with more than N requests at once answers 500 and
counts it in "over".

Python 3 standard library only.
"""
import argparse
import http.server
import json
import os
import random
import sys
import threading
import time
import urllib.parse

lock = threading.Lock()
stats = {}
robots = None
robots_fail = []
robots_mode = {}
limit = 0

PAGE = ("<html><head><title>Site page</title></head><body><article>"
        "<h1>Site page</h1>" + "<p>" + "the river market report water "
        "school city council " * 20 + "</p></article></body></html>")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="text/html; charset=utf-8", hdrs=()):
        b = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(b)))
        for k, v in hdrs:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(b)

    def setup(self):
        super().setup()
        with lock:
            stats[self.server.site]["conns"] += 1

    def robots_special(self, mode, path):
        if mode == "hang":
            time.sleep(60)
            self.send(200, "", "text/plain")
        elif mode == "huge":
            body = "User-agent: *\nDisallow: /early\n"
            line = "# " + "x" * 97 + "\n"
            while len(body) < 600 * 1024:
                body += line
            self.send(200, body + "Disallow: /late\n", "text/plain")
        elif mode == "cut":
            body = "User-agent: *\n"
            while len(body) < 511988 - 120:
                body += "# " + "x" * 97 + "\n"
            body += "#" + "y" * (511988 - len(body) - 2) + "\n"
            self.send(200, body + "Disallow: /cut-here/\n", "text/plain")
        elif mode == "binary":
            rnd = random.Random(9309)
            b = bytes(rnd.randrange(256) for _ in range(4000))
            b += b"\0\0\nUser-agent: *\nDisallow: /bin\n\0"
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)
        elif mode in ("redirect", "redirect6"):
            hops = 5 if mode == "redirect" else 6
            k = int(path[len("/robots.txt"):] or "0")
            if k < hops:
                self.send(301, "moved\n", "text/plain",
                          [("Location", "/robots.txt%d" % (k + 1))])
            else:
                self.send(200, "User-agent: *\nDisallow: /redir\n",
                          "text/plain")
        elif mode == "delay":
            self.send(200, "User-agent: *\nCrawl-delay: 1\n", "text/plain")
        elif mode == "delay3":
            self.send(200, "User-agent: *\nCrawl-delay: 3\n", "text/plain")
        elif mode == "private":
            self.send(200, "User-agent: *\nDisallow: /private\n",
                      "text/plain")
        elif mode == "oddcoding":
            self.send(200, "User-agent: *\nDisallow: /private\n",
                      "text/plain", [("Content-Encoding", "utf-8")])
        elif mode == "elsewhere":
            self.send(301, "moved\n", "text/plain",
                      [("Location", "http://127.0.0.1:1/robots.txt")])
        elif mode == "noloc":
            self.send(301, "moved\n", "text/plain")
        elif mode == "404":
            self.send(404, "not found\n", "text/plain")
        elif mode == "503":
            self.send(503, "down\n", "text/plain")
        elif mode == "429":
            self.send(429, "slow down\n", "text/plain",
                      [("Retry-After", "30")])
        else:
            self.send(500, "unknown mode\n", "text/plain")

    def do_GET(self):
        site = self.server.site
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/stats":
            with lock:
                if q.get("reset"):
                    for v in stats.values():
                        v["max"] = v["now"]
                self.send(200, json.dumps(stats), "application/json")
            return
        over = False
        with lock:
            st = stats[site]
            ua = self.headers.get("User-Agent", "")
            if u.path.startswith("/robots.txt"):
                st["robots"] += 1
                if ua not in st["ua_robots"]:
                    st["ua_robots"].append(ua)
            elif u.path.endswith("/page") and ua not in st["ua_page"]:
                st["ua_page"].append(ua)
            st["now"] += 1
            st["total"] += 1
            st["max"] = max(st["max"], st["now"])
            if limit and st["now"] > limit and \
                    not u.path.startswith("/robots.txt"):
                st["over"] += 1
                over = True
            if (u.path.endswith("/page") or u.path == "/flaky") and \
                    len(st["starts"]) < 2000:
                st["starts"].append(time.time())
        mode = robots_mode.get(site.split(":")[0])
        try:
            if over:
                self.send(500, "too many at once\n", "text/plain")
            elif u.path.startswith("/robots.txt") and mode:
                self.robots_special(mode, u.path)
            elif u.path == "/flaky":
                with lock:
                    st["flaky"] += 1
                    bad = st["flaky"] <= int(q.get("bad", "0"))
                time.sleep(int(q.get("ms", "0")) / 1000.0)
                if bad:
                    self.send(503, "overloaded\n", "text/plain")
                else:
                    self.send(200, PAGE)
            elif u.path.endswith("/page"):
                time.sleep(int(q.get("ms", "0")) / 1000.0)
                self.send(200, PAGE)
            elif u.path == "/go":
                self.send(302, "moved\n", "text/plain",
                          [("Location", q.get("to", "/"))])
            elif u.path == "/cookie":
                self.send(302, "moved\n", "text/plain",
                          [("Location", q.get("to", "/")),
                           ("Set-Cookie", "tq_wall=1; Path=/")])
            elif u.path == "/wall":
                if "tq_wall=1" in self.headers.get("Cookie", ""):
                    self.send(200, PAGE)
                else:
                    self.send(403, "no cookie\n", "text/plain")
            elif u.path == "/busy":
                with lock:
                    st["busy"].append(time.time())
                    first = len(st["busy"]) <= int(q.get("times", "1"))
                after = q.get("after", "2")
                if first:
                    self.send(429, "slow down\n", "text/plain",
                              [] if after == "none" else
                              [("Retry-After", after)])
                else:
                    self.send(200, PAGE)
            elif u.path == "/robots.txt" and \
                    self.server.site.split(":")[0] in robots_fail:
                self.send(500, "broken\n", "text/plain")
            elif u.path == "/robots.txt" and robots is not None:
                self.send(200, robots, "text/plain")
            else:
                self.send(404, "not found\n", "text/plain")
        finally:
            with lock:
                st["now"] -= 1


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    global robots, robots_fail, limit
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--robots")
    ap.add_argument("--robots-fail", action="append", default=[])
    ap.add_argument("--robots-mode", action="append", default=[])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("addrs", nargs="+")
    a = ap.parse_args()
    robots = a.robots
    robots_fail = a.robots_fail
    limit = a.limit
    for m in a.robots_mode:
        k, v = m.split("=", 1)
        robots_mode[k] = v
    lines = []
    for addr in a.addrs:
        srv = Server((addr, 0), Handler)
        port = srv.server_address[1]
        srv.site = "%s:%d" % (addr, port)
        stats[srv.site] = {"max": 0, "now": 0, "total": 0, "robots": 0,
                           "busy": [], "conns": 0, "over": 0, "flaky": 0,
                           "starts": [], "ua_robots": [], "ua_page": []}
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        lines.append("%s %d\n" % (addr, port))
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.writelines(lines)
    os.rename(tmp, a.port_file)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
