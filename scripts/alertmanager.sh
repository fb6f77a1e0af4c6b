#!/usr/bin/env bash
# Prometheus Alertmanager for the incident tests: a real Alertmanager posting its webhooks to a running host.
#   scripts/alertmanager.sh install                      installs Debian's prometheus-alertmanager when missing
#   scripts/alertmanager.sh start CONFIG PORT    installs, runs it on 127.0.0.1:PORT with CONFIG, waits until ready
#   scripts/alertmanager.sh stop PORT            stops the one on PORT and deletes its state
# Every command is idempotent. Clustering is off (one instance); state lives in a temporary folder per port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/background.sh
source scripts/lib/debian.sh

bin=prometheus-alertmanager

install() {
  install_debian_package alertmanager.sh "$bin" prometheus-alertmanager
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
  wait_until_ready "Alertmanager" "$state/alertmanager.pid" "$state/alertmanager.log" 20 ready "$port" || exit 1
  echo "Alertmanager started on 127.0.0.1:$port (state in $state)"
}

stop() {
  local state
  state="$(state_dir "$1")"
  stop_group "$state/alertmanager.pid"
  rm -rf "$state"
}

case "${1:-}" in
  install) install ;;
  start) [[ $# -ge 3 ]] || { echo "usage: $0 start CONFIG PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [[ $# -ge 2 ]] || { echo "usage: $0 stop PORT" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 install | start CONFIG PORT | stop PORT" >&2; exit 2 ;;
esac
