import { spawnSync } from 'node:child_process';
import { Git, isNonFastForward } from './git';
import {
  formatRelease,
  parseRelease,
  readRelease,
  ReleaseUsageError,
  ReleaseWorkError,
  writeRelease,
} from './release-file';
import { digestProblem, imageProblem, Release, RELEASE_FILE } from '../contracts/release';

/** The synthesized output a bump regenerates and commits with release.json. */
export const GENERATED_DIR = 'dist';

/** Default re-synthesis of dist/ after release.json changes. */
export const DEFAULT_SYNTH_COMMAND = 'npx projen synth';

/** Options shared by a bump and a rollback. */
export interface ReleaseChangeOptions {
  /** Root of the git working tree. @default process.cwd() */
  readonly repoDir?: string;
  /** Shell command that re-synthesizes dist/ from release.json. @default "npx projen synth" */
  readonly synthCommand?: string;
  /** Make one commit of release.json and dist/. @default false */
  readonly commit?: boolean;
  /** Push the commit (implies commit). @default false */
  readonly push?: boolean;
  /** Remote to push to. @default "origin" */
  readonly remote?: string;
  /** Branch to push to. @default the current branch */
  readonly branch?: string;
  /** Push attempts before giving up on a remote that keeps moving. @default 3 */
  readonly maxPushAttempts?: number;
  /** Progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

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

function applyChange(options: ReleaseChangeOptions, decide: (previous: Release) => Change): ReleaseChangeResult {
  const repoDir = options.repoDir ?? process.cwd();
  const log = options.log ?? (() => undefined);
  const git = new Git(repoDir);
  const commit = options.commit === true || options.push === true;

  refuseDirtyTree(git);
  const previous = readRelease(repoDir);
  const change = decide(previous);
  if (formatRelease(change.release) === formatRelease(previous)) {
    const message = `${RELEASE_FILE} already points at ${previous.image}@${previous.digest}; nothing to do`;
    log(message);
    return { changed: false, previous, current: previous, message };
  }

  writeAndSynth(git, options, change.release, log);
  const subject = change.subject(previous, change.release);
  if (!commit) {
    return { changed: true, previous, current: change.release, message: `${subject} (not committed)` };
  }
  commitChange(git, subject, previous, change.release);
  log(`committed: ${subject}`);
  if (options.push !== true) {
    return { changed: true, previous, current: change.release, commit: git.head(), message: subject };
  }
  const pushAttempts = pushWithRetry(git, options, change, log);
  return { changed: true, previous, current: change.release, commit: git.head(), pushAttempts, message: subject };
}

/** Anything modified, staged or untracked (outside ignored paths) would be mixed into the release commit: refuse. */
function refuseDirtyTree(git: Git): void {
  const dirty = git.status();
  if (dirty.length > 0) {
    const listed = dirty.slice(0, 10).map((l) => l.slice(3)).join(', ');
    const more = dirty.length > 10 ? ` and ${dirty.length - 10} more` : '';
    throw new ReleaseWorkError(
      `refusing to bump: the working tree has uncommitted changes (${listed}${more}); commit or remove them first. Nothing was written.`,
    );
  }
}

function writeAndSynth(git: Git, options: ReleaseChangeOptions, release: Release, log: (l: string) => void): void {
  writeRelease(git.dir, release);
  const synth = options.synthCommand ?? DEFAULT_SYNTH_COMMAND;
  log(`re-synthesizing: ${synth}`);
  const r = spawnSync(synth, { cwd: git.dir, shell: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    // Put the tree back as it was: the release and dist/ must never disagree.
    git.try(['checkout', '--', RELEASE_FILE]);
    git.try(['checkout', '--', GENERATED_DIR]);
    git.try(['clean', '-fdq', '--', GENERATED_DIR]);
    const output = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new ReleaseWorkError(`synth command "${synth}" failed (exit ${r.status ?? r.signal}); release.json restored.\n${output}`);
  }
  // The synth must not touch anything but dist/ (and the release file we wrote).
  const stray = git
    .status()
    .map((l) => l.slice(3))
    .filter((p) => p !== RELEASE_FILE && !p.startsWith(`${GENERATED_DIR}/`));
  if (stray.length > 0) {
    throw new ReleaseWorkError(`synth command "${synth}" changed files outside ${GENERATED_DIR}/: ${stray.join(', ')}`);
  }
}

function commitChange(git: Git, subject: string, previous: Release, current: Release): void {
  git.run(['add', '--all', '--', RELEASE_FILE, GENERATED_DIR]);
  const body = [
    `image:   ${current.image}`,
    `digest:  ${previous.digest} → ${current.digest}`,
    `mlflow:  ${current.mlflowModel} v${previous.mlflowVersion} → v${current.mlflowVersion} (run ${current.runId})`,
    '',
    `Edited ${RELEASE_FILE} and re-synthesized ${GENERATED_DIR}/ with mlops bump-image; ArgoCD syncs it.`,
  ].join('\n');
  git.run(['commit', '--quiet', '-m', subject, '-m', body, '--', RELEASE_FILE, GENERATED_DIR]);
}

/**
 * Pushes HEAD to remote/branch. When the remote moved (non-fast-forward), fetches and rebases our
 * one commit onto it; if the rebase conflicts (someone else changed release.json or dist/), the
 * commit is rebuilt on the new tip: release.json re-written, dist/ re-synthesized. Bounded attempts.
 */
function pushWithRetry(git: Git, options: ReleaseChangeOptions, change: Change, log: (l: string) => void): number {
  const remote = options.remote ?? 'origin';
  const branch = options.branch ?? git.currentBranch();
  const max = options.maxPushAttempts ?? 3;
  let lastError = '';
  for (let attempt = 1; attempt <= max; attempt++) {
    const pushed = git.try(['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`]);
    if (pushed.code === 0) {
      log(`pushed to ${remote}/${branch} (attempt ${attempt})`);
      return attempt;
    }
    lastError = (pushed.stderr + pushed.stdout).trim();
    if (!isNonFastForward(lastError)) {
      throw new ReleaseWorkError(`git push to ${remote}/${branch} failed (not a race, not retried): ${lastError}`);
    }
    if (attempt === max) break;
    log(`push rejected: ${remote}/${branch} moved; rebasing (attempt ${attempt} of ${max})`);
    git.run(['fetch', '--quiet', remote, branch]);
    const rebased = git.try(['rebase', `${remote}/${branch}`]);
    if (rebased.code === 0) continue;
    git.try(['rebase', '--abort']);
    log('rebase conflicted; rebuilding the release commit on the new tip');
    git.run(['reset', '--quiet', '--hard', `${remote}/${branch}`]);
    const base = readRelease(git.dir);
    if (formatRelease(base) === formatRelease(change.release)) {
      log(`${remote}/${branch} already has this release; nothing to push`);
      return attempt;
    }
    writeAndSynth(git, options, change.release, log);
    commitChange(git, change.subject(base, change.release), base, change.release);
  }
  throw new ReleaseWorkError(`git push to ${remote}/${branch} still rejected after ${max} attempts: ${lastError}`);
}

function short(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

function modelSuffix(r: Release): string {
  return ` (model v${r.mlflowVersion}, run ${r.runId})`;
}
