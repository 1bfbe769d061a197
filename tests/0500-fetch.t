#!/bin/sh
# 0500-fetch: tq_fetch() and tq_url_check() against the local test web
# server.  tests/unit-fetch prints the TAP; lib.sh starts tests/httpd.py
# on a free 127.0.0.1 port and stops it on every way out.  VALGRIND=1
# runs the unit under valgrind.

. "$(dirname "$0")/lib.sh"

mkdir "$tmp/www"
printf '<!DOCTYPE html>\n<html><head><title>Hello</title></head>\n<body><p>H\303\251llo, static world</p></body></html>\n' \
	>"$tmp/www/hello.html"
printf '<html><head><title>Latin</title></head>\n<body><p>Caf\351 au lait</p></body></html>\n' \
	>"$tmp/www/latin.iso-8859-1.html"
start_httpd "$tmp/www"

run_unit fetch "$HTTP"
status=$?
if [ -s "$tmp/httpd.log" ]; then
	diag "tests/httpd.py wrote to stdout/stderr (it must be quiet):"
	diag "$(head -20 "$tmp/httpd.log")"
	status=1
fi
exit $status
