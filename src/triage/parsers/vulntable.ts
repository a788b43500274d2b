import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

/**
 * Vulnerability tables in columns (Grype's table, pip-audit's columns, osv-scanner, npm audit
 * text): a header naming the package, its version and the vulnerability id, then one row each.
 * Rows give `package@version`, the id and the fixed version; the image or manifest scanned comes
 * from the command (`grype IMAGE`, `-r requirements.txt`).
 */
const ID = /^(CVE-\d{4}-\d+|GHSA(?:-[\w]{4}){3}|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d+|GO-\d{4}-\d+|SNYK-[\w-]+|OSV-[\w-]+|DLA-[\d-]+|DSA-[\d-]+|ALAS[\w-]*)$/i;

export const parseVulnTable: Parser = (lines, command) => {
  const findings: Finding[] = [];
  let cols: { name: number; version: number; fixed: number; id: number; severity: number } | undefined;
  for (const raw of lines) {
    const cells = raw.trim().split(/\s{1,}/);
    const lower = cells.map((c) => c.toLowerCase());
    const find = (...names: string[]) => lower.findIndex((c) => names.includes(c));
    if (find('name', 'package', 'library') >= 0 && find('version', 'installed') >= 0 && find('id', 'vulnerability', 'advisory', 'cve') >= 0) {
      cols = { name: find('name', 'package', 'library'), version: find('version', 'installed'), fixed: find('fixed-in', 'fix', 'fixed'), id: find('id', 'vulnerability', 'advisory', 'cve'), severity: find('severity') };
      continue;
    }
    if (!cols || cells.length < 3) continue;
    // Columns may be empty (no fix): find the id cell by shape, then read the others around it.
    const idAt = cells.findIndex((c) => ID.test(c));
    if (idAt < 0) continue;
    const name = cells[cols.name];
    const version = cells[cols.version];
    const shift = idAt - cols.id;
    const fixedCell = cols.fixed >= 0 ? cells[cols.fixed < cols.id ? cols.fixed : cols.fixed + shift] : undefined;
    const fixed = fixedCell && /\d/.test(fixedCell) && !ID.test(fixedCell) ? fixedCell : undefined;
    findings.push({ tool: '', message: `${name}@${version}${fixed ? ` → fixed in ${fixed}` : ''}`, id: cells[idAt], ...(cols.severity >= 0 && cells[cols.severity + shift] ? { severity: cells[cols.severity + shift].toLowerCase() } : {}) });
  }
  if (!findings.length) return undefined;
  const tool = /\b(grype|pip-audit|osv-scanner|npm audit|safety|trivy)\b/.exec(command)?.[1] ?? 'scanner';
  const target = scanned(command);
  const image = tool === 'grype' ? !/\b(dir|file|sbom):|\s\.(\s|$)/.test(command) : /\bimage\b/.test(command);
  return {
    failureType: image ? 'image-vulnerability' : 'sca',
    tool,
    findings: uniqueBy(findings.map((f) => ({ ...f, tool, message: target ? `${f.message} in ${target}` : f.message })), (f) => `${f.id}:${f.message}`),
    priority: 60,
    evidence: lines.filter((l) => ID.test(l.trim().split(/\s+/).find((c) => ID.test(c)) ?? '')).slice(0, 6),
  };
};

/** The image or manifest a scanner command names: `-r FILE`, `--file=FILE`, or its last argument. */
export function scanned(command: string): string | undefined {
  const last = command.split('\n').find((l) => /\b(grype|trivy|pip-audit|snyk|osv-scanner|scan)\b/.test(l)) ?? command;
  const file = /(?:-r|--requirement|--file|--lockfile)[= ]\s*(\S+)/.exec(last)?.[1];
  if (file) return file;
  const args = last.split(/\s+/).filter((a) => a && !a.startsWith('-'));
  const cand = args.slice(1).filter((a) => /[:/.]/.test(a) && !/^(image|fs|repo|dir|sbom|test)$/.test(a));
  return cand[0];
}
