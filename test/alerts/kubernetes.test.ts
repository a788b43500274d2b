import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatherKubernetes } from '../../src/alerts/kubernetes';
import { readRole, startKubernetesFake, type KubernetesFake, type Role } from '../fakes/kubernetes-api';

/** The Role from dist/ (GitOps layer): the analysis must get by with exactly these rights. */
export const distRoleFile = path.join(__dirname, '..', '..', 'dist', 'model-serving', 'Role.alert-analysis-reader.k8s.yaml');

let fake: KubernetesFake;
let kubeconfig: string;
let role: Role;
beforeAll(async () => {
  role = readRole(distRoleFile);
  fake = await startKubernetesFake(role);
  kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-kube-')), 'config');
  fake.writeKubeconfig(kubeconfig);
  fake.pods = [{
    name: 'credit-risk-predictor-00001-deployment-7d9f8-abcde',
    namespace: role.metadata.namespace,
    labels: { 'serving.kserve.io/inferenceservice': 'credit-risk' },
    containers: ['kserve-container'],
    restartCount: 1,
    lastTerminatedReason: 'OOMKilled',
    logs: { 'kserve-container': 'INFO loaded model\nWARNING artificial delay 800ms enabled\nINFO POST /v1/models/credit-risk:predict 200' },
    previousLogs: { 'kserve-container': 'INFO loaded model\nKilled' },
  }];
  fake.events = [{
    namespace: role.metadata.namespace,
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    involvedObject: { kind: 'Pod', name: 'credit-risk-predictor-00001-deployment-7d9f8-abcde' },
    lastTimestamp: '2026-08-20T14:00:00Z',
  }];
});
afterAll(async () => fake?.close());

test('the real client reads pod, current and previous logs and events, all allowed by the dist/ Role', async () => {
  const facts = await gatherKubernetes(role.metadata.namespace, { alertname: 'InferenceLatencyHigh', model_name: 'credit-risk' }, { kubeconfig });
  expect(facts.problems).toEqual([]);
  expect(facts.pod).toMatchObject({ name: 'credit-risk-predictor-00001-deployment-7d9f8-abcde', restartCount: 1, terminatedReasons: ['OOMKilled'] });
  expect(facts.logLines.map((l) => l.line)).toContain('WARNING artificial delay 800ms enabled');
  expect(facts.logLines.some((l) => l.source.includes('(previous container)') && l.line === 'Killed')).toBe(true);
  expect(facts.events).toEqual(['Warning BackOff Pod/credit-risk-predictor-00001-deployment-7d9f8-abcde: Back-off restarting failed container']);
  expect(fake.requests.every((r) => r.status === 200)).toBe(true);
  expect(new Set(fake.requests.map((r) => `${r.verb} ${r.resource}`))).toEqual(new Set(['list pods', 'get pods', 'get pods/log', 'list events']));
});

test('outside the Role (another namespace) the fake answers 403 and the analysis reports it instead of failing', async () => {
  const facts = await gatherKubernetes('kube-system', { alertname: 'X', pod: 'coredns-1' }, { kubeconfig });
  expect(facts.pod).toBeUndefined();
  expect(facts.problems.join('\n')).toMatch(/HTTP 403: pods "coredns-1" is forbidden/);
  expect(fake.requests.filter((r) => r.namespace === 'kube-system').every((r) => r.status === 403)).toBe(true);
});

test('a Role without pods/log: the log read is forbidden (403), the rest still works', async () => {
  const narrow: Role = { ...role, rules: [{ apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list'] }] };
  const f2 = await startKubernetesFake(narrow);
  try {
    f2.pods = fake.pods;
    const cfg = `${kubeconfig}-narrow`;
    f2.writeKubeconfig(cfg);
    const facts = await gatherKubernetes(role.metadata.namespace, { alertname: 'X', model_name: 'credit-risk' }, { kubeconfig: cfg });
    expect(facts.pod?.name).toBe('credit-risk-predictor-00001-deployment-7d9f8-abcde');
    expect(facts.logLines).toEqual([]);
    expect(facts.problems.join('\n')).toMatch(/HTTP 403: pods\/log "credit-risk-predictor-00001-deployment-7d9f8-abcde" is forbidden/);
  } finally {
    await f2.close();
  }
});
