import { FakeResponse, LoopbackServer, ReceivedRequest, startLoopback } from './http';

/**
 * A loopback GitHub REST fake for the real Octokit client: Actions runs, jobs and job logs
 * (served like GitHub: a 302 redirect to a SECOND host), issues with labels, issue comments,
 * commit comments and repository_dispatch. State is in memory and inspectable.
 */

export interface FakeJob {
  id: number;
  name: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  steps?: Array<{ name: string; number: number; conclusion: string | null }>;
  /** The job's raw log (what GitHub's log download returns). */
  log: string;
}

export interface FakeRun {
  id: number;
  name: string;
  workflow_id: number;
  path?: string;
  head_branch: string;
  head_sha: string;
  conclusion: string;
  event?: string;
  /** Full name of the head repository (differs from the base for fork PRs). */
  head_repository?: string;
  jobs: FakeJob[];
  /** Artifacts the run uploaded (see the artifacts block below). */
  artifacts?: FakeArtifact[];
}

/** An uploaded artifact: its zip archive's bytes (served like GitHub: a 302 to the storage host). */
export interface FakeArtifact {
  id: number;
  name: string;
  zip: Buffer;
  expired?: boolean;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: string[];
  comments: Array<{ id: number; body: string }>;
}

export interface FakeCommitComment {
  id: number;
  commit_id: string;
  body: string;
}

export interface GitHubFakeOptions {
  /** `owner/name` served. @default acme/model */
  readonly repository?: string;
  readonly runs?: FakeRun[];
  /** Delay (ms) for issue listing: widens race windows in concurrency tests. */
  readonly listDelayMs?: number;
  /** Pull requests and their conversation comments (see the pull request block at the end). */
  readonly pulls?: FakePull[];
  /** Login each bearer token acts as. @default every token is "github-actions[bot]" */
  readonly tokenLogins?: Record<string, string>;
  /** Repository and organization Actions settings (see the settings block at the end). */
  readonly actionsSettings?: FakeActionsSettings;
  /** Repository files by commit (see the contents block at the end). */
  readonly files?: FakeRepoFiles;
}

export interface GitHubFake extends LoopbackServer {
  /** The second host that serves log downloads after the redirect. */
  readonly logsHost: LoopbackServer;
  readonly issues: FakeIssue[];
  readonly commitComments: FakeCommitComment[];
  readonly dispatches: unknown[];
  readonly runs: FakeRun[];
  /** Pull requests (comments included). */
  readonly pulls: FakePull[];
  /** Every text body posted (issue bodies, comments, commit comments). */
  postedBodies(): string[];
}

export async function startGitHubFake(opts: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const repository = opts.repository ?? 'acme/model';
  const runs = opts.runs ?? [];
  const issues: FakeIssue[] = [];
  const commitComments: FakeCommitComment[] = [];
  const dispatches: unknown[] = [];
  let nextId = 1000;
  const logs = new Map<string, string | Buffer>();
  const pullState: PullState = { repository, pulls: opts.pulls ?? [], tokenLogins: opts.tokenLogins ?? {}, nextId: () => nextId++ };

  const logsHost = await startLoopback((req) => {
    const text = logs.get(req.path);
    if (!text) return { status: 404, body: 'no such log' };
    if (!req.url.searchParams.get('sig')) return { status: 403, body: 'missing signature' };
    // Real log downloads must not carry the API token to the storage host.
    if (req.headers.authorization) return { status: 400, body: 'authorization header not allowed on the log host' };
    return { status: 200, headers: { 'content-type': Buffer.isBuffer(text) ? 'application/zip' : 'text/plain' }, body: text };
  });

  const base = `/repos/${repository}`;
  const issueJson = (i: FakeIssue, url: string) => ({
    id: i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason ?? null,
    labels: i.labels.map((name) => ({ name })),
    html_url: `${url}/${repository}/issues/${i.number}`,
    comments: i.comments.length,
  });

  let server: LoopbackServer;
  const handle = async (req: ReceivedRequest): Promise<FakeResponse> => {
    const url = server.url;
    const p = req.path;
    if (!req.headers.authorization) return { status: 401, body: { message: 'Requires authentication' } };
    const settingsResponse = opts.actionsSettings && handleActionsSettings(opts.actionsSettings, repository, p, req);
    if (settingsResponse) return settingsResponse;
    if (!p.startsWith(base + '/')) return { status: 404, body: { message: `Not Found (${p})` } };
    const rest = p.slice(base.length);
    const pullResponse = handlePullRequests(pullState, rest, req, url);
    if (pullResponse) return pullResponse;
    const contentsResponse = opts.files && handleContents(opts.files, repository, rest, req);
    if (contentsResponse) return contentsResponse;
    let m: RegExpExecArray | null;
    if ((m = /^\/actions\/runs\/(\d+)$/.exec(rest)) && req.method === 'GET') {
      const run = runs.find((r) => r.id === Number(m![1]));
      if (!run) return { status: 404, body: { message: 'Not Found' } };
      return {
        status: 200,
        body: {
          id: run.id,
          name: run.name,
          workflow_id: run.workflow_id,
          path: run.path ?? `.github/workflows/${run.name}.yml`,
          head_branch: run.head_branch,
          head_sha: run.head_sha,
          conclusion: run.conclusion,
          event: run.event ?? 'push',
          html_url: `${url}/${repository}/actions/runs/${run.id}`,
          repository: { full_name: repository },
          head_repository: { full_name: run.head_repository ?? repository },
        },
      };
    }
    if ((m = /^\/actions\/runs\/(\d+)\/jobs$/.exec(rest)) && req.method === 'GET') {
      const run = runs.find((r) => r.id === Number(m![1]));
      if (!run) return { status: 404, body: { message: 'Not Found' } };
      const jobs = run.jobs.map((j) => ({
        id: j.id,
        run_id: run.id,
        name: j.name,
        status: 'completed',
        conclusion: j.conclusion,
        html_url: `${url}/${repository}/actions/runs/${run.id}/job/${j.id}`,
        steps: (j.steps ?? []).map((s) => ({ ...s, status: 'completed' })),
      }));
      return { status: 200, body: { total_count: jobs.length, jobs } };
    }
    if ((m = /^\/actions\/jobs\/(\d+)\/logs$/.exec(rest)) && req.method === 'GET') {
      const job = runs.flatMap((r) => r.jobs).find((j) => j.id === Number(m![1]));
      if (!job) return { status: 404, body: { message: 'Not Found' } };
      const logPath = `/blob/job-${job.id}.txt`;
      logs.set(logPath, job.log);
      return { status: 302, headers: { location: `${logsHost.url}${logPath}?sig=fake-signature` } };
    }
    // ---- Artifacts (list + zip download), https://docs.github.com/en/rest/actions/artifacts ----
    if ((m = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(rest)) && req.method === 'GET') {
      const run = runs.find((r) => r.id === Number(m![1]));
      if (!run) return { status: 404, body: { message: 'Not Found' } };
      const artifacts = (run.artifacts ?? []).map((a) => ({
        id: a.id,
        name: a.name,
        size_in_bytes: a.zip.length,
        expired: Boolean(a.expired),
        archive_download_url: `${url}/api/v3${base}/actions/artifacts/${a.id}/zip`,
        workflow_run: { id: run.id, head_sha: run.head_sha },
      }));
      return { status: 200, body: { total_count: artifacts.length, artifacts } };
    }
    if ((m = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(rest)) && req.method === 'GET') {
      const art = runs.flatMap((r) => r.artifacts ?? []).find((a) => a.id === Number(m![1]));
      if (!art) return { status: 404, body: { message: 'Not Found' } };
      if (art.expired) return { status: 410, body: { message: 'Artifact has expired' } };
      const blob = `/blob/artifact-${art.id}.zip`;
      logs.set(blob, art.zip);
      return { status: 302, headers: { location: `${logsHost.url}${blob}?sig=fake-signature` } };
    }
    // ---- end of artifacts ----
    if ((m = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest)) && req.method === 'GET') {
      const status = req.url.searchParams.get('status');
      const branch = req.url.searchParams.get('branch');
      const list = runs
        .filter((r) => String(r.workflow_id) === m![1] || r.path?.endsWith(`/${m![1]}`))
        .filter((r) => !status || r.conclusion === status)
        .filter((r) => !branch || r.head_branch === branch)
        .sort((a, b) => b.id - a.id)
        .map((r) => ({ id: r.id, head_branch: r.head_branch, head_sha: r.head_sha, conclusion: r.conclusion, workflow_id: r.workflow_id }));
      return { status: 200, body: { total_count: list.length, workflow_runs: list } };
    }
    if (rest === '/issues' && req.method === 'GET') {
      if (opts.listDelayMs) await new Promise((r) => setTimeout(r, opts.listDelayMs));
      const state = req.url.searchParams.get('state') ?? 'open';
      const labels = (req.url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const list = issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number)
        .map((i) => issueJson(i, url));
      return { status: 200, body: list };
    }
    if (rest === '/issues' && req.method === 'POST') {
      const b = req.json as { title?: string; body?: string; labels?: string[] };
      if (!b?.title) return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] } };
      const issue: FakeIssue = { number: issues.length + 1, title: b.title, body: b.body ?? '', state: 'open', labels: b.labels ?? [], comments: [] };
      issues.push(issue);
      return { status: 201, body: issueJson(issue, url) };
    }
    if ((m = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = issues.find((i) => i.number === Number(m![1]));
      if (!issue) return { status: 404, body: { message: 'Not Found' } };
      if (req.method === 'PATCH') {
        const b = req.json as Partial<{ title: string; body: string; state: 'open' | 'closed'; state_reason: string; labels: string[] }>;
        Object.assign(issue, b);
      }
      return { status: 200, body: issueJson(issue, url) };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = issues.find((i) => i.number === Number(m![1]));
      if (!issue) return { status: 404, body: { message: 'Not Found' } };
      if (req.method === 'POST') {
        const c = { id: nextId++, body: (req.json as { body: string }).body };
        issue.comments.push(c);
        return { status: 201, body: { ...c, html_url: `${url}/${repository}/issues/${issue.number}#issuecomment-${c.id}` } };
      }
      return { status: 200, body: issue.comments };
    }
    if ((m = /^\/commits\/([0-9a-f]{7,40})\/comments$/.exec(rest))) {
      if (req.method === 'POST') {
        const c = { id: nextId++, commit_id: m[1], body: (req.json as { body: string }).body };
        commitComments.push(c);
        return { status: 201, body: { ...c, html_url: `${url}/${repository}/commit/${m[1]}#commitcomment-${c.id}` } };
      }
      return { status: 200, body: commitComments.filter((c) => c.commit_id === m![1]) };
    }
    if ((m = /^\/comments\/(\d+)$/.exec(rest)) && req.method === 'PATCH') {
      const c = commitComments.find((x) => x.id === Number(m![1]));
      if (!c) return { status: 404, body: { message: 'Not Found' } };
      c.body = (req.json as { body: string }).body;
      return { status: 200, body: { ...c, html_url: `${url}/${repository}/commit/${c.commit_id}#commitcomment-${c.id}` } };
    }
    if (rest === '/dispatches' && req.method === 'POST') {
      dispatches.push(req.json);
      return { status: 204 };
    }
    return { status: 404, body: { message: `Not Found (${req.method} ${p})` } };
  };
  server = await startLoopback(handle);

  return {
    url: server.url,
    requests: server.requests,
    logsHost,
    issues,
    commitComments,
    dispatches,
    runs,
    pulls: pullState.pulls,
    postedBodies: () => [
      ...issues.flatMap((i) => [i.title, i.body, ...i.comments.map((c) => c.body)]),
      ...commitComments.map((c) => c.body),
      ...pullState.pulls.flatMap((pr) => pr.comments.map((c) => c.body)),
    ],
    close: async () => {
      await server.close();
      await logsHost.close();
    },
  };
}

// --- Pull requests and their conversation comments (the dist-diff comment, src/review) -----------
// Kept in one block so it moves with this file. A pull request's conversation comments are issue
// comments on GitHub (same endpoints, the pull request number as issue number); each comment records
// the login of the token that wrote it, so "update only our own comment" can be tested.

export interface FakePullComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  /** Head commit of the pull request. */
  headSha: string;
  /** Full name of the head repository (differs for forks). */
  headRepository?: string;
  comments: FakePullComment[];
}

interface PullState {
  readonly repository: string;
  readonly pulls: FakePull[];
  readonly tokenLogins: Record<string, string>;
  readonly nextId: () => number;
}

/** GitHub's limit on a comment body (422 "Body is too long (maximum is 65536 characters)"). */
const COMMENT_BODY_LIMIT = 65_536;

function handlePullRequests(state: PullState, rest: string, req: ReceivedRequest, url: string): FakeResponse | undefined {
  const token = String(req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '');
  const login = state.tokenLogins[token] ?? 'github-actions[bot]';
  const commentJson = (pr: FakePull, c: FakePullComment) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: `${url}/${state.repository}/pull/${pr.number}#issuecomment-${c.id}`,
  });
  const tooLong = (body: unknown) =>
    typeof body === 'string' && body.length > COMMENT_BODY_LIMIT
      ? { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)` }] } }
      : undefined;
  let m: RegExpExecArray | null;
  if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && req.method === 'GET') {
    const pr = state.pulls.find((x) => x.number === Number(m![1]));
    if (!pr) return undefined;
    return {
      status: 200,
      body: {
        number: pr.number,
        state: pr.state,
        head: { sha: pr.headSha, repo: { full_name: pr.headRepository ?? state.repository } },
        base: { repo: { full_name: state.repository } },
      },
    };
  }
  if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
    const pr = state.pulls.find((x) => x.number === Number(m![1]));
    if (!pr) return undefined; // an issue: the issue handlers answer
    if (req.method === 'POST') {
      const body = (req.json as { body?: unknown } | undefined)?.body;
      if (typeof body !== 'string') return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] } };
      const refused = tooLong(body);
      if (refused) return refused;
      const c: FakePullComment = { id: state.nextId(), body, user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' } };
      pr.comments.push(c);
      return { status: 201, body: commentJson(pr, c) };
    }
    // Paginated like GitHub: per_page (max 100), page, and a Link header to the next page.
    const perPage = Math.min(100, Number(req.url.searchParams.get('per_page') ?? 30));
    const page = Number(req.url.searchParams.get('page') ?? 1);
    const slice = pr.comments.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < pr.comments.length) {
      headers.link = `<${url}/repos/${state.repository}/issues/${pr.number}/comments?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    }
    return { status: 200, headers, body: slice.map((c) => commentJson(pr, c)) };
  }
  if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest)) && req.method === 'PATCH') {
    for (const pr of state.pulls) {
      const c = pr.comments.find((x) => x.id === Number(m![1]));
      if (!c) continue;
      // Like a token without admin rights: only the author edits a comment.
      if (c.user.login !== login) return { status: 403, body: { message: 'Resource not accessible by integration' } };
      const body = (req.json as { body?: unknown } | undefined)?.body;
      if (typeof body !== 'string') return { status: 422, body: { message: 'Validation Failed' } };
      const refused = tooLong(body);
      if (refused) return refused;
      c.body = body;
      return { status: 200, body: commentJson(pr, c) };
    }
    return undefined;
  }
  return undefined;
}

// --- Repository and organization Actions settings (`mlops doctor`, src/doctor) ---------------------
// Kept in one block so it moves with this file. Shapes as in GitHub's REST reference (API version
// 2022-11-28, docs.github.com/en/rest/actions/permissions and rest/actions/self-hosted-runner-groups).
// A setting left undefined answers 404, like an endpoint the plan or the token cannot see.

export interface FakeRunnerGroup {
  id: number;
  name: string;
  visibility: 'all' | 'selected' | 'private';
  default: boolean;
  allows_public_repositories: boolean;
  restricted_to_workflows: boolean;
  selected_workflows: string[];
}

export interface FakeActionsSettings {
  repository: { private: boolean; ownerType: 'Organization' | 'User'; defaultBranch?: string };
  workflowPermissions?: { default_workflow_permissions: 'read' | 'write'; can_approve_pull_request_reviews: boolean };
  /** Public repositories only (GitHub answers 422 for a private one). */
  forkPrContributorApproval?: { approval_policy: 'first_time_contributors_new_to_github' | 'first_time_contributors' | 'all_external_contributors' };
  /** Private repositories only (GitHub answers 422 for a public one). */
  forkPrWorkflowsPrivateRepos?: {
    run_workflows_from_fork_pull_requests: boolean;
    send_write_tokens_to_workflows: boolean;
    send_secrets_and_variables: boolean;
    require_approval_for_fork_pr_workflows: boolean;
  };
  /** Runner groups of the repository owner's organization; undefined answers 403 (token without org access). */
  runnerGroups?: FakeRunnerGroup[];
}

function handleActionsSettings(s: FakeActionsSettings, repository: string, path: string, req: ReceivedRequest): FakeResponse | undefined {
  if (req.method !== 'GET') return undefined;
  const [owner, name] = repository.split('/');
  const notFound = { status: 404, body: { message: 'Not Found' } };
  if (path === `/repos/${repository}`) {
    return {
      status: 200,
      body: {
        full_name: repository,
        name,
        private: s.repository.private,
        visibility: s.repository.private ? 'private' : 'public',
        default_branch: s.repository.defaultBranch ?? 'main',
        owner: { login: owner, type: s.repository.ownerType },
      },
    };
  }
  const perms = `/repos/${repository}/actions/permissions`;
  if (path === `${perms}/workflow`) return s.workflowPermissions ? { status: 200, body: s.workflowPermissions } : notFound;
  if (path === `${perms}/fork-pr-contributor-approval`) {
    if (s.repository.private) return { status: 422, body: { message: 'This setting applies to public repositories only' } };
    return s.forkPrContributorApproval ? { status: 200, body: s.forkPrContributorApproval } : notFound;
  }
  if (path === `${perms}/fork-pr-workflows-private-repos`) {
    if (!s.repository.private) return { status: 422, body: { message: 'This setting applies to private repositories only' } };
    return s.forkPrWorkflowsPrivateRepos ? { status: 200, body: s.forkPrWorkflowsPrivateRepos } : notFound;
  }
  if (path === `/orgs/${owner}/actions/runner-groups`) {
    if (s.repository.ownerType !== 'Organization') return notFound;
    if (!s.runnerGroups) return { status: 403, body: { message: 'Resource not accessible by integration' } };
    return { status: 200, body: { total_count: s.runnerGroups.length, runner_groups: s.runnerGroups } };
  }
  return undefined;
}

// --- Repository contents at a commit (the flagged files quoted by triage, src/triage/flagged-files) --
// Kept in one block so it moves with this file. `GET /repos/{owner}/{repo}/contents/{path}?ref=`
// answers a file as JSON with `type: "file"`, `encoding: "base64"` and the content in base64 (GitHub's
// REST reference, API version 2022-11-28, docs.github.com/en/rest/repos/contents#get-repository-content);
// an unknown path or ref answers 404. Every request is recorded (path and ref) so tests can assert
// what was NOT fetched.

/** Files by commit sha, then by repository path. */
export type FakeRepoFiles = Record<string, Record<string, string | Buffer>> & { requested?: Array<{ path: string; ref: string }> };

function handleContents(files: FakeRepoFiles, repository: string, rest: string, req: ReceivedRequest): FakeResponse | undefined {
  const m = /^\/contents\/(.+)$/.exec(rest);
  if (!m || req.method !== 'GET') return undefined;
  const path = decodeURIComponent(m[1]);
  const ref = req.url.searchParams.get('ref') ?? 'main';
  (files.requested ??= []).push({ path, ref });
  const content = files[ref]?.[path];
  if (content === undefined || Array.isArray(content)) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content' } };
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  const name = path.split('/').at(-1)!;
  return {
    status: 200,
    body: {
      type: 'file',
      encoding: 'base64',
      size: buf.length,
      name,
      path,
      // GitHub wraps the base64 at 60 characters with newlines.
      content: (buf.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
      sha: 'f'.repeat(40),
      url: `/repos/${repository}/contents/${path}?ref=${ref}`,
    },
  };
}
