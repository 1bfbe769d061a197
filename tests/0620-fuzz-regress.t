#!/bin/sh
# inputs the fuzzer once found crashing tq_extract (tests/fuzz/regress)
# must now end cleanly: exit 0 or 3, no signal, within 10 s; those of
# the robots.txt parser (robots-*) go through tests/unit-robots, the
# URLs (url-*) through tests/unit-util's check against curl, the texts
# of the builtin AI (ai-*) through tests/unit-ai, the models' answers
# (answer-*) through tests/unit-openai; and where clang has libFuzzer,
# the six fuzz targets still build and run (make fuzz), so
# that moving code between files does not break them
. "$(dirname "$0")/lib.sh"
set -- "$TQ_TOP"/tests/fuzz/regress/*
plan $(($# + 6))
for t in extract robots url charset ai answer; do
	if ! command -v clang >/dev/null 2>&1 ||
	    ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	    clang -x c -fsanitize=fuzzer -o "$tmp/probe" - >/dev/null 2>&1; then
		echo "ok $((_n = _n + 1)) # skip fuzz target $t: no clang with libFuzzer"
		continue
	fi
	(cd "$TQ_TOP" && FUZZ_TARGET=$t FUZZ_SECONDS=2 FUZZ_MODERN=0 \
	    sh tests/fuzz/run) \
	    >"$tmp/fuzz-$t.log" 2>&1
	ok $? "fuzz target $t builds and runs" ||
		diag "$(grep -v '^#\|^INFO\|^stat::' "$tmp/fuzz-$t.log" | tail -5)"
done
for f in "$@"; do
	case ${f##*/} in
	robots-*) timeout 10 "$TQ_TOP/tests/unit-robots" "$f" >/dev/null 2>"$errf" ;;
	url-*) timeout 10 "$TQ_TOP/tests/unit-util" "$f" >/dev/null 2>"$errf" ;;
	ai-*) timeout 10 "$TQ_TOP/tests/unit-ai" "$f" >/dev/null 2>"$errf" ;;
	answer-*) timeout 10 "$TQ_TOP/tests/unit-openai" --answer "$f" \
	    >/dev/null 2>"$errf" ;;
	*) timeout 10 tq-extract --json "$f" >/dev/null 2>"$errf" ;;
	esac
	s=$?
	case $s in
	0|3) ok 0 "${f##*/}: exit $s" ;;
	*) ok 1 "${f##*/}: exit $s"; diag "$(head -5 "$errf")" ;;
	esac
done
done_testing
