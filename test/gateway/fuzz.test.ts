import * as net from 'node:net';
import { gatewayToken, outboxRows, post, startTestGateway, until } from './harness';
import { alertGroup } from './payloads';
import type { RunningGateway } from '../../src/gateway/server';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';
import { seededRandom } from '../support/random';

interface BadRequest {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
  readonly expect: number[];
}

const requiredTop = ['version', 'groupKey', 'status', 'receiver', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'alerts'];
const requiredAlert = ['status', 'labels', 'startsAt', 'fingerprint'];
const wrongValues: unknown[] = [null, 42, true, [], 'str', { nested: { deep: 1 } }, -1.5];

/** Mutations that always make a valid body invalid (never an optional field). */
function mutate(rand: () => number, body: any): any {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const b = JSON.parse(JSON.stringify(body));
  switch (Math.floor(rand() * 8)) {
    case 0: delete b[pick(requiredTop)]; break;
    case 1: b[pick(requiredTop)] = pick(wrongValues.filter((v) => typeof v !== 'object' && typeof v !== 'string')); break;
    case 2: delete b.alerts[0][pick(requiredAlert)]; break;
    case 3: b.alerts[0].status = pick(['FIRING', 'ok', '', 'pending']); break;
    case 4: b.alerts[0].labels = pick(wrongValues.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))) ?? { alertname: 1 }; break;
    case 5: b.alerts = []; break;
    case 6: b.version = pick(['3', '5', 4, '']); break;
    default: b.alerts[0].fingerprint = pick(['ZZZZ', '', 'G'.repeat(16), 12345]); break;
  }
  return b;
}

function corpus(seed: number, n: number): BadRequest[] {
  const rand = seededRandom(seed);
  const auth = { 'authorization': `Bearer ${gatewayToken}`, 'content-type': 'application/json' };
  const path = '/webhooks/alertmanager';
  const valid = JSON.stringify(alertGroup({ groupSuffix: '-fuzz-template' }));
  const out: BadRequest[] = [];
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(rand() * 9);
    switch (kind) {
      case 0: { // random bytes
        const len = 1 + Math.floor(rand() * 2048);
        const buf = Buffer.alloc(len);
        for (let j = 0; j < len; j++) buf[j] = Math.floor(rand() * 256);
        out.push({ kind: 'random-bytes', method: 'POST', path, headers: auth, body: buf, expect: [400] });
        break;
      }
      case 1: // truncated valid JSON
        out.push({ kind: 'truncated-json', method: 'POST', path, headers: auth, body: valid.slice(0, Math.floor(rand() * (valid.length - 1))), expect: [400] });
        break;
      case 2: // schema mutation
        out.push({ kind: 'schema', method: 'POST', path, headers: auth, body: JSON.stringify(mutate(rand, JSON.parse(valid))), expect: [400] });
        break;
      case 3: // JSON of the wrong shape entirely
        out.push({ kind: 'wrong-shape', method: 'POST', path, headers: auth, body: JSON.stringify([null, 1, 'x', {}, []][Math.floor(rand() * 5)]), expect: [400] });
        break;
      case 4: { // bad or missing token
        const tokens = ['', 'Bearer', `Bearer ${gatewayToken}x`, `bearer ${gatewayToken.slice(1)}`, `Token ${gatewayToken}`, `Bearer ${'a'.repeat(1 + Math.floor(rand() * 200))}`];
        out.push({ kind: 'auth', method: 'POST', path, headers: { 'content-type': 'application/json', 'authorization': tokens[Math.floor(rand() * tokens.length)] }, body: valid, expect: [401] });
        break;
      }
      case 5: { // wrong content type
        const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', ''];
        out.push({ kind: 'content-type', method: 'POST', path, headers: { ...auth, 'content-type': types[Math.floor(rand() * types.length)] }, body: valid, expect: [415] });
        break;
      }
      case 6: // oversize
        out.push({ kind: 'oversize', method: 'POST', path, headers: auth, body: Buffer.alloc(1024 * 1024 + 1 + Math.floor(rand() * 4096), 0x20), expect: [413] });
        break;
      case 7: { // wrong method / path
        const variants: Array<[string, string, number]> = [['GET', path, 405], ['PUT', path, 405], ['DELETE', path, 405], ['POST', '/webhooks/alertmanager/', 404], ['POST', '/webhooks', 404], ['GET', '/../etc/passwd', 404]];
        const [method, p, status] = variants[Math.floor(rand() * variants.length)];
        out.push({ kind: 'route', method, path: p, headers: auth, body: method === 'GET' ? undefined : valid, expect: [status] });
        break;
      }
      default: { // deep nesting and huge numbers of keys
        const depth = 1000 + Math.floor(rand() * 5000);
        out.push({ kind: 'nesting', method: 'POST', path, headers: auth, body: '['.repeat(depth) + ']'.repeat(depth), expect: [400] });
      }
    }
  }
  return out;
}

/** Malformed HTTP that never reaches a handler. */
function rawRequest(port: number, data: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(data));
    let got = '';
    s.on('data', (c) => (got += c.toString()));
    s.on('close', () => resolve(got));
    s.on('error', () => resolve(got));
    s.setTimeout(5_000, () => s.destroy());
  });
}

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

test('a fixed-seed corpus of 1,200 bad requests: each a 4xx, nothing stored, still ready, a valid group then dispatched exactly once', async () => {
  const before = outboxRows(gw.context.stateDir);
  const requests = corpus(20261125, 1200);
  const kinds = new Set(requests.map((r) => r.kind));
  expect(kinds.size).toBe(9);
  const wrong: string[] = [];
  for (let i = 0; i < requests.length; i += 16) {
    await Promise.all(requests.slice(i, i + 16).map(async (r, j) => {
      const res = await fetch(`${gw.url}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      await res.arrayBuffer();
      if (!r.expect.includes(res.status)) wrong.push(`#${i + j} ${r.kind}: expected ${r.expect} got ${res.status}`);
    }));
  }
  expect(wrong).toEqual([]);
  for (const raw of ['GARBAGE\r\n\r\n', 'POST /webhooks/alertmanager HTTP/1.1\r\nContent-Length: abc\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n']) {
    expect(await rawRequest(gw.port, raw)).toMatch(/^HTTP\/1\.1 4\d\d/);
  }

  expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  expect(outboxRows(gw.context.stateDir)).toEqual(before);
  expect(fake.answers).toHaveLength(0);

  const ok = await post(gw, alertGroup({ groupSuffix: '-after-fuzz' }));
  expect(ok.status).toBe(202);
  await until(() => fake.dispatches.length === 1, 10_000, 'the valid dispatch');
  await new Promise((r) => setTimeout(r, 300));
  expect(fake.dispatches).toHaveLength(1);
  expect(fake.dispatches[0].clientPayload.outboxId).toBe(ok.json.outboxId);
  const metrics = await (await fetch(`${gw.url}/metrics`)).text();
  for (const reason of ['unauthorized', 'unsupported-media-type', 'too-large', 'malformed-json', 'schema', 'not-found', 'method-not-allowed']) {
    expect(metrics).toMatch(new RegExp(`mlops_gateway_rejected_total\\{endpoint="[^"]+",reason="${reason}"\\} [1-9]`));
  }
});
