import type { Finding, Parser } from '../types';
import { relPath } from './families';
import { extractJson, sev, uniqueBy } from './util';

interface BanditJson {
  results?: Array<{
    test_id: string;
    test_name?: string;
    filename: string;
    line_number: number;
    issue_severity: string;
    issue_text: string;
    issue_confidence?: string;
  }>;
}

/** Bandit text (`>> Issue: [B602:…]` blocks) and JSON (`-f json`) reports. */
export const parseBandit: Parser = (lines, command) => {
  const findings: Finding[] = [];
  const json = extractJson(lines) as BanditJson | undefined;
  if (json && Array.isArray(json.results) && (/\bbandit\b/.test(command) || json.results.some((r) => /^B\d{3}$/.test(r.test_id)))) {
    for (const r of json.results) {
      findings.push({ tool: 'bandit', message: r.issue_text, file: relPath(r.filename), line: r.line_number, rule: r.test_id, severity: sev(r.issue_severity) });
    }
  } else {
    for (let i = 0; i < lines.length; i++) {
      const m = /^>> Issue: \[(B\d{3})(?::([\w_]+))?\] (.*)$/.exec(lines[i]);
      if (!m) continue;
      const block = lines.slice(i + 1, i + 8);
      const severity = /Severity: (\w+)/.exec(block.find((b) => /Severity:/.test(b)) ?? '')?.[1];
      const loc = /Location: (?:\.\/)?([\w./-]+):(\d+)/.exec(block.find((b) => /Location:/.test(b)) ?? '');
      findings.push({ tool: 'bandit', message: m[3], rule: m[1], severity: sev(severity), ...(loc ? { file: relPath(loc[1]), line: Number(loc[2]) } : {}) });
    }
  }
  if (!findings.length && /\bbandit\b/.test(command)) {
    // `-f custom --msg-template '…'`: any template that prints a path:line and a test id.
    for (const l of lines) {
      const id = /\b(B\d{3})\b/.exec(l);
      const loc = /((?:\/|\.\/)?[\w./-]+\.py)(?::|, line |\s+line\s+)(\d+)/.exec(l);
      if (!id || !loc) continue;
      const severity = /\b(HIGH|MEDIUM|LOW|UNDEFINED)\b/.exec(l)?.[1];
      const msg = l.slice(Math.max(id.index + id[0].length, loc.index + loc[0].length)).replace(/^[\]\s:,\[\w-]*?(?:bandit\])?[:\s]*(?:(?:HIGH|MEDIUM|LOW)[:\s]*)?/, '').trim();
      findings.push({ tool: 'bandit', message: msg || l.trim(), file: relPath(loc[1]), line: Number(loc[2]), rule: id[1], severity: sev(severity) });
    }
  }
  if (!findings.length) return undefined;
  const order = ['high', 'medium', 'low', 'undefined'];
  findings.sort((a, b) => order.indexOf(a.severity ?? 'undefined') - order.indexOf(b.severity ?? 'undefined'));
  return {
    failureType: 'sast',
    tool: 'bandit',
    findings: uniqueBy(findings, (f) => `${f.file}:${f.line}:${f.rule}`),
    priority: 80,
    evidence: lines.filter((l) => /^>> Issue:|Location:|"test_id"/.test(l)).slice(0, 6),
  };
};
