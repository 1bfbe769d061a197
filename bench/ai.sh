#!/bin/sh
# bench/ai.sh - time the builtin AI provider (summary, keywords and
# insights together) on a 10,000-word article made by joining the
# extraction set's articles.  The timing is in process: tq-digest's
# hidden --bench N runs the provider N times on the text it has read
# and prints the median, so process start and reading are not counted.
# Builds nothing: `make tq-digest units` first.
#
#	sh bench/ai.sh [runs]	(default 20)
#
# The article comes from $TQ_SHARED/data/extraction-dev/ground-truth.json
# (TQ_SHARED defaults to ../shared beside the repository) through
# tests/unit-ai --article, and is kept in bench/out/ai-article.txt.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${TQ_SHARED:-$root/../shared}
runs=${1:-20}
art=$root/bench/out/ai-article.txt

[ -x "$root/tq-digest" ] || { echo "bench/ai.sh: build tq-digest first (make tq-digest)" >&2; exit 2; }
[ -x "$root/tests/unit-ai" ] || { echo "bench/ai.sh: build tests/unit-ai first (make units)" >&2; exit 2; }
[ -f "$shared/data/extraction-dev/ground-truth.json" ] || { echo "bench/ai.sh: no benchmark data in $shared/data/extraction-dev" >&2; exit 2; }

mkdir -p "$root/bench/out"
TQ_SHARED=$shared "$root/tests/unit-ai" --article 10000 > "$art"
"$root/tq-digest" --bench "$runs" "$art"
