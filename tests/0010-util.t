#!/bin/sh
# C unit tests of util.c and config.c (VALGRIND=1: under valgrind)
. "$(dirname "$0")/lib.sh"
run_unit util
