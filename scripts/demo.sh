#!/usr/bin/env bash
# The README's main command. Today it sets the machine up and synthesizes the platform
# (dist/, workflows); the end-to-end local loop replaces this as it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--no-setup" ]; then bash scripts/setup.sh; fi
npx projen
npx projen synth
echo "platform synthesized into dist/"
