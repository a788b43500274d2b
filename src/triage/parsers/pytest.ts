import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

/**
 * pytest (`-q` and `-v`): the short test summary (`FAILED node - msg`, `ERROR node`), the
 * traceback's `file:line: ExceptionType`, collection errors, missing fixtures, import errors and
 * pytest-timeout's `Failed: Timeout`.
 */
export const parsePytest: Parser = (lines, command) => {
  const summary = lines.some((l) => /^(=+ )?(\d+ (failed|passed|error|errors|skipped)[, ]*)+.* in [\d.]+s/.test(l.replace(/^=+ /, '')) || /short test summary info/.test(l));
  const isPytest = /\bpytest\b/.test(command) || summary;
  if (!isPytest) return undefined;
  const findings: Finding[] = [];
  const text = lines.join('\n');
  const kindOf = (msg: string): string => {
    if (/Timeout/.test(msg)) return 'timeout';
    if (/fixture '.*' not found/.test(msg)) return 'fixture';
    if (/ModuleNotFoundError|ImportError/.test(msg)) return 'import';
    if (/SyntaxError|collecting/.test(msg)) return 'collection';
    if (/AssertionError|assert /.test(msg)) return 'assertion';
    return 'error';
  };
  // Traceback locations: "tests/test_model.py:6: AssertionError"
  const locations = new Map<string, { file: string; line: number }>();
  for (const l of lines) {
    const m = /^([\w./-]+\.py):(\d+): (\w+(?:Error|Exception|Failed)?)\b/.exec(l);
    if (m) locations.set(m[1], { file: m[1], line: Number(m[2]) });
  }
  const eLines = lines.filter((l) => /^E\s{2,}/.test(l)).map((l) => l.replace(/^E\s+/, ''));
  for (const l of lines) {
    let m = /^(FAILED|ERROR) ([\w./-]+\.py)(?:::(\w[^\s[]*(?:\[.*?\])?))?(?: - (.*))?$/.exec(l);
    if (m) {
      const [, status, file, test, msg] = m;
      const id = test ? `${file}::${test}` : file;
      const message = msg ?? (status === 'ERROR' ? (eLines.find((e) => /Error|not found|Exception/.test(e)) ?? `error in ${id}`) : `${id} failed`);
      const kind = status === 'ERROR' && !test ? 'collection' : kindOf(`${message} ${eLines.join(' ')}`);
      const loc = locations.get(file);
      findings.push({ tool: 'pytest', message, file, ...(loc ? { line: loc.line } : {}), rule: kind === 'collection' && /ModuleNotFoundError|ImportError/.test(text) ? 'import' : kind, id });
    }
  }
  // -v without a short summary: "tests/test_x.py::test_y FAILED"
  if (!findings.length) {
    for (const l of lines) {
      const m = /^([\w./-]+\.py)::([\w[\]\-.]+) (FAILED|ERROR)\b/.exec(l);
      if (m) findings.push({ tool: 'pytest', message: eLines[0] ?? `${m[1]}::${m[2]} ${m[3].toLowerCase()}`, file: m[1], rule: kindOf(eLines.join(' ')), id: `${m[1]}::${m[2]}` });
    }
  }
  if (!findings.length) return undefined;
  const evidence = [...eLines.slice(0, 4), ...lines.filter((l) => /^(FAILED|ERROR) /.test(l)).slice(0, 4)];
  return { failureType: 'unit-test', tool: 'pytest', findings: uniqueBy(findings, (f) => f.id ?? f.message), priority: 70, evidence };
};
