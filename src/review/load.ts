import * as fs from 'node:fs';
import { DistDiffReport, distDiffReportSchema, MAX_REPORT_BYTES } from './schema';

/** A report file that must not be posted: missing, too large, not JSON, off-schema or for another pull request. */
export class ReportRejected extends Error {}

/**
 * Reads a diff.json produced by a pull_request run, which may have run a fork's code: the size is
 * checked before reading, then JSON, then the strict schema. The error names the first bad field.
 */
export function loadReport(file: string): DistDiffReport {
  let size: number;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) throw new ReportRejected(`${file} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof ReportRejected) throw err;
    throw new ReportRejected(`${file} does not exist`);
  }
  if (size > MAX_REPORT_BYTES) throw new ReportRejected(`${file} is ${size} bytes; the limit is ${MAX_REPORT_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReportRejected(`${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = distDiffReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportRejected(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The report must be for the pull request the posting job was triggered for: its number equals the
 * workflow_run's pull request (when the event names one; fork runs' events do not) and its head commit
 * equals the workflow_run's head_sha. Returns the pull request number to post to.
 */
export function checkTarget(report: DistDiffReport, expected: { pullRequest?: number; headSha?: string }): number {
  if (report.pullRequest === undefined) throw new ReportRejected('the report names no pull request (pullRequest)');
  if (expected.pullRequest !== undefined && report.pullRequest !== expected.pullRequest) {
    throw new ReportRejected(`the report is for pull request #${report.pullRequest}, the triggering run for #${expected.pullRequest}`);
  }
  if (expected.headSha !== undefined && report.headSha !== expected.headSha) {
    throw new ReportRejected(`the report's head commit ${report.headSha ?? '(none)'} is not the triggering run's ${expected.headSha}`);
  }
  return report.pullRequest;
}
