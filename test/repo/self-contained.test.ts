import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findOutsidePaths, trackedTextFiles } from './support/outside-paths';

/**
 * The repository stands on its own: no tracked file names a folder beside the checkout or a path of a
 * developer's machine (rules and reasons in ./support/outside-paths.ts). The planted strings below are
 * assembled at run time so this file does not match its own rules.
 */
const ROOT = resolve(__dirname, '../..');

/** Deliberate matches, `file|match`, each with its reason. */
const ALLOWED = new Set([
  // An invalid fixture: the test proves an absolute state path outside the repo is rejected.
  'test/infra/invalid/absolute-state-path.yaml|/home/me/',
]);

const up = '..' + '/';
const sibling = up + 'shared';
const abs = (...parts: string[]) => '/' + parts.join('/') + '/';

test('no tracked file names a folder beside the repository or a developer machine path', () => {
  const files = trackedTextFiles(ROOT);
  expect(files.length).toBeGreaterThan(100);
  const findings = files.flatMap(({ file, text }) => findOutsidePaths(file, text, ALLOWED));
  expect(findings.map((f) => `${f.file}:${f.line} [${f.rule}] ${f.match}`)).toEqual([]);
});

test('every allow-list entry still matches something (no stale exceptions)', () => {
  const files = new Map(trackedTextFiles(ROOT).map((f) => [f.file, f.text]));
  for (const entry of ALLOWED) {
    const [file] = entry.split('|');
    const hits = findOutsidePaths(file, files.get(file) ?? '');
    expect({ entry, used: hits.some((h) => `${h.file}|${h.match}` === entry) }).toEqual({ entry, used: true });
  }
});

describe('the matcher', () => {
  test.each([
    ['cdk8s.yaml', `  - app:=${sibling}/reference/crds/a.yaml`, 'sibling', sibling],
    ['test/x.ts', `resolve(__dirname, '${up}${up}${sibling}/x')`, 'sibling', `${up}${up}${up}shared`],
    ['docs/a.md', 'read from `' + ['shared', 'reference'].join('/') + '/crds`', 'sibling', ['shared', 'reference'].join('/')],
    ['docs/a.md', `clone into ${abs('work', 'wt', 'me')}repo`, 'machine', abs('work')],
    ['scripts/a.sh', `cp ${abs('root', '.cache')}x .`, 'machine', abs('root')],
    ['README.md', `see ${abs('home', 'alice', 'src')}`, 'machine', abs('home', 'alice')],
    ['README.md', `see ${abs('Users', 'bob', 'src')}`, 'machine', abs('Users', 'bob')],
    ['README.md', 'see C:' + '\\Users\\' + 'bob', 'machine', 'C:\\Users\\'],
    ['src/a.ts', `const dir = '${abs('tmp')}sc-clone';`, 'tmp', abs('tmp') + 'sc-clone'],
    ['.github/workflows/a.yml', `run: cat ${abs('tmp')}out.txt`, 'tmp', abs('tmp') + 'out.txt'],
  ])('%s: %s is reported', (file, line, rule, match) => {
    expect(findOutsidePaths(file, `ok\n${line}\n`)).toEqual([{ file, line: 2, rule, match }]);
  });

  test.each([
    ['dist/apps/a.yaml', `command: [${abs('home', 'runner')}run.sh]`, 'the GitHub/ARC runner home'],
    ['test/fixtures/a.txt', `rootdir: ${abs('home', 'runner', 'work', 'model')}model`, 'a runner path, /work/ inside it'],
    ['model/Dockerfile', 'RUN python -m venv /opt/venv && /usr/bin/env true', 'system paths'],
    ['docs/a.md', `bash scripts/demo.sh --out ${abs('tmp')}demo`, '/tmp in a doc example'],
    ['test/a.test.ts', `stateDir: '${abs('tmp')}s'`, '/tmp as a dummy test value'],
    ['vendor/x/index.md', `ssh key in ${abs('home', 'user')}.ssh`, 'verbatim upstream text'],
    ['src/a.ts', "import { x } from '../shared/util';".replace('shared', 'common'), 'a relative import inside the repo'],
    ['src/a.ts', 'const shared = 1; // shared memory', 'the word shared'],
  ])('%s: %s is not reported (%s)', (file, line) => {
    expect(findOutsidePaths(file, line)).toEqual([]);
  });
});

test('the check bites on a planted file in a temporary copy of the repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'self-contained-'));
  try {
    execFileSync('git', ['init', '-q', dir]);
    cpSync(join(ROOT, 'cdk8s.yaml'), join(dir, 'cdk8s.yaml'));
    cpSync(join(ROOT, 'README.md'), join(dir, 'README.md'));
    writeFileSync(join(dir, 'planted.ts'), `export const crds = '${sibling}/reference/crds';\nexport const home = '${abs('home', 'dev')}';\n`);
    execFileSync('git', ['add', '.'], { cwd: dir });
    const findings = trackedTextFiles(dir).flatMap(({ file, text }) => findOutsidePaths(file, text, ALLOWED));
    expect(findings).toEqual([
      { file: 'planted.ts', line: 1, rule: 'sibling', match: sibling },
      { file: 'planted.ts', line: 2, rule: 'machine', match: abs('home', 'dev') },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
