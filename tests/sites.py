#!/usr/bin/env python3
"""sites.py - several loopback web sites that count their visitors.

usage: sites.py --port-file FILE [--robots TEXT] [--robots-fail ADDR]
                ADDR...

Listens on each ADDR (all in 127.0.0.0/8, each its own site for tq)
on a free port and writes "ADDR PORT" lines to FILE once all listen.
Every site counts the requests it has in flight and remembers the
most it ever had.  Routes:

[/DIR]/page?ms=N&n=K  an HTML page after N ms (K is only there to make
                    URLs different)
/busy?after=S       the first request gets 429 with Retry-After: S,
                    later ones a page; the times are remembered
/robots.txt         the text given with --robots (else 404); 500 on
                    the sites named with --robots-fail
/stats              JSON: per site max, now, total, robots (requests of
                    /robots.txt), and the request times of /busy

Python 3 standard library only.
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

lock = threading.Lock()
stats = {}
robots = None
robots_fail = []

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

    def do_GET(self):
        site = self.server.site
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/stats":
            with lock:
                self.send(200, json.dumps(stats), "application/json")
            return
        with lock:
            st = stats[site]
            if u.path == "/robots.txt":
                st["robots"] += 1
            st["now"] += 1
            st["total"] += 1
            st["max"] = max(st["max"], st["now"])
        try:
            if u.path.endswith("/page"):
                time.sleep(int(q.get("ms", "0")) / 1000.0)
                self.send(200, PAGE)
            elif u.path == "/busy":
                with lock:
                    st["busy"].append(time.time())
                    first = len(st["busy"]) == 1
                if first:
                    self.send(429, "slow down\n", "text/plain",
                              [("Retry-After", q.get("after", "2"))])
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
    global robots, robots_fail
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--robots")
    ap.add_argument("--robots-fail", action="append", default=[])
    ap.add_argument("addrs", nargs="+")
    a = ap.parse_args()
    robots = a.robots
    robots_fail = a.robots_fail
    lines = []
    for addr in a.addrs:
        srv = Server((addr, 0), Handler)
        port = srv.server_address[1]
        srv.site = "%s:%d" % (addr, port)
        stats[srv.site] = {"max": 0, "now": 0, "total": 0, "robots": 0,
                             "busy": []}
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
