import { Octokit } from '@octokit/rest';
import type { Redactor } from '../analysis/redact';
import { cleanMarkdown } from '../analysis/sinks/exit';
import { dedupeLabel, dedupeMarker } from '../analysis/sinks/types';

/**
 * Closes the open issue of a resolved alert (found like the GitHub sink finds it: open issues with
 * the `mlops-key:<8 hex>` label whose body carries the marker) with a comment.
 * Returns the closed issue numbers (empty when there was none).
 */
export async function closeResolvedIssue(opts: {
  token: string;
  repository: string;
  baseUrl?: string;
  dedupeKey: string;
  comment: string;
  redactor: Redactor;
}): Promise<number[]> {
  const [owner, repo] = opts.repository.split('/');
  const octokit = new Octokit({ auth: opts.token, baseUrl: opts.baseUrl ?? 'https://api.github.com', request: { retries: 0 } });
  const marker = dedupeMarker(opts.dedupeKey);
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner, repo, state: 'open', labels: dedupeLabel(opts.dedupeKey), per_page: 100,
  });
  const mine = issues.filter((i) => !i.pull_request && (i.body ?? '').includes(marker));
  for (const issue of mine) {
    await octokit.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: `${cleanMarkdown(opts.comment, opts.redactor)}\n\n${marker}` });
    await octokit.rest.issues.update({ owner, repo, issue_number: issue.number, state: 'closed', state_reason: 'completed' });
  }
  return mine.map((i) => i.number);
}
