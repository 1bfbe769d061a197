#!/bin/sh
# hostile pages through the whole worker: each ends in a clear item
# error of the right class within its timeout, and the worker goes on
. "$(dirname "$0")/lib.sh"
plan 25
start_redis
start_pg
start_httpd
# only this server's own address is allowed; 127.0.0.2 stays internal
export TQ_ALLOW_PRIVATE=0 TQ_ALLOW_ADDRS=127.0.0.1 TQ_RETRY_DELAYS=0 \
	MAX_RETRIES=1 TQ_PARSE_TIMEOUT=8
# every hostile page is on one local site: a hang's timeouts would
# throttle it, and a 429 without Retry-After pauses it for
# TQ_SITE_BACKOFF (3700-sites.t tests both); here each page is on its
# own, and the pause a second
export TQ_SITE_CONCURRENCY=0 TQ_SITE_BACKOFF=1

port=${HTTP##*:}
# a long target in Japanese is quoted to 300 bytes, between characters
ja3=$(printf '\346\227\245\346\234\254\350\252\236')
ja=$(printf "$ja3%.0s" $(seq 1 40))
set -- \
	"t/page?title=Fine&words=200|completed|" \
	"t/status/404|failed|^http 404" \
	"t/status/410|failed|^http 410" \
	"t/status/429?retry_after=0|failed|^http 429.*gave up after 1 retries" \
	"t/status/500|failed|^http 500.*gave up" \
	"t/status/503?retry_after=0|failed|^http 503.*gave up" \
	"t/slow-drip|failed|timeout.*gave up" \
	"t/hang|failed|timeout.*gave up" \
	"t/redirect-loop|failed|redirects" \
	"t/redirect-ftp|failed|^redirect to an unsupported scheme$" \
	"t/redirect?to=file:///etc/passwd|failed|^redirect to an unsupported scheme$" \
	"t/gzip-bomb|failed|exceeds" \
	"t/nested?mb=50|failed|exceeds" \
	"t/binary|failed|binary data|no article text" \
	"hostile/invalid-utf8.html|completed|" \
	"t/pdf|failed|content type application/pdf" \
	"t/refresh|failed|^the page only redirects \\(meta refresh to /t/page\\?title=Target\\)" \
	"t/refresh?words=200|completed|" \
	"t/refresh?to=/$ja|failed|^the page only redirects \\(meta refresh to /($ja3){33}\\): submit that URL\$" \
	"t/redirect-to-loopback?host=127.0.0.2&port=$port|failed|127.0.0.2.*not allowed" \
	"t/page?title=Last&words=100|completed|"
for c in "$@"; do echo "$HTTP/${c%%|*}"; done >"$tmp/urls"
tq-submit parse - <"$tmp/urls" >"$out"
t=$(jq -r .task_id "$out")
s0=$(date +%s)
start_worker -n 2 -Q parsing-queue
tq-wait -t 120 "$t" >"$tmp/rec"
s1=$(date +%s)
cp "$tmp/rec" "$out"
i=0
for c in "$@"; do
	want=${c#*|}
	st=${want%%|*}
	re=${want#*|}
	got=$(jq -r ".items[$i] | \"\(.status)|\(.error_message // \"\")\"" "$out")
	case "$got" in
	"$st|"*) printf '%s\n' "${got#*|}" | grep -Eq -- "${re:-.*}"
		ok $? "${c%%|*}: $st ${got#*|}" ;;
	*) ok 1 "${c%%|*}: want $st /$re/, got $got" ;;
	esac
	i=$((i + 1))
done
check_match "all within their timeouts (8 s a try, 2 tries)" "$((s1 - s0))" '^([0-9]|[1-3][0-9])$'
check_same "no worker died" "$(grep -c 'worker died' "$tmp/worker.log")" 0
check "the workers still serve" sh -c "tq-submit parse '$HTTP/t/page?title=After' | tq-wait -t 20"
check_same "permanent errors are not retried" "$(jq -r '[.items[] | select(.error_message // "" | test("^http 404|^http 410|redirect|exceeds|content type|not allowed")) | .retry_count] | unique | join(",")' "$tmp/rec")" 0
done_testing
