#!/bin/sh
# 0600-extract.t - the main-content extractor's C unit tests
# (tests/unit-extract.c) under prove.  VALGRIND=1 runs them under
# valgrind and fails on any error or leak.

cd "$(dirname "$0")/.." || exit 1

if [ ! -x tests/unit-extract ]; then
	echo "1..1"
	echo "not ok 1 - tests/unit-extract not built: run make units"
	exit 1
fi
if [ "${VALGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null 2>&1 ||
		{ echo "Bail out! valgrind not found: install the valgrind package"; exit 1; }
	TQ_TEST_SLOW=1 exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
	    tests/unit-extract
fi
exec tests/unit-extract
