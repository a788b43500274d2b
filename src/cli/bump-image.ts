import { Command, Option } from 'commander';
import type { RegisterCommand } from './commands';
import { changeRelease, DEFAULT_SYNTH_COMMAND, ReleaseUsageError, type ReleaseRequest } from '../release';

type BumpFlags = Omit<ReleaseRequest, 'log'> & { readonly json?: boolean };

/** `mlops bump-image`: points release.json at a new image digest (or rolls back), re-synthesizes dist/. */
export const registerBumpImage: RegisterCommand = (program: Command) => {
  program
    .command('bump-image')
    .description('Point src/config/release.json at an image digest, re-synthesize dist/, optionally commit and push.')
    .option('--image <ref>', 'image repository without tag, e.g. ghcr.io/OWNER/NAME')
    .option('--digest <sha256:hex>', 'image digest, sha256: followed by 64 hex')
    .option('--model-version <n>', 'MLflow model registry version baked into the image')
    .option('--run-id <id>', 'MLflow run id of that model version')
    .option('--commit', 'make one commit with release.json and dist/')
    .option('--push', 'push the commit (implies --commit); a non-fast-forward rejection is retried by rebasing')
    .option('--rollback', 'restore an earlier release from the git history of release.json')
    .option('--to <sha256:hex>', 'with --rollback: the digest to restore (default: the previous one)')
    .option('--repo-dir <dir>', 'repository root', process.cwd())
    .option('--synth-command <cmd>', 'command that re-synthesizes dist/', DEFAULT_SYNTH_COMMAND)
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--branch <name>', 'branch to push to (default: the current branch)')
    .addOption(new Option('--max-push-attempts <n>', 'push attempts before giving up').default('3'))
    .option('--json', 'print the result as one JSON object')
    .action((flags: BumpFlags) => {
      process.exitCode = runBumpImage(flags);
    });
};

/** Runs the command; returns the exit code (0 done or nothing to do, 1 work failed, 2 bad input). */
export function runBumpImage(flags: BumpFlags, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  try {
    const { json, ...request } = flags;
    const result = changeRelease({ ...request, log: (line) => err.write(`bump-image: ${line}\n`) });
    out.write(json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
    return 0;
  } catch (e) {
    err.write(`bump-image: ${(e as Error).message}\n`);
    return e instanceof ReleaseUsageError ? 2 : 1;
  }
}
