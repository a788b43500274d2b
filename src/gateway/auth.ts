import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time bearer check: both sides are hashed first, so lengths never leak either. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  const given = createHash('sha256').update(m ? m[1].trim() : '\0no-token').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}
