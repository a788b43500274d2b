import * as fs from 'node:fs';
import * as path from 'node:path';
import { captureLineSchema, feedbackBodySchema } from '../../src/contracts/captures';
import { groupDispatchPayloadSchema, parseDispatchedGroup, retrainDispatchPayloadSchema, retrainWindow } from '../../src/contracts/dispatch';
import { captureEnv, gatewayEnv, gatewayPaths } from '../../src/contracts/gateway';
import { RELEASE_FILE, releaseSchema } from '../../src/contracts/release';
import { compactGroup, dispatchPayloadLimitBytes } from '../../src/gateway/compact';
import { alertGroup } from '../gateway/payloads';

const root = path.resolve(__dirname, '..', '..');

describe('dispatch', () => {
  const group = compactGroup(alertGroup({ alerts: 2 }) as never, dispatchPayloadLimitBytes);

  test('what the gateway dispatches is a valid group payload, read back in each accepted form', () => {
    const payload = groupDispatchPayloadSchema.parse({ group, outboxId: 'o-1' });
    expect(parseDispatchedGroup({ action: 'alert', client_payload: payload })).toEqual({ group: payload.group, outboxId: 'o-1' });
    expect(parseDispatchedGroup(payload).outboxId).toBe('o-1');
    expect(parseDispatchedGroup(group)).toEqual({ group: payload.group, outboxId: undefined });
  });

  test('a broken group is refused, naming the path', () => {
    expect(() => parseDispatchedGroup({ client_payload: { group: { ...group, alerts: [] } } })).toThrow('invalid Alertmanager payload: alerts:');
    expect(() => parseDispatchedGroup({ client_payload: { alerts: [{ labels: { alertname: 'X' } }] } })).toThrow(/version/);
  });

  test('the retrain payload is what drift sends on P0', () => {
    const sent = {
      model: 'credit-risk',
      window: retrainWindow({ from: null, to: null }),
      urgency: 'P0',
      rootCause: 'data-drift',
      affectedFeatures: ['x'],
      dedupeKey: 'drift:credit-risk:episode-1',
    };
    expect(retrainDispatchPayloadSchema.parse(sent)).toEqual(sent);
    expect(retrainDispatchPayloadSchema.safeParse({ ...sent, urgency: 'P1' }).success).toBe(false);
    // The report's window object is what was sent before, and the retrain workflow could not read it.
    const reportWindow = { from: null, to: null, referenceRows: 10, currentRows: 10 };
    expect(retrainDispatchPayloadSchema.safeParse({ ...sent, window: reportWindow }).success).toBe(false);
    expect(retrainDispatchPayloadSchema.safeParse({ ...sent, window: '7d; rm -rf /' }).success).toBe(false);
    expect(retrainWindow({ from: '2026-11-30T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' })).toBe('2026-11-30T00:00:00.000Z/2026-12-01T00:00:00.000Z');
  });
});

test('the committed release file satisfies the one release schema', () => {
  expect(releaseSchema.safeParse(JSON.parse(fs.readFileSync(path.join(root, RELEASE_FILE), 'utf8'))).success).toBe(true);
  expect(releaseSchema.safeParse({ image: 'GHCR.io/x/y', digest: 'sha256:1', mlflowModel: 'm', mlflowVersion: '1', runId: 'r' }).success).toBe(false);
});

test('captures: a line and the feedback bodies', () => {
  const line = { requestId: 'r', ceId: 'c', index: 0, model: 'm', namespace: 'n', time: '2026-01-01T00:00:00.000Z', features: { a: 1 }, prediction: 1, probabilities: null, label: null };
  expect(captureLineSchema.parse(line)).toEqual(line);
  expect(captureLineSchema.safeParse({ ...line, features: null }).success).toBe(false);
  expect(feedbackBodySchema.safeParse({ requestId: 'r', label: 1 }).success).toBe(true);
  expect(feedbackBodySchema.safeParse({ requestId: 'r', label: 1, labels: [1] }).success).toBe(false);
});

test('gateway names: every env variable and path is declared once', () => {
  const names = [...Object.values(gatewayEnv), ...Object.values(captureEnv)];
  expect(new Set(names).size).toBe(names.length);
  expect(new Set(Object.values(gatewayPaths)).size).toBe(Object.values(gatewayPaths).length);
});
