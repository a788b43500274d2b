import { LoopbackServer, startLoopback } from './http';

/**
 * A loopback OpenAI-compatible fake (`POST /v1/chat/completions`), like Ollama, vLLM or a
 * llama.cpp server expose, for the real `openai` client (`baseURL`). Answers come from a script,
 * then `fallback`; an entry with `status` answers that HTTP error.
 */
export type OpenAiScriptEntry = { content: string } | { status: number; message?: string };

export interface OpenAiFake extends LoopbackServer {
  /** Base URL to pass as baseURL (ends with `/v1`). */
  readonly baseUrl: string;
  /** User-message texts received, in order. */
  prompts(): string[];
  push(...entries: OpenAiScriptEntry[]): void;
}

export async function startOpenAiFake(fallback: OpenAiScriptEntry = { content: '{"summary":"s","rootCause":"r","remediation":"m"}' }): Promise<OpenAiFake> {
  const script: OpenAiScriptEntry[] = [];
  const server = await startLoopback((req) => {
    if (req.path !== '/v1/chat/completions' || req.method !== 'POST') return { status: 404, body: { error: { message: 'not found' } } };
    const entry = script.shift() ?? fallback;
    if ('status' in entry) return { status: entry.status, body: { error: { message: entry.message ?? 'error', type: 'server_error' } } };
    const model = (req.json as { model?: string })?.model ?? 'local';
    return {
      status: 200,
      body: {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: entry.content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      },
    };
  });
  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    prompts: () =>
      server.requests
        .filter((r) => r.path === '/v1/chat/completions')
        .map((r) => ((r.json as { messages?: Array<{ role: string; content: string }> })?.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content).join('\n')),
    push: (...entries) => script.push(...entries),
  };
}
