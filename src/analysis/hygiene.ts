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
  return url.replace(/^http/i, 'hxxp').replace(/^(hxxps?:\/\/[^/\s]+)/i, (hostPart) => hostPart.replace(/\./g, '[.]'));
}

/** Neutralises mentions, defangs links to unlisted hosts, strips HTML comments, caps length. */
export function sanitizeText(text: string, opts: HygieneOptions = {}): string {
  const allowedMentions = new Set((opts.allowedMentions ?? teamMentions()).map((m) => m.toLowerCase()));
  const allowedHosts = opts.allowedHosts ?? DEFAULT_ALLOWED_HOSTS;
  const max = opts.maxLength ?? DEFAULT_MAX_FIELD_LENGTH;
  let out = text;
  // HTML comments could forge a dedupe marker; raw HTML could hide text.
  out = out.replace(/<!--/g, '&lt;!--').replace(/<(\/?)(script|iframe|img|a|details|summary)\b/gi, '&lt;$1$2');
  // Slack special mentions and user/channel references.
  out = out.replace(/<!(channel|here|everyone|subteam\^[A-Z0-9]+)(\|[^>]*)?>/gi, '(at)$1');
  out = out.replace(/<[@#]([UWC][A-Z0-9]+)(\|[^>]*)?>/g, '(at)$1');
  // Markdown links to unlisted hosts become plain text plus a defanged URL.
  out = out.replace(/\[([^\]\n]{0,200})\]\((https?:\/\/[^\s)]+)\)/gi, (all, label: string, url: string) => {
    const host = /^https?:\/\/([^/:?#\s]+)/i.exec(url)?.[1] ?? '';
    return hostAllowed(host, allowedHosts) ? all : `${label} (${defang(url)})`;
  });
  out = out.replace(/\bhttps?:\/\/[^\s)\]>"'`]+/gi, (url) => {
    const host = /^https?:\/\/([^/:?#\s]+)/i.exec(url)?.[1] ?? '';
    return hostAllowed(host, allowedHosts) ? url : defang(url);
  });
  // @-mentions: only configured team handles stay; others get a zero-width joiner after "@".
  out = out.replace(/(^|[^\w`/.@])@([A-Za-z0-9][A-Za-z0-9_-]*(?:\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)?)/g, (all, pre: string, handle: string) => {
    return allowedMentions.has(`@${handle}`.toLowerCase()) ? all : `${pre}@\u200d${handle}`;
  });
  if (out.length > max) out = `${out.slice(0, Math.max(0, max - 13))}… (truncated)`;
  return out;
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
