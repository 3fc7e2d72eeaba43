#!/bin/sh
# Runs every test file of the build (dist/src and dist/test), one file at a time. The files in
# $beside spend minutes waiting for the real clock (rules due every minute, schedules due at a
# time) and little CPU, so a second runner takes them beside the rest instead of after it: about
# 2.5 minutes off a run. Their report follows the main one; the exit status is non-zero if either
# runner failed. Run `sh scripts/setup.sh` first (npm test does).
set -u
cd "$(dirname "$0")/.."

beside="dist/test/schedules.e2e.test.js dist/test/scheduler.e2e.test.js"
report=$(mktemp /tmp/berth-test-beside.XXXXXX)

# The second runner is a process group of its own (set -m), so an interrupted run stops it whole.
set -m
node --test --test-concurrency=1 $beside >"$report" 2>&1 &
beside_pid=$!
set +m
trap 'kill -- -"$beside_pid" 2>/dev/null; rm -f "$report"' EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2046 # the paths have no spaces: one word each
set -- $(find dist/src dist/test -name '*.test.js' | sort | grep -v -x -F "$(printf '%s\n' $beside)")
main_status=0
node --test --test-concurrency=1 "$@" || main_status=$?

beside_status=0
wait "$beside_pid" || beside_status=$?
printf '\n# The runner beside the main one (%s):\n' "$beside"
cat "$report"
[ "$main_status" -eq 0 ] && [ "$beside_status" -eq 0 ]
