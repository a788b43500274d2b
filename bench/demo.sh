#!/usr/bin/env bash
# Benchmark (not a test): the demo's wall time, end to end (setup skipped; synth included unless
# you pass --no-synth). Target: under 5 minutes on 2 cores. Prints figures; asserts nothing.
# Usage: bash bench/demo.sh [--short] [--no-synth] [other demo options]
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== npm run demo -- --no-setup $* (cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg))"
start=$(date +%s%N)
bash scripts/demo.sh --no-setup --out "$out" "$@"
rc=$?
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
printf 'demo exit code %d, wall time %d.%03d s\n' "$rc" $((ms / 1000)) $((ms % 1000))
[ -f "$out/summary.json" ] && jq -r '.timeline | map(select(.message | test("all services up|dispatch received|done:"))) | .[] | "  \(.t) s  \(.message)"' "$out/summary.json"
exit 0
