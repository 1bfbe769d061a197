#!/bin/sh
# 0510-charset: tq_charset_to_utf8(); tests/unit-charset prints the
# TAP.  VALGRIND=1 runs it under valgrind.

. "$(dirname "$0")/lib.sh"

[ -x "$TQ_TOP/tests/unit-charset" ] ||
	bail "tests/unit-charset not built (run make units)"

if [ -n "${VALGRIND:-}" ]; then
	need valgrind valgrind
	# glibc's ld.so trips valgrind when iconv dlopen()s gconv modules.
	printf '{\n ld.so-is_dst\n Memcheck:Addr8\n fun:strncmp\n fun:is_dst\n}\n' \
		>"$tmp/vg.supp"
	valgrind -q --suppressions="$tmp/vg.supp" --leak-check=full \
		--errors-for-leak-kinds=definite --error-exitcode=99 \
		"$TQ_TOP/tests/unit-charset"
else
	"$TQ_TOP/tests/unit-charset"
fi
