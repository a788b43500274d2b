import { teams } from '../config/teams';

/**
 * Output hygiene: what an LLM wrote is text to show, never instructions to follow or people to
 * page. Applied to every report before it is printed or posted.
 */

/** Hosts links may point to; every other link is defanged (`hxxps://evil[.]example`). */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = [
  'github.com',
  'docs.github.com',
  'api.github.com',
  'pypi.org',
  'www.npmjs.com',
  'nvd.nist.gov',
  'cve.mitre.org',
  'osv.dev',
  'security.snyk.io',
  'avd.aquasec.com',
  'bandit.readthedocs.io',
  'flake8.pycqa.org',
  'docs.pytest.org',
  'kubernetes.io',
  'prometheus.io',
  'mlflow.org',
  'kserve.github.io',
];

/** Default cap for one text field. */
export const DEFAULT_MAX_FIELD_LENGTH = 4_000;

export interface HygieneOptions {
  /** Mentions kept as-is; default: every team's `githubTeam` from src/config/teams.ts. */
  readonly allowedMentions?: readonly string[];
  /** Hosts (and their subdomains) links may point to; default {@link DEFAULT_ALLOWED_HOSTS}. */
  readonly allowedHosts?: readonly string[];
  /** Maximum characters per text field; longer text is cut with a marker. @default 4000 */
  readonly maxLength?: number;
}

/** Every configured team handle (the only mentions a report may keep). */
export function teamMentions(): string[] {
  return Object.values(teams).map((t) => t.githubTeam);
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((a) => h === a || h.endsWith(`.${a}`));
}

function defang(url: string): string {
  return url.replace(/^http/i, 'hxxp').replace(/^((?:hxxps?:)?\/\/[^/\s]+)/i, (hostPart) => hostPart.replace(/\./g, '[.]'));
}

/**
 * HTML tags a rendered report may carry (the renderers' own `<details>` blocks); every other `<` that
 * opens a tag, a comment or a declaration is escaped (`<picture>`, `<video>`, `<object>`, `<svg>`, …).
 */
export const BODY_ALLOWED_TAGS: readonly string[] = ['details', 'summary', 'code', 'br', 'b', 'i', 'em', 'strong', 'sub', 'sup', 'kbd'];

/** Maximum characters of a whole posted body (GitHub caps issue bodies at 65,536). */
export const DEFAULT_MAX_BODY_LENGTH = 60_000;

/**
 * Neutralises mentions, defangs links to unlisted hosts, escapes HTML (comments included), shows
 * link-reference definitions as text, caps length. Idempotent: running it twice changes nothing more.
 *
 * What renders on GitHub (GitHub Flavored Markdown spec, "Autolinks (extension)", as mirrored in
 * commonmark-extensions test/autolinks.md and micromark's `gfm_autolink_literal` grammar):
 * `www.` + a domain links after the line start, whitespace, `*`, `_`, `~`, `(`, `[` or `]`;
 * `http(s)://` links after any non-letter. Mentions are resolved at transform time after any
 * non-word character (the security review reproduced `.@u`, `/@u`, `@@u`), so every `@` not preceded by
 * a word character is treated as a mention; e-mail addresses (`user@example.com`) stay as they are.
 * @param opts.allowedTags tags kept as HTML; default none (a field of a report needs no HTML).
 */
export function sanitizeText(text: string, opts: HygieneOptions & { allowedTags?: readonly string[] } = {}): string {
  const allowedMentions = new Set((opts.allowedMentions ?? teamMentions()).map((m) => m.toLowerCase()));
  const allowedHosts = opts.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
  const allowedTags = new Set((opts.allowedTags ?? []).map((t) => t.toLowerCase()));
  const max = opts.maxLength ?? DEFAULT_MAX_FIELD_LENGTH;
  let out = text;
  // Slack special mentions and user/channel references (before HTML escaping: they start with `<`).
  out = out.replace(/<!(channel|here|everyone|subteam\^[A-Z0-9]+)(\|[^>]*)?>/gi, '(at)$1');
  out = out.replace(/<[@#]([UWC][A-Z0-9]+)(\|[^>]*)?>/g, '(at)$1');
  // HTML comments could forge a dedupe marker; raw HTML could hide text or load media from anywhere.
  out = out.replace(/<(\/?)([A-Za-z][A-Za-z0-9-]*|[!?])/g, (all, slash: string, tag: string) =>
    allowedTags.has(tag.toLowerCase()) ? all : `&lt;${slash}${tag}`,
  );
  // Link-reference definitions (`[x]: //evil`, `[//]: # (hidden)`) become visible text.
  out = out.replace(/^( {0,3})\[([^\]\n]+)\]:/gm, '$1\\[$2]:');
  // Markdown links and images to unlisted hosts (also scheme-relative `//host`) become plain text plus a defanged URL.
  out = out.replace(/(!?)\[([^\]\n]{0,200})\]\(\s*<?((?:https?:)?\/\/[^\s)>]+)>?([^)\n]*)\)/gi, (all, _bang: string, label: string, url: string) => {
    const host = /^(?:https?:)?\/\/([^/:?#\s]+)/i.exec(url)?.[1] ?? '';
    return hostAllowed(host, allowedHosts) ? all : `${label} (${defang(url)})`;
  });
  out = out.replace(/\bhttps?:\/\/[^\s)\]>"'`]+/gi, (url) => {
    const host = /^https?:\/\/([^/:?#\s]+)/i.exec(url)?.[1] ?? '';
    return hostAllowed(host, allowedHosts) ? url : defang(url);
  });
  // Scheme-less `www.` autolinks.
  out = out.replace(/(^|[\s*_~(\[\]])(www\.[A-Za-z0-9_.-]+\.[A-Za-z0-9_-]+)/gim, (all, pre: string, host: string) =>
    hostAllowed(host, allowedHosts) ? all : `${pre}${host.replace(/\./g, '[.]')}`,
  );
  // @-mentions: only configured team handles stay; others get a zero-width joiner after "@".
  out = out.replace(/(^|[^\w])@([A-Za-z0-9][A-Za-z0-9_-]*(?:\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)?)/g, (all, pre: string, handle: string) => {
    return allowedMentions.has(`@${handle}`.toLowerCase()) ? all : `${pre}@\u200d${handle}`;
  });
  if (out.length > max) out = `${out.slice(0, Math.max(0, max - 13))}… (truncated)`;
  return out;
}

/** {@link sanitizeText} for a whole rendered Markdown body: the renderers' `<details>` blocks stay, the cap is the body's. */
export function sanitizeMarkdown(markdown: string, opts: HygieneOptions = {}): string {
  return sanitizeText(markdown, { allowedTags: BODY_ALLOWED_TAGS, maxLength: DEFAULT_MAX_BODY_LENGTH, ...opts });
}

/**
 * Sanitises every string of a report (deeply) and then puts the code's authoritative fields
 * back on top: the code's classification always wins over the model's.
 */
export function sanitizeReport<R extends object>(report: R, opts: HygieneOptions & { authoritative?: Partial<R> } = {}): R {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return sanitizeText(v, opts);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const clean = walk(report) as R;
  return { ...clean, ...(opts.authoritative ?? {}) };
}
