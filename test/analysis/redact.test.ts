import { redact, Redactor } from '../../src/analysis';

// Planted secrets of every kind the redactor knows. Built by concatenation so that this file
// itself does not look like a leaked credential to secret scanners.
export const PLANTED = {
  'aws-access-key': 'AKIA' + 'IOSFODNN7EXAMPLE',
  'github-token': 'ghp_' + 'aBcdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'github-pat': 'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH',
  'slack-token': 'xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'slack-webhook': 'https://hooks.slack.com/services/' + 'T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX',
  'google-api-key': 'AIza' + 'SyA1234567890abcdefghijklmnopqrstuv',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'private-key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7V1x\nq2b3c4d5e6f7g8h9\n-----END RSA PRIVATE KEY-----',
  'url-password': 'hunter2pass',
  password: 's3cr3tP@ssw0rd',
  token: 'tok_9f8e7d6c5b4a3210',
  'high-entropy': 'Zx8kP2qLm9Rt4vWy7bNc3dFg',
} as const;

export function plantedLog(): string {
  return [
    `export GITHUB_TOKEN=${PLANTED['github-token']}`,
    `aws configure set aws_access_key_id ${PLANTED['aws-access-key']}`,
    `using ${PLANTED['github-pat']}`,
    `SLACK: ${PLANTED['slack-token']} and ${PLANTED['slack-webhook']}`,
    `GOOGLE key=${PLANTED['google-api-key']}`,
    `Authorization: Bearer ${PLANTED.jwt}`,
    PLANTED['private-key'],
    `pip install --index-url https://deploy:${PLANTED['url-password']}@pypi.internal.example/simple`,
    `DB_PASSWORD="${PLANTED.password}"`,
    `--api-token=${PLANTED.token}`,
    `  MODEL_SIGNING_SEED: ${PLANTED['high-entropy']}`,
  ].join('\n');
}

export const KEPT = [
  'ghcr.io/acme/model@sha256:2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a',
  '3f786850e387550fdab836ed7e6dc881de23001b',
  '123e4567-e89b-12d3-a456-426614174000',
  'tests/test_model.py::test_predict_returns_token_count',
  'src/model/train.py:42:5',
  'model/serve/predictor.py:118',
];

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
