import { z } from 'zod';
import type { RenderedPrompt } from './prompts';
import type { LlmProvider } from './providers/types';
import type { Redactor } from './redact';
import type { ProviderName } from './report';
import { ProviderError, RetryOptions, withRetry } from './retry';
import { AnalysisStore, cacheKey } from './store';
import { DEFAULT_PROMPT_TOKENS, estimateTokens } from './tokens';

/** Default number of LLM calls per provider per UTC day (all processes together). */
export const DEFAULT_DAILY_BUDGET = 100;

export interface AnalyzeOptions<T> {
  readonly provider: LlmProvider;
  /** The rendered prompt; analyze() redacts it before anything leaves the process. */
  readonly prompt: RenderedPrompt;
  /** The answer's schema: the model's JSON is validated with it. */
  readonly schema: z.ZodType<T>;
  /** Name of the schema for the provider (`triage_explanation`). */
  readonly schemaName: string;
  /** The deterministic answer built from the parsed facts (the offline provider's answer). */
  readonly fallback: () => T;
  /** The report's redactor: the prompt's placeholders match the posted body's. */
  readonly redactor: Redactor;
  /** Cache and budget; without it neither is used. */
  readonly store?: AnalysisStore;
  /** @default DEFAULT_DAILY_BUDGET */
  readonly dailyBudget?: number;
  /** A prompt over this many tokens is not sent. @default 30000 */
  readonly maxPromptTokens?: number;
  readonly retry?: RetryOptions;
  /** Called with the exact (redacted) prompt text sent; for `--dry-run` style inspection. */
  readonly onPrompt?: (text: string) => void;
}

export interface AnalyzeResult<T> {
  readonly answer: T;
  /** `offline` when the fallback answered. */
  readonly provider: ProviderName;
  readonly promptVersion: string;
  readonly promptTokens: number;
  readonly cached: boolean;
  /** Why the model's answer was not used (budget, quota, invalid twice, errors). */
  readonly fallbackReason?: string;
}

function parseAnswer<T>(raw: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `schema: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Asks the provider for an explanation, safely: redacts the prompt (the chokepoint), enforces the
 * prompt size, serves from the cache, reserves the daily budget, retries transient errors (one
 * layer), validates with zod and re-asks once on an invalid answer, and otherwise returns the
 * deterministic fallback with the reason. Never throws for provider trouble.
 */
export async function analyze<T>(opts: AnalyzeOptions<T>): Promise<AnalyzeResult<T>> {
  const text = opts.redactor.redact(opts.prompt.text);
  const promptTokens = estimateTokens(text);
  const base = { promptVersion: opts.prompt.id, promptTokens };
  const offline = (reason?: string): AnalyzeResult<T> => ({
    ...base,
    answer: opts.fallback(),
    provider: 'offline',
    cached: false,
    ...(reason ? { fallbackReason: reason } : {}),
  });
  if (opts.provider.name === 'offline') return offline();
  const max = opts.maxPromptTokens ?? DEFAULT_PROMPT_TOKENS;
  if (promptTokens > max) return offline(`prompt of ${promptTokens} tokens is over the ${max}-token budget`);

  const key = cacheKey(opts.provider.model, opts.prompt.id, text);
  if (opts.store) {
    const hit = opts.store.getCached(key);
    if (hit !== undefined) {
      const parsed = opts.schema.safeParse(hit);
      if (parsed.success) return { ...base, answer: parsed.data, provider: opts.provider.name, cached: true };
    }
  }
  const jsonSchema = z.toJSONSchema(opts.schema as z.ZodType, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  const budget = opts.dailyBudget ?? DEFAULT_DAILY_BUDGET;
  let lastInvalid = '';
  for (let ask = 1; ask <= 2; ask++) {
    if (opts.store && !opts.store.reserveCall(opts.provider.name, budget)) {
      return offline(`daily budget of ${budget} ${opts.provider.name} calls is used up`);
    }
    const prompt =
      ask === 1
        ? text
        : `${text}\n\nYour previous answer was invalid (${lastInvalid}). Answer again with ONE JSON object matching the schema.`;
    opts.onPrompt?.(prompt);
    let raw: string;
    try {
      raw = await withRetry(() => opts.provider.generate({ prompt, jsonSchema, schemaName: opts.schemaName }), opts.retry);
    } catch (err) {
      const kind = err instanceof ProviderError ? err.kind : 'fatal';
      return offline(`${opts.provider.name} ${kind === 'exhausted' ? 'quota exhausted' : 'failed'}: ${(err as Error).message}`);
    }
    const parsed = parseAnswer(raw, opts.schema);
    if (parsed.ok) {
      opts.store?.putCached(key, parsed.value);
      return { ...base, answer: parsed.value, provider: opts.provider.name, cached: false };
    }
    lastInvalid = parsed.error;
  }
  return offline(`${opts.provider.name} answered invalid JSON twice (${lastInvalid})`);
}
