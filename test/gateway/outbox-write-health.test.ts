import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { sleep } from './harness';
import { Outbox } from '../../src/gateway/outbox';

/** A stuck writer (a write waiting on SQLite's lock longer than `stuckAfterMs`) is unhealthy until the write commits. */
test('a write held up by another connection\'s lock makes the writer unhealthy, then healthy once it commits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-health-'));
  const errors: string[] = [];
  const outbox = new Outbox(dir, 60_000, Date.now, { stuckAfterMs: 200, onWriteError: (m) => errors.push(m) });
  const blocker = new Database(outbox.file);
  try {
    const { id } = await outbox.accept({ groupKey: 'g', status: 'firing', fingerprints: ['f'], eventType: 'alert', payload: '{}' });
    expect(outbox.writeHealth()).toEqual({ healthy: true });
    blocker.prepare('BEGIN IMMEDIATE').run(); // holds the write lock: the writer waits (busy_timeout 5 s)
    const mark = outbox.markDispatched(id);
    await sleep(500);
    const stuck = outbox.writeHealth();
    expect(stuck.healthy).toBe(false);
    expect(stuck.cause).toMatch(/^writer stuck: a write has waited \d+ ms$/);
    blocker.prepare('ROLLBACK').run();
    await mark;
    expect(outbox.writeHealth()).toEqual({ healthy: true });
    expect(outbox.get(id)?.state).toBe('dispatched');
    expect(errors).toEqual([]);
  } finally {
    blocker.close();
    await outbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
