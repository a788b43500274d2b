import type { ProviderName } from '../report';

/** One request to a model: an already redacted prompt and the JSON schema of the answer. */
export interface GenerateRequest {
  /** The prompt text, redacted by the caller (see analyze()). */
  readonly prompt: string;
  /** JSON Schema (draft 2020-12 subset: object/array/string/number/boolean/enum) of the answer. */
  readonly jsonSchema: Record<string, unknown>;
  /** Short name of the answer schema, e.g. `triage_explanation`. */
  readonly schemaName: string;
}

/**
 * An LLM behind one small interface. `generate` makes exactly ONE HTTP call (no SDK retries)
 * and throws a ProviderError classified for the one retry layer in retry.ts.
 */
export interface LlmProvider {
  readonly name: ProviderName;
  /** Model id; part of the cache key. */
  readonly model: string;
  /** Returns the model's raw answer text (expected to be JSON). */
  generate(req: GenerateRequest): Promise<string>;
}
