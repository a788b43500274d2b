import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { outboxRows, post, sleep, startTestGateway, until } from './harness';
import { alertGroup } from './payloads';
import type { RunningGateway } from '../../src/gateway/server';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';

/**
 * The full state volume (security review 2026-12-04, finding 1: one alert dispatched 3,027 times in
 * 15 s). The disk fills for real: the gateway's writer connection runs with the test-only
 * GATEWAY_TEST_MAX_PAGE_COUNT (pinned to the database's size at start), and this test fills the
 * outbox table's page to the last byte, so the outcome write after GitHub's 204 fails inside the
 * writer thread with SQLite's own SQLITE_FULL. Nothing is mocked.
 */

/** A loopback gate in front of the GitHub fake: holds dispatch requests until opened. */
async function startGate(target: string): Promise<{ url: string; open: () => void; close: () => Promise<void> }> {
  let opened = false;
  const waiting: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        fetch(`${target}${req.url}`, {
          method: req.method,
          headers: { 'content-type': 'application/json', 'authorization': String(req.headers.authorization ?? '') },
          body: Buffer.concat(chunks),
        }).then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(await r.text());
        }, () => {
          res.writeHead(502);
          res.end();
        });
      };
      if (opened) forward();
      else waiting.push(forward);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    open: () => {
      opened = true;
      waiting.splice(0).forEach((f) => f());
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Grows a filler row on the outbox table's page until SQLite answers SQLITE_FULL for one more byte. */
function fillToTheLastByte(db: Database.Database): void {
  db.pragma('max_page_count = 1'); // SQLite keeps it at the current size: no new page can be allocated
  db.prepare('INSERT INTO outbox (id, created_at, group_key, dedupe_key, event_type, state, next_attempt_at, payload) '
    + 'VALUES (\'disk-full-filler\', 0, \'filler\', \'filler\', \'filler\', \'failed\', 0, \'\')').run();
  const grow = db.prepare("UPDATE outbox SET payload = payload || ? WHERE id = 'disk-full-filler'");
  for (const chunk of [1024, 256, 64, 16, 4, 1]) {
    for (;;) {
      try {
        grow.run('x'.repeat(chunk));
      } catch (err) {
        expect((err as { code?: string }).code).toBe('SQLITE_FULL');
        break;
      }
    }
  }
}

const metric = (text: string, line: RegExp): number => Number(new RegExp(`^${line.source} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

let fake: GithubDispatchFake;
let gate: Awaited<ReturnType<typeof startGate>>;
let gw: RunningGateway | undefined;
beforeAll(async () => {
  fake = await startGithubDispatchFake();
  gate = await startGate(fake.url);
});
afterAll(async () => {
  await gw?.close();
  await gate?.close();
  await fake?.close();
});

test('state volume full after a 204: one dispatch, /readyz fails and counts; freed: recorded, ready, no second dispatch', async () => {
  gw = await startTestGateway(fake, { githubApiUrl: gate.url, testMaxPageCount: '1', maxAttempts: '100' });
  const file = path.join(gw.context.stateDir, 'outbox.sqlite');
  const accepted = await post(gw, alertGroup({ groupSuffix: '-disk-full' }));
  expect(accepted.status).toBe(202);
  const id = accepted.json.outboxId as string;

  // The dispatch is on its way (held at the gate); now the disk fills.
  const filler = new Database(file);
  filler.pragma('busy_timeout = 5000');
  fillToTheLastByte(filler);
  gate.open();

  await until(() => fake.dispatches.some((d) => d.clientPayload.outboxId === id), 10_000, 'the dispatch');
  await until(() => fake.answers.length >= 1, 10_000, 'GitHub answered');
  let ready = await fetch(`${gw.url}/readyz`);
  await until(() => gw!.context.readinessFailures().includes('outbox-writes'), 10_000, '/readyz to fail');
  // Give a runaway loop time to show itself (the review saw ~200 dispatches a second).
  await sleep(1_500);
  ready = await fetch(`${gw.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { failing: string[] }).failing).toContain('outbox-writes');
  expect(fake.dispatches.filter((d) => d.clientPayload.outboxId === id)).toHaveLength(1);
  expect(fake.answers).toEqual([204]);
  let text = await (await fetch(`${gw.url}/metrics`)).text();
  expect(metric(text, /mlops_gateway_dispatch_attempts_total\{outcome="dispatched"\}/)).toBe(1);
  expect(metric(text, /mlops_gateway_state_write_errors_total\{store="outbox"\}/)).toBeGreaterThanOrEqual(2); // the first write and a retry
  expect(metric(text, /mlops_gateway_state_writer_healthy\{store="outbox"\}/)).toBe(0);
  expect(outboxRows(gw.context.stateDir).find((e) => e.id === id)?.state).toBe('pending');

  // Free space: the outcome write is retried (backoff), commits, and the gateway is ready again.
  filler.prepare("DELETE FROM outbox WHERE id = 'disk-full-filler'").run();
  filler.close();
  await until(() => outboxRows(gw!.context.stateDir).find((e) => e.id === id)?.state === 'dispatched', 10_000, 'the outcome recorded');
  await until(() => gw!.context.readinessFailures().length === 0, 10_000, '/readyz to recover');
  expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  await sleep(500);
  expect(fake.dispatches.filter((d) => d.clientPayload.outboxId === id)).toHaveLength(1);
  text = await (await fetch(`${gw.url}/metrics`)).text();
  expect(metric(text, /mlops_gateway_state_writer_healthy\{store="outbox"\}/)).toBe(1);
  expect(metric(text, /mlops_gateway_dispatch_attempts_total\{outcome="dispatched"\}/)).toBe(1);
}, 60_000);
