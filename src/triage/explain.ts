import { templateOf } from '../analysis';
import type { Classification } from './classify';
import type { FailureType, Finding, TriageReport } from './types';
import { teams } from '../config/teams';

/** The explanation fields (what the LLM may write; the offline provider writes them from facts). */
export interface Explanation {
  summary: string;
  rootCause: string;
  remediation: string;
  evidence?: string[];
}

const loc = (f: Finding) => (f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '');
const list = (fs: Finding[], fmt: (f: Finding) => string, n = 3) =>
  fs.slice(0, n).map(fmt).join('; ') + (fs.length > n ? `; and ${fs.length - n} more` : '');

/** The deterministic explanation, built from the parsed facts alone (the offline provider). */
export function offlineExplanation(c: Classification): Explanation {
  const f = c.findings;
  const first = f[0];
  const where = c.step.name !== '(log)' ? ` in step "${c.step.name}"` : '';
  const n = f.length;
  const by: Record<FailureType, () => Explanation> = {
    'lint': () => ({
      summary: `${c.tool} reported ${n} violation${n === 1 ? '' : 's'}${where}.`,
      rootCause: `Code does not pass ${c.tool}: ${list(f, (x) => `${x.rule ?? ''} ${x.message} at ${loc(x)}`.trim())}.`,
      remediation: `Fix the reported lines (run \`${c.step.command || c.tool}\` locally) and push again; do not disable the rules to get green.`,
    }),
    'unit-test': () => ({
      summary: `${n} test${n === 1 ? '' : 's'} failed or errored${where}: ${list(f, (x) => x.id ?? x.message, 2)}.`,
      rootCause: `${first.rule === 'import' ? 'A test module cannot be imported' : first.rule === 'fixture' ? 'A test requests a fixture that does not exist' : first.rule === 'collection' ? 'pytest could not collect a test module' : first.rule === 'timeout' ? 'A test exceeded its timeout' : 'An assertion failed'}: ${first.message}${loc(first) ? ` (${loc(first)})` : ''}.`,
      remediation: 'Reproduce with `pytest -x <test id>` locally, fix the code or the test, and push again.',
    }),
    'sast': () => ({
      summary: `${c.tool} found ${n} security issue${n === 1 ? '' : 's'}${where}, worst: ${first.rule} (${first.severity ?? 'unknown'} severity) at ${loc(first)}.`,
      rootCause: list(f, (x) => `${x.rule} at ${loc(x)}: ${x.message}`),
      remediation: 'Replace the flagged construct with the safe alternative the rule documents; mark a false positive with a justified `# nosec <rule>` only after review.',
    }),
    'sca': () => ({
      summary: `${c.tool} found ${n} vulnerable dependenc${n === 1 ? 'y' : 'ies'}${where}: ${list(f, (x) => x.id ?? x.message, 3)}.`,
      rootCause: list(f, (x) => `${x.id ?? ''} ${x.message}`.trim()),
      remediation: 'Upgrade the affected packages to the fixed versions in the pinned requirements (recompile the hashes) and rerun the scan.',
    }),
    'secret-leak': () => ({
      summary: `${c.tool} found ${n} committed secret${n === 1 ? '' : 's'}${first.file ? ` at ${loc(first)}` : ''} (rule ${first.rule ?? 'unknown'}).`,
      rootCause: 'A credential was committed to the repository history.',
      remediation: 'Rotate (revoke and reissue) the credential now: deleting it from the file does not remove it from git history. Then move it to a secret store and reference it from there.',
    }),
    'image-vulnerability': () => ({
      summary: `${c.tool} found ${n} vulnerabilit${n === 1 ? 'y' : 'ies'} in the image${where}: ${list(f, (x) => `${x.id} (${x.severity ?? '?'})`, 3)}.`,
      rootCause: list(f, (x) => `${x.id} ${x.message}`),
      remediation: 'Rebuild on an updated base image digest (or upgrade the packages to the fixed versions), then rescan.',
    }),
    'model-validation': () => ({
      summary: `The model gate rejected the candidate: ${first.message.replace(/^model-validation failed: /, '')}.`,
      rootCause: 'The trained model does not meet the quality gate on the held-out evaluation split.',
      remediation: 'Compare the training data and parameters with the last passing run (MLflow); fix the data or training change that lowered the metric. Do not lower the threshold to pass.',
    }),
    'build': () => ({
      summary: `The build failed${where}: ${first.message}.`,
      rootCause: list(f, (x) => `${x.tool}: ${x.message}`, 2),
      remediation: 'Fix the named package, version pin or build step and rebuild; for hash mismatches, recompile the pinned requirements.',
    }),
    'deploy': () => ({
      summary: `The deploy step failed${where}: ${first.message}.`,
      rootCause: list(f, (x) => `${x.tool}: ${x.message}`, 2),
      remediation: first.rule === 'non-fast-forward' ? 'Another change reached the branch first: rebase onto it and push again (the release bump is idempotent).' : 'Check the credentials and permissions the deploy step uses (RBAC, tokens, protected branches) and the target\'s health.',
    }),
    'infrastructure': () => ({
      summary: `The runner failed, not the code${where}: ${first.message}.`,
      rootCause: `Infrastructure: ${first.rule ?? 'runner error'}.`,
      remediation: first.rule === 'disk-full' ? 'Free disk space on the runner (prune images and caches) or use a larger disk.' : first.rule === 'time-limit' ? 'Find what made the job slow, or raise timeout-minutes if the work really needs it.' : 'Check the runner host and its scale set; the run itself can be retried by a human.',
    }),
    'unknown': () => ({
      summary: `The job failed${where}, and no known tool output explains why.`,
      rootCause: 'Not determined from the log; see the last lines in the evidence.',
      remediation: 'Read the evidence lines and the full log; if this failure recurs, add a recogniser for it.',
    }),
  };
  return { ...by[c.failureType](), evidence: c.evidence };
}

/** Triage's dedupe key: workflow + job + failure type + first normalised error. */
export function triageDedupeKey(workflow: string, job: string, c: Classification): string {
  const first = c.findings[0];
  // Numbers, hashes and timings are normalised away, so a repeat of the same failure maps to the same key.
  const firstError = templateOf(first ? `${first.rule ?? ''} ${first.id ?? ''} ${first.message}` : (c.evidence.at(-1) ?? ''));
  return [workflow, job, c.failureType, firstError.trim().slice(0, 200)].join('|');
}

/** Markdown for issues, comments, Slack and report.md. */
export function renderMarkdown(r: TriageReport, provider: string): string {
  const team = teams[r.team];
  const lines: string[] = [];
  lines.push(`**${r.failureType}** failure${r.workflow ? ` in \`${r.workflow}\`` : ''}${r.job ? ` / \`${r.job}\`` : ''}${r.step ? ` (step \`${r.step}\`)` : ''} — owner ${team.githubTeam}`);
  lines.push('');
  lines.push(r.summary);
  lines.push('');
  lines.push(`**Root cause:** ${r.rootCause}`);
  lines.push('');
  lines.push(`**Remediation:** ${r.remediation}`);
  if (r.findings.length) {
    lines.push('', '| tool | rule / id | where | message |', '|---|---|---|---|');
    for (const f of r.findings.slice(0, 15)) {
      const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
      lines.push(`| ${cell(f.tool)} | ${cell([f.rule, f.id].filter(Boolean).join(' '))} | ${cell(f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '')} | ${cell(f.message)} |`);
    }
    if (r.findings.length > 15) lines.push(`| … | | | ${r.findings.length - 15} more |`);
  }
  if (r.evidence.length) {
    lines.push('', '<details><summary>Evidence</summary>', '', '```text', ...r.evidence.map((e) => e.replace(/```/g, "'''")), '```', '', '</details>');
  }
  const meta = [r.runUrl ? `[run](${r.runUrl})` : '', r.commitSha ? `commit ${r.commitSha.slice(0, 12)}` : '', r.branch ? `branch ${r.branch}` : '', `explained by ${provider}`]
    .filter(Boolean)
    .join(' · ');
  lines.push('', `<sub>${meta}. Category and findings were decided by code; AI text only explains and never acts.</sub>`);
  return lines.join('\n');
}
