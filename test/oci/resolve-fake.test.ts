import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256 } from './registry';
import { registryRepository } from '../../src/oci/reference';
import { parseBearerChallenge, resolveDigest, retryAfterMs } from '../../src/oci/resolve';

// A loopback fake only for what the real registry here cannot show: the anonymous bearer-token challenge
// (ghcr.io, docker.io, quay.io), 429 with Retry-After, a registry that omits Docker-Content-Digest, a
// redirect (registry.k8s.io), and Docker manifest-list media types.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let host: string;
let handler: Handler;
const seen: Array<{ method: string; url: string; auth?: string; accept?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, accept: req.headers.accept });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { seen.length = 0; });

const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const listBody = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: LIST, manifests: [] }));

describe('resolveDigest against the loopback fake', () => {
  test('anonymous bearer token: challenge → token with service and scope → manifest with the token', async () => {
    handler = (req, res) => {
      const url = new URL(req.url!, `http://${host}`);
      if (url.pathname === '/token') {
        expect(url.searchParams.get('service')).toBe('fake.registry');
        expect(url.searchParams.get('scope')).toBe('repository:org/app:pull');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'anon-123' }));
      } else if (req.headers.authorization !== 'Bearer anon-123') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="fake.registry",scope="repository:org/app:pull"` }).end();
      } else {
        res.writeHead(200, { 'content-type': LIST, 'docker-content-digest': sha256(listBody) }).end(req.method === 'HEAD' ? undefined : listBody);
      }
    };
    const r = await resolveDigest(`${host}/org/app`, 'v1');
    expect(r).toEqual({ repository: `${host}/org/app`, tag: 'v1', digest: sha256(listBody), mediaType: LIST });
    expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]} ${s.auth ?? '-'}`)).toEqual([
      'HEAD /v2/org/app/manifests/v1 -', 'GET /token -', 'HEAD /v2/org/app/manifests/v1 Bearer anon-123',
    ]);
    // Every manifest type is asked for, the multi-platform ones included.
    for (const t of ['application/vnd.oci.image.index.v1+json', LIST, 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']) {
      expect(seen[0].accept).toContain(t);
    }
  });

  test('429 with Retry-After is waited out (bounded), then answered', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls <= 2) res.writeHead(429, { 'retry-after': '2' }).end();
      else res.writeHead(200, { 'content-type': LIST, 'docker-content-digest': sha256(listBody) }).end();
    };
    const waits: number[] = [];
    const r = await resolveDigest(`${host}/org/app`, 'v1', { sleep: async (ms) => { waits.push(ms); } });
    expect(r.digest).toBe(sha256(listBody));
    expect(waits).toEqual([2000, 2000]);
  });

  test('429 that never ends, or asks for too long a wait, is an error naming the image', async () => {
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '1' }).end();
    await expect(resolveDigest(`${host}/org/app`, 'v1', { sleep: async () => undefined, maxRetries: 2 }))
      .rejects.toThrow(`${host}/org/app:v1: rate limited (429) 3 times`);
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end();
    await expect(resolveDigest(`${host}/org/app`, 'v1', { sleep: async () => undefined }))
      .rejects.toThrow('Retry-After 3600 s is longer than 30 s');
  });

  test('no Docker-Content-Digest: HEAD, then GET, and the digest is sha256 of the body', async () => {
    handler = (req, res) => res.writeHead(200, { 'content-type': LIST }).end(req.method === 'HEAD' ? undefined : listBody);
    const r = await resolveDigest(`${host}/org/app`, 'v1');
    expect(r.digest).toBe(sha256(listBody));
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'GET']);
  });

  test('a Docker-Content-Digest that does not match the bytes is refused', async () => {
    handler = (req, res) => res.writeHead(200, { 'content-type': LIST, ...(req.method === 'GET' ? { 'docker-content-digest': sha256('other') } : {}) })
      .end(req.method === 'HEAD' ? undefined : listBody);
    await expect(resolveDigest(`${host}/org/app`, 'v1')).rejects.toThrow('does not match the manifest bytes');
  });

  test('redirects are followed (registry.k8s.io sends clients to a mirror)', async () => {
    handler = (req, res) => {
      if (req.url!.startsWith('/v2/')) res.writeHead(307, { location: `http://${host}/mirror${req.url}` }).end();
      else res.writeHead(200, { 'content-type': LIST, 'docker-content-digest': sha256(listBody) }).end();
    };
    expect((await resolveDigest(`${host}/pause`, '3.10')).digest).toBe(sha256(listBody));
  });

  test('an unexpected media type (an HTML error page) is refused', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    await expect(resolveDigest(`${host}/org/app`, 'v1')).rejects.toThrow('unexpected manifest media type "text/html"');
  });
});

describe('references and headers', () => {
  test('docker.io is registry-1.docker.io with the library/ prefix for official images', () => {
    expect(registryRepository('docker.io/debian')).toEqual({ registry: 'docker.io', baseUrl: 'https://registry-1.docker.io', name: 'library/debian' });
    expect(registryRepository('docker.io/library/node').name).toBe('library/node');
    expect(registryRepository('docker.io/chrislusf/seaweedfs').name).toBe('chrislusf/seaweedfs');
    expect(registryRepository('ghcr.io/mlflow/mlflow')).toEqual({ registry: 'ghcr.io', baseUrl: 'https://ghcr.io', name: 'mlflow/mlflow' });
    expect(registryRepository('registry.k8s.io/pause').baseUrl).toBe('https://registry.k8s.io');
    expect(registryRepository('127.0.0.1:5000/x').baseUrl).toBe('http://127.0.0.1:5000');
  });

  test('Bearer challenges as ghcr.io, Docker Hub and quay.io send them', () => {
    expect(parseBearerChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:mlflow/mlflow:pull"'))
      .toEqual({ realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:mlflow/mlflow:pull' });
    expect(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"'))
      .toEqual({ realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: undefined });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(null)).toBeUndefined();
  });

  test('Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Fri, 04 Dec 2026 12:00:10 GMT', Date.parse('Fri, 04 Dec 2026 12:00:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
