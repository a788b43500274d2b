import { relPath } from '../parsers/families';
import { uniqueBy } from '../parsers/util';
import type { Finding, ParseResult } from '../types';

/**
 * JUnit XML (pytest --junitxml, jest-junit, go-junit-report, Surefire): the failed and errored
 * test cases. A small scanner of `<testcase …>` elements rather than a DOM: the format is flat and
 * reports can be large; text is entity-decoded, nothing is resolved (no DTD, no external entities).
 */
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
  for (const m of testcases(xml)) {
    const body = m[3] ?? '';
    const fail = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)(?:<\/\1>|$))/.exec(body);
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

/**
 * `[whole, attributes, '/>' or '>', body]` of each `<testcase>`, found with indexOf in one pass
 * (a regex over a hostile report with unclosed elements would rescan to the end for each one).
 */
function* testcases(xml: string, max = 10_000): Generator<[string, string, string, string | undefined]> {
  let at = xml.indexOf('<testcase');
  for (let n = 0; at >= 0 && n < max; n++) {
    const next = xml.indexOf('<testcase', at + 9);
    const limit = next < 0 ? xml.length : next;
    const tagEnd = xml.indexOf('>', at);
    if (tagEnd < 0 || tagEnd > limit) break;
    const selfClosing = xml[tagEnd - 1] === '/';
    const attrText = xml.slice(at + 9, selfClosing ? tagEnd - 1 : tagEnd);
    if (/^[\s/>]/.test(xml.slice(at + 9, at + 10)) || at + 9 === tagEnd) {
      // Searched only up to the next <testcase>: one pass over the report, even when nothing is closed.
      const rel = selfClosing ? -1 : xml.slice(tagEnd, limit).indexOf('</testcase>');
      const close = rel < 0 ? -1 : tagEnd + rel;
      const body = close >= 0 && close < limit ? xml.slice(tagEnd + 1, close) : selfClosing ? undefined : xml.slice(tagEnd + 1, limit);
      yield [xml.slice(at, close >= 0 && close < limit ? close + 11 : tagEnd + 1), attrText, selfClosing ? '/>' : '>', body];
    }
    at = next;
  }
}
