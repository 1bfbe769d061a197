#!/bin/sh
# bench/extract.sh - score tq-extract on the extraction benchmark's
# development pages (F1, precision, recall) and time it, one process
# per page.  Run from anywhere; builds nothing: `make tq-extract` first.
#
#	sh bench/extract.sh [run-extractor.sh options, e.g. --ids FILE]
#
# The data come from $TQ_SHARED/data/extraction-dev, TQ_SHARED
# defaulting to ../shared beside the repository.  shared/ is read-only,
# so the outputs go to bench/out/extract (per-item.tsv, summary.txt).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${TQ_SHARED:-$root/../shared}
data=$shared/data/extraction-dev
out=$root/bench/out/extract

[ -x "$root/tq-extract" ] || { echo "bench/extract.sh: build tq-extract first (make tq-extract)" >&2; exit 2; }
[ -f "$data/ground-truth.json" ] || { echo "bench/extract.sh: no benchmark data in $data" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/extract.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

# run-extractor.sh looks for its pages in data/ beside itself; where
# that folder is missing, run it from a scratch folder that has one.
runner=$data/run-extractor.sh
tmp=
if [ ! -d "$data/data" ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tq-bench.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM
	for f in run-extractor.sh evaluate.py; do
		ln -s "$data/$f" "$tmp/$f"
	done
	ln -s "$data" "$tmp/data"
	runner=$tmp/run-extractor.sh
fi

mkdir -p "$root/bench/out"
cd "$root"
"$runner" --out "$out" --name tq "$@" './tq-extract --text' \
    > "$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
ev = None
for name in ("eval-all.json", "eval-subset.json"):
    p = os.path.join(out, name)
    if os.path.exists(p):
        ev = json.load(open(p))
        break
summary = open(os.path.join(out, "summary.txt")).read().splitlines()
def find(key):
    if isinstance(ev, dict):
        stack = [ev]
        while stack:
            o = stack.pop()
            if isinstance(o, dict):
                for k, v in o.items():
                    if k.lower() == key and isinstance(v, (int, float)):
                        return v
                    stack.append(v)
            elif isinstance(o, list):
                stack.extend(o)
    return None
f1, p, r = find("f1"), find("precision"), find("recall")
thr = [l for l in summary if l.startswith("total wall:")]
fails = [l for l in summary if l.startswith("FAILURES")]
print("F1        %.4f" % f1 if f1 is not None else "F1        ?")
print("precision %.4f" % p if p is not None else "precision ?")
print("recall    %.4f" % r if r is not None else "recall    ?")
for l in thr:
    print(l.replace("total wall:", "speed:    "))
for l in fails:
    print(l)
print("details   %s/summary.txt, per-item.tsv" % os.path.relpath(out))
PY
