import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { diffDist, DistDiffReport } from '../../src/review';

/**
 * A minimal repository with two commits, for what a version bump does not exercise: objects added
 * and removed, an object that only moved between files, an object whose Application changed, plain
 * files no Application syncs, and an object identified by identity rather than file name.
 */
const app = (name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  source:\n    path: ${path}\n    directory:\n      include: "*.k8s.yaml"\n`;
const cm = (name: string, ns: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  key: ${data}\n`;

let repo: string;
let report: DistDiffReport;

function commit(files: Record<string, string | null>): string {
  for (const [file, text] of Object.entries(files)) {
    const p = join(repo, file);
    if (text === null) {
      fs.rmSync(p);
      continue;
    }
    fs.mkdirSync(dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  git('add', '-A');
  git('commit', '--quiet', '--allow-empty', '-m', 'step');
  return git('rev-parse', 'HEAD');
}

beforeAll(() => {
  repo = fs.mkdtempSync(join(tmpdir(), 'object-diff-'));
  execFileSync('git', ['init', '--quiet', '-b', 'main'], { cwd: repo });
  const base = commit({
    'dist/bootstrap/Application.root.k8s.yaml': app('root', 'dist/apps'),
    'dist/apps/Application.web.k8s.yaml': app('web', 'dist/web'),
    'dist/apps/Application.jobs.k8s.yaml': app('jobs', 'dist/jobs'),
    'dist/web/ConfigMap.a.k8s.yaml': cm('a', 'web', 'one'),
    'dist/web/ConfigMap.gone.k8s.yaml': cm('gone', 'web', 'bye'),
    'dist/web/ConfigMap.moves.k8s.yaml': cm('moves', 'web', 'same'),
    'dist/web/ConfigMap.to-jobs.k8s.yaml': cm('to-jobs', 'web', 'x'),
    'dist/monitoring/rules.yaml': 'groups:\n  - name: a\n',
    'README.md': 'outside dist\n',
  });
  const head = commit({
    'dist/web/ConfigMap.a.k8s.yaml': cm('a', 'web', 'two'), // changed
    'dist/web/ConfigMap.gone.k8s.yaml': null, // removed
    'dist/web/ConfigMap.new.k8s.yaml': cm('new', 'web', 'hi'), // added
    'dist/web/ConfigMap.moves.k8s.yaml': null, // moved to another file, same content: no change
    'dist/web/renamed.k8s.yaml': cm('moves', 'web', 'same'),
    'dist/web/ConfigMap.to-jobs.k8s.yaml': null, // moved to the jobs Application: a change
    'dist/jobs/ConfigMap.to-jobs.k8s.yaml': cm('to-jobs', 'web', 'x'),
    'dist/monitoring/rules.yaml': 'groups:\n  - name: b\n', // a plain file nobody syncs
    'README.md': 'changed outside dist\n',
  });
  report = diffDist({ repoDir: repo, base, head });
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

test('added, changed and removed, per Application, by identity', () => {
  const summary = report.applications.map((a) => ({
    application: a.application,
    objects: a.objects.map((o) => `${o.change} ${o.kind ? `${o.kind} ${o.namespace}/${o.name}` : o.file}${o.previousApplication ? ` from ${o.previousApplication}` : ''}`),
  }));
  expect(summary).toEqual([
    { application: 'jobs', objects: ['changed ConfigMap web/to-jobs from web'] },
    { application: 'web', objects: ['changed ConfigMap web/a', 'removed ConfigMap web/gone', 'added ConfigMap web/new'] },
    { application: null, objects: ['changed dist/monitoring/rules.yaml'] },
  ]);
});

test('diffs: removed objects are all "-", added all "+", plain files diff their text', () => {
  const web = report.applications.find((a) => a.application === 'web')!.objects;
  const gone = web.find((o) => o.name === 'gone')!;
  expect(gone.file).toBe('dist/web/ConfigMap.gone.k8s.yaml');
  expect(gone.diff.split('\n').filter((l) => l && !l.startsWith('@@')).every((l) => l.startsWith('-'))).toBe(true);
  const added = web.find((o) => o.name === 'new')!;
  expect(added.diff).toContain('+  key: hi');
  expect(web.find((o) => o.name === 'a')!.diff).toMatch(/^-  key: one\n\+  key: two$/m);
  const rules = report.applications.find((a) => a.application === null)!.objects[0];
  expect(rules.diff).toContain('-  - name: a\n+  - name: b');
});
