#!/usr/bin/env python3
"""fake-notion.py - a strict local stand-in for Notion's public REST API
(the parts tq uses), for the tests and `make demo`.  Python 3 standard
library only.

    python3 tests/fake-notion.py --port-file F [--token TOKEN] [--rps N]
        [--burst N] [--latency-ms MS] [--hang SECS]

Listens on 127.0.0.1 on a free port and writes the port number to F
(atomically: written to F.tmp, then renamed).  Quiet: no per-request
log.  SIGTERM or SIGINT stops it cleanly with status 0.  HTTP/1.1 with
keep-alive; every answer has a Content-Length; requests are served
concurrently (one thread each); all state lives in memory behind one
lock.

Options
  --token TOKEN    the integration token (default secret_test_token)
  --rps N          token-bucket refill, requests per second (default 3)
  --burst N        token-bucket size (default 3)
  --latency-ms MS  sleep MS before answering each /v1 request that
                   passed the rate check (default 0)
  --hang SECS      how long a "timeout-after" fault sleeps (default 30)
  --length-unit U  what the 2000 of a rich text's content counts: utf16
                   (UTF-16 code units, the default, as the spec assumes)
                   or utf8 (bytes: a stricter Notion, which counts 2000
                   CJK characters as 6000)
  --query-page N   a data source query answers at most N results a page
                   (1 to 100; default 100, Notion's own cap), has_more
                   and next_cursor telling the rest, whatever page_size
                   asked for: paging, with few pages
  --query-lag SECS a data source query does not see pages created in
                   the last SECS seconds (default 0): Notion's search
                   is eventually consistent (spec section 9)
  --opaque-cursors next_cursor is an opaque string, not an id: one with
                   '+', '/' and '=' in it, as base64 has, which a client
                   must percent-encode in a query string (a bare '+'
                   reads as a space there: 400, not a valid cursor)
  --no-new-options the integration may not edit the database's schema:
                   a select or multi_select name that is no option yet
                   is refused (see POST /_fake/options)

Order of checks on every /v1 request (the first failure answers):
  1. body larger than 500000 bytes -> 413, HTML body, no JSON code (as
     a proxy would; nothing else is checked or counted against the rate)
  2. Authorization: Bearer TOKEN, else 401 unauthorized "API token is
     invalid." (the token is never echoed)
  3. rate limit: one token bucket per token; empty -> 429 rate_limited,
     Retry-After: ceil(seconds until a token is back), at least 1, and
     additional_data.rate_limit_reason "connection_rate_limit".  A 429'd
     request does nothing (and does not consume a queued fault).
  4. --latency-ms sleep
  5. Notion-Version: missing -> 400 missing_version; not one of
     2022-06-28, 2025-09-03, 2026-03-11 -> 400 validation_error
  6. a queued fault for this method and path, if any (see below)
  7. route: unknown path or wrong method -> 400 invalid_request_url
     "Invalid request URL."; an id in the path that is not 32 hex digits
     (dashes optional, any case) -> 400 validation_error
  8. POST/PATCH: Content-Type application/json (parameters such as
     charset allowed) and a body that parses as a JSON object, else 400
     invalid_json "Error parsing JSON body."  (an empty body too).  Bodies
     of GET/DELETE are ignored.
  9. validation of the body (400 validation_error, message names the
     path, e.g. "body.children[95].paragraph.rich_text[0].text.content
     .length should be ≤ `2000`, instead was `2001`.")

Timestamps are UTC ISO 8601 with milliseconds ("2026-01-31T12:00:00.000Z").
Every answer carries an x-request-id header (a UUIDv4); error bodies are
{"object":"error","status":N,"code":C,"message":M,"request_id":<same>},
429s add "additional_data".  Success bodies are JSON, UTF-8.

Built-in data (ids are fixed; path ids are accepted with or without
dashes and in any case; answers always use the dashed lower-case form)
  database 11111111-1111-4111-8111-111111111111 "Articles", one data
    source 21111111-1111-4111-8111-111111111111 "Articles":
      Name (title, id "title"), URL (url), Tags (multi_select),
      Published (date), Summary (rich_text),
      Status (select: Imported, Draft)
  database 12222222-2222-4222-8222-222222222222 "Reading list", one data
    source 22222222-2222-4222-8222-222222222222 "Reading list":
      Headline (title), Source (url), Keywords (multi_select), Date
      (date), Words (number)
  database 13333333-3333-4333-8333-333333333333 "Two sources", TWO data
    sources (each with the Articles schema):
      23333333-3333-4333-8333-333333333331 "Main"
      23333333-3333-4333-8333-333333333332 "Archive"
  database 14444444-4444-4444-8444-444444444444 exists but is not shared:
    every access is 404 object_not_found, exactly like an unknown id:
    "Could not find database with ID: <id>. Make sure the relevant pages
    and databases are shared with your integration."
  the bot user: 99999999-9999-4999-8999-999999999999
Non-title property ids are short strings (e.g. "prop-url"); keys of
"properties" in requests may be property names or property ids.

Endpoints (2025-09-03 semantics unless said)
  GET    /v1/users/me                  the bot user
  GET    /v1/databases/{id}            data_sources [{id,name}], no
         properties; with 2022-06-28: properties of its single data
         source and no data_sources (a multi-source database is then 400
         validation_error)
  GET    /v1/data_sources/{id}         {object:"data_source", id, title,
         properties{name:{id,name,type,<type>:{..}}}, parent{type:
         "database_id",database_id}, database_parent, ...}
  POST   /v1/data_sources/{id}/query   {filter?, sorts?, start_cursor?,
         page_size? (integer 1..100, default 100)}.  Filters: property
         filters for title/rich_text/url/email/phone_number (equals,
         does_not_equal, contains, does_not_contain, starts_with,
         ends_with, is_empty, is_not_empty), number (equals,
         does_not_equal, greater_than, less_than, ..._or_equal_to,
         is_empty, is_not_empty), checkbox (equals, does_not_equal),
         select (equals, does_not_equal, is_empty, is_not_empty),
         multi_select (contains, does_not_contain, is_empty,
         is_not_empty), date (equals, before, after, on_or_before,
         on_or_after, is_empty, is_not_empty; compared on the start
         string); the page's own times, {"timestamp": "created_time" or
         "last_edited_time", <the same name>: {a date condition}}
         (instants compared in UTC; a date alone compares days); compound {"and":[..]}/{"or":[..]} nested at most 2
         deep.  The filter's type key must match the property's type
         ("url" for a url property, ...), else validation_error; an
         unknown property is validation_error.  Sorts: [{property,
         direction}] or [{timestamp: created_time|last_edited_time,
         direction}].  Without sorts, results are in creation order
         (oldest first).  Trashed pages are never returned.  Cursor =
         the id of the next page (--opaque-cursors: an opaque string);
         an unknown cursor is validation_error.
         Answer {object:"list", results, next_cursor, has_more,
         type:"page_or_data_source", page_or_data_source:{}}.
  POST   /v1/pages                     {parent, properties, children?,
         icon?, cover?}; parent {"type":"data_source_id",
         "data_source_id":..} (type optional) or {"database_id":..} (only
         for a database with exactly one data source, else 400
         validation_error).  An unknown or unshared parent is 404.  The
         title property must be present (an empty array is fine), else
         400 "Title is not provided".  Answer: the page object; its
         parent is {type:"data_source_id", data_source_id, database_id}
         (2022-06-28: {type:"database_id", database_id}).
  GET    /v1/pages/{id}                the page (trashed pages too, with
         in_trash true)
  PATCH  /v1/pages/{id}                {properties?, in_trash?, icon?,
         cover?}: properties are merged.  Editing the properties of a
         trashed page (without in_trash:false in the same request) is
         400 "Can't edit block that is archived. ..."
  PATCH  /v1/blocks/{id}/children      {children (0..100), position?}
         id = a page or a block.  position {"type":"end"} (default),
         {"type":"start"}, {"type":"after_block","after_block":{"id":..}}
         ; before 2026-03-11 also "after": "<block id>".  An empty
         children array is accepted (results []).  The parent
         block must not be trashed (400 "Can't edit block that is
         archived. You must unarchive the block before editing.").
         Answer {object:"list", results:[the new top-level blocks],
         next_cursor:null, has_more:false, type:"block", block:{}}.
  GET    /v1/blocks/{id}/children      ?page_size=1..100 (default 100)
         &start_cursor=<block id, or the opaque cursor>; trashed
         blocks excluded.
  GET    /v1/blocks/{id}               one block (an addition)
  DELETE /v1/blocks/{id}               trash a block (or a page, which
         answers as a child_page block); the block with in_trash true.
         Deleting something already trashed is 400 "Can't edit block
         that is archived. ..."
  Anything else -> 400 invalid_request_url.

Versions: 2026-03-11 rejects "after" in an append and the key "archived"
anywhere in a body (400 validation_error) and leaves "archived" out of
answers; older versions also take "archived" as a synonym of "in_trash"
in PATCH /v1/pages and answer with both.

Validation (400 validation_error)
  * Unknown top-level body keys are rejected ("body.X should be not
    present").  Allowed: pages {parent, properties, children, icon,
    cover}; page update {properties, in_trash, archived, icon, cover};
    append {children, position, after}; query {filter, sorts,
    start_cursor, page_size}.  JSON NaN/Infinity is invalid_json.
  * Any string in a body holding a lone surrogate (e.g. "\\ud83d" alone)
    is rejected.
  * Properties: the name (or id) must exist ("X is not a property that
    exists."), and name one property once (not by its name and its id).  A value is an object holding the member named after the
    property's type (a "type" member, if present, must agree):
      title, rich_text: array (≤100) of rich text objects
      url: string ≤2000 or null      email, phone_number: string ≤200
        (never "": Notion wants null for an empty value)
      number: finite number or null  checkbox: true/false
      select: {name} or {id}, or null; a name as a multi_select's (no
        commas: "Commas are not valid for select values"); a new name
        adds an option
      multi_select: array ≤100 of {name} or {id}; names non-empty, ≤100
        characters, no commas; new names add options
      date: {start, end?, time_zone?} or null; start/end "YYYY-MM-DD" or
        "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]" (real calendar dates)
  * Rich text object: {type?:"text", text:{content, link?: null|{url}},
    annotations?, plain_text?, href?} or {type:"equation", equation:
    {expression ≤1000}}.  content ≤ 2000 UTF-16 code units (an astral
    character such as most emoji counts 2); link.url non-empty, ≤ 2000,
    and a URL (below) or a mailto: address.
  * Blocks: {object?:"block", type?:T, T:{...}}; T one of paragraph,
    heading_1/2/3, bulleted_list_item, numbered_list_item, quote, to_do,
    toggle, callout, code, divider, bookmark, embed, equation
    {expression ≤1000}, image, video, audio, file, pdf ({type?:
    "external", external:{url}, caption?, name? (file)}: the URL as a
    bookmark's, else "Invalid URL for image." and so on), table
    {table_width ≥1, has_column_header?, has_row_header? (booleans),
    children: at least one table_row, required} and table_row {cells:
    exactly table_width arrays of rich text}, only as a table's child
    (in a create or an append to the table); every key of a type's
    member that the type does not know is an error.  A type that does
    not match the member present, or two type members, is an error.
    Text blocks need rich_text; code needs language (Notion's list);
    bookmark/embed need url, a URL: http or https, a host name or
    address, no white space or control character anywhere; else 400
    "Content creation Failed. Fix the following: Invalid URL for
    bookmark." (Notion's words for a link; that it reads a bookmark's
    URL the same way is our assumption, the safe side).  Nested
    children go inside the type member
    (e.g. paragraph.children) of paragraph, list items, quote, to_do,
    toggle, callout and toggleable headings; each array ≤ 100; a block
    of the second level may not have children ("should be not present");
    a request holds at most 1000 block elements in all.

Fault injection, statistics and state: /_fake/..., no auth, no rate
limit, not counted in the statistics.
  POST /_fake/fault {"method":"POST","path":"/v1/pages","fault":F,
       "count":N (default 1),"status":S,"retry_after":R,"secs":T}
       queues N faults
       for requests with that method whose path (without the query
       string) starts with "path"; path segments that are whole ids are
       compared in the dashed lower-case form on both sides, so either
       spelling of an id matches.  Faults are taken in the
       order queued, after the auth, rate and version checks.  F:
         502-html-after  do the work, then answer 502 with an HTML body
                         (Content-Type text/html, "502 Bad Gateway")
         status-after    do the work, then answer S with Notion's JSON
                         error (its own 500 or 503 may come of a request
                         carried out all the same, spec section 9)
         status-late     answer S at once, and do the work "secs"
                         (default --hang) seconds later
         200-html-after  do the work, then answer 200 with an HTML body
                         (a proxy's page: the client cannot read the
                         answer, but the request was carried out)
         502-poison      answer that 502 without doing the work, and
                         the same to every later request on this
                         connection, before any check, until the client
                         closes it (a proxy gone bad on a kept-alive
                         connection: "poisoned" in the statistics)
         timeout-after   do the work, then sleep --hang seconds, then
                         answer normally (the client should time out)
         late            sleep "secs" (default --hang) seconds, then do
                         the work and answer normally: a slow Notion,
                         which goes on with a request after the client
                         stopped waiting (for up to 60 s, spec section 1)
         reset           close the connection (TCP RST) without
                         answering; the work is not done
         reset-after     do the work, then close without answering
         status          answer S (409 conflict_error, 500
                         internal_server_error, 502 bad_gateway, 503
                         service_unavailable, 504 gateway_timeout, 529
                         service_overload with Retry-After R, 429
                         rate_limited with Retry-After R (R default 1;
                         a string is sent as it is, null sends none)
                         and additional_data; also 400, 401, 403, 404)
                         with Notion's envelope, or 413 with the proxy's
                         HTML body; the work is not done.  "code" and
                         "message" (strings) replace the envelope's own
                         (a 403 workspace_block_limit_reached, say)
       Answers {"queued": N}.
  GET  /_fake/faults  -> {"faults":[queued faults with counts left]}
  GET  /_fake/pages   -> {"pages":[{"id","data_source_id","database_id",
       "in_trash","created_time","last_edited_time","url","title":<plain
       text of the title>,"properties":{name: the page object's property value
       {"id","type",<type>: value}; rich text normalised with
       annotations/plain_text/href},"blocks":[block objects in order,
       trashed excluded, each with "children":[...] likewise]}]}, pages
       in creation order, trashed pages included (see in_trash).
  GET  /_fake/stats   -> {"requests": /v1 requests received (all
       outcomes), "by_route": {"POST /v1/pages": N, "PATCH
       /v1/blocks/{id}/children": N, ...} (ids replaced by {id}),
       "ok_by_route": the same for 2xx answers only, "rate_limited":
       429s from the token bucket (not injected ones), "faults_fired": N,
       "poisoned": requests answered 502 on a connection a 502-poison
       fault spoilt (after that fault's own answer),
       "errors": {"400": N, ...} (every status >= 400 answered, injected
       ones included), "max_in_flight": most /v1 requests being handled
       at once, "window_max": most /v1 requests accepted by the rate
       check within any sliding 1-second window}
  GET  /_fake/log     -> {"requests":[{"method","path" (with the query
       string),"route","status" (null: reset, no answer),"notion_version",
       "content_type","auth_ok","bytes" (body size; null if over the
       limit),"fault" (the injected fault or null),"request_id" (the
       x-request-id sent, null if none),"message" (the error body's
       message, null if none),"ms","at" (when the request came
       in: seconds since the fake started or was last reset)}]}: the last
       10000 /v1 (and other non-control) requests, oldest first; bodies
       and the Authorization value are not kept.
  POST /_fake/options {"new": false} makes the integration one that may
       not edit the database's schema: a select or multi_select name
       that is no option yet is refused (400 validation_error naming the
       property's path), as Notion refuses it (spec section 10); true
       (the default, or without --no-new-options) adds it as an option.
  POST /_fake/reset   clears pages, blocks, faults, statistics and the log,
       restores the built-in schemas and fills the token bucket.
  POST /_fake/page    {"parent","properties","children"?, as for
       POST /v1/pages, "created_time"?: ISO 8601 (default now; kept to
       the minute), "created_by"?: a user id (default a person's,
       PERSON_ID)} makes a page as a member of the workspace would;
       answers the page object, or 400 {"error"}.
  POST /_fake/schema  {"data_source_id":..,"properties":{name: {"type":
       T, T: {...}} or just "T"}} replaces that data source's schema.
       Types: title (exactly one), rich_text, url, email, phone_number,
       number, checkbox, date, select and multi_select (with optional
       {"options":[{"name"}]}).  Answers the data source object.
"""

import argparse
import base64
import bisect
import datetime
import json
import math
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Linux's SO_TIMESTAMPNS (and its SCM_ message), which Python does not name
SO_TIMESTAMPNS = 35

VERSIONS = ("2022-06-28", "2025-09-03", "2026-03-11")
BODY_MAX = 500000
BOT_ID = "99999999-9999-4999-8999-999999999999"
PERSON_ID = "77777777-7777-4777-8777-777777777777"	# a member's pages
COLORS = ("default", "gray", "brown", "orange", "yellow", "green", "blue",
          "purple", "pink", "red")
TEXT_COLORS = set(COLORS) | {c + "_background" for c in COLORS
                             if c != "default"}
ANNOTATION_KEYS = ("bold", "italic", "strikethrough", "underline", "code")
CODE_LANGUAGES = set("""abap abc agda arduino assembly bash basic bnf c c#
c++ clojure coffeescript coq css dart dhall diff docker ebnf elixir elm erlang
f# flow fortran gherkin glsl go graphql groovy haskell hcl html idris java
javascript json julia kotlin latex less lisp livescript lua makefile markdown
markup matlab mathematica mermaid nix objective-c ocaml pascal perl php
powershell prolog protobuf purescript python r racket reason ruby rust sass
scala scheme scss shell smalltalk solidity sql swift toml typescript vb.net
verilog vhdl webassembly xml yaml java/c/c++/c#""".split()) | {
    "ascii art", "llvm ir", "notion formula", "plain text", "visual basic"}
TEXT_BLOCKS = ("paragraph", "heading_1", "heading_2", "heading_3",
               "bulleted_list_item", "numbered_list_item", "quote", "to_do",
               "toggle", "callout", "code")
MEDIA_BLOCKS = ("image", "video", "audio", "file", "pdf")
BLOCK_TYPES = TEXT_BLOCKS + ("divider", "bookmark", "embed", "equation",
                             "table", "table_row") + MEDIA_BLOCKS
NESTING = {"paragraph", "bulleted_list_item", "numbered_list_item", "quote",
           "to_do", "toggle", "callout"}
PROP_TYPES = ("title", "rich_text", "url", "email", "phone_number",
              "number", "checkbox", "date", "select", "multi_select",
              "status")
# the options a status property has when made without any
STATUS_OPTIONS = ("Not started", "In progress", "Done")
STATUS_CODES = {
    400: ("validation_error", "The request is invalid (injected)."),
    401: ("unauthorized", "API token is invalid."),
    403: ("restricted_resource",
          "Insufficient permissions for this endpoint."),
    404: ("object_not_found", "Could not find the object (injected). Make "
          "sure the relevant pages and databases are shared with your "
          "integration."),
    409: ("conflict_error", "Conflict occurred while saving. Please try "
          "again."),
    413: (None, None),
    429: ("rate_limited", "You have been rate limited. Please try again "
          "in a few minutes."),
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad gateway."),
    503: ("service_unavailable", "Notion is unavailable, please try again "
          "later. This can occur when the time to respond to a request "
          "takes longer than 60 seconds, the maximum request timeout."),
    504: ("gateway_timeout", "Notion timed out while attempting to "
          "complete this request. Please try again later."),
    529: ("service_overload", "Notion is temporarily overloaded. Please "
          "try again later."),
}
FAULTS = ("502-html-after", "502-poison", "timeout-after", "late",
          "reset", "reset-after", "status", "status-after", "status-late",
          "200-html-after")
HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
            b"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
            b"</body>\r\n</html>\r\n")
HTML_413 = (b"<html>\r\n<head><title>413 Request Entity Too Large</title>"
            b"</head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large"
            b"</h1></center>\r\n</body>\r\n</html>\r\n")
UNSHARED_DB = "14444444-4444-4444-8444-444444444444"
ARCHIVED_MSG = ("Can't edit block that is archived. You must unarchive the "
                "block before editing.")
HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                     r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
                     r"(Z|[+-]\d{2}:\d{2})?)?$")


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def invalid(message):
    return ApiError(400, "validation_error", message)


def web_url(u):
    """Is u a URL as Notion reads one: http(s), a host, no white space?"""
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f for c in u):
        return False
    try:
        sp = urlsplit(u)
        host = sp.hostname
        sp.port    # a port that is no number raises
    except ValueError:
        return False
    if sp.scheme not in ("http", "https") or not host:
        return False
    # a name or an IPv4 address; an IPv6 one (urlsplit drops its [])
    return re.fullmatch(r"[^\x00-\x2c/:;<=>?@\[\\\]^`{|}~]+", host) \
        is not None or ":" in host


def url_refused(what):
    return invalid("Content creation Failed. Fix the following: \n"
                   "Invalid URL for %s." % what)


def not_found(kind, oid):
    return ApiError(404, "object_not_found",
                    "Could not find %s with ID: %s. Make sure the relevant "
                    "pages and databases are shared with your integration."
                    % (kind, oid))


def show(v):
    """A value as Notion's messages quote it."""
    if v is None:
        return "undefined"
    s = json.dumps(v, ensure_ascii=False)
    if len(s) > 60:
        s = s[:57] + "..."
    return s


def no_constant(name):
    raise ValueError("%s is not JSON" % name)


def utf16_len(s):
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


# what the length of a rich text's content counts (--length-unit)
CONTENT_LEN = utf16_len
# at most this many results to a page of a query (--query-page)
QUERY_CAP = 100
QUERY_LAG = 0.0
# next_cursor opaque (--opaque-cursors), else the next item's id
OPAQUE_CURSORS = False
CURSOR_TAG = "c+/"


def cursor_out(oid):
    """The next_cursor that stands for the item of id oid."""
    if not OPAQUE_CURSORS:
        return oid
    return CURSOR_TAG + base64.b64encode(
        oid.replace("-", "").encode()).decode()


def cursor_in(cur):
    """The item id a start_cursor stands for, or None."""
    if not isinstance(cur, str):
        return None
    if not OPAQUE_CURSORS:
        return norm_id(cur)
    if not cur.startswith(CURSOR_TAG):
        return None
    try:
        return norm_id(base64.b64decode(cur[len(CURSOR_TAG):],
                                        validate=True).decode())
    except (ValueError, UnicodeDecodeError):
        return None


def utf8_len(s):
    return len(s.encode("utf-8", "surrogatepass"))


def norm_id(s):
    """The dashed lower-case form of a 32-hex-digit id, or None."""
    if not isinstance(s, str):
        return None
    h = s.replace("-", "")
    if not HEX32.match(h):
        return None
    h = h.lower()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def norm_path(p):
    """p with every whole-id segment in the dashed lower-case form."""
    return "/".join(norm_id(seg) or seg for seg in p.split("/"))


def now_iso():
    # Notion's created_time and last_edited_time hold the minute only
    return time.strftime("%Y-%m-%dT%H:%M:00.000Z", time.gmtime())


def utc_instant(v):
    """An ISO 8601 date or date-time (checked) as seconds since 1970 UTC;
    a date alone is its midnight in UTC."""
    m = DATE_RE.match(v)
    d = datetime.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                          int(m.group(4) or 0), int(m.group(5) or 0),
                          int(m.group(6) or 0),
                          tzinfo=datetime.timezone.utc)
    tz = m.group(7)
    if tz and tz != "Z":
        off = int(tz[1:3]) * 3600 + int(tz[4:]) * 60
        d -= datetime.timedelta(seconds=off if tz[0] == "+" else -off)
    return d.timestamp()


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def find_surrogate(v, path):
    if isinstance(v, str):
        for c in v:
            if 0xD800 <= ord(c) <= 0xDFFF:
                return path
        return None
    if isinstance(v, dict):
        for k, x in v.items():
            p = find_surrogate(k, path) or find_surrogate(x, path + "." + k)
            if p:
                return p
    elif isinstance(v, list):
        for i, x in enumerate(v):
            p = find_surrogate(x, "%s[%d]" % (path, i))
            if p:
                return p
    return None


def find_archived(v, path, skip_props=False):
    """Path of the first "archived" key (not a property name), or None."""
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "archived" and not skip_props:
                return path + ".archived"
            p = find_archived(x, path + "." + k, k == "properties")
            if p:
                return p
    elif isinstance(v, list):
        for i, x in enumerate(v):
            p = find_archived(x, "%s[%d]" % (path, i))
            if p:
                return p
    return None


def check_date(v, path):
    if not isinstance(v, str):
        raise invalid("%s should be a string, instead was `%s`."
                      % (path, show(v)))
    m = DATE_RE.match(v)
    ok = m is not None
    if ok:
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if m.group(4) is not None:
                if int(m.group(4)) > 23 or int(m.group(5)) > 59 or \
                        int(m.group(6) or 0) > 59:
                    ok = False
            tz = m.group(7)
            if tz and tz != "Z" and (int(tz[1:3]) > 23 or int(tz[4:]) > 59):
                ok = False
        except ValueError:
            ok = False
    if not ok:
        raise invalid("%s should be a valid ISO 8601 date string, instead "
                      "was `%s`." % (path, show(v)))


def check_keys(obj, allowed, path):
    for k in obj:
        if k not in allowed:
            raise invalid("%s.%s should be not present, instead was `%s`."
                          % (path, k, show(obj[k])))


def rich_text(arr, path):
    """Validate an array of rich text objects; return the normal form."""
    if not isinstance(arr, list):
        raise invalid("%s should be an array, instead was `%s`."
                      % (path, show(arr)))
    if len(arr) > 100:
        raise invalid("%s.length should be ≤ `100`, instead was `%d`."
                      % (path, len(arr)))
    out = []
    for i, rt in enumerate(arr):
        p = "%s[%d]" % (path, i)
        if not isinstance(rt, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (p, show(rt)))
        check_keys(rt, ("type", "text", "equation", "annotations",
                        "plain_text", "href"), p)
        t = rt.get("type")
        if t is None:
            t = "equation" if "equation" in rt and "text" not in rt \
                else "text"
        if t not in ("text", "equation"):
            raise invalid("%s.type should be `\"text\"` or `\"equation\"`, "
                          "instead was `%s`." % (p, show(t)))
        other = "equation" if t == "text" else "text"
        if other in rt:
            raise invalid("%s.%s should be not present, instead was `%s`."
                          % (p, other, show(rt[other])))
        ann = {k: False for k in ANNOTATION_KEYS}
        ann["color"] = "default"
        a = rt.get("annotations")
        if a is not None:
            if not isinstance(a, dict):
                raise invalid("%s.annotations should be an object, instead "
                              "was `%s`." % (p, show(a)))
            check_keys(a, ANNOTATION_KEYS + ("color",), p + ".annotations")
            for k in ANNOTATION_KEYS:
                if k in a:
                    if not isinstance(a[k], bool):
                        raise invalid("%s.annotations.%s should be a "
                                      "boolean, instead was `%s`."
                                      % (p, k, show(a[k])))
                    ann[k] = a[k]
            if "color" in a:
                if a["color"] not in TEXT_COLORS:
                    raise invalid("%s.annotations.color should be a valid "
                                  "color, instead was `%s`."
                                  % (p, show(a["color"])))
                ann["color"] = a["color"]
        if t == "equation":
            eq = rt.get("equation")
            if not isinstance(eq, dict) or \
                    not isinstance(eq.get("expression"), str):
                raise invalid("%s.equation.expression should be a string, "
                              "instead was `%s`." % (p, show(
                                  eq.get("expression") if isinstance(
                                      eq, dict) else eq)))
            check_keys(eq, ("expression",), p + ".equation")
            n = utf16_len(eq["expression"])
            if n > 1000:
                raise invalid("%s.equation.expression.length should be ≤ "
                              "`1000`, instead was `%d`." % (p, n))
            out.append({"type": "equation",
                        "equation": {"expression": eq["expression"]},
                        "annotations": ann,
                        "plain_text": eq["expression"], "href": None})
            continue
        tx = rt.get("text")
        if not isinstance(tx, dict):
            raise invalid("%s.text should be an object, instead was `%s`."
                          % (p, show(tx)))
        check_keys(tx, ("content", "link"), p + ".text")
        c = tx.get("content")
        if not isinstance(c, str):
            raise invalid("%s.text.content should be a string, instead was "
                          "`%s`." % (p, show(c)))
        n = CONTENT_LEN(c)
        if n > 2000:
            raise invalid("%s.text.content.length should be ≤ `2000`, "
                          "instead was `%d`." % (p, n))
        link = tx.get("link")
        if link is not None:
            if not isinstance(link, dict):
                raise invalid("%s.text.link should be an object or `null`, "
                              "instead was `%s`." % (p, show(link)))
            check_keys(link, ("url", "type"), p + ".text.link")
            u = link.get("url")
            if not isinstance(u, str) or not u:
                raise invalid("%s.text.link.url should be a non-empty "
                              "string, instead was `%s`." % (p, show(u)))
            n = utf16_len(u)
            if n > 2000:
                raise invalid("%s.text.link.url.length should be ≤ `2000`, "
                              "instead was `%d`." % (p, n))
            if not web_url(u) and not re.fullmatch(r"mailto:[^\s@]+@[^\s@]+",
                                                   u):
                raise url_refused("link")
            link = {"url": u}
        out.append({"type": "text", "text": {"content": c, "link": link},
                    "annotations": ann, "plain_text": c,
                    "href": link["url"] if link else None})
    return out


def plain(rts):
    return "".join(r.get("plain_text", "") for r in rts or [])


# -- the store ------------------------------------------------------------

def prop_def(name, ptype, pid, options=None):
    d = {"id": pid, "name": name, "type": ptype}
    if ptype == "status" and not options:
        options = STATUS_OPTIONS
    if ptype in ("select", "multi_select", "status"):
        d[ptype] = {"options": []}
        if ptype == "status":
            d[ptype]["groups"] = []
        for i, o in enumerate(options or []):
            d[ptype]["options"].append({
                "id": "opt-%s-%d" % (pid, i + 1), "name": o,
                "color": COLORS[(i + 1) % len(COLORS)], "description": None})
    else:
        d[ptype] = {}
    return d


def articles_schema():
    return {
        "Name": prop_def("Name", "title", "title"),
        "URL": prop_def("URL", "url", "prop-url"),
        "Tags": prop_def("Tags", "multi_select", "prop-tags"),
        "Published": prop_def("Published", "date", "prop-published"),
        "Summary": prop_def("Summary", "rich_text", "prop-summary"),
        "Status": prop_def("Status", "select", "prop-status",
                           ["Imported", "Draft"]),
    }


def reading_schema():
    return {
        "Headline": prop_def("Headline", "title", "title"),
        "Source": prop_def("Source", "url", "prop-source"),
        "Keywords": prop_def("Keywords", "multi_select", "prop-keywords"),
        "Date": prop_def("Date", "date", "prop-date"),
        "Words": prop_def("Words", "number", "prop-words"),
    }


def builtin():
    dbs = {
        "11111111-1111-4111-8111-111111111111": {
            "title": "Articles",
            "sources": ["21111111-1111-4111-8111-111111111111"]},
        "12222222-2222-4222-8222-222222222222": {
            "title": "Reading list",
            "sources": ["22222222-2222-4222-8222-222222222222"]},
        "13333333-3333-4333-8333-333333333333": {
            "title": "Two sources",
            "sources": ["23333333-3333-4333-8333-333333333331",
                        "23333333-3333-4333-8333-333333333332"]},
    }
    dss = {
        "21111111-1111-4111-8111-111111111111": {
            "name": "Articles", "db": "11111111-1111-4111-8111-111111111111",
            "props": articles_schema()},
        "22222222-2222-4222-8222-222222222222": {
            "name": "Reading list",
            "db": "12222222-2222-4222-8222-222222222222",
            "props": reading_schema()},
        "23333333-3333-4333-8333-333333333331": {
            "name": "Main", "db": "13333333-3333-4333-8333-333333333333",
            "props": articles_schema()},
        "23333333-3333-4333-8333-333333333332": {
            "name": "Archive", "db": "13333333-3333-4333-8333-333333333333",
            "props": articles_schema()},
    }
    return dbs, dss


def number_value(v, path):
    if v is not None and (not is_num(v) or not math.isfinite(v)):
        raise invalid("%s should be a number or `null`, instead was `%s`."
                      % (path, show(v)))
    return v


class Store:
    """All state; every method is called with the lock held."""

    def __init__(self, rps, burst, new_options=True):
        self.lock = threading.Lock()
        self.rps = rps
        self.burst = burst
        self.faults = []
        self.buckets = {}
        # may the integration add select options (edit the schema)?
        self.new_options = new_options
        self.reset()

    def reset(self):
        self.dbs, self.dss = builtin()
        self.pages = {}          # id -> page record, creation order
        self.blocks = {}         # id -> block record
        self.faults = []
        self.buckets = {}
        self.accepted = []
        self.stats = {"requests": 0, "by_route": {}, "ok_by_route": {},
                      "rate_limited": 0, "faults_fired": 0,
                      "poisoned": 0, "errors": {},
                      "max_in_flight": 0, "window_max": 0}
        self.in_flight = 0
        self.opt_seq = 0
        self.log = deque(maxlen=10000)
        self.born = time.monotonic()

    # -- rate limit

    def take(self, token, now):
        """Take a token for a request that came in at `now` (monotonic);
        None if accepted, else seconds to wait.  Requests that came in
        close together can reach here out of order: one that came in
        before the last one taken refills nothing."""
        tokens, last = self.buckets.get(token, (float(self.burst), now))
        if now > last:
            tokens = min(float(self.burst),
                         tokens + (now - last) * self.rps)
            last = now
        if tokens >= 1.0:
            self.buckets[token] = (tokens - 1.0, last)
            # the 1-second windows this arrival falls in end at it or
            # at a later arrival (acc: sorted, the last 2 seconds)
            acc = self.accepted
            bisect.insort(acc, now)
            del acc[:bisect.bisect_right(acc, acc[-1] - 2.0)]
            for t in acc[bisect.bisect_left(acc, now):]:
                n = (bisect.bisect_right(acc, t) -
                     bisect.bisect_right(acc, t - 1.0))
                self.stats["window_max"] = max(self.stats["window_max"], n)
            return None
        self.buckets[token] = (tokens, last)
        return (1.0 - tokens) / self.rps if self.rps > 0 else 60.0

    # -- lookups

    def source(self, dsid):
        ds = self.dss.get(dsid)
        if ds is None:
            raise not_found("data source", dsid)
        return ds

    def database(self, dbid):
        db = self.dbs.get(dbid)
        if db is None:
            raise not_found("database", dbid)
        return db

    def container(self, bid):
        """(record, is_page) for a page or block id."""
        if bid in self.pages:
            return self.pages[bid], True
        if bid in self.blocks:
            return self.blocks[bid], False
        raise not_found("block", bid)

    # -- objects out

    def database_obj(self, dbid, ver):
        db = self.dbs[dbid]
        o = {"object": "database", "id": dbid,
             "title": rich_text([{"text": {"content": db["title"]}}], "t"),
             "description": [], "icon": None, "cover": None,
             "parent": {"type": "workspace", "workspace": True},
             "is_inline": False, "in_trash": False,
             "created_time": "2025-01-01T00:00:00.000Z",
             "last_edited_time": "2025-01-01T00:00:00.000Z",
             "created_by": {"object": "user", "id": BOT_ID},
             "last_edited_by": {"object": "user", "id": BOT_ID},
             "url": "https://www.notion.so/" + dbid.replace("-", ""),
             "public_url": None}
        if ver != "2026-03-11":
            o["archived"] = False
        if ver == "2022-06-28":
            if len(db["sources"]) != 1:
                raise invalid("Databases with multiple data sources are not "
                              "supported in this API version. Use "
                              "Notion-Version 2025-09-03 or later.")
            o["properties"] = json.loads(json.dumps(
                self.dss[db["sources"][0]]["props"]))
        else:
            o["data_sources"] = [{"id": s, "name": self.dss[s]["name"]}
                                 for s in db["sources"]]
        return o

    def source_obj(self, dsid, ver):
        ds = self.dss[dsid]
        o = {"object": "data_source", "id": dsid,
             "title": rich_text([{"text": {"content": ds["name"]}}], "t"),
             "description": [], "icon": None,
             "parent": {"type": "database_id", "database_id": ds["db"]},
             "database_parent": {"type": "workspace", "workspace": True},
             "is_inline": False, "in_trash": False,
             "created_time": "2025-01-01T00:00:00.000Z",
             "last_edited_time": "2025-01-01T00:00:00.000Z",
             "created_by": {"object": "user", "id": BOT_ID},
             "last_edited_by": {"object": "user", "id": BOT_ID},
             "properties": json.loads(json.dumps(ds["props"])),
             "url": "https://www.notion.so/" + dsid.replace("-", ""),
             "public_url": None}
        if ver != "2026-03-11":
            o["archived"] = False
        return o

    def page_props(self, pg):
        ds = self.dss.get(pg["ds"])
        out = {}
        for name, d in (ds["props"] if ds else {}).items():
            t = d["type"]
            v = pg["props"].get(name)
            if v is None or v[0] != t:
                v = (t, empty_value(t))
            out[name] = {"id": d["id"], "type": t,
                         t: json.loads(json.dumps(v[1]))}
        return out

    def page_obj(self, pid, ver):
        pg = self.pages[pid]
        ds = self.dss.get(pg["ds"])
        db = ds["db"] if ds else None
        if ver == "2022-06-28":
            parent = {"type": "database_id", "database_id": db}
        else:
            parent = {"type": "data_source_id", "data_source_id": pg["ds"],
                      "database_id": db}
        o = {"object": "page", "id": pid,
             "created_time": pg["created"], "last_edited_time": pg["edited"],
             "created_by": {"object": "user",
                            "id": pg.get("by", BOT_ID)},
             "last_edited_by": {"object": "user", "id": BOT_ID},
             "cover": pg["cover"], "icon": pg["icon"], "parent": parent,
             "in_trash": pg["trash"], "is_locked": False,
             "properties": self.page_props(pg),
             "url": "https://www.notion.so/" + pid.replace("-", ""),
             "public_url": None}
        if ver != "2026-03-11":
            o["archived"] = pg["trash"]
        return o

    def block_obj(self, bid, ver, deep=False):
        b = self.blocks[bid]
        live = [c for c in b["children"] if not self.blocks[c]["trash"]]
        if b["parent_is_page"]:
            parent = {"type": "page_id", "page_id": b["parent"]}
        else:
            parent = {"type": "block_id", "block_id": b["parent"]}
        o = {"object": "block", "id": bid, "parent": parent,
             "created_time": b["created"], "last_edited_time": b["edited"],
             "created_by": {"object": "user", "id": BOT_ID},
             "last_edited_by": {"object": "user", "id": BOT_ID},
             "has_children": bool(live), "in_trash": b["trash"],
             "type": b["type"],
             b["type"]: json.loads(json.dumps(b["content"]))}
        if ver != "2026-03-11":
            o["archived"] = b["trash"]
        if deep:
            o["children"] = [self.block_obj(c, ver, True) for c in live]
        return o

    def page_as_block(self, pid, ver):
        pg = self.pages[pid]
        o = {"object": "block", "id": pid,
             "parent": {"type": "data_source_id",
                        "data_source_id": pg["ds"]},
             "created_time": pg["created"], "last_edited_time": pg["edited"],
             "created_by": {"object": "user", "id": BOT_ID},
             "last_edited_by": {"object": "user", "id": BOT_ID},
             "has_children": any(not self.blocks[c]["trash"]
                                 for c in pg["children"]),
             "in_trash": pg["trash"], "type": "child_page",
             "child_page": {"title": self.title_of(pg)}}
        if ver != "2026-03-11":
            o["archived"] = pg["trash"]
        return o

    def title_of(self, pg):
        for name, v in pg["props"].items():
            if v[0] == "title":
                return plain(v[1])
        return ""

    # -- properties in

    def resolve_prop(self, ds, key):
        if key in ds["props"]:
            return key, ds["props"][key]
        for name, d in ds["props"].items():
            if d["id"] == key:
                return name, d
        raise invalid("%s is not a property that exists." % key)

    def new_option(self, d, name, color, path):
        t = d["type"]
        if not isinstance(name, str) or not name.strip():
            raise invalid("%s.name should be a non-empty string, instead "
                          "was `%s`." % (path, show(name)))
        if t == "multi_select" and "," in name:
            raise invalid("%s.name should not contain commas, instead was "
                          "`%s`." % (path, show(name)))
        if utf16_len(name) > 100:
            raise invalid("%s.name.length should be ≤ `100`, instead was "
                          "`%d`." % (path, utf16_len(name)))
        opts = d[t]["options"]
        for o in opts:
            if o["name"] == name:
                return {"id": o["id"], "name": o["name"], "color": o["color"]}
        if color is not None and color not in COLORS:
            raise invalid("%s.color should be a valid color, instead was "
                          "`%s`." % (path, show(color)))
        self.opt_seq += 1
        o = {"id": "opt-new-%d" % self.opt_seq, "name": name,
             "color": color or COLORS[len(opts) % len(COLORS)],
             "description": None}
        opts.append(o)
        return {"id": o["id"], "name": o["name"], "color": o["color"]}

    def option(self, d, v, path):
        if not isinstance(v, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (path, show(v)))
        check_keys(v, ("id", "name", "color"), path)
        t = d["type"]
        if "id" in v and v["id"] is not None:
            for o in d[t]["options"]:
                if o["id"] == v["id"]:
                    return {"id": o["id"], "name": o["name"],
                            "color": o["color"]}
            raise invalid("%s.id: option `%s` does not exist."
                          % (path, show(v["id"])))
        return self.new_option(d, v.get("name"), v.get("color"), path)

    def prop_value(self, name, d, val, path):
        """Validate one property value; return (type, stored value).

        Options are added to the schema here, so call it only once the
        rest of the request is known to be valid (see set_props)."""
        t = d["type"]
        if not isinstance(val, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (path, show(val)))
        if "type" in val and val["type"] != t:
            raise invalid("%s.type should be `\"%s\"`, instead was `%s`."
                          % (path, t, show(val["type"])))
        for k in val:
            if k not in ("type", "id", t):
                raise invalid("%s.%s should be not present, instead was "
                              "`%s`. (%s is a %s property.)"
                              % (path, k, show(val[k]), name, t))
        if t not in val:
            raise invalid("%s.%s should be defined, instead was `undefined`."
                          % (path, t))
        v = val[t]
        p = path + "." + t
        if t in ("title", "rich_text"):
            return t, rich_text(v, p)
        if t in ("url", "email", "phone_number"):
            lim = 2000 if t == "url" else 200
            if v is not None and not isinstance(v, str):
                raise invalid("%s should be a string or `null`, instead was "
                              "`%s`." % (p, show(v)))
            if v == "":
                # Notion takes null, never "", for an empty value
                # (makenotion/notion-sdk-js#160)
                raise invalid("%s should be populated or `null`, instead "
                              "was `\"\"`." % p)
            if v is not None and utf16_len(v) > lim:
                raise invalid("%s.length should be ≤ `%d`, instead was `%d`."
                              % (p, lim, utf16_len(v)))
            return t, v
        if t == "number":
            return t, number_value(v, p)
        if t == "checkbox":
            if not isinstance(v, bool):
                raise invalid("%s should be a boolean, instead was `%s`."
                              % (p, show(v)))
            return t, v
        if t == "date":
            if v is None:
                return t, None
            if not isinstance(v, dict):
                raise invalid("%s should be an object or `null`, instead was "
                              "`%s`." % (p, show(v)))
            check_keys(v, ("start", "end", "time_zone"), p)
            if "start" not in v:
                raise invalid("%s.start should be defined, instead was "
                              "`undefined`." % p)
            check_date(v["start"], p + ".start")
            if v.get("end") is not None:
                check_date(v["end"], p + ".end")
            tz = v.get("time_zone")
            if tz is not None and (not isinstance(tz, str) or not tz):
                raise invalid("%s.time_zone should be a string or `null`, "
                              "instead was `%s`." % (p, show(tz)))
            return t, {"start": v["start"], "end": v.get("end"),
                       "time_zone": tz}
        if t in ("select", "status"):
            if v is None:
                return t, None
            return t, ("option", v)
        if t == "multi_select":
            if not isinstance(v, list):
                raise invalid("%s should be an array, instead was `%s`."
                              % (p, show(v)))
            if len(v) > 100:
                raise invalid("%s.length should be ≤ `100`, instead was "
                              "`%d`." % (p, len(v)))
            return t, ("options", v)
        raise invalid("%s: unsupported property type %s" % (p, t))

    def set_props(self, ds, props, path, into):
        """Validate props (a dict) against data source ds; store them into
        the dict `into` (name -> (type, value)) only if all are valid."""
        if not isinstance(props, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (path, show(props)))
        staged = []
        seen = {}
        for key, val in props.items():
            name, d = self.resolve_prop(ds, key)
            if name in seen:
                raise invalid("%s: property %s is given twice, as `%s` and "
                              "as `%s`." % (path, name, seen[name], key))
            seen[name] = key
            t, v = self.prop_value(name, d, val, "%s.%s" % (path, key))
            staged.append((name, d, t, v))
        # dry run of the option checks (they add options to the schema)
        for name, d, t, v in staged:
            if isinstance(v, tuple):
                items = [v[1]] if v[0] == "option" else v[1]
                for i, it in enumerate(items):
                    p = "%s.%s.%s" % (path, name, t)
                    if v[0] == "options":
                        p += "[%d]" % i
                    self.check_option(d, it, p)
        for name, d, t, v in staged:
            if isinstance(v, tuple):
                if v[0] == "option":
                    v = self.option(d, v[1], "%s.%s.%s" % (path, name, t))
                else:
                    v = [self.option(d, it, "%s.%s.%s[%d]" % (path, name, t,
                                                            i))
                         for i, it in enumerate(v[1])]
            into[name] = (t, v)

    def check_option(self, d, v, path):
        if not isinstance(v, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (path, show(v)))
        check_keys(v, ("id", "name", "color"), path)
        if "id" in v and v["id"] is not None:
            if not any(o["id"] == v["id"] for o in d[d["type"]]["options"]):
                raise invalid("%s.id: option `%s` does not exist."
                              % (path, show(v["id"])))
            return
        name = v.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("%s.name should be a non-empty string, instead "
                          "was `%s`." % (path, show(name)))
        if d["type"] in ("select", "multi_select") and "," in name:
            raise invalid("%s.name should not contain commas, instead was "
                          "`%s`." % (path, show(name)))
        if utf16_len(name) > 100:
            raise invalid("%s.name.length should be ≤ `100`, instead was "
                          "`%d`." % (path, utf16_len(name)))
        c = v.get("color")
        if c is not None and c not in COLORS:
            raise invalid("%s.color should be a valid color, instead was "
                          "`%s`." % (path, show(c)))
        t = d["type"]
        if any(o["name"] == name for o in d[t]["options"]):
            return
        if t == "status":
            raise invalid("%s.name should be the name of an existing "
                          "status option (%s), instead was `%s`."
                          % (path, ", ".join(o["name"] for o in
                                             d[t]["options"]), show(name)))
        if not self.new_options:
            raise invalid("%s.name should be the name of an existing "
                          "option, as this integration may not edit the "
                          "database's schema, instead was `%s`."
                          % (path, show(name)))

    # -- blocks in

    def check_blocks(self, arr, path, depth, count, table=None):
        """Validate a children array; return normal forms
        [(type, content, children)].  count is a one-element list;
        table: the width of the table whose rows arr holds, else None."""
        if not isinstance(arr, list):
            raise invalid("%s should be an array, instead was `%s`."
                          % (path, show(arr)))
        if len(arr) > 100:
            raise invalid("%s.length should be ≤ `100`, instead was `%d`."
                          % (path, len(arr)))
        out = []
        for i, b in enumerate(arr):
            p = "%s[%d]" % (path, i)
            count[0] += 1
            if count[0] > 1000:
                raise invalid("body has more than 1000 block elements: "
                              "%s is the 1001st." % p)
            out.append(self.check_block(b, p, depth, count, table))
        return out

    def check_block(self, b, p, depth, count, table=None):
        if not isinstance(b, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (p, show(b)))
        members = [k for k in b if k not in ("object", "type")]
        if "object" in b and b["object"] != "block":
            raise invalid("%s.object should be `\"block\"`, instead was "
                          "`%s`." % (p, show(b["object"])))
        t = b.get("type")
        if t is not None:
            if not isinstance(t, str) or t not in BLOCK_TYPES:
                raise invalid("%s.type should be one of %s, instead was "
                              "`%s`." % (p, ", ".join("`\"%s\"`" % x for x
                                                      in BLOCK_TYPES),
                                         show(t)))
            if t not in b:
                raise invalid("%s.%s should be defined, instead was "
                              "`undefined`." % (p, t))
            for k in members:
                if k != t:
                    raise invalid("%s.%s should be not present, instead was "
                                  "`%s`." % (p, k, show(b[k])))
        else:
            if len(members) != 1 or members[0] not in BLOCK_TYPES:
                bad = [k for k in members if k not in BLOCK_TYPES]
                if bad:
                    raise invalid("%s.%s should be not present, instead was "
                                  "`%s`." % (p, bad[0], show(b[bad[0]])))
                raise invalid("%s should have exactly one block type "
                              "member, instead had %d." % (p, len(members)))
            t = members[0]
        if table is not None and t != "table_row":
            raise invalid("%s.type should be `\"table_row\"`: the children "
                          "of a table are its rows, instead was `%s`."
                          % (p, show(t)))
        if table is None and t == "table_row":
            raise invalid("%s: a table_row can only be a child of a table."
                          % p)
        c = b[t]
        cp = p + "." + t
        if not isinstance(c, dict):
            raise invalid("%s should be an object, instead was `%s`."
                          % (cp, show(c)))
        out = {}
        kids = None
        if t in TEXT_BLOCKS:
            allowed = ["rich_text", "color", "children"]
            if t == "to_do":
                allowed.append("checked")
            if t.startswith("heading_"):
                allowed.append("is_toggleable")
            if t == "callout":
                allowed.append("icon")
            if t == "code":
                allowed = ["rich_text", "language", "caption"]
            check_keys(c, allowed, cp)
            if "rich_text" not in c:
                raise invalid("%s.rich_text should be defined, instead was "
                              "`undefined`." % cp)
            out["rich_text"] = rich_text(c["rich_text"], cp + ".rich_text")
            if t == "code":
                lang = c.get("language")
                if lang not in CODE_LANGUAGES:
                    raise invalid("%s.language should be a supported "
                                  "language (e.g. `\"plain text\"`), instead "
                                  "was `%s`." % (cp, show(lang)))
                out["caption"] = rich_text(c.get("caption", []),
                                           cp + ".caption")
                out["language"] = lang
            else:
                col = c.get("color", "default")
                if col not in TEXT_COLORS:
                    raise invalid("%s.color should be a valid color, "
                                  "instead was `%s`." % (cp, show(col)))
                if t == "to_do":
                    chk = c.get("checked", False)
                    if not isinstance(chk, bool):
                        raise invalid("%s.checked should be a boolean, "
                                      "instead was `%s`." % (cp, show(chk)))
                    out["checked"] = chk
                if t.startswith("heading_"):
                    tg = c.get("is_toggleable", False)
                    if not isinstance(tg, bool):
                        raise invalid("%s.is_toggleable should be a boolean, "
                                      "instead was `%s`." % (cp, show(tg)))
                    out["is_toggleable"] = tg
                if t == "callout":
                    icon = c.get("icon")
                    check_icon(icon, cp + ".icon")
                    out["icon"] = icon or {"type": "emoji", "emoji": "💡"}
                out["color"] = col
            if "children" in c:
                nests = t in NESTING or (t.startswith("heading_") and
                                         out.get("is_toggleable"))
                if not nests:
                    raise invalid("%s.children should be not present: a %s "
                                  "block cannot have children." % (cp, t))
                if depth >= 2:
                    raise invalid("%s.children should be not present, "
                                  "instead was `%s`. (At most two levels of "
                                  "nested children per request.)"
                                  % (cp, show(c["children"])))
                kids = self.check_blocks(c["children"], cp + ".children",
                                         depth + 1, count)
        elif t == "divider":
            check_keys(c, (), cp)
        elif t == "equation":
            check_keys(c, ("expression",), cp)
            ex = c.get("expression")
            if not isinstance(ex, str):
                raise invalid("%s.expression should be a string, instead "
                              "was `%s`." % (cp, show(ex)))
            if utf16_len(ex) > 1000:
                raise invalid("%s.expression.length should be ≤ `1000`, "
                              "instead was `%d`." % (cp, utf16_len(ex)))
            out["expression"] = ex
        elif t == "table":
            check_keys(c, ("table_width", "has_column_header",
                           "has_row_header", "children"), cp)
            w = c.get("table_width")
            if not is_int(w) or w < 1:
                raise invalid("%s.table_width should be a positive integer, "
                              "instead was `%s`." % (cp, show(w)))
            out["table_width"] = w
            for k in ("has_column_header", "has_row_header"):
                v = c.get(k, False)
                if not isinstance(v, bool):
                    raise invalid("%s.%s should be a boolean, instead was "
                                  "`%s`." % (cp, k, show(v)))
                out[k] = v
            if "children" not in c:
                raise invalid("%s.children should be defined, instead was "
                              "`undefined`. (A table's rows are made with "
                              "it.)" % cp)
            if depth >= 2:
                raise invalid("%s.children should be not present, instead "
                              "was `%s`. (At most two levels of nested "
                              "children per request.)"
                              % (cp, show(c["children"])))
            if isinstance(c["children"], list) and not c["children"]:
                raise invalid("%s.children should have at least one "
                              "table_row, instead was `[]`." % cp)
            kids = self.check_blocks(c["children"], cp + ".children",
                                     depth + 1, count, w)
        elif t == "table_row":
            check_keys(c, ("cells",), cp)
            cells = c.get("cells")
            if not isinstance(cells, list):
                raise invalid("%s.cells should be an array, instead was "
                              "`%s`." % (cp, show(cells)))
            if len(cells) != table:
                raise invalid("%s.cells.length should be the table's "
                              "table_width `%d`, instead was `%d`."
                              % (cp, table, len(cells)))
            out["cells"] = [rich_text(x, "%s.cells[%d]" % (cp, i))
                            for i, x in enumerate(cells)]
        elif t in MEDIA_BLOCKS:
            check_keys(c, ("type", "external", "caption") +
                       (("name",) if t == "file" else ()), cp)
            if c.get("type", "external") != "external":
                raise invalid("%s.type should be `\"external\"` (this fake "
                              "has no file uploads), instead was `%s`."
                              % (cp, show(c.get("type"))))
            ex = c.get("external")
            if not isinstance(ex, dict):
                raise invalid("%s.external should be an object, instead was "
                              "`%s`." % (cp, show(ex)))
            check_keys(ex, ("url",), cp + ".external")
            u = ex.get("url")
            if not isinstance(u, str) or not u:
                raise invalid("%s.external.url should be a non-empty "
                              "string, instead was `%s`." % (cp, show(u)))
            if utf16_len(u) > 2000:
                raise invalid("%s.external.url.length should be ≤ `2000`, "
                              "instead was `%d`." % (cp, utf16_len(u)))
            if not web_url(u):
                raise url_refused(t)
            if t == "file":
                nm = c.get("name", "")
                if not isinstance(nm, str):
                    raise invalid("%s.name should be a string, instead was "
                                  "`%s`." % (cp, show(nm)))
                out["name"] = nm
            out["type"] = "external"
            out["external"] = {"url": u}
            out["caption"] = rich_text(c.get("caption", []), cp + ".caption")
        else:  # bookmark, embed
            check_keys(c, ("url", "caption"), cp)
            u = c.get("url")
            if not isinstance(u, str) or not u:
                raise invalid("%s.url should be a non-empty string, instead "
                              "was `%s`." % (cp, show(u)))
            if utf16_len(u) > 2000:
                raise invalid("%s.url.length should be ≤ `2000`, instead was "
                              "`%d`." % (cp, utf16_len(u)))
            if not web_url(u):
                raise url_refused(t)
            out["caption"] = rich_text(c.get("caption", []), cp + ".caption")
            out["url"] = u
        return (t, out, kids)

    def make_blocks(self, parent, parent_is_page, specs):
        """Create blocks from normal forms; return their ids."""
        ids = []
        for t, content, kids in specs:
            bid = str(uuid.uuid4())
            ts = now_iso()
            self.blocks[bid] = {"type": t, "content": content,
                                "parent": parent,
                                "parent_is_page": parent_is_page,
                                "children": [], "trash": False,
                                "created": ts, "edited": ts}
            if kids:
                self.blocks[bid]["children"] = self.make_blocks(bid, False,
                                                                kids)
            ids.append(bid)
        return ids


def check_icon(icon, path):
    if icon is None:
        return
    if not isinstance(icon, dict):
        raise invalid("%s should be an object or `null`, instead was `%s`."
                      % (path, show(icon)))
    t = icon.get("type")
    if t is None:
        t = "emoji" if "emoji" in icon else "external"
    if t == "emoji":
        if not isinstance(icon.get("emoji"), str) or not icon["emoji"]:
            raise invalid("%s.emoji should be an emoji, instead was `%s`."
                          % (path, show(icon.get("emoji"))))
    elif t == "external":
        ex = icon.get("external")
        if not isinstance(ex, dict) or not isinstance(ex.get("url"), str) \
                or not ex["url"]:
            raise invalid("%s.external.url should be defined, instead was "
                          "`%s`." % (path, show(ex)))
    else:
        raise invalid("%s.type should be `\"emoji\"` or `\"external\"`, "
                      "instead was `%s`." % (path, show(t)))


def check_cover(cover, path):
    if cover is None:
        return
    if not isinstance(cover, dict) or cover.get("type", "external") != \
            "external" or not isinstance(cover.get("external"), dict) or \
            not isinstance(cover["external"].get("url"), str):
        raise invalid("%s should be {\"type\":\"external\",\"external\":"
                      "{\"url\":...}} or `null`, instead was `%s`."
                      % (path, show(cover)))


def empty_value(t):
    return {"title": [], "rich_text": [], "multi_select": [],
            "checkbox": False}.get(t)


# -- query filters --------------------------------------------------------

TEXT_OPS = ("equals", "does_not_equal", "contains", "does_not_contain",
            "starts_with", "ends_with", "is_empty", "is_not_empty")
FILTER_OPS = {
    "title": TEXT_OPS, "rich_text": TEXT_OPS, "url": TEXT_OPS,
    "email": TEXT_OPS, "phone_number": TEXT_OPS,
    "number": ("equals", "does_not_equal", "greater_than", "less_than",
               "greater_than_or_equal_to", "less_than_or_equal_to",
               "is_empty", "is_not_empty"),
    "checkbox": ("equals", "does_not_equal"),
    "select": ("equals", "does_not_equal", "is_empty", "is_not_empty"),
    "status": ("equals", "does_not_equal", "is_empty", "is_not_empty"),
    "multi_select": ("contains", "does_not_contain", "is_empty",
                     "is_not_empty"),
    "date": ("equals", "before", "after", "on_or_before", "on_or_after",
             "is_empty", "is_not_empty"),
}


def check_filter(store, ds, f, path, depth):
    """Validate a filter; return a predicate over page records."""
    if not isinstance(f, dict):
        raise invalid("%s should be an object, instead was `%s`."
                      % (path, show(f)))
    if "and" in f or "or" in f:
        if len(f) != 1:
            raise invalid("%s should have exactly one of `and`, `or`."
                          % path)
        op = "and" if "and" in f else "or"
        subs = f[op]
        if not isinstance(subs, list):
            raise invalid("%s.%s should be an array, instead was `%s`."
                          % (path, op, show(subs)))
        if depth >= 2:
            raise invalid("%s.%s: compound filters may be nested at most 2 "
                          "levels deep." % (path, op))
        preds = [check_filter(store, ds, s, "%s.%s[%d]" % (path, op, i),
                              depth + 1) for i, s in enumerate(subs)]
        if op == "and":
            return lambda pg: all(p(pg) for p in preds)
        return lambda pg: any(p(pg) for p in preds)
    if "timestamp" in f:
        return timestamp_filter(f, path)
    if "property" not in f:
        raise invalid("%s.property should be defined, instead was "
                      "`undefined`." % path)
    key = f["property"]
    if not isinstance(key, str):
        raise invalid("%s.property should be a string, instead was `%s`."
                      % (path, show(key)))
    try:
        name, d = store.resolve_prop(ds, key)
    except ApiError:
        raise invalid("Could not find property with name or id: %s" % key)
    t = d["type"]
    others = [k for k in f if k != "property"]
    if len(others) != 1:
        raise invalid("%s should have exactly one filter condition, instead "
                      "had %d." % (path, len(others)))
    ft = others[0]
    if ft != t:
        raise invalid("%s: database property %s does not match filter %s."
                      % (path, t, ft))
    cond = f[ft]
    if not isinstance(cond, dict) or len(cond) != 1:
        raise invalid("%s.%s should be an object with exactly one "
                      "condition, instead was `%s`." % (path, ft, show(cond)))
    op, arg = next(iter(cond.items()))
    if op not in FILTER_OPS.get(t, ()):
        raise invalid("%s.%s.%s should be not present: supported are %s."
                      % (path, ft, op, ", ".join(FILTER_OPS.get(t, ()))))
    cp = "%s.%s.%s" % (path, ft, op)
    if op in ("is_empty", "is_not_empty"):
        if arg is not True:
            raise invalid("%s should be `true`, instead was `%s`."
                          % (cp, show(arg)))
    elif t == "number":
        if not is_num(arg):
            raise invalid("%s should be a number, instead was `%s`."
                          % (cp, show(arg)))
    elif t == "checkbox":
        if not isinstance(arg, bool):
            raise invalid("%s should be a boolean, instead was `%s`."
                          % (cp, show(arg)))
    elif t == "date":
        check_date(arg, cp)
    elif not isinstance(arg, str):
        raise invalid("%s should be a string, instead was `%s`."
                      % (cp, show(arg)))

    def value(pg):
        v = pg["props"].get(name)
        if v is None or v[0] != t:
            return empty_value(t)
        return v[1]

    def pred(pg):
        v = value(pg)
        if t in ("title", "rich_text"):
            v = plain(v)
        elif t in ("select", "status"):
            v = v["name"] if v else None
        elif t == "multi_select":
            v = [o["name"] for o in v]
        elif t == "date":
            v = v["start"] if v else None
        empty = v in (None, "", [])
        if op == "is_empty":
            return empty
        if op == "is_not_empty":
            return not empty
        if t == "multi_select":
            return (arg in v) == (op == "contains")
        if t == "checkbox":
            return (bool(v) == arg) == (op == "equals")
        if op == "equals":
            return v == arg
        if op == "does_not_equal":
            return v != arg
        if v is None:
            return False
        if op == "contains":
            return arg.lower() in v.lower()
        if op == "does_not_contain":
            return arg.lower() not in v.lower()
        if op == "starts_with":
            return v.lower().startswith(arg.lower())
        if op == "ends_with":
            return v.lower().endswith(arg.lower())
        if op in ("greater_than", "after"):
            return v > arg
        if op in ("less_than", "before"):
            return v < arg
        if op in ("greater_than_or_equal_to", "on_or_after"):
            return v >= arg
        if op in ("less_than_or_equal_to", "on_or_before"):
            return v <= arg
        return False
    return pred


TIMESTAMP_OPS = ("equals", "before", "after", "on_or_before", "on_or_after",
                 "is_empty", "is_not_empty")


def timestamp_filter(f, path):
    """{"timestamp": "created_time", "created_time": {op: date}}: the page's
    own time, no property needed; a date alone compares whole days."""
    ts = f["timestamp"]
    if ts not in ("created_time", "last_edited_time"):
        raise invalid("%s.timestamp should be `\"created_time\"` or "
                      "`\"last_edited_time\"`, instead was `%s`."
                      % (path, show(ts)))
    others = [k for k in f if k != "timestamp"]
    if others != [ts]:
        raise invalid("%s.%s should be defined, instead was `undefined`."
                      % (path, ts))
    cond = f[ts]
    if not isinstance(cond, dict) or len(cond) != 1:
        raise invalid("%s.%s should be an object with exactly one "
                      "condition, instead was `%s`." % (path, ts, show(cond)))
    op, arg = next(iter(cond.items()))
    cp = "%s.%s.%s" % (path, ts, op)
    if op not in TIMESTAMP_OPS:
        raise invalid("%s should be not present: supported are %s."
                      % (cp, ", ".join(TIMESTAMP_OPS)))
    if op in ("is_empty", "is_not_empty"):
        if arg is not True:
            raise invalid("%s should be `true`, instead was `%s`."
                          % (cp, show(arg)))
        return lambda pg: op == "is_not_empty"
    check_date(arg, cp)
    k = "created" if ts == "created_time" else "edited"
    day = len(arg) == 10

    def pred(pg):
        if day:
            v, a = pg[k][:10], arg
        else:
            v, a = utc_instant(pg[k]), utc_instant(arg)
        return {"equals": v == a, "before": v < a, "after": v > a,
                "on_or_before": v <= a, "on_or_after": v >= a}[op]
    return pred


# -- HTTP -----------------------------------------------------------------

ROUTES = [
    ("GET", re.compile(r"^/v1/users/me$"), "users_me", ()),
    ("GET", re.compile(r"^/v1/databases/([^/]+)$"), "get_database",
     ("database_id",)),
    ("GET", re.compile(r"^/v1/data_sources/([^/]+)$"), "get_source",
     ("data_source_id",)),
    ("POST", re.compile(r"^/v1/data_sources/([^/]+)/query$"), "query",
     ("data_source_id",)),
    ("POST", re.compile(r"^/v1/pages$"), "create_page", ()),
    ("GET", re.compile(r"^/v1/pages/([^/]+)$"), "get_page", ("page_id",)),
    ("PATCH", re.compile(r"^/v1/pages/([^/]+)$"), "update_page",
     ("page_id",)),
    ("PATCH", re.compile(r"^/v1/blocks/([^/]+)/children$"), "append",
     ("block_id",)),
    ("GET", re.compile(r"^/v1/blocks/([^/]+)/children$"), "list_children",
     ("block_id",)),
    ("GET", re.compile(r"^/v1/blocks/([^/]+)$"), "get_block", ("block_id",)),
    ("DELETE", re.compile(r"^/v1/blocks/([^/]+)$"), "delete_block",
     ("block_id",)),
]
ID_SEG = re.compile(r"^/v1/(databases|data_sources|pages|blocks)/[^/]+")


def route_name(method, path):
    return method + " " + ID_SEG.sub(lambda m: "/v1/%s/{id}" % m.group(1),
                                     path)


class Reset(Exception):
    """Close the connection without an answer."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120
    # unbuffered: what has not been read is in the socket, where
    # arrival() reads the time it came in
    rbufsize = 0

    def handle_one_request(self):
        self.arrived = self.arrival()
        super().handle_one_request()

    def arrival(self):
        """When the next request's first bytes reached this host, on the
        monotonic clock: the kernel's receive time (SO_TIMESTAMPNS, set on
        the listening socket), as Notion's edge would see it.  A fake
        starved of the processor on a loaded machine reads its requests
        late, and by its own clock would take requests sent a third of a
        second apart for a burst.  Now, if the kernel did not say."""
        try:
            _, anc, _, _ = self.connection.recvmsg(
                1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
        except OSError:
            return time.monotonic()
        for level, kind, data in anc:
            if (level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and
                    len(data) >= 16):
                sec, nsec = struct.unpack("qq", data[:16])
                ago = time.time() - (sec + nsec / 1e9)
                return time.monotonic() - min(max(ago, 0.0), 60.0)
        return time.monotonic()

    def read_exact(self, n):
        """n bytes, fewer only at the end of the stream (rfile is raw)."""
        out = bytearray()
        while len(out) < n:
            chunk = self.rfile.read(n - len(out))
            if not chunk:
                break
            out += chunk
        return bytes(out)

    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return "fake-notion/1"

    @property
    def st(self):
        return self.server.store

    # -- plumbing

    def send(self, status, obj=None, raw=None,
             ctype="application/json; charset=utf-8", headers=None,
             rid=None, count=True):
        if raw is None:
            raw = json.dumps(obj, ensure_ascii=False).encode("utf-8",
                                                             "replace")
        if count and self.is_api:
            with self.st.lock:
                s = self.st.stats
                if status >= 400:
                    k = str(status)
                    s["errors"][k] = s["errors"].get(k, 0) + 1
                elif status < 300:
                    r = route_name(self.command, self.route_path)
                    s["ok_by_route"][r] = s["ok_by_route"].get(r, 0) + 1
        self.status_sent = status
        self.rid_sent = rid or str(uuid.uuid4())
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("x-request-id", self.rid_sent)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)

    def error(self, status, code, message, headers=None, extra=None):
        rid = str(uuid.uuid4())
        self.message_sent = message
        body = {"object": "error", "status": status, "code": code,
                "message": message, "request_id": rid}
        if extra:
            body.update(extra)
        return self.send(status, body, headers=headers, rid=rid)

    def reset_connection(self):
        """Make the server close this connection with a TCP RST."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.server.mark_reset(self.connection)
        self.close_connection = True

    def read_body(self):
        """The body, or None if it is too large (then it was drained or
        the connection is marked to close)."""
        n = self.headers.get("Content-Length")
        if n is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return self.read_chunked()
            return b""
        try:
            n = int(n)
        except ValueError:
            self.close_connection = True
            return b""
        if n > BODY_MAX:
            left = n
            if n > 64 * 1024 * 1024:
                self.close_connection = True
                return None
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            return None
        return self.read_exact(n)

    def read_chunked(self):
        out = bytearray()
        big = False
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                return None if big else bytes(out)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return None if big else bytes(out)
            data = self.read_exact(size)
            self.rfile.readline(1024)
            if not big:
                out += data
                if len(out) > BODY_MAX:
                    big = True
                    out = bytearray()

    # -- methods

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_OPTIONS(self):
        self.dispatch()

    def dispatch(self):
        path, _, qs = self.path.partition("?")
        self.route_path = path
        self.is_api = not path.startswith("/_fake/")
        body = self.read_body()
        if path.startswith("/_fake/"):
            return self.control(path, body)
        with self.st.lock:
            s = self.st.stats
            s["requests"] += 1
            r = route_name(self.command, path)
            s["by_route"][r] = s["by_route"].get(r, 0) + 1
            self.st.in_flight += 1
            if self.st.in_flight > s["max_in_flight"]:
                s["max_in_flight"] = self.st.in_flight
        self.status_sent = None
        self.rid_sent = None
        self.message_sent = None
        self.fault_name = None
        t0 = time.monotonic()
        try:
            self.api(path, qs, body)
        except Reset:
            self.reset_connection()
        finally:
            with self.st.lock:
                self.st.in_flight -= 1
                self.st.log.append({
                    "method": self.command, "path": self.path,
                    "route": route_name(self.command, path),
                    "status": self.status_sent,
                    "notion_version": self.headers.get("Notion-Version"),
                    "content_type": self.headers.get("Content-Type"),
                    "auth_ok": self.headers.get("Authorization") ==
                    "Bearer " + self.server.token,
                    "bytes": None if body is None else len(body),
                    "fault": self.fault_name,
                    "request_id": self.rid_sent,
                    "message": self.message_sent,
                    "ms": int((time.monotonic() - t0) * 1000),
                    "at": round(self.arrived - self.st.born, 3)})

    def api(self, path, qs, body):
        if getattr(self, "poisoned", False):
            with self.st.lock:
                self.st.stats["poisoned"] += 1
            self.fault_name = "poisoned"
            return self.send(502, raw=HTML_502, ctype="text/html")
        if body is None:
            return self.send(413, raw=HTML_413, ctype="text/html")
        st = self.st
        auth = self.headers.get("Authorization", "")
        if auth != "Bearer " + self.server.token:
            return self.error(401, "unauthorized", "API token is invalid.")
        with st.lock:
            wait = st.take(self.server.token, self.arrived)
            if wait is not None:
                st.stats["rate_limited"] += 1
        if wait is not None:
            return self.error(
                429, "rate_limited", "You have been rate limited. Please "
                "try again in a few minutes.",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
                extra={"additional_data": {
                    "rate_limit_reason": "connection_rate_limit"}})
        if self.server.latency > 0:
            if self.server.stop.wait(self.server.latency):
                raise Reset()
        ver = self.headers.get("Notion-Version")
        if ver is None:
            return self.error(400, "missing_version",
                              "Notion-Version header failed validation: "
                              "Notion-Version header should be defined, "
                              "instead was `undefined`.")
        if ver not in VERSIONS:
            return self.error(400, "validation_error",
                              "Notion-Version header failed validation: "
                              "Notion-Version header should be one of %s, "
                              "instead was `%s`." % (
                                  ", ".join("`\"%s\"`" % v
                                            for v in VERSIONS), ver[:40]))
        fault = self.take_fault(path)
        if fault is not None:
            f = fault["fault"]
            self.fault_name = f
            if f == "reset":
                raise Reset()
            if f == "502-poison":
                self.poisoned = True
                return self.send(502, raw=HTML_502, ctype="text/html")
            if f == "late":
                secs = fault["secs"] or self.server.hang
                if self.server.stop.wait(secs):
                    raise Reset()
            if f == "status-late":
                import copy
                clone = copy.copy(self)
                secs = fault["secs"] or self.server.hang
                def later():
                    time.sleep(secs)
                    try:
                        clone.work(path, qs, body, ver)
                    except Exception as e:
                        sys.stderr.write("status-late work: %r\n" % e)
                threading.Thread(target=later, daemon=True).start()
                code, msg = STATUS_CODES[fault["status"]]
                return self.error(fault["status"], code, msg)
            if f == "status":
                s = fault["status"]
                code, msg = STATUS_CODES[s]
                code = fault.get("code") or code
                msg = fault.get("message") or msg
                if s == 413:
                    return self.send(413, raw=HTML_413, ctype="text/html")
                hdrs, extra = None, None
                ra = fault["retry_after"]
                if s in (429, 529) and ra is not None:
                    hdrs = {"Retry-After": str(ra)}
                if s == 429:
                    extra = {"additional_data": {
                        "rate_limit_reason": "connection_rate_limit"}}
                return self.error(s, code, msg, headers=hdrs, extra=extra)
        try:
            status, obj = self.work(path, qs, body, ver)
        except ApiError as e:
            status, obj = e.status, e
        except Exception:  # a bug in the fake: say so, loudly
            traceback.print_exc()
            status, obj = 500, ApiError(500, "internal_server_error",
                                        "fake-notion.py crashed: see its "
                                        "stderr.")
        if fault is not None:
            f = fault["fault"]
            if f == "reset-after":
                raise Reset()
            if f == "502-html-after":
                return self.send(502, raw=HTML_502, ctype="text/html")
            if f == "status-after":
                code, msg = STATUS_CODES[fault["status"]]
                return self.error(fault["status"], code, msg)
            if f == "200-html-after":
                return self.send(200, raw=b"<html><body>OK</body></html>",
                                 ctype="text/html")
            if f == "timeout-after":
                if self.server.stop.wait(self.server.hang):
                    raise Reset()
        if isinstance(obj, ApiError):
            return self.error(obj.status, obj.code, obj.message)
        return self.send(status, obj)

    def take_fault(self, path):
        path = norm_path(path)
        with self.st.lock:
            for f in self.st.faults:
                if f["method"] == self.command and \
                        path.startswith(norm_path(f["path"])):
                    f["count"] -= 1
                    if f["count"] <= 0:
                        self.st.faults.remove(f)
                    self.st.stats["faults_fired"] += 1
                    return dict(f)
        return None

    def work(self, path, qs, body, ver):
        for method, rx, name, idnames in ROUTES:
            m = rx.match(path)
            if m is None:
                continue
            if method != self.command:
                continue
            ids = []
            for raw, idn in zip(m.groups(), idnames):
                i = norm_id(raw)
                if i is None:
                    raise invalid("path failed validation: path.%s should "
                                  "be a valid uuid, instead was `%s`."
                                  % (idn, show(raw)))
                ids.append(i)
            req = None
            if self.command in ("POST", "PATCH"):
                ctype = self.headers.get("Content-Type", "")
                if ctype.split(";")[0].strip().lower() != \
                        "application/json":
                    raise ApiError(400, "invalid_json",
                                   "Error parsing JSON body.")
                try:
                    req = json.loads(body.decode("utf-8"),
                                     parse_constant=no_constant)
                except (ValueError, UnicodeDecodeError):
                    raise ApiError(400, "invalid_json",
                                   "Error parsing JSON body.")
                if not isinstance(req, dict):
                    raise ApiError(400, "invalid_json",
                                   "Error parsing JSON body.")
                p = find_surrogate(req, "body")
                if p:
                    raise invalid("%s should be a valid string: it holds "
                                  "a lone UTF-16 surrogate." % p)
                if ver == "2026-03-11":
                    p = find_archived(req, "body")
                    if p:
                        raise invalid("%s should be not present: "
                                      "`archived` was removed in "
                                      "Notion-Version 2026-03-11; use "
                                      "`in_trash`." % p)
            query = parse_qs(qs, keep_blank_values=True)
            with self.st.lock:
                return getattr(self, "r_" + name)(ver, req, query, *ids)
        raise ApiError(400, "invalid_request_url", "Invalid request URL.")

    # -- control API

    def control(self, path, body):
        st = self.st

        def parsed():
            try:
                v = json.loads((body or b"{}").decode("utf-8") or "{}")
            except (ValueError, UnicodeDecodeError):
                return None
            return v if isinstance(v, dict) else None

        if path == "/_fake/stats" and self.command == "GET":
            with st.lock:
                return self.send(200, json.loads(json.dumps(st.stats)))
        if path == "/_fake/log" and self.command == "GET":
            with st.lock:
                return self.send(200, {"requests": list(st.log)})
        if path == "/_fake/faults" and self.command == "GET":
            with st.lock:
                return self.send(200, {"faults": list(st.faults)})
        if path == "/_fake/options" and self.command == "POST":
            req = parsed()
            if req is None or not isinstance(req.get("new"), bool):
                return self.send(400, {"error": "body must be "
                                       "{\"new\": true|false}"})
            with st.lock:
                st.new_options = req["new"]
            return self.send(200, {"new": st.new_options})
        if path == "/_fake/reset" and self.command == "POST":
            with st.lock:
                st.reset()
            return self.send(200, {"ok": True})
        if path == "/_fake/pages" and self.command == "GET":
            with st.lock:
                return self.send(200, {"pages": self.dump_pages()})
        if path == "/_fake/fault" and self.command == "POST":
            req = parsed()
            if req is None:
                return self.send(400, {"error": "body must be a JSON "
                                       "object"})
            f = {"method": str(req.get("method", "")).upper(),
                 "path": req.get("path"), "fault": req.get("fault"),
                 "count": req.get("count", 1),
                 "status": req.get("status"),
                 "retry_after": req.get("retry_after", 1),
                 "secs": req.get("secs"),
                 "code": req.get("code"), "message": req.get("message")}
            err = None
            if not f["method"] or not isinstance(f["path"], str):
                err = "method and path are required"
            elif f["fault"] not in FAULTS:
                err = "fault must be one of " + ", ".join(FAULTS)
            elif not is_int(f["count"]) or f["count"] < 1:
                err = "count must be an integer >= 1"
            elif f["fault"].startswith("status") and f["status"] not in STATUS_CODES:
                err = "status must be one of " + ", ".join(
                    str(s) for s in sorted(STATUS_CODES))
            elif not (f["retry_after"] is None or
                      isinstance(f["retry_after"], str) or
                      (is_int(f["retry_after"]) and f["retry_after"] >= 0)):
                err = "retry_after must be an integer >= 0, a string " \
                    "(sent as it is) or null (no Retry-After)"
            elif not all(f[k] is None or (isinstance(f[k], str) and f[k])
                         for k in ("code", "message")):
                err = "code and message must be non-empty strings"
            elif not (f["secs"] is None or (
                    isinstance(f["secs"], (int, float)) and
                    not isinstance(f["secs"], bool) and
                    0 < f["secs"] <= 120)):
                err = "secs must be a number of seconds in (0, 120]"
            if err:
                return self.send(400, {"error": err})
            with st.lock:
                st.faults.append(f)
            return self.send(200, {"queued": f["count"]})
        if path == "/_fake/page" and self.command == "POST":
            # a page made by someone else (a person, by default), at a
            # time of the test's choosing
            req = parsed()
            if req is None:
                return self.send(400, {"error": "body must be a JSON "
                                       "object"})
            sub = {k: req[k] for k in ("parent", "properties", "children")
                   if k in req}
            when = req.get("created_time")
            if when is not None:
                try:
                    check_date(when, "created_time")
                except ApiError:
                    return self.send(400, {"error": "created_time must be "
                                           "an ISO 8601 date-time"})
            with st.lock:
                try:
                    _, obj = self.r_create_page("2025-09-03", sub, {})
                except ApiError as e:
                    return self.send(400, {"error": str(e)})
                pg = st.pages[obj["id"]]
                pg["by"] = req.get("created_by", PERSON_ID)
                if when is not None:
                    t = time.gmtime(utc_instant(when))
                    pg["created"] = pg["edited"] = time.strftime(
                        "%Y-%m-%dT%H:%M:00.000Z", t)
                return self.send(200, st.page_obj(obj["id"], "2025-09-03"))
        if path == "/_fake/schema" and self.command == "POST":
            req = parsed()
            if req is None:
                return self.send(400, {"error": "body must be a JSON "
                                       "object"})
            with st.lock:
                try:
                    obj = self.set_schema(req)
                except ValueError as e:
                    return self.send(400, {"error": str(e)})
            return self.send(200, obj)
        return self.send(404, {"error": "unknown control path"})

    def set_schema(self, req):
        st = self.st
        dsid = norm_id(req.get("data_source_id"))
        if dsid is None or dsid not in st.dss:
            raise ValueError("unknown data_source_id")
        props = req.get("properties")
        if not isinstance(props, dict) or not props:
            raise ValueError("properties must be a non-empty object")
        out = {}
        titles = 0
        for i, (name, d) in enumerate(props.items()):
            if isinstance(d, str):
                d = {"type": d}
            if not isinstance(d, dict) or d.get("type") not in PROP_TYPES:
                raise ValueError("property %s: type must be one of %s"
                                 % (name, ", ".join(PROP_TYPES)))
            t = d["type"]
            if t == "title":
                titles += 1
                pid = "title"
            else:
                pid = d.get("id") or "prop-%d" % (i + 1)
            opts = []
            if t in ("select", "multi_select", "status"):
                for o in (d.get(t) or {}).get("options", []):
                    opts.append(o["name"] if isinstance(o, dict) else o)
            out[name] = prop_def(name, t, pid, opts)
        if titles != 1:
            raise ValueError("exactly one title property is required")
        st.dss[dsid]["props"] = out
        return st.source_obj(dsid, "2025-09-03")

    def dump_pages(self):
        st = self.st
        out = []
        for pid, pg in st.pages.items():
            ds = st.dss.get(pg["ds"])
            out.append({
                "id": pid, "data_source_id": pg["ds"],
                "database_id": ds["db"] if ds else None,
                "in_trash": pg["trash"], "created_time": pg["created"],
                "url": "https://www.notion.so/" + pid.replace("-", ""),
                "last_edited_time": pg["edited"],
                "title": st.title_of(pg),
                "properties": st.page_props(pg),
                "blocks": [st.block_obj(b, "2025-09-03", True)
                           for b in pg["children"]
                           if not st.blocks[b]["trash"]]})
        return out

    # -- /v1 routes; called with the store's lock held; return
    #    (status, object) or raise ApiError

    def r_users_me(self, ver, req, query):
        return 200, {"object": "user", "id": BOT_ID,
                     "name": "tq fake integration", "avatar_url": None,
                     "type": "bot",
                     "bot": {"owner": {"type": "workspace",
                                       "workspace": True},
                             "workspace_name": "tq fake workspace"}}

    def r_get_database(self, ver, req, query, dbid):
        self.st.database(dbid)
        return 200, self.st.database_obj(dbid, ver)

    def r_get_source(self, ver, req, query, dsid):
        self.st.source(dsid)
        return 200, self.st.source_obj(dsid, ver)

    def r_query(self, ver, req, query, dsid):
        st = self.st
        ds = st.source(dsid)
        check_keys(req, ("filter", "sorts", "start_cursor", "page_size"),
                   "body")
        size = req.get("page_size", 100)
        if not is_int(size) or size < 1 or size > 100:
            raise invalid("body.page_size should be an integer between 1 "
                          "and 100, instead was `%s`." % show(size))
        size = min(size, QUERY_CAP)
        pred = None
        if req.get("filter") is not None:
            pred = check_filter(st, ds, req["filter"], "body.filter", 0)
        cutoff = time.monotonic() - QUERY_LAG
        pages = [pg for pid, pg in st.pages.items()
                 if pg["ds"] == dsid and not pg["trash"] and
                 pg.get("mono", 0) <= cutoff and
                 (pred is None or pred(pg))]
        sorts = req.get("sorts")
        if sorts is not None:
            if not isinstance(sorts, list):
                raise invalid("body.sorts should be an array, instead was "
                              "`%s`." % show(sorts))
            keys = []
            for i, s in enumerate(sorts):
                p = "body.sorts[%d]" % i
                if not isinstance(s, dict):
                    raise invalid("%s should be an object, instead was "
                                  "`%s`." % (p, show(s)))
                check_keys(s, ("property", "timestamp", "direction"), p)
                d = s.get("direction", "ascending")
                if d not in ("ascending", "descending"):
                    raise invalid("%s.direction should be `\"ascending\"` "
                                  "or `\"descending\"`, instead was `%s`."
                                  % (p, show(d)))
                if "timestamp" in s:
                    ts = s["timestamp"]
                    if ts not in ("created_time", "last_edited_time"):
                        raise invalid("%s.timestamp should be "
                                      "`\"created_time\"` or "
                                      "`\"last_edited_time\"`, instead was "
                                      "`%s`." % (p, show(ts)))
                    k = "created" if ts == "created_time" else "edited"
                    keys.append((lambda pg, k=k: (0, pg[k]), d))
                elif "property" in s:
                    try:
                        name, pd = st.resolve_prop(ds, s["property"])
                    except ApiError:
                        raise invalid("Could not find sort property with "
                                      "name or id: %s" % s["property"])
                    keys.append((lambda pg, n=name: sort_key(pg, n), d))
                else:
                    raise invalid("%s.property should be defined, instead "
                                  "was `undefined`." % p)
            for k, d in reversed(keys):
                pages.sort(key=k, reverse=(d == "descending"))
        start = 0
        cur = req.get("start_cursor")
        if cur is not None:
            c = cursor_in(cur)
            idx = [i for i, pg in enumerate(pages) if pg["id"] == c]
            if not idx:
                raise invalid("body.start_cursor should be a valid cursor, "
                              "instead was `%s`." % show(cur))
            start = idx[0]
        chunk = pages[start:start + size]
        more = start + size < len(pages)
        return 200, {"object": "list",
                     "results": [st.page_obj(pg["id"], ver) for pg in chunk],
                     "next_cursor": cursor_out(pages[start + size]["id"])
                     if more else None,
                     "has_more": more, "type": "page_or_data_source",
                     "page_or_data_source": {}}

    def r_create_page(self, ver, req, query):
        st = self.st
        check_keys(req, ("parent", "properties", "children", "icon",
                         "cover"), "body")
        parent = req.get("parent")
        if not isinstance(parent, dict):
            raise invalid("body.parent should be an object, instead was "
                          "`%s`." % show(parent))
        pt = parent.get("type")
        if pt is None:
            pt = "data_source_id" if "data_source_id" in parent else \
                "database_id" if "database_id" in parent else \
                "page_id" if "page_id" in parent else None
        if pt not in ("data_source_id", "database_id"):
            raise invalid("body.parent should have a `data_source_id` or a "
                          "`database_id` (this fake has no page parents), "
                          "instead was `%s`." % show(parent))
        check_keys(parent, ("type", pt), "body.parent")
        if pt not in parent:
            raise invalid("body.parent.%s should be defined, instead was "
                          "`undefined`." % pt)
        pid_raw = parent[pt]
        pidn = norm_id(pid_raw)
        if pidn is None:
            raise invalid("body.parent.%s should be a valid uuid, instead "
                          "was `%s`." % (pt, show(pid_raw)))
        if pt == "database_id":
            db = st.database(pidn)
            if len(db["sources"]) != 1:
                raise invalid("body.parent.database_id: database %s has %d "
                              "data sources; use a data_source_id parent."
                              % (pidn, len(db["sources"])))
            dsid = db["sources"][0]
        else:
            dsid = pidn
        ds = st.source(dsid)
        props = req.get("properties")
        if props is None:
            raise invalid("body.properties should be defined, instead was "
                          "`undefined`.")
        check_icon(req.get("icon"), "body.icon")
        check_cover(req.get("cover"), "body.cover")
        specs = []
        if "children" in req:
            specs = st.check_blocks(req["children"], "body.children", 1, [0])
        if not isinstance(props, dict):
            raise invalid("body.properties should be an object, instead was "
                          "`%s`." % show(props))
        # validate all values before touching the schema's options
        for key, val in props.items():
            name, d = st.resolve_prop(ds, key)
            st.prop_value(name, d, val, "body.properties.%s" % key)
        if not any(st.resolve_prop(ds, k)[1]["type"] == "title"
                   for k in props):
            raise invalid("Title is not provided")
        values = {}
        st.set_props(ds, props, "body.properties", values)
        pid = str(uuid.uuid4())
        ts = now_iso()
        st.pages[pid] = {"id": pid, "ds": dsid, "props": values,
                         "children": [], "trash": False, "created": ts,
                         "edited": ts, "icon": req.get("icon"),
                         "cover": req.get("cover"), "mono": time.monotonic()}
        st.pages[pid]["children"] = st.make_blocks(pid, True, specs)
        return 200, st.page_obj(pid, ver)

    def r_get_page(self, ver, req, query, pid):
        if pid not in self.st.pages:
            raise not_found("page", pid)
        return 200, self.st.page_obj(pid, ver)

    def r_update_page(self, ver, req, query, pid):
        st = self.st
        pg = st.pages.get(pid)
        if pg is None:
            raise not_found("page", pid)
        allowed = ["properties", "in_trash", "icon", "cover"]
        if ver != "2026-03-11":
            allowed.append("archived")
        check_keys(req, allowed, "body")
        trash = None
        for k in ("in_trash", "archived"):
            if k in req:
                if not isinstance(req[k], bool):
                    raise invalid("body.%s should be a boolean, instead was "
                                  "`%s`." % (k, show(req[k])))
                trash = req[k]
        if "icon" in req:
            check_icon(req["icon"], "body.icon")
        if "cover" in req:
            check_cover(req["cover"], "body.cover")
        edits = any(k in req for k in ("properties", "icon", "cover"))
        if pg["trash"] and edits and trash is not False:
            raise invalid(ARCHIVED_MSG)
        ds = st.source(pg["ds"])
        values = dict(pg["props"])
        if "properties" in req:
            props = req["properties"]
            if not isinstance(props, dict):
                raise invalid("body.properties should be an object, instead "
                              "was `%s`." % show(props))
            for key, val in props.items():
                name, d = st.resolve_prop(ds, key)
                st.prop_value(name, d, val, "body.properties.%s" % key)
            st.set_props(ds, props, "body.properties", values)
        pg["props"] = values
        if "icon" in req:
            pg["icon"] = req["icon"]
        if "cover" in req:
            pg["cover"] = req["cover"]
        if trash is not None:
            pg["trash"] = trash
        pg["edited"] = now_iso()
        return 200, st.page_obj(pid, ver)

    def r_append(self, ver, req, query, bid):
        st = self.st
        rec, is_page = st.container(bid)
        allowed = ["children", "position"]
        if ver != "2026-03-11":
            allowed.append("after")
        elif "after" in req:
            raise invalid("body.after should be not present: `after` was "
                          "replaced by `position` in Notion-Version "
                          "2026-03-11.")
        check_keys(req, allowed, "body")
        if "children" not in req:
            raise invalid("body.children should be defined, instead was "
                          "`undefined`.")
        if not is_page and rec["type"] not in NESTING and \
                rec["type"] != "table" and not (
                    rec["type"].startswith("heading_") and
                    rec["content"].get("is_toggleable")):
            raise invalid("Block type %s does not support children."
                          % rec["type"])
        specs = st.check_blocks(req["children"], "body.children", 1, [0],
                                None if is_page or rec["type"] != "table"
                                else rec["content"]["table_width"])
        where = len(rec["children"])
        if "after" in req and "position" in req:
            raise invalid("body.after and body.position cannot both be "
                          "present.")
        after = None
        if "after" in req:
            after = req["after"]
            path = "body.after"
        pos = req.get("position")
        if pos is not None:
            if not isinstance(pos, dict):
                raise invalid("body.position should be an object, instead "
                              "was `%s`." % show(pos))
            t = pos.get("type")
            if t == "end":
                check_keys(pos, ("type",), "body.position")
            elif t == "start":
                check_keys(pos, ("type",), "body.position")
                where = 0
            elif t == "after_block":
                check_keys(pos, ("type", "after_block"), "body.position")
                ab = pos.get("after_block")
                if not isinstance(ab, dict):
                    raise invalid("body.position.after_block should be an "
                                  "object, instead was `%s`." % show(ab))
                after = ab.get("id")
                path = "body.position.after_block.id"
            else:
                raise invalid("body.position.type should be `\"end\"`, "
                              "`\"start\"` or `\"after_block\"`, instead "
                              "was `%s`." % show(t))
        if after is not None:
            a = norm_id(after)
            if a is None or a not in rec["children"] or \
                    st.blocks[a]["trash"]:
                raise invalid("%s should be the id of a child of block %s, "
                              "instead was `%s`." % (path, bid, show(after)))
            where = rec["children"].index(a) + 1
        if rec.get("trash"):
            raise invalid(ARCHIVED_MSG)
        ids = st.make_blocks(bid, is_page, specs)
        rec["children"][where:where] = ids
        rec["edited"] = now_iso()
        return 200, {"object": "list",
                     "results": [st.block_obj(i, ver) for i in ids],
                     "next_cursor": None, "has_more": False,
                     "type": "block", "block": {}}

    def r_list_children(self, ver, req, query, bid):
        st = self.st
        rec, is_page = st.container(bid)
        for k in query:
            if k not in ("page_size", "start_cursor"):
                raise invalid("query.%s should be not present." % k)
        size = query.get("page_size", ["100"])[-1]
        if not re.fullmatch(r"[0-9]{1,4}", size) or \
                not 1 <= int(size) <= 100:
            raise invalid("query.page_size should be an integer between 1 "
                          "and 100, instead was `%s`." % show(size))
        size = int(size)
        live = [c for c in rec["children"] if not st.blocks[c]["trash"]]
        start = 0
        if "start_cursor" in query:
            cur = query["start_cursor"][-1]
            c = cursor_in(cur)
            if c not in live:
                raise invalid("query.start_cursor should be a valid cursor, "
                              "instead was `%s`." % show(cur))
            start = live.index(c)
        chunk = live[start:start + size]
        more = start + size < len(live)
        return 200, {"object": "list",
                     "results": [st.block_obj(i, ver) for i in chunk],
                     "next_cursor": cursor_out(live[start + size]) if more
                     else None,
                     "has_more": more, "type": "block", "block": {}}

    def r_get_block(self, ver, req, query, bid):
        st = self.st
        if bid in st.pages:
            return 200, st.page_as_block(bid, ver)
        if bid not in st.blocks:
            raise not_found("block", bid)
        return 200, st.block_obj(bid, ver)

    def r_delete_block(self, ver, req, query, bid):
        st = self.st
        rec, is_page = st.container(bid)
        if rec["trash"]:
            raise invalid(ARCHIVED_MSG)
        rec["trash"] = True
        rec["edited"] = now_iso()
        if is_page:
            return 200, st.page_as_block(bid, ver)
        return 200, st.block_obj(bid, ver)


def sort_key(pg, name):
    v = pg["props"].get(name)
    if v is None or v[1] in (None, [], ""):
        return (1, "")
    t, x = v
    if t in ("title", "rich_text"):
        return (0, plain(x))
    if t in ("select", "status"):
        return (0, x["name"])
    if t == "multi_select":
        return (0, ",".join(o["name"] for o in x))
    if t == "date":
        return (0, x["start"])
    if t == "checkbox":
        return (0, int(x))
    return (0, x)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # the default backlog of 5 drops SYNs when many clients connect at
    # once (they retry a second later, which looks like a slow server)
    request_queue_size = 128

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        # the kernel stamps what comes in (inherited by accepted
        # sockets): Handler.arrival()
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            pass
        self.reset_lock = threading.Lock()
        self.reset_socks = set()

    def mark_reset(self, sock):
        with self.reset_lock:
            self.reset_socks.add(sock)

    def shutdown_request(self, request):
        with self.reset_lock:
            rst = request in self.reset_socks
            self.reset_socks.discard(request)
        if rst:
            # no FIN first: closing with SO_LINGER 0 sends a RST
            self.close_request(request)
            return
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # a client that gave up (timeouts, resets) is not an error here
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description="fake Notion API server")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--token", default="secret_test_token")
    ap.add_argument("--rps", type=float, default=3.0)
    ap.add_argument("--burst", type=int, default=3)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--hang", type=float, default=30.0)
    ap.add_argument("--length-unit", choices=("utf16", "utf8"),
                    default="utf16")
    ap.add_argument("--query-page", type=int, default=100)
    ap.add_argument("--no-new-options", action="store_true")
    ap.add_argument("--query-lag", type=float, default=0.0)
    ap.add_argument("--opaque-cursors", action="store_true")
    args = ap.parse_args()
    global CONTENT_LEN, QUERY_CAP, QUERY_LAG, OPAQUE_CURSORS
    QUERY_LAG = args.query_lag
    OPAQUE_CURSORS = args.opaque_cursors
    CONTENT_LEN = utf8_len if args.length_unit == "utf8" else utf16_len
    if not 1 <= args.query_page <= 100:
        ap.error("--query-page must be 1 to 100")
    QUERY_CAP = args.query_page
    if args.rps <= 0 or args.burst < 1:
        ap.error("--rps must be > 0 and --burst >= 1")

    srv = Server(("127.0.0.1", 0), Handler)
    srv.store = Store(args.rps, args.burst, not args.no_new_options)
    srv.token = args.token
    srv.latency = args.latency_ms / 1000.0
    srv.hang = args.hang
    srv.stop = threading.Event()

    def stop(signum, frame):
        srv.stop.set()
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
