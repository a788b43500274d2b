// Child process for store.test.ts: runs analyze() for each prompt given in argv against the
// Gemini fake, with the on-disk store in MLOPS_STATE_DIR, and prints one JSON line per result.
import { z } from 'zod';
import { analyze, AnalysisStore, GeminiProvider, Redactor } from '../../../src/analysis';

async function run(): Promise<void> {
  const store = new AnalysisStore(process.env.MLOPS_STATE_DIR!);
  const provider = new GeminiProvider({ apiKey: 'test-gemini-key', baseUrl: process.env.GEMINI_BASE_URL!, timeoutMs: 5_000 });
  const schema = z.object({ summary: z.string(), rootCause: z.string(), remediation: z.string() });
  for (const text of process.argv.slice(2)) {
    const res = await analyze({
      provider,
      prompt: { name: 'triage/unit-test', version: 1, id: 'triage/unit-test@1', text, tokens: 1 },
      schema,
      schemaName: 't',
      fallback: () => ({ summary: 'offline', rootCause: 'offline', remediation: 'offline' }),
      redactor: new Redactor(),
      store,
      dailyBudget: Number(process.env.BUDGET),
    });
    process.stdout.write(`${JSON.stringify({ text, provider: res.provider, cached: res.cached, reason: res.fallbackReason ?? null })}\n`);
  }
  store.close();
}
run().catch((err) => {
  process.stderr.write(String(err));
  process.exit(1);
});
