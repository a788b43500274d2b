import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Layout, push, Registry, sha256, startRegistry } from './registry';
import { runPinImages } from '../../src/cli/pin-images';
import { formatImagePins, IMAGES_FILE, ImagePins, parseImagePins, PLACEHOLDER_DIGEST } from '../../src/config/image-pins';
import { resolveDigest } from '../../src/oci/resolve';

// Against the real distribution registry (Debian docker-registry), images pushed by skopeo from OCI layouts
// built here: the digest pin-images reads must be sha256 of the manifest bytes we wrote.
let registry: Registry;
let root: string;
const expected: Record<string, { digest: string; mediaType: string }> = {};

beforeAll(async () => {
  registry = await startRegistry();
  root = mkdtempSync(join(tmpdir(), 'oci-layouts-'));
  const single = new Layout(root, 'single');
  const one = single.image('amd64', 'one platform');
  single.tag(one.desc, '1.0');
  push(single.dir, '1.0', `${registry.host}/acme/tool:1.0`);
  expected.single = { digest: sha256(one.bytes), mediaType: 'application/vnd.oci.image.manifest.v1+json' };

  const multi = new Layout(root, 'multi');
  const amd = multi.image('amd64', 'amd64 bits');
  const arm = multi.image('arm64', 'arm64 bits');
  const index = multi.index([amd.desc, arm.desc]);
  multi.tag(index.desc, '2.0');
  push(multi.dir, '2.0', `${registry.host}/library/base:2.0`);
  expected.multi = { digest: sha256(index.bytes), mediaType: 'application/vnd.oci.image.index.v1+json' };
  expected.amd = { digest: sha256(amd.bytes), mediaType: '' };
}, 120_000);

afterAll(() => {
  registry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('resolveDigest against the real registry', () => {
  test('a single-platform tag resolves to sha256 of its manifest bytes', async () => {
    const r = await resolveDigest(`${registry.host}/acme/tool`, '1.0');
    expect(r.digest).toBe(expected.single.digest);
    expect(r.mediaType).toBe(expected.single.mediaType);
  });

  test('a two-platform tag resolves to the index digest, not a platform manifest', async () => {
    const r = await resolveDigest(`${registry.host}/library/base`, '2.0');
    expect(r.digest).toBe(expected.multi.digest);
    expect(r.digest).not.toBe(expected.amd.digest);
    expect(r.mediaType).toBe(expected.multi.mediaType);
  });

  test('a missing tag is an error naming the image', async () => {
    await expect(resolveDigest(`${registry.host}/acme/tool`, '9.9')).rejects.toThrow(`${registry.host}/acme/tool:9.9: tag "9.9" not found`);
  });

  test('a missing repository is an error naming the image', async () => {
    await expect(resolveDigest(`${registry.host}/acme/nothing`, '1.0')).rejects.toThrow(`${registry.host}/acme/nothing:1.0`);
  });
});

// `mlops pin-images` end to end: a git repository whose pin file names images in the test registry.
describe('mlops pin-images against the real registry', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const sink = () => {
    const chunks: string[] = [];
    return { stream: new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }), text: () => chunks.join('') };
  };
  const flags = (extra: object = {}) => ({ repoDir: repo, synthCommand: 'mkdir -p dist && cp src/config/images.json dist/pins.json', remote: 'origin', ...extra });

  function pinsWith(tagOf: (name: string) => string): ImagePins {
    const here = parseImagePins(readFileSync(join(__dirname, '..', '..', IMAGES_FILE), 'utf8'));
    const upstream = Object.fromEntries(Object.keys(here.upstream).map((name, i) => [name, {
      repository: i % 2 === 0 ? `${registry.host}/acme/tool` : `${registry.host}/library/base`,
      tag: tagOf(name) || (i % 2 === 0 ? '1.0' : '2.0'),
      digest: PLACEHOLDER_DIGEST,
    }]));
    return { ...here, upstream: upstream as ImagePins['upstream'] };
  }

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'pin-repo-'));
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'test');
    mkdirSync(join(repo, 'src', 'config'), { recursive: true });
    writeFileSync(join(repo, IMAGES_FILE), formatImagePins(pinsWith(() => '')));
    git('add', '.');
    git('commit', '-qm', 'init');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  test('writes every digest and dist/ in one commit; --check then passes', async () => {
    const out = sink();
    const err = sink();
    expect(await runPinImages(flags({ commit: true }), out.stream, err.stream)).toBe(0);
    const pins = parseImagePins(readFileSync(join(repo, IMAGES_FILE), 'utf8'));
    expect(pins.upstream.modelBase.digest).toBe(expected.single.digest);
    expect(pins.upstream.platformBase.digest).toBe(expected.multi.digest);
    expect(git('log', '--format=%s')).toMatch(/^images: pin 7 upstream digests/);
    expect(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['dist/pins.json', IMAGES_FILE]);
    expect(git('status', '--porcelain')).toBe('');
    expect(await runPinImages(flags({ check: true }), out.stream, err.stream)).toBe(0);
    expect(out.text()).toContain('every upstream digest matches its tag');
  });

  test('one failed lookup: nothing written, the error names the image', async () => {
    writeFileSync(join(repo, IMAGES_FILE), formatImagePins(pinsWith((n) => (n === 'seaweedfs' ? 'no-such-tag' : ''))));
    git('commit', '-qam', 'a tag that does not exist');
    const before = readFileSync(join(repo, IMAGES_FILE), 'utf8');
    const err = sink();
    expect(await runPinImages(flags({ commit: true }), sink().stream, err.stream)).toBe(1);
    expect(err.text()).toContain('nothing written');
    expect(err.text()).toMatch(new RegExp(`seaweedfs \\(${registry.host}/[a-z/]+:no-such-tag: tag "no-such-tag" not found`));
    expect(readFileSync(join(repo, IMAGES_FILE), 'utf8')).toBe(before);
    expect(git('status', '--porcelain')).toBe('');
  });

  test('--check: a placeholder or a stale digest fails with one line saying what to run', async () => {
    const err = sink();
    expect(await runPinImages(flags({ check: true }), sink().stream, err.stream)).toBe(1);
    expect(err.text().trim().split('\n')).toHaveLength(1);
    expect(err.text()).toContain('run `npx mlops pin-images` and commit');
    const stale = pinsWith(() => '');
    for (const p of Object.values(stale.upstream)) p.digest = expected.amd.digest;
    writeFileSync(join(repo, IMAGES_FILE), formatImagePins(stale));
    const err2 = sink();
    expect(await runPinImages(flags({ check: true }), sink().stream, err2.stream)).toBe(1);
    expect(err2.text()).toContain(`is stale: pinned ${expected.amd.digest}`);
  });

  test('--built records both pushed images in one commit; an unknown name or a tag is refused', async () => {
    const d = expected.single.digest;
    const m = expected.multi.digest;
    const built = [`platform=ghcr.io/acme/fork/mlops@${d}`, `mlflow=ghcr.io/acme/fork/mlflow@${m}`];
    expect(await runPinImages(flags({ built, commit: true }), sink().stream, sink().stream)).toBe(0);
    const pins = parseImagePins(readFileSync(join(repo, IMAGES_FILE), 'utf8'));
    expect(pins.built.platform).toMatchObject({ repository: 'ghcr.io/acme/fork/mlops', digest: d });
    expect(pins.built.mlflow).toMatchObject({ repository: 'ghcr.io/acme/fork/mlflow', digest: m });
    expect(git('log', '--format=%s')).toMatch(/^images: platform sha256:0{12} → sha256:[0-9a-f]{12}, mlflow sha256:0{12} → sha256:[0-9a-f]{12}\ninit$/);
    const err = sink();
    expect(await runPinImages(flags({ built: [`nginx=ghcr.io/a/b@${d}`] }), sink().stream, err.stream)).toBe(1);
    expect(err.text()).toContain('"nginx" is not an image this repository builds');
    const usage = sink();
    expect(await runPinImages(flags({ built: ['platform=ghcr.io/a/b:latest'] }), sink().stream, usage.stream)).toBe(2);
    expect(usage.text()).toContain('must be NAME=REPOSITORY@sha256:<64 hex>');
  });
});
