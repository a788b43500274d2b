import * as fs from 'node:fs';
import * as path from 'node:path';
import { upsertComment, pullRequestHead } from './comment';
import { diffDist } from './diff';
import { checkTarget, loadReport, ReportRejected } from './load';
import { renderComment } from './markdown';

/** A request that contradicts itself or names a malformed value (the command exits 2). */
export class DistDiffUsageError extends Error {}

/** `mlops diff-dist` as asked for: a diff between two revisions, or posting one (`post`). Flag texts as given. */
export interface DistDiffRequest {
  readonly base?: string;
  readonly head?: string;
  readonly repoDir: string;
  readonly pr?: string;
  readonly headSha?: string;
  readonly json?: boolean;
  readonly out?: string;
  readonly markdown?: string;
  readonly post?: string;
  readonly repo?: string;
  readonly headRepo?: string;
}

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

const positiveInt = (flag: string, v: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(v)) throw new DistDiffUsageError(`${flag} must be a positive integer, got "${v}"`);
  return Number(v);
};
const sha40 = (flag: string, v: string) => {
  if (!/^[0-9a-f]{40}$/.test(v)) throw new DistDiffUsageError(`${flag} must be a 40-hex commit SHA, got "${v}"`);
  return v;
};

/**
 * Runs a diff-dist request. Returns what goes to stdout ('' for none); progress goes to `log`.
 * @throws DistDiffUsageError for a bad request, ReportRejected for a report that fails re-validation
 */
export async function runDistDiffRequest(
  request: DistDiffRequest,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<string> {
  const pr = request.pr !== undefined ? positiveInt('--pr', request.pr) : undefined;
  const headSha = request.headSha !== undefined ? sha40('--head-sha', request.headSha) : undefined;
  if (request.post !== undefined) {
    await post(request.post, request, { pr, headSha }, env, log);
    return '';
  }
  if (!request.base || !request.head) throw new DistDiffUsageError('give --base REV and --head REV (or --post FILE)');
  if (request.repo) throw new DistDiffUsageError('--repo only applies with --post');
  const report = diffDist({ repoDir: request.repoDir, base: request.base, head: request.head, pullRequest: pr, headSha });
  const json = JSON.stringify(report, null, 2) + '\n';
  const markdown = renderComment(report);
  if (request.out) {
    fs.mkdirSync(path.dirname(path.resolve(request.out)), { recursive: true });
    fs.writeFileSync(request.out, json);
  }
  if (request.markdown) fs.writeFileSync(request.markdown, markdown + '\n');
  if (request.json) return json;
  return request.out ? '' : markdown + '\n';
}

/** Re-validates a diff JSON (a fork's run may have made it) and creates or updates the one comment. */
async function post(
  file: string,
  request: DistDiffRequest,
  target: { pr?: number; headSha?: string },
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  if (request.base || request.head || request.json || request.out) throw new DistDiffUsageError('--post takes --repo, --pr, --head-sha and --head-repo only');
  if (request.headRepo !== undefined && !REPOSITORY.test(request.headRepo)) throw new DistDiffUsageError(`--head-repo must look like owner/name, got "${request.headRepo}"`);
  if (!request.repo || !REPOSITORY.test(request.repo)) throw new DistDiffUsageError(`--repo must look like owner/name, got "${request.repo ?? ''}"`);
  const token = env.GITHUB_TOKEN;
  if (!token) throw new DistDiffUsageError('--post needs GITHUB_TOKEN in the environment');
  const report = loadReport(file);
  const number = checkTarget(report, { pullRequest: target.pr, headSha: target.headSha });
  const baseUrl = env.GITHUB_API_URL;
  if (target.headSha) {
    // The number in the report is the fork's claim; the API says which commit that pull request is at.
    const live = await pullRequestHead({ token, repository: request.repo, pullRequest: number, baseUrl });
    if (live.sha !== target.headSha) {
      // The same pull request, pushed again since this run: the newer push's run posts. Anything else is refused.
      const samePullRequest = target.pr !== undefined || (request.headRepo !== undefined && live.headRepository === request.headRepo);
      if (!samePullRequest) throw new ReportRejected(`pull request #${number} is at ${live.sha}, not at the triggering run's ${target.headSha}`);
      log(`not posting: pull request #${number} moved on to ${live.sha} since this run (${target.headSha}); its newer run posts`);
      return;
    }
  }
  const changed = report.applications.length > 0;
  const body = renderComment(report);
  const res = await upsertComment({ token, repository: request.repo, pullRequest: number, body, baseUrl, skipCreate: !changed });
  log(`comment ${res.action} on #${number}${res.url ? ` (${res.url})` : ''}`);
}
