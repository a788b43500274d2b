import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBumpImage } from '../../src/cli/bump-image';
import { Release, RELEASE_FILE } from '../../src/contracts/release';
import { bumpImage, formatRelease, rollbackImage } from '../../src/release';

// A tiny synth: renders release.json into dist/release/image.txt, like the real synth renders
// the InferenceService's image from it.
const SYNTH = `node -e "const r=require('./${RELEASE_FILE}');require('fs').mkdirSync('dist/release',{recursive:true});require('fs').writeFileSync('dist/release/image.txt', r.image+'@'+r.digest+' v'+r.mlflowVersion+'\\n')"`;

const IMAGE = 'ghcr.io/acme/credit-risk-model';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const INITIAL: Release = { image: IMAGE, digest: digest('0'), mlflowModel: 'credit-risk', mlflowVersion: '1', runId: 'run-1' };

const tmpRoots: string[] = [];

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${dir}: ${r.stderr}`);
  return r.stdout.trim();
}

function identity(dir: string): void {
  git(dir, 'config', 'user.email', 'bot@example.invalid');
  git(dir, 'config', 'user.name', 'bump bot');
  git(dir, 'config', 'commit.gpgsign', 'false');
}

/** A bare "GitHub" remote plus a working clone with release.json and a synthesized dist/. */
function makeRepo(): { remote: string; work: string } {
  const root = mkdtempSync(join(tmpdir(), 'bump-image-'));
  tmpRoots.push(root);
  const remote = join(root, 'remote.git');
  const work = join(root, 'work');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(root, 'clone', '--quiet', remote, work);
  identity(work);
  git(work, 'checkout', '--quiet', '-B', 'main');
  mkdirSync(join(work, 'src/config'), { recursive: true });
  writeFileSync(join(work, RELEASE_FILE), formatRelease(INITIAL));
  writeFileSync(join(work, 'README.md'), 'test repo\n');
  expect(spawnSync(SYNTH, { cwd: work, shell: true }).status).toBe(0);
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'initial');
  git(work, 'push', '--quiet', 'origin', 'main');
  return { remote, work };
}

const release = (dir: string): Release => JSON.parse(readFileSync(join(dir, RELEASE_FILE), 'utf8'));
const rendered = (dir: string): string => readFileSync(join(dir, 'dist/release/image.txt'), 'utf8').trim();
const commitCount = (dir: string): number => Number(git(dir, 'rev-list', '--count', 'HEAD'));

afterAll(() => {
  for (const r of tmpRoots) rmSync(r, { recursive: true, force: true });
});

describe('bump-image', () => {
  test('first bump edits only release.json, re-synthesizes dist/ and makes one commit', () => {
    const { work } = makeRepo();
    const result = bumpImage({ repoDir: work, image: IMAGE, digest: digest('a'), modelVersion: '2', runId: 'run-2', synthCommand: SYNTH, commit: true });
    expect(result.changed).toBe(true);
    expect(release(work)).toEqual({ ...INITIAL, digest: digest('a'), mlflowVersion: '2', runId: 'run-2' });
    expect(rendered(work)).toBe(`${IMAGE}@${digest('a')} v2`);
    expect(commitCount(work)).toBe(2);
    expect(git(work, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['dist/release/image.txt', RELEASE_FILE]);
    expect(git(work, 'log', '-1', '--format=%s')).toBe('release: credit-risk sha256:000000000000 → sha256:aaaaaaaaaaaa (model v2, run run-2)');
    expect(git(work, 'status', '--porcelain')).toBe('');
  });

  test('the same digest twice: no change, no commit, exit 0 and says so', () => {
    const { work } = makeRepo();
    bumpImage({ repoDir: work, image: IMAGE, digest: digest('a'), synthCommand: SYNTH, commit: true });
    const before = git(work, 'rev-parse', 'HEAD');
    const out: string[] = [];
    const code = runBumpImage(
      { image: IMAGE, digest: digest('a'), repoDir: work, synthCommand: SYNTH, remote: 'origin', maxPushAttempts: '3', commit: true },
      sink(out),
      sink([]),
    );
    expect(code).toBe(0);
    expect(out.join('')).toContain('nothing to do');
    expect(git(work, 'rev-parse', 'HEAD')).toBe(before);
  });

  test('rollback restores the previous release, and --to restores a named earlier digest', () => {
    const { work } = makeRepo();
    bumpImage({ repoDir: work, image: IMAGE, digest: digest('a'), modelVersion: '2', runId: 'run-2', synthCommand: SYNTH, commit: true });
    bumpImage({ repoDir: work, image: IMAGE, digest: digest('b'), modelVersion: '3', runId: 'run-3', synthCommand: SYNTH, commit: true });

    const back = rollbackImage({ repoDir: work, synthCommand: SYNTH, commit: true });
    expect(back.current).toEqual({ ...INITIAL, digest: digest('a'), mlflowVersion: '2', runId: 'run-2' });
    expect(rendered(work)).toBe(`${IMAGE}@${digest('a')} v2`);
    expect(git(work, 'log', '-1', '--format=%s')).toMatch(/^release: roll back credit-risk sha256:bbbbbbbbbbbb → sha256:aaaaaaaaaaaa/);

    const first = rollbackImage({ repoDir: work, synthCommand: SYNTH, commit: true, to: digest('0') });
    expect(first.current).toEqual(INITIAL);
    expect(commitCount(work)).toBe(5);

    const errors: string[] = [];
    const code = runBumpImage({ rollback: true, to: digest('c'), repoDir: work, synthCommand: SYNTH, remote: 'origin', maxPushAttempts: '3' }, sink([]), sink(errors));
    expect(code).toBe(2);
    expect(errors.join('')).toContain(`digest ${digest('c')} does not appear in the git history of ${RELEASE_FILE}`);
  });

  test.each([
    ['--image', { image: 'ghcr.io/acme/model:latest', digest: digest('a') }, 'must not carry a tag'],
    ['--image', { image: 'ghcr.io/Acme/Model', digest: digest('a') }, 'must be lowercase'],
    ['--image', { image: 'credit-risk-model', digest: digest('a') }, 'is not REGISTRY/OWNER/NAME'],
    ['--digest', { image: IMAGE, digest: 'sha256:abc' }, 'must be "sha256:" followed by 64 hex characters (got 3)'],
    ['--digest', { image: IMAGE, digest: `md5:${'a'.repeat(64)}` }, 'must start with "sha256:"'],
    ['--digest', { image: IMAGE, digest: `sha256:${'A'.repeat(64)}` }, 'must be lowercase hex'],
  ])('malformed %s → exit 2 naming the problem, nothing written (%#)', (_flag, input, problem) => {
    const { work } = makeRepo();
    const before = readFileSync(join(work, RELEASE_FILE), 'utf8');
    const errors: string[] = [];
    const code = runBumpImage({ ...input, repoDir: work, synthCommand: SYNTH, remote: 'origin', maxPushAttempts: '3', commit: true }, sink([]), sink(errors));
    expect(code).toBe(2);
    expect(errors.join('')).toContain(problem);
    expect(readFileSync(join(work, RELEASE_FILE), 'utf8')).toBe(before);
    expect(git(work, 'status', '--porcelain')).toBe('');
    expect(commitCount(work)).toBe(1);
  });

  test('unrelated dirty changes → refuses, nothing written', () => {
    const { work } = makeRepo();
    writeFileSync(join(work, 'README.md'), 'local edit\n');
    const before = readFileSync(join(work, RELEASE_FILE), 'utf8');
    const errors: string[] = [];
    const code = runBumpImage({ image: IMAGE, digest: digest('a'), repoDir: work, synthCommand: SYNTH, remote: 'origin', maxPushAttempts: '3', commit: true }, sink([]), sink(errors));
    expect(code).toBe(1);
    expect(errors.join('')).toContain('uncommitted changes (README.md)');
    expect(readFileSync(join(work, RELEASE_FILE), 'utf8')).toBe(before);
    expect(rendered(work)).toBe(`${IMAGE}@${digest('0')} v1`);
    expect(git(work, 'status', '--porcelain')).toBe('M README.md');
  });

  test('a failing synth restores release.json and exits 1', () => {
    const { work } = makeRepo();
    const errors: string[] = [];
    const code = runBumpImage({ image: IMAGE, digest: digest('a'), repoDir: work, synthCommand: 'echo synth exploded >&2; exit 3', remote: 'origin', maxPushAttempts: '3', commit: true }, sink([]), sink(errors));
    expect(code).toBe(1);
    expect(errors.join('')).toContain('synth exploded');
    expect(release(work)).toEqual(INITIAL);
    expect(git(work, 'status', '--porcelain')).toBe('');
  });

  test('push race: another clone pushes first; ours rebases and succeeds', () => {
    const { remote, work } = makeRepo();
    const other = join(work, '..', 'other');
    git(join(work, '..'), 'clone', '--quiet', remote, other);
    identity(other);
    writeFileSync(join(other, 'NOTES.md'), 'someone else was faster\n');
    git(other, 'add', 'NOTES.md');
    git(other, 'commit', '--quiet', '-m', 'unrelated change');
    git(other, 'push', '--quiet', 'origin', 'main');

    const result = bumpImage({ repoDir: work, image: IMAGE, digest: digest('a'), synthCommand: SYNTH, push: true });
    expect(result.pushAttempts).toBe(2);
    const remoteLog = git(remote, 'log', '--format=%s', 'main').split('\n');
    expect(remoteLog).toEqual([expect.stringMatching(/^release: credit-risk/), 'unrelated change', 'initial']);
    expect(git(remote, 'show', `main:${RELEASE_FILE}`)).toContain(digest('a'));
  });

  test('push race on the release itself: the commit is rebuilt on the new tip with a fresh synth', () => {
    const { remote, work } = makeRepo();
    const other = join(work, '..', 'other');
    git(join(work, '..'), 'clone', '--quiet', remote, other);
    identity(other);
    bumpImage({ repoDir: other, image: IMAGE, digest: digest('b'), modelVersion: '7', synthCommand: SYNTH, push: true });

    const result = bumpImage({ repoDir: work, image: IMAGE, digest: digest('a'), synthCommand: SYNTH, push: true });
    expect(result.pushAttempts).toBe(2);
    expect(JSON.parse(git(remote, 'show', `main:${RELEASE_FILE}`))).toEqual({ ...INITIAL, digest: digest('a'), mlflowVersion: '1' });
    expect(git(remote, 'show', 'main:dist/release/image.txt')).toBe(`${IMAGE}@${digest('a')} v1`);
    expect(git(remote, 'log', '--format=%s', 'main').split('\n')).toHaveLength(3);
    expect(existsSync(join(work, '.git', 'rebase-merge'))).toBe(false);
  });

  test('push attempts are bounded', () => {
    const { remote, work } = makeRepo();
    // A remote that rejects every push the way git reports a lost race: the loop must stop.
    writeFileSync(
      join(remote, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "! [rejected] main -> main (fetch first)" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const errors: string[] = [];
    const code = runBumpImage({ image: IMAGE, digest: digest('a'), repoDir: work, synthCommand: SYNTH, remote: 'origin', maxPushAttempts: '2', push: true }, sink([]), sink(errors));
    expect(code).toBe(1);
    expect(errors.join('')).toContain('still rejected after 2 attempts');
  });
});

describe('bump-image through the mlops CLI', () => {
  test('is registered, and a malformed digest exits 2 before touching the repository', () => {
    const { work } = makeRepo();
    const r = spawnSync(process.execPath, [join(__dirname, '../../bin/mlops'), 'bump-image', '--image', IMAGE, '--digest', 'sha256:xyz', '--repo-dir', work], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('digest "sha256:xyz" must be "sha256:" followed by 64 hex characters');
    expect(release(work)).toEqual(INITIAL);
  });
});

function sink(into: string[]): NodeJS.WritableStream {
  return { write: (chunk: string) => (into.push(chunk), true) } as unknown as NodeJS.WritableStream;
}
