import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { analyze, AnalysisStore, createProvider, GeminiProvider, OpenAiProvider, Redactor, RenderedPrompt, UsageError } from '../../src/analysis';
import { GeminiFake, startGeminiFake } from '../fakes/gemini';
import { OpenAiFake, startOpenAiFake } from '../fakes/openai';

const schema = z.object({ summary: z.string().min(1), rootCause: z.string().min(1), remediation: z.string().min(1) });
const fallback = () => ({ summary: 'offline summary', rootCause: 'offline cause', remediation: 'offline fix' });
const prompt = (text: string): RenderedPrompt => ({ name: 'triage/lint', version: 1, id: 'triage/lint@1', text, tokens: Math.ceil(text.length / 4) });
const good = { summary: 'model summary', rootCause: 'model cause', remediation: 'model fix' };
const noSleep = { sleep: async () => undefined, random: () => 0.5 };

let gemini: GeminiFake;
let openai: OpenAiFake;
let dir: string;

beforeAll(async () => {
  gemini = await startGeminiFake();
  openai = await startOpenAiFake();
});
afterAll(async () => {
  await gemini.close();
  await openai.close();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-analysis-'));
});

const geminiProvider = (timeoutMs = 5_000) => new GeminiProvider({ apiKey: 'test-gemini-key', baseUrl: gemini.url, timeoutMs });

describe('Gemini provider through the real @google/genai client', () => {
  test('valid answer is used; structured output schema is sent', async () => {
    gemini.push({ kind: 'json', value: good });
    const before = gemini.requests.length;
    const res = await analyze({ provider: geminiProvider(), prompt: prompt('explain A'), schema, schemaName: 't', fallback, redactor: new Redactor() });
    expect(res).toMatchObject({ provider: 'gemini', answer: good, cached: false });
    type Sent = { generationConfig: { responseMimeType: string; responseSchema: { type: string; required: string[] } } };
    const sent = gemini.requests[before].json as Sent;
    expect(sent.generationConfig.responseMimeType).toBe('application/json');
    expect(sent.generationConfig.responseSchema.type).toBe('OBJECT');
    expect(sent.generationConfig.responseSchema.required).toEqual(['summary', 'rootCause', 'remediation']);
  });

  test('429 with RetryInfo is retried after the server-given delay', async () => {
    gemini.push({ kind: 'rate-limit', retryDelay: '2.5s' }, { kind: 'json', value: good });
    const waits: number[] = [];
    const res = await analyze({
      provider: geminiProvider(),
      prompt: prompt('explain B'),
      schema,
      schemaName: 't',
      fallback,
      redactor: new Redactor(),
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    expect(res.provider).toBe('gemini');
    expect(waits).toEqual([2500]);
  });

  test('per-day QuotaFailure fails fast (no retry) and falls back', async () => {
    gemini.push({ kind: 'quota-per-day' }, { kind: 'json', value: good });
    const calls = gemini.calls();
    const res = await analyze({ provider: geminiProvider(), prompt: prompt('explain C'), schema, schemaName: 't', fallback, redactor: new Redactor(), retry: noSleep });
    expect(gemini.calls() - calls).toBe(1);
    expect(res.provider).toBe('offline');
    expect(res.answer).toEqual(fallback());
    expect(res.fallbackReason).toMatch(/quota exhausted/);
    // consume the unused scripted answer so the next test starts with an empty script
    await analyze({ provider: geminiProvider(), prompt: prompt('drain'), schema, schemaName: 't', fallback, redactor: new Redactor() });
  });

  test('an invalid answer is re-asked once, then the fallback is used', async () => {
    gemini.push({ kind: 'text', text: 'not json at all' }, { kind: 'json', value: { summary: '' } });
    const calls = gemini.calls();
    const res = await analyze({ provider: geminiProvider(), prompt: prompt('explain D'), schema, schemaName: 't', fallback, redactor: new Redactor() });
    expect(gemini.calls() - calls).toBe(2);
    expect(res.provider).toBe('offline');
    expect(res.fallbackReason).toMatch(/invalid JSON twice/);
    expect(gemini.prompts().at(-1)).toMatch(/previous answer was invalid/);
  });

  test('an invalid answer followed by a valid one uses the valid one', async () => {
    gemini.push({ kind: 'text', text: '{"summary": 1}' }, { kind: 'json', value: good });
    const res = await analyze({ provider: geminiProvider(), prompt: prompt('explain E'), schema, schemaName: 't', fallback, redactor: new Redactor() });
    expect(res).toMatchObject({ provider: 'gemini', answer: good });
  });

  test('a timeout is retried, then falls back', async () => {
    gemini.push({ kind: 'timeout', delayMs: 3_000 }, { kind: 'timeout', delayMs: 3_000 });
    const res = await analyze({
      provider: geminiProvider(300),
      prompt: prompt('explain F'),
      schema,
      schemaName: 't',
      fallback,
      redactor: new Redactor(),
      retry: { attempts: 2, ...noSleep },
    });
    expect(res.provider).toBe('offline');
    expect(res.fallbackReason).toMatch(/gemini failed/);
  });

  test('5xx is retried with backoff, then succeeds', async () => {
    gemini.push({ kind: 'server-error', status: 503 }, { kind: 'json', value: good });
    const waits: number[] = [];
    const res = await analyze({
      provider: geminiProvider(),
      prompt: prompt('explain G'),
      schema,
      schemaName: 't',
      fallback,
      redactor: new Redactor(),
      retry: { baseDelayMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    });
    expect(res.provider).toBe('gemini');
    expect(waits).toEqual([50]);
  });

  test('the prompt is redacted before it leaves, and oversize prompts are not sent', async () => {
    const secret = 'ghp_' + 'aBcdEfGhIjKlMnOpQrStUvWxYz0123456789';
    gemini.push({ kind: 'json', value: good });
    await analyze({ provider: geminiProvider(), prompt: prompt(`token ${secret}`), schema, schemaName: 't', fallback, redactor: new Redactor() });
    expect(gemini.prompts().at(-1)).toContain('[REDACTED:github-token#1]');
    expect(gemini.requests.some((r) => r.body.includes(secret))).toBe(false);
    const calls = gemini.calls();
    const big = await analyze({ provider: geminiProvider(), prompt: prompt('x'.repeat(200_000)), schema, schemaName: 't', fallback, redactor: new Redactor(), maxPromptTokens: 30_000 });
    expect(gemini.calls()).toBe(calls);
    expect(big.fallbackReason).toMatch(/over the 30000-token budget/);
  });

  test('cache and daily budget (in one process; cross-process in store.test.ts)', async () => {
    const store = new AnalysisStore(dir);
    gemini.push({ kind: 'json', value: good });
    const calls = gemini.calls();
    const a = await analyze({ provider: geminiProvider(), prompt: prompt('cache me'), schema, schemaName: 't', fallback, redactor: new Redactor(), store, dailyBudget: 1 });
    const b = await analyze({ provider: geminiProvider(), prompt: prompt('cache me'), schema, schemaName: 't', fallback, redactor: new Redactor(), store, dailyBudget: 1 });
    const c = await analyze({ provider: geminiProvider(), prompt: prompt('something else'), schema, schemaName: 't', fallback, redactor: new Redactor(), store, dailyBudget: 1 });
    expect(gemini.calls() - calls).toBe(1);
    expect([a.cached, b.cached]).toEqual([false, true]);
    expect(b.answer).toEqual(good);
    expect(c.provider).toBe('offline');
    expect(c.fallbackReason).toMatch(/daily budget of 1 gemini calls/);
    store.close();
  });
});

describe('OpenAI-compatible provider through the real openai client', () => {
  test('JSON answer is used', async () => {
    openai.push({ content: JSON.stringify(good) });
    const p = new OpenAiProvider({ baseUrl: openai.baseUrl, model: 'llama3.1:8b' });
    const res = await analyze({ provider: p, prompt: prompt('explain O'), schema, schemaName: 't', fallback, redactor: new Redactor() });
    expect(res).toMatchObject({ provider: 'openai', answer: good });
    const body = openai.requests.at(-1)!.json as { model: string; response_format: { type: string } };
    expect(body.model).toBe('llama3.1:8b');
    expect(body.response_format.type).toBe('json_schema');
  });

  test('HTTP 500 twice with two attempts falls back; SDK retries are off (exactly 2 requests)', async () => {
    openai.push({ status: 500 }, { status: 500 });
    const before = openai.requests.length;
    const p = new OpenAiProvider({ baseUrl: openai.baseUrl, model: 'm' });
    const res = await analyze({ provider: p, prompt: prompt('explain P'), schema, schemaName: 't', fallback, redactor: new Redactor(), retry: { attempts: 2, ...noSleep } });
    expect(openai.requests.length - before).toBe(2);
    expect(res.provider).toBe('offline');
  });
});

describe('createProvider', () => {
  test('offline by default without a key, gemini with one', () => {
    expect(createProvider({ env: {} }).name).toBe('offline');
    expect(createProvider({ env: { GEMINI_API_KEY: 'k' } }).name).toBe('gemini');
    expect(createProvider({ provider: 'offline', env: { GEMINI_API_KEY: 'k' } }).name).toBe('offline');
  });
  test('explicit providers without configuration are usage errors naming the setting', () => {
    expect(() => createProvider({ provider: 'gemini', env: {} })).toThrow(new UsageError('--provider gemini needs GEMINI_API_KEY in the environment'));
    expect(() => createProvider({ provider: 'openai', env: {} })).toThrow(/OPENAI_BASE_URL/);
    expect(() => createProvider({ provider: 'openai', env: { OPENAI_BASE_URL: 'http://x/v1' } })).toThrow(/--model or OPENAI_MODEL/);
  });
});
