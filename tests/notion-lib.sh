# tests/notion-lib.sh - for the 36xx notion scripts, after lib.sh:
# start_notion [fake-notion.py args...] starts tests/fake-notion.py
# ($NURL, TQ_NOTION_URL, NOTION_TOKEN set) after start_redis and
# start_pg; mkai URL TITLE [SUMMARY-FILE [TEXT-FILE]] (- for the
# default summary) makes a link, parsed content and ai content straight
# in PostgreSQL and prints the ai content id; fake GET|POST PATH [BODY]
# talks to the fake.

DB1=11111111-1111-4111-8111-111111111111
DB2=12222222-2222-4222-8222-222222222222
DB3=13333333-3333-4333-8333-333333333333
DB4=14444444-4444-4444-8444-444444444444
TOKEN=secret_test_token_$$_NOTIONSECRET

start_notion() {
	python3 "$TQ_TOP/tests/fake-notion.py" --port-file "$tmp/notion.port" \
		--token "$TOKEN" "$@" >"$tmp/fake-notion.log" 2>&1 &
	_pids="$_pids $!"
	wait_for 10 test -s "$tmp/notion.port" ||
		bail "fake-notion.py did not start: $(tail -3 "$tmp/fake-notion.log")"
	NURL=http://127.0.0.1:$(cat "$tmp/notion.port")
	TQ_NOTION_URL=$NURL
	NOTION_TOKEN=$TOKEN
	export NURL TQ_NOTION_URL NOTION_TOKEN
	# the schema, for mkai
	tq-status -l >/dev/null 2>&1
}

fake() {	# fake METHOD PATH [JSON]
	if [ $# -ge 3 ]; then
		curl -s -X "$1" -H 'Content-Type: application/json' \
			--data "$3" "$NURL$2"
	else
		curl -s -X "$1" "$NURL$2"
	fi
}

mkai() {	# mkai URL TITLE [SUMMARY-FILE [TEXT-FILE]]
	python3 - "$@" >"$tmp/mkai.sql" <<'PY'
import sys
url, title = sys.argv[1], sys.argv[2]
summary = open(sys.argv[3], encoding="utf-8").read() \
    if len(sys.argv) > 3 and sys.argv[3] != "-" else "A short summary of %s.\n\nIt has two paragraphs." % title
text = open(sys.argv[4], encoding="utf-8").read() if len(sys.argv) > 4 \
    else "The article text of %s." % title
def q(s):
    return "$q$" + s + "$q$"
print("WITH l AS (INSERT INTO links (url) VALUES (%s) ON CONFLICT (tq_url_key(url)) "
      "DO UPDATE SET url = EXCLUDED.url RETURNING id), "
      "p AS (INSERT INTO parsed_contents (link_id, final_url, title, "
      "published, content, word_count) SELECT id, %s, %s, '2024-05-17', "
      "%s, 100 FROM l ON CONFLICT (link_id) DO UPDATE SET title = "
      "EXCLUDED.title RETURNING id) "
      "INSERT INTO ai_processed_contents (parsed_content_id, model_id, "
      "model_name, summary, keywords, insights) SELECT p.id, 1, 'builtin', "
      "%s, ARRAY['battery storage', 'grid, power', 'Battery Storage', "
      "'harbor'], '{\"points\": [\"first point\", \"second point\"]}' "
      "FROM p ON CONFLICT (parsed_content_id, model_id) DO UPDATE SET "
      "summary = EXCLUDED.summary RETURNING id;"
      % (q(url), q(url), q(title), q(text), q(summary)))
PY
	psql -X -q -A -t -v ON_ERROR_STOP=1 "$TQ_DATABASE_URL" -f "$tmp/mkai.sql"
}

# live pages of the fake whose URL property is $1
pages_for() {
	fake GET /_fake/pages | jq --arg u "$1" \
		'[.pages[] | select(.in_trash | not) | select(.properties.URL.url == $u)] | length'
}
