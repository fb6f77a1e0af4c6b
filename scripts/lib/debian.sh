# Shared by the scripts that run a real component from a Debian package for tests.

# install_debian_package SCRIPT BIN PACKAGE
# Installs PACKAGE with apt-get (through sudo when not root) unless BIN is already on the PATH, then stops the
# system service of the same name that the package may have started. SCRIPT names the caller in errors.
install_debian_package() {
  local script="$1" bin="$2" package="$3"
  if command -v "$bin" >/dev/null; then
    return
  fi
  local as_root=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "$script: installing $package needs root or sudo" >&2; exit 1; }
    as_root=(sudo)
  fi
  local apt=("${as_root[@]}" apt-get)
  echo "Installing $package from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet: read them only when the package is not found.
  if ! "${apt[@]}" install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; then
    "${apt[@]}" update -qq >/dev/null
    "${apt[@]}" install -y -qq --no-install-recommends "$package" >/dev/null
  fi
  # The package starts a system service on install where an init system runs (systemd, or its init.d script
  # elsewhere); the tests run their own.
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$package" 2>/dev/null; then
    "${as_root[@]}" systemctl stop "$package" || true
  elif [[ -x "/etc/init.d/$package" ]] && "/etc/init.d/$package" status >/dev/null 2>&1; then
    "${as_root[@]}" "/etc/init.d/$package" stop >/dev/null || true
  fi
}
