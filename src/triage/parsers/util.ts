/** Parses the first JSON object in the lines (from a line starting with `{` to the last `}`). */
export function extractJson(lines: string[]): unknown {
  const start = lines.findIndex((l) => l.trimStart().startsWith('{'));
  if (start < 0) return undefined;
  for (let end = lines.length - 1; end > start; end--) {
    if (!lines[end].trimEnd().endsWith('}')) continue;
    try {
      return JSON.parse(lines.slice(start, end + 1).join('\n'));
    } catch {
      // try a shorter span
    }
  }
  return undefined;
}

/** Keeps the first `n` distinct findings by a key. */
export function uniqueBy<T>(items: T[], key: (t: T) => string, n = 50): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const it of items) {
    const k = key(it);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(it);
    if (out.length >= n) break;
  }
  return out;
}

/** Lowercase severity names. */
export function sev(s: string | undefined): string | undefined {
  return s ? s.toLowerCase() : undefined;
}
