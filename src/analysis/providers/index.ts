import { UsageError } from '../errors';
import type { ProviderName } from '../report';
import { DEFAULT_GEMINI_MODEL, GeminiProvider } from './gemini';
import { OpenAiProvider } from './openai';
import type { GenerateRequest, LlmProvider } from './types';

export * from './types';
export { GeminiProvider, DEFAULT_GEMINI_MODEL, toGeminiSchema } from './gemini';
export { OpenAiProvider } from './openai';

/**
 * The offline provider: never called over the network. analyze() returns the deterministic
 * answer built by code from the parsed facts.
 */
export class OfflineProvider implements LlmProvider {
  readonly name = 'offline' as const;
  readonly model = 'offline';
  async generate(_req: GenerateRequest): Promise<string> {
    throw new Error('the offline provider has no model; analyze() uses the deterministic answer');
  }
}

export interface CreateProviderOptions {
  /** Explicit choice; when absent: `gemini` if GEMINI_API_KEY is set, else `offline`. */
  readonly provider?: ProviderName;
  /** Model id (default: GEMINI_MODEL / OPENAI_MODEL, then the built-in default). */
  readonly model?: string;
  /** API base URL (default: GEMINI_BASE_URL / OPENAI_BASE_URL). */
  readonly baseUrl?: string;
  /** Per-call timeout in ms. */
  readonly timeoutMs?: number;
  /** Environment to read keys from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Builds the provider. Keys come from the environment only (GEMINI_API_KEY, OPENAI_API_KEY),
 * never from flags, so they do not end up in shell history or process lists.
 * @throws UsageError when an explicit provider lacks its configuration.
 */
export function createProvider(opts: CreateProviderOptions = {}): LlmProvider {
  const env = opts.env ?? process.env;
  const choice = opts.provider ?? (env.GEMINI_API_KEY ? 'gemini' : 'offline');
  switch (choice) {
    case 'offline':
      return new OfflineProvider();
    case 'gemini': {
      const apiKey = env.GEMINI_API_KEY;
      if (!apiKey) throw new UsageError('--provider gemini needs GEMINI_API_KEY in the environment');
      return new GeminiProvider({
        apiKey,
        model: opts.model ?? env.GEMINI_MODEL ?? DEFAULT_GEMINI_MODEL,
        baseUrl: opts.baseUrl ?? env.GEMINI_BASE_URL,
        timeoutMs: opts.timeoutMs,
      });
    }
    case 'openai': {
      const baseUrl = opts.baseUrl ?? env.OPENAI_BASE_URL;
      const model = opts.model ?? env.OPENAI_MODEL;
      if (!baseUrl && !env.OPENAI_API_KEY) {
        throw new UsageError('--provider openai needs OPENAI_BASE_URL (on-prem endpoint) or OPENAI_API_KEY in the environment');
      }
      if (!model) throw new UsageError('--provider openai needs a model: --model or OPENAI_MODEL');
      return new OpenAiProvider({ apiKey: env.OPENAI_API_KEY, baseUrl, model, timeoutMs: opts.timeoutMs });
    }
    default:
      throw new UsageError(`unknown provider "${String(choice)}" (expected offline, gemini or openai)`);
  }
}
