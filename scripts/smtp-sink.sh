#!/usr/bin/env bash
# Runs a local SMTP server on loopback for the email notification tests: every message it accepts is written
# as a .eml file into a folder, before the server answers the client. Recipients starting with "reject-" get a
# 550, those starting with "busy-" a 451.
#   scripts/smtp-sink.sh start    installs Debian's python3-aiosmtpd when missing, starts the sink, waits until it answers
#   scripts/smtp-sink.sh stop     stops it and deletes the received messages
#   scripts/smtp-sink.sh status   exit 0 when it answers
# Every command is idempotent. Port: SMTP_SINK_PORT (2525). Messages: $TMPDIR/opsfunctions-smtp-sink-<port>/messages
# (TMPDIR defaults to /tmp), the folder the test fixture reads.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/background.sh
source scripts/lib/debian.sh

port="${SMTP_SINK_PORT:-2525}"
state="${TMPDIR:-/tmp}"
state="${state%/}/opsfunctions-smtp-sink-$port"
messages="$state/messages"
pidfile="$state/smtp-sink.pid"
lock="$state.lock"
# aiosmtpd from Debian is importable only by the system interpreter.
python=/usr/bin/python3

running() {
  # The sink greets with "220" as soon as a client connects.
  [[ "$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 3 <&3" 2>/dev/null)" == "220" ]]
}

install() {
  install_debian_package smtp-sink.sh python3-aiosmtpd "$python" -c 'import aiosmtpd'
}

start() {
  # Test processes running side by side may all start the sink: the first starts it, the others find it running.
  exec 9>"$lock"
  flock -w 120 9
  if running; then
    echo "SMTP sink answers on 127.0.0.1:$port (messages in $messages)"
    return
  fi
  install
  mkdir -p "$messages"
  setsid "$python" scripts/smtp-sink.py "$port" "$messages" >"$state/smtp-sink.log" 2>&1 </dev/null 9>&- &
  echo $! >"$pidfile"
  wait_until_ready "The SMTP sink" "$pidfile" "$state/smtp-sink.log" 10 running || exit 1
  echo "SMTP sink started on 127.0.0.1:$port (messages in $messages)"
}

stop() {
  stop_group "$pidfile"
  rm -rf "$state"
  echo "SMTP sink stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "SMTP sink answers on 127.0.0.1:$port (messages in $messages)"; else echo "SMTP sink is not running"; exit 1; fi
    ;;
  *) echo "usage: scripts/smtp-sink.sh start|stop|status" >&2; exit 2 ;;
esac
