import { estimateTokens, normalizeLog, reduceLog, templateOf } from '../../src/analysis';

function bigLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`2026-11-25T09:40:${String(i % 60).padStart(2, '0')}.1234567Z \x1b[32mdownloading shard ${i} of ${lines} (${i * 17} bytes)\x1b[0m`);
    if (i === 1234) out.push('2026-11-25T09:41:00.0000000Z ERROR: checksum mismatch for shard 1234');
  }
  out.push('2026-11-25T09:42:00.0000000Z FAILED tests/test_model.py::test_predict_threshold - AssertionError');
  out.push('2026-11-25T09:42:00.0000000Z ##[error]Process completed with exit code 1.');
  return out.join('\n');
}

describe('reduceLog', () => {
  test('strips timestamps and ANSI codes', () => {
    expect(normalizeLog('2026-11-25T09:40:01.1234567Z \x1b[36;1mflake8 src\x1b[0m\r')).toEqual(['flake8 src']);
  });

  test('a small log is returned whole', () => {
    const r = reduceLog('a\nb\nc');
    expect(r).toMatchObject({ text: 'a\nb\nc', keptLines: 3, totalLines: 3, dropped: [] });
  });

  test('a 20,000-line log fits the budget, keeps errors and the tail, and records what was dropped', () => {
    const raw = bigLog(20_000);
    const r = reduceLog(raw, { maxTokens: 8_000 });
    expect(r.tokens).toBeLessThanOrEqual(8_000);
    expect(estimateTokens(r.text)).toBe(r.tokens);
    expect(r.text).toContain('ERROR: checksum mismatch for shard 1234');
    expect(r.text).toContain('FAILED tests/test_model.py::test_predict_threshold - AssertionError');
    expect(r.text).toContain('##[error]Process completed with exit code 1.');
    expect(r.text).toMatch(/\[… \d+ lines omitted; most common: \d+× "downloading shard <\*> of <\*> <\*> bytes\)"\]/);
    expect(r.dropped[0]).toMatch(/^\d+ of 20003 lines dropped to fit 8000 tokens$/);
    expect(r.templates[0]).toEqual({ template: 'downloading shard <*> of <*> <*> bytes)', count: expect.any(Number) });
    // Never split a line: every kept line is a whole line of the input.
    const input = new Set(normalizeLog(raw));
    for (const line of r.text.split('\n')) {
      if (!line.startsWith('[… ') && !line.startsWith('[previous line repeated')) expect(input.has(line)).toBe(true);
    }
  });

  test('error lines also present in the last successful run rank below new ones', () => {
    const pad = 'p'.repeat(200);
    const filler = Array.from({ length: 3000 }, (_, i) => `step ${i} ok ${pad}`).join('\n');
    const raw = `WARNING error budget noise 1 ${pad}\n${filler}\nERROR: brand new failure\n${filler}`;
    const r = reduceLog(raw, { maxTokens: 300, tail: 0, head: 0, baseline: `WARNING error budget noise 7 ${pad}` });
    expect(r.text).toContain('ERROR: brand new failure');
    expect(r.text).not.toContain('WARNING error budget noise 1');
    expect(r.dropped).toContain('lines also present in the last successful run were ranked lower');
  });

  test('repeated identical lines are collapsed with a count', () => {
    const raw = [...Array.from({ length: 5000 }, (_, i) => `noise ${i}`), ...Array(50).fill('Retrying connection...'), 'fatal: gave up'].join('\n');
    const r = reduceLog(raw, { maxTokens: 500 });
    expect(r.text).toMatch(/Retrying connection\.\.\.\n\[previous line repeated \d+ more times\]/);
  });

  test('templateOf masks tokens with digits', () => {
    expect(templateOf('took 12ms on node-3 id 3f786850e387')).toBe('took <*> on <*> id <*>');
  });
});
