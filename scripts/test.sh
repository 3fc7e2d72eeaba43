#!/bin/sh
# Lint, then every test file of the build (dist/src and dist/test) in two runners side by side, so
# that one runner's waiting is the other's CPU:
# - the main runner takes the end-to-end files (dist/test), one at a time: they spend much of their
#   time waiting for Docker, agents and timers;
# - the runner beside it lints (eslint and madge, CPU-bound, about 2.5 minutes), runs the unit files
#   (dist/src) in one process (one entry importing them all: about 3 minutes, against 4.5 to 6 for
#   a process per file, most of it spent starting Node and loading the same modules again), then
#   the end-to-end files that wait minutes for the real clock, one after another (rules due every
#   minute, schedules due at a time, auto scaling's one-minute periods, a container restart
#   policy's 60 s period: run side by side they were late by seconds, and slowed the main runner),
#   and last the end-to-end files of the registry, IAM, Logs, SSM, Secrets Manager, CloudWatch,
#   regions, tags, capacity providers, ECS's operations, `berth store copy`, EC2 security groups'
#   API and task sets behind a load balancer, chosen so that the two runners end about together (a fresh
#   clone's run on 2 cores, 2026-11-30, with a process per unit file: main 26.5 min, beside 26.2
#   with its lint).
# The beside runner's report follows the main one's, then, if any failed, each failed test with its
# error (a CI log's tail may be all one sees); the exit status is non-zero if the lint or any
# test failed. Run `sh scripts/setup.sh` first (npm test does).
set -u
cd "$(dirname "$0")/.."

clock="dist/test/schedules.e2e.test.js dist/test/scheduler.e2e.test.js dist/test/autoscaling.e2e.test.js dist/test/restart-policy.e2e.test.js"
# shellcheck disable=SC2046 # the paths have no spaces: one word each
beside_e2e=$(printf '%s\n' dist/test/ecr-*.e2e.test.js dist/test/iam*.e2e.test.js dist/test/logs-*.e2e.test.js dist/test/ssm.e2e.test.js \
  dist/test/secrets-manager.e2e.test.js dist/test/cloudwatch*.e2e.test.js dist/test/regions.e2e.test.js \
  dist/test/tags.e2e.test.js dist/test/capacity-providers.e2e.test.js dist/test/ecs-operations.e2e.test.js \
  dist/test/store-copy.e2e.test.js dist/test/ec2-security-groups.e2e.test.js dist/test/task-set-load-balancers.e2e.test.js)
report=$(mktemp /tmp/berth-test-beside.XXXXXX)
main_report=$(mktemp /tmp/berth-test-main.XXXXXX)

# The unit files' one entry (outside dist/, so that nothing else finds it).
units=$(mktemp /tmp/berth-units.XXXXXX.mjs)
find "$PWD/dist/src" -name '*.test.js' | sort | sed 's|.*|import "&";|' >"$units"
# The second runner is a session and process group of its own (setsid: `set -m` needs a terminal,
# which CI has not), so an interrupted run stops it whole: its shell leads the group, $! is its id.
# shellcheck disable=SC2046
setsid sh -c 'npm run -s lint; lint=$?; node --test --test-concurrency=1 "$@"; tests=$?; [ "$lint" -eq 0 ] && [ "$tests" -eq 0 ]' beside "$units" $clock $beside_e2e >"$report" 2>&1 &
beside_pid=$!
trap 'kill -- -"$beside_pid" 2>/dev/null; rm -f "$report" "$main_report" "$units"' EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2046
set -- $(find dist/test -name '*.test.js' | sort | grep -v -x -F "$(printf '%s\n' $clock $beside_e2e)")
# The main runner's report goes out as it comes and into a file, for the summary at the end.
{ node --test --test-concurrency=1 "$@" 2>&1; echo "$?" >"$main_report.status"; } | tee "$main_report"
main_status=$(cat "$main_report.status" 2>/dev/null || echo 1); rm -f "$main_report.status"

beside_status=0
wait "$beside_pid" || beside_status=$?
printf '\n# The runner beside the main one (lint, the unit files, %s, then %s):\n' "$clock" "$(echo $beside_e2e)"
cat "$report"
# What failed, last, where a log's tail is all one sees: each failed test with its error.
if [ "$main_status" -ne 0 ] || [ "$beside_status" -ne 0 ]; then
  printf '\n# Failed tests (main runner, then beside it), each with its error:\n'
  cat "$main_report" "$report" | awk '/^ *not ok /{n = 14} n > 0 {print; n--; if ($0 ~ /^ *\.\.\.$/) n = 0}'
fi
[ "$main_status" -eq 0 ] && [ "$beside_status" -eq 0 ]
