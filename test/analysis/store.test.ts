import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { AnalysisStore } from '../../src/analysis';
import { GeminiFake, startGeminiFake } from '../fakes/gemini';

const run = promisify(execFile);
const child = path.join(__dirname, 'support', 'store-child.ts');

let gemini: GeminiFake;
beforeAll(async () => {
  gemini = await startGeminiFake();
});
afterAll(async () => {
  await gemini.close();
});

async function runChild(stateDir: string, budget: number, prompts: string[]) {
  const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', child, ...prompts], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, MLOPS_STATE_DIR: stateDir, GEMINI_BASE_URL: gemini.url, BUDGET: String(budget), TS_NODE_TRANSPILE_ONLY: '1' },
    timeout: 60_000,
  });
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; provider: string; cached: boolean; reason: string | null });
}

describe('cache and daily budget persist across processes', () => {
  test('second process answers from the cache and stops at the shared budget', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-store-'));
    const calls0 = gemini.calls();
    const first = await runChild(dir, 2, ['prompt one']);
    expect(first).toEqual([{ text: 'prompt one', provider: 'gemini', cached: false, reason: null }]);
    const second = await runChild(dir, 2, ['prompt one', 'prompt two', 'prompt three']);
    expect(second[0]).toEqual({ text: 'prompt one', provider: 'gemini', cached: true, reason: null });
    expect(second[1]).toEqual({ text: 'prompt two', provider: 'gemini', cached: false, reason: null });
    expect(second[2].provider).toBe('offline');
    expect(second[2].reason).toMatch(/daily budget of 2 gemini calls is used up/);
    expect(gemini.calls() - calls0).toBe(2);
    const store = new AnalysisStore(dir);
    expect(store.callsToday('gemini')).toBe(2);
    store.close();
  });

  test('concurrent reservations never exceed the budget', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-store-'));
    const a = new AnalysisStore(dir);
    const b = new AnalysisStore(dir);
    const granted = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).reserveCall('gemini', 7)).filter(Boolean).length;
    expect(granted).toBe(7);
    expect(a.reserveCall('gemini', 7, '2000-01-01')).toBe(true); // a new day has a fresh budget
    a.close();
    b.close();
  });
});
