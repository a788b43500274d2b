import { fastDecimal, parseCsvText } from '../../src/drift/csv';

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
      'n.csv: row 3, column "v" is declared numerical but holds "abc"',
    );
  });

  it('clear errors: empty file, ragged rows, duplicate header', () => {
    expect(() => parseCsvText('', 'e.csv')).toThrow('e.csv: empty CSV (no header)');
    expect(() => parseCsvText('a,b\n1,2\n3\n', 'r.csv')).toThrow('r.csv: row 3 has 1 fields, the header has 2');
    expect(() => parseCsvText('a,b\n1,2,3\n', 'r.csv')).toThrow('r.csv: row 2 has more than 2 fields, the header has 2');
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
