import * as fs from 'node:fs';
import { renderMarkdown } from './explain';
import { triageEnvelopeSchema } from './schema';
import type { TriageReport } from './types';
import { UsageError } from '../analysis/errors';
import { sanitizeReport } from '../analysis/hygiene';
import { Redactor } from '../analysis/redact';
import type { Publication, SinkRoute } from '../analysis/run';
import type { SinkKind } from '../analysis/sinks';

/**
 * Where a triage report goes. The default branch's failures → an issue and Slack; other branches
 * and pull requests → a comment on the commit (an issue when the commit is unknown), no Slack.
 * Runs from forks post nowhere but the job summary: their logs are untrusted and their token has
 * no write access.
 */
export function triagePublication(report: TriageReport, markdown: string, opts: { defaultBranch: string; fromReport: boolean }): Publication {
  const onDefault = report.branch === opts.defaultBranch;
  const route = (kind: SinkKind): SinkRoute => {
    // The analysis run already wrote --out; a re-posted report writes it here.
    if (kind === 'file') return opts.fromReport ? { action: 'post' } : { action: 'skip' };
    if ((kind === 'github' || kind === 'slack') && report.forkRun) return { action: 'skip', reason: `run from a fork: not posting to ${kind} (job summary only)` };
    if (kind === 'slack' && !onDefault) {
      return { action: 'skip', reason: `branch ${report.branch ?? '(unknown)'} is not ${opts.defaultBranch}: Slack gets failures on ${opts.defaultBranch} only` };
    }
    return { action: 'post', githubMode: onDefault || !report.commitSha ? 'issue' : 'commit-comment' };
  };
  return {
    post: {
      dedupeKey: report.dedupeKey,
      title: triageTitle(report),
      body: markdown,
      labels: [`type:${report.failureType}`, `team:${report.team}`],
      team: report.team,
      commitSha: report.commitSha,
    },
    route,
    announce: true,
  };
}

/** `CI <type> in <workflow> / <job>: <first finding>`. */
export function triageTitle(r: TriageReport): string {
  const where = [r.workflow, r.job].filter(Boolean).join(' / ');
  const first = r.findings[0];
  const what = first ? (first.id ?? first.rule ?? first.message).slice(0, 80) : 'cause not determined';
  return `CI ${r.failureType}${where ? ` in ${where}` : ''}: ${what}`;
}

/**
 * Reads a report.json written by the analysis job for posting. That job read untrusted logs, so the
 * report is re-validated, hygiene and redaction are applied again, and the run link is kept only
 * when it points at this repository on the GitHub server.
 * @throws UsageError naming the file and the failing field
 */
export function readTriageReport(file: string, env: NodeJS.ProcessEnv = process.env): { report: TriageReport; markdown: string; redactor: Redactor } {
  if (!fs.existsSync(file)) throw new UsageError(`--from-report ${file} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--from-report ${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = triageEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--from-report ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const redactor = new Redactor();
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
  const { runUrl: given, ...rest } = parsed.data;
  const runUrl = given && parsed.data.repository && given.startsWith(`${server}/${parsed.data.repository}/actions/runs/`) ? given : undefined;
  const report = redactor.redactDeep(
    sanitizeReport(rest as unknown as TriageReport, {
      authoritative: { failureType: parsed.data.failureType, team: parsed.data.team as TriageReport['team'], ...(runUrl ? { runUrl } : {}) },
    }),
  );
  return { report, markdown: renderMarkdown(report, parsed.data.provider), redactor };
}
