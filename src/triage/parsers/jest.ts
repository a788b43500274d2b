import type { Finding, Parser } from '../types';
import { relPath } from './families';
import { uniqueBy } from './util';

/**
 * Jest (and Vitest's compatible default reporter): `FAIL path` headers, `● Suite › test` blocks,
 * `● Test suite failed to run`, and the `at … (file:line:col)` frame inside the test file.
 */
export const parseJest: Parser = (lines, command) => {
  const isJest = /\b(jest|vitest)\b/.test(command) || lines.some((l) => /^Tests:\s+\d+ failed/.test(l.trim()));
  if (!isJest) return undefined;
  const findings: Finding[] = [];
  let file = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const fail = /^\s*FAIL\s+(\S+)/.exec(l);
    if (fail) {
      file = relPath(fail[1]);
      continue;
    }
    const bullet = /^\s*● (.+)$/.exec(l);
    if (!bullet) continue;
    const block = lines.slice(i + 1, i + 40);
    const msg = block.map((b) => b.trim()).find((b) => b && !/^\d+ \|/.test(b)) ?? '';
    const frame = block.map((b) => /\((?:\.\.\/)*([\w./-]+\.[cm]?[jt]sx?):(\d+):\d+\)/.exec(b)).find((x) => x && !/node_modules/.test(x[1]));
    if (/^Test suite failed to run$/.test(bullet[1].trim())) {
      findings.push({ tool: 'jest', message: `${file || 'a test suite'} failed to run: ${msg}`.slice(0, 300), file, id: file, rule: 'suite' });
    } else {
      findings.push({ tool: 'jest', message: msg.slice(0, 300), file: frame ? relPath(frame[1]) : file, ...(frame ? { line: Number(frame[2]) } : {}), id: bullet[1].trim(), rule: /expect\(/.test(msg) ? 'assertion' : 'error' });
    }
  }
  if (!findings.length) return undefined;
  return { failureType: 'unit-test', tool: /vitest/.test(command) ? 'vitest' : 'jest', findings: uniqueBy(findings, (f) => `${f.id}`), priority: 70, evidence: lines.filter((l) => /^\s*(FAIL|●) |^Tests:/.test(l)).slice(0, 6) };
};
