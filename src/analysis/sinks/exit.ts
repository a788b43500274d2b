import { DEFAULT_MAX_FIELD_LENGTH, sanitizeMarkdown, sanitizeText } from '../hygiene';
import type { Redactor } from '../redact';
import type { Post } from './types';

/**
 * The one exit: every byte a run writes or posts passes here. Text that renders (titles, labels,
 * Markdown bodies, report.md) is redacted and then sanitised (mentions, links, HTML; see hygiene.ts);
 * machine-readable JSON (report.json, `--json` on stdout, the file sink's JSON) is redacted only: it is not
 * rendered, and its ids and URLs are read back by the workflows (`triage --from-report`, the dedupe key).
 * Redaction runs first so it sees the text as written, before defanging rewrites URLs.
 */

/** Every output channel of a run, as `<where>:<part>`: a new sink or format is added here, and the exit test covers each. */
export const OUTPUT_CHANNELS = [
  'emit:report.md',
  'emit:report.json',
  'emit:stdout-json',
  'stdout:markdown',
  'file:report.md',
  'file:report.json',
  'github:title',
  'github:body',
  'github:labels',
  'slack:text',
] as const;
export type OutputChannel = (typeof OUTPUT_CHANNELS)[number];

/** A title or a label: one line, redacted and sanitised. */
export function cleanLine(text: string, redactor: Redactor): string {
  return sanitizeText(redactor.redact(text), { maxLength: DEFAULT_MAX_FIELD_LENGTH }).replace(/[\r\n]+/g, ' ');
}

/** A rendered Markdown body or report.md. */
export function cleanMarkdown(markdown: string, redactor: Redactor): string {
  return sanitizeMarkdown(redactor.redact(markdown));
}

/** A machine-readable value (redacted deeply). */
export function cleanJson<T>(value: T, redactor: Redactor): T {
  return redactor.redactDeep(value);
}

/** A post, right before a sink sends it. */
export function cleanPost(post: Post, redactor: Redactor): Post {
  return {
    ...post,
    title: cleanLine(post.title, redactor),
    body: cleanMarkdown(post.body, redactor),
    labels: post.labels?.map((l) => cleanLine(l, redactor)),
    json: post.json === undefined ? undefined : cleanJson(post.json, redactor),
  };
}
