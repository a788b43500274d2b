import * as path from 'node:path';
import { loadGatewayConfig } from '../../src/gateway/config';

const env = { GATEWAY_TOKEN: 't', GITHUB_TOKEN: 'g', GITHUB_REPOSITORY: 'acme/platform' };

test('defaults', () => {
  const c = loadGatewayConfig({}, env);
  expect(c).toMatchObject({
    port: 8080,
    githubOwner: 'acme',
    githubRepo: 'platform',
    githubApiUrl: 'https://api.github.com',
    stateDir: path.resolve('.gateway-state'),
    maxBodyBytes: 1048576,
  });
});

test('dedicated listener ports (the Deployment sets ALERTMANAGER_PORT and KSERVE_PORT); unset means served on PORT', () => {
  expect(loadGatewayConfig({}, { ...env, ALERTMANAGER_PORT: '8081', KSERVE_PORT: '8082' })).toMatchObject({ port: 8080, alertmanagerPort: 8081, kservePort: 8082 });
  const plain = loadGatewayConfig({}, env);
  expect(plain.alertmanagerPort).toBeUndefined();
  expect(plain.kservePort).toBeUndefined();
  expect(() => loadGatewayConfig({}, { ...env, KSERVE_PORT: 'x' })).toThrow('KSERVE_PORT must be an integer, got "x"');
});

test('flags win over the environment', () => {
  const c = loadGatewayConfig({ port: '9000', githubRepository: 'x/y', stateDir: '/tmp/s' }, { ...env, PORT: '1' });
  expect(c).toMatchObject({ port: 9000, githubOwner: 'x', githubRepo: 'y', stateDir: '/tmp/s' });
});

test.each([
  ['GATEWAY_TOKEN', { GITHUB_TOKEN: 'g', GITHUB_REPOSITORY: 'a/b' }],
  ['GITHUB_TOKEN', { GATEWAY_TOKEN: 't', GITHUB_REPOSITORY: 'a/b' }],
  ['GITHUB_REPOSITORY', { GATEWAY_TOKEN: 't', GITHUB_TOKEN: 'g' }],
])('a missing %s refuses to start, naming it', (name, e) => {
  expect(() => loadGatewayConfig({}, e)).toThrow(new RegExp(`missing required setting: ${name}$`));
});

test('an empty value counts as missing, and all missing are named', () => {
  expect(() => loadGatewayConfig({}, { GATEWAY_TOKEN: '' })).toThrow('missing required settings: GATEWAY_TOKEN, GITHUB_TOKEN, GITHUB_REPOSITORY');
});

test.each([
  [{ GITHUB_REPOSITORY: 'noslash' }, /GITHUB_REPOSITORY must be "owner\/name", got "noslash"/],
  [{ PORT: 'eighty' }, /PORT must be an integer, got "eighty"/],
  [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
  [{ GITHUB_API_URL: 'not a url' }, /GITHUB_API_URL is not a URL/],
])('invalid %o is named', (override, message) => {
  expect(() => loadGatewayConfig({}, { ...env, ...override })).toThrow(message);
});

test('secrets are never echoed in errors', () => {
  let message = '';
  try {
    loadGatewayConfig({}, { ...env, GATEWAY_TOKEN: 'supersecret', GITHUB_TOKEN: 'ghp_secret', PORT: 'x' });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/PORT/);
  expect(message).not.toMatch(/supersecret|ghp_secret/);
});

test('one schema for every gateway setting: the capture settings are validated at start too, by name', () => {
  expect(() => loadGatewayConfig({}, { ...env, CAPTURE_SAMPLE_RATE: '2' })).toThrow('CAPTURE_SAMPLE_RATE must be a number between 0 and 1, got "2"');
  expect(() => loadGatewayConfig({}, { ...env, GATEWAY_BACKOFF_BASE_MS: '5000', GATEWAY_BACKOFF_MAX_MS: '10' }))
    .toThrow('GATEWAY_BACKOFF_MAX_MS must be between 5000 and 86400000, got 10');
  expect(loadGatewayConfig({ maxBodyBytes: '2048' }, env).maxBodyBytes).toBe(2048);
});
