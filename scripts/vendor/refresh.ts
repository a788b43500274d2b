import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gitBlobId, GITHUB_RAW_BASE, rawUrl, VendoredFile, vendoredFiles, VendorLock } from './sources';

/**
 * `npx projen vendor:refresh`: re-downloads every vendored file from raw.githubusercontent.com at the tag
 * pinned in src/config/versions.ts (`vendoredUpstreams`) and rewrites vendor/vendor.lock.json.
 * All files are fetched first; vendor/ is written only when every download succeeded, so a failure
 * (no network, a path that moved upstream, a tag that does not exist) leaves it unchanged.
 * Needs network access to GitHub. Afterwards: `npx projen import`, `npx projen synth`, the tests.
 *
 * VENDOR_RAW_BASE and VENDOR_DIR exist for test/repo/vendor.test.ts (a loopback server, a temp folder).
 */
const RAW_BASE = process.env.VENDOR_RAW_BASE ?? GITHUB_RAW_BASE;
const VENDOR_DIR = process.env.VENDOR_DIR ?? resolve(__dirname, '../../vendor');
const TIMEOUT_MS = 30_000;

async function download(f: VendoredFile): Promise<Buffer> {
  const url = rawUrl(f, RAW_BASE);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot reach ${url} (${cause}): vendor:refresh needs network access to GitHub`);
  }
  if (res.status === 404) throw new Error(`${f.repo} has no ${f.path} at ${f.tag} (${url} answered 404): did the file move upstream?`);
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

async function main(): Promise<void> {
  const files = vendoredFiles();
  const contents = new Map<string, Buffer>();
  for (const f of files) {
    contents.set(f.local, await download(f));
    process.stdout.write(`fetched ${f.repo}@${f.tag}:${f.path}\n`);
  }
  const lock: VendorLock = { files: {} };
  for (const f of files) {
    const content = contents.get(f.local)!;
    const target = join(VENDOR_DIR, f.local);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    lock.files[f.local] = { repo: f.repo, tag: f.tag, path: f.path, blob: gitBlobId(content) };
  }
  writeFileSync(join(VENDOR_DIR, 'vendor.lock.json'), JSON.stringify(lock, null, 2) + '\n');
  process.stdout.write(`vendor/: ${files.length} files written; next: npx projen import && npx projen synth (and vendor/README.md if a tag changed)\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`vendor:refresh failed, ${VENDOR_DIR} left unchanged: ${err.message}\n`);
  process.exit(1);
});
