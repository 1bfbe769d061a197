#!/usr/bin/env python3
"""fake-openai.py - a strict local stand-in for an OpenAI-compatible
chat-completions server, for the tests.  Python 3 standard library only.

    python3 tests/fake-openai.py --port-file F [--key KEY] [--hang SECS]
        [--delay SECS] [--rpm MODEL=N ...] [--rpm-slack SECS]
        [--slow-first RATE]

Listens on 127.0.0.1 on a free port and writes the port number to F
(atomically, so a reader never sees a partial number).  Quiet: no
per-request log.  SIGTERM or SIGINT stops it cleanly with status 0.

Strict like the real service:
  * POST /v1/chat/completions only; other paths 404, other methods 405,
    both with OpenAI's JSON error envelope.
  * Authorization: Bearer KEY (401 invalid_api_key otherwise, the key
    masked in the message as OpenAI does).
  * Content-Type: application/json, a Content-Length, a JSON object body.
  * model: non-empty string.  messages: non-empty array of
    {role: system|user|assistant, content: string}.  temperature 0..2,
    max_tokens integer > 0, stream false or absent, response_format
    {type: text|json_object|json_schema}; json_schema needs a name
    matching [A-Za-z0-9_-]{1,64} and a schema object, and with
    strict:true every object schema must have additionalProperties:false
    and list all its properties in required.  json_object needs the word
    "json" somewhere in the messages.  Unknown top-level fields are 400
    "Unrecognized request argument supplied: X".

The answer depends on the scenario, chosen by the model name:

  ok             good JSON answer
  fenced         the JSON in a ```json fence
  fenced-inline  the JSON in a ```json fence on one line, as models
                 write it at times: ```json{...}```
  prose          the JSON wrapped in prose (with braces in its strings)
  prose-example  prose with an example object first, then the JSON
  think          a <think>...</think> block, then the JSON
  think-noopen   the same without the opening <think> (a template put
                 it in the prompt), the reasoning drafting other JSON
  reasoning-content  content null, the JSON in reasoning_content (vLLM's
                 reasoning parsers do that)
  eos-token      good JSON, finish_reason "eos_token" (TGI, watsonx)
  think-length   a model that reasons: while max_tokens is under 2000,
                 finish_reason "length", content "", and every token
                 counted as reasoning_tokens; else good
  tool-calls     content null, finish_reason "tool_calls"
  finish-error   content "", finish_reason "error", as OpenRouter ends a
                 completion whose upstream failed
  error-200      200 with {"error": {...}}, as some proxies answer
  bad-utf8       good JSON with a third insight holding the byte 0xE9
  surrogates     good JSON whose strings hold escapes as models write
                 them: an emoji as a pair (\ud83d\ude00), a lone high
                 and a lone low surrogate and \u0000 in the answer's
                 JSON, and a lone surrogate in the body's own JSON (as
                 Python's json.dumps() writes a str holding one)
                 alone (Latin-1's e acute), which is no UTF-8
  e501           501 not_supported_error, as llama-server answers for a
                 feature it was not started with
  kwstring       keywords as one comma-separated string with duplicates
  malformed      cut-off JSON, every time (repair fails too)
  malformed-once cut-off JSON, then good JSON (repair succeeds)
  length         finish_reason "length" with cut JSON, every time
  length-once    "length", then good
  length-cap     "length" while max_tokens is 1500 or less, a 400 that
                 says it is too large above (a model's own cap)
  ratelimit      429 rate_limit_error, Retry-After: 1 and
                 x-ratelimit-reset-requests: 1s; good once a second has
                 passed since that 429, then 429 again, and so on
  ratelimit-long 429 without Retry-After, x-ratelimit-reset-tokens: 6m0s
  ratelimit-date 429 with Retry-After as an HTTP date 3 s ahead
  ratelimit-ms   429 with retry-after-ms: 4500 alone (Azure OpenAI)
  ratelimit-bare 429 without Retry-After or x-ratelimit-* headers (as
                 Azure may answer)
  quota          429 insufficient_quota
  e500           500 server_error, every time (with x-ratelimit-reset-*
                 headers, the quota's, as OpenAI sends on every answer)
  e500-once      500, then good
  e502-html      502 with an HTML body
  hang           sleeps --hang seconds (default 30), then good
  no-schema      400 for response_format json_schema, else good
  no-format      400 for any response_format, else good
  refusal        message.content null, message.refusal set
  content-filter finish_reason "content_filter", content null
  empty          content "", every time
  empty-once     content "", then good
  no-usage       good, without usage
  context        400 context_length_exceeded when the user message is
                 longer than 400 characters, else good
  context-llama  the same as llama.cpp's llama-server says it: 400
                 {"error": {"code": 400, "message": "the request exceeds
                 the available context size, try increasing it",
                 "type": "exceed_context_size_error"}}, a number as code
  context-vllm   the same as vLLM says it: 400 {"error": {"message":
                 "'max_tokens' or 'max_completion_tokens' is too large:
                 N. This model's maximum context length is 100 tokens
                 and your request has M input tokens (...). None",
                 "type": "BadRequestError", "param": null, "code":
                 400}}; either field is taken, as vLLM takes both
  reasoning      like OpenAI's reasoning models: 400 for max_tokens (use
                 max_completion_tokens) and for a temperature other than 1
  slow-NAME      sleeps --delay seconds (default 2) before each answer,
                 then answers as NAME (one of the above): a slow server

Rate limits, as OpenAI enforces them (specs/llm-api.md section 5):
--rpm MODEL=N allows that model N requests a minute, spread evenly as
OpenAI quantizes its limits (a bucket of one request refilled every
60/N s); a request that comes sooner is 429 rate_limit_error with
Retry-After (whole seconds) and the x-ratelimit-* headers, and is not
served.  --rpm-slack (default 0.05 s) forgives that much network
jitter.  Only requests that pass the checks above count.

Any other model name is 404 model_not_found.  "Then" counts per model
name; POST /_reset clears the counters and the request log.

The good answer is derived from the first user message: lines holding
only a tag (<document>) or starting with "Title:" are dropped, the
summary is the first sentence of what is left, keywords are the first
five distinct words of five letters or more (lower case), insights are
the second sentence (if any) and a word count.

--slow-first RATE reads the body of the first request to the endpoint
at RATE bytes a second, from sockets with a small receive buffer, as a
far server behind a slow link does: a client cannot hand that body to
the kernel at once, and sends it as it is read.  GET /_slow tells how
it went: {"length": its Content-Length, "read": bytes read so far,
"cut": true once the client closed before sending it all (then it is
not answered)}; null before that request.

GET /_requests returns every request seen (except /_requests and
/_reset) as a JSON array of {method, path, headers, body, json,
auth_ok, t, status} (t: unix time it came, status: the answer's), and
usage, the answer's, when it had one: the Authorization value is
replaced by "Bearer <redacted>", json is the parsed body or null.
"""

import argparse
import email.utils
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENDPOINT = "/v1/chat/completions"
TOP_FIELDS = {
    "model", "messages", "temperature", "top_p", "n", "stream", "stop",
    "max_tokens", "max_completion_tokens", "presence_penalty",
    "frequency_penalty", "logit_bias", "user", "seed", "response_format",
}
ROLES = {"system", "user", "assistant"}
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SCENARIOS = {
    "ok", "fenced", "fenced-inline", "prose", "prose-example", "think",
    "think-noopen",
    "reasoning-content", "eos-token", "think-length", "tool-calls",
    "finish-error",
    "error-200", "bad-utf8", "surrogates", "e501", "kwstring", "malformed",
    "malformed-once", "length", "length-once", "length-cap", "ratelimit",
    "ratelimit-long", "ratelimit-bare", "ratelimit-date", "ratelimit-ms",
    "quota", "e500",
    "e500-once",
    "e502-html", "hang", "no-schema", "no-format", "refusal",
    "content-filter", "empty", "empty-once", "no-usage", "context",
    "context-llama", "context-vllm", "reasoning",
}


class State:
    def __init__(self, key, hang, rpm, slack, slow_rate=0, delay=2.0):
        self.key = key
        self.hang = hang
        self.delay = delay
        self.rpm = rpm
        self.slack = slack
        self.lock = threading.Lock()
        self.requests = []
        self.slow_rate = slow_rate
        self.slow = None
        self.counts = {}
        self.blocked = {}
        self.next_ok = {}
        self.stop = threading.Event()

    def reset(self):
        with self.lock:
            self.requests = []
            self.counts = {}
            self.blocked = {}
            self.next_ok = {}

    def take(self, model):
        """0 if a request of model may be served now, else the seconds
        to wait for its turn."""
        n = self.rpm.get(model)
        if n is None:
            return 0
        now = time.time()
        with self.lock:
            due = self.next_ok.get(model, 0)
            if now + self.slack < due:
                return due - now
            self.next_ok[model] = max(now, due) + 60.0 / n
            return 0

    def bump(self, model):
        """Return how many calls this model name had before this one."""
        with self.lock:
            n = self.counts.get(model, 0)
            self.counts[model] = n + 1
            return n


class BadRequest(Exception):
    def __init__(self, message, param=None, code=None):
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


def err_body(message, etype="invalid_request_error", param=None, code=None):
    return {"error": {"message": message, "type": etype, "param": param,
                      "code": code}}


def mask_key(k):
    if len(k) <= 8:
        return "*" * len(k)
    return k[:3] + "*" * (len(k) - 7) + k[-4:]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool))


def check_strict(schema, name, ctx):
    """Raise BadRequest unless schema obeys OpenAI's strict-mode rules."""
    if not isinstance(schema, dict):
        return
    where = "In context=(%s), " % ", ".join("'%s'" % c for c in ctx)
    pfx = "Invalid schema for response_format '%s': %s" % (name, where)
    if schema.get("type") == "object" or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            raise BadRequest(pfx + "'additionalProperties' is required to "
                             "be supplied and to be false.",
                             "response_format")
        props = schema.get("properties", {})
        if not isinstance(props, dict):
            raise BadRequest(pfx + "'properties' must be an object.",
                             "response_format")
        req = schema.get("required")
        if not isinstance(req, list):
            req = []
        missing = [k for k in props if k not in req]
        extra = [k for k in req if k not in props]
        if missing:
            raise BadRequest(pfx + "'required' is required to be supplied "
                             "and to be an array including every key in "
                             "properties. Missing '%s'." % missing[0],
                             "response_format")
        if extra:
            raise BadRequest(pfx + "Extra required key '%s' supplied."
                             % extra[0], "response_format")
        for k, v in props.items():
            check_strict(v, name, ctx + ["properties", k])
    if "items" in schema:
        check_strict(schema["items"], name, ctx + ["items"])
    for kw in ("anyOf", "allOf"):
        for i, sub in enumerate(schema.get(kw, []) or []):
            check_strict(sub, name, ctx + [kw, str(i)])
    for kw in ("$defs", "definitions"):
        for k, sub in (schema.get(kw, {}) or {}).items():
            check_strict(sub, name, ctx + [kw, k])


def validate(body):
    """Raise BadRequest like OpenAI for a bad chat-completions body."""
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    for k in body:
        if k not in TOP_FIELDS:
            raise BadRequest("Unrecognized request argument supplied: %s" % k)
    model = body.get("model")
    if model is None:
        raise BadRequest("you must provide a model parameter")
    if not isinstance(model, str) or not model:
        raise BadRequest("Invalid type for 'model': expected a string.",
                         "model", "invalid_type")
    msgs = body.get("messages")
    if msgs is None:
        raise BadRequest("Missing required parameter: 'messages'.",
                         "messages", "missing_required_parameter")
    if not isinstance(msgs, list):
        raise BadRequest("Invalid type for 'messages': expected an array.",
                         "messages", "invalid_type")
    if not msgs:
        raise BadRequest("Invalid 'messages': empty array. Expected an "
                         "array with minimum length 1, but got an empty "
                         "array instead.", "messages", "empty_array")
    for i, m in enumerate(msgs):
        p = "messages[%d]" % i
        if not isinstance(m, dict):
            raise BadRequest("Invalid type for '%s': expected an object."
                             % p, p, "invalid_type")
        for k in m:
            if k not in ("role", "content", "name"):
                raise BadRequest("Unrecognized request argument supplied: "
                                 "%s.%s" % (p, k), p)
        if m.get("role") not in ROLES:
            raise BadRequest("Invalid value: '%s'. Supported values are: "
                             "'system', 'user' and 'assistant'."
                             % m.get("role"), p + ".role", "invalid_value")
        if not isinstance(m.get("content"), str):
            raise BadRequest("Invalid type for '%s.content': expected a "
                             "string." % p, p + ".content", "invalid_type")
    if "temperature" in body:
        t = body["temperature"]
        if not is_num(t):
            raise BadRequest("Invalid type for 'temperature': expected a "
                             "number.", "temperature", "invalid_type")
        if t < 0 or t > 2:
            raise BadRequest("Invalid 'temperature': decimal above maximum "
                             "value. Expected a value <= 2, but got %s "
                             "instead." % t, "temperature",
                             "decimal_above_max_value")
    for k in ("max_tokens", "max_completion_tokens"):
        if k in body:
            v = body[k]
            if not is_int(v):
                raise BadRequest("Invalid type for '%s': expected an "
                                 "integer." % k, k, "invalid_type")
            if v < 1:
                raise BadRequest("Invalid '%s': integer below minimum "
                                 "value. Expected a value >= 1, but got %d "
                                 "instead." % (k, v), k,
                                 "integer_below_min_value")
    if "stream" in body and body["stream"] not in (False, None):
        raise BadRequest("stream must be false: this server does not "
                         "stream", "stream")
    if "n" in body and body["n"] != 1:
        raise BadRequest("n must be 1", "n")
    rf = body.get("response_format")
    if rf is not None:
        if not isinstance(rf, dict):
            raise BadRequest("Invalid type for 'response_format': expected "
                             "an object.", "response_format", "invalid_type")
        t = rf.get("type")
        if t not in ("text", "json_object", "json_schema"):
            raise BadRequest("Invalid value: '%s'. Supported values are: "
                             "'json_object', 'json_schema', and 'text'." % t,
                             "response_format.type", "invalid_value")
        for k in rf:
            if k not in ("type", "json_schema"):
                raise BadRequest("Unrecognized request argument supplied: "
                                 "response_format.%s" % k, "response_format")
        if t == "json_object":
            if not any("json" in m["content"].lower() for m in msgs):
                raise BadRequest("'messages' must contain the word 'json' "
                                 "in some form, to use 'response_format' of "
                                 "type 'json_object'.", "messages")
        if t == "json_schema":
            js = rf.get("json_schema")
            if not isinstance(js, dict):
                raise BadRequest("Missing required parameter: "
                                 "'response_format.json_schema'.",
                                 "response_format.json_schema",
                                 "missing_required_parameter")
            for k in js:
                if k not in ("name", "schema", "strict", "description"):
                    raise BadRequest("Unrecognized request argument "
                                     "supplied: response_format.json_schema"
                                     ".%s" % k, "response_format")
            name = js.get("name")
            if not isinstance(name, str) or not NAME_RE.match(name):
                raise BadRequest("Invalid 'response_format.json_schema."
                                 "name': string does not match pattern. "
                                 "Expected a string that matches the "
                                 "pattern '^[a-zA-Z0-9_-]+$'.",
                                 "response_format.json_schema.name",
                                 "invalid_value")
            schema = js.get("schema")
            if not isinstance(schema, dict):
                raise BadRequest("Invalid type for 'response_format."
                                 "json_schema.schema': expected an object.",
                                 "response_format.json_schema.schema",
                                 "invalid_type")
            strict = js.get("strict", False)
            if not isinstance(strict, bool):
                raise BadRequest("Invalid type for 'response_format."
                                 "json_schema.strict': expected a boolean.",
                                 "response_format.json_schema.strict",
                                 "invalid_type")
            if strict:
                if schema.get("type") != "object":
                    raise BadRequest("Invalid schema for response_format "
                                     "'%s': schema must be a JSON Schema of "
                                     "'type: \"object\"'." % name,
                                     "response_format")
                check_strict(schema, name, [])


def page_text(body):
    for m in body["messages"]:
        if m["role"] == "user":
            return m["content"]
    return ""


SENT_RE = re.compile(r"(.+?[.!?])(?:\s|$)", re.S)


def good_answer(body):
    lines = []
    for ln in page_text(body).splitlines():
        s = ln.strip()
        if re.fullmatch(r"</?[A-Za-z_][^<>]*>", s):
            continue
        if s.lower().startswith("title:"):
            continue
        lines.append(s)
    text = " ".join(" ".join(lines).split())
    sents = [s.strip() for s in SENT_RE.findall(text)]
    if not sents and text:
        sents = [text]
    summary = sents[0] if sents else ""
    words, seen = [], set()
    for w in re.findall(r"[^\W\d_]{5,}", text):
        lw = w.lower()
        if lw not in seen:
            seen.add(lw)
            words.append(lw)
        if len(words) == 5:
            break
    insights = []
    if len(sents) > 1:
        insights.append(sents[1])
    insights.append("The text has %d words." % len(text.split()))
    return {"summary": summary, "keywords": words, "insights": insights,
            "language": "en"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return "fake-openai/1"

    @property
    def st(self):
        return self.server.state

    # -- plumbing

    def send(self, status, obj=None, raw=None, ctype="application/json",
             headers=None):
        if raw is None:
            raw = json.dumps(obj).encode()
        entry = getattr(self, "entry", None)
        if entry is not None:
            entry["status"] = status
            if isinstance(obj, dict) and "usage" in obj:
                entry["usage"] = obj["usage"]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("x-request-id", "req_" + uuid.uuid4().hex)
        self.send_header("openai-processing-ms", "7")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def read_body(self):
        n = self.headers.get("Content-Length")
        if n is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return self.read_chunked()
            return b""
        with self.st.lock:
            slow = self.st.slow_rate > 0 and self.st.slow is None and \
                self.command == "POST" and \
                self.path.split("?", 1)[0] == ENDPOINT
            if slow:
                self.st.slow = {"length": int(n), "read": 0, "cut": False}
        if not slow:
            return self.rfile.read(int(n))
        out, total = bytearray(), int(n)
        step = max(1, self.st.slow_rate // 20)
        while len(out) < total:
            b = self.rfile.read1(min(step, total - len(out)))
            if not b:
                with self.st.lock:
                    self.st.slow["cut"] = True
                return None
            out += b
            with self.st.lock:
                self.st.slow["read"] = len(out)
            time.sleep(len(b) / self.st.slow_rate)
        return bytes(out)

    def read_chunked(self):
        out = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += self.rfile.read(size)
            self.rfile.readline()

    def record(self, body):
        hdrs = {}
        for k, v in self.headers.items():
            if k.lower() == "authorization":
                v = "Bearer <redacted>" if v.startswith("Bearer ") \
                    else "<redacted>"
            hdrs[k] = v
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            parsed = None
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": hdrs,
            "body": body.decode("utf-8", "replace"),
            "json": parsed,
            "auth_ok": self.headers.get("Authorization") ==
            "Bearer " + self.st.key,
            "t": time.time(),
            "status": None,
        }
        self.entry = entry
        with self.st.lock:
            self.st.requests.append(entry)

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

    def dispatch(self):
        self.entry = None
        body = self.read_body()
        if body is None:
            self.close_connection = True
            return
        path = self.path.split("?", 1)[0]
        if path == "/_slow" and self.command == "GET":
            with self.st.lock:
                data = dict(self.st.slow) if self.st.slow else None
            return self.send(200, data)
        if path == "/_requests" and self.command == "GET":
            with self.st.lock:
                data = list(self.st.requests)
            return self.send(200, data)
        if path == "/_reset" and self.command == "POST":
            self.st.reset()
            return self.send(200, {"ok": True})
        self.record(body)
        if path != ENDPOINT:
            return self.send(404, err_body("Invalid URL (%s %s)"
                                           % (self.command, path)))
        if self.command != "POST":
            return self.send(405, err_body("Method %s not allowed for %s; "
                                           "use POST" % (self.command, path)),
                             headers={"Allow": "POST"})
        auth = self.headers.get("Authorization")
        if auth is None or not auth.startswith("Bearer ") or \
                not auth[7:].strip():
            return self.send(401, err_body(
                "You didn't provide an API key. You need to provide your "
                "API key in an Authorization header using Bearer auth "
                "(i.e. Authorization: Bearer YOUR_KEY).",
                code="invalid_api_key"))
        if auth[7:] != self.st.key:
            return self.send(401, err_body(
                "Incorrect API key provided: %s. You can find your API key "
                "at https://platform.openai.com/account/api-keys."
                % mask_key(auth[7:]), code="invalid_api_key"))
        ctype = self.headers.get("Content-Type", "")
        if ctype.split(";")[0].strip().lower() != "application/json":
            return self.send(400, err_body(
                "Invalid Content-Type header (%s), expected "
                "application/json." % (ctype or "none")))
        if self.headers.get("Content-Length") is None:
            return self.send(411, err_body("Content-Length required"))
        try:
            req = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return self.send(400, err_body(
                "We could not parse the JSON body of your request. (HINT: "
                "This likely means you aren't using your HTTP library "
                "correctly. The OpenAI API expects a JSON payload, but what "
                "was sent was not valid JSON."))
        try:
            validate(req)
        except BadRequest as e:
            return self.send(400, err_body(e.message, param=e.param,
                                           code=e.code))
        model = req["model"]
        slow = model.startswith("slow-") and model[5:] in SCENARIOS
        if model not in SCENARIOS and not slow:
            return self.send(404, err_body(
                "The model `%s` does not exist or you do not have access "
                "to it." % model, code="model_not_found"))
        wait = self.st.take(model)
        if wait > 0:
            n = self.st.rpm[model]
            secs = max(1, int(wait + 0.999))
            return self.send(429, err_body(
                "Rate limit reached for %s in organization org-fake on "
                "requests per min (RPM): Limit %d, Used %d, Requested 1. "
                "Please try again in %.3fs." % (model, n, n, wait),
                etype="requests", code="rate_limit_exceeded"), headers={
                    "Retry-After": str(secs),
                    "x-ratelimit-limit-requests": str(n),
                    "x-ratelimit-remaining-requests": "0",
                    "x-ratelimit-reset-requests": "%.3fs" % wait})
        if slow:
            if self.st.stop.wait(self.st.delay):
                return None
            model = model[5:]
        return self.scenario(model, req)

    # -- answers

    def complete(self, req, content, finish="stop", refusal=None,
                 usage=True, dry=False):
        msg = {"role": "assistant", "content": content}
        if refusal is not None:
            msg["refusal"] = refusal
        prompt = sum(len(m["content"]) for m in req["messages"]) // 4 + 1
        comp = len(content or "") // 4 + 1
        if finish == "length":
            comp = req.get("max_tokens", 16)
        out = {
            "id": "chatcmpl-" + uuid.uuid4().hex[:24],
            "object": "chat.completion",
            "created": int(time.time()),
            "model": req["model"],
            "choices": [{"index": 0, "message": msg,
                         "finish_reason": finish, "logprobs": None}],
        }
        if usage:
            out["usage"] = {"prompt_tokens": prompt,
                            "completion_tokens": comp,
                            "total_tokens": prompt + comp}
        out["system_fingerprint"] = "fp_fake"
        if dry:
            return out
        return self.send(200, out)

    def good(self, req, usage=True):
        return self.complete(req, json.dumps(good_answer(req)), usage=usage)

    def ratelimit(self, req, model):
        now = time.time()
        with self.st.lock:
            until = self.st.blocked.get(model)
            if until is not None and now >= until:
                del self.st.blocked[model]
                ok = True
            else:
                ok = False
                if until is None:
                    until = now + 1.0
                    self.st.blocked[model] = until
        if ok:
            return self.good(req)
        wait = max(1, int(until - now + 0.999))
        return self.send(429, err_body(
            "Rate limit reached for %s in organization org-fake on "
            "requests per min (RPM): Limit 3, Used 3, Requested 1. Please "
            "try again in %ds." % (model, wait), etype="rate_limit_error",
            code="rate_limit_exceeded"), headers={
                "Retry-After": str(wait),
                "x-ratelimit-limit-requests": "3",
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": "%ds" % wait,
                "x-ratelimit-limit-tokens": "40000",
                "x-ratelimit-remaining-tokens": "39000",
                "x-ratelimit-reset-tokens": "12ms"})

    def scenario(self, model, req):
        n = self.st.bump(model)
        # as a real service filters on content, whatever the model:
        # a page saying FLAGGED-BY-FILTER is refused by the filter
        if "FLAGGED-BY-FILTER" in page_text(req):
            return self.complete(req, None, finish="content_filter")
        ans = good_answer(req)
        doc = json.dumps(ans)
        rf = req.get("response_format")
        if model == "ok" or (model.endswith("-once") and n % 2 == 1):
            return self.good(req)
        if model == "no-usage":
            return self.good(req, usage=False)
        if model == "fenced":
            return self.complete(req, "```json\n%s\n```\n" % doc)
        if model == "fenced-inline":
            return self.complete(req, "```json%s```" % doc)
        if model == "prose":
            ans["insights"].append("Braces } and { and \"quotes\" inside "
                                   "a string.")
            return self.complete(req, "Sure! Here is the JSON you asked for "
                                 "(as {requested}):\n\n%s\n\nLet me know if "
                                 "you need anything else." % json.dumps(ans))
        if model == "prose-example":
            return self.complete(req, "The format is like {\"a\": 1, "
                                 "\"b\": {\"c\": 2}}. The answer:\n%s\n"
                                 % doc)
        if model == "think":
            return self.complete(req, "<think>\nThe user wants a summary. "
                                 "I could answer {\"summary\": 1} but let me "
                                 "think harder.\n</think>\n\n" + doc)
        if model == "think-noopen":
            draft = dict(ans, summary="DRAFT from the reasoning.")
            return self.complete(req, "The user wants JSON. A draft: %s "
                                 "hmm, better:\n</think>\n\n%s"
                                 % (json.dumps(draft), doc))
        if model == "reasoning-content":
            out = self.complete(req, None, dry=True)
            out["choices"][0]["message"]["reasoning_content"] = doc
            return self.send(200, out)
        if model == "think-length":
            mt = req.get("max_completion_tokens", req.get("max_tokens", 16))
            if mt >= 2000:
                return self.good(req)
            out = self.complete(req, "", finish="length", dry=True)
            out["usage"]["completion_tokens"] = mt
            out["usage"]["completion_tokens_details"] = {
                "reasoning_tokens": mt}
            return self.send(200, out)
        if model == "eos-token":
            return self.complete(req, doc, finish="eos_token")
        if model == "tool-calls":
            return self.complete(req, None, finish="tool_calls")
        if model == "finish-error":
            return self.complete(req, "", finish="error")
        if model == "error-200":
            return self.send(200, err_body("The upstream model is "
                                           "overloaded.", "server_error"))
        if model == "bad-utf8":
            ans["insights"].append("Caf@E9@ au lait.")
            out = self.complete(req, json.dumps(ans), dry=True)
            return self.send(200, out, raw=json.dumps(out).encode().replace(
                b"@E9@", b"\xe9"))
        if model == "surrogates":
            ans["summary"] = "Grin @P@ lone @H@ and @L@ nul @N@ end."
            ans["insights"].append("Outer @O@ lone.")
            doc = json.dumps(ans)
            # @O@ a lone surrogate itself, which the body's json.dumps()
            # writes as \ud800; the others escapes in the answer's JSON
            for k, v in (("@P@", "\\ud83d\\ude00"), ("@H@", "\\ud800"),
                         ("@L@", "\\udc00"), ("@N@", "\\u0000"),
                         ("@O@", "\ud800")):
                doc = doc.replace(k, v)
            return self.complete(req, doc)
        if model == "e501":
            return self.send(501, err_body("tools param requires --jinja "
                                           "flag", "not_supported_error"))
        if model == "kwstring":
            ans["keywords"] = "Alpha, beta ,alpha,  , Gamma  delta,beta"
            return self.complete(req, json.dumps(ans))
        if model == "malformed" or (model == "malformed-once" and n % 2 == 0):
            return self.complete(req, doc[:len(doc) // 2] + ", \"keyw")
        if model == "length" or (model == "length-once" and n % 2 == 0):
            return self.complete(req, doc[:len(doc) // 2], finish="length")
        if model == "length-cap":
            mt = req.get("max_completion_tokens", req.get("max_tokens", 16))
            if mt > 1500:
                return self.send(400, err_body(
                    "max_tokens is too large: %d. This model supports at "
                    "most 1500 completion tokens, whereas you provided %d."
                    % (mt, mt), param="max_tokens"))
            return self.complete(req, doc[:len(doc) // 2], finish="length")
        if model == "empty" or (model == "empty-once" and n % 2 == 0):
            return self.complete(req, "")
        if model == "ratelimit":
            return self.ratelimit(req, model)
        if model == "ratelimit-long":
            return self.send(429, err_body(
                "Rate limit reached for tokens per min (TPM).",
                etype="tokens", code="rate_limit_exceeded"), headers={
                    "x-ratelimit-reset-requests": "120ms",
                    "x-ratelimit-reset-tokens": "6m0s"})
        if model == "ratelimit-ms":
            return self.send(429, err_body(
                "Rate limit is exceeded. Try again later.",
                etype="rate_limit_error", code="429"),
                headers={"retry-after-ms": "4500"})
        if model == "ratelimit-bare":
            return self.send(429, err_body(
                "Rate limit is exceeded. Try again later.",
                etype="rate_limit_error", code="429"))
        if model == "ratelimit-date":
            when = email.utils.formatdate(time.time() + 3, usegmt=True)
            return self.send(429, err_body(
                "Rate limit reached.", etype="rate_limit_error",
                code="rate_limit_exceeded"), headers={"Retry-After": when})
        if model == "quota":
            return self.send(429, err_body(
                "You exceeded your current quota, please check your plan "
                "and billing details.", etype="insufficient_quota",
                code="insufficient_quota"))
        if model == "e500" or (model == "e500-once" and n % 2 == 0):
            # OpenAI sends its quota's headers on every answer
            return self.send(500, err_body(
                "The server had an error while processing your request. "
                "Sorry about that!", etype="server_error"),
                headers={"x-ratelimit-reset-tokens": "6m0s",
                         "x-ratelimit-reset-requests": "1s"})
        if model == "e502-html":
            return self.send(502, raw=b"<html>\r\n<head><title>502 Bad "
                             b"Gateway</title></head>\r\n<body>\r\n<center>"
                             b"<h1>502 Bad Gateway</h1></center>\r\n"
                             b"</body>\r\n</html>\r\n",
                             ctype="text/html")
        if model == "hang":
            if self.st.stop.wait(self.st.hang):
                return None
            return self.good(req)
        if model == "no-schema":
            if rf is not None and rf.get("type") == "json_schema":
                return self.send(400, err_body(
                    "response_format json_schema is not supported",
                    param="response_format"))
            return self.good(req)
        if model == "no-format":
            if rf is not None:
                return self.send(400, err_body(
                    "response_format is not supported by this model",
                    param="response_format"))
            return self.good(req)
        if model == "refusal":
            return self.complete(req, None, refusal="I'm sorry, I can't "
                                 "help with that request.")
        if model == "content-filter":
            return self.complete(req, None, finish="content_filter")
        if model == "context":
            if len(page_text(req)) > 400:
                return self.send(400, err_body(
                    "This model's maximum context length is 100 tokens. "
                    "However, your messages resulted in %d tokens. Please "
                    "reduce the length of the messages."
                    % (len(page_text(req)) // 4), param="messages",
                    code="context_length_exceeded"))
            return self.good(req)
        if model == "context-llama":
            if len(page_text(req)) > 400:
                return self.send(400, {"error": {
                    "code": 400, "message": "the request exceeds the "
                    "available context size, try increasing it",
                    "type": "exceed_context_size_error"}})
            return self.good(req)
        if model == "context-vllm":
            if len(page_text(req)) > 400:
                n = req.get("max_tokens", req.get("max_completion_tokens"))
                m = len(page_text(req)) // 4
                return self.send(400, {"error": {
                    "message": "'max_tokens' or 'max_completion_tokens' "
                    "is too large: %s. This model's maximum context length "
                    "is 100 tokens and your request has %d input tokens "
                    "(%s > 100 - %d). None" % (n, m, n, m),
                    "type": "BadRequestError", "param": None, "code": 400}})
            return self.good(req)
        if model == "reasoning":
            if "max_tokens" in req:
                return self.send(400, err_body(
                    "Unsupported parameter: 'max_tokens' is not supported "
                    "with this model. Use 'max_completion_tokens' instead.",
                    param="max_tokens", code="unsupported_parameter"))
            if req.get("temperature", 1) != 1:
                return self.send(400, err_body(
                    "Unsupported value: 'temperature' does not support %s "
                    "with this model. Only the default (1) value is "
                    "supported." % req["temperature"], param="temperature",
                    code="unsupported_value"))
            return self.good(req)
        return self.send(500, err_body("unhandled scenario " + model))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # many requests at once (bench/engine.sh: 200 in flight) must not
    # wait for a SYN retransmit because the accept backlog is full
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # a client that gave up (timeouts) is not an error of the fake
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description="fake OpenAI chat server")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--key", default="sk-fake-test-key")
    ap.add_argument("--hang", type=float, default=30.0)
    ap.add_argument("--delay", type=float, default=2.0)
    ap.add_argument("--rpm", action="append", default=[],
                    metavar="MODEL=N")
    ap.add_argument("--rpm-slack", type=float, default=0.05)
    ap.add_argument("--slow-first", type=int, default=0, metavar="RATE")
    args = ap.parse_args()
    rpm = {}
    for spec in args.rpm:
        model, _, n = spec.partition("=")
        if not model or not n.isdigit() or int(n) < 1:
            ap.error("--rpm %s: want MODEL=N, N >= 1" % spec)
        rpm[model] = int(n)

    srv = Server(("127.0.0.1", 0), Handler, bind_and_activate=False)
    if args.slow_first > 0:
        # accepted sockets inherit it: a small window for the client
        srv.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    srv.server_bind()
    srv.server_activate()
    srv.state = State(args.key, args.hang, rpm, args.rpm_slack,
                      args.slow_first, args.delay)

    def stop(signum, frame):
        srv.state.stop.set()
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
