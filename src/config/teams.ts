/**
 * The one teams map. Alerts carry a `team` label from it, triage routes failures by it and
 * drift tags its owner; GitHub mentions and Slack channels are looked up here and nowhere else.
 */
export interface Team {
  /** GitHub team handle mentioned in issues, e.g. `@acme/ml`. The only mentions a report may keep. */
  readonly githubTeam: string;
  /** Slack channel the team's reports go to, e.g. `#ml-alerts`. */
  readonly slackChannel: string;
  /** One line on what the team owns. */
  readonly owns: string;
}

export const teams = {
  'platform': {
    githubTeam: '@self-healing-mlops/platform',
    slackChannel: '#platform-alerts',
    owns: 'cluster, GitOps, builds, deploys, the gateway and the self-healing loop',
  },
  'ml': {
    githubTeam: '@self-healing-mlops/ml',
    slackChannel: '#ml-alerts',
    owns: 'model quality: training, the accuracy gate, drift and retraining',
  },
  'security': {
    githubTeam: '@self-healing-mlops/security',
    slackChannel: '#security-alerts',
    owns: 'SAST, dependency and image vulnerabilities, leaked secrets',
  },
  'model-owners': {
    githubTeam: '@self-healing-mlops/model-owners',
    slackChannel: '#model-dev',
    owns: 'the model source: lint and unit tests',
  },
} as const satisfies Record<string, Team>;

export type TeamId = keyof typeof teams;

export const teamIds = Object.keys(teams) as TeamId[];

/** The team for an id, or an error naming the unknown id and the known ones. */
export function teamById(id: string): Team & { id: TeamId } {
  if (!(id in teams)) {
    throw new Error(`unknown team "${id}" (known teams: ${teamIds.join(', ')})`);
  }
  return { id: id as TeamId, ...teams[id as TeamId] };
}
