/**
 * A minimal line diff (Myers' O(ND) shortest edit script, the algorithm `git diff` uses by default)
 * rendered as unified-diff hunks. Objects in dist/ are a few hundred lines, so the simple
 * forward-only variant with a trace per step is enough; no dependency for one function.
 */

/** One line of an edit script: kept (' '), removed ('-') or added ('+'). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** Beyond this many edits the diff is "replace all" (Myers' trace memory grows with the square of the edits). */
export const MAX_EDIT_DISTANCE = 3_000;

/** The shortest edit script turning `a` into `b`, as kept/removed/added lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  // v[k + offset] = furthest x reached on diagonal k. Before step d only diagonals -d-1..d+1 matter,
  // so each snapshot keeps that window (trace[d][k + d + 1]).
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let end = -1;
  for (let d = 0; d <= max && end < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[k - 1 + offset] < v[k + 1 + offset]) ? v[k + 1 + offset] : v[k - 1 + offset] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) {
        end = d;
        break;
      }
    }
  }
  if (end < 0) return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  // Backtrack from (n, m) through the snapshots.
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = end; d >= 0; d--) {
    const prev = trace[d];
    const at = (k: number) => prev[k + d + 1];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: ' ', text: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (down) out.push({ op: '+', text: b[--y] });
    else out.push({ op: '-', text: a[--x] });
  }
  return out.reverse();
}

/** Splits text into lines; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Unified-diff hunks (`@@ -a,b +c,d @@` headers, `context` kept lines around each change) of two
 * texts; empty when they are equal. File headers (`---`/`+++`) are left to the caller.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const script = diffLines(a, b);
  const changed = script.map((l) => l.op !== ' ');
  if (!changed.includes(true)) return '';
  // Positions (in both files) before each script line.
  const posA: number[] = [];
  const posB: number[] = [];
  let ia = 0;
  let ib = 0;
  for (const l of script) {
    posA.push(ia);
    posB.push(ib);
    if (l.op !== '+') ia++;
    if (l.op !== '-') ib++;
  }
  const hunks: string[] = [];
  let i = 0;
  while (i < script.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend while the next change is within 2*context kept lines.
    for (;;) {
      let j = end + 1;
      while (j < script.length && !changed[j]) j++;
      if (j < script.length && j - end - 1 <= 2 * context) end = j;
      else break;
    }
    const stop = Math.min(script.length, end + context + 1);
    const lines = script.slice(start, stop);
    const countA = lines.filter((l) => l.op !== '+').length;
    const countB = lines.filter((l) => l.op !== '-').length;
    const startA = countA === 0 ? posA[start] : posA[start] + 1;
    const startB = countB === 0 ? posB[start] : posB[start] + 1;
    hunks.push(`@@ -${startA},${countA} +${startB},${countB} @@`);
    for (const l of lines) hunks.push(`${l.op}${l.text}`);
    i = stop;
  }
  return hunks.join('\n') + '\n';
}
