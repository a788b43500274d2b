import { redact, Redactor } from '../../src/analysis/redact';

/** The gaps of security review 2026-12-04 §11, with the review's strings, and ordinary text that must stay. */
describe('redaction gaps (security review §11)', () => {
  const clean = (t: string) => new Redactor({ env: {} }).redact(t);

  test.each([
    ['Authorization: Bearer 7Fq2xLr9PzT4mWc8NvB3kJd6HsY1aQe5', '7Fq2xLr9PzT4mWc8NvB3kJd6HsY1aQe5'],
    ['"authorization": "Basic dXNlcjpodW50ZXIy"', 'dXNlcjpodW50ZXIy'],
    ['curl -H "Proxy-Authorization: token abcd1234efgh"', 'abcd1234efgh'],
    ['sent bearer 7Fq2xLr9PzT4mWc8NvB3 to the gateway', '7Fq2xLr9PzT4mWc8NvB3'],
    ['psql --password s3cretPass -h db', 's3cretPass'],
    ['tool --password=s3cretPass', 's3cretPass'],
    ['mlflow login -p s3cretPass', 's3cretPass'],
    ['mysql -u root -ps3cretPass db', 's3cretPass'],
    ['{"user":"ml","pass":"s3cretPass"}', 's3cretPass'],
    ['DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFy==;EndpointSuffix=core', 'Zm9vYmFyYmF6cXV4Zm9vYmFy=='],
    ['HF hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567'],
    ['glpat-AbCdEfGhIjKlMnOpQrSt', 'glpat-AbCdEfGhIjKlMnOpQrSt'],
    ['npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
  ])('%s', (input, secret) => {
    const out = clean(input);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/\[REDACTED:[a-z-]+#1\]/);
  });

  test.each([
    'the bearer of bad news arrived',
    'Authorization failed for user ml',
    'docker run -p 8080:8080 image',
    'kubectl port-forward -p 9090',
    'tests pass: 12, bypass: true, compass: "north"',
    'use --password-stdin to read it',
    '--token-file /var/run/secrets/token',
    'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ])('ordinary text stays: %s', (input) => {
    expect(clean(input)).toBe(input);
  });

  test("this process' own credentials are redacted by exact value, whatever their form", () => {
    const r = new Redactor({ env: { GATEWAY_TOKEN: 'plainwordsbutsecret', GITHUB_TOKEN: 'short' } });
    expect(r.redact('x-mlops-auth=plainwordsbutsecret; short')).toBe('x-mlops-auth=[REDACTED:gateway-token#1]; short');
    expect(redact('no env needed for Authorization: Bearer abcdefgh12345678').text).toContain('[REDACTED:authorization#1]');
  });
});
