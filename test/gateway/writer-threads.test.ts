import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureStore } from '../../src/gateway/capture/store';
import { Outbox } from '../../src/gateway/outbox';

// The writer threads' modules are started by file name, never imported; these lines put them in the
// type-checked program (`tsc -p test/tsconfig.json`).
export type * from '../../src/gateway/outbox-writer.worker';
export type * from '../../src/gateway/capture/store-writer.worker';

/** Both writer threads start from the TypeScript sources (src/gateway/sqlite-worker.ts) and commit. */
test('the outbox and capture writer threads run from the sources', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-threads-'));
  const outbox = new Outbox(dir, 60_000);
  const store = new CaptureStore(dir);
  try {
    const a = await outbox.accept({ groupKey: 'g', status: 'firing', fingerprints: ['f1'], eventType: 'alert', payload: '{}' });
    const b = await outbox.accept({ groupKey: 'g', status: 'firing', fingerprints: ['f1'], eventType: 'alert', payload: '{}' });
    expect(a.deduplicated).toBe(false);
    expect(b).toMatchObject({ deduplicated: true, duplicateOf: a.id });
    const half = { ceId: 'c1', kind: 'request' as const, requestId: 'r1', model: 'm', namespace: 'ns', time: Date.now(), instances: [{ x: 1 }] };
    expect(await store.storeHalf(half, Date.now())).toBe(true);
    expect(await store.storeHalf(half, Date.now())).toBe(false);
  } finally {
    await outbox.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
