import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dedupeLabel } from '../../src/analysis/sinks/types';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini';
import { startGitHubFake, type GitHubFake } from '../fakes/github';
import { readRole, startKubernetesFake, type KubernetesFake } from '../fakes/kubernetes-api';
import { alertGroup } from '../gateway/payloads';

/** `mlops analyze-alert` as a child process: exit codes, sinks, and the LLM path through the analysis core. */
const root = path.join(__dirname, '..', '..');
const mlops = path.join(root, 'bin', 'mlops');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-aa-'));
const plantedToken = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mlops, 'analyze-alert', ...args], {
      env: { ...process.env, GEMINI_API_KEY: '', OPENAI_API_KEY: '', GITHUB_TOKEN: '', GITHUB_REPOSITORY: '', ...env }, timeout: 60_000,
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

function writeEvent(name: string, group: Record<string, unknown>): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ action: 'alert', client_payload: { group, outboxId: `ob-${name}` } }));
  return file;
}

/** The e2e's alert shape: namespace of the dist/ Role, no pod label (found by the InferenceService label). */
function latencyGroup(status: 'firing' | 'resolved' = 'firing', team = 'platform') {
  const g = alertGroup({ status }) as any;
  for (const a of g.alerts) {
    delete a.labels.pod;
    a.labels.namespace = 'mlops';
    a.labels.team = team;
  }
  g.commonLabels.namespace = 'mlops';
  g.commonLabels.team = team;
  return g;
}

describe('usage errors exit 2, naming the problem', () => {
  // Each spawn costs seconds (ts-node); the input errors themselves are unit-tested in input.test.ts.
  test('no --alert and no GITHUB_EVENT_PATH', async () => {
    const r = await run(['--offline'], { GITHUB_EVENT_PATH: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--alert FILE is required/);
  });

  test('a schema failure names the path', async () => {
    const g = latencyGroup();
    g.alerts[0].status = 'burning';
    const r = await run(['--alert', writeEvent('bad', g), '--offline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('alerts[0].status');
  });
});

describe('GitHub: one issue per alert fingerprint, team mention, updated on repeats, closed on resolved', () => {
  let github: GitHubFake;
  beforeAll(async () => {
    github = await startGitHubFake({ repository: 'self-healing-mlops/self-healing-mlops' });
  });
  afterAll(async () => github?.close());

  test('lifecycle', async () => {
    const env = { GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'self-healing-mlops/self-healing-mlops', GITHUB_API_URL: github.url };
    const firing = writeEvent('firing', latencyGroup('firing', 'ml'));
    const args = ['--alert', firing, '--no-kubernetes', '--offline', '--sink', 'github', '--repo-dir', tmp];
    const first = await run(args, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(github.issues).toHaveLength(1);
    const issue = github.issues[0];
    const fp = latencyGroup().alerts[0].fingerprint;
    expect(issue.labels).toContain(dedupeLabel(`alert:${fp}`));
    expect(issue.labels).toEqual(expect.arrayContaining(['alert:InferenceLatencyHigh', 'team:ml', 'cause:insufficient-evidence']));
    expect(issue.title).toContain('InferenceLatencyHigh');
    expect(issue.body).toContain('@self-healing-mlops/ml');

    expect((await run(args, env)).code).toBe(0);
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].comments).toHaveLength(1);

    const resolved = await run(['--alert', writeEvent('resolved', latencyGroup('resolved', 'ml')), '--offline', '--sink', 'github'], env);
    expect(resolved.stderr).toBe('');
    expect(resolved.code).toBe(0);
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].state).toBe('closed');
    expect(github.issues[0].comments.at(-1)!.body).toMatch(/^Resolved at 2026-08-20T14:31:05.002Z/);
  });
});

describe('the LLM path (Gemini fake): explains the code\'s ranking, never changes it', () => {
  let gemini: GeminiFake;
  let kube: KubernetesFake;
  let kubeconfig: string;
  beforeAll(async () => {
    gemini = await startGeminiFake();
    kube = await startKubernetesFake(['Role.alert-analysis-reader.k8s.yaml', 'Role.alert-analysis-reader-applications.k8s.yaml']
      .map((file) => readRole(path.join(root, 'dist', 'model-serving', file))));
    kubeconfig = path.join(tmp, 'kubeconfig');
    kube.writeKubeconfig(kubeconfig);
    kube.pods = [{
      name: 'credit-risk-predictor-00001-deployment-6c9b7-x2k4p',
      namespace: 'mlops',
      labels: { 'serving.kserve.io/inferenceservice': 'credit-risk' },
      containers: ['kserve-container'],
      restartCount: 2,
      lastTerminatedReason: 'OOMKilled',
      logs: { 'kserve-container': `INFO boot with GITHUB_TOKEN=${plantedToken}\nWARNING:root:artificial delay 800ms enabled` },
      previousLogs: { 'kserve-container': 'Killed' },
    }];
  });
  afterAll(async () => {
    await gemini?.close();
    await kube?.close();
  });

  const geminiEnv = () => ({ GEMINI_API_KEY: 'test-gemini-key', GEMINI_BASE_URL: gemini.url });

  test('a hostile answer: order and ids stay the code\'s, mentions neutralised, invented evidence dropped, secrets never sent', async () => {
    gemini.push({
      kind: 'json',
      value: {
        summary: '@everyone the OOM is the cause, see https://evil.example.com/x',
        causes: [
          { id: 'oom-killed', explanation: 'Memory ran out.', evidence: ['Killed', 'made-up line that is nowhere'], remediation: 'Raise the limit. @attacker' },
          { id: 'fault-injection', explanation: 'The delay switch is on.', evidence: ['WARNING:root:artificial delay 800ms enabled'], remediation: 'Switch it off in git.' },
        ],
      },
    });
    const r = await run(['--alert', writeEvent('llm', latencyGroup()), '--kubeconfig', kubeconfig, '--repo-dir', tmp,
      '--provider', 'gemini', '--json', '--state-dir', path.join(tmp, 'state-1')], geminiEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.provider).toBe('gemini');
    expect(report.promptVersion).toBe('alert/sre@1');
    expect(report.topCause).toBe('fault-injection');
    expect(report.causes.map((c: { id: string }) => c.id).slice(0, 2)).toEqual(['fault-injection', 'oom-killed']);
    expect(report.summary).not.toMatch(/(^|\s)@everyone/);
    expect(report.summary).toContain('hxxps://evil[.]example[.]com');
    const oom = report.causes.find((c: { id: string }) => c.id === 'oom-killed');
    expect(oom.explanation).toBe('Memory ran out.');
    expect(oom.evidence.join('\n')).not.toContain('made-up line');
    expect(oom.remediation).not.toMatch(/\s@attacker/);
    const prompt = gemini.prompts().at(-1)!;
    expect(prompt).not.toContain(plantedToken);
    expect(prompt).toContain('[REDACTED:github-token#1]');
    expect(prompt).toMatch(/~~~~data:logs/);
    expect(r.stdout).not.toContain(plantedToken);
  });

  test('invalid answers twice → the offline ranking, with the reason', async () => {
    gemini.push({ kind: 'text', text: 'not json' }, { kind: 'json', value: { summary: 'x', causes: [{ id: 'aliens', explanation: '', evidence: [], remediation: '' }] } });
    const r = await run(['--alert', writeEvent('llm-bad', latencyGroup()), '--kubeconfig', kubeconfig, '--repo-dir', tmp,
      '--provider', 'gemini', '--json', '--state-dir', path.join(tmp, 'state-2')], geminiEnv());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.provider).toBe('offline');
    expect(report.fallbackReason).toMatch(/invalid JSON twice/);
    expect(report.topCause).toBe('fault-injection');
    expect(report.causes[0].evidence.join('\n')).toContain('artificial delay 800ms enabled');
  });
});
