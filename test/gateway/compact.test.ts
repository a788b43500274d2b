import { Octokit } from '@octokit/rest';
import { githubToken, outboxRows, post, startTestGateway, until } from './harness';
import { alertGroup } from './payloads';
import { parseAlertmanagerPayload } from '../../src/contracts/alertmanager';
import { clientPayloadBytes, compactGroup, dispatchPayloadLimitBytes } from '../../src/gateway/compact';
import { githubPayloadLimitBytes, startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';

let fake: GithubDispatchFake;
beforeAll(async () => {
  fake = await startGithubDispatchFake();
});
afterAll(async () => fake?.close());

const octokit = () => new Octokit({ auth: githubToken, baseUrl: fake.url, log: { debug() {}, info() {}, warn() {}, error() {} } });

describe('the GitHub fake enforces GitHub\'s limits with its 422', () => {
  test('more than 10 top-level keys', async () => {
    const payload = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    await expect(octokit().repos.createDispatchEvent({ owner: 'o', repo: 'r', event_type: 'alert', client_payload: payload }))
      .rejects.toMatchObject({ status: 422, message: expect.stringContaining('No more than 10 properties are allowed; 11 were supplied') });
  });
  test('over 64 KB: the raw 200-alert group is refused', async () => {
    const raw = alertGroup({ alerts: 200 });
    expect(Buffer.byteLength(JSON.stringify({ group: raw, outboxId: 'x' }))).toBeGreaterThan(githubPayloadLimitBytes);
    await expect(octokit().repos.createDispatchEvent({ owner: 'o', repo: 'r', event_type: 'alert', client_payload: { group: raw, outboxId: 'x' } }))
      .rejects.toMatchObject({ status: 422 });
  });
});

describe('compaction', () => {
  test('drops generatorURL and annotations other than summary/description/runbook_url; keeps labels', () => {
    const g = compactGroup(parseAlertmanagerPayload(alertGroup({ alerts: 3, noiseBytes: 100 })));
    expect(g.alerts).toHaveLength(3);
    for (const a of g.alerts) {
      expect(a).not.toHaveProperty('generatorURL');
      expect(Object.keys(a.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(a.labels.alertname).toBe('InferenceLatencyHigh');
    }
    expect(g.truncatedAlerts).toBe(0);
  });

  test('a 200-alert group is truncated under 60 KB, the rest counted in truncatedAlerts, firing alerts first', () => {
    const raw = alertGroup({ alerts: 200, noiseBytes: 500 }) as any;
    raw.truncatedAlerts = 7; // Alertmanager's own max_alerts truncation adds up
    raw.alerts[0].status = 'resolved';
    const g = compactGroup(parseAlertmanagerPayload(raw));
    expect(clientPayloadBytes(g)).toBeLessThan(dispatchPayloadLimitBytes);
    expect(g.alerts.length).toBeGreaterThan(10);
    expect(g.alerts.length).toBeLessThan(200);
    expect(g.truncatedAlerts).toBe(7 + 200 - g.alerts.length);
    expect(g.alerts.every((a) => a.status === 'firing')).toBe(true);
    // Greedy: one more alert would not fit.
    const oneMore = compactGroup(parseAlertmanagerPayload(raw), 10_000_000);
    const bigger = { ...g, alerts: oneMore.alerts.slice(0, g.alerts.length + 1) };
    expect(clientPayloadBytes(bigger)).toBeGreaterThanOrEqual(dispatchPayloadLimitBytes);
  });

  test('end to end: the gateway dispatches the 200-alert group, and the fake accepts it', async () => {
    const gw = await startTestGateway(fake);
    try {
      const r = await post(gw, alertGroup({ alerts: 200, groupSuffix: '-big' }));
      expect(r.status).toBe(202);
      expect(r.json.truncatedAlerts).toBe(200 - r.json.alerts);
      await until(() => fake.dispatches.some((d) => d.clientPayload.outboxId === r.json.outboxId), 10_000, 'dispatch');
      const d = fake.dispatches.find((x) => x.clientPayload.outboxId === r.json.outboxId)!;
      expect(d.bytes).toBeLessThan(dispatchPayloadLimitBytes);
      expect((d.clientPayload.group as any).alerts).toHaveLength(r.json.alerts);
      await until(() => outboxRows(gw.context.stateDir)[0]?.state === 'dispatched', 5_000, 'dispatched mark');
      expect(outboxRows(gw.context.stateDir)).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });
});
