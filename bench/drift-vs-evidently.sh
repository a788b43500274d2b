#!/usr/bin/env bash
# Evidently's data drift preset vs `mlops analyze-drift --offline` on the same generated CSVs.
# Not part of CI: it creates its own Python venv (network to PyPI) and installs Evidently.
#
#   bash bench/drift-vs-evidently.sh [ROWS]      (default 100000 rows per file, 20 features)
#
# Prints per feature whether both flag drift, and the time ratio. Exit 1 when any verdict differs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-100000}"
VENV="${EVIDENTLY_VENV:-.venvs/evidently}"
# Evidently 0.7.23 (the version the statistics were checked against); pandas < 3 for its legacy API.
if [ ! -x "$VENV/bin/python" ]; then
  python3.11 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "evidently==0.7.23" "pandas==2.2.3"
fi
DIR="$(mktemp -d -t drift-vs-evidently-XXXXXX)"
trap 'rm -rf "$DIR"' EXIT
npx ts-node --transpile-only bench/drift.ts --rows "$ROWS" --keep "$DIR" --generate-only
start=$(date +%s.%N)
./bin/mlops analyze-drift --reference "$DIR/reference.csv" --current "$DIR/current.csv" --offline --json > "$DIR/ours.json"
end=$(date +%s.%N)
ours=$(python3 -c "print($end - $start)")
start=$(date +%s.%N)
status=0
"$VENV/bin/python" bench/drift-vs-evidently.py "$DIR/reference.csv" "$DIR/current.csv" "$DIR/ours.json" "$ours" || status=$?
end=$(date +%s.%N)
theirs=$(python3 -c "print($end - $start)")
python3 -c "print(f'end to end (process start to exit): mlops {$ours:.2f} s, evidently {$theirs:.2f} s, ratio evidently/mlops {$theirs / $ours:.2f}')"
exit "$status"
