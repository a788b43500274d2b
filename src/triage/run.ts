import * as fs from 'node:fs';
import { fetchRun } from './github';
import { readTriageReport, triagePublication } from './publish';
import { JobLog, triage, TriageContext } from './triage';
import { UsageError } from '../analysis/errors';
import type { AnalysisSession } from '../analysis/run';

/** What to triage: saved job logs, a run read through the GitHub API, or a report.json to post. */
export type TriageInput =
  | { readonly kind: 'logs'; readonly files: readonly string[]; readonly job?: string; readonly context: TriageContext }
  | { readonly kind: 'api'; readonly token: string; readonly repository: string; readonly runId: number; readonly baseUrl?: string }
  | { readonly kind: 'report'; readonly file: string };

export interface TriageRunOptions {
  /** Branch whose failures open issues and go to Slack. */
  readonly defaultBranch: string;
  readonly dailyBudget: number;
  readonly maxPromptTokens: number;
}

/**
 * Triage on the spine: classify and explain the logs (or re-validate a report from the analysis job),
 * emit, and publish by the triage routing policy (src/triage/publish.ts).
 */
export async function runTriage(session: AnalysisSession, input: TriageInput, opts: TriageRunOptions): Promise<void> {
  if (input.kind === 'report') {
    const { report, markdown, redactor } = readTriageReport(input.file);
    await session.publish(triagePublication(report, markdown, { defaultBranch: opts.defaultBranch, fromReport: true }), redactor);
    return;
  }
  // Saved logs (`--log`) have no API to read files through: the prompt's flagged-file block stays empty.
  const fetched = input.kind === 'logs'
    ? { logs: readLogs(input.files, input.job), context: input.context, readFile: undefined }
    : await fetchRun(input);
  const { logs, context } = fetched;
  // Fork runs get the base repository's secrets under workflow_run: never send their logs to an LLM.
  const provider = session.provider({ offline: Boolean(context.forkRun) });
  // A fork's code never reaches an LLM either (its provider is offline): nothing to fetch.
  const readFile = context.forkRun ? undefined : fetched.readFile;
  const res = await triage(logs, context, {
    provider,
    store: session.store(),
    dailyBudget: opts.dailyBudget,
    maxPromptTokens: opts.maxPromptTokens,
    readFile,
  });
  session.emit(res.report, res.markdown, undefined, res.redactor);
  await session.publish(triagePublication(res.report, res.markdown, { defaultBranch: opts.defaultBranch, fromReport: false }), res.redactor);
}

function readLogs(files: readonly string[], job: string | undefined): JobLog[] {
  return files.map((f) => {
    if (!fs.existsSync(f)) throw new UsageError(`--log ${f} does not exist`);
    return { source: f, text: fs.readFileSync(f, 'utf8'), ...(job ? { job } : {}) };
  });
}
