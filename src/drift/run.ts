import { act } from './actions';
import { analyzeTables, type AnalysisOptions, type DriftAnalysis } from './analyze';
import { readCsv } from './csv';
import { EpisodeStore, recordEpisode } from './episodes';
import { explain } from './explain';
import { driftPublication } from './publish';
import { driftMarkdown } from './render';
import type { RuleConfig } from './rules';
import { onlineAnalysis, type OnlineRunOptions } from './run-online';
import { UsageError } from '../analysis/errors';
import { Redactor } from '../analysis/redact';
import { envelope } from '../analysis/report';
import type { AnalysisSession } from '../analysis/run';
import { defaultStateDir } from '../analysis/store';

/** Where the two windows come from: two CSV files, or the gateway's capture API (online). */
export type DriftSource =
  | { readonly kind: 'tables'; readonly reference: string; readonly current: string; readonly table: Pick<AnalysisOptions, 'target' | 'prediction' | 'ignore' | 'kinds'>; readonly delimiter?: string }
  | ({ readonly kind: 'online' } & Omit<OnlineRunOptions, 'rules' | 'driftShare' | 'episodes'>);

export interface DriftRunInput {
  readonly source: DriftSource;
  /** Model name of the tables mode (online: release.json's or the source's). */
  readonly model: string;
  readonly rules: RuleConfig;
  readonly driftShare: number;
  /** Production model digest (a change starts a new episode). */
  readonly digest?: string;
  /** Take the urgency's action (P0 retrain dispatch, P1 issue, P2 Slack). */
  readonly act: boolean;
  readonly dailyBudget: number;
  readonly maxPromptTokens: number;
}

/**
 * Drift analysis on the spine: statistics, root cause and urgency by code; the explanation by the
 * provider; the episode (and so the dedupe key); the urgency's action; emit and publish.
 */
export async function runDriftAnalysis(session: AnalysisSession, input: DriftRunInput): Promise<void> {
  const episodes = input.act || input.digest ? new EpisodeStore(session.options.stateDir ?? defaultStateDir()) : undefined;
  const analysis = await analyzeSource(input, episodes);
  const redactor = new Redactor();
  const out = await explain(analysis, {
    provider: session.provider(), store: session.store(), redactor, dailyBudget: input.dailyBudget, maxPromptTokens: input.maxPromptTokens,
  });
  let report = out.report;
  if (episodes) report = recordEpisode(episodes, report, input.digest ?? report.digest ?? null, report.urgency === 'P0' && input.act);
  if (input.act) {
    try {
      // The action's issue body is the report before the action; the published report includes it.
      report = { ...report, action: await act(report, { redactor, markdown: driftMarkdown(report) }) };
    } catch (err) {
      session.fail(`action for ${report.urgency} failed: ${(err as Error).message}`);
    }
  }
  const env = envelope('drift', redactor.redactDeep(report), {
    provider: out.provider,
    promptVersion: out.promptVersion,
    promptTokens: out.promptTokens,
    redactions: redactor.redactions,
    fallbackReason: out.fallbackReason,
  });
  const markdown = driftMarkdown(report);
  session.emit(env, markdown, undefined, redactor);
  await session.publish(driftPublication(report, markdown, env), redactor);
}

async function analyzeSource(input: DriftRunInput, episodes: EpisodeStore | undefined): Promise<DriftAnalysis> {
  const { source, rules, driftShare } = input;
  if (source.kind === 'online') return (await onlineAnalysis({ ...source, rules, driftShare, episodes })).analysis;
  try {
    const reference = readCsv(source.reference, source.table.kinds, { delimiter: source.delimiter });
    const current = readCsv(source.current, source.table.kinds, { delimiter: source.delimiter });
    return analyzeTables(reference, current, {
      ...source.table, model: input.model, driftShare, rules, retrainedThisEpisode: episodes?.get(input.model).retrained,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
