#!/usr/bin/env bash
# Idempotent set-up of everything a fresh machine needs to run the demo and the test suite:
# Debian packages, npm dependencies (npm ci) and the Python virtual environments.
# Safe to run again: each step is skipped when what it would install is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '[setup] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
# prometheus/prometheus-alertmanager: promtool, amtool and the real servers used in tests;
# chromium: renders the demo's HTML report headless in its test;
# shellcheck: actionlint runs it on every workflow `run:` script (test/ci/hygiene.test.ts);
# python3 + python3-venv: Debian bookworm's Python 3.11 for the venvs below (platform-ci's bare
# debian:bookworm container has no Python; a developer's bookworm machine already has them).
# docker-registry (the CNCF distribution registry) + skopeo: `mlops pin-images` tests resolve digests
# against a real registry the test starts on a free port, with images skopeo pushes (test/oci/).
APT_PACKAGES=(git jq sqlite3 prometheus prometheus-alertmanager chromium shellcheck ca-certificates python3 python3-venv docker-registry skopeo)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start system services; the tests run their own instances on free ports.
# docker-registry's service would hold port 5000 with an open, writable registry: stop it and disable it.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter docker-registry; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" >/dev/null 2>&1 || true
  fi
done
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet docker-registry 2>/dev/null; then
  systemctl disable docker-registry >/dev/null 2>&1 || true
fi

# --- npm -------------------------------------------------------------------------------------
stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
npm_stamp=$(stamp_of package.json package-lock.json)
if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$npm_stamp" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
  echo "$npm_stamp" > node_modules/.setup-stamp
fi

# --- Python virtual environments ---------------------------------------------------------------
# One venv per requirement set; each set is hash-pinned (pip --require-hashes).
make_venv() {
  local name=$1 req=$2
  [ -f "$req" ] || return 0
  local venv="$ROOT/.venvs/$name" stamp
  stamp=$(stamp_of "$req")
  if [ -f "$venv/.setup-stamp" ] && [ "$(cat "$venv/.setup-stamp")" = "$stamp" ]; then return 0; fi
  log "python venv $name ($req)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$req"
  echo "$stamp" > "$venv/.setup-stamp"
}
make_venv train model/requirements/train.txt
make_venv serve model/requirements/serve.txt
make_venv tools requirements/tools.txt

log "done"
