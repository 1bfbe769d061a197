#!/bin/sh
# 0700-ai-builtin: the builtin AI provider, language guessing and the AI
# result record; tests/unit-ai prints the TAP.  It reads real articles
# from $TQ_SHARED/data/extraction-dev (lib.sh defaults TQ_SHARED to
# ../shared beside the repository).  VALGRIND=1 runs it under valgrind.

. "$(dirname "$0")/lib.sh"

[ -x "$TQ_TOP/tests/unit-ai" ] ||
	bail "tests/unit-ai not built (run make units)"
[ -f "$TQ_SHARED/data/extraction-dev/ground-truth.json" ] ||
	bail "no $TQ_SHARED/data/extraction-dev/ground-truth.json (set TQ_SHARED to the shared directory)"

if [ -n "${VALGRIND:-}" ]; then
	need valgrind valgrind
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 "$TQ_TOP/tests/unit-ai"
else
	"$TQ_TOP/tests/unit-ai"
fi
