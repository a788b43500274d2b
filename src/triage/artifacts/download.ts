import type { Octokit } from '@octokit/rest';
import type { ReportFile } from './reports';
import { readZip } from './zip';

/**
 * Downloads a run's artifacts (`GET /repos/{o}/{r}/actions/runs/{id}/artifacts`, then each
 * archive: `GET …/actions/artifacts/{id}/zip`, a 302 to a storage host that is fetched WITHOUT the
 * token) and returns the report files inside them: SARIF, JUnit XML, JSON. Artifacts are hostile
 * (a fork's run writes them): the listed size and the downloaded bytes are capped, archives are
 * read in memory, entries are known by their base name only, and a bad archive is skipped.
 * @see https://docs.github.com/en/rest/actions/artifacts
 */
export interface ArtifactLimits {
  /** Largest archive downloaded. @default 10 MiB */
  readonly maxArchiveBytes?: number;
  /** Archives read per run. @default 10 */
  readonly maxArtifacts?: number;
}

const REPORT = /\.(sarif|json|xml)$/i;

export async function downloadReports(
  octokit: Octokit,
  owner: string,
  repo: string,
  runId: number,
  limits: ArtifactLimits = {},
): Promise<ReportFile[]> {
  const maxBytes = limits.maxArchiveBytes ?? 10 * 1024 * 1024;
  const list = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, per_page: 100 });
  const reports: ReportFile[] = [];
  const wanted = list.data.artifacts.filter((a) => !a.expired && a.size_in_bytes <= maxBytes).slice(0, limits.maxArtifacts ?? 10);
  for (const a of wanted) {
    try {
      const res = await octokit
        .request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { owner, repo, artifact_id: a.id, archive_format: 'zip', request: { redirect: 'manual' } })
        .catch((err: { status?: number; response?: { headers?: Record<string, string> } }) => {
          if (err.status === 302 && err.response?.headers?.location) return { headers: err.response.headers, data: undefined };
          throw err;
        });
      const location = (res.headers as Record<string, string | undefined>).location;
      const bytes = location ? await fetchCapped(location, maxBytes) : Buffer.from(res.data as ArrayBuffer);
      for (const e of readZip(bytes)) {
        if (REPORT.test(e.name)) reports.push({ name: e.name, text: e.data.toString('utf8') });
      }
    } catch {
      // One unreadable artifact never stops triage: the log is still there.
    }
  }
  return reports;
}

/** Fetches a URL (no credentials) and stops reading past `max` bytes. */
async function fetchCapped(url: string, max: number): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok || !res.body) throw new Error(`artifact download answered HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > max) throw new Error(`artifact is ${declared} bytes (more than ${max})`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) throw new Error(`artifact exceeds ${max} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
