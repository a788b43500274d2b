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

  const route = (...labels: string[]) => runTool('amtool', ['config', 'routes', 'test', `--config.file=${committed}`, ...labels]).stdout.trim();

  test.each(Object.entries(alertCatalog))('amtool routes %s to the gateway (platform alerts to Slack first, out of band)', (alertname, entry) => {
    const r = route(`alertname=${alertname}`, `type=${entry.type}`, `severity=${entry.severity}`, `team=${entry.team}`, 'namespace=mlops');
    expect(r).toBe(entry.type === 'platform' ? 'platform-slack,mlops-gateway' : 'mlops-gateway');
  });

  test('the gateway\'s own alerts and the new platform alerts reach Slack, which does not depend on the gateway', () => {
    for (const alertname of ['GatewayDispatchFailing', 'GatewayOutboxBacklog', 'ArgoCDAppOutOfSync', 'ArgoCDAppUnhealthy', 'PodImagePullFailing']) {
      expect(route(`alertname=${alertname}`, 'type=platform', 'severity=warning')).toMatch(/^platform-slack,/);
    }
  });

  test('kube-prometheus-stack\'s default alerts go to Slack, no longer to the null receiver', () => {
    expect(route('alertname=KubeNodeNotReady', 'severity=warning', 'namespace=kube-system')).toBe('platform-slack');
    expect(route('alertname=KubePersistentVolumeFillingUp', 'severity=critical', 'namespace=mlflow')).toBe('platform-slack');
    expect(route('alertname=TargetDown', 'severity=warning', 'job=argocd-metrics')).toBe('platform-slack');
  });

  test('the always-firing Watchdog and info-level alerts go to the null receiver', () => {
    expect(route('alertname=Watchdog', 'severity=none')).toBe('null');
    expect(route('alertname=InfoInhibitor', 'severity=none')).toBe('null');
    expect(route('alertname=CPUThrottlingHigh', 'severity=info', 'namespace=mlops')).toBe('null');
  });

  test('the Slack receiver reads its webhook URL from the mounted Secret', () => {
    const receiver = alertmanagerConfig(platformConfig).receivers.find((r) => r.name === 'platform-slack') as any;
    expect(receiver.slack_configs).toEqual([{ api_url_file: '/etc/alertmanager/secrets/alertmanager-platform-slack/webhook-url', send_resolved: true }]);
  });
});

describe('a real Alertmanager with this config', () => {
  interface Delivery { path?: string; authorization?: string; body: any }
  const deliveries: Delivery[] = [];
  let webhook: http.Server;
  let webhookUrl: string;

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        deliveries.push({ path: req.url, authorization: req.headers.authorization, body: JSON.parse(body) });
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
      expect(d.path).toBe('/webhooks/alertmanager');
      expect(d.authorization).toBe('Bearer s3cret-gateway-token');
      expect(d.body.version).toBe('4');
      expect(d.body.receiver).toBe('mlops-gateway');
    }
    // One group per alert and model (group_by alertname, namespace, model_name).
    const latency = deliveries.find((d) => d.body.commonLabels.alertname === 'InferenceLatencyHigh')!;
    expect(latency.body.groupLabels).toEqual({ alertname: 'InferenceLatencyHigh', namespace: 'mlops', model_name: 'credit-risk' });
  });

  test('with the gateway down, the gateway\'s own alert and a stack default alert still reach Slack (out of band)', async () => {
    deliveries.length = 0;
    const dir = tempDir('mlops-am-oob-');
    const slackUrlFile = path.join(dir, 'webhook-url');
    fs.writeFileSync(slackUrlFile, webhookUrl.replace('/webhooks/alertmanager', '/services/T000/B000/slack') + '\n');
    const config = JSON.parse(JSON.stringify(alertmanagerConfig(platformConfig)));
    // The gateway: a closed loopback port (nothing listens on port 9 here), so its receiver fails.
    const wc = config.receivers.find((r: any) => r.name === 'mlops-gateway').webhook_configs[0];
    wc.url = 'http://127.0.0.1:9/webhooks/alertmanager';
    wc.http_config.authorization.credentials_file = slackUrlFile;
    config.receivers.find((r: any) => r.name === 'platform-slack').slack_configs[0].api_url_file = slackUrlFile;
    Object.assign(config.route, { group_wait: '1s', group_interval: '1s' });
    const am = await startAlertmanager(toYaml(config));

    const alerts = [
      { labels: { alertname: 'GatewayDispatchFailing', severity: 'warning', type: 'platform', team: 'platform', namespace: 'mlops', event_type: 'alert' } },
      { labels: { alertname: 'KubeNodeNotReady', severity: 'warning', namespace: 'kube-system', node: 'node-1' } },
      { labels: { alertname: 'Watchdog', severity: 'none' } },
    ].map((a) => ({ ...a, annotations: { summary: `${a.labels.alertname} test` } }));
    const post = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(post.status).toBe(200);

    // Slack's payload (attachments) carries the alert name in its default title template.
    const seen = () => deliveries.filter((d) => d.path === '/services/T000/B000/slack').map((d) => JSON.stringify(d.body));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(seen().some((b) => b.includes('GatewayDispatchFailing')) && seen().some((b) => b.includes('KubeNodeNotReady')))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_500));
    await am.stop();

    expect(seen().some((b) => b.includes('GatewayDispatchFailing'))).toBe(true);
    expect(seen().some((b) => b.includes('KubeNodeNotReady'))).toBe(true);
    expect(seen().some((b) => b.includes('Watchdog'))).toBe(false);
    // Only Slack payloads arrived: nothing reached a gateway path, and Slack needs no gateway token.
    expect(deliveries.every((d) => d.path === '/services/T000/B000/slack' && d.authorization === undefined)).toBe(true);
    expect(JSON.parse(JSON.stringify(deliveries[0].body))).toHaveProperty('attachments');
  });
});
