#!/bin/sh
# 0720-openai.t - the openai AI provider against a strict local fake
# chat-completions server (tests/fake-openai.py); no network beyond
# 127.0.0.1.  VALGRIND=1 runs the unit test under valgrind.

. "$(dirname "$0")/lib.sh"
need python3 python3

TQ_TEST_OPENAI_KEY="sk-test-$$-0720"
export TQ_TEST_OPENAI_KEY

python3 "$TQ_TOP/tests/fake-openai.py" --port-file "$tmp/port" \
    --key "$TQ_TEST_OPENAI_KEY" --hang 30 --delay 2.2 2>"$tmp/fake.err" &
pid=$!
_pids="$pid $_pids"

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

run_unit openai "http://127.0.0.1:$port/v1"
status=$?
if [ -s "$tmp/fake.err" ]; then
	echo "# fake-openai.py stderr:"
	sed 's/^/# /' "$tmp/fake.err"
fi
exit "$status"
