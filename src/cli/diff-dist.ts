import type { Command } from 'commander';
import { DistDiffRequest, DistDiffUsageError, ReportRejected, runDistDiffRequest } from '../review';
import type { RegisterCommand } from './commands';

/**
 * `mlops diff-dist`: the dist/ change of a pull request per ArgoCD Application.
 *   diff: `--base REV --head REV [--pr N --head-sha SHA] [--json | --out FILE] [--markdown FILE]`
 *   post: `--post FILE --repo OWNER/NAME [--pr N] [--head-sha SHA --head-repo OWNER/NAME]` (re-validates FILE; GITHUB_TOKEN)
 */
export const registerDiffDist: RegisterCommand = (program: Command) => {
  program
    .command('diff-dist')
    .description('Diff dist/ between two revisions per ArgoCD Application, or post such a diff as the one pull request comment')
    .option('--base <rev>', 'base revision (e.g. HEAD^1 of a pull request merge commit)')
    .option('--head <rev>', 'head revision')
    .option('--repo-dir <dir>', 'repository root', process.cwd())
    .option('--pr <n>', 'pull request number (recorded in the diff; checked when posting)')
    .option('--head-sha <sha>', "the pull request's head commit (recorded in the diff; checked when posting)")
    .option('--json', 'print the diff as JSON instead of the Markdown comment')
    .option('--out <file>', 'write the diff JSON to this file')
    .option('--markdown <file>', 'also write the rendered comment to this file (e.g. the job summary)')
    .option('--post <file>', 'post (create or update) the comment from a diff JSON, re-validated')
    .option('--repo <owner/name>', 'repository to post to (with --post)')
    .option('--head-repo <owner/name>', "with --post: the triggering run's head repository (tells a pull request that moved on from a foreign one)")
    .action(async (flags: DistDiffRequest) => {
      process.exitCode = await runDiffDist(flags);
    });
};

/** Returns the exit code: 0 done, 1 the work failed, 2 bad usage or a rejected report. */
export async function runDiffDist(
  flags: DistDiffRequest,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    out.write(await runDistDiffRequest(flags, process.env, (line) => err.write(`diff-dist: ${line}\n`)));
    return 0;
  } catch (e) {
    const code = e instanceof DistDiffUsageError || e instanceof ReportRejected ? 2 : 1;
    err.write(`mlops diff-dist: ${e instanceof ReportRejected ? 'refused: ' : ''}${(e as Error).message}\n`);
    return code;
  }
}
