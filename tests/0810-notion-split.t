#!/bin/sh
# C unit tests of notion.c: the text splitter, UTF-16 units, ids (VALGRIND=1: under valgrind)
. "$(dirname "$0")/lib.sh"
run_unit notion
