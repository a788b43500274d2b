/**
 * Token estimates. Providers count differently; a conservative 1 token per 4 characters
 * (rounded up) keeps every budget on the safe side without a tokenizer dependency.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Default token budget for the log part of a prompt. */
export const DEFAULT_LOG_TOKENS = 8_000;
/** Default token budget for a whole prompt. */
export const DEFAULT_PROMPT_TOKENS = 30_000;
