import * as fs from 'node:fs';
import * as path from 'node:path';
import { ActionsLog } from '../actions-log';
import { root, trainPy, bandit, type ScenarioResult, DemoError, progress } from '../common';
import { type Stack, stopLoad, mlops } from '../stack';

/** The pipeline's steps on a broken copy of the model; each failing step's log goes to `mlops triage`. */
export async function pipelineScenario(s: Stack): Promise<ScenarioResult> {
  await stopLoad(s);
  const copy = path.join(s.tmp, 'broken-model');
  fs.cpSync(path.join(root, 'model'), copy, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache|artifacts/.test(src) });
  const pyEnv = { ...process.env, PYTHONPATH: path.join(copy, 'src'), OMP_NUM_THREADS: '1', MLFLOW_TRACKING_URI: '' };
  fs.writeFileSync(path.join(copy, 'tests', 'test_demo_regression.py'), [
    '"""Injected by the demo: a regression in the feature declaration."""',
    'from credit_risk.features import NUMERIC',
    '',
    '',
    'def test_numeric_feature_count():',
    '    assert len(NUMERIC) == 12',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(copy, 'src', 'credit_risk', 'debug_hook.py'), [
    '"""Injected by the demo: a debugging hook that runs a shell command."""',
    'import subprocess',
    '',
    '',
    'def run(cmd):',
    '    return subprocess.call(cmd, shell=True)',
    '',
  ].join('\n'));
  const steps: { id: string; job: string; command: string; bin: string; args: string[]; expect: string }[] = [
    {
      id: 'unit-test',
      job: 'test',
      command: 'python -m pytest -q -p no:cacheprovider tests/test_demo_regression.py',
      bin: trainPy,
      args: ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_demo_regression.py'],
      expect: 'unit-test',
    },
    { id: 'sast', job: 'security', command: 'bandit -q -c pyproject.toml -r src', bin: bandit, args: ['-q', '-c', 'pyproject.toml', '-r', 'src'], expect: 'sast' },
    {
      id: 'gate',
      job: 'train',
      command: 'python -m credit_risk.train --rows 2000 --threshold 0.99',
      bin: trainPy,
      args: ['-m', 'credit_risk.train', '--rows', '2000', '--threshold', '0.99', '--output-dir', path.join(s.tmp, 'gate-out')],
      expect: 'model-validation',
    },
  ];
  const reports: ScenarioResult['reports'] = [];
  for (const step of steps) {
    progress(`pipeline step "${step.job}": ${step.command}`);
    const r = await s.group.run(step.id, step.bin, step.args, { env: pyEnv, cwd: copy, timeoutMs: 180_000 });
    if (r.code === 0) throw new DemoError(`the broken copy passed "${step.command}"; expected a failure`);
    const logFile = path.join(s.tmp, `${step.id}.log`);
    fs.writeFileSync(logFile, new ActionsLog().step(step.command, `${r.stdout}${r.stderr}`, r.code ?? 1).text());
    const dir = path.join(s.out, 'pipeline', step.id);
    const t = await mlops(s, `triage-${step.id}`, ['triage', '--log', logFile, '--workflow', 'model-pipeline', '--job', step.job, '--branch', 'main', '--json', '--out', dir]);
    if (t.code !== 0) throw new DemoError(`triage of ${step.id} failed (exit ${t.code}):\n${t.stderr.slice(-3000)}`);
    const json = JSON.parse(t.stdout.trim().split('\n')[0]);
    progress(`triage: ${json.failureType} → team ${json.team}: ${String(json.summary ?? '').split('\n')[0].slice(0, 140)}`);
    reports.push({ name: step.id, json, markdown: fs.existsSync(path.join(dir, 'report.md')) ? fs.readFileSync(path.join(dir, 'report.md'), 'utf8') : '' });
  }
  return { scenario: 'pipeline', ok: true, alerts: [], reports, series: [] };
}
