import { createHash } from 'node:crypto';
import { registryRepository } from './reference';

/**
 * Tag → digest through the OCI distribution API (https://github.com/opencontainers/distribution-spec
 * spec.md "Pulling manifests"; https://distribution.github.io/distribution/spec/auth/token/ for the token
 * challenge). No registry client library, no Docker: `fetch` only.
 */

/** Manifest media types we accept, multi-platform first: a multi-arch tag resolves to its index digest. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export interface ResolvedImage {
  readonly repository: string;
  readonly tag: string;
  /** `sha256:<hex>` of the manifest (or index) bytes the registry serves for the tag. */
  readonly digest: string;
  readonly mediaType: string;
}

export interface ResolveOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Retries of a 429 answer (each waits Retry-After, capped). @default 3 */
  readonly maxRetries?: number;
  /** Longest wait for one Retry-After, in ms; a longer one is an error. @default 30000 */
  readonly maxRetryAfterMs?: number;
  /** Per-request timeout in ms. @default 30000 */
  readonly timeoutMs?: number;
  /** Injected for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A lookup failed; the message names the image. */
export class ResolveError extends Error {
  constructor(readonly image: string, message: string) {
    super(`${image}: ${message}`);
    this.name = 'ResolveError';
  }
}

interface Challenge {
  readonly realm: string;
  readonly service?: string;
  readonly scope?: string;
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; undefined for other schemes. */
export function parseBearerChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[1].matchAll(/([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] ?? p[3];
  if (!params.realm) return undefined;
  return { realm: params.realm, service: params.service, scope: params.scope };
}

/** Seconds (`Retry-After: 3`) or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\s*[0-9]+\s*$/.test(header)) return Number(header) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Resolves `repository:tag` to its digest: HEAD first, GET (hashing the body) when HEAD gives no digest. */
export async function resolveDigest(repository: string, tag: string, options: ResolveOptions = {}): Promise<ResolvedImage> {
  const image = `${repository}:${tag}`;
  const f = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxRetryAfterMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ref = registryRepository(repository);
  const url = `${ref.baseUrl}/v2/${ref.name}/manifests/${encodeURIComponent(tag)}`;
  let token: string | undefined;

  const request = async (method: 'HEAD' | 'GET'): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Accept: MANIFEST_MEDIA_TYPES.join(', ') };
      if (token) headers.Authorization = `Bearer ${token}`;
      let res: Response;
      try {
        // Redirects are followed (registry.k8s.io sends clients to a regional mirror).
        res = await f(url, { method, headers, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new ResolveError(image, `${method} ${url} failed: ${errorText(err)}`);
      }
      if (res.status === 401 && token === undefined) {
        const challenge = parseBearerChallenge(res.headers.get('www-authenticate'));
        if (!challenge) throw new ResolveError(image, `${method} ${url}: 401 without a Bearer challenge (anonymous pull not offered)`);
        token = await fetchToken(image, f, challenge, ref.name, timeoutMs);
        attempt--; // the challenge round is not a retry
        continue;
      }
      if (res.status === 429) {
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? 1000 * 2 ** attempt;
        if (attempt >= maxRetries) throw new ResolveError(image, `rate limited (429) ${attempt + 1} times; try again later`);
        if (wait > maxWait) throw new ResolveError(image, `rate limited (429), Retry-After ${Math.ceil(wait / 1000)} s is longer than ${maxWait / 1000} s`);
        await sleep(wait);
        continue;
      }
      return res;
    }
  };

  const head = await request('HEAD');
  if (head.ok) {
    const digest = head.headers.get('docker-content-digest');
    const mediaType = mediaTypeOf(head);
    if (digest && isDigest(digest)) {
      checkMediaType(image, mediaType);
      return { repository, tag, digest, mediaType: mediaType! };
    }
  } else if (head.status !== 405 && head.status !== 404) {
    // 404: some registries answer HEAD differently; the GET below gives the authoritative answer.
    throw new ResolveError(image, `HEAD ${url}: HTTP ${head.status}`);
  }

  const got = await request('GET');
  const body = Buffer.from(await got.arrayBuffer());
  if (got.status === 404) throw new ResolveError(image, `tag "${tag}" not found (HTTP 404 ${snippet(body)})`);
  if (!got.ok) throw new ResolveError(image, `GET ${url}: HTTP ${got.status} ${snippet(body)}`);
  const mediaType = mediaTypeOf(got) ?? mediaTypeInBody(body);
  checkMediaType(image, mediaType);
  const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const header = got.headers.get('docker-content-digest');
  if (header && header !== computed) {
    throw new ResolveError(image, `Docker-Content-Digest ${header} does not match the manifest bytes (${computed})`);
  }
  return { repository, tag, digest: computed, mediaType: mediaType! };
}

async function fetchToken(image: string, f: typeof fetch, c: Challenge, name: string, timeoutMs: number): Promise<string> {
  const u = new URL(c.realm);
  if (c.service) u.searchParams.set('service', c.service);
  u.searchParams.set('scope', c.scope ?? `repository:${name}:pull`);
  let res: Response;
  try {
    res = await f(u, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ResolveError(image, `token request to ${u.origin}${u.pathname} failed: ${errorText(err)}`);
  }
  if (!res.ok) throw new ResolveError(image, `token request to ${u.origin}${u.pathname}: HTTP ${res.status}`);
  const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new ResolveError(image, `token response from ${u.origin}${u.pathname} has no token`);
  return token;
}

function mediaTypeOf(res: Response): string | undefined {
  return res.headers.get('content-type')?.split(';')[0].trim() || undefined;
}

function mediaTypeInBody(body: Buffer): string | undefined {
  try {
    return (JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType;
  } catch {
    return undefined;
  }
}

function checkMediaType(image: string, mediaType: string | undefined): void {
  if (!mediaType || !(MANIFEST_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new ResolveError(image, `unexpected manifest media type "${mediaType ?? '(none)'}"`);
  }
}

function isDigest(d: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(d);
}

function snippet(body: Buffer): string {
  return body.toString('utf8').slice(0, 200).replace(/\s+/g, ' ').trim();
}

/** fetch's "fetch failed" hides the reason (DNS, refused, TLS) in `cause`. */
function errorText(err: unknown): string {
  const e = err as Error & { cause?: { message?: string; code?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}
