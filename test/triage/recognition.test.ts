import { classifyLog } from '../../src/triage/classify';
import { familyOf, relPath } from '../../src/triage/parsers/families';
import { parseModelGate } from '../../src/triage/parsers/modelgate';

/** A one-step Actions log whose step fails. */
const log = (command: string, lines: string[]) =>
  [`##[group]Run ${command}`, '##[endgroup]', ...lines, '##[error]Process completed with exit code 1.'].map((l) => `2026-11-30T10:00:00.0000000Z ${l}`).join('\n');

describe('recognition by shape', () => {
  test('paths are made relative to the checkout (hosted, self-hosted, container)', () => {
    expect(relPath('/home/runner/work/shop/shop/src/a.js')).toBe('src/a.js');
    expect(relPath('/opt/actions-runner/_work/api/api/lib/x.py')).toBe('lib/x.py');
    expect(relPath('file:///github/workspace/Dockerfile')).toBe('Dockerfile');
    expect(relPath('./main.go')).toBe('main.go');
    expect(relPath('/usr/lib/python3/x.py')).toBe('/usr/lib/python3/x.py');
  });

  test('security rule namespaces make a linter SAST; other rules stay lint', () => {
    expect(familyOf('ESLint', ['security/detect-child-process', 'no-unused-vars']).type).toBe('sast');
    expect(familyOf('ESLint', ['no-unused-vars']).type).toBe('lint');
    expect(familyOf('Semgrep OSS', ['python.lang.security.audit.eval']).type).toBe('sast');
    expect(familyOf('Trivy', []).type).toBe('image-vulnerability');
  });

  test('a gate in any wording; metrics without a comparison or without a failure are not a gate', () => {
    expect(parseModelGate(['ROC-AUC 0.68 is below the minimum of 0.70', 'model rejected'], '')?.findings[0]).toMatchObject({ rule: 'roc-auc', id: 'roc-auc=0.68' });
    expect(parseModelGate(['epoch 3 accuracy 0.91 loss 0.2', 'Traceback: boom failed'], '')).toBeUndefined();
    expect(parseModelGate(['accuracy 0.91 (threshold 0.85)', 'all good'], '')).toBeUndefined();
    expect(parseModelGate(['recall[fraud] = 0.9 (min 0.6) ok', 'recall[legit] = 0.3 (min 0.6) FAILED'], '')?.findings.map((f) => f.rule)).toEqual(['recall[legit]']);
  });

  test('compile errors: build in a build step, lint for a type check on its own', () => {
    const out = ['src/a.ts(3,7): error TS2322: Type \'string\' is not assignable to type \'number\'.'];
    expect(classifyLog(log('npm run build', out)).failureType).toBe('build');
    expect(classifyLog(log('npx tsc --noEmit', out)).failureType).toBe('lint');
    expect(classifyLog(log('go build ./...', ['# example.com/x', './main.go:6:14: undefined: total'])).findings[0]).toMatchObject({ file: 'main.go', line: 6 });
  });

  test('stylish-looking rows without ESLint in the command or its summary are not ESLint', () => {
    const rows = ['/home/runner/work/a/a/src/x.js', '  1:7  error  something odd  some-rule'];
    expect(classifyLog(log('./check.sh', rows)).tool).not.toBe('eslint');
    expect(classifyLog(log('npx eslint src', rows)).findings[0]).toMatchObject({ tool: 'eslint', file: 'src/x.js', line: 1, rule: 'some-rule' });
  });
});
