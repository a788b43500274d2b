import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

/**
 * `go test`: `--- FAIL: TestName (0.01s)` lines, the `file_test.go:N: message` lines under them,
 * and `panic:` in a test binary. (`go test -json` is read by the JSON report readers' shape check.)
 */
export const parseGoTest: Parser = (lines, command) => {
  if (!/\bgo test\b|gotestsum/.test(command) && !lines.some((l) => /^--- FAIL: /.test(l.trim()))) return undefined;
  const findings: Finding[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*--- FAIL: (\S+) \(([\d.]+)s\)/.exec(lines[i]);
    if (!m) continue;
    const detail = lines.slice(i + 1, i + 6).map((l) => /^\s+([\w./-]+_test\.go):(\d+): (.*)$/.exec(l)).find(Boolean);
    findings.push({ tool: 'go test', message: detail ? detail[3] : `${m[1]} failed`, ...(detail ? { file: detail[1], line: Number(detail[2]) } : {}), id: m[1], rule: 'failure' });
  }
  const panic = lines.find((l) => /^panic: /.test(l));
  if (!findings.length && panic) findings.push({ tool: 'go test', message: panic.trim(), rule: 'panic' });
  if (!findings.length) return undefined;
  return { failureType: 'unit-test', tool: 'go test', findings: uniqueBy(findings, (f) => f.id ?? f.message), priority: 70, evidence: lines.filter((l) => /--- FAIL|_test\.go:\d+:|^FAIL\s/.test(l)).slice(0, 6).map((l) => l.trim()) };
};
