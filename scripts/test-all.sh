#!/usr/bin/env bash
# The whole test suite, as the README and CI (.ci/run) run it. Runs the idempotent set-up first
# (SKIP_SETUP=1 skips it when you know the machine is ready).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ "${SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh || exit 1
export PATH="$ROOT/node_modules/.bin:$ROOT/.venvs/tools/bin:$PATH"
mkdir -p reports
failed_stages=()

stage() {
  local name=$1; shift
  printf '\n=== %s\n' "$name"
  local start=$SECONDS
  if "$@"; then
    printf '=== %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    printf '=== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    failed_stages+=("$name")
  fi
}

# Generated files must equal a fresh synthesis: project files, imports, dist/, workflows.
stage "synth + drift check" bash scripts/check-generated.sh
stage "typecheck (tsc)" tsc --noEmit -p test/tsconfig.json
stage "jest" jest --ci --coverage=false --json --outputFile=reports/jest.json
stage "eslint" env ESLINT_USE_FLAT_CONFIG=false eslint --ext .ts --no-error-on-unmatched-pattern src test bench demo .projenrc.ts
for extra in scripts/test.d/*.sh; do
  [ -f "$extra" ] || continue
  stage "$(basename "$extra" .sh)" bash "$extra"
done

node scripts/summarize-tests.js reports
if [ ${#failed_stages[@]} -gt 0 ]; then
  printf 'failed stages: %s\n' "${failed_stages[*]}"
  exit 1
fi
