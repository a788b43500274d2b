# shellcheck shell=bash
# Debian packages for scripts/setup.sh (sourced by it). What it never does: start, stop or restart a
# service, or touch a package that was installed before this run.
#
# Why services need care: Debian's prometheus, prometheus-alertmanager (and e.g. docker-registry) start
# a system service from their postinst, on the default ports (9090, 9093, 5000), and enable it at boot.
# Nothing in this repository uses those: the tests and the demo start their own instances on free
# 127.0.0.1 ports (test/support/prometheus.ts, demo/stack.ts). So:
#   - during the apt-get run, a temporary /usr/sbin/policy-rc.d answering 101 ("action forbidden")
#     keeps the new packages' services from starting: maintainer scripts start services through
#     invoke-rc.d and deb-systemd-invoke, which both ask it first (Debian bookworm, init-system-helpers
#     1.65.2: /usr/share/doc/init-system-helpers/README.policy-rc.d, /usr/bin/deb-systemd-invoke). It is
#     written only when the host has none (or a stale one of ours) and removed afterwards, also on
#     failure; a host's own policy-rc.d is left as it is and decides. (A running service of a package
#     apt upgrades as a dependency is then neither stopped nor restarted: it keeps running.)
#   - afterwards, the units of packages installed on THIS run that are enabled at boot are disabled,
#     each with a message that says so and how to turn it on. Pre-existing packages are never touched.

SETUP_POLICY_RC_D=${SETUP_POLICY_RC_D:-/usr/sbin/policy-rc.d}
SETUP_POLICY_MARK='# Written by self-healing-mlops scripts/setup.sh for one apt-get run; removed after it.'

# Echoes the given packages that dpkg does not list as installed.
debian_packages_missing() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$pkg"
  done
}

installed_package_names() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 == "ii" { print $2 }' | sort; }

# The systemd service units a package ships (Debian installs them under /lib or /usr/lib).
service_units_of() {
  dpkg-query -L "$1" 2>/dev/null | sed -n 's#^/\(usr/\)\{0,1\}lib/systemd/system/\([^/@]*\.service\)$#\2#p' | sort -u
}

_setup_sudo=""
_setup_policy_ours=0
remove_setup_policy_rc_d() {
  if [ "$_setup_policy_ours" = 1 ]; then
    $_setup_sudo rm -f "$SETUP_POLICY_RC_D" || setup_error "could not remove $SETUP_POLICY_RC_D (written by setup); remove it by hand"
    _setup_policy_ours=0
  fi
}

# install_debian_packages PKG...: installs them (apt-get, as root or through sudo) without starting their
# services, then reports and disables the boot-time units of every package this run installed.
install_debian_packages() {
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      setup_error "installing Debian packages needs root, and sudo is not installed. Run as root, or install them first: apt-get install $*"
      return 1
    fi
    _setup_sudo=sudo
  fi
  local before after pkg unit
  before=$(installed_package_names)

  if [ ! -e "$SETUP_POLICY_RC_D" ] || grep -qxF "$SETUP_POLICY_MARK" "$SETUP_POLICY_RC_D" 2>/dev/null; then
    printf '#!/bin/sh\n%s\nexit 101\n' "$SETUP_POLICY_MARK" | $_setup_sudo tee "$SETUP_POLICY_RC_D" >/dev/null
    $_setup_sudo chmod 755 "$SETUP_POLICY_RC_D"
    _setup_policy_ours=1
    trap remove_setup_policy_rc_d EXIT
  fi
  $_setup_sudo apt-get update -qq
  $_setup_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  remove_setup_policy_rc_d

  after=$(installed_package_names)
  command -v systemctl >/dev/null 2>&1 || return 0
  for pkg in $(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after")); do
    for unit in $(service_units_of "$pkg"); do
      if systemctl is-active --quiet "$unit" 2>/dev/null; then
        log "$unit (package $pkg, installed now) is running: this host's $SETUP_POLICY_RC_D let it start. Left running; nothing here uses its port."
      elif systemctl is-enabled --quiet "$unit" 2>/dev/null; then
        if $_setup_sudo systemctl disable --quiet "$unit" 2>/dev/null; then
          log "$unit (package $pkg, installed now) is not started and now disabled at boot; the tests run their own instances on free ports. To use it: systemctl enable --now ${unit%.service}"
        else
          log "warning: could not disable $unit (package $pkg, installed now); it is not running but starts at boot. To stop that: systemctl disable ${unit%.service}"
        fi
      fi
    done
  done
}
