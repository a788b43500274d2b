import { createHash } from 'node:crypto';

/** Where a report can go. */
export type SinkKind = 'stdout' | 'file' | 'github' | 'slack';
export const sinkKinds: readonly SinkKind[] = ['stdout', 'file', 'github', 'slack'];

/** One thing to post. Text is Markdown; sinks redact it again before it leaves the process. */
export interface Post {
  /** Idempotency key: the same key edits/comments instead of posting a twin. */
  readonly dedupeKey: string;
  readonly title: string;
  readonly body: string;
  /** GitHub issue labels besides the dedupe label (e.g. `type:lint`, `team:ml`). */
  readonly labels?: readonly string[];
  /** Team id from src/config/teams.ts: picks the Slack channel. */
  readonly team?: string;
  /** Commit for the GitHub commit-comment mode. */
  readonly commitSha?: string;
  /** The machine-readable report (the file sink writes it beside the Markdown). */
  readonly json?: unknown;
}

/** What a sink did. */
export interface PostResult {
  readonly sink: SinkKind;
  readonly action: 'created' | 'commented' | 'updated' | 'printed' | 'written' | 'posted' | 'skipped-duplicate';
  /** Issue/comment URL, Slack ts, file path. */
  readonly ref?: string;
}

/** A destination for reports. */
export interface Sink {
  readonly kind: SinkKind;
  post(post: Post): Promise<PostResult>;
}

/** 8 hex characters of sha256(dedupeKey): short, stable, and reveals nothing of the key. */
export function dedupeHash(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('hex').slice(0, 8);
}

/** The GitHub label `mlops-key:<8 hex>` that finds an existing issue for a key. */
export function dedupeLabel(dedupeKey: string): string {
  return `mlops-key:${dedupeHash(dedupeKey)}`;
}

/** The HTML-comment marker carried in bodies. */
export function dedupeMarker(dedupeKey: string): string {
  return `<!-- mlops-key:${dedupeHash(dedupeKey)} -->`;
}
