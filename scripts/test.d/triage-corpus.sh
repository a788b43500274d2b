#!/usr/bin/env bash
# Every expected.json of the triage eval corpus must be what derive.py gets from the tool's own
# report kept beside it (scripts/triage-corpus/check.py): expectations are derived, never hand-edited.
set -euo pipefail
python3 scripts/triage-corpus/check.py
