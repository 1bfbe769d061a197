#!/bin/sh
# C unit tests of util.c and config.c
cd "$(dirname "$0")/.." || exit 1
[ -x tests/unit-util ] || { echo "Bail out! tests/unit-util not built: run make units"; exit 1; }
exec tests/unit-util
