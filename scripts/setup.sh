#!/usr/bin/env bash
# Idempotent set-up of everything a fresh machine needs to run the demo and the test suite:
# Debian packages, npm dependencies (npm ci) and the Python virtual environments.
# Safe to run again: each step is skipped when what it would install is already there.
#
#   bash scripts/setup.sh               check prerequisites, print the plan, then install it
#   bash scripts/setup.sh --check-only  check prerequisites and print the plan; install nothing
#
# It never prompts (CI runs it with no stdin): it checks first (Node >= package.json engines, Python >= 3.11
# with venv), stops with a message naming the fix when one is missing, and prints everything it is about to
# install before installing it. It never starts, stops or restarts a service (scripts/setup/apt.sh).
# SETUP_PYTHON picks the interpreter for the venvs (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '[setup] %s\n' "$*"; }
# shellcheck source=scripts/setup/checks.sh
source scripts/setup/checks.sh
# shellcheck source=scripts/setup/apt.sh
source scripts/setup/apt.sh

check_only=0
for arg in "$@"; do
  case $arg in
    --check-only) check_only=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) setup_error "unknown option '$arg' (use --check-only or --help)"; exit 2 ;;
  esac
done

# --- Debian packages -------------------------------------------------------------------------
# prometheus/prometheus-alertmanager: promtool, amtool and the real servers used in tests;
# chromium: renders the demo's HTML report headless in its test;
# curl: the workflows' run steps call it (MLflow health, the capture API), and the rehearsal runs them;
# the shellcheck package: actionlint runs it on every workflow `run:` script (test/ci/hygiene.test.ts);
# python3 + python3-venv: Debian bookworm's Python 3.11 for the venvs below (platform-ci's bare
# debian:bookworm container has no Python; a developer's bookworm machine already has them).
# docker-registry (the CNCF distribution registry) + skopeo: `mlops pin-images` tests resolve digests
# against a real registry the test starts on a free port, with images skopeo pushes (test/oci/). Its
# Debian service (an open registry on port 5000) is kept from starting by scripts/setup/apt.sh.
APT_PACKAGES=(git curl jq sqlite3 prometheus prometheus-alertmanager chromium shellcheck ca-certificates python3 python3-venv docker-registry skopeo)
mapfile -t missing < <(debian_packages_missing "${APT_PACKAGES[@]}")

# --- Prerequisites (nothing is installed before they pass) ------------------------------------
check_node || exit 1
python_after_apt=0
if [ "$SETUP_PYTHON" = python3 ] && [[ " ${missing[*]} " =~ \ (python3|python3-venv)\  ]]; then
  # python3 and/or its venv module come with the Debian packages below: checked again right after them.
  python_after_apt=1
  if command -v python3 >/dev/null 2>&1; then check_python_version || exit 1; fi
else
  check_python || exit 1
fi

# --- The plan ----------------------------------------------------------------------------------
stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
npm_stamp=$(stamp_of package.json package-lock.json)
npm_needed=0
if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$npm_stamp" ]; then npm_needed=1; fi
# One venv per requirement set; each set is hash-pinned (pip --require-hashes).
VENVS=(train:model/requirements/train.txt serve:model/requirements/serve.txt tools:requirements/tools.txt)
venv_needed() {
  local venv="$ROOT/.venvs/$1" req=$2
  [ -f "$req" ] || return 1
  ! { [ -f "$venv/.setup-stamp" ] && [ "$(cat "$venv/.setup-stamp")" = "$(stamp_of "$req")" ]; }
}
planned_venvs=()
for entry in "${VENVS[@]}"; do
  if venv_needed "${entry%%:*}" "${entry#*:}"; then planned_venvs+=("$entry"); fi
done

if [ ${#missing[@]} -eq 0 ] && [ "$npm_needed" = 0 ] && [ ${#planned_venvs[@]} -eq 0 ]; then
  log "prerequisites ok; everything is installed already"
  exit 0
fi
log "prerequisites ok; will install:"
[ ${#missing[@]} -eq 0 ] || log "  Debian packages (apt-get, no service started): ${missing[*]}"
if [ "$npm_needed" = 1 ]; then
  log "  npm ci: the dependencies pinned in package-lock.json, into node_modules/; install scripts run only for: $(node -p 'Object.entries(require("./package.json").allowScripts || {}).filter(([, ok]) => ok).map(([name]) => name).join(", ")') (package.json allowScripts)"
fi
for entry in "${planned_venvs[@]}"; do
  log "  Python venv .venvs/${entry%%:*}: $(grep -c '^[A-Za-z0-9]' "${entry#*:}") hash-pinned packages from ${entry#*:}"
done
if [ "$python_after_apt" = 1 ]; then log "  (python3's venv is checked after the Debian packages are installed)"; fi
if [ "$check_only" = 1 ]; then
  log "--check-only: nothing installed"
  exit 0
fi

# --- Install -----------------------------------------------------------------------------------
install_debian_packages "${missing[@]}"
if [ "$python_after_apt" = 1 ]; then check_python || exit 1; fi

if [ "$npm_needed" = 1 ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
  echo "$npm_stamp" > node_modules/.setup-stamp
fi
# better-sqlite3 is the one dependency whose native build (an install script) the code needs at run time:
# fail here, by name, rather than in the gateway later.
if ! node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()' 2>/dev/null; then
  setup_error "better-sqlite3's native binding does not load. Its install script must run (package.json allowScripts," \
    "set in .projenrc.ts) and build (needs python3, make, g++ when no prebuilt binary can be downloaded): npm rebuild better-sqlite3"
  exit 1
fi

for entry in "${planned_venvs[@]}"; do
  name=${entry%%:*} req=${entry#*:}
  venv="$ROOT/.venvs/$name"
  log "python venv $name ($req)"
  rm -rf "$venv"
  "$SETUP_PYTHON" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$req"
  stamp_of "$req" > "$venv/.setup-stamp"
done

log "done"
