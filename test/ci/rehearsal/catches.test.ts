import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { Scenario } from './events';
import { Rehearsal, rehearse } from './runner';

/**
 * What the rehearsal must catch, each shown on a deliberately broken copy of a workflow written to
 * a temp dir (and a passing control next to it, so the failure is the break and nothing else):
 * a config file not found from the root, a path outside the repository, a script without its exec
 * bit, a file an earlier job produced but did not upload, a `needs:` output that is never set.
 */

const repo = resolve(__dirname, '..', '..', '..');
const tmps: string[] = [];
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `rehearsal-catch-${name}-`));
  tmps.push(d);
  return d;
};
afterAll(() => tmps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CHECKOUT = { name: 'Checkout', uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683' };

async function rehearseCopy(workflow: object, opts: { source?: string; scenario?: Scenario } = {}): Promise<Rehearsal> {
  const dir = tmp('wf');
  const file = join(dir, 'broken.yml');
  writeFileSync(file, stringify(workflow));
  return rehearse({ workflowFile: file, scenario: opts.scenario ?? { event: 'push' }, source: opts.source ?? repo, toolsRoot: repo, tmp: join(dir, 'run') });
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });
}

/** A one-commit repository with the given files (mode 0o755 where `exec` is true, as git records it). */
function miniRepo(files: Record<string, { text: string; exec?: boolean }>): string {
  // Inside a parent of its own, so that `../x` of the source is a file this test owns.
  const dir = join(tmp('repo'), 'repo');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, f] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), f.text);
    git(dir, 'add', name);
    git(dir, 'update-index', `--chmod=${f.exec ? '+x' : '-x'}`, name);
  }
  git(dir, 'commit', '-q', '-m', 'fixture');
  return dir;
}

const failureOf = (r: Rehearsal) => r.failures.join('\n');

describe('the rehearsal catches', () => {
  test('a config file not found from the root: flake8 of model/ run from the root without --config', async () => {
    const real = parse(readFileSync(join(repo, '.github/workflows/model-ci-ct-cd.yml'), 'utf8'));
    const lint = real.jobs.lint;
    const withRun = (run: string) => ({ ...real, jobs: { lint: { ...lint, steps: lint.steps.map((s: { id?: string }) => (s.id === 'flake8' ? { ...s, run } : s)) } } });
    const broken = await rehearseCopy(withRun('flake8 model'), { scenario: { event: 'pull_request' } });
    expect(broken.jobs).toEqual([expect.objectContaining({ id: 'lint', result: 'failure' })]);
    expect(failureOf(broken)).toMatch(/lint › flake8: exit code 1\n[\s\S]*E501 line too long \(\d+ > 79 characters\)/);
    // The committed command (--config) passes on the same checkout.
    const fixed = await rehearseCopy(withRun(lint.steps.find((s: { id?: string }) => s.id === 'flake8').run), { scenario: { event: 'pull_request' } });
    expect(fixed.failures).toEqual([]);
  }, 120_000);

  test('a path outside the repository: a step reading ../x (a clone has nothing beside it)', async () => {
    const source = miniRepo({ 'README.md': { text: 'fixture\n' } });
    // ../x exists beside the source repository, as a sibling folder can beside a developer's checkout.
    writeFileSync(join(source, '..', 'x'), 'only on this machine\n');
    const r = await rehearseCopy({ on: { push: {} }, jobs: { build: { 'runs-on': 'ubuntu-24.04', 'steps': [CHECKOUT, { name: 'read a sibling', run: 'cat ../x' }] } } }, { source });
    expect(failureOf(r)).toMatch(/build › read a sibling: exit code 1\n.*\.\.\/x: No such file or directory/);
  }, 60_000);

  test('a script without its exec bit', async () => {
    const script = '#!/usr/bin/env bash\necho hello from the script\n';
    const wf = { on: { push: {} }, jobs: { build: { 'runs-on': 'ubuntu-24.04', 'steps': [CHECKOUT, { name: 'run the script', run: './scripts/hello.sh' }] } } };
    const broken = await rehearseCopy(wf, { source: miniRepo({ 'scripts/hello.sh': { text: script } }) });
    expect(failureOf(broken)).toMatch(/build › run the script: exit code 126\n.*\.\/scripts\/hello\.sh: Permission denied/);
    const fixed = await rehearseCopy(wf, { source: miniRepo({ 'scripts/hello.sh': { text: script, exec: true } }) });
    expect(fixed.failures).toEqual([]);
    expect(fixed.steps.find((s) => s.label === 'run the script')?.log).toContain('hello from the script');
  }, 60_000);

  test('a file an earlier job produced but did not upload as an artifact', async () => {
    const source = miniRepo({ 'README.md': { text: 'fixture\n' } });
    const produce = { name: 'produce', run: 'mkdir -p out && echo 42 > out/answer.txt' };
    const upload = { name: 'keep it', uses: 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', with: { name: 'answer', path: 'out/' } };
    const download = { name: 'get it', uses: 'actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093', with: { name: 'answer', path: 'out' } };
    const consume = { name: 'consume', run: 'test "$(cat out/answer.txt)" = 42' };
    const wf = (a: object[], b: object[]) => ({
      on: { push: {} },
      jobs: { a: { 'runs-on': 'ubuntu-24.04', 'steps': [CHECKOUT, ...a] }, b: { 'runs-on': 'ubuntu-24.04', 'needs': 'a', 'steps': [CHECKOUT, ...b] } },
    });
    // Each job has its own fresh workspace: what job a wrote is not there for job b.
    const noArtifact = await rehearseCopy(wf([produce], [consume]), { source });
    expect(failureOf(noArtifact)).toMatch(/b › consume: exit code 1\n.*out\/answer\.txt: No such file or directory/);
    // Downloading a name no earlier job uploaded fails, naming what was uploaded.
    const neverUploaded = await rehearseCopy(wf([produce], [download, consume]), { source });
    expect(failureOf(neverUploaded)).toContain('b › get it: download-artifact: Artifact not found for name: answer (no earlier job uploaded it; uploaded so far: none)');
    const uploaded = await rehearseCopy(wf([produce, upload], [download, consume]), { source });
    expect(uploaded.failures).toEqual([]);
  }, 60_000);

  test('a needs: output that is never set', async () => {
    const source = miniRepo({ 'README.md': { text: 'fixture\n' } });
    const wf = (written: string, read: string) => ({
      on: { push: {} },
      jobs: {
        a: {
          'runs-on': 'ubuntu-24.04',
          'outputs': { version: '${{ steps.v.outputs.version }}' },
          'steps': [{ id: 'v', name: 'version', run: `echo "${written}=1.2.3" >> "$GITHUB_OUTPUT"` }],
        },
        b: {
          'runs-on': 'ubuntu-24.04',
          'needs': 'a',
          'steps': [{ name: 'use it', env: { VERSION: `\${{ needs.a.outputs.${read} }}` }, run: 'test "$VERSION" = 1.2.3' }],
        },
      },
    });
    const misnamed = await rehearseCopy(wf('model-version', 'version'), { source });
    expect(failureOf(misnamed)).toContain(
      'b › use it: env: ${{ needs.a.outputs.version }} is never set: job a\'s output version = ${{ steps.v.outputs.version }}, and step v did not write "version" to GITHUB_OUTPUT',
    );
    const undeclared = await rehearseCopy(wf('version', 'model-version'), { source });
    expect(failureOf(undeclared)).toContain('b › use it: env: ${{ needs.a.outputs.model-version }} is never set: job a declares no output "model-version" (outputs: version)');
    const wired = await rehearseCopy(wf('version', 'version'), { source });
    expect(wired.failures).toEqual([]);
  }, 60_000);

  test('an install whose input differs from what the stand-in links: a changed requirement file, a Debian package not installed, a missing lockfile', async () => {
    const pip = { name: 'tools', run: 'python -m pip install --disable-pip-version-check --require-hashes --no-deps -r requirements/tools.txt' };
    const npm = { name: 'npm', run: 'npm ci --no-audit --no-fund' };
    const wf = (step: object) => ({ on: { push: {} }, jobs: { build: { 'runs-on': 'ubuntu-24.04', 'steps': [CHECKOUT, step] } } });
    const changed = await rehearseCopy(wf(pip), { source: miniRepo({ 'requirements/tools.txt': { text: 'flake8==0.0.1 --hash=sha256:00\n' } }) });
    expect(failureOf(changed)).toMatch(/lacks flake8==0\.0\.1 \(has [0-9.]+\)\nrehearsal: .venvs\/tools does not hold what requirements\/tools.txt pins \(above\): run scripts\/setup.sh/);
    const apt = (pkgs: string) => ({ name: 'apt', run: `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${pkgs}` });
    const notHere = await rehearseCopy(wf(apt('git rehearsal-no-such-package')), { source: miniRepo({ 'README.md': { text: 'x\n' } }) });
    expect(failureOf(notHere)).toContain('rehearsal: not installed on this machine: rehearsal-no-such-package (scripts/setup.sh installs the Debian packages)');
    const inContainer = { on: { push: {} }, jobs: { build: { 'runs-on': 'ubuntu-24.04', 'container': { image: 'debian:bookworm' }, 'steps': [apt('git ca-certificates'), CHECKOUT] } } };
    expect((await rehearseCopy(inContainer, { source: miniRepo({ 'README.md': { text: 'x\n' } }) })).failures).toEqual([]);
    const noLockfile = await rehearseCopy(wf(npm), { source: miniRepo({ 'package.json': { text: '{}\n' } }) });
    expect(failureOf(noLockfile)).toContain('npm ERR! The `npm ci` command can only install with an existing package-lock.json');
    // Unchanged inputs: the tools are on PATH for the next step, node_modules is in the checkout.
    const same = await rehearseCopy(wf({ name: 'both', run: `${pip.run}\n${npm.run}` }), {
      source: miniRepo({
        'requirements/tools.txt': { text: readFileSync(join(repo, 'requirements/tools.txt'), 'utf8') },
        'package-lock.json': { text: readFileSync(join(repo, 'package-lock.json'), 'utf8') },
      }),
    });
    expect(same.failures).toEqual([]);
    expect(same.steps.find((s) => s.label === 'both')?.substitutions).toEqual([
      'pip install -r requirements/tools.txt → .venvs/tools/bin on PATH',
      'npm ci → node_modules linked from the worktree (same package-lock.json)',
    ]);
  }, 60_000);
});
