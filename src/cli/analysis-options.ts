import { Command, Option } from 'commander';
import { collect, count } from './flags';
import { DEFAULT_DAILY_BUDGET } from '../analysis/analyze';
import { UsageError } from '../analysis/errors';
import { providerNames, ProviderName } from '../analysis/report';
import type { AnalysisRunOptions } from '../analysis/run';
import { SinkKind, sinkKinds } from '../analysis/sinks/types';
import { DEFAULT_PROMPT_TOKENS } from '../analysis/tokens';

/**
 * The flags shared by `triage`, `analyze-alert` and `analyze-drift`:
 * `--provider offline|gemini|openai` (`--offline` short), `--sink stdout|file|github|slack`,
 * `--out DIR`, `--json`; the run itself (exit codes 0/1/2) is src/analysis/run.ts.
 */

/** Parsed shared options. */
export interface AnalysisCliOptions extends AnalysisRunOptions {
  readonly sinks: SinkKind[];
  readonly dailyBudget: number;
  readonly maxPromptTokens: number;
}

/** Adds the shared flags to a command. Call once per analysis command. */
export function addAnalysisOptions(command: Command): Command {
  return command
    .addOption(new Option('--provider <name>', 'LLM provider (default: gemini when GEMINI_API_KEY is set, else offline)').choices([...providerNames]))
    .option('--offline', 'short for --provider offline')
    .option('--model <id>', 'model id (default: GEMINI_MODEL / OPENAI_MODEL or the built-in default)')
    .option('--sink <kind>', `where the report goes, repeatable: ${sinkKinds.join('|')} (default stdout)`, collect)
    .option('--out <dir>', 'write report.json and report.md into DIR')
    .option('--json', 'print one JSON object (the report plus schemaVersion, kind, provider, …) on stdout')
    .option('--state-dir <dir>', 'cache and daily-budget state (default $MLOPS_STATE_DIR or ~/.cache/mlops)')
    .option('--daily-budget <n>', `LLM calls per provider per UTC day (default ${DEFAULT_DAILY_BUDGET})`)
    .option('--max-prompt-tokens <n>', `largest prompt sent (default ${DEFAULT_PROMPT_TOKENS})`)
    .option('--timeout <ms>', 'per-call LLM timeout in ms (default 60000)');
}

/** Validates the shared flags commander collected. @throws UsageError */
export function resolveAnalysisOptions(raw: Record<string, unknown>): AnalysisCliOptions {
  if (raw.offline && raw.provider && raw.provider !== 'offline') {
    throw new UsageError(`--offline contradicts --provider ${String(raw.provider)}`);
  }
  const sinks = ((raw.sink as string[] | undefined) ?? ['stdout']).map((s) => {
    if (!(sinkKinds as readonly string[]).includes(s)) throw new UsageError(`--sink "${s}" is not one of: ${sinkKinds.join(', ')}`);
    return s as SinkKind;
  });
  if (sinks.includes('file') && !raw.out) throw new UsageError('--sink file needs --out DIR');
  return {
    provider: raw.offline ? 'offline' : (raw.provider as ProviderName | undefined),
    model: raw.model as string | undefined,
    sinks: [...new Set(sinks)],
    out: raw.out as string | undefined,
    json: Boolean(raw.json),
    stateDir: raw.stateDir as string | undefined,
    dailyBudget: count('--daily-budget', raw.dailyBudget, DEFAULT_DAILY_BUDGET),
    maxPromptTokens: count('--max-prompt-tokens', raw.maxPromptTokens, DEFAULT_PROMPT_TOKENS),
    timeoutMs: raw.timeout === undefined ? undefined : count('--timeout', raw.timeout, 60_000),
  };
}
