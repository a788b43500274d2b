import { spawnSync } from 'node:child_process';

/** Result of one git invocation. */
export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A git working tree, driven through the git binary (no shell, arguments passed as-is). */
export class Git {
  constructor(readonly dir: string) {}

  /** Runs git; never throws for a non-zero exit (callers decide). */
  try(args: string[]): GitResult {
    const r = spawnSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      // Never wait for a terminal prompt (credentials, editor) in automation.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs git and throws, naming the command and git's message, when it fails. */
  run(args: string[]): string {
    const r = this.try(args);
    if (r.code !== 0) {
      throw new Error(`git ${args.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    }
    return r.stdout;
  }

  /** Porcelain v1 status lines (`XY path`), untracked included. */
  status(): string[] {
    return this.run(['status', '--porcelain=v1', '--untracked-files=all'])
      .split('\n')
      .filter((l) => l.length > 0);
  }

  currentBranch(): string {
    return this.run(['rev-parse', '--abbrev-ref', 'HEAD']).trim();
  }

  head(): string {
    return this.run(['rev-parse', 'HEAD']).trim();
  }
}

/** True when a `git push` failure is a rejection because the remote moved (a race), not an auth or network error. */
export function isNonFastForward(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(cannot lock ref|incorrect old value)/i.test(stderr);
}
