import { explain } from './explain';
import { gatherContext, offlineReport, type ContextOptions } from './gather';
import { readAlertGroup } from './input';
import { alertPublication } from './publish';
import { toMarkdown } from './render';
import { UsageError } from '../analysis/errors';
import { Redactor } from '../analysis/redact';
import { envelope } from '../analysis/report';
import type { AnalysisSession } from '../analysis/run';

export interface AlertRunInput {
  /** The dispatched group (see src/contracts/dispatch.ts). */
  readonly file: string;
  /** Analyse only this alert of the group. */
  readonly fingerprint?: string;
  /** Where the context comes from (Prometheus, Kubernetes, release history). */
  readonly context: ContextOptions;
  readonly dailyBudget: number;
  readonly maxPromptTokens: number;
}

/**
 * Alert analysis on the spine: for each alert of the group, gather the context (a resolved alert
 * needs none), rank the causes by code, explain a firing one with the provider, render, emit
 * (`--out DIR/<fingerprint>` when the group has several alerts) and publish.
 */
export async function runAlertAnalysis(session: AnalysisSession, input: AlertRunInput): Promise<void> {
  const { group } = readAlertGroup(input.file);
  const alerts = group.alerts.filter((a) => !input.fingerprint || a.fingerprint === input.fingerprint);
  if (alerts.length === 0) throw new UsageError(`no alert with fingerprint ${String(input.fingerprint)} in ${input.file}`);
  const provider = session.provider();
  const out = session.options.out;
  for (const alert of alerts) {
    const redactor = new Redactor();
    const ctx = alert.status === 'resolved' ? { rollouts: [], problems: [] } : await gatherContext(alert, input.context);
    let report = offlineReport(alert, ctx);
    let meta: Parameters<typeof envelope>[2] = { provider: 'offline' };
    if (alert.status === 'firing') {
      const explained = await explain(alert, ctx, report, {
        provider, redactor, store: session.store(), dailyBudget: input.dailyBudget, maxPromptTokens: input.maxPromptTokens,
      });
      report = explained.report;
      meta = {
        provider: explained.result.provider,
        promptVersion: explained.result.promptVersion,
        promptTokens: explained.result.promptTokens,
        fallbackReason: explained.result.fallbackReason,
      };
    } else {
      report = { ...report, summary: `${report.alertname} resolved at ${alert.endsAt}.` };
    }
    const md = toMarkdown(report);
    const env = envelope('alert', redactor.redactDeep(report), { ...meta, redactions: redactor.redactions });
    session.emit(env, md.body, alerts.length > 1 && out ? `${out}/${alert.fingerprint}` : out, redactor);
    await session.publish(alertPublication(alert, report, md, env, redactor), redactor);
  }
}
