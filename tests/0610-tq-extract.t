#!/bin/sh
# 0610-tq-extract.t - tq-extract on the command line: formats, the URL
# from -u and EXTRACT_URL, charset conversion, exit statuses and
# messages.  VALGRIND=1 runs tq-extract under valgrind.

. "$(dirname "$0")/lib.sh"

pages=$TQ_TOP/tests/pages/extract
if [ ! -x "$TQ_TOP/tq-extract" ]; then
	echo "1..1"
	echo "not ok 1 - tq-extract not built: run make"
	exit 1
fi
if [ "${VALGRIND:-0}" = 1 ]; then
	need valgrind valgrind
	tq_extract() {
		valgrind -q --leak-check=full --error-exitcode=99 \
		    "$TQ_TOP/tq-extract" "$@"
	}
else
	tq_extract() { "$TQ_TOP/tq-extract" "$@"; }
fi
unset EXTRACT_URL
plan 52

check_status 0 "-h exits 0" tq_extract -h
check_match "-h prints usage to stdout" "$(cat "$out")" \
    '^usage: tq-extract \[-hjtvV\] \[-u url\] \[file\]$'
check_status 0 "--help exits 0" tq_extract --help
check_status 0 "-V exits 0" tq_extract -V
check_match "-V prints the version" "$(cat "$out")" '^tq-extract [0-9]+\.[0-9]+'

check_status 2 "unknown option exits 2" tq_extract -x
check_match "usage goes to stderr" "$(cat "$errf")" '^usage: tq-extract'
check_same "nothing on stdout for a usage error" "$(cat "$out")" ""
check_status 2 "two files exit 2" tq_extract a.html b.html
check_status 2 "-u needs an argument" tq_extract -u
check_status 2 "-u that is no URL exits 2" tq_extract -u 'not a url' /dev/null
check_same "... saying so" "$(cat "$errf")" 'tq-extract: -u not a url: not an http or https URL'
check_status 2 "EXTRACT_URL ftp://x exits 2" env EXTRACT_URL=ftp://x tq-extract /dev/null

check_status 3 "missing file exits 3" tq_extract "$tmp/page.html"
check_same "missing file message" "$(cat "$errf")" \
    "tq-extract: $tmp/page.html: no such file"
check_status 3 "a directory exits 3" tq_extract "$tmp"
: > "$tmp/empty.html"
check_status 3 "empty file exits 3" tq_extract "$tmp/empty.html"
check_same "empty file message" "$(cat "$errf")" \
    "tq-extract: $tmp/empty.html: empty input"
head -c 4096 /dev/urandom > "$tmp/junk.bin"
printf '\000\001\002\003' >> "$tmp/junk.bin"
printf '\000\000\000\000\001\002\003\004' | cat - "$tmp/junk.bin" > "$tmp/junk2.bin"
check_status 3 "binary junk exits 3" tq_extract "$tmp/junk2.bin"
check_match "binary junk message" "$(cat "$errf")" \
    "^tq-extract: $tmp/junk2.bin: binary data"
check_same "nothing on stdout for bad input" "$(cat "$out")" ""

check_status 0 "default output" tq_extract "$pages/news-article.html"
check_same "default output is one line" "$(wc -l < "$out" | tr -d ' ')" 1
check_match "default output is the JSON object" "$(cat "$out")" \
    '^\{"title":"Harbour town votes to rebuild its lighthouse","byline":"Morwenna Tregear, Idris Hale","site_name":"The Coastal Courier","lang":"en-GB","published":"2023-03-14T08:30:00Z",.*"word_count":[0-9]+,"content_hash":"[0-9a-f]{64}","page_type":"article"\}$'
check_match "no URL: relative canonical falls back to og:url" "$(cat "$out")" \
    '"canonical_url":"https://courier.example/news/2023/lighthouse-vote"'

check_status 0 "--text" tq_extract --text "$pages/news-article.html"
check_same "--text prints the article text" "$(head -n 1 "$out")" \
    "Residents of Porthmellin have voted overwhelmingly to rebuild the town’s lighthouse, which lost its lantern room in the January storm, choosing restoration over a cheaper automated beacon."
check_same "--text keeps paragraphs apart" "$(sed -n 2p "$out")" ""

check_status 0 "stdin, -t then -j" sh -c "cat '$pages/blog-post.html' | '$TQ_TOP/tq-extract' -t -j"
check_match "-j after -t prints JSON" "$(cat "$out")" '^\{"title":"Sauerteig ohne Stress: mein Wochenplan",'

EXTRACT_URL=https://other.example/x/y.html
export EXTRACT_URL
check_status 0 "EXTRACT_URL" tq_extract - < "$pages/blog-post.html"
printf '%s' '<html><head><link rel="canonical" href="../z.html"></head><body><p>Some text.</p></body></html>' > "$tmp/rel.html"
check "EXTRACT_URL resolves the canonical link" tq_extract "$tmp/rel.html"
check_match "canonical against EXTRACT_URL" "$(cat "$out")" \
    '"canonical_url":"https://other.example/z.html"'
check "-u beats EXTRACT_URL" tq_extract -u http://a.example/p/q/r "$tmp/rel.html"
check_match "canonical against -u" "$(cat "$out")" \
    '"canonical_url":"http://a.example/p/z.html"'
unset EXTRACT_URL
# a canonical link that is no web address gives way to the next one;
# spaces and non-ASCII are percent-encoded, as tq-submit does
for c in "https://" "https://exa mple.com/" "https://user:pw@a.example/" "javascript:x()"; do
	printf '<html><head><link rel="canonical" href="%s"><meta property="og:url" content="https://a.example/og"></head><body><p>Some text.</p></body></html>' "$c" > "$tmp/canon.html"
	tq_extract -u https://a.example/p "$tmp/canon.html" >"$out"
	check_match "canonical \"$c\" passed over" "$(cat "$out")" '"canonical_url":"https://a.example/og"'
done
printf '<html><head><link rel="canonical" href="https://A.example/Straße/a b#x"></head><body><p>Some text.</p></body></html>' > "$tmp/canon.html"
tq_extract -u https://a.example/p "$tmp/canon.html" >"$out"
check_match "canonical percent-encoded" "$(cat "$out")" '"canonical_url":"https://a.example/Stra%C3%9Fe/a%20b"'

printf '<html><head><meta charset="windows-1252"><title>Caf\351</title></head><body><p>Cr\350me br\373l\351e \226 \223quoted\224, a dessert of custard and burnt sugar.</p></body></html>' > "$tmp/cp1252.html"
check "windows-1252 page" tq_extract --url http://x.example/ "$tmp/cp1252.html"
check_match "converted to UTF-8" "$(cat "$out")" \
    '"title":"Café".*"text":"Crème brûlée – “quoted”, a dessert'

# tag soup on which tidy 5.6 recurses without end: bad input, no crash
python3 -c 'import sys; sys.stdout.write(sys.argv[1] * 1200)' \
    '</thead><address x="1"><font><rt x="1"></tfoot><xmp x="1"></map></map><map x="1">' \
    > "$tmp/soup.html"
check_status 3 "tag soup that breaks the parser exits 3" tq_extract "$tmp/soup.html"
check_match "and says so" "$(cat "$errf")" "^tq-extract: $tmp/soup.html: "

# TQ_LOG and TQ_LOG_FORMAT, as every tool reads them: debug logs what
# -v does, json makes it JSON; a bad one is a usage error
check "TQ_LOG=debug" env TQ_LOG=debug "$TQ_TOP/tq-extract" "$tmp/cp1252.html"
check_match "logs what -v does" "$(cat "$errf")" ' debug tq-extract extracted file=.* words=[0-9]+ '
check "TQ_LOG_FORMAT=json with -v" env TQ_LOG_FORMAT=json "$TQ_TOP/tq-extract" -v "$tmp/cp1252.html"
check_same "logs it as JSON" "$(jq -r '[.prog, .event] | join(" ")' "$errf")" "tq-extract extracted"
check_status 2 "TQ_LOG=bogus: a usage error" env TQ_LOG=bogus "$TQ_TOP/tq-extract" "$tmp/cp1252.html"
check_same "in one line" "$(cat "$errf") $(wc -c <"$out" | tr -d ' ')" \
    "tq-extract: TQ_LOG: bogus: not error, warn, info or debug 0"

# run once per page by scripts: it loads no database client, and not
# libcurl with the 30 libraries behind it (4 ms a start)
check_same "tq-extract does not load libpq" \
    "$(ldd "$TQ_TOP/tq-extract" | grep -c 'libpq\.')" 0
check_same "tq-extract does not load libcurl" \
    "$(ldd "$TQ_TOP/tq-extract" | grep -c 'libcurl')" 0
done_testing
