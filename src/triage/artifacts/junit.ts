import { relPath } from '../parsers/families';
import { uniqueBy } from '../parsers/util';
import type { Finding, ParseResult } from '../types';

/**
 * JUnit XML (pytest --junitxml, jest-junit, go-junit-report, Surefire): the failed and errored
 * test cases. A small scanner of `<testcase …>` elements rather than a DOM: the format is flat and
 * reports can be large; text is entity-decoded, nothing is resolved (no DTD, no external entities).
 */
const CASE = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
const ATTR = /([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_all, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()];
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
  });
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(ATTR)) out[m[1]] = decodeXml(m[3] ?? m[4] ?? '');
  return out;
}

export function parseJunitXml(xml: string): ParseResult | undefined {
  if (!/<testsuites?\b|<testcase\b/.test(xml)) return undefined;
  const findings: Finding[] = [];
  const tool = /<testsuites?\b[^>]*name="jest/.test(xml) ? 'jest' : /<testsuite\b[^>]*name="pytest"/.test(xml) ? 'pytest' : 'junit';
  for (const m of xml.matchAll(CASE)) {
    const body = m[3] ?? '';
    const fail = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    if (!fail) continue;
    const a = attrs(m[1]);
    const f = attrs(fail[2]);
    const detail = decodeXml((fail[3] ?? '').replace(/<!\[CDATA\[|\]\]>/g, ''));
    const file = a.file ? relPath(a.file) : /\.py$|\.js$|\.ts$/.test(a.classname ?? '') ? relPath(a.classname) : undefined;
    const loc = /^([\w./-]+\.(?:py|js|ts|go|java)):(\d+):/m.exec(detail);
    const msg = (f.message ?? detail.split('\n').find((l) => l.trim()) ?? fail[1]).trim().slice(0, 300);
    findings.push({
      tool,
      message: msg,
      ...(file ?? loc?.[1] ? { file: file ?? loc![1] } : {}),
      ...(a.line ? { line: Number(a.line) } : loc ? { line: Number(loc[2]) } : {}),
      rule: fail[1] === 'error' ? 'error' : /assert/i.test(msg + detail) ? 'assertion' : 'failure',
      id: [a.classname, a.name].filter(Boolean).join('::'),
    });
  }
  return findings.length ? { failureType: 'unit-test', tool, findings: uniqueBy(findings, (x) => x.id ?? x.message), priority: 85, evidence: [] } : undefined;
}
