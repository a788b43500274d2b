import { site, TEAM_IDS } from './site';

/**
 * The one teams map. Alerts carry a `team` label from it, triage routes failures by it and
 * drift tags its owner; GitHub mentions and Slack channels are looked up here and nowhere else.
 * The ids are fixed (the code routes by them); each team's handle and channel come from the site
 * file (`site.yaml` → `teams`), read on first use.
 */
export interface Team {
  /** GitHub team handle mentioned in issues, e.g. `@acme/ml`. The only mentions a report may keep. */
  readonly githubTeam: string;
  /** Slack channel the team's reports go to, e.g. `#ml-alerts`. */
  readonly slackChannel: string;
  /** One line on what the team owns. */
  readonly owns: string;
}

export type TeamId = (typeof TEAM_IDS)[number];

/** What each team owns: part of the code's routing, not of the site. */
const owns: Record<TeamId, string> = {
  'platform': 'cluster, GitOps, builds, deploys, the gateway and the self-healing loop',
  'ml': 'model quality: training, the accuracy gate, drift and retraining',
  'security': 'SAST, dependency and image vulnerabilities, leaked secrets',
  'model-owners': 'the model source: lint and unit tests',
};

function teamOfSite(id: TeamId): Team {
  const t = site().teams[id];
  return { githubTeam: t.github, slackChannel: t.slack, owns: owns[id] };
}

/**
 * Each team's entry reads the site file on first use (then it is cached): commands that never look a
 * team up (`mlops gateway` in its image) do not need the site file at all.
 */
export const teams: Readonly<Record<TeamId, Team>> = Object.freeze(
  Object.defineProperties(
    {} as Record<TeamId, Team>,
    Object.fromEntries(TEAM_IDS.map((id) => [id, { enumerable: true, get: () => teamOfSite(id) }])),
  ),
);

export const teamIds = [...TEAM_IDS] as TeamId[];

/** The team for an id, or an error naming the unknown id and the known ones. */
export function teamById(id: string): Team & { id: TeamId } {
  if (!(id in teams)) {
    throw new Error(`unknown team "${id}" (known teams: ${teamIds.join(', ')})`);
  }
  return { id: id as TeamId, ...teams[id as TeamId] };
}
