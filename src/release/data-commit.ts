import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git, isNonFastForward } from './git';
import { ReleaseWorkError } from './release-file';

/**
 * The one way a tool changes a machine-edited data file under src/config/ (release.json by `bump-image`,
 * images.json by `pin-images`): refuse a dirty tree, write the file, re-synthesize dist/, check the synth
 * touched nothing else, then optionally one commit of the file and dist/, pushed with bounded retries.
 */

/** The synthesized output a change regenerates and commits with the data file. */
export const GENERATED_DIR = 'dist';

/** Default re-synthesis of dist/ after a data file changes. */
export const DEFAULT_SYNTH_COMMAND = 'npx projen synth';

export interface DataCommitOptions {
  /** Root of the git working tree. @default process.cwd() */
  readonly repoDir?: string;
  /** Shell command that re-synthesizes dist/. @default "npx projen synth" */
  readonly synthCommand?: string;
  /** Make one commit of the data file and dist/. @default false */
  readonly commit?: boolean;
  /** Push the commit (implies commit). @default false */
  readonly push?: boolean;
  /** @default "origin" */
  readonly remote?: string;
  /** @default the current branch */
  readonly branch?: string;
  /** Push attempts before giving up on a remote that keeps moving. @default 3 */
  readonly maxPushAttempts?: number;
  /** Progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

/** A change to one data file, re-applied from scratch if a push race forces a rebuild on the new tip. */
export interface DataFileChange {
  /** Repository-relative path of the data file. */
  readonly file: string;
  /** The file's new text from its current text; undefined when it already is in the wanted state. */
  apply(current: string): string | undefined;
  /** Commit subject and body for this before/after. */
  message(before: string, after: string): { subject: string; body: string };
}

export interface DataCommitResult {
  readonly changed: boolean;
  readonly before: string;
  readonly after: string;
  readonly subject?: string;
  readonly commit?: string;
  readonly pushAttempts?: number;
}

export function commitDataChange(options: DataCommitOptions, change: DataFileChange): DataCommitResult {
  const git = new Git(options.repoDir ?? process.cwd());
  const log = options.log ?? (() => undefined);
  refuseDirtyTree(git);
  const before = readFileSync(join(git.dir, change.file), 'utf8');
  const after = change.apply(before);
  if (after === undefined || after === before) return { changed: false, before, after: before };

  writeAndSynth(git, options, change.file, after, log);
  const { subject, body } = change.message(before, after);
  if (options.commit !== true && options.push !== true) return { changed: true, before, after, subject: `${subject} (not committed)` };
  commitFiles(git, change.file, subject, body);
  log(`committed: ${subject}`);
  if (options.push !== true) return { changed: true, before, after, subject, commit: git.head() };
  const pushAttempts = pushWithRetry(git, options, change, log);
  return { changed: true, before, after, subject, commit: git.head(), pushAttempts };
}

/** Anything modified, staged or untracked (outside ignored paths) would be mixed into the commit: refuse. */
export function refuseDirtyTree(git: Git): void {
  const dirty = git.status();
  if (dirty.length > 0) {
    const listed = dirty.slice(0, 10).map((l) => l.slice(3)).join(', ');
    const more = dirty.length > 10 ? ` and ${dirty.length - 10} more` : '';
    throw new ReleaseWorkError(
      `refusing to write: the working tree has uncommitted changes (${listed}${more}); commit or remove them first. Nothing was written.`,
    );
  }
}

function writeAndSynth(git: Git, options: DataCommitOptions, file: string, text: string, log: (l: string) => void): void {
  writeFileSync(join(git.dir, file), text);
  const synth = options.synthCommand ?? DEFAULT_SYNTH_COMMAND;
  log(`re-synthesizing: ${synth}`);
  const r = spawnSync(synth, { cwd: git.dir, shell: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    // Put the tree back as it was: the data file and dist/ must never disagree.
    git.try(['checkout', '--', file]);
    git.try(['checkout', '--', GENERATED_DIR]);
    git.try(['clean', '-fdq', '--', GENERATED_DIR]);
    const output = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new ReleaseWorkError(`synth command "${synth}" failed (exit ${r.status ?? r.signal}); ${file} restored.\n${output}`);
  }
  // The synth must not touch anything but dist/ (and the data file we wrote).
  const stray = git
    .status()
    .map((l) => l.slice(3))
    .filter((p) => p !== file && !p.startsWith(`${GENERATED_DIR}/`));
  if (stray.length > 0) {
    throw new ReleaseWorkError(`synth command "${synth}" changed files outside ${GENERATED_DIR}/: ${stray.join(', ')}`);
  }
}

function commitFiles(git: Git, file: string, subject: string, body: string): void {
  git.run(['add', '--all', '--', file, GENERATED_DIR]);
  git.run(['commit', '--quiet', '-m', subject, '-m', body, '--', file, GENERATED_DIR]);
}

/**
 * Pushes HEAD to remote/branch. When the remote moved (non-fast-forward), fetches and rebases our one
 * commit onto it; if the rebase conflicts (someone else changed the data file or dist/), the commit is
 * rebuilt on the new tip: the change re-applied, dist/ re-synthesized. Bounded attempts.
 */
function pushWithRetry(git: Git, options: DataCommitOptions, change: DataFileChange, log: (l: string) => void): number {
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
    log('rebase conflicted; rebuilding the commit on the new tip');
    git.run(['reset', '--quiet', '--hard', `${remote}/${branch}`]);
    const base = readFileSync(join(git.dir, change.file), 'utf8');
    const after = change.apply(base);
    if (after === undefined || after === base) {
      log(`${remote}/${branch} already has this change; nothing to push`);
      return attempt;
    }
    writeAndSynth(git, options, change.file, after, log);
    const { subject, body } = change.message(base, after);
    commitFiles(git, change.file, subject, body);
  }
  throw new ReleaseWorkError(`git push to ${remote}/${branch} still rejected after ${max} attempts: ${lastError}`);
}
