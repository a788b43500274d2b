#!/usr/bin/env bash
# The README's main command: the self-healing loop on one machine (docs/demo.md).
#   bash scripts/demo.sh [--no-setup] [--short] [--no-synth] [--out DIR] [--scenarios latency,drift,pipeline]
# Runs scripts/setup.sh first (idempotent) unless --no-setup; the rest of the options go to the
# orchestrator (demo/main.ts). No keys, no cluster, no network; GEMINI_API_KEY set → Gemini explains.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
setup=1
for a in "$@"; do
  if [ "$a" = "--no-setup" ]; then setup=0; else args+=("$a"); fi
done
if [ "$setup" = 1 ]; then
  bash scripts/setup.sh
else
  missing=()
  [ -d node_modules ] || missing+=("node_modules (npm ci)")
  for v in train serve tools; do [ -x ".venvs/$v/bin/python" ] || missing+=(".venvs/$v"); done
  command -v prometheus >/dev/null || missing+=("prometheus (apt)")
  command -v alertmanager >/dev/null || command -v prometheus-alertmanager >/dev/null || missing+=("prometheus-alertmanager (apt)")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "demo: missing prerequisites (run scripts/setup.sh): ${missing[*]}" >&2
    exit 2
  fi
fi
# exec: the orchestrator receives Ctrl-C/SIGTERM itself and stops its process group.
exec node node_modules/.bin/ts-node --swc demo/main.ts ${args[@]+"${args[@]}"}
