import type { Octokit } from '@octokit/rest';
import { Redactor } from '../analysis';
import type { Finding } from './types';

/**
 * The flagged files: the lines around each finding's file:line, read at the failing commit through
 * the API, redacted, so the explanation can quote the code. Only for paths inside the repository;
 * capped in files, bytes and lines. Never a reason to fail a triage: what cannot be read is skipped.
 */

/** Reads one repository file at the failing commit; undefined when it does not exist or is not a file. */
export type RepoFileReader = (path: string) => Promise<Buffer | undefined>;

export interface FlaggedFileCaps {
  /** @default 5 */
  readonly maxFiles?: number;
  /** Files larger than this are skipped. @default 256 KiB */
  readonly maxBytes?: number;
  /** Lines each side of the flagged line. @default 8 */
  readonly context?: number;
}

/**
 * The repository-relative form of a finding's path, or undefined when it is not a repository file
 * (absolute paths outside the checkout, `..`, tool caches). `/home/runner/work/<repo>/<repo>/x` → `x`.
 */
export function repoRelativePath(file: string, repoName?: string): string | undefined {
  let p = file.trim().replace(/\\/g, '/');
  const checkout = /^\/home\/runner\/work\/([^/]+)\/([^/]+)\/(.+)$/.exec(p);
  if (checkout) {
    if (repoName && (checkout[1] !== repoName || checkout[2] !== repoName)) return undefined;
    p = checkout[3];
  }
  p = p.replace(/^\.\//, '');
  if (!p || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\0')) return undefined;
  const parts = p.split('/');
  if (parts.some((s) => s === '..' || s === '.' || s === '')) return undefined;
  // Dependency trees and caches are not the team's code even when they sit in the checkout.
  if (parts.some((s) => s === 'node_modules' || s === 'site-packages' || s === '.venv')) return undefined;
  return p;
}

/** A reader through `GET /repos/{owner}/{repo}/contents/{path}?ref=` (base64 JSON, like GitHub answers). */
export function octokitFileReader(octokit: Octokit, owner: string, repo: string, ref: string): RepoFileReader {
  return async (path) => {
    try {
      const res = await octokit.rest.repos.getContent({ owner, repo, path, ref });
      const d = res.data as { type?: string; encoding?: string; content?: string };
      if (Array.isArray(res.data) || d.type !== 'file' || d.encoding !== 'base64' || typeof d.content !== 'string') return undefined;
      return Buffer.from(d.content, 'base64');
    } catch {
      return undefined; // 404, no permission, rate limit: the excerpt is an extra, never a failure
    }
  };
}

/**
 * The prompt block: for each of the first `maxFiles` distinct files with a line, `path` then
 * `N| line` for the ±context lines, every line redacted with the triage's redactor.
 */
export async function collectFlaggedFiles(
  findings: readonly Finding[],
  read: RepoFileReader,
  redactor: Redactor,
  caps: FlaggedFileCaps = {},
  repoName?: string,
): Promise<string> {
  const maxFiles = caps.maxFiles ?? 5;
  const maxBytes = caps.maxBytes ?? 256 * 1024;
  const context = caps.context ?? 8;
  const linesByFile = new Map<string, number[]>();
  for (const f of findings) {
    if (!f.file || !f.line || f.line < 1) continue;
    const p = repoRelativePath(f.file, repoName);
    if (!p) continue;
    if (!linesByFile.has(p)) {
      if (linesByFile.size >= maxFiles) continue;
      linesByFile.set(p, []);
    }
    linesByFile.get(p)!.push(f.line);
  }
  const blocks: string[] = [];
  for (const [p, flagged] of linesByFile) {
    const buf = await read(p);
    if (!buf || buf.length > maxBytes || buf.includes(0)) continue; // missing, too big or binary
    const text = buf.toString('utf8');
    const lines = text.split(/\r?\n/);
    // A secret spanning lines (a PEM key) is only recognised whole, and a window may cut it: a file whose
    // redaction collapses lines is skipped (a scratch redactor decides, so only what is shown is counted).
    if (new Redactor().redact(text).split(/\r?\n/).length !== lines.length) continue;
    const shown = new Set<number>();
    for (const l of flagged) for (let n = Math.max(1, l - context); n <= Math.min(lines.length, l + context); n++) shown.add(n);
    if (!shown.size) continue;
    const out = [`${p} (flagged: ${[...new Set(flagged)].sort((a, b) => a - b).join(', ')})`];
    let prev = 0;
    for (const n of [...shown].sort((a, b) => a - b)) {
      if (prev && n > prev + 1) out.push('…');
      out.push(`${n}| ${redactor.redact(lines[n - 1]).slice(0, 400)}`); // redact first: a cut could hide a secret's shape
      prev = n;
    }
    blocks.push(out.join('\n'));
  }
  return blocks.join('\n\n');
}
