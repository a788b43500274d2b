import * as zlib from 'node:zlib';

/**
 * A reader of ZIP archives held in memory (GitHub Actions artifacts), for hostile input: archives
 * from fork runs. Nothing is written to disk and entry paths are never used as paths: callers get
 * each entry's base name and its bytes. Limits: entry count, each entry's and the total
 * uncompressed size (inflate stops at the cap, so a zip bomb costs at most the cap), and the CRC
 * of every entry is checked. ZIP64 and encrypted entries are skipped.
 *
 * Layout (PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7 local header, 4.3.12 central directory header,
 * 4.3.16 end of central directory record).
 */
export interface ZipLimits {
  /** @default 200 */
  readonly maxEntries?: number;
  /** @default 20 MiB */
  readonly maxEntryBytes?: number;
  /** @default 50 MiB */
  readonly maxTotalBytes?: number;
}

export interface ZipEntry {
  /** The entry's base name (no directories), safe to show. */
  readonly name: string;
  readonly data: Buffer;
}

export class ZipError extends Error {}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

export function readZip(buf: Buffer, limits: ZipLimits = {}): ZipEntry[] {
  const maxEntries = limits.maxEntries ?? 200;
  const maxEntry = limits.maxEntryBytes ?? 20 * 1024 * 1024;
  const maxTotal = limits.maxTotalBytes ?? 50 * 1024 * 1024;
  // The end record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a zip archive (no end of central directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count > maxEntries) throw new ZipError(`zip has ${count} entries (more than ${maxEntries})`);
  if (cdOffset + cdSize > eocd) throw new ZipError('zip central directory lies outside the archive');
  const out: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) throw new ZipError(`zip central directory entry ${n} is malformed`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const rawName = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const base = rawName.split(/[\\/]/).pop() ?? '';
    // Directories, encrypted entries, ZIP64 sizes and odd names are skipped, never followed.
    if (!base || rawName.endsWith('/') || flags % 2 === 1 || csize === 0xffffffff || usize === 0xffffffff || /[\0-\x1f]/.test(base)) continue;
    if (usize > maxEntry) continue;
    if (total + usize > maxTotal) throw new ZipError(`zip entries exceed ${maxTotal} bytes uncompressed`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOC) throw new ZipError(`zip entry ${base}: local header is malformed`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + csize > buf.length) throw new ZipError(`zip entry ${base} lies outside the archive`);
    const raw = buf.subarray(start, start + csize);
    let data: Buffer;
    if (method === 0) {data = Buffer.from(raw);} else if (method === 8) {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, usize) });
      } catch (err) {
        throw new ZipError(`zip entry ${base}: ${(err as Error).message}`);
      }
    } else {continue;}
    if (data.length !== usize || zlib.crc32(data) !== crc) throw new ZipError(`zip entry ${base}: size or CRC does not match its header`);
    total += usize;
    out.push({ name: base, data });
  }
  return out;
}
