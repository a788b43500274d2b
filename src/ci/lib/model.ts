/**
 * Shell lines that read the training result (`model-metadata.json`, written by
 * `python -m credit_risk.train --output-dir DIR`) into the step outputs `model-version` and
 * `run-id`. Python, not jq: it is on every runner that just trained, the homelab image included.
 * Fails, naming the file, when a field is missing.
 */
export function readModelMetadata(file: string): string[] {
  const script = [
    'import json, os, sys',
    `m = json.load(open("${file}"))`,
    'v = m.get("mlflowVersion", m.get("mlflow_version", m.get("version")))',
    'r = m.get("runId", m.get("run_id"))',
    'missing = [k for k, x in (("model version", v), ("run id", r)) if x in (None, "")]',
    `sys.exit("${file}: missing " + ", ".join(missing)) if missing else None`,
    'open(os.environ["GITHUB_OUTPUT"], "a").write(f"model-version={v}\\nrun-id={r}\\n")',
  ].join('\n');
  return ['python - <<\'PY\'', script, 'PY'];
}
