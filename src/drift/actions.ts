import { Octokit } from '@octokit/rest';
import { Redactor, Sink, cleanJson, createSink, teamMentions } from '../analysis';
import type { DriftReport } from './report';
import { teamById } from '../config/teams';
import { dispatchEventTypes, retrainWindow, type RetrainDispatchPayload } from '../contracts/dispatch';

/**
 * Acting on the urgency the rules computed (never on anything an LLM said):
 * - `P0` → GitHub `repository_dispatch` of type `retrain` with `{model, window, urgency, rootCause}`; the retrain
 *   workflow's concurrency group keeps one retrain per model at a time, and it ends in a pull request a human merges;
 * - `P1` → a GitHub issue tagging the ML team, deduplicated by `drift:<model>:episode-<n>`;
 * - `P2` → a Slack message to the ML team's channel;
 * - `none` → nothing.
 *
 * Episodes (which issue a P1 goes to) are src/drift/episodes.ts.
 */

export interface ActionOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly redactor?: Redactor;
  /** Markdown body of the report. */
  readonly markdown: string;
  /** Replaces the Slack/GitHub sinks (tests); default: the analysis core's sinks from the environment. */
  readonly sinkFactory?: (kind: 'github' | 'slack') => Sink;
}

export type DriftAction = NonNullable<DriftReport['action']>;

/** Takes the action of the report's urgency. Throws (naming the setting) when a needed credential is missing. */
export async function act(report: DriftReport, opts: ActionOptions): Promise<DriftAction> {
  const env = opts.env ?? process.env;
  const redactor = opts.redactor ?? new Redactor();
  const team = teamById(report.team);
  const sink = (kind: 'github' | 'slack'): Sink => opts.sinkFactory?.(kind) ?? createSink(kind, { env, redactor });
  switch (report.urgency) {
    case 'P0': {
      if (!env.GITHUB_TOKEN) throw new Error('P0 retrain dispatch needs GITHUB_TOKEN in the environment');
      const repo = env.GITHUB_REPOSITORY ?? '';
      const [owner, name] = repo.split('/');
      if (!owner || !name) throw new Error(`P0 retrain dispatch needs GITHUB_REPOSITORY as owner/name, got "${repo}"`);
      const octokit = new Octokit({ auth: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com', request: { retries: 0 } });
      await octokit.repos.createDispatchEvent({
        owner,
        repo: name,
        event_type: dispatchEventTypes.retrain,
        // Column names and the key are data from the CSVs: the payload leaves through the exit's JSON rule (redacted).
        client_payload: cleanJson({
          model: report.model,
          window: retrainWindow(report.window),
          urgency: report.urgency,
          rootCause: report.rootCause,
          affectedFeatures: report.affectedFeatures,
          dedupeKey: report.dedupeKey,
        } satisfies RetrainDispatchPayload, redactor),
      });
      return { kind: 'retrain-dispatch', detail: `repository_dispatch retrain for ${report.model} on ${repo}` };
    }
    case 'P1': {
      const mention = teamMentions().includes(team.githubTeam) ? team.githubTeam : '';
      const result = await sink('github').post({
        dedupeKey: report.dedupeKey,
        title: `Model drift (${report.urgency}): ${report.model}: ${report.rootCause}`,
        body: `${mention} ${report.summary}\n\n${opts.markdown}`,
        labels: ['drift', `team:${team.id}`, `urgency:${report.urgency}`, `cause:${report.rootCause}`],
        team: team.id,
        json: report,
      });
      return { kind: 'github-issue', ref: result.ref, detail: result.action };
    }
    case 'P2': {
      const result = await sink('slack').post({
        dedupeKey: report.dedupeKey,
        title: `Model drift (P2): ${report.model}`,
        body: `${report.summary}\n${report.explanation}`,
        team: team.id,
        json: report,
      });
      return { kind: 'slack', ref: result.ref, detail: result.action };
    }
    default:
      return { kind: 'none' };
  }
}
