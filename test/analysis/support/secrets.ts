/** Planted secrets and must-survive identifiers shared by the redaction tests. */
// Planted secrets of every kind the redactor knows. Built by concatenation so that this file
// itself does not look like a leaked credential to secret scanners.
export const PLANTED = {
  'aws-access-key': 'AKIA' + 'IOSFODNN7EXAMPLE',
  'github-token': 'ghp_' + 'aBcdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'github-pat': 'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH',
  'slack-token': 'xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'slack-webhook': 'https://hooks.slack.com/services/' + 'T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX',
  'google-api-key': 'AIza' + 'SyA1234567890abcdefghijklmnopqrstuv',
  'jwt': 'eyJhbGciOiJIUzI1NiJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'private-key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7V1x\nq2b3c4d5e6f7g8h9\n-----END RSA PRIVATE KEY-----',
  'url-password': 'hunter2pass',
  'password': 's3cr3tP@ssw0rd',
  'token': 'tok_9f8e7d6c5b4a3210',
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

