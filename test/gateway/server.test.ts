import * as http from 'node:http';
import { gatewayToken, outboxRows, post, sleep, startTestGateway, until } from './harness';
import { alertGroup } from './payloads';
import type { RunningGateway } from '../../src/gateway/server';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';

let fake: GithubDispatchFake;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await startGithubDispatchFake();
  gw = await startTestGateway(fake);
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

const rows = () => outboxRows(gw.context.stateDir);

describe('bad input gets a clear 4xx and changes nothing', () => {
  let before: number;
  beforeAll(() => {
    before = rows().length;
  });
  afterAll(() => {
    expect(rows().length).toBe(before);
  });

  test('missing token → 401', async () => {
    const r = await post(gw, alertGroup(), { authorization: '' });
    expect(r.status).toBe(401);
    expect(r.json.error).toMatch(/bearer token/);
  });
  test('wrong token (same length, and different length) → 401', async () => {
    const same = gatewayToken.slice(0, -1) + 'X';
    expect((await post(gw, alertGroup(), { authorization: `Bearer ${same}` })).status).toBe(401);
    expect((await post(gw, alertGroup(), { authorization: 'Bearer short' })).status).toBe(401);
    expect((await post(gw, alertGroup(), { authorization: `Basic ${gatewayToken}` })).status).toBe(401);
  });
  test('wrong content type → 415 naming it', async () => {
    const r = await post(gw, JSON.stringify(alertGroup()), { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json.error).toContain('text/plain');
  });
  test('body over 1 MiB → 413', async () => {
    const r = await post(gw, JSON.stringify(alertGroup({ noiseBytes: 1024 * 1024 + 10 })));
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/over the limit of 1048576 bytes/);
  });
  test('body over the limit without content-length (chunked) → 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${gw.url}/webhooks/alertmanager`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${gatewayToken}`, 'transfer-encoding': 'chunked' },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });
  test('malformed JSON → 400', async () => {
    const r = await post(gw, '{"version": "4", ');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/not valid JSON/);
  });
  test('schema failure → 400 naming the path', async () => {
    const bad = alertGroup();
    (bad.alerts as any[])[0].status = 'exploded';
    const r = await post(gw, bad);
    expect(r.status).toBe(400);
    expect(r.json.error).toContain('alerts[0].status');
    const noVersion = { ...alertGroup(), version: '3' };
    expect((await post(gw, noVersion)).json.error).toContain('version');
    const noLabels = alertGroup();
    delete (noLabels.alerts as any[])[0].labels;
    expect((await post(gw, noLabels)).json.error).toContain('alerts[0].labels');
  });
  test('unknown path → 404, wrong method → 405', async () => {
    expect((await fetch(`${gw.url}/nope`)).status).toBe(404);
    expect((await fetch(`${gw.url}/webhooks/alertmanager`)).status).toBe(405);
  });
});

describe('accepting and dispatching', () => {
  test('a 0.25 body (no notification_reason/routeLabels) is accepted and dispatched as `alert`', async () => {
    const group = alertGroup({ version: '0.25', groupSuffix: '-v025' });
    const r = await post(gw, group);
    expect(r.status).toBe(202);
    await until(() => fake.dispatches.some((d) => d.clientPayload.outboxId === r.json.outboxId), 10_000, 'dispatch');
    const d = fake.dispatches.find((x) => x.clientPayload.outboxId === r.json.outboxId)!;
    expect(d.eventType).toBe('alert');
    expect(Object.keys(d.clientPayload).sort()).toEqual(['group', 'outboxId']);
    const g = d.clientPayload.group as any;
    expect(g.groupKey).toBe(group.groupKey);
    expect(g.alerts[0].generatorURL).toBeUndefined();
    expect(g.notification_reason).toBeUndefined();
  });

  test('a 0.34 body with type=drift is dispatched as `drift`, keeping notification_reason and routeLabels', async () => {
    const r = await post(gw, alertGroup({ alertname: 'ModelAccuracyLow', type: 'drift', groupSuffix: '-drift' }));
    expect(r.status).toBe(202);
    expect(r.json.eventType).toBe('drift');
    await until(() => fake.dispatches.some((d) => d.clientPayload.outboxId === r.json.outboxId), 10_000, 'dispatch');
    const d = fake.dispatches.find((x) => x.clientPayload.outboxId === r.json.outboxId)!;
    expect(d.eventType).toBe('drift');
    expect((d.clientPayload.group as any).notification_reason).toBe('first notification');
    expect((d.clientPayload.group as any).routeLabels).toEqual({});
  });

  test('unknown top-level keys are ignored, not rejected', async () => {
    const r = await post(gw, { ...alertGroup({ groupSuffix: '-extra' }), someFutureField: { a: 1 } });
    expect(r.status).toBe(202);
  });

  test('a re-sent group (same fingerprints and status) is recorded, not dispatched again; resolved is passed on', async () => {
    const firing = alertGroup({ groupSuffix: '-dup', alerts: 2 });
    const first = await post(gw, firing);
    const second = await post(gw, firing);
    const third = await post(gw, firing);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ deduplicated: true, duplicateOf: first.json.outboxId });
    expect(third.json.deduplicated).toBe(true);
    const resolved = await post(gw, alertGroup({ groupSuffix: '-dup', alerts: 2, status: 'resolved' }));
    expect(resolved.status).toBe(202);
    // Firing again after the resolve is a new episode: dispatched.
    const again = await post(gw, firing);
    expect(again.status).toBe(202);
    await until(() => rows().filter((e) => e.groupKey === firing.groupKey && e.state === 'pending').length === 0, 10_000, 'drain');
    const sent = fake.dispatches.filter((d) => (d.clientPayload.group as any).groupKey === firing.groupKey);
    expect(sent.map((d) => (d.clientPayload.group as any).status)).toEqual(['firing', 'resolved', 'firing']);
    const states = rows().filter((e) => e.groupKey === firing.groupKey).map((e) => e.state);
    expect(states).toEqual(['dispatched', 'deduplicated', 'deduplicated', 'dispatched', 'dispatched']);
  });

  test('/metrics exposes the contract names with real counts', async () => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toMatch(/mlops_gateway_received_total\{endpoint="alertmanager"\} \d+/);
    expect(text).toMatch(/mlops_gateway_rejected_total\{endpoint="alertmanager",reason="unauthorized"\} [1-9]/);
    expect(text).toMatch(/mlops_gateway_deduplicated_total [1-9]/);
    expect(text).toMatch(/mlops_gateway_dispatched_total\{event_type="drift"\} 1/);
    expect(text).toMatch(/mlops_gateway_outbox_depth 0/);
    expect(text).toMatch(/mlops_gateway_processing_seconds_count\{endpoint="alertmanager"\} [1-9]/);
  });

  test('/healthz and /readyz', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });
});

describe('GitHub trouble', () => {
  test('an outage (502s) loses nothing: every accepted group is dispatched once it recovers', async () => {
    fake.outage = true;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(gw, alertGroup({ groupSuffix: `-outage-${i}` }))).json.outboxId);
    await until(() => fake.answers.filter((s) => s === 502).length >= 5, 10_000, '502 answers');
    await sleep(300);
    expect(rows().filter((e) => ids.includes(e.id) && e.state === 'pending')).toHaveLength(5);
    fake.outage = false;
    await until(() => ids.every((id) => fake.dispatches.some((d) => d.clientPayload.outboxId === id)), 15_000, 'recovery');
    for (const id of ids) expect(fake.dispatches.filter((d) => d.clientPayload.outboxId === id)).toHaveLength(1);
    // The dispatched mark is committed right after GitHub's answer.
    await until(() => rows().filter((e) => ids.includes(e.id)).every((e) => e.state === 'dispatched'), 5_000, 'dispatched marks');
    expect(rows().filter((e) => ids.includes(e.id)).every((e) => e.attempts > 1)).toBe(true);
  });

  test('rate limits: x-ratelimit-reset is honoured and does not use up the retry budget', async () => {
    const resetIn = 1; // second
    const reset = String(Math.ceil(Date.now() / 1000) + resetIn);
    for (let i = 0; i < 3; i++) {
      fake.script.push({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } });
    }
    const t0 = Date.now();
    const r = await post(gw, alertGroup({ groupSuffix: '-ratelimit' }));
    await until(() => fake.dispatches.some((d) => d.clientPayload.outboxId === r.json.outboxId), 20_000, 'dispatch after rate limit');
    await until(() => rows().find((e) => e.id === r.json.outboxId)?.state === 'dispatched', 5_000, 'dispatched mark');
    const entry = rows().find((e) => e.id === r.json.outboxId)!;
    // Not sent before the reset GitHub named (backoff alone would retry within 200 ms) ...
    const d = fake.dispatches.find((x) => x.clientPayload.outboxId === r.json.outboxId)!;
    expect(d.at).toBeGreaterThanOrEqual(Number(reset) * 1000 - 5);
    expect(Number(reset) * 1000 - t0).toBeGreaterThan(500);
    // ... and the rate-limited answers did not use up the retry budget.
    expect(entry.attempts).toBe(1);
    expect(fake.script).toHaveLength(0);
  });

  test('a 422 from GitHub is permanent: marked failed, not retried forever', async () => {
    fake.script.push({ status: 422, body: { message: 'Invalid request.' } });
    const r = await post(gw, alertGroup({ groupSuffix: '-422' }));
    await until(() => rows().find((e) => e.id === r.json.outboxId)?.state === 'failed', 10_000, 'failed state');
    expect(rows().find((e) => e.id === r.json.outboxId)!.lastError).toMatch(/HTTP 422/);
  });
});

describe('GitHub\'s secondary rate limit (80 content-creating requests a minute)', () => {
  let limited: GithubDispatchFake;
  let gw2: RunningGateway;
  beforeAll(async () => {
    limited = await startGithubDispatchFake({ contentCreatingPerMinute: 2 });
    gw2 = await startTestGateway(limited);
  });
  afterAll(async () => {
    await gw2?.close();
    await limited?.close();
  });

  test('past the limit: one 403 with retry-after, the dispatcher waits as told, accepts go on', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(gw2, alertGroup({ groupSuffix: `-limit-${i}` }))).json.outboxId);
    await until(() => limited.answers.includes(403), 10_000, 'the rate-limit answer');
    expect(limited.dispatches.map((d) => d.clientPayload.outboxId)).toEqual(ids.slice(0, 2));
    // Paused: more groups are accepted (durably, at once) and wait in the outbox; GitHub is not asked again.
    const later = await post(gw2, alertGroup({ groupSuffix: '-limit-later' }));
    expect(later.status).toBe(202);
    await sleep(300);
    expect(limited.answers.filter((s) => s === 403)).toHaveLength(1);
    const waiting = outboxRows(gw2.context.stateDir).filter((e) => e.state === 'pending');
    expect(waiting.map((e) => e.id).sort()).toEqual([ids[2], later.json.outboxId].sort());
    const third = waiting.find((e) => e.id === ids[2])!;
    expect(third.attempts).toBe(0); // a rate-limit wait does not use up the retry budget
    expect(third.nextAttemptAt - Date.now()).toBeGreaterThan(50_000); // retry-after ≈ 60 s
    // The depth gauge is read at scrape time.
    const metricsText = await (await fetch(`${gw2.url}/metrics`)).text();
    expect(metricsText).toMatch(/^mlops_gateway_outbox_depth 2$/m);
  });
});
