import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_DAILY_BUDGET } from './analyze';
import { UsageError } from './errors';
import { providerNames, ProviderName, ReportEnvelope } from './report';
import { SinkKind, sinkKinds } from './sinks/types';
import { DEFAULT_PROMPT_TOKENS } from './tokens';

/**
 * The CLI conventions shared by `triage`, `analyze-alert` and `analyze-drift` (issue 6):
 * `--provider offline|gemini|openai` (`--offline` short), `--sink stdout|file|github|slack`,
 * `--out DIR`, `--json`; exit 0 report produced, 1 analysis or posting failed, 2 bad usage/input.
 */

/** Parsed shared options. */
export interface AnalysisCliOptions {
  /** undefined = automatic (gemini when GEMINI_API_KEY is set, else offline). */
  readonly provider?: ProviderName;
  readonly model?: string;
  readonly sinks: SinkKind[];
  readonly out?: string;
  readonly json: boolean;
  readonly stateDir?: string;
  readonly dailyBudget: number;
  readonly maxPromptTokens: number;
  readonly timeoutMs?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

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

function positiveInt(flag: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got "${String(value)}"`);
  return n;
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
    dailyBudget: positiveInt('--daily-budget', raw.dailyBudget, DEFAULT_DAILY_BUDGET),
    maxPromptTokens: positiveInt('--max-prompt-tokens', raw.maxPromptTokens, DEFAULT_PROMPT_TOKENS),
    timeoutMs: raw.timeout === undefined ? undefined : positiveInt('--timeout', raw.timeout, 60_000),
  };
}

/**
 * Writes the report: `--out DIR` → DIR/report.json + DIR/report.md; `--json` → the envelope on
 * stdout; otherwise nothing here (the stdout sink prints the Markdown).
 */
export function emitReport(envelope: ReportEnvelope, markdown: string, opts: Pick<AnalysisCliOptions, 'out' | 'json'>, stdout: NodeJS.WritableStream = process.stdout): void {
  if (opts.out) {
    fs.mkdirSync(opts.out, { recursive: true });
    fs.writeFileSync(path.join(opts.out, 'report.json'), `${JSON.stringify(envelope, null, 2)}\n`);
    fs.writeFileSync(path.join(opts.out, 'report.md'), `${markdown}\n`);
  }
  if (opts.json) stdout.write(`${JSON.stringify(envelope)}\n`);
}

/**
 * Runs a command body and maps its outcome to the exit code: resolves → 0 (or the number it
 * returns), UsageError → 2, anything else → 1. Messages go to stderr, prefixed with the command.
 */
export async function runAnalysisCommand(name: string, body: () => Promise<number | void>): Promise<number> {
  let code: number;
  try {
    code = (await body()) ?? 0;
  } catch (err) {
    const usage = err instanceof UsageError;
    process.stderr.write(`mlops ${name}: ${usage ? '' : 'failed: '}${(err as Error).message}\n`);
    code = usage ? 2 : 1;
  }
  process.exitCode = code;
  return code;
}
