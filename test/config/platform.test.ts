import * as fs from 'fs';
import * as path from 'path';
import { credentialKeyRef, credentials, secretsToSeal } from '../../src/config/credentials';
import { loadPlatformConfig, platformConfig, platformDefaults } from '../../src/config/platform';
import release from '../../src/config/release.json';

const invalidDir = path.join(__dirname, 'invalid');

describe('platform config', () => {
  test('the defaults are valid and describe the homelab; the site file decides the rest', () => {
    expect(platformConfig).toMatchObject(platformDefaults);
    // The site fixture (test/config/site.fixture.yaml, a copy of site.yaml): VMs at 192.168.1.50-59.
    expect(platformConfig.network.nodeCidr).toBe('192.168.1.0/24');
    expect(platformConfig.gitRepoUrl).toBe('https://github.com/self-healing-mlops/self-healing-mlops.git');
    expect(platformConfig.namespaces.mlops).toBe('mlops');
    expect(platformConfig.model.name).toBe(release.mlflowModel);
    expect(platformConfig.runners.scaleSetName).toBe('homelab');
  });

  test('overrides merge deeply and keep the other defaults', () => {
    const c = loadPlatformConfig({ sizes: { prometheusStorage: '50Gi' }, domain: 'lab.example.org' });
    expect(c.sizes.prometheusStorage).toBe('50Gi');
    expect(c.sizes.grafanaStorage).toBe(platformDefaults.sizes!.grafanaStorage);
    expect(c.domain).toBe('lab.example.org');
  });

  const fixtures = fs.readdirSync(invalidDir).filter((f) => f.endsWith('.json')).sort();
  test('there are negative fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(8));

  test.each(fixtures)('invalid/%s is rejected with its message', (file) => {
    const fixture = JSON.parse(fs.readFileSync(path.join(invalidDir, file), 'utf8')) as { expectedError: string; overrides: unknown };
    expect(() => loadPlatformConfig(fixture.overrides)).toThrow(fixture.expectedError);
  });
});

describe('credentials table', () => {
  test('every credential lands in the list of secrets to seal, sorted, in its configured namespace', () => {
    const list = secretsToSeal();
    expect(list).toHaveLength(Object.keys(credentials).length);
    expect(list.map((s) => `${s.namespace}/${s.name}`)).toEqual([...list.map((s) => `${s.namespace}/${s.name}`)].sort());
    expect(list.find((s) => s.name === 'arc-github-app')?.namespace).toBe('arc-runners');
    expect(list.find((s) => s.name === 'mlops-gateway-token')?.sealedFile).toBe('secrets/sealed/mlops/mlops-gateway-token.yaml');
  });

  test('secret names are unique per namespace', () => {
    const ids = secretsToSeal().map((s) => `${s.namespace}/${s.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a key reference is checked against the table', () => {
    expect(credentialKeyRef('gatewayToken', 'token')).toEqual({ name: 'mlops-gateway-token', key: 'token' });
    expect(() => credentialKeyRef('gatewayToken', 'password')).toThrow('credential "gatewayToken" (Secret mlops-gateway-token) has no key "password" (keys: token)');
  });
});
