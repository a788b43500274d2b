import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Test helpers: a real registry (Debian's docker-registry, the CNCF distribution registry) on a free
 * loopback port with its own config and storage, and OCI image layouts written by hand (tiny and
 * deterministic, so the expected digest is sha256 of bytes the test wrote), pushed with skopeo.
 */

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Registry {
  readonly host: string;
  stop(): void;
}

export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log: { level: error }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'storage')} }, delete: { enabled: false } }`,
    `http: { addr: "127.0.0.1:${port}" }`,
    '',
  ].join('\n'));
  const proc: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => { stderr += String(d); });
  const host = `127.0.0.1:${port}`;
  const stop = () => {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`http://${host}/v2/`);
      if (r.status === 200) return { host, stop };
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`docker-registry did not start on ${host}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Descriptor { mediaType: string; digest: string; size: number; platform?: { architecture: string; os: string } }

/** An OCI layout directory with blobs written by hand. */
export class Layout {
  readonly dir: string;
  private readonly refs: Array<Descriptor & { annotations: Record<string, string> }> = [];

  constructor(root: string, name: string) {
    this.dir = join(root, name);
    mkdirSync(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(this.dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  blob(mediaType: string, bytes: Buffer): Descriptor {
    const digest = sha256(bytes);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** A one-layer image manifest for a platform; returns its descriptor and exact bytes. */
  image(arch: string, content: string): { desc: Descriptor; bytes: Buffer } {
    const tar = Buffer.alloc(1536); // one 512-byte header block (a file) + two zero blocks: a valid tar
    tar.write(`${arch}.txt`, 0);
    tar.write('0000644\0', 100); tar.write('0000000\0', 108); tar.write('0000000\0', 116);
    tar.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124);
    tar.write('00000000000\0', 136); tar.write('0', 156); tar.write('ustar\x0000', 257);
    tar.write('        ', 148);
    let sum = 0;
    for (const b of tar.subarray(0, 512)) sum += b;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const layer = this.blob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(tar));
    const config = this.blob('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({
      architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, config: {},
    })));
    const bytes = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer],
    }));
    const desc = this.blob('application/vnd.oci.image.manifest.v1+json', bytes);
    return { desc: { ...desc, platform: { architecture: arch, os: 'linux' } }, bytes };
  }

  /** A two-or-more-platform OCI image index over image manifests. */
  index(manifests: Descriptor[]): { desc: Descriptor; bytes: Buffer } {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    return { desc: this.blob('application/vnd.oci.image.index.v1+json', bytes), bytes };
  }

  tag(desc: Descriptor, tag: string): void {
    const { platform: _p, ...plain } = desc;
    this.refs.push({ ...plain, annotations: { 'org.opencontainers.image.ref.name': tag } });
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: this.refs }));
  }
}

/** skopeo copy, every platform and the exact bytes (the digests must stay those written). */
export function push(layoutDir: string, tag: string, dest: string): void {
  const r = spawnSync('skopeo', [
    'copy', '--all', '--preserve-digests', '--dest-tls-verify=false', '--quiet',
    `oci:${layoutDir}:${tag}`, `docker://${dest}`,
  ], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`skopeo copy ${tag} → ${dest} failed: ${r.stderr}`);
}
