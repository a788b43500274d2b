import type { Command } from 'commander';
import { runCommand } from './run-command';
import { UsageError } from '../analysis';
import { CorpusError, loadCorpus } from '../triage/eval/corpus';
import { evaluate, formatSummary } from '../triage/eval/score';

/**
 * `mlops eval triage --corpus DIR`: runs triage offline over a corpus of failed-job cases and
 * prints type accuracy, finding recall, leaks and injected mentions. Exit 1 below the thresholds
 * (or any leak or injected mention), 2 on bad input.
 */
export function registerEval(program: Command): void {
  const ev = program.command('eval').description('Score an analysis offline against a labelled corpus');
  ev.command('triage')
    .description('Run triage offline over a corpus (job.log / artifacts/ + expected.json per case) and score it')
    .requiredOption('--corpus <dir>', 'corpus folder (every sub-folder with an expected.json is a case)')
    .option('--min-type <ratio>', 'minimum failure-type accuracy (0..1)', '0.95')
    .option('--min-findings <ratio>', 'minimum key-finding recall (0..1)', '0.90')
    .option('--logs-only', 'ignore the cases\' artifacts (score the log parsers alone)')
    .option('--json', 'print the scores as JSON')
    .action(async (raw: Record<string, unknown>) => {
      await runCommand('eval triage', async () => {
        const minType = ratio('--min-type', raw.minType);
        const minFindings = ratio('--min-findings', raw.minFindings);
        let cases;
        try {
          cases = loadCorpus(String(raw.corpus));
        } catch (err) {
          if (err instanceof CorpusError) throw new UsageError(err.message);
          throw err;
        }
        const s = await evaluate(cases, { logsOnly: Boolean(raw.logsOnly) });
        process.stdout.write(raw.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatSummary(s, String(raw.corpus))}\n`);
        const ok = s.typeAccuracy >= minType && s.findingRecall >= minFindings && s.leaks === 0 && s.injected === 0;
        return ok ? 0 : 1;
      });
    });
}

function ratio(flag: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} must be a ratio between 0 and 1, got "${String(v)}"`);
  return n;
}
