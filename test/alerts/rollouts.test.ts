import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { gatherContext, offlineReport } from '../../src/alerts/gather';
import { describeKubernetesError, loadKubeConfig } from '../../src/alerts/kubernetes';
import { argocdHistory, defaultArgocdApplication } from '../../src/alerts/rollouts';
import type { WebhookAlert } from '../../src/contracts/alertmanager';
import { readRole, startKubernetesFake, type KubernetesFake } from '../fakes/kubernetes-api';
import { alertGroup } from '../gateway/payloads';

/** Rollouts from the ArgoCD Application's sync history, read with the real client under the dist/ Roles. */
const dist = path.join(__dirname, '..', '..', 'dist');
const modelRole = readRole(path.join(dist, 'model-serving', 'Role.alert-analysis-reader.k8s.yaml'));
const applicationsRole = readRole(path.join(dist, 'model-serving', 'Role.alert-analysis-reader-applications.k8s.yaml'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-rollouts-'));

const alert = (alertGroup() as { alerts: WebhookAlert[] }).alerts[0];
const startsAt = new Date(alert.startsAt).getTime();
const minutesBefore = (m: number) => new Date(startsAt - m * 60_000).toISOString();

let fake: KubernetesFake;
let kubeconfig: string;
beforeAll(async () => {
  fake = await startKubernetesFake([modelRole, applicationsRole]);
  kubeconfig = path.join(tmp, 'kubeconfig');
  fake.writeKubeconfig(kubeconfig);
  fake.applications = [{
    namespace: 'argocd',
    name: 'model-serving',
    history: [
      { id: 6, revision: 'a'.repeat(40), deployedAt: minutesBefore(180), initiatedBy: { automated: true } },
      { id: 7, revision: 'b'.repeat(40), deployedAt: minutesBefore(5), deployStartedAt: minutesBefore(6), initiatedBy: { username: 'admin' } },
    ],
  }];
});
afterAll(async () => fake?.close());

test('the default Application is the one dist/ deploys the predictor with, in the namespace the reader may read', () => {
  const app = parseYaml(fs.readFileSync(path.join(dist, 'apps', `Application.${defaultArgocdApplication.name}.k8s.yaml`), 'utf8'));
  expect(app.metadata).toMatchObject({ name: defaultArgocdApplication.name, namespace: defaultArgocdApplication.namespace });
  expect(applicationsRole.metadata.namespace).toBe(defaultArgocdApplication.namespace);
});

test('status.history → rollouts, newest first, each naming the revision, who synced and the history id', async () => {
  const rollouts = await argocdHistory(await loadKubeConfig(kubeconfig), defaultArgocdApplication);
  expect(rollouts.map((r) => [r.sha, r.at.toISOString(), r.source])).toEqual([
    ['b'.repeat(40), minutesBefore(5), 'argocd'],
    ['a'.repeat(40), minutesBefore(180), 'argocd'],
  ]);
  expect(rollouts[0].subject).toBe(`ArgoCD Application model-serving: sync by admin to ${'b'.repeat(12)} (history id 7)`);
  expect(rollouts[1].subject).toContain('automated sync');
  expect(fake.requests.at(-1)).toMatchObject({ verb: 'get', resource: 'applications', namespace: 'argocd', name: 'model-serving', status: 200 });
});

test('without the applications Role the API answers 403, and the analysis lists it instead of failing', async () => {
  const narrow = await startKubernetesFake(modelRole);
  try {
    const cfg = path.join(tmp, 'kubeconfig-narrow');
    narrow.writeKubeconfig(cfg);
    const err = await argocdHistory(await loadKubeConfig(cfg), defaultArgocdApplication).catch((e: unknown) => e);
    expect(describeKubernetesError(err)).toMatch(/^HTTP 403: applications\.argoproj\.io "model-serving" is forbidden/);
    const ctx = await gatherContext(alert, { kubeconfig: cfg, repoDir: tmp });
    expect(ctx.problems.join('\n')).toMatch(/sync history of ArgoCD Application argocd\/model-serving: HTTP 403/);
  } finally {
    await narrow.close();
  }
});

test('a sync five minutes before the alert is a recent-rollout cause, citing the sync', async () => {
  const ctx = await gatherContext(alert, { kubeconfig, repoDir: tmp });
  const report = offlineReport(alert, ctx);
  const rollout = report.causes.find((c) => c.id === 'recent-rollout');
  expect(rollout?.evidence).toEqual([
    `ArgoCD finished a sync 5 min before the alert: ${'b'.repeat(12)} "ArgoCD Application model-serving: sync by admin to ${'b'.repeat(12)} (history id 7)"`,
  ]);
});

test('--argocd-app names another Application; one that does not exist is a listed problem', async () => {
  const ctx = await gatherContext(alert, { kubeconfig, repoDir: tmp, argocdApplication: { namespace: 'argocd', name: 'gateway' } });
  expect(ctx.rollouts).toEqual([]);
  expect(ctx.problems.join('\n')).toMatch(/argocd\/gateway: HTTP 404: applications.argoproj.io "gateway" not found/);
});
