import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import Papa from 'papaparse';
import { Column, ColumnKind, sortedFinite } from './stats/column';

/**
 * CSV with a header → typed columns. Numerical columns go straight into Float64Arrays; a column is numerical
 * when every non-missing value parses as a number, else categorical; `kinds` overrides the detection.
 * Missing values: empty, NA, N/A, NaN, nan, null, NULL, None, #N/A (like pandas' defaults).
 *
 * Three paths, one result:
 * - quoted fields anywhere: papaparse, one row at a time (no row objects kept);
 * - no quote: fields are sliced straight out of the text, plain decimals parsed without `Number()`, and the
 *   texts of low-cardinality categorical columns interned (one string per distinct value, not one per row);
 * - no quote and a large file ({@link readCsv}): the second half of the file is parsed, and its numerical
 *   columns sorted, in a worker thread while this thread does the first half; the halves are joined (sorted
 *   columns by a linear merge). Anything the halves disagree on (a column numerical in one half and text in
 *   the other) falls back to parsing the whole file here.
 */

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A', 'n/a', '-NaN', '-nan']);

export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: number;
  readonly columns: ReadonlyMap<string, Column>;
  /** Numerical columns whose values are all whole numbers written without a decimal point, none missing (pandas int64). */
  readonly integerColumns: ReadonlySet<string>;
}

/** Missing-value markers; trimming only when the field has surrounding spaces (the common case has none). */
function isMissing(s: string): boolean {
  if (s.length === 0 || MISSING.has(s)) return true;
  if (s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32) return MISSING.has(s.trim());
  return false;
}

/** Parses a numeric field like pandas: numbers, inf/-inf/Infinity; anything else is NaN. */
function toNumber(s: string): number {
  const v = Number(s);
  if (!Number.isNaN(v) && s.trim() !== '') return v;
  const t = s.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return NaN;
}

function isIntegerText(s: string, v: number): boolean {
  return Number.isInteger(v) && !s.includes('.') && !s.includes('e') && !s.includes('E');
}

/** Distinct texts a categorical column interns before it stores one string per row (ids, free text). */
const MAX_INTERNED = 255;

interface Builder {
  kind: ColumnKind | undefined;
  forced: boolean;
  numbers: Float64Array;
  strings: (string | null)[] | undefined;
  integer: boolean;
  /** Detected categorical after some rows were stored as numbers: needs a second pass. */
  reparse: boolean;
  /** Interned raw texts of a categorical column, in order of first appearance (undefined past MAX_INTERNED). */
  dictText: string[] | undefined;
  /** The value each interned text stands for (null: a missing-value marker). */
  dictValue: (string | null)[];
  /** Rows per interned text. */
  dictCount: number[];
  /** Row → index into dictText (valid while dictText is defined). */
  codes: Uint8Array | undefined;
}

function parseText(text: string, file: string, onHeader: (h: string[]) => void, onRow: (row: string[], line: number) => void): void {
  let header: string[] | undefined;
  let line = 0;
  let failure: Error | undefined;
  Papa.parse<string[]>(text, {
    skipEmptyLines: true,
    step: (result, parser) => {
      line++;
      if (result.errors.length > 0) {
        const e = result.errors[0];
        failure = new Error(`${file}: CSV error at row ${line}: ${e.message}`);
        parser.abort();
        return;
      }
      const row = result.data;
      if (!header) {
        header = row.map((h) => h.trim());
        try {
          onHeader(header);
        } catch (err) {
          failure = err as Error;
          parser.abort();
        }
        return;
      }
      if (row.length !== header.length) {
        failure = new Error(`${file}: row ${line} has ${row.length} fields, the header has ${header.length}`);
        parser.abort();
        return;
      }
      try {
        onRow(row, line);
      } catch (err) {
        failure = err as Error;
        parser.abort();
      }
    },
  });
  if (failure) throw failure;
  if (!header) throw new Error(`${file}: empty CSV (no header)`);
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * Exact fast path for plain decimals (`-12.345`): at most 15 digits, no exponent. The digits form an integer
 * below 2^53 and 10^k (k ≤ 15) is exact, so one IEEE division gives the correctly rounded value, the same
 * double `Number()` returns (Clinger's fast path). Anything else returns undefined and goes to `Number()`.
 */
export function fastDecimal(text: string, start: number, end: number): number | undefined {
  let i = start;
  let neg = false;
  if (i < end) {
    const ch = text.charCodeAt(i);
    if (ch === 45) {
      neg = true;
      i++;
    } else if (ch === 43) {
      i++;
    }
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (++digits > 15) return undefined;
      mant = mant * 10 + (ch - 48);
      if (dot) frac++;
    } else if (ch === 46 && !dot) {
      dot = true;
    } else {
      return undefined;
    }
  }
  if (digits === 0) return undefined;
  const v = frac === 0 ? mant : mant / POW10[frac];
  return neg ? -v : v;
}

/** Counts data rows cheaply (newlines), to size the Float64Arrays once. An upper bound. */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n + 1;
}

function checkHeader(h: readonly string[], file: string): void {
  const seen = new Set<string>();
  for (const name of h) {
    if (!name) throw new Error(`${file}: the header has an empty column name`);
    if (seen.has(name)) throw new Error(`${file}: the header names column "${name}" twice`);
    seen.add(name);
  }
}

/** A parsed run of rows: the builders before they become columns. */
interface Chunk {
  readonly header: string[];
  readonly rows: number;
  readonly builders: Builder[];
}

/** Starts interning a categorical column (fast path only). */
function startDictionary(b: Builder, capacity: number): void {
  b.dictText = [];
  b.dictValue = [];
  b.dictCount = [];
  b.codes = new Uint8Array(capacity);
}

/**
 * Parses CSV text into builders. `given` (a later part of a file): the header, and the text holds data rows only.
 * The papaparse path (quotes) always starts at the header.
 */
function parseChunk(text: string, file: string, kinds: ReadonlyMap<string, ColumnKind>, given?: { header: string[]; firstLine: number }): Chunk {
  const capacity = countLines(text);
  const fast = !text.includes('"');
  let header: string[] = [];
  let builders: Builder[] = [];
  let rows = 0;
  const onHeader = (h: string[]) => {
    checkHeader(h, file);
    header = h;
    builders = h.map((name) => {
      const forced = kinds.get(name);
      const b: Builder = {
        kind: forced,
        forced: forced !== undefined,
        numbers: forced === 'categorical' ? new Float64Array(0) : new Float64Array(capacity),
        strings: forced === 'categorical' ? [] : undefined,
        integer: true,
        reparse: false,
        dictText: undefined,
        dictValue: [],
        dictCount: [],
        codes: undefined,
      };
      if (b.strings && fast) startDictionary(b, capacity);
      return b;
    });
  };
  /** One field of the current row (`rows` is its index). */
  const consume = (c: number, s: string, line: number): void => {
    const b = builders[c];
    if (b.strings) {
      b.strings.push(isMissing(s) ? null : s);
      return;
    }
    let v = Number(s);
    // Number('') and Number(' ') are 0: blank fields are missing values.
    if (v === 0 && s.trim().length === 0) v = NaN;
    if (Number.isNaN(v)) {
      if (isMissing(s)) {
        b.numbers[rows] = NaN;
        b.integer = false;
        return;
      }
      const special = toNumber(s);
      if (!Number.isNaN(special)) {
        b.numbers[rows] = special;
        b.integer = false;
        return;
      }
      if (b.forced) throw new Error(`${file}: row ${line}, column "${header[c]}" is declared numerical but holds "${s}"`);
      b.kind = 'categorical';
      b.strings = [];
      // The rows before were numbers: read the column again as text. Missing values only (NaN): they stay missing.
      let onlyMissing = true;
      for (let r = 0; r < rows && onlyMissing; r++) if (!Number.isNaN(b.numbers[r])) onlyMissing = false;
      b.reparse = !onlyMissing;
      if (!b.reparse) {
        for (let r = 0; r < rows; r++) b.strings.push(null);
        if (fast) {
          startDictionary(b, capacity);
          if (rows > 0) {
            // One dictionary entry stands for the missing rows so far (codes are 0 already).
            b.dictText!.push('');
            b.dictValue.push(null);
            b.dictCount.push(rows);
          }
          intern(b, s);
        } else {
          b.strings.push(s);
        }
      }
      return;
    }
    b.numbers[rows] = v;
    if (b.integer && !isIntegerText(s, v)) b.integer = false;
  };
  /** Stores a categorical text through the column's dictionary (which it grows, or gives up past MAX_INTERNED). */
  const intern = (b: Builder, s: string): void => {
    const d = b.dictText!;
    if (d.length >= MAX_INTERNED) {
      b.dictText = undefined;
      b.codes = undefined;
      b.strings!.push(isMissing(s) ? null : s);
      return;
    }
    const value = isMissing(s) ? null : s;
    b.codes![rows] = d.length;
    d.push(s);
    b.dictValue.push(value);
    b.dictCount.push(1);
    b.strings!.push(value);
  };
  if (!fast) {
    if (given) throw new Error(`${file}: internal error: a part of a file with quotes`);
    // Quoted fields: papaparse, one row at a time.
    parseText(text, file, onHeader, (row, line) => {
      for (let c = 0; c < builders.length; c++) consume(c, row[c], line);
      rows++;
    });
  } else {
    // No quote anywhere: every comma separates and every newline ends a row, so the fields are
    // sliced straight out of the text (papaparse's "fast mode" rule, without a row array per line).
    const n = text.length;
    let pos = 0;
    let line = 0;
    if (given) {
      onHeader(given.header);
      line = given.firstLine - 1;
    } else {
      // The header: the first non-empty line.
      while (pos < n && builders.length === 0) {
        let end = text.indexOf('\n', pos);
        if (end === -1) end = n;
        const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end; // CRLF
        line++;
        if (stop > pos) onHeader(text.slice(pos, stop).split(',').map((x) => x.trim()));
        pos = end + 1;
      }
      if (builders.length === 0) throw new Error(`${file}: empty CSV (no header)`);
    }
    scanRows(pos, line);
  }

  /**
   * The data rows of quote-free text in one pass over the characters: a plain decimal (what {@link fastDecimal}
   * accepts) is parsed while its field is scanned, an interned categorical text is compared in place, anything
   * else is sliced and goes through `consume`. A field ends at a comma, a newline, or a CR before a newline
   * (or the end): the same fields the per-line split gives, with the same errors.
   */
  function scanRows(from: number, lineBefore: number): void {
    const src = text; // a local for the hot loop
    const n = src.length;
    const width = builders.length;
    let pos = from;
    let line = lineBefore;
    while (pos < n) {
      line++;
      let ch = src.charCodeAt(pos);
      if (ch === 10) {
        pos++;
        continue;
      }
      if (ch === 13 && (pos + 1 === n || src.charCodeAt(pos + 1) === 10)) {
        pos += 2;
        continue;
      }
      let c = 0;
      for (;;) {
        if (c >= width) throw new Error(`${file}: row ${line} has more than ${width} fields, the header has ${width}`);
        const b = builders[c];
        const start = pos;
        let i = pos;
        let end = -1;
        if (!b.strings) {
          let neg = false;
          ch = i < n ? src.charCodeAt(i) : -1;
          if (ch === 45 || ch === 43) {
            neg = ch === 45;
            ch = ++i < n ? src.charCodeAt(i) : -1;
          }
          let mant = 0;
          let digits = 0;
          let frac = 0;
          let dot = false;
          for (;;) {
            if (ch >= 48 && ch <= 57) {
              mant = mant * 10 + (ch - 48);
              digits++;
              if (dot) frac++;
            } else if (ch === 46 && !dot) {
              dot = true;
            } else {
              break;
            }
            ch = ++i < n ? src.charCodeAt(i) : -1;
          }
          if (digits > 0 && digits <= 15 && (ch === 44 || ch === 10 || ch === -1 || (ch === 13 && (i + 1 === n || src.charCodeAt(i + 1) === 10)))) {
            const v = frac === 0 ? mant : mant / POW10[frac];
            b.numbers[rows] = neg ? -v : v;
            // Without a dot the digits are a whole number; with one ("3.0") pandas reads a float.
            if (dot) b.integer = false;
            end = i;
          }
        } else {
          i = start;
        }
        if (end < 0) {
          for (; i < n; i++) {
            const d = src.charCodeAt(i);
            if (d === 44 || d === 10 || (d === 13 && (i + 1 === n || src.charCodeAt(i + 1) === 10))) break;
          }
          end = i;
          const dict = b.dictText;
          if (dict) {
            // Interned categorical: compare the field with the texts seen so far, without slicing it.
            const len = end - start;
            let k = 0;
            for (; k < dict.length; k++) {
              const t = dict[k];
              if (t.length === len && src.startsWith(t, start)) break;
            }
            if (k < dict.length) {
              b.codes![rows] = k;
              b.dictCount[k]++;
              b.strings!.push(b.dictValue[k]);
            } else {
              intern(b, src.slice(start, end));
            }
          } else {
            consume(c, src.slice(start, end), line);
          }
        }
        c++;
        const d = end < n ? src.charCodeAt(end) : -1;
        if (d === 44) {
          pos = end + 1;
          continue;
        }
        if (c !== width) throw new Error(`${file}: row ${line} has ${c} fields, the header has ${width}`);
        pos = d === 13 ? end + 2 : end + 1;
        break;
      }
      rows++;
    }
  }
  return { header, rows, builders };
}

/** Joins the builders of a whole file into the table (the one-thread paths). */
function toTable(file: string, chunk: Chunk): CsvTable {
  const { header, rows, builders } = chunk;
  const columns = new Map<string, Column>();
  const integerColumns = new Set<string>();
  header.forEach((name, c) => {
    const b = builders[c];
    if (b.strings) {
      columns.set(name, { kind: 'categorical', values: b.strings });
    } else {
      columns.set(name, { kind: 'numerical', values: b.numbers.subarray(0, rows) });
      if (b.integer && rows > 0) integerColumns.add(name);
    }
  });
  return { file, header, rows, columns, integerColumns };
}

/** Parses a whole CSV text on this thread. */
export function parseCsvText(text: string, file: string, kinds: ReadonlyMap<string, ColumnKind> = new Map()): CsvTable {
  const chunk = parseChunk(text, file, kinds);
  const { builders } = chunk;
  const needReparse = builders.map((b, c) => (b.reparse ? c : -1)).filter((c) => c >= 0);
  if (needReparse.length > 0) {
    for (const c of needReparse) builders[c].strings = [];
    parseText(text, file, () => undefined, (row) => {
      for (const c of needReparse) {
        const s = row[c];
        builders[c].strings!.push(isMissing(s) ? null : s);
      }
    });
  }
  return toTable(file, chunk);
}

// ---------------------------------------------------------------------------------------------------------
// Two threads for a large file.

/** Files from this size up are parsed by two threads (below it a worker's start-up costs more than it saves). */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/** One column of a half, as it crosses the thread boundary (buffers transferred, not copied). */
type PartColumn =
  | { kind: 'numerical'; values: Float64Array; sorted: Float64Array; integer: boolean }
  | { kind: 'categorical'; dictValue: (string | null)[]; dictCount: number[]; codes: Uint8Array; strings?: (string | null)[] }
  | { kind: 'categorical'; strings: (string | null)[] }
  | { kind: 'mixed' };

interface PartResult {
  readonly rows?: number;
  readonly columns?: PartColumn[];
  /** A parse error (its message names the file, row and column). */
  readonly error?: string;
  /** The worker could not start or failed outside parsing: this thread parses the file instead. */
  readonly crash?: string;
  /** The part has a quote: the file takes the papaparse path. */
  readonly quoted?: boolean;
}

interface PartJob {
  readonly file: string;
  /** Byte range of the file to parse (from a line start to the end of the file). */
  readonly start: number;
  readonly end: number;
  readonly header: string[];
  readonly firstLine: number;
  readonly kinds: [string, ColumnKind][];
}

/**
 * A chunk's columns in their transferable form (numerical ones sorted here, on the chunk's thread). Interned
 * categorical columns cross as codes; `local` (the chunk stays on this thread) keeps their strings as well.
 */
function partColumns(chunk: Chunk, local: boolean): PartColumn[] {
  return chunk.builders.map((b): PartColumn => {
    if (b.reparse) return { kind: 'mixed' };
    if (b.strings) {
      if (!b.dictText) return { kind: 'categorical', strings: b.strings };
      const codes = b.codes!.subarray(0, chunk.rows);
      return { kind: 'categorical', dictValue: b.dictValue, dictCount: b.dictCount, codes, ...(local ? { strings: b.strings } : {}) };
    }
    const values = b.numbers.subarray(0, chunk.rows);
    return { kind: 'numerical', values, sorted: sortedFinite(values), integer: b.integer };
  });
}

/** The worker's side: parses one part of a file. Exported for the worker thread only. */
export function parsePart(job: PartJob): { result: PartResult; transfer: ArrayBuffer[] } {
  try {
    const fd = fs.openSync(job.file, 'r');
    let buf: Buffer;
    try {
      buf = readAt(fd, job.start, job.end - job.start);
    } finally {
      fs.closeSync(fd);
    }
    if (buf.includes(0x22)) return { result: { quoted: true }, transfer: [] };
    const text = buf.toString('utf8');
    const chunk = parseChunk(text, job.file, new Map(job.kinds), { header: job.header, firstLine: job.firstLine });
    const columns = partColumns(chunk, false);
    const transfer: ArrayBuffer[] = [];
    for (const c of columns) {
      if (c.kind === 'numerical') transfer.push(c.values.buffer as ArrayBuffer, c.sorted.buffer as ArrayBuffer);
      else if ('codes' in c) transfer.push(c.codes.buffer as ArrayBuffer);
    }
    return { result: { rows: chunk.rows, columns }, transfer: [...new Set(transfer)] };
  } catch (err) {
    return { result: { error: (err as Error).message }, transfer: [] };
  }
}

/**
 * The worker thread's bootstrap: loads this module and serves jobs. In a checkout the module is TypeScript: it is
 * transpiled by SWC directly when installed (this module and column.ts only need type stripping; loading ts-node
 * and TypeScript would cost ~0.2 s on the first file's critical path), else through ts-node.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, modulePath, tsNode, swc, project } = workerData;
const done = (result, transfer) => {
  port.postMessage(result, transfer);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
};
let csv;
try {
  if (swc) {
    const { transformSync } = require(swc);
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) => {
      const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
      module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
    };
  } else if (tsNode) {
    require(tsNode).register({ transpileOnly: true, project });
  }
  csv = require(modulePath);
} catch (err) {
  port.on('message', () => done({ crash: String(err && err.message || err) }, []));
}
if (csv) port.on('message', (job) => {
  let out;
  try { out = csv.parsePart(job); } catch (err) { out = { result: { crash: String(err && err.message || err) }, transfer: [] }; }
  done(out.result, out.transfer);
});
`;

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

let helper: Helper | undefined;
let helperFailed = false;

function resolveOptional(id: string): string | undefined {
  try {
    return require.resolve(id);
  } catch {
    return undefined;
  }
}

/** The one helper thread, started on first use and kept (unref'd: it never keeps the process alive). */
function getHelper(): Helper | undefined {
  if (helper || helperFailed) return helper;
  try {
    const modulePath = __filename;
    const ts = modulePath.endsWith('.ts');
    const swc = ts ? resolveOptional('@swc/core') : undefined;
    const tsNode = ts && !swc ? resolveOptional('ts-node') : undefined;
    if (ts && !swc && !tsNode) throw new Error('neither @swc/core nor ts-node is installed');
    const project = path.resolve(__dirname, '..', '..', 'tsconfig.json');
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2, signal, modulePath, tsNode, swc, project: fs.existsSync(project) ? project : undefined,
      },
      transferList: [port2],
    });
    worker.on('error', () => {
      helperFailed = true;
    });
    worker.unref();
    port1.unref();
    helper = { worker, port: port1, signal };
  } catch {
    helperFailed = true;
  }
  return helper;
}

/** Merges two ascending arrays. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  if (i < a.length) out.set(a.subarray(i), k);
  else out.set(b.subarray(j), k);
  return out;
}

/**
 * Joins two halves. Undefined when they disagree on a column's kind (or a half re-read a column as text):
 * then the caller parses the whole file on one thread.
 */
interface Part {
  readonly rows: number;
  readonly columns: PartColumn[];
}

function joinParts(file: string, header: string[], a: Part, b: Part): CsvTable | undefined {
  const rows = a.rows + b.rows;
  const columns = new Map<string, Column>();
  const integerColumns = new Set<string>();
  for (let c = 0; c < header.length; c++) {
    const x = a.columns[c];
    const y = b.columns[c];
    if (x.kind === 'mixed' || y.kind === 'mixed') return undefined;
    if (x.kind === 'numerical' && y.kind === 'numerical') {
      const values = new Float64Array(rows);
      values.set(x.values, 0);
      values.set(y.values, a.rows);
      columns.set(header[c], { kind: 'numerical', values, sorted: mergeSorted(x.sorted, y.sorted) });
      if (x.integer && y.integer && rows > 0) integerColumns.add(header[c]);
      continue;
    }
    if (x.kind !== 'categorical' || y.kind !== 'categorical') return undefined;
    const values: (string | null)[] = x.strings ?? [];
    if (!x.strings && 'codes' in x) for (let i = 0; i < x.codes.length; i++) values.push(x.dictValue[x.codes[i]]);
    if ('codes' in y) {
      const { codes, dictValue } = y;
      for (let i = 0; i < codes.length; i++) values.push(dictValue[codes[i]]);
    } else {
      for (const v of y.strings) values.push(v);
    }
    const counts = new Map<string, number>();
    let countsKnown = true;
    for (const part of [x, y]) {
      if ('codes' in part) {
        part.dictValue.forEach((v, k) => {
          if (v !== null) counts.set(v, (counts.get(v) ?? 0) + part.dictCount[k]);
        });
      } else {
        countsKnown = false;
      }
    }
    columns.set(header[c], countsKnown ? { kind: 'categorical', values, counts } : { kind: 'categorical', values });
  }
  return { file, header, rows, columns, integerColumns };
}

export interface ReadOptions {
  /** Size from which the file is parsed by two threads. @default PARALLEL_MIN_BYTES */
  readonly parallelMinBytes?: number;
}

/**
 * Reads a CSV into columns. `kinds` forces a column's kind; forcing `numerical` on a column with a
 * non-numeric value is an error naming the file, row, column and value. Large quote-free files are parsed
 * by two threads and come back with their numerical columns also sorted (`sorted`) and their categorical
 * columns counted (`counts`), which the statistics then reuse.
 */
export function readCsv(file: string, kinds: ReadonlyMap<string, ColumnKind> = new Map(), opts: ReadOptions = {}): CsvTable {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const whole = (): CsvTable => parseCsvText(fs.readFileSync(file, 'utf8'), file, kinds);
  if (fs.statSync(file).size < Math.max(opts.parallelMinBytes ?? PARALLEL_MIN_BYTES, 1)) return whole();
  // The helper starts (or is there) before this thread reads; a fresh one gets less of the file, as its
  // start-up (loading this module) comes first.
  const fresh = helper === undefined;
  const h = getHelper();
  if (!h) return whole();
  const fd = fs.openSync(file, 'r');
  let first: { text: string; headerEnd: number; firstLine: number; end: number; size: number } | undefined;
  try {
    first = firstPart(fd, fresh ? FIRST_SHARE_FRESH : FIRST_SHARE);
  } finally {
    fs.closeSync(fd);
  }
  if (!first) return whole();
  // The first part (header included) is parsed here; its errors come first, as they are earlier in the file.
  const header = first.text.slice(0, first.headerEnd).replace(/\r$/, '').split(',').map((x) => x.trim());
  checkHeader(header, file);
  const job: PartJob = { file, start: first.end, end: first.size, header, firstLine: first.firstLine, kinds: [...kinds] };
  // Post before parsing: the worker reads and parses the rest while this thread parses the first part.
  Atomics.store(h.signal, 0, 0);
  h.port.postMessage(job);
  let part: Part | undefined;
  let firstError: Error | undefined;
  const size = first.size;
  try {
    const chunk = parseChunk(first.text, file, kinds);
    first = undefined; // the text can go before the join
    part = { rows: chunk.rows, columns: partColumns(chunk, true) };
  } catch (err) {
    firstError = err as Error;
  }
  const rest = awaitHelper(h, 60_000 + size / 1000);
  if (firstError) throw firstError;
  if (rest.error) throw new Error(rest.error);
  if (rest.crash || rest.quoted || !rest.columns) return whole();
  return joinParts(file, header, part!, { rows: rest.rows!, columns: rest.columns }) ?? whole();
}

/**
 * Share of the file this thread parses: half, since the join (copies, merges) starts when both parts are
 * done; more while the helper is starting (bench/drift.ts: the main thread waited ~0.3 s for a fresh helper).
 */
const FIRST_SHARE = 0.5;
const FIRST_SHARE_FRESH = 0.56;

/** Reads `length` bytes at `position` (a short read only at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got < length ? buf.subarray(0, got) : buf;
}

/**
 * The part of a file this thread parses: from the start to the newline after `share` of the size, decoded,
 * with the header line's end and the file line number the rest starts at. Undefined when the one-thread path
 * applies: a quote in this part, no header, or no line break after the split point.
 */
function firstPart(fd: number, share: number): { text: string; headerEnd: number; firstLine: number; end: number; size: number } | undefined {
  const size = fs.fstatSync(fd).size;
  // The split: the first newline at or after `share` of the file.
  const from = Math.floor(size * share);
  let end = -1;
  for (let at = from; at < size && end < 0; at += 1 << 16) { // eslint-disable-line no-bitwise
    const i = readAt(fd, at, 1 << 16).indexOf(0x0a); // eslint-disable-line no-bitwise
    if (i >= 0) end = at + i + 1;
  }
  if (end < 0 || end >= size) return undefined;
  const buf = readAt(fd, 0, end);
  if (buf.length < end || buf.includes(0x22)) return undefined;
  // The header: the first non-empty line.
  let headerEnd = -1;
  for (let pos = 0; pos < end;) {
    let stop = buf.indexOf(0x0a, pos);
    if (stop === -1) stop = end;
    const content = stop > pos && buf[stop - 1] === 0x0d ? stop - 1 : stop;
    if (content > pos) {
      headerEnd = stop;
      break;
    }
    pos = stop + 1;
  }
  // A header ending at the split leaves no data row here; one thread is as good.
  if (headerEnd < 0 || headerEnd + 1 >= end) return undefined;
  let firstLine = 1;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) firstLine++;
  return { text: buf.toString('utf8'), headerEnd, firstLine, end, size };
}

/** Blocks until the helper answers the job already posted (or gives up after the timeout). */
function awaitHelper(h: Helper, timeoutMs: number): PartResult {
  const waited = Atomics.wait(h.signal, 0, 0, timeoutMs);
  const msg = receiveMessageOnPort(h.port);
  if (waited === 'timed-out' || !msg) {
    void h.worker.terminate();
    helper = undefined;
    helperFailed = true;
    return { crash: `no answer from the CSV worker thread in ${timeoutMs} ms` };
  }
  return msg.message as PartResult;
}
