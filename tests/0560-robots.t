#!/bin/sh
# C unit tests of robots.c, the RFC 9309 parser (VALGRIND=1: under valgrind)
. "$(dirname "$0")/lib.sh"
run_unit robots
