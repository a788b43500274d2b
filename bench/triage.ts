/**
 * Offline triage of a 20,000-line GitHub Actions job log: prints the time (target < 1 s) and the
 * prompt size against the budget (8k tokens for the log, 30k for the prompt).
 *   npx ts-node --transpile-only bench/triage.ts [lines]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LOG_TOKENS, DEFAULT_PROMPT_TOKENS, OfflineProvider } from '../src/analysis';
import { triage } from '../src/triage/triage';

function buildLog(lines: number): string {
  const fixture = fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'triage', 'actions', 'pytest-assert-v.txt'), 'utf8').split('\n');
  const at = fixture.findIndex((l) => / PASSED| FAILED/.test(l));
  const noise: string[] = [];
  for (let i = 0; noise.length < lines - fixture.length; i++) {
    const t = `2026-11-25T09:${String(40 + Math.floor(i / 6000)).padStart(2, '0')}:${String(Math.floor(i / 100) % 60).padStart(2, '0')}.${String(i % 10_000_000).padStart(7, '0')}Z`;
    noise.push(
      i % 97 === 0
        ? `${t} WARNING: retrying download of shard ${i} (attempt 2)`
        : `${t} \x1b[32mtests/test_data.py::test_generated_row[seed-${i}] PASSED\x1b[0m [${Math.floor((i / lines) * 100)}%]`,
    );
  }
  return [...fixture.slice(0, at), ...noise, ...fixture.slice(at)].join('\n');
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const log = buildLog(n);
  const lineCount = log.split('\n').length;
  let prompt = '';
  // Warm-up (module loading, regex compilation), then timed runs.
  await triage([{ source: 'bench', text: log, job: 'test' }], { workflow: 'pipeline' }, { provider: new OfflineProvider() });
  const runs = 5;
  const times: number[] = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    result = await triage([{ source: 'bench', text: log, job: 'test' }], { workflow: 'pipeline' }, { provider: new OfflineProvider(), onPrompt: (p) => (prompt = p) });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const r = result!.report;
  console.log(`log: ${lineCount} lines, ${(log.length / 1024).toFixed(0)} KiB`);
  console.log(`offline triage: median ${times[Math.floor(runs / 2)].toFixed(1)} ms, max ${times[runs - 1].toFixed(1)} ms over ${runs} runs (target < 1000 ms)`);
  console.log(`verdict: ${r.failureType}, ${r.findings.length} finding(s), first: ${r.findings[0]?.id ?? r.findings[0]?.message}`);
  console.log(`prompt: ${r.promptTokens} tokens (budget ${DEFAULT_PROMPT_TOKENS}); log part budget ${DEFAULT_LOG_TOKENS}${prompt ? '' : ' (offline: prompt rendered, not sent)'}`);
  console.log(`log notes: ${(r.logNotes ?? []).join('; ')}`);
  const ok = times[Math.floor(runs / 2)] < 1000 && r.promptTokens <= DEFAULT_PROMPT_TOKENS;
  console.log(ok ? 'PASS: under both targets' : 'MISS: a target was not met');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
