import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformConfig } from '../../src/config/platform';
import { parseSite } from '../../src/config/site';
import { synthAll } from '../../src/main';

/**
 * "Nothing else carries these values": a fork's site file, synthesized into a whole dist/, leaves no trace
 * of the upstream repository, domain or node network, and shows the fork's instead.
 */
const fork = parseSite({
  github: { owner: 'acme-lab', repo: 'mlops-fork', branch: 'prod' },
  cluster: { name: 'lab', domain: 'lab.acme.test' },
  network: { nodeCidr: '10.20.0.0/16', gateway: '10.20.0.1', dnsServers: ['10.20.0.1'], vms: { mode: 'static', firstAddress: '10.20.5.10', lastAddress: '10.20.5.20' } },
  ssh: { authorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICR/8fAqpAF3EdqOuRWk5MmgBteVqvMPu2h9SjVz6R/9 fork'] },
  teams: {
    'platform': { github: '@acme-lab/plat', slack: '#plat' },
    'ml': { github: '@acme-lab/ml', slack: '#ml' },
    'security': { github: '@acme-lab/sec', slack: '#sec' },
    'model-owners': { github: '@acme-lab/owners', slack: '#owners' },
  },
});

/**
 * Upstream strings still allowed in a fork's dist/, each with its reason. The image repositories are
 * pinned in the image-pin data (src/config/versions.ts, release.json), not in the site file yet: a fork
 * pushes its own images and pins them there (docs/quickstart.md).
 */
const ALLOWED: RegExp[] = [
  /ghcr\.io\/self-healing-mlops\/(mlops|credit-risk-model)@sha256:/g,
  /app\.kubernetes\.io\/part-of: self-healing-mlops/g, // the project's name, not its repository
  /"self-healing-mlops"/g, // Grafana dashboard tag
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

describe('a fork\'s site file reaches every manifest', () => {
  const out = mkdtempSync(join(tmpdir(), 'fork-dist-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  synthAll(loadPlatformConfig({}, fork), out);
  const texts = Object.fromEntries(filesUnder(out).map((f) => [f.slice(out.length + 1), readFileSync(f, 'utf8')]));

  test('no upstream repository, domain or node network is left', () => {
    const leftovers: string[] = [];
    for (const [file, raw] of Object.entries(texts)) {
      const text = ALLOWED.reduce((t, r) => t.replace(r, ''), raw);
      for (const needle of ['self-healing-mlops/self-healing-mlops', 'homelab.example.com', '192.168.1.', '@self-healing-mlops/']) {
        if (text.includes(needle)) leftovers.push(`${file}: ${needle}`);
      }
    }
    expect(leftovers).toEqual([]);
  });

  test('the fork\'s repository, branch and node network are where ArgoCD, ARC and the NetworkPolicies read them', () => {
    expect(texts['bootstrap/Application.root.k8s.yaml']).toContain('repoURL: https://github.com/acme-lab/mlops-fork.git');
    expect(texts['bootstrap/Application.root.k8s.yaml']).toContain('targetRevision: prod');
    expect(texts['apps/Application.arc-runners.k8s.yaml']).toContain('githubConfigUrl: https://github.com/acme-lab/mlops-fork');
    expect(texts['namespaces/NetworkPolicy.runner-egress.k8s.yaml']).toContain('cidr: 10.20.0.0/16');
    expect(Object.values(texts).join('\n')).toContain('acme-lab/mlops-fork');
  });
});
