#!/bin/sh
# C unit tests of robots.c, the RFC 9309 parser
cd "$(dirname "$0")/.." || exit 1
[ -x tests/unit-robots ] || { echo "Bail out! tests/unit-robots not built: run make units"; exit 1; }
exec tests/unit-robots
