import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { alertGroup } from '../gateway/payloads';

/**
 * The three analysis commands run in process (no spawn): commander parses the flags, the command
 * adapts them, the spine in src/analysis/run.ts runs and maps the outcome to the exit code.
 */

const LOGS = path.join(__dirname, '..', 'fixtures', 'triage', 'actions');
let tmp: string;
let stdout: string;
let stderr: string;
const saved = { GITHUB_EVENT_PATH: process.env.GITHUB_EVENT_PATH, GEMINI_API_KEY: process.env.GEMINI_API_KEY };

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-in-process-'));
  delete process.env.GITHUB_EVENT_PATH;
  delete process.env.GEMINI_API_KEY;
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  Object.assign(process.env, saved);
});
beforeEach(() => {
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = undefined;
});

async function mlops(...args: string[]): Promise<number> {
  process.exitCode = undefined;
  await buildProgram().parseAsync(args, { from: 'user' });
  return Number(process.exitCode ?? 0);
}

function csv(name: string, rows: string[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `x,colour,label,prediction\n${rows.join('\n')}\n`);
  return file;
}

describe('analyze-drift', () => {
  const ref = Array.from({ length: 200 }, (_, i) => `${i % 50},${i % 2 ? 'red' : 'blue'},${i % 2},${i % 2}`);
  const cur = Array.from({ length: 200 }, (_, i) => `${(i % 50) + 40},red,${i % 2},1`);

  test('offline --json: one envelope on stdout, exit 0', async () => {
    const code = await mlops('analyze-drift', '--reference', csv('ref.csv', ref), '--current', csv('cur.csv', cur), '--target', 'label', '--prediction', 'prediction', '--offline', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const env = JSON.parse(stdout);
    expect(env).toMatchObject({ kind: 'drift', provider: 'offline', model: 'credit-risk', dedupeKey: 'drift:credit-risk:episode-1' });
    expect(env.affectedFeatures).toContain('x');
  });

  test('the episode store keys the report by the episode it was recorded in', async () => {
    const stateDir = path.join(tmp, 'state');
    const args = ['analyze-drift', '--reference', csv('ref.csv', ref), '--current', csv('cur.csv', cur), '--offline', '--json', '--state-dir', stateDir];
    expect(await mlops(...args, '--digest', `sha256:${'1'.repeat(64)}`)).toBe(0);
    stdout = '';
    expect(await mlops(...args, '--digest', `sha256:${'2'.repeat(64)}`)).toBe(0);
    expect(JSON.parse(stdout).dedupeKey).toBe('drift:credit-risk:episode-2');
  });

  test('bad usage exits 2 and names the flag', async () => {
    expect(await mlops('analyze-drift', '--reference', csv('ref.csv', ref), '--current', csv('cur.csv', cur), '--drift-share', '2', '--offline')).toBe(2);
    expect(stderr).toContain('mlops analyze-drift: --drift-share must be a number between 0 and 1, got "2"');
  });
});

describe('analyze-alert', () => {
  test('offline, no cluster: one envelope per alert, exit 0', async () => {
    const file = path.join(tmp, 'event.json');
    fs.writeFileSync(file, JSON.stringify({ client_payload: { group: alertGroup(), outboxId: 'o-1' } }));
    const code = await mlops('analyze-alert', '--alert', file, '--no-kubernetes', '--offline', '--json', '--repo-dir', tmp);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const env of lines) expect(env).toMatchObject({ kind: 'alert', provider: 'offline' });
  });

  test('a missing alert file exits 2', async () => {
    expect(await mlops('analyze-alert', '--offline')).toBe(2);
    expect(stderr).toContain('--alert FILE is required');
  });
});

describe('triage', () => {
  test('a saved log, offline: the envelope and report files, exit 0', async () => {
    const out = path.join(tmp, 'triage-out');
    const code = await mlops('triage', '--log', path.join(LOGS, 'bandit-text.txt'), '--offline', '--json', '--out', out, '--sink', 'file');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'triage', provider: 'offline' });
    expect(fs.existsSync(path.join(out, 'report.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'report.md'))).toBe(true);
  });

  test('a fork run posts nowhere but says so; a report from a job is re-validated', async () => {
    const out = path.join(tmp, 'triage-out');
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    const file = path.join(tmp, 'fork-report.json');
    fs.writeFileSync(file, JSON.stringify({ ...report, forkRun: true }));
    expect(await mlops('triage', '--from-report', file, '--sink', 'slack')).toBe(0);
    expect(stderr).toContain('mlops triage: run from a fork: not posting to slack (job summary only)');
    fs.writeFileSync(file, JSON.stringify({ ...report, failureType: 'astrology' }));
    expect(await mlops('triage', '--from-report', file)).toBe(2);
    expect(stderr).toContain(`--from-report ${file}: failureType`);
  });

  test('two inputs at once exit 2', async () => {
    expect(await mlops('triage', '--log', 'x.log', '--repo', 'a/b', '--run-id', '1')).toBe(2);
    expect(stderr).toContain('give exactly one input');
  });
});
