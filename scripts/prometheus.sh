#!/usr/bin/env bash
# Prometheus for the diagnostics and canary-analysis tests: a real server scraping the test apps and answering PromQL.
#   scripts/prometheus.sh install               installs Debian's prometheus when missing
#   scripts/prometheus.sh start CONFIG PORT     installs, runs it on 127.0.0.1:PORT with CONFIG, waits until ready
#   scripts/prometheus.sh stop PORT             stops the one on PORT and deletes its state
# Every command is idempotent. Its TSDB lives in a temporary folder per port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/debian.sh
source scripts/lib/loopback-server.sh

install() {
  install_debian_package prometheus.sh prometheus command -v prometheus
}

server_command() {
  server=(prometheus --config.file="$1" --storage.tsdb.path="$3" --web.listen-address="127.0.0.1:$2")
}

loopback_server_main Prometheus prometheus "$@"
