/**
 * Time and peak memory of the offline drift analysis on 1,000,000 rows × 20 features (generated).
 *
 *   npx ts-node --transpile-only bench/drift.ts [--rows N] [--runs R] [--keep DIR] [--generate-only]
 *
 * Writes a reference and a current CSV of N rows each (16 numerical features, 4 categorical; the current
 * file shifts two numerical and one categorical feature), then runs `bin/mlops analyze-drift --offline --json`
 * on them R times (default 3) as a user does (a fresh process each time, ts-node start-up included) and prints
 * each run's wall time, CPU time (user + system) and peak RSS, the
 * median, the start-up share (`mlops --help`), the load average before each run, and an in-process breakdown
 * (CSV reading incl. the sorts, statistics). Target: under 5 s wall. Not part of the test suite.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTables } from '../src/drift/analyze';
import { readCsv } from '../src/drift/csv';
import { seededRandom } from '../test/support/random';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

/** A seeded CSV of 16 numeric (Box–Muller normal) and 4 categorical columns. */
function writeCsv(file: string, rows: number, seed: number, shifted: boolean): void {
  const r = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
  const cats = ['north', 'south', 'east', 'west'];
  const header = [...Array.from({ length: 16 }, (_, i) => `num_${i}`), ...Array.from({ length: 4 }, (_, i) => `cat_${i}`)];
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `${header.join(',')}\n`);
  let buf: string[] = [];
  for (let i = 0; i < rows; i++) {
    const fields: string[] = [];
    for (let j = 0; j < 16; j++) {
      const shift = shifted && j < 2 ? 0.5 : 0;
      fields.push((normal() * (j + 1) + shift * (j + 1)).toFixed(3));
    }
    for (let j = 0; j < 4; j++) {
      const u = r();
      const idx = shifted && j === 0 ? (u < 0.55 ? 0 : Math.floor(r() * 4)) : Math.floor(u * 4);
      fields.push(cats[idx]);
    }
    buf.push(fields.join(','));
    if (buf.length === 10_000) {
      fs.writeSync(fd, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, `${buf.join('\n')}\n`);
  fs.closeSync(fd);
}

function main(): void {
  const rows = Number(arg('--rows', '1000000'));
  const dir = arg('--keep', '') || fs.mkdtempSync(path.join(os.tmpdir(), 'drift-bench-'));
  fs.mkdirSync(dir, { recursive: true });
  const ref = path.join(dir, 'reference.csv');
  const cur = path.join(dir, 'current.csv');
  if (!fs.existsSync(ref) || !fs.existsSync(cur)) {
    const t0 = Date.now();
    writeCsv(ref, rows, 1, false);
    writeCsv(cur, rows, 2, true);
    console.log(`generated ${rows.toLocaleString('en')} rows × 20 features per file in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dir})`);
  }
  if (process.argv.includes('--generate-only')) return;
  const sizeMb = (fs.statSync(ref).size + fs.statSync(cur).size) / 1e6;

  const runs = Number(arg('--runs', '3'));
  const repo = path.resolve(__dirname, '..');
  const mlops = path.join(repo, 'bin', 'mlops');
  /** One fresh process under /usr/bin/time: wall seconds, CPU seconds (user + system), peak RSS in MiB. */
  const timed = (args: string[]): { wall: number; cpu: number; rssMiB: number; stdout: string } => {
    const t0 = process.hrtime.bigint();
    const child = spawnSync('/usr/bin/time', ['-f', '%M %U %S', mlops, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (child.error || child.status !== 0) {
      console.error(child.error?.message ?? child.stderr);
      process.exit(1);
    }
    const [peakKb, userS, sysS] = child.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    return { wall, cpu: userS + sysS, rssMiB: peakKb / 1024, stdout: child.stdout };
  };
  const load = () => os.loadavg()[0].toFixed(1);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

  console.log(`input: 2 files, ${sizeMb.toFixed(0)} MB, ${rows.toLocaleString('en')} rows × 20 features each; ${os.cpus().length} CPUs`);
  const startup = timed(['--help']);
  console.log(`start-up alone (mlops --help: node, ts-node/SWC, loading every command's modules): ${startup.wall.toFixed(2)} s wall`);
  const walls: number[] = [];
  let report: { features: Array<{ name: string; drifted: boolean }>; urgency: string } | undefined;
  for (let r = 1; r <= runs; r++) {
    const before = load();
    const run = timed(['analyze-drift', '--reference', ref, '--current', cur, '--offline', '--json']);
    walls.push(run.wall);
    report = JSON.parse(run.stdout) as typeof report;
    console.log(`run ${r}: mlops analyze-drift --offline --json: ${run.wall.toFixed(2)} s wall, ${run.cpu.toFixed(2)} s CPU, peak RSS ${run.rssMiB.toFixed(0)} MiB (load average before: ${before})`);
  }
  console.log(`median of ${runs}: ${median(walls).toFixed(2)} s wall (target < 5 s)`);

  // In-process breakdown (this process: ts-node already loaded).
  const c0 = process.cpuUsage();
  const t2 = process.hrtime.bigint();
  const a = readCsv(ref);
  const b = readCsv(cur);
  const t3 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  analyzeTables(a, b);
  const t4 = process.hrtime.bigint();
  const c2 = process.cpuUsage();
  const cpu = (x: NodeJS.CpuUsage, y: NodeJS.CpuUsage) => ((y.user - x.user + y.system - x.system) / 1e6).toFixed(2);
  console.log(`  in process: CSV reading ${(Number(t3 - t2) / 1e9).toFixed(2)} s wall / ${cpu(c0, c1)} s CPU, ` +
    `statistics + rules ${(Number(t4 - t3) / 1e9).toFixed(2)} s wall / ${cpu(c1, c2)} s CPU`);
  console.log(`  (wall time includes waiting for the CPU on a shared machine; load average now ${load()})`);
  console.log(`  drifted: ${report!.features.filter((f) => f.drifted).map((f) => f.name).join(', ') || '(none)'}; urgency ${report!.urgency}`);
}

main();
