import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

/**
 * A child process started by a test, in its own process group so that stopping it also stops
 * whatever it started. Output is kept (bounded) for error messages.
 */
export interface ManagedProcess {
  readonly child: ChildProcess;
  /** The last 64 KiB of stdout+stderr. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ManagedProcess>();

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  const keep = (chunk: Buffer) => {
    buffer = (buffer + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const managed: ManagedProcess = {
    child,
    output: () => buffer,
    async stop(graceMs = 5_000) {
      running.delete(managed);
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        const kill = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already gone
          }
        };
        kill('SIGTERM');
        const timer = setTimeout(() => kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process started through startProcess that is still running (use in afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}
