#!/usr/bin/env bash
# Benchmark (not a test): the example model's train time and the predictor's latency over a fixed number of
# local requests. Prints figures; asserts nothing. Usage: bash bench/model.sh [REQUESTS] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REQUESTS=${1:-1000}
ROWS=${2:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset MLFLOW_TRACKING_URI MODEL_FAULT_DELAY_MS
export PYTHONPATH="$ROOT/model/src"

echo "== train ($ROWS synthetic rows, no MLflow)"
start=$(date +%s%N)
"$ROOT/.venvs/train/bin/python" -m credit_risk.train --rows "$ROWS" --output-dir "$work/model"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
printf 'train wall time (incl. interpreter start and imports): %d.%03d s\n' $((ms / 1000)) $((ms % 1000))

echo "== predictor ($REQUESTS sequential single-instance requests on loopback)"
"$ROOT/.venvs/serve/bin/python" "$ROOT/bench/model.py" --model-dir "$work/model" --requests "$REQUESTS"
