import { commitDataChange, DataCommitOptions, GENERATED_DIR, refuseDirtyTree } from './data-commit';
import { Git } from './git';
import {
  formatRelease,
  parseRelease,
  readRelease,
  ReleaseUsageError,
} from './release-file';
import { digestProblem, imageProblem, Release, RELEASE_FILE } from '../contracts/release';

export { DEFAULT_SYNTH_COMMAND, GENERATED_DIR } from './data-commit';

/** Options shared by a bump and a rollback (the shared data-file commit's options). */
export type ReleaseChangeOptions = DataCommitOptions;

export interface BumpOptions extends ReleaseChangeOptions {
  /** Image repository without tag or digest, e.g. ghcr.io/acme/credit-risk-model. */
  readonly image: string;
  /** `sha256:` + 64 hex. */
  readonly digest: string;
  /** MLflow model registry version baked into the image. @default unchanged */
  readonly modelVersion?: string;
  /** MLflow run id of that version. @default unchanged */
  readonly runId?: string;
}

export interface RollbackOptions extends ReleaseChangeOptions {
  /** Digest to restore; it must appear in the git history of release.json. @default the previous distinct digest */
  readonly to?: string;
}

export interface ReleaseChangeResult {
  /** False when the release already was at the requested state (nothing written). */
  readonly changed: boolean;
  readonly previous: Release;
  readonly current: Release;
  /** Commit made, when --commit. */
  readonly commit?: string;
  /** Push attempts used, when --push. */
  readonly pushAttempts?: number;
  /** One line for humans. */
  readonly message: string;
}

/** Points a release at a new image digest: edits release.json, re-synthesizes dist/, optionally commits and pushes. */
export function bumpImage(options: BumpOptions): ReleaseChangeResult {
  const problems = [imageProblem(options.image), digestProblem(options.digest)];
  if (options.modelVersion !== undefined && !/^[0-9]+$/.test(options.modelVersion)) {
    problems.push(`model version "${options.modelVersion}" must be a model registry version number`);
  }
  if (options.runId !== undefined && options.runId.trim() === '') problems.push('run id is empty');
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new ReleaseUsageError(found.join('; '));

  return applyChange(options, (previous) => ({
    release: {
      ...previous,
      image: options.image,
      digest: options.digest,
      mlflowVersion: options.modelVersion ?? previous.mlflowVersion,
      runId: options.runId ?? previous.runId,
    },
    subject: (p, c) => `release: ${c.mlflowModel} ${short(p.digest)} → ${short(c.digest)}${modelSuffix(c)}`,
  }));
}

/** Restores an earlier release (image, digest, model version, run id) from the git history of release.json. */
export function rollbackImage(options: RollbackOptions): ReleaseChangeResult {
  if (options.to !== undefined) {
    const p = digestProblem(options.to);
    if (p) throw new ReleaseUsageError(p);
  }
  const git = new Git(options.repoDir ?? process.cwd());
  return applyChange(options, (previous) => {
    const target = findInHistory(git, previous, options.to);
    return {
      release: target,
      subject: (p, c) => `release: roll back ${c.mlflowModel} ${short(p.digest)} → ${short(c.digest)}${modelSuffix(c)}`,
    };
  });
}

/** Newest release in history with digest `to`, or (no `to`) the newest whose digest differs from the current one. */
function findInHistory(git: Git, current: Release, to: string | undefined): Release {
  const commits = git
    .run(['log', '--format=%H', '--', RELEASE_FILE])
    .split('\n')
    .filter((c) => c.length > 0);
  for (const commit of commits) {
    const shown = git.try(['show', `${commit}:${RELEASE_FILE}`]);
    if (shown.code !== 0) continue;
    let release: Release;
    try {
      release = parseRelease(shown.stdout, `${RELEASE_FILE}@${commit.slice(0, 12)}`);
    } catch {
      continue; // an old, invalid state is never a rollback target
    }
    if (to !== undefined ? release.digest === to : release.digest !== current.digest) return release;
  }
  if (to !== undefined) {
    throw new ReleaseUsageError(`digest ${to} does not appear in the git history of ${RELEASE_FILE}`);
  }
  throw new ReleaseUsageError(`no earlier digest than ${current.digest} in the git history of ${RELEASE_FILE}`);
}

interface Change {
  readonly release: Release;
  readonly subject: (previous: Release, current: Release) => string;
}

/** A release change through the shared data-file commit (data-commit.ts): write, re-synth, one commit, push. */
function applyChange(options: ReleaseChangeOptions, decide: (previous: Release) => Change): ReleaseChangeResult {
  const repoDir = options.repoDir ?? process.cwd();
  const git = new Git(repoDir);
  refuseDirtyTree(git);
  const previous = readRelease(repoDir);
  const change = decide(previous);
  if (formatRelease(change.release) === formatRelease(previous)) {
    const message = `${RELEASE_FILE} already points at ${previous.image}@${previous.digest}; nothing to do`;
    options.log?.(message);
    return { changed: false, previous, current: previous, message };
  }
  const wanted = formatRelease(change.release);
  const result = commitDataChange(options, {
    file: RELEASE_FILE,
    // On a push race the change is re-applied to the new tip's release: the wanted state, unless already there.
    apply: (current) => (current === wanted ? undefined : wanted),
    message: (before, after) => {
      const p = parseRelease(before);
      const c = parseRelease(after);
      return {
        subject: change.subject(p, c),
        body: [
          `image:   ${c.image}`,
          `digest:  ${p.digest} → ${c.digest}`,
          `mlflow:  ${c.mlflowModel} v${p.mlflowVersion} → v${c.mlflowVersion} (run ${c.runId})`,
          '',
          `Edited ${RELEASE_FILE} and re-synthesized ${GENERATED_DIR}/ with mlops bump-image; ArgoCD syncs it.`,
        ].join('\n'),
      };
    },
  });
  return {
    changed: result.changed,
    previous,
    current: change.release,
    commit: result.commit,
    pushAttempts: result.pushAttempts,
    message: result.subject ?? change.subject(previous, change.release),
  };
}

function short(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

function modelSuffix(r: Release): string {
  return ` (model v${r.mlflowVersion}, run ${r.runId})`;
}
