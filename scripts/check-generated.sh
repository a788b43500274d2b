#!/usr/bin/env bash
# Regenerates everything that is committed but generated (project files, CRD bindings, dist/,
# workflows) and, on CI, fails when the result differs from what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
npx projen >/dev/null
# CRD bindings from the vendored CRD files (cdk8s.yaml lists them; vendor/crds/, see vendor/README.md).
npx projen import >/dev/null
npx projen synth
paths=(dist imports .github .projen package.json tsconfig.json .gitattributes .npmrc .gitignore)
changes=$(git status --porcelain -- "${paths[@]}" 2>/dev/null || true)
if [ -n "$changes" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "generated files differ from a fresh synth (run 'npx projen && npx projen synth' and commit):"
    echo "$changes"
    git --no-pager diff --stat -- "${paths[@]}" | tail -20
    exit 1
  fi
  echo "note: generated files differ from git (expected while developing; CI fails on this):"
  echo "$changes" | head -20
fi
