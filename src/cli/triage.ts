import type { Command } from 'commander';
import { addAnalysisOptions, resolveAnalysisOptions } from './analysis-options';
import type { RegisterCommand } from './commands';
import { collect } from './flags';
import { UsageError } from '../analysis/errors';
import { runAnalysis } from '../analysis/run';
import { runTriage, type TriageInput } from '../triage/run';
import type { TriageContext } from '../triage/triage';

/**
 * `mlops triage`: explain a failed pipeline run.
 *   analysis: `--repo OWNER/NAME --run-id N` (GitHub API) or `--log FILE…` (saved logs)
 *   posting:  `--from-report DIR/report.json --sink github|slack` (re-validates, posts idempotently)
 */
export const registerTriage: RegisterCommand = (program: Command) => {
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
  cmd.action(async (raw: Record<string, unknown>) => void await triageCommand(raw));
};

/** The command's body, callable in process: flags (commander's camelCase object) → exit code. */
export function triageCommand(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runAnalysis('triage', () => resolveAnalysisOptions(raw), (session) => runTriage(session, inputOf(raw, env), {
    defaultBranch: String(raw.defaultBranch ?? 'main'), dailyBudget: session.options.dailyBudget, maxPromptTokens: session.options.maxPromptTokens,
  }));
}

function inputOf(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): TriageInput {
  const modes = [raw.repo || raw.runId ? 'api' : '', raw.log ? 'log' : '', raw.fromReport ? 'report' : ''].filter(Boolean);
  if (modes.length !== 1) throw new UsageError('give exactly one input: --repo and --run-id, --log FILE…, or --from-report FILE');
  if (raw.fromReport) return { kind: 'report', file: String(raw.fromReport) };
  if (raw.log) {
    if (raw.sha && !/^[0-9a-f]{40}$/.test(String(raw.sha))) throw new UsageError(`--sha must be a 40-hex commit SHA, got "${String(raw.sha)}"`);
    const context = { workflow: raw.workflow, branch: raw.branch, commitSha: raw.sha, repository: env.GITHUB_REPOSITORY };
    return { kind: 'logs', files: raw.log as string[], job: raw.job as string | undefined, context: Object.fromEntries(Object.entries(context).filter(([, v]) => v)) as TriageContext };
  }
  if (!raw.repo || !raw.runId) throw new UsageError('--repo and --run-id go together');
  if (!/^[\w.-]+\/[\w.-]+$/.test(String(raw.repo))) throw new UsageError(`--repo must look like owner/name, got "${String(raw.repo)}"`);
  const runId = Number(raw.runId);
  if (!Number.isInteger(runId) || runId <= 0) throw new UsageError(`--run-id must be a positive integer, got "${String(raw.runId)}"`);
  if (!env.GITHUB_TOKEN) throw new UsageError('--repo/--run-id needs GITHUB_TOKEN in the environment');
  return { kind: 'api', token: env.GITHUB_TOKEN, repository: String(raw.repo), runId, baseUrl: env.GITHUB_API_URL };
}
