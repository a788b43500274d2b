import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gitBlobId, GITHUB_RAW_BASE, rawUrl, VendoredFile, vendoredFiles, VendorLock } from './sources';

/**
 * `npx projen vendor:refresh`: re-downloads every vendored file from raw.githubusercontent.com at the tag
 * pinned in src/config/versions.ts (`vendoredUpstreams`) and rewrites vendor/vendor.lock.json.
 * All files are fetched first; vendor/ is written only when every download succeeded, so a failure
 * (no network, a path that moved upstream, a tag that does not exist) leaves it unchanged.
 * Needs network access to GitHub. Afterwards: `npx projen import`, `npx projen synth`, the tests.
 */
export interface RefreshOptions {
  /** Raw-file server. @default https://raw.githubusercontent.com */
  readonly rawBase?: string;
  /** Folder to write. @default the repository's vendor/ */
  readonly vendorDir?: string;
  /** Per-request timeout. @default 30 s */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_VENDOR_DIR = resolve(__dirname, '../../vendor');

async function download(f: VendoredFile, base: string, timeoutMs: number): Promise<Buffer> {
  const url = rawUrl(f, base);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot reach ${url} (${cause}): vendor:refresh needs network access to GitHub`);
  }
  if (res.status === 404) throw new Error(`${f.repo} has no ${f.path} at ${f.tag} (${url} answered 404): did the file move upstream?`);
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Downloads every vendored file, then writes them and the lock; returns the lock. Throws before writing on any failure. */
export async function refreshVendor(options: RefreshOptions = {}): Promise<VendorLock> {
  const base = options.rawBase ?? GITHUB_RAW_BASE;
  const dir = options.vendorDir ?? DEFAULT_VENDOR_DIR;
  const log = options.log ?? (() => undefined);
  const files = vendoredFiles();
  const contents = new Map<string, Buffer>();
  for (const f of files) {
    contents.set(f.local, await download(f, base, options.timeoutMs ?? 30_000));
    log(`fetched ${f.repo}@${f.tag}:${f.path}`);
  }
  const lock: VendorLock = { files: {} };
  for (const f of files) {
    const content = contents.get(f.local)!;
    const target = join(dir, f.local);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    lock.files[f.local] = { repo: f.repo, tag: f.tag, path: f.path, blob: gitBlobId(content) };
  }
  writeFileSync(join(dir, 'vendor.lock.json'), JSON.stringify(lock, null, 2) + '\n');
  return lock;
}

if (require.main === module) {
  // VENDOR_RAW_BASE and VENDOR_DIR: a mirror and a target folder (test/repo/vendor.test.ts uses both).
  const vendorDir = process.env.VENDOR_DIR ?? DEFAULT_VENDOR_DIR;
  refreshVendor({ rawBase: process.env.VENDOR_RAW_BASE, vendorDir, log: (l) => process.stdout.write(`${l}\n`) }).then(
    (lock) => process.stdout.write(`${vendorDir}: ${Object.keys(lock.files).length} files written; next: npx projen import && npx projen synth (and vendor/README.md if a tag changed)\n`),
    (err: Error) => {
      process.stderr.write(`vendor:refresh failed, ${vendorDir} left unchanged: ${err.message}\n`);
      process.exit(1);
    },
  );
}
