#!/usr/bin/env bash
# hadolint over every Dockerfile in the repository (images/*, model/), so a new one is linted without
# editing this script. Run from the repo root by scripts/test-all.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
HADOLINT=.venvs/tools/bin/hadolint
[ -x "$HADOLINT" ] || { echo "images: missing $HADOLINT (run scripts/setup.sh)" >&2; exit 1; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*Dockerfile' '*Dockerfile.*' | sort)
[ ${#files[@]} -gt 0 ] || { echo "images: no Dockerfile found" >&2; exit 1; }
"$HADOLINT" "${files[@]}"
echo "images: hadolint ok (${files[*]})"

# The pin file: valid, and which pins still wait for `npx mlops pin-images` (network) or a first image build.
bin/mlops pin-images --check --offline
