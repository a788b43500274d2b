import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { OfflineProvider } from '../../src/analysis';
import { parseJunitXml } from '../../src/triage/artifacts/junit';
import { readZip, ZipError } from '../../src/triage/artifacts/zip';
import { fetchRun } from '../../src/triage/github';
import { triage } from '../../src/triage/triage';
import { GitHubFake, startGitHubFake } from '../fakes/github';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'triage', 'corpus', 'dev');
const SARIF = fs.readFileSync(path.join(CORPUS, 'bandit-sarif-artifact', 'artifacts', 'bandit.sarif'), 'utf8');
const JUNIT = fs.readFileSync(path.join(CORPUS, 'pytest-q-assert', 'artifacts', 'junit.xml'), 'utf8');

/** A minimal zip writer (stored or deflated entries), for building hostile archives in tests. */
function makeZip(entries: Array<{ name: string; data: Buffer | string; deflate?: boolean; declaredSize?: number; crc?: number }>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data);
    const body = e.deflate ? zlib.deflateRawSync(data) : data;
    const name = Buffer.from(e.name);
    const crc = e.crc ?? zlib.crc32(data);
    const usize = e.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(e.deflate ? 8 : 0, 10);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(usize, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cen, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('readZip: artifacts are hostile input', () => {
  test('entries are known by their base name only; directories are skipped', () => {
    const zip = makeZip([
      { name: '../../../../etc/cron.d/evil.json', data: '{"x":1}' },
      { name: 'reports/', data: '' },
      { name: 'reports/junit.xml', data: JUNIT, deflate: true },
    ]);
    expect(readZip(zip).map((e) => e.name)).toEqual(['evil.json', 'junit.xml']);
    expect(readZip(zip)[1].data.toString()).toBe(JUNIT);
  });

  test('a zip bomb costs at most the declared size; oversize entries are skipped; bad CRC and garbage are errors', () => {
    const bomb = makeZip([{ name: 'bomb.json', data: Buffer.alloc(5_000_000, 0x20), deflate: true, declaredSize: 100 }]);
    expect(() => readZip(bomb)).toThrow(ZipError);
    const big = makeZip([{ name: 'big.json', data: Buffer.alloc(2000, 0x20), deflate: true }, { name: 'ok.json', data: '{}' }]);
    expect(readZip(big, { maxEntryBytes: 1000 }).map((e) => e.name)).toEqual(['ok.json']);
    expect(() => readZip(makeZip([{ name: 'a.json', data: '{}', crc: 1234 }]))).toThrow(/CRC/);
    expect(() => readZip(Buffer.from('not a zip at all, just text that is long enough'))).toThrow(/not a zip/);
    expect(() => readZip(makeZip(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.json`, data: '{}' }))), { maxEntries: 3 })).toThrow(/5 entries/);
  });
});

describe('JUnit from a hostile report', () => {
  test('unclosed and self-closing testcases, entities; one pass over a 4 MB report of unclosed elements', () => {
    const xml = '<testsuite name="pytest"><testcase classname="t" name="ok"/><testcase classname="t" name="a&amp;b"><failure message="x &lt; 1">boom</failure></testcase><testcase name="open"><error message="e">';
    expect(parseJunitXml(xml)?.findings).toEqual([
      expect.objectContaining({ id: 't::a&b', message: 'x < 1', rule: 'failure' }),
      expect.objectContaining({ id: 'open', rule: 'error' }),
    ]);
    const hostile = '<testsuite>' + '<testcase name="n"><failure>'.repeat(150_000);
    expect(parseJunitXml(hostile)?.findings.length).toBe(1); // deduplicated by id; 10,000 cases read at most
  });
});

describe('triage reads the failed run\'s SARIF and JUnit artifacts before the log', () => {
  let gh: GitHubFake;
  // The log says little: each step's tool output went to a report file.
  const step = (command: string) =>
    [`##[group]Run ${command}`, '##[endgroup]', 'see the uploaded reports', '##[error]Process completed with exit code 1.'].map((l) => `2026-11-30T10:00:00.0000000Z ${l}`).join('\n');
  beforeAll(async () => {
    gh = await startGitHubFake({
      repository: 'acme/model',
      runs: [
        {
          id: 7,
          name: 'pipeline',
          workflow_id: 9,
          head_branch: 'main',
          head_sha: 'c'.repeat(40),
          conclusion: 'failure',
          jobs: [{ id: 71, name: 'test', conclusion: 'failure', log: step('pytest -q --junitxml=reports/junit.xml') }],
          artifacts: [
            { id: 701, name: 'reports', zip: makeZip([{ name: 'reports/junit.xml', data: JUNIT, deflate: true }, { name: 'reports/bandit.sarif', data: SARIF, deflate: true }]) },
            { id: 702, name: 'huge', zip: Buffer.alloc(11 * 1024 * 1024) },
            { id: 703, name: 'old', zip: makeZip([{ name: 'x.json', data: '{}' }]), expired: true },
          ],
        },
        {
          id: 8,
          name: 'pipeline',
          workflow_id: 9,
          head_branch: 'main',
          head_sha: 'd'.repeat(40),
          conclusion: 'failure',
          jobs: [{ id: 81, name: 'security', conclusion: 'failure', log: step('bandit -r src -f sarif -o reports/bandit.sarif') }],
          artifacts: [{ id: 801, name: 'reports', zip: makeZip([{ name: 'junit.xml', data: JUNIT }, { name: 'bandit.sarif', data: SARIF }]) }],
        },
      ],
    });
  });
  afterAll(async () => gh.close());

  test('JUnit decides the test job: the failed test ids and kinds come from the report', async () => {
    const before = gh.logsHost.requests.length;
    const run = await fetchRun({ token: 'gh-test-token', repository: 'acme/model', runId: 7, baseUrl: gh.url, baseline: false });
    expect(run.logs[0].reports?.map((r) => r.name).sort()).toEqual(['bandit.sarif', 'junit.xml']);
    const storage = gh.logsHost.requests.slice(before);
    // The oversize and expired artifacts were never downloaded; nothing on the storage host saw the token.
    expect(storage.map((r) => r.path).sort()).toEqual(['/blob/artifact-701.zip', '/blob/job-71.txt']);
    expect(storage.every((r) => r.headers.authorization === undefined)).toBe(true);
    const { report } = await triage(run.logs, run.context, { provider: new OfflineProvider() });
    expect(report.failureType).toBe('unit-test');
    expect(report.findings).toContainEqual(expect.objectContaining({ tool: 'pytest', id: 'tests.test_pricing::test_discount', rule: 'assertion' }));
    expect(report.findings.map((f) => f.id)).toEqual(['tests.test_pricing::test_discount', 'tests.test_pricing::test_vat_rounding']);
  });

  test('SARIF decides the security job: rule ids, files and lines come from the report', async () => {
    const run = await fetchRun({ token: 'gh-test-token', repository: 'acme/model', runId: 8, baseUrl: gh.url, baseline: false });
    const { report, markdown } = await triage(run.logs, run.context, { provider: new OfflineProvider() });
    expect(report.failureType).toBe('sast');
    expect(report.findings).toContainEqual(expect.objectContaining({ tool: 'bandit', rule: 'B602', file: 'src/api/run.py', line: 7 }));
    expect(markdown).toContain('src/api/run.py:7');
  });
});
