import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository as GitHub would serve it to a runner: a bare "origin" holding only what is
 * committed at HEAD (as `main`), from which each job's checkout clones into an empty workspace.
 * Uncommitted files, ignored files (node_modules, .venvs, reports) and anything beside the
 * worktree (sibling folders) are absent, exactly as on GitHub.
 */
export interface Origin {
  /** file:// URL of the bare repository. */
  readonly url: string;
  /** The commit under rehearsal (github.sha). */
  readonly sha: string;
}

function git(args: string[], cwd?: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Publishes HEAD of `source` as `main` of a fresh bare repository under `dir`. */
export function publishHead(source: string, dir: string): Origin {
  const bare = join(dir, 'origin.git');
  mkdirSync(bare, { recursive: true });
  git(['init', '-q', '--bare', '-b', 'main', bare]);
  git(['-C', source, 'push', '-q', bare, 'HEAD:refs/heads/main']);
  return { url: `file://${bare}`, sha: git(['-C', bare, 'rev-parse', 'main']) };
}

export interface CheckoutOptions {
  /** 0 = all history; 1 (actions/checkout's default) = the one commit. */
  readonly depth: number;
  /** Branch or SHA; the default is the commit under rehearsal. */
  readonly ref?: string;
}

/**
 * actions/checkout: `git init` in the workspace, fetch `main` of the origin (shallow unless depth 0),
 * then check out `ref` as a branch, or the commit under rehearsal detached (as for a pull request).
 */
export function checkoutInto(origin: Origin, workspace: string, opts: CheckoutOptions): void {
  mkdirSync(workspace, { recursive: true });
  const depth = opts.depth > 0 ? ['--depth', String(opts.depth)] : [];
  git(['init', '-q', '-b', 'main', '.'], workspace);
  git(['remote', 'add', 'origin', origin.url], workspace);
  git(['fetch', '-q', ...depth, 'origin', '+refs/heads/main:refs/remotes/origin/main'], workspace);
  if (opts.ref && opts.ref !== origin.sha) {
    if (opts.ref !== 'main') throw new Error(`checkout: ref "${opts.ref}" is not published to the rehearsal origin (only main)`);
    git(['checkout', '-q', '-B', 'main', 'refs/remotes/origin/main'], workspace);
  } else {
    git(['checkout', '-q', '--detach', origin.sha], workspace);
  }
}
