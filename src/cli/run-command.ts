import { UsageError } from '../analysis/errors';

/**
 * Runs a command body that is not an analysis run (those use src/analysis/run.ts) and maps its
 * outcome to the exit code: resolves → 0 (or the number it returns), UsageError → 2, anything else
 * → 1. Messages go to stderr, prefixed with the command.
 */
export async function runCommand(name: string, body: () => Promise<number | void>): Promise<number> {
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
