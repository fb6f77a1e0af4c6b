#!/usr/bin/env bash
# Prometheus Alertmanager for the incident tests: a real Alertmanager posting its webhooks to a running host.
#   scripts/alertmanager.sh install                      installs Debian's prometheus-alertmanager when missing
#   scripts/alertmanager.sh start CONFIG PORT    installs, runs it on 127.0.0.1:PORT with CONFIG, waits until ready
#   scripts/alertmanager.sh stop PORT            stops the one on PORT and deletes its state
# Every command is idempotent. Clustering is off (one instance); state lives in a temporary folder per port.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=prometheus-alertmanager

install() {
  if command -v "$bin" >/dev/null; then
    return
  fi
  local apt=(apt-get)
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "alertmanager.sh: installing $bin needs root or sudo" >&2; exit 1; }
    apt=(sudo apt-get)
  fi
  echo "Installing $bin from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet: read them only when the package is not found.
  if ! "${apt[@]}" install -y -qq --no-install-recommends "$bin" >/dev/null 2>&1; then
    "${apt[@]}" update -qq >/dev/null
    "${apt[@]}" install -y -qq --no-install-recommends "$bin" >/dev/null
  fi
  # The package starts a system service on install where an init system runs; the tests run their own.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus-alertmanager 2>/dev/null; then
    systemctl stop prometheus-alertmanager || true
  fi
}

state_dir() {
  echo "${TMPDIR:-/tmp}/opsfunctions-alertmanager-$1"
}

ready() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/-/ready"
}

start() {
  local config="$1" port="$2" state
  state="$(state_dir "$port")"
  [[ -f "$config" ]] || { echo "alertmanager.sh: no config file at $config" >&2; exit 1; }
  install
  if ready "$port"; then
    echo "Alertmanager answers on 127.0.0.1:$port"
    return
  fi
  mkdir -p "$state/data"
  setsid "$bin" --config.file="$config" --storage.path="$state/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= \
    >"$state/alertmanager.log" 2>&1 </dev/null &
  echo $! >"$state/alertmanager.pid"
  for _ in $(seq 1 100); do
    if ready "$port"; then
      echo "Alertmanager started on 127.0.0.1:$port (state in $state)"
      return
    fi
    if ! kill -0 "$(cat "$state/alertmanager.pid")" 2>/dev/null; then
      echo "alertmanager.sh: Alertmanager exited during start-up:" >&2
      tail -n 20 "$state/alertmanager.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "alertmanager.sh: Alertmanager was not ready within 20 s:" >&2
  tail -n 20 "$state/alertmanager.log" >&2
  exit 1
}

stop() {
  local port="$1" state pid
  state="$(state_dir "$port")"
  if [[ -f "$state/alertmanager.pid" ]]; then
    pid="$(cat "$state/alertmanager.pid")"
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}

case "${1:-}" in
  install) install ;;
  start) [[ $# -ge 3 ]] || { echo "usage: $0 start CONFIG PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [[ $# -ge 2 ]] || { echo "usage: $0 stop PORT" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 install | start CONFIG PORT | stop PORT" >&2; exit 2 ;;
esac
