#!/usr/bin/env bash
# Runs Azurite, the Azure Storage emulator, on loopback for the Azure Storage backend's tests and benchmarks.
#   scripts/azurite.sh start    installs Azurite from npm into .tools/ when missing, starts it, waits until it answers
#   scripts/azurite.sh stop     stops it and deletes its data
#   scripts/azurite.sh status   exit 0 when it answers on all three ports
# Every command is idempotent. Ports: AZURITE_BLOB_PORT (10000), AZURITE_QUEUE_PORT (10001), AZURITE_TABLE_PORT (10002),
# the ports `UseDevelopmentStorage=true` points at. Data lives in a temporary folder, deleted by stop.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/background.sh

version=3.37.0
prefix=".tools/azurite"
bin="$prefix/node_modules/.bin/azurite"
blob_port="${AZURITE_BLOB_PORT:-10000}"
queue_port="${AZURITE_QUEUE_PORT:-10001}"
table_port="${AZURITE_TABLE_PORT:-10002}"
state="${TMPDIR:-/tmp}/opsfunctions-azurite-$blob_port"
pidfile="$state/azurite.pid"

answers() {
  # Any HTTP status proves the service is up; an unauthenticated request gets 400/403.
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null
}

running() {
  answers "$blob_port" && answers "$queue_port" && answers "$table_port"
}

install() {
  if [[ -x "$bin" ]]; then
    return
  fi
  command -v npm >/dev/null || { echo "azurite.sh: npm is required to install Azurite (install Node.js 18 or later)" >&2; exit 1; }
  echo "Installing Azurite $version into $prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "azurite@$version" >/dev/null
}

start() {
  if running; then
    echo "Azurite answers on 127.0.0.1:$blob_port-$table_port"
    return
  fi
  install
  mkdir -p "$state/data"
  setsid "$bin" --silent --skipApiVersionCheck --disableProductStyleUrl \
    --location "$state/data" \
    --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port" \
    >"$state/azurite.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_until_ready "Azurite" "$pidfile" "$state/azurite.log" 30 running || exit 1
  echo "Azurite started on 127.0.0.1:$blob_port-$table_port (data in $state)"
}

stop() {
  stop_group "$pidfile"
  rm -rf "$state"
  echo "Azurite stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "Azurite answers on 127.0.0.1:$blob_port-$table_port"; else echo "Azurite is not running"; exit 1; fi
    ;;
  *) echo "usage: scripts/azurite.sh start|stop|status" >&2; exit 2 ;;
esac
