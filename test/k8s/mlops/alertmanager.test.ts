import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runTool, tempDir } from './promtool';
import { alertCatalog } from '../../../src/config/metrics';
import { platformConfig } from '../../../src/config/platform';
import { alertmanagerConfig, extraOutputFiles, toYaml, writeExtraOutputs } from '../../../src/k8s/mlops';
import { stopAll } from '../../support/process';
import { startAlertmanager } from '../../support/prometheus';

/*
 * The Alertmanager routing, checked with Debian's amtool 0.25 (check-config, routes test) and a real
 * Alertmanager that delivers to a loopback webhook: bearer token from the credentials file, the
 * gateway receiver for every alert type, and critical inhibiting warning for the same model.
 */

const committed = path.join(__dirname, '..', '..', '..', 'dist', extraOutputFiles.alertmanager);
const TOKEN_FILE = '/etc/alertmanager/secrets/alertmanager-gateway-token/token';

afterAll(() => stopAll());

describe('alertmanager.yaml', () => {
  test('amtool check-config accepts the committed dist/monitoring/alertmanager.yaml', () => {
    const r = runTool('amtool', ['check-config', committed]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  test('the committed file is the fresh config verbatim (kube-prometheus-stack gets the same object)', () => {
    const dir = tempDir('mlops-extra-');
    writeExtraOutputs(dir, platformConfig);
    const fresh = fs.readFileSync(path.join(dir, extraOutputFiles.alertmanager), 'utf8');
    expect(fs.readFileSync(committed, 'utf8')).toBe(fresh);
    expect(parse(fresh)).toEqual(JSON.parse(JSON.stringify(alertmanagerConfig(platformConfig))));
    // Deterministic: a second write is byte-identical.
    const again = tempDir('mlops-extra-');
    writeExtraOutputs(again, platformConfig);
    for (const file of Object.values(extraOutputFiles)) {
      expect(fs.readFileSync(path.join(again, file), 'utf8')).toBe(fs.readFileSync(path.join(dir, file), 'utf8'));
    }
  });

  test('webhook to the gateway alertmanager port with the bearer token from a mounted file', () => {
    const receiver = alertmanagerConfig(platformConfig).receivers.find((r) => r.name === 'mlops-gateway') as any;
    expect(receiver.webhook_configs).toEqual([{
      url: 'http://mlops-gateway.mlops.svc.cluster.local:8081/webhooks/alertmanager',
      send_resolved: true,
      max_alerts: 0,
      http_config: { authorization: { type: 'Bearer', credentials_file: TOKEN_FILE } },
    }]);
  });

  test('amtool rejects a key Alertmanager 0.25 does not know (so check-config really checks keys)', () => {
    const dir = tempDir('mlops-am-bad-');
    const bad = JSON.parse(JSON.stringify(alertmanagerConfig(platformConfig)));
    bad.route.group_wiat = '30s';
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, toYaml(bad));
    const r = runTool('amtool', ['check-config', file]);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('group_wiat');
  });

  test.each(Object.entries(alertCatalog))('amtool routes %s to the gateway', (alertname, entry) => {
    const r = runTool('amtool', ['config', 'routes', 'test', `--config.file=${committed}`,
      `alertname=${alertname}`, `type=${entry.type}`, `severity=${entry.severity}`, `team=${entry.team}`, 'namespace=mlops']);
    expect(r.stdout.trim()).toBe('mlops-gateway');
  });

  test('alerts without one of our types (the stack\'s Watchdog) go to the null receiver', () => {
    const r = runTool('amtool', ['config', 'routes', 'test', `--config.file=${committed}`, 'alertname=Watchdog', 'severity=none']);
    expect(r.stdout.trim()).toBe('null');
  });
});

describe('a real Alertmanager with this config', () => {
  interface Delivery { authorization?: string; body: any }
  const deliveries: Delivery[] = [];
  let webhook: http.Server;
  let webhookUrl: string;

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        deliveries.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/webhooks/alertmanager`;
  });
  afterAll(() => new Promise<void>((resolve) => webhook.close(() => resolve())));

  test('delivers with the bearer token; a critical alert inhibits the same model\'s warning, not the gateway\'s', async () => {
    // A temp copy: the in-cluster URL and token path point at loopback and a temp file; group
    // timings shortened so the test is quick. Receivers, matchers and inhibit rules are unchanged.
    const dir = tempDir('mlops-am-run-');
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 's3cret-gateway-token\n');
    const config = JSON.parse(JSON.stringify(alertmanagerConfig(platformConfig)));
    const wc = config.receivers.find((r: any) => r.name === 'mlops-gateway').webhook_configs[0];
    wc.url = webhookUrl;
    wc.http_config.authorization.credentials_file = tokenFile;
    Object.assign(config.route, { group_wait: '1s', group_interval: '1s' });
    const am = await startAlertmanager(toYaml(config));

    const labels = (alertname: keyof typeof alertCatalog, extra: Record<string, string>) => {
      const e = alertCatalog[alertname];
      return { alertname, severity: e.severity, type: e.type, team: e.team, namespace: 'mlops', ...extra };
    };
    const alerts = [
      labels('InferenceLatencyHigh', { model_name: 'credit-risk' }),
      labels('ModelAccuracyLow', { model_name: 'credit-risk' }),
      labels('GatewayOutboxBacklog', {}),
    ].map((l) => ({ labels: l, annotations: { summary: `${l.alertname} test` } }));
    const post = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts),
    });
    expect(post.status).toBe(200);

    const deadline = Date.now() + 20_000;
    const names = () => new Set(deliveries.flatMap((d) => d.body.alerts.map((a: any) => a.labels.alertname)));
    while (Date.now() < deadline && !(names().has('InferenceLatencyHigh') && names().has('GatewayOutboxBacklog'))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // Give an inhibited notification the chance to (wrongly) arrive: two more group intervals.
    await new Promise((r) => setTimeout(r, 2_500));
    await am.stop();

    expect([...names()].sort()).toEqual(['GatewayOutboxBacklog', 'InferenceLatencyHigh']);
    for (const d of deliveries) {
      expect(d.authorization).toBe('Bearer s3cret-gateway-token');
      expect(d.body.version).toBe('4');
      expect(d.body.receiver).toBe('mlops-gateway');
    }
    // One group per alert and model (group_by alertname, namespace, model_name).
    const latency = deliveries.find((d) => d.body.commonLabels.alertname === 'InferenceLatencyHigh')!;
    expect(latency.body.groupLabels).toEqual({ alertname: 'InferenceLatencyHigh', namespace: 'mlops', model_name: 'credit-risk' });
  });
});
