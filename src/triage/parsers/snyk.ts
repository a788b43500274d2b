import type { Finding, Parser } from '../types';
import { extractJson, sev, uniqueBy } from './util';

interface SnykJson {
  vulnerabilities?: Array<{
    id: string;
    title: string;
    severity: string;
    packageName: string;
    version: string;
    identifiers?: { CVE?: string[] };
    fixedIn?: string[];
  }>;
  ok?: boolean;
}

/** Snyk Open Source: text (`✗ Title [High Severity][url] in pkg@ver`) and `--json`. */
export const parseSnyk: Parser = (lines, command) => {
  const findings: Finding[] = [];
  const json = extractJson(lines) as SnykJson | undefined;
  if (json && Array.isArray(json.vulnerabilities) && json.ok === false) {
    for (const v of json.vulnerabilities) {
      const cve = v.identifiers?.CVE?.[0];
      const fix = v.fixedIn?.length ? `; fixed in ${v.fixedIn.join(', ')}` : '';
      findings.push({ tool: 'snyk', message: `${v.title} in ${v.packageName}@${v.version}${cve ? ` (${cve})` : ''}${fix}`, id: v.id, rule: cve, severity: sev(v.severity) });
    }
  } else {
    for (let i = 0; i < lines.length; i++) {
      const m = /^\s*✗ (.*?) \[(\w+) Severity\]\[(https?:\/\/\S+?)\] in (\S+)/.exec(lines[i]);
      if (!m) continue;
      const id = /\/(SNYK-[A-Z0-9-]+|CVE-\d{4}-\d+|GHSA-[\w-]+)/.exec(m[3])?.[1];
      const upgrade = lines.slice(Math.max(0, i - 3), i).reverse().find((l) => /Upgrade .* to .* to fix/.test(l));
      findings.push({ tool: 'snyk', message: `${m[1]} in ${m[4]}${upgrade ? `; ${upgrade.trim()}` : ''}`, id, severity: sev(m[2]) });
    }
  }
  if (!findings.length) return undefined;
  if (!/snyk/i.test(command) && !lines.some((l) => /snyk/i.test(l))) return undefined;
  const target = (json as { displayTargetFile?: string } | undefined)?.displayTargetFile ?? /^Target file:\s+(\S+)/.exec(lines.find((l) => /^Target file:/.test(l.trim()))?.trim() ?? '')?.[1];
  if (target) for (const f of findings) f.message += ` (${target})`;
  return { failureType: 'sca', tool: 'snyk', findings: uniqueBy(findings, (f) => `${f.id}:${f.message}`), priority: 80, evidence: lines.filter((l) => /✗|"id": "SNYK|Tested \d+ dependencies/.test(l)).slice(0, 6) };
};
