import type { z } from 'zod';

/** `alerts[0].labels.severity` style path of a zod issue. */
export function issuePath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}

/** The first `max` issues of a failed parse as `path: message` joined by `; ` (for error messages). */
export function describeIssues(error: z.ZodError, max = 3): string {
  return error.issues.slice(0, max).map((i) => `${issuePath(i.path)}: ${i.message}`).join('; ');
}
