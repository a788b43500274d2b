import {
  analyze,
  AnalysisStore,
  DEFAULT_LOG_TOKENS,
  envelope,
  LlmProvider,
  loadPrompt,
  Redactor,
  reduceLog,
  ReportEnvelope,
  RetryOptions,
  sanitizeReport,
  sanitizeText,
} from '../analysis';
import { classifyJob } from './artifacts/classify';
import { ReportFile } from './artifacts/reports';
import { Classification } from './classify';
import { offlineExplanation, renderMarkdown, triageDedupeKey } from './explain';
import { collectFlaggedFiles, RepoFileReader } from './flagged-files';
import { explanationSchema } from './schema';
import { defaultTeam, TriageReport } from './types';
import { teams } from '../config/teams';

/** One failed job's log. */
export interface JobLog {
  /** Where it came from (file path or job URL), for messages. */
  readonly source: string;
  readonly text: string;
  readonly job?: string;
  /** Name of the step the jobs API reports as failed, when known. */
  readonly failedStepName?: string;
  /** The same job's log from the last successful run (lines seen there rank lower). */
  readonly baseline?: string;
  /** The run's machine-readable reports (SARIF, JUnit, tool JSON): read before the log. */
  readonly reports?: ReportFile[];
}

/** Where the failure happened. */
export interface TriageContext {
  readonly repository?: string;
  readonly workflow?: string;
  readonly runId?: number;
  readonly runUrl?: string;
  readonly branch?: string;
  readonly commitSha?: string;
  readonly forkRun?: boolean;
}

export interface TriageOptions {
  readonly provider: LlmProvider;
  readonly store?: AnalysisStore;
  readonly dailyBudget?: number;
  readonly maxPromptTokens?: number;
  /** Token budget of the log part of the prompt. @default 8000 */
  readonly logTokens?: number;
  readonly retry?: RetryOptions;
  /** Reads repository files at the failing commit (API runs only): the flagged lines go into the prompt. */
  readonly readFile?: RepoFileReader;
  /** Receives every prompt text actually sent (redacted). */
  readonly onPrompt?: (text: string) => void;
}

export interface TriageResult {
  readonly report: ReportEnvelope<TriageReport>;
  readonly markdown: string;
  readonly redactor: Redactor;
  readonly classification: Classification;
}

/**
 * Triage: code classifies every failed job's log and picks the most specific verdict; the
 * provider (or the offline explanation) explains it; hygiene and redaction apply to everything
 * that leaves.
 */
export async function triage(logs: JobLog[], ctx: TriageContext, opts: TriageOptions): Promise<TriageResult> {
  if (!logs.length) throw new Error('no job logs to triage');
  const classified = logs.map((log) => ({ log, c: classifyJob(log.text, log.reports, log.failedStepName) }));
  // Most specific verdict wins; among equals, the first failed job.
  const { log, c } = classified.reduce((best, cur) => (cur.c.priority > best.c.priority ? cur : best));
  const team = defaultTeam[c.failureType];
  const redactor = new Redactor();
  const workflow = ctx.workflow ?? 'ci';
  const job = log.job ?? 'job';
  const reduced = reduceLog(c.step.lines.join('\n'), { maxTokens: opts.logTokens ?? DEFAULT_LOG_TOKENS, baseline: log.baseline });
  const findingsJson = JSON.stringify(c.findings.slice(0, 30), null, 1);
  // Offline (saved logs, fork runs) there is no API: the block stays empty, and the prompt says so.
  const flagged = opts.readFile ? await collectFlaggedFiles(c.findings, opts.readFile, redactor, {}, ctx.repository?.split('/')[1]) : '';
  const prompt = loadPrompt(`triage/${c.failureType}`, {
    failureType: c.failureType,
    team: `${team} (${teams[team].owns})`,
    workflow: `${workflow} / ${job}${c.step.name !== '(log)' ? ` / step "${c.step.name}"` : ''}`,
    findings: findingsJson,
    log: reduced.text,
    code: flagged || '(not available)',
  });
  const offline = offlineExplanation(c);
  const result = await analyze({
    provider: opts.provider,
    prompt,
    schema: explanationSchema,
    schemaName: 'triage_explanation',
    fallback: () => offline,
    redactor,
    store: opts.store,
    dailyBudget: opts.dailyBudget,
    maxPromptTokens: opts.maxPromptTokens,
    retry: opts.retry,
    onPrompt: opts.onPrompt,
  });
  const explanation = result.answer;
  const dedupeKey = triageDedupeKey(workflow, job, c);
  const draft: TriageReport = {
    failureType: c.failureType,
    team,
    summary: explanation.summary,
    findings: c.findings,
    rootCause: explanation.rootCause,
    remediation: explanation.remediation,
    // Evidence is always the code's quotes from the log; the model's quotes are not trusted as evidence.
    evidence: c.evidence,
    dedupeKey,
    ...(ctx.repository ? { repository: ctx.repository } : {}),
    ...(ctx.workflow ? { workflow: ctx.workflow } : {}),
    ...(log.job ? { job: log.job } : {}),
    ...(c.step.name !== '(log)' ? { step: c.step.name } : {}),
    ...(ctx.runId ? { runId: ctx.runId } : {}),
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
    ...(ctx.branch ? { branch: ctx.branch } : {}),
    ...(ctx.commitSha ? { commitSha: ctx.commitSha } : {}),
    ...(ctx.forkRun ? { forkRun: true } : {}),
    ...(reduced.dropped.length ? { logNotes: reduced.dropped } : {}),
  };
  // Hygiene on every text field, then the code's facts on top (its classification always wins),
  // then redaction of the whole report (stdout and report.json included).
  const clean = sanitizeReport(draft, {
    authoritative: { failureType: c.failureType, team, dedupeKey, ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}) },
  });
  const report = redactor.redactDeep(clean);
  // The key quotes the log: mentions and links in it are neutralised like every other field.
  report.dedupeKey = dedupeKey.length > 500 ? dedupeKey.slice(0, 500) : redactor.redact(sanitizeText(dedupeKey));
  const env = envelope('triage', report, {
    provider: result.provider,
    promptVersion: result.promptVersion,
    promptTokens: result.promptTokens,
    redactions: redactor.redactions,
    fallbackReason: result.fallbackReason,
  });
  return { report: env, markdown: renderMarkdown(report, result.provider), redactor, classification: c };
}
