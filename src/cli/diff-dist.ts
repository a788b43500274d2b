import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { checkTarget, diffDist, loadReport, pullRequestHead, renderComment, ReportRejected, upsertComment } from '../review';
import type { RegisterCommand } from './commands';

interface DiffDistFlags {
  base?: string;
  head?: string;
  repoDir: string;
  pr?: string;
  headSha?: string;
  json?: boolean;
  out?: string;
  markdown?: string;
  post?: string;
  repo?: string;
  headRepo?: string;
}

class Usage extends Error {}

const positiveInt = (flag: string, v: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(v)) throw new Usage(`${flag} must be a positive integer, got "${v}"`);
  return Number(v);
};
const sha40 = (flag: string, v: string) => {
  if (!/^[0-9a-f]{40}$/.test(v)) throw new Usage(`${flag} must be a 40-hex commit SHA, got "${v}"`);
  return v;
};

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
    .action(async (flags: DiffDistFlags) => {
      process.exitCode = await runDiffDist(flags);
    });
};

/** Returns the exit code: 0 done, 1 the work failed, 2 bad usage or a rejected report. */
export async function runDiffDist(
  flags: DiffDistFlags,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    const pr = flags.pr !== undefined ? positiveInt('--pr', flags.pr) : undefined;
    const headSha = flags.headSha !== undefined ? sha40('--head-sha', flags.headSha) : undefined;
    if (flags.post !== undefined) {
      if (flags.base || flags.head || flags.json || flags.out) throw new Usage('--post takes --repo, --pr, --head-sha and --head-repo only');
      if (flags.headRepo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(flags.headRepo)) throw new Usage(`--head-repo must look like owner/name, got "${flags.headRepo}"`);
      if (!flags.repo || !/^[\w.-]+\/[\w.-]+$/.test(flags.repo)) throw new Usage(`--repo must look like owner/name, got "${flags.repo ?? ''}"`);
      const token = process.env.GITHUB_TOKEN;
      if (!token) throw new Usage('--post needs GITHUB_TOKEN in the environment');
      const report = loadReport(flags.post);
      const number = checkTarget(report, { pullRequest: pr, headSha });
      const baseUrl = process.env.GITHUB_API_URL;
      if (headSha) {
        // The number in the report is the fork's claim; the API says which commit that pull request is at.
        const live = await pullRequestHead({ token, repository: flags.repo, pullRequest: number, baseUrl });
        if (live.sha !== headSha) {
          // The same pull request, pushed again since this run: the newer push's run posts. Anything else is refused.
          const samePullRequest = pr !== undefined || (flags.headRepo !== undefined && live.headRepository === flags.headRepo);
          if (!samePullRequest) throw new ReportRejected(`pull request #${number} is at ${live.sha}, not at the triggering run's ${headSha}`);
          err.write(`diff-dist: not posting: pull request #${number} moved on to ${live.sha} since this run (${headSha}); its newer run posts\n`);
          return 0;
        }
      }
      const body = renderComment(report);
      const changed = report.applications.length > 0;
      const res = await upsertComment({ token, repository: flags.repo, pullRequest: number, body, baseUrl, skipCreate: !changed });
      err.write(`diff-dist: comment ${res.action} on #${number}${res.url ? ` (${res.url})` : ''}\n`);
      return 0;
    }
    if (!flags.base || !flags.head) throw new Usage('give --base REV and --head REV (or --post FILE)');
    if (flags.repo) throw new Usage('--repo only applies with --post');
    const report = diffDist({ repoDir: flags.repoDir, base: flags.base, head: flags.head, pullRequest: pr, headSha });
    const json = JSON.stringify(report, null, 2) + '\n';
    const markdown = renderComment(report);
    if (flags.out) {
      fs.mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
      fs.writeFileSync(flags.out, json);
    }
    if (flags.markdown) fs.writeFileSync(flags.markdown, markdown + '\n');
    if (flags.json) out.write(json);
    else if (!flags.out) out.write(markdown + '\n');
    return 0;
  } catch (e) {
    const code = e instanceof Usage || e instanceof ReportRejected ? 2 : 1;
    err.write(`mlops diff-dist: ${code === 2 && e instanceof ReportRejected ? 'refused: ' : ''}${(e as Error).message}\n`);
    return code;
  }
}
