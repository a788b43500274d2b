import { KEPT, PLANTED, plantedLog } from './support/secrets';
import { redact, Redactor } from '../../src/analysis';

describe('redact', () => {
  test('every planted secret is replaced by a typed placeholder', () => {
    const { text, redactions } = redact(plantedLog());
    for (const [kind, secret] of Object.entries(PLANTED)) {
      for (const part of secret.split('\n')) {
        if (part.startsWith('-----')) continue; // the BEGIN/END armour lines themselves are not secret
        expect({ kind, leaked: text.includes(part) }).toEqual({ kind, leaked: false });
      }
    }
    const kinds = new Set(redactions.map((r) => r.kind));
    for (const k of ['aws-access-key', 'github-token', 'slack-token', 'slack-webhook', 'google-api-key', 'jwt', 'private-key', 'url-credentials', 'password', 'token', 'high-entropy']) {
      expect(kinds).toContain(k);
    }
    expect(text).toContain('[REDACTED:github-token#1]');
    expect(text).toContain('@pypi.internal.example/simple');
  });

  test('digests, SHAs, UUIDs, test names and file:line survive unchanged', () => {
    const input = KEPT.map((k) => `ref ${k} token_count=3`).join('\n') + '\nSHA: ' + KEPT[1] + '\nBUILD_ID=' + KEPT[2];
    const { text, redactions } = redact(input);
    for (const k of KEPT) expect(text).toContain(k);
    expect(redactions).toEqual([]);
  });

  test('ordinary env-dump values (paths, URLs, image refs, cache keys, versions) are not mistaken for secrets', () => {
    const dump = [
      '  LD_LIBRARY_PATH: /opt/hostedtoolcache/Python/3.11.10/x64/lib',
      `  IMAGE: ${KEPT[0]}`,
      '  MLFLOW_TRACKING_URI: http://127.0.0.1:5000/api/2.0',
      '  MODEL_VERSION: credit-risk-v12-2026-11-25T09',
      '  NODE_OPTIONS: --max-old-space-size=4096',
      '  CACHE_KEY: Linux-pip-3f786850e387550fdab836ed7e6dc881de23001b',
      '  JOB_URL: https://github.com/acme/model/actions/runs/123456789/job/987654321',
      '  BUILD_TAG: model-2026.11.25-build.1234-ubuntu24.04',
      'token_count: 51234',
      'SECRET_NAME: prod-db-password',
    ].join('\n');
    expect(redact(dump)).toEqual({ text: dump, redactions: [] });
  });

  test('placeholders are stable across texts of one Redactor', () => {
    const r = new Redactor();
    const a = r.redact(`first ${PLANTED['github-token']}`);
    const b = r.redact(`again ${PLANTED['github-token']} and ${PLANTED['aws-access-key']}`);
    expect(a).toBe('first [REDACTED:github-token#1]');
    expect(b).toBe('again [REDACTED:github-token#1] and [REDACTED:aws-access-key#1]');
    expect(r.redactions).toHaveLength(2);
    // Redacting redacted text changes nothing.
    expect(r.redact(b)).toBe(b);
  });
});
