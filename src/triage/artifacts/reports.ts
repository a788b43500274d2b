import { familyOf, relPath } from '../parsers/families';
import { sev, uniqueBy } from '../parsers/util';
import type { FailureType, Finding, ParseResult } from '../types';
import { parseJunitXml } from './junit';

/**
 * Machine-readable reports a pipeline uploads (SARIF 2.1.0, JUnit XML, the JSON of Bandit, ESLint,
 * hadolint, ShellCheck, Trivy, Grype, Snyk, npm audit, pip-audit, Gitleaks, and model-gate metrics)
 * read into the same ParseResult the log parsers give. A report that lists nothing is no verdict.
 *
 * Formats: SARIF 2.1.0 (OASIS, docs.oasis-open.org/sarif/sarif/v2.1.0: runs[].tool.driver.name,
 * results[].ruleId, locations[].physicalLocation.{artifactLocation.uri,region.startLine});
 * JUnit XML as written by pytest --junitxml and jest-junit (testsuite/testcase with failure/error).
 */
export interface ReportFile {
  /** File name inside the artifact (only its base name is used, never as a path). */
  readonly name: string;
  readonly text: string;
}

/** A report's verdict plus the tool it names (to tie it to the failing step). */
export interface ReportVerdict extends ParseResult {
  readonly file: string;
}

const MAX_REPORT_CHARS = 20 * 1024 * 1024;

export function readReport(file: ReportFile): ReportVerdict | undefined {
  if (file.text.length > MAX_REPORT_CHARS) return undefined;
  const text = file.text.trim();
  if (text.startsWith('<')) return withFile(file, parseJunitXml(text));
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON lines (one object a line: TruffleHog, go test -json, Semgrep --json-stream).
    const objs = text.split('\n').filter((l) => l.trim().startsWith('{'));
    try {
      doc = objs.map((l) => JSON.parse(l));
    } catch {
      return undefined;
    }
  }
  return withFile(file, readJson(doc));
}

function withFile(file: ReportFile, r: ParseResult | undefined): ReportVerdict | undefined {
  return r && r.findings.length ? { ...r, file: file.name } : undefined;
}

type Json = Record<string, any>;

function readJson(doc: unknown): ParseResult | undefined {
  if (Array.isArray(doc)) {
    if (doc.some((r: Json) => typeof r?.RuleID === 'string')) return gitleaks(doc);
    if (doc.some((r: Json) => typeof r?.DetectorName === 'string' && r?.SourceMetadata)) return trufflehog(doc);
    if (doc.some((r: Json) => Array.isArray(r?.messages) && typeof r?.filePath === 'string')) return eslint(doc);
    if (doc.some((r: Json) => typeof r?.code === 'string' && typeof r?.line === 'number' && /^(DL|SC)\d+$/.test(r.code))) return hadolint(doc);
    if (doc.some((r: Json) => typeof r?.code === 'number' && typeof r?.file === 'string')) return shellcheck({ comments: doc });
    return undefined;
  }
  const d = doc as Json;
  if (!d || typeof d !== 'object') return undefined;
  if (typeof d.DetectorName === 'string' && d.SourceMetadata) return trufflehog([d]);
  if (Array.isArray(d.runs)) return sarif(d);
  if (Array.isArray(d.results) && d.results.some((r: Json) => r?.test_id)) return bandit(d);
  if (Array.isArray(d.Results) || d.SchemaVersion) return trivy(d);
  if (Array.isArray(d.matches) && d.source) return grype(d);
  if (Array.isArray(d.vulnerabilities) && 'ok' in d) return snyk(d);
  if (d.vulnerabilities && typeof d.vulnerabilities === 'object' && d.auditReportVersion) return npmAudit(d);
  if (Array.isArray(d.dependencies) && d.dependencies.some((x: Json) => Array.isArray(x?.vulns))) return pipAudit(d);
  if (Array.isArray(d.comments)) return shellcheck(d);
  if (Array.isArray(d.testResults)) return jestJson(d);
  if (Array.isArray(d.checks)) return gateChecks(d);
  if (Array.isArray(d.results) && d.results.some((r: Json) => r?.expectation_config)) return expectations(d);
  return undefined;
}

const result = (failureType: FailureType, tool: string, findings: Finding[], priority = 85): ParseResult | undefined =>
  findings.length ? { failureType, tool, findings: uniqueBy(findings, (f) => `${f.file}:${f.line}:${f.rule}:${f.id}:${f.message}`), priority, evidence: [] } : undefined;

function sarif(d: Json): ParseResult | undefined {
  const findings: Finding[] = [];
  let tool = 'sarif';
  for (const run of d.runs as Json[]) {
    const name = String(run?.tool?.driver?.name ?? 'sarif');
    tool = name;
    for (const r of (run?.results ?? []) as Json[]) {
      const loc = r?.locations?.[0]?.physicalLocation;
      const uri = loc?.artifactLocation?.uri;
      const level = r?.level ?? r?.properties?.issue_severity;
      findings.push({
        tool: name.toLowerCase(),
        message: String(r?.message?.text ?? r?.message?.markdown ?? r?.ruleId ?? '').slice(0, 500),
        ...(uri ? { file: relPath(decodeURIComponent(String(uri))) } : {}),
        ...(loc?.region?.startLine ? { line: Number(loc.region.startLine) } : {}),
        ...(r?.ruleId ? { rule: String(r.ruleId) } : {}),
        ...(level ? { severity: sev(String(level)) } : {}),
      });
    }
  }
  const fam = familyOf(tool, findings.map((f) => f.rule ?? ''));
  return result(fam.type, fam.tool, findings.map((f) => ({ ...f, tool: fam.tool })));
}

function bandit(d: Json): ParseResult | undefined {
  const findings = (d.results as Json[]).map((r) => ({ tool: 'bandit', message: String(r.issue_text), file: relPath(String(r.filename)), line: Number(r.line_number), rule: String(r.test_id), severity: sev(r.issue_severity) }));
  return result('sast', 'bandit', findings);
}

function eslint(doc: Json[]): ParseResult | undefined {
  const findings: Finding[] = [];
  for (const f of doc) {
    for (const m of f.messages as Json[]) {
      if (m.severity !== 2) continue;
      findings.push({ tool: 'eslint', message: String(m.message), file: relPath(String(f.filePath)), line: Number(m.line), ...(m.ruleId ? { rule: String(m.ruleId) } : {}), severity: 'error' });
    }
  }
  const fam = familyOf('eslint', findings.map((f) => f.rule ?? ''));
  return result(fam.type, 'eslint', findings);
}

function hadolint(doc: Json[]): ParseResult | undefined {
  return result('lint', 'hadolint', doc.map((r) => ({ tool: 'hadolint', message: String(r.message), file: relPath(String(r.file)), line: Number(r.line), rule: String(r.code), severity: sev(r.level) })));
}

function shellcheck(d: Json): ParseResult | undefined {
  const findings = (d.comments as Json[]).map((c) => ({ tool: 'shellcheck', message: String(c.message), file: relPath(String(c.file)), line: Number(c.line), rule: `SC${c.code}`, severity: sev(c.level) }));
  const order = ['error', 'warning', 'info', 'style'];
  findings.sort((a, b) => order.indexOf(a.severity ?? 'style') - order.indexOf(b.severity ?? 'style'));
  return result('lint', 'shellcheck', findings);
}

function gitleaks(doc: Json[]): ParseResult | undefined {
  // Never the secret: only the rule, the file, the line and the commit.
  return result('secret-leak', 'gitleaks', doc.filter((r) => typeof r.RuleID === 'string').map((r) => ({ tool: 'gitleaks', message: `secret matching rule ${r.RuleID}`, rule: String(r.RuleID), file: relPath(String(r.File ?? '')), ...(r.StartLine ? { line: Number(r.StartLine) } : {}), ...(r.Commit ? { id: String(r.Commit) } : {}), severity: 'high' })), 90);
}

type Maybe = string | undefined;
function trufflehog(doc: Json[]): ParseResult | undefined {
  // TruffleHog v3 --json (one object a line): detector, file and line; never `Raw`/`Redacted`.
  return result('secret-leak', 'trufflehog', doc.filter((r) => typeof r.DetectorName === 'string').map((r) => {
    const src = (Object.values(r.SourceMetadata?.Data ?? {})[0] ?? {}) as Json;
    return { tool: 'trufflehog', message: `${r.Verified ? 'verified' : 'unverified'} ${r.DetectorName} secret`, rule: String(r.DetectorName), ...(src.file ? { file: relPath(String(src.file)) } : {}), ...(src.line ? { line: Number(src.line) } : {}), ...(src.commit ? { id: String(src.commit) } : {}), severity: 'high' };
  }), 90);
}

const vuln = (tool: string, id: string, pkg: string, version: string, fixed: Maybe, severity: Maybe, extra: Partial<Finding> = {}): Finding => ({
  tool,
  message: `${pkg}@${version}${fixed ? ` → fixed in ${fixed}` : ' (no fix yet)'}`,
  id,
  severity: sev(severity),
  ...extra,
});

function trivy(d: Json): ParseResult | undefined {
  const image = d.ArtifactType === undefined || d.ArtifactType === 'container_image';
  const findings: Finding[] = [];
  for (const r of (d.Results ?? []) as Json[]) {
    for (const v of (r.Vulnerabilities ?? []) as Json[]) findings.push(vuln('trivy', String(v.VulnerabilityID), String(v.PkgName), String(v.InstalledVersion), v.FixedVersion, v.Severity, { file: String(r.Target) }));
  }
  const scanned = d.ArtifactName ? ` in ${d.ArtifactName}` : '';
  return result(image ? 'image-vulnerability' : 'sca', 'trivy', findings.map((f) => ({ ...f, message: f.message + scanned })));
}

function grype(d: Json): ParseResult | undefined {
  const target = String(d.source?.target?.userInput ?? d.source?.target ?? '');
  const findings = (d.matches as Json[]).map((m) => {
    const f = vuln('grype', String(m.vulnerability?.id), String(m.artifact?.name), String(m.artifact?.version), m.vulnerability?.fix?.versions?.[0], m.vulnerability?.severity);
    return { ...f, message: `${f.message} in ${target}` };
  });
  return result(d.source?.type === 'image' ? 'image-vulnerability' : 'sca', 'grype', findings);
}

function snyk(d: Json): ParseResult | undefined {
  const target = d.displayTargetFile ? ` (${d.displayTargetFile})` : '';
  return result('sca', 'snyk', (d.vulnerabilities as Json[]).map((v) => ({ ...vuln('snyk', String(v.id), String(v.packageName), String(v.version), v.fixedIn?.[0], v.severity), message: `${v.title}: ${v.packageName}@${v.version}${v.fixedIn?.[0] ? ` → fixed in ${v.fixedIn[0]}` : ''}${target}`, ...(v.identifiers?.CVE?.[0] ? { rule: String(v.identifiers.CVE[0]) } : {}) })));
}

function npmAudit(d: Json): ParseResult | undefined {
  const findings: Finding[] = [];
  for (const [name, v] of Object.entries(d.vulnerabilities as Record<string, Json>)) {
    const via = (v.via as unknown[]).find((x): x is Json => typeof x === 'object' && x !== null);
    const id = via?.url ? String(via.url).split('/').pop() : undefined;
    findings.push({ tool: 'npm-audit', message: `${name} ${v.range ?? ''}: ${via?.title ?? 'vulnerable'}${v.fixAvailable ? ' (fix available: npm audit fix)' : ''}`.trim(), ...(id ? { id } : {}), severity: sev(v.severity) });
  }
  return result('sca', 'npm-audit', findings);
}

function pipAudit(d: Json): ParseResult | undefined {
  const findings: Finding[] = [];
  for (const dep of d.dependencies as Json[]) {
    for (const v of (dep.vulns ?? []) as Json[]) findings.push(vuln('pip-audit', String(v.id), String(dep.name), String(dep.version), v.fix_versions?.[0], undefined));
  }
  return result('sca', 'pip-audit', findings);
}

function jestJson(d: Json): ParseResult | undefined {
  const findings: Finding[] = [];
  for (const s of d.testResults as Json[]) {
    const file = relPath(String(s.name ?? ''));
    const failed = ((s.assertionResults ?? []) as Json[]).filter((a) => a.status === 'failed');
    for (const a of failed) findings.push({ tool: 'jest', message: String(a.failureMessages?.[0] ?? 'failed').split('\n')[0].slice(0, 300), file, id: [...(a.ancestorTitles ?? []), a.title].join(' › '), rule: 'assertion' });
    if (!failed.length && s.status === 'failed') findings.push({ tool: 'jest', message: String(s.message ?? 'test suite failed to run').split('\n').find((l: string) => l.trim()) ?? 'test suite failed to run', file, id: file, rule: 'suite' });
  }
  return result('unit-test', 'jest', findings);
}

function gateChecks(d: Json): ParseResult | undefined {
  const findings = (d.checks as Json[])
    .filter((c) => c.passed === false)
    .map((c) => {
      const bound = c.threshold !== undefined ? `threshold ${c.threshold}` : c.baseline !== undefined ? `baseline ${c.baseline}` : '';
      return { tool: 'model-gate', message: `${c.metric} ${c.value} vs ${bound}`.trim(), rule: String(c.metric), id: `${c.metric}=${c.value}`, severity: 'high' };
    });
  return result('model-validation', 'model-gate', findings);
}

function expectations(d: Json): ParseResult | undefined {
  const findings = (d.results as Json[])
    .filter((r) => r.success === false)
    .map((r) => ({ tool: 'data-validation', message: `${r.expectation_config.expectation_type} failed${r.expectation_config.kwargs?.column ? ` on column ${r.expectation_config.kwargs.column}` : ''}`, rule: String(r.expectation_config.expectation_type), ...(r.expectation_config.kwargs?.column ? { id: String(r.expectation_config.kwargs.column) } : {}), severity: 'high' }));
  return result('model-validation', 'data-validation', findings);
}

