import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { baseOverrides, testSshKey } from './support';
import { loadSiteFile } from '../../src/config/site';
import { infraDefaults, infraOverridesFromSite, k3sInstallScriptUrl, loadInfraConfig } from '../../src/infra/config';

const invalidDir = join(__dirname, 'invalid');

/** Each fixture is a cluster file with one mistake; its `# expect:` line is the message synth must print. */
const fixtures = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml')).sort();

describe('invalid infra config fails with a message naming the field', () => {
  test('there are fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  test.each(fixtures)('%s', (file) => {
    const text = readFileSync(join(invalidDir, file), 'utf8');
    const expected = /^# expect: (.+)$/m.exec(text)?.[1];
    expect(expected).toBeDefined();
    // The site fixture's (valid) values, then the fixture's one mistake.
    expect(() => loadInfraConfig(baseOverrides(parse(text)))).toThrow(expected);
  });
});

describe('valid config', () => {
  test('defaults + an SSH key: 1 server, 2 agents, static range, pinned K3s', () => {
    const c = loadInfraConfig(baseOverrides());
    expect(c.cluster.sshAuthorizedKeys).toEqual([testSshKey]);
    expect(c.cluster.servers).toBe(1);
    expect(c.cluster.agents).toBe(2);
    expect(c.cluster.network.mode).toBe('static');
    expect(c.bootstrap.installScriptUrl).toBe(k3sInstallScriptUrl(c.bootstrap.k3sVersion));
    expect(c.bootstrap.installScriptUrl).toMatch(/\/k3s-io\/k3s\/v\d+\.\d+\.\d+%2Bk3s\d+\/install\.sh$/);
  });

  test('the defaults alone are incomplete: the site file decides node, network and keys', () => {
    expect(infraDefaults.cluster).toEqual({ servers: 1, cpuType: 'x86-64-v2-AES', tags: ['k3s'] });
    expect(() => loadInfraConfig({})).toThrow(/infra config: cluster\.proxmoxNode: .*\n(.*\n)*infra config: cluster\.sshAuthorizedKeys: /);
  });

  test('switching to DHCP drops the static fields instead of merging them', () => {
    const c = loadInfraConfig(baseOverrides({ cluster: { network: { mode: 'dhcp' } } }));
    expect(c.cluster.network).toEqual({ mode: 'dhcp' });
  });

  test('exactly as many addresses as nodes is enough', () => {
    const c = loadInfraConfig(baseOverrides({
      cluster: {
        agents: 4,
        network: { mode: 'static', firstAddress: '10.0.0.10', lastAddress: '10.0.0.14', prefixLength: 24, gateway: '10.0.0.1', dnsServers: ['10.0.0.1'] },
      },
    }));
    expect(c.cluster.agents).toBe(4);
  });

  test('the site file as shipped (its fixture copy) derives the values cluster.yaml held before', () => {
    const c = loadInfraConfig(infraOverridesFromSite(loadSiteFile(join(__dirname, '../config/site.fixture.yaml'))));
    expect(c.cluster.sshAuthorizedKeys.length).toBeGreaterThan(0);
    expect(c.cluster).toMatchObject({
      proxmoxNode: 'pve',
      apiUser: 'terraform@pve',
      agents: 2,
      bridge: 'vmbr0',
      vmDatastoreId: 'local-lvm',
      network: { mode: 'static', firstAddress: '192.168.1.50', lastAddress: '192.168.1.59', prefixLength: 24, gateway: '192.168.1.1', dnsServers: ['192.168.1.1'] },
    });
    // Every value the removed src/infra/cluster.yaml and the old defaults gave, so the stack JSON is unchanged.
    expect(c).toMatchObject({
      image: { datastoreId: 'local' },
      cluster: { vmIdBase: 9100, serverSize: { cores: 2, memoryMiB: 4096, diskGiB: 32 }, agentSize: { cores: 4, memoryMiB: 8192, diskGiB: 64 }, adminUser: 'ops', cpuType: 'x86-64-v2-AES', tags: ['k3s'] },
      bootstrap: { snippetsDatastoreId: 'local', disable: [] },
      proxmox: { insecure: false, minTls: '1.3', sshAgent: true, sshUsername: 'terraform', sshNodes: [] },
      state: { backend: 'local', path: '../../../terraform.cluster.tfstate' },
    });
  });
});
