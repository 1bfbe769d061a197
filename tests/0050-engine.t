#!/bin/sh
# C unit tests of the worker's event loop (co.c) and job processes
# (jobproc.c)
cd "$(dirname "$0")/.." || exit 1
[ -x tests/unit-engine ] || { echo "Bail out! tests/unit-engine not built: run make units"; exit 1; }
# under AddressSanitizer a crash must stay a signal, as without it
ASAN_OPTIONS=${ASAN_OPTIONS:-}:handle_segv=0 exec tests/unit-engine
