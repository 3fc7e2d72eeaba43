# Progress for scripts/setup.sh (sourced): each step says what it does and how long it took, and a
# long one says every 5 s that it is still running, with the last line of its output, so that the
# first `npm run up` on a fresh machine is never silent for long. POSIX sh; GNU date for
# milliseconds. Output goes to stderr, prefixed "setup:".

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }

# seconds_since START_MS: "1.2 s"
seconds_since() {
  elapsed=$(( $(now_ms) - $1 ))
  printf '%d.%d s' $((elapsed / 1000)) $((elapsed % 1000 / 100))
}

# run_step LABEL COMMAND [ARG...]: runs COMMAND (stdin closed, output kept in a temporary log),
# says "LABEL…", then "LABEL: still running (N s): <last output line>" every
# ${BERTH_PROGRESS_EVERY:-5} seconds, then "LABEL: done in N s". On failure: the log's last 30
# lines and the script stops.
run_step() {
  step_label=$1
  shift
  step_log=$(mktemp /tmp/berth-setup-step.XXXXXX)
  step_start=$(now_ms)
  log "$step_label…"
  "$@" >"$step_log" 2>&1 </dev/null &
  step_pid=$!
  step_every=${BERTH_PROGRESS_EVERY:-5}
  while kill -0 "$step_pid" 2>/dev/null; do
    step_waited=0
    while [ "$step_waited" -lt "$step_every" ] && kill -0 "$step_pid" 2>/dev/null; do
      sleep 1
      step_waited=$((step_waited + 1))
    done
    if kill -0 "$step_pid" 2>/dev/null; then
      step_last=$(tail -n 1 "$step_log" 2>/dev/null | tr -d '\r' | cut -c1-100)
      log "$step_label: still running ($(seconds_since "$step_start"))${step_last:+: $step_last}"
    fi
  done
  if wait "$step_pid"; then
    log "$step_label: done in $(seconds_since "$step_start")"
    rm -f "$step_log"
  else
    tail -n 30 "$step_log" >&2 || true
    rm -f "$step_log"
    die "$step_label failed"
  fi
}

# note_step LABEL START_MS: a step that needed nothing done, with the time the check took.
note_step() {
  log "$1 ($(seconds_since "$2"))"
}
