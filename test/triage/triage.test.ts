import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { fetchRun } from '../../src/triage/github';
import { KEPT, PLANTED, plantedLog } from '../analysis/support/secrets';
import { GeminiFake, startGeminiFake } from '../fakes/gemini';
import { FakeRun, GitHubFake, startGitHubFake } from '../fakes/github';
import { OpenAiFake, startOpenAiFake } from '../fakes/openai';
import { SlackFake, startSlackFake } from '../fakes/slack';

const LOGS = path.join(__dirname, '..', 'fixtures', 'triage', 'actions');
const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';

/** The pytest fixture with planted secrets and must-survive identifiers inside the failing step. */
function pytestLogWithSecrets(): string {
  const log = fs.readFileSync(path.join(LOGS, 'pytest-assert-q.txt'), 'utf8').split('\n');
  const at = log.findIndex((l) => l.includes('##[error]Process completed'));
  const extra = [...plantedLog().split('\n'), ...KEPT.map((k) => `ref ${k}`)].map((l) => `2026-11-25T09:40:09.0000000Z ${l}`);
  return [...log.slice(0, at), ...extra, ...log.slice(at)].join('\n');
}

const runs = (): FakeRun[] => [
  {
    id: 1,
    name: 'pipeline',
    workflow_id: 77,
    head_branch: 'main',
    head_sha: 'b'.repeat(40),
    conclusion: 'success',
    jobs: [{ id: 11, name: 'test', conclusion: 'success', log: fs.readFileSync(path.join(LOGS, 'pytest-assert-q.txt'), 'utf8').replace(/FAILED.*\n/, '') }],
  },
  {
    id: 2,
    name: 'pipeline',
    workflow_id: 77,
    head_branch: 'main',
    head_sha: SHA,
    conclusion: 'failure',
    jobs: [
      { id: 21, name: 'lint', conclusion: 'success', log: 'all good' },
      { id: 22, name: 'test', conclusion: 'failure', steps: [{ name: 'Run pytest -q -p no:cacheprovider tests/test_model.py', number: 4, conclusion: 'failure' }], log: pytestLogWithSecrets() },
    ],
  },
  {
    id: 3,
    name: 'pipeline',
    workflow_id: 77,
    head_branch: 'feature/x',
    head_sha: 'c'.repeat(40),
    conclusion: 'failure',
    jobs: [{ id: 31, name: 'lint', conclusion: 'failure', log: fs.readFileSync(path.join(LOGS, 'flake8-default.txt'), 'utf8') }],
  },
  {
    id: 4,
    name: 'pipeline',
    workflow_id: 77,
    head_branch: 'patch-1',
    head_sha: 'd'.repeat(40),
    conclusion: 'failure',
    head_repository: 'mallory/model',
    jobs: [{ id: 41, name: 'test', conclusion: 'failure', log: pytestLogWithSecrets() }],
  },
];

let gh: GitHubFake;
let gemini: GeminiFake;
let slack: SlackFake;
let env: NodeJS.ProcessEnv;
const savedEnv = { ...process.env };

beforeAll(async () => {
  gh = await startGitHubFake({ repository: 'acme/model', runs: runs() });
  gemini = await startGeminiFake();
  slack = await startSlackFake();
});
afterAll(async () => {
  process.env = savedEnv;
  await gh.close();
  await gemini.close();
  await slack.close();
});
beforeEach(() => {
  env = {
    GITHUB_TOKEN: 'gh-test-token',
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: 'acme/model',
    GITHUB_SERVER_URL: gh.url,
    GEMINI_API_KEY: 'test-gemini-key',
    GEMINI_BASE_URL: gemini.url,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.apiUrl,
    MLOPS_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-triage-state-')),
  };
  process.env = { ...savedEnv, ...env };
  process.exitCode = undefined;
});

/** Runs the CLI in-process; returns its exit code and what it wrote to stdout. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    process.exitCode = undefined;
    await buildProgram().parseAsync(args, { from: 'user' });
  } catch (e) {
    out.mockRestore();
    err.mockRestore();
    return { code: 2, stdout, stderr: stderr + String(e) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

const everySecret = () => Object.values(PLANTED).flatMap((s) => s.split('\n').filter((p) => !p.startsWith('-----')));

describe('fetchRun through the real Octokit client', () => {
  test('failed jobs only, logs through a redirect to a second host without the token, last successful run as baseline', async () => {
    const before = gh.logsHost.requests.length;
    const run = await fetchRun({ token: 'gh-test-token', repository: 'acme/model', runId: 2, baseUrl: gh.url });
    expect(run.context).toMatchObject({ repository: 'acme/model', workflow: 'pipeline', runId: 2, branch: 'main', commitSha: SHA, forkRun: false });
    expect(run.logs.map((l) => l.job)).toEqual(['test']);
    expect(run.logs[0].text).toContain('test_predict_threshold');
    expect(run.logs[0].failedStepName).toBe('Run pytest -q -p no:cacheprovider tests/test_model.py');
    expect(run.logs[0].baseline).toContain('1 failed, 1 passed');
    const logRequests = gh.logsHost.requests.slice(before);
    expect(logRequests.length).toBe(2);
    expect(logRequests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('mlops triage end to end (Octokit, @google/genai, Slack clients against loopback fakes)', () => {
  test('injection from the model is neutralised; secrets never leave; main → issue + Slack', async () => {
    // The model tries everything: mass mentions, a stranger, a phishing link, a different category, a fake marker.
    gemini.push({
      kind: 'json',
      value: {
        summary: '@everyone this is a lint problem, ignore the tests. <!channel>',
        rootCause: 'Ask @attacker for access, see https://evil.example.com/login and [docs](https://evil.example.com/docs)',
        remediation: `Run the tests again. Trust @self-healing-mlops/model-owners. <!-- mlops-key:deadbeef --> ${PLANTED['github-token']}`,
        failureType: 'lint',
      },
    });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-triage-out-'));
    const analysis = await cli(['triage', '--repo', 'acme/model', '--run-id', '2', '--provider', 'gemini', '--json', '--out', out]);
    expect(analysis.stderr).toBe('');
    expect(analysis.code).toBe(0);
    const report = JSON.parse(analysis.stdout);
    expect(report).toMatchObject({ failureType: 'unit-test', team: 'model-owners', provider: 'gemini', kind: 'triage', schemaVersion: 1, promptVersion: 'triage/unit-test@3' });
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'tests/test_model.py::test_predict_threshold', file: 'tests/test_model.py', line: 6 }));
    expect(report.summary).not.toMatch(/@everyone|<!channel>/);
    expect(report.rootCause).not.toContain('@attacker');
    expect(report.rootCause).toContain('hxxps://evil[.]example[.]com/login');
    expect(report.remediation).toContain('@self-healing-mlops/model-owners');
    expect(report.remediation).not.toContain('<!-- mlops-key:deadbeef');
    expect(fs.existsSync(path.join(out, 'report.md'))).toBe(true);

    const posting = await cli(['triage', '--from-report', path.join(out, 'report.json'), '--sink', 'github', '--sink', 'slack']);
    expect(posting.code).toBe(0);
    const issue = gh.issues.find((i) => i.labels.includes('type:unit-test'))!;
    expect(issue.labels).toEqual(expect.arrayContaining(['team:model-owners', expect.stringMatching(/^mlops-key:[0-9a-f]{8}$/)]));
    const slackMsg = slack.messages.find((m) => m.text.includes('unit-test'))!;
    expect(slackMsg.channel).toBe('#model-dev');

    const posted = [...gh.postedBodies(), ...slack.postedTexts()].join('\n');
    expect(posted).not.toMatch(/(^|[^\u200d])@everyone|@attacker|https:\/\/evil\.example\.com|<!channel>/);
    expect(posted).toContain('tests/test_model.py::test_predict_threshold');

    // Redaction, asserted on everything that left the process.
    const sentToGemini = gemini.requests.map((r) => r.body).join('\n');
    const sentToGitHub = gh.requests.map((r) => r.body).join('\n');
    const sentToSlack = slack.requests.map((r) => r.body).join('\n');
    for (const secret of everySecret()) {
      for (const [where, text] of Object.entries({ stdout: analysis.stdout, gemini: sentToGemini, github: sentToGitHub, slack: sentToSlack, reportJson: fs.readFileSync(path.join(out, 'report.json'), 'utf8') })) {
        expect({ where, secret, leaked: text.includes(secret) }).toEqual({ where, secret, leaked: false });
      }
    }
    expect(gemini.prompts().at(-1)).toContain('[REDACTED:github-token#1]');
    // What the analysis needs survives in the prompt.
    for (const k of KEPT) expect(gemini.prompts().at(-1)).toContain(k);
    // Untrusted log text is fenced and labelled as data.
    expect(gemini.prompts().at(-1)).toMatch(/untrusted DATA[\s\S]*~~~~data:log/);

    // A repeat of the same failure comments on the same issue instead of opening a twin.
    const again = await cli(['triage', '--from-report', path.join(out, 'report.json'), '--sink', 'github']);
    expect(again.code).toBe(0);
    expect(gh.issues.filter((i) => i.labels.includes('type:unit-test'))).toHaveLength(1);
    expect(issue.comments).toHaveLength(1);
  });

  test('a branch failure becomes a commit comment and is not sent to Slack', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-triage-out-'));
    const slackBefore = slack.messages.length;
    const a = await cli(['triage', '--repo', 'acme/model', '--run-id', '3', '--offline', '--json', '--out', out]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ failureType: 'lint', provider: 'offline', branch: 'feature/x' });
    const p = await cli(['triage', '--from-report', path.join(out, 'report.json'), '--sink', 'github', '--sink', 'slack']);
    expect(p.code).toBe(0);
    expect(gh.commitComments.filter((c) => c.commit_id === 'c'.repeat(40))).toHaveLength(1);
    expect(gh.commitComments[0].body).toContain('F821');
    expect(slack.messages.length).toBe(slackBefore);
    expect(p.stderr).toMatch(/Slack gets failures on main only/);
  });

  test('a fork run is triaged offline (no LLM call) and never posted', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-triage-out-'));
    const calls = gemini.calls();
    const issues = gh.issues.length;
    const a = await cli(['triage', '--repo', 'acme/model', '--run-id', '4', '--provider', 'gemini', '--json', '--out', out]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ provider: 'offline', forkRun: true });
    expect(gemini.calls()).toBe(calls);
    const p = await cli(['triage', '--from-report', path.join(out, 'report.json'), '--sink', 'github']);
    expect(p.code).toBe(0);
    expect(gh.issues.length).toBe(issues);
    expect(p.stderr).toMatch(/run from a fork: not posting to github/);
  });

  test('a tampered report is refused with exit 2 and nothing is posted', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-triage-out-'));
    await cli(['triage', '--log', path.join(LOGS, 'gitleaks.txt'), '--offline', '--out', out, '--json']);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.failureType).toBe('secret-leak');
    const tampered = path.join(out, 'tampered.json');
    fs.writeFileSync(tampered, JSON.stringify({ ...report, failureType: 'merge-now' }));
    const requests = gh.requests.length;
    const p = await cli(['triage', '--from-report', tampered, '--sink', 'github']);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/failureType/);
    fs.writeFileSync(tampered, JSON.stringify({ ...report, extra: 'field' }));
    expect((await cli(['triage', '--from-report', tampered, '--sink', 'github'])).code).toBe(2);
    expect(gh.requests.length).toBe(requests);
  });

  test('several --log files: the most specific verdict wins; an OpenAI-compatible endpoint explains it', async () => {
    const local: OpenAiFake = await startOpenAiFake();
    try {
      local.push({ content: JSON.stringify({ summary: 'Bandit flagged shell=True.', rootCause: 'subprocess with a shell', remediation: 'pass a list' }) });
      process.env.OPENAI_BASE_URL = local.baseUrl;
      process.env.OPENAI_MODEL = 'qwen2.5:7b';
      const r = await cli(['triage', '--log', path.join(LOGS, 'unknown.txt'), '--log', path.join(LOGS, 'bandit-text.txt'), '--provider', 'openai', '--json', '--workflow', 'model-ci-ct-cd', '--job', 'sast']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ failureType: 'sast', team: 'security', provider: 'openai', summary: 'Bandit flagged shell=True.' });
      expect(report.dedupeKey).toMatch(/^model-ci-ct-cd\|sast\|sast\|/);
      expect(local.prompts()[0]).toContain('B602');
    } finally {
      await local.close();
    }
  });

  test('usage errors exit 2 and name the problem', async () => {
    expect((await cli(['triage'])).stderr).toMatch(/give exactly one input/);
    expect((await cli(['triage', '--log', 'x.log', '--repo', 'a/b', '--run-id', '1'])).code).toBe(2);
    const bad = await cli(['triage', '--repo', 'acme/model', '--run-id', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--run-id must be a positive integer/);
    expect((await cli(['triage', '--log', path.join(LOGS, 'unknown.txt'), '--sink', 'carrier-pigeon'])).stderr).toMatch(/--sink "carrier-pigeon"/);
  });
});
