import type { AlertReport } from './report';
import { closeResolvedIssue } from './resolve';
import { UsageError } from '../analysis/errors';
import type { Redactor } from '../analysis/redact';
import type { ReportEnvelope } from '../analysis/report';
import type { Publication } from '../analysis/run';
import type { WebhookAlert } from '../contracts/alertmanager';

/**
 * Where an alert report goes: every sink gets the report; for a resolved alert the GitHub sink
 * instead closes the issue the firing alert opened (found by the same dedupe key), with a comment.
 */
export function alertPublication(
  alert: WebhookAlert,
  report: AlertReport,
  markdown: { title: string; body: string },
  envelope: ReportEnvelope,
  redactor: Redactor,
  env: NodeJS.ProcessEnv = process.env,
): Publication {
  return {
    post: {
      dedupeKey: report.dedupeKey,
      title: markdown.title,
      body: markdown.body,
      team: report.team,
      labels: [`alert:${report.alertname}`, `team:${report.team}`, `cause:${report.topCause}`],
      json: envelope,
    },
    route: (kind) => (kind === 'github' && alert.status === 'resolved'
      ? { action: 'custom', run: () => resolveIssue(alert, report, redactor, env) }
      : { action: 'post' }),
  };
}

async function resolveIssue(alert: WebhookAlert, report: AlertReport, redactor: Redactor, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) throw new UsageError('--sink github needs GITHUB_TOKEN and GITHUB_REPOSITORY');
  await closeResolvedIssue({
    token: env.GITHUB_TOKEN,
    repository: env.GITHUB_REPOSITORY,
    baseUrl: env.GITHUB_API_URL,
    dedupeKey: report.dedupeKey,
    comment: `Resolved at ${alert.endsAt}: ${report.alertname} is no longer firing.`,
    redactor,
  });
}
