import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDiffDist } from '../../src/cli/diff-dist';
import { COMMENT_MARKER, diffDist, DistDiffReport, renderComment } from '../../src/review';
import { startGitHubFake, GitHubFake } from '../fakes/github';

/**
 * The whole path on the real repository: a clone of this checkout's HEAD, a change to
 * src/config/versions.ts (a Helm chart bump and an image tag bump) re-synthesized with the real
 * synth (src/main.ts) and committed, then `diffDist` over a real `git` history, then the comment
 * posted twice against the loopback GitHub fake through the real Octokit client.
 */

const repoRoot = join(__dirname, '../..');
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

let clone: string;
let base: string;
let head: string;
let report: DistDiffReport;

/** A small in-memory stream for the CLI's stdout/stderr. */
function sink() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
}

beforeAll(() => {
  clone = fs.mkdtempSync(join(tmpdir(), 'dist-diff-'));
  // HEAD of this checkout (committed state), not the working tree.
  git(repoRoot, 'clone', '--quiet', '--no-hardlinks', repoRoot, clone);
  fs.symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
  base = git(clone, 'rev-parse', 'HEAD');
  // A chart pin (src/config/versions.ts) and an image pin (src/config/images.json, the image pins' data file).
  const versionsFile = join(clone, 'src/config/versions.ts');
  const bumped = fs.readFileSync(versionsFile, 'utf8').replace(/(chart: 'cert-manager', version: ')v1\.21\.1(')/, '$1v1.21.2$2');
  const imagesFile = join(clone, 'src/config/images.json');
  const bumpedImages = fs.readFileSync(imagesFile, 'utf8').replace(/("repository": "docker\.io\/chrislusf\/seaweedfs",\s*"tag": ")3\.97(")/, '$13.98$2');
  // The fixture edits exactly two pins; if the pin files moved on, say so instead of testing nothing.
  expect([bumped.match(/v1\.21\.2/g), bumpedImages.match(/"3\.98"/g)].map((m) => m?.length)).toEqual([1, 1]);
  fs.writeFileSync(versionsFile, bumped);
  fs.writeFileSync(imagesFile, bumpedImages);
  const synth = spawnSync(join(clone, 'node_modules/.bin/ts-node'), ['--swc', 'src/main.ts'], { cwd: clone, encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  git(clone, 'add', 'src', 'dist');
  git(clone, 'commit', '--quiet', '-m', 'bump cert-manager chart and the SeaweedFS image');
  head = git(clone, 'rev-parse', 'HEAD');
  report = diffDist({ repoDir: clone, base, head, pullRequest: 7, headSha: head });
}, 120_000);

afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

const ids = (r: DistDiffReport, change: string) =>
  r.applications.flatMap((a) => a.objects.filter((o) => o.change === change).map((o) => `${a.application}: ${o.apiVersion} ${o.kind} ${o.namespace ?? ''}/${o.name}`)).sort();

describe('mlops diff-dist on a re-synthesized versions.ts change', () => {
  test('names exactly the Applications and objects that changed', () => {
    expect(report.base).toBe(base);
    expect(report.head).toBe(head);
    expect(report.applications.map((a) => a.application)).toEqual(['object-store', 'root']);
    expect(report.applications.map((a) => a.paths)).toEqual([['dist/object-store'], ['dist/apps']]);
    expect(ids(report, 'added')).toEqual([]);
    expect(ids(report, 'removed')).toEqual([]);
    expect(ids(report, 'changed')).toEqual([
      // The image tag: the two workloads of the object-store Application.
      'object-store: apps/v1 StatefulSet mlflow/seaweedfs',
      'object-store: batch/v1 Job mlflow/seaweedfs-buckets',
      // The chart bump: the cert-manager Application object itself, synced by root (dist/apps).
      'root: argoproj.io/v1alpha1 Application argocd/cert-manager',
    ]);
  });

  test('each object carries its YAML diff', () => {
    const app = report.applications.find((a) => a.application === 'root')!.objects[0];
    expect(app.diff).toMatch(/^-    targetRevision: v1\.21\.1$/m);
    expect(app.diff).toMatch(/^\+    targetRevision: v1\.21\.2$/m);
    expect(app.chart).toEqual({ name: 'cert-manager', from: 'v1.21.1', to: 'v1.21.2' });
    // Workloads carry no chart note.
    expect(report.applications.find((a) => a.application === 'object-store')!.objects.every((o) => o.chart === undefined)).toBe(true);
    const sts = report.applications.find((a) => a.application === 'object-store')!.objects.find((o) => o.kind === 'StatefulSet')!;
    expect(sts.diff).toMatch(/^-\s+image: docker\.io\/chrislusf\/seaweedfs:3\.97@/m);
    expect(sts.diff).toMatch(/^\+\s+image: docker\.io\/chrislusf\/seaweedfs:3\.98@/m);
    expect(sts.omittedLines).toBe(0);
  });

  test('the comment lists them per Application, each diff collapsed', () => {
    const md = renderComment(report);
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md).toContain('| `object-store` | `dist/object-store` | 0 | 2 | 0 |');
    expect(md).toContain('| `root` | `dist/apps` | 0 | 1 | 0 |');
    expect(md).toContain('#### Application `root`');
    expect(md).toContain(
      '- **changed** `argoproj.io/v1alpha1` `Application argocd/cert-manager` in `dist/apps/Application.cert-manager.k8s.yaml` (chart `cert-manager` `v1.21.1` → `v1.21.2`)',
    );
    expect(md.match(/<details><summary>/g)).toHaveLength(3);
    expect(md.match(/<\/details>/g)).toHaveLength(3);
  });

  test('no change between a revision and itself', () => {
    const same = diffDist({ repoDir: clone, base: head, head });
    expect(same.applications).toEqual([]);
    expect(renderComment(same)).toContain('No object in `dist/` changes');
  });

  test('an unknown revision is a clear error', () => {
    expect(() => diffDist({ repoDir: clone, base: 'no-such-branch', head })).toThrow(/revision "no-such-branch" is not a commit/);
  });
});

describe('posting: one comment per pull request, updated in place', () => {
  let fake: GitHubFake;
  let dir: string;
  const env = { ...process.env };
  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'dist-diff-post-'));
    fake = await startGitHubFake({
      repository: 'acme/platform',
      tokenLogins: { 'bot-token': 'github-actions[bot]', 'user-token': 'mallory' },
      pulls: [
        { number: 7, state: 'open', headSha: head, comments: [] },
        { number: 8, state: 'open', headSha: 'b'.repeat(40), headRepository: 'mallory/platform', comments: [] },
      ],
    });
    process.env.GITHUB_TOKEN = 'bot-token';
    process.env.GITHUB_API_URL = fake.url;
  });
  afterEach(async () => {
    await fake.close();
    process.env = { ...env };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = async (file: string, extra: Record<string, string> = {}) => {
    const out = sink();
    const err = sink();
    const code = await runDiffDist({ repoDir: clone, post: file, repo: 'acme/platform', ...extra }, out.stream, err.stream);
    return { code, err: err.text() };
  };

  test('posted twice: one comment, created then updated', async () => {
    const file = join(dir, 'diff.json');
    // The pull_request run's half, through the CLI: the JSON artifact.
    expect(await runDiffDist({ repoDir: clone, base, head, pr: '7', headSha: head, out: file }, sink().stream, sink().stream)).toBe(0);

    // Someone else's comment that quotes the marker is never taken over.
    fake.pulls[0].comments.push({ id: 1, body: `${COMMENT_MARKER}\nI copied the bot`, user: { login: 'mallory', type: 'User' } });

    const first = await post(file, { pr: '7', headSha: head });
    expect(first).toEqual({ code: 0, err: expect.stringMatching(/comment created on #7/) });
    const ours = () => fake.pulls[0].comments.filter((c) => c.user.login === 'github-actions[bot]');
    expect(ours()).toHaveLength(1);
    const id = ours()[0].id;
    expect(ours()[0].body).toBe(renderComment(JSON.parse(fs.readFileSync(file, 'utf8'))));

    // A new push: the same pull request, a different diff (only the chart bump is left).
    const onlyChart: DistDiffReport = JSON.parse(fs.readFileSync(file, 'utf8'));
    onlyChart.applications = onlyChart.applications.filter((a) => a.application === 'root');
    fs.writeFileSync(file, JSON.stringify(onlyChart));
    const second = await post(file, { pr: '7', headSha: head });
    expect(second).toEqual({ code: 0, err: expect.stringMatching(/comment updated on #7/) });
    expect(ours()).toHaveLength(1);
    expect(ours()[0].id).toBe(id);
    expect(ours()[0].body).not.toContain('seaweedfs');
    expect(ours()[0].body).toContain('Application argocd/cert-manager');
    expect(fake.pulls[0].comments).toHaveLength(2); // mallory's and ours
    expect(fake.pulls[0].comments[0].body).toBe(`${COMMENT_MARKER}\nI copied the bot`);
    const methods = fake.requests.filter((r) => r.path.includes('/comments')).map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`);
    expect(methods).toEqual([
      'GET /repos/acme/platform/issues/N/comments',
      'POST /repos/acme/platform/issues/N/comments',
      'GET /repos/acme/platform/issues/N/comments',
      'PATCH /repos/acme/platform/issues/comments/N',
    ]);
  });

  test('a pull request without dist/ change gets no comment; one that had one gets it updated', async () => {
    const file = join(dir, 'diff.json');
    expect(await runDiffDist({ repoDir: clone, base: head, head, pr: '7', headSha: head, out: file }, sink().stream, sink().stream)).toBe(0);
    expect((await post(file, { pr: '7' })).err).toMatch(/comment skipped on #7/);
    expect(fake.pulls[0].comments).toEqual([]);
    // Once a diff was posted, a later push that undoes the dist/ change updates the comment to say so.
    const changed = join(dir, 'changed.json');
    fs.writeFileSync(changed, JSON.stringify(report));
    expect((await post(changed, { pr: '7' })).err).toMatch(/comment created on #7/);
    expect((await post(file, { pr: '7' })).err).toMatch(/comment updated on #7/);
    expect(fake.pulls[0].comments).toHaveLength(1);
    expect(fake.pulls[0].comments[0].body).toContain('No object in `dist/` changes');
  });

  test.each([
    ['an extra field', (r: Record<string, unknown>) => ({ ...r, body: 'hi @everyone' }), /\(root\): Unrecognized key.*body/i],
    ['a mention in an object name', (r: any) => (r.applications[0].objects[0].name = 'x @admin', r), /applications\.0\.objects\.0\.name: not a Kubernetes name/],
    ['HTML in an Application name', (r: any) => (r.applications[0].application = '<img src=x>', r), /applications\.0\.application: not a Kubernetes name/],
    ['a path outside dist/', (r: any) => (r.applications[0].objects[0].file = 'dist/../.github/x', r), /file: (not a plain path|path must not)/],
    ['a diff over the size limit', (r: any) => (r.applications[0].objects[0].diff = 'x'.repeat(20_001), r), /diff: Too big/i],
    ['another pull request', (r: any) => ({ ...r, pullRequest: 8 }), /for pull request #8, the triggering run for #7/],
    ['another head commit', (r: any) => ({ ...r, headSha: 'c'.repeat(40) }), /head commit c{40} is not the triggering run's/],
  ])('a fork-style tampered report is refused: %s', async (_name, tamper, message) => {
    const file = join(dir, 'diff.json');
    fs.writeFileSync(file, JSON.stringify(tamper(JSON.parse(JSON.stringify(report)))));
    const res = await post(file, { pr: '7', headSha: head });
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^mlops diff-dist: refused: /);
    expect(res.err).toMatch(message);
    expect(fake.pulls.flatMap((p) => p.comments)).toEqual([]);
  });

  test('a report naming a pull request whose head is not the triggering commit is refused (fork runs carry no number)', async () => {
    const file = join(dir, 'diff.json');
    // The fork claims #8 and that its run's head is #8's head: the API says #8 is at bbbb…, the run at `head`.
    fs.writeFileSync(file, JSON.stringify({ ...report, pullRequest: 8 }));
    const res = await post(file, { headSha: head, headRepo: 'eve/platform' });
    expect(res).toEqual({ code: 2, err: expect.stringMatching(/pull request #8 is at b{40}, not at the triggering run's/) });
    expect(fake.pulls.flatMap((p) => p.comments)).toEqual([]);
  });

  test('a run overtaken by a newer push of the same pull request does not post, and does not fail', async () => {
    const file = join(dir, 'diff.json');
    fs.writeFileSync(file, JSON.stringify(report));
    fake.pulls[0].headSha = 'd'.repeat(40); // pushed again after this run
    // Same-repository pull request: the event named #7.
    expect(await post(file, { pr: '7', headSha: head })).toEqual({ code: 0, err: expect.stringMatching(/not posting: pull request #7 moved on to d{40}/) });
    // A fork's run (no number in the event): the pull request's head repository is the run's.
    fake.pulls[0].headRepository = 'eve/platform';
    expect(await post(file, { headSha: head, headRepo: 'eve/platform' })).toEqual({ code: 0, err: expect.stringMatching(/moved on/) });
    // ... but not when it is someone else's pull request.
    expect(await post(file, { headSha: head, headRepo: 'mallory/platform' })).toEqual({ code: 2, err: expect.stringMatching(/refused: pull request #7 is at d{40}/) });
    expect(fake.pulls.flatMap((p) => p.comments)).toEqual([]);
  });

  test('an oversized or non-JSON file is refused before parsing', async () => {
    const big = join(dir, 'big.json');
    fs.writeFileSync(big, Buffer.alloc(8 * 1024 * 1024 + 1, 0x20));
    expect(await post(big, { pr: '7' })).toEqual({ code: 2, err: expect.stringMatching(/is 8388609 bytes; the limit is 8388608/) });
    const junk = join(dir, 'junk.json');
    fs.writeFileSync(junk, '{not json');
    expect(await post(junk, { pr: '7' })).toEqual({ code: 2, err: expect.stringMatching(/is not JSON/) });
    expect(await post(join(dir, 'missing.json'), { pr: '7' })).toEqual({ code: 2, err: expect.stringMatching(/does not exist/) });
  });

  test('the real CLI process refuses a tampered report with exit 2 (bin/mlops, as the workflow calls it)', () => {
    const file = join(dir, 'diff.json');
    fs.writeFileSync(file, JSON.stringify({ ...report, applications: [{ application: 'root', paths: [], objects: [{ change: 'changed', file: 'dist/x.yaml', diff: '', omittedLines: 0, user: '@octocat' }] }] }));
    const res = spawnSync(join(repoRoot, 'bin/mlops'), ['diff-dist', '--post', file, '--repo', 'acme/platform', '--pr', '7'], {
      env: { ...process.env, GITHUB_TOKEN: 'bot-token', GITHUB_API_URL: fake.url },
      encoding: 'utf8',
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/refused: .*applications\.0\.objects\.0: Unrecognized key.*user/);
    expect(fake.requests).toEqual([]);
  });
});
