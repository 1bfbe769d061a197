#!/bin/sh
# bench/notion-real.sh - real pages through the whole pipeline into the
# strict fake Notion: parse, the builtin AI, notion --with-text.  The
# 300 pages of $TQ_SHARED/data/extraction-modern-dev and the 72 news
# pages of $TQ_SHARED/data/extraction-dev (TQ_SHARED defaults to
# ../shared beside the checkout), served by tests/httpd.py on
# 127.0.0.1, submitted as one chained task.  Prints the items of each
# stage by status, the notion items' errors, and the fake's 4xx answers
# by message (a validation_error that tq re-split and sent again counts
# there too), and how many articles Notion holds whole.  Private Redis
# and PostgreSQL; one worker process.
# Reports and never asserts.  `make` first.  FAKE_ARGS: more options
# for tests/fake-notion.py (e.g. --length-unit utf8).
TQ_TEST_TIMEOUT=${TQ_TEST_TIMEOUT:-0}
. "$(dirname "$0")/../tests/lib.sh"
. "$TQ_TOP/tests/notion-lib.sh"
SHARED=$TQ_SHARED
[ -d "$SHARED/data/extraction-modern-dev/html" ] ||
	bail "no $SHARED/data/extraction-modern-dev/html (set TQ_SHARED)"
mkdir -p "$tmp/root/m" "$tmp/root/n"
for f in "$SHARED"/data/extraction-modern-dev/html/*.html.gz; do
	gzip -dc "$f" >"$tmp/root/m/$(basename "$f" .gz)"
done
for f in "$SHARED"/data/extraction-dev/html/*.html.gz; do
	gzip -dc "$f" >"$tmp/root/n/$(basename "$f" .gz)"
done
start_redis
start_pg
start_httpd "$tmp/root"
# shellcheck disable=SC2086
start_notion --rps 50 --burst 50 ${FAKE_ARGS:-}
TQ_SITE_CONCURRENCY=0 TQ_NOTION_RPS=50 TQ_RETRY_DELAYS=0,1,1
export TQ_SITE_CONCURRENCY TQ_NOTION_RPS TQ_RETRY_DELAYS
start_worker -n 1
wait_for 30 psqlc "SELECT 1 FROM processing_tasks"
(cd "$tmp/root" && find m n -name '*.html' | sort) |
	sed "s|^|$HTTP/|" >"$tmp/urls.txt"
echo "pages: $(wc -l <"$tmp/urls.txt")"
tq-submit -j parse --then ai --then "notion -w -D $DB1" - \
	<"$tmp/urls.txt" >"$tmp/submit.json" || bail "submit failed"
task=$(jq -r .task_id "$tmp/submit.json")
tq-wait --chain -I -q -t 3600 "$task" >/dev/null
echo "items by stage and status:"
psqlc "SELECT t.type || ' ' || i.status || ' ' || count(*)
    FROM task_items i JOIN processing_tasks t ON t.id = i.task_id
    GROUP BY t.type, i.status ORDER BY 1" | sed 's/^/  /'
echo "notion items' errors:"
psqlc "SELECT count(*) || ' ' || left(i.error_message, 200)
    FROM task_items i JOIN processing_tasks t ON t.id = i.task_id
    WHERE t.type LIKE 'notion%' AND i.status = 'failed'
    GROUP BY i.error_message ORDER BY count(*) DESC" | sed 's/^/  /'
echo "the fake's 4xx answers by message:"
fake GET /_fake/log | jq -r '.requests[] | select(.status != null and
    .status >= 400 and .status < 500 and .status != 429) |
    "\(.status) \(.message // "-")"' |
	sed -E 's/\[[0-9]+\]/[N]/g; s/`[^`]*`/`..`/g' | sort | uniq -c |
	sort -rn | sed 's/^/  /'
fake GET /_fake/pages >"$tmp/pages.json"
echo "pages in the fake: $(jq ".pages | length" "$tmp/pages.json")"
# each page's article as Notion holds it beside the parsed text
psql -X -q -A -t -v ON_ERROR_STOP=1 "$TQ_DATABASE_URL" -c "SELECT
    json_agg(json_build_object('title', title, 'content', content))
    FROM parsed_contents" >"$tmp/parsed.json"
python3 - "$tmp/pages.json" "$tmp/parsed.json" <<'PY'
import json, re, sys
pages = json.load(open(sys.argv[1]))["pages"]
parsed = json.load(open(sys.argv[2]))
def norm(s):
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "",
                                     s)).strip()
by_title = {}
for p in pages:
    by_title.setdefault(norm(p["title"]), []).append(p)
whole = differ = unmatched = 0
for pc in parsed:
    cands = by_title.get(norm(pc["title"] or ""), [])
    if not cands or not pc["content"]:
        unmatched += 1
        continue
    want = norm(pc["content"])
    ok = False
    for p in cands:
        texts, on = [], False
        for b in p["blocks"]:
            t = b["type"]
            rt = "".join(r["plain_text"] for r in
                         b.get(t, {}).get("rich_text", []))
            if t == "heading_2":
                on = rt == "Article"
            elif on:
                texts.append(rt)
        ok = ok or norm(" ".join(texts)) == want
    whole += ok
    differ += not ok
print("articles whole in Notion: %d, not: %d, not compared: %d"
      % (whole, differ, unmatched))
PY
[ -n "${KEEP:-}" ] && { cp -r "$tmp" "$KEEP"; echo "kept in $KEEP"; }
exit 0
