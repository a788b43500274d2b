import { UsageError } from '../errors';
import { Redactor } from '../redact';
import type { AnalysisStore } from '../store';
import { cleanPost } from './exit';
import { GitHubSink } from './github';
import { FileSink, StdoutSink } from './local';
import { SlackSink } from './slack';
import { Post, PostResult, Sink, SinkKind } from './types';

export * from './types';
export { OUTPUT_CHANNELS, cleanJson, cleanLine, cleanMarkdown, cleanPost } from './exit';
export type { OutputChannel } from './exit';
export { GitHubSink } from './github';
export type { GitHubSinkOptions } from './github';
export { SlackSink, toSlackText } from './slack';
export type { SlackSinkOptions } from './slack';
export { FileSink, StdoutSink } from './local';

export interface CreateSinkOptions {
  /** Output folder for the file sink. */
  readonly out?: string;
  /** GitHub mode: `issue` or `commit-comment`. @default issue */
  readonly githubMode?: 'issue' | 'commit-comment';
  readonly store?: AnalysisStore;
  /** The report's redactor (so placeholders match the prompt's). */
  readonly redactor?: Redactor;
  /** @default process.env: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, SLACK_BOT_TOKEN, SLACK_WEBHOOK_URL, SLACK_API_URL, SLACK_CHANNEL */
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream;
}

/** Wraps a sink so every title, label, body and JSON passes the one exit ({@link cleanPost}) right before it leaves. */
class RedactingSink implements Sink {
  readonly kind: SinkKind;
  constructor(private readonly inner: Sink, private readonly redactor: Redactor) {
    this.kind = inner.kind;
  }
  post(post: Post): Promise<PostResult> {
    return this.inner.post(cleanPost(post, this.redactor));
  }
}

/**
 * Builds a sink from its kind and the environment. Credentials come from the environment only.
 * @throws UsageError naming the missing setting.
 */
export function createSink(kind: SinkKind, opts: CreateSinkOptions = {}): Sink {
  const env = opts.env ?? process.env;
  const redactor = opts.redactor ?? new Redactor();
  let sink: Sink;
  switch (kind) {
    case 'stdout':
      sink = new StdoutSink(opts.stdout);
      break;
    case 'file':
      if (!opts.out) throw new UsageError('--sink file needs --out DIR');
      sink = new FileSink(opts.out);
      break;
    case 'github': {
      if (!env.GITHUB_TOKEN) throw new UsageError('--sink github needs GITHUB_TOKEN in the environment');
      if (!env.GITHUB_REPOSITORY) throw new UsageError('--sink github needs GITHUB_REPOSITORY (owner/name) in the environment');
      sink = new GitHubSink({
        token: env.GITHUB_TOKEN,
        repository: env.GITHUB_REPOSITORY,
        baseUrl: env.GITHUB_API_URL,
        mode: opts.githubMode ?? 'issue',
      });
      break;
    }
    case 'slack':
      if (!env.SLACK_BOT_TOKEN && !env.SLACK_WEBHOOK_URL) {
        throw new UsageError('--sink slack needs SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL in the environment');
      }
      sink = new SlackSink({
        token: env.SLACK_BOT_TOKEN,
        webhookUrl: env.SLACK_WEBHOOK_URL,
        apiUrl: env.SLACK_API_URL,
        channel: env.SLACK_CHANNEL,
        store: opts.store,
      });
      break;
    default:
      throw new UsageError(`unknown sink "${String(kind)}" (expected stdout, file, github or slack)`);
  }
  return new RedactingSink(sink, redactor);
}
