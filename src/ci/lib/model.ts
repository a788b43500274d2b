/**
 * Shell lines that read the training result (`model-metadata.json`, written by
 * `python -m credit_risk.train --output-dir DIR`) into the step outputs `model-version` and
 * `run-id`. Python, not jq: it is on every runner that just trained, the homelab image included.
 * Fails, naming the file and the field, when the model was not registered.
 */
export function readModelMetadata(file: string): string[] {
  const script = [
    'import json, os, sys',
    `m = json.load(open("${file}"))`,
    'v = m.get("mlflowVersion")',
    'r = m.get("runId")',
    // "0"/"none" are what train writes when nothing was registered in MLflow: nothing to release.
    'missing = [k for k, x in (("mlflowVersion", v), ("runId", r)) if str(x) in ("None", "", "0", "none")]',
    `sys.exit("${file}: no MLflow registration (" + ", ".join(missing) + ")") if missing else None`,
    'open(os.environ["GITHUB_OUTPUT"], "a").write(f"model-version={v}\\nrun-id={r}\\n")',
  ].join('\n');
  return ['python - <<\'PY\'', script, 'PY'];
}
