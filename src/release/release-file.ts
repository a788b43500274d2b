import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues } from '../contracts/issues';
import { RELEASE_FILE, releaseSchema, type Release } from '../contracts/release';

/** An error in what the caller asked for (exit code 2): bad flags, malformed image or digest. */
export class ReleaseUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseUsageError';
  }
}

/** The bump could not be done (exit code 1): dirty tree, synth failed, push kept failing. */
export class ReleaseWorkError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseWorkError';
  }
}

/** Parses release JSON text; the error names the file and the field that is wrong. */
export function parseRelease(text: string, source = RELEASE_FILE): Release {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ReleaseWorkError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const result = releaseSchema.safeParse(raw);
  if (!result.success) throw new ReleaseWorkError(`${source}: invalid release state: ${describeIssues(result.error, Infinity)}`);
  return result.data;
}

/** Serialises a release the way it is committed: two-space JSON, fixed key order, final newline. */
export function formatRelease(release: Release): string {
  const ordered: Release = {
    image: release.image,
    digest: release.digest,
    mlflowModel: release.mlflowModel,
    mlflowVersion: release.mlflowVersion,
    runId: release.runId,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function readRelease(repoDir: string): Release {
  return parseRelease(readFileSync(join(repoDir, RELEASE_FILE), 'utf8'));
}

export function writeRelease(repoDir: string, release: Release): void {
  writeFileSync(join(repoDir, RELEASE_FILE), formatRelease(releaseSchema.parse(release)));
}
