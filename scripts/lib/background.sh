# Shared by the scripts that run a service in the background for tests: started in its own process group
# (setsid) with its pid in a file, waited for until it answers, stopped as a whole group.

# wait_until_ready NAME PIDFILE LOG SECONDS CHECK...
# Runs CHECK every 0.1 s until it succeeds. Fails, showing the end of LOG, when the process exits or SECONDS pass.
wait_until_ready() {
  local name="$1" pidfile="$2" log="$3" seconds="$4"
  shift 4
  for _ in $(seq 1 $((seconds * 10))); do
    if "$@"; then
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name exited during start-up:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$name did not answer within $seconds s:" >&2
  tail -n 20 "$log" >&2
  return 1
}

# stop_group PIDFILE
# Stops the process group PIDFILE names: TERM, up to 5 s to exit, then KILL. Nothing to do without the file.
stop_group() {
  local pidfile="$1" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 -- "-$pid" 2>/dev/null || true
  fi
}
