import { DEFAULT_LOG_TOKENS, estimateTokens } from './tokens';

/**
 * Log reduction to a token budget. Lines are never split: a line is kept whole or dropped whole.
 *
 * Priorities, highest first: error lines, the log's tail, windows around errors, the head. The
 * rest is collapsed into Drain-style templates (tokens with digits/hex become `<*>`) with counts.
 * Lines whose template also occurs in a baseline (the last successful run) rank below new ones.
 * Everything dropped is recorded.
 */

export interface ReduceOptions {
  /** @default 8000 */
  readonly maxTokens?: number;
  /** Lines before/after an error line kept as context. @default 3 / 6 */
  readonly before?: number;
  readonly after?: number;
  /** Tail lines kept. @default 40 */
  readonly tail?: number;
  /** Head lines kept. @default 5 */
  readonly head?: number;
  /** The last successful run's log: lines seen there are less interesting. */
  readonly baseline?: string;
  /** Extra error-line recogniser. */
  readonly isError?: (line: string) => boolean;
}

export interface TemplateCount {
  readonly template: string;
  readonly count: number;
}

export interface ReducedLog {
  readonly text: string;
  readonly totalLines: number;
  readonly keptLines: number;
  readonly tokens: number;
  /** Collapsed templates of dropped lines, most frequent first (max 20). */
  readonly templates: TemplateCount[];
  /** Human-readable notes of what was dropped and why. */
  readonly dropped: string[];
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;
const TIMESTAMP = /^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

/** Strips ANSI codes, carriage returns and GitHub's per-line timestamps. */
export function normalizeLog(raw: string): string[] {
  return raw
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, '').replace(TIMESTAMP, ''));
}

const DEFAULT_ERROR = /(##\[error\]|\berror\b|\bERROR\b|\bfailed\b|\bFAILED\b|\bfatal\b|Traceback|Exception|AssertionError|\bdenied\b|\bforbidden\b|CRITICAL|\bHIGH\b|rejected|No space left|timed out|exit code [1-9])/i;

/** Drain-style template: tokens that carry digits or look like ids become `<*>`. */
export function templateOf(line: string): string {
  return line
    .trim()
    .split(/\s+/)
    .map((t) => (/\d/.test(t) || /^[0-9a-f]{8,}$/i.test(t) ? '<*>' : t))
    .join(' ');
}

/** Reduces a log to `maxTokens`, keeping what explains a failure. */
export function reduceLog(raw: string, opts: ReduceOptions = {}): ReducedLog {
  const lines = normalizeLog(raw);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const maxTokens = opts.maxTokens ?? DEFAULT_LOG_TOKENS;
  const full = lines.join('\n');
  if (estimateTokens(full) <= maxTokens) {
    return { text: full, totalLines: lines.length, keptLines: lines.length, tokens: estimateTokens(full), templates: [], dropped: [] };
  }
  const isError = (l: string) => DEFAULT_ERROR.test(l) || (opts.isError?.(l) ?? false);
  const seen = new Set(opts.baseline ? normalizeLog(opts.baseline).map(templateOf) : []);
  const n = lines.length;
  // priority: lower = more important
  const prio = new Array<number>(n).fill(9);
  const setP = (i: number, p: number) => {
    if (i >= 0 && i < n && p < prio[i]) prio[i] = p;
  };
  const before = opts.before ?? 3;
  const after = opts.after ?? 6;
  const tail = opts.tail ?? 40;
  const head = opts.head ?? 5;
  const templates = lines.map(templateOf);
  for (let i = 0; i < n; i++) {
    if (isError(lines[i])) {
      const isNew = !seen.has(templates[i]);
      setP(i, isNew ? 0 : 4);
      for (let k = 1; k <= before; k++) setP(i - k, isNew ? 2 : 5);
      for (let k = 1; k <= after; k++) setP(i + k, isNew ? 2 : 5);
    }
  }
  for (let i = Math.max(0, n - tail); i < n; i++) setP(i, 1);
  for (let i = 0; i < Math.min(head, n); i++) setP(i, 3);

  // Order candidates: priority, then later lines first (the end of a failing step matters most).
  const order = [...Array(n).keys()].filter((i) => prio[i] < 9).sort((a, b) => prio[a] - prio[b] || b - a);
  const keep = new Array<boolean>(n).fill(false);
  const reserve = Math.min(400, Math.floor(maxTokens / 10)); // tokens kept back for omission notes
  let used = 0;
  const droppedLong: number[] = [];
  // Repeated identical lines inside kept regions are collapsed later; count them once here.
  for (const i of order) {
    const cost = estimateTokens(lines[i]) + 1;
    if (used + cost > maxTokens - reserve) {
      if (cost > maxTokens / 4) droppedLong.push(i);
      continue;
    }
    keep[i] = true;
    used += cost;
  }

  const out: string[] = [];
  const dropCounts = new Map<string, number>();
  let gap: number[] = [];
  let keptLines = 0;
  const flushGap = () => {
    if (!gap.length) return;
    const counts = new Map<string, number>();
    for (const i of gap) counts.set(templates[i], (counts.get(templates[i]) ?? 0) + 1);
    for (const [t, c] of counts) dropCounts.set(t, (dropCounts.get(t) ?? 0) + c);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2);
    const desc = top.map(([t, c]) => `${c}× "${t.slice(0, 80)}"`).join(', ');
    out.push(`[… ${gap.length} lines omitted; most common: ${desc}]`);
    gap = [];
  };
  let prev: string | undefined;
  let repeat = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) {
      if (repeat) {
        out.push(`[previous line repeated ${repeat} more times]`);
        repeat = 0;
      }
      prev = undefined;
      gap.push(i);
      continue;
    }
    flushGap();
    if (lines[i] === prev) {
      repeat++;
      continue;
    }
    if (repeat) {
      out.push(`[previous line repeated ${repeat} more times]`);
      repeat = 0;
    }
    out.push(lines[i]);
    keptLines++;
    prev = lines[i];
  }
  if (repeat) out.push(`[previous line repeated ${repeat} more times]`);
  flushGap();

  const templatesOut = [...dropCounts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([template, count]) => ({ template, count }));
  const dropped = [`${n - keptLines} of ${n} lines dropped to fit ${maxTokens} tokens`];
  if (droppedLong.length) dropped.push(`${droppedLong.length} over-long lines dropped whole (never split)`);
  if (seen.size) dropped.push('lines also present in the last successful run were ranked lower');
  let text = out.join('\n');
  // Omission notes can, in pathological logs, push over the budget: drop notes from the top.
  while (estimateTokens(text) > maxTokens && out.length > 1) {
    const idx = out.findIndex((l) => l.startsWith('[… '));
    if (idx < 0) break;
    out.splice(idx, 1);
    text = out.join('\n');
  }
  return { text, totalLines: n, keptLines, tokens: estimateTokens(text), templates: templatesOut, dropped };
}
