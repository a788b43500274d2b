import { UsageError } from '../analysis/errors';

/** Flag value parsers shared by the commands; each error names the flag (exit code 2). */

/** Collects a repeatable flag (`--log a --log b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A comma-separated list (`--ignore id,ts`); empty when unset. */
export const list = (v: unknown): string[] => (typeof v === 'string' && v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** A number in [0, 1], or `dflt` when unset. */
export function fraction(flag: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} must be a number between 0 and 1, got "${String(v)}"`);
  return n;
}

/** A non-negative integer, or `dflt` when unset. */
export function count(flag: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got "${String(v)}"`);
  return n;
}
