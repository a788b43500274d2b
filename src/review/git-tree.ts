import { execFileSync, spawnSync } from 'node:child_process';

/** The files under a folder at one git revision: path → text. */
export interface TreeSnapshot {
  /** The full commit SHA the revision resolved to. */
  readonly commit: string;
  readonly files: Map<string, string>;
}

/** A file above this size is not read (dist/ files are a few KB; CRD bundles are not synced from here). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

function git(repoDir: string, args: string[], input?: Buffer): Buffer {
  const res = spawnSync('git', args, { cwd: repoDir, input, maxBuffer: 512 * 1024 * 1024 });
  if (res.error) throw new Error(`git ${args[0]}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`git ${args.join(' ')} failed (exit ${res.status}): ${res.stderr.toString().trim()}`);
  return res.stdout;
}

/** Resolves a revision (branch, tag, SHA, `HEAD^1`) to its commit SHA; a clear error when it does not exist. */
export function resolveCommit(repoDir: string, rev: string): string {
  if (rev.startsWith('-')) throw new Error(`revision "${rev}" must not start with "-"`);
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: repoDir, encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`revision "${rev}" is not a commit in ${repoDir} (fetched deep enough? a pull request run needs fetch-depth: 2)`);
  }
}

/**
 * Reads every regular file under `folder` at `rev` straight from the object database (no checkout):
 * `git ls-tree` lists the blobs, one `git cat-file --batch` reads them all.
 */
export function readTree(repoDir: string, rev: string, folder = 'dist'): TreeSnapshot {
  const commit = resolveCommit(repoDir, rev);
  const listing = git(repoDir, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', `${folder}/`]).toString('utf8');
  const entries: Array<{ path: string; sha: string }> = [];
  for (const record of listing.split('\0')) {
    if (!record) continue;
    // <mode> SP <type> SP <sha> TAB <path>
    const tab = record.indexOf('\t');
    const [mode, type, sha] = record.slice(0, tab).split(' ');
    // Regular files only: symlinks (120000) and submodules are not manifests ArgoCD reads here.
    if (type !== 'blob' || !(mode === '100644' || mode === '100755')) continue;
    entries.push({ path: record.slice(tab + 1), sha });
  }
  const files = new Map<string, string>();
  if (entries.length === 0) return { commit, files };
  const out = git(repoDir, ['cat-file', '--batch'], Buffer.from(entries.map((e) => e.sha).join('\n') + '\n'));
  let pos = 0;
  for (const e of entries) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!header.startsWith(`${e.sha} blob `) || !Number.isFinite(size)) throw new Error(`git cat-file: unexpected header "${header}" for ${e.path}`);
    const body = out.subarray(nl + 1, nl + 1 + size);
    pos = nl + 1 + size + 1;
    if (size > MAX_FILE_BYTES) throw new Error(`${e.path} at ${commit.slice(0, 12)} is ${size} bytes (limit ${MAX_FILE_BYTES})`);
    files.set(e.path, body.toString('utf8'));
  }
  return { commit, files };
}
