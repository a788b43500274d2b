import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftovers, pgidOf, processesInGroup, startDemo } from './harness';

/**
 * Interrupting the demo at set points leaves nothing behind. SIGINT/SIGTERM: the demo's handler
 * stops its process group and exits 130/143. SIGKILL: no handler runs; the group's watchdog sees
 * its pipe from the demo close and stops the group (demo/group.ts).
 */
const cases: [NodeJS.Signals, string, number | null][] = [
  ['SIGINT', 'all services up', 130], // everything running, before the scenarios
  ['SIGTERM', 'starting the KServe predictor', 143], // mid-setup: MLflow up, model trained, predictor starting
  ['SIGKILL', 'load generator:', null], // during the latency scenario
];

test.each(cases)('%s when "%s" leaves no child process and no listening port', async (signal, point, expectedCode) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-demo-int-'));
  const run = startDemo(['--short', '--no-synth', '--out', out]);
  try {
    await run.waitFor(point);
    const pgid = pgidOf(run.stdout());
    expect(processesInGroup(pgid).length).toBeGreaterThan(1); // the watchdog and at least one service
    run.child.kill(signal);
    const { code, signal: by } = await run.exited;
    if (expectedCode === null) expect(by).toBe('SIGKILL');
    else expect(code).toBe(expectedCode);
    expect(await leftovers(run.stdout(), run.child.pid)).toEqual({ processes: [], ports: [] });
  } finally {
    run.child.kill('SIGKILL');
  }
}, 240_000);
