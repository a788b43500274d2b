import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { closestName, parseCsvText, parseDelimiter, sniffDelimiter } from '../../src/drift/csv';

/**
 * Input that is what it claims (issue #19 item 4, ux review 2026-12-04 defect 6): the delimiter is sniffed
 * from the first lines whether or not the file has quotes (or set with --delimiter), malformed CSV names its
 * file and line, and every column a flag names must exist. The CLI part runs `analyze-drift` in process.
 */

describe('delimiter sniffing', () => {
  test.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'age;income\n1;2\n3;4\n'],
    [';', 'price;label\n"1,5";x\n"2,5";y\n'], // decimal commas inside quotes do not count
    [';', 'price;label\n1,5;x\n2,75;y\n'], // ragged commas, consistent semicolons (European export)
    ['\t', 'a\tb\n1\t2\n'],
    ['|', 'a|b|c\n1|2|3\n'],
    [',', 'a,b\n"x\ny",2\n3,4\n'], // a newline inside quotes does not end the record
    [',', 'single\n1\n2\n'], // one column
  ])('%j from %j', (expected, text) => {
    expect(sniffDelimiter(text)).toBe(expected);
  });

  test('a semicolon file with and without quotes gives the same columns (the two parser paths agree)', () => {
    const plain = parseCsvText('age;income\n1;2\n3;4\n', 'semi.csv');
    const quoted = parseCsvText('age;income\n"1";2\n3;4\n', 'semiq.csv');
    expect(plain.header).toEqual(['age', 'income']);
    expect(quoted.header).toEqual(['age', 'income']);
    expect([...plain.columns.get('income')!.values]).toEqual([2, 4]);
    expect([...quoted.columns.get('age')!.values]).toEqual([1, 3]);
    expect(plain.delimiter).toBe(';');
  });

  test('an explicit delimiter overrides the sniffer', () => {
    const t = parseCsvText('a;b,c\n1;2,3\n', 'x.csv', new Map(), { delimiter: ',' });
    expect(t.header).toEqual(['a;b', 'c']);
    expect(parseDelimiter('tab')).toBe('\t');
    expect(parseDelimiter('\\t')).toBe('\t');
    expect(() => parseDelimiter(';;')).toThrow('--delimiter must be one ASCII character');
    expect(() => parseDelimiter('"')).toThrow('--delimiter must be one ASCII character');
  });
});

describe('malformed CSV names the file and the line', () => {
  test('a short row (fast path)', () => {
    expect(() => parseCsvText('a;b\n1;2\n\n3\n', 'short.csv')).toThrow('short.csv: line 4 has 1 fields, the header has 2 (delimiter ";")');
  });
  test('a long row (quoted path), counted in file lines across a multi-line quoted field', () => {
    expect(() => parseCsvText('a,b\n"x\ny",2\n3,4\n5,6,7\n', 'long.csv')).toThrow('long.csv: line 5 has 3 fields, the header has 2');
  });
  test('an unterminated quote, not papaparse\'s delimiter warning', () => {
    let message = '';
    try {
      parseCsvText('age,income\n1,2\n"3,4\n5,6\n', 'quote.csv');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('quote.csv: line 3: a quoted field is not closed (unterminated quote)');
  });
});

test('closestName suggests a near column and nothing for a far one', () => {
  expect(closestName('regoin', ['age', 'income', 'region'])).toBe('region');
  expect(closestName('Income', ['age', 'income'])).toBe('income');
  expect(closestName('zzzzzz', ['age', 'income', 'region'])).toBeUndefined();
});

describe('analyze-drift in process', () => {
  let tmp: string;
  let stdout: string;
  let stderr: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-input-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => {
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  async function mlops(...args: string[]): Promise<number> {
    process.exitCode = undefined;
    await buildProgram().parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  }

  /** Reference: age 20–69, region north/south; current: age shifted by 40, region unchanged. */
  function write(name: string, sep: string, shifted: boolean): string {
    const lines = [['age', 'region', 'id'].join(sep)];
    for (let i = 0; i < 300; i++) lines.push([(i % 50) + 20 + (shifted ? 40 : 0), i % 2 ? 'north' : 'south', i].join(sep));
    const file = path.join(tmp, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  test('a ";" CSV without quotes gives its columns and finds the drift in "age"', async () => {
    const code = await mlops('analyze-drift', '--reference', write('ref.csv', ';', false), '--current', write('cur.csv', ';', true), '--ignore', 'id', '--offline', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.features.map((f: { name: string }) => f.name).sort()).toEqual(['age', 'region']);
    expect(report.affectedFeatures).toEqual(['age']);
  });

  test('a tab-separated file, sniffed and with --delimiter tab', async () => {
    const [ref, cur] = [write('ref.tsv', '\t', false), write('cur.tsv', '\t', true)];
    expect(await mlops('analyze-drift', '--reference', ref, '--current', cur, '--ignore', 'id', '--offline', '--json')).toBe(0);
    expect(JSON.parse(stdout).affectedFeatures).toEqual(['age']);
    stdout = '';
    expect(await mlops('analyze-drift', '--reference', ref, '--current', cur, '--ignore', 'id', '--delimiter', 'tab', '--offline', '--json')).toBe(0);
    expect(JSON.parse(stdout).features).toHaveLength(2);
  });

  test('each file is sniffed on its own; a --delimiter that does not fit a file is named by the column check', async () => {
    const [ref, cur] = [write('ref2.csv', ';', false), write('cur2.csv', ',', true)];
    expect(await mlops('analyze-drift', '--reference', ref, '--current', cur, '--ignore', 'id', '--offline', '--json')).toBe(0);
    expect(JSON.parse(stdout).affectedFeatures).toEqual(['age']);
    expect(await mlops('analyze-drift', '--reference', ref, '--current', cur, '--delimiter', 'ab', '--offline')).toBe(2);
    expect(stderr).toContain('--delimiter must be one ASCII character (e.g. , ; | or tab), got "ab"');
    stderr = '';
    expect(await mlops('analyze-drift', '--reference', ref, '--current', cur, '--delimiter', ',', '--offline')).toBe(2);
    expect(stderr).toContain(`the reference and current files have different columns: only ${ref} has "age;region;id"; only ${cur} has "age", "region", "id"`);
  });

  test.each([
    ['--ignore', 'regoin', 'region'],
    ['--categorical', 'agee', 'age'],
    ['--numerical', 'Age', 'age'],
    ['--target', 'regio', 'region'],
  ])('a misspelled %s column exits 2 and suggests the closest one', async (flag, typo, near) => {
    const code = await mlops('analyze-drift', '--reference', write('ref3.csv', ',', false), '--current', write('cur3.csv', ',', true), flag, typo, '--offline');
    expect(code).toBe(2);
    expect(stderr).toContain(`${flag} column "${typo}" is not in`);
    expect(stderr).toContain(`(did you mean "${near}"?); its columns: age, region, id`);
    expect(stdout).toBe('');
  });

  test('a malformed row exits 2 naming the file and its line', async () => {
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, 'age;region;id\n1;north;1\n2;south\n');
    expect(await mlops('analyze-drift', '--reference', write('ref4.csv', ';', false), '--current', bad, '--offline')).toBe(2);
    expect(stderr).toContain(`${bad}: line 3 has 2 fields, the header has 3 (delimiter ";")`);
  });

  test('columns only in the current file are an error too', async () => {
    const extra = path.join(tmp, 'extra.csv');
    fs.writeFileSync(extra, 'age,region,id,score\n1,north,1,0.5\n');
    expect(await mlops('analyze-drift', '--reference', write('ref5.csv', ',', false), '--current', extra, '--offline')).toBe(2);
    expect(stderr).toContain(`different columns: only ${extra} has "score"`);
  });
});
