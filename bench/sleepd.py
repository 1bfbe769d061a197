#!/usr/bin/env python3
"""sleepd.py - a loopback web server for bench/engine.sh: thousands of
slow pages at once, counted.  Python 3 standard library only (asyncio:
one thread, so 1,000 or more connections open at the same time cost
next to nothing and never queue behind each other).

    python3 bench/sleepd.py --port-file F

Binds 127.0.0.1 on a free port and writes the port to F once listening
(atomically).  Exits 0 on SIGTERM or SIGINT.

  GET /sleep?s=S&n=K[&tag=T]  an article page (tests/httpd.py's) after
        S seconds (0..600); its title names K.  A client that closes
        its connection while waiting stops counting as open at once.
  GET /stats[?tag=T]          JSON {hits, served, distinct, dups, open,
        max_open} for tag T (default ""): requests received, answers
        sent, distinct URLs, URLs requested more than once, requests
        waiting now, the most waiting at once.
  GET /reset                  clears every counter

Every answer closes its connection (Connection: close), as a page on
another host would need a new connection anyway.
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
from httpd import article  # noqa: E402  (the tests' realistic page)


class Tag:
    def __init__(self):
        self.hits = 0
        self.served = 0
        self.open = 0
        self.max_open = 0
        self.urls = {}

    def stats(self):
        return {"hits": self.hits, "served": self.served,
                "distinct": len(self.urls),
                "dups": sum(1 for v in self.urls.values() if v > 1),
                "open": self.open, "max_open": self.max_open}


tags = {}


def tag(name):
    if name not in tags:
        tags[name] = Tag()
    return tags[name]


def response(status, body, ctype):
    if isinstance(body, str):
        body = body.encode()
    head = ("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (status, ctype, len(body)))
    return head.encode() + body


async def wait_or_gone(reader, secs):
    """Sleep secs; False if the client closed the connection first."""
    if secs <= 0:
        return True
    sleep = asyncio.ensure_future(asyncio.sleep(secs))
    eof = asyncio.ensure_future(reader.read(1))
    done, _ = await asyncio.wait({sleep, eof},
                                 return_when=asyncio.FIRST_COMPLETED)
    for f in (sleep, eof):
        if f not in done:
            f.cancel()
    return sleep in done


async def handle(reader, writer):
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
            asyncio.TimeoutError, ConnectionError):
        writer.close()
        return
    try:
        method, target, _ = head.split(b"\r\n", 1)[0].decode(
            "latin-1").split(" ", 2)
    except ValueError:
        method, target = "", ""
    u = urllib.parse.urlsplit(target)
    q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
    out = None
    try:
        if method != "GET":
            out = response("405 Method Not Allowed", "", "text/plain")
        elif u.path == "/sleep":
            t = tag(q.get("tag", ""))
            t.hits += 1
            t.urls[target] = t.urls.get(target, 0) + 1
            try:
                secs = min(600.0, max(0.0, float(q.get("s", "1"))))
            except ValueError:
                secs = 1.0
            t.open += 1
            t.max_open = max(t.max_open, t.open)
            try:
                alive = await wait_or_gone(reader, secs)
            finally:
                t.open -= 1
            if alive:
                out = response("200 OK", article("Page %s of the benchmark"
                                                  % q.get("n", "?"), 200),
                               "text/html; charset=utf-8")
                t.served += 1
        elif u.path == "/stats":
            out = response("200 OK", json.dumps(tag(q.get("tag", "")).stats())
                           + "\n", "application/json")
        elif u.path == "/reset":
            tags.clear()
            out = response("200 OK", "ok\n", "text/plain")
        else:
            out = response("404 Not Found", "no such page\n", "text/plain")
        if out is not None:
            writer.write(out)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser(description="slow pages for bench/engine.sh")
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    srv = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096,
                                     reuse_address=True)
    port = srv.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    await stop.wait()
    srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
