#!/usr/bin/env bash
# nginx for the traffic-shifting tests: a real nginx whose upstream weights the traffic router writes and reloads.
#   scripts/nginx.sh install             installs Debian's nginx when missing
#   scripts/nginx.sh start PREFIX PORT   installs, writes PREFIX/nginx.conf, runs nginx with it, waits until
#                                        127.0.0.1:PORT answers
#   scripts/nginx.sh stop PREFIX         stops the nginx running from PREFIX (its files stay: the caller owns them)
#   scripts/nginx.sh path                prints the nginx executable, for the test and reload commands
# Every command is idempotent. PREFIX is a folder the caller made; the caller puts its http-level configuration
# (server blocks, the upstream file they include) in PREFIX/conf.d/*.conf, and its server listens on PORT. The
# generated nginx.conf keeps everything nginx writes (pid, error log, temporary files) inside PREFIX, so nginx runs
# without root; as root its workers run as the same user, so they can use those folders too. Test and reload it with
#   nginx -p PREFIX/ -c PREFIX/nginx.conf -e PREFIX/error.log -t | -s reload
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/background.sh
source scripts/lib/debian.sh

# Debian puts nginx in /usr/sbin, which is not on every user's PATH.
nginx_path() {
  command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; }
}

install() {
  install_debian_package nginx.sh nginx nginx_path
}

# answers PORT: any HTTP answer (a 502 while no backend runs included) means nginx is serving.
answers() {
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"
}

write_config() {
  local prefix="$1" user=""
  if [[ "$(id -u)" -eq 0 ]]; then
    user="user $(id -un);"
  fi
  mkdir -p "$prefix/conf.d" "$prefix/temp"
  cat >"$prefix/nginx.conf" <<EOF
# written by scripts/nginx.sh start; put server blocks in conf.d/*.conf
$user
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log notice;
events {
    worker_connections 256;
}
http {
    access_log off;
    client_body_temp_path $prefix/temp/client_body;
    proxy_temp_path $prefix/temp/proxy;
    fastcgi_temp_path $prefix/temp/fastcgi;
    uwsgi_temp_path $prefix/temp/uwsgi;
    scgi_temp_path $prefix/temp/scgi;
    include $prefix/conf.d/*.conf;
}
EOF
}

start() {
  local prefix port nginx
  prefix="$(realpath "$1")"
  port="$2"
  [[ -d "$prefix" ]] || { echo "nginx.sh: no folder at $prefix" >&2; exit 1; }
  install
  nginx="$(nginx_path)"
  if [[ -f "$prefix/nginx-group.pid" ]] && kill -0 "$(cat "$prefix/nginx-group.pid")" 2>/dev/null && answers "$port"; then
    echo "nginx from $prefix answers on 127.0.0.1:$port"
    return
  fi
  write_config "$prefix"
  local args=(-p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/error.log")
  "$nginx" "${args[@]}" -t -q || { echo "nginx.sh: the configuration in $prefix does not pass nginx -t" >&2; exit 1; }
  # In the foreground of its own process group, so that stop_group ends the master and its workers together.
  setsid "$nginx" "${args[@]}" -g 'daemon off;' >"$prefix/nginx.log" 2>&1 </dev/null &
  echo $! >"$prefix/nginx-group.pid"
  wait_until_ready nginx "$prefix/nginx-group.pid" "$prefix/error.log" 30 answers "$port" || exit 1
  echo "nginx started on 127.0.0.1:$port (prefix $prefix)"
}

stop() {
  local prefix="$1"
  [[ -d "$prefix" ]] || return 0
  stop_group "$prefix/nginx-group.pid"
  rm -f "$prefix/nginx-group.pid"
}

case "${1:-}" in
  install) install ;;
  start) [[ $# -ge 3 ]] || { echo "usage: scripts/nginx.sh start PREFIX PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) [[ $# -ge 2 ]] || { echo "usage: scripts/nginx.sh stop PREFIX" >&2; exit 2; }; stop "$2" ;;
  path) install >&2; nginx_path ;;
  *) echo "usage: scripts/nginx.sh install | start PREFIX PORT | stop PREFIX | path" >&2; exit 2 ;;
esac
