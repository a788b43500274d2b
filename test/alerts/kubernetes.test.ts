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

test('a busy log: the start-up lines come from the head of the log (limitBytes), the rest from the last 200 lines', async () => {
  const name = 'credit-risk-predictor-00002-deployment-busy1';
  const access = Array.from({ length: 5000 }, (_, i) => `INFO POST /v1/models/credit-risk:predict 200 request ${i}`);
  const saved = fake.pods;
  fake.pods = [{
    name,
    namespace: role.metadata.namespace,
    labels: { 'serving.kserve.io/inferenceservice': 'credit-risk' },
    containers: ['kserve-container'],
    logs: { 'kserve-container': ['INFO loaded model', 'WARNING:root:artificial delay 800ms enabled', ...access].join('\n') },
  }];
  const before = fake.requests.length;
  try {
    const facts = await gatherKubernetes(role.metadata.namespace, { alertname: 'InferenceLatencyHigh', pod: name }, { kubeconfig });
    expect(facts.problems).toEqual([]);
    const delay = facts.logLines.find((l) => l.line.includes('artificial delay'));
    expect(delay?.source).toBe(`log ${name}/kserve-container, start`);
    const fromTail = facts.logLines.filter((l) => l.source === `log ${name}/kserve-container`);
    expect(fromTail.map((l) => l.line)).toEqual(access.slice(-200));
    // No line twice, and the head's cut-off last line is not used.
    expect(new Set(facts.logLines.map((l) => l.line)).size).toBe(facts.logLines.length);
    expect(facts.logLines.every((l) => l.line === 'INFO loaded model' || l.line.includes('artificial delay') || access.includes(l.line))).toBe(true);
    expect(fake.requests.slice(before).filter((r) => r.resource === 'pods/log')).toHaveLength(2);
  } finally {
    fake.pods = saved;
  }
});

test('a short log is read once, whole and in order', async () => {
  const before = fake.requests.length;
  const facts = await gatherKubernetes(role.metadata.namespace, { alertname: 'X', pod: 'credit-risk-predictor-00001-deployment-7d9f8-abcde' }, { kubeconfig });
  expect(facts.logLines.filter((l) => !l.source.includes('previous')).map((l) => l.line)).toEqual([
    'INFO loaded model', 'WARNING artificial delay 800ms enabled', 'INFO POST /v1/models/credit-risk:predict 200',
  ]);
  expect(fake.requests.slice(before).filter((r) => r.resource === 'pods/log')).toHaveLength(2); // current + previous container
});
