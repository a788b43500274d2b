import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { tempDir } from './promtool';
import { gatewayEnv } from '../../../src/contracts/gateway';
import { freePort, waitForHttp } from '../../support/net';
import { startProcess, stopAll } from '../../support/process';

/*
 * The contract between the gateway manifest (dist/gateway/) and the gateway program: NetworkPolicy
 * is L4, so the policy separates the Alertmanager webhook from the KServe capture webhook by port.
 * That only protects `/webhooks/kserve` (which takes no token) if the program serves each webhook
 * path ONLY on its port. This test runs `bin/mlops gateway` exactly as the Deployment does (command
 * and env from dist/, ports swapped for free loopback ones) and probes every path on every port.
 */

const root = path.join(__dirname, '..', '..', '..');
const deployment = parse(fs.readFileSync(path.join(root, 'dist', 'gateway', 'Deployment.mlops-gateway.k8s.yaml'), 'utf8'));
const container = deployment.spec.template.spec.containers[0];
const manifestEnv: Record<string, string> = Object.fromEntries(
  container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]),
);

/** The gateway reads the two webhook-port variables the manifest sets. */
const supported = ['ALERTMANAGER_PORT', 'KSERVE_PORT'].every((v) => (Object.values(gatewayEnv) as string[]).includes(v));

afterAll(() => stopAll());

test('the manifest sets one port variable per container port', () => {
  const ports = Object.fromEntries(container.ports.map((p: any) => [p.name, String(p.containerPort)]));
  expect({ PORT: manifestEnv.PORT, ALERTMANAGER_PORT: manifestEnv.ALERTMANAGER_PORT, KSERVE_PORT: manifestEnv.KSERVE_PORT })
    .toEqual({ PORT: ports.http, ALERTMANAGER_PORT: ports.alertmanager, KSERVE_PORT: ports.kserve });
});

// Skipped (with this reason in its name) only if src/gateway/config.ts stops reading ALERTMANAGER_PORT
// and KSERVE_PORT: the gateway would then listen on PORT only, and in the cluster Alertmanager and the
// payload logger would find nothing on their ports.
(supported ? test : test.skip)(
  'bin/mlops gateway serves /webhooks/alertmanager only on ALERTMANAGER_PORT and /webhooks/kserve only on KSERVE_PORT'
  + (supported ? '' : ' [skipped: the gateway does not read ALERTMANAGER_PORT/KSERVE_PORT]'),
  async () => {
    const [http, alertmanager, kserve] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      ...manifestEnv,
      PORT: String(http),
      ALERTMANAGER_PORT: String(alertmanager),
      KSERVE_PORT: String(kserve),
      HOST: '127.0.0.1',
      GATEWAY_STATE_DIR: tempDir('mlops-gw-ports-'),
      GATEWAY_TOKEN: 'ports-test-token',
      GITHUB_TOKEN: 'unused',
      GITHUB_API_URL: 'http://127.0.0.1:9',
    };
    const [cmd, ...args] = container.command as string[];
    expect(cmd).toBe('mlops');
    const gw = startProcess(path.join(root, 'bin', 'mlops'), args, { env, cwd: root });
    try {
      await waitForHttp(`http://127.0.0.1:${http}/healthz`, 60_000);
      const status = async (port: number, p: string) => (await fetch(`http://127.0.0.1:${port}${p}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'authorization': 'Bearer ports-test-token' }, body: '{}',
      })).status;
      // Wrong port → 404; right port → the endpoint answers (a 4xx for this empty body is fine, 404 is not).
      expect(await status(http, '/webhooks/alertmanager')).toBe(404);
      expect(await status(kserve, '/webhooks/alertmanager')).toBe(404);
      expect(await status(alertmanager, '/webhooks/alertmanager')).not.toBe(404);
      expect(await status(http, '/webhooks/kserve')).toBe(404);
      expect(await status(alertmanager, '/webhooks/kserve')).toBe(404);
      expect(await status(kserve, '/webhooks/kserve')).not.toBe(404);
    } catch (err) {
      throw new Error(`${(err as Error).message}\ngateway output:\n${gw.output()}`);
    } finally {
      await gw.stop();
    }
  },
);
