#!/bin/sh
# 0700-ai-builtin: the builtin AI provider, language guessing and the AI
# result record; tests/unit-ai prints the TAP.  It reads real articles
# from $TQ_SHARED/data/extraction-dev (lib.sh defaults TQ_SHARED to
# ../shared beside the repository).  VALGRIND=1 runs it under valgrind.

. "$(dirname "$0")/lib.sh"

[ -f "$TQ_SHARED/data/extraction-dev/ground-truth.json" ] ||
	bail "no $TQ_SHARED/data/extraction-dev/ground-truth.json (set TQ_SHARED to the shared directory)"

run_unit ai
