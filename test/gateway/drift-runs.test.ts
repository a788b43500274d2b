import { gatewayToken, startTestGateway, tempStateDir } from './harness';
import { metrics } from '../../src/config/metrics';
import { gatewayPaths } from '../../src/contracts/gateway';
import type { RunningGateway } from '../../src/gateway/server';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';

/** POST /v1/drift-runs → mlops_drift_analysis_last_success_timestamp_seconds, kept across a restart. */
let fake: GithubDispatchFake;
const running: RunningGateway[] = [];
beforeAll(async () => {
  fake = await startGithubDispatchFake();
});
afterAll(async () => {
  await Promise.all(running.map((g) => g.close()));
  await fake?.close();
});

async function start(stateDir: string): Promise<RunningGateway> {
  const gw = await startTestGateway(fake, { stateDir });
  running.push(gw);
  return gw;
}

async function report(gw: RunningGateway, body: unknown, token = gatewayToken): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gw.url}${gatewayPaths.driftRuns}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function gauge(gw: RunningGateway, model: string): Promise<number | undefined> {
  const text = await (await fetch(`${gw.url}${gatewayPaths.metrics}`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metrics.driftAnalysisLastSuccess.name}{model_name="${model}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

test('a success sets the gauge per model; a restart on the same state directory keeps it', async () => {
  const stateDir = tempStateDir();
  const gw = await start(stateDir);
  expect(await gauge(gw, 'credit-risk')).toBeUndefined();
  const finishedAt = new Date(Date.now() - 60_000);
  finishedAt.setMilliseconds(0);
  expect(await report(gw, { model: 'credit-risk', status: 'success', finishedAt: finishedAt.toISOString() }))
    .toMatchObject({ status: 200, json: { recorded: true } });
  expect(await gauge(gw, 'credit-risk')).toBe(finishedAt.getTime() / 1000);
  expect(await gauge(gw, 'other-model')).toBeUndefined();
  // An older success never moves the gauge back; a failure never moves it.
  await report(gw, { model: 'credit-risk', status: 'success', finishedAt: new Date(finishedAt.getTime() - 3_600_000).toISOString() });
  expect(await report(gw, { model: 'credit-risk', status: 'failure' })).toMatchObject({ status: 200, json: { recorded: false } });
  expect(await gauge(gw, 'credit-risk')).toBe(finishedAt.getTime() / 1000);
  await gw.close();
  running.splice(running.indexOf(gw), 1);

  const again = await start(stateDir);
  expect(await gauge(again, 'credit-risk')).toBe(finishedAt.getTime() / 1000);
  // Without finishedAt the gateway's receive time counts.
  const before = Date.now() / 1000;
  expect((await report(again, { model: 'credit-risk', status: 'success' })).status).toBe(200);
  expect(await gauge(again, 'credit-risk')).toBeGreaterThanOrEqual(before - 1);
}, 60_000);

test('bad input is refused with a reason and leaves the gauge alone', async () => {
  const gw = await start(tempStateDir());
  expect((await report(gw, { model: 'credit-risk', status: 'success' }, 'wrong-token')).status).toBe(401);
  const future = new Date(Date.now() + 3_600_000).toISOString();
  expect(await report(gw, { model: 'credit-risk', status: 'success', finishedAt: future }))
    .toMatchObject({ status: 400, json: { error: expect.stringContaining('in the future') } });
  expect(await report(gw, { model: 'Credit Risk; drop', status: 'success' }))
    .toMatchObject({ status: 400, json: { error: expect.stringContaining('drift run model') } });
  expect((await report(gw, { model: 'credit-risk', status: 'done' })).status).toBe(400);
  expect((await report(gw, { model: 'credit-risk', status: 'success', extra: 1 })).status).toBe(400);
  expect((await report(gw, { model: 'credit-risk', status: 'success', finishedAt: 'yesterday' })).status).toBe(400);
  expect((await report(gw, '{not json')).status).toBe(400);
  expect(await gauge(gw, 'credit-risk')).toBeUndefined();
}, 60_000);
