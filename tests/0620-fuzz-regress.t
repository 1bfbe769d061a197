#!/bin/sh
# inputs the fuzzer once found crashing tq_extract (tests/fuzz/regress)
# must now end cleanly: exit 0 or 3, no signal, within 10 s; those of
# the robots.txt parser (robots-*) go through tests/unit-robots
. "$(dirname "$0")/lib.sh"
set -- "$TQ_TOP"/tests/fuzz/regress/*
plan $#
for f in "$@"; do
	case ${f##*/} in
	robots-*) timeout 10 "$TQ_TOP/tests/unit-robots" "$f" >/dev/null 2>"$errf" ;;
	*) timeout 10 tq-extract --json "$f" >/dev/null 2>"$errf" ;;
	esac
	s=$?
	case $s in
	0|3) ok 0 "${f##*/}: exit $s" ;;
	*) ok 1 "${f##*/}: exit $s"; diag "$(head -5 "$errf")" ;;
	esac
done
done_testing
