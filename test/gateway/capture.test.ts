import { randomUUID } from 'node:crypto';
import { gatewayToken, tempStateDir } from './harness';
import { createCaptureModule } from '../../src/gateway/capture';
import type { CaptureOptions } from '../../src/gateway/capture';
import { sampled } from '../../src/gateway/capture/events';
import { loadGatewayConfig } from '../../src/gateway/config';
import { silentLogger } from '../../src/gateway/logger';
import { probeRoutes } from '../../src/gateway/probes';
import { startGateway, type RunningGateway } from '../../src/gateway/server';

/**
 * Capture endpoints through the real gateway server (node:http) on a loopback port, with events shaped
 * exactly like KServe's payload logger sends them (binary-mode CloudEvents; see
 * kserve/kserve `pkg/logger/worker.go` @ v0.20.0).
 */

const NOW = Date.parse('2026-08-20T15:00:00Z');
let clock = NOW;
const gateways: RunningGateway[] = [];

async function start(opts: Partial<CaptureOptions> = {}, stateDir = tempStateDir()): Promise<RunningGateway> {
  const config = loadGatewayConfig(
    { port: '0', host: '127.0.0.1', githubRepository: 'acme/model', stateDir },
    { GATEWAY_TOKEN: gatewayToken, GITHUB_TOKEN: 'ghs_unused' },
  );
  const gw = await startGateway(config, {
    logger: silentLogger,
    modules: [probeRoutes, createCaptureModule({ now: () => clock, ...opts })],
  });
  gateways.push(gw);
  return gw;
}

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});

interface EventSpec {
  ceId: string;
  type: 'request' | 'response';
  requestId?: string;
  model?: string;
  time?: string;
  body: unknown;
  contentType?: string | null;
  extraHeaders?: Record<string, string>;
}

async function sendEvent(gw: RunningGateway, e: EventSpec): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {
    'Ce-Specversion': '1.0',
    'Ce-Id': e.ceId,
    'Ce-Source': 'http://localhost:9081/',
    'Ce-Type': `org.kubeflow.serving.inference.${e.type}`,
    'Ce-Time': e.time ?? new Date(clock).toISOString().replace('Z', '123456Z'),
    'Ce-Recordedtime': new Date(clock + 1).toISOString(),
    'Ce-Inferenceservicename': e.model ?? 'credit-risk',
    'Ce-Namespace': 'ml-serving',
    'Ce-Component': 'predictor',
    'Ce-Endpoint': '',
    'Ce-Metadata': e.requestId ? JSON.stringify({ 'X-Request-Id': [e.requestId] }) : '{}',
    'User-Agent': 'Go-http-client/1.1',
    ...e.extraHeaders,
  };
  if (e.contentType !== null) headers['Content-Type'] = e.contentType ?? 'application/json';
  const res = await fetch(`${gw.url}/webhooks/kserve`, {
    method: 'POST',
    headers,
    body: typeof e.body === 'string' ? e.body : JSON.stringify(e.body),
  });
  return { status: res.status, json: await res.json() };
}

const instance = (age: number) => ({ age, annual_income: 52000.5, home_ownership: 'rent' });

async function pair(gw: RunningGateway, requestId: string, opts: { order?: 'request-first' | 'response-first'; model?: string; prediction?: number } = {}): Promise<string> {
  const ceId = randomUUID();
  const req: EventSpec = { ceId, type: 'request', requestId, model: opts.model, body: { instances: [instance(40)] } };
  const res: EventSpec = { ceId, type: 'response', requestId, model: opts.model, body: { predictions: [opts.prediction ?? 1], probabilities: [[0.2, 0.8]] } };
  const [first, second] = opts.order === 'response-first' ? [res, req] : [req, res];
  expect((await sendEvent(gw, first)).status).toBe(202);
  expect((await sendEvent(gw, second)).status).toBe(202);
  return ceId;
}

async function captures(gw: RunningGateway, query = ''): Promise<{ status: number; type: string | null; rows: any[] }> {
  const res = await fetch(`${gw.url}/v1/captures${query}`, { headers: { authorization: `Bearer ${gatewayToken}` } });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    rows: res.status === 200 ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [],
  };
}

async function feedback(gw: RunningGateway, body: unknown, token = gatewayToken): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gw.url}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function metricsText(gw: RunningGateway): Promise<string> {
  return gw.context.registry.metrics();
}

describe('POST /webhooks/kserve', () => {
  it('pairs a request and its response (either order) into one capture with features, prediction and probabilities', async () => {
    const gw = await start();
    await pair(gw, 'req-a');
    await pair(gw, 'req-b', { order: 'response-first' });
    const { status, type, rows } = await captures(gw);
    expect(status).toBe(200);
    expect(type).toBe('application/x-ndjson');
    expect(rows.map((r) => r.requestId).sort()).toEqual(['req-a', 'req-b']);
    expect(rows[0]).toMatchObject({
      model: 'credit-risk', namespace: 'ml-serving', index: 0, features: instance(40), prediction: 1, probabilities: [0.2, 0.8], label: null,
    });
    expect(await metricsText(gw)).toMatch(/mlops_captures_stored_total\{model_name="credit-risk"\} 4/);
  });

  it('keeps a response without a request out of the capture API until its request arrives', async () => {
    const gw = await start();
    const ceId = randomUUID();
    expect((await sendEvent(gw, { ceId, type: 'response', requestId: 'lonely', body: { predictions: [0] } })).status).toBe(202);
    expect((await captures(gw)).rows).toEqual([]);
    expect((await sendEvent(gw, { ceId, type: 'request', requestId: 'lonely', body: { instances: [instance(30)] } })).status).toBe(202);
    expect((await captures(gw)).rows.map((r) => r.requestId)).toEqual(['lonely']);
  });

  it('tolerates a missing Content-Type, an empty Ce-Endpoint and no Ce-Annotations; falls back to Ce-Id without X-Request-Id', async () => {
    const gw = await start();
    const ceId = randomUUID();
    expect((await sendEvent(gw, { ceId, type: 'request', body: { instances: [instance(50)] }, contentType: null })).status).toBe(202);
    expect((await sendEvent(gw, { ceId, type: 'response', body: { predictions: [0] }, contentType: 'application/x-www-form-urlencoded' })).status).toBe(202);
    expect((await captures(gw)).rows.map((r) => r.requestId)).toEqual([ceId]);
  });

  it('rejects malformed events with 400 naming the problem, stores nothing, and counts them', async () => {
    const gw = await start();
    const bad: Array<[EventSpec, RegExp]> = [
      [{ ceId: randomUUID(), type: 'request', requestId: 'm1', body: '{"instances": [' }, /not valid JSON/],
      [{ ceId: randomUUID(), type: 'request', requestId: 'm2', body: { rows: [1] } }, /no non-empty "instances"/],
      [{ ceId: randomUUID(), type: 'response', requestId: 'm3', body: { predictions: 'yes' } }, /no "predictions"/],
      [{ ceId: randomUUID(), type: 'request', requestId: 'm4', body: { instances: [1] }, extraHeaders: { 'Ce-Metadata': '{not json' } }, /ce-metadata is not JSON/],
      [{ ceId: randomUUID(), type: 'request', requestId: 'm5', body: { instances: [1] }, extraHeaders: { 'Ce-Specversion': '0.3' } }, /ce-specversion/],
      [{ ceId: randomUUID(), type: 'request', requestId: 'm6', body: { instances: [1] }, extraHeaders: { 'Ce-Type': 'com.example.other' } }, /ce-type/],
      [{ ceId: randomUUID(), type: 'request', requestId: 'm7', body: { instances: [1] }, extraHeaders: { 'Ce-Time': 'yesterday' } }, /ce-time/],
    ];
    for (const [event, message] of bad) {
      const r = await sendEvent(gw, event);
      expect({ status: r.status, error: r.json.error }).toEqual({ status: 400, error: expect.stringMatching(message) });
    }
    const noId = await fetch(`${gw.url}/webhooks/kserve`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'ce-specversion': '1.0' }, body: '{}',
    });
    expect(noId.status).toBe(400);
    expect(((await noId.json()) as { error: string }).error).toBe('header ce-id is missing');
    expect((await captures(gw)).rows).toEqual([]);
    const text = await metricsText(gw);
    expect(text).toMatch(/mlops_gateway_rejected_total\{endpoint="kserve",reason="malformed-json"\} 1/);
    expect(text).toMatch(/mlops_gateway_rejected_total\{endpoint="kserve",reason="schema"\} 2/);
    expect(text).toMatch(/mlops_gateway_rejected_total\{endpoint="kserve",reason="missing-header"\} 1/);
  });

  it('stores a replayed Ce-Id once', async () => {
    const gw = await start();
    const ceId = randomUUID();
    const req: EventSpec = { ceId, type: 'request', requestId: 'dup', body: { instances: [instance(20)] } };
    const res: EventSpec = { ceId, type: 'response', requestId: 'dup', body: { predictions: [1] } };
    expect((await sendEvent(gw, req)).status).toBe(202);
    expect((await sendEvent(gw, res)).status).toBe(202);
    const again = await sendEvent(gw, req);
    expect(again).toEqual({ status: 200, json: { stored: false, reason: 'duplicate', ceId } });
    expect((await sendEvent(gw, res)).json.reason).toBe('duplicate');
    expect((await captures(gw)).rows).toHaveLength(1);
    expect(await metricsText(gw)).toMatch(/mlops_captures_stored_total\{model_name="credit-risk"\} 2/);
  });

  it('samples by request id: both halves kept or dropped together, about the configured share', async () => {
    const gw = await start({ sampleRate: 0.3 });
    const ids = Array.from({ length: 200 }, (_, i) => `sample-${i}`);
    for (const id of ids) {
      const ceId = randomUUID();
      const a = await sendEvent(gw, { ceId, type: 'request', requestId: id, body: { instances: [instance(33)] } });
      const b = await sendEvent(gw, { ceId, type: 'response', requestId: id, body: { predictions: [0] } });
      expect(a.json.stored).toBe(b.json.stored);
      expect(a.json.stored).toBe(sampled(id, 0.3));
    }
    const kept = (await captures(gw)).rows;
    const expected = ids.filter((id) => sampled(id, 0.3));
    expect(kept.map((r) => r.requestId).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(30);
    expect(expected.length).toBeLessThan(90);
  });

  it('drops events older than the retention window and purges old captures at start', async () => {
    const gw = await start({ retentionMs: 86_400_000 });
    const old = new Date(clock - 2 * 86_400_000).toISOString();
    const r = await sendEvent(gw, { ceId: randomUUID(), type: 'request', requestId: 'old', time: old, body: { instances: [instance(60)] } });
    expect(r).toEqual({ status: 202, json: { stored: false, reason: 'older than the retention window' } });

    // A capture stored under a 3-day retention is purged when the gateway restarts with a 1-day one.
    const dir = tempStateDir();
    const first = await start({ retentionMs: 3 * 86_400_000 }, dir);
    clock = NOW - 2 * 86_400_000;
    await pair(first, 'two-days-old');
    clock = NOW;
    await pair(first, 'fresh');
    expect((await captures(first)).rows).toHaveLength(2);
    await first.close();
    const second = await start({ retentionMs: 86_400_000 }, dir);
    expect((await captures(second)).rows.map((row) => row.requestId)).toEqual(['fresh']);
  });
});

describe('POST /feedback and accuracy', () => {
  it('labels captures by request id, exports accuracy and the labelled counter', async () => {
    const gw = await start();
    for (let i = 0; i < 4; i++) await pair(gw, `fb-${i}`, { prediction: 1 });
    expect((await feedback(gw, { requestId: 'fb-0', label: 1 })).json).toEqual({ labelled: 1, unknown: [] });
    const batch = await feedback(gw, { items: [{ requestId: 'fb-1', label: 1 }, { requestId: 'fb-2', labels: [0] }, { requestId: 'nope', label: 1 }] });
    expect(batch).toEqual({ status: 200, json: { labelled: 2, unknown: ['nope'] } });
    const text = await metricsText(gw);
    expect(text).toMatch(/mlops_feedback_labelled_total\{model_name="credit-risk"\} 3/);
    // 2 of 3 labelled predictions were right.
    expect(text).toMatch(/mlops_model_accuracy\{model_name="credit-risk"\} 0\.6666/);
  });

  it('a request of several instances gives one line per instance, predictions and labels aligned', async () => {
    const gw = await start();
    const ceId = randomUUID();
    await sendEvent(gw, { ceId, type: 'request', requestId: 'multi', body: { instances: [instance(21), instance(22)] } });
    await sendEvent(gw, { ceId, type: 'response', requestId: 'multi', body: { predictions: [1, 0], probabilities: [[0.1, 0.9], [0.7, 0.3]] } });
    expect((await feedback(gw, { requestId: 'multi', labels: [1, 1] })).json).toEqual({ labelled: 1, unknown: [] });
    const { rows } = await captures(gw);
    expect(rows.map((r) => [r.requestId, r.index, r.features.age, r.prediction, r.probabilities, r.label])).toEqual([
      ['multi', 0, 21, 1, [0.1, 0.9], 1],
      ['multi', 1, 22, 0, [0.7, 0.3], 1],
    ]);
    expect(await metricsText(gw)).toMatch(/mlops_model_accuracy\{model_name="credit-risk"\} 0\.5/);
    expect(await metricsText(gw)).toMatch(/mlops_feedback_labelled_total\{model_name="credit-risk"\} 2/);
  });

  it('answers 404 for one unknown request id, 400 for a bad body, 401 without the token', async () => {
    const gw = await start();
    expect((await feedback(gw, { requestId: 'ghost', label: 1 })).status).toBe(404);
    const bad = await feedback(gw, { requestId: 'x', label: 1, labels: [1] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/exactly one of "label" or "labels"/);
    expect((await feedback(gw, { requestId: 'x', label: 1 }, 'wrong')).status).toBe(401);
  });
});

describe('GET /v1/captures', () => {
  it('filters by model, time and labelled; needs the token; rejects bad queries', async () => {
    const gw = await start();
    clock = NOW - 3_600_000;
    await pair(gw, 'early', { model: 'credit-risk' });
    clock = NOW;
    await pair(gw, 'late', { model: 'credit-risk' });
    await pair(gw, 'other', { model: 'churn' });
    await feedback(gw, { requestId: 'late', label: 1 });
    const ids = async (q: string) => (await captures(gw, q)).rows.map((r) => r.requestId).sort();
    expect(await ids('?model=credit-risk')).toEqual(['early', 'late']);
    expect(await ids('?model=churn')).toEqual(['other']);
    expect(await ids(`?from=${new Date(NOW - 60_000).toISOString()}`)).toEqual(['late', 'other']);
    expect(await ids(`?to=${Math.floor((NOW - 60_000) / 1000)}`)).toEqual(['early']);
    expect(await ids('?labelled=true')).toEqual(['late']);
    expect(await ids('?labelled=false&model=credit-risk')).toEqual(['early']);
    expect((await captures(gw, '?labelled=maybe')).status).toBe(400);
    expect((await captures(gw, '?from=yesterday')).status).toBe(400);
    const anon = await fetch(`${gw.url}/v1/captures`);
    expect(anon.status).toBe(401);
  });

  it('streams more captures than one page, in time order', async () => {
    const gw = await start();
    for (let i = 0; i < 600; i++) {
      clock = NOW + i;
      await pair(gw, `bulk-${String(i).padStart(4, '0')}`);
    }
    clock = NOW;
    const { rows } = await captures(gw);
    expect(rows).toHaveLength(600);
    expect(rows.map((r) => r.requestId)).toEqual(Array.from({ length: 600 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`));
  });
});
