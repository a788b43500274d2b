import { z } from 'zod';
import { causeIds, rankCauses, type AlertEvidence, type CauseId, type RankedCause } from './causes';
import { describeKubernetesError, gatherKubernetes, loadKubeConfig, type KubernetesFacts } from './kubernetes';
import { gatherPrometheus, type PrometheusFacts } from './prometheus';
import { argocdHistory, defaultArgocdApplication, releaseHistory, type Rollout } from './rollouts';
import { analyze, type AnalyzeResult } from '../analysis/analyze';
import { sanitizeText } from '../analysis/hygiene';
import { loadPrompt } from '../analysis/prompts';
import type { LlmProvider } from '../analysis/providers/types';
import type { Redactor } from '../analysis/redact';
import type { Report } from '../analysis/report';
import type { AnalysisStore } from '../analysis/store';
import { alertCatalog, type AlertType } from '../config/metrics';
import { teamById, teams, type TeamId } from '../config/teams';
import type { WebhookAlert } from '../contracts/alertmanager';

/** The alert analysis report (`--json` prints it inside the shared envelope, kind `alert`). */
export interface AlertReport extends Report {
  summary: string;
  team: TeamId;
  dedupeKey: string;
  alertname: string;
  alertType: AlertType | 'unknown';
  severity: string;
  status: 'firing' | 'resolved';
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
  namespace?: string;
  pod?: string;
  model?: string;
  /** Code's ranking (all matched causes); the LLM may add explanation and remediation text only. */
  causes: Array<RankedCause & { explanation?: string }>;
  topCause: CauseId;
  /** What was read, and what could not be. */
  sources: {
    logLines: number;
    events: number;
    rollouts: number;
    queries: Record<string, string>;
    peaks: Partial<Record<string, number>>;
    problems: string[];
  };
}

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
export const alertDedupeKey = (fingerprint: string) => `alert:${fingerprint}`;

export function alertTypeOf(labels: Record<string, string>): AlertType | 'unknown' {
  const fromCatalog = (alertCatalog as Record<string, { type: AlertType }>)[labels.alertname]?.type;
  return (labels.type as AlertType | undefined) && Object.values(alertCatalog).some((a) => a.type === labels.type)
    ? (labels.type as AlertType)
    : fromCatalog ?? 'unknown';
}

/** The owning team from the alert's `team` label, else the catalog's, else platform. */
export function teamOf(labels: Record<string, string>): TeamId {
  const id = labels.team ?? (alertCatalog as Record<string, { team: string }>)[labels.alertname]?.team ?? 'platform';
  return id in teams ? teamById(id).id : 'platform';
}

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

/** What the LLM may answer: explanation text for the code's causes, by id. */
export const llmAnswerSchema = z.object({
  summary: z.string().min(1).max(1000),
  causes: z.array(z.object({
    id: z.enum(causeIds as [CauseId, ...CauseId[]]),
    explanation: z.string().max(2000),
    evidence: z.array(z.string().max(500)).max(5),
    remediation: z.string().max(2000),
  })).max(3),
});
export type LlmAnswer = z.infer<typeof llmAnswerSchema>;

/**
 * Merges the model's explanation into the code's report: order, ids, scores and evidence stay
 * the code's; a cause id the code did not find is ignored; evidence lines the model quotes are
 * kept only when they occur verbatim in what it was given; all text is sanitised.
 */
export function mergeExplanation(report: AlertReport, answer: LlmAnswer, givenText: string): AlertReport {
  const byId = new Map(answer.causes.map((c) => [c.id, c]));
  return {
    ...report,
    summary: sanitizeText(answer.summary),
    causes: report.causes.map((c) => {
      const a = byId.get(c.id);
      if (!a) return c;
      const quoted = a.evidence.filter((e) => e.trim().length > 0 && givenText.includes(e.trim()) && !c.evidence.includes(e));
      return {
        ...c,
        evidence: [...c.evidence, ...quoted.map((e) => sanitizeText(e))].slice(0, 8),
        explanation: sanitizeText(a.explanation),
        remediation: sanitizeText(a.remediation),
      };
    }),
  };
}

export interface ExplainOptions {
  readonly provider: LlmProvider;
  readonly redactor: Redactor;
  readonly store?: AnalysisStore;
  readonly dailyBudget?: number;
  readonly maxPromptTokens?: number;
}

/** Runs the LLM path (through the analysis core) or returns the offline report as is. */
export async function explain(
  alert: WebhookAlert,
  ctx: GatheredContext,
  report: AlertReport,
  opts: ExplainOptions,
): Promise<{ report: AlertReport; result: AnalyzeResult<LlmAnswer> }> {
  const logs = (ctx.kube?.logLines ?? []).slice(-150).map((l) => `${l.source}: ${l.line}`).join('\n') || '(none read)';
  const events = (ctx.kube?.events ?? []).join('\n') || '(none read)';
  const metrics = Object.entries(ctx.prom?.queries ?? {}).map(([k, q]) => `${k}: ${q} → ${ctx.prom?.peaks[k] ?? 'no data'}`).join('\n') || '(none read)';
  const top3 = report.causes.slice(0, 3).map(({ rank, id, title, evidence }) => ({ rank, id, title, evidence }));
  const prompt = loadPrompt('alert/sre', {
    alertname: report.alertname,
    alertType: report.alertType,
    severity: report.severity,
    team: teams[report.team].githubTeam,
    ranking: JSON.stringify(top3, null, 2),
    allowedCauses: top3.map((c) => c.id).join(', '),
    alert: JSON.stringify({ labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt, status: alert.status }, null, 2),
    logs,
    events,
    metrics,
  });
  const fallback = (): LlmAnswer => ({
    summary: report.summary,
    causes: report.causes.slice(0, 3).filter((c) => c.id !== 'insufficient-evidence' || report.causes.length === 1)
      .map((c) => ({ id: c.id, explanation: c.title, evidence: c.evidence.slice(0, 5), remediation: c.remediation })),
  });
  const result = await analyze({
    provider: opts.provider,
    prompt,
    schema: llmAnswerSchema,
    schemaName: 'alert_explanation',
    fallback,
    redactor: opts.redactor,
    store: opts.store,
    dailyBudget: opts.dailyBudget,
    maxPromptTokens: opts.maxPromptTokens,
  });
  if (result.provider === 'offline') return { report, result };
  const given = [logs, events, metrics, JSON.stringify(top3)].join('\n');
  return { report: mergeExplanation(report, result.answer, opts.redactor.redact(given)), result };
}

/** The Markdown posted to GitHub/Slack/stdout. */
export function toMarkdown(r: AlertReport): { title: string; body: string } {
  const team = teams[r.team];
  const title = r.status === 'resolved'
    ? `[alert] ${r.alertname} resolved${r.pod ? ` (${r.pod})` : ''}`
    : `[alert] ${r.alertname}${r.pod ? ` on ${r.pod}` : ''}: ${r.causes[0].title}`;
  const lines = [
    `${team.githubTeam}: **${r.alertname}** (${r.severity}, ${r.alertType}) is **${r.status}** since ${r.startsAt}${r.namespace ? ` in \`${r.namespace}\`` : ''}.`,
    '',
    r.summary,
    '',
    '## Most likely causes (ranked by code from the documented table)',
    '',
  ];
  for (const c of r.causes.slice(0, 3)) {
    lines.push(`${c.rank}. **${c.title}** (\`${c.id}\`, score ${c.score})`);
    if (c.explanation) lines.push(`   ${c.explanation}`);
    for (const e of c.evidence) lines.push(`   - \`${e.replace(/`/g, "'")}\``);
    lines.push(`   - Remediation: ${c.remediation}`);
  }
  lines.push('', `<sub>Read: ${r.sources.logLines} log lines, ${r.sources.events} events, ${Object.keys(r.sources.queries).length} Prometheus queries, ${r.sources.rollouts} releases. Fingerprint \`${r.fingerprint}\`.</sub>`);
  if (r.sources.problems.length > 0) {
    lines.push('', '<details><summary>Could not read</summary>', '', ...r.sources.problems.map((p) => `- ${p}`), '', '</details>');
  }
  return { title, body: lines.join('\n') };
}
