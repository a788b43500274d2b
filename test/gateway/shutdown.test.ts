import { outboxRows, post, startTestGateway } from './harness';
import { alertGroup } from './payloads';
import { backoffMs, classifyDispatchError } from '../../src/gateway/dispatcher';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';

let fake: GithubDispatchFake;
beforeAll(async () => {
  fake = await startGithubDispatchFake();
});
afterAll(async () => fake?.close());

test('graceful shutdown: every request answered 2xx is in the outbox; later requests are refused, never half-written', async () => {
  fake.outage = true; // keep everything pending so the outbox shows exactly what was accepted
  const gw = await startTestGateway(fake);
  const stateDir = gw.context.stateDir;
  const url = gw.url;
  const sends = Array.from({ length: 60 }, (_, i) => post(url, alertGroup({ groupSuffix: `-shutdown-${i}` })).catch(() => ({ status: 0, json: {} })));
  await Promise.race(sends); // close while the rest are still in flight
  const closing = gw.close();
  const late = Array.from({ length: 10 }, (_, i) => post(url, alertGroup({ groupSuffix: `-late-${i}` })).catch(() => ({ status: 0, json: {} })));
  const answers = await Promise.all(sends);
  await closing;
  const lateAnswers = await Promise.all(late);
  expect(lateAnswers.filter((a) => a.status >= 200 && a.status < 300)).toEqual([]);
  const accepted = answers.filter((a) => a.status === 202).map((a) => a.json.outboxId as string);
  const rows = outboxRows(stateDir);
  expect(accepted.length).toBeGreaterThan(0);
  expect(rows.map((r) => r.id).sort()).toEqual([...accepted].sort());
  for (const a of answers) expect([0, 202, 503]).toContain(a.status);
  fake.outage = false;
});

describe('dispatch error classification', () => {
  const err = (status: number, headers: Record<string, string> = {}) => ({ status, message: 'x', response: { headers } });
  test('retry-after (secondary rate limit) is waited for exactly', () => {
    expect(classifyDispatchError(err(403, { 'retry-after': '7' }))).toMatchObject({ kind: 'rate-limited', waitMs: 7000 });
  });
  test('x-ratelimit-remaining 0 waits until x-ratelimit-reset', () => {
    const now = 1_700_000_000_000;
    expect(classifyDispatchError(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 42) }), now))
      .toMatchObject({ kind: 'rate-limited', waitMs: 42_000 });
  });
  test('a plain 403 (bad permissions) is retried with backoff, 422/400 are permanent, 5xx and network errors retried', () => {
    expect(classifyDispatchError(err(403)).kind).toBe('retry');
    expect(classifyDispatchError(err(422)).kind).toBe('permanent');
    expect(classifyDispatchError(err(400)).kind).toBe('permanent');
    expect(classifyDispatchError(err(502)).kind).toBe('retry');
    expect(classifyDispatchError(new Error('ECONNREFUSED')).kind).toBe('retry');
  });
  test('backoff doubles per attempt, jittered within [step/2, step], capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
