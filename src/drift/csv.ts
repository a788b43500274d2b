import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import Papa from 'papaparse';
import { Column, ColumnKind } from './stats/column';

/**
 * CSV with a header → typed columns, one pass, no row objects kept. Numerical columns go straight into
 * Float64Arrays; a column is numerical when every non-missing value parses as a number, else categorical;
 * `kinds` overrides the detection. Missing values: empty, NA, N/A, NaN, nan, null, NULL, None, #N/A (like
 * pandas' defaults).
 *
 * The delimiter is `--delimiter` when given, else sniffed from the first lines (quotes respected, like Python's
 * csv.Sniffer): the first of `,` `;` tab `|` that splits every sampled line into the same number (> 1) of fields.
 * Both paths then use that one delimiter, so a file gets the same columns with or without quotes in it.
 *
 * Two paths, one result:
 * - quoted fields anywhere: papaparse (with the delimiter fixed, never its own guess), one row at a time;
 * - no quote (the common case): one pass over the file's bytes (no decoded copy of the file): plain decimals
 *   are parsed while their field is scanned (no substring, no `Number()`), the texts of low-cardinality
 *   categorical columns are interned (compared in place; one string per distinct value, not one per row), and
 *   only other fields are decoded (UTF-8) and parsed like papaparse's values.
 *
 * One thread on purpose: parsing each half of a file in a worker thread and joining the halves was measured
 * slower on the 2-CPU machine this runs on (bench/drift.ts, docs/drift.md).
 */

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A', 'n/a', '-NaN', '-nan']);

export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: number;
  readonly columns: ReadonlyMap<string, Column>;
  /** Numerical columns whose values are all whole numbers written without a decimal point, none missing (pandas int64). */
  readonly integerColumns: ReadonlySet<string>;
  /** The delimiter the file was read with (given or sniffed). */
  readonly delimiter?: string;
}

/** Delimiters the sniffer tries, in order of preference. */
export const SNIFFED_DELIMITERS = [',', ';', '\t', '|'] as const;

/** How the delimiter reads in a message (a tab is invisible). */
export const delimiterName = (d: string): string => (d === '\t' ? 'tab' : `"${d}"`);

/**
 * The delimiter of a CSV text from its first records (up to 64 KiB, 50 records): the first of
 * {@link SNIFFED_DELIMITERS} that gives every sampled record the same field count, above 1. Quotes are
 * respected (a delimiter or newline inside quotes does not count). When none is consistent, the one that splits
 * the header most (so the ragged row is reported with its line); a single column reads as `,`.
 */
export function sniffDelimiter(text: string): string {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  const truncated = sample.length < text.length;
  const counts: number[][] = []; // per record, per candidate: delimiters outside quotes
  let current = SNIFFED_DELIMITERS.map(() => 0);
  let quoted = false;
  let blank = true;
  for (let i = 0; i < sample.length && counts.length < 50; i++) {
    const ch = sample[i];
    if (ch === '"') {
      quoted = !quoted; // "" inside a quoted field toggles twice
      blank = false;
    } else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (!blank) counts.push(current);
      current = SNIFFED_DELIMITERS.map(() => 0);
      blank = true;
    } else {
      const k = quoted ? -1 : SNIFFED_DELIMITERS.indexOf(ch as (typeof SNIFFED_DELIMITERS)[number]);
      if (k >= 0) current[k]++;
      if (ch !== ' ') blank = false;
    }
  }
  // The last record counts only when the sample holds all of it.
  if (!blank && !truncated && counts.length < 50) counts.push(current);
  if (counts.length === 0) return ',';
  const consistent = SNIFFED_DELIMITERS.findIndex((_, k) => counts[0][k] > 0 && counts.every((r) => r[k] === counts[0][k]));
  if (consistent >= 0) return SNIFFED_DELIMITERS[consistent];
  let best = 0;
  SNIFFED_DELIMITERS.forEach((_, k) => {
    if (counts[0][k] > counts[0][best]) best = k;
  });
  return SNIFFED_DELIMITERS[best];
}

/** Checks a `--delimiter` value: one character, not a quote or a line break; `tab` and `\t` name the tab. */
export function parseDelimiter(value: string): string {
  const d = value === 'tab' || value === '\\t' ? '\t' : value;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r' || d.charCodeAt(0) > 127) {
    throw new Error(`--delimiter must be one ASCII character (e.g. , ; | or tab), got "${value}"`);
  }
  return d;
}

/** Options of the reader. */
export interface CsvOptions {
  /** The field delimiter; sniffed from the first lines when unset. */
  readonly delimiter?: string;
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
  /** The UTF-8 bytes of each interned text (what the scanner compares). */
  dictBytes: Uint8Array[];
}

/** Papaparse's error codes in words (its own messages talk about rows it counts differently). */
const PAPA_ERRORS: Record<string, string> = {
  MissingQuotes: 'a quoted field is not closed (unterminated quote)',
  InvalidQuotes: 'a quote inside an unquoted field (quote the whole field and double the quote)',
};

/**
 * Quoted CSV through papaparse, one record at a time, with the delimiter fixed. `line` is the file line the
 * record starts on (1-based; a quoted field may span lines), for the errors.
 */
function parseText(
  text: string, file: string, delimiter: string,
  onHeader: (h: string[]) => void, onRow: (row: string[], line: number) => void,
): void {
  let header: string[] | undefined;
  let failure: Error | undefined;
  let counted = 0; // text before this position has had its newlines counted
  let newlines = 0;
  let prevCursor = 0;
  const lineAt = (pos: number): number => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) newlines++;
    counted = Math.max(counted, pos);
    return newlines + 1;
  };
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: true,
    step: (result, parser) => {
      let start = prevCursor;
      while (start < text.length && (text[start] === '\n' || text[start] === '\r')) start++;
      prevCursor = result.meta.cursor;
      const line = lineAt(start);
      if (result.errors.length > 0) {
        const e = result.errors[0];
        failure = new Error(`${file}: line ${line}: ${PAPA_ERRORS[e.code] ?? e.message}`);
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
        failure = new Error(`${file}: line ${line} has ${row.length} fields, the header has ${header.length} (delimiter ${delimiterName(delimiter)})`);
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
 * The row scanner applies the same rule inline, on bytes; this string form is the reference the tests check.
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
function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
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

/** The parsed rows: the builders before they become columns. */
interface Chunk {
  readonly header: string[];
  readonly rows: number;
  readonly builders: Builder[];
}

/** Starts interning a categorical column (fast path only). */
function startDictionary(b: Builder): void {
  b.dictText = [];
  b.dictValue = [];
  b.dictBytes = [];
}

/**
 * Parses CSV bytes into column builders (a column switched to text after numbers is marked for a second pass).
 * `text` gives the decoded text, for the papaparse path (quotes).
 */
function parseChunk(bytes: Buffer, text: () => string, file: string, kinds: ReadonlyMap<string, ColumnKind>, delimiter: string): Chunk {
  const sep = delimiter.charCodeAt(0); // ASCII (parseDelimiter, sniffDelimiter): never inside a UTF-8 sequence
  const capacity = countLines(bytes);
  const fast = !bytes.includes(0x22);
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
        dictBytes: [],
      };
      if (b.strings && fast) startDictionary(b);
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
      if (b.forced) throw new Error(`${file}: line ${line}, column "${header[c]}" is declared numerical but holds "${s}"`);
      b.kind = 'categorical';
      b.strings = [];
      // The rows before were numbers: read the column again as text. Missing values only (NaN): they stay missing.
      let onlyMissing = true;
      for (let r = 0; r < rows && onlyMissing; r++) if (!Number.isNaN(b.numbers[r])) onlyMissing = false;
      b.reparse = !onlyMissing;
      if (!b.reparse) {
        for (let r = 0; r < rows; r++) b.strings.push(null);
        if (fast) {
          startDictionary(b);
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
      b.strings!.push(isMissing(s) ? null : s);
      return;
    }
    const value = isMissing(s) ? null : s;
    d.push(s);
    b.dictValue.push(value);
    b.dictBytes.push(Buffer.from(s, 'utf8'));
    b.strings!.push(value);
  };
  if (!fast) {
    // Quoted fields: papaparse, one row at a time.
    parseText(text(), file, delimiter, onHeader, (row, line) => {
      for (let c = 0; c < builders.length; c++) consume(c, row[c], line);
      rows++;
    });
  } else {
    // No quote anywhere: every delimiter separates and every newline ends a row, so the fields are
    // read straight out of the bytes (papaparse's "fast mode" rule, without a row array per line).
    // The delimiter, CR and LF are ASCII: in UTF-8 they never occur inside a multi-byte character.
    const n = bytes.length;
    let pos = 0;
    let line = 0;
    // The header: the first non-empty line.
    while (pos < n && builders.length === 0) {
      let end = bytes.indexOf(0x0a, pos);
      if (end === -1) end = n;
      const stop = end > pos && bytes[end - 1] === 13 ? end - 1 : end; // CRLF
      line++;
      if (stop > pos) onHeader(bytes.toString('utf8', pos, stop).split(delimiter).map((x) => x.trim()));
      pos = end + 1;
    }
    if (builders.length === 0) throw new Error(`${file}: empty CSV (no header)`);
    scanRows(pos, line);
  }

  /**
   * The data rows of quote-free CSV in one pass over the bytes: a plain decimal (what {@link fastDecimal}
   * accepts) is parsed while its field is scanned, an interned categorical text is compared in place, anything
   * else is decoded and goes through `consume`. A field ends at the delimiter, a newline, or a CR before a newline
   * (or the end): the same fields the per-line split gives, with the same errors.
   */
  function scanRows(from: number, lineBefore: number): void {
    const src = bytes; // a local for the hot loop
    const n = src.length;
    const width = builders.length;
    let pos = from;
    let line = lineBefore;
    let row = rows; // a local for the hot loop; `rows` is written back before `consume` reads it
    while (pos < n) {
      line++;
      let ch = src[pos];
      if (ch === 10) {
        pos++;
        continue;
      }
      if (ch === 13 && (pos + 1 === n || src[pos + 1] === 10)) {
        pos += 2;
        continue;
      }
      let c = 0;
      for (;;) {
        if (c >= width) throw new Error(`${file}: line ${line} has more than ${width} fields, the header has ${width} (delimiter ${delimiterName(delimiter)})`);
        const b = builders[c];
        const start = pos;
        let i = pos;
        let end = -1;
        if (!b.strings) {
          let neg = false;
          ch = i < n ? src[i] : -1;
          if (ch === 45 || ch === 43) {
            neg = ch === 45;
            ch = ++i < n ? src[i] : -1;
          }
          let mant = 0;
          let digits = 0;
          let frac = 0;
          let dot = false;
          while (ch >= 48 && ch <= 57) {
            mant = mant * 10 + (ch - 48);
            digits++;
            ch = ++i < n ? src[i] : -1;
          }
          if (ch === 46) {
            dot = true;
            ch = ++i < n ? src[i] : -1;
            while (ch >= 48 && ch <= 57) {
              mant = mant * 10 + (ch - 48);
              frac++;
              ch = ++i < n ? src[i] : -1;
            }
            digits += frac;
          }
          if (digits > 0 && digits <= 15 && (ch === sep || ch === 10 || ch === -1 || (ch === 13 && (i + 1 === n || src[i + 1] === 10)))) {
            const v = frac === 0 ? mant : mant / POW10[frac];
            b.numbers[row] = neg ? -v : v;
            // Without a dot the digits are a whole number; with one ("3.0") pandas reads a float.
            if (dot) b.integer = false;
            end = i;
          }
        } else {
          i = start;
        }
        if (end < 0) {
          for (; i < n; i++) {
            const d = src[i];
            if (d === sep || d === 10 || (d === 13 && (i + 1 === n || src[i + 1] === 10))) break;
          }
          end = i;
          const dict = b.dictText;
          if (dict) {
            // Interned categorical: compare the field with the texts seen so far, without slicing it.
            const len = end - start;
            let k = 0;
            const known = b.dictBytes;
            for (; k < known.length; k++) {
              const t = known[k];
              if (t.length !== len) continue;
              let j = 0;
              while (j < len && t[j] === src[start + j]) j++;
              if (j === len) break;
            }
            if (k < dict.length) {
              b.strings!.push(b.dictValue[k]);
            } else {
              intern(b, src.toString('utf8', start, end));
            }
          } else {
            rows = row;
            consume(c, src.toString('utf8', start, end), line);
          }
        }
        c++;
        const d = end < n ? src[end] : -1;
        if (d === sep) {
          pos = end + 1;
          continue;
        }
        if (c !== width) throw new Error(`${file}: line ${line} has ${c} fields, the header has ${width} (delimiter ${delimiterName(delimiter)})`);
        pos = d === 13 ? end + 2 : end + 1;
        break;
      }
      row++;
    }
    rows = row;
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

/** Parses a whole CSV text. */
export function parseCsvText(text: string, file: string, kinds: ReadonlyMap<string, ColumnKind> = new Map(), options: CsvOptions = {}): CsvTable {
  return parseCsvBytes(Buffer.from(text, 'utf8'), () => text, file, kinds, options);
}

function parseCsvBytes(bytes: Buffer, decode: () => string, file: string, kinds: ReadonlyMap<string, ColumnKind>, options: CsvOptions): CsvTable {
  let decoded: string | undefined;
  const text = () => (decoded ??= decode());
  const delimiter = options.delimiter ?? sniffDelimiter(bytes.toString('utf8', 0, Math.min(bytes.length, 65537)));
  const chunk = parseChunk(bytes, text, file, kinds, delimiter);
  const { builders } = chunk;
  const needReparse = builders.map((b, c) => (b.reparse ? c : -1)).filter((c) => c >= 0);
  if (needReparse.length > 0) {
    for (const c of needReparse) builders[c].strings = [];
    parseText(text(), file, delimiter, () => undefined, (row) => {
      for (const c of needReparse) {
        const s = row[c];
        builders[c].strings!.push(isMissing(s) ? null : s);
      }
    });
  }
  return { ...toTable(file, chunk), delimiter };
}

/** Reads a CSV file into columns (see {@link parseCsvText}). */
export function readCsv(file: string, kinds: ReadonlyMap<string, ColumnKind> = new Map(), options: CsvOptions = {}): CsvTable {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new Error(`${file}: is a directory, not a CSV file`);
  // The scanner reads the bytes; the whole text is decoded only for papaparse (quotes) or a second pass.
  const buf = fs.readFileSync(file);
  return parseCsvBytes(buf, () => (isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8')), file, kinds, options);
}

/** Levenshtein distance, case-insensitive (column names are short: a plain two-row table). */
function editDistance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

/** The existing name closest to a misspelled one, when it is close (at most a third of its letters differ, min 2). */
export function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

/**
 * Checks that a column a flag names is in the table.
 * @throws Error naming the flag, the unknown name, the closest existing column and the file's columns
 */
export function requireColumn(table: CsvTable, flag: string, name: string): void {
  if (table.columns.has(name)) return;
  const near = closestName(name, table.header);
  throw new Error(`${flag} column "${name}" is not in ${table.file}${near ? ` (did you mean "${near}"?)` : ''}; its columns: ${table.header.join(', ')}`);
}

/**
 * Checks that the two files have the same columns (order aside), except `optional` ones (labels the reference
 * may lack). @throws Error naming the columns only one of them has
 */
export function requireSameColumns(reference: CsvTable, current: CsvTable, optional: ReadonlySet<string>): void {
  const onlyIn = (a: CsvTable, b: CsvTable) => a.header.filter((c) => !optional.has(c) && !b.columns.has(c));
  const [onlyRef, onlyCur] = [onlyIn(reference, current), onlyIn(current, reference)];
  if (onlyRef.length + onlyCur.length === 0) return;
  const parts = [
    onlyRef.length ? `only ${reference.file} has ${onlyRef.map((c) => `"${c}"`).join(', ')}` : '',
    onlyCur.length ? `only ${current.file} has ${onlyCur.map((c) => `"${c}"`).join(', ')}` : '',
  ].filter(Boolean);
  const delims = reference.delimiter !== current.delimiter
    ? ` (read with delimiters ${delimiterName(reference.delimiter ?? ',')} and ${delimiterName(current.delimiter ?? ',')}; --delimiter sets one)` : '';
  throw new Error(`the reference and current files have different columns: ${parts.join('; ')}${delims}`);
}
