#!/usr/bin/env bash
# IaC security scan of the synthesized manifests (dist/) with checkov (.venvs/tools).
# Skips are listed, each with its reason, in .checkov.yaml. Writes reports/checkov-dist.xml (JUnit).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p reports
checkov=".venvs/tools/bin/checkov"
[ -x "$checkov" ] || { echo "checkov-dist: $checkov missing (run scripts/setup.sh)"; exit 1; }
# --skip-download: offline (no Prisma Cloud policy metadata); -o cli + junitxml.
"$checkov" --config-file .checkov.yaml -d dist -o cli -o junitxml --output-file-path console,reports/checkov-dist.xml
