#!/usr/bin/env bash
# The example model's checks (run from the repo root by scripts/test-all.sh):
# flake8, Bandit, hadolint, then pytest in the venv each test needs:
#   train venv (scikit-learn + MLflow): dataset, training/gate, image pins, the real `mlflow server` test
#   serve venv (kserve, no MLflow):     the predictor over HTTP against the contract schema
# JUnit XML goes to reports/model-<venv>.xml. pytest's exit 5 (no tests collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TOOLS="$ROOT/.venvs/tools/bin"
mkdir -p reports
failed=()

need() {
  if [ ! -x "$1" ]; then
    echo "model: missing $1 (run scripts/setup.sh)" >&2
    exit 1
  fi
}
need "$TOOLS/flake8"; need "$TOOLS/bandit"; need "$TOOLS/hadolint"
need "$ROOT/.venvs/train/bin/python"; need "$ROOT/.venvs/serve/bin/python"

step() {
  local name=$1; shift
  echo "--- model: $name"
  "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "model: $name collected no tests (pytest exit 5)" >&2
  fi
  [ "$rc" -eq 0 ] || failed+=("$name")
}

# The same command as the model-ci-ct-cd lint job (src/ci/model-pipeline.ts), from the same directory.
step flake8 "$TOOLS/flake8" --config model/.flake8 model
step bandit "$TOOLS/bandit" -q -c model/pyproject.toml -r model/src
step hadolint "$TOOLS/hadolint" model/Dockerfile

# Single-threaded numeric libraries: the machine is small and shared; OpenMP spinning only slows it down.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Keep the tests away from any MLflow server configured in the caller's environment.
unset MLFLOW_TRACKING_URI MODEL_FAULT_DELAY_MS
cd model
step "pytest (train venv)" "$ROOT/.venvs/train/bin/python" -m pytest -m "not serve" -p no:cacheprovider \
  --junitxml="$ROOT/reports/model-train.xml" -o junit_suite_name=model-train tests
step "pytest (serve venv)" "$ROOT/.venvs/serve/bin/python" -m pytest -m serve -p no:cacheprovider \
  --junitxml="$ROOT/reports/model-serve.xml" -o junit_suite_name=model-serve tests

if [ ${#failed[@]} -gt 0 ]; then
  echo "model: failed: ${failed[*]}" >&2
  exit 1
fi
echo "model: ok"
