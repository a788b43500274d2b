import type { Finding, Parser } from '../types';
import { extractJson, uniqueBy } from './util';

/** Gitleaks (v8) verbose findings blocks, `leaks found: N`, and its JSON report. */
export const parseGitleaks: Parser = (lines, command) => {
  const findings: Finding[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^RuleID:\s+/.test(lines[i])) continue;
    const block = lines.slice(Math.max(0, i - 3), i + 10);
    const field = (name: string) => block.find((b) => b.startsWith(`${name}:`))?.replace(/^\w+:\s+/, '').trim();
    const rule = field('RuleID')!;
    findings.push({ tool: 'gitleaks', message: `secret matching rule ${rule}`, rule, file: field('File'), line: field('Line') ? Number(field('Line')) : undefined, id: field('Commit'), severity: 'high' });
  }
  const json = extractJson(lines);
  if (!findings.length && Array.isArray(json)) {
    for (const r of json as Array<Record<string, unknown>>) {
      if (typeof r.RuleID === 'string') findings.push({ tool: 'gitleaks', message: `secret matching rule ${r.RuleID}`, rule: r.RuleID, file: String(r.File ?? ''), line: Number(r.StartLine ?? 0) || undefined, id: r.Commit as string | undefined, severity: 'high' });
    }
  }
  const leaks = lines.find((l) => /leaks found: \d+/.test(l));
  if (!findings.length && !(leaks && /gitleaks/.test(command))) return undefined;
  if (!findings.length) findings.push({ tool: 'gitleaks', message: leaks!.replace(/^.*?(leaks found)/, '$1'), severity: 'high' });
  return {
    failureType: 'secret-leak',
    tool: 'gitleaks',
    findings: uniqueBy(findings.map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as unknown as Finding), (f) => `${f.file}:${f.line}:${f.rule}`),
    priority: 90,
    evidence: lines.filter((l) => /^(RuleID|File|Line):|leaks found/.test(l)).slice(0, 6),
  };
};
