# shellcheck shell=bash
# Prerequisite checks for scripts/setup.sh, sourced by it (and run alone by `setup.sh --check-only`).
# Each check prints what is wrong and the command that fixes it, and returns non-zero; nothing here
# installs or changes anything. Tested with fake node/python3 binaries in test/setup/setup-script.test.ts.

setup_error() { printf '[setup] error: %s\n' "$*" >&2; }

# version_at_least HAVE WANT: true when dotted version HAVE >= WANT (numeric, missing parts are 0).
version_at_least() {
  local -a have want
  IFS=. read -r -a have <<< "$1"
  IFS=. read -r -a want <<< "$2"
  local i h w
  for i in 0 1 2; do
    h=${have[i]:-0}; w=${want[i]:-0}
    h=${h%%[!0-9]*}; w=${w%%[!0-9]*}
    [ "${h:-0}" -gt "${w:-0}" ] && return 0
    [ "${h:-0}" -lt "${w:-0}" ] && return 1
  done
  return 0
}

# The minimum Node version from package.json's engines.node (">= 20.19.0"), read without node so the
# check works when node is missing or broken. projen writes the field (minNodeVersion in .projenrc.ts).
required_node_version() {
  sed -n '/"engines": {/,/}/s/.*"node": *"[^0-9]*\([0-9][0-9.]*\)".*/\1/p' "${1:-package.json}" | head -1
}

check_node() {
  local want have
  want=$(required_node_version package.json)
  if [ -z "$want" ]; then
    setup_error "package.json has no engines.node version to check against"
    return 1
  fi
  if ! command -v node >/dev/null 2>&1; then
    setup_error "node is not installed; this repository needs Node >= $want (package.json engines)." \
      "Install Node 20 LTS (>= $want) from https://nodejs.org, nvm or fnm; Debian 12's own nodejs (18) is too old."
    return 1
  fi
  have=$(node --version 2>/dev/null | sed 's/^v//')
  if ! version_at_least "$have" "$want"; then
    setup_error "node is ${have:-unknown} ($(command -v node)); this repository needs Node >= $want (package.json engines)." \
      "Install Node 20 LTS (>= $want) from https://nodejs.org, nvm or fnm."
    return 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    setup_error "npm is not installed next to node $have; install it with Node (https://nodejs.org) or apt-get install npm."
    return 1
  fi
}

# The interpreter the venvs are built with: SETUP_PYTHON (e.g. python3.11 on Ubuntu 22.04) or python3.
# The pinned requirement files are compiled for Python 3.11 (uv pip compile --python-version 3.11).
SETUP_PYTHON=${SETUP_PYTHON:-python3}
MIN_PYTHON_VERSION=3.11

check_python() { check_python_version && check_python_venv; }

check_python_version() {
  local py=$SETUP_PYTHON have
  if ! command -v "$py" >/dev/null 2>&1; then
    setup_error "$py is not installed; the Python venvs need Python >= $MIN_PYTHON_VERSION with venv." \
      "Fix: apt-get install python3 python3-venv (Debian 12 ships 3.11), or set SETUP_PYTHON to a Python >= $MIN_PYTHON_VERSION."
    return 1
  fi
  have=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || have=""
  if [ -z "$have" ]; then
    setup_error "$py ($(command -v "$py")) did not report its version; the Python venvs need Python >= $MIN_PYTHON_VERSION."
    return 1
  fi
  if ! version_at_least "$have" "$MIN_PYTHON_VERSION"; then
    setup_error "$py is $have ($(command -v "$py")); the pinned requirements need Python >= $MIN_PYTHON_VERSION." \
      "Fix: install Python $MIN_PYTHON_VERSION (Ubuntu 22.04: apt-get install python3.11 python3.11-venv) and run with SETUP_PYTHON=python3.11."
    return 1
  fi
}

check_python_venv() {
  local py=$SETUP_PYTHON have
  have=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || have=""
  # `python -m venv` bootstraps pip with ensurepip, which Debian/Ubuntu ship separately in python3-venv.
  if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    local minor=${have%.*}
    setup_error "$py $have ($(command -v "$py")) cannot create virtual environments: its venv/ensurepip modules are missing." \
      "Fix: apt-get install python3-venv (or python$minor-venv for python$minor)."
    return 1
  fi
}
