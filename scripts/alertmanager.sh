#!/usr/bin/env bash
# Prometheus Alertmanager for the incident tests: a real Alertmanager posting its webhooks to a running host.
#   scripts/alertmanager.sh install                      installs Debian's prometheus-alertmanager when missing
#   scripts/alertmanager.sh start CONFIG PORT    installs, runs it on 127.0.0.1:PORT with CONFIG, waits until ready
#   scripts/alertmanager.sh stop PORT            stops the one on PORT and deletes its state
# Every command is idempotent. Clustering is off (one instance); state lives in a temporary folder per port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/debian.sh
source scripts/lib/loopback-server.sh

install() {
  install_debian_package alertmanager.sh prometheus-alertmanager command -v prometheus-alertmanager
}

server_command() {
  server=(prometheus-alertmanager --config.file="$1" --storage.path="$3"
    --web.listen-address="127.0.0.1:$2" --cluster.listen-address=)
}

loopback_server_main Alertmanager alertmanager "$@"
