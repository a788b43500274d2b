/**
 * The one retry layer for LLM calls (SDK retries are off): exponential backoff with full jitter
 * on 429 and 5xx, Gemini's `RetryInfo.retryDelay` honoured, a per-day `QuotaFailure` fails fast.
 */

/** Classified failure of one provider call. */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** `retryable`: try again; `exhausted`: daily quota/budget gone; `fatal`: do not retry. */
    readonly kind: 'retryable' | 'exhausted' | 'fatal',
    /** Server-requested wait before retrying, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface RetryOptions {
  /** Attempts including the first. @default 4 */
  readonly attempts?: number;
  /** First backoff in ms. @default 500 */
  readonly baseDelayMs?: number;
  /** Longest single wait in ms (server-requested waits are capped too). @default 30000 */
  readonly maxDelayMs?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests. @default Math.random */
  readonly random?: () => number;
}

/** Parses a protobuf Duration string like `"12s"` or `"1.5s"` to ms. */
export function parseDurationMs(d: unknown): number | undefined {
  if (typeof d !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(d.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * Classifies a Google API error body (`{error: {code, status, details: [...]}}`): RetryInfo's
 * retryDelay, QuotaFailure violations whose quotaId mentions per-day.
 */
export function classifyGoogleError(status: number, body: unknown, fallbackMessage: string): ProviderError {
  const err = (body as { error?: { message?: string; details?: Array<Record<string, unknown>> } } | undefined)?.error;
  const details = Array.isArray(err?.details) ? err!.details : [];
  const message = `HTTP ${status}: ${err?.message ?? fallbackMessage}`.slice(0, 500);
  let retryAfterMs: number | undefined;
  for (const d of details) {
    const type = String(d['@type'] ?? '');
    if (type.endsWith('google.rpc.QuotaFailure')) {
      const violations = (d.violations as Array<Record<string, unknown>> | undefined) ?? [];
      if (violations.some((v) => /per ?day|perday|daily/i.test(`${v.quotaId ?? ''} ${v.quotaMetric ?? ''}`))) {
        return new ProviderError(`daily quota exhausted (${message})`, 'exhausted');
      }
    }
    if (type.endsWith('google.rpc.RetryInfo')) retryAfterMs = parseDurationMs(d.retryDelay);
  }
  if (status === 429 || status >= 500 || status === 408) return new ProviderError(message, 'retryable', retryAfterMs);
  return new ProviderError(message, 'fatal');
}

/** Runs `fn` with retries on retryable {@link ProviderError}s. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 30_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      last = err;
      if (!(err instanceof ProviderError) || err.kind !== 'retryable' || attempt === attempts) throw err;
      const backoff = Math.min(maxDelay, base * 2 ** (attempt - 1));
      const wait = err.retryAfterMs !== undefined ? Math.min(maxDelay, err.retryAfterMs) : Math.round(random() * backoff);
      await sleep(wait);
    }
  }
  throw last;
}
