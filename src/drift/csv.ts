import * as fs from 'node:fs';
import Papa from 'papaparse';
import { Column, ColumnKind } from './stats/column';

/**
 * CSV with a header → typed columns, parsed with papaparse one row at a time (no row objects kept):
 * numerical columns go straight into Float64Arrays. A column is numerical when every non-missing
 * value parses as a number, else categorical; `kinds` overrides the detection. Missing values:
 * empty, NA, N/A, NaN, nan, null, NULL, None, #N/A (like pandas' defaults).
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

interface Builder {
  kind: ColumnKind | undefined;
  forced: boolean;
  numbers: Float64Array;
  strings: (string | null)[] | undefined;
  integer: boolean;
  /** Detected categorical after some rows were stored as numbers: needs a second pass. */
  reparse: boolean;
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

/** Splits quote-free CSV text: header first, then each field of each non-empty line. */
function scanUnquoted(
  text: string,
  file: string,
  onHeader: (h: string[]) => void,
  widthOk: (width: number) => boolean,
  consume: (c: number, start: number, end: number, line: number) => void,
  endRow: () => void,
): void {
  let pos = 0;
  let line = 0;
  let width = -1;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--; // CRLF
    line++;
    if (stop > pos) {
      if (width < 0) {
        const h = text.slice(pos, stop).split(',').map((x) => x.trim());
        onHeader(h);
        width = h.length;
      } else {
        let c = 0;
        let start = pos;
        for (;;) {
          const comma = text.indexOf(',', start);
          const last = comma === -1 || comma >= stop;
          if (c >= width) {
            throw new Error(`${file}: row ${line} has more than ${width} fields, the header has ${width}`);
          }
          consume(c, start, last ? stop : comma, line);
          c++;
          if (last) break;
          start = comma + 1;
        }
        if (c !== width || !widthOk(c)) throw new Error(`${file}: row ${line} has ${c} fields, the header has ${width}`);
        endRow();
      }
    }
    pos = end + 1;
  }
  if (width < 0) throw new Error(`${file}: empty CSV (no header)`);
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Whether the last successful {@link fastDecimal} had a decimal point ("3.0" is a float column in pandas). */
let fastDecimalHadDot = false;

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
  fastDecimalHadDot = dot;
  const v = frac === 0 ? mant : mant / POW10[frac];
  return neg ? -v : v;
}

/** Counts data rows cheaply (newlines), to size the Float64Arrays once. An upper bound. */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n + 1;
}

/**
 * Reads a CSV into columns. `kinds` forces a column's kind; forcing `numerical` on a column with a
 * non-numeric value is an error naming the file, row, column and value.
 */
export function readCsv(file: string, kinds: ReadonlyMap<string, ColumnKind> = new Map()): CsvTable {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const text = fs.readFileSync(file, 'utf8');
  return parseCsvText(text, file, kinds);
}

export function parseCsvText(text: string, file: string, kinds: ReadonlyMap<string, ColumnKind> = new Map()): CsvTable {
  const capacity = countLines(text);
  let header: string[] = [];
  let builders: Builder[] = [];
  let rows = 0;
  const onHeader = (h: string[]) => {
    const seen = new Set<string>();
    for (const name of h) {
      if (!name) throw new Error(`${file}: the header has an empty column name`);
      if (seen.has(name)) throw new Error(`${file}: the header names column "${name}" twice`);
      seen.add(name);
    }
    header = h;
    builders = h.map((name) => {
      const forced = kinds.get(name);
      return {
        kind: forced,
        forced: forced !== undefined,
        numbers: forced === 'categorical' ? new Float64Array(0) : new Float64Array(capacity),
        strings: forced === 'categorical' ? [] : undefined,
        integer: true,
        reparse: false,
      };
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
      b.reparse = rows > 0;
      if (!b.reparse) b.strings.push(s);
      return;
    }
    b.numbers[rows] = v;
    if (b.integer && !isIntegerText(s, v)) b.integer = false;
  };
  if (text.includes('"')) {
    // Quoted fields: papaparse, one row at a time.
    parseText(text, file, onHeader, (row, line) => {
      for (let c = 0; c < builders.length; c++) consume(c, row[c], line);
      rows++;
    });
  } else {
    // No quote anywhere: every comma separates and every newline ends a row, so the fields are
    // sliced straight out of the text (papaparse's "fast mode" rule, without a row array per line).
    scanUnquoted(text, file, onHeader, (width) => width === builders.length, (c, start, end, line) => {
      const b = builders[c];
      if (!b.strings) {
        const v = fastDecimal(text, start, end);
        if (v !== undefined) {
          b.numbers[rows] = v;
          if (b.integer && (fastDecimalHadDot || !Number.isInteger(v))) b.integer = false;
          return;
        }
      }
      consume(c, text.slice(start, end), line);
    }, () => rows++);
  }
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
  const columns = new Map<string, Column>();
  const integerColumns = new Set<string>();
  header.forEach((name, c) => {
    const b = builders[c];
    if (b.strings) {columns.set(name, { kind: 'categorical', values: b.strings });} else {
      columns.set(name, { kind: 'numerical', values: b.numbers.subarray(0, rows) });
      if (b.integer && rows > 0) integerColumns.add(name);
    }
  });
  return { file, header, rows, columns, integerColumns };
}
