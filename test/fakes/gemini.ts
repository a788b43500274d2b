import { FakeResponse, LoopbackServer, ReceivedRequest, startLoopback } from './http';

/**
 * A loopback Gemini API fake speaking `POST /v1beta/models/<model>:generateContent`, for the
 * real `@google/genai` client (`httpOptions.baseUrl`). Answers come from a script (one entry
 * per call, then `fallback`): a JSON answer, raw text, a 429 with RetryInfo, a per-day
 * QuotaFailure, a 5xx, or a delay longer than the client's timeout.
 */
export type GeminiScriptEntry =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'rate-limit'; retryDelay?: string }
  | { kind: 'quota-per-day' }
  | { kind: 'server-error'; status?: number }
  | { kind: 'timeout'; delayMs: number };

export interface GeminiFake extends LoopbackServer {
  /** Prompt texts received, in order. */
  prompts(): string[];
  /** Appends entries to the script. */
  push(...entries: GeminiScriptEntry[]): void;
  /** Calls to generateContent so far. */
  calls(): number;
}

export interface GeminiFakeOptions {
  /** Answer once the script is used up. @default a generic valid JSON answer */
  readonly fallback?: GeminiScriptEntry;
  /** Accepted API key (x-goog-api-key header). @default test-gemini-key */
  readonly apiKey?: string;
}

const quotaViolation = (quotaId: string) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  'violations': [
    {
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
      quotaId,
      quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
      quotaValue: '10',
    },
  ],
});

function answer(text: string): FakeResponse {
  return {
    status: 200,
    body: {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 50, totalTokenCount: 150 },
      modelVersion: 'gemini-2.5-flash',
    },
  };
}

export function geminiResponse(entry: GeminiScriptEntry): FakeResponse {
  switch (entry.kind) {
    case 'json':
      return answer(JSON.stringify(entry.value));
    case 'text':
      return answer(entry.text);
    case 'rate-limit':
      return {
        status: 429,
        body: {
          error: {
            code: 429,
            message: 'You exceeded your current quota, please check your plan and billing details.',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              quotaViolation('GenerateRequestsPerMinutePerProjectPerModel-FreeTier'),
              { '@type': 'type.googleapis.com/google.rpc.Help', 'links': [{ description: 'Learn more', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', 'retryDelay': entry.retryDelay ?? '1s' },
            ],
          },
        },
      };
    case 'quota-per-day':
      return {
        status: 429,
        body: {
          error: {
            code: 429,
            message: 'You exceeded your current quota, please check your plan and billing details.',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              quotaViolation('GenerateRequestsPerDayPerProjectPerModel-FreeTier'),
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', 'retryDelay': '43200s' },
            ],
          },
        },
      };
    case 'server-error':
      return { status: entry.status ?? 503, body: { error: { code: entry.status ?? 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } } };
    case 'timeout':
      return { ...answer('{}'), delayMs: entry.delayMs };
  }
}

export async function startGeminiFake(opts: GeminiFakeOptions = {}): Promise<GeminiFake> {
  const script: GeminiScriptEntry[] = [];
  const key = opts.apiKey ?? 'test-gemini-key';
  const fallback: GeminiScriptEntry = opts.fallback ?? {
    kind: 'json',
    value: { summary: 'fake summary', rootCause: 'fake root cause', remediation: 'fake remediation' },
  };
  let calls = 0;
  const server = await startLoopback((req: ReceivedRequest) => {
    const m = /^\/[^/]+\/models\/([^/:]+):generateContent$/.exec(req.path);
    if (!m || req.method !== 'POST') return { status: 404, body: { error: { code: 404, message: `no route ${req.path}`, status: 'NOT_FOUND' } } };
    if (req.headers['x-goog-api-key'] !== key) {
      return { status: 400, body: { error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } } };
    }
    calls++;
    return geminiResponse(script.shift() ?? fallback);
  });
  return {
    ...server,
    prompts: () =>
      server.requests
        .filter((r) => r.path.endsWith(':generateContent'))
        .map((r) => {
          const contents = (r.json as { contents?: Array<{ parts?: Array<{ text?: string }> }> })?.contents ?? [];
          return contents.flatMap((c) => (c.parts ?? []).map((p) => p.text ?? '')).join('\n');
        }),
    push: (...entries) => script.push(...entries),
    calls: () => calls,
  };
}
