import * as fs from 'node:fs';
import * as path from 'node:path';
import { classifyLog } from '../../src/triage/classify';
import type { FailureType, Finding } from '../../src/triage/types';

const LOGS = path.join(__dirname, '..', 'fixtures', 'triage', 'actions');

/** Every fixture, the type code must decide, and the key finding that must be in `findings`. */
const cases: Array<[string, FailureType, Partial<Finding>]> = [
  ['flake8-default', 'lint', { tool: 'flake8', rule: 'F821', file: 'src/credit_risk/features.py', line: 6 }],
  ['flake8-pylint', 'lint', { tool: 'flake8', rule: 'E501', file: 'src/credit_risk/features.py', line: 5 }],
  ['bandit-text', 'sast', { tool: 'bandit', rule: 'B602', file: 'src/credit_risk/serve.py', line: 10, severity: 'high' }],
  ['bandit-json', 'sast', { tool: 'bandit', rule: 'B602', file: 'src/credit_risk/serve.py', line: 10, severity: 'high' }],
  ['pytest-assert-q', 'unit-test', { tool: 'pytest', id: 'tests/test_model.py::test_predict_threshold', file: 'tests/test_model.py', line: 6, rule: 'assertion' }],
  ['pytest-assert-v', 'unit-test', { tool: 'pytest', id: 'tests/test_model.py::test_predict_threshold', rule: 'assertion' }],
  ['pytest-import', 'unit-test', { tool: 'pytest', file: 'tests/test_import.py', rule: 'import' }],
  ['pytest-fixture', 'unit-test', { tool: 'pytest', id: 'tests/test_fixture.py::test_uses_dataset', rule: 'fixture' }],
  ['pytest-collection', 'unit-test', { tool: 'pytest', file: 'tests/test_syntax.py', rule: 'collection' }],
  ['pytest-timeout', 'unit-test', { tool: 'pytest', id: 'tests/test_serve.py::test_predictor_latency', rule: 'timeout' }],
  ['gate-accuracy', 'model-validation', { tool: 'model-gate', rule: 'accuracy', id: 'accuracy=0.8123', message: 'model-validation failed: accuracy 0.8123 below threshold 0.8500' }],
  ['gitleaks', 'secret-leak', { tool: 'gitleaks', rule: 'aws-access-token', file: 'model/src/credit_risk/upload.py', line: 14 }],
  ['snyk-text', 'sca', { tool: 'snyk', id: 'SNYK-PYTHON-JINJA2-8548181', severity: 'high' }],
  ['snyk-json', 'sca', { tool: 'snyk', id: 'SNYK-PYTHON-SCIKITLEARN-7226456', rule: 'CVE-2024-5206' }],
  ['trivy-table', 'image-vulnerability', { tool: 'trivy', id: 'CVE-2024-5535', severity: 'critical' }],
  ['trivy-multiline', 'image-vulnerability', { tool: 'trivy', id: 'CVE-2023-45853', severity: 'high' }],
  ['trivy-json', 'image-vulnerability', { tool: 'trivy', id: 'CVE-2024-45491', severity: 'critical' }],
  ['pip-no-version', 'build', { tool: 'pip', id: 'scikit-learn==0.0.999' }],
  ['npm-e404', 'build', { tool: 'npm', rule: 'E404', id: 'mlops-triage-no-such-package-zz9' }],
  ['buildx', 'build', { tool: 'buildx', rule: 'failed-to-solve', file: 'Dockerfile', line: 14 }],
  ['git-push-rejected', 'deploy', { tool: 'git', rule: 'non-fast-forward', id: 'HEAD -> main' }],
  ['kubectl-forbidden', 'deploy', { tool: 'kubectl', rule: 'forbidden' }],
  ['runner-shutdown', 'infrastructure', { tool: 'runner', rule: 'shutdown' }],
  ['runner-timeout', 'infrastructure', { tool: 'runner', rule: 'time-limit' }],
  ['runner-lost', 'infrastructure', { tool: 'runner', rule: 'lost-runner' }],
  ['runner-disk', 'infrastructure', { tool: 'runner', rule: 'disk-full' }],
  ['tsc', 'lint', { tool: 'tsc', rule: 'TS2322', file: 'src/drift/rules.ts', line: 42 }],
  ['mypy', 'lint', { tool: 'mypy', rule: 'arg-type', file: 'model/src/credit_risk/train.py', line: 57 }],
  ['grype-generic', 'sca', { tool: 'osv-scanner', id: 'GHSA-9wx4-h78v-vm56' }],
  ['continue-on-error', 'unit-test', { tool: 'pytest', id: 'tests/test_model.py::test_predict_threshold' }],
  ['unknown', 'unknown', {}],
  ['unknown-after-ok', 'unknown', {}],
];

describe('classification of the fixture corpus', () => {
  test('every fixture in logs/ has a case', () => {
    const files = fs.readdirSync(LOGS).filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, '')).sort();
    expect(files).toEqual(cases.map((c) => c[0]).sort());
  });

  test.each(cases)('%s → %s with its key finding', (name, type, key) => {
    const c = classifyLog(fs.readFileSync(path.join(LOGS, `${name}.txt`), 'utf8'));
    expect(c.failureType).toBe(type);
    if (Object.keys(key).length) expect(c.findings).toContainEqual(expect.objectContaining(key));
  });

  test('unknown keeps the last lines of the failing step as evidence, not a guess', () => {
    const c = classifyLog(fs.readFileSync(path.join(LOGS, 'unknown.txt'), 'utf8'));
    expect(c.evidence).toEqual(['collecting artifacts', 'uploading 3 files', 'done with stage 2', '##[error]Process completed with exit code 3.']);
    expect(c.findings).toEqual([{ tool: 'runner', message: 'Process completed with exit code 3.' }]);
  });

  test('only the failing step decides: the continue-on-error flake8 step is ignored', () => {
    const c = classifyLog(fs.readFileSync(path.join(LOGS, 'continue-on-error.txt'), 'utf8'));
    expect(c.step.command).toBe('pytest -q -p no:cacheprovider tests/test_model.py');
    expect(c.findings.some((f) => f.tool === 'flake8')).toBe(false);
  });
});
