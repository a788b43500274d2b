import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HalfEvent } from './store';

/**
 * KServe payload-logger CloudEvents, binary mode (kserve/kserve `pkg/logger/` @ v0.20.0): attributes in
 * `Ce-*` headers, the raw inference payload as the body. The request and response events share `Ce-Id`;
 * `X-Request-Id` arrives in the `Ce-Metadata` JSON (`{"X-Request-Id": ["…"]}`) when the InferenceService's
 * logger lists it in `metadataHeaders`. Content-Type may be missing or wrong: the body is parsed as JSON anyway.
 */

export const REQUEST_TYPE = 'org.kubeflow.serving.inference.request';
export const RESPONSE_TYPE = 'org.kubeflow.serving.inference.response';

/** A malformed event: the message names what is wrong; `reason` is the rejected-counter label. */
export class MalformedEvent extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function required(headers: IncomingHttpHeaders, name: string): string {
  const v = header(headers, name);
  if (v === undefined || v.trim() === '') throw new MalformedEvent('missing-header', `header ${name} is missing`);
  return v.trim();
}

/** `X-Request-Id` from Ce-Metadata (header names matched case-insensitively), else undefined. */
export function requestIdFromMetadata(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch {
    throw new MalformedEvent('bad-metadata', 'header ce-metadata is not JSON');
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new MalformedEvent('bad-metadata', 'header ce-metadata is not a JSON object');
  for (const [k, v] of Object.entries(meta as Record<string, unknown>)) {
    if (k.toLowerCase() !== 'x-request-id') continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string' && first.trim() !== '') return first.trim();
  }
  return undefined;
}

/** Parses one event into the half it carries. @throws MalformedEvent */
export function parseLoggerEvent(headers: IncomingHttpHeaders, body: Buffer): HalfEvent {
  const spec = required(headers, 'ce-specversion');
  if (spec !== '1.0') throw new MalformedEvent('bad-specversion', `ce-specversion "${spec}" is not 1.0`);
  const ceId = required(headers, 'ce-id');
  const type = required(headers, 'ce-type');
  if (type !== REQUEST_TYPE && type !== RESPONSE_TYPE) {
    throw new MalformedEvent('bad-type', `ce-type "${type}" is neither ${REQUEST_TYPE} nor ${RESPONSE_TYPE}`);
  }
  const model = required(headers, 'ce-inferenceservicename');
  const namespace = header(headers, 'ce-namespace') ?? '';
  const timeText = header(headers, 'ce-time');
  const time = timeText ? Date.parse(timeText) : Date.now();
  if (Number.isNaN(time)) throw new MalformedEvent('bad-time', `ce-time "${timeText}" is not an RFC 3339 time`);
  const requestId = requestIdFromMetadata(header(headers, 'ce-metadata')) ?? ceId;
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new MalformedEvent('malformed-json', `body is not valid JSON: ${(err as Error).message}`);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new MalformedEvent('schema', 'body is not a JSON object');
  const p = payload as Record<string, unknown>;
  const base = { ceId, requestId, model, namespace, time };
  if (type === REQUEST_TYPE) {
    const instances = p.instances ?? p.inputs;
    if (!Array.isArray(instances) || instances.length === 0) {
      throw new MalformedEvent('schema', 'request body has no non-empty "instances" (v1) or "inputs" (v2) array');
    }
    return { ...base, kind: 'request', instances };
  }
  const predictions = p.predictions ?? p.outputs;
  if (!Array.isArray(predictions)) throw new MalformedEvent('schema', 'response body has no "predictions" (v1) or "outputs" (v2) array');
  const probabilities = p.probabilities;
  if (probabilities !== undefined && !Array.isArray(probabilities)) throw new MalformedEvent('schema', 'response "probabilities" is not an array');
  return { ...base, kind: 'response', predictions, probabilities: (probabilities as unknown[] | undefined) ?? null };
}

/**
 * Deterministic sampling by request id: kept when the first 8 hex of sha256(requestId), as a fraction of
 * 2^32, is below `rate`. Both halves carry the same request id, so they are kept or dropped together.
 */
export function sampled(requestId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const h = parseInt(createHash('sha256').update(requestId).digest('hex').slice(0, 8), 16);
  return h / 0x1_0000_0000 < rate;
}
