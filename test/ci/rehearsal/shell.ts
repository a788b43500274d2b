import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * A `run:` step as the runner executes it: the script is written to a file and run by the step's
 * shell. GitHub's table (github/docs: content/actions/reference/workflows-and-actions/workflow-syntax.md,
 * "jobs.<job_id>.steps[*].shell"; see also github/docs#23853):
 *   unspecified on Linux → `bash -e {0}`
 *   shell: bash          → `bash --noprofile --norc -eo pipefail {0}`
 *   shell: sh            → `sh -e {0}`
 *   shell: python        → `python {0}`
 * A custom `command … {0}` template runs as given.
 */
export function shellCommand(shell: string | undefined, scriptFile: string): string[] {
  switch (shell) {
    case undefined:
      return ['bash', '-e', scriptFile];
    case 'bash':
      return ['bash', '--noprofile', '--norc', '-eo', 'pipefail', scriptFile];
    case 'sh':
      return ['sh', '-e', scriptFile];
    case 'python':
      return ['python', scriptFile];
    default:
      if (!shell.includes('{0}')) throw new Error(`shell "${shell}" is not a built-in shell and has no {0}`);
      return shell.split(/\s+/).map((w) => w.replace('{0}', scriptFile));
  }
}

export interface Execution {
  readonly code: number;
  /** stdout and stderr interleaved, last 256 KiB. */
  readonly output: string;
  /** Process group of the step: what it left running is stopped with the job. */
  readonly pgid: number | undefined;
}

/** Runs a command in its own process group, asynchronously (loopback fakes in this process keep answering). */
export function execute(argv: string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<Execution> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-262_144);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      output += `\n[rehearsal] step timed out after ${timeoutMs} ms\n`;
      killGroup(child.pid);
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, output: `${output}\n${err.message}`, pgid: child.pid });
    });
    // 'close' waits for the pipes; a background process the step started may hold them open, so the
    // step ends at 'exit' (as on the runner) and output that arrives later is dropped.
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      setTimeout(() => resolve({ code: code ?? (signal ? 128 : 1), output, pgid: child.pid }), 50);
    });
  });
}

/**
 * SIGKILL to a step's process group. Only while that group can still be ours: Linux does not reuse
 * a pid that is still some group's id, so if a process with pid == pgid exists after our leader
 * exited, the number now belongs to someone else (pids wrap fast on a busy machine: pid_max is
 * 32768 here) and nothing is sent. Used for a running step (timeout) and, at the end of the job, for
 * what a finished step left running (its leader gone, its members keep the group id ours).
 */
export function killGroup(pgid: number | undefined, leaderExited = false): void {
  if (!pgid) return;
  if (leaderExited && existsSync(`/proc/${pgid}`)) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * GITHUB_OUTPUT / GITHUB_ENV file format: `NAME=value` lines and `NAME<<DELIMITER` … `DELIMITER` blocks
 * (github/docs: content/actions/reference/workflows-and-actions/workflow-commands.md, "Multiline strings").
 */
export function readFileCommands(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i++]);
      if (i >= lines.length) throw new Error(`${file}: ${heredoc[1]}<<${heredoc[2]} has no closing delimiter`);
      out[heredoc[1]] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: invalid line "${line}" (expected NAME=value or NAME<<DELIMITER)`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export function emptyFile(path: string): string {
  writeFileSync(path, '');
  return path;
}
