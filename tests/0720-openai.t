#!/bin/sh
# 0720-openai.t - the openai AI provider against a strict local fake
# chat-completions server (tests/fake-openai.py); no network beyond
# 127.0.0.1.  VALGRIND=1 runs the unit test under valgrind.

cd "$(dirname "$0")/.." || exit 1

if ! command -v python3 >/dev/null 2>&1; then
	echo "Bail out! python3 not found: install the python3 package"
	exit 1
fi
if [ ! -x tests/unit-openai ]; then
	echo "Bail out! tests/unit-openai not built: run make units"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tq-0720.XXXXXX") || exit 1
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

TQ_TEST_OPENAI_KEY="sk-test-$$-0720"
export TQ_TEST_OPENAI_KEY

python3 tests/fake-openai.py --port-file "$tmp/port" \
    --key "$TQ_TEST_OPENAI_KEY" --hang 30 2>"$tmp/fake.err" &
pid=$!

i=0
while [ ! -s "$tmp/port" ]; do
	if ! kill -0 "$pid" 2>/dev/null || [ "$i" -ge 100 ]; then
		echo "Bail out! fake-openai.py did not start"
		sed 's/^/# /' "$tmp/fake.err"
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$tmp/port")

run=
if [ "${VALGRIND:-0}" = 1 ]; then
	run="valgrind -q --leak-check=full --errors-for-leak-kinds=definite"
	run="$run --error-exitcode=99"
fi

$run tests/unit-openai "http://127.0.0.1:$port/v1"
status=$?
if [ -s "$tmp/fake.err" ]; then
	echo "# fake-openai.py stderr:"
	sed 's/^/# /' "$tmp/fake.err"
fi
exit "$status"
