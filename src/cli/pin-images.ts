import { Command } from 'commander';
import { PinRequest, PinUsageError, runPinRequest } from '../oci/pin-images';
import { DEFAULT_SYNTH_COMMAND } from '../release';
import type { RegisterCommand } from './commands';

type PinFlags = PinRequest & { readonly json?: boolean };

/** `mlops pin-images`: upstream tags → digests in src/config/images.json (docs/images.md). */
export const registerPinImages: RegisterCommand = (program: Command) => {
  program
    .command('pin-images')
    .description('Resolve every image tag in src/config/images.json to its digest (OCI distribution API), re-synthesize dist/.')
    .option('--check', 'exit 1 when an upstream pin is a placeholder or no longer matches its tag; write nothing')
    .option('--offline', 'with --check: validate the file and report placeholders without network')
    .option('--built <name=repository@digest...>', 'record pushed images instead (platform, mlflow), e.g. platform=ghcr.io/o/r/mlops@sha256:…')
    .option('--commit', 'one commit of images.json and dist/')
    .option('--push', 'push the commit (implies --commit); a race is retried by rebasing')
    .option('--repo-dir <dir>', 'repository root', process.cwd())
    .option('--synth-command <cmd>', 'command that re-synthesizes dist/', DEFAULT_SYNTH_COMMAND)
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--branch <name>', 'branch to push to (default: the current branch)')
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: PinFlags) => {
      process.exitCode = await runPinImages(flags);
    });
};

/** Exit code: 0 done, 1 a lookup, check or write failed, 2 bad usage. */
export async function runPinImages(
  flags: PinFlags,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    const result = await runPinRequest(flags, (line) => err.write(`pin-images: ${line}\n`));
    (result.exitCode === 0 ? out : err).write(flags.json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
    return result.exitCode;
  } catch (e) {
    err.write(`pin-images: ${(e as Error).message}\n`);
    return e instanceof PinUsageError ? 2 : 1;
  }
}
