import { LoopbackServer, ReceivedRequest, startLoopback } from './http';

/**
 * A loopback Slack fake: the Web API (`chat.postMessage`, `chat.update`, `auth.test`) for the
 * real `@slack/web-api` client (`slackApiUrl`), and incoming webhooks under `/services/…`.
 */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  /** How many times chat.update changed it. */
  updates: number;
  via: 'api' | 'webhook';
}

export interface SlackFake extends LoopbackServer {
  /** Web API base to pass as slackApiUrl (ends with `/api/`). */
  readonly apiUrl: string;
  /** An incoming-webhook URL served by the fake. */
  readonly webhookUrl: string;
  readonly messages: SlackMessage[];
  /** Every text posted or updated, in order. */
  postedTexts(): string[];
}

export interface SlackFakeOptions {
  /** Accepted bot token. @default xoxb-test-token */
  readonly token?: string;
}

function params(req: ReceivedRequest): Record<string, string> {
  const ct = String(req.headers['content-type'] ?? '');
  if (ct.includes('application/json')) return (req.json ?? {}) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(req.body));
}

export async function startSlackFake(opts: SlackFakeOptions = {}): Promise<SlackFake> {
  const token = opts.token ?? 'xoxb-test-token';
  const messages: SlackMessage[] = [];
  const texts: string[] = [];
  let seq = 0;
  const server = await startLoopback((req) => {
    if (req.path.startsWith('/services/') && req.method === 'POST') {
      const text = (req.json as { text?: string } | undefined)?.text;
      if (!text) return { status: 400, body: 'no_text' };
      messages.push({ channel: 'webhook', ts: `${Date.now() / 1000}`, text, updates: 0, via: 'webhook' });
      texts.push(text);
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
    }
    const m = /^\/api\/([a-zA-Z.]+)$/.exec(req.path);
    if (!m) return { status: 404, body: 'not found' };
    const p = params(req);
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${token}` && p.token !== token) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    switch (m[1]) {
      case 'auth.test':
        return { status: 200, body: { ok: true, team: 'acme', user: 'mlops-bot', bot_id: 'B1' } };
      case 'chat.postMessage': {
        if (!p.channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
        if (!p.text && !p.blocks) return { status: 200, body: { ok: false, error: 'no_text' } };
        const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
        messages.push({ channel: p.channel, ts, text: p.text ?? '', updates: 0, via: 'api' });
        texts.push(p.text ?? '');
        return { status: 200, body: { ok: true, channel: p.channel, ts, message: { text: p.text, ts } } };
      }
      case 'chat.update': {
        const msg = messages.find((x) => x.ts === p.ts && x.channel === p.channel);
        if (!msg) return { status: 200, body: { ok: false, error: 'message_not_found' } };
        msg.text = p.text ?? msg.text;
        msg.updates++;
        texts.push(p.text ?? '');
        return { status: 200, body: { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text } };
      }
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  });
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    webhookUrl: `${server.url}/services/T000/B000/fakewebhooksecret`,
    messages,
    postedTexts: () => [...texts],
  };
}
