/**
 * The GitHub dispatch fake in a process of its own, for benchmarks: the real GitHub is another
 * machine, and sharing the load generator's event loop would add the fake's work to the latency the
 * generator measures. Parent ↔ child over the IPC channel:
 * - child → parent: `{ url }` once listening, then `{ dispatched }` answers;
 * - parent → child: `{ limit: n | null }` sets the secondary rate limit, `{ count: true }` asks for
 *   the number of accepted dispatches.
 */
import { fork } from 'node:child_process';
import { startGithubDispatchFake } from '../../test/fakes/github-dispatch';

export interface GithubDispatchProcess {
  readonly url: string;
  readonly pid: number;
  /** Sets GitHub's secondary rate limit (dispatches a minute); null: none. */
  setLimit(perMinute: number | null): void;
  /** Dispatches accepted so far. */
  dispatched(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the fake in a child process (run through ts-node, like the benchmarks). */
export async function startGithubDispatchProcess(token: string): Promise<GithubDispatchProcess> {
  const child = fork(__filename, [token], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (msg: { url?: string }) => (msg.url ? resolve(msg.url) : reject(new Error('the GitHub fake did not start'))));
    child.once('exit', (code) => reject(new Error(`the GitHub fake exited (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    setLimit: (perMinute) => void child.send({ limit: perMinute }),
    dispatched: () => new Promise((resolve) => {
      child.once('message', (msg: { dispatched: number }) => resolve(msg.dispatched));
      child.send({ count: true });
    }),
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}

async function main(): Promise<void> {
  const fake = await startGithubDispatchFake({ token: process.argv[2] });
  process.on('message', (msg: { limit?: number | null; count?: boolean }) => {
    if (msg.limit !== undefined) fake.contentCreatingPerMinute = msg.limit ?? undefined;
    if (msg.count) process.send!({ dispatched: fake.dispatches.length });
  });
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send!({ url: fake.url });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
