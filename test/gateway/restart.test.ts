import * as path from 'node:path';
import { gatewayToken, githubToken, outboxRows, post, sleep, tempStateDir, until } from './harness';
import { alertGroup } from './payloads';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';
import { freePort, waitForHttp } from '../support/net';
import { startProcess, stopAll, type ManagedProcess } from '../support/process';

/** The gateway as a real child process (`bin/mlops gateway`), so kill -9 is a real crash. */
const mlops = path.join(__dirname, '..', '..', 'bin', 'mlops');

let fake: GithubDispatchFake;
beforeAll(async () => {
  fake = await startGithubDispatchFake();
});
afterAll(async () => {
  await stopAll();
  await fake?.close();
});

async function startChild(stateDir: string, port: number): Promise<ManagedProcess> {
  const child = startProcess(process.execPath, [mlops, 'gateway', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      GATEWAY_TOKEN: gatewayToken,
      GITHUB_TOKEN: githubToken,
      GITHUB_REPOSITORY: 'self-healing-mlops/self-healing-mlops',
      GITHUB_API_URL: fake.url,
      GATEWAY_STATE_DIR: stateDir,
      GATEWAY_BACKOFF_BASE_MS: '50',
      GATEWAY_BACKOFF_MAX_MS: '200',
    },
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000).catch((err) => {
    throw new Error(`${err.message}\n${child.output()}`);
  });
  return child;
}

test('kill -9 between accept and dispatch, restart: each accepted group dispatched exactly once', async () => {
  const stateDir = tempStateDir();
  const port = await freePort();
  fake.outage = true; // accepted, but GitHub is down: the groups sit in the outbox
  const first = await startChild(stateDir, port);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await post(`http://127.0.0.1:${port}`, alertGroup({ groupSuffix: `-crash-${i}` }));
    expect(r.status).toBe(202);
    ids.push(r.json.outboxId);
  }
  await until(() => fake.answers.filter((s) => s === 502).length >= 1, 10_000, 'a failed attempt');
  process.kill(-first.child.pid!, 'SIGKILL');
  await first.stop();
  expect(first.child.signalCode).toBe('SIGKILL');
  expect(outboxRows(stateDir).filter((e) => ids.includes(e.id)).map((e) => e.state)).toEqual(['pending', 'pending', 'pending']);
  expect(fake.dispatches).toHaveLength(0);

  fake.outage = false;
  const second = await startChild(stateDir, port);
  await until(() => ids.every((id) => fake.dispatches.some((d) => d.clientPayload.outboxId === id)), 20_000, 'resumed dispatches');
  await sleep(500);
  for (const id of ids) expect(fake.dispatches.filter((d) => d.clientPayload.outboxId === id)).toHaveLength(1);
  expect(fake.dispatches).toHaveLength(3);

  // A re-send after the restart is still a duplicate (the dedupe window survives restarts).
  const again = await post(`http://127.0.0.1:${port}`, alertGroup({ groupSuffix: '-crash-0' }));
  expect(again.json.deduplicated).toBe(true);

  // SIGTERM: graceful, exit code 0, nothing pending left behind.
  second.child.kill('SIGTERM');
  await second.stop();
  expect(second.child.exitCode).toBe(0);
  expect(outboxRows(stateDir).filter((e) => e.state === 'pending')).toHaveLength(0);
});

test('a missing required setting: refuses to start, exit 2, naming it', async () => {
  const child = startProcess(process.execPath, [mlops, 'gateway', '--port', '0'], {
    env: { ...process.env, GATEWAY_TOKEN: '', GITHUB_TOKEN: 'x', GITHUB_REPOSITORY: 'a/b' },
  });
  await new Promise((r) => child.child.once('exit', r));
  expect(child.child.exitCode).toBe(2);
  expect(child.output()).toContain('missing required setting: GATEWAY_TOKEN');
});
