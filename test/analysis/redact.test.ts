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
