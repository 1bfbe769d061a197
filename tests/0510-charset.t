#!/bin/sh
# 0510-charset: tq_charset_to_utf8(); tests/unit-charset prints the
# TAP.  VALGRIND=1 runs it under valgrind.
. "$(dirname "$0")/lib.sh"
run_unit charset
