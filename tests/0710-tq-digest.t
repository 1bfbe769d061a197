#!/bin/sh
# 0710-tq-digest.t - tq-digest on the command line: options, input from
# a file or stdin, the result record, exit statuses and messages.
# VALGRIND=1 runs tq-digest under valgrind.

. "$(dirname "$0")/lib.sh"

[ -x "$TQ_TOP/tq-digest" ] || bail "tq-digest not built (run make)"
if [ "${VALGRIND:-0}" = 1 ]; then
	need valgrind valgrind
	tq_digest() {
		valgrind -q --leak-check=full --error-exitcode=99 \
		    "$TQ_TOP/tq-digest" "$@"
	}
else
	tq_digest() { "$TQ_TOP/tq-digest" "$@"; }
fi

art=$tmp/article.txt
cat > "$art" <<'TXT'
Lighthouse vote in Porthmellin

Residents of Porthmellin voted on Tuesday to rebuild the lighthouse that
lost its lantern room in the January storm. The council said the work
will cost about $2.4 million and take 18 months. Fishermen had asked for
the lighthouse to be restored rather than replaced by an automated beacon.

The mayor, Dr. Elena Hart, said the vote sent a clear message to the
county. Work on the lighthouse is due to start on 3 March 2025. Will the
old lantern be saved? Engineers think so.

The lighthouse was built in 1871 and has guided ships into the harbour
for more than a century. Tourism in Porthmellin depends on it, and local
shops sell models of the tower.
TXT
flat=$(tr '\n' ' ' < "$art" | tr -s ' ')
summary() { sed -n 's/^{"summary":"\([^"]*\)".*/\1/p' "$out"; }
nkeywords() {
	sed -n 's/.*"keywords":\[\([^]]*\)\].*/\1/p' "$out" | tr ',' '\n' |
	    grep -c .
}

check_status 0 "-h exits 0" tq_digest -h
check_match "-h prints usage to stdout" "$(head -n 1 "$out")" \
    '^usage: tq-digest \[-hijvV\] \[-k keywords\] \[-n sentences\] \[-t title\] \[file\]$'
check_status 0 "--help exits 0" tq_digest --help
check_status 0 "-V exits 0" tq_digest -V
check_match "-V prints the version" "$(cat "$out")" '^tq-digest [0-9]+\.[0-9]+'
check_status 0 "--version exits 0" tq_digest --version

check_status 2 "unknown option exits 2" tq_digest -x "$art"
check_match "usage goes to stderr" "$(cat "$errf")" '^usage: tq-digest'
check_same "nothing on stdout for a usage error" "$(cat "$out")" ""
check_status 2 "two files exit 2" tq_digest "$art" "$art"
check_status 2 "-k 0 exits 2" tq_digest -k 0 "$art"
check_match "-k 0 says why" "$(cat "$errf")" '^tq-digest: -k: 0: too small'
check_status 2 "-k needs a number" tq_digest -k many "$art"
check_status 2 "-n 51 exits 2" tq_digest -n 51 "$art"
check_status 2 "-t needs an argument" tq_digest -t

check_status 3 "missing file exits 3" tq_digest "$tmp/none.txt"
check_same "missing file message" "$(cat "$errf")" \
    "tq-digest: $tmp/none.txt: no such file"
check_status 3 "a directory exits 3" tq_digest "$tmp"
: > "$tmp/empty.txt"
check_status 3 "empty file exits 3" tq_digest "$tmp/empty.txt"
check_same "empty file message" "$(cat "$errf")" \
    "tq-digest: $tmp/empty.txt: no text to analyse"
check_same "nothing on stdout for bad input" "$(cat "$out")" ""
check_status 3 "blank stdin exits 3" sh -c "printf ' \n\t\n\n' | '$TQ_TOP/tq-digest'"
check_same "blank stdin message" "$(cat "$errf")" \
    "tq-digest: stdin: no text to analyse"

check_status 0 "a file" tq_digest "$art"
check_same "one line" "$(wc -l < "$out" | tr -d ' ')" 1
check_match "the result record" "$(cat "$out")" \
    '^\{"summary":"[^"]+","keywords":\["[^"]+"(,"[^"]+")*\],"insights":null,"language":"en","prompt_tokens":null,"completion_tokens":null,"total_tokens":null,"finish_reason":"stop","json_mode":null,"input_truncated":false,"attempts":1\}$'
first=$(cat "$out")
check_match "keywords" "$first" '"keywords":\[[^]]*"(lighthouse|Porthmellin)"'
check "stdin" sh -c "'$TQ_TOP/tq-digest' < '$art'"
check_same "stdin and file agree" "$(cat "$out")" "$first"
check "- is stdin" sh -c "'$TQ_TOP/tq-digest' - < '$art'"
check_same "- and file agree" "$(cat "$out")" "$first"
check "again" tq_digest "$art"
check_same "same output twice" "$(cat "$out")" "$first"
check "-j" tq_digest -j "$art"
check_same "-j changes nothing" "$(cat "$out")" "$first"
check "--json" tq_digest --json "$art"
check_same "--json changes nothing" "$(cat "$out")" "$first"

check "-i" tq_digest -i "$art"
ins=$(cat "$out")
check_match "-i adds insights" "$ins" \
    '"insights":\{"reading_time_minutes":1,"word_count":[0-9]+,"sentence_count":[0-9]+,'
check_match "insights: the date" "$ins" \
    '"dates":\[\{"text":"3 March 2025","iso":"2025-03-03"\}\]'
check_match "insights: the question" "$ins" \
    '"questions":\["Will the old lantern be saved\?"\]'
check_match "insights: the money" "$ins" \
    '"value":"\$2\.4 million","kind":"money"'
check_match "insights: points" "$ins" \
    '"points":\["Reading time: about 1 minute \([0-9]+ words\)","Language: English",'
check "--insights" tq_digest --insights "$art"
check_same "--insights is -i" "$(cat "$out")" "$ins"

check "-n 1" tq_digest -n 1 "$art"
s=$(summary)
check_match "-n 1: one sentence" "$s" '^[A-Z][^.?!]*(Dr\.[^.?!]*)?[.?!]$'
case $flat in
*"$s"*)	ok 0 "-n 1: a sentence of the article" ;;
*)	ok 1 "-n 1: a sentence of the article"; diag "summary: $s" ;;
esac
check "--sentences 2" tq_digest --sentences 2 "$art"
check "-k 3" tq_digest -k 3 "$art"
check_same "-k 3: three keywords" "$(nkeywords)" 3
check "--keywords 2" tq_digest --keywords 2 "$art"
check_same "--keywords 2: two keywords" "$(nkeywords)" 2
check "-t" tq_digest -t "Lighthouse to be rebuilt" "$art"
check "--title" tq_digest --title "Lighthouse to be rebuilt" "$art"

printf 'Caf\351 owners \377 complained loudly about the rent.\000 The council promised an answer.\n' \
    > "$tmp/bad.txt"
check "bytes that are not UTF-8, a NUL" tq_digest -i "$tmp/bad.txt"
check_match "they become U+FFFD" "$(cat "$out")" \
    "^\{\"summary\":\"Caf$(printf '\357\277\275') owners"
printf 'Die Stadt hat am Dienstag beschlossen, den alten Leuchtturm wieder aufzubauen. Der Rat sagte, die Arbeiten werden etwa zwei Jahre dauern und sind f\303\274r den Tourismus wichtig.\n' \
    > "$tmp/de.txt"
check "German" tq_digest "$tmp/de.txt"
check_match "German is de" "$(cat "$out")" '"language":"de"'

# a key point cut to 200 characters is cut between clusters: Thai
# written without spaces, each third character a vowel sign that
# belongs to the letter before it
printf 'กกี%.0s' $(seq 1 200) >"$tmp/th.txt"
check "a long Thai sentence" tq_digest -i "$tmp/th.txt"
kp=$(jq -r '.insights.points[] | select(startswith("Key point: "))' "$out" | sed 's/^Key point: //; s/…$//')
check_same "cut before a letter, not before its vowel sign" \
	"$(tail -c +$(( $(printf %s "$kp" | wc -c) + 1 )) "$tmp/th.txt" | head -c 3)" "ก"

# binary data is refused as tq-extract does; what is taken for text
# never puts invalid UTF-8 in the JSON
head -c 3000000 /dev/urandom >"$tmp/random.bin"
check_status 3 "3 MB of random bytes" tq_digest "$tmp/random.bin"
check_same "one line, nothing on stdout" "$(cat "$errf") $(wc -c <"$out" | tr -d ' ')" \
    "tq-digest: $tmp/random.bin: binary data, not text 0"
tr -dc '\001-\010\016-\037a-z ' </dev/urandom | head -c 20000 >"$tmp/ctl.txt"
check_status 3 "text full of control characters" tq_digest "$tmp/ctl.txt"
check_status 3 "from stdin too" sh -c "tq-digest <'$tmp/random.bin'"
{ cat "$art"; printf 'One more line with \300\301 and \355\240\200 bytes that are not UTF-8.\n'; } >"$tmp/mixed.txt"
check "text with a few bad bytes" tq_digest -i "$tmp/mixed.txt"
check "its JSON is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$out"

# TQ_LOG and TQ_LOG_FORMAT, as every tool reads them
check "TQ_LOG=debug" env TQ_LOG=debug "$TQ_TOP/tq-digest" "$art"
check_match "logs what -v does" "$(cat "$errf")" ' debug tq-digest digested file=.* language=en '
check "TQ_LOG_FORMAT=json with -v" env TQ_LOG_FORMAT=json "$TQ_TOP/tq-digest" -v "$art"
check_same "logs it as JSON" "$(jq -r '[.prog, .event] | join(" ")' "$errf")" "tq-digest digested"
check_status 2 "TQ_LOG_FORMAT=xml: a usage error" env TQ_LOG_FORMAT=xml "$TQ_TOP/tq-digest" "$art"
check_same "in one line" "$(cat "$errf") $(wc -c <"$out" | tr -d ' ')" \
    "tq-digest: TQ_LOG_FORMAT: xml: not text or json 0"

# input is capped at 64 MiB, as tq-extract's: all of it was read into
# memory, so /dev/zero ran the memory out and aborted (exit 134)
{ cat "$art"; head -c $((67108864 - $(wc -c <"$art"))) /dev/zero | tr '\0' ' '; } >"$tmp/64m.txt"
check "an article of 64 MiB exactly" tq_digest "$tmp/64m.txt"
printf ' ' >>"$tmp/64m.txt"
check_status 3 "a byte more: exit 3" tq_digest "$tmp/64m.txt"
check_same "one line, as tq-extract's, nothing on stdout" "$(cat "$errf") $(wc -c <"$out" | tr -d ' ')" \
    "tq-digest: $tmp/64m.txt: larger than 64 MiB 0"
check_status 3 "from stdin too" sh -c "tq-digest <'$tmp/64m.txt'"
check_same "named stdin" "$(cat "$errf")" "tq-digest: stdin: larger than 64 MiB"
rm -f "$tmp/64m.txt"
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-digest" | grep -q libasan; then
	skip 2 "a memory limit under a sanitizer or valgrind"
else
	check_status 3 "/dev/zero under a 1.5 GB memory limit" sh -c "ulimit -c 0; ulimit -v 1500000; tq-digest /dev/zero"
	check_same "is too large, not out of memory" "$(cat "$errf")" "tq-digest: /dev/zero: larger than 64 MiB"
fi

# out of memory, the message names the program, not "tq" (the shell
# adds its own line for the abort)
if [ "${VALGRIND:-0}" = 1 ] || ldd "$TQ_TOP/tq-digest" | grep -q libasan; then
	skip 2 "a memory limit under a sanitizer or valgrind"
else
	head -c 50000000 /dev/zero | tr '\0' ' ' >"$tmp/50m.txt"
	check_status 134 "50 MB under a 100 MB memory limit: abort" sh -c "ulimit -c 0; ulimit -v 100000; tq-digest '$tmp/50m.txt'"
	check_same "named by the program" "$(head -1 "$errf")" "tq-digest: out of memory"
	rm -f "$tmp/50m.txt"
fi

done_testing
