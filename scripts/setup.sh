#!/bin/sh
# Makes this machine ready to build and test Berth: Debian packages, a running Docker engine,
# node_modules, the TypeScript build and the test image. Idempotent, and quick when everything is
# already there. Runs as root on Debian 12 with Node 20 and npm; needs no stdin.
#
# Machine-wide steps (apt, dockerd, the image) run under a lock, because several checkouts of the
# project may run this script at the same time on one machine.
set -eu

cd "$(dirname "$0")/.."

# log, die, run_step (progress with durations, never silent more than 5 s), note_step
. scripts/progress.sh
setup_start=$(now_ms)

dockerd_log=/tmp/berth-dockerd.log
lock_file=/tmp/berth-setup.lock
test_image=berth-test:latest

# --- machine-wide steps, one checkout at a time -----------------------------------------------
exec 9>"$lock_file"
if ! flock -n 9; then
  log "waiting for another checkout's setup to finish (lock $lock_file)…"
  flock -w 600 9 || die "could not take $lock_file within 10 minutes"
fi

# Debian packages: docker.io (engine + CLI), awscli (the real AWS CLI v2 at /usr/bin/aws; another
# `aws` may come earlier on PATH), busybox-static (the test image), skopeo (registry tests),
# python3-prometheus-client (the Prometheus text parser the /metrics test checks the output with),
# postgresql (the PostgreSQL store's tests start throwaway servers of their own with its initdb;
# the cluster the package may start is not used), chromium (the web console's end-to-end test
# drives it headless with playwright-core), ccache (npm ci compiles better-sqlite3's SQLite from
# source, more than 2 minutes of CPU here: the next checkout on this machine gets it from the cache).
step_start=$(now_ms)
missing=""
for pkg in docker.io awscli busybox-static skopeo python3-prometheus-client postgresql chromium ccache; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || die "packages missing ($missing ) and not running as root"
  export DEBIAN_FRONTEND=noninteractive
  run_step "packages: apt-get update" apt-get update -q
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  run_step "packages: installing$missing" apt-get install -y -q $missing
else
  note_step "packages: docker.io awscli busybox-static skopeo python3-prometheus-client postgresql chromium ccache present" "$step_start"
fi
[ -x /usr/bin/aws ] || die "/usr/bin/aws is missing after installing awscli"

# Docker engine: start dockerd in the background when the CLI cannot reach it.
if ! docker info >/dev/null 2>&1; then
  # A pid file left by a dockerd that died makes the next one refuse to start.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  step_start=$(now_ms)
  log "docker: starting dockerd (log: $dockerd_log)…"
  # setsid + closed stdio: dockerd must outlive this script and must not hold the caller's pipes
  # open (a CI runner reading our output would otherwise wait for it forever).
  setsid dockerd >"$dockerd_log" 2>&1 </dev/null &
  dockerd_pid=$!
  waited=0
  until docker info >/dev/null 2>&1; do
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
      tail -n 20 "$dockerd_log" >&2 || true
      die "dockerd exited during start-up; see $dockerd_log"
    fi
    if [ "$waited" -ge 30 ]; then
      tail -n 20 "$dockerd_log" >&2 || true
      die "Docker engine not reachable 30 s after starting dockerd (pid $dockerd_pid); see $dockerd_log"
    fi
    sleep 1
    waited=$((waited + 1))
    [ $((waited % 5)) -ne 0 ] || log "docker: still waiting for dockerd ($(seconds_since "$step_start"))"
  done
  log "docker: dockerd is up (pid $dockerd_pid) in $(seconds_since "$step_start")"
else
  log "docker: engine running"
fi

# Test image: rebuilt when absent or when test-image/ (or busybox itself) changed.
image_hash=$( (find test-image -type f | LC_ALL=C sort | xargs sha256sum; sha256sum /bin/busybox) \
  | sha256sum | cut -c1-16)
current_hash=$(docker image inspect -f '{{index .Config.Labels "berth.test-image.hash"}}' "$test_image" 2>/dev/null || true)
if [ "$current_hash" != "$image_hash" ]; then
  run_step "test image: building $test_image" sh test-image/build.sh "$test_image" "$image_hash"
else
  log "test image: $test_image up to date"
fi

flock -u 9

# --- this checkout --------------------------------------------------------------------------
# node_modules: npm ci when missing or older than the lockfile. A symlinked node_modules is a
# shared install owned by another checkout: `npm ci` would empty it under that checkout's feet.
if [ -L node_modules ]; then
  [ -d node_modules/ ] || die "node_modules is a dangling symlink"
  log "dependencies: node_modules shared with another checkout"
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # ccache by absolute paths made relative to this checkout (CCACHE_BASEDIR), so that a clone in
  # another folder hits what the last one compiled; node-gyp's Makefiles take CC and CXX as given.
  run_step "dependencies: npm ci (better-sqlite3 compiled, or taken from ccache)" \
    env CC="ccache gcc" CXX="ccache g++" CCACHE_DIR="${CCACHE_DIR:-${HOME:-/root}/.cache/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true \
    npm ci --no-audit --no-fund
else
  log "dependencies: node_modules up to date"
fi

# TypeScript and the web console's bundle (npm run build: tsc, then esbuild into dist/console):
# skipped when nothing that feeds the build is newer than the last good build.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ ! -f dist/console/index.html ] || [ -n "$(find src test bench scripts tsconfig.json package-lock.json -newer "$stamp" 2>/dev/null | head -n 1)" ]; then
  run_step "build: tsc and the console bundle (npm run build)" npm run -s build
  touch "$stamp"
else
  log "build: dist/ up to date"
fi
# `npm test` (scripts/test.sh) runs the tests it finds in dist/src and dist/test; both must exist
# (test/ may hold no file yet, and git keeps no empty folder).
mkdir -p dist/src dist/test
log "ready in $(seconds_since "$setup_start")"
