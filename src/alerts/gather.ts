import { rankCauses, type AlertEvidence } from './causes';
import { describeKubernetesError, gatherKubernetes, loadKubeConfig, type KubernetesFacts } from './kubernetes';
import { gatherPrometheus, type PrometheusFacts } from './prometheus';
import { type AlertReport, alertDedupeKey, alertTypeOf, teamOf } from './report';
import { argocdHistory, defaultArgocdApplication, releaseHistory, type Rollout } from './rollouts';
import type { WebhookAlert } from '../contracts/alertmanager';

export interface ContextOptions {
  readonly prometheusUrl?: string;
  readonly kubeconfig?: string;
  /** Skip Kubernetes (no cluster access configured). */
  readonly noKubernetes?: boolean;
  /** Repository whose git history holds release.json. @default cwd */
  readonly repoDir?: string;
  readonly tailLines?: number;
  /** The ArgoCD Application whose sync history is read (with Kubernetes access). @default defaultArgocdApplication */
  readonly argocdApplication?: { namespace: string; name: string };
  readonly now?: Date;
}

export interface GatheredContext {
  readonly kube?: KubernetesFacts;
  readonly prom?: PrometheusFacts;
  readonly rollouts: Rollout[];
  readonly problems: string[];
}

/** The dedupe key of an alert's report: one GitHub issue per alert fingerprint. */
export async function gatherContext(alert: WebhookAlert, opts: ContextOptions): Promise<GatheredContext> {
  const problems: string[] = [];
  const labels = alert.labels;
  const startsAt = new Date(alert.startsAt);
  const [kube, prom] = await Promise.all([
    opts.noKubernetes || !labels.namespace
      ? Promise.resolve(undefined)
      : gatherKubernetes(labels.namespace, labels, { kubeconfig: opts.kubeconfig, tailLines: opts.tailLines }).catch((err) => {
        problems.push(`kubernetes: ${(err as Error).message}`);
        return undefined;
      }),
    opts.prometheusUrl ? gatherPrometheus(opts.prometheusUrl, labels, startsAt, opts.now) : Promise.resolve(undefined),
  ]);
  if (!labels.namespace && !opts.noKubernetes) problems.push('the alert has no namespace label: pod logs and events not read');
  if (!opts.prometheusUrl) problems.push('no Prometheus URL (--prometheus-url / PROMETHEUS_URL): metrics not read');
  let rollouts: Rollout[] = [];
  try {
    rollouts = releaseHistory(opts.repoDir ?? process.cwd());
  } catch (err) {
    problems.push(`release history: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!opts.noKubernetes) {
    const app = opts.argocdApplication ?? defaultArgocdApplication;
    try {
      rollouts = [...rollouts, ...await argocdHistory(await loadKubeConfig(opts.kubeconfig), app)];
    } catch (err) {
      problems.push(`sync history of ArgoCD Application ${app.namespace}/${app.name}: ${describeKubernetesError(err)}`);
    }
  }
  return { kube, prom, rollouts, problems: [...problems, ...(kube?.problems ?? []), ...(prom?.problems ?? [])] };
}

export function evidenceOf(alert: WebhookAlert, ctx: GatheredContext): AlertEvidence {
  const peaks = ctx.prom?.peaks ?? {};
  return {
    alertType: alertTypeOf(alert.labels),
    startsAt: new Date(alert.startsAt),
    logLines: ctx.kube?.logLines ?? [],
    events: ctx.kube?.events ?? [],
    restartCount: ctx.kube?.pod?.restartCount,
    terminatedReasons: ctx.kube?.pod?.terminatedReasons ?? [],
    cpuThrottlingRatio: peaks.cpuThrottlingRatio,
    memoryLimitRatio: peaks.memoryLimitRatio,
    restartsInWindow: peaks.restartsInWindow,
    oomKilledSeries: (peaks.oomKilled ?? 0) > 0,
    requestRate: peaks.requestRate,
    requestRateBaseline: ctx.prom?.requestRateBaseline,
    queries: ctx.prom?.queries ?? {},
    rollouts: ctx.rollouts,
  };
}

/** The offline report: code alone. */
export function offlineReport(alert: WebhookAlert, ctx: GatheredContext): AlertReport {
  const labels = alert.labels;
  const ranked = rankCauses(evidenceOf(alert, ctx));
  const top = ranked[0];
  const where = [labels.namespace, labels.pod ?? ctx.kube?.pod?.name].filter(Boolean).join('/');
  const summary = top.id === 'insufficient-evidence'
    ? `${labels.alertname} (${labels.severity ?? 'unknown severity'})${where ? ` on ${where}` : ''}: no documented cause matched the logs, events and metrics read.`
    : `${labels.alertname} (${labels.severity ?? 'unknown severity'})${where ? ` on ${where}` : ''}: most likely ${top.title.toLowerCase()} — ${top.evidence[0]}`;
  return {
    summary,
    team: teamOf(labels),
    dedupeKey: alertDedupeKey(alert.fingerprint),
    alertname: labels.alertname ?? 'unknown',
    alertType: alertTypeOf(labels),
    severity: labels.severity ?? 'unknown',
    status: alert.status,
    fingerprint: alert.fingerprint,
    startsAt: alert.startsAt,
    ...(alert.status === 'resolved' ? { endsAt: alert.endsAt } : {}),
    ...(labels.namespace ? { namespace: labels.namespace } : {}),
    ...((labels.pod ?? ctx.kube?.pod?.name) ? { pod: labels.pod ?? ctx.kube?.pod?.name } : {}),
    ...((labels.model_name ?? labels.inferenceservice) ? { model: labels.model_name ?? labels.inferenceservice } : {}),
    causes: ranked,
    topCause: top.id,
    sources: {
      logLines: ctx.kube?.logLines.length ?? 0,
      events: ctx.kube?.events.length ?? 0,
      rollouts: ctx.rollouts.length,
      queries: ctx.prom?.queries ?? {},
      peaks: ctx.prom?.peaks ?? {},
      problems: ctx.problems,
    },
  };
}
