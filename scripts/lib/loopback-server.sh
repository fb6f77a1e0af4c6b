# Shared by the scripts that run a server of the Prometheus family (Prometheus, Alertmanager) for tests: one per
# loopback port, with a given config, its state in a temporary folder per port, ready once /-/ready answers.
# The script defines install (puts the binary in place when missing) and server_command CONFIG PORT DATA (sets the
# array server to the command line listening on 127.0.0.1:PORT with CONFIG and its data in DATA), then hands its
# arguments to loopback_server_main.

source scripts/lib/background.sh

# loopback_server_main NAME ID ARGS...
# NAME is shown in messages; ID names the script, the state folder, its log and pid files.
loopback_server_main() {
  local name="$1" id="$2"
  shift 2
  case "${1:-}" in
    install) install ;;
    start) [[ $# -ge 3 ]] || { echo "usage: scripts/$id.sh start CONFIG PORT" >&2; exit 2; }; loopback_server_start "$name" "$id" "$2" "$3" ;;
    stop) [[ $# -ge 2 ]] || { echo "usage: scripts/$id.sh stop PORT" >&2; exit 2; }; loopback_server_stop "$id" "$2" ;;
    *) echo "usage: scripts/$id.sh install | start CONFIG PORT | stop PORT" >&2; exit 2 ;;
  esac
}

loopback_server_state() {
  echo "${TMPDIR:-/tmp}/opsfunctions-$1-$2"
}

loopback_server_ready() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/-/ready"
}

loopback_server_start() {
  local name="$1" id="$2" config="$3" port="$4" state
  state="$(loopback_server_state "$id" "$port")"
  [[ -f "$config" ]] || { echo "$id.sh: no config file at $config" >&2; exit 1; }
  install
  if loopback_server_ready "$port"; then
    echo "$name answers on 127.0.0.1:$port"
    return
  fi
  mkdir -p "$state/data"
  server_command "$config" "$port" "$state/data"
  setsid "${server[@]}" >"$state/$id.log" 2>&1 </dev/null &
  echo $! >"$state/$id.pid"
  wait_until_ready "$name" "$state/$id.pid" "$state/$id.log" 30 loopback_server_ready "$port" || exit 1
  echo "$name started on 127.0.0.1:$port (state in $state)"
}

loopback_server_stop() {
  local state
  state="$(loopback_server_state "$1" "$2")"
  stop_group "$state/$1.pid"
  rm -rf "$state"
}
