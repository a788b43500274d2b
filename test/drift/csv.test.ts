import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fastDecimal, parseCsvText, readCsv } from '../../src/drift/csv';

describe('CSV loading', () => {
  const text = [
    'age,income,region,flag,label',
    '30,1000.5,north,1,0',
    '41,,south,0,1',
    'NA,2000,,1,1',
    '55,inf,east,0,0',
    '',
  ].join('\n');

  it('detects kinds, missing values and integer columns', () => {
    const t = parseCsvText(text, 'a.csv');
    expect(t.rows).toBe(4);
    expect(t.header).toEqual(['age', 'income', 'region', 'flag', 'label']);
    const age = t.columns.get('age')!;
    expect(age.kind).toBe('numerical');
    expect([...(age.values as Float64Array)]).toEqual([30, 41, NaN, 55]);
    expect([...(t.columns.get('income')!.values as Float64Array)]).toEqual([1000.5, NaN, 2000, Infinity]);
    expect(t.columns.get('region')).toEqual({ kind: 'categorical', values: ['north', 'south', null, 'east'] });
    expect([...t.integerColumns].sort()).toEqual(['flag', 'label']);
  });

  it('quoted and unquoted input give the same columns (papaparse path and fast path), CRLF included', () => {
    const quoted = text.replace('north', '"north"').replace(/\n/g, '\r\n');
    expect(parseCsvText(quoted, 'q.csv').columns).toEqual(parseCsvText(text, 'a.csv').columns);
    const comma = parseCsvText('name,x\n"a,b",1\nc,2\n', 'c.csv');
    expect(comma.columns.get('name')).toEqual({ kind: 'categorical', values: ['a,b', 'c'] });
  });

  it('a column that turns out textual after numbers is re-read as text, keeping "01" as written', () => {
    const t = parseCsvText('code,x\n01,1\n2,2\nB7,3\n', 'm.csv');
    expect(t.columns.get('code')).toEqual({ kind: 'categorical', values: ['01', '2', 'B7'] });
  });

  it('kind overrides: categorical keeps text; numerical on text is an error naming row, column and value', () => {
    const t = parseCsvText('zip,x\n01000,1\n02000,2\n', 'z.csv', new Map([['zip', 'categorical']]));
    expect(t.columns.get('zip')).toEqual({ kind: 'categorical', values: ['01000', '02000'] });
    expect(() => parseCsvText('v\n1\nabc\n', 'n.csv', new Map([['v', 'numerical']]))).toThrow(
      'n.csv: line 3, column "v" is declared numerical but holds "abc"',
    );
  });

  it('clear errors: empty file, ragged rows, duplicate header', () => {
    expect(() => parseCsvText('', 'e.csv')).toThrow('e.csv: empty CSV (no header)');
    expect(() => parseCsvText('a,b\n1,2\n3\n', 'r.csv')).toThrow('r.csv: line 3 has 1 fields, the header has 2');
    expect(() => parseCsvText('a,b\n1,2,3\n', 'r.csv')).toThrow('r.csv: line 2 has more than 2 fields, the header has 2');
    expect(() => parseCsvText('a,a\n1,2\n', 'd.csv')).toThrow('d.csv: the header names column "a" twice');
  });

  it('a header without rows gives zero rows (the analysis then names the empty file)', () => {
    expect(parseCsvText('a,b\n', 'h.csv').rows).toBe(0);
  });
});

describe('fast decimal path', () => {
  it('gives exactly the double Number() gives, or defers to it', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const samples = ['0', '-0', '+7', '1.', '.5', '-.25', '007', '123456789012345', '1234567890123456', '0.1', '0.30000000000000004',
      '1e5', '-', '.', '', '1.2.3', '12a', 'Infinity', '999999999999999.9'];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(next() * 16);
      let str = '';
      for (let d = 0; d < digits; d++) str += String(Math.floor(next() * 10));
      const dot = Math.floor(next() * (digits + 1));
      samples.push(`${next() < 0.3 ? '-' : ''}${str.slice(0, dot)}${next() < 0.8 ? '.' : ''}${str.slice(dot)}`);
    }
    for (const s of samples) {
      const fast = fastDecimal(s, 0, s.length);
      if (fast === undefined) continue;
      if (!Object.is(fast, Number(s))) throw new Error(`"${s}": fast ${fast} vs Number ${Number(s)}`);
    }
    expect(fastDecimal('1e5', 0, 3)).toBeUndefined();
    expect(fastDecimal('1234567890123456', 0, 16)).toBeUndefined();
    expect(fastDecimal('x,12.5,y', 2, 6)).toBe(12.5);
  });
});

describe('one-pass decimal parsing inside rows', () => {
  it('every field parses to the double Number() gives, in any column position and line ending', () => {
    let seed = 777;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const fields: string[] = ['0', '-0', '+7', '1.', '.5', '-.25', '007', '123456789012345', '1234567890123456', '1e5', '-1.5E-3',
      '999999999999999.9', '0.30000000000000004', '12345678901234567890', 'inf', '-Infinity', ' 42'];
    for (let i = 0; i < 3000; i++) {
      const digits = 1 + Math.floor(next() * 17);
      let str = '';
      for (let d = 0; d < digits; d++) str += String(Math.floor(next() * 10));
      const dot = Math.floor(next() * (digits + 1));
      fields.push(`${next() < 0.3 ? '-' : ''}${str.slice(0, dot)}${next() < 0.8 ? '.' : ''}${str.slice(dot)}`);
    }
    const rows: string[] = [];
    for (let i = 0; i + 2 < fields.length; i += 3) rows.push(`${fields[i]},${fields[i + 1]},${fields[i + 2]}`);
    const used = rows.length * 3;
    for (const eol of ['\n', '\r\n']) {
      const t = parseCsvText(`a,b,c${eol}${rows.join(eol)}${eol}`, 'd.csv');
      const got = ['a', 'b', 'c'].map((n) => t.columns.get(n)!.values as Float64Array);
      for (let i = 0; i < used; i++) {
        const want = fields[i].trim().toLowerCase() === 'inf' ? Infinity : Number(fields[i]);
        if (!Object.is(got[i % 3][Math.floor(i / 3)], want)) throw new Error(`"${fields[i]}": ${got[i % 3][Math.floor(i / 3)]} vs ${want}`);
      }
    }
  });

  it('a trailing comma is an empty last field; a lone CR inside a field is text', () => {
    const t = parseCsvText('a,b\n1,\n2,3', 't.csv');
    expect([...(t.columns.get('b')!.values as Float64Array)]).toEqual([NaN, 3]);
    expect(parseCsvText('a,b\n1,x\ry\n', 'cr.csv').columns.get('b')).toEqual({ kind: 'categorical', values: ['x\ry'] });
  });

  it('a column with only missing values before its first text is text, those rows missing (fast and papaparse paths)', () => {
    const want = { kind: 'categorical', values: [null, null, 'north', null] };
    expect(parseCsvText('r,x\n,1\nNA,2\nnorth,3\nNA,4\n', 'm.csv').columns.get('r')).toEqual(want);
    expect(parseCsvText('r,x\n,1\nNA,2\n"north",3\nNA,4\n', 'q.csv').columns.get('r')).toEqual(want);
  });

  it('categorical texts are interned up to 255 distinct values, then stored one per row, with the same values', () => {
    const values = Array.from({ length: 600 }, (_, i) => (i % 7 === 0 ? 'NA' : `v${i % 300}`));
    const t = parseCsvText(`k,x\n${values.map((v, i) => `${v},${i}`).join('\n')}\n`, 'i.csv');
    expect(t.columns.get('k')).toEqual({ kind: 'categorical', values: values.map((v) => (v === 'NA' ? null : v)) });
  });
});

describe('readCsv', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-csv-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a file like parseCsvText reads its text, and names a missing file', () => {
    const lines = ['id,score,region'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},${i % 97 === 0 ? 'NA' : ((i * 37) % 1000) / 8},${['north', 'south', ''][i % 3]}`);
    const text = `${lines.join('\r\n')}\r\n`;
    const file = path.join(dir, 'a.csv');
    fs.writeFileSync(file, text);
    const t = readCsv(file);
    expect(t.rows).toBe(3000);
    expect(t.columns).toEqual(parseCsvText(text, file).columns);
    expect(t.columns.get('region')!.values.slice(0, 3)).toEqual(['north', 'south', null]);
    expect(() => readCsv(path.join(dir, 'missing.csv'))).toThrow(/missing\.csv: no such file/);
  });

  it('decodes UTF-8 files as UTF-8 (ASCII ones take the Latin-1 shortcut)', () => {
    const file = path.join(dir, 'utf8.csv');
    fs.writeFileSync(file, 'city,x\nzürich,1\nsão paulo,2\n東京,3\nzürich,4\n');
    expect(readCsv(file).columns.get('city')).toEqual({ kind: 'categorical', values: ['zürich', 'são paulo', '東京', 'zürich'] });
  });
});
