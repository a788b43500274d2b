import { Command, Option } from 'commander';
import {
  bumpImage,
  DEFAULT_SYNTH_COMMAND,
  ReleaseChangeOptions,
  ReleaseChangeResult,
  ReleaseUsageError,
  ReleaseWorkError,
  rollbackImage,
} from '../release';
import type { RegisterCommand } from './commands';

interface BumpFlags {
  image?: string;
  digest?: string;
  modelVersion?: string;
  runId?: string;
  commit?: boolean;
  push?: boolean;
  rollback?: boolean;
  to?: string;
  repoDir: string;
  synthCommand: string;
  remote: string;
  branch?: string;
  maxPushAttempts: string;
  json?: boolean;
}

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
    const attempts = Number(flags.maxPushAttempts);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
      throw new ReleaseUsageError(`--max-push-attempts must be an integer from 1 to 10 (got "${flags.maxPushAttempts}")`);
    }
    const common: ReleaseChangeOptions = {
      repoDir: flags.repoDir,
      synthCommand: flags.synthCommand,
      commit: flags.commit,
      push: flags.push,
      remote: flags.remote,
      branch: flags.branch,
      maxPushAttempts: attempts,
      log: (line) => err.write(`bump-image: ${line}\n`),
    };
    let result: ReleaseChangeResult;
    if (flags.rollback) {
      if (flags.image !== undefined || flags.digest !== undefined) {
        throw new ReleaseUsageError('--rollback takes --to, not --image/--digest');
      }
      result = rollbackImage({ ...common, to: flags.to });
    } else {
      if (flags.to !== undefined) throw new ReleaseUsageError('--to only applies with --rollback');
      const missing = [flags.image === undefined && '--image', flags.digest === undefined && '--digest'].filter(Boolean);
      if (missing.length > 0) throw new ReleaseUsageError(`missing required option ${missing.join(' and ')}`);
      result = bumpImage({ ...common, image: flags.image!, digest: flags.digest!, modelVersion: flags.modelVersion, runId: flags.runId });
    }
    out.write(flags.json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
    return 0;
  } catch (e) {
    const error = e as Error;
    err.write(`bump-image: ${error.message}\n`);
    if (error instanceof ReleaseUsageError) return 2;
    if (error instanceof ReleaseWorkError) return 1;
    return 1;
  }
}
