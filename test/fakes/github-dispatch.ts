import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback GitHub REST fake for `POST /repos/{owner}/{repo}/dispatches`, enforcing what GitHub
 * enforces: a token, `event_type` of 1–100 characters, `client_payload` an object with at most 10
 * top-level keys and at most 64 KB, answered with GitHub's 422 "Invalid request" shape otherwise;
 * 204 on success. Scripted answers (`script`) simulate outages (502) and rate limits (403/429 with
 * GitHub's headers).
 */
export interface ReceivedDispatch {
  readonly owner: string;
  readonly repo: string;
  readonly eventType: string;
  readonly clientPayload: Record<string, unknown>;
  readonly bytes: number;
  readonly at: number;
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface GithubDispatchFake {
  readonly url: string;
  /** Accepted (204) dispatches, in order. */
  readonly dispatches: ReceivedDispatch[];
  /** Every request's status answered, in order. */
  readonly answers: number[];
  /** Answers used (FIFO) before normal handling; push to simulate outages or rate limits. */
  readonly script: ScriptedAnswer[];
  /** While true every dispatch gets a 502 (GitHub outage). */
  outage: boolean;
  /** The secondary rate limit in force (see GithubDispatchFakeOptions); undefined: none. */
  contentCreatingPerMinute?: number;
  close(): Promise<void>;
}

export const githubPayloadLimitBytes = 64 * 1024;
export const githubPayloadMaxKeys = 10;

function invalid(message: string) {
  return {
    status: 422,
    body: { message: `Invalid request.\n\n${message}`, documentation_url: 'https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event', status: '422' },
  };
}

export interface GithubDispatchFakeOptions {
  readonly token?: string;
  /**
   * GitHub's secondary rate limit on content-creating requests (a dispatch creates workflow runs):
   * "no more than 80 per minute". Past it, 403 with `retry-after` (seconds until the oldest of the
   * last minute's dispatches leaves the window), as GitHub answers. @default no limit
   */
  readonly contentCreatingPerMinute?: number;
}

export async function startGithubDispatchFake(options: GithubDispatchFakeOptions = {}): Promise<GithubDispatchFake> {
  const token = options.token ?? 'ghs_fake_dispatch_token';
  const acceptedAt: number[] = [];
  const fake: GithubDispatchFake = {
    url: '',
    dispatches: [],
    answers: [],
    script: [],
    outage: false,
    contentCreatingPerMinute: options.contentCreatingPerMinute,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        fake.answers.push(status);
        const data = body === undefined ? '' : JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(data);
      };
      const m = /^\/repos\/([^/]+)\/([^/]+)\/dispatches$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return answer(404, { message: 'Not Found' });
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}`) return answer(401, { message: 'Bad credentials' });
      const scripted = fake.script.shift();
      if (scripted) return answer(scripted.status, scripted.body ?? { message: 'scripted' }, scripted.headers);
      if (fake.outage) return answer(502, { message: 'Server Error' });
      const limit = fake.contentCreatingPerMinute;
      if (limit !== undefined) {
        const now = Date.now();
        while (acceptedAt.length > 0 && acceptedAt[0] <= now - 60_000) acceptedAt.shift();
        if (acceptedAt.length >= limit) {
          return answer(403, {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          }, { 'retry-after': String(Math.ceil((acceptedAt[0] + 60_000 - now) / 1000)) });
        }
      }
      let body: { event_type?: unknown; client_payload?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { message: 'Problems parsing JSON' });
      }
      if (typeof body.event_type !== 'string' || body.event_type.length < 1 || body.event_type.length > 100) {
        const v = invalid('event_type must be a string of 1 to 100 characters.');
        return answer(v.status, v.body);
      }
      const payload = body.client_payload ?? {};
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        const v = invalid('For \'properties/client_payload\', is not an object.');
        return answer(v.status, v.body);
      }
      const keys = Object.keys(payload).length;
      if (keys > githubPayloadMaxKeys) {
        const v = invalid(`No more than ${githubPayloadMaxKeys} properties are allowed; ${keys} were supplied.`);
        return answer(v.status, v.body);
      }
      const bytes = Buffer.byteLength(JSON.stringify(payload), 'utf8');
      if (bytes > githubPayloadLimitBytes) {
        const v = invalid(`client_payload is too large (${bytes} bytes; the maximum is ${githubPayloadLimitBytes}).`);
        return answer(v.status, v.body);
      }
      if (limit !== undefined) acceptedAt.push(Date.now());
      fake.dispatches.push({
        owner: m[1], repo: m[2], eventType: body.event_type, clientPayload: payload as Record<string, unknown>, bytes, at: Date.now(),
      });
      answer(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  (fake as { url: string }).url = `http://127.0.0.1:${port}`;
  fake.close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return fake;
}
