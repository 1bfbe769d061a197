#!/bin/sh
# C unit tests of the worker's event loop (co.c) and job processes
# (jobproc.c) (VALGRIND=1: under valgrind)
. "$(dirname "$0")/lib.sh"
# under AddressSanitizer a crash must stay a signal, as without it
ASAN_OPTIONS=${ASAN_OPTIONS:-}:handle_segv=0 run_unit engine
