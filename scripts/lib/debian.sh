# Shared by the scripts that run a real component from a Debian package for tests.

# How long an install waits for the package manager while another process (an unattended upgrade, another test
# script) holds its lock.
apt_lock_timeout=300

# install_debian_package SCRIPT PACKAGE CHECK...
# Installs PACKAGE with apt-get (through sudo when not root) unless CHECK already succeeds, then stops the system
# service of the same name that the package may have started. SCRIPT names the caller in errors. Scripts running
# side by side install one at a time; each finds what another installed. A failed install names the package and
# shows apt-get's own words.
install_debian_package() {
  local script="$1" package="$2"
  shift 2
  if "$@" >/dev/null 2>&1; then
    return
  fi
  local as_root=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "$script: installing $package needs root or sudo" >&2; exit 1; }
    as_root=(sudo)
  fi
  local lock fd apt_output
  apt_output="$(mktemp)"
  lock="${TMPDIR:-/tmp}/opsfunctions-apt.lock"
  exec {fd}>"$lock"
  flock -w "$apt_lock_timeout" "$fd" || { echo "$script: waited $apt_lock_timeout s for another test script's install; not installing $package" >&2; exit 1; }
  if ! "$@" >/dev/null 2>&1; then
    echo "Installing $package from Debian packages"
    # A fresh machine may have no package lists yet: read them only when the package is not found.
    if ! apt_get install -y -qq --no-install-recommends "$package"; then
      apt_get update -qq \
        && apt_get install -y -qq --no-install-recommends "$package" \
        || { echo "$script: installing Debian package $package failed; apt-get said:" >&2; sed 's/^/  /' "$apt_output" >&2; exit 1; }
    fi
    "$@" >/dev/null 2>&1 || { echo "$script: Debian package $package installed, but \`$*\` still fails" >&2; exit 1; }
    stop_package_service "$package" "${as_root[@]}"
  fi
  exec {fd}>&-
  rm -f "$apt_output"
}

# apt_get ARGS...
# Runs apt-get as the caller's $as_root says, its output kept in the caller's $apt_output. Waits for the package
# manager's locks: dpkg's through apt's own DPkg::Lock::Timeout; the package lists' lock, which `apt-get update`
# takes without waiting, by trying again. The environment goes through env, since sudo drops the caller's.
apt_get() {
  local deadline=$((SECONDS + apt_lock_timeout))
  while true; do
    if "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$apt_lock_timeout" "$@" >"$apt_output" 2>&1; then
      return 0
    fi
    if ! grep -q "Could not get lock" "$apt_output" || ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 2
  done
}

# stop_package_service PACKAGE [sudo]
# A package starts its system service on install where an init system runs (systemd, or its init.d script
# elsewhere); the tests run their own.
stop_package_service() {
  local package="$1"
  shift
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$package" 2>/dev/null; then
    "$@" systemctl stop "$package" || true
  elif [[ -x "/etc/init.d/$package" ]] && "/etc/init.d/$package" status >/dev/null 2>&1; then
    "$@" "/etc/init.d/$package" stop >/dev/null || true
  fi
}
