import { bumpImage, ReleaseChangeOptions, ReleaseChangeResult, rollbackImage } from './bump';
import { ReleaseUsageError } from './release-file';

/** A release change as asked for: a bump to an image digest, or a rollback (to a digest or the previous one). */
export interface ReleaseRequest extends Omit<ReleaseChangeOptions, 'maxPushAttempts'> {
  readonly image?: string;
  readonly digest?: string;
  readonly modelVersion?: string;
  readonly runId?: string;
  readonly rollback?: boolean;
  /** With `rollback`: the digest to restore. */
  readonly to?: string;
  /** 1 to 10 (a flag's text is accepted). */
  readonly maxPushAttempts: string | number;
}

/**
 * Checks the request's combination of fields, then bumps or rolls back.
 * @throws ReleaseUsageError for a contradictory or incomplete request
 */
export function changeRelease(request: ReleaseRequest): ReleaseChangeResult {
  const attempts = Number(request.maxPushAttempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new ReleaseUsageError(`--max-push-attempts must be an integer from 1 to 10 (got "${request.maxPushAttempts}")`);
  }
  const { image, digest, modelVersion, runId, rollback, to, ...common } = request;
  if (rollback) {
    if (image !== undefined || digest !== undefined) throw new ReleaseUsageError('--rollback takes --to, not --image/--digest');
    return rollbackImage({ ...common, maxPushAttempts: attempts, to });
  }
  if (to !== undefined) throw new ReleaseUsageError('--to only applies with --rollback');
  const missing = [image === undefined && '--image', digest === undefined && '--digest'].filter(Boolean);
  if (missing.length > 0) throw new ReleaseUsageError(`missing required option ${missing.join(' and ')}`);
  return bumpImage({ ...common, maxPushAttempts: attempts, image: image!, digest: digest!, modelVersion, runId });
}
