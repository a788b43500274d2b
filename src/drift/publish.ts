import type { DriftReport } from './report';
import type { ReportEnvelope } from '../analysis/report';
import type { Publication } from '../analysis/run';

/**
 * Where a drift report goes through `--sink`: every sink gets it, labelled by urgency. (The urgency's
 * own action, `--act`, is src/drift/actions.ts.)
 */
export function driftPublication(report: DriftReport, markdown: string, envelope: ReportEnvelope): Publication {
  return {
    post: {
      dedupeKey: report.dedupeKey,
      title: `Model drift (${report.urgency}): ${report.model}: ${report.rootCause}`,
      body: markdown,
      team: report.team,
      labels: ['drift', `team:${report.team}`, `urgency:${report.urgency}`],
      json: envelope,
    },
  };
}
