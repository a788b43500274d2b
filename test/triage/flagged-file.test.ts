import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redactor } from '../../src/analysis';
import { buildProgram } from '../../src/cli/main';
import { collectFlaggedFiles, repoRelativePath } from '../../src/triage/flagged-files';
import { PLANTED } from '../analysis/support/secrets';
import { GeminiFake, startGeminiFake } from '../fakes/gemini';
import { FakeRepoFiles, GitHubFake, startGitHubFake } from '../fakes/github';

// The flagged file (the lines around a finding, at the failing commit, redacted) goes into the prompt.
const BANDIT = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'triage', 'actions', 'bandit-text.txt'), 'utf8');
const SHA = '5e1f'.padEnd(40, 'a');
const OLD_SHA = 'b'.repeat(40);
const FAR = 'FAR_AWAY_LINE_MARKER';

/** serve.py with the flagged constructs at lines 6, 10, 16 (as Bandit reports them) and a secret on line 10. */
function servePy(): string {
  const lines = Array.from({ length: 60 }, (_, i) => `# line ${i + 1}`);
  lines[5] = 'model = pickle.loads(blob)';
  lines[9] = `out = subprocess.check_output("curl -H 'Authorization: token ${PLANTED['github-token']}' " + url, shell=True)`;
  lines[15] = 'value = eval(expr)';
  lines[39] = `# ${FAR}`; // line 40: 24 lines after the last finding, beyond the ±8 cap
  return lines.join('\n');
}

const files: FakeRepoFiles = {
  [SHA]: { 'src/credit_risk/serve.py': servePy() },
  [OLD_SHA]: { 'src/credit_risk/serve.py': 'OLD_COMMIT_CONTENT' },
};

const banditRun = (id: number, log: string) => ({
  id,
  name: 'pipeline',
  workflow_id: 77,
  head_branch: 'feature/sec',
  head_sha: SHA,
  conclusion: 'failure' as const,
  jobs: [{ id: id * 10, name: 'sast', conclusion: 'failure' as const, log }],
});

let gh: GitHubFake;
let gemini: GeminiFake;
const savedEnv = { ...process.env };

beforeAll(async () => {
  gh = await startGitHubFake({
    repository: 'acme/model',
    files,
    runs: [
      banditRun(1, BANDIT),
      // Paths outside the repository: a tool cache, an escape with `..`, another checkout.
      banditRun(2, BANDIT.replace('src/credit_risk/serve.py:6:11', '/opt/hostedtoolcache/Python/3.11.10/x64/lib/python3.11/pickle.py:6:11')
        .replace('src/credit_risk/serve.py:10:11', '../../etc/passwd:10:11')
        .replace('src/credit_risk/serve.py:16:11', '/home/runner/.npm/_cacache/x.py:16:11')),
      // A file that does not exist at the commit (404).
      banditRun(3, BANDIT.replace(/src\/credit_risk\/serve\.py/g, 'src/credit_risk/gone.py')),
      // The runner's checkout path maps to the repository path.
      banditRun(4, BANDIT.replace(/src\/credit_risk\/serve\.py/g, '/home/runner/work/model/model/src/credit_risk/serve.py')),
      // A fork's run: triaged offline, so its code is never fetched.
      { ...banditRun(5, BANDIT), head_repository: 'mallory/model' },
    ],
  });
  gemini = await startGeminiFake();
});
afterAll(async () => {
  process.env = savedEnv;
  await gh.close();
  await gemini.close();
});
beforeEach(() => {
  process.env = {
    ...savedEnv,
    GITHUB_TOKEN: 'gh-test-token',
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: 'acme/model',
    GITHUB_SERVER_URL: gh.url,
    GEMINI_API_KEY: 'test-gemini-key',
    GEMINI_BASE_URL: gemini.url,
    MLOPS_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-flagged-state-')),
  };
  files.requested = [];
});

async function triageRun(runId: number): Promise<{ code: number; stdout: string; prompt: string }> {
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = gemini.prompts().length;
  try {
    process.exitCode = undefined;
    await buildProgram().parseAsync(['triage', '--repo', 'acme/model', '--run-id', String(runId), '--provider', 'gemini', '--json'], { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, prompt: gemini.prompts().slice(before).join('\n') };
}

describe('the flagged file in the prompt (GitHub contents API at the failing commit, through Octokit)', () => {
  test('lines around each finding with their numbers, at the run head sha, the secret redacted, nothing outside the caps', async () => {
    const { code, stdout, prompt } = await triageRun(1);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ failureType: 'sast', promptVersion: 'triage/sast@3' });
    expect(files.requested).toEqual([{ path: 'src/credit_risk/serve.py', ref: SHA }]);
    expect(prompt).toContain('src/credit_risk/serve.py (flagged: 6, 10, 16)');
    expect(prompt).toContain('6| model = pickle.loads(blob)');
    expect(prompt).toMatch(/10\| out = subprocess\.check_output\(.*\[REDACTED:github-token#\d+\].*shell=True\)/);
    expect(prompt).toContain('16| value = eval(expr)');
    expect(prompt).toContain('24| # line 24'); // 16 + 8
    expect(prompt).not.toContain('25| # line 25');
    expect(prompt).not.toContain(FAR);
    expect(prompt).not.toContain('OLD_COMMIT_CONTENT');
    expect(prompt).not.toContain(PLANTED['github-token']);
    expect(stdout).not.toContain(PLANTED['github-token']);
  });

  test('findings outside the repository (tool caches, `..`) fetch nothing', async () => {
    const { code, prompt } = await triageRun(2);
    expect(code).toBe(0);
    expect(files.requested).toEqual([]);
    expect(prompt).toContain('(not available)');
  });

  test('a file missing at the commit (404) is skipped and the triage still succeeds', async () => {
    const { code, stdout, prompt } = await triageRun(3);
    expect(code).toBe(0);
    expect(files.requested).toEqual([{ path: 'src/credit_risk/gone.py', ref: SHA }]);
    expect(JSON.parse(stdout).failureType).toBe('sast');
    expect(prompt).toContain('(not available)');
  });

  test('the runner checkout path /home/runner/work/<repo>/<repo>/x is read as x', async () => {
    const { code, prompt } = await triageRun(4);
    expect(code).toBe(0);
    expect(files.requested).toEqual([{ path: 'src/credit_risk/serve.py', ref: SHA }]);
    expect(prompt).toContain('6| model = pickle.loads(blob)');
  });
});

describe('no API read where no LLM reads it', () => {
  test('a fork run is triaged offline and fetches no file', async () => {
    const calls = gemini.calls();
    const { code, stdout } = await triageRun(5);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ failureType: 'sast', provider: 'offline', forkRun: true });
    expect(gemini.calls()).toBe(calls);
    expect(files.requested).toEqual([]);
  });
});

describe('repoRelativePath', () => {
  test.each([
    ['src/a.py', 'src/a.py'],
    ['./src/a.py', 'src/a.py'],
    ['/home/runner/work/model/model/src/a.py', 'src/a.py'],
    ['/home/runner/work/other/other/src/a.py', undefined],
    ['/opt/hostedtoolcache/Python/3.11/x64/lib/a.py', undefined],
    ['/home/runner/.npm/_cacache/a.js', undefined],
    ['../secrets/a.py', undefined],
    ['src/../../a.py', undefined],
    ['C:/a.py', undefined],
    ['node_modules/x/index.js', undefined],
  ])('%s → %s', (input, expected) => {
    expect(repoRelativePath(input, 'model')).toBe(expected);
  });
});

describe('collectFlaggedFiles caps', () => {
  const finding = (file: string, line: number) => ({ tool: 'bandit', message: 'm', file, line });
  test('at most maxFiles files read; binary and oversized files skipped; a file with a multi-line secret skipped', async () => {
    const read: string[] = [];
    const pem = PLANTED['private-key'];
    const contents: Record<string, Buffer> = {
      'a.py': Buffer.from(['x = 1', pem, 'y = 2'].join('\n')),
      'bin.dat': Buffer.from([0x7f, 0x45, 0x00, 0x01]),
      'big.py': Buffer.alloc(2048, 'a'),
    };
    const reader = async (p: string) => {
      read.push(p);
      return contents[p] ?? Buffer.from('z = 0');
    };
    const findings = [finding('a.py', 1), finding('bin.dat', 1), finding('big.py', 1), ...['b', 'c', 'd', 'e', 'f'].map((n) => finding(`${n}.py`, 1))];
    const text = await collectFlaggedFiles(findings, reader, new Redactor(), { maxFiles: 5, maxBytes: 1024, context: 2 });
    expect(read).toEqual(['a.py', 'bin.dat', 'big.py', 'b.py', 'c.py']);
    expect(text).not.toContain('bin.dat');
    expect(text).not.toContain('big.py');
    expect(text).toContain('c.py (flagged: 1)');
    expect(text).not.toContain('a.py'); // its PEM key would be cut by the window: the file is skipped
    expect(text).not.toContain('d.py');
    for (const part of pem.split('\n').filter((l) => !l.startsWith('-----'))) expect(text).not.toContain(part);
  });
});
