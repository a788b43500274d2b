import { WebClient } from '@slack/web-api';
import { teams } from '../../config/teams';
import type { AnalysisStore } from '../store';
import { Post, PostResult, Sink } from './types';

export interface SlackSinkOptions {
  /** Bot token (`xoxb-…`) for chat.postMessage/chat.update. Either this or webhookUrl. */
  readonly token?: string;
  /** Incoming webhook URL (cannot edit: repeats of a key are skipped). */
  readonly webhookUrl?: string;
  /** API base; tests point it at a loopback fake. @default https://slack.com/api/ */
  readonly apiUrl?: string;
  /** Channel override; default: the team's slackChannel from src/config/teams.ts. */
  readonly channel?: string;
  /** Remembers the message ts per dedupe key (so repeats edit in place). */
  readonly store?: AnalysisStore;
}

/**
 * Converts the report's Markdown to Slack mrkdwn: HTML helper tags dropped, `&`/`<`/`>` escaped
 * (Slack's control characters), then headings, bold and links converted.
 */
export function toSlackText(title: string, markdown: string): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = esc(
    markdown
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<\/?(details|summary|sub)>/g, ''),
  )
    .replace(/^#{1,6}\s+(.*)$/gm, '*$1*')
    .replace(/\*\*([^*\n]+)\*\*/g, '*$1*')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_all, text: string, url: string) => `<${url.replace(/&amp;/g, '&')}|${text}>`);
  return `*${esc(title)}*\n${body}`.slice(0, 39_000);
}

/** Slack through `@slack/web-api` (retries off: one layer) or an incoming webhook. */
export class SlackSink implements Sink {
  readonly kind = 'slack' as const;
  private readonly client?: WebClient;

  constructor(private readonly opts: SlackSinkOptions) {
    if (!opts.token && !opts.webhookUrl) throw new Error('Slack sink needs SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL');
    if (opts.token) {
      const apiUrl = opts.apiUrl ? (opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/`) : undefined;
      this.client = new WebClient(opts.token, { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), retryConfig: { retries: 0 } });
    }
  }

  private channelFor(post: Post): string {
    if (this.opts.channel) return this.opts.channel;
    const team = post.team && post.team in teams ? teams[post.team as keyof typeof teams] : teams.platform;
    return team.slackChannel;
  }

  async post(post: Post): Promise<PostResult> {
    const text = toSlackText(post.title, post.body);
    const storeKey = this.client ? 'slack' : 'slack-webhook';
    const previous = this.opts.store?.getPost(storeKey, post.dedupeKey);
    if (this.client) {
      const channel = this.channelFor(post);
      if (previous) {
        const [prevChannel, ts] = previous.split('|');
        await this.client.chat.update({ channel: prevChannel, ts, text });
        return { sink: 'slack', action: 'updated', ref: ts };
      }
      const res = await this.client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false });
      if (res.ts && res.channel) this.opts.store?.putPost(storeKey, post.dedupeKey, `${res.channel}|${res.ts}`);
      return { sink: 'slack', action: 'posted', ref: res.ts };
    }
    if (previous) return { sink: 'slack', action: 'skipped-duplicate' };
    const res = await fetch(this.opts.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`Slack webhook answered HTTP ${res.status}`);
    this.opts.store?.putPost(storeKey, post.dedupeKey, 'posted');
    return { sink: 'slack', action: 'posted' };
  }
}
