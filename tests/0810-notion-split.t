#!/bin/sh
# C unit tests of notion.c: the text splitter, UTF-16 units, ids
cd "$(dirname "$0")/.." || exit 1
[ -x tests/unit-notion ] || { echo "Bail out! tests/unit-notion not built: run make units"; exit 1; }
exec tests/unit-notion
