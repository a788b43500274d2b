import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { loadPlatformConfig } from '../../src/config/platform';
import { cidrContains, loadSiteFile, parseSite, Site, siteFilePath, siteSchema } from '../../src/config/site';
import { teams } from '../../src/config/teams';
import { planNodes } from '../../src/infra/cluster-stack';
import { infraOverridesFromSite, loadInfraConfig, sharedFromSite } from '../../src/infra/config';
import { NamespacesChart } from '../../src/k8s/platform/namespaces';

const root = join(__dirname, '..', '..');
const shippedFile = join(root, 'site.yaml');
const fixtureFile = join(__dirname, 'site.fixture.yaml');
const invalidDir = join(__dirname, 'invalid', 'site');

/** Deep merge for fixtures: objects merge, everything else (arrays included) replaces. */
function merge(base: unknown, patch: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

/** The node addresses both apps derive from a site: every VM the CDKTF stack would create. */
function vmAddresses(s: Site): string[] {
  const config = loadInfraConfig(infraOverridesFromSite(s));
  return planNodes(config, sharedFromSite(s)).map((n) => n.ip!).filter(Boolean);
}

describe('the site file', () => {
  test('site.yaml passes (yours, on a fork; the shipped one here), and so does the fixture', () => {
    expect(() => loadSiteFile(shippedFile)).not.toThrow();
    // The fixture was copied from the shipped site.yaml; it stays fixed when a fork edits site.yaml.
    expect(loadSiteFile(fixtureFile).network.nodeCidr).toBe('192.168.1.0/24');
  });

  test('jest reads the fixture (MLOPS_SITE_FILE), so editing site.yaml on a fork keeps the suite green', () => {
    expect(siteFilePath()).toBe(fixtureFile);
    expect(siteFilePath({})).toBe(shippedFile);
  });

  test.each([['site.yaml', shippedFile], ['fixture', fixtureFile]])('%s: every VM address is inside the node network the NetworkPolicies allow', (_name, file) => {
    const s = loadSiteFile(file);
    const platform = loadPlatformConfig({}, s);
    const ips = vmAddresses(s);
    expect(ips).toHaveLength(s.nodes.agents + 1);
    for (const ip of ips) expect([ip, cidrContains(platform.network.nodeCidr, ip)]).toEqual([ip, true]);
  });

  test('both apps take their per-installation values from it and nowhere else', () => {
    const s = parseSite(merge(parse(readFileSync(fixtureFile, 'utf8')), {
      github: { owner: 'acme', repo: 'ml-platform', branch: 'prod' },
      cluster: { name: 'lab', domain: 'lab.acme.org' },
      network: { nodeCidr: '10.20.0.0/16', gateway: '10.20.0.1', dnsServers: ['10.20.0.1'], vms: { mode: 'static', firstAddress: '10.20.5.10', lastAddress: '10.20.5.20' } },
      proxmox: { node: 'pve2', bridge: 'vmbr1', vlanId: 20, vmDatastore: 'fast' },
      nodes: { agents: 3 },
    }));
    const p = loadPlatformConfig({}, s);
    expect(p).toMatchObject({
      clusterName: 'lab',
      domain: 'lab.acme.org',
      gitRepoUrl: 'https://github.com/acme/ml-platform.git',
      targetRevision: 'prod',
      network: { nodeCidr: '10.20.0.0/16', podCidr: '10.42.0.0/16' },
      gateway: { githubRepository: 'acme/ml-platform' },
      runners: { githubConfigUrl: 'https://github.com/acme/ml-platform' },
    });
    const infra = loadInfraConfig(infraOverridesFromSite(s));
    expect(infra.cluster).toMatchObject({
      proxmoxNode: 'pve2',
      bridge: 'vmbr1',
      vlanId: 20,
      vmDatastoreId: 'fast',
      agents: 3,
      network: { mode: 'static', firstAddress: '10.20.5.10', prefixLength: 16, gateway: '10.20.0.1' },
    });
    expect(vmAddresses(s)).toEqual(['10.20.5.10', '10.20.5.11', '10.20.5.12', '10.20.5.13']);
  });

  test('teams come from the site file', () => {
    const fixture = loadSiteFile(fixtureFile);
    expect(teams.ml.githubTeam).toBe(fixture.teams.ml.github);
    expect(teams['model-owners'].slackChannel).toBe(fixture.teams['model-owners'].slack);
  });

  test('every key of the schema is shown in the site file as shipped (set, or commented with its default)', () => {
    const text = readFileSync(fixtureFile, 'utf8');
    const keys = (shape: Record<string, any>, prefix: string): string[] => Object.entries(shape).flatMap(([k, v]) => {
      let inner: any = v;
      while (inner?.def?.innerType) inner = inner.def.innerType;
      const nested = inner?.def?.type === 'object' && prefix === '' ? keys(inner.shape, `${k}.`) : [];
      return [`${prefix}${k}`, ...nested];
    });
    const missing = keys(siteSchema.shape, '').filter((k) => !new RegExp(`^\\s*#?\\s*${k.split('.').pop()!.replace('-', '\\-')}:`, 'm').test(text));
    expect(missing).toEqual([]);
  });

  test('a missing site file is named, with what to do', () => {
    expect(() => loadSiteFile(join(__dirname, 'no-such-site.yaml'))).toThrow(/no-such-site\.yaml: cannot read the site file \(ENOENT\); copy and edit site\.yaml/);
  });
});

describe('an on-prem LLM endpoint opens the runners\' egress NetworkPolicy for exactly that endpoint', () => {
  const fixture = parse(readFileSync(fixtureFile, 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const runnerEgress = (llm: Record<string, unknown>): any[] => {
    const config = loadPlatformConfig({}, parseSite(merge(fixture, { llm })));
    const objs = Testing.synth(new NamespacesChart(Testing.app(), 'namespaces', config));
    return objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'runner-egress').spec.egress;
  };
  const llmRules = (egress: any[]) => egress.filter((r) => r.ports?.some((p: any) => p.port === 11434));

  test('an IP address: a /32 on its port', () => {
    const egress = runnerEgress({ provider: 'openai', model: 'm', baseUrl: 'http://192.168.1.20:11434/v1' });
    expect(llmRules(egress)).toEqual([{ to: [{ ipBlock: { cidr: '192.168.1.20/32' } }], ports: [{ protocol: 'TCP', port: 11434 }] }]);
  });

  test('an in-cluster Service: its namespace on its port', () => {
    const egress = runnerEgress({ provider: 'openai', model: 'm', baseUrl: 'http://ollama.llm.svc:11434/v1' });
    expect(llmRules(egress)).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'llm' } } }], ports: [{ protocol: 'TCP', port: 11434 }] }]);
  });

  test('Gemini, or public HTTPS: no extra rule', () => {
    const base = runnerEgress({ provider: 'gemini' });
    expect(runnerEgress({ provider: 'openai', model: 'm', baseUrl: 'https://llm.example.com/v1' })).toEqual(base);
    expect(llmRules(base)).toEqual([]);
  });
});

describe('invalid site files fail with a message naming the setting (one fixture per rule)', () => {
  const fixtures = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml')).sort();
  const valid = parse(readFileSync(fixtureFile, 'utf8'));

  test('there are fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(20));

  test.each(fixtures)('%s', (file) => {
    const text = readFileSync(join(invalidDir, file), 'utf8');
    const expected = /^# expect: (.+)$/m.exec(text)?.[1];
    expect(expected).toBeDefined();
    const doc = merge(valid, parse(text));
    expect(() => parseSite(doc)).toThrow(expected!);
  });
});

test('teams read the site file on first use only: `mlops gateway` starts without one (its image)', () => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mlops'), 'gateway', '--help'], {
    cwd: root, env: { ...process.env, MLOPS_SITE_FILE: join(__dirname, 'no-such-site.yaml') }, encoding: 'utf8', timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const t = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', 'require("./src/config/teams").teams.ml'], {
    cwd: root, env: { ...process.env, MLOPS_SITE_FILE: join(__dirname, 'no-such-site.yaml') }, encoding: 'utf8', timeout: 60_000,
  });
  expect(t.status).not.toBe(0);
  expect(t.stderr).toContain('no-such-site.yaml: cannot read the site file (ENOENT)');
});

describe('both entry points fail on a site whose VM addresses leave the node network, naming both settings', () => {
  const badSite = join(tmpdir(), `site-bad-${process.pid}.yaml`);
  beforeAll(() => writeFileSync(badSite, readFileSync(fixtureFile, 'utf8').replace('firstAddress: 192.168.1.50', 'firstAddress: 192.168.10.50')));
  afterAll(() => rmSync(badSite, { force: true }));

  test.each([['synth (cdk8s)', 'src/main.ts'], ['synth:infra (CDKTF)', 'src/infra/main.ts']])('%s', (_name, entry) => {
    const out = mkdtempSync(join(tmpdir(), 'site-bad-out-'));
    try {
      // With a bad site the cdk8s entry fails while loading the config, before it would touch dist/.
      const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
        cwd: root, env: { ...process.env, MLOPS_SITE_FILE: badSite, CDKTF_OUTDIR: out }, encoding: 'utf8', timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${badSite}: network.vms.firstAddress: 192.168.10.50 is outside network.nodeCidr 192.168.1.0/24`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // the message, not a stack trace
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
