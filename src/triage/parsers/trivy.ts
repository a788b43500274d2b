import type { Finding, FailureType, Parser } from '../types';
import { extractJson, sev, uniqueBy } from './util';
import { scanned } from './vulntable';

interface TrivyJson {
  ArtifactType?: string;
  ArtifactName?: string;
  Results?: Array<{
    Target: string;
    Class?: string;
    Vulnerabilities?: Array<{
      VulnerabilityID: string;
      PkgName: string;
      InstalledVersion: string;
      FixedVersion?: string;
      Severity: string;
      Title?: string;
    }>;
  }>;
}

/**
 * Trivy table (box-drawn rows) and JSON output. `trivy image` → image-vulnerability;
 * `trivy fs|repo` → sca.
 */
export const parseTrivy: Parser = (lines, command) => {
  const findings: Finding[] = [];
  const json = extractJson(lines) as TrivyJson | undefined;
  let type: FailureType = /trivy\s+(fs|repo|filesystem|sbom)\b/.test(command) ? 'sca' : 'image-vulnerability';
  if (json && Array.isArray(json.Results)) {
    if (json.ArtifactType && json.ArtifactType !== 'container_image') type = 'sca';
    for (const r of json.Results) {
      for (const v of r.Vulnerabilities ?? []) {
        findings.push({ tool: 'trivy', message: `${v.PkgName}@${v.InstalledVersion}${v.FixedVersion ? ` → fixed in ${v.FixedVersion}` : ' (no fix yet)'}${json.ArtifactName ? ` in ${json.ArtifactName}` : ''}${v.Title ? `: ${v.Title}` : ''}`, id: v.VulnerabilityID, severity: sev(v.Severity), file: r.Target });
      }
    }
  } else {
    let lastPkg = '';
    const target = scanned(command);
    for (const l of lines) {
      if (!l.startsWith('│')) continue;
      const cells = l.split('│').slice(1, -1).map((c) => c.trim());
      if (cells.length < 6) continue;
      const [pkg, id, severity, , installed, fixed, title] = cells.length >= 7 ? cells : [cells[0], cells[1], cells[2], '', cells[3], cells[4], cells[5]];
      if (pkg) lastPkg = pkg;
      if (!/^(CVE-\d{4}-\d+|GHSA-[\w-]+|[A-Z]+-\d{4}-[\w-]+|DLA-[\d-]+|DSA-[\d-]+)$/.test(id)) continue;
      findings.push({ tool: 'trivy', message: `${lastPkg}@${installed}${fixed ? ` → fixed in ${fixed}` : ' (no fix yet)'}${target ? ` in ${target}` : ''}${title ? `: ${title}` : ''}`, id, severity: sev(severity) });
    }
  }
  if (!findings.length) return undefined;
  if (!/\btrivy\b/.test(command) && !lines.some((l) => /Total: \d+ \(|"SchemaVersion"/.test(l))) return undefined;
  const order = ['critical', 'high', 'medium', 'low', 'unknown'];
  findings.sort((a, b) => order.indexOf(a.severity ?? 'unknown') - order.indexOf(b.severity ?? 'unknown'));
  return { failureType: type, tool: 'trivy', findings: uniqueBy(findings, (f) => `${f.id}:${f.message}`), priority: 80, evidence: lines.filter((l) => /Total: \d+|CVE-\d{4}-\d+/.test(l)).slice(0, 6) };
};
