#!/usr/bin/env python3
"""promcheck.py - a strict reader of Prometheus's text exposition format
(0.0.4), for the tests: reads stdin, fails (exit 1, a reason on stderr)
on anything a Prometheus server or promtool would reject or warn about,
and prints each sample as `name{labels} value` in a canonical form
(labels sorted) for the test to grep.

Checked: HELP and TYPE once per family and before its samples; types
counter, gauge, histogram, summary, untyped; metric and label names;
label values quoted with valid escapes; values are floats (NaN, +Inf,
-Inf allowed); no duplicate series; counters named *_total; histograms
with _bucket series (le labels, increasing bounds, cumulative counts,
a +Inf bucket equal to _count) and a _sum and _count per label set;
every family's samples contiguous.
"""
import re
import sys

NAME = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*$')
LNAME = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*$')
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)')


def fail(n, why):
    sys.stderr.write("promcheck: line %d: %s\n" % (n, why))
    sys.exit(1)


def value(n, s):
    if s in ("NaN", "+Inf", "-Inf"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    try:
        return float(s)
    except ValueError:
        fail(n, "bad value %r" % s)


def labels(n, s):
    out, pos = {}, 0
    s = s or ""
    while pos < len(s):
        m = LABEL.match(s, pos)
        if not m:
            fail(n, "bad labels %r" % s)
        if m.group(1) in out:
            fail(n, "label %s twice" % m.group(1))
        out[m.group(1)] = m.group(2)
        pos = m.end()
    return out


def main():
    help_, type_, seen, done = {}, {}, set(), set()
    current = None
    hist = {}
    for n, line in enumerate(sys.stdin.read().split("\n"), 1):
        if line == "":
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.match(name):
                    fail(n, "bad metric name %r" % name)
                d = help_ if parts[1] == "HELP" else type_
                if name in d:
                    fail(n, "%s %s twice" % (parts[1], name))
                if name in done:
                    fail(n, "%s for %s after its samples" % (parts[1], name))
                if parts[1] == "TYPE":
                    if len(parts) != 4 or parts[3] not in (
                            "counter", "gauge", "histogram", "summary",
                            "untyped"):
                        fail(n, "bad TYPE line")
                    if parts[3] == "counter" and not name.endswith("_total"):
                        fail(n, "counter %s not named *_total" % name)
                    type_[name] = parts[3]
                else:
                    if len(parts) != 4 or not parts[3].strip():
                        fail(n, "empty HELP")
                    help_[name] = parts[3]
            continue
        m = SAMPLE.match(line)
        if not m:
            fail(n, "not a sample: %r" % line)
        name, lab, v = m.group(1), labels(n, m.group(3)), value(n, m.group(4))
        fam = name
        for suf in ("_bucket", "_sum", "_count"):
            if name.endswith(suf) and type_.get(name[:-len(suf)]) == "histogram":
                fam = name[:-len(suf)]
        if fam not in type_:
            fail(n, "sample of %s without TYPE" % fam)
        if fam not in help_:
            fail(n, "sample of %s without HELP" % fam)
        if current != fam:
            if fam in done:
                fail(n, "samples of %s not contiguous" % fam)
            if current is not None:
                done.add(current)
            current = fam
        key = (name, tuple(sorted(lab.items())))
        if key in seen:
            fail(n, "duplicate series %s%s" % key)
        seen.add(key)
        if type_[fam] == "counter" and v < 0:
            fail(n, "negative counter")
        if type_[fam] == "histogram":
            rest = tuple(sorted((k, x) for k, x in lab.items() if k != "le"))
            h = hist.setdefault((fam, rest), {"b": [], "sum": None, "count": None})
            if name.endswith("_bucket"):
                if "le" not in lab:
                    fail(n, "bucket without le")
                h["b"].append((value(n, lab["le"]), v))
            elif name.endswith("_sum"):
                h["sum"] = v
            elif name.endswith("_count"):
                h["count"] = v
            else:
                fail(n, "bare histogram sample")
        print("%s{%s} %s" % (name, ",".join('%s="%s"' % kv for kv in sorted(lab.items())), m.group(4)))
    for (fam, rest), h in hist.items():
        b = h["b"]
        if not b or b[-1][0] != float("inf"):
            fail(0, "%s%s: no +Inf bucket last" % (fam, rest))
        for i in range(1, len(b)):
            if b[i][0] <= b[i - 1][0]:
                fail(0, "%s: bucket bounds not increasing" % fam)
            if b[i][1] < b[i - 1][1]:
                fail(0, "%s: buckets not cumulative" % fam)
        if h["sum"] is None or h["count"] is None:
            fail(0, "%s%s: no _sum or _count" % (fam, rest))
        if h["count"] != b[-1][1]:
            fail(0, "%s: _count is not the +Inf bucket" % fam)


main()
