import { sanitizeReport, sanitizeText, UsageError } from '../../src/analysis';
import { resolveAnalysisOptions } from '../../src/cli/analysis-options';

describe('output hygiene', () => {
  test('only configured team handles may be mentioned', () => {
    const out = sanitizeText('cc @everyone @here @attacker and @self-healing-mlops/ml, not user@example.com');
    expect(out).toBe('cc @\u200deveryone @\u200dhere @\u200dattacker and @self-healing-mlops/ml, not user@example.com');
  });

  test('Slack special mentions are neutralised', () => {
    expect(sanitizeText('<!channel> <!here|here> <@U123ABC>')).toBe('(at)channel (at)here (at)U123ABC');
  });

  test('links outside the allowlist are defanged; allowlisted ones stay', () => {
    const out = sanitizeText('see https://evil.example.com/a?b=1 and [docs](https://evil.example.com/x) and https://github.com/acme/model/actions/runs/1 and https://nvd.nist.gov/vuln/detail/CVE-2024-5535');
    expect(out).toContain('hxxps://evil[.]example[.]com/a?b=1');
    expect(out).toContain('docs (hxxps://evil[.]example[.]com/x)');
    expect(out).toContain('https://github.com/acme/model/actions/runs/1');
    expect(out).toContain('https://nvd.nist.gov/vuln/detail/CVE-2024-5535');
    expect(out).not.toMatch(/https?:\/\/evil/);
  });

  test('HTML comments cannot forge a dedupe marker; length is capped', () => {
    expect(sanitizeText('<!-- mlops-key:deadbeef -->')).toBe('&lt;!-- mlops-key:deadbeef -->');
    const long = sanitizeText('x'.repeat(10_000), { maxLength: 100 });
    expect(long).toHaveLength(100);
    expect(long.endsWith('… (truncated)')).toBe(true);
  });

  test("the code's classification wins over the model's", () => {
    const r = sanitizeReport({ failureType: 'lint', summary: '@everyone' }, { authoritative: { failureType: 'unit-test' } });
    expect(r).toEqual({ failureType: 'unit-test', summary: '@\u200deveryone' });
  });
});

describe('shared CLI options', () => {
  test('defaults and --offline', () => {
    expect(resolveAnalysisOptions({})).toMatchObject({ provider: undefined, sinks: ['stdout'], json: false, dailyBudget: 100, maxPromptTokens: 30_000 });
    expect(resolveAnalysisOptions({ offline: true }).provider).toBe('offline');
    expect(resolveAnalysisOptions({ sink: ['github', 'slack', 'github'] }).sinks).toEqual(['github', 'slack']);
  });
  test('bad values are usage errors', () => {
    expect(() => resolveAnalysisOptions({ offline: true, provider: 'gemini' })).toThrow(UsageError);
    expect(() => resolveAnalysisOptions({ sink: ['fax'] })).toThrow('--sink "fax" is not one of: stdout, file, github, slack');
    expect(() => resolveAnalysisOptions({ sink: ['file'] })).toThrow('--sink file needs --out DIR');
    expect(() => resolveAnalysisOptions({ dailyBudget: '-1' })).toThrow(/--daily-budget must be a non-negative integer/);
  });
});
