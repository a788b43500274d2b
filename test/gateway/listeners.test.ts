import { post, startTestGateway, until } from './harness';
import { alertGroup } from './payloads';
import type { RunningGateway } from '../../src/gateway/server';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';

/**
 * The Deployment in dist/gateway/ gives each sender its own port (PORT, ALERTMANAGER_PORT,
 * KSERVE_PORT) so its NetworkPolicy admits Alertmanager only to the webhook port.
 */
let fake: GithubDispatchFake;
let gw: RunningGateway;
beforeAll(async () => {
  fake = await startGithubDispatchFake();
  gw = await startTestGateway(fake, { alertmanagerPort: '0', kservePort: '0' });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

test('three listeners, each serving only its routes', async () => {
  expect(Object.keys(gw.urls).sort()).toEqual(['alertmanager', 'kserve', 'main']);
  const am = gw.urls.alertmanager!;
  expect(new Set([gw.urls.main, am, gw.urls.kserve]).size).toBe(3);

  expect((await post(gw.urls.main!, alertGroup())).status).toBe(404);
  const ok = await post(am, alertGroup({ groupSuffix: '-listener' }));
  expect(ok.status).toBe(202);
  await until(() => fake.dispatches.some((d) => d.clientPayload.outboxId === ok.json.outboxId), 10_000, 'dispatch');

  expect((await fetch(`${am}/metrics`)).status).toBe(404);
  expect((await fetch(`${gw.urls.kserve}/readyz`)).status).toBe(404);
  expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  expect((await fetch(`${gw.url}/metrics`)).status).toBe(200);
});
