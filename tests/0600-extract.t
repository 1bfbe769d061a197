#!/bin/sh
# 0600-extract.t - the main-content extractor's C unit tests
# (tests/unit-extract.c) under prove.  VALGRIND=1 runs them under
# valgrind and fails on any error or definite leak.
. "$(dirname "$0")/lib.sh"
run_unit extract
