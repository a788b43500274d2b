import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { platformConfig } from '../../../src/config/platform';
import { BUCKETS, MASTER_GRPC_PORT, ObjectStoreChart } from '../../../src/k8s/platform';

// A8: the bucket Job must reach the master's gRPC port and fail loudly. These checks fail on the old manifest
// (Service without 19333; `weed shell … || true`).
const objs = Testing.synth(new ObjectStoreChart(Testing.app(), 'object-store', platformConfig));
const service = objs.find((o) => o.kind === 'Service');
const job = objs.find((o) => o.kind === 'Job');
const [shell, flag, script] = job.spec.template.spec.containers[0].command as string[];

describe('SeaweedFS bucket Job', () => {
  test('the Service publishes the master gRPC port weed shell dials (HTTP + 10000, seaweedfs weed/pb/server_address.go @ 3.97)', () => {
    const master = service.spec.ports.find((p: any) => p.name === 'master');
    expect(MASTER_GRPC_PORT).toBe(master.port + 10000);
    expect(service.spec.ports).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'master-grpc', port: 19333 })]));
    const sts = objs.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].ports).toEqual(expect.arrayContaining([{ name: 'master-grpc', containerPort: 19333 }]));
    expect(script).toContain('-master=seaweedfs:9333');
  });

  test('nothing masks a failure', () => {
    expect(shell).toBe('/bin/sh');
    expect(flag).toBe('-ec');
    expect(script).not.toMatch(/\|\|\s*true/);
  });

  // The script runs for real under /bin/sh with a stand-in `weed` that answers the way weed shell does
  // (exit 0 always; errors on stderr as "error: …").
  function runWith(weedBody: string): { code: number; out: string } {
    const dir = mkdtempSync(join(tmpdir(), 'weed-'));
    try {
      writeFileSync(join(dir, 'weed'), `#!/bin/sh\ncmd=$(cat)\n${weedBody}\n`);
      chmodSync(join(dir, 'weed'), 0o755);
      const r = spawnSync(shell, [flag, script], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8', timeout: 20_000 });
      return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('master unreachable (weed shell prints an error and exits 0) → the Job fails, naming the bucket', () => {
    const r = runWith('echo "error: dial tcp 10.43.0.10:19333: connect: connection refused" >&2; exit 0');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`bucket ${BUCKETS[0]}: not created`);
  });

  test('weed shell itself fails → the Job fails', () => {
    const r = runWith('exit 3');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('weed shell failed or timed out');
  });

  test('created, or already there → success for every bucket', () => {
    const created = runWith('name=${cmd##* }; echo "create bucket under /buckets"; echo "created bucket $name"');
    expect(created.code).toBe(0);
    for (const b of BUCKETS) expect(created.out).toContain(`bucket ${b}: ok`);
    const exists = runWith('name=${cmd##* }; echo "error: EEXIST: entry /buckets/$name already exists" >&2');
    expect(exists.code).toBe(0);
  });
});
