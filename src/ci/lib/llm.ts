/**
 * How the analysis workflows reach the LLM the site file names (`site.yaml` → `llm`, passed in by
 * `.projenrc.ts`). Endpoint and model are not secrets: they are written into the workflow. Keys are
 * repository secrets: `GEMINI_API_KEY`, or `OPENAI_API_KEY` when the OpenAI-compatible server wants one.
 * The provider is picked by `createProvider` (src/analysis/providers/index.ts): `--provider openai` reads
 * OPENAI_BASE_URL, OPENAI_MODEL and OPENAI_API_KEY; without a flag, Gemini when GEMINI_API_KEY is set
 * (GEMINI_MODEL optional), else the offline provider.
 */
export interface WorkflowLlm {
  /** `gemini` (offline when the secret is unset), `openai` (any OpenAI-compatible endpoint) or `offline`. */
  readonly provider: 'gemini' | 'openai' | 'offline';
  /** Model id; required for `openai`. @default the provider's default */
  readonly model?: string;
  /** OpenAI-compatible base URL (…/v1); `openai` only. */
  readonly baseUrl?: string;
}

/** What the workflows did before the site file named a provider: Gemini when its key is set. */
export const DEFAULT_WORKFLOW_LLM: WorkflowLlm = { provider: 'gemini' };

/** Env of a step that runs an analysis command. */
export function llmEnv(llm: WorkflowLlm): Record<string, string> {
  switch (llm.provider) {
    case 'gemini':
      return { GEMINI_API_KEY: '${{ secrets.GEMINI_API_KEY }}', ...(llm.model ? { GEMINI_MODEL: llm.model } : {}) };
    case 'openai':
      if (!llm.baseUrl || !llm.model) throw new Error('workflow llm: provider openai needs baseUrl and model (site.yaml llm)');
      return { OPENAI_BASE_URL: llm.baseUrl, OPENAI_MODEL: llm.model, OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}' };
    case 'offline':
      return {};
  }
}

/**
 * The step's script with the provider flag after `npx mlops <command>`, after a line that drops an empty
 * OPENAI_API_KEY (an unset secret arrives as ""; most on-prem servers want none).
 */
export function withLlm(llm: WorkflowLlm, script: string): string {
  const flag = llm.provider === 'openai' ? ' --provider openai' : llm.provider === 'offline' ? ' --offline' : '';
  const pattern = /npx mlops (triage|analyze-alert|analyze-drift)\b/;
  if (!pattern.test(script)) throw new Error(`workflow llm: no analysis command in the step script: ${script}`);
  const body = script.replace(pattern, (m) => `${m}${flag}`);
  return llm.provider === 'openai' ? `if [ -z "\${OPENAI_API_KEY:-}" ]; then unset OPENAI_API_KEY; fi\n${body}` : body;
}
