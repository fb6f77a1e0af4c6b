#!/usr/bin/env bash
# Prometheus for the diagnostics and canary-analysis tests: a real server scraping the test apps and answering PromQL.
#   scripts/prometheus.sh install               installs Debian's prometheus when missing
#   scripts/prometheus.sh start CONFIG PORT     installs, runs it on 127.0.0.1:PORT with CONFIG, waits until ready
#   scripts/prometheus.sh stop PORT             stops the one on PORT and deletes its state
# Every command is idempotent. Its TSDB lives in a temporary folder per port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/background.sh
source scripts/lib/debian.sh

bin=prometheus

install() {
  install_debian_package prometheus.sh "$bin" prometheus
}

state_dir() {
  echo "${TMPDIR:-/tmp}/opsfunctions-prometheus-$1"
}

ready() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/-/ready"
}

start() {
  local config="$1" port="$2" state
  state="$(state_dir "$port")"
  [[ -f "$config" ]] || { echo "prometheus.sh: no config file at $config" >&2; exit 1; }
  install
  if ready "$port"; then
    echo "Prometheus answers on 127.0.0.1:$port"
    return
  fi
  mkdir -p "$state/data"
  setsid "$bin" --config.file="$config" --storage.tsdb.path="$state/data" \
    --web.listen-address="127.0.0.1:$port" \
    >"$state/prometheus.log" 2>&1 </dev/null &
  echo $! >"$state/prometheus.pid"
  wait_until_ready "Prometheus" "$state/prometheus.pid" "$state/prometheus.log" 30 ready "$port" || exit 1
  echo "Prometheus started on 127.0.0.1:$port (state in $state)"
}

stop() {
  local state
  state="$(state_dir "$1")"
  stop_group "$state/prometheus.pid"
  rm -rf "$state"
}

case "${1:-}" in
  install) install ;;
  start) [[ $# -ge 3 ]] || { echo "usage: $0 start CONFIG PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [[ $# -ge 2 ]] || { echo "usage: $0 stop PORT" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 install | start CONFIG PORT | stop PORT" >&2; exit 2 ;;
esac
