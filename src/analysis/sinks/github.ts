import { Octokit } from '@octokit/rest';
import { dedupeLabel, dedupeMarker, Post, PostResult, Sink } from './types';

export interface GitHubSinkOptions {
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  /** @default https://api.github.com */
  readonly baseUrl?: string;
  /** `issue` (failures on main, alerts, drift P1) or `commit-comment` (branches and PRs). */
  readonly mode: 'issue' | 'commit-comment';
}

// Serialises posts per key within one process; across processes, reconcile() closes twins.
const locks = new Map<string, Promise<unknown>>();
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

/**
 * GitHub issues and commit comments, idempotent by dedupeKey: the body carries an HTML-comment
 * marker and issues the `mlops-key:<8 hex>` label. An existing open issue is found by LISTING
 * open issues with that label (the search API lags), and gets a comment instead of a twin.
 */
export class GitHubSink implements Sink {
  readonly kind = 'github' as const;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  constructor(private readonly opts: GitHubSinkOptions) {
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(opts.repository);
    if (!m) throw new Error(`GitHub repository "${opts.repository}" must look like owner/name`);
    [this.owner, this.repo] = [m[1], m[2]];
    this.octokit = new Octokit({
      auth: opts.token,
      baseUrl: opts.baseUrl ?? 'https://api.github.com',
      userAgent: 'self-healing-mlops',
      request: { retries: 0 },
    });
  }

  async post(post: Post): Promise<PostResult> {
    return withLock(`${this.opts.repository}|${this.opts.mode}|${post.dedupeKey}`, () =>
      this.opts.mode === 'issue' ? this.postIssue(post) : this.postCommitComment(post),
    );
  }

  private async openIssuesWithKey(post: Post): Promise<Array<{ number: number; html_url: string }>> {
    const label = dedupeLabel(post.dedupeKey);
    const marker = dedupeMarker(post.dedupeKey);
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
      owner: this.owner,
      repo: this.repo,
      state: 'open',
      labels: label,
      per_page: 100,
    });
    return issues
      .filter((i) => !i.pull_request && (i.body ?? '').includes(marker))
      .map((i) => ({ number: i.number, html_url: i.html_url }))
      .sort((a, b) => a.number - b.number);
  }

  private async postIssue(post: Post): Promise<PostResult> {
    const body = `${post.body}\n\n${dedupeMarker(post.dedupeKey)}`;
    const existing = await this.openIssuesWithKey(post);
    if (existing.length > 0) {
      const target = existing[0];
      const c = await this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: target.number, body });
      return { sink: 'github', action: 'commented', ref: c.data.html_url ?? target.html_url };
    }
    const created = await this.octokit.rest.issues.create({
      owner: this.owner,
      repo: this.repo,
      title: post.title.slice(0, 250),
      body,
      labels: [dedupeLabel(post.dedupeKey), ...(post.labels ?? [])],
    });
    // Another process may have created the same issue meanwhile: keep the oldest, close ours.
    const after = await this.openIssuesWithKey(post);
    const oldest = after[0];
    if (oldest && oldest.number < created.data.number) {
      await this.octokit.rest.issues.createComment({
        owner: this.owner,
        repo: this.repo,
        issue_number: created.data.number,
        body: `Duplicate of #${oldest.number}.`,
      });
      await this.octokit.rest.issues.update({
        owner: this.owner,
        repo: this.repo,
        issue_number: created.data.number,
        state: 'closed',
        state_reason: 'not_planned',
      });
      const c = await this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: oldest.number, body });
      return { sink: 'github', action: 'commented', ref: c.data.html_url ?? oldest.html_url };
    }
    return { sink: 'github', action: 'created', ref: created.data.html_url };
  }

  private async postCommitComment(post: Post): Promise<PostResult> {
    if (!post.commitSha) throw new Error('GitHub commit-comment sink needs the commit SHA of the failed run');
    const marker = dedupeMarker(post.dedupeKey);
    const body = `${post.body}\n\n${marker}`;
    const comments = await this.octokit.paginate(this.octokit.rest.repos.listCommentsForCommit, {
      owner: this.owner,
      repo: this.repo,
      commit_sha: post.commitSha,
      per_page: 100,
    });
    const mine = comments.find((c) => (c.body ?? '').includes(marker));
    if (mine) {
      const u = await this.octokit.rest.repos.updateCommitComment({ owner: this.owner, repo: this.repo, comment_id: mine.id, body });
      return { sink: 'github', action: 'updated', ref: u.data.html_url };
    }
    const c = await this.octokit.rest.repos.createCommitComment({ owner: this.owner, repo: this.repo, commit_sha: post.commitSha, body });
    return { sink: 'github', action: 'created', ref: c.data.html_url };
  }
}
