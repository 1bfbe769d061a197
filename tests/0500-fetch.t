#!/bin/sh
# 0500-fetch: tq_fetch() and tq_url_check() against the local test web
# server.  tests/unit-fetch prints the TAP; lib.sh starts tests/httpd.py
# on a free 127.0.0.1 port and stops it on every way out.  VALGRIND=1
# runs the unit under valgrind.

. "$(dirname "$0")/lib.sh"

[ -x "$TQ_TOP/tests/unit-fetch" ] ||
	bail "tests/unit-fetch not built (run make units)"

mkdir "$tmp/www"
printf '<!DOCTYPE html>\n<html><head><title>Hello</title></head>\n<body><p>H\303\251llo, static world</p></body></html>\n' \
	>"$tmp/www/hello.html"
printf '<html><head><title>Latin</title></head>\n<body><p>Caf\351 au lait</p></body></html>\n' \
	>"$tmp/www/latin.iso-8859-1.html"
start_httpd "$tmp/www"

if [ -n "${VALGRIND:-}" ]; then
	need valgrind valgrind
	# glibc's ld.so trips valgrind when iconv dlopen()s gconv modules.
	printf '{\n ld.so-is_dst\n Memcheck:Addr8\n fun:strncmp\n fun:is_dst\n}\n' \
		>"$tmp/vg.supp"
	valgrind -q --suppressions="$tmp/vg.supp" --leak-check=full \
		--errors-for-leak-kinds=definite --error-exitcode=99 \
		"$TQ_TOP/tests/unit-fetch" "$HTTP"
else
	"$TQ_TOP/tests/unit-fetch" "$HTTP"
fi
status=$?
if [ -s "$tmp/httpd.log" ]; then
	diag "tests/httpd.py wrote to stdout/stderr (it must be quiet):"
	diag "$(head -20 "$tmp/httpd.log")"
	status=1
fi
exit $status
