#!/usr/bin/env bash
# The triage corpus's Actions job logs are generated from raw tool output by wrap.py
# (deterministic). Fails when the committed logs drift from a fresh wrap.
set -euo pipefail
python3 test/fixtures/triage/wrap.py
if ! git diff --quiet --exit-code -- test/fixtures/triage/actions || [ -n "$(git ls-files --others --exclude-standard test/fixtures/triage/actions)" ]; then
  echo "test/fixtures/triage/actions/ differs from a fresh wrap.py run: commit the regenerated files" >&2
  git status --short -- test/fixtures/triage/actions >&2
  exit 1
fi
echo "triage fixtures: $(ls test/fixtures/triage/actions | wc -l) job logs up to date"
