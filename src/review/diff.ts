import { readTree } from './git-tree';
import { diffSnapshots } from './object-diff';
import { DistDiffReport, distDiffReportSchema, SCHEMA_ID } from './schema';

export interface DiffDistOptions {
  readonly repoDir: string;
  readonly base: string;
  readonly head: string;
  readonly pullRequest?: number;
  readonly headSha?: string;
}

/** The dist/ change between two revisions, validated against the same schema the posting job applies. */
export function diffDist(opts: DiffDistOptions): DistDiffReport {
  const base = readTree(opts.repoDir, opts.base);
  const head = readTree(opts.repoDir, opts.head);
  const report = {
    schema: SCHEMA_ID,
    base: base.commit,
    head: head.commit,
    ...(opts.pullRequest !== undefined ? { pullRequest: opts.pullRequest } : {}),
    ...(opts.headSha ? { headSha: opts.headSha } : {}),
    applications: diffSnapshots(base, head),
  };
  const parsed = distDiffReportSchema.safeParse(report);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the dist/ diff does not fit its schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
