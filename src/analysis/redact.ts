import type { Redaction } from './report';

/**
 * Redaction: the one chokepoint every outgoing prompt and every posted text goes through.
 *
 * Secrets are replaced by stable placeholders (`[REDACTED:github-token#1]`): the same secret
 * gets the same number everywhere within one {@link Redactor}, so a reader can still tell that
 * two lines carried the same value. What the analysis needs survives: image digests
 * (`sha256:<64 hex>`), 40-hex commit SHAs, UUIDs, test names and `file:line` locations.
 */

interface Rule {
  readonly kind: string;
  readonly pattern: RegExp;
  /** Index of the capture group holding the secret; 0 = the whole match. */
  readonly group?: number;
  /** Extra check on the captured value (false = leave it). */
  readonly accept?: (value: string) => boolean;
}

const PLACEHOLDER = /^\[REDACTED:[a-z0-9-]+#\d+\]$/;

/** Values that look like secrets by name but are not: masks, empty-ish literals, expressions. */
function isRealValue(value: string): boolean {
  if (value.length < 4) return false;
  if (PLACEHOLDER.test(value) || value.startsWith('[REDACTED:')) return false;
  if (/^\*+$/.test(value)) return false; // GitHub's own mask
  if (/^(true|false|null|none|undefined|nil|redacted|xxx+|changeme)$/i.test(value)) return false;
  if (value.startsWith('${') || value.startsWith('$(') || value.startsWith('<')) return false;
  if (/^\d{1,6}$/.test(value)) return false;
  return true;
}

/** Things that look random but are what the analysis needs. */
function isKeptIdentifier(value: string): boolean {
  return (
    /^(sha256|sha512):[0-9a-f]{32,128}$/i.test(value) ||
    /^[0-9a-f]{7,40}$/i.test(value) ||
    /^[0-9a-f]{64}$/i.test(value) ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ||
    /^[\w./-]+\.(py|ts|js|go|java|rb|rs|c|cc|cpp|h|tsx|jsx|yaml|yml|json|toml|cfg|ini|txt|md)(:\d+)*$/.test(value)
  );
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function isHighEntropySecret(value: string): boolean {
  if (value.length < 16 || value.length > 512) return false;
  if (isKeptIdentifier(value) || !isRealValue(value)) return false;
  if (/\s/.test(value)) return false;
  // URLs (credentials in them have their own rule), absolute paths and image references are not secrets.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(\/|~\/|\.\.?\/)/.test(value) || /@sha256:[0-9a-f]{64}$/.test(value)) return false;
  if (/^--?[a-z]/.test(value)) return false; // command-line options
  // Judge the longest segment: keys, cache keys and versions are built from short parts and hex ids.
  const longest = value.split(/[-_.:,@]/).reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest.length < 16 || /^[0-9a-f]+$/i.test(longest)) return false;
  const mixed = /[a-z]/.test(longest) && /[A-Z]/.test(longest) && /\d/.test(longest);
  return mixed && entropy(longest) >= 3.5;
}

/**
 * Ordered: specific token formats first, so a GitHub token inside `token=` is named as a
 * GitHub token; generic assignments and entropy last.
 */
const RULES: Rule[] = [
  {
    kind: 'private-key',
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY( BLOCK)?-----/g,
  },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b/g },
  { kind: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { kind: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g },
  { kind: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,250}\b/g },
  { kind: 'slack-token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,250}\b/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'huggingface-token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  {
    // `Authorization: Bearer <token>` (the gateway token's own form in any HTTP-client debug log), Basic, token.
    kind: 'authorization',
    pattern: /\b(?:proxy-)?authorization\b["']?\s*[:=]\s*["']?(?:bearer|basic|token|digest)\s+([A-Za-z0-9._~+/-]+=*)/gi,
    group: 1,
    accept: isRealValue,
  },
  {
    // A bare `Bearer <token>`: only a token-looking value (a digit or a symbol in it), never "bearer of bad news".
    kind: 'authorization',
    pattern: /\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)/gi,
    group: 1,
    accept: (v) => isRealValue(v) && /[\d._~+/=-]/.test(v),
  },
  {
    // Command-line flags: `--password x`, `--password=x`, `--token x`, `--api-key=x`.
    kind: 'password',
    pattern: /(?:^|\s)--(?:password|passwd|pass|token|secret|api-key|apikey|access-token|auth-token|client-secret)(?:=|\s+)(["']?)([^\s"']+)\1/gim,
    group: 2,
    accept: (v) => isRealValue(v) && !v.startsWith('-'),
  },
  {
    // `-p <value>` only where -p means password: `mlflow login -p x`, `mysql -p x` / `mysql -px`.
    kind: 'password',
    pattern: /\b(?:login|mysql|mysqladmin|mariadb)\b[^\n]*?\s-p\s*(["']?)([^\s"'-][^\s"']*)\1/gi,
    group: 2,
    accept: isRealValue,
  },
  {
    // JSON/YAML key exactly `pass` ("pass":"…"); `bypass`, `compass` and counts (`pass: 12`) stay.
    kind: 'password',
    pattern: /(?:^|[^A-Za-z0-9_])(["']?)pass\1\s*[:=]\s*(["'])([^"'\s]+)\2/gim,
    group: 3,
    accept: isRealValue,
  },
  {
    // scheme://user:password@host — the password (and user) go, the host stays.
    kind: 'url-credentials',
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/([^\s/:@'"]+:[^\s/@'"]+)@/gi,
    group: 1,
    accept: (v) => !v.includes('[REDACTED:'),
  },
  {
    kind: 'aws-secret-key',
    pattern: /\baws_secret_access_key\b\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})\b/gi,
    group: 1,
  },
  {
    // password=…, token: …, SECRET="…", api_key=… (the name stays, the value goes).
    kind: 'assignment',
    pattern:
      /\b([A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|token|secret|api[_-]?key|apikey|access[_-]?key|account[_-]?key|private[_-]?key|credentials?))\b(["']?\s*(?:=|:|=>)\s*)(["']?)([^\s"',;&)}\]]+)\3/gi,
    group: 4,
    accept: (v) => isRealValue(v) && !isKeptIdentifier(v),
  },
  {
    // Env dumps: `  SOME_VAR: value` / `SOME_VAR=value` with a random-looking value.
    kind: 'high-entropy',
    pattern: /(?:^|\s)([A-Z][A-Z0-9_]{2,})(?:\s*[:=]\s*)(["']?)([^\s"']{20,})\2/gm,
    group: 3,
    accept: isHighEntropySecret,
  },
];

/** This process' own credentials: redacted by exact value (12+ characters), whatever their format. */
export const CREDENTIAL_ENV: readonly string[] = [
  'GATEWAY_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GEMINI_API_KEY',
  'OPENAI_API_KEY',
  'SLACK_BOT_TOKEN',
  'SLACK_WEBHOOK_URL',
  'MLFLOW_TRACKING_PASSWORD',
  'MLFLOW_TRACKING_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
];

/** Kind name of the assignment rule depends on the variable's name. */
function assignmentKind(name: string): string {
  const n = name.toLowerCase();
  if (/pass|pwd/.test(n)) return 'password';
  if (/token/.test(n)) return 'token';
  if (/key/.test(n)) return 'api-key';
  return 'secret';
}

/** Result of {@link redact}. */
export interface RedactResult {
  readonly text: string;
  readonly redactions: Redaction[];
}

/**
 * Keeps placeholders stable across several texts (a prompt and the posted body share numbers).
 * Use one Redactor per report.
 */
export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly applied: Redaction[] = [];
  private readonly known: ReadonlyArray<readonly [string, string]>;

  /**
   * @param opts.env where this process' own credentials are read from, to be redacted by exact value
   *   whatever their format ({@link CREDENTIAL_ENV}); @default process.env
   */
  constructor(opts: { env?: NodeJS.ProcessEnv } = {}) {
    const env = opts.env ?? process.env;
    this.known = CREDENTIAL_ENV.flatMap((name) => {
      const v = env[name]?.trim();
      return v && v.length >= 12 ? [[name.toLowerCase().replace(/_/g, '-'), v] as const] : [];
    }).sort((a, b) => b[1].length - a[1].length);
  }

  /** Every redaction applied so far (one entry per distinct secret). */
  get redactions(): Redaction[] {
    return [...this.applied];
  }

  private placeholder(kind: string, value: string): string {
    const key = `${kind}\u0000${value}`;
    let ph = this.byValue.get(key);
    if (!ph) {
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      ph = `[REDACTED:${kind}#${n}]`;
      this.byValue.set(key, ph);
      this.applied.push({ kind, placeholder: ph });
    }
    return ph;
  }

  /** Redacts one text. */
  redact(text: string): string {
    let out = text;
    for (const [kind, value] of this.known) {
      if (out.includes(value)) out = out.split(value).join(this.placeholder(kind, value));
    }
    for (const rule of RULES) {
      out = out.replace(rule.pattern, (...m: unknown[]) => {
        const match = m[0] as string;
        const groupIndex = rule.group ?? 0;
        const value = (m[groupIndex] as string | undefined) ?? '';
        if (!value || value.startsWith('[REDACTED:')) return match;
        if (rule.accept && !rule.accept(value)) return match;
        const kind = rule.kind === 'assignment' ? assignmentKind(m[1] as string) : rule.kind;
        const ph = this.placeholder(kind, value);
        if (groupIndex === 0) return ph;
        // Replace only the captured value inside the match (its last occurrence keeps names intact).
        const at = match.lastIndexOf(value);
        return match.slice(0, at) + ph + match.slice(at + value.length);
      });
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value (objects and arrays walked). */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as unknown as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as unknown as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }
}

/** Redacts one text with a fresh {@link Redactor}. */
export function redact(text: string): RedactResult {
  const r = new Redactor();
  const out = r.redact(text);
  return { text: out, redactions: r.redactions };
}
