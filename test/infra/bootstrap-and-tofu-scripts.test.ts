import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { siteDoc } from './support';
import { helmCharts } from '../../src/config/versions';

/**
 * scripts/bootstrap.sh (`npx projen bootstrap`) and scripts/tofu.sh (`npx projen infra:*`) run for real,
 * with `kubectl`, `helm` and `tofu` replaced by recorders on PATH (none of them exists here): the tests
 * check what they are called with, in which order, and that a failure stops the script.
 */
const repoRoot = resolve(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'scripts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A bin dir whose tools append `name args…` to calls.log; `fail` names tools that exit 1. */
function fakeTools(name: string, tools: string[], fail: string[] = []): { bin: string; log: string } {
  const bin = join(tmp, name, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = join(tmp, name, 'calls.log');
  writeFileSync(log, '');
  for (const tool of tools) {
    const body = tool === 'kubectl'
      ? '[ "$1 $2" = "config current-context" ] && { echo test-context; exit 0; }\n'
      : '';
    writeFileSync(join(bin, tool), `#!/bin/sh\n${body}echo "${tool} $*" >> "${log}"\n${fail.includes(tool) ? 'exit 1\n' : ''}`);
    chmodSync(join(bin, tool), 0o755);
  }
  return { bin, log };
}

function run(script: string, args: string[], bin: string, env: Record<string, string> = {}) {
  return spawnSync('bash', [script, ...args], {
    cwd: repoRoot,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const calls = (log: string) => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);

describe('npx projen bootstrap (scripts/bootstrap.sh)', () => {
  test('is the projen task', () => {
    const tasks = JSON.parse(readFileSync(join(repoRoot, '.projen/tasks.json'), 'utf8')).tasks;
    expect(tasks.bootstrap.steps).toEqual([{ exec: 'bash scripts/bootstrap.sh' }]);
  });

  test('installs the pinned argo-cd chart with the synthesized values, then the AppProject, then the root Application', () => {
    const { bin, log } = fakeTools('ok', ['kubectl', 'helm']);
    const r = run('scripts/bootstrap.sh', [], bin);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { repoURL, chart, version } = helmCharts.argoCd;
    expect(calls(log)).toEqual([
      'kubectl apply -f dist/bootstrap/Namespace.argocd.k8s.yaml',
      `helm upgrade --install argocd ${chart} --repo ${repoURL} --version ${version} --namespace argocd --values dist/bootstrap/argocd-values.yaml --wait --timeout 10m`,
      'kubectl wait --for condition=established --timeout=120s crd/appprojects.argoproj.io crd/applications.argoproj.io',
      'kubectl apply -f dist/bootstrap/AppProject.platform.k8s.yaml',
      'kubectl apply -f dist/bootstrap/Application.root.k8s.yaml',
    ]);
    expect(r.stdout).toContain('cluster context "test-context"');
  });

  test('never applies the dist/bootstrap folder: it holds a values file that is not a manifest', () => {
    const values = parse(readFileSync(join(repoRoot, 'dist/bootstrap/argocd-values.yaml'), 'utf8'));
    expect(values.kind).toBeUndefined();
    expect(readFileSync(join(repoRoot, 'scripts/bootstrap.sh'), 'utf8')).not.toMatch(/apply -f "?\$boot"?\/?\s*$/m);
  });

  test('a failed helm install stops before anything is handed to ArgoCD', () => {
    const { bin, log } = fakeTools('helm-fails', ['kubectl', 'helm'], ['helm']);
    const r = run('scripts/bootstrap.sh', [], bin);
    expect(r.status).not.toBe(0);
    expect(calls(log).some((c) => c.includes('AppProject') || c.includes('Application.root'))).toBe(false);
  });

  test('a rebuilt cluster gets its sealed-secrets key backup before ArgoCD', () => {
    const { bin, log } = fakeTools('restore', ['kubectl', 'helm']);
    const backup = join(tmp, 'restore', 'keys.yaml');
    writeFileSync(backup, 'kind: List\n');
    const r = run('scripts/bootstrap.sh', [], bin, { SEALED_SECRETS_KEY_BACKUP: backup });
    expect(r.status).toBe(0);
    expect(calls(log).slice(0, 3)).toEqual([
      'kubectl apply -f dist/namespaces/Namespace.sealed-secrets.k8s.yaml',
      `kubectl apply -f ${backup}`,
      'kubectl apply -f dist/bootstrap/Namespace.argocd.k8s.yaml',
    ]);
  });

  test('a missing tool is named', () => {
    const { bin } = fakeTools('no-helm', ['kubectl']);
    // PATH holds only the fake kubectl, node and dirname: no helm, whatever this machine has installed.
    for (const [tool, target] of [['node', process.execPath], ['dirname', spawnSync('sh', ['-c', 'command -v dirname'], { encoding: 'utf8' }).stdout.trim()]]) {
      symlinkSync(target, join(bin, tool));
    }
    const r = spawnSync('/bin/bash', ['scripts/bootstrap.sh'], { cwd: repoRoot, env: { PATH: bin }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('bootstrap: helm is not on PATH (docs/bootstrap.md lists the prerequisites)\n');
  });
});

describe('npx projen infra:plan|apply|output (scripts/tofu.sh)', () => {
  test('the tasks synthesize first, then run the wrapper with the extra arguments', () => {
    const tasks = JSON.parse(readFileSync(join(repoRoot, '.projen/tasks.json'), 'utf8')).tasks;
    for (const c of ['plan', 'apply', 'output']) {
      expect(tasks[`infra:${c}`].steps).toEqual([{ spawn: 'synth:infra' }, { exec: `bash scripts/tofu.sh ${c}`, receiveArgs: true }]);
    }
  });

  test('init, then the command, in the stack directory named after the site cluster', () => {
    const out = join(tmp, 'tofu-out');
    const siteFile = join(tmp, 'tofu-site.yaml');
    writeFileSync(siteFile, stringify(siteDoc({ cluster: { name: 'lab' } })));
    const env = { CDKTF_OUTDIR: out, MLOPS_SITE_FILE: siteFile };
    const synth = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/infra/main.ts'], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(synth.status).toBe(0);
    const { bin, log } = fakeTools('tofu', ['tofu']);
    const r = run('scripts/tofu.sh', ['plan', '-out=tfplan'], bin, env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(calls(log)).toEqual([`tofu -chdir=${out}/stacks/lab init -input=false`, `tofu -chdir=${out}/stacks/lab plan -out=tfplan`]);
  });

  test('without a synthesized stack, or with an unknown command, it says what to do', () => {
    const { bin } = fakeTools('tofu-missing', ['tofu']);
    const r = run('scripts/tofu.sh', ['plan'], bin, { CDKTF_OUTDIR: join(tmp, 'empty') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cdk.tf.json is missing: run npx projen synth:infra first');
    expect(run('scripts/tofu.sh', ['deploy'], bin).stderr).toContain('unknown command "deploy"');
  });
});
