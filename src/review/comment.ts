import { Octokit } from '@octokit/rest';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from './markdown';

export interface PostCommentOptions {
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly pullRequest: number;
  readonly body: string;
  /** GitHub API base URL (GITHUB_API_URL; the loopback fake in tests). */
  readonly baseUrl?: string;
  /**
   * Login of the account the token posts as; only its comments are candidates for updating, so a
   * comment someone else wrote with the marker is never taken over. @default "github-actions[bot]"
   */
  readonly botLogin?: string;
  /** When true and no comment exists yet, nothing is created (a pull request that never changed dist/ gets no comment). */
  readonly skipCreate?: boolean;
}

export interface PostCommentResult {
  readonly action: 'created' | 'updated' | 'unchanged' | 'skipped';
  readonly commentId?: number;
  readonly url?: string;
}

/**
 * Creates or updates THE dist/ diff comment of a pull request: the first comment by the bot that
 * carries COMMENT_MARKER is edited in place; otherwise one is created. Never a second one.
 */
export async function upsertComment(opts: PostCommentOptions): Promise<PostCommentResult> {
  if (!opts.body.startsWith(COMMENT_MARKER)) throw new Error('comment body must start with the dist-diff marker');
  if (opts.body.length > GITHUB_COMMENT_LIMIT) throw new Error(`comment body is ${opts.body.length} characters; GitHub's limit is ${GITHUB_COMMENT_LIMIT}`);
  const [owner, repo] = opts.repository.split('/');
  const botLogin = opts.botLogin ?? 'github-actions[bot]';
  const octokit = new Octokit({ auth: opts.token, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), request: { retries: 0 } });
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: opts.pullRequest, per_page: 100 });
  const mine = comments.find((c) => c.user?.login === botLogin && (c.body ?? '').startsWith(COMMENT_MARKER));
  if (mine) {
    if (mine.body === opts.body) return { action: 'unchanged', commentId: mine.id, url: mine.html_url };
    const res = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: opts.body });
    return { action: 'updated', commentId: res.data.id, url: res.data.html_url };
  }
  if (opts.skipCreate) return { action: 'skipped' };
  const res = await octokit.rest.issues.createComment({ owner, repo, issue_number: opts.pullRequest, body: opts.body });
  return { action: 'created', commentId: res.data.id, url: res.data.html_url };
}

/**
 * The pull request's head commit, from the API. The posting job compares it with the workflow_run's
 * head_sha: a report that names another pull request than the one whose run produced it is refused.
 */
export async function pullRequestHead(opts: {
  token: string;
  repository: string;
  pullRequest: number;
  baseUrl?: string;
}): Promise<{ sha: string; state: string; headRepository: string }> {
  const [owner, repo] = opts.repository.split('/');
  const octokit = new Octokit({ auth: opts.token, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), request: { retries: 0 } });
  const res = await octokit.rest.pulls.get({ owner, repo, pull_number: opts.pullRequest });
  return { sha: res.data.head.sha, state: res.data.state, headRepository: res.data.head.repo?.full_name ?? '' };
}
