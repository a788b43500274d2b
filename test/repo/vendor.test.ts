import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { refreshVendor } from '../../scripts/vendor/refresh';
import { gitBlobId, rawUrl, vendoredFiles, vendoredSets, VendorLock } from '../../scripts/vendor/sources';
import { vendoredUpstreams } from '../../src/config/versions';

/**
 * vendor/ is what the build and tests read instead of anything outside the repository: verbatim upstream
 * files at the tags pinned in src/config/versions.ts, each set with its licence, listed in
 * scripts/vendor/sources.ts, recorded in vendor/vendor.lock.json, and refreshable (`vendor:refresh`,
 * exercised here against a loopback server standing in for raw.githubusercontent.com).
 */
const ROOT = resolve(__dirname, '../..');
const VENDOR = join(ROOT, 'vendor');
const lock: VendorLock = JSON.parse(readFileSync(join(VENDOR, 'vendor.lock.json'), 'utf8'));

/**
 * vendor/charts/ is a second vendored tree with its own refresh (scripts/vendor-charts.sh) and README;
 * vendor/metrics/ (exporters' metric-name docs, test/config/metrics-emitters.test.ts) has its own README too.
 */
const OWN_TREES = ['charts/', 'metrics/'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !OWN_TREES.some((t) => f.startsWith(t)))
    .sort();
}

test('vendor/ holds exactly the listed files, plus its README and lock', () => {
  expect(filesUnder(VENDOR)).toEqual([...vendoredFiles().map((f) => f.local), 'README.md', 'vendor.lock.json'].sort());
});

test('every file is verbatim: its git blob id is the one recorded, at the pinned repo, tag and path', () => {
  const expected = Object.fromEntries(vendoredFiles().map((f) => [f.local, { repo: f.repo, tag: f.tag, path: f.path }]));
  const recorded = Object.fromEntries(Object.entries(lock.files).map(([local, e]) => [local, { repo: e.repo, tag: e.tag, path: e.path }]));
  expect(recorded).toEqual(expected);
  for (const [local, entry] of Object.entries(lock.files)) {
    expect([local, gitBlobId(readFileSync(join(VENDOR, local)))]).toEqual([local, entry.blob]);
  }
});

test('git blob ids are computed as git computes them', () => {
  // `printf 'hello\n' | git hash-object --stdin`
  expect(gitBlobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
});

test('every set carries its upstream LICENSE (and NOTICE where listed); the README names every repo and tag', () => {
  const readme = readFileSync(join(VENDOR, 'README.md'), 'utf8');
  for (const set of vendoredSets) {
    expect(set.legal).toContain('LICENSE');
    for (const legal of set.legal) expect(existsSync(join(VENDOR, set.dir, legal))).toBe(true);
    const { repo, tag, license } = vendoredUpstreams[set.upstream];
    expect(readme).toContain(`[${repo}](https://github.com/${repo})`);
    expect(readme).toContain(`\`${tag}\``);
    expect(readme).toContain(license);
  }
});

test('cdk8s.yaml imports only vendored CRDs, and every vendored CRD is imported', () => {
  const cdk8s = parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8'));
  const sources = (cdk8s.imports as string[]).map((i) => i.split(':=')[1]);
  expect(sources.length).toBeGreaterThan(0);
  for (const s of sources) {
    expect(s.startsWith('vendor/crds/')).toBe(true);
    expect(existsSync(join(ROOT, s))).toBe(true);
  }
  const crds = vendoredFiles().filter((f) => f.local.startsWith('crds/') && f.local.endsWith('.yaml')).map((f) => `vendor/${f.local}`);
  expect(sources.sort()).toEqual(crds.sort());
});

// ---------------------------------------------------------------- vendor:refresh

/** A stand-in for raw.githubusercontent.com serving the vendored files at their upstream paths. */
function fakeRaw(missing?: string): Promise<{ server: Server; base: string }> {
  const byUrlPath = new Map(vendoredFiles().map((f) => [new URL(rawUrl(f)).pathname, f.local]));
  const server = createServer((req, res) => {
    const local = byUrlPath.get(req.url ?? '');
    if (!local || local === missing) {
      res.writeHead(404).end('404: Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(readFileSync(join(VENDOR, local)));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

function refreshCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'scripts/vendor/refresh.ts'], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('vendor:refresh', () => {
  let out: string;
  beforeEach(() => { out = mkdtempSync(join(tmpdir(), 'vendor-refresh-')); });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  test('downloads every file from <base>/<repo>/<tag>/<path> and reproduces vendor/ and its lock byte for byte', async () => {
    const { server, base } = await fakeRaw();
    try {
      const lines: string[] = [];
      const written = await refreshVendor({ rawBase: base, vendorDir: out, log: (l) => lines.push(l) });
      expect(written).toEqual(lock);
      expect(lines).toHaveLength(vendoredFiles().length);
      expect(filesUnder(out)).toEqual(filesUnder(VENDOR).filter((f) => f !== 'README.md'));
      for (const f of filesUnder(out)) expect([f, readFileSync(join(out, f)).equals(readFileSync(join(VENDOR, f)))]).toEqual([f, true]);
    } finally {
      server.close();
    }
  });

  test('a file missing upstream fails naming it, and writes nothing', async () => {
    const { server, base } = await fakeRaw('proxmox-provider/resources/download_file.md');
    try {
      await expect(refreshVendor({ rawBase: base, vendorDir: out })).rejects.toThrow(
        'bpg/terraform-provider-proxmox has no docs/resources/download_file.md at v0.111.1');
      expect(filesUnder(out)).toEqual([]);
    } finally {
      server.close();
    }
  });

  test('the task without network: exit 1, a message saying GitHub is unreachable, nothing written', async () => {
    const { server, base } = await fakeRaw();
    await new Promise((ok) => server.close(ok)); // nothing listens on that port any more
    const r = await refreshCli({ VENDOR_RAW_BASE: base, VENDOR_DIR: out });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vendor:refresh failed, .* left unchanged: cannot reach http:\/\/127\.0\.0\.1:\d+\/argoproj\/argo-cd\/v3\.5\.1\/LICENSE \(ECONNREFUSED\): vendor:refresh needs network access to GitHub\n$/);
    expect(filesUnder(out)).toEqual([]);
  });
});
