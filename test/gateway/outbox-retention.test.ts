import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Outbox } from '../../src/gateway/outbox';

/** Outbox retention (security review 2026-12-04, 1b: the outbox was never pruned). Real SQLite, real writer thread. */
test('prune deletes finished rows past the age and the row budget, never pending ones nor rows in the dedupe window', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-retention-'));
  let now = Date.UTC(2026, 0, 1);
  const day = 86_400_000;
  const outbox = new Outbox(dir, 3_600_000, () => now);
  const accept = async (i: number) => (await outbox.accept({ groupKey: `g${i}`, status: 'firing', fingerprints: [`f${i}`], eventType: 'alert', payload: '{}' })).id;
  try {
    const oldSent = await accept(1);
    const oldPending = await accept(2);
    const oldFailed = await accept(3);
    await outbox.markDispatched(oldSent);
    await outbox.markFailed(oldFailed, 'HTTP 422');
    now += 20 * day;
    const recent: string[] = [];
    for (let i = 10; i < 15; i++) {
      const id = await accept(i);
      await outbox.markDispatched(id);
      recent.push(id);
      now += 1000;
    }
    // 14 days: the three old rows are past it, but a pending row is the only copy of an accepted alert.
    expect(await outbox.prune(14 * day, 1000)).toEqual({ old: 2, overBudget: 0 });
    expect(outbox.all().map((e) => e.id)).toEqual([oldPending, ...recent]);
    // A budget of 3 finished rows: the two oldest recent ones go.
    expect(await outbox.prune(14 * day, 3)).toEqual({ old: 0, overBudget: 2 });
    expect(outbox.all().map((e) => e.id)).toEqual([oldPending, ...recent.slice(2)]);
    // A retention shorter than the dedupe window (1 h) keeps the window: the re-sent group is still a duplicate.
    now += 10 * 60_000;
    expect(await outbox.prune(1, 1000)).toEqual({ old: 0, overBudget: 0 });
    const again = await outbox.accept({ groupKey: 'g14', status: 'firing', fingerprints: ['f14'], eventType: 'alert', payload: '{}' });
    expect(again.deduplicated).toBe(true);
    expect(outbox.writeHealth()).toEqual({ healthy: true });
  } finally {
    await outbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
