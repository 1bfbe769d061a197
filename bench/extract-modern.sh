#!/bin/sh
# bench/extract-modern.sh - score tq-extract on the modern-web
# extraction benchmark (300 pages of every type: articles, forums,
# products, documentation, service pages, listings, collections):
# F1 overall and per page type, the share of "with" sentences found
# and of "without" boilerplate found, and the time tq-extract takes
# beside tidy merely parsing the same pages, in the same run.  If
# readability-lxml (Debian: python3-readability) is installed, it is
# scored in the same run for comparison, and so is Mozilla's
# Readability.js if node is there and `npm install` was run in bench/js
# (its package.json pins the versions).  Builds nothing: `make
# tq-extract` first.
#
#	sh bench/extract-modern.sh [-n] [run-extractor.sh options]
#
# -n skips the timing beside tidy and readability-lxml (a quick score).
# The data come from $TQ_SHARED/data/extraction-modern-dev, TQ_SHARED
# defaulting to ../shared beside the repository; the outputs go to
# bench/out/modern-* (per-item.tsv, summary.txt, predictions.json).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${TQ_SHARED:-$root/../shared}
data=$shared/data/extraction-modern-dev
out=$root/bench/out
quick=0
if [ "${1:-}" = -n ]; then
	quick=1
	shift
fi

[ -x "$root/tq-extract" ] || { echo "bench/extract-modern.sh: build tq-extract first (make tq-extract)" >&2; exit 2; }
[ -f "$data/ground-truth.json" ] || { echo "bench/extract-modern.sh: no benchmark data in $data" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/extract-modern.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

runner=$data/run-extractor.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tq-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ ! -d "$data/data" ]; then
	for f in run-extractor.sh evaluate.py snippets.py; do
		ln -s "$data/$f" "$tmp/$f"
	done
	ln -s "$data" "$tmp/data"
	runner=$tmp/run-extractor.sh
fi

mkdir -p "$out"
cd "$root"
names=tq
"$runner" --out "$out/modern-tq" --name tq "$@" './tq-extract --text' \
    > "$out/modern-tq.log" 2>&1 || { cat "$out/modern-tq.log" >&2; exit 1; }
if [ $quick = 0 ] && command -v tidy >/dev/null; then
	# speed: tq-extract and tidy merely parsing, page by page in turn,
	# so that the load of a shared machine weighs on both alike
	names="$names tidy-parse"
	python3 - "$data" "$root/tq-extract" "$out/modern-speed.txt" <<'PY'
import gzip, json, os, subprocess, sys, time
data, tq, outf = sys.argv[1:4]
gt = json.load(open(os.path.join(data, 'ground-truth.json'), encoding='utf-8'))
t_tq = t_tidy = 0.0
for rnd in range(2):
    for i in sorted(gt):
        html = gzip.open(os.path.join(data, 'html', i + '.html.gz')).read()
        a = time.perf_counter()
        subprocess.run([tq, '--text'], input=html, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=dict(os.environ, EXTRACT_URL=gt[i].get('url', '')))
        b = time.perf_counter()
        subprocess.run(['tidy', '-q', '-errors'], input=html,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c = time.perf_counter()
        t_tq += b - a
        t_tidy += c - b
open(outf, 'w').write('%f %f\n' % (t_tq, t_tidy))
PY
fi
# Debian's python3-readability lives in the system python3
rlpy=
for py in python3 /usr/bin/python3; do
	if command -v $py >/dev/null && $py -c 'import readability' 2>/dev/null; then
		rlpy=$py
		break
	fi
done
if [ $quick = 0 ] && [ -n "$rlpy" ]; then
	names="$names readability-lxml"
	cat > "$tmp/rl.py" <<'PY'
import re, sys
from lxml import html as lh
from readability import Document
s = sys.stdin.read()
try:
    d = Document(s).summary(html_partial=True)
    print(re.sub(r'[ \t]+', ' ', lh.fromstring(d).text_content()).strip())
except Exception as e:
    sys.exit(str(e))
PY
	"$runner" --out "$out/modern-readability-lxml" --name readability-lxml "$@" \
	    "$rlpy $tmp/rl.py" \
	    > "$out/modern-readability-lxml.log" 2>&1 || { cat "$out/modern-readability-lxml.log" >&2; exit 1; }
fi

# Mozilla's Readability.js (jsdom), when `npm install` was run in
# bench/js: jsdom takes a second or two to start, so pages get 60 s
# rather than 10 and the 300 take some 10 to 20 minutes
if [ $quick = 0 ] && command -v node >/dev/null &&
    [ -d "$root/bench/js/node_modules/@mozilla/readability" ]; then
	names="$names readability.js"
	"$runner" --out "$out/modern-readability.js" --name readability.js \
	    --timeout 60 "$@" \
	    "node $root/bench/js/readability.js" \
	    > "$out/modern-readability.js.log" 2>&1 || { cat "$out/modern-readability.js.log" >&2; exit 1; }
fi

python3 - "$out" "$data/ground-truth.json" "$(dirname "$runner")/snippets.py" $names <<'PY'
import json, os, re, subprocess, sys
out, gtp, snip = sys.argv[1:4]
names = sys.argv[4:]
gt = json.load(open(gtp, encoding='utf-8'))
def f1(rows):
    ps = [r[0] for r in rows if r[0] is not None]
    rs = [r[1] for r in rows if r[1] is not None]
    p = sum(ps) / len(ps) if ps else 0
    r = sum(rs) / len(rs) if rs else 0
    return (2 * p * r / (p + r) if p + r else 0), p, r
def wall(d):
    for l in open(os.path.join(d, 'summary.txt')):
        if l.startswith('total wall:'):
            return float(l.split()[2])
walls = {}
types = sorted({g['page_type'] for g in gt.values()},
    key=lambda t: -sum(1 for g in gt.values() if g['page_type'] == t))
table = {}
for n in names:
    d = os.path.join(out, 'modern-' + n)
    if n == 'tidy-parse':
        t_tq, t_tidy = map(float, open(os.path.join(out, 'modern-speed.txt')).read().split())
        continue
    walls[n] = wall(d)
    rows = {}
    with open(os.path.join(d, 'per-item.tsv')) as f:
        hdr = f.readline().rstrip('\n').split('\t')
        for l in f:
            v = dict(zip(hdr, l.rstrip('\n').split('\t')))
            num = lambda k: float(v[k]) if v.get(k) not in (None, '', 'nan', 'None', '-') else None
            rows[v[hdr[0]]] = (num('precision'), num('recall'))
    table[n] = {'all': f1(list(rows.values()))}
    for t in types:
        table[n][t] = f1([rows[i] for i in rows if gt[i]['page_type'] == t])
    s = subprocess.run([sys.executable, snip, os.path.join(d, 'predictions.json')],
        capture_output=True, text=True).stdout
    m = re.search(r'with ([\d.]+) .*without ([\d.]+)', s)
    table[n]['snip'] = (float(m.group(1)), float(m.group(2))) if m else (0, 0)
ex = [n for n in names if n != 'tidy-parse']
print('%-20s' % 'F1 (P / R)' + ''.join('%-24s' % n for n in ex))
for t in ['all'] + types:
    cnt = len(gt) if t == 'all' else sum(1 for g in gt.values() if g['page_type'] == t)
    print('%-20s' % ('%s (%d)' % (t, cnt)) + ''.join('%.3f (%.3f / %.3f)    ' % table[n][t] for n in ex))
print('%-20s' % 'with found' + ''.join('%-24.3f' % table[n]['snip'][0] for n in ex))
print('%-20s' % 'without found' + ''.join('%-24.3f' % table[n]['snip'][1] for n in ex))
print('%-20s' % 'wall s' + ''.join('%-24.2f' % walls[n] for n in ex))
if 'tidy-parse' in names:
    print('speed, each page twice, tq-extract and tidy in turn: tq-extract %.2f s, '
        'tidy -q -errors (parse only) %.2f s: tq-extract speed = %.2f x tidy'
        % (t_tq, t_tidy, t_tidy / t_tq))
PY
