import { Octokit } from '@octokit/rest';
import { downloadReports } from './artifacts/download';
import { octokitFileReader, RepoFileReader } from './flagged-files';
import type { JobLog, TriageContext } from './triage';

export interface FetchRunOptions {
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly runId: number;
  /** @default https://api.github.com */
  readonly baseUrl?: string;
  /** Also fetch the last successful run's log of each failed job. @default true */
  readonly baseline?: boolean;
}

export interface FetchedRun {
  readonly context: TriageContext;
  readonly logs: JobLog[];
  /** Reads repository files at the run's head commit (the flagged files quoted in the prompt). */
  readonly readFile: RepoFileReader;
}

/**
 * Fetches a workflow run's failed jobs and their logs with Octokit. GitHub answers a job-log
 * request with a redirect to a storage host; the log is fetched from there WITHOUT the API token.
 */
export async function fetchRun(opts: FetchRunOptions): Promise<FetchedRun> {
  const [owner, repo] = opts.repository.split('/');
  const octokit = new Octokit({ auth: opts.token, baseUrl: opts.baseUrl ?? 'https://api.github.com', userAgent: 'self-healing-mlops-triage', request: { retries: 0 } });
  const run = (await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: opts.runId })).data;
  const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, { owner, repo, run_id: opts.runId, filter: 'latest', per_page: 100 });
  const failed = jobs.filter((j) => j.conclusion === 'failure' || j.conclusion === 'timed_out' || j.conclusion === 'cancelled');
  if (!failed.length) throw new Error(`run ${opts.runId} of ${opts.repository} has no failed job`);

  const download = async (jobId: number): Promise<string> => {
    // Ask for the redirect ourselves so the token never goes to the storage host.
    const res = await octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
      owner,
      repo,
      job_id: jobId,
      request: { redirect: 'manual' },
    }).catch((err: { status?: number; response?: { headers?: Record<string, string> } }) => {
      if (err.status === 302 && err.response?.headers?.location) return { status: 302, headers: err.response.headers, data: '' };
      throw err;
    });
    const location = (res.headers as Record<string, string | undefined>).location;
    if (location) {
      const logRes = await fetch(location, { signal: AbortSignal.timeout(60_000) });
      if (!logRes.ok) throw new Error(`job ${jobId} log download answered HTTP ${logRes.status}`);
      return logRes.text();
    }
    return typeof res.data === 'string' ? res.data : String(res.data);
  };

  let baselineJobs: Map<string, number> | undefined;
  if (opts.baseline !== false) {
    try {
      const ok = await octokit.rest.actions.listWorkflowRuns({ owner, repo, workflow_id: run.workflow_id, branch: run.head_branch ?? undefined, status: 'success', per_page: 1 });
      const last = ok.data.workflow_runs[0];
      if (last) {
        const lastJobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, { owner, repo, run_id: last.id, per_page: 100 });
        baselineJobs = new Map(lastJobs.map((j) => [j.name, j.id]));
      }
    } catch {
      baselineJobs = undefined; // the comparison is an optimisation, never a reason to fail
    }
  }

  // Structured reports the run uploaded (SARIF, JUnit, tool JSON) are read before the logs.
  const reports = await downloadReports(octokit, owner, repo, opts.runId).catch(() => []);
  const logs: JobLog[] = [];
  for (const job of failed) {
    const text = await download(job.id);
    let baseline: string | undefined;
    const baseId = baselineJobs?.get(job.name);
    if (baseId) baseline = await download(baseId).catch(() => undefined);
    const failedStep = job.steps?.find((s) => s.conclusion === 'failure');
    logs.push({ source: job.html_url ?? `job ${job.id}`, text, job: job.name, ...(failedStep ? { failedStepName: failedStep.name } : {}), ...(baseline ? { baseline } : {}), ...(reports.length ? { reports } : {}) });
  }
  const headRepo = run.head_repository?.full_name;
  return {
    context: {
      repository: opts.repository,
      workflow: run.name ?? undefined,
      runId: run.id,
      runUrl: run.html_url,
      branch: run.head_branch ?? undefined,
      commitSha: run.head_sha,
      forkRun: Boolean(headRepo && headRepo !== opts.repository),
    },
    logs,
    readFile: octokitFileReader(octokit, owner, repo, run.head_sha),
  };
}
