import * as fs from 'node:fs';
import type { Command } from 'commander';
import {
  addAnalysisOptions,
  AnalysisStore,
  createProvider,
  createSink,
  emitReport,
  Redactor,
  resolveAnalysisOptions,
  runAnalysisCommand,
  sanitizeReport,
  UsageError,
} from '../analysis';
import { renderMarkdown } from '../triage/explain';
import { fetchRun } from '../triage/github';
import { triageEnvelopeSchema } from '../triage/schema';
import { JobLog, triage, TriageContext } from '../triage/triage';
import type { TriageReport } from '../triage/types';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * `mlops triage`: explain a failed pipeline run.
 *   analysis: `--repo OWNER/NAME --run-id N` (GitHub API) or `--log FILE…` (saved logs)
 *   posting:  `--from-report DIR/report.json --sink github|slack` (re-validates, posts idempotently)
 */
export function registerTriage(program: Command): void {
  const cmd = program
    .command('triage')
    .description('Classify a failed CI run by code, explain it (LLM or offline), and post it where the owning team works')
    .option('--repo <owner/name>', 'repository of the failed run (with --run-id; token from GITHUB_TOKEN)')
    .option('--run-id <id>', 'workflow run id')
    .option('--log <file>', 'a saved job log (repeatable)', collect)
    .option('--from-report <file>', 'post an existing report.json (re-validated) instead of analysing')
    .option('--workflow <name>', 'workflow name for --log input (part of the dedupe key)')
    .option('--job <name>', 'job name for --log input')
    .option('--branch <name>', 'branch of the run for --log input (routing: main → issue + Slack)')
    .option('--sha <sha>', 'commit SHA of the run for --log input (commit comments)')
    .option('--default-branch <name>', 'branch whose failures open issues', 'main');
  addAnalysisOptions(cmd);
  cmd.action(async (raw: Record<string, unknown>) => {
    await runAnalysisCommand('triage', () => runTriage(raw));
  });
}

async function runTriage(raw: Record<string, unknown>): Promise<number> {
  const opts = resolveAnalysisOptions(raw);
  const modes = [raw.repo || raw.runId ? 'api' : '', raw.log ? 'log' : '', raw.fromReport ? 'report' : ''].filter(Boolean);
  if (modes.length !== 1) throw new UsageError('give exactly one input: --repo and --run-id, --log FILE…, or --from-report FILE');
  const defaultBranch = String(raw.defaultBranch ?? 'main');

  let report: TriageReport & { provider?: string };
  let markdown: string;
  let redactor: Redactor;
  if (raw.fromReport) {
    const file = String(raw.fromReport);
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
    redactor = new Redactor();
    // Re-apply hygiene and redaction: report.json came from a job that read untrusted logs.
    // The run link is kept only when it points at this repository on the GitHub server.
    const server = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
    const runUrl = parsed.data.runUrl && parsed.data.repository && parsed.data.runUrl.startsWith(`${server}/${parsed.data.repository}/actions/runs/`) ? parsed.data.runUrl : undefined;
    const { runUrl: _dropped, ...rest } = parsed.data;
    const clean = redactor.redactDeep(
      sanitizeReport(rest as unknown as TriageReport, {
        authoritative: { failureType: parsed.data.failureType, team: parsed.data.team as TriageReport['team'], ...(runUrl ? { runUrl } : {}) },
      }),
    );
    report = clean;
    markdown = renderMarkdown(clean, parsed.data.provider);
  } else {
    let logs: JobLog[];
    let ctx: TriageContext;
    if (raw.log) {
      logs = (raw.log as string[]).map((f) => {
        if (!fs.existsSync(f)) throw new UsageError(`--log ${f} does not exist`);
        return { source: f, text: fs.readFileSync(f, 'utf8'), ...(raw.job ? { job: String(raw.job) } : {}) };
      });
      if (raw.sha && !/^[0-9a-f]{40}$/.test(String(raw.sha))) throw new UsageError(`--sha must be a 40-hex commit SHA, got "${String(raw.sha)}"`);
      ctx = {
        ...(raw.workflow ? { workflow: String(raw.workflow) } : {}),
        ...(raw.branch ? { branch: String(raw.branch) } : {}),
        ...(raw.sha ? { commitSha: String(raw.sha) } : {}),
        ...(process.env.GITHUB_REPOSITORY ? { repository: process.env.GITHUB_REPOSITORY } : {}),
      };
    } else {
      if (!raw.repo || !raw.runId) throw new UsageError('--repo and --run-id go together');
      if (!/^[\w.-]+\/[\w.-]+$/.test(String(raw.repo))) throw new UsageError(`--repo must look like owner/name, got "${String(raw.repo)}"`);
      const runId = Number(raw.runId);
      if (!Number.isInteger(runId) || runId <= 0) throw new UsageError(`--run-id must be a positive integer, got "${String(raw.runId)}"`);
      const token = process.env.GITHUB_TOKEN;
      if (!token) throw new UsageError('--repo/--run-id needs GITHUB_TOKEN in the environment');
      const fetched = await fetchRun({ token, repository: String(raw.repo), runId, baseUrl: process.env.GITHUB_API_URL });
      logs = fetched.logs;
      ctx = fetched.context;
    }
    // Fork runs get the base repository's secrets under workflow_run: never send their logs to an LLM.
    const provider = createProvider({ provider: ctx.forkRun ? 'offline' : opts.provider, model: opts.model, timeoutMs: opts.timeoutMs });
    const store = provider.name === 'offline' ? undefined : new AnalysisStore(opts.stateDir);
    try {
      const res = await triage(logs, ctx, { provider, store, dailyBudget: opts.dailyBudget, maxPromptTokens: opts.maxPromptTokens });
      report = res.report;
      markdown = res.markdown;
      redactor = res.redactor;
      emitReport(res.report, markdown, opts);
    } finally {
      store?.close();
    }
  }

  // Posting, with routing: the default branch → issue + Slack; other branches and PRs → commit comment.
  const onDefault = report.branch === defaultBranch;
  let failed = 0;
  const store = opts.sinks.some((s) => s === 'slack') ? new AnalysisStore(opts.stateDir) : undefined;
  try {
    for (const kind of opts.sinks) {
      if (kind === 'stdout' && opts.json) continue; // stdout carries the JSON object
      if (kind === 'file') {
        if (raw.fromReport) await createSink('file', { out: opts.out, redactor }).post({ dedupeKey: report.dedupeKey, title: title(report), body: markdown });
        continue; // the analysis run already wrote --out
      }
      if ((kind === 'github' || kind === 'slack') && report.forkRun) {
        process.stderr.write(`mlops triage: run from a fork: not posting to ${kind} (job summary only)\n`);
        continue;
      }
      if (kind === 'slack' && !onDefault) {
        process.stderr.write(`mlops triage: branch ${report.branch ?? '(unknown)'} is not ${defaultBranch}: Slack gets failures on ${defaultBranch} only\n`);
        continue;
      }
      const githubMode = onDefault || !report.commitSha ? 'issue' : 'commit-comment';
      const sink = createSink(kind, { out: opts.out, githubMode, redactor, store });
      try {
        const res = await sink.post({
          dedupeKey: report.dedupeKey,
          title: title(report),
          body: markdown,
          labels: [`type:${report.failureType}`, `team:${report.team}`],
          team: report.team,
          commitSha: report.commitSha,
        });
        if (kind !== 'stdout') process.stderr.write(`mlops triage: ${kind}: ${res.action}${res.ref ? ` ${res.ref}` : ''}\n`);
      } catch (err) {
        failed++;
        process.stderr.write(`mlops triage: posting to ${kind} failed: ${(err as Error).message}\n`);
      }
    }
  } finally {
    store?.close();
  }
  return failed ? 1 : 0;
}

function title(r: TriageReport): string {
  const where = [r.workflow, r.job].filter(Boolean).join(' / ');
  const first = r.findings[0];
  const what = first ? (first.id ?? first.rule ?? first.message).slice(0, 80) : 'cause not determined';
  return `CI ${r.failureType}${where ? ` in ${where}` : ''}: ${what}`;
}
