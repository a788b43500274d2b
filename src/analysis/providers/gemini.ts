import { ApiError, GoogleGenAI, Schema, Type } from '@google/genai';
import { classifyGoogleError, ProviderError } from '../retry';
import type { GenerateRequest, LlmProvider } from './types';

/** Default Gemini model (overridable with `--model` / `GEMINI_MODEL`). */
export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

export interface GeminiProviderOptions {
  readonly apiKey: string;
  /** @default DEFAULT_GEMINI_MODEL */
  readonly model?: string;
  /** API base URL (`httpOptions.baseUrl`); tests point it at a loopback fake. */
  readonly baseUrl?: string;
  /** Per-call timeout in ms. @default 60000 */
  readonly timeoutMs?: number;
}

/** Converts a JSON Schema subset to Gemini's OpenAPI-style `responseSchema`. */
export function toGeminiSchema(js: Record<string, unknown>): Schema {
  const out: Schema = {};
  const type = js.type as string | undefined;
  if (Array.isArray(js.enum)) {
    out.type = Type.STRING;
    out.enum = (js.enum as unknown[]).map(String);
  } else if (type === 'object') {
    out.type = Type.OBJECT;
    const props = (js.properties ?? {}) as Record<string, Record<string, unknown>>;
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toGeminiSchema(v)]));
    out.propertyOrdering = Object.keys(props);
    if (Array.isArray(js.required)) out.required = js.required as string[];
  } else if (type === 'array') {
    out.type = Type.ARRAY;
    if (js.items) out.items = toGeminiSchema(js.items as Record<string, unknown>);
    if (typeof js.maxItems === 'number') out.maxItems = String(js.maxItems);
  } else if (type === 'integer') {
    out.type = Type.INTEGER;
  } else if (type === 'number') {
    out.type = Type.NUMBER;
  } else if (type === 'boolean') {
    out.type = Type.BOOLEAN;
  } else {
    out.type = Type.STRING;
  }
  if (typeof js.description === 'string') out.description = js.description;
  return out;
}

/** Gemini through `@google/genai`, structured output via `responseSchema`, SDK retries off. */
export class GeminiProvider implements LlmProvider {
  readonly name = 'gemini' as const;
  readonly model: string;
  private readonly client: GoogleGenAI;

  constructor(opts: GeminiProviderOptions) {
    this.model = opts.model ?? DEFAULT_GEMINI_MODEL;
    this.client = new GoogleGenAI({
      apiKey: opts.apiKey,
      httpOptions: {
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
        timeout: opts.timeoutMs ?? 60_000,
        // One attempt: retries live in retry.ts only.
        retryOptions: { attempts: 1 },
        // The runtime's global fetch, looked up per call (the SDK's captured reference fails
        // inside jest's module sandbox; in production both are the same function).
        fetch: (input, init) => globalThis.fetch(input, init),
      },
    });
  }

  async generate(req: GenerateRequest): Promise<string> {
    try {
      const res = await this.client.models.generateContent({
        model: this.model,
        contents: req.prompt,
        config: {
          responseMimeType: 'application/json',
          responseSchema: toGeminiSchema(req.jsonSchema),
          temperature: 0,
        },
      });
      const text = res.text;
      if (!text) throw new ProviderError('Gemini answered without text', 'retryable');
      return text;
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      if (err instanceof ApiError) {
        let body: unknown;
        try {
          body = JSON.parse(err.message);
        } catch {
          body = undefined;
        }
        throw classifyGoogleError(err.status, body, err.message);
      }
      const msg = (err as Error).message ?? String(err);
      // Timeouts and connection failures are transient.
      throw new ProviderError(`Gemini call failed: ${msg}`, 'retryable');
    }
  }
}
