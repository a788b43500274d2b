/**
 * Full synth time, a benchmark, not a test: prints figures. Each run is a fresh process (as
 * `npx projen synth` is): TypeScript loading of src/ and the CRD bindings, then the cdk8s synth
 * of every chart into a temp dir. Run: `npx ts-node --swc bench/synth.ts [runs]`.
 * Target: full run under 15 s on 2 cores.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
const full: number[] = [];
const synthOnly: number[] = [];
const cpuMs: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const out = path.join(dir, `dist-${i}`);
    const script = [
      "require('ts-node').register({ swc: true });",
      'const t0 = process.hrtime.bigint();',
      "const { synthAll } = require('./src/main'); const { platformConfig } = require('./src/config/platform');",
      'const t1 = process.hrtime.bigint();',
      `synthAll(platformConfig, ${JSON.stringify(out)});`,
      "const cpu = process.cpuUsage(); process.stdout.write(String(Number(process.hrtime.bigint() - t1) / 1e6) + ' ' + String((cpu.user + cpu.system) / 1e3));",
      'void t0;',
    ].join('\n');
    const start = process.hrtime.bigint();
    const inner = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    full.push(Number(process.hrtime.bigint() - start) / 1e6);
    const [synthMs, cpu] = inner.trim().split(' ').map(Number);
    synthOnly.push(synthMs);
    cpuMs.push(cpu);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) => `median=${median(xs).toFixed(0)}ms min=${Math.min(...xs).toFixed(0)}ms max=${Math.max(...xs).toFixed(0)}ms`;
console.log(`full synth (fresh process: load + synth), ${runs} runs: ${fmt(full)}  (target < 15000ms)`);
console.log(`synth only (cdk8s app → files):          ${fmt(synthOnly)}`);
console.log(`CPU time of a full run (user+system):     ${fmt(cpuMs)}  (wall time on an idle machine is about this)`);
console.log(`cores=${os.cpus().length} loadavg=${os.loadavg().map((l) => l.toFixed(1)).join(',')}`);
