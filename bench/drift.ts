/**
 * Time and peak memory of the offline drift analysis on 1,000,000 rows × 20 features (generated).
 *
 *   npx ts-node --transpile-only bench/drift.ts [--rows N] [--keep DIR] [--generate-only]
 *
 * Writes a reference and a current CSV of N rows each (16 numerical features, 4 categorical; the current
 * file shifts two numerical and one categorical feature), then runs `mlops analyze-drift --offline --json`
 * on them as a child process and prints wall time and the child's peak RSS, plus an in-process breakdown
 * (CSV parsing vs statistics). Target: under 5 s for the analysis. Not part of the test suite.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTables } from '../src/drift/analyze';
import { readCsv } from '../src/drift/csv';
import { seededRandom } from '../src/testing/random';

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

  // End to end: the CLI as a user runs it (compiled on the fly by ts-node, which bin/mlops uses in a checkout).
  const repo = path.resolve(__dirname, '..');
  const t1 = process.hrtime.bigint();
  const child = spawnSync('/usr/bin/time', ['-f', '%M %U %S', path.join(repo, 'bin', 'mlops'), 'analyze-drift', '--reference', ref, '--current', cur, '--offline', '--json'], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const cliSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  if (child.error || child.status !== 0) {
    console.error(child.error?.message ?? child.stderr);
    process.exit(1);
  }
  const [peakKb, userS, sysS] = child.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const report = JSON.parse(child.stdout) as { features: Array<{ name: string; drifted: boolean }>; urgency: string };

  // In-process breakdown.
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

  console.log(`input: 2 files, ${sizeMb.toFixed(0)} MB, ${rows.toLocaleString('en')} rows × 20 features each`);
  console.log(`mlops analyze-drift --offline --json: ${cliSeconds.toFixed(2)} s wall, ${(userS + sysS).toFixed(2)} s CPU, peak RSS ${(peakKb / 1024).toFixed(0)} MiB (target < 5 s)`);
  console.log(`  in process: CSV parsing ${(Number(t3 - t2) / 1e9).toFixed(2)} s wall / ${cpu(c0, c1)} s CPU, statistics + rules ${(Number(t4 - t3) / 1e9).toFixed(2)} s wall / ${cpu(c1, c2)} s CPU`);
  console.log(`  (wall time includes waiting for the CPU on a shared machine; load average now ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
  console.log(`  drifted: ${report.features.filter((f) => f.drifted).map((f) => f.name).join(', ') || '(none)'}; urgency ${report.urgency}`);
}

main();
