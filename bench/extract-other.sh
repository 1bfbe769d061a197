#!/bin/sh
# bench/extract-other.sh - score tq-extract on two public test sets it
# was not tuned on: Mozilla Readability's test pages (source.html and
# the expected.html that Readability.js makes of it) and trafilatura's
# evaluation pages (with each, sentences its text must hold and
# boilerplate it must not).  Both come from a clone of the project's
# repository, named on the command line; nothing is fetched.  Builds
# nothing: `make tq-extract` first.
#
#	sh bench/extract-other.sh [-r READABILITY-CLONE] [-t TRAFILATURA-CLONE]
#
# Readability's pages are scored as the modern benchmark scores a page
# (word 4-grams: precision, recall, F1 of the mean precision and mean
# recall), against the text of expected.html; trafilatura's by the
# share of "with" sentences found and of "without" ones found, after
# collapsing white space and case, as its own evaluation does, and by
# the precision, recall and F1 of those counts.  Per-page results go to
# bench/out/other-readability.tsv and bench/out/other-trafilatura.tsv.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
rjs= traf=
while getopts r:t: opt; do
	case $opt in
	r) rjs=$OPTARG ;;
	t) traf=$OPTARG ;;
	*) echo "usage: sh bench/extract-other.sh [-r DIR] [-t DIR]" >&2; exit 2 ;;
	esac
done
[ -n "$rjs$traf" ] || { echo "bench/extract-other.sh: name a clone with -r or -t" >&2; exit 2; }
[ -x "$root/tq-extract" ] || { echo "bench/extract-other.sh: build tq-extract first (make tq-extract)" >&2; exit 2; }
[ -z "$rjs" ] || [ -d "$rjs/test/test-pages" ] || { echo "bench/extract-other.sh: $rjs: no test/test-pages" >&2; exit 2; }
[ -z "$traf" ] || [ -f "$traf/tests/evaldata.json" ] || { echo "bench/extract-other.sh: $traf: no tests/evaldata.json" >&2; exit 2; }
mkdir -p "$root/bench/out"

python3 - "$root" "$rjs" "$traf" <<'PY'
import html.parser, json, os, re, subprocess, sys
from collections import Counter

root, rjs, traf = sys.argv[1:4]
tq = os.path.join(root, 'tq-extract')
out = os.path.join(root, 'bench', 'out')
word = re.compile(r'\w+')

def extract(path, url=None):
    env = dict(os.environ)
    env.pop('EXTRACT_URL', None)
    if url and url.startswith(('http://', 'https://')):
        env['EXTRACT_URL'] = url
    with open(path, 'rb') as f:
        r = subprocess.run([tq, '--text'], stdin=f, capture_output=True,
                           env=env, timeout=60)
    return r.stdout.decode('utf-8', 'replace')

class Text(html.parser.HTMLParser):
    """The text of expected.html, a line break at each block."""
    blocks = {'p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
              'tr', 'pre', 'blockquote', 'dt', 'dd', 'figcaption'}
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style'):
            self.skip += 1
        if tag in self.blocks:
            self.parts.append('\n')
    def handle_endtag(self, tag):
        if tag in ('script', 'style') and self.skip:
            self.skip -= 1
    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

def shingles(text):
    t = word.findall(text)
    if len(t) < 4:
        return Counter([tuple(t)]) if t else Counter()
    return Counter(tuple(t[i:i + 4]) for i in range(len(t) - 3))

if rjs:
    pages = os.path.join(rjs, 'test', 'test-pages')
    ps, rs, rows = [], [], []
    for name in sorted(os.listdir(pages)):
        src = os.path.join(pages, name, 'source.html')
        exp = os.path.join(pages, name, 'expected.html')
        if not (os.path.isfile(src) and os.path.isfile(exp)):
            continue
        p = Text()
        with open(exp, encoding='utf-8', errors='replace') as f:
            p.feed(f.read())
        t, o = shingles(''.join(p.parts)), shingles(extract(src))
        tp = sum((t & o).values())
        pr = tp / sum(o.values()) if o else 0.0
        rc = tp / sum(t.values()) if t else 0.0
        ps.append(pr)
        rs.append(rc)
        rows.append('%s\t%.4f\t%.4f' % (name, pr, rc))
    P, R = sum(ps) / len(ps), sum(rs) / len(rs)
    with open(os.path.join(out, 'other-readability.tsv'), 'w') as f:
        f.write('page\tprecision\trecall\n' + '\n'.join(rows) + '\n')
    print('Readability test pages: %d  F1 %.3f (P %.3f / R %.3f)' %
          (len(ps), 2 * P * R / (P + R) if P + R else 0, P, R))

if traf:
    norm = lambda s: re.sub(r'\s+', ' ', s).strip().lower()
    with open(os.path.join(traf, 'tests', 'evaldata.json'),
              encoding='utf-8') as f:
        ev = json.load(f)
    w = wn = o = on = n = 0
    rows = []
    for url, g in ev.items():
        path = None
        for d in ('eval', 'cache'):
            cand = os.path.join(traf, 'tests', d, g['file'])
            if os.path.isfile(cand):
                path = cand
                break
        if path is None:
            continue
        n += 1
        t = norm(extract(path, url))
        miss = [s for s in g.get('with', []) if norm(s) and norm(s) not in t]
        found = [s for s in g.get('without', []) if norm(s) and norm(s) in t]
        wn += sum(1 for s in g.get('with', []) if norm(s))
        on += sum(1 for s in g.get('without', []) if norm(s))
        w += sum(1 for s in g.get('with', []) if norm(s)) - len(miss)
        o += len(found)
        rows.append('%s\t%d\t%d' % (g['file'], len(miss), len(found)))
    P = w / (w + o) if w + o else 0.0
    R = w / wn if wn else 0.0
    with open(os.path.join(out, 'other-trafilatura.tsv'), 'w') as f:
        f.write('file\twith_missed\twithout_found\n' + '\n'.join(rows) + '\n')
    print('trafilatura evaluation pages: %d  with found %.3f (%d)  '
          'without found %.3f (%d)  P %.3f R %.3f F1 %.3f' %
          (n, R, wn, o / on if on else 0, on, P, R,
           2 * P * R / (P + R) if P + R else 0))
PY
