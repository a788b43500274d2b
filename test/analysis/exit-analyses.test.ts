import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OUTPUT_CHANNELS, type OutputChannel } from '../../src/analysis/sinks';
import { startGitHubFake, type GitHubFake } from '../fakes/github';
import { readRole, startKubernetesFake, type KubernetesFake } from '../fakes/kubernetes-api';
import { startSlackFake, type SlackFake } from '../fakes/slack';
import { alertGroup } from '../gateway/payloads';

/**
 * The three analyses through the real CLI, offline (the path that used to skip hygiene, security review §4):
 * secrets and injection strings planted in each analysis' inputs (alert: a predictor's log line and the alert's
 * annotations; triage: the job log; drift: a column name) never reach an output channel in clear.
 */
const root = path.join(__dirname, '..', '..');
const mlops = path.join(root, 'bin', 'mlops');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-exit-cli-'));

const PLANT = 'ERROR upstream call failed: password=hunter2hunter2 Authorization: Bearer 7Fq2xLr9PzT4mWc8NvB3kJd6HsY1aQe5 cc @attacker .@attacker2 see https://evil.example/fix www.evil-login.example/reset <img src=x> <video src=//evil.example/v>';
const SECRETS = ['hunter2hunter2', '7Fq2xLr9PzT4mWc8NvB3kJd6HsY1aQe5'];

function expectClean(channel: string, text: string, rendered: boolean): void {
  for (const s of SECRETS) expect({ channel, leaked: text.includes(s) }).toEqual({ channel, leaked: false });
  if (!rendered) return;
  const problems = [/(^|[^\w])@attacker/m, /https?:\/\/evil/, /(^|[\s(*_~])www\.evil/m, /<(img|video)\b/i].filter((re) => re.test(text));
  expect({ channel, problems: problems.map(String) }).toEqual({ channel, problems: [] });
}

let gh: GitHubFake;
let slack: SlackFake;
let kube: KubernetesFake;
const kubeconfig = path.join(tmp, 'kubeconfig');
beforeAll(async () => {
  gh = await startGitHubFake({ repository: 'acme/model' });
  slack = await startSlackFake();
  kube = await startKubernetesFake(['Role.alert-analysis-reader.k8s.yaml', 'Role.alert-analysis-reader-applications.k8s.yaml']
    .map((file) => readRole(path.join(root, 'dist', 'model-serving', file))));
  kube.writeKubeconfig(kubeconfig);
  kube.pods = [{
    name: 'credit-risk-predictor-00001-deployment-6c9b7-x2k4p',
    namespace: 'mlops',
    labels: { 'serving.kserve.io/inferenceservice': 'credit-risk' },
    containers: ['kserve-container'],
    restartCount: 0,
    logs: { 'kserve-container': `INFO boot\n${PLANT}` },
  }];
});
afterAll(async () => {
  await gh?.close();
  await slack?.close();
  await kube?.close();
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mlops, ...args], {
      cwd: tmp,
      timeout: 120_000,
      env: {
        ...process.env,
        GEMINI_API_KEY: '',
        OPENAI_API_KEY: '',
        GITHUB_TOKEN: 'gh-test',
        GITHUB_REPOSITORY: 'acme/model',
        GITHUB_API_URL: gh.url,
        SLACK_BOT_TOKEN: '',
        SLACK_WEBHOOK_URL: slack.webhookUrl,
        MLOPS_STATE_DIR: path.join(tmp, 'state'),
      },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** Runs one analysis twice (--json with --out and the posting sinks; then the stdout and file sinks) and reads every channel. */
async function channels(name: string, args: string[]): Promise<Map<OutputChannel, string>> {
  // Two folders: emit and the file sink both write report.md to --out (the sink last).
  const out = path.join(tmp, `out-${name}`);
  const fileOut = path.join(tmp, `file-${name}`);
  const issuesBefore = gh.issues.length;
  const slackBefore = slack.postedTexts().length;
  const a = await run([...args, '--offline', '--json', '--out', out, '--sink', 'github', '--sink', 'slack']);
  expect({ name, code: a.code, failed: /fail/i.test(a.stderr) }).toEqual({ name, code: 0, failed: false });
  const b = await run([...args, '--offline', '--sink', 'stdout', '--sink', 'file', '--out', fileOut]);
  expect(b.code).toBe(0);
  const issues = gh.issues.slice(issuesBefore);
  expect(issues.length).toBeGreaterThan(0);
  return new Map<OutputChannel, string>([
    ['emit:report.md', fs.readFileSync(path.join(out, 'report.md'), 'utf8')],
    ['emit:report.json', fs.readFileSync(path.join(out, 'report.json'), 'utf8')],
    ['emit:stdout-json', a.stdout],
    ['stdout:markdown', b.stdout],
    ['file:report.md', fs.readFileSync(path.join(fileOut, 'report.md'), 'utf8')],
    ['file:report.json', fs.readFileSync(path.join(fileOut, 'report.json'), 'utf8')],
    ['github:title', issues.map((i) => i.title).join('\n')],
    ['github:body', issues.map((i) => i.body).join('\n')],
    ['github:labels', issues.flatMap((i) => i.labels).join('\n')],
    ['slack:text', slack.postedTexts().slice(slackBefore).join('\n')],
  ]);
}

function check(seen: Map<OutputChannel, string>, plantedSomewhere: OutputChannel): void {
  expect([...seen.keys()].sort()).toEqual([...OUTPUT_CHANNELS].sort());
  // The plant did reach the report (redacted), so the checks below are not vacuous.
  expect(seen.get(plantedSomewhere)).toMatch(/\[REDACTED:password#\d+\]/);
  for (const [channel, text] of seen) expectClean(channel, text, !channel.endsWith('json'));
}

test('analyze-alert: a hostile predictor log line and alert annotations', async () => {
  const g = alertGroup({ status: 'firing' }) as any;
  for (const a of g.alerts) {
    delete a.labels.pod;
    a.labels.namespace = 'mlops';
    a.annotations = { ...a.annotations, summary: PLANT, description: PLANT };
  }
  g.commonLabels.namespace = 'mlops';
  const file = path.join(tmp, 'alert.json');
  fs.writeFileSync(file, JSON.stringify({ action: 'alert', client_payload: { group: g, outboxId: 'ob-exit' } }));
  check(await channels('alert', ['analyze-alert', '--alert', file, '--kubeconfig', kubeconfig, '--repo-dir', tmp]), 'emit:report.md');
}, 240_000);

test('triage: a hostile job log', async () => {
  const log = path.join(tmp, 'job.log');
  fs.writeFileSync(log, [
    '##[group]Run pytest -q',
    'FAILED tests/test_model.py::test_accuracy - AssertionError: assert 0.61 >= 0.7',
    PLANT,
    '1 failed, 3 passed in 0.52s',
    '##[error]Process completed with exit code 1.',
  ].join('\n'));
  check(await channels('triage', ['triage', '--log', log, '--workflow', 'ci', '--job', 'test', '--branch', 'main', '--sha', 'a'.repeat(40)]), 'emit:report.md');
}, 240_000);

test('analyze-drift: a hostile column name', async () => {
  const col = '"password=hunter2hunter2 cc @attacker www.evil-login.example"';
  const rows = (shift: number) => Array.from({ length: 300 }, (_, i) => `${(i % 17) + shift},${i % 5}`);
  fs.writeFileSync(path.join(tmp, 'ref.csv'), [`${col},steady`, ...rows(0)].join('\n'));
  fs.writeFileSync(path.join(tmp, 'cur.csv'), [`${col},steady`, ...rows(40)].join('\n'));
  check(await channels('drift', ['analyze-drift', '--reference', 'ref.csv', '--current', 'cur.csv', '--act']), 'emit:report.md');
}, 240_000);
